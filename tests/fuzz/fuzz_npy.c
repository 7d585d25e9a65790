/* libFuzzer harness: the .npy reader, through the Gram loader (square, finite, symmetric) and
 * the label loader. */
#include "fuzz_util.h"

#include <math.h>

#include "core/gram.h"
#include "core/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(0, "F.npy", data, size);
    ntkb_gram *g = NULL;
    if (ntkb_gram_load_npy(path, &g) == NTKB_OK) {
        FUZZ_CHECK(g && 10 + g->n * g->n * 8 <= size); /* magic, version, length, data */
        for (size_t i = 0; i < g->n; i++)
            for (size_t j = 0; j < g->n; j++)
                FUZZ_CHECK(isfinite(ntkb_gram_get(g, i, j)));
        ntkb_gram_free(g);
    } else {
        FUZZ_CHECK(g == NULL);
    }
    int64_t *labels = NULL;
    size_t n = 0;
    if (ntkb_labels_load_npy(path, &labels, &n) == NTKB_OK)
        FUZZ_CHECK(n * 8 <= size && (n == 0 || labels[n - 1] == labels[n - 1]));
    else
        FUZZ_CHECK(labels == NULL);
    free(labels);
    return 0;
}
