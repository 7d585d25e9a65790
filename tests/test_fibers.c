/* Tests of the fiber study (src/studies/fibers_*): the complex-step NTK gradient against central finite differences and against an
 * independent real-valued recursion (Gauss–Hermite duals for erf/GeLU, closed-form arc-cosine for
 * ReLU), the augmentations, and the study's by-construction properties. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_integration.h>

#include "testutil.h"

#include "core/dual.h"
#include "studies/fibers_augment.h"
#include "studies/fibers_empirical.h"
#include "studies/fibers_ntkgrad.h"
#include "studies/fibers_study.h"
#include "lantk/fcntk.h"
#include "lantk/images.h"

static const ntkb_activation acts[] = {NTKB_ACT_RELU, NTKB_ACT_ERF, NTKB_ACT_GELU};

static void random_vec(ntkb_rng *rng, double *v, size_t n, double scale)
{
    for (size_t i = 0; i < n; i++)
        v[i] = scale * ntkb_rng_gaussian(rng);
}

/* ∇ₓΘ·v against the central difference (Θ(x + tv) − Θ(x − tv))/2t in random directions. */
static void test_gradient_fd(void **state)
{
    (void)state;
    enum { N = 40 };
    const int depths[] = {2, 3, 5};
    const double biases[] = {0.0, 0.1, 1.0};
    ntkb_rng rng;
    ntkb_rng_seed(&rng, 7);
    double z[N], x[N], v[N], g[N], xp[N], xm[N];
    for (int a = 0; a < 3; a++)
        for (int d = 0; d < 3; d++)
            for (int b = 0; b < 3; b++)
                for (int rep = 0; rep < 4; rep++) {
                    ntkb_fibers_net net = {acts[a], depths[d], biases[b], rep % 2 ? 2.0 : 1.0};
                    random_vec(&rng, z, N, 1.0);
                    random_vec(&rng, x, N, 1.0);
                    random_vec(&rng, v, N, 1.0);
                    double theta, tp, tm, t = 1e-4;
                    assert_int_equal(ntkb_fibers_ntk_grad(&net, z, x, N, &theta, g), NTKB_OK);
                    for (int i = 0; i < N; i++) {
                        xp[i] = x[i] + t * v[i];
                        xm[i] = x[i] - t * v[i];
                    }
                    assert_int_equal(ntkb_fibers_ntk(&net, z, xp, N, &tp), NTKB_OK);
                    assert_int_equal(ntkb_fibers_ntk(&net, z, xm, N, &tm), NTKB_OK);
                    double fd = (tp - tm) / (2 * t), an = ntkb_fibers_dot(g, v, N);
                    /* Central differences err by O(t²) ≈ 1e-8 relative, plus round-off ~1e-12/t. */
                    if (!ntkb_test_close(an, fd, 1e-6, 1e-9 * fabs(theta)))
                        fail_msg("%s depth %d bias %g: grad·v = %.15g, central FD = %.15g",
                                 ntkb_fibers_activation_name(acts[a]), depths[d], biases[b], an, fd);
                }
}

/* Close to the ρ = 1 kink of the ReLU dual (x = z + small δ) and on real image pairs. */
static void check_fd(const ntkb_fibers_net *net, const double *z, const double *x, const double *v,
                     size_t n, double t, double rel)
{
    double *g = malloc(3 * n * sizeof(double)), *xp = g + n, *xm = g + 2 * n, th, tp, tm;
    assert_non_null(g);
    assert_int_equal(ntkb_fibers_ntk_grad(net, z, x, n, &th, g), NTKB_OK);
    for (size_t i = 0; i < n; i++) {
        xp[i] = x[i] + t * v[i];
        xm[i] = x[i] - t * v[i];
    }
    assert_int_equal(ntkb_fibers_ntk(net, z, xp, n, &tp), NTKB_OK);
    assert_int_equal(ntkb_fibers_ntk(net, z, xm, n, &tm), NTKB_OK);
    double fd = (tp - tm) / (2 * t), an = ntkb_fibers_dot(g, v, n);
    if (!ntkb_test_close(an, fd, rel, 1e-10 * fabs(th)))
        fail_msg("%s depth %d: grad·v = %.15g, central FD = %.15g",
                 ntkb_fibers_activation_name(net->activation), net->depth, an, fd);
    free(g);
}

