/* ntkbench core: files written atomically.
 *
 * A writer opens "<path>.tmp.<pid>", writes, and commits by fsync + rename, so a reader (or a
 * killed run) never sees a half-written file at `path`.  Abort removes the temporary file.
 */
#ifndef NTKB_CORE_ATOMIC_H
#define NTKB_CORE_ATOMIC_H

#include <stdio.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    FILE *fp;
    char *path;     /* final name */
    char *tmp_path; /* name while writing */
} ntkb_atomic_file;

/* Opens a temporary file beside `path` for binary writing.
 * Returns NTKB_OK, NTKB_ENOMEM or NTKB_EIO.  On success the caller must end with
 * ntkb_atomic_commit or ntkb_atomic_abort.  Time complexity: O(1). */
ntkb_status ntkb_atomic_open(ntkb_atomic_file *f, const char *path);

/* Flushes, syncs and renames the temporary file onto its final name; on any failure the
 * temporary file is removed.  Always releases `f`.  Returns NTKB_OK or NTKB_EIO. */
ntkb_status ntkb_atomic_commit(ntkb_atomic_file *f);

/* Closes and removes the temporary file; releases `f`.  Safe on a zeroed struct. */
void ntkb_atomic_abort(ntkb_atomic_file *f);

#ifdef __cplusplus
}
#endif

#endif
