/*
 * ecotwin sensitivity: which factors of a sweep move which responses.
 *
 * A response is one model variable ((run), or (run, company) for one company) averaged per
 * design point over the complete replications of one variant. For a sweep of the saltelli
 * design, first- and total-order Sobol indices with bootstrap intervals (an_sobol); for any
 * sweep with enough design points, standardized regression coefficients with R² (an_regress).
 * Factors are ranked per response by ST, or by |SRC| when there are no Sobol indices. Output:
 * an aligned table, --csv, or --json as in the analysis JSON contract.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "an_regress.h"
#include "an_results.h"
#include "an_sobol.h"
#include "cli.h"

#define CMD "sensitivity"
/* Exit code for a file that cannot give the analysis asked for (not a sweep, too few design
 * points, nothing estimable): the input data are unsuitable (sysexits EX_DATAERR). */
#define SENS_EXIT_DATA 65

typedef struct sens_opts {
    const char *path, *company, *variant;
    char **metrics;
    size_t n_metrics;
    size_t bootstrap;
    uint64_t seed;
    double level;
    int csv, json;
} sens_opts;

typedef struct response {
    size_t var;
    int entity;      /* -1 for a (run) variable */
    double *y;       /* n_design: mean over complete replications, NaN when none */
    size_t n_points; /* design points with a response */
    int has_sobol, has_src;
    an_sobol_index *sobol;
    an_sobol_result sres;
    an_src *src;
    an_regress_result rres;
    size_t *ranking; /* factor indices, most influential first */
    int ranked_by_st;
    /* why there are no indices: a prefix and an estimator's message */
    char sobol_note[SIM_ERROR_MSG_MAX + 32], src_note[SIM_ERROR_MSG_MAX + 32];
} response;

typedef struct sens_job {
    const sens_opts *o;
    an_results *r;
    size_t k, n_design, n_base; /* n_base 0: no Sobol indices */
    int variant;
    const char *design;
    char design_note[256];
    double *x; /* n_design x k factor values */
    const char **factor_names;
    /* block_factor[i]: the factor whose column block AB_i takes from B. The file lists the
     * factors in its own order (HDF5 sorts them by name), not the sweep's, so the blocks are
     * matched to factors by their values. */
    size_t *block_factor;
    an_sobol_index *by_block; /* k, scratch */
    response *resp;
    size_t n_resp;
} sens_job;

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: ecotwin sensitivity RESULTS.h5 [OPTIONS]\n\n"
            "Which factors of a sweep move which responses. A response is a variable averaged\n"
            "per design point over the complete replications of one variant. Sweeps of the\n"
            "saltelli design get first- and total-order Sobol indices (S1, ST) with bootstrap\n"
            "percentile intervals; every sweep with at least k + 2 design points gets\n"
            "standardized regression coefficients (SRC) with t intervals and R^2. Factors are\n"
            "ranked per response by ST, else by |SRC|. Categorical factors enter the\n"
            "regression as their level codes 0, 1, ...\n\n"
            "Options:\n"
            "  -m, --metric NAME    response variable (repeatable or comma-separated); default\n"
            "                       every (run) variable, and every (run, company) variable\n"
            "                       when --company is given\n"
            "  -c, --company NAME   company of (run, company) variables, or 'all' (default\n"
            "                       for a named (run, company) metric: all companies)\n"
            "      --variant NAME   variant whose runs count (default: the first)\n"
            "  -B, --bootstrap N    bootstrap resamples of the Sobol intervals (default 1000;\n"
            "                       0: no intervals)\n"
            "  -s, --seed S         seed of the bootstrap's random stream (default 1)\n"
            "  -l, --level L        confidence level in (0, 1) (default 0.95)\n"
            "      --csv            one CSV row per response and factor\n"
            "      --json           one JSON object (docs/analysis JSON contract)\n"
            "  -h, --help           show this help\n\n"
            "Exit: 0 ok; 2 usage (also unknown metric, company or variant); 65 the file cannot\n"
            "give the analysis (not a sweep, too few design points, nothing estimable);\n"
            "66 missing or not an ecotwin file; 74 unreadable or damaged; 70 internal.\n");
}

/* ---- options ---- */

static int add_metrics(sens_opts *o, const char *list)
{
    char *copy = strdup(list);
    if (copy == NULL)
        return -1;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok != NULL;
         tok = strtok_r(NULL, ",", &save)) {
        char **grown = realloc(o->metrics, (o->n_metrics + 1) * sizeof *grown);
        char *name = strdup(tok);
        if (grown == NULL || name == NULL) {
            free(name);
            if (grown != NULL)
                o->metrics = grown;
            free(copy);
            return -1;
        }
        o->metrics = grown;
        o->metrics[o->n_metrics++] = name;
    }
    free(copy);
    return 0;
}

