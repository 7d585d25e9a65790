/* libFuzzer harness: the IDX reader (plain or gzip).  The input is the images file, then
 * optionally "\n#\n" and the labels file; the first byte of the images part also picks a cap on
 * the images kept (0: all), as bench_lantk's --max-per-class does. */
#include "fuzz_util.h"

#include "lantk/images.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *part[2];
    size_t len[2], n = fuzz_split(data, size, part, len, 2);
    const char *images = fuzz_file(0, "images-idx3-ubyte", part[0], len[0]);
    const char *labels = n > 1 ? fuzz_file(1, "labels-idx1-ubyte", part[1], len[1]) : NULL;
    size_t max_images = len[0] > 0 ? part[0][len[0] - 1] % 4 : 0;
    ntkb_images *im = NULL;
    if (ntkb_images_read_idx_n(images, labels, max_images, &im) == NTKB_OK) {
        FUZZ_CHECK(im && im->channels == 1 && (!max_images || im->n <= max_images));
        for (size_t i = 0; i < im->n; i++)
            FUZZ_CHECK(labels ? im->labels[i] >= 0 && im->labels[i] <= 255 : im->labels[i] == -1);
        for (size_t p = 0; p < im->n * ntkb_images_size(im); p++)
            FUZZ_CHECK(im->pixels[p] >= 0 && im->pixels[p] <= 255);
    } else {
        FUZZ_CHECK(im == NULL);
    }
    ntkb_images_free(im);
    return 0;
}
