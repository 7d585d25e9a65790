/* Tests of the graph readers: the exact counts of PROVENANCE.md for all seven GIN-format
 * datasets, GIN/TU agreement for the in-order conversions, the GNTK conventions (degree tags,
 * self-loops, label remapping), the fold files, and every kind of bad input. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fs.h"

#include <zlib.h>

#include "core/status.h"
#include "gntk/graphset.h"

static char tmpdir[256];
static const char *datadir;

static int setup(void **state)
{
    (void)state;
    datadir = ntkb_fs_data_dir();
    return ntkb_test_mkdtemp(tmpdir, sizeof tmpdir, "graphset");
}

static int teardown(void **state)
{
    (void)state;
    return ntkb_test_rmtree(tmpdir);
}

typedef struct {
    const char *name;
    size_t graphs, classes, nodes, edges, self_loops, tags;
} expected_counts;

/* PROVENANCE.md §1, "Stats computed from the files". */
static const expected_counts GIN_COUNTS[] = {
    {"MUTAG", 188, 2, 3371, 3721, 0, 7},           {"PTC", 344, 2, 8792, 8931, 0, 19},
    {"NCI1", 4110, 2, 122747, 132753, 0, 37},      {"PROTEINS", 1113, 2, 43471, 81044, 0, 3},
    {"IMDBBINARY", 1000, 2, 19773, 96531, 0, 1},   {"IMDBMULTI", 1500, 3, 19502, 98903, 0, 1},
    {"COLLAB", 5000, 3, 372474, 12288916, 2837, 1},
};

static void check_counts(const ntkb_graphset *gs, const expected_counts *e)
{
    assert_int_equal(gs->n_graphs, e->graphs);
    assert_int_equal(gs->n_classes, e->classes);
    assert_int_equal(gs->n_nodes, e->nodes);
    assert_int_equal(gs->n_edges, e->edges);
    assert_int_equal(gs->n_self_loops, e->self_loops);
    assert_int_equal(gs->n_tags, e->tags);
    assert_int_equal(gs->graph_ptr[gs->n_graphs], gs->n_nodes);
    /* adjacency entries = 2·(edges − self-loops), since loops live in self_loop[] */
    assert_int_equal(gs->adj_ptr[gs->n_nodes], 2 * (e->edges - e->self_loops));
}

static void test_gin_counts(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof GIN_COUNTS / sizeof *GIN_COUNTS; k++) {
        ntkb_graphset *gs;
        if (ntkb_graphset_load(GIN_COUNTS[k].name, datadir, NTKB_TAGS_FILE, &gs) != NTKB_OK)
            fail_msg("%s: %s", GIN_COUNTS[k].name, ntkb_last_error());
        check_counts(gs, &GIN_COUNTS[k]);
        ntkb_graphset_free(gs);
    }
}

static void test_mutag_conventions(void **state)
{
    (void)state;
    ntkb_graphset *gs;
    assert_int_equal(ntkb_graphset_load("MUTAG", datadir, NTKB_TAGS_AUTO, &gs), NTKB_OK);
    assert_string_equal(gs->name, "MUTAG");
    /* labels 0/2 in the file, remapped in order of first appearance (graph 0 has label 2) */
    assert_int_equal(gs->class_value[gs->label[0]], 2);
    assert_int_equal(gs->label[0], 0);
    size_t count[2] = {0, 0};
    for (size_t g = 0; g < gs->n_graphs; g++)
        count[gs->class_value[gs->label[g]] == 2]++;
    assert_int_equal(count[0], 63);
    assert_int_equal(count[1], 125);
    assert_int_equal(ntkb_graphset_order(gs, 0), 23); /* "23 2" is graph 0's header */
    for (size_t u = 0; u < gs->n_nodes; u++)          /* CSR rows sorted, in range, no self */
        for (size_t k = gs->adj_ptr[u]; k < gs->adj_ptr[u + 1]; k++) {
            assert_true(k == gs->adj_ptr[u] || gs->adj[k] > gs->adj[k - 1]);
            assert_true(gs->adj[k] >= 0);
        }
    ntkb_graphset_free(gs);
}

