/* ntkbench eval: deterministic stratified k-fold splits (the inner CV of the nested protocol).
 *
 * Draws come from the library's SplitMix64 generator (core/rng.h), never rand().
 */
#ifndef NTKB_EVAL_FOLDS_UTIL_H
#define NTKB_EVAL_FOLDS_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Stratified k-fold assignment of the n items items[0..n) with class labels[items[t]]:
 * within each class (classes taken in ascending label value) the items are shuffled with a
 * SplitMix64 stream seeded by `seed`, then dealt to folds 0, 1, ..., k-1, 0, ... with the
 * dealing position carried over from one class to the next — so every fold gets ⌊n/k⌋ or
 * ⌈n/k⌉ items and each class is spread as evenly as possible.  fold_of[t] receives the fold of
 * items[t].  Requires k ≥ 2 and n ≥ k.
 * Returns NTKB_OK, NTKB_EINVAL or NTKB_ENOMEM.  Time complexity: O(n log n). */
ntkb_status ntkb_kfold_stratified(const int64_t *labels, const size_t *items, size_t n, size_t k,
                                  uint64_t seed, size_t *fold_of);

#ifdef __cplusplus
}
#endif

#endif
