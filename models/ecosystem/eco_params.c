/*
 * eco_params: the schema of the ecosystem model, written as getter calls on the scenario
 * tree (sim_cfg). Each getter names a key, its default and its valid range; the getters add
 * a diagnostic for every problem and go on, so one pass finds every error. Rules that
 * involve several keys are checked after the fields and placed at the key the user wrote.
 *
 * Role templates are C values (SPEC 11): the oem block is the base of every role and each
 * other role overrides what its example entry sets. Defaults a getter inserts into the tree
 * are therefore the template values, so the resolved scenario shows what a run used.
 */
#include "eco_params.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define R_NONNEG     SIM_RANGE(0.0, HUGE_VAL)
#define R_POS        SIM_RANGE_LO_OPEN(0.0, HUGE_VAL)
#define R_UNIT       SIM_RANGE(0.0, 1.0)
#define R_ANY        SIM_RANGE(-HUGE_VAL, HUGE_VAL)
#define NO_HORIZON   1e7  /* upper bound of horizon_h (SPEC 11) when no settings are given */
#define CV_DEFAULT   0.5  /* cv of a written lognormal or gamma spec that omits it */
#define CV_MAX       10.0 /* beyond this the gamma and lognormal quantiles lose accuracy */
#define PATH_MAX_LEN 160  /* "companies[99999].service_time.mean_h" and similar */

static const char *const role_names[] = {"oem",     "supplier", "platform",
                                         "service", "utilizer", NULL};
/* Same order as sim_dist_kind. */
static const char *const dist_names[] = {"exp", "lognormal", "gamma", "det", NULL};

const char *eco_role_name(eco_role r)
{
    return (unsigned)r < ECO_ROLE_COUNT ? role_names[r] : "unknown";
}

/* ---- role templates (SPEC 11) ---- */

static const eco_company_params oem_base = {
    .role = ECO_ROLE_OEM,
    .process_class = 1,
    .n_assets = 4,
    .n_crews = 2,
    .max_projects = 2,
    .arrival_rate_per_h = 1.5,
    .service_time = {SIM_DIST_LOGNORMAL, 2.0, 0.5},
    .queue_capacity = -1,
    .order_margin_eur = 150.0,
    .due_allowance_h = 8.0,
    .tardiness_penalty_eur_per_h = 20.0,
    .twin_share = 0.5,
    .shadow_share = 0.25,
    .weibull_shape = 2.0,
    .weibull_scale_h = 300.0,
    .non_twin_pm_age_h = 180.0,
    .crew_response = {SIM_DIST_EXP, 4.0, 1.0},
    .repair_time = {SIM_DIST_LOGNORMAL, 8.0, 0.6},
    .pm_time = {SIM_DIST_LOGNORMAL, 3.0, 0.4},
    .sharing_willingness = 0.5,
    .goal_orientation = 0.7,
    .technical_receptivity = 0.6,
    .customer_centricity = 0.5,
    .trust_propensity = 0.5,
    .knowledge = {2.0, 0.8, 1.0, 1.0},
    .initial_records = 0.0,
    .initial_share_level = 0.0,
};

static void set_attributes(eco_company_params *t, double w, double g, double rho, double chi)
{
    t->sharing_willingness = w;
    t->goal_orientation = g;
    t->technical_receptivity = rho;
    t->customer_centricity = chi;
}

static void set_knowledge(eco_company_params *t, double asset, double analytics, double service,
                          double customer)
{
    t->knowledge[0] = asset;
    t->knowledge[1] = analytics;
    t->knowledge[2] = service;
    t->knowledge[3] = customer;
}

static void set_capacity(eco_company_params *t, int process_class, int n_assets, int n_crews,
                         double arrival_rate_per_h)
{
    t->process_class = process_class;
    t->n_assets = n_assets;
    t->n_crews = n_crews;
    t->arrival_rate_per_h = arrival_rate_per_h;
}

static void supplier_template(eco_company_params *t)
{
    set_capacity(t, 2, 3, 1, 1.125);
    t->twin_share = 0.2;
    t->shadow_share = 0.2;
    set_attributes(t, 0.4, 0.4, 0.4, 0.4);
    set_knowledge(t, 1.5, 0.4, 0.4, 0.6);
}

static void platform_template(eco_company_params *t)
{
    set_capacity(t, -1, 0, 0, 0.0);
    set_attributes(t, 0.8, 0.8, 0.9, 0.5);
    t->max_projects = 3;
    set_knowledge(t, 0.5, 2.0, 0.6, 0.6);
}

