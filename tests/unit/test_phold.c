/* Tests of the PHOLD model (models/phold): event conservation, determinism, the remote
 * fraction and the event rate against their expected values, outputs, and every scenario
 * error of the phold: section. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phold_model.h"
#include "registry.h"
#include "sim_runner.h"
#include "sim_yaml.h"

/* A scenario with the given phold: body (YAML flow map) and horizon. */
static char *scenario_text(const char *phold, double horizon_h)
{
    static const char *const fmt = "model: phold\n"
                                   "simulation: {horizon_h: %g, warmup_h: 0, "
                                   "sample_interval_h: 1, replications: 2, master_seed: 42}\n"
                                   "phold: %s\n";
    size_t len = strlen(fmt) + strlen(phold) + 64;
    char *text = malloc(len);
    assert_non_null(text);
    snprintf(text, len, fmt, horizon_h, phold);
    return text;
}

static sim_status open_text(const char *phold, double horizon_h, sim_scenario **sc, sim_error *err)
{
    char *text = scenario_text(phold, horizon_h);
    sim_cfg *cfg = sim_cfg_alloc();
    assert_non_null(cfg);
    sim_status st = sim_yaml_load_string(cfg, "<test>", text, strlen(text), err);
    free(text);
    if (st != SIM_OK) {
        sim_cfg_free(cfg);
        fail_msg("YAML did not load: %s", err->msg);
    }
    return sim_scenario_open_cfg(cfg, "<test>", &SIM_OVERRIDES_NONE, sc, err);
}

static sim_scenario *open_ok(const char *phold, double horizon_h)
{
    sim_error err;
    sim_error_clear(&err);
    sim_scenario *sc = NULL;
    if (open_text(phold, horizon_h, &sc, &err) != SIM_OK) {
        for (size_t i = 0; i < sim_scenario_diag_count(sc); i++)
            print_error("diagnostic: %s\n", sim_scenario_diag_text(sc, i));
        sim_scenario_free(sc);
        fail_msg("scenario did not open: %s", err.msg);
    }
    return sc;
}

/* The scenario must be refused with a diagnostic containing `needle`. */
static void expect_invalid(const char *phold, const char *needle)
{
    sim_error err;
    sim_error_clear(&err);
    sim_scenario *sc = NULL;
    assert_int_equal(open_text(phold, 10.0, &sc, &err), SIM_INVALID);
    int found = 0;
    for (size_t i = 0; i < sim_scenario_diag_count(sc); i++)
        found |= strstr(sim_scenario_diag_text(sc, i), needle) != NULL;
    if (!found)
        fail_msg("no diagnostic contains '%s' (first: %s)", needle, err.msg);
    sim_scenario_free(sc);
}

/* One run's record, run through the runner. */
static sim_record *run_record(const sim_scenario *sc, const sim_catalog *cat, size_t run,
                              uint64_t *events)
{
    sim_record *rec = sim_record_alloc(cat);
    assert_non_null(rec);
    sim_error err;
    sim_error_clear(&err);
    if (sim_runner_run_one(sc, cat, run, rec, events, &err) != SIM_OK)
        fail_msg("run %zu failed: %s", run, err.msg);
    return rec;
}

static double value(const sim_record *rec, const sim_catalog *cat, const char *name, size_t i)
{
    int v = sim_catalog_find(cat, name);
    if (v < 0)
        fail_msg("no output variable %s", name);
    return sim_record_cvalues(rec, (size_t)v)[i];
}

static void test_registered(void **state)
{
    (void)state;
    assert_ptr_equal(sim_models_find("phold"), &phold_model_type);
    int listed = 0;
    for (const char *const *n = sim_models_names(); *n != NULL; n++)
        listed |= strcmp(*n, "phold") == 0;
    assert_true(listed);
}

/* Drive the engine by hand: after every step the population is still n_lp x
 * events_per_lp, and the counts add up. */
