/*
 * an_stats against known values: Student-t quantiles from tables, a CI on a known sample,
 * Welch on a textbook example, a paired test, Holm on a known p-vector, NaN handling and the
 * degenerate cases.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "an_stats.h"

#define near(got, want, tol) near_at(got, want, tol, #got, __LINE__)

static void near_at(double got, double want, double tol, const char *what, int line)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("line %d: %s = %.10g, expected %.10g (tolerance %g)", line, what, got, want, tol);
}

static void test_t_quantiles(void **state)
{
    (void)state;
    /* Two-sided 95% critical values of Student's t (any statistics table). */
    near(an_stats_t_quantile(0.975, 9), 2.262157, 1e-6);
    near(an_stats_t_quantile(0.975, 1), 12.7062, 1e-4);
    near(an_stats_t_quantile(0.975, 30), 2.042272, 1e-6);
    near(an_stats_t_quantile(0.995, 4), 4.604095, 1e-6);
    near(an_stats_t_quantile(0.025, 9), -2.262157, 1e-6);
    assert_true(isnan(an_stats_t_quantile(0.975, 0)));
    assert_true(isnan(an_stats_t_quantile(1.0, 5)));
    /* p of t = 2.262157 with 9 df is 0.05 two-sided. */
    near(an_stats_t_p2(2.262157, 9), 0.05, 1e-6);
    near(an_stats_t_p2(-2.262157, 9), 0.05, 1e-6);
    near(an_stats_t_p2(0, 9), 1.0, 1e-12);
    near(an_stats_t_p2(INFINITY, 3), 0.0, 0);
    assert_true(isnan(an_stats_t_p2(NAN, 3)));
}

