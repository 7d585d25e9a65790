#include "protocol_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/threads.h"
#include "eval/folds_util.h"
#include "eval/protocol_ranks.h"
#include "eval/smo.h"
#include "ntkb_config.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif
#if NTKB_HAVE_OPENMP
#include <omp.h>
#endif

ntkb_protocol_opts ntkb_protocol_opts_default(void)
{
    ntkb_protocol_opts o = {0};
    o.variants = (1u << NTKB_SVM_SCALED) | (1u << NTKB_SVM_COSINE);
    o.protocols = NTKB_PROTOCOL_PAPER;
    o.inner_folds = 5;
    o.seed = 20190513u;
    o.svm = ntkb_svm_params_default();
    return o;
}

double ntkb_protocol_default_C(size_t k, size_t n)
{
    if (n < 2)
        return 1.0;
    /* numpy.linspace(-2, 4, n): start + k·step, the last point exactly 4 */
    double e = k + 1 == n ? 4.0 : -2.0 + (double)k * (6.0 / (double)(n - 1));
    return pow(10.0, e);
}

static void free_lists(index_list *l, size_t k)
{
    if (!l)
        return;
    for (size_t i = 0; i < k; i++)
        free(l[i].idx);
    free(l);
}

void ntkb_protocol_free(ntkb_protocol *p)
{
    if (!p)
        return;
    free(p->labels);
    free_lists(p->train, p->n_folds);
    free_lists(p->test, p->n_folds);
    free_lists(p->in_train, p->n_folds * p->inner);
    free_lists(p->in_test, p->n_folds * p->inner);
    free(p->C);
    for (size_t k = 0; k < p->n_cand; k++)
        free(p->names[k]);
    free(p->names);
    free(p->paper_ok);
    free(p->inner_ok);
    ntkb_blocks_close(p->blocks);
    free(p);
}

static ntkb_status copy_list(index_list *dst, const size_t *src, size_t n, size_t n_items,
                             const char *what, size_t f)
{
    if (n == 0 || !src)
        return ntkb_error(NTKB_EINVAL, "protocol: %s fold %zu is empty", what, f + 1);
    dst->idx = malloc(n * sizeof *dst->idx);
    if (!dst->idx)
        return ntkb_error(NTKB_ENOMEM, "protocol: out of memory");
    for (size_t t = 0; t < n; t++) {
        if (src[t] >= n_items)
            return ntkb_error(NTKB_EINVAL, "protocol: %s fold %zu: index %zu out of range (n=%zu)",
                              what, f + 1, src[t], n_items);
        dst->idx[t] = src[t];
    }
    dst->n = n;
    return NTKB_OK;
}

/* Inner splits of every outer training set (nested protocol). */
static ntkb_status make_inner(ntkb_protocol *p)
{
    const size_t k = p->inner;
    p->in_train = calloc(p->n_folds * k, sizeof *p->in_train);
    p->in_test = calloc(p->n_folds * k, sizeof *p->in_test);
    if (!p->in_train || !p->in_test)
        return ntkb_error(NTKB_ENOMEM, "protocol: out of memory");
    for (size_t f = 0; f < p->n_folds; f++) {
        const index_list *tr = &p->train[f];
        size_t *fold_of = malloc(tr->n * sizeof *fold_of);
        if (!fold_of)
            return ntkb_error(NTKB_ENOMEM, "protocol: out of memory");
        ntkb_status st = ntkb_kfold_stratified(p->labels, tr->idx, tr->n, k, p->opts.seed + f,
                                               fold_of);
        for (size_t j = 0; j < k && !st; j++) {
            index_list *a = &p->in_train[f * k + j], *b = &p->in_test[f * k + j];
            a->idx = malloc(tr->n * sizeof *a->idx);
            b->idx = malloc(tr->n * sizeof *b->idx);
            if (!a->idx || !b->idx) {
                st = ntkb_error(NTKB_ENOMEM, "protocol: out of memory");
                break;
            }
            for (size_t t = 0; t < tr->n; t++) {
                if (fold_of[t] == j)
                    b->idx[b->n++] = tr->idx[t];
                else
                    a->idx[a->n++] = tr->idx[t];
            }
        }
        free(fold_of);
        if (st)
            return st;
    }
    return NTKB_OK;
}

