/*
 * Unit tests of the pure design generators (sim_design) and the CSV reader (sim_csv):
 * grid counts, bounds and order; Latin hypercube stratification, reproducibility and
 * column stability; Sobol points against gsl_qrng_sobol itself; Saltelli's matrix shape and
 * blocks; CSV quoting, places and every syntax error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_qrng.h>

#include "sim_csv.h"
#include "sim_design.h"

/* ---- grid ---- */

static void test_grid_count(void **state)
{
    (void)state;
    size_t counts[] = {2, 3, 7}, n = 99;
    assert_int_equal(sim_design_grid_count(counts, 3, 1000, &n), SIM_OK);
    assert_int_equal(n, 42);
    assert_int_equal(sim_design_grid_count(counts, 0, 1000, &n), SIM_OK);
    assert_int_equal(n, 1); /* the empty product */
    assert_int_equal(sim_design_grid_count(counts, 3, 42, &n), SIM_OK);
    assert_int_equal(sim_design_grid_count(counts, 3, 41, &n), SIM_INVALID);
    assert_int_equal(n, 0);
    size_t zero[] = {3, 0};
    assert_int_equal(sim_design_grid_count(zero, 2, 1000, &n), SIM_INVALID);
    /* A product that overflows size_t is refused, not wrapped. */
    size_t huge[] = {SIZE_MAX / 2, 3};
    assert_int_equal(sim_design_grid_count(huge, 2, SIZE_MAX, &n), SIM_INVALID);
    size_t many[64];
    for (size_t i = 0; i < 64; i++)
        many[i] = 2;
    assert_int_equal(sim_design_grid_count(many, 64, 10000000u, &n), SIM_INVALID);
}

static void test_grid_order(void **state)
{
    (void)state;
    size_t counts[] = {2, 2, 3}, idx[3];
    sim_design_grid_point(counts, 3, 0, idx);
    assert_true(idx[0] == 0 && idx[1] == 0 && idx[2] == 0);
    sim_design_grid_point(counts, 3, 1, idx);
    assert_true(idx[0] == 0 && idx[1] == 0 && idx[2] == 1); /* last factor fastest */
    sim_design_grid_point(counts, 3, 3, idx);
    assert_true(idx[0] == 0 && idx[1] == 1 && idx[2] == 0);
    sim_design_grid_point(counts, 3, 11, idx);
    assert_true(idx[0] == 1 && idx[1] == 1 && idx[2] == 2);
    /* Every combination exactly once. */
    int seen[2][2][3] = {{{0}}};
    for (size_t d = 0; d < 12; d++) {
        sim_design_grid_point(counts, 3, d, idx);
        seen[idx[0]][idx[1]][idx[2]]++;
    }
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++)
            for (int c = 0; c < 3; c++)
                assert_int_equal(seen[a][b][c], 1);
}

/* ---- Latin hypercube ---- */

static void assert_stratified(const double *u, size_t n, size_t k)
{
    int *hit = calloc(n, sizeof *hit);
    assert_non_null(hit);
    for (size_t j = 0; j < k; j++) {
        memset(hit, 0, n * sizeof *hit);
        for (size_t i = 0; i < n; i++) {
            double x = u[i * k + j];
            size_t s = (size_t)floor(x * (double)n);
            if (!(x >= 0.0 && x < 1.0 && s < n))
                fail_msg("column %zu point %zu: %.17g outside [0, 1)", j, i, x);
            /* Inside its stratum [s/n, (s+1)/n). */
            assert_true(x >= (double)s / (double)n && x < (double)(s + 1) / (double)n);
            hit[s]++;
        }
        for (size_t s = 0; s < n; s++)
            if (hit[s] != 1)
                fail_msg("column %zu stratum %zu hit %d times", j, s, hit[s]);
    }
    free(hit);
}

static void test_lhs_stratified(void **state)
{
    (void)state;
    size_t sizes[] = {1, 2, 7, 64, 1000};
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++) {
        size_t n = sizes[t], k = 5;
        double *u = malloc(n * k * sizeof *u);
        assert_non_null(u);
        assert_int_equal(sim_design_lhs(n, k, 42, u), SIM_OK);
        assert_stratified(u, n, k);
        free(u);
    }
}

