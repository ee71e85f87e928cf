/*
 * sim_dist: duration specs drawn by inverse transform (SPEC.md section 7.1).
 *
 * log1p(-u) keeps full precision for small u, where 1 - u would lose the low bits. The
 * gamma quantile comes from GSL's gsl_cdf_gamma_Pinv (shape, scale), the lognormal one from
 * gsl_cdf_ugaussian_Pinv, so no inverse CDF is written here by hand.
 */
#include "sim_dist.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "sim_rng.h"

static const struct {
    sim_dist_kind kind;
    const char *name;
} dist_names[] = {
    {SIM_DIST_EXP, "exp"},
    {SIM_DIST_LOGNORMAL, "lognormal"},
    {SIM_DIST_GAMMA, "gamma"},
    {SIM_DIST_DET, "det"},
};

#define N_DIST_NAMES (sizeof dist_names / sizeof dist_names[0])

const char *sim_dist_name(sim_dist_kind kind)
{
    for (size_t i = 0; i < N_DIST_NAMES; i++)
        if (dist_names[i].kind == kind)
            return dist_names[i].name;
    return "unknown";
}

int sim_dist_parse(const char *name, sim_dist_kind *kind)
{
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < N_DIST_NAMES; i++) {
        if (strcmp(dist_names[i].name, name) == 0) {
            *kind = dist_names[i].kind;
            return 0;
        }
    }
    return -1;
}

/* sigma^2 = ln(1 + cv^2) and mu = ln(mean) - sigma^2 / 2 give the requested mean and cv. */
static double lognormal_quantile(double mean, double cv, double u)
{
    double sigma2 = log1p(cv * cv);
    double mu = log(mean) - 0.5 * sigma2;
    return exp(mu + sqrt(sigma2) * gsl_cdf_ugaussian_Pinv(u));
}

static double gamma_quantile(double mean, double cv, double u)
{
    double cv2 = cv * cv;
    return gsl_cdf_gamma_Pinv(u, 1.0 / cv2, mean * cv2);
}

double sim_dist_quantile(const sim_dist *d, double u)
{
    switch (d->kind) {
    case SIM_DIST_EXP:
        return -d->mean * log1p(-u);
    case SIM_DIST_LOGNORMAL:
        return lognormal_quantile(d->mean, d->cv, u);
    case SIM_DIST_GAMMA:
        return gamma_quantile(d->mean, d->cv, u);
    case SIM_DIST_DET:
        return d->mean;
    }
    return NAN;
}

/* det draws nothing, so switching a duration to det does not shift its stream. */
double sim_dist_draw(const sim_dist *d, gsl_rng *r)
{
    if (d->kind == SIM_DIST_DET)
        return d->mean;
    return sim_dist_quantile(d, sim_rng_uniform_pos(r));
}

double sim_dist_second_moment(const sim_dist *d)
{
    double m2 = d->mean * d->mean;
    switch (d->kind) {
    case SIM_DIST_EXP:
        return 2.0 * m2;
    case SIM_DIST_DET:
        return m2;
    case SIM_DIST_LOGNORMAL:
    case SIM_DIST_GAMMA:
        return m2 * (1.0 + d->cv * d->cv);
    }
    return NAN;
}

double sim_dist_weibull(gsl_rng *r, double eta, double k)
{
    double u = sim_rng_uniform_pos(r);
    return eta * pow(-log1p(-u), 1.0 / k);
}
