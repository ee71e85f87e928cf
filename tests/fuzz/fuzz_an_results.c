/*
 * fuzz_an_results: bytes -> a results file loaded for analysis, as `ecotwin summarize`,
 * `compare` and `sensitivity` load it.
 *
 * The input is written to a temporary file and opened with an_results_open; then every query
 * of an_results.h is asked (runs, designs and factors, variants, entities, time, variables,
 * lookups by name, out-of-range indices), and the values of the first MAX_VARS_READ variables
 * are read (entity and time index 0, and the last ones), as summarize reads them. Any outcome
 * but a crash, a sanitizer report, a leak or an allocation beyond libFuzzer's limits is fine:
 * damaged files must end in an error value.
 *
 * As in the program, the file is first read whole in a child (an_results_probe, through
 * fuzz_guard.h): an input HDF5 crashes or loops on there is one the program refuses with exit
 * 74, and is not read in process; a fault of ecotwin's in the child is a finding.
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
#include "an_results.h"
#include "sim_h5.h"

#define MAX_VARS_READ  4
#define MAX_RUNS_ASKED 64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_h5_init("an-results");
    sim_h5_quiet();
    return 0;
}

/* Touch every byte of a string the reader returned (ASan checks it is readable). */
static size_t touch(const char *s)
{
    return s != NULL ? strlen(s) : 0;
}

static size_t ask_runs(const an_results *r)
{
    size_t sum = 0, n = an_results_n_runs(r);
    for (size_t run = 0; run < n && run < MAX_RUNS_ASKED; run++) {
        sum += (size_t)an_results_run_status(r, run);
        sum += (size_t)an_results_run_design(r, run);
        sum += (size_t)an_results_run_replication(r, run);
        int32_t v = an_results_run_variant(r, run);
        if (v >= 0 && (size_t)v < an_results_n_variants(r))
            sum += touch(an_results_variant_name(r, (size_t)v));
    }
    return sum;
}

static size_t ask_design(const an_results *r)
{
    size_t sum = 0, nd = an_results_n_designs(r), nf = an_results_n_factors(r);
    for (size_t f = 0; f < nf; f++) {
        const an_factor *x = an_results_factor(r, f);
        sum += touch(x->var) + touch(x->path) + touch(x->units);
        for (size_t l = 0; x->levels != NULL && l < x->n_levels; l++)
            sum += touch(x->levels[l]);
        for (size_t d = 0; d < nd && d < MAX_RUNS_ASKED; d++)
            sum += an_results_factor_value(r, d, f) > 0;
        sum += (size_t)(an_results_find_factor(r, x->var) + 1);
        if (x->path != NULL)
            sum += (size_t)(an_results_find_factor(r, x->path) + 1);
    }
    sum += (size_t)(an_results_find_factor(r, "param_none") + 1);
    for (size_t v = 0; v < an_results_n_variants(r); v++) {
        const char *name = an_results_variant_name(r, v);
        sum += touch(name) + (size_t)(an_results_find_variant(r, name != NULL ? name : "") + 1);
    }
    return sum;
}

static size_t ask_entities(const an_results *r)
{
    size_t sum = touch(an_results_entity_dim(r));
    for (size_t e = 0; e < an_results_n_entities(r); e++) {
        const char *name = an_results_entity_name(r, e);
        sum += touch(name) + (size_t)(an_results_find_entity(r, name != NULL ? name : "") + 1);
    }
    const double *t = an_results_time(r);
    for (size_t i = 0; t != NULL && i < an_results_n_time(r); i++)
        sum += t[i] > 0;
    return sum;
}

static void read_var(an_results *r, size_t var, double *out)
{
    const an_var *v = an_results_var(r, var);
    size_t ne = an_results_n_entities(r), nt = an_results_n_time(r);
    int by_entity = v->shape == AN_SHAPE_RUN_ENTITY || v->shape == AN_SHAPE_RUN_TIME_ENTITY;
    int by_time = v->shape == AN_SHAPE_RUN_TIME || v->shape == AN_SHAPE_RUN_TIME_ENTITY;
    sim_error err;
    sim_error_clear(&err);
    (void)an_results_read(r, var, 0, 0, out, &err);
    sim_error_clear(&err);
    (void)an_results_read(r, var, by_entity && ne > 0 ? ne - 1 : 0, by_time && nt > 0 ? nt - 1 : 0,
                          out, &err);
    /* Out of range: must be refused, not read. */
    sim_error_clear(&err);
    (void)an_results_read(r, var, ne + 1, nt + 1, out, &err);
}

static size_t ask_vars(an_results *r)
{
    size_t sum = 0, nv = an_results_n_vars(r), n = an_results_n_runs(r);
    for (size_t i = 0; i < nv; i++) {
        const an_var *v = an_results_var(r, i);
        sum += touch(v->name) + touch(v->units) + touch(v->long_name);
        sum += (size_t)(an_results_find_var(r, v->name) + 1);
    }
    sum += touch(an_results_suggest_var(r, "utilisation"));
    double *out = malloc((n > 0 ? n : 1) * sizeof *out);
    for (size_t i = 0; out != NULL && i < nv && i < MAX_VARS_READ; i++)
        read_var(r, i, out);
    sim_error err;
    sim_error_clear(&err);
    if (out != NULL)
        (void)an_results_read(r, nv, 0, 0, out, &err);
    free(out);
    return sum;
}

/* What summarize, compare and sensitivity read in a child first (cli_probe.c). */
static void probe(void *ctx)
{
    (void)ctx;
    sim_error err;
    sim_error_clear(&err);
    (void)an_results_probe(fuzz_h5_path, NULL, 0, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fuzz_h5_write(data, size) != 0 || fuzz_guard_run(probe, NULL) != 0)
        return 0;
    sim_error err;
    sim_error_clear(&err);
    an_results *r = an_results_open(fuzz_h5_path, &err);
    if (r == NULL)
        return 0;
    volatile size_t sum = touch(an_results_path(r)) + touch(an_results_attr(r, "kind"));
    sum += (size_t)an_results_crn(r) + (size_t)an_results_complete(r);
    sum += an_results_n_complete(r);
    sum += ask_runs(r) + ask_design(r) + ask_entities(r) + ask_vars(r);
    (void)sum;
    an_results_close(r);
    return 0;
}