static ntkb_status check_opts(const ntkb_protocol_opts *o, size_t n_folds)
{
    if (n_folds == 0 || n_folds > NTKB_PROTOCOL_MAX_FOLDS)
        return ntkb_error(NTKB_EINVAL, "protocol: need 1..%d folds (got %zu)",
                          NTKB_PROTOCOL_MAX_FOLDS, n_folds);
    if (o->variants & ~7u)
        return ntkb_error(NTKB_EINVAL, "protocol: unknown variant bits 0x%x", o->variants);
    if (o->solver != NTKB_SOLVER_SMO && o->solver != NTKB_SOLVER_LIBSVM &&
        o->solver != NTKB_SOLVER_PATH)
        return ntkb_error(NTKB_EINVAL, "protocol: unknown solver %d", (int)o->solver);
    if (o->svm.max_iter < -1)
        return ntkb_error(NTKB_EINVAL, "protocol: max_iter must be -1 or >= 0");
    if (o->protocols & ~3u)
        return ntkb_error(NTKB_EINVAL, "protocol: unknown protocol bits 0x%x", o->protocols);
    if ((o->protocols & NTKB_PROTOCOL_NESTED) && o->inner_folds < 2)
        return ntkb_error(NTKB_EINVAL, "protocol: the inner CV needs k >= 2");
    for (size_t c = 0; o->C && c < o->n_C; c++)
        if (!(o->C[c] > 0.0) || !isfinite(o->C[c]))
            return ntkb_error(NTKB_EINVAL, "protocol: C[%zu] = %g is not positive", c, o->C[c]);
    if (o->C && o->n_C == 0)
        return ntkb_error(NTKB_EINVAL, "protocol: empty C grid");
    return NTKB_OK;
}

/* The record of fits of this search: its header names everything the counts depend on except
 * the Grams (hashed per block). */
static ntkb_status open_blocks(ntkb_protocol *p, const ntkb_protocol_opts *o)
{
    uint64_t folds = ntkb_blocks_hash(p->labels, p->n * sizeof *p->labels, NTKB_BLOCKS_HASH0);
    for (size_t f = 0; f < p->n_folds; f++) {
        folds = ntkb_blocks_hash(&p->train[f].n, sizeof(size_t), folds);
        folds = ntkb_blocks_hash(p->train[f].idx, p->train[f].n * sizeof(size_t), folds);
        folds = ntkb_blocks_hash(&p->test[f].n, sizeof(size_t), folds);
        folds = ntkb_blocks_hash(p->test[f].idx, p->test[f].n * sizeof(size_t), folds);
    }
    const uint64_t cs = ntkb_blocks_hash(p->C, p->n_C * sizeof *p->C, NTKB_BLOCKS_HASH0);
    const char *solver = o->solver == NTKB_SOLVER_LIBSVM ? "libsvm"
                         : o->solver == NTKB_SOLVER_PATH ? "path" : "smo";
    const long max_iter = o->solver == NTKB_SOLVER_SMO ? o->svm.max_iter : -1;
    char id[4096];
    snprintf(id, sizeof id,
             "dataset %s\nprotocol %s\nsolver %s eps=%.17g shrinking=%d max_iter=%ld\n"
             "C n=%zu fp=%016llx\nvariants 0x%x\nfolds n=%zu items=%zu fp=%016llx\n"
             "inner k=%zu seed=%llu\n",
             o->blocks_label && *o->blocks_label ? o->blocks_label : "-",
             p->inner ? "nested" : "paper", solver, o->svm.eps, o->svm.shrinking, max_iter,
             p->n_C, (unsigned long long)cs, p->opts.variants, p->n_folds, p->n,
             (unsigned long long)folds, p->inner, (unsigned long long)o->seed);
    /* the test-fold sizes, so that readers of the record can turn counts into accuracies */
    size_t len = strlen(id);
    len += (size_t)snprintf(id + len, sizeof id - len, "tests");
    for (size_t f = 0; f < p->n_folds && len < sizeof id; f++)
        len += (size_t)snprintf(id + len, sizeof id - len, " %zu", p->test[f].n);
    for (size_t k = 0; k < p->n_folds * p->inner && len < sizeof id; k++)
        len += (size_t)snprintf(id + len, sizeof id - len, " %zu", p->in_test[k].n);
    if (len + 1 >= sizeof id)
        return ntkb_error(NTKB_EINVAL, "protocol: too many folds for a record of fits");
    id[len++] = '\n';
    id[len] = '\0';
    return ntkb_blocks_open(o->blocks, o->blocks_seed, id, p->n_C, &p->blocks);
}

