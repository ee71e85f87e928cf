/*
 * sim_h5_tables: event tables in a results file, laid out empty and appended run by run.
 *
 * A table is an unlimited dimension: netCDF's record dimension, which ncdump shows as
 * UNLIMITED and xarray as an ordinary dimension. Its datasets are created empty before SWMR
 * writing starts (SWMR cannot create objects) and grow with H5Dset_extent, which SWMR
 * allows on chunked datasets. An append first extends every dataset of the table, then
 * writes them; the caller flushes before marking the run complete, so rows on disk without a
 * complete run are at worst left over from a write that never finished, and readers ignore
 * them. The row index coordinate is written like any column so that `<dim>(<dim>)` is a
 * proper netCDF coordinate variable.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "sim_h5.h"
#include "sim_h5_internal.h"

/* ds[] slots before the columns. */
#define TABLE_COORD   0
#define TABLE_RUN     1
#define TABLE_COLUMNS 2

sim_h5__table *sim_h5__tables_alloc(const sim_catalog *cat)
{
    size_t n = sim_catalog_table_count(cat);
    sim_h5__table *tables = calloc(n > 0 ? n : 1, sizeof *tables);
    for (size_t t = 0; tables != NULL && t < n; t++) {
        tables[t].n_cols = sim_catalog_table_ncols(cat, t);
        tables[t].ds = malloc((tables[t].n_cols + TABLE_COLUMNS) * sizeof *tables[t].ds);
        if (tables[t].ds == NULL) {
            sim_h5__tables_free(tables, t, NULL, NULL);
            return NULL;
        }
        for (size_t i = 0; i < tables[t].n_cols + TABLE_COLUMNS; i++)
            tables[t].ds[i] = -1;
        snprintf(tables[t].dim, sizeof tables[t].dim, "%s", sim_catalog_table_dim(cat, t));
    }
    return tables;
}

sim_status sim_h5__tables_free(sim_h5__table *tables, size_t n, const char *path, sim_error *err)
{
    sim_status st = SIM_OK;
    for (size_t t = 0; tables != NULL && t < n; t++) {
        for (size_t i = 0; tables[t].ds != NULL && i < tables[t].n_cols + TABLE_COLUMNS; i++)
            if (tables[t].ds[i] >= 0 && H5Dclose(tables[t].ds[i]) < 0 && st == SIM_OK)
                st = sim_h5__fail(err, SIM_IO, "%s: cannot close table %s", path, tables[t].dim);
        free(tables[t].ds);
    }
    free(tables);
    return st;
}

/* ---- layout ---- */

static sim_h5__ds_spec table_spec(const char *name, hid_t ftype)
{
    return (sim_h5__ds_spec){.name = name,
                             .ftype = ftype,
                             .rank = 1,
                             .dims = {0},
                             .chunk = {SIM_H5_TABLE_CHUNK_ROWS},
                             .compress = false,
                             .unlimited = true};
}

static hid_t table_coordinate(sim_h5__build *b, const char *dim, const char *long_name)
{
    sim_h5__ds_spec s = table_spec(dim, H5T_STD_I64LE);
    hid_t ds = sim_h5__new_dataset(b, &s, NULL);
    if (b->status == SIM_OK)
        sim_h5__ok(b, H5DSset_scale(ds, dim), "make a dimension of", dim);
    sim_h5__put_text(b, ds, "units", "1");
    sim_h5__put_text(b, ds, "long_name", long_name);
    return ds;
}

/* Rows a failed append added (extended, never written) read as run -1, a run no row can
 * belong to: with HDF5's default fill 0 they read as rows of run 0. No _FillValue attribute:
 * xarray would turn the column into float64 with NaN. */
static hid_t table_run_column(sim_h5__build *b, const char *dim, hid_t scale)
{
    static const int64_t no_run = SIM_H5_TABLE_NO_RUN;
    char name[2 * SIM_H5_NAME_MAX];
    snprintf(name, sizeof name, "%s%s", dim, SIM_H5_TABLE_RUN_SUF);
    sim_h5__ds_spec s = table_spec(name, H5T_STD_I64LE);
    s.fill_type = H5T_NATIVE_INT64;
    s.fill = &no_run;
    hid_t ds = sim_h5__new_dataset(b, &s, &scale);
    sim_h5__put_text(b, ds, "units", "1");
    sim_h5__put_text(b, ds, "long_name", "run index of the row");
    return ds;
}

static hid_t table_column(sim_h5__build *b, const char *dim, const sim_var *col, hid_t scale)
{
    static const double fill = NAN;
    char name[2 * SIM_H5_NAME_MAX], coords[2 * SIM_H5_NAME_MAX];
    snprintf(name, sizeof name, "%s_%s", dim, col->name);
    snprintf(coords, sizeof coords, "%s%s", dim, SIM_H5_TABLE_RUN_SUF);
    sim_h5__ds_spec s = table_spec(name, H5T_IEEE_F64LE);
    s.fill_type = H5T_NATIVE_DOUBLE;
    s.fill = &fill;
    hid_t ds = sim_h5__new_dataset(b, &s, &scale);
    sim_h5__put_nums(b, ds, "_FillValue", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &fill, 1);
    sim_h5__put_text(b, ds, "units", col->units);
    sim_h5__put_text(b, ds, "long_name", col->long_name);
    sim_h5__put_text(b, ds, "coordinates", coords);
    return ds;
}

