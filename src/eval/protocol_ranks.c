/* The protocol's fits over MPI ranks: see protocol_ranks.h. */
#include "protocol_ranks.h"

#include "core/ranks.h"

int ntkb_protocol_rank_runs(size_t first, size_t task)
{
    const size_t size = (size_t)ntkb_ranks_size();
    return size < 2 || (first + task) % size == (size_t)ntkb_ranks_rank();
}

ntkb_status ntkb_protocol_ranks_merge(ntkb_status st, int64_t *a, size_t n_a, int64_t *b,
                                      size_t n_b, size_t *capped)
{
    const int size = ntkb_ranks_size(), rank = ntkb_ranks_rank();
    if (size < 2)
        return st;
    /* The first failed rank (size when none), then the capped fits. */
    int64_t failed = st != NTKB_OK ? rank : size;
    uint64_t cap = *capped;
    ntkb_status m = ntkb_ranks_max_i64(a, n_a);
    if (m == NTKB_OK)
        m = ntkb_ranks_max_i64(b, n_b);
    if (m == NTKB_OK)
        m = ntkb_ranks_sum_u64(&cap, 1);
    int64_t neg = -failed; /* a minimum through the maximum */
    if (m == NTKB_OK)
        m = ntkb_ranks_max_i64(&neg, 1);
    if (m != NTKB_OK)
        return m;
    *capped = (size_t)cap;
    if (st != NTKB_OK)
        return st;
    if (-neg < size) {
        ntkb_ranks_error_shared(1);
        return ntkb_error(NTKB_EINTERNAL, "rank %lld failed in the SVM fits (its message "
                          "follows from that rank)", (long long)-neg);
    }
    return NTKB_OK;
}
