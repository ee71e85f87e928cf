/*
 * sim_engine: the clock, the future-event list and the step loop of one simulation run.
 *
 * A run is a value: everything lives in one sim_engine, so engines run side by side in
 * threads. The engine hands each event, in the order of sim_event.h, to the handler given at
 * creation (the model's dispatch); the handler may schedule further events. Time never runs
 * backwards: scheduling before now() is an error.
 *
 * Cancellation without scanning: the model asks for n_timers timers at creation (for
 * example three per asset: job end, failure, PM due). sim_engine_timer_set arms a timer,
 * replacing whatever event it had pending; sim_engine_timer_cancel disarms it. Each timer
 * carries an epoch; re-arming or cancelling bumps it, and an event whose epoch no longer
 * matches is dropped by sim_engine_step without reaching the handler. Cost: O(1) to cancel,
 * the stale entry is discarded when it reaches the top of the heap.
 *
 * No allocation happens per event once the heap has reached its peak size.
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "sim_event.h"
#include "sim_status.h"

typedef struct sim_engine sim_engine;

/* Handles one event. Returns SIM_OK or an error (recorded in err), which stops the run. */
typedef sim_status (*sim_handler_fn)(void *model_state, sim_engine *eng, const sim_event *ev,
                                     sim_error *err);

typedef struct sim_engine_config {
    double start_time;    /* clock value before the first event (usually 0) */
    double end_time;      /* events with t > end_time are not handled: the run is done */
    size_t n_timers;      /* number of cancellable timers the model needs */
    size_t capacity_hint; /* expected peak number of pending events (0: default) */
    sim_handler_fn handler;
    void *model_state; /* passed to handler; owned by the caller */
} sim_engine_config;

/* Returns NULL and fills err when out of memory or the config is invalid. */
sim_engine *sim_engine_alloc(const sim_engine_config *cfg, sim_error *err);
void sim_engine_free(sim_engine *eng);

/* Point the handler at a model state created after the engine (the model's run state often
 * needs the engine to schedule its first events). */
void sim_engine_set_model_state(sim_engine *eng, void *model_state);

double sim_engine_now(const sim_engine *eng);
double sim_engine_end_time(const sim_engine *eng);

/* Schedule a plain (not cancellable) event. prio <= SIM_EVENT_PRIO_MAX; t >= now, finite.
 * Events after end_time may be scheduled; they are simply never handled. */
sim_status sim_engine_schedule(sim_engine *eng, double t, unsigned prio, uint16_t kind, uint32_t a,
                               uint32_t b, sim_error *err);

/* Arm timer `timer` (< n_timers) to fire at t, voiding its pending event if any. */
sim_status sim_engine_timer_set(sim_engine *eng, uint32_t timer, double t, unsigned prio,
                                uint16_t kind, uint32_t a, uint32_t b, sim_error *err);
/* Disarm a timer. A no-op when nothing is pending. */
void sim_engine_timer_cancel(sim_engine *eng, uint32_t timer);
/* 1 when the timer has a pending event, else 0. */
int sim_engine_timer_pending(const sim_engine *eng, uint32_t timer);
/* Firing time of the timer's pending event, or INFINITY. */
double sim_engine_timer_time(const sim_engine *eng, uint32_t timer);

typedef enum sim_step_result {
    SIM_STEP_EVENT = 0, /* one event was handled */
    SIM_STEP_DONE = 1,  /* no event left at or before end_time; clock set to end_time */
    SIM_STEP_ERROR = 2  /* the handler or the engine failed; err says why */
} sim_step_result;

/* Pop the next live event, advance the clock to it and call the handler. */
sim_step_result sim_engine_step(sim_engine *eng, sim_error *err);

/* Step until done or error. Returns SIM_OK or the error status. */
sim_status sim_engine_run(sim_engine *eng, sim_error *err);

/* Counters for benchmarks and sanity checks. */
uint64_t sim_engine_events_handled(const sim_engine *eng);
size_t sim_engine_pending(const sim_engine *eng);

#endif
