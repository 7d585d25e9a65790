/* ntkbench eval: the few significance computations the reports need — Student's t tail, the
 * exact sign test, and the Nadeau–Bengio correction for overlapping resampled splits.
 *
 * Nadeau & Bengio (2003): J random train/test resplits of one data set overlap, so the variance
 * of the mean of J per-split differences is not σ²/J but about (1/J + n_test/n_train)·σ²; the
 * corrected standard error is sd · sqrt(1/J + n_test/n_train) instead of sd/√J.
 */
#ifndef NTKB_EVAL_STATS_H
#define NTKB_EVAL_STATS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The regularised incomplete beta function I_x(a, b) for a, b > 0, 0 ≤ x ≤ 1 (Lentz's continued
 * fraction; about 1e-13 relative).  NaN outside the domain.  Time complexity: O(1) (≤ 300 terms). */
double ntkb_stats_ibeta(double a, double b, double x);

/* Two-sided p-value of Student's t statistic with df > 0 degrees of freedom:
 * P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2).  NaN for df ≤ 0 or a NaN t.  Time: O(1). */
double ntkb_stats_t_p2(double t, double df);

/* Two-sided exact sign test: with `pos` positive and `neg` negative differences (ties dropped),
 * min(1, 2·P(Bin(pos+neg, ½) ≤ min(pos, neg))); 1 when pos + neg = 0.  Time: O(pos + neg). */
double ntkb_stats_sign_p2(size_t pos, size_t neg);

/* Ratio of the Nadeau–Bengio corrected standard error to the naive sd/√J for J resplits with
 * n_train and n_test items each: sqrt(1 + J·n_test/n_train) (≈ 2.45 for J = 20 and 80/20
 * splits).  NaN when J or n_train is 0.  Time complexity: O(1). */
double ntkb_stats_nb_factor(size_t J, size_t n_train, size_t n_test);

#ifdef __cplusplus
}
#endif

#endif
