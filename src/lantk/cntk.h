/* ntkbench lantk: the convolutional NTK (docs/algorithms.md) for 3×3 convolutions with zero
 * padding, stride 1 or 2, ReLU, and a flatten (V) or global-average-pool (GAP) readout.
 *
 * Convention (google/neural-tangents, NTK parameterisation, no bias), per pixel pair [p; p']:
 *     input:  Σ = input_scale · Σ_c x_c[p] z_c[p'],  Θ = 0
 *     conv:   Σ ← (w_var/9)·𝒞_s(Σ);  Θ ← (w_var/9)·𝒞_s(Θ) + Σ   (+Σ left out if not trained)
 *     relu:   Σ ← c_σ·E[relu relu],  Θ ← Θ ⊙ c_σ·E[relu' relu']   (diagonals cached per image)
 *     readout (Flatten/GAP, then Dense(1)):
 *             K = w_var · R(Θ + Σ)    (R(Θ) only when the readout layer is fixed)
 * 𝒞_s applies the same 3×3 offset to both images; output pixel i reads input pixels
 * s·i + a − pad_lo, a ∈ {0,1,2}, with the JAX/neural-tangents 'SAME' rule
 * pad_lo = max((out−1)s + 3 − in, 0) / 2 (stride 2 on 32 pixels: pad_lo 0, pad_hi 1).
 * R is a sum (Arora: trace for V, Σ over P² for GAP) or a mean (neural-tangents: /P, /P²).
 *
 * With input_scale = 1, w_var = 1, c_σ = 2 and sum readouts this is exactly Arora et al.'s
 * recursion (their 1/(9π) factor is c_σ = 2 over the 9 taps); ntkb_cntk_arch_arora fills it.
 *
 * Flatten readouts need only same-position pairs [p; p] (O(P) per layer).  GAP needs all P²
 * pairs; for stride-1 networks the pairs with a fixed offset p − p' form an independent
 * rectangle under 𝒞, so GAP runs the same kernel on the (2H−1)(2W−1) offset rectangles.
 */
#ifndef NTKB_LANTK_CNTK_H
#define NTKB_LANTK_CNTK_H

#include <stddef.h>

#include "core/status.h"
#include "core/tiles.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NTKB_CNTK_MAX_OPS 64

typedef enum { NTKB_CNTK_CONV, NTKB_CNTK_RELU } ntkb_cntk_op_kind;

typedef struct {
    ntkb_cntk_op_kind kind;
    int stride;     /* CONV only: 1 or 2 */
    int trainable;  /* CONV only: 0 leaves the layer's own Σ out of Θ (Arora "fix") */
} ntkb_cntk_op;

typedef enum { NTKB_CNTK_FLATTEN, NTKB_CNTK_GAP } ntkb_cntk_readout;

typedef struct {
    size_t n_ops;
    ntkb_cntk_op ops[NTKB_CNTK_MAX_OPS];
    ntkb_cntk_readout readout;
    int readout_mean;        /* 1: mean over positions (neural-tangents), 0: sum (Arora) */
    int readout_trainable;   /* 0: K = w_var·R(Θ) (Arora "fix"), 1: w_var·R(Θ + Σ) */
    double w_var;            /* σ_w² of every conv and of the readout Dense */
    double c_sigma;          /* ReLU dual multiplier: 2 (He/Arora) or 1 (W_std = 1) */
    double input_scale;      /* 1 (Arora) or 1/channels (neural-tangents) */
} ntkb_cntk_arch;

/* The LANTK paper's CNTK (HornHehhf/LANTK jax_models.py): Conv, [ReLU Conv ReLU Conv] × 3 groups with
 * strides 1, 2, 2 on the groups' first convs, Flatten (mean), Dense(1); W_std = 1 (c_σ = 1,
 * w_var = 1), no bias, input covariance divided by `channels` — the neural-tangents kernel of
 * jax_models.CNN(block_size=1, k=1, num_classes=1).  Time complexity: O(1). */
void ntkb_cntk_arch_lantk(ntkb_cntk_arch *a, size_t channels);

