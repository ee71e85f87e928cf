/*
 * eco_run: the state of one run of the ecosystem model, shared by the model's own files and
 * nothing else (the model's unit tests use the debug accessors at the end).
 *
 *   eco_model.c    life cycle of a run (alloc/free, streams, storage), variant switches,
 *                  event dispatch, the sim_model_type object;
 *   eco_ops.c      the operations layer: orders, dispatch, failures, crews, renewal, the
 *                  twin's prediction error and the PM decision (SPEC 7.2-7.6);
 *   eco_metrics.c  statistics, sampling, warm-up, the output catalog and collect (SPEC 8).
 *   eco_population.c  companies generated from `population:`, drawn per run (SPEC 5, 11);
 *   eco_pair.c     pairing of the variants of a replication: IOV, channels, fairness (8.9-8.10);
 *   eco_network.c  membership, collaboration graph, formation and health at SAMPLE (8.11).
 *
 * Invariants the handlers keep:
 *   - every asset state change goes through eco_asset_set_state, which keeps the aging clock
 *     and the company's time-weighted counts (busy, down, ...) exact;
 *   - an asset with state IDLE is in its owner's idle heap; the heap may also hold stale
 *     entries of assets that left IDLE (lazy deletion), at most one entry per asset;
 *   - asset.job is an order index while an order is attached (BUSY, or DOWN with the job
 *     suspended by a failure), else ECO_NONE;
 *   - asset a owns three engine timers: job end, failure and PM due (ECO_TIMER_*), so
 *     re-arming or cancelling one never scans the event list;
 *   - an order is either free (in the pool's free list), waiting in its origin's queue, or
 *     attached to exactly one asset.
 */
#ifndef ECO_RUN_H
#define ECO_RUN_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "eco_params.h"
#include "sim_engine.h"
#include "sim_model.h"
#include "sim_stats.h"

#define ECO_NONE UINT32_MAX

/* Event kinds, priorities (SPEC 3.1: lower fires first at equal time). */
typedef enum eco_event_kind {
    ECO_EV_ORDER_ARRIVAL,
    ECO_EV_JOB_COMPLETE,
    ECO_EV_FAILURE,
    ECO_EV_PM_DUE,
    ECO_EV_MAINT_COMPLETE,
    ECO_EV_SAMPLE,
    ECO_EV_WARMUP_END,
    /* behaviour layer (SPEC 3.1 rows 6-12); each file adds its handler to the dispatch
     * table in eco_model.c */
    ECO_EV_CONTRACT_BILLING,
    ECO_EV_CONTRACT_END,
    ECO_EV_PROJECT_COMPLETE,
    ECO_EV_OPP_ARRIVAL,
    ECO_EV_OPP_RETRY,
    ECO_EV_COLEARN,
    ECO_EV_SHARING_REVIEW,
    ECO_EV_COUNT
} eco_event_kind;

#define ECO_PRIO_MAINT_COMPLETE   1u
#define ECO_PRIO_JOB_COMPLETE     2u
#define ECO_PRIO_FAILURE          3u
#define ECO_PRIO_PM_DUE           3u
#define ECO_PRIO_ORDER_ARRIVAL    4u
#define ECO_PRIO_CONTRACT_BILLING 5u
#define ECO_PRIO_CONTRACT_END     6u
#define ECO_PRIO_PROJECT_COMPLETE 7u
#define ECO_PRIO_OPP_ARRIVAL      8u
#define ECO_PRIO_OPP_RETRY        9u
#define ECO_PRIO_COLEARN          10u
#define ECO_PRIO_SHARING_REVIEW   11u
#define ECO_PRIO_SAMPLE           12u
#define ECO_PRIO_WARMUP_END       13u

/* Timers of asset a are ECO_TIMERS_PER_ASSET * a + one of these. */
enum { ECO_TIMER_JOB, ECO_TIMER_FAILURE, ECO_TIMER_PM, ECO_TIMERS_PER_ASSET };

/* Random-stream process ids (SPEC 7.1). The numbers are part of the results: changing one
 * changes every run. Later layers use the ones not drawn here yet. */
typedef enum eco_stream {
    ECO_STREAM_ARR = 1,
    ECO_STREAM_SVC = 2,
    ECO_STREAM_LIFE = 3,
    ECO_STREAM_PRED = 4,
    ECO_STREAM_MNT = 5,
    ECO_STREAM_DEC = 6,
    ECO_STREAM_LEARN = 7,
    ECO_STREAM_INIT = 8,
    ECO_STREAM_OPP = 9,
    ECO_STREAM_PROJ = 10,
    ECO_STREAM_CON = 11
} eco_stream;

