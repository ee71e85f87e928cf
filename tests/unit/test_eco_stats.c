/*
 * Statistical sanity of the ecosystem model's operations layer at fixed seeds: short runs
 * of the degenerate configurations of SPEC 9 through the production code, checked against
 * their closed forms with tolerances of several standard errors (the full verification
 * with replications and confidence intervals is verify/'s). Deterministic: fixed seeds.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>

#include "test_eco_fixture.h"

static void expect_rel(const fx_result *r, const char *name, double want, double rel)
{
    double got = fx_get(r, name, 0);
    if (!(fabs(got - want) <= rel * fabs(want)))
        fail_msg("%s = %.6f, want %.6f within %.1f%%", name, got, want, 100 * rel);
}

static eco_params *single_station(int servers, double lambda, sim_dist service)
{
    eco_params *p = fx_params(1);
    p->companies[0].n_assets = servers;
    p->companies[0].arrival_rate_per_h = lambda;
    p->companies[0].service_time = service;
    fx_params_finish(p);
    return p;
}

/* V1: M/M/1, lambda 0.8, mu 1. */
static void test_mm1(void **state)
{
    (void)state;
    eco_params *p = single_station(1, 0.8, (sim_dist){SIM_DIST_EXP, 1.0, 1.0});
    sim_settings s = fx_settings(5e5, 1e4, 1e4);
    sim_run_id id = fx_id(101, 0, 0);
    fx_result r = fx_run(p, &s, &id);
    expect_rel(&r, "lead_time_mean", 5.0, 0.05);
    expect_rel(&r, "waiting_time_mean", 4.0, 0.06);
    expect_rel(&r, "number_in_system_mean", 4.0, 0.06);
    expect_rel(&r, "queue_length_mean", 3.2, 0.07);
    expect_rel(&r, "utilization", 0.8, 0.02);
    expect_rel(&r, "delay_probability", 0.8, 0.02); /* PASTA */
    expect_rel(&r, "throughput", 0.8, 0.02);
    /* sojourn time ~ Exp(0.2): median 5 ln 2, p90 5 ln 10 (histogram bins are 7% wide) */
    expect_rel(&r, "lead_time_p50", 5.0 * log(2.0), 0.08);
    expect_rel(&r, "lead_time_p90", 5.0 * log(10.0), 0.08);
    assert_true(fx_get(&r, "little_gap", 0) < 0.01);
    fx_result_free(&r);
    fx_params_free(p);
}

/* V3: M/M/2/6 (queue_capacity 4), lambda 1.5, mu 1. */
static void test_mmck(void **state)
{
    (void)state;
    eco_params *p = single_station(2, 1.5, (sim_dist){SIM_DIST_EXP, 1.0, 1.0});
    p->companies[0].queue_capacity = 4;
    sim_settings s = fx_settings(2e5, 1e3, 1e4);
    sim_run_id id = fx_id(103, 0, 0);
    fx_result r = fx_run(p, &s, &id);
    expect_rel(&r, "lost_fraction", 0.060005, 0.08);
    expect_rel(&r, "number_in_system_mean", 2.245617, 0.03);
    expect_rel(&r, "utilization", 0.704996, 0.02);
    expect_rel(&r, "lead_time_mean", 1.592644, 0.03);
    fx_result_free(&r);
    fx_params_free(p);
}

/* V5: M/M/1 with breakdowns during service, preemptive-resume, busy aging. */
static void test_breakdowns(void **state)
{
    (void)state;
    eco_params *p = single_station(1, 0.5, (sim_dist){SIM_DIST_EXP, 1.0, 1.0});
    eco_company_params *c = &p->companies[0];
    p->mechanisms.failures = 1;
    c->weibull_shape = 1.0;
    c->weibull_scale_h = 20.0;
    c->repair_time = (sim_dist){SIM_DIST_EXP, 2.0, 1.0};
    c->crew_response = (sim_dist){SIM_DIST_DET, 0.0, 0.0};
    c->n_crews = -1;
    c->non_twin_pm_age_h = 0.0;
    sim_settings s = fx_settings(3e5, 1e3, 1e4);
    sim_run_id id = fx_id(105, 0, 0);
    fx_result r = fx_run(p, &s, &id);
    expect_rel(&r, "lead_time_mean", 2.666667, 0.05);
    expect_rel(&r, "utilization", 0.5, 0.02);
    expect_rel(&r, "mean_assets_down", 0.05, 0.06);
    assert_float_equal(fx_get(&r, "pms", 0), 0.0, 0.0);
    fx_result_free(&r);
    fx_params_free(p);
}

