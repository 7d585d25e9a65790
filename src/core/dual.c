/* Activation duals: closed forms for ReLU, erf and GeLU, Gauss–Hermite for the rest, and the
 * vectorised ReLU layer used by the CNTK (ALGORITHMS.md §0). */
#include "dual.h"

#include <math.h>
#include <stdlib.h>

#include <lapacke.h>

#include "ntkb_config.h"

#if defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>
#define DUAL_AVX512 1
#if NTKB_HAVE_SLEEF
#include <sleef.h>
#define DUAL_SLEEF8 1
#endif
#endif

#define PI_D 3.14159265358979323846

static inline double clip1(double x)
{
    return x < -1.0 ? -1.0 : (x > 1.0 ? 1.0 : x);
}

void ntkb_dual_relu(double q, double q2, double c, double *sigma, double *sigma_dot)
{
    double s = sqrt(q * q2);
    double rho = s > 0.0 ? clip1(c / s) : 0.0;
    double pt = PI_D - acos(rho);
    if (sigma)
        *sigma = s * (sqrt(1.0 - rho * rho) + pt * rho) / (2.0 * PI_D);
    if (sigma_dot)
        *sigma_dot = pt / (2.0 * PI_D);
}

void ntkb_dual_erf(double q, double q2, double c, double *sigma, double *sigma_dot)
{
    double p = (1.0 + 2.0 * q) * (1.0 + 2.0 * q2);
    if (sigma)
        *sigma = (2.0 / PI_D) * asin(clip1(2.0 * c / sqrt(p)));
    if (sigma_dot) {
        double d = p - 4.0 * c * c;
        /* d ≥ 1 + 2(q + q2) > 0 mathematically (|c| ≤ sqrt(q q2)); guard round-off only. */
        *sigma_dot = (4.0 / PI_D) / sqrt(d > 0.0 ? d : 0.0);
    }
}

void ntkb_dual_gelu(double q, double q2, double c, double *sigma, double *sigma_dot)
{
    double p = q * q2, p1 = (1.0 + q) * (1.0 + q2);
    double d2 = p1 - c * c;
    /* δ² ≥ 1 + q + q2 > 0 when |c| ≤ sqrt(q q2). */
    double d = sqrt(d2 > 0.0 ? d2 : 0.0);
    double a = atan2(c, d);
    if (sigma)
        *sigma = c / 4.0 + ((c * c + p * d2) / (p1 * d) + c * a) / (2.0 * PI_D);
    if (sigma_dot)
        *sigma_dot = 0.25 + a / (2.0 * PI_D) +
                     (c / (2.0 * PI_D * d)) * (1.0 / d2 + (1.0 - p) / p1 + 1.0);
}

double ntkb_act_relu(double x, void *params)
{
    (void)params;
    return x > 0.0 ? x : 0.0;
}

double ntkb_act_relu_prime(double x, void *params)
{
    (void)params;
    return x > 0.0 ? 1.0 : 0.0;
}

double ntkb_act_erf(double x, void *params)
{
    (void)params;
    return erf(x);
}

double ntkb_act_erf_prime(double x, void *params)
{
    (void)params;
    return 2.0 / sqrt(PI_D) * exp(-x * x);
}

double ntkb_act_gelu(double x, void *params)
{
    (void)params;
    return x * 0.5 * erfc(-x / sqrt(2.0));
}

double ntkb_act_gelu_prime(double x, void *params)
{
    (void)params;
    return 0.5 * erfc(-x / sqrt(2.0)) + x * exp(-0.5 * x * x) / sqrt(2.0 * PI_D);
}

struct ntkb_dual_gh {
    size_t d;
    double *t, *w;
};

