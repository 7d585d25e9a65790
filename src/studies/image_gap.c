/* images.md's section on the gap to the paper: each candidate cause with the numbers that
 * measure it, read from the rows (see image_stats.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "image_stats.h"

static const ntkb_report_row *get(const ntkb_report_row *r, size_t n, const char *group,
                                  const char *method, const char *proto)
{
    ntkb_report_key k = {"", method, proto};
    return ntkb_report_find(r, n, group, &k);
}

/* Range of `fmt`-parsed pairs of counts over the groups' CNTK rows of a protocol. */
static int sizes(const ntkb_report_row *r, size_t n, const char *const *groups, size_t ng,
                 const char *proto, const char *tag, size_t *tr_lo, size_t *tr_hi,
                 size_t *te_lo, size_t *te_hi)
{
    int got = 0;
    for (size_t g = 0; g < ng; g++) {
        const ntkb_report_row *x = get(r, n, groups[g], "CNTK", proto);
        const char *p = x ? strstr(x->params, tag) : NULL;
        size_t a, b;
        char fmt[96];
        snprintf(fmt, sizeof fmt, "%s%%zu train + %%zu test", tag);
        if (!p || sscanf(p, fmt, &a, &b) != 2)
            continue;
        if (!got++) {
            *tr_lo = *tr_hi = a;
            *te_lo = *te_hi = b;
        }
        *tr_lo = a < *tr_lo ? a : *tr_lo;
        *tr_hi = a > *tr_hi ? a : *tr_hi;
        *te_lo = b < *te_lo ? b : *te_lo;
        *te_hi = b > *te_hi ? b : *te_hi;
    }
    return got;
}

static double mean_of(const ntkb_report_row *r, size_t n, const char *const *groups, size_t ng,
                      const char *method, const char *proto)
{
    double m = 0;
    for (size_t g = 0; g < ng; g++) {
        const ntkb_report_row *x = get(r, n, groups[g], method, proto);
        if (!x)
            return NAN;
        m += x->mean / (double)ng;
    }
    return m;
}

/* Minimum and maximum of `method` under `proto` over the groups (NAN when none). */
static void range_of(const ntkb_report_row *r, size_t n, const char *const *groups, size_t ng,
                     const char *method, const char *proto, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t g = 0; g < ng; g++) {
        const ntkb_report_row *x = get(r, n, groups[g], method, proto);
        if (x) {
            *lo = fmin(*lo, x->mean);
            *hi = fmax(*hi, x->mean);
        }
    }
    if (isinf(*lo))
        *lo = *hi = NAN;
}

