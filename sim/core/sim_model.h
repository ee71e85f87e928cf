/*
 * sim_model: the one small interface every model implements, and the output catalog.
 *
 * A model is a const sim_model_type (a versioned table of functions, as gsl_rng_type is for
 * generators). The runner drives it through four stages:
 *   1. params_load reads the model's parameters from a sim_cfg tree (the schema is the
 *      getter calls; every problem becomes a diagnostic on the tree) and returns an
 *      immutable params object shared by all runs of a scenario;
 *   2. describe declares the output variables of one run in a sim_catalog: scalars per run,
 *      per entity (e.g. company), per sample time, or per time and entity;
 *   3. for each run, run_alloc builds the run state, creates the engine it needs through
 *      the runner-supplied engine, and schedules the first events; the engine then calls
 *      handle for each event;
 *   4. collect writes the run's results into a sim_record laid out by the catalog.
 * A run state is touched by one thread only; params and catalog are read-only after loading.
 * Models know nothing of files, YAML syntax, HDF5 or threads.
 */
#ifndef SIM_MODEL_H
#define SIM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "sim_cfg.h"
#include "sim_engine.h"
#include "sim_status.h"

/* ---- output catalog ---- */

typedef enum sim_shape {
    SIM_SHAPE_RUN,        /* one value per run */
    SIM_SHAPE_ENTITY,     /* per run and entity */
    SIM_SHAPE_TIME,       /* per run and sample time */
    SIM_SHAPE_TIME_ENTITY /* per run, sample time and entity */
} sim_shape;

typedef struct sim_var {
    const char *name;      /* netCDF-safe identifier, e.g. "lead_time_mean" */
    const char *units;     /* UDUNITS string: "h", "1", "EUR", "h-1", ... */
    const char *long_name; /* one sentence for humans */
    sim_shape shape;
} sim_var;

typedef struct sim_catalog sim_catalog;

/* entity_dim: name of the entity dimension ("company"); n_entity its size; n_time the
 * number of sample instants; time values are set with sim_catalog_set_time. */
sim_catalog *sim_catalog_alloc(const char *entity_dim, size_t n_entity, size_t n_time);
void sim_catalog_free(sim_catalog *cat);
/* Returns the variable's index, or -1 when out of memory or the name is taken. Strings are
 * copied. */
int sim_catalog_add(sim_catalog *cat, const sim_var *var);
/* Name of entity i (copied), e.g. the company name. */
sim_status sim_catalog_set_entity_name(sim_catalog *cat, size_t i, const char *name);
/* Sample instants (n_time values, copied), in model hours. */
void sim_catalog_set_time(sim_catalog *cat, const double *t);

size_t sim_catalog_count(const sim_catalog *cat);
const sim_var *sim_catalog_var(const sim_catalog *cat, size_t i);
int sim_catalog_find(const sim_catalog *cat, const char *name); /* -1 when absent */
const char *sim_catalog_entity_dim(const sim_catalog *cat);
size_t sim_catalog_n_entity(const sim_catalog *cat);
size_t sim_catalog_n_time(const sim_catalog *cat);
const char *sim_catalog_entity_name(const sim_catalog *cat, size_t i);
const double *sim_catalog_time(const sim_catalog *cat);
/* Number of doubles one run stores for variable i (1, n_entity, n_time, n_time*n_entity). */
size_t sim_catalog_var_size(const sim_catalog *cat, size_t i);

/* ---- event tables ----
 * Some outputs are events with a varying count per run (projects, contracts). A table has a
 * dimension name ("project"), a long name and float64 columns; each run appends rows to its
 * record. The writer stores a table as 1-D datasets along an unlimited dimension named after
 * the table, one per column (named "<dim>_<column>"), plus "<dim>_run" holding the run index,
 * appended in run order. Column shapes are ignored. Tables share one namespace with the
 * variables: the table's dimension, "<dim>_run" and every "<dim>_<column>" must differ from
 * every variable, other table name, the entity dimension, "run" and "time". */
/* Returns the table's index, or -1 (out of memory, bad or taken name). */
int sim_catalog_add_table(sim_catalog *cat, const char *dim, const char *long_name);
/* Returns the column index within the table, or -1 (out of memory, name taken, bad name). */
int sim_catalog_add_column(sim_catalog *cat, size_t table, const sim_var *column);
size_t sim_catalog_table_count(const sim_catalog *cat);
int sim_catalog_find_table(const sim_catalog *cat, const char *dim); /* -1 when absent */
const char *sim_catalog_table_dim(const sim_catalog *cat, size_t table);
const char *sim_catalog_table_long_name(const sim_catalog *cat, size_t table);
size_t sim_catalog_table_ncols(const sim_catalog *cat, size_t table);
const sim_var *sim_catalog_table_column(const sim_catalog *cat, size_t table, size_t col);

