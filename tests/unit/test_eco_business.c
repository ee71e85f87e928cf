/*
 * Unit tests of the business side of the ecosystem model (eco_business.h): SPEC 9 (v) Shapley
 * on a known 3-player game and (viii) coverage on the role templates; the value-split rules
 * and the success model on hand-built coalitions; and runs with fixed seeds: no opportunities
 * give no new business, coalitions off give one-member projects, an overflow hand case books
 * its fees exactly, a maintenance contract sends repairs to the provider's crews, contract
 * billing totals are fee x periods, contracts off open nothing, and the project and contract
 * tables agree with the per-company and per-run variables. Also: the parameter sections read
 * from YAML, and every internal error of the handlers.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "eco_business.h"
#include "eco_model.h"
#include "eco_run.h"
#include "sim_yaml.h"
#include "test_eco_fixture.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void expect_near(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: got %.12g, want %.12g (tolerance %g)", what, got, want, tol);
}

/* ---- parameters ---- */

/* SPEC 11 defaults of the sharing-side sections the fixture leaves at zero. */
static void sharing_defaults(eco_params *p)
{
    p->edge_window_h = 720.0;
    p->sharing = (eco_sharing_params){.review_interval_h = 720.0,
                                      .review_jitter = 0.1,
                                      .adjust_rate = 0.3,
                                      .noise_sd = 0.05,
                                      .c_base = 0.2,
                                      .c_recip = 0.4,
                                      .c_trust = 0.3,
                                      .c_goal = 0.6,
                                      .c_risk = 0.3,
                                      .pool_access_rule = ECO_POOL_RECIPROCAL,
                                      .member_threshold = 0.05,
                                      .reciprocity_tolerance = 0.1,
                                      .cost_per_record_eur = 20.0,
                                      .platform_fee_eur_per_month = 500.0,
                                      .twin_adoption_prob = 0.02,
                                      .twin_install_cost_eur = 15000.0,
                                      .receptivity_gain = 0.3,
                                      .receptivity_floor = 0.0};
    p->trust = (eco_trust_params){0.10, 0.30, 0.02, 0.3, 0.3};
    p->colearning = (eco_colearning_params){0.002976, 2.0, 3.0, 0.10, 0.02, 1.0, 0.01};
    p->goals.dims = 4;
    p->goals.center[0] = p->goals.center[1] = sqrt(0.5);
    p->goals.dispersion = 0.5;
    p->knowledge = (eco_knowledge_params){3.0, 0.0};
}

/* Company i takes the role template (SPEC 11) and keeps its fixture name. */
static void set_role(eco_params *p, size_t i, eco_role role)
{
    const char *name = p->companies[i].name;
    eco_role_template(role, &p->companies[i]);
    p->companies[i].name = name;
}

static eco_params *biz_params(size_t n)
{
    eco_params *p = fx_params(n);
    sharing_defaults(p);
    eco_business_params_defaults(p);
    fx_params_finish(p);
    return p;
}

static void biz_free(eco_params *p)
{
    free(p->contracts);
    p->contracts = NULL;
    fx_params_free(p);
}

/* The SPEC's six companies by role (oem, supplier, platform, service, two utilizers). */
static eco_params *six_params(void)
{
    static const eco_role roles[6] = {ECO_ROLE_OEM,     ECO_ROLE_SUPPLIER, ECO_ROLE_PLATFORM,
                                      ECO_ROLE_SERVICE, ECO_ROLE_UTILIZER, ECO_ROLE_UTILIZER};
    eco_params *p = biz_params(6);
    for (size_t i = 0; i < 6; i++)
        set_role(p, i, roles[i]);
    p->mechanisms = (eco_mechanisms){1, 1, 1, 1, 1, 1, 1, 1, 1, 0};
    fx_params_finish(p);
    return p;
}

static void add_contract(eco_params *p, eco_contract_type type, uint32_t provider, uint32_t client,
                         double months, double fee)
{
    p->contracts = realloc(p->contracts, (p->n_contracts + 1) * sizeof *p->contracts);
    assert_non_null(p->contracts);
    p->contracts[p->n_contracts++] =
        (eco_contract_params){type, provider, client, 0.0, months, fee};
}

/* ---- event tables ---- */

typedef struct table {
    size_t rows, cols;
    const double *data;
    const sim_catalog *cat;
    size_t index;
} table;