static void service_template(eco_company_params *t)
{
    set_capacity(t, -1, 0, 4, 0.0);
    t->crew_response = (sim_dist){SIM_DIST_EXP, 2.0, 1.0};
    t->repair_time = (sim_dist){SIM_DIST_LOGNORMAL, 6.0, 0.5};
    set_attributes(t, 0.6, 0.7, 0.7, 0.7);
    t->max_projects = 3;
    set_knowledge(t, 1.2, 1.2, 1.8, 1.0);
}

/* The utilizer template is the SPEC's util_a. */
static void utilizer_template(eco_company_params *t)
{
    set_capacity(t, 3, 5, 1, 1.875);
    t->twin_share = 0.4;
    t->shadow_share = 0.2;
    set_attributes(t, 0.4, 0.5, 0.5, 0.6);
    set_knowledge(t, 1.0, 0.5, 0.3, 1.2);
}

void eco_role_template(eco_role role, eco_company_params *out)
{
    static void (*const override[ECO_ROLE_COUNT])(eco_company_params *) = {
        [ECO_ROLE_SUPPLIER] = supplier_template,
        [ECO_ROLE_PLATFORM] = platform_template,
        [ECO_ROLE_SERVICE] = service_template,
        [ECO_ROLE_UTILIZER] = utilizer_template,
    };
    *out = oem_base;
    if ((unsigned)role >= ECO_ROLE_COUNT)
        return;
    out->role = role;
    if (override[role] != NULL)
        override[role](out);
}

/* ---- building default nodes the getters cannot insert (lists, null) ---- */

static sim_cfg_mark default_mark(sim_cfg *cfg)
{
    sim_cfg_mark m = {sim_cfg_intern(cfg, "<default>"), 0, 0};
    return m;
}

/* Shortest text that reads back as the same double, so the resolved YAML stays tidy. */
static void format_number(char *buf, size_t len, double x)
{
    snprintf(buf, len, "%.15g", x);
    if (strtod(buf, NULL) != x)
        snprintf(buf, len, "%.17g", x);
}

static sim_cfg_node *new_number(sim_cfg *cfg, double x)
{
    char buf[40];
    format_number(buf, sizeof buf, x);
    return sim_cfg_new_scalar(cfg, default_mark(cfg), buf, 0);
}

/* Returns 0 when out of memory. */
static int put_number_list(sim_cfg *cfg, sim_cfg_node *map, const char *key, const double *x,
                           size_t n)
{
    sim_cfg_node *list = sim_cfg_new_list(cfg, default_mark(cfg));
    if (list == NULL)
        return 0;
    for (size_t i = 0; i < n; i++) {
        sim_cfg_node *item = new_number(cfg, x[i]);
        if (item == NULL || sim_cfg_list_append(cfg, list, item) != SIM_OK)
            return 0;
    }
    return sim_cfg_map_put(cfg, map, key, default_mark(cfg), list) == SIM_OK;
}

static int put_null(sim_cfg *cfg, sim_cfg_node *map, const char *key)
{
    sim_cfg_node *null = sim_cfg_new_null(cfg, default_mark(cfg));
    return null != NULL && sim_cfg_map_put(cfg, map, key, default_mark(cfg), null) == SIM_OK;
}

/* ---- the loader's context ---- */

typedef struct loader {
    sim_cfg *cfg;
    double horizon_h;
    int oom;
} loader;

/* Where a rule about key is best reported: the key itself when the user wrote it, else the
 * other key involved, else the map. *chosen names the place ("" for the map). */
static const sim_cfg_node *place(const sim_cfg_node *map, const char *key, const char *other,
                                 const char **chosen)
{
    const char *keys[2] = {key, other};
    for (int i = 0; i < 2; i++) {
        const sim_cfg_node *n = keys[i] != NULL ? sim_cfg_peek(map, keys[i]) : NULL;
        if (n != NULL && !sim_cfg_node_is_default(n)) {
            *chosen = keys[i];
            return n;
        }
    }
    *chosen = "";
    return map;
}

/* ---- simulation:, mechanisms:, maintenance:, prediction: ---- */

