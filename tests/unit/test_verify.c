/*
 * test_verify: the verification runner without its long runs. The pass rule on made-up
 * replication values; the case table; each case reading its analytic inputs from the
 * scenario files in scenarios/verify (values compared with SPEC section 9); every
 * configuration error a case reports; and one short run through the model.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "sim_analytic.h"
#include "sim_verify.h"

#define SPEC_REL_TOL 1e-5
#define TOL          0.02

static void check_rel(const char *what, double got, double want, double tol)
{
    double err = fabs(got - want) / fabs(want);
    if (!(err <= tol))
        fail_msg("%s: got %.9g, want %.9g (rel. error %.3g > %.3g)", what, got, want, err, tol);
}

static void check_contains(const char *what, const char *text, const char *part)
{
    if (strstr(text, part) == NULL)
        fail_msg("%s: message \"%s\" does not mention \"%s\"", what, text, part);
}

/* ---- the pass rule ---- */

static sim_verify_metric judged(double analytic, const double *x, size_t n, double level)
{
    sim_verify_metric m;
    memset(&m, 0, sizeof m);
    m.analytic = analytic;
    sim_verify_judge_metric(&m, x, n, level, TOL);
    return m;
}

static void test_judge_passes_a_close_covered_value(void **state)
{
    (void)state;
    const double x[] = {1.001, 0.999, 1.002, 0.998, 1.0};
    sim_verify_metric m = judged(1.0, x, 5, 0.95);
    check_rel("mean", m.mean, 1.0, 1e-12);
    assert_true(m.ci_lo < 1.0 && m.ci_hi > 1.0);
    assert_true(m.simul_lo <= m.ci_lo && m.simul_hi >= m.ci_hi);
    assert_true(m.pass);
}

/* Inside a wide interval but 3% off: the tolerance fails it. */
static void test_judge_fails_a_covered_but_distant_value(void **state)
{
    (void)state;
    const double x[] = {0.5, 1.5, 0.9, 1.1};
    sim_verify_metric m = judged(1.03, x, 4, 0.95);
    assert_true(1.03 > m.simul_lo && 1.03 < m.simul_hi);
    check_rel("rel err", m.rel_err, 0.03 / 1.03, 1e-9);
    assert_false(m.pass);
}

/* 1% off (within tolerance) but far outside a narrow interval: coverage fails it. */
static void test_judge_fails_an_uncovered_close_value(void **state)
{
    (void)state;
    const double x[] = {1.0, 1.0001, 0.9999};
    sim_verify_metric m = judged(1.01, x, 3, 0.95);
    assert_true(m.rel_err < TOL);
    assert_false(m.pass);
}

/* A value just outside the 95% interval but inside the Bonferroni one passes at the
 * simultaneous level and fails at 95%. */
static void test_judge_uses_the_simultaneous_interval(void **state)
{
    (void)state;
    const double x[] = {1.00, 1.01, 0.99, 1.00, 1.01, 0.99, 1.00, 1.01, 0.99, 1.00};
    sim_verify_metric plain = judged(1.0, x, 10, 0.95);
    double hw95 = plain.ci_hi - plain.mean;
    double analytic = plain.mean + 1.2 * hw95;
    assert_false(judged(analytic, x, 10, 0.95).pass);
    sim_verify_metric simul = judged(analytic, x, 10, 1.0 - 0.05 / 8);
    assert_true(simul.pass);
    /* the printed interval stays the 95% one */
    check_rel("ci_hi", simul.ci_hi, plain.ci_hi, 1e-12);
}

static void test_judge_zero_needs_exact_zero(void **state)
{
    (void)state;
    const double zeros[] = {0.0, 0.0, 0.0};
    sim_verify_metric m = judged(0.0, zeros, 3, 0.95);
    assert_true(m.pass);
    assert_true(m.rel_err == 0.0);
    const double tiny[] = {0.0, 0.0, 3e-9};
    assert_false(judged(0.0, tiny, 3, 0.95).pass);
}

static void test_judge_fails_nan(void **state)
{
    (void)state;
    const double x[] = {1.0, NAN, 1.0};
    sim_verify_metric m = judged(1.0, x, 3, 0.95);
    assert_true(isnan(m.mean));
    assert_false(m.pass);
}