static table get_table(const fx_result *r, const char *dim)
{
    int t = sim_catalog_find_table(r->cat, dim);
    if (t < 0)
        fail_msg("no table %s", dim);
    table tb = {sim_record_table_rows(r->rec, (size_t)t),
                sim_catalog_table_ncols(r->cat, (size_t)t),
                sim_record_table_data(r->rec, (size_t)t), r->cat, (size_t)t};
    return tb;
}

static double cell(const table *tb, size_t row, const char *column)
{
    for (size_t c = 0; c < tb->cols; c++) {
        if (strcmp(sim_catalog_table_column(tb->cat, tb->index, c)->name, column) == 0)
            return tb->data[row * tb->cols + c];
    }
    fail_msg("no column %s", column);
    return NAN;
}

static double sum_over(const fx_result *r, const char *name, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += fx_get(r, name, i);
    return s;
}

/* ---- (v) Shapley ---- */

/* v(1) = v(2) = v(3) = 0, v(12) = 90, v(13) = 80, v(23) = 70, v(123) = 120: by hand
 * phi = (45, 40, 35). */
static void test_shapley_three_players(void **state)
{
    (void)state;
    const double v[8] = {0, 0, 0, 90, 0, 80, 70, 120};
    double phi[3];
    eco_shapley(v, 3, phi);
    expect_near(phi[0], 45.0, 1e-12, "phi_1");
    expect_near(phi[1], 40.0, 1e-12, "phi_2");
    expect_near(phi[2], 35.0, 1e-12, "phi_3");
    expect_near(phi[0] + phi[1] + phi[2], v[7], 1e-12, "efficiency");
    /* A symmetric game splits equally; a dummy player gets nothing. */
    const double sym[8] = {0, 10, 10, 40, 10, 40, 40, 90};
    eco_shapley(sym, 3, phi);
    for (int k = 0; k < 3; k++)
        expect_near(phi[k], 30.0, 1e-12, "symmetric");
    const double dummy[4] = {0, 5, 0, 5};
    eco_shapley(dummy, 2, phi);
    expect_near(phi[0], 5.0, 1e-12, "worker");
    expect_near(phi[1], 0.0, 1e-12, "dummy");
}

static void test_value_shares(void **state)
{
    (void)state;
    const double v[8] = {0, 0, 0, 90, 0, 80, 70, 120};
    const double cov_minus[3] = {0.5, 0.7, 0.9};
    double share[3];
    eco_value_shares(ECO_SPLIT_SHAPLEY, v, 3, 1.0, cov_minus, share);
    expect_near(share[0], 45.0 / 120.0, 1e-12, "shapley share");
    expect_near(share[2], 35.0 / 120.0, 1e-12, "shapley share");
    eco_value_shares(ECO_SPLIT_EQUAL, v, 3, 1.0, cov_minus, share);
    expect_near(share[1], 1.0 / 3.0, 1e-12, "equal share");
    /* marginal coverage 0.5, 0.3, 0.1 */
    eco_value_shares(ECO_SPLIT_COVERAGE, v, 3, 1.0, cov_minus, share);
    expect_near(share[0], 0.5 / 0.9, 1e-12, "coverage share");
    expect_near(share[2], 0.1 / 0.9, 1e-12, "coverage share");
    /* No positive total: equal shares. */
    const double zero[8] = {0};
    eco_value_shares(ECO_SPLIT_SHAPLEY, zero, 3, 1.0, cov_minus, share);
    expect_near(share[0], 1.0 / 3.0, 1e-12, "fallback share");
}

/* ---- (viii) coverage ---- */

static void test_coverage_templates(void **state)
{
    (void)state;
    eco_company_params oem, platform;
    eco_role_template(ECO_ROLE_OEM, &oem);
    eco_role_template(ECO_ROLE_PLATFORM, &platform);
    double k[2][ECO_KNOWLEDGE_DOMAINS];
    memcpy(k[0], oem.knowledge, sizeof k[0]);
    memcpy(k[1], platform.knowledge, sizeof k[1]);
    const double q[4] = {0.5, 0.5, 0.5, 0.5};
    double alone = eco_coverage((const double(*)[ECO_KNOWLEDGE_DOMAINS])k, 2, 1u, q, 3.0);
    double both = eco_coverage((const double(*)[ECO_KNOWLEDGE_DOMAINS])k, 2, 3u, q, 3.0);
    expect_near(alone, 0.698, 5e-4, "OEM alone (SPEC 9 viii)");
    expect_near(both, 0.966, 5e-4, "OEM + platform (SPEC 9 viii)");
    /* Closed forms: (1 * 0.8/1.5 * (2/3)^2)^(1/4) and (1 * 1 * (14/15)^2)^(1/4). */
    expect_near(alone, pow(0.8 / 1.5 * 4.0 / 9.0, 0.25), 1e-12, "OEM alone exact");
    expect_near(both, pow(14.0 / 15.0 * 14.0 / 15.0, 0.25), 1e-12, "OEM + platform exact");
    /* Nobody covers nothing; a requirement of 0 is always met. */
    expect_near(eco_coverage((const double(*)[ECO_KNOWLEDGE_DOMAINS])k, 2, 0u, q, 3.0), 0.0, 1e-15,
                "empty coalition");
    const double none[4] = {0, 0, 0, 0};
    expect_near(eco_coverage((const double(*)[ECO_KNOWLEDGE_DOMAINS])k, 2, 1u, none, 3.0), 1.0,
                1e-15, "no requirement");
}

