/* Hostile input: the reproducers of tests/fixtures/hostile (files a fuzzer or a hostile user
 * made) and a few generated at run time (a huge line, many distinct tags).  Every one must be a
 * clean NTKB_EFORMAT naming the file and what was expected: no crash, no sanitizer report, and
 * no allocation sized by a header before the data is there.  The sanitizer build runs this. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "core/gram.h"
#include "core/lines.h"
#include "core/status.h"
#include "eval/report.h"
#include "gntk/graphset.h"
#include "lantk/images.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    return ntkb_test_mkdtemp(tmpdir, sizeof tmpdir, "hostile");
}

static int teardown(void **state)
{
    (void)state;
    return ntkb_test_rmtree(tmpdir);
}

static const char *fixture(const char *rel)
{
    static char path[4096];
    const char *fx = getenv("NTKB_TEST_FIXTURES");
    snprintf(path, sizeof path, "%s/hostile/%s", fx ? fx : "tests/fixtures", rel);
    return path;
}

static void expect(ntkb_status st, ntkb_status want, const char *text)
{
    if (st != want || !strstr(ntkb_last_error(), text))
        fail_msg("status %d (wanted %d), message '%s', expected it to contain '%s'", st, want,
                 ntkb_last_error(), text);
}

/* Without the sanitizers, a 1 GiB cap on the data segment makes an allocation sized by a
 * lying header fail (NTKB_ENOMEM instead of the NTKB_EFORMAT wanted); ASan's own reservations
 * would not fit under it, and ASan itself reports huge allocations. */
#if defined(__SANITIZE_ADDRESS__)
#define NTKB_TEST_CAP 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NTKB_TEST_CAP 0
#endif
#endif
#ifndef NTKB_TEST_CAP
#define NTKB_TEST_CAP 1
#endif

static struct rlimit saved_limit;

static void cap_memory(void)
{
    if (!NTKB_TEST_CAP)
        return;
    getrlimit(RLIMIT_DATA, &saved_limit);
    struct rlimit cap = saved_limit;
    cap.rlim_cur = (rlim_t)1 << 30;
    if (saved_limit.rlim_max != RLIM_INFINITY && saved_limit.rlim_max < cap.rlim_cur)
        cap.rlim_cur = saved_limit.rlim_max;
    setrlimit(RLIMIT_DATA, &cap);
}

static void uncap_memory(void)
{
    if (NTKB_TEST_CAP)
        setrlimit(RLIMIT_DATA, &saved_limit);
}

static ntkb_status load_graphs(const char *rel)
{
    ntkb_graphset *gs = NULL;
    cap_memory();
    ntkb_status st = ntkb_graphset_load(fixture(rel), NULL, NTKB_TAGS_FILE, &gs);
    uncap_memory();
    assert_true(st != NTKB_OK || gs);
    ntkb_graphset_free(gs);
    return st;
}

static void test_tu(void **state)
{
    (void)state;
    /* the indicator's reader was closed twice (use after free) */
    expect(load_graphs("tu-indicator/X"), NTKB_EFORMAT,
           "X_graph_indicator.txt:1: expected graph id 1 (ids sorted, starting at 1), got 2");
    /* node id 0 passed the range check (its value was the "bad" flag) */
    expect(load_graphs("tu-node0/Y"), NTKB_EFORMAT,
           "Y_A.txt:1: node id 0 out of range, expected 1..4");
    /* ids from 0: every node was dropped into a graph 0 */
    expect(load_graphs("tu-ids0/Z"), NTKB_EFORMAT,
           "Z_graph_indicator.txt:1: expected graph id 1 (ids sorted, starting at 1), got 0");
}

static void test_gin_huge_node_count(void **state)
{
    (void)state;
    /* 63 bytes declaring 2,051,789,296 nodes allocated 16 GB before failing */
    expect(load_graphs("gin-huge-n.txt"), NTKB_EFORMAT,
           "gin-huge-n.txt:14: expected an integer node tag, got end of line");
}

static void test_idx_huge_dims(void **state)
{
    (void)state;
    ntkb_images *im = NULL;
    cap_memory();
    ntkb_status st = ntkb_images_load_fashion_mnist(fixture("idx-huge"), 1, &im);
    uncap_memory();
    expect(st, NTKB_EFORMAT, "train-images-idx3-ubyte.gz: IDX header claims 65536 images of "
                             "16777216×16777216, too large");
    assert_null(im);
}

static ntkb_status load_gram(const char *rel)
{
    ntkb_gram *g = NULL;
    cap_memory();
    ntkb_status st = ntkb_gram_load_npy(fixture(rel), &g);
    uncap_memory();
    if (st == NTKB_OK)
        ntkb_gram_free(g);
    else
        assert_null(g);
    return st;
}

