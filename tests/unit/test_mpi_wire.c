/*
 * Tests of sim_mpi's result messages (encode_group / decode_group, static in sim_mpi.c, which
 * this file includes to reach them; no MPI call is made): a group of records, failures and
 * events round-trips bit for bit; an interrupted or fatal unit carries its status and
 * message; every truncation, a wrong unit, a wrong variant count, bad flags and trailing bytes
 * are refused as malformed (under ASan: without reading out of bounds).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../../sim/run/sim_mpi.c"

#define NV 2

typedef struct fixture {
    sim_catalog *cat;
    sim_record *recs[NV], *back[NV];
    int ok[NV], ok_back[NV];
    sim_error why[NV], why_back[NV];
    sim_group g, gb;
} fixture;

static void fixture_init(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->cat = sim_catalog_alloc("company", 2, 2);
    sim_var v = {.name = "x", .units = "1", .long_name = "x", .shape = SIM_SHAPE_TIME_ENTITY};
    assert_int_equal(sim_catalog_add(f->cat, &v), 0);
    assert_int_equal(sim_catalog_add_table(f->cat, "project", "projects"), 0);
    sim_var c = {.name = "value", .units = "EUR", .long_name = "value", .shape = SIM_SHAPE_RUN};
    assert_int_equal(sim_catalog_add_column(f->cat, 0, &c), 0);
    for (int k = 0; k < NV; k++) {
        f->recs[k] = sim_record_alloc(f->cat);
        f->back[k] = sim_record_alloc(f->cat);
        for (int i = 0; i < 4; i++)
            sim_record_values(f->recs[k], 0)[i] = 0.1 * i + k;
        double row = 7.5 + k;
        assert_int_equal(sim_record_table_append(f->recs[k], 0, &row), SIM_OK);
    }
    f->g = (sim_group){.recs = f->recs, .ok = f->ok, .why = f->why, .events = 12345};
    f->gb = (sim_group){.recs = f->back, .ok = f->ok_back, .why = f->why_back};
}

static void fixture_free(fixture *f)
{
    for (int k = 0; k < NV; k++) {
        sim_record_free(f->recs[k]);
        sim_record_free(f->back[k]);
    }
    sim_catalog_free(f->cat);
}

static const remote_slot slot = {.rank = 3, .thread = 1};

static void test_round_trip(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f);
    f.ok[0] = 1;
    f.ok[1] = 0;
    sim_error_set(&f.why[1], SIM_NUMERIC, "run failed: a NaN in the queue");
    sim_error none;
    sim_error_clear(&none);
    wbuf w = {0};
    assert_int_equal(encode_group(&w, 41, SIM_OK, &none, &f.g, NV), SIM_OK);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(decode_group(&slot, w.p, w.n, 41, &f.gb, NV, &err), SIM_OK);
    assert_int_equal(f.gb.events, 12345);
    assert_int_equal(f.ok_back[0], 1);
    assert_int_equal(f.ok_back[1], 0);
    assert_int_equal(f.why_back[1].status, SIM_NUMERIC);
    assert_string_equal(f.why_back[1].msg, "run failed: a NaN in the queue");
    assert_memory_equal(sim_record_cvalues(f.back[0], 0), sim_record_cvalues(f.recs[0], 0),
                        4 * sizeof(double));
    assert_int_equal(sim_record_table_rows(f.back[0], 0), 1);
    assert_float_equal(sim_record_table_data(f.back[0], 0)[0], 7.5, 0.0);
    free(w.p);
    fixture_free(&f);
}

static void test_status_travels(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f);
    sim_error why;
    sim_error_set(&why, SIM_NOMEM, "rank 3: out of memory for its threads");
    wbuf w = {0};
    assert_int_equal(encode_group(&w, 5, SIM_NOMEM, &why, &f.g, NV), SIM_OK);
    sim_error err;
    assert_int_equal(decode_group(&slot, w.p, w.n, 5, &f.gb, NV, &err), SIM_NOMEM);
    assert_string_equal(err.msg, "rank 3: out of memory for its threads");
    sim_error_set(&why, SIM_INTERRUPTED, "interrupted");
    assert_int_equal(encode_group(&w, 6, SIM_INTERRUPTED, &why, &f.g, NV), SIM_OK);
    assert_int_equal(decode_group(&slot, w.p, w.n, 6, &f.gb, NV, &err), SIM_INTERRUPTED);
    free(w.p);
    fixture_free(&f);
}

static void expect_malformed(const unsigned char *buf, size_t n, size_t unit, size_t nv, fixture *f,
                             const char *what)
{
    unsigned char *copy = malloc(n > 0 ? n : 1); /* exact size: ASan sees any over-read */
    memcpy(copy, buf, n);
    sim_error err;
    sim_error_clear(&err);
    sim_status st = decode_group(&slot, copy, n, unit, &f->gb, nv, &err);
    free(copy);
    if (st != SIM_INTERNAL || strstr(err.msg, "rank 3 thread 1 sent a malformed result") == NULL)
        fail_msg("%s: status %d, message '%s'", what, (int)st, err.msg);
}

static void test_malformed_refused(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f);
    f.ok[0] = f.ok[1] = 1;
    sim_error none;
    sim_error_clear(&none);
    wbuf w = {0};
    assert_int_equal(encode_group(&w, 9, SIM_OK, &none, &f.g, NV), SIM_OK);
    for (size_t n = 0; n < w.n; n++)
        expect_malformed(w.p, n, 9, NV, &f, "truncated");
    expect_malformed(w.p, w.n, 8, NV, &f, "another unit");
    expect_malformed(w.p, w.n, 9, NV + 1, &f, "another variant count");
    unsigned char *longer = calloc(w.n + 1, 1);
    memcpy(longer, w.p, w.n);
    expect_malformed(longer, w.n + 1, 9, NV, &f, "trailing bytes");
    free(longer);
    /* the first variant's ok flag (after 4 header words and the empty message's length) */
    int64_t bad = 2;
    memcpy(w.p + 5 * 8, &bad, 8);
    expect_malformed(w.p, w.n, 9, NV, &f, "ok flag 2");
    bad = SIM_STATUS_COUNT;
    memcpy(w.p + 1 * 8, &bad, 8);
    expect_malformed(w.p, w.n, 9, NV, &f, "unknown status");
    free(w.p);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_status_travels),
        cmocka_unit_test(test_malformed_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
