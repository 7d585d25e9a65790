/* The image benchmark (see image_bench.h): data, the pooled CNTK Gram, the protocols and
 * their rows; image_eval.c evaluates one split, image_report.c writes the tables. */
#include "image_bench.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/dual.h"
#include "core/fs.h"
#include "core/krr.h"
#include "core/meta.h"
#include "core/npy.h"
#include "core/ranks.h"
#include "core/threads.h"
#include "eval/report.h"
#include "image_eval.h"
#include "image_sizes.h"
#include "lantk/cntk.h"
#include "lantk/images.h"
#include "lantk/lantk.h"
#include "lantk/pairfeat.h"
#include "ntkb_config.h"

ntkb_image_bench_opts ntkb_image_bench_opts_default(void)
{
    ntkb_image_bench_opts o = {0};
    o.a = o.b = -1;
    o.arch = "lantk";
    for (int k = 0; k < NTKB_IMG_NK; k++)
        o.enabled[k] = 1;
    o.protocol = "both";
    o.splits = 20;
    o.seed = 1;
    o.lambda = -1.0;
    o.eps = 0.01;
    o.threads = 2;
    o.results = "results";
    return o;
}

static int one_of(const char *s, const char *a, const char *b, const char *c)
{
    return s && (strcmp(s, a) == 0 || strcmp(s, b) == 0 || (c && strcmp(s, c) == 0));
}

/* The preprocessing and depth a run uses when the options leave them to the architecture. */
static const char *prep_of(const ntkb_image_bench_opts *o)
{
    return o->prep ? o->prep : strcmp(o->arch, "lantk") == 0 ? "pm1" : "standardize";
}

static size_t depth_of(const ntkb_image_bench_opts *o)
{
    return o->depth ? o->depth : strcmp(o->arch, "arora-gap") == 0 ? 11 : 21;
}

static ntkb_status check_opts(const ntkb_image_bench_opts *o)
{
    if (!one_of(o->dataset, "cifar10", "fashion-mnist", NULL))
        return ntkb_error(NTKB_EINVAL, "image benchmark: dataset '%s', expected cifar10 or "
                          "fashion-mnist", o->dataset ? o->dataset : "(none)");
    if (o->a < 0 || o->a > 9 || o->b < 0 || o->b > 9 || o->a == o->b)
        return ntkb_error(NTKB_EINVAL, "image benchmark: a pair of two different classes 0..9 "
                          "is needed (got %d, %d)", o->a, o->b);
    if (!one_of(o->arch, "lantk", "arora-v", "arora-gap") ||
        (o->prep && !one_of(o->prep, "pm1", "standardize", NULL)) ||
        !one_of(o->protocol, "official", "resplits", "both") || o->splits < 2 ||
        !(o->eps > 0 && o->eps < 1) || (o->gram_only && !o->out))
        return ntkb_error(NTKB_EINVAL, "image benchmark: bad architecture, preprocessing, "
                          "protocol, split count, sketch accuracy, or --gram-only without --out");
    return NTKB_OK;
}

/* Reads both splits and keeps the pair; fills counts text for meta.json. */
static ntkb_status load(const ntkb_image_bench_opts *o, ntkb_images **tr, ntkb_images **te, double **ytr,
                        double **yte, char *info, size_t cap)
{
    ntkb_images *full_tr = NULL, *full_te = NULL;
    ntkb_status st;
    if (strcmp(o->dataset, "cifar10") == 0) {
        char dflt[4096];
        const char *env = getenv("NTKB_CIFAR10_DIR");
        snprintf(dflt, sizeof dflt, "%s/cifar10/data", ntkb_fs_data_dir());
        const char *dir = o->data_dir ? o->data_dir : env && *env ? env : dflt;
        size_t ctr[5] = {0}, cte[1] = {0};
        st = ntkb_images_load_cifar10(dir, 1, &full_tr, ctr);
        if (st == NTKB_OK)
            st = ntkb_images_load_cifar10(dir, 0, &full_te, cte);
        if (st == NTKB_OK) {
            snprintf(info, cap, "%.300s: data_batch_1..5 %zu %zu %zu %zu %zu records, test_batch %zu",
                     dir, ctr[0], ctr[1], ctr[2], ctr[3], ctr[4], cte[0]);
            fprintf(stderr, "bench_lantk: %s\n", info);
        } else if (st == NTKB_ENOTFOUND) {
            fprintf(stderr, "bench_lantk: hint: run scripts/fetch-cifar10 (or --mirror DIR)\n");
        }
    } else {
        st = ntkb_images_load_fashion_mnist(o->data_dir, 1, &full_tr);
        if (st == NTKB_OK)
            st = ntkb_images_load_fashion_mnist(o->data_dir, 0, &full_te);
        if (st == NTKB_OK)
            snprintf(info, cap, "fashion-mnist %zu train, %zu test", full_tr->n, full_te->n);
    }
    if (st == NTKB_OK)
        st = ntkb_images_select_pair(full_tr, o->a, o->b, o->max_train, tr, ytr);
    if (st == NTKB_OK)
        st = ntkb_images_select_pair(full_te, o->a, o->b, o->max_test, te, yte);
    ntkb_images_free(full_tr);
    ntkb_images_free(full_te);
    if (st != NTKB_OK)
        return st;
    if (strcmp(prep_of(o), "pm1") == 0) {
        ntkb_images_scale_pm1(*tr);
        ntkb_images_scale_pm1(*te);
        return NTKB_OK;
    }
    ntkb_images *others[1] = {*te};
    return ntkb_images_standardize(*tr, others, 1, NULL, NULL);
}

