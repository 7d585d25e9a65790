/* Internal to the graph readers: accumulate graphs one at a time (edge list in graph-local
 * ids), build each through igraph, and append it to the flat CSR arrays of an ntkb_graphset. */
#ifndef NTKB_GNTK_GRAPHSET_BUILD_H
#define NTKB_GNTK_GRAPHSET_BUILD_H

#include <igraph.h>

#include "graphset.h"

typedef struct {
    ntkb_graphset *gs;
    size_t cap_graphs, cap_labels, cap_adj;
    size_t cap_adj_ptr, cap_loop, cap_raw_tag; /* node arrays grow separately */
    int64_t *raw_tag;             /* per node, the tag from the file (before renumbering) */
    igraph_vector_int_t edges;    /* current graph's edge list, graph-local ids, pairs */
    int edges_ready;
    int64_t *tag_keys;            /* first-appearance renumbering of tags: id -> raw tag */
    size_t n_tag_keys, cap_tag_keys;
    int32_t *tag_slots;           /* hash table raw tag -> id + 1 (0: empty), a power of 2 */
    size_t tag_slots_cap;
    size_t cap_classes;
    igraph_error_handler_t *old_error; /* the caller's igraph handlers, restored at the end */
    igraph_warning_handler_t *old_warning;
    int handlers_set;
} ntkb_gsbuild;

/* Starts an empty set named `name`; installs recording igraph error handlers until
 * ntkb_gsbuild_finish or ntkb_gsbuild_abort restores the caller's. */
ntkb_status ntkb_gsbuild_init(ntkb_gsbuild *b, const char *name);
/* Adds an undirected edge u–v (graph-local, may repeat, may be a self-loop) to the current graph. */
ntkb_status ntkb_gsbuild_edge(ntkb_gsbuild *b, int64_t u, int64_t v);
/* Ends the current graph: n nodes with file tags raw_tags[0..n-1] (NULL = all 0) and its label. */
ntkb_status ntkb_gsbuild_graph(ntkb_gsbuild *b, size_t n, const int64_t *raw_tags, int64_t label);
/* Applies the tag mode, renumbers tags and hands over the graph set (b is released). */
ntkb_status ntkb_gsbuild_finish(ntkb_gsbuild *b, ntkb_tag_mode tags, ntkb_graphset **out);
/* Releases everything (after an error). */
void ntkb_gsbuild_abort(ntkb_gsbuild *b);

/* True for the social datasets whose tags are degrees in the GNTK/GIN setup. */
int ntkb_graphset_name_wants_degree(const char *name);

#endif
