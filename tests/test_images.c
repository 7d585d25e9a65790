/* Tests of src/lantk/images: CIFAR-10 binary and IDX readers on small generated files (good
 * files, wrong size / truncated record, wrong magic, bad label, missing file), batch-name
 * resolution (official and mirror names), real Fashion-MNIST when Debian's package is present,
 * pair selection, the two preprocessing schemes, the first-N readers and area downsampling. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "lantk/images.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    return ntkb_test_mkdtemp(tmpdir, sizeof tmpdir, "images");
}

static int teardown(void **state)
{
    (void)state;
    return ntkb_test_rmtree(tmpdir);
}

static const char *tpath(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

/* n CIFAR records: label (first + i) % 10, pixel p of record i = (i + p) % 256; then `extra`
 * bytes of garbage (a truncated record). */
static void write_cifar(const char *path, size_t n, int first, size_t extra)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    for (size_t i = 0; i < n; i++) {
        fputc((first + (int)i) % 10, fp);
        for (size_t p = 0; p < 3072; p++)
            fputc((int)((i + p) % 256), fp);
    }
    for (size_t e = 0; e < extra; e++)
        fputc(7, fp);
    fclose(fp);
}

static void expect_error(ntkb_status got, ntkb_status want, const char *text)
{
    if (got != want || !strstr(ntkb_last_error(), text))
        fail_msg("status %d (want %d), message '%s' (want '%s')", got, want, ntkb_last_error(),
                 text);
}

static void test_cifar_file(void **state)
{
    (void)state;
    write_cifar(tpath("good.bin"), 3, 4, 0);
    ntkb_images *im;
    assert_int_equal(ntkb_images_read_cifar10_file(tpath("good.bin"), &im), NTKB_OK);
    assert_int_equal(im->n, 3);
    assert_int_equal(im->channels, 3);
    assert_int_equal(im->height, 32);
    assert_int_equal(im->labels[2], 6);
    assert_true(im->pixels[2 * 3072 + 1024] == (double)((2 + 1024) % 256)); /* G plane */
    ntkb_images_free(im);

    write_cifar(tpath("trunc.bin"), 2, 0, 100);
    expect_error(ntkb_images_read_cifar10_file(tpath("trunc.bin"), &im), NTKB_EFORMAT,
                 "truncated record");
    assert_null(im);
    expect_error(ntkb_images_read_cifar10_file(tpath("trunc.bin"), &im), NTKB_EFORMAT,
                 "100 bytes of record 2");
    write_cifar(tpath("empty.bin"), 0, 0, 0);
    expect_error(ntkb_images_read_cifar10_file(tpath("empty.bin"), &im), NTKB_EFORMAT, "empty");
    write_cifar(tpath("label.bin"), 3, 8, 0);
    FILE *fp = fopen(tpath("label.bin"), "r+b");
    fseek(fp, 3073, SEEK_SET);
    fputc(12, fp);
    fclose(fp);
    expect_error(ntkb_images_read_cifar10_file(tpath("label.bin"), &im), NTKB_EFORMAT,
                 "record 1 (byte 3073): label 12");
    expect_error(ntkb_images_read_cifar10_file(tpath("missing.bin"), &im), NTKB_ENOTFOUND,
                 "missing.bin");
}

static void test_cifar_dir(void **state)
{
    (void)state;
    char d[512];
    snprintf(d, sizeof d, "%s/c10", tmpdir);
    assert_int_equal(mkdir(d, 0700), 0);
    char p[600];
    /* batch 1 under its mirror name, the others official */
    snprintf(p, sizeof p, "%s/data_batch_1.first4.bin", d);
    write_cifar(p, 4, 0, 0);
    for (int b = 2; b <= 5; b++) {
        snprintf(p, sizeof p, "%s/data_batch_%d.bin", d, b);
        write_cifar(p, (size_t)b, b, 0);
    }
    snprintf(p, sizeof p, "%s/test_batch.first2.bin", d);
    write_cifar(p, 2, 3, 0);
    ntkb_images *im;
    size_t counts[5];
    assert_int_equal(ntkb_images_load_cifar10(d, 1, &im, counts), NTKB_OK);
    assert_int_equal(im->n, 4 + 2 + 3 + 4 + 5);
    assert_int_equal(counts[0], 4);
    assert_int_equal(counts[4], 5);
    assert_int_equal(im->labels[4], 2); /* first record of batch 2 */
    ntkb_images_free(im);
    assert_int_equal(ntkb_images_load_cifar10(d, 0, &im, counts), NTKB_OK);
    assert_int_equal(im->n, 2);
    assert_int_equal(im->labels[0], 3);
    ntkb_images_free(im);
    snprintf(p, sizeof p, "%s/data_batch_3.bin", d);
    unlink(p);
    expect_error(ntkb_images_load_cifar10(d, 1, &im, counts), NTKB_ENOTFOUND, "data_batch_3");
    assert_null(im);
}

