/*
 * Tests of eco_params: the baseline scenario loads cleanly with SPEC 11's values, role
 * templates fill omitted keys and are written into the tree, derived values are right, and
 * every bad scenario in tests/data/bad/model_*.yaml produces the errors its `# expect:` lines
 * name (the same check the CLI test makes through `ecotwin validate`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecosystem/eco_params.h"
#include "sim_cfg.h"
#include "sim_yaml.h"

static const sim_settings settings = {26280.0, 4380.0, 168.0};

typedef struct loaded {
    sim_cfg *cfg;
    eco_params *p;
} loaded;

/* The keys the runner reads (sim_scenario), so that the unknown-key check here judges only
 * what the model leaves unread. */
static void mark_runner_keys(sim_cfg *cfg)
{
    static const char *const sim_keys[] = {"horizon_h",    "warmup_h",    "sample_interval_h",
                                           "replications", "master_seed", "variants",
                                           "output_file",  "threads",     NULL};
    sim_cfg_node *root = sim_cfg_root(cfg);
    sim_cfg_get(cfg, root, "model");
    sim_cfg_get(cfg, root, "validation");
    sim_cfg_node *sim = sim_cfg_peek(root, "simulation");
    if (sim == NULL || sim_cfg_node_kind(sim) != SIM_CFG_MAP)
        return;
    for (size_t i = 0; sim_keys[i] != NULL; i++)
        sim_cfg_get(cfg, sim, sim_keys[i]);
}

static void read_params(loaded *l, const sim_settings *s)
{
    mark_runner_keys(l->cfg);
    l->p = eco_params_load(l->cfg, sim_cfg_root(l->cfg), s);
    assert_non_null(l->p);
    sim_cfg_check_unknown(l->cfg);
}

static loaded load_text_with(const char *text, const sim_settings *s)
{
    loaded l = {sim_cfg_alloc(), NULL};
    assert_non_null(l.cfg);
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_yaml_load_string(l.cfg, "<string>", text, strlen(text), &err);
    if (st != SIM_OK)
        fail_msg("YAML did not load (%s): %s", sim_status_text(st), err.msg);
    read_params(&l, s);
    return l;
}

static loaded load_text(const char *text)
{
    return load_text_with(text, &settings);
}

static loaded load_file(const char *path)
{
    loaded l = {sim_cfg_alloc(), NULL};
    assert_non_null(l.cfg);
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_yaml_load(l.cfg, path, &err);
    if (st != SIM_OK && st != SIM_INVALID)
        fail_msg("%s did not load (%s): %s", path, sim_status_text(st), err.msg);
    read_params(&l, &settings);
    return l;
}

static void unload(loaded *l)
{
    eco_params_free(l->p);
    sim_cfg_free(l->cfg);
}

static void print_errors(sim_cfg *cfg)
{
    for (size_t i = 0; i < sim_cfg_error_count(cfg); i++)
        print_message("  diagnostic: %s\n", sim_cfg_error_text(cfg, i));
}

static void assert_no_errors(sim_cfg *cfg)
{
    if (sim_cfg_error_count(cfg) != 0) {
        print_errors(cfg);
        fail_msg("expected no diagnostics, got %zu", sim_cfg_error_count(cfg));
    }
}

static int has_error(sim_cfg *cfg, const char *needle)
{
    for (size_t i = 0; i < sim_cfg_error_count(cfg); i++)
        if (strstr(sim_cfg_error_text(cfg, i), needle) != NULL)
            return 1;
    return 0;
}

static void assert_error(sim_cfg *cfg, const char *needle)
{
    if (!has_error(cfg, needle)) {
        print_errors(cfg);
        fail_msg("no diagnostic contains \"%s\"", needle);
    }
}

/* Load a scenario that must fail with needle among its diagnostics. */
static void expect_error(const char *text, const char *needle)
{
    loaded l = load_text(text);
    assert_error(l.cfg, needle);
    unload(&l);
}

static char *data_path(const char *rel)
{
    const char *dir = getenv("ECOTWIN_TEST_DATA");
    if (dir == NULL)
        fail_msg("ECOTWIN_TEST_DATA is not set (run through ctest)");
    size_t len = strlen(dir) + strlen(rel) + 2;
    char *path = malloc(len);
    assert_non_null(path);
    snprintf(path, len, "%s/%s", dir, rel);
    return path;
}

