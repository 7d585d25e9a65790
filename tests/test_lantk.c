/* Tests of src/lantk/{lantk,pairfeat,fjlt}: LANTK's Z terms on toy problems with known answers
 * (separable labels: Z recovers y·y' on training pairs), the KR closed form against the direct
 * weighted sum, the streamed normal equations against materialised ones (and thread-count
 * independence), PCA scores against a dense eigendecomposition, the FWHT, the FJLT sketch
 * against the exact fit within the sketch's error, and λ scaling. */
#include "testutil.h"

#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#include "lantk/fjlt.h"
#include "lantk/lantk.h"
#include "lantk/pairfeat.h"

static uint64_t rs = 77;
static double unif(void) /* in [-1, 1) */
{
    rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rs >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0;
}

static double *labels(size_t n) /* balanced ±1 */
{
    double *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++)
        y[i] = i % 2 ? 1.0 : -1.0;
    return y;
}

static size_t *iota(size_t n)
{
    size_t *ix = malloc(n * sizeof *ix);
    for (size_t i = 0; i < n; i++)
        ix[i] = i;
    return ix;
}

/* KR-V1 with H = 3 + y yᵀ: the weights vanish on pairs with the other label product, so Z
 * recovers y_i y_j exactly on every training pair (and on a test pair with h = H_ij). */
static void kr_v1_separable(void **state)
{
    (void)state;
    const size_t n = 30;
    double *y = labels(n), *H = malloc(n * n * sizeof *H), *Z = malloc(n * n * sizeof *Z);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            H[i * n + j] = 3.0 + y[i] * y[j];
    ntkb_lantk_kr kr;
    assert_int_equal(ntkb_lantk_kr_fit(H, n, n, NULL, y, &kr), NTKB_OK);
    ntkb_lantk_kr_block(&kr, H, n, n, n, Z);
    for (size_t e = 0; e < n * n; e++)
        assert_close(Z[e], y[e / n] * y[e % n], 1e-12);
    free(y);
    free(H);
    free(Z);
}

/* The closed form equals Σ w_ij(h) M_ij / Σ w_ij(h) computed directly, for M = v vᵀ, on a
 * sub-block selected by indices. */
static void kr_closed_form(void **state)
{
    (void)state;
    const size_t N = 25, n = 17;
    double *H = malloc(N * N * sizeof *H), v[17];
    size_t idx[17];
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j <= i; j++)
            H[i * N + j] = H[j * N + i] = unif();
    for (size_t i = 0; i < n; i++) {
        idx[i] = (i * 7) % N;
        v[i] = unif();
    }
    ntkb_lantk_kr kr;
    assert_int_equal(ntkb_lantk_kr_fit(H, N, n, idx, v, &kr), NTKB_OK);
    double hmin = 1e300, hmax = -1e300;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double h = H[idx[i] * N + idx[j]];
            hmin = h < hmin ? h : hmin;
            hmax = h > hmax ? h : hmax;
        }
    const double s2 = (hmax - hmin) * (hmax - hmin);
    for (double h = -0.9; h < 0.95; h += 0.3) {
        double num = 0, den = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                double d = h - H[idx[i] * N + idx[j]], wt = s2 - d * d;
                num += wt * v[i] * v[j];
                den += wt;
            }
        assert_close(ntkb_lantk_kr_z(&kr, h), num / den, 1e-10);
    }
    free(H);
    double Hc[4] = {1, 1, 1, 1}, y2[2] = {1, -1};
    assert_int_equal(ntkb_lantk_kr_fit(Hc, 2, 2, NULL, y2, &kr), NTKB_EINVAL);
}

/* A pooled data set of N random images (dim each) with a CNTK stand-in H = X Xᵀ/dim + 1. */
typedef struct {
    size_t N, dim;
    double *X, *H;
    ntkb_lantk_data *d;
} pool;

static void pool_make(pool *P, size_t N, size_t dim, const double *y, double noise)
{
    P->N = N;
    P->dim = dim;
    P->X = malloc(N * dim * sizeof *P->X);
    P->H = malloc(N * N * sizeof *P->H);
    for (size_t i = 0; i < N; i++)
        for (size_t k = 0; k < dim; k++) /* y ≠ NULL: x_i = y_i e_0 + noise */
            P->X[i * dim + k] = (y && k == 0 ? y[i] : 0.0) + noise * unif();
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double s = 0;
            for (size_t k = 0; k < dim; k++)
                s += P->X[i * dim + k] * P->X[j * dim + k];
            P->H[i * N + j] = 1.0 + s / (double)dim;
        }
    assert_int_equal(ntkb_lantk_data_alloc(N, dim, P->X, P->H, 2, &P->d), NTKB_OK);
}

