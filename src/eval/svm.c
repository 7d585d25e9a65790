#include "svm.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <libsvm/svm.h>

#include "ntkb_config.h"
#include "core/threads.h"
#if NTKB_HAVE_OPENMP
#include <omp.h>
#endif

static void print_nothing(const char *s)
{
    (void)s;
}

void ntkb_svm_silence(void)
{
    svm_set_print_string_function(print_nothing);
}

ntkb_svm_params ntkb_svm_params_default(void)
{
    ntkb_svm_params p = {.eps = 1e-3, .cache_mb = 200.0, .shrinking = 1, .max_iter = 500000};
    return p;
}

/* LIBSVM reads x[j][0] of every training row j to compute one kernel column: one access per
 * row, rows 16·(n+2) bytes apart, i.e. one page per row with 4 KiB pages — a TLB miss per
 * kernel value once n exceeds the TLB reach (COLLAB: 4,500 rows per fold).  Transparent huge
 * pages (2 MiB, where the kernel allows them through madvise) cut that to one page per ~26
 * rows.  Measured on 80 COLLAB fits (WL Gram, 4 C values, 2 threads, shared machine): user
 * time 41.4–42.7 s with huge pages against 43.7–44.7 s without — a few per cent, kept because
 * it costs nothing.  The per-element LIBSVM kernel call (Kernel::kernel_precomputed, 40 % of
 * the profile) is the real cost, and it is LIBSVM's. */
static void *alloc_nodes(size_t bytes)
{
#ifdef MADV_HUGEPAGE
    const size_t huge = (size_t)2 << 20;
    if (bytes >= huge) {
        void *mem = NULL;
        size_t rounded = (bytes + huge - 1) / huge * huge;
        if (posix_memalign(&mem, huge, rounded) != 0)
            return NULL;
        (void)madvise(mem, rounded, MADV_HUGEPAGE); /* advisory: failure only costs speed */
        return mem;
    }
#endif
    return malloc(bytes);
}

ntkb_status ntkb_svm_rows_alloc(size_t n, ntkb_svm_rows **out)
{
    if (!out || n == 0 || n >= (size_t)INT_MAX - 2)
        return ntkb_error(NTKB_EINVAL, "svm rows: need 1 <= n < INT_MAX-2 (got %zu)", n);
    *out = NULL;
    ntkb_svm_rows *r = calloc(1, sizeof *r);
    if (!r)
        return ntkb_error(NTKB_ENOMEM, "svm rows: out of memory");
    r->n = n;
    if (n > SIZE_MAX / sizeof(struct svm_node) / (n + 2))
        goto nomem;
    r->nodes = alloc_nodes(n * (n + 2) * sizeof(struct svm_node));
    r->row = malloc(n * sizeof *r->row);
    if (!r->nodes || !r->row)
        goto nomem;
    for (size_t i = 0; i < n; i++)
        r->row[i] = r->nodes + i * (n + 2);
    r->scale = 1.0;
    *out = r;
    return NTKB_OK;
nomem:
    ntkb_svm_rows_free(r);
    return ntkb_error(NTKB_ENOMEM, "svm rows: cannot allocate %zu×%zu nodes (%.0f MB)", n, n + 2,
                      (double)n * (double)(n + 2) * 16.0 / 1e6);
}

void ntkb_svm_rows_free(ntkb_svm_rows *rows)
{
    if (!rows)
        return;
    free(rows->nodes);
    free(rows->row);
    free(rows);
}

/* Minimum of the Gram and a finiteness check in one pass. */
static ntkb_status gram_min(const double *gram, size_t n, double *min_out)
{
    double m = INFINITY;
    for (size_t k = 0; k < n * n; k++) {
        if (!isfinite(gram[k]))
            return ntkb_error(NTKB_ENUMERIC, "svm rows: Gram entry (%zu, %zu) is not finite",
                              k / n, k % n);
        if (gram[k] < m)
            m = gram[k];
    }
    *min_out = m;
    return NTKB_OK;
}

/* The variant's global scale and (cosine) the square roots of the scaled diagonal; *d_out
 * is NULL unless cosine, owned by the caller. */
static ntkb_status variant_prep(const double *gram, size_t n, ntkb_svm_variant variant,
                                double *scale_out, double **d_out)
{
    *d_out = NULL;
    if (!gram || variant < NTKB_SVM_RAW || variant > NTKB_SVM_COSINE)
        return ntkb_error(NTKB_EINVAL, "svm: NULL Gram or unknown variant");
    double m = 0.0;
    ntkb_status st = gram_min(gram, n, &m);
    if (st)
        return st;
    /* search.py: gram /= gram.min(), skipped when that would flip signs or divide by 0. */
    const double scale = (variant != NTKB_SVM_RAW && m > 0.0) ? m : 1.0;
    if (variant == NTKB_SVM_COSINE) {
        double *d = malloc(n * sizeof *d);
        if (!d)
            return ntkb_error(NTKB_ENOMEM, "svm: out of memory");
        for (size_t i = 0; i < n; i++) {
            double kii = gram[i * n + i] / scale;
            d[i] = kii > 0.0 ? sqrt(kii) : 0.0;
        }
        *d_out = d;
    }
    *scale_out = scale;
    return NTKB_OK;
}

/* Entry (i, k) of the variant; numpy's order: gram_nor /= diag[:, None]; /= diag[None, :]. */
static inline double variant_entry(double g, double scale, const double *d, size_t i, size_t k)
{
    double v = g / scale;
    if (d)
        v = (d[i] > 0.0 && d[k] > 0.0) ? (v / d[i]) / d[k] : 0.0;
    return v;
}

