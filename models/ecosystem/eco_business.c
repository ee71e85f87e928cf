/*
 * eco_business: run storage, warm-up and outputs of the business side (eco_business.h).
 *
 * Storage made at run_alloc: per-company state, the process-class index used by overflow
 * (companies sorted by class once, so a search visits only its own class), scratch arrays
 * for searches, the OPP, PROJ and CON streams, and first blocks of opportunities, projects
 * and contracts. Those three grow by doubling when full; opportunities are recycled through
 * a free list, projects and contracts are kept to the end of the run for the event tables.
 *
 * The variable lists below are the single source of the catalog's names, units and long
 * names and of the indices collect writes through (as in eco_metrics.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eco_behaviour.h"
#include "eco_business.h"
#include "sim_rng.h"

#define ECO_BIZ_MIN_CAP 16u

/* X(id, name, units, long name): per company. */
#define ECO_BIZ_ENTITY_VARS(X)                                                                     \
    X(INITIATED, "opportunities_initiated", "1",                                                   \
      "coalition attempts in which the company was the initiator")                                 \
    X(JOINED, "projects_joined", "1", "projects started with the company as a member")             \
    X(SUCCEEDED, "projects_succeeded", "1", "projects completed successfully with the company")    \
    X(NEW_BUSINESSES, "new_businesses", "1",                                                       \
      "adopted projects (new businesses) with the company as a member")                            \
    X(OVERFLOW_OUT, "overflow_out", "1", "own orders handed to a partner for processing")          \
    X(OVERFLOW_IN, "overflow_in", "1", "partners' orders taken for processing")                    \
    X(CONTRACTS_MEAN, "contracts_active_mean", "1",                                                \
      "time-average number of active contracts the company is party to")                           \
    X(V_FEE_IN, "value_overflow_fee_in", "EUR", "overflow fees received for partners' orders")     \
    X(V_FEE_OUT, "value_overflow_fee_out", "EUR", "overflow fees paid to partners (negative)")     \
    X(V_CONTRACT, "value_contract_fee", "EUR",                                                     \
      "maintenance and PdM contract fees, received (+) and paid (-)")                              \
    X(V_NEWBIZ, "value_newbiz_revenue", "EUR", "the company's shares of new-business revenue")     \
    X(V_DEV, "value_dev_cost", "EUR", "project development costs (negative)")                      \
    X(V_INTER, "value_inter", "EUR", "sum of the company's INTER-tagged ledger entries")

#define ECO_BIZ_RUN_VARS(X)                                                                        \
    X(ARRIVED, "opportunities_arrived", "1", "business opportunities that arrived")                \
    X(ATTEMPTS, "coalition_attempts", "1", "coalition attempts (arrivals and retries)")            \
    X(STARTED, "projects_started", "1", "projects started")                                        \
    X(COMPLETED, "projects_completed", "1", "projects completed")                                  \
    X(SUCCESSES, "project_successes", "1", "projects completed successfully")                      \
    X(NB_TOTAL, "new_businesses_total", "1", "new businesses created (adopted projects)")          \
    X(NB_PROVIDER, "new_businesses_provider_only", "1",                                            \
      "new businesses whose members are all provider-side (oem, platform, service)")               \
    X(NB_UTILIZER, "new_businesses_utilizer_only", "1",                                            \
      "new businesses whose members are all utilizers or suppliers")                               \
    X(NB_MIXED, "new_businesses_mixed", "1",                                                       \
      "new businesses with provider-side and utilizer or supplier members")                        \
    X(NB_REVENUE, "newbiz_revenue_total", "EUR", "new-business revenue booked")                    \
    X(FORMATION, "formation_rate", "1", "projects started per opportunity arrived")                \
    X(SUCCESS_RATE, "success_rate", "1", "successful projects per project completed")              \
    X(SIZE_MEAN, "mean_coalition_size", "1", "mean number of members of the projects started")     \
    X(SYNERGY_MEAN, "mean_synergy", "EUR",                                                         \
      "mean ex-ante synergy v(S) - sum v({k}) of the projects completed")                          \
    X(LOST, "opportunities_lost", "1", "opportunities that expired without a project")             \
    X(OVERFLOW, "overflow_orders", "1", "orders handed to a partner for processing")               \
    X(INTER, "value_inter_direct", "EUR",                                                          \
      "sum of all INTER-tagged ledger entries (direct attribution)")

