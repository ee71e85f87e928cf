/*
 * Tests of sim_h5: the layout read back with the plain HDF5 API value by value, crash
 * safety (a writer killed with SIGKILL), every error path of create/write/close, the
 * inspector on good, interrupted, foreign, hostile and non-HDF5 files, event tables, the
 * design points of a sweep, and the reader (round trip, killed writer, damaged tables,
 * catalog mismatches, foreign files).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "h5_fixture.h"
#include "sim_h5.h"
#include "sim_h5_internal.h"
#include "sim_model.h"
#include "sim_version.h"

#define PATH_LEN 512

typedef struct fixture {
    char dir[PATH_LEN / 2];
    sim_catalog *cat;
    sim_h5_runs runs;
    sim_h5_provenance prov;
} fixture;

/* ---- helpers ---- */

/* A child must not inherit cmocka's signal handlers: a crash there would resume the test
 * program inside the child instead of showing as a signal to the parent. */
static void default_signals(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
}

static void path_in(const fixture *f, const char *name, char out[PATH_LEN])
{
    snprintf(out, PATH_LEN, "%s/%s", f->dir, name);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/ecotwin_h5_XXXXXX", tmp != NULL ? tmp : "/tmp");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    f->cat = fixture_catalog();
    f->runs = fixture_runs();
    f->prov = fixture_provenance("seed: 42\nhorizon_h: 100\n");
    *state = f;
    return f->cat != NULL ? 0 : -1;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[PATH_LEN];
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        chmod(path, 0700);
        if (unlink(path) != 0)
            remove_tree(path);
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

static int teardown(void **state)
{
    fixture *f = *state;
    remove_tree(f->dir);
    sim_catalog_free(f->cat);
    free(f);
    return 0;
}

static void write_run(sim_h5_writer *w, const sim_catalog *cat, size_t run)
{
    sim_error err;
    sim_record *rec = fixture_record(cat, run);
    assert_non_null(rec);
    sim_status st = sim_h5_write_run(w, run, rec, &err);
    if (st != SIM_OK)
        print_error("write_run %zu: %s\n", run, err.msg);
    assert_int_equal(st, SIM_OK);
    sim_record_free(rec);
}

static sim_h5_writer *create_or_fail(const fixture *f, const char *path, const sim_catalog *cat)
{
    sim_error err;
    sim_h5_writer *w = sim_h5_create(path, cat, &f->runs, &f->prov, &err);
    if (w == NULL)
        print_error("create %s: %s\n", path, err.msg);
    assert_non_null(w);
    return w;
}

static sim_h5_writer *create_or_fail_runs(const fixture *f, const char *path,
                                          const sim_h5_runs *runs)
{
    sim_error err;
    sim_h5_writer *w = sim_h5_create(path, f->cat, runs, &f->prov, &err);
    if (w == NULL)
        print_error("create %s: %s\n", path, err.msg);
    assert_non_null(w);
    return w;
}

static void close_ok(sim_h5_writer *w, int complete)
{
    sim_error err;
    sim_status st = sim_h5_close(w, complete, &err);
    if (st != SIM_OK)
        print_error("close: %s\n", err.msg);
    assert_int_equal(st, SIM_OK);
}

/* The three fixture runs written out of order (2, 0, 1) and closed complete. */
static void write_complete_file(const fixture *f, const char *path)
{
    sim_h5_writer *w = create_or_fail(f, path, f->cat);
    write_run(w, f->cat, 2);
    write_run(w, f->cat, 0);
    write_run(w, f->cat, 1);
    close_ok(w, 1);
}

static hid_t open_ro(const char *path)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        print_error("cannot open %s read-only\n", path);
    assert_true(file >= 0);
    return file;
}

static void read_all(hid_t file, const char *name, hid_t mtype, void *out)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    if (ds < 0)
        print_error("no dataset %s\n", name);
    assert_true(ds >= 0);
    assert_true(H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0);
    H5Dclose(ds);
}

static hsize_t dim_length(hid_t file, const char *name, int axis)
{
    hsize_t dims[H5S_MAX_RANK] = {0};
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t space = H5Dget_space(ds);
    assert_true(H5Sget_simple_extent_dims(space, dims, NULL) > axis);
    H5Sclose(space);
    H5Dclose(ds);
    return dims[axis];
}

/* Fixed-length string attribute of obj (NUL-terminated into buf). */
static void attr_string(hid_t obj, const char *name, char *buf, size_t cap)
{
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0)
        print_error("no attribute %s\n", name);
    assert_true(attr >= 0);
    hid_t type = H5Aget_type(attr);
    assert_int_equal(H5Tget_class(type), H5T_STRING);
    assert_false(H5Tis_variable_str(type) > 0);
    size_t size = H5Tget_size(type);
    assert_true(size < cap);
    memset(buf, 0, cap);
    assert_true(H5Aread(attr, type, buf) >= 0);
    H5Tclose(type);
    H5Aclose(attr);
}

static void check_attr_text(hid_t obj, const char *name, const char *expected)
{
    char buf[1024];
    attr_string(obj, name, buf, sizeof buf);
    assert_string_equal(buf, expected);
}

/* A numeric attribute must be a 1-element array (CF, netCDF). */
static void attr_number(hid_t obj, const char *name, hid_t mtype, void *value)
{
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    if (attr < 0)
        print_error("no attribute %s\n", name);
    assert_true(attr >= 0);
    hid_t space = H5Aget_space(attr);
    assert_int_equal(H5Sget_simple_extent_type(space), H5S_SIMPLE);
    assert_int_equal(H5Sget_simple_extent_npoints(space), 1);
    assert_true(H5Aread(attr, mtype, value) >= 0);
    H5Sclose(space);
    H5Aclose(attr);
}

/* The memstream's buffer pointers live on the heap: GCC 12 takes pointers to locals handed
 * to open_memstream for dangling ones once the function returns. */
typedef struct memtext {
    char *text;
    size_t len;
} memtext;

static char *inspect_text(const char *path, sim_status *status, sim_error *err)
{
    memtext *mt = calloc(1, sizeof *mt);
    assert_non_null(mt);
    FILE *out = open_memstream(&mt->text, &mt->len);
    assert_non_null(out);
    *status = sim_h5_inspect(path, out, err);
    fclose(out);
    char *text = mt->text;
    free(mt);
    return text;
}

static void assert_contains(const char *text, const char *phrase)
{
    if (strstr(text, phrase) == NULL)
        print_error("missing \"%s\" in:\n%s\n", phrase, text);
    assert_non_null(strstr(text, phrase));
}

/* ---- the layout, value by value ---- */

static void check_values(hid_t file, const sim_catalog *cat, size_t n_runs, const int *written)
{
    for (size_t v = 0; v < sim_catalog_count(cat); v++) {
        size_t size = sim_catalog_var_size(cat, v);
        double *values = malloc((n_runs * size + 1) * sizeof *values);
        assert_non_null(values);
        read_all(file, sim_catalog_var(cat, v)->name, H5T_NATIVE_DOUBLE, values);
        for (size_t r = 0; r < n_runs; r++)
            for (size_t k = 0; k < size; k++) {
                double got = values[r * size + k];
                if (!written[r]) {
                    if (!isnan(got))
                        print_error("%s run %zu [%zu]: %g, not the fill value NaN\n",
                                    sim_catalog_var(cat, v)->name, r, k, got);
                    assert_true(isnan(got));
                    continue;
                }
                if (got != fixture_value(r, v, k))
                    print_error("%s run %zu [%zu]\n", sim_catalog_var(cat, v)->name, r, k);
                assert_float_equal(got, fixture_value(r, v, k), 0.0);
            }
        free(values);
    }
}

static void check_coordinates(hid_t file)
{
    int64_t run[FIX_RUNS], rep[FIX_RUNS], design[FIX_RUNS];
    int32_t variant[FIX_RUNS], company[FIX_ENTITY];
    double t[FIX_TIME];
    char names[FIX_ENTITY][16];
    read_all(file, "run", H5T_NATIVE_INT64, run);
    read_all(file, "replication", H5T_NATIVE_INT64, rep);
    read_all(file, "design", H5T_NATIVE_INT64, design);
    read_all(file, "variant", H5T_NATIVE_INT32, variant);
    for (int i = 0; i < FIX_RUNS; i++) {
        assert_int_equal(run[i], i);
        assert_int_equal(rep[i], fixture_replication[i]);
        assert_int_equal(design[i], fixture_design[i]);
        assert_int_equal(variant[i], fixture_variant[i]);
    }
    read_all(file, "time", H5T_NATIVE_DOUBLE, t);
    for (int i = 0; i < FIX_TIME; i++)
        assert_float_equal(t[i], 24.0 * i, 0.0);
    read_all(file, "company", H5T_NATIVE_INT32, company);
    hsize_t width = dim_length(file, "company_name", 1);
    assert_int_equal(width, strlen("integrator"));
    assert_int_equal(dim_length(file, "name_strlen", 0), width);
    char text[FIX_ENTITY * 16] = {0};
    read_all(file, "company_name", H5T_C_S1, text);
    for (int i = 0; i < FIX_ENTITY; i++) {
        assert_int_equal(company[i], i);
        snprintf(names[i], sizeof names[i], "%.*s", (int)width, text + i * width);
        assert_string_equal(names[i], fixture_company[i]);
    }
}

static void check_provenance(hid_t file)
{
    static const char *const present[] = {
        "title",      "history",  "hdf5_version",  "gsl_version",  "hostname",
        "start_time", "end_time", "scenario_yaml", "command_line", "scenario_path"};
    char text[1024], source[256];
    check_attr_text(file, "Conventions", "CF-1.8");
    check_attr_text(file, "ecotwin_version", ECOTWIN_VERSION);
    check_attr_text(file, "git_commit", ECOTWIN_GIT_COMMIT);
    snprintf(source, sizeof source, "ecotwin %s (%s)", ECOTWIN_VERSION, ECOTWIN_GIT_COMMIT);
    check_attr_text(file, "source", source);
    check_attr_text(file, "model", "ecosystem");
    check_attr_text(file, "libyaml_version", "0.2.5");
    check_attr_text(file, "rng_algorithm", "xoshiro256++ keyed by SplitMix64");
    check_attr_text(file, "scenario_yaml", "seed: 42\nhorizon_h: 100\n");
    for (size_t i = 0; i < sizeof present / sizeof present[0]; i++)
        attr_string(file, present[i], text, sizeof text);
    attr_string(file, "start_time", text, sizeof text);
    assert_int_equal(strlen(text), strlen("2026-11-28T22:40:00Z"));
    assert_int_equal(text[10], 'T');
    assert_int_equal(text[19], 'Z');
    attr_string(file, "history", text, sizeof text);
    assert_non_null(strstr(text, "ecotwin run -o out.h5 tests/h5.yaml"));
    uint64_t seed = 0;
    int32_t threads = 0, ranks = 0;
    int8_t complete = 0;
    attr_number(file, "master_seed", H5T_NATIVE_UINT64, &seed);
    attr_number(file, "threads", H5T_NATIVE_INT32, &threads);
    attr_number(file, "ranks", H5T_NATIVE_INT32, &ranks);
    attr_number(file, "complete", H5T_NATIVE_INT8, &complete);
    assert_true(seed == UINT64_MAX);
    assert_int_equal(threads, 4);
    assert_int_equal(ranks, 1);
    assert_int_equal(complete, 1);
}