ntkb_status ntkb_dual_gh_alloc(size_t D, ntkb_dual_gh **out)
{
    *out = NULL;
    if (D == 0)
        return ntkb_error(NTKB_EINVAL, "Gauss-Hermite rule: D must be at least 1");
    ntkb_dual_gh *r = calloc(1, sizeof *r);
    if (!r)
        return ntkb_error(NTKB_ENOMEM, "Gauss-Hermite rule: out of memory");
    r->d = D;
    r->t = malloc(D * sizeof *r->t);
    r->w = malloc(D * sizeof *r->w);
    double *offd = malloc((D > 1 ? D - 1 : 1) * sizeof *offd), *z = malloc(D * D * sizeof *z);
    if (!r->t || !r->w || !offd || !z) {
        free(offd);
        free(z);
        ntkb_dual_gh_free(r);
        return ntkb_error(NTKB_ENOMEM, "Gauss-Hermite rule of %zu nodes: out of memory", D);
    }
    /* Golub–Welsch: the nodes are the eigenvalues of the Jacobi matrix of the physicists'
     * Hermite recurrence (zero diagonal, off-diagonal sqrt(k/2)), the weights sqrt(π) times the
     * squared first components of the unit eigenvectors. */
    for (size_t k = 0; k < D; k++)
        r->t[k] = 0.0;
    for (size_t k = 1; k < D; k++)
        offd[k - 1] = sqrt(0.5 * (double)k);
    lapack_int info = LAPACKE_dstev(LAPACK_COL_MAJOR, 'V', (lapack_int)D, r->t, offd, z,
                                    (lapack_int)D);
    for (size_t k = 0; info == 0 && k < D; k++)
        r->w[k] = sqrt(PI_D) * z[k * D] * z[k * D];
    free(offd);
    free(z);
    if (info != 0) {
        ntkb_dual_gh_free(r);
        return ntkb_error(NTKB_ENUMERIC, "Gauss-Hermite rule of %zu nodes: LAPACK dstev failed "
                          "(info %d)", D, (int)info);
    }
    *out = r;
    return NTKB_OK;
}

void ntkb_dual_gh_free(ntkb_dual_gh *rule)
{
    if (!rule)
        return;
    free(rule->t);
    free(rule->w);
    free(rule);
}

size_t ntkb_dual_gh_size(const ntkb_dual_gh *rule)
{
    return rule ? rule->d : 0;
}

/* (1/π) Σ_ij w_i w_j g(u_i) g(v_ij) for one function g. */
static double gh_expect(const ntkb_dual_gh *r, ntkb_activation_fn g, void *params, double q,
                        double q2, double c)
{
    const size_t D = r->d;
    double acc = 0.0;
    if (q <= 0.0) { /* u ≡ 0: E[g(0) g(v)] with v ~ N(0, q2) */
        for (size_t j = 0; j < D; j++)
            acc += r->w[j] * g(sqrt(2.0 * q2) * r->t[j], params);
        return g(0.0, params) * acc / sqrt(PI_D);
    }
    double cond = q2 - c * c / q;
    double sv = sqrt(2.0 * (cond > 0.0 ? cond : 0.0));
    double su = sqrt(2.0 * q);
    for (size_t i = 0; i < D; i++) {
        double u = su * r->t[i];
        double gu = g(u, params);
        if (gu == 0.0)
            continue; /* half the nodes for ReLU-like activations */
        double inner = 0.0;
        for (size_t j = 0; j < D; j++)
            inner += r->w[j] * g((c / q) * u + sv * r->t[j], params);
        acc += r->w[i] * gu * inner;
    }
    return acc / PI_D;
}

ntkb_status ntkb_dual_gh_eval(const ntkb_dual_gh *rule, ntkb_activation_fn f,
                              ntkb_activation_fn fprime, void *params, double q, double q2,
                              double c, double *sigma, double *sigma_dot)
{
    if (!rule || !f)
        return ntkb_error(NTKB_EINVAL, "ntkb_dual_gh_eval: NULL rule or activation");
    if (!(q >= 0.0) || !(q2 >= 0.0))
        return ntkb_error(NTKB_EINVAL, "ntkb_dual_gh_eval: negative variance (%g, %g)", q, q2);
    if (fabs(c) > sqrt(q * q2) * (1.0 + 1e-12) + 1e-300)
        return ntkb_error(NTKB_EINVAL, "ntkb_dual_gh_eval: |c| = %g exceeds sqrt(q q2) = %g",
                          fabs(c), sqrt(q * q2));
    if (sigma)
        *sigma = gh_expect(rule, f, params, q, q2, c);
    if (sigma_dot && fprime)
        *sigma_dot = gh_expect(rule, fprime, params, q, q2, c);
    return NTKB_OK;
}

/* ---- the array ReLU layer ----
 * π − acos ρ and sqrt(1 − ρ²) share one range reduction (the GNTK's relu.c uses the same scheme):
 *   |ρ| ≤ 1/2:  z = ρ²,           asin|ρ| = |ρ| + |ρ| z P(z),  sqrt(1 − ρ²) = Q(z)
 *   |ρ| > 1/2:  z = (1 − |ρ|)/2,  s = sqrt z, acos|ρ| = 2(s + s z P(z)), sqrt(1 − ρ²) = 2 s Q(z)
 * with z ∈ [0, 1/4], P(z) = (asin √z − √z)/z^{3/2} and Q(z) = sqrt(1 − z) as degree-11
 * polynomials (relative least squares on 4,000 Chebyshev nodes against the long-double Taylor
 * series of asin and sqrt; max relative error 3.3e-15 and 3.5e-15 on [0, 1/4]).  One hardware
 * sqrt per entry; tests/test_dual.c bounds the result against libm over [−1, 1]. */
