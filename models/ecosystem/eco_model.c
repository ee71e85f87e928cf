/*
 * eco_model: the ecosystem model as a sim_model_type, and the life cycle of its runs.
 *
 * A run owns everything it touches: companies, assets, the order pool, queues, streams and
 * statistics hang off one eco_run, so runs are re-entrant. run_alloc builds all storage up
 * front (the hot path only grows the order pool or a queue when they are exhausted, by
 * doubling) and frees what it built when any step fails.
 *
 * Variants: this version has no cross-company mechanism yet, so the effective switches of
 * every variant drive the operations layer identically; eco_mechanisms_for_variant already
 * computes them so later layers only read run->mech.
 */
#include "eco_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eco_behaviour.h"
#include "eco_business.h"
#include "eco_params.h"
#include "eco_run.h"
#include "sim_rng.h"

#define ECO_RING_MIN_CAP 16u
#define ECO_POOL_MIN_CAP 64u

static const char *const eco_variants[] = {
    "ecosystem",     "autarky",       "ko_sharing",   "ko_overflow",
    "ko_colearning", "ko_coalitions", "ko_contracts", NULL,
};

/* ---- variants ---- */

eco_mechanisms eco_mechanisms_for_variant(const eco_mechanisms *base, int variant)
{
    eco_mechanisms m = *base;
    switch ((eco_variant)variant) {
    case ECO_VARIANT_AUTARKY:
        m.sharing = m.colearning = m.coalitions = m.overflow = m.contracts = 0;
        break;
    case ECO_VARIANT_KO_SHARING:
        m.sharing = 0;
        break;
    case ECO_VARIANT_KO_OVERFLOW:
        m.overflow = 0;
        break;
    case ECO_VARIANT_KO_COLEARNING:
        m.colearning = 0;
        break;
    case ECO_VARIANT_KO_COALITIONS:
        m.coalitions = 0;
        break;
    case ECO_VARIANT_KO_CONTRACTS:
        m.contracts = 0;
        break;
    default:
        break;
    }
    return m;
}

/* ---- ring buffers ---- */

static sim_status ring_init(eco_ring *r, size_t cap)
{
    r->cap = cap < ECO_RING_MIN_CAP ? ECO_RING_MIN_CAP : cap;
    r->head = r->len = 0;
    r->v = malloc(r->cap * sizeof *r->v);
    return r->v != NULL ? SIM_OK : SIM_NOMEM;
}

static void ring_close(eco_ring *r)
{
    free(r->v);
    r->v = NULL;
}

/* Double the storage and unwrap the ring so that head = 0. */
static sim_status ring_grow(eco_ring *r)
{
    if (r->cap > SIZE_MAX / 2 / sizeof *r->v)
        return SIM_NOMEM;
    uint32_t *v = malloc(2 * r->cap * sizeof *v);
    if (v == NULL)
        return SIM_NOMEM;
    for (size_t k = 0; k < r->len; k++)
        v[k] = r->v[(r->head + k) % r->cap];
    free(r->v);
    r->v = v;
    r->cap *= 2;
    r->head = 0;
    return SIM_OK;
}

sim_status eco_ring_push(eco_ring *r, uint32_t x, sim_error *err)
{
    if (r->len == r->cap && ring_grow(r) != SIM_OK)
        return sim_error_set(err, SIM_NOMEM, "ecosystem: out of memory growing a queue");
    r->v[(r->head + r->len) % r->cap] = x;
    r->len++;
    return SIM_OK;
}

uint32_t eco_ring_pop(eco_ring *r)
{
    if (r->len == 0)
        return ECO_NONE;
    uint32_t x = r->v[r->head];
    r->head = (r->head + 1) % r->cap;
    r->len--;
    return x;
}

/* ---- order pool ---- */

static sim_status pool_init(eco_order_pool *p, size_t cap)
{
    memset(p, 0, sizeof *p);
    p->cap = cap < ECO_POOL_MIN_CAP ? ECO_POOL_MIN_CAP : (uint32_t)cap;
    p->free_head = ECO_NONE;
    p->v = malloc((size_t)p->cap * sizeof *p->v);
    return p->v != NULL ? SIM_OK : SIM_NOMEM;
}

