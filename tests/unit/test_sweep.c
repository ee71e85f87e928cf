/*
 * Unit tests of sim_sweep: sweep files of every design (tests/data/sweeps), factor paths
 * (names, indices, keys left to defaults, misspellings with suggestions), values and their
 * texts, design points opened as scenarios (values applied, defaults that follow factors, a
 * point out of range failing alone, several threads at once), overrides, and every sweep
 * file of the bad corpus (tests/data/bad/sweep_*.yaml) against its "# expect:" lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_qrng.h>

#include "sim_sweep.h"

#ifndef ECOTWIN_TEST_DATA_DEFAULT
#define ECOTWIN_TEST_DATA_DEFAULT "tests/data"
#endif

/* ---- helpers ---- */

static const char *data_dir(void)
{
    const char *d = getenv("ECOTWIN_TEST_DATA");
    return d && *d ? d : ECOTWIN_TEST_DATA_DEFAULT;
}

static void print_diags(sim_sweep *sw)
{
    for (size_t i = 0; sw != NULL && i < sim_sweep_diag_count(sw); i++)
        print_message("  diag: %s\n", sim_sweep_diag_text(sw, i));
}

static sim_sweep *open_path(const char *path, const sim_overrides *ov, sim_status want)
{
    sim_sweep *sw = NULL;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_sweep_open(path, ov, &sw, &err);
    if (st != want) {
        print_diags(sw);
        fail_msg("%s: status %d (%s), expected %d", path, st, err.msg, want);
    }
    return sw;
}

static sim_sweep *open_data(const char *rel, sim_status want)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/sweeps/%s", data_dir(), rel);
    return open_path(path, NULL, want);
}

/* A sweep file written into a temporary directory, extending tests/data/good/tiny.yaml. */
static char tmp_dir[PATH_MAX];

static sim_sweep *open_text(const char *body, sim_status want)
{
    char path[PATH_MAX + 32], base[PATH_MAX];
    char rel[PATH_MAX];
    snprintf(rel, sizeof rel, "%s/good/tiny.yaml", data_dir());
    assert_non_null(realpath(rel, base));
    snprintf(path, sizeof path, "%s/sweep.yaml", tmp_dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fprintf(fp, "extends: %s\n%s", base, body);
    fclose(fp);
    return open_path(path, NULL, want);
}

static void assert_diag(sim_sweep *sw, const char *want)
{
    for (size_t i = 0; i < sim_sweep_diag_count(sw); i++)
        if (strstr(sim_sweep_diag_text(sw, i), want) != NULL)
            return;
    print_diags(sw);
    fail_msg("no diagnostic contains: %s", want);
}

/* Text of the scalar at a dotted path with [i] indices in a scenario's tree. */
static const char *tree_text(const sim_scenario *sc, const char *path)
{
    const sim_cfg_node *n = sim_cfg_root(sc->cfg);
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *save = NULL, *seg = strtok_r(buf, ".", &save); seg && n;
         seg = strtok_r(NULL, ".", &save)) {
        char *br = strchr(seg, '[');
        if (br != NULL)
            *br = '\0';
        if (*seg)
            n = sim_cfg_peek(n, seg);
        if (br != NULL)
            n = sim_cfg_at(n, (size_t)atoi(br + 1));
    }
    return sim_cfg_scalar_text(n);
}

static sim_scenario *open_point(const sim_sweep *sw, size_t d, sim_status want)
{
    sim_scenario *sc = NULL;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_sweep_open_design(sw, d, &sc, &err);
    if (st != want) {
        for (size_t i = 0; sc && i < sim_scenario_diag_count(sc); i++)
            print_message("  point diag: %s\n", sim_scenario_diag_text(sc, i));
        fail_msg("point %zu: status %d (%s), expected %d", d, st, err.msg, want);
    }
    return sc;
}

static void assert_text(const char *got, const char *want)
{
    if (got == NULL || strcmp(got, want) != 0)
        fail_msg("got \"%s\", expected \"%s\"", got ? got : "(null)", want);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/test_sweep_XXXXXX");
    return mkdtemp(tmp_dir) ? 0 : -1;
}

