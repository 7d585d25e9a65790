/* bench_gntk: GNTK Gram matrices of a graph benchmark (one pass gives every depth ≤ L and both
 * readouts), written as .npy with labels and run metadata; resumable. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/gram.h"
#include "core/meta.h"
#include "core/status.h"
#include "core/tiles.h"
#include "gntk/gntk.h"
#include "gntk/graphset.h"
#include "gntk/relu.h"
#include "graph_eval.h"
#include "ntkb_config.h"
#include "core/clock.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bench_gntk [--dataset NAME|DIR|FILE] [--blocks L] [--mlp R]\n"
            "                  [--scale uniform|degree] [--out DIR] [--threads N] [--resume]\n"
            "                  [--faithful] [--tile T] [--quiet]\n"
            "       bench_gntk --evaluate [--dataset NAME] [--grid released|quick|min]\n"
            "                  [--grid-L L] [--grid-R R] [--grid-scale uniform|degree]\n"
            "                  [--paper-C N] [--nested-C N]\n"
            "                  [--solver smo|libsvm] [--max-iter N] [--cache DIR] [--results DIR]\n"
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
            "  --paper-C  C values of the paper search, spread over search.py's 120 [120]\n"
            "  --nested-C C values of the nested search (0: no nested protocol) [20]\n"
            "  --solver   smo: LIBSVM's SMO algorithm in C, stopped after --max-iter iterations\n"
            "             per binary solve as search.py's SVC(max_iter=5e5); libsvm: LIBSVM 3.24\n"
            "             itself (its own fixed cap, max(1e7, 100 l)); both decide identically on\n"
            "             solves that converge before the cap [smo]\n"
            "  --max-iter SMO iteration cap per binary solve, -1 for none [500000]\n"
            "  --cache    directory of cached GNTK Grams [cache]\n"
            "  --results  directory of graphs.csv, published-graphs.csv, graphs.md [results]\n"
            "  --help     this text\n  --version  print the version\n"
            "Exit status: 0 ok, 1 usage error, 2 bad input data or journal mismatch, 3 runtime "
            "failure.\n");
}

typedef struct {
    const char *dataset, *out;
    ntkb_gntk_params p;
    int threads, resume, quiet, evaluate;
    size_t tile;
    graph_eval_opts eval;
} cli_args;

static int parse_int(const char *s, long lo, long hi, long *v)
{
    char *end;
    errno = 0;
    *v = strtol(s, &end, 10);
    return errno == 0 && *s && !*end && *v >= lo && *v <= hi;
}

/* Returns 0 to run, -1 on a usage error, 1 when --help/--version was served. */
static int parse_args(int argc, char **argv, cli_args *a)
{
    static const struct option opts[] = {
        {"dataset", required_argument, 0, 'd'}, {"blocks", required_argument, 0, 'L'},
        {"mlp", required_argument, 0, 'R'},     {"scale", required_argument, 0, 's'},
        {"out", required_argument, 0, 'o'},     {"threads", required_argument, 0, 't'},
        {"resume", no_argument, 0, 'r'},        {"tile", required_argument, 0, 'T'},
        {"quiet", no_argument, 0, 'q'},         {"help", no_argument, 0, 'h'},
        {"faithful", no_argument, 0, 'F'},     {"evaluate", no_argument, 0, 'E'},
        {"grid", required_argument, 0, 'g'},   {"paper-C", required_argument, 0, 'P'},
        {"nested-C", required_argument, 0, 'N'}, {"cache", required_argument, 0, 'c'},
        {"results", required_argument, 0, 'S'}, {"grid-R", required_argument, 0, 'G'},
        {"grid-L", required_argument, 0, 'J'},
        {"grid-scale", required_argument, 0, 'H'}, {"solver", required_argument, 0, 'O'},
        {"max-iter", required_argument, 0, 'I'},
        {"version", no_argument, 0, 'V'},       {0, 0, 0, 0}};
    long v;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': a->dataset = optarg; break;
        case 'L':
            if (!parse_int(optarg, 1, 64, &v))
                return fprintf(stderr, "bench_gntk: --blocks needs 1..64\n"), -1;
            a->p.blocks = (int)v;
            break;
        case 'R':
            if (!parse_int(optarg, 1, 64, &v))
                return fprintf(stderr, "bench_gntk: --mlp needs 1..64\n"), -1;
            a->p.mlp = (int)v;
            break;
        case 's':
            if (strcmp(optarg, "uniform") == 0)
                a->p.scale = NTKB_GNTK_UNIFORM;
            else if (strcmp(optarg, "degree") == 0)
                a->p.scale = NTKB_GNTK_DEGREE;
            else
                return fprintf(stderr, "bench_gntk: --scale is uniform or degree\n"), -1;
            break;
        case 'o': a->out = optarg; break;
        case 't':
            if (!parse_int(optarg, 1, 1024, &v))
                return fprintf(stderr, "bench_gntk: --threads needs 1..1024\n"), -1;
            a->threads = (int)v;
            break;
        case 'r': a->resume = 1; break;
        case 'T':
            if (!parse_int(optarg, 1, 4096, &v))
                return fprintf(stderr, "bench_gntk: --tile needs 1..4096\n"), -1;
            a->tile = (size_t)v;
            break;
        case 'q': a->quiet = 1; break;
        case 'F': a->p.faithful = 1; break;
        case 'E': a->evaluate = 1; break;
        case 'g':
            if (strcmp(optarg, "released") == 0)
                a->eval.grid = GRID_RELEASED;
            else if (strcmp(optarg, "quick") == 0)
                a->eval.grid = GRID_QUICK;
            else if (strcmp(optarg, "min") == 0)
                a->eval.grid = GRID_MIN;
            else
                return fprintf(stderr, "bench_gntk: --grid is released, quick or min\n"), -1;
            break;
        case 'P':
        case 'N':
            if (!parse_int(optarg, c == 'P' ? 1 : 0, 120, &v))
                return fprintf(stderr, "bench_gntk: --%s needs %d..120\n", c == 'P' ? "paper-C" : "nested-C",
                               c == 'P'), -1;
            *(c == 'P' ? &a->eval.paper_C : &a->eval.nested_C) = (size_t)v;
            break;
        case 'G':
        case 'J':
            if (!parse_int(optarg, 1, 64, &v))
                return fprintf(stderr, "bench_gntk: --grid-%c needs 1..64\n", c == 'G' ? 'R' : 'L'),
                       -1;
            *(c == 'G' ? &a->eval.mlp_only : &a->eval.blocks_only) = (int)v;
            break;
        case 'H':
            if (strcmp(optarg, "uniform") && strcmp(optarg, "degree"))
                return fprintf(stderr, "bench_gntk: --grid-scale is uniform or degree\n"), -1;
            a->eval.scale_only = strcmp(optarg, "degree") == 0 ? NTKB_GNTK_DEGREE : NTKB_GNTK_UNIFORM;
            break;
        case 'O':
            if (strcmp(optarg, "smo") && strcmp(optarg, "libsvm"))
                return fprintf(stderr, "bench_gntk: --solver is smo or libsvm\n"), -1;
            a->eval.solver = strcmp(optarg, "libsvm") == 0;
            break;
        case 'I':
            if (!parse_int(optarg, -1, 2000000000L, &v))
                return fprintf(stderr, "bench_gntk: --max-iter needs -1..2000000000\n"), -1;
            a->eval.max_iter = v;
            break;
        case 'c': a->eval.cache_dir = optarg; break;
        case 'S': a->eval.results_dir = optarg; break;
        case 'h': usage(stdout); return 1;
        case 'V': printf("bench_gntk (ntkbench) %s\n", NTKB_VERSION); return 1;
        default: return -1;
        }
    }
    if (optind < argc)
        return fprintf(stderr, "bench_gntk: unexpected argument '%s'\n", argv[optind]), -1;
    if (a->resume && !a->out)
        return fprintf(stderr, "bench_gntk: --resume needs --out\n"), -1;
    return 0;
}

