/* Sweeps and output files of bench_fibers (see report.h). */
#include "studies/fibers_report.h"

#include "core/fs.h"
#include "lantk/images.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "core/atomic.h"
#include "ntkb_config.h"

ntkb_status ntkb_fibers_sweep_dimension(const ntkb_fibers_run *run, const ntkb_images *set,
                                        ntkb_fibers_result *r)
{
    static const size_t factors[] = {1, 2, 4, 7, 8};
    const ntkb_fibers_kernel kern = {&run->net, NULL};
    r->n_dim = 0;
    for (size_t f = 0; f < sizeof factors / sizeof *factors; f++) {
        size_t k = factors[f];
        if (set->height % k || set->width % k || set->height / k < 4)
            continue;
        ntkb_images *small;
        ntkb_status st = ntkb_images_downsample(set, k, &small);
        if (st != NTKB_OK)
            return st;
        fprintf(stderr, "bench_fibers: %s: dimension sweep at %zux%zu\n", r->name,
                small->height, small->width);
        r->dim_shape[r->n_dim] = ntkb_fibers_shape_of(small);
        st = ntkb_fibers_study_pairs(&kern, small, &run->aug, run->pairs, run->seed,
                                     r->dim[r->n_dim]);
        ntkb_images_free(small);
        if (st != NTKB_OK)
            return st;
        r->n_dim++;
    }
    return NTKB_OK;
}

ntkb_status ntkb_fibers_sweep_noise(const ntkb_fibers_run *run, const ntkb_images *set,
                                    ntkb_fibers_result *r)
{
    static const double eps[] = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0};
    const ntkb_fibers_kernel kern = {&run->net, NULL};
    fprintf(stderr, "bench_fibers: %s: noise sweep\n", r->name);
    r->n_noise = 0;
    for (size_t i = 0; i < sizeof eps / sizeof *eps; i++) {
        ntkb_fibers_aug_params p = run->aug;
        p.noise_rms = eps[i];
        ntkb_status st = ntkb_fibers_study_pairs(&kern, set, &p, run->pairs, run->seed,
                                                 r->noise[i]);
        if (st != NTKB_OK)
            return st;
        r->noise_rms[i] = eps[i];
        r->n_noise++;
    }
    return NTKB_OK;
}

ntkb_status ntkb_fibers_sweep_count(const ntkb_fibers_run *run, const ntkb_images *set,
                                    ntkb_fibers_result *r)
{
    const ntkb_fibers_kernel kern = {&run->net, NULL};
    r->count_refs = run->pairs / 5 > 20 ? run->pairs / 5 : 20;
    fprintf(stderr, "bench_fibers: %s: count sweep, m = %d, %zu references\n", r->name,
            NTKB_FIBERS_COUNT_M, r->count_refs);
    return ntkb_fibers_study_count(&kern, set, &run->aug, NTKB_FIBERS_COUNT_M, r->count_refs,
                                   run->seed, r->count_mean, r->count_std);
}

ntkb_status ntkb_fibers_compare_empirical(const ntkb_fibers_run *run,
                                          const ntkb_images *set, ntkb_fibers_result *r)
{
    size_t n0 = ntkb_images_size(set);
    ntkb_fibers_mlp *mlp;
    ntkb_status st = ntkb_fibers_mlp_alloc(n0, run->width, run->net.bias, run->seed ^ 0xE3u, &mlp);
    if (st != NTKB_OK)
        return st;
    r->emp_pairs = run->pairs < 500 ? run->pairs : 500;
    fprintf(stderr, "bench_fibers: %s: empirical NTK, 2-layer GeLU width %zu, %zu pairs\n",
            r->name, run->width, r->emp_pairs);
    const ntkb_fibers_kernel emp = {NULL, mlp};
    st = ntkb_fibers_study_pairs(&emp, set, &run->aug, r->emp_pairs, run->seed, r->emp);
    if (st == NTKB_OK) {
        const ntkb_fibers_net inf_net = {NTKB_ACT_GELU, 2, run->net.bias, 1.0};
        const ntkb_fibers_kernel inf = {&inf_net, NULL};
        st = ntkb_fibers_study_pairs(&inf, set, &run->aug, r->emp_pairs, run->seed, r->emp_inf);
    }
    ntkb_fibers_mlp_free(mlp);
    return st;
}

