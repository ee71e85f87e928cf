/* Tests of the output catalog and the per-run record (sim_model.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sim_model.h"

static int add(sim_catalog *cat, const char *name, sim_shape shape)
{
    sim_var v = {.name = name, .units = "h", .long_name = "a test variable", .shape = shape};
    return sim_catalog_add(cat, &v);
}

/* Three companies, four sample instants, one variable of each shape. */
static sim_catalog *catalog_new(void)
{
    sim_catalog *cat = sim_catalog_alloc("company", 3, 4);
    assert_non_null(cat);
    assert_int_equal(add(cat, "lead_time_mean", SIM_SHAPE_RUN), 0);
    assert_int_equal(add(cat, "utilization", SIM_SHAPE_ENTITY), 1);
    assert_int_equal(add(cat, "pool_size", SIM_SHAPE_TIME), 2);
    assert_int_equal(add(cat, "trust_out", SIM_SHAPE_TIME_ENTITY), 3);
    return cat;
}

static void test_catalog_sizes_and_lookup(void **state)
{
    (void)state;
    sim_catalog *cat = catalog_new();
    assert_int_equal(sim_catalog_count(cat), 4);
    assert_string_equal(sim_catalog_entity_dim(cat), "company");
    assert_int_equal(sim_catalog_n_entity(cat), 3);
    assert_int_equal(sim_catalog_n_time(cat), 4);
    const size_t want[] = {1, 3, 4, 12};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(sim_catalog_var_size(cat, i), want[i]);
    assert_int_equal(sim_catalog_var_size(cat, 4), 0);
    assert_int_equal(sim_catalog_find(cat, "pool_size"), 2);
    assert_int_equal(sim_catalog_find(cat, "nope"), -1);
    assert_int_equal(sim_catalog_find(cat, NULL), -1);
    const sim_var *v = sim_catalog_var(cat, 3);
    assert_non_null(v);
    assert_string_equal(v->name, "trust_out");
    assert_string_equal(v->units, "h");
    assert_string_equal(v->long_name, "a test variable");
    assert_int_equal(v->shape, SIM_SHAPE_TIME_ENTITY);
    assert_null(sim_catalog_var(cat, 4));
    sim_catalog_free(cat);
}

/* The catalog keeps its own copies of the strings it is given. */
static void test_catalog_copies_strings(void **state)
{
    (void)state;
    char dim[] = "asset", name[] = "x1", units[] = "EUR", longname[] = "money";
    sim_catalog *cat = sim_catalog_alloc(dim, 1, 0);
    assert_non_null(cat);
    sim_var v = {.name = name, .units = units, .long_name = longname, .shape = SIM_SHAPE_RUN};
    assert_int_equal(sim_catalog_add(cat, &v), 0);
    sim_var nulls = {.name = "x2", .units = NULL, .long_name = NULL, .shape = SIM_SHAPE_RUN};
    assert_int_equal(sim_catalog_add(cat, &nulls), 1);
    memset(dim, 'z', 3);
    memset(name, 'z', 1);
    memset(units, 'z', 1);
    memset(longname, 'z', 1);
    assert_string_equal(sim_catalog_entity_dim(cat), "asset");
    assert_string_equal(sim_catalog_var(cat, 0)->name, "x1");
    assert_string_equal(sim_catalog_var(cat, 0)->units, "EUR");
    assert_string_equal(sim_catalog_var(cat, 0)->long_name, "money");
    assert_string_equal(sim_catalog_var(cat, 1)->units, "");
    assert_string_equal(sim_catalog_var(cat, 1)->long_name, "");
    sim_catalog_free(cat);
    sim_catalog *nameless = sim_catalog_alloc(NULL, 0, 0);
    assert_non_null(nameless);
    assert_string_equal(sim_catalog_entity_dim(nameless), "");
    sim_catalog_free(nameless);
}

static void test_catalog_rejects_bad_names(void **state)
{
    (void)state;
    sim_catalog *cat = catalog_new();
    assert_int_equal(add(cat, "utilization", SIM_SHAPE_RUN), -1); /* duplicate */
    const char *bad[] = {"", "1abc", "a-b", "a b", "ä", "x.y", "lead time", "_ok\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (add(cat, bad[i], SIM_SHAPE_RUN) != -1)
            fail_msg("name '%s' was accepted", bad[i]);
    assert_int_equal(add(cat, NULL, SIM_SHAPE_RUN), -1);
    assert_int_equal(sim_catalog_add(cat, NULL), -1);
    assert_int_equal(add(cat, "bad_shape", (sim_shape)17), -1);
    assert_int_equal(add(cat, "_Ok_9", SIM_SHAPE_RUN), 4);
    assert_int_equal(add(cat, "Z", SIM_SHAPE_RUN), 5);
    assert_int_equal(sim_catalog_count(cat), 6);
    sim_catalog_free(cat);
}

/* Many variables: the table grows and keeps indices. */
static void test_catalog_growth(void **state)
{
    (void)state;
    sim_catalog *cat = sim_catalog_alloc("company", 2, 2);
    char name[32];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "v%d", i);
        assert_int_equal(add(cat, name, (sim_shape)(i % 4)), i);
    }
    assert_int_equal(sim_catalog_find(cat, "v57"), 57);
    assert_string_equal(sim_catalog_var(cat, 99)->name, "v99");
    sim_catalog_free(cat);
}

