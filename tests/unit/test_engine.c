/* Tests of sim_engine (clock, order, timers, end time, errors) and of sim_status, whose
 * error records the engine fills. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "sim_engine.h"

#define LOG_MAX 64

/* What the handler saw, plus knobs that make it reschedule or fail. */
typedef struct recorder {
    size_t n;
    double t[LOG_MAX];
    uint16_t kind[LOG_MAX];
    uint32_t a[LOG_MAX];
    int timer_pending_in_handler[LOG_MAX];
    double counter_step;   /* > 0: every event schedules the next one this much later */
    sim_status fail_with;  /* returned by the handler when not SIM_OK */
    int fail_with_message; /* whether the failing handler fills err */
} recorder;

static sim_status record_event(void *model_state, sim_engine *eng, const sim_event *ev,
                               sim_error *err)
{
    recorder *rec = model_state;
    if (rec->n < LOG_MAX) {
        rec->t[rec->n] = ev->t;
        rec->kind[rec->n] = ev->kind;
        rec->a[rec->n] = ev->a;
        rec->timer_pending_in_handler[rec->n] =
            ev->timer != SIM_NO_TIMER ? sim_engine_timer_pending(eng, ev->timer) : -1;
    }
    rec->n++;
    assert_float_equal(sim_engine_now(eng), ev->t, 0.0);
    if (rec->fail_with != SIM_OK)
        return rec->fail_with_message
                   ? sim_error_set(err, rec->fail_with, "model broke at %g", ev->t)
                   : rec->fail_with;
    if (rec->counter_step > 0.0)
        return sim_engine_schedule(eng, ev->t + rec->counter_step, 0, ev->kind, ev->a + 1, 0, err);
    return SIM_OK;
}

static sim_engine *engine_new(recorder *rec, double end_time, size_t n_timers)
{
    sim_engine_config cfg = {.start_time = 0.0,
                             .end_time = end_time,
                             .n_timers = n_timers,
                             .capacity_hint = 0,
                             .handler = record_event,
                             .model_state = rec};
    sim_error err;
    sim_error_clear(&err);
    sim_engine *eng = sim_engine_alloc(&cfg, &err);
    if (eng == NULL)
        fail_msg("engine alloc failed: %s", err.msg);
    return eng;
}

static void schedule_ok(sim_engine *eng, double t, unsigned prio, uint16_t kind)
{
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_engine_schedule(eng, t, prio, kind, 0, 0, &err);
    if (st != SIM_OK)
        fail_msg("schedule at %g failed: %s", t, err.msg);
}

static void timer_ok(sim_engine *eng, uint32_t timer, double t, uint16_t kind)
{
    sim_error err;
    sim_error_clear(&err);
    if (sim_engine_timer_set(eng, timer, t, 0, kind, 0, 0, &err) != SIM_OK)
        fail_msg("timer %u at %g failed: %s", timer, t, err.msg);
}

static void run_ok(sim_engine *eng)
{
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_engine_run(eng, &err);
    if (st != SIM_OK)
        fail_msg("run failed: %s", err.msg);
}

static void test_events_in_order(void **state)
{
    (void)state;
    recorder rec = {0};
    sim_engine *eng = engine_new(&rec, 100.0, 0);
    schedule_ok(eng, 5.0, 0, 50);
    schedule_ok(eng, 1.0, 2, 12);
    schedule_ok(eng, 1.0, 1, 11);
    schedule_ok(eng, 3.0, 0, 30);
    schedule_ok(eng, 1.0, 2, 13);
    schedule_ok(eng, 0.0, 0, 0);
    run_ok(eng);
    const uint16_t want[] = {0, 11, 12, 13, 30, 50};
    assert_int_equal(rec.n, 6);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(rec.kind[i], want[i]);
    assert_int_equal(sim_engine_events_handled(eng), 6);
    assert_float_equal(sim_engine_now(eng), 100.0, 0.0);
    sim_engine_free(eng);
}

