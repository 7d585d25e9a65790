/* ntkbench gntk: the ReLU-MLP layer of the GNTK recursion, vectorised (docs/algorithms.md).
 *
 * For one row of the cross covariance Σ (row node u of graph G against the m nodes of G') and
 * the running NTK Θ, one layer computes, entry-wise,
 *     ρ  = clip(Σ / (d_u d'_v), -1, 1)
 *     Σ  ← d_u d'_v κ1(ρ),   Θ ← Θ κ0(ρ) + Σ
 * with the c_σ = 2 arc-cosine duals κ0(ρ) = (π − acos ρ)/π and
 * κ1(ρ) = (sqrt(1 − ρ²) + (π − acos ρ) ρ)/π.
 *
 * The Σ path follows the official operation order (gntk.py __next): ρ = (Σ / d_u) / d'_v,
 * Σ ← ((ρ·(π − θ) + sqrt(1 − ρ·ρ)) / π · d_u) · d'_v, the divisions correctly rounded (the
 * AVX-512 path forms them with FMAs from the correctly rounded reciprocals, Markstein's method;
 * in fast mode only for ρ > 1 − 2⁻³⁰, see ntkb_gntk_relu_block).
 * Why: at ρ ≈ 1, κ0 has an infinite slope, so a 1-ulp change of ρ moves κ0 by ~5e-9; with the
 * same operations the depth-1 MUTAG Grams agree with the official ones to ~1e-15.
 *
 * π − acos ρ comes from one range reduction (z = ρ² for |ρ| ≤ 1/2, z = (1 − |ρ|)/2 otherwise, so
 * z ∈ [0, 1/4]) and a degree-11 polynomial for (asin s − s)/s³ in z (Chebyshev least squares,
 * relative error 2e-13 on that quotient, ≤ 1e-14 on asin), plus one sqrt.  Error bound, checked
 * against libm over [-1, 1] by tests/test_gntk.c: |Δκ0|, |Δκ1| ≤ 2e-15 absolute.  No SLEEF:
 * Sleef_acosd8_u10 alone costs ~3 ns per element here, this whole layer ~1.6 ns.
 */
#ifndef NTKB_GNTK_RELU_H
#define NTKB_GNTK_RELU_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One ReLU layer on one row, in place.
 * m: row length; sig, theta: the row of Σ and Θ (theta may be NULL: Σ only, as in the diagonal
 * pass); inv_du, du: 1/d_u and d_u of the row node; inv_dv, dv: the m column values; wv: column
 * weights for the returned sum (class sizes of the quotient), NULL for all ones.
 * Returns Σ_j wv[j]·Θ_j after the update (Σ_j wv[j]·Σ_j when theta is NULL).
 * Time complexity: O(m). */
double ntkb_gntk_relu_row(size_t m, double *restrict sig, double *restrict theta, double inv_du,
                          double du, const double *restrict inv_dv, const double *restrict dv,
                          const double *restrict wv);

/* One layer on a whole nr×nc row-major block: row u uses (inv_dr[u], dr[u]); returns
 * Σ_u wr[u] Σ_j wc[j]·(new Θ or Σ) (wr, wc NULL for ones), reduced once.  exact = 0 lets the
 * AVX-512 path use plain products for ρ and κ1 where ρ ≤ 1 − 2⁻³⁰ (there a 1-ulp change moves
 * κ0 by < 1e-12; 7% faster); exact = 1 divides correctly rounded everywhere (faithful mode).
 * ntkb_gntk_relu_row is exact.  Time complexity: O(nr·nc). */
double ntkb_gntk_relu_block(size_t nr, size_t nc, double *restrict sig, double *restrict theta,
                            const double *inv_dr, const double *dr, const double *inv_dc,
                            const double *dc, const double *wr, const double *wc, int exact);

/* The same layer through libm acos with the official operation order, no FMA contraction and
 * no weights; a slow reference for tests.  Time complexity: O(m). */
double ntkb_gntk_relu_row_ref(size_t m, double *sig, double *theta, double du, const double *dv);

/* κ0(ρ) and κ1(ρ) at a clipped scalar ρ through the polynomial acos (for tests).
 * Time complexity: O(1). */
void ntkb_gntk_kappa(double rho, double *k0, double *k1);

/* Name of the code path compiled in ("avx512" or "portable"), for run metadata. */
const char *ntkb_gntk_relu_impl(void);

#ifdef __cplusplus
}
#endif

#endif
