/*
 * sim_stats: time-weighted averages, tallies of observations and log-binned histograms.
 *
 * sim_tw integrates a piecewise-constant quantity lazily: each change adds
 * value * (t - last change) to the area, so the cost per state change is O(1) and nothing
 * is sampled. sim_tally keeps count, mean and variance of observations (Welford's update,
 * stable for long runs). sim_hist counts observations in logarithmic bins between lo and hi
 * (with underflow and overflow bins) and answers quantiles by log-linear interpolation
 * inside the bin; its storage is one allocation made at init. All three have a reset that
 * starts a new measurement window (warm-up deletion) without allocating.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "sim_status.h"

/* Time-weighted average of a piecewise-constant value. Small value type. */
typedef struct sim_tw {
    double value;  /* current value */
    double last_t; /* time of the last change */
    double area;   /* integral of value since start_t up to last_t */
    double start_t;
} sim_tw;

void sim_tw_init(sim_tw *tw, double t0, double value);
void sim_tw_set(sim_tw *tw, double t, double value); /* t >= last_t */
void sim_tw_add(sim_tw *tw, double t, double delta);
/* Start a new window at t keeping the current value (warm-up end). */
void sim_tw_reset(sim_tw *tw, double t);
/* Integral over [start_t, t] and mean over it (0 when t == start_t). */
double sim_tw_area(const sim_tw *tw, double t);
double sim_tw_mean(const sim_tw *tw, double t);

/* Observations: count, mean, variance, min, max. */
typedef struct sim_tally {
    uint64_t n;
    double mean, m2, min, max, sum;
} sim_tally;

void sim_tally_reset(sim_tally *s);
void sim_tally_add(sim_tally *s, double x);
double sim_tally_mean(const sim_tally *s);     /* NaN when n == 0 */
double sim_tally_variance(const sim_tally *s); /* sample variance; NaN when n < 2 */
double sim_tally_sd(const sim_tally *s);

/* Log-binned histogram. */
typedef struct sim_hist {
    double lo, hi;   /* bin edges lo .. hi, geometric */
    size_t nbins;    /* interior bins */
    uint64_t *count; /* nbins + 2: [0] underflow (< lo), [nbins+1] overflow (>= hi) */
    uint64_t n;
    double log_lo, inv_log_width;
} sim_hist;

/* lo > 0, hi > lo, nbins >= 1. Allocates the counts; SIM_NOMEM or SIM_INTERNAL on error. */
sim_status sim_hist_init(sim_hist *h, double lo, double hi, size_t nbins);
void sim_hist_close(sim_hist *h); /* frees the counts; safe on a zeroed struct */
void sim_hist_reset(sim_hist *h);
void sim_hist_add(sim_hist *h, double x);
/* Quantile for p in [0,1]; NaN when empty. Values below lo report lo, above hi report hi. */
double sim_hist_quantile(const sim_hist *h, double p);

#endif
