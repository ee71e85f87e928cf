/*
 * Tests of the generated population (eco_population.c): the schema and its errors, names and
 * the resolved tree, attribute means and role frequencies against their distributions
 * (confidence intervals over many companies), draws per replication (reproducible, distinct
 * across replications, common to the variants of one replication), target_load and the
 * per-company attribute outputs of explicit companies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eco_params.h"
#include "test_eco_runs.h"

/* Every mechanism off and no failures: the runs only draw the population and take orders. */
#define QUIET                                                                                      \
    "mechanisms: {failures: false, twins: false, sharing: false, colearning: false,\n"             \
    "             opportunities: false, coalitions: false, overflow: false, contracts: false,\n"   \
    "             trust_dynamics: false}\n"

static void expect_in(const char *all, const char *want)
{
    if (strstr(all, want) == NULL)
        fail_msg("diagnostics lack \"%s\"; they are:\n%s", want, all);
}

static void expect_error(const char *yaml, const char *want)
{
    char *all = tr_diagnostics(yaml);
    expect_in(all, want);
    free(all);
}

/* Roles in the order of eco_role. */
static const char *const roles[ECO_ROLE_COUNT] = {"oem", "supplier", "platform", "service",
                                                  "utilizer"};

static const eco_params *params_of(const sim_scenario *sc)
{
    return sc->params;
}

/* ---- schema ---- */

static void test_defaults_and_names(void **state)
{
    (void)state;
    sim_scenario *sc = tr_open("simulation: {horizon_h: 1000, warmup_h: 0, replications: 1}\n"
                               "population: {n_companies: 12}\n");
    const eco_params *p = params_of(sc);
    assert_true(p->population.generated);
    assert_int_equal(p->n_companies, 12);
    assert_string_equal(p->companies[0].name, "c000");
    assert_string_equal(p->companies[11].name, "c011");
    double sum = 0.0;
    for (int r = 0; r < ECO_ROLE_COUNT; r++)
        sum += p->population.role_weights[r];
    assert_float_equal(sum, 1.0, 1e-12);
    assert_float_equal(p->population.role_weights[ECO_ROLE_UTILIZER], 0.45, 1e-12);
    assert_float_equal(p->population.target_load, 0.75, 0.0);
    assert_int_equal(p->population.process_classes, 3);
    /* The SPEC's rates are those of load 0.75, so the templates keep them. */
    assert_float_equal(p->population.role_templates[ECO_ROLE_OEM].arrival_rate_per_h, 1.5, 1e-12);
    assert_float_equal(p->population.role_templates[ECO_ROLE_UTILIZER].arrival_rate_per_h, 1.875,
                       1e-12);
    /* Upper bound of assets: 12 companies of at most 5 (utilizer). */
    assert_int_equal(p->population.max_assets, 5);
    assert_int_equal(p->n_assets_total, 60);
    /* The resolved scenario shows the template values and the rate target_load gives. */
    assert_non_null(strstr(sc->resolved_yaml, "role_templates"));
    assert_non_null(strstr(sc->resolved_yaml, "concentration"));
    sim_scenario_free(sc);

    sc = tr_open("simulation: {horizon_h: 1000, warmup_h: 0, replications: 1}\n"
                 "population:\n"
                 "  n_companies: 1000\n"
                 "  target_load: 0.5\n"
                 "  role_weights: {oem: 1, utilizer: 3}\n");
    p = params_of(sc);
    assert_string_equal(p->companies[999].name, "c999");
    assert_float_equal(p->population.role_weights[ECO_ROLE_OEM], 0.25, 1e-12);
    assert_float_equal(p->population.role_weights[ECO_ROLE_SUPPLIER], 0.0, 0.0);
    assert_float_equal(p->population.role_templates[ECO_ROLE_OEM].arrival_rate_per_h, 1.0, 1e-12);
    /* The nominal companies take the likeliest role's template. */
    assert_int_equal(p->companies[0].role, ECO_ROLE_UTILIZER);
    sim_scenario_free(sc);

    /* companies: null leaves the population (a scenario extending one with companies). */
    sc = tr_open("simulation: {horizon_h: 1000, warmup_h: 0, replications: 1}\n"
                 "companies: null\n"
                 "population: {n_companies: 1001, role_weights: {platform: 1}}\n");
    assert_string_equal(params_of(sc)->companies[1000].name, "c1000");
    assert_int_equal(params_of(sc)->n_assets_total, 0);
    sim_scenario_free(sc);
}

