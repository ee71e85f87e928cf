/*
 * an_results and an_select on the constructed file of an_fixture.h (every value known), and
 * on files that are missing, not HDF5, truncated, foreign, or ecotwin files damaged on
 * purpose: each gives the documented status and a message that names the problem.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include "an_fixture.h"
#include "an_results.h"
#include "an_select.h"
#include "an_stats.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    an_results *r;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/test_an_results.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/fixture.h5", f->dir);
    if (an_fix_write(f->path, 0, 1) != 0)
        return -1;
    sim_error err;
    f->r = an_results_open(f->path, &err);
    if (f->r == NULL) {
        fprintf(stderr, "open: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    an_results_close(f->r);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static void test_layout(void **state)
{
    fixture *f = *state;
    an_results *r = f->r;
    assert_int_equal(an_results_n_runs(r), AN_FIX_RUNS);
    assert_int_equal(an_results_n_complete(r), AN_FIX_RUNS - 1);
    assert_int_equal(an_results_run_status(r, AN_FIX_FAILED_RUN), 2);
    assert_int_equal(an_results_crn(r), 1);
    assert_int_equal(an_results_complete(r), 1);
    assert_string_equal(an_results_attr(r, "kind"), "sweep");
    assert_null(an_results_attr(r, "no_such_attribute"));
    assert_int_equal(an_results_n_variants(r), 2);
    assert_string_equal(an_results_variant_name(r, 1), "autarky");
    assert_int_equal(an_results_find_variant(r, "ecosystem"), 0);
    assert_int_equal(an_results_find_variant(r, "nope"), -1);
    assert_int_equal(an_results_n_designs(r), 2);
    assert_int_equal(an_results_n_factors(r), 1);
    assert_string_equal(an_results_factor(r, 0)->var, "param_x");
    assert_string_equal(an_results_factor(r, 0)->path, "companies.oem.x");
    assert_null(an_results_factor(r, 0)->levels);
    assert_int_equal(an_results_find_factor(r, "companies.oem.x"), 0);
    assert_float_equal(an_results_factor_value(r, 1, 0), 1.5, 0);
    for (size_t run = 0; run < AN_FIX_RUNS; run++) {
        assert_int_equal(an_results_run_design(r, run), (int64_t)(run / 8));
        assert_int_equal(an_results_run_replication(r, run), (int64_t)((run / 2) % 4));
        assert_int_equal(an_results_run_variant(r, run), (int32_t)(run % 2));
    }
    assert_string_equal(an_results_entity_dim(r), "company");
    assert_int_equal(an_results_n_entities(r), 2);
    assert_string_equal(an_results_entity_name(r, 1), "supplier");
    assert_int_equal(an_results_find_entity(r, "oem"), 0);
    assert_int_equal(an_results_n_time(r), 2);
    assert_float_equal(an_results_time(r)[1], 24.0, 0);
}

static void test_variables(void **state)
{
    fixture *f = *state;
    an_results *r = f->r;
    assert_int_equal(an_results_n_vars(r), AN_FIX_VARS);
    /* In the catalog's order (the file tracks creation order). */
    for (size_t i = 0; i < AN_FIX_VARS; i++)
        assert_string_equal(an_results_var(r, i)->name, an_fix_vars[i].name);
    static const an_shape shapes[AN_FIX_VARS] = {
        AN_SHAPE_RUN, AN_SHAPE_RUN_ENTITY, AN_SHAPE_RUN_ENTITY, AN_SHAPE_RUN, AN_SHAPE_RUN_TIME};
    for (size_t i = 0; i < AN_FIX_VARS; i++) {
        int v = an_results_find_var(r, an_fix_vars[i].name);
        assert_true(v >= 0);
        assert_int_equal(an_results_var(r, (size_t)v)->shape, shapes[i]);
        assert_string_equal(an_results_var(r, (size_t)v)->units, an_fix_vars[i].units);
    }
    assert_int_equal(an_results_find_var(r, "run_status"), -1);
    assert_int_equal(an_results_find_var(r, "param_x"), -1);
    assert_string_equal(an_results_suggest_var(r, "iov_ecosytem"), "iov_ecosystem");
    assert_string_equal(an_results_suggest_var(r, "valu"), "value");
    assert_null(an_results_suggest_var(r, "completely_different"));
}

