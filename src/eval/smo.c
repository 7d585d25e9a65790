#include "smo.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "smo_solve.h"

/* Rows of the solver's position-ordered cache per fold (smo_rows.c): 32 MB holds every row of
 * a PROTEINS or NCI1 binary problem, 2,000 of COLLAB's. */
#define ROW_CACHE_BYTES ((size_t)32 << 20)

struct ntkb_smo_fold {
    const double *gram;  /* borrowed, n×n */
    const int64_t *labels; /* borrowed, [n] */
    size_t n, l, k;
    size_t *item;        /* [l] Gram row of each fold row; fold rows grouped by class */
    int64_t *label;      /* [k] class labels, ascending (sklearn's order) */
    size_t *start;       /* [k + 1] first fold row of each class */
    float *kf;           /* [l·l] the training Gram as LIBSVM's solver sees it */
    double *diag;        /* [l] its diagonal in double */
    double *coef;        /* pair p's signed coefficients at coef + p·l (first c_a + c_b used) */
    double *rho;         /* [k(k-1)/2] */
    double *alpha0;      /* [l] work: a warm start */
    double C_fit;        /* C of the last fit */
    int *rows;           /* [l] work: fold rows of one binary problem */
    signed char *y0;     /* [l] work: their ±1 labels */
    smo_solver s;        /* work arrays of the solver, [l] each */
    int fitted;
};

ntkb_smo_params ntkb_smo_params_default(void)
{
    ntkb_smo_params p = {.eps = 1e-3, .shrinking = 1, .max_iter = 500000, .warm = 0};
    return p;
}

