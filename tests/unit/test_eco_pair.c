/*
 * Tests of the pairing of variants (eco_pair.c) on hand-made records: inter-organizational
 * value against the autarky run, channel attributions against the knock-outs, fairness
 * (Gini with the negative-value shift, Jain, loser share) and productivity, with values
 * worked out by hand; NaN where the reference variant is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eco_params.h"
#include "eco_run.h"

#define N_CO 4

typedef struct fixture {
    sim_catalog *cat;
    sim_record *rec[ECO_VARIANT_COUNT];
    eco_params par;
} fixture;

static const sim_var value_total = {"value_total", "EUR", "value", SIM_SHAPE_ENTITY};
static const sim_var value_eco = {"value_ecosystem", "EUR", "value", SIM_SHAPE_RUN};

static fixture make(size_t n_records)
{
    fixture f;
    memset(&f, 0, sizeof f);
    f.cat = sim_catalog_alloc("company", N_CO, 2);
    assert_non_null(f.cat);
    assert_true(sim_catalog_add(f.cat, &value_total) >= 0);
    assert_true(sim_catalog_add(f.cat, &value_eco) >= 0);
    assert_int_equal(eco_pair_describe(f.cat), 0);
    for (size_t k = 0; k < n_records; k++) {
        f.rec[k] = sim_record_alloc(f.cat);
        assert_non_null(f.rec[k]);
    }
    f.par.n_companies = N_CO;
    f.par.window_h = 2 * 8760.0; /* two years */
    return f;
}

static void drop(fixture *f)
{
    for (size_t k = 0; k < ECO_VARIANT_COUNT; k++)
        sim_record_free(f->rec[k]);
    sim_catalog_free(f->cat);
}

static double *values(sim_record *rec, const char *name)
{
    int v = sim_catalog_find(sim_record_catalog(rec), name);
    if (v < 0)
        fail_msg("no variable %s", name);
    return sim_record_values(rec, (size_t)v);
}

static double get(sim_record *rec, const char *name)
{
    return values(rec, name)[0];
}

/* A record whose companies created x[0..N_CO). */
static void set_values(sim_record *rec, const double *x)
{
    double sum = 0.0;
    for (size_t i = 0; i < N_CO; i++) {
        values(rec, "value_total")[i] = x[i];
        sum += x[i];
    }
    values(rec, "value_ecosystem")[0] = sum;
}

static void pair(fixture *f, const int *variants, size_t n)
{
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(eco_pair(&f->par, variants, f->rec, n, &err), SIM_OK);
}

static void test_iov_and_fairness(void **state)
{
    (void)state;
    fixture f = make(2);
    static const double aut[N_CO] = {100, 200, 300, 400};
    static const double eco[N_CO] = {101, 202, 303, 404}; /* iov 1, 2, 3, 4 */
    /* The autarky record comes first: pairing must not depend on the slot order. */
    set_values(f.rec[0], aut);
    set_values(f.rec[1], eco);
    static const int variants[] = {ECO_VARIANT_AUTARKY, ECO_VARIANT_ECOSYSTEM};
    pair(&f, variants, 2);
    for (size_t i = 0; i < N_CO; i++) {
        assert_float_equal(values(f.rec[1], "iov")[i], (double)(i + 1), 1e-12);
        assert_float_equal(values(f.rec[0], "iov")[i], 0.0, 0.0);
    }
    assert_float_equal(get(f.rec[1], "iov_ecosystem"), 10.0, 1e-12);
    /* Gini of {1,2,3,4}: sum |xi - xj| = 20, 2 n^2 mean = 80. */
    assert_float_equal(get(f.rec[1], "gini_iov"), 0.25, 1e-12);
    assert_float_equal(get(f.rec[1], "gini_shifted"), 0.0, 0.0);
    /* Jain: 10^2 / (4 * 30). */
    assert_float_equal(get(f.rec[1], "jain_iov"), 100.0 / 120.0, 1e-12);
    assert_float_equal(get(f.rec[1], "loser_share"), 0.0, 0.0);
    /* 10 EUR over 4 companies x 2 years. */
    assert_float_equal(get(f.rec[1], "health_productivity"), 10.0 / 8.0, 1e-12);
    /* The reference run: iov 0 everywhere, so Gini and Jain are undefined. */
    assert_float_equal(get(f.rec[0], "iov_ecosystem"), 0.0, 0.0);
    assert_true(isnan(get(f.rec[0], "gini_iov")));
    assert_true(isnan(get(f.rec[0], "jain_iov")));
    assert_float_equal(get(f.rec[0], "loser_share"), 0.0, 0.0);
    /* No knock-out ran: every channel is NaN. */
    assert_true(isnan(get(f.rec[1], "channel_sharing")));
    assert_true(isnan(get(f.rec[1], "channel_contracts")));
    drop(&f);
}

