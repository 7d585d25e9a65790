/* Tests of the LIBSVM glue (src/eval/svm.h): the row layout over a whole Gram, the three Gram
 * variants, training on a fold subset through global rows (identical to a fold-local copy of
 * the sub-Gram), binary and multi-class prediction, and argument errors. */
#include "testutil.h"

#include "core/rng.h"

#include <stdlib.h>
#include <string.h>

#include <libsvm/svm.h>

#include "core/status.h"
#include "eval/folds_util.h"
#include "eval/svm.h"

/* Linear kernel plus 1 over points x[i] (dim d): K = x·x' + 1. */
static double *linear_gram(const double *x, size_t n, size_t d)
{
    double *k = malloc(n * n * sizeof *k);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 1.0;
            for (size_t t = 0; t < d; t++)
                s += x[i * d + t] * x[j * d + t];
            k[i * n + j] = s;
        }
    return k;
}

static void test_rows_layout(void **state)
{
    (void)state;
    const double g[9] = {4, 2, 8, 2, 9, 6, 8, 6, 16};
    ntkb_svm_rows *r = NULL;
    assert_int_equal(ntkb_svm_rows_alloc(3, &r), NTKB_OK);
    assert_int_equal(ntkb_svm_rows_fill(r, g, NTKB_SVM_RAW, 1), NTKB_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r->row[i][0].index, 0);
        assert_true(r->row[i][0].value == i + 1);
        for (int k = 0; k < 3; k++) {
            assert_int_equal(r->row[i][k + 1].index, k + 1);
            assert_true(r->row[i][k + 1].value == g[i * 3 + k]);
        }
        assert_int_equal(r->row[i][4].index, -1);
    }
    assert_true(r->scale == 1.0);
    /* search.py: K / min K, then cosine of that in the order ((K/m)/d_i)/d_j */
    assert_int_equal(ntkb_svm_rows_fill(r, g, NTKB_SVM_SCALED, 1), NTKB_OK);
    assert_true(r->scale == 2.0);
    assert_true(r->row[2][3].value == 8.0 && r->row[0][2].value == 1.0);
    assert_int_equal(ntkb_svm_rows_fill(r, g, NTKB_SVM_COSINE, 2), NTKB_OK);
    assert_close(r->row[0][1].value, 1.0, 1e-15);
    assert_close(r->row[0][3].value, 8.0 / (2.0 * 4.0), 1e-15);
    assert_close(r->row[1][3].value, 6.0 / (3.0 * 4.0), 1e-15);
    /* A non-positive minimum (e.g. a WL Gram with a 0) leaves the scale at 1. */
    const double z[4] = {1, 0, 0, 1};
    ntkb_svm_rows *r2 = NULL;
    assert_int_equal(ntkb_svm_rows_alloc(2, &r2), NTKB_OK);
    assert_int_equal(ntkb_svm_rows_fill(r2, z, NTKB_SVM_SCALED, 1), NTKB_OK);
    assert_true(r2->scale == 1.0 && r2->row[0][1].value == 1.0);
    const double bad[4] = {1, NAN, 0, 1};
    assert_int_equal(ntkb_svm_rows_fill(r2, bad, NTKB_SVM_RAW, 1), NTKB_ENUMERIC);
    ntkb_svm_rows_free(r);
    ntkb_svm_rows_free(r2);
}

/* Two 2-D Gaussian-ish blobs with some overlap (deterministic): a problem where the solution
 * is not trivially perfect, so fold-subset handling errors would show. */
static double *blobs(size_t n, int64_t *y, uint64_t seed)
{
    double *x = malloc(2 * n * sizeof *x);
    ntkb_rng rng = {seed};
    for (size_t i = 0; i < n; i++) {
        y[i] = (int64_t)(i % 2);
        for (int t = 0; t < 2; t++) {
            double u = 0.0;
            for (int k = 0; k < 4; k++)
                u += (double)ntkb_rng_below(&rng, 1000000) / 1e6 - 0.5;
            x[2 * i + t] = u + (y[i] ? 0.6 : -0.6);
        }
    }
    return x;
}

/* Training through the global rows on a subset equals training on a fold-local copy of the
 * sub-Gram with renumbered serials (LIBSVM's own file convention): same predictions. */