/* Arora et al.'s depth-`depth` family: depth−1 stride-1 conv+ReLU layers, c_σ = 2, sums.
 * gap = 0: CNTK-V (flatten, all layers trained); gap = 1: CNTK-GAP with "fix" (first conv and
 * readout not trained).  Returns NTKB_OK or NTKB_EINVAL (depth < 2 or too deep).
 * Time complexity: O(depth). */
ntkb_status ntkb_cntk_arch_arora(ntkb_cntk_arch *a, size_t depth, int gap);

/* A compiled kernel for images of one shape.  Opaque; read-only after alloc, so one kernel
 * may serve many threads. */
typedef struct ntkb_cntk ntkb_cntk;

/* Checks `arch` against the shape and lays out the per-image cache.
 * Returns NTKB_OK, NTKB_EINVAL (stride other than 1/2, GAP with a strided conv, no conv,
 * an empty image) or NTKB_ENOMEM.  *out is owned by the caller (ntkb_cntk_free).
 * Time complexity: O(n_ops). */
ntkb_status ntkb_cntk_alloc(const ntkb_cntk_arch *arch, size_t channels, size_t height,
                            size_t width, ntkb_cntk **out);

/* Frees; NULL is a no-op. */
void ntkb_cntk_free(ntkb_cntk *k);

/* Doubles per image: channels × height × width.  Time complexity: O(1). */
size_t ntkb_cntk_image_size(const ntkb_cntk *k);

/* Doubles per image in the diagonal cache: sqrt of Σ(x,x)[p;p] before every ReLU, each map in
 * the padded (h+2)×(w+2) layout with a zero border.  Time complexity: O(1). */
size_t ntkb_cntk_cache_size(const ntkb_cntk *k);

/* Per-thread scratch for ntkb_cntk_precompute and ntkb_cntk_pair: a few padded maps.
 * Returns NULL when out of memory; free with ntkb_cntk_work_free (NULL is a no-op). */
typedef struct ntkb_cntk_work ntkb_cntk_work;
ntkb_cntk_work *ntkb_cntk_work_alloc(const ntkb_cntk *k);
void ntkb_cntk_work_free(ntkb_cntk_work *w);

/* Fills `cache` (ntkb_cntk_cache_size doubles, caller-owned) for one image `x` (channels ×
 * height × width doubles, channel planes row-major): the same recursion with x = z, where the
 * ReLU dual is exact at ρ = 1 (Σ ← c_σ Σ / 2).  Time complexity: O(P · n_ops). */
void ntkb_cntk_precompute(const ntkb_cntk *k, const double *x, double *cache,
                          ntkb_cntk_work *w);

/* The kernel value of one pair, from the images and their caches.
 * Time complexity: flatten O(P · n_ops) with one acos per position per ReLU;
 * GAP O(P² · n_ops). */
double ntkb_cntk_pair(const ntkb_cntk *k, const double *x, const double *cx, const double *z,
                      const double *cz, ntkb_cntk_work *w);

/* A Gram block on OpenMP threads (`threads` ≤ 0: the OpenMP default).
 * xa: na images; xb: nb images, or NULL for the symmetric na×na Gram of xa (i ≤ j computed,
 * then mirrored).  out: na×nb (or na×na) row-major doubles, caller-allocated.
 * progress: when non-zero, a progress line with ETA on stderr about every 2 s.
 * Returns NTKB_OK, NTKB_EINVAL or NTKB_ENOMEM (the caches take (na+nb)·cache_size doubles).
 * Time complexity: na·nb (or na(na+1)/2) pair evaluations. */
ntkb_status ntkb_cntk_gram(const ntkb_cntk *k, size_t na, const double *xa, size_t nb,
                           const double *xb, int threads, int progress, double *out);

/* As ntkb_cntk_gram, with `on_progress` (may be NULL) called with `arg` after every tile of
 * pairs, one call at a time, with the pairs done and the total.  Returns as ntkb_cntk_gram. */
ntkb_status ntkb_cntk_gram_progress(const ntkb_cntk *k, size_t na, const double *xa, size_t nb,
                                    const double *xb, int threads, int progress,
                                    ntkb_tiles_progress_fn on_progress, void *arg, double *out);

#ifdef __cplusplus
}
#endif

#endif
