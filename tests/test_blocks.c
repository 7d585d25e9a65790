/* Tests of the record of finished blocks of fits (src/eval/protocol_blocks.h through
 * protocol.h's opts.blocks): a search stopped after k blocks and continued gives the rows of an
 * uninterrupted one (paper and nested, 1 and 2 threads), a finished record recomputes nothing,
 * a torn last line is dropped, an edited line and a record of another search are refused with
 * the file and line, and a seed record (a committed copy) is taken over. */
#include "testutil.h"

#include "mutag_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/gram.h"
#include "core/status.h"
#include "eval/protocol.h"
#include "gntk/graphset.h"

static const char *const GRAMS[] = {"MUTAG-nl2-R1-uniform-jk1.gram.npy",
                                    "MUTAG-nl5-R3-degree-jk1.gram.npy"};
static char dir[64];

typedef struct {
    int64_t *y;
    size_t n;
    ntkb_gram *g[2];
    ntkb_folds *folds;
} fixture;

static void load(fixture *fx)
{
    ntkb_gram *g1 = NULL;
    ntkb_folds *f1 = NULL;
    int64_t *y1 = NULL;
    load_mutag(GRAMS[0], &fx->y, &fx->n, &fx->g[0], &fx->folds);
    load_mutag(GRAMS[1], &y1, &fx->n, &g1, &f1);
    fx->g[1] = g1;
    free(y1);
    ntkb_folds_free(f1);
}

static void unload(fixture *fx)
{
    ntkb_gram_free(fx->g[0]);
    ntkb_gram_free(fx->g[1]);
    ntkb_folds_free(fx->folds);
    free(fx->y);
}

/* One search over both Grams; returns the status, the results in *paper / *nested. */
static ntkb_status search(const fixture *fx, unsigned protocols, int threads, const char *blocks,
                          const char *seed, size_t n_C, ntkb_protocol_result *paper,
                          ntkb_protocol_result *nested)
{
    ntkb_protocol_opts o = ntkb_protocol_opts_default();
    double C[8];
    for (size_t c = 0; c < n_C; c++)
        C[c] = ntkb_protocol_default_C(c * 17, 120);
    o.C = C;
    o.n_C = n_C;
    o.protocols = protocols;
    o.threads = threads;
    o.blocks = blocks;
    o.blocks_seed = seed;
    o.blocks_label = "MUTAG";
    const double *grams[2] = {fx->g[0]->data, fx->g[1]->data};
    return ntkb_protocol_run(fx->n, fx->y, fx->folds->n_folds, fx->folds->train,
                             fx->folds->n_train, fx->folds->test, fx->folds->n_test, 2, NULL,
                             grams, &o, paper, nested);
}

static void same_result(const ntkb_protocol_result *a, const ntkb_protocol_result *b)
{
    assert_true(a->mean == b->mean && a->std == b->std);
    assert_int_equal(a->n_fits, b->n_fits);
    assert_int_equal(a->n_capped, b->n_capped);
    assert_true(a->best.candidate == b->best.candidate && a->best.variant == b->best.variant &&
                a->best.C == b->best.C);
    for (size_t f = 0; f < a->n_folds; f++) {
        assert_true(a->fold_acc[f] == b->fold_acc[f]);
        assert_true(a->fold_best[f].C == b->fold_best[f].C);
        assert_true(a->fold_best[f].candidate == b->fold_best[f].candidate);
    }
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long s = ftell(f);
    fclose(f);
    return s;
}

static void test_stop_and_continue(void **state)
{
    (void)state;
    fixture fx;
    load(&fx);
    const unsigned both = NTKB_PROTOCOL_PAPER | NTKB_PROTOCOL_NESTED;
    ntkb_protocol_result p0, n0, p1, n1;
    assert_int_equal(search(&fx, both, 1, NULL, NULL, 6, &p0, &n0), NTKB_OK);
    for (int threads = 1; threads <= 2; threads++) {
        char path[128];
        snprintf(path, sizeof path, "%s/run%d.txt", dir, threads);
        for (const char *k = "7"; k; k = strcmp(k, "7") ? NULL : "41") {
            setenv("NTKB_BLOCKS_STOP_AFTER", k, 1);
            assert_int_equal(search(&fx, both, threads, path, NULL, 6, &p1, &n1), NTKB_EINTERNAL);
        }
        unsetenv("NTKB_BLOCKS_STOP_AFTER");
        assert_int_equal(search(&fx, both, threads, path, NULL, 6, &p1, &n1), NTKB_OK);
        same_result(&p0, &p1);
        same_result(&n0, &n1);
        /* finished: nothing is recomputed, nothing appended */
        const long size = file_size(path);
        setenv("NTKB_BLOCKS_STOP_AFTER", "1", 1);
        assert_int_equal(search(&fx, both, threads, path, NULL, 6, &p1, &n1), NTKB_OK);
        unsetenv("NTKB_BLOCKS_STOP_AFTER");
        assert_int_equal(file_size(path), size);
        same_result(&n0, &n1);
    }
    unload(&fx);
}

