/*
 * phold_model: run state, event handler and outputs of PHOLD.
 *
 * A run owns one record per process: its stream and two counters. The handler is the whole
 * model: count, decide local or remote, draw the delay, schedule. Draws are made in a fixed
 * order from the handling process's stream: the decision uniform always, the destination
 * uniform only for a remote event, then the exponential delay by inverse transform
 * (sim_dist), so bench/bare_heap.c can repeat the same run without the engine.
 */
#include "phold_model.h"

#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "phold_params.h"
#include "sim_dist.h"
#include "sim_rng.h"

static const char *const phold_variants[] = {"phold", NULL};

/* Catalog variables, in the order describe adds them. */
enum { VAR_HANDLED, VAR_REMOTE, VAR_EVENTS_TOTAL, VAR_REMOTE_TOTAL, VAR_PENDING_END, VAR_COUNT };

static const sim_var phold_vars[VAR_COUNT] = {
    [VAR_HANDLED] = {"events_handled", "1", "events handled by the process", SIM_SHAPE_ENTITY},
    [VAR_REMOTE] = {"remote_sent", "1", "events the process sent to another process",
                    SIM_SHAPE_ENTITY},
    [VAR_EVENTS_TOTAL] = {"events_total", "1", "events handled by all processes", SIM_SHAPE_RUN},
    [VAR_REMOTE_TOTAL] = {"remote_total", "1", "events sent to another process, all processes",
                          SIM_SHAPE_RUN},
    [VAR_PENDING_END] = {"pending_end", "1", "events pending at the end of the run", SIM_SHAPE_RUN},
};

typedef struct phold_lp {
    gsl_rng *rng;
    uint64_t handled;
    uint64_t remote;
} phold_lp;

typedef struct phold_run {
    const phold_params *p;
    sim_dist delay; /* exponential part of every delay */
    phold_lp *lp;
} phold_run;

/* ---- parameters and catalog ---- */

static void *params_load(sim_cfg *cfg, sim_cfg_node *root, const sim_settings *settings)
{
    (void)settings;
    phold_params *p = malloc(sizeof *p);
    if (p != NULL)
        phold_params_read(cfg, root, p);
    return p;
}

static void params_free(void *params)
{
    free(params);
}

static sim_catalog *describe(const void *params, const sim_settings *settings)
{
    const phold_params *p = params;
    (void)settings;
    sim_catalog *cat = sim_catalog_alloc("lp", p->n_lp, 0);
    if (cat == NULL)
        return NULL;
    for (size_t v = 0; v < VAR_COUNT; v++) {
        if (sim_catalog_add(cat, &phold_vars[v]) != (int)v)
            goto fail;
    }
    for (uint32_t i = 0; i < p->n_lp; i++) {
        char name[16];
        snprintf(name, sizeof name, "lp%u", (unsigned)i);
        if (sim_catalog_set_entity_name(cat, i, name) != SIM_OK)
            goto fail;
    }
    return cat;
fail:
    sim_catalog_free(cat);
    return NULL;
}

/* ---- runs ---- */

static void run_free(void *state)
{
    phold_run *run = state;
    if (run == NULL)
        return;
    if (run->lp != NULL) {
        for (uint32_t i = 0; i < run->p->n_lp; i++)
            gsl_rng_free(run->lp[i].rng);
    }
    free(run->lp);
    free(run);
}

/* Delay of the next event: the lookahead plus an exponential draw. */
static double next_time(const phold_run *run, double now, gsl_rng *rng)
{
    return now + run->p->lookahead_h + sim_dist_draw(&run->delay, rng);
}

static sim_status seed_events(phold_run *run, sim_engine *eng, sim_error *err)
{
    const phold_params *p = run->p;
    double now = sim_engine_now(eng);
    for (uint32_t i = 0; i < p->n_lp; i++) {
        for (uint32_t k = 0; k < p->events_per_lp; k++) {
            double t = next_time(run, now, run->lp[i].rng);
            sim_status st = sim_engine_schedule(eng, t, 0, PHOLD_EV_ARRIVE, i, 0, err);
            if (st != SIM_OK)
                return st;
        }
    }
    return SIM_OK;
}

