/* augmentation.md: the kernel-fiber table beside the poster's, settings, checks, figures. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "core/atomic.h"
#include "studies/fibers_report.h"
#include "ntkb_config.h"

static void md_command(FILE *fp, const ntkb_fibers_run *run)
{
    fprintf(fp, "```\n");
    for (int i = 0; i < run->argc; i++)
        fprintf(fp, "%s%s", i ? " " : "", run->argv[i]);
    fprintf(fp, "\ngnuplot results/plot-augmentation.gp\n```\n\n");
}

static void md_settings(FILE *fp, const ntkb_fibers_run *run)
{
    const ntkb_fibers_net *net = &run->net;
    fprintf(fp,
            "Settings (all datasets):\n\n"
            "- Kernel: infinite-width fully-connected NTK, Jacot form, "
            "activation **%s**, depth **L = %d** weight layers (%d nonlinearities), bias "
            "**β = %g**, weight variance σ_w² = %g. ∇ₓΘ(z, x) = (∂Θ/∂zᵀx)·z + 2(∂Θ/∂xᵀx)·x with "
            "both partials by a complex-step derivative of the scalar recursion "
            "(src/lantk/fcntk.c). The tables use this infinite-width kernel, not a finite "
            "network.\n",
            ntkb_fibers_activation_name(net->activation), net->depth, net->depth - 1, net->bias,
            net->weight_var);
    fprintf(fp,
            "- Data: training images, pixels (p/255 − 0.5)/0.5 ∈ [−1, 1], flattened "
            "(n₀ = C·H·W); the first %zu images of each set form the pool. Each pair (z, x) is "
            "two distinct random images; mixup's partner is a third. **%zu pairs**, mean ± "
            "sample std (ddof = 1) over pairs; seed %" PRIu64 ".\n",
            run->images, run->pairs, run->seed);
    fprintf(fp,
            "- Augmentations: rotation ±%g° (random sign) about the centre, bilinear, corners "
            "filled black (−1, raw pixel 0); hflip; vflip; cutout of a %s square (uniform "
            "centre, clipped at the border, filled with 0 = mid-grey, DeVries & Taylor apply it "
            "after normalisation); mixup λ·x + (1−λ)·x' with λ = %g; Gaussian noise, fiber noise "
            "(Gaussian projected onto T_x = {v : vᵀ∇ₓΘ = 0}) and the ∇ₓΘ direction, each "
            "rescaled to **‖x̂ − x‖₂ = ε·√n₀ with ε = %g** (rms per pixel; pixel range 2).\n",
            run->aug.angle_deg, run->aug.cutout ? "fixed-side" : "(H/2)×(H/2)",
            run->aug.mixup_lambda, run->aug.noise_rms);
    fprintf(fp, "- Measures: alignment = cos∠(x̂ − x, ∇ₓΘ(z, x)); deviation = "
                "|Θ(z, x) − Θ(z, x̂)| / |Θ(z, x)|. Column `rms` is the mean ‖x̂ − x‖₂/√n₀, "
                "how far each augmentation moved the image; `median` is the median deviation.\n\n");
}

static int cmp_dev(const void *a, const void *b, const double *key)
{
    double x = key[*(const int *)a], y = key[*(const int *)b];
    return (x > y) - (x < y);
}

/* Augmentation names sorted by a key (insertion sort: 8 entries). */
static void md_order(FILE *fp, const double *key)
{
    int idx[NTKB_FIBERS_AUG_COUNT];
    for (int i = 0; i < NTKB_FIBERS_AUG_COUNT; i++) {
        int j = i;
        idx[i] = i;
        while (j > 0 && cmp_dev(&idx[j - 1], &idx[j], key) > 0) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
            j--;
        }
    }
    for (int i = 0; i < NTKB_FIBERS_AUG_COUNT; i++)
        fprintf(fp, "%s%s", i ? " < " : "", ntkb_fibers_aug_name((ntkb_fibers_aug)idx[i]));
    fprintf(fp, "\n");
}

/* Least-squares slope of log(deviation) against log(ε) over ε ≤ 0.1. */
static double noise_slope(const ntkb_fibers_result *r, ntkb_fibers_aug a)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int n = 0;
    for (size_t i = 0; i < r->n_noise; i++) {
        if (r->noise_rms[i] > 0.1 + 1e-12 || !(r->noise[i][a].dev_mean > 0))
            continue;
        double x = log(r->noise_rms[i]), y = log(r->noise[i][a].dev_mean);
        sx += x, sy += y, sxx += x * x, sxy += x * y, n++;
    }
    return n > 1 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : NAN;
}