static ntkb_status write_labels(const char *dir, const char *name, size_t n, const double *y)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int64_t *l = malloc((n + 1) * sizeof *l);
    if (!l)
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        l[i] = y[i] > 0 ? 1 : -1;
    size_t shape[1] = {n};
    ntkb_status st = ntkb_npy_write(path, NTKB_NPY_I64, 1, shape, l);
    free(l);
    return st;
}

static ntkb_status write_gram(const char *dir, const char *name, size_t r, size_t c,
                              const double *K)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t shape[2] = {r, c};
    return ntkb_npy_write(path, NTKB_NPY_F64, 2, shape, K);
}

static ntkb_status write_meta(const ntkb_image_bench_opts *o, const char *info, size_t n, size_t m,
                              double secs, double acc)
{
    ntkb_meta *mt = ntkb_meta_alloc();
    if (!mt)
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    char pair[16], path[4096];
    snprintf(pair, sizeof pair, "%d,%d", o->a, o->b);
    snprintf(path, sizeof path, "%s/meta.json", o->out);
    ntkb_status st = ntkb_meta_add_string(mt, "program", "bench_lantk");
    if (!st) st = ntkb_meta_add_string(mt, "version", NTKB_VERSION);
    if (!st) st = ntkb_meta_add_string(mt, "dataset", o->dataset);
    if (!st) st = ntkb_meta_add_string(mt, "data", info);
    if (!st) st = ntkb_meta_add_string(mt, "pair", pair);
    if (!st) st = ntkb_meta_add_string(mt, "kernel", "cntk");
    if (!st) st = ntkb_meta_add_string(mt, "arch", o->arch);
    if (!st && strcmp(o->arch, "lantk") != 0) st = ntkb_meta_add_int(mt, "depth", (int64_t)depth_of(o));
    if (!st) st = ntkb_meta_add_string(mt, "preprocess", prep_of(o));
    if (!st) st = ntkb_meta_add_int(mt, "n_train", (int64_t)n);
    if (!st) st = ntkb_meta_add_int(mt, "n_test", (int64_t)m);
    if (!st) st = ntkb_meta_add_int(mt, "max_train_per_class", (int64_t)o->max_train);
    if (!st) st = ntkb_meta_add_int(mt, "max_test_per_class", (int64_t)o->max_test);
    if (!st) st = ntkb_meta_add_string(mt, "relu_dual", ntkb_dual_relu_impl());
    if (!st) st = ntkb_meta_add_int(mt, "threads", ntkb_threads_resolve(o->threads));
    if (!st) st = ntkb_meta_add_double(mt, "gram_seconds", secs);
    if (!st && acc >= 0) st = ntkb_meta_add_double(mt, "test_sign_accuracy", acc);
    if (!st) st = ntkb_meta_write(mt, path);
    ntkb_meta_free(mt);
    return st;
}

