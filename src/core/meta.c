#include "meta.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic.h"

struct ntkb_meta {
    char *buf; /* "{" + entries, without the closing brace */
    size_t len, cap;
    int count;
};

ntkb_meta *ntkb_meta_alloc(void)
{
    ntkb_meta *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cap = 256;
    m->buf = malloc(m->cap);
    if (!m->buf) {
        free(m);
        return NULL;
    }
    m->len = (size_t)snprintf(m->buf, m->cap, "{");
    return m;
}

void ntkb_meta_free(ntkb_meta *m)
{
    if (!m)
        return;
    free(m->buf);
    free(m);
}

static ntkb_status append(ntkb_meta *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static ntkb_status append(ntkb_meta *m, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(m->buf + m->len, m->cap - m->len, fmt, ap);
        va_end(ap);
        if (n < 0)
            return ntkb_error(NTKB_EINVAL, "meta.json: formatting failed");
        if (m->len + (size_t)n + 2 < m->cap) { /* keep room for "}\n" */
            m->len += (size_t)n;
            return NTKB_OK;
        }
        size_t cap = 2 * m->cap + (size_t)n + 2;
        char *nb = realloc(m->buf, cap);
        if (!nb)
            return ntkb_error(NTKB_ENOMEM, "meta.json: out of memory");
        m->buf = nb;
        m->cap = cap;
    }
}

static ntkb_status append_quoted(ntkb_meta *m, const char *s)
{
    ntkb_status st = append(m, "\"");
    for (; st == NTKB_OK && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            st = append(m, "\\%c", c);
        else if (c < 0x20)
            st = append(m, "\\u%04x", c);
        else
            st = append(m, "%c", c);
    }
    return st == NTKB_OK ? append(m, "\"") : st;
}

static ntkb_status key(ntkb_meta *m, const char *k)
{
    ntkb_status st = append(m, "%s\n  ", m->count++ ? "," : "");
    if (st == NTKB_OK)
        st = append_quoted(m, k);
    return st == NTKB_OK ? append(m, ": ") : st;
}

ntkb_status ntkb_meta_add_string(ntkb_meta *m, const char *k, const char *value)
{
    ntkb_status st = key(m, k);
    return st == NTKB_OK ? append_quoted(m, value) : st;
}

ntkb_status ntkb_meta_add_int(ntkb_meta *m, const char *k, int64_t value)
{
    ntkb_status st = key(m, k);
    return st == NTKB_OK ? append(m, "%" PRId64, value) : st;
}

ntkb_status ntkb_meta_add_double(ntkb_meta *m, const char *k, double value)
{
    ntkb_status st = key(m, k);
    if (st != NTKB_OK)
        return st;
    return isfinite(value) ? append(m, "%.17g", value) : append(m, "null");
}

char *ntkb_meta_json(const ntkb_meta *m)
{
    char *s = malloc(m->len + 4);
    if (s)
        snprintf(s, m->len + 4, "%.*s\n}\n", (int)m->len, m->buf);
    return s;
}

ntkb_status ntkb_meta_write(const ntkb_meta *m, const char *path)
{
    ntkb_atomic_file f;
    ntkb_status st = ntkb_atomic_open(&f, path);
    if (st != NTKB_OK)
        return st;
    fprintf(f.fp, "%.*s\n}\n", (int)m->len, m->buf);
    return ntkb_atomic_commit(&f);
}
