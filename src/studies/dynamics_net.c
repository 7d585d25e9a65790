/* The finite network of the dynamics study (see dynamics.h): a one-hidden-layer ReLU network
 * in the NTK parameterisation, its forward pass, a gradient-descent step and its empirical NTK,
 * all as dense products on OpenBLAS. */
#include "dynamics.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"

ntkb_status ntkb_dyn_net_alloc(size_t d, size_t h, double sw, double beta, uint64_t seed,
                               ntkb_dyn_net **out)
{
    *out = NULL;
    if (d == 0 || h == 0)
        return ntkb_error(NTKB_EINVAL, "network: input dimension and width must be positive");
    ntkb_dyn_net *net = calloc(1, sizeof *net);
    if (!net || !(net->W = malloc(h * d * sizeof *net->W)) ||
        !(net->b = malloc(h * sizeof *net->b)) || !(net->a = malloc(h * sizeof *net->a))) {
        ntkb_dyn_net_free(net);
        return ntkb_error(NTKB_ENOMEM, "out of memory (network %zu x %zu)", h, d);
    }
    net->d = d;
    net->h = h;
    net->sw = sw;
    net->beta = beta;
    ntkb_rng r;
    ntkb_rng_seed(&r, seed);
    for (size_t i = 0; i < h * d; i++)
        net->W[i] = ntkb_rng_gaussian(&r);
    for (size_t j = 0; j < h; j++) {
        net->b[j] = ntkb_rng_gaussian(&r);
        net->a[j] = ntkb_rng_gaussian(&r);
    }
    net->c = ntkb_rng_gaussian(&r);
    *out = net;
    return NTKB_OK;
}

void ntkb_dyn_net_free(ntkb_dyn_net *net)
{
    if (!net)
        return;
    free(net->W);
    free(net->b);
    free(net->a);
    free(net);
}

/* Pre-activations U = (σ_w/√d) X Wᵀ + β b (n×h). */
static void preact(const ntkb_dyn_net *net, size_t n, const double *X, double *U)
{
    const size_t h = net->h, d = net->d;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < h; j++)
            U[i * h + j] = net->beta * net->b[j];
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)h, (int)d,
                net->sw / sqrt((double)d), X, (int)d, net->W, (int)d, 1.0, U, (int)h);
}

void ntkb_dyn_net_forward(const ntkb_dyn_net *net, size_t n, const double *X, double *f,
                          double *scratch)
{
    const size_t h = net->h;
    double *U = scratch, s = net->sw / sqrt((double)h);
    preact(net, n, X, U);
    for (size_t i = 0; i < n * h; i++)
        U[i] = U[i] > 0 ? U[i] : 0.0;
    for (size_t i = 0; i < n; i++)
        f[i] = net->beta * net->c;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)h, s, U, (int)h, net->a, 1, 1.0, f, 1);
}

void ntkb_dyn_net_step(ntkb_dyn_net *net, size_t n, const double *X, const double *y,
                       const double *off, double eta, double *scratch)
{
    const size_t h = net->h, d = net->d;
    double *U = scratch, *Z = U + n * h, *r = Z + n * h;
    const double s = net->sw / sqrt((double)h), sx = net->sw / sqrt((double)d);
    preact(net, n, X, U);
    for (size_t i = 0; i < n * h; i++)
        Z[i] = U[i] > 0 ? U[i] : 0.0;
    for (size_t i = 0; i < n; i++)
        r[i] = net->beta * net->c - y[i] - (off ? off[i] : 0.0);
    cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)h, s, Z, (int)h, net->a, 1, 1.0, r, 1);
    /* δ_ij = s · r_i · a_j · relu'(u_ij), into U; the a-gradient s·Zᵀr before a changes */
    double rsum = 0.0;
    for (size_t i = 0; i < n; i++) {
        rsum += r[i];
        for (size_t j = 0; j < h; j++)
            U[i * h + j] = U[i * h + j] > 0 ? s * r[i] * net->a[j] : 0.0;
    }
    cblas_dgemv(CblasRowMajor, CblasTrans, (int)n, (int)h, -eta * s, Z, (int)h, r, 1, 1.0,
                net->a, 1);
    net->c -= eta * net->beta * rsum;
    for (size_t j = 0; j < h; j++) {
        double db = 0.0;
        for (size_t i = 0; i < n; i++)
            db += U[i * h + j];
        net->b[j] -= eta * net->beta * db;
    }
    /* ∂L/∂W = sx · δᵀ X (h×d) */
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)h, (int)d, (int)n, -eta * sx, U,
                (int)h, X, (int)d, 1.0, net->W, (int)d);
}

/* Features of the empirical NTK for n inputs: F1 = s·relu(U) (n×h), F2 = s·a∘relu'(U). */
static void ntk_features(const ntkb_dyn_net *net, size_t n, const double *X, double *F1,
                         double *F2)
{
    const size_t h = net->h;
    const double s = net->sw / sqrt((double)h);
    preact(net, n, X, F1);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < h; j++) {
            double u = F1[i * h + j];
            F1[i * h + j] = u > 0 ? s * u : 0.0;
            F2[i * h + j] = u > 0 ? s * net->a[j] : 0.0;
        }
}

ntkb_status ntkb_dyn_net_ntk(const ntkb_dyn_net *net, size_t n, const double *X, size_t m,
                             const double *Z, double *K)
{
    const size_t h = net->h, d = net->d;
    const double *Zs = Z ? Z : X;
    double *A1 = malloc(n * h * sizeof *A1), *A2 = malloc(n * h * sizeof *A2);
    double *B1 = malloc(m * h * sizeof *B1), *B2 = malloc(m * h * sizeof *B2);
    double *Kin = malloc(n * m * sizeof *Kin);
    ntkb_status st = NTKB_OK;
    if (!A1 || !A2 || !B1 || !B2 || !Kin) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory (empirical NTK %zu x %zu)", n, m);
        goto done;
    }
    ntk_features(net, n, X, A1, A2);
    ntk_features(net, m, Zs, B1, B2);
    /* Θ̂ = F1 F1'ᵀ + β² + (F2 F2'ᵀ) ∘ (σ_w² X Zᵀ/d + β²): the a and c, then the W and b terms */
    const double b2 = net->beta * net->beta;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)m, (int)d,
                net->sw * net->sw / (double)d, X, (int)d, Zs, (int)d, 0.0, Kin, (int)m);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)m, (int)h, 1.0, A2,
                (int)h, B2, (int)h, 0.0, K, (int)m);
    for (size_t i = 0; i < n * m; i++)
        K[i] *= Kin[i] + b2;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)m, (int)h, 1.0, A1,
                (int)h, B1, (int)h, 1.0, K, (int)m);
    for (size_t i = 0; i < n * m; i++)
        K[i] += b2;
done:
    free(A1);
    free(A2);
    free(B1);
    free(B2);
    free(Kin);
    return st;
}

void ntkb_dyn_kernel_params(ntkb_fcntk_params *p, size_t d, double sw, double beta)
{
    ntkb_fcntk_params_jacot(p, NTKB_ACT_RELU, 1, beta, d);
    p->input_var = sw * sw;
    p->c_sigma = sw * sw;
}
