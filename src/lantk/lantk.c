/* LANTK-HR: the KR closed form, λ and the label-aware regression. */
#include "lantk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/krr.h"

ntkb_status ntkb_lantk_kr_fit(const double *H, size_t ldh, size_t n, const size_t *idx,
                              const double *v, ntkb_lantk_kr *kr)
{
    if (n == 0 || !H || !v)
        return ntkb_error(NTKB_EINVAL, "KR fit: empty training set");
    double hmin = INFINITY, hmax = -INFINITY, SH = 0, SHH = 0, SHM = 0, SHHM = 0, sv = 0;
    for (size_t i = 0; i < n; i++) {
        const double *row = H + (idx ? idx[i] : i) * ldh;
        double rh = 0, rhh = 0, rhm = 0, rhhm = 0;
        for (size_t j = 0; j < n; j++) {
            const double h = row[idx ? idx[j] : j];
            hmin = h < hmin ? h : hmin;
            hmax = h > hmax ? h : hmax;
            rh += h;
            rhh += h * h;
            rhm += h * v[j];
            rhhm += h * h * v[j];
        }
        SH += rh;
        SHH += rhh;
        SHM += v[i] * rhm;
        SHHM += v[i] * rhhm;
        sv += v[i];
    }
    if (!(hmax > hmin))
        return ntkb_error(NTKB_EINVAL, "KR fit: the training kernel is constant");
    *kr = (ntkb_lantk_kr){.n2 = (double)n * (double)n,
                          .sigma2 = (hmax - hmin) * (hmax - hmin),
                          .SM = sv * sv,
                          .SHM = SHM,
                          .SHHM = SHHM,
                          .SH = SH,
                          .SHH = SHH};
    return NTKB_OK;
}

double ntkb_lantk_kr_z(const ntkb_lantk_kr *kr, double h)
{
    const double num = kr->sigma2 * kr->SM - kr->SM * h * h + 2.0 * kr->SHM * h - kr->SHHM;
    const double den = kr->n2 * kr->sigma2 - kr->n2 * h * h + 2.0 * kr->SH * h - kr->SHH;
    return den != 0.0 ? num / den : 0.0;
}

void ntkb_lantk_kr_block(const ntkb_lantk_kr *kr, const double *H, size_t ldh, size_t nr,
                         size_t nc, double *Z)
{
    for (size_t r = 0; r < nr; r++)
        for (size_t c = 0; c < nc; c++)
            Z[r * nc + c] = ntkb_lantk_kr_z(kr, H[r * ldh + c]);
}

double ntkb_lantk_lambda(double ratio, size_t count, const double *H, const double *Z)
{
    double sh = 0.0, sz = 0.0;
    for (size_t i = 0; i < count; i++) {
        sh += fabs(H[i]);
        sz += fabs(Z[i]);
    }
    return sz > 0.0 ? ratio * sh / sz : 0.0; /* the counts cancel in the ratio of means */
}

ntkb_status ntkb_lantk_regress(size_t n, const double *Htr, const double *Ztr, double lambda,
                               const double *y, size_t m, const double *Hte, const double *Zte,
                               double *pred, double *alpha)
{
    if (n == 0 || !Htr || !y || (m && (!Hte || !pred)) || (Ztr && m && !Zte))
        return ntkb_error(NTKB_EINVAL, "lantk regression: missing input");
    double *K = malloc(n * n * sizeof *K), *a = malloc(n * sizeof *a);
    ntkb_status st = NTKB_OK;
    if (!K || !a) {
        st = ntkb_error(NTKB_ENOMEM, "out of memory (n = %zu)", n);
        goto done;
    }
    for (size_t e = 0; e < n * n; e++)
        K[e] = Ztr ? Htr[e] + lambda * Ztr[e] : Htr[e];
    /* K + λZ need not be positive definite (§5.1): always LU, never Cholesky. */
    if ((st = ntkb_krr_solve(n, K, 1, y, 0.0, NTKB_KRR_LU, a, NULL)) != NTKB_OK)
        goto done;
    for (size_t r = 0; r < m; r++) {
        double s = 0.0;
        for (size_t c = 0; c < n; c++)
            s += (Zte ? Hte[r * n + c] + lambda * Zte[r * n + c] : Hte[r * n + c]) * a[c];
        pred[r] = s;
    }
    if (alpha)
        memcpy(alpha, a, n * sizeof *a);
done:
    free(K);
    free(a);
    return st;
}
