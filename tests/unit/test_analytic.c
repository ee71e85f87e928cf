/*
 * test_analytic: the closed forms of sim_analytic against the numbers printed in SPEC
 * section 9 (to 1e-5 relative: the SPEC rounds to six or seven digits), against each other
 * (identities between models), and outside their domains (NaN).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "sim_analytic.h"

#define SPEC_REL_TOL     1e-5
#define IDENTITY_REL_TOL 1e-12

/* Relative comparison that prints both values and what was compared on failure. */
static void check_rel(const char *what, double got, double want, double tol)
{
    double err = fabs(got - want) / fabs(want);
    if (!(err <= tol))
        fail_msg("%s: got %.9g, want %.9g (rel. error %.3g > %.3g)", what, got, want, err, tol);
}

/* An exact value of the SPEC (4, 3.2, 0.05, ...). */
static void check_exact(const char *what, double got, double want)
{
    check_rel(what, got, want, SPEC_REL_TOL);
}

/* want is the SPEC's printed decimal. It is rounded to its last digit, so the tolerance is
 * the larger of SPEC_REL_TOL relative and half a unit of that digit (0.0018316 is only good
 * to 5e-8, which is 2.7e-5 relative). */
static void check_spec(const char *what, double got, const char *want_text)
{
    double want = strtod(want_text, NULL);
    const char *dot = strchr(want_text, '.');
    int decimals = dot == NULL ? 0 : (int)strlen(dot + 1);
    double tol = fmax(SPEC_REL_TOL * fabs(want), 0.5 * pow(10.0, -decimals));
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: got %.9g, want %s (abs. error %.3g > %.3g)", what, got, want_text,
                 fabs(got - want), tol);
}

static void check_nan(const char *what, double got)
{
    if (!isnan(got))
        fail_msg("%s: got %.9g, want NaN", what, got);
}

static void check_queue_nan(const char *what, sim_queue_result q)
{
    const double field[] = {q.L, q.Lq, q.W, q.Wq, q.U, q.X, q.P_wait, q.P_block};
    for (size_t i = 0; i < sizeof field / sizeof field[0]; i++)
        check_nan(what, field[i]);
}

/* ---- SPEC section 9 values ---- */

static void test_v1_mm1(void **state)
{
    (void)state;
    sim_queue_result q = sim_analytic_mm1(0.8, 1.0);
    check_exact("V1 L", q.L, 4.0);
    check_exact("V1 Lq", q.Lq, 3.2);
    check_exact("V1 W", q.W, 5.0);
    check_exact("V1 Wq", q.Wq, 4.0);
    check_exact("V1 U", q.U, 0.8);
    check_exact("V1 X", q.X, 0.8);
    check_exact("V1 P(wait)", q.P_wait, 0.8);
    assert_true(q.P_block == 0.0);
    check_exact("V1 P(LT > 5)", sim_analytic_mm1_sojourn_tail(0.8, 1.0, 5.0), exp(-1.0));
}

static void test_v2_mmc(void **state)
{
    (void)state;
    check_spec("V2 C(5, 4)", sim_analytic_erlang_c(5, 4.0), "0.554113");
    sim_queue_result q = sim_analytic_mmc(2.0, 0.5, 5);
    check_spec("V2 Wq", q.Wq, "1.108225");
    check_spec("V2 W", q.W, "3.108225");
    check_spec("V2 Lq", q.Lq, "2.216450");
    check_spec("V2 L", q.L, "6.216450");
    check_exact("V2 U", q.U, 0.8);
    check_spec("V2 P(wait)", q.P_wait, "0.554113");
}

static void test_v3_mmck(void **state)
{
    (void)state;
    double p[7];
    sim_queue_result q = sim_analytic_mmck(1.5, 1.0, 2, 6, p);
    check_spec("V3 pi_0", p[0], "0.168574");
    check_spec("V3 pi_K", p[6], "0.060005");
    check_spec("V3 P(block)", q.P_block, "0.060005");
    check_spec("V3 X", q.X, "1.409993");
    check_spec("V3 U", q.U, "0.704996");
    check_spec("V3 L", q.L, "2.245617");
    check_spec("V3 W", q.W, "1.592644");
    check_spec("V3 Lq", q.Lq, "0.835624");
    check_spec("V3 Wq", q.Wq, "0.592644");
    double sum = 0.0, waiting = 0.0;
    for (int n = 0; n <= 6; n++) {
        sum += p[n];
        waiting += n >= 2 ? p[n] : 0.0;
    }
    check_rel("V3 sum of pi", sum, 1.0, IDENTITY_REL_TOL);
    check_rel("V3 P(wait) = P(N >= c)", q.P_wait, waiting, IDENTITY_REL_TOL);
}

