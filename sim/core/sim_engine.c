/*
 * sim_engine: clock, future-event list, sequence counter and cancellable timers.
 *
 * Each event gets key = prio << 56 | seq at scheduling, seq counting up from 0, so equal-time
 * events fire by priority and then in scheduling order. A timer is one 16-byte record
 * allocated once (its epoch, whether it is armed and its firing time, together so that a
 * timer operation touches one cache line). An event scheduled for a timer carries the epoch
 * of that moment; it is live only while the timer is armed with the same epoch. The epoch is
 * 32 bits: a stale event could only come back to life after 2^32 re-arms of its timer while
 * it still waits in the queue, far beyond any run.
 *
 * Why cancelled events stay in the queue until their time (lazy deletion) rather than being
 * removed at once from an indexed heap where each timer knows its slot: both were measured
 * (bench/README.md). The indexed heap must record the new slot of a timer event at every
 * move, which cost 16% more time per event on the ecosystem baseline (half its events
 * belong to timers) and 3% on PHOLD (which has none), while lazy deletion there only pops
 * about 0.5% void events. A model that re-arms timers far more often than they fire would
 * see the queue grow instead; the ecosystem model avoids that by design (docs/model.md, D2
 * and D5).
 */
#include "sim_engine.h"

#include <math.h>
#include <stdlib.h>

#include "sim_queue.h"

typedef struct engine_timer {
    double t;       /* firing time while armed */
    uint32_t epoch; /* bumped at every set and cancel */
    uint32_t armed;
} engine_timer;

struct sim_engine {
    double now;
    double end_time;
    sim_queue *fel;
    uint64_t seq;     /* next insertion sequence number */
    uint64_t handled; /* events handed to the handler */
    sim_handler_fn handler;
    void *model_state;
    size_t n_timers;
    engine_timer *timers;
    sim_status failure; /* status of the last failed step, for sim_engine_run */
};

static sim_status config_check(const sim_engine_config *cfg, sim_error *err)
{
    if (cfg == NULL || cfg->handler == NULL)
        return sim_error_set(err, SIM_INTERNAL, "engine: no event handler given");
    if (!isfinite(cfg->start_time) || !isfinite(cfg->end_time))
        return sim_error_set(err, SIM_INTERNAL,
                             "engine: start time %g and end time %g must be finite",
                             cfg->start_time, cfg->end_time);
    if (cfg->end_time < cfg->start_time)
        return sim_error_set(err, SIM_INTERNAL, "engine: end time %g is before start time %g",
                             cfg->end_time, cfg->start_time);
    if (cfg->n_timers >= SIM_NO_TIMER)
        return sim_error_set(err, SIM_INTERNAL, "engine: %zu timers requested, at most %u allowed",
                             cfg->n_timers, SIM_NO_TIMER - 1u);
    return SIM_OK;
}

/* The timer array is allocated even for n_timers == 0 (calloc of one element), so that a
 * NULL pointer always means out of memory. */
static int timers_alloc(sim_engine *eng, size_t n)
{
    eng->n_timers = n;
    eng->timers = calloc(n > 0 ? n : 1, sizeof *eng->timers);
    return eng->timers != NULL;
}

sim_engine *sim_engine_alloc(const sim_engine_config *cfg, sim_error *err)
{
    if (config_check(cfg, err) != SIM_OK)
        return NULL;
    sim_engine *eng = calloc(1, sizeof *eng);
    if (eng == NULL) {
        sim_error_set(err, SIM_NOMEM, "engine: out of memory");
        return NULL;
    }
    eng->now = cfg->start_time;
    eng->end_time = cfg->end_time;
    eng->handler = cfg->handler;
    eng->model_state = cfg->model_state;
    eng->failure = SIM_OK;
    eng->fel = sim_queue_alloc(cfg->capacity_hint);
    if (eng->fel == NULL || !timers_alloc(eng, cfg->n_timers)) {
        sim_engine_free(eng);
        sim_error_set(err, SIM_NOMEM, "engine: out of memory for %zu events and %zu timers",
                      cfg->capacity_hint, cfg->n_timers);
        return NULL;
    }
    return eng;
}

void sim_engine_free(sim_engine *eng)
{
    if (eng == NULL)
        return;
    sim_queue_free(eng->fel);
    free(eng->timers);
    free(eng);
}

void sim_engine_set_model_state(sim_engine *eng, void *model_state)
{
    eng->model_state = model_state;
}

double sim_engine_now(const sim_engine *eng)
{
    return eng->now;
}

double sim_engine_end_time(const sim_engine *eng)
{
    return eng->end_time;
}

/* Check t and prio and fill *ev with a fresh key; the sequence number is consumed only when
 * the push succeeds (see engine_push). */
static sim_status event_make(const sim_engine *eng, sim_event *ev, double t, unsigned prio,
                             uint16_t kind, uint32_t a, uint32_t b, sim_error *err)
{
    if (!isfinite(t) || t < eng->now)
        return sim_error_set(err, SIM_INTERNAL,
                             "engine: event kind %u scheduled at t=%g, not a finite time at or "
                             "after now=%g",
                             (unsigned)kind, t, eng->now);
    if (prio > SIM_EVENT_PRIO_MAX)
        return sim_error_set(err, SIM_INTERNAL, "engine: event kind %u has priority %u > %u",
                             (unsigned)kind, prio, SIM_EVENT_PRIO_MAX);
    if (eng->seq > SIM_EVENT_SEQ_MAX)
        return sim_error_set(err, SIM_INTERNAL,
                             "engine: more than 2^%d events scheduled in one run",
                             SIM_EVENT_SEQ_BITS);
    *ev = (sim_event){.t = t,
                      .key = ((uint64_t)prio << SIM_EVENT_SEQ_BITS) | eng->seq,
                      .a = a,
                      .b = b,
                      .timer = SIM_NO_TIMER,
                      .epoch = 0,
                      .kind = kind};
    return SIM_OK;
}