static void read_simulation(loader *ld, sim_cfg_node *root, eco_params *p)
{
    sim_cfg *cfg = ld->cfg;
    sim_cfg_node *sim = sim_cfg_map(cfg, root, "simulation");
    double window_default = fmin(720.0, ld->horizon_h);
    p->edge_window_h = sim_cfg_num(cfg, sim, "edge_window_h", window_default,
                                   SIM_RANGE_LO_OPEN(0.0, ld->horizon_h));
    sim_cfg_node *f = sim_cfg_map(cfg, sim, "formation");
    p->formation.lcc_fraction = sim_cfg_num(cfg, f, "lcc_fraction", 0.5, SIM_RANGE_LO_OPEN(0, 1));
    p->formation.min_share = sim_cfg_num(cfg, f, "min_share", 0.3, R_UNIT);
    p->formation.min_trust = sim_cfg_num(cfg, f, "min_trust", 0.5, R_UNIT);
    p->formation.hold_h = sim_cfg_num(cfg, f, "hold_h", 2160.0, SIM_RANGE(0.0, NO_HORIZON));
}

static void read_mechanisms(loader *ld, sim_cfg_node *root, eco_mechanisms *m)
{
    sim_cfg *cfg = ld->cfg;
    sim_cfg_node *s = sim_cfg_map(cfg, root, "mechanisms");
    m->failures = sim_cfg_bool(cfg, s, "failures", 1);
    m->twins = sim_cfg_bool(cfg, s, "twins", 1);
    m->sharing = sim_cfg_bool(cfg, s, "sharing", 1);
    m->colearning = sim_cfg_bool(cfg, s, "colearning", 1);
    m->opportunities = sim_cfg_bool(cfg, s, "opportunities", 1);
    m->coalitions = sim_cfg_bool(cfg, s, "coalitions", 1);
    m->overflow = sim_cfg_bool(cfg, s, "overflow", 1);
    m->contracts = sim_cfg_bool(cfg, s, "contracts", 1);
    m->trust_dynamics = sim_cfg_bool(cfg, s, "trust_dynamics", 1);
    m->goal_alignment = sim_cfg_bool(cfg, s, "goal_alignment", 0);
}

static void read_maintenance(loader *ld, sim_cfg_node *root, eco_maintenance *m)
{
    static const char *const clocks[] = {"busy", "calendar", NULL};
    static const char *const repairs[] = {"perfect", "minimal", NULL};
    static const char *const priorities[] = {"corrective_first", "fifo", NULL};
    static const char *const policies[] = {"risk_quantile", "fixed_fraction", NULL};
    sim_cfg *cfg = ld->cfg;
    sim_cfg_node *s = sim_cfg_map(cfg, root, "maintenance");
    m->aging_clock = (eco_aging)sim_cfg_enum(cfg, s, "aging_clock", clocks, ECO_AGING_BUSY);
    m->repair_mode = (eco_repair)sim_cfg_enum(cfg, s, "repair_mode", repairs, ECO_REPAIR_PERFECT);
    m->crew_priority = (eco_crew_priority)sim_cfg_enum(cfg, s, "crew_priority", priorities,
                                                       ECO_CREW_CORRECTIVE_FIRST);
    m->cost_corrective_eur = sim_cfg_num(cfg, s, "cost_corrective_eur", 2000.0, R_NONNEG);
    m->cost_pm_eur = sim_cfg_num(cfg, s, "cost_pm_eur", 500.0, R_NONNEG);
    m->downtime_cost_eur_per_h = sim_cfg_num(cfg, s, "downtime_cost_eur_per_h", 300.0, R_NONNEG);
    m->planned_downtime_cost_eur_per_h =
        sim_cfg_num(cfg, s, "planned_downtime_cost_eur_per_h", 100.0, R_NONNEG);
    m->record_weight_failure = sim_cfg_num(cfg, s, "record_weight_failure", 1.0, SIM_RANGE(0, 10));
    m->record_weight_pm = sim_cfg_num(cfg, s, "record_weight_pm", 0.5, SIM_RANGE(0, 10));
    m->pm_policy = (eco_pm_policy)sim_cfg_enum(cfg, s, "pm_policy", policies, ECO_PM_RISK_QUANTILE);
    m->pm_risk_target = sim_cfg_num(cfg, s, "pm_risk_target", 0.05, SIM_RANGE_LO_OPEN(0, 0.5));
    m->pm_fixed_fraction = sim_cfg_num(cfg, s, "pm_fixed_fraction", 0.8, SIM_RANGE_LO_OPEN(0, 1));
    m->twin_sigma_use_max =
        sim_cfg_num(cfg, s, "twin_sigma_use_max", 0.35, SIM_RANGE_LO_OPEN(0, 3));
}

