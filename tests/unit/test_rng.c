/* Tests of sim_rng: the published xoshiro256++ and SplitMix64 outputs, keyed streams, and
 * statistical checks at fixed seeds (deterministic; tolerances are about 4 standard errors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "sim_rng.h"

#define N_DRAWS 1000000

/* First four outputs of SplitMix64 from state 0 (Vigna's splitmix64.c). */
static const uint64_t splitmix_seed0[4] = {
    UINT64_C(0xe220a8397b1dcdaf), UINT64_C(0x6e789e6aa1b965f4), UINT64_C(0x06c45d188009454f),
    UINT64_C(0xf88bb8a8724c81ec)};

/* xoshiro256++ from state {1, 2, 3, 4}, produced by the reference xoshiro256plusplus.c (the
 * vector the Rust rand_xoshiro crate checks against). */
static const uint64_t xoshiro_1234[10] = {UINT64_C(41943041),
                                          UINT64_C(58720359),
                                          UINT64_C(3588806011781223),
                                          UINT64_C(3591011842654386),
                                          UINT64_C(9228616714210784205),
                                          UINT64_C(9973669472204895162),
                                          UINT64_C(14011001112246962877),
                                          UINT64_C(12406186145184390807),
                                          UINT64_C(15849039046786891736),
                                          UINT64_C(10450023813501588000)};

static gsl_rng *rng_new(uint64_t key)
{
    gsl_rng *r = sim_rng_alloc(key);
    assert_non_null(r);
    return r;
}

static void state_set(gsl_rng *r, uint64_t s0, uint64_t s1, uint64_t s2, uint64_t s3)
{
    uint64_t s[4] = {s0, s1, s2, s3};
    assert_int_equal(gsl_rng_size(r), sizeof s);
    memcpy(gsl_rng_state(r), s, sizeof s);
}

static void test_type_description(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(1);
    assert_string_equal(gsl_rng_name(r), "xoshiro256++");
    assert_int_equal(gsl_rng_max(r), UINT32_MAX);
    assert_int_equal(gsl_rng_min(r), 0);
    assert_ptr_equal(r->type, sim_rng_xoshiro256pp);
    gsl_rng_free(r);
}

static void test_splitmix_known_answer(void **state)
{
    (void)state;
    assert_int_equal(sim_rng_mix(0), splitmix_seed0[0]);
    /* Seeding with key 0 runs SplitMix64 from 0: the state is its first four outputs. */
    gsl_rng *r = rng_new(0);
    uint64_t s[4];
    memcpy(s, gsl_rng_state(r), sizeof s);
    for (int i = 0; i < 4; i++)
        assert_int_equal(s[i], splitmix_seed0[i]);
    gsl_rng_free(r);
}

/* gsl_rng_get gives the upper 32 bits and gsl_rng_uniform the upper 53 bits of each output. */
static void test_xoshiro_known_answer(void **state)
{
    (void)state;
    gsl_rng *hi = rng_new(0), *dbl = rng_new(0);
    state_set(hi, 1, 2, 3, 4);
    state_set(dbl, 1, 2, 3, 4);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(gsl_rng_get(hi), xoshiro_1234[i] >> 32);
        assert_float_equal(gsl_rng_uniform(dbl), (double)(xoshiro_1234[i] >> 11) * 0x1.0p-53, 0.0);
    }
    gsl_rng_free(hi);
    gsl_rng_free(dbl);
}

