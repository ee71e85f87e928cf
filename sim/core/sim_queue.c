/*
 * sim_queue: a binary min-heap of sim_event stored by value in one array.
 *
 * Invariant: for every i > 0, !sim_event_before(&ev[i], &ev[(i - 1) / 2]), so ev[0] is the
 * first event. Sift up and down move a hole instead of swapping, which copies each 40-byte
 * event once per level instead of three times.
 *
 * Why binary and not 4-ary: a 4-ary heap halves the depth but compares four children per
 * level, and four 40-byte children span three cache lines, so at the sizes this model sees
 * (hundreds to a few thousand pending events, which fit in L1/L2) the gain is small and the
 * binary layout is the one readers check most easily.
 */
#include "sim_queue.h"

#include <stdint.h>
#include <stdlib.h>

#define QUEUE_DEFAULT_CAPACITY 64

struct sim_queue {
    sim_event *ev;
    size_t n;
    size_t cap;
};

sim_queue *sim_queue_alloc(size_t capacity)
{
    if (capacity == 0)
        capacity = QUEUE_DEFAULT_CAPACITY;
    if (capacity > SIZE_MAX / sizeof(sim_event))
        return NULL;
    sim_queue *q = malloc(sizeof *q);
    if (q == NULL)
        return NULL;
    q->ev = malloc(capacity * sizeof *q->ev);
    if (q->ev == NULL) {
        free(q);
        return NULL;
    }
    q->n = 0;
    q->cap = capacity;
    return q;
}

void sim_queue_free(sim_queue *q)
{
    if (q == NULL)
        return;
    free(q->ev);
    free(q);
}

/* Double the array; on failure the queue keeps its old storage. */
static sim_status queue_grow(sim_queue *q)
{
    if (q->cap > SIZE_MAX / 2 / sizeof(sim_event))
        return SIM_NOMEM;
    size_t cap = q->cap * 2;
    sim_event *ev = realloc(q->ev, cap * sizeof *ev);
    if (ev == NULL)
        return SIM_NOMEM;
    q->ev = ev;
    q->cap = cap;
    return SIM_OK;
}

/* Move the hole at `hole` up until *ev may sit there; returns its final place. */
static size_t sift_up(sim_event *heap, size_t hole, const sim_event *ev)
{
    while (hole > 0) {
        size_t parent = (hole - 1) / 2;
        if (!sim_event_before(ev, &heap[parent]))
            break;
        heap[hole] = heap[parent];
        hole = parent;
    }
    return hole;
}

/* Move the hole at `hole` down among n events until *ev may sit there. */
static size_t sift_down(sim_event *heap, size_t n, size_t hole, const sim_event *ev)
{
    for (;;) {
        size_t child = 2 * hole + 1;
        if (child >= n)
            break;
        if (child + 1 < n && sim_event_before(&heap[child + 1], &heap[child]))
            child++;
        if (!sim_event_before(&heap[child], ev))
            break;
        heap[hole] = heap[child];
        hole = child;
    }
    return hole;
}

sim_status sim_queue_push(sim_queue *q, const sim_event *ev)
{
    if (q->n == q->cap && queue_grow(q) != SIM_OK)
        return SIM_NOMEM;
    size_t hole = sift_up(q->ev, q->n, ev);
    q->ev[hole] = *ev;
    q->n++;
    return SIM_OK;
}

int sim_queue_pop(sim_queue *q, sim_event *out)
{
    if (q->n == 0)
        return 0;
    *out = q->ev[0];
    q->n--;
    if (q->n > 0) {
        /* The last event fills the hole left at the root. */
        sim_event last = q->ev[q->n];
        size_t hole = sift_down(q->ev, q->n, 0, &last);
        q->ev[hole] = last;
    }
    return 1;
}

const sim_event *sim_queue_peek(const sim_queue *q)
{
    return q->n > 0 ? &q->ev[0] : NULL;
}

size_t sim_queue_size(const sim_queue *q)
{
    return q->n;
}

void sim_queue_clear(sim_queue *q)
{
    q->n = 0;
}