static void read_prediction(loader *ld, sim_cfg_node *root, eco_prediction *pr)
{
    sim_cfg *cfg = ld->cfg;
    sim_cfg_node *s = sim_cfg_map(cfg, root, "prediction");
    pr->sigma_irreducible = sim_cfg_num(cfg, s, "sigma_irreducible", 0.05, R_UNIT);
    pr->sigma_ref = sim_cfg_num(cfg, s, "sigma_ref", 0.35, SIM_RANGE(0, 3));
    pr->data_ref_records = sim_cfg_num(cfg, s, "data_ref_records", 50.0, R_POS);
    pr->data_exponent = sim_cfg_num(cfg, s, "data_exponent", 0.30, SIM_RANGE(0.05, 1.0));
    pr->prior_records = sim_cfg_num(cfg, s, "prior_records", 5.0, R_NONNEG);
    pr->analytics_knowledge_gain =
        sim_cfg_num(cfg, s, "analytics_knowledge_gain", 0.5, SIM_RANGE(0, 5));
    pr->sigma_max = sim_cfg_num(cfg, s, "sigma_max", 1.5, R_POS);
    pr->pool_relevance = sim_cfg_num(cfg, s, "pool_relevance", 0.7, R_UNIT);
    pr->client_data_relevance = sim_cfg_num(cfg, s, "client_data_relevance", 0.8, R_UNIT);
    pr->nonowner_access = sim_cfg_num(cfg, s, "nonowner_access", 0.5, R_UNIT);
    if (pr->sigma_max <= pr->sigma_irreducible) {
        const char *key;
        const sim_cfg_node *at = place(s, "sigma_max", "sigma_irreducible", &key);
        sim_cfg_error(cfg, at,
                      "prediction%s%s: sigma_max (%g) must be greater than sigma_irreducible (%g)",
                      *key ? "." : "", key, pr->sigma_max, pr->sigma_irreducible);
    }
}

/* ---- one company ---- */

typedef struct company_reader {
    loader *ld;
    sim_cfg_node *map;
    char path[64]; /* "companies[3]", "population.role_templates.utilizer" */
    const eco_company_params *tmpl;
    eco_company_params *co;
    int drawn_attributes; /* a population's role template: the five attributes are drawn */
} company_reader;

static int read_int(company_reader *r, const char *key, int def, long long lo, long long hi)
{
    return (int)sim_cfg_int(r->ld->cfg, r->map, key, def, lo, hi);
}

static double read_num(company_reader *r, const char *key, double def, sim_cfg_range range)
{
    return sim_cfg_num(r->ld->cfg, r->map, key, def, range);
}

