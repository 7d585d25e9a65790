/* Tests of src/core/dual: the closed forms against each other (Gauss–Hermite) and against
 * Monte Carlo, the array ReLU loop against the scalar one, and argument checks. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "core/dual.h"
#include "core/isa.h"
#include "core/rng.h"

/* The library's generator: a deterministic normal stream for Monte Carlo. */
static ntkb_rng rng = {12345};
static double gauss(void)
{
    return ntkb_rng_gaussian(&rng);
}

typedef void (*closed_fn)(double, double, double, double *, double *);

/* Covariances used throughout: (q, q2, c), including negative, zero and near-±1 correlations. */
static const double cases[][3] = {{1.0, 1.0, 0.3},  {0.5, 2.0, -0.7}, {3.0, 0.2, 0.0},
                                  {1.0, 1.0, 1.0},  {2.0, 2.0, -1.9}, {0.1, 0.4, 0.19},
                                  {4.0, 9.0, 5.99}, {1.5, 0.7, -0.2}};
#define NCASES (sizeof cases / sizeof cases[0])
/* Quadrature needs moderate variances and correlations: erf(sqrt(2q)t) with large q is nearly a
 * step, which polynomial rules resolve slowly.  The Monte Carlo checks use all cases above. */
static const double gh_cases[][3] = {{1.0, 1.0, 0.3}, {0.5, 2.0, -0.7}, {1.0, 0.2, 0.0},
                                     {1.0, 1.0, 1.0}, {0.1, 0.4, 0.19}, {1.5, 0.7, -0.2},
                                     {0.3, 0.3, -0.25}};
#define NGH (sizeof gh_cases / sizeof gh_cases[0])

static void check_against_gh(closed_fn fn, ntkb_activation_fn f, ntkb_activation_fn fp,
                             size_t D, double tol_s, double tol_d, double abs_d)
{
    ntkb_dual_gh *rule;
    assert_int_equal(ntkb_dual_gh_alloc(D, &rule), NTKB_OK);
    for (size_t k = 0; k < NGH; k++) {
        double q = gh_cases[k][0], q2 = gh_cases[k][1], c = gh_cases[k][2];
        double s, sd, gs, gsd = 0;
        fn(q, q2, c, &s, &sd);
        if (!fp)
            sd = 0; /* σ' not compared */
        assert_int_equal(ntkb_dual_gh_eval(rule, f, fp, NULL, q, q2, c, &gs, &gsd), NTKB_OK);
        if (!ntkb_test_close(s, gs, tol_s, abs_d) || !ntkb_test_close(sd, gsd, tol_d, abs_d))
            fail_msg("case %zu (q=%g q2=%g c=%g): closed %.17g %.17g, GH(%zu) %.17g %.17g", k, q,
                     q2, c, s, sd, D, gs, gsd);
    }
    ntkb_dual_gh_free(rule);
}

static void test_erf_vs_gh(void **state)
{
    (void)state;
    check_against_gh(ntkb_dual_erf, ntkb_act_erf, ntkb_act_erf_prime, 60, 1e-9, 1e-9, 1e-14);
}

static void test_gelu_vs_gh(void **state)
{
    (void)state;
    check_against_gh(ntkb_dual_gelu, ntkb_act_gelu, ntkb_act_gelu_prime, 80, 1e-10, 1e-10, 1e-14);
}

static void test_relu_vs_gh(void **state)
{
    (void)state;
    /* The kink makes Gauss–Hermite converge slowly, and the step function
     * σ' so slowly (O(1/D)) that only Monte Carlo checks sigma_dot. */
    check_against_gh(ntkb_dual_relu, ntkb_act_relu, NULL, 120, 1e-2, 0.0, 1e-3);
}

static void check_mc(closed_fn fn, ntkb_activation_fn f, ntkb_activation_fn fp)
{
    const size_t N = 400000;
    for (size_t k = 0; k < NCASES; k++) {
        double q = cases[k][0], q2 = cases[k][1], c = cases[k][2];
        /* v = (c/q) u + sqrt(q2 - c²/q) z */
        double cond = q2 - c * c / q;
        cond = cond > 0 ? cond : 0;
        double m1 = 0, m2 = 0, d1 = 0, d2 = 0;
        for (size_t i = 0; i < N; i++) {
            double u = sqrt(q) * gauss();
            double v = (c / q) * u + sqrt(cond) * gauss();
            double a = f(u, NULL) * f(v, NULL), b = fp(u, NULL) * fp(v, NULL);
            m1 += a; m2 += a * a; d1 += b; d2 += b * b;
        }
        m1 /= N; d1 /= N;
        double se_s = sqrt((m2 / N - m1 * m1) / N), se_d = sqrt((d2 / N - d1 * d1) / N);
        double s, sd;
        fn(q, q2, c, &s, &sd);
        if (fabs(s - m1) > 5 * se_s + 1e-12 || fabs(sd - d1) > 5 * se_d + 1e-12)
            fail_msg("case %zu: closed %.8g %.8g, MC %.8g±%.2g %.8g±%.2g", k, s, sd, m1, se_s, d1,
                     se_d);
    }
}