/* ---- the case table ---- */

static void test_find_case(void **state)
{
    (void)state;
    assert_int_equal(sim_verify_case_count(), 8);
    assert_string_equal(sim_verify_find_case("mm1"), "mm1");
    assert_string_equal(sim_verify_find_case("V1"), "mm1");
    assert_string_equal(sim_verify_find_case("v7b"), "perfect_twin");
    assert_string_equal(sim_verify_find_case("V7"), "agerepl");
    assert_string_equal(sim_verify_find_case("breakdown"), "breakdown");
    assert_null(sim_verify_find_case("MM1")); /* keys are exact, ids any case */
    assert_null(sim_verify_find_case("v8"));
    assert_null(sim_verify_find_case(NULL));
    assert_null(sim_verify_case_key(8));
    assert_null(sim_verify_case_id(8));
    assert_string_equal(sim_verify_case_id(7), "V7b");
}

/* ---- the shipped cases read their inputs from their scenario ---- */

static const char *scenario_dir(void)
{
    const char *d = getenv("ECOTWIN_SCENARIOS");
    if (d == NULL)
        fail_msg("ECOTWIN_SCENARIOS is not set (CTest sets it to the source scenarios)");
    return d;
}

static void open_shipped(const char *file, int quick, sim_verify_case *c)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/verify/%s", scenario_dir(), file);
    sim_scenario *sc = NULL;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_verify_open(path, quick, &sc, c, &err);
    sim_scenario_free(sc);
    if (st != SIM_OK)
        fail_msg("%s: %s", path, err.msg);
}

/* Analytic value of the metric named name in c. */
static double analytic_of(const sim_verify_case *c, const char *var)
{
    for (size_t i = 0; i < c->n_metrics; i++) {
        if (strcmp(c->metric[i].var, var) == 0)
            return c->metric[i].analytic;
    }
    fail_msg("case %s has no metric on %s", c->key, var);
    return NAN;
}

static sim_verify_case *case_buf(void)
{
    static sim_verify_case c;
    memset(&c, 0, sizeof c);
    return &c;
}

static void test_shipped_queue_cases(void **state)
{
    (void)state;
    sim_verify_case *c = case_buf();
    open_shipped("v1_mm1.yaml", 0, c);
    assert_string_equal(c->key, "mm1");
    assert_int_equal(c->n_metrics, 8);
    assert_true(c->has_little);
    check_rel("V1 W", analytic_of(c, "lead_time_mean"), 5.0, SPEC_REL_TOL);
    check_rel("V1 Wq", analytic_of(c, "waiting_time_mean"), 4.0, SPEC_REL_TOL);
    check_rel("V1 on time", analytic_of(c, "on_time_rate"), 1.0 - exp(-1.0), SPEC_REL_TOL);
    check_rel("V1 simul level", c->simul_level, 1.0 - 0.05 / 8, 1e-12);
    open_shipped("v2_mmc.yaml", 0, c);
    check_rel("V2 Wq", analytic_of(c, "waiting_time_mean"), 1.108225, SPEC_REL_TOL);
    check_rel("V2 C", analytic_of(c, "delay_probability"), 0.554113, SPEC_REL_TOL);
    open_shipped("v3_mmck.yaml", 0, c);
    check_rel("V3 P(block)", analytic_of(c, "lost_fraction"), 0.060005, SPEC_REL_TOL);
    check_rel("V3 L", analytic_of(c, "number_in_system_mean"), 2.245617, SPEC_REL_TOL);
    open_shipped("v4_mg1.yaml", 0, c);
    check_rel("V4 Wq", analytic_of(c, "waiting_time_mean"), 2.5, SPEC_REL_TOL);
    open_shipped("v5_breakdown.yaml", 0, c);
    check_rel("V5 Wq", analytic_of(c, "waiting_time_mean"), 1.566667, SPEC_REL_TOL);
    check_rel("V5 W", analytic_of(c, "lead_time_mean"), 2.666667, SPEC_REL_TOL);
    check_rel("V5 down", analytic_of(c, "availability"), 0.05, SPEC_REL_TOL);
    assert_true(c->metric[c->n_metrics - 1].one_minus);
}

