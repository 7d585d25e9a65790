/* ntkbench lantk (internal): the compiled CNTK and its work buffers, shared by cntk.c and the
 * ISA variants of cntk_pair.c. */
#ifndef NTKB_LANTK_CNTK_INTERNAL_H
#define NTKB_LANTK_CNTK_INTERNAL_H

#include "cntk.h"

struct ntkb_cntk {
    ntkb_cntk_arch a;
    size_t C, H, W;
    size_t h[NTKB_CNTK_MAX_OPS], w[NTKB_CNTK_MAX_OPS]; /* map size after op k */
    size_t off[NTKB_CNTK_MAX_OPS];                      /* cache offset of ReLU op k */
    size_t cache_size, pad_size;
};

struct ntkb_cntk_work {
    double *s[2], *t[2], *v, *vt; /* maps (ping-pong) and column sums, pad_size each */
    double *nx, *nz;              /* GAP: the two images' norms on an offset rectangle */
};

/* The JAX 'SAME' geometry of a 3-tap window with stride s along one axis. */
static inline void same_geom(size_t in, int s, size_t *out, int *pad_lo)
{
    size_t o = (in + (size_t)s - 1) / (size_t)s;
    long total = (long)((o - 1) * (size_t)s + 3) - (long)in;
    *out = o;
    *pad_lo = total > 0 ? (int)(total / 2) : 0;
}

#endif
