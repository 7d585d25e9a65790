/* LANTK pair features: raw statistics of a pooled set, PCA by subspace
 * iteration, features of one pair, the exact streamed least-squares fit and Z blocks. */
#include "pairfeat.h"

#include <cblas.h>
#include <lapacke.h>
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

size_t ntkb_lantk_feat_count(ntkb_lantk_featset set)
{
    switch (set) {
    case NTKB_LANTK_V4: return 4 + 2 * NTKB_LANTK_PCA;
    case NTKB_LANTK_V7: return 10;
    case NTKB_LANTK_V8: return 10 + 2 * NTKB_LANTK_PCA;
    }
    return 0;
}

/* L1 distance of two rows; the appended 1 cancels, so it runs over the dim raw entries. */
static double l1_row(const double *a, const double *b, size_t dim)
{
    double s = 0.0;
#pragma omp simd reduction(+ : s)
    for (size_t k = 0; k < dim; k++)
        s += fabs(a[k] - b[k]);
    return s;
}

/* L1 distances in 32×32 tiles of the upper triangle, so both tiles' rows stay in cache. */
static void l1_matrix(size_t N, size_t dim, const double *X, int threads, double *L1)
{
    const size_t T = 32, nt = (N + T - 1) / T;
#pragma omp parallel for schedule(dynamic, 1) num_threads(ntkb_threads_resolve(threads))
    for (size_t t = 0; t < nt * nt; t++) {
        size_t bi = t / nt, bj = t % nt;
        if (bj < bi)
            continue;
        for (size_t i = bi * T; i < (bi + 1) * T && i < N; i++)
            for (size_t j = bj == bi ? i : bj * T; j < (bj + 1) * T && j < N; j++) {
                double v = i == j ? 0.0 : l1_row(X + i * dim, X + j * dim, dim);
                L1[i * N + j] = v;
                L1[j * N + i] = v;
            }
    }
}

ntkb_status ntkb_lantk_data_alloc(size_t N, size_t dim, const double *X, const double *H,
                                  int threads, ntkb_lantk_data **out)
{
    *out = NULL;
    if (N == 0 || dim == 0 || !X || !H)
        return ntkb_error(NTKB_EINVAL, "lantk data: empty item set");
    ntkb_lantk_data *d = calloc(1, sizeof *d);
    if (!d)
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    d->N = N;
    d->d = dim + 1;
    d->H = H;
    d->G = malloc(N * N * sizeof *d->G);
    d->L1 = malloc(N * N * sizeof *d->L1);
    d->rsum = malloc(N * sizeof *d->rsum);
    if (!d->G || !d->L1 || !d->rsum) {
        ntkb_lantk_data_free(d);
        return ntkb_error(NTKB_ENOMEM, "out of memory for the raw Gram (N = %zu)", N);
    }
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, (int)N, (int)dim, 1.0, X, (int)dim, 0.0,
                d->G, (int)N);
    for (size_t i = 0; i < N; i++) {
        for (size_t j = i; j < N; j++) {
            d->G[i * N + j] += 1.0; /* the appended constant coordinate */
            d->G[j * N + i] = d->G[i * N + j];
        }
        double s = 1.0;
        for (size_t k = 0; k < dim; k++)
            s += X[i * dim + k];
        d->rsum[i] = s;
    }
    l1_matrix(N, dim, X, threads, d->L1);
    *out = d;
    return NTKB_OK;
}

void ntkb_lantk_data_free(ntkb_lantk_data *d)
{
    if (!d)
        return;
    free(d->G);
    free(d->L1);
    free(d->rsum);
    free(d);
}

/* Orthonormal basis of the b columns of Q (n×b row-major, n ≥ b) by Householder QR, which stays
 * orthonormal even when C Q is rank-deficient (Gram–Schmidt would not). */
static ntkb_status orthonormalise(size_t n, size_t b, double *Q)
{
    double tau[16];
    if (LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, (int)n, (int)b, Q, (int)b, tau) != 0 ||
        LAPACKE_dorgqr(LAPACK_ROW_MAJOR, (int)n, (int)b, (int)b, Q, (int)b, tau) != 0)
        return ntkb_error(NTKB_ENUMERIC, "PCA: QR failed");
    return NTKB_OK;
}