static void test_shipped_reliability_cases(void **state)
{
    (void)state;
    sim_verify_case *c = case_buf();
    open_shipped("v6_repairman.yaml", 0, c);
    assert_false(c->has_little);
    check_rel("V6 A", analytic_of(c, "availability"), 0.872096, SPEC_REL_TOL);
    check_rel("V6 crew", analytic_of(c, "crew_utilization"), 0.436048, SPEC_REL_TOL);
    check_rel("V6 down", analytic_of(c, "mean_assets_down"), 0.639522, SPEC_REL_TOL);
    check_rel("V6 failures", analytic_of(c, "failure_rate"), 0.043605, SPEC_REL_TOL);
    check_rel("V6 scale", c->metric[3].scale, 5.0 / 8760.0, 1e-12);
    open_shipped("v7_age_replacement.yaml", 0, c);
    check_rel("V7 A", analytic_of(c, "availability"), 0.972666, SPEC_REL_TOL);
    check_rel("V7 failures", analytic_of(c, "failure_rate"), 0.0018316, 3e-5);
    check_rel("V7 PMs", analytic_of(c, "pm_rate"), 0.0042269, 3e-5);
    open_shipped("v7b_perfect_twin.yaml", 0, c);
    check_rel("V7b A", analytic_of(c, "availability"), 0.987618, SPEC_REL_TOL);
    assert_true(analytic_of(c, "failure_rate") == 0.0);
}

static void test_quick_uses_the_quick_settings(void **state)
{
    (void)state;
    sim_verify_case *c = case_buf();
    open_shipped("v1_mm1.yaml", 0, c);
    double full_h = c->horizon_h;
    size_t full_r = c->replications;
    assert_true(c->tolerance == SIM_VERIFY_TOL_FULL);
    open_shipped("v1_mm1.yaml", 1, c);
    assert_true(c->quick);
    assert_true(c->horizon_h < full_h);
    assert_true(c->replications < full_r);
    assert_true(c->tolerance == SIM_VERIFY_TOL_QUICK);
    assert_true(c->little_limit == SIM_VERIFY_LITTLE_QUICK);
}

/* ---- configuration errors, each named at its key ---- */

static char tmpdir[256];

static int make_tmpdir(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/ecotwin_verify_XXXXXX", base ? base : "/tmp");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static char written[64][300];
static size_t n_written;

static int remove_tmpdir(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_written; i++)
        unlink(written[i]);
    return rmdir(tmpdir);
}

static const char *write_case(const char *name, const char *yaml)
{
    char *path = written[n_written++];
    snprintf(path, sizeof written[0], "%s/%s.yaml", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(yaml, f);
    fclose(f);
    return path;
}

#define SIM_HEAD                                                                                   \
    "simulation: {horizon_h: 20000, warmup_h: 1000, sample_interval_h: 10000, replications: 3,\n"  \
    "             master_seed: 7, variants: [ecosystem]}\n"
#define MECH(failures, twins)                                                                      \
    "mechanisms: {failures: " failures ", twins: " twins ", sharing: false, colearning: false,\n"  \
    "             opportunities: false, coalitions: false, overflow: false, contracts: false,\n"   \
    "             trust_dynamics: false}\n"
#define CALENDAR "maintenance: {aging_clock: calendar}\n"

/* A company as key: value pairs; a scenario replaces some of them. */
typedef struct kv {
    const char *key, *value;
} kv;

static const kv queue_company[] = {{"name", "q"},
                                   {"role", "utilizer"},
                                   {"process_class", "1"},
                                   {"n_assets", "1"},
                                   {"n_crews", "1"},
                                   {"arrival_rate_per_h", "0.8"},
                                   {"queue_capacity", "-1"},
                                   {"service_time", "{dist: exp, mean_h: 1.0}"},
                                   {"twin_share", "0"},
                                   {"shadow_share", "0"},
                                   {NULL, NULL}};

static const kv plant_company[] = {{"name", "p"},
                                   {"role", "utilizer"},
                                   {"process_class", "1"},
                                   {"n_assets", "2"},
                                   {"n_crews", "1"},
                                   {"arrival_rate_per_h", "0"},
                                   {"twin_share", "0"},
                                   {"shadow_share", "0"},
                                   {"weibull_shape", "1"},
                                   {"weibull_scale_h", "100"},
                                   {"non_twin_pm_age_h", "0"},
                                   {"crew_response", "{dist: det, mean_h: 0}"},
                                   {"repair_time", "{dist: exp, mean_h: 10}"},
                                   {"pm_time", "{dist: exp, mean_h: 3}"},
                                   {NULL, NULL}};

#define NONE       ((const kv[]){{NULL, NULL}})
#define WITH(k, v) ((const kv[]){{k, v}, {NULL, NULL}})

static const char *override_of(const kv *over, const char *key)
{
    for (; over->key != NULL; over++) {
        if (strcmp(over->key, key) == 0)
            return over->value;
    }
    return NULL;
}

/* sections (simulation:, mechanisms:, ...), then the company, then `validation: {case}`
 * (none when vcase is NULL). */
static const char *scenario(const char *sections, const kv *base, const kv *over, const char *vcase)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%scompanies:\n  - {", sections);
    for (const kv *p = base; p->key != NULL; p++) {
        const char *v = override_of(over, p->key);
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s: %s", p == base ? "" : ", ",
                 p->key, v != NULL ? v : p->value);
    }
    snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "}\n");
    if (vcase != NULL)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "validation: {%s}\n", vcase);
    return buf;
}

