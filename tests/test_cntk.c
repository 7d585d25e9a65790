/* Tests of src/lantk/cntk: the diagonal (flatten) shortcut and the offset-rectangle GAP path
 * against a naive all-pixel-pairs computation on tiny images; a transcription of Arora's
 * pseudo-code (ruosongwang/CNTK CNTK.py); the JAX 'SAME' stride-2 geometry on indicator images; the
 * 1×1-image CNTK against the FC NTK; the Gram driver against single pairs. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "core/dual.h"
#include "lantk/cntk.h"
#include "lantk/fcntk.h"

static uint64_t rs = 99;
static double unif(void)
{
    rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rs >> 11) * (1.0 / 9007199254740992.0);
}

static double *random_images(size_t n, size_t len)
{
    double *x = malloc(n * len * sizeof *x);
    for (size_t i = 0; i < n * len; i++)
        x[i] = 2 * unif() - 1;
    return x;
}

/* ---- naive reference: all pixel pairs, three covariances (xx, zz, xz) in lockstep ---- */
typedef struct {
    size_t h, w;
    double *s[3], *t[3]; /* P×P each: 0 = (x,x), 1 = (z,z), 2 = (x,z) */
} full_state;

static void full_free(full_state *f)
{
    for (int k = 0; k < 3; k++) {
        free(f->s[k]);
        free(f->t[k]);
    }
}

static void full_conv(const ntkb_cntk_arch *a, full_state *f, int s, int trainable)
{
    size_t hi = f->h, wi = f->w, ho = (hi + s - 1) / s, wo = (wi + s - 1) / s;
    long tot_h = (long)((ho - 1) * s + 3) - (long)hi, tot_w = (long)((wo - 1) * s + 3) - (long)wi;
    long plh = tot_h > 0 ? tot_h / 2 : 0, plw = tot_w > 0 ? tot_w / 2 : 0;
    size_t Pi = hi * wi, Po = ho * wo;
    for (int k = 0; k < 3; k++) {
        double *ns = calloc(Po * Po, sizeof *ns), *nt = calloc(Po * Po, sizeof *nt);
        for (size_t p = 0; p < Po; p++)
            for (size_t q = 0; q < Po; q++) {
                long i = (long)(p / wo), j = (long)(p % wo), i2 = (long)(q / wo), j2 = (long)(q % wo);
                double as = 0, at = 0;
                for (long da = 0; da < 3; da++)
                    for (long db = 0; db < 3; db++) {
                        long r = s * i + da - plh, c = s * j + db - plw;
                        long r2 = s * i2 + da - plh, c2 = s * j2 + db - plw;
                        if (r < 0 || c < 0 || r2 < 0 || c2 < 0 || r >= (long)hi ||
                            c >= (long)wi || r2 >= (long)hi || c2 >= (long)wi)
                            continue;
                        size_t pi = (size_t)(r * (long)wi + c), qi = (size_t)(r2 * (long)wi + c2);
                        as += f->s[k][pi * Pi + qi];
                        at += f->t[k][pi * Pi + qi];
                    }
                ns[p * Po + q] = a->w_var / 9 * as;
                nt[p * Po + q] = a->w_var / 9 * at + (trainable ? ns[p * Po + q] : 0);
            }
        free(f->s[k]);
        free(f->t[k]);
        f->s[k] = ns;
        f->t[k] = nt;
    }
    f->h = ho;
    f->w = wo;
}

static void full_relu(const ntkb_cntk_arch *a, full_state *f)
{
    size_t P = f->h * f->w;
    double *dx = malloc(P * sizeof *dx), *dz = malloc(P * sizeof *dz);
    for (size_t p = 0; p < P; p++) {
        dx[p] = f->s[0][p * P + p];
        dz[p] = f->s[1][p * P + p];
    }
    for (int k = 0; k < 3; k++) {
        const double *da = k == 1 ? dz : dx, *db = k == 0 ? dx : dz;
        for (size_t p = 0; p < P; p++)
            for (size_t q = 0; q < P; q++) {
                double e, ed;
                ntkb_dual_relu(da[p], db[q], f->s[k][p * P + q], &e, &ed);
                f->s[k][p * P + q] = a->c_sigma * e;
                f->t[k][p * P + q] *= a->c_sigma * ed;
            }
    }
    free(dx);
    free(dz);
}

