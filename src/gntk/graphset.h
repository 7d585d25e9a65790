/* ntkbench gntk: a set of graphs as plain arrays, and its readers.
 *
 * Readers parse the GIN/DGCNN text format (plain or .gz) and the TU Dortmund format, build
 * each graph through igraph (simple undirected graph, self-loops kept once), and convert the
 * result into the flat CSR arrays below.  Kernels only ever see these arrays: igraph objects
 * never leave the readers (Debian's igraph is not thread-safe).
 *
 * Conventions reproduce the official GNTK code (KangchengHou/gntk, util.py + gram.py):
 *   - graph labels are remapped to 0..K-1 in order of first appearance;
 *   - neighbour lists are deduplicated (networkx Graph semantics);
 *   - a self-loop listed in the file is kept once (self_loop[u] = 1) and is not in adj;
 *     the GNTK adjacency is A = E + Eᵀ + I, so A_uu = 1 + 2·self_loop[u] (the COLLAB file has 2,837 such loops);
 *   - with NTKB_TAGS_DEGREE the node tag is the networkx degree: distinct neighbours plus
 *     2 per self-loop.
 * Node tags are renumbered densely 0..n_tags-1 (only tag equality matters to the kernels).
 */
#ifndef NTKB_GNTK_GRAPHSET_H
#define NTKB_GNTK_GRAPHSET_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    NTKB_TAGS_AUTO,   /* degree for IMDB-x and COLLAB (by name), file tags otherwise */
    NTKB_TAGS_FILE,   /* the node tag (GIN) or node label (TU) of the file */
    NTKB_TAGS_DEGREE  /* the node degree, as GNTK's degree_as_tag */
} ntkb_tag_mode;

typedef struct {
    char name[64];        /* dataset name, e.g. "MUTAG" */
    size_t n_graphs;
    size_t n_nodes;       /* over all graphs */
    size_t n_edges;       /* undirected edges over all graphs, self-loops counted once */
    size_t n_self_loops;
    size_t *graph_ptr;    /* n_graphs+1: graph g owns global nodes graph_ptr[g] .. graph_ptr[g+1]-1 */
    size_t *adj_ptr;      /* n_nodes+1: CSR row pointers into adj */
    int32_t *adj;         /* neighbours as graph-local ids, sorted, no duplicates, no self */
    uint8_t *self_loop;   /* n_nodes: 1 when the node has a self-loop */
    int32_t *tag;         /* n_nodes: dense tag id in 0..n_tags-1 */
    size_t n_tags;
    int64_t *label;       /* n_graphs: class in 0..n_classes-1, in order of first appearance */
    size_t n_classes;
    int64_t *class_value; /* n_classes: the label as written in the file for each class */
} ntkb_graphset;

/* Node count of graph g. */
static inline size_t ntkb_graphset_order(const ntkb_graphset *gs, size_t g)
{
    return gs->graph_ptr[g + 1] - gs->graph_ptr[g];
}

/* Frees a graph set; NULL is a no-op. */
void ntkb_graphset_free(ntkb_graphset *gs);

/* Reads a GIN/DGCNN text file (plain or gzip): a graph count line, then per graph a line
 * "n label" and n lines "tag deg nbr_1 .. nbr_deg [attributes..]" (attributes are ignored).
 * `name` becomes gs->name (the file's base name when NULL) and decides NTKB_TAGS_AUTO.
 * Returns NTKB_OK, NTKB_EIO (missing file: NTKB_ENOTFOUND), NTKB_EFORMAT (file:line: what was expected),
 * NTKB_ENOMEM or NTKB_EINTERNAL.  *out is owned by the caller.
 * Time complexity: O(total tokens + Σ_graphs (n + m) log m). */
ntkb_status ntkb_graphset_read_gin(const char *path, const char *name, ntkb_tag_mode tags,
                                   ntkb_graphset **out);

/* Reads a TU Dortmund dataset from `dir`/`name`_{A,graph_indicator,graph_labels}.txt and the
 * optional `name`_node_labels.txt (each plain or with a .gz suffix).  Ids are 1-based; edges
 * may be listed once or in both directions, duplicates collapse.  Without node labels every
 * node gets tag 0 (NTKB_TAGS_FILE) or its degree (NTKB_TAGS_DEGREE).
 * Returns as ntkb_graphset_read_gin.  Time complexity: O(nodes + edges log edges). */
ntkb_status ntkb_graphset_read_tu(const char *dir, const char *name, ntkb_tag_mode tags,
                                  ntkb_graphset **out);

/* Resolves a dataset argument: a directory or file path, or a NAME looked up as
 * `datadir`/NAME/NAME.txt[.gz] (GIN format).  A directory holding NAME_A.txt[.gz] is read as TU.
 * `datadir` NULL means the built-in datasets/ directory (or $NTKB_DATA when set).
 * Returns as the readers.  Time complexity: as the reader used. */
ntkb_status ntkb_graphset_load(const char *dataset, const char *datadir, ntkb_tag_mode tags,
                               ntkb_graphset **out);

/* Builds a graph set from arrays, as the readers build one from a file (parallel edges collapse,
 * a self-loop is kept once, tags renumbered in order of first appearance, labels remapped).
 *   node_ptr  n_graphs+1 offsets from 0: graph g has nodes node_ptr[g] .. node_ptr[g+1]-1;
 *   tags      node_ptr[n_graphs] raw node labels (any int64), or NULL for all 0;
 *   edge_ptr  n_graphs+1 offsets from 0 into the edge pairs: graph g owns the undirected edges
 *             (edges[2e], edges[2e+1]) for e in edge_ptr[g] .. edge_ptr[g+1]-1, as graph-local
 *             ids 0..n_g-1 (either direction, repeats allowed);
 *   labels    n_graphs class labels, or NULL for all 0;
 *   mode      applied as by the readers (NTKB_TAGS_AUTO decides by `name`; NULL name: "arrays").
 * The arrays are only read.  Returns NTKB_OK, NTKB_EINVAL (the message names the graph, the
 * edge and what was expected), NTKB_ENOMEM or NTKB_EINTERNAL.  *out is owned by the caller.
 * Uses igraph: not to be called from two threads at once.
 * Time complexity: O(Σ_graphs (n + m) log m). */
ntkb_status ntkb_graphset_from_arrays(const char *name, size_t n_graphs, const int64_t *node_ptr,
                                      const int64_t *tags, const int64_t *edge_ptr,
                                      const int64_t *edges, const int64_t *labels,
                                      ntkb_tag_mode mode, ntkb_graphset **out);

/* The 10-fold split files of a GIN-format dataset. */
typedef struct {
    size_t n_folds;
    size_t **train, **test;   /* per fold, 0-based graph indices */
    size_t *n_train, *n_test;
} ntkb_folds;

/* Reads `dir`/10fold_idx/{train,test}_idx-{1..n_folds}.txt, checking every index is in
 * [0, n_graphs) and that no index repeats within a file.  Returns NTKB_OK, NTKB_EIO,
 * NTKB_EFORMAT or NTKB_ENOMEM; *out owned by caller.  Time complexity: O(n_folds · n_graphs). */
ntkb_status ntkb_folds_read(const char *dir, size_t n_folds, size_t n_graphs, ntkb_folds **out);

/* Frees; NULL is a no-op. */
void ntkb_folds_free(ntkb_folds *f);

/* The directory a dataset argument resolves to (for the fold files); same lookup as
 * ntkb_graphset_load.  Writes at most cap bytes.  Returns NTKB_OK or NTKB_EIO. */
ntkb_status ntkb_dataset_dir(const char *dataset, const char *datadir, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif

#endif
