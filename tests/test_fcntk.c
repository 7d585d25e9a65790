/* Tests of src/lantk/fcntk: the Jacot and Arora forms against each other (homogeneity), the
 * Gauss–Hermite path against the closed forms, the Gram driver against pairs, and a
 * finite-width Monte-Carlo check: the empirical NTK of random wide MLPs (NTK parameterisation,
 * bias β) averages to the analytic kernel. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "core/dual.h"
#include "lantk/fcntk.h"

static uint64_t rs = 77;
static double unif(void)
{
    rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(rs >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}
static double gauss(void)
{
    return sqrt(-2.0 * log(unif())) * cos(6.283185307179586 * unif());
}

static void test_linear_and_arora_vs_jacot(void **state)
{
    (void)state;
    const double x[4] = {0.3, -1.2, 0.5, 2.0}, z[4] = {1.1, 0.4, -0.7, 0.9};
    double xz = 0, v, nngp;
    for (int i = 0; i < 4; i++)
        xz += x[i] * z[i];
    ntkb_fcntk_params a, j;
    ntkb_fcntk_params_arora(&a, NTKB_ACT_RELU, 0);
    assert_int_equal(ntkb_fcntk_pair(&a, 4, x, z, &v, &nngp), NTKB_OK);
    assert_close(v, xz, 1e-15);
    for (size_t L = 1; L <= 4; L++) {
        double va, vj;
        ntkb_fcntk_params_arora(&a, NTKB_ACT_RELU, L);
        ntkb_fcntk_params_jacot(&j, NTKB_ACT_RELU, L, 0.0, 4);
        assert_true(a.c_sigma == 2.0);
        ntkb_fcntk_pair(&a, 4, x, z, &va, NULL);
        ntkb_fcntk_pair(&j, 4, x, z, &vj, NULL);
        /* bias-free ReLU: positive homogeneity gives Arora = n0 · 2^L · Jacot */
        assert_close(va, 4.0 * pow(2.0, (double)L) * vj, 1e-13);
    }
    /* c_σ of erf and GeLU normalise E[σ(z)²] to 1: one layer on unit inputs keeps Σ(x,x) = 1 */
    const double e1[1] = {1.0};
    for (int act = NTKB_ACT_ERF; act <= NTKB_ACT_GELU; act++) {
        ntkb_fcntk_params_arora(&a, (ntkb_activation)act, 1);
        ntkb_fcntk_pair(&a, 1, e1, e1, &v, &nngp);
        assert_close(nngp, 1.0, 1e-14);
    }
}

static void test_gh_matches_closed_form(void **state)
{
    (void)state;
    ntkb_dual_gh *rule;
    assert_int_equal(ntkb_dual_gh_alloc(60, &rule), NTKB_OK);
    const double x[3] = {0.4, -0.3, 0.8}, z[3] = {0.1, 0.6, 0.2};
    ntkb_fcntk_params p, g;
    ntkb_fcntk_params_jacot(&p, NTKB_ACT_GELU, 3, 0.3, 3);
    g = p;
    g.act = NTKB_ACT_CUSTOM;
    g.rule = rule;
    g.f = ntkb_act_gelu;
    g.fprime = ntkb_act_gelu_prime;
    double v1, v2, n1, n2;
    assert_int_equal(ntkb_fcntk_pair(&p, 3, x, z, &v1, &n1), NTKB_OK);
    assert_int_equal(ntkb_fcntk_pair(&g, 3, x, z, &v2, &n2), NTKB_OK);
    assert_close(v1, v2, 1e-10);
    assert_close(n1, n2, 1e-10);
    g.f = NULL;
    assert_int_equal(ntkb_fcntk_pair(&g, 3, x, z, &v2, &n2), NTKB_EINVAL);
    ntkb_dual_gh_free(rule);
}

static void test_gram(void **state)
{
    (void)state;
    const size_t n = 13, m = 4, d = 6;
    double X[13 * 6], Z[4 * 6], K[13 * 13], B[13 * 4];
    for (size_t i = 0; i < n * d; i++)
        X[i] = gauss();
    for (size_t i = 0; i < m * d; i++)
        Z[i] = gauss();
    ntkb_fcntk_params p;
    ntkb_fcntk_params_jacot(&p, NTKB_ACT_ERF, 2, 0.2, d);
    assert_int_equal(ntkb_fcntk_gram(&p, n, d, X, 0, NULL, K), NTKB_OK);
    assert_int_equal(ntkb_fcntk_gram(&p, n, d, X, m, Z, B), NTKB_OK);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            double v;
            ntkb_fcntk_pair(&p, d, X + i * d, X + j * d, &v, NULL);
            assert_close(K[i * n + j], v, 1e-13);
        }
        for (size_t j = 0; j < m; j++) {
            double v;
            ntkb_fcntk_pair(&p, d, X + i * d, Z + j * d, &v, NULL);
            assert_close(B[i * m + j], v, 1e-13);
        }
    }
}

