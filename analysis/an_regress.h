/*
 * an_regress: standardized regression coefficients (SRC) of a response on k factors, with
 * the coefficient of determination R² and confidence intervals.
 *
 * The response y and every factor column are standardized (centred, divided by their
 * sample standard deviation), then y* is regressed on [1, X*] by ordinary least squares
 * (gsl_multifit_linear, SVD). SRC_j is the coefficient of X*_j: the change of y, in standard
 * deviations, per standard deviation of factor j, other factors fixed. For independent
 * factors and a nearly linear response (R² close to 1), SRC_j² is the share of the variance
 * of y due to factor j; with a low R² the SRCs describe only the linear part.
 *
 *   R²     = 1 - SSE / SST (SST = sum of y*², which is n - 1)
 *   CI_j   = SRC_j -/+ t_{(1 + level)/2, n - k - 1} se_j, se_j from s² (X'X)⁻¹ with
 *            s² = SSE / (n - k - 1): the usual OLS interval, which assumes independent
 *            normal errors of constant variance.
 *
 * Points with a non-finite y or factor value are left out (the result says how many were
 * used). Refused with SIM_INVALID and a message that says why: fewer than k + 2 usable
 * points (no degree of freedom left for the error), a factor that does not vary, or factors
 * that are linearly dependent (the design cannot tell them apart: rank of [1, X*] below
 * k + 1, judged by singular values below AN_REGRESS_RANK_TOL times the largest). A constant
 * response is not an error: its SRCs and R² are NaN and the result says so.
 *
 * Pure function of its arguments; thread-safe.
 */
#ifndef AN_REGRESS_H
#define AN_REGRESS_H

#include <stddef.h>

#include "sim_status.h"

/* Relative singular value below which a direction of the standardized design counts as
 * missing. Standardized columns have norm sqrt(n - 1), so this is a condition number of
 * 10^10: far beyond any design a sweep makes on purpose, far above rounding (10^-16). */
#define AN_REGRESS_RANK_TOL 1e-10

typedef struct an_src {
    double src;             /* standardized coefficient */
    double se;              /* its standard error */
    double ci_low, ci_high; /* Student t interval */
} an_src;

typedef struct an_regress_result {
    size_t n_used; /* points used */
    double r2;     /* coefficient of determination (NaN for a constant response) */
    double df;     /* n_used - k - 1 */
    int constant;  /* 1 when y does not vary: every SRC and R² NaN */
} an_regress_result;

/* Regress y[n] on the factors x[n * k] (row-major: point i, factor j at x[i * k + j]) at
 * confidence level (0, 1); SRCs into src[k]. names[k] (may be NULL) name the factors in
 * messages. SIM_INVALID (see above; also k == 0 or a level outside (0, 1)), SIM_NOMEM,
 * SIM_NUMERIC when GSL fails. */
sim_status an_regress_src(const double *x, const double *y, size_t n, size_t k,
                          const char *const *names, double level, an_src *src,
                          an_regress_result *res, sim_error *err);

#endif
