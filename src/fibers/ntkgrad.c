/* Complex-step FC-NTK value and input gradient (see ntkgrad.h). */
#include "fibers/ntkgrad.h"

#include <complex.h>
#include <math.h>
#include <string.h>

/* The complex step.  Any h with h·|∂Θ| far below the smallest double spacing of Θ works; 1e-30 keeps
 * h² terms (≈1e-60) invisible and stays far above the denormal range for realistic derivatives. */
#define NTKB_FIBERS_CSTEP 1e-30

typedef double complex cplx;

ntkb_status ntkb_fibers_activation_parse(const char *name, ntkb_fibers_activation *out)
{
    if (!name || !out)
        return ntkb_error(NTKB_EINVAL, "activation: NULL argument");
    if (strcmp(name, "relu") == 0)
        *out = NTKB_FIBERS_RELU;
    else if (strcmp(name, "erf") == 0)
        *out = NTKB_FIBERS_ERF;
    else if (strcmp(name, "gelu") == 0)
        *out = NTKB_FIBERS_GELU;
    else
        return ntkb_error(NTKB_EINVAL, "activation '%s': expected relu, erf or gelu", name);
    return NTKB_OK;
}

const char *ntkb_fibers_activation_name(ntkb_fibers_activation a)
{
    switch (a) {
    case NTKB_FIBERS_RELU: return "relu";
    case NTKB_FIBERS_ERF: return "erf";
    case NTKB_FIBERS_GELU: return "gelu";
    }
    return "?";
}

ntkb_status ntkb_fibers_net_check(const ntkb_fibers_net *net)
{
    if (!net)
        return ntkb_error(NTKB_EINVAL, "network: NULL");
    if (net->activation != NTKB_FIBERS_RELU && net->activation != NTKB_FIBERS_ERF &&
        net->activation != NTKB_FIBERS_GELU)
        return ntkb_error(NTKB_EINVAL, "network: unknown activation %d", (int)net->activation);
    if (net->depth < 1 || net->depth > 1000)
        return ntkb_error(NTKB_EINVAL, "network: depth %d, expected 1..1000", net->depth);
    if (!isfinite(net->bias) || net->bias < 0)
        return ntkb_error(NTKB_EINVAL, "network: bias %g, expected a finite value >= 0", net->bias);
    if (!isfinite(net->weight_var) || net->weight_var <= 0)
        return ntkb_error(NTKB_EINVAL, "network: weight variance %g, expected > 0",
                          net->weight_var);
    return NTKB_OK;
}

/* E[σ(u)σ(v)] (returned) and E[σ'(u)σ'(v)] (*dot) for (u,v) ~ N(0, [[q, c], [c, p]]), extended to
 * complex arguments.  Only analytic operations are used (no |·|, no conj), so that the imaginary
 * part carries the derivative. */
static cplx dual_cross(ntkb_fibers_activation act, cplx q, cplx p, cplx c, cplx *dot)
{
    switch (act) {
    case NTKB_FIBERS_RELU: {
        cplx sqp = csqrt(q * p);
        cplx rho = c / sqp;
        /* Clip like the reference codes; the clipped branch is constant in ρ (derivative 0 there). */
        if (creal(rho) >= 1.0)
            rho = 1.0;
        else if (creal(rho) <= -1.0)
            rho = -1.0;
        cplx theta = cacos(rho);
        *dot = (M_PI - theta) / (2.0 * M_PI);
        return sqp * (csqrt(1.0 - rho * rho) + (M_PI - theta) * rho) / (2.0 * M_PI);
    }
    case NTKB_FIBERS_ERF: {
        cplx prod = (1.0 + 2.0 * q) * (1.0 + 2.0 * p);
        *dot = (4.0 / M_PI) / csqrt(prod - 4.0 * c * c);
        return (2.0 / M_PI) * casin(2.0 * c / csqrt(prod));
    }
    case NTKB_FIBERS_GELU: {
        /* neural-tangents' Gelu with atan2(c, δ) written as asin(c / sqrt(P1)), analytic in c. */
        cplx P = q * p, P1 = (1.0 + q) * (1.0 + p);
        cplx d2 = P1 - c * c, d = csqrt(d2);
        cplx a = casin(c / csqrt(P1));
        *dot = 0.25 + a / (2.0 * M_PI) + (c / (2.0 * M_PI * d)) * (1.0 / d2 + (1.0 - P) / P1 + 1.0);
        return c / 4.0 + ((c * c + P * d2) / (P1 * d) + c * a) / (2.0 * M_PI);
    }
    }
    *dot = 0;
    return 0;
}