void ntkb_smo_fold_free(ntkb_smo_fold *f)
{
    if (!f)
        return;
    free(f->item);
    free(f->label);
    free(f->start);
    free(f->kf);
    free(f->diag);
    free(f->coef);
    free(f->rho);
    free(f->rows);
    free(f->y0);
    free(f->alpha0);
    ntkb_smo_rows_free(&f->s.rows);
    free(f->s.fp);
    free(f->s.act);
    free(f->s.y);
    free(f->s.status);
    free(f->s.alpha);
    free(f->s.flags);
    free(f->s.yG);
    free(f->s.yGb);
    free(f->s.qd);
    free(f->s.vup);
    free(f->s.obj);
    free(f);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Class labels (sorted, unique) and the stable class-grouped order of the training rows:
 * svm_group_classes of sklearn's LIBSVM fork. */
static ntkb_status group_classes(ntkb_smo_fold *f, const int64_t *labels, const size_t *train)
{
    const size_t l = f->l;
    int64_t *sorted = malloc(l * sizeof *sorted);
    if (!sorted)
        return ntkb_error(NTKB_ENOMEM, "smo: out of memory");
    for (size_t t = 0; t < l; t++)
        sorted[t] = labels[train[t]];
    qsort(sorted, l, sizeof *sorted, cmp_i64);
    size_t k = 0;
    for (size_t t = 0; t < l; t++)
        if (t == 0 || sorted[t] != sorted[t - 1])
            sorted[k++] = sorted[t];
    f->k = k;
    f->label = sorted; /* the first k entries */
    f->start = calloc(k + 1, sizeof *f->start);
    size_t *next = malloc(k * sizeof *next), *cls = malloc(l * sizeof *cls);
    if (!f->start || !next || !cls) {
        free(next);
        free(cls);
        return ntkb_error(NTKB_ENOMEM, "smo: out of memory");
    }
    for (size_t t = 0; t < l; t++) {
        int64_t y = labels[train[t]];
        const int64_t *hit = bsearch(&y, f->label, k, sizeof y, cmp_i64);
        cls[t] = (size_t)(hit - f->label);
        f->start[cls[t] + 1]++;
    }
    for (size_t c = 0; c < k; c++) {
        f->start[c + 1] += f->start[c];
        next[c] = f->start[c];
    }
    for (size_t t = 0; t < l; t++)
        f->item[next[cls[t]]++] = train[t];
    free(cls);
    free(next);
    return NTKB_OK;
}

static ntkb_status alloc_work(ntkb_smo_fold *f)
{
    const size_t l = f->l, pairs = f->k * (f->k - 1) / 2;
    f->kf = malloc(l * l * sizeof *f->kf);
    f->diag = malloc(l * sizeof *f->diag);
    f->coef = malloc((pairs ? pairs : 1) * l * sizeof *f->coef);
    f->rho = malloc((pairs ? pairs : 1) * sizeof *f->rho);
    f->rows = malloc(l * sizeof *f->rows);
    f->y0 = malloc(l);
    f->s.fp = malloc(l * sizeof(int));
    f->s.act = malloc(l * sizeof(int));
    f->s.y = malloc(l);
    f->s.status = malloc(l);
    f->s.flags = malloc(l);
    f->s.alpha = malloc(l * sizeof(double));
    f->s.yG = malloc(l * sizeof(double));
    f->s.yGb = malloc(l * sizeof(double));
    f->s.qd = malloc(l * sizeof(double));
    f->s.vup = malloc(l * sizeof(double));
    f->s.obj = malloc(l * sizeof(double));
    f->alpha0 = malloc(l * sizeof(double));
    const int rows_bad = ntkb_smo_rows_alloc(&f->s.rows, l, ROW_CACHE_BYTES);
    if (!f->kf || !f->diag || !f->coef || !f->rho || !f->rows || !f->y0 || !f->s.fp ||
        !f->s.act || !f->s.y || !f->s.status || !f->s.flags || !f->s.alpha || !f->s.yG ||
        !f->s.yGb || !f->s.qd || !f->s.vup || !f->s.obj || !f->alpha0 || rows_bad)
        return ntkb_error(NTKB_ENOMEM, "smo: cannot allocate a fold of %zu rows (%.0f MB)", l,
                          4e-6 * (double)l * (double)l);
    f->s.kf = f->kf;
    f->s.ldk = l;
    f->s.kdiag = f->diag;
    return NTKB_OK;
}

ntkb_status ntkb_smo_fold_alloc(const double *gram, size_t n, const int64_t *labels,
                                const size_t *train, size_t n_train, ntkb_smo_fold **out)
{
    if (!out || !gram || !labels || !train || n_train == 0 || n == 0)
        return ntkb_error(NTKB_EINVAL, "smo: NULL argument or empty training set");
    *out = NULL;
    if (n_train >= (size_t)INT_MAX / 2)
        return ntkb_error(NTKB_EINVAL, "smo: %zu training rows exceed the solver's int range",
                          n_train);
    for (size_t t = 0; t < n_train; t++)
        if (train[t] >= n)
            return ntkb_error(NTKB_EINVAL, "smo: training index %zu out of range (n = %zu)",
                              train[t], n);
    ntkb_smo_fold *f = calloc(1, sizeof *f);
    if (!f)
        return ntkb_error(NTKB_ENOMEM, "smo: out of memory");
    f->gram = gram;
    f->labels = labels;
    f->n = n;
    f->l = n_train;
    f->item = malloc(n_train * sizeof *f->item);
    ntkb_status st = f->item ? group_classes(f, labels, train)
                             : ntkb_error(NTKB_ENOMEM, "smo: out of memory");
    if (!st)
        st = alloc_work(f);
    for (size_t a = 0; a < n_train && !st; a++) {
        const double *g = gram + f->item[a] * n;
        for (size_t b = 0; b < n_train; b++) {
            const double v = g[f->item[b]];
            const float q = (float)v;
            if (!isfinite(q)) { /* LIBSVM would go on with inf and end in NaN */
                st = ntkb_error(NTKB_ENUMERIC,
                                "smo: Gram entry (%zu, %zu) = %g is not finite in single "
                                "precision (the solver's kernel values, as LIBSVM's)",
                                f->item[a], f->item[b], v);
                break;
            }
            f->kf[a * n_train + b] = q;
        }
        f->diag[a] = g[f->item[a]];
    }
    if (st) {
        ntkb_smo_fold_free(f);
        return st;
    }
    *out = f;
    return NTKB_OK;
}

size_t ntkb_smo_fold_n_classes(const ntkb_smo_fold *f)
{
    return f ? f->k : 0;
}

ntkb_status ntkb_smo_fold_fit(ntkb_smo_fold *f, double C, const ntkb_smo_params *params,
                              ntkb_smo_info *info)
{
    ntkb_smo_params p = params ? *params : ntkb_smo_params_default();
    if (!f || !(C > 0.0) || !isfinite(C) || !(p.eps > 0.0) || p.max_iter < -1)
        return ntkb_error(NTKB_EINVAL, "smo: NULL fold, C <= 0, eps <= 0 or max_iter < -1");
    ntkb_smo_info in = {0};
    size_t pair = 0;
    for (size_t a = 0; a < f->k; a++)
        for (size_t b = a + 1; b < f->k; b++, pair++) {
            /* sub-problem: class a (+1) then class b (-1), each in fold order */
            int m = 0;
            for (size_t r = f->start[a]; r < f->start[a + 1]; r++, m++) {
                f->rows[m] = (int)r;
                f->y0[m] = +1;
            }
            for (size_t r = f->start[b]; r < f->start[b + 1]; r++, m++) {
                f->rows[m] = (int)r;
                f->y0[m] = -1;
            }
            long it = 0;
            double *coef = f->coef + pair * f->l;
            const double *alpha0 = NULL;
            if (p.warm && f->fitted) { /* the previous solution, scaled into [0, C]: feasible */
                const double r = C / f->C_fit;
                for (int t = 0; t < m; t++) {
                    const double a = fabs(coef[t]); /* coef = α·y exactly */
                    f->alpha0[t] = a >= f->C_fit || a * r > C ? C : a * r;
                }
                alpha0 = f->alpha0;
            }
            in.n_capped += (size_t)ntkb_smo_solve(&f->s, f->rows, f->y0, m, C, p.eps,
                                                  p.shrinking, p.max_iter, alpha0, coef,
                                                  &f->rho[pair], &it);
            in.iterations += it;
            in.n_solves++;
        }
    f->fitted = 1;
    f->C_fit = C;
    if (info)
        *info = in;
    return NTKB_OK;
}

/* sum + Σ coef·K over one class block of a pair, skipping zero coefficients (LIBSVM sums over
 * the model's support vectors only; a skipped term is ±0 and cannot change the sum). */
static double block_sum(double sum, const ntkb_smo_fold *f, const double *g, const double *coef,
                        size_t first, size_t last)
{
    for (size_t r = first; r < last; r++)
        if (coef[r - first] != 0.0)
            sum += coef[r - first] * g[f->item[r]];
    return sum;
}

ntkb_status ntkb_smo_fold_predict(const ntkb_smo_fold *f, size_t item, double *dec,
                                  int64_t *label)
{
    if (!f || !f->fitted || item >= f->n || !label)
        return ntkb_error(NTKB_EINVAL, "smo: not fitted, or item %zu out of range", item);
    const double *g = f->gram + item * f->n;
    int votes[64] = {0};
    int *vote = f->k <= 64 ? votes : calloc(f->k, sizeof *vote);
    if (!vote)
        return ntkb_error(NTKB_ENOMEM, "smo: out of memory");
    size_t pair = 0;
    for (size_t a = 0; a < f->k; a++)
        for (size_t b = a + 1; b < f->k; b++, pair++) {
            const double *coef = f->coef + pair * f->l;
            const size_t ca = f->start[a + 1] - f->start[a];
            double sum = block_sum(0.0, f, g, coef, f->start[a], f->start[a + 1]);
            sum = block_sum(sum, f, g, coef + ca, f->start[b], f->start[b + 1]);
            sum -= f->rho[pair];
            if (dec)
                dec[pair] = sum;
            ++vote[sum > 0 ? a : b];
        }
    size_t best = 0;
    for (size_t c = 1; c < f->k; c++)
        if (vote[c] > vote[best])
            best = c;
    *label = f->label[best];
    if (vote != votes)
        free(vote);
    return NTKB_OK;
}

ntkb_status ntkb_smo_fold_correct(const ntkb_smo_fold *f, const size_t *test, size_t n_test,
                                  size_t *n_correct, int64_t *pred)
{
    if (!f || (n_test && !test) || !n_correct)
        return ntkb_error(NTKB_EINVAL, "smo: NULL argument");
    size_t ok = 0;
    for (size_t t = 0; t < n_test; t++) {
        int64_t yhat;
        ntkb_status st = ntkb_smo_fold_predict(f, test[t], NULL, &yhat);
        if (st)
            return st;
        if (pred)
            pred[t] = yhat;
        ok += yhat == f->labels[test[t]];
    }
    *n_correct = ok;
    return NTKB_OK;
}
