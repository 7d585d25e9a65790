/* Kernel-fiber measurements over (z, x) pairs (see study.h). */
#include "studies/fibers_study.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Welford accumulator for mean and sample variance. */
typedef struct {
    size_t n;
    double mean, m2;
} acc_t;

static void acc_add(acc_t *a, double v)
{
    a->n++;
    double d = v - a->mean;
    a->mean += d / (double)a->n;
    a->m2 += d * (v - a->mean);
}

static double acc_std(const acc_t *a)
{
    return a->n > 1 ? sqrt(a->m2 / (double)(a->n - 1)) : 0.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n) (n > 0); sorts v in place. */
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* A seed that mixes the run seed with up to two indices, so streams do not overlap. */
static uint64_t sub_seed(uint64_t seed, uint64_t a, uint64_t b)
{
    ntkb_rng r;
    ntkb_rng_seed(&r, seed ^ (a * 0xD1B54A32D192ED03ULL) ^ (b * 0x8CB92BA72F3D8DD7ULL));
    return ntkb_rng_next(&r);
}

/* An index of [0, n) different from the `k` indices in `avoid` (n > k). */
static size_t draw_other(ntkb_rng *rng, size_t n, const size_t *avoid, size_t k)
{
    for (;;) {
        size_t v = (size_t)ntkb_rng_below(rng, n), i;
        for (i = 0; i < k && avoid[i] != v; i++)
            ;
        if (i == k)
            return v;
    }
}

/* Image i of `set` (no check). */
static const double *image_at(const ntkb_images *set, size_t i)
{
    return set->pixels + i * ntkb_images_size(set);
}

ntkb_fibers_shape ntkb_fibers_shape_of(const ntkb_images *set)
{
    return (ntkb_fibers_shape){set->channels, set->height, set->width};
}

ntkb_status ntkb_fibers_kernel_eval(const ntkb_fibers_kernel *k, const double *z, const double *x,
                                    size_t n0, double *theta, double *grad)
{
    if (!k || !theta)
        return ntkb_error(NTKB_EINVAL, "kernel: NULL argument");
    if (k->mlp) {
        if (k->mlp->n0 != n0)
            return ntkb_error(NTKB_EINVAL, "kernel: network input dimension %zu, images have %zu",
                              k->mlp->n0, n0);
        return ntkb_fibers_mlp_ntk(k->mlp, z, x, theta, grad);
    }
    return grad ? ntkb_fibers_ntk_grad(k->net, z, x, n0, theta, grad)
                : ntkb_fibers_ntk(k->net, z, x, n0, theta);
}

/* One augmentation of x: fills xh, returns alignment and deviation and the displacement rms. */
static ntkb_status measure_one(const ntkb_fibers_kernel *k, const ntkb_images *set,
                               const ntkb_fibers_aug_params *params, ntkb_fibers_aug aug,
                               const double *z, const double *x, const double *other,
                               const double *g, double theta, uint64_t seed, double *xh,
                               double *align, double *dev, double *disp)
{
    size_t n0 = ntkb_images_size(set);
    const ntkb_fibers_shape shape = ntkb_fibers_shape_of(set);
    ntkb_rng rng;
    ntkb_rng_seed(&rng, seed);
    ntkb_status st = ntkb_fibers_augment(aug, &shape, params, x, other, g, &rng, xh);
    if (st != NTKB_OK)
        return st;
    double th, dd = 0, dg = 0;
    if ((st = ntkb_fibers_kernel_eval(k, z, xh, n0, &th, NULL)) != NTKB_OK)
        return st;
    for (size_t i = 0; i < n0; i++) {
        double d = xh[i] - x[i];
        dd += d * d;
        dg += d * g[i];
    }
    double gn = sqrt(ntkb_fibers_dot(g, g, n0));
    *align = (dd > 0 && gn > 0) ? dg / (sqrt(dd) * gn) : 0.0;
    *dev = fabs(theta - th) / fabs(theta);
    *disp = sqrt(dd / (double)n0);
    if (!isfinite(*align) || !isfinite(*dev))
        return ntkb_error(NTKB_ENUMERIC, "study: non-finite measurement for %s (Θ = %g)",
                          ntkb_fibers_aug_name(aug), theta);
    return NTKB_OK;
}

