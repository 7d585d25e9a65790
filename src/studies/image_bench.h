/* ntkbench studies: the image benchmark (bench_lantk) — the CNTK and the four LANTK variants on a
 * binary class pair of CIFAR-10 or Fashion-MNIST.
 *
 * Reads the dataset, keeps the two classes (first class → −1, second → +1), preprocesses,
 * computes one CNTK Gram over the pooled train+test images, optionally writes the train Gram and
 * the test×train block as .npy (with ±1 labels and meta.json), and, unless gram_only, evaluates
 * every kernel by ridgeless kernel regression (sign accuracy) on the official split and on
 * stratified 80/20 resplits; rows are appended to RESULTS/images.csv and RESULTS/images.md and
 * RESULTS/figures/images.dat are regenerated.
 */
#ifndef NTKB_STUDIES_IMAGE_BENCH_H
#define NTKB_STUDIES_IMAGE_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Kernels of the study, in the order of every per-kernel array. */
enum { NTKB_IMG_CNTK, NTKB_IMG_KR_V1, NTKB_IMG_KR_V2, NTKB_IMG_FJLT_V1, NTKB_IMG_FJLT_V2, NTKB_IMG_NK };

typedef struct {
    const char *dataset;   /* "cifar10" or "fashion-mnist" */
    int a, b;              /* the pair's classes (0..9, a ≠ b): a → −1, b → +1 */
    const char *data_dir;  /* dataset directory; NULL: fashion-mnist's Debian directory; CIFAR-10
                            * needs it (or $NTKB_CIFAR10_DIR) */
    const char *arch;      /* "lantk" (the LANTK paper's CNN), "arora-v" or "arora-gap" */
    size_t depth;          /* depth of the arora-* architectures (0: 21 for V, 11 for GAP) */
    const char *prep;      /* "pm1" or "standardize" (NULL: pm1 for lantk, standardize else) */
    size_t max_train, max_test; /* at most this many images per class, first in file order (0: all) */
    int enabled[NTKB_IMG_NK]; /* kernels to evaluate (CNTK always runs: the baseline) */
    const char *protocol;  /* "official", "resplits" or "both" */
    int splits;            /* resplits (≥ 2) */
    uint64_t seed;         /* resplits and the FJLT sketch */
    double lambda;         /* < 0: λ = 0.0005·mean|H_train|/mean|Z_train| per split */
    int sketch;            /* FJLT variants: 0 exact least squares, 1 the reference's sketch */
    double eps;            /* sketch accuracy */
    int threads;           /* ≤ 0: the OpenMP default */
    const char *results;   /* results directory, or "none" for no rows */
    const char *out;       /* optional: write the Grams, labels and meta.json here */
    int gram_only;         /* stop after writing the Grams (needs out) */
    size_t train_sizes[8]; /* n_sizes > 0: the gain against training-set size (image_sizes.h)
                            * instead of the protocols: per size, `splits` draws of that many
                            * training images from the training pool, scored on the test set */
    size_t n_sizes;
    int lambda_cv;         /* with train_sizes: also λ by inner cross-validation */
} ntkb_image_bench_opts;

/* The defaults of bench_lantk (every kernel, both protocols, 20 resplits, seed 1, the λ rule,
 * exact fits, 2 threads, results "results"); dataset and pair unset.  Time complexity: O(1). */
ntkb_image_bench_opts ntkb_image_bench_opts_default(void);

/* Runs the study; `command` is recorded in the rows.  One summary line goes to stdout, progress
 * to stderr.  Returns NTKB_OK, NTKB_EINVAL (bad options), or the codes of the readers, the
 * kernels, the solves and the report writer.  Memory: the pooled N×N CNTK Gram and the train
 * and test blocks (N = train + test images).
 * Time complexity: N²/2 CNTK pairs, then O(K · n³) per split for K kernels. */
ntkb_status ntkb_image_bench_run(const ntkb_image_bench_opts *o, const char *command);

/* Regenerates DIR/images.md and DIR/figures/images.dat from DIR/images.csv and
 * DIR/published-images.csv.  Returns NTKB_OK, NTKB_EIO or the reader's codes.
 * Time complexity: O(rows). */
ntkb_status ntkb_image_bench_report(const char *dir);

#ifdef __cplusplus
}
#endif

#endif