/* ---- the success model ---- */

static eco_coalition_view two_members(void)
{
    eco_coalition_view v;
    memset(&v, 0, sizeof v);
    v.n = 2;
    const double k0[4] = {2.0, 0.8, 1.0, 1.0}, k1[4] = {0.5, 2.0, 0.6, 0.6};
    memcpy(v.knowledge[0], k0, sizeof k0);
    memcpy(v.knowledge[1], k1, sizeof k1);
    v.rho[0] = 0.6;
    v.rho[1] = 0.9;
    v.chi[0] = 0.5;
    v.chi[1] = 0.7;
    v.records[0] = 30.0;
    v.records[1] = 0.0;
    v.extra[0] = 10.0;
    v.extra[1] = 40.0;
    v.provider[0] = v.provider[1] = 1;
    v.asset_owner[0] = 1;
    v.kappa[0][1] = v.kappa[1][0] = 0.8;
    v.trust[0][1] = 0.6;
    v.trust[1][0] = 0.4;
    return v;
}

static void test_coalition_evaluate(void **state)
{
    (void)state;
    eco_params *p = biz_params(1);
    const eco_opportunity_params *op = &p->opportunities;
    eco_coalition_view v = two_members();
    eco_opportunity_view b = {.value = 1000.0, .data_req = 100.0, .q = {0.5, 0.5, 0.5, 0.5}};
    eco_coalition_eval e = eco_coalition_evaluate(op, 3.0, &v, &b, 3u);
    expect_near(e.cov, pow(14.0 / 15.0 * 14.0 / 15.0, 0.25), 1e-12, "cov");
    expect_near(e.kappa, 0.8, 1e-15, "kappa");
    expect_near(e.trust, 0.5, 1e-15, "mean trust over both directions");
    expect_near(e.rho, 0.75, 1e-15, "rho");
    expect_near(e.adequacy, (30.0 + 40.0) / 100.0, 1e-15, "a_S = (sum r + max extra) / D_b");
    double x = -4.0 + 3.0 * e.cov + 2.0 * 0.8 + 2.0 * 0.75 + 1.0 * 0.5 + 1.5 * 0.7;
    expect_near(e.p_succ, 1.0 / (1.0 + exp(-x)), 1e-15, "p_succ");
    expect_near(e.p_adopt, 0.3 + 0.7 * 0.6, 1e-15, "p_adopt");
    assert_int_equal(e.roles_ok, 1);
    /* Member 1 alone owns no twin asset: the role requirement fails, v = 0. */
    eco_coalition_eval solo = eco_coalition_evaluate(op, 3.0, &v, &b, 2u);
    assert_int_equal(solo.roles_ok, 0);
    expect_near(solo.kappa, 1.0, 0.0, "solo congruence");
    expect_near(solo.trust, 1.0, 0.0, "solo trust");
    expect_near(eco_coalition_value(op, 3.0, &v, &b, 2u), 0.0, 0.0, "v without roles");
    expect_near(eco_coalition_value(op, 3.0, &v, &b, 0u), 0.0, 0.0, "v(empty)");
    expect_near(eco_coalition_value(op, 3.0, &v, &b, 3u), 1000.0 * e.p_succ * e.p_adopt, 1e-9,
                "v(S)");
    biz_free(p);
}

/* ---- model-level: opportunities and coalitions ---- */

