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

static int add_column(sim_catalog *cat, size_t table, const char *name)
{
    sim_var v = {.name = name, .units = "EUR", .long_name = "a column", .shape = SIM_SHAPE_TIME};
    return sim_catalog_add_column(cat, table, &v);
}

/* Two tables with columns: names, lookups and copies. */
static void test_tables_declare(void **state)
{
    (void)state;
    sim_catalog *cat = catalog_new();
    assert_int_equal(sim_catalog_table_count(cat), 0);
    char dim[] = "project";
    assert_int_equal(sim_catalog_add_table(cat, dim, "one project of a coalition"), 0);
    assert_int_equal(sim_catalog_add_table(cat, "contract", NULL), 1);
    memset(dim, 'z', 3);
    assert_int_equal(add_column(cat, 0, "start_h"), 0);
    assert_int_equal(add_column(cat, 0, "value"), 1);
    assert_int_equal(add_column(cat, 1, "value"), 0); /* contract_value != project_value */
    assert_int_equal(sim_catalog_table_count(cat), 2);
    assert_int_equal(sim_catalog_find_table(cat, "project"), 0);
    assert_int_equal(sim_catalog_find_table(cat, "contract"), 1);
    assert_int_equal(sim_catalog_find_table(cat, "nope"), -1);
    assert_int_equal(sim_catalog_find_table(cat, NULL), -1);
    assert_string_equal(sim_catalog_table_dim(cat, 0), "project");
    assert_string_equal(sim_catalog_table_long_name(cat, 0), "one project of a coalition");
    assert_string_equal(sim_catalog_table_long_name(cat, 1), "");
    assert_null(sim_catalog_table_dim(cat, 2));
    assert_null(sim_catalog_table_long_name(cat, 2));
    assert_int_equal(sim_catalog_table_ncols(cat, 0), 2);
    assert_int_equal(sim_catalog_table_ncols(cat, 1), 1);
    assert_int_equal(sim_catalog_table_ncols(cat, 2), 0);
    const sim_var *c = sim_catalog_table_column(cat, 0, 1);
    assert_non_null(c);
    assert_string_equal(c->name, "value");
    assert_string_equal(c->units, "EUR");
    assert_string_equal(c->long_name, "a column");
    assert_null(sim_catalog_table_column(cat, 0, 2));
    assert_null(sim_catalog_table_column(cat, 2, 0));
    /* Tables do not count as variables. */
    assert_int_equal(sim_catalog_count(cat), 4);
    sim_catalog_free(cat);
}

/* Tables share the namespace of variables and dimensions, in both directions. */
static void test_tables_reject_clashes(void **state)
{
    (void)state;
    sim_catalog *cat = catalog_new();
    const char *bad_dims[] = {"",        "1x",          "a-b",       "run", "time",
                              "company", "utilization", "pool_size", NULL};
    for (size_t i = 0; i < sizeof bad_dims / sizeof bad_dims[0]; i++)
        if (sim_catalog_add_table(cat, bad_dims[i], "x") != -1)
            fail_msg("table dimension '%s' was accepted", bad_dims[i] ? bad_dims[i] : "NULL");
    assert_int_equal(add(cat, "deal_run", SIM_SHAPE_RUN), 4);
    assert_int_equal(sim_catalog_add_table(cat, "deal", "x"), -1); /* deal_run taken */
    assert_int_equal(sim_catalog_add_table(cat, "project", "x"), 0);
    assert_int_equal(sim_catalog_add_table(cat, "project", "again"), -1);
    assert_int_equal(add_column(cat, 0, "value"), 0);
    assert_int_equal(add_column(cat, 0, "value"), -1); /* duplicate column */
    assert_int_equal(add_column(cat, 0, "run"), -1);   /* project_run is the writer's */
    assert_int_equal(add_column(cat, 0, "bad name"), -1);
    assert_int_equal(add_column(cat, 0, NULL), -1);
    assert_int_equal(sim_catalog_add_column(cat, 0, NULL), -1);
    assert_int_equal(add_column(cat, 1, "value"), -1); /* no such table */
    /* A table whose names would collide with another table's column or dimension. */
    assert_int_equal(sim_catalog_add_table(cat, "project_value", "x"), -1);
    assert_int_equal(sim_catalog_add_table(cat, "project_x", "x"), 1);
    assert_int_equal(add_column(cat, 0, "x"), -1);       /* project_x is a dimension */
    assert_int_equal(add_column(cat, 1, "run"), -1);     /* project_x_run */
    assert_int_equal(add_column(cat, 0, "x_run"), -1);   /* project_x_run again */
    assert_int_equal(add_column(cat, 1, "value"), 0);    /* project_x_value is free */
    assert_int_equal(add_column(cat, 0, "x_value"), -1); /* but now taken */
    /* Variables added later must not take a table's names either. */
    assert_int_equal(add(cat, "project", SIM_SHAPE_RUN), -1);
    assert_int_equal(add(cat, "project_value", SIM_SHAPE_RUN), -1);
    assert_int_equal(add(cat, "project_run", SIM_SHAPE_RUN), -1);
    assert_int_equal(add(cat, "project_other", SIM_SHAPE_RUN), 5);
    assert_int_equal(sim_catalog_table_ncols(cat, 0), 1);
    assert_int_equal(sim_catalog_table_ncols(cat, 1), 1);
    sim_catalog_free(cat);
}

