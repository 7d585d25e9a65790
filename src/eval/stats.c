/* Significance computations of the reports (see stats.h). */
#include "stats.h"

#include <math.h>

/* The continued fraction of I_x(a, b) (modified Lentz), valid for x < (a + 1)/(a + b + 2). */
static double betacf(double a, double b, double x)
{
    const double tiny = 1e-300, eps = 1e-15;
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
    d = fabs(d) < tiny ? 1.0 / tiny : 1.0 / d;
    double h = d;
    for (int m = 1; m <= 300; m++) {
        double m2 = 2.0 * m, num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        for (int half = 0; half < 2; half++) {
            d = 1.0 + num * d;
            d = fabs(d) < tiny ? 1.0 / tiny : 1.0 / d;
            c = 1.0 + num / c;
            c = fabs(c) < tiny ? tiny : c;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        }
        if (fabs(d * c - 1.0) < eps)
            break;
    }
    return h;
}

double ntkb_stats_ibeta(double a, double b, double x)
{
    if (!(a > 0 && b > 0 && x >= 0 && x <= 1))
        return NAN;
    if (x == 0 || x == 1)
        return x;
    double lfront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0))
        return exp(lfront) * betacf(a, b, x) / a;
    return 1.0 - exp(lfront) * betacf(b, a, 1.0 - x) / b; /* the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) */
}

double ntkb_stats_t_p2(double t, double df)
{
    if (!(df > 0) || isnan(t))
        return NAN;
    if (isinf(t))
        return 0.0;
    return ntkb_stats_ibeta(0.5 * df, 0.5, df / (df + t * t));
}

double ntkb_stats_sign_p2(size_t pos, size_t neg)
{
    size_t n = pos + neg, k = pos < neg ? pos : neg;
    if (n == 0)
        return 1.0;
    double tail = 0.0;
    for (size_t i = 0; i <= k; i++) /* C(n, i) / 2^n through lgamma: exact enough for n ≤ 1e6 */
        tail += exp(lgamma((double)n + 1) - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) -
                    (double)n * log(2.0));
    return 2.0 * tail < 1.0 ? 2.0 * tail : 1.0;
}

double ntkb_stats_nb_factor(size_t J, size_t n_train, size_t n_test)
{
    if (J == 0 || n_train == 0)
        return NAN;
    return sqrt(1.0 + (double)J * (double)n_test / (double)n_train);
}
