/*
 * eco_params: the parameters of the ecosystem model, read from a scenario tree.
 *
 * eco_params_load reads every section this version of the model understands (SPEC section
 * 11 names, defaults and ranges): the model's keys under `simulation:`, `mechanisms:`,
 * `maintenance:`, `prediction:` and `companies:`. Omitted company keys take the value of the
 * company's role template (the SPEC's six-company values per role; the oem block for keys a
 * role does not set). Cross-field rules (a producing company needs assets, assets that fail
 * need crews, unique names, ...) are checked after the fields, each error placed at the
 * offending key. The result is immutable and shared by all runs of a scenario.
 *
 * Every count is bounded (ECO_MAX_*) before anything is sized by it, so a hostile scenario
 * cannot make the model allocate without limit. An offered load lambda E[S] / c >= 0.95 at a
 * company with an unlimited buffer is not an error (SPEC 5 step 8 asks for a warning): such
 * companies are flagged `unstable` and counted in n_unstable for a front end to report.
 */
#ifndef ECO_PARAMS_H
#define ECO_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "sim_cfg.h"
#include "sim_dist.h"
#include "sim_model.h"

#define ECO_KNOWLEDGE_DOMAINS      4 /* asset, analytics, service, customer */
#define ECO_GOAL_DIMS_MAX          16
#define ECO_MAX_COMPANIES          5000 /* the run keeps N x N relation state: 5000^2 pairs are ~0.5 GB */
#define ECO_MAX_ASSETS_PER_COMPANY 100000
#define ECO_MAX_ASSETS_TOTAL       10000000
#define ECO_MAX_CREWS_PER_COMPANY  100000
#define ECO_MAX_QUEUE_CAPACITY     10000000
#define ECO_MAX_PROCESS_CLASS      1000000
#define ECO_MAX_PROJECTS           10
#define ECO_UNSTABLE_LOAD          0.95 /* offered load from which an unlimited queue is flagged */

typedef enum eco_role {
    ECO_ROLE_OEM,
    ECO_ROLE_SUPPLIER,
    ECO_ROLE_PLATFORM,
    ECO_ROLE_SERVICE,
    ECO_ROLE_UTILIZER,
    ECO_ROLE_COUNT
} eco_role;

typedef enum eco_aging { ECO_AGING_BUSY, ECO_AGING_CALENDAR } eco_aging;
typedef enum eco_repair { ECO_REPAIR_PERFECT, ECO_REPAIR_MINIMAL } eco_repair;
typedef enum eco_crew_priority { ECO_CREW_CORRECTIVE_FIRST, ECO_CREW_FIFO } eco_crew_priority;
typedef enum eco_pm_policy { ECO_PM_RISK_QUANTILE, ECO_PM_FIXED_FRACTION } eco_pm_policy;

/* Variants (SPEC 3.3), in the order of eco_model_type.variants. */
typedef enum eco_variant {
    ECO_VARIANT_ECOSYSTEM,
    ECO_VARIANT_AUTARKY,
    ECO_VARIANT_KO_SHARING,
    ECO_VARIANT_KO_OVERFLOW,
    ECO_VARIANT_KO_COLEARNING,
    ECO_VARIANT_KO_COALITIONS,
    ECO_VARIANT_KO_CONTRACTS,
    ECO_VARIANT_COUNT
} eco_variant;

typedef struct eco_mechanisms {
    int failures, twins, sharing, colearning, opportunities, coalitions, overflow, contracts,
        trust_dynamics, goal_alignment;
} eco_mechanisms;

typedef struct eco_maintenance {
    eco_aging aging_clock;
    eco_repair repair_mode;
    eco_crew_priority crew_priority;
    double cost_corrective_eur, cost_pm_eur;
    double downtime_cost_eur_per_h, planned_downtime_cost_eur_per_h;
    double record_weight_failure, record_weight_pm;
    eco_pm_policy pm_policy;
    double pm_risk_target, pm_fixed_fraction, twin_sigma_use_max;
} eco_maintenance;

typedef struct eco_prediction {
    double sigma_irreducible, sigma_ref, data_ref_records, data_exponent, prior_records;
    double analytics_knowledge_gain, sigma_max, pool_relevance, client_data_relevance;
    double nonowner_access;
} eco_prediction;

/* Behaviour layer, sharing side (SPEC 11 `sharing:`, `trust:`, `colearning:`, `goals:`,
 * `knowledge:`; read by eco_behaviour_params_load in eco_share.c). */
typedef enum eco_pool_rule { ECO_POOL_OPEN, ECO_POOL_RECIPROCAL } eco_pool_rule;

typedef struct eco_sharing_params {
    double review_interval_h, review_jitter, adjust_rate, noise_sd;
    double c_base, c_recip, c_trust, c_goal, c_risk;
    eco_pool_rule pool_access_rule;
    double member_threshold, reciprocity_tolerance;
    double cost_per_record_eur, platform_fee_eur_per_month;
    double twin_adoption_prob, twin_install_cost_eur;
    double receptivity_gain, receptivity_floor;
} eco_sharing_params;

