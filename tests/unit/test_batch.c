/*
 * Tests of sim_batch with the toy model and real HDF5 files: a fresh batch ends as OUT with
 * every run complete; an existing OUT.part is never overwritten without resume; resume
 * refuses another batch's file, removes a stale OUT.part.new, copies complete and failed
 * runs and ends with the data of an uninterrupted batch; a stop leaves a readable OUT.part;
 * an OUT.part.new left alone by a kill is removed or, when it opens, taken for OUT.part;
 * an unwritable place and a .part that is not HDF5 are errors; fingerprints tell inputs apart.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch_check.h"
#include "sim_batch.h"
#include "sim_h5.h"
#include "sim_runner.h"
#include "toy_model.h"

#define PATH_LEN 600

static const char *const variant_names[] = {"plain", "other", "third"};

typedef struct fixture {
    char dir[256];
    char out[PATH_LEN], part[PATH_LEN], next[PATH_LEN];
    toy_params params;
    int variants[2];
    sim_scenario sc;
    sim_catalog *cat;
    sim_plan plan;
    sim_h5_runs names;
    sim_h5_provenance prov;
    sim_batch b;
    size_t stop_after; /* runs written before the stop hook fires */
    size_t written;
    size_t dir_after; /* runs written before a directory takes OUT's name (0: never) */
} fixture;

static sim_status open_one(void *ctx, size_t d, sim_scenario **out, sim_error *err)
{
    (void)d;
    (void)err;
    *out = ctx;
    return SIM_OK;
}

static int stop_hook(void *ctx)
{
    const fixture *f = ctx;
    return f->written >= f->stop_after ? 1 : 0;
}

static void observe_hook(void *ctx, size_t run, const sim_run_id *id, const sim_record *rec)
{
    fixture *f = ctx;
    (void)run;
    (void)id;
    (void)rec;
    f->written++;
    if (f->written == f->dir_after)
        assert_int_equal(mkdir(f->out, 0700), 0);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ecotwin_test_batch_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->out, sizeof f->out, "%s/out.h5", f->dir);
    snprintf(f->part, sizeof f->part, "%s/out.h5.part", f->dir);
    snprintf(f->next, sizeof f->next, "%s/out.h5.part.new", f->dir);
    toy_params_init(&f->params, 6);
    f->params.events = 500;
    f->variants[0] = 0;
    f->variants[1] = 1;
    toy_scenario(&f->sc, &f->params, 6, f->variants, 2);
    f->cat = sim_runner_catalog(&f->sc);
    assert_non_null(f->cat);
    f->plan = (sim_plan){
        .n_designs = 2,
        .replications = 6,
        .n_variants = 2,
        .variants = f->variants,
        .master_seed = 11,
        .crn = 1,
        .cat = f->cat,
        .open = open_one,
        .ctx = &f->sc,
    };
    f->names = (sim_h5_runs){.variant_names = variant_names, .n_variant_names = 3};
    f->prov = (sim_h5_provenance){
        .title = "test_batch",
        .model = "toy",
        .command_line = "test_batch",
        .scenario_path = "toy",
        .resolved_yaml = "toy: {}\n",
        .rng_algorithm = "toy",
        .threads = 2,
        .ranks = 1,
        .fingerprint = "fp-one",
        .kind = "sweep",
    };
    f->b = (sim_batch){
        .output = f->out,
        .plan = &f->plan,
        .threads = 2,
        .design = &f->names,
        .prov = &f->prov,
        .stop = stop_hook,
        .observe = observe_hook,
        .ctx = f,
    };
    f->stop_after = SIZE_MAX;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    rmdir(f->out);
    unlink(f->out);
    unlink(f->part);
    unlink(f->next);
    char p[PATH_LEN];
    snprintf(p, sizeof p, "%s/ref.h5", f->dir);
    unlink(p);
    rmdir(f->dir);
    sim_catalog_free(f->cat);
    free(f);
    return 0;
}

static size_t complete_runs(const char *path)
{
    sim_error err;
    sim_h5_reader *r = sim_h5_open_read(path, &err);
    assert_non_null(r);
    size_t n = 0;
    for (size_t i = 0; i < sim_h5_reader_n_runs(r); i++)
        n += sim_h5_reader_run_status(r, i) == 1;
    sim_h5_reader_close(r);
    return n;
}

static void make_reference(fixture *f, char ref[PATH_LEN])
{
    snprintf(ref, PATH_LEN, "%s/ref.h5", f->dir);
    sim_batch b = f->b;
    b.output = ref;
    sim_batch_result res;
    sim_error err;
    assert_int_equal(sim_batch_run(&b, &res, &err), SIM_OK);
}