static double full_reference(const ntkb_cntk_arch *a, size_t C, size_t H, size_t W,
                             const double *x, const double *z)
{
    full_state f = {.h = H, .w = W};
    size_t P = H * W;
    const double *img[3][2] = {{x, x}, {z, z}, {x, z}};
    for (int k = 0; k < 3; k++) {
        f.s[k] = calloc(P * P, sizeof(double));
        f.t[k] = calloc(P * P, sizeof(double));
        for (size_t p = 0; p < P; p++)
            for (size_t q = 0; q < P; q++)
                for (size_t c = 0; c < C; c++)
                    f.s[k][p * P + q] += a->input_scale * img[k][0][c * P + p] * img[k][1][c * P + q];
    }
    for (size_t o = 0; o < a->n_ops; o++) {
        if (a->ops[o].kind == NTKB_CNTK_CONV)
            full_conv(a, &f, a->ops[o].stride, a->ops[o].trainable);
        else
            full_relu(a, &f);
    }
    P = f.h * f.w;
    double r = 0;
    for (size_t p = 0; p < P; p++)
        for (size_t q = 0; q < P; q++) {
            if (a->readout == NTKB_CNTK_FLATTEN && p != q)
                continue;
            r += f.t[2][p * P + q] + (a->readout_trainable ? f.s[2][p * P + q] : 0);
        }
    if (a->readout_mean)
        r /= a->readout == NTKB_CNTK_FLATTEN ? (double)P : (double)P * P;
    full_free(&f);
    return a->w_var * r;
}

/* ---- the library's value of one pair ---- */
static double lib_pair(const ntkb_cntk_arch *a, size_t C, size_t H, size_t W, const double *x,
                       const double *z)
{
    ntkb_cntk *k;
    assert_int_equal(ntkb_cntk_alloc(a, C, H, W, &k), NTKB_OK);
    size_t cs = ntkb_cntk_cache_size(k);
    double *cx = malloc(cs * sizeof *cx + 8), *cz = malloc(cs * sizeof *cz + 8);
    ntkb_cntk_work *w = ntkb_cntk_work_alloc(k);
    assert_non_null(w);
    ntkb_cntk_precompute(k, x, cx, w);
    ntkb_cntk_precompute(k, z, cz, w);
    double v = ntkb_cntk_pair(k, x, cx, z, cz, w);
    ntkb_cntk_work_free(w);
    free(cx);
    free(cz);
    ntkb_cntk_free(k);
    return v;
}

static void test_flatten_shortcut_lantk(void **state)
{
    (void)state;
    ntkb_cntk_arch a;
    ntkb_cntk_arch_lantk(&a, 3);
    static const size_t shapes[][2] = {{6, 6}, {7, 5}, {8, 8}, {5, 9}};
    for (size_t s = 0; s < 4; s++) {
        size_t H = shapes[s][0], W = shapes[s][1];
        double *x = random_images(2, 3 * H * W);
        double ref = full_reference(&a, 3, H, W, x, x + 3 * H * W);
        double v = lib_pair(&a, 3, H, W, x, x + 3 * H * W);
        double v2 = lib_pair(&a, 3, H, W, x + 3 * H * W, x);
        assert_close(v, ref, 1e-12);
        assert_close(v2, v, 1e-13);
        free(x);
    }
}

static void test_flatten_and_gap_arora(void **state)
{
    (void)state;
    for (int gap = 0; gap <= 1; gap++)
        for (size_t depth = 2; depth <= 5; depth += 3) {
            ntkb_cntk_arch a;
            assert_int_equal(ntkb_cntk_arch_arora(&a, depth, gap), NTKB_OK);
            double *x = random_images(2, 2 * 5 * 6);
            double ref = full_reference(&a, 2, 5, 6, x, x + 60);
            double v = lib_pair(&a, 2, 5, 6, x, x + 60);
            if (!ntkb_test_close(v, ref, 1e-12, 0))
                fail_msg("gap %d depth %zu: %.17g vs full %.17g", gap, depth, v, ref);
            free(x);
        }
}

