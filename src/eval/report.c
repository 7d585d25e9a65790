#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/atomic.h"
#include "core/fs.h"
#include "core/lines.h"

static const char HEADER[] =
    "group,method,protocol,mean,std,n,params,kernel_seconds,eval_seconds,command,timestamp";

/* Writes a CSV field, quoted when it holds a comma, quote or newline. */
static void put_field(FILE *fp, const char *s, int last)
{
    if (strpbrk(s, ",\"\n")) {
        fputc('"', fp);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', fp);
            fputc(*s == '\n' ? ' ' : *s, fp);
        }
        fputc('"', fp);
    } else {
        fputs(s, fp);
    }
    fputc(last ? '\n' : ',', fp);
}

static void put_row(FILE *fp, const ntkb_report_row *r)
{
    char num[5][32];
    snprintf(num[0], sizeof num[0], "%.4f", r->mean);
    snprintf(num[1], sizeof num[1], "%.4f", r->std);
    snprintf(num[2], sizeof num[2], "%d", r->n);
    snprintf(num[3], sizeof num[3], "%.3f", r->kernel_s);
    snprintf(num[4], sizeof num[4], "%.3f", r->eval_s);
    put_field(fp, r->group, 0);
    put_field(fp, r->method, 0);
    put_field(fp, r->protocol, 0);
    for (int k = 0; k < 3; k++)
        put_field(fp, num[k], 0);
    put_field(fp, r->params, 0);
    put_field(fp, num[3], 0);
    put_field(fp, num[4], 0);
    put_field(fp, r->command, 0);
    put_field(fp, r->timestamp, 1);
}

/* Splits one CSV line into at most `max` fields in place (RFC 4180 quoting, one line). */
static size_t split_fields(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *r = line, *w = line;
    while (n < max) {
        fields[n++] = w;
        if (*r == '"') {
            for (r++; *r && !(*r == '"' && r[1] != '"'); r++)
                *w++ = *r == '"' ? *++r : *r;
            if (*r == '"')
                r++;
        } else {
            while (*r && *r != ',')
                *w++ = *r++;
        }
        if (*r != ',') {
            *w = '\0';
            break;
        }
        *w++ = '\0';
        r++;
    }
    return n;
}

static ntkb_status parse_row(ntkb_lines *lr, char *line, ntkb_report_row *r)
{
    char *f[11], *end;
    if (split_fields(line, f, 11) != 11)
        return ntkb_error(NTKB_EFORMAT, "%s:%zu: expected 11 comma-separated fields (%s)",
                          ntkb_lines_name(lr), ntkb_lines_lineno(lr), HEADER);
    memset(r, 0, sizeof *r);
    snprintf(r->group, sizeof r->group, "%s", f[0]);
    snprintf(r->method, sizeof r->method, "%s", f[1]);
    snprintf(r->protocol, sizeof r->protocol, "%s", f[2]);
    r->mean = strtod(f[3], &end);
    int bad = *end != '\0';
    r->std = strtod(f[4], &end);
    bad |= *end != '\0';
    r->n = (int)strtol(f[5], &end, 10);
    bad |= *end != '\0';
    snprintf(r->params, sizeof r->params, "%s", f[6]);
    r->kernel_s = strtod(f[7], &end);
    bad |= *end != '\0';
    r->eval_s = strtod(f[8], &end);
    bad |= *end != '\0';
    snprintf(r->command, sizeof r->command, "%s", f[9]);
    snprintf(r->timestamp, sizeof r->timestamp, "%s", f[10]);
    if (bad)
        return ntkb_error(NTKB_EFORMAT, "%s:%zu: expected numbers in mean, std, n and seconds",
                          ntkb_lines_name(lr), ntkb_lines_lineno(lr));
    return NTKB_OK;
}