static void *run_alloc(const void *params, const sim_settings *settings, const sim_run_id *id,
                       const sim_catalog *cat, sim_engine *eng, sim_error *err)
{
    const phold_params *p = params;
    (void)settings;
    (void)cat;
    phold_run *run = calloc(1, sizeof *run);
    if (run == NULL)
        goto nomem;
    run->p = p;
    run->delay = (sim_dist){SIM_DIST_EXP, p->mean_delay_h, 1.0};
    run->lp = calloc(p->n_lp, sizeof *run->lp);
    if (run->lp == NULL)
        goto nomem;
    for (uint32_t i = 0; i < p->n_lp; i++) {
        uint64_t key = sim_rng_key(id->master_seed, id->design, id->replication,
                                   sim_rng_stream_id(PHOLD_STREAM, i));
        run->lp[i].rng = sim_rng_alloc(key);
        if (run->lp[i].rng == NULL)
            goto nomem;
    }
    if (seed_events(run, eng, err) != SIM_OK) {
        run_free(run);
        return NULL;
    }
    return run;
nomem:
    run_free(run);
    sim_error_set(err, SIM_NOMEM, "phold: out of memory for %u processes", (unsigned)p->n_lp);
    return NULL;
}

static size_t n_timers(const void *params)
{
    (void)params;
    return 0;
}

/* Uniform among the n - 1 processes other than self: u in [0, 1) picks k in [0, n - 2],
 * which skips self. The bias of flooring a 53-bit uniform is below n / 2^53. */
static uint32_t other_lp(uint32_t self, uint32_t n, double u)
{
    uint32_t k = (uint32_t)(u * (double)(n - 1));
    return k < self ? k : k + 1;
}

static sim_status handle(void *state, sim_engine *eng, const sim_event *ev, sim_error *err)
{
    phold_run *run = state;
    uint32_t self = ev->a;
    phold_lp *lp = &run->lp[self];
    lp->handled++;
    uint32_t dest = self;
    if (gsl_rng_uniform(lp->rng) < run->p->remote_fraction) {
        dest = other_lp(self, run->p->n_lp, gsl_rng_uniform(lp->rng));
        lp->remote++;
    }
    return sim_engine_schedule(eng, next_time(run, ev->t, lp->rng), 0, PHOLD_EV_ARRIVE, dest, 0,
                               err);
}

static sim_status collect(void *state, sim_engine *eng, sim_record *rec, sim_error *err)
{
    const phold_run *run = state;
    (void)err;
    double *handled = sim_record_values(rec, VAR_HANDLED);
    double *remote = sim_record_values(rec, VAR_REMOTE);
    uint64_t total = 0, remote_total = 0;
    for (uint32_t i = 0; i < run->p->n_lp; i++) {
        handled[i] = (double)run->lp[i].handled;
        remote[i] = (double)run->lp[i].remote;
        total += run->lp[i].handled;
        remote_total += run->lp[i].remote;
    }
    sim_record_values(rec, VAR_EVENTS_TOTAL)[0] = (double)total;
    sim_record_values(rec, VAR_REMOTE_TOTAL)[0] = (double)remote_total;
    sim_record_values(rec, VAR_PENDING_END)[0] = (double)sim_engine_pending(eng);
    return SIM_OK;
}

const sim_model_type phold_model_type = {
    .version = SIM_MODEL_TYPE_VERSION,
    .name = "phold",
    .description = "PHOLD benchmark: a fixed population of events hopping among logical "
                   "processes with exponential delays plus a lookahead",
    .variants = phold_variants,
    .params_load = params_load,
    .params_free = params_free,
    .describe = describe,
    .run_alloc = run_alloc,
    .n_timers = n_timers,
    .handle = handle,
    .collect = collect,
    .run_free = run_free,
    .pair = NULL,
};
