/* ntkbench studies (internal to the image benchmark): the gain LANTK − CNTK against the
 * training-set size.  The pooled Gram holds a training pool (the first images of the official
 * training split) and a fixed test set (the official test images); for each size n, J stratified
 * draws of n training images from the pool are evaluated on the same test set, with λ by the
 * paper's rule and, optionally, with λ chosen by inner 3-fold cross-validation on the n training
 * images (factors of the rule's λ in {1, 0.1, 10, 0.01, 100, 0}; 0 is the CNTK itself). */
#ifndef NTKB_STUDIES_IMAGE_SIZES_H
#define NTKB_STUDIES_IMAGE_SIZES_H

#include <stddef.h>

#include "core/status.h"
#include "eval/report.h"
#include "lantk/pairfeat.h"
#include "studies/image_bench.h"
#include "studies/image_eval.h"

/* The λ factors the inner cross-validation chooses from, in order of preference on ties. */
#define NTKB_IMG_CV_GRID 6
extern const double ntkb_image_cv_grid[NTKB_IMG_CV_GRID];

/* Stratified draw number s of `want` items among pooled items 0..n_pool-1 with ±1 labels y:
 * per class round(want·count/n_pool) items by a Fisher–Yates shuffle seeded from (seed, tag, s);
 * tr (n_pool capacity) receives them sorted, *n_tr their count; scratch: n_pool entries.
 * Time complexity: O(n_pool log n_pool). */
void ntkb_image_draw(size_t n_pool, const double *y, size_t want, uint64_t seed, uint64_t tag,
                     size_t s, size_t *tr, size_t *n_tr, size_t *scratch);

/* λ factors by inner 3-fold stratified cross-validation on the training items tr (pooled
 * indices): for each enabled LANTK variant, the factor of ntkb_image_cv_grid with the most
 * correct validation predictions (Z refitted on each inner training fold; first on ties);
 * scale[NTKB_IMG_CNTK] = 1.  Returns the library's codes.
 * Time complexity: 3 folds × (variants × (Z fit + 6 LU solves of (2n/3)³)). */
ntkb_status ntkb_image_cv_scales(const ntkb_lantk_data *d, const double *y, size_t n,
                                 const size_t *tr, const ntkb_image_eval_opts *o,
                                 uint64_t seed, double *scale);

/* Runs the sizes o->train_sizes on the pooled data (n_pool training items first, then the test
 * items) and appends the rows (protocols "trainsize-N" and, with o->lambda_cv,
 * "trainsize-N-cv") to RESULTS/images.csv.  tmpl: group, params prefix, command, kernel time.
 * Returns NTKB_EINVAL (a size above the pool) or the library's codes.
 * Time complexity: Σ_n J · (5 LU of n³ + the fits; × ≈ 20 with cross-validation). */
ntkb_status ntkb_image_sizes(const ntkb_image_bench_opts *o, const ntkb_lantk_data *d,
                             const double *y, size_t n_pool, const ntkb_report_row *tmpl);

/* images.md's section "Gain against training-set size" (a table per λ mode: pairs × variants
 * × sizes, then the mean over pairs ± SE over pairs) and figures/images-trainsize.dat; nothing
 * when there are no trainsize rows.  Returns NTKB_OK or NTKB_EIO.  Time: O(rows²). */
ntkb_status ntkb_image_sizes_report(FILE *md, const char *dir, const ntkb_report_row *rows,
                                    size_t n);

#endif
