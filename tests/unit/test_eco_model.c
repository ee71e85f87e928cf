/*
 * Unit tests of the ecosystem model's operations layer (eco_model, eco_ops, eco_metrics):
 * the type object and catalog, the variant switches, hand-checkable runs, common random
 * numbers, bounded storage and every error path of the run life cycle and dispatch.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "eco_model.h"
#include "eco_run.h"
#include "test_eco_fixture.h"

/* notes/METRICS.md, in order. */
static const char *const entity_names[] = {"utilization",
                                           "effective_utilization",
                                           "availability",
                                           "mean_assets_down",
                                           "crew_utilization",
                                           "downtime_corrective",
                                           "downtime_pm",
                                           "failure_rate",
                                           "pm_rate",
                                           "used_life_at_pm",
                                           "twin_lives_failed_fraction",
                                           "arrival_rate",
                                           "throughput",
                                           "throughput_processed",
                                           "lost_fraction",
                                           "delay_probability",
                                           "lead_time_mean",
                                           "lead_time_sd",
                                           "lead_time_p50",
                                           "lead_time_p90",
                                           "lead_time_p95",
                                           "waiting_time_mean",
                                           "on_time_rate",
                                           "tardiness_mean",
                                           "number_in_system_mean",
                                           "queue_length_mean",
                                           "little_gap",
                                           "orders_completed",
                                           "failures",
                                           "pms",
                                           "records",
                                           "sigma_mean",
                                           "twin_trusted_share",
                                           "value_order_margin",
                                           "value_corrective_cost",
                                           "value_pm_cost",
                                           "value_downtime_cost",
                                           "value_total"};
