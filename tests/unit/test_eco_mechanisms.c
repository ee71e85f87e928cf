/*
 * Model-level mechanism checks (issue 3 point 8, SPEC 9 face validation): the whole model
 * runs through the runner (with the pairing of variants) on the six companies of SPEC 11
 * over one year, with fixed seeds, and the checks hold exactly or with 95 % confidence
 * intervals over replications:
 *   - zero willingness everywhere: the pool stays empty, nobody is a member through sharing,
 *     and pooling creates no value (ecosystem = ko_sharing, channel_sharing = 0);
 *   - no opportunities: no projects and no new businesses;
 *   - every cross-company mechanism off: all variants agree in every output;
 *   - higher willingness everywhere: a larger mean pool (paired over replications with common
 *     random numbers; the CI of the difference lies above 0).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_eco_runs.h"

#define REPS 10

/* The six companies of SPEC 11 (role templates give the rest) over one year; %s: extra
 * sections, %s: the variants, %s: willingness of every company (or empty), %d: reps. */
static char *scenario(const char *variants, const char *extra, const char *w, int reps)
{
    static const char fmt[] =
        "simulation: {horizon_h: 8760, warmup_h: 2000, sample_interval_h: 168,\n"
        "             replications: %d, master_seed: 20240601, variants: [%s]}\n"
        "%s"
        "companies:\n"
        "  - {name: oem, role: oem%s}\n"
        "  - {name: supplier, role: supplier%s}\n"
        "  - {name: platform, role: platform%s}\n"
        "  - {name: service, role: service%s}\n"
        "  - {name: util_a, role: utilizer%s}\n"
        "  - {name: util_b, role: utilizer, goal_orientation: 0.4,\n"
        "     technical_receptivity: 0.4, customer_centricity: 0.4%s}\n"
        "contracts:\n"
        "  - {type: maintenance, provider: service, client: util_a, start_h: 0}\n"
        "  - {type: pdm, provider: oem, client: util_b, start_h: 0}\n";
    size_t len = sizeof fmt + strlen(variants) + strlen(extra) + 6 * strlen(w) + 16;
    char *text = malloc(len);
    assert_non_null(text);
    snprintf(text, len, fmt, reps, variants, extra, w, w, w, w, w, w);
    return text;
}

static tr_runs run_scenario(const char *variants, const char *extra, const char *w, int reps)
{
    char *text = scenario(variants, extra, w, reps);
    tr_runs r = tr_run_text(text);
    free(text);
    return r;
}

static double mean_over(const tr_runs *r, size_t run, const char *name)
{
    size_t n = tr_size(r, name);
    double sum = 0.0;
    for (size_t k = 0; k < n; k++)
        sum += tr_get(r, run, name, k);
    return sum / (double)n;
}

/* Whether runs a and b hold the same value (NaN equal to NaN) in every variable. */
static const char *first_difference(const tr_runs *r, size_t a, size_t b)
{
    for (size_t v = 0; v < sim_catalog_count(r->cat); v++) {
        const char *name = sim_catalog_var(r->cat, v)->name;
        for (size_t k = 0; k < tr_size(r, name); k++) {
            double x = tr_get(r, a, name, k), y = tr_get(r, b, name, k);
            if (!(x == y || (isnan(x) && isnan(y))))
                return name;
        }
    }
    return NULL;
}

static void test_zero_willingness_leaves_the_pool_empty(void **state)
{
    (void)state;
    tr_runs r = run_scenario("ecosystem, ko_sharing", "", ", sharing_willingness: 0", 4);
    for (size_t run = 0; run < r.n_runs; run++) {
        for (size_t k = 0; k < tr_size(&r, "ts_pool_records"); k++)
            assert_float_equal(tr_get(&r, run, "ts_pool_records", k), 0.0, 0.0);
        assert_float_equal(tr_get(&r, run, "pool_records_end", 0), 0.0, 0.0);
        for (size_t i = 0; i < 6; i++) {
            assert_float_equal(tr_get(&r, run, "share_mean", i), 0.0, 0.0);
            assert_float_equal(tr_get(&r, run, "value_sharing_cost", i), 0.0, 0.0);
        }
    }
    /* Pooling creates no value: without anything shared, switching sharing off changes
     * nothing, so the channel is exactly 0 in every replication. */
    for (size_t rep = 0; rep < 4; rep++) {
        assert_float_equal(tr_get(&r, 2 * rep, "channel_sharing", 0), 0.0, 0.0);
        const char *diff = first_difference(&r, 2 * rep, 2 * rep + 1);
        if (diff != NULL)
            fail_msg("replication %zu: ecosystem and ko_sharing differ in %s", rep, diff);
    }
    tr_free(&r);
}