static void test_event_conservation(void **state)
{
    (void)state;
    sim_scenario *sc = open_ok("{n_lp: 50, events_per_lp: 4, remote_fraction: 0.5}", 100.0);
    sim_catalog *cat = sim_runner_catalog(sc);
    assert_non_null(cat);
    sim_error err;
    sim_error_clear(&err);
    sim_engine_config ecfg = {.end_time = sc->settings.horizon_h, .handler = sc->model->handle};
    sim_engine *eng = sim_engine_alloc(&ecfg, &err);
    assert_non_null(eng);
    sim_run_id id = sim_runner_run_id(sc, 0);
    void *run = sc->model->run_alloc(sc->params, &sc->settings, &id, cat, eng, &err);
    assert_non_null(run);
    sim_engine_set_model_state(eng, run);
    assert_int_equal(sim_engine_pending(eng), 200);
    sim_step_result r;
    while ((r = sim_engine_step(eng, &err)) == SIM_STEP_EVENT)
        assert_int_equal(sim_engine_pending(eng), 200);
    assert_int_equal(r, SIM_STEP_DONE);
    sim_record *rec = sim_record_alloc(cat);
    assert_int_equal(sc->model->collect(run, eng, rec, &err), SIM_OK);
    double handled = 0;
    for (size_t i = 0; i < 50; i++)
        handled += value(rec, cat, "events_handled", i);
    assert_float_equal(handled, (double)sim_engine_events_handled(eng), 0.0);
    assert_float_equal(value(rec, cat, "events_total", 0), handled, 0.0);
    assert_float_equal(value(rec, cat, "pending_end", 0), 200.0, 0.0);
    assert_true(handled > 4000.0); /* about 200 x 100 h / 2 h = 10,000 */
    sim_record_free(rec);
    sc->model->run_free(run);
    sim_engine_free(eng);
    sim_catalog_free(cat);
    sim_scenario_free(sc);
}

/* The same run twice gives the same record; another replication does not. */
static void test_determinism(void **state)
{
    (void)state;
    sim_scenario *sc = open_ok("{n_lp: 30, events_per_lp: 3}", 200.0);
    sim_catalog *cat = sim_runner_catalog(sc);
    uint64_t e0, e1, e2;
    sim_record *a = run_record(sc, cat, 0, &e0);
    sim_record *b = run_record(sc, cat, 0, &e1);
    sim_record *c = run_record(sc, cat, 1, &e2);
    assert_int_equal(e0, e1);
    size_t same_as_other_rep = 0;
    for (size_t v = 0; v < sim_catalog_count(cat); v++) {
        const double *x = sim_record_cvalues(a, v), *y = sim_record_cvalues(b, v);
        for (size_t i = 0; i < sim_catalog_var_size(cat, v); i++)
            assert_float_equal(x[i], y[i], 0.0);
    }
    for (size_t i = 0; i < 30; i++)
        same_as_other_rep +=
            value(a, cat, "events_handled", i) == value(c, cat, "events_handled", i);
    assert_true(same_as_other_rep < 15);
    assert_int_equal((uint64_t)value(a, cat, "events_total", 0), e0);
    sim_record_free(a);
    sim_record_free(b);
    sim_record_free(c);
    sim_catalog_free(cat);
    sim_scenario_free(sc);
}

/* Each event is remote with probability p: the share over n events lies within the 99.9%
 * binomial interval p +- 3.29 sqrt(p (1 - p) / n). The rate of events is the population
 * over the mean delay, lookahead + mean: 500 x 2000 h / 2.5 h = 400,000, within 1%. */
static void test_remote_fraction_and_rate(void **state)
{
    (void)state;
    sim_scenario *sc = open_ok("{n_lp: 100, events_per_lp: 5, remote_fraction: 0.3, "
                               "mean_delay_h: 2.0, lookahead_h: 0.5}",
                               2000.0);
    sim_catalog *cat = sim_runner_catalog(sc);
    sim_record *rec = run_record(sc, cat, 0, NULL);
    double n = value(rec, cat, "events_total", 0);
    double share = value(rec, cat, "remote_total", 0) / n;
    double half = 3.29 * sqrt(0.3 * 0.7 / n);
    if (fabs(share - 0.3) > half)
        fail_msg("remote share %.5f outside 0.3 +- %.5f over %.0f events", share, half, n);
    if (fabs(n / 400000.0 - 1.0) > 0.01)
        fail_msg("%.0f events, expected 400000 within 1%%", n);
    sim_record_free(rec);
    sim_catalog_free(cat);
    sim_scenario_free(sc);
}

