/* LIBSVM's SMO solver for C-SVC, transcribed from LIBSVM 3.24 (svm.cpp, class Solver):
 *
 * Copyright (c) 2000-2019 Chih-Chung Chang and Chih-Jen Lin
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without modification, are
 * permitted provided that the following conditions are met:
 * 1. Redistributions of source code must retain the above copyright notice, this list of
 *    conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice, this list of
 *    conditions and the following disclaimer in the documentation and/or other materials
 *    provided with the distribution.
 * 3. Neither name of copyright holders nor the names of its contributors may be used to
 *    endorse or promote products derived from this software without specific prior written
 *    permission.
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS ``AS IS'' AND ANY
 * EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED.  IN NO EVENT SHALL THE
 * REGENTS OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY,
 * OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY
 * THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR
 * OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
 * POSSIBILITY OF SUCH DAMAGE.  (LICENSES/LIBSVM.txt)
 *
 * Fan, Chen & Lin 2005 working-set selection, shrinking; transcribed so that the
 * floating-point results are LIBSVM's: the kernel values are floats (LIBSVM's Qfloat),
 * everything else double, every value LIBSVM computes is computed here with the same
 * operations in the same order up to exact sign flips (the gradient is stored as y·G, see
 * smo_solve.h).  The stopping rule at max_iter is sklearn's (see smo.h).
 *
 * Where the time goes and what is done about it: an iteration is two scans over the active
 * positions (WSS3's i and j) and the gradient update.  The scans read kernel rows from a cache
 * in position order (smo_rows.c) instead of gathering through the position → fold-row map; the
 * update of iteration k and the first scan of iteration k + 1 are one pass; the loops are
 * compiled per x86-64 level (smo_scan.c). */
#include "smo_solve.h"

#include <math.h>

#include "smo_scan.h"

enum { LOWER = 0, UPPER = 1, FREE = 2 };

#define TAU 1e-12

/* Row of the fold Gram for the variable at position i, indexed by fold row. */
static inline const float *fold_row(const smo_solver *s, int i)
{
    return s->kf + (size_t)s->fp[i] * s->ldk;
}

static inline void set_status(smo_solver *s, int i)
{
    const int st = s->alpha[i] >= s->C ? UPPER : s->alpha[i] <= 0 ? LOWER : FREE;
    const int plus = s->y[i] == +1;
    s->status[i] = (char)st;
    s->flags[i] = (unsigned char)(((plus ? st != UPPER : st != LOWER) ? NTKB_SMO_UP : 0) |
                                  ((plus ? st != LOWER : st != UPPER) ? NTKB_SMO_LOW : 0));
}

#define SWAP(T, a, b) do { T t_ = (a); (a) = (b); (b) = t_; } while (0)

/* Positions i < j exchange their variables (cached rows included). */
static void swap_index(smo_solver *s, int i, int j)
{
    SWAP(int, s->fp[i], s->fp[j]);
    SWAP(int, s->act[i], s->act[j]);
    SWAP(signed char, s->y[i], s->y[j]);
    SWAP(char, s->status[i], s->status[j]);
    SWAP(unsigned char, s->flags[i], s->flags[j]);
    SWAP(double, s->alpha[i], s->alpha[j]);
    SWAP(double, s->yG[i], s->yG[j]);
    SWAP(double, s->yGb[i], s->yGb[j]);
    SWAP(double, s->qd[i], s->qd[j]);
    ntkb_smo_rows_swap(s, i, j);
}

/* Gradient of the shrunk variables from G_bar and the free ones (two summation orders,
 * chosen by LIBSVM's cost estimate).  y_i·(α_j·Q_ij) = α_j·(y_j·K_ij) exactly. */
static void reconstruct_gradient(smo_solver *s)
{
    const int m = s->m, a = s->active;
    if (a == m)
        return;
    for (int j = a; j < m; j++)
        s->yG[j] = s->yGb[j] + (double)-s->y[j]; /* y_j·(G_bar_j + p_j), p_j = -1 */
    long nr_free = 0;
    for (int j = 0; j < a; j++)
        nr_free += s->status[j] == FREE;
    if (nr_free * m > 2L * a * (m - a)) {
        for (int i = a; i < m; i++) {
            const float *ri = fold_row(s, i);
            for (int j = 0; j < a; j++)
                if (s->status[j] == FREE)
                    s->yG[i] += s->alpha[j] * ((float)s->y[j] * ri[s->fp[j]]);
        }
    } else {
        for (int i = 0; i < a; i++)
            if (s->status[i] == FREE) {
                const float *ri = fold_row(s, i);
                const double ai = s->alpha[i];
                const float yi = (float)s->y[i];
                for (int j = a; j < m; j++)
                    s->yG[j] += ai * (yi * ri[s->fp[j]]);
            }
    }
}

/* WSS3: returns 1 when optimal within eps, else the pair in *oi, *oj and i's row.
 *
 * For y_j = +1 LIBSVM computes Gmax + G_j and QD_i + QD_j - 2·y_i·Q_ij, for y_j = -1
 * Gmax - G_j and QD_i + QD_j + 2·y_i·Q_ij; with Q_ij = y_i·y_j·K_ij both are exactly
 * Gmax + yG_j and (QD_i + QD_j) - 2·K_ij.  Non-candidates get +inf, which no candidate can
 * have (a candidate's obj_diff is ≤ -0). */
