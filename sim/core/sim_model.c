/*
 * sim_model: the output catalog and the per-run record.
 *
 * The catalog owns copies of every string it is given, so models may pass literals or
 * temporaries. A record is one contiguous buffer of doubles with one offset per variable,
 * laid out in catalog order when the record is made; variables added to the catalog later
 * are not part of it. NaN marks "not computed", which a writer stores as the fill value.
 *
 * Event tables share one namespace with the variables, because a writer turns them into
 * datasets side by side: a table's dimension, and each "<dim>_<column>" (including the
 * reserved "<dim>_run"), must differ from every variable, every other table's names, the
 * entity dimension and the implicit dimensions "run" and "time". A record snapshots the
 * tables (and their column counts) when it is made; its rows live in one growable buffer
 * per table that sim_record_clear empties without freeing, so a runner that reuses records
 * allocates only while a table reaches its high-water mark.
 */
#include "sim_model.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CATALOG_INITIAL_VARS   16
#define CATALOG_INITIAL_TABLES 4
#define TABLE_INITIAL_COLS     8
#define TABLE_INITIAL_ROWS     64
/* The column every table gets from the writer: the run index of each row. */
#define TABLE_RUN_COLUMN "run"

typedef struct catalog_table {
    char *dim;
    char *long_name;
    sim_var *cols;  /* strings owned; name is the column's own name */
    char **full;    /* "<dim>_<column>" for each column */
    char *full_run; /* "<dim>_run" */
    size_t n_cols;
    size_t cap_cols;
} catalog_table;

typedef struct record_table {
    size_t n_cols; /* catalog column count when the record was made */
    size_t n_rows;
    size_t cap_rows;
    double *rows; /* n_rows x n_cols, row-major */
} record_table;

struct sim_catalog {
    char *entity_dim;
    size_t n_entity;
    size_t n_time;
    double *time;        /* n_time sample instants, NaN until set */
    char **entity_names; /* n_entity copies, NULL until set */
    sim_var *vars;       /* strings owned by the catalog */
    size_t n_vars;
    size_t cap_vars;
    catalog_table *tables;
    size_t n_tables;
    size_t cap_tables;
};