/* COLLAB: degree tags count a self-loop twice (networkx), and self_loop[] is set. */
static void test_collab_degree_tags(void **state)
{
    (void)state;
    ntkb_graphset *file_tags, *deg;
    assert_int_equal(ntkb_graphset_load("COLLAB", datadir, NTKB_TAGS_FILE, &file_tags), NTKB_OK);
    assert_int_equal(ntkb_graphset_load("COLLAB", datadir, NTKB_TAGS_AUTO, &deg), NTKB_OK);
    assert_true(deg->n_tags > 100);
    /* same tag ⇔ same networkx degree: check through a raw-degree → tag map */
    int32_t *tag_of_degree = malloc(4096 * sizeof(int32_t));
    for (size_t d = 0; d < 4096; d++)
        tag_of_degree[d] = -1;
    size_t loops = 0;
    for (size_t u = 0; u < deg->n_nodes; u++) {
        size_t d = deg->adj_ptr[u + 1] - deg->adj_ptr[u] + 2 * deg->self_loop[u];
        loops += deg->self_loop[u];
        assert_true(d < 4096);
        if (tag_of_degree[d] < 0)
            tag_of_degree[d] = deg->tag[u];
        assert_int_equal(tag_of_degree[d], deg->tag[u]);
    }
    assert_int_equal(loops, 2837);
    free(tag_of_degree);
    ntkb_graphset_free(file_tags);
    ntkb_graphset_free(deg);
}

static void assert_same_graphs(const ntkb_graphset *a, const ntkb_graphset *b)
{
    assert_int_equal(a->n_graphs, b->n_graphs);
    assert_int_equal(a->n_nodes, b->n_nodes);
    assert_int_equal(a->n_edges, b->n_edges);
    assert_memory_equal(a->graph_ptr, b->graph_ptr, (a->n_graphs + 1) * sizeof(size_t));
    assert_memory_equal(a->adj_ptr, b->adj_ptr, (a->n_nodes + 1) * sizeof(size_t));
    assert_memory_equal(a->adj, b->adj, a->adj_ptr[a->n_nodes] * sizeof(int32_t));
    /* tags and labels are renumbered in order of first appearance, so a one-to-one relabelling
     * in the same node order gives identical arrays */
    assert_int_equal(a->n_tags, b->n_tags);
    assert_memory_equal(a->tag, b->tag, a->n_nodes * sizeof(int32_t));
    assert_memory_equal(a->label, b->label, a->n_graphs * sizeof(int64_t));
}

static void test_gin_tu_agree(void **state)
{
    (void)state;
    const char *pairs[][2] = {{"IMDBBINARY", "TU/IMDB-BINARY"}, {"IMDBMULTI", "TU/IMDB-MULTI"},
                              {"NCI1", "TU/NCI1"}, {"PROTEINS", "TU/PROTEINS"}};
    for (size_t k = 0; k < 4; k++) {
        ntkb_graphset *gin, *tu;
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/%s", datadir, pairs[k][1]);
        ntkb_tag_mode mode = k < 2 ? NTKB_TAGS_DEGREE : NTKB_TAGS_FILE;
        assert_int_equal(ntkb_graphset_load(pairs[k][0], datadir, mode, &gin), NTKB_OK);
        if (ntkb_graphset_load(dir, NULL, mode, &tu) != NTKB_OK)
            fail_msg("%s", ntkb_last_error());
        assert_same_graphs(gin, tu);
        ntkb_graphset_free(gin);
        ntkb_graphset_free(tu);
    }
}

static void test_tu_mutag_and_ptc_mr(void **state)
{
    (void)state;
    char dir[1024];
    ntkb_graphset *gs;
    snprintf(dir, sizeof dir, "%s/TU/MUTAG", datadir);
    assert_int_equal(ntkb_graphset_load(dir, NULL, NTKB_TAGS_AUTO, &gs), NTKB_OK);
    expected_counts mutag = {"MUTAG", 188, 2, 3371, 3721, 0, 7};
    check_counts(gs, &mutag);
    ntkb_graphset_free(gs);
    snprintf(dir, sizeof dir, "%s/TU/PTC_MR", datadir);
    assert_int_equal(ntkb_graphset_load(dir, NULL, NTKB_TAGS_AUTO, &gs), NTKB_OK);
    expected_counts ptc_mr = {"PTC_MR", 344, 2, 4915, 5054, 0, 18}; /* not GIN's PTC */
    check_counts(gs, &ptc_mr);
    ntkb_graphset_free(gs);
}

