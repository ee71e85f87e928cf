/*
 * sim_analytic: the closed forms of SPEC section 9, each written as its textbook formula.
 *
 * Birth-death chains (M/M/c, M/M/c/K, machine repairman) are solved from their product-form
 * weights w_n computed as logarithms with gsl_sf_lnfact; the weights are shifted by their
 * largest logarithm before exponentiating, which keeps every term representable whatever c
 * or n is. Domain checks come first in every function, so GSL never sees an argument that
 * would make it call its error handler.
 */
#include "sim_analytic.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>

/* Largest chain the log-weight buffers hold on the stack; beyond it they are allocated. */
#define ANALYTIC_STACK_STATES 256

static int positive(double x)
{
    return isfinite(x) && x > 0.0;
}

static int nonnegative(double x)
{
    return isfinite(x) && x >= 0.0;
}

static sim_queue_result queue_nan(void)
{
    return (sim_queue_result){NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
}

/* ---- birth-death chains from log weights ---- */

/* Normalise log weights lw[0..n] into probabilities p[0..n] (p may alias lw). */
static void normalise_log_weights(const double *lw, size_t n, double *p)
{
    double top = lw[0];
    for (size_t i = 1; i <= n; i++)
        top = GSL_MAX_DBL(top, lw[i]);
    double sum = 0.0;
    for (size_t i = 0; i <= n; i++) {
        p[i] = exp(lw[i] - top);
        sum += p[i];
    }
    for (size_t i = 0; i <= n; i++)
        p[i] /= sum;
}

/* Scratch space of n+1 doubles: the caller's stack buffer when it fits, else the heap. */
static double *scratch(double *stack, size_t n)
{
    return n + 1 <= ANALYTIC_STACK_STATES ? stack : malloc((n + 1) * sizeof(double));
}

static void scratch_free(double *stack, double *buf)
{
    if (buf != stack)
        free(buf);
}

/* ---- M/M/1, M/M/c, M/M/c/K, M/G/1 ---- */

sim_queue_result sim_analytic_mm1(double lambda, double mu)
{
    return sim_analytic_mmc(lambda, mu, 1);
}

double sim_analytic_mm1_sojourn_tail(double lambda, double mu, double t)
{
    if (!positive(lambda) || !positive(mu) || lambda >= mu || !nonnegative(t))
        return NAN;
    return exp(-(mu - lambda) * t);
}

/* Erlang C = [a^c/c! * c/(c-a)] / [sum_{k<c} a^k/k! + a^c/c! * c/(c-a)], every term
 * divided by exp(top) (the largest log term) so nothing overflows. */
double sim_analytic_erlang_c(int c, double a)
{
    if (c < 1 || !positive(a) || a >= c)
        return NAN;
    double la = log(a);
    double lwait = c * la - gsl_sf_lnfact((unsigned)c) + log(c / (c - a));
    double top = lwait;
    for (int k = 0; k < c; k++)
        top = GSL_MAX_DBL(top, k * la - gsl_sf_lnfact((unsigned)k));
    double sum = 0.0;
    for (int k = 0; k < c; k++)
        sum += exp(k * la - gsl_sf_lnfact((unsigned)k) - top);
    double wait = exp(lwait - top);
    return wait / (sum + wait);
}

sim_queue_result sim_analytic_mmc(double lambda, double mu, int c)
{
    if (!positive(lambda) || !positive(mu) || c < 1 || lambda >= c * mu)
        return queue_nan();
    double a = lambda / mu;
    double C = sim_analytic_erlang_c(c, a);
    sim_queue_result q;
    q.Wq = C / (c * mu - lambda);
    q.W = q.Wq + 1.0 / mu;
    q.Lq = lambda * q.Wq;
    q.L = lambda * q.W;
    q.U = a / c;
    q.X = lambda;
    q.P_wait = C;
    q.P_block = 0.0;
    return q;
}

/* log pi_n (unnormalised): n ln a - ln n! up to c, then geometric in a/c. */
static double mmck_log_weight(double la, int c, int n)
{
    if (n <= c)
        return n * la - gsl_sf_lnfact((unsigned)n);
    return c * la - gsl_sf_lnfact((unsigned)c) + (n - c) * (la - log((double)c));
}

/* Means of a solved M/M/c/K chain p[0..K]. */
static sim_queue_result mmck_from_probs(const double *p, double lambda, double mu, int c, int K)
{
    sim_queue_result q = {0};
    for (int n = 0; n <= K; n++) {
        q.L += n * p[n];
        if (n > c)
            q.Lq += (n - c) * p[n];
        if (n >= c)
            q.P_wait += p[n];
    }
    q.P_block = p[K];
    q.X = lambda * (1.0 - p[K]);
    q.U = q.X / (c * mu);
    q.W = q.L / q.X;
    q.Wq = q.Lq / q.X;
    return q;
}

sim_queue_result sim_analytic_mmck(double lambda, double mu, int c, int K, double *p)
{
    if (!positive(lambda) || !positive(mu) || c < 1 || K < c)
        return queue_nan();
    double stack[ANALYTIC_STACK_STATES];
    double *lw = scratch(stack, (size_t)K);
    if (lw == NULL)
        return queue_nan();
    double la = log(lambda / mu);
    for (int n = 0; n <= K; n++)
        lw[n] = mmck_log_weight(la, c, n);
    normalise_log_weights(lw, (size_t)K, lw);
    sim_queue_result q = mmck_from_probs(lw, lambda, mu, c, K);
    for (int n = 0; p != NULL && n <= K; n++)
        p[n] = lw[n];
    scratch_free(stack, lw);
    return q;
}

/* Pollaczek-Khinchine: Wq = lambda E[S^2] / (2 (1 - rho)). */
sim_queue_result sim_analytic_mg1(double lambda, double es, double es2)
{
    if (!positive(lambda) || !positive(es) || !isfinite(es2) || es2 < es * es || lambda * es >= 1.0)
        return queue_nan();
    sim_queue_result q;
    double rho = lambda * es;
    q.Wq = lambda * es2 / (2.0 * (1.0 - rho));
    q.W = q.Wq + es;
    q.Lq = lambda * q.Wq;
    q.L = lambda * q.W;
    q.U = rho;
    q.X = lambda;
    q.P_wait = rho;
    q.P_block = 0.0;
    return q;
}

sim_queue_result sim_analytic_mg1_breakdown(double lambda, double es, double es2, double alpha,
                                            double er, double er2, double *busy_fraction,
                                            double *down_fraction)
{
    double busy = NAN, down = NAN;
    sim_queue_result q = queue_nan();
    if (positive(es) && nonnegative(alpha) && nonnegative(er) && isfinite(er2) && er2 >= er * er &&
        isfinite(es2) && es2 >= es * es) {
        double stretch = 1.0 + alpha * er;
        double ec = es * stretch;
        double ec2 = es2 * stretch * stretch + alpha * es * er2;
        q = sim_analytic_mg1(lambda, ec, ec2);
        if (!isnan(q.U)) {
            busy = lambda * es;
            down = busy * alpha * er;
            q.P_wait = q.U;
            q.U = busy;
        }
    }
    if (busy_fraction != NULL)
        *busy_fraction = busy;
    if (down_fraction != NULL)
        *down_fraction = down;
    return q;
}

/* ---- machine repairman ---- */

/* log p_n (unnormalised) = ln n!/(n-k)! + k ln(alpha/beta) - ln(k! or r! r^(k-r)). */
static double repairman_log_weight(int n, int k, int r, double lratio)
{
    double lw = gsl_sf_lnfact((unsigned)n) - gsl_sf_lnfact((unsigned)(n - k)) + k * lratio;
    if (k <= r)
        return lw - gsl_sf_lnfact((unsigned)k);
    return lw - gsl_sf_lnfact((unsigned)r) - (k - r) * log((double)r);
}

sim_repairman_result sim_analytic_repairman(int n, double alpha, double beta, int r, double *p)
{
    sim_repairman_result res = {NAN, NAN, NAN, NAN};
    if (n < 1 || r < 1 || !positive(alpha) || !positive(beta))
        return res;
    double stack[ANALYTIC_STACK_STATES];
    double *pk = scratch(stack, (size_t)n);
    if (pk == NULL)
        return res;
    double lratio = log(alpha / beta);
    for (int k = 0; k <= n; k++)
        pk[k] = repairman_log_weight(n, k, r, lratio);
    normalise_log_weights(pk, (size_t)n, pk);
    double down = 0.0, busy = 0.0;
    for (int k = 0; k <= n; k++) {
        down += k * pk[k];
        busy += GSL_MIN_INT(k, r) * pk[k];
        if (p != NULL)
            p[k] = pk[k];
    }
    scratch_free(stack, pk);
    res.mean_down = down;
    res.availability = (n - down) / n;
    res.crew_utilization = busy / r;
    res.failure_rate = alpha * (n - down);
    return res;
}

/* ---- Weibull lives, age replacement, perfect twin ---- */

/* integral_0^T exp(-(t/eta)^k) dt = (eta/k) Gamma(1/k) P(1/k, (T/eta)^k); for k = 2 this is
 * eta (sqrt(pi)/2) erf(T/eta), which GSL evaluates more directly. */
double sim_analytic_weibull_integral(double eta, double k, double T)
{
    if (!positive(eta) || !positive(k) || isnan(T) || T < 0.0)
        return NAN;
    if (isinf(T))
        return eta * gsl_sf_gamma(1.0 + 1.0 / k);
    if (k == 2.0)
        return eta * 0.5 * sqrt(M_PI) * gsl_sf_erf(T / eta);
    double x = pow(T / eta, k);
    return eta / k * gsl_sf_gamma(1.0 / k) * gsl_sf_gamma_inc_P(1.0 / k, x);
}

double sim_analytic_weibull_reliability(double eta, double k, double T)
{
    if (!positive(eta) || !positive(k) || isnan(T) || T < 0.0)
        return NAN;
    return exp(-pow(T / eta, k));
}

/* One renewal cycle lasts integral_0^T R (up) + tf F(T) + tp R(T) (down); it ends in a
 * failure with probability F(T) and in a PM with probability R(T). */
sim_agerepl_result sim_analytic_age_replacement(double eta, double k, double T, double tf,
                                                double tp)
{
    sim_agerepl_result res = {NAN, NAN, NAN, NAN};
    if (!positive(eta) || !positive(k) || !nonnegative(tf) || !nonnegative(tp) || isnan(T))
        return res;
    if (T <= 0.0)
        T = INFINITY;
    double up = sim_analytic_weibull_integral(eta, k, T);
    double R = sim_analytic_weibull_reliability(eta, k, T);
    double cycle = up + tf * (1.0 - R) + tp * R;
    res.availability = up / cycle;
    res.failures_per_h = (1.0 - R) / cycle;
    res.pm_per_h = R / cycle;
    res.mean_up_per_cycle = up;
    return res;
}

double sim_analytic_perfect_twin_availability(double eta, double k, double f, double tp)
{
    if (!positive(eta) || !positive(k) || !positive(f) || f > 1.0 || !nonnegative(tp))
        return NAN;
    double up = f * sim_analytic_weibull_integral(eta, k, INFINITY);
    return up / (up + tp);
}

/* ---- statistics ---- */

double sim_analytic_t_halfwidth(double sd, size_t n, double level)
{
    if (n < 2 || !nonnegative(sd) || !(level > 0.0 && level < 1.0))
        return NAN;
    double t = gsl_cdf_tdist_Pinv(1.0 - 0.5 * (1.0 - level), (double)(n - 1));
    return t * sd / sqrt((double)n);
}