/* E[σ(u)²] for u ~ N(0, q).  ReLU uses q/2 directly (its cross form sits on the non-differentiable
 * ρ = 1); erf and GeLU use the cross form at c = q = p, which is smooth there (δ² = 1 + 2q). */
static cplx dual_diag(ntkb_fibers_activation act, cplx q)
{
    cplx dot;
    if (act == NTKB_FIBERS_RELU)
        return q / 2.0;
    return dual_cross(act, q, q, q, &dot);
}

/* One pass of the scalar recursion on complex inputs (already perturbed by the caller). */
static cplx ntk_recursion(const ntkb_fibers_net *net, size_t n0, cplx s_zz, cplx s_xx, cplx s_zx)
{
    double w = net->weight_var, b2 = net->bias * net->bias;
    cplx szz = w * s_zz / (double)n0 + b2;
    cplx sxx = w * s_xx / (double)n0 + b2;
    cplx szx = w * s_zx / (double)n0 + b2;
    cplx theta = szx;
    for (int l = 1; l < net->depth; l++) {
        cplx dot;
        cplx e = dual_cross(net->activation, szz, sxx, szx, &dot);
        szx = w * e + b2;
        theta = theta * (w * dot) + szx;
        szz = w * dual_diag(net->activation, szz) + b2;
        sxx = w * dual_diag(net->activation, sxx) + b2;
    }
    return theta;
}

ntkb_status ntkb_fibers_ntk_partials(const ntkb_fibers_net *net, size_t n0, double s_zz,
                                     double s_xx, double s_zx, double *theta, double *d_zx,
                                     double *d_xx)
{
    ntkb_status st = ntkb_fibers_net_check(net);
    if (st != NTKB_OK)
        return st;
    if (n0 == 0 || !theta)
        return ntkb_error(NTKB_EINVAL, "ntk: n0 = 0 or NULL output");
    if (!(s_zz > 0) || !(s_xx > 0) || !isfinite(s_zz) || !isfinite(s_xx) || !isfinite(s_zx))
        return ntkb_error(NTKB_EINVAL, "ntk: need zᵀz > 0 and xᵀx > 0 (got %g, %g), finite zᵀx",
                          s_zz, s_xx);
    const double h = NTKB_FIBERS_CSTEP;
    *theta = creal(ntk_recursion(net, n0, s_zz, s_xx, s_zx));
    if (d_zx)
        *d_zx = cimag(ntk_recursion(net, n0, s_zz, s_xx, CMPLX(s_zx, h))) / h;
    if (d_xx)
        *d_xx = cimag(ntk_recursion(net, n0, s_zz, CMPLX(s_xx, h), s_zx)) / h;
    if (!isfinite(*theta) || (d_zx && !isfinite(*d_zx)) || (d_xx && !isfinite(*d_xx)))
        return ntkb_error(NTKB_ENUMERIC, "ntk: non-finite value (zᵀz=%g, xᵀx=%g, zᵀx=%g)", s_zz,
                          s_xx, s_zx);
    return NTKB_OK;
}

double ntkb_fibers_dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

ntkb_status ntkb_fibers_ntk(const ntkb_fibers_net *net, const double *z, const double *x, size_t n0,
                            double *theta)
{
    if (!z || !x)
        return ntkb_error(NTKB_EINVAL, "ntk: NULL input vector");
    return ntkb_fibers_ntk_partials(net, n0, ntkb_fibers_dot(z, z, n0), ntkb_fibers_dot(x, x, n0),
                                    ntkb_fibers_dot(z, x, n0), theta, NULL, NULL);
}

ntkb_status ntkb_fibers_ntk_grad(const ntkb_fibers_net *net, const double *z, const double *x,
                                 size_t n0, double *theta, double *grad)
{
    if (!z || !x || !grad)
        return ntkb_error(NTKB_EINVAL, "ntk_grad: NULL argument");
    double t, d_zx, d_xx;
    ntkb_status st = ntkb_fibers_ntk_partials(net, n0, ntkb_fibers_dot(z, z, n0),
                                              ntkb_fibers_dot(x, x, n0), ntkb_fibers_dot(z, x, n0),
                                              &t, &d_zx, &d_xx);
    if (st != NTKB_OK)
        return st;
    for (size_t i = 0; i < n0; i++)
        grad[i] = d_zx * z[i] + 2.0 * d_xx * x[i];
    if (theta)
        *theta = t;
    return NTKB_OK;
}
