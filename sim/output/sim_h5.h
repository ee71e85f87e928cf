/*
 * sim_h5: the results file, netCDF-4-compatible HDF5 that xarray, R, MATLAB and h5dump read
 * without glue (see CONVENTIONS.md), and reading it back.
 *
 * Layout, all in the root group: dimensions `run`, `time`, and the catalog's entity
 * dimension (`company`), each a coordinate variable attached as an HDF5 dimension scale;
 * run coordinates `replication(run)`, `design(run)`, `variant(run)` (integers, with
 * flag_values/flag_meanings naming the variants), `run_status(run)` (0 not run, 1 complete,
 * 2 failed) and `run_message(run, message_strlen)`; `<entity>_name(<entity>, name_strlen)`.
 * Text per element is a CF character array (NC_CHAR, _Encoding "utf-8"), which xarray
 * decodes to strings: netCDF 4.9 cannot read 1-D fixed-length string datasets. One dataset
 * per catalog variable (run), (run, entity), (run, time) or (run, time, entity), float64,
 * fill value NaN; a variable whose run holds 4 KiB or more is chunked one run per chunk (at
 * most 1 MiB) with shuffle + deflate 1, a smaller one keeps several runs per 4 KiB chunk,
 * uncompressed (written in place: see sim_h5_layout.c); with
 * `units`, `long_name`, `_FillValue` and `coordinates`. Zero-length time or entity
 * dimensions are kept (their variables are empty).
 *
 * Event tables (sim_catalog_add_table): each table is an unlimited dimension `<dim>` with the
 * coordinate `<dim>(<dim>)` (int64 row index), `<dim>_run(<dim>)` (int64, the run a row
 * belongs to; HDF5 fill value -1, so rows a failed append added belong to no run) and one
 * float64 `<dim>_<column>(<dim>)` per column (units, long_name, _FillValue NaN, coordinates
 * "<dim>_run"), chunked 256 rows, uncompressed. The rows
 * of run i are appended (H5Dset_extent, allowed in SWMR mode) when run i is written, so the
 * rows of one run are contiguous; callers deliver runs that have rows in increasing run
 * order. A table row counts only where run_status of its run is 1: a killed or failed write
 * can leave rows of a run that never completed.
 *
 * Sweeps (runs->n_design > 0) add the dimension `design_point` with the coordinate
 * `design_point(design_point)` (int64) and one `param_<x>(design_point)` per factor: float64
 * with long_name = the factor's YAML path and units from its suffix (_h "h", _eur "EUR",
 * _per_h "h-1", else "1"), or, for a categorical factor, int32 codes with flag_values and
 * flag_meanings naming the levels. `design(run)` stays each run's design point index: a
 * variable `design(run)` and a dimension `design` cannot share a name in netCDF, hence
 * `design_point`.
 *
 * Root attributes: Conventions "CF-1.8",
 * title, source, history, ecotwin version and git commit, library versions, command line,
 * hostname, start time (UTC ISO 8601), master seed, RNG algorithm, thread and rank counts,
 * Slurm job ids when set, the resolved scenario YAML (attribute scenario_yaml, any size),
 * `kind` ("run" or "sweep"), `sweep_fingerprint`, `sweep_design` and `shard` when given,
 * `common_random_numbers`; `end_time` (a 20-byte string, empty until the writer finishes) and
 * `complete` (int8, 0 until the writer finishes, then 1, written last of all). These two are
 * created with the layout and written in place at close; every other attribute is written
 * once.
 *
 * Crash safety: the file is created with H5F_LIBVER_LATEST, every dataset and attribute but
 * the closing ones exists before the first run is written, and writing happens in SWMR mode,
 * so a kill at any instant leaves a file that opens. sim_h5_write_run writes a run's data,
 * flushes, then writes its run_status and flushes again: a run is complete only when its
 * status says so. sim_h5_close(w, 1) writes end_time, flushes, writes complete = 1, flushes,
 * and closes the file, all in SWMR mode (the file is never reopened). A file whose writer was
 * killed (at any instant before the close returned) stays marked "open for writing": HDF5
 * refuses a plain open until `h5clear -s FILE`, but opens it as a SWMR reader (sim_h5_inspect
 * and sim_h5_open_read do); once sim_h5_close returned, any reader opens it.
 *
 * Row order never depends on the order runs finish in: run i is written at index i.
 * One writer per file, used by one thread at a time.
 */
