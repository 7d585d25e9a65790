/* bench_lantk: the CNTK and LANTK variants on a binary image class pair
 * (studies/image_bench.h); Grams only with --gram-only; tables only with --report-only. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/status.h"
#include "lantk/images.h"
#include "ntkb_config.h"
#include "studies/image_bench.h"

#define PROG "bench_lantk"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: bench_lantk --dataset cifar10|fashion-mnist --pair A,B [options]\n"
            "  --dataset     cifar10 (binary batches in --data-dir, else $NTKB_CIFAR10_DIR, else\n"
            "                DATA/cifar10/data with DATA the datasets directory; see\n"
            "                scripts/fetch-cifar10) or fashion-mnist (Debian's\n"
            "                /usr/share/datasets/fashion-mnist unless --data-dir)\n"
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
            "  --train-size LIST   the gain against training-set size instead of the\n"
            "                protocols: for each n of the comma-separated LIST, --splits stratified\n"
            "                draws of n images from the training pool (see --max-train), all scored\n"
            "                on the test images (see --max-test); rows 'trainsize-N'\n"
            "  --lambda-cv   with --train-size: also lambda by inner 3-fold cross-validation on the\n"
            "                n training images (factors 1, 0.1, 10, 0.01, 100, 0 of the rule's\n"
            "                lambda); rows 'trainsize-N-cv'\n"
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

/* --kernel: a comma-separated list of kernel names or "all". */
static int parse_kernels(const char *s, int *en)
{
    static const char *const names[NTKB_IMG_NK] = {"cntk", "lantk-kr-v1", "lantk-kr-v2",
                                             "lantk-fjlt-v1", "lantk-fjlt-v2"};
    memset(en, 0, NTKB_IMG_NK * sizeof *en);
    while (*s) {
        size_t len = strcspn(s, ",");
        int found = 0;
        for (int k = 0; k < NTKB_IMG_NK; k++)
            if (strlen(names[k]) == len && !strncmp(s, names[k], len))
                en[k] = found = 1;
        if (len == 3 && !strncmp(s, "all", 3))
            for (int k = 0; k < NTKB_IMG_NK; k++)
                en[k] = found = 1;
        if (!found)
            return 1;
        s += len + (s[len] == ',');
    }
    en[NTKB_IMG_CNTK] = 1; /* the baseline of every paired difference */
    return 0;
}

/* --pair A,B: two classes by index or name. */
static int parse_pair(const char *arg, const char *dataset, ntkb_image_bench_opts *o)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", arg);
    char *comma = strchr(buf, ',');
    if (!comma || !dataset)
        return 0;
    *comma = '\0';
    o->a = ntkb_images_class_index(dataset, buf);
    o->b = ntkb_images_class_index(dataset, comma + 1);
    return o->a >= 0 && o->b >= 0 && o->a != o->b;
}

/* --train-size: 1..8 comma-separated sizes ≥ 4.  Returns 0 on success. */
static int parse_sizes(const char *s, ntkb_image_bench_opts *o)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    o->n_sizes = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        long v;
        if (o->n_sizes == 8 || !cli_long(tok, 4, 1000000, &v))
            return 1;
        o->train_sizes[o->n_sizes++] = (size_t)v;
    }
    return o->n_sizes == 0;
}

/* The string-valued choices, checked here so that a typo is a usage error. */
static int choice(const char *s, const char *const *allowed)
{
    for (; *allowed; allowed++)
        if (strcmp(s, *allowed) == 0)
            return 1;
    return 0;
}

static const char *const ARCHS[] = {"lantk", "arora-v", "arora-gap", NULL};
static const char *const PREPS[] = {"pm1", "standardize", NULL};
static const char *const PROTOCOLS[] = {"official", "resplits", "both", NULL};
static const char *const FJLTS[] = {"exact", "sketch", NULL};

