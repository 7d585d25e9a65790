#include "lines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define CHUNK (1u << 18)

struct ntkb_lines {
    gzFile gz;
    char *name;
    char *chunk;          /* raw bytes from zlib */
    size_t chunk_len, chunk_pos;
    int eof;
    char *line;           /* current line, NUL-terminated */
    size_t line_cap;
    size_t lineno;
};

ntkb_status ntkb_lines_open(const char *path, ntkb_lines **out)
{
    *out = NULL;
    ntkb_lines *lr = calloc(1, sizeof *lr);
    if (!lr)
        return ntkb_error(NTKB_ENOMEM, "%s: out of memory", path);
    lr->name = strdup(path);
    lr->chunk = malloc(CHUNK);
    lr->line_cap = 4096;
    lr->line = malloc(lr->line_cap);
    if (!lr->name || !lr->chunk || !lr->line) {
        ntkb_lines_close(lr);
        return ntkb_error(NTKB_ENOMEM, "%s: out of memory", path);
    }
    errno = 0;
    lr->gz = gzopen(path, "rb");
    if (!lr->gz) {
        ntkb_status st = ntkb_error(errno == ENOENT ? NTKB_ENOTFOUND : NTKB_EIO, "%s: cannot open: %s", path,
                                    errno ? strerror(errno) : "zlib could not open it");
        ntkb_lines_close(lr);
        return st;
    }
    gzbuffer(lr->gz, CHUNK);
    *out = lr;
    return NTKB_OK;
}

void ntkb_lines_close(ntkb_lines *lr)
{
    if (!lr)
        return;
    if (lr->gz)
        gzclose(lr->gz);
    free(lr->name);
    free(lr->chunk);
    free(lr->line);
    free(lr);
}

static ntkb_status refill(ntkb_lines *lr)
{
    int n = gzread(lr->gz, lr->chunk, CHUNK);
    int zerr;
    const char *msg = gzerror(lr->gz, &zerr);
    if (n < 0 || (zerr != Z_OK && zerr != Z_STREAM_END)) {
        /* Z_BUF_ERROR here means the gzip stream ended before its trailer. */
        return ntkb_error(zerr == Z_ERRNO ? NTKB_EIO : NTKB_EFORMAT,
                          "%s:%zu: %s (gzip stream cut short or corrupt)", lr->name,
                          lr->lineno + 1, zerr == Z_ERRNO ? strerror(errno) : msg);
    }
    lr->chunk_len = (size_t)n;
    lr->chunk_pos = 0;
    if (n == 0)
        lr->eof = 1;
    return NTKB_OK;
}

ntkb_status ntkb_lines_next(ntkb_lines *lr, char **line_out)
{
    size_t len = 0;
    *line_out = NULL;
    for (;;) {
        if (lr->chunk_pos == lr->chunk_len) {
            if (lr->eof)
                break;
            ntkb_status st = refill(lr);
            if (st != NTKB_OK)
                return st;
            if (lr->eof)
                break;
        }
        char *start = lr->chunk + lr->chunk_pos;
        size_t avail = lr->chunk_len - lr->chunk_pos;
        char *nl = memchr(start, '\n', avail);
        size_t take = nl ? (size_t)(nl - start) : avail;
        if (len + take + 1 > NTKB_LINES_MAX)
            return ntkb_error(NTKB_EFORMAT, "%s:%zu: line longer than %u MiB (not a text file "
                              "of the expected format?)", lr->name, lr->lineno + 1,
                              NTKB_LINES_MAX >> 20);
        if (len + take + 1 > lr->line_cap) {
            size_t cap = 2 * (len + take + 1);
            cap = cap < NTKB_LINES_MAX ? cap : NTKB_LINES_MAX;
            char *nb = realloc(lr->line, cap);
            if (!nb)
                return ntkb_error(NTKB_ENOMEM, "%s:%zu: out of memory", lr->name, lr->lineno + 1);
            lr->line = nb;
            lr->line_cap = cap;
        }
        memcpy(lr->line + len, start, take);
        len += take;
        lr->chunk_pos += take + (nl ? 1 : 0);
        if (nl)
            goto have_line;
    }
    if (len == 0)
        return NTKB_OK; /* clean end of file */
have_line:
    if (len > 0 && lr->line[len - 1] == '\r')
        len--;
    lr->line[len] = '\0';
    lr->lineno++;
    *line_out = lr->line;
    return NTKB_OK;
}

ntkb_status ntkb_lines_expect(ntkb_lines *lr, char **line_out, const char *what)
{
    ntkb_status st = ntkb_lines_next(lr, line_out);
    if (st == NTKB_OK && !*line_out)
        return ntkb_error(NTKB_EFORMAT, "%s:%zu: unexpected end of file, expected %s", lr->name,
                          lr->lineno + 1, what);
    return st;
}

static char *skip_blank(char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

static ntkb_status bad_token(ntkb_lines *lr, char *p, const char *what)
{
    char tok[32];
    size_t n = strcspn(p, " \t,");
    if (n == 0)
        return ntkb_error(NTKB_EFORMAT, "%s:%zu: expected %s, got end of line", lr->name,
                          lr->lineno, what);
    snprintf(tok, sizeof tok, "%.*s", (int)(n < 24 ? n : 24), p);
    return ntkb_error(NTKB_EFORMAT, "%s:%zu: expected %s, got '%s'", lr->name, lr->lineno, what, tok);
}

static char *token_start(char **p)
{
    char *s = skip_blank(*p);
    if (*s == ',')
        s = skip_blank(s + 1);
    return s;
}

static int token_ends(const char *end)
{
    return *end == '\0' || *end == ' ' || *end == '\t' || *end == ',';
}

ntkb_status ntkb_lines_int(ntkb_lines *lr, char **p, int64_t *value, const char *what)
{
    char *s = token_start(p), *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || errno != 0 || !token_ends(end))
        return bad_token(lr, s, what);
    *value = v;
    *p = end;
    return NTKB_OK;
}

ntkb_status ntkb_lines_real(ntkb_lines *lr, char **p, double *value, const char *what)
{
    char *s = token_start(p), *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno == ERANGE || !token_ends(end))
        return bad_token(lr, s, what);
    *value = v;
    *p = end;
    return NTKB_OK;
}

int ntkb_lines_at_end(char **p)
{
    *p = skip_blank(*p);
    return **p == '\0';
}

ntkb_status ntkb_lines_end(ntkb_lines *lr, char **p)
{
    if (ntkb_lines_at_end(p))
        return NTKB_OK;
    return bad_token(lr, *p, "end of line");
}

size_t ntkb_lines_lineno(const ntkb_lines *lr)
{
    return lr->lineno;
}

const char *ntkb_lines_name(const ntkb_lines *lr)
{
    return lr->name;
}