#define PCA_BLOCK 12

/* Top NTKB_LANTK_PCA eigenpairs of the PSD n×n matrix C by subspace iteration with
 * Rayleigh–Ritz every 4 steps; U (n × PCA, row-major) and lam (descending).  Work: 3 n×b. */
static ntkb_status top_eig(size_t n, const double *C, double *U, double *lam)
{
    const size_t b = n < PCA_BLOCK ? n : PCA_BLOCK, k = NTKB_LANTK_PCA;
    double *Q = malloc(n * b * sizeof *Q), *Y = malloc(n * b * sizeof *Y);
    double T[PCA_BLOCK * PCA_BLOCK], ev[PCA_BLOCK], prev[PCA_BLOCK] = {0};
    ntkb_status st = NTKB_OK;
    if (!Q || !Y) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory for PCA");
        goto done;
    }
    ntkb_rng rng;
    ntkb_rng_seed(&rng, 1);
    for (size_t i = 0; i < n * b; i++)
        Q[i] = ntkb_rng_uniform(&rng) - 0.5;
    if ((st = orthonormalise(n, b, Q)) != NTKB_OK)
        goto done;
    for (int it = 1; it <= 400; it++) {
        cblas_dsymm(CblasRowMajor, CblasLeft, CblasUpper, (int)n, (int)b, 1.0, C, (int)n, Q,
                    (int)b, 0.0, Y, (int)b);
        if (it % 4 == 0 || it == 400) { /* Rayleigh–Ritz: T = Qᵀ C Q, rotate Q to Ritz vectors */
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)b, (int)b, (int)n, 1.0, Q,
                        (int)b, Y, (int)b, 0.0, T, (int)b);
            if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (int)b, T, (int)b, ev) != 0) {
                st = ntkb_error(NTKB_ENUMERIC, "PCA: eigensolver failed");
                goto done;
            }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)b, (int)b, 1.0,
                        Q, (int)b, T, (int)b, 0.0, Y, (int)b);
            int conv = 1;
            for (size_t c = 0; c < k && c < b; c++)
                conv &= fabs(ev[b - 1 - c] - prev[c]) <= 1e-11 * fabs(ev[b - 1]);
            for (size_t c = 0; c < b; c++)
                prev[c] = ev[b - 1 - c];
            if (conv || it == 400) {
                for (size_t c = 0; c < k; c++) {
                    lam[c] = c < b ? ev[b - 1 - c] : 0.0;
                    for (size_t i = 0; i < n; i++)
                        U[i * k + c] = c < b ? Y[i * b + (b - 1 - c)] : 0.0;
                }
                goto done;
            }
        }
        memcpy(Q, Y, n * b * sizeof *Q);
        if ((st = orthonormalise(n, b, Q)) != NTKB_OK)
            goto done;
    }
done:
    free(Q);
    free(Y);
    return st;
}

/* PCA scores of all N items, fitted on the training items (see the header). */
static ntkb_status pca_scores(const ntkb_lantk_data *d, size_t n, const size_t *tr, double *P)
{
    const size_t N = d->N, k = NTKB_LANTK_PCA;
    double *C = malloc(n * n * sizeof *C), *r = malloc(n * sizeof *r);
    double *U = malloc(n * k * sizeof *U), lam[NTKB_LANTK_PCA];
    ntkb_status st = NTKB_OK;
    if (!C || !r || !U) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory for PCA (n = %zu)", n);
        goto done;
    }
    double rbar = 0.0;
    for (size_t i = 0; i < n; i++) {
        double s = 0.0;
        for (size_t j = 0; j < n; j++)
            s += d->G[tr[i] * N + tr[j]];
        r[i] = s / (double)n;
        rbar += r[i] / (double)n;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            C[i * n + j] = d->G[tr[i] * N + tr[j]] - r[i] - r[j] + rbar;
    if ((st = top_eig(n, C, U, lam)) != NTKB_OK)
        goto done;
    for (size_t a = 0; a < N; a++)
        for (size_t c = 0; c < k; c++) {
            double s = 0.0;
            for (size_t i = 0; i < n; i++)
                s += (d->G[a * N + tr[i]] - r[i]) * U[i * k + c];
            P[a * k + c] = lam[c] > 1e-12 * lam[0] ? s / sqrt(lam[c]) : 0.0;
        }
done:
    free(C);
    free(r);
    free(U);
    return st;
}

