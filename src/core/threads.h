/* ntkbench core: how many threads a parallel region uses.
 *
 * Every function of the library that takes a `threads` argument resolves it here, so "≤ 0 means
 * the OpenMP default" has one meaning everywhere: omp_get_max_threads() (OMP_NUM_THREADS, else
 * the number of CPUs), or 1 in a build without OpenMP.  Results never depend on the count: work
 * is split into tasks whose arithmetic does not depend on which thread runs them.
 */
#ifndef NTKB_CORE_THREADS_H
#define NTKB_CORE_THREADS_H

#ifdef __cplusplus
extern "C" {
#endif

/* The thread count to use for a request: `requested` when positive, else the OpenMP default;
 * always 1 without OpenMP.  Time complexity: O(1). */
int ntkb_threads_resolve(int requested);

#ifdef __cplusplus
}
#endif

#endif
