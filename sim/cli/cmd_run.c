/* ecotwin run: the replications of one scenario into one HDF5 file, then a short summary.
 *
 * The file is written as OUT.part and renamed to OUT only when every run is in it, so OUT
 * is always either the previous complete file or the new complete one. An interrupted or
 * failed run leaves OUT.part holding every run completed before it (readable: the writer
 * uses SWMR mode). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <yaml.h>

#include "cli.h"
#include "sim_h5.h"
#include "sim_runner.h"
#include "sim_stats.h"

/* Columns of the summary table: catalog variables per company. */
static const struct {
    const char *var, *title, *fmt;
} summary_cols[] = {
    {"utilization", "utilization", "%.3f"},    {"availability", "availability", "%.3f"},
    {"lead_time_mean", "lead time h", "%.2f"}, {"throughput", "orders/h", "%.3f"},
    {"value_total", "value EUR", "%.0f"},
};
#define N_COLS (sizeof summary_cols / sizeof summary_cols[0])

typedef struct run_job {
    const sim_scenario *sc;
    const sim_catalog *cat;
    sim_h5_writer *writer;
    cli_progress progress;
    size_t done, failed;
    int col_var[N_COLS];
    sim_tally *tally; /* N_COLS x n_entity, over runs of the first variant */
} run_job;

static sim_status job_put(void *ctx, size_t run, const sim_run_id *id, const sim_record *rec,
                          sim_error *err)
{
    run_job *job = ctx;
    sim_status st = sim_h5_write_run(job->writer, run, rec, err);
    if (st != SIM_OK)
        return st;
    size_t ne = sim_catalog_n_entity(job->cat);
    if (id->variant == job->sc->variants[0]) {
        for (size_t c = 0; c < N_COLS; c++) {
            if (job->col_var[c] < 0)
                continue;
            const double *v = sim_record_cvalues(rec, (size_t)job->col_var[c]);
            for (size_t e = 0; e < ne; e++) {
                if (!isnan(v[e]))
                    sim_tally_add(&job->tally[c * ne + e], v[e]);
            }
        }
    }
    job->done++;
    cli_progress_update(&job->progress, job->done + job->failed);
    if (cli_interrupted())
        return sim_error_set(err, SIM_INTERRUPTED, "interrupted after %zu of %zu runs",
                             job->done + job->failed, sim_scenario_n_runs(job->sc));
    return SIM_OK;
}

static sim_status job_fail(void *ctx, size_t run, const sim_run_id *id, const sim_error *why,
                           sim_error *err)
{
    run_job *job = ctx;
    fprintf(stderr, "ecotwin run: run %zu (replication %llu) failed: %s\n", run,
            (unsigned long long)id->replication, why->msg);
    job->failed++;
    return sim_h5_fail_run(job->writer, run, why->msg, err);
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: ecotwin run [OPTIONS] SCENARIO.yaml\n\n"
            "Runs every replication and variant of a scenario and writes one HDF5 file\n"
            "(netCDF-4 compatible: open it with xarray, h5py, R or MATLAB), then prints a\n"
            "summary per company: mean over replications with a 95%% confidence half-width.\n\n"
            "Options:\n"
            "  -o, --output FILE        results file (default: simulation.output_file,\n"
            "                           results.h5); written as FILE.part, renamed when done\n"
            "  -r, --replications N     override simulation.replications\n"
            "  -s, --seed S             override simulation.master_seed (64-bit)\n"
            "      --horizon H          override simulation.horizon_h (hours)\n"
            "      --json               print the summary as JSON on stdout\n"
            "  -q, --quiet              no progress on stderr\n"
            "  -h, --help               show this help\n\n"
            "Exit: 0 ok, 2 usage, 65 invalid scenario, 66 missing scenario, 70 internal or\n"
            "failed runs, 74 I/O error, 75 interrupted (completed runs are in FILE.part).\n");
}

typedef struct run_opts {
    const char *output;
    sim_overrides ov;
    int json, quiet;
} run_opts;

