/*
 * sim_analytic: closed-form results of queueing and reliability theory, the anchors that
 * ecotwin verify compares the production model against (SPEC section 9).
 *
 * Every value is computed here from its formula with GSL (gamma function, erf, incomplete
 * gamma, factorials through gsl_sf_lnfact, Student-t quantiles); nothing is a pasted number.
 * Sums of terms a^n/n! are formed in logarithms and scaled by their largest term, so large
 * server counts neither overflow nor lose the small terms.
 *
 * Domain: every function returns NaN (every field NaN for the result structs) for
 * parameters outside its formula's domain: non-positive or non-finite rates and means, c < 1,
 * K < c, an unstable queue (offered load >= servers), and so on. The functions keep no state
 * and never call GSL's error handler.
 */
#ifndef SIM_ANALYTIC_H
#define SIM_ANALYTIC_H

#include <stddef.h>

/* Steady-state results of a queue; a field the model does not define is NaN. */
typedef struct sim_queue_result {
    double L;       /* mean number in system */
    double Lq;      /* mean number waiting */
    double W;       /* mean sojourn (lead) time, h */
    double Wq;      /* mean waiting time, h */
    double U;       /* server utilization (busy fraction per server) */
    double X;       /* throughput, h^-1 */
    double P_wait;  /* probability an arrival cannot start at once (waits or is blocked) */
    double P_block; /* probability an arrival is lost (finite buffer); 0 for infinite ones */
} sim_queue_result;

/* M/M/1: arrival rate lambda, service rate mu (both per h); needs lambda < mu. */
sim_queue_result sim_analytic_mm1(double lambda, double mu);
/* P(sojourn > t) in M/M/1: the sojourn time is Exp(mu - lambda). t >= 0. */
double sim_analytic_mm1_sojourn_tail(double lambda, double mu, double t);

/* M/M/c with Erlang C; needs lambda < c mu. */
sim_queue_result sim_analytic_mmc(double lambda, double mu, int c);
/* Erlang C: probability of waiting with c servers and offered load a = lambda/mu < c. */
double sim_analytic_erlang_c(int c, double a);

/* M/M/c/K with K = c + queue capacity >= c (any load). p receives the K+1 state
 * probabilities when not NULL (left untouched when the parameters are out of domain). */
sim_queue_result sim_analytic_mmck(double lambda, double mu, int c, int K, double *p);

/* M/G/1 (Pollaczek-Khinchine), service mean es and second moment es2 >= es^2. */
sim_queue_result sim_analytic_mg1(double lambda, double es, double es2);

/* M/G/1 whose server breaks down only while serving (failure rate alpha per busy hour),
 * preemptive resume, repair mean er and second moment er2 (Gaver 1962): the completion time
 * C = S + repairs during S has E[C] = E[S](1 + alpha E[R]) and
 * E[C^2] = E[S^2](1 + alpha E[R])^2 + alpha E[S] E[R^2], and the queue is M/G/1 in C.
 * U is the busy (serving) fraction lambda E[S]; P_wait = lambda E[C] (server not idle).
 * busy_fraction and down_fraction (lambda E[S] alpha E[R]) are set when not NULL. */
sim_queue_result sim_analytic_mg1_breakdown(double lambda, double es, double es2, double alpha,
                                            double er, double er2, double *busy_fraction,
                                            double *down_fraction);

/* Machine repairman: n machines, exponential lives (rate alpha), r repairers, exponential
 * repairs (rate beta). p receives n+1 state probabilities (number down) when not NULL. */
typedef struct sim_repairman_result {
    double mean_down;        /* E[number down] */
    double availability;     /* (n - E[down]) / n */
    double crew_utilization; /* E[busy repairers] / r */
    double failure_rate;     /* alpha * E[up], h^-1 */
} sim_repairman_result;
sim_repairman_result sim_analytic_repairman(int n, double alpha, double beta, int r, double *p);

/* Weibull (scale eta, shape k) partial mean life: integral of R(t) from 0 to T;
 * T = +inf gives the mean life eta Gamma(1 + 1/k). */
double sim_analytic_weibull_integral(double eta, double k, double T);
/* Weibull reliability R(T) = exp(-(T/eta)^k). */
double sim_analytic_weibull_reliability(double eta, double k, double T);

/* Age replacement with Weibull lives (scale eta, shape k), PM at age T, mean corrective
 * downtime tf and PM downtime tp (alternating renewal). T <= 0 or T = +inf: run to failure. */
typedef struct sim_agerepl_result {
    double availability;
    double failures_per_h;
    double pm_per_h;
    double mean_up_per_cycle; /* integral of R from 0 to T */
} sim_agerepl_result;
sim_agerepl_result sim_analytic_age_replacement(double eta, double k, double T, double tf,
                                                double tp);
/* A perfect twin doing PM at fraction f in (0, 1] of each (known) Weibull life, mean PM
 * downtime tp: A = f E[L] / (f E[L] + tp). */
double sim_analytic_perfect_twin_availability(double eta, double k, double f, double tp);

/* Two-sided Student-t confidence half-width at `level` (0.95, ...) for the mean of n >= 2
 * values with sample standard deviation sd. */
double sim_analytic_t_halfwidth(double sd, size_t n, double level);

#endif
