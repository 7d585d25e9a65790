/* The record of finished blocks of fits (protocol_blocks.h). */
#include "protocol_blocks.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/atomic.h"
#include "core/fs.h"

#define VERSION_LINE "ntkb-blocks 1\n"
#define MAX_FILE ((size_t)1 << 30)

typedef struct {
    uint64_t gram;
    unsigned variant;
    size_t task, capped;
    int64_t *counts; /* n_C */
} block;

struct ntkb_blocks {
    char *path;
    int fd;            /* open for appending */
    size_t n_C;
    block *b;
    size_t n, cap;
    size_t written, stop_after;
};

uint64_t ntkb_blocks_hash(const void *data, size_t bytes, uint64_t h)
{
    const unsigned char *p = data;
    size_t k = 0;
    for (; k + 8 <= bytes; k += 8) {
        uint64_t w;
        memcpy(&w, p + k, 8);
        h = (h ^ w) * 0x100000001b3ull;
    }
    for (; k < bytes; k++)
        h = (h ^ p[k]) * 0x100000001b3ull;
    return h;
}

void ntkb_blocks_close(ntkb_blocks *b)
{
    if (!b)
        return;
    if (b->fd >= 0)
        close(b->fd);
    for (size_t k = 0; k < b->n; k++)
        free(b->b[k].counts);
    free(b->b);
    free(b->path);
    free(b);
}

static int find_index(const ntkb_blocks *b, uint64_t gram, unsigned variant, size_t task)
{
    for (size_t k = 0; k < b->n; k++)
        if (b->b[k].gram == gram && b->b[k].variant == variant && b->b[k].task == task)
            return (int)k;
    return -1;
}

int ntkb_blocks_find(const ntkb_blocks *b, uint64_t gram, unsigned variant, size_t task,
                     int64_t *counts, size_t *capped)
{
    const int k = b ? find_index(b, gram, variant, task) : -1;
    if (k < 0)
        return 0;
    memcpy(counts, b->b[k].counts, b->n_C * sizeof *counts);
    *capped = b->b[k].capped;
    return 1;
}

static ntkb_status keep(ntkb_blocks *b, uint64_t gram, unsigned variant, size_t task,
                        size_t capped, const int64_t *counts)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        block *nb = realloc(b->b, cap * sizeof *nb);
        if (!nb)
            return ntkb_error(NTKB_ENOMEM, "blocks: out of memory");
        b->b = nb;
        b->cap = cap;
    }
    block *x = &b->b[b->n];
    x->counts = malloc(b->n_C * sizeof *x->counts);
    if (!x->counts)
        return ntkb_error(NTKB_ENOMEM, "blocks: out of memory");
    memcpy(x->counts, counts, b->n_C * sizeof *counts);
    x->gram = gram, x->variant = variant, x->task = task, x->capped = capped;
    b->n++;
    return NTKB_OK;
}

/* The whole header text: version line, identity lines, fingerprint line. */
static char *header_text(const char *identity)
{
    const uint64_t fp = ntkb_blocks_hash(identity, strlen(identity), NTKB_BLOCKS_HASH0);
    size_t len = strlen(VERSION_LINE) + strlen(identity) + 40;
    char *h = malloc(len);
    if (h)
        snprintf(h, len, "%s%sfingerprint %016" PRIx64 "\n", VERSION_LINE, identity, fp);
    return h;
}

