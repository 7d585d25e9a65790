/* GNTK Grams through the tiled driver (core/tiles.h). */
#include "gntk.h"

#include <stdio.h>
#include <stdlib.h>

#include "gntk_internal.h"
#include "core/threads.h"
#include "ntkb_config.h"

#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct {
    ntkb_gntk_prep *prep;
    ntkb_gntk_ws **ws; /* one per thread */
    size_t k;
} gram_ctx;

static ntkb_status cb_prep(void *ctx, size_t item, int thread)
{
    gram_ctx *c = ctx;
    return ntkb_gntk_prep_graph(c->prep, item, c->ws[thread]);
}

static ntkb_status cb_fill(void *ctx, int thread, size_t r0, size_t r1, size_t c0, size_t c1,
                           double *const *blocks, size_t ld)
{
    gram_ctx *c = ctx;
    double out[128];
    for (size_t i = r0; i < r1; i++)
        for (size_t j = (c0 > i ? c0 : i); j < c1; j++) {
            ntkb_status st = ntkb_gntk_pair(c->prep, i, j, c->ws[thread], out);
            if (st != NTKB_OK)
                return st;
            for (size_t k = 0; k < c->k; k++)
                blocks[k][(i - r0) * ld + (j - c0)] = out[k];
        }
    return NTKB_OK;
}

void ntkb_gntk_fingerprint(const ntkb_graphset *gs, const ntkb_gntk_params *p, char *buf,
                           size_t cap)
{
    snprintf(buf, cap,
             "gntk dataset=%s graphs=%zu checksum=%016llx blocks=%d mlp=%d scale=%s faithful=%d",
             gs->name, gs->n_graphs, (unsigned long long)ntkb_gntk_checksum(gs), p->blocks, p->mlp,
             p->scale == NTKB_GNTK_DEGREE ? "degree" : "uniform", p->faithful);
}

ntkb_status ntkb_gntk_gram_run(const ntkb_graphset *gs, const ntkb_gntk_params *p,
                               ntkb_tiles_spec *opt, ntkb_tiles_stats *stats)
{
    gram_ctx c = {0};
    char fp[512];
    ntkb_status st = ntkb_gntk_prep_alloc(gs, p, &c.prep);
    if (st != NTKB_OK)
        return st;
    int threads = ntkb_threads_resolve(opt->threads);
    c.k = ntkb_gntk_n_out(p);
    c.ws = calloc((size_t)threads, sizeof *c.ws);
    if (!c.ws) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory for GNTK workspaces");
        goto done;
    }
    for (int t = 0; t < threads; t++)
        if (!(c.ws[t] = ntkb_gntk_ws_alloc(c.prep))) {
            st = ntkb_error(NTKB_ENOMEM, "out of memory for GNTK workspaces");
            goto done;
        }
    ntkb_gntk_fingerprint(gs, p, fp, sizeof fp);
    opt->n = gs->n_graphs;
    opt->k = c.k;
    opt->threads = threads;
    opt->ctx = &c;
    opt->prep = cb_prep;
    opt->fill = cb_fill;
    opt->fingerprint = fp;
    st = ntkb_tiles_run(opt, stats);
    opt->fingerprint = NULL;
done:
    if (c.ws)
        for (int t = 0; t < threads; t++)
            ntkb_gntk_ws_free(c.ws[t]);
    free(c.ws);
    ntkb_gntk_prep_free(c.prep);
    return st;
}

ntkb_status ntkb_gntk_gram(const ntkb_graphset *gs, const ntkb_gntk_params *p, int threads,
                           double *const *grams)
{
    return ntkb_gntk_gram_progress(gs, p, threads, grams, NULL, NULL);
}

ntkb_status ntkb_gntk_gram_progress(const ntkb_graphset *gs, const ntkb_gntk_params *p,
                                    int threads, double *const *grams,
                                    ntkb_tiles_progress_fn on_progress, void *arg)
{
    ntkb_tiles_spec opt = {0};
    opt.threads = threads;
    opt.grams = grams;
    opt.tile = 32;
    opt.on_progress = on_progress;
    opt.progress_arg = arg;
    return ntkb_gntk_gram_run(gs, p, &opt, NULL);
}
