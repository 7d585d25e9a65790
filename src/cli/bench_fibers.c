/* bench_fibers: which data augmentations stay on the kernel fiber of the FC NTK (issue 7).
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
        "  --cifar-dir DIR   CIFAR-10 binary batches [" NTKB_DATADIR "/cifar10/data]\n"
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

/* The first o->images images of the dataset (no labels needed), pixels scaled to [−1, 1]. */
static ntkb_status load_dataset(const ntkb_fibers_run *o, int cifar, ntkb_images **set)
{
    char path[4096];
    if (cifar)
        snprintf(path, sizeof path, "%s/data_batch_1.bin", o->cifar_dir);
    else
        snprintf(path, sizeof path, "%s/train-images-idx3-ubyte.gz", o->fmnist_dir);
    fprintf(stderr, "bench_fibers: reading %zu images from %s\n", o->images, path);
    ntkb_status st = cifar ? ntkb_images_read_cifar10_file_n(path, o->images, set)
                           : ntkb_images_read_idx_n(path, NULL, o->images, set);
    if (st == NTKB_OK)
        ntkb_images_scale_pm1(*set);
    return st;
}

/* The main table plus the three sweeps for one dataset. */
static ntkb_status run_dataset(const ntkb_fibers_run *o, const ntkb_images *set,
                               ntkb_fibers_result *r)
{
    ntkb_status st;
    r->shape = ntkb_fibers_shape_of(set);
    r->n_images = set->n;
    fprintf(stderr, "bench_fibers: %s: %zu pairs at %zux%zux%zu\n", r->name, o->pairs,
            set->channels, set->height, set->width);
    const ntkb_fibers_kernel kern = {&o->net, NULL};
    if ((st = ntkb_fibers_study_pairs(&kern, set, &o->aug, o->pairs, o->seed, r->stats)))
        return st;
    if (o->width && (st = ntkb_fibers_compare_empirical(o, set, r)) != NTKB_OK)
        return st;
    if ((st = ntkb_fibers_sweep_dimension(o, set, r)) != NTKB_OK)
        return st;
    if ((st = ntkb_fibers_sweep_noise(o, set, r)) != NTKB_OK)
        return st;
    return ntkb_fibers_sweep_count(o, set, r);
}

int main(int argc, char **argv)
{
    ntkb_fibers_run o = {.dataset = "both", .pairs = 1000, .images = 2000, .seed = 1,
                     .out_dir = "results", .cifar_dir = NTKB_DATADIR "/cifar10/data",
                     .fmnist_dir = "/usr/share/datasets/fashion-mnist",
                     .net = {NTKB_ACT_RELU, 3, 0.1, 1.0},
                     .aug = {10.0, 0, 0.8, 0.1}, .width = 512};
    int pa = parse_args(argc, argv, &o);
    if (pa)
        return pa < 0 ? 0 : 1;
    o.argc = argc;
    o.argv = argv;
    ntkb_fibers_result res[2];
    memset(res, 0, sizeof res);
    size_t nres = 0;
    ntkb_status st = NTKB_OK;
    for (int cifar = 0; cifar < 2 && st == NTKB_OK; cifar++) {
        const char *name = cifar ? "cifar10" : "fashion-mnist";
        if (strcmp(o.dataset, "both") && strcmp(o.dataset, name))
            continue;
        ntkb_images *set = NULL;
        st = load_dataset(&o, cifar, &set);
        if (st == NTKB_ENOTFOUND && cifar && strcmp(o.dataset, "both") == 0) {
            fprintf(stderr, "bench_fibers: skipping CIFAR-10: %s (fetch it with "
                            "datasets/cifar10/fetch-cifar10)\n", ntkb_last_error());
            res[nres].name = name;
            res[nres++].skipped = 1;
            st = NTKB_OK;
            continue;
        }
        if (st != NTKB_OK)
            break;
        res[nres].name = name;
        st = run_dataset(&o, set, &res[nres]);
        ntkb_images_free(set);
        if (st == NTKB_OK)
            ntkb_fibers_print_table(stdout, &res[nres]);
        nres++;
    }
    if (st == NTKB_OK)
        st = ntkb_fibers_write_reports(&o, res, nres);
    if (st != NTKB_OK) {
        fprintf(stderr, "bench_fibers: %s\n", ntkb_last_error());
        return ntkb_status_exit_code(st);
    }
    return 0;
}