typedef enum eco_asset_state {
    ECO_ASSET_IDLE,
    ECO_ASSET_BUSY,
    ECO_ASSET_DOWN_WAIT_CORR,
    ECO_ASSET_DOWN_CORR,
    ECO_ASSET_DOWN_WAIT_PM,
    ECO_ASSET_DOWN_PM
} eco_asset_state;

typedef enum eco_maint_kind { ECO_MAINT_CORR, ECO_MAINT_PM } eco_maint_kind;

/* Value ledger categories (SPEC 8.8) and tags. This version books the first four. */
typedef enum eco_ledger_cat {
    ECO_LEDGER_ORDER_MARGIN,
    ECO_LEDGER_CORRECTIVE_COST,
    ECO_LEDGER_PM_COST,
    ECO_LEDGER_DOWNTIME_COST,
    ECO_LEDGER_OVERFLOW_FEE_IN,
    ECO_LEDGER_OVERFLOW_FEE_OUT,
    ECO_LEDGER_SHARING_COST,
    ECO_LEDGER_PLATFORM_FEE,
    ECO_LEDGER_CONTRACT_FEE,
    ECO_LEDGER_NEWBIZ_REVENUE,
    ECO_LEDGER_DEV_COST,
    ECO_LEDGER_TWIN_INSTALL,
    ECO_LEDGER_COUNT
} eco_ledger_cat;

typedef enum eco_ledger_tag { ECO_INTRA, ECO_INTER, ECO_TAG_COUNT } eco_ledger_tag;

/* FIFO of indices in a ring buffer; grows by doubling (amortised, never in steady state). */
typedef struct eco_ring {
    uint32_t *v;
    size_t cap, head, len;
} eco_ring;

/* A customer order (SPEC 2.4). Margin, due allowance and penalty are the origin's. */
typedef struct eco_order {
    double t_arr, due;
    double remaining; /* hours of work left */
    uint32_t origin, processor;
    uint32_t next_free; /* free-list link while free */
    int started;        /* service has started once (for the waiting time) */
} eco_order;

/* Orders are recycled through a free list; the array grows by doubling only when every
 * record is in use, so steady-state runs never allocate per event. */
typedef struct eco_order_pool {
    eco_order *v;
    uint32_t cap, used_top, free_head;
    uint32_t in_use, peak_in_use;
} eco_order_pool;

typedef struct eco_asset {
    uint32_t owner;      /* company index */
    uint32_t crew_owner; /* company whose crew serves the current maintenance */
    uint32_t job;        /* attached order or ECO_NONE */
    int state;           /* eco_asset_state */
    int twin_level;      /* 0, 1, 2 */
    int pm_pending;      /* PM became due while BUSY (calendar clock) */
    int in_idle;         /* has an entry in the owner's idle heap */
    double age;          /* aging-clock hours accumulated up to age_since */
    double age_since;    /* when the clock last started to run (if it runs now) */
    double life;         /* latent life L on the aging clock */
    double z;            /* prediction noise of the current life */
    double busy_since, down_since;
} eco_asset;

/* Statistics of the sharing side of one company (eco_behaviour.h), restarted at warm-up. */
typedef struct eco_sharing_stats {
    sim_tw share;                            /* s_i over time */
    double knowledge_w;                      /* ||K_i||_1 at warm-up end */
    double knowledge_int_w, knowledge_ext_w; /* sums of K^int, K^ext at warm-up end */
    double rho_w;                            /* rho_i at warm-up end */
} eco_sharing_stats;

/* Statistics of one company over the measurement window (SPEC 8). */
typedef struct eco_company_stats {
    sim_tw busy, down, down_corr, down_pm, crews_busy, in_system, queue, sigma, trusted;
    sim_tally lead_time, waiting, tardiness, used_life;
    sim_hist lead_hist;
    uint64_t arrivals, lost, delayed, completed, on_time, processed;
    uint64_t failures, pms, twin_failures, twin_pms;
} eco_company_stats;

