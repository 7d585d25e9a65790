/* libFuzzer harness: the GIN text reader (plain or gzip: the input's first bytes decide). */
#include "fuzz_graphset_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(0, "F.txt", data, size);
    ntkb_graphset *gs = NULL;
    if (ntkb_graphset_read_gin(path, "F", NTKB_TAGS_FILE, &gs) == NTKB_OK)
        fuzz_check_graphset(gs);
    else
        FUZZ_CHECK(gs == NULL);
    ntkb_graphset_free(gs);
    return 0;
}
