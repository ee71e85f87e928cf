/*
 * eco_share_params: the scenario sections of the sharing side, `sharing:`, `trust:`,
 * `colearning:`, `goals:` and `knowledge:` (SPEC 11 names, defaults and ranges), read with
 * the sim_cfg getters like the rest of eco_params. Each section has its own function, called
 * once from eco_params_load; goals is read after the companies so that given goal vectors
 * can be checked against goals.dims.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "eco_behaviour.h"

#define R_NONNEG SIM_RANGE(0.0, HUGE_VAL)
#define R_UNIT   SIM_RANGE(0.0, 1.0)
#define R_UNIT_O SIM_RANGE_LO_OPEN(0.0, 1.0)

static const char *const domain_names[ECO_KNOWLEDGE_DOMAINS] = {"asset", "analytics", "service",
                                                                "customer"};

static sim_cfg_mark default_mark(sim_cfg *cfg)
{
    sim_cfg_mark m = {sim_cfg_intern(cfg, "<default>"), 0, 0};
    return m;
}

/* ---- sharing: ---- */

static void read_sharing_rule(sim_cfg *cfg, sim_cfg_node *s, eco_sharing_params *sp)
{
    static const char *const rules[] = {"open", "reciprocal", NULL};
    sp->adjust_rate = sim_cfg_num(cfg, s, "adjust_rate", 0.3, R_UNIT_O);
    sp->noise_sd = sim_cfg_num(cfg, s, "noise_sd", 0.05, SIM_RANGE(0.0, 0.5));
    sp->c_base = sim_cfg_num(cfg, s, "c_base", 0.2, R_UNIT);
    sp->c_recip = sim_cfg_num(cfg, s, "c_recip", 0.4, R_UNIT);
    sp->c_trust = sim_cfg_num(cfg, s, "c_trust", 0.3, R_UNIT);
    sp->c_goal = sim_cfg_num(cfg, s, "c_goal", 0.6, SIM_RANGE(0.0, 2.0));
    sp->c_risk = sim_cfg_num(cfg, s, "c_risk", 0.3, R_UNIT);
    sp->pool_access_rule =
        (eco_pool_rule)sim_cfg_enum(cfg, s, "pool_access_rule", rules, ECO_POOL_RECIPROCAL);
    sp->member_threshold = sim_cfg_num(cfg, s, "member_threshold", 0.05, R_UNIT);
    sp->reciprocity_tolerance = sim_cfg_num(cfg, s, "reciprocity_tolerance", 0.1, R_UNIT);
}

static void read_sharing_costs(sim_cfg *cfg, sim_cfg_node *s, eco_sharing_params *sp)
{
    sp->cost_per_record_eur = sim_cfg_num(cfg, s, "cost_per_record_eur", 20.0, R_NONNEG);
    sp->platform_fee_eur_per_month =
        sim_cfg_num(cfg, s, "platform_fee_eur_per_month", 500.0, R_NONNEG);
    sp->twin_adoption_prob = sim_cfg_num(cfg, s, "twin_adoption_prob", 0.02, R_UNIT);
    sp->twin_install_cost_eur = sim_cfg_num(cfg, s, "twin_install_cost_eur", 15000.0, R_NONNEG);
    sp->receptivity_gain = sim_cfg_num(cfg, s, "receptivity_gain", 0.3, SIM_RANGE(0.0, 2.0));
    sp->receptivity_floor = sim_cfg_num(cfg, s, "receptivity_floor", 0.0, R_UNIT);
}

void eco_sharing_params_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p, double horizon_h)
{
    eco_sharing_params *sp = &p->sharing;
    sim_cfg_node *s = sim_cfg_map(cfg, root, "sharing");
    sp->review_interval_h = sim_cfg_num(cfg, s, "review_interval_h", fmin(720.0, horizon_h),
                                        SIM_RANGE_LO_OPEN(0.0, horizon_h));
    sp->review_jitter = sim_cfg_num(cfg, s, "review_jitter", 0.1, SIM_RANGE(0.0, 0.9));
    read_sharing_rule(cfg, s, sp);
    read_sharing_costs(cfg, s, sp);
}

