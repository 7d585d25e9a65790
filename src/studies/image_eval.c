/* bench_lantk: one split of a pooled class pair through the CNTK and the LANTK variants,
 * stratified resplits, and the result rows of a protocol. */
#include "image_eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/krr.h"
#include "lantk/fjlt.h"
#include "lantk/lantk.h"
#include "core/clock.h"
#include "core/rng.h"

const char *const ntkb_image_method[NTKB_IMG_NK] = {"CNTK", "LANTK-KR-V1", "LANTK-KR-V2", "LANTK-FJLT-V1",
                                      "LANTK-FJLT-V2"};

/* --fjlt sketch: replaces the exact coefficients w by the sketched ones and reports on stderr
 * how far the sketched train-block Z is from the exact one (relative Frobenius distance).
 * scratch: n×n. */
static ntkb_status sketch_instead(const ntkb_lantk_feat *f, size_t n, const size_t *tr,
                                  const double *ytr, const ntkb_image_eval_opts *o, double *w, double *scratch)
{
    double ws[NTKB_LANTK_MAX_FEAT], dz = 0.0, ze = 0.0, re = 0.0, rs = 0.0, t0 = ntkb_clock_now();
    size_t k_rows = 0;
    ntkb_status st = ntkb_lantk_ols_sketch(f, n, tr, ytr, o->eps, o->seed, o->threads, ws, &k_rows);
    if (st != NTKB_OK)
        return st;
    double t1 = ntkb_clock_now();
    ntkb_lantk_feat_z(f, w, n, tr, n, tr, o->threads, scratch);
    for (size_t i = 0; i < n; i++) {
        double phi[NTKB_LANTK_MAX_FEAT];
        for (size_t j = 0; j < n; j++) {
            ntkb_lantk_feat_pair(f, tr[i], tr[j], phi);
            double z = 0.0;
            for (size_t u = 0; u < f->p; u++)
                z += ws[u] * phi[u];
            const double e = scratch[i * n + j], t = ytr[i] * ytr[j];
            dz += (z - e) * (z - e);
            ze += e * e;
            re += (t - e) * (t - e);
            rs += (t - z) * (t - z);
        }
    }
    /* The sketch guarantees rss_sketch ≤ (1 + ε)²·rss_exact (w.h.p.); Z moves by
     * ‖Z_s − Z_e‖² = rss_s − rss_e, large relative to ‖Z_e‖ when the fit explains little. */
    fprintf(stderr, "bench_lantk: FJLT sketch (p = %zu, eps = %g, k = %zu rows, %.1f s): "
            "rss_sketch/rss_exact - 1 = %.3g, R^2 (uncentred) = %.4f, "
            "|Z_sketch - Z_exact|_F / |Z_exact|_F = %.3g on the train block\n", f->p, o->eps,
            k_rows, t1 - t0, re > 0 ? rs / re - 1.0 : 0.0, 1.0 - re / ((double)n * (double)n),
            ze > 0 ? sqrt(dz / ze) : 0.0);
    memcpy(w, ws, f->p * sizeof *w);
    return NTKB_OK;
}

ntkb_status ntkb_image_z_blocks(const ntkb_lantk_data *d, int k, size_t n, const size_t *tr,
                            size_t m, const size_t *te, const double *ytr, const double *alpha,
                            const double *Htr, const double *Hte, const ntkb_image_eval_opts *o, double *Ztr,
                            double *Zte)
{
    if (k == NTKB_IMG_KR_V1 || k == NTKB_IMG_KR_V2) {
        ntkb_lantk_kr kr;
        ntkb_status st = ntkb_lantk_kr_fit(d->H, d->N, n, tr, k == NTKB_IMG_KR_V1 ? ytr : alpha, &kr);
        if (st != NTKB_OK)
            return st;
        ntkb_lantk_kr_block(&kr, Htr, n, n, n, Ztr);
        ntkb_lantk_kr_block(&kr, Hte, n, m, n, Zte);
        return NTKB_OK;
    }
    ntkb_lantk_feat *f = NULL;
    double w[NTKB_LANTK_MAX_FEAT];
    ntkb_status st =
        ntkb_lantk_feat_alloc(d, k == NTKB_IMG_FJLT_V1 ? NTKB_LANTK_V7 : NTKB_LANTK_V8, n, tr, &f);
    if (st == NTKB_OK)
        st = ntkb_lantk_ols_exact(f, n, tr, ytr, o->threads, w);
    if (st == NTKB_OK && o->sketch)
        st = sketch_instead(f, n, tr, ytr, o, w, Ztr);
    if (st == NTKB_OK) {
        ntkb_lantk_feat_z(f, w, n, tr, n, tr, o->threads, Ztr);
        ntkb_lantk_feat_z(f, w, m, te, n, tr, o->threads, Zte);
    }
    ntkb_lantk_feat_free(f);
    return st;
}

