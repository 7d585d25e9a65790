/* Fully-connected NTK: one recursion for the Jacot and Arora forms, on complex numbers so that
 * it also yields its own derivatives (see fcntk.h). */
#include "fcntk.h"

#include <complex.h>
#include <math.h>
#include <stdlib.h>

#include "ntkb_config.h"

#include <cblas.h>
#if !NTKB_HAVE_OPENMP
/* Built without OpenMP: the loops below run serially; their pragmas are expected. */
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#endif

void ntkb_fcntk_params_jacot(ntkb_fcntk_params *p, ntkb_activation act, size_t hidden,
                             double beta, size_t n0)
{
    *p = (ntkb_fcntk_params){.act = act, .hidden = hidden, .beta = beta, .c_sigma = 1.0,
                             .input_var = 1.0, .input_dim = n0 ? (double)n0 : 1.0};
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
                             .input_var = 1.0, .input_dim = 1.0};
}

typedef double complex cplx;

/* One dual evaluation (plain expectations, c_σ not applied).  Custom activations have only a
 * real Gauss–Hermite rule: they take the real parts (the callers refuse complex steps). */
static ntkb_status dual(const ntkb_fcntk_params *p, cplx q, cplx q2, cplx c, cplx *e, cplx *ed)
{
    switch (p->act) {
    case NTKB_ACT_RELU: *e = ntkb_dual_relu_cx(q, q2, c, ed); return NTKB_OK;
    case NTKB_ACT_ERF: *e = ntkb_dual_erf_cx(q, q2, c, ed); return NTKB_OK;
    case NTKB_ACT_GELU: *e = ntkb_dual_gelu_cx(q, q2, c, ed); return NTKB_OK;
    case NTKB_ACT_CUSTOM: {
        if (!p->rule || !p->f || !p->fprime)
            return ntkb_error(NTKB_EINVAL, "FC NTK: custom activation needs rule, f and fprime");
        double er = 0.0, edr = 0.0;
        ntkb_status st = ntkb_dual_gh_eval(p->rule, p->f, p->fprime, p->fparams, creal(q),
                                           creal(q2), creal(c), &er, ed ? &edr : NULL);
        *e = er;
        if (ed)
            *ed = edr;
        return st;
    }
    }
    return ntkb_error(NTKB_EINVAL, "FC NTK: unknown activation %d", (int)p->act);
}

/* E[σ(u)²] for u ~ N(0, q): ReLU's exact q/2 (its cross form sits on the kink ρ = 1). */
static ntkb_status dual_diag(const ntkb_fcntk_params *p, cplx q, cplx *e)
{
    if (p->act == NTKB_ACT_RELU) {
        *e = q / 2.0;
        return NTKB_OK;
    }
    return dual(p, q, q, q, e, NULL);
}

/* The recursion from the three inner products; *nngp (may be NULL) gets the last Σ(x, z). */
static ntkb_status recursion(const ntkb_fcntk_params *p, cplx xx, cplx zz, cplx xz, cplx *ntk,
                             cplx *nngp)
{
    const double b2 = p->beta * p->beta, cs = p->c_sigma;
    cplx sxx = p->input_var * xx / p->input_dim + b2, szz = p->input_var * zz / p->input_dim + b2;
    cplx sxz = p->input_var * xz / p->input_dim + b2, th = sxz;
    for (size_t l = 0; l < p->hidden; l++) {
        cplx e = 0.0, ed = 0.0, exx = 0.0, ezz = 0.0;
        ntkb_status st = dual(p, sxx, szz, sxz, &e, &ed);
        if (st == NTKB_OK)
            st = dual_diag(p, sxx, &exx);
        if (st == NTKB_OK)
            st = dual_diag(p, szz, &ezz);
        if (st != NTKB_OK)
            return st;
        sxz = cs * e + b2;
        th = th * (cs * ed) + sxz;
        sxx = cs * exx + b2;
        szz = cs * ezz + b2;
    }
    *ntk = th;
    if (nngp)
        *nngp = sxz;
    return NTKB_OK;
}

ntkb_status ntkb_fcntk_from_dots(const ntkb_fcntk_params *p, double xx, double zz, double xz,
                                 double *ntk, double *nngp)
{
    cplx th, s;
    ntkb_status st = recursion(p, xx, zz, xz, &th, &s);
    if (st == NTKB_OK && ntk)
        *ntk = creal(th);
    if (st == NTKB_OK && nngp)
        *nngp = creal(s);
    return st;
}

/* The complex step.  Any h with h·|∂Θ| far below the spacing of doubles near Θ works; 1e-30
 * keeps h² terms (≈ 1e-60) invisible and stays far above the subnormal range. */
#define CSTEP 1e-30

ntkb_status ntkb_fcntk_partials(const ntkb_fcntk_params *p, double xx, double zz, double xz,
                                double *ntk, double *d_xz, double *d_zz)
{
    if (p->act == NTKB_ACT_CUSTOM)
        return ntkb_error(NTKB_EINVAL, "FC NTK: no derivatives for a custom activation");
    if (!(xx > 0) || !(zz > 0) || !isfinite(xx) || !isfinite(zz) || !isfinite(xz))
        return ntkb_error(NTKB_EINVAL, "FC NTK: need xᵀx > 0 and zᵀz > 0 (got %g, %g), finite xᵀz",
                          xx, zz);
    cplx v;
    ntkb_status st = recursion(p, xx, zz, xz, &v, NULL);
    double th = creal(v), gxz = 0.0, gzz = 0.0;
    if (st == NTKB_OK && d_xz && (st = recursion(p, xx, zz, xz + CSTEP * I, &v, NULL)) == NTKB_OK)
        gxz = cimag(v) / CSTEP;
    if (st == NTKB_OK && d_zz && (st = recursion(p, xx, zz + CSTEP * I, xz, &v, NULL)) == NTKB_OK)
        gzz = cimag(v) / CSTEP;
    if (st != NTKB_OK)
        return st;
    if (!isfinite(th) || !isfinite(gxz) || !isfinite(gzz))
        return ntkb_error(NTKB_ENUMERIC, "FC NTK: non-finite value (xᵀx=%g, zᵀz=%g, xᵀz=%g)", xx,
                          zz, xz);
    if (ntk)
        *ntk = th;
    if (d_xz)
        *d_xz = gxz;
    if (d_zz)
        *d_zz = gzz;
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
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)m, (int)d, 1.0, X, (int)d,
                Z, (int)d, 0.0, K, (int)m);
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