static sim_status pool_grow(eco_order_pool *p)
{
    if (p->cap >= UINT32_MAX / 2)
        return SIM_NOMEM;
    eco_order *v = realloc(p->v, 2 * (size_t)p->cap * sizeof *v);
    if (v == NULL)
        return SIM_NOMEM;
    p->v = v;
    p->cap *= 2;
    return SIM_OK;
}

uint32_t eco_order_new(eco_run *run, sim_error *err)
{
    eco_order_pool *p = &run->orders;
    uint32_t o = p->free_head;
    if (o != ECO_NONE) {
        p->free_head = p->v[o].next_free;
    } else {
        if (p->used_top == p->cap && pool_grow(p) != SIM_OK) {
            sim_error_set(err, SIM_NOMEM, "ecosystem: out of memory growing the order pool");
            return ECO_NONE;
        }
        o = p->used_top++;
    }
    if (++p->in_use > p->peak_in_use)
        p->peak_in_use = p->in_use;
    return o;
}

void eco_order_release(eco_run *run, uint32_t o)
{
    run->orders.v[o].next_free = run->orders.free_head;
    run->orders.free_head = o;
    run->orders.in_use--;
}

size_t eco_run_order_pool_capacity(const eco_run *run)
{
    return run->orders.cap;
}

size_t eco_run_order_pool_peak(const eco_run *run)
{
    return run->orders.peak_in_use;
}

/* ---- random streams ---- */

/* Layout of the stream block: ARR_i, SVC_i for each company, then LIFE_a, PRED_a, MNT_a for
 * each asset (global index). */
static size_t n_streams(const eco_run *run)
{
    return 2 * run->n_companies + 3 * run->n_assets;
}

static uint64_t stream_key(const eco_run *run, uint32_t process, uint64_t entity)
{
    return sim_rng_key(run->id.master_seed, run->id.design, run->id.replication,
                       sim_rng_stream_id(process, entity));
}

/* gsl_rng is a public {type, state} pair: laying all generators and their states out in two
 * blocks spares 3 small allocations per asset per run (10^6 assets would make 3*10^6). */
static sim_status streams_alloc(eco_run *run)
{
    const gsl_rng_type *type = sim_rng_xoshiro256pp;
    size_t n = n_streams(run);
    run->rng = calloc(n ? n : 1, sizeof *run->rng);
    run->rng_mem = calloc(n ? n : 1, type->size);
    if (run->rng == NULL || run->rng_mem == NULL)
        return SIM_NOMEM;
    for (size_t k = 0; k < n; k++) {
        run->rng[k].type = type;
        run->rng[k].state = run->rng_mem + k * type->size;
    }
    for (size_t i = 0; i < run->n_companies; i++) {
        run->co[i].arr = &run->rng[2 * i];
        run->co[i].svc = &run->rng[2 * i + 1];
        sim_rng_reseed(run->co[i].arr, stream_key(run, ECO_STREAM_ARR, i));
        sim_rng_reseed(run->co[i].svc, stream_key(run, ECO_STREAM_SVC, i));
    }
    static const uint32_t asset_process[3] = {ECO_STREAM_LIFE, ECO_STREAM_PRED, ECO_STREAM_MNT};
    for (size_t a = 0; a < run->n_assets; a++) {
        for (size_t s = 0; s < 3; s++)
            sim_rng_reseed(&run->rng[2 * run->n_companies + 3 * a + s],
                           stream_key(run, asset_process[s], a));
    }
    return SIM_OK;
}

static gsl_rng *asset_stream(const eco_run *run, uint32_t a, size_t s)
{
    return &run->rng[2 * run->n_companies + 3 * (size_t)a + s];
}

gsl_rng *eco_rng_life(const eco_run *run, uint32_t a)
{
    return asset_stream(run, a, 0);
}

gsl_rng *eco_rng_pred(const eco_run *run, uint32_t a)
{
    return asset_stream(run, a, 1);
}

gsl_rng *eco_rng_mnt(const eco_run *run, uint32_t a)
{
    return asset_stream(run, a, 2);
}

/* ---- run life cycle ---- */

