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
int cmd_summarize(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);

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
/* The positive count (at most SIM_POOL_MAX_THREADS) that environment variable name starts
 * with, followed by nothing or by one of the characters of ends; 0 otherwise. */
int cli_env_count(const char *name, const char *ends);

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
    /* As in sim_batch: shard of n_shards (0/0: everything), or the sources of a merge. */
    size_t shard, n_shards;
    sim_h5_reader *const *sources;
    size_t n_sources;
    const sim_pool_remote *remote; /* MPI ranks (sim_mpi), or NULL */
} cli_batch;
sim_status cli_batch_run(const cli_batch *cb, sim_batch_result *res);

/* The share of a sweep this process runs (cli_shard.c): `--shard I/N` (0 <= I < N <=
 * CLI_SHARD_MAX; `none` or 0/1: the whole sweep), else, when SLURM_ARRAY_TASK_ID is set, the
 * task's position in its job array, (ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP of
 * SLURM_ARRAY_TASK_COUNT (MIN 0 and STEP 1 when unset), else the whole sweep (count 1). */
#define CLI_SHARD_MAX 100000
typedef struct cli_shard {
    size_t index, count;
    char text[48];    /* "I/N" */
    char source[200]; /* where it came from, for the log line */
} cli_shard;
/* arg: --shard's argument or NULL. 0, or CLI_EXIT_USAGE after printing why. */
int cli_shard_resolve(const char *cmd, const char *arg, cli_shard *s);
/* The file of a shard: out with ".shard-I-of-N" inserted before the extension of its last
 * component (appended when it has none), unless that component contains it already;
 * a copy of out for the whole sweep. malloc'd; NULL when out of memory. */
char *cli_shard_output(const char *out, const cli_shard *s);
/* Exit code after cli_batch_run: 0, 70 when runs failed, else the status's code. */
int cli_batch_exit_code(sim_status st, const sim_batch_result *res);

/* `ecotwin plot` and `ecotwin report` (cmd_plot.c, cmd_report.c): thin commands over the Python
 * drawing code in analysis/ (cli_python.c). cli_run_python runs `python3 -B -s
 * ecotwin_analysis.py CMD argv[1..]` with ECOTWIN_EXE set to this program, found in
 * $ECOTWIN_ANALYSIS_DIR, else the source tree, else the install dir; the interpreter is
 * $ECOTWIN_PYTHON or /usr/bin/python3. Returns the child's exit code; 70 when Python or the
 * script is missing or the child died of a signal. cli_wants_help: --help/-h among argv. */
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cli_run_python(const char *cmd, int argc, char **argv);
int cli_wants_help(int argc, char **argv);

/* Untrusted results files (cli_probe.c). HDF5 1.10.8 crashes or loops forever inside the
 * library on some damaged files (docs/reliability.md), so every command that reads a results
 * file first does, in a forked child, the reads of its open and a read
 * of every value (sim_h5_vars_scan): whatever the command reads afterwards in process has
 * been read once already. The child is stopped when it goes CLI_PROBE_CPU_S seconds of CPU
 * time ($ECOTWIN_INSPECT_CPU_S) without reading anything new from the file (a loop), or four
 * times as long (at least a minute) in wall-clock time; a long read goes on. cli_probe_run runs
 * fn(path, out, ctx) in the child, out a pipe whose text is copied to relay (when not NULL)
 * if the child ended normally; fn's return is the child's exit code. Returns that code; 74
 * after printing "ecotwin CMD: PATH: HDF5 failed reading it (crashed in the library: SIGNAL |
 * no end after N s of CPU time): the file is damaged" when a signal ended the child; -1 when
 * no child could be started. cli_probe_file does what sim_h5_open_read and the reads of a
 * resume or merge (CLI_PROBE_READER: sim_h5_probe) or an_results_open and the analysis
 * commands (CLI_PROBE_ANALYSIS: an_results_probe, with the time series named in metrics, the
 * comma lists of --metric) read: 74 after that message, else 0 (read, failed cleanly, or no
 * child: the caller reads in process and reports its own error). */
#define CLI_PROBE_CPU_S 120
typedef int (*cli_probe_fn)(const char *path, FILE *out, void *ctx);
int cli_probe_run(const char *cmd, const char *path, cli_probe_fn fn, void *ctx, FILE *relay);
typedef enum cli_probe_read { CLI_PROBE_READER, CLI_PROBE_ANALYSIS } cli_probe_read;
int cli_probe_file(const char *cmd, const char *path, cli_probe_read how, char *const *metrics,
                   size_t n_metrics);
/* cli_probe_file(cmd, paths[i], CLI_PROBE_READER, NULL, 0) for n files, up to
 * CLI_PROBE_MAX_PARALLEL at once (no more than cli_threads' default): the shards of a
 * merge. 74 when any file failed (each failure's message printed), else 0. */
#define CLI_PROBE_MAX_PARALLEL 8
int cli_probe_files(const char *cmd, const char *const *paths, size_t n);

#endif