ntkb_status ntkb_protocol_alloc(size_t n, const int64_t *labels, size_t n_folds,
                                size_t *const *train, const size_t *n_train,
                                size_t *const *test, const size_t *n_test,
                                const ntkb_protocol_opts *opts, ntkb_protocol **out)
{
    if (!out || !labels || !train || !n_train || !test || !n_test || n == 0)
        return ntkb_error(NTKB_EINVAL, "protocol: NULL argument or no items");
    *out = NULL;
    ntkb_protocol_opts o = opts ? *opts : ntkb_protocol_opts_default();
    if (o.variants == 0)
        o.variants = (1u << NTKB_SVM_SCALED) | (1u << NTKB_SVM_COSINE);
    if (o.protocols == 0)
        o.protocols = NTKB_PROTOCOL_PAPER;
    ntkb_status st = check_opts(&o, n_folds);
    if (st)
        return st;
    ntkb_protocol *p = calloc(1, sizeof *p);
    if (!p)
        return ntkb_error(NTKB_ENOMEM, "protocol: out of memory");
    p->n = n;
    p->n_folds = n_folds;
    p->opts = o;
    p->opts.C = NULL;
    p->n_C = o.C ? o.n_C : 120;
    p->labels = malloc(n * sizeof *p->labels);
    p->C = malloc(p->n_C * sizeof *p->C);
    p->train = calloc(n_folds, sizeof *p->train);
    p->test = calloc(n_folds, sizeof *p->test);
    if (!p->labels || !p->C || !p->train || !p->test) {
        st = ntkb_error(NTKB_ENOMEM, "protocol: out of memory");
        goto fail;
    }
    memcpy(p->labels, labels, n * sizeof *labels);
    for (size_t c = 0; c < p->n_C; c++)
        p->C[c] = o.C ? o.C[c] : ntkb_protocol_default_C(c, p->n_C);
    for (size_t f = 0; f < n_folds && !st; f++) {
        st = copy_list(&p->train[f], train[f], n_train[f], n, "training", f);
        if (!st)
            st = copy_list(&p->test[f], test[f], n_test[f], n, "test", f);
        if (!st && (o.protocols & NTKB_PROTOCOL_NESTED) && n_train[f] < o.inner_folds)
            st = ntkb_error(NTKB_EINVAL, "protocol: training fold %zu has fewer than %zu items",
                            f + 1, o.inner_folds);
    }
    if (st)
        goto fail;
    if (o.protocols & NTKB_PROTOCOL_NESTED) {
        p->inner = o.inner_folds;
        st = make_inner(p);
        if (st)
            goto fail;
    }
    p->opts.blocks = p->opts.blocks_seed = p->opts.blocks_label = NULL; /* borrowed until here */
    if (o.blocks && (st = open_blocks(p, &o)) != NTKB_OK)
        goto fail;
    *out = p;
    return NTKB_OK;
fail:
    ntkb_protocol_free(p);
    return st;
}

/* Grows the per-candidate tables by one candidate, filled with -1 ("not computed"). */
static ntkb_status grow(ntkb_protocol *p)
{
    const size_t per = N_VARIANTS * p->n_C * p->n_folds;
    if (p->n_cand == p->cap_cand) {
        size_t cap = p->cap_cand ? 2 * p->cap_cand : 4;
        char **names = realloc(p->names, cap * sizeof *names);
        if (!names)
            return ntkb_error(NTKB_ENOMEM, "protocol: out of memory");
        p->names = names;
        int64_t *a = realloc(p->paper_ok, cap * per * sizeof *a);
        if (!a)
            return ntkb_error(NTKB_ENOMEM, "protocol: out of memory");
        p->paper_ok = a;
        if (p->inner) {
            int64_t *b = realloc(p->inner_ok, cap * per * p->inner * sizeof *b);
            if (!b)
                return ntkb_error(NTKB_ENOMEM, "protocol: out of memory");
            p->inner_ok = b;
        }
        p->cap_cand = cap;
    }
    for (size_t k = 0; k < per; k++)
        p->paper_ok[p->n_cand * per + k] = -1;
    for (size_t k = 0; p->inner && k < per * p->inner; k++)
        p->inner_ok[p->n_cand * per * p->inner + k] = -1;
    return NTKB_OK;
}