static void check_scale(hid_t file, hid_t ds, const char *dim, unsigned axis)
{
    hid_t scale = H5Dopen2(file, dim, H5P_DEFAULT);
    assert_true(scale >= 0);
    assert_true(H5DSis_scale(scale) > 0);
    if (H5DSis_attached(ds, scale, axis) <= 0)
        print_error("dimension %s is not attached to axis %u\n", dim, axis);
    assert_true(H5DSis_attached(ds, scale, axis) > 0);
    H5Dclose(scale);
}

static void check_dataset_scales(hid_t file, const char *name, const char *const *dims,
                                 unsigned rank)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    assert_true(ds >= 0);
    for (unsigned i = 0; i < rank; i++)
        check_scale(file, ds, dims[i], i);
    H5Dclose(ds);
}

static void check_scales(hid_t file)
{
    static const char *const run[] = {"run"}, *const ent[] = {"run", "company"},
                             *const tim[] = {"run", "time"},
                             *const both[] = {"run", "time", "company"},
                             *const names[] = {"company", "name_strlen"},
                             *const msg[] = {"run", "message_strlen"};
    check_dataset_scales(file, "profit", run, 1);
    check_dataset_scales(file, "revenue", ent, 2);
    check_dataset_scales(file, "backlog", tim, 2);
    check_dataset_scales(file, "inventory", both, 3);
    check_dataset_scales(file, "replication", run, 1);
    check_dataset_scales(file, "design", run, 1);
    check_dataset_scales(file, "variant", run, 1);
    check_dataset_scales(file, "run_status", run, 1);
    check_dataset_scales(file, "company_name", names, 2);
    check_dataset_scales(file, "run_message", msg, 2);
}

static void check_variable_storage(hid_t file)
{
    hid_t ds = H5Dopen2(file, "inventory", H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(ds);
    hsize_t chunk[3] = {0};
    assert_int_equal(H5Pget_chunk(dcpl, 3, chunk), 3);
    /* A run of inventory holds FIX_TIME x FIX_ENTITY values, far under 4 KiB: every run
     * shares one uncompressed chunk, allocated at creation. */
    assert_int_equal(chunk[0], FIX_RUNS);
    assert_int_equal(chunk[1], FIX_TIME);
    assert_int_equal(chunk[2], FIX_ENTITY);
    assert_int_equal(H5Pget_nfilters(dcpl), 0);
    H5D_alloc_time_t alloc = H5D_ALLOC_TIME_DEFAULT;
    assert_int_equal(H5Pget_alloc_time(dcpl, &alloc), 0);
    assert_int_equal(alloc, H5D_ALLOC_TIME_EARLY);
    double fill = 0.0, attr_fill = 0.0;
    assert_true(H5Pget_fill_value(dcpl, H5T_NATIVE_DOUBLE, &fill) >= 0);
    assert_true(isnan(fill));
    attr_number(ds, "_FillValue", H5T_NATIVE_DOUBLE, &attr_fill);
    assert_true(isnan(attr_fill));
    unsigned order = 0;
    assert_true(H5Pget_attr_creation_order(dcpl, &order) >= 0);
    assert_int_equal(order, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    check_attr_text(ds, "units", "1");
    check_attr_text(ds, "long_name", "inventory of each company");
    check_attr_text(ds, "coordinates", "replication design variant company_name");
    H5Pclose(dcpl);
    H5Dclose(ds);
}

static void check_file_properties(hid_t file)
{
    hid_t root = H5Gopen2(file, "/", H5P_DEFAULT);
    hid_t fcpl = H5Gget_create_plist(root);
    H5Gclose(root);
    unsigned links = 0, attrs = 0;
    assert_true(H5Pget_link_creation_order(fcpl, &links) >= 0);
    assert_true(H5Pget_attr_creation_order(fcpl, &attrs) >= 0);
    assert_int_equal(links, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    assert_int_equal(attrs, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
    H5Pclose(fcpl);
    hid_t ds = H5Dopen2(file, "variant", H5P_DEFAULT);
    int32_t flags[2] = {-1, -1};
    hid_t attr = H5Aopen(ds, "flag_values", H5P_DEFAULT);
    assert_true(H5Aread(attr, H5T_NATIVE_INT32, flags) >= 0);
    assert_int_equal(flags[0], 0);
    assert_int_equal(flags[1], 1);
    H5Aclose(attr);
    check_attr_text(ds, "flag_meanings", "baseline no_sharing");
    H5Dclose(ds);
    ds = H5Dopen2(file, "run_status", H5P_DEFAULT);
    check_attr_text(ds, "flag_meanings", "not_run complete failed");
    assert_int_equal(H5Aexists(ds, "_FillValue"), 0);
    H5Dclose(ds);
}

static void test_roundtrip_out_of_order(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "complete.h5", path);
    write_complete_file(f, path);
    hid_t file = open_ro(path);
    static const int written[FIX_RUNS] = {1, 1, 1};
    check_values(file, f->cat, FIX_RUNS, written);
    int8_t status[FIX_RUNS];
    read_all(file, "run_status", H5T_NATIVE_INT8, status);
    for (int i = 0; i < FIX_RUNS; i++)
        assert_int_equal(status[i], 1);
    check_coordinates(file);
    check_provenance(file);
    check_scales(file);
    check_variable_storage(file);
    check_file_properties(file);
    assert_true(H5Fclose(file) >= 0);
}

static void test_slurm_job_ids(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "slurm.h5", path);
    assert_int_equal(setenv("SLURM_JOB_ID", "4242", 1), 0);
    unsetenv("SLURM_ARRAY_JOB_ID");
    sim_h5_writer *w = create_or_fail(f, path, f->cat);
    unsetenv("SLURM_JOB_ID");
    close_ok(w, 0);
    hid_t file = open_ro(path);
    check_attr_text(file, "slurm_job_id", "4242");
    assert_int_equal(H5Aexists(file, "slurm_array_job_id"), 0);
    H5Fclose(file);
}

/* ---- failed runs and an interrupted close ---- */

/* A file whose writer did not finish: complete exists from the start and stays 0, end_time
 * stays empty (both are written in place only when the writer finishes). */
static void check_not_complete(hid_t file)
{
    int8_t complete = -1;
    attr_number(file, "complete", H5T_NATIVE_INT8, &complete);
    assert_int_equal(complete, 0);
    char end[64] = "x";
    attr_string(file, "end_time", end, sizeof end);
    assert_string_equal(end, "");
}

static void test_failed_run_and_interrupted_close(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN], message[400];
    sim_error err;
    path_in(f, "interrupted.h5", path);
    memset(message, 'x', sizeof message - 1);
    message[sizeof message - 1] = '\0';
    memcpy(message, "demand model diverged", 21);
    sim_h5_writer *w = create_or_fail(f, path, f->cat);
    write_run(w, f->cat, 0);
    assert_int_equal(sim_h5_fail_run(w, 1, message, &err), SIM_OK);
    close_ok(w, 0);

    hid_t file = open_ro(path);
    int8_t status[FIX_RUNS];
    read_all(file, "run_status", H5T_NATIVE_INT8, status);
    assert_int_equal(status[0], 1);
    assert_int_equal(status[1], 2);
    assert_int_equal(status[2], 0);
    char text[FIX_RUNS][256];
    read_all(file, "run_message", H5T_C_S1, text);
    assert_memory_equal(text[1], message, 256);
    assert_int_equal(text[0][0], '\0');
    check_not_complete(file);
    static const int written[FIX_RUNS] = {1, 0, 0};
    check_values(file, f->cat, FIX_RUNS, written);
    H5Fclose(file);

    sim_status st;
    char *out = inspect_text(path, &st, &err);
    assert_int_equal(st, SIM_OK);
    assert_contains(out, "INCOMPLETE: the run was interrupted; 1 of 3 runs complete");
    assert_contains(out, "runs: 3 (1 complete, 1 failed, 1 not run)");
    assert_contains(out, "run 1 failed: demand model diverged");
    free(out);
}

/* ---- kill -9 in the middle of a run set ---- */

static void killed_writer(const fixture *f, const char *path)
{
    default_signals();
    sim_error err;
    sim_h5_writer *w = sim_h5_create(path, f->cat, &f->runs, &f->prov, &err);
    if (w == NULL)
        _exit(3);
    for (size_t run = 0; run < 2; run++) {
        sim_record *rec = fixture_record(f->cat, run);
        if (rec == NULL || sim_h5_write_run(w, run, rec, &err) != SIM_OK)
            _exit(4);
        sim_record_free(rec);
    }
    raise(SIGKILL);
    _exit(5);
}

static void test_killed_writer_leaves_readable_file(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "killed.h5", path);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        killed_writer(f, path);
    int wstatus = 0;
    assert_int_equal(waitpid(pid, &wstatus, 0), pid);
    if (!WIFSIGNALED(wstatus))
        print_error("writer exited with %d instead of being killed\n", WEXITSTATUS(wstatus));
    assert_true(WIFSIGNALED(wstatus));
    assert_int_equal(WTERMSIG(wstatus), SIGKILL);

    /* HDF5 refuses a plain read-only open of a file whose SWMR writer never closed it (the
     * superblock says "open for writing"); a SWMR reader, or h5clear -s, opens it. */
    assert_true(H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) < 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
    assert_true(file >= 0);
    int8_t status[FIX_RUNS];
    read_all(file, "run_status", H5T_NATIVE_INT8, status);
    assert_int_equal(status[0], 1);
    assert_int_equal(status[1], 1);
    assert_int_equal(status[2], 0);
    static const int written[FIX_RUNS] = {1, 1, 0};
    check_values(file, f->cat, FIX_RUNS, written);
    check_not_complete(file);
    H5Fclose(file);

    sim_error err;
    sim_status st;
    char *out = inspect_text(path, &st, &err);
    if (st != SIM_OK)
        print_error("inspect: %s\n", err.msg);
    assert_int_equal(st, SIM_OK);
    assert_contains(out, "INCOMPLETE: the run was interrupted; 2 of 3 runs complete");
    assert_contains(out, "the writer never closed this file");
    free(out);
}

/* ---- failures of create, write and close ---- */

static void expect_create_failure(const fixture *f, const char *path, const char *reason)
{
    sim_error err;
    sim_h5_writer *w = sim_h5_create(path, f->cat, &f->runs, &f->prov, &err);
    assert_null(w);
    assert_int_equal(err.status, SIM_IO);
    assert_contains(err.msg, path);
    if (reason != NULL)
        assert_contains(err.msg, reason);
    assert_int_equal(access(path, F_OK), -1);
}

