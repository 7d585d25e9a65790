/* bench_gntk --evaluate: the graph benchmark end to end for one dataset — GNTK Grams over a grid
 * (computed once per (R, scale) pass into a cache directory, reused when their fingerprint
 * matches), the WL subtree Grams, both CV protocols for both kernels, rows appended to
 * results/graphs.csv and results/graphs.md + figures/graphs.dat regenerated. */
#ifndef NTKB_CLI_GRAPH_EVAL_H
#define NTKB_CLI_GRAPH_EVAL_H

#include <stddef.h>

#include "core/status.h"
#include "core/tiles.h"
#include "gntk/gntk.h"
#include "gntk/graphset.h"

typedef enum { GRID_RELEASED, GRID_QUICK, GRID_MIN } graph_grid_kind;

typedef struct {
    const char *dataset;     /* as --dataset */
    graph_grid_kind grid;
    const char *cache_dir;   /* GNTK Grams live in cache_dir/<dataset>/R{r}-{scale}-L{L}/ */
    const char *results_dir; /* graphs.csv, graphs.md, figures/graphs.dat */
    int threads;
    int quiet;
    size_t paper_C;          /* C values of the paper search, spread over the 120 of search.py */
    size_t nested_C;         /* the same for the nested search; 0 = no nested protocol */
    int blocks_only;         /* > 0: only this L instead of the grid's */
    int mlp_only;            /* > 0: only this R instead of the grid's */
    int scale_only;          /* ≥ 0: only this ntkb_gntk_scale; -1 = the grid's */
    int solver;              /* ntkb_solver of protocol.h (0 = the C SMO solver) */
    long max_iter;           /* SMO iteration cap per binary solve (-1 = none) */
    const char *command;     /* the command line, recorded in the rows */
} graph_eval_opts;

/* How one GNTK pass runs. */
typedef struct {
    int threads;   /* OpenMP threads (≤ 0: default) */
    size_t tile;   /* tile edge of the driver (0: its default) */
    int quiet;     /* no progress lines */
    int resume;    /* continue a journal left in the directory by a killed run */
    int reuse;     /* skip the pass when the directory already holds it (same fingerprint) */
} graph_pass_opts;

/* Computes (or reuses) one GNTK pass into `dir` (created if missing): gram-L{l}-jk{0,1}.npy for
 * l ≤ p->blocks, labels.npy, meta.json.  *seconds gets the pass's run time (the recorded one when
 * reused), *stats (may be NULL) the driver's tile counts.  Returns the codes of
 * ntkb_gntk_gram_run.  Time complexity: that of the GNTK pass (0 when reused). */
ntkb_status graph_eval_gntk_pass(const ntkb_graphset *gs, const ntkb_gntk_params *p,
                                 const char *dataset_arg, const char *dir,
                                 const graph_pass_opts *po, double *seconds, int *reused,
                                 ntkb_tiles_stats *stats);

/* Runs the whole evaluation for o->dataset.  Returns NTKB_OK or the first failure. */
ntkb_status graph_eval_run(const graph_eval_opts *o);

#endif
