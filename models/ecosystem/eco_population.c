/*
 * eco_population: companies generated from `population:` (SPEC 5 step 1, SPEC 11), and the
 * per-run company attributes every scenario reports.
 *
 * Loading reads the generator (n_companies, role weights, target load, process classes,
 * Beta attributes, role templates) and builds what all runs share: names c000.., nominal
 * companies and an upper bound of the assets. Each run then draws its own population in
 * run_alloc (eco_population_realize), so every replication is an independent draw while all
 * variants of a replication see the same companies (common random numbers).
 *
 * Draws: company i has one stream per draw, keyed on the INIT process with entity
 * ECO_POP_ENTITY + 8 i + slot (slot 0 role, 1 process class, 2.. the five attributes). B1's
 * goal vectors use INIT with entity i, so the two never share numbers, and a design that
 * changes one attribute's distribution leaves every other draw of the company unchanged.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "eco_run.h"
#include "sim_rng.h"

#define ECO_POP_ENTITY     (UINT64_C(1) << 40) /* above every company and asset index */
#define ECO_POP_SLOTS      8u
#define ECO_POP_SLOT_ROLE  0u
#define ECO_POP_SLOT_CLASS 1u
#define ECO_POP_SLOT_ATTR  2u
#define ECO_POP_NAME_WIDTH 3 /* c000, c001, ... (wider when n_companies needs it) */
#define ECO_WEIGHT_MAX     1e6
#define ECO_CONC_MAX       1e6
#define ECO_LOAD_MAX       10.0
#define ECO_PATH_LEN       64

static const char *const attr_keys[ECO_ATTR_COUNT] = {
    "sharing_willingness", "goal_orientation", "technical_receptivity",
    "customer_centricity", "trust_propensity",
};

/* SPEC 11's role weights, used when role_weights is omitted. */
static const double default_weights[ECO_ROLE_COUNT] = {0.15, 0.20, 0.05, 0.15, 0.45};

/* ---- choosing companies: or population: ---- */

static long key_index(const sim_cfg_node *map, const char *key)
{
    for (size_t i = 0; i < sim_cfg_len(map); i++) {
        if (strcmp(sim_cfg_key_at(map, i), key) == 0)
            return (long)i;
    }
    return -1;
}

static int given(const sim_cfg_node *map, const char *key)
{
    const sim_cfg_node *n = sim_cfg_peek(map, key);
    return n != NULL && sim_cfg_node_kind(n) != SIM_CFG_NULL;
}

int eco_population_chosen(sim_cfg *cfg, sim_cfg_node *root)
{
    int has_pop = given(root, "population"), has_list = given(root, "companies");
    if (!has_pop) {
        sim_cfg_get(cfg, root, "population"); /* a null population: is no source */
        return 0;
    }
    if (!has_list) {
        sim_cfg_get(cfg, root, "companies"); /* companies: null, e.g. to drop an extended list */
        return 1;
    }
    /* Both: the first one written is read, the later one is the mistake. */
    long ip = key_index(root, "population"), ic = key_index(root, "companies");
    const char *later = ip > ic ? "population" : "companies";
    const char *first = ip > ic ? "companies" : "population";
    sim_cfg_mark at = sim_cfg_key_mark_at(root, (size_t)(ip > ic ? ip : ic));
    sim_cfg_mark other = sim_cfg_key_mark_at(root, (size_t)(ip > ic ? ic : ip));
    sim_cfg_error_at(cfg, at,
                     "%s: give either companies: or population:, not both (%s: at line %u)", later,
                     first, other.line);
    sim_cfg_get(cfg, root, later);
    return ip < ic;
}

/* ---- reading population: ---- */

