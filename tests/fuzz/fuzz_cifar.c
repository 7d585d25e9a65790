/* libFuzzer harness: the CIFAR-10 binary batch reader (whole file, and the first record only). */
#include "fuzz_util.h"

#include "lantk/images.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(0, "data_batch_1.bin", data, size);
    for (size_t max = 0; max < 2; max++) {
        ntkb_images *im = NULL;
        if (ntkb_images_read_cifar10_file_n(path, max, &im) == NTKB_OK) {
            FUZZ_CHECK(im && im->n > 0 && im->n * 3073 <= size && (!max || im->n == 1));
            for (size_t i = 0; i < im->n; i++)
                FUZZ_CHECK(im->labels[i] >= 0 && im->labels[i] <= 9);
        } else {
            FUZZ_CHECK(im == NULL);
        }
        ntkb_images_free(im);
    }
    return 0;
}
