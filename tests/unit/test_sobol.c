/*
 * an_sobol: Sobol indices of the Ishigami function and of a linear model against their
 * closed forms, computed from the points of sim_design_saltelli (the code path of `ecotwin
 * sensitivity`), and the degenerate inputs: a constant response, failed points, too few rows,
 * bad arguments, and the reproducibility of the bootstrap.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "an_sobol.h"
#include "sim_design.h"

#define K 3

/* Ishigami with a = 7, b = 0.1 on [-pi, pi]^3 (Ishigami & Homma 1990). */
static const double ish_a = 7.0, ish_b = 0.1;

static double ishigami(const double *x)
{
    return sin(x[0]) + ish_a * sin(x[1]) * sin(x[1]) + ish_b * pow(x[2], 4) * sin(x[0]);
}

/* Closed forms (Sobol' & Levitan 1999): V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8,
 * V3 = 0, V13 = b^2 pi^8 (1/18 - 1/50) = 8 b^2 pi^8 / 225, V = V1 + V2 + V13. */
static void ishigami_indices(double *s1, double *st)
{
    double p4 = pow(M_PI, 4), p8 = pow(M_PI, 8);
    double v1 = 0.5 * pow(1.0 + ish_b * p4 / 5.0, 2), v2 = ish_a * ish_a / 8.0;
    double v13 = 8.0 * ish_b * ish_b * p8 / 225.0, v = v1 + v2 + v13;
    s1[0] = v1 / v, s1[1] = v2 / v, s1[2] = 0.0;
    st[0] = (v1 + v13) / v, st[1] = v2 / v, st[2] = v13 / v;
}

/* Responses of fn at the n (K + 2) Saltelli points scaled from [0, 1] to [lo, hi]. */
static double *saltelli_responses(size_t n, double lo, double hi, double (*fn)(const double *))
{
    size_t points = n * (K + 2);
    double *u = malloc(points * K * sizeof *u), *f = malloc(points * sizeof *f);
    assert_non_null(u);
    assert_non_null(f);
    assert_int_equal(sim_design_saltelli(n, K, u), SIM_OK);
    for (size_t p = 0; p < points; p++) {
        double x[K];
        for (size_t j = 0; j < K; j++)
            x[j] = lo + (hi - lo) * u[p * K + j];
        f[p] = fn(x);
    }
    free(u);
    return f;
}

static an_sobol_options options(size_t bootstrap, uint64_t seed)
{
    return (an_sobol_options){.bootstrap = bootstrap, .level = 0.95, .seed = seed, .stream = 0};
}

static void assert_near(double got, double want, double tol, const char *what, size_t i)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%s[%zu] = %.6f, expected %.6f +- %.4f", what, i, got, want, tol);
}

static void assert_covers(double lo, double hi, double truth, const char *what, size_t i)
{
    if (!(lo <= truth && truth <= hi))
        fail_msg("%s[%zu] interval [%.6f, %.6f] misses %.6f", what, i, lo, hi, truth);
}

/* n = 4096 quasi-random base rows: the estimators' error is then well below 0.01 (SALib's
 * own tests accept 0.1 at n = 1024 with random sampling; Saltelli 2010 Fig. 3 shows errors
 * near 10^-2 at n(k+2) ~ 2 10^4 for the worst estimator). We ask 0.01 of every index, and
 * the bootstrap interval (1000 resamples, 95%) must cover the true value. */