static void test_step_results(void **state)
{
    (void)state;
    recorder rec = {0};
    sim_engine *eng = engine_new(&rec, 10.0, 0);
    schedule_ok(eng, 2.0, 0, 1);
    schedule_ok(eng, 4.0, 0, 2);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_engine_step(eng, &err), SIM_STEP_EVENT);
    assert_float_equal(sim_engine_now(eng), 2.0, 0.0);
    assert_int_equal(sim_engine_pending(eng), 1);
    assert_int_equal(sim_engine_step(eng, &err), SIM_STEP_EVENT);
    assert_float_equal(sim_engine_now(eng), 4.0, 0.0);
    assert_int_equal(sim_engine_step(eng, &err), SIM_STEP_DONE);
    assert_float_equal(sim_engine_now(eng), 10.0, 0.0);
    assert_int_equal(sim_engine_step(eng, &err), SIM_STEP_DONE);
    assert_int_equal(err.status, SIM_OK);
    sim_engine_free(eng);
}

/* Equal-time events scheduled by a handler come after those already waiting. */
static void test_same_time_events_fifo(void **state)
{
    (void)state;
    recorder rec = {.counter_step = 0.0};
    sim_engine *eng = engine_new(&rec, 10.0, 0);
    schedule_ok(eng, 1.0, 0, 1);
    schedule_ok(eng, 1.0, 0, 2);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_engine_step(eng, &err), SIM_STEP_EVENT);
    schedule_ok(eng, 1.0, 0, 3); /* at now: allowed, fires after kind 2 */
    run_ok(eng);
    assert_int_equal(rec.n, 3);
    assert_int_equal(rec.kind[1], 2);
    assert_int_equal(rec.kind[2], 3);
    sim_engine_free(eng);
}

/* A self-rescheduling counter: events at 0, 1, ..., 100 with end time 100. */
static void test_counter_model_runs_to_end(void **state)
{
    (void)state;
    recorder rec = {.counter_step = 1.0};
    sim_engine *eng = engine_new(&rec, 100.0, 0);
    schedule_ok(eng, 0.0, 0, 7);
    run_ok(eng);
    assert_int_equal(rec.n, 101);
    assert_int_equal(sim_engine_events_handled(eng), 101);
    assert_float_equal(sim_engine_now(eng), 100.0, 0.0);
    assert_int_equal(rec.a[LOG_MAX - 1], LOG_MAX - 1);
    assert_int_equal(sim_engine_pending(eng), 1); /* the event at 101 stays unhandled */
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_engine_step(eng, &err), SIM_STEP_DONE);
    assert_int_equal(rec.n, 101);
    sim_engine_free(eng);
}

static void test_end_time(void **state)
{
    (void)state;
    recorder rec = {0};
    sim_engine *eng = engine_new(&rec, 10.0, 1);
    schedule_ok(eng, 10.0, 0, 1); /* exactly at the end: handled */
    schedule_ok(eng, 10.5, 0, 2);
    timer_ok(eng, 0, 11.0, 3);
    assert_float_equal(sim_engine_end_time(eng), 10.0, 0.0);
    run_ok(eng);
    assert_int_equal(rec.n, 1);
    assert_int_equal(rec.kind[0], 1);
    assert_float_equal(sim_engine_now(eng), 10.0, 0.0);
    assert_int_equal(sim_engine_timer_pending(eng, 0), 1);
    schedule_ok(eng, 12.0, 0, 4); /* after the end: accepted, never handled */
    run_ok(eng);
    assert_int_equal(rec.n, 1);
    assert_float_equal(sim_engine_now(eng), 10.0, 0.0);
    sim_engine_free(eng);
}

