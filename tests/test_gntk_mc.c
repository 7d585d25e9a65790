/* Finite-width Monte-Carlo check of the GNTK: the empirical NTK (gradient inner products) of
 * randomly initialised wide GNNs of the GNTK architecture approaches the kernel.
 *
 * Architecture (NTK parameterisation, c_σ = 2, no biases, W entries N(0, 1)):
 *   a = AGG(X);  for each BLOCK ℓ = 1..L: R times { g = a W;  a = h = sqrt(2/m) relu(g) };
 *   a ← AGG(h) between BLOCKs;  f(G) = Σ_u h_u · w  (sum readout),  AGG(M) = diag(c) A M.
 * Its NTK at infinite width is the last-block GNTK without jumping knowledge (the library's jk0
 * value, which carries the official factor 2, divided by 2).  Gradient inner products are formed
 * per weight matrix as Σ_{u,v} (a_u·a'_v)(δ_u·δ'_v), without materialising gradients. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "core/rng.h"
#include "gntk/gntk.h"

static ntkb_rng rng = {0x9E3779B97F4A7C15ull};
static double gauss(void)
{
    return ntkb_rng_gaussian(&rng);
}

/* Two tiny graphs: a triangle with a tail (4 nodes) and a path with a self-loop (5 nodes). */
static ntkb_graphset *tiny_set(void)
{
    static const size_t gptr[3] = {0, 4, 9};
    static const size_t aptr[10] = {0, 2, 4, 7, 8, 9, 11, 13, 15, 16};
    static const int32_t adj[16] = {1, 2, 0, 2, 0, 1, 3, 2, 1, 0, 2, 1, 3, 2, 4, 3};
    static const uint8_t loop[9] = {0, 0, 0, 0, 0, 0, 1, 0, 0};
    static const int32_t tag[9] = {0, 1, 0, 1, 1, 0, 0, 1, 0};
    ntkb_graphset *gs = calloc(1, sizeof *gs);
    strcpy(gs->name, "tiny");
    gs->n_graphs = 2;
    gs->n_nodes = 9;
    gs->n_tags = 2;
    gs->n_classes = 2;
    gs->graph_ptr = malloc(sizeof gptr);
    gs->adj_ptr = malloc(sizeof aptr);
    gs->adj = malloc(sizeof adj);
    gs->self_loop = malloc(sizeof loop);
    gs->tag = malloc(sizeof tag);
    gs->label = calloc(2, sizeof *gs->label);
    memcpy(gs->graph_ptr, gptr, sizeof gptr);
    memcpy(gs->adj_ptr, aptr, sizeof aptr);
    memcpy(gs->adj, adj, sizeof adj);
    memcpy(gs->self_loop, loop, sizeof loop);
    memcpy(gs->tag, tag, sizeof tag);
    return gs;
}

/* out (n×d) = diag(c) A M for graph g; transpose = 1 gives A diag(c) M (the backward map). */
static void agg(const ntkb_graphset *gs, size_t g, int degree, int transpose, const double *M,
                size_t d, double *out)
{
    size_t b = gs->graph_ptr[g], n = ntkb_graphset_order(gs, g);
    double c[16];
    for (size_t u = 0; u < n; u++)
        c[u] = degree ? 1.0 / (1.0 + 2.0 * gs->self_loop[b + u] +
                               (double)(gs->adj_ptr[b + u + 1] - gs->adj_ptr[b + u]))
                      : 1.0;
    for (size_t u = 0; u < n; u++) {
        double a = 1.0 + 2.0 * gs->self_loop[b + u];
        for (size_t j = 0; j < d; j++)
            out[u * d + j] = a * M[u * d + j] * (transpose ? c[u] : 1.0);
        for (size_t e = gs->adj_ptr[b + u]; e < gs->adj_ptr[b + u + 1]; e++) {
            size_t w = (size_t)gs->adj[e];
            for (size_t j = 0; j < d; j++)
                out[u * d + j] += M[w * d + j] * (transpose ? c[w] : 1.0);
        }
        if (!transpose)
            for (size_t j = 0; j < d; j++)
                out[u * d + j] *= c[u];
    }
}