static void test_v4_mg1(void **state)
{
    (void)state;
    double mean = 1.0, cv = 0.5;
    sim_queue_result q = sim_analytic_mg1(0.8, mean, (1.0 + cv * cv) * mean * mean);
    check_exact("V4 Wq", q.Wq, 2.5);
    check_exact("V4 W", q.W, 3.5);
    check_exact("V4 L", q.L, 2.8);
    check_exact("V4 U", q.U, 0.8);
}

static void test_v5_breakdown(void **state)
{
    (void)state;
    double busy = 0.0, down = 0.0;
    /* service exp mean 1 (E[S^2] = 2), alpha = 1/20, repair exp mean 2 (E[R^2] = 8) */
    sim_queue_result q = sim_analytic_mg1_breakdown(0.5, 1.0, 2.0, 0.05, 2.0, 8.0, &busy, &down);
    check_spec("V5 Wq", q.Wq, "1.566667");
    check_spec("V5 W", q.W, "2.666667");
    check_spec("V5 L", q.L, "1.333333");
    check_exact("V5 busy fraction", busy, 0.5);
    check_exact("V5 U", q.U, 0.5);
    check_exact("V5 down fraction", down, 0.05);
    check_exact("V5 P(wait) = rho_eff", q.P_wait, 0.55);
}

static void test_v6_repairman(void **state)
{
    (void)state;
    const char *const want[6] = {"0.563952", "0.281976", "0.112790",
                                 "0.033837", "0.006767", "0.000677"};
    double p[6];
    sim_repairman_result r = sim_analytic_repairman(5, 0.01, 0.1, 1, p);
    char what[32];
    for (int n = 0; n < 6; n++) {
        snprintf(what, sizeof what, "V6 p_%d", n);
        check_spec(what, p[n], want[n]);
    }
    check_spec("V6 E[#down]", r.mean_down, "0.639522");
    check_spec("V6 availability", r.availability, "0.872096");
    check_spec("V6 crew utilization", r.crew_utilization, "0.436048");
    check_spec("V6 failure rate", r.failure_rate, "0.043605");
}

static void test_v7_age_replacement(void **state)
{
    (void)state;
    sim_agerepl_result a = sim_analytic_age_replacement(300.0, 2.0, 180.0, 8.0, 3.0);
    check_spec("V7 integral of R", a.mean_up_per_cycle, "160.546");
    check_spec("V7 R(T)", sim_analytic_weibull_reliability(300.0, 2.0, 180.0), "0.697676");
    check_spec("V7 A", a.availability, "0.972666");
    check_spec("V7 failures/h", a.failures_per_h, "0.0018316");
    check_spec("V7 PMs/h", a.pm_per_h, "0.0042269");
}

static void test_v7b_perfect_twin(void **state)
{
    (void)state;
    check_spec("V7b E[L]", sim_analytic_weibull_integral(300.0, 2.0, INFINITY), "265.868");
    check_spec("V7b A", sim_analytic_perfect_twin_availability(300.0, 2.0, 0.9, 3.0), "0.987618");
}

/* ---- identities ---- */

static void check_queues_equal(const char *what, sim_queue_result a, sim_queue_result b, double tol)
{
    check_rel(what, a.L, b.L, tol);
    check_rel(what, a.Lq, b.Lq, tol);
    check_rel(what, a.W, b.W, tol);
    check_rel(what, a.Wq, b.Wq, tol);
    check_rel(what, a.U, b.U, tol);
    check_rel(what, a.X, b.X, tol);
    check_rel(what, a.P_wait, b.P_wait, tol);
}

static void test_mmc_with_one_server_is_mm1(void **state)
{
    (void)state;
    sim_queue_result a = sim_analytic_mmc(0.3, 0.7, 1);
    /* M/M/1 from first principles: rho/(1-rho) etc. */
    double rho = 0.3 / 0.7;
    check_rel("c=1 L", a.L, rho / (1.0 - rho), IDENTITY_REL_TOL);
    check_rel("c=1 Wq", a.Wq, rho / (0.7 - 0.3), IDENTITY_REL_TOL);
    check_rel("c=1 C = rho", sim_analytic_erlang_c(1, rho), rho, IDENTITY_REL_TOL);
    check_queues_equal("c=1", a, sim_analytic_mm1(0.3, 0.7), IDENTITY_REL_TOL);
}

