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

sim_status sim_runner_run_one(const sim_scenario *sc, const sim_catalog *cat, size_t run,
                              sim_record *rec, uint64_t *events, sim_error *err)
{
    const sim_model_type *m = sc->model;
    sim_run_id id = sim_runner_run_id(sc, run);
    sim_engine_config ecfg = {
        .start_time = 0.0,
        .end_time = sc->settings.horizon_h,
        .n_timers = m->n_timers(sc->params),
        .handler = m->handle,
    };
    sim_engine *eng = sim_engine_alloc(&ecfg, err);
    if (eng == NULL)
        return err != NULL ? err->status : SIM_NOMEM;
    void *state = m->run_alloc(sc->params, &sc->settings, &id, cat, eng, err);
    if (state == NULL) {
        sim_engine_free(eng);
        return err != NULL && err->status != SIM_OK ? err->status : SIM_NOMEM;
    }
    sim_engine_set_model_state(eng, state);
    sim_record_clear(rec);
    sim_status st = sim_engine_run(eng, err);
    if (st == SIM_OK)
        st = m->collect(state, eng, rec, err);
    if (events != NULL)
        *events = sim_engine_events_handled(eng);
    m->run_free(state);
    sim_engine_free(eng);
    return st;
}

sim_status sim_runner_run_all(const sim_scenario *sc, const sim_catalog *cat, sim_sink *sink,
                              sim_runner_stats *stats, sim_error *err)
{
    sim_runner_stats local = {0};
    double t0 = wall_now();
    sim_record *rec = sim_record_alloc(cat);
    if (rec == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory allocating a run record");
    sim_status st = SIM_OK;
    size_t n = sim_scenario_n_runs(sc);
    for (size_t run = 0; run < n && st == SIM_OK; run++) {
        uint64_t events = 0;
        sim_error why;
        sim_error_clear(&why);
        sim_run_id id = sim_runner_run_id(sc, run);
        sim_status rs = sim_runner_run_one(sc, cat, run, rec, &events, &why);
        local.events += events;
        if (rs == SIM_OK) {
            st = sink->put(sink->ctx, run, &id, rec, err);
            local.runs_done++;
        } else if (rs != SIM_NOMEM && sink->fail != NULL) {
            /* A failed run (numerical trouble, say) is recorded and the others go on. */
            local.runs_failed++;
            st = sink->fail(sink->ctx, run, &id, &why, err);
        } else {
            if (err != NULL)
                *err = why;
            st = rs;
        }
    }
    sim_record_free(rec);
    local.wall_s = wall_now() - t0;
    if (stats != NULL)
        *stats = local;
    return st;
}
