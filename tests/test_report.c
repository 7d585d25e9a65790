/* Tests of src/eval/report: CSV append/read round trip with quoting, latest-row-wins tables,
 * plot data, and a malformed file. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval/report.h"

static char dir[256], csv[300];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ntkb_test_report.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(csv, sizeof csv, "%s/r.csv", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static ntkb_report_row make_row(const char *group, const char *method, double mean)
{
    ntkb_report_row r;
    memset(&r, 0, sizeof r);
    snprintf(r.group, sizeof r.group, "%s", group);
    snprintf(r.method, sizeof r.method, "%s", method);
    snprintf(r.protocol, sizeof r.protocol, "paper");
    r.mean = mean;
    r.std = 1.5;
    r.n = 10;
    snprintf(r.params, sizeof r.params, "L=3, R=2, \"jk\"");
    snprintf(r.command, sizeof r.command, "bench_gntk --dataset %s", group);
    return r;
}

static void test_append_read(void **state)
{
    (void)state;
    ntkb_report_row a = make_row("MUTAG", "GNTK", 90.0), b = make_row("PTC", "GNTK", 67.0),
                    c = make_row("MUTAG", "GNTK", 89.5), *rows;
    size_t n;
    assert_int_equal(ntkb_report_read(csv, &rows, &n), NTKB_OK); /* absent = empty */
    assert_int_equal(n, 0);
    assert_int_equal(ntkb_report_append(csv, &a), NTKB_OK);
    assert_int_equal(ntkb_report_append(csv, &b), NTKB_OK);
    assert_int_equal(ntkb_report_append(csv, &c), NTKB_OK);
    assert_int_equal(ntkb_report_read(csv, &rows, &n), NTKB_OK);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].params, "L=3, R=2, \"jk\"");
    assert_string_equal(rows[1].group, "PTC");
    assert_true(rows[2].mean == 89.5);
    assert_true(strlen(rows[0].timestamp) == 20);
    ntkb_report_key key = {"GNTK (paper)", "GNTK", "paper"};
    const ntkb_report_row *r = ntkb_report_find(rows, n, "MUTAG", &key);
    assert_true(r == &rows[2]); /* the latest row wins */

    char md[300];
    snprintf(md, sizeof md, "%s/t.md", dir);
    FILE *fp = fopen(md, "w+");
    const char *groups[] = {"MUTAG", "PTC", "NCI1"};
    ntkb_report_table(fp, rows, n, groups, 3, &key, 1, 0);
    ntkb_report_details(fp, rows, n, groups, 3, &key, 1);
    ntkb_report_key pkey = {"GNTK", "GNTK", "paper"};
    ntkb_report_table(fp, rows, n, groups, 3, &pkey, 1, 1);
    ntkb_report_plot_data(fp, rows, n, groups, 3, &key, 1);
    rewind(fp);
    char text[4096];
    size_t len = fread(text, 1, sizeof text - 1, fp);
    text[len] = '\0';
    fclose(fp);
    assert_non_null(strstr(text, "| GNTK (paper) | 89.50 ± 1.50 | 67.00 ± 1.50 | — |"));
    assert_non_null(strstr(text, "`bench_gntk --dataset PTC`"));
    assert_non_null(strstr(text, "| method | protocol | MUTAG | PTC | NCI1 |\n|---|---|---:|---:|---:|"));
    assert_non_null(strstr(text, "| GNTK | paper | 89.50 ± 1.50 |"));
    assert_non_null(strstr(text, "\"NCI1\" NaN NaN"));
    free(rows);
}

static void test_malformed(void **state)
{
    (void)state;
    char bad[300];
    snprintf(bad, sizeof bad, "%s/bad.csv", dir);
    FILE *fp = fopen(bad, "w");
    fputs("group,method\n", fp);
    fclose(fp);
    ntkb_report_row *rows;
    size_t n;
    assert_int_equal(ntkb_report_read(bad, &rows, &n), NTKB_EFORMAT);
    assert_non_null(strstr(ntkb_last_error(), "bad.csv:1: expected the header line"));
    ntkb_report_row a = make_row("X", "Y", 1.0);
    assert_int_equal(ntkb_report_append(bad, &a), NTKB_EFORMAT); /* never clobbers */
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_append_read),
                                       cmocka_unit_test(test_malformed)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