static void test_mg1_with_exp_service_is_mm1(void **state)
{
    (void)state;
    check_queues_equal("M/G/1 exp", sim_analytic_mg1(0.8, 1.0, 2.0), sim_analytic_mm1(0.8, 1.0),
                       IDENTITY_REL_TOL);
}

static void test_breakdown_without_failures_is_mg1(void **state)
{
    (void)state;
    double down = 1.0;
    sim_queue_result a = sim_analytic_mg1_breakdown(0.5, 1.0, 1.25, 0.0, 2.0, 8.0, NULL, &down);
    check_queues_equal("alpha=0", a, sim_analytic_mg1(0.5, 1.0, 1.25), IDENTITY_REL_TOL);
    assert_true(down == 0.0);
}

static void test_mmck_large_buffer_approaches_mmc(void **state)
{
    (void)state;
    sim_queue_result inf = sim_analytic_mmc(2.0, 0.5, 5);
    sim_queue_result big = sim_analytic_mmck(2.0, 0.5, 5, 5 + 400, NULL);
    check_queues_equal("K large", big, inf, 1e-9);
    assert_true(big.P_block < 1e-30);
}

static void test_mmck_without_buffer_is_erlang_b(void **state)
{
    (void)state;
    /* K = c: Erlang B = (a^c/c!) / sum_{k<=c} a^k/k!; here c=2, a=1.5 */
    double b = (1.5 * 1.5 / 2.0) / (1.0 + 1.5 + 1.5 * 1.5 / 2.0);
    sim_queue_result q = sim_analytic_mmck(1.5, 1.0, 2, 2, NULL);
    check_rel("Erlang B", q.P_block, b, IDENTITY_REL_TOL);
    assert_true(q.Lq == 0.0);
}

static void test_many_servers_do_not_overflow(void **state)
{
    (void)state;
    /* 400! overflows a double; the log form must not. */
    sim_queue_result q = sim_analytic_mmc(380.0, 1.0, 400);
    assert_true(isfinite(q.Wq) && q.Wq > 0.0);
    assert_true(q.P_wait > 0.0 && q.P_wait < 1.0);
    sim_queue_result k = sim_analytic_mmck(380.0, 1.0, 400, 2000, NULL);
    check_rel("c=400 mmck vs mmc", k.L, q.L, 1e-9);
    sim_repairman_result r = sim_analytic_repairman(1000, 0.01, 0.1, 50, NULL);
    assert_true(isfinite(r.availability) && r.availability > 0.0 && r.availability < 1.0);
}

/* With a repairer per machine, machines are independent: each is down with probability
 * alpha / (alpha + beta), so the number down is binomial. */
static void test_repairman_with_enough_crews_is_binomial(void **state)
{
    (void)state;
    double alpha = 0.01, beta = 0.1, q = alpha / (alpha + beta);
    for (int r = 5; r <= 7; r++) {
        double p[6];
        sim_repairman_result res = sim_analytic_repairman(5, alpha, beta, r, p);
        double pbin5 = pow(q, 5);
        check_rel("r>=n p_5", p[5], pbin5, 1e-10);
        check_rel("r>=n p_0", p[0], pow(1.0 - q, 5), 1e-10);
        check_rel("r>=n E[down]", res.mean_down, 5 * q, 1e-10);
        check_rel("r>=n availability", res.availability, 1.0 - q, 1e-10);
        check_rel("r>=n crew util", res.crew_utilization, 5 * q / r, 1e-10);
    }
}

static void test_age_replacement_infinite_age_is_run_to_failure(void **state)
{
    (void)state;
    double eta = 300.0, k = 2.0, tf = 8.0, tp = 3.0;
    double mean_life = sim_analytic_weibull_integral(eta, k, INFINITY);
    sim_agerepl_result a = sim_analytic_age_replacement(eta, k, INFINITY, tf, tp);
    sim_agerepl_result zero = sim_analytic_age_replacement(eta, k, 0.0, tf, tp);
    sim_agerepl_result late = sim_analytic_age_replacement(eta, k, 1e5, tf, tp);
    check_rel("T=inf A", a.availability, mean_life / (mean_life + tf), IDENTITY_REL_TOL);
    check_rel("T=inf failures/h", a.failures_per_h, 1.0 / (mean_life + tf), IDENTITY_REL_TOL);
    assert_true(a.pm_per_h == 0.0);
    check_rel("T=0 means run to failure", zero.availability, a.availability, IDENTITY_REL_TOL);
    check_rel("T large", late.availability, a.availability, 1e-12);
}