/* An IDX pair: n images of r×c; `gz` selects gzip; magic/counts can be falsified. */
static void write_idx(const char *ip, const char *lp, size_t n, size_t r, size_t c, int gz,
                      unsigned imagic, size_t nlabels, long data_delta)
{
    unsigned char h[16] = {0, 0, (unsigned char)(imagic >> 8), (unsigned char)imagic};
    size_t dims[3] = {n, r, c};
    for (int k = 0; k < 3; k++)
        for (int b = 0; b < 4; b++)
            h[4 + 4 * k + b] = (unsigned char)(dims[k] >> (24 - 8 * b));
    size_t len = (size_t)((long)(n * r * c) + data_delta);
    unsigned char *data = malloc(len + 1);
    for (size_t i = 0; i < len; i++)
        data[i] = (unsigned char)(i * 7);
    unsigned char lh[8] = {0, 0, 8, 1, 0, 0, (unsigned char)(nlabels >> 8), (unsigned char)nlabels};
    unsigned char labels[256];
    for (size_t i = 0; i < nlabels; i++)
        labels[i] = (unsigned char)(i % 10);
    gzFile g = gzopen(ip, gz ? "wb" : "wbT");
    gzwrite(g, h, 16);
    gzwrite(g, data, (unsigned)len);
    gzclose(g);
    g = gzopen(lp, gz ? "wb" : "wbT");
    gzwrite(g, lh, 8);
    gzwrite(g, labels, (unsigned)nlabels);
    gzclose(g);
    free(data);
}

static void test_idx(void **state)
{
    (void)state;
    ntkb_images *im;
    const char *ip = tpath("i.idx"), *lp = tpath("l.idx");
    for (int gz = 0; gz <= 1; gz++) {
        write_idx(ip, lp, 5, 3, 4, gz, 0x0803, 5, 0);
        assert_int_equal(ntkb_images_read_idx(ip, lp, &im), NTKB_OK);
        assert_int_equal(im->n, 5);
        assert_int_equal(im->channels, 1);
        assert_int_equal(im->height, 3);
        assert_int_equal(im->width, 4);
        assert_true(im->pixels[13] == (double)(unsigned char)(13 * 7));
        assert_int_equal(im->labels[4], 4);
        ntkb_images_free(im);
    }
    write_idx(ip, lp, 5, 3, 4, 1, 0x0802, 5, 0);
    expect_error(ntkb_images_read_idx(ip, lp, &im), NTKB_EFORMAT, "wrong IDX magic number");
    write_idx(ip, lp, 5, 3, 4, 1, 0x0803, 5, -3);
    expect_error(ntkb_images_read_idx(ip, lp, &im), NTKB_EFORMAT, "truncated");
    write_idx(ip, lp, 5, 3, 4, 0, 0x0803, 5, 2);
    expect_error(ntkb_images_read_idx(ip, lp, &im), NTKB_EFORMAT, "trailing data");
    write_idx(ip, lp, 5, 3, 4, 1, 0x0803, 4, 0);
    expect_error(ntkb_images_read_idx(ip, lp, &im), NTKB_EFORMAT, "4 labels for 5 images");
    expect_error(ntkb_images_read_idx(tpath("none.idx"), lp, &im), NTKB_ENOTFOUND, "none.idx");
    assert_null(im);
}

