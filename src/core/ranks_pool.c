/* The dynamic task pool over MPI ranks (see ranks.h): rank 0's service thread answers each
 * worker's "here is task t's result, give me the next" with the next index. */
#include "ranks.h"

#include <stdlib.h>
#include <string.h>

#include "ntkb_config.h"

#if NTKB_HAVE_MPI
#include <mpi.h>
#include <pthread.h>
#include <time.h>

enum { TAG_HDR = 7101, TAG_DATA, TAG_REPLY };
enum { K_REQ = 1, K_FAIL, K_BYE };
#define MSG_CAP 1024

struct ntkb_ranks_pool {
    ntkb_ranks_next_fn next;
    ntkb_ranks_recv_fn recv;
    void *ctx;
    size_t max_bytes;
    pthread_mutex_t lock; /* workers: one MPI exchange at a time; rank 0: the failure */
    pthread_t svc;
    int svc_running;
    char *buf;            /* rank 0: the payload being received */
    int failed;           /* read atomically */
    ntkb_status fail_st;
    char fail_msg[MSG_CAP + 64];
    /* Workers: tasks handed out ahead (a thread finishing a task takes the next from here and
     * its request refills it, so no thread waits for a reply while there is one), the replies
     * still to come (rank 0 sends them in order) and whether one said "no more". */
    int64_t *queue;
    size_t q_head, q_len, q_cap, outstanding;
    int exhausted;
    int64_t reply;
    MPI_Request reply_rq;
};

