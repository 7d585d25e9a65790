/* bench_dynamics: NTK training dynamics on a Fashion-MNIST and a CIFAR-10 class pair — the
 * kernel's spectrum and gradient flow beside finite-width networks trained by gradient descent
 * (studies/dynamics.h). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ntkb_config.h"
#include "studies/dynamics.h"

#define PROG "bench_dynamics"

static void usage(FILE *out)
{
    ntkb_dyn_opts d = ntkb_dyn_opts_default();
    fprintf(out,
            "usage: bench_dynamics [--fm-pair A,B] [--cifar-pair A,B --cifar-dir DIR] [options]\n"
            "  --fm-pair A,B      Fashion-MNIST classes (names or 0..9; Debian's\n"
            "                     dataset-fashion-mnist) [tshirt,shirt unless --cifar-pair only]\n"
            "  --cifar-pair A,B   CIFAR-10 classes; needs --cifar-dir (the binary batches)\n"
            "  --cifar-dir DIR    CIFAR-10 directory (see scripts/fetch-cifar10)\n"
            "  --no-fm            only the CIFAR-10 pair\n"
            "  --train N, --test N  images per pair, half per class, first in file order [%zu, %zu]\n"
            "  --widths LIST      network widths, comma-separated, up to 8 [256,...,4096]\n"
            "  --steps S          gradient-descent steps [%zu]\n"
            "  --eta-scale C      step eta = C / lambda_max(NTK on the training images) [%g]\n"
            "  --sigma-w2 V       sigma_w^2 [2]   --beta B  bias scale [%g]\n"
            "  --seed S           network initialisation seed [1]\n"
            "  --out-dir DIR      DIR/dynamics.md and DIR/figures/dynamics-*.dat [results]\n"

            "  --help, --version\n"
            "Threads: OMP_NUM_THREADS (kernel) and OPENBLAS_NUM_THREADS (the networks).\n"
            "Progress goes to stderr; draw the figures with results/plot-dynamics.gp.\n",
            d.n_train, d.n_test, d.steps, d.eta_scale, d.beta);
}

static int parse_widths(const char *s, ntkb_dyn_opts *o)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    o->n_widths = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        long v;
        if (o->n_widths == 8 || !cli_long(tok, 1, 1 << 20, &v))
            return 1;
        o->widths[o->n_widths++] = (size_t)v;
    }
    return o->n_widths == 0;
}

static const struct option OPTS[] = {
    {"fm-pair", required_argument, 0, 'f'},   {"cifar-pair", required_argument, 0, 'c'},
    {"cifar-dir", required_argument, 0, 'C'}, {"no-fm", no_argument, 0, 'N'},
    {"train", required_argument, 0, 'n'},     {"test", required_argument, 0, 'm'},
    {"widths", required_argument, 0, 'w'},    {"steps", required_argument, 0, 'S'},
    {"eta-scale", required_argument, 0, 'e'}, {"sigma-w2", required_argument, 0, 'v'},
    {"beta", required_argument, 0, 'b'},      {"seed", required_argument, 0, 's'},
    {"out-dir", required_argument, 0, 'o'},
    {"help", no_argument, 0, 'h'},            {"version", no_argument, 0, 'V'},
    {0, 0, 0, 0}};

/* Returns 0 to go on, 1 on a usage error (message printed). */
static int parse_option(int c, ntkb_dyn_opts *o, int *no_fm)
{
    long v;
    double x;
    switch (c) {
    case 'f': o->fm_pair = optarg; return 0;
    case 'c': o->cifar_pair = optarg; return 0;
    case 'C': o->cifar_dir = optarg; return 0;
    case 'N': *no_fm = 1; return 0;
    case 'n':
    case 'm':
        if (!cli_long(optarg, 4, 100000, &v))
            return cli_bad(PROG, c == 'n' ? "--train" : "--test", "a count 4..100000");
        *(c == 'n' ? &o->n_train : &o->n_test) = (size_t)v;
        return 0;
    case 'w': return parse_widths(optarg, o) ? cli_bad(PROG, "--widths", "1 to 8 comma-separated widths") : 0;
    case 'S':
        if (!cli_long(optarg, 1, 100000000, &v))
            return cli_bad(PROG, "--steps", "a count >= 1");
        o->steps = (size_t)v;
        return 0;
    case 'e':
    case 'v':
    case 'b':
        if (!cli_double(optarg, c == 'b' ? 0.0 : 1e-12, 1e6, &x))
            return cli_bad(PROG, c == 'e' ? "--eta-scale" : c == 'v' ? "--sigma-w2" : "--beta",
                           "a positive number");
        if (c == 'e')
            o->eta_scale = x;
        else if (c == 'v')
            o->sw = sqrt(x);
        else
            o->beta = x;
        return 0;
    case 's':
        if (!cli_long(optarg, 0, 2147483647L, &v))
            return cli_bad(PROG, "--seed", "0..2147483647");
        o->seed = (uint64_t)v;
        return 0;
    case 'o': o->out_dir = optarg; return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    cli_init(argc, argv);
    ntkb_dyn_opts o = ntkb_dyn_opts_default();
    int c, no_fm = 0;
    while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
        if (c == 'h' || c == 'V') {
            if (c == 'h')
                usage(stdout);
            else
                printf(PROG " (ntkbench) %s\n", NTKB_VERSION);
            return 0;
        }
        if (parse_option(c, &o, &no_fm) != 0)
            return usage(stderr), 1;
    }
    if (optind < argc)
        return fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]), 1;
    if (no_fm)
        o.fm_pair = NULL;
    else if (!o.fm_pair)
        o.fm_pair = "tshirt,shirt";
    if (o.cifar_pair && !o.cifar_dir)
        return cli_bad(PROG, "--cifar-pair", "--cifar-dir");
    if (!o.fm_pair && !o.cifar_pair)
        return cli_bad(PROG, "--no-fm", "--cifar-pair");
    char command[512];
    cli_command(PROG, argc, argv, command, sizeof command);
    o.command = command;
    return cli_finish(PROG, ntkb_dyn_run(&o));
}
