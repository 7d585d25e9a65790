/* Tests of the train-size draws (src/studies/image_sizes.c): stratified counts, sorted distinct
 * indices inside the pool, reproducible for one (seed, tag, s) and different across draws; and
 * the inner cross-validation grid starting with the rule's λ (ties keep it). */
#include "testutil.h"

#include <string.h>

#include "studies/image_sizes.h"

static void test_draw(void **state)
{
    (void)state;
    enum { P = 30 };
    double y[P];
    for (int i = 0; i < P; i++)
        y[i] = i % 3 == 0 ? 1.0 : -1.0; /* 10 positives, 20 negatives */
    size_t a[P], b[P], c[P], scr[P], na, nb, nc;
    ntkb_image_draw(P, y, 12, 1, 12, 0, a, &na, scr);
    ntkb_image_draw(P, y, 12, 1, 12, 0, b, &nb, scr);
    ntkb_image_draw(P, y, 12, 1, 12, 1, c, &nc, scr);
    assert_int_equal(na, 12);
    assert_int_equal(nb, 12);
    assert_int_equal(nc, 12);
    assert_memory_equal(a, b, na * sizeof *a);
    assert_true(memcmp(a, c, na * sizeof *a) != 0);
    size_t pos = 0;
    for (size_t i = 0; i < na; i++) {
        assert_true(a[i] < P);
        if (i)
            assert_true(a[i] > a[i - 1]);
        pos += y[a[i]] > 0;
    }
    assert_int_equal(pos, 4); /* round(12 · 10/30) */
    ntkb_image_draw(P, y, P, 1, 30, 0, a, &na, scr); /* the whole pool */
    assert_int_equal(na, P);
    for (size_t i = 0; i < na; i++)
        assert_int_equal(a[i], i);
}

static void test_grid(void **state)
{
    (void)state;
    assert_true(ntkb_image_cv_grid[0] == 1.0);
    assert_true(ntkb_image_cv_grid[NTKB_IMG_CV_GRID - 1] == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_draw), cmocka_unit_test(test_grid)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
