/*
 * phold_params: the parameters of the PHOLD benchmark model and their schema.
 *
 * PHOLD (Fujimoto 1990; the ROSS simulator's standard benchmark) keeps a fixed population
 * of events circulating among n_lp logical processes. The `phold:` section of a scenario
 * names the number of processes, the events each starts with, the exponential delay and the
 * lookahead added to every delay, and the probability that an event is sent to another
 * process. phold_params_read reads them through the sim_cfg getters, so the getter calls
 * are the schema: every problem becomes a diagnostic on the tree and reading goes on.
 */
#ifndef PHOLD_PARAMS_H
#define PHOLD_PARAMS_H

#include <stdint.h>

#include "sim_cfg.h"

/* Largest n_lp x events_per_lp: the event list holds that many 40-byte events (4 GB). */
#define PHOLD_MAX_PENDING 100000000LL

typedef struct phold_params {
    uint32_t n_lp;          /* logical processes */
    uint32_t events_per_lp; /* events each process starts with */
    double mean_delay_h;    /* mean of the exponential part of every delay */
    double lookahead_h;     /* constant part of every delay */
    double remote_fraction; /* probability an event goes to another process */
} phold_params;

/* Read the `phold:` section under root into *p (defaults for missing keys). Problems are
 * diagnostics on cfg; *p always holds usable values afterwards. */
void phold_params_read(sim_cfg *cfg, sim_cfg_node *root, phold_params *p);

#endif