static void test_no_opportunities_no_new_business(void **state)
{
    (void)state;
    eco_params *p = six_params();
    p->opportunities.arrival_rate_per_h = 0.01; /* many, so that "none" means something */
    sim_settings s = fx_settings(12000.0, 2000.0, 1000.0);
    sim_run_id id = fx_id(11, 0, ECO_VARIANT_ECOSYSTEM);
    fx_result on = fx_run(p, &s, &id);
    assert_true(fx_get(&on, "opportunities_arrived", 0) > 50.0);
    assert_true(fx_get(&on, "new_businesses_total", 0) > 0.0);
    p->mechanisms.opportunities = 0;
    fx_result off = fx_run(p, &s, &id);
    expect_near(fx_get(&off, "opportunities_arrived", 0), 0.0, 0.0, "arrived");
    expect_near(fx_get(&off, "new_businesses_total", 0), 0.0, 0.0, "new businesses");
    expect_near(fx_get(&off, "newbiz_revenue_total", 0), 0.0, 0.0, "revenue");
    for (size_t i = 0; i < 6; i++) {
        expect_near(fx_get(&off, "new_businesses", i), 0.0, 0.0, "per company");
        expect_near(fx_get(&off, "value_newbiz_revenue", i), 0.0, 0.0, "per company revenue");
    }
    table pt = get_table(&off, "project");
    assert_int_equal(pt.rows, 0);
    fx_result_free(&on);
    fx_result_free(&off);
    biz_free(p);
}

static void test_coalitions_off_single_members(void **state)
{
    (void)state;
    eco_params *p = six_params();
    p->opportunities.arrival_rate_per_h = 0.01;
    sim_settings s = fx_settings(12000.0, 0.0, 1000.0);
    sim_run_id id = fx_id(12, 0, ECO_VARIANT_ECOSYSTEM);
    fx_result with = fx_run(p, &s, &id);
    table wt = get_table(&with, "project");
    double largest = 0.0;
    for (size_t r = 0; r < wt.rows; r++)
        largest = fmax(largest, cell(&wt, r, "size"));
    assert_true(largest >= 2.0); /* coalitions do form when allowed */
    /* Without coalitions a single company must meet the requirements on its own. */
    p->mechanisms.coalitions = 0;
    p->opportunities.coverage_min = 0.3;
    p->opportunities.require_provider_and_asset_owner = 0;
    fx_result solo = fx_run(p, &s, &id);
    table st = get_table(&solo, "project");
    assert_true(st.rows > 10);
    for (size_t r = 0; r < st.rows; r++) {
        expect_near(cell(&st, r, "size"), 1.0, 0.0, "project size");
        expect_near(cell(&st, r, "member_1"), -1.0, 0.0, "second member");
    }
    expect_near(fx_get(&solo, "mean_coalition_size", 0), 1.0, 0.0, "mean size");
    /* Opportunities come from OPP only: the same arrivals whatever the coalitions do. */
    expect_near(fx_get(&solo, "opportunities_arrived", 0),
                fx_get(&with, "opportunities_arrived", 0), 0.0, "arrivals (CRN)");
    fx_result_free(&with);
    fx_result_free(&solo);
    biz_free(p);
}

/* The project and contract tables agree with the variables (warm-up 0: whole run). */
static void test_projects_consistent(void **state)
{
    (void)state;
    eco_params *p = six_params();
    p->opportunities.arrival_rate_per_h = 0.01;
    sim_settings s = fx_settings(15000.0, 0.0, 1000.0);
    sim_run_id id = fx_id(13, 1, ECO_VARIANT_ECOSYSTEM);
    fx_result r = fx_run(p, &s, &id);
    table pt = get_table(&r, "project"), ct = get_table(&r, "contract");
    double adopted = 0.0, dev = 0.0, started = 0.0;
    for (size_t k = 0; k < pt.rows; k++) {
        started++;
        double t_end = cell(&pt, k, "t_end"), size = cell(&pt, k, "size");
        if (isnan(t_end))
            continue;
        double shares = 0.0;
        for (size_t m = 0; m < (size_t)size; m++) {
            char col[8] = "phi_0";
            col[4] = (char)('0' + m);
            shares += cell(&pt, k, col);
        }
        expect_near(shares, 1.0, 1e-9, "shares sum to 1");
        double success = cell(&pt, k, "success"), adopt = cell(&pt, k, "adopted");
        assert_true(success == 0.0 || success == 1.0);
        assert_true(adopt <= success);
        adopted += adopt;
        dev += size * (t_end - cell(&pt, k, "t_start"));
    }
    assert_true(adopted > 0.0);
    expect_near(fx_get(&r, "projects_started", 0), started, 0.0, "started");
    expect_near(fx_get(&r, "new_businesses_total", 0), adopted, 0.0, "new businesses");
    expect_near(sum_over(&r, "value_dev_cost", 6),
                -p->opportunities.dev_cost_eur_per_member_h * dev, 1e-6, "development cost");
    double revenue = fx_get(&r, "newbiz_revenue_total", 0);
    assert_true(revenue > 0.0);
    expect_near(sum_over(&r, "value_newbiz_revenue", 6), revenue, 1e-6 * revenue, "revenue");
    double newbiz = 0.0;
    for (size_t k = 0; k < ct.rows; k++)
        newbiz += cell(&ct, k, "type") == ECO_CONTRACT_NEWBIZ;
    expect_near(newbiz, adopted, 0.0, "a contract per new business");
    fx_result_free(&r);
    biz_free(p);
}