static void test_negative_values_shift_the_gini(void **state)
{
    (void)state;
    fixture f = make(2);
    static const double aut[N_CO] = {10, 10, 10, 10};
    static const double eco[N_CO] = {9, 11, 13, 13}; /* iov -1, 1, 3, 3 */
    set_values(f.rec[0], eco);
    set_values(f.rec[1], aut);
    static const int variants[] = {ECO_VARIANT_ECOSYSTEM, ECO_VARIANT_AUTARKY};
    pair(&f, variants, 2);
    /* Shifted {0, 2, 4, 4}: sum |xi - xj| = 2 (2+4+4+2+2+0) = 28, 2 n^2 mean = 2*16*2.5. */
    assert_float_equal(get(f.rec[0], "gini_iov"), 28.0 / 80.0, 1e-12);
    assert_float_equal(get(f.rec[0], "gini_shifted"), 1.0, 0.0);
    /* Jain on {0, 1, 3, 3}: 49 / (4 * 19). */
    assert_float_equal(get(f.rec[0], "jain_iov"), 49.0 / 76.0, 1e-12);
    assert_float_equal(get(f.rec[0], "loser_share"), 0.25, 0.0);
    assert_float_equal(get(f.rec[0], "iov_ecosystem"), 6.0, 1e-12);
    drop(&f);
}

/* Channels: this run's ecosystem value minus that of the knock-out of one mechanism. */
static void test_channels(void **state)
{
    (void)state;
    fixture f = make(4);
    static const double eco[N_CO] = {50, 50, 50, 50};
    static const double ko_sharing[N_CO] = {40, 40, 40, 40};
    static const double ko_contracts[N_CO] = {55, 50, 50, 50};
    static const double aut[N_CO] = {30, 30, 30, 30};
    set_values(f.rec[0], eco);
    set_values(f.rec[1], ko_sharing);
    set_values(f.rec[2], ko_contracts);
    set_values(f.rec[3], aut);
    static const int variants[] = {ECO_VARIANT_ECOSYSTEM, ECO_VARIANT_KO_SHARING,
                                   ECO_VARIANT_KO_CONTRACTS, ECO_VARIANT_AUTARKY};
    pair(&f, variants, 4);
    assert_float_equal(get(f.rec[0], "channel_sharing"), 40.0, 1e-12);
    assert_float_equal(get(f.rec[0], "channel_contracts"), -5.0, 1e-12);
    assert_true(isnan(get(f.rec[0], "channel_overflow")));
    assert_true(isnan(get(f.rec[0], "channel_colearning")));
    assert_true(isnan(get(f.rec[0], "channel_coalitions")));
    /* The knock-out's own channel is 0; its iov is what it creates beyond autarky. */
    assert_float_equal(get(f.rec[1], "channel_sharing"), 0.0, 0.0);
    assert_float_equal(get(f.rec[1], "iov_ecosystem"), 40.0, 1e-12);
    assert_float_equal(get(f.rec[2], "iov_ecosystem"), 85.0, 1e-12);
    assert_float_equal(get(f.rec[0], "iov_ecosystem"), 80.0, 1e-12);
    assert_float_equal(values(f.rec[2], "iov")[0], 25.0, 1e-12);
    drop(&f);
}

/* Without an autarky run no iov can be paired: everything stays NaN. */
static void test_no_autarky(void **state)
{
    (void)state;
    fixture f = make(2);
    static const double eco[N_CO] = {1, 2, 3, 4};
    set_values(f.rec[0], eco);
    set_values(f.rec[1], eco);
    static const int variants[] = {ECO_VARIANT_ECOSYSTEM, ECO_VARIANT_KO_OVERFLOW};
    pair(&f, variants, 2);
    assert_true(isnan(values(f.rec[0], "iov")[0]));
    assert_true(isnan(get(f.rec[0], "iov_ecosystem")));
    assert_true(isnan(get(f.rec[0], "gini_iov")));
    assert_true(isnan(get(f.rec[0], "health_productivity")));
    assert_float_equal(get(f.rec[0], "channel_overflow"), 0.0, 0.0);
    drop(&f);
}

/* A Gini of equal positive values is 0; the sorted form agrees with the double sum. */
static void test_gini_against_double_sum(void **state)
{
    (void)state;
    fixture f = make(2);
    static const double aut[N_CO] = {0, 0, 0, 0};
    static const double eco[N_CO] = {7, 7, 7, 7};
    set_values(f.rec[0], eco);
    set_values(f.rec[1], aut);
    static const int variants[] = {ECO_VARIANT_ECOSYSTEM, ECO_VARIANT_AUTARKY};
    pair(&f, variants, 2);
    assert_float_equal(get(f.rec[0], "gini_iov"), 0.0, 1e-15);
    assert_float_equal(get(f.rec[0], "jain_iov"), 1.0, 1e-15);
    static const double odd[N_CO] = {5, -3, 12, 0.5};
    set_values(f.rec[0], odd);
    pair(&f, variants, 2);
    double x[N_CO], mn = odd[1], dsum = 0.0, mean = 0.0;
    for (size_t i = 0; i < N_CO; i++)
        x[i] = odd[i] - mn;
    for (size_t i = 0; i < N_CO; i++) {
        mean += x[i] / N_CO;
        for (size_t j = 0; j < N_CO; j++)
            dsum += fabs(x[i] - x[j]);
    }
    assert_float_equal(get(f.rec[0], "gini_iov"), dsum / (2.0 * N_CO * N_CO * mean), 1e-12);
    assert_float_equal(get(f.rec[0], "gini_shifted"), 1.0, 0.0);
    drop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iov_and_fairness),
        cmocka_unit_test(test_negative_values_shift_the_gini),
        cmocka_unit_test(test_channels),
        cmocka_unit_test(test_no_autarky),
        cmocka_unit_test(test_gini_against_double_sum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
