/*
 * sim_h5_layout: everything sim_h5_create puts into a new results file, in creation order:
 * provenance attributes, the dimensions (run, time, the entity dimension and the string
 * lengths), the design points of a sweep (sim_h5_design.c), the entity names, the run
 * coordinates, and one dataset per catalog variable; the event tables follow
 * (sim_h5_tables.c).
 * Layout contract in sim_h5.h; why strings are character arrays and the scenario is an
 * attribute is explained at the top of sim_h5.c.
 *
 * Every function takes the sticky-failure builder: it does nothing once a step has failed,
 * and the first failure is recorded with its HDF5 reason at the moment it happens.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_version.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include "sim_h5.h"
#include "sim_h5_internal.h"
#include "sim_version.h"

/* A chunk holds at most 1 MiB of float64, HDF5's default chunk cache size, so that writing
 * one run never evicts a half-written chunk. */
#define CHUNK_MAX_VALUES ((hsize_t)1 << 17)
/* run_message rows per chunk: 16 KiB of mostly empty, well-compressing text. */
#define MESSAGE_CHUNK_RUNS ((hsize_t)64)
/* A variable whose run holds less than this many bytes keeps several runs per chunk,
 * uncompressed: HDF5 then writes a run in place inside its chunk (no filter means no
 * read-modify-write), and a run costs one small write instead of a new compressed chunk,
 * whose zlib set-up and index entry cost far more than 8 bytes of data. */
#define SMALL_CHUNK_BYTES ((hsize_t)4096)
#define HOST_TEXT_LEN     256

/* ---- sticky-failure builder ---- */

bool sim_h5__ok(sim_h5__build *b, hid_t rc, const char *what, const char *name)
{
    if (rc < 0 && b->status == SIM_OK)
        b->status = sim_h5__fail(b->err, SIM_IO, "%s: cannot %s %s", b->path, what, name);
    return b->status == SIM_OK;
}

void sim_h5__close_id(hid_t id)
{
    if (id >= 0)
        H5Idec_ref(id);
}

static void put_attr(sim_h5__build *b, hid_t obj, const char *name, hid_t ftype, hid_t mtype,
                     hid_t space, const void *value)
{
    if (!sim_h5__ok(b, space, "describe attribute", name))
        return;
    hid_t attr = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (sim_h5__ok(b, attr, "create attribute", name))
        sim_h5__ok(b, H5Awrite(attr, mtype, value), "write attribute", name);
    sim_h5__close_id(attr);
}

/* Fixed-length string attribute with a scalar dataspace, as netCDF writes text. */
void sim_h5__put_text(sim_h5__build *b, hid_t obj, const char *name, const char *value)
{
    if (b->status != SIM_OK)
        return;
    const char *text = value != NULL ? value : "";
    size_t len = strlen(text);
    hid_t type = H5Tcopy(H5T_C_S1);
    if (sim_h5__ok(b, type, "make string type for", name) &&
        sim_h5__ok(b, H5Tset_size(type, len > 0 ? len : 1), "size string type for", name)) {
        hid_t space = H5Screate(H5S_SCALAR);
        put_attr(b, obj, name, type, type, space, text);
        sim_h5__close_id(space);
    }
    sim_h5__close_id(type);
}

/* Numeric attribute as a 1-D array of n values (CF wants arrays, even of one). */
void sim_h5__put_nums(sim_h5__build *b, hid_t obj, const char *name, hid_t ftype, hid_t mtype,
                      const void *values, size_t n)
{
    if (b->status != SIM_OK)
        return;
    hsize_t dim = n;
    hid_t space = H5Screate_simple(1, &dim, NULL);
    put_attr(b, obj, name, ftype, mtype, space, values);
    sim_h5__close_id(space);
}

/* ---- datasets ---- */

typedef sim_h5__ds_spec ds_spec;

static bool has_zero_dim(const ds_spec *s)
{
    for (int i = 0; i < s->rank; i++)
        if (s->dims[i] == 0)
            return true;
    return false;
}