static void md_checks(FILE *fp, const ntkb_fibers_result *r)
{
    const ntkb_fibers_stat *s = r->stats;
    double ours[NTKB_FIBERS_AUG_COUNT], theirs[NTKB_FIBERS_AUG_COUNT];
    int fiber_min = 1, between = 0;
    for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++) {
        ours[a] = s[a].dev_mean;
        theirs[a] = ntkb_fibers_poster_row((ntkb_fibers_aug)a)[2];
        if (a != NTKB_FIBERS_FIBER && s[a].dev_mean <= s[NTKB_FIBERS_FIBER].dev_mean)
            fiber_min = 0;
        if (a <= NTKB_FIBERS_NOISE && fabs(s[a].align_mean) > fabs(s[NTKB_FIBERS_FIBER].align_mean) &&
            fabs(s[a].align_mean) < s[NTKB_FIBERS_GRADIENT].align_mean)
            between++;
    }
    fprintf(fp, "Checks (computed from the numbers above):\n\n");
    fprintf(fp, "- ∇ₓΘ direction: alignment %.12f (1 by construction). Fiber noise: alignment "
                "%.1e (0 by construction).\n",
            s[NTKB_FIBERS_GRADIENT].align_mean, s[NTKB_FIBERS_FIBER].align_mean);
    double other_min = INFINITY;
    for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++)
        if (a != NTKB_FIBERS_FIBER && s[a].dev_mean < other_min)
            other_min = s[a].dev_mean;
    fprintf(fp, "- Fiber noise has the smallest mean deviation of the eight: **%s** (fiber / "
                "smallest other = %.4f).\n", fiber_min ? "yes" : "no",
            s[NTKB_FIBERS_FIBER].dev_mean / other_min);
    fprintf(fp, "- Conventional augmentations (rotation, flips, cutout, mixup, Gaussian) with "
                "|alignment| strictly between the fiber's and the gradient's: **%d of 6**.\n",
            between);
    fprintf(fp, "- Order of mean deviation, ours: ");
    md_order(fp, ours);
    fprintf(fp, "- Order of mean deviation, poster: ");
    md_order(fp, theirs);
    for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++)
        ours[a] = s[a].disp_rms > 0 ? s[a].dev_mean / s[a].disp_rms : 0;
    fprintf(fp, "- Order of mean deviation per unit displacement (deviation / rms), ours: ");
    md_order(fp, ours);
    fprintf(fp, "- Gaussian / fiber deviation ratio against ε:");
    for (size_t i = 0; i < r->n_noise; i++)
        fprintf(fp, "%s ε = %g: %.2f", i ? "," : "", r->noise_rms[i],
                r->noise[i][NTKB_FIBERS_NOISE].dev_mean / r->noise[i][NTKB_FIBERS_FIBER].dev_mean);
    fprintf(fp, " (→ 1 where the second-order rise of xᵀx, common to both, dominates).\n");
    fprintf(fp, "- Log–log slope of deviation against ε (ε ≤ 0.1): Gaussian %.2f, fiber %.2f, "
                "gradient %.2f (first order = 1, second order = 2).\n\n",
            noise_slope(r, NTKB_FIBERS_NOISE), noise_slope(r, NTKB_FIBERS_FIBER),
            noise_slope(r, NTKB_FIBERS_GRADIENT));
}

