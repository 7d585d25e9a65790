#include "gram.h"

#include <math.h>
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

/* A Gram from disk must be a kernel matrix: finite everywhere and symmetric up to rounding
 * (NTKB_GRAM_SYM_TOL of its largest entry), or the SVM would fail late, or silently use one
 * triangle. */
static ntkb_status check_gram(const char *path, const double *a, size_t n)
{
    double scale = 0;
    for (size_t e = 0; e < n * n; e++) {
        if (!isfinite(a[e]))
            return ntkb_error(NTKB_EFORMAT, "%s: entry (%zu, %zu) is %g, expected a finite Gram",
                              path, e / n, e % n, a[e]);
        scale = fabs(a[e]) > scale ? fabs(a[e]) : scale;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (fabs(a[i * n + j] - a[j * n + i]) > NTKB_GRAM_SYM_TOL * scale)
                return ntkb_error(NTKB_EFORMAT, "%s: not symmetric: entry (%zu, %zu) = %.17g but "
                                  "(%zu, %zu) = %.17g (tolerance %g of the largest entry)", path,
                                  i, j, a[i * n + j], j, i, a[j * n + i], NTKB_GRAM_SYM_TOL);
    return NTKB_OK;
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
        if (ndim == 2)
            return ntkb_error(NTKB_EFORMAT, "%s: a %zu×%zu array, expected a square Gram matrix",
                              path, shape[0], shape[1]);
        return ntkb_error(NTKB_EFORMAT, "%s: a %zu-D array, expected a square 2-D Gram matrix",
                          path, ndim);
    }
    if ((st = check_gram(path, data, shape[0])) != NTKB_OK) {
        free(data);
        return st;
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
