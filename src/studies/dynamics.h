/* ntkbench studies: NTK training dynamics (bench_dynamics).
 *
 * On a binary image pair with a small training set, the fully connected NTK Θ of a one-hidden-
 * layer ReLU network (lantk/fcntk.h, the same parameterisation as the network below):
 *   - its eigen-decomposition on the training images, Θ = V Λ Vᵀ (LAPACKE dsyevd);
 *   - the gradient-flow predictor of the squared loss ½‖f − y‖² from f₀ = 0: the training
 *     residual r_t = −V e^{−Λt} Vᵀ y (its projection on v_i decays as e^{−λ_i t}) and the test
 *     predictions f_t(X*) = Θ(X*, X) V diag((1 − e^{−λt})/λ) Vᵀ y, which tend to the ridgeless
 *     kernel regression Θ(X*, X) Θ⁻¹ y as t → ∞;
 *   - finite networks in the NTK parameterisation,
 *         f(x) = (σ_w/√h) aᵀ relu((σ_w/√d) W x + β b) + β c,   all parameters N(0, 1),
 *     trained by plain gradient descent on the same loss (step η, time t = η · steps) with the
 *     initial function subtracted (g = f − f₀, so g₀ = 0 as for the kernel predictor).
 * Its NTK as width h → ∞ is fcntk's recursion with w₀ = c_σ = σ_w², n₀ = d, bias β, one hidden
 * layer.
 */
#ifndef NTKB_STUDIES_DYNAMICS_H
#define NTKB_STUDIES_DYNAMICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "lantk/fcntk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the kernel's gradient flow ---- */

/* Eigen-decomposition of the symmetric n×n K (row-major, not modified): evals ascending,
 * V (n×n, row-major) with eigenvector i in column i.  Returns NTKB_OK, NTKB_ENOMEM or
 * NTKB_ENUMERIC (dsyevd failed).  Time complexity: O(n³). */
ntkb_status ntkb_dyn_eigen(size_t n, const double *K, double *evals, double *V);

/* The gradient-flow predictor at time t ≥ 0 (t = INFINITY: the limit; eigenvalues ≤ tol·λ_max
 * are then dropped, tol = 1e-12): train (n, may be NULL) receives f_t on the training items,
 * test (m, may be NULL) f_t at the test items with Kx the m×n test×train kernel; proj (n, may
 * be NULL) receives v_iᵀ(f_t − y) for every i (ascending eigenvalues).  y: n targets.
 * scratch: 3n doubles.  Time complexity: O(n² + m n). */
void ntkb_dyn_flow(size_t n, const double *evals, const double *V, const double *y, size_t m,
                   const double *Kx, double t, double *train, double *test, double *proj,
                   double *scratch);

/* ---- the finite network ---- */

typedef struct {
    size_t d, h;          /* input dimension, width */
    double sw, beta;      /* σ_w, β */
    double *W, *b, *a, c; /* W: h×d row-major, b, a: h (owned) */
} ntkb_dyn_net;

/* A network with N(0, 1) parameters drawn from `seed`.  *out owned by the caller
 * (ntkb_dyn_net_free).  Returns NTKB_OK, NTKB_EINVAL (d or h = 0) or NTKB_ENOMEM.
 * Time complexity: O(h d). */
ntkb_status ntkb_dyn_net_alloc(size_t d, size_t h, double sw, double beta, uint64_t seed,
                               ntkb_dyn_net **out);
void ntkb_dyn_net_free(ntkb_dyn_net *net);

/* f(x_i) for the n rows of X (n×d).  scratch: n·h doubles.  Time complexity: O(n h d). */
void ntkb_dyn_net_forward(const ntkb_dyn_net *net, size_t n, const double *X, double *f,
                          double *scratch);

/* One gradient-descent step on ½ Σ_i (f(x_i) − off_i − y_i)² with step eta (off: the
 * subtracted initial outputs, may be NULL).  scratch: 2·n·h + n doubles.
 * Time complexity: O(n h d). */
void ntkb_dyn_net_step(ntkb_dyn_net *net, size_t n, const double *X, const double *y,
                       const double *off, double eta, double *scratch);

/* The empirical NTK Θ̂(x_i, z_j) = Σ_params ∂f(x_i) ∂f(z_j) (n×m, row-major; Z = NULL: X).
 * Returns NTKB_OK or NTKB_ENOMEM.  Time complexity: O((n + m) h d + n m h). */
ntkb_status ntkb_dyn_net_ntk(const ntkb_dyn_net *net, size_t n, const double *X, size_t m,
                             const double *Z, double *K);

/* The fcntk parameters of the network's infinite-width NTK (ReLU, one hidden layer,
 * w₀ = c_σ = σ_w², n₀ = d, bias β).  Time complexity: O(1). */
void ntkb_dyn_kernel_params(ntkb_fcntk_params *p, size_t d, double sw, double beta);

/* ---- the study ---- */

typedef struct {
    const char *fm_pair;      /* Fashion-MNIST pair "A,B" (NULL: none) */
    const char *cifar_pair;   /* CIFAR-10 pair (NULL: none) */
    const char *cifar_dir;    /* CIFAR-10 batches (needed with cifar_pair) */
    size_t n_train, n_test;   /* per pair, half per class, first in file order */
    size_t widths[8], n_widths;
    size_t steps;             /* gradient-descent steps of every network */
    double eta_scale;         /* η = eta_scale / λ_max(Θ_train) */
    double sw, beta;
    uint64_t seed;
    const char *out_dir;      /* dynamics.md and figures/dynamics-*.dat */
    const char *command;      /* recorded in dynamics.md */
} ntkb_dyn_opts;

/* The defaults of bench_dynamics (200 + 500 images, widths 256..4096, 2000 steps,
 * η = 0.25/λ_max, σ_w² = 2, β = 0.1, seed 1, out "results").  Time complexity: O(1). */
ntkb_dyn_opts ntkb_dyn_opts_default(void);

/* Runs the study on each given pair and writes OUT/dynamics.md and the figure data.
 * Returns NTKB_OK or the readers', kernels' and writers' codes.
 * Time complexity: per pair O(n³ + n m) for the kernel, Σ_h steps · O(n h d) for the networks. */
ntkb_status ntkb_dyn_run(const ntkb_dyn_opts *o);

#ifdef __cplusplus
}
#endif

#endif