static void read_weights(sim_cfg *cfg, sim_cfg_node *map, eco_population *pop)
{
    int written = given(map, "role_weights");
    sim_cfg_node *w = sim_cfg_map(cfg, map, "role_weights");
    double sum = 0.0;
    for (int r = 0; r < ECO_ROLE_COUNT; r++) {
        double def = written ? 0.0 : default_weights[r];
        pop->role_weights[r] =
            sim_cfg_num(cfg, w, eco_role_name((eco_role)r), def, SIM_RANGE(0.0, ECO_WEIGHT_MAX));
        sum += pop->role_weights[r];
    }
    if (!(sum > 0.0)) {
        sim_cfg_error(cfg, w != NULL ? w : map,
                      "population.role_weights: the weights sum to 0; give at least one role a "
                      "positive weight");
        for (int r = 0; r < ECO_ROLE_COUNT; r++)
            pop->role_weights[r] = default_weights[r];
        return;
    }
    for (int r = 0; r < ECO_ROLE_COUNT; r++)
        pop->role_weights[r] /= sum;
}

static void read_attributes(sim_cfg *cfg, sim_cfg_node *map, eco_population *pop)
{
    sim_cfg_node *a = sim_cfg_map(cfg, map, "attributes");
    for (int k = 0; k < ECO_ATTR_COUNT; k++) {
        sim_cfg_node *b = sim_cfg_map(cfg, a, attr_keys[k]);
        pop->attributes[k].mean = sim_cfg_num(cfg, b, "mean", 0.5, SIM_RANGE_OPEN(0.0, 1.0));
        pop->attributes[k].concentration =
            sim_cfg_num(cfg, b, "concentration", 8.0, SIM_RANGE_LO_OPEN(0.0, ECO_CONC_MAX));
    }
}

/* The five attributes are drawn: a template that sets one is told where it belongs. */
static void reject_attributes(sim_cfg *cfg, sim_cfg_node *tmap, const char *path)
{
    for (int k = 0; k < ECO_ATTR_COUNT; k++) {
        sim_cfg_node *n = sim_cfg_get(cfg, tmap, attr_keys[k]);
        if (n != NULL)
            sim_cfg_error(cfg, n,
                          "%s.%s: generated companies draw it; set "
                          "population.attributes.%s instead",
                          path, attr_keys[k], attr_keys[k]);
    }
}

/* Write the arrival rate target_load gives into the tree, so the resolved scenario shows
 * the rate a run uses. Returns 0 when out of memory. */
static int put_rate(sim_cfg *cfg, sim_cfg_node *tmap, double rate)
{
    char text[40];
    snprintf(text, sizeof text, "%.15g", rate); /* the shortest text that reads back exactly */
    if (strtod(text, NULL) != rate)
        snprintf(text, sizeof text, "%.17g", rate);
    sim_cfg_mark mark = {sim_cfg_intern(cfg, "<default>"), 0, 0};
    sim_cfg_node *n = mark.file != NULL ? sim_cfg_new_scalar(cfg, mark, text, 0) : NULL;
    return n != NULL && sim_cfg_map_put(cfg, tmap, "arrival_rate_per_h", mark, n) == SIM_OK;
}

/* Arrival rate from target_load (SPEC 11): offered load lambda E[S] / c = target_load. */
static int set_arrivals(sim_cfg *cfg, sim_cfg_node *tmap, const char *path, double load,
                        eco_company_params *t)
{
    if (t->n_assets < 1) {
        t->arrival_rate_per_h = 0.0;
    } else if (t->service_time.mean > 0.0) {
        t->arrival_rate_per_h = load * t->n_assets / t->service_time.mean;
    } else {
        sim_cfg_error(cfg, sim_cfg_peek(tmap, "service_time"),
                      "%s.service_time: target_load needs a positive mean work content", path);
        t->arrival_rate_per_h = 0.0;
    }
    t->offered_load =
        t->n_assets >= 1 ? t->arrival_rate_per_h * t->service_time.mean / t->n_assets : 0.0;
    t->unstable = t->queue_capacity < 0 && t->offered_load >= ECO_UNSTABLE_LOAD;
    return put_rate(cfg, tmap, t->arrival_rate_per_h);
}

/* One role's template: the role's SPEC values overridden by what the scenario writes.
 * Returns 0 when out of memory. */