static void test_fashion_mnist(void **state)
{
    (void)state;
    const char *dir = "/usr/share/datasets/fashion-mnist";
    if (access(dir, R_OK) != 0)
        skip();
    ntkb_images *im;
    assert_int_equal(ntkb_images_load_fashion_mnist(NULL, 0, &im), NTKB_OK);
    assert_int_equal(im->n, 10000);
    assert_int_equal(im->height, 28);
    assert_int_equal(im->width, 28);
    size_t per[10] = {0};
    for (size_t i = 0; i < im->n; i++)
        per[im->labels[i]]++;
    for (int c = 0; c < 10; c++)
        assert_int_equal(per[c], 1000);
    ntkb_images *pair;
    double *y;
    assert_int_equal(ntkb_images_select_pair(im, 0, 6, 0, &pair, &y), NTKB_OK);
    assert_int_equal(pair->n, 2000);
    ntkb_images_free(pair);
    free(y);
    ntkb_images_free(im);
    assert_int_equal(ntkb_images_load_fashion_mnist(NULL, 1, &im), NTKB_OK);
    assert_int_equal(im->n, 60000);
    ntkb_images_free(im);
}

static void test_select_and_preprocess(void **state)
{
    (void)state;
    ntkb_images *im = ntkb_images_alloc(6, 2, 1, 2);
    int labels[6] = {3, 5, 3, 1, 5, 3};
    for (size_t i = 0; i < 6; i++) {
        im->labels[i] = labels[i];
        for (size_t p = 0; p < 4; p++)
            im->pixels[i * 4 + p] = (double)(i * 40 + p * 5);
    }
    ntkb_images *pr;
    double *y;
    assert_int_equal(ntkb_images_select_pair(im, 3, 5, 2, &pr, &y), NTKB_OK);
    assert_int_equal(pr->n, 4); /* 3, 5, 3, 5 (third 3 dropped) */
    assert_true(y[0] == -1 && y[1] == 1 && y[2] == -1 && y[3] == 1);
    assert_true(pr->pixels[4 * 3] == im->pixels[4 * 4]);
    free(y);
    ntkb_images_free(pr);
    assert_int_equal(ntkb_images_select_pair(im, 3, 3, 0, &pr, &y), NTKB_EINVAL);
    assert_int_equal(ntkb_images_select_pair(im, 3, 7, 0, &pr, &y), NTKB_EINVAL);

    ntkb_images *t = ntkb_images_alloc(1, 2, 1, 2);
    memcpy(t->pixels, im->pixels, 4 * sizeof(double));
    double mean[2], sd[2];
    ntkb_images *others[1] = {t};
    assert_int_equal(ntkb_images_standardize(im, others, 1, mean, sd), NTKB_OK);
    for (size_t c = 0; c < 2; c++) {
        double s = 0, s2 = 0;
        for (size_t i = 0; i < 6; i++)
            for (size_t p = 0; p < 2; p++) {
                double v = im->pixels[(i * 2 + c) * 2 + p];
                s += v;
                s2 += v * v;
            }
        assert_true(fabs(s / 12) < 1e-14);
        assert_close(s2 / 12, 1.0, 1e-13);
    }
    assert_close(t->pixels[0], im->pixels[0], 1e-15); /* test set uses training statistics */
    ntkb_images_free(t);
    ntkb_images_free(im);

    im = ntkb_images_alloc(1, 1, 1, 3);
    im->pixels[0] = 0;
    im->pixels[1] = 255;
    im->pixels[2] = 127.5;
    ntkb_images_scale_pm1(im);
    assert_true(im->pixels[0] == -1.0 && im->pixels[1] == 1.0 && im->pixels[2] == 0.0);
    ntkb_images_free(im);
    ntkb_images_free(NULL);
}

/* The first-N readers: the same images and labels as the first N of a full read; records after
 * N are ignored, but the file is still validated as a whole. */
