/* The graph benchmark (see graph_bench.h): grid, searches, rows; graph_report.c writes the
 * tables. */
#include "graph_bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/atomic.h"
#include "core/gram.h"
#include "core/ranks.h"
#include "core/tiles.h"
#include "eval/protocol.h"
#include "core/fs.h"
#include "eval/report.h"
#include "gntk/gntk.h"
#include "gntk/graphset.h"
#include "gntk/wl.h"
#include "ntkb_config.h"
#include "core/clock.h"

#define WL_MAX_H 6 /* GIN tuned h ∈ {1..6} */

/* The GNTK hyper-parameter grid of one dataset. */
typedef struct {
    int blocks[3];
    size_t n_blocks;
    int mlp[3];
    size_t n_mlp;
    ntkb_gntk_scale scales[2];
    size_t n_scales;
} gntk_grid;

/* Released grid (KangchengHou/gntk run_gram.sh): L ∈ {9,11,13} for NCI1 and PTC, {1,3}
 * otherwise; R ∈ {1,2,3}; both scales; both readouts come free with each pass.  For the biggest
 * datasets on two cores: the quick grid keeps the deepest L and R ∈ {1,3} with uniform scaling;
 * the min grid the shallowest L, R = 1, uniform. */
static gntk_grid grid_for(const char *name, const ntkb_graph_bench_opts *o)
{
    const ntkb_grid_kind kind = o->grid;
    int deep = strcmp(name, "NCI1") == 0 || strcmp(name, "PTC") == 0;
    gntk_grid g = {{1, 3, 0}, 2, {1, 2, 3}, 3, {NTKB_GNTK_UNIFORM, NTKB_GNTK_DEGREE}, 2};
    if (deep) {
        g.blocks[0] = 9, g.blocks[1] = 11, g.blocks[2] = 13;
        g.n_blocks = 3;
    }
    if (kind == NTKB_GRID_QUICK) {
        g.blocks[0] = g.blocks[g.n_blocks - 1];
        g.mlp[1] = 3;
        g.n_mlp = 2;
    }
    if (kind == NTKB_GRID_MIN)
        g.n_mlp = 1;
    if (kind != NTKB_GRID_RELEASED) {
        g.n_blocks = 1;
        g.n_scales = 1;
    }
    if (o->blocks_only > 0) {
        g.blocks[0] = o->blocks_only;
        g.n_blocks = 1;
    }
    if (o->mlp_only > 0) {
        g.mlp[0] = o->mlp_only;
        g.n_mlp = 1;
    }
    if (o->scale_only >= 0) {
        g.scales[0] = (ntkb_gntk_scale)o->scale_only;
        g.n_scales = 1;
    }
    return g;
}

/* The two searches of one kernel family: the paper protocol and, when wanted, the nested one,
 * each on its own C grid (the nested search costs 1 + inner fits per setting, so it uses fewer
 * C values, as the GNTK thesis did with 20). */
typedef struct {
    ntkb_protocol *paper, *nested;
    double seconds;
    /* records of finished blocks of fits: the working copy beside the cached passes and the
     * committed one in RESULTS/blocks, [0] paper, [1] nested */
    char live[2][4608], kept[2][4608];
} searches;

/* n values of search.py's logspace(-2, 4, 120), evenly spaced in index, both ends included. */
static double *c_grid(size_t n)
{
    double *C = malloc(n * sizeof *C);
    for (size_t k = 0; C && k < n; k++)
        C[k] = ntkb_protocol_default_C(n > 1 ? (k * 119 + (n - 1) / 2) / (n - 1) : 119, 120);
    return C;
}

