/* The CNTK recursions of one image (its diagonal cache) and of one pair: 3×3 stencils on padded
 * maps and the ReLU layers of core/dual_layer.c.  Compiled once per ISA level (core/isa.h). */
#include "cntk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cntk_internal.h"
#include "cntk_mv.h"
#include "core/dual_mv.h"

static void zero_border(double *m, size_t h, size_t w)
{
    size_t p = w + 2;
    memset(m, 0, p * sizeof *m);
    memset(m + (h + 1) * p, 0, p * sizeof *m);
    for (size_t i = 1; i <= h; i++) {
        m[i * p] = 0.0;
        m[i * p + w + 1] = 0.0;
    }
}

/* Stride-1 conv of a padded h×w map as two contiguous passes (column sums, then row sums), so
 * that narrow GAP rectangles vectorise as well as full images; the side borders computed on the
 * way are re-zeroed.  Same contract as conv_plane; v, vt: pad-size scratch. */
static void conv_s1(size_t h, size_t w, const double *restrict in, const double *restrict tin,
                    double *restrict out, double *restrict tout, double scale, int add,
                    double *restrict v, double *restrict vt)
{
    const size_t p = w + 2, lo = p, hi = (h + 1) * p;
    const double a = add ? 1.0 : 0.0;
    if (tin) { /* both maps in one sweep: half the loop overhead on narrow GAP rectangles */
        for (size_t q = lo; q < hi; q++) {
            v[q] = in[q - p] + in[q] + in[q + p];
            vt[q] = tin[q - p] + tin[q] + tin[q + p];
        }
        for (size_t q = lo + 1; q < hi - 1; q++) {
            double o = scale * (v[q - 1] + v[q] + v[q + 1]);
            out[q] = o;
            tout[q] = scale * (vt[q - 1] + vt[q] + vt[q + 1]) + a * o;
        }
        zero_border(tout, h, w);
    } else {
        for (size_t q = lo; q < hi; q++)
            v[q] = in[q - p] + in[q] + in[q + p];
        for (size_t q = lo + 1; q < hi - 1; q++)
            out[q] = scale * (v[q - 1] + v[q] + v[q + 1]);
        if (tout) {
            for (size_t q = lo + 1; q < hi - 1; q++)
                tout[q] = a * out[q];
            zero_border(tout, h, w);
        }
    }
    zero_border(out, h, w);
}

/* One 3×3 conv on a padded map, stride s, JAX 'SAME'.  out = scale·𝒞(in); when tout is set,
 * tout = scale·𝒞(tin) (tin NULL: Θ = 0) plus out when `add`.  v, vt: (wi+2)-double scratch.
 * Returns the output size in *ho, *wo. */
static void conv_plane(size_t hi, size_t wi, int s, const double *in, const double *tin,
                       double *out, double *tout, double scale, int add, double *v, double *vt,
                       size_t *ho_out, size_t *wo_out)
{
    size_t ho, wo;
    int plh, plw;
    same_geom(hi, s, &ho, &plh);
    same_geom(wi, s, &wo, &plw);
    const size_t pi = wi + 2, po = wo + 2;
    const size_t offr = (size_t)(1 - plh), offc = (size_t)(1 - plw);
    for (size_t i = 0; i < ho; i++) {
        const double *r0 = in + ((size_t)s * i + offr) * pi, *r1 = r0 + pi, *r2 = r1 + pi;
        for (size_t c = 0; c < pi; c++)
            v[c] = r0[c] + r1[c] + r2[c];
        if (tin) {
            const double *t0 = tin + ((size_t)s * i + offr) * pi, *t1 = t0 + pi, *t2 = t1 + pi;
            for (size_t c = 0; c < pi; c++)
                vt[c] = t0[c] + t1[c] + t2[c];
        }
        double *o = out + (i + 1) * po + 1;
        if (s == 1) {
            for (size_t j = 0; j < wo; j++)
                o[j] = scale * (v[j + offc] + v[j + offc + 1] + v[j + offc + 2]);
        } else {
            for (size_t j = 0; j < wo; j++) {
                size_t b = (size_t)s * j + offc;
                o[j] = scale * (v[b] + v[b + 1] + v[b + 2]);
            }
        }
        if (!tout)
            continue;
        double *ot = tout + (i + 1) * po + 1;
        const double a = add ? 1.0 : 0.0;
        if (!tin) {
            for (size_t j = 0; j < wo; j++)
                ot[j] = a * o[j];
        } else {
            for (size_t j = 0; j < wo; j++) {
                size_t b = (size_t)s * j + offc;
                ot[j] = scale * (vt[b] + vt[b + 1] + vt[b + 2]) + a * o[j];
            }
        }
    }
    zero_border(out, ho, wo);
    if (tout)
        zero_border(tout, ho, wo);
    *ho_out = ho;
    *wo_out = wo;
}

