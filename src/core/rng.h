/* ntkbench core: the one random number generator (SplitMix64, Steele, Lea & Flood 2014).
 *
 * Every random choice of the library (inner CV folds, resplits, sketches, augmentations, weight
 * draws) comes from here, never from rand(): results do not depend on other code seeding or
 * drawing from the C library's generator, and are identical across platforms and thread counts
 * (callers give each independent task its own stream, seeded from the task's identity).
 *
 * Two ways to use it:
 *   - a stream: ntkb_rng r; ntkb_rng_seed(&r, seed); then ntkb_rng_next / _below / _uniform /
 *     _gaussian;
 *   - counter-based: ntkb_rng_mix(x) is a stateless 64-bit hash (the stream's output function),
 *     so the draw for item r is ntkb_rng_mix(seed ^ f(r)) with no sequential state, for draws
 *     made in parallel or in any order.
 */
#ifndef NTKB_CORE_RNG_H
#define NTKB_CORE_RNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t state;
} ntkb_rng;

/* Starts a stream at `seed` (any value).  Time complexity: O(1). */
void ntkb_rng_seed(ntkb_rng *r, uint64_t seed);

/* SplitMix64's output function applied to x + 0x9E3779B97F4A7C15: a bijective 64-bit hash
 * with full avalanche.  ntkb_rng_next(r) returns ntkb_rng_mix of the state before the step.
 * Time complexity: O(1). */
uint64_t ntkb_rng_mix(uint64_t x);

/* The next 64 bits of the stream.  Time complexity: O(1). */
uint64_t ntkb_rng_next(ntkb_rng *r);

/* A uniform integer in [0, bound), bound ≥ 1, unbiased: draws in the top partial block of
 * 2^64 are rejected and redrawn.  Time complexity: O(1) expected. */
uint64_t ntkb_rng_below(ntkb_rng *r, uint64_t bound);

/* A uniform integer in [0, bound), bound ≥ 1, from the hash chain state ← ntkb_rng_mix(state)
 * (the image studies' resplits and training-size draws have always been drawn this way, so their
 * published rows stay reproducible), unbiased by the same rejection.  Time complexity: O(1)
 * expected. */
uint64_t ntkb_rng_chain_below(uint64_t *state, uint64_t bound);

/* A uniform double in [0, 1) from the top 53 bits of the next draw.  Time complexity: O(1). */
double ntkb_rng_uniform(ntkb_rng *r);

/* A standard normal variate by the Box–Muller transform (one per call; two uniforms).
 * Time complexity: O(1). */
double ntkb_rng_gaussian(ntkb_rng *r);

/* Maps 64 random bits to a uniform double in the open interval (0, 1): the top 53 bits plus
 * one half, times 2^-53.  Time complexity: O(1). */
static inline double ntkb_rng_open01(uint64_t bits)
{
    return ((double)(bits >> 11) + 0.5) * 0x1p-53;
}

#ifdef __cplusplus
}
#endif

#endif