static void test_folds(void **state)
{
    (void)state;
    char dir[1024];
    ntkb_folds *f;
    snprintf(dir, sizeof dir, "%s/MUTAG", datadir);
    assert_int_equal(ntkb_folds_read(dir, 10, 188, &f), NTKB_OK);
    size_t covered = 0;
    for (size_t k = 0; k < 10; k++) {
        assert_int_equal(f->n_test[k], 18); /* floor(188/10) */
        assert_int_equal(f->n_train[k] + f->n_test[k], 188);
        covered += f->n_test[k];
    }
    assert_int_equal(covered, 180); /* 8 MUTAG graphs never appear in a test fold */
    ntkb_folds_free(f);
    ntkb_folds_free(NULL);
}

/* ---- bad input: each case writes a small file and expects a precise message ---- */

static ntkb_status load_text(const char *text, int gz, ntkb_graphset **gs)
{
    char path[300];
    snprintf(path, sizeof path, "%s/bad%s", tmpdir, gz ? ".txt.gz" : ".txt");
    if (gz) {
        gzFile f = gzopen(path, "wb");
        gzwrite(f, text, (unsigned)strlen(text));
        gzclose(f);
    } else {
        FILE *fp = fopen(path, "w");
        fputs(text, fp);
        fclose(fp);
    }
    return ntkb_graphset_read_gin(path, "BAD", NTKB_TAGS_FILE, gs);
}

static void expect_gin_error(const char *text, const char *message)
{
    ntkb_graphset *gs = (ntkb_graphset *)1;
    ntkb_status st = load_text(text, 0, &gs);
    if (st != NTKB_EFORMAT || !strstr(ntkb_last_error(), message))
        fail_msg("status %d, message '%s', expected '%s'", st, ntkb_last_error(), message);
    assert_null(gs);
}

static void test_gin_bad_input(void **state)
{
    (void)state;
    expect_gin_error("", "bad.txt:1: unexpected end of file, expected the number of graphs");
    expect_gin_error("2\n2 0\n0 1 1\n0 1 0\n", "bad.txt:5: unexpected end of file, expected the header "
                                              "'nodes label' of graph 2 of 2");
    expect_gin_error("1\n3 0\n0 1 1\n0 1 0\n", "bad.txt:5: unexpected end of file, expected node line 3 of 3");
    expect_gin_error("1\n2 0\n0 1 x\n0 1 0\n", "bad.txt:3: expected neighbour 1 of 1 (the count given on "
                                              "this line), got 'x'");
    expect_gin_error("1\n2 0\n0 1 5\n0 1 0\n", "bad.txt:3: neighbour id 5 out of range, expected 0..1");
    expect_gin_error("1\n2 0\n0 2 1\n0 1 0\n", "bad.txt:3: expected neighbour 2 of 2");
    expect_gin_error("1\n2 zero\n", "bad.txt:2: expected an integer graph label, got 'zero'");
    expect_gin_error("1\n1 0\n0 0\n1 0\n", "bad.txt:4: unexpected data after the 1 graphs");
    expect_gin_error("x\n", "bad.txt:1: expected the number of graphs, got 'x'");
}

static void test_gin_gzip_cut_short(void **state)
{
    (void)state;
    char big[40000], path[300];
    size_t len = (size_t)snprintf(big, sizeof big, "1\n2000 0\n");
    for (int j = 0; j < 2000; j++)
        len += (size_t)snprintf(big + len, sizeof big - len, "0 1 %d\n", j == 0 ? 1 : 0);
    ntkb_graphset *gs;
    assert_int_equal(load_text(big, 1, &gs), NTKB_OK);
    ntkb_graphset_free(gs);
    snprintf(path, sizeof path, "%s/bad.txt.gz", tmpdir);
    FILE *fp = fopen(path, "rb");
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fclose(fp);
    assert_int_equal(truncate(path, n / 2), 0);
    assert_int_equal(ntkb_graphset_read_gin(path, "BAD", NTKB_TAGS_FILE, &gs), NTKB_EFORMAT);
    assert_non_null(strstr(ntkb_last_error(), "cut short"));
}

