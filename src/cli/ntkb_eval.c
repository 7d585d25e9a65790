/* ntkb_eval: evaluates precomputed Gram matrices (.npy) with C-SVC (LIBSVM's algorithm) under the paper
 * and/or nested graph-kernel protocols (studies/gram_eval.h).  Each --gram is one candidate
 * kernel configuration; the search runs over all of them.  Results on stdout, progress and
 * diagnostics on stderr; exit 0 ok, 1 usage error, 2 bad input data, 3 runtime failure.
 */
#include <getopt.h>
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
        "                 [--solver smo|libsvm|path] [--max-iter N] [--blocks FILE]\n"
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
        "              LIBSVM 3.24 itself (cap max(1e7, 100 l)); identical on converged solves;\n"
        "              path: every fit converged to LIBSVM's tolerance, each C of a fold\n"
        "              warm-started from the previous C's solution (fast; not search.py's)\n"
        "  --max-iter  smo's iteration cap per binary solve, -1 for none; default 500000\n"
        "  --blocks    record of finished blocks of fits (every C of one Gram, variant and\n"
        "              fold; a versioned text file): read if it exists, appended to as blocks\n"
        "              finish, so that a killed run continues where it stopped; refused (exit\n"
        "              2) when it belongs to another search or was edited\n"
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

/* One option into a; returns 0, or 1 on a bad value (message printed). */
static int parse_option(int o, cli_args *a)
{
    static double grid[100000];
    long v;
    switch (o) {
    case 'g':
        if (a->run.n_grams == MAX_GRAMS)
            return fprintf(stderr, "ntkb_eval: at most %d --gram\n", MAX_GRAMS), 1;
        a->grams[a->run.n_grams++] = optarg;
        return 0;
    case 'l': a->run.labels = optarg; return 0;
    case 'f': a->run.folds = optarg; return 0;
    case 'p':
        if (!strcmp(optarg, "paper"))
            a->run.opts.protocols = NTKB_PROTOCOL_PAPER;
        else if (!strcmp(optarg, "nested"))
            a->run.opts.protocols = NTKB_PROTOCOL_NESTED;
        else if (!strcmp(optarg, "both"))
            a->run.opts.protocols = NTKB_PROTOCOL_PAPER | NTKB_PROTOCOL_NESTED;
        else
            return cli_bad("ntkb_eval", "--protocol", "paper, nested or both");
        return 0;
    case 't':
        if (!cli_long(optarg, 1, 1024, &v))
            return cli_bad("ntkb_eval", "--threads", "1..1024");
        a->run.opts.threads = (int)v;
        return 0;
    case 'c':
        if (!cli_long(optarg, 1, 100000, &v))
            return cli_bad("ntkb_eval", "--n-C", "1..100000");
        for (long k = 0; k < v; k++)
            grid[k] = ntkb_protocol_default_C((size_t)k, (size_t)v);
        a->run.opts.C = grid;
        a->run.opts.n_C = (size_t)v;
        return 0;
    case 'i':
    case 'k':
        if (!cli_long(optarg, 2, NTKB_PROTOCOL_MAX_FOLDS, &v))
            return cli_bad("ntkb_eval", o == 'i' ? "--inner" : "--n-folds", "2..64");
        *(o == 'i' ? &a->run.opts.inner_folds : &a->run.n_folds) = (size_t)v;
        return 0;
    case 's':
        if (!cli_long(optarg, 0, 2147483647L, &v))
            return cli_bad("ntkb_eval", "--seed", "0..2147483647");
        a->run.opts.seed = (uint64_t)v;
        return 0;
    case 'v':
        return parse_variants(optarg, &a->run.opts.variants)
                   ? cli_bad("ntkb_eval", "--variants", "scaled, cosine, raw (comma-separated)")
                   : 0;
    case 'P': a->run.opts.progress = 1; return 0;
    case 'B': a->run.opts.blocks = optarg; return 0;
    case 'S':
        if (strcmp(optarg, "smo") && strcmp(optarg, "libsvm") && strcmp(optarg, "path"))
            return cli_bad("ntkb_eval", "--solver", "smo, libsvm or path");
        a->run.opts.solver = !strcmp(optarg, "libsvm") ? NTKB_SOLVER_LIBSVM
                             : !strcmp(optarg, "path") ? NTKB_SOLVER_PATH : NTKB_SOLVER_SMO;
        return 0;
    case 'm':
        if (!cli_long(optarg, -1, 2000000000L, &v))
            return cli_bad("ntkb_eval", "--max-iter", "-1..2000000000");
        a->run.opts.svm.max_iter = v;
        return 0;
    }
    return 1;
}

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
        {"version", no_argument, 0, 'V'},        {"blocks", required_argument, 0, 'B'},
        {0, 0, 0, 0}};
    int o;
    while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
        if (o == 'h')
            return usage(stdout), 0;
        if (o == 'V')
            return printf("ntkb_eval (ntkbench) %s\n", NTKB_VERSION), 0;
        if (parse_option(o, a) != 0)
            return usage(stderr), 1;
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
