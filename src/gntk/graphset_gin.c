/* The GIN/DGCNN ("S2V") text format, as read by KangchengHou/gntk util.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lines.h"
#include "graphset_build.h"

/* Reads one node line "tag deg nbr_1 .. nbr_deg [attributes]" of a graph with n nodes.
 * Messages are formatted only on failure: this loop runs 25 M times for COLLAB. */
static ntkb_status read_node(ntkb_lines *lr, ntkb_gsbuild *b, size_t j, size_t n, int64_t *tag)
{
    char *line, *p;
    int64_t deg, nbr;
    double attr;
    ntkb_status st = ntkb_lines_next(lr, &line);
    if (st == NTKB_OK && !line)
        return ntkb_error(NTKB_EFORMAT, "%s:%zu: unexpected end of file, expected node line %zu of %zu "
                          "('tag degree neighbours...')", ntkb_lines_name(lr), ntkb_lines_lineno(lr) + 1,
                          j + 1, n);
    if (st != NTKB_OK)
        return st;
    p = line;
    if ((st = ntkb_lines_int(lr, &p, tag, "an integer node tag")) != NTKB_OK ||
        (st = ntkb_lines_int(lr, &p, &deg, "an integer neighbour count")) != NTKB_OK)
        return st;
    if (deg < 0)
        return ntkb_error(NTKB_EFORMAT, "%s:%zu: expected a non-negative neighbour count, got %lld",
                          ntkb_lines_name(lr), ntkb_lines_lineno(lr), (long long)deg);
    for (int64_t k = 0; k < deg; k++) {
        if (ntkb_lines_int(lr, &p, &nbr, "a neighbour id") != NTKB_OK) {
            char what[96];
            snprintf(what, sizeof what, "neighbour %lld of %lld (the count given on this line)",
                     (long long)k + 1, (long long)deg);
            return ntkb_lines_int(lr, &p, &nbr, what);
        }
        if (nbr < 0 || (size_t)nbr >= n)
            return ntkb_error(NTKB_EFORMAT, "%s:%zu: neighbour id %lld out of range, expected 0..%zu",
                              ntkb_lines_name(lr), ntkb_lines_lineno(lr), (long long)nbr, n - 1);
        if ((st = ntkb_gsbuild_edge(b, (int64_t)j, nbr)) != NTKB_OK)
            return st;
    }
    /* Tokens past the neighbours are continuous node attributes, which GNTK ignores. */
    while (!ntkb_lines_at_end(&p))
        if ((st = ntkb_lines_real(lr, &p, &attr, "a real node attribute")) != NTKB_OK)
            return st;
    return NTKB_OK;
}

static ntkb_status read_graph(ntkb_lines *lr, ntkb_gsbuild *b, size_t g, size_t n_graphs,
                              int64_t **tags, size_t *tags_cap)
{
    char *line, *p, what[96];
    int64_t n, label;
    snprintf(what, sizeof what, "the header 'nodes label' of graph %zu of %zu", g + 1, n_graphs);
    ntkb_status st = ntkb_lines_expect(lr, &line, what);
    if (st != NTKB_OK)
        return st;
    p = line;
    if ((st = ntkb_lines_int(lr, &p, &n, "a node count")) != NTKB_OK ||
        (st = ntkb_lines_int(lr, &p, &label, "an integer graph label")) != NTKB_OK ||
        (st = ntkb_lines_end(lr, &p)) != NTKB_OK)
        return st;
    if (n < 1 || n > INT32_MAX)
        return ntkb_error(NTKB_EFORMAT, "%s:%zu: expected a positive node count, got %lld",
                          ntkb_lines_name(lr), ntkb_lines_lineno(lr), (long long)n);
    /* The tag array grows with the node lines actually read: a header's node count is not
     * trusted with an allocation (a few bytes could claim two billion nodes). */
    for (size_t j = 0; j < (size_t)n; j++) {
        if (j == *tags_cap) {
            size_t cap = *tags_cap ? 2 * *tags_cap : 1024;
            cap = cap < (size_t)n ? cap : (size_t)n;
            int64_t *nt = realloc(*tags, cap * sizeof(int64_t));
            if (!nt)
                return ntkb_error(NTKB_ENOMEM, "out of memory");
            *tags = nt;
            *tags_cap = cap;
        }
        if ((st = read_node(lr, b, j, (size_t)n, &(*tags)[j])) != NTKB_OK)
            return st;
    }
    return ntkb_gsbuild_graph(b, (size_t)n, *tags, label);
}

ntkb_status ntkb_graphset_read_gin(const char *path, const char *name, ntkb_tag_mode tags,
                                   ntkb_graphset **out)
{
    ntkb_lines *lr = NULL;
    ntkb_gsbuild b;
    int64_t n_graphs, *node_tags = NULL;
    size_t tags_cap = 0;
    char *line, *p;
    int built = 0;
    *out = NULL;
    ntkb_status st = ntkb_lines_open(path, &lr);
    if (st != NTKB_OK)
        return st;
    if ((st = ntkb_lines_expect(lr, &line, "the number of graphs on the first line")) != NTKB_OK)
        goto done;
    p = line;
    if ((st = ntkb_lines_int(lr, &p, &n_graphs, "the number of graphs")) != NTKB_OK ||
        (st = ntkb_lines_end(lr, &p)) != NTKB_OK)
        goto done;
    if (n_graphs < 1) {
        st = ntkb_error(NTKB_EFORMAT, "%s:1: expected a positive number of graphs, got %lld", path,
                        (long long)n_graphs);
        goto done;
    }
    if (!name) {
        const char *s = strrchr(path, '/');
        name = s ? s + 1 : path;
    }
    if ((st = ntkb_gsbuild_init(&b, name)) != NTKB_OK)
        goto done;
    built = 1;
    for (size_t g = 0; g < (size_t)n_graphs; g++)
        if ((st = read_graph(lr, &b, g, (size_t)n_graphs, &node_tags, &tags_cap)) != NTKB_OK)
            goto done;
    while ((st = ntkb_lines_next(lr, &line)) == NTKB_OK && line) {
        p = line;
        if (!ntkb_lines_at_end(&p)) {
            st = ntkb_error(NTKB_EFORMAT, "%s:%zu: unexpected data after the %lld graphs announced on line 1",
                            path, ntkb_lines_lineno(lr), (long long)n_graphs);
            break;
        }
    }
    if (st == NTKB_OK) {
        built = 0;
        st = ntkb_gsbuild_finish(&b, tags, out);
    }
done:
    if (built)
        ntkb_gsbuild_abort(&b);
    free(node_tags);
    ntkb_lines_close(lr);
    return st;
}
