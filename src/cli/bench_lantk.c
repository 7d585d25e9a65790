/* bench_lantk: image kernels on a binary class pair (ALGORITHMS.md §4.3, §5): read the dataset,
 * select the two classes, preprocess, compute the CNTK Gram once over the pooled train+test
 * images, optionally write the train Gram and test×train block as .npy (plus ±1 labels and
 * meta.json), and, unless --gram-only, evaluate the CNTK and the LANTK variants by ridgeless
 * kernel regression (sign accuracy) on the official split and on stratified resplits; rows go
 * to RESULTS/images.csv and RESULTS/images.md is regenerated (lantk_eval.c, lantk_report.c). */
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/dual.h"
#include "core/meta.h"
#include "core/npy.h"
#include "core/status.h"
#include "core/krr.h"
#include "eval/report.h"
#include "lantk_eval.h"
#include "lantk/cntk.h"
#include "lantk/images.h"
#include "lantk/lantk.h"
#include "lantk/pairfeat.h"
#include "ntkb_config.h"
#include "core/clock.h"

static const char *const CIFAR_NAMES[10] = {"plane", "car",  "bird", "cat",  "deer",
                                            "dog",   "frog", "horse", "ship", "truck"};
static const char *const FM_NAMES[10] = {"tshirt", "trouser", "pullover", "dress", "coat",
                                         "sandal", "shirt",   "sneaker",  "bag",   "boot"};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bench_lantk --dataset cifar10|fashion-mnist --pair A,B [options]\n"
            "  --dataset     cifar10 (datasets/cifar10/data, see scripts/fetch-cifar10) or\n"
            "                fashion-mnist (/usr/share/datasets/fashion-mnist)\n"
            "  --pair A,B    classes by index or name; A -> -1, B -> +1 (use A < B as the LANTK\n"
            "                scripts do).  cifar10: plane car bird cat deer dog frog horse ship\n"
            "                truck; fashion-mnist: tshirt trouser pullover dress coat sandal shirt\n"
            "                sneaker bag boot (0..9)\n"
            "  --kernel K    cntk, lantk-kr-v1, lantk-kr-v2, lantk-fjlt-v1, lantk-fjlt-v2, or all;\n"
            "                comma-separated lists allowed [all].  KR: kernel regression on\n"
            "                h = K_CNTK with targets y y' (V1) or alpha alpha' (V2, alpha = H^-1 y).\n"
            "                FJLT-V1 = least squares on the V7 pair features (10), FJLT-V2 = V8 (20,\n"
            "                with 5 PCA components): our reading, the paper's mapping is unconfirmed\n"
            "  --protocol P  official (the dataset's train/test split), resplits (stratified 80/20\n"
            "                resplits of the pooled images, same splits for every kernel) or both\n"
            "                [both]\n"
            "  --splits N    number of resplits [20]\n"
            "  --seed S      seed of the resplits and of the FJLT sketch [1]\n"
            "  --lambda L    fixed lambda (default: 0.0005 mean|H_train|/mean|Z_train| per split)\n"
            "  --fjlt M      exact (streamed normal equations, default) or sketch (the reference's\n"
            "                FJLT: signs, Walsh-Hadamard, sparse Gaussian; ~0.7 GB for n = 1600)\n"
            "  --fjlt-eps E  sketch accuracy eps, k = ln(p+1)/eps^2 rows [0.01, the reference's]\n"
            "  --arch        lantk (the LANTK paper's CNN), arora-v or arora-gap [lantk]\n"
            "  --depth D     depth for the arora-* architectures [21 for V, 11 for GAP]\n"
            "  --preprocess  pm1 ((p/255-0.5)/0.5, LANTK) or standardize (per-channel, Arora)\n"
            "                [pm1 for lantk, standardize for arora-*]\n"
            "  --max-train N, --max-test N   at most N images per class, first in file order\n"
            "                (0 = all) [0]\n"
            "  --max-per-class N   both of the above (e.g. Fashion-MNIST subsampling)\n"
            "  --data-dir D  dataset directory override\n"
            "  --threads N   OpenMP threads [2]\n"
            "  --results DIR append rows to DIR/images.csv, regenerate DIR/images.md (with\n"
            "                DIR/published-images.csv) and DIR/figures/images.dat [results];\n"
            "                'none' writes no rows\n"
            "  --out DIR     also write K_train.npy (n×n), K_test.npy (m×n, test×train),\n"
            "                y_train.npy, y_test.npy (int64 ±1) and meta.json to DIR\n"
            "  --gram-only   write the Grams (needs --out) and stop (no regression)\n"
            "  --report-only regenerate RESULTS/images.md and figures/images.dat from the CSV\n"
            "                files and stop (no --dataset or --pair needed)\n"
            "  --help, --version\n"
            "Accuracies are sign accuracies in %%; resplits report mean ± std (ddof 1) and the\n"
            "paired difference LANTK - CNTK ± its standard error.  LANTK-best (best variant by mean\n"
            "test accuracy) is test-set selection and is labelled so.  Progress goes to stderr.\n");
}

