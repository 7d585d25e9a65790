/* ntkbench core: status codes and the last error message.
 *
 * Every library function returns an ntkb_status (NTKB_OK = 0) and, on failure, leaves a
 * human-readable message naming the file, line and what was expected; ntkb_last_error()
 * returns it.  The message is thread-local, so worker threads do not clobber each other.
 * Library code never exits or aborts.
 */
#ifndef NTKB_CORE_STATUS_H
#define NTKB_CORE_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    NTKB_OK = 0,
    NTKB_EINVAL,   /* a caller passed an invalid argument */
    NTKB_ENOMEM,   /* an allocation failed */
    NTKB_EIO,      /* a file could not be opened, read or written */
    NTKB_EFORMAT,  /* input data is malformed (file, line and expectation in the message) */
    NTKB_ENOTFOUND,/* an input file or dataset does not exist */
    NTKB_EMISMATCH,/* e.g. a resume journal from another dataset or parameter set */
    NTKB_ENUMERIC, /* a numerical failure (non-finite value, singular matrix) */
    NTKB_EINTERNAL,/* a library we call reported an unexpected failure */
    NTKB_EBUSY     /* an output is locked by another run */
} ntkb_status;

/* Records a printf-style message for the calling thread and returns `status`, so that
 * error paths read `return ntkb_error(NTKB_EFORMAT, "%s:%zu: expected ...", ...)`. */
ntkb_status ntkb_error(ntkb_status status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The calling thread's last message ("" if none). */
const char *ntkb_last_error(void);

/* The library's version string ("MAJOR.MINOR.PATCH"), to compare with the headers'
 * NTKB_VERSION_STRING.  Time complexity: O(1). */
const char *ntkb_version(void);

/* A short fixed name for a status ("bad input data", ...). */
const char *ntkb_status_name(ntkb_status status);

/* Maps a status to the programs' exit code: 2 bad input data, 3 runtime failure. */
int ntkb_status_exit_code(ntkb_status status);

#ifdef __cplusplus
}
#endif

#endif
