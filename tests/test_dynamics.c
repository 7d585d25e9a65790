/* Tests of the dynamics study (src/studies/dynamics_*.c): the gradient-flow predictor against
 * the ridgeless closed form (t → ∞) and against an explicit Euler integration of dr/dt = −K r
 * (each eigen-projection decays as e^{−λt}); the finite network's empirical NTK at
 * initialisation against fcntk's analytic kernel within Monte-Carlo error; and one small
 * gradient-descent step moving the outputs by −η Θ̂ r (the gradient and the NTK agree). */
#include "testutil.h"

#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#include "studies/dynamics.h"

/* A 4×4 SPD kernel with a spread spectrum, 2 test rows, targets. */
static const double K4[16] = {4.0, 1.0, 0.5, 0.2, 1.0, 3.0, 0.3, 0.1,
                              0.5, 0.3, 1.0, 0.05, 0.2, 0.1, 0.05, 0.2};
static const double KX[8] = {1.0, 0.5, 0.2, 0.1, 0.3, 0.9, 0.4, 0.05};
static const double Y4[4] = {1, -1, 1, -1};

static void test_flow_limit(void **state)
{
    (void)state;
    double ev[4], V[16], sc[12], test[2], train[4], A[16], b[4];
    lapack_int piv[4];
    assert_int_equal(ntkb_dyn_eigen(4, K4, ev, V), NTKB_OK);
    assert_true(ev[0] > 0 && ev[0] < ev[3]);
    ntkb_dyn_flow(4, ev, V, Y4, 2, KX, INFINITY, train, test, NULL, sc);
    memcpy(A, K4, sizeof A);
    memcpy(b, Y4, sizeof b);
    assert_int_equal(LAPACKE_dgesv(LAPACK_ROW_MAJOR, 4, 1, A, 4, piv, b, 1), 0);
    for (int r = 0; r < 2; r++) {
        double p = 0;
        for (int j = 0; j < 4; j++)
            p += KX[r * 4 + j] * b[j];
        assert_close(test[r], p, 1e-12);
    }
    for (int i = 0; i < 4; i++)
        assert_close(train[i], Y4[i], 1e-12);
    /* a large finite t is the same limit; t = 0 predicts 0 */
    ntkb_dyn_flow(4, ev, V, Y4, 2, KX, 1e4, train, test, NULL, sc);
    assert_close(test[0], KX[0] * b[0] + KX[1] * b[1] + KX[2] * b[2] + KX[3] * b[3], 1e-10);
    ntkb_dyn_flow(4, ev, V, Y4, 2, KX, 0.0, train, test, NULL, sc);
    assert_true(fabs(test[0]) < 1e-15 && fabs(train[2]) < 1e-15);
}

static void test_flow_euler(void **state)
{
    (void)state;
    double ev[4], V[16], sc[12], proj[4], train[4], r[4], f[4] = {0}, g[4] = {0}, ftest[2];
    assert_int_equal(ntkb_dyn_eigen(4, K4, ev, V), NTKB_OK);
    const double T = 2.0, dt = 1e-5;
    /* f' = −K (f − y) on train; test g' = −Kx (f − y) */
    for (long s = 0; s < (long)(T / dt + 0.5); s++) {
        for (int i = 0; i < 4; i++)
            r[i] = f[i] - Y4[i];
        for (int i = 0; i < 4; i++) {
            double k = 0;
            for (int j = 0; j < 4; j++)
                k += K4[i * 4 + j] * r[j];
            f[i] -= dt * k;
        }
        for (int q = 0; q < 2; q++)
            for (int j = 0; j < 4; j++)
                g[q] -= dt * KX[q * 4 + j] * r[j];
    }
    ntkb_dyn_flow(4, ev, V, Y4, 2, KX, T, train, ftest, proj, sc);
    for (int i = 0; i < 4; i++)
        assert_true(fabs(train[i] - f[i]) < 1e-4);
    for (int q = 0; q < 2; q++)
        assert_true(fabs(ftest[q] - g[q]) < 1e-4);
    /* projections: v_iᵀ(f_T − y) = e^{−λ_i T} v_iᵀ(f_0 − y) = −e^{−λ_i T} v_iᵀ y */
    for (int i = 0; i < 4; i++) {
        double c = 0, e = 0;
        for (int j = 0; j < 4; j++) {
            c += V[j * 4 + i] * Y4[j];
            e += V[j * 4 + i] * (f[j] - Y4[j]);
        }
        assert_close(proj[i], -exp(-ev[i] * T) * c, 1e-12);
        assert_true(fabs(proj[i] - e) < 1e-4);
    }
}

