/* The SMO solver of tests/test_smo.c's reference: ntkbench's first transcription of LIBSVM 3.24's
 * C-SVC solver (Copyright (c) 2000-2019 Chih-Chung Chang and Chih-Jen Lin, BSD-3-Clause, see
 * LICENSES/LIBSVM.txt), kept verbatim apart from names: one gathered row access per element, no
 * row cache, no sign folding.  The production solver (src/eval/smo_solve.c) must reproduce its
 * coefficients, bias and iteration counts bit for bit, capped or not.  Header-only, for one
 * test program; compiled, as the production solver, without FMA contraction. */
#ifndef NTKB_TESTS_SMO_REF_H
#define NTKB_TESTS_SMO_REF_H

#include <math.h>
#include <stddef.h>

typedef struct {
    int m;              /* variables in the binary problem */
    const float *kf;    /* the fold's float Gram, row-major with leading dimension ldk */
    size_t ldk;
    const double *kdiag; /* the fold Gram's diagonal in double (LIBSVM's QD) */
    int *fp;            /* fold row of the variable at each position */
    int *act;           /* its index in the binary problem (LIBSVM's active_set) */
    signed char *y;     /* +1 / -1 */
    char *status;       /* lower bound, upper bound, free */
    double *alpha, *G, *G_bar, *qd;
    double *work;       /* scratch of the working-set selection */
    int active;         /* positions [0, active) are not shrunk */
    int unshrink;
    double C, eps;
} ref_solver;

enum { REF_LOWER = 0, REF_UPPER = 1, REF_FREE = 2 };

#define REF_TAU 1e-12

/* Row of the fold Gram for the variable at position i (LIBSVM's get_Q(i, ·) before signs). */
static inline const float *ref_row(const ref_solver *s, int i)
{
    return s->kf + (size_t)s->fp[i] * s->ldk;
}

/* Q_i[k] = (Qfloat)(y_i·y_k·K(i,k)); the sign flip is exact in float. */
static inline float ref_q(const ref_solver *s, const float *ri, int yi, int k)
{
    return (float)(yi * s->y[k]) * ri[s->fp[k]];
}

static inline void ref_set_status(ref_solver *s, int i)
{
    s->status[i] = s->alpha[i] >= s->C ? REF_UPPER : s->alpha[i] <= 0 ? REF_LOWER : REF_FREE;
}

#define REF_SWAP(T, a, b) do { T t_ = (a); (a) = (b); (b) = t_; } while (0)

static void ref_swap_index(ref_solver *s, int i, int j)
{
    REF_SWAP(int, s->fp[i], s->fp[j]);
    REF_SWAP(int, s->act[i], s->act[j]);
    REF_SWAP(signed char, s->y[i], s->y[j]);
    REF_SWAP(char, s->status[i], s->status[j]);
    REF_SWAP(double, s->alpha[i], s->alpha[j]);
    REF_SWAP(double, s->G[i], s->G[j]);
    REF_SWAP(double, s->G_bar[i], s->G_bar[j]);
    REF_SWAP(double, s->qd[i], s->qd[j]);
}

/* Gradient of the shrunk variables from G_bar and the free ones (two summation orders,
 * chosen by LIBSVM's cost estimate). */
static void ref_reconstruct_gradient(ref_solver *s)
{
    const int m = s->m, a = s->active;
    if (a == m)
        return;
    for (int j = a; j < m; j++)
        s->G[j] = s->G_bar[j] + -1.0; /* p_j = -1 */
    long nr_free = 0;
    for (int j = 0; j < a; j++)
        nr_free += s->status[j] == REF_FREE;
    if (nr_free * m > 2L * a * (m - a)) {
        for (int i = a; i < m; i++) {
            const float *ri = ref_row(s, i);
            for (int j = 0; j < a; j++)
                if (s->status[j] == REF_FREE)
                    s->G[i] += s->alpha[j] * ref_q(s, ri, s->y[i], j);
        }
    } else {
        for (int i = 0; i < a; i++)
            if (s->status[i] == REF_FREE) {
                const float *ri = ref_row(s, i);
                double ai = s->alpha[i];
                for (int j = a; j < m; j++)
                    s->G[j] += ai * ref_q(s, ri, s->y[i], j);
            }
    }
}

/* The last position j < n with v[j] == vmax, or -1 (LIBSVM's running ">=" / "<=" scans keep
 * the last position holding the extremum; == treats ±0 alike, as those comparisons do). */
static int ref_last_equal(const double *v, int n, double vmax)
{
    for (int j = n - 1; j >= 0; j--)
        if (v[j] == vmax)
            return j;
    return -1;
}

