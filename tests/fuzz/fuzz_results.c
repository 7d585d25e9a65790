/* libFuzzer harness: the results CSV reader, and the tables made from what it read. */
#include "fuzz_util.h"

#include "eval/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(0, "results.csv", data, size);
    ntkb_report_row *rows = NULL;
    size_t n = 0;
    if (ntkb_report_read(path, &rows, &n) == NTKB_OK && n > 0) {
        FUZZ_CHECK(rows != NULL);
        const char *groups[2] = {rows[0].group, rows[n - 1].group};
        ntkb_report_key keys[2] = {{"a", rows[0].method, rows[0].protocol},
                                   {"b", rows[n - 1].method, rows[n - 1].protocol}};
        FILE *out = fopen("/dev/null", "w");
        FUZZ_CHECK(out != NULL);
        ntkb_report_table(out, rows, n, groups, 2, keys, 2, 1);
        ntkb_report_details(out, rows, n, groups, 2, keys, 2);
        ntkb_report_plot_data(out, rows, n, groups, 2, keys, 2);
        fclose(out);
        FUZZ_CHECK(ntkb_report_find(rows, n, groups[1], &keys[1]) != NULL);
    }
    free(rows);
    return 0;
}
