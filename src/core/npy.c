#include "npy.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic.h"

static const char MAGIC[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

static const char *descr_of(ntkb_npy_dtype dtype)
{
    return dtype == NTKB_NPY_F64 ? "<f8" : "<i8";
}

size_t ntkb_npy_header(char *buf, size_t cap, ntkb_npy_dtype dtype, size_t ndim,
                       const size_t *shape)
{
    char dict[256];
    int len = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (",
                       descr_of(dtype));
    for (size_t d = 0; d < ndim; d++)
        len += snprintf(dict + len, sizeof dict - (size_t)len, "%zu,%s", shape[d],
                        d + 1 < ndim ? " " : "");
    /* NumPy writes (N,) for 1-D and (N, M) for 2-D: drop the trailing comma of the last dim
     * except in the 1-D case. */
    if (ndim > 1)
        len--;
    len += snprintf(dict + len, sizeof dict - (size_t)len, "), }");
    size_t unpadded = 10 + (size_t)len + 1; /* magic+version+hlen, dict, '\n' */
    size_t total = (unpadded + 63) / 64 * 64;
    if (total > cap || total - 10 > 65535)
        return 0;
    memcpy(buf, MAGIC, 6);
    buf[6] = 1;
    buf[7] = 0;
    size_t hlen = total - 10;
    buf[8] = (char)(hlen & 0xff);
    buf[9] = (char)(hlen >> 8);
    memcpy(buf + 10, dict, (size_t)len);
    memset(buf + 10 + len, ' ', total - unpadded);
    buf[total - 1] = '\n';
    return total;
}

ntkb_status ntkb_npy_write(const char *path, ntkb_npy_dtype dtype, size_t ndim,
                           const size_t *shape, const void *data)
{
    if (ndim == 0 || ndim > NTKB_NPY_MAX_DIM || (!data && shape[0] > 0))
        return ntkb_error(NTKB_EINVAL, "%s: npy write needs 1..%d dimensions and data", path,
                          NTKB_NPY_MAX_DIM);
    char header[512];
    size_t hsize = ntkb_npy_header(header, sizeof header, dtype, ndim, shape);
    if (hsize == 0)
        return ntkb_error(NTKB_EINVAL, "%s: npy header too long", path);
    size_t count = 1;
    for (size_t d = 0; d < ndim; d++)
        count *= shape[d];

    ntkb_atomic_file f;
    ntkb_status st = ntkb_atomic_open(&f, path);
    if (st != NTKB_OK)
        return st;
    if (fwrite(header, 1, hsize, f.fp) != hsize || fwrite(data, 8, count, f.fp) != count) {
        ntkb_atomic_abort(&f);
        return ntkb_error(NTKB_EIO, "%s: write failed: %s", path, strerror(errno));
    }
    return ntkb_atomic_commit(&f);
}

/* Finds `'key':` in the header dict and returns a pointer just past the colon and spaces. */
static const char *dict_value(const char *dict, const char *key)
{
    char pattern[32];
    snprintf(pattern, sizeof pattern, "'%s':", key);
    const char *p = strstr(dict, pattern);
    if (!p)
        return NULL;
    p += strlen(pattern);
    while (*p == ' ')
        p++;
    return p;
}

static ntkb_status parse_shape(const char *p, const char *name, size_t *ndim,
                               size_t shape[NTKB_NPY_MAX_DIM])
{
    if (!p || *p != '(')
        return ntkb_error(NTKB_EFORMAT, "%s: npy header has no 'shape' tuple", name);
    p++;
    *ndim = 0;
    for (;;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == ')')
            break;
        char *end = (char *)p;
        errno = 0;
        /* strtoull would take "-1" as 2^64 - 1: a dimension starts with a digit. */
        unsigned long long v = *p >= '0' && *p <= '9' ? strtoull(p, &end, 10) : 0;
        if (end == p || errno != 0 || v > SIZE_MAX || *ndim == NTKB_NPY_MAX_DIM)
            return ntkb_error(NTKB_EFORMAT, "%s: npy header shape is not a tuple of at most %d integers",
                              name, NTKB_NPY_MAX_DIM);
        shape[(*ndim)++] = (size_t)v;
        p = end;
    }
    if (*ndim == 0)
        return ntkb_error(NTKB_EFORMAT, "%s: npy scalar arrays are not supported", name);
    return NTKB_OK;
}