static int select_working_set(smo_solver *s, const ntkb_smo_scans *fn, int *oi, int *oj,
                              const float **ori)
{
    const int n = s->active;
    if (!s->vup_valid)
        fn->up(s->yG, s->flags, n, s->vup, &s->vmax);
    s->vup_valid = 0;
    const int i = s->vmax > -HUGE_VAL ? fn->last(s->vup, n, s->vmax) : -1;
    if (i == -1)
        return 1; /* Gmax = -inf: LIBSVM's test below then returns 1 too */
    const double Gmax = s->vup[i];
    const float *ri = ntkb_smo_row(s, i, n);
    double obj_min;
    const double Gmax2 = fn->low(s->yG, ri, s->qd, s->flags, n, Gmax, s->qd[i], s->obj, &obj_min);
    const int j = obj_min < HUGE_VAL ? fn->last(s->obj, n, obj_min) : -1;
    if (Gmax + Gmax2 < s->eps || j == -1)
        return 1;
    *oi = i;
    *oj = j;
    *ori = ri;
    return 0;
}

/* The analytic two-variable step, clipped to the box (LIBSVM's case analysis). */
static void step_pair(smo_solver *s, int i, int j, double Qij)
{
    double *alpha = s->alpha;
    const double C = s->C, Gi = s->y[i] * s->yG[i], Gj = s->y[j] * s->yG[j];
    if (s->y[i] != s->y[j]) {
        double quad_coef = s->qd[i] + s->qd[j] + 2 * Qij;
        if (quad_coef <= 0)
            quad_coef = TAU;
        double delta = (-Gi - Gj) / quad_coef;
        double diff = alpha[i] - alpha[j];
        alpha[i] += delta;
        alpha[j] += delta;
        if (diff > 0) {
            if (alpha[j] < 0) { alpha[j] = 0; alpha[i] = diff; }
        } else if (alpha[i] < 0) { alpha[i] = 0; alpha[j] = -diff; }
        if (diff > 0.0) { /* C_i - C_j */
            if (alpha[i] > C) { alpha[i] = C; alpha[j] = C - diff; }
        } else if (alpha[j] > C) { alpha[j] = C; alpha[i] = C + diff; }
    } else {
        double quad_coef = s->qd[i] + s->qd[j] - 2 * Qij;
        if (quad_coef <= 0)
            quad_coef = TAU;
        double delta = (Gi - Gj) / quad_coef;
        double sum = alpha[i] + alpha[j];
        alpha[i] -= delta;
        alpha[j] += delta;
        if (sum > C) {
            if (alpha[i] > C) { alpha[i] = C; alpha[j] = sum - C; }
        } else if (alpha[j] < 0) { alpha[j] = 0; alpha[i] = sum; }
        if (sum > C) {
            if (alpha[j] > C) { alpha[j] = C; alpha[i] = sum - C; }
        } else if (alpha[i] < 0) { alpha[i] = 0; alpha[j] = sum; }
    }
}

/* G_bar += ±C·Q_i over all positions when variable i entered or left its upper bound
 * (y_k·C·Q_ik = C·(y_i·K_ik) exactly). */
static void update_G_bar(smo_solver *s, int i, int was_upper)
{
    if (was_upper == (s->status[i] == UPPER))
        return;
    const float *restrict ri = ntkb_smo_row(s, i, s->m);
    const float yi = (float)s->y[i];
    const double C = s->C;
    double *restrict gb = s->yGb;
    if (was_upper)
        for (int k = 0; k < s->m; k++)
            gb[k] -= C * (yi * ri[k]);
    else
        for (int k = 0; k < s->m; k++)
            gb[k] += C * (yi * ri[k]);
}

/* One SMO iteration on the pair (i, j); also leaves the next iteration's first scan. */
static void update(smo_solver *s, const ntkb_smo_scans *fn, int i, int j, const float *ri)
{
    const int n = s->active, yi = s->y[i], yj = s->y[j];
    const double old_i = s->alpha[i], old_j = s->alpha[j];
    step_pair(s, i, j, (float)(yi * yj) * ri[j]);
    const double dai = s->alpha[i] - old_i, daj = s->alpha[j] - old_j;
    const int ui = s->status[i] == UPPER, uj = s->status[j] == UPPER;
    set_status(s, i);
    set_status(s, j);
    const float *rj = ntkb_smo_row(s, j, n);
    ri = ntkb_smo_row(s, i, n); /* still cached: fetched just before rj */
    /* y_k·(Q_ik·Δα_i) = K_ik·(y_i·Δα_i) exactly */
    fn->update(s->yG, ri, rj, yi * dai, yj * daj, s->flags, n, s->vup, &s->vmax);
    s->vup_valid = 1;
    update_G_bar(s, i, ui);
    update_G_bar(s, j, uj);
}

