/*
 * eco_share: the periodic sharing review of a company (SPEC 7.8).
 *
 * A review reschedules itself with jitter, observes the others' sharing, trust in the pool
 * members, the perceived benefit of pooling and the rivalry risk, moves the sharing level
 * toward its target, turns reciprocity into trust experiences, lets trust in idle relations
 * decay to the propensity, books the sharing cost and the platform fee, adopts twins,
 * updates receptivity and refreshes sigma. Without mechanisms.sharing the pool is closed:
 * the sharing part is skipped (s_i stays 0) but twin adoption, receptivity and trust decay
 * still happen. The draws are always jitter, noise, then one uniform per adoption candidate
 * (DEC_i), so the stream stays in step across variants.
 *
 * A review costs O(N): its observables and its trust updates are means and loops over the
 * other companies (reviews are N per review interval, not per operational event).
 */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "eco_behaviour.h"

#define ECO_HOURS_PER_MONTH 720.0 /* SPEC: fees per month of 720 h */

static double now(const eco_run *run)
{
    return sim_engine_now(run->eng);
}

static double clip01(double x)
{
    return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

/* ---- the rule (SPEC 7.8 step 3) ---- */

double eco_share_target(const eco_sharing_params *p, const eco_review_inputs *in)
{
    double drive = p->c_base + p->c_recip * in->recip + p->c_trust * in->trust +
                   p->c_goal * in->g * in->benefit;
    return clip01(in->w * drive - p->c_risk * in->risk);
}

double eco_share_adjust(const eco_sharing_params *p, double s, double target, double noise)
{
    return clip01(s + p->adjust_rate * (target - s) + noise);
}

/* ---- observables (SPEC 7.8 step 2) ---- */

static double others_share(const eco_run *run, uint32_t i)
{
    double sum = 0.0;
    for (uint32_t j = 0; j < run->n_companies; j++)
        sum += j != i ? run->co[j].share : 0.0;
    return run->n_companies > 1 ? sum / (double)(run->n_companies - 1) : 0.0;
}

/* Mean T_ij over pool members j != i, over all j != i when there is none. */
static double member_trust(const eco_run *run, uint32_t i)
{
    double all = 0.0, mem = 0.0;
    size_t n_mem = 0;
    for (uint32_t j = 0; j < run->n_companies; j++) {
        if (j == i)
            continue;
        all += eco_trust(run, i, j);
        if (eco_is_member(run, j)) {
            mem += eco_trust(run, i, j);
            n_mem++;
        }
    }
    if (n_mem > 0)
        return mem / (double)n_mem;
    return run->n_companies > 1 ? all / (double)(run->n_companies - 1) : 0.0;
}

/* B^_i: relative fall of sigma from sharing fully (s_i = 1) under the current rule; 0.5 for
 * a company whose sigma drives no twin (no level-2 asset, no PdM client). */
static double perceived_benefit(eco_run *run, uint32_t i)
{
    const eco_company *c = &run->co[i];
    const eco_prediction *pr = &run->par->prediction;
    if (c->n_twin == 0 && c->pdm_first_client == ECO_NONE)
        return 0.5;
    double k_an = eco_knowledge(run, i, ECO_K_ANALYTICS);
    double solo_d = c->records + pr->client_data_relevance * c->fleet_records;
    /* acc_i at s_i = 1: 1, except a data-less company under the reciprocal rule */
    double acc = 1.0;
    if (run->par->sharing.pool_access_rule == ECO_POOL_RECIPROCAL && !(c->records > 0.0))
        acc = pr->nonowner_access;
    double others = run->pool_records - c->share * c->records;
    double share_d = solo_d + c->rho * acc * pr->pool_relevance * (others > 0.0 ? others : 0.0);
    double solo = eco_sigma_curve(pr, solo_d, k_an), shared = eco_sigma_curve(pr, share_d, k_an);
    return solo > 0.0 ? fmax(0.0, (solo - shared) / solo) : 0.0;
}

static int rivals(const eco_company *a, const eco_company *b)
{
    return a->par->role == b->par->role && a->par->process_class == b->par->process_class;
}

/* (share of rivals in the pool) x (1 - mean trust in those rivals); 0 without rival members. */
static double rivalry_risk(const eco_run *run, uint32_t i)
{
    size_t n_rivals = 0, n_members = 0;
    double trust = 0.0;
    for (uint32_t j = 0; j < run->n_companies; j++) {
        if (j == i || !rivals(&run->co[i], &run->co[j]))
            continue;
        n_rivals++;
        if (eco_is_member(run, j)) {
            n_members++;
            trust += eco_trust(run, i, j);
        }
    }
    if (n_members == 0)
        return 0.0;
    return (double)n_members / (double)n_rivals * (1.0 - trust / (double)n_members);
}

eco_review_inputs eco_review_observe(eco_run *run, uint32_t i)
{
    const eco_company_params *cp = run->co[i].par;
    eco_review_inputs in = {.w = cp->sharing_willingness, .g = cp->goal_orientation};
    in.recip = others_share(run, i);
    in.trust = member_trust(run, i);
    in.benefit = perceived_benefit(run, i);
    in.risk = rivalry_risk(run, i);
    return in;
}

/* ---- the steps of a review ---- */

static void set_share(eco_run *run, uint32_t i, double s)
{
    eco_company *c = &run->co[i];
    run->pool_records += (s - c->share) * c->records;
    if (run->pool_records < 0.0)
        run->pool_records = 0.0;
    c->share = s;
    sim_tw_set(&c->bst.share, now(run), s);
}

/* Step 4: each member j is judged by whether it shares about as much as i. */
static void reciprocity(eco_run *run, uint32_t i)
{
    double si = run->co[i].share, tol = run->par->sharing.reciprocity_tolerance;
    if (!eco_is_member(run, i))
        return;
    for (uint32_t j = 0; j < run->n_companies; j++) {
        if (j == i || !eco_is_member(run, j))
            continue;
        double sj = run->co[j].share;
        eco_trust_experience(run, i, j, sj >= si - tol ? 1.0 : clip01(1.0 - (si - sj)));
    }
}

/* Step 4, last sentence: trust in relations idle for edge_window_h drifts back to pi_i. */
static void decay_trust(eco_run *run, uint32_t i)
{
    double rate = run->par->trust.decay_to_propensity, t = now(run);
    double pi = run->co[i].par->trust_propensity;
    if (!run->mech.trust_dynamics || !(rate > 0.0))
        return;
    for (uint32_t j = 0; j < run->n_companies; j++) {
        if (j == i || t - eco_last_touch(run, i, j) <= run->par->edge_window_h)
            continue;
        double *tij = &run->trust[(size_t)i * run->n_companies + j];
        *tij += rate * (pi - *tij);
    }
}

/* Step 5: the cost of newly exposed records and the platform fee of a member. */
static void book_sharing(eco_run *run, uint32_t i)
{
    eco_company *c = &run->co[i];
    const eco_sharing_params *sp = &run->par->sharing;
    double exposed = c->share * c->records;
    if (exposed > c->exposed)
        eco_book(run, i, ECO_LEDGER_SHARING_COST, ECO_INTRA,
                 -sp->cost_per_record_eur * (exposed - c->exposed));
    c->exposed = exposed;
    if (!eco_is_member(run, i) || run->platform == i)
        return;
    double fee = sp->platform_fee_eur_per_month * sp->review_interval_h / ECO_HOURS_PER_MONTH;
    eco_book(run, i, ECO_LEDGER_PLATFORM_FEE, ECO_INTER, -fee);
    if (run->platform != ECO_NONE)
        eco_book(run, run->platform, ECO_LEDGER_PLATFORM_FEE, ECO_INTER, fee);
}

/* Willingness gates sharing exactly: without it the noise is not applied either, so a
 * company with w_i = 0 only moves toward 0 (SPEC 7.8: w_i = 0 means no sharing). */
static void review_sharing(eco_run *run, uint32_t i, double noise)
{
    const eco_sharing_params *sp = &run->par->sharing;
    eco_review_inputs in = eco_review_observe(run, i);
    double target = eco_share_target(sp, &in);
    if (!(in.w > 0.0))
        noise = 0.0;
    set_share(run, i, eco_share_adjust(sp, run->co[i].share, target, noise));
    reciprocity(run, i);
    book_sharing(run, i);
}

/* Step 6: each asset below level 2 becomes a twin with probability adoption rho_i g_i. */
static void adopt_twins(eco_run *run, uint32_t i)
{
    eco_company *c = &run->co[i];
    const eco_sharing_params *sp = &run->par->sharing;
    double p = sp->twin_adoption_prob * c->rho * c->par->goal_orientation;
    for (uint32_t a = c->first_asset; a < c->first_asset + c->n_assets; a++) {
        if (run->as[a].twin_level >= 2)
            continue;
        if (gsl_rng_uniform(c->dec) >= p)
            continue;
        run->as[a].twin_level = 2;
        c->n_twin++;
        eco_book(run, i, ECO_LEDGER_TWIN_INSTALL, ECO_INTRA, -sp->twin_install_cost_eur);
    }
}

/* Step 7: receptivity grows with analytics knowledge gained since the start (path
 * dependence), never below the floor. */
static void update_receptivity(eco_run *run, uint32_t i)
{
    eco_company *c = &run->co[i];
    const eco_sharing_params *sp = &run->par->sharing;
    double gained = eco_knowledge(run, i, ECO_K_ANALYTICS) - c->par->knowledge[ECO_K_ANALYTICS];
    c->rho = clip01(fmax(sp->receptivity_floor, c->rho0 + sp->receptivity_gain * gained));
}

static sim_status schedule_review(eco_run *run, uint32_t i, double t, sim_error *err)
{
    return sim_engine_schedule(run->eng, t, ECO_PRIO_SHARING_REVIEW, ECO_EV_SHARING_REVIEW, i, 0,
                               err);
}

sim_status eco_on_sharing_review(eco_run *run, const sim_event *ev, sim_error *err)
{
    uint32_t i = ev->a;
    eco_company *c = &run->co[i];
    const eco_sharing_params *sp = &run->par->sharing;
    double jitter = 1.0 - sp->review_jitter + 2.0 * sp->review_jitter * gsl_rng_uniform(c->dec);
    sim_status s = schedule_review(run, i, now(run) + sp->review_interval_h * jitter, err);
    if (s != SIM_OK)
        return s;
    double noise = gsl_ran_gaussian(c->dec, sp->noise_sd);
    if (eco_pool_on(run))
        review_sharing(run, i, noise);
    decay_trust(run, i);
    if (run->mech.twins)
        adopt_twins(run, i);
    update_receptivity(run, i);
    s = eco_sigma_update(run, i, err);
    return s == SIM_OK ? eco_rearm_twins(run, i, err) : s;
}

/* First reviews at U(0, review_interval_h) (DEC_i), desynchronised; none when neither
 * sharing nor twins is on (a review would have nothing to do but decay trust). */
sim_status eco_share_start(eco_run *run, sim_error *err)
{
    double interval = run->par->sharing.review_interval_h;
    if ((!run->mech.sharing && !run->mech.twins) || !(interval > 0.0))
        return SIM_OK;
    sim_status s = SIM_OK;
    for (uint32_t i = 0; i < run->n_companies && s == SIM_OK; i++)
        s = schedule_review(run, i, now(run) + interval * gsl_rng_uniform(run->co[i].dec), err);
    return s;
}
