/* The image side against outside oracles (tests/oracles/cntk_lantk.py, fixtures in
 * tests/fixtures/cntk-oracle, README there):
 *   - the LANTK CNN's NTK (ntkb_cntk_arch_lantk + ntkb_cntk_gram) on 4 CIFAR-10 and 4
 *     Fashion-MNIST images equals a NumPy transcription of the network (full pixel-pair
 *     covariances, layer by layer as neural-tangents' stax) up to one global constant: the
 *     test fits it on entry (0, 1) and checks every entry (tolerances: see check_gram);
 *   - the λ default of LANTK (λ = 0.0005·mean|H_train|/mean|Z_train|), both the library rule
 *     and the image benchmark's per-split use of it (ntkb_image_split), against a value
 *     computed in Python. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "core/gram.h"
#include "core/status.h"
#include "lantk/cntk.h"
#include "lantk/images.h"
#include "lantk/lantk.h"
#include "studies/image_eval.h"

static const char *fixture(const char *rel)
{
    const char *fx = getenv("NTKB_TEST_FIXTURES");
    assert_non_null(fx);
    static char path[4][2048];
    static int slot;
    slot = (slot + 1) % 4;
    snprintf(path[slot], sizeof path[slot], "%s/cntk-oracle/%s", fx, rel);
    return path[slot];
}

/* Where the true correlation ρ of a pixel pair is exactly 1 (the same image at the same
 * position: every Gram diagonal entry; two images sharing a constant background patch, as
 * Fashion-MNIST's), the C code forms ρ = S/(sa·sb) from cached square roots sa = √q, and
 * (√q)² exceeds q by an ulp for about a quarter of all q.  acos has infinite slope at 1: ρ =
 * 1 − 2⁻⁵³ gives θ ≈ 2⁻²⁶ ≈ 1.5e-8 instead of 0, and that ReLU's Θ-factor (π − θ)/2π is low
 * by up to 6.7e-9 (ntkb_dual_relu_layer fed S = q, sa = sb = √q for 10⁵ random q: 24 % of the
 * factors are low, by up to 6.7e-9).  The oracle forms ρ = S/√(q q') (neural-tangents'
 * order) from bitwise identical numbers there and gets ρ = 1 exactly.  Measured: C's K(x, x)
 * is low by 4e-9 to 1e-8 relative, Fashion-MNIST off-diagonal entries differ by up to 8e-10,
 * CIFAR-10 off-diagonal entries agree to 2e-15.  Hence two tolerances. */
#define TOL_EXACT 1e-12 /* entries with no exactly correlated pixel pair */
#define TOL_RHO1 3e-8   /* entries with some: the rounding above, 6 ReLU layers */

/* C Gram of the images (LANTK preprocessing, the library's readers) against the oracle's;
 * tight: whether every off-diagonal entry meets TOL_EXACT (else TOL_RHO1 is used for them). */
static void check_gram(ntkb_images *im, const char *oracle, int tight)
{
    ntkb_images_scale_pm1(im);
    ntkb_cntk_arch a;
    ntkb_cntk_arch_lantk(&a, im->channels);
    ntkb_cntk *k = NULL;
    assert_int_equal(ntkb_cntk_alloc(&a, im->channels, im->height, im->width, &k), NTKB_OK);
    const size_t n = im->n;
    double *G = malloc(n * n * sizeof *G);
    assert_non_null(G);
    assert_int_equal(ntkb_cntk_gram(k, n, im->pixels, 0, NULL, 1, 0, G), NTKB_OK);
    ntkb_gram *O = NULL;
    assert_int_equal(ntkb_gram_load_npy(fixture(oracle), &O), NTKB_OK);
    assert_int_equal(O->n, n);
    /* One global constant is allowed (an equivalent scale convention), fitted on an
     * off-diagonal entry (see above); with the neural-tangents conventions of
     * ntkb_cntk_arch_lantk it comes out as 1. */
    const double c = O->data[1] / G[1];
    double worst[2] = {0.0, 0.0}; /* off-diagonal, diagonal */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            const double g = c * G[i * n + j], o = O->data[i * n + j];
            assert_close(g, o, i != j && tight ? TOL_EXACT : TOL_RHO1);
            worst[i == j] = fmax(worst[i == j], fabs(g - o) / fabs(o));
        }
    printf("# %s: %zux%zu Gram, constant oracle/C = %.17g, largest relative difference "
           "%.3g off the diagonal, %.3g on it\n", oracle, n, n, c, worst[0], worst[1]);
    ntkb_gram_free(O);
    free(G);
    ntkb_cntk_free(k);
}

