/* The TU Dortmund format: NAME_A.txt ("u, v" per line, 1-based global node ids),
 * NAME_graph_indicator.txt (graph id per node), NAME_graph_labels.txt, NAME_node_labels.txt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/lines.h"
#include "graphset_build.h"

typedef struct {
    int64_t *v;
    size_t n, cap;
} i64vec;

static ntkb_status push(i64vec *a, int64_t x)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 1024;
        int64_t *nv = realloc(a->v, cap * sizeof(int64_t));
        if (!nv)
            return ntkb_error(NTKB_ENOMEM, "out of memory");
        a->v = nv;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return NTKB_OK;
}

/* Opens DIR/NAME_part.txt or its .gz; with `optional`, a missing file gives *lr = NULL. */
static ntkb_status open_part(const char *dir, const char *name, const char *part, int optional,
                             ntkb_lines **lr)
{
    char path[4200];
    struct stat sb;
    *lr = NULL;
    for (int gz = 0; gz < 2; gz++) {
        snprintf(path, sizeof path, "%s/%s_%s.txt%s", dir, name, part, gz ? ".gz" : "");
        if (stat(path, &sb) == 0)
            return ntkb_lines_open(path, lr);
    }
    if (optional)
        return NTKB_OK;
    return ntkb_error(NTKB_ENOTFOUND, "%s/%s_%s.txt: no such file (nor .txt.gz)", dir, name, part);
}

/* Reads a file of one integer per line (`count` > 0: exactly that many lines expected). */
static ntkb_status read_column(ntkb_lines *lr, size_t count, const char *what, i64vec *out)
{
    char *line, *p;
    int64_t x;
    ntkb_status st;
    while ((st = ntkb_lines_next(lr, &line)) == NTKB_OK && line) {
        p = line;
        if (ntkb_lines_at_end(&p))
            continue;
        if ((st = ntkb_lines_int(lr, &p, &x, what)) != NTKB_OK ||
            (st = ntkb_lines_end(lr, &p)) != NTKB_OK || (st = push(out, x)) != NTKB_OK)
            return st;
    }
    if (st == NTKB_OK && count && out->n != count)
        st = ntkb_error(NTKB_EFORMAT, "%s:%zu: expected %zu lines of %s (one per %s), found %zu",
                        ntkb_lines_name(lr), ntkb_lines_lineno(lr), count, what,
                        strstr(what, "graph label") ? "graph" : "node", out->n);
    return st;
}

/* Checks the graph indicator (sorted, contiguous from 1) and returns the graph count.  The first
 * node must be in graph 1: ids from 0 would otherwise pass as "graph 0, repeated". */
static ntkb_status check_indicator(const i64vec *gi, const char *path, size_t *n_graphs)
{
    int64_t prev = 0;
    if (gi->n == 0)
        return ntkb_error(NTKB_EFORMAT, "%s: empty file, expected one graph id per node", path);
    if (gi->v[0] != 1)
        return ntkb_error(NTKB_EFORMAT, "%s:1: expected graph id 1 (ids sorted, starting at 1), "
                          "got %lld", path, (long long)gi->v[0]);
    for (size_t u = 0; u < gi->n; u++) {
        if (gi->v[u] != prev && gi->v[u] != prev + 1)
            return ntkb_error(NTKB_EFORMAT,
                              "%s:%zu: expected graph id %lld or %lld (ids sorted, starting at 1), "
                              "got %lld", path, u + 1, (long long)prev, (long long)prev + 1,
                              (long long)gi->v[u]);
        prev = gi->v[u];
    }
    *n_graphs = (size_t)prev;
    return NTKB_OK;
}

/* Reads the edge list into (u, v) pairs of 0-based global ids, checking ranges and graphs. */
static ntkb_status read_edges(ntkb_lines *lr, const i64vec *gi, i64vec *edges)
{
    char *line, *p;
    int64_t u, v;
    ntkb_status st;
    while ((st = ntkb_lines_next(lr, &line)) == NTKB_OK && line) {
        p = line;
        if (ntkb_lines_at_end(&p))
            continue;
        if ((st = ntkb_lines_int(lr, &p, &u, "a node id 'u, v'")) != NTKB_OK ||
            (st = ntkb_lines_int(lr, &p, &v, "a second node id 'u, v'")) != NTKB_OK ||
            (st = ntkb_lines_end(lr, &p)) != NTKB_OK)
            return st;
        int u_bad = u < 1 || (uint64_t)u > gi->n, v_bad = v < 1 || (uint64_t)v > gi->n;
        if (u_bad || v_bad) /* the id itself may be 0: test the flags, not the value */
            return ntkb_error(NTKB_EFORMAT, "%s:%zu: node id %lld out of range, expected 1..%zu",
                              ntkb_lines_name(lr), ntkb_lines_lineno(lr),
                              (long long)(u_bad ? u : v), gi->n);
        if (gi->v[u - 1] != gi->v[v - 1])
            return ntkb_error(NTKB_EFORMAT, "%s:%zu: edge %lld-%lld joins graphs %lld and %lld",
                              ntkb_lines_name(lr), ntkb_lines_lineno(lr), (long long)u,
                              (long long)v, (long long)gi->v[u - 1], (long long)gi->v[v - 1]);
        if ((st = push(edges, u - 1)) != NTKB_OK || (st = push(edges, v - 1)) != NTKB_OK)
            return st;
    }
    return st;
}