typedef struct {
    const char *dataset, *arch, *prep, *data_dir, *out, *kernel, *protocol, *results, *fjlt;
    int a, b, threads, gram_only, splits, report_only;
    size_t depth, max_train, max_test;
    double lambda, eps;
    unsigned long long seed;
    int enabled[LE_NK];
    char pair_arg[64];
} options;

/* One class: an index 0..9 or a name of the dataset's list (case-insensitive). */
static int parse_class(const char *s, size_t len, const char *dataset)
{
    char buf[32];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = 0;
    char *end;
    long v = strtol(buf, &end, 10);
    if (!*end)
        return v >= 0 && v <= 9 ? (int)v : -1;
    const int fm = dataset && !strcmp(dataset, "fashion-mnist");
    const char *const *names = fm ? FM_NAMES : CIFAR_NAMES;
    for (int c = 0; c < 10; c++)
        if (!strcasecmp(buf, names[c]))
            return c;
    if (names == CIFAR_NAMES && !strcasecmp(buf, "airplane"))
        return 0;
    if (names == CIFAR_NAMES && !strcasecmp(buf, "automobile"))
        return 1;
    return -1;
}

/* --kernel: a comma-separated list of kernel names or "all". */
static int parse_kernels(const char *s, int *en)
{
    static const char *const names[LE_NK] = {"cntk", "lantk-kr-v1", "lantk-kr-v2",
                                             "lantk-fjlt-v1", "lantk-fjlt-v2"};
    memset(en, 0, LE_NK * sizeof *en);
    while (*s) {
        size_t len = strcspn(s, ",");
        int found = 0;
        for (int k = 0; k < LE_NK; k++)
            if (strlen(names[k]) == len && !strncmp(s, names[k], len))
                en[k] = found = 1;
        if (len == 3 && !strncmp(s, "all", 3))
            for (int k = 0; k < LE_NK; k++)
                en[k] = found = 1;
        if (!found)
            return 1;
        s += len + (s[len] == ',');
    }
    en[LE_CNTK] = 1; /* the baseline of every paired difference */
    return 0;
}