/* The training and test lists of task r (outer fold r < n_folds, else inner fold
 * r - n_folds = f · inner + j) and where its correct counts go (slot + c · stride). */
static void task_lists(const ntkb_protocol *p, size_t v, size_t r, const index_list **tr,
                       const index_list **te, int64_t **slot, size_t *stride)
{
    const size_t base = (p->n_cand * N_VARIANTS + v) * p->n_C * p->n_folds;
    if (r < p->n_folds) {
        *tr = &p->train[r];
        *te = &p->test[r];
        *slot = &p->paper_ok[base + r];
        *stride = p->n_folds;
    } else {
        const size_t fj = r - p->n_folds;
        *tr = &p->in_train[fj];
        *te = &p->in_test[fj];
        *slot = &p->inner_ok[base * p->inner + fj];
        *stride = p->n_folds * p->inner;
    }
}

/* The path solver has no cap of its own; it keeps LIBSVM 3.24's safety net, max(10⁷, 100·l)
 * iterations per binary solve (l: the fold's training size, an upper bound of LIBSVM's l). */
static long path_cap(size_t l)
{
    return l > 100000 ? (long)(100 * l) : 10000000L;
}

/* Every C of one fold with the C SMO solver: the fold's float Gram is built once.  The path
 * solver goes up the grid, each fit warm-started from the one before. */
static ntkb_status fold_smo(ntkb_protocol *p, const double *vgram, size_t v, size_t r,
                            size_t *capped)
{
    const index_list *tr, *te;
    int64_t *slot;
    size_t stride;
    task_lists(p, v, r, &tr, &te, &slot, &stride);
    const int path = p->opts.solver == NTKB_SOLVER_PATH;
    const ntkb_smo_params sp = {.eps = p->opts.svm.eps, .shrinking = p->opts.svm.shrinking,
                                .max_iter = path ? path_cap(tr->n) : p->opts.svm.max_iter,
                                .warm = path};
    ntkb_smo_fold *f = NULL;
    ntkb_status st = ntkb_smo_fold_alloc(vgram, p->n, p->labels, tr->idx, tr->n, &f);
    for (size_t k = 0; k < p->n_C && !st; k++) {
        const size_t c = path ? k : p->n_C - 1 - k;
        ntkb_smo_info info;
        size_t ok = 0;
        st = ntkb_smo_fold_fit(f, p->C[c], &sp, &info);
        if (!st)
            st = ntkb_smo_fold_correct(f, te->idx, te->n, &ok, NULL);
        if (!st) {
            slot[c * stride] = (int64_t)ok;
            *capped += info.n_capped > 0;
        }
    }
    ntkb_smo_fold_free(f);
    return st;
}

/* Every C of one fold through LIBSVM (no iteration cap but its own, see svm.h). */
static ntkb_status fold_libsvm(ntkb_protocol *p, const ntkb_svm_rows *rows, size_t v, size_t r)
{
    const index_list *tr, *te;
    int64_t *slot;
    size_t stride;
    task_lists(p, v, r, &tr, &te, &slot, &stride);
    ntkb_status st = NTKB_OK;
    for (size_t c = p->n_C; c-- > 0 && !st;) {
        size_t ok = 0;
        st = ntkb_svm_fold_correct(rows, p->labels, tr->idx, tr->n, te->idx, te->n, p->C[c],
                                   &p->opts.svm, &ok, NULL);
        if (!st)
            slot[c * stride] = (int64_t)ok;
    }
    return st;
}

/* One block: every C of task r, taken from the record of fits when it holds the block, else
 * computed and recorded.  The record is shared by the threads: one at a time. */