static void test_gradient_near_diagonal(void **state)
{
    (void)state;
    enum { N = 30 };
    ntkb_rng rng;
    ntkb_rng_seed(&rng, 41);
    double z[N], x[N], v[N];
    random_vec(&rng, z, N, 1.0);
    random_vec(&rng, v, N, 1.0);
    for (int a = 0; a < 3; a++) {
        ntkb_fibers_net net = {acts[a], 3, 0.1, 1.0};
        for (int i = 0; i < N; i++)
            x[i] = z[i] + 1e-3 * ntkb_rng_gaussian(&rng); /* 1 − ρ ≈ 5e-7 */
        check_fd(&net, z, x, v, N, 1e-7, 1e-5);
    }
}

/* Fashion-MNIST from Debian (dataset-fashion-mnist): a skip when the package is absent; a reader
 * error when it is present fails. */
static ntkb_images *fashion_mnist_or_skip(size_t n)
{
    const char *fm = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    ntkb_images *set = NULL;
    if (access(fm, R_OK) != 0)
        skip();
    assert_int_equal(ntkb_images_read_idx_n(fm, NULL, n, &set), NTKB_OK);
    return set;
}

static void test_gradient_on_images(void **state)
{
    (void)state;
    ntkb_rng rng;
    ntkb_rng_seed(&rng, 43);
    ntkb_images *set = fashion_mnist_or_skip(6);
    ntkb_images_scale_pm1(set);
    double w[784];
    random_vec(&rng, w, 784, 1.0);
    for (int a = 0; a < 3; a++)
        for (size_t p = 0; p + 1 < set->n; p += 2) {
            ntkb_fibers_net net = {acts[a], 2 + (int)p, 0.1, 1.0};
            check_fd(&net, set->pixels + p * 784, set->pixels + (p + 1) * 784, w, 784, 1e-4,
                     1e-6);
        }
    ntkb_images_free(set);
}

/* Real-valued reference duals. */
static double gh_t[200], gh_w[200];
static size_t gh_n;

static void gh_init(void)
{
    if (gh_n)
        return;
    gsl_integration_fixed_workspace *ws =
        gsl_integration_fixed_alloc(gsl_integration_fixed_hermite, 200, 0.0, 1.0, 0.0, 0.0);
    assert_non_null(ws);
    gh_n = gsl_integration_fixed_n(ws);
    memcpy(gh_t, gsl_integration_fixed_nodes(ws), gh_n * sizeof(double));
    memcpy(gh_w, gsl_integration_fixed_weights(ws), gh_n * sizeof(double));
    gsl_integration_fixed_free(ws);
}

static double act_f(ntkb_activation a, double u, int deriv)
{
    if (a == NTKB_ACT_ERF)
        return deriv ? 2.0 / sqrt(M_PI) * exp(-u * u) : erf(u);
    /* GeLU x·Φ(x) */
    double Phi = 0.5 * erfc(-u / sqrt(2.0)), phi = exp(-0.5 * u * u) / sqrt(2 * M_PI);
    return deriv ? Phi + u * phi : u * Phi;
}

/* E[f(u)f(v)] by the 2-D Gauss–Hermite rule (ReLU: closed form, c_σ = 1). */
static double ref_dual(ntkb_activation a, double q, double p, double c, int deriv)
{
    if (a == NTKB_ACT_RELU) {
        double rho = c / sqrt(q * p);
        rho = rho > 1 ? 1 : rho < -1 ? -1 : rho;
        double th = acos(rho);
        return deriv ? (M_PI - th) / (2 * M_PI)
                     : sqrt(q * p) * (sqrt(1 - rho * rho) + (M_PI - th) * rho) / (2 * M_PI);
    }
    double s = 0, r = p - c * c / q;
    r = r < 0 ? 0 : r;
    for (size_t i = 0; i < gh_n; i++) {
        double u = sqrt(2 * q) * gh_t[i], fu = act_f(a, u, deriv);
        for (size_t j = 0; j < gh_n; j++)
            s += gh_w[i] * gh_w[j] * fu * act_f(a, c / q * u + sqrt(2 * r) * gh_t[j], deriv);
    }
    return s / M_PI;
}

