/*
 * sens_sample: writes results files for the end-to-end test of `ecotwin sensitivity`
 * (tests/integration/test_sensitivity.sh), through the same writer as `ecotwin sweep`.
 *
 *   sens_sample ishigami OUT.h5 N   a saltelli sweep, base sample N, k = 3 factors
 *   sens_sample plain OUT.h5        a plain run (kind "run", no factors)
 *   sens_sample few OUT.h5          a grid sweep of 4 design points for 3 factors
 *
 * ishigami: the N (k + 2) points of sim_design_saltelli scaled to [-pi, pi]^3, written in
 * the sweep's layout (block by block, 2 replications, one variant "ecosystem"). The factors
 * are x1, x2, x3 of Ishigami's function in design order, named param_z_x1, param_a_x2 and
 * param_m_x3 so that the file's (alphabetical) order is not the design order. Variables:
 * ishigami(run) (a = 7, b = 0.1; replication 0 adds 1 and replication 1 subtracts 1, so the
 * mean over replications is the function), linear(run) = 2 x1 - x2, constant(run) = 5,
 * ishigami_company(run, company) for the one company "oem", and series(run, time). Both
 * runs of design point 2N + 3 (row 3 of AB_0) fail, so base row 3 has no response.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_design.h"
#include "sim_h5.h"
#include "sim_model.h"

#define K    3
#define REPS 2

enum { V_ISHIGAMI, V_LINEAR, V_CONSTANT, V_COMPANY, V_SERIES, N_VARS };

static const sim_var vars[N_VARS] = {
    {.name = "ishigami", .units = "1", .long_name = "Ishigami function", .shape = SIM_SHAPE_RUN},
    {.name = "linear", .units = "1", .long_name = "2 x1 - x2", .shape = SIM_SHAPE_RUN},
    {.name = "constant", .units = "1", .long_name = "always 5", .shape = SIM_SHAPE_RUN},
    {.name = "ishigami_company",
     .units = "EUR",
     .long_name = "Ishigami per company",
     .shape = SIM_SHAPE_ENTITY},
    {.name = "series", .units = "1", .long_name = "a time series", .shape = SIM_SHAPE_TIME},
};
static const char *const factor_vars[K] = {"param_z_x1", "param_a_x2", "param_m_x3"};
static const char *const factor_paths[K] = {"model.z_x1", "model.a_x2", "model.m_x3"};
static const char *const variant_names[1] = {"ecosystem"};

static double ishigami(const double *x)
{
    return sin(x[0]) + 7.0 * sin(x[1]) * sin(x[1]) + 0.1 * pow(x[2], 4) * sin(x[0]);
}

static sim_catalog *catalog(void)
{
    sim_catalog *cat = sim_catalog_alloc("company", 1, 2);
    if (cat == NULL)
        return NULL;
    for (size_t v = 0; v < N_VARS; v++)
        sim_catalog_add(cat, &vars[v]);
    sim_catalog_set_entity_name(cat, 0, "oem");
    const double t[2] = {0.0, 24.0};
    sim_catalog_set_time(cat, t);
    return cat;
}

static void fill(sim_record *rec, const double *x, size_t rep)
{
    double f = ishigami(x);
    sim_record_values(rec, V_ISHIGAMI)[0] = f + (rep == 0 ? 1.0 : -1.0);
    sim_record_values(rec, V_LINEAR)[0] = 2.0 * x[0] - x[1];
    sim_record_values(rec, V_CONSTANT)[0] = 5.0;
    sim_record_values(rec, V_COMPANY)[0] = f;
    sim_record_values(rec, V_SERIES)[0] = f;
    sim_record_values(rec, V_SERIES)[1] = -f;
}

typedef struct layout {
    size_t n_design, n_runs;
    int64_t *replication, *design;
    int32_t *variant;
    double *x;
} layout;

static void layout_free(layout *l)
{
    free(l->replication);
    free(l->design);
    free(l->variant);
    free(l->x);
}

static int layout_alloc(layout *l, size_t n_design)
{
    l->n_design = n_design;
    l->n_runs = n_design * REPS;
    l->replication = malloc(l->n_runs * sizeof *l->replication);
    l->design = malloc(l->n_runs * sizeof *l->design);
    l->variant = calloc(l->n_runs, sizeof *l->variant);
    l->x = malloc(n_design * K * sizeof *l->x);
    if (l->replication == NULL || l->design == NULL || l->variant == NULL || l->x == NULL)
        return -1;
    for (size_t run = 0; run < l->n_runs; run++) {
        l->design[run] = (int64_t)(run / REPS);
        l->replication[run] = (int64_t)(run % REPS);
    }
    return 0;
}

static int write_file(const char *path, const layout *l, const char *kind, const char *design,
                      size_t failed_point)
{
    sim_h5_runs runs = {.n_runs = l->n_runs,
                        .replication = l->replication,
                        .design = l->design,
                        .variant = l->variant,
                        .variant_names = variant_names,
                        .n_variant_names = 1};
    if (strcmp(kind, "sweep") == 0) {
        runs.n_design = l->n_design;
        runs.n_factors = K;
        runs.factor_vars = factor_vars;
        runs.factor_paths = factor_paths;
        runs.factor_values = l->x;
    }
    sim_h5_provenance prov = {.title = "sens_sample",
                              .model = "test",
                              .command_line = "sens_sample",
                              .scenario_path = "none.yaml",
                              .resolved_yaml = "{}",
                              .rng_algorithm = "none",
                              .threads = 1,
                              .ranks = 1,
                              .kind = kind,
                              .design_name = design};
    sim_error err;
    sim_catalog *cat = catalog();
    sim_record *rec = cat != NULL ? sim_record_alloc(cat) : NULL;
    sim_h5_writer *w = rec != NULL ? sim_h5_create(path, cat, &runs, &prov, &err) : NULL;
    sim_status st = w != NULL ? SIM_OK : SIM_IO;
    for (size_t run = 0; st == SIM_OK && run < l->n_runs; run++) {
        size_t d = (size_t)l->design[run];
        fill(rec, l->x + d * K, (size_t)l->replication[run]);
        st = d == failed_point ? sim_h5_fail_run(w, run, "failed on purpose", &err)
                               : sim_h5_write_run(w, run, rec, &err);
    }
    if (w != NULL && sim_h5_close(w, st == SIM_OK, &err) != SIM_OK)
        st = SIM_IO;
    sim_record_free(rec);
    sim_catalog_free(cat);
    if (st != SIM_OK)
        fprintf(stderr, "sens_sample: %s: %s\n", path, w != NULL ? err.msg : "cannot create");
    return st == SIM_OK ? 0 : 1;
}

static int ishigami_file(const char *path, size_t n)
{
    layout l = {0};
    int rc = 1;
    if (layout_alloc(&l, n * (K + 2)) == 0 && sim_design_saltelli(n, K, l.x) == SIM_OK) {
        for (size_t i = 0; i < l.n_design * K; i++)
            l.x[i] = -M_PI + 2.0 * M_PI * l.x[i];
        rc = write_file(path, &l, "sweep", "saltelli", 2 * n + 3);
    }
    layout_free(&l);
    return rc;
}

/* A plain run (kind "run") or a grid of 4 points for 3 factors. */
static int small_file(const char *path, int sweep)
{
    layout l = {0};
    int rc = 1;
    if (layout_alloc(&l, sweep ? 4 : 1) == 0) {
        for (size_t i = 0; i < l.n_design * K; i++)
            l.x[i] = (double)(i % 5);
        rc = write_file(path, &l, sweep ? "sweep" : "run", sweep ? "grid" : NULL, SIZE_MAX);
    }
    layout_free(&l);
    return rc;
}

int main(int argc, char **argv)
{
    sim_h5_quiet();
    if (argc == 4 && strcmp(argv[1], "ishigami") == 0)
        return ishigami_file(argv[2], (size_t)strtoul(argv[3], NULL, 10));
    if (argc == 3 && (strcmp(argv[1], "plain") == 0 || strcmp(argv[1], "few") == 0))
        return small_file(argv[2], strcmp(argv[1], "few") == 0);
    fprintf(stderr, "usage: sens_sample ishigami OUT.h5 N | plain OUT.h5 | few OUT.h5\n");
    return 2;
}