static ntkb_status protocol_for(const ntkb_graphset *gs, const ntkb_folds *f,
                                const ntkb_graph_bench_opts *o, size_t n_C, unsigned protocol,
                                const char *live, const char *kept, ntkb_protocol **out)
{
    ntkb_protocol_opts po = ntkb_protocol_opts_default();
    po.threads = o->threads;
    po.progress = !o->quiet;
    po.solver = (ntkb_solver)(protocol == NTKB_PROTOCOL_NESTED ? o->nested_solver : o->solver);
    po.tune_malloc = po.solver == NTKB_SOLVER_LIBSVM; /* the program owns its process */
    po.svm.max_iter = o->max_iter;
    po.protocols = protocol;
    po.blocks = live;
    po.blocks_seed = kept;
    po.blocks_label = gs->name;
    po.n_C = n_C;
    po.C = c_grid(n_C);
    if (!po.C)
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    if (!o->quiet) { /* the run's log names the grid it searched */
        fprintf(stderr, "%s search: C =", protocol == NTKB_PROTOCOL_PAPER ? "paper" : "nested");
        for (size_t k = 0; k < n_C; k++)
            fprintf(stderr, " %.17g", po.C[k]);
        fprintf(stderr, "\n");
    }
    ntkb_status st = ntkb_protocol_alloc(gs->n_graphs, gs->label, f->n_folds, f->train, f->n_train,
                                         f->test, f->n_test, &po, out);
    free((double *)po.C);
    return st;
}

/* The name of one search's record: family, protocol, C grid size and solver, e.g.
 * "GNTK-paper-C120-smo" (the record's header checks the rest). */
static void record_name(const ntkb_graph_bench_opts *o, const char *family, int nested,
                        char *buf, size_t size)
{
    const int solver = nested ? o->nested_solver : o->solver;
    char sv[48];
    if (solver == NTKB_SOLVER_SMO && o->max_iter != 500000)
        snprintf(sv, sizeof sv, "smo-maxiter%ld", o->max_iter);
    else
        snprintf(sv, sizeof sv, "%s", solver == NTKB_SOLVER_LIBSVM ? "libsvm"
                                      : solver == NTKB_SOLVER_PATH ? "path" : "smo");
    snprintf(buf, size, "%s-%s-C%zu-%s", family, nested ? "nested" : "paper",
             nested ? o->nested_C : o->paper_C, sv);
}

/* The records of one kernel family (GNTK or WL): CACHE/<dataset>/blocks-<search>.txt while
 * running, copied after every candidate to RESULTS/blocks/<dataset>-<search>.txt, which seeds a
 * run on another machine. */
static ntkb_status searches_alloc(const ntkb_graphset *gs, const ntkb_folds *f,
                                  const ntkb_graph_bench_opts *o, const char *family, searches *s)
{
    memset(s, 0, sizeof *s);
    char dir[4200], name[128];
    ntkb_status st = ntkb_fs_mkdir(o->cache_dir);
    snprintf(dir, sizeof dir, "%s/%s", o->cache_dir, gs->name);
    if (!st)
        st = ntkb_fs_mkdir(dir);
    snprintf(dir, sizeof dir, "%s/blocks", o->results_dir);
    if (!st)
        st = ntkb_fs_mkdir(dir);
    for (int k = 0; k < 2; k++) {
        record_name(o, family, k, name, sizeof name);
        snprintf(s->live[k], sizeof s->live[k], "%s/%s/blocks-%s.txt", o->cache_dir, gs->name,
                 name);
        snprintf(s->kept[k], sizeof s->kept[k], "%s/%s-%s.txt", dir, gs->name, name);
    }
    if (!st)
        st = protocol_for(gs, f, o, o->paper_C, NTKB_PROTOCOL_PAPER, s->live[0], s->kept[0],
                          &s->paper);
    if (st == NTKB_OK && o->nested_C > 0)
        st = protocol_for(gs, f, o, o->nested_C, NTKB_PROTOCOL_NESTED, s->live[1], s->kept[1],
                          &s->nested);
    return st;
}

/* Copies a record of fits onto its committed name, atomically. */
static ntkb_status keep_record(const char *live, const char *kept)
{
    char *text = ntkb_fs_slurp(live, (size_t)1 << 30);
    if (!text)
        return ntkb_error(NTKB_EIO, "%s: cannot read", live);
    ntkb_atomic_file f = {0};
    ntkb_status st = ntkb_atomic_open(&f, kept);
    if (!st && fputs(text, f.fp) == EOF) {
        ntkb_atomic_abort(&f);
        st = ntkb_error(NTKB_EIO, "%s: cannot write", kept);
    } else if (!st)
        st = ntkb_atomic_commit(&f);
    free(text);
    return st;
}

static void searches_free(searches *s)
{
    ntkb_protocol_free(s->paper);
    ntkb_protocol_free(s->nested);
}

