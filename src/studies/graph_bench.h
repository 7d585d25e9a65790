/* ntkbench studies: the graph benchmark end to end for one dataset (bench_gntk --evaluate).
 *
 * GNTK Grams over a hyper-parameter grid (one pass per (R, scale) at the deepest L, written to a
 * cache directory and reused when its fingerprint matches), the WL subtree Grams of h = 1..6,
 * both CV protocols (paper and nested) for both kernel families, result rows appended to
 * RESULTS/graphs.csv, and RESULTS/graphs.md and RESULTS/figures/graphs.dat regenerated from
 * graphs.csv and published-graphs.csv.
 */
#ifndef NTKB_STUDIES_GRAPH_BENCH_H
#define NTKB_STUDIES_GRAPH_BENCH_H

#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The GNTK grid: released = KangchengHou/gntk's run_gram.sh (L ∈ {9,11,13} for NCI1 and PTC,
 * {1,3} otherwise; R ∈ {1,2,3}; both scalings; jk 0/1); quick = the deepest L, R ∈ {1,3},
 * uniform; min = the shallowest L, R = 1, uniform. */
typedef enum { NTKB_GRID_RELEASED, NTKB_GRID_QUICK, NTKB_GRID_MIN } ntkb_grid_kind;

typedef struct {
    const char *dataset;     /* a name under the data directory, a TU directory or a GIN file */
    ntkb_grid_kind grid;
    const char *cache_dir;   /* GNTK Grams live in cache_dir/<dataset>/R{r}-{scale}-L{L}/ */
    const char *results_dir; /* graphs.csv, published-graphs.csv, graphs.md, figures/graphs.dat */
    int threads;             /* ≤ 0: the OpenMP default */
    int quiet;               /* no progress lines on stderr */
    size_t paper_C;          /* C values of the paper search, spread over the 120 of search.py */
    size_t nested_C;         /* the same for the nested search; 0 = no nested protocol */
    int blocks_only;         /* > 0: only this L instead of the grid's */
    int mlp_only;            /* > 0: only this R instead of the grid's */
    int scale_only;          /* ≥ 0: only this ntkb_gntk_scale; -1 = the grid's */
    int solver;              /* ntkb_solver of eval/protocol.h (paper protocol) */
    int nested_solver;       /* the same for the nested protocol */
    long max_iter;           /* SMO iteration cap per binary solve (-1 = none) */
    const char *command;     /* the command line, recorded in the rows */
} ntkb_graph_bench_opts;

/* The defaults of bench_gntk --evaluate: released grid, cache "cache", results "results",
 * 120 paper C values, 20 nested ones, SMO with search.py's cap for the paper protocol and the
 * path solver for the nested one.  Time complexity: O(1). */
ntkb_graph_bench_opts ntkb_graph_bench_opts_default(void);

/* Runs the whole evaluation of o->dataset; result lines also go to stdout.  Returns NTKB_OK or
 * the first failure (a reader's, the GNTK pass's, a protocol's or the report writer's codes).
 * Time complexity: the GNTK passes plus |candidates| · 2 · |C| · folds SVM fits (nested: × 6). */
ntkb_status ntkb_graph_bench_run(const ntkb_graph_bench_opts *o);

/* Rewrites graphs.md and figures/graphs.dat in `results_dir` from graphs.csv and
 * published-graphs.csv.  Returns NTKB_OK, NTKB_EIO or the CSV reader's codes.
 * Time complexity: O(rows). */
ntkb_status ntkb_graph_bench_report(const char *results_dir);

/* One GNTK pass (bench_gntk without --evaluate). */
typedef struct {
    const char *dataset;  /* as ntkb_graph_bench_opts.dataset */
    int blocks, mlp;      /* L BLOCKs (official num_layers − 1) and R MLP layers */
    int scale;            /* ntkb_gntk_scale */
    int faithful;         /* node-level kernel in the official summation order */
    const char *out;      /* NULL: Grams in memory, summarised on stdout; else this directory */
    int threads;          /* ≤ 0: the OpenMP default */
    size_t tile;          /* tile edge of the driver (0: its default) */
    int resume;           /* continue out's journal */
    int quiet;            /* no progress lines */
} ntkb_graph_gram_opts;

/* Loads o->dataset, computes the 2L Grams of one pass (every depth ≤ L, both readouts), prints
 * the dataset, the timing and (in memory) a summary of each Gram on stdout, or writes them with
 * ntkb_gntk_pass_run.  Returns NTKB_OK or the codes of the reader and the pass.
 * Time complexity: O(N² · pair) (gntk.h). */
ntkb_status ntkb_graph_gram_run(const ntkb_graph_gram_opts *o);

#ifdef __cplusplus
}
#endif

#endif
