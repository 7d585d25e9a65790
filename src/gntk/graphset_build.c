/* Building a graph set: each graph's edge list goes through igraph (simple undirected graph,
 * self-loops kept once) and is appended to the flat CSR arrays of an ntkb_graphset; at the end
 * the tag mode is applied and tags are renumbered.  The readers (graphset_gin.c, graphset_tu.c)
 * parse files and feed this builder. */
#include "graphset_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void ntkb_graphset_free(ntkb_graphset *gs)
{
    if (!gs)
        return;
    free(gs->graph_ptr);
    free(gs->adj_ptr);
    free(gs->adj);
    free(gs->self_loop);
    free(gs->tag);
    free(gs->label);
    free(gs->class_value);
    free(gs);
}

int ntkb_graphset_name_wants_degree(const char *name)
{
    return strncasecmp(name, "IMDB", 4) == 0 || strncasecmp(name, "COLLAB", 6) == 0;
}

/* Grows *p (element size `size`) to hold at least `need` elements. */
static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 1;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *np = realloc(*p, c * size);
    if (!np)
        return 0;
    *p = np;
    *cap = c;
    return 1;
}

/* igraph's default handlers abort the process or print; while a set is being built, errors
 * are recorded as the library's message instead (igraph's cleanup stack is still unwound). */
static void igraph_handler(const char *reason, const char *file, int line, igraph_error_t err)
{
    IGRAPH_FINALLY_FREE();
    ntkb_error(NTKB_EINTERNAL, "igraph: %s (%s:%d, code %d)", reason, file, line, (int)err);
}

ntkb_status ntkb_gsbuild_init(ntkb_gsbuild *b, const char *name)
{
    memset(b, 0, sizeof *b);
    b->old_error = igraph_set_error_handler(igraph_handler);
    b->old_warning = igraph_set_warning_handler(igraph_warning_handler_ignore);
    b->handlers_set = 1;
    b->gs = calloc(1, sizeof *b->gs);
    if (!b->gs)
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    snprintf(b->gs->name, sizeof b->gs->name, "%s", name);
    if (!grow((void **)&b->gs->graph_ptr, &b->cap_graphs, 1, sizeof(size_t)) ||
        !grow((void **)&b->gs->adj_ptr, &b->cap_adj_ptr, 1, sizeof(size_t))) {
        ntkb_gsbuild_abort(b);
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    }
    b->gs->graph_ptr[0] = 0;
    b->gs->adj_ptr[0] = 0;
    if (igraph_vector_int_init(&b->edges, 0) != IGRAPH_SUCCESS) {
        ntkb_gsbuild_abort(b);
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    }
    b->edges_ready = 1;
    return NTKB_OK;
}

void ntkb_gsbuild_abort(ntkb_gsbuild *b)
{
    if (b->edges_ready)
        igraph_vector_int_destroy(&b->edges);
    if (b->handlers_set) {
        igraph_set_error_handler(b->old_error);
        igraph_set_warning_handler(b->old_warning);
    }
    ntkb_graphset_free(b->gs);
    free(b->raw_tag);
    free(b->tag_keys);
    free(b->tag_slots);
    memset(b, 0, sizeof *b);
}

ntkb_status ntkb_gsbuild_edge(ntkb_gsbuild *b, int64_t u, int64_t v)
{
    if (igraph_vector_int_push_back(&b->edges, u) != IGRAPH_SUCCESS ||
        igraph_vector_int_push_back(&b->edges, v) != IGRAPH_SUCCESS)
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    return NTKB_OK;
}

static ntkb_status add_label(ntkb_gsbuild *b, int64_t label)
{
    ntkb_graphset *gs = b->gs;
    size_t g = gs->n_graphs, k;
    for (k = 0; k < gs->n_classes && gs->class_value[k] != label; k++)
        ;
    if (k == gs->n_classes) {
        if (!grow((void **)&gs->class_value, &b->cap_classes, k + 1, sizeof(int64_t)))
            return ntkb_error(NTKB_ENOMEM, "out of memory");
        gs->class_value[gs->n_classes++] = label;
    }
    if (!grow((void **)&gs->label, &b->cap_labels, g + 1, sizeof(int64_t)))
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    gs->label[g] = (int64_t)k;
    return NTKB_OK;
}

/* Appends the simplified igraph `g` (n nodes) to the CSR arrays. */
static ntkb_status append_csr(ntkb_gsbuild *b, const igraph_t *g, size_t n)
{
    ntkb_graphset *gs = b->gs;
    size_t base = gs->n_nodes, m = (size_t)igraph_ecount(g);
    if (!grow((void **)&gs->adj_ptr, &b->cap_adj_ptr, base + n + 1, sizeof(size_t)) ||
        !grow((void **)&gs->self_loop, &b->cap_loop, base + n + 1, 1) ||
        !grow((void **)&gs->adj, &b->cap_adj, gs->adj_ptr[base] + 2 * m + 1, sizeof(int32_t)))
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    memset(gs->self_loop + base, 0, n);

    igraph_adjlist_t al;
    if (igraph_adjlist_init(g, &al, IGRAPH_ALL, IGRAPH_NO_LOOPS, IGRAPH_NO_MULTIPLE) != IGRAPH_SUCCESS)
        return ntkb_error(NTKB_ENOMEM, "igraph: cannot build adjacency lists: %s", ntkb_last_error());
    size_t pos = gs->adj_ptr[base];
    for (size_t u = 0; u < n; u++) {
        igraph_vector_int_t *nb = igraph_adjlist_get(&al, (igraph_integer_t)u);
        igraph_vector_int_sort(nb);
        for (igraph_integer_t k = 0; k < igraph_vector_int_size(nb); k++)
            gs->adj[pos++] = (int32_t)VECTOR(*nb)[k];
        gs->adj_ptr[base + u + 1] = pos;
    }
    igraph_adjlist_destroy(&al);
    for (igraph_integer_t e = 0; e < (igraph_integer_t)m; e++)
        if (IGRAPH_FROM(g, e) == IGRAPH_TO(g, e)) {
            gs->self_loop[base + (size_t)IGRAPH_FROM(g, e)] = 1;
            gs->n_self_loops++;
        }
    gs->n_edges += m;
    return NTKB_OK;
}