typedef struct {
    size_t n, nl;
    double *a[8], *dg[8]; /* per layer k: its input a_k (n × d_in) and δ at its pre-activation */
    double *hsum;         /* Σ_u h_u of the last layer (gradient of the readout weights) */
} trace;

/* Forward and backward pass of graph g through the network (weights W[k], readout w). */
static void run_net(const ntkb_graphset *gs, size_t g, const ntkb_gntk_params *p, size_t m,
                    double *const *W, const double *w, trace *t)
{
    size_t n = ntkb_graphset_order(gs, g), d0 = gs->n_tags, nl = (size_t)(p->blocks * p->mlp);
    int degree = p->scale == NTKB_GNTK_DEGREE;
    double s = sqrt(2.0 / (double)m);
    double *x = calloc(n * d0, sizeof *x), *g_[8], *h = NULL;
    t->n = n;
    t->nl = nl;
    for (size_t u = 0; u < n; u++)
        x[u * d0 + (size_t)gs->tag[gs->graph_ptr[g] + u]] = 1.0;
    t->a[0] = calloc(n * d0, sizeof(double));
    agg(gs, g, degree, 0, x, d0, t->a[0]);
    for (size_t k = 0; k < nl; k++) {
        size_t din = k ? m : d0;
        g_[k] = calloc(n * m, sizeof(double));
        for (size_t u = 0; u < n; u++)
            for (size_t i = 0; i < din; i++) {
                double a = t->a[k][u * din + i];
                for (size_t j = 0; j < m; j++)
                    g_[k][u * m + j] += a * W[k][i * m + j];
            }
        h = calloc(n * m, sizeof(double));
        for (size_t e = 0; e < n * m; e++)
            h[e] = g_[k][e] > 0 ? s * g_[k][e] : 0.0;
        if (k + 1 < nl) {
            t->a[k + 1] = calloc(n * m, sizeof(double));
            if ((k + 1) % (size_t)p->mlp == 0)
                agg(gs, g, degree, 0, h, m, t->a[k + 1]);
            else
                memcpy(t->a[k + 1], h, n * m * sizeof *h);
            free(h);
        }
    }
    t->hsum = calloc(m, sizeof(double));
    for (size_t u = 0; u < n; u++)
        for (size_t j = 0; j < m; j++)
            t->hsum[j] += h[u * m + j];
    free(h);
    /* backward: ∂f/∂h_last = w at every node */
    double *dh = malloc(n * m * sizeof *dh);
    for (size_t u = 0; u < n; u++)
        memcpy(dh + u * m, w, m * sizeof *w);
    for (size_t k = nl; k-- > 0;) {
        size_t din = k ? m : d0;
        t->dg[k] = malloc(n * m * sizeof(double));
        for (size_t e = 0; e < n * m; e++)
            t->dg[k][e] = g_[k][e] > 0 ? s * dh[e] : 0.0;
        if (k == 0)
            break;
        double *da = calloc(n * din, sizeof *da);
        for (size_t u = 0; u < n; u++)
            for (size_t i = 0; i < din; i++) {
                double acc = 0.0;
                for (size_t j = 0; j < m; j++)
                    acc += t->dg[k][u * m + j] * W[k][i * m + j];
                da[u * din + i] = acc;
            }
        if (k % (size_t)p->mlp == 0)
            agg(gs, g, degree, 1, da, m, dh);
        else
            memcpy(dh, da, n * m * sizeof *da);
        free(da);
    }
    free(dh);
    free(x);
    for (size_t k = 0; k < nl; k++)
        free(g_[k]);
}

static double dot(const double *a, const double *b, size_t d)
{
    double s = 0.0;
    for (size_t i = 0; i < d; i++)
        s += a[i] * b[i];
    return s;
}

