/*
 * eco_learn: co-learning meetings (SPEC 7.10).
 *
 * Meetings of company i arrive by thinning a Poisson process of rate
 * lambda_bar_i = base_rate g_i (1 + project_boost max_projects_i); a candidate is kept with
 * probability lambda_i(t) / lambda_bar_i, where lambda_i(t) counts i's active projects. The
 * partner j is drawn with weight T_ij (1 + project_partner_weight n^pi_ij). Knowledge flows
 * both ways, scaled by the recipient's receptivity and the pair's understandability, plus a
 * joint creation in the domain where the two differ most (novelty x understandability gives
 * Nooteboom's inverted U). All draws come from LEARN_i; nothing is scheduled when
 * mechanisms.colearning is off.
 */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "eco_behaviour.h"
#include "eco_business.h"

static double now(const eco_run *run)
{
    return sim_engine_now(run->eng);
}

/* ---- the transfer (steps 3-4) ---- */

static double l1_distance(const double *a, const double *b, double *norm_sum)
{
    double diff = 0.0, sum = 0.0;
    for (int d = 0; d < ECO_KNOWLEDGE_DOMAINS; d++) {
        diff += fabs(a[d] - b[d]);
        sum += fabs(a[d]) + fabs(b[d]);
    }
    *norm_sum = sum;
    return diff;
}

static int widest_domain(const double *ki, const double *kj)
{
    int best = 0;
    for (int d = 1; d < ECO_KNOWLEDGE_DOMAINS; d++) {
        if (fabs(ki[d] - kj[d]) > fabs(ki[best] - kj[best]))
            best = d;
    }
    return best;
}

double eco_colearn_gains(const eco_colearning_params *p, const double *ki, const double *kj,
                         double rho_i, double rho_j, double *gain_i, double *gain_j, double *u)
{
    double norms, dist = l1_distance(ki, kj, &norms);
    double d = norms > 0.0 ? dist / norms : 0.0;
    *u = fmax(0.0, 1.0 - d / p->max_cognitive_distance);
    for (int k = 0; k < ECO_KNOWLEDGE_DOMAINS; k++) {
        gain_i[k] = p->learning_rate * rho_i * *u * fmax(0.0, kj[k] - ki[k]);
        gain_j[k] = p->learning_rate * rho_j * *u * fmax(0.0, ki[k] - kj[k]);
    }
    double joint = p->joint_creation_rate * rho_i * rho_j * d * *u;
    int w = widest_domain(ki, kj);
    gain_i[w] += joint;
    gain_j[w] += joint;
    return d;
}

/* ---- rates and partner choice (steps 1-2) ---- */

/* Active projects of company i, as the project side counts them (shared-project counts are
 * per partner and miss solo projects). */
static double active_projects(const eco_run *run, uint32_t i)
{
    return run->biz != NULL ? (double)run->biz->co[i].active_projects : 0.0;
}

static double max_rate(const eco_run *run, uint32_t i)
{
    const eco_company_params *cp = run->co[i].par;
    const eco_colearning_params *p = &run->par->colearning;
    return p->base_rate_per_h * cp->goal_orientation * (1.0 + p->project_boost * cp->max_projects);
}

static double rate_now(const eco_run *run, uint32_t i)
{
    const eco_colearning_params *p = &run->par->colearning;
    return p->base_rate_per_h * run->co[i].par->goal_orientation *
           (1.0 + p->project_boost * active_projects(run, i));
}

static double partner_weight(const eco_run *run, uint32_t i, uint32_t j)
{
    double w = run->par->colearning.project_partner_weight;
    return eco_trust(run, i, j) * (1.0 + w * eco_pair_projects(run, i, j));
}

/* j != i with probability proportional to omega_ij; ECO_NONE when every weight is 0. */
static uint32_t draw_partner(eco_run *run, uint32_t i)
{
    double total = 0.0;
    for (uint32_t j = 0; j < run->n_companies; j++)
        total += j != i ? partner_weight(run, i, j) : 0.0;
    double x = gsl_rng_uniform(run->co[i].learn) * total;
    uint32_t last = ECO_NONE;
    for (uint32_t j = 0; j < run->n_companies && total > 0.0; j++) {
        double w = j != i ? partner_weight(run, i, j) : 0.0;
        if (!(w > 0.0))
            continue;
        last = j;
        if (x < w)
            return j;
        x -= w;
    }
    return last; /* rounding left x at the end of the range */
}

/* ---- one meeting ---- */

static void add_external(eco_company *c, const double *gain)
{
    for (int d = 0; d < ECO_KNOWLEDGE_DOMAINS; d++) {
        c->knowledge[d] += gain[d];
        c->knowledge_ext[d] += gain[d];
    }
}

static sim_status meet(eco_run *run, uint32_t i, uint32_t j, sim_error *err)
{
    eco_company *ci = &run->co[i], *cj = &run->co[j];
    double gi[ECO_KNOWLEDGE_DOMAINS], gj[ECO_KNOWLEDGE_DOMAINS], u;
    eco_knowledge_settle(run, i);
    eco_knowledge_settle(run, j);
    eco_colearn_gains(&run->par->colearning, ci->knowledge, cj->knowledge, ci->rho, cj->rho, gi, gj,
                      &u);
    add_external(ci, gi);
    add_external(cj, gj);
    eco_trust_experience(run, i, j, 0.5 + 0.5 * u);
    eco_trust_experience(run, j, i, 0.5 + 0.5 * u);
    eco_touch(run, i, j);
    sim_status s = eco_sigma_update(run, i, err);
    return s == SIM_OK ? eco_sigma_update(run, j, err) : s;
}

static sim_status schedule_candidate(eco_run *run, uint32_t i, sim_error *err)
{
    double gap = gsl_ran_exponential(run->co[i].learn, 1.0 / max_rate(run, i));
    return sim_engine_schedule(run->eng, now(run) + gap, ECO_PRIO_COLEARN, ECO_EV_COLEARN, i, 0,
                               err);
}

sim_status eco_on_colearn(eco_run *run, const sim_event *ev, sim_error *err)
{
    uint32_t i = ev->a;
    sim_status s = schedule_candidate(run, i, err);
    if (s != SIM_OK)
        return s;
    if (gsl_rng_uniform(run->co[i].learn) * max_rate(run, i) >= rate_now(run, i))
        return SIM_OK; /* thinned out */
    uint32_t j = draw_partner(run, i);
    return j != ECO_NONE ? meet(run, i, j, err) : SIM_OK;
}

/* Companies with a positive maximum rate and someone to meet draw their first candidate. */
sim_status eco_learn_start(eco_run *run, sim_error *err)
{
    if (!run->mech.colearning || run->n_companies < 2)
        return SIM_OK;
    sim_status s = SIM_OK;
    for (uint32_t i = 0; i < run->n_companies && s == SIM_OK; i++) {
        if (max_rate(run, i) > 0.0)
            s = schedule_candidate(run, i, err);
    }
    return s;
}