static void write_tmp(const char *name, const char *text)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int teardown(void **state)
{
    (void)state;
    static const char *const names[] = {"sweep.yaml", "d.csv", NULL};
    char path[PATH_MAX + 64];
    for (const char *const *n = names; *n; n++) {
        snprintf(path, sizeof path, "%s/%s", tmp_dir, *n);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/dir.csv", tmp_dir);
    rmdir(path);
    return rmdir(tmp_dir);
}

/* ---- designs from files ---- */

static void test_grid(void **state)
{
    (void)state;
    sim_sweep *sw = open_data("grid.yaml", SIM_OK);
    assert_int_equal(sim_sweep_design(sw), SIM_DESIGN_GRID);
    assert_string_equal(sim_sweep_design_name(SIM_DESIGN_GRID), "grid");
    assert_int_equal(sim_sweep_n_points(sw), 12);
    assert_int_equal(sim_sweep_n_factors(sw), 3);
    assert_string_equal(sim_sweep_factor_path(sw, 0), "companies.alpha.arrival_rate_per_h");
    assert_string_equal(sim_sweep_factor_var(sw, 0), "param_companies_alpha_arrival_rate_per_h");
    assert_string_equal(sim_sweep_factor_var(sw, 2), "param_companies_1__n_crews");
    assert_null(sim_sweep_factor_path(sw, 3));
    /* Last factor fastest: point d = 6 i + 3 j + k. */
    static const double rate[] = {0.4, 0.6};
    for (size_t d = 0; d < 12; d++) {
        assert_float_equal(sim_sweep_value(sw, d, 0), rate[d / 6], 0.0);
        assert_float_equal(sim_sweep_value(sw, d, 1), (double)(d / 3 % 2), 0.0);
        assert_float_equal(sim_sweep_value(sw, d, 2), (double)(d % 3 + 1), 0.0);
    }
    assert_text(sim_sweep_value_text(sw, 11, 0), "0.6"); /* written 0.60 */
    assert_text(sim_sweep_value_text(sw, 3, 1), "fixed_fraction");
    assert_text(sim_sweep_value_text(sw, 4, 2), "2");
    assert_true(isnan(sim_sweep_value(sw, 12, 0)));
    assert_null(sim_sweep_value_text(sw, 0, 3));
    assert_false(sim_sweep_factor_categorical(sw, 0));
    assert_true(sim_sweep_factor_categorical(sw, 1));
    assert_null(sim_sweep_factor_levels(sw, 0));
    const char *const *levels = sim_sweep_factor_levels(sw, 1);
    assert_non_null(levels);
    assert_string_equal(levels[0], "risk_quantile");
    assert_string_equal(levels[1], "fixed_fraction");
    assert_null(levels[2]);
    const sim_scenario *base = sim_sweep_base(sw);
    assert_int_equal(base->replications, 2);
    assert_non_null(strstr(sim_sweep_resolved_yaml(sw), "design: grid"));
    assert_non_null(strstr(sim_sweep_resolved_yaml(sw), "replications: 2"));
    sim_sweep_free(sw);
}

static void test_grid_points_applied(void **state)
{
    (void)state;
    sim_sweep *sw = open_data("grid.yaml", SIM_OK);
    sim_scenario *sc = open_point(sw, 11, SIM_OK);
    assert_text(tree_text(sc, "companies[0].arrival_rate_per_h"), "0.6");
    assert_text(tree_text(sc, "maintenance.pm_policy"), "fixed_fraction");
    assert_text(tree_text(sc, "companies[1].n_crews"), "3");
    /* Keys the factors do not touch keep the base's values; the base tree is unchanged. */
    assert_text(tree_text(sc, "companies[1].arrival_rate_per_h"), "1.0");
    assert_int_equal(sc->replications, 2);
    assert_non_null(strstr(sc->path, "design point 11"));
    sim_scenario_free(sc);
    sc = open_point(sw, 0, SIM_OK);
    assert_text(tree_text(sc, "companies[0].arrival_rate_per_h"), "0.4");
    assert_text(tree_text(sc, "maintenance.pm_policy"), "risk_quantile");
    sim_scenario_free(sc);
    const sim_scenario *base = sim_sweep_base(sw);
    assert_text(tree_text(base, "companies[0].arrival_rate_per_h"), "0.6");
    assert_text(tree_text(base, "companies[1].n_crews"), "1");
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_sweep_open_design(sw, 12, &sc, &err), SIM_INTERNAL);
    assert_null(sc);
    sim_sweep_free(sw);
}

