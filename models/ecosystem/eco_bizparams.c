/*
 * eco_bizparams: the schema of the business side of the behaviour layer (SPEC 11
 * `opportunities:`, `overflow:`, `contracts_defaults:` and `contracts:`), written as getter
 * calls on the scenario tree like eco_params.c. Defaults live in one const struct per section
 * so that the loader and eco_business_params_defaults (used by tests that build parameters by
 * hand) cannot disagree.
 *
 * `contracts:` names companies by their `name`, so it is read after `companies:`. Each entry
 * is checked on its own (known names, no self-contract, a maintenance provider has crews, the
 * client has assets) and against the earlier entries (one contract per client and type);
 * every error is placed at the key the user wrote.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eco_params.h"

#define R_NONNEG     SIM_RANGE(0.0, HUGE_VAL)
#define R_POS        SIM_RANGE_LO_OPEN(0.0, HUGE_VAL)
#define R_UNIT       SIM_RANGE(0.0, 1.0)
#define R_ANY        SIM_RANGE(-HUGE_VAL, HUGE_VAL)
#define R_MONTHS     SIM_RANGE_LO_OPEN(0.0, 1200.0) /* up to a century of contract */
#define R_CV         SIM_RANGE_LO_OPEN(0.0, 10.0)   /* gamma quantiles stay accurate here */
#define PATH_MAX_LEN 48                             /* "contracts[99999]" */

static const char *const split_names[] = {"shapley", "equal", "proportional_coverage", NULL};
/* Types a scenario may write; NEWBIZ contracts are created by projects only. */
static const char *const contract_type_names[] = {"maintenance", "pdm", NULL};

/* SPEC 11 defaults. */
static const eco_opportunity_params opportunity_defaults = {
    .arrival_rate_per_h = 0.001389,
    .window_mean_h = 720.0,
    .max_retries = 2,
    .retry_mean_h = 168.0,
    .value_mean_eur = 200000.0,
    .value_cv = 1.0,
    .requirement_mean = 0.6,
    .requirement_concentration = 4.0,
    .data_requirement_mean_records = 100.0,
    .theme_dispersion = 1.0,
    .max_coalition_size = 4,
    .coverage_min = 0.85,
    .require_provider_and_asset_owner = 1,
    .attract = {1.0, 1.5, 1.0, 0.5, 0.5},
    .accept = {0.5, 0.5, 0.3, 0.5, 6.0},
    .dev_time_mean_h = 2160.0,
    .dev_time_cv = 0.5,
    .dev_cost_eur_per_member_h = 10.0,
    .success = {-4.0, 3.0, 2.0, 2.0, 1.0, 1.5},
    .adoption = {0.3, 0.7},
    .contract_months = 12.0,
    .renewal = {0.2, 0.6},
    .value_split = ECO_SPLIT_SHAPLEY,
    .goal_alignment_rate = 0.0,
};

static const eco_overflow_params overflow_defaults = {
    .queue_threshold = 2,
    .pull = 1,
    .min_share_level = 0.2,
    .min_trust = 0.5,
    .min_receptivity = 0.3,
    .fee_fraction = 0.6,
    .late_delivery_outcome = 0.5,
};

static const eco_contract_defaults contract_defaults = {
    .billing_interval_h = 720.0,
    .maintenance_fee_eur_per_month = 4000.0,
    .pdm_fee_eur_per_month = 3000.0,
    .sla_response_h = 4.0,
    .sla_response_share = 0.9,
    .sla_availability = 0.95,
    .duration_months = 12.0,
    .renewal = {0.3, 0.5, 0.2},
};

void eco_business_params_defaults(eco_params *p)
{
    p->opportunities = opportunity_defaults;
    p->overflow = overflow_defaults;
    p->contracts_defaults = contract_defaults;
    p->n_contracts = 0;
    p->contracts = NULL;
}

/* ---- opportunities: ---- */