static const double PC[12] = {0.1666666666666663,    0.075000000000282174, 0.044642857101119232,
                              0.03038194723628505,   0.022372056570069177, 0.017355040877482637,
                              0.0139325790861046,    0.01185183131858621,  0.0079220788174663315,
                              0.015669985048055255,  -0.010122739731512918, 0.027709499479571166};
static const double QC[12] = {1.0000000000000007,    -0.50000000000046108, -0.12499999993327381,
                              -0.06250000410107287,  -0.039062359154142919, -0.027346751289650119,
                              -0.020466276013499204, -0.016493928893765566, -0.010782324974194697,
                              -0.019971475910061039, 0.012255365278736392, -0.034064519157443407};

/* Scalar, branch-free form (the portable path; GCC can vectorise the loop around it). */
static inline void relu_poly1(double *sig, double *theta, double sa, double sb, double half_c)
{
    double n = sa * sb;
    double x = n > 0.0 ? clip1(*sig / n) : 0.0;
    double ax = fabs(x);
    int big = ax > 0.5;
    double z = big ? 0.5 * (1.0 - ax) : x * x;
    double s = big ? sqrt(z) : ax;
    double p = PC[11], q = QC[11];
    for (int k = 10; k >= 0; k--) {
        p = fma(p, z, PC[k]);
        q = fma(q, z, QC[k]);
    }
    double a = fma(s * z, p, s); /* asin s */
    double pt = big ? (x > 0.0 ? PI_D - 2.0 * a : 2.0 * a) : 0.5 * PI_D + copysign(a, x);
    double sq = big ? 2.0 * s * q : q;
    *sig = half_c * n * fma(pt, x, sq);
    if (theta)
        *theta *= half_c * pt;
}

/* The plain libm form, for the SLEEF-less reference path. */
static inline void relu_libm1(double *sig, double *theta, double sa, double sb, double half_c)
{
    double n = sa * sb;
    double rho = n > 0.0 ? clip1(*sig / n) : 0.0;
    double pt = PI_D - acos(rho);
    *sig = half_c * n * (sqrt(1.0 - rho * rho) + pt * rho);
    if (theta)
        *theta *= half_c * pt;
}

#ifdef DUAL_AVX512
/* Loads 8 lanes (masked) and returns the clipped ρ and the norm product; ρ = 0 where the norm
 * is 0 (zero-padding borders) through a masked divide. */
static inline __m512d load_rho(__mmask8 mk, const double *sig, const double *sa,
                               const double *sb, __m512d *nn)
{
    __m512d s = _mm512_maskz_loadu_pd(mk, sig);
    *nn = _mm512_mul_pd(_mm512_maskz_loadu_pd(mk, sa), _mm512_maskz_loadu_pd(mk, sb));
    __mmask8 pos = _mm512_cmp_pd_mask(*nn, _mm512_setzero_pd(), _CMP_GT_OQ);
    __m512d rho = _mm512_maskz_div_pd(pos, s, *nn);
    return _mm512_min_pd(_mm512_max_pd(rho, _mm512_set1_pd(-1.0)), _mm512_set1_pd(1.0));
}

static inline void store_layer(__mmask8 mk, double *sig, double *theta, __m512d vh, __m512d nn,
                               __m512d x, __m512d pt, __m512d sq)
{
    _mm512_mask_storeu_pd(sig, mk, _mm512_mul_pd(_mm512_mul_pd(vh, nn), _mm512_fmadd_pd(pt, x, sq)));
    if (theta) {
        __m512d t = _mm512_maskz_loadu_pd(mk, theta);
        _mm512_mask_storeu_pd(theta, mk, _mm512_mul_pd(t, _mm512_mul_pd(vh, pt)));
    }
}

