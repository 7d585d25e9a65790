/* Tests of src/core: .npy round trips and NumPy interoperability, atomic writes, meta.json,
 * the line reader (plain, gzip, gzip cut short) and status codes. */
#include "testutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "core/atomic.h"
#include "core/fs.h"
#include "core/gram.h"
#include "core/lines.h"
#include "core/meta.h"
#include "core/npy.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    return ntkb_test_mkdtemp(tmpdir, sizeof tmpdir, "core");
}

static int teardown(void **state)
{
    (void)state;
    return ntkb_test_rmtree(tmpdir);
}

static void path_in_tmp(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", tmpdir, name);
}

static size_t count_dir_entries(void)
{
    DIR *d = opendir(tmpdir);
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_npy_header_alignment(void **state)
{
    (void)state;
    char buf[512];
    size_t shape[2] = {188, 188};
    size_t h = ntkb_npy_header(buf, sizeof buf, NTKB_NPY_F64, 2, shape);
    assert_int_equal(h, 128); /* an N×N Gram's data starts at byte 128 */
    assert_int_equal(buf[h - 1], '\n');
    assert_non_null(strstr(buf + 10, "'shape': (188, 188), }"));
    size_t one = 5;
    h = ntkb_npy_header(buf, sizeof buf, NTKB_NPY_I64, 1, &one);
    assert_int_equal(h % 64, 0);
    assert_non_null(strstr(buf + 10, "'descr': '<i8'"));
    assert_non_null(strstr(buf + 10, "'shape': (5,)"));
}

static void test_gram_roundtrip(void **state)
{
    (void)state;
    char path[300];
    path_in_tmp(path, sizeof path, "g.npy");
    ntkb_gram *g = ntkb_gram_alloc(7), *back = NULL;
    for (size_t i = 0; i < 7; i++)
        for (size_t j = i; j < 7; j++)
            ntkb_gram_set(g, i, j, 1.0 / (1.0 + (double)(i * 7 + j)) - 0.01);
    ntkb_gram_symmetrize_upper(g);
    assert_int_equal(ntkb_gram_save_npy(g, path), NTKB_OK);
    assert_int_equal(count_dir_entries(), 1); /* no temporary file left behind */
    assert_int_equal(ntkb_gram_load_npy(path, &back), NTKB_OK);
    assert_int_equal(back->n, 7);
    assert_memory_equal(back->data, g->data, 49 * sizeof(double));
    assert_true(ntkb_gram_get(back, 3, 1) == ntkb_gram_get(back, 1, 3));
    ntkb_gram_free(g);
    ntkb_gram_free(back);
    ntkb_gram_free(NULL);
}

static void test_labels_roundtrip(void **state)
{
    (void)state;
    char path[300];
    path_in_tmp(path, sizeof path, "labels.npy");
    int64_t labels[5] = {0, 1, 1, -3, 1LL << 40}, *back;
    size_t n;
    assert_int_equal(ntkb_labels_save_npy(path, labels, 5), NTKB_OK);
    assert_int_equal(ntkb_labels_load_npy(path, &back, &n), NTKB_OK);
    assert_int_equal(n, 5);
    assert_memory_equal(back, labels, sizeof labels);
    free(back);
    ntkb_gram *g;
    assert_int_equal(ntkb_gram_load_npy(path, &g), NTKB_EFORMAT); /* wrong dtype */
    assert_non_null(strstr(ntkb_last_error(), "dtype"));
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    fclose(fp);
}

static void test_npy_bad_input(void **state)
{
    (void)state;
    char path[300];
    ntkb_gram *g;
    path_in_tmp(path, sizeof path, "bad.npy");
    write_bytes(path, "not numpy at all", 16);
    assert_int_equal(ntkb_gram_load_npy(path, &g), NTKB_EFORMAT);
    assert_non_null(strstr(ntkb_last_error(), "magic"));

    ntkb_gram *ok = ntkb_gram_alloc(4);
    assert_int_equal(ntkb_gram_save_npy(ok, path), NTKB_OK);
    ntkb_gram_free(ok);
    assert_int_equal(truncate(path, 128 + 8 * 10), 0);
    assert_int_equal(ntkb_gram_load_npy(path, &g), NTKB_EFORMAT);
    assert_non_null(strstr(ntkb_last_error(), "truncated"));

    path_in_tmp(path, sizeof path, "missing.npy");
    assert_int_equal(ntkb_gram_load_npy(path, &g), NTKB_ENOTFOUND);
    assert_null(g);
}

/* NumPy must read what we write, and we must read what NumPy writes. */
static void test_numpy_interop(void **state)
{
    (void)state;
    if (access("/usr/bin/python3", X_OK) != 0 ||
        system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") != 0)
        skip();
    char ours[300], theirs[300], cmd[1200];
    path_in_tmp(ours, sizeof ours, "ours.npy");
    path_in_tmp(theirs, sizeof theirs, "theirs.npy");
    ntkb_gram *g = ntkb_gram_alloc(3);
    for (size_t k = 0; k < 9; k++)
        g->data[k] = (double)k / 3.0;
    assert_int_equal(ntkb_gram_save_npy(g, ours), NTKB_OK);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import numpy as np; a=np.load('%s'); "
             "assert a.shape==(3,3) and a.dtype==np.float64; "
             "assert (a==np.arange(9).reshape(3,3)/3.0).all(); "
             "np.save('%s', np.arange(12, dtype=np.float64).reshape(3,4)*0.5)\"",
             ours, theirs);
    assert_int_equal(system(cmd), 0);
    size_t ndim, shape[NTKB_NPY_MAX_DIM];
    double *data;
    assert_int_equal(ntkb_npy_read(theirs, NTKB_NPY_F64, &ndim, shape, (void **)&data), NTKB_OK);
    assert_int_equal(ndim, 2);
    assert_int_equal(shape[0], 3);
    assert_int_equal(shape[1], 4);
    assert_true(data[11] == 5.5);
    free(data);
    ntkb_gram_free(g);
}

static void test_atomic_abort(void **state)
{
    (void)state;
    char path[300];
    path_in_tmp(path, sizeof path, "never.txt");
    size_t before = count_dir_entries();
    ntkb_atomic_file f;
    assert_int_equal(ntkb_atomic_open(&f, path), NTKB_OK);
    fputs("partial", f.fp);
    assert_int_equal(count_dir_entries(), before + 1);
    ntkb_atomic_abort(&f);
    assert_int_equal(count_dir_entries(), before);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(ntkb_atomic_open(&f, "/nonexistent-dir/x"), NTKB_EIO);
}

static void test_meta_json(void **state)
{
    (void)state;
    ntkb_meta *m = ntkb_meta_alloc();
    assert_int_equal(ntkb_meta_add_string(m, "dataset", "MU\"TAG"), NTKB_OK);
    assert_int_equal(ntkb_meta_add_int(m, "blocks", 3), NTKB_OK);
    assert_int_equal(ntkb_meta_add_double(m, "lambda", 0.25), NTKB_OK);
    char *json = ntkb_meta_json(m);
    assert_string_equal(json, "{\n  \"dataset\": \"MU\\\"TAG\",\n  \"blocks\": 3,\n  \"lambda\": 0.25\n}\n");
    free(json);
    char path[300];
    path_in_tmp(path, sizeof path, "meta.json");
    assert_int_equal(ntkb_meta_write(m, path), NTKB_OK);
    ntkb_meta_free(m);
    ntkb_meta_free(NULL);
}

/* Writes text gzipped; cut > 0 keeps only the first 1/cut of the compressed file. */
static void write_gz(const char *path, const char *text, size_t cut)
{
    gzFile gz = gzopen(path, "wb");
    gzwrite(gz, text, (unsigned)strlen(text));
    gzclose(gz);
    if (cut) {
        FILE *fp = fopen(path, "rb");
        fseek(fp, 0, SEEK_END);
        long n = ftell(fp);
        fclose(fp);
        assert_int_equal(truncate(path, n / (long)cut), 0);
    }
}

static void test_lines_plain_and_gzip(void **state)
{
    (void)state;
    char path[300], *line, *p;
    int64_t v;
    double x;
    ntkb_lines *lr;
    path_in_tmp(path, sizeof path, "a.txt.gz");
    write_gz(path, "3 -4\r\n1.5e2, 7\n", 0);
    assert_int_equal(ntkb_lines_open(path, &lr), NTKB_OK);
    assert_int_equal(ntkb_lines_next(lr, &line), NTKB_OK);
    p = line;
    assert_int_equal(ntkb_lines_int(lr, &p, &v, "x"), NTKB_OK);
    assert_int_equal(v, 3);
    assert_int_equal(ntkb_lines_int(lr, &p, &v, "x"), NTKB_OK);
    assert_int_equal(v, -4);
    assert_int_equal(ntkb_lines_end(lr, &p), NTKB_OK);
    assert_int_equal(ntkb_lines_next(lr, &line), NTKB_OK);
    p = line;
    assert_int_equal(ntkb_lines_int(lr, &p, &v, "an integer"), NTKB_EFORMAT);
    assert_non_null(strstr(ntkb_last_error(), "a.txt.gz:2: expected an integer, got '1.5e2'"));
    assert_int_equal(ntkb_lines_real(lr, &p, &x, "a real"), NTKB_OK);
    assert_true(x == 150.0);
    assert_int_equal(ntkb_lines_int(lr, &p, &v, "x"), NTKB_OK); /* comma separator */
    assert_int_equal(v, 7);
    assert_int_equal(ntkb_lines_next(lr, &line), NTKB_OK);
    assert_null(line);
    assert_int_equal(ntkb_lines_expect(lr, &line, "more"), NTKB_EFORMAT);
    ntkb_lines_close(lr);
}

static void test_lines_gzip_cut_short(void **state)
{
    (void)state;
    char path[300], *line, text[20000];
    ntkb_lines *lr;
    for (size_t k = 0; k < sizeof text - 1; k++)
        text[k] = k % 50 == 49 ? '\n' : (char)('0' + k * 7 % 10);
    text[sizeof text - 1] = '\0';
    path_in_tmp(path, sizeof path, "cut.txt.gz");
    write_gz(path, text, 2); /* keep the first half of the compressed bytes */
    assert_int_equal(ntkb_lines_open(path, &lr), NTKB_OK);
    ntkb_status st;
    while ((st = ntkb_lines_next(lr, &line)) == NTKB_OK && line)
        ;
    assert_int_equal(st, NTKB_EFORMAT);
    assert_non_null(strstr(ntkb_last_error(), "cut short"));
    ntkb_lines_close(lr);
    path_in_tmp(path, sizeof path, "absent.txt");
    assert_int_equal(ntkb_lines_open(path, &lr), NTKB_ENOTFOUND);
    assert_non_null(strstr(ntkb_last_error(), "absent.txt"));
}

/* A directory lock excludes a second holder (even in the same process: flock locks belong to
 * open files) until it is released; the refusal is exit code 2 and names the directory. */
static void test_fs_lock(void **state)
{
    (void)state;
    ntkb_fs_lock a = {-1}, b = {-1};
    assert_int_equal(ntkb_fs_lock_take(&a, tmpdir, "output directory"), NTKB_OK);
    assert_int_equal(ntkb_fs_lock_take(&b, tmpdir, "output directory"), NTKB_EBUSY);
    assert_non_null(strstr(ntkb_last_error(), tmpdir));
    assert_non_null(strstr(ntkb_last_error(), "output directory in use by another run"));
    assert_int_equal(ntkb_status_exit_code(NTKB_EBUSY), 2);
    assert_int_equal(b.fd, -1);
    ntkb_fs_unlock(&a);
    ntkb_fs_unlock(&a); /* a lock not held: no-op */
    assert_int_equal(ntkb_fs_lock_wait(&b, tmpdir), NTKB_OK);
    assert_int_equal(ntkb_fs_lock_take(&a, tmpdir, "results directory"), NTKB_EBUSY);
    ntkb_fs_unlock(&b);
    assert_int_equal(ntkb_fs_lock_take(&a, "/nonexistent/dir", "x"), NTKB_EIO);
}

static void test_status(void **state)
{
    (void)state;
    assert_int_equal(ntkb_status_exit_code(NTKB_OK), 0);
    assert_int_equal(ntkb_status_exit_code(NTKB_EFORMAT), 2);
    assert_int_equal(ntkb_status_exit_code(NTKB_EIO), 3);
    assert_int_equal(ntkb_error(NTKB_EIO, "x %d", 5), NTKB_EIO);
    assert_string_equal(ntkb_last_error(), "x 5");
    assert_string_equal(ntkb_status_name(NTKB_EFORMAT), "bad input data");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_npy_header_alignment), cmocka_unit_test(test_gram_roundtrip),
        cmocka_unit_test(test_labels_roundtrip),     cmocka_unit_test(test_npy_bad_input),
        cmocka_unit_test(test_numpy_interop),        cmocka_unit_test(test_atomic_abort),
        cmocka_unit_test(test_meta_json),            cmocka_unit_test(test_lines_plain_and_gzip),
        cmocka_unit_test(test_lines_gzip_cut_short), cmocka_unit_test(test_status),
        cmocka_unit_test(test_fs_lock),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
