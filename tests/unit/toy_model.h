/*
 * toy_model: a model for testing the runners (sim_pool, sim_batch) without the ecosystem
 * model: each run handles `events` events and records values that show which stream key,
 * replication and variant it ran with; failures, running out of memory and a failing pair
 * are switched on per replication, and a watch counts what the workers did.
 */
#ifndef TOY_MODEL_H
#define TOY_MODEL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_model.h"
#include "sim_scenario.h"

/* Mutable counters shared by every run of a test (the params stay read-only). */
typedef struct toy_watch {
    atomic_long runs_started;
    atomic_long max_unit_started; /* design key * replications + replication */
} toy_watch;

typedef struct toy_params {
    size_t replications; /* for the unit in the watch */
    long fail_rep;       /* a handler error in runs of this replication; -1: none */
    long nomem_rep;      /* run_alloc runs out of memory; -1: none */
    long pair_fail_rep;  /* pairing fails; -1: none */
    int extra_var;       /* one more output variable: another layout */
    long events;         /* events per run (>= 1) */
    toy_watch *watch;    /* may be NULL */
} toy_params;

/* Record variables, in catalog order. */
enum { TOY_KEY_DESIGN, TOY_REPLICATION, TOY_VARIANT, TOY_DRAW, TOY_EVENTS, TOY_PAIRED };

extern const sim_model_type toy_model;

void toy_params_init(toy_params *p, size_t replications);
void toy_watch_init(toy_watch *w);
/* A scenario of the toy model (no tree): the caller owns variants and params. */
void toy_scenario(sim_scenario *sc, toy_params *p, size_t replications, int *variants,
                  size_t n_variants);
/* The draw a run with this stream key records. */
double toy_draw(uint64_t seed, uint64_t design_key, uint64_t replication);

#endif
