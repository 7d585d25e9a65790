/* Fully-connected NTK (ALGORITHMS.md §1): one recursion for the Jacot and Arora forms. */
#include "fcntk.h"

#include <stdlib.h>

#include "ntkb_config.h"

#if NTKB_HAVE_BLAS
#include <cblas.h>
#endif
#if !NTKB_HAVE_OPENMP
/* Built without OpenMP: the loops below run serially; their pragmas are expected. */
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#endif

void ntkb_fcntk_params_jacot(ntkb_fcntk_params *p, ntkb_activation act, size_t hidden,
                             double beta, size_t n0)
{
    *p = (ntkb_fcntk_params){.act = act, .hidden = hidden, .beta = beta, .c_sigma = 1.0,
                             .input_scale = n0 ? 1.0 / (double)n0 : 1.0};
}

void ntkb_fcntk_params_arora(ntkb_fcntk_params *p, ntkb_activation act, size_t hidden)
{
    double e2 = 1.0;
    switch (act) {
    case NTKB_ACT_RELU: e2 = 0.5; break;
    case NTKB_ACT_ERF: ntkb_dual_erf(1.0, 1.0, 1.0, &e2, NULL); break;
    case NTKB_ACT_GELU: ntkb_dual_gelu(1.0, 1.0, 1.0, &e2, NULL); break;
    case NTKB_ACT_CUSTOM: e2 = 1.0; break;
    }
    *p = (ntkb_fcntk_params){.act = act, .hidden = hidden, .beta = 0.0, .c_sigma = 1.0 / e2,
                             .input_scale = 1.0};
}

/* One dual evaluation (plain expectations, c_σ not applied). */
static ntkb_status dual(const ntkb_fcntk_params *p, double q, double q2, double c, double *e,
                        double *ed)
{
    switch (p->act) {
    case NTKB_ACT_RELU: ntkb_dual_relu(q, q2, c, e, ed); return NTKB_OK;
    case NTKB_ACT_ERF: ntkb_dual_erf(q, q2, c, e, ed); return NTKB_OK;
    case NTKB_ACT_GELU: ntkb_dual_gelu(q, q2, c, e, ed); return NTKB_OK;
    case NTKB_ACT_CUSTOM:
        if (!p->rule || !p->f || !p->fprime)
            return ntkb_error(NTKB_EINVAL, "FC NTK: custom activation needs rule, f and fprime");
        return ntkb_dual_gh_eval(p->rule, p->f, p->fprime, p->fparams, q, q2, c, e, ed);
    }
    return ntkb_error(NTKB_EINVAL, "FC NTK: unknown activation %d", (int)p->act);
}

ntkb_status ntkb_fcntk_from_dots(const ntkb_fcntk_params *p, double xx, double zz, double xz,
                                 double *ntk, double *nngp)
{
    const double b2 = p->beta * p->beta, cs = p->c_sigma;
    double sxx = p->input_scale * xx + b2, szz = p->input_scale * zz + b2;
    double sxz = p->input_scale * xz + b2, th = sxz;
    for (size_t l = 0; l < p->hidden; l++) {
        double e, ed, exx, ezz;
        ntkb_status st = dual(p, sxx, szz, sxz, &e, &ed);
        if (st == NTKB_OK)
            st = dual(p, sxx, sxx, sxx, &exx, NULL);
        if (st == NTKB_OK)
            st = dual(p, szz, szz, szz, &ezz, NULL);
        if (st != NTKB_OK)
            return st;
        sxz = cs * e + b2;
        sxx = cs * exx + b2;
        szz = cs * ezz + b2;
        th = th * cs * ed + sxz;
    }
    if (ntk)
        *ntk = th;
    if (nngp)
        *nngp = sxz;
    return NTKB_OK;
}

static double dot(size_t d, const double *a, const double *b)
{
    double s = 0.0;
    for (size_t i = 0; i < d; i++)
        s += a[i] * b[i];
    return s;
}

ntkb_status ntkb_fcntk_pair(const ntkb_fcntk_params *p, size_t d, const double *x,
                            const double *z, double *ntk, double *nngp)
{
    return ntkb_fcntk_from_dots(p, dot(d, x, x), dot(d, z, z), dot(d, x, z), ntk, nngp);
}

ntkb_status ntkb_fcntk_gram(const ntkb_fcntk_params *p, size_t n, size_t d, const double *X,
                            size_t m, const double *Z, double *K)
{
    if (!p || !X || !K || (Z && m == 0))
        return ntkb_error(NTKB_EINVAL, "ntkb_fcntk_gram: NULL argument or empty block");
    const int sym = Z == NULL;
    if (sym) {
        Z = X;
        m = n;
    }
    double *nx = malloc(n * sizeof *nx), *nz = malloc(m * sizeof *nz);
    ntkb_status st = NTKB_OK;
    if (!nx || !nz) {
        st = ntkb_error(NTKB_ENOMEM, "ntkb_fcntk_gram: out of memory (%zu×%zu)", n, m);
        goto done;
    }
    /* K ← X Zᵀ first, then the recursion in place. */
#if NTKB_HAVE_BLAS
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)m, (int)d, 1.0, X, (int)d,
                Z, (int)d, 0.0, K, (int)m);
#else
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < m; j++)
            K[i * m + j] = dot(d, X + i * d, Z + j * d);
#endif
    for (size_t i = 0; i < n; i++)
        nx[i] = dot(d, X + i * d, X + i * d);
    for (size_t j = 0; j < m; j++)
        nz[j] = dot(d, Z + j * d, Z + j * d);
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 8) reduction(| : failed)
    for (size_t i = 0; i < n; i++) {
        for (size_t j = sym ? i : 0; j < m; j++) {
            double v;
            if (ntkb_fcntk_from_dots(p, nx[i], nz[j], K[i * m + j], &v, NULL) != NTKB_OK) {
                failed = 1;
                break;
            }
            K[i * m + j] = v;
            if (sym)
                K[j * m + i] = v;
        }
    }
    if (failed)
        st = ntkb_error(NTKB_EINVAL, "FC NTK: custom activation needs rule, f and fprime");
done:
    free(nx);
    free(nz);
    return st;
}
