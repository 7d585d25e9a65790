/* MPI ranks: initialisation, the writer rank's streams, collectives (see ranks.h). */
#include "ranks.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ntkb_config.h"

#if NTKB_HAVE_MPI
#include <mpi.h>
#endif

static int g_rank, g_size = 1, g_shared;
#if NTKB_HAVE_MPI
static int g_mpi;
#endif
static FILE *g_err;

int ntkb_ranks_rank(void)
{
    return g_rank;
}

int ntkb_ranks_size(void)
{
    return g_size;
}

int ntkb_ranks_built(void)
{
    return NTKB_HAVE_MPI;
}

FILE *ntkb_ranks_stderr(void)
{
    return g_err ? g_err : stderr;
}

void ntkb_ranks_error_shared(int shared)
{
    g_shared = shared;
}

int ntkb_ranks_error_is_shared(void)
{
    return g_shared;
}

#if NTKB_HAVE_MPI
/* Started by a launcher?  Open MPI's mpirun, and srun through PMIx or PMI-2. */
static int launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}

/* A worker's stdout and stderr go to /dev/null; its errors keep the old stderr. */
static void silence_worker(void)
{
    const char *v = getenv("NTKB_RANKS_VERBOSE");
    if (v && strcmp(v, "0") != 0)
        return;
    int keep = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);
    if (keep < 0 || null < 0)
        return;
    g_err = fdopen(keep, "w");
    fflush(stdout);
    fflush(stderr);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    close(null);
}
#endif

ntkb_status ntkb_ranks_init(void)
{
#if NTKB_HAVE_MPI
    if (g_mpi || !launched())
        return NTKB_OK;
    int provided = 0;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
        return ntkb_error(NTKB_EINTERNAL, "MPI_Init_thread failed");
    g_mpi = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    if (provided < MPI_THREAD_SERIALIZED)
        return ntkb_error(NTKB_EINTERNAL, "MPI gives thread level %d, ntkbench needs "
                          "MPI_THREAD_SERIALIZED (%d)", provided, MPI_THREAD_SERIALIZED);
    if (g_rank > 0)
        silence_worker();
#endif
    return NTKB_OK;
}

int ntkb_ranks_finish(int code)
{
#if NTKB_HAVE_MPI
    if (!g_mpi)
        return code;
    g_mpi = 0;
    if (code != 0 && g_size > 1 && !g_shared)
        MPI_Abort(MPI_COMM_WORLD, code);
    MPI_Finalize();
#endif
    return code;
}

#if NTKB_HAVE_MPI
int ntkb_ranks_wait(void *request)
{
    /* Open MPI's blocking calls spin a core while they wait; ranks wait long for rank 0 (its
     * fsyncs, its last tile), so they test and nap instead: ~100 µs more latency, no CPU. */
    const struct timespec nap = {0, 100000};
    int done = 0;
    while (MPI_Test((MPI_Request *)request, &done, MPI_STATUS_IGNORE) == MPI_SUCCESS && !done)
        nanosleep(&nap, NULL);
    return done ? MPI_SUCCESS : MPI_ERR_OTHER;
}
#else
int ntkb_ranks_wait(void *request)
{
    (void)request;
    return 0;
}
#endif

ntkb_status ntkb_ranks_bcast(void *buf, size_t bytes)
{
#if NTKB_HAVE_MPI
    if (g_size < 2)
        return NTKB_OK;
    for (size_t at = 0; at < bytes;) {
        int chunk = bytes - at > (size_t)(INT_MAX / 2) ? INT_MAX / 2 : (int)(bytes - at);
        MPI_Request rq;
        if (MPI_Ibcast((char *)buf + at, chunk, MPI_BYTE, 0, MPI_COMM_WORLD, &rq) != MPI_SUCCESS ||
            ntkb_ranks_wait(&rq) != MPI_SUCCESS)
            return ntkb_error(NTKB_EINTERNAL, "MPI_Bcast of %zu bytes failed", bytes);
        at += (size_t)chunk;
    }
#else
    (void)buf;
    (void)bytes;
#endif
    return NTKB_OK;
}

#if NTKB_HAVE_MPI
static ntkb_status allreduce(void *v, size_t n, MPI_Datatype type, MPI_Op op, size_t width)
{
    for (size_t at = 0; at < n;) {
        int chunk = n - at > (size_t)(INT_MAX / 16) ? INT_MAX / 16 : (int)(n - at);
        MPI_Request rq;
        if (MPI_Iallreduce(MPI_IN_PLACE, (char *)v + at * width, chunk, type, op,
                           MPI_COMM_WORLD, &rq) != MPI_SUCCESS ||
            ntkb_ranks_wait(&rq) != MPI_SUCCESS)
            return ntkb_error(NTKB_EINTERNAL, "MPI_Allreduce of %zu values failed", n);
        at += (size_t)chunk;
    }
    return NTKB_OK;
}
#endif

ntkb_status ntkb_ranks_max_i64(int64_t *v, size_t n)
{
#if NTKB_HAVE_MPI
    if (g_size > 1)
        return allreduce(v, n, MPI_INT64_T, MPI_MAX, sizeof *v);
#else
    (void)v;
    (void)n;
#endif
    return NTKB_OK;
}

ntkb_status ntkb_ranks_sum_u64(uint64_t *v, size_t n)
{
#if NTKB_HAVE_MPI
    if (g_size > 1)
        return allreduce(v, n, MPI_UINT64_T, MPI_SUM, sizeof *v);
#else
    (void)v;
    (void)n;
#endif
    return NTKB_OK;
}