static void test_read_first_n(void **state)
{
    (void)state;
    ntkb_images *all, *im;
    write_cifar(tpath("five.bin"), 5, 2, 0);
    assert_int_equal(ntkb_images_read_cifar10_file(tpath("five.bin"), &all), NTKB_OK);
    assert_int_equal(ntkb_images_read_cifar10_file_n(tpath("five.bin"), 3, &im), NTKB_OK);
    assert_int_equal(im->n, 3);
    assert_true(im->channels == 3 && im->height == 32 && im->width == 32);
    assert_memory_equal(im->pixels, all->pixels, 3 * 3072 * sizeof(double));
    assert_memory_equal(im->labels, all->labels, 3 * sizeof(int));
    ntkb_images_free(im);
    for (size_t max = 0; max <= 6; max += 5) { /* 0: all; more than the file holds: all */
        assert_int_equal(ntkb_images_read_cifar10_file_n(tpath("five.bin"), max, &im), NTKB_OK);
        assert_int_equal(im->n, 5);
        assert_memory_equal(im->pixels, all->pixels, 5 * 3072 * sizeof(double));
        ntkb_images_free(im);
    }
    ntkb_images_free(all);
    write_cifar(tpath("trunc5.bin"), 5, 0, 100); /* a partial record after the ones kept */
    expect_error(ntkb_images_read_cifar10_file_n(tpath("trunc5.bin"), 2, &im), NTKB_EFORMAT,
                 "100 bytes of record 5");
    assert_null(im);
    write_cifar(tpath("empty.bin"), 0, 0, 0);
    expect_error(ntkb_images_read_cifar10_file_n(tpath("empty.bin"), 2, &im), NTKB_EFORMAT,
                 "empty");
    write_cifar(tpath("label4.bin"), 5, 0, 0);
    FILE *fp = fopen(tpath("label4.bin"), "r+b");
    fseek(fp, 4 * 3073, SEEK_SET);
    fputc(12, fp);
    fclose(fp);
    assert_int_equal(ntkb_images_read_cifar10_file_n(tpath("label4.bin"), 4, &im), NTKB_OK);
    ntkb_images_free(im); /* record 4 is not read */
    expect_error(ntkb_images_read_cifar10_file_n(tpath("label4.bin"), 5, &im), NTKB_EFORMAT,
                 "record 4 (byte 12292): label 12");
    expect_error(ntkb_images_read_cifar10_file_n(tpath("missing.bin"), 1, &im), NTKB_ENOTFOUND,
                 "missing.bin");

    const char *ip = tpath("i.idx"), *lp = tpath("l.idx");
    for (int gz = 0; gz <= 1; gz++) {
        write_idx(ip, lp, 5, 3, 4, gz, 0x0803, 5, 0);
        assert_int_equal(ntkb_images_read_idx(ip, lp, &all), NTKB_OK);
        assert_int_equal(ntkb_images_read_idx_n(ip, lp, 2, &im), NTKB_OK);
        assert_int_equal(im->n, 2);
        assert_true(im->channels == 1 && im->height == 3 && im->width == 4);
        assert_memory_equal(im->pixels, all->pixels, 2 * 12 * sizeof(double));
        assert_memory_equal(im->labels, all->labels, 2 * sizeof(int));
        ntkb_images_free(im);
        assert_int_equal(ntkb_images_read_idx_n(ip, NULL, 2, &im), NTKB_OK); /* no label file */
        assert_memory_equal(im->pixels, all->pixels, 2 * 12 * sizeof(double));
        assert_true(im->labels[0] == -1 && im->labels[1] == -1);
        ntkb_images_free(im);
        assert_int_equal(ntkb_images_read_idx_n(ip, lp, 9, &im), NTKB_OK);
        assert_int_equal(im->n, 5);
        assert_memory_equal(im->pixels, all->pixels, 5 * 12 * sizeof(double));
        ntkb_images_free(im);
        ntkb_images_free(all);
    }
    /* Bad files fail as for a full read, even when the fault lies after the images kept. */
    write_idx(ip, lp, 5, 3, 4, 1, 0x0802, 5, 0);
    expect_error(ntkb_images_read_idx_n(ip, lp, 2, &im), NTKB_EFORMAT, "wrong IDX magic number");
    write_idx(ip, lp, 5, 3, 4, 1, 0x0803, 5, -3);
    expect_error(ntkb_images_read_idx_n(ip, lp, 2, &im), NTKB_EFORMAT,
                 "truncated: expected 5 images");
    expect_error(ntkb_images_read_idx_n(ip, NULL, 2, &im), NTKB_EFORMAT, "truncated");
    write_idx(ip, lp, 5, 3, 4, 0, 0x0803, 5, 2);
    expect_error(ntkb_images_read_idx_n(ip, lp, 2, &im), NTKB_EFORMAT, "trailing data");
    write_idx(ip, lp, 5, 3, 4, 1, 0x0803, 4, 0);
    expect_error(ntkb_images_read_idx_n(ip, lp, 2, &im), NTKB_EFORMAT, "4 labels for 5 images");
    assert_int_equal(ntkb_images_read_idx_n(ip, NULL, 2, &im), NTKB_OK); /* labels not read */
    ntkb_images_free(im);
    write_idx(ip, lp, 5, 3, 4, 1, 0x0803, 5, 0);
    gzFile g = gzopen(lp, "wbT"); /* a label file whose header says 5 but holds 4 */
    const unsigned char lh[12] = {0, 0, 8, 1, 0, 0, 0, 5, 0, 1, 2, 3};
    gzwrite(g, lh, sizeof lh);
    gzclose(g);
    expect_error(ntkb_images_read_idx_n(ip, lp, 2, &im), NTKB_EFORMAT, "truncated: expected 5 label");
    assert_null(im);
    expect_error(ntkb_images_read_idx_n(tpath("none.idx"), lp, 2, &im), NTKB_ENOTFOUND, "none.idx");
}

