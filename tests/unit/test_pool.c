/*
 * Tests of the parallel runner (sim_pool) and the keyed runner pieces (sim_runner_run_keyed,
 * sim_runner_run_group) with the toy model: run order and content independent of the thread
 * count, common random numbers, the reorder window's bound, fault isolation (a design point
 * that does not open, another layout, other variants, a failing run, a failing pair), fatal
 * errors (out of memory, a sink error), stopping and abandoning, resumed units, and every
 * argument check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_pool.h"
#include "sim_runner.h"
#include "toy_model.h"

#define MAX_DESIGNS 8

/* ---- a plan over toy scenarios ---- */

typedef struct toy_plan {
    sim_scenario sc[MAX_DESIGNS];
    int open[MAX_DESIGNS]; /* 0: this design point fails to open */
    toy_params params, other_layout;
    int variants[3], other_variants[3];
    sim_plan plan;
} toy_plan;

static sim_status toy_open(void *ctx, size_t d, sim_scenario **out, sim_error *err)
{
    toy_plan *tp = ctx;
    if (!tp->open[d])
        return sim_error_set(err, SIM_INVALID, "design point %zu: value out of range", d);
    *out = &tp->sc[d];
    return SIM_OK;
}

static void toy_plan_init(toy_plan *tp, size_t designs, size_t reps, size_t nv, int crn)
{
    memset(tp, 0, sizeof *tp);
    toy_params_init(&tp->params, reps);
    for (size_t k = 0; k < 3; k++) {
        tp->variants[k] = (int)k;
        tp->other_variants[k] = (int)(2 - k);
    }
    for (size_t d = 0; d < designs; d++) {
        toy_scenario(&tp->sc[d], &tp->params, reps, tp->variants, nv);
        tp->open[d] = 1;
    }
    tp->plan = (sim_plan){
        .n_designs = designs,
        .replications = reps,
        .n_variants = nv,
        .variants = tp->variants,
        .master_seed = 11,
        .crn = crn,
        .open = toy_open,
        .ctx = tp,
    };
}

/* ---- a collecting sink ---- */

typedef struct delivery {
    size_t run;
    sim_run_id id;
    int ok;
    double v[6];
    char msg[SIM_ERROR_MSG_MAX];
} delivery;

typedef struct collector {
    delivery d[512];
    size_t n;
    size_t io_fail_at; /* put fails with SIM_IO at this run; SIZE_MAX: never */
    size_t stop_after; /* stop hook says stop_level once this many runs came */
    int stop_level;
    size_t copied[64], n_copied;
    size_t progress_calls;
    /* window check */
    const toy_watch *watch;
    size_t window, reps, nv;
    int window_violations;
} collector;

static void collector_init(collector *c)
{
    memset(c, 0, sizeof *c);
    c->io_fail_at = SIZE_MAX;
    c->stop_after = SIZE_MAX;
}

static sim_status col_put(void *ctx, size_t run, const sim_run_id *id, const sim_record *rec,
                          sim_error *err)
{
    collector *c = ctx;
    if (run == c->io_fail_at)
        return sim_error_set(err, SIM_IO, "disk full at run %zu", run);
    /* While unit u is delivered, no worker may have started unit u + window or later. */
    if (c->watch != NULL) {
        long unit = (long)(run / c->nv);
        if (atomic_load(&c->watch->max_unit_started) >= unit + (long)c->window)
            c->window_violations++;
    }
    delivery *x = &c->d[c->n++];
    *x = (delivery){.run = run, .id = *id, .ok = 1};
    for (size_t i = 0; i < 6; i++)
        x->v[i] = sim_record_cvalues(rec, i)[0];
    return SIM_OK;
}

static sim_status col_fail(void *ctx, size_t run, const sim_run_id *id, const sim_error *why,
                           sim_error *err)
{
    collector *c = ctx;
    (void)err;
    delivery *x = &c->d[c->n++];
    *x = (delivery){.run = run, .id = *id, .ok = 0};
    snprintf(x->msg, sizeof x->msg, "%s", why->msg);
    return SIM_OK;
}

