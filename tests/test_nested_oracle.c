/* The nested CV protocol (src/eval/protocol.h) against an independent implementation:
 * tests/oracles/nested_cv.py runs the same protocol with scikit-learn's SVC (as the GNTK
 * reference search.py does) and writes, per case, the inner splits, every paper-grid mean,
 * each outer fold's chosen setting with its inner-CV mean and outer accuracy, and the fit
 * counts (tests/fixtures/nested-oracle/README.md).  Three cases:
 *   synthetic   two kernels built so that the inner-CV choice and the outer-fold argmax
 *               differ on every fold (a protocol that selects on the outer test fold fails);
 *   mutag-gntk  the 16 official MUTAG GNTK Grams, 12 C values, both Gram variants;
 *   mutag-wl    WL subtree Grams h = 1..6 of MUTAG from ntkb_wl_grams, first checked to be
 *               the oracle's own (independently computed) Grams by exact checksums.
 * Everything must agree exactly, up to the rounding of means (1e-12 relative). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "core/fs.h"
#include "core/gram.h"
#include "core/status.h"
#include "eval/folds_util.h"
#include "eval/protocol.h"
#include "gntk/graphset.h"
#include "gntk/wl.h"

enum { MAX_CAND = 16, MAX_C = 16, MAX_FOLDS = 10, MAX_TRAIN = 200 };

typedef struct {
    size_t cand, variant, c;
} pick;

/* One case file of the oracle, parsed. */
typedef struct {
    char name[64];
    size_t n, n_folds, inner, n_C, n_cand, n_grid;
    unsigned long long seed;
    double C[MAX_C];
    char names[MAX_CAND][128];
    unsigned long long checksum[MAX_CAND][3];
    int has_checksum[MAX_CAND];
    size_t kfold_n[MAX_FOLDS], kfold[MAX_FOLDS][MAX_TRAIN];
    double grid[MAX_CAND][3][MAX_C];
    pick nested[MAX_FOLDS], outer_best[MAX_FOLDS];
    double nested_inner[MAX_FOLDS];
    size_t nested_ok[MAX_FOLDS], nested_nte[MAX_FOLDS];
    double mean, std;
    size_t fits, capped;
} oracle_case;

static char *fixture_path(const char *rel)
{
    const char *fx = getenv("NTKB_TEST_FIXTURES");
    assert_non_null(fx);
    static char path[2048];
    snprintf(path, sizeof path, "%s/%s", fx, rel);
    return path;
}

