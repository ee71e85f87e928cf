/* Tests of the paths the performance work added to the engine core: the radix queue's
 * buckets, refills and front (sim_queue.c) on times test_queue does not reach (negative,
 * signed zeros, times running backwards, huge and tiny magnitudes, crowded buckets), and
 * the direct draw of sim_rng_uniform_pos against GSL's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "sim_queue.h"
#include "sim_rng.h"

static sim_event event(double t, unsigned prio, uint64_t seq)
{
    return (sim_event){.t = t,
                       .key = ((uint64_t)prio << SIM_EVENT_SEQ_BITS) | seq,
                       .a = (uint32_t)seq,
                       .timer = SIM_NO_TIMER};
}

static void push_ok(sim_queue *q, sim_event ev)
{
    assert_int_equal(sim_queue_push(q, &ev), SIM_OK);
}

static void pop_expect(sim_queue *q, double t, uint64_t seq)
{
    sim_event ev;
    const sim_event *top = sim_queue_peek(q);
    assert_non_null(top);
    assert_float_equal(top->t, t, 0.0);
    assert_int_equal(top->a, seq);
    assert_int_equal(sim_queue_pop(q, &ev), 1);
    if (ev.t != t || ev.a != seq)
        fail_msg("popped (t=%g, seq=%u), expected (t=%g, seq=%llu)", ev.t, ev.a, t,
                 (unsigned long long)seq);
}

/* Negative times come first; -0.0 and +0.0 are the same time and tie on priority, then
 * sequence. Forty later events keep the queue too large to be sorted in one small heap, so
 * the zeros are told apart by their buckets. */
static void test_negative_and_signed_zero(void **state)
{
    (void)state;
    sim_queue *q = sim_queue_alloc(0);
    for (uint64_t i = 10; i < 50; i++)
        push_ok(q, event((double)i, 0, i));
    push_ok(q, event(0.0, 1, 0));
    push_ok(q, event(-0.0, 1, 1));
    push_ok(q, event(-1e300, 0, 2));
    push_ok(q, event(-0.0, 0, 3));
    push_ok(q, event(1e-300, 0, 4));
    push_ok(q, event(-2.5, 0, 5));
    pop_expect(q, -1e300, 2);
    pop_expect(q, -2.5, 5);
    pop_expect(q, 0.0, 3);
    pop_expect(q, 0.0, 0);
    pop_expect(q, 0.0, 1);
    pop_expect(q, 1e-300, 4);
    for (uint64_t i = 10; i < 50; i++)
        pop_expect(q, (double)i, i);
    assert_null(sim_queue_peek(q));
    sim_queue_free(q);
}

/* An event earlier than the last one popped still comes out first. */
static void test_time_running_backwards(void **state)
{
    (void)state;
    sim_queue *q = sim_queue_alloc(0);
    for (uint64_t i = 0; i < 100; i++)
        push_ok(q, event(10.0 + (double)i, 0, i));
    pop_expect(q, 10.0, 0);
    pop_expect(q, 11.0, 1);
    push_ok(q, event(5.0, 0, 100));
    push_ok(q, event(11.0, 0, 101));
    pop_expect(q, 5.0, 100);
    pop_expect(q, 11.0, 101);
    for (uint64_t i = 2; i < 100; i++)
        pop_expect(q, 10.0 + (double)i, i);
    assert_int_equal(sim_queue_size(q), 0);
    sim_queue_free(q);
}

/* The first event is known while it still waits in a bucket. */
static void test_peek_from_bucket(void **state)
{
    (void)state;
    sim_queue *q = sim_queue_alloc(0);
    for (uint64_t i = 0; i < 1000; i++)
        push_ok(q, event(1000.0 - (double)i, 0, i));
    const sim_event *top = sim_queue_peek(q);
    assert_float_equal(top->t, 1.0, 0.0);
    assert_int_equal(top->a, 999);
    assert_int_equal(sim_queue_size(q), 1000);
    sim_queue_free(q);
}

static int event_cmp(const void *x, const void *y)
{
    const sim_event *a = x, *b = y;
    return sim_event_before(a, b) ? -1 : sim_event_before(b, a) ? 1 : 0;
}

static uint64_t lcg_next(uint64_t *s)
{
    *s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *s >> 33;
}

