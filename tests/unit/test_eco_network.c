/*
 * Tests of the network and formation indicators (eco_network.c): a run of six companies is
 * allocated, its relation state (last interactions, trust, sharing levels, shared projects)
 * is set by hand before each sample, and the indicators are checked against values worked
 * out by hand: membership, density, largest component, mean degree, trust on edges, sharing
 * and goal congruence among members, the edge window, formation time on the sample grid with
 * its hold interval, stability, robustness and right-censoring.
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

#include "eco_behaviour.h"
#include "eco_business.h"
#include "eco_run.h"
#include "sim_runner.h"
#include "test_eco_runs.h"

#define N_CO 6

/* Samples at 0, 100, ..., 1000; formation needs 3 of 6 companies in the largest component
 * for 200 h (three samples). */
static const char scenario_fmt[] =
    "simulation: {horizon_h: 1000, warmup_h: 0, sample_interval_h: 100, replications: 1,\n"
    "             variants: [ecosystem], edge_window_h: 720,\n"
    "             formation: {lcc_fraction: 0.5, min_share: 0.3, min_trust: 0.5, hold_h: %g}}\n"
    "mechanisms: {failures: false, twins: false, sharing: true, colearning: false,\n"
    "             opportunities: false, coalitions: false, overflow: false, contracts: false,\n"
    "             trust_dynamics: false}\n"
    "companies:\n"
    "  - {name: a, role: oem}\n"
    "  - {name: b, role: supplier}\n"
    "  - {name: c, role: platform}\n"
    "  - {name: d, role: service}\n"
    "  - {name: e, role: utilizer}\n"
    "  - {name: f, role: utilizer}\n";

typedef struct net_fixture {
    sim_scenario *sc;
    sim_catalog *cat;
    sim_engine *eng;
    eco_run *run;
    sim_record *rec;
} net_fixture;

static net_fixture open_run(double hold_h)
{
    char yaml[2048];
    snprintf(yaml, sizeof yaml, scenario_fmt, hold_h);
    net_fixture f;
    f.sc = tr_open(yaml);
    f.cat = sim_runner_catalog(f.sc);
    assert_non_null(f.cat);
    const sim_model_type *m = f.sc->model;
    sim_error err;
    sim_error_clear(&err);
    sim_engine_config cfg = {.start_time = 0.0,
                             .end_time = f.sc->settings.horizon_h,
                             .n_timers = m->n_timers(f.sc->params),
                             .handler = m->handle};
    f.eng = sim_engine_alloc(&cfg, &err);
    assert_non_null(f.eng);
    sim_run_id id = {1, 0, 0, 0};
    f.run = m->run_alloc(f.sc->params, &f.sc->settings, &id, f.cat, f.eng, &err);
    if (f.run == NULL)
        fail_msg("run_alloc: %s", err.msg);
    f.rec = sim_record_alloc(f.cat);
    assert_non_null(f.rec);
    assert_int_equal(f.run->n_time, 11);
    /* Start from no relation at all. */
    for (size_t k = 0; k < N_CO * N_CO; k++) {
        f.run->last_touch[k] = -INFINITY;
        f.run->trust[k] = 0.5;
    }
    for (size_t i = 0; i < N_CO; i++)
        f.run->co[i].share = 0.0;
    return f;
}

static void close_run(net_fixture *f)
{
    sim_record_free(f->rec);
    f->sc->model->run_free(f->run);
    sim_engine_free(f->eng);
    sim_catalog_free(f->cat);
    sim_scenario_free(f->sc);
}

static void set_trust(eco_run *run, uint32_t i, uint32_t j, double t)
{
    run->trust[i * N_CO + j] = t;
    run->trust[j * N_CO + i] = t;
}

/* The chain a - b - c - d, active now, trust t; a..d share 0.4. */
static void chain(eco_run *run, double t)
{
    for (uint32_t i = 0; i < 3; i++) {
        eco_touch(run, i, i + 1);
        set_trust(run, i, i + 1, t);
    }
    for (uint32_t i = 0; i < 4; i++)
        run->co[i].share = 0.4;
}

/* A project of members i and j (one member when equal), running when t_end is NaN. */
static void add_project(eco_run *run, uint32_t i, uint32_t j, double t_end)
{
    uint32_t p = eco_business_new_project(run);
    assert_true(p != ECO_NONE);
    eco_project *pr = &run->biz->projects[p];
    memset(pr, 0, sizeof *pr);
    pr->n = i == j ? 1 : 2;
    pr->member[0] = i;
    pr->member[1] = j;
    pr->t_end = t_end;
    pr->success = pr->adopted = -1;
}

static double value(net_fixture *f, const char *name, size_t index)
{
    int v = sim_catalog_find(f->cat, name);
    if (v < 0)
        fail_msg("no variable %s", name);
    return sim_record_cvalues(f->rec, (size_t)v)[index];
}