static sim_status col_copy(void *ctx, size_t unit, sim_error *err)
{
    collector *c = ctx;
    (void)err;
    c->copied[c->n_copied++] = unit;
    return SIM_OK;
}

static int col_stop(void *ctx)
{
    const collector *c = ctx;
    return c->n >= c->stop_after ? c->stop_level : 0;
}

static void col_progress(void *ctx, size_t units, size_t failed)
{
    collector *c = ctx;
    (void)units;
    (void)failed;
    c->progress_calls++;
}

static sim_pool_hooks hooks_of(collector *c)
{
    sim_pool_hooks h = {
        .sink = {.put = col_put, .fail = col_fail, .ctx = c},
        .copy = col_copy,
        .stop = col_stop,
        .progress = col_progress,
        .ctx = c,
    };
    return h;
}

static sim_status run_pool(toy_plan *tp, int threads, collector *c, sim_pool_stats *stats,
                           sim_error *err)
{
    sim_catalog *cat = sim_runner_catalog(&tp->sc[0]);
    assert_non_null(cat);
    tp->plan.cat = cat;
    sim_pool_hooks h = hooks_of(c);
    sim_error_clear(err);
    sim_status st = sim_pool_run(&tp->plan, threads, &h, stats, err);
    sim_catalog_free(cat);
    return st;
}

/* ---- order, content, threads, crn ---- */

static void check_sequence(const toy_plan *tp, const collector *c)
{
    size_t n = sim_plan_n_runs(&tp->plan);
    assert_int_equal(c->n, n);
    for (size_t i = 0; i < n; i++) {
        const delivery *x = &c->d[i];
        size_t nv = tp->plan.n_variants, reps = tp->plan.replications;
        assert_int_equal(x->run, i);
        assert_int_equal(x->id.design, i / nv / reps);
        assert_int_equal(x->id.replication, i / nv % reps);
        assert_int_equal(x->id.variant, tp->variants[i % nv]);
        assert_true(x->ok);
        double key = tp->plan.crn ? 0.0 : (double)x->id.design;
        assert_float_equal(x->v[TOY_KEY_DESIGN], key, 0.0);
        assert_float_equal(x->v[TOY_REPLICATION], (double)x->id.replication, 0.0);
        assert_float_equal(x->v[TOY_VARIANT], (double)x->id.variant, 0.0);
        assert_float_equal(x->v[TOY_DRAW], toy_draw(11, (uint64_t)key, x->id.replication), 0.0);
        assert_float_equal(x->v[TOY_PAIRED], (double)nv, 0.0);
    }
}

static void test_order_and_threads(void **state)
{
    (void)state;
    static collector c1, c3;
    int threads[] = {1, 3};
    collector *cs[] = {&c1, &c3};
    for (int t = 0; t < 2; t++) {
        toy_plan tp;
        toy_plan_init(&tp, 3, 4, 2, 1);
        collector_init(cs[t]);
        sim_pool_stats stats;
        sim_error err;
        assert_int_equal(run_pool(&tp, threads[t], cs[t], &stats, &err), SIM_OK);
        check_sequence(&tp, cs[t]);
        assert_int_equal(stats.runs_done, 24);
        assert_int_equal(stats.runs_failed, 0);
        assert_int_equal(stats.threads, threads[t]);
        assert_int_equal(stats.events, 24 * 3);
        assert_int_equal(cs[t]->progress_calls, 12);
    }
    /* Field by field: struct padding is not part of the deliveries. */
    for (size_t i = 0; i < c1.n; i++) {
        assert_int_equal(c1.d[i].run, c3.d[i].run);
        assert_int_equal(c1.d[i].id.replication, c3.d[i].id.replication);
        assert_memory_equal(c1.d[i].v, c3.d[i].v, sizeof c1.d[i].v);
    }
}

