/* ntkbench lantk: the label-aware NTK, LANTK-HR (Chen, He & Su 2020; docs/algorithms.md).
 *
 *     K_LA(x, x') = K_NTK(x, x') + λ · Z(x, x'),   Z ≈ E[y y' | x, x']
 *
 * Z variants (names of the published table; the FJLT mapping is our reading, §5.2):
 *   KR-V1    Nadaraya–Watson regression on the single feature h = K_NTK(x,x') with weights
 *            w_ij(h) = σ² − (h − H_ij)², σ² = (max H − min H)², targets M = y yᵀ;
 *   KR-V2    the same with M = α αᵀ, α = H⁻¹ y (the CNTK regression coefficients);
 *   FJLT-V1  least squares on the V7 pair features (base + extra, 10), pairfeat.h;
 *   FJLT-V2  least squares on the V8 pair features (base + extra + 5 PCA, 20).
 * The FJLT variants are fitted exactly (streamed normal equations) by default; fjlt.h has the
 * reference's Fast Johnson–Lindenstrauss sketch as an option.
 * The KR estimate has a closed form in five sums over the training pairs (M = v vᵀ here):
 *     Z(h) = (σ² S_M − S_M h² + 2 S_HM h − S_HHM) / (n² σ² − n² h² + 2 S_H h − S_HH)
 * with S_M = (Σv)², S_HM = vᵀHv, S_HHM = vᵀ(H∘H)v, S_H = Σ H, S_HH = Σ H∘H; O(1) per pair.
 */
#ifndef NTKB_LANTK_LANTK_H
#define NTKB_LANTK_LANTK_H

#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The default label_ratio of ntl_google.py: λ = 0.0005 · mean|H_train| / mean|Z_train|. */
#define NTKB_LANTK_LABEL_RATIO 0.0005

/* The fitted KR estimate: its sums. */
typedef struct {
    double n2, sigma2, SM, SHM, SHHM, SH, SHH;
} ntkb_lantk_kr;

/* Fits the KR estimate with targets M = v vᵀ on the training block of a pooled matrix:
 * H_ij = H[idx[i]·ldh + idx[j]] for i, j < n (idx NULL: the identity).  v: n doubles (y for
 * V1, α = H⁻¹y for V2).  Returns NTKB_OK or NTKB_EINVAL (n = 0, constant H).
 * Time complexity: O(n²). */
ntkb_status ntkb_lantk_kr_fit(const double *H, size_t ldh, size_t n, const size_t *idx,
                              const double *v, ntkb_lantk_kr *kr);

/* Z(h) of a fitted KR estimate (0 when the weights sum to 0).  Time complexity: O(1). */
double ntkb_lantk_kr_z(const ntkb_lantk_kr *kr, double h);

/* Z block by KR: Z[r·nc + c] = Z(Hblock[r·ldh + c]) for an nr×nc block of a matrix with row
 * stride ldh.  Z: nr×nc, caller-allocated (may not alias H).  Time complexity: O(nr nc). */
void ntkb_lantk_kr_block(const ntkb_lantk_kr *kr, const double *H, size_t ldh, size_t nr,
                         size_t nc, double *Z);

/* λ = ratio · mean|H| / mean|Z| over `count` entries of each (0 when Z is all zero).
 * Time complexity: O(count). */
double ntkb_lantk_lambda(double ratio, size_t count, const double *H, const double *Z);

/* The label-aware regression: α = LU-solve(Htr + λ Ztr, y), pred = (Hte + λ Zte) α.
 * Htr, Ztr: n×n; Hte, Zte: m×n (Zte may be NULL when Ztr is, i.e. plain kernel regression);
 * pred: m doubles; alpha (n doubles, may be NULL) receives the coefficients.
 * Returns NTKB_OK, NTKB_EINVAL, NTKB_ENOMEM or NTKB_ENUMERIC (singular K).
 * Time complexity: O(2n³/3 + m n). */
ntkb_status ntkb_lantk_regress(size_t n, const double *Htr, const double *Ztr, double lambda,
                               const double *y, size_t m, const double *Hte, const double *Zte,
                               double *pred, double *alpha);

#ifdef __cplusplus
}
#endif

#endif