static void test_zip(void **state)
{
    (void)state;
    sim_sweep *sw = open_data("zip.yaml", SIM_OK);
    assert_int_equal(sim_sweep_design(sw), SIM_DESIGN_ZIP);
    assert_int_equal(sim_sweep_n_points(sw), 3);
    static const double rate[] = {0.3, 0.4, 0.5}, crews[] = {1, 2, 2};
    for (size_t d = 0; d < 3; d++) {
        assert_float_equal(sim_sweep_value(sw, d, 0), rate[d], 0.0);
        assert_float_equal(sim_sweep_value(sw, d, 1), crews[d], 0.0);
    }
    sim_scenario *sc = open_point(sw, 2, SIM_OK);
    assert_text(tree_text(sc, "companies[0].arrival_rate_per_h"), "0.5");
    assert_text(tree_text(sc, "companies[0].n_crews"), "2");
    sim_scenario_free(sc);
    sim_sweep_free(sw);
}

static void test_list(void **state)
{
    (void)state;
    sim_sweep *sw = open_data("list.yaml", SIM_OK);
    assert_int_equal(sim_sweep_design(sw), SIM_DESIGN_LIST);
    assert_int_equal(sim_sweep_n_points(sw), 3);
    assert_int_equal(sim_sweep_n_factors(sw), 2);
    assert_string_equal(sim_sweep_factor_path(sw, 1), "mechanisms.twins");
    assert_true(sim_sweep_factor_categorical(sw, 1));
    /* Keys in another order still land on their factors. */
    assert_float_equal(sim_sweep_value(sw, 1, 0), 0.8, 0.0);
    assert_text(sim_sweep_value_text(sw, 1, 1), "false");
    assert_float_equal(sim_sweep_value(sw, 1, 1), 1.0, 0.0);
    assert_float_equal(sim_sweep_value(sw, 2, 1), 0.0, 0.0);
    assert_text(sim_sweep_value_text(sw, 2, 0), "0.125"); /* written 1.25e-1 */
    sim_scenario *sc = open_point(sw, 1, SIM_OK);
    assert_text(tree_text(sc, "mechanisms.twins"), "false");
    assert_text(tree_text(sc, "companies[1].arrival_rate_per_h"), "0.8");
    /* mechanisms: is not in the file: it was copied from the resolved base, then set. */
    assert_text(tree_text(sc, "mechanisms.failures"), "true");
    sim_scenario_free(sc);
    sim_sweep_free(sw);
}

static void assert_lhs_strata(const sim_sweep *sw, size_t f, double lo, double hi)
{
    size_t n = sim_sweep_n_points(sw);
    int *hit = calloc(n, sizeof *hit);
    assert_non_null(hit);
    for (size_t d = 0; d < n; d++) {
        double v = sim_sweep_value(sw, d, f);
        assert_true(v >= lo && v <= hi);
        size_t s = (size_t)floor((v - lo) / (hi - lo) * (double)n);
        assert_true(s < n);
        hit[s]++;
        /* The text reads back as the value. */
        assert_true(strtod(sim_sweep_value_text(sw, d, f), NULL) == v);
    }
    for (size_t s = 0; s < n; s++)
        if (hit[s] != 1)
            fail_msg("factor %zu stratum %zu hit %d times", f, s, hit[s]);
    free(hit);
}

static void test_lhs(void **state)
{
    (void)state;
    sim_sweep *sw = open_data("lhs.yaml", SIM_OK);
    assert_int_equal(sim_sweep_design(sw), SIM_DESIGN_LHS);
    assert_int_equal(sim_sweep_n_points(sw), 20);
    assert_lhs_strata(sw, 0, 0.2, 0.6);
    assert_lhs_strata(sw, 1, 0.1, 0.5);
    /* The seed defaulted to the master seed (7) and is recorded. */
    assert_non_null(strstr(sim_sweep_resolved_yaml(sw), "seed: 7"));
    sim_sweep *again = open_data("lhs.yaml", SIM_OK);
    for (size_t d = 0; d < 20; d++)
        assert_true(sim_sweep_value(sw, d, 1) == sim_sweep_value(again, d, 1));
    sim_sweep_free(again);
    sim_sweep *other = open_text("sweep:\n  design: lhs\n  samples: 20\n  seed: 8\n  factors:\n"
                                 "    companies.alpha.arrival_rate_per_h: {min: 0.2, max: 0.6}\n",
                                 SIM_OK);
    size_t same = 0;
    for (size_t d = 0; d < 20; d++)
        same += sim_sweep_value(sw, d, 0) == sim_sweep_value(other, d, 0);
    assert_int_equal(same, 0);
    assert_lhs_strata(other, 0, 0.2, 0.6);
    sim_sweep_free(other);
    sim_scenario *sc = open_point(sw, 5, SIM_OK);
    assert_text(tree_text(sc, "prediction.sigma_ref"), sim_sweep_value_text(sw, 5, 1));
    sim_scenario_free(sc);
    sim_sweep_free(sw);
}