struct sim_record {
    const sim_catalog *cat;
    size_t n_vars;  /* catalog size when the record was made */
    size_t *offset; /* n_vars + 1 offsets into values */
    double *values;
    size_t n_tables; /* catalog table count when the record was made */
    record_table *tables;
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

static void table_free(catalog_table *t)
{
    for (size_t c = 0; c < t->n_cols; c++) {
        var_strings_free(&t->cols[c]);
        free(t->full[c]);
    }
    free(t->cols);
    free(t->full);
    free(t->full_run);
    free(t->long_name);
    free(t->dim);
}

void sim_catalog_free(sim_catalog *cat)
{
    if (cat == NULL)
        return;
    for (size_t i = 0; i < cat->n_vars; i++)
        var_strings_free(&cat->vars[i]);
    free(cat->vars);
    for (size_t i = 0; i < cat->n_tables; i++)
        table_free(&cat->tables[i]);
    free(cat->tables);
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

/* True when name is a table's dimension or one of its column datasets. */
static int table_name_taken(const sim_catalog *cat, const char *name)
{
    for (size_t i = 0; i < cat->n_tables; i++) {
        const catalog_table *t = &cat->tables[i];
        if (strcmp(t->dim, name) == 0 || strcmp(t->full_run, name) == 0)
            return 1;
        for (size_t c = 0; c < t->n_cols; c++)
            if (strcmp(t->full[c], name) == 0)
                return 1;
    }
    return 0;
}

/* Every name a table would add must be free of variables, tables and dimensions. */
static int name_taken(const sim_catalog *cat, const char *name)
{
    return sim_catalog_find(cat, name) >= 0 || table_name_taken(cat, name) ||
           strcmp(name, cat->entity_dim) == 0 || strcmp(name, "run") == 0 ||
           strcmp(name, "time") == 0;
}

int sim_catalog_add(sim_catalog *cat, const sim_var *var)
{
    if (var == NULL || !name_valid(var->name) || !shape_valid(var->shape) ||
        sim_catalog_find(cat, var->name) >= 0 || table_name_taken(cat, var->name) ||
        !vars_reserve(cat))
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

/* ---- event tables ---- */

/* "<dim>_<column>", or NULL when out of memory. */
static char *join_name(const char *dim, const char *column)
{
    size_t n = strlen(dim) + 1 + strlen(column) + 1;
    char *s = malloc(n);
    if (s != NULL)
        snprintf(s, n, "%s_%s", dim, column);
    return s;
}

static int tables_reserve(sim_catalog *cat)
{
    if (cat->n_tables < cat->cap_tables)
        return 1;
    if (cat->n_tables >= (size_t)INT_MAX)
        return 0;
    size_t cap = cat->cap_tables > 0 ? 2 * cat->cap_tables : CATALOG_INITIAL_TABLES;
    catalog_table *tables = realloc(cat->tables, cap * sizeof *tables);
    if (tables == NULL)
        return 0;
    cat->tables = tables;
    cat->cap_tables = cap;
    return 1;
}

int sim_catalog_add_table(sim_catalog *cat, const char *dim, const char *long_name)
{
    if (!name_valid(dim) || name_taken(cat, dim))
        return -1;
    catalog_table t = {.dim = string_copy(dim),
                       .long_name = string_copy(long_name),
                       .full_run = join_name(dim, TABLE_RUN_COLUMN)};
    if (t.dim == NULL || t.long_name == NULL || t.full_run == NULL || name_taken(cat, t.full_run) ||
        !tables_reserve(cat)) {
        table_free(&t);
        return -1;
    }
    cat->tables[cat->n_tables] = t;
    return (int)cat->n_tables++;
}

static int columns_reserve(catalog_table *t)
{
    if (t->n_cols < t->cap_cols)
        return 1;
    if (t->n_cols >= (size_t)INT_MAX)
        return 0;
    size_t cap = t->cap_cols > 0 ? 2 * t->cap_cols : TABLE_INITIAL_COLS;
    sim_var *cols = realloc(t->cols, cap * sizeof *cols);
    if (cols == NULL)
        return 0;
    t->cols = cols;
    char **full = realloc(t->full, cap * sizeof *full);
    if (full == NULL)
        return 0;
    t->full = full;
    t->cap_cols = cap;
    return 1;
}

int sim_catalog_add_column(sim_catalog *cat, size_t table, const sim_var *column)
{
    if (table >= cat->n_tables || column == NULL || !name_valid(column->name))
        return -1;
    catalog_table *t = &cat->tables[table];
    char *full = join_name(t->dim, column->name);
    if (full == NULL || name_taken(cat, full) || !columns_reserve(t)) {
        free(full);
        return -1;
    }
    sim_var copy = {.name = string_copy(column->name),
                    .units = string_copy(column->units),
                    .long_name = string_copy(column->long_name),
                    .shape = SIM_SHAPE_RUN};
    if (copy.name == NULL || copy.units == NULL || copy.long_name == NULL) {
        var_strings_free(&copy);
        free(full);
        return -1;
    }
    t->cols[t->n_cols] = copy;
    t->full[t->n_cols] = full;
    return (int)t->n_cols++;
}

size_t sim_catalog_table_count(const sim_catalog *cat)
{
    return cat->n_tables;
}

int sim_catalog_find_table(const sim_catalog *cat, const char *dim)
{
    if (dim == NULL)
        return -1;
    for (size_t i = 0; i < cat->n_tables; i++)
        if (strcmp(cat->tables[i].dim, dim) == 0)
            return (int)i;
    return -1;
}

const char *sim_catalog_table_dim(const sim_catalog *cat, size_t table)
{
    return table < cat->n_tables ? cat->tables[table].dim : NULL;
}

const char *sim_catalog_table_long_name(const sim_catalog *cat, size_t table)
{
    return table < cat->n_tables ? cat->tables[table].long_name : NULL;
}

size_t sim_catalog_table_ncols(const sim_catalog *cat, size_t table)
{
    return table < cat->n_tables ? cat->tables[table].n_cols : 0;
}

const sim_var *sim_catalog_table_column(const sim_catalog *cat, size_t table, size_t col)
{
    if (table >= cat->n_tables || col >= cat->tables[table].n_cols)
        return NULL;
    return &cat->tables[table].cols[col];
}

/* ---- records ---- */

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

/* Snapshot the catalog's tables; row storage comes with the first append. */
static int record_tables_alloc(sim_record *rec)
{
    const sim_catalog *cat = rec->cat;
    rec->tables = calloc(cat->n_tables > 0 ? cat->n_tables : 1, sizeof *rec->tables);
    if (rec->tables == NULL)
        return 0;
    rec->n_tables = cat->n_tables;
    for (size_t i = 0; i < rec->n_tables; i++)
        rec->tables[i].n_cols = cat->tables[i].n_cols;
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
    if (!record_tables_alloc(rec)) {
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
    if (rec->tables != NULL)
        for (size_t i = 0; i < rec->n_tables; i++)
            free(rec->tables[i].rows);
    free(rec->tables);
    free(rec->values);
    free(rec->offset);
    free(rec);
}

void sim_record_clear(sim_record *rec)
{
    size_t total = rec->offset[rec->n_vars];
    for (size_t i = 0; i < total; i++)
        rec->values[i] = NAN;
    for (size_t i = 0; i < rec->n_tables; i++)
        rec->tables[i].n_rows = 0;
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

/* Room for one more row; capacity doubles, checked against overflow. */
static int table_reserve(record_table *t)
{
    if (t->n_rows < t->cap_rows)
        return 1;
    size_t cap = t->cap_rows > 0 ? 2 * t->cap_rows : TABLE_INITIAL_ROWS;
    size_t width = t->n_cols > 0 ? t->n_cols : 1;
    if (cap <= t->cap_rows || cap > SIZE_MAX / sizeof(double) / width)
        return 0;
    double *rows = realloc(t->rows, cap * width * sizeof *rows);
    if (rows == NULL)
        return 0;
    t->rows = rows;
    t->cap_rows = cap;
    return 1;
}

sim_status sim_record_table_append(sim_record *rec, size_t table, const double *row)
{
    if (table >= rec->n_tables || (row == NULL && rec->tables[table].n_cols > 0))
        return SIM_INTERNAL;
    record_table *t = &rec->tables[table];
    if (!table_reserve(t))
        return SIM_NOMEM;
    if (t->n_cols > 0)
        memcpy(t->rows + t->n_rows * t->n_cols, row, t->n_cols * sizeof *row);
    t->n_rows++;
    return SIM_OK;
}

size_t sim_record_table_rows(const sim_record *rec, size_t table)
{
    return table < rec->n_tables ? rec->tables[table].n_rows : 0;
}

const double *sim_record_table_data(const sim_record *rec, size_t table)
{
    if (table >= rec->n_tables || rec->tables[table].n_rows == 0)
        return NULL;
    return rec->tables[table].rows;
}

/* ---- transport ---- */

#define PACK_MAGIC          0x45545250u /* "ETRP" */
#define PACK_MAX_EMPTY_ROWS (1u << 24)

static size_t pack_header_words(const sim_record *rec)
{
    return 4 + 2 * rec->n_tables;
}

size_t sim_record_packed_size(const sim_record *rec)
{
    size_t n =
        pack_header_words(rec) * sizeof(uint64_t) + rec->offset[rec->n_vars] * sizeof(double);
    for (size_t i = 0; i < rec->n_tables; i++)
        n += rec->tables[i].n_rows * rec->tables[i].n_cols * sizeof(double);
    return n;
}

static unsigned char *put_word(unsigned char *p, uint64_t w)
{
    memcpy(p, &w, sizeof w);
    return p + sizeof w;
}

sim_status sim_record_pack(const sim_record *rec, void *buf, size_t size)
{
    if (rec == NULL || buf == NULL || size < sim_record_packed_size(rec))
        return SIM_INTERNAL;
    unsigned char *p = buf;
    p = put_word(p, PACK_MAGIC);
    p = put_word(p, rec->n_vars);
    p = put_word(p, rec->offset[rec->n_vars]);
    p = put_word(p, rec->n_tables);
    for (size_t i = 0; i < rec->n_tables; i++) {
        p = put_word(p, rec->tables[i].n_cols);
        p = put_word(p, rec->tables[i].n_rows);
    }
    size_t nv = rec->offset[rec->n_vars] * sizeof(double);
    if (nv > 0)
        memcpy(p, rec->values, nv);
    p += nv;
    for (size_t i = 0; i < rec->n_tables; i++) {
        size_t n = rec->tables[i].n_rows * rec->tables[i].n_cols * sizeof(double);
        if (n > 0)
            memcpy(p, rec->tables[i].rows, n);
        p += n;
    }
    return SIM_OK;
}

static uint64_t get_word(const unsigned char *buf, size_t i)
{
    uint64_t w;
    memcpy(&w, buf + i * sizeof w, sizeof w);
    return w;
}

/* The header of buf against rec's layout; *data_bytes: the values and rows that follow. */
static sim_status unpack_check(const sim_record *rec, const unsigned char *buf, size_t size,
                               size_t *data_bytes, sim_error *err)
{
    size_t words = pack_header_words(rec);
    if (size < 4 * sizeof(uint64_t) || get_word(buf, 0) != PACK_MAGIC)
        return sim_error_set(err, SIM_INVALID, "packed record: no header");
    if (get_word(buf, 1) != rec->n_vars || get_word(buf, 2) != rec->offset[rec->n_vars] ||
        get_word(buf, 3) != rec->n_tables || size < words * sizeof(uint64_t))
        return sim_error_set(err, SIM_INVALID, "packed record: another output layout");
    size_t avail = (size - words * sizeof(uint64_t)) / sizeof(double);
    size_t need = rec->offset[rec->n_vars];
    if (need > avail)
        return sim_error_set(err, SIM_INVALID, "packed record: truncated values");
    for (size_t i = 0; i < rec->n_tables; i++) {
        uint64_t cols = get_word(buf, 4 + 2 * i), rows = get_word(buf, 5 + 2 * i);
        if (cols != rec->tables[i].n_cols)
            return sim_error_set(err, SIM_INVALID, "packed record: table %zu has other columns", i);
        uint64_t n = cols == 0 ? 0 : rows;
        if (cols > 0 && rows > (avail - need) / cols)
            return sim_error_set(err, SIM_INVALID, "packed record: truncated table %zu", i);
        /* Rows of a table without columns take no bytes: bound them so that a forged count
         * cannot make the receiver allocate without limit. */
        if (cols == 0 && rows > PACK_MAX_EMPTY_ROWS)
            return sim_error_set(err, SIM_INVALID, "packed record: table %zu is too long", i);
        need += (size_t)n * (size_t)cols;
    }
    if (words * sizeof(uint64_t) + need * sizeof(double) != size)
        return sim_error_set(err, SIM_INVALID, "packed record: %zu bytes, expected %zu", size,
                             words * sizeof(uint64_t) + need * sizeof(double));
    *data_bytes = need * sizeof(double);
    return SIM_OK;
}

/* Room for n rows of table t (capacity only grows). */
static int table_reserve_rows(record_table *t, size_t n)
{
    if (n <= t->cap_rows)
        return 1;
    size_t width = t->n_cols > 0 ? t->n_cols : 1;
    if (n > SIZE_MAX / sizeof(double) / width)
        return 0;
    double *rows = realloc(t->rows, n * width * sizeof *rows);
    if (rows == NULL)
        return 0;
    t->rows = rows;
    t->cap_rows = n;
    return 1;
}

sim_status sim_record_unpack(sim_record *rec, const void *buf, size_t size, sim_error *err)
{
    if (rec == NULL || buf == NULL)
        return sim_error_set(err, SIM_INVALID, "packed record: nothing to unpack");
    const unsigned char *b = buf;
    size_t data = 0;
    sim_record_clear(rec);
    sim_status st = unpack_check(rec, b, size, &data, err);
    if (st != SIM_OK)
        return st;
    const unsigned char *p = b + pack_header_words(rec) * sizeof(uint64_t);
    size_t nv = rec->offset[rec->n_vars] * sizeof(double);
    if (nv > 0)
        memcpy(rec->values, p, nv);
    p += nv;
    for (size_t i = 0; i < rec->n_tables; i++) {
        record_table *t = &rec->tables[i];
        size_t rows = (size_t)get_word(b, 5 + 2 * i);
        if (!table_reserve_rows(t, rows)) {
            sim_record_clear(rec);
            return sim_error_set(err, SIM_NOMEM, "packed record: out of memory for %zu rows", rows);
        }
        size_t n = rows * t->n_cols * sizeof(double);
        if (n > 0)
            memcpy(t->rows, p, n);
        p += n;
        t->n_rows = rows;
    }
    return SIM_OK;
}
