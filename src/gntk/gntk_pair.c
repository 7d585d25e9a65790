/* The GNTK pair kernel and the per-graph diagonal pass: the first aggregation from the tag
 * counts, the aggregations as two sparse–dense products with a transpose between, and the ReLU
 * layers of relu.c (docs/algorithms.md).  Compiled once per ISA level (core/isa.h): the
 * AVX-512 paths exist in the x86-64-v4 variant. */
#include "gntk.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gntk_internal.h"
#include "gntk_mv.h"

#if defined(__AVX512F__)
#include <immintrin.h>
/* Row r of out = c_r Σ_e q_e M[col_e, j0 ..] for NV vectors of 8 columns starting at j0,
 * accumulated in registers (one load and one FMA per quotient entry and vector). */
#define LEFT_MUL_CHUNK(NV)                                                                     \
    static inline void left_chunk##NV(const int32_t *col, const double *val, size_t cnt,       \
                                      double rr, const double *rsc, size_t r, size_t nc,       \
                                      size_t j0, const double *M0, const double *M1,           \
                                      double *o0, double *o1)                                  \
    {                                                                                          \
        __m512d s0[NV], s1[NV];                                                                \
        __mmask8 mk[NV];                                                                       \
        for (int q = 0; q < NV; q++) {                                                         \
            size_t left = nc - (j0 + 8 * (size_t)q);                                           \
            mk[q] = left >= 8 ? (__mmask8)0xff : (__mmask8)((1u << left) - 1u);                \
            s0[q] = s1[q] = _mm512_setzero_pd();                                               \
        }                                                                                      \
        for (size_t e = 0; e < cnt; e++) {                                                     \
            size_t w = (size_t)col[e];                                                         \
            __m512d v = _mm512_set1_pd(val[e]);                                                \
            for (int q = 0; q < NV; q++) {                                                     \
                size_t j = j0 + 8 * (size_t)q;                                                 \
                s0[q] = _mm512_fmadd_pd(v, _mm512_maskz_loadu_pd(mk[q], M0 + w * nc + j), s0[q]); \
                if (M1)                                                                        \
                    s1[q] = _mm512_fmadd_pd(v, _mm512_maskz_loadu_pd(mk[q], M1 + w * nc + j),  \
                                            s1[q]);                                            \
            }                                                                                  \
        }                                                                                      \
        __m512d vr = _mm512_set1_pd(rr), one = _mm512_set1_pd(1.0);                            \
        for (int q = 0; q < NV; q++) {                                                         \
            size_t j = j0 + 8 * (size_t)q;                                                     \
            if (rsc) { /* official scale matrix entry 1/(r_u·r'_v) */                          \
                __m512d rc = _mm512_mask_loadu_pd(one, mk[q], rsc + j);                        \
                __m512d f = _mm512_div_pd(one, _mm512_mul_pd(vr, rc));                         \
                s0[q] = _mm512_mul_pd(s0[q], f);                                               \
                s1[q] = _mm512_mul_pd(s1[q], f);                                               \
            }                                                                                  \
            _mm512_mask_storeu_pd(o0 + r * nc + j, mk[q], s0[q]);                              \
            if (M1)                                                                            \
                _mm512_mask_storeu_pd(o1 + r * nc + j, mk[q], s1[q]);                          \
        }                                                                                      \
    }
LEFT_MUL_CHUNK(1)
LEFT_MUL_CHUNK(2)
LEFT_MUL_CHUNK(3)
LEFT_MUL_CHUNK(4)
#endif

/* out = Q M for the nr classes of graph g (quotient adjacency rows), M and out nr×nc; when rsc
 * is non-NULL (the column graph's row sums of A, degree scale) entry (r, j) is then multiplied by
 * 1/(r_r·rsc[j]) as the official scale matrix does.  Two matrices at once when M1 is non-NULL. */
