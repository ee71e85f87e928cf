/*
 * sim_dist: duration specifications drawn by inverse transform from one uniform.
 *
 * A duration spec {dist, mean, cv} is drawn as F^-1(U) from a single U in (0,1), so that the
 * same uniform gives the same quantile whatever mechanism is switched on (common random
 * numbers): exp: -mean ln(1-U); lognormal: sigma^2 = ln(1+cv^2), mu = ln(mean) - sigma^2/2,
 * exp(mu + sigma Phi^-1(U)); gamma: shape 1/cv^2, scale mean cv^2 via gsl_cdf_gamma_Pinv;
 * det: mean (no uniform consumed). For exp the cv is 1 by definition and ignored.
 * A Weibull life (scale eta, shape k) is drawn the same way: eta (-ln(1-U))^(1/k).
 */
#ifndef SIM_DIST_H
#define SIM_DIST_H

#include <gsl/gsl_rng.h>

typedef enum sim_dist_kind {
    SIM_DIST_EXP,
    SIM_DIST_LOGNORMAL,
    SIM_DIST_GAMMA,
    SIM_DIST_DET
} sim_dist_kind;

typedef struct sim_dist {
    sim_dist_kind kind;
    double mean; /* > 0 for every kind except det, where >= 0 */
    double cv;   /* > 0 for lognormal and gamma */
} sim_dist;

/* Name used in scenario files ("exp", "lognormal", "gamma", "det"). */
const char *sim_dist_name(sim_dist_kind kind);
/* Parse a name; returns 0 and sets *kind, or -1 when unknown. */
int sim_dist_parse(const char *name, sim_dist_kind *kind);

/* Quantile function: the value for probability u in (0,1). */
double sim_dist_quantile(const sim_dist *d, double u);

/* Draw one value from r (one uniform for every kind but det, which draws none). */
double sim_dist_draw(const sim_dist *d, gsl_rng *r);

/* Second moment E[X^2] = mean^2 (1 + cv^2) (exp: 2 mean^2, det: mean^2). */
double sim_dist_second_moment(const sim_dist *d);

/* Weibull life by inverse transform: eta (-ln(1-U))^(1/k). */
double sim_dist_weibull(gsl_rng *r, double eta, double k);

#endif
