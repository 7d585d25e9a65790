/* CNTK with flatten and GAP readouts (docs/algorithms.md): architectures, the compiled
 * kernel and its work buffers; the per-image and per-pair recursions are in cntk_pair.c.
 *
 * Every map is stored padded: an h×w map occupies (h+2)×(w+2) doubles with a zero border, so
 * the 3×3 stencil reads zeros outside the image without branches.  The flatten path runs the
 * recursion on the same-position map [p; p]; the GAP path runs the same code once per offset
 * rectangle {[p; p − δ]} (stride 1 only), whose 𝒞-closure is the rectangle itself.
 */
#include "cntk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cntk_internal.h"
#include "cntk_mv.h"

void ntkb_cntk_arch_lantk(ntkb_cntk_arch *a, size_t channels)
{
    memset(a, 0, sizeof *a);
    static const int strides[7] = {1, 1, 1, 2, 1, 2, 1};
    size_t n = 0;
    for (int c = 0; c < 7; c++) {
        if (c > 0)
            a->ops[n++] = (ntkb_cntk_op){NTKB_CNTK_RELU, 0, 0};
        a->ops[n++] = (ntkb_cntk_op){NTKB_CNTK_CONV, strides[c], 1};
    }
    a->n_ops = n;
    a->readout = NTKB_CNTK_FLATTEN;
    a->readout_mean = 1;
    a->readout_trainable = 1;
    a->w_var = 1.0;
    a->c_sigma = 1.0;
    a->input_scale = channels ? 1.0 / (double)channels : 1.0;
}

ntkb_status ntkb_cntk_arch_arora(ntkb_cntk_arch *a, size_t depth, int gap)
{
    memset(a, 0, sizeof *a);
    if (depth < 2 || 2 * (depth - 1) > NTKB_CNTK_MAX_OPS)
        return ntkb_error(NTKB_EINVAL, "CNTK: depth must be in 2..%d, got %zu",
                          NTKB_CNTK_MAX_OPS / 2 + 1, depth);
    for (size_t l = 0; l + 1 < depth; l++) {
        a->ops[2 * l] = (ntkb_cntk_op){NTKB_CNTK_CONV, 1, !(gap && l == 0)};
        a->ops[2 * l + 1] = (ntkb_cntk_op){NTKB_CNTK_RELU, 0, 0};
    }
    a->n_ops = 2 * (depth - 1);
    a->readout = gap ? NTKB_CNTK_GAP : NTKB_CNTK_FLATTEN;
    a->readout_mean = gap ? 1 : 0; /* Arora: trace for V, mean over P² for GAP */
    a->readout_trainable = !gap;
    a->w_var = 1.0;
    a->c_sigma = 2.0;
    a->input_scale = 1.0;
    return NTKB_OK;
}


ntkb_status ntkb_cntk_alloc(const ntkb_cntk_arch *arch, size_t channels, size_t height,
                            size_t width, ntkb_cntk **out)
{
    *out = NULL;
    if (!arch || arch->n_ops == 0 || arch->n_ops > NTKB_CNTK_MAX_OPS || !channels || !height ||
        !width)
        return ntkb_error(NTKB_EINVAL, "CNTK: empty architecture or image shape");
    ntkb_cntk *k = calloc(1, sizeof *k);
    if (!k)
        return ntkb_error(NTKB_ENOMEM, "CNTK: out of memory");
    k->a = *arch;
    k->C = channels;
    k->H = height;
    k->W = width;
    size_t h = height, w = width, nconv = 0;
    k->pad_size = (h + 2) * (w + 2);
    for (size_t i = 0; i < arch->n_ops; i++) {
        const ntkb_cntk_op *op = &arch->ops[i];
        if (op->kind == NTKB_CNTK_CONV) {
            if (op->stride != 1 && op->stride != 2) {
                ntkb_cntk_free(k);
                return ntkb_error(NTKB_EINVAL, "CNTK: op %zu: stride %d (only 1 or 2)", i,
                                  op->stride);
            }
            if (op->stride != 1 && arch->readout == NTKB_CNTK_GAP) {
                ntkb_cntk_free(k);
                return ntkb_error(NTKB_EINVAL, "CNTK: GAP readout supports stride 1 only");
            }
            int pl;
            same_geom(h, op->stride, &h, &pl);
            same_geom(w, op->stride, &w, &pl);
            nconv++;
        } else if (op->kind == NTKB_CNTK_RELU) {
            k->off[i] = k->cache_size;
            k->cache_size += (h + 2) * (w + 2); /* padded, zero border: see precompute */
        } else {
            ntkb_cntk_free(k);
            return ntkb_error(NTKB_EINVAL, "CNTK: op %zu: unknown kind %d", i, (int)op->kind);
        }
        k->h[i] = h;
        k->w[i] = w;
    }
    if (nconv == 0) {
        ntkb_cntk_free(k);
        return ntkb_error(NTKB_EINVAL, "CNTK: the architecture has no convolution");
    }
    *out = k;
    return NTKB_OK;
}

void ntkb_cntk_free(ntkb_cntk *k)
{
    free(k);
}

size_t ntkb_cntk_image_size(const ntkb_cntk *k)
{
    return k->C * k->H * k->W;
}

size_t ntkb_cntk_cache_size(const ntkb_cntk *k)
{
    return k->cache_size;
}

ntkb_cntk_work *ntkb_cntk_work_alloc(const ntkb_cntk *k)
{
    ntkb_cntk_work *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    /* Buffers start zeroed; borders are re-zeroed whenever a layout changes. */
    for (int i = 0; i < 2; i++) {
        w->s[i] = calloc(k->pad_size, sizeof(double));
        w->t[i] = calloc(k->pad_size, sizeof(double));
    }
    w->v = calloc(k->pad_size, sizeof(double));
    w->vt = calloc(k->pad_size, sizeof(double));
    w->nx = calloc(k->pad_size, sizeof(double));
    w->nz = calloc(k->pad_size, sizeof(double));
    if (!w->s[0] || !w->s[1] || !w->t[0] || !w->t[1] || !w->v || !w->vt || !w->nx || !w->nz) {
        ntkb_cntk_work_free(w);
        return NULL;
    }
    return w;
}

void ntkb_cntk_work_free(ntkb_cntk_work *w)
{
    if (!w)
        return;
    for (int i = 0; i < 2; i++) {
        free(w->s[i]);
        free(w->t[i]);
    }
    free(w->v);
    free(w->vt);
    free(w->nx);
    free(w->nz);
    free(w);
}

/* The recursions: the variant of this CPU (cntk_pair.c, core/isa.h). */
void ntkb_cntk_precompute(const ntkb_cntk *k, const double *x, double *cache, ntkb_cntk_work *w)
{
    NTKB_MV_PICK(ntkb_cntk_precompute)(k, x, cache, w);
}

double ntkb_cntk_pair(const ntkb_cntk *k, const double *x, const double *cx, const double *z,
                      const double *cz, ntkb_cntk_work *w)
{
    return NTKB_MV_PICK(ntkb_cntk_pair)(k, x, cx, z, cz, w);
}
