/* The resume journal: see journal.h. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* FNV-1a, 32 bits: enough to tell a torn or merged line from a written one. */
static uint32_t fnv1a(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* Makes a rename or unlink in path's directory durable. */
static void sync_dir_of(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    int dfd = open(dirname(buf), O_RDONLY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
}

static ntkb_status write_all_once(int fd, const char *buf, size_t len, const char *path)
{
    ssize_t w = write(fd, buf, len);
    if (w != (ssize_t)len || fsync(fd) != 0)
        return ntkb_error(NTKB_EIO, "%s: cannot write the journal: %s", path,
                          w < 0 || w == (ssize_t)len ? strerror(errno) : "short write");
    return NTKB_OK;
}

ntkb_status ntkb_journal_create(ntkb_journal *j, const char *path, const char *header)
{
    char tmp[4200];
    j->fd = -1;
    snprintf(j->path, sizeof j->path, "%s", path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return ntkb_error(NTKB_EIO, "%s: cannot create the journal: %s", tmp, strerror(errno));
    ntkb_status st = write_all_once(fd, header, strlen(header), tmp);
    close(fd);
    if (st == NTKB_OK && rename(tmp, path) != 0)
        st = ntkb_error(NTKB_EIO, "%s: cannot create the journal: %s", path, strerror(errno));
    if (st != NTKB_OK) {
        unlink(tmp);
        return st;
    }
    sync_dir_of(path);
    ntkb_journal_crash_point("journal header written");
    j->fd = open(path, O_WRONLY | O_APPEND);
    if (j->fd < 0)
        return ntkb_error(NTKB_EIO, "%s: cannot open the journal: %s", path, strerror(errno));
    return NTKB_OK;
}

/* Checks one line (without '\n'); calls rec on a valid body. */
static void check_line(char *line, size_t len, ntkb_journal_record_fn rec, void *ctx)
{
    if (len < 10 || line[len - 9] != ' ')
        return;
    char *end;
    unsigned long crc = strtoul(line + len - 8, &end, 16);
    if (end != line + len || crc != fnv1a(line, len - 9))
        return;
    line[len - 9] = '\0';
    rec(ctx, line);
}

/* The message of a header mismatch: both headers minus their magic line, one line each. */
static ntkb_status mismatch(const char *path, char *have, const char *want)
{
    const char *wnl = strchr(want, '\n');
    size_t ml = wnl ? (size_t)(wnl - want) : strlen(want);
    if (strncmp(have, want, ml) != 0 || (have[ml] != '\n' && have[ml] != '\0')) {
        char *hnl = strchr(have, '\n');
        if (hnl)
            *hnl = '\0';
        return ntkb_error(NTKB_EMISMATCH, "%s: refusing to resume: journal format '%.200s', this "
                          "program writes '%.*s' (another version of ntkbench, or not a "
                          "journal); rerun without --resume to start afresh",
                          path, have, (int)ml, want);
    }
    char w[4096];
    snprintf(w, sizeof w, "%s", want);
    char *h1 = strchr(have, '\n'), *w1 = strchr(w, '\n');
    h1 = h1 ? h1 + 1 : have;
    w1 = w1 ? w1 + 1 : w;
    char *h3 = strstr(h1, "\nfingerprint ");
    char *e3 = h3 ? strchr(h3 + 1, '\n') : NULL;
    if (e3)
        *e3 = '\0';
    size_t wl = strlen(w1);
    if (wl && w1[wl - 1] == '\n')
        w1[wl - 1] = '\0';
    for (char *q = h1; *q; q++)
        *q = *q == '\n' ? ';' : *q;
    for (char *q = w1; *q; q++)
        *q = *q == '\n' ? ';' : *q;
    return ntkb_error(NTKB_EMISMATCH,
                      "%s: refusing to resume: the journal was written for another dataset or "
                      "parameter set (journal: '%.900s'; this run: '%.900s'); rerun without "
                      "--resume to start afresh",
                      path, h1, w1);
}

ntkb_status ntkb_journal_open(ntkb_journal *j, const char *path, const char *header,
                              ntkb_journal_record_fn rec, void *ctx, int *fresh)
{
    j->fd = -1;
    *fresh = 0;
    snprintf(j->path, sizeof j->path, "%s", path);
    int fd = open(path, O_RDWR);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        ntkb_status st = ntkb_error(NTKB_EIO, "%s: cannot open the journal: %s", path,
                                    strerror(errno));
        if (fd >= 0)
            close(fd);
        return st;
    }
    size_t size = (size_t)sb.st_size, hl = strlen(header);
    char *have = malloc(size + 1);
    if (!have) {
        close(fd);
        return ntkb_error(NTKB_ENOMEM, "out of memory reading %s", path);
    }
    ssize_t got = pread(fd, have, size, 0);
    ntkb_status st = NTKB_OK;
    if (got != (ssize_t)size) {
        st = ntkb_error(NTKB_EIO, "%s: cannot read the journal: %s", path,
                        got < 0 ? strerror(errno) : "short read");
    } else if (size < hl && memcmp(have, header, size) == 0) {
        *fresh = 1;
    } else if (size < hl || memcmp(have, header, hl) != 0) {
        have[size] = '\0';
        st = mismatch(path, have, header);
    } else {
        size_t last = hl; /* end of the last complete line */
        for (size_t at = hl; at < size;) {
            char *nl = memchr(have + at, '\n', size - at);
            if (!nl)
                break;
            size_t len = (size_t)(nl - (have + at));
            check_line(have + at, len, rec, ctx);
            at += len + 1;
            last = at;
        }
        if (last < size && (ftruncate(fd, (off_t)last) != 0 || fsync(fd) != 0))
            st = ntkb_error(NTKB_EIO, "%s: cannot cut the torn last record: %s", path,
                            strerror(errno));
    }
    free(have);
    close(fd);
    if (st != NTKB_OK || *fresh)
        return st;
    j->fd = open(path, O_WRONLY | O_APPEND);
    if (j->fd < 0)
        return ntkb_error(NTKB_EIO, "%s: cannot open the journal: %s", path, strerror(errno));
    return NTKB_OK;
}

ntkb_status ntkb_journal_append(ntkb_journal *j, const char *const *bodies, size_t n)
{
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += strlen(bodies[i]) + 10;
    char *buf = malloc(cap);
    if (!buf)
        return ntkb_error(NTKB_ENOMEM, "out of memory for journal records");
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t bl = strlen(bodies[i]);
        memcpy(buf + len, bodies[i], bl);
        len += bl;
        len += (size_t)snprintf(buf + len, cap - len, " %08x\n", (unsigned)fnv1a(bodies[i], bl));
    }
    ssize_t w = write(j->fd, buf, len);
    free(buf);
    if (w != (ssize_t)len)
        return ntkb_error(NTKB_EIO, "%s: cannot write the journal: %s", j->path,
                          w < 0 ? strerror(errno) : "short write");
    ntkb_journal_crash_point("journal records written, not yet fsync'ed");
    if (fsync(j->fd) != 0)
        return ntkb_error(NTKB_EIO, "%s: cannot fsync the journal: %s", j->path, strerror(errno));
    return NTKB_OK;
}

void ntkb_journal_close(ntkb_journal *j)
{
    if (j && j->fd >= 0) {
        close(j->fd);
        j->fd = -1;
    }
}

static long crash_at = -1; /* −1: not read yet; 0: off */
static long crash_seen;

static long crash_target(void)
{
    long t = __atomic_load_n(&crash_at, __ATOMIC_ACQUIRE);
    if (t < 0) {
        const char *e = getenv("NTKB_TILES_CRASH_AT");
        t = e ? strtol(e, NULL, 10) : 0;
        t = t > 0 ? t : 0;
        __atomic_store_n(&crash_at, t, __ATOMIC_RELEASE);
    }
    return t;
}

int ntkb_journal_crash_armed(void)
{
    return crash_target() > 0;
}

void ntkb_journal_crash_point(const char *what)
{
    long t = crash_target();
    if (t == 0)
        return;
    long k = __atomic_add_fetch(&crash_seen, 1, __ATOMIC_ACQ_REL);
    if (k == t) {
        fprintf(stderr, "crash hook: killed at point %ld (%s)\n", k, what);
        fflush(stderr);
        raise(SIGKILL);
    }
}