static void test_ishigami(void **state)
{
    (void)state;
    const size_t n = 4096;
    double *f = saltelli_responses(n, -M_PI, M_PI, ishigami);
    double s1[K], st[K];
    ishigami_indices(s1, st);
    an_sobol_index idx[K];
    an_sobol_result res;
    an_sobol_options opt = options(AN_SOBOL_BOOTSTRAP_DEFAULT, 42);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(an_sobol_estimate(f, n, K, &opt, idx, &res, &err), SIM_OK);
    assert_int_equal(res.n_used, n);
    assert_int_equal(res.n_bootstrap, AN_SOBOL_BOOTSTRAP_DEFAULT);
    assert_false(res.constant);
    for (size_t i = 0; i < K; i++) {
        print_message("Ishigami S1[%zu] = %.4f [%.4f, %.4f] (true %.4f); ST = %.4f [%.4f, "
                      "%.4f] (true %.4f)\n",
                      i, idx[i].S1, idx[i].S1_low, idx[i].S1_high, s1[i], idx[i].ST, idx[i].ST_low,
                      idx[i].ST_high, st[i]);
        assert_near(idx[i].S1, s1[i], 0.01, "S1", i);
        assert_near(idx[i].ST, st[i], 0.01, "ST", i);
        assert_covers(idx[i].S1_low, idx[i].S1_high, s1[i], "S1", i);
        assert_covers(idx[i].ST_low, idx[i].ST_high, st[i], "ST", i);
    }
    free(f);
}

/* y = x0 + 2 x1 + 3 x2 with independent uniform factors: S1_i = ST_i = c_i^2 / sum c^2,
 * i.e. 1/14, 4/14, 9/14; additive, so ST = S1. */
static double linear3(const double *x)
{
    return x[0] + 2.0 * x[1] + 3.0 * x[2] + 1e6; /* the offset tests the shift */
}

static void test_linear_closed_form(void **state)
{
    (void)state;
    const size_t n = 1024;
    double *f = saltelli_responses(n, 0.0, 1.0, linear3);
    an_sobol_index idx[K];
    an_sobol_result res;
    an_sobol_options opt = options(200, 1);
    sim_error err;
    assert_int_equal(an_sobol_estimate(f, n, K, &opt, idx, &res, &err), SIM_OK);
    const double c2[K] = {1.0 / 14.0, 4.0 / 14.0, 9.0 / 14.0};
    for (size_t i = 0; i < K; i++) {
        assert_near(idx[i].S1, c2[i], 0.01, "S1", i);
        assert_near(idx[i].ST, c2[i], 0.01, "ST", i);
    }
    /* Variance of x0 + 2 x1 + 3 x2: 14 / 12. */
    assert_near(res.variance, 14.0 / 12.0, 0.01, "V", 0);
    assert_near(res.mean, 1e6 + 3.0, 0.01, "mean", 0);
    free(f);
}

static double constant_fn(const double *x)
{
    (void)x;
    return 5.0;
}

static void test_constant_response(void **state)
{
    (void)state;
    const size_t n = 16;
    double *f = saltelli_responses(n, 0.0, 1.0, constant_fn);
    an_sobol_index idx[K];
    an_sobol_result res;
    an_sobol_options opt = options(50, 1);
    sim_error err;
    assert_int_equal(an_sobol_estimate(f, n, K, &opt, idx, &res, &err), SIM_OK);
    assert_true(res.constant);
    assert_float_equal(res.variance, 0.0, 0.0);
    assert_int_equal(res.n_used, n);
    for (size_t i = 0; i < K; i++) {
        assert_true(isnan(idx[i].S1) && isnan(idx[i].ST));
        assert_true(isnan(idx[i].S1_low) && isnan(idx[i].ST_high));
    }
    free(f);
}

/* Copy of f without base rows drop[0..nd-1] (increasing), in block layout. */
static double *without_rows(const double *f, size_t n, const size_t *drop, size_t nd)
{
    size_t m = n - nd;
    double *g = malloc(m * (K + 2) * sizeof *g);
    assert_non_null(g);
    for (size_t b = 0; b < K + 2; b++)
        for (size_t j = 0, r = 0, d = 0; j < n; j++) {
            if (d < nd && drop[d] == j) {
                d++;
                continue;
            }
            g[b * m + r++] = f[b * n + j];
        }
    return g;
}

/* A failed point drops its base row from every estimator: the result equals that of the
 * design without those rows, point estimates exactly. */