static double ref_ntk(const ntkb_fibers_net *net, size_t n0, double szz, double sxx, double szx)
{
    double w = net->weight_var, b2 = net->bias * net->bias;
    double qz = w * szz / (double)n0 + b2, qx = w * sxx / (double)n0 + b2;
    double c = w * szx / (double)n0 + b2, th = c;
    for (int l = 1; l < net->depth; l++) {
        double e = ref_dual(net->activation, qz, qx, c, 0);
        double ed = ref_dual(net->activation, qz, qx, c, 1);
        c = w * e + b2;
        th = th * w * ed + c;
        qz = w * ref_dual(net->activation, qz, qz, qz, 0) + b2;
        qx = w * ref_dual(net->activation, qx, qx, qx, 0) + b2;
    }
    return th;
}

/* The complex recursion's real part equals an independent real implementation, and its partials
 * equal central differences of that implementation. */
static void test_value_and_partials_reference(void **state)
{
    (void)state;
    gh_init();
    const double cases[][3] = {{1.0, 1.3, 0.4}, {0.5, 2.0, -0.7}, {3.0, 0.2, 0.1}};
    for (int a = 0; a < 3; a++)
        for (int depth = 2; depth <= 4; depth++)
            for (int k = 0; k < 3; k++) {
                ntkb_fibers_net net = {acts[a], depth, k == 1 ? 0.0 : 0.3, 1.0};
                double szz = cases[k][0], sxx = cases[k][1], szx = cases[k][2], th, dzx, dxx;
                assert_int_equal(
                    ntkb_fibers_ntk_partials(&net, 1, szz, sxx, szx, &th, &dzx, &dxx), NTKB_OK);
                double ref = ref_ntk(&net, 1, szz, sxx, szx);
                if (!ntkb_test_close(th, ref, 1e-12, 0.0))
                    fail_msg("%s depth %d case %d: %.17g vs reference %.17g",
                             ntkb_fibers_activation_name(acts[a]), depth, k, th, ref);
                double h = 1e-5;
                double fzx = (ref_ntk(&net, 1, szz, sxx, szx + h) -
                              ref_ntk(&net, 1, szz, sxx, szx - h)) / (2 * h);
                double fxx = (ref_ntk(&net, 1, szz, sxx + h, szx) -
                              ref_ntk(&net, 1, szz, sxx - h, szx)) / (2 * h);
                assert_close(dzx, fzx, 1e-7);
                assert_close(dxx, fxx, 1e-7);
            }
}

/* The project's real duals (src/core/dual.h) driven through the same recursion. */
static double core_ntk(const ntkb_fibers_net *net, size_t n0, double szz, double sxx, double szx)
{
    void (*dual)(double, double, double, double *, double *) =
        net->activation == NTKB_ACT_RELU  ? ntkb_dual_relu
        : net->activation == NTKB_ACT_ERF ? ntkb_dual_erf
                                             : ntkb_dual_gelu;
    double w = net->weight_var, b2 = net->bias * net->bias;
    double qz = w * szz / (double)n0 + b2, qx = w * sxx / (double)n0 + b2;
    double c = w * szx / (double)n0 + b2, th = c, e, ed, ez, ex;
    for (int l = 1; l < net->depth; l++) {
        dual(qz, qx, c, &e, &ed);
        dual(qz, qz, qz, &ez, NULL);
        dual(qx, qx, qx, &ex, NULL);
        c = w * e + b2;
        th = th * w * ed + c;
        qz = w * ez + b2;
        qx = w * ex + b2;
    }
    return th;
}

/* Cross-check of the complex recursion's real part against src/core/dual.h on random vectors. */
static void test_value_against_core_duals(void **state)
{
    (void)state;
    enum { N = 30 };
    ntkb_rng rng;
    ntkb_rng_seed(&rng, 17);
    double z[N], x[N];
    for (int a = 0; a < 3; a++)
        for (int depth = 1; depth <= 6; depth++) {
            ntkb_fibers_net net = {acts[a], depth, 0.25 * (depth % 3), depth % 2 ? 1.0 : 2.0};
            random_vec(&rng, z, N, 1.0);
            random_vec(&rng, x, N, 0.7);
            double th;
            assert_int_equal(ntkb_fibers_ntk(&net, z, x, N, &th), NTKB_OK);
            double ref = core_ntk(&net, N, ntkb_fibers_dot(z, z, N), ntkb_fibers_dot(x, x, N),
                                  ntkb_fibers_dot(z, x, N));
            if (!ntkb_test_close(th, ref, 1e-13, 0.0))
                fail_msg("%s depth %d: %.17g vs core duals %.17g",
                         ntkb_fibers_activation_name(acts[a]), depth, th, ref);
        }
}

