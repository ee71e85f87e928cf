/* ecotwin run: the replications of one scenario into one HDF5 file, then a short summary.
 *
 * A scenario is a sweep of one design point: it runs on the same machinery as `ecotwin
 * sweep` (sim_batch over sim_pool), so --threads, crash safety and --resume work alike. The
 * file is written as OUT.part and renamed to OUT only when every run is in it, so OUT is
 * always either the previous complete file or the new complete one. An interrupted run
 * leaves OUT.part holding every run completed before it (readable: the writer uses SWMR
 * mode). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <yaml.h>

#include "cli.h"
#include "sim_batch.h"
#include "sim_h5.h"
#include "sim_pool.h"
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
    int col_var[N_COLS];
    sim_tally *tally; /* N_COLS x n_entity, over runs of the first variant */
} run_job;

/* Summary statistics over the complete runs of the first variant, as they are written. */
static void job_observe(void *ctx, size_t run, const sim_run_id *id, const sim_record *rec)
{
    run_job *job = ctx;
    (void)run;
    if (id->variant != job->sc->variants[0])
        return;
    size_t ne = sim_catalog_n_entity(job->cat);
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

/* A scenario is the one design point of its plan; it stays open for the whole run. */
static sim_status open_single(void *ctx, size_t d, sim_scenario **out, sim_error *err)
{
    (void)d;
    (void)err;
    *out = ctx;
    return SIM_OK;
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
            "  -t, --threads N          worker threads (default: OMP_NUM_THREADS, else\n"
            "                           SLURM_CPUS_PER_TASK, else the CPUs available); the\n"
            "                           data do not depend on it\n"
            "      --resume             continue FILE.part left by an interrupted run\n"
            "      --json               print the summary as JSON on stdout\n"
            "  -q, --quiet              no progress on stderr\n"
            "  -h, --help               show this help\n\n"
            "Exit: 0 ok, 2 usage (also: FILE.part exists and --resume was not given),\n"
            "65 invalid scenario or FILE.part from another scenario, 66 missing scenario,\n"
            "70 internal error or failed runs (see run_status, run_message), 74 I/O error,\n"
            "75 interrupted (completed runs are in FILE.part; continue with --resume).\n");
}

typedef struct run_opts {
    const char *output;
    sim_overrides ov;
    long long threads; /* 0: default */
    int json, quiet, resume;
} run_opts;