typedef struct eco_trust_params {
    double eta_up, eta_down, decay_to_propensity, sla_fail_outcome, project_fail_outcome;
} eco_trust_params;

typedef struct eco_colearning_params {
    double base_rate_per_h, project_boost, project_partner_weight;
    double learning_rate, joint_creation_rate, max_cognitive_distance;
    double internal_learning_per_record;
} eco_colearning_params;

typedef struct eco_goals_params {
    int dims;                         /* M */
    double center[ECO_GOAL_DIMS_MAX]; /* normalised */
    double dispersion;                /* sigma_g */
} eco_goals_params;

typedef struct eco_knowledge_params {
    double saturation, depreciation_per_year;
} eco_knowledge_params;

/* Behaviour layer, business side (SPEC 11 `opportunities:`, `overflow:`,
 * `contracts_defaults:`, `contracts:`; read by eco_business_params_load in
 * eco_bizparams.c). */
#define ECO_MAX_COALITION   6      /* members of a project (Shapley over 2^6 subsets) */
#define ECO_MAX_RETRIES     20     /* opportunities.max_retries */
#define ECO_MAX_CONTRACTS   100000 /* entries of `contracts:` */
#define ECO_HOURS_PER_MONTH 720.0  /* SPEC 7.12: a contract month is 720 h */

typedef enum eco_value_split {
    ECO_SPLIT_SHAPLEY,
    ECO_SPLIT_EQUAL,
    ECO_SPLIT_COVERAGE /* proportional_coverage */
} eco_value_split;

typedef struct eco_opportunity_params {
    double arrival_rate_per_h, window_mean_h;
    int max_retries;
    double retry_mean_h, value_mean_eur, value_cv;
    double requirement_mean, requirement_concentration;
    double data_requirement_mean_records, theme_dispersion;
    int max_coalition_size;
    double coverage_min;
    int require_provider_and_asset_owner;
    struct {
        double goal, complementarity, trust, customer, receptivity;
    } attract;
    struct {
        double trust, value, load, threshold, steepness;
    } accept;
    double dev_time_mean_h, dev_time_cv, dev_cost_eur_per_member_h;
    struct {
        double b0, coverage, goal, receptivity, trust, data;
    } success;
    struct {
        double base, customer;
    } adoption;
    double contract_months;
    struct {
        double base, customer;
    } renewal;
    eco_value_split value_split;
    double goal_alignment_rate;
} eco_opportunity_params;

typedef struct eco_overflow_params {
    int queue_threshold, pull;
    double min_share_level, min_trust, min_receptivity, fee_fraction;
    double late_delivery_outcome; /* trust experience of a late overflow delivery */
} eco_overflow_params;

typedef struct eco_contract_defaults {
    double billing_interval_h, maintenance_fee_eur_per_month, pdm_fee_eur_per_month;
    double sla_response_h, sla_response_share, sla_availability, duration_months;
    struct {
        double base, trust, customer;
    } renewal;
} eco_contract_defaults;

typedef enum eco_contract_type {
    ECO_CONTRACT_MAINTENANCE,
    ECO_CONTRACT_PDM,
    ECO_CONTRACT_NEWBIZ /* created by projects only */
} eco_contract_type;

/* One entry of `contracts:` (initial service contracts). */
typedef struct eco_contract_params {
    eco_contract_type type;
    uint32_t provider, client; /* company indices */
    double start_h, duration_months, fee_eur_per_month;
} eco_contract_params;

typedef struct eco_company_params {
    const char *name; /* interned in the scenario tree; lives as long as the sim_cfg */
    eco_role role;
    int process_class; /* -1 = none */
    int n_assets;      /* c_i >= 0 */
    int n_crews;       /* >= 0, -1 = infinite */
    int max_projects;
    double arrival_rate_per_h; /* lambda_i >= 0 */
    sim_dist service_time;
    int queue_capacity; /* -1 = unlimited */
    double order_margin_eur, due_allowance_h, tardiness_penalty_eur_per_h;
    double twin_share, shadow_share;
    double weibull_shape, weibull_scale_h;
    double non_twin_pm_age_h; /* 0 = run to failure */
    sim_dist crew_response, repair_time, pm_time;
    double sharing_willingness, goal_orientation, technical_receptivity;
    double customer_centricity, trust_propensity;
    double knowledge[ECO_KNOWLEDGE_DOMAINS];
    int has_goal_vector;
    double goal_vector[ECO_GOAL_DIMS_MAX];
    double initial_records, initial_share_level;
    /* derived */
    int goal_vector_len; /* entries given in goal_vector (0 when null) */
    double offered_load; /* lambda E[S] / c, 0 without assets */
    int unstable;        /* offered_load >= ECO_UNSTABLE_LOAD with an unlimited queue */
} eco_company_params;