/* V6: machine repairman, 5 assets, exp lives mean 100 h (calendar), 1 crew, repair 10 h. */
static void test_machine_repairman(void **state)
{
    (void)state;
    eco_params *p = single_station(5, 0.0, (sim_dist){SIM_DIST_EXP, 1.0, 1.0});
    eco_company_params *c = &p->companies[0];
    p->mechanisms.failures = 1;
    p->maintenance.aging_clock = ECO_AGING_CALENDAR;
    c->weibull_shape = 1.0;
    c->weibull_scale_h = 100.0;
    c->n_crews = 1;
    c->repair_time = (sim_dist){SIM_DIST_EXP, 10.0, 1.0};
    c->crew_response = (sim_dist){SIM_DIST_DET, 0.0, 0.0};
    c->non_twin_pm_age_h = 0.0;
    sim_settings s = fx_settings(2e5, 1e3, 1e4);
    sim_run_id id = fx_id(106, 0, 0);
    fx_result r = fx_run(p, &s, &id);
    expect_rel(&r, "availability", 0.872096, 0.02);
    expect_rel(&r, "crew_utilization", 0.436048, 0.04);
    expect_rel(&r, "failure_rate", 0.043605 * 8760.0 / 5.0, 0.04);
    fx_result_free(&r);
    fx_params_free(p);
}

/* Twin PM at the risk quantile with sigma fixed at 0.35 (sigma_ref 0): a life ends in
 * failure exactly when z > z_q, probability pm_risk_target; at PM the used life is
 * E[exp(sigma (z - z_q)) | z < z_q]. Calendar clock, no orders, infinite crews. */
static void test_risk_quantile_pm(void **state)
{
    (void)state;
    eco_params *p = single_station(10, 0.0, (sim_dist){SIM_DIST_EXP, 1.0, 1.0});
    eco_company_params *c = &p->companies[0];
    p->mechanisms.failures = 1;
    p->mechanisms.twins = 1;
    p->maintenance.aging_clock = ECO_AGING_CALENDAR;
    p->prediction.sigma_ref = 0.0;
    p->prediction.sigma_irreducible = 0.35;
    p->maintenance.twin_sigma_use_max = 0.5;
    c->twin_share = 1.0;
    c->n_crews = -1;
    fx_params_finish(p);
    sim_settings s = fx_settings(1e5, 1e3, 1e4);
    sim_run_id id = fx_id(107, 0, 0);
    fx_result r = fx_run(p, &s, &id);
    double sigma = 0.35, zq = p->z_q, q = p->maintenance.pm_risk_target;
    double used = exp(-sigma * zq + sigma * sigma / 2) * gsl_cdf_ugaussian_P(zq - sigma) / (1 - q);
    double frac = fx_get(&r, "twin_lives_failed_fraction", 0);
    if (fabs(frac - q) > 0.01)
        fail_msg("failure-before-PM fraction %.4f, want %.2f +- 0.01", frac, q);
    expect_rel(&r, "used_life_at_pm", used, 0.02);
    assert_float_equal(fx_get(&r, "sigma_mean", 0), 0.35, 1e-12);
    assert_float_equal(fx_get(&r, "twin_trusted_share", 0), 1.0, 0.0);
    assert_true(fx_get(&r, "pms", 0) > 3000);
    fx_result_free(&r);
    fx_params_free(p);
}

/* V7b: a perfect twin (sigma 0) with fixed-fraction PM at 0.9 never lets an asset fail. */
static void test_perfect_twin(void **state)
{
    (void)state;
    eco_params *p = single_station(1, 0.0, (sim_dist){SIM_DIST_EXP, 1.0, 1.0});
    eco_company_params *c = &p->companies[0];
    p->mechanisms.failures = 1;
    p->mechanisms.twins = 1;
    p->maintenance.aging_clock = ECO_AGING_CALENDAR;
    p->maintenance.pm_policy = ECO_PM_FIXED_FRACTION;
    p->maintenance.pm_fixed_fraction = 0.9;
    p->prediction.sigma_ref = 0.0;
    p->prediction.sigma_irreducible = 0.0;
    c->twin_share = 1.0;
    c->pm_time = (sim_dist){SIM_DIST_EXP, 3.0, 1.0};
    fx_params_finish(p);
    sim_settings s = fx_settings(3e5, 1e3, 1e4);
    sim_run_id id = fx_id(108, 0, 0);
    fx_result r = fx_run(p, &s, &id);
    assert_float_equal(fx_get(&r, "failures", 0), 0.0, 0.0);
    expect_rel(&r, "availability", 0.987618, 0.003);
    expect_rel(&r, "used_life_at_pm", 0.9, 1e-9);
    fx_result_free(&r);
    fx_params_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mm1),
        cmocka_unit_test(test_mmck),
        cmocka_unit_test(test_breakdowns),
        cmocka_unit_test(test_machine_repairman),
        cmocka_unit_test(test_risk_quantile_pm),
        cmocka_unit_test(test_perfect_twin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
