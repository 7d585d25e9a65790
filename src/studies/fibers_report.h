/* ntkbench fibers: the runs behind bench_fibers (sweeps) and the files it writes.
 *
 * Files under out_dir:
 *   augmentation.csv   one row per (dataset, augmentation): settings, ours mean ± std, the poster's
 *   augmentation.md    the table beside the poster's, settings, the exact command, checks, figures
 *   figures/augmentation-{dim,noise,count}-<dataset>.dat   whitespace-separated data for gnuplot
 * All are written atomically (temporary file + rename).
 */
#ifndef NTKB_STUDIES_FIBERS_REPORT_H
#define NTKB_STUDIES_FIBERS_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/status.h"
#include "studies/fibers_study.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTKB_FIBERS_MAX_SWEEP 8 /* points of the dimension and noise sweeps */
#define NTKB_FIBERS_COUNT_M 50  /* training-set size of the count sweep */

typedef struct {
    const char *dataset; /* "cifar10", "fashion-mnist" or "both" */
    size_t pairs;        /* pairs per measurement */
    size_t images;       /* images read per dataset */
    uint64_t seed;
    const char *out_dir, *cifar_dir, *fmnist_dir; /* cifar_dir NULL: DATA/cifar10/data */
    ntkb_fibers_net net;
    ntkb_fibers_aug_params aug;
    size_t width; /* empirical-NTK comparison: width of the 2-layer GeLU net (0: skip it) */
    int argc;   /* the command line, written beside the results (borrowed) */
    char **argv;
} ntkb_fibers_run;

typedef struct {
    const char *name; /* dataset name (borrowed static string) */
    int skipped;      /* 1: data absent, nothing measured */
    size_t n_images;  /* pool size */
    ntkb_fibers_shape shape;
    ntkb_fibers_stat stats[NTKB_FIBERS_AUG_COUNT];
    size_t n_dim;                                     /* dimension sweep */
    ntkb_fibers_shape dim_shape[NTKB_FIBERS_MAX_SWEEP];
    ntkb_fibers_stat dim[NTKB_FIBERS_MAX_SWEEP][NTKB_FIBERS_AUG_COUNT];
    size_t n_noise;                                   /* noise-magnitude sweep */
    double noise_rms[NTKB_FIBERS_MAX_SWEEP];
    ntkb_fibers_stat noise[NTKB_FIBERS_MAX_SWEEP][NTKB_FIBERS_AUG_COUNT];
    size_t emp_pairs;                                 /* empirical-NTK comparison (0: not run) */
    ntkb_fibers_stat emp[NTKB_FIBERS_AUG_COUNT];      /* finite 2-layer GeLU net, width run->width */
    ntkb_fibers_stat emp_inf[NTKB_FIBERS_AUG_COUNT];  /* its infinite-width limit, same pairs */
    size_t count_refs;                                /* count sweep, k = 0..COUNT_M */
    double count_mean[NTKB_FIBERS_AUG_COUNT * (NTKB_FIBERS_COUNT_M + 1)];
    double count_std[NTKB_FIBERS_AUG_COUNT * (NTKB_FIBERS_COUNT_M + 1)];
} ntkb_fibers_result;

/* Deviation against input dimension: the images area-downsampled by every factor in {1, 2, 4, 7, 8}
 * that divides H and leaves ≥ 4 pixels a side; run->pairs pairs each.  Fills r->n_dim, dim_shape, dim.
 * Returns NTKB_OK or a study/allocation error.  Time complexity: O(sweep · pairs · n₀). */
ntkb_status ntkb_fibers_sweep_dimension(const ntkb_fibers_run *run, const ntkb_images *set,
                                        ntkb_fibers_result *r);

/* Deviation against the noise rms ε ∈ {0.001, 0.003, …, 1} (run->pairs pairs each).  Fills r->n_noise,
 * noise_rms, noise.  Returns NTKB_OK or a study error.  Time complexity: O(7 · pairs · n₀). */
ntkb_status ntkb_fibers_sweep_noise(const ntkb_fibers_run *run, const ntkb_images *set,
                                    ntkb_fibers_result *r);

/* Relative change of Θ(z, X), |X| = NTKB_FIBERS_COUNT_M, against the number of augmented points, over
 * max(20, pairs/5) references.  Fills count_refs, count_mean, count_std.
 * Time complexity: O(refs · m · n₀). */
ntkb_status ntkb_fibers_sweep_count(const ntkb_fibers_run *run, const ntkb_images *set,
                                    ntkb_fibers_result *r);

/* The main measurement with the empirical NTK of a width-run->width two-layer GeLU network (bias
 * run->net.bias, seed-derived weights) and with its infinite-width limit (Jacot, GeLU, L = 2) on the
 * same min(pairs, 500) pairs.  Fills emp_pairs, emp, emp_inf.  Returns NTKB_OK or a study error.
 * Time complexity: O(pairs · width · n₀). */
ntkb_status ntkb_fibers_compare_empirical(const ntkb_fibers_run *run,
                                          const ntkb_images *set, ntkb_fibers_result *r);

/* Prints one dataset's table (ours beside the poster's) as plain text.  Time complexity: O(1). */
void ntkb_fibers_print_table(FILE *out, const ntkb_fibers_result *r);

/* Writes augmentation.md (report_md.c) to `path` atomically.  Returns NTKB_OK or NTKB_EIO.
 * Time complexity: O(n · sweep sizes). */
ntkb_status ntkb_fibers_write_md(const ntkb_fibers_run *run, const ntkb_fibers_result *res,
                                 size_t n, const char *path);

/* Writes augmentation.csv, augmentation.md and the figure data files for `n` results (skipped ones
 * are named in the md).  Creates out_dir/figures if needed.
 * Returns NTKB_OK or NTKB_EIO.  Time complexity: O(n · (sweep sizes)). */
ntkb_status ntkb_fibers_write_reports(const ntkb_fibers_run *run, const ntkb_fibers_result *res,
                                      size_t n);

/* The defaults of bench_fibers (both datasets, 1000 pairs, 2000 images, ReLU depth 3, bias 0.1,
 * noise rms 0.1, width 512, seed 1, out_dir "results", CIFAR-10 under the datasets directory,
 * Fashion-MNIST from Debian's dataset-fashion-mnist).  Time complexity: O(1). */
ntkb_fibers_run ntkb_fibers_run_default(void);

/* The whole study: for each dataset the main table (printed on stdout) and the three sweeps,
 * then the CSV, Markdown and figure data in out_dir.  CIFAR-10 is skipped with a note on stderr
 * when its files are absent and dataset is "both".  Returns NTKB_OK or the first failure.
 * Time complexity: O(pairs · augmentations · n₀) per dataset, plus the sweeps. */
ntkb_status ntkb_fibers_run_all(const ntkb_fibers_run *run);

#ifdef __cplusplus
}
#endif

#endif
