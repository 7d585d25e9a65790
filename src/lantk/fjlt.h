/* ntkbench lantk: the Fast Johnson–Lindenstrauss sketch of LANTK's pair regression, the
 * reference's way to fit the FJLT variants (HornHehhf/LANTK fjlt.py, second_regression.py;
 * docs/algorithms.md).  Optional: ntkb_lantk_ols_exact (pairfeat.h) gives the exact fit.
 *
 * The R = n² × (p+1) system [Φ | yy] over all ordered training pairs (row r = i·n + j) is
 * compressed to k rows, S = P · H · D · [Φ | yy], with
 *   D  random ±1 signs (R rows, zero-padded to M = 2^⌈log₂ R⌉),
 *   H  the un-normalised Walsh–Hadamard transform of length M,
 *   P  a sparse k × M matrix, each entry non-zero with probability q and then N(0, 1/q),
 *   m = p + 1, k = ⌊ln m / ε²⌋, q = min(1, (ln m)² / R)   (the reference: ε = 0.01).
 * OLS on the k sketched rows by normal equations gives w; the global scale of S cancels.
 * Memory: M·(p+1) doubles (≈ 0.7 GB for n ≈ 1600, p = 20), one column per FWHT.
 */
#ifndef NTKB_LANTK_FJLT_H
#define NTKB_LANTK_FJLT_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "lantk/pairfeat.h"

#ifdef __cplusplus
extern "C" {
#endif

/* In-place un-normalised Walsh–Hadamard transform of v (length M, a power of two), blocked so
 * that the first 2^12-wide stages run in cache.  Time complexity: O(M log M). */
void ntkb_lantk_fwht(size_t M, double *v);

/* The sketched least-squares fit (see above) with accuracy parameter eps (0 < eps < 1) and a
 * seed for D and P.  w: f->p doubles; k_rows (may be NULL) receives k.
 * Returns NTKB_OK, NTKB_EINVAL (eps out of range, n < 1), NTKB_ENOMEM or the codes of
 * ntkb_lantk_normal_solve.
 * Time complexity: O(M (p+1) log M + nnz(P)·(p+1) + k (p+1)²), nnz(P) ≈ k·M·q. */
ntkb_status ntkb_lantk_ols_sketch(const ntkb_lantk_feat *f, size_t n, const size_t *train,
                                  const double *y, double eps, uint64_t seed, int threads,
                                  double *w, size_t *k_rows);

#ifdef __cplusplus
}
#endif

#endif
