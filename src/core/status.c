#include "status.h"

#include <stdarg.h>
#include <stdio.h>

#include "ntkb_config.h"


static _Thread_local char last_message[1024];

ntkb_status ntkb_error(ntkb_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    return status;
}

const char *ntkb_last_error(void)
{
    return last_message;
}

const char *ntkb_status_name(ntkb_status status)
{
    switch (status) {
    case NTKB_OK: return "ok";
    case NTKB_EINVAL: return "invalid argument";
    case NTKB_ENOMEM: return "out of memory";
    case NTKB_EIO: return "input/output error";
    case NTKB_EFORMAT: return "bad input data";
    case NTKB_ENOTFOUND: return "input not found";
    case NTKB_EMISMATCH: return "mismatch";
    case NTKB_ENUMERIC: return "numerical failure";
    case NTKB_EINTERNAL: return "internal library failure";
    case NTKB_EBUSY: return "in use by another run";
    }
    return "unknown status";
}

int ntkb_status_exit_code(ntkb_status status)
{
    switch (status) {
    case NTKB_OK: return 0;
    case NTKB_EINVAL: return 1;
    case NTKB_EFORMAT:
    case NTKB_ENOTFOUND:
    case NTKB_EMISMATCH:
    case NTKB_EBUSY: return 2;
    default: return 3;
    }
}

const char *ntkb_version(void)
{
    return NTKB_VERSION;
}
