/* ntkb_eval: evaluates precomputed Gram matrices (.npy) with C-SVC (LIBSVM's algorithm) under the paper
 * and/or nested graph-kernel protocols (studies/gram_eval.h).  Each --gram is one candidate
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

#include "cli.h"
#include "core/status.h"
#include "eval/protocol.h"
#include "ntkb_config.h"
#include "studies/gram_eval.h"

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

typedef struct {
    const char *grams[MAX_GRAMS];
    ntkb_gram_eval_opts run;
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
            if (a->run.n_grams == MAX_GRAMS) {
                fprintf(stderr, "ntkb_eval: at most %d --gram\n", MAX_GRAMS);
                return 1;
            }
            a->grams[a->run.n_grams++] = optarg;
            break;
        case 'l': a->run.labels = optarg; break;
        case 'f': a->run.folds = optarg; break;
        case 'p':
            if (!strcmp(optarg, "paper"))
                a->run.opts.protocols = NTKB_PROTOCOL_PAPER;
            else if (!strcmp(optarg, "nested"))
                a->run.opts.protocols = NTKB_PROTOCOL_NESTED;
            else if (!strcmp(optarg, "both"))
                a->run.opts.protocols = NTKB_PROTOCOL_PAPER | NTKB_PROTOCOL_NESTED;
            else {
                fprintf(stderr, "ntkb_eval: --protocol must be paper, nested or both\n");
                return 1;
            }
            break;
        case 't': a->run.opts.threads = (int)v; break;
        case 'c':
            if (v < 1 || v > 100000) {
                fprintf(stderr, "ntkb_eval: --n-C must be in 1..100000\n");
                return 1;
            }
            for (long k = 0; k < v; k++)
                grid[k] = ntkb_protocol_default_C((size_t)k, (size_t)v);
            a->run.opts.C = grid;
            a->run.opts.n_C = (size_t)v;
            break;
        case 'i': a->run.opts.inner_folds = (size_t)v; break;
        case 's': a->run.opts.seed = (uint64_t)v; break;
        case 'k': a->run.n_folds = (size_t)v; break;
        case 'v':
            if (parse_variants(optarg, &a->run.opts.variants)) {
                fprintf(stderr, "ntkb_eval: --variants takes scaled, cosine, raw\n");
                return 1;
            }
            break;
        case 'P': a->run.opts.progress = 1; break;
        case 'S':
            if (strcmp(optarg, "smo") && strcmp(optarg, "libsvm")) {
                fprintf(stderr, "ntkb_eval: --solver must be smo or libsvm\n");
                return 1;
            }
            a->run.opts.solver = strcmp(optarg, "libsvm") ? NTKB_SOLVER_SMO : NTKB_SOLVER_LIBSVM;
            break;
        case 'm':
            v = strtol(optarg, &end, 10);
            if (*end || v < -1) {
                fprintf(stderr, "ntkb_eval: --max-iter must be -1 or a non-negative integer\n");
                return 1;
            }
            a->run.opts.svm.max_iter = v;
            break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("ntkb_eval %s\n", NTKB_VERSION); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind != argc || !a->run.n_grams || !a->run.labels || !a->run.folds) {
        usage(stderr);
        return 1;
    }
    return -1;
}

int main(int argc, char **argv)
{
    cli_init(argc, argv);
    cli_args a = {.run = {.opts = ntkb_protocol_opts_default(), .n_folds = 10}};
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    a.run.grams = a.grams;
    return cli_finish("ntkb_eval", ntkb_gram_eval_run(&a.run));
}
