/*
 * sim_status: the one status enum of ecotwin and the caller-owned error record.
 *
 * Every fallible function returns a sim_status (SIM_OK == 0) and, when it fails, fills the
 * sim_error passed by its caller with a message and, where the failure has one, a place
 * (file:line:col of a scenario file, or a path of an output file). Library code never prints
 * and never exits: the CLI turns a status into an exit code (sim_status_exit_code) and prints
 * the message. The table below is the single source of names, texts and exit codes
 * (sysexits.h values, as documented in the README).
 */
#ifndef SIM_STATUS_H
#define SIM_STATUS_H

#include <stddef.h>

/* X(name, exit code, short description) */
#define SIM_STATUS_MAP(X)                                                                          \
    X(OK, 0, "success")                                                                            \
    X(USAGE, 2, "usage error")                                                                     \
    X(INVALID, 65, "invalid scenario")                                                             \
    X(NOINPUT, 66, "missing input")                                                                \
    X(NOMEM, 70, "out of memory")                                                                  \
    X(INTERNAL, 70, "internal error")                                                              \
    X(NUMERIC, 70, "numerical error")                                                              \
    X(IO, 74, "input/output error")                                                                \
    X(INTERRUPTED, 75, "interrupted (resumable)")

typedef enum sim_status {
#define SIM_STATUS_ENUM(name, code, text) SIM_##name,
    SIM_STATUS_MAP(SIM_STATUS_ENUM)
#undef SIM_STATUS_ENUM
        SIM_STATUS_COUNT
} sim_status;

/* Short lower-case description of a status ("invalid scenario"). Never NULL. */
const char *sim_status_text(sim_status s);

/* Process exit code the CLI uses for a status (0, 2, 65, 66, 70, 74, 75). */
int sim_status_exit_code(sim_status s);

/* Caller-owned error record. The message holds the whole human-readable text, including
 * the place when there is one ("scenarios/x.yaml:3:5: unknown key ..."). */
#define SIM_ERROR_MSG_MAX 1024
typedef struct sim_error {
    sim_status status;
    char msg[SIM_ERROR_MSG_MAX];
} sim_error;

/* Clear an error record (status SIM_OK, empty message). err may be NULL. */
void sim_error_clear(sim_error *err);

/* Record a failure printf-style and return the status, so callers can write
 * `return sim_error_set(err, SIM_IO, "cannot open %s", path);`. err may be NULL. */
sim_status sim_error_set(sim_error *err, sim_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