static void test_role_templates(void **state)
{
    (void)state;
    sim_scenario *sc = tr_open(
        "simulation: {horizon_h: 1000, warmup_h: 0, replications: 1}\n"
        "population:\n"
        "  n_companies: 4\n"
        "  target_load: 0.6\n"
        "  role_weights: {oem: 1, service: 1}\n"
        "  role_templates:\n"
        "    oem: {n_assets: 10, service_time: {dist: exp, mean_h: 4.0}, knowledge: [1, 2, 3, 4]}\n"
        "    service: {n_crews: 7, arrival_rate_per_h: 0}\n"
        "    utilizer: {arrival_rate_per_h: 2.5}\n");
    const eco_population *pop = &params_of(sc)->population;
    const eco_company_params *oem = &pop->role_templates[ECO_ROLE_OEM];
    assert_int_equal(oem->n_assets, 10);
    assert_float_equal(oem->arrival_rate_per_h, 0.6 * 10 / 4.0, 1e-12);
    assert_float_equal(oem->offered_load, 0.6, 1e-12);
    assert_float_equal(oem->knowledge[3], 4.0, 0.0);
    assert_int_equal(pop->role_templates[ECO_ROLE_SERVICE].n_crews, 7);
    /* A rate written in a template is kept; zero-weight roles may still be written. */
    assert_true(pop->fixed_arrival[ECO_ROLE_UTILIZER]);
    assert_float_equal(pop->role_templates[ECO_ROLE_UTILIZER].arrival_rate_per_h, 2.5, 0.0);
    assert_int_equal(pop->max_assets, 10);
    sim_scenario_free(sc);
}