/* Many columns: the column table grows. */
static void test_tables_many_columns(void **state)
{
    (void)state;
    sim_catalog *cat = sim_catalog_alloc("company", 1, 0);
    assert_non_null(cat);
    char name[32];
    for (int t = 0; t < 9; t++) {
        snprintf(name, sizeof name, "t%d", t);
        assert_int_equal(sim_catalog_add_table(cat, name, "x"), t);
    }
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "c%d", i);
        assert_int_equal(add_column(cat, 8, name), i);
    }
    assert_string_equal(sim_catalog_table_column(cat, 8, 39)->name, "c39");
    assert_int_equal(sim_catalog_find_table(cat, "t8"), 8);
    sim_catalog_free(cat);
}

/* Rows go in by value, storage grows, clear empties but keeps the buffer. */
static void test_record_tables(void **state)
{
    (void)state;
    sim_catalog *cat = catalog_new();
    assert_int_equal(sim_catalog_add_table(cat, "project", "x"), 0);
    assert_int_equal(add_column(cat, 0, "start_h"), 0);
    assert_int_equal(add_column(cat, 0, "value"), 1);
    assert_int_equal(sim_catalog_add_table(cat, "bare", "no columns"), 1);
    sim_record *rec = sim_record_alloc(cat);
    assert_non_null(rec);
    assert_int_equal(sim_record_table_rows(rec, 0), 0);
    assert_null(sim_record_table_data(rec, 0));
    double row[2];
    for (int i = 0; i < 1000; i++) {
        row[0] = i;
        row[1] = -0.5 * i;
        assert_int_equal(sim_record_table_append(rec, 0, row), SIM_OK);
    }
    row[0] = 99.0; /* copied: changing the caller's row changes nothing */
    assert_int_equal(sim_record_table_rows(rec, 0), 1000);
    const double *data = sim_record_table_data(rec, 0);
    assert_non_null(data);
    for (int i = 0; i < 1000; i++) {
        assert_float_equal(data[2 * i], i, 0.0);
        assert_float_equal(data[2 * i + 1], -0.5 * i, 0.0);
    }
    assert_int_equal(sim_record_table_append(rec, 1, NULL), SIM_OK); /* no columns */
    assert_int_equal(sim_record_table_rows(rec, 1), 1);
    assert_int_equal(sim_record_table_append(rec, 2, row), SIM_INTERNAL);
    assert_int_equal(sim_record_table_append(rec, 0, NULL), SIM_INTERNAL);
    assert_int_equal(sim_record_table_rows(rec, 2), 0);
    assert_null(sim_record_table_data(rec, 2));
    sim_record_values(rec, 0)[0] = 3.0;
    sim_record_clear(rec);
    assert_true(isnan(sim_record_cvalues(rec, 0)[0]));
    assert_int_equal(sim_record_table_rows(rec, 0), 0);
    assert_int_equal(sim_record_table_rows(rec, 1), 0);
    assert_null(sim_record_table_data(rec, 0));
    /* The buffer is kept: the next rows land in the same storage. */
    assert_int_equal(sim_record_table_append(rec, 0, row), SIM_OK);
    assert_ptr_equal(sim_record_table_data(rec, 0), data);
    assert_float_equal(sim_record_table_data(rec, 0)[0], 99.0, 0.0);
    sim_record_free(rec);
    sim_catalog_free(cat);
}

/* A record keeps the tables and columns the catalog had when it was made. */
static void test_record_tables_snapshot(void **state)
{
    (void)state;
    sim_catalog *cat = catalog_new();
    assert_int_equal(sim_catalog_add_table(cat, "project", "x"), 0);
    assert_int_equal(add_column(cat, 0, "a"), 0);
    sim_record *rec = sim_record_alloc(cat);
    assert_non_null(rec);
    assert_int_equal(add_column(cat, 0, "b"), 1);
    assert_int_equal(sim_catalog_add_table(cat, "contract", "x"), 1);
    const double row[2] = {1.0, 2.0};
    assert_int_equal(sim_record_table_append(rec, 0, row), SIM_OK);
    assert_int_equal(sim_record_table_append(rec, 1, row), SIM_INTERNAL);
    assert_float_equal(sim_record_table_data(rec, 0)[0], 1.0, 0.0);
    assert_int_equal(sim_record_table_append(rec, 0, row + 1), SIM_OK);
    assert_float_equal(sim_record_table_data(rec, 0)[1], 2.0, 0.0); /* width 1, not 2 */
    sim_record_free(rec);
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
        cmocka_unit_test(test_tables_declare),
        cmocka_unit_test(test_tables_reject_clashes),
        cmocka_unit_test(test_tables_many_columns),
        cmocka_unit_test(test_record_tables),
        cmocka_unit_test(test_record_tables_snapshot),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
