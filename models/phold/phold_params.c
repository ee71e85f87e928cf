/*
 * phold_params: the `phold:` section read through the sim_cfg getters.
 *
 * The defaults are those of ROSS's phold model (mean 1, lookahead 1, a quarter of the events
 * remote, one event per process) with 1024 processes. Two rules involve several keys and
 * are checked after the fields: a single process has nobody to send to, and the event list
 * must fit in memory.
 */
#include "phold_params.h"

#define N_LP_MAX          10000000LL
#define EVENTS_PER_LP_MAX 100000000LL
#define DELAY_MAX_H       1e7 /* the largest horizon a scenario may ask for */

static void check_rules(sim_cfg *cfg, sim_cfg_node *s, phold_params *p)
{
    if (p->n_lp == 1 && p->remote_fraction > 0.0) {
        sim_cfg_error(cfg, sim_cfg_peek(s, "remote_fraction"),
                      "phold.remote_fraction: must be 0 when n_lp is 1 (no other process to "
                      "send to), got %g",
                      p->remote_fraction);
        p->remote_fraction = 0.0;
    }
    long long pending = (long long)p->n_lp * (long long)p->events_per_lp;
    if (pending > PHOLD_MAX_PENDING) {
        sim_cfg_error(cfg, sim_cfg_peek(s, "events_per_lp"),
                      "phold: n_lp x events_per_lp = %lld pending events, at most %lld allowed",
                      pending, PHOLD_MAX_PENDING);
        p->events_per_lp = 1;
    }
}

void phold_params_read(sim_cfg *cfg, sim_cfg_node *root, phold_params *p)
{
    sim_cfg_node *s = sim_cfg_map(cfg, root, "phold");
    p->n_lp = (uint32_t)sim_cfg_int(cfg, s, "n_lp", 1024, 1, N_LP_MAX);
    p->events_per_lp = (uint32_t)sim_cfg_int(cfg, s, "events_per_lp", 1, 1, EVENTS_PER_LP_MAX);
    p->mean_delay_h = sim_cfg_num(cfg, s, "mean_delay_h", 1.0, SIM_RANGE_LO_OPEN(0.0, DELAY_MAX_H));
    p->lookahead_h = sim_cfg_num(cfg, s, "lookahead_h", 1.0, SIM_RANGE(0.0, DELAY_MAX_H));
    p->remote_fraction = sim_cfg_num(cfg, s, "remote_fraction", 0.25, SIM_RANGE(0.0, 1.0));
    check_rules(cfg, s, p);
}
