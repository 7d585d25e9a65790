/* images.md's section on the gain against training-set size and its figure data (see
 * image_sizes.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image_sizes.h"

enum { MAXG = 16, MAXS = 8 };
static const char *const VAR[] = {"KR-V1", "KR-V2", "FJLT-V1", "FJLT-V2"};
static const char *const MODE[2] = {"", "-cv"};
static const char *const MODE_NAME[2] = {"λ by the paper's rule",
                                         "λ by inner 3-fold cross-validation on the training draw"};

/* The sizes and pairs present among trainsize rows, sorted / in order of appearance. */
static void scan(const ntkb_report_row *r, size_t n, size_t *sizes, size_t *ns,
                 const char **groups, size_t *ng)
{
    *ns = *ng = 0;
    for (size_t i = 0; i < n; i++) {
        size_t s;
        if (sscanf(r[i].protocol, "trainsize-%zu", &s) != 1)
            continue;
        size_t j = 0;
        while (j < *ns && sizes[j] != s)
            j++;
        if (j == *ns && *ns < MAXS)
            sizes[(*ns)++] = s;
        j = 0;
        while (j < *ng && strcmp(groups[j], r[i].group) != 0)
            j++;
        if (j == *ng && *ng < MAXG)
            groups[(*ng)++] = r[i].group;
    }
    for (size_t a = 1; a < *ns; a++) /* insertion sort */
        for (size_t b = a; b > 0 && sizes[b - 1] > sizes[b]; b--) {
            size_t t = sizes[b];
            sizes[b] = sizes[b - 1];
            sizes[b - 1] = t;
        }
}

static const ntkb_report_row *find(const ntkb_report_row *r, size_t n, const char *group,
                                   const char *method, size_t size, int mode)
{
    char proto[32];
    snprintf(proto, sizeof proto, "trainsize-%zu%s", size, MODE[mode]);
    ntkb_report_key k = {"", method, proto};
    return ntkb_report_find(r, n, group, &k);
}

/* Mean over the pairs that all have the row, ± SE over pairs; NaN when some pair lacks it. */
static void over_pairs(const ntkb_report_row *r, size_t n, const char *const *groups,
                       size_t ng, const char *method, size_t size, int mode, double *mean,
                       double *se)
{
    double m = 0.0, v = 0.0, x[MAXG];
    *mean = *se = NAN;
    for (size_t g = 0; g < ng; g++) {
        const ntkb_report_row *row = find(r, n, groups[g], method, size, mode);
        if (!row)
            return;
        x[g] = row->mean;
        m += x[g] / (double)ng;
    }
    for (size_t g = 0; g < ng; g++)
        v += (x[g] - m) * (x[g] - m);
    *mean = m;
    *se = ng > 1 ? sqrt(v / (double)(ng - 1) / (double)ng) : NAN;
}

static void cell(FILE *o, const ntkb_report_row *row, int diff)
{
    if (!row)
        fprintf(o, " — |");
    else
        fprintf(o, diff ? " %+.2f ± %.2f |" : " %.2f ± %.2f |", row->mean, row->std);
}

/* One λ mode: the per-pair lines, the mean over pairs, and the verdict line per variant. */
static void mode_table(FILE *o, const ntkb_report_row *r, size_t n, const size_t *sizes,
                       size_t ns, const char *const *groups, size_t ng, int mode, int *grows,
                       int *judged)
{
    fprintf(o, "### %s\n\n| pair | row |", MODE_NAME[mode]);
    for (size_t s = 0; s < ns; s++)
        fprintf(o, " n = %zu |", sizes[s]);
    fprintf(o, "\n|---|---|");
    for (size_t s = 0; s < ns; s++)
        fprintf(o, "---:|");
    fputc('\n', o);
    for (size_t g = 0; g < ng; g++) {
        fprintf(o, "| %s | CNTK accuracy |", groups[g]);
        for (size_t s = 0; s < ns; s++)
            cell(o, find(r, n, groups[g], "CNTK", sizes[s], mode), 0);
        fputc('\n', o);
        for (size_t v = 0; v < 4; v++) {
            char method[32];
            snprintf(method, sizeof method, "diff %s", VAR[v]);
            fprintf(o, "| %s | gain %s |", groups[g], VAR[v]);
            for (size_t s = 0; s < ns; s++)
                cell(o, find(r, n, groups[g], method, sizes[s], mode), 1);
            fputc('\n', o);
        }
    }
    for (size_t v = 0; v < 4; v++) {
        char method[32];
        snprintf(method, sizeof method, "diff %s", VAR[v]);
        fprintf(o, "| **mean over pairs** | gain %s |", VAR[v]);
        for (size_t s = 0; s < ns; s++) {
            double m, se;
            over_pairs(r, n, groups, ng, method, sizes[s], mode, &m, &se);
            if (isnan(m))
                fprintf(o, " — |");
            else if (isnan(se))
                fprintf(o, " %+.2f |", m);
            else
                fprintf(o, " %+.2f ± %.2f |", m, se);
        }
        fputc('\n', o);
    }
    fputc('\n', o);
    for (size_t v = 0; v < 4 && ns > 1; v++) {
        char method[32];
        double m0, s0, m1, s1;
        snprintf(method, sizeof method, "diff %s", VAR[v]);
        over_pairs(r, n, groups, ng, method, sizes[0], mode, &m0, &s0);
        over_pairs(r, n, groups, ng, method, sizes[ns - 1], mode, &m1, &s1);
        if (isnan(m0) || isnan(m1))
            continue;
        double d = m1 - m0, sd = sqrt(s0 * s0 + s1 * s1);
        if (isnan(sd)) {
            fprintf(o, "- %s: mean gain %+.2f at n = %zu, %+.2f at n = %zu (one pair: no error "
                       "over pairs).\n", VAR[v], m0, sizes[0], m1, sizes[ns - 1]);
            continue;
        }
        fprintf(o, "- %s: mean gain %+.2f at n = %zu, %+.2f at n = %zu: change %+.2f ± %.2f "
                   "(%s).\n", VAR[v], m0, sizes[0], m1, sizes[ns - 1], d, sd,
                fabs(d) <= 2 * sd ? "no resolvable trend"
                                  : d > 0 ? "grows with n" : "shrinks with n");
        *grows += fabs(d) > 2 * sd && d > 0;
        *judged += 1;
    }
    fputc('\n', o);
}

