/*
 * eco_share_metrics: the outputs of the sharing side (SPEC 8.5 knowledge growth, 8.6 data
 * shared, trust), declared in the model's catalog after the operations layer's variables.
 *
 * The time-average sharing level is a sim_tw restarted at warm-up; knowledge, knowledge
 * gains and receptivity are snapshotted at warm-up and reported as differences at the end.
 * SAMPLE buffers four per-company series and the pool size in run->bsamples:
 * [ECO_BTS_COUNT][n_time][n_companies] then [n_time].
 */
#include <math.h>
#include <stdlib.h>

#include "eco_behaviour.h"

#define ECO_RECIPROCITY_EPS 1.0 /* records: floor of the denominator of the reciprocity ratio */

/* X(id, name, units, long name) */
#define ECO_B_ENTITY_VARS(X)                                                                       \
    X(SHARE_MEAN, "share_mean", "1", "time-average sharing level s_i over the window")             \
    X(EXPOSED, "exposed_records", "1", "records exposed to the pool at the end, s_i r_i")          \
    X(K_INT, "knowledge_gain_internal", "1",                                                       \
      "knowledge gained by learning from own records in the window (sum over domains)")            \
    X(K_EXT, "knowledge_gain_external", "1",                                                       \
      "knowledge gained by co-learning in the window (sum over domains)")                          \
    X(K_GROWTH, "knowledge_growth", "1",                                                           \
      "change of the knowledge stock ||K_i||_1 over the window")                                   \
    X(K_TOTAL, "knowledge_total", "1", "knowledge stock ||K_i||_1 at the end")                     \
    X(RHO_END, "receptivity", "1", "technical receptivity rho_i at the end")                       \
    X(RHO_DRIFT, "receptivity_drift", "1", "change of technical receptivity over the window")      \
    X(RECIPROCITY, "reciprocity_ratio", "1",                                                       \
      "pool records the company can use (receptivity- and access-weighted) per record it "         \
      "exposes, at the end")                                                                       \
    X(TRUST_IN, "trust_in_mean", "1",                                                              \
      "mean trust of the other companies in the company, at the end")                              \
    X(TRUST_OUT, "trust_out_mean", "1", "mean trust of the company in the others, at the end")     \
    X(V_SHARING, "value_sharing_cost", "EUR", "ledger SHARING_COST: cost of exposing records")     \
    X(V_PLATFORM, "value_platform_fee", "EUR",                                                     \
      "ledger PLATFORM_FEE: pool fees paid (negative) or received by the platform operator")       \
    X(V_TWIN, "value_twin_install", "EUR", "ledger TWIN_INSTALL: cost of twin adoption")

#define ECO_B_RUN_VARS(X)                                                                          \
    X(POOL_END, "pool_records_end", "1", "records in the shared pool at the end, sum s_j r_j")     \
    X(DIVERSITY, "knowledge_diversity", "1",                                                       \
      "mean pairwise cognitive distance of knowledge stocks at the end")                           \
    X(MEAN_TRUST, "mean_trust", "1", "mean trust over ordered pairs of companies at the end")      \
    X(MEAN_SHARE, "mean_share", "1", "mean over companies of the time-average sharing level")      \
    X(MEAN_K_EXT, "knowledge_gain_external_mean", "1",                                             \
      "mean over companies of the knowledge gained by co-learning in the window")

/* Same order as ECO_BTS_*. */
#define ECO_B_TE_VARS(X)                                                                           \
    X(TS_SHARE, "ts_share", "1", "sharing level s_i at the sample instant")                        \
    X(TS_KNOWLEDGE, "ts_knowledge", "1", "knowledge stock ||K_i||_1 at the sample instant")        \
    X(TS_RHO, "ts_rho", "1", "technical receptivity rho_i at the sample instant")                  \
    X(TS_TRUST_IN, "ts_trust_in", "1",                                                             \
      "mean trust of the other companies in the company at the sample instant")

#define ECO_B_TIME_VARS(X)                                                                         \
    X(TS_POOL, "ts_pool_records", "1", "records in the shared pool at the sample instant")

#define ECO_B_ENUM(id, name, units, long_name) B_##id,
enum { ECO_B_ENTITY_VARS(ECO_B_ENUM) B_ENTITY_COUNT };
enum { ECO_B_RUN_VARS(ECO_B_ENUM) B_RUN_COUNT };
enum { ECO_B_TE_VARS(ECO_B_ENUM) ECO_BTS_COUNT };
#undef ECO_B_ENUM