static void read_attract(sim_cfg *cfg, sim_cfg_node *s, eco_opportunity_params *o)
{
    const eco_opportunity_params *d = &opportunity_defaults;
    sim_cfg_node *a = sim_cfg_map(cfg, s, "attract");
    o->attract.goal = sim_cfg_num(cfg, a, "goal", d->attract.goal, R_NONNEG);
    o->attract.complementarity =
        sim_cfg_num(cfg, a, "complementarity", d->attract.complementarity, R_NONNEG);
    o->attract.trust = sim_cfg_num(cfg, a, "trust", d->attract.trust, R_NONNEG);
    o->attract.customer = sim_cfg_num(cfg, a, "customer", d->attract.customer, R_NONNEG);
    o->attract.receptivity = sim_cfg_num(cfg, a, "receptivity", d->attract.receptivity, R_NONNEG);
}

static void read_accept(sim_cfg *cfg, sim_cfg_node *s, eco_opportunity_params *o)
{
    const eco_opportunity_params *d = &opportunity_defaults;
    sim_cfg_node *a = sim_cfg_map(cfg, s, "accept");
    o->accept.trust = sim_cfg_num(cfg, a, "trust", d->accept.trust, R_NONNEG);
    o->accept.value = sim_cfg_num(cfg, a, "value", d->accept.value, R_NONNEG);
    o->accept.load = sim_cfg_num(cfg, a, "load", d->accept.load, R_NONNEG);
    o->accept.threshold = sim_cfg_num(cfg, a, "threshold", d->accept.threshold, R_ANY);
    o->accept.steepness = sim_cfg_num(cfg, a, "steepness", d->accept.steepness, R_NONNEG);
}

static void read_success(sim_cfg *cfg, sim_cfg_node *s, eco_opportunity_params *o)
{
    const eco_opportunity_params *d = &opportunity_defaults;
    sim_cfg_node *m = sim_cfg_map(cfg, s, "success");
    o->success.b0 = sim_cfg_num(cfg, m, "b0", d->success.b0, R_ANY);
    o->success.coverage = sim_cfg_num(cfg, m, "coverage", d->success.coverage, R_ANY);
    o->success.goal = sim_cfg_num(cfg, m, "goal", d->success.goal, R_ANY);
    o->success.receptivity = sim_cfg_num(cfg, m, "receptivity", d->success.receptivity, R_ANY);
    o->success.trust = sim_cfg_num(cfg, m, "trust", d->success.trust, R_ANY);
    o->success.data = sim_cfg_num(cfg, m, "data", d->success.data, R_ANY);
}

static void read_outcomes(sim_cfg *cfg, sim_cfg_node *s, eco_opportunity_params *o)
{
    const eco_opportunity_params *d = &opportunity_defaults;
    sim_cfg_node *a = sim_cfg_map(cfg, s, "adoption");
    o->adoption.base = sim_cfg_num(cfg, a, "base", d->adoption.base, R_UNIT);
    o->adoption.customer = sim_cfg_num(cfg, a, "customer", d->adoption.customer, R_UNIT);
    o->contract_months = sim_cfg_num(cfg, s, "contract_months", d->contract_months, R_MONTHS);
    sim_cfg_node *r = sim_cfg_map(cfg, s, "renewal");
    o->renewal.base = sim_cfg_num(cfg, r, "base", d->renewal.base, R_UNIT);
    o->renewal.customer = sim_cfg_num(cfg, r, "customer", d->renewal.customer, R_UNIT);
    o->value_split =
        (eco_value_split)sim_cfg_enum(cfg, s, "value_split", split_names, (int)d->value_split);
    o->goal_alignment_rate =
        sim_cfg_num(cfg, s, "goal_alignment_rate", d->goal_alignment_rate, R_UNIT);
}

static void read_arrivals(sim_cfg *cfg, sim_cfg_node *s, eco_opportunity_params *o)
{
    const eco_opportunity_params *d = &opportunity_defaults;
    o->arrival_rate_per_h =
        sim_cfg_num(cfg, s, "arrival_rate_per_h", d->arrival_rate_per_h, R_NONNEG);
    o->window_mean_h = sim_cfg_num(cfg, s, "window_mean_h", d->window_mean_h, R_POS);
    o->max_retries = (int)sim_cfg_int(cfg, s, "max_retries", d->max_retries, 0, ECO_MAX_RETRIES);
    o->retry_mean_h = sim_cfg_num(cfg, s, "retry_mean_h", d->retry_mean_h, R_POS);
    o->value_mean_eur = sim_cfg_num(cfg, s, "value_mean_eur", d->value_mean_eur, R_POS);
    o->value_cv = sim_cfg_num(cfg, s, "value_cv", d->value_cv, SIM_RANGE_LO_OPEN(0.0, 5.0));
    o->requirement_mean =
        sim_cfg_num(cfg, s, "requirement_mean", d->requirement_mean, SIM_RANGE_OPEN(0.0, 1.0));
    o->requirement_concentration =
        sim_cfg_num(cfg, s, "requirement_concentration", d->requirement_concentration, R_POS);
    o->data_requirement_mean_records = sim_cfg_num(cfg, s, "data_requirement_mean_records",
                                                   d->data_requirement_mean_records, R_NONNEG);
    o->theme_dispersion = sim_cfg_num(cfg, s, "theme_dispersion", d->theme_dispersion, R_NONNEG);
}

