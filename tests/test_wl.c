/* Tests of the WL subtree kernel (src/gntk/wl.h): hand-computed histograms on three toy graphs,
 * isomorphic and non-isomorphic pairs (including the classic pair WL cannot separate),
 * node-permutation invariance, cosine normalisation, and exact agreement with GraKeL's Grams
 * (tests/fixtures/wl-grakel: MUTAG and IMDB-BINARY, GraKeL n_iter = 6, i.e. H = 6). */
#include "testutil.h"

#include "core/rng.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "core/gram.h"
#include "core/status.h"
#include "eval/folds_util.h"
#include "gntk/graphset.h"
#include "gntk/wl.h"

static const char *fixtures;

static int setup(void **state)
{
    (void)state;
    fixtures = getenv("NTKB_TEST_FIXTURES");
    return fixtures ? 0 : -1;
}

/* A graph of the toy builder: node count, tags, and undirected edges (u, v), u == v a loop. */
typedef struct {
    size_t n;
    const int32_t *tag;
    size_t m;
    const int (*edge)[2];
} toy_graph;

/* Builds a heap-allocated graph set (freed by ntkb_graphset_free) from toy graphs. */
static ntkb_graphset *toy_set(const toy_graph *g, size_t k)
{
    ntkb_graphset *gs = calloc(1, sizeof *gs);
    size_t nn = 0, ne = 0;
    for (size_t i = 0; i < k; i++) {
        nn += g[i].n;
        ne += g[i].m;
    }
    gs->n_graphs = k;
    gs->n_nodes = nn;
    gs->graph_ptr = calloc(k + 1, sizeof(size_t));
    gs->adj_ptr = calloc(nn + 1, sizeof(size_t));
    gs->adj = calloc(2 * ne + 1, sizeof(int32_t));
    gs->self_loop = calloc(nn + 1, 1);
    gs->tag = calloc(nn + 1, sizeof(int32_t));
    gs->label = calloc(k, sizeof(int64_t));
    size_t *deg = calloc(nn + 1, sizeof(size_t));
    for (size_t i = 0, base = 0; i < k; base += g[i].n, i++) {
        gs->graph_ptr[i + 1] = base + g[i].n;
        for (size_t v = 0; v < g[i].n; v++) {
            gs->tag[base + v] = g[i].tag ? g[i].tag[v] : 0;
            if ((size_t)gs->tag[base + v] + 1 > gs->n_tags)
                gs->n_tags = (size_t)gs->tag[base + v] + 1;
        }
        for (size_t e = 0; e < g[i].m; e++) {
            int u = g[i].edge[e][0], v = g[i].edge[e][1];
            if (u == v) {
                gs->self_loop[base + u] = 1;
                continue;
            }
            deg[base + u]++;
            deg[base + v]++;
        }
    }
    for (size_t v = 0; v < nn; v++)
        gs->adj_ptr[v + 1] = gs->adj_ptr[v] + deg[v];
    memset(deg, 0, (nn + 1) * sizeof *deg);
    for (size_t i = 0, base = 0; i < k; base += g[i].n, i++)
        for (size_t e = 0; e < g[i].m; e++) {
            int u = g[i].edge[e][0], v = g[i].edge[e][1];
            if (u == v)
                continue;
            gs->adj[gs->adj_ptr[base + u] + deg[base + u]++] = v;
            gs->adj[gs->adj_ptr[base + v] + deg[base + v]++] = u;
        }
    free(deg);
    return gs;
}

static double *wl_gram(const ntkb_graphset *gs, size_t H, ntkb_wl_init init, size_t *labels)
{
    ntkb_gram *out[16];
    uint8_t want[16] = {0};
    want[H] = 1;
    assert_int_equal(ntkb_wl_grams(gs, H, init, want, 2, out, labels), NTKB_OK);
    for (size_t h = 0; h < H; h++)
        assert_null(out[h]);
    double *d = out[H]->data;
    free(out[H]);
    return d;
}

/* P3 (path), K3 (triangle), all tag 0, and one edge with tags 0-1.  By hand (README-style):
 *   h=0: φ(P3) = {0:3}, φ(K3) = {0:3}, φ(E) = {0:1, 1:1}
 *   h=1: P3 = {(0,{0}):2, (0,{00}):1}, K3 = {(0,{00}):3}, E = {(0,{1}):1, (1,{0}):1}
 *   h=2: P3 = {A:2, B:1}, K3 = {C:3}, E = {D:1, E:1} — no label shared across graphs. */
