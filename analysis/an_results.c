/*
 * an_results: a results file loaded for analysis. Contract in an_results.h.
 *
 * Two handles on the file: the sim_h5 reader (run statuses, string root attributes, the
 * completeness flag, and the checks that refuse foreign and unreadable files) and the generic
 * variable access of sim_h5_vars (everything else). Every extent is compared with the number
 * of runs before anything is sized by it, and the per-run coordinates are kept in narrow
 * types (a design point or replication index cannot exceed the number of runs or design
 * points, both bounded by AN_MAX_RUNS), so even the largest file allowed costs about 11
 * bytes per run; they are read in blocks so no run-sized double buffer is needed.
 */
#include "an_results.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sim_h5.h"

/* Runs read per block when loading the run coordinates. */
#define LOAD_BLOCK ((size_t)1 << 16)
/* Limits beyond which a file is taken as damaged rather than sized by. */
#define MAX_VARIANTS  ((size_t)1 << 15)
#define MAX_ENTITIES  ((size_t)1 << 20)
#define MAX_TIME      ((size_t)1 << 24)
#define MAX_NAME_TEXT ((size_t)1 << 24)
#define MAX_FACTORS   ((size_t)1 << 12)
/* Factor values of all design points together (doubles). */
#define MAX_DESIGN_VALUES ((size_t)1 << 24)

struct an_results {
    char *path;
    sim_h5_reader *rd;
    sim_h5_vars *h5;
    size_t n_runs, n_complete;
    uint32_t *design, *replication;
    uint16_t *variant;
    int crn, complete;
    char **variant_names;
    size_t n_variants;
    size_t n_designs;
    an_factor *factors;
    size_t n_factors;
    double *factor_values; /* n_designs x n_factors */
    char *entity_dim;
    char **entity_names;
    size_t n_entities;
    double *time;
    size_t n_time;
    an_var *vars;
    size_t *var_ds; /* dataset index of each variable */
    size_t n_vars;
    void **owned; /* strings and arrays handed out as const, freed at close */
    size_t n_owned, cap_owned;
};

/* ---- small helpers ---- */

/* Keep p until an_results_close; NULL (p freed) when out of memory or p is NULL. */
static void *own(an_results *r, void *p)
{
    if (p == NULL)
        return NULL;
    if (r->n_owned == r->cap_owned) {
        size_t cap = r->cap_owned > 0 ? 2 * r->cap_owned : 64;
        void **owned = realloc(r->owned, cap * sizeof *owned);
        if (owned == NULL) {
            free(p);
            return NULL;
        }
        r->owned = owned;
        r->cap_owned = cap;
    }
    return r->owned[r->n_owned++] = p;
}

static void free_words(char **words, size_t n);

static char **split_words(const char *text, size_t *n)
{
    size_t count = 0, len = strlen(text);
    for (size_t i = 0; i < len; i++)
        if (text[i] != ' ' && (i == 0 || text[i - 1] == ' '))
            count++;
    char **words = calloc(count > 0 ? count : 1, sizeof *words);
    *n = 0;
    for (const char *at = text; words != NULL && *at != '\0';) {
        while (*at == ' ')
            at++;
        size_t w = strcspn(at, " ");
        if (w > 0 && (words[(*n)++] = strndup(at, w)) == NULL) {
            free_words(words, *n);
            *n = 0;
            return NULL;
        }
        at += w;
    }
    return words;
}

static void free_words(char **words, size_t n)
{
    for (size_t i = 0; words != NULL && i < n; i++)
        free(words[i]);
    free(words);
}

/* The dataset `name` of rank 1 along `dim` with n values, numeric; else -1. */
static int find_column(const an_results *r, const char *name, const char *dim, size_t n)
{
    int i = sim_h5_vars_find(r->h5, name);
    const sim_h5_vinfo *v = i >= 0 ? sim_h5_vars_info(r->h5, (size_t)i) : NULL;
    if (v == NULL || v->rank != 1 || (v->cls != SIM_H5_VFLOAT && v->cls != SIM_H5_VINT) ||
        strcmp(v->dim[0], dim) != 0 || v->dims[0] != n)
        return -1;
    return i;
}

