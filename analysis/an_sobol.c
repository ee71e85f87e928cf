/* an_sobol: Sobol indices from a Saltelli design (see an_sobol.h for the estimators). */
#include "an_sobol.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "sim_rng.h"

/* The responses of base row j: A, B and AB_i, in the block layout of sim_design.h. */
static double f_a(const double *f, size_t j)
{
    return f[j];
}
static double f_b(const double *f, size_t n, size_t j)
{
    return f[n + j];
}
static double f_ab(const double *f, size_t n, size_t i, size_t j)
{
    return f[(2 + i) * n + j];
}

static int row_complete(const double *f, size_t n, size_t k, size_t j)
{
    if (!isfinite(f_a(f, j)) || !isfinite(f_b(f, n, j)))
        return 0;
    for (size_t i = 0; i < k; i++)
        if (!isfinite(f_ab(f, n, i, j)))
            return 0;
    return 1;
}

/* Indices of the base rows with every response finite into rows; returns their number. */
static size_t complete_rows(const double *f, size_t n, size_t k, size_t *rows)
{
    size_t m = 0;
    for (size_t j = 0; j < n; j++)
        if (row_complete(f, n, k, j))
            rows[m++] = j;
    return m;
}

static double shift_of(const double *f, size_t n, const size_t *rows, size_t m)
{
    double s = 0.0;
    for (size_t r = 0; r < m; r++)
        s += f_a(f, rows[r]) + f_b(f, n, rows[r]);
    return s / (2.0 * (double)m);
}

/* Variance of f(A), f(B) over rows[0..m-1] (repeats allowed), computed on values shifted
 * by c so that it does not lose digits. */
static double variance_on(const double *f, size_t n, const size_t *rows, size_t m, double c)
{
    double s = 0.0, ss = 0.0;
    for (size_t r = 0; r < m; r++) {
        double a = f_a(f, rows[r]) - c, b = f_b(f, n, rows[r]) - c;
        s += a + b;
        ss += a * a + b * b;
    }
    double mean = s / (2.0 * (double)m);
    double v = ss / (2.0 * (double)m) - mean * mean;
    return v > 0.0 ? v : 0.0;
}

/* S_i and ST_i over rows[0..m-1] into s1[k], st[k]; returns V (0: indices NaN). */
static double indices_on(const double *f, size_t n, size_t k, const size_t *rows, size_t m,
                         double c, double *s1, double *st)
{
    double v = variance_on(f, n, rows, m, c);
    for (size_t i = 0; i < k; i++) {
        double sum1 = 0.0, sumt = 0.0;
        for (size_t r = 0; r < m; r++) {
            size_t j = rows[r];
            double d = f_ab(f, n, i, j) - f_a(f, j);
            sum1 += (f_b(f, n, j) - c) * d;
            sumt += d * d;
        }
        s1[i] = v > 0.0 ? sum1 / (double)m / v : NAN;
        st[i] = v > 0.0 ? sumt / (double)m / 2.0 / v : NAN;
    }
    return v;
}

/* Percentile bounds of the first count entries of sample (sorted in place). */
static void percentile_bounds(double *sample, size_t count, double level, double *lo, double *hi)
{
    if (count == 0) {
        *lo = *hi = NAN;
        return;
    }
    gsl_sort(sample, 1, count);
    *lo = gsl_stats_quantile_from_sorted_data(sample, 1, count, (1.0 - level) / 2.0);
    *hi = gsl_stats_quantile_from_sorted_data(sample, 1, count, (1.0 + level) / 2.0);
}

typedef struct boot_work {
    size_t *rows;        /* one resample's rows */
    double *s1, *st;     /* resample indices [i * bootstrap + b] */
    double *one1, *onet; /* one resample, k each */
} boot_work;

static void boot_work_free(boot_work *w)
{
    free(w->rows);
    free(w->s1);
    free(w->st);
    free(w->one1);
    free(w->onet);
}

static int boot_work_alloc(boot_work *w, size_t m, size_t k, size_t bootstrap)
{
    w->rows = malloc(m * sizeof *w->rows);
    w->s1 = malloc(k * bootstrap * sizeof *w->s1);
    w->st = malloc(k * bootstrap * sizeof *w->st);
    w->one1 = malloc(k * sizeof *w->one1);
    w->onet = malloc(k * sizeof *w->onet);
    return w->rows != NULL && w->s1 != NULL && w->st != NULL && w->one1 != NULL && w->onet != NULL;
}

