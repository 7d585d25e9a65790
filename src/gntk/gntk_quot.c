/* GNTK: the per-graph quotient by the coarsest equitable partition (colour refinement).
 *
 * Why: nodes in one class of an equitable partition that refines (tag, self-loop) have the same
 * unfolding tree, so their rows of Σ and Θ are equal at every layer, for every partner graph
 * (the aggregation C ⊙ (A M A'ᵀ) maps class-constant matrices to class-constant matrices, and
 * the ReLU duals act entry-wise with d_u equal within a class).  The pair kernel therefore runs
 * on k×k' class matrices with the quotient adjacency Q[U, W] = |N(u) ∩ W| + δ_UW·A_uu and the
 * readout weights |U|·|V| — the same numbers with fewer entries (IMDB-BINARY: Σ k = Σ n / 4).
 */
#include <stdlib.h>
#include <string.h>

#include "gntk_internal.h"

typedef struct {
    int32_t colour, len;
    const int32_t *sig; /* sorted neighbour colours */
    int32_t node;
} node_key;

static int key_cmp(const void *pa, const void *pb)
{
    const node_key *a = pa, *b = pb;
    if (a->colour != b->colour)
        return a->colour < b->colour ? -1 : 1;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    for (int32_t i = 0; i < a->len; i++)
        if (a->sig[i] != b->sig[i])
            return a->sig[i] < b->sig[i] ? -1 : 1;
    return a->node < b->node ? -1 : (a->node > b->node);
}

static int key_same(const node_key *a, const node_key *b)
{
    /* memcmp must not see the NULL signature of a node without neighbours, even for 0 bytes. */
    return a->colour == b->colour && a->len == b->len &&
           (a->len == 0 || memcmp(a->sig, b->sig, (size_t)a->len * sizeof *a->sig) == 0);
}

static int int_cmp(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return (a > b) - (a < b);
}

/* Sorts keys and renumbers colours by distinct key; returns the number of colours. */
static int32_t renumber(node_key *keys, size_t n, int32_t *colour)
{
    qsort(keys, n, sizeof *keys, key_cmp);
    int32_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && !key_same(&keys[i - 1], &keys[i]))
            k++;
        colour[keys[i].node] = k;
    }
    return n ? k + 1 : 0;
}

/* Colour refinement of graph g from (tag, self_loop) to the stable partition; colour[u] gets
 * the class of local node u.  Scratch: keys (n), sig (nnz(adj of g)).  Returns k. */
static int32_t refine(const ntkb_graphset *gs, size_t g, int32_t *colour, node_key *keys,
                      int32_t *sig)
{
    size_t base = gs->graph_ptr[g], n = ntkb_graphset_order(gs, g);
    for (size_t u = 0; u < n; u++)
        keys[u] = (node_key){gs->tag[base + u] * 2 + gs->self_loop[base + u], 0, NULL, (int32_t)u};
    int32_t k = renumber(keys, n, colour);
    for (;;) {
        size_t e0 = gs->adj_ptr[base];
        for (size_t u = 0; u < n; u++) {
            size_t a = gs->adj_ptr[base + u], b = gs->adj_ptr[base + u + 1];
            int32_t *s = sig + (a - e0);
            for (size_t e = a; e < b; e++)
                s[e - a] = colour[gs->adj[e]];
            qsort(s, b - a, sizeof *s, int_cmp);
            keys[u] = (node_key){colour[u], (int32_t)(b - a), s, (int32_t)u};
        }
        int32_t k2 = renumber(keys, n, colour);
        if (k2 == k)
            return k;
        k = k2;
    }
}

/* Fills the class arrays of graph g (global class offset pr->kptr[g]) and its quotient rows. */
static void quotient(ntkb_gntk_prep *pr, size_t g, const int32_t *colour, int32_t k,
                     double *cnt, size_t *qpos)
{
    const ntkb_graphset *gs = pr->gs;
    size_t base = gs->graph_ptr[g], n = ntkb_graphset_order(gs, g), c0 = pr->kptr[g];
    for (int32_t c = 0; c < k; c++) {
        pr->csize[c0 + (size_t)c] = 0.0;
        pr->crep[c0 + (size_t)c] = SIZE_MAX;
    }
    for (size_t u = 0; u < n; u++) {
        size_t c = c0 + (size_t)colour[u];
        pr->csize[c] += 1.0;
        if (pr->crep[c] == SIZE_MAX)
            pr->crep[c] = base + u;
    }
    for (int32_t c = 0; c < k; c++) {
        size_t u = pr->crep[c0 + (size_t)c];
        for (int32_t w = 0; w < k; w++)
            cnt[w] = 0.0;
        cnt[c] += pr->adiag[u];
        for (size_t e = gs->adj_ptr[u]; e < gs->adj_ptr[u + 1]; e++)
            cnt[colour[gs->adj[e]]] += 1.0;
        pr->qptr[c0 + (size_t)c] = *qpos;
        for (int32_t w = 0; w < k; w++)
            if (cnt[w] != 0.0) {
                pr->qcol[*qpos] = w;
                pr->qval[(*qpos)++] = cnt[w];
            }
    }
    pr->qptr[c0 + (size_t)k] = *qpos;
}

ntkb_status ntkb_gntk_quotient(ntkb_gntk_prep *pr)
{
    const ntkb_graphset *gs = pr->gs;
    size_t N = gs->n_graphs, nodes = gs->n_nodes;
    int32_t *colour = malloc((nodes + 1) * sizeof *colour);
    node_key *keys = malloc((pr->nmax + 1) * sizeof *keys);
    int32_t *sig = malloc((gs->adj_ptr[nodes] + 1) * sizeof *sig);
    double *cnt = malloc((pr->nmax + 1) * sizeof *cnt);
    pr->kptr = calloc(N + 1, sizeof *pr->kptr);
    ntkb_status st = NTKB_OK;
    if (!colour || !keys || !sig || !cnt || !pr->kptr) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory in the GNTK quotient");
        goto done;
    }
    for (size_t g = 0; g < N; g++) {
        int32_t k = (int32_t)ntkb_graphset_order(gs, g);
        if (pr->p.faithful) /* every node its own class: the official node-level computation */
            for (int32_t u = 0; u < k; u++)
                colour[gs->graph_ptr[g] + (size_t)u] = u;
        else
            k = refine(gs, g, colour + gs->graph_ptr[g], keys, sig);
        pr->kptr[g + 1] = pr->kptr[g] + (size_t)k;
        if ((size_t)k > pr->cmax)
            pr->cmax = (size_t)k;
    }
    size_t K = pr->kptr[N];
    pr->csize = malloc((K + 1) * sizeof *pr->csize);
    pr->crep = malloc((K + 1) * sizeof *pr->crep);
    pr->qptr = malloc((K + 1) * sizeof *pr->qptr);
    /* a quotient row has at most deg + 1 entries */
    pr->qcol = malloc((gs->adj_ptr[nodes] + nodes + 1) * sizeof *pr->qcol);
    pr->qval = malloc((gs->adj_ptr[nodes] + nodes + 1) * sizeof *pr->qval);
    if (!pr->csize || !pr->crep || !pr->qptr || !pr->qcol || !pr->qval) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory in the GNTK quotient (%zu classes)", K);
        goto done;
    }
    size_t qpos = 0;
    for (size_t g = 0; g < N; g++)
        quotient(pr, g, colour + gs->graph_ptr[g], (int32_t)(pr->kptr[g + 1] - pr->kptr[g]), cnt,
                 &qpos);
done:
    free(colour);
    free(keys);
    free(sig);
    free(cnt);
    return st;
}