/* Mean empirical NTK over R networks of width h against the analytic kernel, entry by entry,
 * within 5 standard errors. */
static void test_ntk_init(void **state)
{
    (void)state;
    enum { D = 6, N = 3, R = 300, H = 256 };
    double X[N * D], Kmc[N * N], sum[N * N] = {0}, sq[N * N] = {0};
    for (int i = 0; i < N * D; i++)
        X[i] = sin(1.0 + 0.7 * i) * (i % 3 == 0 ? 1.5 : 0.8);
    for (int r = 0; r < R; r++) {
        ntkb_dyn_net *net;
        assert_int_equal(ntkb_dyn_net_alloc(D, H, sqrt(2.0), 0.8, 1000 + r, &net), NTKB_OK);
        assert_int_equal(ntkb_dyn_net_ntk(net, N, X, N, NULL, Kmc), NTKB_OK);
        for (int i = 0; i < N * N; i++) {
            sum[i] += Kmc[i];
            sq[i] += Kmc[i] * Kmc[i];
        }
        ntkb_dyn_net_free(net);
    }
    ntkb_fcntk_params p;
    ntkb_dyn_kernel_params(&p, D, sqrt(2.0), 0.8);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double k, mean = sum[i * N + j] / R;
            double se = sqrt((sq[i * N + j] / R - mean * mean) / (R - 1));
            assert_int_equal(ntkb_fcntk_pair(&p, D, X + i * D, X + j * D, &k, NULL), NTKB_OK);
            if (fabs(mean - k) > 5 * se || se > 0.05 * fabs(k))
                fail_msg("entry %d,%d: Monte-Carlo %.6g ± %.2g, analytic %.6g", i, j, mean, se, k);
        }
}

/* One step with a small η changes the training outputs by −η Θ̂ (f − y) + O(η²). */
static void test_step(void **state)
{
    (void)state;
    enum { D = 5, N = 4, H = 64 };
    double X[N * D], y[N] = {1, -1, 1, -1}, f0[N], f1[N], K[N * N], sc[2 * N * H + N];
    for (int i = 0; i < N * D; i++)
        X[i] = cos(0.3 + 1.1 * i);
    ntkb_dyn_net *net;
    assert_int_equal(ntkb_dyn_net_alloc(D, H, sqrt(2.0), 0.1, 7, &net), NTKB_OK);
    ntkb_dyn_net_forward(net, N, X, f0, sc);
    assert_int_equal(ntkb_dyn_net_ntk(net, N, X, N, NULL, K), NTKB_OK);
    const double eta = 1e-6;
    ntkb_dyn_net_step(net, N, X, y, NULL, eta, sc);
    ntkb_dyn_net_forward(net, N, X, f1, sc);
    for (int i = 0; i < N; i++) {
        double pred = 0;
        for (int j = 0; j < N; j++)
            pred -= eta * K[i * N + j] * (f0[j] - y[j]);
        assert_close(f1[i] - f0[i], pred, 1e-4);
    }
    ntkb_dyn_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_limit), cmocka_unit_test(test_flow_euler),
        cmocka_unit_test(test_ntk_init), cmocka_unit_test(test_step)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
