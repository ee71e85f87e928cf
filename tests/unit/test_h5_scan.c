/*
 * sim_h5_vars_scan: every value of every dataset it can read is read once, chunk by chunk,
 * and a damaged chunk anywhere (the last one of a dataset included) is a failure naming the
 * dataset, while datasets nothing reads are skipped and a dataset larger than its file could
 * hold is refused without being read. Files are made with the HDF5 API directly, so that
 * chunk shapes, classes and damage are under the test's control.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <hdf5.h>
#include <time.h>
#include <unistd.h>

#include "sim_h5.h"

enum { ROWS = 5, COLS = 3000 };

static char path[256];

static int setup(void **state)
{
    (void)state;
    const char *dir = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
    snprintf(path, sizeof path, "%s/test_h5_scan_%ld.h5", dir, (long)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

/* A new file that readers take for a results file: it has the ecotwin_version attribute. */
static hid_t new_file(void)
{
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 4);
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(file, "ecotwin_version", type, space, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(attr >= 0 && H5Awrite(attr, type, "test") >= 0);
    H5Aclose(attr);
    H5Sclose(space);
    H5Tclose(type);
    return file;
}

/* A chunked dataset of doubles, one compressed chunk per row, every value written. */
static void add_rows(hid_t file, const char *name, hsize_t rows, hsize_t cols)
{
    hsize_t dims[2] = {rows, cols}, chunk[2] = {1, cols};
    hid_t space = H5Screate_simple(2, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    assert_true(H5Pset_chunk(dcpl, 2, chunk) >= 0);
    assert_true(H5Pset_deflate(dcpl, 1) >= 0);
    hid_t ds = H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(ds >= 0);
    double *values = malloc(rows * cols * sizeof *values);
    assert_non_null(values);
    for (hsize_t i = 0; i < rows * cols; i++)
        values[i] = (double)(i % 977) * 0.5;
    assert_true(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0);
    free(values);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
}

static void add_plain(hid_t file, const char *name, hid_t type, int rank, const hsize_t *dims,
                      const void *data)
{
    hid_t space = H5Screate_simple(rank, dims, NULL);
    hid_t ds = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(ds >= 0);
    if (data != NULL)
        assert_true(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    H5Dclose(ds);
    H5Sclose(space);
}

/* Numbers, integers and text the scan reads; a rank-5 and a compound dataset it skips. */
static void make_file(void)
{
    hid_t file = new_file();
    add_rows(file, "series", ROWS, COLS);
    int32_t ints[4] = {1, -2, 3, 4};
    hsize_t n4 = 4;
    add_plain(file, "status", H5T_STD_I32LE, 1, &n4, ints);
    char text[2][8] = {"failed", "ok"};
    hsize_t tdims[2] = {2, 8};
    hid_t c1 = H5Tcopy(H5T_C_S1);
    add_plain(file, "message", c1, 2, tdims, text);
    H5Tclose(c1);
    hsize_t five[5] = {1, 1, 1, 1, 2};
    double two[2] = {1, 2};
    add_plain(file, "rank5", H5T_NATIVE_DOUBLE, 5, five, two);
    hid_t pair = H5Tcreate(H5T_COMPOUND, 2 * sizeof(double));
    H5Tinsert(pair, "a", 0, H5T_NATIVE_DOUBLE);
    H5Tinsert(pair, "b", sizeof(double), H5T_NATIVE_DOUBLE);
    hsize_t one = 1;
    add_plain(file, "pair", pair, 1, &one, two);
    H5Tclose(pair);
    add_rows(file, "later", 2, 10);
    H5Fclose(file);
}

/* Overwrite the stored bytes of chunk (row, 0) of dataset name with garbage. */
static void damage_chunk(const char *name, hsize_t row)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    hsize_t coord[2] = {row, 0}, size = 0;
    haddr_t addr = 0;
    unsigned mask = 0;
    assert_true(H5Dget_chunk_info_by_coord(ds, coord, &mask, &addr, &size) >= 0);
    H5Dclose(ds);
    H5Fclose(file);
    assert_true(size > 16);
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    char junk[64];
    memset(junk, 0xA5, sizeof junk);
    assert_int_equal(pwrite(fd, junk, sizeof junk, (off_t)addr + 2), (ssize_t)sizeof junk);
    close(fd);
}

static sim_status scan_some(sim_h5_vars_pick pick, sim_error *err)
{
    sim_error_clear(err);
    sim_h5_vars *v = sim_h5_vars_open(path, err);
    assert_non_null(v);
    sim_status st = sim_h5_vars_scan(v, pick, NULL, err);
    sim_h5_vars_close(v);
    return st;
}

static sim_status scan(sim_error *err)
{
    return scan_some(NULL, err);
}

static bool not_series(const sim_h5_vinfo *info, void *ctx)
{
    (void)ctx;
    return strcmp(info->name, "series") != 0;
}

static void test_scan_clean_file(void **state)
{
    (void)state;
    make_file();
    sim_error err;
    sim_status st = scan(&err);
    assert_int_equal(st, SIM_OK);
}

/* The last chunk of a dataset read tile by tile: reached, and the failure names it. */
static void test_scan_finds_last_chunk(void **state)
{
    (void)state;
    make_file();
    damage_chunk("series", ROWS - 1);
    sim_error err;
    sim_status st = scan(&err);
    assert_int_equal(st, SIM_IO);
    if (strstr(err.msg, "cannot read series") == NULL)
        fail_msg("message: %s", err.msg);
}

/* Only the datasets picked are read. */
static void test_scan_picks(void **state)
{
    (void)state;
    make_file();
    damage_chunk("series", 2);
    sim_error err;
    assert_int_equal(scan_some(not_series, &err), SIM_OK);
    assert_int_equal(scan(&err), SIM_IO);
}

/* A chunk of more values than one read holds is read in parts; the parts cover it. */
static void test_scan_big_chunk(void **state)
{
    (void)state;
    hid_t file = new_file();
    hsize_t cols = (hsize_t)SIM_H5_SCAN_BLOCK + 1000;
    add_rows(file, "wide", 2, cols);
    H5Fclose(file);
    sim_error err;
    assert_int_equal(scan(&err), SIM_OK);
    damage_chunk("wide", 1);
    assert_int_equal(scan(&err), SIM_IO);
}

/* Extents no file of this size could hold (never written: fill values) are refused at
 * once, not read for minutes. */
static void test_scan_refuses_huge_extent(void **state)
{
    (void)state;
    hid_t file = new_file();
    hsize_t dims[1] = {(hsize_t)1 << 40}, chunk[1] = {1024};
    hid_t space = H5Screate_simple(1, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, chunk);
    hid_t ds = H5Dcreate2(file, "huge", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(ds >= 0);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(file);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sim_error err;
    assert_int_equal(scan(&err), SIM_IO);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (strstr(err.msg, "huge has 1099511627776 values, more than a file of this size") == NULL)
        fail_msg("message: %s", err.msg);
    /* Not read: reading 2^40 fill values would take hours. */
    assert_true(t1.tv_sec - t0.tv_sec < 60);
}

int main(void)
{
    sim_h5_quiet();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scan_clean_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_finds_last_chunk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_picks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_big_chunk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scan_refuses_huge_extent, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
