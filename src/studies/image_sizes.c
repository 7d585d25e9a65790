/* The gain against training-set size (see image_sizes.h): draws, the inner cross-validation of
 * λ, and the rows of each size. */
#include "image_sizes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/krr.h"
#include "core/rng.h"
#include "lantk/lantk.h"

const double ntkb_image_cv_grid[NTKB_IMG_CV_GRID] = {1.0, 0.1, 10.0, 0.01, 100.0, 0.0};

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The items of class cls among idx[0..n-1] (pooled labels y), shuffled, into v; their count. */
static size_t shuffled_class(size_t n, const size_t *idx, const double *y, int cls,
                             uint64_t *state, size_t *v)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if ((y[idx ? idx[i] : i] > 0) == (cls == 1))
            v[c++] = idx ? idx[i] : i;
    for (size_t i = c; i > 1; i--) { /* Fisher–Yates */
        size_t j = (size_t)ntkb_rng_chain_below(state, i), t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
    return c;
}

void ntkb_image_draw(size_t n_pool, const double *y, size_t want, uint64_t seed, uint64_t tag,
                     size_t s, size_t *tr, size_t *n_tr, size_t *scratch)
{
    uint64_t state = ntkb_rng_mix(ntkb_rng_mix(seed * 0x100000001B3ULL + tag) + s + 1);
    *n_tr = 0;
    for (int cls = 0; cls < 2; cls++) {
        size_t c = shuffled_class(n_pool, NULL, y, cls, &state, scratch);
        size_t k = (size_t)floor((double)want * (double)c / (double)n_pool + 0.5);
        k = k > c ? c : k;
        memcpy(tr + *n_tr, scratch, k * sizeof *tr);
        *n_tr += k;
    }
    qsort(tr, *n_tr, sizeof *tr, cmp_size);
}

/* Correct validation predictions of CNTK + λ·Z for every factor of the grid, added to
 * hits[g]; the blocks are the inner fold's. */
static ntkb_status grid_hits(size_t n, const double *Htr, const double *Ztr, double rule,
                             const double *ytr, size_t m, const double *Hte, const double *Zte,
                             const double *yte, double cntk_acc, double *pred, double *hits)
{
    for (int g = 0; g < NTKB_IMG_CV_GRID; g++) {
        double lam = ntkb_image_cv_grid[g] * rule, acc = cntk_acc;
        if (lam > 0) {
            ntkb_status st = ntkb_lantk_regress(n, Htr, Ztr, lam, ytr, m, Hte, Zte, pred, NULL);
            if (st != NTKB_OK)
                return st;
            acc = ntkb_krr_sign_accuracy(m, pred, yte);
        }
        hits[g] += acc * (double)m;
    }
    return NTKB_OK;
}

/* One inner fold: blocks of the fold's training and validation items, the CNTK, then the grid
 * of every enabled variant.  w: scratch of 4n² + 6n doubles. */
static ntkb_status fold_hits(const ntkb_lantk_data *d, const double *y, size_t ni,
                             const size_t *itr, size_t mi, const size_t *ite,
                             const ntkb_image_eval_opts *o, double *w,
                             double hits[NTKB_IMG_NK][NTKB_IMG_CV_GRID])
{
    const size_t N = d->N;
    double *Htr = w, *Ztr = Htr + ni * ni, *Hte = Ztr + ni * ni, *Zte = Hte + mi * ni;
    double *ytr = Zte + mi * ni, *yte = ytr + ni, *pred = yte + mi, *alpha = pred + mi;
    for (size_t i = 0; i < ni; i++) {
        ytr[i] = y[itr[i]];
        for (size_t j = 0; j < ni; j++)
            Htr[i * ni + j] = d->H[itr[i] * N + itr[j]];
    }
    for (size_t r = 0; r < mi; r++) {
        yte[r] = y[ite[r]];
        for (size_t j = 0; j < ni; j++)
            Hte[r * ni + j] = d->H[ite[r] * N + itr[j]];
    }
    ntkb_status st = ntkb_lantk_regress(ni, Htr, NULL, 0.0, ytr, mi, Hte, NULL, pred, alpha);
    if (st != NTKB_OK)
        return st;
    const double cntk = ntkb_krr_sign_accuracy(mi, pred, yte);
    for (int k = NTKB_IMG_KR_V1; k < NTKB_IMG_NK && st == NTKB_OK; k++) {
        if (!o->enabled[k])
            continue;
        st = ntkb_image_z_blocks(d, k, ni, itr, mi, ite, ytr, alpha, Htr, Hte, o, Ztr, Zte);
        if (st == NTKB_OK) {
            double rule = o->lambda >= 0 ? o->lambda
                                         : ntkb_lantk_lambda(NTKB_LANTK_LABEL_RATIO, ni * ni, Htr, Ztr);
            st = grid_hits(ni, Htr, Ztr, rule, ytr, mi, Hte, Zte, yte, cntk, pred, hits[k]);
        }
    }
    return st;
}

