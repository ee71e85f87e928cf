/*
 * sim_h5_internal: what the writer (sim_h5.c) and the inspector (sim_h5_inspect.c) share.
 * Not part of the public contract.
 *
 * The layout names live here so that both sides agree on them, and so does the one place
 * where HDF5's conventions are converted into ecotwin's: HDF5 reports failure as a negative
 * return and an error stack; sim_h5__fail turns that into a sim_error whose message ends
 * with the innermost reason on the stack ("No such file or directory", "truncated file").
 * Because HDF5 clears its stack at the start of every API call, sim_h5__fail must be
 * called right after the failing call, before any cleanup.
 *
 * Every public entry point runs between sim_h5__mute_begin and sim_h5__mute_end, so the
 * library never prints HDF5's stack even when the program forgot sim_h5_quiet.
 */
#ifndef SIM_H5_INTERNAL_H
#define SIM_H5_INTERNAL_H

#include <stdbool.h>

#include <hdf5.h>

#include "sim_h5.h"
#include "sim_model.h"
#include "sim_status.h"

/* Reserved dataset names of the layout. */
#define SIM_H5_RUN             "run"
#define SIM_H5_TIME            "time"
#define SIM_H5_REPLICATION     "replication"
#define SIM_H5_DESIGN          "design"
#define SIM_H5_VARIANT         "variant"
#define SIM_H5_RUN_STATUS      "run_status"
#define SIM_H5_RUN_MESSAGE     "run_message"
#define SIM_H5_NAME_STRLEN     "name_strlen"
#define SIM_H5_MESSAGE_STRLEN  "message_strlen"
#define SIM_H5_ENTITY_NAME_SUF "_name"
#define SIM_H5_DESIGN_POINT    "design_point"
#define SIM_H5_FACTOR_PREFIX   "param_"
#define SIM_H5_TABLE_RUN_SUF   "_run"

/* Variable names are netCDF identifiers shorter than this (checked at creation). */
#define SIM_H5_NAME_MAX 64
#define SIM_H5_MAX_RANK 3
/* "2026-11-28T22:40:00Z" and its terminator, with room. */
#define SIM_H5_TIME_TEXT_LEN 32

/* Width of run_message: a failure message is cut to this many bytes. */
#define SIM_H5_MESSAGE_LEN 256

#define SIM_H5_DEFLATE_LEVEL 1
/* Rows per chunk of a table dataset: 2 KiB of float64, appended run by run (uncompressed, so
 * a chunk is allocated whole with the first row: small keeps small files small). */
#define SIM_H5_TABLE_CHUNK_ROWS ((hsize_t)256)

/* Runs one results file holds at most: the writer refuses more, and a reader refuses a file
 * that claims more (a crafted run dimension would otherwise drive its allocations). */
#define SIM_H5_MAX_RUNS ((hsize_t)1 << 26)

/* Fill value of `<dim>_run`: a row extended but never written (a failed append) has no run. */
#define SIM_H5_TABLE_NO_RUN (-1)

/* run_status values. */
#define SIM_H5_NOT_RUN  0
#define SIM_H5_COMPLETE 1
#define SIM_H5_FAILED   2

/* netCDF-4 marks a dimension that has no coordinate variable by this prefix of the
 * dimension scale's NAME (followed by the length, "%10d"); h5netcdf and the netCDF library
 * both recognise it. */
#define SIM_H5_DIM_ONLY "This is a netCDF dimension but not a netCDF variable."

typedef struct sim_h5__mute {
    H5E_auto2_t func;
    void *data;
} sim_h5__mute;

void sim_h5__mute_begin(sim_h5__mute *m);
void sim_h5__mute_end(const sim_h5__mute *m);

/* Fill err with status and the printf-style context, followed by ": <HDF5 reason>" when the
 * HDF5 error stack has one. Returns status. */
