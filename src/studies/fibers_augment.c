/* Image augmentations for the kernel-fiber study (see augment.h). */
#include "studies/fibers_augment.h"

#include <math.h>
#include <string.h>

#include "studies/fibers_ntkgrad.h"

static const char *const aug_names[NTKB_FIBERS_AUG_COUNT] = {
    "rotation", "hflip", "vflip", "cutout", "mixup", "noise", "fiber", "gradient"};
/* Row labels of the poster table (DeOliveira et al., AAAI 2026). */
static const char *const aug_labels[NTKB_FIBERS_AUG_COUNT] = {
    "Rotation", "Hflip", "Vflip", "Cutout", "Mixup", "Uniform Gaussian",
    "T_x F_{z\\|x} (fiber tangent)", "grad_x Theta (ground truth)"};

const char *ntkb_fibers_aug_name(ntkb_fibers_aug aug)
{
    return (unsigned)aug < NTKB_FIBERS_AUG_COUNT ? aug_names[aug] : "?";
}

const char *ntkb_fibers_aug_label(ntkb_fibers_aug aug)
{
    return (unsigned)aug < NTKB_FIBERS_AUG_COUNT ? aug_labels[aug] : "?";
}

void ntkb_fibers_rotate(const ntkb_fibers_shape *shape, const double *src, double angle_rad,
                        double fill, double *dst)
{
    size_t H = shape->height, W = shape->width;
    double cy = 0.5 * (double)(H - 1), cx = 0.5 * (double)(W - 1);
    double cs = cos(angle_rad), sn = sin(angle_rad);
    for (size_t ch = 0; ch < shape->channels; ch++) {
        const double *s = src + ch * H * W;
        double *d = dst + ch * H * W;
        for (size_t i = 0; i < H; i++) {
            for (size_t j = 0; j < W; j++) {
                /* Inverse map: destination pixel p samples the source at c + R·(p − c), so every
                 * output pixel gets a value (no holes); the sign convention does not matter here
                 * because the study draws the sign at random. */
                double dy = (double)i - cy, dx = (double)j - cx;
                double sy = cy + cs * dy - sn * dx, sx = cx + sn * dy + cs * dx;
                double fy = floor(sy), fx = floor(sx), ty = sy - fy, tx = sx - fx;
                long y0 = (long)fy, x0 = (long)fx;
                double acc = 0;
                for (int a = 0; a < 2; a++) {
                    for (int b = 0; b < 2; b++) {
                        long y = y0 + a, x = x0 + b;
                        double wgt = (a ? ty : 1 - ty) * (b ? tx : 1 - tx);
                        if (y < 0 || x < 0 || y >= (long)H || x >= (long)W)
                            acc += wgt * fill;
                        else
                            acc += wgt * s[(size_t)y * W + (size_t)x];
                    }
                }
                d[i * W + j] = acc;
            }
        }
    }
}

void ntkb_fibers_hflip(const ntkb_fibers_shape *shape, const double *src, double *dst)
{
    size_t W = shape->width, rows = shape->channels * shape->height;
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < W; j++)
            dst[r * W + j] = src[r * W + (W - 1 - j)];
}

void ntkb_fibers_vflip(const ntkb_fibers_shape *shape, const double *src, double *dst)
{
    size_t H = shape->height, W = shape->width;
    for (size_t ch = 0; ch < shape->channels; ch++)
        for (size_t i = 0; i < H; i++)
            memcpy(dst + (ch * H + i) * W, src + (ch * H + (H - 1 - i)) * W, W * sizeof(double));
}

void ntkb_fibers_cutout(const ntkb_fibers_shape *shape, const double *src, size_t side, size_t cy,
                        size_t cx, double *dst)
{
    size_t H = shape->height, W = shape->width;
    memcpy(dst, src, shape->channels * H * W * sizeof(double));
    long y0 = (long)cy - (long)(side / 2), x0 = (long)cx - (long)(side / 2);
    for (size_t ch = 0; ch < shape->channels; ch++)
        for (long y = y0 < 0 ? 0 : y0; y < y0 + (long)side && y < (long)H; y++)
            for (long x = x0 < 0 ? 0 : x0; x < x0 + (long)side && x < (long)W; x++)
                dst[(ch * H + (size_t)y) * W + (size_t)x] = 0.0;
}

/* out = x + scale·v/‖v‖; v is consumed (overwritten is fine, it is the caller's scratch = out). */
static ntkb_status add_scaled(const double *x, double *v, size_t n, double norm)
{
    double vn = sqrt(ntkb_fibers_dot(v, v, n));
    if (!(vn > 0) || !isfinite(vn))
        return ntkb_error(NTKB_ENUMERIC, "augment: zero or non-finite displacement direction");
    for (size_t i = 0; i < n; i++)
        v[i] = x[i] + norm * v[i] / vn;
    return NTKB_OK;
}