static void company_close(eco_company *c)
{
    ring_close(&c->queue);
    ring_close(&c->crew_queue[0]);
    ring_close(&c->crew_queue[1]);
    free(c->idle);
    c->idle = NULL;
}

static void run_free(void *state)
{
    eco_run *run = state;
    if (run == NULL)
        return;
    if (run->co != NULL) {
        eco_metrics_close(run);
        for (size_t i = 0; i < run->n_companies; i++)
            company_close(&run->co[i]);
    }
    free(run->co);
    free(run->as);
    free(run->orders.v);
    free(run->rng);
    free(run->rng_mem);
    free(run->samples);
    eco_behaviour_free(run);
    eco_business_free(run);
    eco_network_free(run);
    free(run->generated);
    free(run);
}

/* Queues start with room for the usual case: a crew queue never holds more than the assets
 * served; the order queue starts small (or at a finite buffer's size) and doubles. */
static sim_status company_storage(eco_company *c)
{
    size_t qcap = c->par->queue_capacity >= 0 ? (size_t)c->par->queue_capacity + 1 : 0;
    if (qcap > 1024)
        qcap = 1024;
    if (ring_init(&c->queue, qcap) != SIM_OK ||
        ring_init(&c->crew_queue[0], c->n_assets) != SIM_OK ||
        ring_init(&c->crew_queue[1], c->n_assets) != SIM_OK)
        return SIM_NOMEM;
    c->idle = malloc((c->n_assets ? c->n_assets : 1) * sizeof *c->idle);
    return c->idle != NULL ? SIM_OK : SIM_NOMEM;
}

static sim_status companies_alloc(eco_run *run)
{
    run->co = calloc(run->n_companies ? run->n_companies : 1, sizeof *run->co);
    run->as = calloc(run->n_assets ? run->n_assets : 1, sizeof *run->as);
    if (run->co == NULL || run->as == NULL)
        return SIM_NOMEM;
    uint32_t first = 0;
    for (size_t i = 0; i < run->n_companies; i++) {
        eco_company *c = &run->co[i];
        c->par = eco_run_company_params(run, i);
        c->first_asset = first;
        c->n_assets = (uint32_t)c->par->n_assets;
        first += c->n_assets;
        if (company_storage(c) != SIM_OK)
            return SIM_NOMEM;
    }
    return first == run->n_assets ? SIM_OK : SIM_INTERNAL;
}

static sim_status samples_alloc(eco_run *run)
{
    size_t per_time = ECO_TS_COUNT * (run->n_companies ? run->n_companies : 1);
    if (run->n_time > SIZE_MAX / sizeof(double) / per_time)
        return SIM_NOMEM;
    size_t n = ECO_TS_COUNT * run->n_time * run->n_companies;
    run->samples = malloc((n ? n : 1) * sizeof *run->samples);
    if (run->samples == NULL)
        return SIM_NOMEM;
    for (size_t k = 0; k < n; k++)
        run->samples[k] = NAN;
    return SIM_OK;
}

static sim_status check_catalog(const eco_run *run, const sim_catalog *cat, sim_error *err)
{
    if (cat == NULL || sim_catalog_n_entity(cat) != run->n_companies ||
        sim_catalog_n_time(cat) != run->n_time)
        return sim_error_set(err, SIM_INTERNAL,
                             "ecosystem: the output catalog does not match the scenario "
                             "(%zu companies, %zu samples expected)",
                             run->n_companies, run->n_time);
    return SIM_OK;
}

static sim_status build_storage(eco_run *run, sim_error *err)
{
    sim_status s = companies_alloc(run);
    if (s == SIM_OK)
        s = pool_init(&run->orders, 2 * run->n_assets);
    if (s == SIM_OK)
        s = streams_alloc(run);
    if (s == SIM_OK)
        s = samples_alloc(run);
    if (s == SIM_OK)
        s = eco_behaviour_alloc(run);
    if (s == SIM_OK)
        s = eco_network_alloc(run);
    if (s == SIM_OK)
        s = eco_business_alloc(run);
    if (s != SIM_OK)
        return sim_error_set(err, s, "ecosystem: cannot allocate the run state");
    return SIM_OK;
}

