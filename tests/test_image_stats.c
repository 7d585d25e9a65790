/* Tests of the image report's uncertainty (src/studies/image_stats): the Nadeau–Bengio factor
 * applied to resplit diff rows only, selected rows without error bars, and the paired tests'
 * table on made-up gains (t and sign test by hand). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "studies/image_stats.h"

static ntkb_report_row row(const char *group, const char *method, const char *proto, double mean,
                           double std, int n, const char *params)
{
    ntkb_report_row r;
    memset(&r, 0, sizeof r);
    snprintf(r.group, sizeof r.group, "%s", group);
    snprintf(r.method, sizeof r.method, "%s", method);
    snprintf(r.protocol, sizeof r.protocol, "%s", proto);
    snprintf(r.params, sizeof r.params, "%s", params);
    r.mean = mean;
    r.std = std;
    r.n = n;
    return r;
}

static void test_nb_correct(void **state)
{
    (void)state;
    const char *p = "cifar10 4,5; per resplit (80/20): 1600 train + 400 test, 20 splits, seed 1";
    ntkb_report_row r[4] = {row("a", "diff FJLT-V1", "resplits", 0.5, 0.1, 20, p),
                            row("a", "LANTK-FJLT-V1", "resplits", 80, 1.5, 20, p),
                            row("a", "diff FJLT-V1", "official", 0.5, 0.0, 1, "official split"),
                            row("b", "diff KR-V1", "resplits", 0.5, 0.1, 20, "no sizes")};
    assert_int_equal(ntkb_image_nb_correct(r, 4), 1);
    assert_close(r[0].std, 0.1 * sqrt(6.0), 1e-15);
    assert_close(r[1].std, 1.5, 0);
    assert_close(r[3].std, 0.1, 0);
    ntkb_report_row s[2] = {row("a", "diff best", "resplits", 0.5, 0.2, 20, p),
                            row("a", "LANTK-best", "official", 80, 0.0, 5, p)};
    ntkb_image_unbar_selected(s, 2);
    assert_int_equal(s[0].n, 1);
    assert_int_equal(s[1].n, 1);
}

static void test_pair_tests(void **state)
{
    (void)state;
    /* gains 1, 2, 3, -1 over four pairs: mean 1.25, sd 1.7078, SE 0.8539, t = 1.4639 */
    const char *groups[4] = {"p", "q", "r", "s"};
    const double g[4] = {1, 2, 3, -1};
    ntkb_report_row r[4];
    for (int i = 0; i < 4; i++)
        r[i] = row(groups[i], "diff KR-V2", "resplits", g[i], i == 2 ? 0.5 : 5.0, 20, "");
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    const char *protos[1] = {"resplits"};
    ntkb_image_pair_tests(f, r, 4, "made up", groups, 4, protos, 1);
    fclose(f);
    /* p = 2·t.sf(1.4639, 3) = 0.239; signs 3/1/0: sign p 0.625; only r (3 / 0.5, df 19) */
    assert_non_null(strstr(text, "| resplits | KR-V2 | +1.25 | 0.85 | 1.46 | 0.239 | 3 / 1 / 0 | 0.625 | 1 of 4 |"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_nb_correct),
                                       cmocka_unit_test(test_pair_tests)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