#define assert_near(a, b, tol)                                                                     \
    do {                                                                                           \
        double a_ = (a), b_ = (b);                                                                 \
        if (!(fabs(a_ - b_) <= (tol)))                                                             \
            fail_msg("%s = %.10g, expected %.10g (tolerance %g)", #a, a_, b_, (double)(tol));      \
    } while (0)

static void assert_dist(const sim_dist *d, sim_dist_kind kind, double mean, double cv)
{
    assert_int_equal(d->kind, kind);
    assert_near(d->mean, mean, 1e-12);
    assert_near(d->cv, cv, 1e-12);
}

static const eco_company_params *find_company(const eco_params *p, const char *name)
{
    for (size_t i = 0; i < p->n_companies; i++)
        if (strcmp(p->companies[i].name, name) == 0)
            return &p->companies[i];
    fail_msg("no company named %s", name);
    return NULL;
}

static void assert_knowledge(const eco_company_params *c, double a, double an, double s, double cu)
{
    assert_near(c->knowledge[0], a, 1e-12);
    assert_near(c->knowledge[1], an, 1e-12);
    assert_near(c->knowledge[2], s, 1e-12);
    assert_near(c->knowledge[3], cu, 1e-12);
}

static void assert_attributes(const eco_company_params *c, double w, double g, double rho,
                              double chi, double pi)
{
    assert_near(c->sharing_willingness, w, 1e-12);
    assert_near(c->goal_orientation, g, 1e-12);
    assert_near(c->technical_receptivity, rho, 1e-12);
    assert_near(c->customer_centricity, chi, 1e-12);
    assert_near(c->trust_propensity, pi, 1e-12);
}

/* ---- the baseline scenario ---- */

static loaded load_baseline(void)
{
    char *path = data_path("../../scenarios/baseline.yaml");
    loaded l = load_file(path);
    free(path);
    return l;
}

static void test_baseline_is_clean(void **state)
{
    (void)state;
    loaded l = load_baseline();
    assert_no_errors(l.cfg);
    assert_int_equal(l.p->n_companies, 6);
    assert_int_equal(l.p->n_assets_total, 4 + 3 + 0 + 0 + 5 + 5);
    assert_int_equal(l.p->n_unstable, 0);
    assert_near(l.p->z_q, 1.6449, 1e-4);
    assert_near(l.p->edge_window_h, 720.0, 0);
    assert_near(l.p->formation.lcc_fraction, 0.5, 0);
    assert_near(l.p->formation.min_share, 0.3, 0);
    assert_near(l.p->formation.min_trust, 0.5, 0);
    assert_near(l.p->formation.hold_h, 2160.0, 0);
    unload(&l);
}

static void test_baseline_sections(void **state)
{
    (void)state;
    loaded l = load_baseline();
    const eco_mechanisms *m = &l.p->mechanisms;
    int on = m->failures + m->twins + m->sharing + m->colearning + m->opportunities +
             m->coalitions + m->overflow + m->contracts + m->trust_dynamics;
    assert_int_equal(on, 9);
    assert_int_equal(m->goal_alignment, 0);
    const eco_maintenance *mt = &l.p->maintenance;
    assert_int_equal(mt->aging_clock, ECO_AGING_BUSY);
    assert_int_equal(mt->repair_mode, ECO_REPAIR_PERFECT);
    assert_int_equal(mt->crew_priority, ECO_CREW_CORRECTIVE_FIRST);
    assert_int_equal(mt->pm_policy, ECO_PM_RISK_QUANTILE);
    assert_near(mt->cost_corrective_eur, 2000, 0);
    assert_near(mt->cost_pm_eur, 500, 0);
    assert_near(mt->downtime_cost_eur_per_h, 300, 0);
    assert_near(mt->planned_downtime_cost_eur_per_h, 100, 0);
    assert_near(mt->record_weight_failure, 1.0, 0);
    assert_near(mt->record_weight_pm, 0.5, 0);
    assert_near(mt->pm_risk_target, 0.05, 0);
    assert_near(mt->pm_fixed_fraction, 0.8, 0);
    assert_near(mt->twin_sigma_use_max, 0.35, 0);
    const eco_prediction *pr = &l.p->prediction;
    assert_near(pr->sigma_irreducible, 0.05, 0);
    assert_near(pr->sigma_ref, 0.35, 0);
    assert_near(pr->data_ref_records, 50, 0);
    assert_near(pr->data_exponent, 0.30, 0);
    assert_near(pr->prior_records, 5, 0);
    assert_near(pr->analytics_knowledge_gain, 0.5, 0);
    assert_near(pr->sigma_max, 1.5, 0);
    assert_near(pr->pool_relevance, 0.7, 0);
    assert_near(pr->client_data_relevance, 0.8, 0);
    assert_near(pr->nonowner_access, 0.5, 0);
    unload(&l);
}

static void test_baseline_oem(void **state)
{
    (void)state;
    loaded l = load_baseline();
    const eco_company_params *c = find_company(l.p, "oem");
    assert_int_equal(c->role, ECO_ROLE_OEM);
    assert_int_equal(c->process_class, 1);
    assert_int_equal(c->n_assets, 4);
    assert_int_equal(c->n_crews, 2);
    assert_int_equal(c->max_projects, 2);
    assert_int_equal(c->queue_capacity, -1);
    assert_near(c->arrival_rate_per_h, 1.5, 0);
    assert_dist(&c->service_time, SIM_DIST_LOGNORMAL, 2.0, 0.5);
    assert_dist(&c->crew_response, SIM_DIST_EXP, 4.0, 1.0);
    assert_dist(&c->repair_time, SIM_DIST_LOGNORMAL, 8.0, 0.6);
    assert_dist(&c->pm_time, SIM_DIST_LOGNORMAL, 3.0, 0.4);
    assert_near(c->order_margin_eur, 150, 0);
    assert_near(c->due_allowance_h, 8, 0);
    assert_near(c->tardiness_penalty_eur_per_h, 20, 0);
    assert_near(c->twin_share, 0.5, 0);
    assert_near(c->shadow_share, 0.25, 0);
    assert_near(c->weibull_shape, 2.0, 0);
    assert_near(c->weibull_scale_h, 300, 0);
    assert_near(c->non_twin_pm_age_h, 180, 0);
    assert_attributes(c, 0.5, 0.7, 0.6, 0.5, 0.5);
    assert_knowledge(c, 2.0, 0.8, 1.0, 1.0);
    assert_int_equal(c->has_goal_vector, 0);
    assert_near(c->initial_records, 0, 0);
    assert_near(c->initial_share_level, 0, 0);
    assert_near(c->offered_load, 0.75, 1e-12);
    assert_int_equal(c->unstable, 0);
    unload(&l);
}

/* The supplier's entry sets no specs: they come from the oem base of its template. */
static void test_baseline_supplier_inherits(void **state)
{
    (void)state;
    loaded l = load_baseline();
    const eco_company_params *c = find_company(l.p, "supplier");
    assert_int_equal(c->role, ECO_ROLE_SUPPLIER);
    assert_int_equal(c->process_class, 2);
    assert_int_equal(c->n_assets, 3);
    assert_int_equal(c->n_crews, 1);
    assert_int_equal(c->max_projects, 2);
    assert_near(c->arrival_rate_per_h, 1.125, 0);
    assert_dist(&c->service_time, SIM_DIST_LOGNORMAL, 2.0, 0.5);
    assert_dist(&c->crew_response, SIM_DIST_EXP, 4.0, 1.0);
    assert_dist(&c->repair_time, SIM_DIST_LOGNORMAL, 8.0, 0.6);
    assert_near(c->twin_share, 0.2, 0);
    assert_near(c->shadow_share, 0.2, 0);
    assert_near(c->weibull_scale_h, 300, 0);
    assert_near(c->due_allowance_h, 8, 0);
    assert_attributes(c, 0.4, 0.4, 0.4, 0.4, 0.5);
    assert_knowledge(c, 1.5, 0.4, 0.4, 0.6);
    assert_near(c->offered_load, 0.75, 1e-12);
    unload(&l);
}

static void test_baseline_platform_service(void **state)
{
    (void)state;
    loaded l = load_baseline();
    const eco_company_params *pl = find_company(l.p, "platform");
    assert_int_equal(pl->role, ECO_ROLE_PLATFORM);
    assert_int_equal(pl->process_class, -1);
    assert_int_equal(pl->n_assets, 0);
    assert_int_equal(pl->n_crews, 0);
    assert_int_equal(pl->max_projects, 3);
    assert_near(pl->offered_load, 0, 0);
    assert_attributes(pl, 0.8, 0.8, 0.9, 0.5, 0.5);
    assert_knowledge(pl, 0.5, 2.0, 0.6, 0.6);
    const eco_company_params *sv = find_company(l.p, "service");
    assert_int_equal(sv->role, ECO_ROLE_SERVICE);
    assert_int_equal(sv->n_assets, 0);
    assert_int_equal(sv->n_crews, 4);
    assert_dist(&sv->crew_response, SIM_DIST_EXP, 2.0, 1.0);
    assert_dist(&sv->repair_time, SIM_DIST_LOGNORMAL, 6.0, 0.5);
    assert_dist(&sv->pm_time, SIM_DIST_LOGNORMAL, 3.0, 0.4);
    assert_attributes(sv, 0.6, 0.7, 0.7, 0.7, 0.5);
    assert_knowledge(sv, 1.2, 1.2, 1.8, 1.0);
    unload(&l);
}

static void test_baseline_utilizers(void **state)
{
    (void)state;
    loaded l = load_baseline();
    const eco_company_params *a = find_company(l.p, "util_a");
    const eco_company_params *b = find_company(l.p, "util_b");
    assert_int_equal(a->role, ECO_ROLE_UTILIZER);
    assert_int_equal(b->role, ECO_ROLE_UTILIZER);
    assert_int_equal(a->process_class, 3);
    assert_int_equal(a->n_assets, 5);
    assert_int_equal(a->n_crews, 1);
    assert_near(a->arrival_rate_per_h, 1.875, 0);
    assert_near(a->twin_share, 0.4, 0);
    assert_attributes(a, 0.4, 0.5, 0.5, 0.6, 0.5);
    assert_attributes(b, 0.3, 0.4, 0.4, 0.4, 0.5);
    assert_knowledge(b, 1.0, 0.5, 0.3, 1.2);
    assert_near(b->offered_load, 0.75, 1e-12);
    unload(&l);
}

/* ---- role templates ---- */

static const char templates_yaml[] = "companies:\n"
                                     "  - {name: o}\n"
                                     "  - {name: s, role: supplier}\n"
                                     "  - {name: p, role: platform}\n"
                                     "  - {name: v, role: service}\n"
                                     "  - {name: u, role: utilizer}\n";

static void assert_same_company(const eco_company_params *c, const eco_company_params *t)
{
    assert_int_equal(c->role, t->role);
    assert_int_equal(c->process_class, t->process_class);
    assert_int_equal(c->n_assets, t->n_assets);
    assert_int_equal(c->n_crews, t->n_crews);
    assert_int_equal(c->max_projects, t->max_projects);
    assert_int_equal(c->queue_capacity, t->queue_capacity);
    assert_near(c->arrival_rate_per_h, t->arrival_rate_per_h, 0);
    assert_dist(&c->service_time, t->service_time.kind, t->service_time.mean, t->service_time.cv);
    assert_dist(&c->crew_response, t->crew_response.kind, t->crew_response.mean,
                t->crew_response.cv);
    assert_dist(&c->repair_time, t->repair_time.kind, t->repair_time.mean, t->repair_time.cv);
    assert_dist(&c->pm_time, t->pm_time.kind, t->pm_time.mean, t->pm_time.cv);
    assert_near(c->order_margin_eur, t->order_margin_eur, 0);
    assert_near(c->due_allowance_h, t->due_allowance_h, 0);
    assert_near(c->tardiness_penalty_eur_per_h, t->tardiness_penalty_eur_per_h, 0);
    assert_near(c->twin_share, t->twin_share, 0);
    assert_near(c->shadow_share, t->shadow_share, 0);
    assert_near(c->weibull_shape, t->weibull_shape, 0);
    assert_near(c->weibull_scale_h, t->weibull_scale_h, 0);
    assert_near(c->non_twin_pm_age_h, t->non_twin_pm_age_h, 0);
    assert_attributes(c, t->sharing_willingness, t->goal_orientation, t->technical_receptivity,
                      t->customer_centricity, t->trust_propensity);
    assert_knowledge(c, t->knowledge[0], t->knowledge[1], t->knowledge[2], t->knowledge[3]);
    assert_int_equal(c->has_goal_vector, 0);
    assert_near(c->initial_records, t->initial_records, 0);
    assert_near(c->initial_share_level, t->initial_share_level, 0);
}

static void test_role_templates_fill_omitted_keys(void **state)
{
    (void)state;
    loaded l = load_text(templates_yaml);
    assert_no_errors(l.cfg);
    assert_int_equal(l.p->n_companies, ECO_ROLE_COUNT);
    for (int r = 0; r < ECO_ROLE_COUNT; r++) {
        eco_company_params t;
        eco_role_template((eco_role)r, &t);
        assert_same_company(&l.p->companies[r], &t);
    }
    /* Spot values straight from SPEC 11, so a template cannot drift unnoticed. */
    assert_dist(&l.p->companies[1].service_time, SIM_DIST_LOGNORMAL, 2.0, 0.5);
    assert_dist(&l.p->companies[3].crew_response, SIM_DIST_EXP, 2.0, 1.0);
    assert_dist(&l.p->companies[3].repair_time, SIM_DIST_LOGNORMAL, 6.0, 0.5);
    assert_int_equal(l.p->companies[3].n_crews, 4);
    assert_near(l.p->companies[4].arrival_rate_per_h, 1.875, 0);
    assert_int_equal(l.p->companies[2].max_projects, 3);
    assert_int_equal(l.p->n_assets_total, 4 + 3 + 0 + 0 + 5);
    unload(&l);
}

static void test_role_names(void **state)
{
    (void)state;
    assert_string_equal(eco_role_name(ECO_ROLE_OEM), "oem");
    assert_string_equal(eco_role_name(ECO_ROLE_SUPPLIER), "supplier");
    assert_string_equal(eco_role_name(ECO_ROLE_PLATFORM), "platform");
    assert_string_equal(eco_role_name(ECO_ROLE_SERVICE), "service");
    assert_string_equal(eco_role_name(ECO_ROLE_UTILIZER), "utilizer");
    assert_string_equal(eco_role_name(ECO_ROLE_COUNT), "unknown");
    eco_company_params t;
    eco_role_template(ECO_ROLE_COUNT, &t); /* out of range: the oem base */
    assert_int_equal(t.role, ECO_ROLE_OEM);
    assert_int_equal(t.n_assets, 4);
}

static const char *scalar_at(const sim_cfg_node *map, const char *key)
{
    const sim_cfg_node *n = sim_cfg_peek(map, key);
    if (n == NULL)
        fail_msg("key %s was not inserted", key);
    return sim_cfg_scalar_text(n);
}

/* Omitted keys are written into the tree with the template's values, so the resolved
 * scenario shows what a run uses. */
static void test_defaults_are_inserted(void **state)
{
    (void)state;
    loaded l = load_text(templates_yaml);
    sim_cfg_node *list = sim_cfg_peek(sim_cfg_root(l.cfg), "companies");
    sim_cfg_node *supplier = sim_cfg_at(list, 1);
    assert_string_equal(scalar_at(supplier, "n_assets"), "3");
    assert_string_equal(scalar_at(supplier, "arrival_rate_per_h"), "1.125");
    assert_true(sim_cfg_node_is_default(sim_cfg_peek(supplier, "n_assets")));
    sim_cfg_node *spec = sim_cfg_peek(supplier, "service_time");
    assert_non_null(spec);
    assert_int_equal(sim_cfg_node_kind(spec), SIM_CFG_MAP);
    assert_string_equal(scalar_at(spec, "dist"), "lognormal");
    assert_string_equal(scalar_at(spec, "mean_h"), "2");
    assert_string_equal(scalar_at(spec, "cv"), "0.5");
    sim_cfg_node *resp = sim_cfg_peek(supplier, "crew_response");
    assert_string_equal(scalar_at(resp, "dist"), "exp");
    assert_null(sim_cfg_peek(resp, "cv")); /* exp has no cv to show */
    sim_cfg_node *k = sim_cfg_peek(supplier, "knowledge");
    assert_int_equal(sim_cfg_node_kind(k), SIM_CFG_LIST);
    assert_int_equal(sim_cfg_len(k), 4);
    assert_string_equal(sim_cfg_scalar_text(sim_cfg_at(k, 0)), "1.5");
    assert_string_equal(sim_cfg_scalar_text(sim_cfg_at(k, 3)), "0.6");
    assert_int_equal(sim_cfg_node_kind(sim_cfg_peek(supplier, "goal_vector")), SIM_CFG_NULL);
    sim_cfg_node *oem = sim_cfg_at(list, 0);
    assert_string_equal(scalar_at(oem, "role"), "oem");
    sim_cfg_node *maint = sim_cfg_peek(sim_cfg_root(l.cfg), "maintenance");
    assert_string_equal(scalar_at(maint, "pm_policy"), "risk_quantile");
    unload(&l);
}

/* The resolved tree, emitted and read again, gives the same parameters and no errors. */
static void test_resolved_tree_round_trips(void **state)
{
    (void)state;
    loaded a = load_text(templates_yaml);
    char *text = NULL;
    assert_int_equal(sim_yaml_emit(sim_cfg_root(a.cfg), &text), SIM_OK);
    loaded b = load_text(text);
    assert_no_errors(b.cfg);
    assert_int_equal(b.p->n_companies, a.p->n_companies);
    for (size_t i = 0; i < a.p->n_companies; i++) {
        assert_same_company(&b.p->companies[i], &a.p->companies[i]);
        assert_string_equal(b.p->companies[i].name, a.p->companies[i].name);
    }
    assert_near(b.p->z_q, a.p->z_q, 0);
    free(text);
    unload(&a);
    unload(&b);
}

/* ---- single rules and derived values ---- */

static void test_written_spec_defaults(void **state)
{
    (void)state;
    loaded l = load_text("companies:\n"
                         "  - name: x\n"
                         "    service_time: {dist: gamma, mean_h: 1.5}\n"
                         "    repair_time: {dist: lognormal, mean_h: 9}\n"
                         "    crew_response: {dist: exp, mean_h: 3, cv: 1}\n"
                         "    pm_time: {dist: det, mean_h: 0, cv: 0}\n");
    assert_no_errors(l.cfg);
    const eco_company_params *c = &l.p->companies[0];
    assert_dist(&c->service_time, SIM_DIST_GAMMA, 1.5, 0.5);
    assert_dist(&c->repair_time, SIM_DIST_LOGNORMAL, 9.0, 0.5); /* not the template's 0.6 */
    assert_dist(&c->crew_response, SIM_DIST_EXP, 3.0, 1.0);
    assert_dist(&c->pm_time, SIM_DIST_DET, 0.0, 0.0);
    unload(&l);
}

static void test_spec_null_takes_template(void **state)
{
    (void)state;
    loaded l = load_text("companies:\n  - {name: x, role: service, crew_response: null}\n");
    assert_no_errors(l.cfg);
    assert_dist(&l.p->companies[0].crew_response, SIM_DIST_EXP, 2.0, 1.0);
    unload(&l);
    expect_error("companies:\n  - {name: x, service_time: 2}\n",
                 "companies[0].service_time: must be a map");
    expect_error("companies:\n  - {name: x, pm_time: {dist: exp, mean_h: 0}}\n",
                 "companies[0].pm_time.mean_h: must be a number in (0, inf)");
}

static void test_goal_vector_given(void **state)
{
    (void)state;
    loaded l = load_text("companies:\n  - {name: x, goal_vector: [1, -0.5, 0]}\n");
    assert_no_errors(l.cfg);
    const eco_company_params *c = &l.p->companies[0];
    assert_int_equal(c->has_goal_vector, 1);
    assert_int_equal(c->goal_vector_len, 3);
    assert_near(c->goal_vector[0], 1.0, 0);
    assert_near(c->goal_vector[1], -0.5, 0);
    assert_near(c->goal_vector[2], 0.0, 0);
    unload(&l);
    expect_error("companies:\n  - {name: x, goal_vector: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "
                 "1, 1, 1, 1]}\n",
                 "companies[0].goal_vector: expected null or a list of 1 to 16 numbers");
}

static void test_knowledge_null_and_wrong_type(void **state)
{
    (void)state;
    loaded l = load_text("companies:\n  - {name: x, role: platform, knowledge: null}\n");
    assert_no_errors(l.cfg);
    assert_knowledge(&l.p->companies[0], 0.5, 2.0, 0.6, 0.6);
    unload(&l);
    expect_error("companies:\n  - {name: x, knowledge: 2}\n",
                 "companies[0].knowledge: must be a list");
}

/* lambda E[S] / c >= 0.95 with an unlimited buffer is flagged, not rejected (SPEC 5). */
static void test_unstable_companies_are_flagged(void **state)
{
    (void)state;
    loaded l = load_text("companies:\n"
                         "  - {name: full, n_assets: 1, arrival_rate_per_h: 0.5,\n"
                         "     service_time: {dist: exp, mean_h: 2}}\n"
                         "  - {name: capped, n_assets: 1, arrival_rate_per_h: 0.5,\n"
                         "     service_time: {dist: exp, mean_h: 2}, queue_capacity: 10}\n"
                         "  - {name: below, n_assets: 2, arrival_rate_per_h: 0.9,\n"
                         "     service_time: {dist: det, mean_h: 2}}\n");
    assert_no_errors(l.cfg);
    assert_int_equal(l.p->n_unstable, 1);
    assert_near(l.p->companies[0].offered_load, 1.0, 1e-12);
    assert_int_equal(l.p->companies[0].unstable, 1);
    assert_int_equal(l.p->companies[1].unstable, 0);
    assert_near(l.p->companies[2].offered_load, 0.9, 1e-12);
    assert_int_equal(l.p->companies[2].unstable, 0);
    unload(&l);
}

static void test_rules_placed_at_written_key(void **state)
{
    (void)state;
    /* shadow_share comes from the template: the error names and places twin_share. */
    expect_error("companies:\n  - {name: x, twin_share: 0.9}\n",
                 "<string>:2:27: companies[0].twin_share: twin_share + shadow_share = 1.15 "
                 "exceeds 1");
    /* n_crews from the template (platform: 0), n_assets written. */
    expect_error("companies:\n  - {name: x, role: platform, n_assets: 1}\n",
                 "<string>:2:41: companies[0].n_assets: 1 assets fail");
    /* sigma_max is the default: the error is placed at sigma_irreducible. */
    expect_error("prediction: {sigma_irreducible: 1.0, sigma_max: 1.0}\n"
                 "companies: [{name: x}]\n",
                 "prediction.sigma_max: sigma_max (1) must be greater than sigma_irreducible (1)");
}

static void test_name_null_or_not_a_string(void **state)
{
    (void)state;
    expect_error("companies:\n  - {name: null, role: utilizer}\n",
                 "<string>:2:12: companies[0]: missing required key 'name'");
    expect_error("companies:\n  - {name: [a], role: utilizer}\n",
                 "companies[0].name: must be a string, got a list");
}

static void test_failures_off_needs_no_crews(void **state)
{
    (void)state;
    loaded l = load_text("mechanisms: {failures: false}\n"
                         "companies: [{name: x, n_assets: 2, n_crews: 0}]\n");
    assert_no_errors(l.cfg);
    assert_int_equal(l.p->mechanisms.failures, 0);
    assert_int_equal(l.p->companies[0].n_crews, 0);
    unload(&l);
}

static void test_companies_missing_null_or_wrong(void **state)
{
    (void)state;
    expect_error("companies:\n", "<string>:1:11: companies: at least one company is required");
    expect_error("companies: 3\n", "companies: must be a list, got \"3\"");
    loaded l = load_text("companies: 3\n");
    assert_int_equal(l.p->n_companies, 0);
    assert_null(l.p->companies);
    unload(&l);
}

static void test_edge_window_follows_horizon(void **state)
{
    (void)state;
    const sim_settings short_run = {100.0, 10.0, 10.0};
    loaded l = load_text_with("companies: [{name: x}]\n", &short_run);
    assert_no_errors(l.cfg);
    assert_near(l.p->edge_window_h, 100.0, 0);
    unload(&l);
    l = load_text_with("simulation: {edge_window_h: 200}\ncompanies: [{name: x}]\n", &short_run);
    assert_error(l.cfg, "simulation.edge_window_h: must be a number in (0, 100]");
    unload(&l);
    l = load_text_with("companies: [{name: x}]\n", NULL);
    assert_no_errors(l.cfg);
    assert_near(l.p->edge_window_h, 720.0, 0);
    unload(&l);
}

static void test_maintenance_options(void **state)
{
    (void)state;
    loaded l = load_text("maintenance: {aging_clock: calendar, repair_mode: minimal,\n"
                         "  crew_priority: fifo, pm_policy: fixed_fraction, pm_risk_target: 0.5}\n"
                         "companies: [{name: x}]\n");
    assert_no_errors(l.cfg);
    assert_int_equal(l.p->maintenance.aging_clock, ECO_AGING_CALENDAR);
    assert_int_equal(l.p->maintenance.repair_mode, ECO_REPAIR_MINIMAL);
    assert_int_equal(l.p->maintenance.crew_priority, ECO_CREW_FIFO);
    assert_int_equal(l.p->maintenance.pm_policy, ECO_PM_FIXED_FRACTION);
    assert_near(l.p->z_q, 0.0, 1e-12);
    unload(&l);
}

/* A list longer than ECO_MAX_COMPANIES is refused before anything is sized by it. */
static void test_too_many_companies(void **state)
{
    (void)state;
    sim_cfg *cfg = sim_cfg_alloc();
    assert_non_null(cfg);
    sim_cfg_mark mark = {"built", 1, 1};
    sim_cfg_node *root = sim_cfg_new_map(cfg, mark);
    sim_cfg_node *list = sim_cfg_new_list(cfg, mark);
    assert_non_null(root);
    assert_non_null(list);
    for (size_t i = 0; i <= ECO_MAX_COMPANIES; i++)
        assert_int_equal(sim_cfg_list_append(cfg, list, sim_cfg_new_null(cfg, mark)), SIM_OK);
    assert_int_equal(sim_cfg_map_put(cfg, root, "companies", mark, list), SIM_OK);
    sim_cfg_set_root(cfg, root);
    eco_params *p = eco_params_load(cfg, root, &settings);
    assert_non_null(p);
    assert_error(cfg, "companies: 5001 companies; at most 5000 are allowed");
    assert_int_equal(p->n_companies, 0);
    eco_params_free(p);
    sim_cfg_free(cfg);
}

static void test_free_null(void **state)
{
    (void)state;
    eco_params_free(NULL);
}

/* ---- the bad-scenario corpus ---- */

#define EXPECT_PREFIX "# expect: "
#define MAX_EXPECT    16

/* Read the `# expect:` lines of a file; returns how many (at most MAX_EXPECT). */
static size_t read_expects(const char *path, char expect[][512])
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    size_t n = 0;
    char line[512];
    while (n < MAX_EXPECT && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, EXPECT_PREFIX, strlen(EXPECT_PREFIX)) != 0)
            continue;
        snprintf(expect[n], 512, "%s", line + strlen(EXPECT_PREFIX));
        expect[n][strcspn(expect[n], "\r\n")] = '\0';
        n++;
    }
    fclose(f);
    return n;
}

