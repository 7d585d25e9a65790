/* ntkbench fibers: the empirical NTK of a finite-width two-layer GeLU network and its input gradient.
 *
 * Network (NTK parameterisation, all parameters i.i.d. N(0, 1) at initialisation, width m):
 *     h_j(x) = w_jᵀx/√n₀ + β·b_j,        f(x) = (1/√m)·Σ_j a_j·φ(h_j(x)) + β·b_out,   φ = GeLU.
 * Empirical NTK Θ̂(z, x) = Σ_p ∂f(z)/∂p · ∂f(x)/∂p, summed parameter group by parameter group:
 *     a_j:   φ(h_j(z))φ(h_j(x))/m            b_out:  β²
 *     w_j:   (a_j²/m)φ'(h_j(z))φ'(h_j(x))·zᵀx/n₀      b_j: (a_j²/m)φ'(h_j(z))φ'(h_j(x))·β²
 * so Θ̂ = (1/m)Σ_j [φ_zφ_x + a_j²φ'_zφ'_x·s] + β² with s = zᵀx/n₀ + β².  As m → ∞ this tends to the
 * depth-2 Jacot NTK of ntkgrad.h (GeLU, σ_w² = 1, same β).
 * Input gradient (explicit, through the parameters' gradients):
 *     ∇ₓΘ̂ = (1/√n₀)·Σ_j u_j·w_j + (1/(m·n₀))·Σ_j a_j²φ'_zφ'_x · z,
 *     u_j  = (1/m)[φ_z·φ'_x + a_j²·φ'_z·φ''_x·s],   φ''(t) = φ_N(t)(2 − t²).
 */
#ifndef NTKB_STUDIES_FIBERS_EMPIRICAL_H
#define NTKB_STUDIES_FIBERS_EMPIRICAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    size_t n0, width;
    double bias; /* β */
    double *W;   /* width × n0, row j = w_j (owned) */
    double *b;   /* width hidden biases (owned) */
    double *a;   /* width output weights (owned) */
} ntkb_fibers_mlp;

/* Draws a network at initialisation from `seed` (splitmix64 + Box–Muller, reproducible).
 * *out is owned by the caller (ntkb_fibers_mlp_free).  Returns NTKB_OK, NTKB_EINVAL (n0 or width 0,
 * β < 0) or NTKB_ENOMEM.  Time complexity: O(width·n0). */
ntkb_status ntkb_fibers_mlp_alloc(size_t n0, size_t width, double bias, uint64_t seed,
                                  ntkb_fibers_mlp **out);

/* Frees; NULL is a no-op. */
void ntkb_fibers_mlp_free(ntkb_fibers_mlp *mlp);

/* Θ̂(z, x) and, when grad is not NULL, ∇ₓΘ̂(z, x) (caller-owned array of n0 doubles, not aliasing
 * z or x).  z and x are borrowed length-n0 vectors.  Returns NTKB_OK, NTKB_EINVAL (NULL argument),
 * NTKB_ENOMEM or NTKB_ENUMERIC (non-finite result).  Time complexity: O(width·n0). */
ntkb_status ntkb_fibers_mlp_ntk(const ntkb_fibers_mlp *mlp, const double *z, const double *x,
                                double *theta, double *grad);

#ifdef __cplusplus
}
#endif

#endif
