/* GNTK: parameters, the per-graph precompute and workspaces, the checksum (the pair kernel and
 * the diagonal pass are in gntk_pair.c, compiled per ISA level). */
#include "gntk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gntk_internal.h"
#include "gntk_mv.h"

ntkb_status ntkb_gntk_params_check(const ntkb_gntk_params *p)
{
    if (!p || p->blocks < 1 || p->blocks > 64 || p->mlp < 1 || p->mlp > 64)
        return ntkb_error(NTKB_EINVAL, "GNTK needs 1..64 BLOCKs and 1..64 MLP layers (got %d, %d)",
                          p ? p->blocks : 0, p ? p->mlp : 0);
    if (p->scale != NTKB_GNTK_UNIFORM && p->scale != NTKB_GNTK_DEGREE)
        return ntkb_error(NTKB_EINVAL, "GNTK scale must be uniform or degree");
    return NTKB_OK;
}

void ntkb_gntk_prep_free(ntkb_gntk_prep *prep)
{
    if (!prep)
        return;
    free(prep->adiag);
    free(prep->kptr);
    free(prep->csize);
    free(prep->crep);
    free(prep->crsum);
    free(prep->qptr);
    free(prep->qcol);
    free(prep->qval);
    free(prep->tptr);
    free(prep->ttag);
    free(prep->tcnt);
    free(prep->axptr);
    free(prep->ax);
    free(prep->d);
    free(prep->invd);
    free(prep);
}

/* Diagonal of A for every node (global ids): A_uu = 1 + 2·self_loop, as the official code builds it. */
static void prep_adiag(ntkb_gntk_prep *pr)
{
    for (size_t v = 0; v < pr->gs->n_nodes; v++)
        pr->adiag[v] = 1.0 + 2.0 * pr->gs->self_loop[v];
}

/* Tags present in graph g (sorted, with counts) into the graph's slice; `mark` is an n_tags
 * scratch array of zeros, left zeroed.  Returns the number of distinct tags. */
static size_t prep_tags(ntkb_gntk_prep *pr, size_t g, size_t *mark, int32_t *tags, double *cnt)
{
    const ntkb_graphset *gs = pr->gs;
    size_t k = 0;
    for (size_t v = gs->graph_ptr[g]; v < gs->graph_ptr[g + 1]; v++)
        if (mark[gs->tag[v]]++ == 0)
            tags[k++] = gs->tag[v];
    /* insertion sort: k is small (≤ n_g) and this runs once per graph */
    for (size_t a = 1; a < k; a++) {
        int32_t t = tags[a];
        size_t b = a;
        for (; b > 0 && tags[b - 1] > t; b--)
            tags[b] = tags[b - 1];
        tags[b] = t;
    }
    for (size_t a = 0; a < k; a++) {
        cnt[a] = (double)mark[tags[a]];
        mark[tags[a]] = 0;
    }
    return k;
}

/* ax[c, m] = Σ_v A_uv [tag(v) == tags[m]] for the representative u of each class c of
 * graph g; `col` maps tag → column (n_tags scratch, entries for this graph's tags set here). */
static void prep_ax(ntkb_gntk_prep *pr, size_t g, size_t *col)
{
    const ntkb_graphset *gs = pr->gs;
    size_t base = gs->graph_ptr[g], kc = pr->kptr[g + 1] - pr->kptr[g];
    size_t k = pr->tptr[g + 1] - pr->tptr[g];
    const int32_t *tags = pr->ttag + pr->tptr[g];
    double *ax = pr->ax + pr->axptr[g];
    for (size_t m = 0; m < k; m++)
        col[tags[m]] = m;
    memset(ax, 0, kc * k * sizeof *ax);
    for (size_t c = 0; c < kc; c++) {
        size_t u = pr->crep[pr->kptr[g] + c];
        double *row = ax + c * k;
        row[col[gs->tag[u]]] += pr->adiag[u];
        for (size_t e = gs->adj_ptr[u]; e < gs->adj_ptr[u + 1]; e++)
            row[col[gs->tag[base + (size_t)gs->adj[e]]]] += 1.0;
        pr->crsum[pr->kptr[g] + c] = pr->adiag[u] + (double)(gs->adj_ptr[u + 1] - gs->adj_ptr[u]);
    }
}