static void test_timer_rearm_voids_old_event(void **state)
{
    (void)state;
    recorder rec = {0};
    sim_engine *eng = engine_new(&rec, 100.0, 2);
    timer_ok(eng, 0, 5.0, 1);
    timer_ok(eng, 0, 3.0, 2); /* earlier: the event at 5 is void */
    timer_ok(eng, 1, 4.0, 3);
    timer_ok(eng, 1, 8.0, 4); /* later: the event at 4 is void */
    assert_int_equal(sim_engine_timer_pending(eng, 0), 1);
    assert_float_equal(sim_engine_timer_time(eng, 0), 3.0, 0.0);
    assert_float_equal(sim_engine_timer_time(eng, 1), 8.0, 0.0);
    assert_int_equal(sim_engine_pending(eng), 4);
    run_ok(eng);
    assert_int_equal(rec.n, 2);
    assert_int_equal(rec.kind[0], 2);
    assert_float_equal(rec.t[0], 3.0, 0.0);
    assert_int_equal(rec.kind[1], 4);
    assert_float_equal(rec.t[1], 8.0, 0.0);
    /* The firing event disarms its timer before the handler runs. */
    assert_int_equal(rec.timer_pending_in_handler[0], 0);
    assert_int_equal(sim_engine_events_handled(eng), 2);
    assert_int_equal(sim_engine_timer_pending(eng, 0), 0);
    assert_true(isinf(sim_engine_timer_time(eng, 0)));
    assert_int_equal(sim_engine_pending(eng), 0);
    sim_engine_free(eng);
}

static void test_timer_cancel(void **state)
{
    (void)state;
    recorder rec = {0};
    sim_engine *eng = engine_new(&rec, 100.0, 3);
    timer_ok(eng, 0, 5.0, 1);
    timer_ok(eng, 2, 6.0, 2);
    sim_engine_timer_cancel(eng, 0);
    sim_engine_timer_cancel(eng, 1);            /* idle: no-op */
    sim_engine_timer_cancel(eng, 3);            /* out of range: no-op */
    sim_engine_timer_cancel(eng, SIM_NO_TIMER); /* out of range: no-op */
    assert_int_equal(sim_engine_timer_pending(eng, 0), 0);
    assert_true(isinf(sim_engine_timer_time(eng, 0)));
    assert_int_equal(sim_engine_timer_pending(eng, 2), 1);
    assert_int_equal(sim_engine_timer_pending(eng, 7), 0);
    assert_true(isinf(sim_engine_timer_time(eng, 7)));
    run_ok(eng);
    assert_int_equal(rec.n, 1);
    assert_int_equal(rec.kind[0], 2);
    assert_int_equal(sim_engine_events_handled(eng), 1);
    sim_engine_free(eng);
}

/* Cancel then re-arm at the old time: only the new event fires, once. */
static void test_stale_events_not_handled(void **state)
{
    (void)state;
    recorder rec = {0};
    sim_engine *eng = engine_new(&rec, 100.0, 1);
    sim_error err;
    sim_error_clear(&err);
    for (int i = 0; i < 10; i++)
        timer_ok(eng, 0, 5.0, (uint16_t)i);
    sim_engine_timer_cancel(eng, 0);
    timer_ok(eng, 0, 5.0, 99);
    schedule_ok(eng, 6.0, 0, 100);
    assert_int_equal(sim_engine_pending(eng), 12);
    assert_int_equal(sim_engine_step(eng, &err), SIM_STEP_EVENT);
    assert_int_equal(rec.kind[0], 99);
    assert_int_equal(sim_engine_pending(eng), 1); /* the void events were dropped on the way */
    assert_int_equal(sim_engine_step(eng, &err), SIM_STEP_EVENT);
    assert_int_equal(sim_engine_step(eng, &err), SIM_STEP_DONE);
    assert_int_equal(rec.n, 2);
    assert_int_equal(sim_engine_events_handled(eng), 2);
    sim_engine_free(eng);
}