static ntkb_status check_args(const ntkb_fibers_kernel *k, const ntkb_images *set,
                              const ntkb_fibers_aug_params *params, size_t need)
{
    if (!set || !params || !set->pixels)
        return ntkb_error(NTKB_EINVAL, "study: NULL argument");
    if (set->n < need)
        return ntkb_error(NTKB_EINVAL, "study: %zu images, need at least %zu", set->n, need);
    if (!k || (!k->mlp && !k->net))
        return ntkb_error(NTKB_EINVAL, "study: no kernel");
    return k->mlp ? NTKB_OK : ntkb_fibers_net_check(k->net);
}

ntkb_status ntkb_fibers_study_pairs(const ntkb_fibers_kernel *k, const ntkb_images *set,
                                    const ntkb_fibers_aug_params *params, size_t n_pairs,
                                    uint64_t seed, ntkb_fibers_stat *stats)
{
    ntkb_status st = check_args(k, set, params, 3);
    if (st != NTKB_OK)
        return st;
    if (!stats || n_pairs == 0)
        return ntkb_error(NTKB_EINVAL, "study: no output or zero pairs");
    size_t n0 = ntkb_images_size(set);
    double *g = malloc((2 * n0 + n_pairs * NTKB_FIBERS_AUG_COUNT) * sizeof(double));
    if (!g)
        return ntkb_error(NTKB_ENOMEM, "study: out of memory");
    double *xh = g + n0, *devs = g + 2 * n0; /* devs: aug-major, n_pairs per augmentation */
    acc_t al[NTKB_FIBERS_AUG_COUNT] = {{0}}, dv[NTKB_FIBERS_AUG_COUNT] = {{0}};
    double disp_sum[NTKB_FIBERS_AUG_COUNT] = {0};
    for (size_t p = 0; p < n_pairs && st == NTKB_OK; p++) {
        ntkb_rng rng;
        ntkb_rng_seed(&rng, sub_seed(seed, p + 1, 0));
        size_t idx[3];
        idx[0] = (size_t)ntkb_rng_below(&rng, set->n);    /* x */
        idx[1] = draw_other(&rng, set->n, idx, 1);        /* z */
        idx[2] = draw_other(&rng, set->n, idx, 2);        /* mixup partner */
        const double *x = image_at(set, idx[0]), *z = image_at(set, idx[1]);
        double theta;
        if ((st = ntkb_fibers_kernel_eval(k, z, x, n0, &theta, g)) != NTKB_OK)
            break;
        for (int a = 0; a < NTKB_FIBERS_AUG_COUNT && st == NTKB_OK; a++) {
            double align, dev, disp;
            st = measure_one(k, set, params, (ntkb_fibers_aug)a, z, x,
                             image_at(set, idx[2]), g, theta,
                             sub_seed(seed, p + 1, (uint64_t)a + 1), xh, &align, &dev, &disp);
            acc_add(&al[a], align);
            acc_add(&dv[a], dev);
            devs[(size_t)a * n_pairs + p] = dev;
            disp_sum[a] += disp;
        }
    }
    for (int a = 0; a < NTKB_FIBERS_AUG_COUNT && st == NTKB_OK; a++)
        stats[a] = (ntkb_fibers_stat){n_pairs, al[a].mean, acc_std(&al[a]), dv[a].mean,
                                      acc_std(&dv[a]), median(devs + (size_t)a * n_pairs, n_pairs),
                                      disp_sum[a] / (double)n_pairs};
    free(g);
    return st;
}

