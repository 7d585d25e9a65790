/* ntkbench eval, private to smo*.c: the solver's three vector loops over the active positions,
 * compiled per x86-64 level (core/isa.h) and picked once per solve.
 *
 * Every loop is elementwise apart from max and min reductions, which are exact in any order,
 * and the files are compiled without FMA contraction: all levels give the same bits, those of
 * LIBSVM's scalar loops.  The arg-extremum LIBSVM takes with a running ">=" / "<=" (the *last*
 * position holding the extremum) is found in two steps: the loops store every value and reduce
 * the extremum; ntkb_smo_last_ext then searches backwards, a vector test per chunk. */
#ifndef NTKB_EVAL_SMO_SCAN_H
#define NTKB_EVAL_SMO_SCAN_H

#include "core/isa.h"

/* vup[t] = -yG[t] for t in I_up, else -inf, t < n; *vmax = their maximum. */
#define NTKB_SMO_SCAN_UP_ARGS                                                                  \
    (const double *yG, const unsigned char *flags, int n, double *vup, double *vmax)
/* yG[t] += ri[t]·ci + rj[t]·cj (LIBSVM's gradient update, sign-folded), then as scan_up. */
#define NTKB_SMO_SCAN_UPDATE_ARGS                                                              \
    (double *yG, const float *ri, const float *rj, double ci, double cj,                       \
     const unsigned char *flags, int n, double *vup, double *vmax)
/* WSS3's second scan for i with -y_i·G_i = Gmax and QD_i = qdi: obj[t] = -(b²)/a over the
 * candidates t in I_low with b = Gmax + yG[t] > 0 (a = qdi + qd[t] - 2·ri[t], TAU when
 * a ≤ 0), +inf elsewhere; *obj_min = their minimum; returns max of yG over I_low (Gmax2). */
#define NTKB_SMO_SCAN_LOW_ARGS                                                                 \
    (const double *yG, const float *ri, const double *qd, const unsigned char *flags, int n,   \
     double Gmax, double qdi, double *obj, double *obj_min)
/* The last position t < n with v[t] == ext, or -1 (== treats ±0 alike, as LIBSVM's
 * comparisons do). */
#define NTKB_SMO_LAST_EXT_ARGS (const double *v, int n, double ext)

NTKB_MV_DECLARE(void, ntkb_smo_scan_up, NTKB_SMO_SCAN_UP_ARGS)
NTKB_MV_DECLARE(void, ntkb_smo_scan_update, NTKB_SMO_SCAN_UPDATE_ARGS)
NTKB_MV_DECLARE(double, ntkb_smo_scan_low, NTKB_SMO_SCAN_LOW_ARGS)
NTKB_MV_DECLARE(int, ntkb_smo_last_ext, NTKB_SMO_LAST_EXT_ARGS)

typedef struct {
    void (*up) NTKB_SMO_SCAN_UP_ARGS;
    void (*update) NTKB_SMO_SCAN_UPDATE_ARGS;
    double (*low) NTKB_SMO_SCAN_LOW_ARGS;
    int (*last) NTKB_SMO_LAST_EXT_ARGS;
} ntkb_smo_scans;

/* The variants for this CPU (and $NTKB_ISA).  Time complexity: O(1). */
ntkb_smo_scans ntkb_smo_scans_pick(void);

#endif
