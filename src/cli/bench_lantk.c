/* bench_lantk: image kernels on a binary class pair (ALGORITHMS.md §4.3): read the dataset,
 * select the two classes, preprocess, compute the CNTK train Gram and test×train block, write
 * them as .npy (plus ±1 labels and meta.json) and, unless --gram-only, evaluate by ridgeless
 * kernel regression (sign accuracy). */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/dual.h"
#include "core/meta.h"
#include "core/npy.h"
#include "core/status.h"
#include "eval/krr.h"
#include "lantk/cntk.h"
#include "lantk/images.h"
#include "ntkb_config.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bench_lantk --dataset cifar10|fashion-mnist --pair A,B --out DIR [options]\n"
            "  --dataset     cifar10 (datasets/cifar10/data, see scripts/fetch-cifar10) or\n"
            "                fashion-mnist (/usr/share/datasets/fashion-mnist)\n"
            "  --pair A,B    class indices; A -> -1, B -> +1 (e.g. 3,5 = cat,dog)\n"
            "  --kernel      cntk (the only kernel so far) [cntk]\n"
            "  --arch        lantk (the LANTK paper's CNN), arora-v or arora-gap [lantk]\n"
            "  --depth D     depth for the arora-* architectures [21 for V, 11 for GAP]\n"
            "  --preprocess  pm1 ((p/255-0.5)/0.5, LANTK) or standardize (per-channel, Arora)\n"
            "                [pm1 for lantk, standardize for arora-*]\n"
            "  --max-train N, --max-test N   at most N images per class (0 = all) [0]\n"
            "  --data-dir D  dataset directory override\n"
            "  --threads N   OpenMP threads [2]\n"
            "  --gram-only   write the Grams and stop (no regression)\n"
            "  --out DIR     output directory: K_train.npy (n×n), K_test.npy (m×n, test×train),\n"
            "                y_train.npy, y_test.npy (int64 ±1), meta.json\n"
            "  --help, --version\n");
}

typedef struct {
    const char *dataset, *arch, *prep, *data_dir, *out, *kernel;
    int a, b, threads, gram_only;
    size_t depth, max_train, max_test;
} options;

static int parse(int argc, char **argv, options *o)
{
    *o = (options){.arch = "lantk", .kernel = "cntk", .a = -1, .b = -1, .threads = 2};
    static const struct option opts[] = {
        {"dataset", required_argument, 0, 'd'},    {"pair", required_argument, 0, 'p'},
        {"kernel", required_argument, 0, 'k'},     {"arch", required_argument, 0, 'a'},
        {"depth", required_argument, 0, 'D'},      {"preprocess", required_argument, 0, 'P'},
        {"max-train", required_argument, 0, 'n'},  {"max-test", required_argument, 0, 'm'},
        {"data-dir", required_argument, 0, 'r'},   {"threads", required_argument, 0, 't'},
        {"gram-only", no_argument, 0, 'g'},        {"out", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},             {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o->dataset = optarg; break;
        case 'p':
            if (sscanf(optarg, "%d,%d", &o->a, &o->b) != 2 || o->a < 0 || o->a > 9 || o->b < 0 ||
                o->b > 9 || o->a == o->b) {
                fprintf(stderr, "bench_lantk: --pair wants two different classes 0..9, got '%s'\n",
                        optarg);
                return 1;
            }
            break;
        case 'k': o->kernel = optarg; break;
        case 'a': o->arch = optarg; break;
        case 'D': o->depth = strtoul(optarg, &end, 10); if (*end) return 1; break;
        case 'P': o->prep = optarg; break;
        case 'n': o->max_train = strtoul(optarg, &end, 10); if (*end) return 1; break;
        case 'm': o->max_test = strtoul(optarg, &end, 10); if (*end) return 1; break;
        case 'r': o->data_dir = optarg; break;
        case 't': o->threads = atoi(optarg); break;
        case 'g': o->gram_only = 1; break;
        case 'o': o->out = optarg; break;
        case 'h': usage(stdout); exit(0);
        case 'V': printf("bench_lantk (ntkbench) %s\n", NTKB_VERSION); exit(0);
        default: return 1;
        }
    }
    if (optind < argc || !o->dataset || o->a < 0 || !o->out || strcmp(o->kernel, "cntk") != 0)
        return 1;
    if (strcmp(o->dataset, "cifar10") != 0 && strcmp(o->dataset, "fashion-mnist") != 0)
        return 1;
    if (strcmp(o->arch, "lantk") != 0 && strcmp(o->arch, "arora-v") != 0 &&
        strcmp(o->arch, "arora-gap") != 0)
        return 1;
    if (!o->prep)
        o->prep = strcmp(o->arch, "lantk") == 0 ? "pm1" : "standardize";
    if (strcmp(o->prep, "pm1") != 0 && strcmp(o->prep, "standardize") != 0)
        return 1;
    if (!o->depth)
        o->depth = strcmp(o->arch, "arora-gap") == 0 ? 11 : 21;
    return 0;
}

