/* Tests of sim_dist: moments of 10^6 draws per kind at fixed seeds (SPEC.md section 9 unit
 * test ii), quantiles at known points, uniform consumption, names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>

#include "sim_dist.h"
#include "sim_rng.h"

#define N_DRAWS 1000000

typedef struct moments {
    double mean, cv, second;
} moments;

static moments sample_moments(const sim_dist *d, uint64_t stream, int n)
{
    gsl_rng *r = sim_rng_alloc(sim_rng_key(2025, 0, 0, stream));
    assert_non_null(r);
    double sum = 0.0, sum_sq = 0.0;
    for (int i = 0; i < n; i++) {
        double x = sim_dist_draw(d, r);
        sum += x;
        sum_sq += x * x;
    }
    gsl_rng_free(r);
    double mean = sum / n, second = sum_sq / n;
    return (moments){mean, sqrt(second - mean * mean) / mean, second};
}

/* Mean within 4 standard errors (se = mean cv / sqrt(n)), cv within cv_rel_tol. */
static void check_moments_n(const sim_dist *d, double want_cv, double cv_rel_tol, uint64_t stream,
                            int n)
{
    moments m = sample_moments(d, stream, n);
    double se = d->mean * want_cv / sqrt(n);
    if (fabs(m.mean - d->mean) > 4 * se || fabs(m.cv - want_cv) > cv_rel_tol * want_cv)
        fail_msg("%s(mean %g, cv %g): sample mean %.6g (se %.2g), cv %.6g", sim_dist_name(d->kind),
                 d->mean, d->cv, m.mean, se, m.cv);
    double want_second = sim_dist_second_moment(d);
    if (fabs(m.second / want_second - 1.0) > 2 * cv_rel_tol)
        fail_msg("%s: second moment %.6g, want %.6g", sim_dist_name(d->kind), m.second,
                 want_second);
}

static void check_moments(const sim_dist *d, double want_cv, double cv_rel_tol, uint64_t stream)
{
    check_moments_n(d, want_cv, cv_rel_tol, stream, N_DRAWS);
}

static void test_exp_moments(void **state)
{
    (void)state;
    check_moments(&(sim_dist){SIM_DIST_EXP, 3.0, 0.0}, 1.0, 0.01, 1);
}

static void test_lognormal_moments(void **state)
{
    (void)state;
    check_moments(&(sim_dist){SIM_DIST_LOGNORMAL, 2.0, 0.5}, 0.5, 0.01, 2);
    check_moments(&(sim_dist){SIM_DIST_LOGNORMAL, 1.0, 0.2}, 0.2, 0.01, 3);
}

static void test_gamma_moments(void **state)
{
    (void)state;
    check_moments(&(sim_dist){SIM_DIST_GAMMA, 2.0, 0.5}, 0.5, 0.01, 4);
    /* Shape 0.44: gsl_cdf_gamma_Pinv takes ~3 us per call here, so fewer draws. */
    check_moments_n(&(sim_dist){SIM_DIST_GAMMA, 5.0, 1.5}, 1.5, 0.02, 5, 200000);
}

static void test_det_value_and_moments(void **state)
{
    (void)state;
    sim_dist d = {SIM_DIST_DET, 4.5, 0.0};
    moments m = sample_moments(&d, 6, 1000);
    assert_float_equal(m.mean, 4.5, 0.0);
    assert_float_equal(sim_dist_quantile(&d, 0.9), 4.5, 0.0);
    assert_float_equal(sim_dist_second_moment(&d), 4.5 * 4.5, 0.0);
    assert_float_equal(sim_dist_second_moment(&(sim_dist){SIM_DIST_EXP, 3.0, 0.7}), 18.0, 0.0);
    assert_float_equal(sim_dist_second_moment(&(sim_dist){SIM_DIST_GAMMA, 2.0, 0.5}), 5.0, 1e-12);
}

/* det draws nothing: the generator state is unchanged. Every other kind draws exactly one
 * uniform, and the value is the quantile of that uniform. */
static void test_uniform_consumption(void **state)
{
    (void)state;
    gsl_rng *r = sim_rng_alloc(77);
    assert_non_null(r);
    gsl_rng *before = gsl_rng_clone(r);
    assert_float_equal(sim_dist_draw(&(sim_dist){SIM_DIST_DET, 2.0, 0.0}, r), 2.0, 0.0);
    assert_memory_equal(gsl_rng_state(r), gsl_rng_state(before), gsl_rng_size(r));

    const sim_dist kinds[] = {
        {SIM_DIST_EXP, 2.0, 0.0}, {SIM_DIST_LOGNORMAL, 2.0, 0.8}, {SIM_DIST_GAMMA, 2.0, 0.8}};
    for (size_t i = 0; i < 3; i++) {
        gsl_rng_memcpy(before, r);
        double x = sim_dist_draw(&kinds[i], r);
        double u = sim_rng_uniform_pos(before);
        assert_float_equal(x, sim_dist_quantile(&kinds[i], u), 0.0);
        assert_memory_equal(gsl_rng_state(r), gsl_rng_state(before), gsl_rng_size(r));
    }
    gsl_rng_memcpy(before, r);
    double w = sim_dist_weibull(r, 300.0, 2.0);
    double u = sim_rng_uniform_pos(before);
    assert_float_equal(w, 300.0 * sqrt(-log1p(-u)), 1e-9 * w);
    assert_memory_equal(gsl_rng_state(r), gsl_rng_state(before), gsl_rng_size(r));
    gsl_rng_free(before);
    gsl_rng_free(r);
}

