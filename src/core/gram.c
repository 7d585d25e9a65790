#include "gram.h"

#include <stdlib.h>

#include "npy.h"

ntkb_gram *ntkb_gram_alloc(size_t n)
{
    ntkb_gram *g = malloc(sizeof *g);
    if (!g)
        return NULL;
    g->n = n;
    g->data = calloc(n > 0 ? n * n : 1, sizeof(double));
    if (!g->data) {
        free(g);
        return NULL;
    }
    return g;
}

void ntkb_gram_free(ntkb_gram *g)
{
    if (!g)
        return;
    free(g->data);
    free(g);
}

void ntkb_gram_symmetrize_upper(ntkb_gram *g)
{
    for (size_t i = 0; i < g->n; i++)
        for (size_t j = 0; j < i; j++)
            g->data[i * g->n + j] = g->data[j * g->n + i];
}

ntkb_status ntkb_gram_save_npy(const ntkb_gram *g, const char *path)
{
    size_t shape[2] = {g->n, g->n};
    return ntkb_npy_write(path, NTKB_NPY_F64, 2, shape, g->data);
}

ntkb_status ntkb_gram_load_npy(const char *path, ntkb_gram **out)
{
    *out = NULL;
    size_t ndim, shape[NTKB_NPY_MAX_DIM];
    void *data;
    ntkb_status st = ntkb_npy_read(path, NTKB_NPY_F64, &ndim, shape, &data);
    if (st != NTKB_OK)
        return st;
    if (ndim != 2 || shape[0] != shape[1]) {
        free(data);
        return ntkb_error(NTKB_EFORMAT, "%s: expected a square 2-D Gram matrix", path);
    }
    ntkb_gram *g = malloc(sizeof *g);
    if (!g) {
        free(data);
        return ntkb_error(NTKB_ENOMEM, "%s: out of memory", path);
    }
    g->n = shape[0];
    g->data = data;
    *out = g;
    return NTKB_OK;
}

ntkb_status ntkb_labels_save_npy(const char *path, const int64_t *labels, size_t n)
{
    return ntkb_npy_write(path, NTKB_NPY_I64, 1, &n, labels);
}

ntkb_status ntkb_labels_load_npy(const char *path, int64_t **labels_out, size_t *n_out)
{
    size_t ndim, shape[NTKB_NPY_MAX_DIM];
    void *data;
    *labels_out = NULL;
    ntkb_status st = ntkb_npy_read(path, NTKB_NPY_I64, &ndim, shape, &data);
    if (st != NTKB_OK)
        return st;
    if (ndim != 1) {
        free(data);
        return ntkb_error(NTKB_EFORMAT, "%s: expected a 1-D label array", path);
    }
    *labels_out = data;
    *n_out = shape[0];
    return NTKB_OK;
}
