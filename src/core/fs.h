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

/* Reads a whole (small) file into a malloc'ed NUL-terminated string owned by the caller; NULL
 * when it is absent, unreadable or larger than max_bytes.  Time complexity: O(size). */
char *ntkb_fs_slurp(const char *path, size_t max_bytes);

/* The directory of the bundled datasets: $NTKB_DATA when set, else the installed copy
 * (PREFIX/share/ntkbench/datasets) when it exists, else "datasets" (a source checkout run from
 * its top directory).  Static storage.  Time complexity: O(1). */
const char *ntkb_fs_data_dir(void);

#ifdef __cplusplus
}
#endif

#endif
