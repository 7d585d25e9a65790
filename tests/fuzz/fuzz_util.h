/* Shared pieces of the libFuzzer harnesses: every reader takes a path, so each input is
 * written to files in a private temporary directory and the reader is run on them.  A harness
 * aborts (a finding) when a reader crashes, trips a sanitizer, or returns NTKB_OK with a result
 * that breaks its documented invariants; an error status on garbage is the expected outcome. */
#ifndef NTKB_FUZZ_UTIL_H
#define NTKB_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The harness's directory, made once per process (under $TMPDIR, else /dev/shm or /tmp). */
static inline const char *fuzz_dir(void)
{
    static char dir[512];
    if (!dir[0]) {
        const char *base = getenv("TMPDIR");
        if (!base || !*base)
            base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(dir, sizeof dir, "%s/ntkb-fuzz.XXXXXX", base);
        if (!mkdtemp(dir))
            abort();
    }
    return dir;
}

/* Writes data[0..n) to fuzz_dir()/name and returns the path (static storage per slot). */
static inline const char *fuzz_file(int slot, const char *name, const uint8_t *data, size_t n)
{
    static char path[8][700];
    snprintf(path[slot], sizeof path[slot], "%s/%s", fuzz_dir(), name);
    FILE *fp = fopen(path[slot], "wb");
    if (!fp || (n && fwrite(data, 1, n, fp) != n) || fclose(fp) != 0)
        abort();
    return path[slot];
}

static inline void fuzz_remove(const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
    unlink(path);
}

/* Splits the input at each "\n#\n" into at most `max` parts (pointers into data). */
#define FUZZ_SEP "\n#\n"
static inline size_t fuzz_split(const uint8_t *data, size_t n, const uint8_t **part, size_t *len,
                         size_t max)
{
    size_t k = 0, start = 0;
    for (size_t i = 0; k + 1 < max && i + 3 <= n; i++)
        if (memcmp(data + i, FUZZ_SEP, 3) == 0) {
            part[k] = data + start;
            len[k++] = i - start;
            start = i + 3;
            i += 2;
        }
    part[k] = data + start;
    len[k++] = n - start;
    return k;
}

#define FUZZ_CHECK(cond)                                                                        \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond);       \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

#endif
