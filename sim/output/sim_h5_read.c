/*
 * sim_h5_read: a results file read back, run by run, for resume and merge. Contract in
 * sim_h5.h.
 *
 * What is small and needed by every caller is read once at open: the run statuses, the
 * completeness flag and the string root attributes (the resolved scenario, the sweep
 * fingerprint), so the queries are const and cannot fail. What depends on the caller's
 * catalog is checked on the first read with that catalog: every variable's dataset is
 * opened and its shape compared by dimension names and lengths, so that a record is never
 * filled from a dataset of another meaning. Table rows are found through an index of each
 * table's `<dim>_run` built on first use; rows beyond the shortest dataset of a table, rows
 * whose run is -1 (the fill value: extended by an append that failed), rows belonging to
 * runs that are not complete, and (in files of writers whose fill value was 0) a tail of
 * run-0 rows after other runs' rows are leftovers of an interrupted append and are never
 * read.
 *
 * The file may be damaged or foreign: every read checks the type class and the extent first.
 */
#include "sim_h5.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "sim_h5_internal.h"

/* The largest text attribute read at all (a resolved scenario is far smaller). */
#define STORED_TEXT_MAX ((size_t)1 << 26)
#define ATTRS_INITIAL   32
/* deflate never compresses more than about 1032:1. */
#define DEFLATE_MAX_RATIO 1032

typedef struct reader_attr {
    char *name;
    char *value;
} reader_attr;

/* A table of the checked catalog: its datasets and, once built, the run index. */
typedef struct reader_table {
    char dim[SIM_H5_NAME_MAX];
    size_t n_cols;
    hid_t *ds; /* [0] <dim>_run, [1 + c] column c */
    bool indexed;
    size_t *first; /* n_runs: first row of each run */
    size_t *count; /* n_runs: rows of each run */
} reader_table;

struct sim_h5_reader {
    char *path;
    hid_t file;
    bool reader_only;
    hsize_t file_size; /* bytes, as HDF5 sees the file */
    size_t n_runs;
    int8_t *status;
    int complete;
    reader_attr *attrs;
    size_t n_attrs, cap_attrs;
    char message[SIM_H5_MESSAGE_LEN + 1];
    /* What the last checked catalog needs; checked == NULL before the first read. */
    const sim_catalog *checked;
    size_t n_vars;
    hid_t *vars;
    size_t n_tables;
    reader_table *tables;
    double *rows; /* scratch: one run's table values, column by column, then one row */
    size_t rows_cap;
};

/* ---- opening ---- */

static bool has_text_attr(hid_t obj, const char *name)
{
    if (H5Aexists(obj, name) <= 0)
        return false;
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t type = attr >= 0 ? H5Aget_type(attr) : -1;
    hid_t space = attr >= 0 ? H5Aget_space(attr) : -1;
    bool text = type >= 0 && space >= 0 && H5Tget_class(type) == H5T_STRING &&
                H5Sget_simple_extent_npoints(space) == 1;
    sim_h5__close_id(space);
    sim_h5__close_id(type);
    sim_h5__close_id(attr);
    return text;
}

sim_status sim_h5__open_results(const char *path, hid_t *file, bool *reader_only, sim_error *err)
{
    struct stat st;
    *file = -1;
    *reader_only = false;
    if (stat(path, &st) != 0)
        return sim_error_set(err, SIM_NOINPUT, "cannot open %s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return sim_error_set(err, SIM_IO, "%s is not a readable HDF5 file: it is a directory",
                             path);
    hid_t fapl = sim_h5__fapl(false);
    *file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    if (*file < 0) {
        sim_status status = sim_h5__fail(err, SIM_IO, "%s is not a readable HDF5 file", path);
        /* A damaged file makes a SWMR reader retry each metadata read (100 times by
         * default, with waits): minutes per file. Ten attempts still ride out a writer that
         * is live, and fail fast on a file that is broken. */
        H5Pset_metadata_read_attempts(fapl, 10);
        *file = H5Fopen(path, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl);
        *reader_only = *file >= 0;
        if (*file < 0) {
            sim_h5__close_id(fapl);
            return status;
        }
        sim_error_clear(err);
    }
    sim_h5__close_id(fapl);
    if (!has_text_attr(*file, "ecotwin_version")) {
        H5Fclose(*file);
        *file = -1;
        return sim_error_set(err, SIM_NOINPUT,
                             "%s: not an ecotwin results file (no ecotwin_version attribute)",
                             path);
    }
    return SIM_OK;
}