static void test_relu_mc(void **state)
{
    (void)state;
    check_mc(ntkb_dual_relu, ntkb_act_relu, ntkb_act_relu_prime);
}

static void test_erf_mc(void **state)
{
    (void)state;
    check_mc(ntkb_dual_erf, ntkb_act_erf, ntkb_act_erf_prime);
}

static void test_gelu_mc(void **state)
{
    (void)state;
    check_mc(ntkb_dual_gelu, ntkb_act_gelu, ntkb_act_gelu_prime);
}

static void test_relu_special_values(void **state)
{
    (void)state;
    double s, sd;
    ntkb_dual_relu(2.5, 2.5, 2.5 * (1 + 1e-15), &s, &sd); /* ρ slightly above 1: clipped */
    assert_close(s, 1.25, 1e-14);
    assert_close(sd, 0.5, 1e-14);
    ntkb_dual_relu(1.0, 4.0, -2.0, &s, &sd); /* ρ = -1 */
    assert_close(s + 1.0, 1.0, 1e-15);
    assert_close(sd + 1.0, 1.0, 1e-15);
    ntkb_dual_relu(1.0, 1.0, 0.0, &s, &sd); /* ρ = 0: 1/(2π), 1/4 */
    assert_close(s, 1.0 / (2 * M_PI), 1e-15);
    assert_close(sd, 0.25, 1e-15);
    ntkb_dual_relu(0.0, 1.0, 0.0, &s, &sd); /* zero variance: no NaN */
    assert_true(s == 0.0 && isfinite(sd));
    /* GeLU diagonal: E[gelu(u)²] for u ~ N(0, 1) from a 1-D quadrature-free identity check:
     * the dual is symmetric in (q, q2). */
    double a, b, a2, b2;
    ntkb_dual_gelu(0.7, 1.9, 0.4, &a, &b);
    ntkb_dual_gelu(1.9, 0.7, 0.4, &a2, &b2);
    assert_close(a, a2, 1e-15);
    assert_close(b, b2, 1e-15);
}

static void test_relu_layer(void **state)
{
    (void)state;
    enum { N = 203 };
    double sig[N], th[N], sa[N], sb[N], ref_s[N], ref_t[N];
    for (int i = 0; i < N; i++) {
        sa[i] = 0.2 + ntkb_rng_uniform(&rng) * 3;
        sb[i] = 0.2 + ntkb_rng_uniform(&rng) * 3;
        double rho = 2 * ntkb_rng_uniform(&rng) - 1;
        if (i % 17 == 0) rho = 1 + 1e-15;  /* round-off above 1 */
        if (i % 19 == 0) rho = -1 - 1e-15;
        if (i % 23 == 0) sa[i] = 0.0;      /* zero-padding border */
        sig[i] = rho * sa[i] * sb[i];
        if (i % 23 == 0) sig[i] = 0.0;
        th[i] = ntkb_rng_uniform(&rng) * 5;
        double s, sd;
        ntkb_dual_relu(sa[i] * sa[i], sb[i] * sb[i], sig[i], &s, &sd);
        ref_s[i] = 2 * s;
        ref_t[i] = th[i] * 2 * sd;
    }
    ntkb_dual_relu_layer(N, sig, th, sa, sb, 2.0);
    for (int i = 0; i < N; i++) {
        assert_true(isfinite(sig[i]) && isfinite(th[i]));
        if (!ntkb_test_close(sig[i], ref_s[i], 1e-13, 1e-15) ||
            !ntkb_test_close(th[i], ref_t[i], 1e-13, 1e-15))
            fail_msg("entry %d: %.17g %.17g vs %.17g %.17g (%s)", i, sig[i], th[i], ref_s[i],
                     ref_t[i], ntkb_dual_relu_impl());
    }
}

/* Both array paths against libm on a dense grid of ρ over [-1, 1], including the branch point
 * |ρ| = 1/2 and the ends: with sa = sb = 1 and c_σ = 2π the outputs are the bare factors
 * sqrt(1-ρ²) + (π - acos ρ)ρ and π - acos ρ. */