void NTKB_MV(ntkb_cntk_precompute)(const ntkb_cntk *k, const double *x, double *cache,
                                   ntkb_cntk_work *w)
{
    const size_t H = k->H, W = k->W, P = H * W;
    double *s = w->s[0];
    zero_border(s, H, W);
    for (size_t i = 0; i < H; i++)
        for (size_t j = 0; j < W; j++) {
            double acc = 0.0;
            for (size_t c = 0; c < k->C; c++) {
                double px = x[c * P + i * W + j];
                acc += px * px;
            }
            s[(i + 1) * (W + 2) + j + 1] = k->a.input_scale * acc;
        }
    int cur = 0;
    size_t h = H, wd = W;
    const double half_c = 0.5 * k->a.c_sigma;
    for (size_t op = 0; op < k->a.n_ops; op++) {
        const ntkb_cntk_op *o = &k->a.ops[op];
        if (o->kind == NTKB_CNTK_CONV) {
            conv_plane(h, wd, o->stride, w->s[cur], NULL, w->s[1 - cur], NULL,
                       k->a.w_var / 9.0, 0, w->v, w->vt, &h, &wd);
            cur = 1 - cur;
            continue;
        }
        /* The cache keeps the padded layout (zero border), so the flatten path runs the ReLU
         * on a contiguous range of the map and the border stays zero (ρ = 0 where a norm is 0). */
        double *m = w->s[cur], *cc = cache + k->off[op];
        const size_t np = (h + 2) * (wd + 2);
        for (size_t q = 0; q < np; q++) {
            cc[q] = sqrt(m[q] > 0.0 ? m[q] : 0.0);
            m[q] *= half_c; /* E[relu(u)²] = q/2 at ρ = 1 */
        }
        zero_border(cc, h, wd);
    }
}

/* The recursion on one offset rectangle δ = (di, dj): pairs [p; p − δ], p in x's image.
 * Returns Σ over the rectangle's final map of Θ (+Σ when the readout is trained). */
static double run_plane(const ntkb_cntk *k, ntkb_cntk_work *w, const double *x,
                        const double *cx, const double *z, const double *cz, long di, long dj)
{
    const size_t H = k->H, W = k->W, P = H * W;
    const size_t i0 = di > 0 ? (size_t)di : 0, j0 = dj > 0 ? (size_t)dj : 0;
    size_t h = H - (size_t)labs(di), wd = W - (size_t)labs(dj);
    double *s = w->s[0];
    zero_border(s, h, wd);
    for (size_t i = 0; i < h; i++) {
        double *row = s + (i + 1) * (wd + 2) + 1;
        const double *xr = x + (i0 + i) * W + j0;
        const double *zr = z + (size_t)((long)(i0 + i) - di) * W + (size_t)((long)j0 - dj);
        for (size_t j = 0; j < wd; j++)
            row[j] = xr[j] * zr[j];
        for (size_t c = 1; c < k->C; c++)
            for (size_t j = 0; j < wd; j++)
                row[j] += xr[c * P + j] * zr[c * P + j];
        for (size_t j = 0; j < wd; j++)
            row[j] *= k->a.input_scale;
    }
    int cur = 0, t_zero = 1;
    for (size_t op = 0; op < k->a.n_ops; op++) {
        const ntkb_cntk_op *o = &k->a.ops[op];
        if (o->kind == NTKB_CNTK_CONV) {
            int t_out = !t_zero || o->trainable;
            const double *tin = t_zero ? NULL : w->t[cur];
            double *tout = t_out ? w->t[1 - cur] : NULL;
            if (o->stride == 1)
                conv_s1(h, wd, w->s[cur], tin, w->s[1 - cur], tout, k->a.w_var / 9.0,
                        o->trainable, w->v, w->vt);
            else
                conv_plane(h, wd, o->stride, w->s[cur], tin, w->s[1 - cur], tout,
                           k->a.w_var / 9.0, o->trainable, w->v, w->vt, &h, &wd);
            t_zero = !t_out;
            cur = 1 - cur;
            continue;
        }
        /* ReLU on the contiguous interior range [p, (h+1)p) of the padded map; the side-border
         * entries inside it see zero norms and stay zero. */
        const size_t p = wd + 2, lw = k->w[op] + 2; /* lw: the cache's padded row length */
        const double *ca = cx + k->off[op], *cb = cz + k->off[op];
        if (di != 0 || dj != 0) { /* gather both images' norms onto this rectangle */
            for (size_t i = 1; i <= h; i++) {
                memcpy(w->nx + i * p + 1, ca + (i0 + i) * lw + j0 + 1, wd * sizeof(double));
                memcpy(w->nz + i * p + 1,
                       cb + (size_t)((long)(i0 + i) - di) * lw + (size_t)((long)j0 - dj) + 1,
                       wd * sizeof(double));
                w->nx[i * p] = w->nz[i * p] = 0.0;
                w->nx[i * p + wd + 1] = w->nz[i * p + wd + 1] = 0.0;
            }
            ca = w->nx;
            cb = w->nz;
        }
        NTKB_MV(ntkb_dual_relu_layer)(h * p, w->s[cur] + p, t_zero ? NULL : w->t[cur] + p, ca + p, cb + p,
                             k->a.c_sigma);
    }
    double acc = 0.0;
    for (size_t i = 0; i < h; i++) {
        const double *sr = w->s[cur] + (i + 1) * (wd + 2) + 1;
        const double *tr = w->t[cur] + (i + 1) * (wd + 2) + 1;
        for (size_t j = 0; j < wd; j++)
            acc += (t_zero ? 0.0 : tr[j]) + (k->a.readout_trainable ? sr[j] : 0.0);
    }
    return acc;
}

double NTKB_MV(ntkb_cntk_pair)(const ntkb_cntk *k, const double *x, const double *cx, const double *z,
                      const double *cz, ntkb_cntk_work *w)
{
    double pf = (double)(k->h[k->a.n_ops - 1] * k->w[k->a.n_ops - 1]);
    double r;
    if (k->a.readout == NTKB_CNTK_FLATTEN) {
        r = run_plane(k, w, x, cx, z, cz, 0, 0);
        if (k->a.readout_mean)
            r /= pf;
    } else {
        r = 0.0;
        for (long di = -(long)k->H + 1; di < (long)k->H; di++)
            for (long dj = -(long)k->W + 1; dj < (long)k->W; dj++)
                r += run_plane(k, w, x, cx, z, cz, di, dj);
        if (k->a.readout_mean)
            r /= pf * pf;
    }
    return k->a.w_var * r;
}