static void pool_free(pool *P)
{
    ntkb_lantk_data_free(P->d);
    free(P->X);
    free(P->H);
}

/* FJLT-V1 features with separable labels x_i = y_i e_0: y y' = (‖x̃‖‖x̃'‖ − ‖x̃ − x̃'‖²)/2 lies
 * in the span of the features, so the exact least-squares Z recovers y_i y_j on training
 * pairs and on test–train pairs. */
static void ols_separable(void **state)
{
    (void)state;
    const size_t N = 24, n = 16;
    double *y = labels(N);
    pool P;
    pool_make(&P, N, 8, y, 0.0);
    size_t *tr = iota(N), *te = tr + n;
    for (int set = 0; set < 2; set++) {
        ntkb_lantk_feat *f = NULL;
        assert_int_equal(
            ntkb_lantk_feat_alloc(P.d, set ? NTKB_LANTK_V8 : NTKB_LANTK_V7, n, tr, &f),
            NTKB_OK);
        double w[NTKB_LANTK_MAX_FEAT], Z[24 * 16];
        assert_int_equal(ntkb_lantk_ols_exact(f, n, tr, y, 2, w), NTKB_OK);
        ntkb_lantk_feat_z(f, w, n, tr, n, tr, 2, Z);
        for (size_t e = 0; e < n * n; e++)
            if (fabs(Z[e] - y[e / n] * y[e % n]) > 1e-8)
                fail_msg("train pair %zu: Z = %g", e, Z[e]);
        ntkb_lantk_feat_z(f, w, N - n, te, n, tr, 2, Z);
        for (size_t e = 0; e < (N - n) * n; e++)
            if (fabs(Z[e] - y[n + e / n] * y[e % n]) > 1e-8)
                fail_msg("test pair %zu: Z = %g", e, Z[e]);
        ntkb_lantk_feat_free(f);
    }
    free(tr);
    free(y);
    pool_free(&P);
}

/* The streamed normal equations equal materialised ones; one and two threads agree bit for
 * bit; the features are symmetric. */
static void ols_streamed(void **state)
{
    (void)state;
    const size_t N = 30, n = 22;
    double *y = labels(N);
    pool P;
    pool_make(&P, N, 12, NULL, 1.0);
    size_t *tr = iota(N);
    ntkb_lantk_feat *f = NULL;
    assert_int_equal(ntkb_lantk_feat_alloc(P.d, NTKB_LANTK_V8, n, tr, &f), NTKB_OK);
    const size_t p = f->p;
    double A[400] = {0}, b[20] = {0}, we[20], w1[20], w2[20], phi[20], psi[20];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            ntkb_lantk_feat_pair(f, i, j, phi);
            ntkb_lantk_feat_pair(f, j, i, psi);
            for (size_t u = 0; u < p; u++) {
                assert_close(phi[u], psi[u], 1e-14);
                b[u] += phi[u] * y[i] * y[j];
                for (size_t v = 0; v < p; v++)
                    A[u * p + v] += phi[u] * phi[v];
            }
        }
    assert_int_equal(ntkb_lantk_normal_solve(p, A, b, we), NTKB_OK);
    assert_int_equal(ntkb_lantk_ols_exact(f, n, tr, y, 1, w1), NTKB_OK);
    assert_int_equal(ntkb_lantk_ols_exact(f, n, tr, y, 2, w2), NTKB_OK);
    assert_memory_equal(w1, w2, p * sizeof *w1);
    for (size_t i = 0; i < n; i++) /* compare fitted values (w itself is ill-conditioned) */
        for (size_t j = 0; j < n; j++) {
            ntkb_lantk_feat_pair(f, i, j, phi);
            double za = 0, zb = 0;
            for (size_t u = 0; u < p; u++) {
                za += we[u] * phi[u];
                zb += w1[u] * phi[u];
            }
            if (fabs(za - zb) > 1e-6 * (1 + fabs(za)))
                fail_msg("pair %zu,%zu: %g vs %g", i, j, za, zb);
        }
    ntkb_lantk_feat_free(f);
    free(tr);
    free(y);
    pool_free(&P);
}

