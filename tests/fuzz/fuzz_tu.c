/* libFuzzer harness: the TU reader.  The input is up to four files separated by "\n#\n":
 * F_A.txt, F_graph_indicator.txt, F_graph_labels.txt and, when present, F_node_labels.txt.
 * Both tag modes are run (the degree mode reads the structure only). */
#include "fuzz_graphset_check.h"

static const char *const PARTS[] = {"F_A.txt", "F_graph_indicator.txt", "F_graph_labels.txt",
                                    "F_node_labels.txt"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *part[4];
    size_t len[4], n = fuzz_split(data, size, part, len, 4);
    for (size_t k = 0; k < 4; k++) {
        if (k < n)
            fuzz_file((int)k, PARTS[k], part[k], len[k]);
        else
            fuzz_remove(PARTS[k]);
    }
    for (int mode = 0; mode < 2; mode++) {
        ntkb_graphset *gs = NULL;
        ntkb_status st = ntkb_graphset_read_tu(fuzz_dir(), "F",
                                               mode ? NTKB_TAGS_DEGREE : NTKB_TAGS_FILE, &gs);
        if (st == NTKB_OK)
            fuzz_check_graphset(gs);
        else
            FUZZ_CHECK(gs == NULL);
        ntkb_graphset_free(gs);
    }
    return 0;
}
