/* Finite-width Monte-Carlo check of the CNTK (suite 'slow'): the empirical NTK of random wide
 * CNNs in the neural-tangents NTK parameterisation (no bias), averaged over networks, against
 * ntkb_cntk_pair on two 8×8 images.  Architectures: the LANTK net (7 convs, strides 1/2 with the
 * JAX 'SAME' rule, flatten-mean + dense) and a 3-layer Arora CNTK-GAP net with "fix" (first conv
 * and readout frozen), which checks the offset-rectangle GAP path and the fixed layers.
 *
 * Network: conv: out[co,p] = Σ_{ci,a} W[co,ci,a] in[ci, s·p + a − pad_lo] · sqrt(w_var/(9·C_in));
 * relu: sqrt(c_σ)·max(0, ·); readout: f = sqrt(w_var/(C·P)) Σ w[c,p] h[c,p] (flatten) or
 * sqrt(w_var/C) Σ_c w_c mean_p h[c,p] (GAP); input channels scaled so that Σ0 = input_scale·xᵀz. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "lantk/cntk.h"

static uint64_t rs = 4242;
static double unif(void)
{
    rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(rs >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}
static double gauss(void)
{
    return sqrt(-2.0 * log(unif())) * cos(6.283185307179586 * unif());
}

typedef struct {
    int conv, s, trainable;
    size_t cin, cout, hi, wi, ho, wo;
    int plh, plw;
    double *W, scale;
} layer;

static void geom(size_t in, int s, size_t *out, int *pl)
{
    *out = (in + (size_t)s - 1) / (size_t)s;
    long tot = (long)((*out - 1) * (size_t)s + 3) - (long)in;
    *pl = tot > 0 ? (int)(tot / 2) : 0;
}

/* Walks conv taps: calls body(co, ci, tap, p_out, p_in) for every valid connection. */
#define FOR_TAPS(Ly, BODY)                                                                        \
    for (size_t co = 0; co < (Ly)->cout; co++)                                                    \
        for (size_t ci = 0; ci < (Ly)->cin; ci++)                                                 \
            for (int a = 0; a < 3; a++)                                                           \
                for (int b = 0; b < 3; b++) {                                                     \
                    const size_t tap = (co * (Ly)->cin + ci) * 9 + (size_t)(a * 3 + b);           \
                    for (size_t i = 0; i < (Ly)->ho; i++) {                                       \
                        long r = (long)((size_t)(Ly)->s * i) + a - (Ly)->plh;                     \
                        if (r < 0 || r >= (long)(Ly)->hi)                                         \
                            continue;                                                             \
                        for (size_t j = 0; j < (Ly)->wo; j++) {                                   \
                            long c = (long)((size_t)(Ly)->s * j) + b - (Ly)->plw;                 \
                            if (c < 0 || c >= (long)(Ly)->wi)                                     \
                                continue;                                                         \
                            const size_t po = co * (Ly)->ho * (Ly)->wo + i * (Ly)->wo + j;        \
                            const size_t pi = ci * (Ly)->hi * (Ly)->wi + (size_t)r * (Ly)->wi +   \
                                              (size_t)c;                                          \
                            BODY;                                                                 \
                        }                                                                         \
                    }                                                                             \
                }

