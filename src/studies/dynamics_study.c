/* The dynamics study (see dynamics.h): data, the kernel's curves, the networks' curves, and
 * the figure data; dynamics_report.c writes dynamics.md. */
#include "dynamics.h"
#include "dynamics_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/clock.h"
#include "lantk/images.h"

ntkb_dyn_opts ntkb_dyn_opts_default(void)
{
    ntkb_dyn_opts o = {0};
    o.n_train = 200;
    o.n_test = 500;
    const size_t w[5] = {256, 512, 1024, 2048, 4096};
    memcpy(o.widths, w, sizeof w);
    o.n_widths = 5;
    o.steps = 2000;
    o.eta_scale = 0.25;
    o.sw = sqrt(2.0);
    o.beta = 0.1;
    o.seed = 1;
    o.out_dir = "results";
    return o;
}

void ntkb_dyn_data_free(ntkb_dyn_data *D)
{
    free(D->X);
    free(D->Xt);
    free(D->y);
    free(D->yt);
    memset(D, 0, sizeof *D);
}

/* One split of the pair: ±1 scaling, area-averaged by `factor`, flattened into *X. */
static ntkb_status split_of(const char *dataset, const char *dir, int train, int a, int b,
                            size_t per_class, size_t factor, double **X, double **y, size_t *n,
                            size_t *d)
{
    ntkb_images *full = NULL, *pair = NULL, *small = NULL;
    ntkb_status st = strcmp(dataset, "cifar10") == 0
                         ? ntkb_images_load_cifar10(dir, train, &full, NULL)
                         : ntkb_images_load_fashion_mnist(dir, train, &full);
    if (st == NTKB_OK)
        st = ntkb_images_select_pair(full, a, b, per_class, &pair, y);
    if (st == NTKB_OK) {
        ntkb_images_scale_pm1(pair);
        st = ntkb_images_downsample(pair, factor, &small);
    }
    if (st == NTKB_OK) {
        *n = small->n;
        *d = ntkb_images_size(small);
        *X = malloc(*n * *d * sizeof **X);
        if (!*X)
            st = ntkb_error(NTKB_ENOMEM, "out of memory");
        else
            memcpy(*X, small->pixels, *n * *d * sizeof **X);
    }
    ntkb_images_free(full);
    ntkb_images_free(pair);
    ntkb_images_free(small);
    return st;
}

ntkb_status ntkb_dyn_data_load(const char *dataset, const char *pair, const char *dir,
                               size_t n_train, size_t n_test, ntkb_dyn_data *D)
{
    memset(D, 0, sizeof *D);
    char buf[64];
    snprintf(buf, sizeof buf, "%s", pair);
    char *comma = strchr(buf, ',');
    int a = -1, b = -1;
    if (comma) {
        *comma = '\0';
        a = ntkb_images_class_index(dataset, buf);
        b = ntkb_images_class_index(dataset, comma + 1);
    }
    if (a < 0 || b < 0 || a == b)
        return ntkb_error(NTKB_EINVAL, "dynamics: pair '%s' of %s: expected two different "
                          "classes A,B (names or 0..9)", pair, dataset);
    int fm = strcmp(dataset, "fashion-mnist") == 0;
    D->factor = fm ? 2 : 4; /* 14×14 = 196 and 8×8×3 = 192 inputs */
    snprintf(D->key, sizeof D->key, "%s-%s-%s", fm ? "fm" : "cifar10",
             ntkb_images_class_name(dataset, a), ntkb_images_class_name(dataset, b));
    snprintf(D->dataset, sizeof D->dataset, "%s", dataset);
    size_t d2 = 0;
    ntkb_status st = split_of(dataset, dir, 1, a, b, n_train / 2, D->factor, &D->X, &D->y, &D->n,
                              &D->d);
    if (st == NTKB_OK)
        st = split_of(dataset, dir, 0, a, b, n_test / 2, D->factor, &D->Xt, &D->yt, &D->m, &d2);
    if (st != NTKB_OK)
        ntkb_dyn_data_free(D);
    return st;
}

/* Steps at which the curves are sampled: 0 and about 40 log-spaced integers up to S. */
size_t ntkb_dyn_grid(size_t S, size_t *steps)
{
    size_t k = 0;
    steps[k++] = 0;
    for (int i = 0; i <= 40; i++) {
        size_t s = (size_t)floor(pow((double)S, i / 40.0) + 0.5);
        if (s > steps[k - 1])
            steps[k++] = s;
    }
    return k;
}

/* Train MSE, test MSE and test error (%) of predictions against targets. */
void ntkb_dyn_metrics(size_t n, const double *f, const double *y, size_t m, const double *ft,
                      const double *yt, double *out3)
{
    double a = 0, b = 0, e = 0;
    for (size_t i = 0; i < n; i++)
        a += (f[i] - y[i]) * (f[i] - y[i]) / (double)n;
    for (size_t i = 0; i < m; i++) {
        b += (ft[i] - yt[i]) * (ft[i] - yt[i]) / (double)m;
        e += ((ft[i] > 0) != (yt[i] > 0)) * 100.0 / (double)m;
    }
    out3[0] = a;
    out3[1] = b;
    out3[2] = e;
}

/* The normalised projections v_iᵀ r / v_iᵀ(−y) on the top NTKB_DYN_MODES eigenvectors. */
void ntkb_dyn_modes(size_t n, const double *V, const double *y, const double *f, double *out)
{
    for (int q = 0; q < NTKB_DYN_MODES; q++) {
        size_t i = n - 1 - (size_t)q;
        double pr = 0, p0 = 0;
        for (size_t j = 0; j < n; j++) {
            pr += V[j * n + i] * (f[j] - y[j]);
            p0 -= V[j * n + i] * y[j];
        }
        out[q] = p0 != 0 ? pr / p0 : NAN;
    }
}