/* i of WSS3: the last position maximising -y_t·G_t over I_up, and that maximum. */
static int ref_select_i(const ref_solver *s, double *Gmax_out)
{
    const int n = s->active;
    const signed char *restrict y = s->y;
    const char *restrict status = s->status;
    const double *restrict G = s->G;
    double *restrict v = s->work;
    double vmax = -HUGE_VAL;
#pragma omp simd reduction(max : vmax)
    for (int t = 0; t < n; t++) {
        const int plus = y[t] == +1, st = status[t];
        const int eligible = plus ? st != REF_UPPER : st != REF_LOWER;
        const double g = G[t], val = plus ? -g : g;
        const double vt = eligible ? val : -HUGE_VAL;
        v[t] = vt;
        vmax = vt > vmax ? vt : vmax;
    }
    const int i = vmax > -HUGE_VAL ? ref_last_equal(v, n, vmax) : -1;
    *Gmax_out = i >= 0 ? v[i] : -HUGE_VAL;
    return i;
}

/* WSS3: returns 1 when optimal within eps, else the pair in *oi, *oj.
 *
 * LIBSVM's two scans, rewritten without branches so that they vectorise (they are ~90 % of
 * the solver's time).  For y_j = +1 LIBSVM computes Gmax + G_j and QD_i + QD_j - 2·y_i·Q_ij,
 * for y_j = -1 Gmax - G_j and QD_i + QD_j + 2·y_i·Q_ij; with Q_ij = y_i·y_j·K_ij both are
 * exactly Gmax + (y_j·G_j) and (QD_i + QD_j) - 2·K_ij, since the sign flips are exact.
 * Non-candidates get +inf, which no candidate can have (a candidate's obj_diff is ≤ -0).
 * The max and min reductions may reorder: they are exact. */
static int ref_select_working_set(const ref_solver *s, int *oi, int *oj)
{
    double Gmax, Gmax2 = -HUGE_VAL;
    const int i = ref_select_i(s, &Gmax), n = s->active;
    if (i == -1)
        return 1; /* Gmax = -inf: LIBSVM's test below then returns 1 too */
    const float *restrict ri = ref_row(s, i);
    const int *restrict fp = s->fp;
    const signed char *restrict y = s->y;
    const char *restrict status = s->status;
    const double *restrict G = s->G, *restrict qd = s->qd;
    double *restrict obj = s->work;
    const double qdi = qd[i];
#pragma omp simd reduction(max : Gmax2)
    for (int j = 0; j < n; j++) {
        const int plus = y[j] == +1, st = status[j];
        const int eligible = plus ? st != REF_LOWER : st != REF_UPPER;
        const double gj = G[j], g = plus ? gj : -gj;
        const double grad_diff = Gmax + g;
        const double quad_coef = (qdi + qd[j]) - 2.0 * (double)ri[fp[j]];
        const double o = quad_coef > 0 ? -(grad_diff * grad_diff) / quad_coef
                                       : -(grad_diff * grad_diff) / REF_TAU;
        obj[j] = eligible && grad_diff > 0 ? o : HUGE_VAL;
        const double g2 = eligible ? g : -HUGE_VAL;
        Gmax2 = g2 > Gmax2 ? g2 : Gmax2;
    }
    double obj_min = HUGE_VAL;
#pragma omp simd reduction(min : obj_min)
    for (int j = 0; j < n; j++)
        obj_min = obj[j] < obj_min ? obj[j] : obj_min;
    const int Gmin_idx = obj_min < HUGE_VAL ? ref_last_equal(obj, n, obj_min) : -1;
    if (Gmax + Gmax2 < s->eps || Gmin_idx == -1)
        return 1;
    *oi = i;
    *oj = Gmin_idx;
    return 0;
}

