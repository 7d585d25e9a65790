/* bench_gntk: GNTK Gram matrices of a graph benchmark (one pass gives every depth ≤ L and both
 * readouts), written as .npy with labels and run metadata, resumable; with --evaluate the whole
 * graph benchmark (studies/graph_bench.h). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/status.h"
#include "eval/protocol.h"
#include "ntkb_config.h"
#include "studies/graph_bench.h"

#define PROG "bench_gntk"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bench_gntk [--dataset NAME|DIR|FILE] [--blocks L] [--mlp R]\n"
            "                  [--scale uniform|degree] [--out DIR] [--threads N] [--resume]\n"
            "                  [--faithful] [--tile T] [--quiet]\n"
            "       bench_gntk --evaluate [--dataset NAME] [--grid released|quick|min]\n"
            "                  [--grid-L L] [--grid-R R] [--grid-scale uniform|degree]\n"
            "                  [--paper-C N] [--nested-C N]\n"
            "                  [--solver smo|libsvm|path] [--nested-solver smo|libsvm|path]\n"
            "                  [--max-iter N] [--cache DIR] [--results DIR]\n"
            "                  [--threads N]\n"
            "Computes GNTK Gram matrices (Du et al. 2019, exact to KangchengHou/gntk).  One pass\n"
            "with L BLOCKs yields the Gram of every depth l <= L, with and without the\n"
            "jumping-knowledge readout.\n"
            "  --dataset  a dataset name under datasets/ (MUTAG, PTC, NCI1, PROTEINS, IMDBBINARY,\n"
            "             IMDBMULTI, COLLAB), a TU or GIN directory, or a GIN text file [MUTAG];\n"
            "             IMDB* and COLLAB use the node degree as tag, the others the file's tags\n"
            "  --blocks   L, the number of BLOCKs = the official --num_layers minus one [2]\n"
            "  --mlp      R, MLP layers per BLOCK (the official --num_mlp_layers) [2]\n"
            "  --scale    neighbour scaling c_u: uniform (1) or degree (1/(deg+1)) [uniform]\n"
            "  --out      write DIR/gram-L{l}-jk{0,1}.npy for l = 1..L (float64, with the\n"
            "             official factor 2), DIR/labels.npy (int64) and DIR/meta.json; DIR is\n"
            "             created if missing.  Without --out the Grams are computed in memory and\n"
            "             summarised on stdout.\n"
            "  --threads  OpenMP threads [OpenMP default]\n"
            "  --resume   continue an interrupted run from DIR/tiles.journal: finished tiles are\n"
            "             not recomputed and the result is bit-identical; refused (exit 2) when\n"
            "             the journal belongs to another dataset or parameter set\n"
            "  --faithful node-level kernel in the official summation order (scipy's Kronecker\n"
            "             order): bit-for-bit the official arithmetic up to acos rounding; slower\n"
            "             on dense graphs.  The default fast mode works on the quotient by the\n"
            "             coarsest equitable partition and agrees to ~1e-9 relative\n"
            "  --tile     tile edge of the parallel driver [64]\n"
            "  --quiet    no progress lines on stderr\n"
            "  --evaluate the graph benchmark end to end: GNTK Grams over a grid (one pass per\n"
            "             (R, scale), cached in --cache and reused when their fingerprint matches)\n"
            "             and WL subtree Grams (h = 1..6), each searched with a C-SVC under the\n"
            "             paper protocol and nested CV on the dataset's fixed 10 folds; appends\n"
            "             rows to RESULTS/graphs.csv, rewrites RESULTS/graphs.md and\n"
            "             RESULTS/figures/graphs.dat (scripts/regenerate-results draws the figure)\n"
            "  --grid     released: KangchengHou/gntk's run_gram.sh grid (L in {9,11,13} for NCI1\n"
            "             and PTC, {1,3} otherwise; R in {1,2,3}; both scales; jk 0/1); quick: the\n"
            "             deepest L, R in {1,3}, uniform; min: the shallowest L, R = 1, uniform\n"
            "             [released]\n"
            "  --grid-L   only this L (BLOCKs) instead of the grid's [the grid's]\n"
            "  --grid-R   only this R (MLP layers) instead of the grid's [the grid's]\n"
            "  --grid-scale only this scaling instead of the grid's [the grid's]\n"
            "  --paper-C  C values of the paper search, spread evenly in index over search.py's\n"
            "             120 (logspace(-2, 4, 120)), both ends included [120]\n"
            "  --nested-C C values of the nested search (0: no nested protocol) [20]\n"
            "  --solver   smo: LIBSVM's SMO algorithm in C, stopped after --max-iter iterations\n"
            "             per binary solve as search.py's SVC(max_iter=5e5); libsvm: LIBSVM 3.24\n"
            "             itself (its own fixed cap, max(1e7, 100 l)); both decide identically on\n"
            "             solves that converge before the cap; path: every fit converged to\n"
            "             LIBSVM's tolerance, each C of a fold warm-started from the previous\n"
            "             C's solution (fast, not search.py's solver) [smo]\n"
            "  --nested-solver the solver of the nested protocol, where no reference fixes one\n"
            "             [path]\n"
            "  --max-iter SMO iteration cap per binary solve, -1 for none [500000]\n"
            "  --cache    directory of cached GNTK Grams and of the records of finished blocks\n"
            "             of fits (CACHE/NAME/blocks-*.txt: a killed --evaluate continues where\n"
            "             it stopped) [cache]\n"
            "  --results  directory of graphs.csv, published-graphs.csv, graphs.md and\n"
            "             blocks/NAME-*.txt, the records of fits copied after every candidate\n"
            "             (commit them: they seed a run elsewhere, and the reported maxima can be\n"
            "             re-derived from them) [results]\n"
            "  --help     this text\n  --version  print the version\n"
            "Exit status: 0 ok, 1 usage error, 2 bad input data or journal mismatch, 3 runtime "
            "failure.\n");
}

typedef struct {
    ntkb_graph_gram_opts gram;
    ntkb_graph_bench_opts eval;
    int evaluate;
} cli_args;

static int parse_scale(const char *s, int *out)
{
    if (strcmp(s, "uniform") == 0)
        *out = 0;
    else if (strcmp(s, "degree") == 0)
        *out = 1;
    else
        return 0;
    return 1;
}

/* The options of --evaluate.  Returns 1 when handled, 0 for an option that is not one, -1 on a
 * bad value. */
