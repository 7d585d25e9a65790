/* The dynamics study's driver (see dynamics.h): per pair the NTK, its spectrum and gradient
 * flow, then the networks; the figure data under OUT/figures and OUT/dynamics.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/clock.h"
#include "dynamics.h"
#include "dynamics_internal.h"

static FILE *open_dat(const char *dir, const char *key, const char *what)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/figures/dynamics-%s-%s.dat", dir, key, what);
    return fopen(path, "w");
}

/* The kernel's curves: spectrum and flow on a grid reaching 10⁴ times past the networks' T,
 * then t = ∞; fills the kernel fields of s. */
static ntkb_status kernel_curves(const ntkb_dyn_opts *o, const ntkb_dyn_data *D,
                                 const double *ev, const double *V, const double *Kx,
                                 ntkb_dyn_summary *s, double *fT)
{
    const size_t n = D->n, m = D->m;
    double *f = malloc(n * sizeof *f), *ft = malloc(m * sizeof *ft), *sc = malloc(3 * n * sizeof *sc);
    FILE *sp = open_dat(o->out_dir, D->key, "spectrum"), *kc = open_dat(o->out_dir, D->key, "kernel");
    ntkb_status st = NTKB_OK;
    if (!f || !ft || !sc || !sp || !kc) {
        st = ntkb_error(NTKB_EIO, "%s/figures: cannot write the dynamics data (or out of memory)",
                        o->out_dir);
        goto done;
    }
    double tr = 0, tr2 = 0;
    fprintf(sp, "# i eigenvalue (descending) of the NTK on the %zu training images\n", n);
    for (size_t i = 0; i < n; i++) {
        fprintf(sp, "%zu %.8g\n", i + 1, ev[n - 1 - i]);
        tr += ev[i];
        tr2 += ev[i] * ev[i];
    }
    s->eff_rank = tr * tr / tr2;
    fprintf(kc, "# t train_mse test_mse test_err(%%) then e^(-lambda_i t) for the top %d modes "
                "(the kernel's normalised residual projections)\n", NTKB_DYN_MODES);
    s->ker_best_acc = -1;
    for (int i = 0; i <= 70; i++) { /* t from 0.1/λmax to 10⁴·T, log-spaced */
        double t = 0.1 / s->lmax * pow(10.0 * s->T * s->lmax * 1e4 / 1.0, i / 70.0);
        double met[3];
        ntkb_dyn_flow(n, ev, V, D->y, m, Kx, t, f, ft, NULL, sc);
        ntkb_dyn_metrics(n, f, D->y, m, ft, D->yt, met);
        fprintf(kc, "%.6g %.6g %.6g %.4f", t, met[0], met[1], met[2]);
        for (int q = 0; q < NTKB_DYN_MODES; q++)
            fprintf(kc, " %.6g", exp(-ev[n - 1 - q] * t));
        fputc('\n', kc);
        if (100.0 - met[2] > s->ker_best_acc) {
            s->ker_best_acc = 100.0 - met[2];
            s->ker_best_t = t;
        }
    }
    double met[3];
    ntkb_dyn_flow(n, ev, V, D->y, m, Kx, INFINITY, f, ft, NULL, sc);
    ntkb_dyn_metrics(n, f, D->y, m, ft, D->yt, met);
    s->ridgeless_acc = 100.0 - met[2];
    ntkb_dyn_flow(n, ev, V, D->y, m, Kx, s->T, f, fT, NULL, sc);
    ntkb_dyn_metrics(n, f, D->y, m, fT, D->yt, met);
    s->ker_final_acc = 100.0 - met[2];
done:
    if (sp && fclose(sp) != 0 && st == NTKB_OK)
        st = ntkb_error(NTKB_EIO, "cannot write the spectrum data");
    if (kc && fclose(kc) != 0 && st == NTKB_OK)
        st = ntkb_error(NTKB_EIO, "cannot write the kernel data");
    free(f);
    free(ft);
    free(sc);
    return st;
}

