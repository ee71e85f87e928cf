/*
 * fuzz_h5_read: bytes -> a results file read back as `--resume` and `merge` read it.
 *
 * The input is written to a temporary file and opened with sim_h5_open_read; every run's
 * status, the first runs' messages and the root attributes are read. When the file names
 * its scenario (scenario_yaml) and that scenario opens, the complete runs (at most
 * MAX_RUNS_READ) are read back into a record of the scenario's catalog twice: the first
 * read checks the catalog against the file and builds the tables' run index, the second
 * uses them. Unlike fuzz_h5_inspect, nothing else runs first, so every input reaches the
 * reader. Any outcome but a crash, a sanitizer report, a leak or an allocation beyond
 * libFuzzer's limits is fine: damaged files must end in an error value.
 *
 * The temporary file lives in $TMPDIR (else /tmp), one per process, removed at exit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_h5.h"
#include "sim_model.h"
#include "sim_scenario.h"
#include "sim_yaml.h"

#define MAX_RUNS_READ 8

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char tmp_path[4096];

static void remove_tmp(void)
{
    if (tmp_path[0] != '\0')
        unlink(tmp_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("TMPDIR");
    snprintf(tmp_path, sizeof tmp_path, "%s/ecotwin-fuzz-h5-read-%ld.h5",
             dir != NULL && dir[0] != '\0' ? dir : "/tmp", (long)getpid());
    atexit(remove_tmp);
    sim_h5_quiet();
    return 0;
}

static int write_input(const uint8_t *data, size_t size)
{
    FILE *f = fopen(tmp_path, "wb");
    if (f == NULL)
        return -1;
    size_t n = size > 0 ? fwrite(data, 1, size, f) : 0;
    return fclose(f) == 0 && n == size ? 0 : -1;
}

/* The scenario stored in the file, opened; NULL when absent or invalid. */
static sim_scenario *stored_scenario(const sim_h5_reader *r)
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

static void read_runs(sim_h5_reader *r, sim_record *rec)
{
    size_t done = 0;
    for (size_t run = 0; run < sim_h5_reader_n_runs(r) && done < MAX_RUNS_READ; run++) {
        if (sim_h5_reader_run_status(r, run) != 1)
            continue;
        sim_error err;
        sim_error_clear(&err);
        (void)sim_h5_reader_read_run(r, run, rec, &err);
        done++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (write_input(data, size) != 0)
        return 0;
    sim_error err;
    sim_error_clear(&err);
    sim_h5_reader *r = sim_h5_open_read(tmp_path, &err);
    if (r == NULL)
        return 0;
    size_t n = sim_h5_reader_n_runs(r);
    for (size_t run = 0; run < n && run < 4 * MAX_RUNS_READ; run++) {
        (void)sim_h5_reader_run_status(r, run);
        (void)sim_h5_reader_run_message(r, run);
    }
    (void)sim_h5_reader_run_status(r, n);
    (void)sim_h5_reader_complete(r);
    (void)sim_h5_reader_attr(r, "sweep_fingerprint");
    (void)sim_h5_reader_attr(r, "kind");
    sim_scenario *sc = stored_scenario(r);
    sim_catalog *cat = sc != NULL ? sc->model->describe(sc->params, &sc->settings) : NULL;
    sim_record *rec = cat != NULL ? sim_record_alloc(cat) : NULL;
    if (rec != NULL) {
        read_runs(r, rec);
        read_runs(r, rec);
    }
    sim_record_free(rec);
    sim_catalog_free(cat);
    sim_scenario_free(sc);
    sim_h5_reader_close(r);
    return 0;
}