static void test_read_values(void **state)
{
    fixture *f = *state;
    an_results *r = f->r;
    double out[AN_FIX_RUNS];
    sim_error err;
    int value = an_results_find_var(r, "value"), co = an_results_find_var(r, "value_co");
    int series = an_results_find_var(r, "series");
    assert_int_equal(an_results_read(r, (size_t)value, 0, 0, out, &err), SIM_OK);
    for (size_t run = 0; run < AN_FIX_RUNS; run++)
        if (run == AN_FIX_FAILED_RUN)
            assert_true(isnan(out[run]));
        else
            assert_float_equal(out[run], an_fix_value(run), 0);
    assert_int_equal(an_results_read(r, (size_t)co, 1, 0, out, &err), SIM_OK);
    assert_float_equal(out[3], 2 * an_fix_value(3), 0);
    assert_int_equal(an_results_read(r, (size_t)series, 0, 1, out, &err), SIM_OK);
    assert_float_equal(out[5], an_fix_value(5) + 1, 0);
    assert_int_equal(an_results_read(r, (size_t)co, 2, 0, out, &err), SIM_INVALID);
    assert_int_equal(an_results_read(r, (size_t)value, 1, 0, out, &err), SIM_INVALID);
    assert_int_equal(an_results_read(r, (size_t)series, 0, 2, out, &err), SIM_INVALID);
    assert_int_equal(an_results_read(r, 99, 0, 0, out, &err), SIM_INVALID);
}

static void test_selectors(void **state)
{
    fixture *f = *state;
    an_results *r = f->r;
    sim_error err;
    an_sel *s = an_sel_parse(r, "variant=autarky,design_point=1", &err);
    assert_non_null(s);
    char *label = an_sel_label(s, r);
    assert_string_equal(label, "design_point=1,variant=autarky");
    free(label);
    assert_true(an_sel_matches(s, r, an_fix_run(1, 2, 1)));
    assert_false(an_sel_matches(s, r, an_fix_run(1, 2, 0)));
    assert_false(an_sel_matches(s, r, an_fix_run(0, 2, 1)));
    assert_int_equal(an_sel_design(s), 1);
    an_sel *t = an_sel_parse(r, "companies.oem.x=1.5", &err);
    assert_non_null(t);
    label = an_sel_label(t, r);
    assert_string_equal(label, "param_x=1.5");
    free(label);
    assert_true(an_sel_matches(t, r, an_fix_run(1, 0, 0)));
    assert_false(an_sel_matches(t, r, an_fix_run(0, 0, 0)));
    an_sel *both = an_sel_and(s, t);
    label = an_sel_label(both, r);
    assert_string_equal(label, "design_point=1,param_x=1.5,variant=autarky");
    free(label);
    an_sel *zero = an_sel_parse(r, "design_point=0", &err);
    an_sel *none = an_sel_and(both, zero);
    assert_false(an_sel_matches(none, r, an_fix_run(0, 0, 1)));
    assert_false(an_sel_matches(none, r, an_fix_run(1, 0, 1)));
    an_sel *all = an_sel_parse(r, NULL, &err);
    label = an_sel_label(all, r);
    assert_string_equal(label, "");
    free(label);
    assert_true(an_sel_matches(all, r, 0));
    an_sel_free(all);
    an_sel_free(none);
    an_sel_free(zero);
    an_sel_free(both);
    an_sel_free(t);
    an_sel_free(s);
}

