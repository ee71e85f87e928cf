/*
 * sim_sweep: a sweep file expanded into design points, each a scenario to run.
 *
 * A sweep file is a scenario file (it usually `extends:` a base scenario, and may override
 * any key) with one extra top-level section, `sweep:`:
 *
 *   extends: ../baseline.yaml
 *   simulation: {replications: 10, variants: [ecosystem, autarky]}
 *   sweep:
 *     design: grid          # grid | zip | list | lhs | sobol | saltelli | csv
 *     factors:              # YAML path -> levels (grid, zip) or {min, max} (lhs, sobol, saltelli)
 *       companies.oem.sharing_willingness: [0.2, 0.5, 0.8]
 *       maintenance.pm_policy: [risk_quantile, fixed_fraction]
 *     samples: 64           # lhs, sobol: design points; saltelli: base sample N
 *     points: [{...}, ...]  # list: each point a map path -> value
 *     file: design.csv      # csv: header = YAML paths, one row per design point
 *     seed: 1               # lhs only (default: the master seed)
 *
 * A factor path names keys from the root, separated by dots; a list element is chosen by index
 * (`companies[2]`) or, in lists of maps with a `name` key, by name (`companies.oem`). Paths
 * that do not exist in the resolved base scenario are an error at the factor's place (with
 * "did you mean" over the keys at the level that failed), unless their parent map exists (a
 * factor may set a key the base leaves to its default).
 *
 * Designs: grid = full factorial (the last factor varies fastest); zip = the i-th level of
 * every factor (equal counts required); list = explicit points; lhs = Latin hypercube, one
 * stratum per sample in every factor, keyed random permutations; sobol = the first `samples`
 * points of GSL's Sobol sequence (gsl_qrng_sobol, at most 40 factors) scaled to the ranges;
 * saltelli = Saltelli's scheme for first- and total-order Sobol indices: matrices A and B
 * from a Sobol sequence of 2k dimensions and, for each factor i, AB_i (A with column i from
 * B), N(k+2) points in the order A, B, AB_1..AB_k; csv = rows of a CSV file. Categorical
 * (string) factors are allowed in grid, zip, list and csv.
 *
 * Every error in the sweep file, the design and the base scenario is collected with its
 * place before any run (sim_sweep_diag_*). A design point whose values are out of a
 * parameter's range is not a sweep-file error: sim_sweep_open_design reports it for that
 * point only, so the sweep can record it as a failed point and go on.
 */
#ifndef SIM_SWEEP_H
#define SIM_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "sim_scenario.h"
#include "sim_status.h"

typedef enum sim_design_kind {
    SIM_DESIGN_GRID,
    SIM_DESIGN_ZIP,
    SIM_DESIGN_LIST,
    SIM_DESIGN_LHS,
    SIM_DESIGN_SOBOL,
    SIM_DESIGN_SALTELLI,
    SIM_DESIGN_CSV
} sim_design_kind;

#define SIM_SWEEP_MAX_FACTORS 64
#define SIM_SWEEP_MAX_POINTS  10000000u

typedef struct sim_sweep sim_sweep;

/* Load and expand a sweep file. ov overrides the base's simulation settings as for run. On
 * SIM_INVALID, *out is set so the caller can print every diagnostic. SIM_NOINPUT when the
 * file cannot be opened. */
sim_status sim_sweep_open(const char *path, const sim_overrides *ov, sim_sweep **out,
                          sim_error *err);
void sim_sweep_free(sim_sweep *sw);

size_t sim_sweep_diag_count(const sim_sweep *sw);
const char *sim_sweep_diag_text(sim_sweep *sw, size_t i);

sim_design_kind sim_sweep_design(const sim_sweep *sw);
const char *sim_sweep_design_name(sim_design_kind kind);
size_t sim_sweep_n_points(const sim_sweep *sw);
size_t sim_sweep_n_factors(const sim_sweep *sw);
/* Factor path as written ("companies.oem.sharing_willingness"). */
const char *sim_sweep_factor_path(const sim_sweep *sw, size_t f);
/* netCDF-safe coordinate name: "param_" + the path with every other character as '_'. */
const char *sim_sweep_factor_var(const sim_sweep *sw, size_t f);
/* 1 when the factor's values are strings (categorical). */
int sim_sweep_factor_categorical(const sim_sweep *sw, size_t f);
/* Numeric value of factor f at point d; for a categorical factor the index of its level in
 * sim_sweep_factor_levels. */
double sim_sweep_value(const sim_sweep *sw, size_t d, size_t f);
/* Text of the value as it is put into the scenario tree. */
const char *sim_sweep_value_text(const sim_sweep *sw, size_t d, size_t f);
/* Levels of a categorical factor (NULL-terminated), NULL for a numeric one. */
const char *const *sim_sweep_factor_levels(const sim_sweep *sw, size_t f);

/* The base scenario, opened with no factor applied (settings, model, replications,
 * variants, seed, resolved YAML). Owned by the sweep. */
const sim_scenario *sim_sweep_base(const sim_sweep *sw);
/* The whole sweep file resolved (extends merged, defaults filled), for provenance and for
 * refusing to resume a changed sweep. Owned by the sweep. */
const char *sim_sweep_resolved_yaml(const sim_sweep *sw);

/* Open design point d: the base tree with point d's values applied, read as a scenario. On
 * SIM_INVALID *out holds the point's diagnostics (for the failed point's message). The
 * caller frees *out. Thread-safe: may be called from several threads at once. */
sim_status sim_sweep_open_design(const sim_sweep *sw, size_t d, sim_scenario **out, sim_error *err);

#endif
