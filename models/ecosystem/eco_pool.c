/*
 * eco_pool: records, the shared data pool, accessible data, knowledge and goals, and the
 * storage of the sharing side of a run (see eco_behaviour.h for the contract).
 *
 * The pool sum P = sum_j s_j r_j and each provider's fleet sum (the records of its PdM
 * clients) are kept exact incrementally: records change only in eco_add_records, sharing
 * levels only at reviews (eco_share.c), PdM providers only in eco_set_pdm_provider. D_eff
 * of a company is then O(1): its own records, the relevance-weighted fleet, and the
 * others' part of the pool P - s_p r_p, absorbed through receptivity and the access rule.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "eco_behaviour.h"
#include "sim_rng.h"

#define ECO_HOURS_PER_YEAR 8760.0
#define ECO_B1_STREAMS     3 /* DEC_i, LEARN_i, INIT_i */

static double now(const eco_run *run)
{
    return sim_engine_now(run->eng);
}

/* ---- records, fleet and pool ---- */

int eco_pool_on(const eco_run *run)
{
    return run->mech.sharing;
}

int eco_is_member(const eco_run *run, uint32_t i)
{
    return eco_pool_on(run) && run->co[i].share >= run->par->sharing.member_threshold;
}

void eco_add_records(eco_run *run, uint32_t i, double w)
{
    eco_company *c = &run->co[i];
    if (!(w > 0.0))
        return;
    c->records += w;
    run->pool_records += c->share * w;
    c->sigma_dirty = 1;
    if (c->pdm_provider != ECO_NONE) {
        run->co[c->pdm_provider].fleet_records += w;
        run->co[c->pdm_provider].sigma_dirty = 1;
    }
    double gain = run->par->colearning.internal_learning_per_record * w;
    if (gain > 0.0) {
        eco_knowledge_settle(run, i);
        c->knowledge[ECO_K_ASSET] += gain;
        c->knowledge_int[ECO_K_ASSET] += gain;
    }
}

static void client_unlink(eco_run *run, uint32_t provider, uint32_t client)
{
    uint32_t *link = &run->co[provider].pdm_first_client;
    while (*link != ECO_NONE && *link != client)
        link = &run->co[*link].pdm_next_client;
    if (*link == client)
        *link = run->co[client].pdm_next_client;
    run->co[client].pdm_next_client = ECO_NONE;
}

void eco_set_pdm_provider(eco_run *run, uint32_t client, uint32_t provider)
{
    eco_company *c = &run->co[client];
    uint32_t old = c->pdm_provider;
    if (provider == client)
        provider = ECO_NONE;
    if (old == provider)
        return;
    if (old != ECO_NONE) {
        client_unlink(run, old, client);
        run->co[old].fleet_records -= c->records;
        if (run->co[old].pdm_first_client == ECO_NONE)
            run->co[old].fleet_records = 0.0; /* no rounding residue when the fleet is empty */
        run->co[old].sigma_dirty = 1;
    }
    if (provider != ECO_NONE) {
        c->pdm_next_client = run->co[provider].pdm_first_client;
        run->co[provider].pdm_first_client = client;
        run->co[provider].fleet_records += c->records;
        run->co[provider].sigma_dirty = 1;
    }
    c->pdm_provider = provider;
}

uint32_t eco_sigma_source(const eco_run *run, uint32_t owner)
{
    uint32_t p = run->co[owner].pdm_provider;
    return p != ECO_NONE ? p : owner;
}

double eco_pool_access(const eco_run *run, uint32_t p)
{
    const eco_company *c = &run->co[p];
    const eco_sharing_params *sp = &run->par->sharing;
    if (sp->pool_access_rule == ECO_POOL_OPEN)
        return 1.0;
    if (c->records > 0.0)
        return c->share;
    return c->share >= sp->member_threshold ? run->par->prediction.nonowner_access : 0.0;
}

/* The others' part of the pool, P - s_p r_p, never below 0 (rounding). */
static double pool_others(const eco_run *run, uint32_t p)
{
    double x = run->pool_records - run->co[p].share * run->co[p].records;
    return x > 0.0 ? x : 0.0;
}