static ntkb_status prep_layout(ntkb_gntk_prep *pr)
{
    const ntkb_graphset *gs = pr->gs;
    size_t N = gs->n_graphs, nl = (size_t)pr->p.blocks * (size_t)pr->p.mlp;
    pr->tptr = calloc(N + 1, sizeof *pr->tptr);
    pr->axptr = calloc(N + 1, sizeof *pr->axptr);
    pr->ttag = malloc((gs->n_nodes + 1) * sizeof *pr->ttag);
    pr->tcnt = malloc((gs->n_nodes + 1) * sizeof *pr->tcnt);
    size_t *mark = calloc(gs->n_tags + 1, sizeof *mark);
    if (!pr->tptr || !pr->axptr || !pr->ttag || !pr->tcnt || !mark) {
        free(mark);
        return ntkb_error(NTKB_ENOMEM, "out of memory in the GNTK precompute");
    }
    for (size_t g = 0; g < N; g++) {
        size_t kc = pr->kptr[g + 1] - pr->kptr[g];
        size_t k = prep_tags(pr, g, mark, pr->ttag + pr->tptr[g], pr->tcnt + pr->tptr[g]);
        pr->tptr[g + 1] = pr->tptr[g] + k;
        pr->axptr[g + 1] = pr->axptr[g] + kc * k;
        if (k > pr->tmax)
            pr->tmax = k;
    }
    size_t K = pr->kptr[N];
    pr->ax = malloc((pr->axptr[N] + 1) * sizeof *pr->ax);
    pr->crsum = malloc((K + 1) * sizeof *pr->crsum);
    pr->d = malloc((nl * K + 1) * sizeof *pr->d);
    pr->invd = malloc((nl * K + 1) * sizeof *pr->invd);
    if (!pr->ax || !pr->crsum || !pr->d || !pr->invd) {
        free(mark);
        return ntkb_error(NTKB_ENOMEM, "out of memory in the GNTK precompute (%zu AX entries)",
                          pr->axptr[N]);
    }
    for (size_t g = 0; g < N; g++)
        prep_ax(pr, g, mark);
    free(mark);
    return NTKB_OK;
}

ntkb_status ntkb_gntk_prep_alloc(const ntkb_graphset *gs, const ntkb_gntk_params *p,
                                 ntkb_gntk_prep **out)
{
    *out = NULL;
    ntkb_status st = ntkb_gntk_params_check(p);
    if (st != NTKB_OK)
        return st;
    if (!gs || gs->n_graphs == 0)
        return ntkb_error(NTKB_EINVAL, "GNTK needs a non-empty graph set");
    ntkb_gntk_prep *pr = calloc(1, sizeof *pr);
    if (!pr)
        return ntkb_error(NTKB_ENOMEM, "out of memory in the GNTK precompute");
    pr->gs = gs;
    pr->p = *p;
    pr->adiag = malloc((gs->n_nodes + 1) * sizeof *pr->adiag);
    if (!pr->adiag) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory in the GNTK precompute");
        goto fail;
    }
    prep_adiag(pr);
    for (size_t g = 0; g < gs->n_graphs; g++)
        if (ntkb_graphset_order(gs, g) > pr->nmax)
            pr->nmax = ntkb_graphset_order(gs, g);
    st = ntkb_gntk_quotient(pr);
    if (st == NTKB_OK)
        st = prep_layout(pr);
    if (st != NTKB_OK)
        goto fail;
    *out = pr;
    return NTKB_OK;
fail:
    ntkb_gntk_prep_free(pr);
    return st;
}

void ntkb_gntk_ws_free(ntkb_gntk_ws *ws)
{
    if (!ws)
        return;
    free(ws->buf);
    free(ws->ia);
    free(ws->ib);
    free(ws);
}

