/* ntkbench gntk (internal): the ISA variants of the pair kernel (gntk_pair.c) and of the ReLU
 * rows (relu.c), for the dispatchers and for the variants' calls among themselves. */
#ifndef NTKB_GNTK_MV_H
#define NTKB_GNTK_MV_H

#include "core/isa.h"
#include "gntk.h"

NTKB_MV_DECLARE(ntkb_status, ntkb_gntk_prep_graph, (ntkb_gntk_prep *prep, size_t g,
                                                     ntkb_gntk_ws *ws))
NTKB_MV_DECLARE(ntkb_status, ntkb_gntk_pair, (const ntkb_gntk_prep *prep, size_t i, size_t j,
                                               ntkb_gntk_ws *ws, double *out))
NTKB_MV_DECLARE(double, ntkb_gntk_relu_row, (size_t m, double *sig, double *theta, double inv_du,
                                              double du, const double *inv_dv, const double *dv,
                                              const double *wv))
NTKB_MV_DECLARE(double, ntkb_gntk_relu_block, (size_t nr, size_t nc, double *sig, double *theta,
                                                const double *inv_dr, const double *dr,
                                                const double *inv_dc, const double *dc,
                                                const double *wr, const double *wc, int exact))
NTKB_MV_DECLARE(double, ntkb_gntk_relu_row_ref, (size_t m, double *sig, double *theta, double du,
                                                  const double *dv))
NTKB_MV_DECLARE(void, ntkb_gntk_kappa, (double rho, double *k0, double *k1))
NTKB_MV_DECLARE(const char *, ntkb_gntk_relu_impl, (void))

#endif
