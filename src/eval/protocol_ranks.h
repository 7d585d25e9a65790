/* ntkbench eval: the protocol's fits spread over MPI ranks (core/ranks.h).
 *
 * The fit tasks of one (candidate, variant) — one per outer or inner fold, each running every C
 * — are dealt cyclically over the ranks, starting one place further for each new batch so that
 * rank 0 does not always take the odd task; inside a rank, OpenMP threads share its tasks as
 * before.  A task's correct counts go to its own table entries, which are −1 elsewhere, so an
 * element-wise maximum over the ranks merges the tables exactly: every rank ends with the table
 * of one process, and the rows are the same for any rank count.  Static dealing, not the
 * dynamic pool of the Gram tiles: the tasks of a batch cost about the same (same C list, folds
 * of nearly equal size), and a collective merge per batch keeps rank 0 free of a service role.
 * With one rank every function here is a no-op.
 */
#ifndef NTKB_EVAL_PROTOCOL_RANKS_H
#define NTKB_EVAL_PROTOCOL_RANKS_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Whether this rank runs task `task` of the batch that begins at serial number `first` (the
 * count of tasks of earlier batches, the same on every rank).  Time complexity: O(1). */
int ntkb_protocol_rank_runs(size_t first, size_t task);

/* Merges one batch over the ranks (collective, also after a local failure): the maximum of
 * every entry of the two count tables (either may be NULL with length 0), the sum of *capped,
 * and the failures: returns `st` when this rank failed (its message stands), NTKB_EINTERNAL
 * naming the first failed rank when another did, NTKB_OK otherwise.
 * Time complexity: O(n_a + n_b) plus an all-reduce. */
ntkb_status ntkb_protocol_ranks_merge(ntkb_status st, int64_t *a, size_t n_a, int64_t *b,
                                      size_t n_b, size_t *capped);

#ifdef __cplusplus
}
#endif

#endif
