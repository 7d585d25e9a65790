/* ntkbench studies (internal to the image benchmark): the CNTK and the four LANTK variants on one
 * split of a pooled class pair, stratified resplits, and the result rows of a protocol. */
#ifndef NTKB_STUDIES_IMAGE_EVAL_H
#define NTKB_STUDIES_IMAGE_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "eval/report.h"
#include "lantk/pairfeat.h"
#include "studies/image_bench.h"

#define NTKB_IMG_MAX_ROWS (2 * NTKB_IMG_NK + 2)

/* Method names of the rows, in the order above ("CNTK", "LANTK-KR-V1", ...). */
extern const char *const ntkb_image_method[NTKB_IMG_NK];

typedef struct {
    int enabled[NTKB_IMG_NK]; /* kernels to evaluate; CNTK is always run (the baseline of Δ, α of V2) */
    double lambda;      /* < 0: λ = 0.0005·mean|H|/mean|Z| per split */
    int sketch;         /* FJLT variants: 0 exact normal equations, 1 FJLT sketch */
    double eps;         /* sketch accuracy ε */
    uint64_t seed;      /* resplits and sketch */
    int threads;
    const double *scale; /* NULL, or per kernel a factor on λ (λ by inner cross-validation) */
} ntkb_image_eval_opts;

/* Z blocks (train×train n×n, test×train m×n) of LANTK variant k (NTKB_IMG_KR_V1 …) fitted on
 * the training labels ytr; alpha = H_train⁻¹ ytr (used by KR-V2); Htr, Hte: the CNTK blocks.
 * Returns the fits' codes.  Time complexity: O(n²) for KR, O(n² p²) for the FJLT variants. */
ntkb_status ntkb_image_z_blocks(const ntkb_lantk_data *d, int k, size_t n, const size_t *tr,
                                size_t m, const size_t *te, const double *ytr,
                                const double *alpha, const double *Htr, const double *Hte,
                                const ntkb_image_eval_opts *o, double *Ztr, double *Zte);

/* Accuracies (percent) of every enabled kernel on one split; NaN for disabled ones.
 * lam receives the λ used per kernel (0 for CNTK; the rule's λ times o->scale[k] when given); secs[k] is increased by the seconds spent
 * on kernel k (Z fit, λ, solve, prediction).  d: pooled data (H, raw Gram, L1);
 * y: pooled ±1 labels; tr/te: pooled indices.  Returns the library's codes.
 * Time complexity: O(K · 2n³/3) for K kernels plus O(n² p²) per FJLT fit. */
ntkb_status ntkb_image_split(const ntkb_lantk_data *d, const double *y, size_t n, const size_t *tr,
                     size_t m, const size_t *te, const ntkb_image_eval_opts *o, double *acc, double *lam,
                     double *secs);

/* Stratified 80/20 split number `s` of N pooled items with ±1 labels y (per class: a
 * Fisher–Yates shuffle by splitmix64 seeded from (seed, s), ⌊0.8·count + 0.5⌋ to train); both
 * index lists sorted.  tr, te: N-capacity arrays.  Time complexity: O(N log N). */
void ntkb_image_resplit(size_t N, const double *y, uint64_t seed, size_t s, size_t *tr, size_t *n_tr,
                size_t *te, size_t *n_te);

/* Rows of one protocol from per-split accuracies acc[s·NTKB_IMG_NK + k] (n_splits splits): per kernel
 * mean ± std (ddof = 1; 0 for one split), the paired differences LANTK − CNTK (mean ± standard
 * error, method "Δ <variant>"), and LANTK-best = the variant with the highest mean (test-set
 * selection).  rows must hold NTKB_IMG_MAX_ROWS entries; the caller fills group, protocol, command and
 * params prefixes beforehand in `tmpl`.  Returns the number of rows written. */
size_t ntkb_image_rows(const ntkb_report_row *tmpl, size_t n_splits, const double *acc,
               const double *lam, const double *secs, ntkb_report_row *rows);

#endif