#define ECO_B_ENT(id, name, units, long_name)  {name, units, long_name, SIM_SHAPE_ENTITY},
#define ECO_B_RUN(id, name, units, long_name)  {name, units, long_name, SIM_SHAPE_RUN},
#define ECO_B_TE(id, name, units, long_name)   {name, units, long_name, SIM_SHAPE_TIME_ENTITY},
#define ECO_B_TIME(id, name, units, long_name) {name, units, long_name, SIM_SHAPE_TIME},
static const sim_var b_entity_vars[] = {ECO_B_ENTITY_VARS(ECO_B_ENT)};
static const sim_var b_run_vars[] = {ECO_B_RUN_VARS(ECO_B_RUN)};
static const sim_var b_te_vars[] = {ECO_B_TE_VARS(ECO_B_TE)};
static const sim_var b_time_vars[] = {ECO_B_TIME_VARS(ECO_B_TIME)};
#undef ECO_B_ENT
#undef ECO_B_RUN
#undef ECO_B_TE
#undef ECO_B_TIME

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static double now(const eco_run *run)
{
    return sim_engine_now(run->eng);
}

/* ---- catalog ---- */

static int add_all(sim_catalog *cat, const sim_var *vars, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (sim_catalog_add(cat, &vars[k]) < 0)
            return -1;
    }
    return 0;
}

int eco_behaviour_describe(sim_catalog *cat)
{
    if (add_all(cat, b_entity_vars, COUNT(b_entity_vars)) != 0 ||
        add_all(cat, b_run_vars, COUNT(b_run_vars)) != 0 ||
        add_all(cat, b_te_vars, COUNT(b_te_vars)) != 0)
        return -1;
    return add_all(cat, b_time_vars, COUNT(b_time_vars));
}

/* ---- sampling, warm-up ---- */

sim_status eco_behaviour_samples_alloc(eco_run *run)
{
    size_t per_time = ECO_BTS_COUNT * run->n_companies + 1;
    if (run->n_time > SIZE_MAX / sizeof(double) / per_time)
        return SIM_NOMEM;
    size_t n = per_time * run->n_time;
    run->bsamples = malloc((n ? n : 1) * sizeof *run->bsamples);
    if (run->bsamples == NULL)
        return SIM_NOMEM;
    for (size_t k = 0; k < n; k++)
        run->bsamples[k] = NAN;
    return SIM_OK;
}

static double knowledge_norm(eco_run *run, uint32_t i)
{
    double s = 0.0;
    for (int d = 0; d < ECO_KNOWLEDGE_DOMAINS; d++)
        s += eco_knowledge(run, i, d);
    return s;
}

static double sum4(const double *x)
{
    return x[0] + x[1] + x[2] + x[3];
}

/* Mean of T_ji over j != i (in = 1) or of T_ij (in = 0); NaN for a lone company. */
static double trust_mean(const eco_run *run, uint32_t i, int in)
{
    double s = 0.0;
    for (uint32_t j = 0; j < run->n_companies; j++) {
        if (j != i)
            s += in ? eco_trust(run, j, i) : eco_trust(run, i, j);
    }
    return run->n_companies > 1 ? s / (double)(run->n_companies - 1) : NAN;
}

void eco_behaviour_stats_init(eco_run *run)
{
    for (uint32_t i = 0; i < run->n_companies; i++)
        sim_tw_init(&run->co[i].bst.share, now(run), run->co[i].share);
    eco_behaviour_warmup(run);
}

void eco_behaviour_warmup(eco_run *run)
{
    for (uint32_t i = 0; i < run->n_companies; i++) {
        eco_company *c = &run->co[i];
        sim_tw_reset(&c->bst.share, now(run));
        c->bst.knowledge_w = knowledge_norm(run, i);
        c->bst.knowledge_int_w = sum4(c->knowledge_int);
        c->bst.knowledge_ext_w = sum4(c->knowledge_ext);
        c->bst.rho_w = c->rho;
    }
}

static double *slot(eco_run *run, int var, size_t k, uint32_t i)
{
    return &run->bsamples[((size_t)var * run->n_time + k) * run->n_companies + i];
}

void eco_behaviour_sample(eco_run *run, size_t k)
{
    for (uint32_t i = 0; i < run->n_companies; i++) {
        *slot(run, B_TS_SHARE, k, i) = run->co[i].share;
        *slot(run, B_TS_KNOWLEDGE, k, i) = knowledge_norm(run, i);
        *slot(run, B_TS_RHO, k, i) = run->co[i].rho;
        *slot(run, B_TS_TRUST_IN, k, i) = trust_mean(run, i, 1);
    }
    run->bsamples[ECO_BTS_COUNT * run->n_time * run->n_companies + k] = run->pool_records;
}

/* ---- collect ---- */

static double reciprocity_ratio(eco_run *run, uint32_t i)
{
    const eco_company *c = &run->co[i];
    double others = run->pool_records - c->share * c->records;
    double usable = eco_pool_on(run) ? c->rho * eco_pool_access(run, i) *
                                           run->par->prediction.pool_relevance * fmax(0.0, others)
                                     : 0.0;
    return usable / fmax(ECO_RECIPROCITY_EPS, c->share * c->records);
}

static double ledger(const eco_company *c, eco_ledger_cat cat)
{
    return c->ledger[cat][ECO_INTRA] + c->ledger[cat][ECO_INTER];
}

