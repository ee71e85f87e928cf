/*
 * sim_h5: the results writer. Layout and crash-safety contract in sim_h5.h; the reasons
 * behind the less obvious choices are here.
 *
 * Strings stored per dimension element (entity names, failure messages) are CF character
 * arrays, char(<dim>, <dim>_strlen) with _Encoding "utf-8", not HDF5 fixed-length string
 * datasets: the netCDF library of Debian 12 (4.9.0) reads only the first element of a 1-D
 * fixed-length string dataset and then crashes (double free) in ncdump and netCDF4-python.
 * Character arrays are netCDF's own layout; xarray decodes them to strings with either
 * engine. Their length dimensions have no coordinate variable and are marked the way netCDF
 * marks such dimensions (SIM_H5_DIM_ONLY).
 *
 * The resolved scenario is the root attribute scenario_yaml, whatever its size: with the
 * latest file format HDF5 moves large attributes to dense storage, and every reader then
 * finds it next to the other provenance.
 *
 * Creation uses a sticky-failure builder: every step is skipped once one has failed, and
 * the first failure is recorded with its HDF5 reason at the moment it happens (HDF5 clears
 * its error stack at the next API call, including the close calls of cleanup).
 *
 * Event tables are appended in run order so that the rows of a run stay contiguous, which is
 * what lets a reader find them through one index (sim_h5_read.c) and lets a merge copy them
 * run by run. The writer remembers the last run that appended rows and refuses an earlier
 * (or the same) one instead of reordering: buffering rows for later runs would make memory
 * grow with the number of runs in flight.
 */
#include "sim_h5.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "sim_h5_internal.h"

struct sim_h5_writer {
    char *path;
    hid_t file;
    size_t n_runs;
    sim_h5__var status;  /* run_status(run) */
    sim_h5__var message; /* run_message(run, message_strlen) */
    size_t n_vars;
    sim_h5__var *vars; /* one per catalog variable, in catalog order */
    size_t n_tables;
    sim_h5__table *tables; /* one per catalog table */
    sim_h5__scratch scratch;
    int64_t last_rows_run; /* last run that appended table rows, -1 before any */
    bool tables_broken;    /* an append failed: table lengths on disk are unknown */
};

/* ---- the HDF5 boundary ---- */

/* H5dont_atexit: HDF5 1.10 closes files left open at exit, and crashes (SIGSEGV) on a file
 * whose H5Fclose failed, e.g. on a full disk, turning an I/O error (exit 74) into a crash.
 * Files are closed explicitly here, so nothing is lost. Only effective as the first HDF5
 * call of the process. */
void sim_h5_quiet(void)
{
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void sim_h5__mute_begin(sim_h5__mute *m)
{
    if (H5Eget_auto2(H5E_DEFAULT, &m->func, &m->data) < 0) {
        m->func = NULL;
        m->data = NULL;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void sim_h5__mute_end(const sim_h5__mute *m)
{
    H5Eset_auto2(H5E_DEFAULT, m->func, m->data);
}

typedef struct h5_reason {
    bool found;
    char text[512];
} h5_reason;

/* Walking upward starts at the innermost frame, where the cause was detected. */
static herr_t keep_innermost(unsigned n, const H5E_error2_t *e, void *data)
{
    h5_reason *r = data;
    (void)n;
    if (!r->found && e->desc != NULL && e->desc[0] != '\0') {
        snprintf(r->text, sizeof r->text, "%s", e->desc);
        r->found = true;
    }
    return 0;
}

/* The file drivers report "unable to open file: name = ..., errno = 2, error message = 'No
 * such file or directory', flags = ..."; the quoted message is what a user needs. */
static void shorten_reason(char *text)
{
    static const char key[] = "error message = '";
    char *start = strstr(text, key);
    if (start == NULL)
        return;
    start += sizeof key - 1;
    char *end = strchr(start, '\'');
    if (end != NULL)
        *end = '\0';
    memmove(text, start, strlen(start) + 1);
}

sim_status sim_h5__fail(sim_error *err, sim_status status, const char *fmt, ...)
{
    h5_reason reason = {.found = false};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &reason);
    char context[SIM_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(context, sizeof context, fmt, ap);
    va_end(ap);
    if (!reason.found)
        return sim_error_set(err, status, "%s", context);
    shorten_reason(reason.text);
    return sim_error_set(err, status, "%s: %s", context, reason.text);
}

hid_t sim_h5__fapl(bool latest)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0)
        return -1;
    if ((latest && H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST) < 0) ||
        H5Pset_file_locking(fapl, 1, 1) < 0) {
        H5Pclose(fapl);
        return -1;
    }
    return fapl;
}