/* Cross-check against the project's FC NTK (src/lantk/fcntk.h, Jacot form: hidden = L − 1). */
static void test_value_against_fcntk(void **state)
{
    (void)state;
    enum { N = 25 };
    const ntkb_activation lact[] = {NTKB_ACT_RELU, NTKB_ACT_ERF, NTKB_ACT_GELU};
    ntkb_rng rng;
    ntkb_rng_seed(&rng, 23);
    double z[N], x[N];
    for (int a = 0; a < 3; a++)
        for (int depth = 1; depth <= 5; depth++) {
            double beta = 0.2 * depth;
            ntkb_fibers_net net = {acts[a], depth, beta, 1.0};
            ntkb_fcntk_params p;
            ntkb_fcntk_params_jacot(&p, lact[a], (size_t)depth - 1, beta, N);
            random_vec(&rng, z, N, 1.0);
            random_vec(&rng, x, N, 1.2);
            double th, ref;
            assert_int_equal(ntkb_fibers_ntk(&net, z, x, N, &th), NTKB_OK);
            assert_int_equal(ntkb_fcntk_pair(&p, N, x, z, &ref, NULL), NTKB_OK);
            if (!ntkb_test_close(th, ref, 1e-13, 0.0))
                fail_msg("%s depth %d: %.17g vs fcntk %.17g",
                         ntkb_fibers_activation_name(acts[a]), depth, th, ref);
        }
}

/* Hand values: depth 2, ReLU, β = 0, σ_w² = 1, x = z gives Θ = q (q/n₀·½ + q/n₀·½ scaled). */
static void test_known_values(void **state)
{
    (void)state;
    ntkb_fibers_net net = {NTKB_ACT_RELU, 2, 0.0, 1.0};
    double th;
    /* Σ¹ = 2, Σ̇² = ½, Σ² = 1  ⇒  Θ = 2·½ + 1 = 2. */
    assert_int_equal(ntkb_fibers_ntk_partials(&net, 2, 4.0, 4.0, 4.0, &th, NULL, NULL), NTKB_OK);
    assert_close(th, 2.0, 1e-15);
    /* Orthogonal inputs: Σ¹ = 0, Σ² = sqrt(q q')/(2π). */
    assert_int_equal(ntkb_fibers_ntk_partials(&net, 1, 1.0, 4.0, 0.0, &th, NULL, NULL), NTKB_OK);
    assert_close(th, 2.0 / (2 * M_PI), 1e-15);
    ntkb_activation act;
    assert_int_equal(ntkb_fibers_activation_parse("tanh", &act), NTKB_EINVAL);
    net.depth = 0;
    assert_int_equal(ntkb_fibers_ntk_partials(&net, 1, 1, 1, 0, &th, NULL, NULL), NTKB_EINVAL);
}

static void test_flips_rotation_cutout(void **state)
{
    (void)state;
    ntkb_fibers_shape sh = {2, 5, 5};
    double a[50], b[50], c[50];
    for (int i = 0; i < 50; i++)
        a[i] = i;
    ntkb_fibers_hflip(&sh, a, b);
    assert_true(b[0] == 4 && b[5] == 9 && b[25] == 29);
    ntkb_fibers_hflip(&sh, b, c);
    assert_memory_equal(a, c, sizeof a);
    ntkb_fibers_vflip(&sh, a, b);
    assert_true(b[0] == 20 && b[25] == 45);
    ntkb_fibers_rotate(&sh, a, 0.0, -1.0, b);
    for (int i = 0; i < 50; i++)
        assert_close(b[i], a[i], 1e-15);
    /* A quarter turn of a square image is a pixel permutation: bilinear weights are exact. */
    ntkb_fibers_rotate(&sh, a, M_PI / 2, -1.0, b);
    double sa = 0, sb = 0;
    for (int i = 0; i < 50; i++) {
        sa += a[i] * a[i];
        sb += b[i] * b[i];
    }
    assert_close(sb, sa, 1e-12);
    assert_close(b[12], a[12], 1e-15); /* the centre stays */
    ntkb_fibers_cutout(&sh, a, 2, 0, 0, b); /* clipped at the corner: rows/cols −1..0 → 1 pixel */
    int zeros = 0;
    for (int i = 0; i < 50; i++)
        zeros += b[i] == 0.0;
    assert_int_equal(zeros, 2); /* pixel (0,0) in both planes; a[0] was already 0 */
    ntkb_fibers_cutout(&sh, a, 3, 2, 2, b);
    assert_true(b[6] == 0 && b[18] == 0 && b[5] == 5 && b[31] == 0);
}

