/* libFuzzer harness: the fold files.  The input's parts ("\n#\n") are train_idx-1, test_idx-1,
 * train_idx-2, ... of a dataset of 188 graphs (MUTAG's size, as in the seeds); a missing file of
 * the last fold is an error like any other. */
#include "fuzz_util.h"

#include <sys/stat.h>

#include "gntk/graphset.h"

#define N_GRAPHS 188

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *part[20];
    size_t len[20], n = fuzz_split(data, size, part, len, 20), n_folds = (n + 1) / 2;
    char sub[700], name[64];
    snprintf(sub, sizeof sub, "%s/10fold_idx", fuzz_dir());
    mkdir(sub, 0700);
    for (size_t k = 0; k < 20; k++) {
        snprintf(name, sizeof name, "10fold_idx/%s_idx-%zu.txt", k % 2 ? "test" : "train", k / 2 + 1);
        if (k < n)
            fuzz_file(0, name, part[k], len[k]);
        else
            fuzz_remove(name);
    }
    ntkb_folds *f = NULL;
    if (ntkb_folds_read(fuzz_dir(), n_folds, N_GRAPHS, &f) == NTKB_OK) {
        FUZZ_CHECK(f && f->n_folds == n_folds);
        for (size_t k = 0; k < n_folds; k++) {
            FUZZ_CHECK(f->n_train[k] > 0 && f->n_test[k] > 0);
            FUZZ_CHECK(f->n_train[k] + f->n_test[k] <= N_GRAPHS);
            for (size_t i = 0; i < f->n_train[k]; i++)
                FUZZ_CHECK(f->train[k][i] < N_GRAPHS);
            for (size_t i = 0; i < f->n_test[k]; i++)
                FUZZ_CHECK(f->test[k][i] < N_GRAPHS);
        }
    } else {
        FUZZ_CHECK(f == NULL);
    }
    ntkb_folds_free(f);
    return 0;
}
