/*
 * test_eco_runs: run a scenario given as YAML text through the real path (sim_scenario,
 * sim_runner with the model's pairing) into memory, for model-level tests of the ecosystem
 * model. Every helper fails the calling test on an unexpected error.
 */
#ifndef TEST_ECO_RUNS_H
#define TEST_ECO_RUNS_H

#include <stddef.h>

#include "sim_scenario.h"

/* Open a scenario text; fails the test when it has diagnostics. */
sim_scenario *tr_open(const char *yaml);
/* Open a scenario text that must be invalid; returns its diagnostics joined by newlines
 * (caller frees). */
char *tr_diagnostics(const char *yaml);

/* Every run of a scenario: values of every catalog variable, per run. */
typedef struct tr_runs {
    sim_catalog *cat;
    size_t n_runs, per_run;
    size_t *offset; /* of each variable within a run's values */
    double *values; /* n_runs x per_run */
    int *variant;   /* variant index of each run */
    size_t n_variants;
} tr_runs;

tr_runs tr_run(const sim_scenario *sc);
void tr_free(tr_runs *r);
/* Value of a variable of run `run` (index within the variable: entity, time, ...). */
double tr_get(const tr_runs *r, size_t run, const char *name, size_t index);
/* Number of values of a variable per run. */
size_t tr_size(const tr_runs *r, const char *name);
/* Open, run and close in one go. */
tr_runs tr_run_text(const char *yaml);

#endif
