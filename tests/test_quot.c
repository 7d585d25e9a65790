/* Direct tests of the GNTK's quotient graphs (src/gntk/gntk_quot.c): on hand-made graphs the
 * classes, their sizes and the quotient adjacency are the known ones; on random graphs the
 * partition is equitable (every node of a class has the same number of neighbours in each
 * class), refines (tag, self-loop), and is the coarsest such partition — its class count equals
 * that of an independent brute-force colour refinement written here. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/rng.h"
#include "gntk/gntk.h"
#include "gntk/gntk_internal.h"
#include "gntk/graphset.h"

static char path[256];

/* Writes `text` (GIN format) to a temporary file and reads it with file tags. */
static ntkb_graphset *read_text(const char *text)
{
    snprintf(path, sizeof path, "/tmp/ntkb_quot_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    ntkb_graphset *gs = NULL;
    assert_int_equal(ntkb_graphset_read_gin(path, "quot", NTKB_TAGS_FILE, &gs), NTKB_OK);
    unlink(path);
    return gs;
}

static ntkb_gntk_prep *prep_of(const ntkb_graphset *gs)
{
    ntkb_gntk_params p = {1, 1, NTKB_GNTK_UNIFORM, 0};
    ntkb_gntk_prep *pr = NULL;
    assert_int_equal(ntkb_gntk_prep_alloc(gs, &p, &pr), NTKB_OK);
    return pr;
}

/* Q[U, W] of graph g, classes given by a representative node (local ids). */
static double q_of(const ntkb_gntk_prep *pr, size_t g, size_t u_class, size_t w_class)
{
    size_t c = pr->kptr[g] + u_class;
    for (size_t e = pr->qptr[c]; e < pr->qptr[c + 1]; e++)
        if ((size_t)pr->qcol[e] == w_class)
            return pr->qval[e];
    return 0.0;
}

/* The class (local id) of node u of graph g, through the class representatives. */
static size_t class_of(const ntkb_gntk_prep *pr, const ntkb_graphset *gs, size_t g, size_t u,
                       const int *colour)
{
    size_t k = pr->kptr[g + 1] - pr->kptr[g];
    for (size_t c = 0; c < k; c++)
        if (colour[pr->crep[pr->kptr[g] + c] - gs->graph_ptr[g]] == colour[u])
            return c;
    fail_msg("node %zu has no class", u);
    return 0;
}

static void test_known_quotients(void **state)
{
    (void)state;
    /* 1: path 0-1-2-3, one tag: ends {0,3} and middles {1,2};
     * 2: cycle of 6, one tag: one class with two neighbours in it;
     * 3: star, centre 0 and three leaves, one tag;
     * 4: path 0-1-2 with tags 5 7 5: the tag splits, ends stay together;
     * 5: two isolated nodes, one with a self-loop: the loop splits them. */
    ntkb_graphset *gs = read_text("5\n"
                                  "4 0\n1 1 1\n1 2 0 2\n1 2 1 3\n1 1 2\n"
                                  "6 0\n1 2 1 5\n1 2 0 2\n1 2 1 3\n1 2 2 4\n1 2 3 5\n1 2 4 0\n"
                                  "4 1\n1 3 1 2 3\n1 1 0\n1 1 0\n1 1 0\n"
                                  "3 1\n5 1 1\n7 2 0 2\n5 1 1\n"
                                  "2 0\n1 1 0\n1 0\n");
    ntkb_gntk_prep *pr = prep_of(gs);
    const size_t want_k[5] = {2, 1, 2, 2, 2};
    for (size_t g = 0; g < 5; g++)
        assert_int_equal(pr->kptr[g + 1] - pr->kptr[g], want_k[g]);
    /* path: Q[ends,ends] = 0 neighbours + A_uu 1, Q[ends,mid] = 1, Q[mid,mid] = 1 + 1 */
    int pc[4] = {0, 1, 1, 0};
    size_t e = class_of(pr, gs, 0, 0, pc), m = class_of(pr, gs, 0, 1, pc);
    assert_true(e != m);
    assert_true(pr->csize[pr->kptr[0] + e] == 2.0 && pr->csize[pr->kptr[0] + m] == 2.0);
    assert_true(q_of(pr, 0, e, e) == 1.0 && q_of(pr, 0, e, m) == 1.0);
    assert_true(q_of(pr, 0, m, e) == 1.0 && q_of(pr, 0, m, m) == 2.0);
    /* cycle: one class of 6, Q = 2 neighbours + 1 */
    assert_true(pr->csize[pr->kptr[1]] == 6.0 && q_of(pr, 1, 0, 0) == 3.0);
    /* star: centre sees 3 leaves, a leaf sees the centre */
    int sc[4] = {0, 1, 1, 1};
    size_t c = class_of(pr, gs, 2, 0, sc), l = class_of(pr, gs, 2, 1, sc);
    assert_true(pr->csize[pr->kptr[2] + c] == 1.0 && pr->csize[pr->kptr[2] + l] == 3.0);
    assert_true(q_of(pr, 2, c, l) == 3.0 && q_of(pr, 2, l, c) == 1.0 && q_of(pr, 2, l, l) == 1.0);
    /* self-loop: A_uu = 3 for the looped node (E + Eᵀ + I), 1 for the other */
    size_t a = gs->self_loop[pr->crep[pr->kptr[4]]] ? 0 : 1, b = 1 - a;
    assert_true(q_of(pr, 4, a, a) == 3.0 && q_of(pr, 4, b, b) == 1.0 && q_of(pr, 4, a, b) == 0.0);
    ntkb_gntk_prep_free(pr);
    ntkb_graphset_free(gs);
}

/* Colour refinement by brute force: colour = index of the (old colour, sorted multiset of
 * neighbour colours) signature among the distinct ones, until the count stops growing. */
static int brute_classes(const ntkb_graphset *gs, size_t g, int *colour)
{
    size_t base = gs->graph_ptr[g], n = ntkb_graphset_order(gs, g);
    int k = 0;
    for (size_t u = 0; u < n; u++) { /* (tag, self-loop) */
        int key = gs->tag[base + u] * 2 + gs->self_loop[base + u], found = -1;
        for (size_t v = 0; v < u; v++)
            if (gs->tag[base + v] * 2 + gs->self_loop[base + v] == key)
                found = colour[v];
        colour[u] = found >= 0 ? found : k++;
    }
    int *next = malloc(n * sizeof *next), *hist = calloc(n * n, sizeof *hist);
    for (;;) {
        memset(hist, 0, n * n * sizeof *hist); /* hist[u][c] = neighbours of u with colour c */
        for (size_t u = 0; u < n; u++)
            for (size_t e = gs->adj_ptr[base + u]; e < gs->adj_ptr[base + u + 1]; e++)
                hist[u * n + (size_t)colour[gs->adj[e]]]++;
        int k2 = 0;
        for (size_t u = 0; u < n; u++) {
            next[u] = -1;
            for (size_t v = 0; v < u && next[u] < 0; v++)
                if (colour[v] == colour[u] && !memcmp(hist + u * n, hist + v * n, n * sizeof *hist))
                    next[u] = next[v];
            if (next[u] < 0)
                next[u] = k2++;
        }
        memcpy(colour, next, n * sizeof *colour);
        if (k2 == k)
            break;
        k = k2;
    }
    free(next);
    free(hist);
    return k;
}

static void test_random_graphs_equitable_and_coarsest(void **state)
{
    (void)state;
    ntkb_rng rng = {2024};
    char *text = malloc(1 << 20);
    size_t len = 0, G = 60;
    len += (size_t)sprintf(text + len, "%zu\n", G);
    for (size_t g = 0; g < G; g++) {
        size_t n = 2 + ntkb_rng_below(&rng, 14);
        int adj[16][16] = {{0}};
        double p = 0.1 + 0.4 * ntkb_rng_uniform(&rng);
        for (size_t u = 0; u < n; u++)
            for (size_t v = u + 1; v < n; v++)
                if (ntkb_rng_uniform(&rng) < p)
                    adj[u][v] = adj[v][u] = 1;
        if (g % 7 == 0)
            adj[0][0] = 1; /* a self-loop, listed once */
        len += (size_t)sprintf(text + len, "%zu 0\n", n);
        for (size_t u = 0; u < n; u++) {
            int deg = 0;
            for (size_t v = 0; v < n; v++)
                deg += adj[u][v];
            len += (size_t)sprintf(text + len, "%d %d", (int)ntkb_rng_below(&rng, g % 2 ? 3 : 1), deg);
            for (size_t v = 0; v < n; v++)
                if (adj[u][v])
                    len += (size_t)sprintf(text + len, " %zu", v);
            len += (size_t)sprintf(text + len, "\n");
        }
    }
    ntkb_graphset *gs = read_text(text);
    free(text);
    ntkb_gntk_prep *pr = prep_of(gs);
    int colour[16];
    for (size_t g = 0; g < G; g++) {
        size_t base = gs->graph_ptr[g], n = ntkb_graphset_order(gs, g);
        size_t k = pr->kptr[g + 1] - pr->kptr[g];
        assert_int_equal(k, (size_t)brute_classes(gs, g, colour)); /* the coarsest */
        double total = 0;
        for (size_t c = 0; c < k; c++)
            total += pr->csize[pr->kptr[g] + c];
        assert_true(total == (double)n);
        /* every node: its tag and loop are its class's, and its neighbour counts per class are
         * the class's quotient row (minus the diagonal's A_uu) */
        for (size_t u = 0; u < n; u++) {
            size_t cu = class_of(pr, gs, g, u, colour);
            size_t rep = pr->crep[pr->kptr[g] + cu] - base;
            assert_int_equal(gs->tag[base + u], gs->tag[base + rep]);
            assert_int_equal(gs->self_loop[base + u], gs->self_loop[base + rep]);
            for (size_t w = 0; w < k; w++) {
                double cnt = 0;
                for (size_t e = gs->adj_ptr[base + u]; e < gs->adj_ptr[base + u + 1]; e++)
                    cnt += class_of(pr, gs, g, (size_t)gs->adj[e], colour) == w;
                if (w == cu)
                    cnt += 1.0 + 2.0 * gs->self_loop[base + u];
                assert_true(q_of(pr, g, cu, w) == cnt);
            }
        }
    }
    ntkb_gntk_prep_free(pr);
    ntkb_graphset_free(gs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_quotients),
        cmocka_unit_test(test_random_graphs_equitable_and_coarsest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