static sim_status open_text(const char *name, const char *yaml, int quick, sim_error *err,
                            size_t *diags)
{
    const char *path = write_case(name, yaml);
    sim_scenario *sc = NULL;
    sim_verify_case *c = case_buf();
    sim_error_clear(err);
    sim_status st = sim_verify_open(path, quick, &sc, c, err);
    if (diags != NULL)
        *diags = sim_scenario_diag_count(sc);
    sim_scenario_free(sc);
    return st;
}

static void expect_invalid(const char *name, const char *yaml, const char *mention)
{
    sim_error err;
    sim_status st = open_text(name, yaml, 0, &err, NULL);
    if (st != SIM_INVALID)
        fail_msg("%s: status %d (%s), want invalid", name, (int)st, err.msg);
    check_contains(name, err.msg, mention);
}

#define QUEUE_SECTIONS SIM_HEAD MECH("false", "false")

static void test_case_configuration_errors(void **state)
{
    (void)state;
    expect_invalid("no_validation", scenario(QUEUE_SECTIONS, queue_company, NONE, NULL),
                   "not a verification case");
    expect_invalid("unknown_case", scenario(QUEUE_SECTIONS, queue_company, NONE, "case: mm2"),
                   "\"mm2\" is not a verification case");
    expect_invalid("mm1_failures",
                   scenario(SIM_HEAD MECH("true", "false"), queue_company, NONE, "case: mm1"),
                   "mechanisms.failures: false");
    expect_invalid("mm1_lognormal",
                   scenario(QUEUE_SECTIONS, queue_company,
                            WITH("service_time", "{dist: lognormal, mean_h: 1, cv: 0.5}"),
                            "case: mm1"),
                   "service_time to be exponential");
    expect_invalid("mm1_two_servers",
                   scenario(QUEUE_SECTIONS, queue_company, WITH("n_assets", "2"), "case: mm1"),
                   "n_assets = 1");
    expect_invalid(
        "mm1_unstable",
        scenario(QUEUE_SECTIONS, queue_company, WITH("arrival_rate_per_h", "1.2"), "case: mm1"),
        "no finite analytic value");
    expect_invalid("mmck_unlimited", scenario(QUEUE_SECTIONS, queue_company, NONE, "case: mmck"),
                   "queue_capacity >= 0");
    expect_invalid(
        "mmc_finite",
        scenario(QUEUE_SECTIONS, queue_company, WITH("queue_capacity", "3"), "case: mmc"),
        "queue_capacity = -1");
    expect_invalid("mg1_servers",
                   scenario(QUEUE_SECTIONS, queue_company, WITH("n_assets", "3"), "case: mg1"),
                   "n_assets = 1");
}

#define PLANT_SECTIONS SIM_HEAD MECH("true", "false") CALENDAR

