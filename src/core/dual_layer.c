/* The array ReLU layer of the CNTK and FC recursions (see dual.h), on the shared π − acos engine
 * of acos_poly.h: the range reduction that gives acos also gives sqrt(1 − ρ²) = Q(z), so each
 * entry costs one hardware sqrt.  AVX-512 when the file is compiled for it, else a branch-free
 * scalar loop that GCC can vectorise.  Compiled once per ISA level (core/isa.h). */
#include "dual.h"

#include <math.h>

#include "acos_poly.h"
#include "dual_mv.h"
#include "ntkb_config.h"

#if defined(NTKB_ACOS_AVX512) && NTKB_HAVE_SLEEF
#include <sleef.h>
#define DUAL_SLEEF8 1
#endif

static inline double clip1(double x)
{
    return x < -1.0 ? -1.0 : (x > 1.0 ? 1.0 : x);
}

/* Scalar, branch-free form of one entry. */
static inline void relu_poly1(double *sig, double *theta, double sa, double sb, double half_c)
{
    double n = sa * sb;
    double x = n > 0.0 ? clip1(*sig / n) : 0.0;
    double z, s;
    int big;
    double pt = ntkb_acos_pi_minus(x, NTKB_ACOS_P_DUAL, &z, &s, &big);
    double q = ntkb_acos_horner(NTKB_ACOS_Q_DUAL, z);
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
    double pt = NTKB_PI - acos(rho);
    *sig = half_c * n * (sqrt(1.0 - rho * rho) + pt * rho);
    if (theta)
        *theta *= half_c * pt;
}

#ifdef NTKB_ACOS_AVX512
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

/* 8 lanes of relu_poly1. */
static inline void relu8_poly(__mmask8 mk, double *sig, double *theta, const double *sa,
                              const double *sb, __m512d vh)
{
    __m512d nn, x = load_rho(mk, sig, sa, sb, &nn), z, s;
    __mmask8 big;
    __m512d pt = ntkb_acos_pi_minus8(x, NTKB_ACOS_P_DUAL, &z, &s, &big);
    __m512d q = ntkb_acos_horner8(NTKB_ACOS_Q_DUAL, z);
    __m512d sq = _mm512_mask_mul_pd(q, big, _mm512_add_pd(s, s), q);
    store_layer(mk, sig, theta, vh, nn, x, pt, sq);
}

#ifdef DUAL_SLEEF8
/* 8 lanes through SLEEF's acos (≤ 3.5 ulp) and a hardware sqrt: the reference fast path. */
static inline void relu8_sleef(__mmask8 mk, double *sig, double *theta, const double *sa,
                               const double *sb, __m512d vh)
{
    __m512d nn, x = load_rho(mk, sig, sa, sb, &nn);
    __m512d pt = _mm512_sub_pd(_mm512_set1_pd(NTKB_PI), Sleef_acosd8_u35(x));
    __m512d sq = _mm512_sqrt_pd(_mm512_fnmadd_pd(x, x, _mm512_set1_pd(1.0)));
    store_layer(mk, sig, theta, vh, nn, x, pt, sq);
}
#endif

#define LAYER_LOOP(BODY8)                                                                         \
    const __m512d vh = _mm512_set1_pd(c_sigma / (2.0 * NTKB_PI));                                \
    size_t i = 0;                                                                                 \
    for (; i + 8 <= n; i += 8)                                                                    \
        BODY8((__mmask8)0xff, sig + i, theta ? theta + i : NULL, sa + i, sb + i, vh);            \
    if (i < n) /* masked tail: short GAP rows stay vectorised */                                 \
        BODY8((__mmask8)((1u << (n - i)) - 1u), sig + i, theta ? theta + i : NULL, sa + i,       \
              sb + i, vh)

void NTKB_MV(ntkb_dual_relu_layer)(size_t n, double *sig, double *theta, const double *sa,
                          const double *sb, double c_sigma)
{
    LAYER_LOOP(relu8_poly);
}

#ifdef DUAL_SLEEF8
void NTKB_MV(ntkb_dual_relu_layer_ref)(size_t n, double *sig, double *theta, const double *sa,
                              const double *sb, double c_sigma)
{
    LAYER_LOOP(relu8_sleef);
}
#endif

const char *NTKB_MV(ntkb_dual_relu_impl)(void)
{
    return "poly-avx512";
}

#else
void NTKB_MV(ntkb_dual_relu_layer)(size_t n, double *sig, double *theta, const double *sa,
                          const double *sb, double c_sigma)
{
    const double half_c = c_sigma / (2.0 * NTKB_PI);
    for (size_t i = 0; i < n; i++)
        relu_poly1(sig + i, theta ? theta + i : NULL, sa[i], sb[i], half_c);
}

const char *NTKB_MV(ntkb_dual_relu_impl)(void)
{
    return "poly-portable";
}
#endif

#ifndef DUAL_SLEEF8
void NTKB_MV(ntkb_dual_relu_layer_ref)(size_t n, double *sig, double *theta, const double *sa,
                              const double *sb, double c_sigma)
{
    const double half_c = c_sigma / (2.0 * NTKB_PI);
    for (size_t i = 0; i < n; i++)
        relu_libm1(sig + i, theta ? theta + i : NULL, sa[i], sb[i], half_c);
}
#endif
