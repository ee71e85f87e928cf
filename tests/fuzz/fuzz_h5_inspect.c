/*
 * fuzz_h5_inspect: bytes -> a results file given to `ecotwin inspect` and to the reader
 * that resume and merge use.
 *
 * The input is written to a temporary file, described by sim_h5_inspect (to /dev/null)
 * and opened with sim_h5_open_read; every run's status and message and the root
 * attributes are read. When the file names its scenario (scenario_yaml) and that scenario
 * opens, the first complete runs are read back into a record of the scenario's catalog, as
 * resume does. Any outcome but a crash, a sanitizer report, a leak or an allocation beyond
 * libFuzzer's limits is fine: damaged files must end in an error value.
 *
 * As in the program, a file is first described and read whole in a child (fuzz_guard.h):
 * `inspect` describes in a child, resume and merge read everything in one first
 * (sim_h5_probe). An input HDF5 crashes or loops on there is one the program refuses with
 * exit 74, and is not read in process; a fault of ecotwin's in the child is a finding.
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

#define MAX_RUNS_READ 4 /* runs read back per input: enough to reach every read path */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_h5_init("h5");
    devnull = fopen("/dev/null", "w");
    sim_h5_quiet();
    return 0;
}

/* Read the first complete runs back, as resume does. */
static void read_runs(sim_h5_reader *r)
{
    sim_scenario *sc = fuzz_h5_stored_scenario(r);
    sim_catalog *cat = sc != NULL ? sc->model->describe(sc->params, &sc->settings) : NULL;
    sim_record *rec = cat != NULL ? sim_record_alloc(cat) : NULL;
    size_t done = 0;
    for (size_t run = 0; rec != NULL && run < sim_h5_reader_n_runs(r) && done < MAX_RUNS_READ;
         run++) {
        if (sim_h5_reader_run_status(r, run) != 1)
            continue;
        sim_error err;
        sim_error_clear(&err);
        (void)sim_h5_reader_read_run(r, run, rec, &err);
        done++;
    }
    sim_record_free(rec);
    sim_catalog_free(cat);
    sim_scenario_free(sc);
}

static void read_file(void)
{
    sim_error err;
    sim_error_clear(&err);
    sim_h5_reader *r = sim_h5_open_read(fuzz_h5_path, &err);
    if (r == NULL)
        return;
    size_t n = sim_h5_reader_n_runs(r);
    for (size_t run = 0; run < n; run++) {
        (void)sim_h5_reader_run_status(r, run);
        if (run < MAX_RUNS_READ)
            (void)sim_h5_reader_run_message(r, run);
    }
    (void)sim_h5_reader_complete(r);
    (void)sim_h5_reader_attr(r, "sweep_fingerprint");
    read_runs(r);
    sim_h5_reader_close(r);
}

/* What the program reads in children: inspect's description, and a resume's probe. */
static void probe(void *ctx)
{
    (void)ctx;
    sim_error err;
    sim_error_clear(&err);
    (void)sim_h5_inspect(fuzz_h5_path, devnull, &err);
    sim_error_clear(&err);
    (void)sim_h5_probe(fuzz_h5_path, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_h5_write(data, size) != 0 || fuzz_guard_run(probe, NULL) != 0)
        return 0;
    sim_error err;
    sim_error_clear(&err);
    (void)sim_h5_inspect(fuzz_h5_path, devnull, &err);
    read_file();
    return 0;
}