static void test_reliability_configuration_errors(void **state)
{
    (void)state;
    expect_invalid("rep_busy_clock",
                   scenario(SIM_HEAD MECH("true", "false"), plant_company, NONE, "case: repairman"),
                   "maintenance.aging_clock: calendar");
    expect_invalid(
        "rep_weibull",
        scenario(PLANT_SECTIONS, plant_company, WITH("weibull_shape", "2"), "case: repairman"),
        "weibull_shape = 1");
    expect_invalid("rep_lognormal_repair",
                   scenario(PLANT_SECTIONS, plant_company,
                            WITH("repair_time", "{dist: lognormal, mean_h: 10, cv: 0.5}"),
                            "case: repairman"),
                   "repair_time to be exponential");
    expect_invalid("rep_response",
                   scenario(PLANT_SECTIONS, plant_company,
                            WITH("crew_response", "{dist: exp, mean_h: 1}"), "case: repairman"),
                   "crew_response to have mean_h 0");
    expect_invalid("rep_orders",
                   scenario(PLANT_SECTIONS, plant_company, WITH("arrival_rate_per_h", "0.1"),
                            "case: repairman"),
                   "arrival_rate_per_h = 0");
    expect_invalid(
        "rep_pm",
        scenario(PLANT_SECTIONS, plant_company, WITH("non_twin_pm_age_h", "50"), "case: repairman"),
        "non_twin_pm_age_h = 0");
    expect_invalid("age_crews", scenario(PLANT_SECTIONS, plant_company, NONE, "case: agerepl"),
                   "n_crews >= n_assets");
    expect_invalid(
        "age_minimal",
        scenario(
            SIM_HEAD MECH("true",
                          "false") "maintenance: {aging_clock: calendar, repair_mode: minimal}\n",
            plant_company, WITH("n_crews", "-1"), "case: agerepl"),
        "maintenance.repair_mode: perfect");
    expect_invalid("age_twins",
                   scenario(SIM_HEAD MECH("true", "true") CALENDAR, plant_company,
                            WITH("n_crews", "-1"), "case: agerepl"),
                   "mechanisms.twins: false");
    expect_invalid("brk_calendar", scenario(PLANT_SECTIONS, queue_company, NONE, "case: breakdown"),
                   "aging_clock: busy");
    expect_invalid("brk_shape",
                   scenario(SIM_HEAD MECH("true", "false"), queue_company, NONE, "case: breakdown"),
                   "weibull_shape = 1");
}

#define TWIN_SECTIONS(prediction, maintenance)                                                     \
    SIM_HEAD MECH("true", "true") "prediction: " prediction "\nmaintenance: " maintenance "\n"

static void test_perfect_twin_configuration_errors(void **state)
{
    (void)state;
    const kv twin[] = {{"n_crews", "-1"}, {"twin_share", "1"}, {NULL, NULL}};
    expect_invalid("twin_sigma",
                   scenario(TWIN_SECTIONS("{sigma_ref: 0.1, sigma_irreducible: 0}",
                                          "{aging_clock: calendar, pm_policy: fixed_fraction}"),
                            plant_company, twin, "case: perfect_twin"),
                   "sigma_ref and sigma_irreducible 0");
    expect_invalid(
        "twin_policy",
        scenario(TWIN_SECTIONS("{sigma_ref: 0, sigma_irreducible: 0}", "{aging_clock: calendar}"),
                 plant_company, twin, "case: perfect_twin"),
        "pm_policy: fixed_fraction");
    const kv half[] = {{"n_crews", "-1"}, {"twin_share", "0.5"}, {NULL, NULL}};
    expect_invalid("twin_share",
                   scenario(TWIN_SECTIONS("{sigma_ref: 0, sigma_irreducible: 0}",
                                          "{aging_clock: calendar, pm_policy: fixed_fraction}"),
                            plant_company, half, "case: perfect_twin"),
                   "twin_share = 1");
}

