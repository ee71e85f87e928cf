/*
 * sim_analytic: closed-form results of queueing and reliability theory, the anchors that
 * ecotwin verify compares the production model against (SPEC section 9).
 *
 * Every value is computed here from its formula with GSL (gamma function, erf, factorials
 * through gsl_sf_lnfact/gsl_sf_fact); nothing is a pasted number. Functions return NaN for
 * parameters outside the formula's domain (an unstable queue, c < 1, ...).
 */
#ifndef SIM_ANALYTIC_H
#define SIM_ANALYTIC_H

#include <stddef.h>

/* Steady-state results of a queue; a field the model does not define is NaN. */
typedef struct sim_queue_result {
    double L;      /* mean number in system */
    double Lq;     /* mean number waiting */
    double W;      /* mean sojourn (lead) time, h */
    double Wq;     /* mean waiting time, h */
    double U;      /* server utilization (busy fraction per server) */
    double X;      /* throughput, h^-1 */
    double P_wait; /* probability an arrival cannot start at once (waits or is blocked) */
    double P_block;/* probability an arrival is lost (finite buffer) */
} sim_queue_result;

sim_queue_result sim_analytic_mm1(double lambda, double mu);
/* Erlang C. */
sim_queue_result sim_analytic_mmc(double lambda, double mu, int c);
double sim_analytic_erlang_c(int c, double a);
/* M/M/c/K with K = c + queue capacity. */
sim_queue_result sim_analytic_mmck(double lambda, double mu, int c, int K);
/* M/G/1 (Pollaczek-Khinchine), service mean es and second moment es2. */
sim_queue_result sim_analytic_mg1(double lambda, double es, double es2);
/* M/M/1 with breakdowns during service, preemptive resume: failure rate alpha per busy
 * hour, repair mean er and second moment er2. Also returns busy and down fractions. */
sim_queue_result sim_analytic_mm1_breakdown(double lambda, double mu, double alpha, double er,
                                            double er2, double *busy_fraction,
                                            double *down_fraction);
/* P(sojourn > t) in M/M/1. */
double sim_analytic_mm1_sojourn_tail(double lambda, double mu, double t);

/* Machine repairman: n machines, exponential lives (rate alpha), r repairers, exponential
 * repairs (rate beta). p receives n+1 state probabilities when not NULL. */
typedef struct sim_repairman_result {
    double mean_down;      /* E[number down] */
    double availability;   /* (n - E[down]) / n */
    double crew_utilization; /* E[busy repairers] / r */
    double failure_rate;   /* alpha * E[up], h^-1 */
} sim_repairman_result;
sim_repairman_result sim_analytic_repairman(int n, double alpha, double beta, int r, double *p);

/* Age replacement with Weibull lives (scale eta, shape k), PM at age T, mean corrective
 * downtime tf and PM downtime tp (alternating renewal). T <= 0: run to failure. */
typedef struct sim_agerepl_result {
    double availability;
    double failures_per_h;
    double pm_per_h;
    double mean_up_per_cycle; /* integral of R from 0 to T */
} sim_agerepl_result;
sim_agerepl_result sim_analytic_age_replacement(double eta, double k, double T, double tf,
                                                double tp);
/* A perfect twin doing PM at fraction f of each (known) Weibull life, PM downtime tp. */
double sim_analytic_perfect_twin_availability(double eta, double k, double f, double tp);

/* Two-sided Student-t 95% (or any level) confidence half-width for n values with sample sd. */
double sim_analytic_t_halfwidth(double sd, size_t n, double level);

#endif