/* For k != 2 the integral goes through the regularised incomplete gamma function; check it
 * against cases known in closed form and against the erf branch. */
static void test_weibull_integral_general_shape(void **state)
{
    (void)state;
    /* k = 1: integral of exp(-t/eta) = eta (1 - exp(-T/eta)) */
    check_rel("k=1", sim_analytic_weibull_integral(100.0, 1.0, 50.0), 100.0 * (1.0 - exp(-0.5)),
              1e-12);
    /* continuity across the k = 2 branch */
    check_rel("k->2", sim_analytic_weibull_integral(300.0, 2.0 + 1e-9, 180.0),
              sim_analytic_weibull_integral(300.0, 2.0, 180.0), 1e-8);
    /* k = 0.5: eta Gamma(3) = 2 eta as T -> inf */
    check_rel("k=0.5 mean", sim_analytic_weibull_integral(10.0, 0.5, INFINITY), 20.0, 1e-12);
    check_rel("k=0.5 far", sim_analytic_weibull_integral(10.0, 0.5, 1e6), 20.0, 1e-10);
}

static void test_t_halfwidth(void **state)
{
    (void)state;
    /* t_{0.975, 29} = 2.045230 (tables) */
    check_rel("t 30", sim_analytic_t_halfwidth(1.0, 30, 0.95), 2.045230 / sqrt(30.0), 1e-6);
    /* t_{0.975, 1} = 12.706205 */
    check_rel("t 2", sim_analytic_t_halfwidth(2.0, 2, 0.95), 2.0 * 12.706205 / sqrt(2.0), 1e-6);
    assert_true(sim_analytic_t_halfwidth(0.0, 10, 0.95) == 0.0);
    /* a Bonferroni level is wider */
    assert_true(sim_analytic_t_halfwidth(1.0, 30, 1.0 - 0.05 / 6) >
                sim_analytic_t_halfwidth(1.0, 30, 0.95));
}

/* ---- domain errors ---- */

static void test_unstable_and_invalid_queues_are_nan(void **state)
{
    (void)state;
    check_queue_nan("mm1 rho=1", sim_analytic_mm1(1.0, 1.0));
    check_queue_nan("mm1 rho>1", sim_analytic_mm1(1.2, 1.0));
    check_queue_nan("mm1 mu=0", sim_analytic_mm1(0.5, 0.0));
    check_queue_nan("mm1 lambda=nan", sim_analytic_mm1(NAN, 1.0));
    check_queue_nan("mmc unstable", sim_analytic_mmc(2.5, 0.5, 5));
    check_queue_nan("mmc c=0", sim_analytic_mmc(0.5, 1.0, 0));
    check_nan("erlang c a>=c", sim_analytic_erlang_c(2, 2.0));
    check_nan("erlang c c=0", sim_analytic_erlang_c(0, 0.5));
    check_nan("erlang c a=0", sim_analytic_erlang_c(2, 0.0));
    check_queue_nan("mmck K<c", sim_analytic_mmck(1.0, 1.0, 3, 2, NULL));
    check_queue_nan("mmck lambda<0", sim_analytic_mmck(-1.0, 1.0, 3, 5, NULL));
    check_queue_nan("mmck mu=inf", sim_analytic_mmck(1.0, INFINITY, 3, 5, NULL));
    check_queue_nan("mg1 unstable", sim_analytic_mg1(1.0, 1.0, 2.0));
    check_queue_nan("mg1 E[S^2] < E[S]^2", sim_analytic_mg1(0.5, 1.0, 0.5));
    check_nan("sojourn unstable", sim_analytic_mm1_sojourn_tail(1.0, 1.0, 1.0));
    check_nan("sojourn t<0", sim_analytic_mm1_sojourn_tail(0.5, 1.0, -1.0));
}

static void test_mmck_stays_defined_above_capacity(void **state)
{
    (void)state;
    /* A finite buffer is stable at any load: 3 > c mu = 2 still has a steady state. */
    sim_queue_result q = sim_analytic_mmck(3.0, 1.0, 2, 6, NULL);
    assert_true(isfinite(q.L) && q.P_block > 0.0 && q.P_block < 1.0);
    assert_true(q.U < 1.0);
}

