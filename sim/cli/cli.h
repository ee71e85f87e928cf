/*
 * cli: the ecotwin program's subcommands and the small helpers they share.
 *
 * Each subcommand is `int cmd_<name>(int argc, char **argv)` with argv[0] the subcommand
 * name; it parses its own options with getopt_long, prints results on stdout and logs,
 * progress and errors on stderr, and returns the process exit code (documented in the
 * README: 0 ok, 1 verification failed, 2 usage, 65 invalid scenario, 66 missing input,
 * 70 internal, 74 I/O, 75 interrupted and resumable).
 */
#ifndef CLI_H
#define CLI_H

#include <stdint.h>
#include <stdio.h>

#include "sim_batch.h"
#include "sim_scenario.h"
#include "sim_status.h"

#define CLI_EXIT_USAGE 2

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

/* Print every diagnostic of sc (one per line) to stderr, or err's message when there are
 * none, prefixed by "ecotwin <cmd>: " for non-diagnostic messages. */
void cli_report_scenario_errors(const char *cmd, sim_scenario *sc, const sim_error *err);
/* Print the scenario's warnings (valid, but worth attention) on stderr, one per line. */
void cli_report_scenario_warnings(const sim_scenario *sc);
/* "ecotwin <cmd>: message" on stderr. */
void cli_errorf(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Usage error: message, then "Try 'ecotwin <cmd> --help'." Returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Strict number parsing of option arguments: the whole string must be a number in range.
 * Return 0 on success, -1 otherwise. */
int cli_parse_u64(const char *s, uint64_t *out);
int cli_parse_count(const char *s, long long lo, long long hi, long long *out);
int cli_parse_double(const char *s, double *out);

/* argv joined by spaces (malloc'd), for provenance. */
char *cli_join_args(int argc, char **argv);
/* The full command line of this process as given to main (set by main). */
const char *cli_command_line(void);
void cli_set_command_line(const char *line);

/* Progress on stderr: a bar redrawn in place on a terminal (TERM not dumb; colour unless
 * NO_COLOR is set), otherwise a plain line at most every few seconds; nothing when quiet.
 * Runs done, failed ones, rate and time left; the rate counts only runs computed in this
 * process (base: runs already done when it started, e.g. copied on resume). */
typedef struct cli_progress {
    int enabled, tty, color;
    double start, last;
    size_t total, base, failed;
} cli_progress;
void cli_progress_start(cli_progress *p, size_t total, int quiet);
void cli_progress_update(cli_progress *p, size_t done);
void cli_progress_finish(cli_progress *p, size_t done);
double cli_wall_time(void);

/* Interrupt handling: SIGINT/SIGTERM count the signals received; long commands poll.
 * cli_interrupted: 0 none, 1 one (stop taking new work), 2 or more (abandon runs too). */
void cli_install_interrupt_handlers(void);
int cli_interrupted(void);

/* Worker threads: --threads when given (> 0), else OMP_NUM_THREADS (its first number), else
 * SLURM_CPUS_PER_TASK, else the CPUs this process may run on (sched_getaffinity, then
 * sysconf). *source (may be NULL) says which, for logs. Always >= 1. */
int cli_threads(long long option, const char **source);

/* A plan run into one results file through sim_batch with progress, interrupts and failed-run
 * messages on stderr (the first CLI_BATCH_SHOW_FAILURES). Prints the error of any status
 * but SIM_OK, with how to continue after an interruption. The caller prints the summary. */
#define CLI_BATCH_SHOW_FAILURES 10
typedef struct cli_batch {
    const char *cmd; /* "run", "sweep" */
    const char *output;
    int threads, resume, quiet;
    const sim_plan *plan;
    const sim_h5_runs *design; /* variant names, and design points of a sweep */
    const sim_h5_provenance *prov;
    void (*observe)(void *ctx, size_t run, const sim_run_id *id, const sim_record *rec);
    void *ctx;
} cli_batch;
sim_status cli_batch_run(const cli_batch *cb, sim_batch_result *res);
/* Exit code after cli_batch_run: 0, 70 when runs failed, else the status's code. */
int cli_batch_exit_code(sim_status st, const sim_batch_result *res);

#endif
