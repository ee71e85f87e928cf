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

#include "sim_cfg.h"
#include "sim_dist.h"
#include "sim_model.h"

#define ECO_KNOWLEDGE_DOMAINS      4 /* asset, analytics, service, customer */
#define ECO_GOAL_DIMS_MAX          16
#define ECO_MAX_COMPANIES          100000
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

typedef struct eco_params {
    /* model keys of `simulation:` */
    double edge_window_h;
    struct {
        double lcc_fraction, min_share, min_trust, hold_h;
    } formation;
    eco_mechanisms mechanisms;
    eco_maintenance maintenance;
    eco_prediction prediction;
    size_t n_companies;
    eco_company_params *companies; /* n_companies */
    size_t n_assets_total;
    /* derived */
    double z_q;        /* Phi^-1(1 - pm_risk_target) */
    size_t n_unstable; /* companies flagged unstable (a warning, not an error) */
} eco_params;

/* Read parameters; diagnostics go to cfg. Returns NULL only when out of memory. */
eco_params *eco_params_load(sim_cfg *cfg, sim_cfg_node *root, const sim_settings *settings);
void eco_params_free(eco_params *p);

const char *eco_role_name(eco_role r);

/* The values a company of this role takes for every key it omits (SPEC 11): the oem block,
 * overridden by the role's example entry (utilizer: util_a). name is NULL. */
void eco_role_template(eco_role role, eco_company_params *out);

#endif
