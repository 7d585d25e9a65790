/* Tests of src/eval/krr on synthetic problems with known answers: PD and ridge solves
 * (Cholesky), an indefinite matrix (LU fallback), a singular one, the gradient-flow predictor
 * against an RK4 integration of the training ODE and its t → 0 / t → ∞ limits, accuracies. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "core/krr.h"

static uint64_t rs = 2024;
static double unif(void)
{
    rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rs >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0;
}

/* K = A Aᵀ (+ shift I): symmetric PSD (PD with shift > 0). */
static double *gram(size_t n, size_t d, double shift)
{
    double *A = malloc(n * d * sizeof *A), *K = calloc(n * n, sizeof *K);
    for (size_t i = 0; i < n * d; i++)
        A[i] = unif();
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            for (size_t l = 0; l < d; l++)
                K[i * n + j] += A[i * d + l] * A[j * d + l];
            if (i == j)
                K[i * n + j] += shift;
        }
    free(A);
    return K;
}

static void matvec(size_t n, size_t k, const double *K, const double *x, double *y)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++) {
            double s = 0;
            for (size_t l = 0; l < n; l++)
                s += K[i * n + l] * x[l * k + j];
            y[i * k + j] = s;
        }
}

static void test_solve_pd_and_ridge(void **state)
{
    (void)state;
    const size_t n = 40, k = 3;
    double *K = gram(n, 60, 0.0), *a = malloc(n * k * sizeof *a), *Y = malloc(n * k * sizeof *Y),
           *got = malloc(n * k * sizeof *got);
    for (size_t i = 0; i < n * k; i++)
        a[i] = unif();
    matvec(n, k, K, a, Y);
    ntkb_krr_method used;
    assert_int_equal(ntkb_krr_solve(n, K, k, Y, 0.0, NTKB_KRR_AUTO, got, &used), NTKB_OK);
    assert_int_equal(used, NTKB_KRR_CHOLESKY);
    for (size_t i = 0; i < n * k; i++)
        assert_close(got[i], a[i], 1e-8);
    assert_int_equal(ntkb_krr_solve(n, K, k, Y, 0.0, NTKB_KRR_LU, got, &used), NTKB_OK);
    assert_int_equal(used, NTKB_KRR_LU);
    for (size_t i = 0; i < n * k; i++)
        assert_close(got[i], a[i], 1e-8);
    /* ridge: (K + 0.5 I) a = Y + 0.5 a */
    for (size_t i = 0; i < n * k; i++)
        Y[i] += 0.5 * a[i];
    assert_int_equal(ntkb_krr_solve(n, K, k, Y, 0.5, NTKB_KRR_AUTO, got, NULL), NTKB_OK);
    for (size_t i = 0; i < n * k; i++)
        assert_close(got[i], a[i], 1e-10);
    assert_int_equal(ntkb_krr_solve(n, K, k, Y, -1.0, NTKB_KRR_AUTO, got, NULL), NTKB_EINVAL);
    /* one item: alpha = Y / (K + ridge) */
    const double K1 = 4.0, Y1[2] = {2.0, 6.0};
    assert_int_equal(ntkb_krr_solve(1, &K1, 2, Y1, 0.0, NTKB_KRR_AUTO, got, NULL), NTKB_OK);
    assert_true(got[0] == 0.5 && got[1] == 1.5);
    assert_int_equal(ntkb_krr_solve(1, &K1, 2, Y1, 4.0, NTKB_KRR_LU, got, NULL), NTKB_OK);
    assert_true(got[0] == 0.25 && got[1] == 0.75);
    free(K);
    free(a);
    free(Y);
    free(got);
}

static void test_indefinite_and_singular(void **state)
{
    (void)state;
    /* K = Q diag(3, -2, 1) Qᵀ with Q a rotation: symmetric, indefinite. */
    const double c = cos(0.7), s = sin(0.7);
    const double Q[9] = {c, -s, 0, s, c, 0, 0, 0, 1}, D[3] = {3, -2, 1};
    double K[9] = {0};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            for (int l = 0; l < 3; l++)
                K[i * 3 + j] += Q[i * 3 + l] * D[l] * Q[j * 3 + l];
    const double a[3] = {1, -2, 0.5};
    double y[3], got[3];
    matvec(3, 1, K, a, y);
    ntkb_krr_method used;
    assert_int_equal(ntkb_krr_solve(3, K, 1, y, 0, NTKB_KRR_AUTO, got, &used), NTKB_OK);
    assert_int_equal(used, NTKB_KRR_LU);
    for (int i = 0; i < 3; i++)
        assert_close(got[i], a[i], 1e-13);
    assert_int_equal(ntkb_krr_solve(3, K, 1, y, 0, NTKB_KRR_CHOLESKY, got, &used), NTKB_ENUMERIC);
    double Z[9] = {1, 2, 3, 2, 4, 6, 3, 6, 0};
    Z[8] = 9; /* rank 1: exactly singular */
    assert_int_equal(ntkb_krr_solve(3, Z, 1, y, 0, NTKB_KRR_AUTO, got, NULL), NTKB_ENUMERIC);
}