static void test_create_io_errors(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN], plain[PATH_LEN];
    path_in(f, "no/such/dir/out.h5", path);
    expect_create_failure(f, path, "No such file or directory");

    path_in(f, "plain_file", plain);
    FILE *fp = fopen(plain, "w");
    assert_non_null(fp);
    fclose(fp);
    path_in(f, "plain_file/out.h5", path);
    expect_create_failure(f, path, "Not a directory");

    /* Root ignores directory permissions: use a file system that refuses new files. */
    if (geteuid() == 0) {
        expect_create_failure(f, "/sys/ecotwin_unwritable.h5", NULL);
    } else {
        path_in(f, "readonly", plain);
        assert_int_equal(mkdir(plain, 0500), 0);
        path_in(f, "readonly/out.h5", path);
        expect_create_failure(f, path, "Permission denied");
    }
}

/* In a child limited to a small file size (RLIMIT_FSIZE, SIGXFSZ ignored): creation runs out
 * of room, must fail with SIM_IO, and must remove the half-made file. Exit 0 when so. */
static int child_create_too_big(const fixture *f, const char *path)
{
    struct rlimit lim = {.rlim_cur = 16384, .rlim_max = 16384};
    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
        return 10;
    char *yaml = malloc(100000);
    if (yaml == NULL)
        return 11;
    memset(yaml, 'y', 99999);
    yaml[99999] = '\0';
    sim_h5_provenance prov = fixture_provenance(yaml);
    sim_error err;
    sim_h5_writer *w = sim_h5_create(path, f->cat, &f->runs, &prov, &err);
    free(yaml);
    if (w != NULL)
        return 12;
    if (err.status != SIM_IO || strstr(err.msg, path) == NULL)
        return 13;
    return access(path, F_OK) == 0 ? 14 : 0;
}

/* Writing a run larger than the room left fails with SIM_IO, and so does closing; the child
 * then leaves through exit(), where HDF5 1.10 would crash on the failed file without
 * sim_h5_quiet's H5dont_atexit. */
static int child_write_too_big(const fixture *f, const char *path)
{
    sim_catalog *cat = fixture_catalog_sized(1000, 200);
    sim_error err;
    sim_h5_writer *w = cat ? sim_h5_create(path, cat, &f->runs, &f->prov, &err) : NULL;
    struct stat st;
    if (w == NULL || stat(path, &st) != 0)
        return 20;
    struct rlimit lim = {.rlim_cur = (rlim_t)st.st_size + 8192,
                         .rlim_max = (rlim_t)st.st_size + 8192};
    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
        return 21;
    sim_record *rec = fixture_record(cat, 0);
    sim_status write_st = sim_h5_write_run(w, 0, rec, &err);
    sim_record_free(rec);
    if (write_st != SIM_IO || strstr(err.msg, path) == NULL)
        return 22;
    if (sim_h5_close(w, 1, &err) != SIM_IO || strstr(err.msg, path) == NULL)
        return 23;
    sim_catalog_free(cat);
    exit(0);
}

static void run_in_child(const fixture *f, const char *name,
                         int (*body)(const fixture *, const char *))
{
    char path[PATH_LEN];
    path_in(f, name, path);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        default_signals();
        _exit(body(f, path));
    }
    int wstatus = 0;
    assert_int_equal(waitpid(pid, &wstatus, 0), pid);
    if (WIFSIGNALED(wstatus))
        print_error("%s: child killed by signal %d\n", name, WTERMSIG(wstatus));
    assert_true(WIFEXITED(wstatus));
    if (WEXITSTATUS(wstatus) != 0)
        print_error("%s: child check %d failed\n", name, WEXITSTATUS(wstatus));
    assert_int_equal(WEXITSTATUS(wstatus), 0);
}

static void test_out_of_space(void **state)
{
    fixture *f = *state;
    run_in_child(f, "too_big_create.h5", child_create_too_big);
    run_in_child(f, "too_big_write.h5", child_write_too_big);
}

static void expect_internal(sim_h5_writer *w, sim_error *err, const char *phrase)
{
    if (w != NULL)
        print_error("create succeeded where \"%s\" was expected\n", phrase);
    assert_null(w);
    assert_int_equal(err->status, SIM_INTERNAL);
    assert_contains(err->msg, phrase);
}

static void test_create_rejects_bad_arguments(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    sim_error err;
    path_in(f, "bad.h5", path);
    expect_internal(sim_h5_create(NULL, f->cat, &f->runs, &f->prov, &err), &err, "missing");
    expect_internal(sim_h5_create(path, f->cat, &f->runs, NULL, &err), &err, "missing");

    int32_t bad_variant[FIX_RUNS] = {0, 2, 0};
    sim_h5_runs runs = f->runs;
    runs.variant = bad_variant;
    expect_internal(sim_h5_create(path, f->cat, &runs, &f->prov, &err), &err, "variant 2");
    const char *blank_names[2] = {"baseline", "no sharing"};
    runs = f->runs;
    runs.variant_names = blank_names;
    expect_internal(sim_h5_create(path, f->cat, &runs, &f->prov, &err), &err, "blanks");
    runs = f->runs;
    runs.design = NULL;
    expect_internal(sim_h5_create(path, f->cat, &runs, &f->prov, &err), &err, "coordinates");

    sim_catalog *cat = fixture_catalog();
    sim_var clash = {.name = "run_status", .units = "1", .long_name = "x"};
    assert_true(sim_catalog_add(cat, &clash) >= 0);
    expect_internal(sim_h5_create(path, cat, &f->runs, &f->prov, &err), &err, "run_status");
    sim_catalog_free(cat);

    cat = sim_catalog_alloc("time", 1, 0);
    sim_catalog_set_entity_name(cat, 0, "a");
    expect_internal(sim_h5_create(path, cat, &f->runs, &f->prov, &err), &err, "time");
    sim_catalog_free(cat);

    cat = sim_catalog_alloc("company", 2, 0);
    sim_catalog_set_entity_name(cat, 0, "a");
    expect_internal(sim_h5_create(path, cat, &f->runs, &f->prov, &err), &err, "company 1");
    sim_catalog_free(cat);
    assert_int_equal(access(path, F_OK), -1);
}

static void test_write_rejects_bad_arguments(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    sim_error err;
    path_in(f, "args.h5", path);
    sim_h5_writer *w = create_or_fail(f, path, f->cat);
    sim_record *rec = fixture_record(f->cat, 0);
    assert_int_equal(sim_h5_write_run(w, FIX_RUNS, rec, &err), SIM_INTERNAL);
    assert_contains(err.msg, "out of range");
    assert_int_equal(sim_h5_fail_run(w, FIX_RUNS, "x", &err), SIM_INTERNAL);
    assert_int_equal(sim_h5_write_run(NULL, 0, rec, &err), SIM_INTERNAL);
    assert_int_equal(sim_h5_write_run(w, 0, NULL, &err), SIM_INTERNAL);

    sim_catalog *other = fixture_catalog_sized(2, FIX_TIME);
    sim_record *wrong = fixture_record(other, 0);
    assert_int_equal(sim_h5_write_run(w, 0, wrong, &err), SIM_INTERNAL);
    assert_contains(err.msg, "revenue");
    sim_record_free(wrong);
    sim_catalog_free(other);

    sim_record_free(rec);
    close_ok(w, 1);
    assert_int_equal(sim_h5_close(NULL, 1, &err), SIM_OK);
}

/* ---- edge shapes ---- */

static void test_zero_length_dimensions(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "empty_dims.h5", path);
    sim_catalog *cat = fixture_catalog_sized(0, 0);
    assert_non_null(cat);
    sim_h5_writer *w = create_or_fail(f, path, cat);
    for (size_t run = 0; run < FIX_RUNS; run++)
        write_run(w, cat, run);
    close_ok(w, 1);

    hid_t file = open_ro(path);
    assert_int_equal(dim_length(file, "company", 0), 0);
    assert_int_equal(dim_length(file, "time", 0), 0);
    assert_int_equal(dim_length(file, "inventory", 2), 0);
    static const int written[FIX_RUNS] = {1, 1, 1};
    check_values(file, cat, FIX_RUNS, written);
    H5Fclose(file);
    sim_catalog_free(cat);

    sim_error err;
    sim_status st;
    char *out = inspect_text(path, &st, &err);
    assert_int_equal(st, SIM_OK);
    assert_contains(out, "  company = 0\n");
    assert_contains(out, "  time = 0\n");
    free(out);
}

static void test_large_scenario_and_chunk_cap(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "large.h5", path);
    size_t len = 200000;
    char *yaml = malloc(len + 1);
    assert_non_null(yaml);
    for (size_t i = 0; i < len; i++)
        yaml[i] = i % 40 == 39 ? '\n' : (char)('a' + i % 26);
    yaml[len] = '\0';
    sim_h5_provenance prov = fixture_provenance(yaml);
    sim_catalog *cat = fixture_catalog_sized(1000, 300);
    sim_error err;
    sim_h5_writer *w = sim_h5_create(path, cat, &f->runs, &prov, &err);
    assert_non_null(w);
    write_run(w, cat, 1);
    close_ok(w, 1);

    hid_t file = open_ro(path);
    char *back = malloc(len + 2);
    attr_string(file, "scenario_yaml", back, len + 2);
    assert_string_equal(back, yaml);
    hid_t ds = H5Dopen2(file, "inventory", H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(ds);
    hsize_t chunk[3] = {0};
    assert_int_equal(H5Pget_chunk(dcpl, 3, chunk), 3);
    assert_int_equal(chunk[0], 1);
    assert_int_equal(chunk[2], 1000);
    assert_true(chunk[1] * chunk[2] * sizeof(double) <= (1u << 20));
    assert_int_equal(chunk[1], (1u << 17) / 1000);
    H5Pclose(dcpl);
    H5Dclose(ds);
    static const int written[FIX_RUNS] = {0, 1, 0};
    check_values(file, cat, FIX_RUNS, written);
    H5Fclose(file);
    free(back);
    free(yaml);
    sim_catalog_free(cat);
}

/* The other layout branch: a variable whose run holds 4 KiB or more (600 companies x 1
 * sample = 4800 bytes) is chunked one run per chunk, shuffled and deflated at
 * SIM_H5_DEFLATE_LEVEL, allocated as runs are written (not at creation); its values read
 * back bit for bit, through HDF5 and through the reader. A (run) variable of the same file
 * still shares one uncompressed chunk. */
static void check_filters(hid_t dcpl, int want_filters)
{
    int n = H5Pget_nfilters(dcpl);
    assert_int_equal(n, want_filters);
    bool shuffle = false, deflate = false;
    for (int i = 0; i < n; i++) {
        unsigned flags = 0, values[4] = {0};
        size_t n_values = 4;
        H5Z_filter_t id =
            H5Pget_filter2(dcpl, (unsigned)i, &flags, &n_values, values, 0, NULL, NULL);
        shuffle = shuffle || id == H5Z_FILTER_SHUFFLE;
        if (id == H5Z_FILTER_DEFLATE) {
            deflate = true;
            assert_true(n_values >= 1);
            assert_int_equal(values[0], SIM_H5_DEFLATE_LEVEL);
        }
    }
    assert_true(shuffle == (want_filters > 0));
    assert_true(deflate == (want_filters > 0));
}