static void test_lhs_reproducible(void **state)
{
    (void)state;
    size_t n = 40;
    double a[40 * 3], b[40 * 3], c[40 * 3], wide[40 * 6];
    assert_int_equal(sim_design_lhs(n, 3, 7, a), SIM_OK);
    assert_int_equal(sim_design_lhs(n, 3, 7, b), SIM_OK);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(sim_design_lhs(n, 3, 8, c), SIM_OK);
    size_t same = 0;
    for (size_t i = 0; i < n * 3; i++)
        same += a[i] == c[i];
    assert_int_equal(same, 0);
    /* A column has its own stream: adding factors leaves the first ones unchanged. */
    assert_int_equal(sim_design_lhs(n, 6, 7, wide), SIM_OK);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < 3; j++)
            assert_true(wide[i * 6 + j] == a[i * 3 + j]);
    /* Columns are not copies of each other. */
    size_t equal_cols = 0;
    for (size_t i = 0; i < n; i++)
        equal_cols += a[i * 3] == a[i * 3 + 1];
    assert_true(equal_cols < n);
}

/* ---- Sobol and Saltelli ---- */

static void test_sobol_matches_gsl(void **state)
{
    (void)state;
    size_t n = 100, dims = 7;
    double *u = malloc(n * dims * sizeof *u), ref[7];
    assert_non_null(u);
    assert_int_equal(sim_design_sobol(n, dims, u), SIM_OK);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dims);
    for (size_t i = 0; i < n; i++) {
        gsl_qrng_get(q, ref);
        for (size_t j = 0; j < dims; j++)
            assert_true(u[i * dims + j] == ref[j]);
    }
    gsl_qrng_free(q);
    /* The sequence starts at (0.5, ...): the all-zero point is not a design point. */
    for (size_t j = 0; j < dims; j++)
        assert_float_equal(u[j], 0.5, 0.0);
    assert_float_equal(u[dims], 0.75, 0.0);
    assert_float_equal(u[dims + 1], 0.25, 0.0);
    free(u);
}

static void test_sobol_bounds(void **state)
{
    (void)state;
    double u[2 * 40];
    assert_int_equal(sim_design_sobol(2, 0, u), SIM_INVALID);
    assert_int_equal(sim_design_sobol(2, 41, u), SIM_INVALID);
    assert_int_equal(sim_design_sobol(2, 40, u), SIM_OK);
    assert_int_equal(sim_design_saltelli(2, 0, u), SIM_INVALID);
    assert_int_equal(sim_design_saltelli(2, 21, u), SIM_INVALID);
}

static void test_saltelli_matrix(void **state)
{
    (void)state;
    size_t n = 16, k = 3, rows = n * (k + 2);
    double *u = malloc(rows * k * sizeof *u), *ab = malloc(n * 2 * k * sizeof *ab);
    assert_non_null(u);
    assert_non_null(ab);
    for (size_t i = 0; i < rows * k; i++)
        u[i] = -1.0;
    assert_int_equal(sim_design_saltelli(n, k, u), SIM_OK);
    assert_int_equal(sim_design_sobol(n, 2 * k, ab), SIM_OK);
    for (size_t j = 0; j < n; j++) {
        const double *a = ab + j * 2 * k, *b = a + k;
        for (size_t c = 0; c < k; c++) {
            assert_true(u[j * k + c] == a[c]);       /* A */
            assert_true(u[(n + j) * k + c] == b[c]); /* B */
            for (size_t i = 0; i < k; i++)           /* AB_i: A with column i from B */
                assert_true(u[((2 + i) * n + j) * k + c] == (c == i ? b[c] : a[c]));
        }
    }
    for (size_t i = 0; i < rows * k; i++)
        assert_true(u[i] >= 0.0 && u[i] < 1.0); /* every row written */
    free(u);
    free(ab);
}

/* ---- CSV ---- */

static sim_csv *parse(const char *text, sim_csv_error *err)
{
    sim_csv *csv = NULL;
    sim_status st = sim_csv_parse(text, strlen(text), 100, 10, &csv, err);
    if (st != SIM_OK)
        fail_msg("parse failed at %u:%u: %s", err->line, err->col, err->msg);
    return csv;
}