static int parse_opts(int argc, char **argv, run_opts *o, int *done)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},  {"replications", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},    {"horizon", required_argument, NULL, 'H'},
        {"json", no_argument, NULL, 'j'},          {"quiet", no_argument, NULL, 'q'},
        {"threads", required_argument, NULL, 't'}, {"resume", no_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    *done = 0;
    while ((c = getopt_long(argc, argv, "o:r:s:t:qh", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (cli_parse_count(optarg, 1, SIM_POOL_MAX_THREADS, &o->threads) != 0)
                return cli_usage_error("run", "--threads: expected 1..%d, got '%s'",
                                       SIM_POOL_MAX_THREADS, optarg);
            break;
        case 'R':
            o->resume = 1;
            break;
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

static void print_json(const run_job *job, const char *out, const sim_batch_result *res,
                       int threads)
{
    const sim_catalog *cat = job->cat;
    size_t ne = sim_catalog_n_entity(cat);
    const sim_pool_stats *ps = &res->pool;
    printf("{\"results\": \"%s\", \"runs\": %zu, \"failed\": %zu, \"resumed\": %zu, "
           "\"events\": %llu, \"threads\": %d, \"wall_s\": %.3f, \"write_s\": %.3f, "
           "\"variant\": \"%s\", \"%s\": [",
           out, ps->runs_done + res->runs_resumed, res->runs_failed, res->runs_resumed,
           (unsigned long long)ps->events, threads, res->wall_s, res->write_s,
           job->sc->model->variants[job->sc->variants[0]], sim_catalog_entity_dim(cat));
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

static void print_summary(const run_job *job, const char *out, const sim_batch_result *res)
{
    const sim_scenario *sc = job->sc;
    printf("Results: %s\n", out);
    printf("%zu runs (%zu replication%s x %zu variant%s), %.3g events, %.2f s, %d thread%s",
           sim_scenario_n_runs(sc), sc->replications, sc->replications == 1 ? "" : "s",
           sc->n_variants, sc->n_variants == 1 ? "" : "s", (double)res->pool.events, res->wall_s,
           res->pool.threads, res->pool.threads == 1 ? "" : "s");
    if (res->runs_resumed > 0)
        printf(", %zu resumed", res->runs_resumed);
    if (res->runs_failed > 0)
        printf(", %zu FAILED (see run_status and run_message)", res->runs_failed);
    printf("\nVariant %s, mean over replications ± 95%% CI half-width:\n",
           sc->model->variants[sc->variants[0]]);
    print_table(job);
    printf("Describe the file: ecotwin inspect %s\n", out);
}

/* Everything that decides the data of a run, for refusing to resume another one. */
static void fingerprint(const sim_scenario *sc, const sim_plan *plan, char out[SIM_BATCH_HASH_HEX])
{
    sim_batch_hash h;
    sim_batch_hash_init(&h);
    sim_batch_hash_text(&h, "ecotwin run");
    sim_batch_hash_text(&h, sc->model->name);
    sim_batch_hash_plan(&h, plan);
    sim_batch_hash_text(&h, sc->resolved_yaml);
    sim_batch_hash_hex(&h, out);
}

static int run_scenario(const run_opts *o, sim_scenario *sc, const char *out, int threads)
{
    int rc = 0;
    sim_catalog *cat = sim_runner_catalog(sc);
    run_job job = {.sc = sc, .cat = cat};
    size_t ne = cat != NULL ? sim_catalog_n_entity(cat) : 0;
    job.tally = calloc(N_COLS * (ne ? ne : 1), sizeof *job.tally);
    if (cat == NULL || job.tally == NULL) {
        cli_errorf("run", "out of memory");
        rc = sim_status_exit_code(SIM_NOMEM);
        goto cleanup;
    }
    for (size_t c = 0; c < N_COLS; c++) {
        job.col_var[c] = sim_catalog_find(cat, summary_cols[c].var);
        for (size_t e = 0; e < ne; e++)
            sim_tally_reset(&job.tally[c * ne + e]);
    }
    sim_plan plan = {
        .n_designs = 1,
        .replications = sc->replications,
        .n_variants = sc->n_variants,
        .variants = sc->variants,
        .master_seed = sc->master_seed,
        .crn = 1,
        .cat = cat,
        .open = open_single,
        .ctx = sc,
    };
    size_t n_names = 0;
    while (sc->model->variants[n_names] != NULL)
        n_names++;
    sim_h5_runs names = {.variant_names = sc->model->variants, .n_variant_names = n_names};
    char fp[SIM_BATCH_HASH_HEX];
    fingerprint(sc, &plan, fp);
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
        .threads = threads,
        .ranks = 1,
        .libyaml_version = yaml_get_version_string(),
        .fingerprint = fp,
        .kind = "run",
    };
    cli_batch cb = {
        .cmd = "run",
        .output = out,
        .threads = threads,
        .resume = o->resume,
        .quiet = o->quiet,
        .plan = &plan,
        .design = &names,
        .prov = &prov,
        .observe = job_observe,
        .ctx = &job,
    };
    sim_batch_result res;
    sim_status st = cli_batch_run(&cb, &res);
    rc = cli_batch_exit_code(st, &res);
    if (st != SIM_OK)
        goto cleanup;
    if (o->json)
        print_json(&job, out, &res, threads);
    else
        print_summary(&job, out, &res);
cleanup:
    free(job.tally);
    sim_catalog_free(cat);
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
    cli_report_scenario_warnings(sc);
    const char *out = o.output != NULL ? o.output : sc->output_file;
    const char *source = NULL;
    int threads = cli_threads(o.threads, &source);
    if (!o.quiet)
        fprintf(stderr, "ecotwin run: %s: %zu runs, horizon %g h, seed %llu, %d thread%s (%s)\n",
                sc->path, sim_scenario_n_runs(sc), sc->settings.horizon_h,
                (unsigned long long)sc->master_seed, threads, threads == 1 ? "" : "s", source);
    rc = run_scenario(&o, sc, out, threads);
    sim_scenario_free(sc);
    return rc;
}