static sim_status need_column(const an_results *r, const char *name, int *idx, sim_error *err)
{
    *idx = find_column(r, name, "run", r->n_runs);
    if (*idx >= 0)
        return SIM_OK;
    int i = sim_h5_vars_find(r->h5, name);
    const sim_h5_vinfo *v = i >= 0 ? sim_h5_vars_info(r->h5, (size_t)i) : NULL;
    if (v != NULL && v->rank == 1)
        return sim_error_set(err, SIM_IO, "%s: run_status has %zu runs but %s %llu", r->path,
                             r->n_runs, name, (unsigned long long)v->dims[0]);
    return sim_error_set(err, SIM_IO, "%s: damaged results file: no numeric %s(run)", r->path,
                         name);
}

/* ---- run coordinates ---- */

typedef struct coord_target {
    const char *name;
    uint32_t *u32;
    uint16_t *u16;
    double limit; /* values must lie in [0, limit) */
} coord_target;

static sim_status store_block(an_results *r, const coord_target *t, const double *v, size_t at,
                              size_t n, sim_error *err)
{
    for (size_t k = 0; k < n; k++) {
        size_t run = at + k;
        int ok_run = sim_h5_reader_run_status(r->rd, run) == 1;
        double x = v[k];
        bool valid = x >= 0 && x < t->limit && x == floor(x);
        if (!valid && ok_run)
            return sim_error_set(err, SIM_IO, "%s: damaged results file: %s of run %zu is %g",
                                 r->path, t->name, run, x);
        if (t->u32 != NULL)
            t->u32[run] = valid ? (uint32_t)x : 0;
        else
            t->u16[run] = valid ? (uint16_t)x : 0;
    }
    return SIM_OK;
}

static sim_status load_coord(an_results *r, const coord_target *t, double *block, sim_error *err)
{
    int idx;
    sim_status st = need_column(r, t->name, &idx, err);
    for (size_t at = 0; st == SIM_OK && at < r->n_runs; at += LOAD_BLOCK) {
        size_t n = r->n_runs - at < LOAD_BLOCK ? r->n_runs - at : LOAD_BLOCK;
        uint64_t start = at, count = n;
        st = sim_h5_vars_read(r->h5, (size_t)idx, &start, &count, block, err);
        if (st == SIM_OK)
            st = store_block(r, t, block, at, n, err);
    }
    return st;
}

static sim_status load_variant_names(an_results *r, sim_error *err)
{
    int idx = sim_h5_vars_find(r->h5, "variant");
    char *meanings = idx >= 0 ? sim_h5_vars_attr_text(r->h5, "variant", "flag_meanings") : NULL;
    if (meanings != NULL) {
        r->variant_names = split_words(meanings, &r->n_variants);
        free(meanings);
        if (r->variant_names == NULL)
            return sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    }
    if (r->n_variants == 0 || r->n_variants > MAX_VARIANTS) {
        free_words(r->variant_names, r->n_variants);
        r->variant_names = NULL;
        r->n_variants = 0;
        return sim_error_set(
            err, SIM_IO, "%s: damaged results file: variant has no usable flag_meanings", r->path);
    }
    return SIM_OK;
}

static sim_status load_runs(an_results *r, sim_error *err)
{
    size_t n = r->n_runs > 0 ? r->n_runs : 1;
    r->design = calloc(n, sizeof *r->design);
    r->replication = calloc(n, sizeof *r->replication);
    r->variant = calloc(n, sizeof *r->variant);
    double *block = malloc(LOAD_BLOCK * sizeof *block);
    sim_status st = SIM_OK;
    if (r->design == NULL || r->replication == NULL || r->variant == NULL || block == NULL)
        st = sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    coord_target targets[3] = {
        {"design", r->design, NULL, (double)r->n_designs},
        {"replication", r->replication, NULL, (double)r->n_runs},
        {"variant", NULL, r->variant, (double)r->n_variants},
    };
    for (size_t i = 0; i < 3 && st == SIM_OK; i++)
        st = load_coord(r, &targets[i], block, err);
    free(block);
    for (size_t i = 0; i < r->n_runs; i++)
        r->n_complete += sim_h5_reader_run_status(r->rd, i) == 1;
    return st;
}