static ntkb_status write_dat(const char *dir, const ntkb_report_row *r, size_t n,
                             const size_t *sizes, size_t ns, const char *const *groups,
                             size_t ng)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/figures", dir);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/figures/images-trainsize.dat", dir);
    FILE *o = fopen(path, "w");
    if (!o)
        return ntkb_error(NTKB_EIO, "%s: cannot write", path);
    fprintf(o, "# n, then mean-over-pairs gain and SE over %zu pairs for: KR-V1 KR-V2 FJLT-V1 "
               "FJLT-V2 (lambda rule), the same (lambda by inner CV); then the mean CNTK "
               "accuracy and its SE\n", ng);
    for (size_t s = 0; s < ns; s++) {
        fprintf(o, "%zu", sizes[s]);
        for (int mode = 0; mode < 2; mode++)
            for (size_t v = 0; v < 4; v++) {
                char method[32];
                double m, se;
                snprintf(method, sizeof method, "diff %s", VAR[v]);
                over_pairs(r, n, groups, ng, method, sizes[s], mode, &m, &se);
                fprintf(o, " %.6g %.6g", m, se);
            }
        double m, se;
        over_pairs(r, n, groups, ng, "CNTK", sizes[s], 0, &m, &se);
        fprintf(o, " %.6g %.6g\n", m, se);
    }
    return fclose(o) == 0 ? NTKB_OK : ntkb_error(NTKB_EIO, "%s: cannot write", path);
}

ntkb_status ntkb_image_sizes_report(FILE *md, const char *dir, const ntkb_report_row *r,
                                    size_t n)
{
    size_t sizes[MAXS], ns, ng;
    const char *groups[MAXG];
    scan(r, n, sizes, &ns, groups, &ng);
    if (ns == 0)
        return NTKB_OK;
    const ntkb_report_row *any = find(r, n, groups[0], "CNTK", sizes[0], 0);
    fprintf(md, "## Gain against training-set size (Fashion-MNIST)\n\n"
                "For each size n, stratified draws of n training images from a fixed training "
                "pool, every draw scored on the same test set (the first pair's settings: `%s`; the number of "
                "draws per pair is in its command below). Cells: CNTK "
                "accuracy mean ± std over draws; gains LANTK − CNTK (accuracy points, paired on "
                "each draw) mean ± standard error over the draws. The test set is fixed, so "
                "these errors cover the training draw only, not test-set sampling; the **mean "
                "over pairs** ± its SE over pairs (different test sets) covers both. Figure: "
                "`figures/images-trainsize.svg`.\n\n", any ? any->params : "");
    int grows = 0, judged = 0;
    for (int mode = 0; mode < 2; mode++)
        mode_table(md, r, n, sizes, ns, groups, ng, mode, &grows, &judged);
    if (judged)
        fprintf(md, "**Does the gain grow with n?** %s (of %d variant × λ lines with an error "
                    "over pairs, %d grow by more than twice the standard error of the change "
                    "from n = %zu to n = %zu).\n\n", grows ? "In part" : "No", judged, grows,
                sizes[0], sizes[ns - 1]);
    fprintf(md, "| pair | kernel s (Gram of pool + test) | eval s, λ rule (all sizes) | eval s, "
                "inner CV (all sizes) | command |\n|---|---:|---:|---:|---|\n");
    for (size_t g = 0; g < ng; g++) {
        const ntkb_report_row *c = find(r, n, groups[g], "CNTK", sizes[0], 0);
        double ev[2] = {0, 0};
        for (int mode = 0; mode < 2; mode++)
            for (size_t s = 0; s < ns; s++)
                for (size_t v = 0; v < 5; v++) {
                    const char *methods[5] = {"CNTK", "LANTK-KR-V1", "LANTK-KR-V2",
                                              "LANTK-FJLT-V1", "LANTK-FJLT-V2"};
                    const ntkb_report_row *x = find(r, n, groups[g], methods[v], sizes[s], mode);
                    ev[mode] += x ? x->eval_s : 0.0;
                }
        if (c)
            fprintf(md, "| %s | %.1f | %.1f | %.1f | `%s` |\n", groups[g], c->kernel_s, ev[0],
                    ev[1], c->command);
    }
    fputc('\n', md);
    return write_dat(dir, r, n, sizes, ns, groups, ng);
}
