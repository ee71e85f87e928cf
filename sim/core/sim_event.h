/*
 * sim_event: the event record the future-event list stores by value.
 *
 * An event is a small value (40 bytes): when it fires, which model event kind it is and
 * which entities it concerns. Events with equal time fire in order of priority (lower
 * first), then in order of scheduling (seq), so a run is deterministic. An event may belong
 * to a timer (see sim_engine.h); such an event is void when its timer was re-armed or
 * cancelled after it was scheduled, which the engine detects through the epoch.
 */
#ifndef SIM_EVENT_H
#define SIM_EVENT_H

#include <stdint.h>

#define SIM_NO_TIMER UINT32_MAX

typedef struct sim_event {
    double t;       /* firing time, model hours */
    uint64_t key;   /* (priority << 56) | insertion sequence: the tie-breaker after t */
    uint32_t a, b;  /* model-defined entity indices */
    uint32_t timer; /* owning timer or SIM_NO_TIMER */
    uint32_t epoch; /* the timer's epoch when scheduled */
    uint16_t kind;  /* model-defined event kind */
} sim_event;

/* Largest priority and sequence number the key can hold. */
#define SIM_EVENT_PRIO_MAX 255u
#define SIM_EVENT_SEQ_BITS 56
#define SIM_EVENT_SEQ_MAX  ((UINT64_C(1) << SIM_EVENT_SEQ_BITS) - 1)

static inline uint8_t sim_event_prio(const sim_event *ev)
{
    return (uint8_t)(ev->key >> SIM_EVENT_SEQ_BITS);
}

/* Strict order of the future-event list: time, then priority, then sequence. */
static inline int sim_event_before(const sim_event *x, const sim_event *y)
{
    return x->t < y->t || (x->t == y->t && x->key < y->key);
}

#endif
