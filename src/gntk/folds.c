/* The fixed 10-fold split files of the DGCNN/GIN datasets (0-based graph indices). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lines.h"
#include "graphset.h"

void ntkb_folds_free(ntkb_folds *f)
{
    if (!f)
        return;
    for (size_t k = 0; k < f->n_folds; k++) {
        if (f->train)
            free(f->train[k]);
        if (f->test)
            free(f->test[k]);
    }
    free(f->train);
    free(f->test);
    free(f->n_train);
    free(f->n_test);
    free(f);
}

/* Reads one index file into a fresh array; `seen` (n_graphs bytes) detects repeats. */
static ntkb_status read_index_file(const char *path, size_t n_graphs, uint8_t *seen, size_t **idx,
                                   size_t *count)
{
    ntkb_lines *lr;
    char *line, *p;
    int64_t v;
    size_t cap = 256;
    *count = 0;
    *idx = malloc(cap * sizeof(size_t));
    if (!*idx)
        return ntkb_error(NTKB_ENOMEM, "out of memory");
    ntkb_status st = ntkb_lines_open(path, &lr);
    if (st != NTKB_OK)
        return st;
    memset(seen, 0, n_graphs);
    while ((st = ntkb_lines_next(lr, &line)) == NTKB_OK && line) {
        p = line;
        if (ntkb_lines_at_end(&p))
            continue;
        if ((st = ntkb_lines_int(lr, &p, &v, "a 0-based graph index")) != NTKB_OK ||
            (st = ntkb_lines_end(lr, &p)) != NTKB_OK)
            break;
        if (v < 0 || (size_t)v >= n_graphs) {
            st = ntkb_error(NTKB_EFORMAT, "%s:%zu: graph index %lld out of range, expected 0..%zu",
                            path, ntkb_lines_lineno(lr), (long long)v, n_graphs - 1);
            break;
        }
        if (seen[v]++) {
            st = ntkb_error(NTKB_EFORMAT, "%s:%zu: graph index %lld listed twice", path,
                            ntkb_lines_lineno(lr), (long long)v);
            break;
        }
        if (*count == cap) {
            size_t *ni = realloc(*idx, 2 * cap * sizeof(size_t));
            if (!ni) {
                st = ntkb_error(NTKB_ENOMEM, "out of memory");
                break;
            }
            *idx = ni;
            cap *= 2;
        }
        (*idx)[(*count)++] = (size_t)v;
    }
    if (st == NTKB_OK && *count == 0)
        st = ntkb_error(NTKB_EFORMAT, "%s: empty, expected one graph index per line", path);
    ntkb_lines_close(lr);
    return st;
}

ntkb_status ntkb_folds_read(const char *dir, size_t n_folds, size_t n_graphs, ntkb_folds **out)
{
    char path[4200];
    ntkb_status st = NTKB_OK;
    uint8_t *seen = malloc(n_graphs ? n_graphs : 1);
    ntkb_folds *f = calloc(1, sizeof *f);
    *out = NULL;
    if (!f || !seen || !(f->train = calloc(n_folds, sizeof(size_t *))) ||
        !(f->test = calloc(n_folds, sizeof(size_t *))) ||
        !(f->n_train = calloc(n_folds, sizeof(size_t))) ||
        !(f->n_test = calloc(n_folds, sizeof(size_t)))) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory");
        goto done;
    }
    f->n_folds = n_folds;
    for (size_t k = 0; k < n_folds && st == NTKB_OK; k++) {
        snprintf(path, sizeof path, "%s/10fold_idx/train_idx-%zu.txt", dir, k + 1);
        st = read_index_file(path, n_graphs, seen, &f->train[k], &f->n_train[k]);
        if (st != NTKB_OK)
            break;
        snprintf(path, sizeof path, "%s/10fold_idx/test_idx-%zu.txt", dir, k + 1);
        st = read_index_file(path, n_graphs, seen, &f->test[k], &f->n_test[k]);
        /* `seen` now marks the test fold; a graph in both files would be a leak. */
        for (size_t i = 0; st == NTKB_OK && i < f->n_train[k]; i++)
            if (seen[f->train[k][i]])
                st = ntkb_error(NTKB_EFORMAT, "%s: graph %zu is in both the train and test files of fold %zu",
                                path, f->train[k][i], k + 1);
    }
done:
    free(seen);
    if (st == NTKB_OK)
        *out = f;
    else
        ntkb_folds_free(f);
    return st;
}