/* Empirical NTK of one random MLP (NTK parameterisation, bias β, `hidden` layers of `width`). */
static double empirical_ntk(const ntkb_fcntk_params *p, ntkb_activation_fn f,
                            ntkb_activation_fn fp, size_t n0, size_t width, const double *x,
                            const double *z)
{
    const size_t L = p->hidden;
    const double b = p->beta;
    size_t dims[8];
    dims[0] = n0;
    for (size_t l = 1; l <= L; l++)
        dims[l] = width;
    dims[L + 1] = 1;
    double *W[8], *pre[2][8], *h[2][8], *del[2][8];
    const double *in[2] = {x, z};
    for (size_t l = 0; l <= L; l++) {
        W[l] = malloc(dims[l + 1] * dims[l] * sizeof(double));
        for (size_t i = 0; i < dims[l + 1] * dims[l]; i++)
            W[l][i] = gauss();
    }
    double *bias[8];
    for (size_t l = 0; l <= L; l++) {
        bias[l] = malloc(dims[l + 1] * sizeof(double));
        for (size_t i = 0; i < dims[l + 1]; i++)
            bias[l][i] = gauss();
    }
    for (int s = 0; s < 2; s++) {
        h[s][0] = malloc(n0 * sizeof(double));
        memcpy(h[s][0], in[s], n0 * sizeof(double));
        for (size_t l = 0; l <= L; l++) {
            pre[s][l + 1] = malloc(dims[l + 1] * sizeof(double));
            h[s][l + 1] = malloc(dims[l + 1] * sizeof(double));
            for (size_t i = 0; i < dims[l + 1]; i++) {
                double a = 0;
                for (size_t j = 0; j < dims[l]; j++)
                    a += W[l][i * dims[l] + j] * h[s][l][j];
                a = a / sqrt((double)dims[l]) + b * bias[l][i];
                pre[s][l + 1][i] = a;
                h[s][l + 1][i] = l < L ? f(a, NULL) : a;
            }
        }
        /* δ^{L+1} = 1; δ^l = σ'(α^l) ⊙ W^lᵀ δ^{l+1} / sqrt(n_l) */
        del[s][L + 1] = malloc(sizeof(double));
        del[s][L + 1][0] = 1.0;
        for (size_t l = L; l >= 1; l--) {
            del[s][l] = malloc(dims[l] * sizeof(double));
            for (size_t j = 0; j < dims[l]; j++) {
                double a = 0;
                for (size_t i = 0; i < dims[l + 1]; i++)
                    a += W[l][i * dims[l] + j] * del[s][l + 1][i];
                del[s][l][j] = fp(pre[s][l][j], NULL) * a / sqrt((double)dims[l]);
            }
        }
    }
    double ntk = 0;
    for (size_t l = 0; l <= L; l++) {
        double dd = 0, hh = 0;
        for (size_t i = 0; i < dims[l + 1]; i++)
            dd += del[0][l + 1][i] * del[1][l + 1][i];
        for (size_t j = 0; j < dims[l]; j++)
            hh += h[0][l][j] * h[1][l][j];
        ntk += dd * (hh / (double)dims[l] + b * b);
    }
    for (size_t l = 0; l <= L; l++) {
        free(W[l]);
        free(bias[l]);
    }
    for (int s = 0; s < 2; s++) {
        free(h[s][0]);
        for (size_t l = 0; l <= L; l++) {
            free(pre[s][l + 1]);
            free(h[s][l + 1]);
            free(del[s][l + 1]);
        }
    }
    return ntk;
}

static void check_mc(ntkb_activation act, ntkb_activation_fn f, ntkb_activation_fn fp)
{
    const size_t n0 = 5, width = 768, nets = 24;
    const double x[5] = {1.0, -0.5, 0.3, 0.8, -1.2}, z[5] = {0.6, 0.2, -0.9, 1.1, -0.4};
    ntkb_fcntk_params p;
    ntkb_fcntk_params_jacot(&p, act, 2, 0.4, n0);
    double want;
    assert_int_equal(ntkb_fcntk_pair(&p, n0, x, z, &want, NULL), NTKB_OK);
    double s = 0, s2 = 0;
    for (size_t k = 0; k < nets; k++) {
        double v = empirical_ntk(&p, f, fp, n0, width, x, z);
        s += v;
        s2 += v * v;
    }
    double mean = s / nets, se = sqrt((s2 / nets - mean * mean) / (nets - 1));
    printf("# act %d: Monte Carlo %.6g +- %.2g, analytic %.6g\n", act, mean, se, want);
    if (fabs(mean - want) > 4 * se + 0.02 * fabs(want))
        fail_msg("act %d: Monte Carlo %.6g ± %.2g (width %zu, %zu nets), analytic %.6g", act, mean,
                 se, width, nets, want);
}

static void test_mc_relu(void **state)
{
    (void)state;
    check_mc(NTKB_ACT_RELU, ntkb_act_relu, ntkb_act_relu_prime);
}

static void test_mc_erf(void **state)
{
    (void)state;
    check_mc(NTKB_ACT_ERF, ntkb_act_erf, ntkb_act_erf_prime);
}

static void test_mc_gelu(void **state)
{
    (void)state;
    check_mc(NTKB_ACT_GELU, ntkb_act_gelu, ntkb_act_gelu_prime);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linear_and_arora_vs_jacot),
        cmocka_unit_test(test_gh_matches_closed_form),
        cmocka_unit_test(test_gram),
        cmocka_unit_test(test_mc_relu),
        cmocka_unit_test(test_mc_erf),
        cmocka_unit_test(test_mc_gelu),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
