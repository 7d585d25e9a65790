/* The solver's vector loops (smo_scan.h), compiled once per x86-64 level with
 * -ffp-contract=off. */
#include "smo_scan.h"

#include <math.h>

#include "smo_solve.h"

#define TAU 1e-12

/* Positions per chunk of the backward search: one vector "any equal" test per chunk. */
#define CHUNK 32

void NTKB_MV(ntkb_smo_scan_up) NTKB_SMO_SCAN_UP_ARGS
{
    const double *restrict g = yG;
    const unsigned char *restrict fl = flags;
    double *restrict v = vup;
    double m = -HUGE_VAL;
#pragma omp simd reduction(max : m)
    for (int t = 0; t < n; t++) {
        const double x = (fl[t] & NTKB_SMO_UP) ? -g[t] : -HUGE_VAL;
        v[t] = x;
        m = x > m ? x : m;
    }
    *vmax = m;
}

/* One pass for the update of iteration k and the first scan of iteration k + 1. */
void NTKB_MV(ntkb_smo_scan_update) NTKB_SMO_SCAN_UPDATE_ARGS
{
    double *restrict g = yG;
    const float *restrict a = ri, *restrict c = rj;
    const unsigned char *restrict fl = flags;
    double *restrict v = vup;
    double m = -HUGE_VAL;
#pragma omp simd reduction(max : m)
    for (int t = 0; t < n; t++) {
        const double gt = g[t] + ((double)a[t] * ci + (double)c[t] * cj);
        g[t] = gt;
        const double x = (fl[t] & NTKB_SMO_UP) ? -gt : -HUGE_VAL;
        v[t] = x;
        m = x > m ? x : m;
    }
    *vmax = m;
}

double NTKB_MV(ntkb_smo_scan_low) NTKB_SMO_SCAN_LOW_ARGS
{
    const double *restrict g = yG, *restrict d = qd;
    const float *restrict r = ri;
    const unsigned char *restrict fl = flags;
    double *restrict o = obj;
    double mn = HUGE_VAL, g2 = -HUGE_VAL;
#pragma omp simd reduction(min : mn) reduction(max : g2)
    for (int t = 0; t < n; t++) {
        const int low = (fl[t] & NTKB_SMO_LOW) != 0;
        const double gt = g[t], grad_diff = Gmax + gt;
        const double quad_coef = (qdi + d[t]) - 2.0 * (double)r[t];
        /* one division per element, not one per branch */
        const double v = -(grad_diff * grad_diff) / (quad_coef > 0 ? quad_coef : TAU);
        const double ov = low && grad_diff > 0 ? v : HUGE_VAL;
        o[t] = ov;
        mn = ov < mn ? ov : mn;
        const double gl = low ? gt : -HUGE_VAL;
        g2 = gl > g2 ? gl : g2;
    }
    *obj_min = mn;
    return g2;
}

int NTKB_MV(ntkb_smo_last_ext) NTKB_SMO_LAST_EXT_ARGS
{
    int hi = n;
    for (int lo = n - (n % CHUNK ? n % CHUNK : CHUNK); lo >= 0; hi = lo, lo -= CHUNK) {
        int hit = 0;
#pragma omp simd reduction(| : hit)
        for (int t = lo; t < hi; t++)
            hit |= v[t] == ext;
        if (hit)
            for (int t = hi - 1; t >= lo; t--)
                if (v[t] == ext)
                    return t;
    }
    return -1;
}