static herr_t set_layout(hid_t dcpl, const ds_spec *s)
{
    /* Fixed-size chunked datasets cannot be empty; growing ones always are chunked. */
    bool chunked = s->chunk[0] > 0 && (s->unlimited || !has_zero_dim(s));
    herr_t rc = H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    if (rc >= 0 && chunked)
        rc = H5Pset_chunk(dcpl, s->rank, s->chunk);
    if (rc >= 0 && chunked && s->compress)
        rc = H5Pset_shuffle(dcpl);
    if (rc >= 0 && chunked && s->compress)
        rc = H5Pset_deflate(dcpl, SIM_H5_DEFLATE_LEVEL);
    if (rc >= 0 && s->fill != NULL)
        rc = H5Pset_fill_value(dcpl, s->fill_type, s->fill);
    if (rc >= 0 && s->early)
        rc = H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
    return rc;
}

hid_t sim_h5__new_dataset(sim_h5__build *b, const ds_spec *s, const hid_t *scales)
{
    if (b->status != SIM_OK)
        return -1;
    hsize_t max[SIM_H5_MAX_RANK];
    for (int i = 0; i < s->rank; i++)
        max[i] = i == 0 && s->unlimited ? H5S_UNLIMITED : s->dims[i];
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t space = H5Screate_simple(s->rank, s->dims, max);
    hid_t ds = -1;
    if (sim_h5__ok(b, dcpl, "make creation properties for", s->name) &&
        sim_h5__ok(b, space, "describe dataset", s->name) &&
        sim_h5__ok(b, set_layout(dcpl, s), "set the layout of", s->name)) {
        ds = H5Dcreate2(b->file, s->name, s->ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        sim_h5__ok(b, ds, "create dataset", s->name);
    }
    sim_h5__close_id(dcpl);
    sim_h5__close_id(space);
    for (int i = 0; scales != NULL && i < s->rank && b->status == SIM_OK; i++)
        if (scales[i] >= 0)
            sim_h5__ok(b, H5DSattach_scale(ds, scales[i], (unsigned)i), "attach a dimension to",
                       s->name);
    return ds;
}

static void write_all(sim_h5__build *b, hid_t ds, hid_t mtype, const void *buf, size_t n,
                      const char *name)
{
    if (b->status == SIM_OK && n > 0)
        sim_h5__ok(b, H5Dwrite(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), "write", name);
}

void sim_h5__nomem(sim_h5__build *b)
{
    if (b->status == SIM_OK)
        b->status = sim_error_set(b->err, SIM_NOMEM, "%s: out of memory", b->path);
}

/* ---- dimensions ---- */

typedef struct h5_dims {
    hid_t run, time, entity, name_len, message_len;
    hsize_t n_runs, n_time, n_entity, name_width;
} h5_dims;

/* A coordinate variable: 1-D dataset named like its dimension, made a dimension scale. */
static hid_t coordinate(sim_h5__build *b, const char *name, hid_t ftype, hid_t mtype, hsize_t n,
                        const void *values, const char *units, const char *long_name)
{
    ds_spec s = {.name = name, .ftype = ftype, .rank = 1, .dims = {n}};
    hid_t ds = sim_h5__new_dataset(b, &s, NULL);
    write_all(b, ds, mtype, values, n, name);
    if (b->status == SIM_OK)
        sim_h5__ok(b, H5DSset_scale(ds, name), "make a dimension of", name);
    sim_h5__put_text(b, ds, "units", units);
    sim_h5__put_text(b, ds, "long_name", long_name);
    return ds;
}

hid_t sim_h5__index_coordinate(sim_h5__build *b, const char *name, hsize_t n, bool wide,
                               const char *long_name)
{
    size_t width = wide ? sizeof(int64_t) : sizeof(int32_t);
    void *values = malloc(n > 0 ? n * width : 1);
    if (values == NULL) {
        sim_h5__nomem(b);
        return -1;
    }
    for (hsize_t i = 0; i < n; i++) {
        if (wide)
            ((int64_t *)values)[i] = (int64_t)i;
        else
            ((int32_t *)values)[i] = (int32_t)i;
    }
    hid_t ds =
        wide ? coordinate(b, name, H5T_STD_I64LE, H5T_NATIVE_INT64, n, values, "1", long_name)
             : coordinate(b, name, H5T_STD_I32LE, H5T_NATIVE_INT32, n, values, "1", long_name);
    free(values);
    return ds;
}

/* A dimension without a coordinate variable (the length of a character array). */
static hid_t dimension_only(sim_h5__build *b, const char *name, hsize_t n)
{
    ds_spec s = {.name = name, .ftype = H5T_IEEE_F32BE, .rank = 1, .dims = {n}};
    hid_t ds = sim_h5__new_dataset(b, &s, NULL);
    char label[96];
    snprintf(label, sizeof label, "%s%10d", SIM_H5_DIM_ONLY, (int)n);
    if (b->status == SIM_OK)
        sim_h5__ok(b, H5DSset_scale(ds, label), "make a dimension of", name);
    return ds;
}

static hsize_t name_width(const sim_catalog *cat)
{
    size_t width = 1;
    for (size_t i = 0; i < sim_catalog_n_entity(cat); i++) {
        size_t len = strlen(sim_catalog_entity_name(cat, i));
        width = len > width ? len : width;
    }
    return width;
}

static void make_dims(sim_h5__build *b, const sim_catalog *cat, size_t n_runs, h5_dims *d)
{
    const char *entity = sim_catalog_entity_dim(cat);
    char long_name[128];
    snprintf(long_name, sizeof long_name, "%s index", entity);
    d->n_runs = n_runs;
    d->n_time = sim_catalog_n_time(cat);
    d->n_entity = sim_catalog_n_entity(cat);
    d->name_width = name_width(cat);
    d->run = sim_h5__index_coordinate(b, SIM_H5_RUN, d->n_runs, true,
                                      "run index (design point x replication x variant)");
    d->time = coordinate(b, SIM_H5_TIME, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, d->n_time,
                         sim_catalog_time(cat), "h", "sample time since simulation start");
    d->entity = sim_h5__index_coordinate(b, entity, d->n_entity, false, long_name);
    d->name_len = dimension_only(b, SIM_H5_NAME_STRLEN, d->name_width);
    d->message_len = dimension_only(b, SIM_H5_MESSAGE_STRLEN, SIM_H5_MESSAGE_LEN);
}

static void close_dims(h5_dims *d)
{
    sim_h5__close_id(d->run);
    sim_h5__close_id(d->time);
    sim_h5__close_id(d->entity);
    sim_h5__close_id(d->name_len);
    sim_h5__close_id(d->message_len);
}

/* ---- run and entity coordinates ---- */

/* Character array (n, width) attached to (dim, width_dim), decoded as text by xarray. */
static hid_t char_array(sim_h5__build *b, const char *name, hid_t dim, hid_t width_dim, hsize_t n,
                        hsize_t width, hsize_t chunk_rows, const char *long_name)
{
    ds_spec s = {.name = name,
                 .ftype = H5T_C_S1,
                 .rank = 2,
                 .dims = {n, width},
                 .chunk = {chunk_rows, width},
                 .compress = chunk_rows > 0};
    hid_t scales[2] = {dim, width_dim};
    hid_t ds = sim_h5__new_dataset(b, &s, scales);
    sim_h5__put_text(b, ds, "long_name", long_name);
    sim_h5__put_text(b, ds, "_Encoding", "utf-8");
    return ds;
}

static void make_entity_names(sim_h5__build *b, const sim_catalog *cat, const h5_dims *d)
{
    char name[128], long_name[128];
    snprintf(name, sizeof name, "%s%s", sim_catalog_entity_dim(cat), SIM_H5_ENTITY_NAME_SUF);
    snprintf(long_name, sizeof long_name, "%s name", sim_catalog_entity_dim(cat));
    char *text = calloc(d->n_entity > 0 ? d->n_entity * d->name_width : 1, 1);
    if (text == NULL) {
        sim_h5__nomem(b);
        return;
    }
    for (size_t i = 0; i < d->n_entity; i++) {
        const char *entity = sim_catalog_entity_name(cat, i);
        memcpy(text + i * d->name_width, entity, strlen(entity));
    }
    hid_t ds =
        char_array(b, name, d->entity, d->name_len, d->n_entity, d->name_width, 0, long_name);
    write_all(b, ds, H5T_C_S1, text, d->n_entity, name);
    sim_h5__close_id(ds);
    free(text);
}

/* flag_meanings: the variant names separated by blanks (names are checked to have none). */
static char *join_names(const char *const *names, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(names[i]) + 1;
    char *text = malloc(len);
    if (text == NULL)
        return NULL;
    text[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(text, " ");
        strcat(text, names[i]);
    }
    return text;
}

static void variant_flags(sim_h5__build *b, hid_t ds, const sim_h5_runs *runs)
{
    size_t n = runs->n_variant_names;
    int32_t *values = malloc(n > 0 ? n * sizeof *values : 1);
    char *meanings = join_names(runs->variant_names, n);
    if (values == NULL || meanings == NULL)
        sim_h5__nomem(b);
    for (size_t i = 0; values != NULL && i < n; i++)
        values[i] = (int32_t)i;
    if (n > 0 && values != NULL && meanings != NULL) {
        sim_h5__put_nums(b, ds, "flag_values", H5T_STD_I32LE, H5T_NATIVE_INT32, values, n);
        sim_h5__put_text(b, ds, "flag_meanings", meanings);
    }
    free(values);
    free(meanings);
}

static void run_integers(sim_h5__build *b, const char *name, hid_t ftype, hid_t mtype,
                         const void *values, const h5_dims *d, const char *long_name)
{
    ds_spec s = {.name = name, .ftype = ftype, .rank = 1, .dims = {d->n_runs}};
    hid_t ds = sim_h5__new_dataset(b, &s, &d->run);
    write_all(b, ds, mtype, values, d->n_runs, name);
    sim_h5__put_text(b, ds, "units", "1");
    sim_h5__put_text(b, ds, "long_name", long_name);
    sim_h5__close_id(ds);
}

static void make_run_coords(sim_h5__build *b, const sim_h5_runs *runs, const h5_dims *d,
                            sim_h5__var *status_var, sim_h5__var *message_var)
{
    run_integers(b, SIM_H5_REPLICATION, H5T_STD_I64LE, H5T_NATIVE_INT64, runs->replication, d,
                 "replication index (0-based)");
    run_integers(b, SIM_H5_DESIGN, H5T_STD_I64LE, H5T_NATIVE_INT64, runs->design, d,
                 "design point index (0-based)");

    ds_spec variant = {.name = SIM_H5_VARIANT, .ftype = H5T_STD_I32LE, .rank = 1};
    variant.dims[0] = d->n_runs;
    hid_t ds = sim_h5__new_dataset(b, &variant, &d->run);
    write_all(b, ds, H5T_NATIVE_INT32, runs->variant, d->n_runs, SIM_H5_VARIANT);
    sim_h5__put_text(b, ds, "long_name", "scenario variant");
    variant_flags(b, ds, runs);
    sim_h5__close_id(ds);

    /* Written in SWMR mode: storage exists before, so no allocation happens then. */
    ds_spec status = {.name = SIM_H5_RUN_STATUS, .ftype = H5T_STD_I8LE, .rank = 1, .early = true};
    status.dims[0] = d->n_runs;
    status_var->ds = sim_h5__new_dataset(b, &status, &d->run);
    sim_h5__put_text(b, status_var->ds, "long_name", "run status");
    static const int8_t status_values[3] = {SIM_H5_NOT_RUN, SIM_H5_COMPLETE, SIM_H5_FAILED};
    sim_h5__put_nums(b, status_var->ds, "flag_values", H5T_STD_I8LE, H5T_NATIVE_INT8, status_values,
                     3);
    sim_h5__put_text(b, status_var->ds, "flag_meanings", "not_run complete failed");

    hid_t scales[2] = {d->run, d->message_len};
    hsize_t rows = d->n_runs < MESSAGE_CHUNK_RUNS ? d->n_runs : MESSAGE_CHUNK_RUNS;
    message_var->ds = char_array(b, SIM_H5_RUN_MESSAGE, scales[0], scales[1], d->n_runs,
                                 SIM_H5_MESSAGE_LEN, rows, "failure message of a failed run");
}

/* ---- model variables ---- */

static bool shape_has_time(sim_shape s)
{
    return s == SIM_SHAPE_TIME || s == SIM_SHAPE_TIME_ENTITY;
}

static bool shape_has_entity(sim_shape s)
{
    return s == SIM_SHAPE_ENTITY || s == SIM_SHAPE_TIME_ENTITY;
}

/* One run per chunk; the entity axis whole up to the cap, the time axis split to fit. */
/* Runs per chunk of a variable whose run holds `per_run` values: one when a run fills
 * SMALL_CHUNK_BYTES or more, else as many runs as fit. */
static hsize_t runs_per_chunk(hsize_t per_run, hsize_t n_runs)
{
    hsize_t bytes = per_run * sizeof(double);
    hsize_t k = bytes >= SMALL_CHUNK_BYTES || bytes == 0 ? 1 : SMALL_CHUNK_BYTES / bytes;
    return k < n_runs ? k : (n_runs > 0 ? n_runs : 1);
}

static void variable_layout(sim_shape shape, const h5_dims *d, ds_spec *s, hid_t *scales)
{
    hsize_t ce = d->n_entity < CHUNK_MAX_VALUES ? d->n_entity : CHUNK_MAX_VALUES;
    hsize_t per_time = ce > 0 && shape_has_entity(shape) ? CHUNK_MAX_VALUES / ce : CHUNK_MAX_VALUES;
    hsize_t ct = d->n_time < per_time ? d->n_time : per_time;
    s->rank = 0;
    s->dims[s->rank] = d->n_runs;
    s->chunk[s->rank] = 1;
    scales[s->rank++] = d->run;
    hsize_t per_run = 1;
    if (shape_has_time(shape))
        per_run *= d->n_time;
    if (shape_has_entity(shape))
        per_run *= d->n_entity;
    s->chunk[0] = runs_per_chunk(per_run, d->n_runs);
    s->compress = s->chunk[0] == 1;
    /* Shared chunks take their whole space at creation: a full disk then stops the layout,
     * not the first run, and a later run never needs room for them. */
    s->early = s->chunk[0] > 1;
    if (shape_has_time(shape)) {
        s->dims[s->rank] = d->n_time;
        s->chunk[s->rank] = ct;
        scales[s->rank++] = d->time;
    }
    if (shape_has_entity(shape)) {
        s->dims[s->rank] = d->n_entity;
        s->chunk[s->rank] = ce;
        scales[s->rank++] = d->entity;
    }
}

static void variable_attrs(sim_h5__build *b, hid_t ds, const sim_var *var, const char *entity)
{
    static const double fill = NAN;
    char coords[160];
    snprintf(coords, sizeof coords, "%s %s %s%s%s%s", SIM_H5_REPLICATION, SIM_H5_DESIGN,
             SIM_H5_VARIANT, shape_has_entity(var->shape) ? " " : "",
             shape_has_entity(var->shape) ? entity : "",
             shape_has_entity(var->shape) ? SIM_H5_ENTITY_NAME_SUF : "");
    sim_h5__put_nums(b, ds, "_FillValue", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &fill, 1);
    sim_h5__put_text(b, ds, "units", var->units);
    sim_h5__put_text(b, ds, "long_name", var->long_name);
    sim_h5__put_text(b, ds, "coordinates", coords);
}

static void make_variable(sim_h5__build *b, sim_h5__var *v, const sim_catalog *cat, size_t i,
                          const h5_dims *d)
{
    static const double fill = NAN;
    const sim_var *var = sim_catalog_var(cat, i);
    ds_spec s = {
        .name = var->name, .ftype = H5T_IEEE_F64LE, .fill_type = H5T_NATIVE_DOUBLE, .fill = &fill};
    hid_t scales[SIM_H5_MAX_RANK];
    variable_layout(var->shape, d, &s, scales);
    snprintf(v->name, sizeof v->name, "%s", var->name);
    v->rank = s.rank;
    memcpy(v->dims, s.dims, sizeof v->dims);
    v->size = sim_catalog_var_size(cat, i);
    v->ds = sim_h5__new_dataset(b, &s, scales);
    variable_attrs(b, v->ds, var, sim_catalog_entity_dim(cat));
}

/* ---- provenance ---- */

void sim_h5__utc_now(char out[SIM_H5_TIME_TEXT_LEN])
{
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(out, SIM_H5_TIME_TEXT_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, SIM_H5_TIME_TEXT_LEN, "unknown");
}

static void put_versions(sim_h5__build *b, hid_t root, const sim_h5_provenance *p)
{
    unsigned major = 0, minor = 0, release = 0;
    char hdf5[48], source[256];
    H5get_libversion(&major, &minor, &release);
    snprintf(hdf5, sizeof hdf5, "%u.%u.%u", major, minor, release);
    snprintf(source, sizeof source, "ecotwin %s (%s)", ECOTWIN_VERSION, ECOTWIN_GIT_COMMIT);
    sim_h5__put_text(b, root, "source", source);
    sim_h5__put_text(b, root, "ecotwin_version", ECOTWIN_VERSION);
    sim_h5__put_text(b, root, "git_commit", ECOTWIN_GIT_COMMIT);
    sim_h5__put_text(b, root, "hdf5_version", hdf5);
    sim_h5__put_text(b, root, "gsl_version", GSL_VERSION);
    sim_h5__put_text(b, root, "libyaml_version",
                     p->libyaml_version ? p->libyaml_version : "unknown");
}

static void put_history(sim_h5__build *b, hid_t root, const char *now, const char *command_line)
{
    const char *cmd = command_line != NULL ? command_line : "";
    size_t len = strlen(now) + strlen(cmd) + 2;
    char *history = malloc(len);
    if (history == NULL) {
        sim_h5__nomem(b);
        return;
    }
    snprintf(history, len, "%s %s", now, cmd);
    sim_h5__put_text(b, root, "history", history);
    free(history);
}

/* Slurm job ids, when the run is a Slurm job, so a result can be traced to its job log. */
static void put_slurm(sim_h5__build *b, hid_t root)
{
    static const char *const vars[][2] = {{"SLURM_JOB_ID", "slurm_job_id"},
                                          {"SLURM_ARRAY_JOB_ID", "slurm_array_job_id"},
                                          {"SLURM_ARRAY_TASK_ID", "slurm_array_task_id"}};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *value = getenv(vars[i][0]);
        if (value != NULL)
            sim_h5__put_text(b, root, vars[i][1], value);
    }
}

