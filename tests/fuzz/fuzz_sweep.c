/*
 * fuzz_sweep: bytes -> a sweep file opened as `ecotwin sweep` and `validate` open it.
 *
 * The input is written to a file in $ECOTWIN_FUZZ_SWEEP_DIR (else the current directory),
 * so its `extends:` and `file:` paths resolve against that directory: run_fuzz.sh points it
 * at a scratch copy of tests/data/sweeps, next to a copy of tests/data/good. The file is
 * opened with sim_sweep_open (sweep section, design expansion with its bounds, base
 * scenario); every diagnostic is rendered, and when it opens, the first design points are
 * opened as scenarios. Damaged or hostile sweeps must end in diagnostics, never a crash, a
 * sanitizer report, a leak or an allocation beyond libFuzzer's limits.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim_sweep.h"

#define MAX_POINTS_OPENED 3

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char sweep_path[4096];

static void remove_sweep(void)
{
    if (sweep_path[0] != '\0')
        unlink(sweep_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *dir = getenv("ECOTWIN_FUZZ_SWEEP_DIR");
    snprintf(sweep_path, sizeof sweep_path, "%s/fuzz-sweep-%ld.yaml",
             dir != NULL && dir[0] != '\0' ? dir : ".", (long)getpid());
    atexit(remove_sweep);
    return 0;
}

static int write_input(const uint8_t *data, size_t size)
{
    FILE *f = fopen(sweep_path, "wb");
    if (f == NULL)
        return -1;
    size_t n = size > 0 ? fwrite(data, 1, size, f) : 0;
    return fclose(f) == 0 && n == size ? 0 : -1;
}

static void open_points(const sim_sweep *sw)
{
    size_t n = sim_sweep_n_points(sw);
    for (size_t d = 0; d < n && d < MAX_POINTS_OPENED; d++) {
        sim_scenario *sc = NULL;
        sim_error err;
        sim_error_clear(&err);
        (void)sim_sweep_open_design(sw, d, &sc, &err);
        for (size_t i = 0; i < sim_scenario_diag_count(sc); i++)
            (void)sim_scenario_diag_text(sc, i);
        sim_scenario_free(sc);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (write_input(data, size) != 0)
        return 0;
    sim_sweep *sw = NULL;
    sim_error err;
    sim_error_clear(&err);
    sim_overrides ov = SIM_OVERRIDES_NONE;
    sim_status st = sim_sweep_open(sweep_path, &ov, &sw, &err);
    if (sw != NULL) {
        for (size_t i = 0; i < sim_sweep_diag_count(sw); i++)
            (void)sim_sweep_diag_text(sw, i);
        if (st == SIM_OK) {
            (void)sim_sweep_resolved_yaml(sw);
            open_points(sw);
        }
    }
    sim_sweep_free(sw);
    return 0;
}
