/*
 * Tests of sim_batch's shards and merge with the toy model and real HDF5 files: the run count
 * of each shard; a shard's file holds exactly its runs (round robin over units), is complete
 * and says which shard it is; shards merged through `sources` (in any order of computation)
 * equal the whole batch run at once; a resume refuses another shard's OUT.part; a merge from
 * a source that lacks a run is refused; a stopped merge resumes; inconsistent shard or source
 * arguments are internal errors.
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
#define SHARDS   3
#define N_UNITS  12 /* 2 design points x 6 replications */
#define N_RUNS   24

static const char *const variant_names[] = {"plain", "other", "third"};

typedef struct fixture {
    char dir[256];
    char files[8][PATH_LEN]; /* 0 whole, 1..3 shard bases, 4 merged, 5 spare */
    char shard_text[SHARDS][16];
    toy_params params;
    int variants[2];
    sim_scenario sc;
    sim_catalog *cat;
    sim_plan plan;
    sim_h5_runs names;
    sim_h5_provenance prov;
    sim_batch b;
    size_t stop_after, written;
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
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ecotwin_test_batch_shard_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    const char *names[] = {"whole", "s", "s", "s", "merged", "spare"};
    for (int i = 0; i < 6; i++)
        snprintf(f->files[i], PATH_LEN, "%s/%s%s.h5", f->dir, names[i],
                 i >= 1 && i <= 3 ? (const char *[]){"0", "1", "2"}[i - 1] : "");
    for (int i = 0; i < SHARDS; i++)
        snprintf(f->shard_text[i], sizeof f->shard_text[i], "%d/%d", i, SHARDS);
    toy_params_init(&f->params, 6);
    f->params.events = 300;
    f->variants[0] = 0;
    f->variants[1] = 1;
    toy_scenario(&f->sc, &f->params, 6, f->variants, 2);
    f->cat = sim_runner_catalog(&f->sc);
    assert_non_null(f->cat);
    f->plan = (sim_plan){.n_designs = 2,
                         .replications = 6,
                         .n_variants = 2,
                         .variants = f->variants,
                         .master_seed = 5,
                         .crn = 1,
                         .cat = f->cat,
                         .open = open_one,
                         .ctx = &f->sc};
    f->names = (sim_h5_runs){.variant_names = variant_names, .n_variant_names = 3};
    f->prov = (sim_h5_provenance){.title = "test_batch_shard",
                                  .model = "toy",
                                  .command_line = "test_batch_shard",
                                  .scenario_path = "toy",
                                  .resolved_yaml = "toy: {}\n",
                                  .rng_algorithm = "toy",
                                  .threads = 2,
                                  .ranks = 1,
                                  .fingerprint = "fp-shard",
                                  .kind = "sweep"};
    f->b = (sim_batch){.output = f->files[0],
                       .plan = &f->plan,
                       .threads = 2,
                       .design = &f->names,
                       .prov = &f->prov,
                       .stop = stop_hook,
                       .observe = observe_hook,
                       .ctx = f};
    f->stop_after = SIZE_MAX;
    *state = f;
    return 0;
}

static void remove_all(const char *base)
{
    char p[PATH_LEN + 16];
    unlink(base);
    snprintf(p, sizeof p, "%s.part", base);
    unlink(p);
    snprintf(p, sizeof p, "%s.part.new", base);
    unlink(p);
}

static int teardown(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < 6; i++)
        remove_all(f->files[i]);
    rmdir(f->dir);
    sim_catalog_free(f->cat);
    free(f);
    return 0;
}

/* Run shard i of SHARDS into files[1 + i]. */
static sim_status run_shard(fixture *f, size_t i, sim_error *err)
{
    sim_batch b = f->b;
    b.output = f->files[1 + i];
    b.shard = i;
    b.n_shards = SHARDS;
    f->prov.shard = f->shard_text[i];
    sim_batch_result res;
    sim_status st = sim_batch_run(&b, &res, err);
    f->prov.shard = NULL;
    return st;
}

