/* ntkbench core (internal): the ISA variants of the array ReLU layer (dual_layer.c), for the
 * dispatchers in dual.c and for other multi-versioned kernels, which call the variant of their
 * own level directly. */
#ifndef NTKB_CORE_DUAL_MV_H
#define NTKB_CORE_DUAL_MV_H

#include <stddef.h>

#include "isa.h"

NTKB_MV_DECLARE(void, ntkb_dual_relu_layer, (size_t n, double *sig, double *theta,
                                              const double *sa, const double *sb, double c_sigma))
NTKB_MV_DECLARE(void, ntkb_dual_relu_layer_ref, (size_t n, double *sig, double *theta,
                                                  const double *sa, const double *sb,
                                                  double c_sigma))
NTKB_MV_DECLARE(const char *, ntkb_dual_relu_impl, (void))

#endif