/* Reads tests/fixtures/nested-oracle/<name>.txt (line format: see nested_cv.py's run_case). */
static oracle_case *load_case(const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "nested-oracle/%s.txt", name);
    FILE *fp = fopen(fixture_path(rel), "r");
    if (!fp)
        fail_msg("cannot open %s", fixture_path(rel));
    oracle_case *oc = calloc(1, sizeof *oc);
    assert_non_null(oc);
    static char line[1 << 16];
    while (fgets(line, sizeof line, fp)) {
        char key[32];
        int used = 0;
        if (sscanf(line, "%31s %n", key, &used) != 1)
            continue;
        char *rest = line + used;
        size_t f, k, v, c, ok, nte;
        double a, b;
        if (!strcmp(key, "case")) {
            assert_int_equal(sscanf(rest, "%63s", oc->name), 1);
        } else if (!strcmp(key, "n")) {
            assert_int_equal(sscanf(rest, "%zu folds %zu inner %zu seed %llu", &oc->n,
                                    &oc->n_folds, &oc->inner, &oc->seed), 4);
            assert_true(oc->n_folds <= MAX_FOLDS);
        } else if (!strcmp(key, "C")) {
            size_t idx;
            int m;
            while (sscanf(rest, "%zu:%lf%n", &idx, &a, &m) == 2) {
                assert_true(oc->n_C < MAX_C);
                oc->C[oc->n_C++] = a;
                /* The oracle's C values are numpy.logspace(-2, 4, 120)[idx], the default grid;
                 * numpy's vectorised power is not libm's pow, so 28 of the 120 values differ
                 * from ntkb_protocol_default_C in the last bit (here: idx 80).  The protocol
                 * below is given the oracle's values themselves. */
                assert_close(a, ntkb_protocol_default_C(idx, 120), 4e-16);
                rest += m;
            }
        } else if (!strcmp(key, "candidate")) {
            assert_int_equal(sscanf(rest, "%zu %127s", &k, oc->names[oc->n_cand]), 2);
            assert_int_equal(k, oc->n_cand);
            oc->n_cand++;
        } else if (!strcmp(key, "checksum")) {
            unsigned long long s0, s1, s2;
            assert_int_equal(sscanf(rest, "%zu %llu %llu %llu", &k, &s0, &s1, &s2), 4);
            assert_true(k < MAX_CAND);
            oc->checksum[k][0] = s0;
            oc->checksum[k][1] = s1;
            oc->checksum[k][2] = s2;
            oc->has_checksum[k] = 1;
        } else if (!strcmp(key, "kfold")) {
            int m;
            assert_int_equal(sscanf(rest, "%zu%n", &f, &m), 1);
            rest += m;
            while (sscanf(rest, "%zu%n", &k, &m) == 1) {
                assert_true(oc->kfold_n[f] < MAX_TRAIN);
                oc->kfold[f][oc->kfold_n[f]++] = k;
                rest += m;
            }
        } else if (!strcmp(key, "grid")) {
            assert_int_equal(sscanf(rest, "%zu %zu %zu %lf", &k, &v, &c, &a), 4);
            oc->grid[k][v][c] = a;
            oc->n_grid++;
        } else if (!strcmp(key, "nested")) {
            assert_int_equal(sscanf(rest, "%zu %zu %zu %zu %lf %zu %zu", &f, &k, &v, &c, &a,
                                    &ok, &nte), 7);
            oc->nested[f] = (pick){k, v, c};
            oc->nested_inner[f] = a;
            oc->nested_ok[f] = ok;
            oc->nested_nte[f] = nte;
        } else if (!strcmp(key, "outer_best")) {
            assert_int_equal(sscanf(rest, "%zu %zu %zu %zu", &f, &k, &v, &c), 4);
            oc->outer_best[f] = (pick){k, v, c};
        } else if (!strcmp(key, "nested_mean")) {
            assert_int_equal(sscanf(rest, "%lf %lf", &a, &b), 2);
            oc->mean = a;
            oc->std = b;
        } else if (!strcmp(key, "fits")) {
            assert_int_equal(sscanf(rest, "%zu capped %zu", &oc->fits, &oc->capped), 2);
        }
    }
    fclose(fp);
    assert_true(oc->n_cand > 0 && oc->n_C > 0 && oc->n_folds > 0 && oc->fits > 0);
    assert_int_equal(oc->n_grid, oc->n_cand * 2 * oc->n_C);
    return oc;
}

