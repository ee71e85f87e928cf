/*
 * h5_sample: writes results files with the hand-made catalog of test_h5 for the interop
 * checks (tests/interop/check_netcdf.py).
 *
 *   h5_sample SAMPLE.h5 [--empty EMPTY.h5] [--killed KILLED.h5]
 *   h5_sample --inspect FILE
 *
 * SAMPLE: a sweep of two design points (a numeric and a categorical factor), runs written
 * out of order (2 then 0), run 1 failed, a 100 KiB scenario, a sweep fingerprint, the event
 * tables project (2 rows, both of run 2) and contract (empty), closed complete. EMPTY: no
 * companies and no sample times. KILLED: with the tables, runs 0 and 1 written (1 project
 * row), then the writer is killed with SIGKILL. The parent directory of each file is created if
 * missing.
 * --inspect runs sim_h5_inspect on FILE (made by another program, e.g. h5py): the
 * description on stdout, the error on stderr, and the CLI's exit code for the status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "h5_fixture.h"
#include "sim_h5.h"

#define YAML_BYTES 102400

static int fail(const char *what, const sim_error *err)
{
    fprintf(stderr, "h5_sample: %s: %s\n", what, err != NULL ? err->msg : strerror(errno));
    return 1;
}

static int make_parent(const char *path)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return 0;
    *slash = '\0';
    return mkdir(dir, 0777) == 0 || errno == EEXIST ? 0 : fail(dir, NULL);
}

static int write_runs(sim_h5_writer *w, const sim_catalog *cat, const size_t *runs, size_t n)
{
    sim_error err;
    for (size_t i = 0; i < n; i++) {
        sim_record *rec = fixture_record(cat, runs[i]);
        if (rec == NULL || sim_h5_write_run(w, runs[i], rec, &err) != SIM_OK) {
            sim_record_free(rec);
            return fail("write", rec != NULL ? &err : NULL);
        }
        sim_record_free(rec);
    }
    return 0;
}

static char *big_yaml(void)
{
    char *yaml = malloc(YAML_BYTES + 1);
    if (yaml == NULL)
        return NULL;
    for (size_t i = 0; i < YAML_BYTES; i++)
        yaml[i] = i % 32 == 31 ? '\n' : (char)('a' + i % 26);
    memcpy(yaml, "seed: 42\n", 9);
    yaml[YAML_BYTES] = '\0';
    return yaml;
}

static sim_catalog *catalog_with_tables(void)
{
    sim_catalog *cat = fixture_catalog();
    if (cat != NULL && fixture_add_tables(cat) != 0) {
        sim_catalog_free(cat);
        return NULL;
    }
    return cat;
}

static int write_sample(const char *path)
{
    sim_catalog *cat = catalog_with_tables();
    sim_h5_runs runs = fixture_runs_design();
    char *yaml = big_yaml();
    sim_h5_provenance prov = fixture_provenance(yaml);
    prov.kind = "sweep";
    prov.fingerprint = "sha256:0123abcd";
    sim_error err;
    sim_h5_writer *w = cat && yaml ? sim_h5_create(path, cat, &runs, &prov, &err) : NULL;
    static const size_t order[2] = {2, 0};
    int rc = w == NULL ? fail("create", cat && yaml ? &err : NULL) : write_runs(w, cat, order, 2);
    if (rc == 0 && sim_h5_fail_run(w, 1, "solver diverged at t = 12 h", &err) != SIM_OK)
        rc = fail("fail_run", &err);
    if (w != NULL && sim_h5_close(w, rc == 0, &err) != SIM_OK && rc == 0)
        rc = fail("close", &err);
    free(yaml);
    sim_catalog_free(cat);
    return rc;
}

static int write_empty(const char *path)
{
    sim_catalog *cat = fixture_catalog_sized(0, 0);
    sim_h5_runs runs = fixture_runs();
    sim_h5_provenance prov = fixture_provenance("seed: 1\n");
    sim_error err;
    sim_h5_writer *w = cat ? sim_h5_create(path, cat, &runs, &prov, &err) : NULL;
    static const size_t order[FIX_RUNS] = {0, 1, 2};
    int rc = w == NULL ? fail("create", cat ? &err : NULL) : write_runs(w, cat, order, FIX_RUNS);
    if (w != NULL && sim_h5_close(w, rc == 0, &err) != SIM_OK && rc == 0)
        rc = fail("close", &err);
    sim_catalog_free(cat);
    return rc;
}

static void killed_child(const char *path)
{
    sim_catalog *cat = catalog_with_tables();
    sim_h5_runs runs = fixture_runs();
    sim_h5_provenance prov = fixture_provenance("seed: 7\n");
    sim_error err;
    sim_h5_writer *w = cat ? sim_h5_create(path, cat, &runs, &prov, &err) : NULL;
    static const size_t order[2] = {0, 1};
    if (w == NULL || write_runs(w, cat, order, 2) != 0)
        _exit(3);
    raise(SIGKILL);
    _exit(4);
}

static int write_killed(const char *path)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return fail("fork", NULL);
    if (pid == 0)
        killed_child(path);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return fail("waitpid", NULL);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
        fprintf(stderr, "h5_sample: the killed writer ended otherwise (status %d)\n", status);
        return 1;
    }
    return 0;
}

static int inspect(const char *path)
{
    sim_error err;
    sim_status st = sim_h5_inspect(path, stdout, &err);
    if (st != SIM_OK)
        fprintf(stderr, "h5_sample: %s\n", err.msg);
    return sim_status_exit_code(st);
}

int main(int argc, char **argv)
{
    sim_h5_quiet();
    if (argc == 3 && strcmp(argv[1], "--inspect") == 0)
        return inspect(argv[2]);
    if (argc < 2 || argc % 2 != 0) {
        fprintf(stderr, "usage: h5_sample SAMPLE.h5 [--empty EMPTY.h5] [--killed KILLED.h5]\n"
                        "       h5_sample --inspect FILE\n");
        return 2;
    }
    int rc = make_parent(argv[1]) || write_sample(argv[1]);
    for (int i = 2; rc == 0 && i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--empty") == 0)
            rc = make_parent(argv[i + 1]) || write_empty(argv[i + 1]);
        else if (strcmp(argv[i], "--killed") == 0)
            rc = make_parent(argv[i + 1]) || write_killed(argv[i + 1]);
        else {
            fprintf(stderr, "h5_sample: unknown option %s\n", argv[i]);
            rc = 2;
        }
    }
    return rc;
}