static void test_toy_hand(void **state)
{
    (void)state;
    static const int p3[][2] = {{0, 1}, {1, 2}}, k3[][2] = {{0, 1}, {1, 2}, {0, 2}},
                     e1[][2] = {{0, 1}};
    static const int32_t t01[] = {0, 1};
    toy_graph g[] = {{3, NULL, 2, p3}, {3, NULL, 3, k3}, {2, t01, 1, e1}};
    ntkb_graphset *gs = toy_set(g, 3);
    ntkb_gram *out[3];
    size_t nl[3];
    assert_int_equal(ntkb_wl_grams(gs, 2, NTKB_WL_INIT_TAGS, NULL, 1, out, nl), NTKB_OK);
    const double k0[9] = {9, 9, 3, 9, 9, 3, 3, 3, 2};
    const double k1[9] = {14, 12, 3, 12, 18, 3, 3, 3, 4};
    const double k2[9] = {19, 12, 3, 12, 27, 3, 3, 3, 6};
    for (int i = 0; i < 9; i++) {
        assert_true(out[0]->data[i] == k0[i]);
        assert_true(out[1]->data[i] == k1[i]);
        assert_true(out[2]->data[i] == k2[i]);
    }
    assert_int_equal(nl[0], 2);
    assert_int_equal(nl[1], 4);
    assert_int_equal(nl[2], 5);
    for (int h = 0; h < 3; h++)
        ntkb_gram_free(out[h]);
    /* Uniform start: iteration h then equals the degree start at h-1 plus n·n'. */
    ntkb_gram *u[3], *dg[2];
    assert_int_equal(ntkb_wl_grams(gs, 2, NTKB_WL_INIT_UNIFORM, NULL, 1, u, NULL), NTKB_OK);
    assert_int_equal(ntkb_wl_grams(gs, 1, NTKB_WL_INIT_DEGREE, NULL, 1, dg, NULL), NTKB_OK);
    const double nodes[3] = {3, 3, 2};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            assert_true(u[2]->data[i * 3 + j] == dg[1]->data[i * 3 + j] + nodes[i] * nodes[j]);
    for (int h = 0; h < 3; h++)
        ntkb_gram_free(u[h]);
    ntkb_gram_free(dg[0]);
    ntkb_gram_free(dg[1]);
    ntkb_graphset_free(gs);
}

/* A self-loop makes the node its own neighbour (GraKeL's edge-list adjacency). */
static void test_self_loop(void **state)
{
    (void)state;
    static const int a[][2] = {{0, 1}, {1, 1}}, b[][2] = {{0, 1}};
    toy_graph g[] = {{2, NULL, 2, a}, {2, NULL, 1, b}};
    ntkb_graphset *gs = toy_set(g, 2);
    double *k = wl_gram(gs, 1, NTKB_WL_INIT_UNIFORM, NULL);
    /* h=1: a = {(0,{0}), (0,{00})}, b = {(0,{0}) ×2}: K = 4 + {2, 2, 2, 4}. */
    assert_true(k[0] == 6 && k[1] == 6 && k[2] == 6 && k[3] == 8);
    free(k);
    ntkb_graphset_free(gs);
}

/* Isomorphic graphs have equal rows; P4 and the star S3 differ; C6 and two triangles are the
 * textbook pair 1-WL cannot separate (every node: degree 2 forever). */
static void test_isomorphism(void **state)
{
    (void)state;
    static const int p4[][2] = {{0, 1}, {1, 2}, {2, 3}}, p4b[][2] = {{3, 0}, {0, 2}, {2, 1}},
                     s3[][2] = {{0, 1}, {0, 2}, {0, 3}},
                     c6[][2] = {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 0}},
                     t2[][2] = {{0, 1}, {1, 2}, {2, 0}, {3, 4}, {4, 5}, {5, 3}};
    toy_graph g[] = {{4, NULL, 3, p4}, {4, NULL, 3, p4b}, {4, NULL, 3, s3},
                     {6, NULL, 6, c6}, {6, NULL, 6, t2}};
    ntkb_graphset *gs = toy_set(g, 5);
    double *k = wl_gram(gs, 3, NTKB_WL_INIT_TAGS, NULL);
    for (int j = 0; j < 5; j++)
        assert_true(k[0 * 5 + j] == k[1 * 5 + j]);
    assert_true(k[0 * 5 + 2] < k[0 * 5 + 0]);
    assert_true(k[0 * 5 + 2] < k[2 * 5 + 2]);
    assert_true(k[3 * 5 + 4] == k[3 * 5 + 3] && k[3 * 5 + 3] == k[4 * 5 + 4]);
    free(k);
    ntkb_graphset_free(gs);
}

