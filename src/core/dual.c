/* Activation duals: closed forms for ReLU, erf and GeLU, Gauss–Hermite for the rest (the array
 * ReLU layer is in dual_layer.c). */
#include "dual.h"

#include "dual_mv.h"

#include <complex.h>

#include <math.h>
#include <stdlib.h>

#include <lapacke.h>

typedef double complex cplx;


#define PI_D 3.14159265358979323846

/* The closed forms, written once over complex arguments with analytic operations only (no |·|,
 * no conjugate), so that a complex step in an input carries the exact derivative in the
 * imaginary part (lantk/fcntk.c); the real functions below evaluate them on the real axis.
 * Clipping acts on the real part, as the reference codes clip the real correlation. */
static cplx clip1_re(cplx x)
{
    return creal(x) >= 1.0 ? 1.0 : (creal(x) <= -1.0 ? -1.0 : x);
}

cplx ntkb_dual_relu_cx(cplx q, cplx q2, cplx c, cplx *sigma_dot)
{
    cplx s = csqrt(q * q2);
    cplx rho = creal(s) > 0.0 ? clip1_re(c / s) : 0.0;
    cplx pt = PI_D - cacos(rho);
    if (sigma_dot)
        *sigma_dot = pt / (2.0 * PI_D);
    return s * (csqrt(1.0 - rho * rho) + pt * rho) / (2.0 * PI_D);
}

cplx ntkb_dual_erf_cx(cplx q, cplx q2, cplx c, cplx *sigma_dot)
{
    cplx p = (1.0 + 2.0 * q) * (1.0 + 2.0 * q2);
    if (sigma_dot) {
        cplx d = p - 4.0 * c * c;
        /* d ≥ 1 + 2(q + q2) > 0 mathematically (|c| ≤ sqrt(q q2)); guard round-off only. */
        *sigma_dot = (4.0 / PI_D) / csqrt(creal(d) > 0.0 ? d : 0.0);
    }
    return (2.0 / PI_D) * casin(clip1_re(2.0 * c / csqrt(p)));
}

cplx ntkb_dual_gelu_cx(cplx q, cplx q2, cplx c, cplx *sigma_dot)
{
    /* neural-tangents' Gelu, with its atan2(c, δ) written as asin(c / sqrt(P1)), analytic in c. */
    cplx p = q * q2, p1 = (1.0 + q) * (1.0 + q2);
    cplx d2 = p1 - c * c;
    /* δ² ≥ 1 + q + q2 > 0 when |c| ≤ sqrt(q q2). */
    cplx d = csqrt(creal(d2) > 0.0 ? d2 : 0.0);
    cplx a = casin(c / csqrt(p1));
    if (sigma_dot)
        *sigma_dot = 0.25 + a / (2.0 * PI_D) +
                     (c / (2.0 * PI_D * d)) * (1.0 / d2 + (1.0 - p) / p1 + 1.0);
    return c / 4.0 + ((c * c + p * d2) / (p1 * d) + c * a) / (2.0 * PI_D);
}

typedef cplx (*dual_cx_fn)(cplx, cplx, cplx, cplx *);

static void on_real_axis(dual_cx_fn f, double q, double q2, double c, double *sigma,
                         double *sigma_dot)
{
    cplx d, e = f(q, q2, c, &d);
    if (sigma)
        *sigma = creal(e);
    if (sigma_dot)
        *sigma_dot = creal(d);
}

void ntkb_dual_relu(double q, double q2, double c, double *sigma, double *sigma_dot)
{
    on_real_axis(ntkb_dual_relu_cx, q, q2, c, sigma, sigma_dot);
}

void ntkb_dual_erf(double q, double q2, double c, double *sigma, double *sigma_dot)
{
    on_real_axis(ntkb_dual_erf_cx, q, q2, c, sigma, sigma_dot);
}

void ntkb_dual_gelu(double q, double q2, double c, double *sigma, double *sigma_dot)
{
    on_real_axis(ntkb_dual_gelu_cx, q, q2, c, sigma, sigma_dot);
}

double ntkb_act_relu(double x, void *params)
{
    (void)params;
    return x > 0.0 ? x : 0.0;
}

double ntkb_act_relu_prime(double x, void *params)
{
    (void)params;
    return x > 0.0 ? 1.0 : 0.0;
}

double ntkb_act_erf(double x, void *params)
{
    (void)params;
    return erf(x);
}

double ntkb_act_erf_prime(double x, void *params)
{
    (void)params;
    return 2.0 / sqrt(PI_D) * exp(-x * x);
}

double ntkb_act_gelu(double x, void *params)
{
    (void)params;
    return x * 0.5 * erfc(-x / sqrt(2.0));
}

double ntkb_act_gelu_prime(double x, void *params)
{
    (void)params;
    return 0.5 * erfc(-x / sqrt(2.0)) + x * exp(-0.5 * x * x) / sqrt(2.0 * PI_D);
}

struct ntkb_dual_gh {
    size_t d;
    double *t, *w;
};

