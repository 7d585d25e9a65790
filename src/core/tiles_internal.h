/* The tiled driver's internals, shared by tiles.c (the loops, over threads and MPI ranks) and
 * tiles_durable.c (the partial files, the journal and the final commit).  Not installed. */
#ifndef NTKB_CORE_TILES_INTERNAL_H
#define NTKB_CORE_TILES_INTERNAL_H

#include <pthread.h>
#include <stddef.h>

#include "journal.h"
#include "tiles.h"

typedef struct {
    const ntkb_tiles_spec *sp;
    size_t T, nt, count;     /* tile edge, tiles per side, upper-triangle tiles */
    size_t *tr, *tc;         /* tile coordinates (tile units) */
    unsigned char *done;
    int *fds;                /* K partial files (durable mode) */
    size_t hdr;              /* npy header bytes */
    ntkb_journal journal;    /* fd −1 unless durable */
    int committed;           /* the journal holds the commit record */
    int sync_each;           /* commit after every tile (the crash hook is armed) */
    unsigned char *renamed;  /* output k is under its final name already */
    size_t *pending;         /* finished tiles not yet journaled */
    size_t n_pending;
    double t_start, t_last_sync, t_last_print;
    double pairs_total, pairs_done, pairs_skipped;
    size_t computed, skipped;
    size_t stop_after;       /* test hook: fail after this many new tiles (0: off) */
    int fail_here;           /* test hook ($NTKB_TILES_FAIL_RANK): 1 this worker rank fails its
                              * tiles, 2 it SIGKILLs itself at its second tile */
    ntkb_status err;
    char errmsg[1024];
    size_t *todo;            /* the tiles to compute, in order */
    size_t n_todo, next_todo; /* next_todo is taken atomically */
    pthread_mutex_t lock;    /* journal, progress and the first error */
    double *svc_tbuf;        /* MPI rank 0: scratch of the service thread */
} drv;

/* Durable mode: opens (resume) or creates the partial files and the journal. */
ntkb_status ntkb_tiles_durable_open(drv *d);

/* Loads the finished tiles of a resumed run into the caller's in-memory Grams. */
ntkb_status ntkb_tiles_durable_load(drv *d);

/* Group commit of the pending tiles (data fdatasync'ed, then the records).  Caller holds
 * d->lock or is the only thread. */
ntkb_status ntkb_tiles_durable_sync(drv *d);

/* Commits a complete run: the commit record, the renames, the journal's removal. */
ntkb_status ntkb_tiles_durable_finish(drv *d);

/* Writes one filled tile (blocks[k] with ld = T, already mirrored when diagonal) to the
 * in-memory Grams and the partial files; tbuf is a T×T scratch. */
ntkb_status ntkb_tiles_store(drv *d, size_t t, double *const *blocks, double *tbuf);

#endif