/* ---- writer lifetime ---- */

static void init_var(sim_h5__var *v, const char *name, int rank, hsize_t n_runs, hsize_t width)
{
    *v = (sim_h5__var){.ds = -1, .rank = rank, .dims = {n_runs, width}, .size = width};
    snprintf(v->name, sizeof v->name, "%s", name);
}

static sim_h5_writer *writer_alloc(const char *path, const sim_catalog *cat, size_t n_runs)
{
    sim_h5_writer *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->file = -1;
    w->n_runs = n_runs;
    w->n_vars = sim_catalog_count(cat);
    w->n_tables = sim_catalog_table_count(cat);
    w->last_rows_run = -1;
    w->tables = sim_h5__tables_alloc(cat);
    init_var(&w->status, SIM_H5_RUN_STATUS, 1, n_runs, 1);
    init_var(&w->message, SIM_H5_RUN_MESSAGE, 2, n_runs, SIM_H5_MESSAGE_LEN);
    w->path = strdup(path);
    w->vars = calloc(w->n_vars > 0 ? w->n_vars : 1, sizeof *w->vars);
    for (size_t i = 0; w->vars != NULL && i < w->n_vars; i++)
        w->vars[i].ds = -1;
    if (w->path == NULL || w->vars == NULL || w->tables == NULL) {
        sim_h5__tables_free(w->tables, w->n_tables, NULL, NULL);
        free(w->path);
        free(w->vars);
        free(w);
        return NULL;
    }
    return w;
}

/* Close every HDF5 handle; the first failure is recorded on err. */
static sim_status writer_close_handles(sim_h5_writer *w, sim_error *err)
{
    sim_status st = SIM_OK;
    sim_h5__var *all[2] = {&w->status, &w->message};
    for (size_t i = 0; i < 2 + w->n_vars; i++) {
        sim_h5__var *v = i < 2 ? all[i] : &w->vars[i - 2];
        if (v->ds >= 0 && H5Dclose(v->ds) < 0 && st == SIM_OK)
            st = sim_h5__fail(err, SIM_IO, "%s: cannot close dataset %s", w->path, v->name);
        v->ds = -1;
    }
    sim_status tables = sim_h5__tables_free(w->tables, w->n_tables, w->path, err);
    w->tables = NULL;
    if (st == SIM_OK)
        st = tables;
    if (w->file >= 0 && H5Fclose(w->file) < 0 && st == SIM_OK)
        st = sim_h5__fail(err, SIM_IO, "%s: cannot close the file", w->path);
    w->file = -1;
    return st;
}

static void writer_free(sim_h5_writer *w)
{
    sim_h5__tables_free(w->tables, w->n_tables, NULL, NULL);
    free(w->scratch.values);
    free(w->vars);
    free(w->path);
    free(w);
}

static void create_file(sim_h5__build *b)
{
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    hid_t fapl = sim_h5__fapl(true);
    unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    if (sim_h5__ok(b, fcpl, "make file creation properties for", b->path) &&
        sim_h5__ok(b, fapl, "make file access properties for", b->path) &&
        sim_h5__ok(b, H5Pset_link_creation_order(fcpl, order), "track link order in", b->path) &&
        sim_h5__ok(b, H5Pset_attr_creation_order(fcpl, order), "track attribute order in",
                   b->path) &&
        /* Each chunk holds one run and is written once, never read back: HDF5's default
         * 1 MiB chunk cache per dataset would only keep written chunks around, so memory
         * and write time would grow with the number of runs. */
        sim_h5__ok(b, H5Pset_cache(fapl, 0, 0, 0, 0.75), "switch off the chunk cache of",
                   b->path)) {
        b->file = H5Fcreate(b->path, H5F_ACC_TRUNC, fcpl, fapl);
        if (b->file < 0)
            b->status = sim_h5__fail(b->err, SIM_IO, "cannot create results file %s", b->path);
    }
    sim_h5__close_id(fcpl);
    sim_h5__close_id(fapl);
}

