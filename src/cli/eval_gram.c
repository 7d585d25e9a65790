/* ntkb_eval: evaluates precomputed Gram matrices (.npy) with C-SVC (LIBSVM's algorithm) under the paper
 * and/or nested graph-kernel protocols (src/eval/protocol.h).  Each --gram is one candidate
 * kernel configuration; the search runs over all of them.  Results on stdout, progress and
 * diagnostics on stderr; exit 0 ok, 1 usage error, 2 bad input data, 3 runtime failure.
 */
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/gram.h"
#include "core/status.h"
#include "eval/protocol.h"
#include "gntk/graphset.h"
#include "ntkb_config.h"

#define MAX_GRAMS 256

static void usage(FILE *fp)
{
    fprintf(fp,
        "usage: ntkb_eval --gram FILE.npy [--gram FILE.npy ...] --labels LABELS.npy --folds DIR\n"
        "                 [--protocol paper|nested|both] [--threads N] [--n-C K] [--inner K]\n"
        "                 [--seed S] [--n-folds K] [--variants scaled,cosine,raw] [--progress]\n"
        "                 [--solver smo|libsvm] [--max-iter N]\n"
        "  --gram      an N×N float64 .npy Gram (one per kernel configuration)\n"
        "  --labels    N int64 class labels (.npy)\n"
        "  --folds     a directory holding 10fold_idx/{train,test}_idx-{1..K}.txt (0-based), or\n"
        "              that 10fold_idx directory itself\n"
        "  --protocol  paper (best mean test-fold accuracy over the grid, as GNTK/GIN), nested\n"
        "              (inner stratified CV on each training fold), or both; default paper\n"
        "  --n-C       C grid size: logspace(-2, 4, K), default 120\n"
        "  --variants  Gram variants searched: scaled (K/min K), cosine, raw; default scaled,cosine\n"
        "  --inner     inner folds of the nested protocol, default 5; --seed their split seed\n"
        "  --n-folds   number of fold files to read, default 10\n"
        "  --solver    smo: LIBSVM's SMO in C with search.py's iteration cap (default); libsvm:\n"
        "              LIBSVM 3.24 itself (cap max(1e7, 100 l)); identical on converged solves\n"
        "  --max-iter  smo's iteration cap per binary solve, -1 for none; default 500000\n"
        "  --progress  one line per candidate and variant on stderr\n"
        "Accuracies in %%; std over folds with ddof = 0.\n");
}

static const char *variant_name(ntkb_svm_variant v)
{
    return v == NTKB_SVM_RAW ? "raw" : v == NTKB_SVM_SCALED ? "scaled" : "cosine";
}

static int parse_variants(const char *s, unsigned *out)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", s);
    *out = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (!strcmp(tok, "raw"))
            *out |= 1u << NTKB_SVM_RAW;
        else if (!strcmp(tok, "scaled"))
            *out |= 1u << NTKB_SVM_SCALED;
        else if (!strcmp(tok, "cosine"))
            *out |= 1u << NTKB_SVM_COSINE;
        else
            return -1;
    }
    return *out ? 0 : -1;
}

/* --folds accepts the dataset directory or its 10fold_idx subdirectory. */
static void folds_parent(const char *arg, char *buf, size_t cap)
{
    struct stat sb;
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/train_idx-1.txt", arg);
    if (stat(probe, &sb) == 0) {
        snprintf(buf, cap, "%s/..", arg);
        return;
    }
    snprintf(buf, cap, "%s", arg);
}

static void print_result(const ntkb_protocol *p, const char *what, const ntkb_protocol_result *r,
                         int nested)
{
    printf("%s: %.2f ± %.2f %% (%zu folds", what, 100.0 * r->mean, 100.0 * r->std, r->n_folds);
    if (!nested)
        printf("; best: %s, %s, C = %.6g)\n", ntkb_protocol_candidate_name(p, r->best.candidate),
               variant_name(r->best.variant), r->best.C);
    else
        printf(")\n");
    printf("  fold accuracies:");
    for (size_t f = 0; f < r->n_folds; f++)
        printf(" %.2f", 100.0 * r->fold_acc[f]);
    printf("\n");
    for (size_t f = 0; nested && f < r->n_folds; f++)
        printf("  fold %zu: chose %s, %s, C = %.6g (inner CV %.2f %%)\n", f + 1,
               ntkb_protocol_candidate_name(p, r->fold_best[f].candidate),
               variant_name(r->fold_best[f].variant), r->fold_best[f].C,
               100.0 * r->fold_inner[f]);
}

typedef struct {
    const char *grams[MAX_GRAMS];
    size_t n_grams;
    const char *labels, *folds;
    ntkb_protocol_opts opts;
    size_t n_folds;
} cli_args;