/* Fiber noise is orthogonal to ∇ₓΘ, gradient steps are parallel, all at the stated norm. */
static void test_noise_directions(void **state)
{
    (void)state;
    enum { N = 64 };
    ntkb_fibers_shape sh = {1, 8, 8};
    ntkb_fibers_aug_params pr = {10.0, 0, 0.8, 0.05};
    ntkb_fibers_net net = {NTKB_ACT_GELU, 3, 0.2, 1.0};
    ntkb_rng rng;
    ntkb_rng_seed(&rng, 3);
    double z[N], x[N], g[N], xh[N], d[N];
    random_vec(&rng, z, N, 0.5);
    random_vec(&rng, x, N, 0.5);
    assert_int_equal(ntkb_fibers_ntk_grad(&net, z, x, N, NULL, g), NTKB_OK);
    const ntkb_fibers_aug kinds[] = {NTKB_FIBERS_NOISE, NTKB_FIBERS_FIBER, NTKB_FIBERS_GRADIENT};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(ntkb_fibers_augment(kinds[k], &sh, &pr, x, NULL, g, &rng, xh), NTKB_OK);
        for (int i = 0; i < N; i++)
            d[i] = xh[i] - x[i];
        double dn = sqrt(ntkb_fibers_dot(d, d, N)), gn = sqrt(ntkb_fibers_dot(g, g, N));
        assert_close(dn, 0.05 * 8.0, 1e-12);
        double cosv = ntkb_fibers_dot(d, g, N) / (dn * gn);
        if (kinds[k] == NTKB_FIBERS_FIBER)
            assert_true(fabs(cosv) < 1e-12);
        if (kinds[k] == NTKB_FIBERS_GRADIENT)
            assert_close(cosv, 1.0, 1e-12);
    }
    assert_int_equal(ntkb_fibers_augment(NTKB_FIBERS_MIXUP, &sh, &pr, x, NULL, g, &rng, xh),
                     NTKB_EINVAL);
}

/* n random 1×H×H images with pixels uniform in [−1, 1), unlabelled; owned by the caller. */
static ntkb_images *random_set(size_t n, size_t H, uint64_t seed)
{
    ntkb_rng rng;
    ntkb_rng_seed(&rng, seed);
    ntkb_images *set = ntkb_images_alloc(n, 1, H, H);
    assert_non_null(set);
    for (size_t i = 0; i < n * H * H; i++)
        set->pixels[i] = 2 * ntkb_rng_uniform(&rng) - 1;
    for (size_t i = 0; i < n; i++)
        set->labels[i] = -1;
    return set;
}

