/* ecotwin sweep: every design point x replication x variant of a sweep file into one HDF5
 * file, in parallel, crash-safe and resumable (docs/sweeps.md).
 *
 * The sweep is opened and checked whole before anything runs (errors with file:line:col,
 * exit 65). The runs then go through the same machinery as `ecotwin run` (sim_batch over
 * sim_pool): run = ((d * R) + r) * V + v, written in run order by this thread while the
 * workers compute. A design point that cannot be opened (a value out of a parameter's range)
 * fails its runs only; the summary and the exit code (70) say how many failed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <yaml.h>

#include "cli.h"
#include "cli_mpi.h"
#include "sim_batch.h"
#include "sim_h5.h"
#include "sim_pool.h"
#include "sim_runner.h"
#include "sim_sweep.h"

/* Bytes per run of the fixed-size datasets besides the catalog's variables: run_status,
 * run_message, replication, design, variant. */
#define RUN_OVERHEAD_BYTES (1 + 256 + 8 + 8 + 4)
/* How many diagnostics of a failed design point go into its run_message. */
#define POINT_DIAGS_SHOWN 3

typedef struct sweep_opts {
    const char *output;
    sim_overrides ov;
    long long threads; /* 0: default */
    int independent, resume, dry_run, quiet, json, verbose;
    const char *shard_arg; /* --shard, or NULL */
    cli_shard shard;       /* resolved after parsing (cli_shard.c) */
} sweep_opts;

static void usage(FILE *out)
{
    fprintf(out, "Usage: ecotwin sweep [OPTIONS] SWEEP.yaml\n\n"
                 "Runs every design point x replication x variant of a sweep file (a scenario\n"
                 "with a `sweep:` section: factors by YAML path and a design, see docs/sweeps.md)\n"
                 "and writes them into one HDF5 file, in parallel. The data do not depend on the\n"
                 "number of threads. Replication r of every design point draws the same random\n"
                 "numbers (common random numbers) unless --independent is given.\n\n"
                 "Options:\n"
                 "  -o, --output FILE        results file (default: simulation.output_file);\n"
                 "                           written as FILE.part, renamed when every run is in\n"
                 "  -t, --threads N          worker threads (default: OMP_NUM_THREADS, else\n"
                 "                           SLURM_CPUS_PER_TASK, else the CPUs available)\n"
                 "  -r, --replications N     override simulation.replications\n"
                 "  -s, --seed S             override simulation.master_seed (64-bit)\n"
                 "      --independent        independent streams per design point (no CRN)\n"
                 "      --resume             continue FILE.part left by an interrupted sweep\n"
                 "                           (refused when the sweep changed)\n"
                 "      --shard I/N          run only shard I of N (0 <= I < N; units d x r\n"
                 "                           with (d*R + r) %% N == I) into FILE with\n"
                 "                           .shard-I-of-N before its extension; default: the\n"
                 "                           Slurm array task (SLURM_ARRAY_TASK_ID - _MIN of\n"
                 "                           _COUNT); `none` runs everything. Combine the\n"
                 "                           shards with `ecotwin merge` (docs/hpc.md)\n"
                 "  -n, --dry-run            print the design points, the run count and the\n"
                 "                           output size; run nothing\n"
                 "      --json               print the summary (or the dry run) as JSON on stdout\n"
                 "  -q, --quiet              no progress on stderr\n"
                 "  -v, --verbose            also print the time spent writing the file\n"
                 "  -h, --help               show this help\n\n"
                 "SIGINT/SIGTERM stop cleanly: finished runs are written, the rest can be resumed\n"
                 "(a second signal abandons the runs in progress).\n\n"
                 "MPI: `mpirun -np K ecotwin sweep ...` (or srun) spreads the runs over K ranks\n"
                 "of --threads each (default: as above, else the CPUs / ranks on the node); rank\n"
                 "0 writes the one FILE, with the same data as one process (docs/hpc.md).\n\n"
                 "Exit: 0 ok, 2 usage (also: FILE.part exists and --resume was not given),\n"
                 "65 invalid sweep file or FILE.part from another sweep, 66 missing input,\n"
                 "70 runs failed (see run_status, run_message) or internal error, 74 I/O error,\n"
                 "75 interrupted (completed runs are in FILE.part; continue with --resume).\n");
}