/* In-memory run: prints a short summary of every Gram. */
static ntkb_status run_memory(const cli_args *a, const ntkb_graphset *gs, ntkb_tiles_spec *opt,
                              ntkb_tiles_stats *stats)
{
    size_t N = gs->n_graphs, K = ntkb_gntk_n_out(&a->p);
    double **g = calloc(K, sizeof *g);
    ntkb_status st = g ? NTKB_OK : ntkb_error(NTKB_ENOMEM, "out of memory");
    for (size_t k = 0; st == NTKB_OK && k < K; k++)
        if (!(g[k] = malloc(N * N * sizeof **g)))
            st = ntkb_error(NTKB_ENOMEM, "out of memory for %zu×%zu Grams", N, N);
    opt->grams = g;
    if (st == NTKB_OK)
        st = ntkb_gntk_gram_run(gs, &a->p, opt, stats);
    for (size_t k = 0; st == NTKB_OK && k < K; k++) {
        double mn = g[k][0], mx = g[k][0];
        for (size_t e = 0; e < N * N; e++) {
            mn = g[k][e] < mn ? g[k][e] : mn;
            mx = g[k][e] > mx ? g[k][e] : mx;
        }
        printf("gram-L%zu-jk%zu: K[0,0] = %.10g  K[0,%zu] = %.10g  min %.6g  max %.6g\n",
               k / 2 + 1, k % 2, g[k][0], N - 1, g[k][N - 1], mn, mx);
    }
    for (size_t k = 0; g && k < K; k++)
        free(g[k]);
    free(g);
    return st;
}

