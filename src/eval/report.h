/* ntkbench eval: result rows (the results CSV files) and the tables and plot data made from them.
 *
 * A row is one evaluated (group, method, protocol): a dataset or class pair, a kernel, and the
 * protocol that turned its Gram into an accuracy.  Rows are appended to a CSV file (rewritten
 * atomically); the Markdown tables show, for each key, the latest row of the file, so re-running
 * an experiment replaces its cell while the CSV keeps the history.
 */
#ifndef NTKB_EVAL_REPORT_H
#define NTKB_EVAL_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    char group[64];      /* dataset ("MUTAG") or class pair ("cat-dog") */
    char method[64];     /* "GNTK", "WL", "CNTK", "GNTK (published)" ... */
    char protocol[32];   /* "paper", "nested", "official split", "resplits" ... */
    double mean, std;    /* accuracy in percent; std as the protocol defines it */
    int n;               /* folds or splits behind mean and std */
    char params[256];    /* the winning hyper-parameters, or the fixed ones */
    double kernel_s;     /* seconds spent computing kernels (0 if reused) */
    double eval_s;       /* seconds spent evaluating */
    char command[512];   /* the command that produced the row */
    char timestamp[32];  /* UTC, ISO 8601; filled by ntkb_report_append when empty */
} ntkb_report_row;

/* Appends `row` to `csv` (created with a header when absent), atomically, under the lock of its
 * directory (ntkb_fs_lock_wait), so that concurrent runs appending to one file lose no row.
 * Returns NTKB_OK, NTKB_EIO, NTKB_EFORMAT (existing file malformed) or NTKB_ENOMEM.
 * Time complexity: O(size of the file). */
ntkb_status ntkb_report_append(const char *csv, const ntkb_report_row *row);

/* Reads every row of `csv`; *rows is malloc'ed, owned by the caller.  A missing file gives zero
 * rows.  Returns NTKB_OK, NTKB_EIO, NTKB_EFORMAT (file:line and what was expected) or NTKB_ENOMEM.
 * Time complexity: O(size of the file). */
ntkb_status ntkb_report_read(const char *csv, ntkb_report_row **rows, size_t *n_rows);

/* Before a long run: `dir` exists (created if missing) and is writable, and each results CSV
 * dir/names[k] that exists parses, so a bad --results is reported before the computing.
 * Returns NTKB_OK, NTKB_EIO or the codes of ntkb_report_read.  Time: O(size of the files). */
ntkb_status ntkb_report_ready(const char *dir, const char *const *names, size_t n_names);

/* Reads the published rows, then ours after them (ntkb_report_find takes the latest row, so ours
 * are never shadowed by a published row with the same key).  Either file may be absent.
 * *rows is malloc'ed, owned by the caller.  Returns as ntkb_report_read.
 * Time complexity: O(size of both files). */
ntkb_status ntkb_report_read_pair(const char *published_csv, const char *ours_csv,
                                  ntkb_report_row **rows, size_t *n_rows);

/* A row of a table: rows whose method and protocol match are shown under `label`. */
typedef struct {
    const char *label, *method, *protocol;
} ntkb_report_key;

/* The latest row for (group, key) among rows[0..n-1], or NULL.  Time: O(n). */
const ntkb_report_row *ntkb_report_find(const ntkb_report_row *rows, size_t n, const char *group,
                                        const ntkb_report_key *key);

/* Writes a Markdown table: one line per key that has a row in some group, one column per
 * group; the first column is the key's label (and, with protocol_column, a second one its
 * protocol).  Cells are "mean ± std" (the mean alone when n ≤ 1; "diff …" methods signed) or
 * "—".  Time complexity: O(n_keys · n_groups · n). */
void ntkb_report_table(FILE *out, const ntkb_report_row *rows, size_t n,
                       const char *const *groups, size_t n_groups, const ntkb_report_key *keys,
                       size_t n_keys, int protocol_column);

/* Writes the details table: for every (group, key) with a row of ours (a command), the
 * accuracy, winning setting, seconds and command.  Time complexity: O(n_keys · n_groups · n). */
void ntkb_report_details(FILE *out, const ntkb_report_row *rows, size_t n,
                         const char *const *groups, size_t n_groups, const ntkb_report_key *keys,
                         size_t n_keys);

/* Writes gnuplot data: one line per group, "group mean_1 std_1 … mean_k std_k" ("NaN" where no
 * row exists).  Time complexity: O(n_keys · n_groups · n). */
void ntkb_report_plot_data(FILE *out, const ntkb_report_row *rows, size_t n,
                           const char *const *groups, size_t n_groups, const ntkb_report_key *keys,
                           size_t n_keys);

/* The same with the first column's text from labels[g] instead of the group name (labels NULL:
 * the group names).  Time complexity: O(n_keys · n_groups · n). */
void ntkb_report_plot_data_labelled(FILE *out, const ntkb_report_row *rows, size_t n,
                                    const char *const *groups, const char *const *labels,
                                    size_t n_groups, const ntkb_report_key *keys, size_t n_keys);

#ifdef __cplusplus
}
#endif

#endif