/* The first-N read of the real Fashion-MNIST test set equals the full read's first N (a skip
 * without Debian's dataset-fashion-mnist). */
static void test_read_first_n_fashion_mnist(void **state)
{
    (void)state;
    ntkb_images *im = NULL, *all = NULL;
    const char *dir = "/usr/share/datasets/fashion-mnist";
    char fi[600], fl[600];
    snprintf(fi, sizeof fi, "%s/t10k-images-idx3-ubyte.gz", dir);
    snprintf(fl, sizeof fl, "%s/t10k-labels-idx1-ubyte.gz", dir);
    if (access(fi, R_OK) != 0)
        skip();
    assert_int_equal(ntkb_images_load_fashion_mnist(dir, 0, &all), NTKB_OK);
    assert_int_equal(ntkb_images_read_idx_n(fi, fl, 100, &im), NTKB_OK);
    assert_int_equal(im->n, 100);
    assert_memory_equal(im->pixels, all->pixels, 100 * 784 * sizeof(double));
    assert_memory_equal(im->labels, all->labels, 100 * sizeof(int));
    ntkb_images_free(im);
    ntkb_images_free(all);
}

static void test_downsample(void **state)
{
    (void)state;
    ntkb_images *im = ntkb_images_alloc(2, 3, 4, 6), *small;
    for (size_t i = 0; i < 2 * 3 * 4 * 6; i++)
        im->pixels[i] = 0.75; /* constant: every block mean is the constant, exactly */
    im->labels[0] = 4;
    im->labels[1] = 9;
    assert_int_equal(ntkb_images_downsample(im, 2, &small), NTKB_OK);
    assert_true(small->n == 2 && small->channels == 3 && small->height == 2 && small->width == 3);
    for (size_t i = 0; i < 2 * 3 * 2 * 3; i++)
        assert_true(small->pixels[i] == 0.75);
    assert_true(small->labels[0] == 4 && small->labels[1] == 9);
    ntkb_images_free(small);
    for (size_t i = 0; i < 2 * 3 * 4 * 6; i++)
        im->pixels[i] = (double)((i * 37) % 101);
    assert_int_equal(ntkb_images_downsample(im, 2, &small), NTKB_OK);
    const double *p = im->pixels + (1 * 3 + 2) * 24; /* image 1, channel 2 */
    /* output (1, 1) of a 2×3 plane is the block of rows 2..3, columns 2..3 of the 4×6 input */
    assert_close(small->pixels[(1 * 3 + 2) * 6 + 4], (p[14] + p[15] + p[20] + p[21]) / 4, 1e-15);
    ntkb_images_free(small);
    assert_int_equal(ntkb_images_downsample(im, 1, &small), NTKB_OK); /* factor 1 copies */
    assert_memory_equal(small->pixels, im->pixels, 2 * 72 * sizeof(double));
    ntkb_images_free(small);
    expect_error(ntkb_images_downsample(im, 3, &small), NTKB_EINVAL, "does not divide 4x6");
    assert_null(small);
    expect_error(ntkb_images_downsample(im, 4, &small), NTKB_EINVAL, "does not divide");
    expect_error(ntkb_images_downsample(im, 0, &small), NTKB_EINVAL, "factor 0");
    ntkb_images_free(im);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cifar_file),   cmocka_unit_test(test_cifar_dir),
        cmocka_unit_test(test_idx),          cmocka_unit_test(test_fashion_mnist),
        cmocka_unit_test(test_select_and_preprocess),
        cmocka_unit_test(test_read_first_n),
        cmocka_unit_test(test_read_first_n_fashion_mnist), cmocka_unit_test(test_downsample),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