ntkb_status ntkb_gsbuild_graph(ntkb_gsbuild *b, size_t n, const int64_t *raw_tags, int64_t label)
{
    ntkb_graphset *gs = b->gs;
    ntkb_status st;
    if (!grow((void **)&gs->graph_ptr, &b->cap_graphs, gs->n_graphs + 2, sizeof(size_t)) ||
        !grow((void **)&b->raw_tag, &b->cap_raw_tag, gs->n_nodes + n + 1, sizeof(int64_t)))
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    if ((st = add_label(b, label)) != NTKB_OK)
        return st;
    for (size_t u = 0; u < n; u++)
        b->raw_tag[gs->n_nodes + u] = raw_tags ? raw_tags[u] : 0;

    igraph_t g;
    if (igraph_create(&g, &b->edges, (igraph_integer_t)n, IGRAPH_UNDIRECTED) != IGRAPH_SUCCESS)
        return ntkb_error(NTKB_EINTERNAL, "%s: graph %zu: %s", gs->name, gs->n_graphs + 1,
                          ntkb_last_error());
    /* networkx Graph semantics: parallel edges collapse, a self-loop stays (once). */
    if (igraph_simplify(&g, 1, 0, NULL) != IGRAPH_SUCCESS)
        st = ntkb_error(NTKB_EINTERNAL, "%s: graph %zu: %s", gs->name, gs->n_graphs + 1,
                        ntkb_last_error());
    else
        st = append_csr(b, &g, n);
    igraph_destroy(&g);
    if (st != NTKB_OK)
        return st;
    igraph_vector_int_clear(&b->edges);
    gs->n_nodes += n;
    gs->graph_ptr[++gs->n_graphs] = gs->n_nodes;
    return NTKB_OK;
}

static size_t tag_hash(int64_t raw, size_t mask)
{
    uint64_t x = (uint64_t)raw + 0x9e3779b97f4a7c15u; /* splitmix64's finaliser */
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return (size_t)(x ^ (x >> 31)) & mask;
}

/* Doubles the open-addressing table (slots hold id + 1, 0 = empty) and reinserts every key. */
static int tag_table_grow(ntkb_gsbuild *b)
{
    size_t cap = b->tag_slots_cap ? 2 * b->tag_slots_cap : 1024;
    int32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return 0;
    for (size_t k = 0; k < b->n_tag_keys; k++) {
        size_t h = tag_hash(b->tag_keys[k], cap - 1);
        while (slots[h])
            h = (h + 1) & (cap - 1);
        slots[h] = (int32_t)k + 1;
    }
    free(b->tag_slots);
    b->tag_slots = slots;
    b->tag_slots_cap = cap;
    return 1;
}

/* Dense id of a raw tag in order of first appearance, through a hash table (a file may hold
 * hundreds of thousands of distinct tags).  Time: O(1) expected. */
static ntkb_status tag_id(ntkb_gsbuild *b, int64_t raw, int32_t *id)
{
    if (2 * (b->n_tag_keys + 1) > b->tag_slots_cap && !tag_table_grow(b))
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    size_t mask = b->tag_slots_cap - 1, h = tag_hash(raw, mask);
    for (; b->tag_slots[h]; h = (h + 1) & mask)
        if (b->tag_keys[b->tag_slots[h] - 1] == raw) {
            *id = b->tag_slots[h] - 1;
            return NTKB_OK;
        }
    if (b->n_tag_keys >= INT32_MAX ||
        !grow((void **)&b->tag_keys, &b->cap_tag_keys, b->n_tag_keys + 1, sizeof(int64_t)))
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    b->tag_keys[b->n_tag_keys] = raw;
    b->tag_slots[h] = (int32_t)b->n_tag_keys + 1;
    *id = (int32_t)b->n_tag_keys++;
    return NTKB_OK;
}

ntkb_status ntkb_gsbuild_finish(ntkb_gsbuild *b, ntkb_tag_mode tags, ntkb_graphset **out)
{
    ntkb_graphset *gs = b->gs;
    if (tags == NTKB_TAGS_AUTO)
        tags = ntkb_graphset_name_wants_degree(gs->name) ? NTKB_TAGS_DEGREE : NTKB_TAGS_FILE;
    gs->tag = malloc((gs->n_nodes + 1) * sizeof(int32_t));
    if (!gs->tag) {
        ntkb_gsbuild_abort(b);
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    }
    /* A one-entry cache skips the hash for the common run of equal tags. */
    int64_t last_raw = 0;
    int32_t last_id = -1;
    for (size_t u = 0; u < gs->n_nodes; u++) {
        int64_t raw = tags == NTKB_TAGS_DEGREE
                          ? (int64_t)(gs->adj_ptr[u + 1] - gs->adj_ptr[u]) + 2 * gs->self_loop[u]
                          : b->raw_tag[u];
        if (last_id < 0 || raw != last_raw) {
            ntkb_status st = tag_id(b, raw, &last_id);
            if (st != NTKB_OK) {
                ntkb_gsbuild_abort(b);
                return st;
            }
            last_raw = raw;
        }
        gs->tag[u] = last_id;
    }
    gs->n_tags = b->n_tag_keys;
    b->gs = NULL;
    ntkb_gsbuild_abort(b);
    *out = gs;
    return NTKB_OK;
}