static int parse(int argc, char **argv, options *o)
{
    *o = (options){.arch = "lantk", .kernel = "all", .protocol = "both", .results = "results",
                   .fjlt = "exact", .a = -1, .b = -1, .threads = 2, .splits = 20, .lambda = -1.0,
                   .eps = 0.01, .seed = 1};
    static const struct option opts[] = {
        {"dataset", required_argument, 0, 'd'},    {"pair", required_argument, 0, 'p'},
        {"kernel", required_argument, 0, 'k'},     {"arch", required_argument, 0, 'a'},
        {"depth", required_argument, 0, 'D'},      {"preprocess", required_argument, 0, 'P'},
        {"max-train", required_argument, 0, 'n'},  {"max-test", required_argument, 0, 'm'},
        {"data-dir", required_argument, 0, 'r'},   {"threads", required_argument, 0, 't'},
        {"gram-only", no_argument, 0, 'g'},        {"out", required_argument, 0, 'o'},
        {"protocol", required_argument, 0, 'R'},   {"splits", required_argument, 0, 'S'},
        {"seed", required_argument, 0, 's'},       {"lambda", required_argument, 0, 'L'},
        {"fjlt", required_argument, 0, 'F'},       {"fjlt-eps", required_argument, 0, 'E'},
        {"max-per-class", required_argument, 0, 'M'}, {"results", required_argument, 0, 'O'},
        {"report-only", no_argument, 0, 'Q'},
        {"help", no_argument, 0, 'h'},             {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o->dataset = optarg; break;
        case 'p': snprintf(o->pair_arg, sizeof o->pair_arg, "%s", optarg); break;
        case 'k': o->kernel = optarg; break;
        case 'a': o->arch = optarg; break;
        case 'D': o->depth = strtoul(optarg, &end, 10); if (*end) return 1; break;
        case 'P': o->prep = optarg; break;
        case 'n': o->max_train = strtoul(optarg, &end, 10); if (*end) return 1; break;
        case 'm': o->max_test = strtoul(optarg, &end, 10); if (*end) return 1; break;
        case 'M':
            o->max_train = o->max_test = strtoul(optarg, &end, 10);
            if (*end) return 1;
            break;
        case 'r': o->data_dir = optarg; break;
        case 't': o->threads = atoi(optarg); break;
        case 'g': o->gram_only = 1; break;
        case 'o': o->out = optarg; break;
        case 'R': o->protocol = optarg; break;
        case 'S': o->splits = atoi(optarg); if (o->splits < 2) return 1; break;
        case 's': o->seed = strtoull(optarg, &end, 10); if (*end) return 1; break;
        case 'L': o->lambda = strtod(optarg, &end); if (*end || o->lambda < 0) return 1; break;
        case 'F': o->fjlt = optarg; break;
        case 'E':
            o->eps = strtod(optarg, &end);
            if (*end || !(o->eps > 0 && o->eps < 1)) return 1;
            break;
        case 'O': o->results = optarg; break;
        case 'Q': o->report_only = 1; break;
        case 'h': usage(stdout); exit(0);
        case 'V': printf("bench_lantk (ntkbench) %s\n", NTKB_VERSION); exit(0);
        default: return 1;
        }
    }
    if (o->report_only)
        return optind < argc || !strcmp(o->results, "none");
    if (optind < argc || !o->dataset || !o->pair_arg[0] || (o->gram_only && !o->out))
        return 1;
    if (strcmp(o->dataset, "cifar10") != 0 && strcmp(o->dataset, "fashion-mnist") != 0)
        return 1;
    size_t len = strcspn(o->pair_arg, ",");
    if (!o->pair_arg[len] || (o->a = parse_class(o->pair_arg, len, o->dataset)) < 0 ||
        (o->b = parse_class(o->pair_arg + len + 1, strlen(o->pair_arg + len + 1),
                            o->dataset)) < 0 ||
        o->a == o->b) {
        fprintf(stderr,
                "bench_lantk: --pair wants two different classes (0..9 or names), got '%s'\n",
                o->pair_arg);
        return 1;
    }
    if (parse_kernels(o->kernel, o->enabled) != 0) {
        fprintf(stderr, "bench_lantk: unknown --kernel '%s'\n", o->kernel);
        return 1;
    }
    if (strcmp(o->protocol, "official") && strcmp(o->protocol, "resplits") &&
        strcmp(o->protocol, "both"))
        return 1;
    if (strcmp(o->fjlt, "exact") && strcmp(o->fjlt, "sketch"))
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

/* The pair's name for result rows: "deer-dog", or "fm-tshirt-shirt" for Fashion-MNIST. */
static void pair_name(const options *o, char *buf, size_t cap)
{
    int fm = !strcmp(o->dataset, "fashion-mnist");
    const char *const *nm = fm ? FM_NAMES : CIFAR_NAMES;
    snprintf(buf, cap, "%s%s-%s", fm ? "fm-" : "", nm[o->a], nm[o->b]);
}

/* One protocol: `S` splits (S = 0: the official split, train 0..n-1, test n..N-1), then its
 * rows are printed on stdout and appended to RESULTS/images.csv. */
static ntkb_status run_protocol(const options *o, const ntkb_lantk_data *d, const double *y,
                                size_t n_off, size_t S, const ntkb_report_row *tmpl)
{
    const size_t N = d->N, nsp = S ? S : 1;
    size_t *tr = malloc(N * sizeof *tr), *te = malloc(N * sizeof *te), ntr = 0, nte = 0;
    double *acc = malloc(nsp * LE_NK * sizeof *acc), *lam = malloc(nsp * LE_NK * sizeof *lam);
    double secs[LE_NK] = {0};
    ntkb_report_row rows[LE_MAX_ROWS], t = *tmpl;
    le_opts lo = {.lambda = o->lambda, .sketch = !strcmp(o->fjlt, "sketch"), .eps = o->eps,
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
            le_resplit(N, y, o->seed, s, tr, &ntr, te, &nte);
        } else {
            for (ntr = 0; ntr < n_off; ntr++)
                tr[ntr] = ntr;
            for (nte = 0; nte < N - n_off; nte++)
                te[nte] = n_off + nte;
        }
        st = le_split(d, y, ntr, tr, nte, te, &lo, acc + s * LE_NK, lam + s * LE_NK, secs);
        if (st != NTKB_OK)
            goto done;
        fprintf(stderr, "bench_lantk: %s split %zu/%zu (%zu train, %zu test):",
                S ? "resplit" : "official", s + 1, nsp, ntr, nte);
        for (int k = 0; k < LE_NK; k++)
            if (!isnan(acc[s * LE_NK + k]))
                fprintf(stderr, " %s %.2f", le_method[k] + (k ? 6 : 0), acc[s * LE_NK + k]);
        fprintf(stderr, " (%.1f s)\n", ntkb_clock_now() - t0);
    }
    snprintf(t.protocol, sizeof t.protocol, "%s%s", S ? "resplits" : "official",
             lo.sketch ? "-sketch" : ""); /* sketched fits never replace the exact rows */
    char extra[160];
    snprintf(extra, sizeof extra, "; %s: %zu train + %zu test",
             S ? "per resplit (80/20)" : "official split", ntr, nte);
    if (S)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), ", %zu splits, seed %llu", S,
                 o->seed);
    strncat(t.params, extra, sizeof t.params - strlen(t.params) - 1);
    size_t nr = le_rows(&t, nsp, acc, lam, secs, rows);
    char csv[4096];
    snprintf(csv, sizeof csv, "%s/images.csv", o->results);
    for (size_t r = 0; r < nr && st == NTKB_OK; r++) {
        printf("%s %s %-13s %7.2f ± %.2f\n", rows[r].group, rows[r].protocol, rows[r].method,
               rows[r].mean, rows[r].std);
        if (strcmp(o->results, "none") != 0)
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
static ntkb_status evaluate(const options *o, const double *H, const double *X, size_t dim,
                            size_t n, size_t m, const double *y, double gram_s, int argc,
                            char **argv)
{
    const size_t N = n + m;
    ntkb_lantk_data plain = {.N = N, .d = dim + 1, .H = H}, *d = &plain, *full = NULL;
    ntkb_status st = NTKB_OK;
    double t0 = ntkb_clock_now();
    if (o->enabled[LE_FJLT_V1] || o->enabled[LE_FJLT_V2]) {
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
             o->dataset, o->a, o->b, n, m, cap, o->fjlt, o->lambda >= 0 ? "; fixed lambda" : "");
    tmpl.kernel_s = gram_s + (ntkb_clock_now() - t0);
    size_t len = 0;
    len += (size_t)snprintf(tmpl.command, sizeof tmpl.command, "bench_lantk");
    for (int i = 1; i < argc && len < sizeof tmpl.command; i++)
        len += (size_t)snprintf(tmpl.command + len, sizeof tmpl.command - len, " %s", argv[i]);
    if (strcmp(o->protocol, "resplits") != 0)
        st = run_protocol(o, d, y, n, 0, &tmpl);
    if (st == NTKB_OK && strcmp(o->protocol, "official") != 0)
        st = run_protocol(o, d, y, n, (size_t)o->splits, &tmpl);
    if (st == NTKB_OK && strcmp(o->results, "none") != 0)
        st = le_report(o->results);
    ntkb_lantk_data_free(full);
    return st;
}

/* One symmetric CNTK Gram over the pooled images (train first, then test) serves the official
 * split and every resplit; X, y and H are malloc'ed for the caller. */
static ntkb_status pooled_gram(const options *o, const ntkb_cntk *k, const ntkb_images *tr,
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

int main(int argc, char **argv)
{
    options o;
    if (parse(argc, argv, &o) != 0) {
        usage(stderr);
        return 1;
    }
    if (o.report_only) {
        ntkb_status rs = le_report(o.results);
        if (rs != NTKB_OK)
            fprintf(stderr, "bench_lantk: %s\n", ntkb_last_error());
        return rs == NTKB_OK ? 0 : ntkb_status_exit_code(rs);
    }
    ntkb_images *tr = NULL, *te = NULL;
    double *ytr = NULL, *yte = NULL, *H = NULL, *K = NULL, *Kt = NULL, *X = NULL, *y = NULL;
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
    if (o.out && mkdir(o.out, 0777) != 0 && !(access(o.out, W_OK) == 0)) {
        st = ntkb_error(NTKB_EIO, "%s: cannot create output directory", o.out);
        goto fail;
    }
    const size_t n = tr->n, m = te->n, N = n + m, dim = ntkb_images_size(tr);
    fprintf(stderr, "bench_lantk: pair %d,%d: %zu train, %zu test images (%zux%zux%zu), %s\n",
            o.a, o.b, n, m, tr->channels, tr->height, tr->width, o.arch);
    K = malloc(n * n * sizeof *K);
    Kt = malloc((m * n + 1) * sizeof *Kt);
    double secs = 0.0;
    if (!K || !Kt) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory for the Grams (n = %zu)", n);
        goto fail;
    }
    if ((st = pooled_gram(&o, k, tr, te, ytr, yte, &X, &y, &H, &secs)) != NTKB_OK)
        goto fail;
    for (size_t i = 0; i < n; i++)
        memcpy(K + i * n, H + i * N, n * sizeof *K);
    for (size_t r = 0; r < m; r++)
        memcpy(Kt + r * n, H + (n + r) * N, n * sizeof *Kt);
    if (o.out && ((st = write_gram(o.out, "K_train.npy", n, n, K)) != NTKB_OK ||
                  (st = write_gram(o.out, "K_test.npy", m, n, Kt)) != NTKB_OK ||
                  (st = write_labels(o.out, "y_train.npy", n, ytr)) != NTKB_OK ||
                  (st = write_labels(o.out, "y_test.npy", m, yte)) != NTKB_OK))
        goto fail;
    double acc = -1.0;
    if (!o.gram_only) {
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
            st = evaluate(&o, H, X, dim, n, m, y, secs, argc, argv);
        if (st != NTKB_OK)
            goto fail;
    }
    if (o.out && (st = write_meta(&o, info, n, m, secs, acc)) != NTKB_OK)
        goto fail;
    printf("dataset=%s pair=%d,%d kernel=cntk arch=%s n_train=%zu n_test=%zu gram_seconds=%.2f",
           o.dataset, o.a, o.b, o.arch, n, m, secs);
    if (acc >= 0)
        printf(" test_accuracy=%.4f", acc);
    if (o.out)
        printf(" out=%s", o.out);
    printf("\n");
fail:
    if (st != NTKB_OK)
        fprintf(stderr, "bench_lantk: %s\n", ntkb_last_error());
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
    return st == NTKB_OK ? 0 : ntkb_status_exit_code(st);
}
