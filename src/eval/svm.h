/* ntkbench eval: C-SVC on a precomputed kernel through LIBSVM (3.24, <libsvm/svm.h>).
 *
 * LIBSVM's precomputed kernel (-t 4) reads K(x_i, x_j) as x_i[(int)x_j[0].value].value: the
 * value at array *position* "serial of j".  Rows built once over the whole N×N Gram
 * (node 0 = {0, 1-based serial}, node k = {k, K(i,k-1)}, node N+1 = {-1, 0}) therefore serve
 * any fold: a training set is a list of row pointers, and a test row is looked up by the
 * serials of the model's support vectors.  Nothing is copied per fold.
 *
 * The rows own their values (they are a transformed copy of the Gram, 16·N·(N+2) bytes);
 * a trained model would borrow them, which is why this module never hands models out: each
 * call trains, predicts and frees.
 *
 * Gram variants (the GNTK reference search.py):
 *   NTKB_SVM_SCALED  K / min(K) when min(K) > 0 (as search.py does); K unchanged otherwise
 *                    (a non-positive minimum would flip or blow up the kernel: e.g. WL Grams
 *                    with a zero entry) — ntkb_svm_rows_scale() says which was used;
 *   NTKB_SVM_COSINE  the scaled Gram above, then divided by sqrt(diag) on both sides in the
 *                    same order as search.py ((K/m)/d_i)/d_j; rows with a non-positive
 *                    diagonal are set to 0.
 *   NTKB_SVM_RAW     K unchanged.
 *
 * Multi-class is LIBSVM's one-vs-one, as sklearn.svm.SVC.  Training rows are passed in
 * ascending label order (stable), so that LIBSVM's class order and internal instance order
 * equal those of sklearn's LIBSVM fork (which sorts class labels): same solver path.
 *
 * Difference from sklearn's SVC that remains: sklearn caps a solve at max_iter (search.py:
 * 5e5 iterations), LIBSVM 3.24 at max(1e7, 100·l) and has no setting for it, so a solve that
 * needs more than 5e5 iterations ends elsewhere; smo.h is LIBSVM's solver with sklearn's cap,
 * and what the protocols use by default.  When a solve hits LIBSVM's cap, LIBSVM writes
 * "WARNING: reaching max number of iterations" straight to stderr (fprintf, not through the
 * print hook); this module cannot silence it.
 *
 * Thread safety: ntkb_svm_fold_correct may run concurrently on the same rows (LIBSVM's
 * training is re-entrant without probability estimates; the print hook is set once by
 * ntkb_svm_silence, which the functions here call before any training).
 */
#ifndef NTKB_EVAL_SVM_H
#define NTKB_EVAL_SVM_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct svm_node;

typedef enum {
    NTKB_SVM_RAW = 0,
    NTKB_SVM_SCALED = 1,
    NTKB_SVM_COSINE = 2
} ntkb_svm_variant;

/* LIBSVM rows over a whole Gram. */
typedef struct {
    size_t n;
    struct svm_node *nodes;  /* n·(n+2) nodes; owned */
    struct svm_node **row;   /* n pointers into nodes; row[i] = nodes + i·(n+2) */
    ntkb_svm_variant variant;
    double scale;            /* the Gram was divided by this (1 for RAW or min(K) <= 0) */
} ntkb_svm_rows;

/* Solver settings; ntkb_svm_params_default gives sklearn's SVC defaults. */
typedef struct {
    double eps;       /* stopping tolerance (sklearn tol = 1e-3) */
    double cache_mb;  /* LIBSVM kernel cache per training, MB (results do not depend on it) */
    int shrinking;    /* 1 as sklearn */
    long max_iter;    /* iterations per binary solve, -1 = none; honoured by smo.h only
                         (LIBSVM 3.24 has its own fixed cap) */
} ntkb_svm_params;

/* search.py's SVC: eps 1e-3, shrinking on, cache 200 MB, max_iter 500000.  Time: O(1). */
ntkb_svm_params ntkb_svm_params_default(void);

/* Sends LIBSVM's progress printing to nowhere (idempotent, process-wide).  Call before
 * starting threads if LIBSVM is used elsewhere too.  Time complexity: O(1). */
void ntkb_svm_silence(void);

/* Allocates uninitialised rows for an n×n Gram (n ≥ 1, n < INT_MAX - 2).
 * Returns NTKB_OK, NTKB_EINVAL or NTKB_ENOMEM; *out owned by the caller (ntkb_svm_rows_free).
 * Time complexity: O(1) (the 16·n·(n+2) bytes are not touched). */
ntkb_status ntkb_svm_rows_alloc(size_t n, ntkb_svm_rows **out);

/* Frees; NULL is a no-op. */
void ntkb_svm_rows_free(ntkb_svm_rows *rows);

/* Fills rows from `gram` (rows->n × rows->n, row-major, borrowed only during the call) in
 * the given variant (see the top of this file).  Returns NTKB_OK, NTKB_EINVAL (NULL
 * argument) or NTKB_ENUMERIC (a non-finite entry).  May use `threads` OpenMP threads
 * (≤ 0: the OpenMP default).  Time complexity: O(n²). */
ntkb_status ntkb_svm_rows_fill(ntkb_svm_rows *rows, const double *gram, ntkb_svm_variant variant,
                               int threads);

/* Writes the variant (see the top of this file) of the n×n row-major `gram` to out (n×n, not
 * aliasing gram) and, when scale_out is not NULL, the scale it divided by.  The values are
 * exactly those of ntkb_svm_rows_fill.  Returns NTKB_OK, NTKB_EINVAL or NTKB_ENUMERIC (a
 * non-finite entry).  May use `threads` OpenMP threads.  Time complexity: O(n²). */
ntkb_status ntkb_svm_gram_variant(const double *gram, size_t n, ntkb_svm_variant variant,
                                  int threads, double *out, double *scale_out);

/* Trains a C-SVC on the rows listed in train[0..n_train) with labels[train[k]] (any
 * int64 values that fit in an int), predicts every row in test[0..n_test), and stores the
 * number of correct predictions in *n_correct (and, when `pred` is not NULL, the predicted
 * labels in pred[0..n_test)).  Indices are 0-based rows of `rows`; labels has rows->n entries.
 * Returns NTKB_OK, NTKB_EINVAL (empty training set, index out of range, C ≤ 0, label out of
 * int range) or NTKB_ENOMEM.  Thread-safe on shared rows.
 * Time complexity: one LIBSVM solve, O(iterations · n_train) plus O(n_test · n_SV).  */
ntkb_status ntkb_svm_fold_correct(const ntkb_svm_rows *rows, const int64_t *labels,
                                  const size_t *train, size_t n_train, const size_t *test,
                                  size_t n_test, double C, const ntkb_svm_params *params,
                                  size_t *n_correct, int64_t *pred);

#ifdef __cplusplus
}
#endif

#endif
