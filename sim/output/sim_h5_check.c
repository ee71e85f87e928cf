/*
 * sim_h5_check: the arguments of sim_h5_create, checked before anything is made.
 *
 * Every name the layout creates lives in the root group, so model variables, table
 * dimensions and columns, factor variables and the layout's own names share one namespace;
 * the catalog already keeps its variables and tables apart (sim_model.c), and this file adds
 * the layout's names, the length limit and the sweep's factors. A problem here is a
 * programming error of the caller (SIM_INTERNAL), reported with the offending name.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sim_h5.h"
#include "sim_h5_internal.h"

bool sim_h5__netcdf_name(const char *name)
{
    if (name == NULL || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
        return false;
    for (const char *c = name; *c != '\0'; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_'))
            return false;
    return strlen(name) < SIM_H5_NAME_MAX;
}

static bool layout_name(const char *name)
{
    static const char *const names[] = {
        SIM_H5_RUN,         SIM_H5_TIME,        SIM_H5_REPLICATION,
        SIM_H5_DESIGN,      SIM_H5_VARIANT,     SIM_H5_RUN_STATUS,
        SIM_H5_RUN_MESSAGE, SIM_H5_NAME_STRLEN, SIM_H5_MESSAGE_STRLEN,
        SIM_H5_DESIGN_POINT};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

/* The entity dimension and its names variable are taken too. */
static bool reserved_name(const char *name, const char *entity)
{
    size_t len = strlen(entity);
    return layout_name(name) ||
           (strncmp(name, entity, len) == 0 &&
            (name[len] == '\0' || strcmp(name + len, SIM_H5_ENTITY_NAME_SUF) == 0));
}

static bool free_name(const char *name, const char *entity)
{
    return sim_h5__netcdf_name(name) && !reserved_name(name, entity);
}

static sim_status not_free(sim_error *err, const char *what, const char *name)
{
    return sim_error_set(err, SIM_INTERNAL, "results file: %s name '%s' is not a free netCDF name",
                         what, name != NULL ? name : "(null)");
}

/* A table's dimension, its run column and every column dataset. */
static sim_status check_table(const sim_catalog *cat, size_t t, sim_error *err)
{
    const char *entity = sim_catalog_entity_dim(cat);
    const char *dim = sim_catalog_table_dim(cat, t);
    char full[2 * SIM_H5_NAME_MAX];
    if (!free_name(dim, entity))
        return not_free(err, "table", dim);
    snprintf(full, sizeof full, "%s%s", dim, SIM_H5_TABLE_RUN_SUF);
    if (!free_name(full, entity))
        return not_free(err, "table column", full);
    for (size_t c = 0; c < sim_catalog_table_ncols(cat, t); c++) {
        snprintf(full, sizeof full, "%s_%s", dim, sim_catalog_table_column(cat, t, c)->name);
        if (!free_name(full, entity))
            return not_free(err, "table column", full);
    }
    return SIM_OK;
}

static sim_status check_catalog(const sim_catalog *cat, sim_error *err)
{
    const char *entity = sim_catalog_entity_dim(cat);
    if (!sim_h5__netcdf_name(entity) || layout_name(entity) ||
        strlen(entity) + sizeof SIM_H5_ENTITY_NAME_SUF > SIM_H5_NAME_MAX)
        return sim_error_set(err, SIM_INTERNAL, "results file: bad entity dimension name '%s'",
                             entity ? entity : "(null)");
    for (size_t i = 0; i < sim_catalog_count(cat); i++)
        if (!free_name(sim_catalog_var(cat, i)->name, entity))
            return not_free(err, "variable", sim_catalog_var(cat, i)->name);
    for (size_t t = 0; t < sim_catalog_table_count(cat); t++) {
        sim_status st = check_table(cat, t, err);
        if (st != SIM_OK)
            return st;
    }
    for (size_t i = 0; i < sim_catalog_n_entity(cat); i++)
        if (sim_catalog_entity_name(cat, i) == NULL || sim_catalog_entity_name(cat, i)[0] == '\0')
            return sim_error_set(err, SIM_INTERNAL, "results file: %s %zu has no name", entity, i);
    if (sim_catalog_n_time(cat) > 0 && sim_catalog_time(cat) == NULL)
        return sim_error_set(err, SIM_INTERNAL, "results file: catalog has no sample times");
    return SIM_OK;
}

static sim_status check_runs(const sim_h5_runs *runs, sim_error *err)
{
    if (runs->n_runs > 0 &&
        (runs->replication == NULL || runs->design == NULL || runs->variant == NULL))
        return sim_error_set(err, SIM_INTERNAL, "results file: run coordinates missing");
    for (size_t i = 0; i < runs->n_variant_names; i++) {
        const char *name = runs->variant_names[i];
        if (name == NULL || name[0] == '\0' || strpbrk(name, " \t\n\r") != NULL)
            return sim_error_set(err, SIM_INTERNAL,
                                 "results file: variant name %zu is empty or has blanks", i);
    }
    for (size_t i = 0; i < runs->n_runs; i++)
        if (runs->variant[i] < 0 || (size_t)runs->variant[i] >= runs->n_variant_names)
            return sim_error_set(err, SIM_INTERNAL,
                                 "results file: run %zu has variant %d, but %zu variants are named",
                                 i, (int)runs->variant[i], runs->n_variant_names);
    return SIM_OK;
}