/* Arora's CNTK.py recursion as ruosongwang/CNTK computes it (sum stencil, 1/(9π)). */
static double arora_transcription(size_t depth, int gap, size_t H, size_t W, size_t C,
                                  const double *x, const double *z)
{
    size_t P = H * W;
    const double *img[3][2] = {{x, x}, {z, z}, {x, z}};
    double *S[3], *T[3], *tmp = malloc(P * P * sizeof(double));
    for (int k = 0; k < 3; k++) {
        S[k] = calloc(P * P, sizeof(double));
        T[k] = calloc(P * P, sizeof(double));
        for (size_t p = 0; p < P; p++)
            for (size_t q = 0; q < P; q++)
                for (size_t c = 0; c < C; c++)
                    S[k][p * P + q] += img[k][0][c * P + p] * img[k][1][c * P + q];
    }
#define CONV(M)                                                                                   \
    do {                                                                                          \
        for (size_t p = 0; p < P; p++)                                                            \
            for (size_t q = 0; q < P; q++) {                                                      \
                long i = p / W, j = p % W, i2 = q / W, j2 = q % W;                                \
                double acc = 0;                                                                   \
                for (long da = -1; da <= 1; da++)                                                 \
                    for (long db = -1; db <= 1; db++) {                                           \
                        long r = i + da, c = j + db, r2 = i2 + da, c2 = j2 + db;                  \
                        if (r >= 0 && c >= 0 && r2 >= 0 && c2 >= 0 && r < (long)H &&              \
                            c < (long)W && r2 < (long)H && c2 < (long)W)                          \
                            acc += (M)[(r * W + c) * P + r2 * W + c2];                            \
                    }                                                                             \
                tmp[p * P + q] = acc;                                                             \
            }                                                                                     \
        memcpy((M), tmp, P * P * sizeof(double));                                                 \
    } while (0)
    for (int k = 0; k < 3; k++) {
        CONV(S[k]);
        if (!gap)
            memcpy(T[k], S[k], P * P * sizeof(double));
    }
    for (size_t h = 1; h <= depth - 1; h++) {
        double Lx[64], Lz[64];
        for (size_t p = 0; p < P; p++) {
            Lx[p] = sqrt(S[0][p * P + p]);
            Lz[p] = sqrt(S[1][p * P + p]);
        }
        for (int k = 0; k < 3; k++) {
            const double *la = k == 1 ? Lz : Lx, *lb = k == 0 ? Lx : Lz;
            for (size_t p = 0; p < P; p++)
                for (size_t q = 0; q < P; q++) {
                    double n = la[p] * lb[q], rho = S[k][p * P + q] / n;
                    rho = rho > 1 ? 1 : (rho < -1 ? -1 : rho);
                    double sn = (rho * (M_PI - acos(rho)) + sqrt(1 - rho * rho)) * n / (9 * M_PI);
                    double sd = (M_PI - acos(rho)) / (9 * M_PI);
                    T[k][p * P + q] = T[k][p * P + q] * sd + sn;
                    S[k][p * P + q] = sn;
                }
            if (h < depth - 1) {
                CONV(S[k]);
                CONV(T[k]);
            }
        }
    }
#undef CONV
    double r = 0;
    for (size_t p = 0; p < P; p++)
        for (size_t q = 0; q < P; q++) {
            double t = T[2][p * P + q] - (gap ? S[2][p * P + q] : 0);
            if (gap)
                r += t / (double)(P * P);
            else if (p == q)
                r += t;
        }
    for (int k = 0; k < 3; k++) {
        free(S[k]);
        free(T[k]);
    }
    free(tmp);
    return r;
}

