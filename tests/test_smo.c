/* Tests of the C SMO solver (src/eval/smo.h) against LIBSVM 3.24 itself: on converged
 * problems every decision value must be bit-identical to svm_predict_values (binary blobs,
 * three classes, the official MUTAG GNTK Gram in both of search.py's variants, with and
 * without shrinking); the iteration cap stops each solve after exactly max_iter iterations;
 * a single-class training set; argument errors. */
#include "testutil.h"

#include "core/rng.h"
#include "mutag_fixture.h"
#include "smo_ref.h"

#include <stdlib.h>
#include <string.h>

#include <libsvm/svm.h>

#include "core/gram.h"
#include "core/status.h"
#include "eval/folds_util.h"
#include "eval/protocol.h"
#include "eval/smo.h"
#include "eval/svm.h"
#include "gntk/graphset.h"

/* k Gaussian-ish blobs in 2-D with overlap (deterministic), kernel x·x' + 1. */
static double *blobs(size_t n, size_t k, int64_t *y, uint64_t seed)
{
    ntkb_rng rng = {seed};
    double *x = malloc(2 * n * sizeof *x), *g = malloc(n * n * sizeof *g);
    for (size_t i = 0; i < n; i++) {
        y[i] = (int64_t)((i * 7) % k);
        double u = (double)ntkb_rng_below(&rng, 10000) / 10000.0 - 0.5;
        double v = (double)ntkb_rng_below(&rng, 10000) / 10000.0 - 0.5;
        x[2 * i] = 1.5 * (double)y[i] + 2.0 * u;
        x[2 * i + 1] = (y[i] == 1 ? 1.0 : -0.5) + 2.0 * v;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            g[i * n + j] = x[2 * i] * x[2 * j] + x[2 * i + 1] * x[2 * j + 1] + 1.0;
    free(x);
    return g;
}


/* LIBSVM on the same fold: training rows in stable ascending label order (sklearn's class
 * order), decision values of every test row compared bit for bit with the SMO fold's. */
static void compare_with_libsvm(const double *vgram, size_t n, const int64_t *y,
                                const size_t *train, size_t n_train, const size_t *test,
                                size_t n_test, double C, int shrinking)
{
    ntkb_svm_rows *rows = NULL;
    assert_int_equal(ntkb_svm_rows_alloc(n, &rows), NTKB_OK);
    assert_int_equal(ntkb_svm_rows_fill(rows, vgram, NTKB_SVM_RAW, 1), NTKB_OK);
    struct svm_problem prob = {.l = (int)n_train};
    prob.x = malloc(n_train * sizeof *prob.x);
    prob.y = malloc(n_train * sizeof *prob.y);
    size_t k = 0;
    for (int64_t c = 0; c < 16; c++) /* labels here are small non-negative ints */
        for (size_t t = 0; t < n_train; t++)
            if (y[train[t]] == c) {
                prob.x[k] = rows->row[train[t]];
                prob.y[k++] = (double)c;
            }
    assert_int_equal(k, n_train);
    struct svm_parameter par = {.svm_type = C_SVC, .kernel_type = PRECOMPUTED,
                                .cache_size = 100, .eps = 1e-3, .C = C,
                                .shrinking = shrinking};
    assert_null(svm_check_parameter(&prob, &par));
    struct svm_model *model = svm_train(&prob, &par);
    ntkb_smo_fold *f = NULL;
    assert_int_equal(ntkb_smo_fold_alloc(vgram, n, y, train, n_train, &f), NTKB_OK);
    ntkb_smo_params p = ntkb_smo_params_default();
    p.shrinking = shrinking;
    p.max_iter = -1;
    ntkb_smo_info info;
    assert_int_equal(ntkb_smo_fold_fit(f, C, &p, &info), NTKB_OK);
    assert_int_equal(info.n_capped, 0);
    const int nc = svm_get_nr_class(model);
    assert_int_equal((size_t)nc, ntkb_smo_fold_n_classes(f));
    double dl[64], ds[64];
    for (size_t t = 0; t < n_test; t++) {
        double lab = svm_predict_values(model, rows->row[test[t]], dl);
        int64_t ours;
        assert_int_equal(ntkb_smo_fold_predict(f, test[t], ds, &ours), NTKB_OK);
        for (int q = 0; q < nc * (nc - 1) / 2; q++)
            if (dl[q] != ds[q])
                fail_msg("C=%g shrinking=%d item %zu pair %d: libsvm %.17g, smo %.17g", C,
                         shrinking, test[t], q, dl[q], ds[q]);
        assert_int_equal((int64_t)lab, ours);
    }
    ntkb_smo_fold_free(f);
    svm_free_and_destroy_model(&model);
    free(prob.x);
    free(prob.y);
    ntkb_svm_rows_free(rows);
}

/* Every other item trains, every item is predicted. */
static void split_half(size_t n, size_t *train, size_t *n_train, size_t *all)
{
    *n_train = 0;
    for (size_t i = 0; i < n; i++) {
        all[i] = i;
        if (i % 2 == 0 || i % 5 == 1)
            train[(*n_train)++] = i;
    }
}

static void test_blobs(void **state)
{
    (void)state;
    enum { N = 90 };
    int64_t y[N];
    size_t train[N], all[N], nt;
    split_half(N, train, &nt, all);
    const double Cs[] = {0.01, 0.3, 5.0, 300.0};
    for (size_t k = 2; k <= 3; k++) {
        double *g = blobs(N, k, y, 11 + k);
        for (size_t c = 0; c < 4; c++)
            for (int sh = 0; sh <= 1; sh++)
                compare_with_libsvm(g, N, y, train, nt, all, N, Cs[c], sh);
        free(g);
    }
}

/* search.py's two variants of an official MUTAG Gram, outer fold 1 and fold 7. */
static void test_mutag_gram(void **state)
{
    (void)state;
    int64_t *y = NULL;
    size_t n;
    ntkb_gram *g = NULL;
    ntkb_folds *folds = NULL;
    load_mutag("MUTAG-nl5-R3-degree-jk1.gram.npy", &y, &n, &g, &folds);
    double *v = malloc(n * n * sizeof *v);
    size_t all[188];
    for (size_t i = 0; i < n; i++)
        all[i] = i;
    const double Cs[] = {0.01, 1.16742, 100.0, 5596.28, 1e4};
    for (int var = NTKB_SVM_SCALED; var <= NTKB_SVM_COSINE; var++) {
        assert_int_equal(ntkb_svm_gram_variant(g->data, n, var, 1, v, NULL), NTKB_OK);
        for (size_t f = 0; f < 10; f += 6)
            for (size_t c = 0; c < 5; c++)
                compare_with_libsvm(v, n, y, folds->train[f], folds->n_train[f], all, n, Cs[c],
                                    1);
    }
    free(v);
    ntkb_folds_free(folds);
    ntkb_gram_free(g);
    free(y);
}

/* The first transcription (tests/smo_ref.h) on one two-class fold: training rows grouped by
 * class as smo.c groups them; its coefficients, bias and iteration count, capped or not, must
 * be reproduced bit for bit by ntkb_smo_fold_fit (decision values compared on every item). */
static void compare_with_ref(const double *g, size_t n, const int64_t *y, const size_t *train,
                             size_t n_train, double C, int shrinking, long max_iter)
{
    int m = 0, *rows = malloc(n_train * sizeof *rows);
    size_t *item = malloc(n_train * sizeof *item);
    signed char *y0 = malloc(n_train);
    const int64_t cls[2] = {y[train[0]] < y[train[1]] ? y[train[0]] : y[train[1]],
                            y[train[0]] < y[train[1]] ? y[train[1]] : y[train[0]]};
    for (int c = 0; c < 2; c++)
        for (size_t t = 0; t < n_train; t++)
            if (y[train[t]] == cls[c]) {
                item[m] = train[t];
                rows[m] = m;
                y0[m++] = c == 0 ? +1 : -1;
            }
    assert_int_equal((size_t)m, n_train);
    float *kf = malloc((size_t)m * (size_t)m * sizeof *kf);
    double *kd = malloc((size_t)m * sizeof *kd), *coef = malloc((size_t)m * sizeof *coef);
    for (int a = 0; a < m; a++) {
        for (int b = 0; b < m; b++)
            kf[(size_t)a * (size_t)m + (size_t)b] = (float)g[item[a] * n + item[b]];
        kd[a] = g[item[a] * n + item[a]];
    }
    ref_solver r = {.kf = kf, .ldk = (size_t)m, .kdiag = kd};
    r.fp = malloc((size_t)m * sizeof(int));
    r.act = malloc((size_t)m * sizeof(int));
    r.y = malloc((size_t)m);
    r.status = malloc((size_t)m);
    r.alpha = malloc((size_t)m * sizeof(double));
    r.G = malloc((size_t)m * sizeof(double));
    r.G_bar = malloc((size_t)m * sizeof(double));
    r.qd = malloc((size_t)m * sizeof(double));
    r.work = malloc((size_t)m * sizeof(double));
    double rho;
    long iters;
    int capped = ref_smo_solve(&r, rows, y0, m, C, 1e-3, shrinking, max_iter, coef, &rho, &iters);
    ntkb_smo_fold *f = NULL;
    assert_int_equal(ntkb_smo_fold_alloc(g, n, y, train, n_train, &f), NTKB_OK);
    ntkb_smo_params p = ntkb_smo_params_default();
    p.shrinking = shrinking;
    p.max_iter = max_iter;
    ntkb_smo_info info;
    assert_int_equal(ntkb_smo_fold_fit(f, C, &p, &info), NTKB_OK);
    if (info.iterations != iters || (int)info.n_capped != capped)
        fail_msg("C=%g shrinking=%d max_iter=%ld: %ld iterations (capped %zu), reference %ld (%d)",
                 C, shrinking, max_iter, info.iterations, info.n_capped, iters, capped);
    for (size_t it = 0; it < n; it++) {
        double sum = 0.0, dec;
        int64_t lab;
        for (int a = 0; a < m; a++)
            if (coef[a] != 0.0)
                sum += coef[a] * g[it * n + item[a]];
        sum -= rho;
        assert_int_equal(ntkb_smo_fold_predict(f, it, &dec, &lab), NTKB_OK);
        if (dec != sum)
            fail_msg("C=%g shrinking=%d max_iter=%ld item %zu: %.17g, reference %.17g", C,
                     shrinking, max_iter, it, dec, sum);
    }
    ntkb_smo_fold_free(f);
    free(r.fp), free(r.act), free(r.y), free(r.status), free(r.alpha), free(r.G);
    free(r.G_bar), free(r.qd), free(r.work);
    free(kf), free(kd), free(coef), free(rows), free(item), free(y0);
}

static void test_reference_capped(void **state)
{
    (void)state;
    int64_t *y = NULL;
    size_t n;
    ntkb_gram *g = NULL;
    ntkb_folds *folds = NULL;
    load_mutag("MUTAG-nl5-R3-degree-jk1.gram.npy", &y, &n, &g, &folds);
    double *v = malloc(n * n * sizeof *v);
    const double Cs[] = {0.01, 3.0, 1e4};
    const long caps[] = {0, 1, 37, 1000, 20000, -1};
    for (int var = NTKB_SVM_SCALED; var <= NTKB_SVM_COSINE; var++) {
        assert_int_equal(ntkb_svm_gram_variant(g->data, n, var, 1, v, NULL), NTKB_OK);
        for (size_t c = 0; c < 3; c++)
            for (size_t k = 0; k < 6; k++)
                for (int sh = 0; sh <= 1; sh++)
                    compare_with_ref(v, n, y, folds->train[3], folds->n_train[3], Cs[c], sh,
                                     caps[k]);
    }
    enum { N = 300 };
    int64_t yb[N];
    size_t train[N], all[N], nt;
    split_half(N, train, &nt, all);
    double *b = blobs(N, 2, yb, 3);
    for (size_t k = 0; k < 6; k++)
        compare_with_ref(b, N, yb, train, nt, 50.0, 1, caps[k]);
    free(b);
    free(v);
    ntkb_folds_free(folds);
    ntkb_gram_free(g);
    free(y);
}

/* max_iter stops every binary solve after exactly max_iter iterations (sklearn's rule). */
static void test_iteration_cap(void **state)
{
    (void)state;
    enum { N = 60 };
    int64_t y[N];
    size_t train[N], all[N], nt;
    split_half(N, train, &nt, all);
    double *g = blobs(N, 3, y, 5);
    ntkb_smo_fold *f = NULL;
    assert_int_equal(ntkb_smo_fold_alloc(g, N, y, train, nt, &f), NTKB_OK);
    ntkb_smo_params p = ntkb_smo_params_default();
    p.max_iter = 7;
    ntkb_smo_info info;
    assert_int_equal(ntkb_smo_fold_fit(f, 1e3, &p, &info), NTKB_OK);
    assert_int_equal(info.n_solves, 3);
    assert_int_equal(info.n_capped, 3);
    assert_int_equal(info.iterations, 21);
    size_t ok = 0;
    assert_int_equal(ntkb_smo_fold_correct(f, all, N, &ok, NULL), NTKB_OK);
    assert_true(ok <= N);
    p.max_iter = -1;
    assert_int_equal(ntkb_smo_fold_fit(f, 1e3, &p, &info), NTKB_OK);
    assert_int_equal(info.n_capped, 0);
    assert_true(info.iterations > 21);
    ntkb_smo_fold_free(f);
    free(g);
}

/* Warm starts along an ascending C grid (the path solver): every solve converges, from a start
 * that is feasible (else the solver would end elsewhere), in fewer iterations than from zero,
 * and predicts as the cold converged fit (both are LIBSVM-tolerance optima). */
static void test_warm_path(void **state)
{
    (void)state;
    int64_t *y = NULL;
    size_t n;
    ntkb_gram *g = NULL;
    ntkb_folds *folds = NULL;
    load_mutag("MUTAG-nl5-R3-degree-jk1.gram.npy", &y, &n, &g, &folds);
    double *v = malloc(n * n * sizeof *v);
    assert_int_equal(ntkb_svm_gram_variant(g->data, n, NTKB_SVM_SCALED, 1, v, NULL), NTKB_OK);
    ntkb_smo_fold *warm = NULL, *cold = NULL;
    const size_t *tr = folds->train[2], nt = folds->n_train[2];
    assert_int_equal(ntkb_smo_fold_alloc(v, n, y, tr, nt, &warm), NTKB_OK);
    assert_int_equal(ntkb_smo_fold_alloc(v, n, y, tr, nt, &cold), NTKB_OK);
    ntkb_smo_params pw = ntkb_smo_params_default(), pc = pw;
    pw.max_iter = pc.max_iter = -1;
    pw.warm = 1;
    long iw = 0, ic = 0;
    size_t agree = 0, total = 0;
    for (size_t k = 40; k < 120; k += 8) {
        const double C = ntkb_protocol_default_C(k, 120);
        ntkb_smo_info a, b;
        assert_int_equal(ntkb_smo_fold_fit(warm, C, &pw, &a), NTKB_OK);
        assert_int_equal(ntkb_smo_fold_fit(cold, C, &pc, &b), NTKB_OK);
        assert_int_equal(a.n_capped + b.n_capped, 0);
        iw += a.iterations, ic += b.iterations;
        for (size_t it = 0; it < n; it++) {
            int64_t la, lb;
            assert_int_equal(ntkb_smo_fold_predict(warm, it, NULL, &la), NTKB_OK);
            assert_int_equal(ntkb_smo_fold_predict(cold, it, NULL, &lb), NTKB_OK);
            agree += la == lb, total++;
        }
    }
    if (!(iw < ic) || agree * 100 < total * 98)
        fail_msg("warm %ld iterations, cold %ld; predictions agree on %zu of %zu", iw, ic, agree,
                 total);
    ntkb_smo_fold_free(warm);
    ntkb_smo_fold_free(cold);
    free(v);
    ntkb_folds_free(folds);
    ntkb_gram_free(g);
    free(y);
}

static void test_single_class_and_errors(void **state)
{
    (void)state;
    const double g[9] = {2, 1, 0, 1, 2, 1, 0, 1, 2};
    const int64_t y[3] = {4, 4, 9};
    const size_t tr[2] = {0, 1}, all[3] = {0, 1, 2}, bad[1] = {3};
    ntkb_smo_fold *f = NULL;
    assert_int_equal(ntkb_smo_fold_alloc(g, 3, y, tr, 2, &f), NTKB_OK);
    int64_t lab = 0, pred[3];
    assert_int_equal(ntkb_smo_fold_predict(f, 2, NULL, &lab), NTKB_EINVAL); /* not fitted */
    assert_int_equal(ntkb_smo_fold_fit(f, 0.0, NULL, NULL), NTKB_EINVAL);
    assert_int_equal(ntkb_smo_fold_fit(f, 1.0, NULL, NULL), NTKB_OK);
    size_t ok = 0;
    assert_int_equal(ntkb_smo_fold_correct(f, all, 3, &ok, pred), NTKB_OK);
    assert_int_equal(ok, 2);
    assert_true(pred[0] == 4 && pred[1] == 4 && pred[2] == 4);
    assert_int_equal(ntkb_smo_fold_correct(f, bad, 1, &ok, NULL), NTKB_EINVAL);
    ntkb_smo_fold_free(f);
    ntkb_smo_fold_free(NULL);
    assert_int_equal(ntkb_smo_fold_alloc(g, 3, y, tr, 0, &f), NTKB_EINVAL);
    assert_int_equal(ntkb_smo_fold_alloc(g, 3, y, bad, 1, &f), NTKB_EINVAL);
    double h[9];
    memcpy(h, g, sizeof h);
    h[1] = NAN;
    assert_int_equal(ntkb_smo_fold_alloc(h, 3, y, tr, 2, &f), NTKB_ENUMERIC);
    assert_null(f);
    h[1] = 1e300; /* finite in double, not in LIBSVM's float kernel values */
    assert_int_equal(ntkb_smo_fold_alloc(h, 3, y, tr, 2, &f), NTKB_ENUMERIC);
    assert_null(f);
}

int main(void)
{
    ntkb_svm_silence();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blobs),
        cmocka_unit_test(test_mutag_gram),
        cmocka_unit_test(test_reference_capped),
        cmocka_unit_test(test_iteration_cap),
        cmocka_unit_test(test_warm_path),
        cmocka_unit_test(test_single_class_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