/* ---- trust:, colearning:, knowledge: ---- */

void eco_trust_params_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p)
{
    eco_trust_params *tp = &p->trust;
    sim_cfg_node *s = sim_cfg_map(cfg, root, "trust");
    tp->eta_up = sim_cfg_num(cfg, s, "eta_up", 0.10, R_UNIT_O);
    tp->eta_down = sim_cfg_num(cfg, s, "eta_down", 0.30, R_UNIT_O);
    tp->decay_to_propensity = sim_cfg_num(cfg, s, "decay_to_propensity", 0.02, R_UNIT);
    tp->sla_fail_outcome = sim_cfg_num(cfg, s, "sla_fail_outcome", 0.3, R_UNIT);
    tp->project_fail_outcome = sim_cfg_num(cfg, s, "project_fail_outcome", 0.3, R_UNIT);
}

void eco_colearning_params_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p)
{
    eco_colearning_params *cp = &p->colearning;
    sim_cfg_node *s = sim_cfg_map(cfg, root, "colearning");
    cp->base_rate_per_h = sim_cfg_num(cfg, s, "base_rate_per_h", 0.002976, R_NONNEG);
    cp->project_boost = sim_cfg_num(cfg, s, "project_boost", 2.0, R_NONNEG);
    cp->project_partner_weight = sim_cfg_num(cfg, s, "project_partner_weight", 3.0, R_NONNEG);
    cp->learning_rate = sim_cfg_num(cfg, s, "learning_rate", 0.10, R_UNIT);
    cp->joint_creation_rate = sim_cfg_num(cfg, s, "joint_creation_rate", 0.02, R_UNIT);
    cp->max_cognitive_distance = sim_cfg_num(cfg, s, "max_cognitive_distance", 1.0, R_UNIT_O);
    cp->internal_learning_per_record =
        sim_cfg_num(cfg, s, "internal_learning_per_record", 0.01, R_NONNEG);
}

/* The domains are fixed in this version: a written list must name them in order. */
static void check_domains(sim_cfg *cfg, sim_cfg_node *s)
{
    sim_cfg_node *list = sim_cfg_list(cfg, s, "domains");
    if (list == NULL)
        return;
    int ok = sim_cfg_len(list) == ECO_KNOWLEDGE_DOMAINS;
    for (size_t d = 0; ok && d < ECO_KNOWLEDGE_DOMAINS; d++) {
        const char *name = sim_cfg_scalar_text(sim_cfg_at(list, d));
        ok = name != NULL && strcmp(name, domain_names[d]) == 0;
    }
    if (!ok)
        sim_cfg_error(cfg, list,
                      "knowledge.domains: must be [asset, analytics, service, customer] (the "
                      "domains are fixed in this version)");
}

void eco_knowledge_params_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p)
{
    eco_knowledge_params *kp = &p->knowledge;
    sim_cfg_node *s = sim_cfg_map(cfg, root, "knowledge");
    check_domains(cfg, s);
    kp->saturation = sim_cfg_num(cfg, s, "saturation", 3.0, SIM_RANGE_LO_OPEN(0.0, HUGE_VAL));
    kp->depreciation_per_year = sim_cfg_num(cfg, s, "depreciation_per_year", 0.0, R_UNIT);
}

/* ---- goals: ---- */

/* Insert a default list of numbers under key; 0 when out of memory. */
static int put_numbers(sim_cfg *cfg, sim_cfg_node *map, const char *key, const double *x, int n)
{
    sim_cfg_node *list = sim_cfg_new_list(cfg, default_mark(cfg));
    if (list == NULL)
        return 0;
    for (int k = 0; k < n; k++) {
        char buf[40];
        snprintf(buf, sizeof buf, "%.17g", x[k]);
        sim_cfg_node *item = sim_cfg_new_scalar(cfg, default_mark(cfg), buf, 0);
        if (item == NULL || sim_cfg_list_append(cfg, list, item) != SIM_OK)
            return 0;
    }
    return sim_cfg_map_put(cfg, map, key, default_mark(cfg), list) == SIM_OK;
}