static ntkb_status run_block(ntkb_protocol *p, const double *vgram, const ntkb_svm_rows *rows,
                             size_t v, size_t r, const char *name, size_t *capped)
{
    const index_list *tr, *te;
    int64_t *slot;
    size_t stride, cap = 0;
    task_lists(p, v, r, &tr, &te, &slot, &stride);
    int64_t *counts = p->blocks ? malloc(p->n_C * sizeof *counts) : NULL;
    if (p->blocks && !counts)
        return ntkb_error(NTKB_ENOMEM, "protocol: out of memory");
    int found = 0;
    ntkb_status st = NTKB_OK;
    if (p->blocks) {
#if NTKB_HAVE_OPENMP
#pragma omp critical(ntkb_protocol_blocks)
#endif
        found = ntkb_blocks_find(p->blocks, p->gram_hash, (unsigned)v, r, counts, &cap);
    }
    if (found)
        for (size_t c = 0; c < p->n_C; c++)
            slot[c * stride] = counts[c];
    else
        st = rows ? fold_libsvm(p, rows, v, r) : fold_smo(p, vgram, v, r, &cap);
    if (!st && p->blocks && !found) {
        for (size_t c = 0; c < p->n_C; c++)
            counts[c] = slot[c * stride];
#if NTKB_HAVE_OPENMP
#pragma omp critical(ntkb_protocol_blocks)
#endif
        st = ntkb_blocks_append(p->blocks, p->gram_hash, (unsigned)v, r, cap, counts, name);
    }
    free(counts);
    *capped += cap;
    return st;
}

/* Every fit of one variant: one task per (outer or inner) fold, spread over threads.  Worker
 * errors carry their (thread-local) message back to the calling thread. */
static ntkb_status run_variant(ntkb_protocol *p, const double *vgram, const ntkb_svm_rows *rows,
                               size_t v, const char *name)
{
    const long n_tasks = (long)(p->n_folds * (1 + p->inner));
    const size_t serial = p->n_fits / p->n_C; /* tasks of earlier batches (protocol_ranks.h) */
    ntkb_status first = NTKB_OK;
    size_t capped = 0;
    char msg[512] = "";
#if NTKB_HAVE_OPENMP
#pragma omp parallel for schedule(dynamic, 1) num_threads(ntkb_threads_resolve(p->opts.threads)) \
    reduction(+ : capped)
#endif
    for (long t = 0; t < n_tasks; t++) {
        ntkb_status st;
#if NTKB_HAVE_OPENMP
#pragma omp atomic read
#endif
        st = first;
        if (st || !ntkb_protocol_rank_runs(serial, (size_t)t))
            continue;
        st = run_block(p, vgram, rows, v, (size_t)t, name, &capped);
        if (st) {
#if NTKB_HAVE_OPENMP
#pragma omp critical(ntkb_protocol_error)
#endif
            if (!msg[0]) {
                snprintf(msg, sizeof msg, "%s", ntkb_last_error());
#if NTKB_HAVE_OPENMP
#pragma omp atomic write
#endif
                first = st;
            }
        }
    }
    const size_t base = (p->n_cand * N_VARIANTS + v) * p->n_C * p->n_folds;
    const size_t cells = p->n_C * p->n_folds;
    first = ntkb_protocol_ranks_merge(first ? ntkb_error(first, "%s", msg) : NTKB_OK,
                                      p->paper_ok + base, cells,
                                      p->inner ? p->inner_ok + base * p->inner : NULL,
                                      cells * p->inner, &capped);
    p->n_fits += (size_t)n_tasks * p->n_C;
    p->n_capped += capped;
    return first;
}

/* LIBSVM allocates its kernel cache column by column in every fit and frees it at the end;
 * with glibc's default trim threshold the freed memory goes back to the kernel after each fit,
 * so every fit page-faults its cache in again.  Keeping it (measured on 40 COLLAB fits, 2
 * threads: 1.09M → 0.40M minor page faults, 36 → 24 CPU-seconds) is a process-wide malloc
 * setting, so a library call does it only when asked (opts.tune_malloc). */
static void tune_malloc(void)
{
#ifdef __GLIBC__
    static int done;
    if (!done) {
        mallopt(M_TRIM_THRESHOLD, 1 << 30);
        mallopt(M_TOP_PAD, 256 << 20);
        done = 1;
    }
#endif
}

