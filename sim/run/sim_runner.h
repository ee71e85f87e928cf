/*
 * sim_runner: runs the replications and variants of one scenario and hands each finished
 * run to a sink (the HDF5 writer, the verifier's collector, a test).
 *
 * Run i is replication i / n_variants, variant slot i % n_variants. Every run of a
 * replication draws the same keyed streams whatever its variant (common random numbers).
 * The variants of one replication run back to back and, when the model pairs variants
 * (sim_model_type.pair, e.g. inter-organizational value), are paired before any of them
 * reaches the sink. The record passed to the sink is valid only during the call.
 *
 * The pieces are public so that the parallel runner (sim_pool) runs the same groups on its
 * workers: sim_runner_run_keyed runs one run from an explicit identity and can be abandoned
 * between events; sim_runner_run_group runs and pairs the variants of one (design point,
 * replication). Neither touches anything but its arguments, so they may run in several
 * threads at once on the same scenario and catalog.
 */
#ifndef SIM_RUNNER_H
#define SIM_RUNNER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_model.h"
#include "sim_scenario.h"
#include "sim_status.h"

typedef struct sim_sink {
    /* Called once per finished run, in run order. */
    sim_status (*put)(void *ctx, size_t run, const sim_run_id *id, const sim_record *rec,
                      sim_error *err);
    /* Called for a run that failed (numerical error, ...); may be NULL: then the failure
     * stops the runner. */
    sim_status (*fail)(void *ctx, size_t run, const sim_run_id *id, const sim_error *why,
                       sim_error *err);
    void *ctx;
} sim_sink;

typedef struct sim_runner_stats {
    size_t runs_done;
    size_t runs_failed;
    uint64_t events;
    double wall_s;
} sim_runner_stats;

/* Build the output catalog of a scenario (caller frees). NULL when out of memory. */
sim_catalog *sim_runner_catalog(const sim_scenario *sc);

/* Run one run into rec. */
sim_status sim_runner_run_one(const sim_scenario *sc, const sim_catalog *cat, size_t run,
                              sim_record *rec, uint64_t *events, sim_error *err);

/* Events between two looks at the stop flag of sim_runner_run_keyed. */
#define SIM_RUNNER_STOP_EVERY 4096u

/* Run the run with identity id (streams keyed by its master seed, design and replication;
 * its variant) into rec. When stop is not NULL and becomes nonzero, the run is abandoned
 * between events with SIM_INTERRUPTED. */
sim_status sim_runner_run_keyed(const sim_scenario *sc, const sim_catalog *cat,
                                const sim_run_id *id, sim_record *rec, uint64_t *events,
                                const atomic_int *stop, sim_error *err);

/* Outcome of the variants of one group: recs[k], ok[k], why[k] for slot k < n_variants. */
typedef struct sim_group {
    sim_record **recs;
    int *ok;
    sim_error *why;
    uint64_t events;
} sim_group;

/* Run every variant slot of sc for the stream key `key` (its variant is ignored) into g,
 * then pair them when the model pairs variants and every slot succeeded (a pairing failure
 * fails every slot). A failed run is recorded in g (ok 0, why) and is not an error here:
 * the return is SIM_OK, or SIM_NOMEM (fatal), or SIM_INTERRUPTED when stop was raised. */
sim_status sim_runner_run_group(const sim_scenario *sc, const sim_catalog *cat,
                                const sim_run_id *key, sim_group *g, const atomic_int *stop,
                                sim_error *err);

/* Run every run of sc in order into sink. stats may be NULL. */
sim_status sim_runner_run_all(const sim_scenario *sc, const sim_catalog *cat, sim_sink *sink,
                              sim_runner_stats *stats, sim_error *err);

/* The run identity of run index i. */
sim_run_id sim_runner_run_id(const sim_scenario *sc, size_t run);

#endif