static void test_missing_files(void **state)
{
    (void)state;
    ntkb_graphset *gs;
    assert_int_equal(ntkb_graphset_load("NO_SUCH_DATASET", datadir, NTKB_TAGS_AUTO, &gs), NTKB_ENOTFOUND);
    assert_non_null(strstr(ntkb_last_error(), "NO_SUCH_DATASET"));
    char path[300];
    snprintf(path, sizeof path, "%s/none.txt", tmpdir);
    assert_int_equal(ntkb_graphset_read_gin(path, NULL, NTKB_TAGS_FILE, &gs), NTKB_ENOTFOUND);
    assert_non_null(strstr(ntkb_last_error(), "none.txt"));
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
}

static void expect_tu_error(const char *labels, const char *edges, const char *message)
{
    char dir[300];
    snprintf(dir, sizeof dir, "%s/T", tmpdir);
    mkdir(dir, 0700);
    write_file(dir, "T_graph_indicator.txt", "1\n1\n2\n2\n2\n");
    write_file(dir, "T_graph_labels.txt", labels);
    write_file(dir, "T_A.txt", edges);
    ntkb_graphset *gs;
    ntkb_status st = ntkb_graphset_load(dir, NULL, NTKB_TAGS_FILE, &gs);
    if (message == NULL) {
        assert_int_equal(st, NTKB_OK);
        assert_int_equal(gs->n_edges, 3);
        assert_int_equal(gs->n_classes, 2);
        ntkb_graphset_free(gs);
    } else if (st != NTKB_EFORMAT || !strstr(ntkb_last_error(), message)) {
        fail_msg("status %d, message '%s', expected '%s'", st, ntkb_last_error(), message);
    }
}

static void test_tu_bad_input(void **state)
{
    (void)state;
    /* edges listed once or twice both work */
    expect_tu_error("1\n-1\n", "1, 2\n2, 1\n3, 4\n4, 5\n", NULL);
    expect_tu_error("1\n", "1, 2\n", "T_graph_labels.txt:1: expected 2 lines of an integer graph label "
                                     "(one per graph), found 1");
    expect_tu_error("1\n-1\n", "1, 2\n3, 9\n", "T_A.txt:2: node id 9 out of range, expected 1..5");
    expect_tu_error("1\n-1\n", "1, 3\n", "T_A.txt:1: edge 1-3 joins graphs 1 and 2");
    expect_tu_error("1\n-1\n", "1; 2\n", "T_A.txt:1: expected a node id 'u, v', got '1;'");
}

static void test_fold_index_out_of_range(void **state)
{
    (void)state;
    char dir[300], sub[350];
    snprintf(dir, sizeof dir, "%s/F", tmpdir);
    snprintf(sub, sizeof sub, "%s/10fold_idx", dir);
    mkdir(dir, 0700);
    mkdir(sub, 0700);
    write_file(sub, "train_idx-1.txt", "0\n1\n");
    write_file(sub, "test_idx-1.txt", "2\n3\n");
    ntkb_folds *f;
    assert_int_equal(ntkb_folds_read(dir, 1, 4, &f), NTKB_OK);
    ntkb_folds_free(f);
    assert_int_equal(ntkb_folds_read(dir, 1, 3, &f), NTKB_EFORMAT);
    assert_non_null(strstr(ntkb_last_error(), "test_idx-1.txt:2: graph index 3 out of range, expected 0..2"));
    assert_null(f);
    write_file(sub, "test_idx-1.txt", "2\n1\n");
    assert_int_equal(ntkb_folds_read(dir, 1, 4, &f), NTKB_EFORMAT);
    assert_non_null(strstr(ntkb_last_error(), "graph 1 is in both"));
    write_file(sub, "test_idx-1.txt", "2\n3\n");
    assert_int_equal(ntkb_folds_read(dir, 2, 4, &f), NTKB_ENOTFOUND); /* fold 2 files missing */
    assert_non_null(strstr(ntkb_last_error(), "train_idx-2.txt"));
}

