/* GNTK: a slow dense reference written like the official numpy code (gntk.py), for tests.
 * Dense A (n×n) with A_uu = 1 + 2·self_loop, scale matrix 1/(rowsum ⊗ rowsum), Σ = X X'ᵀ from
 * tag equality, ρ = Σ / d / d' and libm acos.  Shares nothing with the fast path but relu.h's
 * reference row. */
#include "gntk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "relu.h"

typedef struct {
    size_t n;
    double *A;     /* n×n */
    double *rsum;  /* n */
    int32_t *tag;  /* n, borrowed */
    size_t *nzp;   /* n+1: row u's nonzero columns (ascending) at nz[nzp[u] ..] */
    size_t *nz;
} dense_graph;

static ntkb_status dense_alloc(const ntkb_graphset *gs, size_t g, dense_graph *dg)
{
    size_t base = gs->graph_ptr[g], n = ntkb_graphset_order(gs, g);
    dg->n = n;
    dg->A = calloc(n * n + 1, sizeof *dg->A);
    dg->rsum = calloc(n + 1, sizeof *dg->rsum);
    dg->tag = gs->tag + base;
    dg->nzp = calloc(n + 1, sizeof *dg->nzp);
    dg->nz = calloc(n * n + 1, sizeof *dg->nz);
    if (!dg->A || !dg->rsum || !dg->nzp || !dg->nz)
        return ntkb_error(NTKB_ENOMEM, "out of memory in the GNTK reference");
    for (size_t u = 0; u < n; u++) {
        dg->A[u * n + u] = 1.0 + 2.0 * gs->self_loop[base + u];
        for (size_t e = gs->adj_ptr[base + u]; e < gs->adj_ptr[base + u + 1]; e++)
            dg->A[u * n + (size_t)gs->adj[e]] = 1.0;
    }
    for (size_t u = 0; u < n; u++) {
        dg->nzp[u + 1] = dg->nzp[u];
        for (size_t v = 0; v < n; v++) {
            dg->rsum[u] += dg->A[u * n + v];
            if (dg->A[u * n + v] != 0.0)
                dg->nz[dg->nzp[u + 1]++] = v;
        }
    }
    return NTKB_OK;
}

/* M ← (A ⊗ B) vec(M) ⊙ scale as scipy evaluates it: a COO Kronecker product in row-major
 * order, so entry (u, v) is one running sum over w ∈ row u of A (ascending), then w' ∈ row v of B
 * (ascending), of a_uw·b_vw'·M[w, w']; the degree scale multiplies by 1/(r_u·r'_v).  tmp n×m. */
static void dense_agg(const dense_graph *a, const dense_graph *b, int degree, double *M,
                      double *tmp)
{
    size_t n = a->n, m = b->n;
    for (size_t u = 0; u < n; u++)
        for (size_t v = 0; v < m; v++) {
            double s = 0.0;
            for (size_t p = a->nzp[u]; p < a->nzp[u + 1]; p++) {
                size_t w = a->nz[p];
                double auw = a->A[u * n + w];
                for (size_t q = b->nzp[v]; q < b->nzp[v + 1]; q++) {
                    size_t x = b->nz[q];
                    s += (auw * b->A[v * m + x]) * M[w * m + x];
                }
            }
            tmp[u * m + v] = degree ? s * (1.0 / (a->rsum[u] * b->rsum[v])) : s;
        }
    memcpy(M, tmp, n * m * sizeof *M);
}

/* The official `diag`: sqrt(diag Σ) before each of the L·R ReLU layers, into d (L·R × n). */
static void dense_diag(const dense_graph *g, const ntkb_gntk_params *p, double *S, double *tmp,
                       double *d)
{
    size_t n = g->n;
    int degree = p->scale == NTKB_GNTK_DEGREE;
    for (size_t u = 0; u < n; u++)
        for (size_t v = 0; v < n; v++)
            S[u * n + v] = g->tag[u] == g->tag[v];
    dense_agg(g, g, degree, S, tmp);
    for (int l = 0; l < p->blocks; l++) {
        for (int r = 0; r < p->mlp; r++) {
            double *dl = d + (size_t)(l * p->mlp + r) * n;
            for (size_t u = 0; u < n; u++)
                dl[u] = sqrt(S[u * n + u]);
            for (size_t u = 0; u < n; u++)
                ntkb_gntk_relu_row_ref(n, S + u * n, NULL, dl[u], dl);
        }
        if (l + 1 < p->blocks)
            dense_agg(g, g, degree, S, tmp);
    }
}

static void dense_pair(const dense_graph *a, const dense_graph *b, const ntkb_gntk_params *p,
                       const double *da, const double *db, double *S, double *T, double *tmp,
                       double *out)
{
    size_t n = a->n, m = b->n;
    int degree = p->scale == NTKB_GNTK_DEGREE;
    double jk = 0.0;
    for (size_t u = 0; u < n; u++)
        for (size_t v = 0; v < m; v++) {
            S[u * m + v] = a->tag[u] == b->tag[v];
            jk += S[u * m + v];
        }
    dense_agg(a, b, degree, S, tmp);
    memcpy(T, S, n * m * sizeof *T);
    for (int l = 0; l < p->blocks; l++) {
        for (int r = 0; r < p->mlp; r++) {
            size_t layer = (size_t)(l * p->mlp + r);
            for (size_t u = 0; u < n; u++)
                ntkb_gntk_relu_row_ref(m, S + u * m, T + u * m, da[layer * n + u], db + layer * m);
        }
        double sum = 0.0;
        for (size_t e = 0; e < n * m; e++)
            sum += T[e];
        jk += sum;
        out[2 * l] = 2.0 * sum;
        out[2 * l + 1] = 2.0 * jk;
        if (l + 1 < p->blocks) {
            dense_agg(a, b, degree, S, tmp);
            dense_agg(a, b, degree, T, tmp);
        }
    }
}

ntkb_status ntkb_gntk_pair_ref(const ntkb_graphset *gs, const ntkb_gntk_params *p, size_t i,
                               size_t j, double *out)
{
    ntkb_status st = ntkb_gntk_params_check(p);
    if (st != NTKB_OK)
        return st;
    if (i >= gs->n_graphs || j >= gs->n_graphs)
        return ntkb_error(NTKB_EINVAL, "graph index out of range");
    dense_graph a = {0}, b = {0};
    double *buf = NULL;
    if ((st = dense_alloc(gs, i, &a)) != NTKB_OK || (st = dense_alloc(gs, j, &b)) != NTKB_OK)
        goto done;
    size_t nm = (a.n > b.n ? a.n : b.n) + 1, nl = (size_t)(p->blocks * p->mlp);
    buf = malloc((4 * nm * nm + nl * (a.n + b.n + 2)) * sizeof *buf);
    if (!buf) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory in the GNTK reference");
        goto done;
    }
    double *S = buf, *T = S + nm * nm, *tmp = T + nm * nm, *S2 = tmp + nm * nm;
    double *da = S2 + nm * nm, *db = da + nl * (a.n + 1);
    dense_diag(&a, p, S2, tmp, da);
    dense_diag(&b, p, S2, tmp, db);
    dense_pair(&a, &b, p, da, db, S, T, tmp, out);
done:
    free(buf);
    free(a.A);
    free(a.rsum);
    free(a.nzp);
    free(a.nz);
    free(b.A);
    free(b.rsum);
    free(b.nzp);
    free(b.nz);
    return st;
}
