/* ecotwin verify: the verification cases of SPEC section 9 (queueing and reliability theory
 * reproduced by the production model), one table per case, a summary, and an exit code that
 * says whether every case passed. */
#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "sim_verify.h"

#define CMD                "verify"
#define VERIFY_EXIT_FAILED 1
#define MAX_FILES          256
#define PATH_LEN           4096

typedef struct verify_opts {
    int quick, json, quiet;
    const char *dir;
    int selected[32]; /* by case index; all when none is set */
    int any_selected;
} verify_opts;

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: ecotwin verify [--quick] [--case NAME]... [--dir DIR] [--json] [-q]\n\n"
            "Runs the verification cases of SPEC section 9 through the production model:\n"
            "V1 M/M/1, V2 M/M/c, V3 M/M/c/K, V4 M/G/1, V5 M/M/1 with breakdowns, V6 machine\n"
            "repairman, V7 age replacement, V7b perfect twin. Each case is a scenario in DIR\n"
            "with a validation: section; the analytic values are computed from that scenario's\n"
            "own parameters.\n\n"
            "Pass rule per metric: the analytic value lies inside the simultaneous Student-t\n"
            "interval of the replication mean (Bonferroni: each of a case's m metrics at level\n"
            "1 - 0.05/m) AND the relative error is below 2%% (5%% with --quick); an analytic 0\n"
            "needs an absolute error below 1e-12. The table prints the plain 95%% interval.\n"
            "Little's law: max over runs of |L - X W| / L at most 0.01 (0.03 with --quick).\n\n"
            "Options:\n"
            "      --quick      shorter horizons and fewer replications (validation.quick_*)\n"
            "      --case NAME  run only this case: a key (mm1, mmc, mmck, mg1, breakdown,\n"
            "                   repairman, agerepl, perfect_twin) or an id (V1 ... V7b);\n"
            "                   repeat it or give a comma-separated list\n"
            "      --dir DIR    the case scenarios (default: $ECOTWIN_SCENARIOS/verify, else\n"
            "                   the source tree's, else the installed scenarios/verify)\n"
            "      --json       results as one JSON document on stdout\n"
            "  -q, --quiet      no progress on stderr\n"
            "  -h, --help       show this help\n\n"
            "Exit: 0 all cases passed, 1 a case failed, 2 usage, 65 invalid case scenario,\n"
            "66 missing input, 70 internal error.\n");
}

/* ---- options ---- */

static int select_cases(verify_opts *o, const char *arg)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", arg);
    for (char *save = NULL, *name = strtok_r(buf, ",", &save); name != NULL;
         name = strtok_r(NULL, ",", &save)) {
        const char *key = sim_verify_find_case(name);
        if (key == NULL)
            return cli_usage_error(CMD, "unknown case '%s'", name);
        for (size_t i = 0; i < sim_verify_case_count(); i++) {
            if (strcmp(sim_verify_case_key(i), key) == 0)
                o->selected[i] = 1;
        }
        o->any_selected = 1;
    }
    return 0;
}

/* Returns -1 to go on, else the exit code. */
static int parse_options(int argc, char **argv, verify_opts *o)
{
    enum { OPT_QUICK = 256, OPT_CASE, OPT_DIR, OPT_JSON };
    static const struct option opts[] = {{"quick", no_argument, NULL, OPT_QUICK},
                                         {"case", required_argument, NULL, OPT_CASE},
                                         {"dir", required_argument, NULL, OPT_DIR},
                                         {"json", no_argument, NULL, OPT_JSON},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        if (c == OPT_QUICK) {
            o->quick = 1;
        } else if (c == OPT_CASE) {
            int rc = select_cases(o, optarg);
            if (rc != 0)
                return rc;
        } else if (c == OPT_DIR) {
            o->dir = optarg;
        } else if (c == OPT_JSON) {
            o->json = 1;
        } else if (c == 'q') {
            o->quiet = 1;
        } else if (c == 'h') {
            usage(stdout);
            return 0;
        } else {
            return cli_usage_error(CMD, "invalid option");
        }
    }
    if (optind != argc)
        return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    return -1;
}

/* ---- finding the case files ---- */

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The first existing of $ECOTWIN_SCENARIOS/verify, the source tree's and the installed. */
static const char *default_dir(char *buf, size_t size)
{
    const char *env = getenv("ECOTWIN_SCENARIOS");
    if (env != NULL && *env != '\0') {
        snprintf(buf, size, "%s/verify", env);
        if (is_dir(buf))
            return buf;
    }
    if (is_dir(ECOTWIN_SOURCE_SCENARIOS "/verify"))
        return ECOTWIN_SOURCE_SCENARIOS "/verify";
    if (is_dir(ECOTWIN_INSTALL_SCENARIOS "/verify"))
        return ECOTWIN_INSTALL_SCENARIOS "/verify";
    return NULL;
}

