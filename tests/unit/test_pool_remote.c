/*
 * Tests of the pool's remote executors (sim_pool_remote) and of sim_unit_runner, with the toy
 * model: a fake remote computes each unit with its own unit runner per slot and ships every
 * record through sim_record_pack/unpack, as the MPI ranks do. Deliveries equal a local run's;
 * remote slots take units (dynamic scheduling); a design point that does not open fails its
 * runs remotely too; a remote error is fatal; abandoning stops remote slots; bad arguments.
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
#include <time.h>

#include "sim_pool.h"
#include "sim_runner.h"
#include "toy_model.h"

#define DESIGNS         4
#define MAX_SLOTS       4
#define MAX_RUNS        256
#define FAIL_EVERY_UNIT (SIZE_MAX - 1)

typedef struct toy_plan {
    sim_scenario sc[DESIGNS];
    int open[DESIGNS];
    toy_params params;
    int variants[2];
    sim_plan plan;
    sim_catalog *cat;
} toy_plan;

static sim_status toy_open(void *ctx, size_t d, sim_scenario **out, sim_error *err)
{
    toy_plan *tp = ctx;
    if (!tp->open[d])
        return sim_error_set(err, SIM_INVALID, "design point %zu: value out of range", d);
    *out = &tp->sc[d];
    return SIM_OK;
}

static void toy_plan_init(toy_plan *tp, size_t reps)
{
    memset(tp, 0, sizeof *tp);
    toy_params_init(&tp->params, reps);
    tp->variants[0] = 0;
    tp->variants[1] = 1;
    for (size_t d = 0; d < DESIGNS; d++) {
        toy_scenario(&tp->sc[d], &tp->params, reps, tp->variants, 2);
        tp->open[d] = 1;
    }
    tp->cat = sim_runner_catalog(&tp->sc[0]);
    assert_non_null(tp->cat);
    tp->plan = (sim_plan){
        .n_designs = DESIGNS,
        .replications = reps,
        .n_variants = 2,
        .variants = tp->variants,
        .master_seed = 5,
        .crn = 1,
        .cat = tp->cat,
        .open = toy_open,
        .ctx = tp,
    };
}

/* ---- a fake remote: a unit runner per slot, records through pack/unpack ---- */

typedef struct fake_remote {
    const sim_plan *plan;
    sim_unit_runner *runner[MAX_SLOTS];
    sim_group g[MAX_SLOTS]; /* computed here, then "sent" into the pool's group */
    atomic_long units[MAX_SLOTS];
    size_t fatal_unit; /* return SIM_IO for this unit; SIZE_MAX: never */
    int wait_abandon;  /* block until abandon, then SIM_INTERRUPTED */
} fake_remote;

static void fake_init(fake_remote *f, const sim_plan *plan)
{
    memset(f, 0, sizeof *f);
    f->plan = plan;
    f->fatal_unit = SIZE_MAX;
    for (int s = 0; s < MAX_SLOTS; s++) {
        f->runner[s] = sim_unit_runner_new(plan);
        assert_non_null(f->runner[s]);
        f->g[s].recs = calloc(2, sizeof *f->g[s].recs);
        f->g[s].ok = calloc(2, sizeof *f->g[s].ok);
        f->g[s].why = calloc(2, sizeof *f->g[s].why);
        for (int k = 0; k < 2; k++)
            f->g[s].recs[k] = sim_record_alloc(plan->cat);
        atomic_init(&f->units[s], 0);
    }
}

static void fake_free(fake_remote *f)
{
    for (int s = 0; s < MAX_SLOTS; s++) {
        sim_unit_runner_free(f->runner[s]);
        for (int k = 0; k < 2; k++)
            sim_record_free(f->g[s].recs[k]);
        free(f->g[s].recs);
        free(f->g[s].ok);
        free(f->g[s].why);
    }
}

