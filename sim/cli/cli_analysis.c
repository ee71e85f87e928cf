/* cli_analysis: shared by summarize and compare. Contract in cli_analysis.h. */
#include "cli_analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

an_results *cli_an_open(const char *cmd, const char *path, char *const *metrics, size_t n_metrics,
                        int *exit_code)
{
    /* A file HDF5 crashes or loops on ends here with 74 (cli_probe.c). */
    int probe = cli_probe_file(cmd, path, CLI_PROBE_ANALYSIS, metrics, n_metrics);
    if (probe != 0) {
        *exit_code = probe;
        return NULL;
    }
    sim_error err;
    sim_error_clear(&err);
    an_results *r = an_results_open(path, &err);
    if (r == NULL) {
        cli_errorf(cmd, "%s", err.msg);
        *exit_code = sim_status_exit_code(err.status != SIM_OK ? err.status : SIM_IO);
        return NULL;
    }
    if (!an_results_complete(r))
        fprintf(stderr,
                "ecotwin %s: warning: %s is incomplete (the run was interrupted); using its %zu "
                "complete run%s of %zu\n",
                cmd, path, an_results_n_complete(r), an_results_n_complete(r) == 1 ? "" : "s",
                an_results_n_runs(r));
    return r;
}

int cli_an_company(const char *cmd, const an_results *r, const char *name, long *index)
{
    *index = name != NULL ? an_results_find_entity(r, name) : -1;
    if (name == NULL || *index >= 0)
        return 0;
    return cli_usage_error(cmd, "--company: no %s '%s' in %s", an_results_entity_dim(r), name,
                           an_results_path(r));
}

static bool is_time_shape(an_shape s)
{
    return s == AN_SHAPE_RUN_TIME || s == AN_SHAPE_RUN_TIME_ENTITY;
}

static int metric_error(const char *cmd, const an_results *r, const char *name)
{
    const char *near = an_results_suggest_var(r, name);
    if (near != NULL)
        return cli_usage_error(cmd, "unknown metric '%s'; did you mean '%s'?", name, near);
    return cli_usage_error(cmd, "unknown metric '%s' (ecotwin inspect %s lists the variables)",
                           name, an_results_path(r));
}

/* Add the metrics of one comma list; 0, or the exit code. */
static int add_list(const char *cmd, const an_results *r, const char *arg, bool allow_time,
                    size_t *out, size_t *n, size_t cap)
{
    char *copy = strdup(arg), *save = NULL;
    int rc = copy == NULL ? 70 : 0;
    for (char *m = copy != NULL ? strtok_r(copy, ",", &save) : NULL; m != NULL && rc == 0;
         m = strtok_r(NULL, ",", &save)) {
        int v = an_results_find_var(r, m);
        if (v < 0)
            rc = metric_error(cmd, r, m);
        else if (!allow_time && is_time_shape(an_results_var(r, (size_t)v)->shape))
            rc = cli_usage_error(cmd,
                                 "metric '%s' is a time series; %s takes (run) and (run, %s) "
                                 "variables",
                                 m, cmd, an_results_entity_dim(r));
        else if (*n < cap)
            out[(*n)++] = (size_t)v;
    }
    free(copy);
    return rc;
}

size_t *cli_an_metrics(const char *cmd, const an_results *r, char **args, size_t n_args,
                       bool allow_time, size_t *n, int *exit_code)
{
    size_t cap = an_results_n_vars(r) * (n_args + 1) + 1;
    size_t *out = malloc(cap * sizeof *out);
    *n = 0;
    if (out == NULL) {
        cli_errorf(cmd, "out of memory");
        *exit_code = 70;
        return NULL;
    }
    for (size_t i = 0; n_args == 0 && i < an_results_n_vars(r); i++)
        if (!is_time_shape(an_results_var(r, i)->shape))
            out[(*n)++] = i;
    for (size_t a = 0; a < n_args; a++) {
        int rc = add_list(cmd, r, args[a], allow_time, out, n, cap);
        if (rc != 0) {
            free(out);
            *exit_code = rc;
            return NULL;
        }
    }
    return out;
}

size_t cli_an_count_status(const an_results *r, int status)
{
    size_t n = 0;
    for (size_t i = 0; i < an_results_n_runs(r); i++)
        n += an_results_run_status(r, i) == status;
    return n;
}

void cli_an_runs_text(const an_results *r, char *out, size_t cap)
{
    size_t failed = cli_an_count_status(r, 2);
    size_t other = an_results_n_runs(r) - an_results_n_complete(r) - failed;
    int len = snprintf(out, cap, "%zu of %zu runs complete; %zu failed", an_results_n_complete(r),
                       an_results_n_runs(r), failed);
    if (other > 0 && len >= 0 && (size_t)len < cap)
        snprintf(out + len, cap - (size_t)len, "; %zu not run", other);
}