void ntkb_fibers_print_table(FILE *out, const ntkb_fibers_result *r)
{
    fprintf(out, "%s (%zux%zux%zu, %zu pairs)\n", r->name, r->shape.channels, r->shape.height,
            r->shape.width, r->stats[0].n);
    fprintf(out, "%-30s %22s %22s %10s   %20s %20s\n", "augmentation", "alignment",
            "deviation", "disp_rms", "poster alignment", "poster deviation");
    for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++) {
        const ntkb_fibers_stat *s = &r->stats[a];
        fprintf(out,
                "%-30s %+10.6f ± %-9.6f %10.6f ± %-9.6f %10.6f   %+10.6f ± %-7.3f %10.6f ± %-7.3f\n",
                ntkb_fibers_aug_label((ntkb_fibers_aug)a), s->align_mean, s->align_std,
                s->dev_mean, s->dev_std, s->disp_rms, ntkb_fibers_poster_row((ntkb_fibers_aug)a)[0], ntkb_fibers_poster_row((ntkb_fibers_aug)a)[1], ntkb_fibers_poster_row((ntkb_fibers_aug)a)[2],
                ntkb_fibers_poster_row((ntkb_fibers_aug)a)[3]);
    }
    if (r->emp_pairs) {
        fprintf(out, "empirical NTK, 2-layer GeLU net (finite width) vs its infinite-width limit, "
                     "%zu pairs\n%-30s %22s %22s   %22s %22s\n", r->emp_pairs, "augmentation",
                "alignment (finite)", "deviation (finite)", "alignment (infinite)",
                "deviation (infinite)");
        for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++) {
            const ntkb_fibers_stat *e = &r->emp[a], *i = &r->emp_inf[a];
            fprintf(out,
                    "%-30s %+10.6f ± %-9.6f %10.6f ± %-9.6f   %+10.6f ± %-9.6f %10.6f ± %-9.6f\n",
                    ntkb_fibers_aug_label((ntkb_fibers_aug)a), e->align_mean, e->align_std,
                    e->dev_mean, e->dev_std, i->align_mean, i->align_std, i->dev_mean, i->dev_std);
        }
    }
    fprintf(out, "\n");
}

/* mkdir -p for one level; an existing directory is fine. */
static ntkb_status ensure_dir(const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return NTKB_OK;
    return ntkb_error(NTKB_EIO, "%s: cannot create directory: %s", path, strerror(errno));
}

/* Commits `f` unless an error occurred (ferror) while writing; aborts then. */
static ntkb_status finish(ntkb_atomic_file *f)
{
    if (ferror(f->fp)) {
        ntkb_error(NTKB_EIO, "%s: write error", f->path);
        ntkb_atomic_abort(f);
        return NTKB_EIO;
    }
    return ntkb_atomic_commit(f);
}

static void settings_csv(FILE *fp, const ntkb_fibers_run *run, const ntkb_fibers_result *r)
{
    fprintf(fp, "%s,%zu,%zu,%zu,%zu,%zu,%s,%d,%g,%g,%g,%g,%zu,%g,%" PRIu64, r->name,
            r->shape.channels, r->shape.height, r->shape.width,
            r->shape.channels * r->shape.height * r->shape.width, r->stats[0].n,
            ntkb_fibers_activation_name(run->net.activation), run->net.depth, run->net.bias,
            run->net.weight_var, run->aug.noise_rms, run->aug.angle_deg,
            run->aug.cutout ? run->aug.cutout : r->shape.height / 2, run->aug.mixup_lambda,
            run->seed);
}

