#include "cli.h"

#include "core/ranks.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Paths that end main without cli_finish (usage errors, --help) still finalise MPI. */
static void ranks_at_exit(void)
{
    ntkb_ranks_finish(0);
}

void cli_init(int argc, char **argv)
{
    (void)argc;
    if (!getenv("OMP_WAIT_POLICY")) {
        setenv("OMP_WAIT_POLICY", "passive", 1);
        execv("/proc/self/exe", argv); /* returns only on failure: then run as we are */
    }
    if (ntkb_ranks_init() != NTKB_OK) {
        fprintf(stderr, "%s: %s\n", argv[0], ntkb_last_error());
        exit(3);
    }
    atexit(ranks_at_exit);
}

int cli_long(const char *s, long lo, long hi, long *v)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (errno != 0 || !*s || *end || x < lo || x > hi)
        return 0;
    *v = x;
    return 1;
}

int cli_double(const char *s, double lo, double hi, double *v)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (errno != 0 || !*s || *end || !isfinite(x) || x < lo || x > hi)
        return 0;
    *v = x;
    return 1;
}

int cli_bad(const char *prog, const char *option, const char *what)
{
    fprintf(stderr, "%s: %s needs %s\n", prog, option, what);
    return 1;
}

void cli_command(const char *prog, int argc, char **argv, char *buf, size_t cap)
{
    size_t len = (size_t)snprintf(buf, cap, "%s", prog);
    for (int k = 1; k < argc && len < cap; k++)
        len += (size_t)snprintf(buf + len, cap - len, " %s", argv[k]);
}

int cli_finish(const char *prog, ntkb_status st)
{
    if (st == NTKB_OK)
        return ntkb_ranks_finish(0);
    int rank = ntkb_ranks_rank();
    if (rank == 0) {
        fprintf(stderr, "%s: %s\n", prog, ntkb_last_error());
    } else if (!ntkb_ranks_error_is_shared()) {
        /* Bad input fails every rank alike: rank 0 then aborts the job within this second and
         * its message is the only one; a failure of this rank alone is printed after it. */
        sleep(1);
        fprintf(ntkb_ranks_stderr(), "%s: rank %d: %s\n", prog, rank, ntkb_last_error());
    }
    fflush(NULL);
    return ntkb_ranks_finish(ntkb_status_exit_code(st));
}