ntkb_status ntkb_lantk_feat_alloc(const ntkb_lantk_data *d, ntkb_lantk_featset set, size_t n,
                                  const size_t *train, ntkb_lantk_feat **out)
{
    *out = NULL;
    if (!ntkb_lantk_feat_count(set) || n < 2 || !d)
        return ntkb_error(NTKB_EINVAL, "lantk features: unknown set %d or n = %zu", (int)set, n);
    for (size_t i = 0; i < n; i++)
        if (train[i] >= d->N)
            return ntkb_error(NTKB_EINVAL, "lantk features: index %zu out of range", train[i]);
    ntkb_lantk_feat *f = calloc(1, sizeof *f);
    if (!f)
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    f->data = d;
    f->set = set;
    f->p = ntkb_lantk_feat_count(set);
    const size_t N = d->N;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        double gi = d->G[train[i] * N + train[i]], row = 0.0;
        for (size_t j = 0; j < n; j++)
            row += gi + d->G[train[j] * N + train[j]] - 2.0 * d->G[train[i] * N + train[j]];
        s += row;
    }
    f->s = s / ((double)n * (double)n);
    if (set != NTKB_LANTK_V7) {
        f->pca = malloc(N * NTKB_LANTK_PCA * sizeof *f->pca);
        ntkb_status st = f->pca ? pca_scores(d, n, train, f->pca)
                                : ntkb_error(NTKB_ENOMEM, "out of memory");
        if (st != NTKB_OK) {
            ntkb_lantk_feat_free(f);
            return st;
        }
    }
    *out = f;
    return NTKB_OK;
}

void ntkb_lantk_feat_free(ntkb_lantk_feat *f)
{
    if (!f)
        return;
    free(f->pca);
    free(f);
}

void ntkb_lantk_feat_pair(const ntkb_lantk_feat *f, size_t a, size_t b, double *phi)
{
    const ntkb_lantk_data *d = f->data;
    const size_t N = d->N;
    const double gab = d->G[a * N + b], gaa = d->G[a * N + a], gbb = d->G[b * N + b];
    const double nn = sqrt(gaa * gbb);
    double c = nn > 0 ? gab / nn : 0.0;
    c = c > 1.0 ? 1.0 : (c < -1.0 ? -1.0 : c);
    double d2 = gaa + gbb - 2.0 * gab;
    d2 = a == b || d2 < 0 ? 0.0 : d2;
    size_t q = 0;
    phi[q++] = d->H[a * N + b];
    phi[q++] = gab;
    phi[q++] = c;
    phi[q++] = d2;
    if (f->set != NTKB_LANTK_V4) {
        const double dd = (double)d->d, sa = d->rsum[a], sb = d->rsum[b];
        const double ca = gaa - sa * sa / dd, cb = gbb - sb * sb / dd;
        phi[q++] = nn;
        phi[q++] = sqrt(1.0 - c * c);
        phi[q++] = acos(c);
        phi[q++] = f->s > 0 ? exp(-d2 / f->s) : 1.0;
        phi[q++] = ca > 0 && cb > 0 ? (gab - sa * sb / dd) / sqrt(ca * cb) : 0.0;
        phi[q++] = d->L1[a * N + b];
    }
    if (f->pca)
        for (size_t k = 0; k < NTKB_LANTK_PCA; k++) {
            const double pa = f->pca[a * NTKB_LANTK_PCA + k], pb = f->pca[b * NTKB_LANTK_PCA + k];
            phi[q++] = pa * pb;
            phi[q++] = fabs(pa - pb);
        }
}