void ntkb_image_gap(FILE *o, const ntkb_report_row *r, size_t n, const char *const *pub5,
                    const char *const *fm, size_t nfm)
{
    size_t a0, a1, b0, b1;
    fprintf(o, "## Why our gain is smaller than the paper's: the measured causes\n\n");
    double o0, o1, q0, q1;
    range_of(r, n, pub5, 5, "diff best", "official", &o0, &o1);
    range_of(r, n, pub5, 5, "diff best", "published", &q0, &q1);
    if (sizes(r, n, pub5, 5, "official", "official split: ", &a0, &a1, &b0, &b1))
        fprintf(o, "- **Test-set size.** Our official CIFAR-10 test sets hold %zu–%zu images per "
                   "pair, so one test image is %.2f–%.2f accuracy points; the paper's 2,000 make "
                   "it 0.05. Our official LANTK-best gains (%+.2f … %+.2f) are %.0f to %.0f test "
                   "image(s) per pair; the paper's per-pair best gains (%+.2f … %+.2f) are %.0f–%.0f of "
                   "its 2,000. A maximum over four variants of such coarse, noisy differences "
                   "is positive by construction: it is shown without an error bar and never "
                   "used as evidence.\n", b0, b1, 100.0 / (double)b1, 100.0 / (double)b0, o0,
                o1, o0 * (double)b0 / 100.0, o1 * (double)b1 / 100.0, q0, q1, q0 * 20.0,
                q1 * 20.0);
    if (sizes(r, n, pub5, 5, "resplits", "per resplit (80/20): ", &a0, &a1, &b0, &b1))
        fprintf(o, "- **Training-set size.** Our resplits train on %zu–%zu images per pair "
                   "(the subset's ≈ 800 + 100 per class), %.0f %% of the paper's 10,000. "
                   "Whether the gain grows with n is measured on Fashion-MNIST below (section "
                   "*Gain against training-set size*, sizes 400 … 3,200 on one training pool).\n",
                a0, a1, 100.0 * (double)a1 / 10000.0);
    double v1 = mean_of(r, n, pub5, 5, "diff FJLT-V1", "resplits");
    double v2 = mean_of(r, n, pub5, 5, "diff FJLT-V2", "resplits");
    double p1 = mean_of(r, n, pub5, 5, "diff FJLT-V1", "published");
    double p2 = mean_of(r, n, pub5, 5, "diff FJLT-V2", "published");
    if (!isnan(v1) && !isnan(v2) && !isnan(p1) && !isnan(p2))
        fprintf(o, "- **The V1/V2 mapping.** Our FJLT-V1 (V7 features) gains %+.2f and FJLT-V2 "
                   "(V8) %+.2f on the five published pairs (resplit means); the paper's FJLT-V1 "
                   "%+.2f and FJLT-V2 %+.2f. Swapping our mapping moves each of ours by "
                   "%.2f points: the mapping cannot explain a gap of %.2f.\n", v1, v2, p1, p2,
                fabs(v1 - v2), fmax(p1 - v1, p2 - v2));
    const ntkb_report_row *ex = get(r, n, "deer-dog", "diff FJLT-V2", "official");
    const ntkb_report_row *sk = get(r, n, "deer-dog", "diff FJLT-V2", "official-sketch");
    const char *dd[1] = {"deer-dog"};
    if (ex && sk && sizes(r, n, dd, 1, "official", "official split: ", &a0, &a1, &b0, &b1))
        fprintf(o, "- **Sketch against exact fit.** On deer-dog (official split) the reference's "
                   "FJLT sketch gives FJLT-V2 %+.2f against the exact least squares' %+.2f: a "
                   "difference of %.0f test image(s) of %zu on one split.",
                sk->mean, ex->mean, fabs(sk->mean - ex->mean) / (100.0 / (double)b0), b0);
    const char *var[2] = {"diff FJLT-V1", "diff FJLT-V2"};
    for (int v = 0; ex && sk && v < 2; v++) {
        const ntkb_report_row *re = get(r, n, "deer-dog", var[v], "resplits");
        const ntkb_report_row *rs = get(r, n, "deer-dog", var[v], "resplits-sketch");
        if (re && rs)
            fprintf(o, " On the 20 resplits %s gains %+.2f ± %.2f sketched against %+.2f ± "
                       "%.2f exact (corrected SE).", var[v] + 5, rs->mean, rs->std, re->mean,
                    re->std);
    }
    if (ex && sk)
        fputc('\n', o);
    if (nfm) {
        size_t zero = 0, tot = 0;
        double big = 0;
        const char *vars[4] = {"diff KR-V1", "diff KR-V2", "diff FJLT-V1", "diff FJLT-V2"};
        for (size_t g = 0; g < nfm; g++) {
            const ntkb_report_row *x = get(r, n, fm[g], "diff KR-V2", "resplits");
            if (x) {
                tot++;
                zero += fabs(x->mean) < 0.005;
            }
            for (int v = 0; v < 4; v++)
                if ((x = get(r, n, fm[g], vars[v], "resplits")))
                    big = fmax(big, fabs(x->mean));
        }
        fprintf(o, "- **λ.** The paper's rule λ = 0.0005·mean|H|/mean|Z| makes λ·Z 0.05 %% of "
                   "the CNTK's magnitude, so most predictions keep their sign: on Fashion-MNIST "
                   "resplits the KR-V2 gain is +0.00 on %zu of %zu pairs, and no variant's "
                   "mean gain exceeds %.2f points. The section below chooses λ by inner "
                   "cross-validation over factors 0.01 … 100 of the rule (and 0) as an honest "
                   "alternative.\n", zero, tot, big);
    }
    fputc('\n', o);
}