ntkb_status ntkb_npy_read_header(FILE *fp, const char *name, ntkb_npy_dtype *dtype_out,
                                 size_t *ndim_out, size_t shape_out[NTKB_NPY_MAX_DIM],
                                 size_t *data_offset_out)
{
    unsigned char pre[10];
    if (fread(pre, 1, 10, fp) != 10 || memcmp(pre, MAGIC, 6) != 0)
        return ntkb_error(NTKB_EFORMAT, "%s: not a .npy file (expected the \\x93NUMPY magic)", name);
    if (pre[6] != 1)
        return ntkb_error(NTKB_EFORMAT, "%s: npy version %d.%d, expected 1.0", name, pre[6], pre[7]);
    size_t hlen = (size_t)pre[8] | ((size_t)pre[9] << 8);
    char dict[65536 + 1];
    if (fread(dict, 1, hlen, fp) != hlen)
        return ntkb_error(NTKB_EFORMAT, "%s: npy header truncated", name);
    dict[hlen] = '\0';

    const char *descr = dict_value(dict, "descr");
    if (descr && strncmp(descr, "'<f8'", 5) == 0)
        *dtype_out = NTKB_NPY_F64;
    else if (descr && strncmp(descr, "'<i8'", 5) == 0)
        *dtype_out = NTKB_NPY_I64;
    else
        return ntkb_error(NTKB_EFORMAT, "%s: npy dtype must be '<f8' or '<i8'", name);
    const char *order = dict_value(dict, "fortran_order");
    if (!order || strncmp(order, "False", 5) != 0)
        return ntkb_error(NTKB_EFORMAT, "%s: npy array must be in C order (fortran_order False)", name);
    *data_offset_out = 10 + hlen;
    return parse_shape(dict_value(dict, "shape"), name, ndim_out, shape_out);
}

/* The element count of the shape, checked against overflow and against the bytes the file
 * really holds after its header, before anything is allocated. */
static ntkb_status check_size(FILE *fp, const char *path, size_t ndim, const size_t *shape,
                              size_t offset, size_t *count_out)
{
    size_t count = 1;
    int overflow = 0;
    for (size_t d = 0; d < ndim; d++) {
        if (shape[d] && count > SIZE_MAX / 8 / shape[d])
            overflow = 1;
        else
            count *= shape[d];
    }
    struct stat sb;
    if (fstat(fileno(fp), &sb) != 0)
        return ntkb_error(NTKB_EIO, "%s: cannot stat: %s", path, strerror(errno));
    size_t have = (size_t)sb.st_size > offset ? ((size_t)sb.st_size - offset) / 8 : 0;
    if (overflow || count > have) {
        char dims[128] = "";
        for (size_t d = 0, len = 0; d < ndim && len < sizeof dims; d++)
            len += (size_t)snprintf(dims + len, sizeof dims - len, "%s%zu", d ? ", " : "", shape[d]);
        if (overflow)
            return ntkb_error(NTKB_EFORMAT, "%s: npy shape (%s) is too large (over 2^61 elements)",
                              path, dims);
        return ntkb_error(NTKB_EFORMAT, "%s: npy data truncated: shape (%s) needs %zu elements, "
                          "the file holds %zu after its header", path, dims, count, have);
    }
    *count_out = count;
    return NTKB_OK;
}

ntkb_status ntkb_npy_read(const char *path, ntkb_npy_dtype want, size_t *ndim_out,
                          size_t shape_out[NTKB_NPY_MAX_DIM], void **data_out)
{
    *data_out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return ntkb_error(errno == ENOENT ? NTKB_ENOTFOUND : NTKB_EIO, "%s: cannot open: %s", path,
                          strerror(errno));
    ntkb_npy_dtype dtype;
    size_t offset, count = 1;
    void *data = NULL;
    ntkb_status st = ntkb_npy_read_header(fp, path, &dtype, ndim_out, shape_out, &offset);
    if (st != NTKB_OK)
        goto done;
    if (dtype != want) {
        st = ntkb_error(NTKB_EFORMAT, "%s: npy dtype is %s, expected %s", path,
                        descr_of(dtype), descr_of(want));
        goto done;
    }
    if ((st = check_size(fp, path, *ndim_out, shape_out, offset, &count)) != NTKB_OK)
        goto done;
    data = malloc(count ? count * 8 : 1);
    if (!data) {
        st = ntkb_error(NTKB_ENOMEM, "%s: cannot allocate %zu elements", path, count);
        goto done;
    }
    if (fread(data, 8, count, fp) != count) {
        st = ntkb_error(NTKB_EFORMAT, "%s: npy data truncated (expected %zu elements)", path, count);
        goto done;
    }
    *data_out = data;
    data = NULL;
done:
    free(data);
    fclose(fp);
    return st;
}