/* Columns of the event tables: X(id, name, units, long name). */
#define ECO_PROJECT_COLS(X)                                                                        \
    X(OPP, "opportunity", "1", "opportunity number in the run (0-based)")                          \
    X(T_START, "t_start", "h", "project start")                                                    \
    X(T_END, "t_end", "h", "project completion (NaN: still running at the horizon)")               \
    X(SIZE, "size", "1", "number of members")                                                      \
    X(M0, "member_0", "1", "initiator (company index)")                                            \
    X(M1, "member_1", "1", "second member (company index, -1: none)")                              \
    X(M2, "member_2", "1", "third member (company index, -1: none)")                               \
    X(M3, "member_3", "1", "fourth member (company index, -1: none)")                              \
    X(M4, "member_4", "1", "fifth member (company index, -1: none)")                               \
    X(M5, "member_5", "1", "sixth member (company index, -1: none)")                               \
    X(COV, "coverage", "1", "capability coverage cov_S at completion")                             \
    X(KAPPA, "congruence", "1", "mean pairwise goal congruence at completion")                     \
    X(RHO, "receptivity", "1", "mean technical receptivity at completion")                         \
    X(TRUST, "trust", "1", "mean pairwise trust at completion")                                    \
    X(ADEQ, "data_adequacy", "1", "data adequacy a_S at completion")                               \
    X(PSUCC, "p_success", "1", "success probability")                                              \
    X(PADOPT, "p_adoption", "1", "adoption probability")                                           \
    X(SUCCESS, "success", "1", "1 if the project succeeded")                                       \
    X(ADOPTED, "adopted", "1", "1 if customers adopted it (a new business)")                       \
    X(VALUE, "value", "EUR", "potential value V_b of the opportunity")                             \
    X(SYNERGY, "synergy", "EUR", "ex-ante synergy v(S) - sum_k v({k})")                            \
    X(P0, "phi_0", "1", "value share of member_0")                                                 \
    X(P1, "phi_1", "1", "value share of member_1")                                                 \
    X(P2, "phi_2", "1", "value share of member_2")                                                 \
    X(P3, "phi_3", "1", "value share of member_3")                                                 \
    X(P4, "phi_4", "1", "value share of member_4")                                                 \
    X(P5, "phi_5", "1", "value share of member_5")

#define ECO_CONTRACT_COLS(X)                                                                       \
    X(TYPE, "type", "1", "0 maintenance, 1 pdm, 2 new business")                                   \
    X(PROVIDER, "provider", "1", "provider (company index; -1 for a new business)")                \
    X(CLIENT, "client", "1", "client (company index; -1: external customers)")                     \
    X(PROJECT, "opportunity", "1", "opportunity of a new business (-1 otherwise)")                 \
    X(T_START, "t_start", "h", "contract start")                                                   \
    X(T_END, "t_end", "h", "termination (NaN: active at the horizon)")                             \
    X(RENEWALS, "renewals", "1", "times the contract was renewed")                                 \
    X(FEE, "fee", "EUR", "fee or revenue per full billing period")                                 \
    X(PERIODS, "periods", "1", "billing periods billed (the last one may be partial)")             \
    X(SLA, "sla_met_share", "1", "share of billed periods whose SLA was met (NaN: no SLA)")