static int identifier_like(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

static void read_name(company_reader *r)
{
    sim_cfg *cfg = r->ld->cfg;
    r->co->name = "";
    sim_cfg_node *given = sim_cfg_get(cfg, r->map, "name");
    if (given == NULL || sim_cfg_node_kind(given) == SIM_CFG_NULL) {
        sim_cfg_error(cfg, given != NULL ? given : r->map, "%s: missing required key 'name'",
                      r->path);
        return;
    }
    const char *name = sim_cfg_str(cfg, r->map, "name", NULL);
    if (name == NULL)
        return;
    if (!identifier_like(name)) {
        sim_cfg_error(cfg, sim_cfg_peek(r->map, "name"),
                      "%s.name: '%s' is not a valid name (use letters, digits, '_', '.', '-')",
                      r->path, name);
        return;
    }
    r->co->name = name;
}

static void read_counts(company_reader *r)
{
    const eco_company_params *t = r->tmpl;
    eco_company_params *co = r->co;
    co->process_class = read_int(r, "process_class", t->process_class, -1, ECO_MAX_PROCESS_CLASS);
    co->n_assets = read_int(r, "n_assets", t->n_assets, 0, ECO_MAX_ASSETS_PER_COMPANY);
    co->n_crews = read_int(r, "n_crews", t->n_crews, -1, ECO_MAX_CREWS_PER_COMPANY);
    co->max_projects = read_int(r, "max_projects", t->max_projects, 0, ECO_MAX_PROJECTS);
    co->queue_capacity =
        read_int(r, "queue_capacity", t->queue_capacity, -1, ECO_MAX_QUEUE_CAPACITY);
}

/* cv of a written spec: lognormal and gamma need one in (0, CV_MAX]; exp has cv 1 and det
 * cv 0 by definition, so another value there is a mistake worth reporting. */
static double read_cv(company_reader *r, sim_cfg_node *spec, const char *key, sim_dist_kind kind,
                      double def)
{
    sim_cfg *cfg = r->ld->cfg;
    if (kind == SIM_DIST_LOGNORMAL || kind == SIM_DIST_GAMMA)
        return sim_cfg_num(cfg, spec, "cv", def, SIM_RANGE_LO_OPEN(0.0, CV_MAX));
    double fixed = kind == SIM_DIST_EXP ? 1.0 : 0.0;
    sim_cfg_node *n = sim_cfg_get(cfg, spec, "cv");
    if (n == NULL)
        return fixed;
    char what[PATH_MAX_LEN];
    snprintf(what, sizeof what, "%s.%s.cv", r->path, key);
    double cv = sim_cfg_node_num(cfg, n, what, fixed, R_ANY);
    if (cv != fixed)
        sim_cfg_error(cfg, n, "%s: %s has cv %g; remove cv or choose lognormal/gamma", what,
                      dist_names[kind], fixed);
    return fixed;
}

static void require_key(company_reader *r, sim_cfg_node *spec, const char *key, const char *sub,
                        const char *hint)
{
    if (sim_cfg_peek(spec, sub) == NULL)
        sim_cfg_error(r->ld->cfg, spec, "%s.%s: missing key '%s'%s", r->path, key, sub, hint);
}

/* A duration spec {dist, mean_h, cv}. An omitted spec is the template's, inserted whole; a
 * written spec is a value of its own: dist and mean_h are required and a lognormal or gamma
 * cv defaults to CV_DEFAULT. */
static sim_dist read_spec(company_reader *r, const char *key, const sim_dist *tmpl)
{
    sim_cfg *cfg = r->ld->cfg;
    const sim_cfg_node *given = sim_cfg_peek(r->map, key);
    int written = given != NULL && sim_cfg_node_kind(given) != SIM_CFG_NULL;
    sim_cfg_node *spec = sim_cfg_map(cfg, r->map, key);
    if (spec == NULL)
        return *tmpl;
    if (written) {
        require_key(r, spec, key, "dist", " (exp, lognormal, gamma or det)");
        require_key(r, spec, key, "mean_h", "");
    }
    sim_dist d;
    d.kind = (sim_dist_kind)sim_cfg_enum(cfg, spec, "dist", dist_names, (int)tmpl->kind);
    sim_cfg_range mean_range =
        d.kind == SIM_DIST_DET ? SIM_RANGE(0.0, HUGE_VAL) : SIM_RANGE_LO_OPEN(0.0, HUGE_VAL);
    d.mean = sim_cfg_num(cfg, spec, "mean_h", tmpl->mean, mean_range);
    double cv_def = (!written && d.kind == tmpl->kind) ? tmpl->cv : CV_DEFAULT;
    d.cv = read_cv(r, spec, key, d.kind, cv_def);
    return d;
}

static void read_orders(company_reader *r)
{
    const eco_company_params *t = r->tmpl;
    eco_company_params *co = r->co;
    co->arrival_rate_per_h = read_num(r, "arrival_rate_per_h", t->arrival_rate_per_h, R_NONNEG);
    co->service_time = read_spec(r, "service_time", &t->service_time);
    co->order_margin_eur = read_num(r, "order_margin_eur", t->order_margin_eur, R_NONNEG);
    co->due_allowance_h = read_num(r, "due_allowance_h", t->due_allowance_h, R_POS);
    co->tardiness_penalty_eur_per_h =
        read_num(r, "tardiness_penalty_eur_per_h", t->tardiness_penalty_eur_per_h, R_NONNEG);
}

static void read_assets(company_reader *r)
{
    const eco_company_params *t = r->tmpl;
    eco_company_params *co = r->co;
    co->twin_share = read_num(r, "twin_share", t->twin_share, R_UNIT);
    co->shadow_share = read_num(r, "shadow_share", t->shadow_share, R_UNIT);
    co->weibull_shape = read_num(r, "weibull_shape", t->weibull_shape, SIM_RANGE(0.5, 5.0));
    co->weibull_scale_h = read_num(r, "weibull_scale_h", t->weibull_scale_h, R_POS);
    co->non_twin_pm_age_h = read_num(r, "non_twin_pm_age_h", t->non_twin_pm_age_h, R_NONNEG);
    co->crew_response = read_spec(r, "crew_response", &t->crew_response);
    co->repair_time = read_spec(r, "repair_time", &t->repair_time);
    co->pm_time = read_spec(r, "pm_time", &t->pm_time);
}

static void read_attributes(company_reader *r)
{
    const eco_company_params *t = r->tmpl;
    eco_company_params *co = r->co;
    if (!r->drawn_attributes) {
        co->sharing_willingness =
            read_num(r, "sharing_willingness", t->sharing_willingness, R_UNIT);
        co->goal_orientation = read_num(r, "goal_orientation", t->goal_orientation, R_UNIT);
        co->technical_receptivity =
            read_num(r, "technical_receptivity", t->technical_receptivity, R_UNIT);
        co->customer_centricity =
            read_num(r, "customer_centricity", t->customer_centricity, R_UNIT);
        co->trust_propensity = read_num(r, "trust_propensity", t->trust_propensity, R_UNIT);
    }
    co->initial_records = read_num(r, "initial_records", t->initial_records, R_NONNEG);
    co->initial_share_level = read_num(r, "initial_share_level", t->initial_share_level, R_UNIT);
}

/* Read the numbers of a list into x (at most max); returns how many the list holds. */
static size_t read_numbers(company_reader *r, sim_cfg_node *list, const char *key, double *x,
                           size_t max, sim_cfg_range range)
{
    size_t n = sim_cfg_len(list);
    for (size_t i = 0; i < n && i < max; i++) {
        char what[PATH_MAX_LEN];
        snprintf(what, sizeof what, "%s.%s[%zu]", r->path, key, i);
        x[i] = sim_cfg_node_num(r->ld->cfg, sim_cfg_at(list, i), what, x[i], range);
    }
    return n;
}

static void read_knowledge(company_reader *r)
{
    sim_cfg *cfg = r->ld->cfg;
    memcpy(r->co->knowledge, r->tmpl->knowledge, sizeof r->co->knowledge);
    sim_cfg_node *n = sim_cfg_get(cfg, r->map, "knowledge");
    if (n == NULL || sim_cfg_node_kind(n) == SIM_CFG_NULL) {
        if (!put_number_list(cfg, r->map, "knowledge", r->co->knowledge, ECO_KNOWLEDGE_DOMAINS))
            r->ld->oom = 1;
        return;
    }
    sim_cfg_node *list = sim_cfg_list(cfg, r->map, "knowledge");
    if (list == NULL)
        return;
    size_t len =
        read_numbers(r, list, "knowledge", r->co->knowledge, ECO_KNOWLEDGE_DOMAINS, R_NONNEG);
    if (len != ECO_KNOWLEDGE_DOMAINS)
        sim_cfg_error(cfg, list,
                      "%s.knowledge: expected %d numbers [asset, analytics, service, customer], "
                      "got %zu",
                      r->path, ECO_KNOWLEDGE_DOMAINS, len);
}

static int all_zero(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x[i] != 0.0)
            return 0;
    return 1;
}