static void open_sources(const fixture *f, sim_h5_reader *src[SHARDS])
{
    sim_error err;
    for (int i = 0; i < SHARDS; i++) {
        src[i] = sim_h5_open_read(f->files[1 + i], &err);
        assert_non_null(src[i]);
    }
}

static void close_sources(sim_h5_reader *src[SHARDS])
{
    for (int i = 0; i < SHARDS; i++)
        sim_h5_reader_close(src[i]);
}

/* ---- tests ---- */

static void test_shard_runs(void **state)
{
    fixture *f = *state;
    assert_int_equal(sim_batch_shard_runs(&f->plan, 0, 0), N_RUNS);
    assert_int_equal(sim_batch_shard_runs(&f->plan, 0, 1), N_RUNS);
    /* 12 units over 5 shards: 3, 3, 2, 2, 2 units of 2 runs. */
    size_t want[5] = {6, 6, 4, 4, 4}, sum = 0;
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(sim_batch_shard_runs(&f->plan, i, 5), want[i]);
        sum += sim_batch_shard_runs(&f->plan, i, 5);
    }
    assert_int_equal(sum, N_RUNS);
    /* More shards than units: the last ones are empty. */
    assert_int_equal(sim_batch_shard_runs(&f->plan, 12, 13), 0);
}

static void test_shard_file_holds_its_runs(void **state)
{
    fixture *f = *state;
    sim_error err;
    assert_int_equal(run_shard(f, 1, &err), SIM_OK);
    assert_true(exists(f->files[2]));
    assert_int_equal(f->written, 8);
    sim_h5_reader *r = sim_h5_open_read(f->files[2], &err);
    assert_non_null(r);
    assert_int_equal(sim_h5_reader_n_runs(r), N_RUNS);
    assert_int_equal(sim_h5_reader_complete(r), 1);
    assert_string_equal(sim_h5_reader_attr(r, "shard"), "1/3");
    assert_string_equal(sim_h5_reader_attr(r, "sweep_fingerprint"), "fp-shard");
    for (size_t run = 0; run < N_RUNS; run++) {
        int own = (run / 2) % SHARDS == 1;
        assert_int_equal(sim_h5_reader_run_status(r, run), own ? 1 : 0);
    }
    sim_h5_reader_close(r);
}

static void test_merge_equals_whole(void **state)
{
    fixture *f = *state;
    sim_error err;
    sim_batch_result res;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_OK);
    for (size_t i = SHARDS; i-- > 0;)
        assert_int_equal(run_shard(f, i, &err), SIM_OK);
    sim_h5_reader *src[SHARDS];
    open_sources(f, src);
    sim_batch m = f->b;
    m.output = f->files[4];
    m.sources = src;
    m.n_sources = SHARDS;
    f->written = 0;
    assert_int_equal(sim_batch_run(&m, &res, &err), SIM_OK);
    assert_true(res.complete);
    assert_int_equal(res.pool.runs_done, 0);
    assert_int_equal(res.pool.runs_copied, N_RUNS);
    assert_int_equal(res.runs_resumed, 0);
    assert_int_equal(f->written, N_RUNS);
    close_sources(src);
    assert_same_data(f->files[0], f->files[4], f->cat);
}

static void test_stopped_merge_resumes(void **state)
{
    fixture *f = *state;
    sim_error err;
    sim_batch_result res;
    assert_int_equal(sim_batch_run(&f->b, &res, &err), SIM_OK);
    for (size_t i = 0; i < SHARDS; i++)
        assert_int_equal(run_shard(f, i, &err), SIM_OK);
    sim_h5_reader *src[SHARDS];
    open_sources(f, src);
    sim_batch m = f->b;
    m.output = f->files[4];
    m.sources = src;
    m.n_sources = SHARDS;
    f->written = 0;
    f->stop_after = 6;
    assert_int_equal(sim_batch_run(&m, &res, &err), SIM_INTERRUPTED);
    char part[PATH_LEN + 8];
    snprintf(part, sizeof part, "%s.part", f->files[4]);
    assert_true(exists(part));
    f->stop_after = SIZE_MAX;
    m.resume = 1;
    assert_int_equal(sim_batch_run(&m, &res, &err), SIM_OK);
    assert_true(res.resumed);
    assert_true(res.runs_resumed >= 6 && res.runs_resumed < N_RUNS);
    assert_false(exists(part));
    close_sources(src);
    assert_same_data(f->files[0], f->files[4], f->cat);
}