static void expect_schedule_error(sim_engine *eng, double t, unsigned prio, const char *needle)
{
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_engine_schedule(eng, t, prio, 1, 0, 0, &err), SIM_INTERNAL);
    assert_int_equal(err.status, SIM_INTERNAL);
    if (strstr(err.msg, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
}

static void test_schedule_errors(void **state)
{
    (void)state;
    recorder rec = {0};
    sim_engine *eng = engine_new(&rec, 100.0, 1);
    schedule_ok(eng, 5.0, 0, 1);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_engine_step(eng, &err), SIM_STEP_EVENT);
    expect_schedule_error(eng, 4.0, 0, "after now=5");
    expect_schedule_error(eng, NAN, 0, "t=nan");
    expect_schedule_error(eng, INFINITY, 0, "t=inf");
    expect_schedule_error(eng, 6.0, SIM_EVENT_PRIO_MAX + 1, "priority 256");
    schedule_ok(eng, 6.0, SIM_EVENT_PRIO_MAX, 2);
    assert_int_equal(sim_engine_schedule(eng, 1.0, 0, 1, 0, 0, NULL), SIM_INTERNAL);

    timer_ok(eng, 0, 8.0, 3);
    sim_error_clear(&err);
    assert_int_equal(sim_engine_timer_set(eng, 1, 9.0, 0, 4, 0, 0, &err), SIM_INTERNAL);
    assert_non_null(strstr(err.msg, "timer 1 out of range"));
    sim_error_clear(&err);
    assert_int_equal(sim_engine_timer_set(eng, 0, 1.0, 0, 4, 0, 0, &err), SIM_INTERNAL);
    sim_error_clear(&err);
    assert_int_equal(sim_engine_timer_set(eng, 0, 9.0, 300, 4, 0, 0, &err), SIM_INTERNAL);
    /* A failed re-arm leaves the pending event valid. */
    assert_int_equal(sim_engine_timer_pending(eng, 0), 1);
    assert_float_equal(sim_engine_timer_time(eng, 0), 8.0, 0.0);
    run_ok(eng);
    assert_int_equal(rec.n, 3);
    assert_int_equal(rec.kind[2], 3);
    sim_engine_free(eng);
}

static void expect_config_error(const sim_engine_config *cfg, const char *needle)
{
    sim_error err;
    sim_error_clear(&err);
    assert_null(sim_engine_alloc(cfg, &err));
    assert_int_equal(err.status, SIM_INTERNAL);
    if (strstr(err.msg, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", err.msg, needle);
}

static void test_config_errors(void **state)
{
    (void)state;
    recorder rec = {0};
    sim_engine_config good = {.end_time = 1.0, .handler = record_event, .model_state = &rec};
    sim_engine_config c = good;
    c.handler = NULL;
    expect_config_error(&c, "no event handler");
    expect_config_error(NULL, "no event handler");
    c = good;
    c.end_time = INFINITY;
    expect_config_error(&c, "must be finite");
    c = good;
    c.start_time = NAN;
    expect_config_error(&c, "must be finite");
    c = good;
    c.start_time = 2.0;
    expect_config_error(&c, "before start time");
    c = good;
    c.n_timers = SIM_NO_TIMER;
    expect_config_error(&c, "timers requested");
    sim_engine_free(NULL);
}

static void test_set_model_state_and_start_time(void **state)
{
    (void)state;
    recorder rec = {0};
    sim_engine_config cfg = {.start_time = 2.0, .end_time = 3.0, .handler = record_event};
    sim_error err;
    sim_error_clear(&err);
    sim_engine *eng = sim_engine_alloc(&cfg, &err);
    assert_non_null(eng);
    assert_float_equal(sim_engine_now(eng), 2.0, 0.0);
    sim_engine_set_model_state(eng, &rec);
    expect_schedule_error(eng, 1.0, 0, "after now=2");
    schedule_ok(eng, 2.5, 0, 1);
    run_ok(eng);
    assert_int_equal(rec.n, 1);
    sim_engine_free(eng);
}

static void test_handler_error_stops_run(void **state)
{
    (void)state;
    recorder rec = {.fail_with = SIM_NUMERIC, .fail_with_message = 1};
    sim_engine *eng = engine_new(&rec, 100.0, 0);
    schedule_ok(eng, 1.0, 0, 1);
    schedule_ok(eng, 2.0, 0, 2);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_engine_run(eng, &err), SIM_NUMERIC);
    assert_int_equal(err.status, SIM_NUMERIC);
    assert_string_equal(err.msg, "model broke at 1");
    assert_int_equal(rec.n, 1);
    assert_int_equal(sim_engine_pending(eng), 1);
    sim_engine_free(eng);
}

/* A handler that fails without a message still leaves one in err. */
static void test_handler_error_without_message(void **state)
{
    (void)state;
    recorder rec = {.fail_with = SIM_IO, .fail_with_message = 0};
    sim_engine *eng = engine_new(&rec, 100.0, 0);
    schedule_ok(eng, 1.5, 0, 9);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_engine_step(eng, &err), SIM_STEP_ERROR);
    assert_int_equal(err.status, SIM_IO);
    assert_non_null(strstr(err.msg, "kind 9 at t=1.5"));
    schedule_ok(eng, 2.0, 0, 9);
    assert_int_equal(sim_engine_run(eng, NULL), SIM_IO);
    sim_engine_free(eng);
}