static void test_schema_errors(void **state)
{
    (void)state;
    const char *head = "simulation: {horizon_h: 1000, warmup_h: 0, replications: 1}\n";
    char yaml[2048];
    snprintf(yaml, sizeof yaml, "%s%s", head,
             "companies: [{name: a, role: oem}]\npopulation: {n_companies: 3}\n");
    expect_error(yaml, "<test>:3:1: population: give either companies: or population:, not both "
                       "(companies: at line 2)");
    snprintf(yaml, sizeof yaml, "%s%s", head,
             "population: {n_companies: 3}\ncompanies: [{name: a, role: oem}]\n");
    expect_error(yaml, "<test>:3:1: companies: give either companies: or population:, not both "
                       "(population: at line 2)");
    snprintf(yaml, sizeof yaml, "%s%s", head, "population: null\n");
    expect_error(yaml, "companies: at least one company is required (or a population:)");
    snprintf(yaml, sizeof yaml, "%s%s", head,
             "population: {role_weights: {oem: 0, utilizer: 0}}\n");
    expect_error(yaml, "population.role_weights: the weights sum to 0");
    snprintf(yaml, sizeof yaml, "%s%s", head, "population: {role_weights: {oem: -1}}\n");
    expect_error(yaml, "population.role_weights.oem: must be a number in [0, 1e+06]");
    snprintf(yaml, sizeof yaml, "%s%s", head,
             "population:\n  attributes: {goal_orientation: {mean: 1.0}}\n");
    expect_error(yaml, "population.attributes.goal_orientation.mean: must be a number in (0, 1)");
    snprintf(yaml, sizeof yaml, "%s%s", head,
             "population:\n  attributes: {trust_propensity: {concentration: 0}}\n");
    expect_error(yaml, "population.attributes.trust_propensity.concentration: must be a number");
    snprintf(yaml, sizeof yaml, "%s%s", head,
             "population:\n  role_templates: {oem: {sharing_willingness: 0.9}}\n");
    expect_error(yaml, "<test>:3:47: population.role_templates.oem.sharing_willingness: generated "
                       "companies draw it; set population.attributes.sharing_willingness instead");
    snprintf(yaml, sizeof yaml, "%s%s", head,
             "population:\n  role_templates: {oem: {name: x, n_asets: 3}}\n");
    expect_error(yaml, "population.role_templates.oem.name: unknown key");
    expect_error(yaml, "population.role_templates.oem.n_asets: unknown key; did you mean");
    snprintf(yaml, sizeof yaml, "%s%s", head,
             "population:\n  role_templates: {utilizer: {twin_share: 0.9, shadow_share: 0.5}}\n");
    expect_error(yaml, "population.role_templates.utilizer.shadow_share: twin_share + "
                       "shadow_share = 1.4 exceeds 1");
    snprintf(yaml, sizeof yaml, "%s%s", head,
             "population:\n  role_templates: {oem: {service_time: {dist: det, mean_h: 0}}}\n");
    expect_error(yaml, "population.role_templates.oem.service_time: target_load needs a "
                       "positive mean work content");
    snprintf(yaml, sizeof yaml, "%s%s", head,
             "population:\n  n_companies: 5000\n  role_weights: {oem: 1}\n"
             "  role_templates: {oem: {n_assets: 10000}}\n");
    expect_error(yaml, "population.n_companies: 5000 companies of up to 10000 assets may hold");
    snprintf(yaml, sizeof yaml, "%s%s", head, "population: {n_companies: 0}\n");
    expect_error(yaml, "population.n_companies: must be an integer in [1, 5000]");
    snprintf(yaml, sizeof yaml, "%s%s", head, "population: {target_load: 0}\n");
    expect_error(yaml, "population.target_load: must be a number in (0, 10]");
    snprintf(yaml, sizeof yaml, "%s%s", head, "population: [1, 2]\n");
    expect_error(yaml, "population");
}

static void test_unstable_warning(void **state)
{
    (void)state;
    sim_scenario *sc = tr_open("simulation: {horizon_h: 1000, warmup_h: 0, replications: 1}\n"
                               "population: {n_companies: 3, target_load: 0.97}\n");
    assert_true(params_of(sc)->n_unstable > 0);
    assert_true(sim_cfg_warning_count(sc->cfg) > 0);
    expect_in(sim_cfg_warning_text(sc->cfg, 0), "offered load 0.970 >= 0.95");
    sim_scenario_free(sc);
}

/* ---- draws ---- */

#define N_BIG 600

static const char big_population[] =
    "simulation: {horizon_h: 1, warmup_h: 0, sample_interval_h: 1, replications: 2,\n"
    "             master_seed: 5, variants: [ecosystem, autarky]}\n" QUIET "population:\n"
    "  n_companies: 600\n"
    "  process_classes: 4\n"
    "  role_weights: {oem: 0.1, supplier: 0.2, platform: 0.05, service: 0.15, utilizer: 0.5}\n"
    "  attributes:\n"
    "    sharing_willingness: {mean: 0.3, concentration: 4}\n"
    "    goal_orientation: {mean: 0.6, concentration: 10}\n"
    "    technical_receptivity: {mean: 0.8, concentration: 2}\n"
    "    customer_centricity: {mean: 0.5, concentration: 50}\n"
    "    trust_propensity: {mean: 0.2, concentration: 8}\n";

/* Mean and variance of one attribute over the companies of run 0 against Beta(m c, (1-m) c):
 * the mean within 4 standard errors, the variance within 25 %. */
