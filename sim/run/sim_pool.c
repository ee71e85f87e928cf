/*
 * sim_pool: worker threads, a reorder window and one consumer. Contract in sim_pool.h.
 *
 * Why pthreads and not OpenMP: the pool is a long-lived producer/consumer pipeline, not a
 * parallel loop. The consumer must be one fixed thread (the caller's: HDF5 as built by
 * Debian is not thread-safe and keeps per-thread error state), workers must block while the
 * window is full and wake when it moves, and the consumer must wake on a timer to notice a
 * signal. Condition variables say that directly; OpenMP's `ordered` loop would serialize the
 * writing on whichever thread reaches it and has no bounded buffer or timed wait.
 *
 * Locking: one mutex guards the window (next_take, next_write, slot states, stopping). A
 * slot belongs to the worker that marked it BUSY until it marks it READY or ABANDONED, and
 * then to the consumer until it is FREE again, so records are used without the lock.
 */
#include "sim_pool.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_READY, SLOT_ABANDONED };

typedef struct pool_slot {
    sim_group g;
    size_t unit;
    int state;
} pool_slot;

/* A worker's open design point, kept while its consecutive units share it. */
struct sim_unit_runner {
    const sim_plan *plan;
    size_t d; /* SIZE_MAX: none */
    sim_scenario *sc;
    sim_status st;
    sim_error why;
};

typedef struct pool {
    const sim_plan *plan;
    const sim_pool_hooks *hooks;
    size_t n_units, window;
    pool_slot *slots;
    pthread_mutex_t mu;
    pthread_cond_t ready; /* a unit settled, or a worker left */
    pthread_cond_t space; /* the window moved, or stopping */
    size_t next_take, next_write;
    int stopping;
    int workers_live; /* local workers and remote slots */
    atomic_int abandon;
    sim_status fatal;
    sim_error fatal_err;
    uint64_t events;
} pool;

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- the plan's arithmetic ---- */

size_t sim_plan_n_units(const sim_plan *plan)
{
    return plan->n_designs * plan->replications;
}

size_t sim_plan_n_runs(const sim_plan *plan)
{
    return sim_plan_n_units(plan) * plan->n_variants;
}

sim_run_id sim_plan_run_id(const sim_plan *plan, size_t run)
{
    size_t unit = run / plan->n_variants;
    sim_run_id id = {
        .master_seed = plan->master_seed,
        .design = unit / plan->replications,
        .replication = unit % plan->replications,
        .variant = plan->variants[run % plan->n_variants],
    };
    return id;
}

sim_run_id sim_plan_stream_key(const sim_plan *plan, size_t run)
{
    sim_run_id id = sim_plan_run_id(plan, run);
    if (plan->crn)
        id.design = 0;
    return id;
}

static sim_status plan_check(const sim_plan *plan, int threads, const sim_pool_hooks *hooks,
                             sim_error *err)
{
    if (plan == NULL || hooks == NULL || plan->cat == NULL || plan->open == NULL ||
        plan->variants == NULL || hooks->sink.put == NULL || hooks->sink.fail == NULL)
        return sim_error_set(err, SIM_INTERNAL, "sim_pool_run: missing argument");
    if (plan->n_designs == 0 || plan->replications == 0 || plan->n_variants == 0)
        return sim_error_set(err, SIM_INTERNAL, "sim_pool_run: empty plan");
    if (plan->n_designs > SIZE_MAX / plan->replications / plan->n_variants)
        return sim_error_set(err, SIM_INTERNAL, "sim_pool_run: too many runs");
    if (threads < 1 || threads > SIM_POOL_MAX_THREADS)
        return sim_error_set(err, SIM_INTERNAL, "sim_pool_run: %d threads (1..%d allowed)", threads,
                             SIM_POOL_MAX_THREADS);
    if (hooks->done != NULL && hooks->copy == NULL)
        return sim_error_set(err, SIM_INTERNAL, "sim_pool_run: done units but no copy hook");
    if (hooks->remote != NULL &&
        (hooks->remote->run_unit == NULL || hooks->remote->slots < 0 ||
         hooks->remote->slots > SIM_POOL_MAX_THREADS * SIM_POOL_MAX_THREADS))
        return sim_error_set(err, SIM_INTERNAL, "sim_pool_run: bad remote executors");
    return SIM_OK;
}