/* Random labelled graphs and the same graphs with nodes permuted give identical Grams. */
static void test_permutation(void **state)
{
    (void)state;
    enum { G = 12, NMAX = 14, MMAX = 40 };
    static int edges[2][G][MMAX][2];
    static int32_t tags[2][G][NMAX];
    toy_graph a[G], b[G];
    ntkb_rng rng = {7};
    for (int i = 0; i < G; i++) {
        size_t n = 3 + ntkb_rng_below(&rng, NMAX - 3), m = ntkb_rng_below(&rng, MMAX);
        int perm[NMAX];
        for (size_t v = 0; v < n; v++)
            perm[v] = (int)v;
        for (size_t v = n - 1; v > 0; v--) {
            size_t u = ntkb_rng_below(&rng, v + 1);
            int t = perm[v];
            perm[v] = perm[u];
            perm[u] = t;
        }
        size_t mm = 0;
        for (size_t e = 0; e < m; e++) {
            int u = (int)ntkb_rng_below(&rng, n), v = (int)ntkb_rng_below(&rng, n);
            int dup = 0;
            for (size_t f = 0; f < mm; f++)
                dup |= (edges[0][i][f][0] == u && edges[0][i][f][1] == v) ||
                       (edges[0][i][f][0] == v && edges[0][i][f][1] == u);
            if (dup || u == v)
                continue;
            edges[0][i][mm][0] = u;
            edges[0][i][mm][1] = v;
            edges[1][i][mm][0] = perm[v];
            edges[1][i][mm][1] = perm[u];
            mm++;
        }
        for (size_t v = 0; v < n; v++) {
            tags[0][i][v] = (int32_t)ntkb_rng_below(&rng, 3);
            tags[1][i][perm[v]] = tags[0][i][v];
        }
        a[i] = (toy_graph){n, tags[0][i], mm, (const int(*)[2])edges[0][i]};
        b[i] = (toy_graph){n, tags[1][i], mm, (const int(*)[2])edges[1][i]};
    }
    ntkb_graphset *ga = toy_set(a, G), *gb = toy_set(b, G);
    double *ka = wl_gram(ga, 4, NTKB_WL_INIT_TAGS, NULL), *kb = wl_gram(gb, 4, NTKB_WL_INIT_TAGS, NULL);
    assert_memory_equal(ka, kb, sizeof(double) * G * G);
    for (int i = 0; i < G; i++)
        for (int j = 0; j < G; j++)
            assert_true(ka[i * G + j] == ka[j * G + i]);
    free(ka);
    free(kb);
    ntkb_graphset_free(ga);
    ntkb_graphset_free(gb);
}

static void test_normalize(void **state)
{
    (void)state;
    ntkb_gram *g = ntkb_gram_alloc(3);
    const double v[9] = {4, 2, 0, 2, 9, 0, 0, 0, 0};
    memcpy(g->data, v, sizeof v);
    assert_int_equal(ntkb_wl_normalize(g), NTKB_OK);
    assert_close(g->data[0], 1.0, 1e-15);
    assert_close(g->data[1], 2.0 / 6.0, 1e-15);
    assert_close(g->data[4], 1.0, 1e-15);
    assert_true(g->data[8] == 0.0 && g->data[2] == 0.0);
    ntkb_gram_free(g);
}

/* Reads a float64 .npy that may be gzip-compressed (zlib reads both). */
static double *read_npy_gz(const char *path, size_t *n_out)
{
    gzFile f = gzopen(path, "rb");
    assert_non_null(f);
    unsigned char head[10];
    assert_int_equal(gzread(f, head, 10), 10);
    assert_memory_equal(head, "\x93NUMPY\x01\x00", 8);
    size_t hl = head[8] | (size_t)head[9] << 8;
    char *dict = calloc(hl + 1, 1);
    assert_int_equal(gzread(f, dict, (unsigned)hl), (int)hl);
    assert_non_null(strstr(dict, "'<f8'"));
    char *s = strstr(dict, "'shape': (");
    assert_non_null(s);
    size_t n = strtoul(s + 10, NULL, 10);
    free(dict);
    double *d = malloc(n * n * sizeof *d);
    assert_int_equal(gzread(f, d, (unsigned)(n * n * sizeof *d)), (int)(n * n * sizeof *d));
    gzclose(f);
    *n_out = n;
    return d;
}