static void free_opts(sens_opts *o)
{
    for (size_t i = 0; i < o->n_metrics; i++)
        free(o->metrics[i]);
    free(o->metrics);
}

static int parse_value_opt(int c, const char *arg, sens_opts *o)
{
    long long count;
    if (c == 'B') {
        if (cli_parse_count(arg, 0, 1000000, &count) != 0)
            return cli_usage_error(CMD, "--bootstrap wants a count in [0, 1000000], got '%s'", arg);
        o->bootstrap = (size_t)count;
    } else if (c == 's') {
        if (cli_parse_u64(arg, &o->seed) != 0)
            return cli_usage_error(CMD, "--seed wants a non-negative integer, got '%s'", arg);
    } else if (cli_parse_double(arg, &o->level) != 0 || !(o->level > 0.0 && o->level < 1.0)) {
        return cli_usage_error(CMD, "--level wants a number in (0, 1), got '%s'", arg);
    }
    return 0;
}

/* 0 to go on, else the exit code (*done set when --help was answered). */
static int parse_opts(int argc, char **argv, sens_opts *o, int *done)
{
    static const struct option opts[] = {
        {"metric", required_argument, NULL, 'm'},  {"company", required_argument, NULL, 'c'},
        {"variant", required_argument, NULL, 'V'}, {"bootstrap", required_argument, NULL, 'B'},
        {"seed", required_argument, NULL, 's'},    {"level", required_argument, NULL, 'l'},
        {"csv", no_argument, NULL, 'C'},           {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    int c, rc;
    optind = 1;
    *done = 0;
    while ((c = getopt_long(argc, argv, "m:c:B:s:l:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (add_metrics(o, optarg) != 0) {
                cli_errorf(CMD, "out of memory");
                return 70;
            }
            break;
        case 'c':
            o->company = optarg;
            break;
        case 'V':
            o->variant = optarg;
            break;
        case 'B':
        case 's':
        case 'l':
            if ((rc = parse_value_opt(c, optarg, o)) != 0)
                return rc;
            break;
        case 'C':
            o->csv = 1;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'h':
            usage(stdout);
            *done = 1;
            return 0;
        default:
            return cli_usage_error(CMD, "invalid option");
        }
    }
    if (o->csv && o->json)
        return cli_usage_error(CMD, "--csv and --json exclude each other");
    if (optind != argc - 1)
        return cli_usage_error(CMD, "expected exactly one results file");
    o->path = argv[optind];
    return 0;
}

/* ---- choosing the responses ---- */

static int add_response(sens_job *j, size_t var, int entity)
{
    response *grown = realloc(j->resp, (j->n_resp + 1) * sizeof *grown);
    if (grown == NULL)
        return -1;
    j->resp = grown;
    j->resp[j->n_resp++] = (response){.var = var, .entity = entity};
    return 0;
}

/* Company index of --company, -1 for all; -2 after a usage error was printed. */
static int company_option(const sens_job *j)
{
    const char *name = j->o->company;
    if (name == NULL || strcmp(name, "all") == 0)
        return -1;
    int e = an_results_find_entity(j->r, name);
    if (e >= 0)
        return e;
    fprintf(stderr, "ecotwin %s: no company '%s' in %s; companies:", CMD, name, j->o->path);
    for (size_t i = 0; i < an_results_n_entities(j->r); i++)
        fprintf(stderr, " %s", an_results_entity_name(j->r, i));
    fprintf(stderr, "\nTry 'ecotwin %s --help'.\n", CMD);
    return -2;
}

static int add_variable(sens_job *j, size_t var, int company)
{
    if (an_results_var(j->r, var)->shape == AN_SHAPE_RUN)
        return add_response(j, var, -1);
    if (company >= 0)
        return add_response(j, var, company);
    for (size_t e = 0; e < an_results_n_entities(j->r); e++)
        if (add_response(j, var, (int)e) != 0)
            return -1;
    return 0;
}

static int unknown_metric(const sens_job *j, const char *name)
{
    const char *near = an_results_suggest_var(j->r, name);
    if (near != NULL)
        return cli_usage_error(CMD, "unknown metric '%s'; did you mean '%s'?", name, near);
    return cli_usage_error(CMD, "unknown metric '%s' (ecotwin inspect %s lists them)", name,
                           j->o->path);
}

static int named_metrics(sens_job *j, int company)
{
    for (size_t m = 0; m < j->o->n_metrics; m++) {
        int v = an_results_find_var(j->r, j->o->metrics[m]);
        if (v < 0)
            return unknown_metric(j, j->o->metrics[m]);
        an_shape shape = an_results_var(j->r, (size_t)v)->shape;
        if (shape != AN_SHAPE_RUN && shape != AN_SHAPE_RUN_ENTITY)
            return cli_usage_error(CMD,
                                   "metric '%s' is a time series; sensitivity takes "
                                   "(run) and (run, company) variables",
                                   j->o->metrics[m]);
        if (add_variable(j, (size_t)v, company) != 0)
            return 70;
    }
    return 0;
}

static int default_metrics(sens_job *j, int company)
{
    for (size_t v = 0; v < an_results_n_vars(j->r); v++) {
        an_shape shape = an_results_var(j->r, v)->shape;
        int wanted =
            shape == AN_SHAPE_RUN || (shape == AN_SHAPE_RUN_ENTITY && j->o->company != NULL);
        if (wanted && add_variable(j, v, company) != 0)
            return 70;
    }
    if (j->n_resp > 0)
        return 0;
    cli_errorf(CMD, "%s has no (run) variable; name a metric with --metric", j->o->path);
    return SENS_EXIT_DATA;
}

static int choose_responses(sens_job *j)
{
    int company = company_option(j);
    if (company == -2)
        return CLI_EXIT_USAGE;
    int rc = j->o->n_metrics > 0 ? named_metrics(j, company) : default_metrics(j, company);
    if (rc == 70)
        cli_errorf(CMD, "out of memory");
    return rc;
}

/* ---- the design ---- */

static int choose_variant(sens_job *j)
{
    if (j->o->variant == NULL) {
        j->variant = 0;
        return 0;
    }
    j->variant = an_results_find_variant(j->r, j->o->variant);
    if (j->variant >= 0)
        return 0;
    fprintf(stderr, "ecotwin %s: no variant '%s' in %s; variants:", CMD, j->o->variant, j->o->path);
    for (size_t v = 0; v < an_results_n_variants(j->r); v++)
        fprintf(stderr, " %s", an_results_variant_name(j->r, v));
    fprintf(stderr, "\nTry 'ecotwin %s --help'.\n", CMD);
    return CLI_EXIT_USAGE;
}

/* Row r of block b (0 A, 1 B, 2 + i AB_i), factor f. */
static double block_value(const sens_job *j, size_t b, size_t r, size_t f)
{
    return j->x[(b * j->n_base + r) * j->k + f];
}

/* 1 when every row of block AB_i has factor f from B and every other factor from A. */
static int block_swaps(const sens_job *j, size_t i, size_t f)
{
    for (size_t r = 0; r < j->n_base; r++)
        for (size_t g = 0; g < j->k; g++)
            if (block_value(j, 2 + i, r, g) != block_value(j, g == f ? 1 : 0, r, g))
                return 0;
    return 1;
}

/* Match each block AB_i to the one factor it swaps; 0 when the points do not follow the
 * layout (no factor, or one already taken: A and B would then agree in a whole column). */
static int match_blocks(sens_job *j)
{
    for (size_t i = 0; i < j->k; i++) {
        size_t found = j->k;
        for (size_t f = 0; f < j->k && found == j->k; f++) {
            int taken = 0;
            for (size_t b = 0; b < i; b++)
                taken |= j->block_factor[b] == f;
            if (!taken && block_swaps(j, i, f))
                found = f;
        }
        if (found == j->k)
            return 0;
        j->block_factor[i] = found;
    }
    return 1;
}

/* Sobol indices need the saltelli layout: n (k + 2) points with n >= 2. */
static void check_saltelli(sens_job *j)
{
    size_t per = j->k + 2;
    if (j->design == NULL || strcmp(j->design, "saltelli") != 0)
        snprintf(j->design_note, sizeof j->design_note,
                 "no Sobol indices: the sweep's design is %s, not saltelli",
                 j->design != NULL ? j->design : "not recorded");
    else if (j->n_design % per != 0 || j->n_design / per < 2)
        snprintf(j->design_note, sizeof j->design_note,
                 "no Sobol indices: %zu design points are not n (k + 2) = n x %zu with n >= 2",
                 j->n_design, per);
    else
        j->n_base = j->n_design / per;
}

static int load_design(sens_job *j)
{
    j->k = an_results_n_factors(j->r);
    j->n_design = an_results_n_designs(j->r);
    j->design = an_results_attr(j->r, "sweep_design");
    const char *kind = an_results_attr(j->r, "kind");
    if (j->k == 0 || kind == NULL || strcmp(kind, "sweep") != 0) {
        cli_errorf(CMD,
                   "%s is not a sweep (kind %s): sensitivity needs the design points of "
                   "`ecotwin sweep`",
                   j->o->path, kind != NULL ? kind : "not recorded");
        return SENS_EXIT_DATA;
    }
    check_saltelli(j);
    if (j->n_base == 0 && j->n_design < j->k + 2) {
        cli_errorf(CMD,
                   "%s has %zu design points for %zu factors: too few for a regression "
                   "(it needs k + 2 = %zu) and %s",
                   j->o->path, j->n_design, j->k, j->k + 2, j->design_note);
        return SENS_EXIT_DATA;
    }
    j->x = malloc(j->n_design * j->k * sizeof *j->x);
    j->factor_names = malloc(j->k * sizeof *j->factor_names);
    j->block_factor = malloc(j->k * sizeof *j->block_factor);
    j->by_block = malloc(j->k * sizeof *j->by_block);
    if (j->x == NULL || j->factor_names == NULL || j->block_factor == NULL || j->by_block == NULL)
        return 70;
    for (size_t f = 0; f < j->k; f++) {
        j->factor_names[f] = an_results_factor(j->r, f)->var;
        for (size_t d = 0; d < j->n_design; d++)
            j->x[d * j->k + f] = an_results_factor_value(j->r, d, f);
    }
    if (j->n_base > 0 && !match_blocks(j)) {
        j->n_base = 0;
        snprintf(j->design_note, sizeof j->design_note,
                 "no Sobol indices: the design points do not follow the saltelli layout (A, B, "
                 "then AB_i = A with one factor's column from B)");
    }
    return 0;
}

/* ---- the analysis ---- */

/* Mean per design point over the runs of the variant with a finite value (a complete run
 * whose metric is undefined, NaN, does not count). -1 when out of memory. */
static int design_means(const sens_job *j, const double *runs, response *rs)
{
    size_t *count = calloc(j->n_design + 1, sizeof *count);
    if (count == NULL)
        return -1;
    for (size_t d = 0; d < j->n_design; d++)
        rs->y[d] = 0.0;
    for (size_t run = 0; run < an_results_n_runs(j->r); run++) {
        int64_t d = an_results_run_design(j->r, run);
        if (an_results_run_variant(j->r, run) != j->variant || !isfinite(runs[run]) || d < 0 ||
            (size_t)d >= j->n_design)
            continue;
        rs->y[d] += runs[run];
        count[d]++;
    }
    rs->n_points = 0;
    for (size_t d = 0; d < j->n_design; d++) {
        rs->y[d] = count[d] > 0 ? rs->y[d] / (double)count[d] : NAN;
        rs->n_points += isfinite(rs->y[d]);
    }
    free(count);
    return 0;
}

static sim_status read_response(sens_job *j, response *rs, double *runs, sim_error *err)
{
    size_t entity = rs->entity < 0 ? 0 : (size_t)rs->entity;
    sim_status st = an_results_read(j->r, rs->var, entity, 0, runs, err);
    if (st != SIM_OK)
        return st;
    rs->y = malloc(j->n_design * sizeof *rs->y);
    rs->sobol = malloc(j->k * sizeof *rs->sobol);
    rs->src = malloc(j->k * sizeof *rs->src);
    rs->ranking = malloc(j->k * sizeof *rs->ranking);
    if (rs->y == NULL || rs->sobol == NULL || rs->src == NULL || rs->ranking == NULL ||
        design_means(j, runs, rs) != 0)
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    return SIM_OK;
}

/* The bootstrap stream of a response depends on the response alone, not on which others
 * were asked for, so its intervals are the same whatever --metric lists. */
static uint64_t response_stream(const sens_job *j, const response *rs)
{
    return (uint64_t)rs->var * (an_results_n_entities(j->r) + 1) + (uint64_t)(rs->entity + 1);
}

/* SIM_INVALID from the estimators becomes a note on the response; other failures are
 * returned. */
static sim_status estimate(sens_job *j, response *rs, sim_error *err)
{
    sim_error why;
    sim_error_clear(&why);
    if (j->n_base > 0) {
        an_sobol_options so = {.bootstrap = j->o->bootstrap,
                               .level = j->o->level,
                               .seed = j->o->seed,
                               .stream = response_stream(j, rs)};
        sim_status st =
            an_sobol_estimate(rs->y, j->n_base, j->k, &so, j->by_block, &rs->sres, &why);
        if (st != SIM_OK && st != SIM_INVALID)
            return sim_error_set(err, st, "%s", why.msg);
        for (size_t b = 0; b < j->k; b++)
            rs->sobol[j->block_factor[b]] = j->by_block[b];
        rs->has_sobol = st == SIM_OK && !rs->sres.constant;
        if (st != SIM_OK)
            snprintf(rs->sobol_note, sizeof rs->sobol_note, "no Sobol indices: %s", why.msg);
        else if (rs->sres.constant)
            snprintf(rs->sobol_note, sizeof rs->sobol_note,
                     "no Sobol indices: the response is constant (variance 0)");
    }
    sim_status st = an_regress_src(j->x, rs->y, j->n_design, j->k, j->factor_names, j->o->level,
                                   rs->src, &rs->rres, &why);
    if (st != SIM_OK && st != SIM_INVALID)
        return sim_error_set(err, st, "%s", why.msg);
    rs->has_src = st == SIM_OK && !rs->rres.constant;
    if (st != SIM_OK)
        snprintf(rs->src_note, sizeof rs->src_note, "no regression: %s", why.msg);
    else if (rs->rres.constant)
        snprintf(rs->src_note, sizeof rs->src_note,
                 "no regression: the response is constant over the design points");
    return SIM_OK;
}

/* Sort key of factor f: ST or |SRC|, NaN last. */
static double rank_key(const response *rs, size_t f)
{
    double v = rs->ranked_by_st ? rs->sobol[f].ST : fabs(rs->src[f].src);
    return isfinite(v) ? v : -INFINITY;
}

static void rank_factors(const sens_job *j, response *rs)
{
    rs->ranked_by_st = rs->has_sobol;
    for (size_t f = 0; f < j->k; f++) {
        size_t at = f;
        while (at > 0 && rank_key(rs, rs->ranking[at - 1]) < rank_key(rs, f)) {
            rs->ranking[at] = rs->ranking[at - 1];
            at--;
        }
        rs->ranking[at] = f;
    }
}

static int analyse(sens_job *j)
{
    double *runs = malloc((an_results_n_runs(j->r) + 1) * sizeof *runs);
    sim_error err;
    sim_error_clear(&err);
    sim_status st = runs == NULL ? sim_error_set(&err, SIM_NOMEM, "out of memory") : SIM_OK;
    size_t estimated = 0;
    for (size_t i = 0; st == SIM_OK && i < j->n_resp; i++) {
        st = read_response(j, &j->resp[i], runs, &err);
        if (st == SIM_OK)
            st = estimate(j, &j->resp[i], &err);
        if (st == SIM_OK)
            rank_factors(j, &j->resp[i]);
        estimated += st == SIM_OK && (j->resp[i].has_sobol || j->resp[i].has_src);
    }
    free(runs);
    if (st != SIM_OK) {
        cli_errorf(CMD, "%s", err.msg);
        return sim_status_exit_code(st);
    }
    if (estimated > 0)
        return 0;
    const response *first = &j->resp[0];
    cli_errorf(CMD, "nothing could be estimated for any response; e.g. %s: %s%s%s",
               an_results_var(j->r, first->var)->name, first->sobol_note,
               first->sobol_note[0] != '\0' ? "; " : "", first->src_note);
    return SENS_EXIT_DATA;
}

/* ---- output ---- */

static const char *company_of(const sens_job *j, const response *rs)
{
    return rs->entity < 0 ? NULL : an_results_entity_name(j->r, (size_t)rs->entity);
}

static void json_string(const char *s)
{
    if (s == NULL) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (; *s != '\0'; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", (unsigned)(unsigned char)*s);
        else
            putchar(*s);
    }
    putchar('"');
}

static void json_number(double v)
{
    if (isfinite(v))
        printf("%.10g", v);
    else
        fputs("null", stdout);
}

static void json_key_number(const char *key, double v)
{
    printf(", \"%s\": ", key);
    json_number(v);
}

#define SENS_MAX_NOTES 16

/* A JSON array of strings. */
static void json_notes(const char *const *list, size_t n)
{
    printf("[");
    for (size_t i = 0; i < n; i++) {
        printf("%s", i > 0 ? ", " : "");
        json_string(list[i]);
    }
    printf("]");
}

static void json_factors(const sens_job *j)
{
    printf(",\n  \"factors\": [");
    for (size_t f = 0; f < j->k; f++) {
        const an_factor *fa = an_results_factor(j->r, f);
        printf("%s\n    {\"name\": ", f > 0 ? "," : "");
        json_string(fa->var);
        printf(", \"path\": ");
        json_string(fa->path);
        printf(", \"units\": ");
        json_string(fa->units);
        printf(", \"levels\": ");
        if (fa->levels == NULL)
            fputs("null", stdout);
        else
            json_notes(fa->levels, fa->n_levels);
        printf("}");
    }
    printf("]");
}

/* File-wide notes: why there are no Sobol indices, categorical factors in the regression. */
static size_t notes(const sens_job *j, const char **out, char (*buf)[256], size_t max)
{
    size_t n = 0;
    if (j->design_note[0] != '\0' && n < max)
        out[n++] = j->design_note;
    for (size_t f = 0; f < j->k && n < max; f++) {
        const an_factor *fa = an_results_factor(j->r, f);
        if (fa->levels == NULL)
            continue;
        snprintf(buf[n], sizeof buf[n],
                 "categorical factor %s: the regression treats its level codes 0..%zu as "
                 "numbers",
                 fa->var, fa->n_levels > 0 ? fa->n_levels - 1 : 0);
        out[n] = buf[n];
        n++;
    }
    return n;
}

static void json_sobol(const sens_job *j, const response *rs)
{
    printf(",\n     \"sobol\": [");
    for (size_t f = 0; rs->has_sobol && f < j->k; f++) {
        const an_sobol_index *s = &rs->sobol[f];
        printf("%s\n       {\"factor\": ", f > 0 ? "," : "");
        json_string(j->factor_names[f]);
        printf(", \"path\": ");
        json_string(an_results_factor(j->r, f)->path);
        json_key_number("S1", s->S1);
        json_key_number("S1_low", s->S1_low);
        json_key_number("S1_high", s->S1_high);
        json_key_number("ST", s->ST);
        json_key_number("ST_low", s->ST_low);
        json_key_number("ST_high", s->ST_high);
        printf("}");
    }
    printf("]");
}

static void json_src(const sens_job *j, const response *rs)
{
    printf(",\n     \"src\": [");
    for (size_t f = 0; rs->has_src && f < j->k; f++) {
        printf("%s\n       {\"factor\": ", f > 0 ? "," : "");
        json_string(j->factor_names[f]);
        printf(", \"path\": ");
        json_string(an_results_factor(j->r, f)->path);
        json_key_number("src", rs->src[f].src);
        json_key_number("se", rs->src[f].se);
        json_key_number("ci_low", rs->src[f].ci_low);
        json_key_number("ci_high", rs->src[f].ci_high);
        printf("}");
    }
    printf("]");
}

static void json_response(const sens_job *j, const response *rs)
{
    const an_var *v = an_results_var(j->r, rs->var);
    printf("\n    {\"metric\": ");
    json_string(v->name);
    printf(", \"company\": ");
    json_string(company_of(j, rs));
    printf(", \"units\": ");
    json_string(v->units);
    printf(", \"long_name\": ");
    json_string(v->long_name);
    printf(", \"n_points\": %zu, \"n_base_used\": ", rs->n_points);
    if (j->n_base > 0)
        printf("%zu", rs->sres.n_used);
    else
        fputs("null", stdout);
    json_key_number("variance", j->n_base > 0 ? rs->sres.variance : NAN);
    json_sobol(j, rs);
    json_src(j, rs);
    json_key_number("r2", rs->has_src ? rs->rres.r2 : NAN);
    printf(", \"ranked_by\": %s", rs->has_sobol ? "\"ST\"" : rs->has_src ? "\"src\"" : "null");
    printf(",\n     \"ranking\": [");
    for (size_t f = 0; (rs->has_sobol || rs->has_src) && f < j->k; f++) {
        printf("%s", f > 0 ? ", " : "");
        json_string(j->factor_names[rs->ranking[f]]);
    }
    const char *list[2];
    size_t n = 0;
    if (rs->sobol_note[0] != '\0')
        list[n++] = rs->sobol_note;
    if (rs->src_note[0] != '\0')
        list[n++] = rs->src_note;
    printf("], \"notes\": ");
    json_notes(list, n);
    printf("}");
}

static void print_json(const sens_job *j)
{
    printf("{\"file\": ");
    json_string(j->o->path);
    printf(", \"kind\": \"sweep\", \"design\": ");
    json_string(j->design);
    printf(", \"n_design\": %zu, \"n_base\": ", j->n_design);
    if (j->n_base > 0)
        printf("%zu", j->n_base);
    else
        fputs("null", stdout);
    printf(", \"k\": %zu, \"variant\": ", j->k);
    json_string(an_results_variant_name(j->r, (size_t)j->variant));
    printf(", \"bootstrap\": %zu, \"seed\": %llu, \"level\": %g", j->o->bootstrap,
           (unsigned long long)j->o->seed, j->o->level);
    json_factors(j);
    const char *list[SENS_MAX_NOTES];
    char buf[SENS_MAX_NOTES][256];
    printf(",\n  \"notes\": ");
    json_notes(list, notes(j, list, buf, SENS_MAX_NOTES));
    printf(",\n  \"responses\": [");
    for (size_t i = 0; i < j->n_resp; i++) {
        printf("%s", i > 0 ? "," : "");
        json_response(j, &j->resp[i]);
    }
    printf("]}\n");
}

/* CSV: one row per response and factor. A field is quoted when it holds a comma, a quote or
 * a line break. */
static void csv_field(const char *s)
{
    if (s == NULL)
        return;
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s != '\0'; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void csv_number(double v)
{
    putchar(',');
    if (isfinite(v))
        printf("%.10g", v);
}

static size_t rank_of(const sens_job *j, const response *rs, size_t f)
{
    for (size_t i = 0; i < j->k; i++)
        if (rs->ranking[i] == f)
            return i + 1;
    return 0;
}

static void csv_row(const sens_job *j, const response *rs, size_t f)
{
    const an_var *v = an_results_var(j->r, rs->var);
    const an_sobol_index *s = &rs->sobol[f];
    const an_src *c = &rs->src[f];
    csv_field(v->name);
    putchar(',');
    csv_field(company_of(j, rs));
    putchar(',');
    csv_field(v->units);
    putchar(',');
    csv_field(j->factor_names[f]);
    putchar(',');
    csv_field(an_results_factor(j->r, f)->path);
    const double nan = NAN;
    csv_number(rs->has_sobol ? s->S1 : nan);
    csv_number(rs->has_sobol ? s->S1_low : nan);
    csv_number(rs->has_sobol ? s->S1_high : nan);
    csv_number(rs->has_sobol ? s->ST : nan);
    csv_number(rs->has_sobol ? s->ST_low : nan);
    csv_number(rs->has_sobol ? s->ST_high : nan);
    csv_number(rs->has_src ? c->src : nan);
    csv_number(rs->has_src ? c->ci_low : nan);
    csv_number(rs->has_src ? c->ci_high : nan);
    csv_number(rs->has_src ? rs->rres.r2 : nan);
    if (rs->has_sobol || rs->has_src)
        printf(",%zu", rank_of(j, rs, f));
    else
        putchar(',');
    putchar('\n');
}

static void print_csv(const sens_job *j)
{
    printf("metric,company,units,factor,path,S1,S1_low,S1_high,ST,ST_low,ST_high,src,"
           "src_ci_low,src_ci_high,r2,rank\n");
    for (size_t i = 0; i < j->n_resp; i++)
        for (size_t f = 0; f < j->k; f++)
            csv_row(j, &j->resp[i], f);
}

/* Text: a table per response. */
/* A cell "value [low, high]" (or "-"), padded unless it ends the line. */
static void text_interval(int show, double v, double lo, double hi, int last)
{
    char cell[64] = "-";
    if (show && isfinite(lo))
        snprintf(cell, sizeof cell, "%7.3f [%6.3f, %6.3f]", v, lo, hi);
    else if (show)
        snprintf(cell, sizeof cell, "%7.3f", v);
    printf("  %-*s", last ? 0 : 26, cell);
}

static size_t name_width(const sens_job *j)
{
    size_t w = strlen("factor");
    for (size_t f = 0; f < j->k; f++)
        if (strlen(j->factor_names[f]) > w)
            w = strlen(j->factor_names[f]);
    return w;
}

static void text_response(const sens_job *j, const response *rs, int level_pct)
{
    const an_var *v = an_results_var(j->r, rs->var);
    int w = (int)name_width(j);
    printf("\n%s", v->name);
    if (v->units[0] != '\0')
        printf(" (%s)", v->units);
    if (rs->entity >= 0)
        printf(", company %s", company_of(j, rs));
    printf(": %zu of %zu design points with a value\n", rs->n_points, j->n_design);
    char h1[32], h2[32], h3[32];
    snprintf(h1, sizeof h1, "S1 [%d%% CI]", level_pct);
    snprintf(h2, sizeof h2, "ST [%d%% CI]", level_pct);
    snprintf(h3, sizeof h3, "SRC [%d%% CI]", level_pct);
    printf("  %-*s  %-26s  %-26s  %s\n", w, "factor", h1, h2, h3);
    for (size_t f = 0; f < j->k; f++) {
        const an_sobol_index *s = &rs->sobol[f];
        printf("  %-*s", w, j->factor_names[f]);
        text_interval(rs->has_sobol, s->S1, s->S1_low, s->S1_high, 0);
        text_interval(rs->has_sobol, s->ST, s->ST_low, s->ST_high, 0);
        text_interval(rs->has_src, rs->src[f].src, rs->src[f].ci_low, rs->src[f].ci_high, 1);
        printf("\n");
    }
    if (rs->has_src)
        printf("  R^2 = %.3f over %zu points\n", rs->rres.r2, rs->rres.n_used);
    if (rs->has_sobol)
        printf("  Sobol indices over %zu of %zu base rows\n", rs->sres.n_used, j->n_base);
    for (size_t f = 0; (rs->has_sobol || rs->has_src) && f < j->k; f++)
        printf("%s%s",
               f == 0 ? (rs->has_sobol ? "  ranking by ST: " : "  ranking by |SRC|: ") : " > ",
               j->factor_names[rs->ranking[f]]);
    if (rs->has_sobol || rs->has_src)
        printf("\n");
    if (rs->sobol_note[0] != '\0')
        printf("  %s\n", rs->sobol_note);
    if (rs->src_note[0] != '\0')
        printf("  %s\n", rs->src_note);
}

static void print_text(const sens_job *j)
{
    printf("Sensitivity of %s: design %s, %zu design points, %zu factors, variant %s\n", j->o->path,
           j->design != NULL ? j->design : "?", j->n_design, j->k,
           an_results_variant_name(j->r, (size_t)j->variant));
    if (j->n_base > 0)
        printf("Sobol indices: base sample n = %zu; intervals from %zu bootstrap resamples "
               "(seed %llu)\n",
               j->n_base, j->o->bootstrap, (unsigned long long)j->o->seed);
    const char *list[SENS_MAX_NOTES];
    char buf[SENS_MAX_NOTES][256];
    size_t n = notes(j, list, buf, SENS_MAX_NOTES);
    for (size_t i = 0; i < n; i++)
        printf("Note: %s\n", list[i]);
    int level_pct = (int)lround(j->o->level * 100.0);
    for (size_t i = 0; i < j->n_resp; i++)
        text_response(j, &j->resp[i], level_pct);
}

/* ---- the command ---- */

static void free_job(sens_job *j)
{
    for (size_t i = 0; i < j->n_resp; i++) {
        free(j->resp[i].y);
        free(j->resp[i].sobol);
        free(j->resp[i].src);
        free(j->resp[i].ranking);
    }
    free(j->resp);
    free(j->x);
    free(j->factor_names);
    free(j->block_factor);
    free(j->by_block);
    an_results_close(j->r);
}

static int open_results(sens_job *j)
{
    /* A file HDF5 crashes or loops on ends here with 74 (cli_probe.c). */
    int probe = cli_probe_file(CMD, j->o->path, CLI_PROBE_ANALYSIS, NULL, 0);
    if (probe != 0)
        return probe;
    sim_error err;
    sim_error_clear(&err);
    j->r = an_results_open(j->o->path, &err);
    if (j->r != NULL)
        return 0;
    cli_errorf(CMD, "%s", err.msg);
    return sim_status_exit_code(err.status != SIM_OK ? err.status : SIM_IO);
}

static int sensitivity(const sens_opts *o)
{
    sens_job j = {.o = o};
    int rc = open_results(&j);
    if (rc == 0)
        rc = load_design(&j);
    if (rc == 70)
        cli_errorf(CMD, "out of memory");
    if (rc == 0)
        rc = choose_variant(&j);
    if (rc == 0)
        rc = choose_responses(&j);
    if (rc == 0)
        rc = analyse(&j);
    if (rc == 0 && o->json)
        print_json(&j);
    else if (rc == 0 && o->csv)
        print_csv(&j);
    else if (rc == 0)
        print_text(&j);
    free_job(&j);
    return rc;
}

int cmd_sensitivity(int argc, char **argv)
{
    sens_opts o = {.bootstrap = AN_SOBOL_BOOTSTRAP_DEFAULT, .seed = 1, .level = 0.95};
    int done = 0;
    int rc = parse_opts(argc, argv, &o, &done);
    if (rc == 0 && !done)
        rc = sensitivity(&o);
    free_opts(&o);
    return rc;
}
