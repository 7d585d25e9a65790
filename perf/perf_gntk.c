/* perf_gntk: GNTK speed for one dataset and configuration.
 * usage: perf_gntk DATASET BLOCKS MLP uniform|degree [THREADS [fast|faithful]]
 * Prints CSV: a header line, then one line with pairs/s, GFLOP/s (counted as below) and the
 * split of one-thread time into ReLU duals (acos) and the rest (aggregation, first product).
 * Counted flops per pair: 2·2·(nnz(Q)·k' + k·nnz(Q')) per aggregation round (Σ and Θ, two sparse
 * products each) and 30 per ReLU-layer entry (the vector kernel: 2 correctly rounded divisions,
 * clip, acos polynomial, sqrt, κ0, κ1, Θ update). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/tiles.h"
#include "gntk/gntk.h"
#include "gntk/gntk_internal.h"
#include "gntk/relu.h"
#include "core/clock.h"

/* Counted flops of one pair, and its ReLU-layer entries. */
static void pair_cost(const ntkb_gntk_prep *pr, size_t i, size_t j, double *flops, double *ent)
{
    double ki = (double)(pr->kptr[i + 1] - pr->kptr[i]), kj = (double)(pr->kptr[j + 1] - pr->kptr[j]);
    double zi = (double)(pr->qptr[pr->kptr[i + 1]] - pr->qptr[pr->kptr[i]]);
    double zj = (double)(pr->qptr[pr->kptr[j + 1]] - pr->qptr[pr->kptr[j]]);
    double L = pr->p.blocks, R = pr->p.mlp;
    *ent = L * R * ki * kj;
    *flops = 30.0 * *ent + (L - 1) * 2 * 2 * (zi * kj + ki * zj);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: perf_gntk DATASET BLOCKS MLP uniform|degree [THREADS [fast|faithful]]\n");
        return 1;
    }
    ntkb_gntk_params p = {atoi(argv[2]), atoi(argv[3]),
                          strcmp(argv[4], "degree") == 0 ? NTKB_GNTK_DEGREE : NTKB_GNTK_UNIFORM,
                          argc > 6 && strcmp(argv[6], "faithful") == 0};
    int threads = argc > 5 ? atoi(argv[5]) : 2;
    ntkb_graphset *gs = NULL;
    ntkb_gntk_prep *pr = NULL;
    ntkb_gntk_ws *ws = NULL;
    ntkb_status st = ntkb_graphset_load(argv[1], NULL, NTKB_TAGS_AUTO, &gs);
    if (!st)
        st = ntkb_gntk_prep_alloc(gs, &p, &pr);
    if (!st && !(ws = ntkb_gntk_ws_alloc(pr)))
        st = ntkb_error(NTKB_ENOMEM, "out of memory");
    for (size_t g = 0; !st && g < gs->n_graphs; g++)
        st = ntkb_gntk_prep_graph(pr, g, ws);
    if (st) {
        fprintf(stderr, "perf_gntk: %s\n", ntkb_last_error());
        return ntkb_status_exit_code(st);
    }
    size_t N = gs->n_graphs;
    double flops = 0, ent = 0, f, e, out[128];
    for (size_t i = 0; i < N; i++)
        for (size_t j = i; j < N; j++) {
            pair_cost(pr, i, j, &f, &e);
            flops += f;
            ent += e;
        }
    /* one-thread split on a strided sample of rows: full pairs, then the ReLU layers alone */
    size_t stride = N / 50 ? N / 50 : 1;
    double t0 = ntkb_clock_now();
    for (size_t i = 0; i < N; i += stride)
        for (size_t j = i; j < N; j++)
            ntkb_gntk_pair(pr, i, j, ws, out);
    double t_pair = ntkb_clock_now() - t0;
    t0 = ntkb_clock_now();
    for (size_t i = 0; i < N; i += stride)
        for (size_t j = i; j < N; j++) {
            size_t ki = pr->kptr[i + 1] - pr->kptr[i], kj = pr->kptr[j + 1] - pr->kptr[j];
            const double *dj = pr->d + (size_t)(p.blocks * p.mlp) * pr->kptr[j];
            const double *ij = pr->invd + (size_t)(p.blocks * p.mlp) * pr->kptr[j];
            for (size_t e2 = 0; e2 < ki * kj; e2++)
                ws->S[e2] = ws->T[e2] = 0.5 * dj[e2 % kj];
            const double *di = pr->d + (size_t)(p.blocks * p.mlp) * pr->kptr[i];
            const double *ii = pr->invd + (size_t)(p.blocks * p.mlp) * pr->kptr[i];
            for (int layer = 0; layer < p.blocks * p.mlp; layer++)
                ntkb_gntk_relu_block(ki, kj, ws->S, ws->T, ii, di, ij, dj,
                                     pr->csize + pr->kptr[i], pr->csize + pr->kptr[j], p.faithful);
        }
    double t_relu = ntkb_clock_now() - t0;
    ntkb_gntk_ws_free(ws);
    ntkb_gntk_prep_free(pr);
    /* the full Gram through the driver (in memory), timed */
    size_t K = ntkb_gntk_n_out(&p);
    double **g = calloc(K, sizeof *g);
    for (size_t k = 0; k < K; k++)
        g[k] = malloc(N * N * sizeof **g);
    t0 = ntkb_clock_now();
    st = ntkb_gntk_gram(gs, &p, threads, g);
    double t_gram = ntkb_clock_now() - t0;
    if (st) {
        fprintf(stderr, "perf_gntk: %s\n", ntkb_last_error());
        return ntkb_status_exit_code(st);
    }
    double pairs = (double)N * (double)(N + 1) / 2;
    printf("dataset,blocks,mlp,scale,mode,threads,relu,pairs,seconds,pairs_per_s,gflop_per_s,"
           "relu_entries,relu_share,other_share\n");
    printf("%s,%d,%d,%s,%s,%d,%s,%.0f,%.3f,%.0f,%.2f,%.3g,%.2f,%.2f\n", gs->name, p.blocks, p.mlp,
           argv[4], p.faithful ? "faithful" : "fast", threads, ntkb_gntk_relu_impl(), pairs,
           t_gram, pairs / t_gram, flops / t_gram * 1e-9, ent, t_relu / t_pair,
           1.0 - t_relu / t_pair);
    for (size_t k = 0; k < K; k++)
        free(g[k]);
    free(g);
    ntkb_graphset_free(gs);
    return 0;
}
