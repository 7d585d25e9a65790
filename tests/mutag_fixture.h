/* Shared by the SVM tests: an official MUTAG GNTK Gram (tests/fixtures/gntk-official), its
 * labels and the dataset's 10 fixed folds.  The caller frees the three outputs. */
#ifndef NTKB_TEST_MUTAG_FIXTURE_H
#define NTKB_TEST_MUTAG_FIXTURE_H

#include "testutil.h"

#include <stdlib.h>

#include "core/fs.h"
#include "core/gram.h"
#include "core/status.h"
#include "gntk/graphset.h"

static inline void load_mutag(const char *gram_file, int64_t **y, size_t *n, ntkb_gram **g,
                              ntkb_folds **folds)
{
    const char *fx = getenv("NTKB_TEST_FIXTURES"), *data = getenv("NTKB_DATA");
    assert_non_null(fx);
    char path[2048], dir[2048];
    snprintf(path, sizeof path, "%s/gntk-official/MUTAG.labels.npy", fx);
    assert_int_equal(ntkb_labels_load_npy(path, y, n), NTKB_OK);
    snprintf(path, sizeof path, "%s/gntk-official/%s", fx, gram_file);
    assert_int_equal(ntkb_gram_load_npy(path, g), NTKB_OK);
    snprintf(dir, sizeof dir, "%s/MUTAG", data ? data : ntkb_fs_data_dir());
    assert_int_equal(ntkb_folds_read(dir, 10, *n, folds), NTKB_OK);
}

#endif