static sim_status ship(const sim_record *from, sim_record *to, sim_error *err)
{
    size_t n = sim_record_packed_size(from);
    void *buf = malloc(n);
    if (buf == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    sim_status st = sim_record_pack(from, buf, n);
    if (st == SIM_OK)
        st = sim_record_unpack(to, buf, n, err);
    free(buf);
    return st;
}

static sim_status fake_run_unit(void *ctx, int slot, size_t unit, sim_group *g,
                                const atomic_int *abandon, sim_error *err)
{
    fake_remote *f = ctx;
    assert_true(slot >= 0 && slot < MAX_SLOTS);
    atomic_fetch_add(&f->units[slot], 1);
    if (unit == f->fatal_unit || f->fatal_unit == FAIL_EVERY_UNIT)
        return sim_error_set(err, SIM_IO, "rank 2 went away at unit %zu", unit);
    if (f->wait_abandon) {
        struct timespec ms = {0, 1000000};
        while (!atomic_load(abandon))
            nanosleep(&ms, NULL);
        return SIM_INTERRUPTED;
    }
    sim_group *mine = &f->g[slot];
    sim_status st = sim_unit_runner_run(f->runner[slot], unit, mine, abandon, err);
    if (st != SIM_OK)
        return st;
    for (size_t k = 0; k < f->plan->n_variants && st == SIM_OK; k++) {
        g->ok[k] = mine->ok[k];
        g->why[k] = mine->why[k];
        if (mine->ok[k])
            st = ship(mine->recs[k], g->recs[k], err);
    }
    g->events = mine->events;
    return st;
}

/* ---- a collecting sink ---- */

typedef struct delivery {
    size_t run;
    int ok;
    double v[6];
    char msg[SIM_ERROR_MSG_MAX];
} delivery;

typedef struct collector {
    delivery d[MAX_RUNS];
    size_t n;
    int stop_level;
} collector;

static sim_status col_put(void *ctx, size_t run, const sim_run_id *id, const sim_record *rec,
                          sim_error *err)
{
    collector *c = ctx;
    (void)id;
    (void)err;
    delivery *x = &c->d[c->n++];
    *x = (delivery){.run = run, .ok = 1};
    for (size_t i = 0; i < 6; i++)
        x->v[i] = sim_record_cvalues(rec, i)[0];
    return SIM_OK;
}

static sim_status col_fail(void *ctx, size_t run, const sim_run_id *id, const sim_error *why,
                           sim_error *err)
{
    collector *c = ctx;
    (void)id;
    (void)err;
    delivery *x = &c->d[c->n++];
    *x = (delivery){.run = run, .ok = 0};
    snprintf(x->msg, sizeof x->msg, "%s", why->msg);
    return SIM_OK;
}

static int col_stop(void *ctx)
{
    const collector *c = ctx;
    return c->stop_level;
}

static sim_status run(toy_plan *tp, int threads, const sim_pool_remote *remote, collector *c,
                      sim_pool_stats *stats, sim_error *err)
{
    memset(c, 0, sizeof *c);
    sim_pool_hooks h = {
        .sink = {.put = col_put, .fail = col_fail, .ctx = c},
        .stop = col_stop,
        .ctx = c,
        .remote = remote,
    };
    sim_error_clear(err);
    return sim_pool_run(&tp->plan, threads, &h, stats, err);
}

static void assert_same_deliveries(const collector *a, const collector *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        assert_int_equal(a->d[i].run, b->d[i].run);
        assert_int_equal(a->d[i].ok, b->d[i].ok);
        assert_string_equal(a->d[i].msg, b->d[i].msg);
        if (memcmp(a->d[i].v, b->d[i].v, sizeof a->d[i].v) != 0)
            fail_msg("run %zu: values differ", a->d[i].run);
    }
}

/* ---- tests ---- */

static void test_remote_equals_local(void **state)
{
    (void)state;
    static collector local, mixed;
    toy_plan tp;
    toy_plan_init(&tp, 6);
    tp.params.events = 20000;
    tp.open[2] = 0; /* fails remotely as locally */
    sim_pool_stats stats;
    sim_error err;
    assert_int_equal(run(&tp, 1, NULL, &local, &stats, &err), SIM_OK);
    assert_int_equal(local.n, 48);
    fake_remote f;
    fake_init(&f, &tp.plan);
    sim_pool_remote r = {.slots = 3, .run_unit = fake_run_unit, .ctx = &f};
    assert_int_equal(run(&tp, 1, &r, &mixed, &stats, &err), SIM_OK);
    assert_same_deliveries(&local, &mixed);
    assert_int_equal(stats.threads, 1); /* local workers only */
    assert_int_equal(stats.runs_done, 36);
    assert_int_equal(stats.runs_failed, 12);
    assert_non_null(strstr(mixed.d[12 * 2].msg, "value out of range"));
    long remote_units = 0;
    for (int s = 0; s < 3; s++)
        remote_units += atomic_load(&f.units[s]);
    /* Four executors share 24 units: the three remote slots must have taken some, and the
     * local worker too (the pool does not hand everything to one side). */
    assert_true(remote_units > 0);
    assert_true(remote_units < 24);
    assert_int_equal(atomic_load(&f.units[3]), 0);
    fake_free(&f);
    sim_catalog_free(tp.cat);
}

/* A remote error other than SIM_INTERRUPTED is fatal: the local worker, busy with a run that
 * would take minutes, is abandoned, nothing is delivered, and the remote's message comes back.
 */
