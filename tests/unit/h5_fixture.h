/*
 * The hand-made results catalog shared by test_h5.c and h5_sample.c: entity "company" with
 * three names, four sample times, one variable of each shape, three runs of two variants.
 * Value k of variable v in run r is fixture_value(r, v, k), so every number read back can
 * be checked.
 *
 * fixture_add_tables adds two event tables: "project" (columns start_h and value), where
 * run r has r rows and cell (row i, column c) is fixture_cell(r, i, c), and "contract"
 * (column price), which never has rows. fixture_runs_design makes the runs a sweep of two
 * design points with a numeric and a categorical factor.
 */
#ifndef H5_FIXTURE_H
#define H5_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sim_h5.h"
#include "sim_model.h"

enum { FIX_RUNS = 3, FIX_ENTITY = 3, FIX_TIME = 4, FIX_VARS = 4 };

static const char *const fixture_company[FIX_ENTITY] = {"oem", "supplier", "integrator"};
static const sim_var fixture_vars[FIX_VARS] = {
    {.name = "profit", .units = "EUR", .long_name = "ecosystem profit", .shape = SIM_SHAPE_RUN},
    {.name = "revenue",
     .units = "EUR",
     .long_name = "revenue of each company",
     .shape = SIM_SHAPE_ENTITY},
    {.name = "backlog", .units = "1", .long_name = "orders waiting", .shape = SIM_SHAPE_TIME},
    {.name = "inventory",
     .units = "1",
     .long_name = "inventory of each company",
     .shape = SIM_SHAPE_TIME_ENTITY},
};
static const int64_t fixture_replication[FIX_RUNS] = {0, 1, 0};
static const int64_t fixture_design[FIX_RUNS] = {0, 0, 0};
static const int32_t fixture_variant[FIX_RUNS] = {0, 0, 1};
static const char *const fixture_variant_names[2] = {"baseline", "no_sharing"};

static inline double fixture_value(size_t run, size_t var, size_t k)
{
    return 1000.0 * (double)run + 100.0 * (double)var + (double)k + 0.25;
}

enum { FIX_PROJECT_COLS = 2 };
static const sim_var fixture_project_cols[FIX_PROJECT_COLS] = {
    {.name = "start_h", .units = "h", .long_name = "project start"},
    {.name = "value", .units = "EUR", .long_name = "value created by the project"},
};
static const sim_var fixture_contract_col = {
    .name = "price", .units = "EUR", .long_name = "contract price"};

static inline double fixture_cell(size_t run, size_t row, size_t col)
{
    return 10000.0 + 100.0 * (double)run + 10.0 * (double)row + (double)col + 0.5;
}

static inline size_t fixture_project_rows(size_t run)
{
    return run;
}

/* Adds the tables project (index 0) and contract (index 1); 0 on success. */
static inline int fixture_add_tables(sim_catalog *cat)
{
    if (sim_catalog_add_table(cat, "project", "a project of a coalition") != 0 ||
        sim_catalog_add_table(cat, "contract", "a service contract") != 1)
        return -1;
    for (size_t c = 0; c < FIX_PROJECT_COLS; c++)
        if (sim_catalog_add_column(cat, 0, &fixture_project_cols[c]) != (int)c)
            return -1;
    return sim_catalog_add_column(cat, 1, &fixture_contract_col) == 0 ? 0 : -1;
}

static const int64_t fixture_sweep_design[FIX_RUNS] = {0, 1, 1};
static const char *const fixture_factor_vars[2] = {"param_horizon_h", "param_policy"};
static const char *const fixture_factor_paths[2] = {"settings.horizon_h", "companies.oem.policy"};
static const double fixture_factor_values[2 * 2] = {100.0, 1.0, 250.5, 0.0};
static const char *const fixture_policy_levels[3] = {"run-to-failure", "age based", NULL};
static const char *const *const fixture_factor_levels[2] = {NULL, fixture_policy_levels};

/* Catalog with n_entity companies (names cycle through fixture_company) and n_time samples
 * (every 24 h); NULL when out of memory. */
static inline sim_catalog *fixture_catalog_sized(size_t n_entity, size_t n_time)
{
    sim_catalog *cat = sim_catalog_alloc("company", n_entity, n_time);
    if (cat == NULL)
        return NULL;
    for (size_t i = 0; i < FIX_VARS; i++)
        if (sim_catalog_add(cat, &fixture_vars[i]) != (int)i) {
            sim_catalog_free(cat);
            return NULL;
        }
    for (size_t i = 0; i < n_entity; i++)
        sim_catalog_set_entity_name(cat, i, fixture_company[i % FIX_ENTITY]);
    double *t = malloc((n_time > 0 ? n_time : 1) * sizeof *t);
    if (t == NULL) {
        sim_catalog_free(cat);
        return NULL;
    }
    for (size_t i = 0; i < n_time; i++)
        t[i] = 24.0 * (double)i;
    sim_catalog_set_time(cat, t);
    free(t);
    return cat;
}

static inline sim_catalog *fixture_catalog(void)
{
    return fixture_catalog_sized(FIX_ENTITY, FIX_TIME);
}

/* A record of run `run` filled with fixture_value, and fixture_cell rows when the catalog
 * has the project table. */
static inline sim_record *fixture_record(const sim_catalog *cat, size_t run)
{
    sim_record *rec = sim_record_alloc(cat);
    for (size_t v = 0; rec != NULL && v < sim_catalog_count(cat); v++) {
        double *values = sim_record_values(rec, v);
        for (size_t k = 0; k < sim_catalog_var_size(cat, v); k++)
            values[k] = fixture_value(run, v, k);
    }
    int project = sim_catalog_find_table(cat, "project");
    for (size_t i = 0; rec != NULL && project >= 0 && i < fixture_project_rows(run); i++) {
        double row[FIX_PROJECT_COLS];
        for (size_t c = 0; c < FIX_PROJECT_COLS; c++)
            row[c] = fixture_cell(run, i, c);
        if (sim_record_table_append(rec, (size_t)project, row) != SIM_OK) {
            sim_record_free(rec);
            return NULL;
        }
    }
    return rec;
}

static inline sim_h5_runs fixture_runs(void)
{
    return (sim_h5_runs){.n_runs = FIX_RUNS,
                         .replication = fixture_replication,
                         .design = fixture_design,
                         .variant = fixture_variant,
                         .variant_names = fixture_variant_names,
                         .n_variant_names = 2};
}

/* The runs as a sweep: runs 1 and 2 share design point 1. */
static inline sim_h5_runs fixture_runs_design(void)
{
    sim_h5_runs runs = fixture_runs();
    runs.design = fixture_sweep_design;
    runs.n_design = 2;
    runs.n_factors = 2;
    runs.factor_vars = fixture_factor_vars;
    runs.factor_paths = fixture_factor_paths;
    runs.factor_values = fixture_factor_values;
    runs.factor_levels = fixture_factor_levels;
    return runs;
}

static inline sim_h5_provenance fixture_provenance(const char *yaml)
{
    return (sim_h5_provenance){.title = "ecotwin test results",
                               .model = "ecosystem",
                               .command_line = "ecotwin run -o out.h5 tests/h5.yaml",
                               .scenario_path = "tests/h5.yaml",
                               .resolved_yaml = yaml,
                               .master_seed = UINT64_MAX,
                               .rng_algorithm = "xoshiro256++ keyed by SplitMix64",
                               .threads = 4,
                               .ranks = 1,
                               .libyaml_version = "0.2.5"};
}

#endif
