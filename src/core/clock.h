/* ntkbench core: the one clock for elapsed times (progress lines, timings in result rows). */
#ifndef NTKB_CORE_CLOCK_H
#define NTKB_CORE_CLOCK_H

#ifdef __cplusplus
extern "C" {
#endif

/* Seconds on the monotonic clock since an arbitrary origin; only differences mean anything.
 * Time complexity: O(1). */
double ntkb_clock_now(void);

#ifdef __cplusplus
}
#endif

#endif