void sim_h5__lay_out_tables(sim_h5__build *b, const sim_catalog *cat, sim_h5__table *tables)
{
    for (size_t t = 0; t < sim_catalog_table_count(cat) && b->status == SIM_OK; t++) {
        sim_h5__table *table = &tables[t];
        table->ds[TABLE_COORD] =
            table_coordinate(b, table->dim, sim_catalog_table_long_name(cat, t));
        table->ds[TABLE_RUN] = table_run_column(b, table->dim, table->ds[TABLE_COORD]);
        for (size_t c = 0; c < table->n_cols; c++)
            table->ds[TABLE_COLUMNS + c] = table_column(
                b, table->dim, sim_catalog_table_column(cat, t, c), table->ds[TABLE_COORD]);
    }
}

/* ---- appending ---- */

static bool scratch_reserve(sim_h5__scratch *s, size_t n)
{
    if (n <= s->cap)
        return true;
    int64_t *values = realloc(s->values, n * sizeof *values);
    if (values == NULL)
        return false;
    s->values = values;
    s->cap = n;
    return true;
}

/* One append: what a failure message names, and where it goes. The message is made at the
 * failing call, before the dataspaces are closed: closing is an HDF5 call, which clears the
 * error stack and with it the reason ("No space left on device"). */
typedef struct append {
    const char *path;
    const sim_h5__table *t;
    size_t run, n_rows;
    sim_error *err;
    bool reported;
} append;

static herr_t failed(append *a)
{
    if (!a->reported)
        sim_h5__fail(a->err, SIM_IO, "%s: cannot append %zu rows of run %zu to table %s", a->path,
                     a->n_rows, a->run, a->t->dim);
    a->reported = true;
    return -1;
}

/* Write n rows at [start, start + n) of ds from memory laid out with the given stride. */
static herr_t write_rows(append *a, hid_t ds, hid_t mtype, hsize_t start, const void *buf,
                         hsize_t stride, hsize_t offset)
{
    hsize_t n = a->n_rows, mlen = n * stride;
    hid_t fspace = H5Dget_space(ds);
    hid_t mspace = H5Screate_simple(1, &mlen, NULL);
    herr_t rc = fspace < 0 || mspace < 0 ? -1 : 0;
    if (rc >= 0)
        rc = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &n, NULL);
    if (rc >= 0)
        rc = H5Sselect_hyperslab(mspace, H5S_SELECT_SET, &offset, &stride, &n, NULL);
    if (rc >= 0)
        rc = H5Dwrite(ds, mtype, mspace, fspace, H5P_DEFAULT, buf);
    if (rc < 0)
        failed(a);
    sim_h5__close_id(fspace);
    sim_h5__close_id(mspace);
    return rc;
}

static herr_t extend_all(append *a, hsize_t n_rows)
{
    for (size_t i = 0; i < a->t->n_cols + TABLE_COLUMNS; i++)
        if (H5Dset_extent(a->t->ds[i], &n_rows) < 0)
            return failed(a);
    return 0;
}

/* The row index coordinate and the run column, from one buffer used twice. */
static herr_t write_integers(append *a, int64_t *buf)
{
    const sim_h5__table *t = a->t;
    for (hsize_t i = 0; i < a->n_rows; i++)
        buf[i] = (int64_t)(t->n_rows + i);
    if (write_rows(a, t->ds[TABLE_COORD], H5T_NATIVE_INT64, t->n_rows, buf, 1, 0) < 0)
        return -1;
    for (hsize_t i = 0; i < a->n_rows; i++)
        buf[i] = (int64_t)a->run;
    return write_rows(a, t->ds[TABLE_RUN], H5T_NATIVE_INT64, t->n_rows, buf, 1, 0);
}

sim_status sim_h5__table_append(const char *path, sim_h5__table *t, size_t run, const double *rows,
                                size_t n_rows, sim_h5__scratch *scratch, sim_error *err)
{
    if (n_rows == 0)
        return SIM_OK;
    if (!scratch_reserve(scratch, n_rows))
        return sim_error_set(err, SIM_NOMEM, "%s: out of memory", path);
    append a = {.path = path, .t = t, .run = run, .n_rows = n_rows, .err = err};
    herr_t rc = extend_all(&a, t->n_rows + n_rows);
    if (rc >= 0)
        rc = write_integers(&a, scratch->values);
    for (size_t c = 0; rc >= 0 && c < t->n_cols; c++)
        rc = write_rows(&a, t->ds[TABLE_COLUMNS + c], H5T_NATIVE_DOUBLE, t->n_rows, rows, t->n_cols,
                        c);
    if (rc < 0)
        return SIM_IO;
    t->n_rows += n_rows;
    return SIM_OK;
}