/* The finite-width comparison table (fibers_empirical.h). */
static void md_empirical(FILE *fp, const ntkb_fibers_run *run, const ntkb_fibers_result *r)
{
    if (!r->emp_pairs)
        return;
    fprintf(fp, "Finite width: the empirical NTK of one randomly initialised two-layer GeLU "
                "network of width %zu (NTK parameterisation, β = %g; ∇ₓΘ̂ from explicit parameter "
                "gradients, src/studies/fibers_empirical.c) beside its infinite-width limit (Jacot, GeLU, "
                "L = 2), on the first %zu of the pairs above, same augmentations:\n\n",
            run->width, run->net.bias, r->emp_pairs);
    fprintf(fp, "| augmentation | alignment (width %zu) | deviation (width %zu) | median "
                "| alignment (∞) | deviation (∞) | median |\n|---|---|---|---|---|---|---|\n",
            run->width, run->width);
    for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++) {
        const ntkb_fibers_stat *e = &r->emp[a], *i = &r->emp_inf[a];
        fprintf(fp, "| %s | %+.6f ± %.6f | %.6f ± %.6f | %.6f | %+.6f ± %.6f | %.6f ± %.6f | %.6f |\n",
                ntkb_fibers_aug_label((ntkb_fibers_aug)a), e->align_mean, e->align_std,
                e->dev_mean, e->dev_std, e->dev_median, i->align_mean, i->align_std, i->dev_mean,
                i->dev_std, i->dev_median);
    }
    fprintf(fp, "\n");
}

static void md_dataset(FILE *fp, const ntkb_fibers_run *run, const ntkb_fibers_result *r)
{
    if (r->skipped) {
        fprintf(fp, "## %s\n\nSkipped: the data were not found (CIFAR-10: run "
                    "`datasets/cifar10/fetch-cifar10` first).\n\n", r->name);
        return;
    }
    fprintf(fp, "## %s (%zu×%zu×%zu, n₀ = %zu, %zu pairs)\n\n", r->name, r->shape.channels,
            r->shape.height, r->shape.width, r->shape.channels * r->shape.height * r->shape.width,
            r->stats[0].n);
    fprintf(fp, "| augmentation | alignment (ours) | deviation (ours) | median | rms "
                "| alignment (poster) | deviation (poster) |\n|---|---|---|---|---|---|---|\n");
    for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++) {
        const ntkb_fibers_stat *s = &r->stats[a];
        const double *p = ntkb_fibers_poster_row((ntkb_fibers_aug)a);
        fprintf(fp, "| %s | %+.6f ± %.6f | %.6f ± %.6f | %.6f | %.4f | %+.6f ± %.3f | %.6f ± %.3f |\n",
                ntkb_fibers_aug_label((ntkb_fibers_aug)a), s->align_mean, s->align_std,
                s->dev_mean, s->dev_std, s->dev_median, s->disp_rms, p[0], p[1], p[2], p[3]);
    }
    fprintf(fp, "\n");
    md_checks(fp, r);
    md_empirical(fp, run, r);
    fprintf(fp, "Figures (deviation: mean over pairs; log scales):\n\n");
    fprintf(fp, "- against input dimension (area-downsampled images): "
                "![dim](figures/augmentation-dim-%s.svg)\n", r->name);
    fprintf(fp, "- against noise rms ε (Gaussian, fiber, gradient; the others do not depend on "
                "ε): ![noise](figures/augmentation-noise-%s.svg)\n", r->name);
    fprintf(fp, "- relative change ‖Θ(z, X̂) − Θ(z, X)‖/‖Θ(z, X)‖ of a training set of %d images "
                "against the number k augmented (mean over %zu references z): "
                "![count](figures/augmentation-count-%s.svg)\n\n",
            NTKB_FIBERS_COUNT_M, r->count_refs, r->name);
}