/* f' = −η K (f − y), f(0) = 0, integrated by RK4: the training outputs of gradient flow. */
static void rk4_flow(size_t n, const double *K, const double *y, double eta, double t,
                     double *f)
{
    const int steps = 4000;
    const double h = t / steps;
    double *k1 = malloc(4 * n * sizeof *k1), *k2 = k1 + n, *k3 = k2 + n, *k4 = k3 + n;
    double *tmp = malloc(n * sizeof *tmp), *r = malloc(n * sizeof *r);
    memset(f, 0, n * sizeof *f);
#define DERIV(out, at)                                                                            \
    do {                                                                                          \
        for (size_t i = 0; i < n; i++) r[i] = (at)[i] - y[i];                                     \
        matvec(n, 1, K, r, out);                                                                  \
        for (size_t i = 0; i < n; i++) (out)[i] *= -eta;                                          \
    } while (0)
    for (int st = 0; st < steps; st++) {
        DERIV(k1, f);
        for (size_t i = 0; i < n; i++) tmp[i] = f[i] + 0.5 * h * k1[i];
        DERIV(k2, tmp);
        for (size_t i = 0; i < n; i++) tmp[i] = f[i] + 0.5 * h * k2[i];
        DERIV(k3, tmp);
        for (size_t i = 0; i < n; i++) tmp[i] = f[i] + h * k3[i];
        DERIV(k4, tmp);
        for (size_t i = 0; i < n; i++) f[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }
#undef DERIV
    free(k1);
    free(tmp);
    free(r);
}

static void test_gradient_flow(void **state)
{
    (void)state;
    const size_t n = 25;
    double *K = gram(n, 10, 0.05), y[25], alpha[25], f[25], ode[25], ridgeless[25];
    for (size_t i = 0; i < n; i++)
        y[i] = unif() > 0 ? 1 : -1;
    ntkb_krr_eig *e;
    assert_int_equal(ntkb_krr_eig_alloc(n, K, &e), NTKB_OK);
    for (size_t i = 1; i < n; i++)
        assert_true(e->lambda[i] >= e->lambda[i - 1]);
    const double eta = 0.3;
    for (double t = 0.5; t < 30; t *= 4) {
        assert_int_equal(ntkb_krr_flow_coef(e, 1, y, eta * t, alpha), NTKB_OK);
        matvec(n, 1, K, alpha, f);
        rk4_flow(n, K, y, eta, t, ode);
        for (size_t i = 0; i < n; i++)
            if (!ntkb_test_close(f[i], ode[i], 1e-8, 1e-10))
                fail_msg("t %g, i %zu: spectral %.15g, RK4 %.15g", t, i, f[i], ode[i]);
    }
    /* t → ∞: the ridgeless solution; t = 0: nothing learned; small t: α ≈ η t y. */
    assert_int_equal(ntkb_krr_flow_coef(e, 1, y, INFINITY, alpha), NTKB_OK);
    assert_int_equal(ntkb_krr_solve(n, K, 1, y, 0, NTKB_KRR_AUTO, ridgeless, NULL), NTKB_OK);
    for (size_t i = 0; i < n; i++)
        assert_close(alpha[i], ridgeless[i], 1e-9);
    assert_int_equal(ntkb_krr_flow_coef(e, 1, y, 0.0, alpha), NTKB_OK);
    for (size_t i = 0; i < n; i++)
        assert_true(alpha[i] == 0.0);
    assert_int_equal(ntkb_krr_flow_coef(e, 1, y, 1e-9, alpha), NTKB_OK);
    for (size_t i = 0; i < n; i++)
        assert_close(alpha[i], 1e-9 * y[i], 1e-6);
    assert_int_equal(ntkb_krr_flow_coef(e, 1, y, -1.0, alpha), NTKB_EINVAL);
    ntkb_krr_eig_free(e);
    ntkb_krr_eig_free(NULL);
    free(K);
}

static void test_predict_and_accuracy(void **state)
{
    (void)state;
    /* Two clusters, linear kernel + constant: ridgeless regression separates them. */
    const size_t n = 30, m = 10;
    double X[40], y[40], K[30 * 30], Kt[10 * 30], alpha[30], pred[10];
    for (size_t i = 0; i < n + m; i++) {
        y[i] = i % 2 ? 1 : -1;
        X[i] = y[i] * 2 + 0.3 * unif();
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            K[i * n + j] = X[i] * X[j] + 1 + (i == j ? 1e-3 : 0);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++)
            Kt[i * n + j] = X[n + i] * X[j] + 1;
    assert_int_equal(ntkb_krr_solve(n, K, 1, y, 0, NTKB_KRR_AUTO, alpha, NULL), NTKB_OK);
    ntkb_krr_predict(m, n, Kt, 1, alpha, pred);
    assert_close(ntkb_krr_sign_accuracy(m, pred, y + n), 1.0, 0);
    const double p2[6] = {0.1, 0.9, 0.8, 0.2, 0.3, 0.4};
    const double yy[3] = {-1, 1, -1};
    assert_close(ntkb_krr_sign_accuracy(3, (const double[]){-0.5, 0.0, 0.2}, yy), 2.0 / 3, 1e-15);
    const int lab[3] = {1, 0, 0};
    assert_close(ntkb_krr_argmax_accuracy(3, 2, p2, lab), 2.0 / 3, 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_solve_pd_and_ridge),
        cmocka_unit_test(test_indefinite_and_singular),
        cmocka_unit_test(test_gradient_flow),
        cmocka_unit_test(test_predict_and_accuracy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