sim_status sim_h5__fail(sim_error *err, sim_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* False (with err filled, SIM_IO) when a file claims more runs than it can hold: run_status
 * is allocated at creation, one byte a run, so n_runs is at most the file's size; and at
 * most SIM_H5_MAX_RUNS. */
bool sim_h5__runs_plausible(hid_t file, const char *path, hsize_t n_runs, sim_error *err);

/* File access properties: the latest format when latest (writing), and file locking that is
 * skipped where the file system does not support it (Lustre, NFS). Negative on failure. */
hid_t sim_h5__fapl(bool latest);

/* Release any HDF5 identifier (negative ones are ignored). */
void sim_h5__close_id(hid_t id);
/* The dataset name of file, or -1 when there is none (a link that is missing, dangling or
 * to another kind of object is none, without an HDF5 error). */
hid_t sim_h5__open_dataset(hid_t file, const char *name);
/* Rank and extent of dataset ds, -1 when unreadable. */
int sim_h5__extent(hid_t ds, hsize_t dims[H5S_MAX_RANK]);
/* Read the hyperslab start/count of a dataset of rank >= 1 into buf (memory type mtype);
 * false when HDF5 fails. */
bool sim_h5__read_slab(hid_t ds, hid_t mtype, int rank, const hsize_t *start, const hsize_t *count,
                       void *buf);

/* Current UTC time as ISO 8601 ("2026-11-28T22:40:00Z"). */
void sim_h5__utc_now(char out[SIM_H5_TIME_TEXT_LEN]);

/* ---- building a file: the sticky-failure builder ---- */

typedef struct sim_h5__build {
    hid_t file;
    const char *path;
    sim_error *err;
    sim_status status; /* first failure; every later step is skipped */
} sim_h5__build;

/* Record a failure of rc (< 0) as SIM_IO "path: cannot <what> <name>: <reason>" unless one is
 * recorded already; true while nothing has failed. */
bool sim_h5__ok(sim_h5__build *b, hid_t rc, const char *what, const char *name);
/* Fixed-length string attribute, scalar dataspace (as netCDF writes text). */
void sim_h5__put_text(sim_h5__build *b, hid_t obj, const char *name, const char *value);
/* Numeric attribute: 1-D array of n values of file type ftype from memory type mtype. */
void sim_h5__put_nums(sim_h5__build *b, hid_t obj, const char *name, hid_t ftype, hid_t mtype,
                      const void *values, size_t n);

/* A dataset the writer keeps open, with what a run's hyperslab needs. */
typedef struct sim_h5__var {
    hid_t ds;
    char name[SIM_H5_NAME_MAX];
    int rank;
    hsize_t dims[SIM_H5_MAX_RANK];
    size_t size; /* values per run */
} sim_h5__var;

/* The arguments of sim_h5_create, checked before anything is made (sim_h5_check.c):
 * SIM_INTERNAL naming the first problem. */
sim_status sim_h5__check_args(const char *path, const sim_catalog *cat, const sim_h5_runs *runs,
                              const sim_h5_provenance *prov, sim_error *err);
/* [A-Za-z][A-Za-z0-9_]* and shorter than SIM_H5_NAME_MAX. */
bool sim_h5__netcdf_name(const char *name);

/* What a dataset is made of (sim_h5__new_dataset). */
typedef struct sim_h5__ds_spec {
    const char *name;
    hid_t ftype;
    int rank;
    hsize_t dims[SIM_H5_MAX_RANK];
    hsize_t chunk[SIM_H5_MAX_RANK]; /* chunk[0] == 0: contiguous */
    bool compress;                  /* shuffle + deflate */
    bool early;                     /* allocate storage at creation (written in SWMR mode) */
    bool unlimited;                 /* axis 0 may grow (chunked, even when empty) */
    hid_t fill_type;
    const void *fill; /* NULL: HDF5's default fill (zeros) */
} sim_h5__ds_spec;

/* Create a dataset and attach scales[i] (when >= 0) to its axis i; -1 once failed. */
hid_t sim_h5__new_dataset(sim_h5__build *b, const sim_h5__ds_spec *s, const hid_t *scales);
/* Coordinate variable 0..n-1 (int64 when wide, else int32) made a dimension scale. */
hid_t sim_h5__index_coordinate(sim_h5__build *b, const char *name, hsize_t n, bool wide,
                               const char *long_name);
/* Record SIM_NOMEM unless a failure is recorded already. */
void sim_h5__nomem(sim_h5__build *b);

/* The design_point dimension and the param_ variables of a sweep (sim_h5_design.c); nothing
 * when runs->n_design == 0. */
void sim_h5__lay_out_design(sim_h5__build *b, const sim_h5_runs *runs);

/* ---- event tables (sim_h5_tables.c) ---- */

/* A table the writer keeps open: ds[0] the coordinate <dim>, ds[1] <dim>_run, ds[2 + c]
 * column c; n_rows rows written so far. */
typedef struct sim_h5__table {
    char dim[SIM_H5_NAME_MAX];
    size_t n_cols;
    hid_t *ds; /* n_cols + 2 */
    hsize_t n_rows;
} sim_h5__table;

/* A buffer the writer keeps between runs for the integer columns of an append. */
typedef struct sim_h5__scratch {
    int64_t *values;
    size_t cap;
} sim_h5__scratch;

/* The catalog's tables with every dataset id at -1; NULL when out of memory. */
sim_h5__table *sim_h5__tables_alloc(const sim_catalog *cat);
/* Close every dataset (first failure on err) and free; tables == NULL is a no-op. */
sim_status sim_h5__tables_free(sim_h5__table *tables, size_t n, const char *path, sim_error *err);
/* Create every table's datasets, empty and unlimited. */
void sim_h5__lay_out_tables(sim_h5__build *b, const sim_catalog *cat, sim_h5__table *tables);
/* Append n_rows rows (row-major, t->n_cols wide) of run `run`; SIM_IO when HDF5 fails (the
 * table's length on disk is then unknown), SIM_NOMEM. */
sim_status sim_h5__table_append(const char *path, sim_h5__table *t, size_t run, const double *rows,
                                size_t n_rows, sim_h5__scratch *scratch, sim_error *err);

/* ---- opening an existing file (sim_h5_read.c) ---- */

/* Open path read-only into *file, falling back to a SWMR reader (*reader_only = true) for a
 * file whose writer never closed it; the file must carry a string attribute
 * ecotwin_version. On failure *file is -1 and err filled: SIM_NOINPUT (missing file, not an
 * ecotwin file), SIM_IO (not readable HDF5, a directory). */
sim_status sim_h5__open_results(const char *path, hid_t *file, bool *reader_only, sim_error *err);

/* Root attributes of provenance (all but end_time and complete). */
void sim_h5__write_provenance(sim_h5__build *b, const sim_h5_provenance *p);
/* Dimensions, coordinates and variables; opens status (run_status), message (run_message)
 * and vars[i] (catalog variable i) and leaves them open. */
void sim_h5__lay_out(sim_h5__build *b, const sim_catalog *cat, const sim_h5_runs *runs,
                     sim_h5__var *status, sim_h5__var *message, sim_h5__var *vars);

/* Text of a one-element string attribute (fixed or variable length), at most max bytes;
 * NULL for anything else, a longer fixed-length text, or a failed read (malloc'd). */
char *sim_h5__attr_text(hid_t attr, size_t max);

#endif
