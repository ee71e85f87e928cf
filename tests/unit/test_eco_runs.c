/*
 * test_eco_runs: see test_eco_runs.h.
 */
#include "test_eco_runs.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sim_cfg.h"
#include "sim_runner.h"
#include "sim_yaml.h"

static sim_status open_text(const char *yaml, sim_scenario **sc, sim_error *err)
{
    sim_cfg *cfg = sim_cfg_alloc();
    assert_non_null(cfg);
    sim_status st = sim_yaml_load_string(cfg, "<test>", yaml, strlen(yaml), err);
    if (st != SIM_OK) {
        sim_cfg_free(cfg);
        fail_msg("YAML did not load: %s", err->msg);
    }
    return sim_scenario_open_cfg(cfg, "<test>", &SIM_OVERRIDES_NONE, sc, err);
}

sim_scenario *tr_open(const char *yaml)
{
    sim_error err;
    sim_error_clear(&err);
    sim_scenario *sc = NULL;
    if (open_text(yaml, &sc, &err) != SIM_OK) {
        for (size_t i = 0; i < sim_scenario_diag_count(sc); i++)
            print_error("diagnostic: %s\n", sim_scenario_diag_text(sc, i));
        sim_scenario_free(sc);
        fail_msg("scenario did not open: %s", err.msg);
    }
    return sc;
}

char *tr_diagnostics(const char *yaml)
{
    sim_error err;
    sim_error_clear(&err);
    sim_scenario *sc = NULL;
    sim_status st = open_text(yaml, &sc, &err);
    if (st == SIM_OK)
        fail_msg("scenario opened, but it should be invalid");
    size_t len = 1, n = sim_scenario_diag_count(sc);
    for (size_t i = 0; i < n; i++)
        len += strlen(sim_scenario_diag_text(sc, i)) + 1;
    char *all = calloc(len, 1);
    assert_non_null(all);
    for (size_t i = 0; i < n; i++) {
        strcat(all, sim_scenario_diag_text(sc, i));
        strcat(all, "\n");
    }
    sim_scenario_free(sc);
    return all;
}

static sim_status put(void *ctx, size_t run, const sim_run_id *id, const sim_record *rec,
                      sim_error *err)
{
    tr_runs *r = ctx;
    (void)err;
    assert_true(run < r->n_runs);
    r->variant[run] = id->variant;
    for (size_t v = 0; v < sim_catalog_count(r->cat); v++)
        memcpy(&r->values[run * r->per_run + r->offset[v]], sim_record_cvalues(rec, v),
               sim_catalog_var_size(r->cat, v) * sizeof(double));
    return SIM_OK;
}

tr_runs tr_run(const sim_scenario *sc)
{
    tr_runs r = {0};
    r.cat = sim_runner_catalog(sc);
    assert_non_null(r.cat);
    r.n_runs = sim_scenario_n_runs(sc);
    r.n_variants = sc->n_variants;
    size_t nv = sim_catalog_count(r.cat);
    r.offset = calloc(nv ? nv : 1, sizeof *r.offset);
    assert_non_null(r.offset);
    for (size_t v = 0; v < nv; v++) {
        r.offset[v] = r.per_run;
        r.per_run += sim_catalog_var_size(r.cat, v);
    }
    size_t total = r.n_runs * r.per_run;
    r.values = malloc((total > 0 ? total : 1) * sizeof *r.values);
    r.variant = calloc(r.n_runs ? r.n_runs : 1, sizeof *r.variant);
    assert_non_null(r.values);
    assert_non_null(r.variant);
    sim_sink sink = {.put = put, .fail = NULL, .ctx = &r};
    sim_error err;
    sim_error_clear(&err);
    if (sim_runner_run_all(sc, r.cat, &sink, NULL, &err) != SIM_OK)
        fail_msg("runner: %s", err.msg);
    return r;
}

void tr_free(tr_runs *r)
{
    sim_catalog_free(r->cat);
    free(r->offset);
    free(r->values);
    free(r->variant);
    memset(r, 0, sizeof *r);
}

static int find(const tr_runs *r, const char *name)
{
    int v = sim_catalog_find(r->cat, name);
    if (v < 0)
        fail_msg("no output variable %s", name);
    return v;
}

double tr_get(const tr_runs *r, size_t run, const char *name, size_t index)
{
    int v = find(r, name);
    assert_true(run < r->n_runs);
    assert_true(index < sim_catalog_var_size(r->cat, (size_t)v));
    return r->values[run * r->per_run + r->offset[v] + index];
}

size_t tr_size(const tr_runs *r, const char *name)
{
    return sim_catalog_var_size(r->cat, (size_t)find(r, name));
}

tr_runs tr_run_text(const char *yaml)
{
    sim_scenario *sc = tr_open(yaml);
    tr_runs r = tr_run(sc);
    sim_scenario_free(sc);
    return r;
}
