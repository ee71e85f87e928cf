/*
 * ecotwin_bench: events per second of the engine on any scenario, without files.
 *
 * Runs the runs of a scenario as sim_runner does (engine, model run state, step loop,
 * collect) but times the pieces apart: setup (engine and run state, first events) and the
 * event loop. Nothing is written, so the figures are the engine's and the model's, not the
 * HDF5 writer's or the disk's. The whole set of runs is repeated --repeat times and the
 * median repetition is reported; CPU time of the thread is reported next to wall time
 * because on a shared machine wall time includes waiting for a core.
 *
 * Output: one JSON line on stdout. "remote" is PHOLD's remote_total summed over the runs
 * (absent for other models), so bench/run_phold.sh can check that bench/bare_heap.c did the
 * same work.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "sim_runner.h"
#include "sim_scenario.h"

#define REPEAT_MAX 1000

typedef struct bench_opts {
    const char *scenario;
    long long repeat;
    long long runs; /* 0: every run of the scenario */
    sim_overrides ov;
} bench_opts;

/* One repetition: every run once. */
typedef struct bench_sample {
    double setup_s, loop_s, loop_cpu_s;
    uint64_t events;
    double remote;
} bench_sample;

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void usage(FILE *out)
{
    fprintf(out, "Usage: ecotwin_bench [--repeat N] [--runs N] [--replications N] "
                 "[--horizon H] [--warmup H] SCENARIO.yaml\n"
                 "Times setup and event loop of the runs of a scenario (no output file) and\n"
                 "prints one JSON line: events, events_per_s, ns_per_event, peak_rss_kb.\n");
}

