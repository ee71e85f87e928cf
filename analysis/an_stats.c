/*
 * an_stats: summaries, t intervals and tests, Holm. Contract in an_stats.h.
 */
#include "an_stats.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

double an_stats_t_quantile(double p, double df)
{
    if (!(df > 0) || !(p > 0 && p < 1))
        return NAN;
    return gsl_cdf_tdist_Pinv(p, df);
}

double an_stats_t_p2(double t, double df)
{
    if (isnan(t) || !(df > 0))
        return NAN;
    if (isinf(t))
        return 0.0;
    double p = 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
    return p > 1.0 ? 1.0 : p;
}

void an_stats_summary(const double *x, size_t n, double level, an_summary *out)
{
    size_t k = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            sum += x[i];
            k++;
        }
    *out = (an_summary){.n = k, .mean = NAN, .sd = NAN, .se = NAN, .ci_low = NAN, .ci_high = NAN};
    if (k == 0)
        return;
    double mean = sum / (double)k, ss = 0, c = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            double d = x[i] - mean;
            ss += d * d;
            c += d;
        }
    /* Two-pass with the compensation term: c is the rounding error of the first pass. */
    out->mean = mean + c / (double)k;
    if (k < 2)
        return;
    double var = (ss - c * c / (double)k) / (double)(k - 1);
    out->sd = sqrt(var > 0 ? var : 0);
    out->se = out->sd / sqrt((double)k);
    double h = an_stats_t_quantile(0.5 + level / 2, (double)(k - 1)) * out->se;
    out->ci_low = out->mean - h;
    out->ci_high = out->mean + h;
}

/* t, p and the CI of out->diff from out->se and out->df. */
static void finish_test(an_test *out, double level)
{
    if (!(out->df > 0) || isnan(out->se)) {
        out->t = out->p = out->ci_low = out->ci_high = NAN;
        return;
    }
    if (out->se == 0) {
        out->t = out->diff == 0 ? NAN : copysign(INFINITY, out->diff);
        out->p = out->diff == 0 ? 1.0 : 0.0;
    } else {
        out->t = out->diff / out->se;
        out->p = an_stats_t_p2(out->t, out->df);
    }
    double h = an_stats_t_quantile(0.5 + level / 2, out->df) * out->se;
    out->ci_low = out->diff - h;
    out->ci_high = out->diff + h;
}

void an_stats_paired(const double *a, const double *b, size_t n, double level, an_test *out)
{
    double *d = malloc((n > 0 ? n : 1) * sizeof *d);
    double sa = 0, sb = 0;
    size_t k = 0;
    for (size_t i = 0; d != NULL && i < n; i++)
        if (!isnan(a[i]) && !isnan(b[i])) {
            d[k++] = b[i] - a[i];
            sa += a[i];
            sb += b[i];
        }
    an_summary s;
    an_stats_summary(d, k, level, &s);
    free(d);
    *out = (an_test){.n_a = k,
                     .n_b = k,
                     .n_pairs = k,
                     .diff = s.mean,
                     .se = s.se,
                     .df = k >= 2 ? (double)(k - 1) : NAN};
    out->mean_a = k > 0 ? sa / (double)k : NAN;
    out->mean_b = k > 0 ? sb / (double)k : NAN;
    finish_test(out, level);
}

void an_stats_welch(const double *a, size_t na, const double *b, size_t nb, double level,
                    an_test *out)
{
    an_summary sa, sb;
    an_stats_summary(a, na, level, &sa);
    an_stats_summary(b, nb, level, &sb);
    *out = (an_test){.n_a = sa.n,
                     .n_b = sb.n,
                     .mean_a = sa.mean,
                     .mean_b = sb.mean,
                     .diff = sb.mean - sa.mean,
                     .se = NAN,
                     .df = NAN};
    if (sa.n >= 2 && sb.n >= 2) {
        double va = sa.sd * sa.sd / (double)sa.n, vb = sb.sd * sb.sd / (double)sb.n;
        out->se = sqrt(va + vb);
        /* Welch-Satterthwaite; with no variance at all there is nothing to approximate and
         * the df of the pooled sample stand in (the CI has width 0 either way). */
        out->df = va + vb > 0 ? (va + vb) * (va + vb) /
                                    (va * va / (double)(sa.n - 1) + vb * vb / (double)(sb.n - 1))
                              : (double)(sa.n + sb.n - 2);
    }
    finish_test(out, level);
}

typedef struct holm_item {
    double p;
    size_t i;
} holm_item;

static int holm_cmp(const void *x, const void *y)
{
    const holm_item *a = x, *b = y;
    if (a->p != b->p)
        return a->p < b->p ? -1 : 1;
    return a->i < b->i ? -1 : (a->i > b->i);
}

int an_stats_holm(const double *p, size_t n, double *adj)
{
    holm_item *items = malloc((n > 0 ? n : 1) * sizeof *items);
    if (items == NULL)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(p[i]))
            items[m++] = (holm_item){p[i], i};
    qsort(items, m, sizeof *items, holm_cmp);
    for (size_t i = 0; i < n; i++)
        if (isnan(p[i]))
            adj[i] = NAN;
    double running = 0;
    for (size_t j = 0; j < m; j++) {
        double v = (double)(m - j) * items[j].p;
        v = v < 1 ? v : 1;
        running = v > running ? v : running;
        adj[items[j].i] = running;
    }
    free(items);
    return 0;
}
