/*
 * sim_status: texts and exit codes come from the one X-macro table in sim_status.h, so a new
 * status cannot be added without both.
 */
#include "sim_status.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const status_text[SIM_STATUS_COUNT] = {
#define SIM_STATUS_TEXT(name, code, text) [SIM_##name] = text,
    SIM_STATUS_MAP(SIM_STATUS_TEXT)
#undef SIM_STATUS_TEXT
};

static const int status_exit_code[SIM_STATUS_COUNT] = {
#define SIM_STATUS_CODE(name, code, text) [SIM_##name] = code,
    SIM_STATUS_MAP(SIM_STATUS_CODE)
#undef SIM_STATUS_CODE
};

static int status_known(sim_status s)
{
    return (int)s >= 0 && s < SIM_STATUS_COUNT;
}

const char *sim_status_text(sim_status s)
{
    return status_known(s) ? status_text[s] : "unknown status";
}

/* An out-of-range status is a bug in the caller, so it maps to the internal-error code. */
int sim_status_exit_code(sim_status s)
{
    return status_known(s) ? status_exit_code[s] : status_exit_code[SIM_INTERNAL];
}

void sim_error_clear(sim_error *err)
{
    if (err == NULL)
        return;
    err->status = SIM_OK;
    err->msg[0] = '\0';
}

/* vsnprintf truncates long messages and always terminates the buffer. */
sim_status sim_error_set(sim_error *err, sim_status status, const char *fmt, ...)
{
    if (err == NULL)
        return status;
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        err->msg[0] = '\0';
    return status;
}