#ifndef SIM_H5_H
#define SIM_H5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim_model.h"
#include "sim_status.h"

typedef struct sim_h5_runs {
    size_t n_runs;
    const int64_t *replication; /* n_runs */
    const int64_t *design;      /* n_runs; < n_design when n_design > 0 */
    const int32_t *variant;     /* n_runs, index into variant_names */
    const char *const *variant_names;
    size_t n_variant_names;
    /* Design points of a sweep; n_design == 0 (a plain run) adds nothing to the file and the
     * factor fields are ignored. */
    size_t n_design;
    size_t n_factors;
    const char *const *factor_vars;  /* n_factors names "param_<x>" (netCDF identifiers) */
    const char *const *factor_paths; /* n_factors YAML paths, the variables' long_name */
    const double *factor_values;     /* n_design x n_factors, row-major; codes 0, 1, ... of a
                                        categorical factor's levels */
    /* Per factor: the NULL-terminated level names of a categorical factor, or NULL for a
     * numeric one; the whole array may be NULL when no factor is categorical. Characters
     * other than [A-Za-z0-9_.+@-] become '_' in flag_meanings. */
    const char *const *const *factor_levels;
} sim_h5_runs;

typedef struct sim_h5_provenance {
    const char *title;        /* e.g. "ecotwin run of scenarios/baseline.yaml" */
    const char *model;        /* model name */
    const char *command_line; /* argv joined with spaces */
    const char *scenario_path;
    const char *resolved_yaml; /* fully resolved scenario */
    uint64_t master_seed;
    const char *rng_algorithm; /* "xoshiro256++ keyed by SplitMix64" */
    int threads;
    int ranks;
    /* libyaml version (yaml_get_version_string()); this library does not link libyaml.
     * NULL is recorded as "unknown". */
    const char *libyaml_version;
    /* Root attribute sweep_fingerprint, written when not NULL (resume compares it). */
    const char *fingerprint;
    /* Root attribute kind: "run" or "sweep"; NULL is recorded as "run". */
    const char *kind;
    /* Root attribute sweep_design (grid, zip, list, lhs, sobol, saltelli, csv), written when
     * not NULL: sensitivity analysis needs to know a Saltelli layout. */
    const char *design_name;
    /* Root attribute common_random_numbers (int32): 1 when replication r of every design
     * point draws the same streams (the default, also for plain runs), 0 when this field is
     * non-zero (--independent). Variants of one (design point, replication) always share
     * streams. */
    int independent_streams;
    /* Root attribute shard, "I/N" (0-based I), written when not NULL: the file holds the
     * runs of shard I of N only (ecotwin merge combines shards). */
    const char *shard;
} sim_h5_provenance;

typedef struct sim_h5_writer sim_h5_writer;

/* Create path (truncating) and lay out every dataset. Returns NULL with err filled on
 * failure: SIM_IO with the path and the reason when the file cannot be made or written,
 * SIM_INTERNAL for arguments that break the layout (names that are not netCDF identifiers or
 * clash with the layout's, unnamed entities, variant indices without names, variant names
 * with blanks, design indices or categorical codes out of range, factor names that are not
 * free "param_" identifiers, a kind other than "run" or "sweep"), SIM_INVALID for more than
 * 2^26 runs (readers refuse such files: shard the sweep), SIM_NOMEM. Nothing is left behind in
 * that case. */
sim_h5_writer *sim_h5_create(const char *path, const sim_catalog *cat, const sim_h5_runs *runs,
                             const sim_h5_provenance *prov, sim_error *err);

/* Write run `run` (< n_runs) from rec, its table rows appended, then mark it complete and
 * flush. A run index out of range, a record of another catalog (variables or tables), or a
 * run with table rows whose index is not above that of the last run that appended rows is
 * SIM_INTERNAL; a failed write SIM_IO (after a failed append, every later run with rows is
 * SIM_IO too: the tables' lengths are no longer known). */
sim_status sim_h5_write_run(sim_h5_writer *w, size_t run, const sim_record *rec, sim_error *err);
/* Mark run `run` failed (status 2) and store message (cut to 256 bytes) in run_message.
 * Appends no table rows. */
sim_status sim_h5_fail_run(sim_h5_writer *w, size_t run, const char *message, sim_error *err);