/* Runs the C protocol with the case's settings and compares everything the oracle wrote. */
static void check_case(const oracle_case *oc, const int64_t *y, const ntkb_folds *folds,
                       const double *const *grams)
{
    assert_int_equal(folds->n_folds, oc->n_folds);
    /* The inner splits first: a mismatch here would explain any mismatch below. */
    for (size_t f = 0; f < oc->n_folds; f++) {
        size_t fold_of[MAX_TRAIN];
        assert_int_equal(oc->kfold_n[f], folds->n_train[f]);
        assert_int_equal(ntkb_kfold_stratified(y, folds->train[f], folds->n_train[f], oc->inner,
                                               oc->seed + f, fold_of),
                         NTKB_OK);
        assert_memory_equal(fold_of, oc->kfold[f], folds->n_train[f] * sizeof *fold_of);
    }
    ntkb_protocol_opts o = ntkb_protocol_opts_default();
    o.C = oc->C;
    o.n_C = oc->n_C;
    o.protocols = NTKB_PROTOCOL_PAPER | NTKB_PROTOCOL_NESTED;
    o.inner_folds = oc->inner;
    o.seed = oc->seed;
    o.threads = 2;
    ntkb_protocol *p = NULL;
    assert_int_equal(ntkb_protocol_alloc(oc->n, y, oc->n_folds, folds->train, folds->n_train,
                                         folds->test, folds->n_test, &o, &p),
                     NTKB_OK);
    for (size_t k = 0; k < oc->n_cand; k++)
        assert_int_equal(ntkb_protocol_add(p, oc->names[k], grams[k]), NTKB_OK);
    /* Every outer fit, through the paper grid's means. */
    double worst = 0.0;
    for (size_t k = 0; k < oc->n_cand; k++)
        for (size_t v = NTKB_SVM_SCALED; v <= NTKB_SVM_COSINE; v++)
            for (size_t c = 0; c < oc->n_C; c++) {
                double m = ntkb_protocol_grid_mean(p, k, (ntkb_svm_variant)v, c);
                assert_close(m, oc->grid[k][v][c], 1e-12);
                worst = fmax(worst, fabs(m - oc->grid[k][v][c]) / oc->grid[k][v][c]);
            }
    ntkb_protocol_result r;
    assert_int_equal(ntkb_protocol_nested(p, &r), NTKB_OK);
    for (size_t f = 0; f < oc->n_folds; f++) {
        const pick *e = &oc->nested[f];
        if (r.fold_best[f].candidate != e->cand || r.fold_best[f].variant != e->variant ||
            r.fold_best[f].C != oc->C[e->c])
            fail_msg("%s outer fold %zu: C chose (candidate %zu, variant %d, C %.6g), the oracle "
                     "(%zu, %zu, %.6g)", oc->name, f + 1, r.fold_best[f].candidate,
                     (int)r.fold_best[f].variant, r.fold_best[f].C, e->cand, e->variant,
                     oc->C[e->c]);
        assert_close(r.fold_inner[f], oc->nested_inner[f], 1e-12);
        worst = fmax(worst, fabs(r.fold_inner[f] - oc->nested_inner[f]) / oc->nested_inner[f]);
        assert_true(r.fold_acc[f] == (double)oc->nested_ok[f] / (double)oc->nested_nte[f]);
    }
    assert_close(r.mean, oc->mean, 1e-12);
    assert_close(r.std, oc->std, 1e-12);
    /* As many fits, and as many of them stopped at max_iter (sklearn's fit_status_ = 1). */
    assert_int_equal(r.n_fits, oc->fits);
    assert_int_equal(r.n_capped, oc->capped);
    printf("# %s: %zu grid means and %zu folds' picks agree; nested %.4f; largest relative "
           "difference of a mean %.3g; %zu fits, %zu at max_iter\n", oc->name, oc->n_grid,
           oc->n_folds, r.mean, worst, r.n_fits, r.n_capped);
    ntkb_protocol_free(p);
}

/* How many outer folds the fixture's inner choice differs from the outer-fold argmax. */
static size_t n_discriminating(const oracle_case *oc)
{
    size_t d = 0;
    for (size_t f = 0; f < oc->n_folds; f++)
        d += memcmp(&oc->nested[f], &oc->outer_best[f], sizeof(pick)) != 0;
    return d;
}

static void free_grams(ntkb_gram **g, size_t n)
{
    for (size_t k = 0; k < n; k++)
        ntkb_gram_free(g[k]);
}

static void test_synthetic(void **state)
{
    (void)state;
    oracle_case *oc = load_case("synthetic");
    /* The case exists to separate the two selection rules: on every fold. */
    assert_int_equal(n_discriminating(oc), oc->n_folds);
    int64_t *y = NULL;
    size_t n = 0;
    assert_int_equal(ntkb_labels_load_npy(fixture_path("nested-oracle/synthetic/labels.npy"),
                                          &y, &n), NTKB_OK);
    assert_int_equal(n, oc->n);
    ntkb_gram *g[MAX_CAND];
    const double *data[MAX_CAND];
    for (size_t k = 0; k < oc->n_cand; k++) {
        char rel[256];
        snprintf(rel, sizeof rel, "nested-oracle/synthetic/%s.gram.npy", oc->names[k]);
        assert_int_equal(ntkb_gram_load_npy(fixture_path(rel), &g[k]), NTKB_OK);
        data[k] = g[k]->data;
    }
    ntkb_folds *folds = NULL;
    assert_int_equal(ntkb_folds_read(fixture_path("nested-oracle/synthetic"), oc->n_folds, n,
                                     &folds), NTKB_OK);
    check_case(oc, y, folds, data);
    ntkb_folds_free(folds);
    free_grams(g, oc->n_cand);
    free(y);
    free(oc);
}

