/* The FJLT sketch of the LANTK pair regression (see fjlt.h). */
#include "fjlt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ntkb_config.h"
#include "core/rng.h"
#include "core/threads.h"

#if NTKB_HAVE_OPENMP
#include <omp.h>
#else
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#endif

/* A counter-based stream: draw number *s + 1, uniform in (0, 1). */
static double unit(uint64_t *s)
{
    *s += 1;
    return ntkb_rng_open01(ntkb_rng_mix(*s));
}

static void butterflies(double *v, size_t len, size_t h_from, size_t h_to)
{
    for (size_t h = h_from; h < h_to; h *= 2)
        for (size_t i = 0; i < len; i += 2 * h)
            for (size_t j = i; j < i + h; j++) {
                const double a = v[j], b = v[j + h];
                v[j] = a + b;
                v[j + h] = a - b;
            }
}

void ntkb_lantk_fwht(size_t M, double *v)
{
    const size_t B = M < 4096 ? M : 4096;
    for (size_t o = 0; o < M; o += B) /* stages h < B within cache-sized blocks */
        butterflies(v + o, B, 1, B);
    butterflies(v, M, B, M);
}

/* Fills column-major A (M × (p+1)): row r = i·n + j holds D_r·[φ(x_i,x_j), y_i y_j]. */
static void fill(const ntkb_lantk_feat *f, size_t n, const size_t *train, const double *y,
                 uint64_t seed, size_t M, int threads, double *A)
{
    const size_t p = f->p;
#pragma omp parallel for schedule(dynamic, 4) num_threads(ntkb_threads_resolve(threads))
    for (size_t i = 0; i < n; i++) {
        double phi[NTKB_LANTK_MAX_FEAT];
        for (size_t j = 0; j < n; j++) {
            const size_t r = i * n + j;
            const double sg = (ntkb_rng_mix(seed ^ (r * 0xD1B54A32D192ED03ULL)) >> 63) ? -1.0 : 1.0;
            ntkb_lantk_feat_pair(f, train[i], train[j], phi);
            for (size_t c = 0; c < p; c++)
                A[c * M + r] = sg * phi[c];
            A[p * M + r] = sg * y[i] * y[j];
        }
    }
    for (size_t c = 0; c <= p; c++)
        memset(A + c * M + n * n, 0, (M - n * n) * sizeof *A);
}

/* S (k × m, row-major) = P · A for the sparse Gaussian P, drawn position by position with
 * geometric gaps over the k·M entries (row-major order). */
static void sparse_apply(size_t k, size_t M, size_t m, double q, uint64_t seed, const double *A,
                         double *S)
{
    uint64_t s = ntkb_rng_mix(seed ^ 0x5851F42D4C957F2DULL);
    const double lq = q < 1.0 ? log1p(-q) : 0.0, sd = 1.0 / sqrt(q);
    const double total = (double)k * (double)M;
    double pos = -1.0;
    memset(S, 0, k * m * sizeof *S);
    for (;;) {
        pos += q < 1.0 ? 1.0 + floor(log(unit(&s)) / lq) : 1.0;
        if (pos >= total)
            break;
        const size_t row = (size_t)(pos / (double)M), col = (size_t)(pos - (double)row * (double)M);
        const double g = sd * sqrt(-2.0 * log(unit(&s))) * cos(2.0 * M_PI * unit(&s));
        for (size_t c = 0; c < m; c++)
            S[row * m + c] += g * A[c * M + col];
    }
}

ntkb_status ntkb_lantk_ols_sketch(const ntkb_lantk_feat *f, size_t n, const size_t *train,
                                  const double *y, double eps, uint64_t seed, int threads,
                                  double *w, size_t *k_rows)
{
    if (!(eps > 0.0 && eps < 1.0) || n < 1)
        return ntkb_error(NTKB_EINVAL, "FJLT sketch: eps = %g, n = %zu", eps, n);
    const size_t p = f->p, m = p + 1, R = n * n;
    size_t M = 1;
    while (M < R)
        M *= 2;
    const double lm = log((double)m);
    const size_t k = (size_t)floor(lm / (eps * eps));
    double q = lm * lm / (double)R;
    q = q > 1.0 ? 1.0 : q;
    double *A = malloc(M * m * sizeof *A), *S = malloc(k * m * sizeof *S);
    double AtA[(NTKB_LANTK_MAX_FEAT + 1) * (NTKB_LANTK_MAX_FEAT + 1)];
    ntkb_status st = NTKB_OK;
    if (!A || !S || k == 0) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory for the FJLT sketch (%zu x %zu)", M, m);
        goto done;
    }
    fill(f, n, train, y, seed, M, threads, A);
#pragma omp parallel for schedule(dynamic, 1) num_threads(ntkb_threads_resolve(threads))
    for (size_t c = 0; c < m; c++)
        ntkb_lantk_fwht(M, A + c * M);
    sparse_apply(k, M, m, q, seed, A, S);
    for (size_t u = 0; u < p; u++) { /* normal equations on the sketched rows */
        for (size_t v = 0; v <= p; v++) {
            double s = 0.0;
            for (size_t r = 0; r < k; r++)
                s += S[r * m + u] * S[r * m + v];
            if (v < p)
                AtA[u * p + v] = s;
            else
                w[u] = s; /* Φᵀ(yy), solved in place below */
        }
    }
    double rhs[NTKB_LANTK_MAX_FEAT];
    memcpy(rhs, w, p * sizeof *rhs);
    st = ntkb_lantk_normal_solve(p, AtA, rhs, w);
    if (k_rows)
        *k_rows = k;
done:
    free(A);
    free(S);
    return st;
}
