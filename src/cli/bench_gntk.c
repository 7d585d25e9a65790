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
#include "ntkb_config.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bench_gntk [--dataset NAME|DIR|FILE] [--blocks L] [--mlp R]\n"
            "                  [--scale uniform|degree] [--out DIR] [--threads N] [--resume]\n"
            "                  [--faithful] [--tile T] [--quiet]\n"
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
            "  --help     this text\n  --version  print the version\n"
            "Exit status: 0 ok, 1 usage error, 2 bad input data or journal mismatch, 3 runtime "
            "failure.\n");
}

typedef struct {
    const char *dataset, *out;
    ntkb_gntk_params p;
    int threads, resume, quiet;
    size_t tile;
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
        {"faithful", no_argument, 0, 'F'},
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

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static ntkb_status write_meta(const cli_args *a, const ntkb_graphset *gs, double seconds,
                              const ntkb_tiles_stats *stats)
{
    char path[4096], fp[512];
    ntkb_meta *m = ntkb_meta_alloc();
    if (!m)
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    ntkb_gntk_fingerprint(gs, &a->p, fp, sizeof fp);
    ntkb_status st = NTKB_OK;
    if (!st) st = ntkb_meta_add_string(m, "kernel", "gntk");
    if (!st) st = ntkb_meta_add_string(m, "dataset", gs->name);
    if (!st) st = ntkb_meta_add_string(m, "dataset_arg", a->dataset);
    if (!st) st = ntkb_meta_add_int(m, "n_graphs", (int64_t)gs->n_graphs);
    if (!st) st = ntkb_meta_add_int(m, "blocks", a->p.blocks);
    if (!st) st = ntkb_meta_add_int(m, "official_num_layers", a->p.blocks + 1);
    if (!st) st = ntkb_meta_add_int(m, "mlp", a->p.mlp);
    if (!st) st = ntkb_meta_add_string(m, "scale", a->p.scale ? "degree" : "uniform");
    if (!st) st = ntkb_meta_add_string(m, "mode", a->p.faithful ? "faithful" : "fast");
    if (!st) st = ntkb_meta_add_string(m, "files", "gram-L{l}-jk{0,1}.npy, l = 1..blocks");
    if (!st) st = ntkb_meta_add_string(m, "factor", "includes the official final factor 2");
    if (!st) st = ntkb_meta_add_string(m, "fingerprint", fp);
    if (!st) st = ntkb_meta_add_string(m, "relu", ntkb_gntk_relu_impl());
    if (!st) st = ntkb_meta_add_int(m, "threads", a->threads);
    if (!st) st = ntkb_meta_add_int(m, "tiles_skipped_on_resume", (int64_t)stats->tiles_skipped);
    if (!st) st = ntkb_meta_add_double(m, "seconds", seconds);
    if (!st) st = ntkb_meta_add_string(m, "version", NTKB_VERSION);
    snprintf(path, sizeof path, "%s/meta.json", a->out);
    if (!st)
        st = ntkb_meta_write(m, path);
    ntkb_meta_free(m);
    return st;
}

/* Builds the 2L file names gram-L{l}-jk{jk}.npy. */
static char **make_names(int L)
{
    char **names = calloc(2 * (size_t)L, sizeof *names);
    for (int k = 0; names && k < 2 * L; k++) {
        names[k] = malloc(32);
        if (names[k])
            snprintf(names[k], 32, "gram-L%d-jk%d.npy", k / 2 + 1, k % 2);
    }
    return names;
}

static void free_names(char **names, int L)
{
    for (int k = 0; names && k < 2 * L; k++)
        free(names[k]);
    free(names);
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

int main(int argc, char **argv)
{
    cli_args a = {"MUTAG", NULL, {2, 2, NTKB_GNTK_UNIFORM, 0}, 0, 0, 0, 0};
    int pr = parse_args(argc, argv, &a);
    if (pr != 0) {
        if (pr < 0)
            usage(stderr);
        return pr < 0 ? 1 : 0;
    }
    ntkb_init_error_handlers();
    ntkb_graphset *gs = NULL;
    char **names = NULL;
    double t0 = now_s();
    ntkb_status st = ntkb_graphset_load(a.dataset, NULL, NTKB_TAGS_AUTO, &gs);
    if (st != NTKB_OK)
        goto done;
    double t_load = now_s() - t0;
    printf("dataset %s: %zu graphs, %zu classes, %zu nodes, %zu edges, %zu self-loops, %zu tags "
           "(loaded in %.2f s)\n",
           gs->name, gs->n_graphs, gs->n_classes, gs->n_nodes, gs->n_edges, gs->n_self_loops,
           gs->n_tags, t_load);
    printf("gntk: %d BLOCKs (official num_layers %d), R = %d, scale %s, %s mode, relu %s -> %d "
           "Grams\n",
           a.p.blocks, a.p.blocks + 1, a.p.mlp, a.p.scale ? "degree" : "uniform",
           a.p.faithful ? "faithful" : "fast", ntkb_gntk_relu_impl(), 2 * a.p.blocks);
    fflush(stdout);
    ntkb_tiles_spec opt = {0};
    ntkb_tiles_stats stats = {0};
    opt.threads = a.threads;
    opt.tile = a.tile;
    opt.resume = a.resume;
    opt.progress = a.quiet ? NULL : "bench_gntk";
    double t1 = now_s();
    if (!a.out) {
        st = run_memory(&a, gs, &opt, &stats);
    } else {
        if (mkdir(a.out, 0755) != 0 && errno != EEXIST) {
            st = ntkb_error(NTKB_EIO, "%s: cannot create: %s", a.out, strerror(errno));
            goto done;
        }
        names = make_names(a.p.blocks);
        if (!names) {
            st = ntkb_error(NTKB_ENOMEM, "out of memory");
            goto done;
        }
        opt.out_dir = a.out;
        opt.names = (const char *const *)names;
        st = ntkb_gntk_gram_run(gs, &a.p, &opt, &stats);
        char path[4096];
        snprintf(path, sizeof path, "%s/labels.npy", a.out);
        if (st == NTKB_OK)
            st = ntkb_labels_save_npy(path, gs->label, gs->n_graphs);
        if (st == NTKB_OK)
            st = write_meta(&a, gs, now_s() - t1, &stats);
    }
    double secs = now_s() - t1;
    if (st == NTKB_OK) {
        double pairs = (double)gs->n_graphs * (double)(gs->n_graphs + 1) / 2;
        printf("computed %.0f pairs in %.3f s (precompute %.3f s, tiles %.3f s; %.0f pairs/s)%s\n",
               pairs, secs, stats.seconds_prep, stats.seconds_fill, pairs / secs,
               stats.tiles_skipped ? " [resumed]" : "");
        if (a.out)
            printf("wrote %s/gram-L{1..%d}-jk{0,1}.npy, labels.npy, meta.json\n", a.out,
                   a.p.blocks);
    }
done:
    if (st != NTKB_OK)
        fprintf(stderr, "bench_gntk: %s\n", ntkb_last_error());
    free_names(names, a.p.blocks);
    ntkb_graphset_free(gs);
    return ntkb_status_exit_code(st);
}