static int parse_eval_option(int c, ntkb_graph_bench_opts *e)
{
    long v;
    switch (c) {
    case 'g':
        if (strcmp(optarg, "released") == 0)
            e->grid = NTKB_GRID_RELEASED;
        else if (strcmp(optarg, "quick") == 0)
            e->grid = NTKB_GRID_QUICK;
        else if (strcmp(optarg, "min") == 0)
            e->grid = NTKB_GRID_MIN;
        else
            return -cli_bad(PROG, "--grid", "released, quick or min");
        return 1;
    case 'P':
        if (!cli_long(optarg, 1, 120, &v))
            return -cli_bad(PROG, "--paper-C", "1..120");
        e->paper_C = (size_t)v;
        return 1;
    case 'N':
        if (!cli_long(optarg, 0, 120, &v))
            return -cli_bad(PROG, "--nested-C", "0..120");
        e->nested_C = (size_t)v;
        return 1;
    case 'G':
    case 'J':
        if (!cli_long(optarg, 1, 64, &v))
            return -cli_bad(PROG, c == 'G' ? "--grid-R" : "--grid-L", "1..64");
        *(c == 'G' ? &e->mlp_only : &e->blocks_only) = (int)v;
        return 1;
    case 'H':
        return parse_scale(optarg, &e->scale_only) ? 1
                                                   : -cli_bad(PROG, "--grid-scale", "uniform or degree");
    case 'O':
    case 'Q': {
        const int which = !strcmp(optarg, "smo") ? NTKB_SOLVER_SMO
                        : !strcmp(optarg, "libsvm") ? NTKB_SOLVER_LIBSVM
                        : !strcmp(optarg, "path") ? NTKB_SOLVER_PATH : -1;
        if (which < 0)
            return -cli_bad(PROG, c == 'O' ? "--solver" : "--nested-solver",
                            "smo, libsvm or path");
        *(c == 'O' ? &e->solver : &e->nested_solver) = which;
        return 1;
    }
    case 'I':
        if (!cli_long(optarg, -1, 2000000000L, &v))
            return -cli_bad(PROG, "--max-iter", "-1..2000000000");
        e->max_iter = v;
        return 1;
    case 'c': e->cache_dir = optarg; return 1;
    case 'S': e->results_dir = optarg; return 1;
    }
    return 0;
}

