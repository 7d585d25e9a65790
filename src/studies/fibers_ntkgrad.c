/* The FC-NTK value and input gradient of the fiber study, through lantk/fcntk (see ntkgrad.h). */
#include "studies/fibers_ntkgrad.h"

#include <math.h>
#include <string.h>

ntkb_status ntkb_fibers_activation_parse(const char *name, ntkb_activation *out)
{
    if (!name || !out)
        return ntkb_error(NTKB_EINVAL, "activation: NULL argument");
    if (strcmp(name, "relu") == 0)
        *out = NTKB_ACT_RELU;
    else if (strcmp(name, "erf") == 0)
        *out = NTKB_ACT_ERF;
    else if (strcmp(name, "gelu") == 0)
        *out = NTKB_ACT_GELU;
    else
        return ntkb_error(NTKB_EINVAL, "activation '%s': expected relu, erf or gelu", name);
    return NTKB_OK;
}

const char *ntkb_fibers_activation_name(ntkb_activation a)
{
    switch (a) {
    case NTKB_ACT_RELU: return "relu";
    case NTKB_ACT_ERF: return "erf";
    case NTKB_ACT_GELU: return "gelu";
    case NTKB_ACT_CUSTOM: break;
    }
    return "?";
}

ntkb_status ntkb_fibers_net_check(const ntkb_fibers_net *net)
{
    if (!net)
        return ntkb_error(NTKB_EINVAL, "network: NULL");
    if (net->activation != NTKB_ACT_RELU && net->activation != NTKB_ACT_ERF &&
        net->activation != NTKB_ACT_GELU)
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

/* The study's network as the library's FC-NTK parameters. */
static void net_params(const ntkb_fibers_net *net, size_t n0, ntkb_fcntk_params *p)
{
    *p = (ntkb_fcntk_params){.act = net->activation, .hidden = (size_t)(net->depth - 1),
                             .beta = net->bias, .c_sigma = net->weight_var,
                             .input_var = net->weight_var, .input_dim = (double)n0};
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
    ntkb_fcntk_params p;
    net_params(net, n0, &p);
    return ntkb_fcntk_partials(&p, s_zz, s_xx, s_zx, theta, d_zx, d_xx);
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
