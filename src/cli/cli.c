#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void cli_init(int argc, char **argv)
{
    (void)argc;
    if (getenv("OMP_WAIT_POLICY"))
        return;
    setenv("OMP_WAIT_POLICY", "passive", 1);
    execv("/proc/self/exe", argv); /* returns only on failure: then run as we are */
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
        return 0;
    fprintf(stderr, "%s: %s\n", prog, ntkb_last_error());
    return ntkb_status_exit_code(st);
}