static ntkb_status searches_add(searches *s, const char *name, const double *gram, int quiet)
{
    double t0 = ntkb_clock_now();
    ntkb_status st = ntkb_protocol_add(s->paper, name, gram);
    if (st == NTKB_OK)
        st = keep_record(s->live[0], s->kept[0]);
    if (st == NTKB_OK && s->nested)
        st = ntkb_protocol_add(s->nested, name, gram);
    if (st == NTKB_OK && s->nested)
        st = keep_record(s->live[1], s->kept[1]);
    s->seconds += ntkb_clock_now() - t0;
    if (!quiet && st == NTKB_OK)
        fprintf(stderr, "evaluated %s (%.1f s so far)\n", name, s->seconds);
    return st;
}

/* GNTK: one pass per (R, scale) at the grid's deepest L, then every (L, jk) of the grid. */
static ntkb_status add_gntk(const ntkb_graphset *gs, const ntkb_graph_bench_opts *o, searches *s,
                            double *kernel_s)
{
    gntk_grid g = grid_for(gs->name, o);
    char dir[4200], path[4400], name[96];
    ntkb_status st = NTKB_OK;
    snprintf(dir, sizeof dir, "%s/%s", o->cache_dir, gs->name);
    if ((st = ntkb_fs_mkdir(o->cache_dir)) != NTKB_OK || (st = ntkb_fs_mkdir(dir)) != NTKB_OK)
        return st;
    for (size_t si = 0; st == NTKB_OK && si < g.n_scales; si++)
        for (size_t ri = 0; st == NTKB_OK && ri < g.n_mlp; ri++) {
            ntkb_gntk_params p = {g.blocks[g.n_blocks - 1], g.mlp[ri], g.scales[si], 0};
            const char *scale = p.scale ? "degree" : "uniform";
            double secs;
            int reused;
            snprintf(dir, sizeof dir, "%s/%s/R%d-%s-L%d", o->cache_dir, gs->name, p.mlp, scale, p.blocks);
            /* A journal left by a killed run is continued, a foreign one refused. */
            ntkb_gntk_pass_opts po = {o->threads, 0, o->quiet, 1, 1};
            if ((st = ntkb_gntk_pass_run(gs, &p, o->dataset, dir, &po, &secs, &reused, NULL)) !=
                NTKB_OK)
                break;
            *kernel_s += secs;
            if (!o->quiet)
                fprintf(stderr, "gntk R=%d %s L≤%d: %s (%.1f s)\n", p.mlp, scale, p.blocks,
                        reused ? "reused from cache" : "computed", secs);
            for (size_t li = 0; st == NTKB_OK && li < g.n_blocks; li++)
                for (int jk = 0; st == NTKB_OK && jk < 2; jk++) {
                    ntkb_gram *gram;
                    snprintf(path, sizeof path, "%s/gram-L%d-jk%d.npy", dir, g.blocks[li], jk);
                    snprintf(name, sizeof name, "L=%d R=%d %s jk=%d", g.blocks[li], p.mlp, scale, jk);
                    if ((st = ntkb_gram_load_npy(path, &gram)) != NTKB_OK)
                        break;
                    if (gram->n != gs->n_graphs) /* a cache file replaced behind our back */
                        st = ntkb_error(NTKB_EFORMAT, "%s: %zu×%zu Gram in the cache, but %s has "
                                        "%zu graphs (remove the file to recompute it)", path,
                                        gram->n, gram->n, gs->name, gs->n_graphs);
                    else
                        st = searches_add(s, name, gram->data, o->quiet);
                    ntkb_gram_free(gram);
                }
        }
    return st;
}

/* WL subtree: the Grams of h = 1..6 on the loader's tags (file tags, or the degree for the
 * social datasets, as GIN and GNTK).  One h at a time: the relabelling is cheap and COLLAB's
 * six Grams together would take 1.2 GB. */
static ntkb_status add_wl(const ntkb_graphset *gs, const ntkb_graph_bench_opts *o, searches *s,
                          double *kernel_s)
{
    ntkb_status st = NTKB_OK;
    char name[32];
    for (size_t h = 1; st == NTKB_OK && h <= WL_MAX_H; h++) {
        ntkb_gram *grams[WL_MAX_H + 1] = {0};
        uint8_t want[WL_MAX_H + 1] = {0};
        want[h] = 1;
        double t0 = ntkb_clock_now();
        st = ntkb_wl_grams(gs, h, NTKB_WL_INIT_TAGS, want, o->threads, grams, NULL);
        *kernel_s += ntkb_clock_now() - t0;
        snprintf(name, sizeof name, "h=%zu", h);
        if (st == NTKB_OK)
            st = searches_add(s, name, grams[h]->data, o->quiet);
        ntkb_gram_free(grams[h]);
    }
    return st;
}

