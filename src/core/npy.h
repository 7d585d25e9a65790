/* ntkbench core: NumPy .npy v1.0 files (little-endian float64 '<f8' and int64 '<i8', C order).
 *
 * The header is padded so that data starts on a 64-byte boundary; for an N×N float64 Gram
 * whose header fits in 128 bytes, entry (i, j) sits at ntkb_npy_header_size(...) + 8(iN + j),
 * which lets tile writers target fixed offsets.  Writes are atomic (temp file + rename).
 */
#ifndef NTKB_CORE_NPY_H
#define NTKB_CORE_NPY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { NTKB_NPY_F64, NTKB_NPY_I64 } ntkb_npy_dtype;

#define NTKB_NPY_MAX_DIM 4

/* Builds the complete header (magic, version, length, dict, padding) into buf.
 * Returns the header length in bytes (a multiple of 64), or 0 if buf is too small.
 * Time complexity: O(1). */
size_t ntkb_npy_header(char *buf, size_t cap, ntkb_npy_dtype dtype, size_t ndim,
                       const size_t *shape);

/* Writes an array atomically.  `data` holds prod(shape) elements of `dtype`.
 * Returns NTKB_OK, NTKB_EINVAL or NTKB_EIO.  Time complexity: O(size). */
ntkb_status ntkb_npy_write(const char *path, ntkb_npy_dtype dtype, size_t ndim,
                           const size_t *shape, const void *data);

/* Parses the header of an open .npy stream positioned at its start; on success the stream
 * is positioned at the first data byte.  Accepts '<f8' and '<i8' (and '<i4', '|u1' read as
 * such: see `dtype_out`), C order only.  `name` is used in error messages.
 * Returns NTKB_OK or NTKB_EFORMAT.  Time complexity: O(1). */
ntkb_status ntkb_npy_read_header(FILE *fp, const char *name, ntkb_npy_dtype *dtype_out,
                                 size_t *ndim_out, size_t shape_out[NTKB_NPY_MAX_DIM],
                                 size_t *data_offset_out);

/* Reads a whole array whose dtype must be `want`.  On success *data_out is malloc'ed and
 * owned by the caller; shape_out gets the dimensions.  Returns NTKB_OK, NTKB_EIO,
 * NTKB_EFORMAT (wrong magic, dtype, order or truncated data) or NTKB_ENOMEM.
 * Time complexity: O(size). */
ntkb_status ntkb_npy_read(const char *path, ntkb_npy_dtype want, size_t *ndim_out,
                          size_t shape_out[NTKB_NPY_MAX_DIM], void **data_out);

#ifdef __cplusplus
}
#endif

#endif