static void left_mul(const ntkb_gntk_prep *pr, size_t g, const double *rsc, size_t nr, size_t nc,
                     const double *restrict M0, const double *restrict M1, double *restrict o0,
                     double *restrict o1)
{
    size_t c0 = pr->kptr[g];
    for (size_t r = 0; r < nr; r++) {
        double rr = pr->crsum[c0 + r];
        size_t q0 = pr->qptr[c0 + r], cnt = pr->qptr[c0 + r + 1] - q0;
        const int32_t *col = pr->qcol + q0;
        const double *val = pr->qval + q0;
#if defined(__AVX512F__)
        for (size_t j0 = 0; j0 < nc; j0 += 32) {
            size_t nv = (nc - j0 + 7) / 8;
            if (nv >= 4)
                left_chunk4(col, val, cnt, rr, rsc, r, nc, j0, M0, M1, o0, o1);
            else if (nv == 3)
                left_chunk3(col, val, cnt, rr, rsc, r, nc, j0, M0, M1, o0, o1);
            else if (nv == 2)
                left_chunk2(col, val, cnt, rr, rsc, r, nc, j0, M0, M1, o0, o1);
            else
                left_chunk1(col, val, cnt, rr, rsc, r, nc, j0, M0, M1, o0, o1);
        }
#else
        for (int m = 0; m < (M1 ? 2 : 1); m++) {
            const double *M = m ? M1 : M0;
            double *o = (m ? o1 : o0) + r * nc;
            for (size_t j = 0; j < nc; j++)
                o[j] = 0.0;
            for (size_t e = 0; e < cnt; e++) {
                const double *src = M + (size_t)col[e] * nc;
                for (size_t j = 0; j < nc; j++)
                    o[j] += val[e] * src[j];
            }
            if (rsc)
                for (size_t j = 0; j < nc; j++)
                    o[j] *= 1.0 / (rr * rsc[j]);
        }
#endif
    }
}