static void test_cntk_cifar10(void **state)
{
    (void)state;
    ntkb_images *im = NULL;
    assert_int_equal(ntkb_images_read_cifar10_file(fixture("cifar10-4.bin"), &im), NTKB_OK);
    assert_true(im->n == 4 && im->channels == 3 && im->height == 32 && im->width == 32);
    check_gram(im, "cifar10.gram.npy", 1);
    ntkb_images_free(im);
}

static void test_cntk_fmnist(void **state)
{
    (void)state;
    ntkb_images *im = NULL;
    assert_int_equal(ntkb_images_read_idx(fixture("fmnist-4-images-idx3-ubyte"),
                                          fixture("fmnist-4-labels-idx1-ubyte"), &im),
                     NTKB_OK);
    assert_true(im->n == 4 && im->channels == 1 && im->height == 28 && im->width == 28);
    check_gram(im, "fmnist.gram.npy", 0);
    ntkb_images_free(im);
}

/* Reads "key v v v ..." from lantk-lambda.txt into v (at most cap values); returns the count. */
static size_t read_values(const char *key, double *v, size_t cap)
{
    FILE *fp = fopen(fixture("lantk-lambda.txt"), "r");
    assert_non_null(fp);
    static char line[1 << 16];
    size_t n = 0;
    while (fgets(line, sizeof line, fp)) {
        size_t len = strlen(key);
        if (strncmp(line, key, len) || line[len] != ' ')
            continue;
        char *p = line + len, *end;
        for (double x = strtod(p, &end); end != p && n < cap; x = strtod(p, &end)) {
            v[n++] = x;
            p = end;
        }
    }
    fclose(fp);
    return n;
}

static void test_lambda_default(void **state)
{
    (void)state;
    enum { NMAX = 16 };
    double dims[2], H[NMAX * NMAX], y[NMAX], Zpy[NMAX * NMAX], lam_py;
    assert_int_equal(read_values("N", &dims[0], 1), 1);
    assert_int_equal(read_values("n_train", &dims[1], 1), 1);
    const size_t N = (size_t)dims[0], n = (size_t)dims[1], m = N - n;
    assert_true(N <= NMAX && n < N);
    assert_int_equal(read_values("H", H, NMAX * NMAX), N * N);
    assert_int_equal(read_values("y", y, NMAX), N);
    assert_int_equal(read_values("Z_train", Zpy, NMAX * NMAX), n * n);
    assert_int_equal(read_values("lambda", &lam_py, 1), 1);
    /* Training block of the pooled H: the first n items. */
    double Htr[NMAX * NMAX];
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            Htr[i * n + j] = H[i * N + j];
    /* 1. The library's rule and default ratio on the oracle's Z. */
    assert_close(ntkb_lantk_lambda(NTKB_LANTK_LABEL_RATIO, n * n, Htr, Zpy), lam_py, 1e-13);
    /* 2. The library's KR-V1 Z (ntl_google's closed form) is the oracle's Z. */
    ntkb_lantk_kr kr;
    double Z[NMAX * NMAX];
    assert_int_equal(ntkb_lantk_kr_fit(H, N, n, NULL, y, &kr), NTKB_OK);
    ntkb_lantk_kr_block(&kr, Htr, n, n, n, Z);
    for (size_t i = 0; i < n * n; i++)
        assert_close(Z[i], Zpy[i], 1e-12);
    /* 3. The image benchmark's split evaluation with no --lambda: the λ it uses for KR-V1. */
    ntkb_lantk_data d = {.N = N, .d = 1, .H = H};
    size_t tr[NMAX], te[NMAX];
    for (size_t i = 0; i < N; i++)
        (i < n ? tr : te)[i < n ? i : i - n] = i;
    ntkb_image_eval_opts o = {.lambda = -1.0, .threads = 1, .seed = 1};
    o.enabled[NTKB_IMG_KR_V1] = 1;
    double acc[NTKB_IMG_NK], lam[NTKB_IMG_NK], secs[NTKB_IMG_NK] = {0};
    assert_int_equal(ntkb_image_split(&d, y, n, tr, m, te, &o, acc, lam, secs), NTKB_OK);
    assert_close(lam[NTKB_IMG_KR_V1], lam_py, 1e-12);
    printf("# lambda: oracle %.17g, ntkb_image_split %.17g\n", lam_py, lam[NTKB_IMG_KR_V1]);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cntk_cifar10),
        cmocka_unit_test(test_cntk_fmnist),
        cmocka_unit_test(test_lambda_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
