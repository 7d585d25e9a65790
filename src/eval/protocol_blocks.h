/* ntkbench eval, private to protocol*.c: the on-disk record of finished blocks of fits, so that
 * an interrupted search continues where it stopped and a finished one can be re-derived.
 *
 * A *block* is every C of one (candidate Gram, variant, fold task) — the unit of work of the
 * protocols (protocol.h).  The file is text, appended to one line per finished block:
 *
 *   ntkb-blocks 1
 *   dataset MUTAG
 *   protocol paper
 *   solver smo eps=0.001 shrinking=1 max_iter=500000
 *   C n=120 fp=9c4e2f0d7a1b3c55
 *   variants 0x6
 *   folds n=10 items=188 fp=...
 *   inner k=0 seed=20190513
 *   tests 19 19 ... (test sizes of the tasks, outer then inner)
 *   fingerprint 1f0e...
 *   b <gram> <variant> <task> <capped> <count_1> ... <count_n> <name> <line hash>
 *
 * The header names what the counts depend on (the Gram enters each line as a 64-bit hash of its
 * bytes, so a recomputed, different Gram is not matched); a file whose header differs from the
 * run's is refused (NTKB_EMISMATCH, naming the line), a line whose hash does not match its text
 * is refused (NTKB_EFORMAT), and a last line without its newline (a run killed while writing)
 * is dropped.  count_k is the number of correct test predictions at the k-th C of the grid;
 * task r < folds is outer fold r + 1, task folds + f·k + j inner fold j + 1 of outer fold f + 1.
 */
#ifndef NTKB_EVAL_PROTOCOL_BLOCKS_H
#define NTKB_EVAL_PROTOCOL_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

typedef struct ntkb_blocks ntkb_blocks;

/* 64-bit FNV-1a over 8-byte words (a trailing partial word byte-wise), continuing from h (start
 * with NTKB_BLOCKS_HASH0).  Not cryptographic: it detects edits and mix-ups, not forgeries.
 * Time complexity: O(bytes). */
#define NTKB_BLOCKS_HASH0 0xcbf29ce484222325ull
uint64_t ntkb_blocks_hash(const void *data, size_t bytes, uint64_t h);

/* Opens the record at `path` for a run whose identity is `header` (the lines after the version
 * line, each ending in '\n', without the fingerprint) and whose blocks hold n_C counts: reads and
 * checks an existing file (dropping a torn last line), or creates it.  When `seed` names another
 * existing record (e.g. a committed copy), it is checked the same way and its blocks missing from
 * `path` are appended to it.  Returns NTKB_OK, NTKB_EMISMATCH, NTKB_EFORMAT, NTKB_EIO or
 * NTKB_ENOMEM; *out owned by the caller (ntkb_blocks_close).  Time complexity: O(file size). */
ntkb_status ntkb_blocks_open(const char *path, const char *seed, const char *header, size_t n_C,
                             ntkb_blocks **out);

/* Copies the counts (n_C) and capped-fit count of a recorded block to counts/capped; returns 1,
 * or 0 when the block is not recorded.  Time complexity: O(recorded blocks). */
int ntkb_blocks_find(const ntkb_blocks *b, uint64_t gram, unsigned variant, size_t task,
                     int64_t *counts, size_t *capped);

/* Records a finished block: one line appended and flushed to disk.  Not thread-safe (callers
 * serialise).  $NTKB_BLOCKS_STOP_AFTER=k (tests) makes the call after the k-th record of the
 * process fail with NTKB_EINTERNAL, as if the run had been killed there.  Returns NTKB_OK,
 * NTKB_EIO, NTKB_ENOMEM or NTKB_EINTERNAL.  Time complexity: O(n_C) plus one fsync. */
ntkb_status ntkb_blocks_append(ntkb_blocks *b, uint64_t gram, unsigned variant, size_t task,
                               size_t capped, const int64_t *counts, const char *name);

/* Closes; NULL is a no-op. */
void ntkb_blocks_close(ntkb_blocks *b);

#endif