static void test_quantiles_at_known_points(void **state)
{
    (void)state;
    sim_dist e = {SIM_DIST_EXP, 3.0, 0.0};
    assert_float_equal(sim_dist_quantile(&e, 0.5), 3.0 * M_LN2, 1e-12);
    assert_float_equal(sim_dist_quantile(&e, 1.0 - exp(-2.0)), 6.0, 1e-9);
    /* log1p keeps relative precision for tiny u: -ln(1-u) = u + u^2/2 + ... */
    assert_float_equal(sim_dist_quantile(&e, 1e-12), 3e-12, 1e-24);

    double mean = 2.0, cv = 0.5, sigma2 = log(1.0 + cv * cv), mu = log(mean) - sigma2 / 2;
    sim_dist ln = {SIM_DIST_LOGNORMAL, mean, cv};
    assert_float_equal(sim_dist_quantile(&ln, 0.5), exp(mu), 1e-12);
    for (double u = 0.05; u < 1.0; u += 0.15)
        assert_float_equal(gsl_cdf_lognormal_P(sim_dist_quantile(&ln, u), mu, sqrt(sigma2)), u,
                           1e-10);

    sim_dist g = {SIM_DIST_GAMMA, 2.0, 0.5}; /* shape 4, scale 0.5 */
    for (double u = 0.05; u < 1.0; u += 0.15)
        assert_float_equal(gsl_cdf_gamma_P(sim_dist_quantile(&g, u), 4.0, 0.5), u, 1e-9);
    /* cv 1 makes the gamma an exponential. */
    sim_dist g1 = {SIM_DIST_GAMMA, 3.0, 1.0};
    assert_float_equal(sim_dist_quantile(&g1, 0.5), 3.0 * M_LN2, 1e-9);
    assert_true(isnan(sim_dist_quantile(&(sim_dist){(sim_dist_kind)99, 1.0, 1.0}, 0.5)));
    assert_true(isnan(sim_dist_second_moment(&(sim_dist){(sim_dist_kind)99, 1.0, 1.0})));
}

static void check_weibull_mean(double eta, double k, uint64_t stream)
{
    gsl_rng *r = sim_rng_alloc(sim_rng_key(2025, 1, 0, stream));
    assert_non_null(r);
    double sum = 0.0, sum_sq = 0.0;
    for (int i = 0; i < N_DRAWS; i++) {
        double x = sim_dist_weibull(r, eta, k);
        sum += x;
        sum_sq += x * x;
    }
    gsl_rng_free(r);
    double mean = sum / N_DRAWS, want = eta * gsl_sf_gamma(1.0 + 1.0 / k);
    double sd = eta * sqrt(gsl_sf_gamma(1.0 + 2.0 / k) - pow(gsl_sf_gamma(1.0 + 1.0 / k), 2));
    double se = sd / sqrt(N_DRAWS);
    if (fabs(mean - want) > 4 * se)
        fail_msg("Weibull(%g, %g): mean %.6g, want %.6g (se %.2g)", eta, k, mean, want, se);
    assert_float_equal(sqrt(sum_sq / N_DRAWS - mean * mean), sd, 0.01 * sd);
}

static void test_weibull_mean(void **state)
{
    (void)state;
    check_weibull_mean(300.0, 2.0, 1); /* E[L] = 265.868, SPEC V7b */
    check_weibull_mean(20.0, 1.0, 2);  /* exponential, mean 20 */
    check_weibull_mean(100.0, 0.8, 3);
}

static void test_names(void **state)
{
    (void)state;
    const sim_dist_kind kinds[] = {SIM_DIST_EXP, SIM_DIST_LOGNORMAL, SIM_DIST_GAMMA, SIM_DIST_DET};
    const char *names[] = {"exp", "lognormal", "gamma", "det"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(sim_dist_name(kinds[i]), names[i]);
        sim_dist_kind k = (sim_dist_kind)-1;
        assert_int_equal(sim_dist_parse(names[i], &k), 0);
        assert_int_equal(k, kinds[i]);
    }
    sim_dist_kind k = SIM_DIST_GAMMA;
    assert_int_equal(sim_dist_parse("weibull", &k), -1);
    assert_int_equal(sim_dist_parse("Exp", &k), -1);
    assert_int_equal(sim_dist_parse("", &k), -1);
    assert_int_equal(sim_dist_parse(NULL, &k), -1);
    assert_int_equal(k, SIM_DIST_GAMMA);
    assert_string_equal(sim_dist_name((sim_dist_kind)42), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp_moments),
        cmocka_unit_test(test_lognormal_moments),
        cmocka_unit_test(test_gamma_moments),
        cmocka_unit_test(test_det_value_and_moments),
        cmocka_unit_test(test_uniform_consumption),
        cmocka_unit_test(test_quantiles_at_known_points),
        cmocka_unit_test(test_weibull_mean),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