/* ---- one run's results ---- */

/* A record holds one run's values for every catalog variable, all initialised to NaN.
 * Layout of a TIME_ENTITY variable: [time][entity] (row-major). */
typedef struct sim_record sim_record;
sim_record *sim_record_alloc(const sim_catalog *cat);
void sim_record_free(sim_record *rec);
void sim_record_clear(sim_record *rec); /* all values back to NaN */
double *sim_record_values(sim_record *rec, size_t var);
const double *sim_record_cvalues(const sim_record *rec, size_t var);
const sim_catalog *sim_record_catalog(const sim_record *rec);
/* Append one row (ncols values) to a table; storage grows by doubling and is kept across
 * sim_record_clear, which empties every table. SIM_NOMEM when it cannot grow, SIM_INTERNAL
 * for an unknown table or a NULL row. A record knows the tables its catalog had when the
 * record was made. */
sim_status sim_record_table_append(sim_record *rec, size_t table, const double *row);
size_t sim_record_table_rows(const sim_record *rec, size_t table);
/* rows x ncols values, row-major; NULL when the table is empty. */
const double *sim_record_table_data(const sim_record *rec, size_t table);

/* Transport of a record between processes (MPI ranks): every value and every table row,
 * bit for bit (memcpy of the doubles, NaN payloads included), in the host's byte order; both
 * ends must have the same architecture and the same catalog. Layout: a header of uint64
 * counts (magic, variables, values, tables, then per table columns and rows), the values,
 * then each table's rows. sim_record_pack writes exactly sim_record_packed_size(rec) bytes
 * into buf (SIM_INTERNAL when size is smaller). sim_record_unpack replaces rec's values and
 * rows with buf's; it checks every count against rec's own layout and buf's size before it
 * reads, and fails with SIM_INVALID on a malformed or foreign buffer (rec is then cleared),
 * SIM_NOMEM when a table cannot grow. */
size_t sim_record_packed_size(const sim_record *rec);
sim_status sim_record_pack(const sim_record *rec, void *buf, size_t size);
sim_status sim_record_unpack(sim_record *rec, const void *buf, size_t size, sim_error *err);

/* ---- the model interface ---- */

/* Identity of one run: which streams it draws and which variant of the scenario it is. */
typedef struct sim_run_id {
    uint64_t master_seed;
    uint64_t design;      /* design point index (0 for a single scenario) */
    uint64_t replication; /* 0-based */
    int variant;          /* index into the model's variant names */
} sim_run_id;

/* Settings of the simulation: section every model shares, read by the runner. */
typedef struct sim_settings {
    double horizon_h;
    double warmup_h;
    double sample_interval_h;
} sim_settings;

#define SIM_MODEL_TYPE_VERSION 1

typedef struct sim_model_type {
    int version; /* SIM_MODEL_TYPE_VERSION */
    const char *name;
    const char *description;
    /* Names of the variants a scenario may ask for; NULL-terminated. Index 0 is the model as
     * specified. */
    const char *const *variants;

    /* Read parameters from root (the whole scenario tree). Every error is a diagnostic on
     * cfg; returns NULL only when out of memory. The caller frees with params_free even when
     * diagnostics were added. */
    void *(*params_load)(sim_cfg *cfg, sim_cfg_node *root, const sim_settings *settings);
    void (*params_free)(void *params);

    /* Declare outputs. The catalog is created by the model (entity dimension and count,
     * sample instants). Returns NULL when out of memory. */
    sim_catalog *(*describe)(const void *params, const sim_settings *settings);

    /* Create a run state bound to eng: allocate entities, streams, schedule first events. */
    void *(*run_alloc)(const void *params, const sim_settings *settings, const sim_run_id *id,
                       const sim_catalog *cat, sim_engine *eng, sim_error *err);
    /* Upper bound of timers the model needs (for the engine config). */
    size_t (*n_timers)(const void *params);
    /* Event dispatch. */
    sim_handler_fn handle;
    /* Write results after the engine is done (clock at horizon). */
    sim_status (*collect)(void *run, sim_engine *eng, sim_record *rec, sim_error *err);
    void (*run_free)(void *run);

    /* Optional (may be NULL): fill the variables that compare the variants of one design
     * point and replication, e.g. inter-organizational value = value(ecosystem) -
     * value(autarky) with common random numbers. recs[k] is the collected record of variant
     * index variants[k], k < n; the runner calls this once all n are collected and before
     * any of them is handed to a sink. */
    sim_status (*pair)(const void *params, const int *variants, sim_record *const *recs, size_t n,
                       sim_error *err);
} sim_model_type;

#endif