static double frob_rel(size_t n, const double *A, const double *B)
{
    double d = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        d += (A[i] - B[i]) * (A[i] - B[i]);
        b += B[i] * B[i];
    }
    return b > 0 ? sqrt(d / b) : NAN;
}

/* The root-mean-square of ‖Θ̂₀ − Θ‖_F/‖Θ‖_F over NTKB_DYN_INITS initialisations (the trained
 * network's seed first): one draw is too noisy to show the 1/√h trend.  K0: n×n scratch. */
ntkb_status ntkb_dyn_init_dev(const ntkb_dyn_opts *o, const ntkb_dyn_data *D, const double *K,
                              size_t h, double *K0, double *dev)
{
    double s2 = 0;
    for (int r = 0; r < NTKB_DYN_INITS; r++) {
        ntkb_dyn_net *net = NULL;
        ntkb_status st = ntkb_dyn_net_alloc(D->d, h, o->sw, o->beta,
                                            o->seed * 1000003u + h + 7919u * (uint64_t)r, &net);
        if (st == NTKB_OK)
            st = ntkb_dyn_net_ntk(net, D->n, D->X, D->n, NULL, K0);
        ntkb_dyn_net_free(net);
        if (st != NTKB_OK)
            return st;
        double d = frob_rel(D->n * D->n, K0, K);
        s2 += d * d / NTKB_DYN_INITS;
    }
    *dev = sqrt(s2);
    return NTKB_OK;
}

/* One width: trains the network, writing its block of the net figure data, and fills w. */
ntkb_status ntkb_dyn_train_width(const ntkb_dyn_opts *o, const ntkb_dyn_data *D,
                                 const double *K, const double *V, const double *ker_test_T,
                                 double eta, size_t h, FILE *dat, ntkb_dyn_width *w)
{
    const size_t n = D->n, m = D->m, S = o->steps;
    size_t grid[64], ng = ntkb_dyn_grid(S, grid), gi = 0;
    ntkb_dyn_net *net = NULL;
    double *sc = malloc((2 * (n > m ? n : m) * h + n + m) * sizeof *sc);
    double *f0 = malloc(n * sizeof *f0), *ft0 = malloc(m * sizeof *ft0);
    double *f = malloc(n * sizeof *f), *ft = malloc(m * sizeof *ft);
    double *K0 = malloc(n * n * sizeof *K0), *KT = malloc(n * n * sizeof *KT);
    ntkb_status st = NTKB_OK;
    memset(w, 0, sizeof *w);
    w->h = h;
    w->best_acc = -1;
    double t0 = ntkb_clock_now();
    if (!sc || !f0 || !ft0 || !f || !ft || !K0 || !KT) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory (width %zu)", h);
        goto done;
    }
    if ((st = ntkb_dyn_net_alloc(D->d, h, o->sw, o->beta, o->seed * 1000003u + h, &net)))
        goto done;
    ntkb_dyn_net_forward(net, n, D->X, f0, sc);
    ntkb_dyn_net_forward(net, m, D->Xt, ft0, sc);
    if ((st = ntkb_dyn_init_dev(o, D, K, h, K0, &w->ntk0_dev)) != NTKB_OK ||
        (st = ntkb_dyn_net_ntk(net, n, D->X, n, NULL, K0)) != NTKB_OK)
        goto done;
    fprintf(dat, "# width %zu: step t train_mse test_mse test_err modes 1..%d\n", h,
            NTKB_DYN_MODES);
    for (size_t s = 0; s <= S; s++) {
        if (s > 0)
            ntkb_dyn_net_step(net, n, D->X, D->y, f0, eta, sc);
        if (gi >= ng || grid[gi] != s)
            continue;
        gi++;
        ntkb_dyn_net_forward(net, n, D->X, f, sc);
        ntkb_dyn_net_forward(net, m, D->Xt, ft, sc);
        for (size_t i = 0; i < n; i++)
            f[i] -= f0[i];
        for (size_t i = 0; i < m; i++)
            ft[i] -= ft0[i];
        double met[3], md[NTKB_DYN_MODES];
        ntkb_dyn_metrics(n, f, D->y, m, ft, D->yt, met);
        ntkb_dyn_modes(n, V, D->y, f, md);
        fprintf(dat, "%zu %.6g %.6g %.6g %.4f", s, eta * (double)s, met[0], met[1], met[2]);
        for (int q = 0; q < NTKB_DYN_MODES; q++)
            fprintf(dat, " %.6g", md[q]);
        fputc('\n', dat);
        if (s > 0 && 100.0 - met[2] > w->best_acc) {
            w->best_acc = 100.0 - met[2];
            w->best_t = eta * (double)s;
        }
        w->final_acc = 100.0 - met[2];
        w->final_train_mse = met[0];
    }
    fprintf(dat, "\n\n");
    w->test_dev = frob_rel(m, ft, ker_test_T);
    if ((st = ntkb_dyn_net_ntk(net, n, D->X, n, NULL, KT)) != NTKB_OK)
        goto done;
    w->ntk_move = frob_rel(n * n, KT, K0);
    w->seconds = ntkb_clock_now() - t0;
    fprintf(stderr, "bench_dynamics: %s width %zu: %zu steps in %.1f s; |NTK0 - NTK|/|NTK| = %.3g, "
            "NTK moved %.3g, test predictions off the kernel's by %.3g\n", D->key, h, S,
            w->seconds, w->ntk0_dev, w->ntk_move, w->test_dev);
done:
    ntkb_dyn_net_free(net);
    free(sc);
    free(f0);
    free(ft0);
    free(f);
    free(ft);
    free(K0);
    free(KT);
    return st;
}
