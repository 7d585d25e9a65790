/* ntkbench core: activation duals (docs/algorithms.md).
 *
 * For a 2×2 covariance [[q, c], [c, q2]] and (u, v) ~ N(0, [[q, c], [c, q2]]) a dual returns
 *     sigma     = E[σ(u) σ(v)]        (the next layer's NNGP covariance, before any bias)
 *     sigma_dot = E[σ'(u) σ'(v)]      (the derivative covariance that multiplies the NTK)
 * ReLU has closed forms (arc-cosine kernels of degree 1 and 0), and so do erf and GeLU; any
 * other activation goes through a Gauss–Hermite rule (Golub–Welsch, LAPACK dstev).
 *
 * Scaling: the scalar duals return the plain expectations (c_σ = 1).  Multiply both outputs by
 * c_σ for the "He" normalisation (c_σ = 2 for ReLU, as in GNTK, Arora's CNTK and FC-NTK).
 * The array ReLU loop takes c_σ as an argument because the CNTK calls it with c_σ = 2 (Arora)
 * or 1 (neural-tangents, W_std = 1).
 *
 * Inputs are variances, not standard deviations, except in the array loop (which takes the
 * cached square roots, as the CNTK stores them).  Correlations are clipped to [-1, 1] before
 * acos/asin, so round-off on the diagonal never yields NaN.  A zero variance gives ρ = 0.
 */
#ifndef NTKB_CORE_DUAL_H
#define NTKB_CORE_DUAL_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ReLU: sigma = sqrt(q q2)(sqrt(1-ρ²) + (π - acos ρ)ρ)/(2π), sigma_dot = (π - acos ρ)/(2π),
 * ρ = clip(c / sqrt(q q2)).  Either output pointer may be NULL.  q, q2 ≥ 0 is not checked
 * (a negative variance is a caller bug and gives NaN).  Time complexity: O(1). */
void ntkb_dual_relu(double q, double q2, double c, double *sigma, double *sigma_dot);

/* erf (Williams 1997): with P = (1+2q)(1+2q2),
 * sigma = (2/π) asin(2c/sqrt(P)), sigma_dot = (4/π)/sqrt(P - 4c²).  Outputs may be NULL.
 * Time complexity: O(1). */
void ntkb_dual_erf(double q, double q2, double c, double *sigma, double *sigma_dot);

/* GeLU x·Φ(x) (neural-tangents `Gelu`).  Outputs may be NULL.
 * Time complexity: O(1). */
void ntkb_dual_gelu(double q, double q2, double c, double *sigma, double *sigma_dot);

#ifndef __cplusplus
#include <complex.h>
/* The same three closed forms on complex arguments (the real functions above are these on the
 * real axis): analytic in q, q2 and c away from ρ = ±1, so that a complex step h·i in an input
 * gives its exact partial derivative as Im(result)/h (no subtraction, no truncation error).
 * Return sigma; *sigma_dot (may be NULL) gets sigma_dot.  Time complexity: O(1). */
double complex ntkb_dual_relu_cx(double complex q, double complex q2, double complex c,
                                 double complex *sigma_dot);
double complex ntkb_dual_erf_cx(double complex q, double complex q2, double complex c,
                                double complex *sigma_dot);
double complex ntkb_dual_gelu_cx(double complex q, double complex q2, double complex c,
                                 double complex *sigma_dot);
#endif

/* A scalar activation (or its derivative) with caller parameters. */
typedef double (*ntkb_activation_fn)(double x, void *params);

/* Ready-made activations and derivatives for ntkb_dual_gh (params unused). */
double ntkb_act_relu(double x, void *params);
double ntkb_act_relu_prime(double x, void *params);   /* step: 1 for x > 0, else 0 */
double ntkb_act_erf(double x, void *params);
double ntkb_act_erf_prime(double x, void *params);
double ntkb_act_gelu(double x, void *params);
double ntkb_act_gelu_prime(double x, void *params);

/* A D-point physicists' Gauss–Hermite rule (nodes t_i, weights w_i of ∫e^{-t²}f). Opaque. */
typedef struct ntkb_dual_gh ntkb_dual_gh;

/* Builds the rule by the Golub–Welsch method.  D ≥ 1 (25 suits smooth activations; ReLU
 * converges slowly: use the closed form).  *out is owned by the caller (ntkb_dual_gh_free).
 * Returns NTKB_OK, NTKB_EINVAL (D = 0), NTKB_ENOMEM or NTKB_ENUMERIC (the eigensolver failed).
 * Time complexity: O(D³) (a tridiagonal eigenproblem with eigenvectors). */
ntkb_status ntkb_dual_gh_alloc(size_t D, ntkb_dual_gh **out);

/* Frees; NULL is a no-op. */
void ntkb_dual_gh_free(ntkb_dual_gh *rule);

/* Number of nodes of the rule. */
size_t ntkb_dual_gh_size(const ntkb_dual_gh *rule);

/* E[f(u)f(v)] and E[f'(u)f'(v)] by the two-dimensional rule
 * u_i = sqrt(2q) t_i, v_ij = (c/q)u_i + sqrt(2 max(q2 - c²/q, 0)) t_j,
 * E[g(u)g(v)] ≈ (1/π) Σ_ij w_i w_j g(u_i) g(v_ij).  q = 0 is handled (u ≡ 0).
 * fprime may be NULL (sigma_dot is then not computed); either output may be NULL.
 * The rule is read-only here: one rule may serve many threads.
 * Returns NTKB_OK or NTKB_EINVAL (NULL rule/f, a negative variance, or |c| > sqrt(q q2)
 * by more than round-off).  Time complexity: O(D²) activation calls. */
ntkb_status ntkb_dual_gh_eval(const ntkb_dual_gh *rule, ntkb_activation_fn f,
                              ntkb_activation_fn fprime, void *params, double q, double q2,
                              double c, double *sigma, double *sigma_dot);

/* One ReLU layer of an NTK recursion over arrays, in place (the CNTK's inner loop):
 *     ρ_i   = clip(sig_i / (sa_i sb_i), -1, 1)          (ρ_i = 0 where sa_i sb_i = 0)
 *     sig_i ← c_sigma · sa_i sb_i (sqrt(1-ρ_i²) + (π - acos ρ_i) ρ_i) / (2π)
 *     theta_i ← theta_i · c_sigma (π - acos ρ_i) / (2π)  (skipped when theta is NULL)
 * sa, sb: square roots of the two inputs' variances (cached per item).  sig and theta must not
 * overlap sa/sb.  acos and sqrt(1-ρ²) come from one range reduction and two degree-11
 * polynomials (one hardware sqrt per entry; AVX-512 when compiled for it, else a branch-free
 * scalar loop); |error| ≤ 1e-14 absolute in the two dual factors, checked against libm over
 * [-1, 1] by tests/test_dual.c.  Never fails.  Time complexity: O(n). */
void ntkb_dual_relu_layer(size_t n, double *sig, double *theta, const double *sa,
                          const double *sb, double c_sigma);

/* The same layer through SLEEF's Sleef_acosd8_u35 (≤ 3.5 ulp) and a hardware sqrt when built
 * with SLEEF and AVX-512, else through libm acos: an independent reference for tests and
 * speed comparisons.  Time complexity: O(n). */
void ntkb_dual_relu_layer_ref(size_t n, double *sig, double *theta, const double *sa,
                              const double *sb, double c_sigma);

/* Name of the ntkb_dual_relu_layer path compiled in ("poly-avx512" or "poly-portable"), for
 * run metadata. */
const char *ntkb_dual_relu_impl(void);

#ifdef __cplusplus
}
#endif

#endif