static int read_template(sim_cfg *cfg, sim_cfg_node *tmaps, eco_role role,
                         const eco_mechanisms *mech, eco_population *pop)
{
    const char *name = eco_role_name(role);
    char path[ECO_PATH_LEN];
    snprintf(path, sizeof path, "population.role_templates.%s", name);
    eco_company_params base;
    eco_role_template(role, &base);
    pop->role_templates[role] = base;
    if (!given(tmaps, name) && !(pop->role_weights[role] > 0.0))
        return 1; /* a role never drawn needs no template in the resolved scenario */
    sim_cfg_node *tmap = sim_cfg_map(cfg, tmaps, name);
    if (tmap == NULL)
        return 1;
    int fixed = given(tmap, "arrival_rate_per_h");
    pop->fixed_arrival[role] = fixed;
    if (!fixed)
        base.arrival_rate_per_h = 0.0; /* set from target_load below */
    reject_attributes(cfg, tmap, path);
    eco_company_params *t = &pop->role_templates[role];
    if (!eco_params_read_company_keys(cfg, tmap, path, &base, mech, 1, t))
        return 0;
    t->role = role;
    t->name = NULL;
    return fixed || set_arrivals(cfg, tmap, path, pop->target_load, t);
}

static int read_templates(sim_cfg *cfg, sim_cfg_node *map, const eco_mechanisms *mech,
                          eco_population *pop)
{
    sim_cfg_node *tmaps = sim_cfg_map(cfg, map, "role_templates");
    for (int r = 0; r < ECO_ROLE_COUNT; r++) {
        if (!read_template(cfg, tmaps, (eco_role)r, mech, pop))
            return 0;
    }
    return 1;
}

/* The bound of assets per company and the warning SPEC 5 step 8 asks for. */
static void check_templates(sim_cfg *cfg, sim_cfg_node *map, eco_params *p, size_t n)
{
    eco_population *pop = &p->population;
    pop->max_assets = 0;
    for (int r = 0; r < ECO_ROLE_COUNT; r++) {
        const eco_company_params *t = &pop->role_templates[r];
        if (!(pop->role_weights[r] > 0.0))
            continue;
        if (t->n_assets > pop->max_assets)
            pop->max_assets = t->n_assets;
        if (t->unstable) {
            p->n_unstable++;
            sim_cfg_warning(cfg, sim_cfg_peek(map, "target_load"),
                            "population: companies of role %s have offered load %.3f >= %.2f "
                            "with an unlimited queue; the queue may not reach steady state",
                            eco_role_name((eco_role)r), t->offered_load, ECO_UNSTABLE_LOAD);
        }
    }
    double bound = (double)n * pop->max_assets;
    p->n_assets_total = (size_t)n * (size_t)pop->max_assets;
    if (bound > ECO_MAX_ASSETS_TOTAL)
        sim_cfg_error(cfg, sim_cfg_peek(map, "n_companies"),
                      "population.n_companies: %zu companies of up to %d assets may hold %.0f "
                      "assets; at most %d are allowed",
                      n, pop->max_assets, bound, ECO_MAX_ASSETS_TOTAL);
}

static eco_role likeliest_role(const eco_population *pop)
{
    int best = 0;
    for (int r = 1; r < ECO_ROLE_COUNT; r++) {
        if (pop->role_weights[r] > pop->role_weights[best])
            best = r;
    }
    return (eco_role)best;
}

static int name_width(size_t n)
{
    int w = 1;
    for (size_t x = n > 0 ? n - 1 : 0; x >= 10; x /= 10)
        w++;
    return w > ECO_POP_NAME_WIDTH ? w : ECO_POP_NAME_WIDTH;
}

/* Names and nominal values shared by every run. Returns 0 when out of memory. */
static int nominal_companies(eco_params *p, size_t n)
{
    eco_population *pop = &p->population;
    int w = name_width(n);
    size_t stride = (size_t)w + 2;
    p->companies = calloc(n, sizeof *p->companies);
    pop->names = malloc(n * stride);
    if (p->companies == NULL || pop->names == NULL)
        return 0;
    p->n_companies = n;
    const eco_company_params *t = &pop->role_templates[likeliest_role(pop)];
    for (size_t i = 0; i < n; i++) {
        char *name = pop->names + i * stride;
        /* n <= ECO_MAX_COMPANIES, so the name always fits in stride bytes. */
        int len = snprintf(name, stride, "c%0*u", w, (unsigned)i);
        if (len < 0 || (size_t)len >= stride)
            return 0;
        p->companies[i] = *t;
        p->companies[i].name = name;
        p->companies[i].sharing_willingness = pop->attributes[ECO_ATTR_SHARING_WILLINGNESS].mean;
        p->companies[i].goal_orientation = pop->attributes[ECO_ATTR_GOAL_ORIENTATION].mean;
        p->companies[i].technical_receptivity =
            pop->attributes[ECO_ATTR_TECHNICAL_RECEPTIVITY].mean;
        p->companies[i].customer_centricity = pop->attributes[ECO_ATTR_CUSTOMER_CENTRICITY].mean;
        p->companies[i].trust_propensity = pop->attributes[ECO_ATTR_TRUST_PROPENSITY].mean;
    }
    return 1;
}