ntkb_status ntkb_image_cv_scales(const ntkb_lantk_data *d, const double *y, size_t n,
                                 const size_t *tr, const ntkb_image_eval_opts *o,
                                 uint64_t seed, double *scale)
{
    enum { F = 3 };
    double hits[NTKB_IMG_NK][NTKB_IMG_CV_GRID] = {{0}};
    size_t *fold = malloc(n * sizeof *fold), *v = malloc(n * sizeof *v);
    size_t *itr = malloc(n * sizeof *itr), *ite = malloc(n * sizeof *ite);
    double *w = malloc((4 * n * n + 6 * n + 1) * sizeof *w);
    ntkb_status st = NTKB_OK;
    if (!fold || !v || !itr || !ite || !w) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory (inner cross-validation, n = %zu)", n);
        goto done;
    }
    /* Stratified folds: each class's items shuffled, dealt round-robin (as positions in tr). */
    uint64_t state = ntkb_rng_mix(seed ^ 0xC0FFEE1234ULL ^ (uint64_t)tr[0] * 31 ^ n);
    for (int cls = 0; cls < 2; cls++) {
        size_t c = 0;
        for (size_t i = 0; i < n; i++)
            if ((y[tr[i]] > 0) == (cls == 1))
                v[c++] = i;
        for (size_t i = c; i > 1; i--) {
            size_t j = (size_t)ntkb_rng_chain_below(&state, i), t = v[i - 1];
            v[i - 1] = v[j];
            v[j] = t;
        }
        for (size_t i = 0; i < c; i++)
            fold[v[i]] = i % F;
    }
    for (size_t f = 0; f < F && st == NTKB_OK; f++) {
        size_t ni = 0, mi = 0;
        for (size_t i = 0; i < n; i++) {
            if (fold[i] == f)
                ite[mi++] = tr[i];
            else
                itr[ni++] = tr[i];
        }
        st = fold_hits(d, y, ni, itr, mi, ite, o, w, hits);
    }
    scale[NTKB_IMG_CNTK] = 1.0;
    for (int k = NTKB_IMG_KR_V1; k < NTKB_IMG_NK; k++) {
        int best = 0;
        for (int g = 1; g < NTKB_IMG_CV_GRID; g++)
            if (hits[k][g] > hits[k][best] + 1e-9)
                best = g;
        scale[k] = ntkb_image_cv_grid[best];
    }
done:
    free(fold);
    free(v);
    free(itr);
    free(ite);
    free(w);
    return st;
}

/* The rows of one (size, λ mode) from the per-draw accuracies, printed and appended. */
static ntkb_status emit(const ntkb_image_bench_opts *o, const ntkb_report_row *tmpl, size_t n,
                        size_t n_pool, size_t m, int cv, size_t S, const double *acc,
                        const double *lam, const double *secs)
{
    ntkb_report_row t = *tmpl, rows[NTKB_IMG_MAX_ROWS];
    snprintf(t.protocol, sizeof t.protocol, "trainsize-%zu%s", n, cv ? "-cv" : "");
    char extra[200];
    snprintf(extra, sizeof extra, "; n=%zu of %zu, test %zu, %zu draws, seed %llu; lambda %s",
             n, n_pool, m, S, (unsigned long long)o->seed, cv ? "inner CV" : "rule");
    strncat(t.params, extra, sizeof t.params - strlen(t.params) - 1);
    size_t nr = ntkb_image_rows(&t, S, acc, lam, secs, rows);
    char csv[4096];
    snprintf(csv, sizeof csv, "%s/images.csv", o->results);
    ntkb_status st = NTKB_OK;
    for (size_t r = 0; r < nr && st == NTKB_OK; r++) {
        printf("%s %s %-13s %7.2f ± %.2f\n", rows[r].group, rows[r].protocol, rows[r].method,
               rows[r].mean, rows[r].std);
        if (strcmp(o->results, "none") != 0)
            st = ntkb_report_append(csv, &rows[r]);
    }
    return st;
}

