/*
 * an_results: a results file (docs/output.md) loaded for analysis: which runs there are, how
 * they are grouped (design point, replication, variant, factor values), and the values of any
 * model variable per run. Used by `ecotwin summarize`, `compare`, `sensitivity` and the plot
 * and report helpers (through summarize/compare/sensitivity --json).
 *
 * Nothing here knows the model: variables are found by their dimensions. A file is read
 * through the sim_h5 reader (sim_h5_open_read: a file left open by a killed writer opens as a
 * SWMR reader, a foreign or damaged file is refused with a clear message), so the same
 * checks protect every command. Only complete runs (run_status 1) carry values; every other
 * run reads as absent, never as NaN-filled data that would bias a mean.
 *
 * Loading reads the run coordinates (replication, design, variant, run_status), the design
 * points with their factors (param_<x>(design_point), long_name = YAML path, categorical
 * levels from flag_meanings), the variant names (flag_meanings of variant), the entity
 * names and the list of variables with their shapes. Variable values are read on demand.
 * Sizes are checked against what the file's own extents allow before allocating; a file
 * claiming more than AN_MAX_RUNS runs is refused.
 *
 * Ownership: an_results owns everything it returns (strings, arrays); pointers stay valid
 * until an_results_close. Not thread-safe (HDF5).
 */
#ifndef AN_RESULTS_H
#define AN_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "sim_status.h"

#define AN_MAX_RUNS ((size_t)1 << 26)

typedef enum an_shape {
    AN_SHAPE_RUN,             /* (run) */
    AN_SHAPE_RUN_ENTITY,      /* (run, entity) */
    AN_SHAPE_RUN_TIME,        /* (run, time) */
    AN_SHAPE_RUN_TIME_ENTITY, /* (run, time, entity) */
} an_shape;

typedef struct an_var {
    const char *name;
    const char *units;     /* "" when absent */
    const char *long_name; /* "" when absent */
    an_shape shape;
} an_var;

typedef struct an_factor {
    const char *var;  /* "param_<x>" */
    const char *path; /* YAML path (long_name) */
    const char *units;
    /* NULL for a numeric factor; else n_levels level names, values are codes 0.. */
    const char *const *levels;
    size_t n_levels;
} an_factor;

typedef struct an_results an_results;

/* Load path. NULL with err filled: SIM_NOINPUT missing file or not an ecotwin results file;
 * SIM_IO unreadable/damaged (the message says what is wrong: "<path>: run_status has 3 runs
 * but replication 2"); SIM_NOMEM. */
an_results *an_results_open(const char *path, sim_error *err);
void an_results_close(an_results *r); /* NULL is a no-op */
/* Everything summarize, compare and sensitivity read from the file at path, once: the open
 * (an_results_open) and every value (sim_h5_vars_scan) but those of time series, (run, time)
 * and (run, time, entity) variables, which are read only when named in names (n_names of
 * them; they are large, and only summarize reads them, when asked to). What the program runs
 * in a child before it reads an untrusted file in process (sim/cli/cli_probe.c): SIM_OK, or
 * the first failure. */
sim_status an_results_probe(const char *path, const char *const *names, size_t n_names,
                            sim_error *err);

const char *an_results_path(const an_results *r);
/* A string root attribute (title, kind, model, sweep_design, shard, ...), NULL if absent. */
const char *an_results_attr(const an_results *r, const char *name);
/* 1 when runs of different design points share random numbers (root attribute
 * common_random_numbers = 1, or absent in a file of kind "run"), else 0. Variants of one
 * (design point, replication) always share them. */
int an_results_crn(const an_results *r);
/* 1 when the writer finished (complete = 1). */
int an_results_complete(const an_results *r);

size_t an_results_n_runs(const an_results *r);
size_t an_results_n_complete(const an_results *r);
int an_results_run_status(const an_results *r, size_t run);          /* 0 not run, 1 ok, 2 failed */
int64_t an_results_run_design(const an_results *r, size_t run);      /* 0 for a plain run */
int64_t an_results_run_replication(const an_results *r, size_t run); /* 0-based */
int32_t an_results_run_variant(const an_results *r, size_t run);     /* index into variants */

size_t an_results_n_variants(const an_results *r);
const char *an_results_variant_name(const an_results *r, size_t v);
/* The variant index named name, or -1. */
int an_results_find_variant(const an_results *r, const char *name);

/* Design points: 1 for a plain run (no factors). */
size_t an_results_n_designs(const an_results *r);
size_t an_results_n_factors(const an_results *r);
const an_factor *an_results_factor(const an_results *r, size_t f);
/* Factor f's value at design point d (a code for a categorical factor). */
double an_results_factor_value(const an_results *r, size_t d, size_t f);
/* The factor whose var ("param_x") or YAML path matches name, or -1. */
int an_results_find_factor(const an_results *r, const char *name);

size_t an_results_n_entities(const an_results *r);
const char *an_results_entity_dim(const an_results *r); /* "company" */
const char *an_results_entity_name(const an_results *r, size_t e);
int an_results_find_entity(const an_results *r, const char *name); /* -1 if none */
size_t an_results_n_time(const an_results *r);
const double *an_results_time(const an_results *r); /* n_time sample instants (h) */

/* Model variables (everything with a run dimension besides the run coordinates). */
size_t an_results_n_vars(const an_results *r);
const an_var *an_results_var(const an_results *r, size_t i);
/* Index of the variable named name, or -1. */
int an_results_find_var(const an_results *r, const char *name);
/* Names close to name (edit distance), for "unknown metric 'iov_ecosytem'; did you mean
 * 'iov_ecosystem'?"; NULL when none. */
const char *an_results_suggest_var(const an_results *r, const char *name);

/* Values of variable var for every run, into out[n_runs] (NaN for runs not complete):
 * entity e of a (run, entity) variable, time index t of a (run, time) variable, both for
 * (run, time, entity); arguments that do not apply must be 0. SIM_INVALID for indices out
 * of range; SIM_IO on a failed read. */
sim_status an_results_read(an_results *r, size_t var, size_t entity, size_t time, double *out,
                           sim_error *err);

#endif
