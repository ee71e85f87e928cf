/*
 * sim_queue: the future-event list, a priority queue of sim_event stored by value.
 *
 * Guarantees: sim_queue_pop returns events in the strict order of sim_event_before (time,
 * then priority, then sequence), so equal-time events come out deterministically; times may
 * be pushed in any order. Storage grows with the number of pending events and is kept, and
 * no allocation is ever made per event: once the queue has reached its peak size push and
 * pop never allocate, and pop never fails. Peek is O(1); push and pop cost amortized O(log n)
 * at worst and about O(1) when pushed times do not fall below the last popped one (the
 * engine's case): the queue is a radix heap on times in front of a small binary heap
 * (sim_queue.c says why).
 * The queue knows nothing of timers or cancellation: that is the engine's job (sim_engine.h).
 */
#ifndef SIM_QUEUE_H
#define SIM_QUEUE_H

#include <stddef.h>

#include "sim_event.h"
#include "sim_status.h"

typedef struct sim_queue sim_queue;

/* Allocate an empty queue with room for capacity events (0 picks a small default).
 * Returns NULL when out of memory. */
sim_queue *sim_queue_alloc(size_t capacity);

/* Free the queue. NULL is a no-op. */
void sim_queue_free(sim_queue *q);

/* Insert a copy of *ev. Returns SIM_NOMEM if the array cannot grow (the queue is unchanged). */
sim_status sim_queue_push(sim_queue *q, const sim_event *ev);

/* Remove the first event into *out. Returns 0 when the queue is empty, else 1. */
int sim_queue_pop(sim_queue *q, sim_event *out);

/* The first event without removing it, or NULL when empty. Valid until the next push/pop. */
const sim_event *sim_queue_peek(const sim_queue *q);

size_t sim_queue_size(const sim_queue *q);

/* Remove every event; keeps the storage. */
void sim_queue_clear(sim_queue *q);

#endif