/* For one reference: Θ(z, x_i) (theta) and, per augmentation, the squared changes (sq, aug-major). */
static ntkb_status count_reference(const ntkb_fibers_kernel *k, const ntkb_images *set,
                                   const ntkb_fibers_aug_params *params, size_t m, uint64_t seed,
                                   size_t *idx, double *theta, double *sq, double *buf)
{
    size_t n0 = ntkb_images_size(set);
    double *g = buf, *xh = buf + n0;
    ntkb_rng rng;
    ntkb_rng_seed(&rng, seed);
    for (size_t i = 0; i < m + 1; i++) /* idx[0] = z, idx[1..m] = training set */
        idx[i] = draw_other(&rng, set->n, idx, i);
    const double *z = image_at(set, idx[0]);
    ntkb_status st = NTKB_OK;
    for (size_t i = 0; i < m && st == NTKB_OK; i++) {
        const double *x = image_at(set, idx[1 + i]);
        idx[m + 1] = draw_other(&rng, set->n, idx, m + 1); /* mixup partner outside z and X */
        if ((st = ntkb_fibers_kernel_eval(k, z, x, n0, &theta[i], g)) != NTKB_OK)
            break;
        for (int a = 0; a < NTKB_FIBERS_AUG_COUNT && st == NTKB_OK; a++) {
            double align, dev, disp;
            st = measure_one(k, set, params, (ntkb_fibers_aug)a, z, x,
                             image_at(set, idx[m + 1]), g, theta[i],
                             sub_seed(seed, i + 1, (uint64_t)a + 1), xh, &align, &dev, &disp);
            sq[(size_t)a * m + i] = dev * theta[i] * dev * theta[i];
        }
    }
    return st;
}

ntkb_status ntkb_fibers_study_count(const ntkb_fibers_kernel *k, const ntkb_images *set,
                                    const ntkb_fibers_aug_params *params, size_t m, size_t n_refs,
                                    uint64_t seed, double *mean, double *std)
{
    ntkb_status st = check_args(k, set, params, m + 3);
    if (st != NTKB_OK)
        return st;
    if (!mean || !std || m == 0 || n_refs == 0)
        return ntkb_error(NTKB_EINVAL, "study_count: no output, m = 0 or no references");
    size_t n0 = ntkb_images_size(set);
    size_t cols = m + 1, cells = (size_t)NTKB_FIBERS_AUG_COUNT * cols;
    size_t *idx = malloc((m + 2) * sizeof *idx);
    double *work = malloc((2 * n0 + m + (size_t)NTKB_FIBERS_AUG_COUNT * m) * sizeof(double));
    acc_t *acc = calloc(cells, sizeof *acc);
    if (!idx || !work || !acc) {
        st = ntkb_error(NTKB_ENOMEM, "study_count: out of memory");
        goto done;
    }
    double *theta = work + 2 * n0, *sq = theta + m;
    for (size_t r = 0; r < n_refs && st == NTKB_OK; r++) {
        uint64_t rs = sub_seed(seed, 0, r + 1);
        if ((st = count_reference(k, set, params, m, rs, idx, theta, sq, work)) != NTKB_OK)
            break;
        double base = sqrt(ntkb_fibers_dot(theta, theta, m));
        /* The augmented points are the first kk in index order: X was drawn at random, so its
         * order is already a random order. */
        for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++) {
            double cum = 0;
            for (size_t kk = 0; kk <= m; kk++) {
                if (kk > 0)
                    cum += sq[(size_t)a * m + kk - 1];
                acc_add(&acc[(size_t)a * cols + kk], sqrt(cum) / base);
            }
        }
    }
    if (st == NTKB_OK)
        for (size_t c = 0; c < cells; c++) {
            mean[c] = acc[c].mean;
            std[c] = acc_std(&acc[c]);
        }
done:
    free(idx);
    free(work);
    free(acc);
    return st;
}