/* Times of every kind: many equal, huge and tiny magnitudes, negative, in the past. */
static double wild_time(uint64_t *rng, double now)
{
    switch (lcg_next(rng) % 6) {
    case 0:
        return now; /* ties with the current time */
    case 1:
        return now + (double)(lcg_next(rng) % 8);
    case 2:
        return now + ldexp((double)(lcg_next(rng) % 1000), (int)(lcg_next(rng) % 80) - 40);
    case 3:
        return now - (double)(lcg_next(rng) % 100); /* backwards */
    case 4:
        return -ldexp(1.0, (int)(lcg_next(rng) % 200));
    default:
        return now * (1.0 + 1e-15 * (double)(lcg_next(rng) % 4));
    }
}

/* Pushes and pops in random batches against a sorted reference, with clear in between. */
static void test_randomized_wild_times(void **state)
{
    (void)state;
    enum { CAP = 60000 };
    sim_queue *q = sim_queue_alloc(0);
    sim_event *ref = malloc(CAP * sizeof *ref);
    assert_non_null(ref);
    size_t n = 0, head = 0;
    uint64_t rng = 99, seq = 0;
    double now = 1.0;
    for (int round = 0; round < 400; round++) {
        size_t k = lcg_next(&rng) % 300;
        for (size_t i = 0; i < k && n < CAP; i++, seq++) {
            sim_event ev = event(wild_time(&rng, now), (unsigned)(lcg_next(&rng) % 3), seq);
            push_ok(q, ev);
            ref[n++] = ev;
        }
        qsort(ref + head, n - head, sizeof *ref, event_cmp);
        size_t m = lcg_next(&rng) % (n - head + 1);
        for (size_t i = 0; i < m; i++, head++) {
            pop_expect(q, ref[head].t, ref[head].a);
            now = fabs(ref[head].t) < 1e6 ? ref[head].t : now;
        }
        if (round % 97 == 96) {
            sim_queue_clear(q);
            head = n;
        }
        assert_int_equal(sim_queue_size(q), n - head);
    }
    for (; head < n; head++)
        pop_expect(q, ref[head].t, ref[head].a);
    assert_null(sim_queue_peek(q));
    free(ref);
    sim_queue_free(q);
}

/* A PHOLD-like hold: a large population, every pop followed by a push into the future. */
static void test_hold_large_population(void **state)
{
    (void)state;
    enum { N = 20000 };
    sim_queue *q = sim_queue_alloc(N);
    uint64_t rng = 7, seq = 0;
    for (; seq < N; seq++)
        push_ok(q, event((double)(lcg_next(&rng) % 100000) / 1000.0, 0, seq));
    double last = -INFINITY;
    uint64_t last_key = 0;
    for (int i = 0; i < 200000; i++, seq++) {
        sim_event ev;
        assert_int_equal(sim_queue_pop(q, &ev), 1);
        if (ev.t < last || (ev.t == last && ev.key < last_key))
            fail_msg("pop %d: (t=%.17g, key=%llu) after (t=%.17g, key=%llu)", i, ev.t,
                     (unsigned long long)ev.key, last, (unsigned long long)last_key);
        last = ev.t;
        last_key = ev.key;
        push_ok(q, event(ev.t + (double)(lcg_next(&rng) % 5000) / 1000.0, 0, seq));
    }
    assert_int_equal(sim_queue_size(q), N);
    sim_queue_free(q);
}

/* The direct path gives gsl_rng_uniform_pos's values; other generators go through GSL. */
static void test_uniform_pos_matches_gsl(void **state)
{
    (void)state;
    gsl_rng *a = sim_rng_alloc(123), *b = sim_rng_alloc(123);
    gsl_rng *c = gsl_rng_alloc(gsl_rng_mt19937), *d = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(a);
    assert_non_null(c);
    for (int i = 0; i < 10000; i++) {
        assert_float_equal(sim_rng_uniform_pos(a), gsl_rng_uniform_pos(b), 0.0);
        double u = sim_rng_uniform_pos(c);
        assert_float_equal(u, gsl_rng_uniform_pos(d), 0.0);
        assert_true(u > 0.0 && u < 1.0);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
    gsl_rng_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_negative_and_signed_zero),
        cmocka_unit_test(test_time_running_backwards),
        cmocka_unit_test(test_peek_from_bucket),
        cmocka_unit_test(test_randomized_wild_times),
        cmocka_unit_test(test_hold_large_population),
        cmocka_unit_test(test_uniform_pos_matches_gsl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
