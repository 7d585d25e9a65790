/* Tests of the CV protocols (src/eval/protocol.h) and the inner fold splitter
 * (src/eval/folds_util.h): a synthetic problem whose best C is known, fold handling (the
 * unweighted mean over folds of unequal size, ddof = 0 std), candidate selection in the paper
 * and nested protocols, multi-class, and the GNTK reference: search.py's best accuracies on
 * three official MUTAG Grams (tests/fixtures/gntk-official/README.md; with argument "mutag" the
 * second and third only). */
#include "testutil.h"

#include "core/rng.h"
#include "mutag_fixture.h"

#include <stdlib.h>
#include <string.h>

#include "core/gram.h"
#include "core/status.h"
#include "eval/folds_util.h"
#include "eval/protocol.h"
#include "gntk/graphset.h"

/* 1-D problem: 20 points of class 0 at x = -1 - 0.1k, 10 of class 1 at x = 1 + 0.1k, kernel
 * x·x' + 1.  With C = 1e-6 every α is at its bound, the decision is the bias alone and LIBSVM
 * predicts the majority class everywhere; with C = 1e3 the data are separated.  So the known
 * answer: mean accuracy 1 at C = 1e3, the majority share at C = 1e-6. */
enum { SN = 30 };
static int64_t sy[SN];
static double sgram[SN * SN], sident[SN * SN];

static void make_synthetic(void)
{
    double x[SN];
    for (int i = 0; i < SN; i++) {
        sy[i] = i < 20 ? 0 : 1;
        x[i] = i < 20 ? -1.0 - 0.1 * i : 1.0 + 0.1 * (i - 20);
    }
    for (int i = 0; i < SN; i++)
        for (int j = 0; j < SN; j++) {
            sgram[i * SN + j] = x[i] * x[j] + 1.0;
            sident[i * SN + j] = (i == j) + 1.0; /* uninformative: test rows see a constant */
        }
}

/* Two folds of unequal size: test A = 6 of class 0 + 4 of class 1, test B = the other 20
 * (14 + 6).  Majority predictions score 0.6 and 0.7: unweighted mean 0.65 (pooled: 0.667). */
static size_t fa_test[10], fa_train[20], fb_test[20], fb_train[10];

static void make_folds(size_t *train[2], size_t n_train[2], size_t *test[2], size_t n_test[2])
{
    size_t a = 0, b = 0;
    for (size_t i = 0; i < SN; i++) {
        int in_a = (i < 20 && i % 10 < 3) || (i >= 20 && i < 24);
        if (in_a)
            fa_test[a++] = i, fb_train[a - 1] = i;
        else
            fb_test[b++] = i, fa_train[b - 1] = i;
    }
    assert_int_equal(a, 10);
    train[0] = fa_train, n_train[0] = 20, test[0] = fa_test, n_test[0] = 10;
    train[1] = fb_train, n_train[1] = 10, test[1] = fb_test, n_test[1] = 20;
}

static void test_known_best_C(void **state)
{
    (void)state;
    make_synthetic();
    size_t *train[2], *test[2], n_train[2], n_test[2];
    make_folds(train, n_train, test, n_test);
    const double C[3] = {1e-6, 1e3, 1e4};
    ntkb_protocol_opts o = ntkb_protocol_opts_default();
    o.C = C;
    o.n_C = 3;
    o.variants = 1u << NTKB_SVM_RAW;
    o.threads = 2;
    ntkb_protocol *p = NULL;
    assert_int_equal(ntkb_protocol_alloc(SN, sy, 2, train, n_train, test, n_test, &o, &p), NTKB_OK);
    assert_int_equal(ntkb_protocol_add(p, "linear", sgram), NTKB_OK);
    ntkb_protocol_result r;
    assert_int_equal(ntkb_protocol_paper(p, SIZE_MAX, 0, &r), NTKB_OK);
    assert_true(r.mean == 1.0 && r.std == 0.0);
    assert_true(r.best.C == 1e3); /* first maximum: the smaller of the tied C values */
    assert_int_equal(r.best.variant, NTKB_SVM_RAW);
    assert_int_equal(r.n_fits, 6);
    assert_close(ntkb_protocol_grid_mean(p, 0, NTKB_SVM_RAW, 0), 0.65, 1e-12);
    assert_true(isnan(ntkb_protocol_grid_mean(p, 0, NTKB_SVM_COSINE, 0)));
    assert_string_equal(ntkb_protocol_candidate_name(p, 0), "linear");
    ntkb_protocol_free(p);
}

/* Paper and nested pick the informative candidate even when it comes second; nested's
 * per-fold choices and the ddof = 0 std over folds of unequal accuracy. */
