/* ntkbench fibers: a minimal image set (n images of C×H×W doubles in [−1, 1]) and its readers.
 *
 * This is the study's own small interface to images, so that it does not wait on the project's image
 * module (src/lantk/images.h).  Pixels are normalised as LANTK does (ALGORITHMS.md P7):
 * x = (p/255 − 0.5)/0.5 ∈ [−1, 1].
 */
#ifndef NTKB_FIBERS_IMAGESET_H
#define NTKB_FIBERS_IMAGESET_H

#include <stddef.h>

#include "core/status.h"
#include "fibers/augment.h"

typedef struct {
    size_t n;                /* number of images */
    ntkb_fibers_shape shape; /* C, H, W */
    double *pixels;          /* owned: n × C·H·W, image after image */
} ntkb_fibers_images;

/* Releases the pixels and zeroes the struct; NULL and a zeroed struct are no-ops. */
void ntkb_fibers_images_free(ntkb_fibers_images *set);

/* Pointer to image i (no check).  Time complexity: O(1). */
double *ntkb_fibers_image(const ntkb_fibers_images *set, size_t i);

/* Reads the first `max_images` images (0: all) of a gzip'd (or plain) IDX3 file, e.g.
 * /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz, into *out (C = 1).
 * Returns NTKB_OK, NTKB_ENOTFOUND, NTKB_EIO, NTKB_EFORMAT (bad magic or truncated file) or
 * NTKB_ENOMEM.  On success the caller owns *out (ntkb_fibers_images_free).
 * Time complexity: O(max_images·H·W). */
ntkb_status ntkb_fibers_load_idx(const char *path, size_t max_images, ntkb_fibers_images *out);

/* Reads the first `max_images` records (0: all) of a CIFAR-10 binary batch file (1 label byte +
 * 3072 pixel bytes per record) into *out (C = 3, 32×32).  Returns and ownership as
 * ntkb_fibers_load_idx.  Time complexity: O(max_images·3072). */
ntkb_status ntkb_fibers_load_cifar10(const char *path, size_t max_images, ntkb_fibers_images *out);

/* Area-averages every image by an integer `factor` (H and W must be divisible by it) into *out,
 * which the caller then owns.  factor 1 copies.  Returns NTKB_OK, NTKB_EINVAL or NTKB_ENOMEM.
 * Time complexity: O(n·C·H·W). */
ntkb_status ntkb_fibers_images_downsample(const ntkb_fibers_images *in, size_t factor,
                                          ntkb_fibers_images *out);

#endif