static void test_scenario_errors_pass_through(void **state)
{
    (void)state;
    sim_error err;
    size_t diags = 0;
    sim_status st = open_text(
        "typo", scenario(QUEUE_SECTIONS, queue_company, WITH("name", "q, n_asets: 1"), "case: mm1"),
        0, &err, &diags);
    assert_int_equal(st, SIM_INVALID);
    assert_true(diags >= 1);
    check_contains("typo", err.msg, "n_asets");

    sim_scenario *sc = NULL;
    sim_verify_case *c = case_buf();
    st = sim_verify_open("/nonexistent/ecotwin/v1.yaml", 0, &sc, c, &err);
    sim_scenario_free(sc);
    assert_int_equal(st, SIM_NOINPUT);

    /* a quick horizon below the warm-up is caught when the case is reopened for --quick */
    st = open_text("quick_bad",
                   scenario(QUEUE_SECTIONS, queue_company, NONE, "case: mm1, quick_horizon_h: 500"),
                   1, &err, &diags);
    assert_int_equal(st, SIM_INVALID);
    check_contains("quick_bad", err.msg, "warmup_h");
    st =
        open_text("one_rep",
                  scenario("simulation: {horizon_h: 20000, warmup_h: 1000, replications: 1}\n" MECH(
                               "false", "false"),
                           queue_company, NONE, "case: mm1, quick_replications: 2"),
                  0, &err, &diags);
    assert_int_equal(st, SIM_INVALID);
    check_contains("one_rep", err.msg, "at least 2 replications");
}

/* ---- a short run through the model ---- */

static void test_short_run(void **state)
{
    (void)state;
    const char *path =
        write_case("short_mm1", scenario(QUEUE_SECTIONS, queue_company, NONE, "case: mm1"));
    sim_verify_case *c = case_buf();
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_verify_run_case(path, 0, c, &err);
    if (st != SIM_OK)
        fail_msg("short run: %s", err.msg);
    assert_int_equal(c->replications, 3);
    assert_true(c->events > 0);
    for (size_t i = 0; i < c->n_metrics; i++) {
        const sim_verify_metric *m = &c->metric[i];
        if (!isfinite(m->mean) || !(m->ci_lo <= m->mean && m->mean <= m->ci_hi))
            fail_msg("%s: mean %g, CI [%g, %g]", m->name, m->mean, m->ci_lo, m->ci_hi);
    }
    /* 19000 h of an M/M/1 at rho 0.8: the utilization is within 10% of 0.8 */
    check_rel("U", c->metric[4].mean, 0.8, 0.1);
    assert_true(c->has_little && isfinite(c->little_max_gap));
    assert_true(c->little_max_gap < 0.05);
}

/* Started empty, without warm-up, at rho = 0.94 (relaxation time ~ 1000 h) for 300 h: the
 * queue is far from steady state and the verdict must say so. */
static void test_biased_run_fails(void **state)
{
    (void)state;
    const char *path = write_case(
        "biased_mm1",
        scenario("simulation: {horizon_h: 300, warmup_h: 0, sample_interval_h: 300,\n"
                 "             replications: 30, master_seed: 11, variants: [ecosystem]}\n" MECH(
                     "false", "false"),
                 queue_company, WITH("arrival_rate_per_h", "0.94"), "case: mm1"));
    sim_verify_case *c = case_buf();
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_verify_run_case(path, 0, c, &err);
    if (st != SIM_OK)
        fail_msg("biased run: %s", err.msg);
    assert_false(c->pass);
    const sim_verify_metric *L = &c->metric[2];
    assert_string_equal(L->var, "number_in_system_mean");
    if (L->pass || !(L->simul_hi < L->analytic))
        fail_msg("L: analytic %g, simultaneous interval [%g, %g] should lie below it", L->analytic,
                 L->simul_lo, L->simul_hi);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_judge_passes_a_close_covered_value),
        cmocka_unit_test(test_judge_fails_a_covered_but_distant_value),
        cmocka_unit_test(test_judge_fails_an_uncovered_close_value),
        cmocka_unit_test(test_judge_uses_the_simultaneous_interval),
        cmocka_unit_test(test_judge_zero_needs_exact_zero),
        cmocka_unit_test(test_judge_fails_nan),
        cmocka_unit_test(test_find_case),
        cmocka_unit_test(test_shipped_queue_cases),
        cmocka_unit_test(test_shipped_reliability_cases),
        cmocka_unit_test(test_quick_uses_the_quick_settings),
        cmocka_unit_test(test_case_configuration_errors),
        cmocka_unit_test(test_reliability_configuration_errors),
        cmocka_unit_test(test_perfect_twin_configuration_errors),
        cmocka_unit_test(test_scenario_errors_pass_through),
        cmocka_unit_test(test_short_run),
        cmocka_unit_test(test_biased_run_fails),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