static void read_coalitions(sim_cfg *cfg, sim_cfg_node *s, eco_opportunity_params *o)
{
    const eco_opportunity_params *d = &opportunity_defaults;
    o->max_coalition_size =
        (int)sim_cfg_int(cfg, s, "max_coalition_size", d->max_coalition_size, 1, ECO_MAX_COALITION);
    o->coverage_min =
        sim_cfg_num(cfg, s, "coverage_min", d->coverage_min, SIM_RANGE_LO_OPEN(0.0, 1.0));
    o->require_provider_and_asset_owner = sim_cfg_bool(cfg, s, "require_provider_and_asset_owner",
                                                       d->require_provider_and_asset_owner);
    o->dev_time_mean_h = sim_cfg_num(cfg, s, "dev_time_mean_h", d->dev_time_mean_h, R_POS);
    o->dev_time_cv = sim_cfg_num(cfg, s, "dev_time_cv", d->dev_time_cv, R_CV);
    o->dev_cost_eur_per_member_h =
        sim_cfg_num(cfg, s, "dev_cost_eur_per_member_h", d->dev_cost_eur_per_member_h, R_NONNEG);
}

static void read_opportunities(sim_cfg *cfg, sim_cfg_node *root, eco_opportunity_params *o)
{
    sim_cfg_node *s = sim_cfg_map(cfg, root, "opportunities");
    *o = opportunity_defaults;
    read_arrivals(cfg, s, o);
    read_coalitions(cfg, s, o);
    read_attract(cfg, s, o);
    read_accept(cfg, s, o);
    read_success(cfg, s, o);
    read_outcomes(cfg, s, o);
}

/* ---- overflow: and contracts_defaults: ---- */

static void read_overflow(sim_cfg *cfg, sim_cfg_node *root, eco_overflow_params *o)
{
    const eco_overflow_params *d = &overflow_defaults;
    sim_cfg_node *s = sim_cfg_map(cfg, root, "overflow");
    o->queue_threshold =
        (int)sim_cfg_int(cfg, s, "queue_threshold", d->queue_threshold, 1, ECO_MAX_QUEUE_CAPACITY);
    o->pull = sim_cfg_bool(cfg, s, "pull", d->pull);
    o->min_share_level = sim_cfg_num(cfg, s, "min_share_level", d->min_share_level, R_UNIT);
    o->min_trust = sim_cfg_num(cfg, s, "min_trust", d->min_trust, R_UNIT);
    o->min_receptivity = sim_cfg_num(cfg, s, "min_receptivity", d->min_receptivity, R_UNIT);
    o->fee_fraction = sim_cfg_num(cfg, s, "fee_fraction", d->fee_fraction, R_UNIT);
    o->late_delivery_outcome =
        sim_cfg_num(cfg, s, "late_delivery_outcome", d->late_delivery_outcome, R_UNIT);
}