/* ---- tests ---- */

static void test_fresh_batch(void **state)
{
    fixture *f = *state;
    sim_batch_result res;
    sim_error err;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_OK);
    assert_true(exists(f->out));
    assert_false(exists(f->part));
    assert_true(res.complete);
    assert_int_equal(res.pool.runs_done, 24);
    assert_int_equal(res.runs_resumed, 0);
    assert_true(res.write_s > 0 && res.write_s <= res.wall_s);
    assert_int_equal(f->written, 24);
    sim_h5_reader *r = sim_h5_open_read(f->out, &err);
    assert_non_null(r);
    assert_int_equal(sim_h5_reader_n_runs(r), 24);
    assert_int_equal(sim_h5_reader_complete(r), 1);
    assert_string_equal(sim_h5_reader_attr(r, "sweep_fingerprint"), "fp-one");
    assert_string_equal(sim_h5_reader_attr(r, "kind"), "sweep");
    sim_h5_reader_close(r);
}

static void test_part_is_never_overwritten(void **state)
{
    fixture *f = *state;
    FILE *fp = fopen(f->part, "w");
    assert_non_null(fp);
    fputs("hours of work\n", fp);
    fclose(fp);
    sim_batch_result res;
    sim_error err;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_USAGE);
    assert_non_null(strstr(err.msg, "--resume"));
    struct stat st;
    assert_int_equal(stat(f->part, &st), 0);
    assert_int_equal(st.st_size, 14);
    /* A .part that is not an HDF5 file cannot be resumed, and is left alone. */
    f->b.resume = 1;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_IO);
    assert_non_null(strstr(err.msg, "cannot resume from"));
    assert_int_equal(stat(f->part, &st), 0);
    assert_int_equal(st.st_size, 14);
}

static void test_stop_then_resume(void **state)
{
    fixture *f = *state;
    char ref[PATH_LEN];
    make_reference(f, ref);
    f->written = 0;
    /* Stopped after 3 units: the window (8 units) cannot reach the last of the 12. */
    f->stop_after = 5;
    sim_batch_result res;
    sim_error err;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_INTERRUPTED);
    assert_false(exists(f->out));
    assert_true(exists(f->part));
    assert_false(res.complete);
    size_t kept = complete_runs(f->part);
    assert_true(kept >= 5);
    assert_true(kept < 24);
    /* A stale OUT.part.new from a killed resume is removed. */
    FILE *fp = fopen(f->next, "w");
    assert_non_null(fp);
    fclose(fp);
    f->stop_after = SIZE_MAX;
    f->b.resume = 1;
    f->b.threads = 3;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_OK);
    assert_true(res.resumed);
    assert_int_equal(res.runs_resumed, kept);
    assert_int_equal(res.pool.runs_done, 24 - kept);
    assert_false(exists(f->part));
    assert_false(exists(f->next));
    assert_same_data(f->out, ref, f->cat);
}

static void test_resume_refuses_another_batch(void **state)
{
    fixture *f = *state;
    f->stop_after = 2;
    sim_batch_result res;
    sim_error err;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_INTERRUPTED);
    f->stop_after = SIZE_MAX;
    f->b.resume = 1;
    f->prov.fingerprint = "fp-two";
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "was written by a different sweep"));
    assert_true(exists(f->part));
    assert_false(exists(f->out));
    /* Another run count with the same fingerprint is refused too. */
    f->prov.fingerprint = "fp-one";
    f->plan.n_designs = 3;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_INVALID);
    f->plan.n_designs = 2;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_OK);
}

static void test_failed_runs_are_copied(void **state)
{
    fixture *f = *state;
    f->params.fail_rep = 1;
    char ref[PATH_LEN];
    make_reference(f, ref);
    f->written = 0;
    /* Stopped after unit 0: the window (8 units) cannot reach the last of the 12 units. */
    f->stop_after = 2;
    sim_batch_result res;
    sim_error err;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_INTERRUPTED);
    f->stop_after = SIZE_MAX;
    f->b.resume = 1;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_OK);
    assert_int_equal(res.runs_failed, 4); /* replication 1 of both points, two variants */
    assert_same_data(f->out, ref, f->cat);
}

/* OUT.part.new alone: removed when it does not open (killed while it was being created),
 * taken for OUT.part when it does (killed before its last rename). */
static void test_recover_new_file(void **state)
{
    fixture *f = *state;
    FILE *fp = fopen(f->next, "w");
    assert_non_null(fp);
    fputs("half-made\n", fp);
    fclose(fp);
    sim_batch_result res;
    sim_error err;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_OK);
    assert_true(exists(f->out));
    assert_false(exists(f->next));
    assert_int_equal(rename(f->out, f->next), 0);
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_USAGE);
    assert_true(exists(f->part));
    assert_false(exists(f->next));
    f->b.resume = 1;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_OK);
    assert_int_equal(res.runs_resumed, 24);
    assert_int_equal(res.pool.runs_done, 0);
    assert_true(exists(f->out));
    assert_false(exists(f->part));
}