ntkb_status ntkb_report_read(const char *csv, ntkb_report_row **rows, size_t *n_rows)
{
    ntkb_lines *lr;
    char *line;
    size_t cap = 0;
    *rows = NULL;
    *n_rows = 0;
    ntkb_status st = ntkb_lines_open(csv, &lr);
    if (st == NTKB_ENOTFOUND)
        return NTKB_OK;
    if (st != NTKB_OK)
        return st;
    if ((st = ntkb_lines_next(lr, &line)) == NTKB_OK && line && strcmp(line, HEADER) != 0)
        st = ntkb_error(NTKB_EFORMAT, "%s:1: expected the header line '%s'", csv, HEADER);
    while (st == NTKB_OK && (st = ntkb_lines_next(lr, &line)) == NTKB_OK && line) {
        if (!*line)
            continue;
        if (*n_rows == cap) {
            cap = cap ? 2 * cap : 64;
            ntkb_report_row *nr = realloc(*rows, cap * sizeof **rows);
            if (!nr) {
                st = ntkb_error(NTKB_ENOMEM, "%s: out of memory", csv);
                break;
            }
            *rows = nr;
        }
        if ((st = parse_row(lr, line, &(*rows)[*n_rows])) == NTKB_OK)
            (*n_rows)++;
    }
    ntkb_lines_close(lr);
    if (st != NTKB_OK) {
        free(*rows);
        *rows = NULL;
        *n_rows = 0;
    }
    return st;
}

/* The directory holding `path` ("." for a bare name), for its lock. */
static void parent_dir(const char *path, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s", path);
    char *s = strrchr(buf, '/');
    if (!s)
        snprintf(buf, cap, ".");
    else if (s == buf)
        s[1] = '\0';
    else
        *s = '\0';
}

