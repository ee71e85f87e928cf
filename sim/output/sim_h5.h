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
 * chunked one run per chunk (at most 1 MiB), shuffle + deflate 4, fill value NaN, with
 * `units`, `long_name`, `_FillValue` and `coordinates`. Zero-length time or entity
 * dimensions are kept (their variables are empty). Root attributes: Conventions "CF-1.8",
 * title, source, history, ecotwin version and git commit, library versions, command line,
 * hostname, start time (UTC ISO 8601), master seed, RNG algorithm, thread and rank counts,
 * Slurm job ids when set, the resolved scenario YAML (attribute scenario_yaml, any size); at
 * close `end_time` and, last of all, `complete` = 1. Attributes are never rewritten.
 *
 * Crash safety: the file is created with H5F_LIBVER_LATEST, every dataset and attribute but
 * the closing ones exists before the first run is written, and writing happens in SWMR mode,
 * so a kill at any instant leaves a file that opens. sim_h5_write_run writes a run's data,
 * flushes, then writes its run_status and flushes again: a run is complete only when its
 * status says so. sim_h5_close leaves SWMR mode, reopens the file and adds end_time and
 * complete. A file whose writer was killed stays marked "open for writing": HDF5 refuses a
 * plain open until `h5clear -s FILE`, but opens it as a SWMR reader (sim_h5_inspect does).
 *
 * Row order never depends on the order runs finish in: run i is written at index i.
 * One writer per file, used by one thread at a time.
 */
#ifndef SIM_H5_H
#define SIM_H5_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim_model.h"
#include "sim_status.h"

typedef struct sim_h5_runs {
    size_t n_runs;
    const int64_t *replication; /* n_runs */
    const int64_t *design;      /* n_runs */
    const int32_t *variant;     /* n_runs, index into variant_names */
    const char *const *variant_names;
    size_t n_variant_names;
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
} sim_h5_provenance;

typedef struct sim_h5_writer sim_h5_writer;

/* Create path (truncating) and lay out every dataset. Returns NULL with err filled on
 * failure: SIM_IO with the path and the reason when the file cannot be made or written,
 * SIM_INTERNAL for arguments that break the layout (names that are not netCDF identifiers or
 * clash with the layout's, unnamed entities, variant indices without names, variant names
 * with blanks), SIM_NOMEM. Nothing is left behind in that case. */
sim_h5_writer *sim_h5_create(const char *path, const sim_catalog *cat, const sim_h5_runs *runs,
                             const sim_h5_provenance *prov, sim_error *err);

/* Write run `run` (< n_runs) from rec, then mark it complete and flush. A run index out of
 * range or a record of another catalog is SIM_INTERNAL; a failed write SIM_IO. */
sim_status sim_h5_write_run(sim_h5_writer *w, size_t run, const sim_record *rec, sim_error *err);
/* Mark run `run` failed (status 2) and store message (cut to 256 bytes) in run_message. */
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

/* Call once at program start, before any other HDF5 call: silences HDF5's own error stack
 * printing, and keeps HDF5 from closing files at exit (HDF5 1.10 crashes then on a file whose
 * close failed, e.g. on a full disk). */
void sim_h5_quiet(void);

#endif
