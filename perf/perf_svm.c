/* Speed of the paper-protocol SVM grid (src/eval/protocol.h) on one Gram.
 * usage: perf_svm [DATASET=COLLAB] [STRIDE=10] [THREADS=2] [SOLVER=smo|libsvm|both]
 *                 [GRAM.npy | wlH]
 * Evaluates the GNTK search grid — 120 C values in logspace(-2, 4), scaled and cosine Gram,
 * the dataset's 10 fixed folds: 2,400 SVM fits — restricted to every STRIDE-th C value
 * (STRIDE = 1: the whole grid), on GRAM.npy or on the WL subtree Gram of height H computed
 * here (wlH, H = 1..6; default wl5).  Prints a CSV line with the measured time and the whole-grid extrapolation
 * (measured × 120 / evaluated C values; the strided C values span the grid evenly, so they
 * sample the slow large-C solves in proportion).  Target: COLLAB ≤ 15 min.
 * SOLVER both runs LIBSVM 3.24 (the baseline) and then the C SMO solver on the same Gram in the
 * same process, one CSV line each, and says whether their grids agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/gram.h"
#include "core/status.h"
#include "eval/protocol.h"
#include "gntk/graphset.h"
#include "gntk/wl.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fail(void)
{
    fprintf(stderr, "perf_svm: %s\n", ntkb_last_error());
    return 3;
}

/* One timed paper grid; returns 0 or the exit code. */
static int run_grid(const ntkb_graphset *gs, const ntkb_folds *folds, const ntkb_gram *g,
                    const double *C, size_t n_C, int threads, ntkb_solver solver,
                    const char *dataset, double *grid)
{
    ntkb_protocol_opts o = ntkb_protocol_opts_default();
    o.C = C;
    o.n_C = n_C;
    o.threads = threads;
    o.progress = 1;
    o.solver = solver;
    ntkb_protocol *p = NULL;
    ntkb_protocol_result r;
    double t0 = now();
    if (ntkb_protocol_alloc(gs->n_graphs, gs->label, folds->n_folds, folds->train, folds->n_train,
                            folds->test, folds->n_test, &o, &p) ||
        ntkb_protocol_add(p, "gram", g->data) || ntkb_protocol_paper(p, SIZE_MAX, 0, &r))
        return fail();
    double t = now() - t0;
    for (size_t c = 0; c < n_C; c++)
        for (int v = NTKB_SVM_SCALED; v <= NTKB_SVM_COSINE; v++)
            grid[2 * c + (size_t)(v - NTKB_SVM_SCALED)] = ntkb_protocol_grid_mean(p, 0, v, c);
    printf("svm_paper_grid,%s,%s,%d,%zu,%zu,%zu,%.1f,%.1f,%.4f,%.6g\n", dataset,
           solver == NTKB_SOLVER_SMO ? "smo" : "libsvm", threads, n_C, r.n_fits, r.n_capped, t,
           t * 120.0 / (double)n_C, r.mean, r.best.C);
    fflush(stdout);
    ntkb_protocol_free(p);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dataset = argc > 1 ? argv[1] : "COLLAB";
    size_t stride = argc > 2 ? strtoul(argv[2], NULL, 10) : 10;
    int threads = argc > 3 ? atoi(argv[3]) : 2;
    const char *solver = argc > 4 ? argv[4] : "smo";
    const char *gram_path = argc > 5 ? argv[5] : NULL;
    if (stride < 1 || stride > 120)
        stride = 10;
    if (strcmp(solver, "smo") && strcmp(solver, "libsvm") && strcmp(solver, "both")) {
        fprintf(stderr, "perf_svm: SOLVER must be smo, libsvm or both (got '%s')\n", solver);
        return 1;
    }
    ntkb_graphset *gs = NULL;
    ntkb_folds *folds = NULL;
    ntkb_gram *g = NULL;
    char dir[4096];
    if (ntkb_graphset_load(dataset, NULL, NTKB_TAGS_AUTO, &gs) ||
        ntkb_dataset_dir(dataset, NULL, dir, sizeof dir) ||
        ntkb_folds_read(dir, 10, gs->n_graphs, &folds))
        return fail();
    size_t wl_h = 5;
    if (gram_path && !strncmp(gram_path, "wl", 2) && gram_path[2] >= '1' && gram_path[2] <= '6' &&
        !gram_path[3]) {
        wl_h = (size_t)(gram_path[2] - '0');
        gram_path = NULL;
    }
    if (gram_path) {
        if (ntkb_gram_load_npy(gram_path, &g))
            return fail();
    } else {
        ntkb_gram *out[7] = {0};
        uint8_t want[7] = {0};
        want[wl_h] = 1;
        if (ntkb_wl_grams(gs, wl_h, NTKB_WL_INIT_TAGS, want, threads, out, NULL))
            return fail();
        g = out[wl_h];
    }
    double C[120], grid[2][240];
    size_t n_C = 0;
    for (size_t k = stride / 2; k < 120; k += stride)
        C[n_C++] = ntkb_protocol_default_C(k, 120);
    printf("bench,dataset,solver,threads,C_values,fits,capped,seconds,extrapolated_full_grid_s,"
           "best_mean,best_C\n");
    int rc = 0, both = !strcmp(solver, "both");
    if (both || !strcmp(solver, "libsvm"))
        rc = run_grid(gs, folds, g, C, n_C, threads, NTKB_SOLVER_LIBSVM, dataset, grid[0]);
    if (!rc && (both || !strcmp(solver, "smo")))
        rc = run_grid(gs, folds, g, C, n_C, threads, NTKB_SOLVER_SMO, dataset, grid[1]);
    if (!rc && both) {
        size_t differ = 0;
        for (size_t k = 0; k < 2 * n_C; k++)
            differ += grid[0][k] != grid[1][k];
        printf("grid points where the solvers' mean accuracies differ: %zu of %zu\n", differ,
               2 * n_C);
    }
    ntkb_gram_free(g);
    ntkb_folds_free(folds);
    ntkb_graphset_free(gs);
    return rc;
}