static void expect_bad_selector(an_results *r, const char *text, const char *message)
{
    sim_error err;
    sim_error_clear(&err);
    an_sel *s = an_sel_parse(r, text, &err);
    if (s != NULL)
        fail_msg("selector '%s' was accepted", text);
    assert_int_equal(err.status, SIM_USAGE);
    if (strstr(err.msg, message) == NULL)
        fail_msg("selector '%s': message '%s' lacks '%s'", text, err.msg, message);
}

static void test_bad_selectors(void **state)
{
    fixture *f = *state;
    expect_bad_selector(f->r, "colour=red",
                        "unknown selector key 'colour' (keys: design_point, "
                        "variant, param_x)");
    expect_bad_selector(f->r, "variant=nope", "no such variant (the file has: ecosystem, autarky)");
    expect_bad_selector(f->r, "design_point=2", "expected an index 0..1");
    expect_bad_selector(f->r, "design_point=x", "expected an index");
    expect_bad_selector(f->r, "param_x=abc", "param_x=abc: expected a number");
    expect_bad_selector(f->r, "variant", "expected key=value");
}

static void check_group(const an_groups *g, const an_results *r, size_t i, const char *label,
                        size_t n)
{
    char *text = an_sel_label(an_groups_sel(g, i), r);
    assert_string_equal(text, label);
    free(text);
    assert_int_equal(an_groups_n_runs(g, i), n);
    const size_t *runs = an_groups_runs(g, i);
    for (size_t k = 1; k < n; k++)
        assert_true(an_results_run_replication(r, runs[k - 1]) <=
                    an_results_run_replication(r, runs[k]));
}

static void test_groups(void **state)
{
    fixture *f = *state;
    an_results *r = f->r;
    sim_error err;
    an_groups *g = an_groups_make(r, NULL, NULL, &err);
    assert_non_null(g);
    assert_int_equal(an_groups_count(g), 4);
    assert_int_equal(an_groups_n_keys(g), 2);
    assert_string_equal(an_groups_key(g, 0), "design_point");
    check_group(g, r, 0, "design_point=0,variant=ecosystem", 4);
    check_group(g, r, 1, "design_point=0,variant=autarky", 4);
    check_group(g, r, 2, "design_point=1,variant=ecosystem", 3);
    check_group(g, r, 3, "design_point=1,variant=autarky", 4);
    /* The known means: 100 + 10 d + mean(noise) 2 (+ delta + mean(extra) 0.5). */
    double values[AN_FIX_RUNS], x[AN_FIX_RUNS];
    int value = an_results_find_var(r, "value");
    assert_int_equal(an_results_read(r, (size_t)value, 0, 0, values, &err), SIM_OK);
    const size_t *runs = an_groups_runs(g, 0);
    for (size_t k = 0; k < 4; k++)
        x[k] = values[runs[k]];
    an_summary s;
    an_stats_summary(x, 4, 0.95, &s);
    assert_float_equal(s.mean, 107.5, 1e-12);
    an_groups_free(g);

    g = an_groups_make(r, "param_x", NULL, &err);
    assert_non_null(g);
    assert_int_equal(an_groups_count(g), 2);
    check_group(g, r, 0, "param_x=0.5", 8);
    check_group(g, r, 1, "param_x=1.5", 7);
    an_groups_free(g);

    an_sel *within = an_sel_parse(r, "variant=autarky", &err);
    g = an_groups_make(r, "none", within, &err);
    assert_int_equal(an_groups_count(g), 1);
    check_group(g, r, 0, "variant=autarky", 8);
    an_groups_free(g);
    an_sel_free(within);

    assert_null(an_groups_make(r, "design_point,colour", NULL, &err));
    assert_int_equal(err.status, SIM_USAGE);
    assert_non_null(strstr(err.msg, "--by: unknown key 'colour'"));
}

/* ---- files that are not what they claim ---- */

