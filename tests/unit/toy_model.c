#include "toy_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const toy_variants[] = {"plain", "other", "third", NULL};

typedef struct toy_run {
    const toy_params *p;
    sim_run_id id;
    long handled;
} toy_run;

void toy_params_init(toy_params *p, size_t replications)
{
    memset(p, 0, sizeof *p);
    p->replications = replications;
    p->fail_rep = p->nomem_rep = p->pair_fail_rep = -1;
    p->events = 3;
}

void toy_watch_init(toy_watch *w)
{
    atomic_init(&w->runs_started, 0);
    atomic_init(&w->max_unit_started, -1);
}

void toy_scenario(sim_scenario *sc, toy_params *p, size_t replications, int *variants,
                  size_t n_variants)
{
    memset(sc, 0, sizeof *sc);
    sc->path = NULL;
    sc->model = &toy_model;
    sc->params = p;
    sc->settings = (sim_settings){.horizon_h = 1e9, .warmup_h = 0, .sample_interval_h = 1};
    sc->replications = replications;
    sc->master_seed = 11;
    sc->variants = variants;
    sc->n_variants = n_variants;
}

/* SplitMix64's finalizer: a value that changes with every bit of the key. */
double toy_draw(uint64_t seed, uint64_t design_key, uint64_t replication)
{
    uint64_t z = seed ^ (design_key * 0x9e3779b97f4a7c15ULL) ^ (replication << 32);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static void *toy_params_load(sim_cfg *cfg, sim_cfg_node *root, const sim_settings *s)
{
    (void)cfg;
    (void)root;
    (void)s;
    return NULL;
}

static void toy_params_free(void *params)
{
    (void)params;
}

static sim_catalog *toy_describe(const void *params, const sim_settings *settings)
{
    const toy_params *p = params;
    (void)settings;
    static const char *const names[] = {"key_design", "replication_seen", "variant_seen",
                                        "draw",       "events",           "paired"};
    sim_catalog *cat = sim_catalog_alloc("company", 1, 0);
    if (cat == NULL)
        return NULL;
    sim_catalog_set_entity_name(cat, 0, "acme");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        sim_catalog_add(cat, &(sim_var){names[i], "1", "toy value", SIM_SHAPE_RUN});
    if (p->extra_var)
        sim_catalog_add(cat, &(sim_var){"extra", "1", "toy value", SIM_SHAPE_RUN});
    return cat;
}

static void watch_start(const toy_params *p, const sim_run_id *id)
{
    if (p->watch == NULL)
        return;
    atomic_fetch_add(&p->watch->runs_started, 1);
    long unit = (long)(id->design * p->replications + id->replication);
    long seen = atomic_load(&p->watch->max_unit_started);
    while (unit > seen && !atomic_compare_exchange_weak(&p->watch->max_unit_started, &seen, unit))
        ;
}

static void *toy_run_alloc(const void *params, const sim_settings *settings, const sim_run_id *id,
                           const sim_catalog *cat, sim_engine *eng, sim_error *err)
{
    const toy_params *p = params;
    (void)settings;
    (void)cat;
    if ((long)id->replication == p->nomem_rep) {
        sim_error_set(err, SIM_NOMEM, "toy: out of memory");
        return NULL;
    }
    toy_run *run = calloc(1, sizeof *run);
    if (run == NULL || sim_engine_schedule(eng, 0.0, 0, 0, 0, 0, err) != SIM_OK) {
        free(run);
        return NULL;
    }
    run->p = p;
    run->id = *id;
    watch_start(p, id);
    return run;
}

static size_t toy_n_timers(const void *params)
{
    (void)params;
    return 0;
}

static sim_status toy_handle(void *state, sim_engine *eng, const sim_event *ev, sim_error *err)
{
    toy_run *run = state;
    (void)ev;
    if ((long)run->id.replication == run->p->fail_rep)
        return sim_error_set(err, SIM_NUMERIC, "toy: numerical trouble in replication %ld",
                             run->p->fail_rep);
    if (++run->handled < run->p->events)
        return sim_engine_schedule(eng, sim_engine_now(eng) + 1.0, 0, 0, 0, 0, err);
    return SIM_OK;
}

static sim_status toy_collect(void *state, sim_engine *eng, sim_record *rec, sim_error *err)
{
    const toy_run *run = state;
    (void)eng;
    (void)err;
    sim_record_values(rec, TOY_KEY_DESIGN)[0] = (double)run->id.design;
    sim_record_values(rec, TOY_REPLICATION)[0] = (double)run->id.replication;
    sim_record_values(rec, TOY_VARIANT)[0] = (double)run->id.variant;
    sim_record_values(rec, TOY_DRAW)[0] =
        toy_draw(run->id.master_seed, run->id.design, run->id.replication);
    sim_record_values(rec, TOY_EVENTS)[0] = (double)run->handled;
    return SIM_OK;
}

static void toy_run_free(void *state)
{
    free(state);
}

static sim_status toy_pair(const void *params, const int *variants, sim_record *const *recs,
                           size_t n, sim_error *err)
{
    const toy_params *p = params;
    (void)variants;
    if (n > 0 && (long)sim_record_cvalues(recs[0], TOY_REPLICATION)[0] == p->pair_fail_rep)
        return sim_error_set(err, SIM_NUMERIC, "toy: pairing failed");
    for (size_t k = 0; k < n; k++)
        sim_record_values(recs[k], TOY_PAIRED)[0] = (double)n;
    return SIM_OK;
}

const sim_model_type toy_model = {
    .version = SIM_MODEL_TYPE_VERSION,
    .name = "toy",
    .description = "a model for testing runners",
    .variants = toy_variants,
    .params_load = toy_params_load,
    .params_free = toy_params_free,
    .describe = toy_describe,
    .run_alloc = toy_run_alloc,
    .n_timers = toy_n_timers,
    .handle = toy_handle,
    .collect = toy_collect,
    .run_free = toy_run_free,
    .pair = toy_pair,
};