static void test_breakdown_domain(void **state)
{
    (void)state;
    double busy = 0.0, down = 0.0;
    /* rho_eff = 0.9 * 1 * (1 + 0.1 * 2) = 1.08 >= 1 */
    check_queue_nan("breakdown unstable",
                    sim_analytic_mg1_breakdown(0.9, 1.0, 2.0, 0.1, 2.0, 8.0, &busy, &down));
    check_nan("breakdown unstable busy", busy);
    check_nan("breakdown unstable down", down);
    check_queue_nan("breakdown alpha<0",
                    sim_analytic_mg1_breakdown(0.5, 1.0, 2.0, -0.1, 2.0, 8.0, NULL, NULL));
    check_queue_nan("breakdown E[R^2] < E[R]^2",
                    sim_analytic_mg1_breakdown(0.5, 1.0, 2.0, 0.05, 2.0, 1.0, NULL, NULL));
    check_queue_nan("breakdown E[S^2] < E[S]^2",
                    sim_analytic_mg1_breakdown(0.5, 1.0, 0.5, 0.05, 2.0, 8.0, NULL, NULL));
    check_queue_nan("breakdown es=0",
                    sim_analytic_mg1_breakdown(0.5, 0.0, 0.0, 0.05, 2.0, 8.0, NULL, NULL));
}

static void test_reliability_domain(void **state)
{
    (void)state;
    double p[3] = {7.0, 7.0, 7.0};
    sim_repairman_result r = sim_analytic_repairman(2, 0.01, 0.1, 0, p);
    check_nan("repairman r=0", r.availability);
    check_nan("repairman r=0 util", r.crew_utilization);
    assert_true(p[0] == 7.0); /* untouched */
    check_nan("repairman n=0", sim_analytic_repairman(0, 0.01, 0.1, 1, NULL).mean_down);
    check_nan("repairman beta=0", sim_analytic_repairman(2, 0.01, 0.0, 1, NULL).failure_rate);
    check_nan("weibull eta=0", sim_analytic_weibull_integral(0.0, 2.0, 1.0));
    check_nan("weibull k<0", sim_analytic_weibull_integral(1.0, -2.0, 1.0));
    check_nan("weibull T<0", sim_analytic_weibull_integral(1.0, 2.0, -1.0));
    check_nan("weibull R T nan", sim_analytic_weibull_reliability(1.0, 2.0, NAN));
    check_nan("agerepl tf<0", sim_analytic_age_replacement(300, 2, 180, -1, 3).availability);
    check_nan("agerepl T nan", sim_analytic_age_replacement(300, 2, NAN, 8, 3).pm_per_h);
    check_nan("agerepl k=0", sim_analytic_age_replacement(300, 0, 180, 8, 3).failures_per_h);
    check_nan("twin f=0", sim_analytic_perfect_twin_availability(300, 2, 0.0, 3));
    check_nan("twin f>1", sim_analytic_perfect_twin_availability(300, 2, 1.5, 3));
    check_nan("twin tp<0", sim_analytic_perfect_twin_availability(300, 2, 0.9, -3));
    check_nan("t n=1", sim_analytic_t_halfwidth(1.0, 1, 0.95));
    check_nan("t level=1", sim_analytic_t_halfwidth(1.0, 10, 1.0));
    check_nan("t sd<0", sim_analytic_t_halfwidth(-1.0, 10, 0.95));
}

int main(void)
{
    /* Out-of-domain arguments must come back as NaN, never through GSL's aborting handler. */
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v1_mm1),
        cmocka_unit_test(test_v2_mmc),
        cmocka_unit_test(test_v3_mmck),
        cmocka_unit_test(test_v4_mg1),
        cmocka_unit_test(test_v5_breakdown),
        cmocka_unit_test(test_v6_repairman),
        cmocka_unit_test(test_v7_age_replacement),
        cmocka_unit_test(test_v7b_perfect_twin),
        cmocka_unit_test(test_mmc_with_one_server_is_mm1),
        cmocka_unit_test(test_mg1_with_exp_service_is_mm1),
        cmocka_unit_test(test_breakdown_without_failures_is_mg1),
        cmocka_unit_test(test_mmck_large_buffer_approaches_mmc),
        cmocka_unit_test(test_mmck_without_buffer_is_erlang_b),
        cmocka_unit_test(test_many_servers_do_not_overflow),
        cmocka_unit_test(test_repairman_with_enough_crews_is_binomial),
        cmocka_unit_test(test_age_replacement_infinite_age_is_run_to_failure),
        cmocka_unit_test(test_weibull_integral_general_shape),
        cmocka_unit_test(test_t_halfwidth),
        cmocka_unit_test(test_unstable_and_invalid_queues_are_nan),
        cmocka_unit_test(test_mmck_stays_defined_above_capacity),
        cmocka_unit_test(test_breakdown_domain),
        cmocka_unit_test(test_reliability_domain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
