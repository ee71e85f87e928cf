/*
 * eco_behaviour: the sharing side of the ecosystem model's behaviour layer (SPEC 7.6-7.10):
 * the shared data pool and accessible data, sharing reviews, trust, twin adoption,
 * receptivity, knowledge and co-learning, and their outputs (SPEC 8.5, 8.6).
 *
 *   eco_pool.c           records, pool and fleet sums, accessible data D_eff, knowledge
 *                        access, goals and congruence, the run storage of this side;
 *   eco_trust.c          pairwise trust, last interactions, shared-project counts (SPEC 7.9);
 *   eco_share.c          SHARING_REVIEW (SPEC 7.8);
 *   eco_learn.c          COLEARN (SPEC 7.10);
 *   eco_share_metrics.c  outputs (SPEC 8.5, 8.6, trust);
 *   eco_share_params.c   the sections `sharing:`, `trust:`, `colearning:`, `goals:`,
 *                        `knowledge:` (declared in eco_params.h).
 *
 * What it guarantees to the rest of the model:
 *   - records r_i change only through eco_add_records, which keeps the pool sum
 *     P = sum_j s_j r_j and each provider's fleet sum (records of its PdM clients) exact in
 *     O(1) and adds the internal learning of SPEC 7.4 step 4;
 *   - eco_deff is O(1); a company's sigma is refreshed (eco_sigma_update in eco_ops.c) when
 *     its own or its clients' records, its knowledge, its contracts or (at its review) its
 *     sharing change. Others' pool contributions reach it at its next refresh, never by a
 *     loop over companies per event;
 *   - trust, last interaction and shared-project counts are pairwise arrays allocated at
 *     run start; eco_trust_experience does nothing when mechanisms.trust_dynamics is off;
 *   - a mechanism switched off draws nothing and schedules nothing: no COLEARN events
 *     without colearning; without sharing s_i stays 0 and the pool stays closed, reviews
 *     still adopt twins and update receptivity when twins are on.
 */
#ifndef ECO_BEHAVIOUR_H
#define ECO_BEHAVIOUR_H

#include <stdint.h>

#include "eco_run.h"

#define ECO_K_ASSET     0 /* knowledge domains (SPEC 2.2) */
#define ECO_K_ANALYTICS 1

/* ---- records, pool and accessible data (eco_pool.c) ---- */

/* Add w records to company i (w >= 0): r_i, the pool sum, the fleet sum of i's PdM provider,
 * internal learning K_i,asset += internal_learning_per_record w; marks the sigma of i and of
 * its provider dirty. The caller refreshes them (eco_sigma_update). */
void eco_add_records(eco_run *run, uint32_t i, double w);
/* PdM contract of client starts (provider) or ends (ECO_NONE): moves the client's records
 * between fleet sums and marks the sigmas involved dirty. The caller then refreshes them
 * (eco_sigma_update of the old and new provider and of the client) and re-arms the client's
 * twins (eco_rearm_twins), whose sigma source changed. */
void eco_set_pdm_provider(eco_run *run, uint32_t client, uint32_t provider_or_none);
/* Company whose prediction error drives owner's twin assets: its PdM provider, else itself. */
uint32_t eco_sigma_source(const eco_run *run, uint32_t owner);
/* Accessible data of p acting as prognostics provider (SPEC 7.6). */
double eco_deff(eco_run *run, uint32_t p);
/* Pool access factor acc_p (SPEC 7.6) under the run's rule, with p's current share. */
double eco_pool_access(const eco_run *run, uint32_t p);
/* Whether the pool is open in this run (mechanisms.sharing). */
int eco_pool_on(const eco_run *run);
/* 1 when s_i >= member_threshold (and sharing is on). */
int eco_is_member(const eco_run *run, uint32_t i);

/* ---- knowledge and goals (eco_pool.c) ---- */

/* K_i,d now (with lazy depreciation). */
double eco_knowledge(eco_run *run, uint32_t i, int d);
/* Bring K_i to the current time (depreciation); call before changing K_i. */
void eco_knowledge_settle(eco_run *run, uint32_t i);
/* kappa_ij = (1 + cos(G_i, G_j)) / 2. */
double eco_congruence(const eco_run *run, uint32_t i, uint32_t j);
/* (1 + cos(G_i, theme)) / 2 for a theme of goals.dims entries (SPEC 7.11 fit). */
double eco_goal_fit(const eco_run *run, uint32_t i, const double *theme);

