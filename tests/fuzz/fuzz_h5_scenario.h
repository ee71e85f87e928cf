/*
 * fuzz_h5_scenario: the scenario a results file stores (scenario_yaml), opened to get the
 * catalog its runs are read back with, as resume does (h5_inspect and h5_read targets).
 */
#ifndef FUZZ_H5_SCENARIO_H
#define FUZZ_H5_SCENARIO_H

#include <string.h>

#include "sim_h5.h"
#include "sim_scenario.h"
#include "sim_yaml.h"

/* The scenario stored in the file, opened; NULL when absent or invalid. */
static inline sim_scenario *fuzz_h5_stored_scenario(const sim_h5_reader *r)
{
    const char *yaml = sim_h5_reader_attr(r, "scenario_yaml");
    sim_cfg *cfg = yaml != NULL ? sim_cfg_alloc() : NULL;
    if (cfg == NULL)
        return NULL;
    sim_error err;
    sim_error_clear(&err);
    if (sim_yaml_load_string(cfg, "<stored>", yaml, strlen(yaml), &err) != SIM_OK ||
        sim_cfg_root(cfg) == NULL) {
        sim_cfg_free(cfg);
        return NULL;
    }
    sim_scenario *sc = NULL;
    sim_overrides ov = SIM_OVERRIDES_NONE;
    if (sim_scenario_open_cfg(cfg, "<stored>", &ov, &sc, &err) != SIM_OK) {
        sim_scenario_free(sc);
        return NULL;
    }
    return sc;
}

#endif