static void test_relu_layer_accuracy(void **state)
{
    (void)state;
    enum { N = 400003 };
    double *sig = malloc(N * sizeof *sig), *th = malloc(N * sizeof *th);
    double *sig2 = malloc(N * sizeof *sig2), *th2 = malloc(N * sizeof *th2);
    double *one = malloc(N * sizeof *one);
    for (int i = 0; i < N; i++) {
        double r = -1.0 + 2.0 * i / (N - 1);
        if (i == 1) r = 0.5;
        if (i == 2) r = -0.5;
        if (i == 3) r = nextafter(0.5, 1.0);
        if (i == 4) r = 1e-300;
        sig[i] = sig2[i] = r;
        th[i] = th2[i] = 1.0;
        one[i] = 1.0;
    }
    ntkb_dual_relu_layer(N, sig, th, one, one, 2 * M_PI);
    ntkb_dual_relu_layer_ref(N, sig2, th2, one, one, 2 * M_PI);
    double worst = 0, worst2 = 0;
    for (int i = 0; i < N; i++) {
        double r = -1.0 + 2.0 * i / (N - 1);
        if (i == 1) r = 0.5;
        if (i == 2) r = -0.5;
        if (i == 3) r = nextafter(0.5, 1.0);
        if (i == 4) r = 1e-300;
        double pt = M_PI - acos(r), k1 = sqrt(1 - r * r) + pt * r;
        worst = fmax(worst, fmax(fabs(sig[i] - k1), fabs(th[i] - pt)));
        worst2 = fmax(worst2, fmax(fabs(sig2[i] - k1), fabs(th2[i] - pt)));
    }
    printf("# %s: max abs error %.3g (reference path %.3g)\n", ntkb_dual_relu_impl(), worst,
           worst2);
    assert_true(worst <= 1e-14);
    assert_true(worst2 <= 1e-14);
    free(sig);
    free(th);
    free(sig2);
    free(th2);
    free(one);
}

static void test_gh_errors(void **state)
{
    (void)state;
    ntkb_dual_gh *rule;
    assert_int_equal(ntkb_dual_gh_alloc(0, &rule), NTKB_EINVAL);
    assert_null(rule);
    assert_int_equal(ntkb_dual_gh_alloc(10, &rule), NTKB_OK);
    assert_int_equal(ntkb_dual_gh_size(rule), 10);
    double s;
    assert_int_equal(ntkb_dual_gh_eval(rule, ntkb_act_erf, NULL, NULL, 1, 1, 2, &s, NULL),
                     NTKB_EINVAL);
    assert_int_equal(ntkb_dual_gh_eval(rule, ntkb_act_erf, NULL, NULL, -1, 1, 0, &s, NULL),
                     NTKB_EINVAL);
    assert_int_equal(ntkb_dual_gh_eval(rule, NULL, NULL, NULL, 1, 1, 0, &s, NULL), NTKB_EINVAL);
    /* q = 0: E[erf(0) erf(v)] = 0 */
    assert_int_equal(ntkb_dual_gh_eval(rule, ntkb_act_erf, NULL, NULL, 0, 1, 0, &s, NULL),
                     NTKB_OK);
    assert_true(fabs(s) < 1e-15);
    ntkb_dual_gh_free(rule);
    ntkb_dual_gh_free(NULL);
}

/* The suites run once per dispatch level (tests/meson.build sets NTKB_ISA): the level used is
 * the CPU's best (from its own feature query here), lowered to the one asked for, so a rerun
 * really exercises that path. */
static void test_isa_level(void **state)
{
    (void)state;
    ntkb_isa best = NTKB_ISA_SCALAR;
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
        best = NTKB_ISA_AVX512;
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        best = NTKB_ISA_AVX2;
#endif
    const char *want = getenv("NTKB_ISA");
    ntkb_isa cap = !want ? best : !strcmp(want, "scalar") ? NTKB_ISA_SCALAR
                                : !strcmp(want, "avx2")   ? NTKB_ISA_AVX2
                                                          : NTKB_ISA_AVX512;
    assert_string_equal(ntkb_isa_name(ntkb_isa_level()), ntkb_isa_name(cap < best ? cap : best));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erf_vs_gh),       cmocka_unit_test(test_gelu_vs_gh),
        cmocka_unit_test(test_relu_vs_gh),      cmocka_unit_test(test_relu_mc),
        cmocka_unit_test(test_erf_mc),          cmocka_unit_test(test_gelu_mc),
        cmocka_unit_test(test_relu_special_values), cmocka_unit_test(test_relu_layer),
        cmocka_unit_test(test_relu_layer_accuracy),
        cmocka_unit_test(test_gh_errors),        cmocka_unit_test(test_isa_level),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
