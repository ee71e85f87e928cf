/*
 * The constructed results file of the analysis tests (test_an_results.c, an_sample.c and
 * through it tests/integration/test_summarize_compare.sh): a sweep of 2 design points (factor
 * param_x = 0.5, 1.5 at path companies.oem.x) x 4 replications x 2 variants (ecosystem,
 * autarky) = 16 runs, run = (d * 4 + rep) * 2 + v, companies oem and supplier, 2 sample
 * times. Run AN_FIX_FAILED_RUN (d 1, rep 3, ecosystem) failed; the other 15 are complete.
 *
 * Values, chosen so every statistic has a closed form:
 *   value(run)          = 100 + 10 d + noise[rep] + (ecosystem ? delta[d] + extra[rep] : 0)
 *   value_co(run, c)    = value(run) * (c + 1)
 *   iov(run, c)         = ecosystem ? (c + 1) * (delta[d] + extra[rep]) : 0
 *   iov_ecosystem(run)  = sum over c of iov = 3 (delta[d] + extra[rep]) in ecosystem, else 0
 *   series(run, t)      = value(run) + t
 * with noise = {0, 3, -2, 7}, extra = {1, -1, 2, 0}, delta = {5, -4}. So the paired
 * differences ecosystem - autarky of value at design point 0 are {6, 4, 7, 5} (mean 5.5,
 * sd sqrt(5/3)); at design point 1 they are {-3, -5, -2} (replication 3 failed; mean
 * -10/3, sd sqrt(7/3)).
 */
#ifndef AN_FIXTURE_H
#define AN_FIXTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim_h5.h"
#include "sim_model.h"

enum {
    AN_FIX_DESIGNS = 2,
    AN_FIX_REPS = 4,
    AN_FIX_VARIANTS = 2,
    AN_FIX_RUNS = 16,
    AN_FIX_COMPANIES = 2,
    AN_FIX_TIME = 2,
    AN_FIX_VARS = 5,
    AN_FIX_FAILED_RUN = 14
};

static const double an_fix_noise[AN_FIX_REPS] = {0, 3, -2, 7};
static const double an_fix_extra[AN_FIX_REPS] = {1, -1, 2, 0};
static const double an_fix_delta[AN_FIX_DESIGNS] = {5, -4};

static inline size_t an_fix_run(size_t d, size_t rep, size_t v)
{
    return (d * AN_FIX_REPS + rep) * AN_FIX_VARIANTS + v;
}

static inline double an_fix_value(size_t run)
{
    size_t v = run % AN_FIX_VARIANTS, rep = (run / AN_FIX_VARIANTS) % AN_FIX_REPS;
    size_t d = run / (AN_FIX_VARIANTS * AN_FIX_REPS);
    double x = 100.0 + 10.0 * (double)d + an_fix_noise[rep];
    return v == 0 ? x + an_fix_delta[d] + an_fix_extra[rep] : x;
}

static inline double an_fix_iov(size_t run, size_t company)
{
    size_t v = run % AN_FIX_VARIANTS, rep = (run / AN_FIX_VARIANTS) % AN_FIX_REPS;
    size_t d = run / (AN_FIX_VARIANTS * AN_FIX_REPS);
    return v == 0 ? (double)(company + 1) * (an_fix_delta[d] + an_fix_extra[rep]) : 0.0;
}

static const sim_var an_fix_vars[AN_FIX_VARS] = {
    {.name = "value",
     .units = "EUR",
     .long_name = "value of the ecosystem",
     .shape = SIM_SHAPE_RUN},
    {.name = "value_co",
     .units = "EUR",
     .long_name = "value per company",
     .shape = SIM_SHAPE_ENTITY},
    {.name = "iov",
     .units = "EUR",
     .long_name = "inter-organizational value",
     .shape = SIM_SHAPE_ENTITY},
    {.name = "iov_ecosystem", .units = "EUR", .long_name = "sum of iov", .shape = SIM_SHAPE_RUN},
    {.name = "series", .units = "1", .long_name = "a time series", .shape = SIM_SHAPE_TIME},
};