/* Returns the number of expectations that failed (printing each). */
static int check_bad_file(const char *path)
{
    char expect[MAX_EXPECT][512];
    size_t n = read_expects(path, expect);
    if (n == 0) {
        print_message("%s: no '# expect:' line\n", path);
        return 1;
    }
    loaded l = load_file(path);
    int failed = 0;
    if (sim_cfg_error_count(l.cfg) == 0) {
        print_message("%s: loaded without diagnostics\n", path);
        failed++;
    }
    for (size_t i = 0; i < n; i++) {
        if (has_error(l.cfg, expect[i]))
            continue;
        print_message("%s: no diagnostic contains \"%s\"\n", path, expect[i]);
        failed++;
    }
    if (failed)
        print_errors(l.cfg);
    unload(&l);
    return failed;
}

static void test_bad_corpus(void **state)
{
    (void)state;
    char *dir_path = data_path("bad");
    DIR *dir = opendir(dir_path);
    if (dir == NULL)
        fail_msg("cannot open %s", dir_path);
    int failed = 0, files = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "model_", 6) != 0 || len < 5 ||
            strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir_path, e->d_name);
        failed += check_bad_file(path);
        files++;
    }
    closedir(dir);
    free(dir_path);
    assert_true(files >= 15);
    if (failed)
        fail_msg("%d expectation(s) failed in %d corpus files", failed, files);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline_is_clean),
        cmocka_unit_test(test_baseline_sections),
        cmocka_unit_test(test_baseline_oem),
        cmocka_unit_test(test_baseline_supplier_inherits),
        cmocka_unit_test(test_baseline_platform_service),
        cmocka_unit_test(test_baseline_utilizers),
        cmocka_unit_test(test_role_templates_fill_omitted_keys),
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_defaults_are_inserted),
        cmocka_unit_test(test_resolved_tree_round_trips),
        cmocka_unit_test(test_written_spec_defaults),
        cmocka_unit_test(test_spec_null_takes_template),
        cmocka_unit_test(test_goal_vector_given),
        cmocka_unit_test(test_knowledge_null_and_wrong_type),
        cmocka_unit_test(test_unstable_companies_are_flagged),
        cmocka_unit_test(test_rules_placed_at_written_key),
        cmocka_unit_test(test_name_null_or_not_a_string),
        cmocka_unit_test(test_failures_off_needs_no_crews),
        cmocka_unit_test(test_companies_missing_null_or_wrong),
        cmocka_unit_test(test_edge_window_follows_horizon),
        cmocka_unit_test(test_maintenance_options),
        cmocka_unit_test(test_too_many_companies),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_bad_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
