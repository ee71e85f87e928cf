/*
 * an_regress: standardized regression coefficients of y = 2 x1 - x2 (noise-free and with
 * noise) against the closed form of ordinary least squares on two centred regressors, and
 * every refusal: linearly dependent factors, a factor that does not vary, too few points,
 * bad arguments; a constant response and missing points.
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

#include "an_regress.h"

#define N 50
#define K 2

static const char *const names[K] = {"param_x1", "param_x2"};

/* Factor values that are neither collinear nor orthogonal: x1 on a grid, x2 a golden-ratio
 * sequence; noise a deterministic zero-ish sequence of amplitude 0.5. */
static void design(double *x)
{
    for (size_t i = 0; i < N; i++) {
        x[i * K] = (double)i / (N - 1);
        x[i * K + 1] = fmod(0.5 + 0.618033988749895 * (double)i, 1.0);
    }
}

static double noise(size_t i)
{
    return 0.5 * sin(12.9898 * (double)i + 1.0);
}

static void response(const double *x, double amplitude, double *y)
{
    for (size_t i = 0; i < N; i++)
        y[i] = 2.0 * x[i * K] - x[i * K + 1] + amplitude * noise(i) + 10.0;
}

/* OLS of y on (1, x1, x2) by the normal equations of the centred regressors, turned into
 * SRCs: src_j = b_j sd_j / sd_y, se_j likewise from s^2 S^-1 with s^2 = SSE / (n - 3). */
typedef struct closed {
    double src[K], se[K], r2;
} closed;

static double mean_of(const double *v, size_t stride)
{
    double s = 0.0;
    for (size_t i = 0; i < N; i++)
        s += v[i * stride];
    return s / N;
}

static closed closed_form(const double *x, const double *y)
{
    double m1 = mean_of(x, K), m2 = mean_of(x + 1, K), my = mean_of(y, 1);
    double s11 = 0, s22 = 0, s12 = 0, s1y = 0, s2y = 0, syy = 0;
    for (size_t i = 0; i < N; i++) {
        double a = x[i * K] - m1, b = x[i * K + 1] - m2, c = y[i] - my;
        s11 += a * a, s22 += b * b, s12 += a * b, s1y += a * c, s2y += b * c, syy += c * c;
    }
    double det = s11 * s22 - s12 * s12;
    double b1 = (s22 * s1y - s12 * s2y) / det, b2 = (s11 * s2y - s12 * s1y) / det;
    double sse = 0.0;
    for (size_t i = 0; i < N; i++) {
        double r = y[i] - my - b1 * (x[i * K] - m1) - b2 * (x[i * K + 1] - m2);
        sse += r * r;
    }
    double s2 = sse / (N - K - 1), sd1 = sqrt(s11), sd2 = sqrt(s22), sdy = sqrt(syy);
    closed c = {.src = {b1 * sd1 / sdy, b2 * sd2 / sdy},
                .se = {sqrt(s2 * s22 / det) * sd1 / sdy, sqrt(s2 * s11 / det) * sd2 / sdy},
                .r2 = 1.0 - sse / syy};
    return c;
}

static void check_against_closed_form(double amplitude)
{
    double x[N * K], y[N];
    design(x);
    response(x, amplitude, y);
    closed c = closed_form(x, y);
    an_src src[K];
    an_regress_result res;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(an_regress_src(x, y, N, K, names, 0.95, src, &res, &err), SIM_OK);
    assert_int_equal(res.n_used, N);
    assert_float_equal(res.df, N - K - 1, 0.0);
    assert_false(res.constant);
    assert_float_equal(res.r2, c.r2, 1e-9);
    /* t quantile 0.975 with 47 df (tables: 2.011741). */
    const double t = 2.011741;
    for (size_t j = 0; j < K; j++) {
        assert_float_equal(src[j].src, c.src[j], 1e-9);
        assert_float_equal(src[j].se, c.se[j], 1e-9);
        assert_float_equal(src[j].ci_low, c.src[j] - t * c.se[j], 1e-6);
        assert_float_equal(src[j].ci_high, c.src[j] + t * c.se[j], 1e-6);
    }
}