void sim_h5__write_provenance(sim_h5__build *b, const sim_h5_provenance *p)
{
    char now[SIM_H5_TIME_TEXT_LEN], host[HOST_TEXT_LEN];
    sim_h5__utc_now(now);
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    int32_t threads = p->threads, ranks = p->ranks;
    hid_t root = b->file;
    sim_h5__put_text(b, root, "Conventions", "CF-1.8");
    sim_h5__put_text(b, root, "title", p->title != NULL ? p->title : "ecotwin results");
    put_versions(b, root, p);
    put_history(b, root, now, p->command_line);
    sim_h5__put_text(b, root, "model", p->model);
    sim_h5__put_text(b, root, "command_line", p->command_line);
    sim_h5__put_text(b, root, "scenario_path", p->scenario_path);
    sim_h5__put_text(b, root, "hostname", host);
    sim_h5__put_text(b, root, "start_time", now);
    sim_h5__put_nums(b, root, "master_seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &p->master_seed, 1);
    sim_h5__put_text(b, root, "rng_algorithm", p->rng_algorithm);
    sim_h5__put_nums(b, root, "threads", H5T_STD_I32LE, H5T_NATIVE_INT32, &threads, 1);
    sim_h5__put_nums(b, root, "ranks", H5T_STD_I32LE, H5T_NATIVE_INT32, &ranks, 1);
    put_slurm(b, root);
    sim_h5__put_text(b, root, "scenario_yaml", p->resolved_yaml);
    sim_h5__put_text(b, root, "kind", p->kind != NULL ? p->kind : "run");
    if (p->fingerprint != NULL)
        sim_h5__put_text(b, root, "sweep_fingerprint", p->fingerprint);
    if (p->design_name != NULL)
        sim_h5__put_text(b, root, "sweep_design", p->design_name);
    int32_t crn = p->independent_streams ? 0 : 1;
    sim_h5__put_nums(b, root, "common_random_numbers", H5T_STD_I32LE, H5T_NATIVE_INT32, &crn, 1);
    if (p->shard != NULL)
        sim_h5__put_text(b, root, "shard", p->shard);
}

void sim_h5__lay_out(sim_h5__build *b, const sim_catalog *cat, const sim_h5_runs *runs,
                     sim_h5__var *status, sim_h5__var *message, sim_h5__var *vars)
{
    h5_dims d;
    make_dims(b, cat, runs->n_runs, &d);
    sim_h5__lay_out_design(b, runs);
    make_entity_names(b, cat, &d);
    make_run_coords(b, runs, &d, status, message);
    for (size_t i = 0; i < sim_catalog_count(cat) && b->status == SIM_OK; i++)
        make_variable(b, &vars[i], cat, i, &d);
    close_dims(&d);
}
