/* ntkbench core: MPI ranks (Open MPI), for runs spread over the processes of mpirun or srun.
 *
 * One binary serves both worlds.  MPI is initialised only when a launcher started the process
 * (it set OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_RANK or PMI_SIZE); run plainly, or built without
 * MPI (-Dmpi=disabled), a program is one process of size 1 and none of this costs anything.
 * Rank 0 is the writer: it alone writes files and rows and prints; the other ranks' stdout and
 * stderr go to /dev/null ($NTKB_RANKS_VERBOSE=1 keeps them), and their errors go to the real
 * stderr through ntkb_ranks_stderr().  Inside a rank, OpenMP threads as usual.
 *
 * The task pool hands out task indices dynamically: rank 0 serves them from a service thread
 * (MPI_THREAD_SERIALIZED: only that thread talks MPI on rank 0 while the pool is open, and the
 * workers' threads take turns), so rank 0 computes too; a worker sends the result of its last
 * task with the request for the next, and rank 0 hands that payload to a callback (the tiled
 * driver writes the tile).  The service thread polls with naps of 50–400 µs, not a spinning
 * wait, so it takes no core from the compute threads.
 */
#ifndef NTKB_CORE_RANKS_H
#define NTKB_CORE_RANKS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Initialises MPI when launched by mpirun/srun (idempotent; call first in main).  Returns
 * NTKB_OK or NTKB_EINTERNAL (MPI failed, or gives less than MPI_THREAD_SERIALIZED).
 * Time complexity: MPI_Init. */
ntkb_status ntkb_ranks_init(void);

/* This process's rank (0 when not under MPI) and the number of ranks (1).  O(1). */
int ntkb_ranks_rank(void);
int ntkb_ranks_size(void);

/* 1 when the library was built with MPI.  O(1). */
int ntkb_ranks_built(void);

/* The stream for error messages: stderr, or on a silenced worker rank the stderr it had. */
FILE *ntkb_ranks_stderr(void);

/* Ends the MPI part of a program whose exit code is `code`: MPI_Finalize when every rank ends
 * together (code 0, or an error all ranks share, see below); MPI_Abort(code) when this rank
 * failed on its own, since the others may wait for it.  Returns code.  O(1) + MPI. */
int ntkb_ranks_finish(int code);

/* Marks the last error as one every rank returns (rank 0 broadcast it and printed it), so
 * workers neither print it again nor abort.  O(1). */
void ntkb_ranks_error_shared(int shared);
int ntkb_ranks_error_is_shared(void);

/* Broadcasts `bytes` bytes from rank 0 to every rank (no-op on one rank).  Collective.
 * Returns NTKB_OK or NTKB_EINTERNAL.  Time complexity: O(bytes · log ranks). */
ntkb_status ntkb_ranks_bcast(void *buf, size_t bytes);

/* Element-wise maximum of v[0..n) over all ranks, in place on every rank; sum for `sum`.
 * Collective.  Returns NTKB_OK or NTKB_EINTERNAL.  Time complexity: O(n · log ranks). */
ntkb_status ntkb_ranks_max_i64(int64_t *v, size_t n);
ntkb_status ntkb_ranks_sum_u64(uint64_t *v, size_t n);

/* Completes an MPI request (an MPI_Request *) by testing it with 100 µs naps instead of
 * Open MPI's spinning wait.  Returns MPI_SUCCESS (0) or an MPI error code; 0 without MPI. */
int ntkb_ranks_wait(void *request);

/* Rank 0's side of the pool: the next task index (−1: none left) and a worker's payload for a
 * finished task (called on the service thread; must be thread-safe with rank 0's own compute
 * threads). */
typedef int64_t (*ntkb_ranks_next_fn)(void *ctx);
typedef ntkb_status (*ntkb_ranks_recv_fn)(void *ctx, int rank, int64_t task, void *data,
                                          size_t bytes);

typedef struct ntkb_ranks_pool ntkb_ranks_pool;

/* Opens the pool on every rank (collective).  max_bytes bounds a payload.  Returns NTKB_OK,
 * NTKB_ENOMEM or NTKB_EINTERNAL.  Time complexity: O(1) + a barrier. */
ntkb_status ntkb_ranks_pool_open(ntkb_ranks_pool **out, ntkb_ranks_next_fn next,
                                 ntkb_ranks_recv_fn recv, void *ctx, size_t max_bytes);

/* Worker ranks: hands in the payload of finished task `done` (−1 and NULL for the first call)
 * and returns the next task, or −1 when there is none (or the job is stopping).  Thread-safe.
 * Time complexity: one round trip to rank 0 plus the payload. */
int64_t ntkb_ranks_pool_next(ntkb_ranks_pool *p, int64_t done, const void *data, size_t bytes);

/* Worker ranks: reports a failure (status and message); rank 0 stops handing out tasks.
 * Thread-safe. */
void ntkb_ranks_pool_fail(ntkb_ranks_pool *p, ntkb_status st, const char *msg);

/* 1 on rank 0 once a worker failed or a recv callback failed (the compute threads stop). */
int ntkb_ranks_pool_failed(const ntkb_ranks_pool *p);

/* Closes the pool (collective: after every thread of this rank is done with it).  On rank 0
 * returns the first failure ("rank R: <message>") or NTKB_OK; on workers NTKB_OK.  Frees p.
 * Time complexity: waits for every worker. */
ntkb_status ntkb_ranks_pool_close(ntkb_ranks_pool *p);

#ifdef __cplusplus
}
#endif

#endif