/* Appends text to a file. */
static void append(const char *path, const char *text)
{
    FILE *f = fopen(path, "ab");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_torn_tampered_foreign(void **state)
{
    (void)state;
    fixture fx;
    load(&fx);
    ntkb_protocol_result p0, p1;
    char path[128], copy[160], cmd[512];
    snprintf(path, sizeof path, "%s/paper.txt", dir);
    assert_int_equal(search(&fx, NTKB_PROTOCOL_PAPER, 1, path, NULL, 4, &p0, NULL), NTKB_OK);
    /* a kill while appending leaves a line without its newline: dropped, the run continues */
    append(path, "b 0123456789abcdef 1 3 0 12 1");
    assert_int_equal(search(&fx, NTKB_PROTOCOL_PAPER, 1, path, NULL, 4, &p1, NULL), NTKB_OK);
    same_result(&p0, &p1);
    /* one count edited (the first count of the first block line) */
    snprintf(copy, sizeof copy, "%s/edited.txt", dir);
    snprintf(cmd, sizeof cmd,
             "awk '/^b / && !done { $6 = $6 + 1; done = 1 } { print }' %s > %s", path, copy);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(search(&fx, NTKB_PROTOCOL_PAPER, 1, copy, NULL, 4, &p1, NULL),
                     NTKB_EFORMAT);
    assert_non_null(strstr(ntkb_last_error(), "edited.txt:11:"));
    assert_non_null(strstr(ntkb_last_error(), "hash"));
    /* another search: another C grid, or the nested protocol */
    assert_int_equal(search(&fx, NTKB_PROTOCOL_PAPER, 1, path, NULL, 5, &p1, NULL),
                     NTKB_EMISMATCH);
    assert_non_null(strstr(ntkb_last_error(), "paper.txt:5:"));
    assert_non_null(strstr(ntkb_last_error(), "another search"));
    assert_int_equal(search(&fx, NTKB_PROTOCOL_PAPER | NTKB_PROTOCOL_NESTED, 1, path, NULL, 4,
                            &p1, NULL), NTKB_EMISMATCH);
    assert_non_null(strstr(ntkb_last_error(), "paper.txt:3:"));
    /* a record of another data set's labels */
    fx.y[0] = 1 - fx.y[0];
    assert_int_equal(search(&fx, NTKB_PROTOCOL_PAPER, 1, path, NULL, 4, &p1, NULL),
                     NTKB_EMISMATCH);
    assert_non_null(strstr(ntkb_last_error(), "paper.txt:7:"));
    fx.y[0] = 1 - fx.y[0];
    unload(&fx);
}

/* A committed copy seeds an empty cache: nothing recomputed, the blocks taken over. */
static void test_seed(void **state)
{
    (void)state;
    fixture fx;
    load(&fx);
    ntkb_protocol_result p0, p1;
    char seed[128], fresh[128];
    snprintf(seed, sizeof seed, "%s/seed.txt", dir);
    snprintf(fresh, sizeof fresh, "%s/fresh.txt", dir);
    assert_int_equal(search(&fx, NTKB_PROTOCOL_PAPER, 1, seed, NULL, 4, &p0, NULL), NTKB_OK);
    setenv("NTKB_BLOCKS_STOP_AFTER", "1", 1);
    assert_int_equal(search(&fx, NTKB_PROTOCOL_PAPER, 1, fresh, seed, 4, &p1, NULL), NTKB_OK);
    unsetenv("NTKB_BLOCKS_STOP_AFTER");
    same_result(&p0, &p1);
    assert_int_equal(file_size(fresh) > 0, 1);
    unload(&fx);
}

static int setup(void **state)
{
    (void)state;
    return ntkb_test_mkdtemp(dir, sizeof dir, "blocks");
}

static int teardown(void **state)
{
    (void)state;
    return ntkb_test_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stop_and_continue),
        cmocka_unit_test(test_torn_tampered_foreign),
        cmocka_unit_test(test_seed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
