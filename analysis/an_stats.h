/*
 * an_stats: the statistics of summarize and compare, on small samples of replications.
 *
 * Sample mean and standard deviation by the two-pass algorithm (the second pass corrects the
 * rounding of the first, so values like 1e9 + small differences keep their digits);
 * Student-t confidence intervals, paired and Welch t tests with two-sided p-values from GSL
 * (gsl_cdf_tdist_Pinv, gsl_cdf_tdist_Q), and Holm's step-down adjustment. NaN values are
 * missing data: samples skip them, a paired test drops the pairs that have one. Quantities
 * that do not exist (sd of one value, a CI with fewer than two, a test without variance and
 * without a difference) are NaN, for the caller to print as "-" or null.
 *
 * Nothing here allocates except an_stats_holm's scratch; nothing prints.
 */
#ifndef AN_STATS_H
#define AN_STATS_H

#include <stddef.h>

typedef struct an_summary {
    size_t n;               /* values that are not NaN */
    double mean;            /* NaN when n == 0 */
    double sd;              /* sample standard deviation (n - 1); NaN when n < 2 */
    double se;              /* sd / sqrt(n) */
    double ci_low, ci_high; /* Student t with n - 1 df at the level; NaN when n < 2 */
} an_summary;

/* Quantile p of Student's t with df degrees of freedom (df > 0), NaN otherwise. */
double an_stats_t_quantile(double p, double df);
/* Two-sided p-value of t with df degrees of freedom: 2 P(T > |t|); NaN when either is. */
double an_stats_t_p2(double t, double df);

/* Summary of the n values x (NaN skipped) with a two-sided CI at level (0 < level < 1). */
void an_stats_summary(const double *x, size_t n, double level, an_summary *out);

typedef struct an_test {
    size_t n_a, n_b, n_pairs; /* values used (n_pairs 0 for Welch) */
    double mean_a, mean_b;
    double diff;            /* mean_b - mean_a (mean of the differences when paired) */
    double se, df, t, p;    /* p two-sided */
    double ci_low, ci_high; /* of diff at the level */
} an_test;

/* Paired t test of b - a over the n pairs (a[i], b[i]); pairs with a NaN are dropped
 * (mean_a and mean_b are then over the pairs kept). A difference with zero variance has
 * se 0: t is +-inf and p 0 when the difference is not 0, t NaN and p 1 when it is. Fewer
 * than two pairs: se, df, t, p and the CI are NaN. */
void an_stats_paired(const double *a, const double *b, size_t n, double level, an_test *out);
/* Welch's t test of mean(b) - mean(a) (NaN skipped) with Welch-Satterthwaite df; the same
 * rules for zero variance; fewer than two values on either side: NaN as above. */
void an_stats_welch(const double *a, size_t na, const double *b, size_t nb, double level,
                    an_test *out);

/* Holm's step-down adjustment of the n p-values into adj (may be p itself): with the m
 * p-values that are not NaN sorted ascending, adj_(i) = max_{j<=i} min(1, (m - j + 1) p_(j)).
 * NaN stays NaN and does not count in m. Returns 0, -1 when out of memory. */
int an_stats_holm(const double *p, size_t n, double *adj);

#endif