static void check_fixture(const char *dataset, const char *file)
{
    ntkb_graphset *gs = NULL;
    char path[1024];
    assert_int_equal(ntkb_graphset_load(dataset, NULL, NTKB_TAGS_AUTO, &gs), NTKB_OK);
    snprintf(path, sizeof path, "%s/wl-grakel/%s", fixtures, file);
    size_t n;
    double *ref = read_npy_gz(path, &n);
    assert_int_equal(n, gs->n_graphs);
    /* GraKeL's n_iter = 6 runs six refinements on top of the base histogram: H = 6, although
     * the fixture's file name and README say h5 (see tests/fixtures/wl-grakel/README.md). */
    double *k = wl_gram(gs, 6, NTKB_WL_INIT_TAGS, NULL);
    size_t bad = 0;
    for (size_t i = 0; i < n * n; i++)
        bad += k[i] != ref[i];
    if (bad)
        fail_msg("%s: %zu of %zu entries differ from GraKeL", dataset, bad, n * n);
    free(k);
    free(ref);
    ntkb_graphset_free(gs);
}

static void test_grakel_mutag(void **state)
{
    (void)state;
    check_fixture("MUTAG", "MUTAG-h5.gram.npy");
}

static void test_grakel_imdbb(void **state)
{
    (void)state;
    check_fixture("IMDBBINARY", "IMDBBINARY-h5.gram.npy.gz");
}

/* The cross block (first n_b graphs as columns) equals the full Gram's entries exactly, on 1
 * and 2 threads, with every graph's self-kernel; a group without graphs is refused.  IMDB-B
 * brings degree tags. */
static void test_cross(void **state)
{
    (void)state;
    const char *names[] = {"MUTAG", "IMDBBINARY"};
    for (int d = 0; d < 2; d++) {
        ntkb_graphset *gs = NULL;
        assert_int_equal(ntkb_graphset_load(names[d], NULL, NTKB_TAGS_AUTO, &gs), NTKB_OK);
        size_t N = gs->n_graphs, nb = N / 3, na = N - nb;
        double *full = wl_gram(gs, 3, NTKB_WL_INIT_TAGS, NULL);
        double *out = malloc(na * nb * sizeof *out), *diag = malloc(N * sizeof *diag);
        for (int threads = 1; threads <= 2; threads++) {
            assert_int_equal(ntkb_wl_cross(gs, 3, NTKB_WL_INIT_TAGS, nb, threads, out, diag),
                             NTKB_OK);
            for (size_t r = 0; r < na; r++)
                assert_memory_equal(out + r * nb, full + (nb + r) * N, nb * sizeof *out);
            for (size_t g = 0; g < N; g++)
                assert_true(diag[g] == full[g * N + g]);
        }
        assert_int_equal(ntkb_wl_cross(gs, 3, NTKB_WL_INIT_TAGS, N, 1, out, NULL), NTKB_EINVAL);
        assert_non_null(strstr(ntkb_last_error(), "expected at least one graph in each group"));
        free(full);
        free(out);
        free(diag);
        ntkb_graphset_free(gs);
    }
}

static void test_bad_args(void **state)
{
    (void)state;
    ntkb_gram *out[2];
    assert_int_equal(ntkb_wl_grams(NULL, 1, NTKB_WL_INIT_TAGS, NULL, 1, out, NULL), NTKB_EINVAL);
    assert_int_equal(ntkb_wl_normalize(NULL), NTKB_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_toy_hand),     cmocka_unit_test(test_self_loop),
        cmocka_unit_test(test_isomorphism),  cmocka_unit_test(test_permutation),
        cmocka_unit_test(test_normalize),    cmocka_unit_test(test_grakel_mutag),
        cmocka_unit_test(test_grakel_imdbb), cmocka_unit_test(test_bad_args),
        cmocka_unit_test(test_cross),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