static void test_snapshot_indicators(void **state)
{
    (void)state;
    net_fixture f = open_run(200.0);
    eco_network_sample(f.run, 0); /* no relation yet */
    chain(f.run, 0.6);
    /* An old interaction (outside the 720 h window) is not an edge. */
    f.run->last_touch[4 * N_CO + 5] = f.run->last_touch[5 * N_CO + 4] = -1000.0;
    eco_network_sample(f.run, 1);
    /* A running project of e and f makes them members without sharing; a solo project and
     * a finished one do not. */
    add_project(f.run, 4, 5, NAN);
    add_project(f.run, 0, 0, NAN);
    add_project(f.run, 1, 2, 50.0);
    eco_network_sample(f.run, 2);
    eco_network_collect(f.run, f.rec);

    assert_float_equal(value(&f, "ts_members", 0), 0.0, 0.0);
    assert_float_equal(value(&f, "ts_lcc", 0), 1.0, 0.0);
    assert_float_equal(value(&f, "ts_density", 0), 0.0, 0.0);
    assert_true(isnan(value(&f, "ts_mean_trust", 0)));
    assert_true(isnan(value(&f, "ts_mean_share", 0)));
    assert_float_equal(value(&f, "ts_formation_condition", 0), 0.0, 0.0);

    assert_float_equal(value(&f, "ts_members", 1), 4.0, 0.0);
    assert_float_equal(value(&f, "ts_density", 1), 3.0 / 15.0, 1e-12);
    assert_float_equal(value(&f, "ts_lcc", 1), 4.0, 0.0);
    assert_float_equal(value(&f, "ts_lcc_fraction", 1), 4.0 / 6.0, 1e-12);
    assert_float_equal(value(&f, "ts_mean_degree", 1), 1.0, 1e-12);
    assert_float_equal(value(&f, "ts_mean_trust", 1), 0.6, 1e-12);
    assert_float_equal(value(&f, "ts_mean_share", 1), 0.4, 1e-12);
    double kappa = 0.0;
    for (uint32_t i = 0; i < 4; i++)
        for (uint32_t j = i + 1; j < 4; j++)
            kappa += eco_congruence(f.run, i, j) / 6.0;
    assert_float_equal(value(&f, "ts_goal_congruence", 1), kappa, 1e-12);
    assert_float_equal(value(&f, "ts_formation_condition", 1), 1.0, 0.0);
    assert_float_equal(value(&f, "ts_member", 1 * N_CO + 3), 1.0, 0.0);
    assert_float_equal(value(&f, "ts_member", 1 * N_CO + 4), 0.0, 0.0);

    assert_float_equal(value(&f, "ts_members", 2), 6.0, 0.0);
    assert_float_equal(value(&f, "ts_mean_share", 2), 1.6 / 6.0, 1e-12);
    assert_float_equal(value(&f, "ts_member", 2 * N_CO + 5), 1.0, 0.0);
    close_run(&f);
}

/* Formation: the condition holds from sample 2 on, except at 5 (trust below 0.5); company d
 * leaves (share 0, and its edge expires) at the last sample. */
static void run_history(net_fixture *f)
{
    for (size_t k = 0; k < 11; k++) {
        if (k == 2)
            chain(f->run, 0.6);
        set_trust(f->run, 0, 1, k == 5 ? 0.1 : 0.6);
        if (k == 10) {
            f->run->co[3].share = 0.0;
            f->run->last_touch[2 * N_CO + 3] = f->run->last_touch[3 * N_CO + 2] = -1000.0;
        }
        eco_network_sample(f->run, k);
    }
    eco_network_collect(f->run, f->rec);
}

static void test_formation(void **state)
{
    (void)state;
    net_fixture f = open_run(200.0);
    run_history(&f);
    static const double cond[11] = {0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1};
    for (size_t k = 0; k < 11; k++) {
        assert_float_equal(value(&f, "ts_formation_condition", k), cond[k], 0.0);
        assert_float_equal(value(&f, "ts_formed", k), k >= 2 ? 1.0 : 0.0, 0.0);
    }
    assert_float_equal(value(&f, "formed", 0), 1.0, 0.0);
    assert_float_equal(value(&f, "formation_time", 0), 200.0, 0.0);
    assert_float_equal(value(&f, "formation_stability", 0), 8.0 / 9.0, 1e-12);
    /* Members at 200 h: a, b, c, d; at the end a, b, c. */
    assert_float_equal(value(&f, "health_robustness", 0), 0.75, 1e-12);
    assert_float_equal(value(&f, "members_end", 0), 3.0, 0.0);
    assert_float_equal(value(&f, "members_mean", 0), (0 + 0 + 4 * 8 + 3) / 11.0, 1e-12);
    /* Density: 0 at samples 0-1, 3/15 at 2-9, 2/15 at 10. */
    assert_float_equal(value(&f, "density_mean", 0), (8 * 3.0 + 2.0) / 15.0 / 11.0, 1e-12);
    assert_float_equal(value(&f, "lcc_fraction_mean", 0), (2.0 + 8 * 4.0 + 3.0) / 6.0 / 11.0,
                       1e-12);
    close_run(&f);
}

/* The condition broken at sample 5 delays formation when the hold covers it; a hold longer
 * than what remains of the run censors it. */
static void test_hold_and_censoring(void **state)
{
    (void)state;
    net_fixture f = open_run(300.0);
    run_history(&f);
    assert_float_equal(value(&f, "formation_time", 0), 600.0, 0.0);
    assert_float_equal(value(&f, "formation_stability", 0), 1.0, 0.0);
    close_run(&f);

    f = open_run(500.0); /* 600 + 500 > 1000: not observed */
    run_history(&f);
    assert_float_equal(value(&f, "formed", 0), 0.0, 0.0);
    assert_true(isnan(value(&f, "formation_time", 0)));
    assert_true(isnan(value(&f, "formation_stability", 0)));
    assert_true(isnan(value(&f, "health_robustness", 0)));
    for (size_t k = 0; k < 11; k++)
        assert_float_equal(value(&f, "ts_formed", k), 0.0, 0.0);
    close_run(&f);

    f = open_run(0.0); /* no hold: the first sample where it holds */
    run_history(&f);
    assert_float_equal(value(&f, "formation_time", 0), 200.0, 0.0);
    close_run(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot_indicators),
        cmocka_unit_test(test_formation),
        cmocka_unit_test(test_hold_and_censoring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