/* ---- sim_status ---- */

static void test_status_table(void **state)
{
    (void)state;
    assert_string_equal(sim_status_text(SIM_OK), "success");
    assert_string_equal(sim_status_text(SIM_INVALID), "invalid scenario");
    assert_string_equal(sim_status_text(SIM_INTERRUPTED), "interrupted (resumable)");
    assert_string_equal(sim_status_text(SIM_STATUS_COUNT), "unknown status");
    assert_string_equal(sim_status_text((sim_status)-1), "unknown status");
    const int want[] = {0, 2, 65, 66, 70, 70, 70, 74, 75};
    assert_int_equal(SIM_STATUS_COUNT, sizeof want / sizeof want[0]);
    for (int s = 0; s < SIM_STATUS_COUNT; s++)
        assert_int_equal(sim_status_exit_code((sim_status)s), want[s]);
    assert_int_equal(sim_status_exit_code(SIM_STATUS_COUNT), 70);
}

static void test_error_record(void **state)
{
    (void)state;
    sim_error err;
    assert_int_equal(sim_error_set(&err, SIM_IO, "cannot open %s (%d)", "x.h5", 2), SIM_IO);
    assert_int_equal(err.status, SIM_IO);
    assert_string_equal(err.msg, "cannot open x.h5 (2)");
    sim_error_clear(&err);
    assert_int_equal(err.status, SIM_OK);
    assert_string_equal(err.msg, "");
    sim_error_clear(NULL);
    assert_int_equal(sim_error_set(NULL, SIM_USAGE, "ignored %d", 1), SIM_USAGE);

    /* Longer than the buffer: truncated and terminated. */
    char longer[2 * SIM_ERROR_MSG_MAX];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    sim_error_set(&err, SIM_INVALID, "%s", longer);
    assert_int_equal(strlen(err.msg), SIM_ERROR_MSG_MAX - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_in_order),
        cmocka_unit_test(test_step_results),
        cmocka_unit_test(test_same_time_events_fifo),
        cmocka_unit_test(test_counter_model_runs_to_end),
        cmocka_unit_test(test_end_time),
        cmocka_unit_test(test_timer_rearm_voids_old_event),
        cmocka_unit_test(test_timer_cancel),
        cmocka_unit_test(test_stale_events_not_handled),
        cmocka_unit_test(test_schedule_errors),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_set_model_state_and_start_time),
        cmocka_unit_test(test_handler_error_stops_run),
        cmocka_unit_test(test_handler_error_without_message),
        cmocka_unit_test(test_status_table),
        cmocka_unit_test(test_error_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
