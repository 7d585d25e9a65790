/* ntkbench eval, private to smo*.c: one binary C-SVC solve (LIBSVM's Solver for C_SVC). */
#ifndef NTKB_EVAL_SMO_SOLVE_H
#define NTKB_EVAL_SMO_SOLVE_H

#include <stddef.h>
#include <stdint.h>

/* Kernel rows of the current binary problem in *position* order (row[t] = K(var, variable at
 * position t), float as LIBSVM's Qfloat), so that the scans read them contiguously.  A row is
 * valid on a prefix [0, len) and extended on demand; the solver's position swaps are applied
 * to every cached row; least recently used rows are replaced. */
typedef struct {
    float *data;        /* cap rows of stride ld */
    size_t ld;
    int cap, used;
    int *slot_of;       /* [fold rows] slot holding that fold row's row, or -1 */
    int *var, *len;     /* [cap] fold row and valid prefix of each slot */
    uint64_t *stamp;    /* [cap] last use */
    uint64_t clock;
} smo_rows;

/* The work arrays of one solve, indexed by *position*: shrinking swaps variables between
 * positions, so every per-variable array is swapped together (LIBSVM's swap_index).  The
 * gradient is kept sign-folded, yG_t = y_t·G_t (and yGb_t = y_t·G_bar_t): the sign flips are
 * exact, so every value LIBSVM computes is recovered bit for bit, while the scans need no
 * per-element multiply by y. */
typedef struct {
    int m;              /* variables in the binary problem */
    const float *kf;    /* the fold's float Gram, row-major with leading dimension ldk */
    size_t ldk;
    const double *kdiag; /* the fold Gram's diagonal in double (LIBSVM's QD) */
    int *fp;            /* fold row of the variable at each position */
    int *act;           /* its index in the binary problem (LIBSVM's active_set) */
    signed char *y;     /* +1 / -1 */
    char *status;       /* lower bound, upper bound, free */
    unsigned char *flags; /* NTKB_SMO_UP (in I_up) | NTKB_SMO_LOW (in I_low), from y and status */
    double *alpha, *yG, *yGb, *qd;
    double *vup;        /* [m] -yG_t over I_up, -inf elsewhere (last scan) */
    double vmax;        /* its maximum */
    double *obj;        /* [m] WSS3 objective of the candidates j, +inf elsewhere */
    int vup_valid;      /* vup and vmax hold the current -yG over [0, active) */
    int active;         /* positions [0, active) are not shrunk */
    int unshrink;
    double C, eps;
    smo_rows rows;
} smo_solver;

enum { NTKB_SMO_UP = 1, NTKB_SMO_LOW = 2 };

/* Allocates the row cache for fold rows [0, l) with at most `budget` bytes of rows (at least
 * two rows).  Returns 0 or -1 (out of memory).  Time complexity: O(l). */
int ntkb_smo_rows_alloc(smo_rows *r, size_t l, size_t budget);

/* Frees the cache's arrays (the struct itself is the caller's). */
void ntkb_smo_rows_free(smo_rows *r);

/* Forgets every cached row (a new binary problem).  Time complexity: O(rows in use). */
void ntkb_smo_rows_reset(smo_rows *r);

/* The row of the variable at position i, valid on [0, need).  The pointer stays valid until
 * the next call (which may replace the least recently used row, never the one returned just
 * before).  Time complexity: O(need) on a miss, O(1) on a hit. */
const float *ntkb_smo_row(smo_solver *s, int i, int need);

/* Applies the swap of positions i < j (s->fp already swapped) to every cached row.
 * Time complexity: O(rows in use). */
void ntkb_smo_rows_swap(smo_solver *s, int i, int j);

/* Solves the binary problem whose variables are fold rows rows[0..m) with labels y0[0..m)
 * (kf, ldk, kdiag set and all arrays of s sized ≥ m by the caller), writes the signed
 * coefficients alpha_i·y_i in problem order to coef[0..m) and the bias to *rho, the iteration
 * count to *iters.  alpha0 (may be NULL: all zero, LIBSVM's start) is a feasible starting point
 * in problem order (0 ≤ alpha0 ≤ C, Σ y·alpha0 = 0).  Returns 1 when it stopped at max_iter
 * (≥ 0; -1 = no cap), 0 when it converged. */
int ntkb_smo_solve(smo_solver *s, const int *rows, const signed char *y0, int m, double C,
                   double eps, int shrinking, long max_iter, const double *alpha0, double *coef,
                   double *rho, long *iters);

#endif