/* ---- design points ---- */

static int same_tables(const sim_catalog *a, const sim_catalog *b)
{
    size_t nt = sim_catalog_table_count(a);
    if (nt != sim_catalog_table_count(b))
        return 0;
    for (size_t t = 0; t < nt; t++) {
        size_t nc = sim_catalog_table_ncols(a, t);
        if (nc != sim_catalog_table_ncols(b, t) ||
            strcmp(sim_catalog_table_dim(a, t), sim_catalog_table_dim(b, t)) != 0)
            return 0;
        for (size_t c = 0; c < nc; c++)
            if (strcmp(sim_catalog_table_column(a, t, c)->name,
                       sim_catalog_table_column(b, t, c)->name) != 0)
                return 0;
    }
    return 1;
}

/* Same variables, entities, sample instants and tables: records of one fit the other. */
static int same_layout(const sim_catalog *a, const sim_catalog *b)
{
    size_t nv = sim_catalog_count(a), ne = sim_catalog_n_entity(a), nt = sim_catalog_n_time(a);
    if (nv != sim_catalog_count(b) || ne != sim_catalog_n_entity(b) ||
        nt != sim_catalog_n_time(b) ||
        strcmp(sim_catalog_entity_dim(a), sim_catalog_entity_dim(b)) != 0)
        return 0;
    for (size_t i = 0; i < nv; i++)
        if (strcmp(sim_catalog_var(a, i)->name, sim_catalog_var(b, i)->name) != 0 ||
            sim_catalog_var_size(a, i) != sim_catalog_var_size(b, i))
            return 0;
    for (size_t e = 0; e < ne; e++)
        if (strcmp(sim_catalog_entity_name(a, e), sim_catalog_entity_name(b, e)) != 0)
            return 0;
    if (nt > 0 && memcmp(sim_catalog_time(a), sim_catalog_time(b), nt * sizeof(double)) != 0)
        return 0;
    return same_tables(a, b);
}

/* A design point must run the plan's variants and produce the plan's layout: the file has one
 * set of columns for every point. */
static sim_status check_design(const sim_plan *plan, size_t d, const sim_scenario *sc,
                               sim_error *err)
{
    if (sc->n_variants != plan->n_variants ||
        memcmp(sc->variants, plan->variants, plan->n_variants * sizeof(int)) != 0)
        return sim_error_set(err, SIM_INVALID,
                             "design point %zu asks for other variants than the sweep", d);
    sim_catalog *cat = sim_runner_catalog(sc);
    if (cat == NULL)
        return sim_error_set(err, SIM_NOMEM, "design point %zu: out of memory", d);
    int same = same_layout(cat, plan->cat);
    sim_catalog_free(cat);
    if (!same)
        return sim_error_set(err, SIM_INVALID,
                             "design point %zu changes the output layout (companies, sample "
                             "times or variables) of the base scenario",
                             d);
    return SIM_OK;
}

static void cache_release(sim_unit_runner *c)
{
    if (c->sc != NULL && c->plan->close != NULL)
        c->plan->close(c->plan->ctx, c->sc);
    c->sc = NULL;
    c->d = SIZE_MAX;
}

static sim_status cache_open(sim_unit_runner *c, size_t d)
{
    if (c->d == d)
        return c->st;
    cache_release(c);
    c->d = d;
    sim_error_clear(&c->why);
    c->st = c->plan->open(c->plan->ctx, d, &c->sc, &c->why);
    if (c->st == SIM_OK && c->sc == NULL)
        c->st = sim_error_set(&c->why, SIM_INTERNAL, "design point %zu: nothing opened", d);
    if (c->st == SIM_OK)
        c->st = check_design(c->plan, d, c->sc, &c->why);
    if (c->st != SIM_OK && c->why.msg[0] == '\0')
        sim_error_set(&c->why, c->st, "design point %zu: %s", d, sim_status_text(c->st));
    return c->st;
}

