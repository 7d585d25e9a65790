/* ntkbench lantk: the fully-connected NTK for vectors.
 *
 * One recursion serves every published form:
 *     Σ ← w₀ · xᵀx' / n₀ + β²;  Θ ← Σ
 *     for each of the `hidden` layers:
 *         (e, ė) = dual_σ(Σ(x,x), Σ(x',x'), Σ(x,x'))
 *         Σ ← c_σ·e + β²;  Θ ← Θ · (c_σ·ė) + Σ
 * Jacot et al. 2018 (NTK parameterisation, bias β): w₀ = 1, n₀ = input dimension, c_σ = 1
 * (ntkb_fcntk_params_jacot); with σ_w² on every layer: w₀ = c_σ = σ_w².
 * Arora et al. 2019: w₀ = 1, n₀ = 1, β = 0, c_σ = 1/E[σ(z)²] (= 2 for ReLU)
 * (ntkb_fcntk_params_arora).
 * The diagonals Σ(x,x), Σ(x',x') follow the same recursion per input (for ReLU through the exact
 * E[relu(u)²] = q/2, which also keeps them differentiable).  `hidden` = number of
 * nonlinearities; hidden = 0 is the linear kernel.
 *
 * The recursion runs on complex numbers through the analytic duals of core/dual.h, so the same
 * code gives the kernel (real inputs) and its partial derivatives in the three inner products
 * by a complex step (ntkb_fcntk_partials), exact to rounding.
 */
#ifndef NTKB_LANTK_FCNTK_H
#define NTKB_LANTK_FCNTK_H

#include <stddef.h>

#include "core/dual.h"
#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    NTKB_ACT_RELU,   /* closed form */
    NTKB_ACT_ERF,    /* closed form */
    NTKB_ACT_GELU,   /* closed form */
    NTKB_ACT_CUSTOM  /* Gauss–Hermite with the caller's f, fprime and rule */
} ntkb_activation;

typedef struct {
    ntkb_activation act;
    size_t hidden;        /* number of hidden (nonlinear) layers */
    double beta;          /* bias standard deviation β (0: no bias) */
    double c_sigma;       /* multiplier of both duals (σ_w² of the hidden layers) */
    double input_var;     /* w₀ in Σ = w₀·xᵀx'/n₀ + β² (σ_w² of the first layer) */
    double input_dim;     /* n₀ in Σ = w₀·xᵀx'/n₀ + β² (1: no division) */
    /* NTKB_ACT_CUSTOM only (borrowed, not owned): */
    const ntkb_dual_gh *rule;
    ntkb_activation_fn f, fprime;
    void *fparams;
} ntkb_fcntk_params;

/* Fills *p with the Jacot form: w₀ = 1, n₀ = n0, c_σ = 1, bias β.  Time complexity: O(1). */
void ntkb_fcntk_params_jacot(ntkb_fcntk_params *p, ntkb_activation act, size_t hidden,
                             double beta, size_t n0);

/* Fills *p with the Arora form: w₀ = n₀ = 1, β = 0, c_σ = 1/E_{z~N(0,1)}[σ(z)²]
 * (2 for ReLU; from the closed-form duals for erf and GeLU).  For NTKB_ACT_CUSTOM set rule, f,
 * fprime afterwards; c_σ is then left at 1.  Time complexity: O(1). */
void ntkb_fcntk_params_arora(ntkb_fcntk_params *p, ntkb_activation act, size_t hidden);

/* The NTK and NNGP from the three inner products xᵀx, x'ᵀx', xᵀx'.  ntk or nngp may be NULL.
 * Returns NTKB_OK or NTKB_EINVAL (a custom activation without rule/f/fprime).
 * Time complexity: O(hidden) dual evaluations. */
ntkb_status ntkb_fcntk_from_dots(const ntkb_fcntk_params *p, double xx, double zz, double xz,
                                 double *ntk, double *nngp);

/* Θ(x, z) and its partial derivatives in the inner products: d_xz = ∂Θ/∂(xᵀz) and
 * d_zz = ∂Θ/∂(zᵀz) (either may be NULL), by complex steps of the same recursion.  So
 * ∇_z Θ(x, z) = d_xz·x + 2·d_zz·z.  ReLU's derivative at ρ = ±1 is that of the clipped
 * (constant) branch.  Returns NTKB_OK, NTKB_EINVAL (a custom activation: no complex extension;
 * xx or zz not positive) or NTKB_ENUMERIC (a non-finite result).
 * Time complexity: O(hidden) per requested output (three passes at most). */
ntkb_status ntkb_fcntk_partials(const ntkb_fcntk_params *p, double xx, double zz, double xz,
                                double *ntk, double *d_xz, double *d_zz);

/* Same for two d-vectors.  Time complexity: O(d + hidden). */
ntkb_status ntkb_fcntk_pair(const ntkb_fcntk_params *p, size_t d, const double *x,
                            const double *z, double *ntk, double *nngp);

/* The n×m NTK block K[i][j] = Θ(X_i, Z_j) (row-major, caller-allocated) for row-major X (n×d)
 * and Z (m×d); Z = NULL means Z = X (m = n, only i ≤ j computed, then mirrored).  Inner
 * products go through BLAS when available; entries run on OpenMP threads.
 * Returns NTKB_OK, NTKB_EINVAL or NTKB_ENOMEM.
 * Time complexity: O(n m d) for the products + O(n m hidden) duals. */
ntkb_status ntkb_fcntk_gram(const ntkb_fcntk_params *p, size_t n, size_t d, const double *X,
                            size_t m, const double *Z, double *K);

#ifdef __cplusplus
}
#endif

#endif
