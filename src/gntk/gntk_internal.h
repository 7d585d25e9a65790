/* ntkbench gntk: internals shared by the gntk*.c files (not a public header).
 *
 * Everything per graph is stored per class of its coarsest equitable partition (gntk_quot.c):
 * class c of graph g has the global index kptr[g] + c. */
#ifndef NTKB_GNTK_INTERNAL_H
#define NTKB_GNTK_INTERNAL_H

#include "gntk.h"

struct ntkb_gntk_prep {
    const ntkb_graphset *gs; /* borrowed */
    ntkb_gntk_params p;
    size_t nmax;             /* largest graph order */
    size_t cmax, tmax;       /* largest class count and tag count of one graph */
    double *adiag;           /* n_nodes: A_uu = 1 + 2·self_loop */
    size_t *kptr;            /* N+1: class offsets */
    double *csize;           /* per class: number of nodes (readout weight) */
    size_t *crep;            /* per class: a representative global node */
    double *crsum;           /* per class: row sum of A = deg + A_uu (degree scale 1/rsum) */
    size_t *qptr;            /* classes+1: quotient adjacency rows (CSR, local class ids) */
    int32_t *qcol;
    double *qval;            /* |N(u) ∩ W| + δ_UW·A_uu */
    size_t *tptr;            /* N+1: graph g's present tags at ttag/tcnt[tptr[g] ..] */
    int32_t *ttag;           /* sorted tag ids present in each graph */
    double *tcnt;            /* node count of each present tag */
    size_t *axptr;           /* N+1: graph g's k×t matrix A X (class rows, integers) at ax + axptr[g] */
    double *ax;
    double *d, *invd;        /* per graph at nl·kptr[g]: sqrt(diag Σ(G,G)) per layer, [l·R+r][c] */
};

struct ntkb_gntk_ws {
    double *buf;             /* one block for the matrices below */
    double *S, *T, *S2, *T2; /* cmax² each: Σ, Θ and spares for the aggregation */
    double *P, *Q;           /* cmax·tmax each: gathered A X columns */
    size_t *ia, *ib;         /* tmax each: common-tag column indices */
};

/* Computes the equitable partitions and quotient adjacencies (fills kptr, csize, crep, qptr,
 * qcol, qval, cmax; needs nmax and adiag).  Returns NTKB_OK or NTKB_ENOMEM.
 * Time complexity: O(Σ_g iterations_g · (n_g + z_g) log z_g). */
ntkb_status ntkb_gntk_quotient(ntkb_gntk_prep *pr);

#endif
