/*
 * fuzz_h5_read: bytes -> a results file read back as `--resume` and `merge` read it.
 *
 * The input is written to a temporary file and opened with sim_h5_open_read; every run's
 * status, the first runs' messages and the root attributes are read. When the file names
 * its scenario (scenario_yaml) and that scenario opens, the complete runs (at most
 * MAX_RUNS_READ) are read back into a record of the scenario's catalog twice: the first
 * read checks the catalog against the file and builds the tables' run index, the second
 * uses them. As in the program, the file is first read whole in a child (sim_h5_probe,
 * through fuzz_guard.h): an input HDF5 crashes or loops on there is one resume and merge
 * refuse with exit 74, and is not read in process; a fault of ecotwin's in the child is a
 * finding. Unlike fuzz_h5_inspect, nothing else runs, so every other input reaches the
 * reader. Any outcome but a crash, a sanitizer report, a leak or an allocation beyond
 * libFuzzer's limits is fine: damaged files must end in an error value.
 *
 * The temporary file lives in $TMPDIR (else /tmp), one per process, removed at exit.
 */
#include "fuzz_guard.h" /* first: it needs _GNU_SOURCE for dladdr */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_h5_file.h"
#include "fuzz_h5_scenario.h"
#include "sim_h5.h"
#include "sim_model.h"
#include "sim_scenario.h"
#include "sim_yaml.h"

#define MAX_RUNS_READ 8

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_h5_init("h5-read");
    sim_h5_quiet();
    return 0;
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

/* What a resume or a merge reads in a child first (cli_probe.c). */
static void probe(void *ctx)
{
    (void)ctx;
    sim_error err;
    sim_error_clear(&err);
    (void)sim_h5_probe(fuzz_h5_path, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_h5_write(data, size) != 0 || fuzz_guard_run(probe, NULL) != 0)
        return 0;
    sim_error err;
    sim_error_clear(&err);
    sim_h5_reader *r = sim_h5_open_read(fuzz_h5_path, &err);
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
    sim_scenario *sc = fuzz_h5_stored_scenario(r);
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
