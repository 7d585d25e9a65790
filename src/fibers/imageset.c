/* Minimal image readers for the kernel-fiber study (see imageset.h). */
#include "fibers/imageset.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

void ntkb_fibers_images_free(ntkb_fibers_images *set)
{
    if (!set)
        return;
    free(set->pixels);
    memset(set, 0, sizeof *set);
}

double *ntkb_fibers_image(const ntkb_fibers_images *set, size_t i)
{
    return set->pixels + i * set->shape.channels * set->shape.height * set->shape.width;
}

/* Reads exactly len bytes through zlib (which also reads uncompressed files transparently). */
static ntkb_status read_exact(gzFile gz, const char *path, void *buf, size_t len)
{
    unsigned char *p = buf;
    while (len > 0) {
        unsigned chunk = len > (1u << 30) ? (1u << 30) : (unsigned)len;
        int got = gzread(gz, p, chunk);
        if (got <= 0) {
            int err;
            const char *msg = gzerror(gz, &err);
            if (got < 0 || err != Z_OK)
                return ntkb_error(NTKB_EIO, "%s: read error: %s", path, msg);
            return ntkb_error(NTKB_EFORMAT, "%s: file truncated (%zu bytes short)", path, len);
        }
        p += got;
        len -= (size_t)got;
    }
    return NTKB_OK;
}

static gzFile open_gz(const char *path, ntkb_status *st)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        *st = ntkb_error(errno == ENOENT ? NTKB_ENOTFOUND : NTKB_EIO, "%s: cannot open: %s", path,
                         strerror(errno));
    else
        *st = NTKB_OK;
    return gz;
}

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

ntkb_status ntkb_fibers_load_idx(const char *path, size_t max_images, ntkb_fibers_images *out)
{
    if (!path || !out)
        return ntkb_error(NTKB_EINVAL, "load_idx: NULL argument");
    memset(out, 0, sizeof *out);
    ntkb_status st;
    unsigned char *raw = NULL;
    gzFile gz = open_gz(path, &st);
    if (!gz)
        return st;
    unsigned char hdr[16];
    if ((st = read_exact(gz, path, hdr, sizeof hdr)) != NTKB_OK)
        goto done;
    if (be32(hdr) != 0x00000803u) {
        st = ntkb_error(NTKB_EFORMAT, "%s: magic 0x%08x, expected 0x00000803 (IDX3 unsigned byte)",
                        path, (unsigned)be32(hdr));
        goto done;
    }
    size_t n = be32(hdr + 4), H = be32(hdr + 8), W = be32(hdr + 12);
    if (H == 0 || W == 0 || H > 4096 || W > 4096) {
        st = ntkb_error(NTKB_EFORMAT, "%s: image size %zux%zu out of range", path, H, W);
        goto done;
    }
    if (max_images && max_images < n)
        n = max_images;
    raw = malloc(n * H * W + 1);
    out->pixels = malloc((n * H * W + 1) * sizeof(double));
    if (!raw || !out->pixels) {
        st = ntkb_error(NTKB_ENOMEM, "%s: out of memory for %zu images", path, n);
        goto done;
    }
    if ((st = read_exact(gz, path, raw, n * H * W)) != NTKB_OK)
        goto done;
    for (size_t i = 0; i < n * H * W; i++)
        out->pixels[i] = ((double)raw[i] / 255.0 - 0.5) / 0.5;
    out->n = n;
    out->shape = (ntkb_fibers_shape){1, H, W};
done:
    free(raw);
    gzclose(gz);
    if (st != NTKB_OK)
        ntkb_fibers_images_free(out);
    return st;
}

ntkb_status ntkb_fibers_load_cifar10(const char *path, size_t max_images, ntkb_fibers_images *out)
{
    enum { REC = 3073, PIX = 3072 };
    if (!path || !out)
        return ntkb_error(NTKB_EINVAL, "load_cifar10: NULL argument");
    memset(out, 0, sizeof *out);
    ntkb_status st;
    gzFile gz = open_gz(path, &st);
    if (!gz)
        return st;
    size_t cap = max_images ? max_images : 10000;
    out->pixels = malloc(cap * PIX * sizeof(double));
    if (!out->pixels) {
        gzclose(gz);
        return ntkb_error(NTKB_ENOMEM, "%s: out of memory", path);
    }
    unsigned char rec[REC];
    size_t n = 0;
    while (n < cap) {
        int got = gzread(gz, rec, REC);
        if (got == 0)
            break;
        if (got != REC) {
            st = ntkb_error(got < 0 ? NTKB_EIO : NTKB_EFORMAT,
                            "%s: record %zu is %d bytes, expected %d", path, n, got, REC);
            break;
        }
        if (rec[0] > 9) {
            st = ntkb_error(NTKB_EFORMAT, "%s: record %zu has label %u, expected 0..9", path, n,
                            rec[0]);
            break;
        }
        for (size_t i = 0; i < PIX; i++)
            out->pixels[n * PIX + i] = ((double)rec[1 + i] / 255.0 - 0.5) / 0.5;
        n++;
    }
    gzclose(gz);
    if (st == NTKB_OK && n == 0)
        st = ntkb_error(NTKB_EFORMAT, "%s: no records", path);
    if (st != NTKB_OK) {
        ntkb_fibers_images_free(out);
        return st;
    }
    out->n = n;
    out->shape = (ntkb_fibers_shape){3, 32, 32};
    return NTKB_OK;
}

ntkb_status ntkb_fibers_images_downsample(const ntkb_fibers_images *in, size_t factor,
                                          ntkb_fibers_images *out)
{
    if (!in || !out || factor == 0 || in->shape.height % factor || in->shape.width % factor)
        return ntkb_error(NTKB_EINVAL, "downsample: factor %zu does not divide %zux%zu", factor,
                          in ? in->shape.height : 0, in ? in->shape.width : 0);
    size_t C = in->shape.channels, H = in->shape.height / factor, W = in->shape.width / factor;
    size_t Wi = in->shape.width;
    memset(out, 0, sizeof *out);
    out->pixels = malloc((in->n * C * H * W + 1) * sizeof(double));
    if (!out->pixels)
        return ntkb_error(NTKB_ENOMEM, "downsample: out of memory");
    double inv = 1.0 / (double)(factor * factor);
    for (size_t k = 0; k < in->n * C; k++) {
        const double *s = in->pixels + k * in->shape.height * Wi;
        double *d = out->pixels + k * H * W;
        for (size_t i = 0; i < H; i++)
            for (size_t j = 0; j < W; j++) {
                double acc = 0;
                for (size_t a = 0; a < factor; a++)
                    for (size_t b = 0; b < factor; b++)
                        acc += s[(i * factor + a) * Wi + j * factor + b];
                d[i * W + j] = acc * inv;
            }
    }
    out->n = in->n;
    out->shape = (ntkb_fibers_shape){C, H, W};
    return NTKB_OK;
}