/* ---- root attributes ---- */

char *sim_h5__attr_text(hid_t attr, size_t max)
{
    hid_t type = H5Aget_type(attr);
    hid_t space = H5Aget_space(attr);
    char *text = NULL;
    if (type >= 0 && space >= 0 && H5Tget_class(type) == H5T_STRING &&
        H5Sget_simple_extent_npoints(space) == 1) {
        if (H5Tis_variable_str(type) > 0) {
            char *stored = NULL;
            if (H5Aread(attr, type, &stored) >= 0 && stored != NULL)
                text = strndup(stored, max);
            if (stored != NULL)
                H5free_memory(stored);
        } else {
            size_t size = H5Tget_size(type);
            text = size > 0 && size <= max ? calloc(size + 1, 1) : NULL;
            if (text != NULL && H5Aread(attr, type, text) < 0) {
                free(text);
                text = NULL;
            }
        }
    }
    sim_h5__close_id(space);
    sim_h5__close_id(type);
    return text;
}

static bool attrs_reserve(sim_h5_reader *r)
{
    if (r->n_attrs < r->cap_attrs)
        return true;
    size_t cap = r->cap_attrs > 0 ? 2 * r->cap_attrs : ATTRS_INITIAL;
    reader_attr *attrs = realloc(r->attrs, cap * sizeof *attrs);
    if (attrs == NULL)
        return false;
    r->attrs = attrs;
    r->cap_attrs = cap;
    return true;
}

/* Keeps every string attribute; others are skipped. Stops (1) only when out of memory. */
static herr_t keep_attr(hid_t obj, const char *name, const H5A_info_t *info, void *data)
{
    sim_h5_reader *r = data;
    (void)info;
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    /* A fixed-length text is stored whole in the file, so one longer than the file is
     * damage and is not allocated. */
    size_t max = r->file_size < STORED_TEXT_MAX ? (size_t)r->file_size : STORED_TEXT_MAX;
    char *value = attr >= 0 ? sim_h5__attr_text(attr, max) : NULL;
    sim_h5__close_id(attr);
    if (value == NULL)
        return 0;
    char *copy = strdup(name);
    if (copy == NULL || !attrs_reserve(r)) {
        free(copy);
        free(value);
        return 1;
    }
    r->attrs[r->n_attrs++] = (reader_attr){.name = copy, .value = value};
    return 0;
}

static sim_status read_attrs(sim_h5_reader *r, sim_error *err)
{
    /* Native order: HDF5 walks the attribute index in place. Any other order first builds a
     * table of the attributes, whose release HDF5 1.10.8 gets wrong on some damaged files
     * (as for links: see list_root in sim_h5_inspect.c); lookups are by name anyway. */
    hsize_t at = 0;
    if (H5Aiterate2(r->file, H5_INDEX_NAME, H5_ITER_NATIVE, &at, keep_attr, r) > 0)
        return sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    int64_t complete = 0;
    hid_t attr =
        H5Aexists(r->file, "complete") > 0 ? H5Aopen(r->file, "complete", H5P_DEFAULT) : -1;
    hid_t space = attr >= 0 ? H5Aget_space(attr) : -1;
    if (space >= 0 && H5Sget_simple_extent_npoints(space) == 1 &&
        H5Aread(attr, H5T_NATIVE_INT64, &complete) >= 0)
        r->complete = complete == 1;
    sim_h5__close_id(space);
    sim_h5__close_id(attr);
    return SIM_OK;
}