static void test_candidates_nested(void **state)
{
    (void)state;
    make_synthetic();
    size_t *train[2], *test[2], n_train[2], n_test[2];
    make_folds(train, n_train, test, n_test);
    const double C[2] = {1e-6, 1e3};
    ntkb_protocol_opts o = ntkb_protocol_opts_default();
    o.C = C;
    o.n_C = 2;
    o.protocols = NTKB_PROTOCOL_PAPER | NTKB_PROTOCOL_NESTED;
    o.inner_folds = 3;
    o.threads = 2;
    ntkb_protocol_result paper, nested;
    const char *names[2] = {"const", "linear"};
    const double *grams[2] = {sident, sgram};
    assert_int_equal(ntkb_protocol_run(SN, sy, 2, train, n_train, test, n_test, 2, names, grams,
                                       &o, &paper, &nested),
                     NTKB_OK);
    assert_int_equal(paper.best.candidate, 1);
    assert_true(paper.mean == 1.0);
    assert_int_equal(nested.n_folds, 2);
    for (int f = 0; f < 2; f++) {
        assert_int_equal(nested.fold_best[f].candidate, 1);
        assert_true(nested.fold_best[f].C == 1e3);
        assert_true(nested.fold_inner[f] == 1.0);
        assert_true(nested.fold_acc[f] == 1.0);
    }
    /* 2 candidates × 2 variants × 2 C × 2 folds × (1 + 3 inner) fits */
    assert_int_equal(nested.n_fits, 64);
    /* The constant kernel alone: majority everywhere, fold accuracies 0.6 and 0.7. */
    o.protocols = NTKB_PROTOCOL_PAPER;
    assert_int_equal(ntkb_protocol_run(SN, sy, 2, train, n_train, test, n_test, 1, names, grams,
                                       &o, &paper, NULL),
                     NTKB_OK);
    assert_close(paper.mean, 0.65, 1e-12);
    assert_close(paper.std, 0.05, 1e-12); /* ddof = 0 */
    assert_close(paper.fold_acc[0], 0.6, 1e-12);
    assert_close(paper.fold_acc[1], 0.7, 1e-12);
}

static void test_multiclass(void **state)
{
    (void)state;
    enum { N = 36 };
    int64_t y[N];
    double x[N], g[N * N];
    for (int i = 0; i < N; i++) {
        y[i] = 10 * (i % 3);
        x[i] = 5.0 * (i % 3) + 0.01 * i;
    }
    for (int i = 0; i < N; i++) /* Gaussian kernel: classes are far apart */
        for (int j = 0; j < N; j++)
            g[i * N + j] = exp(-(x[i] - x[j]) * (x[i] - x[j]));
    size_t tr[3][24], te[3][12], *train[3], *test[3], n_train[3], n_test[3];
    for (int f = 0; f < 3; f++) {
        n_train[f] = n_test[f] = 0;
        for (int i = 0; i < N; i++) {
            if ((i / 3) % 3 == f)
                te[f][n_test[f]++] = (size_t)i;
            else
                tr[f][n_train[f]++] = (size_t)i;
        }
        train[f] = tr[f];
        test[f] = te[f];
    }
    ntkb_protocol_opts o = ntkb_protocol_opts_default();
    const double C[1] = {10.0};
    o.C = C;
    o.n_C = 1;
    o.protocols = NTKB_PROTOCOL_PAPER | NTKB_PROTOCOL_NESTED;
    o.inner_folds = 4;
    /* Not SCALED: min K ≈ 1e-47 here, and K / min K (search.py's rescaling) would overflow
     * LIBSVM's float kernel cache. */
    o.variants = (1u << NTKB_SVM_RAW) | (1u << NTKB_SVM_COSINE);
    ntkb_protocol_result paper, nested;
    const double *grams[1] = {g};
    assert_int_equal(ntkb_protocol_run(N, y, 3, train, n_train, test, n_test, 1, NULL, grams, &o,
                                       &paper, &nested),
                     NTKB_OK);
    assert_true(paper.mean == 1.0 && nested.mean == 1.0);
}