/* ---- model-level: overflow ---- */

/* Company 0 (one asset, load 0.9) hands orders to company 1 (two assets, no own orders),
 * which it fully trusts; nothing else happens in the run. */
static eco_params *overflow_params(void)
{
    eco_params *p = biz_params(2);
    p->mechanisms.overflow = 1;
    for (size_t i = 0; i < 2; i++) {
        p->companies[i].service_time = (sim_dist){SIM_DIST_EXP, 1.0, 1.0};
        p->companies[i].trust_propensity = 1.0;
        p->companies[i].technical_receptivity = 0.6;
    }
    p->companies[0].n_assets = 1;
    p->companies[0].arrival_rate_per_h = 0.9;
    p->companies[0].order_margin_eur = 100.0;
    p->companies[1].n_assets = 2;
    p->companies[1].arrival_rate_per_h = 0.0;
    p->overflow.queue_threshold = 1;
    p->overflow.min_share_level = 0.0; /* sharing is off: s stays 0 */
    p->overflow.fee_fraction = 0.5;    /* a fee of 50 EUR, exact in binary */
    fx_params_finish(p);
    return p;
}

static void test_overflow_fees_exact(void **state)
{
    (void)state;
    eco_params *p = overflow_params();
    sim_settings s = fx_settings(5000.0, 500.0, 500.0);
    double tau = 4500.0;
    sim_run_id id = fx_id(21, 0, ECO_VARIANT_ECOSYSTEM);
    fx_result r = fx_run(p, &s, &id);
    double moved = fx_get(&r, "overflow_in", 1);
    double processed = round(fx_get(&r, "throughput_processed", 1) * tau);
    assert_true(moved > 100.0);
    assert_true(processed > 100.0);
    expect_near(fx_get(&r, "overflow_out", 0), moved, 0.0, "out = in");
    expect_near(fx_get(&r, "overflow_orders", 0), moved, 0.0, "run count");
    expect_near(fx_get(&r, "overflow_in", 0) + fx_get(&r, "overflow_out", 1), 0.0, 0.0,
                "nothing the other way");
    /* Fees are booked at completion: 50 EUR per order processed at the partner. */
    expect_near(fx_get(&r, "value_overflow_fee_in", 1), 50.0 * processed, 0.0, "fee in");
    expect_near(fx_get(&r, "value_overflow_fee_out", 0), -50.0 * processed, 0.0, "fee out");
    expect_near(fx_get(&r, "value_total", 1), 50.0 * processed, 0.0, "partner's value");
    expect_near(fx_get(&r, "value_inter_direct", 0), 0.0, 0.0, "transfers cancel");
    expect_near(fx_get(&r, "value_inter", 0), -50.0 * processed, 0.0, "origin's INTER");
    /* Without overflow the partner is idle and the origin waits longer. */
    id.variant = ECO_VARIANT_KO_OVERFLOW;
    fx_result ko = fx_run(p, &s, &id);
    expect_near(fx_get(&ko, "overflow_in", 1), 0.0, 0.0, "ko: moved");
    expect_near(fx_get(&ko, "throughput_processed", 1), 0.0, 0.0, "ko: processed");
    expect_near(fx_get(&ko, "value_overflow_fee_in", 1), 0.0, 0.0, "ko: fee");
    assert_true(fx_get(&ko, "lead_time_mean", 0) > 2.0 * fx_get(&r, "lead_time_mean", 0));
    /* Orders are drawn at arrival at the origin: the same arrivals in both runs. */
    expect_near(fx_get(&ko, "arrival_rate", 0), fx_get(&r, "arrival_rate", 0), 0.0, "CRN");
    fx_result_free(&r);
    fx_result_free(&ko);
    biz_free(p);
}

