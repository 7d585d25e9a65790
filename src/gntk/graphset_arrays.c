/* A graph set from arrays held by a caller (the Python package, a program of the caller's own):
 * the same builder as the file readers, so the same simplification and tag renumbering. */
#include "graphset_build.h"

#include <inttypes.h>

/* Checks the offsets of one graph and feeds its edges to the builder. */
static ntkb_status add_graph(ntkb_gsbuild *b, size_t g, const int64_t *node_ptr,
                             const int64_t *tags, const int64_t *edge_ptr, const int64_t *edges,
                             const int64_t *labels)
{
    int64_t n = node_ptr[g + 1] - node_ptr[g], e0 = edge_ptr[g], e1 = edge_ptr[g + 1];
    if (n < 1 || n > INT32_MAX)
        return ntkb_error(NTKB_EINVAL, "graph %zu: node offsets %" PRId64 "..%" PRId64
                          ": expected at least one node (and at most 2^31 - 1)",
                          g, node_ptr[g], node_ptr[g + 1]);
    if (e1 < e0)
        return ntkb_error(NTKB_EINVAL, "graph %zu: edge offsets %" PRId64 "..%" PRId64
                          ": expected non-decreasing offsets", g, e0, e1);
    for (int64_t e = e0; e < e1; e++) {
        int64_t u = edges[2 * e], v = edges[2 * e + 1];
        if (u < 0 || u >= n || v < 0 || v >= n)
            return ntkb_error(NTKB_EINVAL, "graph %zu: edge %" PRId64 " (%" PRId64 ", %" PRId64
                              "): expected node ids in 0..%" PRId64 " (the graph has %" PRId64
                              " nodes)", g, e - e0, u, v, n - 1, n);
        ntkb_status st = ntkb_gsbuild_edge(b, u, v);
        if (st != NTKB_OK)
            return st;
    }
    return ntkb_gsbuild_graph(b, (size_t)n, tags ? tags + node_ptr[g] : NULL,
                              labels ? labels[g] : 0);
}

ntkb_status ntkb_graphset_from_arrays(const char *name, size_t n_graphs, const int64_t *node_ptr,
                                      const int64_t *tags, const int64_t *edge_ptr,
                                      const int64_t *edges, const int64_t *labels,
                                      ntkb_tag_mode mode, ntkb_graphset **out)
{
    if (!out || !node_ptr || !edge_ptr)
        return ntkb_error(NTKB_EINVAL, "graph set from arrays: NULL argument");
    *out = NULL;
    if (n_graphs == 0)
        return ntkb_error(NTKB_EINVAL, "graph set from arrays: expected at least one graph");
    if (node_ptr[0] != 0 || edge_ptr[0] != 0)
        return ntkb_error(NTKB_EINVAL, "graph set from arrays: expected offsets starting at 0 "
                          "(nodes %" PRId64 ", edges %" PRId64 ")", node_ptr[0], edge_ptr[0]);
    if (!edges && edge_ptr[n_graphs] != 0)
        return ntkb_error(NTKB_EINVAL, "graph set from arrays: NULL edge array");
    ntkb_gsbuild b;
    ntkb_status st = ntkb_gsbuild_init(&b, name ? name : "arrays");
    for (size_t g = 0; st == NTKB_OK && g < n_graphs; g++)
        st = add_graph(&b, g, node_ptr, tags, edge_ptr, edges, labels);
    if (st != NTKB_OK) {
        ntkb_gsbuild_abort(&b);
        return st;
    }
    return ntkb_gsbuild_finish(&b, mode, out);
}
