/* ntkbench core (internal): run-time choice of the vector kernels.
 *
 * The hot kernels (the ReLU layers, the GNTK pair, the CNTK pair) are compiled once per x86-64
 * level — scalar (baseline x86-64), AVX2 (x86-64-v3: AVX2, FMA) and AVX-512 (x86-64-v4) — with
 * their external names suffixed (_scalar, _avx2, _avx512) by NTKB_MV(), and a dispatcher under
 * the plain name calls the best variant this CPU runs.  So one binary runs on any x86-64 and
 * still uses AVX-512 where it exists.  NTKB_ISA=scalar|avx2|avx512 in the environment lowers the
 * choice (never above what the CPU supports): the tests run every path on one machine.
 * Results differ between levels only by rounding (FMA contraction, vector code paths).
 */
#ifndef NTKB_CORE_ISA_H
#define NTKB_CORE_ISA_H

typedef enum { NTKB_ISA_SCALAR = 0, NTKB_ISA_AVX2 = 1, NTKB_ISA_AVX512 = 2 } ntkb_isa;

/* The level the dispatchers use: the CPU's best, lowered by $NTKB_ISA; decided once per process.
 * Thread-safe.  Time complexity: O(1). */
ntkb_isa ntkb_isa_level(void);

/* "scalar", "avx2" or "avx512".  Time complexity: O(1). */
const char *ntkb_isa_name(ntkb_isa level);

/* Inside a multi-versioned file NTKB_MV(f) is f's variant for the level being compiled; the
 * build defines NTKB_ISA_SUFFIX (scalar, avx2 or avx512) for those files. */
#define NTKB_MV_CAT2(f, s) f##_##s
#define NTKB_MV_CAT(f, s) NTKB_MV_CAT2(f, s)
#ifdef NTKB_ISA_SUFFIX
#define NTKB_MV(f) NTKB_MV_CAT(f, NTKB_ISA_SUFFIX)
#endif

/* Declares the three variants of a function. */
#define NTKB_MV_DECLARE(ret, f, args) ret f##_scalar args; ret f##_avx2 args; ret f##_avx512 args;

/* The variant of f for the current level, as a function designator: a dispatcher's body is
 * `return NTKB_MV_PICK(f)(args);` (without `return` for a void f). */
#define NTKB_MV_PICK(f)                                                                           \
    (ntkb_isa_level() == NTKB_ISA_AVX512 ? f##_avx512                                             \
     : ntkb_isa_level() == NTKB_ISA_AVX2 ? f##_avx2                                               \
                                         : f##_scalar)

#endif