typedef struct eco_company {
    const eco_company_params *par;
    uint32_t first_asset, n_assets, n_twin; /* assets [first, first+n); n_twin of level 2 */
    int n_crews, crews_busy;                /* n_crews -1: infinite */
    eco_ring queue;                         /* waiting orders */
    eco_ring crew_queue[2];                 /* [0] corrective (all jobs under fifo), [1] PM */
    uint32_t *idle;                         /* min-heap of idle asset indices */
    size_t n_idle;
    double records; /* own life records r_i */
    double sigma;   /* cached prediction error */
    int sigma_dirty;
    gsl_rng *arr, *svc;
    sim_dist interarrival;
    double ledger[ECO_LEDGER_COUNT][ECO_TAG_COUNT]; /* since warm-up end */
    eco_company_stats st;
    /* behaviour layer, sharing side (eco_behaviour.h: eco_pool.c, eco_share.c, eco_trust.c,
     * eco_learn.c). Records change only through eco_add_records, sharing levels only at
     * reviews, so the pool sum P and the fleet sums stay exact in O(1). */
    double share;   /* s_i */
    double exposed; /* e_i = s_i r_i at the last review */
    double rho0;    /* rho_i(0) = max(receptivity_floor, technical_receptivity) */
    double rho;     /* rho_i, endogenous */
    double knowledge[ECO_KNOWLEDGE_DOMAINS];     /* K_i as of knowledge_since (eco_knowledge) */
    double knowledge_int[ECO_KNOWLEDGE_DOMAINS]; /* cumulated internal gains K^int */
    double knowledge_ext[ECO_KNOWLEDGE_DOMAINS]; /* cumulated external gains K^ext */
    double knowledge_since;                      /* depreciation applied up to this time */
    double goal[ECO_GOAL_DIMS_MAX];              /* G_i, unit vector of goals.dims entries */
    uint32_t pdm_provider;     /* company whose sigma drives i's twins; ECO_NONE: i itself */
    uint32_t pdm_first_client; /* i's PdM clients, linked through pdm_next_client */
    uint32_t pdm_next_client;
    double fleet_records; /* sum of r_c over i's PdM clients */
    gsl_rng *dec, *learn, *init;
    eco_sharing_stats bst;
} eco_company;

typedef struct eco_run {
    const eco_params *par;
    sim_settings settings;
    sim_run_id id;
    eco_mechanisms mech; /* effective switches of this run's variant */
    sim_engine *eng;
    size_t n_companies, n_assets;
    eco_company *co;
    eco_asset *as;
    eco_order_pool orders;
    gsl_rng *rng;           /* one block: 2 per company, then 3 per asset */
    unsigned char *rng_mem; /* their states */
    int warmup_done;
    size_t n_time;
    double *samples; /* ECO_TS_COUNT blocks of n_time * n_companies, [var][time][company] */
    /* behaviour layer, sharing side (eco_behaviour.h) */
    double *trust;          /* N x N: trust[i N + j] = T_ij */
    double *last_touch;     /* N x N: l_ij, -INFINITY before any interaction */
    int32_t *pair_projects; /* N x N: shared active projects n^pi_ij */
    double pool_records;    /* P = sum_j s_j r_j */
    uint32_t platform;      /* pool operator: first platform-role company, or ECO_NONE */
    gsl_rng *brng;          /* DEC_i, LEARN_i, INIT_i of each company */
    unsigned char *brng_mem;
    double *bsamples; /* sharing-side time series (eco_behaviour.h) */
    /* ecosystem side (eco_population.c, eco_network.c) */
    eco_company_params *generated; /* this run's companies drawn from population:, or NULL */
    struct eco_network *net;       /* network and formation indicators */
    /* business side (eco_business.h): overflow, opportunities, projects, contracts */
    struct eco_business *biz;
} eco_run;

/* Time-series variables buffered by SAMPLE and copied into the record by collect. */
enum {
    ECO_TS_QUEUE,
    ECO_TS_BUSY,
    ECO_TS_DOWN,
    ECO_TS_VALUE,
    ECO_TS_RECORDS,
    ECO_TS_SIGMA,
    ECO_TS_COUNT
};

/* ---- eco_model.c ---- */

/* The switches a run of variant v uses (SPEC 3.3): autarky turns off sharing, colearning,
 * coalitions, overflow and contracts; ko_X turns off X. Unknown variants keep base. */
eco_mechanisms eco_mechanisms_for_variant(const eco_mechanisms *base, int variant);

sim_status eco_ring_push(eco_ring *r, uint32_t x, sim_error *err);
uint32_t eco_ring_pop(eco_ring *r);                   /* ECO_NONE when empty */
uint32_t eco_order_new(eco_run *run, sim_error *err); /* ECO_NONE and err when out of memory */
void eco_order_release(eco_run *run, uint32_t o);

gsl_rng *eco_rng_life(const eco_run *run, uint32_t a);
gsl_rng *eco_rng_pred(const eco_run *run, uint32_t a);
gsl_rng *eco_rng_mnt(const eco_run *run, uint32_t a);

/* ---- eco_ops.c ---- */

/* Set up assets (twin levels, first lives) and company twin state; no events. */
void eco_ops_init(eco_run *run);
/* Schedule the first arrivals and, under calendar aging, the first failure/PM timers. */
sim_status eco_ops_start(eco_run *run, sim_error *err);