/* ---- design points and factors ---- */

static sim_status load_factor(an_results *r, size_t ds, an_factor *f, double *column,
                              sim_error *err)
{
    const sim_h5_vinfo *v = sim_h5_vars_info(r->h5, ds);
    char *path = sim_h5_vars_attr_text(r->h5, v->name, "long_name");
    char *units = sim_h5_vars_attr_text(r->h5, v->name, "units");
    f->var = v->name;
    f->path = own(r, path != NULL ? path : strdup(v->name));
    f->units = own(r, units != NULL ? units : strdup(v->cls == SIM_H5_VINT ? "1" : ""));
    if (f->path == NULL || f->units == NULL)
        return sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    char *meanings =
        v->cls == SIM_H5_VINT ? sim_h5_vars_attr_text(r->h5, v->name, "flag_meanings") : NULL;
    if (meanings != NULL) {
        size_t n = 0;
        char **levels = split_words(meanings, &n);
        free(meanings);
        bool kept = levels != NULL && own(r, levels) != NULL;
        for (size_t k = 0; kept && k < n; k++)
            kept = own(r, levels[k]) != NULL;
        if (!kept)
            return sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
        f->levels = (const char *const *)levels;
        f->n_levels = n;
    }
    uint64_t start = 0, count = r->n_designs;
    return sim_h5_vars_read(r->h5, ds, &start, &count, column, err);
}

static bool is_factor(const an_results *r, size_t i)
{
    const sim_h5_vinfo *v = sim_h5_vars_info(r->h5, i);
    return strncmp(v->name, "param_", 6) == 0 &&
           find_column(r, v->name, "design_point", r->n_designs) == (int)i;
}

static sim_status load_designs(an_results *r, sim_error *err)
{
    int dp = sim_h5_vars_find(r->h5, "design_point");
    const sim_h5_vinfo *v = dp >= 0 ? sim_h5_vars_info(r->h5, (size_t)dp) : NULL;
    r->n_designs = 1;
    if (v == NULL)
        return SIM_OK;
    if (v->rank != 1 || v->dims[0] == 0 || v->dims[0] > AN_MAX_RUNS)
        return sim_error_set(err, SIM_IO, "%s: damaged results file: design_point has %llu points",
                             r->path, v->rank == 1 ? (unsigned long long)v->dims[0] : 0ULL);
    r->n_designs = (size_t)v->dims[0];
    size_t nv = sim_h5_vars_count(r->h5);
    for (size_t i = 0; i < nv; i++)
        r->n_factors += is_factor(r, i);
    if (r->n_factors > MAX_FACTORS || r->n_designs * r->n_factors > MAX_DESIGN_VALUES)
        return sim_error_set(err, SIM_IO,
                             "%s: damaged results file: %zu factors at %zu design points (at "
                             "most %zu values are read)",
                             r->path, r->n_factors, r->n_designs, MAX_DESIGN_VALUES);
    r->factors = calloc(r->n_factors > 0 ? r->n_factors : 1, sizeof *r->factors);
    r->factor_values =
        malloc(r->n_designs * (r->n_factors > 0 ? r->n_factors : 1) * sizeof *r->factor_values);
    double *column = malloc(r->n_designs * sizeof *column);
    sim_status st = r->factors != NULL && r->factor_values != NULL && column != NULL
                        ? SIM_OK
                        : sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    for (size_t i = 0, f = 0; i < nv && st == SIM_OK; i++) {
        if (!is_factor(r, i))
            continue;
        st = load_factor(r, i, &r->factors[f], column, err);
        for (size_t d = 0; st == SIM_OK && d < r->n_designs; d++)
            r->factor_values[d * r->n_factors + f] = column[d];
        f++;
    }
    free(column);
    return st;
}