static ntkb_folds *mutag_folds(size_t n)
{
    const char *data = getenv("NTKB_DATA");
    char dir[2048];
    snprintf(dir, sizeof dir, "%s/MUTAG", data ? data : ntkb_fs_data_dir());
    ntkb_folds *folds = NULL;
    assert_int_equal(ntkb_folds_read(dir, 10, n, &folds), NTKB_OK);
    return folds;
}

static void test_mutag_gntk(void **state)
{
    (void)state;
    oracle_case *oc = load_case("mutag-gntk");
    assert_true(n_discriminating(oc) > 0);
    int64_t *y = NULL;
    size_t n = 0;
    assert_int_equal(ntkb_labels_load_npy(fixture_path("gntk-official/MUTAG.labels.npy"), &y, &n),
                     NTKB_OK);
    assert_int_equal(n, oc->n);
    ntkb_gram *g[MAX_CAND];
    const double *data[MAX_CAND];
    for (size_t k = 0; k < oc->n_cand; k++) {
        char rel[256];
        snprintf(rel, sizeof rel, "gntk-official/%s", oc->names[k]);
        assert_int_equal(ntkb_gram_load_npy(fixture_path(rel), &g[k]), NTKB_OK);
        data[k] = g[k]->data;
    }
    ntkb_folds *folds = mutag_folds(n);
    check_case(oc, y, folds, data);
    ntkb_folds_free(folds);
    free_grams(g, oc->n_cand);
    free(y);
    free(oc);
}

static void test_mutag_wl(void **state)
{
    (void)state;
    oracle_case *oc = load_case("mutag-wl");
    assert_true(n_discriminating(oc) > 0);
    ntkb_graphset *gs = NULL;
    assert_int_equal(ntkb_graphset_load("MUTAG", getenv("NTKB_DATA"), NTKB_TAGS_AUTO, &gs),
                     NTKB_OK);
    assert_int_equal(gs->n_graphs, oc->n);
    ntkb_gram *wl[7];
    assert_int_equal(ntkb_wl_grams(gs, 6, NTKB_WL_INIT_TAGS, NULL, 2, wl, NULL), NTKB_OK);
    const double *data[MAX_CAND];
    /* Candidate k is h = k + 1; the oracle computed its own WL Grams, so check that the C
     * protocol is fed the same matrices (integers, so the sums are exact). */
    for (size_t k = 0; k < oc->n_cand; k++) {
        const ntkb_gram *g = wl[k + 1];
        unsigned long long s[3] = {0, 0, 0};
        for (size_t i = 0; i < g->n; i++)
            for (size_t j = 0; j < g->n; j++) {
                unsigned long long x = (unsigned long long)g->data[i * g->n + j];
                s[0] += x;
                s[1] += x * x;
                s[2] += x * (i + 1) * (j + 2);
            }
        assert_true(oc->has_checksum[k]);
        for (int t = 0; t < 3; t++)
            assert_true(s[t] == oc->checksum[k][t]);
        data[k] = g->data;
    }
    /* The oracle's labels (the GNTK fixture's) are the graph set's. */
    int64_t *y = NULL;
    size_t n = 0;
    assert_int_equal(ntkb_labels_load_npy(fixture_path("gntk-official/MUTAG.labels.npy"), &y, &n),
                     NTKB_OK);
    assert_int_equal(n, gs->n_graphs);
    assert_memory_equal(y, gs->label, n * sizeof *y);
    ntkb_folds *folds = mutag_folds(n);
    check_case(oc, y, folds, data);
    ntkb_folds_free(folds);
    free(y);
    free_grams(wl, 7);
    ntkb_graphset_free(gs);
    free(oc);
}

int main(int argc, char **argv)
{
    if (argc > 1) /* e.g. test_nested_oracle 'test_mutag_*' */
        cmocka_set_test_filter(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synthetic),
        cmocka_unit_test(test_mutag_gntk),
        cmocka_unit_test(test_mutag_wl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