/* Finish the file: complete != 0 adds end_time and complete = 1; 0 leaves the file marked
 * incomplete (interrupted). Frees w in every case; w == NULL is a no-op. */
sim_status sim_h5_close(sim_h5_writer *w, int complete, sim_error *err);

/* Describe a results file in words on out: provenance, completeness ("finished: <time>" or
 * "INCOMPLETE: the run was interrupted; N of M runs complete"), runs by status and variant
 * with the first failure messages, dimensions, and every variable with its shape, units
 * and meaning. A missing file is SIM_NOINPUT; a file HDF5 cannot open (not HDF5, truncated)
 * SIM_IO "<path> is not a readable HDF5 file: <reason>"; an HDF5 file without the
 * ecotwin_version attribute SIM_NOINPUT "not an ecotwin results file"; a failed write to
 * out SIM_IO. Missing or mistyped parts of an ecotwin file print as "?", never a crash. */
sim_status sim_h5_inspect(const char *path, FILE *out, sim_error *err);

/* ---- reading a results file back (resume, merge) ----
 *
 * A reader opens a file read-only; a file whose writer was killed (still marked open for
 * writing) is opened as a SWMR reader instead, as sim_h5_inspect does. Run statuses, the
 * completeness flag and every string root attribute are read once at open. Reading a run
 * needs a record whose catalog matches the file: every catalog variable must exist with the
 * same shape (dimension names and lengths), every table with its columns; extra variables in
 * the file are ignored. A table's rows are found through an index of `<dim>_run` built on
 * first use (the rows of a run are contiguous). One reader is used by one thread at a time. */
typedef struct sim_h5_reader sim_h5_reader;

/* NULL with err filled: SIM_NOINPUT for a missing file or an HDF5 file that is not an
 * ecotwin results file, SIM_IO "<path> is not a readable HDF5 file: <reason>" for anything
 * HDF5 cannot open (not HDF5, truncated), SIM_IO for an ecotwin file without a readable
 * run_status(run), SIM_NOMEM. */
sim_h5_reader *sim_h5_open_read(const char *path, sim_error *err);
void sim_h5_reader_close(sim_h5_reader *r); /* NULL is a no-op */
size_t sim_h5_reader_n_runs(const sim_h5_reader *r);
/* 0 not run, 1 complete, 2 failed (as stored; another stored value is returned as is), -1
 * for a run out of range. */
int sim_h5_reader_run_status(const sim_h5_reader *r, size_t run);
/* A string root attribute (scenario_yaml, sweep_fingerprint, model, kind, ...), NULL when
 * absent or not text. Owned by the reader, valid until sim_h5_reader_close. */
const char *sim_h5_reader_attr(const sim_h5_reader *r, const char *name);
/* 1 when the file's `complete` attribute is 1 (the writer finished), else 0. */
int sim_h5_reader_complete(const sim_h5_reader *r);
/* Failure message of a failed run ("" when none), NULL when out of range or unreadable.
 * Valid until the next call on r. */
const char *sim_h5_reader_run_message(sim_h5_reader *r, size_t run);
/* Fill rec (cleared first) with run `run`: every catalog variable and the run's table rows.
 * SIM_INVALID when the run is out of range or not complete, or the record's catalog does not
 * match the file (the message names the first difference); SIM_IO when a read fails or a
 * table's run index is damaged (rows of a run not contiguous, run out of range); SIM_NOMEM. */
sim_status sim_h5_reader_read_run(sim_h5_reader *r, size_t run, sim_record *rec, sim_error *err);

/* Call once at program start, before any other HDF5 call: silences HDF5's own error stack
 * printing, and keeps HDF5 from closing files at exit (HDF5 1.10 crashes then on a file whose
 * close failed, e.g. on a full disk). */
void sim_h5_quiet(void);

/* ---- generic access (analysis) ----
 *
 * Any results file seen as netCDF variables, for analysis that must not know the catalog:
 * every dataset of the root group with its class, extent and dimension names (the
 * dimension scales attached to each axis), numeric hyperslabs converted to double, whole
 * character arrays, and the text or numeric attributes of a dataset or of the root.
 * Opening follows sim_h5_open_read (a killed writer's file opens as a SWMR reader; missing
 * or foreign files are SIM_NOINPUT, unreadable ones SIM_IO). Nothing is trusted: the caller
 * sizes buffers from the extents listed here, and every read checks class and extent again.
 * Implemented in sim_h5_vars.c. One handle is used by one thread at a time. */