/* Empirical NTK of two traces. */
static double emp_ntk(const trace *x, const trace *y, size_t m, size_t d0)
{
    double k = dot(x->hsum, y->hsum, m);
    for (size_t l = 0; l < x->nl; l++) {
        size_t din = l ? m : d0;
        for (size_t u = 0; u < x->n; u++)
            for (size_t v = 0; v < y->n; v++)
                k += dot(x->a[l] + u * din, y->a[l] + v * din, din) *
                     dot(x->dg[l] + u * m, y->dg[l] + v * m, m);
    }
    return k;
}

static void trace_free(trace *t)
{
    for (size_t k = 0; k < t->nl; k++) {
        free(t->a[k]);
        free(t->dg[k]);
    }
    free(t->hsum);
}

static void check_config(const ntkb_gntk_params *p, size_t m, int seeds, double tol)
{
    ntkb_graphset *gs = tiny_set();
    size_t nl = (size_t)(p->blocks * p->mlp), d0 = gs->n_tags;
    double *g[16];
    for (size_t k = 0; k < ntkb_gntk_n_out(p); k++)
        g[k] = calloc(4, sizeof(double));
    assert_int_equal(ntkb_gntk_gram(gs, p, 1, g), NTKB_OK);
    const double *exact = g[2 * (size_t)(p->blocks - 1)]; /* jk0 at depth L */
    /* Per-seed estimates: the check is against the Monte-Carlo standard error, so it neither
     * passes by luck of one stream nor fails by it. */
    double sum[4] = {0, 0, 0, 0}, sq[4] = {0, 0, 0, 0};
    for (int s = 0; s < seeds; s++) {
        double *W[8], *w = malloc(m * sizeof *w);
        for (size_t k = 0; k < nl; k++) {
            size_t cnt = (k ? m : d0) * m;
            W[k] = malloc(cnt * sizeof(double));
            for (size_t e = 0; e < cnt; e++)
                W[k][e] = gauss();
        }
        for (size_t j = 0; j < m; j++)
            w[j] = gauss();
        trace t[2] = {{0}, {0}};
        run_net(gs, 0, p, m, W, w, &t[0]);
        run_net(gs, 1, p, m, W, w, &t[1]);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++) {
                double v = emp_ntk(&t[i], &t[j], m, d0);
                sum[i * 2 + j] += v;
                sq[i * 2 + j] += v * v;
            }
        trace_free(&t[0]);
        trace_free(&t[1]);
        for (size_t k = 0; k < nl; k++)
            free(W[k]);
        free(w);
    }
    for (int e = 0; e < 4; e++) {
        double want = exact[e] / 2.0; /* the official factor 2 */
        double mean = sum[e] / seeds;
        double se = sqrt(fmax(sq[e] / seeds - mean * mean, 0.0) / (seeds - 1));
        print_message("# L=%d R=%d %s: entry %d empirical %.6g ± %.2g GNTK %.6g (%.2f%%)\n",
                      p->blocks, p->mlp, p->scale ? "degree" : "uniform", e, mean, se, want,
                      100.0 * (mean - want) / want);
        assert_true(se < tol * fabs(want)); /* enough width and seeds to resolve tol */
        assert_true(fabs(mean - want) < 4.0 * se + 5e-3 * fabs(want));
    }
    for (size_t k = 0; k < ntkb_gntk_n_out(p); k++)
        free(g[k]);
    ntkb_graphset_free(gs);
}

static void test_mc_uniform(void **state)
{
    (void)state;
    ntkb_gntk_params p = {2, 1, NTKB_GNTK_UNIFORM, 0};
    check_config(&p, 1024, 16, 0.03);
}

static void test_mc_degree_r2(void **state)
{
    (void)state;
    ntkb_gntk_params p = {2, 2, NTKB_GNTK_DEGREE, 0};
    check_config(&p, 1024, 16, 0.03);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mc_uniform),
        cmocka_unit_test(test_mc_degree_r2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