static void record_failure(ntkb_ranks_pool *p, ntkb_status st, int rank, const char *msg)
{
    pthread_mutex_lock(&p->lock);
    if (!p->failed) {
        p->fail_st = st ? st : NTKB_EINTERNAL;
        snprintf(p->fail_msg, sizeof p->fail_msg, "rank %d: %s", rank, msg);
        __atomic_store_n(&p->failed, 1, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&p->lock);
}

/* One message from a worker: a request (with the last result), a failure or goodbye. */
static int serve_one(ntkb_ranks_pool *p, int src)
{
    int64_t h[4];
    MPI_Recv(h, 4, MPI_INT64_T, src, TAG_HDR, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (h[3] > 0)
        MPI_Recv(p->buf, (int)(p->max_bytes + MSG_CAP), MPI_BYTE, src, TAG_DATA, MPI_COMM_WORLD,
                 MPI_STATUS_IGNORE);
    if (h[0] == K_BYE)
        return 1;
    if (h[0] == K_FAIL) {
        p->buf[h[3] > 0 ? h[3] - 1 : 0] = '\0';
        record_failure(p, (ntkb_status)h[2], src, p->buf);
        return 0;
    }
    if (h[1] >= 0 && !ntkb_ranks_pool_failed(p)) {
        ntkb_status st = p->recv(p->ctx, src, h[1], p->buf, (size_t)h[3]);
        if (st != NTKB_OK)
            record_failure(p, st, 0, ntkb_last_error());
    }
    for (int64_t q = 0; q < h[2]; q++) { /* h[2]: how many tasks the worker asks for */
        int64_t nx = ntkb_ranks_pool_failed(p) ? -1 : p->next(p->ctx);
        MPI_Send(&nx, 1, MPI_INT64_T, src, TAG_REPLY, MPI_COMM_WORLD);
    }
    return 0;
}

/* Polls for messages.  Each wake-up costs a few µs of CPU, so the nap doubles while nothing
 * comes, from 50 µs after a message up to 400 µs: a request waits ≤ 0.4 ms (a 64² tile takes
 * tens of ms), and an idle service wakes ≤ 2500 times a second. */
static void *service(void *arg)
{
    ntkb_ranks_pool *p = arg;
    long nap_ns = 50000;
    for (int byes = 0; byes < ntkb_ranks_size() - 1;) {
        int flag = 0;
        MPI_Status s;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_HDR, MPI_COMM_WORLD, &flag, &s);
        if (flag) {
            byes += serve_one(p, s.MPI_SOURCE);
            nap_ns = 50000;
            continue;
        }
        const struct timespec nap = {0, nap_ns};
        nanosleep(&nap, NULL);
        nap_ns = nap_ns < 200000 ? 2 * nap_ns : 400000;
    }
    return NULL;
}

ntkb_status ntkb_ranks_pool_open(ntkb_ranks_pool **out, ntkb_ranks_next_fn next,
                                 ntkb_ranks_recv_fn recv, void *ctx, size_t max_bytes)
{
    *out = NULL;
    if (max_bytes > (size_t)INT32_MAX - MSG_CAP)
        return ntkb_error(NTKB_EINVAL, "task pool: payloads of %zu bytes are too large",
                          max_bytes);
    ntkb_ranks_pool *p = calloc(1, sizeof *p);
    if (!p)
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    p->next = next;
    p->recv = recv;
    p->ctx = ctx;
    p->max_bytes = max_bytes;
    pthread_mutex_init(&p->lock, NULL);
    if (ntkb_ranks_rank() == 0) {
        p->buf = malloc(max_bytes + MSG_CAP);
        if (!p->buf || pthread_create(&p->svc, NULL, service, p) != 0) {
            free(p->buf);
            free(p);
            return ntkb_error(NTKB_ENOMEM, "task pool: cannot start the service thread");
        }
        p->svc_running = 1;
    }
    *out = p;
    return NTKB_OK;
}

/* Worker: takes in the oldest outstanding reply (waiting for it when `wait`); 0 when none
 * came.  Caller holds the lock. */
static int take_reply(ntkb_ranks_pool *p, int wait)
{
    if (p->outstanding == 0)
        return 0;
    int done = 0;
    if (wait)
        done = ntkb_ranks_wait(&p->reply_rq) == MPI_SUCCESS;
    else
        MPI_Test(&p->reply_rq, &done, MPI_STATUS_IGNORE);
    if (!done)
        return 0;
    if (p->reply < 0)
        p->exhausted = 1;
    else
        p->queue[(p->q_head + p->q_len++) % p->q_cap] = p->reply;
    if (--p->outstanding > 0)
        MPI_Irecv(&p->reply, 1, MPI_INT64_T, 0, TAG_REPLY, MPI_COMM_WORLD, &p->reply_rq);
    return 1;
}

/* Worker: asks for `count` more tasks, sending the result of `done` with the request. */
static void request(ntkb_ranks_pool *p, int64_t done, const void *data, size_t bytes,
                    int64_t count)
{
    int64_t h[4] = {K_REQ, done, count, done >= 0 ? (int64_t)bytes : 0};
    MPI_Send(h, 4, MPI_INT64_T, 0, TAG_HDR, MPI_COMM_WORLD);
    if (h[3] > 0) { /* above the eager limit this waits for rank 0: napping, not spinning */
        MPI_Request rq;
        MPI_Isend(data, (int)bytes, MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD, &rq);
        ntkb_ranks_wait(&rq);
    }
    if (p->outstanding == 0)
        MPI_Irecv(&p->reply, 1, MPI_INT64_T, 0, TAG_REPLY, MPI_COMM_WORLD, &p->reply_rq);
    p->outstanding += (size_t)count;
}

int64_t ntkb_ranks_pool_next(ntkb_ranks_pool *p, int64_t done, const void *data, size_t bytes)
{
    int64_t t = -1;
    pthread_mutex_lock(&p->lock);
    if (p->q_len + p->outstanding + 2 > p->q_cap) { /* room for every task asked for */
        size_t cap = 2 * p->q_cap + 4;
        int64_t *q = malloc(cap * sizeof *q);
        for (size_t i = 0; q && i < p->q_len; i++)
            q[i] = p->queue[(p->q_head + i) % p->q_cap];
        if (q) {
            free(p->queue);
            p->queue = q, p->q_head = 0, p->q_cap = cap;
        }
    }
    /* a thread's first request asks for one spare beside its own task */
    if (!p->exhausted && p->q_len + p->outstanding + 2 <= p->q_cap)
        request(p, done, data, bytes, done < 0 ? 2 : 1);
    else if (done >= 0)
        request(p, done, data, bytes, 0);
    while (take_reply(p, 0))
        ;
    while (p->q_len == 0 && p->outstanding > 0 && !p->exhausted)
        take_reply(p, 1);
    if (p->q_len > 0) {
        t = p->queue[p->q_head];
        p->q_head = (p->q_head + 1) % p->q_cap;
        p->q_len--;
    }
    pthread_mutex_unlock(&p->lock);
    return t;
}

void ntkb_ranks_pool_fail(ntkb_ranks_pool *p, ntkb_status st, const char *msg)
{
    size_t len = strnlen(msg, MSG_CAP - 1) + 1;
    char text[MSG_CAP];
    snprintf(text, sizeof text, "%s", msg);
    int64_t h[4] = {K_FAIL, -1, (int64_t)st, (int64_t)len};
    pthread_mutex_lock(&p->lock);
    MPI_Send(h, 4, MPI_INT64_T, 0, TAG_HDR, MPI_COMM_WORLD);
    MPI_Send(text, (int)len, MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD);
    pthread_mutex_unlock(&p->lock);
}

int ntkb_ranks_pool_failed(const ntkb_ranks_pool *p)
{
    return __atomic_load_n(&p->failed, __ATOMIC_ACQUIRE);
}

ntkb_status ntkb_ranks_pool_close(ntkb_ranks_pool *p)
{
    ntkb_status st = NTKB_OK;
    if (p->svc_running) {
        pthread_join(p->svc, NULL);
        if (p->failed)
            st = ntkb_error(p->fail_st, "%s", p->fail_msg);
    } else {
        int64_t h[4] = {K_BYE, -1, 0, 0};
        pthread_mutex_lock(&p->lock);
        while (p->outstanding > 0) /* the replies still on their way: "no more", each */
            take_reply(p, 1);
        MPI_Send(h, 4, MPI_INT64_T, 0, TAG_HDR, MPI_COMM_WORLD);
        pthread_mutex_unlock(&p->lock);
    }
    pthread_mutex_destroy(&p->lock);
    free(p->queue);
    free(p->buf);
    free(p);
    return st;
}

#else /* built without MPI: one rank, the pool is never opened */

struct ntkb_ranks_pool {
    int unused;
};

ntkb_status ntkb_ranks_pool_open(ntkb_ranks_pool **out, ntkb_ranks_next_fn next,
                                 ntkb_ranks_recv_fn recv, void *ctx, size_t max_bytes)
{
    (void)next, (void)recv, (void)ctx, (void)max_bytes;
    *out = NULL;
    return ntkb_error(NTKB_EINVAL, "task pool: ntkbench was built without MPI");
}

int64_t ntkb_ranks_pool_next(ntkb_ranks_pool *p, int64_t done, const void *data, size_t bytes)
{
    (void)p, (void)done, (void)data, (void)bytes;
    return -1;
}

void ntkb_ranks_pool_fail(ntkb_ranks_pool *p, ntkb_status st, const char *msg)
{
    (void)p, (void)st, (void)msg;
}

int ntkb_ranks_pool_failed(const ntkb_ranks_pool *p)
{
    (void)p;
    return 0;
}

ntkb_status ntkb_ranks_pool_close(ntkb_ranks_pool *p)
{
    (void)p;
    return NTKB_OK;
}
#endif