static ntkb_status write_csv(const ntkb_fibers_run *run, const ntkb_fibers_result *res, size_t n,
                             const char *path)
{
    ntkb_atomic_file f;
    ntkb_status st = ntkb_atomic_open(&f, path);
    if (st != NTKB_OK)
        return st;
    fprintf(f.fp, "dataset,channels,height,width,n0,pairs,activation,depth,bias,weight_var,"
                  "noise_rms,rotation_deg,cutout,mixup_lambda,seed,augmentation,align_mean,"
                  "align_std,dev_mean,dev_std,dev_median,disp_rms,poster_align_mean,poster_align_std,"
                  "poster_dev_mean,poster_dev_std\n");
    for (size_t i = 0; i < n; i++) {
        if (res[i].skipped)
            continue;
        for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++) {
            const ntkb_fibers_stat *s = &res[i].stats[a];
            settings_csv(f.fp, run, &res[i]);
            fprintf(f.fp, ",%s,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%g,%g,%g,%g\n",
                    ntkb_fibers_aug_name((ntkb_fibers_aug)a), s->align_mean, s->align_std,
                    s->dev_mean, s->dev_std, s->dev_median, s->disp_rms, ntkb_fibers_poster_row((ntkb_fibers_aug)a)[0], ntkb_fibers_poster_row((ntkb_fibers_aug)a)[1],
                    ntkb_fibers_poster_row((ntkb_fibers_aug)a)[2],
                    ntkb_fibers_poster_row((ntkb_fibers_aug)a)[3]);
        }
    }
    return finish(&f);
}

/* Column header naming every augmentation, for gnuplot's columnheader. */
static void dat_header(FILE *fp, const char *first)
{
    fprintf(fp, "%s", first);
    for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++)
        fprintf(fp, " %s", ntkb_fibers_aug_name((ntkb_fibers_aug)a));
    for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++)
        fprintf(fp, " %s_std", ntkb_fibers_aug_name((ntkb_fibers_aug)a));
    fprintf(fp, "\n");
}

static ntkb_status write_dat(const char *dir, const char *kind, const ntkb_fibers_result *r)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/augmentation-%s-%s.dat", dir, kind, r->name);
    ntkb_atomic_file f;
    ntkb_status st = ntkb_atomic_open(&f, path);
    if (st != NTKB_OK)
        return st;
    FILE *fp = f.fp;
    fprintf(fp, "# bench_fibers %s: mean (then std) relative level-set deviation per augmentation\n",
            r->name);
    if (strcmp(kind, "dim") == 0) {
        dat_header(fp, "n0 side");
        for (size_t i = 0; i < r->n_dim; i++) {
            const ntkb_fibers_shape *s = &r->dim_shape[i];
            fprintf(fp, "%zu %zu", s->channels * s->height * s->width, s->height);
            for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++)
                fprintf(fp, " %.9g", r->dim[i][a].dev_mean);
            for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++)
                fprintf(fp, " %.9g", r->dim[i][a].dev_std);
            fprintf(fp, "\n");
        }
    } else if (strcmp(kind, "noise") == 0) {
        dat_header(fp, "noise_rms");
        for (size_t i = 0; i < r->n_noise; i++) {
            fprintf(fp, "%g", r->noise_rms[i]);
            for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++)
                fprintf(fp, " %.9g", r->noise[i][a].dev_mean);
            for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++)
                fprintf(fp, " %.9g", r->noise[i][a].dev_std);
            fprintf(fp, "\n");
        }
    } else {
        dat_header(fp, "k");
        size_t cols = NTKB_FIBERS_COUNT_M + 1;
        for (size_t k = 0; k < cols; k++) {
            fprintf(fp, "%zu", k);
            for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++)
                fprintf(fp, " %.9g", r->count_mean[(size_t)a * cols + k]);
            for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++)
                fprintf(fp, " %.9g", r->count_std[(size_t)a * cols + k]);
            fprintf(fp, "\n");
        }
    }
    return finish(&f);
}