int eco_population_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p)
{
    eco_population *pop = &p->population;
    sim_cfg_node *map = sim_cfg_map(cfg, root, "population");
    pop->generated = 1;
    size_t n = (size_t)sim_cfg_int(cfg, map, "n_companies", 24, 1, ECO_MAX_COMPANIES);
    read_weights(cfg, map, pop);
    pop->target_load =
        sim_cfg_num(cfg, map, "target_load", 0.75, SIM_RANGE_LO_OPEN(0.0, ECO_LOAD_MAX));
    pop->process_classes =
        (int)sim_cfg_int(cfg, map, "process_classes", 3, 0, ECO_MAX_PROCESS_CLASS);
    read_attributes(cfg, map, pop);
    if (!read_templates(cfg, map, &p->mechanisms, pop))
        return 0;
    check_templates(cfg, map, p, n);
    return nominal_companies(p, n);
}

void eco_population_params_free(eco_population *pop)
{
    free(pop->names);
    pop->names = NULL;
}

/* ---- drawing a run's population ---- */

static gsl_rng *slot_stream(const eco_run *run, gsl_rng *r, uint32_t i, unsigned slot)
{
    uint64_t entity = ECO_POP_ENTITY + (uint64_t)ECO_POP_SLOTS * i + slot;
    sim_rng_reseed(r, sim_rng_key(run->id.master_seed, run->id.design, run->id.replication,
                                  sim_rng_stream_id(ECO_STREAM_INIT, entity)));
    return r;
}

/* Categorical draw over the normalised weights; rounding never picks a zero-weight role. */
static eco_role draw_role(const eco_population *pop, double u)
{
    double cum = 0.0;
    int last = 0;
    for (int r = 0; r < ECO_ROLE_COUNT; r++) {
        if (!(pop->role_weights[r] > 0.0))
            continue;
        cum += pop->role_weights[r];
        last = r;
        if (u < cum)
            return (eco_role)r;
    }
    return (eco_role)last;
}

/* Beta(m c, (1 - m) c) (SPEC 7.1); clipped to [0, 1] against rounding. */
static double draw_attribute(gsl_rng *r, const eco_beta *b)
{
    double x = gsl_ran_beta(r, b->mean * b->concentration, (1.0 - b->mean) * b->concentration);
    if (!(x >= 0.0))
        return isnan(x) ? b->mean : 0.0;
    return x < 1.0 ? x : 1.0;
}

static void draw_company(const eco_run *run, gsl_rng *r, uint32_t i, eco_company_params *co)
{
    const eco_population *pop = &run->par->population;
    eco_role role = draw_role(pop, gsl_rng_uniform(slot_stream(run, r, i, ECO_POP_SLOT_ROLE)));
    *co = pop->role_templates[role];
    co->name = run->par->companies[i].name;
    /* The class uniform is drawn for every company so each draw keeps its place. */
    double u = gsl_rng_uniform(slot_stream(run, r, i, ECO_POP_SLOT_CLASS));
    if (pop->process_classes > 0 && co->process_class >= 0)
        co->process_class = 1 + (int)floor(u * pop->process_classes);
    double *attr[ECO_ATTR_COUNT] = {&co->sharing_willingness, &co->goal_orientation,
                                    &co->technical_receptivity, &co->customer_centricity,
                                    &co->trust_propensity};
    for (unsigned k = 0; k < ECO_ATTR_COUNT; k++)
        *attr[k] =
            draw_attribute(slot_stream(run, r, i, ECO_POP_SLOT_ATTR + k), &pop->attributes[k]);
}

