/* ntkbench core: the tiled parallel Gram driver.
 *
 * Knows nothing of graphs or images.  A kernel supplies two callbacks: "precompute item i" and
 * "fill the block rows r0..r1-1 × cols c0..c1-1" for K outputs at once (e.g. one Gram per depth
 * and readout).  The driver walks the upper-triangle tiles with OpenMP threads, mirrors them,
 * and either fills caller-owned in-memory Grams, or writes durable files, or both.
 *
 * Durable mode (out_dir set): every output `names[k]` is built in `out_dir/names[k].partial`, a
 * complete N×N '<f8' .npy preallocated with its header; a tile and its mirror are written at
 * fixed offsets header + 8(iN + j) with pwrite.  Finished tiles are recorded in
 * `out_dir/tiles.journal` (core/journal.h: checksummed one-line records, group commit: the data
 * files fdatasync'ed, then the records appended with one write and fsync'ed, at most about once
 * per second and at the end).  A rerun with resume = 1 reads the journal, refuses with
 * NTKB_EMISMATCH when its fingerprint, N, K or tile size differ, ignores torn records, and
 * computes only the missing tiles: every entry is written once by a deterministic callback, so
 * the result is bit-identical to an uninterrupted run.  At the end each .partial is fsync'ed, a
 * "commit" record is journaled, the partials are renamed onto their final names (atomic) and
 * the journal is removed; a run killed anywhere in that sequence resumes to the same files.
 *
 * Over MPI ranks (core/ranks.h; every rank calls ntkb_tiles_run with the same spec): every rank
 * runs the prep of all items and computes the tiles rank 0 hands out one at a time (dynamic
 * balancing); rank 0 alone opens the files, stores every tile, journals and commits, so the
 * files and their resume are exactly those of one process, for any rank count.  In-memory
 * Grams are broadcast from rank 0 at the end; every rank returns rank 0's status, and a failing
 * rank's message names the rank and the tile.
 */
#ifndef NTKB_CORE_TILES_H
#define NTKB_CORE_TILES_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Precompute item i on thread `thread` (0..threads-1).  Must be thread-safe across items. */
typedef ntkb_status (*ntkb_tiles_prep_fn)(void *ctx, size_t item, int thread);

/* Fill rows r0..r1-1 × cols c0..c1-1 of the K outputs: entry (i, j) of output k goes to
 * blocks[k][(i - r0) * ld + (j - c0)].  For a diagonal tile (r0 == c0) only j ≥ i is read.
 * Must be deterministic (same values for the same (i, j) whatever the tiling or thread). */
typedef ntkb_status (*ntkb_tiles_fill_fn)(void *ctx, int thread, size_t r0, size_t r1, size_t c0,
                                          size_t c1, double *const *blocks, size_t ld);

/* Progress report: `done` of `total` entries (pairs) are finished.  Called after every tile,
 * from whichever worker thread finished it, one call at a time; must not call the driver. */
typedef void (*ntkb_tiles_progress_fn)(void *arg, double done, double total);

typedef struct {
    size_t n;                 /* items (Gram order N) */
    size_t k;                 /* outputs per entry */
    size_t tile;              /* tile edge; 0 → 64 */
    int threads;              /* ≤ 0 → OpenMP default */
    void *ctx;                /* passed to the callbacks */
    ntkb_tiles_prep_fn prep;  /* may be NULL */
    ntkb_tiles_fill_fn fill;
    double *const *grams;     /* optional: K caller-owned N×N arrays to fill */
    const char *out_dir;      /* optional: durable mode (directory must exist) */
    const char *const *names; /* K file names inside out_dir (durable mode) */
    const char *fingerprint;  /* one line identifying dataset + parameters (durable mode) */
    int resume;               /* continue from out_dir's journal when present */
    const char *progress;     /* label for progress lines on stderr; NULL → silent */
    ntkb_tiles_progress_fn on_progress; /* optional, called with progress_arg after each tile */
    void *progress_arg;
    size_t stop_after;        /* testing: return NTKB_EINTERNAL after this many new tiles (0: off;
                               * $NTKB_TILES_STOP_AFTER sets it for whole programs) */
} ntkb_tiles_spec;

typedef struct {
    size_t tiles_total, tiles_skipped, tiles_computed;
    double seconds_prep, seconds_fill;
} ntkb_tiles_stats;

/* Runs the driver.  Returns NTKB_OK; NTKB_EINVAL (bad spec); NTKB_EMISMATCH (resume journal of
 * another dataset/parameter set; message names both fingerprints); NTKB_EIO; NTKB_ENOMEM; or
 * the first error of a callback (remaining tiles are skipped).  stats may be NULL.
 * Time complexity: O(N) prep calls + O(N²/2) fill entries + O(K N²) I/O in durable mode. */
ntkb_status ntkb_tiles_run(const ntkb_tiles_spec *spec, ntkb_tiles_stats *stats);

#ifdef __cplusplus
}
#endif

#endif