ntkb_gntk_ws *ntkb_gntk_ws_alloc(const ntkb_gntk_prep *prep)
{
    ntkb_gntk_ws *ws = calloc(1, sizeof *ws);
    if (!ws)
        return NULL;
    size_t nn = prep->cmax * prep->cmax + 8, nk = prep->cmax * prep->tmax + 8;
    ws->buf = malloc((4 * nn + 2 * nk) * sizeof(double));
    ws->ia = malloc((prep->tmax + 1) * sizeof *ws->ia);
    ws->ib = malloc((prep->tmax + 1) * sizeof *ws->ib);
    if (!ws->buf || !ws->ia || !ws->ib) {
        ntkb_gntk_ws_free(ws);
        return NULL;
    }
    ws->S = ws->buf;
    ws->T = ws->S + nn;
    ws->S2 = ws->T + nn;
    ws->T2 = ws->S2 + nn;
    ws->P = ws->T2 + nn;
    ws->Q = ws->P + nk;
    return ws;
}

uint64_t ntkb_gntk_checksum(const ntkb_graphset *gs)
{
    uint64_t h = 1469598103934665603ull;
#define MIX(ptr, bytes)                                                                        \
    do {                                                                                       \
        const unsigned char *b_ = (const unsigned char *)(ptr);                               \
        for (size_t q_ = 0; q_ < (bytes); q_++)                                                \
            h = (h ^ b_[q_]) * 1099511628211ull;                                               \
    } while (0)
    MIX(&gs->n_graphs, sizeof gs->n_graphs);
    MIX(&gs->n_nodes, sizeof gs->n_nodes);
    MIX(gs->graph_ptr, (gs->n_graphs + 1) * sizeof *gs->graph_ptr);
    MIX(gs->adj_ptr, (gs->n_nodes + 1) * sizeof *gs->adj_ptr);
    MIX(gs->adj, gs->adj_ptr[gs->n_nodes] * sizeof *gs->adj);
    MIX(gs->self_loop, gs->n_nodes * sizeof *gs->self_loop);
    MIX(gs->tag, gs->n_nodes * sizeof *gs->tag);
    MIX(gs->label, gs->n_graphs * sizeof *gs->label);
#undef MIX
    return h;
}

/* The diagonal pass and the pair kernel: the variant of this CPU (gntk_pair.c, core/isa.h). */
ntkb_status ntkb_gntk_prep_graph(ntkb_gntk_prep *prep, size_t g, ntkb_gntk_ws *ws)
{
    return NTKB_MV_PICK(ntkb_gntk_prep_graph)(prep, g, ws);
}

ntkb_status ntkb_gntk_pair(const ntkb_gntk_prep *prep, size_t i, size_t j, ntkb_gntk_ws *ws,
                           double *out)
{
    return NTKB_MV_PICK(ntkb_gntk_pair)(prep, i, j, ws, out);
}

/* The ReLU rows (relu.c), dispatched likewise. */
double ntkb_gntk_relu_row(size_t m, double *restrict sig, double *restrict theta, double inv_du,
                          double du, const double *restrict inv_dv, const double *restrict dv,
                          const double *restrict wv)
{
    return NTKB_MV_PICK(ntkb_gntk_relu_row)(m, sig, theta, inv_du, du, inv_dv, dv, wv);
}

double ntkb_gntk_relu_block(size_t nr, size_t nc, double *restrict sig, double *restrict theta,
                            const double *inv_dr, const double *dr, const double *inv_dc,
                            const double *dc, const double *wr, const double *wc, int exact)
{
    return NTKB_MV_PICK(ntkb_gntk_relu_block)(nr, nc, sig, theta, inv_dr, dr, inv_dc, dc, wr, wc,
                                            exact);
}

double ntkb_gntk_relu_row_ref(size_t m, double *sig, double *theta, double du, const double *dv)
{
    return NTKB_MV_PICK(ntkb_gntk_relu_row_ref)(m, sig, theta, du, dv);
}

void ntkb_gntk_kappa(double rho, double *k0, double *k1)
{
    NTKB_MV_PICK(ntkb_gntk_kappa)(rho, k0, k1);
}

const char *ntkb_gntk_relu_impl(void)
{
    return NTKB_MV_PICK(ntkb_gntk_relu_impl)();
}
