/*
 * test_eco_fixture: see test_eco_fixture.h.
 */
#include "test_eco_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>

#include "eco_model.h"

static const char *const fx_names[] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};

static void company_defaults(eco_company_params *c, size_t i)
{
    memset(c, 0, sizeof *c);
    c->name = fx_names[i % 8];
    c->role = ECO_ROLE_OEM;
    c->process_class = 1;
    c->n_assets = 4;
    c->n_crews = 2;
    c->max_projects = 2;
    c->arrival_rate_per_h = 1.5;
    c->service_time = (sim_dist){SIM_DIST_LOGNORMAL, 2.0, 0.5};
    c->queue_capacity = -1;
    c->order_margin_eur = 150;
    c->due_allowance_h = 8;
    c->tardiness_penalty_eur_per_h = 20;
    c->twin_share = 0.5;
    c->shadow_share = 0.25;
    c->weibull_shape = 2.0;
    c->weibull_scale_h = 300;
    c->non_twin_pm_age_h = 180;
    c->crew_response = (sim_dist){SIM_DIST_EXP, 4.0, 1.0};
    c->repair_time = (sim_dist){SIM_DIST_LOGNORMAL, 8.0, 0.6};
    c->pm_time = (sim_dist){SIM_DIST_LOGNORMAL, 3.0, 0.4};
    c->knowledge[0] = 2.0;
    c->knowledge[1] = 0.8;
    c->knowledge[2] = 1.0;
    c->knowledge[3] = 1.0;
}

eco_params *fx_params(size_t n_companies)
{
    eco_params *p = calloc(1, sizeof *p);
    assert_non_null(p);
    p->companies = calloc(n_companies, sizeof *p->companies);
    assert_non_null(p->companies);
    p->n_companies = n_companies;
    for (size_t i = 0; i < n_companies; i++)
        company_defaults(&p->companies[i], i);
    p->maintenance = (eco_maintenance){
        .aging_clock = ECO_AGING_BUSY,
        .repair_mode = ECO_REPAIR_PERFECT,
        .crew_priority = ECO_CREW_CORRECTIVE_FIRST,
        .cost_corrective_eur = 2000,
        .cost_pm_eur = 500,
        .downtime_cost_eur_per_h = 300,
        .planned_downtime_cost_eur_per_h = 100,
        .record_weight_failure = 1.0,
        .record_weight_pm = 0.5,
        .pm_policy = ECO_PM_RISK_QUANTILE,
        .pm_risk_target = 0.05,
        .pm_fixed_fraction = 0.8,
        .twin_sigma_use_max = 0.35,
    };
    p->prediction = (eco_prediction){
        .sigma_irreducible = 0.05,
        .sigma_ref = 0.35,
        .data_ref_records = 50,
        .data_exponent = 0.30,
        .prior_records = 5,
        .analytics_knowledge_gain = 0.5,
        .sigma_max = 1.5,
        .pool_relevance = 0.7,
        .client_data_relevance = 0.8,
        .nonowner_access = 0.5,
    };
    fx_params_finish(p);
    return p;
}

void fx_params_finish(eco_params *p)
{
    p->n_assets_total = 0;
    for (size_t i = 0; i < p->n_companies; i++)
        p->n_assets_total += (size_t)p->companies[i].n_assets;
    p->z_q = gsl_cdf_ugaussian_Pinv(1.0 - p->maintenance.pm_risk_target);
}

void fx_params_free(eco_params *p)
{
    if (p == NULL)
        return;
    free(p->companies);
    free(p);
}

sim_settings fx_settings(double horizon_h, double warmup_h, double sample_interval_h)
{
    return (sim_settings){horizon_h, warmup_h, sample_interval_h};
}

sim_run_id fx_id(uint64_t seed, uint64_t replication, int variant)
{
    return (sim_run_id){seed, 0, replication, variant};
}

fx_result fx_run(const eco_params *p, const sim_settings *s, const sim_run_id *id)
{
    const sim_model_type *m = &eco_model_type;
    sim_error err;
    sim_error_clear(&err);
    fx_result r = {0};
    r.cat = m->describe(p, s);
    assert_non_null(r.cat);
    sim_engine_config cfg = {.start_time = 0.0,
                             .end_time = s->horizon_h,
                             .n_timers = m->n_timers(p),
                             .handler = m->handle};
    sim_engine *eng = sim_engine_alloc(&cfg, &err);
    assert_non_null(eng);
    void *run = m->run_alloc(p, s, id, r.cat, eng, &err);
    if (run == NULL)
        fail_msg("run_alloc: %s", err.msg);
    sim_engine_set_model_state(eng, run);
    if (sim_engine_run(eng, &err) != SIM_OK)
        fail_msg("run: %s", err.msg);
    r.rec = sim_record_alloc(r.cat);
    assert_non_null(r.rec);
    if (m->collect(run, eng, r.rec, &err) != SIM_OK)
        fail_msg("collect: %s", err.msg);
    r.events = sim_engine_events_handled(eng);
    m->run_free(run);
    sim_engine_free(eng);
    return r;
}

void fx_result_free(fx_result *r)
{
    sim_record_free(r->rec);
    sim_catalog_free(r->cat);
    r->rec = NULL;
    r->cat = NULL;
}

double fx_get(const fx_result *r, const char *name, size_t index)
{
    int v = sim_catalog_find(r->cat, name);
    if (v < 0)
        fail_msg("no variable %s", name);
    assert_true(index < sim_catalog_var_size(r->cat, (size_t)v));
    return sim_record_cvalues(r->rec, (size_t)v)[index];
}

int fx_same(const fx_result *x, const fx_result *y)
{
    size_t n = sim_catalog_count(x->cat);
    if (n != sim_catalog_count(y->cat))
        return 0;
    for (size_t v = 0; v < n; v++) {
        size_t size = sim_catalog_var_size(x->cat, v);
        if (memcmp(sim_record_cvalues(x->rec, v), sim_record_cvalues(y->rec, v),
                   size * sizeof(double)) != 0)
            return 0;
    }
    return 1;
}
