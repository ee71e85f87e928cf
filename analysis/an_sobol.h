/*
 * an_sobol: first- and total-order Sobol indices from the responses of a Saltelli design,
 * with bootstrap percentile confidence intervals.
 *
 * Input: the response at every point of Saltelli's matrix in the layout of sim_design.h,
 * block by block: f[j] = f(A_j), f[n + j] = f(B_j), f[(2 + i) n + j] = f(AB_i,j), n (k + 2)
 * values for base sample n and k factors. Estimators (Saltelli et al. 2010, Table 2):
 *
 *   V    = variance of the 2n values f(A), f(B) (denominator 2n)
 *   S_i  = mean_j f(B_j) (f(AB_i,j) - f(A_j)) / V                  (Saltelli 2010)
 *   ST_i = mean_j (f(A_j) - f(AB_i,j))^2 / 2 / V                   (Jansen 1999)
 *
 * The responses are shifted by their mean over A and B first: the estimators are
 * unbiased whatever the shift, but a large common offset (a value of 10^6 EUR varying by
 * 10^2) would otherwise cost digits to cancellation.
 *
 * Missing responses: base row j is used only when f(A_j), f(B_j) and every f(AB_i,j) are
 * finite, so a failed design point drops its row from every estimator alike (the indices
 * stay comparable); the result says how many rows were used. A constant response (V = 0)
 * has no indices: they are NaN and the result says so; that is not an error.
 *
 * Confidence intervals: B bootstrap resamples of the used base rows (with replacement), the
 * indices recomputed on each, the (1 - level)/2 and (1 + level)/2 quantiles taken. The
 * resampling draws from a keyed stream, sim_rng_key(seed, AN_SOBOL_RNG_DESIGN, 0,
 * sim_rng_stream_id(AN_SOBOL_RNG_PROCESS, stream)), so an analysis is reproducible from its
 * seed and each response (stream) gets its own numbers. A resample whose variance is 0
 * has no indices and is left out of the quantiles. bootstrap = 0 gives NaN bounds.
 *
 * Pure functions of their arguments; no state between calls; thread-safe.
 */
#ifndef AN_SOBOL_H
#define AN_SOBOL_H

#include <stddef.h>
#include <stdint.h>

#include "sim_status.h"

#define AN_SOBOL_BOOTSTRAP_DEFAULT 1000u
/* Stream key parts: a design coordinate no run uses and a process id no model uses (the
 * designs use 0xFFFF). */
#define AN_SOBOL_RNG_DESIGN  UINT64_MAX
#define AN_SOBOL_RNG_PROCESS 0xFFFEu

typedef struct an_sobol_options {
    size_t bootstrap; /* resamples; 0: no confidence intervals */
    double level;     /* confidence level in (0, 1) */
    uint64_t seed;    /* master seed of the resampling stream */
    uint64_t stream;  /* stream index (e.g. the response's number) */
} an_sobol_options;

/* One factor's indices; bounds NaN when there is no bootstrap or no index. */
typedef struct an_sobol_index {
    double S1, S1_low, S1_high;
    double ST, ST_low, ST_high;
} an_sobol_index;

typedef struct an_sobol_result {
    size_t n_base;      /* base sample n */
    size_t n_used;      /* base rows with every response finite */
    size_t n_bootstrap; /* resamples that gave indices (<= options.bootstrap) */
    double mean;        /* mean of f(A), f(B) over the used rows */
    double variance;    /* V over the used rows */
    int constant;       /* 1 when V == 0: indices NaN */
} an_sobol_result;

/* Indices of the k factors into idx[k] and the summary into res. SIM_INVALID (message says
 * why) when k or n is 0, the level is not in (0, 1), or fewer than 2 base rows are usable
 * ("only 1 of 8 base rows has a finite response at every point"); SIM_NOMEM. */
sim_status an_sobol_estimate(const double *f, size_t n, size_t k, const an_sobol_options *opt,
                             an_sobol_index *idx, an_sobol_result *res, sim_error *err);

#endif
