/*
 * ecotwin summarize: mean, standard deviation, n and a Student-t confidence interval per
 * configuration (--by) and metric over the complete runs of a results file. Warm-up is
 * already cut by the run. Output shape: /work/notes/ANALYSIS_JSON.md.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "an_stats.h"
#include "cli.h"
#include "cli_analysis.h"

#define MAX_METRIC_ARGS 256

typedef struct sum_opts {
    char *metric[MAX_METRIC_ARGS];
    size_t n_metric;
    const char *by;
    const char *company; /* NULL: every company */
    cli_format format;
    double level;
    const char *path;
} sum_opts;

typedef struct sum_row {
    size_t group, var;
    long entity, time; /* -1 when not applicable */
    an_summary s;
} sum_row;

typedef struct sum_ctx {
    const sum_opts *o;
    an_results *r;
    long company; /* -1: every company */
    an_groups *g;
    char **labels; /* per group */
    sum_row *rows;
    size_t n_rows, cap_rows;
} sum_ctx;

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: ecotwin summarize RESULTS.h5 [--metric M]... [--by KEYS] [--level L]\n"
            "                         [--csv | --json]\n\n"
            "Mean, standard deviation, n and a confidence interval (Student t, n-1 df) of each\n"
            "metric per configuration, over the complete runs (failed and unfinished runs are\n"
            "left out and counted). Warm-up was already cut by the run.\n\n"
            "Options:\n"
            "  -m, --metric M  a variable (repeatable, or a comma list); default every (run)\n"
            "                  and (run, company) variable; a time series only when named\n"
            "  -b, --by KEYS   group by design_point, variant and factors (param_x or its YAML\n"
            "                  path), comma-separated, or none; default design_point,variant\n"
            "                  for a sweep, variant for a run\n"
            "  -c, --company C only this company's rows of per-company metrics\n"
            "  -l, --level L   confidence level (default 0.95)\n"
            "      --csv       CSV with a header line\n"
            "      --json      one JSON object (see docs/statistics.md)\n"
            "  -h, --help      show this help\n\n"
            "Exit: 0 ok, 2 usage, 66 missing or not an ecotwin file, 74 unreadable.\n");
}