static void expect_refused(const char *path, sim_status want, const char *message)
{
    sim_error err;
    sim_error_clear(&err);
    an_results *r = an_results_open(path, &err);
    if (r != NULL) {
        an_results_close(r);
        fail_msg("%s was accepted", path);
    }
    if (err.status != want || strstr(err.msg, message) == NULL)
        fail_msg("%s: status %d '%s', expected %d with '%s'", path, (int)err.status, err.msg,
                 (int)want, message);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

static void test_missing_text_truncated(void **state)
{
    fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/missing.h5", f->dir);
    expect_refused(path, SIM_NOINPUT, "cannot open");
    snprintf(path, sizeof path, "%s/text.h5", f->dir);
    write_bytes(path, "just some text\n", 15);
    expect_refused(path, SIM_IO, "is not a readable HDF5 file");
    /* The first 2 KiB of a real results file. */
    char head[2048];
    FILE *fp = fopen(f->path, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(head, 1, sizeof head, fp), sizeof head);
    fclose(fp);
    snprintf(path, sizeof path, "%s/truncated.h5", f->dir);
    write_bytes(path, head, sizeof head);
    expect_refused(path, SIM_IO, "is not a readable HDF5 file");
    expect_refused(f->dir, SIM_IO, "is a directory");
}

static void test_foreign_hdf5(void **state)
{
    fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/foreign.h5", f->dir);
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t n = 4;
    double data[4] = {1, 2, 3, 4};
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t ds =
        H5Dcreate2(file, "data", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    H5Dclose(ds);
    H5Sclose(space);
    H5Fclose(file);
    expect_refused(path, SIM_NOINPUT, "not an ecotwin results file");
}

/* A copy of the fixture, changed by edit through the HDF5 API. */
static void damaged_copy(const fixture *f, const char *name, void (*edit)(hid_t file), char *path,
                         size_t cap)
{
    char cmd[400];
    snprintf(path, cap, "%s/%s.h5", f->dir, name);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", f->path, path);
    assert_int_equal(system(cmd), 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    edit(file);
    assert_true(H5Fclose(file) >= 0);
}

static void drop_replication(hid_t file)
{
    assert_true(H5Ldelete(file, "replication", H5P_DEFAULT) >= 0);
}

static void design_out_of_range(hid_t file)
{
    int64_t design[AN_FIX_RUNS];
    for (size_t i = 0; i < AN_FIX_RUNS; i++)
        design[i] = 7;
    hid_t ds = H5Dopen2(file, "design", H5P_DEFAULT);
    assert_true(H5Dwrite(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, design) >= 0);
    H5Dclose(ds);
}

static void drop_variant_names(hid_t file)
{
    hid_t ds = H5Dopen2(file, "variant", H5P_DEFAULT);
    assert_true(H5Adelete(ds, "flag_meanings") >= 0);
    H5Dclose(ds);
}

/* A run variable 3 runs long, attached to the run dimension of 16. */
static void short_variable(hid_t file)
{
    hsize_t n = 3;
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t ds =
        H5Dcreate2(file, "short_one", H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t run = H5Dopen2(file, "run", H5P_DEFAULT);
    assert_true(H5DSattach_scale(ds, run, 0) >= 0);
    H5Dclose(run);
    H5Dclose(ds);
    H5Sclose(space);
}

/* A (run, company) variable 3 companies wide in a file of 2 (wide), or a (run, ?) variable
 * whose second axis has no dimension (odd: skipped, not an error). */
static void add_2d(hid_t file, const char *name, hsize_t cols, const char *scale)
{
    hsize_t n[2] = {AN_FIX_RUNS, cols};
    hid_t space = H5Screate_simple(2, n, NULL);
    hid_t ds = H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t run = H5Dopen2(file, "run", H5P_DEFAULT);
    assert_true(H5DSattach_scale(ds, run, 0) >= 0);
    H5Dclose(run);
    if (scale != NULL) {
        hid_t dim = H5Dopen2(file, scale, H5P_DEFAULT);
        assert_true(H5DSattach_scale(ds, dim, 1) >= 0);
        H5Dclose(dim);
    }
    H5Dclose(ds);
    H5Sclose(space);
}

static void wide_variable(hid_t file)
{
    add_2d(file, "wide", 3, "company");
}

static void odd_variable(hid_t file)
{
    add_2d(file, "odd", 5, NULL);
}

/* replication re-made with 2 values. */
static void short_replication(hid_t file)
{
    assert_true(H5Ldelete(file, "replication", H5P_DEFAULT) >= 0);
    hsize_t n = 2;
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t ds = H5Dcreate2(file, "replication", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT);
    H5Dclose(ds);
    H5Sclose(space);
}

static void test_damaged_ecotwin_files(void **state)
{
    fixture *f = *state;
    char path[200];
    damaged_copy(f, "no_replication", drop_replication, path, sizeof path);
    expect_refused(path, SIM_IO, "damaged results file: no numeric replication(run)");
    damaged_copy(f, "short_replication", short_replication, path, sizeof path);
    expect_refused(path, SIM_IO, "run_status has 16 runs but replication 2");
    damaged_copy(f, "bad_design", design_out_of_range, path, sizeof path);
    expect_refused(path, SIM_IO, "damaged results file: design of run 0 is 7");
    damaged_copy(f, "no_variant_names", drop_variant_names, path, sizeof path);
    expect_refused(path, SIM_IO, "variant has no usable flag_meanings");
    damaged_copy(f, "short_variable", short_variable, path, sizeof path);
    expect_refused(path, SIM_IO, "variable short_one has shape 3 x 1");
    damaged_copy(f, "wide_variable", wide_variable, path, sizeof path);
    expect_refused(path, SIM_IO, "variable wide has shape 16 x 3");
    damaged_copy(f, "odd_variable", odd_variable, path, sizeof path);
    sim_error err;
    an_results *r = an_results_open(path, &err);
    assert_non_null(r);
    assert_int_equal(an_results_find_var(r, "odd"), -1);
    assert_int_equal(an_results_n_vars(r), AN_FIX_VARS);
    an_results_close(r);
}

/* An ecotwin-looking file that claims more runs than AN_MAX_RUNS (chunked, never written:
 * the file is small, the claim is not). */
static void test_too_many_runs(void **state)
{
    fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/huge.h5", f->dir);
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t n = AN_MAX_RUNS + 1, chunk = 1 << 20;
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, &chunk);
    hid_t ds = H5Dcreate2(file, "run_status", H5T_STD_I8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    hid_t tspace = H5Screate(H5S_SCALAR);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 5);
    hid_t attr = H5Acreate2(file, "ecotwin_version", type, tspace, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attr, type, "0.1.0");
    H5Aclose(attr);
    H5Tclose(type);
    H5Sclose(tspace);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(file);
    expect_refused(path, SIM_IO, "claims 67108865 runs");
}

static void test_incomplete_and_independent(void **state)
{
    fixture *f = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/independent.h5", f->dir);
    assert_int_equal(an_fix_write(path, 1, 0), 0);
    sim_error err;
    an_results *r = an_results_open(path, &err);
    assert_non_null(r);
    assert_int_equal(an_results_crn(r), 0);
    assert_int_equal(an_results_complete(r), 0);
    assert_int_equal(an_results_n_complete(r), AN_FIX_RUNS - 1);
    an_results_close(r);
    an_results_close(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_variables),
        cmocka_unit_test(test_read_values),
        cmocka_unit_test(test_selectors),
        cmocka_unit_test(test_bad_selectors),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_missing_text_truncated),
        cmocka_unit_test(test_foreign_hdf5),
        cmocka_unit_test(test_damaged_ecotwin_files),
        cmocka_unit_test(test_too_many_runs),
        cmocka_unit_test(test_incomplete_and_independent),
    };
    sim_h5_quiet();
    return cmocka_run_group_tests(tests, setup, teardown);
}
