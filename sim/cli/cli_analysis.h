/*
 * cli_analysis: what `ecotwin summarize` and `compare` share: opening a results file with
 * the messages and exit codes of the CLI, choosing metrics (--metric with "did you mean"),
 * the header line about runs and completeness, and output in the three forms (an aligned
 * table whose columns fit their content, CSV, JSON as in /work/notes/ANALYSIS_JSON.md).
 */
#ifndef CLI_ANALYSIS_H
#define CLI_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "an_results.h"
#include "an_select.h"

typedef enum cli_format { CLI_TABLE, CLI_CSV, CLI_JSON } cli_format;

/* Open path for command cmd; prints the error and sets *exit_code on failure (66 missing or
 * not an ecotwin file, 74 unreadable, also when HDF5 crashes or loops reading it in the
 * probe's child: cli_probe_file, which also reads the time series named in metrics, the
 * n_metrics comma lists of --metric), and warns on stderr when the file is incomplete. */
an_results *cli_an_open(const char *cmd, const char *path, char *const *metrics, size_t n_metrics,
                        int *exit_code);

/* --company NAME of r into *index (-1 when name is NULL: every company); 0, or the usage
 * error's exit code after "--company: no company 'NAME' in PATH". */
int cli_an_company(const char *cmd, const an_results *r, const char *name, long *index);

/* Metrics chosen by --metric values (each a comma list), or the default (every (run) and
 * (run, entity) variable) when n_args == 0. Unknown names print "unknown metric 'x'; did you
 * mean 'y'?" and return NULL with *exit_code 2; time-series variables are refused unless
 * allow_time. *n the number of metrics; the caller frees the array. */
size_t *cli_an_metrics(const char *cmd, const an_results *r, char **args, size_t n_args,
                       bool allow_time, size_t *n, int *exit_code);

/* "18 of 20 runs complete; 2 failed" (and "; N not run" when some were not), into out. */
void cli_an_runs_text(const an_results *r, char *out, size_t cap);
size_t cli_an_count_status(const an_results *r, int status);

/* Numbers for people: "-" for NaN, about 4 significant digits without exponent between
 * 1e-3 and 1e15. */
void cli_an_num(double x, char *out, size_t cap);

/* JSON and CSV pieces on out. */
void cli_json_str(FILE *out, const char *s); /* quoted and escaped; null for NULL */
void cli_json_num(FILE *out, double x);      /* shortest exact, null for NaN/inf */
void cli_csv_str(FILE *out, const char *s);  /* quoted when needed; empty for NULL */
void cli_csv_num(FILE *out, double x);       /* empty for NaN */

/* An aligned table: cells are copied; columns sized to their content; numeric columns right
 * aligned. */
typedef struct cli_table cli_table;
cli_table *cli_table_alloc(size_t n_cols, const char *const *headers, const bool *right);
void cli_table_free(cli_table *t);
/* Add one row of n_cols cells (NULL prints "-"); -1 when out of memory. */
int cli_table_add(cli_table *t, const char *const *cells);
void cli_table_print(const cli_table *t, FILE *out);

/* Keep the cells of the n columns whose show flag is set, compacted in place; right_out
 * (may be NULL) gets their right-alignment flags from right. Returns how many are kept. */
size_t cli_an_pick_columns(const char **cells, const bool *show, size_t n, bool *right_out,
                           const bool *right);

/* Add a row to *t with only the columns in show (cells compacted in place); on failure
 * free *t and set it to NULL, so callers check once after the loop. NULL *t is a no-op. */
void cli_an_table_add(cli_table **t, const char **cells, const bool *show, size_t n);

#endif
