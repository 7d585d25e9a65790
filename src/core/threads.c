#include "threads.h"

#ifdef _OPENMP
#include <omp.h>
#endif

int ntkb_threads_resolve(int requested)
{
#ifdef _OPENMP
    return requested > 0 ? requested : omp_get_max_threads();
#else
    (void)requested;
    return 1;
#endif
}