ntkb_status ntkb_lantk_normal_solve(size_t p, const double *A, const double *b, double *w)
{
    if (p == 0 || p > NTKB_LANTK_MAX_FEAT + 1)
        return ntkb_error(NTKB_EINVAL, "normal equations: p = %zu", p);
    double S[(NTKB_LANTK_MAX_FEAT + 1) * (NTKB_LANTK_MAX_FEAT + 1)];
    double D[NTKB_LANTK_MAX_FEAT + 1], ev[NTKB_LANTK_MAX_FEAT + 1], t[NTKB_LANTK_MAX_FEAT + 1];
    for (size_t i = 0; i < p; i++) /* Jacobi scaling: features differ by orders of magnitude */
        D[i] = A[i * p + i] > 0 ? 1.0 / sqrt(A[i * p + i]) : 0.0;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++)
            S[i * p + j] = D[i] * A[i * p + j] * D[j];
    if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (int)p, S, (int)p, ev) != 0)
        return ntkb_error(NTKB_ENUMERIC, "normal equations: eigensolver failed");
    const double cut = 1e-12 * fabs(ev[p - 1]);
    for (size_t e = 0; e < p; e++) { /* t = diag(1/ev) Vᵀ D b, cut-off below `cut` */
        double s = 0.0;
        for (size_t i = 0; i < p; i++)
            s += S[i * p + e] * D[i] * b[i];
        t[e] = ev[e] > cut ? s / ev[e] : 0.0;
    }
    for (size_t i = 0; i < p; i++) {
        double s = 0.0;
        for (size_t e = 0; e < p; e++)
            s += S[i * p + e] * t[e];
        w[i] = D[i] * s;
        if (!isfinite(w[i]))
            return ntkb_error(NTKB_ENUMERIC, "normal equations: non-finite solution");
    }
    return NTKB_OK;
}

#define OLS_BLOCKS 64

ntkb_status ntkb_lantk_ols_exact(const ntkb_lantk_feat *f, size_t n, const size_t *train,
                                 const double *y, int threads, double *w)
{
    const size_t p = f->p, pp = p * p;
    double *acc = calloc(OLS_BLOCKS * (pp + p), sizeof *acc);
    if (!acc)
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    /* Block k sums rows i ≡ k (mod 64): balanced over the triangle and fixed for any thread
     * count; the blocks are then added in order, so the sums are reproducible. */
#pragma omp parallel for schedule(dynamic, 1) num_threads(ntkb_threads_resolve(threads))
    for (size_t k = 0; k < OLS_BLOCKS; k++) {
        double *A = acc + k * (pp + p), *b = A + pp, phi[NTKB_LANTK_MAX_FEAT];
        for (size_t i = k; i < n; i += OLS_BLOCKS)
            for (size_t j = i; j < n; j++) {
                ntkb_lantk_feat_pair(f, train[i], train[j], phi);
                const double wt = i == j ? 1.0 : 2.0, t = y[i] * y[j];
                for (size_t u = 0; u < p; u++) {
                    const double wu = wt * phi[u];
                    b[u] += wu * t;
                    for (size_t v = u; v < p; v++)
                        A[u * p + v] += wu * phi[v];
                }
            }
    }
    for (size_t k = 1; k < OLS_BLOCKS; k++)
        for (size_t e = 0; e < pp + p; e++)
            acc[e] += acc[k * (pp + p) + e];
    for (size_t u = 0; u < p; u++)
        for (size_t v = 0; v < u; v++)
            acc[u * p + v] = acc[v * p + u];
    ntkb_status st = ntkb_lantk_normal_solve(p, acc, acc + pp, w);
    free(acc);
    return st;
}

void ntkb_lantk_feat_z(const ntkb_lantk_feat *f, const double *w, size_t nr, const size_t *rows,
                       size_t nc, const size_t *cols, int threads, double *Z)
{
    const int sym = rows == cols && nr == nc;
#pragma omp parallel for schedule(dynamic, 8) num_threads(ntkb_threads_resolve(threads))
    for (size_t r = 0; r < nr; r++) {
        double phi[NTKB_LANTK_MAX_FEAT];
        for (size_t c = sym ? r : 0; c < nc; c++) {
            ntkb_lantk_feat_pair(f, rows[r], cols[c], phi);
            double z = 0.0;
            for (size_t u = 0; u < f->p; u++)
                z += w[u] * phi[u];
            Z[r * nc + c] = z;
            if (sym)
                Z[c * nc + r] = z;
        }
    }
}