static void test_arora_transcription(void **state)
{
    (void)state;
    for (int gap = 0; gap <= 1; gap++)
        for (size_t depth = 2; depth <= 4; depth++) {
            ntkb_cntk_arch a;
            ntkb_cntk_arch_arora(&a, depth, gap);
            double *x = random_images(2, 3 * 4 * 5);
            double ref = arora_transcription(depth, gap, 4, 5, 3, x, x + 60);
            double v = lib_pair(&a, 3, 4, 5, x, x + 60);
            if (!ntkb_test_close(v, ref, 1e-12, 0))
                fail_msg("gap %d depth %zu: %.17g vs Arora %.17g", gap, depth, v, ref);
            free(x);
        }
}

/* One strided linear conv, readout sum of Θ: K = (1/9)·#(output pixels whose window covers the
 * lit pixel)², per axis.  JAX SAME on 4 pixels, stride 2: windows {0,1,2}, {2,3,pad}. */
static void test_stride2_same(void **state)
{
    (void)state;
    ntkb_cntk_arch a = {.n_ops = 1, .readout = NTKB_CNTK_FLATTEN, .readout_mean = 0,
                        .readout_trainable = 0, .w_var = 1, .c_sigma = 2, .input_scale = 1};
    a.ops[0] = (ntkb_cntk_op){NTKB_CNTK_CONV, 2, 1};
    struct { size_t n, r, c; double want; } cases[] = {
        {4, 2, 2, 4.0 / 9}, {4, 0, 0, 1.0 / 9}, {4, 3, 3, 1.0 / 9}, {4, 2, 1, 2.0 / 9},
        {32, 30, 30, 4.0 / 9}, {32, 31, 0, 1.0 / 9}, {5, 0, 0, 1.0 / 9}, {5, 1, 1, 4.0 / 9}};
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        size_t n = cases[t].n;
        double *x = calloc(n * n, sizeof *x);
        x[cases[t].r * n + cases[t].c] = 1.0;
        double v = lib_pair(&a, 1, n, n, x, x);
        if (!ntkb_test_close(v, cases[t].want, 1e-15, 0))
            fail_msg("n %zu pixel (%zu,%zu): %.17g, want %.17g", n, cases[t].r, cases[t].c, v,
                     cases[t].want);
        if (n <= 8) /* the naive reference applies the same rule independently */
            assert_close(full_reference(&a, 1, n, n, x, x), cases[t].want, 1e-15);
        free(x);
    }
}

static void test_one_pixel_equals_fcntk(void **state)
{
    (void)state;
    const size_t C = 7;
    double *x = random_images(2, C);
    for (size_t depth = 2; depth <= 6; depth++) {
        ntkb_cntk_arch a;
        ntkb_cntk_arch_arora(&a, depth, 0);
        double v = lib_pair(&a, C, 1, 1, x, x + C);
        ntkb_fcntk_params p;
        ntkb_fcntk_params_arora(&p, NTKB_ACT_RELU, depth - 1);
        double fc;
        assert_int_equal(ntkb_fcntk_pair(&p, C, x, x + C, &fc, NULL), NTKB_OK);
        /* Each 1×1 conv keeps only the centre tap: a factor 1/9 per layer (homogeneity). */
        assert_close(v * pow(9.0, (double)(depth - 1)), fc, 1e-13);
        a.w_var = 9.0; /* or undo the 1/9 directly: then equal up to the readout's w_var */
        assert_close(lib_pair(&a, C, 1, 1, x, x + C) / 9.0, fc, 1e-13);
    }
    free(x);
}

