#include "wl.h"

#include "core/threads.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ntkb_config.h"
#if NTKB_HAVE_OPENMP
#include <omp.h>
#endif

/* Work arrays of one WL run over n nodes and g graphs. */
typedef struct {
    const ntkb_graphset *gs;
    size_t nn, ng;
    int threads;
    size_t *sig_ptr;    /* nn+1: node v's signature is sig[sig_ptr[v] .. sig_ptr[v+1]) */
    int32_t *sig;       /* label of v, then its sorted neighbour labels */
    uint64_t *hash;     /* nn: hash of each signature */
    int32_t *lab, *nlab;/* nn: labels at the current / next iteration */
    size_t n_lab;       /* labels in use at the current iteration: ids 0..n_lab-1 */
    int64_t *slot;      /* hash table of representative nodes, -1 = empty */
    size_t cap;         /* table size, a power of two ≥ 2·nn */
    int32_t *h_lab, *h_cnt; /* per graph g, at graph_ptr[g]: its (label, count) pairs */
    size_t *h_len;      /* ng: pairs per graph */
    size_t *p_ptr;      /* n_lab+1: posting list of each label */
    int32_t *p_graph, *p_cnt; /* postings: graphs in increasing order, with counts */
} wl_state;

/* In-place sort of a small int32 array: quicksort with an insertion-sort base case. */
static void sort_i32(int32_t *a, size_t n)
{
    while (n > 16) {
        int32_t x = a[0], y = a[n / 2], z = a[n - 1];
        int32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i >= j)
                break;
            int32_t t = a[i];
            a[i++] = a[j];
            a[j--] = t;
        }
        /* Recurse into the smaller part, loop on the larger: O(log n) stack. */
        if (j + 1 < n - j - 1) {
            sort_i32(a, j + 1);
            a += j + 1;
            n -= j + 1;
        } else {
            sort_i32(a + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    for (size_t i = 1; i < n; i++) {
        int32_t v = a[i];
        size_t k = i;
        while (k > 0 && a[k - 1] > v) {
            a[k] = a[k - 1];
            k--;
        }
        a[k] = v;
    }
}

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void state_free(wl_state *s)
{
    free(s->sig_ptr);
    free(s->sig);
    free(s->hash);
    free(s->lab);
    free(s->nlab);
    free(s->slot);
    free(s->h_lab);
    free(s->h_cnt);
    free(s->h_len);
    free(s->p_ptr);
    free(s->p_graph);
    free(s->p_cnt);
}

static ntkb_status state_alloc(wl_state *s, const ntkb_graphset *gs, int threads)
{
    memset(s, 0, sizeof *s);
    s->gs = gs;
    s->nn = gs->n_nodes;
    s->ng = gs->n_graphs;
    s->threads = ntkb_threads_resolve(threads);
    const size_t nn = s->nn;
    s->sig_ptr = malloc((nn + 1) * sizeof *s->sig_ptr);
    if (!s->sig_ptr)
        return ntkb_error(NTKB_ENOMEM, "wl: out of memory");
    s->sig_ptr[0] = 0;
    for (size_t v = 0; v < nn; v++)
        s->sig_ptr[v + 1] = s->sig_ptr[v] + 1 + (gs->adj_ptr[v + 1] - gs->adj_ptr[v]) +
                            (gs->self_loop ? gs->self_loop[v] : 0);
    for (s->cap = 16; s->cap < 2 * nn; s->cap *= 2)
        ;
    s->sig = malloc((s->sig_ptr[nn] ? s->sig_ptr[nn] : 1) * sizeof *s->sig);
    s->hash = malloc((nn + 1) * sizeof *s->hash);
    s->lab = malloc((nn + 1) * sizeof *s->lab);
    s->nlab = malloc((nn + 1) * sizeof *s->nlab);
    s->slot = malloc(s->cap * sizeof *s->slot);
    s->h_lab = malloc((nn + 1) * sizeof *s->h_lab);
    s->h_cnt = malloc((nn + 1) * sizeof *s->h_cnt);
    s->h_len = malloc((s->ng + 1) * sizeof *s->h_len);
    s->p_ptr = malloc((nn + 2) * sizeof *s->p_ptr);
    s->p_graph = malloc((nn + 1) * sizeof *s->p_graph);
    s->p_cnt = malloc((nn + 1) * sizeof *s->p_cnt);
    if (!s->sig || !s->hash || !s->lab || !s->nlab || !s->slot || !s->h_lab || !s->h_cnt ||
        !s->h_len || !s->p_ptr || !s->p_graph || !s->p_cnt)
        return ntkb_error(NTKB_ENOMEM, "wl: out of memory for %zu nodes", nn);
    return NTKB_OK;
}

/* Iteration-0 labels, compressed to ids 0..n_lab-1 in order of first appearance. */
static ntkb_status initial_labels(wl_state *s, ntkb_wl_init init)
{
    const ntkb_graphset *gs = s->gs;
    size_t maxv = 0;
    for (size_t v = 0; v < s->nn; v++) {
        size_t x = 0;
        if (init == NTKB_WL_INIT_TAGS)
            x = gs->tag[v] < 0 ? 0 : (size_t)gs->tag[v];
        else if (init == NTKB_WL_INIT_DEGREE)
            x = s->sig_ptr[v + 1] - s->sig_ptr[v] - 1;
        s->nlab[v] = (int32_t)x; /* raw value, compressed below */
        if (init == NTKB_WL_INIT_TAGS && gs->tag[v] < 0)
            return ntkb_error(NTKB_EINVAL, "wl: node %zu has a negative tag", v);
        if (x > maxv)
            maxv = x;
    }
    int32_t *map = malloc((maxv + 1) * sizeof *map);
    if (!map)
        return ntkb_error(NTKB_ENOMEM, "wl: out of memory");
    for (size_t x = 0; x <= maxv; x++)
        map[x] = -1;
    s->n_lab = 0;
    for (size_t v = 0; v < s->nn; v++) {
        int32_t *m = &map[s->nlab[v]];
        if (*m < 0)
            *m = (int32_t)s->n_lab++;
        s->lab[v] = *m;
    }
    free(map);
    return NTKB_OK;
}

/* Signatures and their hashes for every node (parallel over graphs). */
static void build_signatures(wl_state *s)
{
    const ntkb_graphset *gs = s->gs;
    const long ng = (long)s->ng;
#if NTKB_HAVE_OPENMP
#pragma omp parallel for schedule(dynamic, 16) num_threads(s->threads)
#endif
    for (long g = 0; g < ng; g++) {
        const size_t base = gs->graph_ptr[g];
        for (size_t v = base; v < gs->graph_ptr[g + 1]; v++) {
            int32_t *out = s->sig + s->sig_ptr[v];
            size_t k = 1;
            out[0] = s->lab[v];
            for (size_t e = gs->adj_ptr[v]; e < gs->adj_ptr[v + 1]; e++)
                out[k++] = s->lab[base + (size_t)gs->adj[e]];
            if (gs->self_loop && gs->self_loop[v])
                out[k++] = s->lab[v];
            sort_i32(out + 1, k - 1);
            uint64_t h = 0x9E3779B97F4A7C15ull * (k + 1);
            for (size_t i = 0; i < k; i++)
                h = mix64(h ^ ((uint64_t)(uint32_t)out[i] + 0x632BE59BD9B4E019ull));
            s->hash[v] = h;
        }
    }
}

static int same_signature(const wl_state *s, size_t a, size_t b)
{
    size_t la = s->sig_ptr[a + 1] - s->sig_ptr[a], lb = s->sig_ptr[b + 1] - s->sig_ptr[b];
    return s->hash[a] == s->hash[b] && la == lb &&
           !memcmp(s->sig + s->sig_ptr[a], s->sig + s->sig_ptr[b], la * sizeof *s->sig);
}

/* One dictionary for all graphs: new ids in order of first appearance (sequential; the
 * expensive part — building and sorting signatures — ran in parallel before). */
static ntkb_status compress(wl_state *s)
{
    const size_t mask = s->cap - 1;
    for (size_t k = 0; k < s->cap; k++)
        s->slot[k] = -1;
    size_t next = 0;
    for (size_t v = 0; v < s->nn; v++) {
        size_t k = (size_t)s->hash[v] & mask;
        while (s->slot[k] >= 0 && !same_signature(s, (size_t)s->slot[k], v))
            k = (k + 1) & mask;
        if (s->slot[k] < 0) {
            if (next > (size_t)INT32_MAX)
                return ntkb_error(NTKB_EINVAL, "wl: more than INT32_MAX labels");
            s->slot[k] = (int64_t)v;
            s->nlab[v] = (int32_t)next++;
        } else {
            s->nlab[v] = s->nlab[s->slot[k]];
        }
    }
    int32_t *t = s->lab;
    s->lab = s->nlab;
    s->nlab = t;
    s->n_lab = next;
    return NTKB_OK;
}

/* Per-graph histograms (sorted by label) and per-label posting lists in graph order. */
static ntkb_status histograms(wl_state *s)
{
    const ntkb_graphset *gs = s->gs;
    const long ng = (long)s->ng;
    int32_t *p_next = NULL;
#if NTKB_HAVE_OPENMP
#pragma omp parallel for schedule(dynamic, 16) num_threads(s->threads)
#endif
    for (long g = 0; g < ng; g++) {
        size_t a = gs->graph_ptr[g], n = gs->graph_ptr[g + 1] - a, len = 0;
        int32_t *hl = s->h_lab + a, *hc = s->h_cnt + a;
        memcpy(hl, s->lab + a, n * sizeof *hl);
        sort_i32(hl, n);
        for (size_t i = 0; i < n; i++) {
            if (len && hl[len - 1] == hl[i]) {
                hc[len - 1]++;
            } else {
                hl[len] = hl[i];
                hc[len++] = 1;
            }
        }
        s->h_len[g] = len;
    }
    memset(s->p_ptr, 0, (s->n_lab + 1) * sizeof *s->p_ptr);
    for (size_t g = 0; g < s->ng; g++)
        for (size_t i = 0; i < s->h_len[g]; i++)
            s->p_ptr[s->h_lab[gs->graph_ptr[g] + i] + 1]++;
    for (size_t l = 0; l < s->n_lab; l++)
        s->p_ptr[l + 1] += s->p_ptr[l];
    p_next = malloc((s->n_lab + 1) * sizeof *p_next);
    if (!p_next)
        return ntkb_error(NTKB_ENOMEM, "wl: out of memory");
    for (size_t l = 0; l < s->n_lab; l++)
        p_next[l] = (int32_t)s->p_ptr[l]; /* postings ≤ nodes ≤ INT32_MAX checked by caller */
    for (size_t g = 0; g < s->ng; g++)
        for (size_t i = 0; i < s->h_len[g]; i++) {
            size_t at = gs->graph_ptr[g] + i;
            int32_t q = p_next[s->h_lab[at]]++;
            s->p_graph[q] = (int32_t)g;
            s->p_cnt[q] = s->h_cnt[at];
        }
    free(p_next);
    return NTKB_OK;
}

/* acc[a][b] += ⟨φ(a), φ(b)⟩ for b ≥ a, row by row (no two threads share a row). */
static void gram_add(const wl_state *s, double *acc)
{
    const size_t ng = s->ng;
    const long lng = (long)ng;
#if NTKB_HAVE_OPENMP
#pragma omp parallel for schedule(dynamic, 8) num_threads(s->threads)
#endif
    for (long la = 0; la < lng; la++) {
        const size_t a = (size_t)la, base = s->gs->graph_ptr[a];
        double *row = acc + a * ng;
        for (size_t i = 0; i < s->h_len[a]; i++) {
            const int32_t l = s->h_lab[base + i];
            const double ca = (double)s->h_cnt[base + i];
            size_t lo = s->p_ptr[l], hi = s->p_ptr[l + 1];
            while (lo < hi) { /* first posting with graph ≥ a */
                size_t mid = lo + (hi - lo) / 2;
                if ((size_t)s->p_graph[mid] < a)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t q = lo; q < s->p_ptr[l + 1]; q++)
                row[s->p_graph[q]] += ca * (double)s->p_cnt[q];
        }
    }
}

/* out[(a − n_b)·n_b + b] += ⟨φ(a), φ(b)⟩ for the row graphs a ≥ n_b and the column graphs
 * b < n_b; diag[g] += ⟨φ(g), φ(g)⟩ for every graph (NULL: not wanted).  Postings are in
 * increasing graph order, so each row stops at the first row graph. */
static void cross_add(const wl_state *s, size_t n_b, double *out, double *diag)
{
    const long lng = (long)s->ng;
#if NTKB_HAVE_OPENMP
#pragma omp parallel for schedule(dynamic, 8) num_threads(s->threads)
#endif
    for (long lg = 0; lg < lng; lg++) {
        const size_t a = (size_t)lg, base = s->gs->graph_ptr[a];
        double self = 0.0;
        for (size_t i = 0; i < s->h_len[a]; i++) {
            const double ca = (double)s->h_cnt[base + i];
            self += ca * ca;
            if (a < n_b)
                continue;
            double *row = out + (a - n_b) * n_b;
            const int32_t l = s->h_lab[base + i];
            for (size_t q = s->p_ptr[l]; q < s->p_ptr[l + 1] && (size_t)s->p_graph[q] < n_b; q++)
                row[s->p_graph[q]] += ca * (double)s->p_cnt[q];
        }
        if (diag)
            diag[a] += self;
    }
}

/* dst ← the symmetric matrix whose upper triangle is src's (dst may equal src). */
static void copy_symmetric(const double *src, double *dst, size_t n, int threads)
{
    (void)threads;
#if NTKB_HAVE_OPENMP
#pragma omp parallel for schedule(dynamic, 32) num_threads(threads)
#endif
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i; j < n && dst != src; j++)
            dst[i * n + j] = src[i * n + j];
        for (size_t j = 0; j < i; j++)
            dst[i * n + j] = src[j * n + i];
    }
}

