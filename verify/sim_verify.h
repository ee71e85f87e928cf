/*
 * sim_verify: the verification cases V1-V7 and V7b of SPEC section 9 run through the
 * production model code.
 *
 * A case is a scenario file (scenarios/verify/) with a `validation:` section naming the case
 * (mm1, mmc, mmck, mg1, breakdown, repairman, agerepl, perfect_twin). The analytic inputs
 * (arrival rate, service spec, servers, buffer, lives, repair specs, PM age, ...) are read
 * from the scenario's own resolved parameter tree, never typed twice, and the analytic
 * values computed with sim_analytic. A case also checks that the scenario is the degenerate
 * configuration its theory assumes (exponential service for M/M/c, calendar aging for the
 * repairman, ...) and reports SIM_INVALID, naming the key, when it is not.
 *
 * The scenario is run for its replications; only the runs of its first variant are used,
 * and of each run only the case's metrics of company 0 (no whole records are kept). Each
 * metric is averaged over replications with a Student-t 95% confidence interval.
 *
 * Pass rule per metric: the analytic value lies inside the simultaneous t interval of the
 * mean (Bonferroni: each of the case's m metrics at level 1 - 0.05/m, so the family-wise
 * level is at least 95%) AND the relative error is below the tolerance (2%; 5% with quick).
 * A metric whose analytic value is 0 passes only with absolute error < 1e-12. Little's law
 * L = X W is checked on every run of a case with orders: max over runs of the model's
 * little_gap = |L - X W| / L must be at most 0.01 (0.03 with quick). A case passes when every
 * metric and Little's law pass. Quick runs use `validation.quick_horizon_h` and
 * `validation.quick_replications`.
 */
#ifndef SIM_VERIFY_H
#define SIM_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "sim_scenario.h"
#include "sim_status.h"

#define SIM_VERIFY_TOL_FULL     0.02
#define SIM_VERIFY_TOL_QUICK    0.05
#define SIM_VERIFY_LITTLE_FULL  0.01
#define SIM_VERIFY_LITTLE_QUICK 0.03
#define SIM_VERIFY_FAMILY_ALPHA 0.05  /* family-wise error of a case's simultaneous intervals */
#define SIM_VERIFY_ZERO_ABS     1e-12 /* absolute error allowed when the analytic value is 0 */

typedef struct sim_verify_metric {
    char name[48]; /* e.g. "W (lead time, h)" */
    char var[40];  /* the model's output variable, e.g. "lead_time_mean" */
    double scale;  /* metric = scale * var, or 1 - var when one_minus */
    int one_minus;
    double analytic;
    double mean, sd;           /* over replications */
    double ci_lo, ci_hi;       /* 95% t interval (printed) */
    double simul_lo, simul_hi; /* simultaneous (Bonferroni) t interval (the pass rule) */
    double rel_err;            /* |mean - analytic| / |analytic|; absolute when analytic == 0 */
    int pass;
} sim_verify_metric;

#define SIM_VERIFY_MAX_METRICS 16

typedef struct sim_verify_case {
    char id[8];    /* "V1" */
    char key[16];  /* validation.case: "mm1" */
    char name[48]; /* "V1 M/M/1" */
    char file[256];
    int quick;
    size_t replications;
    double horizon_h, warmup_h;
    double tolerance;   /* relative-error bound of this run (full or quick) */
    double simul_level; /* level of each simultaneous interval: 1 - 0.05 / n_metrics */
    size_t n_metrics;
    sim_verify_metric metric[SIM_VERIFY_MAX_METRICS];
    int has_little;        /* the case has orders, so Little's law applies */
    double little_max_gap; /* max over runs of |L - X W| / L, NaN when the case has no orders */
    double little_limit;
    int little_pass; /* 1 when it holds or does not apply */
    int pass;
    uint64_t events;
    double wall_s;
} sim_verify_case;

/* The known cases, in SPEC order: i < sim_verify_case_count(). */
size_t sim_verify_case_count(void);
const char *sim_verify_case_key(size_t i); /* "mm1" */
const char *sim_verify_case_id(size_t i);  /* "V1" */
/* A user's name for a case, its key ("mm1") or its id ("v1", any case), to its key;
 * NULL when unknown. */
const char *sim_verify_find_case(const char *name);

/* Open the case in path: the scenario (with quick's horizon and replications when quick),
 * its case, its analytic values and metrics (out->metric[].analytic, names, variables).
 * *sc is set whenever the scenario was read at all, also on failure, so the caller can print
 * its diagnostics; the caller frees it with sim_scenario_free. */
sim_status sim_verify_open(const char *path, int quick, sim_scenario **sc, sim_verify_case *out,
                           sim_error *err);

/* Run an opened case and fill in its statistics and verdicts. */
sim_status sim_verify_run(const sim_scenario *sc, sim_verify_case *c, sim_error *err);

/* The pass rule applied to one metric's n >= 2 replication values x: fills mean, sd, both
 * intervals, rel_err and pass. simul_level is the level of the simultaneous interval
 * (1 - 0.05/m), tol the relative-error bound. */
void sim_verify_judge_metric(sim_verify_metric *m, const double *x, size_t n, double simul_level,
                             double tol);

/* sim_verify_open, sim_verify_run and free in one call. */
sim_status sim_verify_run_case(const char *path, int quick, sim_verify_case *out, sim_error *err);

#endif