/* ---- computing a unit ---- */

sim_unit_runner *sim_unit_runner_new(const sim_plan *plan)
{
    sim_unit_runner *ur = calloc(1, sizeof *ur);
    if (ur != NULL) {
        ur->plan = plan;
        ur->d = SIZE_MAX;
    }
    return ur;
}

void sim_unit_runner_free(sim_unit_runner *ur)
{
    if (ur == NULL)
        return;
    cache_release(ur);
    free(ur);
}

sim_status sim_unit_runner_run(sim_unit_runner *ur, size_t u, sim_group *g,
                               const atomic_int *abandon, sim_error *err)
{
    const sim_plan *plan = ur->plan;
    size_t d = u / plan->replications;
    sim_status st = cache_open(ur, d);
    if (st == SIM_NOMEM) {
        if (err != NULL)
            *err = ur->why;
        return st;
    }
    g->events = 0;
    if (st != SIM_OK) {
        for (size_t k = 0; k < plan->n_variants; k++) {
            g->ok[k] = 0;
            g->why[k] = ur->why;
        }
        return SIM_OK;
    }
    sim_run_id key = sim_plan_stream_key(plan, u * plan->n_variants);
    return sim_runner_run_group(ur->sc, plan->cat, &key, g, abandon, err);
}

/* ---- workers and remote slots ---- */

static int unit_outside(const sim_pool_hooks *h, size_t u)
{
    return h->outside != NULL && h->outside[u];
}

/* Whether unit u is computed here: neither another shard's nor done already. */
static int unit_to_run(const sim_pool_hooks *h, size_t u)
{
    return !unit_outside(h, u) && (h->done == NULL || !h->done[u]);
}

/* Under mu: the next unit to compute, once the window allows it; 0 when there is none. */
static int take_unit(pool *p, size_t *u)
{
    while (p->next_take < p->n_units && !unit_to_run(p->hooks, p->next_take))
        p->next_take++;
    if (p->stopping || p->next_take >= p->n_units)
        return 0;
    *u = p->next_take++;
    while (!p->stopping && *u >= p->next_write + p->window)
        pthread_cond_wait(&p->space, &p->mu);
    return !p->stopping;
}

/* Under mu. */
static void finish_unit(pool *p, pool_slot *s, sim_status st, const sim_error *err)
{
    p->events += s->g.events;
    s->state = st == SIM_OK ? SLOT_READY : SLOT_ABANDONED;
    if (st != SIM_OK && st != SIM_INTERRUPTED && p->fatal == SIM_OK) {
        p->fatal = st;
        p->fatal_err = *err;
        p->stopping = 1;
        atomic_store(&p->abandon, 1);
        pthread_cond_broadcast(&p->space);
    }
    pthread_cond_broadcast(&p->ready);
}

/* One executor thread: a local worker (runner set) or a remote slot (slot >= 0). */
typedef struct executor {
    pool *p;
    sim_unit_runner *runner;
    int slot;
} executor;

static sim_status execute(executor *x, size_t u, sim_group *g, sim_error *err)
{
    pool *p = x->p;
    if (x->runner != NULL)
        return sim_unit_runner_run(x->runner, u, g, &p->abandon, err);
    const sim_pool_remote *r = p->hooks->remote;
    g->events = 0;
    return r->run_unit(r->ctx, x->slot, u, g, &p->abandon, err);
}