static ntkb_status run(wl_state *s, size_t H, ntkb_wl_init init, const uint8_t *want,
                       ntkb_gram **out, size_t *n_labels_out)
{
    size_t last = SIZE_MAX; /* the largest requested h holds the accumulator */
    for (size_t h = 0; h <= H; h++)
        if (!want || want[h])
            last = h;
    const size_t ng = s->ng;
    double *acc;
    ntkb_gram *own = NULL;
    if (last != SIZE_MAX && !(out[last] = ntkb_gram_alloc(ng)))
        return ntkb_error(NTKB_ENOMEM, "wl: out of memory for a %zu×%zu Gram", ng, ng);
    if (last == SIZE_MAX && !(own = ntkb_gram_alloc(ng)))
        return ntkb_error(NTKB_ENOMEM, "wl: out of memory for a %zu×%zu Gram", ng, ng);
    acc = last != SIZE_MAX ? out[last]->data : own->data; /* zero-filled */
    ntkb_status st = initial_labels(s, init);
    for (size_t h = 0; h <= H && !st; h++) {
        if (h > 0) {
            build_signatures(s);
            if ((st = compress(s)))
                break;
        }
        if (n_labels_out)
            n_labels_out[h] = s->n_lab;
        if ((st = histograms(s)))
            break;
        gram_add(s, acc);
        if ((!want || want[h]) && h != last) {
            if (!(out[h] = ntkb_gram_alloc(ng))) {
                st = ntkb_error(NTKB_ENOMEM, "wl: out of memory for a %zu×%zu Gram", ng, ng);
                break;
            }
            copy_symmetric(acc, out[h]->data, ng, s->threads);
        }
    }
    if (!st && last != SIZE_MAX)
        copy_symmetric(acc, acc, ng, s->threads);
    ntkb_gram_free(own);
    return st;
}