static void test_layout_big_run_compressed(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "big_runs.h5", path);
    sim_catalog *cat = fixture_catalog_sized(600, 1);
    assert_non_null(cat);
    sim_error err;
    sim_h5_writer *w = sim_h5_create(path, cat, &f->runs, &f->prov, &err);
    assert_non_null(w);
    write_run(w, cat, 0);
    write_run(w, cat, 2);
    close_ok(w, 1);

    hid_t file = open_ro(path);
    hid_t ds = H5Dopen2(file, "inventory", H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(ds);
    hsize_t chunk[3] = {0};
    assert_int_equal(H5Pget_chunk(dcpl, 3, chunk), 3);
    assert_int_equal(chunk[0], 1);
    assert_int_equal(chunk[1], 1);
    assert_int_equal(chunk[2], 600);
    check_filters(dcpl, 2);
    H5D_alloc_time_t alloc = H5D_ALLOC_TIME_DEFAULT;
    assert_true(H5Pget_alloc_time(dcpl, &alloc) >= 0);
    assert_true(alloc != H5D_ALLOC_TIME_EARLY);
    H5Pclose(dcpl);
    /* Run 1 was never written: no chunk of its own exists, only runs 0 and 2 are stored. */
    hsize_t n_chunks = 0;
    hid_t space = H5Dget_space(ds);
    assert_true(H5Dget_num_chunks(ds, space, &n_chunks) >= 0);
    assert_int_equal(n_chunks, 2);
    H5Sclose(space);
    H5Dclose(ds);
    /* A variable along (run) only (8 bytes a run) in the same file: one shared, plain chunk. */
    for (size_t v = 0; v < sim_catalog_count(cat); v++) {
        if (sim_catalog_var(cat, v)->shape != SIM_SHAPE_RUN)
            continue;
        ds = H5Dopen2(file, sim_catalog_var(cat, v)->name, H5P_DEFAULT);
        dcpl = H5Dget_create_plist(ds);
        assert_int_equal(H5Pget_chunk(dcpl, 1, chunk), 1);
        assert_int_equal(chunk[0], FIX_RUNS);
        check_filters(dcpl, 0);
        H5Pclose(dcpl);
        H5Dclose(ds);
    }
    static const int written[FIX_RUNS] = {1, 0, 1};
    check_values(file, cat, FIX_RUNS, written);
    H5Fclose(file);
    sim_h5_reader *r = sim_h5_open_read(path, &err);
    assert_non_null(r);
    sim_record *rec = sim_record_alloc(cat);
    assert_non_null(rec);
    assert_int_equal(sim_h5_reader_read_run(r, 2, rec, &err), SIM_OK);
    sim_record *want = fixture_record(cat, 2);
    assert_non_null(want);
    for (size_t v = 0; v < sim_catalog_count(cat); v++)
        assert_memory_equal(sim_record_cvalues(rec, v), sim_record_cvalues(want, v),
                            sim_catalog_var_size(cat, v) * sizeof(double));
    sim_record_free(want);
    sim_record_free(rec);
    sim_h5_reader_close(r);
    sim_catalog_free(cat);
}

/* ---- inspect ---- */

static void test_inspect_complete_file(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "inspect.h5", path);
    write_complete_file(f, path);
    sim_error err;
    sim_status st;
    char *out = inspect_text(path, &st, &err);
    assert_int_equal(st, SIM_OK);
    assert_contains(out, ": ecotwin results file\n");
    assert_contains(out, "  ecotwin " ECOTWIN_VERSION " (commit " ECOTWIN_GIT_COMMIT
                         "), model ecosystem\n");
    assert_contains(out, "  finished: ");
    assert_contains(out, "seed: 18446744073709551615 (xoshiro256++ keyed by SplitMix64)");
    assert_contains(out, "threads: 4, ranks: 1");
    assert_contains(out, "libraries: HDF5 ");
    assert_contains(out, "libyaml 0.2.5");
    assert_contains(out, "runs: 3 (3 complete, 0 failed, 0 not run)");
    assert_contains(out, "  variant baseline: 2 complete, 0 failed, 0 not run\n");
    assert_contains(out, "  variant no_sharing: 1 complete, 0 failed, 0 not run\n");
    assert_contains(out, "  run = 3\n");
    assert_contains(out, "  time = 4\n");
    assert_contains(out, "  company = 3: oem, supplier, integrator\n");
    assert_contains(out, "  name_strlen = 10 (string length)\n");
    assert_contains(out, "  profit(run) [EUR]: ecosystem profit\n");
    assert_contains(out, "  revenue(run, company) [EUR]: revenue of each company\n");
    assert_contains(out, "  inventory(run, time, company) [1]: inventory of each company\n");
    assert_contains(out, "  run_status(run): run status\n");
    assert_null(strstr(out, "INCOMPLETE"));
    free(out);
}

static void expect_inspect_failure(const char *path, sim_status status, const char *phrase)
{
    sim_error err;
    sim_status st;
    char *out = inspect_text(path, &st, &err);
    if (st != status)
        print_error("inspect %s: status %d (%s), output:\n%s\n", path, st, err.msg, out);
    assert_int_equal(st, status);
    assert_contains(err.msg, phrase);
    free(out);
}

static void write_bytes(const char *path, const void *bytes, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(bytes, 1, n, fp), n);
    fclose(fp);
}

static void truncated_copy(const char *from, const char *to)
{
    FILE *fp = fopen(from, "rb");
    assert_non_null(fp);
    static char bytes[1 << 20];
    size_t n = fread(bytes, 1, sizeof bytes, fp);
    fclose(fp);
    assert_true(n > 1000);
    write_bytes(to, bytes, n / 2);
}

static void test_inspect_garbage(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN], good[PATH_LEN];
    path_in(f, "missing.h5", path);
    expect_inspect_failure(path, SIM_NOINPUT, "No such file or directory");
    path_in(f, "text.h5", path);
    const char text[] = "run,profit\n0,1.5\n";
    write_bytes(path, text, sizeof text - 1);
    expect_inspect_failure(path, SIM_IO, "is not a readable HDF5 file");
    path_in(f, "empty.h5", path);
    write_bytes(path, "", 0);
    expect_inspect_failure(path, SIM_IO, "is not a readable HDF5 file");
    expect_inspect_failure(f->dir, SIM_IO, "is not a readable HDF5 file");
    path_in(f, "good.h5", good);
    write_complete_file(f, good);
    path_in(f, "truncated.h5", path);
    truncated_copy(good, path);
    expect_inspect_failure(path, SIM_IO, "is not a readable HDF5 file");
}

