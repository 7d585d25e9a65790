/* Image readers (CIFAR-10 binary, IDX), class-pair selection and preprocessing. */
#include "images.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

ntkb_images *ntkb_images_alloc(size_t n, size_t channels, size_t height, size_t width)
{
    ntkb_images *im = calloc(1, sizeof *im);
    if (!im)
        return NULL;
    *im = (ntkb_images){n, channels, height, width, NULL, NULL};
    im->pixels = malloc((n * channels * height * width + 1) * sizeof *im->pixels);
    im->labels = malloc((n + 1) * sizeof *im->labels);
    if (!im->pixels || !im->labels) {
        ntkb_images_free(im);
        return NULL;
    }
    return im;
}

void ntkb_images_free(ntkb_images *im)
{
    if (!im)
        return;
    free(im->pixels);
    free(im->labels);
    free(im);
}

size_t ntkb_images_size(const ntkb_images *im)
{
    return im->channels * im->height * im->width;
}

ntkb_status ntkb_images_read_cifar10_file(const char *path, ntkb_images **out)
{
    return ntkb_images_read_cifar10_file_n(path, 0, out);
}

ntkb_status ntkb_images_read_cifar10_file_n(const char *path, size_t max_images, ntkb_images **out)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return ntkb_error(errno == ENOENT ? NTKB_ENOTFOUND : NTKB_EIO, "%s: cannot open: %s",
                          path, strerror(errno));
    ntkb_status st = NTKB_OK;
    unsigned char *buf = NULL;
    ntkb_images *im = NULL;
    if (fseek(fp, 0, SEEK_END) != 0) {
        st = ntkb_error(NTKB_EIO, "%s: cannot seek", path);
        goto done;
    }
    long size = ftell(fp);
    rewind(fp);
    if (size <= 0) {
        st = ntkb_error(NTKB_EFORMAT, "%s: empty file (expected 3073-byte CIFAR-10 records)", path);
        goto done;
    }
    size_t n = (size_t)size / NTKB_CIFAR10_RECORD, rest = (size_t)size % NTKB_CIFAR10_RECORD;
    if (rest != 0) {
        st = ntkb_error(NTKB_EFORMAT,
                        "%s: truncated record: %ld bytes is %zu whole 3073-byte records plus "
                        "%zu bytes of record %zu",
                        path, size, n, rest, n);
        goto done;
    }
    if (n > NTKB_CIFAR10_PER_FILE) {
        st = ntkb_error(NTKB_EFORMAT, "%s: %zu records, more than a CIFAR-10 batch (10000)",
                        path, n);
        goto done;
    }
    if (max_images && max_images < n)
        n = max_images; /* the records after these are whole (checked above) and not read */
    buf = malloc(n * NTKB_CIFAR10_RECORD);
    im = ntkb_images_alloc(n, 3, 32, 32);
    if (!buf || !im) {
        st = ntkb_error(NTKB_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    if (fread(buf, 1, n * NTKB_CIFAR10_RECORD, fp) != n * NTKB_CIFAR10_RECORD) {
        st = ntkb_error(NTKB_EIO, "%s: read error", path);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const unsigned char *r = buf + i * NTKB_CIFAR10_RECORD;
        if (r[0] > 9) {
            st = ntkb_error(NTKB_EFORMAT, "%s: record %zu (byte %zu): label %d is not in 0..9",
                            path, i, i * NTKB_CIFAR10_RECORD, r[0]);
            goto done;
        }
        im->labels[i] = r[0];
        for (size_t p = 0; p < 3072; p++)
            im->pixels[i * 3072 + p] = r[1 + p];
    }
done:
    fclose(fp);
    free(buf);
    if (st == NTKB_OK)
        *out = im;
    else
        ntkb_images_free(im);
    return st;
}

/* "<dir>/<batch>.bin", else the first "<dir>/<batch>.*.bin" in name order; 0 if none. */
static int find_batch(const char *dir, const char *batch, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s.bin", dir, batch);
    FILE *fp = fopen(path, "rb");
    if (fp) {
        fclose(fp);
        return 1;
    }
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t bl = strlen(batch);
    char best[256] = "";
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > bl + 5 && strncmp(e->d_name, batch, bl) == 0 && e->d_name[bl] == '.' &&
            strcmp(e->d_name + l - 4, ".bin") == 0 && l < sizeof best &&
            (!best[0] || strcmp(e->d_name, best) < 0))
            memcpy(best, e->d_name, l + 1);
    }
    closedir(d);
    if (!best[0])
        return 0;
    snprintf(path, cap, "%s/%s", dir, best);
    return 1;
}

