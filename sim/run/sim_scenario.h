/*
 * sim_scenario: one scenario opened for running: its tree, its model, its settings.
 *
 * sim_scenario_open loads a file (sim_yaml), picks the model named by `model:` (default
 * "ecosystem"), reads the `simulation:` settings every model shares (horizon, warm-up,
 * sampling, replications, seed, variants, output file), lets the model read its parameters,
 * reads `validation:` (used by ecotwin verify) and then reports unknown keys. Command-line
 * overrides (replications, seed, horizon) are applied to the tree before reading, so the
 * resolved YAML stored with the results says what was really run.
 *
 * All problems are collected as diagnostics; the scenario is usable only when
 * sim_scenario_open returned SIM_OK.
 */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "sim_cfg.h"
#include "sim_model.h"
#include "sim_status.h"

/* Sizes bounded when a scenario opens, before anything is allocated by them (see
 * docs/reliability.md): sample instants of a run; values one run stores (every worker thread
 * holds such a record), checked on the model's output catalog; and the data of the whole
 * results file (runs x values x 8 bytes, uncompressed) above which a warning is given. */
#define SIM_SCENARIO_MAX_SAMPLES       100000
#define SIM_SCENARIO_MAX_RUN_VALUES    (1u << 25)
#define SIM_SCENARIO_WARN_OUTPUT_BYTES (64.0 * 1024 * 1024 * 1024)

typedef struct sim_overrides {
    long long replications; /* < 0: keep the scenario's */
    int has_seed;
    uint64_t seed;
    double horizon_h; /* <= 0: keep */
    double warmup_h;  /* < 0: keep */
} sim_overrides;

#define SIM_OVERRIDES_NONE ((sim_overrides){-1, 0, 0, -1.0, -1.0})

typedef struct sim_scenario {
    char *path;
    sim_cfg *cfg; /* tree with defaults filled in, and diagnostics */
    const sim_model_type *model;
    void *params; /* owned, freed with model->params_free */
    sim_settings settings;
    size_t replications;
    uint64_t master_seed;
    int *variants; /* indices into model->variants */
    size_t n_variants;
    const char *output_file;     /* simulation.output_file */
    const char *validation_case; /* validation.case or NULL */
    sim_cfg_node *validation;    /* the validation map or NULL */
    char *resolved_yaml;         /* emitted after reading; owned */
} sim_scenario;

/* Open path. On SIM_INVALID, *out is still set so the caller can print every diagnostic
 * (sim_scenario_diag_count/text) before freeing it. */
sim_status sim_scenario_open(const char *path, const sim_overrides *ov, sim_scenario **out,
                             sim_error *err);
/* Same, from a tree already loaded (for example a sweep's design point). Takes ownership of
 * cfg, whose root must be set; label names the scenario in messages and provenance. */
sim_status sim_scenario_open_cfg(sim_cfg *cfg, const char *label, const sim_overrides *ov,
                                 sim_scenario **out, sim_error *err);
void sim_scenario_free(sim_scenario *sc);

size_t sim_scenario_diag_count(const sim_scenario *sc);
/* Warnings (the scenario is valid but something deserves attention). */
size_t sim_scenario_warning_count(const sim_scenario *sc);
const char *sim_scenario_warning_text(const sim_scenario *sc, size_t i);
const char *sim_scenario_diag_text(sim_scenario *sc, size_t i);

/* Number of runs: replications x variants. Run index = rep * n_variants + variant slot. */
size_t sim_scenario_n_runs(const sim_scenario *sc);

#endif