ntkb_status ntkb_fibers_write_reports(const ntkb_fibers_run *run, const ntkb_fibers_result *res,
                                      size_t n)
{
    char path[4096], figdir[4096];
    ntkb_status st = ensure_dir(run->out_dir);
    snprintf(figdir, sizeof figdir, "%s/figures", run->out_dir);
    if (st == NTKB_OK)
        st = ensure_dir(figdir);
    snprintf(path, sizeof path, "%s/augmentation.csv", run->out_dir);
    if (st == NTKB_OK)
        st = write_csv(run, res, n, path);
    for (size_t i = 0; i < n && st == NTKB_OK; i++) {
        if (res[i].skipped)
            continue;
        st = write_dat(figdir, "dim", &res[i]);
        if (st == NTKB_OK)
            st = write_dat(figdir, "noise", &res[i]);
        if (st == NTKB_OK)
            st = write_dat(figdir, "count", &res[i]);
    }
    snprintf(path, sizeof path, "%s/augmentation.md", run->out_dir);
    if (st == NTKB_OK)
        st = ntkb_fibers_write_md(run, res, n, path);
    if (st == NTKB_OK)
        fprintf(stderr, "bench_fibers: wrote %s/augmentation.{csv,md} and %s/augmentation-*.dat\n",
                run->out_dir, figdir);
    return st;
}

/* The first o->images images of the dataset (no labels needed), pixels scaled to [−1, 1]. */
static ntkb_status load_dataset(const ntkb_fibers_run *o, int cifar, ntkb_images **set)
{
    char path[4096];
    if (cifar && o->cifar_dir)
        snprintf(path, sizeof path, "%s/data_batch_1.bin", o->cifar_dir);
    else if (cifar)
        snprintf(path, sizeof path, "%s/cifar10/data/data_batch_1.bin", ntkb_fs_data_dir());
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

/* Runs the study on o->dataset ("both": Fashion-MNIST, then CIFAR-10, which is skipped with a
 * note when absent), prints each table and writes the reports. */
ntkb_status ntkb_fibers_run_all(const ntkb_fibers_run *o)
{
    ntkb_fibers_result res[2];
    memset(res, 0, sizeof res);
    size_t nres = 0;
    ntkb_status st = NTKB_OK;
    for (int cifar = 0; cifar < 2 && st == NTKB_OK; cifar++) {
        const char *name = cifar ? "cifar10" : "fashion-mnist";
        if (strcmp(o->dataset, "both") && strcmp(o->dataset, name))
            continue;
        ntkb_images *set = NULL;
        st = load_dataset(o, cifar, &set);
        if (st == NTKB_ENOTFOUND && cifar && strcmp(o->dataset, "both") == 0) {
            fprintf(stderr, "bench_fibers: skipping CIFAR-10: %s (fetch it with "
                            "scripts/fetch-cifar10)\n", ntkb_last_error());
            res[nres].name = name;
            res[nres++].skipped = 1;
            st = NTKB_OK;
            continue;
        }
        if (st != NTKB_OK)
            break;
        res[nres].name = name;
        st = run_dataset(o, set, &res[nres]);
        ntkb_images_free(set);
        if (st == NTKB_OK)
            ntkb_fibers_print_table(stdout, &res[nres]);
        nres++;
    }
    if (st == NTKB_OK)
        st = ntkb_fibers_write_reports(o, res, nres);
    return st;
}

ntkb_fibers_run ntkb_fibers_run_default(void)
{
    return (ntkb_fibers_run){.dataset = "both", .pairs = 1000, .images = 2000, .seed = 1,
                             .out_dir = "results",
                             .fmnist_dir = "/usr/share/datasets/fashion-mnist",
                             .net = {NTKB_ACT_RELU, 3, 0.1, 1.0},
                             .aug = {10.0, 0, 0.8, 0.1}, .width = 512};
}