sim_status eco_population_realize(eco_run *run, sim_error *err)
{
    const eco_params *par = run->par;
    if (!par->population.generated) {
        run->n_assets = par->n_assets_total;
        return SIM_OK;
    }
    size_t n = run->n_companies;
    run->generated = malloc((n ? n : 1) * sizeof *run->generated);
    gsl_rng *r = sim_rng_alloc(0);
    if (run->generated == NULL || r == NULL) {
        gsl_rng_free(r);
        return sim_error_set(err, SIM_NOMEM, "ecosystem: cannot allocate the population");
    }
    size_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        draw_company(run, r, i, &run->generated[i]);
        total += (size_t)run->generated[i].n_assets;
    }
    gsl_rng_free(r);
    run->n_assets = total;
    return SIM_OK;
}

const eco_company_params *eco_run_company_params(const eco_run *run, size_t i)
{
    return run->generated != NULL ? &run->generated[i] : &run->par->companies[i];
}

/* ---- per-run company attributes (outputs) ---- */

#define ECO_POP_VARS(X)                                                                            \
    X(ROLE, "role", "1", "role code: 0 oem, 1 supplier, 2 platform, 3 service, 4 utilizer")        \
    X(PROCESS_CLASS, "process_class", "1", "process class (-1: none)")                             \
    X(N_ASSETS, "n_assets", "1", "number of assets (production capacity c_i)")                     \
    X(OFFERED_LOAD, "offered_load", "1",                                                           \
      "offered load arrival_rate_per_h * E[S] / n_assets (NaN without assets)")                    \
    X(W, "sharing_willingness", "1", "sharing willingness w_i")                                    \
    X(G, "goal_orientation", "1", "goal orientation g_i")                                          \
    X(RHO0, "technical_receptivity_initial", "1", "initial technical receptivity (parameter)")     \
    X(CHI, "customer_centricity", "1", "customer-centricity chi_i")                                \
    X(PI, "trust_propensity", "1", "trust propensity pi_i")

#define ECO_POP_ENUM(id, name, units, long_name) PV_##id,
enum { ECO_POP_VARS(ECO_POP_ENUM) PV_COUNT };
#undef ECO_POP_ENUM
#define ECO_POP_VAR(id, name, units, long_name) {name, units, long_name, SIM_SHAPE_ENTITY},
static const sim_var pop_vars[PV_COUNT] = {ECO_POP_VARS(ECO_POP_VAR)};
#undef ECO_POP_VAR

int eco_population_describe(sim_catalog *cat)
{
    for (size_t k = 0; k < PV_COUNT; k++) {
        if (sim_catalog_add(cat, &pop_vars[k]) < 0)
            return -1;
    }
    return 0;
}

static void company_values(const eco_company_params *co, double *v)
{
    v[PV_ROLE] = (double)co->role;
    v[PV_PROCESS_CLASS] = (double)co->process_class;
    v[PV_N_ASSETS] = (double)co->n_assets;
    v[PV_OFFERED_LOAD] =
        co->n_assets > 0 ? co->arrival_rate_per_h * co->service_time.mean / co->n_assets : NAN;
    v[PV_W] = co->sharing_willingness;
    v[PV_G] = co->goal_orientation;
    v[PV_RHO0] = co->technical_receptivity;
    v[PV_CHI] = co->customer_centricity;
    v[PV_PI] = co->trust_propensity;
}

void eco_population_collect(const eco_run *run, sim_record *rec)
{
    const sim_catalog *cat = sim_record_catalog(rec);
    double *out[PV_COUNT];
    for (size_t k = 0; k < PV_COUNT; k++) {
        int idx = sim_catalog_find(cat, pop_vars[k].name);
        out[k] = idx >= 0 && sim_catalog_var_size(cat, (size_t)idx) == run->n_companies
                     ? sim_record_values(rec, (size_t)idx)
                     : NULL;
    }
    double v[PV_COUNT];
    for (size_t i = 0; i < run->n_companies; i++) {
        company_values(run->co[i].par, v);
        for (size_t k = 0; k < PV_COUNT; k++) {
            if (out[k] != NULL)
                out[k][i] = v[k];
        }
    }
}