/* The analytic two-variable step, clipped to the box (LIBSVM's case analysis). */
static void ref_step_pair(ref_solver *s, int i, int j, double Qij)
{
    double *alpha = s->alpha;
    const double C = s->C;
    if (s->y[i] != s->y[j]) {
        double quad_coef = s->qd[i] + s->qd[j] + 2 * Qij;
        if (quad_coef <= 0)
            quad_coef = REF_TAU;
        double delta = (-s->G[i] - s->G[j]) / quad_coef;
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
            quad_coef = REF_TAU;
        double delta = (s->G[i] - s->G[j]) / quad_coef;
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

/* G_bar += ±C·Q_i over all positions when variable i entered or left its upper bound. */
static void ref_update_G_bar(ref_solver *s, int i, int was_upper)
{
    if (was_upper == (s->status[i] == REF_UPPER))
        return;
    const float *ri = ref_row(s, i);
    const int yi = s->y[i];
    const double C = s->C;
    if (was_upper)
        for (int k = 0; k < s->m; k++)
            s->G_bar[k] -= C * ref_q(s, ri, yi, k);
    else
        for (int k = 0; k < s->m; k++)
            s->G_bar[k] += C * ref_q(s, ri, yi, k);
}

/* One SMO iteration on the pair (i, j). */
static void ref_update(ref_solver *s, int i, int j)
{
    const float *ri = ref_row(s, i), *rj = ref_row(s, j);
    const int yi = s->y[i], yj = s->y[j];
    const double old_i = s->alpha[i], old_j = s->alpha[j];
    ref_step_pair(s, i, j, ref_q(s, ri, yi, j));
    const double dai = s->alpha[i] - old_i, daj = s->alpha[j] - old_j;
    const int *restrict fp = s->fp;
    const signed char *restrict y = s->y;
    double *restrict G = s->G;
    const int n = s->active;
    for (int k = 0; k < n; k++)
        G[k] += (float)(yi * y[k]) * ri[fp[k]] * dai + (float)(yj * y[k]) * rj[fp[k]] * daj;
    const int ui = s->status[i] == REF_UPPER, uj = s->status[j] == REF_UPPER;
    ref_set_status(s, i);
    ref_set_status(s, j);
    ref_update_G_bar(s, i, ui);
    ref_update_G_bar(s, j, uj);
}

static int ref_be_shrunk(const ref_solver *s, int i, double Gmax1, double Gmax2)
{
    if (s->status[i] == REF_UPPER)
        return s->y[i] == +1 ? -s->G[i] > Gmax1 : -s->G[i] > Gmax2;
    if (s->status[i] == REF_LOWER)
        return s->y[i] == +1 ? s->G[i] > Gmax2 : s->G[i] > Gmax1;
    return 0;
}

static void ref_do_shrinking(ref_solver *s)
{
    double Gmax1 = -HUGE_VAL, Gmax2 = -HUGE_VAL;
    for (int i = 0; i < s->active; i++) {
        const double g = s->G[i];
        const int up = s->status[i] != REF_UPPER, low = s->status[i] != REF_LOWER;
        if (s->y[i] == +1) {
            if (up && -g >= Gmax1)
                Gmax1 = -g;
            if (low && g >= Gmax2)
                Gmax2 = g;
        } else {
            if (up && -g >= Gmax2)
                Gmax2 = -g;
            if (low && g >= Gmax1)
                Gmax1 = g;
        }
    }
    if (!s->unshrink && Gmax1 + Gmax2 <= s->eps * 10) {
        s->unshrink = 1;
        ref_reconstruct_gradient(s);
        s->active = s->m;
    }
    for (int i = 0; i < s->active; i++)
        if (ref_be_shrunk(s, i, Gmax1, Gmax2)) {
            s->active--;
            while (s->active > i) {
                if (!ref_be_shrunk(s, s->active, Gmax1, Gmax2)) {
                    ref_swap_index(s, i, s->active);
                    break;
                }
                s->active--;
            }
        }
}

static double ref_calculate_rho(const ref_solver *s)
{
    int nr_free = 0;
    double ub = HUGE_VAL, lb = -HUGE_VAL, sum_free = 0;
    for (int i = 0; i < s->active; i++) {
        double yG = s->y[i] * s->G[i];
        int to_ub = s->status[i] == REF_UPPER ? s->y[i] == -1
                  : s->status[i] == REF_LOWER ? s->y[i] == +1 : -1;
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

static int ref_smo_solve(ref_solver *s, const int *rows, const signed char *y0, int m, double C,
                   double eps, int shrinking, long max_iter, double *coef, double *rho,
                   long *iters)
{
    s->m = m;
    s->C = C;
    s->eps = eps;
    s->unshrink = 0;
    s->active = m;
    for (int k = 0; k < m; k++) {
        s->fp[k] = rows[k];
        s->act[k] = k;
        s->y[k] = y0[k];
        s->alpha[k] = 0.0;
        s->status[k] = REF_LOWER;
        s->G[k] = -1.0; /* p = -e */
        s->G_bar[k] = 0.0;
        s->qd[k] = s->kdiag[rows[k]];
    }
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
                ref_do_shrinking(s);
        }
        int i = -1, j = -1;
        if (ref_select_working_set(s, &i, &j)) {
            ref_reconstruct_gradient(s);
            s->active = m;
            if (ref_select_working_set(s, &i, &j))
                break;
            counter = 1; /* shrink at the next iteration */
        }
        ++iter;
        ref_update(s, i, j);
    }
    *rho = ref_calculate_rho(s);
    for (int k = 0; k < m; k++)
        coef[s->act[k]] = s->alpha[k] * y0[s->act[k]];
    *iters = iter;
    return capped;
}

#endif
