/* The invariants of a graph set a reader returned NTKB_OK for (graphset.h). */
#ifndef NTKB_FUZZ_GRAPHSET_CHECK_H
#define NTKB_FUZZ_GRAPHSET_CHECK_H

#include "fuzz_util.h"
#include "gntk/graphset.h"

static inline void fuzz_check_graphset(const ntkb_graphset *gs)
{
    FUZZ_CHECK(gs && gs->n_graphs > 0 && gs->graph_ptr[0] == 0);
    FUZZ_CHECK(gs->graph_ptr[gs->n_graphs] == gs->n_nodes);
    for (size_t g = 0; g < gs->n_graphs; g++) {
        FUZZ_CHECK(gs->graph_ptr[g] < gs->graph_ptr[g + 1]); /* no empty graph */
        FUZZ_CHECK(gs->label[g] >= 0 && (size_t)gs->label[g] < gs->n_classes);
        for (size_t u = gs->graph_ptr[g]; u < gs->graph_ptr[g + 1]; u++) {
            FUZZ_CHECK(gs->tag[u] >= 0 && (size_t)gs->tag[u] < gs->n_tags);
            FUZZ_CHECK(gs->adj_ptr[u] <= gs->adj_ptr[u + 1]);
            for (size_t e = gs->adj_ptr[u]; e < gs->adj_ptr[u + 1]; e++) /* graph-local ids */
                FUZZ_CHECK(gs->adj[e] >= 0 &&
                           (size_t)gs->adj[e] < gs->graph_ptr[g + 1] - gs->graph_ptr[g] &&
                           (size_t)gs->adj[e] != u - gs->graph_ptr[g] &&
                           (e + 1 == gs->adj_ptr[u + 1] || gs->adj[e] < gs->adj[e + 1]));
        }
    }
}

#endif