/* One block line "b gram variant task capped c_1 .. c_n name hash" (line without '\n'). */
static ntkb_status parse_line(ntkb_blocks *b, char *line, const char *path, size_t lineno,
                              int64_t *counts)
{
    char *last = strrchr(line, ' ');
    uint64_t gram, want;
    unsigned variant;
    size_t task, capped;
    int used = 0;
    if (!last || sscanf(last + 1, "%" SCNx64, &want) != 1 ||
        ntkb_blocks_hash(line, (size_t)(last - line), NTKB_BLOCKS_HASH0) != want)
        return ntkb_error(NTKB_EFORMAT,
                          "%s:%zu: the line's hash does not match its text (edited or corrupt "
                          "record of fits; delete it to recompute)", path, lineno);
    if (sscanf(line, "b %" SCNx64 " %u %zu %zu%n", &gram, &variant, &task, &capped, &used) != 4)
        return ntkb_error(NTKB_EFORMAT, "%s:%zu: expected 'b GRAM VARIANT TASK CAPPED COUNTS...'",
                          path, lineno);
    const char *q = line + used;
    for (size_t c = 0; c < b->n_C; c++) {
        int k = 0;
        if (sscanf(q, " %" SCNd64 "%n", &counts[c], &k) != 1 || counts[c] < 0)
            return ntkb_error(NTKB_EFORMAT, "%s:%zu: expected %zu non-negative counts", path,
                              lineno, b->n_C);
        q += k;
    }
    if (find_index(b, gram, variant, task) >= 0)
        return NTKB_OK; /* a block recorded twice (two merged records): the first one counts */
    return keep(b, gram, variant, task, capped, counts);
}

/* Reads the record at path into b; *torn = the length of its valid prefix when the last line
 * has no newline (else 0).  Returns NTKB_ENOTFOUND when the file does not exist. */
static ntkb_status load(ntkb_blocks *b, const char *path, const char *header, size_t *valid)
{
    if (!ntkb_fs_is_file(path))
        return NTKB_ENOTFOUND;
    char *text = ntkb_fs_slurp(path, MAX_FILE);
    int64_t *counts = malloc((b->n_C ? b->n_C : 1) * sizeof *counts);
    ntkb_status st = NTKB_OK;
    if (!text || !counts) {
        st = ntkb_error(NTKB_EIO, "%s: cannot read the record of fits", path);
        goto done;
    }
    /* the header, line by line, so that the message names the first differing line */
    const char *h = header, *t = text;
    size_t lineno = 1;
    while (*h) {
        const char *he = strchr(h, '\n'), *te = strchr(t, '\n');
        if (!te || (size_t)(te - t) != (size_t)(he - h) || memcmp(t, h, (size_t)(he - h))) {
            int tl = te ? (int)(te - t) : (int)strlen(t);
            st = ntkb_error(NTKB_EMISMATCH,
                            "%s:%zu: this record of fits belongs to another search: '%.*s', "
                            "this run has '%.*s' (use another file, or delete it)",
                            path, lineno, tl > 200 ? 200 : tl, t, (int)(he - h), h);
            goto done;
        }
        h = he + 1, t = te + 1, lineno++;
    }
    *valid = 0;
    for (char *line = (char *)t; *line; lineno++) {
        char *end = strchr(line, '\n');
        if (!end) { /* torn by a kill while appending */
            *valid = (size_t)(line - text);
            break;
        }
        *end = '\0';
        if ((st = parse_line(b, line, path, lineno, counts)) != NTKB_OK)
            goto done;
        line = end + 1;
    }
done:
    free(counts);
    free(text);
    return st;
}

static ntkb_status create(const char *path, const char *header)
{
    ntkb_atomic_file f = {0};
    ntkb_status st = ntkb_atomic_open(&f, path);
    if (st)
        return st;
    if (fputs(header, f.fp) == EOF) {
        ntkb_atomic_abort(&f);
        return ntkb_error(NTKB_EIO, "%s: cannot write", path);
    }
    return ntkb_atomic_commit(&f);
}

static ntkb_status write_line(ntkb_blocks *b, uint64_t gram, unsigned variant, size_t task,
                              size_t capped, const int64_t *counts, const char *name)
{
    size_t cap = 96 + 24 * b->n_C + (name ? strlen(name) : 0), len = 0;
    char *line = malloc(cap);
    if (!line)
        return ntkb_error(NTKB_ENOMEM, "blocks: out of memory");
    len += (size_t)snprintf(line, cap, "b %016" PRIx64 " %u %zu %zu", gram, variant, task, capped);
    for (size_t c = 0; c < b->n_C; c++)
        len += (size_t)snprintf(line + len, cap - len, " %" PRId64, counts[c]);
    line[len++] = ' ';
    for (const char *s = name && *name ? name : "-"; *s && len + 20 < cap; s++)
        line[len++] = *s == ' ' || *s == '\n' ? '_' : *s; /* the name is for readers only */
    const uint64_t hsh = ntkb_blocks_hash(line, len, NTKB_BLOCKS_HASH0);
    len += (size_t)snprintf(line + len, cap - len, " %016" PRIx64 "\n", hsh);
    ntkb_status st = NTKB_OK;
    if (write(b->fd, line, len) != (ssize_t)len || fsync(b->fd) != 0)
        st = ntkb_error(NTKB_EIO, "%s: cannot append: %s", b->path, strerror(errno));
    free(line);
    return st;
}