static void test_no_opportunities_no_new_business(void **state)
{
    (void)state;
    tr_runs r = run_scenario("ecosystem", "opportunities: {arrival_rate_per_h: 0}\n", "", 4);
    for (size_t run = 0; run < r.n_runs; run++) {
        assert_float_equal(tr_get(&r, run, "opportunities_arrived", 0), 0.0, 0.0);
        assert_float_equal(tr_get(&r, run, "projects_started", 0), 0.0, 0.0);
        assert_float_equal(tr_get(&r, run, "new_businesses_total", 0), 0.0, 0.0);
        assert_float_equal(tr_get(&r, run, "newbiz_revenue_total", 0), 0.0, 0.0);
        assert_float_equal(tr_get(&r, run, "health_niche_creation", 0), 0.0, 0.0);
        for (size_t i = 0; i < 6; i++) {
            assert_float_equal(tr_get(&r, run, "new_businesses", i), 0.0, 0.0);
            assert_float_equal(tr_get(&r, run, "value_newbiz_revenue", i), 0.0, 0.0);
        }
    }
    tr_free(&r);
}

static void test_variants_agree_without_cross_company_mechanisms(void **state)
{
    (void)state;
    tr_runs r = run_scenario(
        "ecosystem, autarky, ko_sharing, ko_overflow, ko_colearning, ko_coalitions, ko_contracts",
        "mechanisms: {sharing: false, colearning: false, coalitions: false, overflow: false,\n"
        "             contracts: false}\n",
        "", 2);
    size_t nv = r.n_variants;
    assert_int_equal(nv, 7);
    for (size_t rep = 0; rep < 2; rep++) {
        for (size_t v = 1; v < nv; v++) {
            const char *diff = first_difference(&r, rep * nv, rep * nv + v);
            if (diff != NULL)
                fail_msg("replication %zu: variant %zu differs from ecosystem in %s", rep, v, diff);
        }
        /* Paired against autarky, nothing is inter-organizational. */
        assert_float_equal(tr_get(&r, rep * nv, "iov_ecosystem", 0), 0.0, 0.0);
        assert_float_equal(tr_get(&r, rep * nv, "channel_contracts", 0), 0.0, 0.0);
    }
    tr_free(&r);
}

/* Mean over samples of the pool size, per replication, for willingness w everywhere. */
static void pool_means(const char *w, double *out)
{
    tr_runs r = run_scenario("ecosystem", "", w, REPS);
    for (size_t rep = 0; rep < REPS; rep++)
        out[rep] = mean_over(&r, rep, "ts_pool_records");
    tr_free(&r);
}

static void test_willingness_raises_the_pool(void **state)
{
    (void)state;
    double low[REPS], high[REPS], sum = 0.0, sum2 = 0.0;
    pool_means(", sharing_willingness: 0.2", low);
    pool_means(", sharing_willingness: 0.9", high);
    for (size_t rep = 0; rep < REPS; rep++) {
        double d = high[rep] - low[rep];
        sum += d;
        sum2 += d * d;
    }
    double mean = sum / REPS, sd = sqrt((sum2 - REPS * mean * mean) / (REPS - 1));
    double half = gsl_cdf_tdist_Pinv(0.975, REPS - 1) * sd / sqrt(REPS);
    print_message("mean pool: w 0.2 -> %.1f records, w 0.9 -> %.1f; difference %.1f +- %.1f\n",
                  low[0], high[0], mean, half);
    if (!(mean - half > 0.0))
        fail_msg("the pool did not grow with willingness: difference %g +- %g", mean, half);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_willingness_leaves_the_pool_empty),
        cmocka_unit_test(test_no_opportunities_no_new_business),
        cmocka_unit_test(test_variants_agree_without_cross_company_mechanisms),
        cmocka_unit_test(test_willingness_raises_the_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
