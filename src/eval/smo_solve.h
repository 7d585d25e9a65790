/* ntkbench eval, private to smo*.c: one binary C-SVC solve (LIBSVM's Solver for C_SVC). */
#ifndef NTKB_EVAL_SMO_SOLVE_H
#define NTKB_EVAL_SMO_SOLVE_H

#include <stddef.h>

/* The work arrays of one solve, indexed by *position*: shrinking swaps variables between
 * positions, so every per-variable array is swapped together (LIBSVM's swap_index). */
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
} smo_solver;

/* Solves the binary problem whose variables are fold rows rows[0..m) with labels y0[0..m)
 * (kf, ldk, kdiag set and all arrays of s sized ≥ m by the caller), writes the signed coefficients alpha_i·y_i in
 * problem order to coef[0..m) and the bias to *rho, the iteration count to *iters.  Returns 1
 * when it stopped at max_iter (≥ 0; -1 = no cap), 0 when it converged. */
int ntkb_smo_solve(smo_solver *s, const int *rows, const signed char *y0, int m, double C,
                   double eps, int shrinking, long max_iter, double *coef, double *rho,
                   long *iters);

#endif
