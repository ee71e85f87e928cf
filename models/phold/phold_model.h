/*
 * phold_model: the PHOLD benchmark (Fujimoto 1990, as in the ROSS simulator) as a
 * sim_model_type named "phold".
 *
 * n_lp logical processes each start with events_per_lp events. Handling an event at process
 * i schedules exactly one new event, lookahead_h + Exp(mean_delay_h) later, at another
 * process (drawn uniformly) with probability remote_fraction, else at i itself; so the
 * number of pending events stays n_lp x events_per_lp for the whole run. Every draw of
 * process i comes from its own keyed stream (master seed, design, replication, process),
 * three draws per event whatever remote_fraction is (decision, destination only when
 * remote, delay), so a run does not depend on the order in which the engine breaks ties.
 *
 * Outputs: per process (dimension "lp") the events handled and the events sent to another
 * process; per run their totals and the events pending at the end. The counts cover the
 * whole run: PHOLD has no warm-up (simulation.warmup_h is read but not used).
 */
#ifndef PHOLD_MODEL_H
#define PHOLD_MODEL_H

#include "sim_model.h"

extern const sim_model_type phold_model_type;

/* Event kind of the one PHOLD event: a = destination process. */
#define PHOLD_EV_ARRIVE 0

/* Stream process id of the per-process streams (sim_rng_stream_id(PHOLD_STREAM, lp)). */
#define PHOLD_STREAM 1u

#endif
