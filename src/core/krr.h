/* ntkbench core: kernel regression over a precomputed Gram.
 *
 * - Ridgeless / ridge solves  α = (K + ridge·I)⁻¹ Y  by Cholesky (K PSD, as a CNTK), or by LU when
 *   Cholesky fails or is not wanted (LANTK's K + λZ is not PSD).  Predictions f = K_test α.
 * - The NTK gradient-flow predictor at a finite time t (squared loss, learning rate η, f_0 = 0):
 *       f_t(x) = K(x, X) K⁻¹ (I − e^{−ηKt}) y,
 *   through K = V diag(λ) Vᵀ: α_t = V diag((1 − e^{−ηtλ_i})/λ_i) Vᵀ y.  Eigen-direction i converges
 *   at rate λ_i; ηt → ∞ gives the ridgeless solution (directions with λ_i ≤ tol dropped).
 * - Accuracies: sign (±1 labels, LANTK: [f ≥ 0] == [y ≥ 0]) and argmax (one-hot, Arora).
 * All matrices are row-major doubles; K is n×n symmetric, Y is n×k.  LAPACK through LAPACKE.
 */
#ifndef NTKB_CORE_KRR_H
#define NTKB_CORE_KRR_H

#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    NTKB_KRR_AUTO,     /* Cholesky; LU if K + ridge·I is not positive definite */
    NTKB_KRR_CHOLESKY, /* fail with NTKB_ENUMERIC when not positive definite */
    NTKB_KRR_LU        /* partial-pivoting LU (any non-singular K) */
} ntkb_krr_method;

/* Solves (K + ridge·I) α = Y.  K is not modified.  alpha: n×k, caller-allocated.
 * used (may be NULL) gets the factorisation actually used (CHOLESKY or LU).
 * Returns NTKB_OK, NTKB_EINVAL (n or k is 0, ridge < 0), NTKB_ENOMEM or NTKB_ENUMERIC (singular
 * matrix, or not positive definite with NTKB_KRR_CHOLESKY).
 * Time complexity: O(n³/3) Cholesky or O(2n³/3) LU, plus O(n² k). */
ntkb_status ntkb_krr_solve(size_t n, const double *K, size_t k, const double *Y, double ridge,
                           ntkb_krr_method method, double *alpha, ntkb_krr_method *used);

/* pred (m×k) = Ktest (m×n) · alpha (n×k).  Time complexity: O(m n k). */
void ntkb_krr_predict(size_t m, size_t n, const double *Ktest, size_t k, const double *alpha,
                      double *pred);

/* The eigendecomposition K = V diag(λ) Vᵀ of a symmetric Gram, for gradient-flow predictors. */
typedef struct {
    size_t n;
    double *lambda; /* n eigenvalues, ascending */
    double *V;      /* n×n, row-major; column i is the eigenvector of lambda[i] */
} ntkb_krr_eig;

/* Computes the eigendecomposition (LAPACK dsyevd).  *out is owned by the caller.
 * Returns NTKB_OK, NTKB_EINVAL, NTKB_ENOMEM or NTKB_ENUMERIC (no convergence).
 * Time complexity: O(n³). */
ntkb_status ntkb_krr_eig_alloc(size_t n, const double *K, ntkb_krr_eig **out);

/* Frees; NULL is a no-op. */
void ntkb_krr_eig_free(ntkb_krr_eig *e);

/* Gradient-flow coefficients α_t (n×k) for targets Y (n×k) at eta_t = η·t ≥ 0
 * (INFINITY: the ridgeless limit).  Eigenvalues below tol = n·ε·max|λ| are treated as 0: their
 * directions contribute η·t (finite t) or nothing (t = ∞).  Then f_t = Ktest α_t.
 * Returns NTKB_OK, NTKB_EINVAL (eta_t < 0 or NaN) or NTKB_ENOMEM.  Time complexity: O(n² k). */
ntkb_status ntkb_krr_flow_coef(const ntkb_krr_eig *e, size_t k, const double *Y, double eta_t,
                               double *alpha);

/* Fraction of i with [pred_i ≥ 0] == [y_i ≥ 0].  Time complexity: O(m). */
double ntkb_krr_sign_accuracy(size_t m, const double *pred, const double *y);

/* Fraction of rows whose argmax over k outputs equals labels[i].  Time complexity: O(m k). */
double ntkb_krr_argmax_accuracy(size_t m, size_t k, const double *pred, const int *labels);

#ifdef __cplusplus
}
#endif

#endif
