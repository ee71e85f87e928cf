/*
 * fuzz_scenario: bytes -> the whole path a scenario file takes before anything runs.
 *
 * The input is parsed as YAML (sim_yaml_load_string, with every loader limit), opened as a
 * scenario (sim_scenario_open_cfg: model choice, simulation settings, the model's
 * params_load, validation, unknown keys, resolved YAML) and, when valid, described (the
 * model's output catalog, which sizes every per-run buffer). Every diagnostic is rendered.
 * A crash, a sanitizer report, a leak or an allocation beyond libFuzzer's limit is a bug:
 * hostile scenarios must end in diagnostics. `extends:` paths are relative to the current
 * directory, so run_fuzz.sh starts the fuzzer in tests/data/bad (seeds that extend resolve).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sim_model.h"
#include "sim_scenario.h"
#include "sim_yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Render every diagnostic and warning, so their formatting is fuzzed too. */
static size_t touch_texts(sim_scenario *sc)
{
    size_t total = 0;
    for (size_t i = 0; i < sim_scenario_diag_count(sc); i++)
        total += strlen(sim_scenario_diag_text(sc, i));
    for (size_t i = 0; i < sim_scenario_warning_count(sc); i++)
        total += strlen(sim_scenario_warning_text(sc, i));
    return total;
}

/* A valid scenario: build its output catalog as the runner would. */
static void describe(const sim_scenario *sc)
{
    sim_catalog *cat = sc->model->describe(sc->params, &sc->settings);
    if (cat == NULL)
        return;
    size_t cells = 0;
    for (size_t i = 0; i < sim_catalog_count(cat); i++)
        cells += sim_catalog_var_size(cat, i);
    (void)cells;
    sim_catalog_free(cat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sim_cfg *cfg = sim_cfg_alloc();
    if (cfg == NULL)
        return 0;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_yaml_load_string(cfg, "<fuzz>", (const char *)data, size, &err);
    if (st != SIM_OK || sim_cfg_root(cfg) == NULL) {
        for (size_t i = 0; i < sim_cfg_error_count(cfg); i++)
            (void)sim_cfg_error_text(cfg, i);
        sim_cfg_free(cfg);
        return 0;
    }
    sim_scenario *sc = NULL;
    sim_overrides ov = SIM_OVERRIDES_NONE;
    st = sim_scenario_open_cfg(cfg, "<fuzz>", &ov, &sc, &err); /* takes cfg */
    if (sc != NULL) {
        (void)touch_texts(sc);
        if (st == SIM_OK) {
            (void)sim_scenario_n_runs(sc);
            describe(sc);
        }
    }
    sim_scenario_free(sc);
    return 0;
}