/* ---- datasets ---- */

hid_t sim_h5__open_dataset(hid_t file, const char *name)
{
    if (H5Lexists(file, name, H5P_DEFAULT) <= 0 || H5Oexists_by_name(file, name, H5P_DEFAULT) <= 0)
        return -1;
    H5O_info_t info;
#if H5_VERSION_GE(1, 12, 0)
    if (H5Oget_info_by_name3(file, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
#else
    if (H5Oget_info_by_name2(file, name, &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0)
#endif
        return -1;
    return info.type == H5O_TYPE_DATASET ? H5Dopen2(file, name, H5P_DEFAULT) : -1;
}

int sim_h5__extent(hid_t ds, hsize_t dims[H5S_MAX_RANK])
{
    hid_t space = H5Dget_space(ds);
    int rank = space >= 0 ? H5Sget_simple_extent_dims(space, dims, NULL) : -1;
    sim_h5__close_id(space);
    return rank;
}

static bool type_class_is(hid_t ds, H5T_class_t want)
{
    hid_t type = H5Dget_type(ds);
    bool is = type >= 0 && H5Tget_class(type) == want;
    sim_h5__close_id(type);
    return is;
}

bool sim_h5__read_slab(hid_t ds, hid_t mtype, int rank, const hsize_t *start, const hsize_t *count,
                       void *buf)
{
    hsize_t total = 1;
    for (int i = 0; i < rank; i++)
        total *= count[i];
    if (total == 0)
        return true;
    hid_t fspace = H5Dget_space(ds);
    hid_t mspace = H5Screate_simple(1, &total, NULL);
    bool done = fspace >= 0 && mspace >= 0 &&
                H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
                H5Dread(ds, mtype, mspace, fspace, H5P_DEFAULT, buf) >= 0;
    sim_h5__close_id(fspace);
    sim_h5__close_id(mspace);
    return done;
}

bool sim_h5__runs_plausible(hid_t file, const char *path, hsize_t n_runs, sim_error *err)
{
    hsize_t size = 0;
    if (H5Fget_filesize(file, &size) < 0)
        size = 0;
    if (n_runs <= SIM_H5_MAX_RUNS && n_runs <= size)
        return true;
    sim_error_set(err, SIM_IO,
                  "%s: damaged results file: %s claims %llu runs, more than the file can hold "
                  "(%llu bytes; at most %llu runs)",
                  path, SIM_H5_RUN_STATUS, (unsigned long long)n_runs, (unsigned long long)size,
                  (unsigned long long)SIM_H5_MAX_RUNS);
    return false;
}

static sim_status read_status(sim_h5_reader *r, sim_error *err)
{
    hid_t ds = sim_h5__open_dataset(r->file, SIM_H5_RUN_STATUS);
    hsize_t dims[H5S_MAX_RANK] = {0};
    bool shaped = ds >= 0 && sim_h5__extent(ds, dims) == 1 && type_class_is(ds, H5T_INTEGER);
    if (shaped && !sim_h5__runs_plausible(r->file, r->path, dims[0], err)) {
        sim_h5__close_id(ds);
        return SIM_IO;
    }
    r->n_runs = shaped ? (size_t)dims[0] : 0;
    r->status = shaped ? malloc(r->n_runs > 0 ? r->n_runs : 1) : NULL;
    hsize_t start = 0;
    bool done =
        r->status != NULL && sim_h5__read_slab(ds, H5T_NATIVE_INT8, 1, &start, dims, r->status);
    sim_h5__close_id(ds);
    if (shaped && r->status == NULL)
        return sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    if (!done)
        return sim_error_set(err, SIM_IO, "%s: damaged results file: no readable %s(%s)", r->path,
                             SIM_H5_RUN_STATUS, SIM_H5_RUN);
    return SIM_OK;
}

/* ---- reader lifetime ---- */

static void tables_close(sim_h5_reader *r)
{
    for (size_t t = 0; r->tables != NULL && t < r->n_tables; t++) {
        reader_table *table = &r->tables[t];
        for (size_t i = 0; table->ds != NULL && i <= table->n_cols; i++)
            sim_h5__close_id(table->ds[i]);
        free(table->ds);
        free(table->first);
        free(table->count);
    }
    free(r->tables);
    r->tables = NULL;
    r->n_tables = 0;
}

/* Forget the checked catalog and everything opened for it. */
static void unchecked(sim_h5_reader *r)
{
    for (size_t i = 0; r->vars != NULL && i < r->n_vars; i++)
        sim_h5__close_id(r->vars[i]);
    free(r->vars);
    r->vars = NULL;
    r->n_vars = 0;
    tables_close(r);
    r->checked = NULL;
}

void sim_h5_reader_close(sim_h5_reader *r)
{
    if (r == NULL)
        return;
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    unchecked(r);
    if (r->file >= 0)
        H5Fclose(r->file);
    sim_h5__mute_end(&mute);
    for (size_t i = 0; i < r->n_attrs; i++) {
        free(r->attrs[i].name);
        free(r->attrs[i].value);
    }
    free(r->attrs);
    free(r->status);
    free(r->rows);
    free(r->path);
    free(r);
}

static sim_status reader_load(sim_h5_reader *r, sim_error *err)
{
    sim_status st = sim_h5__open_results(r->path, &r->file, &r->reader_only, err);
    if (st == SIM_OK && H5Fget_filesize(r->file, &r->file_size) < 0)
        r->file_size = 0;
    if (st == SIM_OK)
        st = read_status(r, err);
    return st != SIM_OK ? st : read_attrs(r, err);
}

sim_h5_reader *sim_h5_open_read(const char *path, sim_error *err)
{
    if (path == NULL) {
        sim_error_set(err, SIM_INTERNAL, "sim_h5_open_read: missing path");
        return NULL;
    }
    sim_h5_reader *r = calloc(1, sizeof *r);
    if (r == NULL || (r->path = strdup(path)) == NULL) {
        free(r);
        sim_error_set(err, SIM_NOMEM, "%s: out of memory", path);
        return NULL;
    }
    r->file = -1;
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    sim_status st = reader_load(r, err);
    sim_h5__mute_end(&mute);
    if (st != SIM_OK) {
        sim_h5_reader_close(r);
        return NULL;
    }
    return r;
}

size_t sim_h5_reader_n_runs(const sim_h5_reader *r)
{
    return r->n_runs;
}

int sim_h5_reader_run_status(const sim_h5_reader *r, size_t run)
{
    return run < r->n_runs ? r->status[run] : -1;
}

const char *sim_h5_reader_attr(const sim_h5_reader *r, const char *name)
{
    for (size_t i = 0; name != NULL && i < r->n_attrs; i++)
        if (strcmp(r->attrs[i].name, name) == 0)
            return r->attrs[i].value;
    return NULL;
}

int sim_h5_reader_complete(const sim_h5_reader *r)
{
    return r->complete;
}

const char *sim_h5_reader_run_message(sim_h5_reader *r, size_t run)
{
    if (run >= r->n_runs)
        return NULL;
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    hid_t ds = sim_h5__open_dataset(r->file, SIM_H5_RUN_MESSAGE);
    hsize_t dims[H5S_MAX_RANK] = {0};
    bool shaped = ds >= 0 && sim_h5__extent(ds, dims) == 2 && dims[0] == r->n_runs &&
                  dims[1] <= SIM_H5_MESSAGE_LEN && type_class_is(ds, H5T_STRING);
    hsize_t start[2] = {run, 0}, count[2] = {1, dims[1]};
    memset(r->message, 0, sizeof r->message);
    bool done = shaped && sim_h5__read_slab(ds, H5T_C_S1, 2, start, count, r->message);
    sim_h5__close_id(ds);
    sim_h5__mute_end(&mute);
    return done ? r->message : NULL;
}

/* ---- checking a catalog against the file ---- */

static herr_t take_scale_path(hid_t dset, unsigned dim, hid_t scale, void *data)
{
    char *path = data;
    (void)dset;
    (void)dim;
    ssize_t len = H5Iget_name(scale, path, SIM_H5_NAME_MAX);
    if (len <= 0 || len >= SIM_H5_NAME_MAX)
        path[0] = '\0';
    return 1;
}

/* True when axis i of ds is the dimension named dim with length n. */
static bool axis_is(hid_t ds, unsigned axis, const hsize_t *dims, const char *dim, size_t n)
{
    char path[SIM_H5_NAME_MAX] = "";
    if (dims[axis] != n || H5DSget_num_scales(ds, axis) <= 0 ||
        H5DSiterate_scales(ds, axis, NULL, take_scale_path, path) < 0)
        return false;
    return path[0] == '/' && strcmp(path + 1, dim) == 0;
}

static bool shape_matches(const sim_h5_reader *r, hid_t ds, const sim_catalog *cat, sim_shape s)
{
    hsize_t dims[H5S_MAX_RANK];
    bool time = s == SIM_SHAPE_TIME || s == SIM_SHAPE_TIME_ENTITY;
    bool entity = s == SIM_SHAPE_ENTITY || s == SIM_SHAPE_TIME_ENTITY;
    int rank = 1 + time + entity;
    if (sim_h5__extent(ds, dims) != rank || !type_class_is(ds, H5T_FLOAT) ||
        !axis_is(ds, 0, dims, SIM_H5_RUN, r->n_runs))
        return false;
    unsigned axis = 1;
    if (time && !axis_is(ds, axis++, dims, SIM_H5_TIME, sim_catalog_n_time(cat)))
        return false;
    return !entity ||
           axis_is(ds, axis, dims, sim_catalog_entity_dim(cat), sim_catalog_n_entity(cat));
}

static const char *shape_text(sim_shape s)
{
    static const char *const text[] = {"(run)", "(run, <entity>)", "(run, time)",
                                       "(run, time, <entity>)"};
    return (unsigned)s < sizeof text / sizeof text[0] ? text[s] : "(?)";
}

static sim_status check_vars(sim_h5_reader *r, const sim_catalog *cat, sim_error *err)
{
    r->n_vars = sim_catalog_count(cat);
    r->vars = malloc((r->n_vars > 0 ? r->n_vars : 1) * sizeof *r->vars);
    if (r->vars == NULL) {
        r->n_vars = 0;
        return sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    }
    for (size_t i = 0; i < r->n_vars; i++)
        r->vars[i] = -1;
    for (size_t i = 0; i < r->n_vars; i++) {
        const sim_var *v = sim_catalog_var(cat, i);
        r->vars[i] = sim_h5__open_dataset(r->file, v->name);
        if (r->vars[i] < 0)
            return sim_error_set(err, SIM_INVALID, "%s: the file has no variable %s", r->path,
                                 v->name);
        if (!shape_matches(r, r->vars[i], cat, v->shape))
            return sim_error_set(err, SIM_INVALID,
                                 "%s: variable %s is not float64 %s with %s = %zu, time = %zu "
                                 "and run = %zu as the catalog says",
                                 r->path, v->name, shape_text(v->shape),
                                 sim_catalog_entity_dim(cat), sim_catalog_n_entity(cat),
                                 sim_catalog_n_time(cat), r->n_runs);
    }
    return SIM_OK;
}

/* One dataset of a table: 1-D along the table's dimension, of the given class. */
static sim_status open_table_ds(sim_h5_reader *r, const char *dim, const char *name,
                                H5T_class_t want, hid_t *ds, sim_error *err)
{
    hsize_t dims[H5S_MAX_RANK];
    *ds = sim_h5__open_dataset(r->file, name);
    if (*ds < 0)
        return sim_error_set(err, SIM_INVALID, "%s: the file has no table variable %s", r->path,
                             name);
    char path[SIM_H5_NAME_MAX] = "";
    bool along = sim_h5__extent(*ds, dims) == 1 && H5DSget_num_scales(*ds, 0) > 0 &&
                 H5DSiterate_scales(*ds, 0, NULL, take_scale_path, path) >= 0 && path[0] == '/' &&
                 strcmp(path + 1, dim) == 0;
    if (!along || !type_class_is(*ds, want))
        return sim_error_set(err, SIM_INVALID, "%s: table variable %s is not a %s column along %s",
                             r->path, name, want == H5T_FLOAT ? "float" : "integer", dim);
    return SIM_OK;
}

static sim_status check_table(sim_h5_reader *r, const sim_catalog *cat, size_t t, sim_error *err)
{
    reader_table *table = &r->tables[t];
    char name[2 * SIM_H5_NAME_MAX];
    snprintf(table->dim, sizeof table->dim, "%s", sim_catalog_table_dim(cat, t));
    table->n_cols = sim_catalog_table_ncols(cat, t);
    table->ds = malloc((table->n_cols + 1) * sizeof *table->ds);
    if (table->ds == NULL) {
        table->n_cols = 0;
        return sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    }
    for (size_t i = 0; i <= table->n_cols; i++)
        table->ds[i] = -1;
    snprintf(name, sizeof name, "%s%s", table->dim, SIM_H5_TABLE_RUN_SUF);
    sim_status st = open_table_ds(r, table->dim, name, H5T_INTEGER, &table->ds[0], err);
    for (size_t c = 0; c < table->n_cols && st == SIM_OK; c++) {
        snprintf(name, sizeof name, "%s_%s", table->dim, sim_catalog_table_column(cat, t, c)->name);
        st = open_table_ds(r, table->dim, name, H5T_FLOAT, &table->ds[1 + c], err);
    }
    return st;
}

static sim_status check_catalog(sim_h5_reader *r, const sim_catalog *cat, sim_error *err)
{
    if (r->checked == cat && r->n_vars == sim_catalog_count(cat) &&
        r->n_tables == sim_catalog_table_count(cat))
        return SIM_OK;
    unchecked(r);
    sim_status st = check_vars(r, cat, err);
    size_t n = sim_catalog_table_count(cat);
    r->tables = st == SIM_OK ? calloc(n > 0 ? n : 1, sizeof *r->tables) : NULL;
    if (st == SIM_OK && r->tables == NULL)
        st = sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    if (r->tables != NULL)
        r->n_tables = n;
    for (size_t t = 0; t < r->n_tables && st == SIM_OK; t++)
        st = check_table(r, cat, t, err);
    if (st != SIM_OK)
        unchecked(r);
    else
        r->checked = cat;
    return st;
}

/* ---- the run index of a table ---- */

/* Rows of the run column that can hold a run: those in allocated storage. Rows past it were
 * extended but never written (a failed append: they read as the fill value -1), and a crafted
 * extent (2^40 rows in a small file) must not size an allocation. Uncompressed, a row takes
 * 8 bytes of storage; compressed (not written by ecotwin), at most deflate's ratio. */
static hsize_t stored_rows(hid_t ds, hid_t file)
{
    hid_t dcpl = H5Dget_create_plist(ds);
    int filters = dcpl >= 0 ? H5Pget_nfilters(dcpl) : -1;
    sim_h5__close_id(dcpl);
    if (filters == 0)
        return H5Dget_storage_size(ds) / sizeof(int64_t);
    hsize_t size = 0;
    if (H5Fget_filesize(file, &size) < 0)
        return 0;
    return size < ((hsize_t)1 << 40) ? size * DEFLATE_MAX_RATIO / sizeof(int64_t) : 0;
}

/* Rows every dataset of the table has: rows past the shortest were never all written. */
static hsize_t table_rows(const sim_h5_reader *r, const reader_table *table)
{
    hsize_t rows = 0, dims[H5S_MAX_RANK];
    for (size_t i = 0; i <= table->n_cols; i++) {
        hsize_t n = sim_h5__extent(table->ds[i], dims) == 1 ? dims[0] : 0;
        rows = i == 0 || n < rows ? n : rows;
    }
    hsize_t stored = stored_rows(table->ds[0], r->file);
    return rows < stored ? rows : stored;
}

/* True when every row from `from` on has run 0: the tail a failed append left in a file
 * written before `<dim>_run` got the fill value -1 (HDF5's default fill is 0). */
static bool zero_tail(const int64_t *runs, size_t from, size_t n_rows)
{
    for (size_t row = from; row < n_rows; row++)
        if (runs[row] != 0)
            return false;
    return true;
}

/* Record where each run's rows are. Leftovers are skipped: rows with run -1 (extended by an
 * append that failed), rows of runs that are not complete (a write cut short), and, in files
 * of older writers, a tail of rows of run 0 after run 0's own rows. A run out of range, or a
 * complete run met again after another run, is damage. */
static sim_status index_rows(sim_h5_reader *r, reader_table *table, const int64_t *runs,
                             size_t n_rows, sim_error *err)
{
    for (size_t row = 0; row < n_rows; row++) {
        int64_t run = runs[row];
        if (run == SIM_H5_TABLE_NO_RUN)
            continue;
        if (run < 0 || (uint64_t)run >= r->n_runs)
            return sim_error_set(err, SIM_IO, "%s: damaged table %s: row %zu has run %lld", r->path,
                                 table->dim, row, (long long)run);
        size_t k = (size_t)run;
        if (r->status[k] != SIM_H5_COMPLETE)
            continue;
        bool continues = row > 0 && runs[row - 1] == run;
        /* Runs append in increasing order, so run 0's rows can only open the table. */
        if (k == 0 && row > 0 && !continues && zero_tail(runs, row, n_rows))
            break;
        if (!continues && table->count[k] > 0) {
            return sim_error_set(err, SIM_IO,
                                 "%s: damaged table %s: rows of run %zu are not "
                                 "contiguous (row %zu)",
                                 r->path, table->dim, k, row);
        }
        if (!continues)
            table->first[k] = row;
        table->count[k]++;
    }
    return SIM_OK;
}

static sim_status build_index(sim_h5_reader *r, reader_table *table, sim_error *err)
{
    hsize_t n_rows = table_rows(r, table), start = 0;
    free(table->first);
    free(table->count);
    table->first = calloc(r->n_runs > 0 ? r->n_runs : 1, sizeof *table->first);
    table->count = calloc(r->n_runs > 0 ? r->n_runs : 1, sizeof *table->count);
    int64_t *runs = malloc(n_rows > 0 ? n_rows * sizeof *runs : 1);
    sim_status st = SIM_OK;
    if (table->first == NULL || table->count == NULL || runs == NULL)
        st = sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    else if (!sim_h5__read_slab(table->ds[0], H5T_NATIVE_INT64, 1, &start, &n_rows, runs))
        st = sim_h5__fail(err, SIM_IO, "%s: cannot read %s%s", r->path, table->dim,
                          SIM_H5_TABLE_RUN_SUF);
    else
        st = index_rows(r, table, runs, (size_t)n_rows, err);
    free(runs);
    table->indexed = st == SIM_OK;
    return st;
}

/* ---- reading a run ---- */

static bool rows_reserve(sim_h5_reader *r, size_t n)
{
    if (n <= r->rows_cap)
        return true;
    double *rows = realloc(r->rows, n * sizeof *rows);
    if (rows == NULL)
        return false;
    r->rows = rows;
    r->rows_cap = n;
    return true;
}

/* Columns are read whole for the run, then handed to the record row by row. */
static sim_status read_table_rows(sim_h5_reader *r, size_t t, size_t run, sim_record *rec,
                                  sim_error *err)
{
    reader_table *table = &r->tables[t];
    sim_status st = table->indexed ? SIM_OK : build_index(r, table, err);
    if (st != SIM_OK)
        return st;
    size_t n = table->count[run], w = table->n_cols;
    if (n == 0)
        return SIM_OK;
    if (n > (SIZE_MAX / sizeof(double) - w) / (w > 0 ? w : 1) || !rows_reserve(r, n * w + w))
        return sim_error_set(err, SIM_NOMEM, "%s: out of memory", r->path);
    hsize_t start = table->first[run], count = n;
    for (size_t c = 0; c < w; c++)
        if (!sim_h5__read_slab(table->ds[1 + c], H5T_NATIVE_DOUBLE, 1, &start, &count,
                               r->rows + c * n))
            return sim_h5__fail(err, SIM_IO, "%s: cannot read table %s of run %zu", r->path,
                                table->dim, run);
    double *row = r->rows + n * w;
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < w; c++)
            row[c] = r->rows[c * n + i];
        st = sim_record_table_append(rec, t, row);
        if (st != SIM_OK)
            return sim_error_set(err, st, "%s: cannot append row %zu of table %s to the record",
                                 r->path, i, table->dim);
    }
    return SIM_OK;
}

static sim_status read_vars(sim_h5_reader *r, size_t run, sim_record *rec, sim_error *err)
{
    const sim_catalog *cat = sim_record_catalog(rec);
    for (size_t i = 0; i < r->n_vars; i++) {
        hsize_t start[SIM_H5_MAX_RANK] = {run, 0, 0}, count[SIM_H5_MAX_RANK] = {1, 0, 0};
        hsize_t dims[H5S_MAX_RANK];
        int rank = sim_h5__extent(r->vars[i], dims);
        for (int k = 1; k < rank; k++)
            count[k] = dims[k];
        double *values = sim_record_values(rec, i);
        if (values == NULL)
            return sim_error_set(err, SIM_INVALID,
                                 "%s: the record was made before variable %s joined its catalog",
                                 r->path, sim_catalog_var(cat, i)->name);
        if (rank < 1 ||
            !sim_h5__read_slab(r->vars[i], H5T_NATIVE_DOUBLE, rank, start, count, values))
            return sim_h5__fail(err, SIM_IO, "%s: cannot read %s of run %zu", r->path,
                                sim_catalog_var(cat, i)->name, run);
    }
    return SIM_OK;
}

static sim_status check_run(const sim_h5_reader *r, size_t run, const sim_record *rec,
                            sim_error *err)
{
    if (rec == NULL)
        return sim_error_set(err, SIM_INTERNAL, "sim_h5_reader_read_run: no record");
    if (run >= r->n_runs)
        return sim_error_set(err, SIM_INVALID, "%s: run %zu out of range (the file has %zu runs)",
                             r->path, run, r->n_runs);
    if (r->status[run] != SIM_H5_COMPLETE)
        return sim_error_set(err, SIM_INVALID, "%s: run %zu is not complete (run_status %d)",
                             r->path, run, (int)r->status[run]);
    return SIM_OK;
}

sim_status sim_h5_reader_read_run(sim_h5_reader *r, size_t run, sim_record *rec, sim_error *err)
{
    sim_status st = check_run(r, run, rec, err);
    if (st != SIM_OK)
        return st;
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    st = check_catalog(r, sim_record_catalog(rec), err);
    if (st == SIM_OK) {
        sim_record_clear(rec);
        st = read_vars(r, run, rec, err);
    }
    for (size_t t = 0; t < r->n_tables && st == SIM_OK; t++)
        st = read_table_rows(r, t, run, rec, err);
    sim_h5__mute_end(&mute);
    return st;
}
