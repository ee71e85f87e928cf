/*
 * eco_business: the business side of the ecosystem model's behaviour layer (SPEC 7.2-7.3
 * overflow, 7.11-7.13, 8.7, the value categories of 8.8):
 *
 *   eco_overflow.c   capacity sharing: push at arrival, pull at job completion, fees and
 *                    delivery trust at completion (SPEC 7.2 step 4, 7.3);
 *   eco_coalition.c  OPP_ARRIVAL, OPP_RETRY, attempt_coalition, PROJECT_COMPLETE
 *                    (SPEC 7.11-7.12);
 *   eco_value.c      coverage, the success model as a coalition game, Shapley, equal and
 *                    proportional-coverage splits (pure functions);
 *   eco_contract.c   MAINTENANCE, PDM and NEWBIZ contracts: opening, CONTRACT_BILLING with
 *                    SLA, CONTRACT_END with renewal (SPEC 7.13);
 *   eco_business.c   the run storage of this side, warm-up, outputs and event tables;
 *   eco_bizparams.c  the parameter sections (declared in eco_params.h).
 *
 * What it guarantees to the rest of the model:
 *   - a switched-off mechanism draws nothing and schedules nothing: without
 *     mechanisms.opportunities no OPP event exists; without coalitions every project has
 *     one member; without overflow no order leaves its origin; without contracts no initial
 *     contract opens (NEWBIZ contracts belong to opportunities and still open, B2-3);
 *   - the streams OPP, PROJ and CON are global and drawn only by this side; opportunity
 *     arrivals and attributes come from OPP only, so they are the same in every variant;
 *   - overflow costs O(companies of the process class) per order event; coalition attempts
 *     O(N log N) (a heap of candidates rebuilt only when a partner joins); project
 *     completion O(2^n n^2) with n <= 6 members, in fixed arrays;
 *   - storage grows only when opportunities, projects or contracts outnumber what was
 *     allocated, by doubling; projects and contracts are kept for the event tables.
 */
#ifndef ECO_BUSINESS_H
#define ECO_BUSINESS_H

#include <stddef.h>
#include <stdint.h>

#include "eco_run.h"

/* ---- pure functions (eco_value.c) ---- */

/* What the success model needs to know of up to ECO_MAX_COALITION members (SPEC 7.12). */
typedef struct eco_coalition_view {
    size_t n;
    double knowledge[ECO_MAX_COALITION][ECO_KNOWLEDGE_DOMAINS];
    double rho[ECO_MAX_COALITION], chi[ECO_MAX_COALITION];
    double records[ECO_MAX_COALITION];  /* r_k */
    double extra[ECO_MAX_COALITION];    /* D_eff(k) - r_k */
    int provider[ECO_MAX_COALITION];    /* provider-side role (oem, platform, service) */
    int asset_owner[ECO_MAX_COALITION]; /* owns an asset of twin level >= 1 */
    double kappa[ECO_MAX_COALITION][ECO_MAX_COALITION]; /* goal congruence */
    double trust[ECO_MAX_COALITION][ECO_MAX_COALITION]; /* trust[a][b] = T of a in b */
} eco_coalition_view;

/* The opportunity a coalition is judged on. */
typedef struct eco_opportunity_view {
    double value;                    /* V_b */
    double data_req;                 /* D_b */
    double q[ECO_KNOWLEDGE_DOMAINS]; /* capability requirement */
} eco_opportunity_view;

/* Evaluation of the sub-coalition `mask` (bit k = member k) by SPEC 7.11-7.12. */
typedef struct eco_coalition_eval {
    double cov, kappa, rho, trust, adequacy, chi;
    double p_succ, p_adopt;
    int roles_ok; /* role requirement met (always 1 when not required) */
} eco_coalition_eval;

/* min(1, K / K_sat) per member and domain folded into cov_S (SPEC 7.11 step d). */
double eco_coverage(const double (*knowledge)[ECO_KNOWLEDGE_DOMAINS], size_t n, unsigned mask,
                    const double *q, double k_sat);
eco_coalition_eval eco_coalition_evaluate(const eco_opportunity_params *op, double k_sat,
                                          const eco_coalition_view *v,
                                          const eco_opportunity_view *b, unsigned mask);
/* v(S') = V_b p_succ(S') p_adopt(S') 1[roles met], v(empty) = 0 (SPEC 7.12 step 4). */
double eco_coalition_value(const eco_opportunity_params *op, double k_sat,
                           const eco_coalition_view *v, const eco_opportunity_view *b,
                           unsigned mask);
/* Shapley values of an n-player game (n <= ECO_MAX_COALITION) given v for all 2^n masks. */
void eco_shapley(const double *v, size_t n, double *phi);
/* Realized shares (sum 1) under a split rule; v holds the 2^n values (Shapley), cov_minus[k]
 * the coverage without member k and cov_all that of everyone (proportional_coverage). */
void eco_value_shares(eco_value_split rule, const double *v, size_t n, double cov_all,
                      const double *cov_minus, double *share);

/* ---- run state of this side ---- */

typedef struct eco_opportunity {
    uint32_t id; /* arrival number in the run */
    int retries; /* attempts left */
    double t_arr, expiry;
    eco_opportunity_view view;
    double theme[ECO_GOAL_DIMS_MAX];
    uint32_t next_free;
} eco_opportunity;

typedef struct eco_project {
    uint32_t opp_id;
    size_t n;
    uint32_t member[ECO_MAX_COALITION]; /* member[0] is the initiator */
    double t_start, t_end;              /* t_end NaN while running */
    eco_opportunity_view view;
    double theme[ECO_GOAL_DIMS_MAX];
    eco_coalition_eval eval; /* at completion (NaN before) */
    int success, adopted;    /* -1 while running */
    double synergy;
    double share[ECO_MAX_COALITION];
} eco_project;

