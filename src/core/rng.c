#include "rng.h"

#include <math.h>

#define GOLDEN_GAMMA 0x9E3779B97F4A7C15ull

void ntkb_rng_seed(ntkb_rng *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t ntkb_rng_mix(uint64_t x)
{
    uint64_t z = x + GOLDEN_GAMMA;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t ntkb_rng_next(ntkb_rng *r)
{
    uint64_t x = r->state;
    r->state += GOLDEN_GAMMA;
    return ntkb_rng_mix(x);
}

uint64_t ntkb_rng_below(ntkb_rng *r, uint64_t bound)
{
    /* `x % bound` alone favours small residues when bound does not divide 2^64. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do
        x = ntkb_rng_next(r);
    while (x >= limit);
    return x % bound;
}

uint64_t ntkb_rng_chain_below(uint64_t *state, uint64_t bound)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    do
        *state = ntkb_rng_mix(*state);
    while (*state >= limit);
    return *state % bound;
}

double ntkb_rng_uniform(ntkb_rng *r)
{
    return (double)(ntkb_rng_next(r) >> 11) * 0x1p-53;
}

double ntkb_rng_gaussian(ntkb_rng *r)
{
    /* 1 − u lies in (0, 1], so the logarithm is finite. */
    double u = 1.0 - ntkb_rng_uniform(r), v = ntkb_rng_uniform(r);
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}
