/* ntkbench core: a small flat JSON object writer for run metadata (meta.json).
 *
 * Keys are added in order; values are strings, integers or doubles (written with %.17g so they
 * round-trip).  The file is written atomically.
 */
#ifndef NTKB_CORE_META_H
#define NTKB_CORE_META_H

#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ntkb_meta ntkb_meta;

/* Returns a new empty object, or NULL when out of memory. */
ntkb_meta *ntkb_meta_alloc(void);
/* Frees; NULL is a no-op. */
void ntkb_meta_free(ntkb_meta *m);

/* Each adder returns NTKB_OK or NTKB_ENOMEM.  Strings are JSON-escaped.  Time: O(len). */
ntkb_status ntkb_meta_add_string(ntkb_meta *m, const char *key, const char *value);
ntkb_status ntkb_meta_add_int(ntkb_meta *m, const char *key, int64_t value);
ntkb_status ntkb_meta_add_double(ntkb_meta *m, const char *key, double value);

/* The object as a complete JSON text, malloc'ed and owned by the caller (NULL when out of
 * memory).  Used to fingerprint a run's parameters. */
char *ntkb_meta_json(const ntkb_meta *m);

/* Writes the object to `path` atomically.  Returns NTKB_OK or NTKB_EIO. */
ntkb_status ntkb_meta_write(const ntkb_meta *m, const char *path);

#ifdef __cplusplus
}
#endif

#endif