/* Draw opt->bootstrap resamples of used[0..m-1]; fills the bounds of idx and returns the
 * number of resamples with V > 0, or SIZE_MAX when out of memory. */
static size_t bootstrap(const double *f, size_t n, size_t k, const size_t *used, size_t m, double c,
                        const an_sobol_options *opt, an_sobol_index *idx)
{
    boot_work w = {0};
    uint64_t key = sim_rng_key(opt->seed, AN_SOBOL_RNG_DESIGN, 0,
                               sim_rng_stream_id(AN_SOBOL_RNG_PROCESS, opt->stream));
    gsl_rng *rng = sim_rng_alloc(key);
    if (rng == NULL || !boot_work_alloc(&w, m, k, opt->bootstrap)) {
        gsl_rng_free(rng);
        boot_work_free(&w);
        return SIZE_MAX;
    }
    size_t count = 0;
    for (size_t b = 0; b < opt->bootstrap; b++) {
        for (size_t r = 0; r < m; r++)
            w.rows[r] = used[gsl_rng_uniform_int(rng, (unsigned long)m)];
        if (indices_on(f, n, k, w.rows, m, c, w.one1, w.onet) <= 0.0)
            continue;
        for (size_t i = 0; i < k; i++) {
            w.s1[i * opt->bootstrap + count] = w.one1[i];
            w.st[i * opt->bootstrap + count] = w.onet[i];
        }
        count++;
    }
    for (size_t i = 0; i < k; i++) {
        percentile_bounds(w.s1 + i * opt->bootstrap, count, opt->level, &idx[i].S1_low,
                          &idx[i].S1_high);
        percentile_bounds(w.st + i * opt->bootstrap, count, opt->level, &idx[i].ST_low,
                          &idx[i].ST_high);
    }
    gsl_rng_free(rng);
    boot_work_free(&w);
    return count;
}

static void clear_indices(an_sobol_index *idx, size_t k)
{
    for (size_t i = 0; i < k; i++)
        idx[i] = (an_sobol_index){NAN, NAN, NAN, NAN, NAN, NAN};
}

static sim_status check_arguments(size_t n, size_t k, const an_sobol_options *opt, sim_error *err)
{
    if (n == 0 || k == 0)
        return sim_error_set(err, SIM_INVALID,
                             "Sobol indices need a base sample and factors "
                             "(got n = %zu, k = %zu)",
                             n, k);
    if (!(opt->level > 0.0 && opt->level < 1.0))
        return sim_error_set(err, SIM_INVALID, "confidence level %g is not in (0, 1)", opt->level);
    return SIM_OK;
}

sim_status an_sobol_estimate(const double *f, size_t n, size_t k, const an_sobol_options *opt,
                             an_sobol_index *idx, an_sobol_result *res, sim_error *err)
{
    *res = (an_sobol_result){.n_base = n, .mean = NAN, .variance = NAN};
    sim_status st = check_arguments(n, k, opt, err);
    if (st != SIM_OK)
        return st;
    clear_indices(idx, k);
    size_t *used = malloc(n * sizeof *used);
    double *s1 = malloc(k * sizeof *s1), *stv = malloc(k * sizeof *stv);
    if (used == NULL || s1 == NULL || stv == NULL) {
        st = sim_error_set(err, SIM_NOMEM, "out of memory for %zu base rows", n);
        goto done;
    }
    res->n_used = complete_rows(f, n, k, used);
    if (res->n_used < 2) {
        st = sim_error_set(err, SIM_INVALID,
                           "only %zu of %zu base rows %s a finite response at every point "
                           "(Sobol indices need 2 or more)",
                           res->n_used, n, res->n_used == 1 ? "has" : "have");
        goto done;
    }
    double c = shift_of(f, n, used, res->n_used);
    res->variance = indices_on(f, n, k, used, res->n_used, c, s1, stv);
    res->mean = c;
    res->constant = !(res->variance > 0.0);
    if (res->constant)
        goto done;
    for (size_t i = 0; i < k; i++) {
        idx[i].S1 = s1[i];
        idx[i].ST = stv[i];
    }
    if (opt->bootstrap > 0) {
        res->n_bootstrap = bootstrap(f, n, k, used, res->n_used, c, opt, idx);
        if (res->n_bootstrap == SIZE_MAX) {
            res->n_bootstrap = 0;
            st = sim_error_set(err, SIM_NOMEM, "out of memory for %zu bootstrap resamples",
                               opt->bootstrap);
        }
    }
done:
    free(used);
    free(s1);
    free(stv);
    return st;
}