/* A plain HDF5 file, as any other program would make it. */
static void make_foreign_file(const char *path, int hostile)
{
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    hsize_t dims[2] = {3, 2};
    hid_t space = H5Screate_simple(2, dims, NULL);
    hid_t ds = H5Dcreate2(file, "run_status", H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT);
    H5Dclose(ds);
    ds = H5Dcreate2(file, "variant", H5T_C_S1, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(ds);
    H5Gclose(H5Gcreate2(file, "group", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Lcreate_soft("/nowhere", file, "dangling", H5P_DEFAULT, H5P_DEFAULT);
    if (hostile >= 1) {
        /* ecotwin_version of the wrong type */
        int32_t wrong[3] = {1, 2, 3};
        hsize_t n = 3;
        hid_t aspace = H5Screate_simple(1, &n, NULL);
        H5Aclose(H5Acreate2(file, hostile == 1 ? "ecotwin_version" : "model", H5T_NATIVE_INT32,
                            aspace, H5P_DEFAULT, H5P_DEFAULT));
        hid_t attr = H5Aopen(file, hostile == 1 ? "ecotwin_version" : "model", H5P_DEFAULT);
        H5Awrite(attr, H5T_NATIVE_INT32, wrong);
        H5Aclose(attr);
        H5Sclose(aspace);
    }
    if (hostile == 2) {
        /* a variable-length string, as h5py writes; complete and threads as text */
        hid_t vtype = H5Tcopy(H5T_C_S1);
        H5Tset_size(vtype, H5T_VARIABLE);
        H5Tset_cset(vtype, H5T_CSET_UTF8);
        hid_t scalar = H5Screate(H5S_SCALAR);
        const char *values[3] = {"9.9", "yes", "many"};
        const char *names[3] = {"ecotwin_version", "complete", "threads"};
        for (int i = 0; i < 3; i++) {
            hid_t attr = H5Acreate2(file, names[i], vtype, scalar, H5P_DEFAULT, H5P_DEFAULT);
            H5Awrite(attr, vtype, &values[i]);
            H5Aclose(attr);
        }
        H5Sclose(scalar);
        H5Tclose(vtype);
    }
    H5Sclose(space);
    H5Fclose(file);
}

static void test_inspect_foreign_and_hostile(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "foreign.h5", path);
    make_foreign_file(path, 0);
    expect_inspect_failure(path, SIM_NOINPUT,
                           "not an ecotwin results file (no ecotwin_version attribute)");
    path_in(f, "wrong_type.h5", path);
    make_foreign_file(path, 1);
    expect_inspect_failure(path, SIM_NOINPUT, "no ecotwin_version attribute");

    path_in(f, "hostile.h5", path);
    make_foreign_file(path, 2);
    sim_error err;
    sim_status st;
    char *out = inspect_text(path, &st, &err);
    if (st != SIM_OK)
        print_error("inspect: %s\n", err.msg);
    assert_int_equal(st, SIM_OK);
    assert_contains(out, "  ecotwin 9.9 (commit ?), model ?\n");
    assert_contains(out, "threads: ?");
    assert_contains(out, "INCOMPLETE: the run was interrupted");
    assert_contains(out, "runs: ? (no readable run_status variable)");
    assert_contains(out, "  group: (a group, not described)\n");
    assert_contains(out, "  run_status(3, 2)\n");
    free(out);
}

static void test_inspect_output_error(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "out_error.h5", path);
    write_complete_file(f, path);
    FILE *out = fopen("/dev/null", "r");
    assert_non_null(out);
    sim_error err;
    assert_int_equal(sim_h5_inspect(path, out, &err), SIM_IO);
    assert_contains(err.msg, "cannot write the description");
    fclose(out);
    assert_int_equal(sim_h5_inspect(NULL, stdout, &err), SIM_INTERNAL);
}

/* ---- event tables ---- */

static sim_catalog *table_catalog(void)
{
    sim_catalog *cat = fixture_catalog();
    assert_non_null(cat);
    assert_int_equal(fixture_add_tables(cat), 0);
    return cat;
}

/* Rows of project in the file: 1-D, unlimited, chunked 1024 rows, shuffle + deflate. */
static void check_table_storage(hid_t file, const char *name, hsize_t rows)
{
    hid_t ds = H5Dopen2(file, name, H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t space = H5Dget_space(ds);
    hsize_t dims[1] = {0}, max[1] = {0};
    assert_int_equal(H5Sget_simple_extent_dims(space, dims, max), 1);
    if (dims[0] != rows)
        print_error("%s has %llu rows, not %llu\n", name, (unsigned long long)dims[0],
                    (unsigned long long)rows);
    assert_int_equal(dims[0], rows);
    assert_true(max[0] == H5S_UNLIMITED);
    hid_t dcpl = H5Dget_create_plist(ds);
    hsize_t chunk[1] = {0};
    assert_int_equal(H5Pget_chunk(dcpl, 1, chunk), 1);
    assert_int_equal(chunk[0], 256);
    assert_int_equal(H5Pget_nfilters(dcpl), 0);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Dclose(ds);
}

static void check_project_rows(hid_t file, const size_t *runs, size_t n)
{
    int64_t index[8], run[8];
    double start[8], value[8];
    assert_true(n <= 8);
    read_all(file, "project", H5T_NATIVE_INT64, index);
    read_all(file, "project_run", H5T_NATIVE_INT64, run);
    read_all(file, "project_start_h", H5T_NATIVE_DOUBLE, start);
    read_all(file, "project_value", H5T_NATIVE_DOUBLE, value);
    size_t row_of_run = 0;
    for (size_t i = 0; i < n; i++) {
        row_of_run = i > 0 && runs[i] == runs[i - 1] ? row_of_run + 1 : 0;
        assert_int_equal(index[i], i);
        assert_int_equal(run[i], runs[i]);
        assert_float_equal(start[i], fixture_cell(runs[i], row_of_run, 0), 0.0);
        assert_float_equal(value[i], fixture_cell(runs[i], row_of_run, 1), 0.0);
    }
}

static void check_table_attrs(hid_t file)
{
    hid_t ds = H5Dopen2(file, "project_value", H5P_DEFAULT);
    double fill = 0.0;
    attr_number(ds, "_FillValue", H5T_NATIVE_DOUBLE, &fill);
    assert_true(isnan(fill));
    check_attr_text(ds, "units", "EUR");
    check_attr_text(ds, "long_name", "value created by the project");
    check_attr_text(ds, "coordinates", "project_run");
    H5Dclose(ds);
    ds = H5Dopen2(file, "project", H5P_DEFAULT);
    check_attr_text(ds, "long_name", "a project of a coalition");
    H5Dclose(ds);
    static const char *const project[] = {"project"}, *const contract[] = {"contract"};
    check_dataset_scales(file, "project_run", project, 1);
    check_dataset_scales(file, "project_start_h", project, 1);
    check_dataset_scales(file, "project_value", project, 1);
    check_dataset_scales(file, "contract_run", contract, 1);
    check_dataset_scales(file, "contract_price", contract, 1);
}

/* Runs in order 0, 1, 2 hold 0, 1 and 2 project rows; contract stays empty. */
static void test_tables_layout_and_values(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "tables.h5", path);
    sim_catalog *cat = table_catalog();
    sim_h5_writer *w = create_or_fail(f, path, cat);
    for (size_t run = 0; run < FIX_RUNS; run++)
        write_run(w, cat, run);
    close_ok(w, 1);

    hid_t file = open_ro(path);
    static const char *const names[] = {"project", "project_run", "project_start_h",
                                        "project_value"};
    for (size_t i = 0; i < 4; i++)
        check_table_storage(file, names[i], 3);
    check_table_storage(file, "contract", 0);
    check_table_storage(file, "contract_price", 0);
    static const size_t runs[3] = {1, 2, 2};
    check_project_rows(file, runs, 3);
    check_table_attrs(file);
    static const int written[FIX_RUNS] = {1, 1, 1};
    check_values(file, cat, FIX_RUNS, written);
    H5Fclose(file);

    sim_error err;
    sim_status st;
    char *out = inspect_text(path, &st, &err);
    assert_int_equal(st, SIM_OK);
    assert_contains(out, "  project = 3 rows (event table: a project of a coalition)\n");
    assert_contains(out, "  contract = 0 rows (event table: a service contract)\n");
    assert_contains(out, "  project_value(project) [EUR]: value created by the project\n");
    free(out);
    sim_catalog_free(cat);
}

static void expect_write(sim_h5_writer *w, const sim_catalog *cat, size_t run, sim_status want,
                         const char *phrase)
{
    sim_error err;
    sim_record *rec = fixture_record(cat, run);
    assert_non_null(rec);
    sim_status st = sim_h5_write_run(w, run, rec, &err);
    if (st != want)
        print_error("write_run %zu: %d (%s), not %d\n", run, st, st ? err.msg : "", want);
    assert_int_equal(st, want);
    if (phrase != NULL)
        assert_contains(err.msg, phrase);
    sim_record_free(rec);
}

/* Runs with rows must come in increasing order; runs without rows may come any time; a
 * failed run appends nothing. */
static void test_tables_row_order_and_failed_run(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    sim_error err;
    path_in(f, "order.h5", path);
    sim_catalog *cat = table_catalog();
    sim_h5_writer *w = create_or_fail(f, path, cat);
    expect_write(w, cat, 2, SIM_OK, NULL);
    expect_write(w, cat, 1, SIM_INTERNAL, "increasing order");
    expect_write(w, cat, 2, SIM_INTERNAL, "run 2 appended rows already");
    expect_write(w, cat, 0, SIM_OK, NULL); /* no rows */
    assert_int_equal(sim_h5_fail_run(w, 1, "diverged", &err), SIM_OK);
    close_ok(w, 1);

    hid_t file = open_ro(path);
    check_table_storage(file, "project_value", 2);
    static const size_t runs[2] = {2, 2};
    check_project_rows(file, runs, 2);
    int8_t status[FIX_RUNS];
    read_all(file, "run_status", H5T_NATIVE_INT8, status);
    assert_int_equal(status[0], 1);
    assert_int_equal(status[1], 2);
    assert_int_equal(status[2], 1);
    H5Fclose(file);
    sim_catalog_free(cat);
}

static void test_tables_record_mismatch(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "mismatch.h5", path);
    sim_catalog *cat = table_catalog();
    sim_h5_writer *w = create_or_fail(f, path, cat);
    expect_write(w, f->cat, 1, SIM_INTERNAL, "record has 0 tables, the file 2");
    sim_catalog *other = fixture_catalog();
    assert_int_equal(sim_catalog_add_table(other, "deal", "x"), 0);
    assert_int_equal(sim_catalog_add_table(other, "contract", "x"), 1);
    expect_write(w, other, 1, SIM_INTERNAL, "record table 0 (deal)");
    close_ok(w, 0);
    sim_catalog_free(other);

    w = create_or_fail(f, path, f->cat);
    expect_write(w, cat, 1, SIM_INTERNAL, "record has 2 tables, the file 0");
    close_ok(w, 0);
    sim_catalog_free(cat);
}

/* A failed append leaves the tables' lengths unknown: later runs with rows are refused. */
static int child_append_too_big(const fixture *f, const char *path)
{
    sim_catalog *cat = fixture_catalog_sized(1, 1);
    if (cat == NULL || fixture_add_tables(cat) != 0)
        return 30;
    sim_error err;
    sim_h5_writer *w = sim_h5_create(path, cat, &f->runs, &f->prov, &err);
    struct stat st;
    if (w == NULL || stat(path, &st) != 0)
        return 31;
    struct rlimit lim = {.rlim_cur = (rlim_t)st.st_size + 8192,
                         .rlim_max = (rlim_t)st.st_size + 8192};
    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
        return 32;
    sim_record *big = sim_record_alloc(cat);
    for (size_t i = 0; big != NULL && i < 400000; i++) {
        double row[2] = {(double)i * 1.37, (double)(i * 7919 % 10007)};
        if (sim_record_table_append(big, 0, row) != SIM_OK)
            return 33;
    }
    if (big == NULL || sim_h5_write_run(w, 0, big, &err) != SIM_IO || strstr(err.msg, path) == NULL)
        return 34;
    sim_record_free(big);
    sim_record *rec = fixture_record(cat, 2);
    if (rec == NULL || sim_h5_write_run(w, 2, rec, &err) != SIM_IO ||
        strstr(err.msg, "after a failed append") == NULL)
        return 35;
    sim_record_free(rec);
    sim_h5_close(w, 0, &err);
    sim_catalog_free(cat);
    exit(0);
}

static void test_tables_append_failure(void **state)
{
    fixture *f = *state;
    run_in_child(f, "too_big_append.h5", child_append_too_big);
}

/* ---- the design of a sweep, kind and fingerprint ---- */

static void check_design_layout(hid_t file)
{
    int64_t points[2] = {-1, -1};
    double horizon[2] = {0, 0};
    int32_t policy[2] = {-1, -1}, flags[2] = {-1, -1};
    read_all(file, "design_point", H5T_NATIVE_INT64, points);
    read_all(file, "param_horizon_h", H5T_NATIVE_DOUBLE, horizon);
    read_all(file, "param_policy", H5T_NATIVE_INT32, policy);
    assert_int_equal(points[0], 0);
    assert_int_equal(points[1], 1);
    assert_float_equal(horizon[0], 100.0, 0.0);
    assert_float_equal(horizon[1], 250.5, 0.0);
    assert_int_equal(policy[0], 1);
    assert_int_equal(policy[1], 0);
    static const char *const dp[] = {"design_point"};
    check_dataset_scales(file, "param_horizon_h", dp, 1);
    check_dataset_scales(file, "param_policy", dp, 1);
    hid_t ds = H5Dopen2(file, "param_horizon_h", H5P_DEFAULT);
    check_attr_text(ds, "long_name", "settings.horizon_h");
    check_attr_text(ds, "units", "h");
    H5Dclose(ds);
    ds = H5Dopen2(file, "param_policy", H5P_DEFAULT);
    check_attr_text(ds, "long_name", "companies.oem.policy");
    check_attr_text(ds, "flag_meanings", "run-to-failure age_based");
    hid_t attr = H5Aopen(ds, "flag_values", H5P_DEFAULT);
    assert_true(H5Aread(attr, H5T_NATIVE_INT32, flags) >= 0);
    assert_int_equal(flags[0], 0);
    assert_int_equal(flags[1], 1);
    H5Aclose(attr);
    assert_int_equal(H5Aexists(ds, "units"), 0);
    H5Dclose(ds);
    int64_t design[FIX_RUNS];
    read_all(file, "design", H5T_NATIVE_INT64, design);
    for (size_t i = 0; i < FIX_RUNS; i++)
        assert_int_equal(design[i], fixture_sweep_design[i]);
}