static const char *const GRID_NAMES[] = {"released", "quick", "min"};

/* The search a row reports: "released grid; SMO max_iter 500000", "released grid (R=3, degree
 * only); LIBSVM 3.24", or for WL "h = 1..6; SMO max_iter 500000". */
static void grid_label(const ntkb_graph_bench_opts *o, int wl, int solver_kind, char *buf,
                       size_t size)
{
    char only[64] = "", solver[48];
    size_t len = 0;
    const char *sep = "";
    if (o->blocks_only > 0) {
        len += (size_t)snprintf(only + len, sizeof only - len, "L=%d", o->blocks_only);
        sep = ", ";
    }
    if (o->mlp_only > 0) {
        len += (size_t)snprintf(only + len, sizeof only - len, "%sR=%d", sep, o->mlp_only);
        sep = ", ";
    }
    if (o->scale_only >= 0)
        snprintf(only + len, sizeof only - len, "%s%s", sep,
                 o->scale_only == NTKB_GNTK_DEGREE ? "degree" : "uniform");
    if (solver_kind == NTKB_SOLVER_LIBSVM)
        snprintf(solver, sizeof solver, "LIBSVM 3.24");
    else if (solver_kind == NTKB_SOLVER_PATH)
        snprintf(solver, sizeof solver, "SMO path (converged, warm-started along C)");
    else if (o->max_iter >= 0)
        snprintf(solver, sizeof solver, "SMO max_iter %ld", o->max_iter);
    else
        snprintf(solver, sizeof solver, "SMO no max_iter");
    if (wl) /* the WL search is h = 1..6 whatever the GNTK grid */
        snprintf(buf, size, "h = 1..%d; %s", WL_MAX_H, solver);
    else if (only[0])
        snprintf(buf, size, "%s grid (%s only); %s", GRID_NAMES[o->grid], only, solver);
    else
        snprintf(buf, size, "%s grid; %s", GRID_NAMES[o->grid], solver);
}

static const char *variant_name(ntkb_svm_variant v)
{
    return v == NTKB_SVM_COSINE ? "cosine-normalised" : v == NTKB_SVM_SCALED ? "K/min K" : "raw";
}

static ntkb_report_row base_row(const ntkb_graphset *gs, const ntkb_graph_bench_opts *o,
                                const char *method, const char *protocol,
                                const ntkb_protocol_result *r, double kernel_s, double eval_s)
{
    ntkb_report_row row;
    memset(&row, 0, sizeof row);
    snprintf(row.group, sizeof row.group, "%s", gs->name);
    snprintf(row.method, sizeof row.method, "%s", method);
    snprintf(row.protocol, sizeof row.protocol, "%s", protocol);
    row.mean = 100.0 * r->mean;
    row.std = 100.0 * r->std;
    row.n = (int)r->n_folds;
    row.kernel_s = kernel_s;
    row.eval_s = eval_s;
    snprintf(row.command, sizeof row.command, "%s", o->command);
    return row;
}

