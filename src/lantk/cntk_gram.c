/* CNTK Gram blocks: per-image caches, then square tiles of pairs: the symmetric Gram through the
 * tiled driver (OpenMP threads and MPI ranks), a rectangular block on OpenMP threads. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cntk.h"
#include "ntkb_config.h"
#include "core/clock.h"
#include "core/threads.h"
#include "core/tiles.h"

#if NTKB_HAVE_OPENMP
#include <omp.h>
#endif
#if !NTKB_HAVE_OPENMP
/* Built without OpenMP: the loops below run serially; their pragmas are expected. */
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#endif

/* Tile edge: 32 images' caches (≈ 30 KB each for the LANTK net) stay in L2 across a tile. */
#define TILE 32

static ntkb_status fill_caches(const ntkb_cntk *k, size_t n, const double *x, double *cache,
                               int threads)
{
    const size_t cs = ntkb_cntk_cache_size(k);
    int failed = 0;
    (void)threads;
#pragma omp parallel num_threads(ntkb_threads_resolve(threads)) reduction(| : failed)
    {
        ntkb_cntk_work *w = ntkb_cntk_work_alloc(k);
        if (!w)
            failed = 1;
#pragma omp for schedule(static)
        for (size_t i = 0; i < n; i++) {
            if (w)
                ntkb_cntk_precompute(k, x + i * ntkb_cntk_image_size(k), cache + i * cs, w);
        }
        ntkb_cntk_work_free(w);
    }
    return failed ? ntkb_error(NTKB_ENOMEM, "CNTK: out of memory for work buffers") : NTKB_OK;
}

/* The symmetric Gram through the tiled driver (core/tiles.h), so that it spreads over MPI
 * ranks as the GNTK Grams do; the values are the same pair calls as below. */
typedef struct {
    const ntkb_cntk *k;
    const double *x, *cache;
    ntkb_cntk_work **w; /* one per thread */
} sym_ctx;

static ntkb_status sym_fill(void *ctx, int thread, size_t r0, size_t r1, size_t c0, size_t c1,
                            double *const *blocks, size_t ld)
{
    const sym_ctx *c = ctx;
    const size_t cs = ntkb_cntk_cache_size(c->k), isz = ntkb_cntk_image_size(c->k);
    for (size_t i = r0; i < r1; i++)
        for (size_t j = c0 > i ? c0 : i; j < c1; j++)
            blocks[0][(i - r0) * ld + (j - c0)] =
                ntkb_cntk_pair(c->k, c->x + i * isz, c->cache + i * cs, c->x + j * isz,
                               c->cache + j * cs, c->w[thread]);
    return NTKB_OK;
}

static ntkb_status sym_gram(const ntkb_cntk *k, size_t n, const double *x, const double *cache,
                            int threads, int progress, ntkb_tiles_progress_fn on_progress,
                            void *arg, double *out)
{
    const int nt = ntkb_threads_resolve(threads);
    sym_ctx c = {k, x, cache, calloc((size_t)nt, sizeof(ntkb_cntk_work *))};
    ntkb_status st = c.w ? NTKB_OK : ntkb_error(NTKB_ENOMEM, "CNTK: out of memory");
    for (int t = 0; st == NTKB_OK && t < nt; t++)
        if (!(c.w[t] = ntkb_cntk_work_alloc(k)))
            st = ntkb_error(NTKB_ENOMEM, "CNTK: out of memory for work buffers");
    double *grams[1] = {out};
    ntkb_tiles_spec spec = {.n = n, .k = 1, .tile = TILE, .threads = nt, .ctx = &c,
                            .fill = sym_fill, .grams = grams, .progress = progress ? "cntk" : NULL,
                            .on_progress = on_progress, .progress_arg = arg};
    if (st == NTKB_OK)
        st = ntkb_tiles_run(&spec, NULL);
    for (int t = 0; c.w && t < nt; t++)
        ntkb_cntk_work_free(c.w[t]);
    free(c.w);
    return st;
}