static int has_yaml_suffix(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && ((n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
                              (n > 4 && strcmp(name + n - 4, ".yml") == 0));
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.yaml files of dir, sorted by name (v1_ ... v7b_). */
static sim_status list_cases(const char *dir, char **files, size_t *n, sim_error *err)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return sim_error_set(err, SIM_NOINPUT, "cannot open directory %s", dir);
    *n = 0;
    sim_status st = SIM_OK;
    for (struct dirent *e = readdir(d); e != NULL && st == SIM_OK; e = readdir(d)) {
        if (!has_yaml_suffix(e->d_name))
            continue;
        if (*n == MAX_FILES) {
            st = sim_error_set(err, SIM_INVALID, "more than %d scenarios in %s", MAX_FILES, dir);
        } else {
            size_t len = strlen(dir) + strlen(e->d_name) + 2;
            if ((files[*n] = malloc(len)) == NULL)
                st = sim_error_set(err, SIM_NOMEM, "out of memory");
            else
                snprintf(files[(*n)++], len, "%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    if (st == SIM_OK && *n == 0)
        st = sim_error_set(err, SIM_NOINPUT, "no *.yaml verification scenarios in %s", dir);
    qsort(files, *n, sizeof *files, compare_names);
    return st;
}

/* ---- output ---- */

static void print_metric_row(const sim_verify_metric *m)
{
    char ci[64], err[24];
    snprintf(ci, sizeof ci, "[%.6g, %.6g]", m->ci_lo, m->ci_hi);
    if (m->analytic == 0.0)
        snprintf(err, sizeof err, "abs %.2g", m->rel_err);
    else
        snprintf(err, sizeof err, "%.3f%%", 100.0 * m->rel_err);
    printf("  %-26s %12.6g %12.6g  %-27s %9s  %s\n", m->name, m->analytic, m->mean, ci, err,
           m->pass ? "PASS" : "FAIL");
}

static void print_case(const sim_verify_case *c, const char *file)
{
    printf("%s  (%s; %zu replications x %g h, warm-up %g h; %.1f s)\n", c->name, file,
           c->replications, c->horizon_h, c->warmup_h, c->wall_s);
    printf("  %-26s %12s %12s  %-27s %9s  %s\n", "metric", "analytic", "sim. mean", "95% CI",
           "rel.err", "result");
    for (size_t i = 0; i < c->n_metrics; i++)
        print_metric_row(&c->metric[i]);
    if (c->has_little)
        printf("  Little's law: max |L - X W| / L over %zu runs = %.2e (limit %g)  %s\n",
               c->replications, c->little_max_gap, c->little_limit,
               c->little_pass ? "PASS" : "FAIL");
    else
        printf("  Little's law: n/a (no orders)\n");
    printf("  => %s\n\n", c->pass ? "PASS" : "FAIL");
}

static void json_string(const char *s)
{
    putchar('"');
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

/* JSON has no NaN: a value the run could not estimate is null. Numbers are written in the
 * shortest of %.15g and %.17g that reads back exactly. */
static void json_number(double x)
{
    char buf[32];
    if (!isfinite(x)) {
        printf("null");
        return;
    }
    snprintf(buf, sizeof buf, "%.15g", x);
    if (strtod(buf, NULL) != x)
        snprintf(buf, sizeof buf, "%.17g", x);
    fputs(buf, stdout);
}

static void json_metric(const sim_verify_metric *m)
{
    printf("{\"name\": ");
    json_string(m->name);
    printf(", \"variable\": ");
    json_string(m->var);
    const struct {
        const char *key;
        double v;
    } f[] = {{"analytic", m->analytic},   {"mean", m->mean},      {"sd", m->sd},
             {"ci_low", m->ci_lo},        {"ci_high", m->ci_hi},  {"simul_low", m->simul_lo},
             {"simul_high", m->simul_hi}, {"rel_err", m->rel_err}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        printf(", \"%s\": ", f[i].key);
        json_number(f[i].v);
    }
    printf(", \"pass\": %s}", m->pass ? "true" : "false");
}

static void json_case(const sim_verify_case *c)
{
    printf("    {\"id\": ");
    json_string(c->id);
    printf(", \"case\": ");
    json_string(c->key);
    printf(", \"name\": ");
    json_string(c->name);
    printf(", \"file\": ");
    json_string(c->file);
    printf(",\n     \"replications\": %zu, \"horizon_h\": ", c->replications);
    json_number(c->horizon_h);
    printf(", \"warmup_h\": ");
    json_number(c->warmup_h);
    printf(", \"tolerance\": ");
    json_number(c->tolerance);
    printf(", \"simul_level\": ");
    json_number(c->simul_level);
    printf(", \"wall_s\": ");
    json_number(c->wall_s);
    printf(",\n     \"little\": ");
    if (c->has_little) {
        printf("{\"max_gap\": ");
        json_number(c->little_max_gap);
        printf(", \"limit\": ");
        json_number(c->little_limit);
        printf(", \"pass\": %s}", c->little_pass ? "true" : "false");
    } else {
        printf("null");
    }
    printf(",\n     \"metrics\": [");
    for (size_t i = 0; i < c->n_metrics; i++) {
        printf(i ? ",\n       " : "\n       ");
        json_metric(&c->metric[i]);
    }
    printf("],\n     \"pass\": %s}", c->pass ? "true" : "false");
}

static void json_error(const char *file, const sim_error *err)
{
    printf("    {\"file\": ");
    json_string(file);
    printf(", \"error\": ");
    json_string(err->msg);
    printf(", \"exit_code\": %d}", sim_status_exit_code(err->status));
}

/* ---- running ---- */

typedef struct verify_tally {
    size_t total, passed, printed;
    int error_code; /* exit code of the first error, 0 if none */
    int seen[32];   /* cases found, by index */
} verify_tally;

static size_t case_index(const char *key)
{
    size_t i = 0;
    while (i < sim_verify_case_count() && strcmp(sim_verify_case_key(i), key) != 0)
        i++;
    return i;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static void report_error(const verify_opts *o, verify_tally *t, const char *file, sim_scenario *sc,
                         const sim_error *err)
{
    cli_report_scenario_errors(CMD, sc, err);
    if (t->error_code == 0)
        t->error_code = sim_status_exit_code(err->status);
    if (o->json) {
        printf(t->printed++ ? ",\n" : "\n");
        json_error(file, err);
    }
}

static void run_one(const verify_opts *o, verify_tally *t, const char *file)
{
    sim_error err;
    sim_error_clear(&err);
    sim_scenario *sc = NULL;
    sim_verify_case *c = malloc(sizeof *c);
    sim_status st = c == NULL ? sim_error_set(&err, SIM_NOMEM, "out of memory")
                              : sim_verify_open(file, o->quick, &sc, c, &err);
    size_t idx = st == SIM_OK ? case_index(c->key) : 0;
    if (st == SIM_OK && o->any_selected && !o->selected[idx]) {
        free(c);
        sim_scenario_free(sc);
        return;
    }
    if (st == SIM_OK) {
        t->seen[idx] = 1;
        if (!o->quiet)
            fprintf(stderr, "running %s (%zu replications x %g h)...\n", c->name, c->replications,
                    c->horizon_h);
        st = sim_verify_run(sc, c, &err);
    }
    if (st != SIM_OK) {
        report_error(o, t, file, st == SIM_INVALID ? sc : NULL, &err);
    } else {
        t->total++;
        t->passed += c->pass != 0;
        if (o->json) {
            printf(t->printed++ ? ",\n" : "\n");
            json_case(c);
        } else {
            print_case(c, base_name(file));
        }
    }
    free(c);
    sim_scenario_free(sc);
}

/* Each selected case must have been found in some file. */
static void check_missing(const verify_opts *o, verify_tally *t, const char *dir)
{
    for (size_t i = 0; o->any_selected && i < sim_verify_case_count(); i++) {
        if (o->selected[i] && !t->seen[i]) {
            cli_errorf(CMD, "case %s (%s): no scenario for it in %s", sim_verify_case_id(i),
                       sim_verify_case_key(i), dir);
            if (t->error_code == 0)
                t->error_code = sim_status_exit_code(SIM_NOINPUT);
        }
    }
}

static int run_all(const verify_opts *o, const char *dir, char **files, size_t n)
{
    verify_tally t;
    memset(&t, 0, sizeof t);
    if (o->json)
        printf("{\"quick\": %s, \"cases\": [", o->quick ? "true" : "false");
    for (size_t i = 0; i < n; i++)
        run_one(o, &t, files[i]);
    check_missing(o, &t, dir);
    if (o->json)
        printf("],\n \"passed\": %zu, \"total\": %zu}\n", t.passed, t.total);
    else
        printf("%zu of %zu cases passed%s\n", t.passed, t.total,
               t.error_code != 0 ? " (and some could not be run; see the errors above)" : "");
    if (t.error_code != 0)
        return t.error_code;
    return t.passed == t.total ? 0 : VERIFY_EXIT_FAILED;
}

int cmd_verify(int argc, char **argv)
{
    verify_opts o;
    memset(&o, 0, sizeof o);
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char buf[PATH_LEN];
    const char *dir = o.dir != NULL ? o.dir : default_dir(buf, sizeof buf);
    if (dir == NULL) {
        cli_errorf(CMD,
                   "no verification scenarios found ($ECOTWIN_SCENARIOS/verify, %s, %s); "
                   "use --dir",
                   ECOTWIN_SOURCE_SCENARIOS "/verify", ECOTWIN_INSTALL_SCENARIOS "/verify");
        return sim_status_exit_code(SIM_NOINPUT);
    }
    char *files[MAX_FILES];
    size_t n = 0;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = list_cases(dir, files, &n, &err);
    if (st == SIM_OK)
        rc = run_all(&o, dir, files, n);
    else
        cli_errorf(CMD, "%s", err.msg);
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    return st == SIM_OK ? rc : sim_status_exit_code(st);
}