/* 0 to go on, else the exit code (-1 for --help). */
static int parse(int argc, char **argv, sum_opts *o)
{
    static const struct option opts[] = {
        {"metric", required_argument, NULL, 'm'},  {"by", required_argument, NULL, 'b'},
        {"company", required_argument, NULL, 'c'}, {"level", required_argument, NULL, 'l'},
        {"csv", no_argument, NULL, 'C'},           {"json", no_argument, NULL, 'J'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:b:c:l:h", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return -1;
        } else if (c == 'm') {
            if (o->n_metric == MAX_METRIC_ARGS)
                return cli_usage_error("summarize",
                                       "more than %d --metric options; give a comma "
                                       "list",
                                       MAX_METRIC_ARGS);
            o->metric[o->n_metric++] = optarg;
        } else if (c == 'b') {
            o->by = optarg;
        } else if (c == 'c') {
            o->company = optarg;
        } else if (c == 'l') {
            if (cli_parse_double(optarg, &o->level) != 0 || !(o->level > 0 && o->level < 1))
                return cli_usage_error("summarize", "--level: expected a number in (0, 1)");
        } else if (c == 'C' || c == 'J') {
            o->format = c == 'C' ? CLI_CSV : CLI_JSON;
        } else {
            return cli_usage_error("summarize", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("summarize", "expected exactly one results file");
    o->path = argv[optind];
    return 0;
}

/* ---- computing ---- */

static int add_row(sum_ctx *x, const sum_row *row)
{
    if (x->n_rows == x->cap_rows) {
        size_t cap = x->cap_rows > 0 ? 2 * x->cap_rows : 256;
        sum_row *rows = realloc(x->rows, cap * sizeof *rows);
        if (rows == NULL)
            return -1;
        x->rows = rows;
        x->cap_rows = cap;
    }
    x->rows[x->n_rows++] = *row;
    return 0;
}

/* Rows of one column (var, entity, time) for every group; values is n_runs, scratch too. */
static int summarize_column(sum_ctx *x, sum_row proto, const double *values, double *scratch)
{
    for (size_t g = 0; g < an_groups_count(x->g); g++) {
        const size_t *runs = an_groups_runs(x->g, g);
        size_t n = an_groups_n_runs(x->g, g);
        for (size_t i = 0; i < n; i++)
            scratch[i] = values[runs[i]];
        proto.group = g;
        an_stats_summary(scratch, n, x->o->level, &proto.s);
        if (add_row(x, &proto) != 0)
            return -1;
    }
    return 0;
}

static sim_status summarize_var(sum_ctx *x, size_t var, double *values, double *scratch,
                                sim_error *err)
{
    an_shape shape = an_results_var(x->r, var)->shape;
    bool has_e = shape == AN_SHAPE_RUN_ENTITY || shape == AN_SHAPE_RUN_TIME_ENTITY;
    bool has_t = shape == AN_SHAPE_RUN_TIME || shape == AN_SHAPE_RUN_TIME_ENTITY;
    size_t ne = has_e ? an_results_n_entities(x->r) : 1;
    size_t nt = has_t ? an_results_n_time(x->r) : 1;
    for (size_t e = 0; e < ne; e++)
        for (size_t t = 0; t < nt && (!has_e || x->company < 0 || (long)e == x->company); t++) {
            sim_status st = an_results_read(x->r, var, e, t, values, err);
            if (st != SIM_OK)
                return st;
            sum_row proto = {
                .var = var, .entity = has_e ? (long)e : -1, .time = has_t ? (long)t : -1};
            if (summarize_column(x, proto, values, scratch) != 0)
                return sim_error_set(err, SIM_NOMEM, "out of memory");
        }
    return SIM_OK;
}

static sim_status compute(sum_ctx *x, const size_t *metrics, size_t n_metrics, sim_error *err)
{
    size_t n = an_results_n_runs(x->r) > 0 ? an_results_n_runs(x->r) : 1;
    double *values = malloc(n * sizeof *values), *scratch = malloc(n * sizeof *scratch);
    sim_status st =
        values != NULL && scratch != NULL ? SIM_OK : sim_error_set(err, SIM_NOMEM, "out of memory");
    for (size_t m = 0; m < n_metrics && st == SIM_OK; m++)
        st = summarize_var(x, metrics[m], values, scratch, err);
    free(values);
    free(scratch);
    return st;
}

/* ---- output ---- */

static const char *row_company(const sum_ctx *x, const sum_row *row)
{
    return row->entity >= 0 ? an_results_entity_name(x->r, (size_t)row->entity) : NULL;
}

static double row_time(const sum_ctx *x, const sum_row *row)
{
    return row->time >= 0 ? an_results_time(x->r)[row->time] : NAN;
}

/* The value of factor f when it is the same for every run of group g, else NaN. */
static double group_factor(const sum_ctx *x, size_t g, size_t f)
{
    const size_t *runs = an_groups_runs(x->g, g);
    size_t n = an_groups_n_runs(x->g, g);
    double v = NAN;
    for (size_t i = 0; i < n; i++) {
        double fv = an_results_factor_value(x->r, (size_t)an_results_run_design(x->r, runs[i]), f);
        if (i > 0 && fv != v)
            return NAN;
        v = fv;
    }
    return v;
}

static bool grouped_by(const sum_ctx *x, const char *key)
{
    for (size_t k = 0; k < an_groups_n_keys(x->g); k++)
        if (strcmp(an_groups_key(x->g, k), key) == 0)
            return true;
    return false;
}

static const char *group_variant(const sum_ctx *x, size_t g)
{
    if (!grouped_by(x, "variant") || an_groups_n_runs(x->g, g) == 0)
        return NULL;
    return an_results_variant_name(
        x->r, (size_t)an_results_run_variant(x->r, an_groups_runs(x->g, g)[0]));
}

static double group_design(const sum_ctx *x, size_t g)
{
    if (!grouped_by(x, "design_point") || an_groups_n_runs(x->g, g) == 0)
        return NAN;
    return (double)an_results_run_design(x->r, an_groups_runs(x->g, g)[0]);
}

static void json_param(const sum_ctx *x, size_t g, size_t f, FILE *out)
{
    const an_factor *fac = an_results_factor(x->r, f);
    double v = group_factor(x, g, f);
    cli_json_str(out, fac->var);
    fputs(": ", out);
    if (fac->levels != NULL && !isnan(v) && (size_t)v < fac->n_levels)
        cli_json_str(out, fac->levels[(size_t)v]);
    else
        cli_json_num(out, v);
}

static void json_row(const sum_ctx *x, const sum_row *row, FILE *out)
{
    const an_var *v = an_results_var(x->r, row->var);
    fputs("    {\"config\": ", out);
    cli_json_str(out, x->labels[row->group]);
    fputs(", \"design_point\": ", out);
    cli_json_num(out, group_design(x, row->group));
    fputs(", \"variant\": ", out);
    cli_json_str(out, group_variant(x, row->group));
    fputs(", \"params\": {", out);
    for (size_t f = 0, k = 0; f < an_results_n_factors(x->r); f++) {
        if (isnan(group_factor(x, row->group, f)))
            continue;
        fputs(k++ > 0 ? ", " : "", out);
        json_param(x, row->group, f, out);
    }
    fputs("}, \"metric\": ", out);
    cli_json_str(out, v->name);
    fputs(", \"units\": ", out);
    cli_json_str(out, v->units);
    fputs(", \"long_name\": ", out);
    cli_json_str(out, v->long_name);
    fputs(", \"company\": ", out);
    cli_json_str(out, row_company(x, row));
    fputs(", \"time\": ", out);
    cli_json_num(out, row_time(x, row));
    fprintf(out, ", \"n\": %zu, \"mean\": ", row->s.n);
    const double nums[5] = {row->s.mean, row->s.sd, row->s.se, row->s.ci_low, row->s.ci_high};
    static const char *const keys[5] = {"mean", "sd", "se", "ci_low", "ci_high"};
    for (size_t i = 0; i < 5; i++) {
        if (i > 0)
            fprintf(out, ", \"%s\": ", keys[i]);
        cli_json_num(out, nums[i]);
    }
    fputs("}", out);
}

static void json_factors(const an_results *r, FILE *out)
{
    fputs("  \"factors\": [", out);
    for (size_t f = 0; f < an_results_n_factors(r); f++) {
        const an_factor *fac = an_results_factor(r, f);
        fputs(f > 0 ? ",\n    {\"name\": " : "\n    {\"name\": ", out);
        cli_json_str(out, fac->var);
        fputs(", \"path\": ", out);
        cli_json_str(out, fac->path);
        fputs(", \"units\": ", out);
        cli_json_str(out, fac->units);
        fputs(", \"levels\": ", out);
        if (fac->levels == NULL)
            fputs("null", out);
        for (size_t k = 0; fac->levels != NULL && k < fac->n_levels; k++) {
            fputs(k == 0 ? "[" : ", ", out);
            cli_json_str(out, fac->levels[k]);
        }
        fputs(fac->levels != NULL ? (fac->n_levels > 0 ? "]}" : "[]}") : "}", out);
    }
    fputs(an_results_n_factors(r) > 0 ? "\n  ],\n" : "],\n", out);
}

static void print_json(const sum_ctx *x, FILE *out)
{
    const an_results *r = x->r;
    fputs("{\n  \"file\": ", out);
    cli_json_str(out, an_results_path(r));
    fputs(",\n  \"kind\": ", out);
    cli_json_str(out, an_results_attr(r, "kind") != NULL ? an_results_attr(r, "kind") : "run");
    fprintf(out,
            ",\n  \"complete\": %s,\n  \"runs\": %zu, \"runs_complete\": %zu, \"runs_failed\": "
            "%zu,\n  \"common_random_numbers\": %s,\n  \"level\": ",
            an_results_complete(r) ? "true" : "false", an_results_n_runs(r),
            an_results_n_complete(r), cli_an_count_status(r, 2),
            an_results_crn(r) ? "true" : "false");
    cli_json_num(out, x->o->level);
    fputs(",\n  \"by\": [", out);
    for (size_t k = 0; k < an_groups_n_keys(x->g); k++) {
        fputs(k > 0 ? ", " : "", out);
        cli_json_str(out, an_groups_key(x->g, k));
    }
    fputs("],\n", out);
    json_factors(r, out);
    fputs("  \"rows\": [", out);
    for (size_t i = 0; i < x->n_rows; i++) {
        fputs(i > 0 ? ",\n" : "\n", out);
        json_row(x, &x->rows[i], out);
    }
    fputs(x->n_rows > 0 ? "\n  ]\n}\n" : "]\n}\n", out);
}

static void print_csv(const sum_ctx *x, FILE *out)
{
    fputs("config,design_point,variant", out);
    for (size_t f = 0; f < an_results_n_factors(x->r); f++)
        fprintf(out, ",%s", an_results_factor(x->r, f)->var);
    fputs(",metric,units,long_name,company,time,n,mean,sd,se,ci_low,ci_high\n", out);
    for (size_t i = 0; i < x->n_rows; i++) {
        const sum_row *row = &x->rows[i];
        const an_var *v = an_results_var(x->r, row->var);
        cli_csv_str(out, x->labels[row->group]);
        fputc(',', out);
        cli_csv_num(out, group_design(x, row->group));
        fputc(',', out);
        cli_csv_str(out, group_variant(x, row->group));
        for (size_t f = 0; f < an_results_n_factors(x->r); f++) {
            fputc(',', out);
            cli_csv_num(out, group_factor(x, row->group, f));
        }
        const char *text[4] = {v->name, v->units, v->long_name, row_company(x, row)};
        for (size_t k = 0; k < 4; k++) {
            fputc(',', out);
            cli_csv_str(out, text[k]);
        }
        fputc(',', out);
        cli_csv_num(out, row_time(x, row));
        fprintf(out, ",%zu", row->s.n);
        const double nums[5] = {row->s.mean, row->s.sd, row->s.se, row->s.ci_low, row->s.ci_high};
        for (size_t k = 0; k < 5; k++) {
            fputc(',', out);
            cli_csv_num(out, nums[k]);
        }
        fputc('\n', out);
    }
}

static bool any_row(const sum_ctx *x, bool time)
{
    for (size_t i = 0; i < x->n_rows; i++)
        if ((time ? x->rows[i].time : x->rows[i].entity) >= 0)
            return true;
    return false;
}

enum {
    COL_CONFIG,
    COL_METRIC,
    COL_COMPANY,
    COL_TIME,
    COL_N,
    COL_MEAN,
    COL_SD,
    COL_LOW,
    COL_HIGH,
    COL_UNITS,
    N_COLS
};

static void table_cells(const sum_ctx *x, const sum_row *row, char buf[N_COLS][48],
                        const char *cells[N_COLS])
{
    cells[COL_CONFIG] = x->labels[row->group][0] != '\0' ? x->labels[row->group] : "all";
    cells[COL_METRIC] = an_results_var(x->r, row->var)->name;
    cells[COL_COMPANY] = row_company(x, row);
    if (row->time >= 0)
        snprintf(buf[COL_TIME], 48, "%g", row_time(x, row));
    else
        snprintf(buf[COL_TIME], 48, "-");
    snprintf(buf[COL_N], 48, "%zu", row->s.n);
    cli_an_num(row->s.mean, buf[COL_MEAN], 48);
    cli_an_num(row->s.sd, buf[COL_SD], 48);
    cli_an_num(row->s.ci_low, buf[COL_LOW], 48);
    cli_an_num(row->s.ci_high, buf[COL_HIGH], 48);
    for (int c = COL_TIME; c <= COL_HIGH; c++)
        cells[c] = buf[c];
    cells[COL_UNITS] = an_results_var(x->r, row->var)->units;
}

static int print_table(const sum_ctx *x, FILE *out)
{
    char level[32], low[48], high[48], runs[160];
    snprintf(level, sizeof level, "%g%%", 100 * x->o->level);
    snprintf(low, sizeof low, "%s CI low", level);
    snprintf(high, sizeof high, "%s CI high", level);
    const char *headers[N_COLS] = {"config", "metric", "company", "time h", "n",
                                   "mean",   "sd",     low,       high,     "units"};
    static const bool right[N_COLS] = {false, false, false, true, true,
                                       true,  true,  true,  true, false};
    bool show[N_COLS], right_sel[N_COLS];
    for (size_t c = 0; c < N_COLS; c++)
        show[c] = true;
    show[COL_COMPANY] = any_row(x, false);
    show[COL_TIME] = any_row(x, true);
    size_t n_cols = cli_an_pick_columns(headers, show, N_COLS, right_sel, right);
    cli_table *t = cli_table_alloc(n_cols, headers, right_sel);
    for (size_t i = 0; t != NULL && i < x->n_rows; i++) {
        char buf[N_COLS][48];
        const char *cells[N_COLS];
        table_cells(x, &x->rows[i], buf, cells);
        cli_an_table_add(&t, cells, show, N_COLS);
    }
    if (t == NULL)
        return -1;
    cli_an_runs_text(x->r, runs, sizeof runs);
    fprintf(out, "%s: %s; %s CI Student t over replications\n", an_results_path(x->r), runs, level);
    cli_table_print(t, out);
    cli_table_free(t);
    return 0;
}

/* ---- the command ---- */

static sim_status make_labels(sum_ctx *x, sim_error *err)
{
    size_t n = an_groups_count(x->g);
    x->labels = calloc(n > 0 ? n : 1, sizeof *x->labels);
    for (size_t g = 0; x->labels != NULL && g < n; g++)
        if ((x->labels[g] = an_sel_label(an_groups_sel(x->g, g), x->r)) == NULL)
            return sim_error_set(err, SIM_NOMEM, "out of memory");
    return x->labels != NULL ? SIM_OK : sim_error_set(err, SIM_NOMEM, "out of memory");
}

static void ctx_free(sum_ctx *x)
{
    for (size_t g = 0; x->labels != NULL && x->g != NULL && g < an_groups_count(x->g); g++)
        free(x->labels[g]);
    free(x->labels);
    free(x->rows);
    an_groups_free(x->g);
    an_results_close(x->r);
}

static int run_summary(sum_ctx *x, const size_t *metrics, size_t n_metrics)
{
    sim_error err;
    sim_error_clear(&err);
    x->g = an_groups_make(x->r, x->o->by, NULL, &err);
    sim_status st = x->g != NULL ? make_labels(x, &err) : err.status;
    if (st == SIM_OK)
        st = compute(x, metrics, n_metrics, &err);
    if (st == SIM_USAGE)
        return cli_usage_error("summarize", "%s", err.msg);
    if (st != SIM_OK) {
        cli_errorf("summarize", "%s", err.msg);
        return sim_status_exit_code(st);
    }
    if (x->o->format == CLI_JSON)
        print_json(x, stdout);
    else if (x->o->format == CLI_CSV)
        print_csv(x, stdout);
    else if (print_table(x, stdout) != 0) {
        cli_errorf("summarize", "out of memory");
        return 70;
    }
    return 0;
}

int cmd_summarize(int argc, char **argv)
{
    sum_opts o = {.level = 0.95, .format = CLI_TABLE};
    int rc = parse(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    sum_ctx x = {.o = &o, .company = -1};
    x.r = cli_an_open("summarize", o.path, o.metric, o.n_metric, &rc);
    if (x.r == NULL)
        return rc;
    if ((rc = cli_an_company("summarize", x.r, o.company, &x.company)) != 0) {
        an_results_close(x.r);
        return rc;
    }
    size_t n_metrics = 0;
    size_t *metrics = cli_an_metrics("summarize", x.r, o.metric, o.n_metric, true, &n_metrics, &rc);
    if (metrics != NULL)
        rc = run_summary(&x, metrics, n_metrics);
    free(metrics);
    ctx_free(&x);
    return rc;
}
