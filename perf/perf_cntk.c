/* perf_cntk: CNTK speed on random 3×32×32 images (pixels uniform in [-1, 1]).
 * CSV on stdout: kernel,threads,pairs,seconds,per_pair,cpu_per_pair,unit
 *   per_pair = wall time / pairs; cpu_per_pair = process CPU time / pairs (all threads), which is
 *   what a pair costs one core whatever else the machine is running; on an idle machine
 *   per_pair ≈ cpu_per_pair / threads.
 *   cntk-flatten-lantk: the LANTK paper's 7-conv net, symmetric Gram of N images (µs/pair)
 *   cntk-flatten-arora21: Arora's CNTK-V depth 21 (µs/pair)
 *   cntk-gap-arora11: Arora's CNTK-GAP depth 11, a few pairs (ms/pair)
 * Usage: perf_cntk [N_flatten [N_gap [threads [lantk-only]]]]   (defaults 400, 3, 2, 0);
 * a non-zero 4th argument times only the LANTK net (for large-N projections). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lantk/cntk.h"
#include "core/clock.h"

static int run(const char *name, const ntkb_cntk_arch *a, size_t n, int threads, double unit,
               const char *unit_name)
{
    const size_t len = 3 * 32 * 32;
    double *x = malloc(n * len * sizeof *x), *g = malloc(n * n * sizeof *g);
    if (!x || !g) {
        free(x);
        free(g);
        return 1;
    }
    unsigned long long s = 7;
    for (size_t i = 0; i < n * len; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        x[i] = 2.0 * (double)(s >> 11) / 9007199254740992.0 - 1.0;
    }
    ntkb_cntk *k;
    if (ntkb_cntk_alloc(a, 3, 32, 32, &k) != NTKB_OK) {
        free(x);
        free(g);
        return 1;
    }
    double t0 = ntkb_clock_now();
    clock_t c0 = clock();
    ntkb_status st = ntkb_cntk_gram(k, n, x, 0, NULL, threads, 0, g);
    double el = ntkb_clock_now() - t0, cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    double pairs = 0.5 * (double)n * (double)(n + 1);
    if (st == NTKB_OK)
        printf("%s,%d,%.0f,%.4f,%.3f,%.3f,%s\n", name, threads, pairs, el, el / pairs * unit,
               cpu / pairs * unit, unit_name);
    fflush(stdout);
    ntkb_cntk_free(k);
    free(x);
    free(g);
    return st != NTKB_OK;
}

int main(int argc, char **argv)
{
    size_t nf = argc > 1 ? (size_t)atol(argv[1]) : 400;
    size_t ng = argc > 2 ? (size_t)atol(argv[2]) : 3;
    int th = argc > 3 ? atoi(argv[3]) : 2;
    int lantk_only = argc > 4 ? atoi(argv[4]) : 0;
    ntkb_cntk_arch a;
    int bad = 0;
    printf("kernel,threads,pairs,seconds,per_pair,cpu_per_pair,unit\n");
    ntkb_cntk_arch_lantk(&a, 3);
    bad |= run("cntk-flatten-lantk", &a, nf, th, 1e6, "us");
    if (lantk_only)
        return bad;
    ntkb_cntk_arch_arora(&a, 21, 0);
    bad |= run("cntk-flatten-arora21", &a, nf, th, 1e6, "us");
    if (ng > 0) {
        ntkb_cntk_arch_arora(&a, 11, 1);
        bad |= run("cntk-gap-arora11", &a, ng, th, 1e3, "ms");
    }
    return bad;
}
