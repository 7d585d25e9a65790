/* Tests of src/eval/stats: the incomplete beta, Student's t and the sign test against values
 * printed by SciPy 1.x (scipy.special.betainc, 2·scipy.stats.t.sf, scipy.stats.binomtest), and
 * the Nadeau–Bengio factor of 20 resplits 80/20. */
#include "testutil.h"

#include "eval/stats.h"

static void test_ibeta(void **state)
{
    (void)state;
    assert_close(ntkb_stats_ibeta(2.5, 0.5, 0.3), 0.01892712407194565, 1e-12);
    assert_close(ntkb_stats_ibeta(10, 3, 0.9), 0.889130022255, 1e-11);
    assert_close(ntkb_stats_ibeta(0.5, 0.5, 0.999), 0.9798649583666225, 1e-12);
    assert_true(isnan(ntkb_stats_ibeta(-1, 1, 0.5)));
}

static void test_t(void **state)
{
    (void)state;
    assert_close(ntkb_stats_t_p2(2.0, 19), 0.060002036386098336, 1e-11);
    assert_close(ntkb_stats_t_p2(0.5, 4), 0.6433299631818633, 1e-11);
    assert_close(ntkb_stats_t_p2(3.7, 9), 0.0049205621893296395, 1e-11);
    assert_close(ntkb_stats_t_p2(-1.2, 1), 0.44228412324739086, 1e-11);
    assert_close(ntkb_stats_t_p2(10, 2), 0.009852457023325692, 1e-11);
    assert_true(isnan(ntkb_stats_t_p2(1.0, 0)));
}

static void test_sign(void **state)
{
    (void)state;
    assert_close(ntkb_stats_sign_p2(9, 1), 0.021484375, 1e-12);
    assert_close(ntkb_stats_sign_p2(5, 5), 1.0, 1e-15);
    assert_close(ntkb_stats_sign_p2(0, 6), 0.03125, 1e-12);
    assert_close(ntkb_stats_sign_p2(8, 2), 0.109375, 1e-12);
    assert_close(ntkb_stats_sign_p2(30, 10), 0.0022214337732293643, 1e-10);
    assert_close(ntkb_stats_sign_p2(0, 0), 1.0, 0);
}

static void test_nb(void **state)
{
    (void)state;
    /* sqrt(1/J + 1/4) / sqrt(1/J) for J = 20: sqrt(6) */
    assert_close(ntkb_stats_nb_factor(20, 1600, 400), sqrt(6.0), 1e-15);
    assert_close(ntkb_stats_nb_factor(20, 1453, 364), sqrt(1.0 + 20.0 * 364 / 1453), 1e-15);
    assert_true(isnan(ntkb_stats_nb_factor(0, 10, 2)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_ibeta), cmocka_unit_test(test_t),
                                       cmocka_unit_test(test_sign), cmocka_unit_test(test_nb)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