static sim_status engine_push(sim_engine *eng, const sim_event *ev, sim_error *err)
{
    if (sim_queue_push(eng->fel, ev) != SIM_OK)
        return sim_error_set(err, SIM_NOMEM, "engine: out of memory with %zu events pending",
                             sim_queue_size(eng->fel));
    eng->seq++;
    return SIM_OK;
}

sim_status sim_engine_schedule(sim_engine *eng, double t, unsigned prio, uint16_t kind, uint32_t a,
                               uint32_t b, sim_error *err)
{
    sim_event ev;
    sim_status st = event_make(eng, &ev, t, prio, kind, a, b, err);
    return st != SIM_OK ? st : engine_push(eng, &ev, err);
}

/* The new event carries the next epoch; the timer adopts it only once the push succeeded,
 * so a failed set leaves the old pending event valid. */
sim_status sim_engine_timer_set(sim_engine *eng, uint32_t timer, double t, unsigned prio,
                                uint16_t kind, uint32_t a, uint32_t b, sim_error *err)
{
    if (timer >= eng->n_timers)
        return sim_error_set(err, SIM_INTERNAL, "engine: timer %u out of range (%zu timers)",
                             (unsigned)timer, eng->n_timers);
    sim_event ev;
    sim_status st = event_make(eng, &ev, t, prio, kind, a, b, err);
    if (st != SIM_OK)
        return st;
    engine_timer *tm = &eng->timers[timer];
    ev.timer = timer;
    ev.epoch = tm->epoch + 1u;
    st = engine_push(eng, &ev, err);
    if (st != SIM_OK)
        return st;
    *tm = (engine_timer){.t = t, .epoch = ev.epoch, .armed = 1};
    return SIM_OK;
}

/* Out-of-range timers are ignored like idle ones: the call has no way to report them, and
 * timer_set already rejects them, so nothing can be pending there. */
void sim_engine_timer_cancel(sim_engine *eng, uint32_t timer)
{
    if (timer >= eng->n_timers || !eng->timers[timer].armed)
        return;
    eng->timers[timer].epoch++;
    eng->timers[timer].armed = 0;
}

int sim_engine_timer_pending(const sim_engine *eng, uint32_t timer)
{
    return timer < eng->n_timers && eng->timers[timer].armed;
}

double sim_engine_timer_time(const sim_engine *eng, uint32_t timer)
{
    return sim_engine_timer_pending(eng, timer) ? eng->timers[timer].t : INFINITY;
}

/* A timer event is stale when its timer was cancelled or re-armed after it was scheduled. */
static int event_stale(const sim_engine *eng, const sim_event *ev)
{
    if (ev->timer == SIM_NO_TIMER)
        return 0;
    const engine_timer *tm = &eng->timers[ev->timer];
    return !tm->armed || tm->epoch != ev->epoch;
}

static sim_step_result engine_fire(sim_engine *eng, const sim_event *ev, sim_error *err)
{
    eng->now = ev->t;
    if (ev->timer != SIM_NO_TIMER)
        eng->timers[ev->timer].armed = 0;
    eng->handled++;
    sim_status st = eng->handler(eng->model_state, eng, ev, err);
    if (st == SIM_OK)
        return SIM_STEP_EVENT;
    eng->failure = st;
    if (err != NULL && err->status == SIM_OK)
        sim_error_set(err, st, "engine: handler failed on event kind %u at t=%g without a message",
                      (unsigned)ev->kind, ev->t);
    return SIM_STEP_ERROR;
}

/* Stale events are dropped from the top; an event after end_time stays in the heap, so
 * every later step finds it again and also returns DONE. */
sim_step_result sim_engine_step(sim_engine *eng, sim_error *err)
{
    const sim_event *top;
    while ((top = sim_queue_peek(eng->fel)) != NULL) {
        sim_event ev;
        if (event_stale(eng, top)) {
            sim_queue_pop(eng->fel, &ev);
            continue;
        }
        if (top->t > eng->end_time)
            break;
        sim_queue_pop(eng->fel, &ev);
        return engine_fire(eng, &ev, err);
    }
    eng->now = eng->end_time;
    return SIM_STEP_DONE;
}

sim_status sim_engine_run(sim_engine *eng, sim_error *err)
{
    for (;;) {
        sim_step_result r = sim_engine_step(eng, err);
        if (r == SIM_STEP_DONE)
            return SIM_OK;
        if (r == SIM_STEP_ERROR)
            return eng->failure;
    }
}

uint64_t sim_engine_events_handled(const sim_engine *eng)
{
    return eng->handled;
}

/* Counts every entry in the queue, stale timer events included until they reach the top. */
size_t sim_engine_pending(const sim_engine *eng)
{
    return sim_queue_size(eng->fel);
}