ntkb_status ntkb_image_split(const ntkb_lantk_data *d, const double *y, size_t n, const size_t *tr,
                     size_t m, const size_t *te, const ntkb_image_eval_opts *o, double *acc, double *lam,
                     double *secs)
{
    const size_t N = d->N;
    double *Htr = malloc(n * n * sizeof *Htr), *Ztr = malloc(n * n * sizeof *Ztr);
    double *Hte = malloc(m * n * sizeof *Hte), *Zte = malloc(m * n * sizeof *Zte);
    double *ytr = malloc(n * sizeof *ytr), *yte = malloc(m * sizeof *yte);
    double *pred = malloc(m * sizeof *pred), *alpha = malloc(n * sizeof *alpha);
    ntkb_status st = NTKB_OK;
    if (!Htr || !Ztr || !Hte || !Zte || !ytr || !yte || !pred || !alpha) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory (n = %zu)", n);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        ytr[i] = y[tr[i]];
        for (size_t j = 0; j < n; j++)
            Htr[i * n + j] = d->H[tr[i] * N + tr[j]];
    }
    for (size_t r = 0; r < m; r++) {
        yte[r] = y[te[r]];
        for (size_t j = 0; j < n; j++)
            Hte[r * n + j] = d->H[te[r] * N + tr[j]];
    }
    for (int k = 0; k < NTKB_IMG_NK; k++) {
        acc[k] = NAN;
        lam[k] = 0.0;
    }
    double t0 = ntkb_clock_now();
    if ((st = ntkb_lantk_regress(n, Htr, NULL, 0.0, ytr, m, Hte, NULL, pred, alpha)) != NTKB_OK)
        goto done;
    acc[NTKB_IMG_CNTK] = 100.0 * ntkb_krr_sign_accuracy(m, pred, yte);
    secs[NTKB_IMG_CNTK] += ntkb_clock_now() - t0;
    for (int k = NTKB_IMG_KR_V1; k < NTKB_IMG_NK; k++) {
        if (!o->enabled[k])
            continue;
        t0 = ntkb_clock_now();
        st = ntkb_image_z_blocks(d, k, n, tr, m, te, ytr, alpha, Htr, Hte, o, Ztr, Zte);
        if (st != NTKB_OK)
            goto done;
        lam[k] = o->lambda >= 0 ? o->lambda
                                : ntkb_lantk_lambda(NTKB_LANTK_LABEL_RATIO, n * n, Htr, Ztr);
        lam[k] *= o->scale ? o->scale[k] : 1.0;
        st = ntkb_lantk_regress(n, Htr, Ztr, lam[k], ytr, m, Hte, Zte, pred, NULL);
        if (st != NTKB_OK)
            goto done;
        acc[k] = 100.0 * ntkb_krr_sign_accuracy(m, pred, yte);
        secs[k] += ntkb_clock_now() - t0;
    }
done:
    free(Htr);
    free(Ztr);
    free(Hte);
    free(Zte);
    free(ytr);
    free(yte);
    free(pred);
    free(alpha);
    return st;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