/* A graph set from arrays: MUTAG's own arrays (edges listed both ways, plus a repeat) give back
 * the same set; a bad edge is refused with a message naming the graph and the edge. */
static void test_from_arrays(void **state)
{
    (void)state;
    ntkb_graphset *gs = NULL, *back = NULL;
    assert_int_equal(ntkb_graphset_load("MUTAG", datadir, NTKB_TAGS_AUTO, &gs), NTKB_OK);
    size_t n = gs->n_graphs, m2 = gs->adj_ptr[gs->n_nodes];
    int64_t *node_ptr = malloc((n + 1) * sizeof *node_ptr), *edge_ptr = malloc((n + 1) * 8);
    int64_t *edges = malloc((2 * m2 + 2 * n) * sizeof *edges), *tags = malloc(gs->n_nodes * 8);
    size_t e = 0;
    for (size_t g = 0; g < n; g++) {
        size_t base = gs->graph_ptr[g];
        node_ptr[g] = (int64_t)base;
        edge_ptr[g] = (int64_t)e;
        for (size_t u = base; u < gs->graph_ptr[g + 1]; u++) {
            tags[u] = 100 + 7 * (int64_t)gs->tag[u];   /* any one-to-one relabelling */
            for (size_t k = gs->adj_ptr[u]; k < gs->adj_ptr[u + 1]; k++) {
                edges[2 * e] = (int64_t)(u - base);
                edges[2 * e++ + 1] = gs->adj[k];
            }
        }
        edges[2 * e] = 0;   /* a repeated edge collapses */
        edges[2 * e + 1] = gs->adj[gs->adj_ptr[base]];
        e++;
    }
    node_ptr[n] = (int64_t)gs->n_nodes;
    edge_ptr[n] = (int64_t)e;
    int64_t *labels = malloc(n * sizeof *labels);
    for (size_t g = 0; g < n; g++)
        labels[g] = gs->class_value[gs->label[g]];
    assert_int_equal(ntkb_graphset_from_arrays("MUTAG", n, node_ptr, tags, edge_ptr, edges, labels,
                                               NTKB_TAGS_FILE, &back), NTKB_OK);
    assert_same_graphs(gs, back);
    ntkb_graphset_free(back);
    back = NULL;

    edges[2 * edge_ptr[3] + 1] = node_ptr[4] - node_ptr[3];   /* one past graph 3's last node */
    assert_int_equal(ntkb_graphset_from_arrays("x", n, node_ptr, tags, edge_ptr, edges, labels,
                                               NTKB_TAGS_FILE, &back), NTKB_EINVAL);
    assert_null(back);
    char want[128];
    snprintf(want, sizeof want, "graph 3: edge 0 (0, %lld): expected node ids in 0..%lld",
             (long long)(node_ptr[4] - node_ptr[3]), (long long)(node_ptr[4] - node_ptr[3] - 1));
    assert_non_null(strstr(ntkb_last_error(), want));
    int64_t empty[2] = {0, 0};
    assert_int_equal(ntkb_graphset_from_arrays("x", 1, empty, NULL, empty, NULL, NULL,
                                               NTKB_TAGS_FILE, &back), NTKB_EINVAL);
    assert_non_null(strstr(ntkb_last_error(), "graph 0: node offsets 0..0: expected at least one node"));
    free(node_ptr);
    free(edge_ptr);
    free(edges);
    free(tags);
    free(labels);
    ntkb_graphset_free(gs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gin_counts),           cmocka_unit_test(test_mutag_conventions),
        cmocka_unit_test(test_collab_degree_tags),   cmocka_unit_test(test_gin_tu_agree),
        cmocka_unit_test(test_tu_mutag_and_ptc_mr),  cmocka_unit_test(test_folds),
        cmocka_unit_test(test_gin_bad_input),        cmocka_unit_test(test_gin_gzip_cut_short),
        cmocka_unit_test(test_missing_files),        cmocka_unit_test(test_tu_bad_input),
        cmocka_unit_test(test_fold_index_out_of_range), cmocka_unit_test(test_from_arrays),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
