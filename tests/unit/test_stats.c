/* Tests of sim_stats: time-weighted means on a hand-computed step function, Welford tallies
 * against a two-pass computation, and log-binned histogram quantiles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "sim_dist.h"
#include "sim_rng.h"
#include "sim_stats.h"

/* ---- time-weighted average ---- */

/* Value 2 on [0,3), 5 on [3,4), 4 on [4,10): area 6 + 5 + 24 = 35 over 10 h. */
static void test_tw_step_function(void **state)
{
    (void)state;
    sim_tw tw;
    sim_tw_init(&tw, 0.0, 2.0);
    assert_float_equal(sim_tw_mean(&tw, 0.0), 0.0, 0.0);
    sim_tw_set(&tw, 3.0, 5.0);
    sim_tw_add(&tw, 4.0, -1.0);
    assert_float_equal(tw.value, 4.0, 0.0);
    assert_float_equal(sim_tw_area(&tw, 4.0), 11.0, 1e-12);
    assert_float_equal(sim_tw_area(&tw, 10.0), 35.0, 1e-12);
    assert_float_equal(sim_tw_mean(&tw, 10.0), 3.5, 1e-12);
    /* A change at the same instant adds no area. */
    sim_tw_set(&tw, 4.0, 4.0);
    assert_float_equal(sim_tw_area(&tw, 10.0), 35.0, 1e-12);
}

static void test_tw_reset(void **state)
{
    (void)state;
    sim_tw tw;
    sim_tw_init(&tw, 5.0, 1.0);
    assert_float_equal(sim_tw_mean(&tw, 5.0), 0.0, 0.0);
    sim_tw_set(&tw, 7.0, 3.0);
    /* Warm-up ends at 8: the window starts there and keeps the current value 3. */
    sim_tw_reset(&tw, 8.0);
    assert_float_equal(tw.start_t, 8.0, 0.0);
    assert_float_equal(sim_tw_area(&tw, 8.0), 0.0, 0.0);
    assert_float_equal(sim_tw_mean(&tw, 8.0), 0.0, 0.0);
    sim_tw_add(&tw, 10.0, 2.0); /* 3 on [8,10), 5 on [10,12) */
    assert_float_equal(sim_tw_area(&tw, 12.0), 16.0, 1e-12);
    assert_float_equal(sim_tw_mean(&tw, 12.0), 4.0, 1e-12);
}

/* ---- tally ---- */

static void test_tally_against_two_pass(void **state)
{
    (void)state;
    enum { N = 10000 };
    static double x[N];
    /* A large offset makes the naive sum-of-squares formula lose every digit; Welford not. */
    uint64_t lcg = 1;
    for (int i = 0; i < N; i++) {
        lcg = lcg * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        x[i] = 1e9 + (double)(lcg >> 40) / (double)(1 << 24);
    }
    sim_tally t;
    sim_tally_reset(&t);
    double sum = 0.0, lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < N; i++) {
        sim_tally_add(&t, x[i]);
        sum += x[i];
        lo = fmin(lo, x[i]);
        hi = fmax(hi, x[i]);
    }
    double mean = sum / N, ss = 0.0;
    for (int i = 0; i < N; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    double var = ss / (N - 1);
    assert_int_equal(t.n, N);
    assert_float_equal(sim_tally_mean(&t), mean, 1e-12 * mean);
    assert_float_equal(sim_tally_variance(&t), var, 1e-6 * var);
    assert_float_equal(sim_tally_sd(&t), sqrt(var), 1e-6 * sqrt(var));
    assert_float_equal(t.sum, sum, 0.0);
    assert_float_equal(t.min, lo, 0.0);
    assert_float_equal(t.max, hi, 0.0);
    assert_true(var > 0.05 && var < 0.1); /* about 1/12: the data are what we think */
}

static void test_tally_small_counts_and_reset(void **state)
{
    (void)state;
    sim_tally t;
    sim_tally_reset(&t);
    assert_true(isnan(sim_tally_mean(&t)));
    assert_true(isnan(sim_tally_variance(&t)));
    sim_tally_add(&t, 4.0);
    assert_float_equal(sim_tally_mean(&t), 4.0, 0.0);
    assert_true(isnan(sim_tally_variance(&t)));
    assert_true(isnan(sim_tally_sd(&t)));
    sim_tally_add(&t, 6.0);
    assert_float_equal(sim_tally_variance(&t), 2.0, 1e-15);
    assert_float_equal(t.min, 4.0, 0.0);
    assert_float_equal(t.max, 6.0, 0.0);
    sim_tally_reset(&t);
    assert_int_equal(t.n, 0);
    assert_float_equal(t.sum, 0.0, 0.0);
    assert_true(isinf(t.min) && t.min > 0);
    assert_true(isinf(t.max) && t.max < 0);
}

/* ---- histogram ---- */

static void hist_ok(sim_hist *h, double lo, double hi, size_t nbins)
{
    assert_int_equal(sim_hist_init(h, lo, hi, nbins), SIM_OK);
}

