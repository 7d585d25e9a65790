#include "isa.h"

#include <stdlib.h>
#include <string.h>

static ntkb_isa detect(void)
{
    ntkb_isa best = NTKB_ISA_SCALAR;
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        best = NTKB_ISA_AVX2;
    if (best == NTKB_ISA_AVX2 && __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl"))
        best = NTKB_ISA_AVX512;
#endif
    const char *want = getenv("NTKB_ISA");
    ntkb_isa cap = best;
    if (want && strcmp(want, "scalar") == 0)
        cap = NTKB_ISA_SCALAR;
    else if (want && strcmp(want, "avx2") == 0)
        cap = NTKB_ISA_AVX2;
    return cap < best ? cap : best;
}

ntkb_isa ntkb_isa_level(void)
{
    /* -1 until decided; every thread that races here computes the same value. */
    static int level = -1;
    int v = __atomic_load_n(&level, __ATOMIC_ACQUIRE);
    if (v < 0) {
        v = (int)detect();
        __atomic_store_n(&level, v, __ATOMIC_RELEASE);
    }
    return (ntkb_isa)v;
}

const char *ntkb_isa_name(ntkb_isa level)
{
    return level == NTKB_ISA_AVX512 ? "avx512" : level == NTKB_ISA_AVX2 ? "avx2" : "scalar";
}