static int parse_opts(int argc, char **argv, run_opts *o, int *done)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"replications", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},   {"horizon", required_argument, NULL, 'H'},
        {"json", no_argument, NULL, 'j'},         {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    *done = 0;
    while ((c = getopt_long(argc, argv, "o:r:s:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->output = optarg;
            break;
        case 'r':
            if (cli_parse_count(optarg, 1, 1000000, &o->ov.replications) != 0)
                return cli_usage_error("run", "--replications: expected 1..1000000, got '%s'",
                                       optarg);
            break;
        case 's':
            if (cli_parse_u64(optarg, &o->ov.seed) != 0)
                return cli_usage_error("run",
                                       "--seed: expected an unsigned 64-bit integer, "
                                       "got '%s'",
                                       optarg);
            o->ov.has_seed = 1;
            break;
        case 'H':
            if (cli_parse_double(optarg, &o->ov.horizon_h) != 0 || o->ov.horizon_h <= 0)
                return cli_usage_error("run", "--horizon: expected hours > 0, got '%s'", optarg);
            break;
        case 'j':
            o->json = 1;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'h':
            usage(stdout);
            *done = 1;
            return 0;
        default:
            return cli_usage_error("run", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("run", "expected exactly one scenario file");
    return 0;
}

static double halfwidth(const sim_tally *t)
{
    if (t->n < 2)
        return NAN;
    return gsl_cdf_tdist_Pinv(0.975, (double)(t->n - 1)) * sim_tally_sd(t) / sqrt((double)t->n);
}

static void print_table(const run_job *job)
{
    const sim_catalog *cat = job->cat;
    size_t ne = sim_catalog_n_entity(cat);
    printf("%-14s", sim_catalog_entity_dim(cat));
    for (size_t c = 0; c < N_COLS; c++)
        printf("  %22s", summary_cols[c].title);
    printf("\n");
    for (size_t e = 0; e < ne; e++) {
        printf("%-14.14s", sim_catalog_entity_name(cat, e));
        for (size_t c = 0; c < N_COLS; c++) {
            const sim_tally *t = &job->tally[c * ne + e];
            char cell[96], mean[32], hw[32];
            if (job->col_var[c] < 0 || t->n == 0) {
                snprintf(cell, sizeof cell, "-");
            } else {
                snprintf(mean, sizeof mean, summary_cols[c].fmt, sim_tally_mean(t));
                snprintf(hw, sizeof hw, summary_cols[c].fmt, halfwidth(t));
                snprintf(cell, sizeof cell, "%s ± %s", mean, isnan(halfwidth(t)) ? "-" : hw);
            }
            printf("  %23s", cell); /* one column wider: "±" is two bytes in UTF-8 */
        }
        printf("\n");
    }
}

static void print_json(const run_job *job, const char *out, const sim_runner_stats *stats)
{
    const sim_catalog *cat = job->cat;
    size_t ne = sim_catalog_n_entity(cat);
    printf("{\"results\": \"%s\", \"runs\": %zu, \"failed\": %zu, \"events\": %llu, "
           "\"wall_s\": %.3f, \"variant\": \"%s\", \"%s\": [",
           out, stats->runs_done, stats->runs_failed, (unsigned long long)stats->events,
           stats->wall_s, job->sc->model->variants[job->sc->variants[0]],
           sim_catalog_entity_dim(cat));
    for (size_t e = 0; e < ne; e++) {
        printf("%s{\"name\": \"%s\"", e ? ", " : "", sim_catalog_entity_name(cat, e));
        for (size_t c = 0; c < N_COLS; c++) {
            const sim_tally *t = &job->tally[c * ne + e];
            if (job->col_var[c] < 0 || t->n == 0)
                continue;
            double hw = halfwidth(t);
            printf(", \"%s\": {\"mean\": %.10g, \"ci95_halfwidth\": ", summary_cols[c].var,
                   sim_tally_mean(t));
            if (isnan(hw))
                printf("null}");
            else
                printf("%.10g}", hw);
        }
        printf("}");
    }
    printf("]}\n");
}

static int run_scenario(const run_opts *o, sim_scenario *sc, const char *out)
{
    sim_error err;
    sim_error_clear(&err);
    size_t n = sim_scenario_n_runs(sc);
    int rc = 0;
    char *part = malloc(strlen(out) + 6);
    sim_catalog *cat = sim_runner_catalog(sc);
    int64_t *rep = calloc(n, sizeof *rep), *design = calloc(n, sizeof *design);
    int32_t *var = calloc(n, sizeof *var);
    run_job job = {.sc = sc, .cat = cat};
    size_t ne = cat != NULL ? sim_catalog_n_entity(cat) : 0;
    job.tally = calloc(N_COLS * (ne ? ne : 1), sizeof *job.tally);
    if (part == NULL || cat == NULL || rep == NULL || design == NULL || var == NULL ||
        job.tally == NULL) {
        cli_errorf("run", "out of memory");
        rc = sim_status_exit_code(SIM_NOMEM);
        goto cleanup;
    }
    sprintf(part, "%s.part", out);
    for (size_t i = 0; i < n; i++) {
        sim_run_id id = sim_runner_run_id(sc, i);
        rep[i] = (int64_t)id.replication;
        var[i] = id.variant;
    }
    for (size_t c = 0; c < N_COLS; c++) {
        job.col_var[c] = sim_catalog_find(cat, summary_cols[c].var);
        for (size_t e = 0; e < ne; e++)
            sim_tally_reset(&job.tally[c * ne + e]);
    }
    size_t n_names = 0;
    while (sc->model->variants[n_names] != NULL)
        n_names++;
    sim_h5_runs runs = {n, rep, design, var, sc->model->variants, n_names};
    char title[512];
    snprintf(title, sizeof title, "ecotwin run of %s", sc->path);
    sim_h5_provenance prov = {
        .title = title,
        .model = sc->model->name,
        .command_line = cli_command_line(),
        .scenario_path = sc->path,
        .resolved_yaml = sc->resolved_yaml,
        .master_seed = sc->master_seed,
        .rng_algorithm = "xoshiro256++ per stream, keyed by SplitMix64 over (master seed, "
                         "design, replication, stream)",
        .threads = 1,
        .ranks = 1,
        .libyaml_version = yaml_get_version_string(),
    };
    job.writer = sim_h5_create(part, cat, &runs, &prov, &err);
    if (job.writer == NULL) {
        cli_errorf("run", "%s", err.msg);
        rc = sim_status_exit_code(err.status);
        goto cleanup;
    }
    sim_sink sink = {job_put, job_fail, &job};
    sim_runner_stats stats = {0};
    cli_install_interrupt_handlers();
    cli_progress_start(&job.progress, n, o->quiet);
    sim_status st = sim_runner_run_all(sc, cat, &sink, &stats, &err);
    cli_progress_finish(&job.progress, job.done + job.failed);
    int complete = st == SIM_OK;
    sim_error cerr;
    sim_error_clear(&cerr);
    sim_status cst = sim_h5_close(job.writer, complete, &cerr);
    if (st != SIM_OK) {
        cli_errorf("run", "%s; the %zu completed runs are in %s", err.msg, job.done, part);
        rc = sim_status_exit_code(st);
        goto cleanup;
    }
    if (cst != SIM_OK) {
        cli_errorf("run", "%s", cerr.msg);
        rc = sim_status_exit_code(cst);
        goto cleanup;
    }
    if (rename(part, out) != 0) {
        cli_errorf("run", "cannot rename %s to %s: %s; the results are in %s", part, out,
                   strerror(errno), part);
        rc = sim_status_exit_code(SIM_IO);
        goto cleanup;
    }
    if (o->json) {
        print_json(&job, out, &stats);
    } else {
        printf("Results: %s\n", out);
        printf("%zu runs (%zu replication%s x %zu variant%s), %.3g events, %.2f s", stats.runs_done,
               sc->replications, sc->replications == 1 ? "" : "s", sc->n_variants,
               sc->n_variants == 1 ? "" : "s", (double)stats.events, stats.wall_s);
        if (stats.runs_failed > 0)
            printf(", %zu FAILED (see run_status and run_message)", stats.runs_failed);
        printf("\nVariant %s, mean over replications ± 95%% CI half-width:\n",
               sc->model->variants[sc->variants[0]]);
        print_table(&job);
        printf("Describe the file: ecotwin inspect %s\n", out);
    }
    if (stats.runs_failed > 0)
        rc = sim_status_exit_code(SIM_NUMERIC);
cleanup:
    free(job.tally);
    free(rep);
    free(design);
    free(var);
    sim_catalog_free(cat);
    free(part);
    return rc;
}

int cmd_run(int argc, char **argv)
{
    run_opts o = {.ov = SIM_OVERRIDES_NONE};
    int done = 0;
    int rc = parse_opts(argc, argv, &o, &done);
    if (rc != 0 || done)
        return rc;
    sim_error err;
    sim_error_clear(&err);
    sim_scenario *sc = NULL;
    sim_status st = sim_scenario_open(argv[optind], &o.ov, &sc, &err);
    if (st != SIM_OK) {
        cli_report_scenario_errors("run", sc, &err);
        sim_scenario_free(sc);
        return sim_status_exit_code(st);
    }
    const char *out = o.output != NULL ? o.output : sc->output_file;
    if (!o.quiet)
        fprintf(stderr, "ecotwin run: %s: %zu runs, horizon %g h, seed %llu\n", sc->path,
                sim_scenario_n_runs(sc), sc->settings.horizon_h,
                (unsigned long long)sc->master_seed);
    rc = run_scenario(&o, sc, out);
    sim_scenario_free(sc);
    return rc;
}