static void test_independent_streams(void **state)
{
    (void)state;
    static collector c;
    toy_plan tp;
    toy_plan_init(&tp, 3, 2, 1, 0);
    collector_init(&c);
    sim_error err;
    assert_int_equal(run_pool(&tp, 2, &c, NULL, &err), SIM_OK);
    check_sequence(&tp, &c);
    /* Without crn, replication 0 of points 0 and 1 draw different numbers. */
    assert_true(c.d[0].v[TOY_DRAW] != c.d[2].v[TOY_DRAW]);
    sim_run_id key = sim_plan_stream_key(&tp.plan, 5);
    assert_int_equal(key.design, 2);
    tp.plan.crn = 1;
    key = sim_plan_stream_key(&tp.plan, 5);
    assert_int_equal(key.design, 0);
    assert_int_equal(sim_plan_run_id(&tp.plan, 5).design, 2);
}

/* More units than the window: workers must wait for the consumer. */
static void test_window_bound(void **state)
{
    (void)state;
    static collector c;
    toy_watch watch;
    toy_watch_init(&watch);
    toy_plan tp;
    toy_plan_init(&tp, 4, 25, 1, 0);
    tp.params.watch = &watch;
    tp.params.events = 200;
    collector_init(&c);
    c.watch = &watch;
    c.window = 2 * SIM_POOL_WINDOW_PER_THREAD;
    c.nv = 1;
    sim_error err;
    assert_int_equal(run_pool(&tp, 2, &c, NULL, &err), SIM_OK);
    assert_int_equal(c.n, 100);
    assert_int_equal(c.window_violations, 0);
    assert_int_equal(atomic_load(&watch.runs_started), 100);
}

/* ---- fault isolation ---- */

static void test_faults_are_isolated(void **state)
{
    (void)state;
    static collector c;
    toy_plan tp;
    toy_plan_init(&tp, 5, 3, 2, 1);
    tp.open[1] = 0;                       /* out of range */
    toy_params_init(&tp.other_layout, 3); /* another layout */
    tp.other_layout.extra_var = 1;
    tp.sc[2].params = &tp.other_layout;
    tp.sc[3].variants = tp.other_variants; /* other variants */
    tp.params.fail_rep = 1;                /* a runtime failure in replication 1 */
    tp.params.pair_fail_rep = 2;           /* a failed pair in replication 2 */
    collector_init(&c);
    sim_pool_stats stats;
    sim_error err;
    assert_int_equal(run_pool(&tp, 2, &c, &stats, &err), SIM_OK);
    assert_int_equal(c.n, 30);
    assert_int_equal(stats.runs_done + stats.runs_failed, 30);
    for (size_t i = 0; i < 30; i++) {
        const delivery *x = &c.d[i];
        size_t d = x->id.design, r = x->id.replication;
        assert_int_equal(x->run, i);
        if (d == 1) {
            assert_false(x->ok);
            assert_non_null(strstr(x->msg, "value out of range"));
        } else if (d == 2) {
            assert_false(x->ok);
            assert_non_null(strstr(x->msg, "changes the output layout"));
        } else if (d == 3) {
            assert_false(x->ok);
            assert_non_null(strstr(x->msg, "other variants"));
        } else if (r == 1) {
            assert_false(x->ok);
            assert_non_null(strstr(x->msg, "numerical trouble"));
        } else if (r == 2) {
            assert_false(x->ok);
            assert_non_null(strstr(x->msg, "pairing failed"));
        } else {
            assert_true(x->ok);
        }
    }
    assert_int_equal(stats.runs_done, 2 * 2); /* points 0 and 4, replication 0 */
}

/* ---- fatal errors ---- */