/* Feeds the graphs to the builder; TU lists nodes and edges grouped by graph in order. */
static ntkb_status build_graphs(ntkb_gsbuild *b, const i64vec *gi, const i64vec *gl,
                                const i64vec *nl, i64vec *edges)
{
    size_t n_graphs = gl->n, n_e = edges->n / 2;
    size_t *order = malloc((n_e + 1) * sizeof(size_t)), *start = calloc(n_graphs + 2, sizeof(size_t));
    ntkb_status st = NTKB_OK;
    if (!order || !start) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t e = 0; e < n_e; e++) /* counting sort of edges by graph */
        start[gi->v[edges->v[2 * e]] + 1]++;
    for (size_t g = 1; g <= n_graphs + 1; g++)
        start[g] += start[g - 1];
    for (size_t e = 0; e < n_e; e++)
        order[start[gi->v[edges->v[2 * e]]]++] = e;
    size_t first = 0, e_pos = 0;
    for (size_t g = 0; g < n_graphs && st == NTKB_OK; g++) {
        size_t n = 0;
        while (first + n < gi->n && (size_t)gi->v[first + n] == g + 1)
            n++;
        for (; st == NTKB_OK && e_pos < n_e && (size_t)gi->v[edges->v[2 * order[e_pos]]] == g + 1; e_pos++)
            st = ntkb_gsbuild_edge(b, edges->v[2 * order[e_pos]] - (int64_t)first,
                                   edges->v[2 * order[e_pos] + 1] - (int64_t)first);
        if (st == NTKB_OK)
            st = ntkb_gsbuild_graph(b, n, nl->n ? nl->v + first : NULL, gl->v[g]);
        first += n;
    }
done:
    free(order);
    free(start);
    return st;
}

ntkb_status ntkb_graphset_read_tu(const char *dir, const char *name, ntkb_tag_mode tags,
                                  ntkb_graphset **out)
{
    i64vec gi = {0}, gl = {0}, nl = {0}, edges = {0};
    ntkb_lines *lr = NULL;
    ntkb_gsbuild b;
    int built = 0;
    size_t n_graphs = 0;
    *out = NULL;
    char gi_path[4200] = "";
    ntkb_status st = open_part(dir, name, "graph_indicator", 0, &lr);
    if (st == NTKB_OK) {
        snprintf(gi_path, sizeof gi_path, "%s", ntkb_lines_name(lr));
        st = read_column(lr, 0, "an integer graph id", &gi);
    }
    ntkb_lines_close(lr);
    lr = NULL; /* each reader is closed once, whichever step fails */
    if (st == NTKB_OK)
        st = check_indicator(&gi, gi_path, &n_graphs);
    if (st == NTKB_OK && (st = open_part(dir, name, "graph_labels", 0, &lr)) == NTKB_OK)
        st = read_column(lr, n_graphs, "an integer graph label", &gl);
    ntkb_lines_close(lr);
    lr = NULL;
    if (st == NTKB_OK && (st = open_part(dir, name, "node_labels", 1, &lr)) == NTKB_OK && lr)
        st = read_column(lr, gi.n, "an integer node label", &nl);
    ntkb_lines_close(lr);
    lr = NULL;
    if (st == NTKB_OK && (st = open_part(dir, name, "A", 0, &lr)) == NTKB_OK)
        st = read_edges(lr, &gi, &edges);
    ntkb_lines_close(lr);
    lr = NULL;
    if (st == NTKB_OK && (st = ntkb_gsbuild_init(&b, name)) == NTKB_OK) {
        built = 1;
        st = build_graphs(&b, &gi, &gl, &nl, &edges);
    }
    if (st == NTKB_OK) {
        built = 0;
        st = ntkb_gsbuild_finish(&b, tags, out);
    }
    if (built)
        ntkb_gsbuild_abort(&b);
    free(gi.v);
    free(gl.v);
    free(nl.v);
    free(edges.v);
    return st;
}
