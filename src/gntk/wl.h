/* ntkbench gntk: Weisfeiler–Lehman subtree kernel (Shervashidze et al., JMLR 2011).
 *
 *   ℓ_0(v)  = initial label (see ntkb_wl_init);
 *   ℓ_i(v)  = id of the signature (ℓ_{i-1}(v), sorted multiset {ℓ_{i-1}(w) : w ∈ N(v)}), with one
 *             dictionary per iteration shared by *all* graphs of the set (the full-Gram,
 *             transductive convention of GIN/GNTK and GraKeL's fit_transform);
 *   K_H(G, G') = Σ_{i=0..H} ⟨φ_i(G), φ_i(G')⟩, φ_i = histogram of ℓ_i over V(G).
 * H counts refinement steps, as GraKeL's n_iter does: its WeisfeilerLehman sets
 * _n_iter = n_iter + 1 label sets, i.e. n_iter refinements on top of the base histogram
 * (the "h5" fixtures, made with n_iter = 6, equal this function's H = 6 and differ at H = 5).
 * Values are integers (exact in double up to 2^53) and equal GraKeL's
 * WeisfeilerLehman(n_iter=H, VertexHistogram) Grams entry for entry (tests/fixtures/wl-grakel).
 * Label ids differ from GraKeL's, but the kernel depends only on which nodes share a label.
 *
 * Neighbourhoods: the graph set's neighbour lists (distinct, no self); a node with a self-loop
 * also lists itself once, as GraKeL's adjacency built from an edge list containing (v, v) does
 * (only COLLAB has self-loops).  Isolated nodes keep the signature (ℓ(v), {}).
 *
 * Initial labels (NTKB_WL_INIT_TAGS is what the benchmarks use):
 *   TAGS     the graph set's node tags: the file's node labels for MUTAG/PTC/NCI1/PROTEINS and,
 *            through the loader's NTKB_TAGS_AUTO, the node degree for IMDB-B/M and COLLAB (GIN and GNTK
 *            use degree for these unlabelled graphs, and so do the GraKeL fixtures) — starting
 *            from degree makes WL iteration h see what a uniform start sees at h + 1;
 *   UNIFORM  one label for every node (the textbook choice for unlabelled graphs; iteration 1
 *            then reproduces the degree partition, so H must be one larger for the same depth);
 *   DEGREE   the number of entries of the WL neighbourhood above (distinct neighbours, +1 for
 *            a self-loop) — differs from the loader's networkx degree (+2 per self-loop) only on
 *            COLLAB.
 */
#ifndef NTKB_GNTK_WL_H
#define NTKB_GNTK_WL_H

#include <stddef.h>
#include <stdint.h>

#include "core/gram.h"
#include "core/status.h"
#include "gntk/graphset.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    NTKB_WL_INIT_TAGS = 0,
    NTKB_WL_INIT_UNIFORM,
    NTKB_WL_INIT_DEGREE
} ntkb_wl_init;

/* Computes the WL subtree Grams K_0, ..., K_H of every graph pair of gs in one pass (the
 * refinement is shared; K_h is cumulative over iterations 0..h).
 *   out:  H+1 slots; out[h] receives a new n_graphs × n_graphs Gram when want is NULL or
 *         want[h] != 0, NULL otherwise.  Each Gram is owned by the caller (ntkb_gram_free).
 *   n_labels_out: optional, H+1 entries: distinct labels at each iteration.
 *   threads: OpenMP threads (≤ 0: OpenMP default).
 * Returns NTKB_OK, NTKB_EINVAL (NULL graph set or out, no graph, more than INT32_MAX labels)
 * or NTKB_ENOMEM; on error every out[h] is NULL.
 * Memory: the requested Grams (8·N² bytes each; one accumulator is reused as the largest
 * requested h) plus O(nodes + edges) work arrays.
 * Time complexity: O(H · (nodes + edges·log Δ)) for the relabelling plus, per iteration,
 * Σ_labels (graphs containing the label)² / 2 multiply-adds for the Gram, and O(N²) per
 * requested Gram. */
ntkb_status ntkb_wl_grams(const ntkb_graphset *gs, size_t H, ntkb_wl_init init,
                          const uint8_t *want, int threads, ntkb_gram **out,
                          size_t *n_labels_out);

/* The block of K_H between the first n_b graphs of gs (columns, e.g. the training graphs) and
 * the others (rows), without the Gram of either group: out (n_a × n_b doubles, row-major,
 * caller-allocated, n_a = N − n_b) ← K_H(graph n_b + r, graph c); diag (NULL or N doubles) ←
 * K_H(g, g) for every graph.  The label dictionary spans the whole set, so the values equal
 * those entries of ntkb_wl_grams (integers: bit for bit) and, since a label id stands for one
 * signature history whatever the dictionary, GraKeL's transform of the rows after fit on the
 * columns.  Returns NTKB_OK, NTKB_EINVAL (as ntkb_wl_grams, or a group
 * without graphs) or NTKB_ENOMEM.  Memory: O(nodes + edges) besides the caller's arrays.
 * Time complexity: the relabelling of ntkb_wl_grams plus, per iteration, Σ_labels (row graphs
 * with the label)·(column graphs with it). */
ntkb_status ntkb_wl_cross(const ntkb_graphset *gs, size_t H, ntkb_wl_init init, size_t n_b,
                          int threads, double *out, double *diag);

/* Cosine normalisation in place: K_ij ← K_ij / sqrt(K_ii K_jj); a row/column whose diagonal is
 * ≤ 0 (an empty graph) becomes 0.  Returns NTKB_OK or NTKB_EINVAL (NULL), NTKB_ENOMEM.
 * Time complexity: O(N²). */
ntkb_status ntkb_wl_normalize(ntkb_gram *g);

#ifdef __cplusplus
}
#endif

#endif