ntkb_status ntkb_fibers_augment(ntkb_fibers_aug aug, const ntkb_fibers_shape *shape,
                                const ntkb_fibers_aug_params *params, const double *x,
                                const double *other, const double *grad, ntkb_rng *rng,
                                double *out)
{
    if (!shape || !params || !x || !rng || !out)
        return ntkb_error(NTKB_EINVAL, "augment: NULL argument");
    size_t n = shape->channels * shape->height * shape->width;
    if (n == 0)
        return ntkb_error(NTKB_EINVAL, "augment: empty image shape");
    double norm = params->noise_rms * sqrt((double)n);
    switch (aug) {
    case NTKB_FIBERS_ROTATION: {
        double sign = (ntkb_rng_next(rng) >> 63) ? 1.0 : -1.0;
        ntkb_fibers_rotate(shape, x, sign * params->angle_deg * M_PI / 180.0, -1.0, out);
        return NTKB_OK;
    }
    case NTKB_FIBERS_HFLIP: ntkb_fibers_hflip(shape, x, out); return NTKB_OK;
    case NTKB_FIBERS_VFLIP: ntkb_fibers_vflip(shape, x, out); return NTKB_OK;
    case NTKB_FIBERS_CUTOUT: {
        size_t side = params->cutout ? params->cutout : shape->height / 2;
        size_t cy = (size_t)ntkb_rng_below(rng, shape->height);
        size_t cx = (size_t)ntkb_rng_below(rng, shape->width);
        ntkb_fibers_cutout(shape, x, side, cy, cx, out);
        return NTKB_OK;
    }
    case NTKB_FIBERS_MIXUP: {
        double lam = params->mixup_lambda;
        if (!other || !(lam >= 0 && lam <= 1))
            return ntkb_error(NTKB_EINVAL, "mixup: needs another image and lambda in [0, 1]");
        for (size_t i = 0; i < n; i++)
            out[i] = lam * x[i] + (1 - lam) * other[i];
        return NTKB_OK;
    }
    case NTKB_FIBERS_NOISE:
    case NTKB_FIBERS_FIBER:
    case NTKB_FIBERS_GRADIENT: {
        if (!(norm >= 0) || !isfinite(norm))
            return ntkb_error(NTKB_EINVAL, "augment: noise rms %g, expected >= 0", params->noise_rms);
        if (aug != NTKB_FIBERS_NOISE && !grad)
            return ntkb_error(NTKB_EINVAL, "augment: %s needs the gradient", aug_names[aug]);
        if (aug == NTKB_FIBERS_GRADIENT) {
            memcpy(out, grad, n * sizeof(double));
            return add_scaled(x, out, n, norm);
        }
        for (size_t i = 0; i < n; i++)
            out[i] = ntkb_rng_gaussian(rng);
        if (aug == NTKB_FIBERS_FIBER) {
            double gg = ntkb_fibers_dot(grad, grad, n);
            if (!(gg > 0))
                return ntkb_error(NTKB_ENUMERIC, "fiber: zero gradient, T_x is the whole space");
            double a = ntkb_fibers_dot(out, grad, n) / gg;
            for (size_t i = 0; i < n; i++)
                out[i] -= a * grad[i];
        }
        return add_scaled(x, out, n, norm);
    }
    case NTKB_FIBERS_AUG_COUNT: break;
    }
    return ntkb_error(NTKB_EINVAL, "augment: unknown augmentation %d", (int)aug);
}

/* The AAAI poster's table (DeOliveira et al., AAAI 2026): alignment mean, std, deviation mean, std, in
 * ntkb_fibers_aug order. */
static const double poster[NTKB_FIBERS_AUG_COUNT][4] = {
    {-0.062644, 0.023, 0.092406, 0.085}, /* Rotation */
    {-0.080352, 0.020, 0.023625, 0.021}, /* Hflip */
    {-0.092738, 0.021, 0.042702, 0.034}, /* Vflip */
    {-0.008870, 0.016, 1.708538, 1.121}, /* Cutout */
    {-0.104793, 0.031, 0.227315, 0.239}, /* Mixup */
    {-0.003340, 0.006, 0.211346, 0.086}, /* Uniform Gaussian */
    {-0.001090, 0.003, 0.022298, 0.010}, /* T_x F_{z|x} */
    {0.994879, 0.015, 0.189625, 0.149},  /* ∇ₓΘ (ground truth) */
};

const double *ntkb_fibers_poster_row(ntkb_fibers_aug aug)
{
    return (unsigned)aug < NTKB_FIBERS_AUG_COUNT ? poster[aug] : NULL;
}