static void test_out_of_memory_is_fatal(void **state)
{
    (void)state;
    static collector c;
    toy_plan tp;
    toy_plan_init(&tp, 2, 4, 1, 1);
    tp.params.nomem_rep = 2;
    collector_init(&c);
    sim_error err;
    assert_int_equal(run_pool(&tp, 2, &c, NULL, &err), SIM_NOMEM);
    assert_non_null(strstr(err.msg, "out of memory"));
    assert_true(c.n <= 2);
}

static void test_sink_error_is_fatal(void **state)
{
    (void)state;
    static collector c;
    toy_plan tp;
    toy_plan_init(&tp, 2, 10, 2, 1);
    collector_init(&c);
    c.io_fail_at = 5;
    sim_error err;
    assert_int_equal(run_pool(&tp, 2, &c, NULL, &err), SIM_IO);
    assert_string_equal(err.msg, "disk full at run 5");
    assert_int_equal(c.n, 5);
}

/* ---- stopping ---- */

static void test_stop_keeps_order(void **state)
{
    (void)state;
    static collector c;
    toy_plan tp;
    toy_plan_init(&tp, 1, 60, 1, 1);
    tp.params.events = 2000;
    collector_init(&c);
    c.stop_after = 3;
    c.stop_level = 1;
    sim_pool_stats stats;
    sim_error err;
    assert_int_equal(run_pool(&tp, 2, &c, &stats, &err), SIM_INTERRUPTED);
    assert_non_null(strstr(err.msg, "interrupted"));
    assert_true(c.n >= 3);
    assert_true(c.n < 60);
    assert_int_equal(stats.runs_done + stats.runs_skipped, 60);
    for (size_t i = 1; i < c.n; i++)
        assert_true(c.d[i].run > c.d[i - 1].run);
}

static void test_abandon_running_units(void **state)
{
    (void)state;
    static collector c;
    toy_plan tp;
    toy_plan_init(&tp, 1, 4, 1, 1);
    tp.params.events = 2000000000L; /* would take minutes */
    collector_init(&c);
    c.stop_after = 0;
    c.stop_level = 2;
    sim_pool_stats stats;
    sim_error err;
    assert_int_equal(run_pool(&tp, 2, &c, &stats, &err), SIM_INTERRUPTED);
    assert_int_equal(c.n, 0);
    assert_int_equal(stats.runs_skipped, 4);
}

/* ---- resumed units ---- */

static void test_done_units_are_copied(void **state)
{
    (void)state;
    static collector c;
    toy_watch watch;
    toy_watch_init(&watch);
    toy_plan tp;
    toy_plan_init(&tp, 2, 3, 2, 1);
    tp.params.watch = &watch;
    unsigned char done[6] = {1, 0, 1, 1, 0, 0};
    collector_init(&c);
    sim_catalog *cat = sim_runner_catalog(&tp.sc[0]);
    tp.plan.cat = cat;
    sim_pool_hooks h = hooks_of(&c);
    h.done = done;
    sim_pool_stats stats;
    sim_error err;
    assert_int_equal(sim_pool_run(&tp.plan, 4, &h, &stats, &err), SIM_OK);
    sim_catalog_free(cat);
    assert_int_equal(c.n_copied, 3);
    assert_int_equal(c.copied[0], 0);
    assert_int_equal(c.copied[1], 2);
    assert_int_equal(c.copied[2], 3);
    assert_int_equal(c.n, 6);
    assert_int_equal(c.d[0].run, 2);
    assert_int_equal(c.d[2].run, 8);
    assert_int_equal(stats.runs_copied, 6);
    assert_int_equal(stats.threads, 3); /* three units to run */
    assert_int_equal(atomic_load(&watch.runs_started), 6);

    /* Everything done: no worker starts. */
    memset(done, 1, sizeof done);
    collector_init(&c);
    cat = sim_runner_catalog(&tp.sc[0]);
    tp.plan.cat = cat;
    assert_int_equal(sim_pool_run(&tp.plan, 2, &h, &stats, &err), SIM_OK);
    sim_catalog_free(cat);
    assert_int_equal(stats.threads, 0);
    assert_int_equal(c.n_copied, 6);
}