void ntkb_image_resplit(size_t N, const double *y, uint64_t seed, size_t s, size_t *tr, size_t *n_tr,
                size_t *te, size_t *n_te)
{
    uint64_t state = ntkb_rng_mix(seed * 0x100000001B3ULL + s + 1);
    *n_tr = *n_te = 0;
    for (int cls = 0; cls < 2; cls++) {
        size_t c = 0;
        for (size_t i = 0; i < N; i++) /* the class's items, in pooled order, into te scratch */
            if ((y[i] > 0) == (cls == 1))
                te[*n_te + c++] = i;
        size_t *v = te + *n_te;
        for (size_t i = c; i > 1; i--) { /* Fisher–Yates */
            size_t j = (size_t)ntkb_rng_chain_below(&state, i), t = v[i - 1];
            v[i - 1] = v[j];
            v[j] = t;
        }
        size_t k = (size_t)floor(0.8 * (double)c + 0.5);
        memcpy(tr + *n_tr, v, k * sizeof *v);
        memmove(v, v + k, (c - k) * sizeof *v);
        *n_tr += k;
        *n_te += c - k;
    }
    qsort(tr, *n_tr, sizeof *tr, cmp_size);
    qsort(te, *n_te, sizeof *te, cmp_size);
}

/* Mean and (ddof = 1) standard deviation of x[s·stride] for s < S. */
static void mean_sd(size_t S, const double *x, size_t stride, double *mean, double *sd)
{
    double m = 0.0, v = 0.0;
    for (size_t s = 0; s < S; s++)
        m += x[s * stride] / (double)S;
    for (size_t s = 0; s < S; s++)
        v += (x[s * stride] - m) * (x[s * stride] - m);
    *mean = m;
    *sd = S > 1 ? sqrt(v / (double)(S - 1)) : 0.0;
}

static void add_row(const ntkb_report_row *tmpl, const char *method, double mean, double std,
                    size_t S, double secs, const char *extra, ntkb_report_row *r)
{
    *r = *tmpl;
    snprintf(r->method, sizeof r->method, "%s", method);
    r->mean = mean;
    r->std = std;
    r->n = (int)S;
    r->eval_s = secs;
    snprintf(r->params, sizeof r->params, "%.175s; %.78s", tmpl->params, extra);
}

size_t ntkb_image_rows(const ntkb_report_row *tmpl, size_t S, const double *acc, const double *lam,
               const double *secs, ntkb_report_row *rows)
{
    size_t nr = 0;
    double mean[NTKB_IMG_NK], sd[NTKB_IMG_NK], dmean[NTKB_IMG_NK], dse[NTKB_IMG_NK];
    double *diff = malloc(S * sizeof *diff);
    if (!diff)
        return 0;
    int best = -1;
    for (int k = 0; k < NTKB_IMG_NK; k++) {
        if (isnan(acc[k]))
            continue;
        double lm, lsd;
        char extra[96];
        mean_sd(S, acc + k, NTKB_IMG_NK, &mean[k], &sd[k]);
        mean_sd(S, lam + k, NTKB_IMG_NK, &lm, &lsd);
        if (k == NTKB_IMG_CNTK)
            snprintf(extra, sizeof extra, "ridgeless LU");
        else
            snprintf(extra, sizeof extra, "lambda=%.4g%s", lm, S > 1 ? " (mean over splits)" : "");
        add_row(tmpl, ntkb_image_method[k], mean[k], sd[k], S, secs[k], extra, &rows[nr++]);
        if (k == NTKB_IMG_CNTK)
            continue;
        for (size_t s = 0; s < S; s++)
            diff[s] = acc[s * NTKB_IMG_NK + k] - acc[s * NTKB_IMG_NK + NTKB_IMG_CNTK];
        mean_sd(S, diff, 1, &dmean[k], &dse[k]);
        dse[k] /= sqrt((double)S);
        if (best < 0 || mean[k] > mean[best])
            best = k;
    }
    for (int k = NTKB_IMG_KR_V1; k < NTKB_IMG_NK; k++) {
        if (isnan(acc[k]))
            continue;
        char method[64];
        snprintf(method, sizeof method, "diff %s", ntkb_image_method[k] + 6);
        add_row(tmpl, method, dmean[k], dse[k], S, 0.0, "paired LANTK - CNTK, +- standard error",
                &rows[nr++]);
    }
    if (best > 0) {
        char extra[128];
        snprintf(extra, sizeof extra,
                 "best variant by mean test accuracy: %s (test-set selection)",
                 ntkb_image_method[best] + 6);
        add_row(tmpl, "LANTK-best", mean[best], sd[best], S, 0.0, extra, &rows[nr++]);
        add_row(tmpl, "diff best", dmean[best], dse[best], S, 0.0, extra, &rows[nr++]);
    }
    free(diff);
    return nr;
}