/* Study: alignment 1 / 0 by construction; fiber deviation is second order, gradient first order. */
static void test_study_orders(void **state)
{
    (void)state;
    ntkb_images *set = random_set(20, 8, 11);
    ntkb_fibers_net net = {NTKB_ACT_RELU, 3, 0.5, 1.0};
    ntkb_fibers_kernel kern = {&net, NULL};
    ntkb_fibers_aug_params pr = {10.0, 0, 0.8, 0.01};
    ntkb_fibers_stat s1[NTKB_FIBERS_AUG_COUNT], s2[NTKB_FIBERS_AUG_COUNT];
    assert_int_equal(ntkb_fibers_study_pairs(&kern, set, &pr, 30, 5, s1), NTKB_OK);
    pr.noise_rms = 0.005;
    assert_int_equal(ntkb_fibers_study_pairs(&kern, set, &pr, 30, 5, s2), NTKB_OK);
    assert_close(s1[NTKB_FIBERS_GRADIENT].align_mean, 1.0, 1e-12);
    assert_true(fabs(s1[NTKB_FIBERS_FIBER].align_mean) < 1e-12);
    double r_fib = s1[NTKB_FIBERS_FIBER].dev_mean / s2[NTKB_FIBERS_FIBER].dev_mean;
    double r_grad = s1[NTKB_FIBERS_GRADIENT].dev_mean / s2[NTKB_FIBERS_GRADIENT].dev_mean;
    assert_true(r_fib > 3.6 && r_fib < 4.4);
    assert_true(r_grad > 1.9 && r_grad < 2.1);
    assert_true(s1[NTKB_FIBERS_FIBER].dev_mean < s1[NTKB_FIBERS_NOISE].dev_mean);
    /* Conventional augmentations do not depend on the noise scale. */
    assert_close(s1[NTKB_FIBERS_HFLIP].dev_mean, s2[NTKB_FIBERS_HFLIP].dev_mean, 1e-15);
    /* Count study: k = 0 is no change, and the curve grows with k. */
    size_t m = 5;
    double mean[NTKB_FIBERS_AUG_COUNT * 6], sd[NTKB_FIBERS_AUG_COUNT * 6];
    assert_int_equal(ntkb_fibers_study_count(&kern, set, &pr, m, 4, 9, mean, sd), NTKB_OK);
    for (int a = 0; a < NTKB_FIBERS_AUG_COUNT; a++) {
        assert_true(mean[a * 6] == 0.0);
        for (size_t k = 1; k <= m; k++)
            assert_true(mean[a * 6 + k] >= mean[a * 6 + k - 1]);
    }
    ntkb_images_free(set);
}

/* The dimension sweep's input (src/lantk/images.h's area downsampling; its arithmetic is tested in
 * test_images): the study sees the reduced shape, and factor 1 reproduces the main measurement
 * bit for bit, as the sweep's first row must. */
static void test_study_on_downsampled(void **state)
{
    (void)state;
    ntkb_images *set = random_set(12, 8, 3), *small;
    ntkb_fibers_net net = {NTKB_ACT_RELU, 3, 0.1, 1.0};
    ntkb_fibers_kernel kern = {&net, NULL};
    ntkb_fibers_aug_params pr = {10.0, 0, 0.8, 0.1};
    ntkb_fibers_stat full[NTKB_FIBERS_AUG_COUNT], sub[NTKB_FIBERS_AUG_COUNT];
    assert_int_equal(ntkb_images_downsample(set, 2, &small), NTKB_OK);
    ntkb_fibers_shape sh = ntkb_fibers_shape_of(small);
    assert_true(sh.channels == 1 && sh.height == 4 && sh.width == 4);
    assert_int_equal(ntkb_fibers_study_pairs(&kern, small, &pr, 10, 7, sub), NTKB_OK);
    assert_close(sub[NTKB_FIBERS_GRADIENT].align_mean, 1.0, 1e-12);
    assert_close(sub[NTKB_FIBERS_NOISE].disp_rms, 0.1, 1e-12); /* ‖v‖ = ε·√n₀ with n₀ = 16 */
    ntkb_images_free(small);
    assert_int_equal(ntkb_images_downsample(set, 1, &small), NTKB_OK);
    assert_int_equal(ntkb_fibers_study_pairs(&kern, set, &pr, 10, 7, full), NTKB_OK);
    assert_int_equal(ntkb_fibers_study_pairs(&kern, small, &pr, 10, 7, sub), NTKB_OK);
    assert_memory_equal(full, sub, sizeof full);
    ntkb_images_free(small);
    ntkb_images_free(set);
}

/* The study's pixels: ntkb_images_scale_pm1 is bit for bit the normalisation the published
 * results (results/augmentation.csv) were computed with, x = (p/255 − 0.5)/0.5, for every byte;
 * and bench_fibers' read of Fashion-MNIST (first N images, no label file) lands in [−1, 1]. */
static void test_pixel_scaling(void **state)
{
    (void)state;
    ntkb_images *im = ntkb_images_alloc(1, 1, 16, 16);
    assert_non_null(im);
    for (int b = 0; b < 256; b++)
        im->pixels[b] = (double)(unsigned char)b;
    ntkb_images_scale_pm1(im);
    for (int b = 0; b < 256; b++)
        if (im->pixels[b] != ((double)(unsigned char)b / 255.0 - 0.5) / 0.5)
            fail_msg("byte %d: %.17g", b, im->pixels[b]);
    assert_true(im->pixels[0] == -1.0 && im->pixels[255] == 1.0);
    ntkb_images_free(im);
    assert_int_equal(ntkb_images_read_idx_n("/nonexistent/x.gz", NULL, 1, &im), NTKB_ENOTFOUND);
}