#define BE_ENUM(id, name, units, long_name) BE_##id,
#define BR_ENUM(id, name, units, long_name) BR_##id,
#define PC_ENUM(id, name, units, long_name) PC_##id,
#define CC_ENUM(id, name, units, long_name) CC_##id,
enum { ECO_BIZ_ENTITY_VARS(BE_ENUM) BE_COUNT };
enum { ECO_BIZ_RUN_VARS(BR_ENUM) BR_COUNT };
enum { ECO_PROJECT_COLS(PC_ENUM) PC_COUNT };
enum { ECO_CONTRACT_COLS(CC_ENUM) CC_COUNT };
#undef BE_ENUM
#undef BR_ENUM
#undef PC_ENUM
#undef CC_ENUM

#define BIZ_ENTITY(id, name, units, long_name) {name, units, long_name, SIM_SHAPE_ENTITY},
#define BIZ_RUN(id, name, units, long_name)    {name, units, long_name, SIM_SHAPE_RUN},
static const sim_var entity_vars[BE_COUNT] = {ECO_BIZ_ENTITY_VARS(BIZ_ENTITY)};
static const sim_var run_vars[BR_COUNT] = {ECO_BIZ_RUN_VARS(BIZ_RUN)};
static const sim_var project_cols[PC_COUNT] = {ECO_PROJECT_COLS(BIZ_RUN)};
static const sim_var contract_cols[CC_COUNT] = {ECO_CONTRACT_COLS(BIZ_RUN)};
#undef BIZ_ENTITY
#undef BIZ_RUN

/* ---- storage ---- */

int eco_is_provider_side(eco_role r)
{
    return r == ECO_ROLE_OEM || r == ECO_ROLE_PLATFORM || r == ECO_ROLE_SERVICE;
}

static gsl_rng *global_stream(const eco_run *run, eco_stream process)
{
    return sim_rng_alloc(sim_rng_key(run->id.master_seed, run->id.design, run->id.replication,
                                     sim_rng_stream_id(process, 0)));
}

/* Sort keys: process class, then company index. */
typedef struct class_key {
    int cls;
    uint32_t i;
} class_key;