static int be_shrunk(const smo_solver *s, int i, double Gmax1, double Gmax2)
{
    const double g = s->yG[i]; /* G_i = y_i·g */
    if (s->status[i] == UPPER)
        return s->y[i] == +1 ? -g > Gmax1 : g > Gmax2;
    if (s->status[i] == LOWER)
        return s->y[i] == +1 ? g > Gmax2 : -g > Gmax1;
    return 0;
}

static void do_shrinking(smo_solver *s)
{
    double Gmax1 = -HUGE_VAL, Gmax2 = -HUGE_VAL; /* over I_up of -yG, over I_low of yG */
    for (int i = 0; i < s->active; i++) {
        const double g = s->yG[i];
        if ((s->flags[i] & NTKB_SMO_UP) && -g >= Gmax1)
            Gmax1 = -g;
        if ((s->flags[i] & NTKB_SMO_LOW) && g >= Gmax2)
            Gmax2 = g;
    }
    s->vup_valid = 0;
    if (!s->unshrink && Gmax1 + Gmax2 <= s->eps * 10) {
        s->unshrink = 1;
        reconstruct_gradient(s);
        s->active = s->m;
    }
    for (int i = 0; i < s->active; i++)
        if (be_shrunk(s, i, Gmax1, Gmax2)) {
            s->active--;
            while (s->active > i) {
                if (!be_shrunk(s, s->active, Gmax1, Gmax2)) {
                    swap_index(s, i, s->active);
                    break;
                }
                s->active--;
            }
        }
}

static double calculate_rho(const smo_solver *s)
{
    int nr_free = 0;
    double ub = HUGE_VAL, lb = -HUGE_VAL, sum_free = 0;
    for (int i = 0; i < s->active; i++) {
        const double yG = s->yG[i];
        int to_ub = s->status[i] == UPPER ? s->y[i] == -1
                  : s->status[i] == LOWER ? s->y[i] == +1 : -1;
        if (to_ub == 1)
            ub = yG < ub ? yG : ub;       /* std::min(ub, yG) */
        else if (to_ub == 0)
            lb = lb < yG ? yG : lb;       /* std::max(lb, yG) */
        else {
            ++nr_free;
            sum_free += yG;
        }
    }
    return nr_free > 0 ? sum_free / nr_free : (ub + lb) / 2;
}

/* LIBSVM's initial gradient for a starting point alpha (Solver::Solve): G = Qα + p and
 * G_bar = C·Σ_{α_i = C} Q_i, sign-folded. */
static void init_gradient(smo_solver *s)
{
    const int m = s->m;
    for (int i = 0; i < m; i++) {
        if (s->status[i] == LOWER)
            continue;
        const float *ri = fold_row(s, i);
        const float yi = (float)s->y[i];
        const double ai = s->alpha[i];
        for (int j = 0; j < m; j++)
            s->yG[j] += ai * (yi * ri[s->fp[j]]);
        if (s->status[i] == UPPER)
            for (int j = 0; j < m; j++)
                s->yGb[j] += s->C * (yi * ri[s->fp[j]]);
    }
}

static void init(smo_solver *s, const int *rows, const signed char *y0, int m,
                 const double *alpha0)
{
    s->m = m;
    s->unshrink = 0;
    s->active = m;
    s->vup_valid = 0;
    for (int k = 0; k < m; k++) {
        s->fp[k] = rows[k];
        s->act[k] = k;
        s->y[k] = y0[k];
        s->alpha[k] = alpha0 ? alpha0[k] : 0.0;
        set_status(s, k);
        s->yG[k] = (double)-y0[k]; /* y·p, p = -e */
        s->yGb[k] = 0.0;
        s->qd[k] = s->kdiag[rows[k]];
    }
    ntkb_smo_rows_reset(&s->rows);
    if (alpha0)
        init_gradient(s);
}

int ntkb_smo_solve(smo_solver *s, const int *rows, const signed char *y0, int m, double C,
                   double eps, int shrinking, long max_iter, const double *alpha0, double *coef,
                   double *rho, long *iters)
{
    const ntkb_smo_scans fn = ntkb_smo_scans_pick();
    s->C = C;
    s->eps = eps;
    init(s, rows, y0, m, alpha0);
    long iter = 0;
    int counter = (m < 1000 ? m : 1000) + 1, capped = 0;
    for (;;) {
        if (max_iter >= 0 && iter >= max_iter) {
            capped = 1;
            break;
        }
        if (--counter == 0) {
            counter = m < 1000 ? m : 1000;
            if (shrinking)
                do_shrinking(s);
        }
        int i = -1, j = -1;
        const float *ri = NULL;
        if (select_working_set(s, &fn, &i, &j, &ri)) {
            reconstruct_gradient(s);
            s->active = m;
            if (select_working_set(s, &fn, &i, &j, &ri))
                break;
            counter = 1; /* shrink at the next iteration */
        }
        ++iter;
        update(s, &fn, i, j, ri);
    }
    *rho = calculate_rho(s);
    for (int k = 0; k < m; k++)
        coef[s->act[k]] = s->alpha[k] * y0[s->act[k]];
    *iters = iter;
    return capped;
}