ntkb_status ntkb_dual_gh_alloc(size_t D, ntkb_dual_gh **out)
{
    *out = NULL;
    if (D == 0)
        return ntkb_error(NTKB_EINVAL, "Gauss-Hermite rule: D must be at least 1");
    ntkb_dual_gh *r = calloc(1, sizeof *r);
    if (!r)
        return ntkb_error(NTKB_ENOMEM, "Gauss-Hermite rule: out of memory");
    r->d = D;
    r->t = malloc(D * sizeof *r->t);
    r->w = malloc(D * sizeof *r->w);
    double *offd = malloc((D > 1 ? D - 1 : 1) * sizeof *offd), *z = malloc(D * D * sizeof *z);
    if (!r->t || !r->w || !offd || !z) {
        free(offd);
        free(z);
        ntkb_dual_gh_free(r);
        return ntkb_error(NTKB_ENOMEM, "Gauss-Hermite rule of %zu nodes: out of memory", D);
    }
    /* Golub–Welsch: the nodes are the eigenvalues of the Jacobi matrix of the physicists'
     * Hermite recurrence (zero diagonal, off-diagonal sqrt(k/2)), the weights sqrt(π) times the
     * squared first components of the unit eigenvectors. */
    for (size_t k = 0; k < D; k++)
        r->t[k] = 0.0;
    for (size_t k = 1; k < D; k++)
        offd[k - 1] = sqrt(0.5 * (double)k);
    lapack_int info = LAPACKE_dstev(LAPACK_COL_MAJOR, 'V', (lapack_int)D, r->t, offd, z,
                                    (lapack_int)D);
    for (size_t k = 0; info == 0 && k < D; k++)
        r->w[k] = sqrt(PI_D) * z[k * D] * z[k * D];
    free(offd);
    free(z);
    if (info != 0) {
        ntkb_dual_gh_free(r);
        return ntkb_error(NTKB_ENUMERIC, "Gauss-Hermite rule of %zu nodes: LAPACK dstev failed "
                          "(info %d)", D, (int)info);
    }
    *out = r;
    return NTKB_OK;
}

void ntkb_dual_gh_free(ntkb_dual_gh *rule)
{
    if (!rule)
        return;
    free(rule->t);
    free(rule->w);
    free(rule);
}

size_t ntkb_dual_gh_size(const ntkb_dual_gh *rule)
{
    return rule ? rule->d : 0;
}

/* (1/π) Σ_ij w_i w_j g(u_i) g(v_ij) for one function g. */
static double gh_expect(const ntkb_dual_gh *r, ntkb_activation_fn g, void *params, double q,
                        double q2, double c)
{
    const size_t D = r->d;
    double acc = 0.0;
    if (q <= 0.0) { /* u ≡ 0: E[g(0) g(v)] with v ~ N(0, q2) */
        for (size_t j = 0; j < D; j++)
            acc += r->w[j] * g(sqrt(2.0 * q2) * r->t[j], params);
        return g(0.0, params) * acc / sqrt(PI_D);
    }
    double cond = q2 - c * c / q;
    double sv = sqrt(2.0 * (cond > 0.0 ? cond : 0.0));
    double su = sqrt(2.0 * q);
    for (size_t i = 0; i < D; i++) {
        double u = su * r->t[i];
        double gu = g(u, params);
        if (gu == 0.0)
            continue; /* half the nodes for ReLU-like activations */
        double inner = 0.0;
        for (size_t j = 0; j < D; j++)
            inner += r->w[j] * g((c / q) * u + sv * r->t[j], params);
        acc += r->w[i] * gu * inner;
    }
    return acc / PI_D;
}

ntkb_status ntkb_dual_gh_eval(const ntkb_dual_gh *rule, ntkb_activation_fn f,
                              ntkb_activation_fn fprime, void *params, double q, double q2,
                              double c, double *sigma, double *sigma_dot)
{
    if (!rule || !f)
        return ntkb_error(NTKB_EINVAL, "ntkb_dual_gh_eval: NULL rule or activation");
    if (!(q >= 0.0) || !(q2 >= 0.0))
        return ntkb_error(NTKB_EINVAL, "ntkb_dual_gh_eval: negative variance (%g, %g)", q, q2);
    if (fabs(c) > sqrt(q * q2) * (1.0 + 1e-12) + 1e-300)
        return ntkb_error(NTKB_EINVAL, "ntkb_dual_gh_eval: |c| = %g exceeds sqrt(q q2) = %g",
                          fabs(c), sqrt(q * q2));
    if (sigma)
        *sigma = gh_expect(rule, f, params, q, q2, c);
    if (sigma_dot && fprime)
        *sigma_dot = gh_expect(rule, fprime, params, q, q2, c);
    return NTKB_OK;
}

/* The array ReLU layer: the variant of this CPU (dual_layer.c, core/isa.h). */
void ntkb_dual_relu_layer(size_t n, double *sig, double *theta, const double *sa,
                          const double *sb, double c_sigma)
{
    NTKB_MV_PICK(ntkb_dual_relu_layer)(n, sig, theta, sa, sb, c_sigma);
}

void ntkb_dual_relu_layer_ref(size_t n, double *sig, double *theta, const double *sa,
                              const double *sb, double c_sigma)
{
    NTKB_MV_PICK(ntkb_dual_relu_layer_ref)(n, sig, theta, sa, sb, c_sigma);
}

const char *ntkb_dual_relu_impl(void)
{
    return NTKB_MV_PICK(ntkb_dual_relu_impl)();
}