static void test_overflow_conditions(void **state)
{
    (void)state;
    eco_params *p = overflow_params();
    sim_settings s = fx_settings(3000.0, 0.0, 500.0);
    sim_run_id id = fx_id(22, 0, ECO_VARIANT_ECOSYSTEM);
    /* Each unmet condition blocks every hand-over. */
    for (int k = 0; k < 4; k++) {
        eco_params *q = overflow_params();
        if (k == 0)
            q->companies[1].process_class = 2;
        if (k == 1)
            q->companies[0].trust_propensity = 0.4; /* T_01 < min_trust */
        if (k == 2)
            q->companies[1].technical_receptivity = 0.2; /* < min_receptivity */
        if (k == 3)
            q->overflow.min_share_level = 0.1; /* s_i = 0 */
        fx_result r = fx_run(q, &s, &id);
        expect_near(fx_get(&r, "overflow_orders", 0), 0.0, 0.0, "blocked overflow");
        fx_result_free(&r);
        biz_free(q);
    }
    /* Push only (no pull) still moves orders. */
    p->overflow.pull = 0;
    fx_result r = fx_run(p, &s, &id);
    assert_true(fx_get(&r, "overflow_orders", 0) > 0.0);
    fx_result_free(&r);
    biz_free(p);
}

/* ---- model-level: contracts ---- */

/* Company 0 produces with its own crew; company 1 is a service company with four crews. */
static eco_params *contract_params(void)
{
    eco_params *p = biz_params(2);
    set_role(p, 1, ECO_ROLE_SERVICE);
    p->mechanisms.failures = 1;
    p->mechanisms.contracts = 1;
    p->companies[0].n_crews = 1;
    fx_params_finish(p);
    return p;
}

static void test_maintenance_contract_routes_repairs(void **state)
{
    (void)state;
    eco_params *p = contract_params();
    add_contract(p, ECO_CONTRACT_MAINTENANCE, 1, 0, 1200.0, 4000.0); /* the whole run */
    sim_settings s = fx_settings(8000.0, 1000.0, 1000.0);
    sim_run_id id = fx_id(31, 0, ECO_VARIANT_ECOSYSTEM);
    fx_result r = fx_run(p, &s, &id);
    assert_true(fx_get(&r, "failures", 0) > 10.0);
    expect_near(fx_get(&r, "crew_utilization", 0), 0.0, 0.0, "own crew idle");
    assert_true(fx_get(&r, "crew_utilization", 1) > 0.0);
    expect_near(fx_get(&r, "contracts_active_mean", 0), 1.0, 1e-12, "client party");
    expect_near(fx_get(&r, "contracts_active_mean", 1), 1.0, 1e-12, "provider party");
    /* Without contracts the own crew repairs and the provider's crews stay idle. */
    id.variant = ECO_VARIANT_KO_CONTRACTS;
    fx_result ko = fx_run(p, &s, &id);
    assert_true(fx_get(&ko, "crew_utilization", 0) > 0.0);
    expect_near(fx_get(&ko, "crew_utilization", 1), 0.0, 0.0, "provider idle");
    expect_near(fx_get(&ko, "value_contract_fee", 0), 0.0, 0.0, "no fee");
    assert_int_equal(get_table(&ko, "contract").rows, 0);
    fx_result_free(&r);
    fx_result_free(&ko);
    biz_free(p);
}