static void test_resume_refuses_other_shard(void **state)
{
    fixture *f = *state;
    sim_error err;
    f->stop_after = 2;
    assert_int_equal(run_shard(f, 0, &err), SIM_INTERRUPTED);
    f->stop_after = SIZE_MAX;
    /* Shard 0's OUT.part under shard 2's name. */
    char from[PATH_LEN + 8], to[PATH_LEN + 8];
    snprintf(from, sizeof from, "%s.part", f->files[1]);
    snprintf(to, sizeof to, "%s.part", f->files[3]);
    assert_int_equal(rename(from, to), 0);
    f->b.resume = 1;
    assert_int_equal(run_shard(f, 2, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "holds shard 0/3 of this sweep, not shard 2/3"));
    assert_true(exists(to));
    /* Nor may the whole batch resume a shard's file. */
    sim_batch b = f->b;
    b.output = f->files[3];
    sim_batch_result res;
    assert_int_equal(sim_batch_run(&b, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "not every run"));
    /* Its own shard continues it. */
    assert_int_equal(rename(to, from), 0);
    assert_int_equal(run_shard(f, 0, &err), SIM_OK);
    assert_true(exists(f->files[1]));
}

static void test_merge_refuses_missing_run(void **state)
{
    fixture *f = *state;
    sim_error err;
    for (size_t i = 0; i < SHARDS; i++)
        assert_int_equal(run_shard(f, i, &err), SIM_OK);
    sim_h5_reader *src[SHARDS];
    open_sources(f, src);
    sim_h5_reader *wrong[SHARDS] = {src[0], src[0], src[2]};
    sim_batch m = f->b;
    m.output = f->files[4];
    m.sources = wrong;
    m.n_sources = SHARDS;
    sim_batch_result res;
    assert_int_equal(sim_batch_run(&m, &res, &err), SIM_INVALID);
    assert_non_null(strstr(err.msg, "run 2 has no status (0)"));
    assert_false(exists(f->files[4]));
    close_sources(src);
}

static void test_inconsistent_arguments(void **state)
{
    fixture *f = *state;
    sim_error err;
    sim_batch_result res;
    sim_batch b = f->b;
    b.n_shards = 3;
    b.shard = 3;
    f->prov.shard = "3/3";
    assert_int_equal(sim_batch_run(&b, &res, &err), SIM_INTERNAL);
    b.shard = 1;
    f->prov.shard = NULL; /* a shard must say so in its file */
    assert_int_equal(sim_batch_run(&b, &res, &err), SIM_INTERNAL);
    b.n_shards = 0;
    assert_int_equal(sim_batch_run(&b, &res, &err), SIM_INTERNAL);
    sim_h5_reader *none[1] = {NULL};
    b.shard = 0;
    b.sources = none;
    b.n_sources = 0;
    assert_int_equal(sim_batch_run(&b, &res, &err), SIM_INTERNAL);
    b.n_sources = 1;
    b.n_shards = 2;
    f->prov.shard = "0/2";
    assert_int_equal(sim_batch_run(&b, &res, &err), SIM_INTERNAL);
    assert_non_null(strstr(err.msg, "inconsistent shard or sources"));
    assert_false(exists(f->files[0]));
}

int main(void)
{
    sim_h5_quiet();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_shard_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shard_file_holds_its_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_equals_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stopped_merge_resumes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resume_refuses_other_shard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_refuses_missing_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inconsistent_arguments, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
