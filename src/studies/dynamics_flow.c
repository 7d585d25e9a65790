/* The kernel's gradient flow (see dynamics.h): eigen-decomposition and the closed-form
 * predictor at any time. */
#include "dynamics.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

ntkb_status ntkb_dyn_eigen(size_t n, const double *K, double *evals, double *V)
{
    memcpy(V, K, n * n * sizeof *V);
    lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, V,
                                     (lapack_int)n, evals);
    if (info < 0)
        return ntkb_error(NTKB_EINVAL, "dsyevd: argument %d", (int)-info);
    if (info > 0)
        return ntkb_error(NTKB_ENUMERIC, "dsyevd: %d off-diagonal elements did not converge",
                          (int)info);
    return NTKB_OK;
}

void ntkb_dyn_flow(size_t n, const double *evals, const double *V, const double *y, size_t m,
                   const double *Kx, double t, double *train, double *test, double *proj,
                   double *scratch)
{
    double *c = scratch, *u = scratch + n, lmax = evals[n - 1];
    /* c = Vᵀ y; the residual along v_i is −e^{−λ_i t} c_i, the prediction (1 − e^{−λ_i t}) c_i */
    cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)n, 1.0, V, (int)n, y, 1, 0.0, c, 1);
    for (size_t i = 0; i < n; i++) {
        double l = evals[i] > 0 ? evals[i] : 0.0, keep = l > 1e-12 * lmax;
        double decay = isinf(t) ? (keep ? 0.0 : 1.0) : exp(-l * t);
        if (proj)
            proj[i] = -decay * c[i];
        /* test weights (1 − e^{−λt})/λ; for λt → 0 this is t (the λ = 0 limit) */
        if (isinf(t))
            u[i] = keep ? c[i] / l : 0.0;
        else
            u[i] = l * t > 1e-300 ? -expm1(-l * t) / l * c[i] : t * c[i];
        c[i] *= 1.0 - decay; /* the training prediction's coordinates */
    }
    if (train)
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)n, 1.0, V, (int)n, c, 1, 0.0,
                    train, 1);
    if (test && m) {
        double *w = scratch + 2 * n;
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)n, 1.0, V, (int)n, u, 1, 0.0, w, 1);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)m, (int)n, 1.0, Kx, (int)n, w, 1, 0.0, test,
                    1);
    }
}