sim_status eco_on_order_arrival(eco_run *run, const sim_event *ev, sim_error *err);
sim_status eco_on_job_complete(eco_run *run, const sim_event *ev, sim_error *err);
sim_status eco_on_failure(eco_run *run, const sim_event *ev, sim_error *err);
sim_status eco_on_pm_due(eco_run *run, const sim_event *ev, sim_error *err);
sim_status eco_on_maint_complete(eco_run *run, const sim_event *ev, sim_error *err);

/* Learning curve (SPEC 7.6) for accessible data d_eff and analytics knowledge k_an. */
double eco_sigma_curve(const eco_prediction *p, double d_eff, double k_an);
/* Current prediction error of company p (recomputed when dirty). */
double eco_company_sigma(eco_run *run, uint32_t p);
/* Refresh sigma_p (eco_behaviour.h says when); if it changed, update its statistics and
 * re-arm the calendar PM timers of the twins it drives (p's own, its PdM clients'). */
sim_status eco_sigma_update(eco_run *run, uint32_t p, sim_error *err);
/* Re-arm the calendar PM timers of p's up level-2 assets whose PM instant moved earlier
 * (after p's twin levels or its sigma source changed). */
sim_status eco_rearm_twins(eco_run *run, uint32_t p, sim_error *err);
/* Age of asset a on its aging clock at the current time. */
double eco_asset_age(const eco_run *run, uint32_t a);
/* Whether company i's twins are trusted now (twins on, sigma <= twin_sigma_use_max). */
int eco_company_twin_trusted(eco_run *run, uint32_t i);
/* For capacity sharing (eco_overflow.c): the lowest-index idle asset of company i whose PM
 * is not due, taken off its idle heap (*asset, ECO_NONE when none; due ones go to PM on the
 * way), and the head order of i's queue, removed (ECO_NONE when empty). */
sim_status eco_ops_take_asset(eco_run *run, uint32_t i, uint32_t *asset, sim_error *err);
uint32_t eco_ops_dequeue(eco_run *run, uint32_t i);

/* ---- eco_metrics.c ---- */

/* Initialise the statistics of every company at time 0 (allocates the histograms). */
sim_status eco_metrics_init(eco_run *run, sim_error *err);
void eco_metrics_close(eco_run *run);
sim_status eco_metrics_start(eco_run *run, sim_error *err); /* schedule SAMPLE, WARMUP_END */
void eco_book(eco_run *run, uint32_t i, eco_ledger_cat cat, eco_ledger_tag tag, double eur);
/* Sample instants: n_time and t_k (clamped to the horizon). */
size_t eco_n_samples(const sim_settings *s);
double eco_sample_time(const sim_settings *s, size_t k);

sim_status eco_on_sample(eco_run *run, const sim_event *ev, sim_error *err);
sim_status eco_on_warmup_end(eco_run *run, const sim_event *ev, sim_error *err);

sim_catalog *eco_describe(const void *params, const sim_settings *settings);
sim_status eco_collect(void *state, sim_engine *eng, sim_record *rec, sim_error *err);

/* ---- eco_population.c ---- */

/* Draw this run's companies when the scenario has a population (sets run->generated) and
 * set run->n_assets; called in run_alloc before any storage is sized. */
sim_status eco_population_realize(eco_run *run, sim_error *err);
/* Parameters of company i in this run (generated or from `companies:`). */
const eco_company_params *eco_run_company_params(const eco_run *run, size_t i);
/* Per-company attributes (role, w, g, rho0, chi, pi, n_assets, ...) as outputs. */
int eco_population_describe(sim_catalog *cat);
void eco_population_collect(const eco_run *run, sim_record *rec);

/* ---- eco_pair.c ---- */

/* sim_model_type.pair: inter-organizational value, channel attributions, fairness. */
sim_status eco_pair(const void *params, const int *variants, sim_record *const *recs, size_t n,
                    sim_error *err);
int eco_pair_describe(sim_catalog *cat);

/* ---- eco_network.c ---- */

/* Storage of the network indicators (after the companies exist); free is NULL-safe. */
sim_status eco_network_alloc(eco_run *run);
void eco_network_free(eco_run *run);
/* SAMPLE k: membership, active-collaboration graph, formation condition (SPEC 8.11). */
void eco_network_sample(eco_run *run, size_t k);
int eco_network_describe(sim_catalog *cat);
void eco_network_collect(eco_run *run, sim_record *rec);

/* ---- debug accessors (tests only) ---- */

/* Order records allocated (capacity) and the peak number in use at once. */
size_t eco_run_order_pool_capacity(const eco_run *run);
size_t eco_run_order_pool_peak(const eco_run *run);

#endif