static void test_sobol(void **state)
{
    (void)state;
    sim_sweep *sw = open_data("sobol.yaml", SIM_OK);
    assert_int_equal(sim_sweep_n_points(sw), 16);
    static const double lo[] = {0.2, 0.1, 100}, hi[] = {0.6, 0.5, 900};
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, 3);
    double u[3];
    for (size_t d = 0; d < 16; d++) {
        gsl_qrng_get(q, u);
        for (size_t f = 0; f < 3; f++)
            assert_float_equal(sim_sweep_value(sw, d, f), lo[f] + (hi[f] - lo[f]) * u[f], 1e-15);
    }
    gsl_qrng_free(q);
    assert_text(sim_sweep_value_text(sw, 0, 2), "500"); /* the centre comes first */
    sim_scenario *sc = open_point(sw, 1, SIM_OK);
    assert_text(tree_text(sc, "maintenance.cost_pm_eur"), "700");
    sim_scenario_free(sc);
    sim_sweep_free(sw);
}

static void test_saltelli(void **state)
{
    (void)state;
    sim_sweep *sw = open_data("saltelli.yaml", SIM_OK);
    size_t n = 8, k = 3;
    assert_int_equal(sim_sweep_n_points(sw), n * (k + 2));
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < k; i++)
            for (size_t c = 0; c < k; c++) {
                double ab = sim_sweep_value(sw, (2 + i) * n + j, c);
                double want = sim_sweep_value(sw, (c == i ? n : 0) + j, c);
                assert_true(ab == want);
            }
    /* Row 0 of A and of B is the sequence's first point, the centre (0.5, ...); otherwise
     * A and B differ in every column. */
    for (size_t c = 0; c < k; c++) {
        assert_true(sim_sweep_value(sw, 0, c) == sim_sweep_value(sw, n, c));
        size_t differ = 0;
        for (size_t j = 1; j < n; j++)
            differ += sim_sweep_value(sw, j, c) != sim_sweep_value(sw, n + j, c);
        if (differ < n / 2)
            fail_msg("column %zu: A and B differ in %zu rows of %zu", c, differ, n);
    }
    sim_sweep_free(sw);
}

static void test_csv(void **state)
{
    (void)state;
    sim_sweep *sw = open_data("csv.yaml", SIM_OK);
    assert_int_equal(sim_sweep_design(sw), SIM_DESIGN_CSV);
    assert_int_equal(sim_sweep_n_points(sw), 3);
    assert_int_equal(sim_sweep_n_factors(sw), 3);
    assert_string_equal(sim_sweep_factor_path(sw, 1), "maintenance.pm_policy");
    assert_float_equal(sim_sweep_value(sw, 1, 0), 0.5, 0.0);
    assert_text(sim_sweep_value_text(sw, 2, 0), "0.1");
    assert_true(sim_sweep_factor_categorical(sw, 1));
    assert_text(sim_sweep_value_text(sw, 1, 1), "fixed_fraction");
    assert_float_equal(sim_sweep_value(sw, 2, 1), 0.0, 0.0);
    assert_true(sim_sweep_factor_categorical(sw, 2));
    sim_scenario *sc = open_point(sw, 1, SIM_OK);
    assert_text(tree_text(sc, "maintenance.pm_policy"), "fixed_fraction");
    assert_text(tree_text(sc, "mechanisms.twins"), "false");
    assert_text(tree_text(sc, "companies[0].arrival_rate_per_h"), "0.5");
    sim_scenario_free(sc);
    sim_sweep_free(sw);
}

/* ---- paths ---- */