ntkb_status ntkb_images_load_cifar10(const char *dir, int train, ntkb_images **out,
                                     size_t *counts)
{
    *out = NULL;
    static const char *names[] = {"data_batch_1", "data_batch_2", "data_batch_3",
                                  "data_batch_4", "data_batch_5", "test_batch"};
    size_t first = train ? 0 : 5, nb = train ? 5 : 1, total = 0;
    ntkb_images *parts[5] = {0};
    ntkb_status st = NTKB_OK;
    char path[4096];
    for (size_t b = 0; b < nb && st == NTKB_OK; b++) {
        if (!find_batch(dir, names[first + b], path, sizeof path))
            st = ntkb_error(NTKB_ENOTFOUND, "%s: no CIFAR-10 batch %s.bin (or %s.*.bin)", dir,
                            names[first + b], names[first + b]);
        else if ((st = ntkb_images_read_cifar10_file(path, &parts[b])) == NTKB_OK) {
            total += parts[b]->n;
            if (counts)
                counts[b] = parts[b]->n;
        }
    }
    ntkb_images *im = NULL;
    if (st == NTKB_OK && !(im = ntkb_images_alloc(total, 3, 32, 32)))
        st = ntkb_error(NTKB_ENOMEM, "CIFAR-10: out of memory for %zu images", total);
    for (size_t b = 0, at = 0; st == NTKB_OK && b < nb; b++) {
        memcpy(im->pixels + at * 3072, parts[b]->pixels, parts[b]->n * 3072 * sizeof(double));
        memcpy(im->labels + at, parts[b]->labels, parts[b]->n * sizeof(int));
        at += parts[b]->n;
    }
    for (size_t b = 0; b < nb; b++)
        ntkb_images_free(parts[b]);
    if (st == NTKB_OK)
        *out = im;
    else
        ntkb_images_free(im);
    return st;
}

/* Reads exactly `len` bytes; NTKB_EFORMAT "truncated" on a short read. */
static ntkb_status gz_exact(gzFile gz, const char *path, void *buf, size_t len, const char *what)
{
    unsigned char *p = buf;
    while (len > 0) {
        unsigned chunk = len > (1u << 30) ? (1u << 30) : (unsigned)len;
        int got = gzread(gz, p, chunk);
        if (got <= 0)
            return ntkb_error(NTKB_EFORMAT, "%s: truncated: expected %s", path, what);
        p += got;
        len -= (size_t)got;
    }
    return NTKB_OK;
}

/* Reads exactly `len` bytes into a malloc'ed *out that grows with the bytes actually read (1 MiB,
 * then doubling), so a header's sizes are never trusted with an allocation before the data is
 * there: a short file costs at most twice what it holds, plus 1 MiB. */
static ntkb_status gz_read_alloc(gzFile gz, const char *path, size_t len, const char *what,
                                 unsigned char **out)
{
    size_t have = 0;
    unsigned char *buf = malloc(1);
    ntkb_status st = buf ? NTKB_OK : ntkb_error(NTKB_ENOMEM, "%s: out of memory", path);
    *out = NULL;
    while (st == NTKB_OK && have < len) {
        size_t step = have > ((size_t)1 << 20) ? have : (size_t)1 << 20;
        size_t want = len - have < step ? len - have : step;
        unsigned char *nb = realloc(buf, have + want + 1);
        if (!nb) {
            st = ntkb_error(NTKB_ENOMEM, "%s: out of memory reading %s", path, what);
            break;
        }
        buf = nb;
        st = gz_exact(gz, path, buf + have, want, what);
        have += want;
    }
    if (st == NTKB_OK)
        *out = buf;
    else
        free(buf);
    return st;
}

