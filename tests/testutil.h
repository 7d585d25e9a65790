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
#include <stdlib.h>
#include <cmocka.h>

#include "ntkb_config.h"

/* A suite's scratch directory: ntkb_test_mkdtemp makes /tmp/ntkb_test_SUITE.XXXXXX in dir (cap
 * bytes), ntkb_test_rmtree removes it with its contents; both return 0 or -1, as cmocka's group
 * setup and teardown do. */
static inline int ntkb_test_mkdtemp(char *dir, size_t cap, const char *suite)
{
    snprintf(dir, cap, "/tmp/ntkb_test_%s.XXXXXX", suite);
    return mkdtemp(dir) ? 0 : -1;
}

static inline int ntkb_test_rmtree(const char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

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