static void *worker_main(void *arg)
{
    executor *x = arg;
    pool *p = x->p;
    size_t u;
    pthread_mutex_lock(&p->mu);
    while (take_unit(p, &u)) {
        pool_slot *s = &p->slots[u % p->window];
        s->unit = u;
        s->state = SLOT_BUSY;
        pthread_mutex_unlock(&p->mu);
        sim_error err;
        sim_error_clear(&err);
        sim_status st = execute(x, u, &s->g, &err);
        pthread_mutex_lock(&p->mu);
        finish_unit(p, s, st, &err);
    }
    p->workers_live--;
    pthread_cond_broadcast(&p->ready);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- the consumer ---- */

/* Under mu: ask the stop hook (a flag read; cheap enough to call with the lock held). */
static void poll_stop(pool *p)
{
    int level = p->hooks->stop != NULL ? p->hooks->stop(p->hooks->ctx) : 0;
    if (level >= 1 && !p->stopping) {
        p->stopping = 1;
        pthread_cond_broadcast(&p->space);
    }
    if (level >= 2)
        atomic_store(&p->abandon, 1);
}

/* Under mu: whether unit u will not change any more. A unit that is not BUSY while stopping
 * (or with no worker left) was never started and never will be. */
static int unit_settled(const pool *p, const pool_slot *s, size_t u)
{
    if (s->unit == u && (s->state == SLOT_READY || s->state == SLOT_ABANDONED))
        return 1;
    int busy = s->unit == u && s->state == SLOT_BUSY;
    return !busy && (p->stopping || p->workers_live == 0);
}

static void wait_ready(pool *p)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += SIM_POOL_POLL_MS * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    pthread_cond_timedwait(&p->ready, &p->mu, &ts);
}

static sim_status deliver(pool *p, const pool_slot *s, size_t u, sim_pool_stats *stats,
                          sim_error *err)
{
    const sim_plan *plan = p->plan;
    const sim_sink *sink = &p->hooks->sink;
    sim_status st = SIM_OK;
    for (size_t k = 0; k < plan->n_variants && st == SIM_OK; k++) {
        size_t run = u * plan->n_variants + k;
        sim_run_id id = sim_plan_run_id(plan, run);
        if (s->g.ok[k]) {
            st = sink->put(sink->ctx, run, &id, s->g.recs[k], err);
            stats->runs_done++;
        } else {
            st = sink->fail(sink->ctx, run, &id, &s->g.why[k], err);
            stats->runs_failed++;
        }
    }
    return st;
}

/* Hand unit u to the consumer hooks (copy, deliver or skip), without the lock. */
static sim_status consume_unit(pool *p, size_t u, sim_pool_stats *stats, sim_error *err)
{
    const sim_pool_hooks *h = p->hooks;
    size_t nv = p->plan->n_variants;
    pool_slot *s = &p->slots[u % p->window];
    double t0 = wall_now();
    sim_status st = SIM_OK;
    if (unit_outside(h, u)) {
        /* another shard's: nothing to hand over */
    } else if (h->done != NULL && h->done[u]) {
        st = h->copy(h->ctx, u, err);
        stats->runs_copied += nv;
    } else if (s->unit == u && s->state == SLOT_READY) {
        st = deliver(p, s, u, stats, err);
    } else {
        stats->runs_skipped += nv;
    }
    stats->sink_s += wall_now() - t0;
    return st;
}

static sim_status consume(pool *p, sim_pool_stats *stats, sim_error *err)
{
    const sim_pool_hooks *h = p->hooks;
    sim_status st = SIM_OK;
    pthread_mutex_lock(&p->mu);
    while (p->next_write < p->n_units && st == SIM_OK && p->fatal == SIM_OK) {
        size_t u = p->next_write;
        pool_slot *s = &p->slots[u % p->window];
        int settled_already = !unit_to_run(h, u);
        while (!settled_already && !unit_settled(p, s, u) && p->fatal == SIM_OK) {
            wait_ready(p);
            poll_stop(p);
        }
        if (p->fatal != SIM_OK)
            break;
        pthread_mutex_unlock(&p->mu);
        st = consume_unit(p, u, stats, err);
        if (h->progress != NULL)
            h->progress(h->ctx, u + 1, stats->runs_failed);
        pthread_mutex_lock(&p->mu);
        if (s->unit == u && s->state != SLOT_BUSY)
            s->state = SLOT_FREE;
        p->next_write++;
        pthread_cond_broadcast(&p->space);
        poll_stop(p);
    }
    if (st != SIM_OK || p->fatal != SIM_OK) {
        p->stopping = 1;
        atomic_store(&p->abandon, 1);
        pthread_cond_broadcast(&p->space);
    }
    if (st == SIM_OK && p->fatal != SIM_OK) {
        st = p->fatal;
        if (err != NULL)
            *err = p->fatal_err;
    }
    pthread_mutex_unlock(&p->mu);
    return st;
}

