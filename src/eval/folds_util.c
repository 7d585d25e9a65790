#include "folds_util.h"

#include <stdlib.h>

#include "core/rng.h"

typedef struct {
    int64_t label;
    size_t pos;
} item_key;

static int item_cmp(const void *a, const void *b)
{
    const item_key *x = a, *y = b;
    if (x->label != y->label)
        return x->label < y->label ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

ntkb_status ntkb_kfold_stratified(const int64_t *labels, const size_t *items, size_t n, size_t k,
                                  uint64_t seed, size_t *fold_of)
{
    if (!labels || !items || !fold_of || k < 2 || n < k)
        return ntkb_error(NTKB_EINVAL, "kfold: need k >= 2 and at least k items (k=%zu, n=%zu)",
                          k, n);
    item_key *key = malloc(n * sizeof *key);
    if (!key)
        return ntkb_error(NTKB_ENOMEM, "kfold: out of memory");
    for (size_t t = 0; t < n; t++) {
        key[t].label = labels[items[t]];
        key[t].pos = t;
    }
    qsort(key, n, sizeof *key, item_cmp); /* classes in ascending label, items in input order */
    ntkb_rng rng;
    ntkb_rng_seed(&rng, seed);
    size_t deal = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        while (b < n && key[b].label == key[a].label)
            b++;
        for (size_t m = b - a; m > 1; m--) { /* Fisher–Yates within the class */
            size_t u = a + (size_t)ntkb_rng_below(&rng, (uint64_t)m);
            item_key tmp = key[a + m - 1];
            key[a + m - 1] = key[u];
            key[u] = tmp;
        }
        for (size_t t = a; t < b; t++)
            fold_of[key[t].pos] = deal++ % k;
        a = b;
    }
    free(key);
    return NTKB_OK;
}