static void test_hist_init_errors(void **state)
{
    (void)state;
    sim_hist h;
    assert_int_equal(sim_hist_init(&h, 0.0, 10.0, 10), SIM_INTERNAL);
    assert_null(h.count);
    assert_int_equal(sim_hist_init(&h, -1.0, 10.0, 10), SIM_INTERNAL);
    assert_int_equal(sim_hist_init(&h, NAN, 10.0, 10), SIM_INTERNAL);
    assert_int_equal(sim_hist_init(&h, 10.0, 10.0, 10), SIM_INTERNAL);
    assert_int_equal(sim_hist_init(&h, 1.0, INFINITY, 10), SIM_INTERNAL);
    assert_int_equal(sim_hist_init(&h, 1.0, 10.0, 0), SIM_INTERNAL);
    assert_int_equal(sim_hist_init(&h, 1.0, 10.0, SIZE_MAX), SIM_INTERNAL);
    sim_hist_close(&h); /* safe after a failed init */
    sim_hist_reset(&h);
    sim_hist zero = {0};
    sim_hist_close(&zero);
}

/* Edges 1, 10, 100 with two observations per bin: exact log-linear quantiles. */
static void test_hist_exact_quantiles(void **state)
{
    (void)state;
    sim_hist h;
    hist_ok(&h, 1.0, 100.0, 2);
    assert_true(isnan(sim_hist_quantile(&h, 0.5)));
    const double x[] = {2.0, 3.0, 20.0, 50.0};
    for (int i = 0; i < 4; i++)
        sim_hist_add(&h, x[i]);
    assert_int_equal(h.n, 4);
    assert_int_equal(h.count[1], 2);
    assert_int_equal(h.count[2], 2);
    assert_float_equal(sim_hist_quantile(&h, 0.0), 1.0, 1e-12);
    assert_float_equal(sim_hist_quantile(&h, 0.25), sqrt(10.0), 1e-12);
    assert_float_equal(sim_hist_quantile(&h, 0.5), 10.0, 1e-12);
    assert_float_equal(sim_hist_quantile(&h, 0.75), sqrt(1000.0), 1e-10);
    assert_float_equal(sim_hist_quantile(&h, 1.0), 100.0, 1e-10);
    assert_true(isnan(sim_hist_quantile(&h, -0.1)));
    assert_true(isnan(sim_hist_quantile(&h, 1.1)));
    assert_true(isnan(sim_hist_quantile(&h, NAN)));
    sim_hist_close(&h);
    sim_hist_close(&h); /* twice is safe */
}

static void test_hist_under_and_overflow(void **state)
{
    (void)state;
    sim_hist h;
    hist_ok(&h, 1.0, 100.0, 4);
    sim_hist_add(&h, 0.5);                   /* underflow */
    sim_hist_add(&h, 0.0);                   /* underflow */
    sim_hist_add(&h, 1.0);                   /* first bin: lo is inside */
    sim_hist_add(&h, nextafter(100.0, 0.0)); /* last interior bin, not past it */
    sim_hist_add(&h, 100.0);                 /* overflow: hi is outside */
    sim_hist_add(&h, 1e9);                   /* overflow */
    sim_hist_add(&h, NAN);                   /* not counted */
    assert_int_equal(h.n, 6);
    assert_int_equal(h.count[0], 2);
    assert_int_equal(h.count[1], 1);
    assert_int_equal(h.count[4], 1);
    assert_int_equal(h.count[5], 2);
    assert_float_equal(sim_hist_quantile(&h, 0.1), 1.0, 0.0);   /* in the underflow: lo */
    assert_float_equal(sim_hist_quantile(&h, 0.9), 100.0, 0.0); /* in the overflow: hi */
    assert_float_equal(sim_hist_quantile(&h, 0.5), pow(100.0, 0.25), 1e-12);
    sim_hist_reset(&h);
    assert_int_equal(h.n, 0);
    for (size_t i = 0; i < h.nbins + 2; i++)
        assert_int_equal(h.count[i], 0);
    assert_true(isnan(sim_hist_quantile(&h, 0.5)));
    sim_hist_add(&h, 10.0);
    assert_int_equal(h.n, 1);
    sim_hist_close(&h);
}

/* 10^6 exponential draws (mean 1): p50 = ln 2 and p90 = ln 10 within 1 %. */
static void test_hist_exponential_quantiles(void **state)
{
    (void)state;
    sim_hist h;
    hist_ok(&h, 1e-4, 1e3, 700);
    gsl_rng *r = sim_rng_alloc(sim_rng_key(11, 0, 0, 0));
    assert_non_null(r);
    sim_dist d = {SIM_DIST_EXP, 1.0, 0.0};
    for (int i = 0; i < 1000000; i++)
        sim_hist_add(&h, sim_dist_draw(&d, r));
    gsl_rng_free(r);
    const double p[] = {0.5, 0.9, 0.99};
    for (int i = 0; i < 3; i++) {
        double want = -log1p(-p[i]), got = sim_hist_quantile(&h, p[i]);
        if (fabs(got / want - 1.0) > 0.01)
            fail_msg("p%g: %.6g, want %.6g", 100 * p[i], got, want);
    }
    sim_hist_close(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tw_step_function),
        cmocka_unit_test(test_tw_reset),
        cmocka_unit_test(test_tally_against_two_pass),
        cmocka_unit_test(test_tally_small_counts_and_reset),
        cmocka_unit_test(test_hist_init_errors),
        cmocka_unit_test(test_hist_exact_quantiles),
        cmocka_unit_test(test_hist_under_and_overflow),
        cmocka_unit_test(test_hist_exponential_quantiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