static void test_unwritable_place(void **state)
{
    fixture *f = *state;
    char out[PATH_LEN + 16];
    snprintf(out, sizeof out, "%s/no/such/dir/r.h5", f->dir);
    f->b.output = out;
    sim_batch_result res;
    sim_error err;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_IO);
    assert_non_null(strstr(err.msg, "no/such/dir"));
    assert_non_null(strstr(err.msg, "No such file or directory"));
    assert_null(strstr(err.msg, ".part.new"));
    assert_null(res.kept);
    f->prov.fingerprint = NULL;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_INTERNAL);
}

/* A directory as OUT is refused before any run; one that appears while the batch runs makes
 * the final rename fail: the finished file is OUT.part again, and resume finishes it. */
static void test_directory_as_output(void **state)
{
    fixture *f = *state;
    char ref[PATH_LEN];
    make_reference(f, ref);
    f->written = 0;
    assert_int_equal(mkdir(f->out, 0700), 0);
    sim_batch_result res;
    sim_error err;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_IO);
    assert_non_null(strstr(err.msg, "Is a directory"));
    assert_int_equal(f->written, 0);
    assert_false(exists(f->part));
    assert_false(exists(f->next));
    assert_null(res.kept);
    assert_int_equal(rmdir(f->out), 0);

    f->dir_after = 3;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_IO);
    assert_non_null(strstr(err.msg, "Is a directory"));
    assert_null(strstr(err.msg, ".part.new"));
    assert_non_null(strstr(err.msg, f->part));
    assert_false(res.complete);
    assert_non_null(res.kept);
    assert_string_equal(res.kept, SIM_BATCH_PART_SUFFIX);
    assert_int_equal(res.runs_kept, 24);
    assert_false(exists(f->next));
    assert_int_equal(complete_runs(f->part), 24);

    /* The same in a resume: the new file becomes OUT.part. */
    f->b.resume = 1;
    f->written = 0;
    assert_int_equal(rmdir(f->out), 0);
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_IO);
    assert_true(res.resumed);
    assert_string_equal(res.kept, SIM_BATCH_PART_SUFFIX);
    assert_int_equal(res.runs_kept, 24);
    assert_null(strstr(err.msg, ".part.new"));
    assert_false(exists(f->next));
    assert_int_equal(complete_runs(f->part), 24);

    f->dir_after = 0;
    assert_int_equal(rmdir(f->out), 0);
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_OK);
    assert_null(res.kept);
    assert_false(exists(f->part));
    assert_same_data(f->out, ref, f->cat);
}

static void test_fingerprints(void **state)
{
    fixture *f = *state;
    char a[SIM_BATCH_HASH_HEX], b[SIM_BATCH_HASH_HEX], c[SIM_BATCH_HASH_HEX];
    sim_batch_hash h;
    sim_batch_hash_init(&h);
    sim_batch_hash_text(&h, "ab");
    sim_batch_hash_text(&h, "c");
    sim_batch_hash_plan(&h, &f->plan);
    sim_batch_hash_hex(&h, a);
    sim_batch_hash_init(&h);
    sim_batch_hash_text(&h, "a");
    sim_batch_hash_text(&h, "bc");
    sim_batch_hash_plan(&h, &f->plan);
    sim_batch_hash_hex(&h, b);
    assert_int_equal(strlen(a), 32);
    assert_string_not_equal(a, b);
    f->plan.crn = 0;
    sim_batch_hash_init(&h);
    sim_batch_hash_text(&h, "ab");
    sim_batch_hash_text(&h, "c");
    sim_batch_hash_plan(&h, &f->plan);
    sim_batch_hash_hex(&h, c);
    assert_string_not_equal(a, c);
    f->plan.crn = 1;
    sim_batch_hash_init(&h);
    sim_batch_hash_text(&h, "ab");
    sim_batch_hash_text(&h, "c");
    sim_batch_hash_plan(&h, &f->plan);
    sim_batch_hash_hex(&h, c);
    assert_string_equal(a, c);
    char *part = sim_batch_part_path("x.h5");
    assert_string_equal(part, "x.h5.part");
    free(part);
}

int main(void)
{
    sim_h5_quiet();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fresh_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_part_is_never_overwritten, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_then_resume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_refuses_another_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_runs_are_copied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recover_new_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_as_output, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fingerprints, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