/* The variant's Gram in the form the solver reads: a double matrix (SMO) or LIBSVM rows. */
static ntkb_status prepare_variant(ntkb_protocol *p, const double *gram, size_t v,
                                   double *vgram, ntkb_svm_rows *rows)
{
    if (rows)
        return ntkb_svm_rows_fill(rows, gram, (ntkb_svm_variant)v, p->opts.threads);
    return ntkb_svm_gram_variant(gram, p->n, (ntkb_svm_variant)v, p->opts.threads, vgram, NULL);
}

ntkb_status ntkb_protocol_add(ntkb_protocol *p, const char *name, const double *gram)
{
    if (!p || !gram)
        return ntkb_error(NTKB_EINVAL, "protocol: NULL argument");
    double t0 = ntkb_clock_now();
    const int libsvm = p->opts.solver == NTKB_SOLVER_LIBSVM;
    if (libsvm) {
        ntkb_svm_silence();
        if (p->opts.tune_malloc)
            tune_malloc();
    }
    ntkb_status st = grow(p);
    if (st)
        return st;
    char *nm = strdup(name ? name : "");
    ntkb_svm_rows *rows = NULL;
    double *vgram = NULL;
    if (!nm)
        return ntkb_error(NTKB_ENOMEM, "protocol: out of memory");
    if (libsvm)
        st = ntkb_svm_rows_alloc(p->n, &rows);
    else if (!(vgram = malloc(p->n * p->n * sizeof *vgram)))
        st = ntkb_error(NTKB_ENOMEM, "protocol: cannot allocate a %zu×%zu Gram", p->n, p->n);
    if (p->blocks)
        p->gram_hash = ntkb_blocks_hash(gram, p->n * p->n * sizeof *gram, NTKB_BLOCKS_HASH0);
    for (size_t v = 0; v < N_VARIANTS && !st; v++) {
        if (!(p->opts.variants & (1u << v)))
            continue;
        double tv = ntkb_clock_now();
        size_t capped0 = p->n_capped;
        st = prepare_variant(p, gram, v, vgram, rows);
        if (!st)
            st = run_variant(p, vgram, rows, v, nm);
        char capped[64] = "";
        if (p->n_capped > capped0)
            snprintf(capped, sizeof capped, ", %zu stopped at max_iter", p->n_capped - capped0);
        if (!st && p->opts.progress)
            fprintf(stderr, "protocol: candidate %zu '%s' variant %s: %zu fits in %.1f s%s\n",
                    p->n_cand + 1, nm, v == NTKB_SVM_RAW ? "raw" : v == NTKB_SVM_SCALED ? "scaled"
                                                                                    : "cosine",
                    p->n_C * p->n_folds * (1 + p->inner), ntkb_clock_now() - tv, capped);
    }
    ntkb_svm_rows_free(rows);
    free(vgram);
    if (st) {
        free(nm);
        return st;
    }
    p->names[p->n_cand++] = nm;
    p->seconds += ntkb_clock_now() - t0;
    return NTKB_OK;
}

ntkb_status ntkb_protocol_run(size_t n, const int64_t *labels, size_t n_folds,
                              size_t *const *train, const size_t *n_train,
                              size_t *const *test, const size_t *n_test,
                              size_t n_candidates, const char *const *names,
                              const double *const *grams, const ntkb_protocol_opts *opts,
                              ntkb_protocol_result *paper, ntkb_protocol_result *nested)
{
    if (!grams || n_candidates == 0)
        return ntkb_error(NTKB_EINVAL, "protocol: no candidate Gram");
    ntkb_protocol *p = NULL;
    ntkb_status st = ntkb_protocol_alloc(n, labels, n_folds, train, n_train, test, n_test, opts,
                                         &p);
    for (size_t k = 0; k < n_candidates && !st; k++)
        st = ntkb_protocol_add(p, names ? names[k] : NULL, grams[k]);
    if (!st && paper)
        st = ntkb_protocol_paper(p, SIZE_MAX, 0, paper);
    if (!st && nested)
        st = ntkb_protocol_nested(p, nested);
    ntkb_protocol_free(p);
    return st;
}
