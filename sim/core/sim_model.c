/*
 * sim_model: the output catalog and the per-run record.
 *
 * The catalog owns copies of every string it is given, so models may pass literals or
 * temporaries. A record is one contiguous buffer of doubles with one offset per variable,
 * laid out in catalog order when the record is made; variables added to the catalog later
 * are not part of it. NaN marks "not computed", which a writer stores as the fill value.
 */
#include "sim_model.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CATALOG_INITIAL_VARS 16

struct sim_catalog {
    char *entity_dim;
    size_t n_entity;
    size_t n_time;
    double *time;        /* n_time sample instants, NaN until set */
    char **entity_names; /* n_entity copies, NULL until set */
    sim_var *vars;       /* strings owned by the catalog */
    size_t n_vars;
    size_t cap_vars;
};

struct sim_record {
    const sim_catalog *cat;
    size_t n_vars;  /* catalog size when the record was made */
    size_t *offset; /* n_vars + 1 offsets into values */
    double *values;
};

/* NULL is copied as the empty string so readers never check for it. */
static char *string_copy(const char *s)
{
    return strdup(s != NULL ? s : "");
}

sim_catalog *sim_catalog_alloc(const char *entity_dim, size_t n_entity, size_t n_time)
{
    sim_catalog *cat = calloc(1, sizeof *cat);
    if (cat == NULL)
        return NULL;
    cat->n_entity = n_entity;
    cat->n_time = n_time;
    cat->entity_dim = string_copy(entity_dim);
    cat->time = malloc((n_time > 0 ? n_time : 1) * sizeof *cat->time);
    cat->entity_names = calloc(n_entity > 0 ? n_entity : 1, sizeof *cat->entity_names);
    if (cat->entity_dim == NULL || cat->time == NULL || cat->entity_names == NULL) {
        sim_catalog_free(cat);
        return NULL;
    }
    for (size_t i = 0; i < n_time; i++)
        cat->time[i] = NAN;
    return cat;
}

static void var_strings_free(sim_var *v)
{
    free((void *)(uintptr_t)v->name);
    free((void *)(uintptr_t)v->units);
    free((void *)(uintptr_t)v->long_name);
}

void sim_catalog_free(sim_catalog *cat)
{
    if (cat == NULL)
        return;
    for (size_t i = 0; i < cat->n_vars; i++)
        var_strings_free(&cat->vars[i]);
    free(cat->vars);
    if (cat->entity_names != NULL)
        for (size_t i = 0; i < cat->n_entity; i++)
            free(cat->entity_names[i]);
    free(cat->entity_names);
    free(cat->time);
    free(cat->entity_dim);
    free(cat);
}

/* netCDF-safe and C-like: [A-Za-z_][A-Za-z0-9_]*. */
static int name_valid(const char *name)
{
    if (name == NULL || !(name[0] == '_' || (name[0] >= 'A' && name[0] <= 'Z') ||
                          (name[0] >= 'a' && name[0] <= 'z')))
        return 0;
    for (const char *c = name + 1; *c != '\0'; c++)
        if (!(*c == '_' || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
              (*c >= '0' && *c <= '9')))
            return 0;
    return 1;
}

static int shape_valid(sim_shape s)
{
    return s == SIM_SHAPE_RUN || s == SIM_SHAPE_ENTITY || s == SIM_SHAPE_TIME ||
           s == SIM_SHAPE_TIME_ENTITY;
}

static int vars_reserve(sim_catalog *cat)
{
    if (cat->n_vars < cat->cap_vars)
        return 1;
    if (cat->n_vars >= (size_t)INT_MAX)
        return 0;
    size_t cap = cat->cap_vars > 0 ? 2 * cat->cap_vars : CATALOG_INITIAL_VARS;
    sim_var *vars = realloc(cat->vars, cap * sizeof *vars);
    if (vars == NULL)
        return 0;
    cat->vars = vars;
    cat->cap_vars = cap;
    return 1;
}

int sim_catalog_add(sim_catalog *cat, const sim_var *var)
{
    if (var == NULL || !name_valid(var->name) || !shape_valid(var->shape) ||
        sim_catalog_find(cat, var->name) >= 0 || !vars_reserve(cat))
        return -1;
    sim_var copy = {.name = string_copy(var->name),
                    .units = string_copy(var->units),
                    .long_name = string_copy(var->long_name),
                    .shape = var->shape};
    if (copy.name == NULL || copy.units == NULL || copy.long_name == NULL) {
        var_strings_free(&copy);
        return -1;
    }
    cat->vars[cat->n_vars] = copy;
    return (int)cat->n_vars++;
}