static void test_nan_rows(void **state)
{
    (void)state;
    const size_t n = 256;
    double *f = saltelli_responses(n, -M_PI, M_PI, ishigami);
    const size_t drop[3] = {0, 17, 200};
    double *g = without_rows(f, n, drop, 3);
    f[drop[0]] = NAN;               /* A, row 0 */
    f[n + drop[1]] = INFINITY;      /* B, row 17 */
    f[(2 + 2) * n + drop[2]] = NAN; /* AB_2, row 200 */
    an_sobol_index a[K], b[K];
    an_sobol_result ra, rb;
    an_sobol_options opt = options(0, 1);
    sim_error err;
    assert_int_equal(an_sobol_estimate(f, n, K, &opt, a, &ra, &err), SIM_OK);
    assert_int_equal(an_sobol_estimate(g, n - 3, K, &opt, b, &rb, &err), SIM_OK);
    assert_int_equal(ra.n_used, n - 3);
    assert_int_equal(ra.n_base, n);
    for (size_t i = 0; i < K; i++) {
        assert_float_equal(a[i].S1, b[i].S1, 1e-12);
        assert_float_equal(a[i].ST, b[i].ST, 1e-12);
        assert_true(isfinite(a[i].S1) && isnan(a[i].S1_low)); /* no bootstrap asked */
    }
    free(f);
    free(g);
}

static void test_too_few_rows(void **state)
{
    (void)state;
    const size_t n = 4;
    double f[4 * (K + 2)];
    for (size_t p = 0; p < 4 * (K + 2); p++)
        f[p] = (double)p;
    f[0] = f[1] = f[2] = NAN; /* rows 0..2 of A */
    an_sobol_index idx[K];
    an_sobol_result res;
    an_sobol_options opt = options(10, 1);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(an_sobol_estimate(f, n, K, &opt, idx, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "only 1 of 4 base rows has a finite response"));
    assert_int_equal(res.n_used, 1);
    assert_true(isnan(idx[0].S1));
}

static void test_bad_arguments(void **state)
{
    (void)state;
    double f[2 * (K + 2)] = {0};
    an_sobol_index idx[K];
    an_sobol_result res;
    an_sobol_options opt = options(10, 1);
    sim_error err;
    assert_int_equal(an_sobol_estimate(f, 0, K, &opt, idx, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "n = 0"));
    assert_int_equal(an_sobol_estimate(f, 2, 0, &opt, idx, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "k = 0"));
    opt.level = 1.0;
    assert_int_equal(an_sobol_estimate(f, 2, K, &opt, idx, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "level 1 is not in (0, 1)"));
    opt.level = NAN;
    assert_int_equal(an_sobol_estimate(f, 2, K, &opt, idx, &res, &err), SIM_INVALID);
}

/* The same seed gives the same intervals, another seed or stream other ones. */
static void test_bootstrap_reproducible(void **state)
{
    (void)state;
    const size_t n = 128;
    double *f = saltelli_responses(n, -M_PI, M_PI, ishigami);
    an_sobol_index a[K], b[K], c[K], d[K];
    an_sobol_result r;
    an_sobol_options opt = options(100, 7);
    sim_error err;
    assert_int_equal(an_sobol_estimate(f, n, K, &opt, a, &r, &err), SIM_OK);
    assert_int_equal(an_sobol_estimate(f, n, K, &opt, b, &r, &err), SIM_OK);
    opt.seed = 8;
    assert_int_equal(an_sobol_estimate(f, n, K, &opt, c, &r, &err), SIM_OK);
    opt.seed = 7;
    opt.stream = 1;
    assert_int_equal(an_sobol_estimate(f, n, K, &opt, d, &r, &err), SIM_OK);
    assert_memory_equal(a, b, sizeof a);
    assert_true(a[0].S1_low != c[0].S1_low || a[0].ST_high != c[0].ST_high);
    assert_true(a[0].S1_low != d[0].S1_low || a[0].ST_high != d[0].ST_high);
    assert_float_equal(a[1].S1, c[1].S1, 0.0); /* point estimates do not depend on it */
    for (size_t i = 0; i < K; i++)
        assert_true(a[i].S1_low <= a[i].S1_high && a[i].ST_low <= a[i].ST_high);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ishigami),
        cmocka_unit_test(test_linear_closed_form),
        cmocka_unit_test(test_constant_response),
        cmocka_unit_test(test_nan_rows),
        cmocka_unit_test(test_too_few_rows),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_bootstrap_reproducible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