static void test_pixel_scaling_fashion_mnist(void **state)
{
    (void)state;
    ntkb_images *im = fashion_mnist_or_skip(3);
    ntkb_images_scale_pm1(im);
    assert_int_equal(im->n, 3);
    assert_int_equal(im->height, 28);
    for (size_t i = 0; i < 3 * 784; i++)
        assert_true(im->pixels[i] >= -1.0 && im->pixels[i] <= 1.0);
    assert_int_equal(im->labels[2], -1);
    ntkb_images_free(im);
}

/* Empirical NTK of the 2-layer GeLU net: input gradient against central differences, and the value
 * against the infinite-width depth-2 GeLU NTK at large width. */
static void test_empirical(void **state)
{
    (void)state;
    enum { N = 20 };
    ntkb_rng rng;
    ntkb_rng_seed(&rng, 31);
    double z[N], x[N], v[N], g[N], xp[N], xm[N];
    ntkb_fibers_mlp *mlp;
    assert_int_equal(ntkb_fibers_mlp_alloc(N, 64, 0.3, 5, &mlp), NTKB_OK);
    for (int rep = 0; rep < 10; rep++) {
        random_vec(&rng, z, N, 1.0);
        random_vec(&rng, x, N, 1.0);
        random_vec(&rng, v, N, 1.0);
        double th, tp, tm, t = 1e-4;
        assert_int_equal(ntkb_fibers_mlp_ntk(mlp, z, x, &th, g), NTKB_OK);
        for (int i = 0; i < N; i++) {
            xp[i] = x[i] + t * v[i];
            xm[i] = x[i] - t * v[i];
        }
        assert_int_equal(ntkb_fibers_mlp_ntk(mlp, z, xp, &tp, NULL), NTKB_OK);
        assert_int_equal(ntkb_fibers_mlp_ntk(mlp, z, xm, &tm, NULL), NTKB_OK);
        double fd = (tp - tm) / (2 * t), an = ntkb_fibers_dot(g, v, N);
        if (!ntkb_test_close(an, fd, 1e-6, 1e-9 * fabs(th)))
            fail_msg("empirical grad·v = %.15g, central FD = %.15g", an, fd);
    }
    ntkb_fibers_mlp_free(mlp);
    /* Width 40000: the Monte-Carlo error of Θ̂ is O(1/√width) ≈ 0.5 %. */
    assert_int_equal(ntkb_fibers_mlp_alloc(N, 40000, 0.3, 6, &mlp), NTKB_OK);
    ntkb_fibers_net net = {NTKB_ACT_GELU, 2, 0.3, 1.0};
    double th_e, th_i, ge[N], gi[N];
    assert_int_equal(ntkb_fibers_mlp_ntk(mlp, z, x, &th_e, ge), NTKB_OK);
    assert_int_equal(ntkb_fibers_ntk_grad(&net, z, x, N, &th_i, gi), NTKB_OK);
    assert_close(th_e, th_i, 0.03);
    double cosv = ntkb_fibers_dot(ge, gi, N) /
                  sqrt(ntkb_fibers_dot(ge, ge, N) * ntkb_fibers_dot(gi, gi, N));
    assert_true(cosv > 0.95);
    ntkb_fibers_mlp_free(mlp);
    assert_int_equal(ntkb_fibers_mlp_alloc(0, 4, 0.0, 1, &mlp), NTKB_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gradient_fd),
        cmocka_unit_test(test_gradient_near_diagonal),
        cmocka_unit_test(test_gradient_on_images),
        cmocka_unit_test(test_value_and_partials_reference),
        cmocka_unit_test(test_value_against_core_duals),
        cmocka_unit_test(test_value_against_fcntk),
        cmocka_unit_test(test_known_values),
        cmocka_unit_test(test_flips_rotation_cutout),
        cmocka_unit_test(test_noise_directions),
        cmocka_unit_test(test_empirical),
        cmocka_unit_test(test_study_orders),
        cmocka_unit_test(test_study_on_downsampled),
        cmocka_unit_test(test_pixel_scaling),
        cmocka_unit_test(test_pixel_scaling_fashion_mnist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