static void company_values(eco_run *run, uint32_t i, double *m)
{
    eco_company *c = &run->co[i];
    double k_end = knowledge_norm(run, i);
    m[B_SHARE_MEAN] = sim_tw_mean(&c->bst.share, now(run));
    m[B_EXPOSED] = c->share * c->records;
    m[B_K_INT] = sum4(c->knowledge_int) - c->bst.knowledge_int_w;
    m[B_K_EXT] = sum4(c->knowledge_ext) - c->bst.knowledge_ext_w;
    m[B_K_GROWTH] = k_end - c->bst.knowledge_w;
    m[B_K_TOTAL] = k_end;
    m[B_RHO_END] = c->rho;
    m[B_RHO_DRIFT] = c->rho - c->bst.rho_w;
    m[B_RECIPROCITY] = reciprocity_ratio(run, i);
    m[B_TRUST_IN] = trust_mean(run, i, 1);
    m[B_TRUST_OUT] = trust_mean(run, i, 0);
    m[B_V_SHARING] = ledger(c, ECO_LEDGER_SHARING_COST);
    m[B_V_PLATFORM] = ledger(c, ECO_LEDGER_PLATFORM_FEE);
    m[B_V_TWIN] = ledger(c, ECO_LEDGER_TWIN_INSTALL);
}

/* The record's storage of a variable when its catalog has it with the expected size. */
static double *values_of(sim_record *rec, const char *name, size_t size)
{
    const sim_catalog *cat = sim_record_catalog(rec);
    int idx = sim_catalog_find(cat, name);
    if (idx < 0 || sim_catalog_var_size(cat, (size_t)idx) != size)
        return NULL;
    return sim_record_values(rec, (size_t)idx);
}

static void write_entity(eco_run *run, sim_record *rec, double *run_m)
{
    double *out[B_ENTITY_COUNT], m[B_ENTITY_COUNT], share = 0.0, k_ext = 0.0;
    for (size_t v = 0; v < B_ENTITY_COUNT; v++)
        out[v] = values_of(rec, b_entity_vars[v].name, run->n_companies);
    for (uint32_t i = 0; i < run->n_companies; i++) {
        company_values(run, i, m);
        for (size_t v = 0; v < B_ENTITY_COUNT; v++) {
            if (out[v] != NULL)
                out[v][i] = m[v];
        }
        share += m[B_SHARE_MEAN];
        k_ext += m[B_K_EXT];
    }
    double n = (double)run->n_companies;
    run_m[B_MEAN_SHARE] = n > 0 ? share / n : NAN;
    run_m[B_MEAN_K_EXT] = n > 0 ? k_ext / n : NAN;
}

/* Mean pairwise cognitive distance d_ij (SPEC 7.10 step 3) and mean T_ij over i != j. */
static void pair_means(eco_run *run, double *run_m)
{
    double dist = 0.0, trust = 0.0, ki[ECO_KNOWLEDGE_DOMAINS], kj[ECO_KNOWLEDGE_DOMAINS];
    double gi[ECO_KNOWLEDGE_DOMAINS], gj[ECO_KNOWLEDGE_DOMAINS], u;
    size_t n = run->n_companies, pairs = 0;
    for (uint32_t i = 0; i < n; i++) {
        for (int d = 0; d < ECO_KNOWLEDGE_DOMAINS; d++)
            ki[d] = eco_knowledge(run, i, d);
        for (uint32_t j = i + 1; j < n; j++) {
            for (int d = 0; d < ECO_KNOWLEDGE_DOMAINS; d++)
                kj[d] = eco_knowledge(run, j, d);
            dist += eco_colearn_gains(&run->par->colearning, ki, kj, 0.0, 0.0, gi, gj, &u);
            trust += eco_trust(run, i, j) + eco_trust(run, j, i);
            pairs++;
        }
    }
    run_m[B_DIVERSITY] = pairs > 0 ? dist / (double)pairs : NAN;
    run_m[B_MEAN_TRUST] = pairs > 0 ? trust / (double)(2 * pairs) : NAN;
}

static void write_series(eco_run *run, sim_record *rec)
{
    size_t n = run->n_time * run->n_companies;
    for (size_t v = 0; v < ECO_BTS_COUNT; v++) {
        double *out = values_of(rec, b_te_vars[v].name, n);
        for (size_t k = 0; out != NULL && k < n; k++)
            out[k] = run->bsamples[v * n + k];
    }
    double *pool = values_of(rec, b_time_vars[0].name, run->n_time);
    for (size_t k = 0; pool != NULL && k < run->n_time; k++)
        pool[k] = run->bsamples[ECO_BTS_COUNT * n + k];
}

void eco_behaviour_collect(eco_run *run, sim_record *rec)
{
    double m[B_RUN_COUNT];
    write_entity(run, rec, m);
    m[B_POOL_END] = run->pool_records;
    pair_means(run, m);
    for (size_t v = 0; v < B_RUN_COUNT; v++) {
        double *out = values_of(rec, b_run_vars[v].name, 1);
        if (out != NULL)
            out[0] = m[v];
    }
    write_series(run, rec);
}