ntkb_status ntkb_report_append(const char *csv, const ntkb_report_row *row)
{
    ntkb_report_row *rows = NULL, now = *row;
    size_t n;
    char dir[4200];
    ntkb_fs_lock lock = {-1};
    /* Read, add, rename under the directory's lock: two runs appending at once keep both rows. */
    parent_dir(csv, dir, sizeof dir);
    ntkb_status st = ntkb_fs_lock_wait(&lock, dir);
    if (st == NTKB_OK)
        st = ntkb_report_read(csv, &rows, &n);
    if (st != NTKB_OK) {
        ntkb_fs_unlock(&lock);
        return st;
    }
    if (!now.timestamp[0]) {
        time_t t = time(NULL);
        strftime(now.timestamp, sizeof now.timestamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    }
    ntkb_atomic_file f;
    if ((st = ntkb_atomic_open(&f, csv)) == NTKB_OK) {
        fprintf(f.fp, "%s\n", HEADER);
        for (size_t k = 0; k < n; k++)
            put_row(f.fp, &rows[k]);
        put_row(f.fp, &now);
        st = ntkb_atomic_commit(&f);
    }
    ntkb_fs_unlock(&lock);
    free(rows);
    return st;
}

ntkb_status ntkb_report_ready(const char *dir, const char *const *names, size_t n_names)
{
    char path[4200];
    ntkb_status st = ntkb_fs_mkdir(dir);
    if (st == NTKB_OK)
        st = ntkb_fs_check_writable(dir, "the results directory");
    for (size_t k = 0; st == NTKB_OK && k < n_names; k++) {
        ntkb_report_row *rows;
        size_t n;
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        if ((st = ntkb_report_read(path, &rows, &n)) == NTKB_OK)
            free(rows);
    }
    return st;
}

const ntkb_report_row *ntkb_report_find(const ntkb_report_row *rows, size_t n, const char *group,
                                        const ntkb_report_key *key)
{
    for (size_t k = n; k-- > 0;)
        if (strcmp(rows[k].group, group) == 0 && strcmp(rows[k].method, key->method) == 0 &&
            strcmp(rows[k].protocol, key->protocol) == 0)
            return &rows[k];
    return NULL;
}

/* One table cell: "mean ± std", or the mean alone for a single split; paired differences
 * ("diff …" methods) signed. */
static void cell(FILE *out, const ntkb_report_row *r)
{
    int diff = strncmp(r->method, "diff", 4) == 0;
    if (r->n > 1)
        fprintf(out, diff ? " %+.2f ± %.2f |" : " %.2f ± %.2f |", r->mean, r->std);
    else
        fprintf(out, diff ? " %+.2f |" : " %.2f |", r->mean);
}

void ntkb_report_table(FILE *out, const ntkb_report_row *rows, size_t n,
                       const char *const *groups, size_t n_groups, const ntkb_report_key *keys,
                       size_t n_keys, int protocol_column)
{
    fprintf(out, protocol_column ? "| method | protocol |" : "| method |");
    for (size_t g = 0; g < n_groups; g++)
        fprintf(out, " %s |", groups[g]);
    fprintf(out, protocol_column ? "\n|---|---|" : "\n|---|");
    for (size_t g = 0; g < n_groups; g++)
        fprintf(out, "---:|");
    fputc('\n', out);
    for (size_t k = 0; k < n_keys; k++) {
        int any = 0;
        for (size_t g = 0; g < n_groups; g++)
            any |= ntkb_report_find(rows, n, groups[g], &keys[k]) != NULL;
        if (!any)
            continue;
        fprintf(out, "| %s |", keys[k].label);
        if (protocol_column)
            fprintf(out, " %s |", keys[k].protocol);
        for (size_t g = 0; g < n_groups; g++) {
            const ntkb_report_row *r = ntkb_report_find(rows, n, groups[g], &keys[k]);
            if (r)
                cell(out, r);
            else
                fprintf(out, " — |");
        }
        fputc('\n', out);
    }
    fputc('\n', out);
}

void ntkb_report_details(FILE *out, const ntkb_report_row *rows, size_t n,
                         const char *const *groups, size_t n_groups, const ntkb_report_key *keys,
                         size_t n_keys)
{
    fprintf(out, "| dataset | method | accuracy | n | winning setting | kernel s | eval s | command |\n"
                 "|---|---|---|---|---|---|---|---|\n");
    for (size_t g = 0; g < n_groups; g++)
        for (size_t k = 0; k < n_keys; k++) {
            const ntkb_report_row *r = ntkb_report_find(rows, n, groups[g], &keys[k]);
            if (r && r->command[0])
                fprintf(out, "| %s | %s | %.2f ± %.2f | %d | %s | %.1f | %.1f | `%s` |\n", groups[g],
                        keys[k].label, r->mean, r->std, r->n, r->params, r->kernel_s, r->eval_s,
                        r->command);
        }
}

void ntkb_report_plot_data_labelled(FILE *out, const ntkb_report_row *rows, size_t n,
                                    const char *const *groups, const char *const *labels,
                                    size_t n_groups, const ntkb_report_key *keys, size_t n_keys)
{
    for (size_t g = 0; g < n_groups; g++) {
        fprintf(out, "\"%s\"", labels ? labels[g] : groups[g]);
        for (size_t k = 0; k < n_keys; k++) {
            const ntkb_report_row *r = ntkb_report_find(rows, n, groups[g], &keys[k]);
            if (r)
                fprintf(out, " %.4f %.4f", r->mean, r->std);
            else
                fprintf(out, " NaN NaN");
        }
        fputc('\n', out);
    }
}

void ntkb_report_plot_data(FILE *out, const ntkb_report_row *rows, size_t n,
                           const char *const *groups, size_t n_groups, const ntkb_report_key *keys,
                           size_t n_keys)
{
    ntkb_report_plot_data_labelled(out, rows, n, groups, NULL, n_groups, keys, n_keys);
}

ntkb_status ntkb_report_read_pair(const char *published_csv, const char *ours_csv,
                                  ntkb_report_row **rows, size_t *n_rows)
{
    ntkb_report_row *ours = NULL, *pub = NULL, *all = NULL;
    size_t n_ours = 0, n_pub = 0;
    ntkb_status st = ntkb_report_read(ours_csv, &ours, &n_ours);
    if (st == NTKB_OK)
        st = ntkb_report_read(published_csv, &pub, &n_pub);
    if (st == NTKB_OK && !(all = malloc((n_ours + n_pub + 1) * sizeof *all)))
        st = ntkb_error(NTKB_ENOMEM, "out of memory for %zu result rows", n_ours + n_pub);
    if (st == NTKB_OK) {
        if (n_pub) /* memcpy must not see NULL, even for 0 bytes */
            memcpy(all, pub, n_pub * sizeof *all);
        if (n_ours)
            memcpy(all + n_pub, ours, n_ours * sizeof *all);
        *rows = all;
        *n_rows = n_ours + n_pub;
    }
    free(ours);
    free(pub);
    return st;
}