/* Empirical NTK of one random network of `width` channels for images x, z (C×H×W). */
static double empirical(const ntkb_cntk_arch *a, size_t C, size_t H, size_t W, size_t width,
                        const double *x, const double *z)
{
    layer L[NTKB_CNTK_MAX_OPS];
    size_t n = a->n_ops, c = C, h = H, w = W;
    for (size_t k = 0; k < n; k++) {
        layer *y = &L[k];
        memset(y, 0, sizeof *y);
        y->conv = a->ops[k].kind == NTKB_CNTK_CONV;
        y->cin = c;
        y->hi = h;
        y->wi = w;
        if (y->conv) {
            y->s = a->ops[k].stride;
            y->trainable = a->ops[k].trainable;
            y->cout = width;
            geom(h, y->s, &y->ho, &y->plh);
            geom(w, y->s, &y->wo, &y->plw);
            y->scale = sqrt(a->w_var / (9.0 * (double)c));
            y->W = malloc(y->cout * c * 9 * sizeof(double));
            for (size_t i = 0; i < y->cout * c * 9; i++)
                y->W[i] = gauss();
        } else {
            y->cout = c;
            y->ho = h;
            y->wo = w;
        }
        c = y->cout;
        h = y->ho;
        w = y->wo;
    }
    const size_t P = h * w;
    double *ro = malloc(c * P * sizeof(double));
    for (size_t i = 0; i < c * P; i++)
        ro[i] = gauss();
    /* forward for both images; acts[s][k] is the input of layer k */
    double *acts[2][NTKB_CNTK_MAX_OPS + 1];
    const double *img[2] = {x, z};
    double outv[2];
    for (int s = 0; s < 2; s++) {
        acts[s][0] = malloc(C * H * W * sizeof(double));
        for (size_t i = 0; i < C * H * W; i++)
            acts[s][0][i] = img[s][i] * sqrt(a->input_scale * (double)C);
        for (size_t k = 0; k < n; k++) {
            layer *y = &L[k];
            size_t no = y->cout * y->ho * y->wo;
            double *o = calloc(no, sizeof(double)), *in = acts[s][k];
            if (y->conv) {
                FOR_TAPS(y, o[po] += y->W[tap] * in[pi]);
                for (size_t i = 0; i < no; i++)
                    o[i] *= y->scale;
            } else {
                for (size_t i = 0; i < no; i++)
                    o[i] = in[i] > 0 ? sqrt(a->c_sigma) * in[i] : 0.0;
            }
            acts[s][k + 1] = o;
        }
        double f = 0;
        for (size_t cc = 0; cc < c; cc++)
            for (size_t p = 0; p < P; p++)
                f += a->readout == NTKB_CNTK_GAP ? ro[cc] * acts[s][n][cc * P + p] / (double)P
                                                  : ro[cc * P + p] * acts[s][n][cc * P + p];
        outv[s] = f;
    }
    (void)outv;
    /* readout gradient and the backward pass, accumulating Σ_θ ∂f(x)/∂θ ∂f(z)/∂θ */
    const double rscale = a->readout == NTKB_CNTK_GAP ? sqrt(a->w_var / (double)c)
                                                      : sqrt(a->w_var / (double)(c * P));
    double ntk = 0;
    if (a->readout_trainable) {
        if (a->readout == NTKB_CNTK_GAP) {
            for (size_t cc = 0; cc < c; cc++) {
                double mx = 0, mz = 0;
                for (size_t p = 0; p < P; p++) {
                    mx += acts[0][n][cc * P + p] / (double)P;
                    mz += acts[1][n][cc * P + p] / (double)P;
                }
                ntk += rscale * rscale * mx * mz;
            }
        } else {
            for (size_t i = 0; i < c * P; i++)
                ntk += rscale * rscale * acts[0][n][i] * acts[1][n][i];
        }
    }
    double *del[2];
    for (int s = 0; s < 2; s++) {
        del[s] = malloc(c * P * sizeof(double));
        for (size_t cc = 0; cc < c; cc++)
            for (size_t p = 0; p < P; p++)
                del[s][cc * P + p] = rscale * (a->readout == NTKB_CNTK_GAP
                                                   ? ro[cc] / (double)P
                                                   : ro[cc * P + p]);
    }
    for (size_t k = n; k-- > 0;) {
        layer *y = &L[k];
        size_t ni = y->cin * y->hi * y->wi;
        double *g[2] = {NULL, NULL};
        for (int s = 0; s < 2; s++) {
            double *d = calloc(ni, sizeof(double)), *in = acts[s][k], *dd = del[s];
            if (y->conv) {
                if (y->trainable) {
                    g[s] = calloc(y->cout * y->cin * 9, sizeof(double));
                    double *gg = g[s];
                    FOR_TAPS(y, gg[tap] += dd[po] * in[pi]);
                }
                FOR_TAPS(y, d[pi] += y->W[tap] * dd[po]);
                for (size_t i = 0; i < ni; i++)
                    d[i] *= y->scale;
            } else {
                for (size_t i = 0; i < ni; i++)
                    d[i] = in[i] > 0 ? sqrt(a->c_sigma) * dd[i] : 0.0;
            }
            free(del[s]);
            del[s] = d;
        }
        if (g[0]) {
            for (size_t i = 0; i < y->cout * y->cin * 9; i++)
                ntk += y->scale * y->scale * g[0][i] * g[1][i];
            free(g[0]);
            free(g[1]);
        }
    }
    for (int s = 0; s < 2; s++) {
        free(del[s]);
        for (size_t k = 0; k <= n; k++)
            free(acts[s][k]);
    }
    for (size_t k = 0; k < n; k++)
        free(L[k].W);
    free(ro);
    return ntk;
}

static double analytic(const ntkb_cntk_arch *a, size_t C, size_t H, size_t W, const double *x,
                       const double *z)
{
    ntkb_cntk *k;
    assert_int_equal(ntkb_cntk_alloc(a, C, H, W, &k), NTKB_OK);
    double *cx = malloc(ntkb_cntk_cache_size(k) * sizeof(double) + 8);
    double *cz = malloc(ntkb_cntk_cache_size(k) * sizeof(double) + 8);
    ntkb_cntk_work *w = ntkb_cntk_work_alloc(k);
    ntkb_cntk_precompute(k, x, cx, w);
    ntkb_cntk_precompute(k, z, cz, w);
    double v = ntkb_cntk_pair(k, x, cx, z, cz, w);
    ntkb_cntk_work_free(w);
    free(cx);
    free(cz);
    ntkb_cntk_free(k);
    return v;
}

static void check(const char *name, const ntkb_cntk_arch *a, size_t width, size_t nets)
{
    const size_t C = 3, H = 8, W = 8;
    double x[192], z[192];
    for (size_t i = 0; i < 192; i++) {
        x[i] = 2 * unif() - 1;
        z[i] = 0.6 * x[i] + 0.8 * (2 * unif() - 1); /* correlated, so K(x,z) is not tiny */
    }
    double want = analytic(a, C, H, W, x, z);
    double s = 0, s2 = 0;
    for (size_t k = 0; k < nets; k++) {
        double v = empirical(a, C, H, W, width, x, z);
        s += v;
        s2 += v * v;
    }
    double mean = s / nets, se = sqrt((s2 / nets - mean * mean) / (nets - 1));
    printf("# %s: Monte Carlo %.6g +- %.2g (width %zu, %zu nets), analytic %.6g\n", name, mean,
           se, width, nets, want);
    if (fabs(mean - want) > 4 * se + 0.03 * fabs(want))
        fail_msg("%s: Monte Carlo %.6g ± %.2g, analytic %.6g", name, mean, se, want);
}

static void test_lantk_net(void **state)
{
    (void)state;
    ntkb_cntk_arch a;
    ntkb_cntk_arch_lantk(&a, 3);
    check("lantk", &a, 128, 32);
}

static void test_arora_gap_fix(void **state)
{
    (void)state;
    ntkb_cntk_arch a;
    ntkb_cntk_arch_arora(&a, 4, 1);
    check("arora-gap-4", &a, 128, 48);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lantk_net),
        cmocka_unit_test(test_arora_gap_fix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