/* The pair's name for result rows: "deer-dog", or "fm-tshirt-shirt" for Fashion-MNIST. */
static void pair_name(const ntkb_image_bench_opts *o, char *buf, size_t cap)
{
    int fm = !strcmp(o->dataset, "fashion-mnist");
    snprintf(buf, cap, "%s%s-%s", fm ? "fm-" : "", ntkb_images_class_name(o->dataset, o->a),
             ntkb_images_class_name(o->dataset, o->b));
}

/* One protocol: `S` splits (S = 0: the official split, train 0..n-1, test n..N-1), then its
 * rows are printed on stdout and appended to RESULTS/images.csv. */
static ntkb_status run_protocol(const ntkb_image_bench_opts *o, const ntkb_lantk_data *d, const double *y,
                                size_t n_off, size_t S, const ntkb_report_row *tmpl)
{
    const size_t N = d->N, nsp = S ? S : 1;
    size_t *tr = malloc(N * sizeof *tr), *te = malloc(N * sizeof *te), ntr = 0, nte = 0;
    double *acc = malloc(nsp * NTKB_IMG_NK * sizeof *acc), *lam = malloc(nsp * NTKB_IMG_NK * sizeof *lam);
    double secs[NTKB_IMG_NK] = {0};
    ntkb_report_row rows[NTKB_IMG_MAX_ROWS], t = *tmpl;
    ntkb_image_eval_opts lo = {.lambda = o->lambda, .sketch = o->sketch, .eps = o->eps,
                               .seed = o->seed, .threads = o->threads};
    memcpy(lo.enabled, o->enabled, sizeof lo.enabled);
    ntkb_status st = NTKB_OK;
    if (!tr || !te || !acc || !lam) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t s = 0; s < nsp; s++) {
        double t0 = ntkb_clock_now();
        if (S) {
            ntkb_image_resplit(N, y, o->seed, s, tr, &ntr, te, &nte);
        } else {
            for (ntr = 0; ntr < n_off; ntr++)
                tr[ntr] = ntr;
            for (nte = 0; nte < N - n_off; nte++)
                te[nte] = n_off + nte;
        }
        st = ntkb_image_split(d, y, ntr, tr, nte, te, &lo, acc + s * NTKB_IMG_NK, lam + s * NTKB_IMG_NK, secs);
        if (st != NTKB_OK)
            goto done;
        fprintf(stderr, "bench_lantk: %s split %zu/%zu (%zu train, %zu test):",
                S ? "resplit" : "official", s + 1, nsp, ntr, nte);
        for (int k = 0; k < NTKB_IMG_NK; k++)
            if (!isnan(acc[s * NTKB_IMG_NK + k]))
                fprintf(stderr, " %s %.2f", ntkb_image_method[k] + (k ? 6 : 0), acc[s * NTKB_IMG_NK + k]);
        fprintf(stderr, " (%.1f s)\n", ntkb_clock_now() - t0);
    }
    snprintf(t.protocol, sizeof t.protocol, "%s%s", S ? "resplits" : "official",
             lo.sketch ? "-sketch" : ""); /* sketched fits never replace the exact rows */
    char extra[160];
    snprintf(extra, sizeof extra, "; %s: %zu train + %zu test",
             S ? "per resplit (80/20)" : "official split", ntr, nte);
    if (S)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", %zu splits, seed %llu", S,
                 (unsigned long long)o->seed);
    strncat(t.params, extra, sizeof t.params - strlen(t.params) - 1);
    size_t nr = ntkb_image_rows(&t, nsp, acc, lam, secs, rows);
    char csv[4096];
    snprintf(csv, sizeof csv, "%s/images.csv", o->results);
    for (size_t r = 0; r < nr && st == NTKB_OK; r++) {
        printf("%s %s %-13s %7.2f ± %.2f\n", rows[r].group, rows[r].protocol, rows[r].method,
               rows[r].mean, rows[r].std);
        if (strcmp(o->results, "none") != 0 && ntkb_ranks_rank() == 0)
            st = ntkb_report_append(csv, &rows[r]);
    }
done:
    free(tr);
    free(te);
    free(acc);
    free(lam);
    return st;
}