static void read_contract_defaults(sim_cfg *cfg, sim_cfg_node *root, eco_contract_defaults *c)
{
    const eco_contract_defaults *d = &contract_defaults;
    sim_cfg_node *s = sim_cfg_map(cfg, root, "contracts_defaults");
    c->billing_interval_h = sim_cfg_num(cfg, s, "billing_interval_h", d->billing_interval_h, R_POS);
    c->maintenance_fee_eur_per_month = sim_cfg_num(cfg, s, "maintenance_fee_eur_per_month",
                                                   d->maintenance_fee_eur_per_month, R_NONNEG);
    c->pdm_fee_eur_per_month =
        sim_cfg_num(cfg, s, "pdm_fee_eur_per_month", d->pdm_fee_eur_per_month, R_NONNEG);
    c->sla_response_h = sim_cfg_num(cfg, s, "sla_response_h", d->sla_response_h, R_NONNEG);
    c->sla_response_share =
        sim_cfg_num(cfg, s, "sla_response_share", d->sla_response_share, R_UNIT);
    c->sla_availability = sim_cfg_num(cfg, s, "sla_availability", d->sla_availability, R_UNIT);
    c->duration_months = sim_cfg_num(cfg, s, "duration_months", d->duration_months, R_MONTHS);
    sim_cfg_node *r = sim_cfg_map(cfg, s, "renewal");
    c->renewal.base = sim_cfg_num(cfg, r, "base", d->renewal.base, R_UNIT);
    c->renewal.trust = sim_cfg_num(cfg, r, "trust", d->renewal.trust, R_UNIT);
    c->renewal.customer = sim_cfg_num(cfg, r, "customer", d->renewal.customer, R_UNIT);
}

/* ---- contracts: ---- */

typedef struct contract_reader {
    sim_cfg *cfg;
    const eco_params *p;
    double horizon_h;
    sim_cfg_node *map;
    char path[PATH_MAX_LEN];
    int ok; /* no error in this entry so far */
} contract_reader;

static void entry_error(contract_reader *r, const char *key, const char *msg)
{
    sim_cfg_node *at = sim_cfg_peek(r->map, key);
    sim_cfg_error(r->cfg, at != NULL ? at : r->map, "%s.%s: %s", r->path, key, msg);
    r->ok = 0;
}

/* A required key: reported at the entry when missing or null. */
static int require(contract_reader *r, const char *key, const char *what)
{
    sim_cfg_node *n = sim_cfg_get(r->cfg, r->map, key);
    if (n != NULL && sim_cfg_node_kind(n) != SIM_CFG_NULL)
        return 1;
    sim_cfg_error(r->cfg, n != NULL ? n : r->map, "%s: missing required key '%s' (%s)", r->path,
                  key, what);
    r->ok = 0;
    return 0;
}

static uint32_t company_index(const eco_params *p, const char *name)
{
    for (size_t i = 0; i < p->n_companies; i++) {
        if (strcmp(p->companies[i].name, name) == 0)
            return (uint32_t)i;
    }
    return UINT32_MAX;
}

/* The company a key names, or UINT32_MAX after reporting why there is none. */
static uint32_t read_party(contract_reader *r, const char *key)
{
    if (!require(r, key, "the name of a company"))
        return UINT32_MAX;
    const char *name = sim_cfg_str(r->cfg, r->map, key, NULL);
    if (name == NULL) {
        r->ok = 0;
        return UINT32_MAX;
    }
    uint32_t i = company_index(r->p, name);
    if (i == UINT32_MAX) {
        char msg[PATH_MAX_LEN + 256];
        snprintf(msg, sizeof msg, "no company is named '%.200s'", name);
        entry_error(r, key, msg);
    }
    return i;
}

/* Rules of one entry between its keys and the companies it names. */
static void check_parties(contract_reader *r, const eco_contract_params *k)
{
    const eco_company_params *prov = &r->p->companies[k->provider];
    const eco_company_params *cli = &r->p->companies[k->client];
    char msg[320];
    if (k->provider == k->client) {
        snprintf(msg, sizeof msg, "'%.200s' cannot hold a contract with itself", cli->name);
        entry_error(r, "client", msg);
        return;
    }
    if (r->p->population.generated)
        return; /* the run's drawn companies are judged when it opens the contract (B2-9) */
    if (cli->n_assets < 1) {
        snprintf(msg, sizeof msg, "'%.200s' has no assets to maintain or predict", cli->name);
        entry_error(r, "client", msg);
    }
    if (k->type == ECO_CONTRACT_MAINTENANCE && prov->n_crews == 0) {
        snprintf(msg, sizeof msg,
                 "'%.200s' has no crews (n_crews 0) and cannot provide maintenance", prov->name);
        entry_error(r, "provider", msg);
    }
}

