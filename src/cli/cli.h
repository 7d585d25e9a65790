/* What the ntkbench programs share: number parsing with ranges, the recorded command line, and
 * the one way a failure is reported (message on stderr, exit code by status). */
#ifndef NTKB_CLI_CLI_H
#define NTKB_CLI_CLI_H

#include <stddef.h>

#include "core/status.h"

/* Call first in main: starts MPI when launched by mpirun/srun (core/ranks.h), and makes OpenMP threads that wait at a barrier sleep instead of spinning
 * (OMP_WAIT_POLICY=passive) unless the user chose a policy.  The OpenMP runtime reads the
 * variable once, when it is loaded, so the program re-executes itself once with it set.
 * Measured (perf/wait-policy, IMDB-B on 2 threads of a loaded 2-core machine): the WL Gram 7.8×
 * faster passive than active, the GNTK Gram 3 % faster; on an idle machine they are equal. */
void cli_init(int argc, char **argv);

/* Parses a whole decimal integer in [lo, hi] into *v; 1 on success, 0 otherwise. */
int cli_long(const char *s, long lo, long hi, long *v);

/* Parses a whole finite real number in [lo, hi] into *v; 1 on success, 0 otherwise. */
int cli_double(const char *s, double lo, double hi, double *v);

/* Prints "prog: option needs what" on stderr and returns 1 (the usage-error exit code). */
int cli_bad(const char *prog, const char *option, const char *what);

/* Writes the command line (argv[0] reduced to `prog`) into buf, truncated to cap bytes. */
void cli_command(const char *prog, int argc, char **argv, char *buf, size_t cap);

/* 0 for NTKB_OK; otherwise prints "prog: <message>" and returns the status's exit code.  Under
 * MPI (core/ranks.h) rank 0 prints, a worker only an error of its own (then the job is
 * aborted); MPI is finalised here. */
int cli_finish(const char *prog, ntkb_status st);

#endif