/* Returns 0 to run, 1 on a usage error, 2 when --help/--version was served. */
static int parse_args(int argc, char **argv, cli_args *a)
{
    static const struct option opts[] = {
        {"dataset", required_argument, 0, 'd'}, {"blocks", required_argument, 0, 'L'},
        {"mlp", required_argument, 0, 'R'},     {"scale", required_argument, 0, 's'},
        {"out", required_argument, 0, 'o'},     {"threads", required_argument, 0, 't'},
        {"resume", no_argument, 0, 'r'},        {"tile", required_argument, 0, 'T'},
        {"quiet", no_argument, 0, 'q'},         {"help", no_argument, 0, 'h'},
        {"faithful", no_argument, 0, 'F'},      {"evaluate", no_argument, 0, 'E'},
        {"grid", required_argument, 0, 'g'},    {"paper-C", required_argument, 0, 'P'},
        {"nested-C", required_argument, 0, 'N'}, {"cache", required_argument, 0, 'c'},
        {"results", required_argument, 0, 'S'}, {"grid-R", required_argument, 0, 'G'},
        {"grid-L", required_argument, 0, 'J'},  {"grid-scale", required_argument, 0, 'H'},
        {"solver", required_argument, 0, 'O'},  {"max-iter", required_argument, 0, 'I'},
        {"nested-solver", required_argument, 0, 'Q'},
        {"version", no_argument, 0, 'V'},       {0, 0, 0, 0}};
    ntkb_graph_gram_opts *g = &a->gram;
    long v;
    int c, r;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if ((r = parse_eval_option(c, &a->eval)) != 0) {
            if (r < 0)
                return 1;
            continue;
        }
        switch (c) {
        case 'd': g->dataset = optarg; break;
        case 'L':
        case 'R':
            if (!cli_long(optarg, 1, 64, &v))
                return cli_bad(PROG, c == 'L' ? "--blocks" : "--mlp", "1..64");
            *(c == 'L' ? &g->blocks : &g->mlp) = (int)v;
            break;
        case 's':
            if (!parse_scale(optarg, &g->scale))
                return cli_bad(PROG, "--scale", "uniform or degree");
            break;
        case 'o': g->out = optarg; break;
        case 't':
            if (!cli_long(optarg, 1, 1024, &v))
                return cli_bad(PROG, "--threads", "1..1024");
            g->threads = (int)v;
            break;
        case 'r': g->resume = 1; break;
        case 'T':
            if (!cli_long(optarg, 1, 4096, &v))
                return cli_bad(PROG, "--tile", "1..4096");
            g->tile = (size_t)v;
            break;
        case 'q': g->quiet = 1; break;
        case 'F': g->faithful = 1; break;
        case 'E': a->evaluate = 1; break;
        case 'h': usage(stdout); return 2;
        case 'V': printf(PROG " (ntkbench) %s\n", NTKB_VERSION); return 2;
        default: return 1;
        }
    }
    if (optind < argc)
        return fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]), 1;
    if (g->resume && !g->out)
        return fprintf(stderr, PROG ": --resume needs --out\n"), 1;
    return 0;
}

int main(int argc, char **argv)
{
    cli_init(argc, argv);
    cli_args a = {.gram = {.dataset = "MUTAG", .blocks = 2, .mlp = 2},
                  .eval = ntkb_graph_bench_opts_default()};
    int pr = parse_args(argc, argv, &a);
    if (pr != 0) {
        if (pr == 1)
            usage(stderr);
        return pr == 1 ? 1 : 0;
    }
    if (!a.evaluate)
        return cli_finish(PROG, ntkb_graph_gram_run(&a.gram));
    char command[512];
    cli_command(PROG, argc, argv, command, sizeof command);
    a.eval.dataset = a.gram.dataset;
    a.eval.threads = a.gram.threads;
    a.eval.quiet = a.gram.quiet;
    a.eval.command = command;
    return cli_finish(PROG, ntkb_graph_bench_run(&a.eval));
}
