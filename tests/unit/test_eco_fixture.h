/*
 * test_eco_fixture: hand-built parameters and a complete run of the ecosystem model, driven
 * the way sim/run drives it, for the model's unit tests (no YAML involved).
 */
#ifndef TEST_ECO_FIXTURE_H
#define TEST_ECO_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "eco_params.h"
#include "sim_model.h"

/* n companies with the SPEC's oem defaults, every mechanism off, names "c0".. */
eco_params *fx_params(size_t n_companies);
/* Recompute the derived fields (n_assets_total, z_q) after editing. */
void fx_params_finish(eco_params *p);
void fx_params_free(eco_params *p);

sim_settings fx_settings(double horizon_h, double warmup_h, double sample_interval_h);
sim_run_id fx_id(uint64_t seed, uint64_t replication, int variant);

/* One finished run. */
typedef struct fx_result {
    sim_catalog *cat;
    sim_record *rec;
    uint64_t events;
} fx_result;

/* Run to the horizon; fails the calling test on any error. */
fx_result fx_run(const eco_params *p, const sim_settings *s, const sim_run_id *id);
void fx_result_free(fx_result *r);

/* Value of a variable (entity index, or time*n_entity+entity for TIME_ENTITY). */
double fx_get(const fx_result *r, const char *name, size_t index);
/* 1 when both records hold bitwise-identical values (NaN equal to NaN). */
int fx_same(const fx_result *x, const fx_result *y);

#endif
