/* ntkbench core: the resume journal of the tiled driver (an append-only file of checked records).
 *
 * Layout: a header (any text ending in '\n', written once through a temporary file, fsync and
 * rename, so a journal either has its whole header or does not exist), then records, each one
 * line "<body> <crc>\n" where crc is the 8-hex-digit FNV-1a hash of the body.  A group of
 * records is written with one write() and fsync'ed; whatever a kill or a power loss leaves
 * behind (a torn last line, a line with a wrong checksum, two half lines run together) fails
 * its check and is ignored, and reopening for append first cuts the file back to its last
 * complete line, so a new record never continues a torn one.
 *
 * Test hook: $NTKB_TILES_CRASH_AT=E kills the process (SIGKILL, as `kill -9` would) at the E-th
 * crash point a durable run passes (ntkb_journal_crash_point); the test walks E = 1, 2, … to
 * kill a run at every step of its commit sequence.  Unset, the points cost one load each.
 */
#ifndef NTKB_CORE_JOURNAL_H
#define NTKB_CORE_JOURNAL_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int fd;          /* −1 when closed */
    char path[4096];
} ntkb_journal;

/* Called for every valid record body while reading (NUL-terminated, without the checksum). */
typedef void (*ntkb_journal_record_fn)(void *ctx, const char *body);

/* Creates `path` afresh holding `header` (temporary file, fsync, rename, directory fsync) and
 * opens it for appending.  Returns NTKB_OK or NTKB_EIO.  Time complexity: O(|header|). */
ntkb_status ntkb_journal_create(ntkb_journal *j, const char *path, const char *header);

/* Opens an existing journal: checks that it starts with `header`, calls `rec` for each valid
 * record, cuts a torn tail and opens for appending.  *fresh = 1 (and nothing opened) when the
 * file is empty or a strict prefix of `header` (a journal from a run killed while creating it:
 * nothing was recorded).  Returns NTKB_OK, NTKB_EIO, NTKB_ENOMEM or NTKB_EMISMATCH (another
 * header; the message shows both).  Time complexity: O(file size). */
ntkb_status ntkb_journal_open(ntkb_journal *j, const char *path, const char *header,
                              ntkb_journal_record_fn rec, void *ctx, int *fresh);

/* Appends the records `bodies[0..n-1]` (each without '\n') with one write(), then fsync.
 * Returns NTKB_OK, NTKB_ENOMEM or NTKB_EIO.  Time complexity: O(total length). */
ntkb_status ntkb_journal_append(ntkb_journal *j, const char *const *bodies, size_t n);

/* Closes (NULL-safe, idempotent). */
void ntkb_journal_close(ntkb_journal *j);

/* The test hook above: counts crash points and SIGKILLs the process at the chosen one (after a
 * line on stderr naming it).  Thread-safe.  Time complexity: O(1). */
void ntkb_journal_crash_point(const char *what);

/* True when the crash hook is armed (the driver then commits after every tile, so that a walk
 * over crash points meets many records).  Time complexity: O(1). */
int ntkb_journal_crash_armed(void);

#ifdef __cplusplus
}
#endif

#endif