/* Everything after the Gram: pooled statistics, the protocols, the report. */
static ntkb_status evaluate(const ntkb_image_bench_opts *o, const double *H, const double *X,
                            size_t dim, size_t n, size_t m, const double *y, double gram_s,
                            const char *command)
{
    const size_t N = n + m;
    ntkb_lantk_data plain = {.N = N, .d = dim + 1, .H = H}, *d = &plain, *full = NULL;
    ntkb_status st = NTKB_OK;
    double t0 = ntkb_clock_now();
    if (o->enabled[NTKB_IMG_FJLT_V1] || o->enabled[NTKB_IMG_FJLT_V2]) {
        if ((st = ntkb_lantk_data_alloc(N, dim, X, H, o->threads, &full)) != NTKB_OK)
            return st;
        d = full;
        fprintf(stderr, "bench_lantk: raw Gram and L1 distances of %zu images: %.1f s\n", N,
                ntkb_clock_now() - t0);
    }
    ntkb_report_row tmpl;
    memset(&tmpl, 0, sizeof tmpl);
    pair_name(o, tmpl.group, sizeof tmpl.group);
    char cap[96] = "";
    if (o->max_train || o->max_test)
        snprintf(cap, sizeof cap, " (first %zu train, %zu test per class)",
                 o->max_train, o->max_test);
    snprintf(tmpl.params, sizeof tmpl.params, "%s %d,%d: %zu train + %zu test images%s; fjlt=%s%s",
             o->dataset, o->a, o->b, n, m, cap, o->sketch ? "sketch" : "exact",
             o->lambda >= 0 ? "; fixed lambda" : "");
    tmpl.kernel_s = gram_s + (ntkb_clock_now() - t0);
    snprintf(tmpl.command, sizeof tmpl.command, "%s", command ? command : "");
    if (o->n_sizes)
        st = ntkb_image_sizes(o, d, y, n, &tmpl);
    else if (strcmp(o->protocol, "resplits") != 0)
        st = run_protocol(o, d, y, n, 0, &tmpl);
    if (st == NTKB_OK && !o->n_sizes && strcmp(o->protocol, "official") != 0)
        st = run_protocol(o, d, y, n, (size_t)o->splits, &tmpl);
    if (st == NTKB_OK && strcmp(o->results, "none") != 0 && ntkb_ranks_rank() == 0)
        st = ntkb_image_bench_report(o->results);
    ntkb_lantk_data_free(full);
    return st;
}

/* One symmetric CNTK Gram over the pooled images (train first, then test) serves the official
 * split and every resplit; X, y and H are malloc'ed for the caller. */
static ntkb_status pooled_gram(const ntkb_image_bench_opts *o, const ntkb_cntk *k, const ntkb_images *tr,
                               const ntkb_images *te, const double *ytr, const double *yte,
                               double **X, double **y, double **H, double *secs)
{
    const size_t n = tr->n, m = te->n, N = n + m, dim = ntkb_images_size(tr);
    *X = malloc(N * dim * sizeof **X);
    *y = malloc(N * sizeof **y);
    *H = malloc(N * N * sizeof **H);
    if (!*X || !*y || !*H)
        return ntkb_error(NTKB_ENOMEM, "out of memory for the Grams (N = %zu)", N);
    memcpy(*X, tr->pixels, n * dim * sizeof **X);
    memcpy(*X + n * dim, te->pixels, m * dim * sizeof **X);
    memcpy(*y, ytr, n * sizeof **y);
    memcpy(*y + n, yte, m * sizeof **y);
    double t0 = ntkb_clock_now();
    ntkb_status st = ntkb_cntk_gram(k, N, *X, 0, NULL, o->threads, 1, *H);
    *secs = ntkb_clock_now() - t0;
    if (st == NTKB_OK)
        fprintf(stderr, "bench_lantk: CNTK Gram of %zu images: %.1f s\n", N, *secs);
    return st;
}