static void test_entity_names_and_time(void **state)
{
    (void)state;
    sim_catalog *cat = catalog_new();
    assert_string_equal(sim_catalog_entity_name(cat, 1), ""); /* not set yet */
    assert_int_equal(sim_catalog_set_entity_name(cat, 0, "oem_1"), SIM_OK);
    assert_int_equal(sim_catalog_set_entity_name(cat, 2, "utilizer_3"), SIM_OK);
    assert_int_equal(sim_catalog_set_entity_name(cat, 2, "utilizer_2"), SIM_OK); /* replaced */
    assert_int_equal(sim_catalog_set_entity_name(cat, 3, "too_far"), SIM_INTERNAL);
    assert_int_equal(sim_catalog_set_entity_name(cat, 1, NULL), SIM_INTERNAL);
    assert_string_equal(sim_catalog_entity_name(cat, 0), "oem_1");
    assert_string_equal(sim_catalog_entity_name(cat, 2), "utilizer_2");
    assert_null(sim_catalog_entity_name(cat, 3));

    const double *t = sim_catalog_time(cat);
    for (size_t i = 0; i < 4; i++)
        assert_true(isnan(t[i])); /* unset sample instants are visible */
    double times[4] = {0.0, 100.0, 200.0, 300.0};
    sim_catalog_set_time(cat, times);
    times[1] = -1.0;
    assert_float_equal(sim_catalog_time(cat)[1], 100.0, 0.0);
    assert_float_equal(sim_catalog_time(cat)[3], 300.0, 0.0);
    sim_catalog_set_time(cat, NULL); /* no-op */
    assert_float_equal(sim_catalog_time(cat)[3], 300.0, 0.0);
    sim_catalog_free(cat);
}

static void test_record_layout(void **state)
{
    (void)state;
    sim_catalog *cat = catalog_new();
    sim_record *rec = sim_record_alloc(cat);
    assert_non_null(rec);
    assert_ptr_equal(sim_record_catalog(rec), cat);
    /* One contiguous buffer in catalog order: offsets 0, 1, 4, 8; 20 doubles in all. */
    double *base = sim_record_values(rec, 0);
    const size_t offset[] = {0, 1, 4, 8};
    for (size_t i = 0; i < 4; i++) {
        assert_ptr_equal(sim_record_values(rec, i), base + offset[i]);
        assert_ptr_equal(sim_record_cvalues(rec, i), base + offset[i]);
    }
    assert_null(sim_record_values(rec, 4));
    assert_null(sim_record_cvalues(rec, 4));
    for (size_t i = 0; i < 20; i++)
        assert_true(isnan(base[i]));
    /* [time][entity]: sample 2 of company 1 is element 2*3+1. */
    sim_record_values(rec, 3)[2 * 3 + 1] = 7.0;
    sim_record_values(rec, 0)[0] = 1.5;
    assert_float_equal(base[8 + 7], 7.0, 0.0);
    sim_record_clear(rec);
    for (size_t i = 0; i < 20; i++)
        assert_true(isnan(base[i]));
    sim_record_free(rec);
    sim_catalog_free(cat);
}

/* Variables added after a record was made are not part of it. */
static void test_record_snapshot_and_empty(void **state)
{
    (void)state;
    sim_catalog *cat = sim_catalog_alloc("company", 0, 0);
    sim_record *empty = sim_record_alloc(cat);
    assert_non_null(empty);
    assert_null(sim_record_values(empty, 0));
    sim_record_clear(empty);
    assert_int_equal(add(cat, "per_company", SIM_SHAPE_ENTITY), 0);
    assert_int_equal(sim_catalog_var_size(cat, 0), 0);
    assert_null(sim_record_values(empty, 0));
    sim_record *rec = sim_record_alloc(cat);
    assert_non_null(rec);
    assert_non_null(sim_record_values(rec, 0));
    sim_record_free(rec);
    sim_record_free(empty);
    sim_catalog_free(cat);
}

static void test_free_null(void **state)
{
    (void)state;
    sim_catalog_free(NULL);
    sim_record_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalog_sizes_and_lookup),
        cmocka_unit_test(test_catalog_copies_strings),
        cmocka_unit_test(test_catalog_rejects_bad_names),
        cmocka_unit_test(test_catalog_growth),
        cmocka_unit_test(test_entity_names_and_time),
        cmocka_unit_test(test_record_layout),
        cmocka_unit_test(test_record_snapshot_and_empty),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