static ntkb_status check_args(const ntkb_graphset *gs, const void *out, ntkb_wl_init init)
{
    if (!gs || !out || gs->n_graphs == 0 || init < NTKB_WL_INIT_TAGS ||
        init > NTKB_WL_INIT_DEGREE)
        return ntkb_error(NTKB_EINVAL, "wl: NULL argument, empty graph set or bad init");
    if (gs->n_nodes >= (size_t)INT32_MAX || gs->n_graphs >= (size_t)INT32_MAX)
        return ntkb_error(NTKB_EINVAL, "wl: more than INT32_MAX nodes or graphs");
    return NTKB_OK;
}

ntkb_status ntkb_wl_grams(const ntkb_graphset *gs, size_t H, ntkb_wl_init init,
                          const uint8_t *want, int threads, ntkb_gram **out,
                          size_t *n_labels_out)
{
    ntkb_status st0 = check_args(gs, out, init);
    if (st0)
        return st0;
    for (size_t h = 0; h <= H; h++)
        out[h] = NULL;
    wl_state s;
    ntkb_status st = state_alloc(&s, gs, threads);
    if (!st)
        st = run(&s, H, init, want, out, n_labels_out);
    state_free(&s);
    if (st)
        for (size_t h = 0; h <= H; h++) {
            ntkb_gram_free(out[h]);
            out[h] = NULL;
        }
    return st;
}