/* end_time holds "YYYY-MM-DDTHH:MM:SSZ" (or "unknown"): a fixed size known at creation. */
#define END_TIME_LEN 20

/* end_time (empty) and complete = 0 exist from the start, so that finishing the file only
 * writes values in place, which SWMR mode allows: the file is never reopened outside SWMR
 * mode, and a kill at any instant leaves a file that a SWMR reader (or, once closed, any
 * reader) opens. Made before SWMR writing starts, like every other object. */
static void put_closing_attrs(sim_h5__build *b)
{
    if (b->status != SIM_OK)
        return;
    char empty[END_TIME_LEN] = {0};
    const int8_t not_complete = 0;
    hid_t type = H5Tcopy(H5T_C_S1);
    hid_t space = H5Screate(H5S_SCALAR);
    if (sim_h5__ok(b, type, "make string type for", "end_time") &&
        sim_h5__ok(b, H5Tset_size(type, END_TIME_LEN), "size string type for", "end_time") &&
        sim_h5__ok(b, space, "describe attribute", "end_time")) {
        hid_t attr = H5Acreate2(b->file, "end_time", type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (sim_h5__ok(b, attr, "create attribute", "end_time"))
            sim_h5__ok(b, H5Awrite(attr, type, empty), "write attribute", "end_time");
        sim_h5__close_id(attr);
    }
    sim_h5__close_id(space);
    sim_h5__close_id(type);
    sim_h5__put_nums(b, b->file, "complete", H5T_STD_I8LE, H5T_NATIVE_INT8, &not_complete, 1);
}

sim_h5_writer *sim_h5_create(const char *path, const sim_catalog *cat, const sim_h5_runs *runs,
                             const sim_h5_provenance *prov, sim_error *err)
{
    /* Readers refuse files claiming more runs (a crafted run count), so none is written. */
    if (runs != NULL && runs->n_runs > SIM_H5_MAX_RUNS) {
        sim_error_set(err, SIM_INVALID,
                      "%s: %zu runs; a results file holds at most %llu (split the sweep into "
                      "shards)",
                      path != NULL ? path : "results file", runs->n_runs,
                      (unsigned long long)SIM_H5_MAX_RUNS);
        return NULL;
    }
    if (sim_h5__check_args(path, cat, runs, prov, err) != SIM_OK)
        return NULL;
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    sim_h5__build b = {.file = -1, .path = path, .err = err, .status = SIM_OK};
    sim_h5_writer *w = writer_alloc(path, cat, runs->n_runs);
    if (w == NULL)
        b.status = sim_error_set(err, SIM_NOMEM, "%s: out of memory", path);
    else
        create_file(&b);
    if (w != NULL)
        w->file = b.file;
    sim_h5__write_provenance(&b, prov);
    if (w != NULL)
        sim_h5__lay_out(&b, cat, runs, &w->status, &w->message, w->vars);
    if (w != NULL)
        sim_h5__lay_out_tables(&b, cat, w->tables);
    put_closing_attrs(&b);
    if (b.status == SIM_OK)
        sim_h5__ok(&b, H5Fstart_swmr_write(b.file), "start SWMR writing of", path);
    if (b.status != SIM_OK && w != NULL) {
        sim_error ignored;
        writer_close_handles(w, &ignored);
        if (b.file >= 0)
            unlink(path);
        writer_free(w);
        w = NULL;
    }
    sim_h5__mute_end(&mute);
    return w;
}

/* ---- writing runs ---- */

static sim_status write_row(const sim_h5_writer *w, const sim_h5__var *v, size_t run, hid_t mtype,
                            const void *values, sim_error *err)
{
    hsize_t start[SIM_H5_MAX_RANK] = {run, 0, 0}, count[SIM_H5_MAX_RANK] = {1, 0, 0};
    for (int i = 1; i < v->rank; i++)
        count[i] = v->dims[i];
    hid_t fspace = H5Dget_space(v->ds);
    hid_t mspace = H5Screate_simple(v->rank, count, NULL);
    herr_t rc = fspace < 0 || mspace < 0 ? -1 : 0;
    if (rc >= 0)
        rc = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
    if (rc >= 0)
        rc = H5Dwrite(v->ds, mtype, mspace, fspace, H5P_DEFAULT, values);
    sim_status st = SIM_OK;
    if (rc < 0)
        st = sim_h5__fail(err, SIM_IO, "%s: cannot write %s of run %zu", w->path, v->name, run);
    sim_h5__close_id(fspace);
    sim_h5__close_id(mspace);
    return st;
}

static sim_status flush(const sim_h5_writer *w, sim_error *err)
{
    if (H5Fflush(w->file, H5F_SCOPE_LOCAL) < 0)
        return sim_h5__fail(err, SIM_IO, "%s: cannot flush", w->path);
    return SIM_OK;
}

/* The status is written after the data are on disk, then flushed itself: a run reads as
 * complete only when everything it wrote is there. */
static sim_status set_status(const sim_h5_writer *w, size_t run, int8_t status, sim_error *err)
{
    sim_status st = flush(w, err);
    if (st == SIM_OK)
        st = write_row(w, &w->status, run, H5T_NATIVE_INT8, &status, err);
    return st != SIM_OK ? st : flush(w, err);
}

static sim_status check_run(const sim_h5_writer *w, size_t run, sim_error *err)
{
    if (w == NULL)
        return sim_error_set(err, SIM_INTERNAL, "results file: no writer");
    if (run >= w->n_runs)
        return sim_error_set(err, SIM_INTERNAL, "%s: run %zu out of range (the file has %zu runs)",
                             w->path, run, w->n_runs);
    return SIM_OK;
}

static sim_status check_tables(const sim_h5_writer *w, const sim_catalog *cat, sim_error *err)
{
    if (sim_catalog_table_count(cat) != w->n_tables)
        return sim_error_set(err, SIM_INTERNAL, "%s: record has %zu tables, the file %zu", w->path,
                             sim_catalog_table_count(cat), w->n_tables);
    for (size_t t = 0; t < w->n_tables; t++)
        if (strcmp(sim_catalog_table_dim(cat, t), w->tables[t].dim) != 0 ||
            sim_catalog_table_ncols(cat, t) != w->tables[t].n_cols)
            return sim_error_set(err, SIM_INTERNAL,
                                 "%s: record table %zu (%s) does not match the file's %s", w->path,
                                 t, sim_catalog_table_dim(cat, t), w->tables[t].dim);
    return SIM_OK;
}

static sim_status check_record(const sim_h5_writer *w, const sim_record *rec, sim_error *err)
{
    const sim_catalog *cat = rec != NULL ? sim_record_catalog(rec) : NULL;
    if (cat == NULL || sim_catalog_count(cat) != w->n_vars)
        return sim_error_set(err, SIM_INTERNAL, "%s: record does not match the file's catalog",
                             w->path);
    if (check_tables(w, cat, err) != SIM_OK)
        return SIM_INTERNAL;
    for (size_t i = 0; i < w->n_vars; i++)
        if (sim_catalog_var_size(cat, i) != w->vars[i].size ||
            strcmp(sim_catalog_var(cat, i)->name, w->vars[i].name) != 0)
            return sim_error_set(err, SIM_INTERNAL,
                                 "%s: record variable %zu (%s) does not match the file's %s",
                                 w->path, i, sim_catalog_var(cat, i)->name, w->vars[i].name);
    return SIM_OK;
}

static bool has_rows(const sim_h5_writer *w, const sim_record *rec)
{
    for (size_t t = 0; t < w->n_tables; t++)
        if (sim_record_table_rows(rec, t) > 0)
            return true;
    return false;
}

/* Rows arrive in run order, and only while every earlier append succeeded. */
static sim_status check_row_order(const sim_h5_writer *w, size_t run, const sim_record *rec,
                                  sim_error *err)
{
    if (!has_rows(w, rec))
        return SIM_OK;
    if (w->tables_broken)
        return sim_error_set(err, SIM_IO, "%s: cannot append rows of run %zu after a failed append",
                             w->path, run);
    if ((int64_t)run <= w->last_rows_run)
        return sim_error_set(err, SIM_INTERNAL,
                             "%s: run %zu has table rows but run %lld appended rows already (runs "
                             "with rows must be written in increasing order)",
                             w->path, run, (long long)w->last_rows_run);
    return SIM_OK;
}

static sim_status append_tables(sim_h5_writer *w, size_t run, const sim_record *rec, sim_error *err)
{
    sim_status st = SIM_OK;
    for (size_t t = 0; t < w->n_tables && st == SIM_OK; t++)
        st = sim_h5__table_append(w->path, &w->tables[t], run, sim_record_table_data(rec, t),
                                  sim_record_table_rows(rec, t), &w->scratch, err);
    if (st != SIM_OK)
        w->tables_broken = true;
    else if (has_rows(w, rec))
        w->last_rows_run = (int64_t)run;
    return st;
}

sim_status sim_h5_write_run(sim_h5_writer *w, size_t run, const sim_record *rec, sim_error *err)
{
    sim_status st = check_run(w, run, err);
    if (st == SIM_OK)
        st = check_record(w, rec, err);
    if (st == SIM_OK)
        st = check_row_order(w, run, rec, err);
    if (st != SIM_OK)
        return st;
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    for (size_t i = 0; i < w->n_vars && st == SIM_OK; i++)
        if (w->vars[i].size > 0)
            st = write_row(w, &w->vars[i], run, H5T_NATIVE_DOUBLE, sim_record_cvalues(rec, i), err);
    if (st == SIM_OK)
        st = append_tables(w, run, rec, err);
    if (st == SIM_OK)
        st = set_status(w, run, SIM_H5_COMPLETE, err);
    sim_h5__mute_end(&mute);
    return st;
}

sim_status sim_h5_fail_run(sim_h5_writer *w, size_t run, const char *message, sim_error *err)
{
    sim_status st = check_run(w, run, err);
    if (st != SIM_OK)
        return st;
    char text[SIM_H5_MESSAGE_LEN] = {0};
    const char *msg = message != NULL ? message : "";
    size_t len = strlen(msg);
    memcpy(text, msg, len < sizeof text ? len : sizeof text);
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    st = write_row(w, &w->message, run, H5T_C_S1, text, err);
    if (st == SIM_OK)
        st = set_status(w, run, SIM_H5_FAILED, err);
    sim_h5__mute_end(&mute);
    return st;
}

/* ---- closing ---- */

/* Write the value of an existing root attribute (its own type as the memory type). */
static sim_status rewrite_attr(const sim_h5_writer *w, const char *name, const void *value,
                               hid_t mtype, sim_error *err)
{
    hid_t attr = H5Aopen(w->file, name, H5P_DEFAULT);
    hid_t type = mtype >= 0 ? mtype : (attr >= 0 ? H5Aget_type(attr) : -1);
    herr_t rc = attr >= 0 && type >= 0 ? H5Awrite(attr, type, value) : -1;
    sim_status st =
        rc < 0 ? sim_h5__fail(err, SIM_IO, "%s: cannot write %s", w->path, name) : SIM_OK;
    if (mtype < 0)
        sim_h5__close_id(type);
    sim_h5__close_id(attr);
    return st;
}

/* end_time, flushed, then complete = 1, flushed: complete is the last thing written, and a
 * reader that sees it sees every run and end_time too. */
static sim_status mark_complete(sim_h5_writer *w, sim_error *err)
{
    char now[SIM_H5_TIME_TEXT_LEN], text[END_TIME_LEN] = {0};
    sim_h5__utc_now(now);
    size_t len = strlen(now);
    memcpy(text, now, len < END_TIME_LEN ? len : END_TIME_LEN);
    const int8_t complete = 1;
    sim_status st = rewrite_attr(w, "end_time", text, -1, err);
    if (st == SIM_OK)
        st = flush(w, err);
    if (st == SIM_OK)
        st = rewrite_attr(w, "complete", &complete, H5T_NATIVE_INT8, err);
    return st != SIM_OK ? st : flush(w, err);
}

sim_status sim_h5_close(sim_h5_writer *w, int complete, sim_error *err)
{
    if (w == NULL)
        return SIM_OK;
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    sim_status st = complete ? mark_complete(w, err) : SIM_OK;
    /* Closing a SWMR writer clears the superblock's "open for writing" mark last: from then
     * on plain readers open the file too. */
    sim_error ignored;
    sim_status closed = writer_close_handles(w, st == SIM_OK ? err : &ignored);
    if (st == SIM_OK)
        st = closed;
    sim_h5__mute_end(&mute);
    writer_free(w);
    return st;
}
