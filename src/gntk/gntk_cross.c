/* GNTK cross Grams: the kernel between two groups of one graph set (test × train) without the
 * Grams inside either group.  Both groups live in one graph set so that they share one tag
 * numbering; the column group comes first and every entry is the pair kernel evaluated as
 * (column graph, row graph), the order in which the full Gram of that set evaluates it — so a
 * cross Gram equals the corresponding block of the full Gram bit for bit. */
#include "gntk.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/threads.h"

#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct {
    int st;                  /* first error (read atomically: workers poll it) */
    char msg[1024];          /* its message, taken from the worker thread that met it */
    double done, total;      /* progress in pairs */
    ntkb_tiles_progress_fn on_progress;
    void *arg;
} cross_run;

static int failed(cross_run *r)
{
    return __atomic_load_n(&r->st, __ATOMIC_ACQUIRE) != NTKB_OK;
}

static void keep_error(cross_run *r, ntkb_status st)
{
#pragma omp critical(ntkb_gntk_cross_err)
    if (!failed(r)) {
        snprintf(r->msg, sizeof r->msg, "%s", ntkb_last_error());
        __atomic_store_n(&r->st, (int)st, __ATOMIC_RELEASE);
    }
}

/* One row graph against every column graph (and itself when diag is wanted). */
static ntkb_status cross_row(const ntkb_gntk_prep *prep, size_t k_out, size_t n_b, size_t r,
                             ntkb_gntk_ws *ws, double *const *grams, double *const *diag)
{
    double out[128];
    ntkb_status st;
    for (size_t c = 0; c < n_b; c++) {
        if ((st = ntkb_gntk_pair(prep, c, n_b + r, ws, out)) != NTKB_OK)
            return st;
        for (size_t k = 0; k < k_out; k++)
            grams[k][r * n_b + c] = out[k];
    }
    if (diag) {
        if ((st = ntkb_gntk_pair(prep, n_b + r, n_b + r, ws, out)) != NTKB_OK)
            return st;
        for (size_t k = 0; k < k_out; k++)
            diag[k][r] = out[k];
    }
    return NTKB_OK;
}

static void run_parallel(ntkb_gntk_prep *prep, size_t N, size_t n_b, size_t k_out,
                         ntkb_gntk_ws **ws, int threads, double *const *grams,
                         double *const *diag, cross_run *run)
{
#pragma omp parallel num_threads(threads)
    {
        int tid = 0;
#ifdef _OPENMP
        tid = omp_get_thread_num();
#endif
#pragma omp for schedule(dynamic, 4)
        for (size_t g = 0; g < N; g++) {
            ntkb_status st = failed(run) ? NTKB_OK : ntkb_gntk_prep_graph(prep, g, ws[tid]);
            if (st != NTKB_OK)
                keep_error(run, st);
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t r = 0; r < N - n_b; r++) {
            if (failed(run))
                continue;
            ntkb_status st = cross_row(prep, k_out, n_b, r, ws[tid], grams, diag);
            if (st != NTKB_OK) {
                keep_error(run, st);
                continue;
            }
#pragma omp critical(ntkb_gntk_cross_progress)
            {
                run->done += (double)n_b;
                if (run->on_progress)
                    run->on_progress(run->arg, run->done, run->total);
            }
        }
    }
}

ntkb_status ntkb_gntk_cross(const ntkb_graphset *gs, const ntkb_gntk_params *p, size_t n_b,
                            int threads, double *const *grams, double *const *diag,
                            ntkb_tiles_progress_fn on_progress, void *arg)
{
    if (!gs || !p || !grams)
        return ntkb_error(NTKB_EINVAL, "GNTK cross Gram: NULL argument");
    if (n_b == 0 || n_b >= gs->n_graphs)
        return ntkb_error(NTKB_EINVAL, "GNTK cross Gram: %zu column graphs of %zu: expected "
                          "at least one graph in each group", n_b, gs->n_graphs);
    ntkb_gntk_prep *prep = NULL;
    ntkb_status st = ntkb_gntk_prep_alloc(gs, p, &prep);
    if (st != NTKB_OK)
        return st;
    threads = ntkb_threads_resolve(threads);
    ntkb_gntk_ws **ws = calloc((size_t)threads, sizeof *ws);
    if (!ws) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory for GNTK workspaces");
        goto done;
    }
    for (int t = 0; t < threads; t++)
        if (!(ws[t] = ntkb_gntk_ws_alloc(prep))) {
            st = ntkb_error(NTKB_ENOMEM, "out of memory for GNTK workspaces");
            goto done;
        }
    cross_run run = {.total = (double)n_b * (double)(gs->n_graphs - n_b),
                     .on_progress = on_progress, .arg = arg};
    run_parallel(prep, gs->n_graphs, n_b, ntkb_gntk_n_out(p), ws, threads, grams, diag, &run);
    if (run.st != NTKB_OK)
        st = ntkb_error((ntkb_status)run.st, "%s", run.msg);
done:
    if (ws)
        for (int t = 0; t < threads; t++)
            ntkb_gntk_ws_free(ws[t]);
    free(ws);
    ntkb_gntk_prep_free(prep);
    return st;
}