#if defined(__AVX512F__)
/* Transposes the 8×8 block held in r[0..7] (rows) in registers. */
static inline void transpose8(__m512d r[8])
{
    __m512d t[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm512_unpacklo_pd(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_pd(r[i], r[i + 1]);
    }
    /* 128-bit lanes: rows (0,2),(1,3),(4,6),(5,7) */
    const __m512i lo = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
    const __m512i hi = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
    __m512d u[8];
    u[0] = _mm512_permutex2var_pd(t[0], lo, t[2]);
    u[1] = _mm512_permutex2var_pd(t[1], lo, t[3]);
    u[2] = _mm512_permutex2var_pd(t[0], hi, t[2]);
    u[3] = _mm512_permutex2var_pd(t[1], hi, t[3]);
    u[4] = _mm512_permutex2var_pd(t[4], lo, t[6]);
    u[5] = _mm512_permutex2var_pd(t[5], lo, t[7]);
    u[6] = _mm512_permutex2var_pd(t[4], hi, t[6]);
    u[7] = _mm512_permutex2var_pd(t[5], hi, t[7]);
    r[0] = _mm512_shuffle_f64x2(u[0], u[4], 0x44);
    r[1] = _mm512_shuffle_f64x2(u[1], u[5], 0x44);
    r[2] = _mm512_shuffle_f64x2(u[2], u[6], 0x44);
    r[3] = _mm512_shuffle_f64x2(u[3], u[7], 0x44);
    r[4] = _mm512_shuffle_f64x2(u[0], u[4], 0xee);
    r[5] = _mm512_shuffle_f64x2(u[1], u[5], 0xee);
    r[6] = _mm512_shuffle_f64x2(u[2], u[6], 0xee);
    r[7] = _mm512_shuffle_f64x2(u[3], u[7], 0xee);
}
#endif

/* dst (nc×nr) = srcᵀ (src nr×nc), in 8×8 blocks (in registers with AVX-512, masked at the
 * edges). */
static void transpose(size_t nr, size_t nc, const double *restrict src, double *restrict dst)
{
#if defined(__AVX512F__)
    for (size_t i0 = 0; i0 < nr; i0 += 8) {
        size_t h = nr - i0 < 8 ? nr - i0 : 8;
        __mmask8 mi = (__mmask8)((1u << h) - 1u);
        for (size_t j0 = 0; j0 < nc; j0 += 8) {
            size_t w = nc - j0 < 8 ? nc - j0 : 8;
            __mmask8 mj = (__mmask8)((1u << w) - 1u);
            __m512d r[8];
            for (size_t i = 0; i < 8; i++)
                r[i] = i < h ? _mm512_maskz_loadu_pd(mj, src + (i0 + i) * nc + j0)
                             : _mm512_setzero_pd();
            transpose8(r);
            for (size_t j = 0; j < w; j++)
                _mm512_mask_storeu_pd(dst + (j0 + j) * nr + i0, mi, r[j]);
        }
    }
#else
    for (size_t i0 = 0; i0 < nr; i0 += 8) {
        size_t i1 = i0 + 8 < nr ? i0 + 8 : nr;
        for (size_t j0 = 0; j0 < nc; j0 += 8) {
            size_t j1 = j0 + 8 < nc ? j0 + 8 : nc;
            for (size_t i = i0; i < i1; i++)
                for (size_t j = j0; j < j1; j++)
                    dst[j * nr + i] = src[i * nc + j];
        }
    }
#endif
}

/* AGG of S (and T when non-NULL), an nr×nc class matrix whose rows belong to graph gr and
 * columns to gc; the result is stored transposed (nc×nr) and *S, *T are swapped with the spare
 * buffers: (C ⊙ A_r M A_cᵀ)ᵀ = diag(c_c) Q_c (diag(c_r) Q_r M)ᵀ on class matrices. */
static void aggregate(const ntkb_gntk_prep *pr, size_t gr, size_t gc, size_t nr, size_t nc,
                      double **S, double **T, double **S2, double **T2)
{
    const double *rsr = pr->p.scale == NTKB_GNTK_DEGREE ? pr->crsum + pr->kptr[gr] : NULL;
    left_mul(pr, gr, NULL, nr, nc, *S, T ? *T : NULL, *S2, T ? *T2 : NULL);
    transpose(nr, nc, *S2, *S);
    if (T)
        transpose(nr, nc, *T2, *T);
    left_mul(pr, gc, rsr, nc, nr, *S, T ? *T : NULL, *S2, T ? *T2 : NULL);
    double *x = *S;
    *S = *S2;
    *S2 = x;
    if (T) {
        x = *T;
        *T = *T2;
        *T2 = x;
    }
}

/* AGG in the official order, same orientation (faithful mode: classes are nodes): entry (u, v)
 * is one running sum over the quotient rows of u then v of (a_uw·a'_vw')·M[w, w'], then times
 * 1/(r_u·r'_v) for the degree scale.  Results go to *S2, *T2, which are swapped in. */
static void aggregate_kron(const ntkb_gntk_prep *pr, size_t gr, size_t gc, size_t nr, size_t nc,
                           double **S, double **T, double **S2, double **T2)
{
    size_t c0 = pr->kptr[gr], d0 = pr->kptr[gc];
    int degree = pr->p.scale == NTKB_GNTK_DEGREE;
    for (int m = 0; m < (T ? 2 : 1); m++) {
        const double *M = m ? *T : *S;
        double *O = m ? *T2 : *S2;
        for (size_t u = 0; u < nr; u++)
            for (size_t v = 0; v < nc; v++) {
                double acc = 0.0;
                for (size_t e = pr->qptr[c0 + u]; e < pr->qptr[c0 + u + 1]; e++) {
                    const double *row = M + (size_t)pr->qcol[e] * nc;
                    double a = pr->qval[e];
                    for (size_t f = pr->qptr[d0 + v]; f < pr->qptr[d0 + v + 1]; f++)
                        acc += (a * pr->qval[f]) * row[pr->qcol[f]];
                }
                O[u * nc + v] =
                    degree ? acc * (1.0 / (pr->crsum[c0 + u] * pr->crsum[d0 + v])) : acc;
            }
    }
    double *x = *S;
    *S = *S2;
    *S2 = x;
    if (T) {
        x = *T;
        *T = *T2;
        *T2 = x;
    }
}

/* First aggregation, factored per graph: S = C ⊙ (A X)(A' X')ᵀ over the common tags (class
 * rows, ka×kb; the integer product is exact, then the official 1/(r_u·r'_v)); returns the unaggregated JK input term sum(X X'ᵀ) = Σ_t count_t count'_t. */
static double first(const ntkb_gntk_prep *pr, size_t a, size_t b, ntkb_gntk_ws *ws)
{
    size_t ta_n = pr->tptr[a + 1] - pr->tptr[a], tb_n = pr->tptr[b + 1] - pr->tptr[b];
    const int32_t *ta = pr->ttag + pr->tptr[a], *tb = pr->ttag + pr->tptr[b];
    size_t na = pr->kptr[a + 1] - pr->kptr[a], nb = pr->kptr[b + 1] - pr->kptr[b];
    const double *axa = pr->ax + pr->axptr[a], *axb = pr->ax + pr->axptr[b];
    size_t k = 0, x = 0, y = 0;
    double jk = 0.0;
    size_t *ia = ws->ia, *ib = ws->ib;
    while (x < ta_n && y < tb_n) {
        if (ta[x] < tb[y]) {
            x++;
        } else if (ta[x] > tb[y]) {
            y++;
        } else {
            jk += pr->tcnt[pr->tptr[a] + x] * pr->tcnt[pr->tptr[b] + y];
            ia[k] = x++;
            ib[k++] = y++;
        }
    }
    /* P = na×k, Q = k×nb (transposed so the inner loop runs over contiguous columns) */
    for (size_t u = 0; u < na; u++)
        for (size_t m = 0; m < k; m++)
            ws->P[u * k + m] = axa[u * ta_n + ia[m]];
    for (size_t m = 0; m < k; m++)
        for (size_t v = 0; v < nb; v++)
            ws->Q[m * nb + v] = axb[v * tb_n + ib[m]];
    int degree = pr->p.scale == NTKB_GNTK_DEGREE;
    const double *ra = pr->crsum + pr->kptr[a], *rb = pr->crsum + pr->kptr[b];
    for (size_t u = 0; u < na; u++) {
        double *restrict row = ws->S + u * nb;
        for (size_t v = 0; v < nb; v++)
            row[v] = 0.0;
        for (size_t m = 0; m < k; m++) {
            double pu = ws->P[u * k + m];
            const double *restrict q = ws->Q + m * nb;
            for (size_t v = 0; v < nb; v++)
                row[v] += pu * q[v]; /* integers: exact in any order */
        }
        if (degree)
            for (size_t v = 0; v < nb; v++)
                row[v] *= 1.0 / (ra[u] * rb[v]);
    }
    return jk;
}

ntkb_status NTKB_MV(ntkb_gntk_prep_graph)(ntkb_gntk_prep *pr, size_t g, ntkb_gntk_ws *ws)
{
    size_t n = pr->kptr[g + 1] - pr->kptr[g], R = (size_t)pr->p.mlp, L = (size_t)pr->p.blocks;
    if (n == 0)
        return NTKB_OK;
    double *S = ws->S, *S2 = ws->S2;
    const double *w = pr->csize + pr->kptr[g];
    first(pr, g, g, ws);
    for (size_t l = 0; l < L; l++) {
        for (size_t r = 0; r < R; r++) {
            size_t off = L * R * pr->kptr[g] + (l * R + r) * n;
            double *d = pr->d + off, *inv = pr->invd + off;
            for (size_t u = 0; u < n; u++) {
                double q = S[u * n + u];
                if (!(q > 0.0) || !isfinite(q))
                    return ntkb_error(NTKB_ENUMERIC,
                                      "GNTK: graph %zu class %zu has diagonal covariance %g", g, u, q);
                d[u] = sqrt(q);
                inv[u] = 1.0 / d[u];
            }
            NTKB_MV(ntkb_gntk_relu_block)(n, n, S, NULL, inv, d, inv, d, NULL, w, pr->p.faithful);
        }
        if (l + 1 < L && pr->p.faithful)
            aggregate_kron(pr, g, g, n, n, &S, NULL, &S2, NULL);
        else if (l + 1 < L)
            aggregate(pr, g, g, n, n, &S, NULL, &S2, NULL);
    }
    return NTKB_OK;
}

ntkb_status NTKB_MV(ntkb_gntk_pair)(const ntkb_gntk_prep *pr, size_t i, size_t j,
                                    ntkb_gntk_ws *ws, double *out)
{
    size_t L = (size_t)pr->p.blocks, R = (size_t)pr->p.mlp;
    size_t nr = pr->kptr[i + 1] - pr->kptr[i], nc = pr->kptr[j + 1] - pr->kptr[j];
    size_t gr = i, gc = j;
    if (nr == 0 || nc == 0) {
        memset(out, 0, 2 * L * sizeof *out);
        return NTKB_OK;
    }
    double *S = ws->S, *T = ws->T, *S2 = ws->S2, *T2 = ws->T2;
    double jk = first(pr, i, j, ws);
    memcpy(T, S, nr * nc * sizeof *T);
    for (size_t l = 0; l < L; l++) {
        double sum = 0.0;
        const double *wr = pr->csize + pr->kptr[gr], *wc = pr->csize + pr->kptr[gc];
        for (size_t r = 0; r < R; r++) {
            size_t layer = l * R + r;
            size_t offr = L * R * pr->kptr[gr] + layer * nr, offc = L * R * pr->kptr[gc] + layer * nc;
            const double *dr = pr->d + offr, *ir = pr->invd + offr;
            const double *dc = pr->d + offc, *ic = pr->invd + offc;
            sum = NTKB_MV(ntkb_gntk_relu_block)(nr, nc, S, T, ir, dr, ic, dc, wr, wc, pr->p.faithful);
        }
        jk += sum;
        out[2 * l] = 2.0 * sum;
        out[2 * l + 1] = 2.0 * jk;
        if (l + 1 < L && pr->p.faithful) {
            aggregate_kron(pr, gr, gc, nr, nc, &S, &T, &S2, &T2);
        } else if (l + 1 < L) {
            aggregate(pr, gr, gc, nr, nc, &S, &T, &S2, &T2);
            size_t t = gr;
            gr = gc;
            gc = t;
            t = nr;
            nr = nc;
            nc = t;
        }
    }
    return NTKB_OK;
}

