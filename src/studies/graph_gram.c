/* One GNTK pass of a dataset (bench_gntk without --evaluate): load, compute every depth and
 * readout, and either summarise the Grams on stdout or write them to a directory. */
#include "graph_bench.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"
#include "core/tiles.h"
#include "gntk/gntk.h"
#include "gntk/graphset.h"
#include "gntk/relu.h"

/* In-memory run: prints a short summary of every Gram. */
static ntkb_status run_memory(const ntkb_gntk_params *p, const ntkb_graphset *gs,
                              ntkb_tiles_spec *opt, ntkb_tiles_stats *stats)
{
    size_t N = gs->n_graphs, K = ntkb_gntk_n_out(p);
    double **g = calloc(K, sizeof *g);
    ntkb_status st = g ? NTKB_OK : ntkb_error(NTKB_ENOMEM, "out of memory");
    for (size_t k = 0; st == NTKB_OK && k < K; k++)
        if (!(g[k] = malloc(N * N * sizeof **g)))
            st = ntkb_error(NTKB_ENOMEM, "out of memory for %zu×%zu Grams", N, N);
    opt->grams = g;
    if (st == NTKB_OK)
        st = ntkb_gntk_gram_run(gs, p, opt, stats);
    for (size_t k = 0; st == NTKB_OK && k < K; k++) {
        double mn = g[k][0], mx = g[k][0];
        for (size_t e = 0; e < N * N; e++) {
            mn = g[k][e] < mn ? g[k][e] : mn;
            mx = g[k][e] > mx ? g[k][e] : mx;
        }
        printf("gram-L%zu-jk%zu: K[0,0] = %.10g  K[0,%zu] = %.10g  min %.6g  max %.6g\n",
               k / 2 + 1, k % 2, g[k][0], N - 1, g[k][N - 1], mn, mx);
    }
    for (size_t k = 0; g && k < K; k++)
        free(g[k]);
    free(g);
    return st;
}

/* Computes the Grams of one pass, in memory (summary on stdout) or into --out. */
static ntkb_status run_pass(const ntkb_graph_gram_opts *a, const ntkb_gntk_params *p,
                            const ntkb_graphset *gs)
{
    ntkb_tiles_spec opt = {0};
    ntkb_tiles_stats stats = {0};
    ntkb_status st;
    opt.threads = a->threads;
    opt.tile = a->tile;
    opt.progress = a->quiet ? NULL : "bench_gntk";
    double t1 = ntkb_clock_now();
    if (!a->out) {
        st = run_memory(p, gs, &opt, &stats);
    } else {
        ntkb_gntk_pass_opts po = {a->threads, a->tile, a->quiet, a->resume, 0};
        double pass_s;
        int reused;
        st = ntkb_gntk_pass_run(gs, p, a->dataset, a->out, &po, &pass_s, &reused, &stats);
    }
    double secs = ntkb_clock_now() - t1;
    if (st == NTKB_OK) {
        double pairs = (double)gs->n_graphs * (double)(gs->n_graphs + 1) / 2;
        printf("computed %.0f pairs in %.3f s (precompute %.3f s, tiles %.3f s; %.0f pairs/s)%s\n",
               pairs, secs, stats.seconds_prep, stats.seconds_fill, pairs / secs,
               stats.tiles_skipped ? " [resumed]" : "");
        if (a->out)
            printf("wrote %s/gram-L{1..%d}-jk{0,1}.npy, labels.npy, meta.json\n", a->out,
                   p->blocks);
    }
    return st;
}

ntkb_status ntkb_graph_gram_run(const ntkb_graph_gram_opts *o)
{
    ntkb_gntk_params p = {o->blocks, o->mlp, (ntkb_gntk_scale)o->scale, o->faithful};
    ntkb_graphset *gs = NULL;
    double t0 = ntkb_clock_now();
    ntkb_status st = ntkb_gntk_params_check(&p);
    if (st == NTKB_OK)
        st = ntkb_graphset_load(o->dataset, NULL, NTKB_TAGS_AUTO, &gs);
    if (st != NTKB_OK)
        return st;
    printf("dataset %s: %zu graphs, %zu classes, %zu nodes, %zu edges, %zu self-loops, %zu tags "
           "(loaded in %.2f s)\n",
           gs->name, gs->n_graphs, gs->n_classes, gs->n_nodes, gs->n_edges, gs->n_self_loops,
           gs->n_tags, ntkb_clock_now() - t0);
    printf("gntk: %d BLOCKs (official num_layers %d), R = %d, scale %s, %s mode, relu %s -> %d "
           "Grams\n",
           p.blocks, p.blocks + 1, p.mlp, p.scale ? "degree" : "uniform",
           p.faithful ? "faithful" : "fast", ntkb_gntk_relu_impl(), 2 * p.blocks);
    fflush(stdout);
    st = run_pass(o, &p, gs);
    ntkb_graphset_free(gs);
    return st;
}
