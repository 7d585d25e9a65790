/* bench_fibers: which data augmentations stay on the kernel fiber of the FC NTK.
 *
 * For each dataset: mean ± std over random (z, x) image pairs of the alignment cos∠(x̂ − x, ∇ₓΘ(z, x))
 * and the relative level-set deviation |Θ(z, x) − Θ(z, x̂)|/|Θ(z, x)| of eight augmentations, beside
 * the AAAI poster's numbers; then three sweeps of the deviation (input dimension, noise magnitude,
 * number of augmented training points) written as gnuplot data files.
 * Writes <out>/augmentation.csv, <out>/augmentation.md and <out>/figures/augmentation-*.dat;
 * results/plot-augmentation.gp turns the .dat files into SVGs.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/status.h"
#include "studies/fibers_report.h"
#include "lantk/images.h"
#include "ntkb_config.h"

static void usage(FILE *out)
{
    fprintf(out,
        "usage: bench_fibers [options]\n"
        "  --dataset D       cifar10 | fashion-mnist | both [both; CIFAR-10 is skipped when absent]\n"
        "  --pairs N         random (z, x) pairs per measurement [1000]\n"
        "  --depth L         weight layers of the FC NTK, >= 1 [3]\n"
        "  --activation A    relu | erf | gelu [relu]\n"
        "  --bias B          bias standard deviation beta [0.1]\n"
        "  --noise-norm E    rms per pixel of the noise, fiber and gradient displacements,\n"
        "                    i.e. ||v||_2 = E*sqrt(n0), pixels in [-1, 1] [0.1]\n"
        "  --images N        images read per dataset (the pool pairs are drawn from) [2000]\n"
        "  --width W         also measure the empirical NTK of a width-W two-layer GeLU net\n"
        "                    (and its infinite-width limit); 0 skips it [512]\n"
        "  --seed S          random seed [1]\n"
        "  --out-dir DIR     where augmentation.{csv,md} and figures/ go [results]\n"
        "  --cifar-dir DIR   CIFAR-10 binary batches [DATA/cifar10/data, DATA = $NTKB_DATA or the\n"
        "                    installed or ./datasets directory]\n"
        "  --fmnist-dir DIR  Fashion-MNIST idx files [/usr/share/datasets/fashion-mnist]\n"
        "  --help, --version\n");
}

static int parse_size(const char *s, size_t lo, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s == '-' || *end || end == s || v < lo)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    return (*end || end == s) ? -1 : 0;
}

/* Returns 0 to run, 1 on a usage error, -1 when --help/--version was answered. */
static int parse_args(int argc, char **argv, ntkb_fibers_run *o)
{
    static const struct option opts[] = {
        {"dataset", required_argument, 0, 'd'},  {"pairs", required_argument, 0, 'p'},
        {"depth", required_argument, 0, 'L'},    {"activation", required_argument, 0, 'a'},
        {"bias", required_argument, 0, 'b'},     {"noise-norm", required_argument, 0, 'e'},
        {"images", required_argument, 0, 'n'},   {"seed", required_argument, 0, 's'},
        {"out-dir", required_argument, 0, 'o'},  {"cifar-dir", required_argument, 0, 'c'},
        {"fmnist-dir", required_argument, 0, 'f'}, {"width", required_argument, 0, 'w'},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},        {0, 0, 0, 0}};
    int c, bad = 0;
    size_t v;
    while (!bad && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': o->dataset = optarg; break;
        case 'p': bad = parse_size(optarg, 2, &o->pairs); break;
        case 'L': bad = parse_size(optarg, 1, &v) || v > 1000; o->net.depth = (int)v; break;
        case 'a':
            bad = ntkb_fibers_activation_parse(optarg, &o->net.activation) != NTKB_OK;
            break;
        case 'b': bad = parse_double(optarg, &o->net.bias) || !(o->net.bias >= 0); break;
        case 'e': bad = parse_double(optarg, &o->aug.noise_rms) || !(o->aug.noise_rms > 0); break;
        case 'n': bad = parse_size(optarg, 100, &o->images); break;
        case 's': bad = parse_size(optarg, 0, &v); o->seed = (uint64_t)v; break;
        case 'w': bad = parse_size(optarg, 0, &o->width) || o->width > 100000; break;
        case 'o': o->out_dir = optarg; break;
        case 'c': o->cifar_dir = optarg; break;
        case 'f': o->fmnist_dir = optarg; break;
        case 'h': usage(stdout); return -1;
        case 'V': printf("bench_fibers (ntkbench) %s\n", NTKB_VERSION); return -1;
        default: bad = 1;
        }
        if (bad && c != '?')
            fprintf(stderr, "bench_fibers: bad value '%s' for an option\n", optarg);
    }
    if (!bad && optind < argc) {
        fprintf(stderr, "bench_fibers: unexpected argument '%s'\n", argv[optind]);
        bad = 1;
    }
    if (!bad && strcmp(o->dataset, "cifar10") && strcmp(o->dataset, "fashion-mnist") &&
        strcmp(o->dataset, "both")) {
        fprintf(stderr, "bench_fibers: --dataset %s: expected cifar10, fashion-mnist or both\n",
                o->dataset);
        bad = 1;
    }
    if (bad)
        usage(stderr);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    cli_init(argc, argv);
    ntkb_fibers_run o = ntkb_fibers_run_default();
    int pa = parse_args(argc, argv, &o);
    if (pa)
        return pa < 0 ? 0 : 1;
    o.argc = argc;
    o.argv = argv;
    return cli_finish("bench_fibers", ntkb_fibers_run_all(&o));
}
