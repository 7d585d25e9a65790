/* Honest uncertainty in images.md (see image_stats.h). */
#include "image_stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eval/stats.h"

/* n_train and n_test of a resplit row from its params; 0 when absent. */
static int resplit_sizes(const char *params, size_t *ntr, size_t *nte)
{
    const char *p = strstr(params, "per resplit (80/20): ");
    return p && sscanf(p, "per resplit (80/20): %zu train + %zu test", ntr, nte) == 2 && *ntr > 0;
}

size_t ntkb_image_nb_correct(ntkb_report_row *rows, size_t n)
{
    size_t done = 0, ntr, nte;
    for (size_t i = 0; i < n; i++) {
        ntkb_report_row *r = &rows[i];
        if (strncmp(r->method, "diff ", 5) != 0 || strncmp(r->protocol, "resplits", 8) != 0 ||
            r->n < 2 || !resplit_sizes(r->params, &ntr, &nte))
            continue;
        r->std *= ntkb_stats_nb_factor((size_t)r->n, ntr, nte);
        done++;
    }
    return done;
}

void ntkb_image_unbar_selected(ntkb_report_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].method, "LANTK-best") == 0 || strcmp(rows[i].method, "diff best") == 0)
            rows[i].n = 1;
}

static const char *const VARIANTS[] = {"KR-V1", "KR-V2", "FJLT-V1", "FJLT-V2"};

/* One line of the table: the gains of `method` under `proto` over the pairs; 0 if some pair
 * lacks a row. */
static int pair_line(FILE *out, const ntkb_report_row *rows, size_t n, const char *method,
                     const char *proto, const char *const *groups, size_t ng)
{
    ntkb_report_key k = {"", method, proto};
    double g[64], m = 0.0, v = 0.0;
    size_t pos = 0, neg = 0, sig = 0, resplit = strncmp(proto, "resplits", 8) == 0;
    if (ng > 64 || ng < 2)
        return 0;
    for (size_t i = 0; i < ng; i++) {
        const ntkb_report_row *r = ntkb_report_find(rows, n, groups[i], &k);
        if (!r)
            return 0;
        g[i] = r->mean;
        m += g[i] / (double)ng;
        pos += g[i] > 1e-9;
        neg += g[i] < -1e-9;
        if (resplit && r->n > 1 && r->std > 0 &&
            ntkb_stats_t_p2(r->mean / r->std, (double)(r->n - 1)) < 0.05)
            sig++;
    }
    for (size_t i = 0; i < ng; i++)
        v += (g[i] - m) * (g[i] - m);
    double se = sqrt(v / (double)(ng - 1) / (double)ng), t = se > 0 ? m / se : NAN;
    fprintf(out, "| %s | %s | %+.2f | %.2f |", proto, method + 5, m, se);
    if (isnan(t))
        fprintf(out, " — | — |");
    else
        fprintf(out, " %.2f | %.3f |", t, ntkb_stats_t_p2(t, (double)(ng - 1)));
    fprintf(out, " %zu / %zu / %zu | %.3f |", pos, neg, ng - pos - neg,
            ntkb_stats_sign_p2(pos, neg));
    if (resplit)
        fprintf(out, " %zu of %zu |\n", sig, ng);
    else
        fprintf(out, " — |\n");
    return 1;
}

void ntkb_image_pair_tests(FILE *out, const ntkb_report_row *rows, size_t n, const char *title,
                           const char *const *groups, size_t n_groups, const char *const *protos,
                           size_t n_protos)
{
    fprintf(out, "#### %s (%zu pairs)\n\n"
                 "| protocol | variant | mean gain | SE over pairs | paired t | p (t, two-sided) "
                 "| pairs + / − / 0 | p (sign test) | pairs with corrected p < 0.05 |\n"
                 "|---|---|---:|---:|---:|---:|---:|---:|---:|\n", title, n_groups);
    for (size_t p = 0; p < n_protos; p++)
        for (size_t v = 0; v < 4; v++) {
            char method[32];
            snprintf(method, sizeof method, "diff %s", VARIANTS[v]);
            pair_line(out, rows, n, method, protos[p], groups, n_groups);
        }
    fputc('\n', out);
}