/* The shared-vision direction: written (dims numbers, not all zero) or [1, 1, 0, ...]. */
static void read_center(sim_cfg *cfg, sim_cfg_node *s, eco_goals_params *gp)
{
    int m = gp->dims;
    for (int k = 0; k < m; k++)
        gp->center[k] = k < 2 ? 1.0 : 0.0;
    sim_cfg_node *list = sim_cfg_list(cfg, s, "center");
    if (list == NULL) {
        if (sim_cfg_peek(s, "center") == NULL)
            put_numbers(cfg, s, "center", gp->center, m);
    } else if (sim_cfg_len(list) != (size_t)m) {
        sim_cfg_error(cfg, list, "goals.center: expected %d numbers (goals.dims), got %zu", m,
                      sim_cfg_len(list));
    } else {
        double norm = 0.0;
        for (int k = 0; k < m; k++) {
            char what[48];
            snprintf(what, sizeof what, "goals.center[%d]", k);
            gp->center[k] = sim_cfg_node_num(cfg, sim_cfg_at(list, (size_t)k), what, 0.0,
                                             SIM_RANGE(-HUGE_VAL, HUGE_VAL));
            norm += gp->center[k] * gp->center[k];
        }
        if (!(norm > 0.0))
            sim_cfg_error(cfg, list, "goals.center: all entries are zero; it needs a direction");
    }
    double norm = 0.0;
    for (int k = 0; k < m; k++)
        norm += gp->center[k] * gp->center[k];
    for (int k = 0; k < m && norm > 0.0; k++)
        gp->center[k] /= sqrt(norm);
}

/* Labels name the dimensions for humans; only their count is checked. */
static void read_labels(sim_cfg *cfg, sim_cfg_node *s, int m)
{
    sim_cfg_node *list = sim_cfg_list(cfg, s, "labels");
    if (list == NULL)
        return;
    if (sim_cfg_len(list) != (size_t)m)
        sim_cfg_error(cfg, list, "goals.labels: expected %d labels (goals.dims), got %zu", m,
                      sim_cfg_len(list));
    for (size_t k = 0; k < sim_cfg_len(list); k++) {
        char what[48];
        snprintf(what, sizeof what, "goals.labels[%zu]", k);
        sim_cfg_node_str(cfg, sim_cfg_at(list, k), what);
    }
}

/* A given goal vector has at most goals.dims entries; missing trailing ones are 0. */
static void check_goal_vectors(sim_cfg *cfg, sim_cfg_node *root, const eco_params *p)
{
    sim_cfg_node *list = sim_cfg_peek(root, "companies");
    for (size_t i = 0; i < p->n_companies; i++) {
        const eco_company_params *co = &p->companies[i];
        if (!co->has_goal_vector || co->goal_vector_len <= p->goals.dims)
            continue;
        sim_cfg_node *item = list != NULL ? sim_cfg_at(list, i) : NULL;
        sim_cfg_node *at = item != NULL ? sim_cfg_peek(item, "goal_vector") : NULL;
        sim_cfg_error(cfg, at,
                      "companies[%zu].goal_vector: at most %d numbers (goals.dims), got %d", i,
                      p->goals.dims, co->goal_vector_len);
    }
}

void eco_goals_params_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p)
{
    eco_goals_params *gp = &p->goals;
    sim_cfg_node *s = sim_cfg_map(cfg, root, "goals");
    gp->dims = (int)sim_cfg_int(cfg, s, "dims", 4, 1, ECO_GOAL_DIMS_MAX);
    read_labels(cfg, s, gp->dims);
    read_center(cfg, s, gp);
    gp->dispersion = sim_cfg_num(cfg, s, "dispersion", 0.5, SIM_RANGE(0.0, 5.0));
    check_goal_vectors(cfg, root, p);
}