static void test_design_coordinates(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "sweep.h5", path);
    sim_h5_runs runs = fixture_runs_design();
    sim_h5_provenance prov = f->prov;
    prov.kind = "sweep";
    prov.fingerprint = "sha256:feed";
    sim_error err;
    sim_h5_writer *w = sim_h5_create(path, f->cat, &runs, &prov, &err);
    if (w == NULL)
        print_error("create: %s\n", err.msg);
    assert_non_null(w);
    write_run(w, f->cat, 1);
    close_ok(w, 1);
    hid_t file = open_ro(path);
    check_design_layout(file);
    check_attr_text(file, "kind", "sweep");
    check_attr_text(file, "sweep_fingerprint", "sha256:feed");
    H5Fclose(file);
    sim_status st;
    char *out = inspect_text(path, &st, &err);
    assert_int_equal(st, SIM_OK);
    assert_contains(out, "  design_point = 2 (design points of the sweep)\n");
    assert_contains(out, "  param_horizon_h(design_point) [h]: settings.horizon_h\n");
    free(out);

    /* A plain run: no design_point, kind "run", no fingerprint. */
    path_in(f, "plain.h5", path);
    write_complete_file(f, path);
    file = open_ro(path);
    assert_int_equal(H5Lexists(file, "design_point", H5P_DEFAULT), 0);
    assert_int_equal(H5Lexists(file, "param_horizon_h", H5P_DEFAULT), 0);
    check_attr_text(file, "kind", "run");
    assert_int_equal(H5Aexists(file, "sweep_fingerprint"), 0);
    H5Fclose(file);
}

/* Units come from the key's suffix; levels become flag_meanings words. */
static void test_design_units_and_levels(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "units.h5", path);
    static const char *const vars[4] = {"param_a", "param_b", "param_c", "param_d"};
    static const char *const paths[4] = {"x.rate_per_h", "x.cost_eur", "x.share", "x.kind"};
    static const char *const levels[4] = {"a b/c", "", "ok.+@-_9", NULL};
    static const char *const *const factor_levels[4] = {NULL, NULL, NULL, levels};
    static const double values[4] = {0.5, 10.0, 0.25, 2.0};
    static const int64_t design[FIX_RUNS] = {0, 0, 0};
    sim_h5_runs runs = f->runs;
    runs.design = design;
    runs.n_design = 1;
    runs.n_factors = 4;
    runs.factor_vars = vars;
    runs.factor_paths = paths;
    runs.factor_values = values;
    runs.factor_levels = factor_levels;
    sim_h5_writer *w = create_or_fail_runs(f, path, &runs);
    close_ok(w, 1);
    hid_t file = open_ro(path);
    static const char *const units[3] = {"h-1", "EUR", "1"};
    for (size_t i = 0; i < 3; i++) {
        hid_t ds = H5Dopen2(file, vars[i], H5P_DEFAULT);
        check_attr_text(ds, "units", units[i]);
        H5Dclose(ds);
    }
    hid_t ds = H5Dopen2(file, "param_d", H5P_DEFAULT);
    check_attr_text(ds, "flag_meanings", "a_b_c _ ok.+@-_9");
    H5Dclose(ds);
    int32_t code = -1;
    read_all(file, "param_d", H5T_NATIVE_INT32, &code);
    assert_int_equal(code, 2);
    H5Fclose(file);
}

static void test_create_rejects_bad_tables_and_design(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    sim_error err;
    path_in(f, "bad_design.h5", path);

    static const char *const layout_dims[] = {"variant", "design_point", "run_message",
                                              "company_name"};
    for (size_t i = 0; i < 4; i++) {
        sim_catalog *cat = fixture_catalog();
        assert_true(sim_catalog_add_table(cat, layout_dims[i], "x") >= 0);
        expect_internal(sim_h5_create(path, cat, &f->runs, &f->prov, &err), &err, layout_dims[i]);
        sim_catalog_free(cat);
    }
    sim_catalog *cat = fixture_catalog();
    assert_int_equal(sim_catalog_add_table(cat, "replication_x", "x"), 0);
    assert_int_equal(sim_catalog_add_table(cat, "message", "x"), 1);
    sim_var col = {.name = "strlen", .units = "1", .long_name = "x"};
    assert_int_equal(sim_catalog_add_column(cat, 1, &col), 0); /* message_strlen */
    expect_internal(sim_h5_create(path, cat, &f->runs, &f->prov, &err), &err, "message_strlen");
    sim_catalog_free(cat);
    cat = fixture_catalog();
    char long_name[80];
    memset(long_name, 'c', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    assert_int_equal(sim_catalog_add_table(cat, "project", "x"), 0);
    col.name = long_name;
    assert_int_equal(sim_catalog_add_column(cat, 0, &col), 0);
    expect_internal(sim_h5_create(path, cat, &f->runs, &f->prov, &err), &err, "project_ccc");
    sim_catalog_free(cat);

    sim_h5_runs runs = fixture_runs_design();
    static const int64_t far[FIX_RUNS] = {0, 2, 1};
    runs.design = far;
    expect_internal(sim_h5_create(path, f->cat, &runs, &f->prov, &err), &err,
                    "run 1 has design point 2, but there are 2");
    static const char *const unprefixed[2] = {"horizon_h", "param_policy"};
    static const char *const twice[2] = {"param_policy", "param_policy"};
    static const char *const taken[2] = {"param_horizon_h", "profit"};
    static const char *const bad_word[2] = {"param_horizon h", "param_policy"};
    const char *const *names[4] = {unprefixed, twice, taken, bad_word};
    static const char *const phrase[4] = {"'horizon_h' is not a free", "appears twice",
                                          "'profit' is not a free", "'param_horizon h'"};
    for (size_t i = 0; i < 4; i++) {
        runs = fixture_runs_design();
        runs.factor_vars = names[i];
        expect_internal(sim_h5_create(path, f->cat, &runs, &f->prov, &err), &err, phrase[i]);
    }
    cat = fixture_catalog();
    sim_var param = {.name = "param_policy", .units = "1", .long_name = "x"};
    assert_true(sim_catalog_add(cat, &param) >= 0);
    runs = fixture_runs_design();
    expect_internal(sim_h5_create(path, cat, &runs, &f->prov, &err), &err, "'param_policy'");
    sim_catalog_free(cat);

    static const double codes[3][4] = {
        {100.0, 2.0, 1.0, 0.0}, {100.0, 0.5, 1.0, 0.0}, {100.0, NAN, 1.0, 0.0}};
    static const char *const code_phrase[3] = {"code 2 of factor 'param_policy', which has 2",
                                               "code 0.5", "code nan"};
    for (size_t i = 0; i < 3; i++) {
        runs = fixture_runs_design();
        runs.factor_values = codes[i];
        expect_internal(sim_h5_create(path, f->cat, &runs, &f->prov, &err), &err, code_phrase[i]);
    }
    runs = fixture_runs_design();
    runs.factor_values = NULL;
    expect_internal(sim_h5_create(path, f->cat, &runs, &f->prov, &err), &err, "factors missing");
    static const char *const no_path[2] = {"settings.horizon_h", NULL};
    runs = fixture_runs_design();
    runs.factor_paths = no_path;
    expect_internal(sim_h5_create(path, f->cat, &runs, &f->prov, &err), &err, "has no path");

    sim_h5_provenance prov = f->prov;
    prov.kind = "batch";
    expect_internal(sim_h5_create(path, f->cat, &f->runs, &prov, &err), &err, "kind 'batch'");
    assert_int_equal(access(path, F_OK), -1);
}

/* Factors of a plain run (n_design == 0) are ignored, however they look. */
static void test_plain_run_ignores_factors(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "ignored.h5", path);
    sim_h5_runs runs = fixture_runs_design();
    runs.design = fixture_design;
    runs.n_design = 0;
    runs.factor_values = NULL;
    sim_h5_writer *w = create_or_fail_runs(f, path, &runs);
    close_ok(w, 1);
    hid_t file = open_ro(path);
    assert_int_equal(H5Lexists(file, "design_point", H5P_DEFAULT), 0);
    H5Fclose(file);
}

/* ---- the reader ---- */

static sim_h5_reader *open_read_or_fail(const char *path)
{
    sim_error err;
    sim_h5_reader *r = sim_h5_open_read(path, &err);
    if (r == NULL)
        print_error("open_read %s: %s\n", path, err.msg);
    assert_non_null(r);
    return r;
}

/* Every value and row of a run read back equals what the fixture wrote, bit for bit. */
static void check_read_run(sim_h5_reader *r, const sim_catalog *cat, size_t run)
{
    sim_error err;
    sim_record *rec = sim_record_alloc(cat);
    assert_non_null(rec);
    assert_int_equal(sim_record_table_append(rec, 1, (const double[]){9.0}), SIM_OK);
    sim_status st = sim_h5_reader_read_run(r, run, rec, &err);
    if (st != SIM_OK)
        print_error("read_run %zu: %s\n", run, err.msg);
    assert_int_equal(st, SIM_OK);
    sim_record *want = fixture_record(cat, run);
    assert_non_null(want);
    for (size_t v = 0; v < sim_catalog_count(cat); v++)
        assert_memory_equal(sim_record_cvalues(rec, v), sim_record_cvalues(want, v),
                            sim_catalog_var_size(cat, v) * sizeof(double));
    for (size_t t = 0; t < sim_catalog_table_count(cat); t++) {
        size_t rows = sim_record_table_rows(want, t);
        assert_int_equal(sim_record_table_rows(rec, t), rows);
        if (rows > 0)
            assert_memory_equal(sim_record_table_data(rec, t), sim_record_table_data(want, t),
                                rows * sim_catalog_table_ncols(cat, t) * sizeof(double));
    }
    sim_record_free(want);
    sim_record_free(rec);
}

static void test_reader_roundtrip(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    sim_error err;
    path_in(f, "read.h5", path);
    sim_catalog *cat = table_catalog();
    sim_h5_runs runs = fixture_runs_design();
    sim_h5_provenance prov = f->prov;
    prov.kind = "sweep";
    prov.fingerprint = "sha256:beef";
    sim_h5_writer *w = sim_h5_create(path, cat, &runs, &prov, &err);
    assert_non_null(w);
    for (size_t run = 0; run < FIX_RUNS; run++)
        write_run(w, cat, run);
    close_ok(w, 1);

    sim_h5_reader *r = open_read_or_fail(path);
    assert_int_equal(sim_h5_reader_n_runs(r), FIX_RUNS);
    assert_int_equal(sim_h5_reader_complete(r), 1);
    assert_string_equal(sim_h5_reader_attr(r, "scenario_yaml"), "seed: 42\nhorizon_h: 100\n");
    assert_string_equal(sim_h5_reader_attr(r, "sweep_fingerprint"), "sha256:beef");
    assert_string_equal(sim_h5_reader_attr(r, "kind"), "sweep");
    assert_string_equal(sim_h5_reader_attr(r, "model"), "ecosystem");
    assert_null(sim_h5_reader_attr(r, "master_seed")); /* not text */
    assert_null(sim_h5_reader_attr(r, "no_such_attribute"));
    assert_null(sim_h5_reader_attr(r, NULL));
    assert_int_equal(sim_h5_reader_run_status(r, FIX_RUNS), -1);
    assert_null(sim_h5_reader_run_message(r, FIX_RUNS));
    assert_string_equal(sim_h5_reader_run_message(r, 0), "");
    /* A catalog of its own, as a resuming program makes it. */
    sim_catalog *again = table_catalog();
    for (size_t run = FIX_RUNS; run-- > 0;) {
        assert_int_equal(sim_h5_reader_run_status(r, run), 1);
        check_read_run(r, again, run);
    }
    check_read_run(r, cat, 2); /* another catalog: checked again */
    sim_h5_reader_close(r);
    sim_h5_reader_close(NULL);
    sim_catalog_free(again);
    sim_catalog_free(cat);
}

