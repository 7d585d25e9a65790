/* ntkbench studies: the SVM protocols on Grams from anywhere (ntkb_eval).
 *
 * Each Gram file is one candidate kernel configuration (an N×N float64 .npy); the labels an N
 * int64 .npy; the folds a directory of 10fold_idx/{train,test}_idx-{1..K}.txt files (or that
 * 10fold_idx directory itself).  The search of eval/protocol.h runs over all candidates; the
 * paper protocol's per-candidate and overall bests, and the nested protocol's per-fold choices,
 * are printed on stdout.
 */
#ifndef NTKB_STUDIES_GRAM_EVAL_H
#define NTKB_STUDIES_GRAM_EVAL_H

#include <stddef.h>

#include "core/status.h"
#include "eval/protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *const *grams;  /* n_grams .npy paths (borrowed) */
    size_t n_grams;
    const char *labels, *folds;
    size_t n_folds;            /* fold files to read (10 for the DGCNN splits) */
    ntkb_protocol_opts opts;   /* C grid, variants, protocols, solver, threads, progress */
} ntkb_gram_eval_opts;

/* Loads labels and folds, adds every Gram (one at a time: one Gram in memory), runs the
 * requested protocols and prints their results.  Returns NTKB_OK, NTKB_EFORMAT (a Gram whose
 * order differs from the label count; malformed files), or the codes of the readers and of
 * eval/protocol.h.  Time complexity: that of the protocols (eval/protocol.h). */
ntkb_status ntkb_gram_eval_run(const ntkb_gram_eval_opts *o);

#ifdef __cplusplus
}
#endif

#endif