static void test_contract_billing_totals(void **state)
{
    (void)state;
    sim_settings s = fx_settings(20000.0, 0.0, 1000.0);
    sim_run_id id = fx_id(32, 0, ECO_VARIANT_ECOSYSTEM);
    /* Never renewed: 12 monthly periods. */
    eco_params *p = contract_params();
    p->contracts_defaults.renewal.base = p->contracts_defaults.renewal.trust = 0.0;
    p->contracts_defaults.renewal.customer = 0.0;
    add_contract(p, ECO_CONTRACT_MAINTENANCE, 1, 0, 12.0, 4000.0);
    fx_result r = fx_run(p, &s, &id);
    expect_near(fx_get(&r, "value_contract_fee", 0), -12.0 * 4000.0, 0.0, "client pays");
    expect_near(fx_get(&r, "value_contract_fee", 1), 12.0 * 4000.0, 0.0, "provider earns");
    table ct = get_table(&r, "contract");
    assert_int_equal(ct.rows, 1);
    expect_near(cell(&ct, 0, "periods"), 12.0, 0.0, "periods");
    expect_near(cell(&ct, 0, "renewals"), 0.0, 0.0, "renewals");
    expect_near(cell(&ct, 0, "t_end"), 12.0 * 720.0, 0.0, "terminated");
    expect_near(cell(&ct, 0, "fee"), 4000.0, 0.0, "fee per period");
    double sla = cell(&ct, 0, "sla_met_share");
    assert_true(sla >= 0.0 && sla <= 1.0);
    fx_result_free(&r);
    biz_free(p);
    /* Always renewed: every full month of the run is billed (27 x 720 <= 20000). */
    p = contract_params();
    p->contracts_defaults.renewal.base = 1.0;
    add_contract(p, ECO_CONTRACT_PDM, 1, 0, 12.0, 3000.0);
    r = fx_run(p, &s, &id);
    expect_near(fx_get(&r, "value_contract_fee", 0), -27.0 * 3000.0, 0.0, "client pays");
    ct = get_table(&r, "contract");
    expect_near(cell(&ct, 0, "periods"), 27.0, 0.0, "periods");
    expect_near(cell(&ct, 0, "renewals"), 2.0, 0.0, "renewals at 8640 and 17280");
    assert_true(isnan(cell(&ct, 0, "t_end")));
    fx_result_free(&r);
    biz_free(p);
}

static void test_contracts_off_open_nothing(void **state)
{
    (void)state;
    eco_params *p = contract_params();
    p->mechanisms.contracts = 0;
    add_contract(p, ECO_CONTRACT_MAINTENANCE, 1, 0, 12.0, 4000.0);
    sim_settings s = fx_settings(4000.0, 0.0, 1000.0);
    sim_run_id id = fx_id(33, 0, ECO_VARIANT_ECOSYSTEM);
    fx_result r = fx_run(p, &s, &id);
    assert_int_equal(get_table(&r, "contract").rows, 0);
    expect_near(fx_get(&r, "value_contract_fee", 1), 0.0, 0.0, "no fee");
    expect_near(fx_get(&r, "crew_utilization", 1), 0.0, 0.0, "provider idle");
    fx_result_free(&r);
    biz_free(p);
}

/* ---- parameters from YAML ---- */

static void test_params_from_yaml(void **state)
{
    (void)state;
    static const char text[] =
        "companies:\n"
        "  - {name: plant}\n"
        "  - {name: fixers, role: service}\n"
        "  - {name: user, role: utilizer}\n"
        "opportunities: {value_split: proportional_coverage, accept: {threshold: -0.5}}\n"
        "overflow: {pull: false, queue_threshold: 3}\n"
        "contracts_defaults: {pdm_fee_eur_per_month: 2500, duration_months: 6}\n"
        "contracts:\n"
        "  - {type: maintenance, provider: fixers, client: plant, start_h: 100}\n"
        "  - {type: pdm, provider: plant, client: user, duration_months: 24,\n"
        "     fee_eur_per_month: 10}\n"
        "  - {type: pdm, provider: fixers, client: plant}\n";
    sim_cfg *cfg = sim_cfg_alloc();
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_yaml_load_string(cfg, "<string>", text, strlen(text), &err), SIM_OK);
    sim_settings s = fx_settings(26280.0, 4380.0, 168.0);
    eco_params *p = eco_params_load(cfg, sim_cfg_root(cfg), &s);
    assert_non_null(p);
    for (size_t i = 0; i < sim_cfg_error_count(cfg); i++)
        print_message("diagnostic: %s\n", sim_cfg_error_text(cfg, i));
    assert_int_equal(sim_cfg_error_count(cfg), 0);
    assert_int_equal(p->opportunities.value_split, ECO_SPLIT_COVERAGE);
    expect_near(p->opportunities.accept.threshold, -0.5, 0.0, "threshold");
    expect_near(p->opportunities.arrival_rate_per_h, 0.001389, 0.0, "default rate");
    assert_int_equal(p->opportunities.max_coalition_size, 4);
    assert_int_equal(p->overflow.pull, 0);
    assert_int_equal(p->overflow.queue_threshold, 3);
    expect_near(p->overflow.fee_fraction, 0.6, 0.0, "default fee fraction");
    expect_near(p->contracts_defaults.sla_response_share, 0.9, 0.0, "default SLA share");
    assert_int_equal(p->n_contracts, 3);
    const eco_contract_params *k = p->contracts;
    assert_int_equal(k[0].type, ECO_CONTRACT_MAINTENANCE);
    assert_int_equal(k[0].provider, 1);
    assert_int_equal(k[0].client, 0);
    expect_near(k[0].start_h, 100.0, 0.0, "start");
    expect_near(k[0].duration_months, 6.0, 0.0, "duration from the defaults");
    expect_near(k[0].fee_eur_per_month, 4000.0, 0.0, "maintenance fee default");
    assert_int_equal(k[1].type, ECO_CONTRACT_PDM);
    assert_int_equal(k[1].provider, 0);
    assert_int_equal(k[1].client, 2);
    expect_near(k[1].duration_months, 24.0, 0.0, "duration");
    expect_near(k[1].fee_eur_per_month, 10.0, 0.0, "fee");
    expect_near(k[2].fee_eur_per_month, 2500.0, 0.0, "pdm fee default");
    eco_params_free(p);
    sim_cfg_free(cfg);
}