/* ---- the design of a sweep ---- */

/* True when name is taken by the catalog (a variable, or any name of a table). */
static bool catalog_takes(const sim_catalog *cat, const char *name)
{
    if (sim_catalog_find(cat, name) >= 0 || sim_catalog_find_table(cat, name) >= 0)
        return true;
    char full[2 * SIM_H5_NAME_MAX];
    for (size_t t = 0; t < sim_catalog_table_count(cat); t++) {
        const char *dim = sim_catalog_table_dim(cat, t);
        snprintf(full, sizeof full, "%s%s", dim, SIM_H5_TABLE_RUN_SUF);
        if (strcmp(full, name) == 0)
            return true;
        for (size_t c = 0; c < sim_catalog_table_ncols(cat, t); c++) {
            snprintf(full, sizeof full, "%s_%s", dim, sim_catalog_table_column(cat, t, c)->name);
            if (strcmp(full, name) == 0)
                return true;
        }
    }
    return false;
}

static sim_status check_factor_name(const sim_catalog *cat, const sim_h5_runs *runs, size_t f,
                                    sim_error *err)
{
    const char *name = runs->factor_vars[f];
    if (name == NULL || strncmp(name, SIM_H5_FACTOR_PREFIX, strlen(SIM_H5_FACTOR_PREFIX)) != 0 ||
        !free_name(name, sim_catalog_entity_dim(cat)) || catalog_takes(cat, name))
        return not_free(err, "factor", name);
    for (size_t g = 0; g < f; g++)
        if (strcmp(runs->factor_vars[g], name) == 0)
            return sim_error_set(err, SIM_INTERNAL, "results file: factor name '%s' appears twice",
                                 name);
    if (runs->factor_paths[f] == NULL)
        return sim_error_set(err, SIM_INTERNAL, "results file: factor '%s' has no path", name);
    return SIM_OK;
}

static size_t level_count(const char *const *levels)
{
    size_t n = 0;
    while (levels[n] != NULL)
        n++;
    return n;
}

/* Codes of a categorical factor are level indices: integral and in range. */
static sim_status check_codes(const sim_h5_runs *runs, size_t f, sim_error *err)
{
    const char *const *levels = runs->factor_levels != NULL ? runs->factor_levels[f] : NULL;
    if (levels == NULL)
        return SIM_OK;
    size_t n = level_count(levels);
    for (size_t d = 0; d < runs->n_design; d++) {
        double code = runs->factor_values[d * runs->n_factors + f];
        if (!(code >= 0.0 && code < (double)n && code == floor(code)))
            return sim_error_set(err, SIM_INTERNAL,
                                 "results file: design point %zu has code %g of factor '%s', "
                                 "which has %zu levels",
                                 d, code, runs->factor_vars[f], n);
    }
    return SIM_OK;
}

static sim_status check_design(const sim_catalog *cat, const sim_h5_runs *runs, sim_error *err)
{
    if (runs->n_design == 0)
        return SIM_OK;
    for (size_t i = 0; i < runs->n_runs; i++)
        if (runs->design[i] < 0 || (uint64_t)runs->design[i] >= runs->n_design)
            return sim_error_set(err, SIM_INTERNAL,
                                 "results file: run %zu has design point %lld, but there are %zu",
                                 i, (long long)runs->design[i], runs->n_design);
    if (runs->n_factors > 0 &&
        (runs->factor_vars == NULL || runs->factor_paths == NULL || runs->factor_values == NULL))
        return sim_error_set(err, SIM_INTERNAL, "results file: design factors missing");
    sim_status st = SIM_OK;
    for (size_t f = 0; f < runs->n_factors && st == SIM_OK; f++) {
        st = check_factor_name(cat, runs, f, err);
        if (st == SIM_OK)
            st = check_codes(runs, f, err);
    }
    return st;
}

sim_status sim_h5__check_args(const char *path, const sim_catalog *cat, const sim_h5_runs *runs,
                              const sim_h5_provenance *prov, sim_error *err)
{
    if (path == NULL || cat == NULL || runs == NULL || prov == NULL)
        return sim_error_set(err, SIM_INTERNAL, "sim_h5_create: missing argument");
    if (prov->kind != NULL && strcmp(prov->kind, "run") != 0 && strcmp(prov->kind, "sweep") != 0)
        return sim_error_set(err, SIM_INTERNAL,
                             "results file: kind '%s' is neither \"run\" nor \"sweep\"",
                             prov->kind);
    sim_status st = check_catalog(cat, err);
    if (st == SIM_OK)
        st = check_runs(runs, err);
    return st != SIM_OK ? st : check_design(cat, runs, err);
}