static void test_same_key_same_sequence(void **state)
{
    (void)state;
    enum { N = 1000 };
    uint64_t key = sim_rng_key(42, 3, 7, sim_rng_stream_id(2, 11));
    gsl_rng *a = rng_new(key), *b = rng_new(key);
    unsigned long seq[N];
    for (int i = 0; i < N; i++) {
        seq[i] = gsl_rng_get(a);
        assert_int_equal(seq[i], gsl_rng_get(b));
    }
    /* Re-seeding restarts the stream, whatever was drawn before. */
    sim_rng_reseed(a, key);
    for (int i = 0; i < N; i++)
        assert_int_equal(gsl_rng_get(a), seq[i]);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* Count equal outputs at equal positions: unrelated 32-bit streams almost never agree. */
static int matching_outputs(uint64_t k1, uint64_t k2, int n)
{
    gsl_rng *a = rng_new(k1), *b = rng_new(k2);
    int same = 0;
    for (int i = 0; i < n; i++)
        same += gsl_rng_get(a) == gsl_rng_get(b);
    gsl_rng_free(a);
    gsl_rng_free(b);
    return same;
}

static void test_different_keys_different_sequences(void **state)
{
    (void)state;
    assert_int_equal(matching_outputs(1, 2, 1000), 0);
    /* Keys that differ only in the high 32 bits: a 32-bit seeded GSL generator would give
     * identical streams here. */
    assert_int_equal(matching_outputs(UINT64_C(5), UINT64_C(5) | (UINT64_C(1) << 40), 1000), 0);
}

static int key_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static void test_key_depends_on_every_element(void **state)
{
    (void)state;
    uint64_t base = sim_rng_key(10, 20, 30, 40);
    uint64_t keys[] = {base,
                       sim_rng_key(11, 20, 30, 40),
                       sim_rng_key(10, 21, 30, 40),
                       sim_rng_key(10, 20, 31, 40),
                       sim_rng_key(10, 20, 30, 41),
                       sim_rng_key(10, 30, 20, 40), /* design and replication swapped */
                       sim_rng_key(20, 10, 30, 40)};
    size_t n = sizeof keys / sizeof keys[0];
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            if (keys[i] == keys[j])
                fail_msg("keys %zu and %zu collide: %llx", i, j, (unsigned long long)keys[i]);
            /* Unrelated keys differ in about half of their 64 bits. */
            int bits = __builtin_popcountll(keys[i] ^ keys[j]);
            if (bits < 12 || bits > 52)
                fail_msg("keys %zu and %zu differ in only %d bits", i, j, bits);
        }
    assert_int_equal(sim_rng_key(10, 20, 30, 40), base);
    assert_int_equal(sim_rng_stream_id(3, 5), (UINT64_C(3) << 48) | 5);
    assert_int_equal(sim_rng_stream_id(1, UINT64_MAX), (UINT64_C(2) << 48) - 1);
}

/* A sweep-sized grid of tuples gives no duplicate key. */
static void test_no_key_collisions_on_grid(void **state)
{
    (void)state;
    const size_t n = 4 * 50 * 20 * 50;
    uint64_t *keys = malloc(n * sizeof *keys);
    assert_non_null(keys);
    size_t i = 0;
    for (uint64_t m = 0; m < 4; m++)
        for (uint64_t d = 0; d < 50; d++)
            for (uint64_t rep = 0; rep < 20; rep++)
                for (uint64_t s = 0; s < 50; s++)
                    keys[i++] = sim_rng_key(m, d, rep, sim_rng_stream_id((uint32_t)(s % 5), s));
    qsort(keys, n, sizeof *keys, key_cmp);
    for (i = 1; i < n; i++)
        if (keys[i] == keys[i - 1])
            fail_msg("duplicate key %llx", (unsigned long long)keys[i]);
    free(keys);
}

static void test_uniform_moments(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(sim_rng_key(2024, 0, 0, 1));
    double sum = 0.0, sum_sq = 0.0;
    for (int i = 0; i < N_DRAWS; i++) {
        double u = gsl_rng_uniform(r);
        sum += u;
        sum_sq += (u - 0.5) * (u - 0.5);
    }
    double mean = sum / N_DRAWS, var = sum_sq / N_DRAWS;
    /* se(mean) = sqrt(1/12/n) = 2.9e-4; se(var) = sqrt((1/80 - 1/144)/n) = 7.5e-5. */
    assert_float_equal(mean, 0.5, 4 * 2.9e-4);
    assert_float_equal(var, 1.0 / 12.0, 4 * 7.5e-5);
    gsl_rng_free(r);
}