/* ---- argument checks ---- */

static void test_bad_arguments(void **state)
{
    (void)state;
    static collector c;
    toy_plan tp;
    toy_plan_init(&tp, 1, 2, 1, 1);
    collector_init(&c);
    sim_catalog *cat = sim_runner_catalog(&tp.sc[0]);
    tp.plan.cat = cat;
    sim_pool_hooks h = hooks_of(&c);
    sim_error err;
    assert_int_equal(sim_pool_run(&tp.plan, 0, &h, NULL, &err), SIM_INTERNAL);
    assert_non_null(strstr(err.msg, "threads"));
    assert_int_equal(sim_pool_run(NULL, 1, &h, NULL, &err), SIM_INTERNAL);
    h.sink.fail = NULL;
    assert_int_equal(sim_pool_run(&tp.plan, 1, &h, NULL, &err), SIM_INTERNAL);
    h = hooks_of(&c);
    unsigned char done[2] = {1, 0};
    h.done = done;
    h.copy = NULL;
    assert_int_equal(sim_pool_run(&tp.plan, 1, &h, NULL, &err), SIM_INTERNAL);
    assert_non_null(strstr(err.msg, "copy"));
    h = hooks_of(&c);
    tp.plan.replications = 0;
    assert_int_equal(sim_pool_run(&tp.plan, 1, &h, NULL, &err), SIM_INTERNAL);
    assert_non_null(strstr(err.msg, "empty"));
    tp.plan.replications = SIZE_MAX / 2;
    tp.plan.n_designs = 4;
    assert_int_equal(sim_pool_run(&tp.plan, 1, &h, NULL, &err), SIM_INTERNAL);
    assert_non_null(strstr(err.msg, "too many"));
    sim_catalog_free(cat);
}

/* ---- the runner pieces ---- */

static void test_run_keyed_stop_flag(void **state)
{
    (void)state;
    toy_params p;
    toy_params_init(&p, 1);
    p.events = 3 * SIM_RUNNER_STOP_EVERY;
    int variants[1] = {0};
    sim_scenario sc;
    toy_scenario(&sc, &p, 1, variants, 1);
    sim_catalog *cat = sim_runner_catalog(&sc);
    sim_record *rec = sim_record_alloc(cat);
    atomic_int stop;
    atomic_init(&stop, 1);
    sim_run_id id = {.master_seed = 1};
    uint64_t events = 0;
    sim_error err;
    assert_int_equal(sim_runner_run_keyed(&sc, cat, &id, rec, &events, &stop, &err),
                     SIM_INTERRUPTED);
    assert_int_equal(events, SIM_RUNNER_STOP_EVERY);
    assert_non_null(strstr(err.msg, "abandoned"));
    atomic_store(&stop, 0);
    assert_int_equal(sim_runner_run_keyed(&sc, cat, &id, rec, &events, &stop, NULL), SIM_OK);
    assert_int_equal(events, 3 * SIM_RUNNER_STOP_EVERY);
    /* Without an error record, a failing run still reports its status. */
    p.fail_rep = 0;
    assert_int_equal(sim_runner_run_keyed(&sc, cat, &id, rec, &events, NULL, NULL), SIM_NUMERIC);
    sim_record_free(rec);
    sim_catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_threads),      cmocka_unit_test(test_independent_streams),
        cmocka_unit_test(test_window_bound),           cmocka_unit_test(test_faults_are_isolated),
        cmocka_unit_test(test_out_of_memory_is_fatal), cmocka_unit_test(test_sink_error_is_fatal),
        cmocka_unit_test(test_stop_keeps_order),       cmocka_unit_test(test_abandon_running_units),
        cmocka_unit_test(test_done_units_are_copied),  cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_run_keyed_stop_flag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
