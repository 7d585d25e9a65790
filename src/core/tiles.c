/* The tiled parallel Gram driver: see tiles.h. */
#include "tiles_internal.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "journal.h"
#include "ranks.h"
#include "threads.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* The pairs of tile t (a diagonal tile's upper triangle), for the progress line. */
static double tile_pairs(const drv *d, size_t t)
{
    size_t r0 = d->tr[t] * d->T, c0 = d->tc[t] * d->T, n = d->sp->n;
    double h = (double)((r0 + d->T < n ? r0 + d->T : n) - r0);
    double w = (double)((c0 + d->T < n ? c0 + d->T : n) - c0);
    return r0 == c0 ? h * (h + 1) / 2 : h * w;
}

/* The first failure so far; threads poll it to stop early, so it is read atomically. */
static ntkb_status get_error(const drv *d)
{
    return (ntkb_status)__atomic_load_n((const int *)&d->err, __ATOMIC_ACQUIRE);
}

/* Records the first failure (status and the calling thread's message). */
static void set_error(drv *d, ntkb_status st)
{
    pthread_mutex_lock(&d->lock);
    if (get_error(d) == NTKB_OK) {
        snprintf(d->errmsg, sizeof d->errmsg, "%s", ntkb_last_error());
        __atomic_store_n((int *)&d->err, (int)st, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&d->lock);
}

/* The next tile to compute, or −1 (none left, or stopping after an error).  Any thread of
 * rank 0, including the MPI service thread. */
static int64_t take_tile(void *ctx)
{
    drv *d = ctx;
    if (get_error(d) != NTKB_OK)
        return -1;
    size_t q = __atomic_fetch_add(&d->next_todo, 1, __ATOMIC_ACQ_REL);
    return q < d->n_todo ? (int64_t)d->todo[q] : -1;
}

/* After a tile: journal bookkeeping, progress line (≤ 1 per second), periodic group commit. */
static void tile_finished(drv *d, size_t t)
{
    pthread_mutex_lock(&d->lock);
    d->pairs_done += tile_pairs(d, t);
    d->computed++;
    if (d->journal.fd >= 0)
        d->pending[d->n_pending++] = t;
    double now = ntkb_clock_now();
    ntkb_status st = NTKB_OK;
    if (d->journal.fd >= 0 && (d->sync_each || now - d->t_last_sync >= 1.0))
        st = ntkb_tiles_durable_sync(d);
    if (d->sp->on_progress)
        d->sp->on_progress(d->sp->progress_arg, d->pairs_done + d->pairs_skipped, d->pairs_total);
    if (d->sp->progress && now - d->t_last_print >= 1.0) {
        double el = now - d->t_start, todo = d->pairs_total - d->pairs_skipped;
        double frac = todo > 0 ? d->pairs_done / todo : 1.0;
        double eta = frac > 0 ? el * (1.0 - frac) / frac : 0.0;
        fprintf(stderr, "%s: %5.1f%% of %.0f pairs (tiles %zu/%zu), %.0f s elapsed, ETA %.0f s\n",
                d->sp->progress, 100.0 * (d->pairs_done + d->pairs_skipped) / d->pairs_total,
                d->pairs_total, d->computed + d->skipped, d->count, el, eta);
        d->t_last_print = now;
    }
    size_t computed = d->computed;
    pthread_mutex_unlock(&d->lock);
    if (st != NTKB_OK)
        set_error(d, st);
    if (d->stop_after && computed >= d->stop_after)
        set_error(d, ntkb_error(NTKB_EINTERNAL, "stopped after %zu tiles (test hook)", computed));
}

/* Fills tile t into blocks[k] (ld = T) and mirrors a diagonal tile. */
static ntkb_status compute_tile(drv *d, size_t t, int tid, double *const *blocks)
{
    const ntkb_tiles_spec *sp = d->sp;
    size_t T = d->T, r0 = d->tr[t] * T, c0 = d->tc[t] * T;
    size_t r1 = r0 + T < sp->n ? r0 + T : sp->n, c1 = c0 + T < sp->n ? c0 + T : sp->n;
    if (d->fail_here == 2 && __atomic_add_fetch(&d->computed, 1, __ATOMIC_ACQ_REL) == 2)
        raise(SIGKILL); /* test hook: this rank dies as under kill -9 */
    ntkb_status st = d->fail_here == 1 ? ntkb_error(NTKB_EINTERNAL, "injected failure (test hook)")
                                       : sp->fill(sp->ctx, tid, r0, r1, c0, c1, blocks, T);
    if (st == NTKB_OK && r0 == c0)
        for (size_t k = 0; k < sp->k; k++)
            for (size_t i = 0; i < r1 - r0; i++)
                for (size_t j = i + 1; j < r1 - r0; j++)
                    blocks[k][j * T + i] = blocks[k][i * T + j];
    return st;
}

/* Rank 0 (or the only process): store a worker's tile (called on the service thread). */
static ntkb_status recv_tile(void *ctx, int rank, int64_t task, void *data, size_t bytes)
{
    drv *d = ctx;
    const size_t TT = d->T * d->T;
    if (task < 0 || (size_t)task >= d->count || bytes != d->sp->k * TT * sizeof(double))
        return ntkb_error(NTKB_EINTERNAL, "rank %d sent tile %lld with %zu bytes", rank,
                          (long long)task, bytes);
    double *blocks[128];
    for (size_t k = 0; k < d->sp->k && k < 128; k++)
        blocks[k] = (double *)data + k * TT;
    ntkb_status st = ntkb_tiles_store(d, (size_t)task, blocks, d->svc_tbuf);
    if (st == NTKB_OK)
        tile_finished(d, (size_t)task);
    return st;
}

/* One thread's tiles.  Locally (pool NULL, or rank 0) from the shared list; on a worker rank
 * from rank 0 through the pool, each finished tile going back with the next request. */
static void thread_tiles(drv *d, ntkb_ranks_pool *pool, int tid, double *buf,
                         double *const *blocks)
{
    const size_t bytes = d->sp->k * d->T * d->T * sizeof(double);
    const int worker = pool && ntkb_ranks_rank() > 0;
    int64_t t, done = -1;
    while ((t = worker ? ntkb_ranks_pool_next(pool, done, buf + d->T * d->T, bytes)
                       : take_tile(d)) >= 0) {
        if (pool && !worker && ntkb_ranks_pool_failed(pool))
            break;
        ntkb_status st = compute_tile(d, (size_t)t, tid, blocks);
        if (st != NTKB_OK && worker) {
            char msg[1100];
            size_t r0 = d->tr[t] * d->T, c0 = d->tc[t] * d->T, n = d->sp->n;
            snprintf(msg, sizeof msg, "tile (%zu, %zu) (rows %zu..%zu, columns %zu..%zu): %s",
                     d->tr[t], d->tc[t], r0, (r0 + d->T < n ? r0 + d->T : n) - 1, c0,
                     (c0 + d->T < n ? c0 + d->T : n) - 1, ntkb_last_error());
            ntkb_ranks_pool_fail(pool, st, msg);
            return;
        }
        if (worker) {
            done = t;
            continue;
        }
        if (st == NTKB_OK)
            st = ntkb_tiles_store(d, (size_t)t, blocks, buf);
        if (st != NTKB_OK)
            set_error(d, st);
        else
            tile_finished(d, (size_t)t);
    }
}

/* The tile loop over OpenMP threads (and, with a pool, over ranks). */
static void run_tiles(drv *d, int threads, ntkb_ranks_pool *pool)
{
    const ntkb_tiles_spec *sp = d->sp;
    size_t T = d->T;
#pragma omp parallel num_threads(threads)
    {
        int tid = 0;
#ifdef _OPENMP
        tid = omp_get_thread_num();
#endif
        double *buf = malloc((sp->k + 1) * T * T * sizeof *buf);
        double **blocks = malloc(sp->k * sizeof *blocks);
        if (!buf || !blocks) {
            set_error(d, ntkb_error(NTKB_ENOMEM, "out of memory for tile buffers"));
            if (pool && ntkb_ranks_rank() > 0)
                ntkb_ranks_pool_fail(pool, NTKB_ENOMEM, "out of memory for tile buffers");
        } else {
            for (size_t k = 0; k < sp->k; k++)
                blocks[k] = buf + (k + 1) * T * T;
            thread_tiles(d, pool, tid, buf, blocks);
        }
        free(buf);
        free(blocks);
    }
}

/* Prep phase: the per-item callback over all items in parallel (on every rank). */
static void run_prep(drv *d, int threads)
{
    const ntkb_tiles_spec *sp = d->sp;
    if (!sp->prep)
        return;
#pragma omp parallel for schedule(dynamic, 4) num_threads(threads)
    for (size_t i = 0; i < sp->n; i++) {
        if (get_error(d) != NTKB_OK)
            continue;
        int tid = 0;
#ifdef _OPENMP
        tid = omp_get_thread_num();
#endif
        ntkb_status st = sp->prep(sp->ctx, i, tid);
        if (st != NTKB_OK)
            set_error(d, st);
    }
}

/* Over MPI ranks: every rank computes tiles that rank 0 hands out; rank 0 writes them all. */
static void run_ranks(drv *d, int threads)
{
    ntkb_ranks_pool *pool = NULL;
    size_t bytes = d->sp->k * d->T * d->T * sizeof(double);
    ntkb_status st = ntkb_ranks_pool_open(&pool, take_tile, recv_tile, d, bytes);
    if (st != NTKB_OK) {
        set_error(d, st);
        return;
    }
    if (ntkb_ranks_rank() > 0 && get_error(d) != NTKB_OK) {
        char msg[1100];
        snprintf(msg, sizeof msg, "precompute: %s", d->errmsg);
        ntkb_ranks_pool_fail(pool, get_error(d), msg);
    } else {
        run_tiles(d, threads, pool);
    }
    st = ntkb_ranks_pool_close(pool);
    if (st != NTKB_OK)
        set_error(d, st);
}

static ntkb_status drv_init(drv *d, const ntkb_tiles_spec *sp)
{
    memset(d, 0, sizeof *d);
    d->sp = sp;
    d->T = sp->tile ? sp->tile : 64;
    /* Tests stop whole programs after k tiles through the environment; the value is read once,
     * here, never by the threads. */
    const char *stop = getenv("NTKB_TILES_STOP_AFTER");
    d->stop_after = sp->stop_after ? sp->stop_after : stop ? (size_t)strtoull(stop, NULL, 10) : 0;
    d->nt = (sp->n + d->T - 1) / d->T;
    d->count = d->nt * (d->nt + 1) / 2;
    d->tr = malloc((d->count + 1) * sizeof *d->tr);
    d->tc = malloc((d->count + 1) * sizeof *d->tc);
    d->done = calloc(d->count + 1, 1);
    d->pending = malloc((d->count + 1) * sizeof *d->pending);
    d->fds = malloc((sp->k + 1) * sizeof *d->fds);
    d->renamed = calloc(sp->k + 1, 1);
    d->todo = malloc((d->count + 1) * sizeof *d->todo);
    d->svc_tbuf = malloc(d->T * d->T * sizeof *d->svc_tbuf);
    pthread_mutex_init(&d->lock, NULL);
    d->journal.fd = -1;
    const char *fail = getenv("NTKB_TILES_FAIL_RANK");
    /* Tests make one rank fail ("R") or die ("R,kill") through the environment. */
    if (fail && ntkb_ranks_size() > 1 && atoi(fail) == ntkb_ranks_rank() && ntkb_ranks_rank() > 0)
        d->fail_here = strstr(fail, ",kill") ? 2 : 1;
    d->sync_each = ntkb_journal_crash_armed();
    if (!d->tr || !d->tc || !d->done || !d->pending || !d->fds || !d->renamed || !d->todo ||
        !d->svc_tbuf)
        return ntkb_error(NTKB_ENOMEM, "out of memory for %zu tiles", d->count);
    for (size_t k = 0; k < sp->k; k++)
        d->fds[k] = -1;
    size_t t = 0;
    for (size_t r = 0; r < d->nt; r++)
        for (size_t c = r; c < d->nt; c++) {
            d->tr[t] = r;
            d->tc[t++] = c;
        }
    double n = (double)sp->n;
    d->pairs_total = n * (n + 1) / 2;
    return NTKB_OK;
}

static void drv_release(drv *d)
{
    if (d->fds)
        for (size_t k = 0; k < d->sp->k; k++)
            if (d->fds[k] >= 0)
                close(d->fds[k]);
    ntkb_journal_close(&d->journal);
    free(d->renamed);
    free(d->todo);
    free(d->svc_tbuf);
    pthread_mutex_destroy(&d->lock);
    free(d->tr);
    free(d->tc);
    free(d->done);
    free(d->pending);
    free(d->fds);
}

/* Over ranks, rank 0's status and message become every rank's (collective). */
static ntkb_status share_status(ntkb_status st)
{
    if (ntkb_ranks_size() < 2)
        return st;
    struct {
        int32_t st;
        char msg[1100];
    } m = {(int32_t)st, ""};
    if (st != NTKB_OK)
        snprintf(m.msg, sizeof m.msg, "%s", ntkb_last_error());
    if (ntkb_ranks_bcast(&m, sizeof m) != NTKB_OK)
        return NTKB_EINTERNAL;
    ntkb_ranks_error_shared(m.st != NTKB_OK);
    return m.st == NTKB_OK ? NTKB_OK : ntkb_error((ntkb_status)m.st, "%s", m.msg);
}

/* Rank 0's in-memory Grams to every rank. */
static ntkb_status share_grams(const drv *d)
{
    for (size_t k = 0; d->sp->grams && k < d->sp->k; k++) {
        ntkb_status st = ntkb_ranks_bcast(d->sp->grams[k], d->sp->n * d->sp->n * sizeof(double));
        if (st != NTKB_OK)
            return st;
    }
    return NTKB_OK;
}

/* Rank 0: opens the outputs, marks the tiles to do, prints the resume line. */
static ntkb_status plan(drv *d)
{
    const ntkb_tiles_spec *sp = d->sp;
    ntkb_status st = NTKB_OK;
    if (sp->out_dir)
        st = ntkb_tiles_durable_open(d);
    if (st == NTKB_OK && sp->out_dir && sp->grams)
        st = ntkb_tiles_durable_load(d);
    if (st != NTKB_OK)
        return st;
    for (size_t t = 0; t < d->count; t++)
        if (d->done[t]) {
            d->skipped++;
            d->pairs_skipped += tile_pairs(d, t);
        } else {
            d->todo[d->n_todo++] = t;
        }
    if (d->skipped && sp->progress)
        fprintf(stderr, "%s: resuming: %zu of %zu tiles already done\n", sp->progress, d->skipped,
                d->count);
    return NTKB_OK;
}

ntkb_status ntkb_tiles_run(const ntkb_tiles_spec *sp, ntkb_tiles_stats *stats)
{
    if (!sp || !sp->fill || sp->n == 0 || sp->k == 0 || (!sp->grams && !sp->out_dir) ||
        (sp->out_dir && !sp->names) || sp->k > 128)
        return ntkb_error(NTKB_EINVAL, "tiles: need n, 1..128 outputs, a fill callback and an "
                          "output");
    int threads = ntkb_threads_resolve(sp->threads);
    const int root = ntkb_ranks_rank() == 0, ranks = ntkb_ranks_size() > 1;
    drv d;
    ntkb_status st = drv_init(&d, sp);
    if (st != NTKB_OK && !root)
        goto done; /* this rank alone failed: the program aborts the job (ntkb_ranks_finish) */
    if (st == NTKB_OK && root)
        st = plan(&d);
    if ((st = share_status(st)) != NTKB_OK)
        goto done;
    d.t_start = d.t_last_sync = d.t_last_print = ntkb_clock_now();
    run_prep(&d, threads);
    double t_prep = ntkb_clock_now();
    if (ranks)
        run_ranks(&d, threads);
    else if (d.err == NTKB_OK)
        run_tiles(&d, threads, NULL);
    double t_fill = ntkb_clock_now();
    if (d.journal.fd >= 0) {
        ntkb_status s2 = ntkb_tiles_durable_sync(&d);
        if (s2 != NTKB_OK)
            set_error(&d, s2);
    }
    st = d.err != NTKB_OK ? ntkb_error(d.err, "%s", d.errmsg) : NTKB_OK;
    if (st == NTKB_OK && root && sp->out_dir)
        st = ntkb_tiles_durable_finish(&d);
    if (ranks && (st = share_status(st)) == NTKB_OK)
        st = share_grams(&d);
    if (stats) {
        stats->tiles_total = d.count;
        stats->tiles_skipped = d.skipped;
        stats->tiles_computed = d.computed;
        stats->seconds_prep = t_prep - d.t_start;
        stats->seconds_fill = t_fill - t_prep;
    }
done:
    drv_release(&d);
    return st;
}