/* ---- internal errors ---- */

static sim_status call(eco_run *run, sim_status (*h)(eco_run *, const sim_event *, sim_error *),
                       uint32_t a, uint32_t b, sim_error *err)
{
    sim_event ev;
    memset(&ev, 0, sizeof ev);
    ev.a = a;
    ev.b = b;
    sim_error_clear(err);
    return h(run, &ev, err);
}

static void test_handler_errors(void **state)
{
    (void)state;
    eco_params *p = contract_params();
    p->contracts_defaults.renewal.base = p->contracts_defaults.renewal.trust = 0.0;
    p->contracts_defaults.renewal.customer = 0.0;
    add_contract(p, ECO_CONTRACT_MAINTENANCE, 1, 0, 1.0, 4000.0); /* ends at 720 */
    sim_settings s = fx_settings(800.0, 0.0, 800.0);
    sim_run_id id = fx_id(41, 0, ECO_VARIANT_ECOSYSTEM);
    sim_error err;
    sim_error_clear(&err);
    sim_catalog *cat = eco_model_type.describe(p, &s);
    sim_engine_config cfg = {.end_time = s.horizon_h,
                             .n_timers = eco_model_type.n_timers(p),
                             .handler = eco_model_type.handle};
    sim_engine *eng = sim_engine_alloc(&cfg, &err);
    eco_run *run = eco_model_type.run_alloc(p, &s, &id, cat, eng, &err);
    assert_non_null(run);
    sim_engine_set_model_state(eng, run);
    assert_int_equal(sim_engine_run(eng, &err), SIM_OK);
    assert_int_equal(run->biz->n_contracts, 1);
    assert_int_equal(run->biz->contracts[0].active, 0);
    assert_int_equal(eco_maint_provider(run, 0), 0); /* own crews again */
    assert_int_equal(call(run, eco_on_contract_billing, 0, 0, &err), SIM_INTERNAL);
    assert_non_null(strstr(err.msg, "billing of an ended contract"));
    assert_int_equal(call(run, eco_on_contract_end, 0, 0, &err), SIM_INTERNAL);
    assert_non_null(strstr(err.msg, "end of an ended contract"));
    assert_int_equal(call(run, eco_on_contract_billing, 7, 0, &err), SIM_INTERNAL);
    assert_non_null(strstr(err.msg, "unknown contract 7"));
    assert_int_equal(call(run, eco_on_contract_end, 7, 0, &err), SIM_INTERNAL);
    assert_int_equal(call(run, eco_on_project_complete, 3, 0, &err), SIM_INTERNAL);
    assert_non_null(strstr(err.msg, "unknown project 3"));
    assert_int_equal(call(run, eco_on_opp_retry, 5, 0, &err), SIM_INTERNAL);
    assert_non_null(strstr(err.msg, "unknown opportunity 5"));
    eco_model_type.run_free(run);
    sim_engine_free(eng);
    sim_catalog_free(cat);
    biz_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shapley_three_players),
        cmocka_unit_test(test_value_shares),
        cmocka_unit_test(test_coverage_templates),
        cmocka_unit_test(test_coalition_evaluate),
        cmocka_unit_test(test_no_opportunities_no_new_business),
        cmocka_unit_test(test_coalitions_off_single_members),
        cmocka_unit_test(test_projects_consistent),
        cmocka_unit_test(test_overflow_fees_exact),
        cmocka_unit_test(test_overflow_conditions),
        cmocka_unit_test(test_maintenance_contract_routes_repairs),
        cmocka_unit_test(test_contract_billing_totals),
        cmocka_unit_test(test_contracts_off_open_nothing),
        cmocka_unit_test(test_params_from_yaml),
        cmocka_unit_test(test_handler_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
