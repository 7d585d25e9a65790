/* ntkbench gntk: the Graph Neural Tangent Kernel (Du et al. 2019), exact to the official code
 * KangchengHou/gntk (docs/algorithms.md).
 *
 * One pass with L BLOCKs (the official --num_layers minus one) and R MLP layers per BLOCK yields
 * 2L kernels per graph pair: for every depth l = 1..L the last-block readout (jk = 0) and the
 * jumping-knowledge readout (jk = 1), both with the official final factor 2.  Output index
 * k = 2(l − 1) + jk.
 *
 * Work is split into a per-graph precompute and a per-pair kernel.  Per graph: the coarsest
 * equitable partition refining (tag, self-loop) (colour refinement; nodes of one class have equal
 * rows of Σ and Θ at every layer, so the kernel runs on k×k' class matrices with readout weights
 * |U|·|V| — IMDB-BINARY has 4× fewer classes than nodes), its quotient adjacency in CSR, the
 * first aggregation A X over the tags present, and the diagonal caches d = sqrt(diag Σ(G,G))
 * before each ReLU layer.  Per pair: the first aggregation as C ⊙ (A X)(A'X')ᵀ, later ones as
 * two sparse–dense products with a transpose between (never a Kronecker product), and the ReLU
 * duals of relu.h.  Symbols below: n, n' orders, k, k' class counts, z = nnz of the quotient
 * adjacency, t the number of common tags.
 *
 * Agreement with the official Grams (tests/test_gntk.c, 16 MUTAG fixtures): faithful mode to
 * 5.3e-10 relative; fast mode to 1e-15 at depth 1 and 1.63e-9 at depth 4.  Why not closer: at
 * entries with ρ ≈ 1 (structurally equal nodes) κ0 = 1 − acos(ρ)/π has an infinite slope, so the
 * 1-ulp differences that another summation order leaves in Σ move κ0 by ~5e-9.  On dense graphs
 * the effect is larger (COLLAB, 78 pairs of small graphs, 3 BLOCKs, R = 3: fast 9e-9, faithful
 * 4.6e-10 against an official-order reference).
 */
#ifndef NTKB_GNTK_GNTK_H
#define NTKB_GNTK_GNTK_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "core/tiles.h"
#include "gntk/graphset.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { NTKB_GNTK_UNIFORM = 0, NTKB_GNTK_DEGREE = 1 } ntkb_gntk_scale;

typedef struct {
    int blocks;            /* L ≥ 1: BLOCKs = official num_layers − 1 */
    int mlp;               /* R ≥ 1: MLP layers per BLOCK (official num_mlp_layers) */
    ntkb_gntk_scale scale; /* c_u = 1 or 1/(row sum of A) */
    int faithful;          /* 0: fast (quotient by the equitable partition, two sparse products
                            * per aggregation); 1: node-level with the official summation order
                            * (scipy's Kronecker COO order), bit-for-bit the official arithmetic
                            * up to acos rounding; costs O(z z') per aggregation */
} ntkb_gntk_params;

/* Number of Gram outputs of one pass: 2L. */
static inline size_t ntkb_gntk_n_out(const ntkb_gntk_params *p)
{
    return 2u * (size_t)p->blocks;
}

/* Per-graph precomputed data for a whole graph set (opaque). */
typedef struct ntkb_gntk_prep ntkb_gntk_prep;
/* Per-thread workspace for the pair kernel (opaque). */
typedef struct ntkb_gntk_ws ntkb_gntk_ws;

/* Validates p.  Returns NTKB_OK or NTKB_EINVAL (blocks or mlp outside 1..64).  Time: O(1). */
ntkb_status ntkb_gntk_params_check(const ntkb_gntk_params *p);

/* Allocates the precompute for `gs` and fills the cheap per-graph parts (equitable partitions
 * and quotient adjacencies, row sums of A, A X over the tags present, tag counts).  The diagonal caches are filled by ntkb_gntk_prep_graph (the
 * Gram functions do it in parallel).  `gs` is borrowed and must outlive *out.
 * Returns NTKB_OK, NTKB_EINVAL or NTKB_ENOMEM.  *out is owned by the caller (ntkb_gntk_prep_free).
 * Time complexity: O(Σ_g r_g (n_g + z_g) log z_g + n_tags), r_g refinement rounds. */
ntkb_status ntkb_gntk_prep_alloc(const ntkb_graphset *gs, const ntkb_gntk_params *p,
                                 ntkb_gntk_prep **out);

/* Frees; NULL is a no-op. */
void ntkb_gntk_prep_free(ntkb_gntk_prep *prep);

/* Allocates a workspace sized for the largest graph of `prep`.  Returns NULL when out of memory.
 * Free with ntkb_gntk_ws_free (NULL is a no-op).  Time complexity: O(k_max²). */
ntkb_gntk_ws *ntkb_gntk_ws_alloc(const ntkb_gntk_prep *prep);
void ntkb_gntk_ws_free(ntkb_gntk_ws *ws);

/* Runs the diagonal pass of graph g: the Σ recursion on (G, G), storing sqrt(diag Σ) (and its
 * correctly rounded reciprocal) before each of the L·R ReLU layers.  Graphs may be prepared
 * concurrently with distinct workspaces.  Returns NTKB_OK or NTKB_ENUMERIC (a non-positive or
 * non-finite diagonal).  Time complexity: O(L·R·k² + L·k·z). */
ntkb_status ntkb_gntk_prep_graph(ntkb_gntk_prep *prep, size_t g, ntkb_gntk_ws *ws);

