/*
 * sim_verify: the verification cases V1-V7 of SPEC section 9 run through the production
 * model code.
 *
 * A case is a scenario file in scenarios/verify/ with a `validation:` section naming the
 * case (mm1, mmc, mmck, mg1, breakdown, repairman, agerepl, perfect_twin). The analytic
 * inputs (arrival rate, service spec, servers, buffer, lives, repair specs, ...) are read
 * from the scenario's own resolved parameter tree, never typed twice, and the analytic
 * values computed with sim_analytic. The scenario is run for its replications; each metric
 * is averaged over replications with a Student-t 95% confidence interval.
 *
 * Pass rule per metric: the analytic value lies inside the simultaneous (Bonferroni, family
 * -wise 95% over the case's metrics) t interval of the mean, and the relative error is below
 * the case's tolerance (2%, 5% with --quick). Little's law L = X W is checked on every run.
 * --quick uses `validation.quick_horizon_h` and `validation.quick_replications`.
 */
#ifndef SIM_VERIFY_H
#define SIM_VERIFY_H

#include <stddef.h>

#include "sim_scenario.h"
#include "sim_status.h"

typedef struct sim_verify_metric {
    char name[48];       /* e.g. "W (mean lead time, h)" */
    double analytic;
    double mean, ci_lo, ci_hi; /* 95% t interval */
    double rel_err;      /* |mean - analytic| / |analytic| (absolute error when analytic==0) */
    int pass;
} sim_verify_metric;

#define SIM_VERIFY_MAX_METRICS 16

typedef struct sim_verify_case {
    char name[32];        /* "V1 M/M/1" */
    char file[256];
    size_t replications;
    double horizon_h;
    size_t n_metrics;
    sim_verify_metric metric[SIM_VERIFY_MAX_METRICS];
    double little_max_gap; /* max over runs of |L - X W| / L, NaN when the case has no orders */
    int little_pass;
    int pass;
    double wall_s;
} sim_verify_case;

/* Run one case file. quick != 0 applies the quick horizon and replications. */
sim_status sim_verify_run_case(const char *path, int quick, sim_verify_case *out,
                               sim_error *err);

#endif
