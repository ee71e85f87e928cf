#include "sim_runner.h"

#include <stdlib.h>
#include <time.h>

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

sim_catalog *sim_runner_catalog(const sim_scenario *sc)
{
    return sc->model->describe(sc->params, &sc->settings);
}

sim_run_id sim_runner_run_id(const sim_scenario *sc, size_t run)
{
    sim_run_id id = {
        .master_seed = sc->master_seed,
        .design = 0,
        .replication = run / sc->n_variants,
        .variant = sc->variants[run % sc->n_variants],
    };
    return id;
}

/* sim_engine_run with a look at the stop flag every SIM_RUNNER_STOP_EVERY events, so an
 * interrupted sweep does not wait for a long run to end. */
static sim_status engine_run(sim_engine *eng, const atomic_int *stop, sim_error *err)
{
    for (unsigned n = 1;; n++) {
        sim_step_result r = sim_engine_step(eng, err);
        if (r == SIM_STEP_DONE)
            return SIM_OK;
        if (r == SIM_STEP_ERROR)
            return err->status != SIM_OK ? err->status : SIM_INTERNAL;
        if (stop != NULL && n % SIM_RUNNER_STOP_EVERY == 0 && atomic_load(stop) != 0)
            return sim_error_set(err, SIM_INTERRUPTED, "run abandoned at t = %g h",
                                 sim_engine_now(eng));
    }
}

sim_status sim_runner_run_keyed(const sim_scenario *sc, const sim_catalog *cat,
                                const sim_run_id *id, sim_record *rec, uint64_t *events,
                                const atomic_int *stop, sim_error *err)
{
    sim_error local;
    if (err == NULL)
        err = &local; /* the step loop reads the failure's status from it */
    sim_error_clear(err);
    const sim_model_type *m = sc->model;
    sim_engine_config ecfg = {
        .start_time = 0.0,
        .end_time = sc->settings.horizon_h,
        .n_timers = m->n_timers(sc->params),
        .handler = m->handle,
    };
    if (events != NULL)
        *events = 0;
    sim_engine *eng = sim_engine_alloc(&ecfg, err);
    if (eng == NULL)
        return err->status;
    void *state = m->run_alloc(sc->params, &sc->settings, id, cat, eng, err);
    if (state == NULL) {
        sim_engine_free(eng);
        return err->status != SIM_OK ? err->status : SIM_NOMEM;
    }
    sim_engine_set_model_state(eng, state);
    sim_record_clear(rec);
    sim_status st = engine_run(eng, stop, err);
    if (st == SIM_OK)
        st = m->collect(state, eng, rec, err);
    if (events != NULL)
        *events = sim_engine_events_handled(eng);
    m->run_free(state);
    sim_engine_free(eng);
    return st;
}

sim_status sim_runner_run_one(const sim_scenario *sc, const sim_catalog *cat, size_t run,
                              sim_record *rec, uint64_t *events, sim_error *err)
{
    sim_run_id id = sim_runner_run_id(sc, run);
    return sim_runner_run_keyed(sc, cat, &id, rec, events, NULL, err);
}

/* Pairing needs every variant; when one failed the others are written unpaired. */
static void pair_group(const sim_scenario *sc, sim_group *g)
{
    size_t nv = sc->n_variants;
    for (size_t k = 0; k < nv; k++)
        if (!g->ok[k])
            return;
    sim_error perr;
    sim_error_clear(&perr);
    if (sc->model->pair(sc->params, sc->variants, g->recs, nv, &perr) == SIM_OK)
        return;
    for (size_t k = 0; k < nv; k++) {
        g->ok[k] = 0;
        g->why[k] = perr;
    }
}

sim_status sim_runner_run_group(const sim_scenario *sc, const sim_catalog *cat,
                                const sim_run_id *key, sim_group *g, const atomic_int *stop,
                                sim_error *err)
{
    g->events = 0;
    for (size_t k = 0; k < sc->n_variants; k++) {
        sim_run_id id = *key;
        id.variant = sc->variants[k];
        uint64_t events = 0;
        sim_error_clear(&g->why[k]);
        sim_status rs = sim_runner_run_keyed(sc, cat, &id, g->recs[k], &events, stop, &g->why[k]);
        g->events += events;
        if (rs == SIM_NOMEM || rs == SIM_INTERRUPTED) {
            if (err != NULL)
                *err = g->why[k];
            return rs;
        }
        g->ok[k] = rs == SIM_OK;
    }
    if (sc->model->pair != NULL)
        pair_group(sc, g);
    return SIM_OK;
}

/* Run the variants of replication rep into g. */
static sim_status run_replication(const sim_scenario *sc, const sim_catalog *cat, size_t rep,
                                  sim_group *g, sim_runner_stats *stats, sim_error *err)
{
    sim_run_id key = sim_runner_run_id(sc, rep * sc->n_variants);
    sim_status st = sim_runner_run_group(sc, cat, &key, g, NULL, err);
    stats->events += g->events;
    return st;
}

static sim_status deliver(const sim_scenario *sc, sim_sink *sink, size_t rep, sim_record **recs,
                          const int *ok, const sim_error *why, sim_runner_stats *stats,
                          sim_error *err)
{
    size_t nv = sc->n_variants;
    for (size_t k = 0; k < nv; k++) {
        size_t run = rep * nv + k;
        sim_run_id id = sim_runner_run_id(sc, run);
        sim_status st;
        if (ok[k]) {
            st = sink->put(sink->ctx, run, &id, recs[k], err);
            stats->runs_done++;
        } else if (sink->fail != NULL) {
            /* A failed run (numerical trouble, say) is recorded and the others go on. */
            stats->runs_failed++;
            st = sink->fail(sink->ctx, run, &id, &why[k], err);
        } else {
            if (err != NULL)
                *err = why[k];
            st = why[k].status != SIM_OK ? why[k].status : SIM_INTERNAL;
        }
        if (st != SIM_OK)
            return st;
    }
    return SIM_OK;
}

sim_status sim_runner_run_all(const sim_scenario *sc, const sim_catalog *cat, sim_sink *sink,
                              sim_runner_stats *stats, sim_error *err)
{
    sim_runner_stats local = {0};
    double t0 = wall_now();
    size_t nv = sc->n_variants;
    sim_record **recs = calloc(nv, sizeof *recs);
    int *ok = calloc(nv, sizeof *ok);
    sim_error *why = calloc(nv, sizeof *why);
    sim_status st = recs != NULL && ok != NULL && why != NULL ? SIM_OK : SIM_NOMEM;
    for (size_t k = 0; k < nv && st == SIM_OK; k++) {
        recs[k] = sim_record_alloc(cat);
        if (recs[k] == NULL)
            st = SIM_NOMEM;
    }
    if (st != SIM_OK)
        sim_error_set(err, SIM_NOMEM, "out of memory allocating run records");
    sim_group g = {.recs = recs, .ok = ok, .why = why};
    for (size_t rep = 0; rep < sc->replications && st == SIM_OK; rep++) {
        st = run_replication(sc, cat, rep, &g, &local, err);
        if (st == SIM_OK)
            st = deliver(sc, sink, rep, recs, ok, why, &local, err);
    }
    for (size_t k = 0; recs != NULL && k < nv; k++)
        sim_record_free(recs[k]);
    free(recs);
    free(ok);
    free(why);
    local.wall_s = wall_now() - t0;
    if (stats != NULL)
        *stats = local;
    return st;
}
