#include "relu.h"

#include <math.h>

#include "core/acos_poly.h"
#include "gntk_mv.h"

#define PI_D NTKB_PI
#define INV_PI 0.31830988618379067154

/* π − acos(x) for a clipped x, on the GNTK fit of the shared engine. */
static inline double pi_minus_acos(double x)
{
    return ntkb_acos_pi_minus(x, NTKB_ACOS_P_GNTK, NULL, NULL, NULL);
}

/* κ0 and κ1 in the official operation order (see ntkb_gntk_relu_row). */
static inline void kappa_scalar(double x, double *k0, double *k1)
{
    double pt = pi_minus_acos(x);
    *k0 = pt * INV_PI;
    *k1 = (x * pt + sqrt(1.0 - x * x)) / PI_D;
}

void NTKB_MV(ntkb_gntk_kappa)(double rho, double *k0, double *k1)
{
    kappa_scalar(rho, k0, k1);
}

#ifdef NTKB_ACOS_AVX512
static inline __m512d pi_minus_acos8(__m512d x)
{
    return ntkb_acos_pi_minus8(x, NTKB_ACOS_P_GNTK, NULL, NULL, NULL);
}

/* a / b correctly rounded without a division (Markstein): y = RN(1/b), q = RN(a·y) is within
 * one ulp of a/b, the residual a − b·q is exact through an FMA, and RN(q + r·y) = RN(a/b). */
static inline __m512d div_rn(__m512d a, __m512d b, __m512d y)
{
    __m512d q = _mm512_mul_pd(a, y);
    __m512d r = _mm512_fnmadd_pd(b, q, a);
    return _mm512_fmadd_pd(r, y, q);
}

/* One row; adds wu·wv[j]·(new Θ_j or Σ_j) into *accp (no horizontal reduction). */
static inline void relu_row8(size_t m, double *restrict sig, double *restrict theta, double inv_du,
                             double du, const double *restrict inv_dv, const double *restrict dv,
                             const double *restrict wv, double wu, int exact, __m512d *accp)
{
    /* Σ-path operations in the official order (gntk.py __next): ρ = (Σ / d_u) / d'_v and
     * Σ ← ((ρ·(π − θ) + sqrt(1 − ρ·ρ)) / π · d_u) · d'_v, each division correctly rounded, so
     * that entries at ρ ≈ 1, where κ0 = 1 − acos(ρ)/π has an infinite slope, round as in the
     * reference.  inv_du and inv_dv must be the correctly rounded reciprocals of du and dv. */
    const __m512d vdu = _mm512_set1_pd(du), vidu = _mm512_set1_pd(inv_du);
    const __m512d vpi = _mm512_set1_pd(PI_D), vipi = _mm512_set1_pd(INV_PI);
    const __m512d lo = _mm512_set1_pd(-1.0), hi = _mm512_set1_pd(1.0);
    /* exact: every lane takes the correctly rounded path (faithful mode) */
    const __m512d vthr = _mm512_set1_pd(exact ? -2.0 : 1.0 - 0x1p-30);
    __m512d acc = *accp, vwu = _mm512_set1_pd(wu);
    for (size_t j = 0; j < m; j += 8) {
        __mmask8 mk = m - j >= 8 ? (__mmask8)0xff : (__mmask8)((1u << (m - j)) - 1u);
        __m512d s = _mm512_maskz_loadu_pd(mk, sig + j);
        __m512d vdv = _mm512_mask_loadu_pd(hi, mk, dv + j);
        __m512d vidv = _mm512_mask_loadu_pd(hi, mk, inv_dv + j);
        __m512d x = _mm512_mul_pd(_mm512_mul_pd(s, vidu), vidv);
        /* correctly rounded divisions only where they matter: ρ within ~1e-9 of 1 */
        __mmask8 near = _mm512_mask_cmp_pd_mask(mk, x, vthr, _CMP_GT_OQ);
        if (near)
            x = _mm512_mask_mov_pd(x, near, div_rn(div_rn(s, vdu, vidu), vdv, vidv));
        x = _mm512_min_pd(_mm512_max_pd(x, lo), hi);
        __m512d pt = pi_minus_acos8(x);
        __m512d k0 = _mm512_mul_pd(pt, vipi);
        __m512d sq = _mm512_sqrt_pd(_mm512_sub_pd(hi, _mm512_mul_pd(x, x)));
        __m512d num = _mm512_add_pd(_mm512_mul_pd(x, pt), sq);
        __m512d k1 = _mm512_mul_pd(num, vipi);
        if (near)
            k1 = _mm512_mask_mov_pd(k1, near, div_rn(num, vpi, vipi));
        __m512d ns = _mm512_mul_pd(_mm512_mul_pd(k1, vdu), vdv);
        __m512d w = wv ? _mm512_maskz_loadu_pd(mk, wv + j) : _mm512_maskz_mov_pd(mk, hi);
        w = _mm512_mul_pd(w, vwu);
        _mm512_mask_storeu_pd(sig + j, mk, ns);
        if (theta) {
            __m512d t = _mm512_maskz_loadu_pd(mk, theta + j);
            t = _mm512_add_pd(_mm512_mul_pd(t, k0), ns);
            _mm512_mask_storeu_pd(theta + j, mk, t);
            acc = _mm512_fmadd_pd(t, w, acc);
        } else {
            acc = _mm512_fmadd_pd(ns, w, acc);
        }
    }
    *accp = acc;
}

