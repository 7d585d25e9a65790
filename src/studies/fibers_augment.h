/* ntkbench fibers: image augmentations for the kernel-fiber study, and a small deterministic RNG.
 *
 * An image is C planes of H×W doubles, row-major, plane after plane (CIFAR's record layout), flattened
 * to a vector of n₀ = C·H·W entries when fed to the NTK.  Pixels are expected in [−1, 1]; "zero fill"
 * therefore means mid-grey.
 *
 * The augmentations (ntkb_fibers_aug):
 *   ROTATION  rotation about the image centre ((W−1)/2, (H−1)/2) by ±angle_deg (random sign), bilinear
 *             interpolation; outside the source image the fill is raw pixel 0 (black = −1 after
 *             normalisation), as torchvision's RandomRotation on a PIL image before Normalize
 *   HFLIP     mirror left–right;  VFLIP  mirror top–bottom
 *   CUTOUT    a cutout×cutout square set to 0 in normalised space (mid-grey), centre uniform over the
 *             image, clipped at the borders (DeVries & Taylor 2017 apply it after normalisation)
 *   MIXUP     λ·x + (1 − λ)·x_other with a fixed λ = mixup_lambda
 *   NOISE     x + v, v isotropic Gaussian rescaled to ‖v‖₂ = noise_rms·√n₀
 *   FIBER     x + v_T, v_T = v − (vᵀg/gᵀg)·g (v isotropic Gaussian, g = ∇ₓΘ(z, x)) rescaled to the same
 *             norm: noise in the tangent space T_x of the kernel fiber
 *   GRADIENT  x + noise_rms·√n₀·g/‖g‖: the control, displacement along ∇ₓΘ(z, x)
 */
#ifndef NTKB_STUDIES_FIBERS_AUGMENT_H
#define NTKB_STUDIES_FIBERS_AUGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/rng.h"
#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    NTKB_FIBERS_ROTATION = 0,
    NTKB_FIBERS_HFLIP,
    NTKB_FIBERS_VFLIP,
    NTKB_FIBERS_CUTOUT,
    NTKB_FIBERS_MIXUP,
    NTKB_FIBERS_NOISE,
    NTKB_FIBERS_FIBER,
    NTKB_FIBERS_GRADIENT,
    NTKB_FIBERS_AUG_COUNT
} ntkb_fibers_aug;

typedef struct {
    double angle_deg;    /* rotation magnitude in degrees */
    size_t cutout;       /* cutout side in pixels (0: H/2) */
    double mixup_lambda; /* weight of x in mixup, in [0, 1] */
    double noise_rms;    /* noise, fiber and gradient displacements have ‖·‖₂ = noise_rms·√n₀ */
} ntkb_fibers_aug_params;

typedef struct {
    size_t channels, height, width;
} ntkb_fibers_shape;

/* The poster's row for `aug` (DeOliveira et al., AAAI 2026): {alignment mean, std, deviation
 * mean, std}; NULL for an unknown value.  Static storage.  Time complexity: O(1). */
const double *ntkb_fibers_poster_row(ntkb_fibers_aug aug);

/* Short stable names ("rotation", "hflip", ..., "gradient") and the poster's row labels. */
const char *ntkb_fibers_aug_name(ntkb_fibers_aug aug);
const char *ntkb_fibers_aug_label(ntkb_fibers_aug aug);

/* Rotation by `angle_rad` about the centre, bilinear; source positions outside the image read
 * `fill`.  src and dst are caller-owned C·H·W arrays that must not alias.
 * Time complexity: O(C·H·W). */
void ntkb_fibers_rotate(const ntkb_fibers_shape *shape, const double *src, double angle_rad,
                        double fill, double *dst);

/* Mirror left–right (hflip) or top–bottom (vflip); src and dst must not alias.  O(C·H·W). */
void ntkb_fibers_hflip(const ntkb_fibers_shape *shape, const double *src, double *dst);
void ntkb_fibers_vflip(const ntkb_fibers_shape *shape, const double *src, double *dst);

/* Copies src to dst and zeroes the side×side square centred at (cy, cx), clipped at the borders
 * (a patch side of s covers rows cy − ⌊s/2⌋ .. cy − ⌊s/2⌋ + s − 1).  O(C·H·W). */
void ntkb_fibers_cutout(const ntkb_fibers_shape *shape, const double *src, size_t side, size_t cy,
                        size_t cx, double *dst);

/* Applies augmentation `aug` to x.
 *   shape   image shape; n₀ = C·H·W
 *   params  augmentation parameters (see the file comment)
 *   x       the image (borrowed)
 *   other   a different image for MIXUP (borrowed; may be NULL otherwise)
 *   grad    ∇ₓΘ(z, x) for FIBER and GRADIENT (borrowed; may be NULL otherwise)
 *   rng     randomness (rotation sign, cutout centre, noise)
 *   out     caller-owned array of n₀ doubles, not aliasing the inputs
 * Returns NTKB_OK, NTKB_EINVAL (missing input, bad parameter) or NTKB_ENUMERIC (zero gradient).
 * Time complexity: O(n₀). */
ntkb_status ntkb_fibers_augment(ntkb_fibers_aug aug, const ntkb_fibers_shape *shape,
                                const ntkb_fibers_aug_params *params, const double *x,
                                const double *other, const double *grad, ntkb_rng *rng,
                                double *out);

#ifdef __cplusplus
}
#endif

#endif
