/* ntkbench eval: deterministic stratified k-fold splits (the inner CV of the nested protocol).
 *
 * Uses its own RNG (SplitMix64), never rand(): results do not depend on other code seeding or
 * drawing from the C library generator, and are identical across platforms.
 */
#ifndef NTKB_EVAL_FOLDS_UTIL_H
#define NTKB_EVAL_FOLDS_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* SplitMix64 step: advances *state and returns the next 64-bit value.  Time: O(1). */
uint64_t ntkb_rng_next(uint64_t *state);

/* Uniform integer in [0, bound) (bound ≥ 1), unbiased by rejection.  Time: O(1) expected. */
uint64_t ntkb_rng_below(uint64_t *state, uint64_t bound);

/* Stratified k-fold assignment of the n items items[0..n) with class labels[items[t]]:
 * within each class (classes taken in ascending label value) the items are shuffled with a
 * SplitMix64 stream seeded by `seed`, then dealt to folds 0, 1, ..., k-1, 0, ... with the
 * dealing position carried over from one class to the next — so every fold gets ⌊n/k⌋ or
 * ⌈n/k⌉ items and each class is spread as evenly as possible.  fold_of[t] receives the fold of
 * items[t].  Requires k ≥ 2 and n ≥ k.
 * Returns NTKB_OK, NTKB_EINVAL or NTKB_ENOMEM.  Time complexity: O(n log n). */
ntkb_status ntkb_kfold_stratified(const int64_t *labels, const size_t *items, size_t n, size_t k,
                                  uint64_t seed, size_t *fold_of);

#endif