double NTKB_MV(ntkb_gntk_relu_row)(size_t m, double *restrict sig, double *restrict theta, double inv_du,
                          double du, const double *restrict inv_dv, const double *restrict dv,
                          const double *restrict wv)
{
    __m512d acc = _mm512_setzero_pd();
    relu_row8(m, sig, theta, inv_du, du, inv_dv, dv, wv, 1.0, 1, &acc);
    return _mm512_reduce_add_pd(acc);
}

double NTKB_MV(ntkb_gntk_relu_block)(size_t nr, size_t nc, double *restrict sig, double *restrict theta,
                            const double *inv_dr, const double *dr, const double *inv_dc,
                            const double *dc, const double *wr, const double *wc, int exact)
{
    __m512d acc = _mm512_setzero_pd();
    for (size_t u = 0; u < nr; u++)
        relu_row8(nc, sig + u * nc, theta ? theta + u * nc : NULL, inv_dr[u], dr[u], inv_dc, dc,
                  wc, wr ? wr[u] : 1.0, exact, &acc);
    return _mm512_reduce_add_pd(acc);
}

const char *NTKB_MV(ntkb_gntk_relu_impl)(void)
{
    return "avx512";
}
#else
double NTKB_MV(ntkb_gntk_relu_row)(size_t m, double *restrict sig, double *restrict theta, double inv_du,
                          double du, const double *restrict inv_dv, const double *restrict dv,
                          const double *restrict wv)
{
    (void)inv_du;
    (void)inv_dv;
    double acc = 0.0;
    for (size_t j = 0; j < m; j++) {
        double x = sig[j] / du / dv[j];
        x = x < -1.0 ? -1.0 : (x > 1.0 ? 1.0 : x);
        double k0, k1;
        kappa_scalar(x, &k0, &k1);
        double ns = k1 * du * dv[j];
        sig[j] = ns;
        double w = wv ? wv[j] : 1.0;
        if (theta) {
            theta[j] = theta[j] * k0 + ns;
            acc += w * theta[j];
        } else {
            acc += w * ns;
        }
    }
    return acc;
}

double NTKB_MV(ntkb_gntk_relu_block)(size_t nr, size_t nc, double *restrict sig, double *restrict theta,
                            const double *inv_dr, const double *dr, const double *inv_dc,
                            const double *dc, const double *wr, const double *wc, int exact)
{
    (void)exact; /* the portable path always divides */
    double acc = 0.0;
    for (size_t u = 0; u < nr; u++)
        acc += (wr ? wr[u] : 1.0) * NTKB_MV(ntkb_gntk_relu_row)(nc, sig + u * nc,
                                                       theta ? theta + u * nc : NULL, inv_dr[u],
                                                       dr[u], inv_dc, dc, wc);
    return acc;
}

const char *NTKB_MV(ntkb_gntk_relu_impl)(void)
{
    return "portable";
}
#endif

double NTKB_MV(ntkb_gntk_relu_row_ref)(size_t m, double *sig, double *theta, double du, const double *dv)
{
    double acc = 0.0;
    for (size_t j = 0; j < m; j++) {
        /* the official operation order (gntk.py __next): no fused multiply-adds */
        volatile double x = sig[j] / du / dv[j];
        x = x < -1.0 ? -1.0 : (x > 1.0 ? 1.0 : x);
        volatile double pt = PI_D - acos(x);
        volatile double k0 = pt / PI_D;
        volatile double xx = x * x;
        volatile double num = x * pt;
        num = num + sqrt(1.0 - xx);
        volatile double k1 = num / PI_D;
        volatile double ns = k1 * du;
        ns = ns * dv[j];
        sig[j] = ns;
        if (theta) {
            volatile double t = theta[j] * k0;
            theta[j] = t + ns;
            acc += theta[j];
        } else {
            acc += ns;
        }
    }
    return acc;
}
