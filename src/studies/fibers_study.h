/* ntkbench fibers: the measurements of the kernel-fiber study.
 *
 * For a reference z, an input x (a different image) and an augmentation x → x̂:
 *   alignment  cos∠(x̂ − x, ∇ₓΘ(z, x)) = (x̂ − x)ᵀg / (‖x̂ − x‖·‖g‖)     (0 when x̂ = x)
 *   deviation  |Θ(z, x) − Θ(z, x̂)| / |Θ(z, x)|                           (relative level-set deviation)
 * Statistics are mean ± sample std (ddof = 1) over the pairs.
 *
 * Reproducibility: pair p uses its own generator seeded from (seed, p), and every augmentation of
 * that pair its own generator seeded from (seed, p, aug), so all augmentations see the same pairs and
 * a result does not depend on which other measurements ran.
 *
 * Images are an ntkb_images set (src/lantk/images.h) whose pixels the caller has scaled to [−1, 1]
 * (ntkb_images_scale_pm1: (p/255 − 0.5)/0.5, as LANTK); labels are not used.
 */
#ifndef NTKB_STUDIES_FIBERS_STUDY_H
#define NTKB_STUDIES_FIBERS_STUDY_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "studies/fibers_augment.h"
#include "studies/fibers_empirical.h"
#include "studies/fibers_ntkgrad.h"
#include "lantk/images.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel under study: the infinite-width FC NTK (mlp == NULL) or the empirical NTK of a finite
 * two-layer GeLU network (mlp != NULL; its n0 must equal the images' C·H·W).  Both borrowed. */
typedef struct {
    const ntkb_fibers_net *net;
    const ntkb_fibers_mlp *mlp;
} ntkb_fibers_kernel;

/* The shape {channels, height, width} of the images of `set`, as the augmentations take it.
 * Time complexity: O(1). */
ntkb_fibers_shape ntkb_fibers_shape_of(const ntkb_images *set);

/* Θ(z, x) and, when grad is not NULL, ∇ₓΘ(z, x) for either kernel.  Returns as the underlying
 * ntkb_fibers_ntk_grad / ntkb_fibers_mlp_ntk, or NTKB_EINVAL on a dimension mismatch.
 * Time complexity: O(n₀ + L) infinite width, O(width·n₀) empirical. */
ntkb_status ntkb_fibers_kernel_eval(const ntkb_fibers_kernel *k, const double *z, const double *x,
                                    size_t n0, double *theta, double *grad);

typedef struct {
    size_t n;                      /* pairs measured */
    double align_mean, align_std;  /* cosine between x̂ − x and ∇ₓΘ(z, x) */
    double dev_mean, dev_std;      /* relative level-set deviation */
    double dev_median;             /* its median: robust where Θ(z, x) ≈ 0 gives heavy tails */
    double disp_rms;               /* mean of ‖x̂ − x‖₂/√n₀: how far the augmentation moved x */
} ntkb_fibers_stat;

/* Measures every augmentation over n_pairs random (z, x) pairs of distinct images of `set`
 * (mixup partners distinct from both).
 *   k, params   kernel and augmentation parameters (borrowed)
 *   set          at least 3 images (borrowed)
 *   stats        out: caller-owned array of NTKB_FIBERS_AUG_COUNT entries, indexed by ntkb_fibers_aug
 * Returns NTKB_OK, NTKB_EINVAL, NTKB_ENOMEM or NTKB_ENUMERIC (propagated from the NTK/augmentations).
 * Time complexity: O(n_pairs · NTKB_FIBERS_AUG_COUNT · cost of one kernel evaluation). */
ntkb_status ntkb_fibers_study_pairs(const ntkb_fibers_kernel *k, const ntkb_images *set,
                                    const ntkb_fibers_aug_params *params, size_t n_pairs,
                                    uint64_t seed, ntkb_fibers_stat *stats);

/* Deviation against the number k of augmented training points.  For each of n_refs references z,
 * draw a training set X of m other images, compute the vector Θ(z, X) and, for every augmentation,
 * the relative change ‖Θ(z, X̂_k) − Θ(z, X)‖₂ / ‖Θ(z, X)‖₂ where X̂_k has the first k points of a
 * random order augmented (k = 0..m).
 *   mean, std  out: caller-owned arrays of NTKB_FIBERS_AUG_COUNT·(m + 1) doubles, row aug, column k
 *              (std has ddof = 1 over the references; 0 when n_refs = 1)
 * Needs set->n ≥ m + 2.  Returns as ntkb_fibers_study_pairs.
 * Time complexity: O(n_refs · m · NTKB_FIBERS_AUG_COUNT · (n₀ + L)). */
ntkb_status ntkb_fibers_study_count(const ntkb_fibers_kernel *k, const ntkb_images *set,
                                    const ntkb_fibers_aug_params *params, size_t m, size_t n_refs,
                                    uint64_t seed, double *mean, double *std);

#ifdef __cplusplus
}
#endif

#endif