/* Opens an IDX file and checks its magic; dims[0..ndim) get the big-endian dimensions. */
static ntkb_status idx_open(const char *path, unsigned magic, size_t ndim, size_t *dims,
                            gzFile *gz_out)
{
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return ntkb_error(errno == ENOENT ? NTKB_ENOTFOUND : NTKB_EIO, "%s: cannot open: %s",
                          path, strerror(errno));
    fclose(probe);
    gzFile gz = gzopen(path, "rb");
    if (!gz)
        return ntkb_error(NTKB_EIO, "%s: cannot open", path);
    unsigned char hdr[16];
    ntkb_status st = gz_exact(gz, path, hdr, 4 * (1 + ndim), "an IDX header");
    if (st == NTKB_OK) {
        unsigned m = (unsigned)hdr[0] << 24 | (unsigned)hdr[1] << 16 | (unsigned)hdr[2] << 8 | hdr[3];
        if (m != magic)
            st = ntkb_error(NTKB_EFORMAT, "%s: wrong IDX magic number 0x%08x (expected 0x%08x)",
                            path, m, magic);
    }
    for (size_t d = 0; st == NTKB_OK && d < ndim; d++) {
        const unsigned char *b = hdr + 4 + 4 * d;
        dims[d] = (size_t)b[0] << 24 | (size_t)b[1] << 16 | (size_t)b[2] << 8 | b[3];
        if (dims[d] == 0)
            st = ntkb_error(NTKB_EFORMAT, "%s: IDX dimension %zu is zero", path, d);
    }
    if (st != NTKB_OK) {
        gzclose(gz);
        return st;
    }
    *gz_out = gz;
    return NTKB_OK;
}

/* Reads and discards exactly `len` bytes (the records after the ones kept), in fixed-size chunks;
 * NTKB_EFORMAT "truncated" on a short read. */
static ntkb_status gz_skip(gzFile gz, const char *path, size_t len, const char *what)
{
    unsigned char scratch[65536];
    ntkb_status st = NTKB_OK;
    while (st == NTKB_OK && len > 0) {
        size_t chunk = len < sizeof scratch ? len : sizeof scratch;
        st = gz_exact(gz, path, scratch, chunk, what);
        len -= chunk;
    }
    return st;
}

/* After the data: any further byte is an error (a wrong size in the header). */
static ntkb_status idx_end(gzFile gz, const char *path)
{
    unsigned char extra;
    int got = gzread(gz, &extra, 1);
    return got == 0 ? NTKB_OK
                    : ntkb_error(NTKB_EFORMAT, "%s: trailing data after the size in the header",
                                 path);
}

ntkb_status ntkb_images_read_idx(const char *images_path, const char *labels_path,
                                 ntkb_images **out)
{
    return ntkb_images_read_idx_n(images_path, labels_path, 0, out);
}

ntkb_status ntkb_images_read_idx_n(const char *images_path, const char *labels_path,
                                   size_t max_images, ntkb_images **out)
{
    *out = NULL;
    size_t di[3], dl[1];
    gzFile gi = NULL, gl = NULL;
    unsigned char *buf = NULL, *lab = NULL;
    ntkb_images *im = NULL;
    ntkb_status st = idx_open(images_path, 0x00000803u, 3, di, &gi);
    if (st == NTKB_OK && labels_path)
        st = idx_open(labels_path, 0x00000801u, 1, dl, &gl);
    if (st == NTKB_OK && labels_path && dl[0] != di[0])
        st = ntkb_error(NTKB_EFORMAT, "%s: %zu labels for %zu images in %s", labels_path, dl[0],
                        di[0], images_path);
    if (st != NTKB_OK)
        goto done;
    /* n: the header's count (the whole file is checked against it); k: the images kept.  Each
     * dimension is below 2^32, so P fits; n·P and k·P·8 are checked before anything is read. */
    size_t n = di[0], P = di[1] * di[2], k = (max_images && max_images < n) ? max_images : n;
    if (n > SIZE_MAX / P || k > SIZE_MAX / sizeof(double) / P) {
        st = ntkb_error(NTKB_EFORMAT, "%s: IDX header claims %zu images of %zu×%zu, too large",
                        images_path, n, di[1], di[2]);
        goto done;
    }
    char what[96];
    snprintf(what, sizeof what, "%zu images of %zu×%zu bytes", n, di[1], di[2]);
    if ((st = gz_read_alloc(gi, images_path, k * P, what, &buf)) != NTKB_OK ||
        (st = gz_skip(gi, images_path, (n - k) * P, what)) != NTKB_OK ||
        (st = idx_end(gi, images_path)) != NTKB_OK)
        goto done;
    if (labels_path) {
        snprintf(what, sizeof what, "%zu label bytes", n);
        if ((st = gz_read_alloc(gl, labels_path, k, what, &lab)) != NTKB_OK ||
            (st = gz_skip(gl, labels_path, n - k, what)) != NTKB_OK ||
            (st = idx_end(gl, labels_path)) != NTKB_OK)
            goto done;
    }
    if (!(im = ntkb_images_alloc(k, 1, di[1], di[2]))) {
        st = ntkb_error(NTKB_ENOMEM, "%s: out of memory for %zu images", images_path, k);
        goto done;
    }
    for (size_t i = 0; i < k * P; i++)
        im->pixels[i] = buf[i];
    for (size_t i = 0; i < k; i++)
        im->labels[i] = labels_path ? lab[i] : -1; /* −1: unlabelled */
done:
    if (gi)
        gzclose(gi);
    if (gl)
        gzclose(gl);
    free(buf);
    free(lab);
    if (st == NTKB_OK)
        *out = im;
    else
        ntkb_images_free(im);
    return st;
}