static int class_cmp(const void *x, const void *y)
{
    const class_key *a = x, *b = y;
    if (a->cls != b->cls)
        return a->cls < b->cls ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* Companies with a process class sorted by (class, index); each company's [lo, hi) range in
 * class_order is its class (empty for class -1). */
static sim_status class_index(eco_run *run, eco_business *b)
{
    size_t n = run->n_companies, m = 0;
    class_key *keys = malloc((n ? n : 1) * sizeof *keys);
    if (keys == NULL)
        return SIM_NOMEM;
    for (uint32_t i = 0; i < n; i++) {
        b->co[i].class_lo = b->co[i].class_hi = 0;
        if (run->co[i].par->process_class >= 0)
            keys[m++] = (class_key){run->co[i].par->process_class, i};
    }
    qsort(keys, m, sizeof *keys, class_cmp);
    for (size_t lo = 0; lo < m;) {
        size_t hi = lo;
        while (hi < m && keys[hi].cls == keys[lo].cls)
            hi++;
        for (size_t k = lo; k < hi; k++) {
            b->class_order[k] = keys[k].i;
            b->co[keys[k].i].class_lo = (uint32_t)lo;
            b->co[keys[k].i].class_hi = (uint32_t)hi;
        }
        lo = hi;
    }
    free(keys);
    return SIM_OK;
}

static sim_status arrays_alloc(eco_run *run, eco_business *b)
{
    size_t n = run->n_companies ? run->n_companies : 1;
    b->co = calloc(n, sizeof *b->co);
    b->class_order = malloc(n * sizeof *b->class_order);
    b->cand = malloc(n * sizeof *b->cand);
    b->score = malloc(n * sizeof *b->score);
    b->mark = calloc(n, sizeof *b->mark);
    b->contracts_cap = (uint32_t)run->par->n_contracts + ECO_BIZ_MIN_CAP;
    b->contracts = malloc(b->contracts_cap * sizeof *b->contracts);
    b->projects_cap = ECO_BIZ_MIN_CAP;
    b->projects = malloc(b->projects_cap * sizeof *b->projects);
    b->opps_cap = ECO_BIZ_MIN_CAP;
    b->opps = malloc(b->opps_cap * sizeof *b->opps);
    b->opps_free = ECO_NONE;
    if (b->co == NULL || b->class_order == NULL || b->cand == NULL || b->score == NULL ||
        b->mark == NULL || b->contracts == NULL || b->projects == NULL || b->opps == NULL)
        return SIM_NOMEM;
    return SIM_OK;
}

sim_status eco_business_alloc(eco_run *run)
{
    eco_business *b = calloc(1, sizeof *b);
    if (b == NULL)
        return SIM_NOMEM;
    run->biz = b;
    b->opp = global_stream(run, ECO_STREAM_OPP);
    b->proj = global_stream(run, ECO_STREAM_PROJ);
    b->con = global_stream(run, ECO_STREAM_CON);
    if (b->opp == NULL || b->proj == NULL || b->con == NULL || arrays_alloc(run, b) != SIM_OK)
        return SIM_NOMEM;
    double t = sim_engine_now(run->eng);
    for (size_t i = 0; i < run->n_companies; i++) {
        b->co[i].maint_contract = b->co[i].pdm_contract = ECO_NONE;
        sim_tw_init(&b->co[i].contracts, t, 0.0);
    }
    return class_index(run, b);
}

void eco_business_free(eco_run *run)
{
    eco_business *b = run->biz;
    if (b == NULL)
        return;
    if (b->opp != NULL)
        gsl_rng_free(b->opp);
    if (b->proj != NULL)
        gsl_rng_free(b->proj);
    if (b->con != NULL)
        gsl_rng_free(b->con);
    free(b->co);
    free(b->class_order);
    free(b->cand);
    free(b->score);
    free(b->mark);
    free(b->opps);
    free(b->projects);
    free(b->contracts);
    free(b);
    run->biz = NULL;
}

sim_status eco_business_start(eco_run *run, sim_error *err)
{
    sim_status s = eco_contract_open_initial(run, err);
    return s == SIM_OK ? eco_opportunities_start(run, err) : s;
}

/* Double an array of records; 0 when out of memory or at the index limit. */
static int grow(void **v, uint32_t *cap, size_t size)
{
    if (*cap >= UINT32_MAX / 2)
        return 0;
    void *p = realloc(*v, 2 * (size_t)*cap * size);
    if (p == NULL)
        return 0;
    *v = p;
    *cap *= 2;
    return 1;
}

uint32_t eco_business_new_project(eco_run *run)
{
    eco_business *b = run->biz;
    if (b->n_projects == b->projects_cap &&
        !grow((void **)&b->projects, &b->projects_cap, sizeof *b->projects))
        return ECO_NONE;
    return b->n_projects++;
}

uint32_t eco_business_new_contract(eco_run *run)
{
    eco_business *b = run->biz;
    if (b->n_contracts == b->contracts_cap &&
        !grow((void **)&b->contracts, &b->contracts_cap, sizeof *b->contracts))
        return ECO_NONE;
    return b->n_contracts++;
}

uint32_t eco_business_new_opportunity(eco_run *run)
{
    eco_business *b = run->biz;
    uint32_t k = b->opps_free;
    if (k != ECO_NONE) {
        b->opps_free = b->opps[k].next_free;
        return k;
    }
    if (b->opps_top == b->opps_cap && !grow((void **)&b->opps, &b->opps_cap, sizeof *b->opps))
        return ECO_NONE;
    return b->opps_top++;
}

void eco_business_release_opportunity(eco_run *run, uint32_t k)
{
    run->biz->opps[k].next_free = run->biz->opps_free;
    run->biz->opps_free = k;
}

/* ---- queries ---- */

double eco_business_down_area(const eco_run *run, uint32_t i)
{
    double before = run->biz->warm ? run->biz->co[i].down_before : 0.0;
    return before + sim_tw_area(&run->co[i].st.down, sim_engine_now(run->eng));
}

static int code_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

static uint32_t orthant(const double *theme, int dims)
{
    uint32_t code = 0;
    for (int d = 0; d < dims; d++)
        code |= (uint32_t)(theme[d] >= 0.0) << d;
    return code;
}

long eco_business_niches(const eco_run *run)
{
    const eco_business *b = run->biz;
    uint32_t *codes = malloc((b->n_projects ? b->n_projects : 1) * sizeof *codes);
    if (codes == NULL)
        return -1;
    size_t n = 0;
    for (uint32_t k = 0; k < b->n_projects; k++) {
        const eco_project *p = &b->projects[k];
        if (p->adopted == 1 && p->t_end >= run->settings.warmup_h)
            codes[n++] = orthant(p->theme, run->par->goals.dims);
    }
    qsort(codes, n, sizeof *codes, code_cmp);
    long distinct = 0;
    for (size_t k = 0; k < n; k++)
        distinct += k == 0 || codes[k] != codes[k - 1];
    free(codes);
    return distinct;
}

void eco_business_count_overflow(eco_run *run, uint32_t origin, uint32_t processor)
{
    eco_business *b = run->biz;
    b->co[origin].overflow_out++;
    b->co[processor].overflow_in++;
    b->overflow_orders++;
    eco_touch(run, origin, processor);
}

/* ---- warm-up ---- */

void eco_business_warmup(eco_run *run)
{
    eco_business *b = run->biz;
    double t = sim_engine_now(run->eng);
    for (size_t i = 0; i < run->n_companies; i++) {
        eco_biz_company *c = &b->co[i];
        c->down_before = sim_tw_area(&run->co[i].st.down, t);
        c->initiated = c->joined = c->succeeded = c->new_businesses = 0;
        c->overflow_out = c->overflow_in = 0;
        sim_tw_reset(&c->contracts, t);
    }
    b->warm = 1;
    b->arrived = b->attempts = b->started = b->completed = b->successes = b->adopted = 0;
    b->lost = b->overflow_orders = 0;
    memset(b->nb_mix, 0, sizeof b->nb_mix);
    b->size_sum = b->synergy_sum = b->newbiz_revenue = 0.0;
}

/* ---- catalog ---- */

static int add_table(sim_catalog *cat, const char *dim, const char *long_name, const sim_var *cols,
                     size_t n)
{
    int t = sim_catalog_add_table(cat, dim, long_name);
    if (t < 0)
        return -1;
    for (size_t k = 0; k < n; k++) {
        if (sim_catalog_add_column(cat, (size_t)t, &cols[k]) < 0)
            return -1;
    }
    return 0;
}

int eco_business_describe(sim_catalog *cat)
{
    for (size_t k = 0; k < BE_COUNT; k++) {
        if (sim_catalog_add(cat, &entity_vars[k]) < 0)
            return -1;
    }
    for (size_t k = 0; k < BR_COUNT; k++) {
        if (sim_catalog_add(cat, &run_vars[k]) < 0)
            return -1;
    }
    if (add_table(cat, "project", "projects (coalitions) of the run, SPEC 7.11-7.12", project_cols,
                  PC_COUNT) != 0)
        return -1;
    return add_table(cat, "contract", "service and new-business contracts of the run, SPEC 7.13",
                     contract_cols, CC_COUNT);
}

/* ---- collect ---- */

static double ratio(double num, double den)
{
    return den > 0.0 ? num / den : NAN;
}

static double ledger(const eco_company *c, eco_ledger_cat cat)
{
    return c->ledger[cat][ECO_INTRA] + c->ledger[cat][ECO_INTER];
}

static double inter_sum(const eco_company *c)
{
    double v = 0.0;
    for (int k = 0; k < ECO_LEDGER_COUNT; k++)
        v += c->ledger[k][ECO_INTER];
    return v;
}

static void company_values(const eco_run *run, uint32_t i, double *m)
{
    const eco_biz_company *bc = &run->biz->co[i];
    const eco_company *c = &run->co[i];
    m[BE_INITIATED] = (double)bc->initiated;
    m[BE_JOINED] = (double)bc->joined;
    m[BE_SUCCEEDED] = (double)bc->succeeded;
    m[BE_NEW_BUSINESSES] = (double)bc->new_businesses;
    m[BE_OVERFLOW_OUT] = (double)bc->overflow_out;
    m[BE_OVERFLOW_IN] = (double)bc->overflow_in;
    m[BE_CONTRACTS_MEAN] = sim_tw_mean(&bc->contracts, run->settings.horizon_h);
    m[BE_V_FEE_IN] = ledger(c, ECO_LEDGER_OVERFLOW_FEE_IN);
    m[BE_V_FEE_OUT] = ledger(c, ECO_LEDGER_OVERFLOW_FEE_OUT);
    m[BE_V_CONTRACT] = ledger(c, ECO_LEDGER_CONTRACT_FEE);
    m[BE_V_NEWBIZ] = ledger(c, ECO_LEDGER_NEWBIZ_REVENUE);
    m[BE_V_DEV] = ledger(c, ECO_LEDGER_DEV_COST);
    m[BE_V_INTER] = inter_sum(c);
}

static void run_values(const eco_run *run, double *m)
{
    const eco_business *b = run->biz;
    m[BR_ARRIVED] = (double)b->arrived;
    m[BR_ATTEMPTS] = (double)b->attempts;
    m[BR_STARTED] = (double)b->started;
    m[BR_COMPLETED] = (double)b->completed;
    m[BR_SUCCESSES] = (double)b->successes;
    m[BR_NB_TOTAL] = (double)b->adopted;
    m[BR_NB_PROVIDER] = (double)b->nb_mix[0];
    m[BR_NB_UTILIZER] = (double)b->nb_mix[1];
    m[BR_NB_MIXED] = (double)b->nb_mix[2];
    m[BR_NB_REVENUE] = b->newbiz_revenue;
    m[BR_FORMATION] = ratio((double)b->started, (double)b->arrived);
    m[BR_SUCCESS_RATE] = ratio((double)b->successes, (double)b->completed);
    m[BR_SIZE_MEAN] = ratio(b->size_sum, (double)b->started);
    m[BR_SYNERGY_MEAN] = ratio(b->synergy_sum, (double)b->completed);
    m[BR_LOST] = (double)b->lost;
    m[BR_OVERFLOW] = (double)b->overflow_orders;
    m[BR_INTER] = 0.0;
    for (size_t i = 0; i < run->n_companies; i++)
        m[BR_INTER] += inter_sum(&run->co[i]);
}

/* Where the record holds a variable of the list, or NULL (absent or another size). */
static double *slot(sim_record *rec, const sim_var *var, size_t size)
{
    const sim_catalog *cat = sim_record_catalog(rec);
    int idx = sim_catalog_find(cat, var->name);
    if (idx < 0 || sim_catalog_var_size(cat, (size_t)idx) != size)
        return NULL;
    return sim_record_values(rec, (size_t)idx);
}

static void write_vars(const eco_run *run, sim_record *rec)
{
    size_t n = run->n_companies;
    double *out[BE_COUNT];
    double m[(int)BE_COUNT > (int)BR_COUNT ? (int)BE_COUNT : (int)BR_COUNT];
    for (size_t v = 0; v < BE_COUNT; v++)
        out[v] = slot(rec, &entity_vars[v], n);
    for (uint32_t i = 0; i < n; i++) {
        company_values(run, i, m);
        for (size_t v = 0; v < BE_COUNT; v++) {
            if (out[v] != NULL)
                out[v][i] = m[v];
        }
    }
    run_values(run, m);
    for (size_t v = 0; v < BR_COUNT; v++) {
        double *o = slot(rec, &run_vars[v], 1);
        if (o != NULL)
            o[0] = m[v];
    }
}

static double flag(int x)
{
    return x < 0 ? NAN : (double)x;
}

static void project_row(const eco_project *p, double *row)
{
    row[PC_OPP] = p->opp_id;
    row[PC_T_START] = p->t_start;
    row[PC_T_END] = p->t_end;
    row[PC_SIZE] = (double)p->n;
    for (size_t k = 0; k < ECO_MAX_COALITION; k++) {
        row[PC_M0 + k] = k < p->n ? (double)p->member[k] : -1.0;
        row[PC_P0 + k] = k < p->n ? p->share[k] : NAN;
    }
    row[PC_COV] = p->eval.cov;
    row[PC_KAPPA] = p->eval.kappa;
    row[PC_RHO] = p->eval.rho;
    row[PC_TRUST] = p->eval.trust;
    row[PC_ADEQ] = p->eval.adequacy;
    row[PC_PSUCC] = p->eval.p_succ;
    row[PC_PADOPT] = p->eval.p_adopt;
    row[PC_SUCCESS] = flag(p->success);
    row[PC_ADOPTED] = flag(p->adopted);
    row[PC_VALUE] = p->view.value;
    row[PC_SYNERGY] = p->synergy;
}

static double party(uint32_t i)
{
    return i == ECO_NONE ? -1.0 : (double)i;
}

static void contract_row(const eco_run *run, const eco_contract *k, double *row)
{
    row[CC_TYPE] = (double)k->type;
    row[CC_PROVIDER] = party(k->provider);
    row[CC_CLIENT] = party(k->client);
    row[CC_PROJECT] = k->project == ECO_NONE ? -1.0 : run->biz->projects[k->project].opp_id;
    row[CC_T_START] = k->t_start;
    row[CC_T_END] = k->active ? NAN : k->t_end;
    row[CC_RENEWALS] = k->renewals;
    row[CC_FEE] = k->fee;
    row[CC_PERIODS] = k->periods;
    row[CC_SLA] = k->type == ECO_CONTRACT_NEWBIZ ? NAN : ratio(k->sla_met, k->periods);
}

/* The table's index when the catalog has it with the expected columns, else -1. */
static int table_of(const sim_record *rec, const char *dim, size_t ncols)
{
    const sim_catalog *cat = sim_record_catalog(rec);
    int t = sim_catalog_find_table(cat, dim);
    if (t < 0 || sim_catalog_table_ncols(cat, (size_t)t) != ncols)
        return -1;
    return t;
}

static sim_status write_tables(const eco_run *run, sim_record *rec, sim_error *err)
{
    const eco_business *b = run->biz;
    int tp = table_of(rec, "project", PC_COUNT), tc = table_of(rec, "contract", CC_COUNT);
    double row[(int)PC_COUNT > (int)CC_COUNT ? (int)PC_COUNT : (int)CC_COUNT];
    sim_status s = SIM_OK;
    for (uint32_t k = 0; tp >= 0 && s == SIM_OK && k < b->n_projects; k++) {
        project_row(&b->projects[k], row);
        s = sim_record_table_append(rec, (size_t)tp, row);
    }
    for (uint32_t k = 0; tc >= 0 && s == SIM_OK && k < b->n_contracts; k++) {
        contract_row(run, &b->contracts[k], row);
        s = sim_record_table_append(rec, (size_t)tc, row);
    }
    if (s != SIM_OK)
        return sim_error_set(err, s, "ecosystem: out of memory writing the event tables");
    return SIM_OK;
}

sim_status eco_business_collect(eco_run *run, sim_record *rec, sim_error *err)
{
    write_vars(run, rec);
    return write_tables(run, rec, err);
}