static void read_goal_vector(company_reader *r)
{
    sim_cfg *cfg = r->ld->cfg;
    sim_cfg_node *n = sim_cfg_get(cfg, r->map, "goal_vector");
    if (n == NULL) {
        if (!put_null(cfg, r->map, "goal_vector"))
            r->ld->oom = 1;
        return;
    }
    if (sim_cfg_node_kind(n) == SIM_CFG_NULL)
        return;
    size_t len = sim_cfg_len(n);
    if (sim_cfg_node_kind(n) != SIM_CFG_LIST || len < 1 || len > ECO_GOAL_DIMS_MAX) {
        sim_cfg_error(cfg, n, "%s.goal_vector: expected null or a list of 1 to %d numbers", r->path,
                      ECO_GOAL_DIMS_MAX);
        return;
    }
    eco_company_params *co = r->co;
    read_numbers(r, n, "goal_vector", co->goal_vector, ECO_GOAL_DIMS_MAX, R_ANY);
    if (all_zero(co->goal_vector, len)) {
        sim_cfg_error(cfg, n, "%s.goal_vector: all entries are zero; it needs a direction",
                      r->path);
        return;
    }
    co->has_goal_vector = 1;
    co->goal_vector_len = (int)len;
}

/* Report a rule broken between key and other at the one the user wrote, named in the
 * message as "companies[i].<key>: ...". */
static void rule_error(company_reader *r, const char *key, const char *other, const char *msg)
{
    const char *chosen;
    const sim_cfg_node *at = place(r->map, key, other, &chosen);
    sim_cfg_error(r->ld->cfg, at, "%s%s%s: %s", r->path, *chosen ? "." : "", chosen, msg);
}