/* ---- entities and time ---- */

static int find_entity_names(const an_results *r)
{
    for (size_t i = 0; i < sim_h5_vars_count(r->h5); i++) {
        const sim_h5_vinfo *v = sim_h5_vars_info(r->h5, i);
        size_t len = strlen(v->dim[0] != NULL && v->rank == 2 ? v->dim[0] : "");
        if (v->cls == SIM_H5_VCHAR && v->rank == 2 && len > 0 &&
            strcmp(v->dim[1], "name_strlen") == 0 && strncmp(v->name, v->dim[0], len) == 0 &&
            strcmp(v->name + len, "_name") == 0)
            return (int)i;
    }
    return -1;
}

static sim_status load_entities(an_results *r, sim_error *err)
{
    int idx = find_entity_names(r);
    if (idx < 0)
        return SIM_OK;
    const sim_h5_vinfo *v = sim_h5_vars_info(r->h5, (size_t)idx);
    uint64_t n = v->dims[0], w = v->dims[1];
    if (n > MAX_ENTITIES || w > MAX_NAME_TEXT || (w > 0 && n > MAX_NAME_TEXT / w))
        return sim_error_set(err, SIM_IO, "%s: damaged results file: %s is %llu x %llu", r->path,
                             v->name, (unsigned long long)n, (unsigned long long)w);
    r->n_entities = (size_t)n;
    r->entity_dim = strdup(v->dim[0]);
    r->entity_names = calloc(n > 0 ? n : 1, sizeof *r->entity_names);
    char *text = malloc(n * w + 1);
    sim_status st = r->entity_dim != NULL && r->entity_names != NULL && text != NULL
                        ? sim_h5_vars_read_chars(r->h5, (size_t)idx, text, n * w + 1, err)
                        : sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    for (size_t e = 0; st == SIM_OK && e < n; e++)
        if ((r->entity_names[e] = strndup(text + e * w, w)) == NULL)
            st = sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    free(text);
    return st;
}

static sim_status load_time(an_results *r, sim_error *err)
{
    int idx = sim_h5_vars_find(r->h5, "time");
    const sim_h5_vinfo *v = idx >= 0 ? sim_h5_vars_info(r->h5, (size_t)idx) : NULL;
    if (v == NULL)
        return SIM_OK;
    if (v->rank != 1 || v->dims[0] > MAX_TIME || v->cls != SIM_H5_VFLOAT)
        return sim_error_set(err, SIM_IO,
                             "%s: damaged results file: time is not a 1-D float "
                             "coordinate of at most %zu samples",
                             r->path, MAX_TIME);
    r->n_time = (size_t)v->dims[0];
    r->time = malloc((r->n_time > 0 ? r->n_time : 1) * sizeof *r->time);
    if (r->time == NULL)
        return sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    uint64_t start = 0, count = r->n_time;
    return sim_h5_vars_read(r->h5, (size_t)idx, &start, &count, r->time, err);
}

/* ---- model variables ---- */