static void test_gram_matches_pairs(void **state)
{
    (void)state;
    ntkb_cntk_arch a;
    ntkb_cntk_arch_lantk(&a, 3);
    const size_t H = 8, W = 8, L = 3 * H * W, na = 37, nb = 5;
    double *xa = random_images(na, L), *xb = random_images(nb, L);
    ntkb_cntk *k;
    assert_int_equal(ntkb_cntk_alloc(&a, 3, H, W, &k), NTKB_OK);
    double *G = malloc(na * na * sizeof *G), *B = malloc(na * nb * sizeof *B);
    assert_int_equal(ntkb_cntk_gram(k, na, xa, 0, NULL, 2, 0, G), NTKB_OK);
    assert_int_equal(ntkb_cntk_gram(k, na, xa, nb, xb, 2, 0, B), NTKB_OK);
    for (size_t i = 0; i < na; i += 5)
        for (size_t j = 0; j < na; j += 3) {
            assert_close(G[i * na + j], lib_pair(&a, 3, H, W, xa + i * L, xa + j * L), 1e-13);
            assert_close(G[i * na + j], G[j * na + i], 0);
        }
    for (size_t i = 0; i < na; i += 4)
        for (size_t j = 0; j < nb; j++)
            assert_close(B[i * nb + j], lib_pair(&a, 3, H, W, xa + i * L, xb + j * L), 1e-13);
    assert_int_equal(ntkb_cntk_gram(k, 0, xa, 0, NULL, 1, 0, G), NTKB_EINVAL);
    free(G);
    free(B);
    free(xa);
    free(xb);
    ntkb_cntk_free(k);
}

/* The progress callback sees every pair once, ending at the total, and changes no value. */
static void note_progress(void *arg, double done, double total)
{
    double *seen = arg;  /* last done, total, 1 while every call moved forward */
    if (!(done > seen[0] && done <= total))
        seen[2] = 0;     /* (asserted by the test's own thread, not this worker) */
    seen[0] = done;
    seen[1] = total;
}

static void test_gram_progress(void **state)
{
    (void)state;
    ntkb_cntk_arch a;
    ntkb_cntk_arch_lantk(&a, 3);
    const size_t H = 6, W = 6, L = 3 * H * W, na = 70;
    double *xa = random_images(na, L);
    ntkb_cntk *k;
    assert_int_equal(ntkb_cntk_alloc(&a, 3, H, W, &k), NTKB_OK);
    double *G = malloc(na * na * sizeof *G), *P = malloc(na * na * sizeof *P);
    double seen[3] = {0, 0, 1};
    assert_int_equal(ntkb_cntk_gram(k, na, xa, 0, NULL, 2, 0, G), NTKB_OK);
    assert_int_equal(ntkb_cntk_gram_progress(k, na, xa, 0, NULL, 2, 0, note_progress, seen, P),
                     NTKB_OK);
    assert_true(seen[0] == seen[1] && seen[1] == 0.5 * na * (na + 1) && seen[2] == 1);
    assert_memory_equal(G, P, na * na * sizeof *G);
    seen[0] = 0;
    assert_int_equal(ntkb_cntk_gram_progress(k, 40, xa, 30, xa + 40 * L, 2, 0, note_progress,
                                             seen, P), NTKB_OK);
    assert_true(seen[0] == 40.0 * 30.0 && seen[1] == seen[0] && seen[2] == 1);
    free(G);
    free(P);
    free(xa);
    ntkb_cntk_free(k);
}

static void test_bad_arch(void **state)
{
    (void)state;
    ntkb_cntk_arch a;
    ntkb_cntk *k;
    assert_int_equal(ntkb_cntk_arch_arora(&a, 1, 0), NTKB_EINVAL);
    ntkb_cntk_arch_lantk(&a, 3);
    a.readout = NTKB_CNTK_GAP; /* strided GAP is not supported */
    assert_int_equal(ntkb_cntk_alloc(&a, 3, 8, 8, &k), NTKB_EINVAL);
    assert_null(k);
    ntkb_cntk_arch_lantk(&a, 3);
    a.ops[0].stride = 3;
    assert_int_equal(ntkb_cntk_alloc(&a, 3, 8, 8, &k), NTKB_EINVAL);
    ntkb_cntk_free(NULL);
    ntkb_cntk_work_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flatten_shortcut_lantk), cmocka_unit_test(test_flatten_and_gap_arora),
        cmocka_unit_test(test_arora_transcription),    cmocka_unit_test(test_stride2_same),
        cmocka_unit_test(test_one_pixel_equals_fcntk), cmocka_unit_test(test_gram_matches_pairs),
        cmocka_unit_test(test_bad_arch),              cmocka_unit_test(test_gram_progress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
