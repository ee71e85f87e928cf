/* Tests of sim_queue: order by (t, priority, sequence), growth, clear, peek, and a long
 * randomized run against a sorted reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sim_queue.h"

static sim_event make_event(double t, unsigned prio, uint64_t seq, uint16_t kind)
{
    return (sim_event){.t = t,
                       .key = ((uint64_t)prio << SIM_EVENT_SEQ_BITS) | seq,
                       .timer = SIM_NO_TIMER,
                       .kind = kind};
}

static void push_ok(sim_queue *q, sim_event ev)
{
    assert_int_equal(sim_queue_push(q, &ev), SIM_OK);
}

static void test_orders_by_time(void **state)
{
    (void)state;
    sim_queue *q = sim_queue_alloc(0);
    assert_non_null(q);
    const double times[] = {5.0, 1.0, 3.0, 4.0, 2.0, 0.5, 7.0};
    for (size_t i = 0; i < 7; i++)
        push_ok(q, make_event(times[i], 0, i, (uint16_t)i));
    const double expect[] = {0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 7.0};
    sim_event ev;
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(sim_queue_pop(q, &ev), 1);
        assert_float_equal(ev.t, expect[i], 0.0);
    }
    assert_int_equal(sim_queue_pop(q, &ev), 0);
    sim_queue_free(q);
}

/* Same time: lower priority first, then lower sequence. */
static void test_ties_priority_then_sequence(void **state)
{
    (void)state;
    sim_queue *q = sim_queue_alloc(2);
    push_ok(q, make_event(1.0, 3, 0, 30));
    push_ok(q, make_event(1.0, 1, 1, 11));
    push_ok(q, make_event(1.0, 3, 2, 32));
    push_ok(q, make_event(1.0, 1, 3, 13));
    push_ok(q, make_event(0.5, 255, 4, 5));
    push_ok(q, make_event(1.0, 0, 5, 0));
    const uint16_t expect[] = {5, 0, 11, 13, 30, 32};
    sim_event ev;
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(sim_queue_pop(q, &ev), 1);
        assert_int_equal(ev.kind, expect[i]);
    }
    assert_int_equal(sim_event_prio(&(sim_event){.key = (UINT64_C(7) << 56) | 99}), 7);
    sim_queue_free(q);
}

static void test_growth_keeps_contents(void **state)
{
    (void)state;
    sim_queue *q = sim_queue_alloc(1);
    const size_t n = 5000;
    for (size_t i = 0; i < n; i++)
        push_ok(q, make_event((double)(n - i), 0, i, 0));
    assert_int_equal(sim_queue_size(q), n);
    sim_event ev;
    for (size_t i = 1; i <= n; i++) {
        assert_int_equal(sim_queue_pop(q, &ev), 1);
        assert_float_equal(ev.t, (double)i, 0.0);
    }
    assert_int_equal(sim_queue_size(q), 0);
    sim_queue_free(q);
}

static void test_clear_and_peek(void **state)
{
    (void)state;
    sim_queue *q = sim_queue_alloc(4);
    assert_null(sim_queue_peek(q));
    push_ok(q, make_event(2.0, 0, 0, 2));
    push_ok(q, make_event(1.0, 0, 1, 1));
    const sim_event *top = sim_queue_peek(q);
    assert_non_null(top);
    assert_int_equal(top->kind, 1);
    assert_int_equal(sim_queue_size(q), 2); /* peek does not remove */
    sim_queue_clear(q);
    assert_int_equal(sim_queue_size(q), 0);
    assert_null(sim_queue_peek(q));
    sim_event ev;
    assert_int_equal(sim_queue_pop(q, &ev), 0);
    push_ok(q, make_event(3.0, 0, 2, 3)); /* usable after clear */
    assert_int_equal(sim_queue_pop(q, &ev), 1);
    assert_int_equal(ev.kind, 3);
    sim_queue_free(q);
}

static void test_alloc_refuses_impossible_size(void **state)
{
    (void)state;
    assert_null(sim_queue_alloc(SIZE_MAX));
    sim_queue_free(NULL);
}

/* ---- randomized comparison with a sorted reference ---- */

static int event_cmp(const void *x, const void *y)
{
    const sim_event *a = x, *b = y;
    if (sim_event_before(a, b))
        return -1;
    return sim_event_before(b, a) ? 1 : 0;
}

/* A small LCG keeps the test independent of the generator under test elsewhere. */
static uint64_t lcg_next(uint64_t *s)
{
    *s = *s * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return *s >> 33;
}

/* The reference holds the pending events; it is sorted with qsort after each batch of pushes
 * and consumed from `head` by the pops that follow. */
typedef struct reference {
    sim_event *ev;
    size_t n, head;
} reference;

static void reference_compact(reference *ref)
{
    for (size_t i = ref->head; i < ref->n; i++)
        ref->ev[i - ref->head] = ref->ev[i];
    ref->n -= ref->head;
    ref->head = 0;
}

static void assert_same_event(const sim_event *got, const sim_event *want)
{
    assert_float_equal(got->t, want->t, 0.0);
    assert_int_equal(got->key, want->key);
    assert_int_equal(got->kind, want->kind);
}

static void test_randomized_against_reference(void **state)
{
    (void)state;
    const size_t min_ops = 200000;
    sim_queue *q = sim_queue_alloc(0);
    reference ref = {.ev = malloc(min_ops * sizeof(sim_event))};
    assert_non_null(ref.ev);
    size_t ops = 0;
    uint64_t rng = 12345, seq = 0;
    double now = 0.0;
    while (ops < min_ops) {
        reference_compact(&ref);
        size_t k = 1 + lcg_next(&rng) % 200;
        for (size_t i = 0; i < k && ref.n < min_ops; i++, ops++) {
            /* Coarse times and few priorities force many ties. */
            double t = now + (double)(lcg_next(&rng) % 50) * 0.25;
            sim_event ev = make_event(t, (unsigned)(lcg_next(&rng) % 4), seq, (uint16_t)seq);
            seq++;
            push_ok(q, ev);
            ref.ev[ref.n++] = ev;
        }
        qsort(ref.ev, ref.n, sizeof *ref.ev, event_cmp);
        size_t m = lcg_next(&rng) % (ref.n + 1);
        for (size_t i = 0; i < m; i++, ops++) {
            sim_event ev;
            assert_int_equal(sim_queue_pop(q, &ev), 1);
            assert_same_event(&ev, &ref.ev[ref.head++]);
            now = ev.t;
        }
        assert_int_equal(sim_queue_size(q), ref.n - ref.head);
    }
    sim_event ev;
    while (sim_queue_pop(q, &ev))
        assert_same_event(&ev, &ref.ev[ref.head++]);
    assert_int_equal(ref.head, ref.n);
    free(ref.ev);
    sim_queue_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orders_by_time),
        cmocka_unit_test(test_ties_priority_then_sequence),
        cmocka_unit_test(test_growth_keeps_contents),
        cmocka_unit_test(test_clear_and_peek),
        cmocka_unit_test(test_alloc_refuses_impossible_size),
        cmocka_unit_test(test_randomized_against_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