static void check_attribute(const tr_runs *r, const char *name, double m, double c)
{
    double sum = 0.0, sum2 = 0.0;
    for (size_t i = 0; i < N_BIG; i++) {
        double x = tr_get(r, 0, name, i);
        assert_true(x >= 0.0 && x <= 1.0);
        sum += x;
        sum2 += x * x;
    }
    double mean = sum / N_BIG, var = sum2 / N_BIG - mean * mean;
    double beta_var = m * (1.0 - m) / (c + 1.0), se = sqrt(beta_var / N_BIG);
    if (fabs(mean - m) > 4.0 * se)
        fail_msg("%s: mean %g, expected %g +- %g", name, mean, m, 4.0 * se);
    if (fabs(var / beta_var - 1.0) > 0.25)
        fail_msg("%s: variance %g, expected %g", name, var, beta_var);
}

static void test_attribute_distributions(void **state)
{
    (void)state;
    tr_runs r = tr_run_text(big_population);
    check_attribute(&r, "sharing_willingness", 0.3, 4);
    check_attribute(&r, "goal_orientation", 0.6, 10);
    check_attribute(&r, "technical_receptivity_initial", 0.8, 2);
    check_attribute(&r, "customer_centricity", 0.5, 50);
    check_attribute(&r, "trust_propensity", 0.2, 8);
    /* Role frequencies within 4 binomial standard errors; classes of producers in 1..4. */
    static const double w[ECO_ROLE_COUNT] = {0.1, 0.2, 0.05, 0.15, 0.5};
    size_t count[ECO_ROLE_COUNT] = {0}, classes[5] = {0};
    for (size_t i = 0; i < N_BIG; i++) {
        int role = (int)tr_get(&r, 0, "role", i), cls = (int)tr_get(&r, 0, "process_class", i);
        assert_in_range(role, 0, ECO_ROLE_COUNT - 1);
        count[role]++;
        int producer = role == 0 || role == 1 || role == 4;
        if (producer) {
            assert_in_range(cls, 1, 4);
            classes[cls]++;
        } else {
            assert_int_equal(cls, -1);
        }
        static const int assets[ECO_ROLE_COUNT] = {4, 3, 0, 0, 5};
        assert_int_equal((int)tr_get(&r, 0, "n_assets", i), assets[role]);
    }
    for (int k = 0; k < ECO_ROLE_COUNT; k++) {
        double f = (double)count[k] / N_BIG, se = sqrt(w[k] * (1 - w[k]) / N_BIG);
        if (fabs(f - w[k]) > 4.0 * se)
            fail_msg("role %s: frequency %g, expected %g +- %g", roles[k], f, w[k], 4.0 * se);
    }
    for (int k = 1; k <= 4; k++)
        assert_true(classes[k] > 0);
    tr_free(&r);
}

static void test_draws_per_replication(void **state)
{
    (void)state;
    tr_runs a = tr_run_text(big_population), b = tr_run_text(big_population);
    /* runs: rep 0 ecosystem, rep 0 autarky, rep 1 ecosystem, rep 1 autarky */
    static const char *const vars[] = {"role", "sharing_willingness", "trust_propensity",
                                       "n_assets", "process_class"};
    size_t differ = 0;
    for (size_t v = 0; v < sizeof vars / sizeof vars[0]; v++) {
        for (size_t i = 0; i < N_BIG; i++) {
            double x = tr_get(&a, 0, vars[v], i);
            assert_true(x == tr_get(&b, 0, vars[v], i)); /* reproducible */
            assert_true(x == tr_get(&a, 1, vars[v], i)); /* same in both variants */
            assert_true(tr_get(&a, 2, vars[v], i) == tr_get(&a, 3, vars[v], i));
            differ += x != tr_get(&a, 2, vars[v], i);
        }
    }
    /* Replications are different draws: the continuous attributes always differ. */
    assert_true(differ > 2 * N_BIG);
    tr_free(&a);
    tr_free(&b);
}

/* target_load sets lambda = load c / E[S]: the offered load output is the target, and the
 * arrivals observed over a long horizon match it. */