static bool is_run_coordinate(const char *name)
{
    static const char *const names[] = {"run",     "replication", "design",
                                        "variant", "run_status",  "run_message"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

static bool named(const sim_h5_vinfo *v, int a, const char *dim)
{
    return dim != NULL && strcmp(v->dim[a], dim) == 0;
}

/* The shape of dataset v as a model variable; -1 when it is none (not along run, not
 * float64, or along dimensions this reader does not know, which are skipped). *bad when its
 * extent contradicts the file's: a run axis that is not n_runs long, a time or entity axis
 * whose length is not that of the dimension. */
static int shape_of(const an_results *r, const sim_h5_vinfo *v, bool *bad)
{
    *bad = false;
    if (v->rank < 1 || v->cls != SIM_H5_VFLOAT || strcmp(v->dim[0], "run") != 0 ||
        is_run_coordinate(v->name))
        return -1;
    *bad = v->dims[0] != r->n_runs;
    const char *ent = r->entity_dim;
    if (v->rank == 1)
        return AN_SHAPE_RUN;
    if (v->rank == 2 && named(v, 1, ent)) {
        *bad |= v->dims[1] != r->n_entities;
        return AN_SHAPE_RUN_ENTITY;
    }
    if (v->rank == 2 && named(v, 1, "time")) {
        *bad |= v->dims[1] != r->n_time;
        return AN_SHAPE_RUN_TIME;
    }
    if (v->rank == 3 && named(v, 1, "time") && named(v, 2, ent)) {
        *bad |= v->dims[1] != r->n_time || v->dims[2] != r->n_entities;
        return AN_SHAPE_RUN_TIME_ENTITY;
    }
    *bad = false;
    return -1;
}

static sim_status add_var(an_results *r, size_t ds, an_shape shape, sim_error *err)
{
    const sim_h5_vinfo *v = sim_h5_vars_info(r->h5, ds);
    char *units = sim_h5_vars_attr_text(r->h5, v->name, "units");
    char *long_name = sim_h5_vars_attr_text(r->h5, v->name, "long_name");
    an_var *out = &r->vars[r->n_vars];
    out->name = v->name;
    out->units = own(r, units != NULL ? units : strdup(""));
    out->long_name = own(r, long_name != NULL ? long_name : strdup(""));
    out->shape = shape;
    r->var_ds[r->n_vars++] = ds;
    if (out->units == NULL || out->long_name == NULL)
        return sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    return SIM_OK;
}

static sim_status load_vars(an_results *r, sim_error *err)
{
    size_t nv = sim_h5_vars_count(r->h5);
    r->vars = calloc(nv > 0 ? nv : 1, sizeof *r->vars);
    r->var_ds = calloc(nv > 0 ? nv : 1, sizeof *r->var_ds);
    if (r->vars == NULL || r->var_ds == NULL)
        return sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    for (size_t i = 0; i < nv; i++) {
        const sim_h5_vinfo *v = sim_h5_vars_info(r->h5, i);
        bool bad;
        int shape = shape_of(r, v, &bad);
        if (bad)
            return sim_error_set(err, SIM_IO,
                                 "%s: damaged results file: variable %s has shape %llu x %llu, "
                                 "which does not fit run_status(%zu) and the file's dimensions",
                                 r->path, v->name, (unsigned long long)v->dims[0],
                                 v->rank > 1 ? (unsigned long long)v->dims[1] : 1ULL, r->n_runs);
        sim_status st = shape >= 0 ? add_var(r, i, (an_shape)shape, err) : SIM_OK;
        if (st != SIM_OK)
            return st;
    }
    return SIM_OK;
}

/* ---- lifetime ---- */

static void load_flags(an_results *r)
{
    double crn = 1;
    const char *kind = sim_h5_reader_attr(r->rd, "kind");
    bool plain = kind == NULL || strcmp(kind, "run") == 0;
    if (sim_h5_vars_attr_num(r->h5, NULL, "common_random_numbers", &crn) != 0)
        crn = plain ? 1 : 0;
    r->crn = crn == 1;
    r->complete = sim_h5_reader_complete(r->rd);
}

static sim_status load(an_results *r, sim_error *err)
{
    r->rd = sim_h5_open_read(r->path, err);
    if (r->rd == NULL)
        return err != NULL ? err->status : SIM_IO;
    r->n_runs = sim_h5_reader_n_runs(r->rd);
    if (r->n_runs > AN_MAX_RUNS)
        return sim_error_set(err, SIM_IO, "%s: the file claims %zu runs (at most %zu are read)",
                             r->path, r->n_runs, AN_MAX_RUNS);
    r->h5 = sim_h5_vars_open(r->path, err);
    if (r->h5 == NULL)
        return err != NULL ? err->status : SIM_IO;
    load_flags(r);
    sim_status st = load_variant_names(r, err);
    if (st == SIM_OK)
        st = load_designs(r, err);
    if (st == SIM_OK)
        st = load_runs(r, err);
    if (st == SIM_OK)
        st = load_entities(r, err);
    if (st == SIM_OK)
        st = load_time(r, err);
    return st == SIM_OK ? load_vars(r, err) : st;
}

an_results *an_results_open(const char *path, sim_error *err)
{
    an_results *r = path != NULL ? calloc(1, sizeof *r) : NULL;
    if (r == NULL || (r->path = strdup(path)) == NULL) {
        free(r);
        sim_error_set(err, path != NULL ? SIM_NOMEM : SIM_INTERNAL, "an_results_open: %s",
                      path != NULL ? "out of memory" : "missing path");
        return NULL;
    }
    if (load(r, err) != SIM_OK) {
        an_results_close(r);
        return NULL;
    }
    return r;
}

void an_results_close(an_results *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_owned; i++)
        free(r->owned[i]);
    free(r->owned);
    free(r->factors);
    free(r->factor_values);
    free(r->vars);
    free(r->var_ds);
    free_words(r->variant_names, r->n_variants);
    free_words(r->entity_names, r->n_entities);
    free(r->entity_dim);
    free(r->time);
    free(r->design);
    free(r->replication);
    free(r->variant);
    sim_h5_vars_close(r->h5);
    sim_h5_reader_close(r->rd);
    free(r->path);
    free(r);
}

typedef struct probe_names {
    const char *const *names;
    size_t n;
} probe_names;

/* Every dataset but the time series not named (an_results_probe). */
static bool probe_pick(const sim_h5_vinfo *v, void *ctx)
{
    const probe_names *p = ctx;
    if (v->rank < 2 || strcmp(v->dim[1], "time") != 0)
        return true;
    for (size_t i = 0; i < p->n; i++)
        if (p->names[i] != NULL && strcmp(p->names[i], v->name) == 0)
            return true;
    return false;
}

sim_status an_results_probe(const char *path, const char *const *names, size_t n_names,
                            sim_error *err)
{
    an_results *r = an_results_open(path, err);
    if (r == NULL)
        return err != NULL ? err->status : SIM_IO;
    probe_names p = {.names = names, .n = n_names};
    sim_status st = sim_h5_vars_scan(r->h5, probe_pick, &p, err);
    an_results_close(r);
    return st;
}

/* ---- queries ---- */

const char *an_results_path(const an_results *r)
{
    return r->path;
}

const char *an_results_attr(const an_results *r, const char *name)
{
    return sim_h5_reader_attr(r->rd, name);
}

int an_results_crn(const an_results *r)
{
    return r->crn;
}

int an_results_complete(const an_results *r)
{
    return r->complete;
}

size_t an_results_n_runs(const an_results *r)
{
    return r->n_runs;
}

size_t an_results_n_complete(const an_results *r)
{
    return r->n_complete;
}

int an_results_run_status(const an_results *r, size_t run)
{
    return sim_h5_reader_run_status(r->rd, run);
}

int64_t an_results_run_design(const an_results *r, size_t run)
{
    return run < r->n_runs ? (int64_t)r->design[run] : -1;
}

int64_t an_results_run_replication(const an_results *r, size_t run)
{
    return run < r->n_runs ? (int64_t)r->replication[run] : -1;
}

int32_t an_results_run_variant(const an_results *r, size_t run)
{
    return run < r->n_runs ? (int32_t)r->variant[run] : -1;
}

size_t an_results_n_variants(const an_results *r)
{
    return r->n_variants;
}

const char *an_results_variant_name(const an_results *r, size_t v)
{
    return v < r->n_variants ? r->variant_names[v] : NULL;
}

int an_results_find_variant(const an_results *r, const char *name)
{
    for (size_t v = 0; name != NULL && v < r->n_variants; v++)
        if (strcmp(r->variant_names[v], name) == 0)
            return (int)v;
    return -1;
}

size_t an_results_n_designs(const an_results *r)
{
    return r->n_designs;
}

size_t an_results_n_factors(const an_results *r)
{
    return r->n_factors;
}

const an_factor *an_results_factor(const an_results *r, size_t f)
{
    return f < r->n_factors ? &r->factors[f] : NULL;
}

double an_results_factor_value(const an_results *r, size_t d, size_t f)
{
    return d < r->n_designs && f < r->n_factors ? r->factor_values[d * r->n_factors + f] : NAN;
}

int an_results_find_factor(const an_results *r, const char *name)
{
    for (size_t f = 0; name != NULL && f < r->n_factors; f++)
        if (strcmp(r->factors[f].var, name) == 0 || strcmp(r->factors[f].path, name) == 0)
            return (int)f;
    return -1;
}

size_t an_results_n_entities(const an_results *r)
{
    return r->n_entities;
}

const char *an_results_entity_dim(const an_results *r)
{
    return r->entity_dim != NULL ? r->entity_dim : "company";
}

const char *an_results_entity_name(const an_results *r, size_t e)
{
    return e < r->n_entities ? r->entity_names[e] : NULL;
}

int an_results_find_entity(const an_results *r, const char *name)
{
    for (size_t e = 0; name != NULL && e < r->n_entities; e++)
        if (strcmp(r->entity_names[e], name) == 0)
            return (int)e;
    return -1;
}

size_t an_results_n_time(const an_results *r)
{
    return r->n_time;
}

const double *an_results_time(const an_results *r)
{
    return r->time;
}

size_t an_results_n_vars(const an_results *r)
{
    return r->n_vars;
}

const an_var *an_results_var(const an_results *r, size_t i)
{
    return i < r->n_vars ? &r->vars[i] : NULL;
}

int an_results_find_var(const an_results *r, const char *name)
{
    for (size_t i = 0; name != NULL && i < r->n_vars; i++)
        if (strcmp(r->vars[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Levenshtein distance of a and b, bounded by the lengths used here (names < 64). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 63 || m > 63)
        return SIZE_MAX;
    size_t row[64];
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            best = up + 1 < best ? up + 1 : best;
            best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
            row[j] = best;
            diag = up;
        }
    }
    return row[m];
}

const char *an_results_suggest_var(const an_results *r, const char *name)
{
    size_t best = SIZE_MAX, limit = name != NULL ? strlen(name) / 3 + 1 : 0;
    const char *found = NULL;
    for (size_t i = 0; name != NULL && i < r->n_vars; i++) {
        size_t d = edit_distance(name, r->vars[i].name);
        if (d < best && d <= (limit > 3 ? 3 : limit)) {
            best = d;
            found = r->vars[i].name;
        }
    }
    return found;
}

sim_status an_results_read(an_results *r, size_t var, size_t entity, size_t time, double *out,
                           sim_error *err)
{
    if (var >= r->n_vars)
        return sim_error_set(err, SIM_INVALID, "%s: no variable %zu", r->path, var);
    an_shape s = r->vars[var].shape;
    bool has_t = s == AN_SHAPE_RUN_TIME || s == AN_SHAPE_RUN_TIME_ENTITY;
    bool has_e = s == AN_SHAPE_RUN_ENTITY || s == AN_SHAPE_RUN_TIME_ENTITY;
    if ((has_e ? entity >= r->n_entities : entity != 0) || (has_t ? time >= r->n_time : time != 0))
        return sim_error_set(err, SIM_INVALID, "%s: %s has no %s %zu / time %zu", r->path,
                             r->vars[var].name, an_results_entity_dim(r), entity, time);
    uint64_t start[3] = {0, 0, 0}, count[3] = {r->n_runs, 1, 1};
    int k = 1;
    if (has_t)
        start[k++] = time;
    if (has_e)
        start[k++] = entity;
    sim_status st = sim_h5_vars_read(r->h5, r->var_ds[var], start, count, out, err);
    for (size_t i = 0; st == SIM_OK && i < r->n_runs; i++)
        if (sim_h5_reader_run_status(r->rd, i) != 1)
            out[i] = NAN;
    return st;
}