ntkb_status ntkb_cntk_gram(const ntkb_cntk *k, size_t na, const double *xa, size_t nb,
                           const double *xb, int threads, int progress, double *out)
{
    return ntkb_cntk_gram_progress(k, na, xa, nb, xb, threads, progress, NULL, NULL, out);
}

ntkb_status ntkb_cntk_gram_progress(const ntkb_cntk *k, size_t na, const double *xa, size_t nb,
                                    const double *xb, int threads, int progress,
                                    ntkb_tiles_progress_fn on_progress, void *arg, double *out)
{
    if (!k || !xa || !out || na == 0 || (xb && nb == 0))
        return ntkb_error(NTKB_EINVAL, "ntkb_cntk_gram: NULL argument or empty set");
    const int sym = xb == NULL;
    if (sym)
        nb = na;
    const size_t cs = ntkb_cntk_cache_size(k), isz = ntkb_cntk_image_size(k);
    double *ca = malloc((na * cs + 1) * sizeof *ca);
    double *cb = sym ? ca : malloc((nb * cs + 1) * sizeof *cb);
    ntkb_status st = NTKB_OK;
    if (!ca || !cb) {
        st = ntkb_error(NTKB_ENOMEM, "CNTK: out of memory for %zu image caches", na + nb);
        goto done;
    }
    if ((st = fill_caches(k, na, xa, ca, threads)) != NTKB_OK)
        goto done;
    if (!sym && (st = fill_caches(k, nb, xb, cb, threads)) != NTKB_OK)
        goto done;
    if (sym) {
        st = sym_gram(k, na, xa, ca, threads, progress, on_progress, arg, out);
        goto done;
    }
    /* The rectangular block: every tile of na × nb. */
    const size_t ta = (na + TILE - 1) / TILE, tb = (nb + TILE - 1) / TILE;
    const size_t ntiles = ta * tb;
    const double total = (double)na * (double)nb;
    double done_pairs = 0.0, done_cb = 0.0, t0 = ntkb_clock_now(), last = t0;
    int failed = 0;
#pragma omp parallel num_threads(ntkb_threads_resolve(threads)) reduction(| : failed)
    {
        ntkb_cntk_work *w = ntkb_cntk_work_alloc(k);
        if (!w)
            failed = 1;
#pragma omp for schedule(dynamic, 1)
        for (size_t t = 0; t < ntiles; t++) {
            size_t bi = t / tb, bj = t % tb;
            if (!w)
                continue;
            size_t i1 = (bi + 1) * TILE < na ? (bi + 1) * TILE : na;
            size_t j1 = (bj + 1) * TILE < nb ? (bj + 1) * TILE : nb;
            size_t cnt = 0;
            for (size_t i = bi * TILE; i < i1; i++)
                for (size_t j = bj * TILE; j < j1; j++) {
                    out[i * nb + j] = ntkb_cntk_pair(k, xa + i * isz, ca + i * cs, xb + j * isz,
                                                     cb + j * cs, w);
                    cnt++;
                }
            if (on_progress) {
#pragma omp critical(ntkb_cntk_progress)
                {
                    done_cb += (double)cnt;
                    on_progress(arg, done_cb, total);
                }
            }
            if (progress) {
                double d;
#pragma omp atomic capture
                d = done_pairs += (double)cnt;
                double tn = ntkb_clock_now();
#if NTKB_HAVE_OPENMP
                if (omp_get_thread_num() == 0 && tn - last > 2.0) {
#else
                if (tn - last > 2.0) {
#endif
                    last = tn;
                    double el = tn - t0;
                    fprintf(stderr, "\rcntk: %.0f/%.0f pairs (%.1f%%), %.0f s, ETA %.0f s   ",
                            d, total, 100.0 * d / total, el, el * (total - d) / (d > 0 ? d : 1));
                }
            }
        }
        ntkb_cntk_work_free(w);
    }
    if (progress)
        fprintf(stderr, "\rcntk: %.0f pairs in %.1f s%30s\n", total, ntkb_clock_now() - t0, "");
    if (failed)
        st = ntkb_error(NTKB_ENOMEM, "CNTK: out of memory for work buffers");
done:
    free(ca);
    if (!sym)
        free(cb);
    return st;
}