double eco_deff(eco_run *run, uint32_t p)
{
    const eco_company *c = &run->co[p];
    const eco_prediction *pr = &run->par->prediction;
    double d = c->records + pr->client_data_relevance * c->fleet_records;
    if (eco_pool_on(run))
        d += c->rho * eco_pool_access(run, p) * pr->pool_relevance * pool_others(run, p);
    return d;
}

/* ---- knowledge and goals ---- */

void eco_knowledge_settle(eco_run *run, uint32_t i)
{
    eco_company *c = &run->co[i];
    double t = now(run), delta = run->par->knowledge.depreciation_per_year;
    if (delta > 0.0 && t > c->knowledge_since) {
        double f = exp(-delta * (t - c->knowledge_since) / ECO_HOURS_PER_YEAR);
        for (int d = 0; d < ECO_KNOWLEDGE_DOMAINS; d++)
            c->knowledge[d] *= f;
    }
    c->knowledge_since = t;
}

double eco_knowledge(eco_run *run, uint32_t i, int d)
{
    eco_knowledge_settle(run, i);
    return run->co[i].knowledge[d];
}

/* (1 + cos(a, b)) / 2 over n entries; 1 when a direction is missing (no goal dimensions). */
static double half_cos(const double *a, const double *b, int n)
{
    double ab = 0.0, aa = 0.0, bb = 0.0;
    for (int k = 0; k < n; k++) {
        ab += a[k] * b[k];
        aa += a[k] * a[k];
        bb += b[k] * b[k];
    }
    if (!(aa > 0.0) || !(bb > 0.0))
        return 1.0;
    double cosine = ab / sqrt(aa * bb);
    cosine = cosine > 1.0 ? 1.0 : cosine < -1.0 ? -1.0 : cosine;
    return 0.5 * (1.0 + cosine);
}

double eco_congruence(const eco_run *run, uint32_t i, uint32_t j)
{
    return half_cos(run->co[i].goal, run->co[j].goal, run->par->goals.dims);
}

double eco_goal_fit(const eco_run *run, uint32_t i, const double *theme)
{
    return half_cos(run->co[i].goal, theme, run->par->goals.dims);
}

/* ---- storage and streams ---- */

gsl_rng *eco_rng_dec(const eco_run *run, uint32_t i)
{
    return run->co[i].dec;
}

gsl_rng *eco_rng_learn(const eco_run *run, uint32_t i)
{
    return run->co[i].learn;
}

gsl_rng *eco_rng_init(const eco_run *run, uint32_t i)
{
    return run->co[i].init;
}

static uint64_t stream_key(const eco_run *run, uint32_t process, uint64_t entity)
{
    return sim_rng_key(run->id.master_seed, run->id.design, run->id.replication,
                       sim_rng_stream_id(process, entity));
}

static sim_status streams_alloc(eco_run *run)
{
    const gsl_rng_type *type = sim_rng_xoshiro256pp;
    size_t n = ECO_B1_STREAMS * (run->n_companies ? run->n_companies : 1);
    run->brng = calloc(n, sizeof *run->brng);
    run->brng_mem = calloc(n, type->size);
    if (run->brng == NULL || run->brng_mem == NULL)
        return SIM_NOMEM;
    for (size_t k = 0; k < n; k++) {
        run->brng[k].type = type;
        run->brng[k].state = run->brng_mem + k * type->size;
    }
    for (uint32_t i = 0; i < run->n_companies; i++) {
        eco_company *c = &run->co[i];
        c->dec = &run->brng[ECO_B1_STREAMS * i];
        c->learn = &run->brng[ECO_B1_STREAMS * i + 1];
        c->init = &run->brng[ECO_B1_STREAMS * i + 2];
        sim_rng_reseed(c->dec, stream_key(run, ECO_STREAM_DEC, i));
        sim_rng_reseed(c->learn, stream_key(run, ECO_STREAM_LEARN, i));
        sim_rng_reseed(c->init, stream_key(run, ECO_STREAM_INIT, i));
    }
    return SIM_OK;
}

/* Pairwise arrays are N x N; a product that overflows size_t is refused before malloc. */
static void *pair_array(size_t n, size_t size)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX / n || n * n > SIZE_MAX / size)
        return NULL;
    return malloc(n * n * size);
}

