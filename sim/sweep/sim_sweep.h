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
 * are resolved against the base scenario after its defaults are filled in, so a key the
 * base leaves to its default can be a factor; a path that names no parameter of the
 * resolved base (or names a whole map or list) is an error at the factor's place, with
 * "did you mean" over the keys (or element names) at the level that failed. `model` and the
 * settings every run of a sweep shares (simulation.replications, variants, master_seed,
 * horizon_h, warmup_h, sample_interval_h, output_file, threads: the run plan and the
 * output's time axis) cannot be factors.
 *
 * Designs: grid = full factorial (the last factor varies fastest); zip = the i-th level of
 * every factor (equal counts required); list = explicit points (`points:`, no `factors:`;
 * the first point names the factors and every point must set the same ones); lhs = Latin
 * hypercube, one stratum per sample in every factor, keyed random permutations; sobol = the
 * first `samples` points of GSL's Sobol sequence (gsl_qrng_sobol, at most 40 factors; it
 * starts at (0.5, ..., 0.5), so the all-zero point is never a design point) scaled to the
 * ranges; saltelli = Saltelli's scheme for first- and total-order Sobol indices: matrices A
 * and B from a Sobol sequence of 2k dimensions (so at most 20 factors) and, for each factor
 * i, AB_i (A with column i from B), N(k+2) points in the order A, B, AB_1..AB_k (point
 * (2+i)N + j is row j of AB_{i+1}); csv = rows of a CSV file (`file:`, relative to the sweep
 * file; header row = paths; RFC 4180 quoting; no `factors:`). sim_design.h has the
 * generators. Keys a design does not use (samples for grid, ...) are errors.
 *
 * Values. A level written in the sweep or CSV file is a number when it is unquoted and reads
 * as a finite number; otherwise it is a string and its factor is categorical. Categorical
 * factors are allowed in grid, zip, list and csv; a string level goes into the scenario as
 * written (quoted if it was quoted), so `[true, false]` switches a boolean and
 * `[risk_quantile, fixed_fraction]` an enum. Numbers go in as the shortest text that reads
 * back to the same double (integers as written). Ranges {min, max} need finite min < max.
 *
 * How a design point is built: the sweep file's own tree (extends merged, `sweep:` removed,
 * defaults NOT filled in) is copied and each factor's value set at its path; a map or list
 * on the way that the file leaves out is copied from the resolved base. Defaults are then
 * filled in by reading the point as a scenario, so defaults that depend on other values
 * (a company's role template) follow the factors. The value
 * node carries the place where the level was written (sweep or CSV file), so an
 * out-of-range value is reported there.
 *
 * Bounds: SIM_SWEEP_MAX_FACTORS factors, SIM_SWEEP_MAX_POINTS points (a grid's product is
 * checked before anything is allocated) and SIM_SWEEP_MAX_CELLS stored values (points x
 * factors) for designs that store their points (all but grid).
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
#define SIM_SWEEP_MAX_CELLS   (1u << 23)

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
/* 1 when any of the factor's levels is a string (categorical). */
int sim_sweep_factor_categorical(const sim_sweep *sw, size_t f);
/* Numeric value of factor f at point d; for a categorical factor the index of its level in
 * sim_sweep_factor_levels. NAN when d or f is out of range. */
double sim_sweep_value(const sim_sweep *sw, size_t d, size_t f);
/* Text of the value as it is put into the scenario tree (NULL when d or f is out of range):
 * shortest round-trip text for numbers, as written for strings. */
const char *sim_sweep_value_text(const sim_sweep *sw, size_t d, size_t f);
/* Levels of a categorical factor (NULL-terminated), NULL for a numeric one. */
const char *const *sim_sweep_factor_levels(const sim_sweep *sw, size_t f);

/* The base scenario, opened with no factor applied (settings, model, replications,
 * variants, seed, resolved YAML). Owned by the sweep. */
const sim_scenario *sim_sweep_base(const sim_sweep *sw);
/* The whole sweep file resolved (extends merged, defaults filled): the base's resolved YAML
 * followed by the sweep: section with its defaults (design, lhs seed), for provenance and
 * for refusing to resume a changed sweep (a CSV design's values are not in it: compare
 * sim_sweep_value_text too). Owned by the sweep; NULL unless sim_sweep_open succeeded. */
const char *sim_sweep_resolved_yaml(const sim_sweep *sw);

/* Open design point d: the sweep file's tree with point d's values applied, read as a
 * scenario with the overrides given to sim_sweep_open. On SIM_INVALID *out holds the
 * point's diagnostics (for the failed point's message). SIM_INTERNAL (and *out NULL) when d
 * is out of range or the sweep did not open. The caller frees *out. Thread-safe: may be called from
 * several threads at once (it only reads the sweep: sim_cfg_copy and sim_cfg_peek never write to
 * the tree they read). */
sim_status sim_sweep_open_design(const sim_sweep *sw, size_t d, sim_scenario **out, sim_error *err);

/* 1 when path loads as YAML and has a top-level `sweep:` key (how `ecotwin validate` tells
 * a sweep file from a scenario); 0 otherwise, also when it does not load. */
int sim_sweep_file_is_sweep(const char *path);

#endif