/* ---- trust and pairwise relations (eco_trust.c) ---- */

double eco_trust(const eco_run *run, uint32_t i, uint32_t j); /* T_ij, i's trust in j */
/* Experience x in [0, 1] of i about j (SPEC 7.9); no-op when trust_dynamics is off. */
void eco_trust_experience(eco_run *run, uint32_t i, uint32_t j, double x);
/* SPEC 7.9 on one value: the new trust after experience x. */
double eco_trust_step(const eco_trust_params *p, double t, double x);
/* l_ij = l_ji = now. */
void eco_touch(eco_run *run, uint32_t i, uint32_t j);
double eco_last_touch(const eco_run *run, uint32_t i, uint32_t j); /* -INFINITY: never */
/* n^pi_ij += delta and n^pi_ji += delta (project start +1, end -1); never below 0. */
void eco_pair_projects_add(eco_run *run, uint32_t i, uint32_t j, int delta);
int eco_pair_projects(const eco_run *run, uint32_t i, uint32_t j);

/* ---- sharing review (eco_share.c) ---- */

/* Observables of a review (SPEC 7.8 step 2). */
typedef struct eco_review_inputs {
    double w, g;                  /* willingness, goal orientation */
    double recip, trust, benefit; /* R^, T-bar, B^ */
    double risk;                  /* Risk_i */
} eco_review_inputs;

/* s*_i of SPEC 7.8 step 3. */
double eco_share_target(const eco_sharing_params *p, const eco_review_inputs *in);
/* The adjusted level clip(s + adjust_rate (s* - s) + noise). */
double eco_share_adjust(const eco_sharing_params *p, double s, double target, double noise);
/* The observables of company i's review now. */
eco_review_inputs eco_review_observe(eco_run *run, uint32_t i);

sim_status eco_on_sharing_review(eco_run *run, const sim_event *ev, sim_error *err);
sim_status eco_share_start(eco_run *run, sim_error *err); /* first reviews */

/* ---- co-learning (eco_learn.c) ---- */

/* Knowledge gains of one meeting (SPEC 7.10 steps 3-4) for given stocks and receptivities;
 * returns the cognitive distance d_ij, writes understandability u_ij. */
double eco_colearn_gains(const eco_colearning_params *p, const double *ki, const double *kj,
                         double rho_i, double rho_j, double *gain_i, double *gain_j, double *u);

sim_status eco_on_colearn(eco_run *run, const sim_event *ev, sim_error *err);
sim_status eco_learn_start(eco_run *run, sim_error *err); /* first candidates */

/* ---- life cycle and outputs (eco_pool.c) ---- */

sim_status eco_behaviour_alloc(eco_run *run);
sim_status eco_behaviour_samples_alloc(eco_run *run); /* eco_share_metrics.c */
void eco_behaviour_free(eco_run *run);
/* Initial state (SPEC 5 steps 2, 3, 5) after eco_ops_init; draws goal vectors (INIT_i). */
void eco_behaviour_init(eco_run *run);
/* Schedule the first reviews and co-learning candidates (SPEC 5 step 7). */
sim_status eco_behaviour_start(eco_run *run, sim_error *err);
gsl_rng *eco_rng_dec(const eco_run *run, uint32_t i);
gsl_rng *eco_rng_learn(const eco_run *run, uint32_t i);
gsl_rng *eco_rng_init(const eco_run *run, uint32_t i);

/* Statistics at time 0 (after eco_behaviour_init). */
void eco_behaviour_stats_init(eco_run *run);
/* Outputs: declared in describe, buffered at SAMPLE, restarted at warm-up, written by
 * collect. */
int eco_behaviour_describe(sim_catalog *cat);
void eco_behaviour_sample(eco_run *run, size_t k);
void eco_behaviour_warmup(eco_run *run);
void eco_behaviour_collect(eco_run *run, sim_record *rec);

#endif