static void test_reader_failed_and_interrupted(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    sim_error err;
    path_in(f, "read_failed.h5", path);
    sim_catalog *cat = table_catalog();
    sim_h5_writer *w = create_or_fail(f, path, cat);
    write_run(w, cat, 1);
    assert_int_equal(sim_h5_fail_run(w, 2, "no convergence", &err), SIM_OK);
    close_ok(w, 0);

    sim_h5_reader *r = open_read_or_fail(path);
    assert_int_equal(sim_h5_reader_complete(r), 0);
    assert_string_equal(sim_h5_reader_attr(r, "kind"), "run");
    assert_null(sim_h5_reader_attr(r, "sweep_fingerprint"));
    assert_int_equal(sim_h5_reader_run_status(r, 0), 0);
    assert_int_equal(sim_h5_reader_run_status(r, 1), 1);
    assert_int_equal(sim_h5_reader_run_status(r, 2), 2);
    assert_string_equal(sim_h5_reader_run_message(r, 2), "no convergence");
    check_read_run(r, cat, 1);
    sim_record *rec = sim_record_alloc(cat);
    assert_int_equal(sim_h5_reader_read_run(r, 2, rec, &err), SIM_INVALID);
    assert_contains(err.msg, "run 2 is not complete (run_status 2)");
    assert_int_equal(sim_h5_reader_read_run(r, 0, rec, &err), SIM_INVALID);
    assert_contains(err.msg, "run 0 is not complete (run_status 0)");
    assert_int_equal(sim_h5_reader_read_run(r, 3, rec, &err), SIM_INVALID);
    assert_contains(err.msg, "run 3 out of range");
    assert_int_equal(sim_h5_reader_read_run(r, 1, NULL, &err), SIM_INTERNAL);
    sim_record_free(rec);
    sim_h5_reader_close(r);
    sim_catalog_free(cat);
}

static void expect_read_mismatch(const char *path, sim_catalog *cat, const char *phrase)
{
    sim_error err;
    sim_h5_reader *r = open_read_or_fail(path);
    sim_record *rec = sim_record_alloc(cat);
    assert_non_null(rec);
    sim_status st = sim_h5_reader_read_run(r, 1, rec, &err);
    if (st != SIM_INVALID)
        print_error("read_run: %d (%s), not SIM_INVALID\n", st, st ? err.msg : "");
    assert_int_equal(st, SIM_INVALID);
    assert_contains(err.msg, phrase);
    sim_record_free(rec);
    sim_h5_reader_close(r);
    sim_catalog_free(cat);
}

static void test_reader_catalog_mismatch(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "read_mismatch.h5", path);
    sim_catalog *cat = table_catalog();
    sim_h5_writer *w = create_or_fail(f, path, cat);
    write_run(w, cat, 1);
    close_ok(w, 1);
    sim_catalog_free(cat);

    cat = table_catalog();
    sim_var extra = {.name = "nope", .units = "1", .long_name = "x", .shape = SIM_SHAPE_RUN};
    assert_true(sim_catalog_add(cat, &extra) >= 0);
    expect_read_mismatch(path, cat, "the file has no variable nope");
    cat = fixture_catalog_sized(2, FIX_TIME);
    assert_int_equal(fixture_add_tables(cat), 0);
    expect_read_mismatch(path, cat, "variable revenue is not float64 (run, <entity>)");
    cat = fixture_catalog_sized(FIX_ENTITY, FIX_TIME + 1);
    expect_read_mismatch(path, cat, "variable backlog");
    /* (run, time) with as many companies as samples: same lengths, other dimension. */
    cat = sim_catalog_alloc("company", FIX_TIME, FIX_TIME);
    sim_var backlog = fixture_vars[2];
    backlog.shape = SIM_SHAPE_ENTITY;
    assert_int_equal(sim_catalog_add(cat, &backlog), 0);
    expect_read_mismatch(path, cat, "variable backlog");
    cat = sim_catalog_alloc("firm", FIX_ENTITY, FIX_TIME);
    assert_int_equal(sim_catalog_add(cat, &fixture_vars[1]), 0);
    expect_read_mismatch(path, cat, "firm = 3");
    cat = fixture_catalog();
    assert_int_equal(sim_catalog_add_table(cat, "deal", "x"), 0);
    expect_read_mismatch(path, cat, "the file has no table variable deal_run");
    cat = fixture_catalog();
    assert_int_equal(sim_catalog_add_table(cat, "project", "x"), 0);
    sim_var col = {.name = "margin", .units = "EUR", .long_name = "x"};
    assert_int_equal(sim_catalog_add_column(cat, 0, &col), 0);
    expect_read_mismatch(path, cat, "no table variable project_margin");
    /* A table column that is not along the table's dimension. */
    cat = fixture_catalog();
    assert_int_equal(sim_catalog_add_table(cat, "run_st", "x"), 0);
    expect_read_mismatch(path, cat, "no table variable run_st_run");
    cat = fixture_catalog();
    assert_int_equal(sim_catalog_add_table(cat, "contract", "x"), 0);
    col.name = "run_xx";
    assert_int_equal(sim_catalog_add_column(cat, 0, &col), 0);
    expect_read_mismatch(path, cat, "contract_run_xx");

    /* A record made before a variable (one the file has) joined its catalog. */
    cat = sim_catalog_alloc("company", FIX_ENTITY, FIX_TIME);
    assert_int_equal(sim_catalog_add(cat, &fixture_vars[0]), 0);
    sim_record *rec = sim_record_alloc(cat);
    assert_int_equal(sim_catalog_add(cat, &fixture_vars[1]), 1);
    sim_error err;
    sim_h5_reader *r = open_read_or_fail(path);
    assert_int_equal(sim_h5_reader_read_run(r, 1, rec, &err), SIM_INVALID);
    assert_contains(err.msg, "the record was made before variable revenue joined its catalog");
    sim_record_free(rec);
    sim_catalog_free(cat);
    /* ... and one made before the tables did: its rows have nowhere to go. */
    cat = fixture_catalog();
    rec = sim_record_alloc(cat);
    assert_int_equal(fixture_add_tables(cat), 0);
    assert_int_equal(sim_h5_reader_read_run(r, 1, rec, &err), SIM_INTERNAL);
    assert_contains(err.msg, "cannot append row 0 of table project to the record");
    sim_h5_reader_close(r);
    sim_record_free(rec);
    sim_catalog_free(cat);
}

/* A column stored as integers, a column along another dimension. */
static void test_reader_table_column_types(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "read_types.h5", path);
    sim_catalog *cat = table_catalog();
    sim_h5_writer *w = create_or_fail(f, path, cat);
    write_run(w, cat, 1);
    close_ok(w, 1);
    sim_catalog_free(cat);
    /* profit is (run), not along contract: declare contract's column so its name is profit. */
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    assert_true(H5Lcreate_hard(file, "profit", file, "contract_profit", H5P_DEFAULT, H5P_DEFAULT) >=
                0);
    assert_true(H5Lcreate_hard(file, "project", file, "contract_index", H5P_DEFAULT, H5P_DEFAULT) >=
                0);
    H5Fclose(file);
    cat = fixture_catalog();
    assert_int_equal(sim_catalog_add_table(cat, "contract", "x"), 0);
    sim_var col = {.name = "profit", .units = "EUR", .long_name = "x"};
    assert_int_equal(sim_catalog_add_column(cat, 0, &col), 0);
    expect_read_mismatch(path, cat, "contract_profit is not a float column along contract");
    cat = fixture_catalog();
    assert_int_equal(sim_catalog_add_table(cat, "contract", "x"), 0);
    col.name = "index";
    assert_int_equal(sim_catalog_add_column(cat, 0, &col), 0);
    expect_read_mismatch(path, cat, "contract_index is not a float column along contract");
}

/* Rows left by an append that never finished (some columns longer than others, rows of a run
 * that is not complete) are ignored; a damaged run index is an error. */
static void rewrite_project_runs(const char *path, const int64_t *runs, hsize_t n, bool all)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    static const char *const names[] = {"project", "project_run", "project_start_h",
                                        "project_value"};
    for (size_t i = 0; i < (all ? 4u : 2u); i++) {
        hid_t ds = H5Dopen2(file, names[i], H5P_DEFAULT);
        assert_true(H5Dset_extent(ds, &n) >= 0);
        H5Dclose(ds);
    }
    hid_t ds = H5Dopen2(file, "project_run", H5P_DEFAULT);
    assert_true(H5Dwrite(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, runs) >= 0);
    H5Dclose(ds);
    H5Fclose(file);
}

/* The other half of a cut append: value columns longer than the run column. */
static void extend_project_columns(const char *path, hsize_t n)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    static const char *const names[] = {"project_start_h", "project_value"};
    for (size_t i = 0; i < 2; i++) {
        hid_t ds = H5Dopen2(file, names[i], H5P_DEFAULT);
        assert_true(H5Dset_extent(ds, &n) >= 0);
        H5Dclose(ds);
    }
    H5Fclose(file);
}

static void expect_read_damage(const char *path, const sim_catalog *cat, const char *phrase)
{
    sim_error err;
    sim_h5_reader *r = open_read_or_fail(path);
    sim_record *rec = sim_record_alloc(cat);
    assert_int_equal(sim_h5_reader_read_run(r, 1, rec, &err), SIM_IO);
    assert_contains(err.msg, phrase);
    sim_record_free(rec);
    sim_h5_reader_close(r);
}