static void test_npy_shapes(void **state)
{
    (void)state;
    expect(load_gram("npy/shape-2e32.npy"), NTKB_EFORMAT,
           "shape-2e32.npy: npy shape (4294967296, 4294967296) is too large");
    expect(load_gram("npy/shape-2e62.npy"), NTKB_EFORMAT,
           "shape-2e62.npy: npy shape (4611686018427387905, 4611686018427387905) is too large");
    expect(load_gram("npy/shape-minus1.npy"), NTKB_EFORMAT,
           "shape-minus1.npy: npy header shape is not a tuple");
    expect(load_gram("npy/shape-1e6.npy"), NTKB_EFORMAT,
           "shape-1e6.npy: npy data truncated: shape (1000000, 1000000) needs 1000000000000 "
           "elements, the file holds 8 after its header");
}

static void test_invalid_grams(void **state)
{
    (void)state;
    expect(load_gram("npy/gram-nan.npy"), NTKB_EFORMAT,
           "gram-nan.npy: entry (3, 5) is nan, expected a finite Gram");
    expect(load_gram("npy/gram-asym.npy"), NTKB_EFORMAT,
           "gram-asym.npy: not symmetric: entry (0, 2) = 0.5 but (2, 0) = 0");
    expect(load_gram("npy/gram-2x3.npy"), NTKB_EFORMAT,
           "gram-2x3.npy: a 2×3 array, expected a square Gram matrix");
    assert_int_equal(load_gram("npy/gram-2x2.npy"), NTKB_OK);
}

/* A small gzip that inflates to one line of 17 MiB: an error at the cap, not 17 MiB of line. */
static void test_line_cap(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/long.txt.gz", tmpdir);
    gzFile gz = gzopen(path, "wb9");
    assert_non_null(gz);
    static char block[1 << 16];
    memset(block, '7', sizeof block);
    for (int k = 0; k < 17 * 16; k++)
        assert_int_equal(gzwrite(gz, block, sizeof block), (int)sizeof block);
    gzclose(gz);
    ntkb_lines *lr;
    char *line;
    assert_int_equal(ntkb_lines_open(path, &lr), NTKB_OK);
    expect(ntkb_lines_next(lr, &line), NTKB_EFORMAT, "long.txt.gz:1: line longer than 16 MiB");
    ntkb_lines_close(lr);
}

/* 200,000 distinct node tags took 11 s (a linear search per new tag); hashed, well under one
 * second even under the sanitizers.  Ids stay in order of first appearance. */
static void test_many_tags(void **state)
{
    (void)state;
    const size_t n = 200000;
    char path[300];
    snprintf(path, sizeof path, "%s/TAGS.txt", tmpdir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "1\n%zu 0\n", n);
    for (size_t u = 0; u < n; u++)
        fprintf(fp, "%lld 0\n", (long long)((u * 7919) % n) * 3 - 100000);
    fclose(fp);
    ntkb_graphset *gs = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(ntkb_graphset_read_gin(path, "TAGS", NTKB_TAGS_FILE, &gs), NTKB_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    assert_int_equal(gs->n_tags, n);
    for (size_t u = 0; u < n; u++)
        assert_int_equal(gs->tag[u], (int32_t)u);
    ntkb_graphset_free(gs);
    if (secs > 5.0)
        fail_msg("loading %zu distinct tags took %.1f s (quadratic renumbering?)", n, secs);
}

/* Four processes appending 40 rows each to one CSV: the lock keeps all 160 (a read-modify-rename
 * without it loses rows whenever two runs overlap). */
static void test_concurrent_append(void **state)
{
    (void)state;
    enum { PROCS = 4, ROWS = 40 };
    char csv[300];
    snprintf(csv, sizeof csv, "%s/rows.csv", tmpdir);
    pid_t pid[PROCS];
    for (int p = 0; p < PROCS; p++) {
        pid[p] = fork();
        assert_true(pid[p] >= 0);
        if (pid[p] == 0) {
            ntkb_report_row row;
            memset(&row, 0, sizeof row);
            for (int r = 0; r < ROWS; r++) {
                snprintf(row.group, sizeof row.group, "p%d", p);
                snprintf(row.method, sizeof row.method, "row%d", r);
                if (ntkb_report_append(csv, &row) != NTKB_OK)
                    _exit(1);
            }
            _exit(0);
        }
    }
    for (int p = 0; p < PROCS; p++) {
        int status;
        assert_int_equal(waitpid(pid[p], &status, 0), pid[p]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    ntkb_report_row *rows;
    size_t n;
    assert_int_equal(ntkb_report_read(csv, &rows, &n), NTKB_OK);
    assert_int_equal(n, PROCS * ROWS);
    for (int p = 0; p < PROCS; p++) { /* each process's rows all there, in its order */
        char group[8];
        snprintf(group, sizeof group, "p%d", p);
        int next = 0;
        for (size_t k = 0; k < n; k++)
            if (strcmp(rows[k].group, group) == 0) {
                char want[16];
                snprintf(want, sizeof want, "row%d", next++);
                assert_string_equal(rows[k].method, want);
            }
        assert_int_equal(next, ROWS);
    }
    free(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tu),          cmocka_unit_test(test_gin_huge_node_count),
        cmocka_unit_test(test_idx_huge_dims), cmocka_unit_test(test_npy_shapes),
        cmocka_unit_test(test_invalid_grams), cmocka_unit_test(test_line_cap),
        cmocka_unit_test(test_many_tags),   cmocka_unit_test(test_concurrent_append),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