/* One pair: the kernel, then every width. */
static ntkb_status one_pair(const ntkb_dyn_opts *o, ntkb_dyn_data *D, ntkb_dyn_summary *s)
{
    const size_t n = D->n, m = D->m;
    double *K = malloc(n * n * sizeof *K), *Kx = malloc(m * n * sizeof *Kx);
    double *V = malloc(n * n * sizeof *V), *ev = malloc(n * sizeof *ev), *fT = malloc(m * sizeof *fT);
    FILE *net = NULL;
    ntkb_status st = NTKB_OK;
    memset(s, 0, sizeof *s);
    s->D = D;
    if (!K || !Kx || !V || !ev || !fT) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory");
        goto done;
    }
    ntkb_fcntk_params p;
    ntkb_dyn_kernel_params(&p, D->d, o->sw, o->beta);
    double t0 = ntkb_clock_now();
    if ((st = ntkb_fcntk_gram(&p, n, D->d, D->X, n, NULL, K)) != NTKB_OK ||
        (st = ntkb_fcntk_gram(&p, m, D->d, D->Xt, n, D->X, Kx)) != NTKB_OK ||
        (st = ntkb_dyn_eigen(n, K, ev, V)) != NTKB_OK)
        goto done;
    s->kernel_s = ntkb_clock_now() - t0;
    s->lmax = ev[n - 1];
    s->lmin = ev[0];
    for (int q = 0; q < NTKB_DYN_MODES; q++)
        s->top[q] = ev[n - 1 - q];
    s->eta = o->eta_scale / s->lmax;
    s->T = s->eta * (double)o->steps;
    for (size_t i = 0; i < n; i++)
        s->learned += ev[i] * s->T >= 3.0;
    if ((st = kernel_curves(o, D, ev, V, Kx, s, fT)) != NTKB_OK)
        goto done;
    if (!(net = open_dat(o->out_dir, D->key, "net"))) {
        st = ntkb_error(NTKB_EIO, "%s/figures: cannot write the network data", o->out_dir);
        goto done;
    }
    for (size_t i = 0; i < o->n_widths && st == NTKB_OK; i++, s->nw++)
        st = ntkb_dyn_train_width(o, D, K, V, fT, s->eta, o->widths[i], net, &s->w[i]);
done:
    if (net && fclose(net) != 0 && st == NTKB_OK)
        st = ntkb_error(NTKB_EIO, "cannot write the network data");
    free(K);
    free(Kx);
    free(V);
    free(ev);
    free(fT);
    return st;
}

ntkb_status ntkb_dyn_run(const ntkb_dyn_opts *o)
{
    ntkb_dyn_data D[2];
    ntkb_dyn_summary s[2];
    size_t nd = 0;
    char figs[4096];
    snprintf(figs, sizeof figs, "%s/figures", o->out_dir);
    mkdir(o->out_dir, 0777);
    mkdir(figs, 0777);
    ntkb_status st = NTKB_OK;
    const char *sets[2] = {"fashion-mnist", "cifar10"}, *pairs[2] = {o->fm_pair, o->cifar_pair};
    const char *dirs[2] = {NULL, o->cifar_dir};
    for (int k = 0; k < 2 && st == NTKB_OK; k++) {
        if (!pairs[k])
            continue;
        if (k == 1 && !o->cifar_dir) {
            st = ntkb_error(NTKB_EINVAL, "dynamics: a CIFAR-10 pair needs the CIFAR-10 directory");
            break;
        }
        st = ntkb_dyn_data_load(sets[k], pairs[k], dirs[k], o->n_train, o->n_test, &D[nd]);
        if (st != NTKB_OK)
            break;
        fprintf(stderr, "bench_dynamics: %s: %zu train, %zu test images, %zu inputs\n",
                D[nd].key, D[nd].n, D[nd].m, D[nd].d);
        nd++;
        st = one_pair(o, &D[nd - 1], &s[nd - 1]);
    }
    if (st == NTKB_OK)
        st = ntkb_dyn_write_md(o, s, nd);
    for (size_t i = 0; i < nd; i++)
        ntkb_dyn_data_free(&D[i]);
    return st;
}