ntkb_status ntkb_wl_cross(const ntkb_graphset *gs, size_t H, ntkb_wl_init init, size_t n_b,
                          int threads, double *out, double *diag)
{
    ntkb_status st = check_args(gs, out, init);
    if (st)
        return st;
    if (n_b == 0 || n_b >= gs->n_graphs)
        return ntkb_error(NTKB_EINVAL, "wl: %zu column graphs of %zu: expected at least one "
                          "graph in each group", n_b, gs->n_graphs);
    wl_state s;
    st = state_alloc(&s, gs, threads);
    if (!st) {
        memset(out, 0, (gs->n_graphs - n_b) * n_b * sizeof *out);
        if (diag)
            memset(diag, 0, gs->n_graphs * sizeof *diag);
        st = initial_labels(&s, init);
    }
    for (size_t h = 0; h <= H && !st; h++) {
        if (h > 0) {
            build_signatures(&s);
            if ((st = compress(&s)))
                break;
        }
        if (!(st = histograms(&s)))
            cross_add(&s, n_b, out, diag);
    }
    state_free(&s);
    return st;
}

ntkb_status ntkb_wl_normalize(ntkb_gram *g)
{
    if (!g)
        return ntkb_error(NTKB_EINVAL, "wl: NULL Gram");
    const size_t n = g->n;
    double *d = malloc((n ? n : 1) * sizeof *d);
    if (!d)
        return ntkb_error(NTKB_ENOMEM, "wl: out of memory");
    for (size_t i = 0; i < n; i++) {
        double k = g->data[i * n + i];
        d[i] = k > 0.0 ? sqrt(k) : 0.0;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            g->data[i * n + j] = d[i] > 0.0 && d[j] > 0.0 ? g->data[i * n + j] / (d[i] * d[j])
                                                          : 0.0;
    free(d);
    return NTKB_OK;
}
