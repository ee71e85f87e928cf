/*
 * sim_stats: lazy time-weighted areas, Welford tallies and log-binned histograms.
 *
 * The histogram finds a bin by computing its index from log(x) rather than searching the
 * edges, so an observation costs one log. Its quantile walks the cumulative counts to the
 * bin holding rank p*n and interpolates linearly in log(x) inside that bin, which matches
 * the geometric spacing of the edges.
 */
#include "sim_stats.h"

#include <math.h>
#include <stdlib.h>

void sim_tw_init(sim_tw *tw, double t0, double value)
{
    tw->value = value;
    tw->last_t = t0;
    tw->area = 0.0;
    tw->start_t = t0;
}

void sim_tw_set(sim_tw *tw, double t, double value)
{
    tw->area += tw->value * (t - tw->last_t);
    tw->last_t = t;
    tw->value = value;
}

void sim_tw_add(sim_tw *tw, double t, double delta)
{
    sim_tw_set(tw, t, tw->value + delta);
}

void sim_tw_reset(sim_tw *tw, double t)
{
    tw->area = 0.0;
    tw->last_t = t;
    tw->start_t = t;
}

double sim_tw_area(const sim_tw *tw, double t)
{
    return tw->area + tw->value * (t - tw->last_t);
}

double sim_tw_mean(const sim_tw *tw, double t)
{
    double span = t - tw->start_t;
    return span > 0.0 ? sim_tw_area(tw, t) / span : 0.0;
}

void sim_tally_reset(sim_tally *s)
{
    s->n = 0;
    s->mean = 0.0;
    s->m2 = 0.0;
    s->min = INFINITY;
    s->max = -INFINITY;
    s->sum = 0.0;
}

void sim_tally_add(sim_tally *s, double x)
{
    s->n++;
    double delta = x - s->mean;
    s->mean += delta / (double)s->n;
    s->m2 += delta * (x - s->mean);
    s->sum += x;
    if (x < s->min)
        s->min = x;
    if (x > s->max)
        s->max = x;
}

double sim_tally_mean(const sim_tally *s)
{
    return s->n > 0 ? s->mean : NAN;
}

double sim_tally_variance(const sim_tally *s)
{
    return s->n > 1 ? s->m2 / (double)(s->n - 1) : NAN;
}

double sim_tally_sd(const sim_tally *s)
{
    return sqrt(sim_tally_variance(s));
}

sim_status sim_hist_init(sim_hist *h, double lo, double hi, size_t nbins)
{
    *h = (sim_hist){0};
    if (!(lo > 0.0) || !isfinite(hi) || !(hi > lo) || nbins == 0 ||
        nbins > SIZE_MAX / sizeof *h->count - 2)
        return SIM_INTERNAL;
    h->count = calloc(nbins + 2, sizeof *h->count);
    if (h->count == NULL)
        return SIM_NOMEM;
    h->lo = lo;
    h->hi = hi;
    h->nbins = nbins;
    h->log_lo = log(lo);
    h->inv_log_width = (double)nbins / (log(hi) - h->log_lo);
    return SIM_OK;
}

void sim_hist_close(sim_hist *h)
{
    free(h->count);
    h->count = NULL;
    h->nbins = 0;
    h->n = 0;
}

void sim_hist_reset(sim_hist *h)
{
    if (h->count == NULL)
        return;
    for (size_t i = 0; i < h->nbins + 2; i++)
        h->count[i] = 0;
    h->n = 0;
}

/* Index into count[]: 0 underflow, 1..nbins interior, nbins+1 overflow. Rounding of the log
 * may put a value just below hi at index nbins; it is clamped into the last interior bin. */
static size_t hist_index(const sim_hist *h, double x)
{
    if (x < h->lo)
        return 0;
    if (x >= h->hi)
        return h->nbins + 1;
    double pos = (log(x) - h->log_lo) * h->inv_log_width;
    size_t i = pos > 0.0 ? (size_t)pos : 0;
    return 1 + (i < h->nbins ? i : h->nbins - 1);
}

/* A NaN observation has no place on the axis; it is not counted. */
void sim_hist_add(sim_hist *h, double x)
{
    if (isnan(x))
        return;
    h->count[hist_index(h, x)]++;
    h->n++;
}

/* Value at fraction `frac` through interior bin b (1-based), interpolated in log(x). */
static double hist_bin_value(const sim_hist *h, size_t b, double frac)
{
    return exp(h->log_lo + ((double)(b - 1) + frac) / h->inv_log_width);
}

double sim_hist_quantile(const sim_hist *h, double p)
{
    if (h->n == 0 || !(p >= 0.0 && p <= 1.0))
        return NAN;
    double rank = p * (double)h->n;
    double below = 0.0;
    for (size_t b = 0; b < h->nbins + 2; b++) {
        double c = (double)h->count[b];
        if (c > 0.0 && below + c >= rank) {
            if (b == 0)
                return h->lo;
            if (b == h->nbins + 1)
                return h->hi;
            return hist_bin_value(h, b, (rank - below) / c);
        }
        below += c;
    }
    return h->hi;
}
