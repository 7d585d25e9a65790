/* ntkbench fibers: the infinite-width fully-connected NTK Θ(z, x) and its input gradient ∇ₓΘ(z, x).
 *
 * Network (Jacot, Gabriel & Hongler 2018), L = depth weight layers, activation σ
 * after each of the first L−1, NTK parameterisation with bias β and weight variance σ_w²:
 *
 *     Σ¹(x,x')   = σ_w²·xᵀx'/n₀ + β²                       Θ¹ = Σ¹
 *     Σ^{ℓ+1}    = σ_w²·E[σ(u)σ(v)] + β²,   Σ̇^{ℓ+1} = σ_w²·E[σ'(u)σ'(v)],   (u,v) ~ N(0, Σ^ℓ 2×2)
 *     Θ^{ℓ+1}    = Θ^ℓ·Σ̇^{ℓ+1} + Σ^{ℓ+1}                     output: Θ^L
 *
 * σ_w² = 1 is Jacot et al.'s form; σ_w² = 2 with ReLU is the "He" (c_σ = 2) form.
 *
 * Θ(z, x) depends on x only through s_zx = zᵀx and s_xx = xᵀx, so
 *
 *     ∇ₓΘ(z, x) = (∂Θ/∂s_zx)·z + 2·(∂Θ/∂s_xx)·x.
 *
 * Both partials come from lantk/fcntk's complex-step derivatives of the same recursion
 * (ntkb_fcntk_partials): exact to rounding, no truncation error.  The ReLU dual is not
 * differentiable at ρ = ±1; there the derivative is that of the clipped (constant) branch.
 */
#ifndef NTKB_STUDIES_FIBERS_NTKGRAD_H
#define NTKB_STUDIES_FIBERS_NTKGRAD_H

#include <stddef.h>

#include "core/status.h"
#include "lantk/fcntk.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    ntkb_activation activation; /* RELU, ERF or GELU (no custom activations) */
    int depth;         /* L ≥ 1 weight layers (L − 1 activations); L = 1 is the linear kernel */
    double bias;       /* β ≥ 0 */
    double weight_var; /* σ_w² > 0; 1 = Jacot et al. */
} ntkb_fibers_net;

/* Parses "relu" | "erf" | "gelu".  Returns NTKB_OK or NTKB_EINVAL.  Time complexity: O(1). */
ntkb_status ntkb_fibers_activation_parse(const char *name, ntkb_activation *out);

/* The lower-case name of an activation ("relu", ...); "?" for an unknown value. */
const char *ntkb_fibers_activation_name(ntkb_activation a);

/* Checks a network description (depth ≥ 1, β ≥ 0 finite, σ_w² > 0 finite, known activation).
 * Returns NTKB_OK or NTKB_EINVAL with a message.  Time complexity: O(1). */
ntkb_status ntkb_fibers_net_check(const ntkb_fibers_net *net);

/* Θ(z, x) and its two partial derivatives from the raw inner products.
 *   net              the network (checked)
 *   n0               input dimension (> 0), the 1/n₀ of Σ¹
 *   s_zz, s_xx, s_zx zᵀz, xᵀx, zᵀx
 *   theta            out: Θ(z, x)
 *   d_zx, d_xx       out (each may be NULL): ∂Θ/∂s_zx and ∂Θ/∂s_xx, by complex step
 * Returns NTKB_OK, NTKB_EINVAL (bad net or n0), NTKB_ENUMERIC (a non-finite result).
 * Time complexity: O(L) (three passes of the scalar recursion). */
ntkb_status ntkb_fibers_ntk_partials(const ntkb_fibers_net *net, size_t n0, double s_zz,
                                     double s_xx, double s_zx, double *theta, double *d_zx,
                                     double *d_xx);

/* Θ(z, x) for two vectors of length n0 (borrowed, read only).
 * Returns as ntkb_fibers_ntk_partials.  Time complexity: O(n₀ + L). */
ntkb_status ntkb_fibers_ntk(const ntkb_fibers_net *net, const double *z, const double *x, size_t n0,
                            double *theta);

/* Θ(z, x) and ∇ₓΘ(z, x) = (∂Θ/∂s_zx)·z + 2(∂Θ/∂s_xx)·x.
 *   grad   out: caller-owned array of n0 doubles (may not alias z or x)
 *   theta  out (may be NULL): Θ(z, x)
 * Returns as ntkb_fibers_ntk_partials.  Time complexity: O(n₀ + L). */
ntkb_status ntkb_fibers_ntk_grad(const ntkb_fibers_net *net, const double *z, const double *x,
                                 size_t n0, double *theta, double *grad);

/* Dot product of two length-n vectors.  Time complexity: O(n). */
double ntkb_fibers_dot(const double *a, const double *b, size_t n);

#ifdef __cplusplus
}
#endif

#endif