static void test_uniform_chi_square(void **state)
{
    (void)state;
    enum { BINS = 100 };
    unsigned long count[BINS] = {0};
    gsl_rng *r = rng_new(sim_rng_key(7, 1, 2, 3));
    for (int i = 0; i < N_DRAWS; i++)
        count[(int)(gsl_rng_uniform(r) * BINS)]++;
    double expect = (double)N_DRAWS / BINS, chi2 = 0.0;
    for (int b = 0; b < BINS; b++)
        chi2 += (count[b] - expect) * (count[b] - expect) / expect;
    /* Two-sided 0.1 % test: neither too uneven nor suspiciously even. */
    double lo = gsl_cdf_chisq_Pinv(0.001, BINS - 1), hi = gsl_cdf_chisq_Qinv(0.001, BINS - 1);
    if (!(chi2 > lo && chi2 < hi))
        fail_msg("chi-square %g outside (%g, %g)", chi2, lo, hi);
    gsl_rng_free(r);
}

static void test_gsl_ran_exponential_mean(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(sim_rng_key(99, 0, 0, 0));
    const double mu = 2.0;
    double sum = 0.0;
    for (int i = 0; i < N_DRAWS; i++)
        sum += gsl_ran_exponential(r, mu);
    /* se = mu / sqrt(n) = 0.002 */
    assert_float_equal(sum / N_DRAWS, mu, 4 * 0.002);
    gsl_rng_free(r);
}

static double stream_correlation(uint64_t k1, uint64_t k2, int n)
{
    gsl_rng *a = rng_new(k1), *b = rng_new(k2);
    double sab = 0.0, sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0;
    for (int i = 0; i < n; i++) {
        double x = gsl_rng_uniform(a), y = gsl_rng_uniform(b);
        sa += x;
        sb += y;
        sab += x * y;
        saa += x * x;
        sbb += y * y;
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
    double cov = sab / n - (sa / n) * (sb / n);
    return cov / sqrt((saa / n - (sa / n) * (sa / n)) * (sbb / n - (sb / n) * (sb / n)));
}

/* Adjacent stream ids, adjacent replications and even adjacent raw keys are uncorrelated:
 * |r| < 4 / sqrt(n). */
static void test_adjacent_streams_uncorrelated(void **state)
{
    (void)state;
    const int n = 200000;
    const double tol = 4.0 / sqrt(n);
    double r1 = stream_correlation(sim_rng_key(1, 0, 0, 5), sim_rng_key(1, 0, 0, 6), n);
    double r2 = stream_correlation(sim_rng_key(1, 0, 3, 5), sim_rng_key(1, 0, 4, 5), n);
    double r3 = stream_correlation(1000, 1001, n);
    if (fabs(r1) > tol || fabs(r2) > tol || fabs(r3) > tol)
        fail_msg("correlations %g %g %g exceed %g", r1, r2, r3, tol);
}

static void test_uniform_pos_bounds(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(0);
    /* s0 = s3 = 0 makes the next output exactly 0: uniform gives 0, uniform_pos must not. */
    state_set(r, 0, 1, 2, 0);
    assert_float_equal(gsl_rng_uniform(r), 0.0, 0.0);
    state_set(r, 0, 1, 2, 0);
    double u = sim_rng_uniform_pos(r);
    assert_true(u > 0.0 && u < 1.0);
    /* s0 = 0, s3 = all ones makes the output all ones: the largest uniform is below 1. */
    state_set(r, 0, 1, 0, UINT64_MAX);
    u = sim_rng_uniform_pos(r);
    assert_float_equal(u, 1.0 - 0x1.0p-53, 0.0);
    sim_rng_reseed(r, 12345);
    double lo = 1.0, hi = 0.0;
    for (int i = 0; i < N_DRAWS; i++) {
        u = sim_rng_uniform_pos(r);
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    assert_true(lo > 0.0 && lo < 1e-4);
    assert_true(hi < 1.0 && hi > 1.0 - 1e-4);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_description),
        cmocka_unit_test(test_splitmix_known_answer),
        cmocka_unit_test(test_xoshiro_known_answer),
        cmocka_unit_test(test_same_key_same_sequence),
        cmocka_unit_test(test_different_keys_different_sequences),
        cmocka_unit_test(test_key_depends_on_every_element),
        cmocka_unit_test(test_no_key_collisions_on_grid),
        cmocka_unit_test(test_uniform_moments),
        cmocka_unit_test(test_uniform_chi_square),
        cmocka_unit_test(test_gsl_ran_exponential_mean),
        cmocka_unit_test(test_adjacent_streams_uncorrelated),
        cmocka_unit_test(test_uniform_pos_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