/* The 2L kernel values of graphs (i, j) into out[0 .. 2L−1] (index 2(l−1) + jk).  Needs the
 * diagonal caches of i and j.  No allocation.  Returns NTKB_OK.
 * Time complexity: O(L·R·k k' + (L−1)(z k' + k z') + k k' t); faithful mode
 * O(L·R·n n' + (L−1)·nnz(A) nnz(A')). */
ntkb_status ntkb_gntk_pair(const ntkb_gntk_prep *prep, size_t i, size_t j, ntkb_gntk_ws *ws,
                           double *out);

/* Same kernel through a slow reference written like the official numpy code: libm acos, dense
 * A, sums in scipy's Kronecker COO order, ρ = Σ / d / d', diagonal passes redone per call.  For
 * tests.  Returns NTKB_OK or NTKB_ENOMEM.
 * Time complexity: O(L·R·(n² + n n') + L·(nnz(A)² + nnz(A)·nnz(A'))). */
ntkb_status ntkb_gntk_pair_ref(const ntkb_graphset *gs, const ntkb_gntk_params *p, size_t i,
                               size_t j, double *out);

/* Computes all 2L Grams of `gs` in memory: grams[k] points to N×N doubles (filled, symmetric).
 * threads ≤ 0 uses the OpenMP default.  Returns NTKB_OK, NTKB_EINVAL, NTKB_ENOMEM or
 * NTKB_ENUMERIC.  Time complexity: O(N² · pair). */
ntkb_status ntkb_gntk_gram(const ntkb_graphset *gs, const ntkb_gntk_params *p, int threads,
                           double *const *grams);

/* As ntkb_gntk_gram, with `on_progress` (may be NULL) called with `arg` after every tile.
 * Returns as ntkb_gntk_gram.  Time complexity: O(N² · pair). */
ntkb_status ntkb_gntk_gram_progress(const ntkb_graphset *gs, const ntkb_gntk_params *p,
                                    int threads, double *const *grams,
                                    ntkb_tiles_progress_fn on_progress, void *arg);

/* The cross Grams between two groups of one graph set: the first n_b graphs (columns, e.g. the
 * training graphs) and the remaining n_a = N − n_b (rows, e.g. the test graphs).  grams[k]
 * (2L slots) receives n_a × n_b doubles, row-major, entry (r, c) = K_k(graph n_b + r, graph c),
 * equal bit for bit to that entry of the full Gram of `gs`; diag (NULL or 2L slots of n_a
 * doubles) receives K_k of every row graph with itself (for cosine normalisation).
 * on_progress (may be NULL) is called with `arg` after each row.  threads ≤ 0: the OpenMP
 * default.  Returns NTKB_OK, NTKB_EINVAL (no graph in a group, bad parameters), NTKB_ENOMEM
 * or NTKB_ENUMERIC.  Time complexity: O(N · diagonal pass + n_a · n_b · pair). */
ntkb_status ntkb_gntk_cross(const ntkb_graphset *gs, const ntkb_gntk_params *p, size_t n_b,
                            int threads, double *const *grams, double *const *diag,
                            ntkb_tiles_progress_fn on_progress, void *arg);

/* Computes the Grams through the tiled driver with the run options of `opt` (its n, k, ctx,
 * prep, fill and fingerprint fields are set here; the caller sets grams/out_dir/names/resume/
 * threads/progress).  The fingerprint covers the graph set checksum and p.
 * Returns as ntkb_tiles_run.  Time complexity: O(N² · pair). */
ntkb_status ntkb_gntk_gram_run(const ntkb_graphset *gs, const ntkb_gntk_params *p,
                               ntkb_tiles_spec *opt, ntkb_tiles_stats *stats);

/* How one pass to disk runs (ntkb_gntk_pass_run). */
typedef struct {
    int threads;   /* OpenMP threads (≤ 0: the OpenMP default) */
    size_t tile;   /* tile edge of the driver (0: its default) */
    int quiet;     /* no progress lines */
    int resume;    /* continue a journal left in the directory by a killed run */
    int reuse;     /* skip the pass when the directory already holds it (same fingerprint) */
} ntkb_gntk_pass_opts;

/* Computes (or reuses) one pass into `dir` (created if missing): gram-L{l}-jk{0,1}.npy for
 * l ≤ p->blocks, labels.npy and meta.json (parameters, fingerprint, the threads used, seconds).
 * dataset_arg is recorded as given.  *seconds gets the pass's run time (the recorded one when
 * reused), *reused whether it was reused, *stats (may be NULL) the driver's tile counts.
 * The run holds the lock of `dir` (ntkb_fs_lock_take): without reuse, a directory locked by
 * another run gives NTKB_EBUSY; with reuse (a cache), the run waits for it and then reuses its
 * pass.  Earlier Grams deeper than this pass and the old meta.json are removed first.
 * Returns the codes of ntkb_gntk_gram_run, NTKB_EBUSY, or NTKB_EIO for the directory or metadata.
 * Time complexity: that of the GNTK pass (O(1) when reused). */
ntkb_status ntkb_gntk_pass_run(const ntkb_graphset *gs, const ntkb_gntk_params *p,
                               const char *dataset_arg, const char *dir,
                               const ntkb_gntk_pass_opts *po, double *seconds, int *reused,
                               ntkb_tiles_stats *stats);

/* A 64-bit FNV-1a checksum of the graph set's structure, tags and labels.  Time: O(nodes+edges). */
uint64_t ntkb_gntk_checksum(const ntkb_graphset *gs);

/* Writes the run fingerprint text (checksum, N, L, R, scale) into buf.  Time: O(1). */
void ntkb_gntk_fingerprint(const ntkb_graphset *gs, const ntkb_gntk_params *p, char *buf,
                           size_t cap);

#ifdef __cplusplus
}
#endif

#endif