sim_status eco_behaviour_alloc(eco_run *run)
{
    size_t n = run->n_companies;
    run->trust = pair_array(n, sizeof *run->trust);
    run->last_touch = pair_array(n, sizeof *run->last_touch);
    run->pair_projects = pair_array(n, sizeof *run->pair_projects);
    if (run->trust == NULL || run->last_touch == NULL || run->pair_projects == NULL)
        return SIM_NOMEM;
    sim_status s = streams_alloc(run);
    if (s != SIM_OK)
        return s;
    return eco_behaviour_samples_alloc(run);
}

void eco_behaviour_free(eco_run *run)
{
    free(run->trust);
    free(run->last_touch);
    free(run->pair_projects);
    free(run->brng);
    free(run->brng_mem);
    free(run->bsamples);
    run->trust = run->last_touch = run->bsamples = NULL;
    run->pair_projects = NULL;
    run->brng = NULL;
    run->brng_mem = NULL;
}

/* ---- initial state (SPEC 5 steps 2, 3, 5) ---- */

static void normalize(double *x, int n)
{
    double s = 0.0;
    for (int k = 0; k < n; k++)
        s += x[k] * x[k];
    if (!(s > 0.0))
        return;
    s = sqrt(s);
    for (int k = 0; k < n; k++)
        x[k] /= s;
}

/* G_i = normalize(c + sigma_g xi), xi ~ N(0, I_M) from INIT_i; a given vector is normalised.
 * M draws are taken even when sigma_g = 0 so that INIT_i is in the same place either way. */
static void init_goal(eco_run *run, uint32_t i)
{
    eco_company *c = &run->co[i];
    const eco_goals_params *gp = &run->par->goals;
    int m = gp->dims;
    if (c->par->has_goal_vector) {
        for (int k = 0; k < m; k++)
            c->goal[k] = k < c->par->goal_vector_len ? c->par->goal_vector[k] : 0.0;
    } else {
        for (int k = 0; k < m; k++)
            c->goal[k] = gp->center[k] + gsl_ran_gaussian(c->init, 1.0) * gp->dispersion;
    }
    normalize(c->goal, m);
}

static void init_company(eco_run *run, uint32_t i)
{
    eco_company *c = &run->co[i];
    const eco_company_params *cp = c->par;
    double floor = run->par->sharing.receptivity_floor;
    c->share = eco_pool_on(run) ? cp->initial_share_level : 0.0;
    c->exposed = 0.0;
    c->rho0 = cp->technical_receptivity > floor ? cp->technical_receptivity : floor;
    c->rho = c->rho0;
    for (int d = 0; d < ECO_KNOWLEDGE_DOMAINS; d++) {
        c->knowledge[d] = cp->knowledge[d];
        c->knowledge_int[d] = c->knowledge_ext[d] = 0.0;
    }
    c->knowledge_since = now(run);
    c->pdm_provider = c->pdm_first_client = c->pdm_next_client = ECO_NONE;
    c->fleet_records = 0.0;
    init_goal(run, i);
    run->pool_records += c->share * c->records;
    if (run->platform == ECO_NONE && cp->role == ECO_ROLE_PLATFORM)
        run->platform = i;
    c->sigma_dirty = 1;
}

static void init_pairs(eco_run *run)
{
    size_t n = run->n_companies;
    for (size_t i = 0; i < n; i++) {
        double pi = run->co[i].par->trust_propensity;
        for (size_t j = 0; j < n; j++) {
            run->trust[i * n + j] = pi;
            run->last_touch[i * n + j] = -INFINITY;
            run->pair_projects[i * n + j] = 0;
        }
    }
}

void eco_behaviour_init(eco_run *run)
{
    run->pool_records = 0.0;
    run->platform = ECO_NONE;
    for (uint32_t i = 0; i < run->n_companies; i++)
        init_company(run, i);
    init_pairs(run);
    eco_behaviour_stats_init(run);
}

sim_status eco_behaviour_start(eco_run *run, sim_error *err)
{
    sim_status s = eco_share_start(run, err);
    return s == SIM_OK ? eco_learn_start(run, err) : s;
}