/* PCA scores against LAPACK on the training covariance: |p_k| agree (signs are arbitrary). */
static void pca_scores(void **state)
{
    (void)state;
    const size_t N = 40, n = 30, dim = 9;
    pool P;
    pool_make(&P, N, dim, NULL, 1.0);
    for (size_t i = 0; i < N; i++) /* give the spectrum gaps */
        for (size_t k = 0; k < dim; k++)
            P.X[i * dim + k] *= 1.0 + 0.6 * (double)k;
    ntkb_lantk_data_free(P.d);
    assert_int_equal(ntkb_lantk_data_alloc(N, dim, P.X, P.H, 1, &P.d), NTKB_OK);
    size_t *tr = iota(N);
    ntkb_lantk_feat *f = NULL;
    assert_int_equal(ntkb_lantk_feat_alloc(P.d, NTKB_LANTK_V4, n, tr, &f), NTKB_OK);
    double mu[9] = {0}, C[81] = {0}, ev[9];
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < dim; k++)
            mu[k] += P.X[i * dim + k] / (double)n;
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < dim; a++)
            for (size_t b = 0; b < dim; b++)
                C[a * dim + b] += (P.X[i * dim + a] - mu[a]) * (P.X[i * dim + b] - mu[b]);
    assert_int_equal(LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', (int)dim, C, (int)dim, ev), 0);
    for (size_t a = 0; a < N; a++)
        for (size_t c = 0; c < NTKB_LANTK_PCA; c++) {
            double s = 0;
            for (size_t k = 0; k < dim; k++)
                s += (P.X[a * dim + k] - mu[k]) * C[k * dim + (dim - 1 - c)];
            if (!ntkb_test_close(fabs(f->pca[a * NTKB_LANTK_PCA + c]), fabs(s), 1e-7, 1e-9))
                fail_msg("item %zu pc %zu: %.10g vs %.10g", a, c,
                         f->pca[a * NTKB_LANTK_PCA + c], s);
        }
    ntkb_lantk_feat_free(f);
    free(tr);
    pool_free(&P);
}

/* FWHT: against the Sylvester matrix for M = 8, and H·H = M·I for M = 2^13. */
static void fwht(void **state)
{
    (void)state;
    double v[8], u[8];
    for (int i = 0; i < 8; i++)
        v[i] = u[i] = unif();
    ntkb_lantk_fwht(8, v);
    for (int r = 0; r < 8; r++) {
        double s = 0;
        for (int c = 0; c < 8; c++)
            s += (__builtin_popcount(r & c) % 2 ? -1.0 : 1.0) * u[c];
        assert_close(v[r], s, 1e-13);
    }
    const size_t M = 8192;
    double *a = malloc(M * sizeof *a), *b = malloc(M * sizeof *b);
    for (size_t i = 0; i < M; i++)
        a[i] = b[i] = unif();
    ntkb_lantk_fwht(M, a);
    ntkb_lantk_fwht(M, a);
    for (size_t i = 0; i < M; i++)
        assert_close(a[i] / (double)M, b[i], 1e-10);
    free(a);
    free(b);
}

/* Sum of squared residuals of w over all n² ordered training pairs. */
static double rss(const ntkb_lantk_feat *f, size_t n, const double *y, const double *w)
{
    double s = 0, phi[NTKB_LANTK_MAX_FEAT];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            ntkb_lantk_feat_pair(f, i, j, phi);
            double z = 0;
            for (size_t u = 0; u < f->p; u++)
                z += w[u] * phi[u];
            s += (y[i] * y[j] - z) * (y[i] * y[j] - z);
        }
    return s;
}

/* The sketched fit is a (1 ± ε) least-squares solution: its residual is within (1 + ε)² of
 * the exact one, and its fitted Z is close to the exact Z. */
