/* Kernel regression: Cholesky / LU solves, gradient-flow predictors through the eigenbasis. */
#include "krr.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

ntkb_status ntkb_krr_solve(size_t n, const double *K, size_t k, const double *Y, double ridge,
                           ntkb_krr_method method, double *alpha, ntkb_krr_method *used)
{
    if (n == 0 || k == 0 || !K || !Y || !alpha || !(ridge >= 0.0))
        return ntkb_error(NTKB_EINVAL, "kernel regression: empty problem or ridge %g < 0", ridge);
    double *A = malloc(n * n * sizeof *A);
    lapack_int *piv = malloc(n * sizeof *piv);
    ntkb_status st = NTKB_OK;
    if (!A || !piv) {
        st = ntkb_error(NTKB_ENOMEM, "kernel regression: out of memory (n = %zu)", n);
        goto done;
    }
    const lapack_int N = (lapack_int)n, NR = (lapack_int)k;
    lapack_int info = 1;
    if (method != NTKB_KRR_LU) {
        memcpy(A, K, n * n * sizeof *A);
        for (size_t i = 0; i < n; i++)
            A[i * n + i] += ridge;
        info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'U', N, A, N);
        if (info == 0) {
            memcpy(alpha, Y, n * k * sizeof *alpha);
            info = LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'U', N, NR, A, N, alpha, NR);
            if (info != 0) {
                st = ntkb_error(NTKB_EINTERNAL, "kernel regression: dpotrs info %d", (int)info);
                goto done;
            }
            if (used)
                *used = NTKB_KRR_CHOLESKY;
            goto done;
        }
        if (method == NTKB_KRR_CHOLESKY) {
            st = ntkb_error(NTKB_ENUMERIC,
                            "kernel regression: matrix not positive definite (leading minor %d)",
                            (int)info);
            goto done;
        }
    }
    /* LU: the matrix may be indefinite (LANTK) or Cholesky broke down on round-off. */
    memcpy(A, K, n * n * sizeof *A);
    for (size_t i = 0; i < n; i++)
        A[i * n + i] += ridge;
    memcpy(alpha, Y, n * k * sizeof *alpha);
    info = LAPACKE_dgesv(LAPACK_ROW_MAJOR, N, NR, A, N, piv, alpha, NR);
    if (info != 0)
        st = ntkb_error(info > 0 ? NTKB_ENUMERIC : NTKB_EINTERNAL,
                        "kernel regression: LU %s (info %d)",
                        info > 0 ? "found an exactly singular matrix" : "failed", (int)info);
    else if (used)
        *used = NTKB_KRR_LU;
done:
    free(A);
    free(piv);
    return st;
}

void ntkb_krr_predict(size_t m, size_t n, const double *Ktest, size_t k, const double *alpha,
                      double *pred)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)k, (int)n, 1.0, Ktest,
                (int)n, alpha, (int)k, 0.0, pred, (int)k);
}

ntkb_status ntkb_krr_eig_alloc(size_t n, const double *K, ntkb_krr_eig **out)
{
    *out = NULL;
    if (n == 0 || !K)
        return ntkb_error(NTKB_EINVAL, "eigendecomposition: empty matrix");
    ntkb_krr_eig *e = calloc(1, sizeof *e);
    if (!e)
        return ntkb_error(NTKB_ENOMEM, "eigendecomposition: out of memory");
    e->n = n;
    e->lambda = malloc(n * sizeof *e->lambda);
    e->V = malloc(n * n * sizeof *e->V);
    if (!e->lambda || !e->V) {
        ntkb_krr_eig_free(e);
        return ntkb_error(NTKB_ENOMEM, "eigendecomposition: out of memory (n = %zu)", n);
    }
    memcpy(e->V, K, n * n * sizeof *e->V);
    lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, e->V,
                                     (lapack_int)n, e->lambda);
    if (info != 0) {
        ntkb_krr_eig_free(e);
        return ntkb_error(info > 0 ? NTKB_ENUMERIC : NTKB_EINTERNAL,
                          "eigendecomposition: dsyevd info %d", (int)info);
    }
    *out = e;
    return NTKB_OK;
}

void ntkb_krr_eig_free(ntkb_krr_eig *e)
{
    if (!e)
        return;
    free(e->lambda);
    free(e->V);
    free(e);
}

ntkb_status ntkb_krr_flow_coef(const ntkb_krr_eig *e, size_t k, const double *Y, double eta_t,
                               double *alpha)
{
    if (!e || !Y || !alpha || k == 0 || !(eta_t >= 0.0))
        return ntkb_error(NTKB_EINVAL, "gradient flow: bad argument (eta·t = %g)", eta_t);
    const size_t n = e->n;
    double *c = malloc(n * k * sizeof *c);
    if (!c)
        return ntkb_error(NTKB_ENOMEM, "gradient flow: out of memory");
    double lmax = 0.0;
    for (size_t i = 0; i < n; i++)
        lmax = fmax(lmax, fabs(e->lambda[i]));
    const double tol = (double)n * DBL_EPSILON * lmax;
    /* c = Vᵀ Y, scaled per direction by g(λ_i) = (1 − e^{−ηtλ_i})/λ_i, then α = V c. */
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)n, (int)k, (int)n, 1.0, e->V,
                (int)n, Y, (int)k, 0.0, c, (int)k);
    for (size_t i = 0; i < n; i++) {
        double l = e->lambda[i], g;
        if (isinf(eta_t))
            g = l > tol ? 1.0 / l : 0.0;
        else if (l > tol || l < -tol)
            g = -expm1(-eta_t * l) / l; /* accurate when η t λ is small */
        else
            g = eta_t;
        for (size_t j = 0; j < k; j++)
            c[i * k + j] *= g;
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)k, (int)n, 1.0, e->V,
                (int)n, c, (int)k, 0.0, alpha, (int)k);
    free(c);
    return NTKB_OK;
}

double ntkb_krr_sign_accuracy(size_t m, const double *pred, const double *y)
{
    if (m == 0)
        return 0.0;
    size_t ok = 0;
    for (size_t i = 0; i < m; i++)
        ok += (pred[i] >= 0.0) == (y[i] >= 0.0);
    return (double)ok / (double)m;
}

double ntkb_krr_argmax_accuracy(size_t m, size_t k, const double *pred, const int *labels)
{
    if (m == 0 || k == 0)
        return 0.0;
    size_t ok = 0;
    for (size_t i = 0; i < m; i++) {
        size_t best = 0;
        for (size_t j = 1; j < k; j++)
            if (pred[i * k + j] > pred[i * k + best])
                best = j;
        ok += (int)best == labels[i];
    }
    return (double)ok / (double)m;
}