static void *run_alloc(const void *params, const sim_settings *settings, const sim_run_id *id,
                       const sim_catalog *cat, sim_engine *eng, sim_error *err)
{
    const eco_params *par = params;
    eco_run *run = calloc(1, sizeof *run);
    if (run == NULL) {
        sim_error_set(err, SIM_NOMEM, "ecosystem: out of memory");
        return NULL;
    }
    run->par = par;
    run->settings = *settings;
    run->id = *id;
    run->mech = eco_mechanisms_for_variant(&par->mechanisms, id->variant);
    run->eng = eng;
    run->n_companies = par->n_companies;
    run->n_assets = par->n_assets_total;
    run->n_time = eco_n_samples(settings);
    sim_status s = check_catalog(run, cat, err);
    if (s == SIM_OK)
        s = eco_population_realize(run, err);
    if (s == SIM_OK)
        s = build_storage(run, err);
    if (s == SIM_OK) {
        eco_ops_init(run);
        eco_behaviour_init(run);
        s = eco_metrics_init(run, err);
    }
    if (s == SIM_OK)
        s = eco_ops_start(run, err);
    if (s == SIM_OK)
        s = eco_metrics_start(run, err);
    if (s == SIM_OK)
        s = eco_behaviour_start(run, err);
    if (s == SIM_OK)
        s = eco_business_start(run, err);
    if (s != SIM_OK) {
        run_free(run);
        return NULL;
    }
    return run;
}

static size_t n_timers(const void *params)
{
    const eco_params *par = params;
    return ECO_TIMERS_PER_ASSET * par->n_assets_total;
}

/* ---- dispatch ---- */

typedef sim_status (*eco_handler)(eco_run *run, const sim_event *ev, sim_error *err);

static const eco_handler handlers[ECO_EV_COUNT] = {
    [ECO_EV_ORDER_ARRIVAL] = eco_on_order_arrival,
    [ECO_EV_JOB_COMPLETE] = eco_on_job_complete,
    [ECO_EV_FAILURE] = eco_on_failure,
    [ECO_EV_PM_DUE] = eco_on_pm_due,
    [ECO_EV_MAINT_COMPLETE] = eco_on_maint_complete,
    [ECO_EV_SAMPLE] = eco_on_sample,
    [ECO_EV_WARMUP_END] = eco_on_warmup_end,
    [ECO_EV_COLEARN] = eco_on_colearn,
    [ECO_EV_SHARING_REVIEW] = eco_on_sharing_review,
    [ECO_EV_CONTRACT_BILLING] = eco_on_contract_billing,
    [ECO_EV_CONTRACT_END] = eco_on_contract_end,
    [ECO_EV_PROJECT_COMPLETE] = eco_on_project_complete,
    [ECO_EV_OPP_ARRIVAL] = eco_on_opp_arrival,
    [ECO_EV_OPP_RETRY] = eco_on_opp_retry,
};

static sim_status handle(void *state, sim_engine *eng, const sim_event *ev, sim_error *err)
{
    eco_run *run = state;
    (void)eng;
    if (ev->kind >= ECO_EV_COUNT || handlers[ev->kind] == NULL)
        return sim_error_set(err, SIM_INTERNAL, "ecosystem: unknown event kind %u",
                             (unsigned)ev->kind);
    return handlers[ev->kind](run, ev, err);
}

/* ---- the type object ---- */

static void *params_load(sim_cfg *cfg, sim_cfg_node *root, const sim_settings *settings)
{
    return eco_params_load(cfg, root, settings);
}

static void params_free(void *params)
{
    eco_params_free(params);
}

const sim_model_type eco_model_type = {
    .version = SIM_MODEL_TYPE_VERSION,
    .name = "ecosystem",
    .description = "digital-twin business ecosystem: operations layer (orders, failures, "
                   "maintenance crews, twin-based PM)",
    .variants = eco_variants,
    .params_load = params_load,
    .params_free = params_free,
    .describe = eco_describe,
    .run_alloc = run_alloc,
    .n_timers = n_timers,
    .handle = handle,
    .collect = eco_collect,
    .run_free = run_free,
    .pair = eco_pair,
};