static int parse_number_opt(int c, const char *arg, sweep_opts *o)
{
    if (c == 't' && cli_parse_count(arg, 1, SIM_POOL_MAX_THREADS, &o->threads) != 0)
        return cli_usage_error("sweep", "--threads: expected 1..%d, got '%s'", SIM_POOL_MAX_THREADS,
                               arg);
    if (c == 'r' && cli_parse_count(arg, 1, 1000000, &o->ov.replications) != 0)
        return cli_usage_error("sweep", "--replications: expected 1..1000000, got '%s'", arg);
    if (c == 's') {
        if (cli_parse_u64(arg, &o->ov.seed) != 0)
            return cli_usage_error("sweep", "--seed: expected an unsigned 64-bit integer, got '%s'",
                                   arg);
        o->ov.has_seed = 1;
    }
    return 0;
}

static int parse_opts(int argc, char **argv, sweep_opts *o, int *done)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"replications", required_argument, NULL, 'r'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"independent", no_argument, NULL, 'I'},
                                         {"resume", no_argument, NULL, 'R'},
                                         {"dry-run", no_argument, NULL, 'n'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"verbose", no_argument, NULL, 'v'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"shard", required_argument, NULL, 'S'},
                                         {NULL, 0, NULL, 0}};
    int c, rc;
    optind = 1;
    *done = 0;
    while ((c = getopt_long(argc, argv, "o:t:r:s:nqvh", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->output = optarg;
            break;
        case 't':
        case 'r':
        case 's':
            if ((rc = parse_number_opt(c, optarg, o)) != 0)
                return rc;
            break;
        case 'I':
            o->independent = 1;
            break;
        case 'S':
            o->shard_arg = optarg;
            break;
        case 'R':
            o->resume = 1;
            break;
        case 'n':
            o->dry_run = 1;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'v':
            o->verbose = 1;
            break;
        case 'h':
            usage(stdout);
            *done = 1;
            return 0;
        default:
            return cli_usage_error("sweep", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("sweep", "expected exactly one sweep file");
    return cli_shard_resolve("sweep", o->shard_arg, &o->shard);
}

/* ---- the plan of a sweep ---- */

/* A design point that does not open fails its runs with its first diagnostics. */
static sim_status open_point(void *ctx, size_t d, sim_scenario **out, sim_error *err)
{
    const sim_sweep *sw = ctx;
    sim_scenario *sc = NULL;
    sim_status st = sim_sweep_open_design(sw, d, &sc, err);
    if (st == SIM_OK) {
        *out = sc;
        return st;
    }
    size_t n = sim_scenario_diag_count(sc);
    if (n > 0) {
        char msg[SIM_ERROR_MSG_MAX] = "";
        size_t len = 0;
        for (size_t i = 0; i < n && i < POINT_DIAGS_SHOWN && len < sizeof msg; i++)
            len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s", i ? "; " : "",
                                    sim_scenario_diag_text(sc, i));
        sim_error_set(err, st, "%s", msg);
    }
    sim_scenario_free(sc);
    *out = NULL;
    return st;
}

static void close_point(void *ctx, sim_scenario *sc)
{
    (void)ctx;
    sim_scenario_free(sc);
}

typedef struct sweep_job {
    const char *path;
    sim_sweep *sw;
    const sim_scenario *base;
    sim_catalog *cat;
    sim_plan plan;
    size_t n_factors, n_points;
    const char **factor_vars, **factor_paths;
    const char *const **factor_levels;
    double *values; /* n_points x n_factors */
    sim_h5_runs design;
    const cli_shard *shard; /* count 1: the whole sweep */
    cli_mpi *mpi;           /* ranks (cli_mpi.h); size 1 without MPI */
} sweep_job;

/* Runs of this process's shard (all of them for the whole sweep). */
static size_t shard_runs(const sweep_job *j)
{
    return sim_batch_shard_runs(&j->plan, j->shard->index, j->shard->count);
}

static sim_status job_coordinates(sweep_job *j)
{
    size_t nf = j->n_factors, np = j->n_points;
    j->factor_vars = calloc(nf ? nf : 1, sizeof *j->factor_vars);
    j->factor_paths = calloc(nf ? nf : 1, sizeof *j->factor_paths);
    j->factor_levels = calloc(nf ? nf : 1, sizeof *j->factor_levels);
    j->values = calloc(nf && np ? nf * np : 1, sizeof *j->values);
    if (j->factor_vars == NULL || j->factor_paths == NULL || j->factor_levels == NULL ||
        j->values == NULL)
        return SIM_NOMEM;
    for (size_t f = 0; f < nf; f++) {
        j->factor_vars[f] = sim_sweep_factor_var(j->sw, f);
        j->factor_paths[f] = sim_sweep_factor_path(j->sw, f);
        j->factor_levels[f] = sim_sweep_factor_levels(j->sw, f);
    }
    for (size_t d = 0; d < np; d++)
        for (size_t f = 0; f < nf; f++)
            j->values[d * nf + f] = sim_sweep_value(j->sw, d, f);
    const sim_model_type *m = j->base->model;
    size_t n_names = 0;
    while (m->variants[n_names] != NULL)
        n_names++;
    j->design = (sim_h5_runs){
        .variant_names = m->variants,
        .n_variant_names = n_names,
        .n_design = np,
        .n_factors = nf,
        .factor_vars = j->factor_vars,
        .factor_paths = j->factor_paths,
        .factor_values = j->values,
        .factor_levels = j->factor_levels,
    };
    return SIM_OK;
}

static sim_status job_init(sweep_job *j, const sweep_opts *o)
{
    j->base = sim_sweep_base(j->sw);
    j->n_points = sim_sweep_n_points(j->sw);
    j->n_factors = sim_sweep_n_factors(j->sw);
    j->cat = sim_runner_catalog(j->base);
    if (j->cat == NULL)
        return SIM_NOMEM;
    j->plan = (sim_plan){
        .n_designs = j->n_points,
        .replications = j->base->replications,
        .n_variants = j->base->n_variants,
        .variants = j->base->variants,
        .master_seed = j->base->master_seed,
        .crn = !o->independent,
        .cat = j->cat,
        .open = open_point,
        .close = close_point,
        .ctx = j->sw,
    };
    return job_coordinates(j);
}

static void job_free(sweep_job *j)
{
    free(j->factor_vars);
    free(j->factor_paths);
    free(j->factor_levels);
    free(j->values);
    sim_catalog_free(j->cat);
    sim_sweep_free(j->sw);
}

/* ---- dry run ---- */

static double run_bytes(const sim_catalog *cat)
{
    double b = RUN_OVERHEAD_BYTES;
    for (size_t i = 0; i < sim_catalog_count(cat); i++)
        b += 8.0 * (double)sim_catalog_var_size(cat, i);
    return b;
}

static double size_estimate(const sweep_job *j)
{
    return (double)sim_plan_n_runs(&j->plan) * run_bytes(j->cat) +
           (double)j->n_points * (double)(j->n_factors + 1) * 8.0;
}

static void print_points_table(const sweep_job *j)
{
    size_t nf = j->n_factors;
    int *width = calloc(nf ? nf : 1, sizeof *width);
    if (width == NULL)
        return;
    for (size_t f = 0; f < nf; f++) {
        width[f] = (int)strlen(j->factor_paths[f]);
        for (size_t d = 0; d < j->n_points; d++) {
            int w = (int)strlen(sim_sweep_value_text(j->sw, d, f));
            width[f] = w > width[f] ? w : width[f];
        }
    }
    printf("%7s", "point");
    for (size_t f = 0; f < nf; f++)
        printf("  %-*s", f + 1 < nf ? width[f] : 0, j->factor_paths[f]);
    printf("\n");
    for (size_t d = 0; d < j->n_points; d++) {
        printf("%7zu", d);
        for (size_t f = 0; f < nf; f++)
            printf("  %-*s", f + 1 < nf ? width[f] : 0, sim_sweep_value_text(j->sw, d, f));
        printf("\n");
    }
    free(width);
}

static void print_json_string(const char *s)
{
    putchar('"');
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", (unsigned)(unsigned char)*s);
        else
            putchar(*s);
    }
    putchar('"');
}

static void print_dry_json(const sweep_job *j, const char *out)
{
    printf("{\"sweep\": ");
    print_json_string(j->path);
    printf(", \"results\": ");
    print_json_string(out);
    if (j->shard->count > 1)
        printf(", \"shard\": \"%s\", \"shard_runs\": %zu", j->shard->text, shard_runs(j));
    printf(", \"design\": \"%s\", \"points\": %zu, \"replications\": %zu, \"variants\": %zu, "
           "\"runs\": %zu, \"crn\": %d, \"size_bytes_uncompressed_max\": %.0f, \"factors\": [",
           sim_sweep_design_name(sim_sweep_design(j->sw)), j->n_points, j->plan.replications,
           j->plan.n_variants, sim_plan_n_runs(&j->plan), j->plan.crn, size_estimate(j));
    for (size_t f = 0; f < j->n_factors; f++) {
        printf("%s", f ? ", " : "");
        print_json_string(j->factor_paths[f]);
    }
    printf("], \"design_points\": [");
    for (size_t d = 0; d < j->n_points; d++) {
        printf("%s[", d ? ", " : "");
        for (size_t f = 0; f < j->n_factors; f++) {
            printf("%s", f ? ", " : "");
            print_json_string(sim_sweep_value_text(j->sw, d, f));
        }
        printf("]");
    }
    printf("]}\n");
}

static void print_dry_run(const sweep_job *j, const char *out)
{
    printf("Sweep %s: design %s, %zu factor%s, %zu design point%s\n", j->path,
           sim_sweep_design_name(sim_sweep_design(j->sw)), j->n_factors,
           j->n_factors == 1 ? "" : "s", j->n_points, j->n_points == 1 ? "" : "s");
    print_points_table(j);
    printf("Runs: %zu design points x %zu replications x %zu variants = %zu runs\n", j->n_points,
           j->plan.replications, j->plan.n_variants, sim_plan_n_runs(&j->plan));
    if (j->shard->count > 1)
        printf("Shard %s (%s): %zu of the %zu runs (units d x R + r = %zu mod %zu)\n",
               j->shard->text, j->shard->source, shard_runs(j), sim_plan_n_runs(&j->plan),
               j->shard->index, j->shard->count);
    printf("Random numbers: %s\n",
           j->plan.crn ? "common across design points (replication r of every point draws the "
                         "same streams)"
                       : "independent per design point (--independent)");
    printf("Output: %s, at most %.1f MiB uncompressed (an upper bound: the file is "
           "compressed; event-table rows come on top)\n",
           out, size_estimate(j) / (1024.0 * 1024.0));
    printf("Nothing was run (--dry-run).\n");
}

/* ---- running ---- */

/* Everything that decides the data of the sweep: the resolved sweep (the base with the
 * `sweep:` section), the plan, and the values of every design point (which covers a CSV
 * design's file). */
static void fingerprint(const sweep_job *j, char out[SIM_BATCH_HASH_HEX])
{
    sim_batch_hash h;
    sim_batch_hash_init(&h);
    sim_batch_hash_text(&h, "ecotwin sweep");
    sim_batch_hash_text(&h, j->base->model->name);
    sim_batch_hash_plan(&h, &j->plan);
    sim_batch_hash_text(&h, sim_sweep_resolved_yaml(j->sw));
    for (size_t f = 0; f < j->n_factors; f++)
        sim_batch_hash_text(&h, j->factor_paths[f]);
    for (size_t d = 0; d < j->n_points; d++)
        for (size_t f = 0; f < j->n_factors; f++)
            sim_batch_hash_text(&h, sim_sweep_value_text(j->sw, d, f));
    sim_batch_hash_hex(&h, out);
}

/* User and system CPU time of the whole process so far. */
static double process_cpu_s(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0.0;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static void print_summary(const sweep_job *j, const sweep_opts *o, const char *out,
                          const sim_batch_result *res)
{
    const sim_pool_stats *ps = &res->pool;
    size_t n = shard_runs(j);
    double share = res->wall_s > 0 ? res->write_s / res->wall_s : 0.0;
    double cpu = process_cpu_s();
    if (o->json) {
        printf("{\"results\": ");
        print_json_string(out);
        if (j->shard->count > 1)
            printf(", \"shard\": \"%s\"", j->shard->text);
        printf(", \"points\": %zu, \"replications\": %zu, \"variants\": %zu, \"runs\": %zu, "
               "\"done\": %zu, \"failed\": %zu, \"resumed\": %zu, \"threads\": %d, \"crn\": %d, "
               "\"events\": %llu, \"wall_s\": %.3f, \"write_s\": %.3f, \"write_share\": %.4f, "
               "\"cpu_s\": %.3f, \"write_cpu_s\": %.3f, \"write_cpu_share\": %.4f}\n",
               j->n_points, j->plan.replications, j->plan.n_variants, n, n - res->runs_failed,
               res->runs_failed, res->runs_resumed, ps->threads, j->plan.crn,
               (unsigned long long)ps->events, res->wall_s, res->write_s, share, cpu,
               res->write_cpu_s, cpu > 0 ? res->write_cpu_s / cpu : 0.0);
        return;
    }
    printf("Results: %s\n", out);
    if (j->shard->count > 1)
        printf("Shard %s: ", j->shard->text);
    printf("%zu runs (%zu design points x %zu replications x %zu variants): %zu done, %zu "
           "failed",
           n, j->n_points, j->plan.replications, j->plan.n_variants, n - res->runs_failed,
           res->runs_failed);
    if (res->runs_resumed > 0)
        printf(", %zu resumed from %s%s", res->runs_resumed, out, SIM_BATCH_PART_SUFFIX);
    printf("\n%.2f s on %d thread%s, %.3g events\n", res->wall_s, ps->threads,
           ps->threads == 1 ? "" : "s", (double)ps->events);
    if (o->verbose)
        printf("Writing the file: %.3f s, %.1f%% of the wall time; %.3f s of CPU, %.1f%% of the "
               "process's %.3f s\n",
               res->write_s, 100.0 * share, res->write_cpu_s,
               cpu > 0 ? 100.0 * res->write_cpu_s / cpu : 0.0, cpu);
    if (res->runs_failed > 0)
        printf("%zu runs FAILED: their status and message are in run_status and run_message "
               "(ecotwin inspect %s)\n",
               res->runs_failed, out);
    printf("Describe the file: ecotwin inspect %s\n", out);
}

static int run_sweep(sweep_job *j, const sweep_opts *o, const char *out)
{
    const char *source = NULL;
    int threads = cli_mpi_threads(j->mpi, o->threads, &source);
    int log = !o->quiet && j->mpi->rank == 0; /* ranks > 0 print no progress */
    if (log && j->shard->count > 1)
        fprintf(stderr, "ecotwin %s: %s: shard %s (%s): %zu of %zu runs into %s\n", j->mpi->cmd,
                j->path, j->shard->text, j->shard->source, shard_runs(j), sim_plan_n_runs(&j->plan),
                out);
    if (log)
        fprintf(stderr, "ecotwin %s: %s: %zu design points, %zu runs, %d thread%s (%s)%s\n",
                j->mpi->cmd, j->path, j->n_points, sim_plan_n_runs(&j->plan), threads,
                threads == 1 ? "" : "s", source, j->plan.crn ? "" : ", independent streams");
    if (log && j->mpi->size > 1)
        fprintf(stderr, "ecotwin %s: %d ranks x %d threads each (rank 0 also writes the file)\n",
                j->mpi->cmd, j->mpi->size, threads);
    char fp[SIM_BATCH_HASH_HEX];
    fingerprint(j, fp);
    /* Every rank checks it computes the same plan; ranks > 0 then serve rank 0's batch. */
    int mrc = cli_mpi_agree(j->mpi, 0, fp, threads);
    if (mrc != 0)
        return mrc;
    if (j->mpi->rank > 0)
        return cli_mpi_serve(j->mpi, &j->plan, threads);
    char title[512];
    snprintf(title, sizeof title, "ecotwin sweep of %s", j->path);
    sim_h5_provenance prov = {
        .title = title,
        .model = j->base->model->name,
        .command_line = cli_command_line(),
        .scenario_path = j->path,
        .resolved_yaml = sim_sweep_resolved_yaml(j->sw),
        .master_seed = j->plan.master_seed,
        .rng_algorithm = j->plan.crn ? "xoshiro256++ per stream, keyed by SplitMix64 over "
                                       "(master seed, 0, replication, stream); crn = 1"
                                     : "xoshiro256++ per stream, keyed by SplitMix64 over "
                                       "(master seed, design, replication, stream); crn = 0",
        .threads = threads,
        .ranks = j->mpi->size,
        .libyaml_version = yaml_get_version_string(),
        .fingerprint = fp,
        .kind = "sweep",
        .design_name = sim_sweep_design_name(sim_sweep_design(j->sw)),
        .independent_streams = !j->plan.crn,
        .shard = j->shard->count > 1 ? j->shard->text : NULL,
    };
    cli_batch cb = {
        .cmd = j->mpi->cmd,
        .output = out,
        .threads = threads,
        .resume = o->resume,
        .quiet = o->quiet,
        .plan = &j->plan,
        .design = &j->design,
        .prov = &prov,
        .shard = j->shard->count > 1 ? j->shard->index : 0,
        .n_shards = j->shard->count > 1 ? j->shard->count : 0,
    };
    cb.remote = cli_mpi_remote(j->mpi, &j->plan);
    sim_batch_result res;
    sim_status st = cli_batch_run(&cb, &res);
    if (st == SIM_OK)
        print_summary(j, o, out, &res);
    int code = cli_batch_exit_code(st, &res);
    cli_mpi_release(j->mpi, code); /* every rank exits with rank 0's code */
    return code;
}

static int open_sweep(const char *cmd, const char *path, const sweep_opts *o, sim_sweep **sw)
{
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_sweep_open(path, &o->ov, sw, &err);
    if (st == SIM_OK)
        return 0;
    size_t n = *sw != NULL ? sim_sweep_diag_count(*sw) : 0;
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s\n", sim_sweep_diag_text(*sw, i));
    if (n > 0)
        cli_errorf(cmd, "%zu error%s; nothing was run or written", n, n == 1 ? "" : "s");
    else
        cli_errorf(cmd, "%s", err.msg[0] ? err.msg : sim_status_text(st));
    sim_sweep_free(*sw);
    *sw = NULL;
    return sim_status_exit_code(st);
}

int cmd_sweep(int argc, char **argv)
{
    sweep_opts o = {.ov = SIM_OVERRIDES_NONE};
    int done = 0;
    int rc = parse_opts(argc, argv, &o, &done);
    if (rc != 0 || done)
        return rc;
    cli_mpi mpi;
    if ((rc = cli_mpi_start(&mpi, "sweep")) != 0)
        return rc;
    sweep_job j = {.path = argv[optind], .shard = &o.shard, .mpi = &mpi};
    rc = open_sweep(mpi.cmd, j.path, &o, &j.sw);
    if (rc == 0 && job_init(&j, &o) != SIM_OK) {
        cli_errorf(mpi.cmd, "out of memory");
        job_free(&j);
        rc = sim_status_exit_code(SIM_NOMEM);
    }
    if (rc != 0) {
        /* The other ranks wait for this one's word at start-up (cli_mpi_agree). */
        if (!o.dry_run)
            cli_mpi_agree(&mpi, rc, NULL, 0);
        cli_mpi_finish(&mpi);
        return rc;
    }
    /* Every shard writes its own file (cli_shard_output), never one FILE for all. */
    char *out = cli_shard_output(o.output != NULL ? o.output : j.base->output_file, &o.shard);
    if (out == NULL) {
        cli_errorf("sweep", "out of memory");
        rc = sim_status_exit_code(SIM_NOMEM);
    } else if (o.dry_run && mpi.rank > 0) {
        /* one rank prints the dry run */
    } else if (o.dry_run && o.json)
        print_dry_json(&j, out);
    else if (o.dry_run)
        print_dry_run(&j, out);
    else
        rc = run_sweep(&j, &o, out);
    free(out);
    job_free(&j);
    cli_mpi_finish(&mpi);
    return rc;
}