/* ---- set-up and tear-down ---- */

static void slots_free(pool *p)
{
    for (size_t i = 0; p->slots != NULL && i < p->window; i++) {
        sim_group *g = &p->slots[i].g;
        for (size_t k = 0; g->recs != NULL && k < p->plan->n_variants; k++)
            sim_record_free(g->recs[k]);
        free(g->recs);
        free(g->ok);
        free(g->why);
    }
    free(p->slots);
    p->slots = NULL;
}

static sim_status slots_alloc(pool *p, sim_error *err)
{
    size_t nv = p->plan->n_variants;
    p->slots = calloc(p->window, sizeof *p->slots);
    int ok = p->slots != NULL;
    for (size_t i = 0; ok && i < p->window; i++) {
        sim_group *g = &p->slots[i].g;
        p->slots[i].unit = SIZE_MAX;
        g->recs = calloc(nv, sizeof *g->recs);
        g->ok = calloc(nv, sizeof *g->ok);
        g->why = calloc(nv, sizeof *g->why);
        ok = g->recs != NULL && g->ok != NULL && g->why != NULL;
        for (size_t k = 0; ok && k < nv; k++) {
            g->recs[k] = sim_record_alloc(p->plan->cat);
            ok = g->recs[k] != NULL;
        }
    }
    if (ok)
        return SIM_OK;
    slots_free(p);
    return sim_error_set(err, SIM_NOMEM, "out of memory allocating %zu run records",
                         p->window * nv);
}

static size_t units_to_run(const pool *p)
{
    size_t n = 0;
    for (size_t u = 0; u < p->n_units; u++)
        n += (size_t)unit_to_run(p->hooks, u);
    return n;
}

static int remote_slots(const sim_pool_hooks *hooks)
{
    return hooks->remote != NULL ? hooks->remote->slots : 0;
}

static sim_status pool_init(pool *p, const sim_plan *plan, int threads, const sim_pool_hooks *hooks,
                            sim_error *err)
{
    memset(p, 0, sizeof *p);
    p->plan = plan;
    p->hooks = hooks;
    p->n_units = sim_plan_n_units(plan);
    /* Remote slots hold units in flight too: the window grows with them. */
    p->window = (size_t)(threads + remote_slots(hooks)) * SIM_POOL_WINDOW_PER_THREAD;
    if (p->window > p->n_units)
        p->window = p->n_units;
    atomic_init(&p->abandon, 0);
    if (slots_alloc(p, err) != SIM_OK)
        return SIM_NOMEM;
    /* The consumer's timed wait measures a monotonic clock: a clock change must not stall it. */
    pthread_condattr_t ca;
    int rc = pthread_condattr_init(&ca);
    if (rc == 0) {
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        rc = pthread_cond_init(&p->ready, &ca);
        pthread_condattr_destroy(&ca);
    }
    if (rc == 0 && (rc = pthread_cond_init(&p->space, NULL)) != 0)
        pthread_cond_destroy(&p->ready);
    if (rc == 0 && (rc = pthread_mutex_init(&p->mu, NULL)) != 0) {
        pthread_cond_destroy(&p->space);
        pthread_cond_destroy(&p->ready);
    }
    if (rc == 0)
        return SIM_OK;
    slots_free(p);
    return sim_error_set(err, SIM_INTERNAL, "cannot set up the worker pool: %s", strerror(rc));
}