ntkb_status ntkb_image_bench_run(const ntkb_image_bench_opts *o, const char *command)
{
    ntkb_status st = check_opts(o);
    if (st != NTKB_OK)
        return st;
    ntkb_images *tr = NULL, *te = NULL;
    double *ytr = NULL, *yte = NULL, *H = NULL, *K = NULL, *Kt = NULL, *X = NULL, *y = NULL;
    ntkb_cntk *k = NULL;
    ntkb_fs_lock lock = {-1}; /* on --out, for the whole run */
    char info[512] = "";
    st = load(o, &tr, &te, &ytr, &yte, info, sizeof info);
    if (st != NTKB_OK)
        goto fail;
    for (size_t i = 0; i < o->n_sizes; i++)
        if (o->train_sizes[i] > tr->n) { /* before the Gram, not after it */
            st = ntkb_error(NTKB_EINVAL, "train size %zu: expected 4 .. %zu (the training pool; "
                            "raise --max-train)", o->train_sizes[i], tr->n);
            goto fail;
        }
    ntkb_cntk_arch arch;
    if (strcmp(o->arch, "lantk") == 0)
        ntkb_cntk_arch_lantk(&arch, tr->channels);
    else if ((st = ntkb_cntk_arch_arora(&arch, depth_of(o), strcmp(o->arch, "arora-gap") == 0)))
        goto fail;
    if ((st = ntkb_cntk_alloc(&arch, tr->channels, tr->height, tr->width, &k)) != NTKB_OK)
        goto fail;
    static const char *const csvs[] = {"images.csv", "published-images.csv"};
    if (!o->gram_only && strcmp(o->results, "none") != 0 &&
        (st = ntkb_report_ready(o->results, csvs, 2)) != NTKB_OK)
        goto fail;
    /* Over MPI ranks only rank 0, the writer, takes the directory. */
    if (o->out && ntkb_ranks_rank() == 0 &&
        ((st = ntkb_fs_mkdir(o->out)) != NTKB_OK ||
         (st = ntkb_fs_lock_take(&lock, o->out, "output directory")) != NTKB_OK))
        goto fail;
    const size_t n = tr->n, m = te->n, N = n + m, dim = ntkb_images_size(tr);
    fprintf(stderr, "bench_lantk: pair %d,%d: %zu train, %zu test images (%zux%zux%zu), %s\n",
            o->a, o->b, n, m, tr->channels, tr->height, tr->width, o->arch);
    K = malloc(n * n * sizeof *K);
    Kt = malloc((m * n + 1) * sizeof *Kt);
    double secs = 0.0;
    if (!K || !Kt) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory for the Grams (n = %zu)", n);
        goto fail;
    }
    if ((st = pooled_gram(o, k, tr, te, ytr, yte, &X, &y, &H, &secs)) != NTKB_OK)
        goto fail;
    for (size_t i = 0; i < n; i++)
        memcpy(K + i * n, H + i * N, n * sizeof *K);
    for (size_t r = 0; r < m; r++)
        memcpy(Kt + r * n, H + (n + r) * N, n * sizeof *Kt);
    /* Over MPI ranks every rank holds the Gram (the tiled driver shares it); rank 0 writes. */
    const int writer = o->out && ntkb_ranks_rank() == 0;
    if (writer && ((st = write_gram(o->out, "K_train.npy", n, n, K)) != NTKB_OK ||
                  (st = write_gram(o->out, "K_test.npy", m, n, Kt)) != NTKB_OK ||
                  (st = write_labels(o->out, "y_train.npy", n, ytr)) != NTKB_OK ||
                  (st = write_labels(o->out, "y_test.npy", m, yte)) != NTKB_OK))
        goto fail;
    double acc = -1.0;
    if (!o->gram_only) {
        double *pred = malloc((m + 1) * sizeof *pred);
        if (!pred) {
            st = ntkb_error(NTKB_ENOMEM, "out of memory");
            goto fail;
        }
        st = ntkb_lantk_regress(n, K, NULL, 0.0, ytr, m, Kt, NULL, pred, NULL);
        if (st == NTKB_OK)
            acc = ntkb_krr_sign_accuracy(m, pred, yte);
        free(pred);
        if (st == NTKB_OK)
            st = evaluate(o, H, X, dim, n, m, y, secs, command);
        if (st != NTKB_OK)
            goto fail;
    }
    if (writer && (st = write_meta(o, info, n, m, secs, acc)) != NTKB_OK)
        goto fail;
    printf("dataset=%s pair=%d,%d kernel=cntk arch=%s n_train=%zu n_test=%zu gram_seconds=%.2f",
           o->dataset, o->a, o->b, o->arch, n, m, secs);
    if (acc >= 0)
        printf(" test_accuracy=%.4f", acc);
    if (o->out)
        printf(" out=%s", o->out);
    printf("\n");
fail:
    ntkb_images_free(tr);
    ntkb_images_free(te);
    free(ytr);
    free(yte);
    free(H);
    free(K);
    free(Kt);
    free(X);
    free(y);
    ntkb_cntk_free(k);
    ntkb_fs_unlock(&lock);
    return st;
}
