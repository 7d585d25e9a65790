/* ntkbench core (internal): the one vectorised π − acos engine behind the ReLU duals of the GNTK
 * (gntk/relu.c) and of the CNTK and FC layers (core/dual_layer.c).
 *
 * One range reduction maps a clipped correlation x ∈ [−1, 1] to z ∈ [0, 1/4]:
 *     |x| ≤ 1/2:  z = x²,            s = |x|,   asin|x| = s + s·z·P(z)
 *     |x| > 1/2:  z = (1 − |x|)/2,   s = √z,    acos|x| = 2(s + s·z·P(z))
 * with P(z) = (asin √z − √z)/z^{3/2} as a degree-11 polynomial, so π − acos x costs one hardware
 * sqrt, eleven FMAs and a blend, with no branch.  Callers that also need sqrt(1 − x²) can reuse
 * (z, s, big): sqrt(1 − x²) = Q(z) for small |x| and 2 s Q(z) otherwise, Q(z) = sqrt(1 − z).
 *
 * Two fits of P live here.  NTKB_ACOS_P_GNTK (Chebyshev least squares, relative error 2e-13 on P,
 * ≤ 1e-14 on asin) is the one the GNTK Grams have always been computed with; NTKB_ACOS_P_DUAL
 * (relative least squares on 4,000 Chebyshev nodes against long-double series, 3.3e-15) is the
 * one of the CNTK and FC layers.  Both are kept so that every Gram stays bit-identical to the
 * ones already published; tests/test_dual.c and tests/test_gntk.c bound each against libm.
 *
 * The 8-lane forms exist when the translation unit is compiled for AVX-512F/DQ.
 */
#ifndef NTKB_CORE_ACOS_POLY_H
#define NTKB_CORE_ACOS_POLY_H

#include <math.h>

#define NTKB_PI 3.14159265358979323846

static const double NTKB_ACOS_P_GNTK[12] = {
    0.16666666666666663,  0.07500000000018639,   0.044642857104529379, 0.030381947363270493,
    0.02237204646326239,  0.017355298963600153,  0.013929044086948146, 0.011880987754293925,
    0.007772752358844265, 0.016135406760843931,  -0.010932015849276866, 0.028311892606101983};
static const double NTKB_ACOS_P_DUAL[12] = {
    0.1666666666666663,   0.075000000000282174,  0.044642857101119232, 0.03038194723628505,
    0.022372056570069177, 0.017355040877482637,  0.0139325790861046,   0.01185183131858621,
    0.0079220788174663315, 0.015669985048055255, -0.010122739731512918, 0.027709499479571166};
/* Q(z) = sqrt(1 − z) on [0, 1/4], for NTKB_ACOS_P_DUAL's callers. */
static const double NTKB_ACOS_Q_DUAL[12] = {
    1.0000000000000007,   -0.50000000000046108,  -0.12499999993327381, -0.06250000410107287,
    -0.039062359154142919, -0.027346751289650119, -0.020466276013499204, -0.016493928893765566,
    -0.010782324974194697, -0.019971475910061039, 0.012255365278736392, -0.034064519157443407};

/* Horner's rule for a degree-11 polynomial c[0] + c[1] z + … + c[11] z¹¹. */
static inline double ntkb_acos_horner(const double c[12], double z)
{
    double p = c[11];
    for (int k = 10; k >= 0; k--)
        p = fma(p, z, c[k]);
    return p;
}

/* π − acos x for a clipped x, with the reduction (z, s, big) for callers that want it
 * (any of the three pointers may be NULL). */
static inline double ntkb_acos_pi_minus(double x, const double c[12], double *z_out,
                                        double *s_out, int *big_out)
{
    double ax = fabs(x);
    int big = ax > 0.5;
    double z = big ? 0.5 * (1.0 - ax) : x * x;
    double s = big ? sqrt(z) : ax;
    double a = fma(s * z, ntkb_acos_horner(c, z), s); /* asin s */
    if (z_out)
        *z_out = z;
    if (s_out)
        *s_out = s;
    if (big_out)
        *big_out = big;
    return big ? (x > 0.0 ? NTKB_PI - 2.0 * a : 2.0 * a) : 0.5 * NTKB_PI + copysign(a, x);
}

#if defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>
#define NTKB_ACOS_AVX512 1

static inline __m512d ntkb_acos_horner8(const double c[12], __m512d z)
{
    __m512d p = _mm512_set1_pd(c[11]);
    for (int k = 10; k >= 0; k--)
        p = _mm512_fmadd_pd(p, z, _mm512_set1_pd(c[k]));
    return p;
}

/* 8 lanes of ntkb_acos_pi_minus: both branches computed and blended. */
static inline __m512d ntkb_acos_pi_minus8(__m512d x, const double c[12], __m512d *z_out,
                                          __m512d *s_out, __mmask8 *big_out)
{
    const __m512d half = _mm512_set1_pd(0.5);
    __m512d ax = _mm512_abs_pd(x);
    __mmask8 big = _mm512_cmp_pd_mask(ax, half, _CMP_GT_OQ);
    __mmask8 pos = _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_GT_OQ);
    __m512d zb = _mm512_mul_pd(half, _mm512_sub_pd(_mm512_set1_pd(1.0), ax));
    __m512d z = _mm512_mask_blend_pd(big, _mm512_mul_pd(x, x), zb);
    __m512d s = _mm512_mask_sqrt_pd(ax, big, zb);
    __m512d a = _mm512_fmadd_pd(_mm512_mul_pd(s, z), ntkb_acos_horner8(c, z), s);
    __m512d sign = _mm512_and_pd(x, _mm512_set1_pd(-0.0));
    __m512d pt_small = _mm512_add_pd(_mm512_set1_pd(0.5 * NTKB_PI), _mm512_or_pd(a, sign));
    __m512d a2 = _mm512_add_pd(a, a);
    __m512d pt_big = _mm512_mask_sub_pd(a2, pos, _mm512_set1_pd(NTKB_PI), a2);
    if (z_out)
        *z_out = z;
    if (s_out)
        *s_out = s;
    if (big_out)
        *big_out = big;
    return _mm512_mask_blend_pd(big, pt_small, pt_big);
}
#endif

#endif