static void test_paths(void **state)
{
    (void)state;
    /* By name, by index, a key the base leaves to its default, a map the file leaves out,
     * an element of a scalar list. */
    sim_sweep *sw = open_text("sweep:\n  factors:\n"
                              "    companies.beta.twin_share: [0.1]\n"
                              "    companies[0].service_time.mean_h: [3.5]\n"
                              "    prediction.sigma_ref: [0.2]\n"
                              "    companies.alpha.knowledge[2]: [0.25]\n"
                              "    companies[1].knowledge[3]: [1.5]\n",
                              SIM_OK);
    assert_int_equal(sim_sweep_n_points(sw), 1);
    sim_scenario *sc = open_point(sw, 0, SIM_OK);
    assert_text(tree_text(sc, "companies[1].twin_share"), "0.1");
    assert_text(tree_text(sc, "companies[0].service_time.mean_h"), "3.5");
    assert_text(tree_text(sc, "companies[0].service_time.dist"), "lognormal");
    assert_text(tree_text(sc, "prediction.sigma_ref"), "0.2");
    assert_text(tree_text(sc, "companies[0].knowledge[2]"), "0.25");
    assert_text(tree_text(sc, "companies[0].knowledge[0]"), "2");
    assert_text(tree_text(sc, "companies[1].knowledge[3]"), "1.5");
    assert_text(tree_text(sc, "companies[1].knowledge[2]"), "0.3");
    sim_scenario_free(sc);
    sim_sweep_free(sw);
}

static void test_path_errors(void **state)
{
    (void)state;
    sim_sweep *sw = open_text("sweep:\n  factors:\n"
                              "    companies.alpha.twin_shar: [0.1]\n"
                              "    companies.alfa.n_assets: [1]\n"
                              "    maintenence.cost_pm_eur: [1]\n"
                              "    companies[2].n_assets: [1]\n"
                              "    companies.alpha.service_time: [1]\n"
                              "    simulation[0]: [1]\n"
                              "    companies[x].n_assets: [1]\n"
                              "    simulation..horizon_h: [1]\n"
                              "    simulation.horizon_h.: [1]\n"
                              "    simulation.horizon_h.x: [1]\n"
                              "    .simulation: [1]\n"
                              "    companies.alpha.knowledge.x: [1]\n"
                              "    companies[0]x: [1]\n"
                              "    simulation.zzzzzzzzzz: [1]\n",
                              SIM_INVALID);
    assert_diag(sw, "sweep.yaml:4:5: factor companies.alpha.twin_shar: no key \"twin_shar\" in "
                    "companies.alpha; did you mean \"twin_share\"?");
    assert_diag(sw, "sweep.yaml:5:5: factor companies.alfa.n_assets: no element named \"alfa\" in "
                    "companies; did you mean \"alpha\"?");
    assert_diag(sw, "no key \"maintenence\" at the top level; did you mean \"maintenance\"?");
    assert_diag(sw, "index 2 is out of range: companies has 2 elements");
    assert_diag(sw, "factor companies.alpha.service_time: names a map, not one value");
    assert_diag(sw, "simulation is not a list; [0] needs one");
    assert_diag(sw, "malformed index at \"[x].n_assets\"");
    assert_diag(sw, "factor simulation..horizon_h: a key is missing between dots");
    assert_diag(sw, "the path ends with a dot");
    assert_diag(sw, "simulation.horizon_h is a single value; it has no key \"x\"");
    assert_diag(sw, "a key is missing at the start");
    assert_diag(sw, "companies.alpha.knowledge is a list without names");
    assert_diag(sw, "malformed path at \"x\"");
    assert_diag(sw, "no key \"zzzzzzzzzz\" in simulation (keys here: horizon_h, warmup_h");
    sim_sweep_free(sw);
}

/* ---- design points ---- */

static void test_defaults_follow_factors(void **state)
{
    (void)state;
    sim_sweep *sw = open_data("roles.yaml", SIM_OK);
    assert_text(tree_text(sim_sweep_base(sw), "companies[1].process_class"), "3");
    sim_scenario *sc = open_point(sw, 0, SIM_OK);
    assert_text(tree_text(sc, "companies[1].process_class"), "3"); /* utilizer template */
    sim_scenario_free(sc);
    sc = open_point(sw, 1, SIM_OK);
    assert_text(tree_text(sc, "companies[1].role"), "oem");
    assert_text(tree_text(sc, "companies[1].process_class"), "1"); /* oem template */
    sim_scenario_free(sc);
    sim_sweep_free(sw);
}