static void test_remote_error_is_fatal(void **state)
{
    (void)state;
    static collector c;
    toy_plan tp;
    toy_plan_init(&tp, 3);
    tp.params.events = 2000000000L;
    fake_remote f;
    fake_init(&f, &tp.plan);
    f.fatal_unit = FAIL_EVERY_UNIT;
    sim_pool_remote r = {.slots = 2, .run_unit = fake_run_unit, .ctx = &f};
    sim_error err;
    assert_int_equal(run(&tp, 1, &r, &c, NULL, &err), SIM_IO);
    assert_non_null(strstr(err.msg, "rank 2 went away at unit "));
    assert_int_equal(c.n, 0);
    fake_free(&f);
    sim_catalog_free(tp.cat);
}

static void test_abandon_remote_slots(void **state)
{
    (void)state;
    static collector c;
    toy_plan tp;
    toy_plan_init(&tp, 2);
    tp.params.events = 2000000000L; /* the local worker would take minutes */
    fake_remote f;
    fake_init(&f, &tp.plan);
    f.wait_abandon = 1;
    sim_pool_remote r = {.slots = 2, .run_unit = fake_run_unit, .ctx = &f};
    sim_pool_stats stats;
    sim_error err;
    memset(&c, 0, sizeof c);
    c.stop_level = 2;
    sim_pool_hooks h = {
        .sink = {.put = col_put, .fail = col_fail, .ctx = &c},
        .stop = col_stop,
        .ctx = &c,
        .remote = &r,
    };
    assert_int_equal(sim_pool_run(&tp.plan, 1, &h, &stats, &err), SIM_INTERRUPTED);
    assert_int_equal(c.n, 0);
    assert_int_equal(stats.runs_skipped, 16);
    fake_free(&f);
    sim_catalog_free(tp.cat);
}

static void test_bad_remote(void **state)
{
    (void)state;
    static collector c;
    toy_plan tp;
    toy_plan_init(&tp, 1);
    sim_pool_remote r = {.slots = 1, .run_unit = NULL, .ctx = NULL};
    sim_error err;
    assert_int_equal(run(&tp, 1, &r, &c, NULL, &err), SIM_INTERNAL);
    assert_non_null(strstr(err.msg, "remote"));
    r = (sim_pool_remote){.slots = -1, .run_unit = fake_run_unit};
    assert_int_equal(run(&tp, 1, &r, &c, NULL, &err), SIM_INTERNAL);
    /* zero slots: a remote with nothing to offer is just the local pool */
    r.slots = 0;
    assert_int_equal(run(&tp, 2, &r, &c, NULL, &err), SIM_OK);
    assert_int_equal(c.n, DESIGNS * 2);
    sim_catalog_free(tp.cat);
}

static void test_unit_runner(void **state)
{
    (void)state;
    toy_plan tp;
    toy_plan_init(&tp, 3);
    tp.open[1] = 0;
    sim_unit_runner *ur = sim_unit_runner_new(&tp.plan);
    assert_non_null(ur);
    sim_record *recs[2] = {sim_record_alloc(tp.cat), sim_record_alloc(tp.cat)};
    int ok[2];
    sim_error why[2];
    sim_group g = {.recs = recs, .ok = ok, .why = why};
    sim_error err;
    /* unit 4 = design 1, replication 1: does not open */
    assert_int_equal(sim_unit_runner_run(ur, 4, &g, NULL, &err), SIM_OK);
    assert_int_equal(ok[0], 0);
    assert_int_equal(ok[1], 0);
    assert_string_equal(why[1].msg, "design point 1: value out of range");
    /* unit 7 = design 2, replication 1: the key is design 0 under crn */
    assert_int_equal(sim_unit_runner_run(ur, 7, &g, NULL, &err), SIM_OK);
    assert_int_equal(ok[0], 1);
    assert_float_equal(sim_record_cvalues(recs[1], TOY_REPLICATION)[0], 1.0, 0.0);
    assert_float_equal(sim_record_cvalues(recs[1], TOY_VARIANT)[0], 1.0, 0.0);
    assert_float_equal(sim_record_cvalues(recs[0], TOY_DRAW)[0], toy_draw(5, 0, 1), 0.0);
    sim_record_free(recs[0]);
    sim_record_free(recs[1]);
    sim_unit_runner_free(ur);
    sim_unit_runner_free(NULL);
    sim_catalog_free(tp.cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_remote_equals_local),  cmocka_unit_test(test_remote_error_is_fatal),
        cmocka_unit_test(test_abandon_remote_slots), cmocka_unit_test(test_bad_remote),
        cmocka_unit_test(test_unit_runner),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
