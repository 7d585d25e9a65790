/* The reported settings of the protocols from the correct counts of the fits (protocol.h):
 * the paper grid's maximum, the nested selection per outer fold. */
#include "protocol_internal.h"

#include <math.h>
#include <string.h>

size_t ntkb_protocol_n_candidates(const ntkb_protocol *p)
{
    return p ? p->n_cand : 0;
}

const char *ntkb_protocol_candidate_name(const ntkb_protocol *p, size_t k)
{
    return p && k < p->n_cand ? p->names[k] : "";
}

/* Fold accuracies of one grid point; returns 0 when not computed. */
static int grid_acc(const ntkb_protocol *p, size_t cand, size_t v, size_t c, double *acc)
{
    const int64_t *ok = p->paper_ok + ((cand * N_VARIANTS + v) * p->n_C + c) * p->n_folds;
    for (size_t f = 0; f < p->n_folds; f++) {
        if (ok[f] < 0)
            return 0;
        acc[f] = (double)ok[f] / (double)p->test[f].n;
    }
    return 1;
}

static void mean_std(const double *a, size_t k, double *mean, double *std)
{
    double s = 0.0, q = 0.0;
    for (size_t i = 0; i < k; i++)
        s += a[i];
    double m = s / (double)k;
    for (size_t i = 0; i < k; i++)
        q += (a[i] - m) * (a[i] - m);
    *mean = m;
    *std = sqrt(q / (double)k); /* ddof = 0 */
}

double ntkb_protocol_grid_mean(const ntkb_protocol *p, size_t candidate,
                               ntkb_svm_variant variant, size_t c_index)
{
    double acc[NTKB_PROTOCOL_MAX_FOLDS], m, s;
    if (!p || candidate >= p->n_cand || (unsigned)variant >= N_VARIANTS || c_index >= p->n_C ||
        !grid_acc(p, candidate, variant, c_index, acc))
        return NAN;
    mean_std(acc, p->n_folds, &m, &s);
    return m;
}

static void result_init(const ntkb_protocol *p, ntkb_protocol_result *res)
{
    memset(res, 0, sizeof *res);
    res->n_folds = p->n_folds;
    res->seconds = p->seconds;
    res->n_fits = p->n_fits;
    res->n_capped = p->n_capped;
}

ntkb_status ntkb_protocol_paper(const ntkb_protocol *p, size_t candidate, unsigned variants,
                                ntkb_protocol_result *res)
{
    if (!p || !res || p->n_cand == 0)
        return ntkb_error(NTKB_EINVAL, "protocol: nothing to report (no candidate added)");
    result_init(p, res);
    if (variants == 0)
        variants = p->opts.variants;
    double acc[NTKB_PROTOCOL_MAX_FOLDS], best = -1.0;
    for (size_t k = 0; k < p->n_cand; k++) {
        if (candidate != SIZE_MAX && k != candidate)
            continue;
        for (size_t v = 0; v < N_VARIANTS; v++) {
            if (!(variants & p->opts.variants & (1u << v)))
                continue;
            for (size_t c = 0; c < p->n_C; c++) {
                double m, s;
                if (!grid_acc(p, k, v, c, acc))
                    continue;
                mean_std(acc, p->n_folds, &m, &s);
                if (m > best) { /* strict: the first maximum wins */
                    best = m;
                    res->mean = m;
                    res->std = s;
                    memcpy(res->fold_acc, acc, p->n_folds * sizeof *acc);
                    res->best = (ntkb_setting){k, (ntkb_svm_variant)v, p->C[c]};
                }
            }
        }
    }
    if (best < 0.0)
        return ntkb_error(NTKB_EINVAL, "protocol: no grid point matches the restriction");
    return NTKB_OK;
}

/* Inner-CV mean accuracy (unweighted over inner folds) of one setting for outer fold f. */
static double inner_mean(const ntkb_protocol *p, size_t cand, size_t v, size_t c, size_t f)
{
    const size_t base = (((cand * N_VARIANTS + v) * p->n_C + c) * p->n_folds + f) * p->inner;
    double s = 0.0;
    for (size_t j = 0; j < p->inner; j++) {
        int64_t ok = p->inner_ok[base + j];
        if (ok < 0)
            return -1.0;
        s += (double)ok / (double)p->in_test[f * p->inner + j].n;
    }
    return s / (double)p->inner;
}

ntkb_status ntkb_protocol_nested(const ntkb_protocol *p, ntkb_protocol_result *res)
{
    if (!p || !res || p->n_cand == 0 || !p->inner)
        return ntkb_error(NTKB_EINVAL,
                          "protocol: nested not requested at alloc, or no candidate added");
    result_init(p, res);
    for (size_t f = 0; f < p->n_folds; f++) {
        double best = -1.0;
        for (size_t k = 0; k < p->n_cand; k++)
            for (size_t v = 0; v < N_VARIANTS; v++) {
                if (!(p->opts.variants & (1u << v)))
                    continue;
                for (size_t c = 0; c < p->n_C; c++) {
                    double m = inner_mean(p, k, v, c, f);
                    if (m > best) {
                        best = m;
                        res->fold_best[f] = (ntkb_setting){k, (ntkb_svm_variant)v, p->C[c]};
                        res->fold_inner[f] = m;
                        size_t at = ((k * N_VARIANTS + v) * p->n_C + c) * p->n_folds + f;
                        res->fold_acc[f] = (double)p->paper_ok[at] / (double)p->test[f].n;
                    }
                }
            }
        if (best < 0.0)
            return ntkb_error(NTKB_EINVAL, "protocol: outer fold %zu has no inner result", f + 1);
    }
    mean_std(res->fold_acc, p->n_folds, &res->mean, &res->std);
    return NTKB_OK;
}