/* Appends the paper and nested rows of one kernel family to graphs.csv. */
static ntkb_status report_family(const ntkb_graphset *gs, const ntkb_graph_bench_opts *o,
                                 const char *method, const searches *s, double kernel_s,
                                 const char *csv)
{
    ntkb_protocol_result r;
    ntkb_status st = ntkb_protocol_paper(s->paper, SIZE_MAX, 0, &r);
    if (st != NTKB_OK)
        return st;
    ntkb_report_row row = base_row(gs, o, method, "paper", &r, kernel_s, s->seconds);
    char grid[160];
    grid_label(o, strcmp(method, "WL") == 0, o->solver, grid, sizeof grid);
    snprintf(row.params, sizeof row.params,
             "%s, %s, C=%.4g (best of %zu candidates x 2 x %zu C; %s; %zu of %zu fits capped)",
             ntkb_protocol_candidate_name(s->paper, r.best.candidate), variant_name(r.best.variant),
             r.best.C, ntkb_protocol_n_candidates(s->paper), o->paper_C, grid, r.n_capped,
             r.n_fits);
    printf("%-10s %-5s paper : %6.2f ± %5.2f  %s\n", gs->name, method, row.mean, row.std, row.params);
    const int writer = ntkb_ranks_rank() == 0; /* over MPI ranks, rank 0 writes the rows */
    if ((writer && (st = ntkb_report_append(csv, &row)) != NTKB_OK) || !s->nested)
        return st;
    if ((st = ntkb_protocol_nested(s->nested, &r)) != NTKB_OK)
        return st;
    /* The selection differs per outer fold: report the most frequent candidate. */
    size_t best = 0, best_count = 0;
    for (size_t a = 0; a < r.n_folds; a++) {
        size_t count = 0;
        for (size_t b = 0; b < r.n_folds; b++)
            count += r.fold_best[b].candidate == r.fold_best[a].candidate;
        if (count > best_count)
            best = a, best_count = count;
    }
    row = base_row(gs, o, method, "nested", &r, kernel_s, s->seconds);
    grid_label(o, strcmp(method, "WL") == 0, o->nested_solver, grid, sizeof grid);
    snprintf(row.params, sizeof row.params,
             "inner 5-fold CV per outer fold over %zu candidates x 2 x %zu C; %s; most chosen: %s (%zu/%zu folds)",
             ntkb_protocol_n_candidates(s->nested), o->nested_C, grid,
             ntkb_protocol_candidate_name(s->nested, r.fold_best[best].candidate), best_count,
             r.n_folds);
    printf("%-10s %-5s nested: %6.2f ± %5.2f  %s\n", gs->name, method, row.mean, row.std, row.params);
    return writer ? ntkb_report_append(csv, &row) : NTKB_OK;
}

ntkb_status ntkb_graph_bench_run(const ntkb_graph_bench_opts *o)
{
    ntkb_graphset *gs = NULL;
    ntkb_folds *folds = NULL;
    searches gntk = {0}, wl = {0};
    double gntk_s = 0, wl_s = 0;
    char dir[4200], csv[4200];
    ntkb_status st = ntkb_graphset_load(o->dataset, NULL, NTKB_TAGS_AUTO, &gs);
    if (st == NTKB_OK && (st = ntkb_dataset_dir(o->dataset, NULL, dir, sizeof dir)) == NTKB_OK)
        st = ntkb_folds_read(dir, 10, gs->n_graphs, &folds);
    static const char *const csvs[] = {"graphs.csv", "published-graphs.csv"};
    if (st == NTKB_OK && (st = ntkb_report_ready(o->results_dir, csvs, 2)) == NTKB_OK &&
        (st = searches_alloc(gs, folds, o, "GNTK", &gntk)) == NTKB_OK)
        st = searches_alloc(gs, folds, o, "WL", &wl);
    if (st == NTKB_OK)
        st = add_gntk(gs, o, &gntk, &gntk_s);
    if (st == NTKB_OK)
        st = add_wl(gs, o, &wl, &wl_s);
    snprintf(csv, sizeof csv, "%s/graphs.csv", o->results_dir);
    if (st == NTKB_OK)
        st = report_family(gs, o, "GNTK", &gntk, gntk_s, csv);
    if (st == NTKB_OK)
        st = report_family(gs, o, "WL", &wl, wl_s, csv);
    if (st == NTKB_OK && ntkb_ranks_rank() == 0)
        st = ntkb_graph_bench_report(o->results_dir);
    searches_free(&gntk);
    searches_free(&wl);
    ntkb_folds_free(folds);
    ntkb_graphset_free(gs);
    return st;
}

ntkb_graph_bench_opts ntkb_graph_bench_opts_default(void)
{
    ntkb_graph_bench_opts o = {0};
    o.dataset = "MUTAG";
    o.grid = NTKB_GRID_RELEASED;
    o.cache_dir = "cache";
    o.results_dir = "results";
    o.paper_C = 120;
    o.nested_C = 20;
    o.scale_only = -1;
    o.max_iter = 500000;
    o.solver = NTKB_SOLVER_SMO;
    o.nested_solver = NTKB_SOLVER_PATH;
    return o;
}