/* Rules between keys of one company. */
static void check_company(company_reader *r, const eco_mechanisms *mech)
{
    const eco_company_params *co = r->co;
    char msg[320];
    if (co->twin_share + co->shadow_share > 1.0) {
        snprintf(msg, sizeof msg, "twin_share + shadow_share = %g exceeds 1",
                 co->twin_share + co->shadow_share);
        rule_error(r, "shadow_share", "twin_share", msg);
    }
    if (co->arrival_rate_per_h > 0.0 && co->n_assets < 1) {
        snprintf(msg, sizeof msg,
                 "orders arrive (arrival_rate_per_h %g) but n_assets is 0; give the company "
                 "assets or set arrival_rate_per_h to 0",
                 co->arrival_rate_per_h);
        rule_error(r, "arrival_rate_per_h", "n_assets", msg);
    }
    if (mech->failures && co->n_assets >= 1 && co->n_crews == 0) {
        snprintf(msg, sizeof msg,
                 "%d assets fail (mechanisms.failures is on) but n_crews is 0; set n_crews >= 1 "
                 "(or -1 for unlimited) or switch failures off (a maintenance contract does not "
                 "replace own crews: it may end unrenewed, and autarky uses own crews)",
                 co->n_assets);
        rule_error(r, "n_crews", "n_assets", msg);
    }
}

static void derive_load(eco_company_params *co)
{
    if (co->n_assets < 1)
        return;
    co->offered_load = co->arrival_rate_per_h * co->service_time.mean / co->n_assets;
    co->unstable = co->queue_capacity < 0 && co->offered_load >= ECO_UNSTABLE_LOAD;
}

/* Every key of a company but name and role, then the rules between them. */
static void read_company_keys(company_reader *r, const eco_mechanisms *mech)
{
    read_counts(r);
    read_orders(r);
    read_assets(r);
    read_attributes(r);
    read_knowledge(r);
    read_goal_vector(r);
    check_company(r, mech);
    derive_load(r->co);
}

static void read_company(loader *ld, sim_cfg_node *item, size_t i, const eco_mechanisms *mech,
                         eco_company_params *co)
{
    company_reader r = {.ld = ld, .map = item, .co = co};
    snprintf(r.path, sizeof r.path, "companies[%zu]", i);
    eco_company_params tmpl;
    eco_role_template(ECO_ROLE_OEM, &tmpl);
    if (sim_cfg_node_kind(item) != SIM_CFG_MAP) {
        sim_cfg_error(ld->cfg, item, "%s: expected a map of company keys", r.path);
        *co = tmpl;
        co->name = "";
        return;
    }
    /* The role is read first: it chooses the template every other key defaults to. */
    eco_role role = (eco_role)sim_cfg_enum(ld->cfg, item, "role", role_names, ECO_ROLE_OEM);
    eco_role_template(role, &tmpl);
    *co = tmpl;
    r.tmpl = &tmpl;
    read_name(&r);
    read_company_keys(&r, mech);
}

int eco_params_read_company_keys(sim_cfg *cfg, sim_cfg_node *map, const char *path,
                                 const eco_company_params *tmpl, const eco_mechanisms *mech,
                                 int drawn_attributes, eco_company_params *co)
{
    loader ld = {.cfg = cfg, .horizon_h = NO_HORIZON};
    company_reader r = {.ld = &ld, .map = map, .tmpl = tmpl, .co = co};
    r.drawn_attributes = drawn_attributes;
    snprintf(r.path, sizeof r.path, "%s", path);
    *co = *tmpl;
    read_company_keys(&r, mech);
    return !ld.oom;
}

/* ---- the company list ---- */

/* Names are unique; a repeat is reported at the later one. Quadratic, but the names were
 * bounded by ECO_MAX_COMPANIES and this runs once per scenario. */
static void check_names(loader *ld, sim_cfg_node *list, const eco_params *p)
{
    for (size_t i = 1; i < p->n_companies; i++) {
        const char *name = p->companies[i].name;
        if (*name == '\0')
            continue;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(name, p->companies[j].name) != 0)
                continue;
            sim_cfg_mark first = sim_cfg_node_mark(sim_cfg_peek(sim_cfg_at(list, j), "name"));
            sim_cfg_error(ld->cfg, sim_cfg_peek(sim_cfg_at(list, i), "name"),
                          "companies[%zu].name: duplicate company name '%s' (first at line %u)", i,
                          name, first.line);
            break;
        }
    }
}

