/* ntkbench studies (internal to the dynamics study): the data of one pair, the per-width
 * summary, and the pieces shared by dynamics_study.c, dynamics_run.c and dynamics_report.c. */
#ifndef NTKB_STUDIES_DYNAMICS_INTERNAL_H
#define NTKB_STUDIES_DYNAMICS_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "studies/dynamics.h"

#define NTKB_DYN_MODES 5 /* the top eigendirections followed */
#define NTKB_DYN_INITS 8 /* initialisations behind the NTK-at-init deviation */

typedef struct {
    char key[64], dataset[16]; /* "fm-tshirt-shirt", "fashion-mnist" */
    size_t n, m, d, factor;    /* train, test, input dimension, downsampling factor */
    double *X, *Xt, *y, *yt;   /* n×d, m×d, ±1 targets (owned) */
} ntkb_dyn_data;

typedef struct {
    size_t h;
    double ntk0_dev;        /* ‖Θ̂₀ − Θ‖_F / ‖Θ‖_F on the training images, RMS over
                             * NTKB_DYN_INITS initialisations */
    double ntk_move;        /* ‖Θ̂_T − Θ̂₀‖_F / ‖Θ̂₀‖_F */
    double test_dev;        /* ‖g_T − f_T‖ / ‖f_T‖ on the test images (network vs kernel) */
    double best_acc, best_t; /* early stopping: the best test accuracy on the grid (t > 0) */
    double final_acc, final_train_mse;
    double seconds;
} ntkb_dyn_width;

typedef struct {
    ntkb_dyn_data *D;
    double lmax, lmin, eta, T;  /* spectrum ends, step, final time η·steps */
    double top[NTKB_DYN_MODES]; /* λ_1 … λ_5 */
    double eff_rank;            /* (Σλ)² / Σλ² */
    size_t learned;             /* modes with λ_i·T ≥ 3 (residual below e^{−3} by T) */
    double ridgeless_acc, ker_final_acc, ker_best_acc, ker_best_t;
    double kernel_s;
    ntkb_dyn_width w[8];
    size_t nw;
} ntkb_dyn_summary;

ntkb_status ntkb_dyn_data_load(const char *dataset, const char *pair, const char *dir,
                               size_t n_train, size_t n_test, ntkb_dyn_data *D);
void ntkb_dyn_data_free(ntkb_dyn_data *D);
size_t ntkb_dyn_grid(size_t S, size_t *steps);
void ntkb_dyn_metrics(size_t n, const double *f, const double *y, size_t m, const double *ft,
                      const double *yt, double *out3);
void ntkb_dyn_modes(size_t n, const double *V, const double *y, const double *f, double *out);
ntkb_status ntkb_dyn_train_width(const ntkb_dyn_opts *o, const ntkb_dyn_data *D,
                                 const double *K, const double *V, const double *ker_test_T,
                                 double eta, size_t h, FILE *dat, ntkb_dyn_width *w);
ntkb_status ntkb_dyn_init_dev(const ntkb_dyn_opts *o, const ntkb_dyn_data *D, const double *K,
                              size_t h, double *K0, double *dev);
ntkb_status ntkb_dyn_write_md(const ntkb_dyn_opts *o, const ntkb_dyn_summary *s, size_t ns);

#endif