static const char *const run_names[] = {"value_ecosystem", "utilization_cv", "events"};
static const char *const time_entity_names[] = {
    "ts_queue_length", "ts_busy_assets", "ts_down_assets", "ts_value", "ts_records", "ts_sigma"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* One company of `assets` servers, Poisson orders, failures off. */
static eco_params *queue_params(int assets, double lambda, sim_dist service)
{
    eco_params *p = fx_params(1);
    p->companies[0].n_assets = assets;
    p->companies[0].arrival_rate_per_h = lambda;
    p->companies[0].service_time = service;
    fx_params_finish(p);
    return p;
}

static eco_mechanisms all_on(void)
{
    return (eco_mechanisms){1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
}

/* ---- type object, variants, catalog ---- */

static void test_type_object(void **state)
{
    (void)state;
    static const char *const want[] = {"ecosystem",   "autarky",       "ko_sharing",
                                       "ko_overflow", "ko_colearning", "ko_coalitions",
                                       "ko_contracts"};
    const sim_model_type *m = &eco_model_type;
    assert_int_equal(m->version, SIM_MODEL_TYPE_VERSION);
    assert_string_equal(m->name, "ecosystem");
    for (size_t k = 0; k < COUNT(want); k++)
        assert_string_equal(m->variants[k], want[k]);
    assert_null(m->variants[COUNT(want)]);
    assert_int_equal(COUNT(want), ECO_VARIANT_COUNT);
    eco_params *p = fx_params(2);
    assert_int_equal(m->n_timers(p), 3 * 8);
    fx_params_free(p);
}

static void test_variant_switches(void **state)
{
    (void)state;
    eco_mechanisms base = all_on();
    eco_mechanisms m = eco_mechanisms_for_variant(&base, ECO_VARIANT_ECOSYSTEM);
    assert_memory_equal(&m, &base, sizeof m);
    m = eco_mechanisms_for_variant(&base, ECO_VARIANT_AUTARKY);
    assert_int_equal(m.sharing + m.colearning + m.coalitions + m.overflow + m.contracts, 0);
    assert_int_equal(m.failures + m.twins + m.opportunities + m.trust_dynamics, 4);
    struct {
        int variant;
        size_t offset;
    } ko[] = {{ECO_VARIANT_KO_SHARING, offsetof(eco_mechanisms, sharing)},
              {ECO_VARIANT_KO_OVERFLOW, offsetof(eco_mechanisms, overflow)},
              {ECO_VARIANT_KO_COLEARNING, offsetof(eco_mechanisms, colearning)},
              {ECO_VARIANT_KO_COALITIONS, offsetof(eco_mechanisms, coalitions)},
              {ECO_VARIANT_KO_CONTRACTS, offsetof(eco_mechanisms, contracts)}};
    for (size_t k = 0; k < COUNT(ko); k++) {
        eco_mechanisms want = base;
        *(int *)((char *)&want + ko[k].offset) = 0;
        m = eco_mechanisms_for_variant(&base, ko[k].variant);
        assert_memory_equal(&m, &want, sizeof m);
    }
}

static void check_vars(const sim_catalog *cat, size_t *at, const char *const *names, size_t n,
                       sim_shape shape)
{
    for (size_t k = 0; k < n; k++, (*at)++) {
        const sim_var *v = sim_catalog_var(cat, *at);
        if (strcmp(v->name, names[k]) != 0)
            fail_msg("variable %zu: got %s, want %s", *at, v->name, names[k]);
        assert_int_equal(v->shape, shape);
        assert_true(strlen(v->units) > 0 && strlen(v->long_name) > 0);
    }
}

static void test_describe(void **state)
{
    (void)state;
    eco_params *p = fx_params(3);
    sim_settings s = fx_settings(1000.0, 100.0, 300.0);
    sim_catalog *cat = eco_model_type.describe(p, &s);
    assert_non_null(cat);
    assert_string_equal(sim_catalog_entity_dim(cat), "company");
    assert_int_equal(sim_catalog_n_entity(cat), 3);
    assert_string_equal(sim_catalog_entity_name(cat, 2), "c2");
    assert_int_equal(sim_catalog_n_time(cat), 4); /* 100, 400, 700, 1000 */
    assert_float_equal(sim_catalog_time(cat)[3], 1000.0, 1e-12);
    size_t at = 0;
    check_vars(cat, &at, entity_names, COUNT(entity_names), SIM_SHAPE_ENTITY);
    check_vars(cat, &at, run_names, COUNT(run_names), SIM_SHAPE_RUN);
    check_vars(cat, &at, time_entity_names, COUNT(time_entity_names), SIM_SHAPE_TIME_ENTITY);
    /* the behaviour layer's variables follow the operations layer's */
    assert_true(sim_catalog_count(cat) >= at);
    assert_string_equal(sim_catalog_var(cat, 5)->units, "h year-1");
    sim_catalog_free(cat);
    /* Rounding in (horizon - warmup) / interval must not lose the last sample. */
    s = fx_settings(0.3, 0.0, 0.1);
    cat = eco_model_type.describe(p, &s);
    assert_int_equal(sim_catalog_n_time(cat), 4);
    assert_true(sim_catalog_time(cat)[3] <= 0.3);
    sim_catalog_free(cat);
    fx_params_free(p);
}

static void test_sigma_curve(void **state)
{
    (void)state;
    eco_params *p = fx_params(1);
    /* SPEC 7.6 with the defaults and K_analytics = 0.5. */
    const double records[] = {0, 50, 100, 300, 1000};
    const double sigma[] = {0.594, 0.315, 0.268, 0.209, 0.161};
    for (size_t k = 0; k < COUNT(records); k++)
        assert_float_equal(eco_sigma_curve(&p->prediction, records[k], 0.5), sigma[k], 6e-4);
    p->prediction.sigma_ref = 0.0;
    p->prediction.prior_records = 0.0;
    assert_float_equal(eco_sigma_curve(&p->prediction, 0.0, 0.5), 0.05, 0.0);
    p->prediction.sigma_ref = 0.35;
    assert_float_equal(eco_sigma_curve(&p->prediction, 0.0, 0.5), 1.5, 0.0); /* sigma_max */
    fx_params_free(p);
}

/* ---- hand-checkable runs ---- */

/* Enough servers that no order ever waits: every lead time is the deterministic work. */
static void test_lead_time_is_service_time(void **state)
{
    (void)state;
    eco_params *p = queue_params(50, 0.05, (sim_dist){SIM_DIST_DET, 2.5, 0.0});
    sim_settings s = fx_settings(4000.0, 100.0, 100.0);
    sim_run_id id = fx_id(11, 0, 0);
    fx_result r = fx_run(p, &s, &id);
    double n = fx_get(&r, "orders_completed", 0);
    assert_true(n > 100);
    assert_float_equal(fx_get(&r, "lead_time_mean", 0), 2.5, 1e-9);
    assert_true(fx_get(&r, "lead_time_sd", 0) < 1e-9);
    assert_float_equal(fx_get(&r, "lead_time_p50", 0), 2.5, 2.5 * 0.08);
    assert_float_equal(fx_get(&r, "waiting_time_mean", 0), 0.0, 0.0);
    assert_float_equal(fx_get(&r, "delay_probability", 0), 0.0, 0.0);
    assert_float_equal(fx_get(&r, "on_time_rate", 0), 1.0, 0.0);
    assert_float_equal(fx_get(&r, "tardiness_mean", 0), 0.0, 0.0);
    assert_float_equal(fx_get(&r, "value_order_margin", 0), 150.0 * n, 1e-6);
    assert_float_equal(fx_get(&r, "value_total", 0), 150.0 * n, 1e-6);
    assert_float_equal(fx_get(&r, "value_ecosystem", 0), 150.0 * n, 1e-6);
    assert_float_equal(fx_get(&r, "availability", 0), 1.0, 0.0);
    assert_float_equal(fx_get(&r, "failures", 0), 0.0, 0.0);
    assert_float_equal(fx_get(&r, "queue_length_mean", 0), 0.0, 0.0);
    /* busy asset-hours = 2.5 per order (up to the orders in service at the ends) */
    double busy = fx_get(&r, "utilization", 0) * 50 * 3900.0;
    assert_float_equal(busy, 2.5 * n, 2 * 2.5);
    assert_true(isnan(fx_get(&r, "utilization_cv", 0))); /* one producing company */
    assert_true(isnan(fx_get(&r, "sigma_mean", 0)));     /* twins off */
    assert_true(isnan(fx_get(&r, "used_life_at_pm", 0)));
    assert_true(r.events > 2 * n);
    assert_float_equal(fx_get(&r, "events", 0), (double)r.events, 0.0);
    fx_result_free(&r);
    fx_params_free(p);
}

static void test_tardiness(void **state)
{
    (void)state;
    eco_params *p = queue_params(50, 0.05, (sim_dist){SIM_DIST_DET, 2.5, 0.0});
    p->companies[0].due_allowance_h = 1.0;
    sim_settings s = fx_settings(3000.0, 0.0, 100.0);
    sim_run_id id = fx_id(12, 0, 0);
    fx_result r = fx_run(p, &s, &id);
    double n = fx_get(&r, "orders_completed", 0);
    assert_true(n > 50);
    assert_float_equal(fx_get(&r, "tardiness_mean", 0), 1.5, 1e-9);
    assert_float_equal(fx_get(&r, "on_time_rate", 0), 0.0, 0.0);
    assert_float_equal(fx_get(&r, "value_order_margin", 0), (150.0 - 20.0 * 1.5) * n, 1e-6);
    fx_result_free(&r);
    fx_params_free(p);
}

/* Busy aging with a scale far beyond the horizon: failures are on but never happen. */
static void test_no_failure_with_huge_scale(void **state)
{
    (void)state;
    eco_params *p = queue_params(2, 0.5, (sim_dist){SIM_DIST_EXP, 1.0, 1.0});
    p->mechanisms.failures = 1;
    p->companies[0].weibull_scale_h = 1e12;
    p->companies[0].non_twin_pm_age_h = 0.0;
    p->companies[0].repair_time = (sim_dist){SIM_DIST_DET, 2.0, 0.0};
    sim_settings s = fx_settings(5000.0, 500.0, 500.0);
    sim_run_id id = fx_id(13, 0, 0);
    fx_result r = fx_run(p, &s, &id);
    assert_true(fx_get(&r, "orders_completed", 0) > 1000);
    assert_float_equal(fx_get(&r, "failures", 0), 0.0, 0.0);
    assert_float_equal(fx_get(&r, "pms", 0), 0.0, 0.0);
    assert_float_equal(fx_get(&r, "availability", 0), 1.0, 0.0);
    assert_float_equal(fx_get(&r, "downtime_corrective", 0), 0.0, 0.0);
    assert_float_equal(fx_get(&r, "value_corrective_cost", 0), 0.0, 0.0);
    fx_result_free(&r);
    fx_params_free(p);
}

/* Deterministic maintenance durations: every corrective downtime lasts response + repair =
 * 3 h, so downtime, its cost and the corrective cost follow from the failure count. */
static void test_failure_accounting(void **state)
{
    (void)state;
    eco_params *p = queue_params(2, 0.5, (sim_dist){SIM_DIST_EXP, 1.0, 1.0});
    eco_company_params *c = &p->companies[0];
    p->mechanisms.failures = 1;
    c->weibull_scale_h = 40.0;
    c->weibull_shape = 1.5;
    c->non_twin_pm_age_h = 0.0;
    c->n_crews = -1;
    c->crew_response = (sim_dist){SIM_DIST_DET, 1.0, 0.0};
    c->repair_time = (sim_dist){SIM_DIST_DET, 2.0, 0.0};
    sim_settings s = fx_settings(20000.0, 0.0, 1000.0);
    sim_run_id id = fx_id(14, 0, 0);
    fx_result r = fx_run(p, &s, &id);
    double f = fx_get(&r, "failures", 0);
    assert_true(f > 100);
    assert_float_equal(fx_get(&r, "value_corrective_cost", 0), -2000.0 * f, 1e-6);
    double repairs = fx_get(&r, "value_downtime_cost", 0) / (-300.0 * 3.0);
    assert_float_equal(repairs, round(repairs), 1e-6);
    assert_true(repairs >= f - 2 && repairs <= f);
    double area = fx_get(&r, "downtime_corrective", 0) * 2 * 20000.0 / 8760.0;
    assert_true(area >= 3.0 * (f - 2) - 1e-6 && area <= 3.0 * f + 1e-6);
    assert_float_equal(fx_get(&r, "failure_rate", 0), f * 8760.0 / (2 * 20000.0), 1e-9);
    assert_float_equal(fx_get(&r, "mean_assets_down", 0), area / 20000.0, 1e-9);
    assert_true(isnan(fx_get(&r, "crew_utilization", 0))); /* infinite crews */
    /* twin_share 0.5 of 2 assets: one level-2 and one level-1 asset add records */
    assert_true(fx_get(&r, "records", 0) > 0.0);
    fx_result_free(&r);
    fx_params_free(p);
}

/* queue_capacity 0: an order either starts at once or is lost. */
static void test_zero_buffer_loses(void **state)
{
    (void)state;
    eco_params *p = queue_params(1, 1.0, (sim_dist){SIM_DIST_EXP, 1.0, 1.0});
    p->companies[0].queue_capacity = 0;
    sim_settings s = fx_settings(20000.0, 100.0, 1000.0);
    sim_run_id id = fx_id(15, 0, 0);
    fx_result r = fx_run(p, &s, &id);
    double lost = fx_get(&r, "lost_fraction", 0);
    assert_float_equal(fx_get(&r, "queue_length_mean", 0), 0.0, 0.0);
    assert_float_equal(fx_get(&r, "delay_probability", 0), lost, 0.0);
    assert_float_equal(fx_get(&r, "waiting_time_mean", 0), 0.0, 0.0);
    assert_float_equal(lost, 0.5, 0.03); /* Erlang B with a = 1 */
    fx_result_free(&r);
    fx_params_free(p);
}

/* ---- time series ---- */

static void test_time_series(void **state)
{
    (void)state;
    eco_params *p = fx_params(2);
    p->mechanisms.failures = 1;
    p->mechanisms.twins = 1;
    p->maintenance.aging_clock = ECO_AGING_CALENDAR;
    sim_settings s = fx_settings(6000.0, 1000.0, 250.0);
    sim_run_id id = fx_id(16, 0, 0);
    fx_result r = fx_run(p, &s, &id);
    size_t nt = sim_catalog_n_time(r.cat), last = nt - 1;
    assert_int_equal(nt, 21);
    for (size_t i = 0; i < 2; i++) {
        assert_float_equal(fx_get(&r, "ts_value", i), 0.0, 0.0);
        /* the last sample is at the horizon, after every other event there */
        assert_float_equal(fx_get(&r, "ts_value", last * 2 + i), fx_get(&r, "value_total", i),
                           1e-6);
        assert_float_equal(fx_get(&r, "ts_records", last * 2 + i), fx_get(&r, "records", i), 0.0);
        double prev = INFINITY;
        for (size_t k = 0; k < nt; k++) {
            double sig = fx_get(&r, "ts_sigma", k * 2 + i);
            assert_true(sig <= prev); /* records only grow */
            prev = sig;
            double busy = fx_get(&r, "ts_busy_assets", k * 2 + i);
            double down = fx_get(&r, "ts_down_assets", k * 2 + i);
            assert_true(busy >= 0 && down >= 0 && busy + down <= 4);
        }
        double sm = fx_get(&r, "sigma_mean", i);
        assert_true(sm <= fx_get(&r, "ts_sigma", i) && sm >= prev);
        double trusted = fx_get(&r, "twin_trusted_share", i);
        assert_true(trusted >= 0.0 && trusted <= 1.0);
        assert_true(fx_get(&r, "failures", i) > 0 && fx_get(&r, "pms", i) > 0);
        double ul = fx_get(&r, "used_life_at_pm", i);
        assert_true(ul > 0.0 && ul < 1.0);
        double cu = fx_get(&r, "crew_utilization", i);
        assert_true(cu > 0.0 && cu <= 1.0);
    }
    assert_false(isnan(fx_get(&r, "utilization_cv", 0)));
    assert_float_equal(fx_get(&r, "value_ecosystem", 0),
                       fx_get(&r, "value_total", 0) + fx_get(&r, "value_total", 1), 1e-6);
    fx_result_free(&r);
    fx_params_free(p);
}

/* ---- common random numbers ---- */

static eco_params *full_params(void)
{
    eco_params *p = fx_params(3);
    p->mechanisms = all_on();
    p->companies[2].n_crews = 1;
    p->companies[2].queue_capacity = 3;
    fx_params_finish(p);
    return p;
}

static void test_same_id_same_record(void **state)
{
    (void)state;
    eco_params *p = full_params();
    sim_settings s = fx_settings(3000.0, 500.0, 100.0);
    sim_run_id id = fx_id(42, 3, 0);
    fx_result x = fx_run(p, &s, &id), y = fx_run(p, &s, &id);
    assert_true(fx_same(&x, &y));
    id.replication = 4;
    fx_result z = fx_run(p, &s, &id);
    assert_false(fx_same(&x, &z));
    assert_true(fx_get(&x, "orders_completed", 0) != fx_get(&z, "orders_completed", 0) ||
                fx_get(&x, "lead_time_mean", 0) != fx_get(&z, "lead_time_mean", 0));
    fx_result_free(&x);
    fx_result_free(&y);
    fx_result_free(&z);
    fx_params_free(p);
}

/* With every cross-company mechanism off, every variant gives the same record. */
static void test_variants_coincide(void **state)
{
    (void)state;
    eco_params *p = full_params();
    p->mechanisms.sharing = p->mechanisms.colearning = p->mechanisms.coalitions = 0;
    p->mechanisms.overflow = p->mechanisms.contracts = 0;
    sim_settings s = fx_settings(3000.0, 500.0, 100.0);
    sim_run_id id = fx_id(43, 0, ECO_VARIANT_ECOSYSTEM);
    fx_result base = fx_run(p, &s, &id);
    for (int v = 1; v < ECO_VARIANT_COUNT; v++) {
        id.variant = v;
        fx_result other = fx_run(p, &s, &id);
        if (!fx_same(&base, &other))
            fail_msg("variant %s differs from ecosystem", eco_model_type.variants[v]);
        fx_result_free(&other);
    }
    fx_result_free(&base);
    fx_params_free(p);
}

/* Crew disciplines, calendar aging and minimal repair all run and keep crews within their
 * number; the disciplines differ only in order, not in the work done. */
static void test_crew_disciplines(void **state)
{
    (void)state;
    const eco_crew_priority prio[] = {ECO_CREW_CORRECTIVE_FIRST, ECO_CREW_FIFO};
    for (size_t k = 0; k < 2; k++) {
        eco_params *p = fx_params(1);
        p->mechanisms.failures = 1;
        p->mechanisms.twins = 1;
        p->maintenance.crew_priority = prio[k];
        p->maintenance.repair_mode = ECO_REPAIR_MINIMAL;
        p->companies[0].n_assets = 6;
        p->companies[0].n_crews = 1;
        p->companies[0].arrival_rate_per_h = 2.0;
        p->companies[0].weibull_scale_h = 60.0;
        p->companies[0].non_twin_pm_age_h = 30.0;
        fx_params_finish(p);
        sim_settings s = fx_settings(8000.0, 500.0, 500.0);
        sim_run_id id = fx_id(17, 0, 0);
        fx_result r = fx_run(p, &s, &id);
        double cu = fx_get(&r, "crew_utilization", 0);
        assert_true(cu > 0.3 && cu <= 1.0);
        assert_true(fx_get(&r, "failures", 0) > 10 && fx_get(&r, "pms", 0) > 10);
        assert_true(fx_get(&r, "downtime_corrective", 0) > 0.0);
        assert_true(fx_get(&r, "downtime_pm", 0) > 0.0);
        double a = fx_get(&r, "availability", 0), u = fx_get(&r, "utilization", 0);
        assert_true(u <= a && a < 1.0);
        assert_float_equal(fx_get(&r, "effective_utilization", 0), u / a, 1e-9);
        fx_result_free(&r);
        fx_params_free(p);
    }
}

/* ---- storage stays bounded ---- */

typedef struct live_run {
    sim_catalog *cat;
    sim_engine *eng;
    eco_run *run;
} live_run;

static live_run live_alloc(const eco_params *p, const sim_settings *s, const sim_run_id *id)
{
    sim_error err;
    live_run lr;
    lr.cat = eco_model_type.describe(p, s);
    sim_engine_config cfg = {.end_time = s->horizon_h,
                             .n_timers = eco_model_type.n_timers(p),
                             .handler = eco_model_type.handle};
    lr.eng = sim_engine_alloc(&cfg, &err);
    assert_non_null(lr.eng);
    lr.run = eco_model_type.run_alloc(p, s, id, lr.cat, lr.eng, &err);
    if (lr.run == NULL)
        fail_msg("run_alloc: %s", err.msg);
    sim_engine_set_model_state(lr.eng, lr.run);
    return lr;
}

static void live_free(live_run *lr)
{
    eco_model_type.run_free(lr->run);
    sim_engine_free(lr->eng);
    sim_catalog_free(lr->cat);
}

static void run_until(live_run *lr, double t)
{
    sim_error err;
    while (sim_engine_now(lr->eng) < t) {
        sim_step_result r = sim_engine_step(lr->eng, &err);
        if (r == SIM_STEP_ERROR)
            fail_msg("step: %s", err.msg);
        if (r == SIM_STEP_DONE)
            break;
    }
}

static void test_order_pool_bounded(void **state)
{
    (void)state;
    eco_params *p = queue_params(1, 0.8, (sim_dist){SIM_DIST_EXP, 1.0, 1.0});
    p->mechanisms.failures = 1;
    p->companies[0].weibull_scale_h = 500.0;
    sim_settings s = fx_settings(400000.0, 0.0, 1000.0);
    sim_run_id id = fx_id(18, 0, 0);
    live_run lr = live_alloc(p, &s, &id);
    run_until(&lr, 40000.0);
    size_t cap = eco_run_order_pool_capacity(lr.run);
    run_until(&lr, s.horizon_h + 1.0);
    size_t cap_end = eco_run_order_pool_capacity(lr.run);
    size_t peak = eco_run_order_pool_peak(lr.run);
    /* grows only by doubling when every record is in use */
    assert_true(cap_end <= (peak > 32 ? 2 * peak : 64));
    assert_true(cap_end <= 2 * cap || cap_end <= 2 * peak);
    assert_true(peak < 1000);
    /* The event list holds 3 timers per asset, one arrival, one sample, the warm-up end and
     * a few voided timer events that have not reached the top yet. Failure timers are not
     * re-armed per job (that would leave one voided event per job in the list until the
     * asset's failure instant). */
    size_t pending = sim_engine_pending(lr.eng);
    if (pending > 3 + 1 + 2 + 4)
        fail_msg("%zu events pending", pending);
    assert_true(sim_engine_events_handled(lr.eng) > 600000);
    live_free(&lr);
    fx_params_free(p);
}

/* Frequent PM under the calendar clock with lives far beyond the horizon: each PM cancels
 * a failure timer, which must not leave one void event per PM in the event list. Same for
 * busy aging, where each job used to arm one. */
static void test_event_list_bounded(void **state)
{
    (void)state;
    const eco_aging clocks[] = {ECO_AGING_CALENDAR, ECO_AGING_BUSY};
    for (size_t k = 0; k < 2; k++) {
        eco_params *p = queue_params(3, 1.0, (sim_dist){SIM_DIST_EXP, 1.0, 1.0});
        p->mechanisms.failures = 1;
        p->maintenance.aging_clock = clocks[k];
        p->companies[0].weibull_scale_h = 1e12;
        p->companies[0].non_twin_pm_age_h = 5.0;
        p->companies[0].pm_time = (sim_dist){SIM_DIST_DET, 0.5, 0.0};
        sim_settings s = fx_settings(50000.0, 0.0, 1000.0);
        sim_run_id id = fx_id(22, 0, 0);
        live_run lr = live_alloc(p, &s, &id);
        size_t peak = 0;
        for (double t = 1000.0; t <= s.horizon_h; t += 1000.0) {
            run_until(&lr, t);
            size_t n = sim_engine_pending(lr.eng);
            peak = n > peak ? n : peak;
        }
        assert_true(lr.run->co[0].st.pms > 5000);
        if (peak > 3 * 3 + 1 + 2 + 8)
            fail_msg("clock %zu: up to %zu events pending", k, peak);
        live_free(&lr);
        fx_params_free(p);
    }
}

/* ---- error paths ---- */

static void expect_handler_error(live_run *lr, uint16_t kind, uint32_t a)
{
    sim_error err;
    sim_error_clear(&err);
    sim_event ev = {.t = sim_engine_now(lr->eng), .kind = kind, .a = a, .timer = SIM_NO_TIMER};
    assert_int_equal(eco_model_type.handle(lr->run, lr->eng, &ev, &err), SIM_INTERNAL);
    assert_int_equal(err.status, SIM_INTERNAL);
    assert_true(strlen(err.msg) > 0);
}

static void test_handler_errors(void **state)
{
    (void)state;
    eco_params *p = queue_params(2, 0.0, (sim_dist){SIM_DIST_EXP, 1.0, 1.0});
    sim_settings s = fx_settings(100.0, 0.0, 10.0);
    sim_run_id id = fx_id(19, 0, 0);
    live_run lr = live_alloc(p, &s, &id);
    expect_handler_error(&lr, ECO_EV_COUNT, 0);
    expect_handler_error(&lr, 999, 0);
    expect_handler_error(&lr, ECO_EV_JOB_COMPLETE, 0);   /* idle asset */
    expect_handler_error(&lr, ECO_EV_MAINT_COMPLETE, 1); /* not in maintenance */
    live_free(&lr);
    /* a failure of an asset already down (lives of about an hour, repairs of 8 h) */
    p->mechanisms.failures = 1;
    p->maintenance.aging_clock = ECO_AGING_CALENDAR;
    p->companies[0].weibull_scale_h = 1.0;
    lr = live_alloc(p, &s, &id);
    run_until(&lr, 5.0);
    uint32_t down = ECO_NONE;
    for (uint32_t a = 0; a < 2 && down == ECO_NONE; a++)
        down = lr.run->as[a].state >= ECO_ASSET_DOWN_WAIT_CORR ? a : ECO_NONE;
    assert_int_not_equal(down, ECO_NONE);
    expect_handler_error(&lr, ECO_EV_FAILURE, down);
    live_free(&lr);
    fx_params_free(p);
}

static void test_run_alloc_errors(void **state)
{
    (void)state;
    eco_params *p = fx_params(2), *other = fx_params(3);
    p->mechanisms.failures = 1;
    p->maintenance.aging_clock = ECO_AGING_CALENDAR;
    sim_settings s = fx_settings(100.0, 0.0, 10.0);
    sim_run_id id = fx_id(20, 0, 0);
    sim_error err;
    sim_engine_config cfg = {.end_time = 100.0,
                             .n_timers = eco_model_type.n_timers(p),
                             .handler = eco_model_type.handle};
    sim_engine *eng = sim_engine_alloc(&cfg, &err);
    /* a catalog for another scenario */
    sim_catalog *wrong = eco_model_type.describe(other, &s);
    sim_error_clear(&err);
    assert_null(eco_model_type.run_alloc(p, &s, &id, wrong, eng, &err));
    assert_int_equal(err.status, SIM_INTERNAL);
    assert_null(eco_model_type.run_alloc(p, &s, &id, NULL, eng, &err));
    /* a catalog with another sampling grid */
    sim_settings s2 = fx_settings(100.0, 0.0, 20.0);
    sim_catalog *grid = eco_model_type.describe(p, &s2);
    sim_error_clear(&err);
    assert_null(eco_model_type.run_alloc(p, &s, &id, grid, eng, &err));
    assert_int_equal(err.status, SIM_INTERNAL);
    sim_engine_free(eng);
    /* an engine without the timers the model asked for: arming fails, nothing leaks */
    sim_settings s_long = fx_settings(1e5, 0.0, 1e4); /* every first life ends in it */
    cfg.n_timers = 2;
    cfg.end_time = s_long.horizon_h;
    eng = sim_engine_alloc(&cfg, &err);
    sim_catalog *cat = eco_model_type.describe(p, &s_long);
    sim_error_clear(&err);
    assert_null(eco_model_type.run_alloc(p, &s_long, &id, cat, eng, &err));
    assert_int_not_equal(err.status, SIM_OK);
    sim_engine_free(eng);
    sim_catalog_free(cat);
    sim_catalog_free(wrong);
    sim_catalog_free(grid);
    fx_params_free(p);
    fx_params_free(other);
}

static void test_collect_errors(void **state)
{
    (void)state;
    eco_params *p = fx_params(2), *other = fx_params(3);
    sim_settings s = fx_settings(100.0, 0.0, 10.0);
    sim_run_id id = fx_id(21, 0, 0);
    live_run lr = live_alloc(p, &s, &id);
    run_until(&lr, 200.0);
    sim_catalog *wrong = eco_model_type.describe(other, &s);
    sim_record *rec = sim_record_alloc(wrong);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(eco_model_type.collect(lr.run, lr.eng, rec, &err), SIM_INTERNAL);
    assert_int_equal(err.status, SIM_INTERNAL);
    sim_record_free(rec);
    /* a catalog holding only some variables: those are written, nothing else is touched */
    sim_catalog *part = sim_catalog_alloc("company", 2, sim_catalog_n_time(lr.cat));
    sim_var v = {"orders_completed", "1", "x", SIM_SHAPE_ENTITY};
    sim_var bad = {"events", "1", "wrong shape", SIM_SHAPE_ENTITY};
    assert_int_equal(sim_catalog_add(part, &v), 0);
    assert_int_equal(sim_catalog_add(part, &bad), 1);
    rec = sim_record_alloc(part);
    assert_int_equal(eco_model_type.collect(lr.run, lr.eng, rec, &err), SIM_OK);
    assert_false(isnan(sim_record_cvalues(rec, 0)[0]));
    assert_true(isnan(sim_record_cvalues(rec, 1)[0]));
    sim_record_free(rec);
    sim_catalog_free(part);
    sim_catalog_free(wrong);
    live_free(&lr);
    fx_params_free(p);
    fx_params_free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_object),
        cmocka_unit_test(test_variant_switches),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_sigma_curve),
        cmocka_unit_test(test_lead_time_is_service_time),
        cmocka_unit_test(test_tardiness),
        cmocka_unit_test(test_no_failure_with_huge_scale),
        cmocka_unit_test(test_failure_accounting),
        cmocka_unit_test(test_zero_buffer_loses),
        cmocka_unit_test(test_time_series),
        cmocka_unit_test(test_same_id_same_record),
        cmocka_unit_test(test_variants_coincide),
        cmocka_unit_test(test_crew_disciplines),
        cmocka_unit_test(test_order_pool_bounded),
        cmocka_unit_test(test_event_list_bounded),
        cmocka_unit_test(test_handler_errors),
        cmocka_unit_test(test_run_alloc_errors),
        cmocka_unit_test(test_collect_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