/* Generated population (SPEC 5, 11 `population:`; eco_population.c). When `generated` is set
 * the companies are drawn anew in every run (eco_population_realize), and eco_params holds
 * only what every run shares: companies[i] carries the name "c000".. and nominal values (the
 * template of the most likely role, attributes at their means), n_assets_total is an UPPER
 * bound (n_companies x max_assets, for the engine's timers), and a run's own companies are
 * run->co[i].par. */
typedef enum eco_attribute {
    ECO_ATTR_SHARING_WILLINGNESS,
    ECO_ATTR_GOAL_ORIENTATION,
    ECO_ATTR_TECHNICAL_RECEPTIVITY,
    ECO_ATTR_CUSTOMER_CENTRICITY,
    ECO_ATTR_TRUST_PROPENSITY,
    ECO_ATTR_COUNT
} eco_attribute;

typedef struct eco_beta {
    double mean, concentration; /* Beta(mean c, (1 - mean) c) */
} eco_beta;

typedef struct eco_population {
    int generated;
    double role_weights[ECO_ROLE_COUNT]; /* normalised to sum 1 */
    double target_load;                  /* arrival_rate = target_load n_assets / E[S] */
    int process_classes;                 /* producers draw a class in 1..this; 0: template's */
    eco_beta attributes[ECO_ATTR_COUNT];
    eco_company_params role_templates[ECO_ROLE_COUNT];
    int fixed_arrival[ECO_ROLE_COUNT]; /* the template sets arrival_rate_per_h itself */
    int max_assets;                    /* most assets of a role with weight > 0 */
    char *names;                       /* storage of the generated names */
} eco_population;

typedef struct eco_params {
    /* model keys of `simulation:` */
    double edge_window_h;
    double window_h; /* measurement window horizon_h - warmup_h (0 without settings) */
    struct {
        double lcc_fraction, min_share, min_trust, hold_h;
    } formation;
    eco_mechanisms mechanisms;
    eco_maintenance maintenance;
    eco_prediction prediction;
    eco_sharing_params sharing;
    eco_trust_params trust;
    eco_colearning_params colearning;
    eco_goals_params goals;
    eco_knowledge_params knowledge;
    eco_opportunity_params opportunities;
    eco_overflow_params overflow;
    eco_contract_defaults contracts_defaults;
    size_t n_contracts;
    eco_contract_params *contracts; /* n_contracts initial contracts */
    size_t n_companies;
    eco_company_params *companies; /* n_companies */
    size_t n_assets_total;
    eco_population population; /* `population:` (generated companies) */
    /* derived */
    double z_q;        /* Phi^-1(1 - pm_risk_target) */
    size_t n_unstable; /* companies flagged unstable (a warning, not an error) */
} eco_params;

/* The sections of the sharing side (eco_share_params.c), called by eco_params_load:
 * `sharing:` (review_interval_h bounded by horizon_h), `trust:`, `colearning:`, `knowledge:`,
 * and `goals:` after the companies (their goal vectors are checked against goals.dims). */
void eco_sharing_params_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p, double horizon_h);
void eco_trust_params_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p);
void eco_colearning_params_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p);
void eco_knowledge_params_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p);
void eco_goals_params_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p);

/* Read parameters; diagnostics go to cfg. Returns NULL only when out of memory. */
eco_params *eco_params_load(sim_cfg *cfg, sim_cfg_node *root, const sim_settings *settings);
void eco_params_free(eco_params *p);

/* Business side (eco_bizparams.c): read `opportunities:`, `overflow:`,
 * `contracts_defaults:` and `contracts:` (after `companies:`, whose names the contracts use).
 * Returns 0 only when out of memory. */
int eco_business_params_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p, double horizon_h);
/* SPEC 11 defaults of those sections and no initial contracts (for parameters built by
 * hand). */
void eco_business_params_defaults(eco_params *p);

const char *eco_role_name(eco_role r);

/* The values a company of this role takes for every key it omits (SPEC 11): the oem block,
 * overridden by the role's example entry (utilizer: util_a). name is NULL. */
void eco_role_template(eco_role role, eco_company_params *out);

/* Read the keys of one company map except name and role into co, defaults from tmpl, then
 * check the rules between them; path names the map in messages. With drawn_attributes the
 * five attributes (sharing_willingness ... trust_propensity) are not read and keep tmpl's
 * values. Returns 0 when out of memory. */
int eco_params_read_company_keys(sim_cfg *cfg, sim_cfg_node *map, const char *path,
                                 const eco_company_params *tmpl, const eco_mechanisms *mech,
                                 int drawn_attributes, eco_company_params *co);

/* ---- eco_population.c ---- */

/* Whether the scenario's companies come from `population:`. Reports `companies:` and
 * `population:` given together (at the later one) and marks the other as read. */
int eco_population_chosen(sim_cfg *cfg, sim_cfg_node *root);
/* Read `population:` into p (n_companies, nominal companies, n_assets_total bound). Returns
 * 0 only when out of memory. */
int eco_population_load(sim_cfg *cfg, sim_cfg_node *root, eco_params *p);
void eco_population_params_free(eco_population *pop);

#endif