ntkb_status ntkb_blocks_append(ntkb_blocks *b, uint64_t gram, unsigned variant, size_t task,
                               size_t capped, const int64_t *counts, const char *name)
{
    if (b->stop_after && b->written >= b->stop_after)
        return ntkb_error(NTKB_EINTERNAL, "stopped after %zu blocks of fits "
                          "(NTKB_BLOCKS_STOP_AFTER)", b->written);
    ntkb_status st = write_line(b, gram, variant, task, capped, counts, name);
    if (!st)
        st = keep(b, gram, variant, task, capped, counts);
    b->written += st == NTKB_OK;
    return st;
}

/* Blocks of the seed record that b lacks, appended to b's file. */
static ntkb_status merge_seed(ntkb_blocks *b, const char *seed, const char *header)
{
    ntkb_blocks s = {.n_C = b->n_C, .fd = -1};
    size_t valid = 0;
    ntkb_status st = load(&s, seed, header, &valid);
    if (st == NTKB_ENOTFOUND)
        st = NTKB_OK;
    for (size_t k = 0; k < s.n && !st; k++)
        if (find_index(b, s.b[k].gram, s.b[k].variant, s.b[k].task) < 0) {
            st = write_line(b, s.b[k].gram, s.b[k].variant, s.b[k].task, s.b[k].capped,
                            s.b[k].counts, "(merged)");
            if (!st)
                st = keep(b, s.b[k].gram, s.b[k].variant, s.b[k].task, s.b[k].capped,
                          s.b[k].counts);
        }
    for (size_t k = 0; k < s.n; k++)
        free(s.b[k].counts);
    free(s.b);
    return st;
}

ntkb_status ntkb_blocks_open(const char *path, const char *seed, const char *identity,
                             size_t n_C, ntkb_blocks **out)
{
    if (!path || !identity || !out || n_C == 0)
        return ntkb_error(NTKB_EINVAL, "blocks: NULL argument");
    *out = NULL;
    ntkb_blocks *b = calloc(1, sizeof *b);
    char *header = header_text(identity);
    ntkb_status st = NTKB_OK;
    if (!b || !header || !(b->path = strdup(path))) {
        st = ntkb_error(NTKB_ENOMEM, "blocks: out of memory");
        goto done;
    }
    b->fd = -1;
    b->n_C = n_C;
    const char *stop = getenv("NTKB_BLOCKS_STOP_AFTER");
    b->stop_after = stop ? (size_t)strtoull(stop, NULL, 10) : 0;
    size_t valid = 0;
    st = load(b, path, header, &valid);
    if (st == NTKB_ENOTFOUND)
        st = create(path, header);
    if (st)
        goto done;
    if ((b->fd = open(path, O_WRONLY | O_APPEND)) < 0) {
        st = ntkb_error(NTKB_EIO, "%s: cannot open for appending: %s", path, strerror(errno));
        goto done;
    }
    if (valid && ftruncate(b->fd, (off_t)valid) != 0) {
        st = ntkb_error(NTKB_EIO, "%s: cannot drop the torn last line: %s", path,
                        strerror(errno));
        goto done;
    }
    if (seed && strcmp(seed, path))
        st = merge_seed(b, seed, header);
done:
    free(header);
    if (st) {
        ntkb_blocks_close(b);
        return st;
    }
    *out = b;
    return NTKB_OK;
}
