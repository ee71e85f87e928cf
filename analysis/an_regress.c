/* an_regress: standardized regression coefficients (see an_regress.h). */
#include "an_regress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>

/* Mean and sample standard deviation of the used entries of a column. */
typedef struct moments {
    double mean, sd;
} moments;

static int point_complete(const double *x, const double *y, size_t k, size_t i)
{
    if (!isfinite(y[i]))
        return 0;
    for (size_t j = 0; j < k; j++)
        if (!isfinite(x[i * k + j]))
            return 0;
    return 1;
}

/* Moments of column j of x (j == k: y) over rows[0..m-1]. */
static moments column_moments(const double *x, const double *y, size_t k, size_t j,
                              const size_t *rows, size_t m)
{
    double s = 0.0, ss = 0.0;
    for (size_t r = 0; r < m; r++)
        s += j == k ? y[rows[r]] : x[rows[r] * k + j];
    double mean = s / (double)m;
    for (size_t r = 0; r < m; r++) {
        double d = (j == k ? y[rows[r]] : x[rows[r] * k + j]) - mean;
        ss += d * d;
    }
    return (moments){mean, sqrt(ss / (double)(m - 1))};
}

static void name_factor(const char *const *names, size_t j, char *buf, size_t size)
{
    if (names != NULL && names[j] != NULL)
        snprintf(buf, size, "%s", names[j]);
    else
        snprintf(buf, size, "factor %zu", j);
}

static sim_status check_arguments(size_t m, size_t n, size_t k, double level, sim_error *err)
{
    if (k == 0)
        return sim_error_set(err, SIM_INVALID, "regression needs at least one factor");
    if (!(level > 0.0 && level < 1.0))
        return sim_error_set(err, SIM_INVALID, "confidence level %g is not in (0, 1)", level);
    if (m < k + 2)
        return sim_error_set(err, SIM_INVALID,
                             "%zu usable points (of %zu) are too few for the regression on %zu "
                             "factors: it needs at least k + 2 = %zu",
                             m, n, k, k + 2);
    return SIM_OK;
}

/* Design matrix [1, X*] and standardized response of the used rows. */
typedef struct ols {
    gsl_matrix *X, *cov;
    gsl_vector *y, *c;
    gsl_multifit_linear_workspace *work;
} ols;

static void ols_free(ols *o)
{
    gsl_matrix_free(o->X);
    gsl_matrix_free(o->cov);
    gsl_vector_free(o->y);
    gsl_vector_free(o->c);
    gsl_multifit_linear_free(o->work);
}

static int ols_alloc(ols *o, size_t m, size_t p)
{
    o->X = gsl_matrix_alloc(m, p);
    o->cov = gsl_matrix_alloc(p, p);
    o->y = gsl_vector_alloc(m);
    o->c = gsl_vector_alloc(p);
    o->work = gsl_multifit_linear_alloc(m, p);
    return o->X != NULL && o->cov != NULL && o->y != NULL && o->c != NULL && o->work != NULL;
}

static void ols_fill(ols *o, const double *x, const double *y, size_t k, const size_t *rows,
                     size_t m, const moments *mom)
{
    for (size_t r = 0; r < m; r++) {
        gsl_matrix_set(o->X, r, 0, 1.0);
        for (size_t j = 0; j < k; j++)
            gsl_matrix_set(o->X, r, j + 1, (x[rows[r] * k + j] - mom[j].mean) / mom[j].sd);
        gsl_vector_set(o->y, r, (y[rows[r]] - mom[k].mean) / mom[k].sd);
    }
}

/* Fit, check the rank, and turn the coefficients into SRCs with intervals. */
static sim_status ols_solve(ols *o, size_t m, size_t k, double level, an_src *src,
                            an_regress_result *res, sim_error *err)
{
    double chisq = 0.0;
    int gs = gsl_multifit_linear(o->X, o->y, o->c, o->cov, &chisq, o->work);
    if (gs != GSL_SUCCESS)
        return sim_error_set(err, SIM_NUMERIC, "least squares failed: %s", gsl_strerror(gs));
    size_t rank = gsl_multifit_linear_rank(AN_REGRESS_RANK_TOL, o->work);
    if (rank < k + 1)
        return sim_error_set(err, SIM_INVALID,
                             "the factors are linearly dependent in this design (rank %zu of "
                             "%zu): their effects cannot be told apart",
                             rank == 0 ? 0 : rank - 1, k);
    res->df = (double)(m - k - 1);
    res->r2 = 1.0 - chisq / (double)(m - 1);
    double t = gsl_cdf_tdist_Pinv((1.0 + level) / 2.0, res->df);
    for (size_t j = 0; j < k; j++) {
        src[j].src = gsl_vector_get(o->c, j + 1);
        src[j].se = sqrt(gsl_matrix_get(o->cov, j + 1, j + 1));
        src[j].ci_low = src[j].src - t * src[j].se;
        src[j].ci_high = src[j].src + t * src[j].se;
    }
    return SIM_OK;
}

static sim_status regress_rows(const double *x, const double *y, size_t k, const char *const *names,
                               double level, const size_t *rows, size_t m, moments *mom,
                               an_src *src, an_regress_result *res, sim_error *err)
{
    for (size_t j = 0; j < k; j++) {
        mom[j] = column_moments(x, y, k, j, rows, m);
        if (!(mom[j].sd > 0.0)) {
            char name[128];
            name_factor(names, j, name, sizeof name);
            return sim_error_set(err, SIM_INVALID,
                                 "%s does not vary over the %zu usable points: no regression "
                                 "coefficient can be estimated for it",
                                 name, m);
        }
    }
    mom[k] = column_moments(x, y, k, k, rows, m);
    res->df = (double)(m - k - 1);
    res->constant = !(mom[k].sd > 0.0);
    if (res->constant)
        return SIM_OK;
    ols o = {0};
    sim_status st = SIM_OK;
    if (!ols_alloc(&o, m, k + 1))
        st = sim_error_set(err, SIM_NOMEM, "out of memory for a regression of %zu points", m);
    if (st == SIM_OK) {
        ols_fill(&o, x, y, k, rows, m, mom);
        st = ols_solve(&o, m, k, level, src, res, err);
    }
    ols_free(&o);
    return st;
}

sim_status an_regress_src(const double *x, const double *y, size_t n, size_t k,
                          const char *const *names, double level, an_src *src,
                          an_regress_result *res, sim_error *err)
{
    *res = (an_regress_result){.r2 = NAN, .df = NAN};
    for (size_t j = 0; j < k; j++)
        src[j] = (an_src){NAN, NAN, NAN, NAN};
    size_t *rows = malloc((n > 0 ? n : 1) * sizeof *rows);
    moments *mom = malloc((k + 1) * sizeof *mom);
    if (rows == NULL || mom == NULL) {
        free(rows);
        free(mom);
        return sim_error_set(err, SIM_NOMEM, "out of memory for a regression of %zu points", n);
    }
    for (size_t i = 0; i < n; i++)
        if (point_complete(x, y, k, i))
            rows[res->n_used++] = i;
    sim_status st = check_arguments(res->n_used, n, k, level, err);
    if (st == SIM_OK)
        st = regress_rows(x, y, k, names, level, rows, res->n_used, mom, src, res, err);
    free(rows);
    free(mom);
    return st;
}
