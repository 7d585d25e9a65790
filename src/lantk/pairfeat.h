/* ntkbench lantk: pair features and the second-order least-squares regression behind LANTK's
 * FJLT variants (HornHehhf/LANTK second_regression.py).
 *
 * Z(x, x') = wᵀ φ(x, x'), with w = argmin Σ_{i,j=1..n} (y_i y_j − wᵀ φ(x_i, x_j))² over all n²
 * ordered training pairs, i = j included, no intercept.  Raw vectors x̃ are the preprocessed
 * images with a constant 1 appended (3073-d for CIFAR-10), as the reference's add_one_extra_dim.
 *
 *   base  (4):  K_NTK, ⟨x̃,x̃'⟩, cos∠(x̃,x̃'), ‖x̃−x̃'‖²
 *   extra (6):  ‖x̃‖‖x̃'‖, sin∠, ∠ = arccos(cos), exp(−‖x̃−x̃'‖²/s) (s = mean training ‖x_i−x_j‖²
 *               over the n² ordered pairs), Pearson correlation of x̃ and x̃' (each centred by its
 *               own mean over its d coordinates), ‖x̃−x̃'‖₁
 *   pca  (10):  for the 5 leading principal components fitted on the training X (centred by the
 *               training mean, unwhitened scores): p_k(x)p_k(x'), |p_k(x) − p_k(x')|
 *   V4 = base + pca (14), V7 = base + extra (10), V8 = base + extra + pca (20).
 *
 * Everything is computed from three N×N matrices over a pooled item set (train and test items
 * of a class pair): the NTK H (borrowed), the raw Gram ⟨x̃,x̃'⟩ and the L1 distances, so that
 * any split of the pool reuses them.  Features are symmetric in (x, x'), so the normal
 * equations sum i < j twice and i = j once.
 */
#ifndef NTKB_LANTK_PAIRFEAT_H
#define NTKB_LANTK_PAIRFEAT_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTKB_LANTK_MAX_FEAT 20
#define NTKB_LANTK_PCA 5

typedef enum { NTKB_LANTK_V4 = 4, NTKB_LANTK_V7 = 7, NTKB_LANTK_V8 = 8 } ntkb_lantk_featset;

/* Number of features of a set (14, 10, 20), or 0 for an unknown set.  Time complexity: O(1). */
size_t ntkb_lantk_feat_count(ntkb_lantk_featset set);

/* Raw-vector statistics of a pooled item set. */
typedef struct {
    size_t N, d;      /* items; raw dimension including the appended 1 */
    const double *H;  /* N×N NTK, row-major, borrowed */
    double *G;        /* N×N ⟨x̃_a, x̃_b⟩, owned */
    double *L1;       /* N×N ‖x_a − x_b‖₁, owned */
    double *rsum;     /* N: Σ_k x̃_a[k], owned */
} ntkb_lantk_data;

/* Computes G (a BLAS syrk), the L1 distances (OpenMP, i < j mirrored) and the row sums of the
 * N images X (N × dim row-major; the constant 1 is appended here, so d = dim + 1).  H is
 * borrowed and must outlive *out.  threads ≤ 0: the OpenMP default.
 * Returns NTKB_OK, NTKB_EINVAL (N or dim 0) or NTKB_ENOMEM.  *out: ntkb_lantk_data_free.
 * Time complexity: O(N² dim). */
ntkb_status ntkb_lantk_data_alloc(size_t N, size_t dim, const double *X, const double *H,
                                  int threads, ntkb_lantk_data **out);

/* Frees; NULL is a no-op. */
void ntkb_lantk_data_free(ntkb_lantk_data *d);

/* The features of one training set: the bandwidth s and (V4, V8) the PCA scores of all N
 * pooled items, fitted on the n training items train[0..n-1] (pooled indices). */
typedef struct {
    const ntkb_lantk_data *data; /* borrowed */
    ntkb_lantk_featset set;
    size_t p;                    /* feature count */
    double s;                    /* mean training ‖x_i − x_j‖² over the n² ordered pairs */
    double *pca;                 /* N × NTKB_LANTK_PCA scores (NULL for V7), owned */
} ntkb_lantk_feat;

/* Prepares the features.  PCA: the leading eigenvectors of the training-centred raw Gram by
 * subspace iteration (deterministic start), scores p_k(a) = Σ_i (G_ai − r_i) u_k(i)/√λ_k with
 * r_i the training row means — the same numbers as sklearn's PCA(5).transform up to sign, and
 * every PCA feature is sign-invariant.  Returns NTKB_OK, NTKB_EINVAL (unknown set, n < 2, index
 * out of range), NTKB_ENOMEM or NTKB_ENUMERIC (no convergence).  *out: ntkb_lantk_feat_free.
 * Time complexity: O(n²) plus, for PCA, O(n² · 10 · iterations) and O(N n). */
ntkb_status ntkb_lantk_feat_alloc(const ntkb_lantk_data *d, ntkb_lantk_featset set, size_t n,
                                  const size_t *train, ntkb_lantk_feat **out);

/* Frees; NULL is a no-op. */
void ntkb_lantk_feat_free(ntkb_lantk_feat *f);

/* φ(x_a, x_b) for pooled indices a, b into phi (f->p doubles).  Time complexity: O(p). */
void ntkb_lantk_feat_pair(const ntkb_lantk_feat *f, size_t a, size_t b, double *phi);

/* Solves the p×p normal equations A w = b through a Jacobi-scaled symmetric eigendecomposition
 * (pseudo-inverse with relative cut-off 1e-12, so collinear features give the minimum-norm
 * solution and exact fitted values).  A is p×p row-major (symmetric).  Returns NTKB_OK,
 * NTKB_EINVAL or NTKB_ENUMERIC.  Time complexity: O(p³). */
ntkb_status ntkb_lantk_normal_solve(size_t p, const double *A, const double *b, double *w);

/* The exact least-squares fit over all n² ordered pairs of train[0..n-1] with targets
 * y_i y_j, streamed without materialising Φ: ΦᵀΦ and Φᵀ(yy) are summed over i ≤ j (off-
 * diagonal pairs twice) in 64 fixed row blocks, reduced in block order, so the result does not
 * depend on the thread count.  w: f->p doubles.  Returns the codes of ntkb_lantk_normal_solve
 * or NTKB_ENOMEM.  Time complexity: O(n² p²/2). */
ntkb_status ntkb_lantk_ols_exact(const ntkb_lantk_feat *f, size_t n, const size_t *train,
                                 const double *y, int threads, double *w);

/* Z block: Z[r·nc + c] = wᵀ φ(x_rows[r], x_cols[c]).  When rows == cols (same pointer and
 * count) only r ≤ c is evaluated and mirrored.  Z: nr×nc, caller-allocated.
 * Time complexity: O(nr · nc · p). */
void ntkb_lantk_feat_z(const ntkb_lantk_feat *f, const double *w, size_t nr, const size_t *rows,
                       size_t nc, const size_t *cols, int threads, double *Z);

#ifdef __cplusplus
}
#endif

#endif