/* --evaluate: the end-to-end graph benchmark (graph_eval.c); records the command line. */
static ntkb_status run_evaluate(cli_args *a, int argc, char **argv)
{
    char command[512];
    size_t len = 0;
    command[0] = '\0';
    for (int k = 0; k < argc && len < sizeof command; k++)
        len += (size_t)snprintf(command + len, sizeof command - len, "%s%s", k ? " " : "",
                                k ? argv[k] : "bench_gntk");
    a->eval.dataset = a->dataset;
    a->eval.threads = a->threads;
    a->eval.quiet = a->quiet;
    a->eval.command = command;
    return graph_eval_run(&a->eval);
}

/* Computes the Grams of one pass, in memory (summary on stdout) or into --out. */
static ntkb_status run_pass(const cli_args *a, const ntkb_graphset *gs)
{
    ntkb_tiles_spec opt = {0};
    ntkb_tiles_stats stats = {0};
    ntkb_status st;
    opt.threads = a->threads;
    opt.tile = a->tile;
    opt.progress = a->quiet ? NULL : "bench_gntk";
    double t1 = ntkb_clock_now();
    if (!a->out) {
        st = run_memory(a, gs, &opt, &stats);
    } else {
        graph_pass_opts po = {a->threads, a->tile, a->quiet, a->resume, 0};
        double pass_s;
        int reused;
        st = graph_eval_gntk_pass(gs, &a->p, a->dataset, a->out, &po, &pass_s, &reused, &stats);
    }
    double secs = ntkb_clock_now() - t1;
    if (st == NTKB_OK) {
        double pairs = (double)gs->n_graphs * (double)(gs->n_graphs + 1) / 2;
        printf("computed %.0f pairs in %.3f s (precompute %.3f s, tiles %.3f s; %.0f pairs/s)%s\n",
               pairs, secs, stats.seconds_prep, stats.seconds_fill, pairs / secs,
               stats.tiles_skipped ? " [resumed]" : "");
        if (a->out)
            printf("wrote %s/gram-L{1..%d}-jk{0,1}.npy, labels.npy, meta.json\n", a->out,
                   a->p.blocks);
    }
    return st;
}

int main(int argc, char **argv)
{
    cli_args a = {"MUTAG", NULL, {2, 2, NTKB_GNTK_UNIFORM, 0}, 0, 0, 0, 0, 0,
                  {NULL, GRID_RELEASED, "cache", "results", 0, 0, 120, 20, 0, 0, -1, 0, 500000, NULL}};
    int pr = parse_args(argc, argv, &a);
    if (pr != 0) {
        if (pr < 0)
            usage(stderr);
        return pr < 0 ? 1 : 0;
    }
    ntkb_graphset *gs = NULL;
    ntkb_status st;
    if (a.evaluate) {
        st = run_evaluate(&a, argc, argv);
        goto done;
    }
    double t0 = ntkb_clock_now();
    if ((st = ntkb_graphset_load(a.dataset, NULL, NTKB_TAGS_AUTO, &gs)) != NTKB_OK)
        goto done;
    printf("dataset %s: %zu graphs, %zu classes, %zu nodes, %zu edges, %zu self-loops, %zu tags "
           "(loaded in %.2f s)\n",
           gs->name, gs->n_graphs, gs->n_classes, gs->n_nodes, gs->n_edges, gs->n_self_loops,
           gs->n_tags, ntkb_clock_now() - t0);
    printf("gntk: %d BLOCKs (official num_layers %d), R = %d, scale %s, %s mode, relu %s -> %d "
           "Grams\n",
           a.p.blocks, a.p.blocks + 1, a.p.mlp, a.p.scale ? "degree" : "uniform",
           a.p.faithful ? "faithful" : "fast", ntkb_gntk_relu_impl(), 2 * a.p.blocks);
    fflush(stdout);
    st = run_pass(&a, gs);
done:
    if (st != NTKB_OK)
        fprintf(stderr, "bench_gntk: %s\n", ntkb_last_error());
    ntkb_graphset_free(gs);
    return ntkb_status_exit_code(st);
}
