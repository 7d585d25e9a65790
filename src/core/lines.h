/* ntkbench core: a line reader over plain or gzip-compressed text (zlib reads both), with
 * integer/real token parsing that reports "file:line: expected ..., got '...'" errors.
 */
#ifndef NTKB_CORE_LINES_H
#define NTKB_CORE_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ntkb_lines ntkb_lines;

/* The longest line accepted, newline included: a longer one is an error, so a small gzip that
 * inflates to one huge line cannot take its size in memory (COLLAB's longest is 1859 bytes). */
#define NTKB_LINES_MAX (16u << 20)

/* Opens `path` (plain text or gzip).  Returns NTKB_OK, NTKB_EIO (missing or unreadable) or
 * NTKB_ENOMEM.  *out is owned by the caller: ntkb_lines_close.  Time complexity: O(1). */
ntkb_status ntkb_lines_open(const char *path, ntkb_lines **out);

/* Closes; NULL is a no-op. */
void ntkb_lines_close(ntkb_lines *lr);

/* Reads the next line into an internal buffer (without the newline; a trailing '\r' is dropped).
 * *line_out points into `lr` and is valid until the next call.  Returns NTKB_OK with *line_out
 * NULL at a clean end of file, NTKB_EFORMAT on a gzip stream cut short or corrupt or a line
 * longer than NTKB_LINES_MAX, NTKB_EIO on a read error.  Time complexity: O(line length). */
ntkb_status ntkb_lines_next(ntkb_lines *lr, char **line_out);

/* Like ntkb_lines_next, but end of file is an error "expected <what>" (a truncated file). */
ntkb_status ntkb_lines_expect(ntkb_lines *lr, char **line_out, const char *what);

/* Parses a decimal integer at *p (after spaces or tabs, optionally a comma separator before it)
 * and advances *p.  On failure returns NTKB_EFORMAT naming the file, the current line number and
 * `what`.  Time complexity: O(token length). */
ntkb_status ntkb_lines_int(ntkb_lines *lr, char **p, int64_t *value, const char *what);

/* Same for a real number (strtod syntax). */
ntkb_status ntkb_lines_real(ntkb_lines *lr, char **p, double *value, const char *what);

/* Skips blanks; true if only blanks remain on the line. */
int ntkb_lines_at_end(char **p);

/* Fails with "file:line: unexpected trailing text" unless only blanks remain. */
ntkb_status ntkb_lines_end(ntkb_lines *lr, char **p);

/* Current 1-based line number and file name, for messages. */
size_t ntkb_lines_lineno(const ntkb_lines *lr);
const char *ntkb_lines_name(const ntkb_lines *lr);

#ifdef __cplusplus
}
#endif

#endif