/* 8 lanes of the layer through the polynomials above, both branches computed and blended. */
static inline void relu8_poly(__mmask8 mk, double *sig, double *theta, const double *sa,
                              const double *sb, __m512d vh)
{
    __m512d nn, x = load_rho(mk, sig, sa, sb, &nn);
    const __m512d half = _mm512_set1_pd(0.5);
    __m512d ax = _mm512_abs_pd(x);
    __mmask8 big = _mm512_cmp_pd_mask(ax, half, _CMP_GT_OQ);
    __mmask8 pos = _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_GT_OQ);
    __m512d zb = _mm512_mul_pd(half, _mm512_sub_pd(_mm512_set1_pd(1.0), ax));
    __m512d z = _mm512_mask_blend_pd(big, _mm512_mul_pd(x, x), zb);
    __m512d s = _mm512_mask_sqrt_pd(ax, big, zb);
    __m512d p = _mm512_set1_pd(PC[11]), q = _mm512_set1_pd(QC[11]);
    for (int k = 10; k >= 0; k--) {
        p = _mm512_fmadd_pd(p, z, _mm512_set1_pd(PC[k]));
        q = _mm512_fmadd_pd(q, z, _mm512_set1_pd(QC[k]));
    }
    __m512d a = _mm512_fmadd_pd(_mm512_mul_pd(s, z), p, s);
    __m512d sign = _mm512_and_pd(x, _mm512_set1_pd(-0.0));
    __m512d pt_small = _mm512_add_pd(_mm512_set1_pd(0.5 * PI_D), _mm512_or_pd(a, sign));
    __m512d a2 = _mm512_add_pd(a, a);
    __m512d pt_big = _mm512_mask_sub_pd(a2, pos, _mm512_set1_pd(PI_D), a2);
    __m512d pt = _mm512_mask_blend_pd(big, pt_small, pt_big);
    __m512d sq = _mm512_mask_mul_pd(q, big, _mm512_add_pd(s, s), q);
    store_layer(mk, sig, theta, vh, nn, x, pt, sq);
}

#ifdef DUAL_SLEEF8
/* 8 lanes through SLEEF's acos (≤ 3.5 ulp) and a hardware sqrt: the reference fast path. */
static inline void relu8_sleef(__mmask8 mk, double *sig, double *theta, const double *sa,
                               const double *sb, __m512d vh)
{
    __m512d nn, x = load_rho(mk, sig, sa, sb, &nn);
    __m512d pt = _mm512_sub_pd(_mm512_set1_pd(PI_D), Sleef_acosd8_u35(x));
    __m512d sq = _mm512_sqrt_pd(_mm512_fnmadd_pd(x, x, _mm512_set1_pd(1.0)));
    store_layer(mk, sig, theta, vh, nn, x, pt, sq);
}
#endif

#define LAYER_LOOP(BODY8)                                                                         \
    const __m512d vh = _mm512_set1_pd(c_sigma / (2.0 * PI_D));                                   \
    size_t i = 0;                                                                                 \
    for (; i + 8 <= n; i += 8)                                                                    \
        BODY8((__mmask8)0xff, sig + i, theta ? theta + i : NULL, sa + i, sb + i, vh);            \
    if (i < n) /* masked tail: short GAP rows stay vectorised */                                 \
        BODY8((__mmask8)((1u << (n - i)) - 1u), sig + i, theta ? theta + i : NULL, sa + i,       \
              sb + i, vh)

void ntkb_dual_relu_layer(size_t n, double *sig, double *theta, const double *sa,
                          const double *sb, double c_sigma)
{
    LAYER_LOOP(relu8_poly);
}

#ifdef DUAL_SLEEF8
void ntkb_dual_relu_layer_ref(size_t n, double *sig, double *theta, const double *sa,
                              const double *sb, double c_sigma)
{
    LAYER_LOOP(relu8_sleef);
}
#endif

const char *ntkb_dual_relu_impl(void)
{
    return "poly-avx512";
}
#endif

#ifndef DUAL_AVX512
void ntkb_dual_relu_layer(size_t n, double *sig, double *theta, const double *sa,
                          const double *sb, double c_sigma)
{
    const double half_c = c_sigma / (2.0 * PI_D);
    for (size_t i = 0; i < n; i++)
        relu_poly1(sig + i, theta ? theta + i : NULL, sa[i], sb[i], half_c);
}

const char *ntkb_dual_relu_impl(void)
{
    return "poly-portable";
}
#endif

#ifndef DUAL_SLEEF8
void ntkb_dual_relu_layer_ref(size_t n, double *sig, double *theta, const double *sa,
                              const double *sb, double c_sigma)
{
    const double half_c = c_sigma / (2.0 * PI_D);
    for (size_t i = 0; i < n; i++)
        relu_libm1(sig + i, theta ? theta + i : NULL, sa[i], sb[i], half_c);
}
#endif
