/* Empirical NTK of a two-layer GeLU network and its input gradient (see empirical.h). */
#include "studies/fibers_empirical.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "studies/fibers_augment.h"
#include "studies/fibers_ntkgrad.h"

ntkb_status ntkb_fibers_mlp_alloc(size_t n0, size_t width, double bias, uint64_t seed,
                                  ntkb_fibers_mlp **out)
{
    if (!out || n0 == 0 || width == 0 || !(bias >= 0) || !isfinite(bias))
        return ntkb_error(NTKB_EINVAL, "mlp: need n0 > 0, width > 0, finite bias >= 0");
    *out = NULL;
    ntkb_fibers_mlp *m = calloc(1, sizeof *m);
    if (!m)
        return ntkb_error(NTKB_ENOMEM, "mlp: out of memory");
    m->W = malloc(width * n0 * sizeof(double));
    m->b = malloc(width * sizeof(double));
    m->a = malloc(width * sizeof(double));
    if (!m->W || !m->b || !m->a) {
        ntkb_fibers_mlp_free(m);
        return ntkb_error(NTKB_ENOMEM, "mlp: out of memory for width %zu, n0 %zu", width, n0);
    }
    m->n0 = n0;
    m->width = width;
    m->bias = bias;
    ntkb_rng rng;
    ntkb_rng_seed(&rng, seed);
    for (size_t i = 0; i < width * n0; i++)
        m->W[i] = ntkb_rng_gaussian(&rng);
    for (size_t j = 0; j < width; j++) {
        m->b[j] = ntkb_rng_gaussian(&rng);
        m->a[j] = ntkb_rng_gaussian(&rng);
    }
    *out = m;
    return NTKB_OK;
}

void ntkb_fibers_mlp_free(ntkb_fibers_mlp *mlp)
{
    if (!mlp)
        return;
    free(mlp->W);
    free(mlp->b);
    free(mlp->a);
    free(mlp);
}

/* GeLU t·Φ(t) and its first two derivatives. */
static void gelu3(double t, double *f, double *f1, double *f2)
{
    double Phi = 0.5 * erfc(-t / M_SQRT2), phi = exp(-0.5 * t * t) / sqrt(2.0 * M_PI);
    *f = t * Phi;
    *f1 = Phi + t * phi;
    *f2 = phi * (2.0 - t * t);
}

ntkb_status ntkb_fibers_mlp_ntk(const ntkb_fibers_mlp *mlp, const double *z, const double *x,
                                double *theta, double *grad)
{
    if (!mlp || !z || !x || !theta)
        return ntkb_error(NTKB_EINVAL, "mlp_ntk: NULL argument");
    size_t n0 = mlp->n0, m = mlp->width;
    double rn = 1.0 / sqrt((double)n0), b2 = mlp->bias * mlp->bias;
    double s = ntkb_fibers_dot(z, x, n0) / (double)n0 + b2;
    double sum = 0, cz = 0;
    if (grad)
        memset(grad, 0, n0 * sizeof(double));
    for (size_t j = 0; j < m; j++) {
        const double *w = mlp->W + j * n0;
        double hz = ntkb_fibers_dot(w, z, n0) * rn + mlp->bias * mlp->b[j];
        double hx = ntkb_fibers_dot(w, x, n0) * rn + mlp->bias * mlp->b[j];
        double fz, fz1, fz2, fx, fx1, fx2, a2 = mlp->a[j] * mlp->a[j];
        gelu3(hz, &fz, &fz1, &fz2);
        gelu3(hx, &fx, &fx1, &fx2);
        sum += fz * fx + a2 * fz1 * fx1 * s;
        if (grad) {
            /* d/dx of the j-th term through h_j(x) (φ_x, φ'_x) and through s (the w_j group). */
            double u = (fz * fx1 + a2 * fz1 * fx2 * s) * rn;
            for (size_t i = 0; i < n0; i++)
                grad[i] += u * w[i];
            cz += a2 * fz1 * fx1;
        }
    }
    *theta = sum / (double)m + b2;
    if (grad) {
        double im = 1.0 / (double)m, c = cz * im / (double)n0;
        for (size_t i = 0; i < n0; i++)
            grad[i] = grad[i] * im + c * z[i];
    }
    if (!isfinite(*theta))
        return ntkb_error(NTKB_ENUMERIC, "mlp_ntk: non-finite kernel value");
    return NTKB_OK;
}
