#include "graphset_build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ntkb_config.h"

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

ntkb_status ntkb_gsbuild_init(ntkb_gsbuild *b, const char *name)
{
    memset(b, 0, sizeof *b);
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
    ntkb_graphset_free(b->gs);
    free(b->raw_tag);
    free(b->tag_keys);
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

/* Dense id of a raw tag in order of first appearance (tag vocabularies are small). */
static ntkb_status tag_id(ntkb_gsbuild *b, int64_t raw, int32_t *id)
{
    for (size_t k = 0; k < b->n_tag_keys; k++)
        if (b->tag_keys[k] == raw) {
            *id = (int32_t)k;
            return NTKB_OK;
        }
    if (!grow((void **)&b->tag_keys, &b->cap_tag_keys, b->n_tag_keys + 1, sizeof(int64_t)))
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    b->tag_keys[b->n_tag_keys] = raw;
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
    /* A small cache makes the first-appearance search O(1) for the common repeated tag. */
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

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

static const char *default_datadir(const char *datadir)
{
    if (datadir)
        return datadir;
    const char *env = getenv("NTKB_DATA");
    return env && *env ? env : NTKB_DATADIR;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* Copies `dir` without trailing slashes into buf and returns its last component. */
static const char *dir_name(const char *dir, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", dir);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
    return base_name(buf);
}

ntkb_status ntkb_dataset_dir(const char *dataset, const char *datadir, char *buf, size_t cap)
{
    if (is_dir(dataset)) {
        dir_name(dataset, buf, cap);
        return NTKB_OK;
    }
    if (is_file(dataset)) {
        snprintf(buf, cap, "%s", dataset);
        char *s = strrchr(buf, '/');
        if (s)
            *s = '\0';
        else
            snprintf(buf, cap, ".");
        return NTKB_OK;
    }
    snprintf(buf, cap, "%s/%s", default_datadir(datadir), dataset);
    if (!is_dir(buf))
        return ntkb_error(NTKB_ENOTFOUND, "dataset '%s': no such file or directory, and no %s", dataset,
                          buf);
    return NTKB_OK;
}

ntkb_status ntkb_graphset_load(const char *dataset, const char *datadir, ntkb_tag_mode tags,
                               ntkb_graphset **out)
{
    char dir[4096], path[4200], tmp[4096];
    *out = NULL;
    if (is_file(dataset)) {
        char name[64];
        snprintf(name, sizeof name, "%s", base_name(dataset));
        name[strcspn(name, ".")] = '\0';
        return ntkb_graphset_read_gin(dataset, name, tags, out);
    }
    ntkb_status st = ntkb_dataset_dir(dataset, datadir, dir, sizeof dir);
    if (st != NTKB_OK)
        return st;
    const char *name = dir_name(dir, tmp, sizeof tmp);
    const char *suffix[] = {".txt", ".txt.gz"};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s%s", dir, name, suffix[k]);
        if (is_file(path))
            return ntkb_graphset_read_gin(path, name, tags, out);
        snprintf(path, sizeof path, "%s/%s_A%s", dir, name, suffix[k]);
        if (is_file(path))
            return ntkb_graphset_read_tu(dir, name, tags, out);
    }
    return ntkb_error(NTKB_ENOTFOUND, "%s: no GIN-format %s.txt[.gz] and no TU-format %s_A.txt[.gz] in it",
                      dir, name, name);
}
