/* ntkbench eval, private to protocol*.c: the search's state (protocol.h).  protocol.c prepares
 * and runs the fits, protocol_select.c derives the reported settings from their counts,
 * protocol_blocks.c keeps the finished blocks of fits on disk. */
#ifndef NTKB_EVAL_PROTOCOL_INTERNAL_H
#define NTKB_EVAL_PROTOCOL_INTERNAL_H

#include "eval/protocol.h"
#include "eval/protocol_blocks.h"

#define N_VARIANTS 3

/* One list of item indices. */
typedef struct {
    size_t *idx;
    size_t n;
} index_list;

struct ntkb_protocol {
    size_t n;
    int64_t *labels;
    size_t n_folds, inner;
    index_list *train, *test;          /* outer folds */
    index_list *in_train, *in_test;    /* nested: [f · inner + j] */
    ntkb_protocol_opts opts;
    double *C;
    size_t n_C;
    size_t n_cand, cap_cand;
    char **names;
    /* correct counts: paper [((cand·3 + v)·n_C + c)·n_folds + f],
     * inner [(((cand·3 + v)·n_C + c)·n_folds + f)·inner + j]; -1 = not computed */
    int64_t *paper_ok, *inner_ok;
    double seconds;
    size_t n_fits, n_capped;
    ntkb_blocks *blocks;               /* record of finished blocks, or NULL */
    uint64_t gram_hash;                /* of the candidate being added */
};

#endif