ntkb_status ntkb_images_load_fashion_mnist(const char *dir, int train, ntkb_images **out)
{
    if (!dir)
        dir = "/usr/share/datasets/fashion-mnist";
    const char *pre = train ? "train" : "t10k";
    char ip[4096], lp[4096];
    snprintf(ip, sizeof ip, "%s/%s-images-idx3-ubyte", dir, pre);
    snprintf(lp, sizeof lp, "%s/%s-labels-idx1-ubyte", dir, pre);
    FILE *fp = fopen(ip, "rb");
    if (fp)
        fclose(fp);
    else { /* Debian ships the gzip'd files */
        strncat(ip, ".gz", sizeof ip - strlen(ip) - 1);
        strncat(lp, ".gz", sizeof lp - strlen(lp) - 1);
    }
    return ntkb_images_read_idx(ip, lp, out);
}

ntkb_status ntkb_images_select_pair(const ntkb_images *src, int neg, int pos,
                                    size_t max_per_class, ntkb_images **out, double **y)
{
    *out = NULL;
    if (y)
        *y = NULL;
    if (neg == pos)
        return ntkb_error(NTKB_EINVAL, "class pair: the two classes are equal (%d)", neg);
    size_t cn = 0, cp = 0, n = 0;
    for (size_t i = 0; i < src->n; i++) {
        if (src->labels[i] == neg && (!max_per_class || cn < max_per_class))
            cn++, n++;
        else if (src->labels[i] == pos && (!max_per_class || cp < max_per_class))
            cp++, n++;
    }
    if (cn == 0 || cp == 0)
        return ntkb_error(NTKB_EINVAL, "class pair %d,%d: no image of class %d", neg, pos,
                          cn == 0 ? neg : pos);
    ntkb_images *im = ntkb_images_alloc(n, src->channels, src->height, src->width);
    double *yy = y ? malloc(n * sizeof *yy) : NULL;
    if (!im || (y && !yy)) {
        ntkb_images_free(im);
        free(yy);
        return ntkb_error(NTKB_ENOMEM, "class pair: out of memory");
    }
    const size_t L = ntkb_images_size(src);
    cn = cp = 0;
    for (size_t i = 0, k = 0; i < src->n; i++) {
        int l = src->labels[i];
        if (!((l == neg && (!max_per_class || cn++ < max_per_class)) ||
              (l == pos && (!max_per_class || cp++ < max_per_class))))
            continue;
        memcpy(im->pixels + k * L, src->pixels + i * L, L * sizeof(double));
        im->labels[k] = l;
        if (yy)
            yy[k] = l == pos ? 1.0 : -1.0;
        k++;
    }
    *out = im;
    if (y)
        *y = yy;
    return NTKB_OK;
}

void ntkb_images_scale_pm1(ntkb_images *im)
{
    size_t len = im->n * ntkb_images_size(im);
    for (size_t i = 0; i < len; i++)
        im->pixels[i] = (im->pixels[i] / 255.0 - 0.5) / 0.5;
}

