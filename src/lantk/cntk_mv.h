/* ntkbench lantk (internal): the ISA variants of the CNTK recursions (cntk_pair.c). */
#ifndef NTKB_LANTK_CNTK_MV_H
#define NTKB_LANTK_CNTK_MV_H

#include "cntk.h"
#include "core/isa.h"

NTKB_MV_DECLARE(void, ntkb_cntk_precompute, (const ntkb_cntk *k, const double *x, double *cache,
                                              ntkb_cntk_work *w))
NTKB_MV_DECLARE(double, ntkb_cntk_pair, (const ntkb_cntk *k, const double *x, const double *cx,
                                          const double *z, const double *cz, ntkb_cntk_work *w))

#endif
