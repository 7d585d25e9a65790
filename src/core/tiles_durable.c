/* The tiled driver's durable mode: partial files, the resume journal, the commit (see
 * tiles.h for the protocol). */
#include "tiles_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "npy.h"

#define JOURNAL_NAME "tiles.journal"
#define JOURNAL_MAGIC "ntkbench-tiles 2"

/* Makes renames and unlinks in dir durable. */
static void sync_dir(const char *dir)
{
    int dfd = open(dir, O_RDONLY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
}

static void path_of(char *buf, size_t cap, const char *dir, const char *name, const char *suffix)
{
    snprintf(buf, cap, "%s/%s%s", dir, name, suffix);
}

/* Journal header text; the fingerprint is flattened to one line. */
static void journal_header(const drv *d, char *buf, size_t cap)
{
    int len = snprintf(buf, cap, "%s\nn %zu k %zu tile %zu\nfingerprint ", JOURNAL_MAGIC, d->sp->n,
                       d->sp->k, d->T);
    size_t at = len > 0 ? (size_t)len : 0;
    for (const char *f = d->sp->fingerprint ? d->sp->fingerprint : ""; *f && at + 2 < cap; f++)
        buf[at++] = (*f == '\n' || *f == '\r') ? ' ' : *f;
    buf[at++] = '\n';
    buf[at] = '\0';
}

static size_t tile_index(const drv *d, size_t r, size_t c)
{
    return r * d->nt - r * (r - 1) / 2 + (c - r);
}

/* One valid journal record: "t R C" (tile R, C finished) or "commit" (every partial complete
 * and fsync'ed; the renames may have begun). */
static void on_record(void *ctx, const char *body)
{
    drv *d = ctx;
    size_t r, c;
    char tail;
    if (strcmp(body, "commit") == 0)
        d->committed = 1;
    else if (sscanf(body, "t %zu %zu%c", &r, &c, &tail) == 2 && r <= c && c < d->nt)
        d->done[tile_index(d, r, c)] = 1;
}

/* Opens the journal of a resumed run; *resume = 0 when there is none to resume from. */
static ntkb_status journal_resume(drv *d, const char *path, int *resume)
{
    const ntkb_tiles_spec *sp = d->sp;
    char want[4096];
    journal_header(d, want, sizeof want);
    *resume = sp->resume && access(path, F_OK) == 0;
    if (sp->resume && !*resume && sp->progress)
        fprintf(stderr, "%s: no journal in %s: starting afresh\n", sp->progress, sp->out_dir);
    if (!*resume)
        return NTKB_OK;
    int fresh = 0;
    ntkb_status st = ntkb_journal_open(&d->journal, path, want, on_record, d, &fresh);
    if (st == NTKB_OK && fresh) {
        *resume = 0;
        if (sp->progress)
            fprintf(stderr, "%s: %s records nothing (a run killed while creating it): starting "
                    "afresh\n", sp->progress, path);
    }
    return st;
}

/* Opens output k of a resumed run: its partial, or the final file when a committed run was
 * killed between the renames. */
static ntkb_status reopen_output(drv *d, size_t k, off_t size)
{
    const ntkb_tiles_spec *sp = d->sp;
    char part[4096], fin[4096];
    path_of(part, sizeof part, sp->out_dir, sp->names[k], ".partial");
    path_of(fin, sizeof fin, sp->out_dir, sp->names[k], "");
    const char *at = part;
    d->fds[k] = open(part, O_RDWR);
    if (d->fds[k] < 0 && errno == ENOENT && d->committed) {
        at = fin;
        d->fds[k] = open(fin, O_RDWR);
        d->renamed[k] = 1;
    }
    struct stat stt;
    if (d->fds[k] < 0 || fstat(d->fds[k], &stt) != 0)
        return ntkb_error(NTKB_EIO, "%s: cannot reopen: %s (the journal records %s); rerun "
                          "without --resume", at, strerror(errno),
                          d->committed ? "a finished run" : "an unfinished run");
    if (stt.st_size != size)
        return ntkb_error(NTKB_EIO, "%s: size %lld, expected %lld: cannot resume", at,
                          (long long)stt.st_size, (long long)size);
    return NTKB_OK;
}

/* Opens (resume) or creates the K partial files and the journal.  A fresh start removes an old
 * journal before it truncates the partials (else a kill in between would leave a journal
 * vouching for zeroed tiles) and writes the new journal only once the partials exist. */
ntkb_status ntkb_tiles_durable_open(drv *d)
{
    const ntkb_tiles_spec *sp = d->sp;
    char path[4096], hdr[256];
    size_t shape[2] = {sp->n, sp->n};
    d->hdr = ntkb_npy_header(hdr, sizeof hdr, NTKB_NPY_F64, 2, shape);
    off_t size = (off_t)(d->hdr + 8 * sp->n * sp->n);
    path_of(path, sizeof path, sp->out_dir, JOURNAL_NAME, "");
    int resume;
    ntkb_status st = journal_resume(d, path, &resume);
    if (st != NTKB_OK)
        return st;
    if (!resume && unlink(path) != 0 && errno != ENOENT)
        return ntkb_error(NTKB_EIO, "%s: cannot remove the old journal: %s", path,
                          strerror(errno));
    if (!resume)
        sync_dir(sp->out_dir);
    for (size_t k = 0; k < sp->k; k++) {
        if (resume) {
            if ((st = reopen_output(d, k, size)) != NTKB_OK)
                return st;
            continue;
        }
        char part[4096];
        path_of(part, sizeof part, sp->out_dir, sp->names[k], ".partial");
        d->fds[k] = open(part, O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (d->fds[k] < 0)
            return ntkb_error(NTKB_EIO, "%s: cannot create: %s", part, strerror(errno));
        if (pwrite(d->fds[k], hdr, d->hdr, 0) != (ssize_t)d->hdr || ftruncate(d->fds[k], size) != 0)
            return ntkb_error(NTKB_EIO, "%s: cannot preallocate: %s", part, strerror(errno));
    }
    if (resume)
        return NTKB_OK;
    ntkb_journal_crash_point("partial files created, no journal yet");
    char jh[4096];
    journal_header(d, jh, sizeof jh);
    return ntkb_journal_create(&d->journal, path, jh);
}

/* Loads finished tiles of a resumed run into the in-memory Grams. */
ntkb_status ntkb_tiles_durable_load(drv *d)
{
    const ntkb_tiles_spec *sp = d->sp;
    for (size_t t = 0; t < d->count; t++) {
        if (!d->done[t])
            continue;
        size_t r0 = d->tr[t] * d->T, c0 = d->tc[t] * d->T;
        size_t r1 = r0 + d->T < sp->n ? r0 + d->T : sp->n, c1 = c0 + d->T < sp->n ? c0 + d->T : sp->n;
        for (size_t k = 0; k < sp->k; k++)
            for (int mirror = 0; mirror < 2; mirror++) {
                size_t a0 = mirror ? c0 : r0, a1 = mirror ? c1 : r1, b0 = mirror ? r0 : c0;
                size_t w = mirror ? r1 - r0 : c1 - c0;
                for (size_t i = a0; i < a1; i++) {
                    off_t off = (off_t)(d->hdr + 8 * (i * sp->n + b0));
                    if (pread(d->fds[k], sp->grams[k] + i * sp->n + b0, 8 * w, off) !=
                        (ssize_t)(8 * w))
                        return ntkb_error(NTKB_EIO, "%s: short read resuming: %s", sp->names[k],
                                          strerror(errno));
                }
            }
    }
    return NTKB_OK;
}

/* fdatasync the data files, then append and fsync the pending records (one write): a record
 * never vouches for data that is not on disk.  Caller holds the journal lock. */
ntkb_status ntkb_tiles_durable_sync(drv *d)
{
    if (d->journal.fd < 0 || d->n_pending == 0)
        return NTKB_OK;
    for (size_t k = 0; k < d->sp->k; k++)
        if (fdatasync(d->fds[k]) != 0)
            return ntkb_error(NTKB_EIO, "%s: fdatasync failed: %s", d->sp->names[k], strerror(errno));
    ntkb_journal_crash_point("tile data synced, records not yet written");
    char *text = malloc(d->n_pending * 48);
    const char **bodies = malloc(d->n_pending * sizeof *bodies);
    ntkb_status st = text && bodies ? NTKB_OK : ntkb_error(NTKB_ENOMEM, "out of memory");
    for (size_t q = 0; st == NTKB_OK && q < d->n_pending; q++) {
        bodies[q] = text + 48 * q;
        snprintf(text + 48 * q, 48, "t %zu %zu", d->tr[d->pending[q]], d->tc[d->pending[q]]);
    }
    if (st == NTKB_OK)
        st = ntkb_journal_append(&d->journal, bodies, d->n_pending);
    free(text);
    free(bodies);
    if (st != NTKB_OK)
        return st;
    d->n_pending = 0;
    d->t_last_sync = ntkb_clock_now();
    return NTKB_OK;
}

/* Writes one filled tile (blocks[k], ld = T, already mirrored when diagonal) to memory and
 * files; `tbuf` is a T×T scratch for the transposed mirror. */
ntkb_status ntkb_tiles_store(drv *d, size_t t, double *const *blocks, double *tbuf)
{
    const ntkb_tiles_spec *sp = d->sp;
    size_t n = sp->n, T = d->T;
    size_t r0 = d->tr[t] * T, c0 = d->tc[t] * T;
    size_t h = (r0 + T < n ? r0 + T : n) - r0, w = (c0 + T < n ? c0 + T : n) - c0;
    for (size_t k = 0; k < sp->k; k++) {
        const double *b = blocks[k];
        for (size_t i = 0; i < h; i++)
            for (size_t j = 0; j < w; j++)
                tbuf[j * T + i] = b[i * T + j];
        if (sp->grams)
            for (size_t i = 0; i < h; i++)
                memcpy(sp->grams[k] + (r0 + i) * n + c0, b + i * T, w * sizeof *b);
        if (sp->grams && r0 != c0)
            for (size_t j = 0; j < w; j++)
                memcpy(sp->grams[k] + (c0 + j) * n + r0, tbuf + j * T, h * sizeof *b);
        if (!sp->out_dir)
            continue;
        for (size_t i = 0; i < h; i++)
            if (pwrite(d->fds[k], b + i * T, 8 * w, (off_t)(d->hdr + 8 * ((r0 + i) * n + c0))) !=
                (ssize_t)(8 * w))
                return ntkb_error(NTKB_EIO, "%s: tile write failed: %s", sp->names[k],
                                  strerror(errno));
        if (r0 != c0)
            for (size_t j = 0; j < w; j++)
                if (pwrite(d->fds[k], tbuf + j * T, 8 * h,
                           (off_t)(d->hdr + 8 * ((c0 + j) * n + r0))) != (ssize_t)(8 * h))
                    return ntkb_error(NTKB_EIO, "%s: tile write failed: %s", sp->names[k],
                                      strerror(errno));
    }
    return NTKB_OK;
}

/* Commits a complete run: fsync every partial, record "commit", rename the partials onto their
 * final names, then drop the journal.  Killed anywhere in here, a resume finds either no commit
 * record (all partials present) or the record (each output under one of its two names). */
ntkb_status ntkb_tiles_durable_finish(drv *d)
{
    const ntkb_tiles_spec *sp = d->sp;
    char part[4096], fin[4096];
    ntkb_status st = NTKB_OK;
    for (size_t k = 0; !d->committed && k < sp->k; k++)
        if (fsync(d->fds[k]) != 0)
            return ntkb_error(NTKB_EIO, "%s: cannot fsync: %s", sp->names[k], strerror(errno));
    if (!d->committed) {
        ntkb_journal_crash_point("partials complete, no commit record yet");
        const char *commit = "commit";
        if ((st = ntkb_journal_append(&d->journal, &commit, 1)) != NTKB_OK)
            return st;
        d->committed = 1;
    }
    for (size_t k = 0; k < sp->k; k++) {
        if (d->renamed[k])
            continue;
        path_of(part, sizeof part, sp->out_dir, sp->names[k], ".partial");
        path_of(fin, sizeof fin, sp->out_dir, sp->names[k], "");
        if (rename(part, fin) != 0)
            return ntkb_error(NTKB_EIO, "%s: cannot commit: %s", fin, strerror(errno));
        d->renamed[k] = 1;
        ntkb_journal_crash_point("between the renames");
    }
    sync_dir(sp->out_dir);
    ntkb_journal_crash_point("outputs renamed, journal not yet removed");
    ntkb_journal_close(&d->journal);
    path_of(part, sizeof part, sp->out_dir, JOURNAL_NAME, "");
    if (remove(part) != 0)
        return ntkb_error(NTKB_EIO, "%s: cannot remove: %s", part, strerror(errno));
    sync_dir(sp->out_dir);
    return NTKB_OK;
}
