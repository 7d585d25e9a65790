/* ntkbench core: the Gram matrix (n×n float64, row-major) and graph-label arrays on disk. */
#ifndef NTKB_CORE_GRAM_H
#define NTKB_CORE_GRAM_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    size_t n;
    double *data; /* n*n entries, row-major; owned */
} ntkb_gram;

/* Allocates a zero-filled n×n Gram.  Returns NULL when out of memory.  Time complexity: O(n²). */
ntkb_gram *ntkb_gram_alloc(size_t n);

/* Frees a Gram; NULL is a no-op. */
void ntkb_gram_free(ntkb_gram *g);

static inline double ntkb_gram_get(const ntkb_gram *g, size_t i, size_t j)
{
    return g->data[i * g->n + j];
}

static inline void ntkb_gram_set(ntkb_gram *g, size_t i, size_t j, double v)
{
    g->data[i * g->n + j] = v;
}

/* Copies the upper triangle onto the lower one.  Time complexity: O(n²). */
void ntkb_gram_symmetrize_upper(ntkb_gram *g);

/* Saves as an n×n '<f8' .npy, atomically.  Returns NTKB_OK or NTKB_EIO.  Time: O(n²). */
ntkb_status ntkb_gram_save_npy(const ntkb_gram *g, const char *path);

/* Relative tolerance of the symmetry check on loading: |K_ij − K_ji| ≤ tol · max |K|. */
#define NTKB_GRAM_SYM_TOL 1e-9

/* Loads a square '<f8' .npy; *out is owned by the caller.  Returns NTKB_OK, NTKB_EIO,
 * NTKB_EFORMAT (not square, wrong dtype, truncated, an entry not finite, not symmetric within
 * NTKB_GRAM_SYM_TOL; the message names the file) or NTKB_ENOMEM.  Time: O(n²). */
ntkb_status ntkb_gram_load_npy(const char *path, ntkb_gram **out);

/* Saves labels as a 1-D '<i8' .npy, atomically.  Time complexity: O(n). */
ntkb_status ntkb_labels_save_npy(const char *path, const int64_t *labels, size_t n);

/* Loads a 1-D '<i8' .npy; *labels_out is malloc'ed and owned by the caller. */
ntkb_status ntkb_labels_load_npy(const char *path, int64_t **labels_out, size_t *n_out);

#ifdef __cplusplus
}
#endif

#endif