/* At most one contract of each type per client: a client's assets have one maintenance
 * provider and one prognostics provider at a time. Earlier entries with errors are skipped. */
static void check_duplicate(contract_reader *r, const eco_contract_params *all, size_t n)
{
    const eco_contract_params *k = &all[n];
    for (size_t j = 0; j < n; j++) {
        if (all[j].provider == UINT32_MAX || all[j].client != k->client || all[j].type != k->type)
            continue;
        char msg[320];
        snprintf(msg, sizeof msg, "'%.200s' already has a %s contract (contracts[%zu])",
                 r->p->companies[k->client].name, contract_type_names[k->type], j);
        entry_error(r, "client", msg);
        return;
    }
}

static void read_contract(contract_reader *r, eco_contract_params *all, size_t n)
{
    const eco_contract_defaults *d = &r->p->contracts_defaults;
    eco_contract_params *k = &all[n];
    size_t errors = sim_cfg_error_count(r->cfg);
    int has_type = require(r, "type", "maintenance or pdm");
    k->type = (eco_contract_type)sim_cfg_enum(r->cfg, r->map, "type", contract_type_names,
                                              ECO_CONTRACT_MAINTENANCE);
    k->provider = read_party(r, "provider");
    k->client = read_party(r, "client");
    k->start_h = sim_cfg_num(r->cfg, r->map, "start_h", 0.0, SIM_RANGE_HI_OPEN(0.0, r->horizon_h));
    k->duration_months =
        sim_cfg_num(r->cfg, r->map, "duration_months", d->duration_months, R_MONTHS);
    double fee =
        k->type == ECO_CONTRACT_PDM ? d->pdm_fee_eur_per_month : d->maintenance_fee_eur_per_month;
    k->fee_eur_per_month = sim_cfg_num(r->cfg, r->map, "fee_eur_per_month", fee, R_NONNEG);
    if (!has_type || k->provider == UINT32_MAX || k->client == UINT32_MAX ||
        sim_cfg_error_count(r->cfg) != errors) {
        r->ok = 0; /* a key is wrong: the entry is not judged further */
        return;
    }
    check_parties(r, k);
    if (r->ok)
        check_duplicate(r, all, n);
}

/* Returns 0 when out of memory. */
static int read_contracts(sim_cfg *cfg, sim_cfg_node *root, eco_params *p, double horizon_h)
{
    sim_cfg_node *given = sim_cfg_get(cfg, root, "contracts");
    if (given == NULL || sim_cfg_node_kind(given) == SIM_CFG_NULL)
        return 1;
    sim_cfg_node *list = sim_cfg_list(cfg, root, "contracts");
    size_t n = list != NULL ? sim_cfg_len(list) : 0;
    if (n > ECO_MAX_CONTRACTS) {
        sim_cfg_error(cfg, list, "contracts: %zu entries; at most %d are allowed", n,
                      ECO_MAX_CONTRACTS);
        return 1;
    }
    if (n == 0)
        return 1;
    p->contracts = calloc(n, sizeof *p->contracts);
    if (p->contracts == NULL)
        return 0;
    for (size_t i = 0; i < n; i++) {
        contract_reader r = {.cfg = cfg, .p = p, .horizon_h = horizon_h, .ok = 1};
        r.map = sim_cfg_at(list, i);
        snprintf(r.path, sizeof r.path, "contracts[%zu]", i);
        if (sim_cfg_node_kind(r.map) != SIM_CFG_MAP) {
            sim_cfg_error(cfg, r.map, "%s: expected a map with type, provider and client", r.path);
            p->contracts[i].provider = p->contracts[i].client = UINT32_MAX;
            continue;
        }
        read_contract(&r, p->contracts, i);
        if (!r.ok)
            p->contracts[i].provider = UINT32_MAX; /* skipped by check_duplicate */
    }
    /* Entries with errors are kept (their parties may be UINT32_MAX): a scenario with
     * diagnostics never runs. */
    p->n_contracts = n;
    return 1;
}

int eco_business_params_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p, double horizon_h)
{
    read_opportunities(cfg, root, &p->opportunities);
    read_overflow(cfg, root, &p->overflow);
    read_contract_defaults(cfg, root, &p->contracts_defaults);
    return read_contracts(cfg, root, p, horizon_h);
}