/* Returns 0 to run, 1 on a usage error (message printed). */
static int parse_option(int c, ntkb_image_bench_opts *o, const char **pair, int *report_only)
{
    long v;
    double x;
    switch (c) {
    case 'd': o->dataset = optarg; return 0;
    case 'p': *pair = optarg; return 0;
    case 'k': return parse_kernels(optarg, o->enabled) ? cli_bad(PROG, "--kernel", "cntk, lantk-kr-v1, lantk-kr-v2, lantk-fjlt-v1, lantk-fjlt-v2 or all") : 0;
    case 'a': o->arch = optarg; return choice(optarg, ARCHS) ? 0 : cli_bad(PROG, "--arch", "lantk, arora-v or arora-gap");
    case 'P': o->prep = optarg; return choice(optarg, PREPS) ? 0 : cli_bad(PROG, "--preprocess", "pm1 or standardize");
    case 'R': o->protocol = optarg; return choice(optarg, PROTOCOLS) ? 0 : cli_bad(PROG, "--protocol", "official, resplits or both");
    case 'F':
        if (!choice(optarg, FJLTS))
            return cli_bad(PROG, "--fjlt", "exact or sketch");
        o->sketch = strcmp(optarg, "sketch") == 0;
        return 0;
    case 'D':
    case 'n':
    case 'm':
    case 'M':
        if (!cli_long(optarg, c == 'D' ? 2 : 0, 1000000, &v))
            return cli_bad(PROG, c == 'D' ? "--depth" : "--max-train/--max-test/--max-per-class", "a count");
        if (c == 'D')
            o->depth = (size_t)v;
        if (c == 'n' || c == 'M')
            o->max_train = (size_t)v;
        if (c == 'm' || c == 'M')
            o->max_test = (size_t)v;
        return 0;
    case 't':
        if (!cli_long(optarg, 1, 1024, &v))
            return cli_bad(PROG, "--threads", "1..1024");
        o->threads = (int)v;
        return 0;
    case 'S':
        if (!cli_long(optarg, 2, 100000, &v))
            return cli_bad(PROG, "--splits", "2..100000");
        o->splits = (int)v;
        return 0;
    case 's':
        if (!cli_long(optarg, 0, 2147483647L, &v))
            return cli_bad(PROG, "--seed", "0..2147483647");
        o->seed = (uint64_t)v;
        return 0;
    case 'L':
        if (!cli_double(optarg, 0.0, 1e300, &x))
            return cli_bad(PROG, "--lambda", "a number >= 0");
        o->lambda = x;
        return 0;
    case 'E':
        if (!cli_double(optarg, 1e-12, 1.0 - 1e-12, &x))
            return cli_bad(PROG, "--fjlt-eps", "a number in (0, 1)");
        o->eps = x;
        return 0;
    case 'z': return parse_sizes(optarg, o) ? cli_bad(PROG, "--train-size", "1 to 8 comma-separated sizes >= 4") : 0;
    case 'c': o->lambda_cv = 1; return 0;
    case 'r': o->data_dir = optarg; return 0;
    case 'g': o->gram_only = 1; return 0;
    case 'o': o->out = optarg; return 0;
    case 'O': o->results = optarg; return 0;
    case 'Q': *report_only = 1; return 0;
    }
    return 1;
}

static const struct option OPTS[] = {
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
    {"report-only", no_argument, 0, 'Q'},      {"help", no_argument, 0, 'h'},
    {"train-size", required_argument, 0, 'z'}, {"lambda-cv", no_argument, 0, 'c'},
    {"version", no_argument, 0, 'V'},          {0, 0, 0, 0}};

int main(int argc, char **argv)
{
    cli_init(argc, argv);
    ntkb_image_bench_opts o = ntkb_image_bench_opts_default();
    const char *pair = NULL;
    int c, report_only = 0;
    while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
        if (c == 'h' || c == 'V') {
            if (c == 'h')
                usage(stdout);
            else
                printf(PROG " (ntkbench) %s\n", NTKB_VERSION);
            return 0;
        }
        if (parse_option(c, &o, &pair, &report_only) != 0)
            return usage(stderr), 1;
    }
    if (optind < argc)
        return fprintf(stderr, PROG ": unexpected argument '%s'\n", argv[optind]), 1;
    if (report_only)
        return strcmp(o.results, "none") == 0 ? cli_bad(PROG, "--report-only", "a --results directory")
                                              : cli_finish(PROG, ntkb_image_bench_report(o.results));
    if (!o.dataset || (strcmp(o.dataset, "cifar10") && strcmp(o.dataset, "fashion-mnist")))
        return cli_bad(PROG, "--dataset", "cifar10 or fashion-mnist");
    if (!pair || !parse_pair(pair, o.dataset, &o))
        return cli_bad(PROG, "--pair", "two different classes (0..9 or names)");
    if (o.gram_only && !o.out)
        return cli_bad(PROG, "--gram-only", "--out");
    if (o.lambda_cv && !o.n_sizes)
        return cli_bad(PROG, "--lambda-cv", "--train-size");
    char command[512];
    cli_command(PROG, argc, argv, command, sizeof command);
    return cli_finish(PROG, ntkb_image_bench_run(&o, command));
}