static void test_point_out_of_range(void **state)
{
    (void)state;
    sim_sweep *sw = open_data("out_of_range.yaml", SIM_OK);
    assert_int_equal(sim_sweep_n_points(sw), 3);
    sim_scenario *sc = open_point(sw, 0, SIM_OK);
    sim_scenario_free(sc);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_sweep_open_design(sw, 1, &sc, &err), SIM_INVALID);
    assert_non_null(sc);
    /* The message names the parameter and the place the level was written. */
    if (strstr(err.msg, "out_of_range.yaml:6:33: companies[1].n_crews") == NULL)
        fail_msg("message: %s", err.msg);
    assert_true(sim_scenario_diag_count(sc) >= 1);
    sim_scenario_free(sc);
    sc = open_point(sw, 2, SIM_OK);
    sim_scenario_free(sc);
    sim_sweep_free(sw);
}

static void test_overrides(void **state)
{
    (void)state;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/sweeps/zip.yaml", data_dir());
    sim_overrides ov = SIM_OVERRIDES_NONE;
    ov.replications = 5;
    ov.has_seed = 1;
    ov.seed = 99;
    sim_sweep *sw = open_path(path, &ov, SIM_OK);
    assert_int_equal(sim_sweep_base(sw)->replications, 5);
    assert_int_equal(sim_sweep_base(sw)->master_seed, 99);
    sim_scenario *sc = open_point(sw, 1, SIM_OK);
    assert_int_equal(sc->replications, 5);
    assert_int_equal(sc->master_seed, 99);
    sim_scenario_free(sc);
    sim_sweep_free(sw);
}

typedef struct thread_job {
    const sim_sweep *sw;
    size_t first, step;
    char **yaml;
    int failed;
} thread_job;