static int parse_count(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_hours(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (*s == '\0' || *end != '\0' || !(v > 0.0 && v <= 1e7))
        return -1;
    *out = v;
    return 0;
}

/* Returns 0 to go on, 1 when --help was printed, -1 on a usage error. */
static int parse_opts(int argc, char **argv, bench_opts *o)
{
    static const struct option opts[] = {{"repeat", required_argument, NULL, 'n'},
                                         {"runs", required_argument, NULL, 'u'},
                                         {"replications", required_argument, NULL, 'r'},
                                         {"horizon", required_argument, NULL, 'H'},
                                         {"warmup", required_argument, NULL, 'W'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c, bad = 0;
    while (!bad && (c = getopt_long(argc, argv, "n:r:h", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return 1;
        }
        if (c == 'n')
            bad = parse_count(optarg, 1, REPEAT_MAX, &o->repeat);
        else if (c == 'u')
            bad = parse_count(optarg, 1, 1000000, &o->runs);
        else if (c == 'r')
            bad = parse_count(optarg, 1, 1000000, &o->ov.replications);
        else if (c == 'H')
            bad = parse_hours(optarg, &o->ov.horizon_h);
        else if (c == 'W')
            bad = parse_hours(optarg, &o->ov.warmup_h);
        else
            bad = -1;
    }
    if (bad || optind != argc - 1) {
        usage(stderr);
        return -1;
    }
    o->scenario = argv[optind];
    return 0;
}

/* One run as sim_runner_run_keyed does it, with clocks around setup and loop. */
static sim_status run_one(const sim_scenario *sc, const sim_catalog *cat, size_t run,
                          sim_record *rec, bench_sample *s, sim_error *err)
{
    const sim_model_type *m = sc->model;
    sim_run_id id = sim_runner_run_id(sc, run);
    sim_engine_config ecfg = {.start_time = 0.0,
                              .end_time = sc->settings.horizon_h,
                              .n_timers = m->n_timers(sc->params),
                              .handler = m->handle};
    double t0 = clock_s(CLOCK_MONOTONIC);
    sim_engine *eng = sim_engine_alloc(&ecfg, err);
    if (eng == NULL)
        return err->status;
    void *state = m->run_alloc(sc->params, &sc->settings, &id, cat, eng, err);
    if (state == NULL) {
        sim_engine_free(eng);
        return err->status;
    }
    sim_engine_set_model_state(eng, state);
    double t1 = clock_s(CLOCK_MONOTONIC), c1 = clock_s(CLOCK_THREAD_CPUTIME_ID);
    sim_status st = sim_engine_run(eng, err);
    double t2 = clock_s(CLOCK_MONOTONIC), c2 = clock_s(CLOCK_THREAD_CPUTIME_ID);
    sim_record_clear(rec);
    if (st == SIM_OK)
        st = m->collect(state, eng, rec, err);
    s->setup_s += t1 - t0;
    s->loop_s += t2 - t1;
    s->loop_cpu_s += c2 - c1;
    s->events += sim_engine_events_handled(eng);
    int v = sim_catalog_find(cat, "remote_total");
    if (v >= 0)
        s->remote += sim_record_cvalues(rec, (size_t)v)[0];
    m->run_free(state);
    sim_engine_free(eng);
    return st;
}

static int cmp_loop(const void *a, const void *b)
{
    const bench_sample *x = a, *y = b;
    return (x->loop_cpu_s > y->loop_cpu_s) - (x->loop_cpu_s < y->loop_cpu_s);
}

static void report(const bench_opts *o, const sim_scenario *sc, size_t runs, bench_sample *s,
                   size_t n)
{
    qsort(s, n, sizeof *s, cmp_loop);
    const bench_sample *med = &s[n / 2];
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double ev = (double)med->events;
    printf("{\"program\": \"ecotwin_bench\", \"scenario\": \"%s\", \"model\": \"%s\", "
           "\"runs\": %zu, \"repeat\": %zu, \"events\": %llu, \"remote\": %.0f, ",
           o->scenario, sc->model->name, runs, n, (unsigned long long)med->events, med->remote);
    printf("\"setup_s\": %.4f, \"loop_s\": %.4f, \"loop_cpu_s\": %.4f, \"events_per_s\": %.0f, "
           "\"ns_per_event\": %.1f, \"events_per_s_wall\": %.0f, \"peak_rss_kb\": %ld}\n",
           med->setup_s, med->loop_s, med->loop_cpu_s, ev / med->loop_cpu_s,
           1e9 * med->loop_cpu_s / ev, ev / med->loop_s, ru.ru_maxrss);
}

/* Every repetition must handle the same events: the runs are deterministic. */
static int repeat_runs(const bench_opts *o, const sim_scenario *sc, size_t runs,
                       bench_sample *samples)
{
    sim_catalog *cat = sim_runner_catalog(sc);
    sim_record *rec = cat != NULL ? sim_record_alloc(cat) : NULL;
    int rc = rec == NULL ? 70 : 0;
    if (rc != 0)
        fprintf(stderr, "ecotwin_bench: out of memory\n");
    for (long long k = 0; rc == 0 && k < o->repeat; k++) {
        bench_sample *s = &samples[k];
        memset(s, 0, sizeof *s);
        for (size_t r = 0; rc == 0 && r < runs; r++) {
            sim_error err;
            sim_error_clear(&err);
            if (run_one(sc, cat, r, rec, s, &err) != SIM_OK) {
                fprintf(stderr, "ecotwin_bench: run %zu: %s\n", r, err.msg);
                rc = sim_status_exit_code(err.status);
            }
        }
        if (rc == 0 && s->events != samples[0].events) {
            fprintf(stderr, "ecotwin_bench: repetition %lld handled %llu events, the first %llu\n",
                    k, (unsigned long long)s->events, (unsigned long long)samples[0].events);
            rc = 70;
        }
    }
    sim_record_free(rec);
    sim_catalog_free(cat);
    return rc;
}

int main(int argc, char **argv)
{
    bench_opts o = {.repeat = 3, .ov = SIM_OVERRIDES_NONE};
    int parsed = parse_opts(argc, argv, &o);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    sim_error err;
    sim_error_clear(&err);
    sim_scenario *sc = NULL;
    if (sim_scenario_open(o.scenario, &o.ov, &sc, &err) != SIM_OK) {
        fprintf(stderr, "ecotwin_bench: %s\n", err.msg);
        sim_scenario_free(sc);
        return sim_status_exit_code(err.status);
    }
    size_t runs = sim_scenario_n_runs(sc);
    if (o.runs > 0 && (size_t)o.runs < runs)
        runs = (size_t)o.runs;
    bench_sample *samples = calloc((size_t)o.repeat, sizeof *samples);
    int rc = samples == NULL ? 70 : repeat_runs(&o, sc, runs, samples);
    if (rc == 0)
        report(&o, sc, runs, samples, (size_t)o.repeat);
    free(samples);
    sim_scenario_free(sc);
    return rc;
}