static void test_summary_known_sample(void **state)
{
    (void)state;
    /* 1..10: mean 5.5, sd sqrt(55/6), CI 5.5 +- 2.262157 * sd / sqrt(10). */
    double x[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    an_summary s;
    an_stats_summary(x, 10, 0.95, &s);
    double sd = sqrt(55.0 / 6.0), h = 2.2621571627982 * sd / sqrt(10.0);
    assert_int_equal(s.n, 10);
    near(s.mean, 5.5, 1e-12);
    near(s.sd, sd, 1e-12);
    near(s.se, sd / sqrt(10.0), 1e-12);
    near(s.ci_low, 5.5 - h, 1e-9);
    near(s.ci_high, 5.5 + h, 1e-9);
    near(s.ci_high - s.mean, 2.1658, 1e-4);
}

static void test_summary_nan_and_small(void **state)
{
    (void)state;
    double x[5] = {NAN, 2, NAN, 4, NAN};
    an_summary s;
    an_stats_summary(x, 5, 0.95, &s);
    assert_int_equal(s.n, 2);
    near(s.mean, 3, 1e-12);
    near(s.sd, sqrt(2.0), 1e-12);
    near(s.ci_high, 3 + 12.7062047361747 * 1.0, 1e-9);
    double one[1] = {7};
    an_stats_summary(one, 1, 0.95, &s);
    assert_int_equal(s.n, 1);
    near(s.mean, 7, 0);
    assert_true(isnan(s.sd) && isnan(s.se) && isnan(s.ci_low) && isnan(s.ci_high));
    an_stats_summary(x, 0, 0.95, &s);
    assert_int_equal(s.n, 0);
    assert_true(isnan(s.mean));
}

static void test_summary_large_offset(void **state)
{
    (void)state;
    /* Values near 1e9 with small spread: a one-pass sum of squares loses every digit. */
    double x[4] = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
    an_summary s;
    an_stats_summary(x, 4, 0.95, &s);
    near(s.mean, 1e9 + 10, 1e-6);
    near(s.sd, sqrt(30.0), 1e-6);
}

static void test_welch_textbook(void **state)
{
    (void)state;
    /* Unequal sizes and variances (the second example of Welch's t-test on Wikipedia):
     * t = 2.225512 (b - a), Welch-Satterthwaite df = 24.524635, p = 0.0354845
     * (scipy.stats.ttest_ind(b, a, equal_var=False); R: t.test(b, a)). */
    double a[10] = {19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0};
    double b[20] = {28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7,
                    23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3};
    an_test t;
    an_stats_welch(a, 10, b, 20, 0.95, &t);
    assert_int_equal(t.n_a, 10);
    assert_int_equal(t.n_b, 20);
    assert_int_equal(t.n_pairs, 0);
    near(t.mean_a, 19.37, 1e-9);
    near(t.mean_b, 21.59, 1e-9);
    near(t.diff, 2.22, 1e-9);
    near(t.t, 2.225512, 1e-6);
    near(t.df, 24.524635, 1e-6);
    near(t.p, 0.0354845, 1e-7);
    /* The CI from its own parts. */
    double h = an_stats_t_quantile(0.975, t.df) * t.se;
    near(t.ci_low, 2.22 - h, 1e-9);
    near(t.ci_high, 2.22 + h, 1e-9);
    near(t.ci_low, 0.1635413, 1e-6);
    near(t.ci_high, 4.2764587, 1e-6);
}

static void test_paired(void **state)
{
    (void)state;
    /* Differences {6, 4, 7, 5}: mean 5.5, sd sqrt(5/3), se sqrt(5/12), df 3,
     * t = 5.5 / sqrt(5/12) = 8.520563, two-sided p = 0.0033958 (scipy ttest_rel). */
    double a[5] = {100, 103, 98, 107, NAN};
    double b[5] = {106, 107, 105, 112, 1};
    an_test t;
    an_stats_paired(a, b, 5, 0.95, &t);
    assert_int_equal(t.n_pairs, 4);
    near(t.diff, 5.5, 1e-12);
    near(t.mean_a, 102, 1e-12);
    near(t.mean_b, 107.5, 1e-12);
    near(t.se, sqrt(5.0 / 12.0), 1e-12);
    near(t.df, 3, 0);
    near(t.t, 8.520563, 1e-5);
    near(t.p, 0.0033958, 1e-7);
    near(t.ci_low, 5.5 - 3.182446305 * sqrt(5.0 / 12.0), 1e-8);
    near(t.ci_high, 5.5 + 3.182446305 * sqrt(5.0 / 12.0), 1e-8);
}

static void test_degenerate_tests(void **state)
{
    (void)state;
    double a[3] = {1, 2, 3}, b[3] = {3, 4, 5}, same[3] = {1, 2, 3};
    an_test t;
    /* A constant nonzero difference: no variance, certain. */
    an_stats_paired(a, b, 3, 0.95, &t);
    near(t.diff, 2, 0);
    near(t.se, 0, 0);
    assert_true(isinf(t.t) && t.t > 0);
    near(t.p, 0, 0);
    near(t.ci_low, 2, 0);
    near(t.ci_high, 2, 0);
    /* No difference at all. */
    an_stats_paired(a, same, 3, 0.95, &t);
    assert_true(isnan(t.t));
    near(t.p, 1, 0);
    /* One pair only: nothing to estimate. */
    an_stats_paired(a, b, 1, 0.95, &t);
    assert_int_equal(t.n_pairs, 1);
    assert_true(isnan(t.se) && isnan(t.p) && isnan(t.ci_low));
    /* Welch with one value on a side. */
    an_stats_welch(a, 1, b, 3, 0.95, &t);
    near(t.diff, 3, 0);
    assert_true(isnan(t.df) && isnan(t.p));
    /* Welch with no variance on either side. */
    double c[2] = {5, 5}, d[2] = {5, 5};
    an_stats_welch(c, 2, d, 2, 0.95, &t);
    near(t.p, 1, 0);
    near(t.df, 2, 0);
}

static void test_holm(void **state)
{
    (void)state;
    /* R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02 */
    double p[4] = {0.01, 0.04, 0.03, 0.005}, adj[4];
    assert_int_equal(an_stats_holm(p, 4, adj), 0);
    near(adj[0], 0.03, 1e-12);
    near(adj[1], 0.06, 1e-12);
    near(adj[2], 0.06, 1e-12);
    near(adj[3], 0.02, 1e-12);
    /* Capped at 1, monotone, NaN ignored (m = 3), in place. */
    double q[4] = {0.5, NAN, 0.2, 0.9};
    assert_int_equal(an_stats_holm(q, 4, q), 0);
    near(q[2], 0.6, 1e-12);
    near(q[0], 1.0, 0);
    near(q[3], 1.0, 0);
    assert_true(isnan(q[1]));
    assert_int_equal(an_stats_holm(q, 0, q), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_t_quantiles),           cmocka_unit_test(test_summary_known_sample),
        cmocka_unit_test(test_summary_nan_and_small), cmocka_unit_test(test_summary_large_offset),
        cmocka_unit_test(test_welch_textbook),        cmocka_unit_test(test_paired),
        cmocka_unit_test(test_degenerate_tests),      cmocka_unit_test(test_holm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