void cli_an_num(double x, char *out, size_t cap)
{
    if (isnan(x)) {
        snprintf(out, cap, "-");
        return;
    }
    if (isinf(x) || x == 0) {
        snprintf(out, cap, isinf(x) ? (x > 0 ? "inf" : "-inf") : "0");
        return;
    }
    int mag = (int)floor(log10(fabs(x)));
    if (mag >= 15 || mag < -3)
        snprintf(out, cap, "%.3e", x);
    else if (mag >= 3)
        snprintf(out, cap, "%.0f", x);
    else
        snprintf(out, cap, "%.*f", 3 - mag, x);
}

void cli_json_str(FILE *out, const char *s)
{
    if (s == NULL) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", out);
        else if (*c < 0x20)
            fprintf(out, "\\u%04x", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

void cli_json_num(FILE *out, double x)
{
    char text[40];
    if (!isfinite(x)) {
        fputs("null", out);
        return;
    }
    an_shortest_number(x, text, sizeof text);
    fputs(text, out);
}

void cli_csv_str(FILE *out, const char *s)
{
    if (s == NULL)
        return;
    if (strpbrk(s, ",\"\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (const char *c = s; *c != '\0'; c++) {
        if (*c == '"')
            fputc('"', out);
        fputc(*c, out);
    }
    fputc('"', out);
}

void cli_csv_num(FILE *out, double x)
{
    char text[40];
    if (!isfinite(x))
        return;
    an_shortest_number(x, text, sizeof text);
    fputs(text, out);
}

/* ---- aligned tables ---- */

struct cli_table {
    size_t n_cols, n_rows, cap;
    char **cells; /* n_rows + 1 (headers) rows of n_cols */
    bool *right;
};

cli_table *cli_table_alloc(size_t n_cols, const char *const *headers, const bool *right)
{
    cli_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->n_cols = n_cols;
    t->right = calloc(n_cols, sizeof *t->right);
    if (t->right == NULL || cli_table_add(t, headers) != 0) {
        cli_table_free(t);
        return NULL;
    }
    for (size_t c = 0; c < n_cols; c++)
        t->right[c] = right != NULL && right[c];
    return t;
}

void cli_table_free(cli_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; t->cells != NULL && i < (t->n_rows + 1) * t->n_cols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->right);
    free(t);
}

int cli_table_add(cli_table *t, const char *const *cells)
{
    /* Row 0 holds the headers (added first, not counted); data row i is at (i + 1) * n_cols. */
    size_t at = t->cells == NULL ? 0 : (t->n_rows + 1) * t->n_cols;
    if (at + t->n_cols > t->cap) {
        size_t cap = 2 * (at + t->n_cols);
        char **grown = realloc(t->cells, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        t->cells = grown;
        t->cap = cap;
    }
    for (size_t c = 0; c < t->n_cols; c++)
        t->cells[at + c] = strdup(cells[c] != NULL ? cells[c] : "-");
    for (size_t c = 0; c < t->n_cols; c++)
        if (t->cells[at + c] == NULL) {
            for (size_t k = 0; k < t->n_cols; k++) {
                free(t->cells[at + k]);
                t->cells[at + k] = NULL;
            }
            return -1;
        }
    if (at > 0)
        t->n_rows++;
    return 0;
}

void cli_table_print(const cli_table *t, FILE *out)
{
    size_t *width = calloc(t->n_cols, sizeof *width);
    if (width == NULL)
        return;
    for (size_t i = 0; i < (t->n_rows + 1) * t->n_cols; i++) {
        size_t len = strlen(t->cells[i]);
        if (len > width[i % t->n_cols])
            width[i % t->n_cols] = len;
    }
    for (size_t row = 0; row <= t->n_rows; row++) {
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *cell = t->cells[row * t->n_cols + c];
            int w = (int)width[c];
            bool last = c + 1 == t->n_cols;
            if (t->right[c])
                fprintf(out, "%s%*s", c > 0 ? "  " : "", w, cell);
            else
                fprintf(out, "%s%-*s", c > 0 ? "  " : "", last ? 0 : w, cell);
        }
        fputc('\n', out);
    }
    free(width);
}

size_t cli_an_pick_columns(const char **cells, const bool *show, size_t n, bool *right_out,
                           const bool *right)
{
    size_t k = 0;
    for (size_t c = 0; c < n; c++)
        if (show[c]) {
            if (right_out != NULL)
                right_out[k] = right[c];
            cells[k++] = cells[c];
        }
    return k;
}

void cli_an_table_add(cli_table **t, const char **cells, const bool *show, size_t n)
{
    if (*t == NULL)
        return;
    cli_an_pick_columns(cells, show, n, NULL, NULL);
    if (cli_table_add(*t, cells) != 0) {
        cli_table_free(*t);
        *t = NULL;
    }
}