static void test_reader_leftover_and_damaged_rows(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "leftover.h5", path);
    sim_catalog *cat = table_catalog();
    sim_h5_writer *w = create_or_fail(f, path, cat);
    write_run(w, cat, 0);
    write_run(w, cat, 1);
    close_ok(w, 0);
    /* Run 2's append was cut: two rows in project and project_run only. */
    static const int64_t cut[3] = {1, 2, 2};
    rewrite_project_runs(path, cut, 3, false);
    sim_h5_reader *r = open_read_or_fail(path);
    check_read_run(r, cat, 1);
    check_read_run(r, cat, 0);
    sim_h5_reader_close(r);
    /* And value columns longer than the run column. */
    static const int64_t one[1] = {1};
    rewrite_project_runs(path, one, 1, true);
    extend_project_columns(path, 5);
    r = open_read_or_fail(path);
    check_read_run(r, cat, 1);
    sim_h5_reader_close(r);
    /* Run 2's rows complete in every column, run 2 never marked complete. */
    rewrite_project_runs(path, cut, 3, true);
    r = open_read_or_fail(path);
    check_read_run(r, cat, 1);
    sim_h5_reader_close(r);

    static const int64_t split[3] = {1, 2, 1};
    rewrite_project_runs(path, split, 3, true);
    expect_read_damage(path, cat, "rows of run 1 are not contiguous (row 2)");
    static const int64_t wild[3] = {1, 7, 2};
    rewrite_project_runs(path, wild, 3, true);
    expect_read_damage(path, cat, "damaged table project: row 1 has run 7");
    sim_catalog_free(cat);
}

/* project_run of path, n rows (at most cap). */
static hsize_t read_project_runs(const char *path, int64_t *runs, hsize_t cap)
{
    hid_t file = open_ro(path);
    hsize_t n = dim_length(file, "project_run", 0);
    assert_true(n <= cap);
    read_all(file, "project_run", H5T_NATIVE_INT64, runs);
    H5Fclose(file);
    return n;
}

/* A failed append (a full disk) extends every dataset of a table and writes nothing: those
 * rows read as run -1 (the fill value of <dim>_run) and belong to no run. Files of older
 * writers (fill value 0) read them as run 0: a tail of run-0 rows after other runs' rows is
 * a leftover too, while run-0 rows between other runs' rows are still damage. */
static void test_reader_failed_append_fill(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "failed_append.h5", path);
    sim_catalog *cat = table_catalog();
    sim_h5_writer *w = create_or_fail(f, path, cat);
    write_run(w, cat, 0);
    write_run(w, cat, 1);
    close_ok(w, 0);
    int64_t runs[64];
    hsize_t n = read_project_runs(path, runs, 60);
    hsize_t grown = n + 3;
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    static const char *const names[] = {"project", "project_run", "project_start_h",
                                        "project_value"};
    for (size_t i = 0; i < 4; i++) {
        hid_t ds = H5Dopen2(file, names[i], H5P_DEFAULT);
        assert_true(H5Dset_extent(ds, &grown) >= 0);
        H5Dclose(ds);
    }
    H5Fclose(file);
    assert_int_equal(read_project_runs(path, runs, 64), grown);
    for (hsize_t i = n; i < grown; i++)
        assert_int_equal(runs[i], -1);
    sim_h5_reader *r = open_read_or_fail(path);
    check_read_run(r, cat, 0);
    check_read_run(r, cat, 1);
    sim_h5_reader_close(r);

    /* The same file as an older writer left it: the tail reads as run 0. */
    for (hsize_t i = n; i < grown; i++)
        runs[i] = 0;
    rewrite_project_runs(path, runs, grown, false);
    r = open_read_or_fail(path);
    check_read_run(r, cat, 1);
    check_read_run(r, cat, 0);
    sim_h5_reader_close(r);
    /* A run-0 row followed by another run's row is no tail: damage. */
    runs[grown - 1] = 1;
    rewrite_project_runs(path, runs, grown, false);
    expect_read_damage(path, cat, "rows of run 1 are not contiguous");
    sim_catalog_free(cat);
}

static void killed_table_writer(const fixture *f, const char *path)
{
    default_signals();
    sim_catalog *cat = fixture_catalog();
    sim_error err;
    if (cat == NULL || fixture_add_tables(cat) != 0)
        _exit(2);
    sim_h5_writer *w = sim_h5_create(path, cat, &f->runs, &f->prov, &err);
    if (w == NULL)
        _exit(3);
    for (size_t run = 0; run < 2; run++) {
        sim_record *rec = fixture_record(cat, run);
        if (rec == NULL || sim_h5_write_run(w, run, rec, &err) != SIM_OK)
            _exit(4);
        sim_record_free(rec);
    }
    raise(SIGKILL);
    _exit(5);
}

static void test_reader_killed_writer(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "read_killed.h5", path);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        killed_table_writer(f, path);
    int wstatus = 0;
    assert_int_equal(waitpid(pid, &wstatus, 0), pid);
    assert_true(WIFSIGNALED(wstatus));
    assert_int_equal(WTERMSIG(wstatus), SIGKILL);
    assert_true(H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) < 0);

    sim_h5_reader *r = open_read_or_fail(path);
    assert_int_equal(sim_h5_reader_complete(r), 0);
    assert_int_equal(sim_h5_reader_n_runs(r), FIX_RUNS);
    assert_int_equal(sim_h5_reader_run_status(r, 0), 1);
    assert_int_equal(sim_h5_reader_run_status(r, 1), 1);
    assert_int_equal(sim_h5_reader_run_status(r, 2), 0);
    assert_string_equal(sim_h5_reader_attr(r, "scenario_yaml"), "seed: 42\nhorizon_h: 100\n");
    sim_catalog *cat = table_catalog();
    check_read_run(r, cat, 0);
    check_read_run(r, cat, 1);
    sim_record *rec = sim_record_alloc(cat);
    sim_error err;
    assert_int_equal(sim_h5_reader_read_run(r, 2, rec, &err), SIM_INVALID);
    sim_record_free(rec);
    sim_h5_reader_close(r);
    sim_catalog_free(cat);
}

static void expect_open_failure(const char *path, sim_status status, const char *phrase)
{
    sim_error err;
    sim_h5_reader *r = sim_h5_open_read(path, &err);
    if (r != NULL)
        print_error("open_read %s succeeded\n", path != NULL ? path : "(null)");
    assert_null(r);
    assert_int_equal(err.status, status);
    assert_contains(err.msg, phrase);
}

static void test_reader_bad_files(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN], good[PATH_LEN];
    expect_open_failure(NULL, SIM_INTERNAL, "missing path");
    path_in(f, "missing.h5", path);
    expect_open_failure(path, SIM_NOINPUT, "No such file or directory");
    path_in(f, "text.h5", path);
    write_bytes(path, "run,profit\n", 11);
    expect_open_failure(path, SIM_IO, "is not a readable HDF5 file");
    expect_open_failure(f->dir, SIM_IO, "it is a directory");
    path_in(f, "good.h5", good);
    write_complete_file(f, good);
    path_in(f, "truncated.h5", path);
    truncated_copy(good, path);
    expect_open_failure(path, SIM_IO, "is not a readable HDF5 file");
    path_in(f, "foreign.h5", path);
    make_foreign_file(path, 0);
    expect_open_failure(path, SIM_NOINPUT, "not an ecotwin results file");
    path_in(f, "hostile.h5", path);
    make_foreign_file(path, 2); /* ecotwin_version as h5py writes it; run_status 2-D float */
    expect_open_failure(path, SIM_IO, "no readable run_status(run)");
}

/* A crafted file (a few KB) whose run_status claims 2^33 runs, chunked so that nothing is
 * allocated: before the bound, inspect counted statuses for 90 s and the reader allocated
 * 8 GiB. Now both refuse the run count at once, as more than the file can hold. */
static void make_crafted_runs_file(const char *path, hsize_t n_runs)
{
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(file >= 0);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 3);
    hid_t scalar = H5Screate(H5S_SCALAR);
    hid_t attr = H5Acreate2(file, "ecotwin_version", type, scalar, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(H5Awrite(attr, type, "9.9") >= 0);
    H5Aclose(attr);
    H5Sclose(scalar);
    H5Tclose(type);
    hid_t space = H5Screate_simple(1, &n_runs, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hsize_t chunk = 1024;
    H5Pset_chunk(dcpl, 1, &chunk);
    hid_t ds = H5Dcreate2(file, "run_status", H5T_STD_I8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    assert_true(ds >= 0);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(file);
}

static void test_reader_bounds_crafted_sizes(void **state)
{
    fixture *f = *state;
    char path[PATH_LEN];
    path_in(f, "crafted_runs.h5", path);
    make_crafted_runs_file(path, (hsize_t)1 << 33);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size < 64 * 1024);
    expect_open_failure(path, SIM_IO, "run_status claims 8589934592 runs, more than the file");
    sim_error err;
    sim_status status;
    char *out = inspect_text(path, &status, &err);
    assert_int_equal(status, SIM_OK);
    assert_contains(out, "runs: ? (run_status claims 8589934592 runs, more than the file can hold");
    free(out);
    /* Within the file's size but over the hard cap: a file this small cannot hold 2^27 runs
     * either, so only the message's cap is checked here. */
    make_crafted_runs_file(path, (hsize_t)1 << 27);
    expect_open_failure(path, SIM_IO, "at most 67108864 runs");

    /* The writer refuses to make a file the readers would refuse. */
    sim_h5_runs many = f->runs;
    many.n_runs = (size_t)SIM_H5_MAX_RUNS + 1;
    path_in(f, "too_many_runs.h5", path);
    assert_null(sim_h5_create(path, f->cat, &many, &f->prov, &err));
    assert_int_equal(err.status, SIM_INVALID);
    assert_contains(err.msg, "a results file holds at most 67108864");
    assert_int_equal(access(path, F_OK), -1);

    /* A table whose extent says 2^40 rows (extended, never written: no storage): the reader
     * indexes the rows in storage only, and reads the complete runs. */
    path_in(f, "crafted_rows.h5", path);
    sim_catalog *cat = table_catalog();
    sim_h5_writer *w = create_or_fail(f, path, cat);
    write_run(w, cat, 0);
    write_run(w, cat, 1);
    close_ok(w, 0);
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(file >= 0);
    static const char *const names[] = {"project", "project_run", "project_start_h",
                                        "project_value"};
    hsize_t huge = (hsize_t)1 << 40;
    for (size_t i = 0; i < 4; i++) {
        hid_t ds = H5Dopen2(file, names[i], H5P_DEFAULT);
        assert_true(H5Dset_extent(ds, &huge) >= 0);
        H5Dclose(ds);
    }
    H5Fclose(file);
    sim_h5_reader *r = open_read_or_fail(path);
    check_read_run(r, cat, 1);
    check_read_run(r, cat, 0);
    sim_h5_reader_close(r);
    sim_catalog_free(cat);
}

int main(void)
{
    sim_h5_quiet();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roundtrip_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slurm_job_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_run_and_interrupted_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_killed_writer_leaves_readable_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_io_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_space, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_rejects_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_rejects_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zero_length_dimensions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_scenario_and_chunk_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_big_run_compressed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inspect_complete_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inspect_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inspect_foreign_and_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inspect_output_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tables_layout_and_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tables_row_order_and_failed_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tables_record_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tables_append_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_design_coordinates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_design_units_and_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_rejects_bad_tables_and_design, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plain_run_ignores_factors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_failed_and_interrupted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_catalog_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_table_column_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_leftover_and_damaged_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_failed_append_fill, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_bounds_crafted_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_killed_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_bad_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