/* Returns -1 to continue, or an exit code. */
static int parse_args(int argc, char **argv, cli_args *a)
{
    static const struct option lo[] = {
        {"gram", required_argument, 0, 'g'},     {"labels", required_argument, 0, 'l'},
        {"folds", required_argument, 0, 'f'},    {"protocol", required_argument, 0, 'p'},
        {"threads", required_argument, 0, 't'},  {"n-C", required_argument, 0, 'c'},
        {"inner", required_argument, 0, 'i'},    {"seed", required_argument, 0, 's'},
        {"n-folds", required_argument, 0, 'k'},  {"variants", required_argument, 0, 'v'},
        {"progress", no_argument, 0, 'P'},       {"help", no_argument, 0, 'h'},
        {"solver", required_argument, 0, 'S'},   {"max-iter", required_argument, 0, 'm'},
        {"version", no_argument, 0, 'V'},        {0, 0, 0, 0}};
    static double grid[100000];
    int o;
    while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        char *end = NULL;
        long v = 0;
        if (optarg && strchr("tciskv", o) && o != 'v')
            v = strtol(optarg, &end, 10);
        if (end && (*end || v < 0 || v > INT_MAX)) {
            fprintf(stderr, "ntkb_eval: bad number '%s'\n", optarg);
            return 1;
        }
        switch (o) {
        case 'g':
            if (a->n_grams == MAX_GRAMS) {
                fprintf(stderr, "ntkb_eval: at most %d --gram\n", MAX_GRAMS);
                return 1;
            }
            a->grams[a->n_grams++] = optarg;
            break;
        case 'l': a->labels = optarg; break;
        case 'f': a->folds = optarg; break;
        case 'p':
            if (!strcmp(optarg, "paper"))
                a->opts.protocols = NTKB_PROTOCOL_PAPER;
            else if (!strcmp(optarg, "nested"))
                a->opts.protocols = NTKB_PROTOCOL_NESTED;
            else if (!strcmp(optarg, "both"))
                a->opts.protocols = NTKB_PROTOCOL_PAPER | NTKB_PROTOCOL_NESTED;
            else {
                fprintf(stderr, "ntkb_eval: --protocol must be paper, nested or both\n");
                return 1;
            }
            break;
        case 't': a->opts.threads = (int)v; break;
        case 'c':
            if (v < 1 || v > 100000) {
                fprintf(stderr, "ntkb_eval: --n-C must be in 1..100000\n");
                return 1;
            }
            for (long k = 0; k < v; k++)
                grid[k] = ntkb_protocol_default_C((size_t)k, (size_t)v);
            a->opts.C = grid;
            a->opts.n_C = (size_t)v;
            break;
        case 'i': a->opts.inner_folds = (size_t)v; break;
        case 's': a->opts.seed = (uint64_t)v; break;
        case 'k': a->n_folds = (size_t)v; break;
        case 'v':
            if (parse_variants(optarg, &a->opts.variants)) {
                fprintf(stderr, "ntkb_eval: --variants takes scaled, cosine, raw\n");
                return 1;
            }
            break;
        case 'P': a->opts.progress = 1; break;
        case 'S':
            if (strcmp(optarg, "smo") && strcmp(optarg, "libsvm")) {
                fprintf(stderr, "ntkb_eval: --solver must be smo or libsvm\n");
                return 1;
            }
            a->opts.solver = strcmp(optarg, "libsvm") ? NTKB_SOLVER_SMO : NTKB_SOLVER_LIBSVM;
            break;
        case 'm':
            v = strtol(optarg, &end, 10);
            if (*end || v < -1) {
                fprintf(stderr, "ntkb_eval: --max-iter must be -1 or a non-negative integer\n");
                return 1;
            }
            a->opts.svm.max_iter = v;
            break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("ntkb_eval %s\n", NTKB_VERSION); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind != argc || !a->n_grams || !a->labels || !a->folds) {
        usage(stderr);
        return 1;
    }
    return -1;
}

static int fail(ntkb_status st)
{
    fprintf(stderr, "ntkb_eval: %s: %s\n", ntkb_status_name(st), ntkb_last_error());
    return ntkb_status_exit_code(st);
}

int main(int argc, char **argv)
{
    cli_args a = {.opts = ntkb_protocol_opts_default(), .n_folds = 10};
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    int64_t *labels = NULL;
    size_t n = 0;
    ntkb_folds *folds = NULL;
    ntkb_protocol *p = NULL;
    ntkb_gram *g = NULL;
    char dir[4300];
    ntkb_status st = ntkb_labels_load_npy(a.labels, &labels, &n);
    if (st)
        return fail(st);
    folds_parent(a.folds, dir, sizeof dir);
    if ((st = ntkb_folds_read(dir, a.n_folds, n, &folds)) ||
        (st = ntkb_protocol_alloc(n, labels, folds->n_folds, folds->train, folds->n_train,
                                  folds->test, folds->n_test, &a.opts, &p)))
        goto out;
    for (size_t k = 0; k < a.n_grams && !st; k++) {
        if ((st = ntkb_gram_load_npy(a.grams[k], &g)))
            break;
        if (g->n != n)
            st = ntkb_error(NTKB_EFORMAT, "%s: %zu×%zu Gram but %zu labels", a.grams[k], g->n,
                            g->n, n);
        else
            st = ntkb_protocol_add(p, a.grams[k], g->data);
        ntkb_gram_free(g);
        g = NULL;
    }
    if (st)
        goto out;
    ntkb_protocol_result r;
    if (a.opts.protocols & NTKB_PROTOCOL_PAPER) {
        for (size_t k = 0; k < a.n_grams && !st; k++)
            for (unsigned v = 0; v < 3 && !st; v++) {
                if (!(a.opts.variants & (1u << v)))
                    continue;
                if (!(st = ntkb_protocol_paper(p, k, 1u << v, &r)))
                    printf("paper %s [%s]: %.2f ± %.2f %% (C = %.6g)\n", a.grams[k],
                           variant_name((ntkb_svm_variant)v), 100.0 * r.mean, 100.0 * r.std,
                           r.best.C);
            }
        if (!st && !(st = ntkb_protocol_paper(p, SIZE_MAX, 0, &r)))
            print_result(p, "paper", &r, 0);
    }
    if (!st && (a.opts.protocols & NTKB_PROTOCOL_NESTED) && !(st = ntkb_protocol_nested(p, &r)))
        print_result(p, "nested", &r, 1);
    if (!st)
        printf("fits: %zu in %.1f s (%zu stopped at max_iter)\n", r.n_fits, r.seconds,
               r.n_capped);
out:
    ntkb_protocol_free(p);
    ntkb_folds_free(folds);
    free(labels);
    return st ? fail(st) : 0;
}