/* Reads both splits and keeps the pair; fills counts text for meta.json. */
static ntkb_status load(const options *o, ntkb_images **tr, ntkb_images **te, double **ytr,
                        double **yte, char *info, size_t cap)
{
    ntkb_images *full_tr = NULL, *full_te = NULL;
    ntkb_status st;
    if (strcmp(o->dataset, "cifar10") == 0) {
        char dflt[4096];
        snprintf(dflt, sizeof dflt, "%s/cifar10/data", NTKB_DATADIR);
        const char *dir = o->data_dir ? o->data_dir : dflt;
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
    if (strcmp(o->prep, "pm1") == 0) {
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

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static ntkb_status write_meta(const options *o, const char *info, size_t n, size_t m,
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
    if (!st) st = ntkb_meta_add_string(mt, "kernel", o->kernel);
    if (!st) st = ntkb_meta_add_string(mt, "arch", o->arch);
    if (!st && strcmp(o->arch, "lantk") != 0) st = ntkb_meta_add_int(mt, "depth", (int64_t)o->depth);
    if (!st) st = ntkb_meta_add_string(mt, "preprocess", o->prep);
    if (!st) st = ntkb_meta_add_int(mt, "n_train", (int64_t)n);
    if (!st) st = ntkb_meta_add_int(mt, "n_test", (int64_t)m);
    if (!st) st = ntkb_meta_add_int(mt, "max_train_per_class", (int64_t)o->max_train);
    if (!st) st = ntkb_meta_add_int(mt, "max_test_per_class", (int64_t)o->max_test);
    if (!st) st = ntkb_meta_add_string(mt, "relu_dual", ntkb_dual_relu_impl());
    if (!st) st = ntkb_meta_add_int(mt, "threads", o->threads);
    if (!st) st = ntkb_meta_add_double(mt, "gram_seconds", secs);
    if (!st && acc >= 0) st = ntkb_meta_add_double(mt, "test_sign_accuracy", acc);
    if (!st) st = ntkb_meta_write(mt, path);
    ntkb_meta_free(mt);
    return st;
}

int main(int argc, char **argv)
{
    options o;
    if (parse(argc, argv, &o) != 0) {
        usage(stderr);
        return 1;
    }
    ntkb_init_error_handlers();
    ntkb_images *tr = NULL, *te = NULL;
    double *ytr = NULL, *yte = NULL, *K = NULL, *Kt = NULL, *alpha = NULL, *pred = NULL;
    ntkb_cntk *k = NULL;
    char info[512] = "";
    ntkb_status st = load(&o, &tr, &te, &ytr, &yte, info, sizeof info);
    if (st != NTKB_OK)
        goto fail;
    ntkb_cntk_arch arch;
    if (strcmp(o.arch, "lantk") == 0)
        ntkb_cntk_arch_lantk(&arch, tr->channels);
    else if ((st = ntkb_cntk_arch_arora(&arch, o.depth, strcmp(o.arch, "arora-gap") == 0)))
        goto fail;
    if ((st = ntkb_cntk_alloc(&arch, tr->channels, tr->height, tr->width, &k)) != NTKB_OK)
        goto fail;
    if (mkdir(o.out, 0777) != 0 && !(access(o.out, W_OK) == 0)) {
        st = ntkb_error(NTKB_EIO, "%s: cannot create output directory", o.out);
        goto fail;
    }
    const size_t n = tr->n, m = te->n;
    fprintf(stderr, "bench_lantk: pair %d,%d: %zu train, %zu test images (%zux%zux%zu), %s\n",
            o.a, o.b, n, m, tr->channels, tr->height, tr->width, o.arch);
    K = malloc(n * n * sizeof *K);
    Kt = malloc(m * n * sizeof *Kt);
    if (!K || !Kt) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory for the Grams (n = %zu)", n);
        goto fail;
    }
    double t0 = now_s();
    if ((st = ntkb_cntk_gram(k, n, tr->pixels, 0, NULL, o.threads, 1, K)) != NTKB_OK ||
        (st = ntkb_cntk_gram(k, m, te->pixels, n, tr->pixels, o.threads, 1, Kt)) != NTKB_OK)
        goto fail;
    double secs = now_s() - t0;
    if ((st = write_gram(o.out, "K_train.npy", n, n, K)) != NTKB_OK ||
        (st = write_gram(o.out, "K_test.npy", m, n, Kt)) != NTKB_OK ||
        (st = write_labels(o.out, "y_train.npy", n, ytr)) != NTKB_OK ||
        (st = write_labels(o.out, "y_test.npy", m, yte)) != NTKB_OK)
        goto fail;
    double acc = -1.0;
    if (!o.gram_only) {
        alpha = malloc(n * sizeof *alpha);
        pred = malloc((m + 1) * sizeof *pred);
        ntkb_krr_method used;
        if (!alpha || !pred) {
            st = ntkb_error(NTKB_ENOMEM, "out of memory");
            goto fail;
        }
        if ((st = ntkb_krr_solve(n, K, 1, ytr, 0.0, NTKB_KRR_LU, alpha, &used)) != NTKB_OK)
            goto fail;
        ntkb_krr_predict(m, n, Kt, 1, alpha, pred);
        acc = ntkb_krr_sign_accuracy(m, pred, yte);
    }
    if ((st = write_meta(&o, info, n, m, secs, acc)) != NTKB_OK)
        goto fail;
    printf("dataset=%s pair=%d,%d kernel=cntk arch=%s n_train=%zu n_test=%zu gram_seconds=%.2f",
           o.dataset, o.a, o.b, o.arch, n, m, secs);
    if (acc >= 0)
        printf(" test_accuracy=%.4f", acc);
    printf(" out=%s\n", o.out);
fail:
    if (st != NTKB_OK)
        fprintf(stderr, "bench_lantk: %s\n", ntkb_last_error());
    ntkb_images_free(tr);
    ntkb_images_free(te);
    free(ytr);
    free(yte);
    free(K);
    free(Kt);
    free(alpha);
    free(pred);
    ntkb_cntk_free(k);
    return st == NTKB_OK ? 0 : ntkb_status_exit_code(st);
}
