/* Shared helpers for the cmocka tests: relative-tolerance double comparison (cmocka 1.1.5's
 * assert_float_equal casts to float) and the fixture / dataset directories. */
#ifndef NTKB_TESTUTIL_H
#define NTKB_TESTUTIL_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdint.h>
#include <cmocka.h>

#include "ntkb_config.h"

/* True when |a - b| <= rel · max(|a|, |b|) + abs_floor. */
static inline int ntkb_test_close(double a, double b, double rel, double abs_floor)
{
    double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return fabs(a - b) <= rel * scale + abs_floor;
}

#define assert_close(a, b, rel)                                                                 \
    do {                                                                                        \
        double a_ = (a), b_ = (b);                                                              \
        if (!ntkb_test_close(a_, b_, (rel), 0.0))                                               \
            fail_msg("%s = %.17g, %s = %.17g differ by more than %g relative", #a, a_, #b, b_,  \
                     (double)(rel));                                                            \
    } while (0)

#endif
