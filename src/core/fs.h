/* ntkbench core: small file-system helpers shared by the readers and the writers of runs. */
#ifndef NTKB_CORE_FS_H
#define NTKB_CORE_FS_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* True when `path` names an existing directory (resp. regular file).  Time complexity: O(1). */
int ntkb_fs_is_dir(const char *path);
int ntkb_fs_is_file(const char *path);

/* Creates directory `path` (one level) unless it exists.  Returns NTKB_OK or NTKB_EIO (the
 * message names the path and the system's reason).  Time complexity: O(1). */
ntkb_status ntkb_fs_mkdir(const char *path);

/* Checks that a file can be created in directory `path` (by creating and removing one), so that
 * a long run learns before computing, not after, that its output cannot be written.  Returns
 * NTKB_OK or NTKB_EIO naming the directory, `what` it is and the system's reason.
 * Time complexity: O(1). */
ntkb_status ntkb_fs_check_writable(const char *path, const char *what);

/* Reads a whole (small) file into a malloc'ed NUL-terminated string owned by the caller; NULL
 * when it is absent, unreadable or larger than max_bytes.  Time complexity: O(size). */
char *ntkb_fs_slurp(const char *path, size_t max_bytes);

/* An exclusive lock on a directory (or any path) for the life of a run: an advisory flock on
 * `path`/.lock (created if missing), released by ntkb_fs_unlock or when the process ends — so a
 * killed run never leaves a stale lock.  Two runs writing one output directory or appending to
 * one results directory exclude each other. */
typedef struct {
    int fd; /* −1 when not held */
} ntkb_fs_lock;

/* Takes the lock without waiting.  Returns NTKB_OK, NTKB_EBUSY (held by another process; the
 * message names the directory and what to do) or NTKB_EIO (cannot create the lock file).
 * `what` says what the directory is, for the message ("output directory").
 * Time complexity: O(1). */
ntkb_status ntkb_fs_lock_take(ntkb_fs_lock *lock, const char *path, const char *what);

/* The same, waiting until the lock is free (for short critical sections such as appending one
 * result row).  Returns NTKB_OK or NTKB_EIO.  Time complexity: O(1) plus the wait. */
ntkb_status ntkb_fs_lock_wait(ntkb_fs_lock *lock, const char *path);

/* Releases; a lock that is not held is a no-op.  Time complexity: O(1). */
void ntkb_fs_unlock(ntkb_fs_lock *lock);

/* The directory of the bundled datasets: $NTKB_DATA when set, else the installed copy
 * (PREFIX/share/ntkbench/datasets) when it exists, else "datasets" (a source checkout run from
 * its top directory).  Static storage.  Time complexity: O(1). */
const char *ntkb_fs_data_dir(void);

#ifdef __cplusplus
}
#endif

#endif