/* remote_fraction 0 keeps every event home; 1 sends every one away. */
static void test_remote_extremes(void **state)
{
    (void)state;
    const char *const bodies[] = {"{n_lp: 8, remote_fraction: 0}", "{n_lp: 8, remote_fraction: 1}"};
    for (int k = 0; k < 2; k++) {
        sim_scenario *sc = open_ok(bodies[k], 50.0);
        sim_catalog *cat = sim_runner_catalog(sc);
        sim_record *rec = run_record(sc, cat, 0, NULL);
        double n = value(rec, cat, "events_total", 0);
        assert_true(n > 100.0);
        assert_float_equal(value(rec, cat, "remote_total", 0), k == 0 ? 0.0 : n, 0.0);
        sim_record_free(rec);
        sim_catalog_free(cat);
        sim_scenario_free(sc);
    }
}

static void test_catalog(void **state)
{
    (void)state;
    sim_scenario *sc = open_ok("{n_lp: 12}", 10.0);
    sim_catalog *cat = sim_runner_catalog(sc);
    assert_string_equal(sim_catalog_entity_dim(cat), "lp");
    assert_int_equal(sim_catalog_n_entity(cat), 12);
    assert_int_equal(sim_catalog_n_time(cat), 0);
    assert_string_equal(sim_catalog_entity_name(cat, 11), "lp11");
    const char *const names[] = {"events_handled", "remote_sent", "events_total", "remote_total",
                                 "pending_end"};
    for (size_t i = 0; i < 5; i++)
        assert_true(sim_catalog_find(cat, names[i]) >= 0);
    assert_int_equal(sc->model->n_timers(sc->params), 0);
    assert_int_equal(sim_scenario_n_runs(sc), 2); /* one variant: phold */
    sim_catalog_free(cat);
    sim_scenario_free(sc);
}

/* Defaults are written into the resolved scenario. */
static void test_defaults(void **state)
{
    (void)state;
    sim_scenario *sc = open_ok("{}", 10.0);
    const char *keys[] = {"n_lp: 1024", "events_per_lp: 1", "mean_delay_h: 1", "lookahead_h: 1",
                          "remote_fraction: 0.25"};
    for (size_t i = 0; i < 5; i++) {
        if (strstr(sc->resolved_yaml, keys[i]) == NULL)
            fail_msg("resolved scenario lacks '%s':\n%s", keys[i], sc->resolved_yaml);
    }
    sim_scenario_free(sc);
}

static void test_errors(void **state)
{
    (void)state;
    expect_invalid("{n_lp: 0}", "phold.n_lp");
    expect_invalid("{events_per_lp: 0}", "phold.events_per_lp");
    expect_invalid("{mean_delay_h: 0}", "phold.mean_delay_h");
    expect_invalid("{lookahead_h: -1}", "phold.lookahead_h");
    expect_invalid("{remote_fraction: 1.5}", "phold.remote_fraction");
    expect_invalid("{n_lp: 1, remote_fraction: 0.5}", "must be 0 when n_lp is 1");
    expect_invalid("{n_lp: 1000000, events_per_lp: 1000}", "at most 100000000 allowed");
    expect_invalid("{n_lps: 10}", "n_lps");
    expect_invalid("[1, 2]", "phold");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),      cmocka_unit_test(test_event_conservation),
        cmocka_unit_test(test_determinism),     cmocka_unit_test(test_remote_fraction_and_rate),
        cmocka_unit_test(test_remote_extremes), cmocka_unit_test(test_catalog),
        cmocka_unit_test(test_defaults),        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
