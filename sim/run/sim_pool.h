/*
 * sim_pool: the runs of a plan (design points x replications x variants) on worker threads,
 * delivered to the calling thread strictly in run order.
 *
 * A plan has D design points, R replications and V variant slots; run index
 *     run = ((d * R) + r) * V + v,        design(run) = d,
 * and the work unit is one (d, r) with all its variants (unit u = d * R + r, runs u*V ..
 * u*V+V-1): a worker runs the variants of a unit back to back and pairs them
 * (sim_runner_run_group) before the unit is delivered. The streams of a run are keyed by
 * (master seed, design key, r, stream) with design key 0 for every point under common random
 * numbers (crn) and d otherwise, so replication r of every point draws the same numbers.
 *
 * Threads: `threads` workers (pthreads) compute units; the calling thread is the only
 * consumer: it calls the sink (put/fail per run) and the copy hook, so a non-thread-safe
 * library behind the sink (HDF5) is used from one thread. Finished units wait in a reorder
 * window of SIM_POOL_WINDOW_PER_THREAD x (threads + remote slots) slots (capped at the
 * number of units); a worker does not start unit u
 * before unit u - window has been delivered, so memory is bounded by the window, not by the
 * number of runs. Delivery order, and hence everything the sink sees, does not depend on
 * the number of threads or on the order units finish in.
 *
 * Faults stay in their unit: a design point that cannot be opened, or whose output layout or
 * variants differ from the plan's, fails the runs of its units (sink fail) and the others go
 * on; a run that fails does the same for its own slot. Only a sink error, running out of
 * memory or a thread that cannot be started stop the pool.
 *
 * Stopping: the consumer polls hooks.stop between deliveries (and at least every
 * SIM_POOL_POLL_MS while it waits). 1 = stop taking new units: running units finish; 2 =
 * abandon running units between events too. Once stopping, the consumer still delivers
 * every unit that finished and copies every unit marked done, in run order; units never
 * run are skipped (their runs stay "not run"). The result is then SIM_INTERRUPTED.
 *
 * Worker threads block SIGINT and SIGTERM (and every other asynchronous signal), so the
 * program's handlers run on the calling thread.
 */
#ifndef SIM_POOL_H
#define SIM_POOL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_model.h"
#include "sim_runner.h"
#include "sim_scenario.h"
#include "sim_status.h"

#define SIM_POOL_WINDOW_PER_THREAD 4
#define SIM_POOL_POLL_MS           100
#define SIM_POOL_MAX_THREADS       1024

typedef struct sim_plan {
    size_t n_designs;    /* D >= 1 */
    size_t replications; /* R >= 1 */
    size_t n_variants;   /* V >= 1 */
    const int *variants; /* V variant indices; every design point must ask for these */
    uint64_t master_seed;
    int crn;                /* 1: common random numbers across design points */
    const sim_catalog *cat; /* the output layout every design point must produce */
    /* Open design point d (called from worker threads, several at once). A failure (any
     * status) fails the runs of d with err's message. */
    sim_status (*open)(void *ctx, size_t d, sim_scenario **out, sim_error *err);
    /* Release what open returned (NULL allowed). */
    void (*close)(void *ctx, sim_scenario *sc);
    void *ctx;
} sim_plan;

/* Executors elsewhere (MPI ranks, sim_mpi.h): `slots` extra threads in the pool, one per
 * unit that may be in flight remotely at once. A slot thread takes units from the same queue
 * as the local workers (so a fast executor takes more: dynamic scheduling) and, instead of
 * computing, calls run_unit on its own thread, which must fill g exactly as
 * sim_runner_run_group would (records, ok, why, events) and may return SIM_INTERRUPTED when
 * abandon becomes non-zero. Any other non-OK return is fatal to the pool, as for a worker.
 * run_unit is called from several slot threads at once (different slots). */
typedef struct sim_pool_remote {
    int slots;
    sim_status (*run_unit)(void *ctx, int slot, size_t unit, sim_group *g,
                           const atomic_int *abandon, sim_error *err);
    void *ctx;
} sim_pool_remote;

/* Computing one unit of a plan anywhere (a pool worker, a remote rank): keeps the design
 * point open while consecutive units share it. One per thread. */
typedef struct sim_unit_runner sim_unit_runner;
sim_unit_runner *sim_unit_runner_new(const sim_plan *plan);
/* Compute unit u into g (g's records laid out by plan->cat, n_variants slots): as
 * sim_runner_run_group, after opening (or reusing) design point u / R; a design point that
 * does not open fails every slot of g with its message and returns SIM_OK. */
sim_status sim_unit_runner_run(sim_unit_runner *ur, size_t u, sim_group *g,
                               const atomic_int *abandon, sim_error *err);
void sim_unit_runner_free(sim_unit_runner *ur); /* NULL is a no-op */

/* Consumer side; every hook runs on the thread that called sim_pool_run. */
typedef struct sim_pool_hooks {
    /* put and fail per run, in run order. The run id has the run's design point (not the
     * stream key), replication and variant. fail must not be NULL. */
    sim_sink sink;
    /* n_units flags (or NULL): units already done (a resumed file); copy(ctx, unit) is
     * called for them, in order, instead of running them. */
    const unsigned char *done;
    sim_status (*copy)(void *ctx, size_t unit, sim_error *err);
    /* n_units flags (or NULL): units outside this batch (another shard's): neither run nor
     * copied nor delivered, and not counted as skipped; a plan whose every unit is outside
     * is run as done at once. A unit both done and outside is outside. */
    const unsigned char *outside;
    /* 0 go on, 1 stop taking units, 2 also abandon running ones. May be NULL. */
    int (*stop)(void *ctx);
    /* After every delivered or copied unit. May be NULL. */
    void (*progress)(void *ctx, size_t units_delivered, size_t runs_failed);
    void *ctx;
    /* Remote executors beside the local workers, or NULL. */
    const sim_pool_remote *remote;
} sim_pool_hooks;

typedef struct sim_pool_stats {
    size_t runs_done;    /* put */
    size_t runs_failed;  /* fail */
    size_t runs_copied;  /* in units copied */
    size_t runs_skipped; /* not run because of a stop (outside units are not counted) */
    uint64_t events;
    int threads;   /* workers started */
    double wall_s; /* whole sim_pool_run */
    double sink_s; /* inside the sink and copy hooks (the consumer's writing) */
} sim_pool_stats;

size_t sim_plan_n_units(const sim_plan *plan);
size_t sim_plan_n_runs(const sim_plan *plan);
/* The identity of a run as delivered: design point, replication, variant. */
sim_run_id sim_plan_run_id(const sim_plan *plan, size_t run);
/* The key its streams are drawn from: as sim_plan_run_id, design 0 under crn. */
sim_run_id sim_plan_stream_key(const sim_plan *plan, size_t run);

/* Run the plan with `threads` workers (1..SIM_POOL_MAX_THREADS; fewer are started when
 * there are fewer units to run). Returns SIM_OK when every unit was delivered or copied,
 * SIM_INTERRUPTED after a stop, or the first fatal error (SIM_NOMEM, SIM_INTERNAL for a
 * plan that is not one or a thread that cannot start, a sink's status). stats may be NULL. */
sim_status sim_pool_run(const sim_plan *plan, int threads, const sim_pool_hooks *hooks,
                        sim_pool_stats *stats, sim_error *err);

#endif
