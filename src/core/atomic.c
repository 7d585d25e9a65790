#include "atomic.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void release(ntkb_atomic_file *f)
{
    free(f->path);
    free(f->tmp_path);
    f->path = f->tmp_path = NULL;
    f->fp = NULL;
}

ntkb_status ntkb_atomic_open(ntkb_atomic_file *f, const char *path)
{
    memset(f, 0, sizeof *f);
    size_t len = strlen(path) + 32;
    f->path = strdup(path);
    f->tmp_path = malloc(len);
    if (!f->path || !f->tmp_path) {
        release(f);
        return ntkb_error(NTKB_ENOMEM, "out of memory opening %s", path);
    }
    snprintf(f->tmp_path, len, "%s.tmp.%ld", path, (long)getpid());
    f->fp = fopen(f->tmp_path, "wb");
    if (!f->fp) {
        ntkb_status st = ntkb_error(NTKB_EIO, "%s: cannot create: %s", f->tmp_path, strerror(errno));
        release(f);
        return st;
    }
    return NTKB_OK;
}

ntkb_status ntkb_atomic_commit(ntkb_atomic_file *f)
{
    ntkb_status st = NTKB_OK;
    int bad = ferror(f->fp) || fflush(f->fp) != 0 || fsync(fileno(f->fp)) != 0;
    int err = errno;
    if (fclose(f->fp) != 0 && !bad) {
        bad = 1;
        err = errno;
    }
    if (bad) {
        st = ntkb_error(NTKB_EIO, "%s: write failed: %s", f->path, strerror(err));
        remove(f->tmp_path);
    } else if (rename(f->tmp_path, f->path) != 0) {
        st = ntkb_error(NTKB_EIO, "%s: cannot rename into place: %s", f->path, strerror(errno));
        remove(f->tmp_path);
    }
    release(f);
    return st;
}

void ntkb_atomic_abort(ntkb_atomic_file *f)
{
    if (f->fp) {
        fclose(f->fp);
        remove(f->tmp_path);
    }
    release(f);
}
