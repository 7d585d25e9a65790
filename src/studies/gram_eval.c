/* Evaluating precomputed Grams (ntkb_eval): the candidates, labels and fold files from disk,
 * the protocols of eval/protocol.h, the results on stdout. */
#include "gram_eval.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/gram.h"
#include "gntk/graphset.h"

static const char *variant_name(ntkb_svm_variant v)
{
    return v == NTKB_SVM_RAW ? "raw" : v == NTKB_SVM_SCALED ? "scaled" : "cosine";
}

/* --folds accepts the dataset directory or its 10fold_idx subdirectory. */
static void folds_parent(const char *arg, char *buf, size_t cap)
{
    struct stat sb;
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/train_idx-1.txt", arg);
    if (stat(probe, &sb) == 0) {
        snprintf(buf, cap, "%s/..", arg);
        return;
    }
    snprintf(buf, cap, "%s", arg);
}

static void print_result(const ntkb_protocol *p, const char *what, const ntkb_protocol_result *r,
                         int nested)
{
    printf("%s: %.2f ± %.2f %% (%zu folds", what, 100.0 * r->mean, 100.0 * r->std, r->n_folds);
    if (!nested)
        printf("; best: %s, %s, C = %.6g)\n", ntkb_protocol_candidate_name(p, r->best.candidate),
               variant_name(r->best.variant), r->best.C);
    else
        printf(")\n");
    printf("  fold accuracies:");
    for (size_t f = 0; f < r->n_folds; f++)
        printf(" %.2f", 100.0 * r->fold_acc[f]);
    printf("\n");
    for (size_t f = 0; nested && f < r->n_folds; f++)
        printf("  fold %zu: chose %s, %s, C = %.6g (inner CV %.2f %%)\n", f + 1,
               ntkb_protocol_candidate_name(p, r->fold_best[f].candidate),
               variant_name(r->fold_best[f].variant), r->fold_best[f].C,
               100.0 * r->fold_inner[f]);
}

ntkb_status ntkb_gram_eval_run(const ntkb_gram_eval_opts *o)
{
    int64_t *labels = NULL;
    size_t n = 0;
    ntkb_folds *folds = NULL;
    ntkb_protocol *p = NULL;
    ntkb_gram *g = NULL;
    char dir[4300];
    ntkb_status st = ntkb_labels_load_npy(o->labels, &labels, &n);
    if (st)
        return st;
    folds_parent(o->folds, dir, sizeof dir);
    if ((st = ntkb_folds_read(dir, o->n_folds, n, &folds)) ||
        (st = ntkb_protocol_alloc(n, labels, folds->n_folds, folds->train, folds->n_train,
                                  folds->test, folds->n_test, &o->opts, &p)))
        goto out;
    for (size_t k = 0; k < o->n_grams && !st; k++) {
        if ((st = ntkb_gram_load_npy(o->grams[k], &g)))
            break;
        if (g->n != n)
            st = ntkb_error(NTKB_EFORMAT, "%s: %zu×%zu Gram but %zu labels", o->grams[k], g->n,
                            g->n, n);
        else
            st = ntkb_protocol_add(p, o->grams[k], g->data);
        ntkb_gram_free(g);
        g = NULL;
    }
    if (st)
        goto out;
    ntkb_protocol_result r;
    if (o->opts.protocols & NTKB_PROTOCOL_PAPER) {
        for (size_t k = 0; k < o->n_grams && !st; k++)
            for (unsigned v = 0; v < 3 && !st; v++) {
                if (!(o->opts.variants & (1u << v)))
                    continue;
                if (!(st = ntkb_protocol_paper(p, k, 1u << v, &r)))
                    printf("paper %s [%s]: %.2f ± %.2f %% (C = %.6g)\n", o->grams[k],
                           variant_name((ntkb_svm_variant)v), 100.0 * r.mean, 100.0 * r.std,
                           r.best.C);
            }
        if (!st && !(st = ntkb_protocol_paper(p, SIZE_MAX, 0, &r)))
            print_result(p, "paper", &r, 0);
    }
    if (!st && (o->opts.protocols & NTKB_PROTOCOL_NESTED) && !(st = ntkb_protocol_nested(p, &r)))
        print_result(p, "nested", &r, 1);
    if (!st)
        printf("fits: %zu in %.1f s (%zu stopped at max_iter)\n", r.n_fits, r.seconds,
               r.n_capped);
out:
    ntkb_protocol_free(p);
    ntkb_folds_free(folds);
    free(labels);
    return st;
}