/* One draw: the rule's λ and, with cross-validation, the chosen factors. */
static ntkb_status one_draw(const ntkb_image_bench_opts *o, const ntkb_lantk_data *d,
                            const double *y, size_t n, const size_t *tr, size_t m,
                            const size_t *te, double *acc, double *lam, double *secs,
                            double *acc_cv, double *lam_cv, double *secs_cv)
{
    ntkb_image_eval_opts lo = {.lambda = o->lambda, .sketch = o->sketch, .eps = o->eps,
                               .seed = o->seed, .threads = o->threads};
    memcpy(lo.enabled, o->enabled, sizeof lo.enabled);
    ntkb_status st = ntkb_image_split(d, y, n, tr, m, te, &lo, acc, lam, secs);
    if (st != NTKB_OK || !o->lambda_cv)
        return st;
    double scale[NTKB_IMG_NK], t0 = ntkb_clock_now();
    if ((st = ntkb_image_cv_scales(d, y, n, tr, &lo, o->seed, scale)) != NTKB_OK)
        return st;
    secs_cv[NTKB_IMG_CNTK] += ntkb_clock_now() - t0; /* the search, counted once per draw */
    fprintf(stderr, "bench_lantk: inner CV (%.1f s): lambda factors", ntkb_clock_now() - t0);
    for (int k = NTKB_IMG_KR_V1; k < NTKB_IMG_NK; k++)
        if (o->enabled[k])
            fprintf(stderr, " %s %g", ntkb_image_method[k] + 6, scale[k]);
    fputc('\n', stderr);
    lo.scale = scale;
    return ntkb_image_split(d, y, n, tr, m, te, &lo, acc_cv, lam_cv, secs_cv);
}

ntkb_status ntkb_image_sizes(const ntkb_image_bench_opts *o, const ntkb_lantk_data *d,
                             const double *y, size_t n_pool, const ntkb_report_row *tmpl)
{
    const size_t N = d->N, m = N - n_pool, S = (size_t)o->splits, K = NTKB_IMG_NK;
    for (size_t i = 0; i < o->n_sizes; i++)
        if (o->train_sizes[i] < 4 || o->train_sizes[i] > n_pool)
            return ntkb_error(NTKB_EINVAL, "train size %zu: expected 4 .. %zu (the training pool; "
                              "raise --max-train)", o->train_sizes[i], n_pool);
    size_t *tr = malloc(n_pool * sizeof *tr), *scr = malloc(n_pool * sizeof *scr);
    size_t *te = malloc((m + 1) * sizeof *te);
    double *a = malloc(4 * S * K * sizeof *a);
    ntkb_status st = NTKB_OK;
    if (!tr || !scr || !te || !a) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t r = 0; r < m; r++)
        te[r] = n_pool + r;
    for (size_t i = 0; i < o->n_sizes && st == NTKB_OK; i++) {
        double secs[NTKB_IMG_NK] = {0}, secs_cv[NTKB_IMG_NK] = {0};
        double *acc = a, *lam = a + S * K, *acc_cv = a + 2 * S * K, *lam_cv = a + 3 * S * K;
        for (size_t s = 0; s < S && st == NTKB_OK; s++) {
            size_t n = 0;
            double t0 = ntkb_clock_now();
            ntkb_image_draw(n_pool, y, o->train_sizes[i], o->seed, o->train_sizes[i], s, tr, &n,
                            scr);
            st = one_draw(o, d, y, n, tr, m, te, acc + s * K, lam + s * K, secs,
                          acc_cv + s * K, lam_cv + s * K, secs_cv);
            if (st == NTKB_OK)
                fprintf(stderr, "bench_lantk: train size %zu draw %zu/%zu: CNTK %.2f "
                        "FJLT-V1 %.2f (%.1f s)\n", n, s + 1, S, acc[s * K],
                        acc[s * K + NTKB_IMG_FJLT_V1], ntkb_clock_now() - t0);
        }
        if (st == NTKB_OK)
            st = emit(o, tmpl, o->train_sizes[i], n_pool, m, 0, S, acc, lam, secs);
        if (st == NTKB_OK && o->lambda_cv)
            st = emit(o, tmpl, o->train_sizes[i], n_pool, m, 1, S, acc_cv, lam_cv, secs_cv);
    }
done:
    free(tr);
    free(scr);
    free(te);
    free(a);
    return st;
}