ntkb_status ntkb_svm_gram_variant(const double *gram, size_t n, ntkb_svm_variant variant,
                                  int threads, double *out, double *scale_out)
{
    if (!out || n == 0)
        return ntkb_error(NTKB_EINVAL, "svm: NULL output or empty Gram");
    double scale = 1.0, *d = NULL;
    ntkb_status st = variant_prep(gram, n, variant, &scale, &d);
    if (st)
        return st;
    (void)threads;
#if NTKB_HAVE_OPENMP
#pragma omp parallel for schedule(static) num_threads(ntkb_threads_resolve(threads))
#endif
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n; k++)
            out[i * n + k] = variant_entry(gram[i * n + k], scale, d, i, k);
    free(d);
    if (scale_out)
        *scale_out = scale;
    return NTKB_OK;
}

ntkb_status ntkb_svm_rows_fill(ntkb_svm_rows *rows, const double *gram, ntkb_svm_variant variant,
                               int threads)
{
    if (!rows)
        return ntkb_error(NTKB_EINVAL, "svm rows: NULL argument");
    const size_t n = rows->n;
    double scale = 1.0, *d = NULL;
    ntkb_status st = variant_prep(gram, n, variant, &scale, &d);
    if (st)
        return st;
    (void)threads;
#if NTKB_HAVE_OPENMP
#pragma omp parallel for schedule(static) num_threads(ntkb_threads_resolve(threads))
#endif
    for (size_t i = 0; i < n; i++) {
        struct svm_node *r = rows->row[i];
        const double *g = gram + i * n;
        r[0].index = 0;
        r[0].value = (double)(i + 1);
        for (size_t k = 0; k < n; k++) {
            r[k + 1].index = (int)(k + 1);
            r[k + 1].value = variant_entry(g[k], scale, d, i, k);
        }
        r[n + 1].index = -1;
        r[n + 1].value = 0.0;
    }
    free(d);
    rows->variant = variant;
    rows->scale = scale;
    return NTKB_OK;
}

typedef struct {
    int64_t label;
    size_t pos;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->label != y->label)
        return x->label < y->label ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Builds the LIBSVM problem: training rows in ascending label order, stable (see svm.h). */
static ntkb_status build_problem(const ntkb_svm_rows *rows, const int64_t *labels,
                                 const size_t *train, size_t n_train, struct svm_problem *prob)
{
    keyed *k = malloc(n_train * sizeof *k);
    prob->x = malloc(n_train * sizeof *prob->x);
    prob->y = malloc(n_train * sizeof *prob->y);
    if (!k || !prob->x || !prob->y) {
        free(k);
        return ntkb_error(NTKB_ENOMEM, "svm: out of memory for a problem of %zu rows", n_train);
    }
    for (size_t t = 0; t < n_train; t++) {
        if (train[t] >= rows->n) {
            free(k);
            return ntkb_error(NTKB_EINVAL, "svm: training index %zu out of range (n = %zu)",
                              train[t], rows->n);
        }
        int64_t y = labels[train[t]];
        if (y < INT_MIN || y > INT_MAX) {
            free(k);
            return ntkb_error(NTKB_EINVAL, "svm: label %lld does not fit LIBSVM's int labels",
                              (long long)y);
        }
        k[t].label = y;
        k[t].pos = t;
    }
    qsort(k, n_train, sizeof *k, keyed_cmp);
    for (size_t t = 0; t < n_train; t++) {
        prob->x[t] = rows->row[train[k[t].pos]];
        prob->y[t] = (double)k[t].label;
    }
    prob->l = (int)n_train;
    free(k);
    return NTKB_OK;
}

ntkb_status ntkb_svm_fold_correct(const ntkb_svm_rows *rows, const int64_t *labels,
                                  const size_t *train, size_t n_train, const size_t *test,
                                  size_t n_test, double C, const ntkb_svm_params *params,
                                  size_t *n_correct, int64_t *pred)
{
    if (!rows || !labels || !train || (n_test && !test) || !n_correct || n_train == 0 ||
        !(C > 0.0) || !isfinite(C))
        return ntkb_error(NTKB_EINVAL, "svm: NULL argument, empty training set or C <= 0");
    ntkb_svm_params p = params ? *params : ntkb_svm_params_default();
    struct svm_parameter par = {0};
    par.svm_type = C_SVC;
    par.kernel_type = PRECOMPUTED;
    par.cache_size = p.cache_mb;
    par.eps = p.eps;
    par.C = C;
    par.shrinking = p.shrinking;
    par.probability = 0;
    struct svm_problem prob = {0};
    ntkb_status st = build_problem(rows, labels, train, n_train, &prob);
    if (st)
        goto done;
    const char *why = svm_check_parameter(&prob, &par);
    if (why) {
        st = ntkb_error(NTKB_EINVAL, "svm: LIBSVM rejects the parameters: %s", why);
        goto done;
    }
    struct svm_model *model = svm_train(&prob, &par); /* borrows prob.x rows */
    if (!model) {
        st = ntkb_error(NTKB_ENOMEM, "svm: svm_train failed");
        goto done;
    }
    size_t correct = 0;
    for (size_t t = 0; t < n_test; t++) {
        if (test[t] >= rows->n) {
            st = ntkb_error(NTKB_EINVAL, "svm: test index %zu out of range (n = %zu)", test[t],
                            rows->n);
            break;
        }
        int64_t yhat = (int64_t)svm_predict(model, rows->row[test[t]]);
        if (pred)
            pred[t] = yhat;
        correct += yhat == labels[test[t]];
    }
    svm_free_and_destroy_model(&model);
    *n_correct = correct;
done:
    free(prob.x);
    free(prob.y);
    return st;
}