static void assert_cell(const sim_csv *csv, size_t r, size_t c, const char *text, unsigned line,
                        unsigned col, int quoted)
{
    const sim_csv_cell *cell = sim_csv_cell_at(csv, r, c);
    assert_non_null(cell);
    assert_string_equal(cell->text, text);
    if (cell->line != line || cell->col != col)
        fail_msg("cell %zu,%zu at %u:%u, expected %u:%u", r, c, cell->line, cell->col, line, col);
    assert_int_equal(cell->quoted, quoted);
}

static void test_csv_parse(void **state)
{
    (void)state;
    sim_csv_error err;
    sim_csv *csv = parse("a.b,\"c,d\" , e\r\n"
                         "\n"
                         "  1.5 ,\"say \"\"hi\"\"\",x\n"
                         "2,\"two\nlines\",\n"
                         "3,,\"\"",
                         &err);
    assert_int_equal(sim_csv_rows(csv), 4);
    assert_int_equal(sim_csv_cols(csv, 0), 3);
    assert_cell(csv, 0, 0, "a.b", 1, 1, 0);
    assert_cell(csv, 0, 1, "c,d", 1, 5, 1);
    assert_cell(csv, 0, 2, "e", 1, 13, 0);
    assert_int_equal(sim_csv_row_line(csv, 1), 3); /* the blank line is skipped */
    assert_cell(csv, 1, 0, "1.5", 3, 3, 0);
    assert_cell(csv, 1, 1, "say \"hi\"", 3, 8, 1);
    assert_cell(csv, 2, 1, "two\nlines", 4, 3, 1);
    assert_cell(csv, 2, 2, "", 5, 8, 0); /* after the line break inside quotes */
    assert_int_equal(sim_csv_row_line(csv, 3), 6);
    assert_cell(csv, 3, 1, "", 6, 3, 0);
    assert_cell(csv, 3, 2, "", 6, 4, 1);
    assert_null(sim_csv_cell_at(csv, 3, 3));
    assert_null(sim_csv_cell_at(csv, 4, 0));
    assert_int_equal(sim_csv_cols(csv, 9), 0);
    sim_csv_free(csv);
    csv = parse("", &err);
    assert_int_equal(sim_csv_rows(csv), 0);
    sim_csv_free(csv);
    sim_csv_free(NULL);
}

static void assert_csv_error(const char *text, size_t len, unsigned line, unsigned col,
                             const char *want)
{
    sim_csv *csv = (sim_csv *)&csv;
    sim_csv_error err = {0, 0, ""};
    assert_int_equal(sim_csv_parse(text, len, 3, 4, &csv, &err), SIM_INVALID);
    assert_null(csv);
    if (err.line != line || err.col != col || strstr(err.msg, want) == NULL)
        fail_msg("got %u:%u: %s; expected %u:%u: ...%s...", err.line, err.col, err.msg, line, col,
                 want);
}

static void test_csv_errors(void **state)
{
    (void)state;
    assert_csv_error("a,b\n1,\"open\n", 12, 2, 3, "unterminated quoted field");
    assert_csv_error("a,b\n\"x\"y,2\n", 11, 2, 4, "text after a closing quote");
    assert_csv_error("a,b\nx\"y,2\n", 10, 2, 2, "quote inside an unquoted field");
    assert_csv_error("a,b\n1,\0\n", 7, 2, 3, "NUL byte");
    assert_csv_error("a,\"b\0\"\n", 7, 1, 5, "NUL byte");
    assert_csv_error("a\nb\nc\nd\n", 8, 4, 1, "more than 3 records");
    assert_csv_error("a,b,c,d,e\n", 10, 1, 9, "more than 4 fields");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_count),        cmocka_unit_test(test_grid_order),
        cmocka_unit_test(test_lhs_stratified),    cmocka_unit_test(test_lhs_reproducible),
        cmocka_unit_test(test_sobol_matches_gsl), cmocka_unit_test(test_sobol_bounds),
        cmocka_unit_test(test_saltelli_matrix),   cmocka_unit_test(test_csv_parse),
        cmocka_unit_test(test_csv_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