static void test_target_load(void **state)
{
    (void)state;
    tr_runs r = tr_run_text(
        "simulation: {horizon_h: 3000, warmup_h: 0, sample_interval_h: 3000, replications: 1,\n"
        "             master_seed: 9, variants: [ecosystem]}\n" QUIET "population:\n"
        "  n_companies: 40\n"
        "  target_load: 0.6\n"
        "  role_weights: {oem: 1, supplier: 1, service: 1, utilizer: 1}\n"
        "  role_templates: {supplier: {service_time: {dist: exp, mean_h: 3.0}}}\n");
    double expected = 0.0, observed = 0.0;
    size_t producers = 0;
    for (size_t i = 0; i < 40; i++) {
        double c = tr_get(&r, 0, "n_assets", i);
        if (c < 1) {
            assert_true(isnan(tr_get(&r, 0, "offered_load", i)));
            assert_float_equal(tr_get(&r, 0, "arrival_rate", i), 0.0, 0.0);
            continue;
        }
        assert_float_equal(tr_get(&r, 0, "offered_load", i), 0.6, 1e-12);
        double es = tr_get(&r, 0, "role", i) == ECO_ROLE_SUPPLIER ? 3.0 : 2.0;
        expected += 0.6 * c / es * 3000.0;
        observed += tr_get(&r, 0, "arrival_rate", i) * 3000.0;
        producers++;
    }
    assert_true(producers > 10);
    /* Poisson counts: the total is within 4 standard deviations of its mean. */
    if (fabs(observed - expected) > 4.0 * sqrt(expected))
        fail_msg("arrivals %g, expected %g +- %g", observed, expected, 4.0 * sqrt(expected));
    tr_free(&r);
}

/* Explicit companies report the same attributes, from their own keys. */
static void test_explicit_company_attributes(void **state)
{
    (void)state;
    tr_runs r = tr_run_text(
        "simulation: {horizon_h: 10, warmup_h: 0, sample_interval_h: 10, replications: 1,\n"
        "             variants: [ecosystem]}\n" QUIET "companies:\n"
        "  - {name: a, role: supplier, sharing_willingness: 0.25, goal_orientation: 0.125,\n"
        "     technical_receptivity: 0.375, customer_centricity: 0.625, trust_propensity: 0.875}\n"
        "  - {name: b, role: platform}\n");
    assert_float_equal(tr_get(&r, 0, "role", 0), ECO_ROLE_SUPPLIER, 0.0);
    assert_float_equal(tr_get(&r, 0, "process_class", 0), 2, 0.0);
    assert_float_equal(tr_get(&r, 0, "n_assets", 0), 3, 0.0);
    assert_float_equal(tr_get(&r, 0, "offered_load", 0), 1.125 * 2.0 / 3.0, 1e-12);
    assert_float_equal(tr_get(&r, 0, "sharing_willingness", 0), 0.25, 0.0);
    assert_float_equal(tr_get(&r, 0, "goal_orientation", 0), 0.125, 0.0);
    assert_float_equal(tr_get(&r, 0, "technical_receptivity_initial", 0), 0.375, 0.0);
    assert_float_equal(tr_get(&r, 0, "customer_centricity", 0), 0.625, 0.0);
    assert_float_equal(tr_get(&r, 0, "trust_propensity", 0), 0.875, 0.0);
    assert_float_equal(tr_get(&r, 0, "role", 1), ECO_ROLE_PLATFORM, 0.0);
    assert_true(isnan(tr_get(&r, 0, "offered_load", 1)));
    tr_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_names),
        cmocka_unit_test(test_role_templates),
        cmocka_unit_test(test_schema_errors),
        cmocka_unit_test(test_unstable_warning),
        cmocka_unit_test(test_attribute_distributions),
        cmocka_unit_test(test_draws_per_replication),
        cmocka_unit_test(test_target_load),
        cmocka_unit_test(test_explicit_company_attributes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
