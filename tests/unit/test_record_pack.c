/* Tests of record transport (sim_record_packed_size, _pack, _unpack in sim_model.h): every
 * value and row arrives bit for bit, and malformed buffers are refused without reading out of
 * bounds (run these under ASan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim_model.h"

static int add(sim_catalog *cat, const char *name, sim_shape shape)
{
    sim_var v = {.name = name, .units = "1", .long_name = "a test variable", .shape = shape};
    return sim_catalog_add(cat, &v);
}

static int add_col(sim_catalog *cat, size_t t, const char *name)
{
    sim_var v = {.name = name, .units = "1", .long_name = "a column", .shape = SIM_SHAPE_RUN};
    return sim_catalog_add_column(cat, t, &v);
}

/* Two companies, three instants, a variable of each shape, a 2-column and a 1-column table. */
static sim_catalog *catalog_new(void)
{
    sim_catalog *cat = sim_catalog_alloc("company", 2, 3);
    assert_non_null(cat);
    assert_int_equal(add(cat, "a", SIM_SHAPE_RUN), 0);
    assert_int_equal(add(cat, "b", SIM_SHAPE_ENTITY), 1);
    assert_int_equal(add(cat, "c", SIM_SHAPE_TIME), 2);
    assert_int_equal(add(cat, "d", SIM_SHAPE_TIME_ENTITY), 3);
    assert_int_equal(sim_catalog_add_table(cat, "project", "projects"), 0);
    assert_int_equal(add_col(cat, 0, "value"), 0);
    assert_int_equal(add_col(cat, 0, "start"), 1);
    assert_int_equal(sim_catalog_add_table(cat, "contract", "contracts"), 1);
    assert_int_equal(add_col(cat, 1, "price"), 0);
    return cat;
}

/* Values with awkward bits: a NaN with a payload, -0, infinities, denormals. */
static double odd_value(size_t i)
{
    uint64_t bits;
    switch (i % 5) {
    case 0:
        bits = 0x7ff8000000abcdefULL; /* NaN with payload */
        break;
    case 1:
        bits = 0x8000000000000000ULL; /* -0.0 */
        break;
    case 2:
        bits = 0x0000000000000001ULL; /* smallest denormal */
        break;
    case 3:
        bits = 0xfff0000000000000ULL; /* -inf */
        break;
    default: {
        double x = 1.0 / 3.0 + (double)i;
        memcpy(&bits, &x, sizeof bits);
    }
    }
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

static void fill(sim_record *rec, size_t rows0, size_t rows1)
{
    const sim_catalog *cat = sim_record_catalog(rec);
    size_t k = 0;
    for (size_t v = 0; v < sim_catalog_count(cat); v++)
        for (size_t i = 0; i < sim_catalog_var_size(cat, v); i++)
            sim_record_values(rec, v)[i] = odd_value(k++);
    for (size_t r = 0; r < rows0; r++) {
        double row[2] = {odd_value(k++), (double)r};
        assert_int_equal(sim_record_table_append(rec, 0, row), SIM_OK);
    }
    for (size_t r = 0; r < rows1; r++) {
        double row[1] = {odd_value(k++)};
        assert_int_equal(sim_record_table_append(rec, 1, row), SIM_OK);
    }
}

/* Bitwise equality of every value and row. */
static void assert_same(const sim_record *x, const sim_record *y)
{
    const sim_catalog *cat = sim_record_catalog(x);
    for (size_t v = 0; v < sim_catalog_count(cat); v++) {
        size_t n = sim_catalog_var_size(cat, v);
        if (memcmp(sim_record_cvalues(x, v), sim_record_cvalues(y, v), n * sizeof(double)) != 0)
            fail_msg("variable %zu differs", v);
    }
    for (size_t t = 0; t < sim_catalog_table_count(cat); t++) {
        size_t rx = sim_record_table_rows(x, t), ry = sim_record_table_rows(y, t);
        if (rx != ry)
            fail_msg("table %zu: %zu rows sent, %zu received", t, rx, ry);
        size_t n = rx * sim_catalog_table_ncols(cat, t);
        if (n > 0 && memcmp(sim_record_table_data(x, t), sim_record_table_data(y, t),
                            n * sizeof(double)) != 0)
            fail_msg("table %zu differs", t);
    }
}

static unsigned char *pack(const sim_record *rec, size_t *size)
{
    *size = sim_record_packed_size(rec);
    unsigned char *buf = malloc(*size);
    assert_non_null(buf);
    assert_int_equal(sim_record_pack(rec, buf, *size), SIM_OK);
    return buf;
}

static void test_round_trip_bit_exact(void **state)
{
    (void)state;
    sim_catalog *cat = catalog_new();
    sim_record *x = sim_record_alloc(cat), *y = sim_record_alloc(cat);
    assert_non_null(x);
    assert_non_null(y);
    fill(x, 100, 3); /* 100 rows: more than the receiver's initial capacity */
    /* y had other rows before: they must be replaced, not added to */
    double row[2] = {7, 7};
    assert_int_equal(sim_record_table_append(y, 0, row), SIM_OK);
    size_t size;
    unsigned char *buf = pack(x, &size);
    /* header (4 + 2 x 2 words) + 1 + 2 + 3 + 6 values + 100 x 2 + 3 x 1 rows */
    assert_int_equal(size, 8 * 8 + (12 + 200 + 3) * 8);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_record_unpack(y, buf, size, &err), SIM_OK);
    assert_same(x, y);
    /* and again with empty tables: the rows go */
    sim_record_clear(x);
    free(buf);
    buf = pack(x, &size);
    assert_int_equal(size, 8 * 8 + 12 * 8);
    assert_int_equal(sim_record_unpack(y, buf, size, &err), SIM_OK);
    assert_same(x, y);
    assert_int_equal(sim_record_table_rows(y, 0), 0);
    free(buf);
    sim_record_free(x);
    sim_record_free(y);
    sim_catalog_free(cat);
}