typedef struct eco_contract {
    eco_contract_type type;
    uint32_t provider, client; /* ECO_NONE for NEWBIZ */
    uint32_t project;          /* NEWBIZ: the project, else ECO_NONE */
    int active;
    double t_start, t_end; /* t_end: scheduled end while active, termination after */
    double duration_h, interval_h;
    double fee;       /* per billing period */
    double chi;       /* NEWBIZ: mean customer-centricity of the members */
    double last_bill; /* start of the open billing period */
    uint32_t renewals, periods, sla_met;
    uint32_t responses, responses_ok; /* corrective responses of the open period */
    double down_mark;                 /* client's down asset-hours at the period start */
} eco_contract;

/* Per company. Counters cover the measurement window. */
typedef struct eco_biz_company {
    int active_projects;
    uint32_t maint_contract, pdm_contract; /* active contracts where the company is client */
    uint32_t class_lo, class_hi;           /* its process class in eco_business.class_order */
    uint64_t initiated, joined, succeeded, new_businesses, overflow_out, overflow_in;
    sim_tw contracts;   /* active contracts the company is party to */
    double down_before; /* down asset-hours before warm-up end (the statistics restart) */
} eco_biz_company;

typedef struct eco_business {
    gsl_rng *opp, *proj, *con;
    eco_biz_company *co;
    uint32_t *class_order; /* companies sorted by (process class, index); class -1 excluded */
    uint32_t *cand;        /* scratch: candidates of one search */
    double *score;         /* scratch: their scores */
    uint32_t *mark;        /* mark[i] == mark_now: in or invited in the current attempt */
    uint32_t mark_now;
    eco_opportunity *opps;
    uint32_t opps_cap, opps_top, opps_free;
    eco_project *projects;
    uint32_t n_projects, projects_cap;
    eco_contract *contracts;
    uint32_t n_contracts, contracts_cap;
    uint32_t next_opp_id;
    /* run counters (window) */
    uint64_t arrived, attempts, started, completed, successes, adopted, lost, overflow_orders;
    uint64_t nb_mix[3]; /* new businesses by role mix: provider only, utilizer only, both */
    double size_sum, synergy_sum, newbiz_revenue;
    int warm; /* warm-up has ended (co[].down_before is set) */
} eco_business;

/* ---- life cycle (eco_business.c) ---- */

sim_status eco_business_alloc(eco_run *run);
void eco_business_free(eco_run *run);
/* Schedule the first opportunity and open the initial contracts (at their start_h). */
sim_status eco_business_start(eco_run *run, sim_error *err);
/* Warm-up end; call before the operations statistics restart (it reads their areas). */
void eco_business_warmup(eco_run *run);
int eco_business_describe(sim_catalog *cat);
sim_status eco_business_collect(eco_run *run, sim_record *rec, sim_error *err);

/* Niche creation (SPEC 8.11): distinct theme orthants (sign patterns of T_b) of the new
 * businesses adopted in the window; -1 when out of memory. */
long eco_business_niches(const eco_run *run);
/* Down asset-hours of company i since time 0 (across the warm-up restart). */
double eco_business_down_area(const eco_run *run, uint32_t i);
/* Count one order handed from origin to processor (push or pull). */
void eco_business_count_overflow(eco_run *run, uint32_t origin, uint32_t processor);

/* ---- hooks for eco_ops.c ---- */

/* eco_overflow.c. Push (SPEC 7.2 step 4): origin found no idle asset; when its queue is at
 * the threshold, a partner's idle asset is taken (*asset, else ECO_NONE). */
sim_status eco_overflow_push(eco_run *run, uint32_t origin, uint32_t *asset, sim_error *err);
/* Pull (SPEC 7.3 step 3): an asset of p is free and p's queue is empty; the head order of
 * the longest eligible partner queue, removed from it, or ECO_NONE. */
uint32_t eco_overflow_pull(eco_run *run, uint32_t p);
/* An order processed away from its origin is finished (fees, delivery trust). */
void eco_overflow_complete(eco_run *run, uint32_t o);

/* eco_contract.c. Company whose crews maintain owner's assets now. */
uint32_t eco_maint_provider(const eco_run *run, uint32_t owner);
/* A crew of crew_owner reaches a failed asset of owner response_h after the request. */
void eco_contract_note_response(eco_run *run, uint32_t owner, uint32_t crew_owner,
                                double response_h);

/* ---- handlers ---- */

sim_status eco_on_opp_arrival(eco_run *run, const sim_event *ev, sim_error *err);
sim_status eco_on_opp_retry(eco_run *run, const sim_event *ev, sim_error *err);
sim_status eco_on_project_complete(eco_run *run, const sim_event *ev, sim_error *err);
sim_status eco_on_contract_billing(eco_run *run, const sim_event *ev, sim_error *err);
sim_status eco_on_contract_end(eco_run *run, const sim_event *ev, sim_error *err);

/* ---- internals shared by the files of this side ---- */

/* eco_contract.c */
sim_status eco_contract_open_initial(eco_run *run, sim_error *err);
/* NEWBIZ contract of an adopted project (index p). */
sim_status eco_contract_newbiz(eco_run *run, uint32_t p, sim_error *err);
/* eco_coalition.c */
sim_status eco_opportunities_start(eco_run *run, sim_error *err);
/* eco_business.c: append a record, growing by doubling; ECO_NONE when out of memory. */
uint32_t eco_business_new_project(eco_run *run);
uint32_t eco_business_new_contract(eco_run *run);
uint32_t eco_business_new_opportunity(eco_run *run);
void eco_business_release_opportunity(eco_run *run, uint32_t b);
int eco_is_provider_side(eco_role r);

#endif