static void check_totals(loader *ld, sim_cfg_node *list, eco_params *p)
{
    size_t total = 0;
    for (size_t i = 0; i < p->n_companies; i++) {
        const eco_company_params *co = &p->companies[i];
        total += (size_t)co->n_assets;
        p->n_unstable += (size_t)co->unstable;
        /* SPEC 5.8: an infinite buffer near saturation never reaches steady state within a
         * run; failures make the effective load higher still. */
        if (co->unstable)
            sim_cfg_warning(ld->cfg, sim_cfg_at(list, i),
                            "companies[%zu] (%s): offered load %.3f >= %.2f with an unlimited "
                            "queue; the queue may not reach steady state (failures raise the "
                            "load further)",
                            i, co->name, co->offered_load, ECO_UNSTABLE_LOAD);
    }
    p->n_assets_total = total;
    if (total > ECO_MAX_ASSETS_TOTAL)
        sim_cfg_error(ld->cfg, list, "companies: %zu assets in total; at most %d are allowed",
                      total, ECO_MAX_ASSETS_TOTAL);
}

/* The list node, or NULL after reporting why there is none. */
static sim_cfg_node *company_list(loader *ld, sim_cfg_node *root)
{
    sim_cfg *cfg = ld->cfg;
    sim_cfg_node *given = sim_cfg_get(cfg, root, "companies");
    if (given == NULL || sim_cfg_node_kind(given) == SIM_CFG_NULL) {
        sim_cfg_error(cfg, given != NULL ? given : root,
                      "companies: at least one company is required (or a population:)");
        return NULL;
    }
    sim_cfg_node *list = sim_cfg_list(cfg, root, "companies");
    if (list == NULL)
        return NULL;
    size_t n = sim_cfg_len(list);
    if (n == 0) {
        sim_cfg_error(cfg, list, "companies: at least one company is required");
        return NULL;
    }
    if (n > ECO_MAX_COMPANIES) {
        sim_cfg_error(cfg, list, "companies: %zu companies; at most %d are allowed", n,
                      ECO_MAX_COMPANIES);
        return NULL;
    }
    return list;
}

static int read_companies(loader *ld, sim_cfg_node *root, eco_params *p)
{
    sim_cfg_node *list = company_list(ld, root);
    if (list == NULL)
        return 1;
    size_t n = sim_cfg_len(list);
    p->companies = calloc(n, sizeof *p->companies);
    if (p->companies == NULL)
        return 0;
    p->n_companies = n;
    for (size_t i = 0; i < n; i++)
        read_company(ld, sim_cfg_at(list, i), i, &p->mechanisms, &p->companies[i]);
    check_names(ld, list, p);
    check_totals(ld, list, p);
    return 1;
}

/* `companies:` or `population:` (eco_population.c): exactly one of them. */
static int read_company_source(loader *ld, sim_cfg_node *root, eco_params *p)
{
    if (eco_population_chosen(ld->cfg, root))
        return eco_population_load(ld->cfg, root, p);
    return read_companies(ld, root, p);
}

/* ---- entry points ---- */

eco_params *eco_params_load(sim_cfg *cfg, sim_cfg_node *root, const sim_settings *settings)
{
    eco_params *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    loader ld = {.cfg = cfg, .horizon_h = NO_HORIZON};
    if (settings != NULL && settings->horizon_h > 0.0 && isfinite(settings->horizon_h))
        ld.horizon_h = settings->horizon_h;
    read_simulation(&ld, root, p);
    if (settings != NULL)
        p->window_h = settings->horizon_h - settings->warmup_h;
    read_mechanisms(&ld, root, &p->mechanisms);
    read_maintenance(&ld, root, &p->maintenance);
    read_prediction(&ld, root, &p->prediction);
    eco_sharing_params_load(cfg, root, p, ld.horizon_h);
    eco_trust_params_load(cfg, root, p);
    eco_colearning_params_load(cfg, root, p);
    eco_knowledge_params_load(cfg, root, p);
    if (!read_company_source(&ld, root, p) || ld.oom) {
        eco_params_free(p);
        return NULL;
    }
    eco_goals_params_load(cfg, root, p);
    if (!eco_business_params_load(cfg, root, p, ld.horizon_h)) { /* names companies */
        eco_params_free(p);
        return NULL;
    }
    p->z_q = gsl_cdf_ugaussian_Pinv(1.0 - p->maintenance.pm_risk_target);
    return p;
}

void eco_params_free(eco_params *p)
{
    if (p == NULL)
        return;
    free(p->companies);
    free(p->contracts);
    eco_population_params_free(&p->population);
    free(p);
}