static void test_subset_equals_copy(void **state)
{
    (void)state;
    enum { N = 60 };
    int64_t y[N];
    double *x = blobs(N, y, 11), *g = linear_gram(x, N, 2);
    size_t train[40], test[20], nt = 0, ne = 0;
    for (size_t i = 0; i < N; i++) {
        if (i % 3 == 1)
            test[ne++] = i;
        else
            train[nt++] = i;
    }
    ntkb_svm_rows *r = NULL;
    assert_int_equal(ntkb_svm_rows_alloc(N, &r), NTKB_OK);
    assert_int_equal(ntkb_svm_rows_fill(r, g, NTKB_SVM_RAW, 2), NTKB_OK);
    int64_t pred[20];
    size_t ok;
    ntkb_svm_params prm = ntkb_svm_params_default();
    assert_int_equal(ntkb_svm_fold_correct(r, y, train, nt, test, ne, 0.7, &prm, &ok, pred),
                     NTKB_OK);
    /* Reference: explicit fold-local problem, labels sorted as ntkb_svm does. */
    size_t order[40], k = 0;
    for (int c = 0; c < 2; c++)
        for (size_t t = 0; t < nt; t++)
            if (y[train[t]] == c)
                order[k++] = train[t];
    struct svm_node *tr = malloc(nt * (nt + 2) * sizeof *tr), *te = malloc((nt + 2) * sizeof *te);
    struct svm_node *xs[40];
    double ys[40];
    for (size_t a = 0; a < nt; a++) {
        xs[a] = tr + a * (nt + 2);
        xs[a][0] = (struct svm_node){0, (double)(a + 1)};
        for (size_t b = 0; b < nt; b++)
            xs[a][b + 1] = (struct svm_node){(int)(b + 1), g[order[a] * N + order[b]]};
        xs[a][nt + 1].index = -1;
        ys[a] = (double)y[order[a]];
    }
    struct svm_problem prob = {(int)nt, ys, xs};
    struct svm_parameter par = {.svm_type = C_SVC, .kernel_type = PRECOMPUTED, .cache_size = 10,
                                .eps = 1e-3, .C = 0.7, .shrinking = 1};
    ntkb_svm_silence();
    struct svm_model *m = svm_train(&prob, &par);
    size_t ok_ref = 0;
    for (size_t t = 0; t < ne; t++) {
        te[0] = (struct svm_node){0, 0.0};
        for (size_t b = 0; b < nt; b++)
            te[b + 1] = (struct svm_node){(int)(b + 1), g[test[t] * N + order[b]]};
        te[nt + 1].index = -1;
        double p = svm_predict(m, te);
        assert_true((int64_t)p == pred[t]);
        ok_ref += (int64_t)p == y[test[t]];
    }
    assert_int_equal(ok, ok_ref);
    assert_true(ok > ne / 2 && ok < ne); /* informative but not trivial */
    svm_free_and_destroy_model(&m);
    free(tr);
    free(te);
    free(x);
    free(g);
    ntkb_svm_rows_free(r);
}

/* Three separable clusters with arbitrary label values: one-vs-one gets all right and
 * returns the caller's label values. */
static void test_multiclass(void **state)
{
    (void)state;
    enum { N = 45 };
    const double centre[3][2] = {{0, 4}, {4, -2}, {-4, -2}};
    const int64_t value[3] = {7, -2, 3};
    double x[2 * N];
    int64_t y[N];
    ntkb_rng rng = {5};
    for (size_t i = 0; i < N; i++) {
        int c = (int)(i % 3);
        y[i] = value[c];
        for (int t = 0; t < 2; t++)
            x[2 * i + t] = centre[c][t] + (double)ntkb_rng_below(&rng, 1000) / 1000.0 - 0.5;
    }
    double *g = linear_gram(x, N, 2);
    ntkb_svm_rows *r = NULL;
    assert_int_equal(ntkb_svm_rows_alloc(N, &r), NTKB_OK);
    assert_int_equal(ntkb_svm_rows_fill(r, g, NTKB_SVM_COSINE, 1), NTKB_OK);
    size_t train[30], test[15], nt = 0, ne = 0, ok;
    for (size_t i = 0; i < N; i++) {
        if (i % 3 == (i / 3) % 3 && ne < 15)
            test[ne++] = i;
        else
            train[nt++] = i;
    }
    int64_t pred[15];
    assert_int_equal(ntkb_svm_fold_correct(r, y, train, nt, test, ne, 100.0, NULL, &ok, pred),
                     NTKB_OK);
    assert_int_equal(ok, ne);
    for (size_t t = 0; t < ne; t++)
        assert_true(pred[t] == y[test[t]]);
    free(g);
    ntkb_svm_rows_free(r);
}

static void test_errors(void **state)
{
    (void)state;
    const double g[4] = {1, 0.5, 0.5, 1};
    const int64_t y[2] = {0, 1}, ybig[2] = {0, (int64_t)1 << 40};
    const size_t tr[2] = {0, 1}, bad[1] = {2};
    size_t ok;
    ntkb_svm_rows *r = NULL;
    assert_int_equal(ntkb_svm_rows_alloc(0, &r), NTKB_EINVAL);
    assert_int_equal(ntkb_svm_rows_alloc(2, &r), NTKB_OK);
    assert_int_equal(ntkb_svm_rows_fill(r, g, NTKB_SVM_RAW, 1), NTKB_OK);
    assert_int_equal(ntkb_svm_fold_correct(r, y, tr, 2, tr, 2, 0.0, NULL, &ok, NULL), NTKB_EINVAL);
    assert_int_equal(ntkb_svm_fold_correct(r, y, tr, 0, tr, 2, 1.0, NULL, &ok, NULL), NTKB_EINVAL);
    assert_int_equal(ntkb_svm_fold_correct(r, y, bad, 1, tr, 2, 1.0, NULL, &ok, NULL), NTKB_EINVAL);
    assert_int_equal(ntkb_svm_fold_correct(r, y, tr, 2, bad, 1, 1.0, NULL, &ok, NULL), NTKB_EINVAL);
    assert_int_equal(ntkb_svm_fold_correct(r, ybig, tr, 2, tr, 2, 1.0, NULL, &ok, NULL),
                     NTKB_EINVAL);
    assert_true(strlen(ntkb_last_error()) > 0);
    assert_int_equal(ntkb_svm_fold_correct(r, y, tr, 2, tr, 2, 10.0, NULL, &ok, NULL), NTKB_OK);
    assert_int_equal(ok, 2);
    ntkb_svm_rows_free(r);
    ntkb_svm_rows_free(NULL);
}

int main(void)
{
    ntkb_svm_silence();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_layout),
        cmocka_unit_test(test_subset_equals_copy),
        cmocka_unit_test(test_multiclass),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