static void test_kfold(void **state)
{
    (void)state;
    enum { N = 103 };
    int64_t y[N];
    size_t items[N], f1[N], f2[N], f3[N];
    for (size_t i = 0; i < N; i++) {
        y[i] = i % 7 == 0 ? 5 : (i % 3 == 0 ? -1 : 2);
        items[i] = i;
    }
    assert_int_equal(ntkb_kfold_stratified(y, items, N, 5, 42, f1), NTKB_OK);
    assert_int_equal(ntkb_kfold_stratified(y, items, N, 5, 42, f2), NTKB_OK);
    assert_int_equal(ntkb_kfold_stratified(y, items, N, 5, 43, f3), NTKB_OK);
    assert_memory_equal(f1, f2, sizeof f1);
    assert_true(memcmp(f1, f3, sizeof f1) != 0);
    size_t size[5] = {0}, per[5][3] = {{0}};
    for (size_t i = 0; i < N; i++) {
        size[f1[i]]++;
        per[f1[i]][y[i] == 5 ? 0 : y[i] == -1 ? 1 : 2]++;
    }
    size_t cls[3] = {0};
    for (size_t i = 0; i < N; i++)
        cls[y[i] == 5 ? 0 : y[i] == -1 ? 1 : 2]++;
    for (int k = 0; k < 5; k++) {
        assert_true(size[k] == N / 5 || size[k] == N / 5 + 1);
        for (int c = 0; c < 3; c++)
            assert_true(per[k][c] + 1 >= cls[c] / 5 && per[k][c] <= cls[c] / 5 + 1);
    }
    assert_int_equal(ntkb_kfold_stratified(y, items, 3, 5, 1, f1), NTKB_EINVAL);
    ntkb_rng s = {9};
    for (int i = 0; i < 1000; i++)
        assert_true(ntkb_rng_below(&s, 7) < 7);
}

/* search.py on the official MUTAG Grams (fixtures README): best mean accuracy per variant. */
static void check_mutag(const char *file, double raw, double raw_C, double nor, double nor_C)
{
    int64_t *y = NULL;
    size_t n;
    ntkb_gram *g = NULL;
    ntkb_folds *folds = NULL;
    load_mutag(file, &y, &n, &g, &folds);
    ntkb_protocol_opts o = ntkb_protocol_opts_default();
    o.threads = 2;
    ntkb_protocol *p = NULL;
    assert_int_equal(ntkb_protocol_alloc(n, y, 10, folds->train, folds->n_train, folds->test,
                                         folds->n_test, &o, &p),
                     NTKB_OK);
    assert_int_equal(ntkb_protocol_add(p, file, g->data), NTKB_OK);
    ntkb_protocol_result r;
    assert_int_equal(ntkb_protocol_paper(p, 0, 1u << NTKB_SVM_SCALED, &r), NTKB_OK);
    assert_close(100.0 * r.mean, raw, 5e-5);  /* the README rounds to 0.01 % */
    assert_close(r.best.C, raw_C, 1e-5);      /* and C to 6 digits */
    assert_int_equal(ntkb_protocol_paper(p, 0, 1u << NTKB_SVM_COSINE, &r), NTKB_OK);
    assert_close(100.0 * r.mean, nor, 5e-5);
    assert_close(r.best.C, nor_C, 1e-5);
    ntkb_protocol_free(p);
    ntkb_folds_free(folds);
    ntkb_gram_free(g);
    free(y);
}

/* The grid does not depend on the thread count (fits are independent and deterministic), and
 * the C SMO solver's grid equals LIBSVM's (p[2]) on this Gram, whose solves all converge. */
static void test_threads_invariant(void **state)
{
    (void)state;
    int64_t *y = NULL;
    size_t n;
    ntkb_gram *g = NULL;
    ntkb_folds *folds = NULL;
    load_mutag("MUTAG-nl5-R3-degree-jk1.gram.npy", &y, &n, &g, &folds);
    double C[12];
    for (size_t k = 0; k < 12; k++)
        C[k] = ntkb_protocol_default_C(10 * k, 120);
    ntkb_protocol *p[3] = {NULL, NULL, NULL};
    for (int t = 0; t < 3; t++) {
        ntkb_protocol_opts o = ntkb_protocol_opts_default();
        o.C = C;
        o.n_C = 12;
        o.threads = t == 0 ? 1 : 2;
        o.solver = t == 2 ? NTKB_SOLVER_LIBSVM : NTKB_SOLVER_SMO;
        assert_int_equal(ntkb_protocol_alloc(n, y, 10, folds->train, folds->n_train,
                                             folds->test, folds->n_test, &o, &p[t]),
                         NTKB_OK);
        assert_int_equal(ntkb_protocol_add(p[t], "g", g->data), NTKB_OK);
    }
    for (size_t c = 0; c < 12; c++)
        for (int v = NTKB_SVM_SCALED; v <= NTKB_SVM_COSINE; v++)
            for (int t = 1; t < 3; t++)
                assert_true(ntkb_protocol_grid_mean(p[0], 0, v, c) ==
                            ntkb_protocol_grid_mean(p[t], 0, v, c));
    for (int t = 0; t < 3; t++)
        ntkb_protocol_free(p[t]);
    ntkb_folds_free(folds);
    ntkb_gram_free(g);
    free(y);
}