sim_status sim_catalog_set_entity_name(sim_catalog *cat, size_t i, const char *name)
{
    if (i >= cat->n_entity || name == NULL)
        return SIM_INTERNAL;
    char *copy = strdup(name);
    if (copy == NULL)
        return SIM_NOMEM;
    free(cat->entity_names[i]);
    cat->entity_names[i] = copy;
    return SIM_OK;
}

void sim_catalog_set_time(sim_catalog *cat, const double *t)
{
    if (t != NULL && cat->n_time > 0)
        memcpy(cat->time, t, cat->n_time * sizeof *t);
}

size_t sim_catalog_count(const sim_catalog *cat)
{
    return cat->n_vars;
}

const sim_var *sim_catalog_var(const sim_catalog *cat, size_t i)
{
    return i < cat->n_vars ? &cat->vars[i] : NULL;
}

int sim_catalog_find(const sim_catalog *cat, const char *name)
{
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < cat->n_vars; i++)
        if (strcmp(cat->vars[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *sim_catalog_entity_dim(const sim_catalog *cat)
{
    return cat->entity_dim;
}

size_t sim_catalog_n_entity(const sim_catalog *cat)
{
    return cat->n_entity;
}

size_t sim_catalog_n_time(const sim_catalog *cat)
{
    return cat->n_time;
}

/* "" for an entity whose name was never set, NULL past the end. */
const char *sim_catalog_entity_name(const sim_catalog *cat, size_t i)
{
    if (i >= cat->n_entity)
        return NULL;
    return cat->entity_names[i] != NULL ? cat->entity_names[i] : "";
}

const double *sim_catalog_time(const sim_catalog *cat)
{
    return cat->time;
}

/* Products are checked for overflow so that a record can never be under-allocated; an
 * overflowing size reports SIZE_MAX, which sim_record_alloc refuses. */
size_t sim_catalog_var_size(const sim_catalog *cat, size_t i)
{
    if (i >= cat->n_vars)
        return 0;
    switch (cat->vars[i].shape) {
    case SIM_SHAPE_RUN:
        return 1;
    case SIM_SHAPE_ENTITY:
        return cat->n_entity;
    case SIM_SHAPE_TIME:
        return cat->n_time;
    case SIM_SHAPE_TIME_ENTITY:
        if (cat->n_entity > 0 && cat->n_time > SIZE_MAX / cat->n_entity)
            return SIZE_MAX;
        return cat->n_time * cat->n_entity;
    }
    return 0;
}

/* Fill rec->offset; returns 0 when the total does not fit in memory. */
static int record_layout(sim_record *rec)
{
    size_t total = 0;
    for (size_t i = 0; i < rec->n_vars; i++) {
        size_t n = sim_catalog_var_size(rec->cat, i);
        if (n > SIZE_MAX / sizeof(double) - total)
            return 0;
        rec->offset[i] = total;
        total += n;
    }
    rec->offset[rec->n_vars] = total;
    return 1;
}

sim_record *sim_record_alloc(const sim_catalog *cat)
{
    sim_record *rec = calloc(1, sizeof *rec);
    if (rec == NULL)
        return NULL;
    rec->cat = cat;
    rec->n_vars = cat->n_vars;
    rec->offset = malloc((rec->n_vars + 1) * sizeof *rec->offset);
    if (rec->offset == NULL || !record_layout(rec)) {
        sim_record_free(rec);
        return NULL;
    }
    size_t total = rec->offset[rec->n_vars];
    rec->values = malloc((total > 0 ? total : 1) * sizeof *rec->values);
    if (rec->values == NULL) {
        sim_record_free(rec);
        return NULL;
    }
    sim_record_clear(rec);
    return rec;
}

void sim_record_free(sim_record *rec)
{
    if (rec == NULL)
        return;
    free(rec->values);
    free(rec->offset);
    free(rec);
}

void sim_record_clear(sim_record *rec)
{
    size_t total = rec->offset[rec->n_vars];
    for (size_t i = 0; i < total; i++)
        rec->values[i] = NAN;
}

double *sim_record_values(sim_record *rec, size_t var)
{
    return var < rec->n_vars ? rec->values + rec->offset[var] : NULL;
}

const double *sim_record_cvalues(const sim_record *rec, size_t var)
{
    return var < rec->n_vars ? rec->values + rec->offset[var] : NULL;
}

const sim_catalog *sim_record_catalog(const sim_record *rec)
{
    return rec->cat;
}