static void pool_close(pool *p)
{
    slots_free(p);
    pthread_cond_destroy(&p->space);
    pthread_cond_destroy(&p->ready);
    pthread_mutex_destroy(&p->mu);
}

/* Start up to n executors (the first n_local local workers, then remote slots) with every
 * signal blocked in them, so SIGINT and SIGTERM reach the consumer's thread. Returns how many
 * started; *why is pthread_create's error, or ENOMEM for a unit runner. */
static int start_workers(pool *p, pthread_t *tid, executor *x, int n, int n_local, int *why)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int started = 0;
    *why = 0;
    pthread_mutex_lock(&p->mu);
    for (; started < n; started++) {
        x[started] = (executor){.p = p, .slot = started - n_local};
        if (started < n_local && (x[started].runner = sim_unit_runner_new(p->plan)) == NULL) {
            *why = ENOMEM;
            break;
        }
        *why = pthread_create(&tid[started], NULL, worker_main, &x[started]);
        if (*why != 0) {
            sim_unit_runner_free(x[started].runner);
            break;
        }
        p->workers_live++;
    }
    pthread_mutex_unlock(&p->mu);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return started;
}

/* Start the workers and remote slots, consume until done, join them. */
static sim_status pool_drive(pool *p, int threads, sim_pool_stats *stats, sim_error *err)
{
    size_t todo = units_to_run(p);
    int n_local = todo < (size_t)threads ? (int)todo : threads;
    int n_remote = remote_slots(p->hooks);
    n_remote = todo < (size_t)n_remote ? (int)todo : n_remote;
    int n = n_local + n_remote;
    pthread_t *tid = calloc(n > 0 ? (size_t)n : 1, sizeof *tid);
    executor *x = calloc(n > 0 ? (size_t)n : 1, sizeof *x);
    if (tid == NULL || x == NULL) {
        free(tid);
        free(x);
        return sim_error_set(err, SIM_NOMEM, "out of memory starting %d threads", n);
    }
    int why = 0;
    int started = start_workers(p, tid, x, n, n_local, &why);
    stats->threads = started < n_local ? started : n_local;
    sim_status st = SIM_OK;
    if (started < n)
        st = sim_error_set(err, why == ENOMEM ? SIM_NOMEM : SIM_INTERNAL,
                           "cannot start a worker thread: %s", strerror(why));
    if (st != SIM_OK) {
        /* The ones that started must not wait for a consumer that never comes. */
        pthread_mutex_lock(&p->mu);
        p->stopping = 1;
        atomic_store(&p->abandon, 1);
        pthread_cond_broadcast(&p->space);
        pthread_mutex_unlock(&p->mu);
    } else {
        st = consume(p, stats, err);
    }
    for (int i = 0; i < started; i++) {
        pthread_join(tid[i], NULL);
        sim_unit_runner_free(x[i].runner);
    }
    free(tid);
    free(x);
    stats->events = p->events;
    if (st == SIM_OK && stats->runs_skipped > 0)
        st = sim_error_set(err, SIM_INTERRUPTED, "interrupted: %zu runs were not run",
                           stats->runs_skipped);
    return st;
}

sim_status sim_pool_run(const sim_plan *plan, int threads, const sim_pool_hooks *hooks,
                        sim_pool_stats *stats, sim_error *err)
{
    sim_pool_stats local = {0};
    double t0 = wall_now();
    sim_status st = plan_check(plan, threads, hooks, err);
    pool p;
    if (st == SIM_OK)
        st = pool_init(&p, plan, threads, hooks, err);
    if (st == SIM_OK) {
        st = pool_drive(&p, threads, &local, err);
        pool_close(&p);
    }
    local.wall_s = wall_now() - t0;
    if (stats != NULL)
        *stats = local;
    return st;
}