static void test_mutag_reference(void **state)
{
    (void)state;
    check_mutag("MUTAG-nl2-R1-uniform-jk1.gram.npy", 90.0, 5596.28, 88.3333, 4436.69);
}

/* The other two (argument "mutag": a test of its own, outside the sanitizer runs, whose debug
 * builds would spend minutes on these 4,800 fits without touching new code). */
static void test_mutag_reference_more(void **state)
{
    (void)state;
    check_mutag("MUTAG-nl2-R3-uniform-jk1.gram.npy", 89.4444, 1389.5, 86.6667, 8903.89);
    check_mutag("MUTAG-nl5-R3-degree-jk1.gram.npy", 84.4444, 1.16742, 81.6667, 435.167);
}

static void test_errors(void **state)
{
    (void)state;
    make_synthetic();
    size_t *train[2], *test[2], n_train[2], n_test[2];
    make_folds(train, n_train, test, n_test);
    ntkb_protocol *p = NULL;
    ntkb_protocol_opts o = ntkb_protocol_opts_default();
    const double badC[1] = {-1.0};
    o.C = badC;
    o.n_C = 1;
    assert_int_equal(ntkb_protocol_alloc(SN, sy, 2, train, n_train, test, n_test, &o, &p),
                     NTKB_EINVAL);
    size_t oob[1] = {SN};
    size_t *bad_test[2] = {oob, test[1]}, one[2] = {1, n_test[1]};
    assert_int_equal(ntkb_protocol_alloc(SN, sy, 2, train, n_train, bad_test, one, NULL, &p),
                     NTKB_EINVAL);
    assert_int_equal(ntkb_protocol_alloc(SN, sy, 2, train, n_train, test, n_test, NULL, &p),
                     NTKB_OK);
    ntkb_protocol_result r;
    assert_int_equal(ntkb_protocol_paper(p, SIZE_MAX, 0, &r), NTKB_EINVAL);
    assert_int_equal(ntkb_protocol_nested(p, &r), NTKB_EINVAL);
    double nan_gram[SN * SN];
    memcpy(nan_gram, sgram, sizeof nan_gram);
    nan_gram[5] = NAN;
    assert_int_equal(ntkb_protocol_add(p, "nan", nan_gram), NTKB_ENUMERIC);
    assert_int_equal(ntkb_protocol_n_candidates(p), 0);
    ntkb_protocol_free(p);
    ntkb_protocol_free(NULL);
    o = ntkb_protocol_opts_default();
    o.svm.max_iter = -2;
    assert_int_equal(ntkb_protocol_alloc(SN, sy, 2, train, n_train, test, n_test, &o, &p),
                     NTKB_EINVAL);
    o = ntkb_protocol_opts_default();
    o.solver = (ntkb_solver)7;
    assert_int_equal(ntkb_protocol_alloc(SN, sy, 2, train, n_train, test, n_test, &o, &p),
                     NTKB_EINVAL);
    /* A cap of one iteration stops every fit there, and the result says so. */
    const double oneC[1] = {1e3};
    o = ntkb_protocol_opts_default();
    o.C = oneC;
    o.n_C = 1;
    o.svm.max_iter = 1;
    assert_int_equal(ntkb_protocol_alloc(SN, sy, 2, train, n_train, test, n_test, &o, &p),
                     NTKB_OK);
    assert_int_equal(ntkb_protocol_add(p, "capped", sgram), NTKB_OK);
    assert_int_equal(ntkb_protocol_paper(p, SIZE_MAX, 0, &r), NTKB_OK);
    assert_int_equal(r.n_fits, 4);
    assert_int_equal(r.n_capped, 4);
    ntkb_protocol_free(p);
    assert_close(ntkb_protocol_default_C(0, 120), 1e-2, 1e-15);
    assert_close(ntkb_protocol_default_C(119, 120), 1e4, 1e-15);
    assert_close(ntkb_protocol_default_C(41, 120), 1.16742, 1e-5); /* search.py's 1.1674 */
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "mutag")) {
        const struct CMUnitTest more[] = {cmocka_unit_test(test_mutag_reference_more)};
        return cmocka_run_group_tests(more, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_best_C),   cmocka_unit_test(test_candidates_nested),
        cmocka_unit_test(test_multiclass),     cmocka_unit_test(test_kfold),
        cmocka_unit_test(test_mutag_reference), cmocka_unit_test(test_threads_invariant),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