ntkb_status ntkb_images_downsample(const ntkb_images *in, size_t factor, ntkb_images **out)
{
    if (out)
        *out = NULL;
    if (!in || !out || factor == 0 || in->height % factor || in->width % factor)
        return ntkb_error(NTKB_EINVAL, "downsample: factor %zu does not divide %zux%zu", factor,
                          in ? in->height : 0, in ? in->width : 0);
    const size_t C = in->channels, Hi = in->height, Wi = in->width;
    const size_t H = Hi / factor, W = Wi / factor;
    ntkb_images *im = ntkb_images_alloc(in->n, C, H, W);
    if (!im)
        return ntkb_error(NTKB_ENOMEM, "downsample: out of memory for %zu images", in->n);
    const double inv = 1.0 / (double)(factor * factor);
    for (size_t p = 0; p < in->n * C; p++) { /* one channel plane of one image */
        const double *s = in->pixels + p * Hi * Wi;
        double *d = im->pixels + p * H * W;
        for (size_t i = 0; i < H; i++)
            for (size_t j = 0; j < W; j++) {
                double acc = 0;
                for (size_t a = 0; a < factor; a++)
                    for (size_t b = 0; b < factor; b++)
                        acc += s[(i * factor + a) * Wi + j * factor + b];
                d[i * W + j] = acc * inv;
            }
    }
    if (in->n)
        memcpy(im->labels, in->labels, in->n * sizeof *im->labels);
    *out = im;
    return NTKB_OK;
}

ntkb_status ntkb_images_standardize(ntkb_images *train, ntkb_images **others, size_t n_others,
                                    double *mean_out, double *std_out)
{
    const size_t C = train->channels, P = train->height * train->width;
    for (size_t o = 0; o < n_others; o++)
        if (others[o] && (others[o]->channels != C || others[o]->height != train->height ||
                          others[o]->width != train->width))
            return ntkb_error(NTKB_EINVAL, "standardise: image shapes differ");
    for (size_t c = 0; c < C; c++) {
        double s = 0.0, s2 = 0.0;
        for (size_t i = 0; i < train->n; i++)
            for (size_t p = 0; p < P; p++)
                s += train->pixels[(i * C + c) * P + p] / 255.0;
        double cnt = (double)train->n * (double)P, mean = s / cnt;
        for (size_t i = 0; i < train->n; i++)
            for (size_t p = 0; p < P; p++) {
                double d = train->pixels[(i * C + c) * P + p] / 255.0 - mean;
                s2 += d * d;
            }
        double sd = sqrt(s2 / cnt);
        if (!(sd > 0.0))
            return ntkb_error(NTKB_EINVAL, "standardise: channel %zu is constant", c);
        if (mean_out)
            mean_out[c] = mean;
        if (std_out)
            std_out[c] = sd;
        for (size_t o = 0; o <= n_others; o++) {
            ntkb_images *im = o == 0 ? train : others[o - 1];
            if (!im)
                continue;
            for (size_t i = 0; i < im->n; i++)
                for (size_t p = 0; p < P; p++) {
                    double *v = &im->pixels[(i * C + c) * P + p];
                    *v = (*v / 255.0 - mean) / sd;
                }
        }
    }
    return NTKB_OK;
}

static const char *const CIFAR_NAMES[10] = {"plane", "car",  "bird",  "cat",  "deer",
                                            "dog",   "frog", "horse", "ship", "truck"};
static const char *const FM_NAMES[10] = {"tshirt", "trouser", "pullover", "dress", "coat",
                                         "sandal", "shirt",   "sneaker",  "bag",   "boot"};

static const char *const *class_names(const char *dataset)
{
    if (dataset && strcmp(dataset, "cifar10") == 0)
        return CIFAR_NAMES;
    if (dataset && strcmp(dataset, "fashion-mnist") == 0)
        return FM_NAMES;
    return NULL;
}

const char *ntkb_images_class_name(const char *dataset, int c)
{
    const char *const *names = class_names(dataset);
    return names && c >= 0 && c < 10 ? names[c] : NULL;
}

int ntkb_images_class_index(const char *dataset, const char *name)
{
    const char *const *names = class_names(dataset);
    char *end;
    long v = strtol(name, &end, 10);
    if (*name && !*end)
        return v >= 0 && v <= 9 ? (int)v : -1;
    for (int c = 0; names && c < 10; c++)
        if (strcasecmp(name, names[c]) == 0)
            return c;
    if (names == CIFAR_NAMES && strcasecmp(name, "airplane") == 0)
        return 0;
    if (names == CIFAR_NAMES && strcasecmp(name, "automobile") == 0)
        return 1;
    return -1;
}