#define SIM_H5_VARS_MAX_RANK 4
/* Datasets listed at most (a crafted file with more is refused, SIM_IO). */
#define SIM_H5_VARS_MAX ((size_t)1 << 16)

typedef enum sim_h5_vclass {
    SIM_H5_VFLOAT,
    SIM_H5_VINT,
    SIM_H5_VCHAR, /* fixed-length strings / char arrays */
    SIM_H5_VOTHER,
} sim_h5_vclass;

typedef struct sim_h5_vinfo {
    const char *name;
    sim_h5_vclass cls;
    int rank; /* 0..SIM_H5_VARS_MAX_RANK; a dataset of higher rank is listed as rank -1 */
    uint64_t dims[SIM_H5_VARS_MAX_RANK];
    const char *dim[SIM_H5_VARS_MAX_RANK]; /* dimension names, "" for an axis without one */
} sim_h5_vinfo;

typedef struct sim_h5_vars sim_h5_vars;

sim_h5_vars *sim_h5_vars_open(const char *path, sim_error *err);
void sim_h5_vars_close(sim_h5_vars *v); /* NULL is a no-op */
size_t sim_h5_vars_count(const sim_h5_vars *v);
const sim_h5_vinfo *sim_h5_vars_info(const sim_h5_vars *v, size_t i);
/* Index of the dataset named name, or -1. */
int sim_h5_vars_find(const sim_h5_vars *v, const char *name);
/* Hyperslab start/count (rank values each) of numeric dataset i into out (count product
 * doubles, row-major). SIM_IO for a dataset that is not numeric, a slab outside its extent
 * (as it is in the file now) or a failed read. */
sim_status sim_h5_vars_read(sim_h5_vars *v, size_t i, const uint64_t *start, const uint64_t *count,
                            double *out, sim_error *err);
/* The whole of character dataset i (product of its dims bytes, cap at least that) into out.
 * SIM_IO for another class, a size above cap, or a failed read. */
sim_status sim_h5_vars_read_chars(sim_h5_vars *v, size_t i, char *out, size_t cap, sim_error *err);
/* Attribute attr of dataset var (NULL: the root group). Text: a malloc'd copy of a one-element
 * string attribute (the caller frees), NULL when absent, not text or over 1 MiB. Number: the
 * first element of a numeric attribute into *out, 0; -1 when absent or not numeric. */
char *sim_h5_vars_attr_text(sim_h5_vars *v, const char *var, const char *attr);
int sim_h5_vars_attr_num(sim_h5_vars *v, const char *var, const char *attr, double *out);
/* Read every value of the numeric and character datasets pick chooses (NULL: all of them)
 * once and discard it, so that a file HDF5 crashes or loops on is found before anything
 * reads it in process: the commands run this in a child process (sim/cli/cli_probe.c,
 * docs/reliability.md). The reads go chunk by chunk (a chunk larger than SIM_H5_SCAN_BLOCK
 * values in several reads), numbers as doubles and integers also as int64, characters as
 * text, as the readers of this module read them; a dataset of another class or rank, which
 * nothing reads, is skipped. A dataset of more values than SIM_H5_SCAN_RATIO times the file's
 * size in bytes cannot be data the writer compressed (deflate stays under about 1 030:1) and
 * is not read: SIM_IO. Every chosen dataset is tried; SIM_OK when all read, else the first
 * failure: SIM_IO, SIM_NOMEM. */
#define SIM_H5_SCAN_BLOCK ((uint64_t)1 << 21)
#define SIM_H5_SCAN_RATIO 1100
typedef bool (*sim_h5_vars_pick)(const sim_h5_vinfo *info, void *ctx);
sim_status sim_h5_vars_scan(sim_h5_vars *v, sim_h5_vars_pick pick, void *ctx, sim_error *err);
/* Everything a resume or a merge reads from a results file, once: sim_h5_open_read's open,
 * the variables' list with their units, long_name and flag_meanings and the root's
 * common_random_numbers, and every value (sim_h5_vars_scan). What the program runs in a child
 * before it reads an untrusted file in process (sim/cli/cli_probe.c, tests/fuzz/fuzz_guard.h):
 * SIM_OK, or the first failure (the command's own read reports it again). */
sim_status sim_h5_probe(const char *path, sim_error *err);

#endif