static void test_pack_refuses_small_buffer(void **state)
{
    (void)state;
    sim_catalog *cat = catalog_new();
    sim_record *x = sim_record_alloc(cat);
    fill(x, 2, 1);
    size_t size = sim_record_packed_size(x);
    unsigned char *buf = malloc(size);
    assert_int_equal(sim_record_pack(x, buf, size - 1), SIM_INTERNAL);
    assert_int_equal(sim_record_pack(NULL, buf, size), SIM_INTERNAL);
    free(buf);
    sim_record_free(x);
    sim_catalog_free(cat);
}

/* Every truncation of a valid buffer, and every single-word corruption of its header, is
 * refused with SIM_INVALID (ASan catches any read past the end: each try gets an exact-size
 * copy). */
static void test_unpack_refuses_malformed(void **state)
{
    (void)state;
    sim_catalog *cat = catalog_new();
    sim_record *x = sim_record_alloc(cat), *y = sim_record_alloc(cat);
    fill(x, 4, 2);
    size_t size;
    unsigned char *buf = pack(x, &size);
    sim_error err;
    for (size_t n = 0; n < size; n++) {
        unsigned char *cut = malloc(n > 0 ? n : 1);
        memcpy(cut, buf, n);
        sim_error_clear(&err);
        sim_status st = sim_record_unpack(y, cut, n, &err);
        free(cut);
        if (st != SIM_INVALID)
            fail_msg("truncated to %zu of %zu bytes: status %d, expected SIM_INVALID", n, size,
                     (int)st);
        assert_true(err.msg[0] != '\0');
    }
    /* one byte too many */
    unsigned char *longer = calloc(size + 1, 1);
    memcpy(longer, buf, size);
    assert_int_equal(sim_record_unpack(y, longer, size + 1, &err), SIM_INVALID);
    free(longer);
    /* header words: magic, counts, columns, rows (huge or off by one) */
    const uint64_t forged[] = {0, 1, 3, UINT64_MAX, (uint64_t)1 << 61};
    for (size_t w = 0; w < 8; w++)
        for (size_t f = 0; f < sizeof forged / sizeof *forged; f++) {
            unsigned char *bad = malloc(size);
            memcpy(bad, buf, size);
            uint64_t orig;
            memcpy(&orig, bad + 8 * w, 8);
            if (orig == forged[f]) {
                free(bad);
                continue;
            }
            memcpy(bad + 8 * w, &forged[f], 8);
            sim_status st = sim_record_unpack(y, bad, size, &err);
            free(bad);
            if (st != SIM_INVALID)
                fail_msg("header word %zu forged to %llu: status %d", w,
                         (unsigned long long)forged[f], (int)st);
            /* a refused buffer leaves the record cleared */
            assert_true(isnan(sim_record_cvalues(y, 0)[0]));
            assert_int_equal(sim_record_table_rows(y, 0), 0);
        }
    assert_int_equal(sim_record_unpack(y, NULL, size, &err), SIM_INVALID);
    free(buf);
    sim_record_free(x);
    sim_record_free(y);
    sim_catalog_free(cat);
}

/* A record of another catalog (one variable fewer) is refused. */
static void test_unpack_refuses_other_layout(void **state)
{
    (void)state;
    sim_catalog *cat = catalog_new();
    sim_catalog *other = sim_catalog_alloc("company", 2, 3);
    assert_int_equal(add(other, "a", SIM_SHAPE_RUN), 0);
    sim_record *x = sim_record_alloc(other), *y = sim_record_alloc(cat);
    sim_record_values(x, 0)[0] = 1.0;
    size_t size;
    unsigned char *buf = pack(x, &size);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_record_unpack(y, buf, size, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "layout"));
    free(buf);
    sim_record_free(x);
    sim_record_free(y);
    sim_catalog_free(other);
    sim_catalog_free(cat);
}

/* A table without columns: its rows take no bytes, and a forged huge count is refused. */
static void test_unpack_bounds_rows_without_columns(void **state)
{
    (void)state;
    sim_catalog *cat = sim_catalog_alloc("company", 1, 0);
    assert_int_equal(sim_catalog_add_table(cat, "tick", "ticks"), 0);
    sim_record *x = sim_record_alloc(cat), *y = sim_record_alloc(cat);
    for (int i = 0; i < 5; i++)
        assert_int_equal(sim_record_table_append(x, 0, NULL), SIM_OK);
    size_t size;
    unsigned char *buf = pack(x, &size);
    sim_error err;
    assert_int_equal(sim_record_unpack(y, buf, size, &err), SIM_OK);
    assert_int_equal(sim_record_table_rows(y, 0), 5);
    uint64_t huge = (uint64_t)1 << 40;
    memcpy(buf + 8 * 5, &huge, 8);
    assert_int_equal(sim_record_unpack(y, buf, size, &err), SIM_INVALID);
    assert_int_equal(sim_record_table_rows(y, 0), 0);
    free(buf);
    sim_record_free(x);
    sim_record_free(y);
    sim_catalog_free(cat);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_bit_exact),
        cmocka_unit_test(test_pack_refuses_small_buffer),
        cmocka_unit_test(test_unpack_refuses_malformed),
        cmocka_unit_test(test_unpack_refuses_other_layout),
        cmocka_unit_test(test_unpack_bounds_rows_without_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
