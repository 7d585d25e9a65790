/* ntkbench eval: C-SVC on a precomputed Gram by LIBSVM's own SMO algorithm, in C, with the
 * iteration cap of sklearn's SVC(max_iter=...).
 *
 * Why not LIBSVM itself: the reference search.py fits sklearn.svm.SVC(kernel='precomputed',
 * max_iter=5e5), i.e. LIBSVM's solver stopped after 5·10⁵ iterations.  Debian's LIBSVM 3.24
 * hard-codes max(10⁷, 100·l) and offers no setting, so on ill-conditioned Grams (deep GNTK
 * Grams divided by their minimum, large C) it runs 20× or more past the reference, to a
 * different answer.  This module is LIBSVM's C-SVC path step for step — WSS3 working-set
 * selection, shrinking every min(l, 1000) iterations with the 10·eps unshrink, gradient
 * reconstruction, rho from the free variables, the float ("Qfloat") kernel values the solver
 * works with, one-vs-one with sklearn's ascending class order, voting with the first maximum —
 * and stops at max_iter exactly as sklearn's fork does (at the top of the loop, rho from the
 * active set as it stands).  With the cap off it reproduces LIBSVM 3.24's decisions bit for
 * bit (tests/test_smo.c checks that against libsvm on converged problems).
 *
 * Compiled with -ffp-contract=off: LIBSVM and sklearn are built for baseline x86-64 without
 * FMA, and a fused multiply-add in the gradient update would change the last bits.
 *
 * Speed: the training sub-Gram is copied once per fold into a float matrix (LIBSVM's Qfloat
 * values, 4·l² bytes: COLLAB folds 81 MB), which then serves every C value and every class
 * pair; LIBSVM instead recomputes kernel columns through its cache in every fit.  Each solve
 * keeps the rows it uses in position order (at most 32 MB per fold, smo_rows.c), so that its
 * scans read them contiguously, and stores the gradient sign-folded (smo_solve.h).
 *
 * A fold object is not thread-safe (it holds the solver's work arrays); use one per thread.
 */
#ifndef NTKB_EVAL_SMO_H
#define NTKB_EVAL_SMO_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Solver settings; ntkb_smo_params_default gives search.py's SVC settings. */
typedef struct {
    double eps;    /* stopping tolerance (sklearn tol = 1e-3) */
    int shrinking; /* 1 as sklearn */
    long max_iter; /* per binary solve; 500000 as search.py's max_iter=5e5; -1 = no cap */
    int warm;      /* 1: start every binary solve from the fold's previous fit, its α scaled
                      by C / C_previous (feasible: the box and Σ y·α = 0 scale along); 0 (the
                      default): from α = 0, as LIBSVM */
} ntkb_smo_params;

/* What the last fit did. */
typedef struct {
    size_t n_solves;  /* binary solves (k(k-1)/2 for k classes) */
    size_t n_capped;  /* of those, how many stopped at max_iter */
    long iterations;  /* summed over the solves */
} ntkb_smo_info;

typedef struct ntkb_smo_fold ntkb_smo_fold;

/* eps 1e-3, shrinking on, max_iter 500000, no warm start.  Time complexity: O(1). */
ntkb_smo_params ntkb_smo_params_default(void);

/* Prepares the training set train[0..n_train) (0-based items of the n×n row-major `gram`,
 * labels[item] any int64) for fits at any C.  `gram` and `labels` are borrowed for the
 * fold's lifetime.  Returns NTKB_OK, NTKB_EINVAL (NULL argument, empty training set, index
 * out of range), NTKB_ENUMERIC (a training-pair Gram entry that is not finite as a float) or
 * NTKB_ENOMEM; *out owned
 * by the caller (ntkb_smo_fold_free).  Time complexity: O(n_train²); memory 4·n_train² bytes. */
ntkb_status ntkb_smo_fold_alloc(const double *gram, size_t n, const int64_t *labels,
                                const size_t *train, size_t n_train, ntkb_smo_fold **out);

/* Frees; NULL is a no-op. */
void ntkb_smo_fold_free(ntkb_smo_fold *f);

/* Number of classes in the training set.  Time complexity: O(1). */
size_t ntkb_smo_fold_n_classes(const ntkb_smo_fold *f);

/* Trains the one-vs-one C-SVC at C > 0 (params NULL = defaults), replacing any previous fit;
 * fills *info when not NULL.  Returns NTKB_OK or NTKB_EINVAL (C not positive and finite, bad
 * params).  Time complexity: O(iterations · n_train). */
ntkb_status ntkb_smo_fold_fit(ntkb_smo_fold *f, double C, const ntkb_smo_params *params,
                              ntkb_smo_info *info);

/* Decision values of item `item` (a row of the Gram) for the k(k-1)/2 class pairs in
 * LIBSVM's order (0,1), (0,2), …, (1,2), …, written to dec (may be NULL), and the predicted
 * label.  Returns NTKB_OK or NTKB_EINVAL (not fitted, item out of range).
 * Time complexity: O(n_train). */
ntkb_status ntkb_smo_fold_predict(const ntkb_smo_fold *f, size_t item, double *dec,
                                  int64_t *label);

/* Predicts test[0..n_test) and counts the predictions equal to labels[test[t]]; pred (may be
 * NULL) receives the predicted labels.  Returns as ntkb_smo_fold_predict.
 * Time complexity: O(n_test · n_train). */
ntkb_status ntkb_smo_fold_correct(const ntkb_smo_fold *f, const size_t *test, size_t n_test,
                                  size_t *n_correct, int64_t *pred);

#ifdef __cplusplus
}
#endif

#endif