static inline sim_catalog *an_fix_catalog(void)
{
    static const char *const names[AN_FIX_COMPANIES] = {"oem", "supplier"};
    static const double times[AN_FIX_TIME] = {0.0, 24.0};
    sim_catalog *cat = sim_catalog_alloc("company", AN_FIX_COMPANIES, AN_FIX_TIME);
    for (size_t i = 0; cat != NULL && i < AN_FIX_VARS; i++)
        if (sim_catalog_add(cat, &an_fix_vars[i]) != (int)i) {
            sim_catalog_free(cat);
            return NULL;
        }
    for (size_t c = 0; cat != NULL && c < AN_FIX_COMPANIES; c++)
        sim_catalog_set_entity_name(cat, c, names[c]);
    if (cat != NULL)
        sim_catalog_set_time(cat, times);
    return cat;
}

static inline void an_fix_fill(sim_record *rec, size_t run)
{
    double v = an_fix_value(run), iov_sum = 0;
    sim_record_values(rec, 0)[0] = v;
    for (size_t c = 0; c < AN_FIX_COMPANIES; c++) {
        sim_record_values(rec, 1)[c] = v * (double)(c + 1);
        sim_record_values(rec, 2)[c] = an_fix_iov(run, c);
        iov_sum += an_fix_iov(run, c);
    }
    sim_record_values(rec, 3)[0] = iov_sum;
    for (size_t t = 0; t < AN_FIX_TIME; t++)
        sim_record_values(rec, 4)[t] = v + (double)t;
}

/* Write the file at path; independent != 0 records common_random_numbers = 0. With
 * complete == 0 the writer is closed as interrupted (no `complete` attribute). 0 on success,
 * else -1 with the reason on stderr. */
static inline int an_fix_write(const char *path, int independent, int complete)
{
    static const char *const variants[AN_FIX_VARIANTS] = {"ecosystem", "autarky"};
    static const char *const fvars[1] = {"param_x"};
    static const char *const fpaths[1] = {"companies.oem.x"};
    static const double fvalues[AN_FIX_DESIGNS] = {0.5, 1.5};
    int64_t rep[AN_FIX_RUNS], design[AN_FIX_RUNS];
    int32_t variant[AN_FIX_RUNS];
    for (size_t r = 0; r < AN_FIX_RUNS; r++) {
        variant[r] = (int32_t)(r % AN_FIX_VARIANTS);
        rep[r] = (int64_t)((r / AN_FIX_VARIANTS) % AN_FIX_REPS);
        design[r] = (int64_t)(r / (AN_FIX_VARIANTS * AN_FIX_REPS));
    }
    sim_h5_runs runs = {.n_runs = AN_FIX_RUNS,
                        .replication = rep,
                        .design = design,
                        .variant = variant,
                        .variant_names = variants,
                        .n_variant_names = AN_FIX_VARIANTS,
                        .n_design = AN_FIX_DESIGNS,
                        .n_factors = 1,
                        .factor_vars = fvars,
                        .factor_paths = fpaths,
                        .factor_values = fvalues};
    sim_h5_provenance prov = {.title = "analysis fixture",
                              .model = "fixture",
                              .command_line = "an_fixture",
                              .scenario_path = "none.yaml",
                              .resolved_yaml = "model: fixture\n",
                              .master_seed = 1,
                              .rng_algorithm = "none",
                              .threads = 1,
                              .ranks = 1,
                              .kind = "sweep",
                              .design_name = "grid",
                              .independent_streams = independent};
    sim_error err;
    sim_catalog *cat = an_fix_catalog();
    sim_h5_writer *w = cat != NULL ? sim_h5_create(path, cat, &runs, &prov, &err) : NULL;
    sim_record *rec = cat != NULL ? sim_record_alloc(cat) : NULL;
    sim_status st = w != NULL && rec != NULL ? SIM_OK : SIM_IO;
    for (size_t r = 0; r < AN_FIX_RUNS && st == SIM_OK; r++) {
        an_fix_fill(rec, r);
        st = r == AN_FIX_FAILED_RUN ? sim_h5_fail_run(w, r, "constructed failure", &err)
                                    : sim_h5_write_run(w, r, rec, &err);
    }
    if (w != NULL && sim_h5_close(w, st == SIM_OK && complete, &err) != SIM_OK)
        st = SIM_IO;
    sim_record_free(rec);
    sim_catalog_free(cat);
    if (st != SIM_OK)
        fprintf(stderr, "an_fix_write %s: %s\n", path, w != NULL ? err.msg : "cannot create");
    return st == SIM_OK ? 0 : -1;
}

#endif