static void sketch_vs_exact(void **state)
{
    (void)state;
    const size_t N = 60, n = 60;
    double *y = labels(N);
    pool P;
    pool_make(&P, N, 10, y, 1.5);
    size_t *tr = iota(N);
    ntkb_lantk_feat *f = NULL;
    assert_int_equal(ntkb_lantk_feat_alloc(P.d, NTKB_LANTK_V7, n, tr, &f), NTKB_OK);
    double we[20], ws[20];
    size_t k = 0;
    const double eps = 0.05;
    assert_int_equal(ntkb_lantk_ols_exact(f, n, tr, y, 2, we), NTKB_OK);
    assert_int_equal(ntkb_lantk_ols_sketch(f, n, tr, y, eps, 11, 2, ws, &k), NTKB_OK);
    assert_int_equal(k, (size_t)floor(log(11.0) / (eps * eps)));
    const double re = rss(f, n, y, we), rsk = rss(f, n, y, ws);
    if (!(rsk >= re * (1 - 1e-12) && rsk <= re * (1 + eps) * (1 + eps)))
        fail_msg("residuals: exact %g, sketch %g (k = %zu)", re, rsk, k);
    /* ‖Φ(w_s − w_e)‖² = rss_s − rss_e (Pythagoras), so the Z difference is bounded too */
    double *Ze = malloc(n * n * sizeof *Ze), *Zs = malloc(n * n * sizeof *Zs), dz = 0, ze = 0;
    ntkb_lantk_feat_z(f, we, n, tr, n, tr, 2, Ze);
    ntkb_lantk_feat_z(f, ws, n, tr, n, tr, 2, Zs);
    for (size_t e = 0; e < n * n; e++) {
        dz += (Ze[e] - Zs[e]) * (Ze[e] - Zs[e]);
        ze += Ze[e] * Ze[e];
    }
    assert_close(dz, rsk - re, 1e-6 * (1 + ze));
    assert_true(dz <= (2 * eps + eps * eps) * re);
    assert_int_equal(ntkb_lantk_ols_sketch(f, n, tr, y, 1.5, 1, 1, ws, NULL), NTKB_EINVAL);
    free(Ze);
    free(Zs);
    ntkb_lantk_feat_free(f);
    free(tr);
    free(y);
    pool_free(&P);
}

/* λ = ratio·mean|H|/mean|Z|: scaling Z by c scales λ by 1/c, so λZ and the predictions do
 * not change; Z = 0 (or λ = 0) is plain kernel regression. */
static void lambda_scaling(void **state)
{
    (void)state;
    const size_t n = 20, m = 6;
    double *y = labels(n);
    pool P;
    pool_make(&P, n + m, 5, NULL, 1.0);
    double *Z = malloc(n * n * sizeof *Z), *Z3 = malloc(n * n * sizeof *Z3);
    double Zt[6 * 20], Zt3[6 * 20], Ht[6 * 20], Htr[400], p1[6], p2[6], p0[6], pk[6];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            Htr[i * n + j] = P.H[i * (n + m) + j] + (i == j ? 0.5 : 0.0);
            Z[i * n + j] = Z[j * n + i] = unif();
        }
    for (size_t e = 0; e < n * n; e++)
        Z3[e] = 3.0 * Z[e];
    for (size_t r = 0; r < m; r++)
        for (size_t c = 0; c < n; c++) {
            Ht[r * n + c] = P.H[(n + r) * (n + m) + c];
            Zt[r * n + c] = unif();
            Zt3[r * n + c] = 3.0 * Zt[r * n + c];
        }
    double l1 = ntkb_lantk_lambda(0.0005, n * n, Htr, Z);
    double l3 = ntkb_lantk_lambda(0.0005, n * n, Htr, Z3);
    double sh = 0, sz = 0;
    for (size_t e = 0; e < n * n; e++) {
        sh += fabs(Htr[e]);
        sz += fabs(Z[e]);
    }
    assert_close(l1, 0.0005 * sh / sz, 1e-13);
    assert_close(l3 * 3.0, l1, 1e-13);
    assert_int_equal(ntkb_lantk_regress(n, Htr, Z, l1, y, m, Ht, Zt, p1, NULL), NTKB_OK);
    assert_int_equal(ntkb_lantk_regress(n, Htr, Z3, l3, y, m, Ht, Zt3, p2, NULL), NTKB_OK);
    assert_int_equal(ntkb_lantk_regress(n, Htr, Z, 0.0, y, m, Ht, Zt, p0, NULL), NTKB_OK);
    assert_int_equal(ntkb_lantk_regress(n, Htr, NULL, 0.0, y, m, Ht, NULL, pk, NULL), NTKB_OK);
    for (size_t r = 0; r < m; r++) {
        assert_close(p1[r], p2[r], 1e-8);
        assert_close(p0[r], pk[r], 1e-12);
    }
    double zero[4] = {0};
    assert_true(ntkb_lantk_lambda(0.0005, 4, Htr, zero) == 0.0);
    free(Z);
    free(Z3);
    free(y);
    pool_free(&P);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kr_v1_separable), cmocka_unit_test(kr_closed_form),
        cmocka_unit_test(ols_separable),   cmocka_unit_test(ols_streamed),
        cmocka_unit_test(pca_scores),      cmocka_unit_test(fwht),
        cmocka_unit_test(sketch_vs_exact), cmocka_unit_test(lambda_scaling),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