static void *open_points(void *arg)
{
    thread_job *job = arg;
    for (size_t d = job->first; d < sim_sweep_n_points(job->sw); d += job->step) {
        sim_scenario *sc = NULL;
        sim_error err;
        if (sim_sweep_open_design(job->sw, d, &sc, &err) != SIM_OK)
            job->failed = 1;
        else
            job->yaml[d] = strdup(sc->resolved_yaml);
        sim_scenario_free(sc);
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    sim_sweep *sw = open_data("grid.yaml", SIM_OK);
    size_t n = sim_sweep_n_points(sw);
    char **serial = calloc(n, sizeof *serial), **parallel = calloc(n, sizeof *parallel);
    assert_non_null(serial);
    assert_non_null(parallel);
    thread_job one = {sw, 0, 1, serial, 0};
    open_points(&one);
    thread_job jobs[4];
    pthread_t tid[4];
    for (size_t t = 0; t < 4; t++) {
        jobs[t] = (thread_job){sw, t, 4, parallel, 0};
        assert_int_equal(pthread_create(&tid[t], NULL, open_points, &jobs[t]), 0);
    }
    for (size_t t = 0; t < 4; t++) {
        pthread_join(tid[t], NULL);
        assert_false(jobs[t].failed);
    }
    assert_false(one.failed);
    for (size_t d = 0; d < n; d++) {
        assert_non_null(parallel[d]);
        assert_string_equal(serial[d], parallel[d]);
        if (d > 0)
            assert_true(strcmp(serial[d], serial[d - 1]) != 0);
    }
    for (size_t d = 0; d < n; d++) {
        free(serial[d]);
        free(parallel[d]);
    }
    free(serial);
    free(parallel);
    sim_sweep_free(sw);
}

/* ---- invalid sweeps ---- */

static void test_open_errors(void **state)
{
    (void)state;
    sim_sweep *sw = open_path("/nonexistent/sweep.yaml", NULL, SIM_NOINPUT);
    sim_sweep_free(sw);
    sw = open_text("simulation: {replications: 2}\n", SIM_INVALID);
    assert_diag(sw, "sweep: missing");
    sim_sweep_free(sw);
    sw = open_text("sweep:\n  design: grid\n  factors: ~\n", SIM_INVALID);
    assert_diag(sw, "sweep.factors: missing");
    sim_sweep_free(sw);
    sw = open_text("sweep:\n  design: grid\n  factors: {}\n", SIM_INVALID);
    assert_diag(sw, "sweep.factors: at least one factor is required");
    sim_sweep_free(sw);
    sw = open_text("sweep:\n  design: grid\n  factors: [1]\n", SIM_INVALID);
    assert_diag(sw, "sweep.factors: must be a map");
    sim_sweep_free(sw);
    sw = open_text("sweep:\n  design: list\n", SIM_INVALID);
    assert_diag(sw, "sweep.points: missing");
    sim_sweep_free(sw);
    sw = open_text("sweep:\n  design: list\n  points: []\n", SIM_INVALID);
    assert_diag(sw, "sweep.points: empty");
    sim_sweep_free(sw);
    sw = open_text("sweep:\n  design: csv\n", SIM_INVALID);
    assert_diag(sw, "sweep.file: missing");
    sim_sweep_free(sw);
    sw = open_text("sweep:\n  design: csv\n  file: [x]\n", SIM_INVALID);
    assert_diag(sw, "sweep.file: must be a string");
    sim_sweep_free(sw);
    sw = open_text("sweep:\n  design: sobol\n  factors:\n    prediction.sigma_ref: {min: 0.1, "
                   "max: 0.2}\n",
                   SIM_INVALID);
    assert_diag(sw, "sweep.samples: missing (the number of design points)");
    sim_sweep_free(sw);
    sw = open_text("sweep:\n  design: lhs\n  samples: 5\n  factors:\n    prediction.sigma_ref: "
                   "{min: -1e308, max: 1.7e308}\n",
                   SIM_INVALID);
    assert_diag(sw, "must be less than max");
    sim_sweep_free(sw);
    sw = open_text("sweep:\n  design: sobol\n  samples: 5\n  factors:\n    prediction.sigma_ref: "
                   "{min: [0], max: .inf}\n",
                   SIM_INVALID);
    assert_diag(sw, "factor prediction.sigma_ref: min must be a finite number, got a list");
    assert_diag(sw, "factor prediction.sigma_ref: max must be a finite number, got \".inf\"");
    sim_sweep_free(sw);
    sw = open_text("sweep: {design: grid\n", SIM_INVALID); /* YAML syntax */
    assert_true(sim_sweep_diag_count(sw) >= 1);
    sim_sweep_free(sw);
}

static void test_csv_errors(void **state)
{
    (void)state;
    const char *body = "sweep:\n  design: csv\n  file: d.csv\n";
    write_tmp("d.csv", "companies.alpha.n_crews,,companies.alpha.n_crews\n1,2,3\n");
    sim_sweep *sw = open_text(body, SIM_INVALID);
    assert_diag(sw, "d.csv:1:25: empty column name");
    assert_diag(sw, "d.csv:1:26: column companies.alpha.n_crews appears twice");
    sim_sweep_free(sw);
    write_tmp("d.csv", "companies.alpha.n_crews\n");
    sw = open_text(body, SIM_INVALID);
    assert_diag(sw, "d.csv: no design points");
    sim_sweep_free(sw);
    write_tmp("d.csv", "companies.alpha.n_crews,mechanisms.twins\n\"2\",\"\"\n");
    sw = open_text(body, SIM_OK); /* quoted: strings, even "2" and "" */
    assert_true(sim_sweep_factor_categorical(sw, 0));
    assert_text(sim_sweep_value_text(sw, 0, 0), "2");
    sim_scenario *sc = open_point(sw, 0, SIM_INVALID); /* a string where a number belongs */
    sim_scenario_free(sc);
    sim_sweep_free(sw);
    char dir[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/dir.csv", tmp_dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    sw = open_text("sweep:\n  design: csv\n  file: dir.csv\n", SIM_INVALID);
    assert_diag(sw, "sweep.yaml:4:9: sweep.file: cannot read");
    assert_diag(sw, "dir.csv: not a regular file");
    sim_sweep_free(sw);
}

static void test_bounds(void **state)
{
    (void)state;
    char body[8192];
    size_t at = (size_t)snprintf(body, sizeof body,
                                 "sweep:\n  design: sobol\n  samples: 4\n"
                                 "  factors:\n");
    for (int i = 0; i < 41; i++)
        at += (size_t)snprintf(body + at, sizeof body - at, "    p%d: {min: 0, max: 1}\n", i);
    sim_sweep *sw = open_text(body, SIM_INVALID);
    assert_diag(sw, "design sobol takes at most 40 factors, got 41");
    sim_sweep_free(sw);
    sw = open_text("sweep:\n  design: saltelli\n  samples: 2\n  factors:\n"
                   "    p0: {min: 0, max: 1}\n    p1: {min: 0, max: 1}\n    p2: {min: 0, max: 1}\n"
                   "    p3: {min: 0, max: 1}\n    p4: {min: 0, max: 1}\n    p5: {min: 0, max: 1}\n"
                   "    p6: {min: 0, max: 1}\n    p7: {min: 0, max: 1}\n    p8: {min: 0, max: 1}\n"
                   "    p9: {min: 0, max: 1}\n    q0: {min: 0, max: 1}\n    q1: {min: 0, max: 1}\n"
                   "    q2: {min: 0, max: 1}\n    q3: {min: 0, max: 1}\n    q4: {min: 0, max: 1}\n"
                   "    q5: {min: 0, max: 1}\n    q6: {min: 0, max: 1}\n    q7: {min: 0, max: 1}\n"
                   "    q8: {min: 0, max: 1}\n    q9: {min: 0, max: 1}\n    r0: {min: 0, max: 1}\n",
                   SIM_INVALID);
    assert_diag(sw, "design saltelli takes at most 20 factors, got 21");
    sim_sweep_free(sw);
    sw = open_text("sweep:\n  design: lhs\n  samples: 9000000\n  factors:\n"
                   "    prediction.sigma_ref: {min: 0.1, max: 0.2}\n"
                   "    prediction.sigma_max: {min: 1, max: 2}\n",
                   SIM_INVALID);
    assert_diag(sw, "values a sweep holds");
    sim_sweep_free(sw);
    at = (size_t)snprintf(body, sizeof body, "sweep:\n  design: grid\n  factors:\n");
    for (int i = 0; i < 65; i++)
        at += (size_t)snprintf(body + at, sizeof body - at, "    p%d: [1]\n", i);
    sw = open_text(body, SIM_INVALID);
    assert_diag(sw, "sweep: more than 64 factors");
    sim_sweep_free(sw);
}

/* Every tests/data/bad/sweep_*.yaml: invalid, with each "# expect:" line among the
 * diagnostics. */
static void check_bad_file(const char *path)
{
    sim_sweep *sw = open_path(path, NULL, SIM_INVALID);
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char line[1024];
    int expects = 0;
    while (fgets(line, sizeof line, fp)) {
        if (strncmp(line, "# expect: ", 10) != 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        assert_diag(sw, line + 10);
        expects++;
    }
    fclose(fp);
    if (expects == 0)
        fail_msg("%s has no # expect: line", path);
    sim_sweep_free(sw);
}

static void test_bad_corpus(void **state)
{
    (void)state;
    char dir[PATH_MAX], path[PATH_MAX * 2];
    snprintf(dir, sizeof dir, "%s/bad", data_dir());
    DIR *d = opendir(dir);
    assert_non_null(d);
    int files = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "sweep_", 6) != 0 || len < 5 ||
            strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        check_bad_file(path);
        files++;
    }
    closedir(d);
    assert_true(files >= 10);
}

static void test_file_is_sweep(void **state)
{
    (void)state;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/sweeps/grid.yaml", data_dir());
    assert_true(sim_sweep_file_is_sweep(path));
    snprintf(path, sizeof path, "%s/good/tiny.yaml", data_dir());
    assert_false(sim_sweep_file_is_sweep(path));
    assert_false(sim_sweep_file_is_sweep("/nonexistent.yaml"));
    assert_string_equal(sim_sweep_design_name(SIM_DESIGN_CSV), "csv");
    assert_string_equal(sim_sweep_design_name((sim_design_kind)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid),
        cmocka_unit_test(test_grid_points_applied),
        cmocka_unit_test(test_zip),
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_lhs),
        cmocka_unit_test(test_sobol),
        cmocka_unit_test(test_saltelli),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_path_errors),
        cmocka_unit_test(test_defaults_follow_factors),
        cmocka_unit_test(test_point_out_of_range),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_bad_corpus),
        cmocka_unit_test(test_file_is_sweep),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