static void test_noise_free(void **state)
{
    (void)state;
    check_against_closed_form(0.0);
    double x[N * K], y[N];
    design(x);
    response(x, 0.0, y);
    an_src src[K];
    an_regress_result res;
    sim_error err;
    assert_int_equal(an_regress_src(x, y, N, K, names, 0.95, src, &res, &err), SIM_OK);
    assert_float_equal(res.r2, 1.0, 1e-12);
    assert_true(src[0].src > 0.0 && src[1].src < 0.0);
    /* An exact fit leaves no error: the intervals shrink to the point. */
    assert_float_equal(src[0].ci_high - src[0].ci_low, 0.0, 1e-6);
}

static void test_with_noise(void **state)
{
    (void)state;
    check_against_closed_form(1.0);
}

static void test_rank_deficient(void **state)
{
    (void)state;
    double x[N * K], y[N];
    design(x);
    for (size_t i = 0; i < N; i++)
        x[i * K + 1] = 3.0 * x[i * K] + 1.0;
    response(x, 1.0, y);
    an_src src[K];
    an_regress_result res;
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(an_regress_src(x, y, N, K, names, 0.95, src, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "linearly dependent"));
    assert_true(isnan(src[0].src));
}

static void test_constant_factor(void **state)
{
    (void)state;
    double x[N * K], y[N];
    design(x);
    for (size_t i = 0; i < N; i++)
        x[i * K + 1] = 0.25;
    response(x, 1.0, y);
    an_src src[K];
    an_regress_result res;
    sim_error err;
    assert_int_equal(an_regress_src(x, y, N, K, names, 0.95, src, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "param_x2 does not vary"));
    assert_int_equal(an_regress_src(x, y, N, K, NULL, 0.95, src, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "factor 1 does not vary"));
}

/* k + 1 points leave no degree of freedom; missing points do not count. */
static void test_too_few_points(void **state)
{
    (void)state;
    double x[N * K], y[N];
    design(x);
    response(x, 1.0, y);
    an_src src[K];
    an_regress_result res;
    sim_error err;
    assert_int_equal(an_regress_src(x, y, K + 1, K, names, 0.95, src, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "3 usable points (of 3) are too few"));
    y[0] = NAN;
    assert_int_equal(an_regress_src(x, y, K + 2, K, names, 0.95, src, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "3 usable points (of 4)"));
    assert_int_equal(res.n_used, 3);
    assert_int_equal(an_regress_src(x, y, 0, K, names, 0.95, src, &res, &err), SIM_INVALID);
}

static void test_missing_points(void **state)
{
    (void)state;
    double x[N * K], y[N];
    design(x);
    response(x, 1.0, y);
    an_src full[K], part[K];
    an_regress_result rf, rp;
    sim_error err;
    /* Points 0 and 1 dropped by hand, then by NaN. */
    assert_int_equal(an_regress_src(x + 2 * K, y + 2, N - 2, K, names, 0.9, full, &rf, &err),
                     SIM_OK);
    y[0] = NAN;
    x[1 * K + 1] = INFINITY;
    assert_int_equal(an_regress_src(x, y, N, K, names, 0.9, part, &rp, &err), SIM_OK);
    assert_int_equal(rp.n_used, N - 2);
    assert_float_equal(rp.r2, rf.r2, 1e-12);
    for (size_t j = 0; j < K; j++) {
        assert_float_equal(part[j].src, full[j].src, 1e-12);
        assert_float_equal(part[j].ci_low, full[j].ci_low, 1e-12);
    }
}

static void test_constant_response(void **state)
{
    (void)state;
    double x[N * K], y[N];
    design(x);
    for (size_t i = 0; i < N; i++)
        y[i] = 3.0;
    an_src src[K];
    an_regress_result res;
    sim_error err;
    assert_int_equal(an_regress_src(x, y, N, K, names, 0.95, src, &res, &err), SIM_OK);
    assert_true(res.constant);
    assert_true(isnan(res.r2) && isnan(src[0].src) && isnan(src[1].ci_high));
}

static void test_bad_arguments(void **state)
{
    (void)state;
    double x[N * K], y[N];
    design(x);
    response(x, 1.0, y);
    an_src src[K];
    an_regress_result res;
    sim_error err;
    assert_int_equal(an_regress_src(x, y, N, 0, names, 0.95, src, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "at least one factor"));
    assert_int_equal(an_regress_src(x, y, N, K, names, 0.0, src, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "level 0 is not in (0, 1)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_noise_free),        cmocka_unit_test(test_with_noise),
        cmocka_unit_test(test_rank_deficient),    cmocka_unit_test(test_constant_factor),
        cmocka_unit_test(test_too_few_points),    cmocka_unit_test(test_missing_points),
        cmocka_unit_test(test_constant_response), cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
