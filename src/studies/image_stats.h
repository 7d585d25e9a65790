/* ntkbench studies (internal to the image report): honest uncertainty for images.md — the
 * Nadeau–Bengio correction of the resplit standard errors, test-set-selected rows without error
 * bars, and paired tests over class pairs. */
#ifndef NTKB_STUDIES_IMAGE_STATS_H
#define NTKB_STUDIES_IMAGE_STATS_H

#include <stddef.h>
#include <stdio.h>

#include "eval/report.h"

/* In place, on rows read from images.csv (before averages over pairs are formed):
 * - "diff …" rows of a resplits protocol (std = sd/√J as bench_lantk writes it) get the
 *   Nadeau–Bengio standard error sd·sqrt(1/J + n_test/n_train), with n_train and n_test read
 *   from the row's params ("per resplit (80/20): A train + B test"); rows without them are left;
 * Returns the number of rows corrected.  Time complexity: O(n). */
size_t ntkb_image_nb_correct(ntkb_report_row *rows, size_t n);

/* In place: rows chosen on the test set (methods "LANTK-best" and "diff best", any protocol,
 * averages included) lose their error bar (n = 1): a maximum over variants chosen on the test
 * data has no honest standard error.  Time complexity: O(n). */
void ntkb_image_unbar_selected(ntkb_report_row *rows, size_t n);

/* Writes the Markdown table of paired tests over class pairs: for each protocol in `protos` and
 * each LANTK variant, the per-pair gains ("diff <variant>" rows) of the pairs in `groups` that
 * all have one: mean, standard error over pairs, paired t and its two-sided p (df = pairs − 1),
 * the signs (+ / − / 0) with the exact sign test's p, and for resplit rows the number of pairs
 * whose own corrected t (gain / NB standard error, df = J − 1) has p < 0.05.  `title` names the
 * list of pairs.  Time complexity: O(n_protos · n_groups · n). */
void ntkb_image_pair_tests(FILE *out, const ntkb_report_row *rows, size_t n, const char *title,
                           const char *const *groups, size_t n_groups, const char *const *protos,
                           size_t n_protos);

/* Writes the section "Why our gain is smaller than the paper's": the test-set and training-set
 * sizes (from the rows' params), the V1/V2 mapping (our and the published FJLT gains on the five
 * published pairs), the sketch against the exact fit (deer-dog), and λ (zero gains on the
 * Fashion-MNIST pairs `fm`).  Lines whose rows are missing are left out.
 * Time complexity: O(n_groups · n). */
void ntkb_image_gap(FILE *out, const ntkb_report_row *rows, size_t n, const char *const *pub5,
                    const char *const *fm, size_t nfm);

#endif