/* What the poster does not state, and why our numbers can differ (true whatever the data). */
static void md_notes(FILE *fp)
{
    static const char *const notes[] = {
        "The poster states neither the network, nor the dataset, nor the noise scale, nor "
        "whether ± is a standard deviation; its rows are shown as printed. Ours use the "
        "infinite-width FC NTK (exact, no training, no convolution) on real images; the "
        "finite-width table shows what one random finite network changes.",
        "Noise scale sets the absolute numbers. The deviations of Gaussian, fiber and gradient "
        "displacements grow as ε, ε² and ε (noise figure, slopes in the checks), so one ε fixes "
        "their size and their ratios; the poster's ε is unknown. At equal displacement norm the "
        "∇ₓΘ direction is the steepest to first order, and in our noise figures it changes Θ "
        "several to tens of times more than Gaussian noise at every ε. The poster's Gaussian row "
        "(0.21) is as large as its gradient row (0.19), so its rows were most likely not taken "
        "at one common norm.",
        "Why fiber noise still deviates: Θ(z, ·) depends on x through zᵀx and xᵀx, and a "
        "straight step v ⊥ ∇ₓΘ still raises xᵀx by ‖v‖² = ε²n₀ — second order, but systematic, so "
        "it is not averaged away; it makes the fiber's deviation independent of n₀ while the "
        "Gaussian's first-order part shrinks as 1/√n₀ (dimension figure). A step that stays on "
        "the level set exactly needs a retraction (not done here); the poster's tenfold gap "
        "between Gaussian and fiber rows may reflect such a choice or a smaller step.",
        "Heavy tails: the deviation is relative, so pairs with Θ(z, x) ≈ 0 dominate the mean "
        "and std. This can happen where zᵀx < 0 is common (CIFAR-10, whose images share no "
        "black background) and the kernel can cross 0 (the depth-2 GeLU kernels of the "
        "finite-width table, finite or infinite); the medians stay small. The poster's large "
        "± on most rows (std ≈ mean) points the same way.",
        "Alignment of flips, rotation and mixup: a flip keeps ‖x‖, so xᵀ(x̂ − x) = xᵀx̂ − ‖x‖² "
        "≤ 0 (Cauchy–Schwarz); a small rotation and mixup likewise move x away from its own "
        "direction; ∇ₓΘ = (∂Θ/∂zᵀx)z + 2(∂Θ/∂xᵀx)x has a positive x component for the ReLU and GeLU "
        "NTKs here (ReLU with β = 0 is positively homogeneous, Θ(z, tx) = tΘ(z, x)), hence negative "
        "cosines, as on the poster; their size depends on how much of ∇ₓΘ lies along x, i.e. "
        "on the data and the kernel. For the erf NTK ∂Θ/∂xᵀx can be "
        "negative and these signs flip (run with --activation erf).",
        "Cutout differs most. Zeroing a patch of a [−1, 1] image removes part of x (mid-grey "
        "replaces black background), a displacement with a large −x component, hence our clearly "
        "negative alignment; the poster's ≈ 0 suggests a fill or input centring that does not "
        "shrink x. Its deviation 1.7 ± 1.1 (the kernel changes by more than its own value) "
        "needs Θ(z, x) close to 0 for many pairs (a small denominator also explains its large "
        "std); the FC NTK with β > 0 on these images gives an order of magnitude less.",
        "Spread: a random direction in n₀ dimensions has a cosine with ∇ₓΘ of std 1/√n₀ (0.036 at "
        "784, 0.018 at 3072), which our Gaussian row reproduces. The poster's 0.006 would need "
        "n₀ ≈ 28,000 (e.g. 96×96×3 images), or ± being a standard error over a few dozen "
        "samples. Our ± is the per-pair sample std.",
        "Gradient row: we displace along the exact ∇ₓΘ, so its alignment is 1 to round-off and "
        "the fiber's 0; the poster's 0.995 ± 0.015 and −0.001 ± 0.003 suggest an approximate "
        "(e.g. finite-difference, autodiff through a finite network, or pixel-clipped) gradient.",
    };
    fprintf(fp, "## Differences from the poster, and why\n\n");
    for (size_t i = 0; i < sizeof notes / sizeof *notes; i++)
        fprintf(fp, "%zu. %s\n", i + 1, notes[i]);
    fprintf(fp, "\n");
}

ntkb_status ntkb_fibers_write_md(const ntkb_fibers_run *run, const ntkb_fibers_result *res,
                                 size_t n, const char *path)
{
    ntkb_atomic_file f;
    ntkb_status st = ntkb_atomic_open(&f, path);
    if (st != NTKB_OK)
        return st;
    FILE *fp = f.fp;
    fprintf(fp, "# Kernel fibers: which data augmentations preserve the NTK\n\n"
                "Generated by bench_fibers (ntkbench %s) — do not edit by hand. Poster: "
                "DeOliveira et al., \"Neural Tangent Kernels Under Stochastic Data "
                "Augmentation\" (AAAI 2026), table from the authors' poster.\n\n"
                "Command (from the repository root, after building):\n\n",
            NTKB_VERSION);
    md_command(fp, run);
    md_settings(fp, run);
    for (size_t i = 0; i < n; i++)
        md_dataset(fp, run, &res[i]);
    md_notes(fp);
    if (ferror(fp)) {
        ntkb_atomic_abort(&f);
        return ntkb_error(NTKB_EIO, "%s: write error", path);
    }
    return ntkb_atomic_commit(&f);
}
