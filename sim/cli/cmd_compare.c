/*
 * ecotwin compare: differences between configurations of a results file, vs - baseline per
 * metric (and company), with confidence intervals and Holm-adjusted p-values over every
 * comparison printed; and the inter-organizational value (iov, iov_ecosystem) per design
 * point. Output shape: /work/notes/ANALYSIS_JSON.md.
 *
 * The test follows how the runs were drawn. Configurations that share random numbers (the
 * same design point: variants always share streams; or different design points of a file
 * with common_random_numbers = 1) are compared replication by replication with a paired t
 * test, which removes the noise both share; otherwise Welch's t test, which assumes neither
 * equal variances nor equal sizes. The output says which test was used and why.
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "an_stats.h"
#include "cli.h"
#include "cli_analysis.h"

#define MAX_ARGS        256
#define HEADLINE_MAX    24
#define REL_TEXT_MAX    160
#define PLAIN_LABEL_MAX 256

typedef struct cmp_opts {
    char *metric[MAX_ARGS];
    size_t n_metric;
    const char *vs[MAX_ARGS];
    size_t n_vs;
    const char *baseline, *by;
    const char *company; /* NULL: every company */
    cli_format format;
    double level;
    const char *path;
} cmp_opts;

/* Two configurations and how their runs are compared. */
typedef struct cmp_pair {
    char *base_label, *vs_label;
    size_t *base, *vs; /* complete runs, by replication */
    size_t n_base, n_vs;
    size_t *pa, *pb; /* paired runs (same replication) */
    size_t n_pairs;
    int paired;
    const char *why;
} cmp_pair;

typedef struct cmp_row {
    size_t pair, var;
    long entity;
    an_test t;
    double p_holm;
} cmp_row;

typedef struct iov_row {
    char *config;
    long entity; /* -1: iov_ecosystem */
    an_summary s;
} iov_row;

typedef struct cmp_ctx {
    const cmp_opts *o;
    an_results *r;
    long company; /* -1: every company */
    cmp_pair *pairs;
    size_t n_pairs;
    cmp_row *rows;
    size_t n_rows;
    iov_row *iov;
    size_t n_iov;
    bool headline_default;
} cmp_ctx;

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: ecotwin compare RESULTS.h5 [--baseline SEL --vs SEL [--vs SEL]...]\n"
            "                       [--metric M]... [--by KEYS] [--level L] [--csv | --json]\n\n"
            "Differences vs - baseline of each metric with confidence intervals. Runs that share\n"
            "random numbers (the same design point, or a sweep with common random numbers) are\n"
            "paired by replication (paired t); otherwise Welch's t test. p-values are\n"
            "Holm-adjusted over every comparison printed. Without selectors: variant=ecosystem\n"
            "vs variant=autarky, per design point. Also prints the inter-organizational value\n"
            "(iov per company and iov_ecosystem) per design point when the file has it.\n\n"
            "A selector is key=value[,key=value...] with keys design_point, variant and the\n"
            "factors (param_x or its YAML path), e.g. --vs design_point=3,variant=ecosystem.\n\n"
            "Options:\n"
            "  -a, --baseline SEL  the reference configuration\n"
            "  -s, --vs SEL        a configuration compared with it (repeatable)\n"
            "  -m, --metric M      a (run) or (run, company) variable (repeatable or comma\n"
            "                      list); default every such variable\n"
            "  -b, --by KEYS       compare within each value of KEYS (e.g. design_point);\n"
            "                      default design_point for the default comparison of a sweep,\n"
            "                      else none\n"
            "  -c, --company C     only this company of (run, company) variables (and of iov);\n"
            "                      Holm then adjusts over fewer comparisons\n"
            "  -l, --level L       confidence level (default 0.95)\n"
            "      --csv           CSV of the comparisons with a header line\n"
            "      --json          one JSON object (comparisons and iov)\n"
            "  -h, --help          show this help\n\n"
            "Exit: 0 ok, 2 usage, 66 missing or not an ecotwin file, 74 unreadable.\n");
}

static int parse_opt(int c, cmp_opts *o)
{
    if ((c == 'm' && o->n_metric == MAX_ARGS) || (c == 's' && o->n_vs == MAX_ARGS))
        return cli_usage_error("compare", "more than %d --%s options", MAX_ARGS,
                               c == 'm' ? "metric" : "vs");
    if (c == 'm')
        o->metric[o->n_metric++] = optarg;
    else if (c == 's')
        o->vs[o->n_vs++] = optarg;
    else if (c == 'a')
        o->baseline = optarg;
    else if (c == 'b')
        o->by = optarg;
    else if (c == 'c')
        o->company = optarg;
    else if (c == 'l') {
        if (cli_parse_double(optarg, &o->level) != 0 || !(o->level > 0 && o->level < 1))
            return cli_usage_error("compare", "--level: expected a number in (0, 1)");
    } else if (c == 'C' || c == 'J')
        o->format = c == 'C' ? CLI_CSV : CLI_JSON;
    else
        return cli_usage_error("compare", "invalid option");
    return 0;
}

/* 0 to go on, else the exit code (-1 for --help). */
static int parse(int argc, char **argv, cmp_opts *o)
{
    static const struct option opts[] = {{"metric", required_argument, NULL, 'm'},
                                         {"vs", required_argument, NULL, 's'},
                                         {"baseline", required_argument, NULL, 'a'},
                                         {"by", required_argument, NULL, 'b'},
                                         {"company", required_argument, NULL, 'c'},
                                         {"level", required_argument, NULL, 'l'},
                                         {"csv", no_argument, NULL, 'C'},
                                         {"json", no_argument, NULL, 'J'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c, rc = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, "m:s:a:b:c:l:h", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return -1;
        }
        rc = parse_opt(c, o);
    }
    if (rc != 0)
        return rc;
    if ((o->baseline == NULL) != (o->n_vs == 0))
        return cli_usage_error("compare", "--baseline and --vs go together");
    if (optind != argc - 1)
        return cli_usage_error("compare", "expected exactly one results file");
    o->path = argv[optind];
    return 0;
}

/* ---- configurations and the choice of test ---- */

static int cmp_replication(const an_results *r, size_t a, size_t b)
{
    int64_t ra = an_results_run_replication(r, a), rb = an_results_run_replication(r, b);
    return (ra > rb) - (ra < rb);
}

/* Insertion sort by replication: runs come in run order, where replications already are
 * nearly sorted, and qsort cannot take the file as context. */
static void sort_by_replication(const an_results *r, size_t *runs, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        size_t run = runs[i], j = i;
        for (; j > 0 && cmp_replication(r, runs[j - 1], run) > 0; j--)
            runs[j] = runs[j - 1];
        runs[j] = run;
    }
}

static size_t *matching_runs(const an_results *r, const an_sel *s, size_t *n)
{
    size_t *runs = malloc((an_results_n_complete(r) + 1) * sizeof *runs);
    *n = 0;
    for (size_t i = 0; runs != NULL && i < an_results_n_runs(r); i++)
        if (an_results_run_status(r, i) == 1 && an_sel_matches(s, r, i) &&
            *n <= an_results_n_complete(r))
            runs[(*n)++] = i;
    if (runs != NULL)
        sort_by_replication(r, runs, *n);
    return runs;
}

static bool unique_replications(const an_results *r, const size_t *runs, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (cmp_replication(r, runs[i - 1], runs[i]) == 0)
            return false;
    return true;
}

/* The single design point of runs, or -1 when there are several (or none). */
static int64_t single_design(const an_results *r, const size_t *runs, size_t n)
{
    int64_t d = n > 0 ? an_results_run_design(r, runs[0]) : -1;
    for (size_t i = 1; i < n; i++)
        if (an_results_run_design(r, runs[i]) != d)
            return -1;
    return d;
}

static int match_pairs(const an_results *r, cmp_pair *p)
{
    size_t cap = (p->n_base < p->n_vs ? p->n_base : p->n_vs) + 1;
    p->pa = malloc(cap * sizeof *p->pa);
    p->pb = malloc(cap * sizeof *p->pb);
    if (p->pa == NULL || p->pb == NULL)
        return -1;
    for (size_t i = 0, j = 0; i < p->n_base && j < p->n_vs;) {
        int c = cmp_replication(r, p->base[i], p->vs[j]);
        if (c == 0) {
            p->pa[p->n_pairs] = p->base[i++];
            p->pb[p->n_pairs++] = p->vs[j++];
        } else if (c < 0) {
            i++;
        } else {
            j++;
        }
    }
    return 0;
}

static void choose_test(const an_results *r, cmp_pair *p)
{
    int64_t db = single_design(r, p->base, p->n_base), dv = single_design(r, p->vs, p->n_vs);
    bool same_point = db >= 0 && db == dv;
    bool share = same_point || an_results_crn(r);
    bool unique =
        unique_replications(r, p->base, p->n_base) && unique_replications(r, p->vs, p->n_vs);
    p->paired = share && unique && p->n_pairs >= 2;
    if (p->paired)
        p->why = same_point ? "same design point: variants share random numbers"
                            : "common random numbers across design points: "
                              "common_random_numbers = 1";
    else if (share && !unique)
        p->why = "the runs share random numbers, but a configuration holds several runs per "
                 "replication; select a design point or group --by design_point to pair them";
    else if (share)
        p->why = "the runs share random numbers, but fewer than 2 replications are complete in "
                 "both";
    else
        p->why = "the configurations do not share random numbers: different design points, "
                 "common_random_numbers = 0";
}

static sim_status make_pair(cmp_ctx *x, const an_sel *base, const an_sel *vs, sim_error *err)
{
    cmp_pair *p = &x->pairs[x->n_pairs++];
    p->base_label = an_sel_label(base, x->r);
    p->vs_label = an_sel_label(vs, x->r);
    p->base = matching_runs(x->r, base, &p->n_base);
    p->vs = matching_runs(x->r, vs, &p->n_vs);
    if (p->base_label == NULL || p->vs_label == NULL || p->base == NULL || p->vs == NULL ||
        match_pairs(x->r, p) != 0)
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    choose_test(x->r, p);
    return SIM_OK;
}

/* Pairs of one group g (NULL: no grouping): baseline AND g vs each vs AND g. */
static sim_status pairs_of_group(cmp_ctx *x, const an_sel *g, an_sel *const *sels, size_t n_vs,
                                 sim_error *err)
{
    an_sel *base = g != NULL ? an_sel_and(sels[0], g) : an_sel_and(sels[0], sels[0]);
    sim_status st = base != NULL ? SIM_OK : sim_error_set(err, SIM_NOMEM, "out of memory");
    for (size_t v = 0; v < n_vs && st == SIM_OK; v++) {
        an_sel *vs = g != NULL ? an_sel_and(sels[1 + v], g) : an_sel_and(sels[1 + v], sels[1 + v]);
        st = vs != NULL ? make_pair(x, base, vs, err)
                        : sim_error_set(err, SIM_NOMEM, "out of memory");
        an_sel_free(vs);
    }
    an_sel_free(base);
    return st;
}

static sim_status make_pairs(cmp_ctx *x, an_sel *const *sels, size_t n_vs, const char *by,
                             sim_error *err)
{
    bool grouped = by != NULL && strcmp(by, "none") != 0;
    an_groups *g = grouped ? an_groups_make(x->r, by, NULL, err) : NULL;
    if (grouped && g == NULL)
        return err->status;
    size_t n_groups = grouped ? an_groups_count(g) : 1;
    x->pairs = calloc(n_groups * n_vs + 1, sizeof *x->pairs);
    sim_status st = x->pairs != NULL ? SIM_OK : sim_error_set(err, SIM_NOMEM, "out of memory");
    for (size_t i = 0; i < n_groups && st == SIM_OK; i++)
        st = pairs_of_group(x, grouped ? an_groups_sel(g, i) : NULL, sels, n_vs, err);
    an_groups_free(g);
    return st;
}

/* Selectors [baseline, vs...] from the options or the default; by through *by. */
static sim_status configurations(cmp_ctx *x, sim_error *err)
{
    const cmp_opts *o = x->o;
    const char *base = o->baseline, *const *vs = o->vs, *by = o->by;
    static const char *const default_vs[1] = {"variant=ecosystem"};
    size_t n_vs = o->n_vs;
    if (base == NULL) {
        if (an_results_find_variant(x->r, "ecosystem") < 0 ||
            an_results_find_variant(x->r, "autarky") < 0)
            return sim_error_set(err, SIM_USAGE,
                                 "the file has no variants ecosystem and autarky to compare by "
                                 "default; give --baseline and --vs");
        base = "variant=autarky";
        vs = default_vs;
        n_vs = 1;
        const char *kind = an_results_attr(x->r, "kind");
        if (by == NULL && kind != NULL && strcmp(kind, "sweep") == 0)
            by = "design_point";
    }
    an_sel **sels = calloc(n_vs + 1, sizeof *sels);
    sim_status st = sels != NULL ? SIM_OK : sim_error_set(err, SIM_NOMEM, "out of memory");
    for (size_t i = 0; i <= n_vs && st == SIM_OK; i++)
        if ((sels[i] = an_sel_parse(x->r, i == 0 ? base : vs[i - 1], err)) == NULL)
            st = err->status;
    if (st == SIM_OK)
        st = make_pairs(x, sels, n_vs, by, err);
    for (size_t i = 0; sels != NULL && i <= n_vs; i++)
        an_sel_free(sels[i]);
    free(sels);
    return st;
}

/* ---- the comparisons ---- */

static void test_pair(const cmp_ctx *x, const cmp_pair *p, const double *values, double *a,
                      double *b, an_test *t)
{
    if (p->paired) {
        for (size_t i = 0; i < p->n_pairs; i++) {
            a[i] = values[p->pa[i]];
            b[i] = values[p->pb[i]];
        }
        an_stats_paired(a, b, p->n_pairs, x->o->level, t);
        return;
    }
    for (size_t i = 0; i < p->n_base; i++)
        a[i] = values[p->base[i]];
    for (size_t i = 0; i < p->n_vs; i++)
        b[i] = values[p->vs[i]];
    an_stats_welch(a, p->n_base, b, p->n_vs, x->o->level, t);
}

static sim_status compare_var(cmp_ctx *x, size_t var, double *values, double *a, double *b,
                              sim_error *err)
{
    bool has_e = an_results_var(x->r, var)->shape == AN_SHAPE_RUN_ENTITY;
    size_t ne = has_e ? an_results_n_entities(x->r) : 1;
    for (size_t e = 0; e < ne; e++) {
        if (has_e && x->company >= 0 && (long)e != x->company)
            continue;
        sim_status st = an_results_read(x->r, var, e, 0, values, err);
        if (st != SIM_OK)
            return st;
        for (size_t p = 0; p < x->n_pairs; p++) {
            cmp_row *row = &x->rows[x->n_rows++];
            *row = (cmp_row){.pair = p, .var = var, .entity = has_e ? (long)e : -1};
            test_pair(x, &x->pairs[p], values, a, b, &row->t);
        }
    }
    return SIM_OK;
}

static size_t rows_needed(const cmp_ctx *x, const size_t *metrics, size_t n_metrics)
{
    size_t n = 0;
    for (size_t m = 0; m < n_metrics; m++)
        n += an_results_var(x->r, metrics[m])->shape == AN_SHAPE_RUN_ENTITY
                 ? an_results_n_entities(x->r)
                 : 1;
    return n * x->n_pairs;
}

static sim_status holm(cmp_ctx *x, sim_error *err)
{
    double *p = malloc((x->n_rows + 1) * sizeof *p);
    if (p == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    for (size_t i = 0; i < x->n_rows; i++)
        p[i] = x->rows[i].t.p;
    int rc = an_stats_holm(p, x->n_rows, p);
    for (size_t i = 0; rc == 0 && i < x->n_rows; i++)
        x->rows[i].p_holm = p[i];
    free(p);
    return rc == 0 ? SIM_OK : sim_error_set(err, SIM_NOMEM, "out of memory");
}

static sim_status compare_all(cmp_ctx *x, const size_t *metrics, size_t n_metrics, sim_error *err)
{
    size_t n = an_results_n_runs(x->r) + 1;
    double *values = malloc(n * sizeof *values), *a = malloc(n * sizeof *a);
    double *b = malloc(n * sizeof *b);
    x->rows = calloc(rows_needed(x, metrics, n_metrics) + 1, sizeof *x->rows);
    sim_status st = values != NULL && a != NULL && b != NULL && x->rows != NULL
                        ? SIM_OK
                        : sim_error_set(err, SIM_NOMEM, "out of memory");
    for (size_t m = 0; m < n_metrics && st == SIM_OK; m++)
        st = compare_var(x, metrics[m], values, a, b, err);
    free(values);
    free(a);
    free(b);
    return st == SIM_OK ? holm(x, err) : st;
}

/* ---- inter-organizational value ---- */

/* The label of an iov group: "design_point=d" when the file has one variant besides
 * autarky, else the full label. */
static char *iov_label(const cmp_ctx *x, const an_sel *s, size_t n_other)
{
    if (n_other != 1)
        return an_sel_label(s, x->r);
    char *text = malloc(40);
    if (text != NULL)
        snprintf(text, 40, "design_point=%lld", (long long)an_sel_design(s));
    return text;
}

static sim_status iov_column(cmp_ctx *x, const an_groups *g, int var, long entity, char **labels,
                             double *values, double *scratch, sim_error *err)
{
    sim_status st =
        an_results_read(x->r, (size_t)var, entity >= 0 ? (size_t)entity : 0, 0, values, err);
    for (size_t i = 0; st == SIM_OK && i < an_groups_count(g); i++) {
        if (labels[i] == NULL)
            continue;
        const size_t *runs = an_groups_runs(g, i);
        for (size_t k = 0; k < an_groups_n_runs(g, i); k++)
            scratch[k] = values[runs[k]];
        iov_row *row = &x->iov[x->n_iov++];
        row->config = labels[i];
        row->entity = entity;
        an_stats_summary(scratch, an_groups_n_runs(g, i), x->o->level, &row->s);
    }
    return st;
}

/* Variants other than autarky that have complete runs (groups are by design point and
 * variant; a file lists every variant of its scenario, run or not). */
static size_t count_other_variants(const cmp_ctx *x, const an_groups *g, int autarky)
{
    size_t n = 0;
    for (int v = 0; (size_t)v < an_results_n_variants(x->r); v++) {
        bool seen = false;
        for (size_t i = 0; v != autarky && !seen && i < an_groups_count(g); i++)
            seen = an_results_run_variant(x->r, an_groups_runs(g, i)[0]) == v;
        n += seen;
    }
    return n;
}

/* Group labels (NULL for autarky groups, which carry no iov). */
static char **iov_labels(const cmp_ctx *x, const an_groups *g)
{
    int autarky = an_results_find_variant(x->r, "autarky");
    size_t n_other = count_other_variants(x, g, autarky);
    char **labels = calloc(an_groups_count(g) + 1, sizeof *labels);
    for (size_t i = 0; labels != NULL && i < an_groups_count(g); i++) {
        size_t run = an_groups_runs(g, i)[0];
        if (an_results_run_variant(x->r, run) == autarky)
            continue;
        if ((labels[i] = iov_label(x, an_groups_sel(g, i), n_other)) == NULL) {
            for (size_t k = 0; k < i; k++)
                free(labels[k]);
            free(labels);
            return NULL;
        }
    }
    return labels;
}

static sim_status iov_compute(cmp_ctx *x, const an_groups *g, char **labels, sim_error *err)
{
    int iov = an_results_find_var(x->r, "iov"), eco = an_results_find_var(x->r, "iov_ecosystem");
    bool has_iov = iov >= 0 && an_results_var(x->r, (size_t)iov)->shape == AN_SHAPE_RUN_ENTITY;
    bool has_eco = eco >= 0 && an_results_var(x->r, (size_t)eco)->shape == AN_SHAPE_RUN;
    size_t ne = has_iov ? an_results_n_entities(x->r) : 0, n = an_results_n_runs(x->r) + 1;
    x->iov = calloc(an_groups_count(g) * (ne + 1) + 1, sizeof *x->iov);
    double *values = malloc(n * sizeof *values), *scratch = malloc(n * sizeof *scratch);
    sim_status st = x->iov != NULL && values != NULL && scratch != NULL
                        ? SIM_OK
                        : sim_error_set(err, SIM_NOMEM, "out of memory");
    if (st == SIM_OK && has_eco)
        st = iov_column(x, g, eco, -1, labels, values, scratch, err);
    for (size_t e = 0; e < ne && st == SIM_OK; e++)
        if (x->company < 0 || (long)e == x->company)
            st = iov_column(x, g, iov, (long)e, labels, values, scratch, err);
    free(values);
    free(scratch);
    return st;
}

/* Rows are made column by column (iov_ecosystem first); reorder them group by group,
 * keeping that order within a group. */
static void iov_order(cmp_ctx *x, char **labels, size_t n_groups)
{
    iov_row *sorted = malloc((x->n_iov + 1) * sizeof *sorted);
    if (sorted == NULL)
        return;
    size_t k = 0;
    for (size_t i = 0; i < n_groups; i++)
        for (size_t j = 0; labels[i] != NULL && j < x->n_iov; j++)
            if (x->iov[j].config == labels[i])
                sorted[k++] = x->iov[j];
    memcpy(x->iov, sorted, k * sizeof *sorted);
    free(sorted);
}

static sim_status iov_section(cmp_ctx *x, char ***labels_out, size_t *n_labels, sim_error *err)
{
    if (an_results_find_var(x->r, "iov") < 0 && an_results_find_var(x->r, "iov_ecosystem") < 0)
        return SIM_OK;
    an_groups *g = an_groups_make(x->r, "design_point,variant", NULL, err);
    if (g == NULL)
        return err->status;
    char **labels = iov_labels(x, g);
    sim_status st = labels != NULL ? iov_compute(x, g, labels, err)
                                   : sim_error_set(err, SIM_NOMEM, "out of memory");
    if (st == SIM_OK)
        iov_order(x, labels, an_groups_count(g));
    *labels_out = labels;
    *n_labels = labels != NULL ? an_groups_count(g) : 0;
    an_groups_free(g);
    return st;
}

/* ---- output ---- */

static const char *row_company(const cmp_ctx *x, long entity)
{
    return entity >= 0 ? an_results_entity_name(x->r, (size_t)entity) : NULL;
}

static double relative(const an_test *t)
{
    return t->mean_a != 0 && isfinite(t->mean_a) ? t->diff / fabs(t->mean_a) : NAN;
}

static void json_comparison(const cmp_ctx *x, const cmp_row *row, FILE *out)
{
    const cmp_pair *p = &x->pairs[row->pair];
    const an_var *v = an_results_var(x->r, row->var);
    const an_test *t = &row->t;
    fputs("    {\"metric\": ", out);
    cli_json_str(out, v->name);
    fputs(", \"units\": ", out);
    cli_json_str(out, v->units);
    fputs(", \"company\": ", out);
    cli_json_str(out, row_company(x, row->entity));
    fputs(", \"baseline\": ", out);
    cli_json_str(out, p->base_label);
    fputs(", \"vs\": ", out);
    cli_json_str(out, p->vs_label);
    fprintf(out,
            ", \"test\": \"%s\", \"paired_by\": %s, \"why\": ", p->paired ? "paired t" : "Welch t",
            p->paired ? "\"replication\"" : "null");
    cli_json_str(out, p->why);
    fprintf(out, ", \"n_baseline\": %zu, \"n_vs\": %zu, \"n_pairs\": ", t->n_a, t->n_b);
    if (p->paired)
        fprintf(out, "%zu", t->n_pairs);
    else
        fputs("null", out);
    const double nums[10] = {t->mean_a,   t->mean_b, t->diff, t->ci_low, t->ci_high,
                             relative(t), t->df,     t->t,    t->p,      row->p_holm};
    static const char *const keys[10] = {"mean_baseline", "mean_vs", "diff", "ci_low", "ci_high",
                                         "relative",      "df",      "t",    "p",      "p_holm"};
    for (size_t i = 0; i < 10; i++) {
        fprintf(out, ", \"%s\": ", keys[i]);
        cli_json_num(out, nums[i]);
    }
    fputc('}', out);
}

static void json_iov(const cmp_ctx *x, const iov_row *row, FILE *out)
{
    fputs("    {\"config\": ", out);
    cli_json_str(out, row->config);
    fputs(", \"company\": ", out);
    cli_json_str(out, row_company(x, row->entity));
    fprintf(out, ", \"n\": %zu", row->s.n);
    const double nums[5] = {row->s.mean, row->s.sd, row->s.se, row->s.ci_low, row->s.ci_high};
    static const char *const keys[5] = {"mean", "sd", "se", "ci_low", "ci_high"};
    for (size_t i = 0; i < 5; i++) {
        fprintf(out, ", \"%s\": ", keys[i]);
        cli_json_num(out, nums[i]);
    }
    fputc('}', out);
}

static void print_json(const cmp_ctx *x, FILE *out)
{
    const an_results *r = x->r;
    fputs("{\n  \"file\": ", out);
    cli_json_str(out, an_results_path(r));
    fprintf(out,
            ",\n  \"complete\": %s,\n  \"runs\": %zu, \"runs_complete\": %zu, \"runs_failed\": "
            "%zu,\n  \"common_random_numbers\": %s,\n  \"level\": ",
            an_results_complete(r) ? "true" : "false", an_results_n_runs(r),
            an_results_n_complete(r), cli_an_count_status(r, 2),
            an_results_crn(r) ? "true" : "false");
    cli_json_num(out, x->o->level);
    fputs(", \"adjust\": \"holm\",\n  \"comparisons\": [", out);
    for (size_t i = 0; i < x->n_rows; i++) {
        fputs(i > 0 ? ",\n" : "\n", out);
        json_comparison(x, &x->rows[i], out);
    }
    fputs(x->n_rows > 0 ? "\n  ],\n  \"iov\": [" : "],\n  \"iov\": [", out);
    for (size_t i = 0; i < x->n_iov; i++) {
        fputs(i > 0 ? ",\n" : "\n", out);
        json_iov(x, &x->iov[i], out);
    }
    fputs(x->n_iov > 0 ? "\n  ]\n}\n" : "]\n}\n", out);
}

static void print_csv(const cmp_ctx *x, FILE *out)
{
    fputs("metric,units,company,baseline,vs,test,paired_by,why,n_baseline,n_vs,n_pairs,"
          "mean_baseline,mean_vs,diff,ci_low,ci_high,relative,df,t,p,p_holm\n",
          out);
    for (size_t i = 0; i < x->n_rows; i++) {
        const cmp_row *row = &x->rows[i];
        const cmp_pair *p = &x->pairs[row->pair];
        const an_test *t = &row->t;
        const char *text[8] = {an_results_var(x->r, row->var)->name,
                               an_results_var(x->r, row->var)->units,
                               row_company(x, row->entity),
                               p->base_label,
                               p->vs_label,
                               p->paired ? "paired t" : "Welch t",
                               p->paired ? "replication" : NULL,
                               p->why};
        for (size_t k = 0; k < 8; k++) {
            cli_csv_str(out, text[k]);
            fputc(',', out);
        }
        fprintf(out, "%zu,%zu,", t->n_a, t->n_b);
        if (p->paired)
            fprintf(out, "%zu", t->n_pairs);
        const double nums[10] = {t->mean_a,   t->mean_b, t->diff, t->ci_low, t->ci_high,
                                 relative(t), t->df,     t->t,    t->p,      row->p_holm};
        for (size_t k = 0; k < 10; k++) {
            fputc(',', out);
            cli_csv_num(out, nums[k]);
        }
        fputc('\n', out);
    }
}

/* ---- the table and the plain-language reading ---- */

static void p_text(double p, char *out, size_t cap)
{
    if (isnan(p))
        snprintf(out, cap, "-");
    else if (p < 0.001)
        snprintf(out, cap, "<0.001");
    else
        snprintf(out, cap, "%.3f", p);
}

static void pct_text(double x, char *out, size_t cap)
{
    if (isnan(x))
        snprintf(out, cap, "-");
    else
        snprintf(out, cap, "%.1f%%", 100 * x);
}

enum {
    C_BASE,
    C_VS,
    C_METRIC,
    C_COMPANY,
    C_TEST,
    C_N,
    C_MBASE,
    C_MVS,
    C_DIFF,
    C_LOW,
    C_HIGH,
    C_REL,
    C_P,
    C_UNITS,
    N_C
};

static void row_cells(const cmp_ctx *x, const cmp_row *row, char buf[N_C][48],
                      const char *cells[N_C])
{
    const cmp_pair *p = &x->pairs[row->pair];
    const an_test *t = &row->t;
    cells[C_BASE] = p->base_label[0] != '\0' ? p->base_label : "all";
    cells[C_VS] = p->vs_label[0] != '\0' ? p->vs_label : "all";
    cells[C_METRIC] = an_results_var(x->r, row->var)->name;
    cells[C_COMPANY] = row_company(x, row->entity);
    cells[C_TEST] = p->paired ? "paired" : "Welch";
    if (p->paired)
        snprintf(buf[C_N], 48, "%zu", t->n_pairs);
    else
        snprintf(buf[C_N], 48, "%zu+%zu", t->n_a, t->n_b);
    const double nums[5] = {t->mean_a, t->mean_b, t->diff, t->ci_low, t->ci_high};
    for (int k = 0; k < 5; k++)
        cli_an_num(nums[k], buf[C_MBASE + k], 48);
    pct_text(relative(t), buf[C_REL], 48);
    p_text(row->p_holm, buf[C_P], 48);
    for (int c = C_N; c <= C_P; c++)
        cells[c] = buf[c];
    cells[C_UNITS] = an_results_var(x->r, row->var)->units;
}

static int print_rows(const cmp_ctx *x, FILE *out)
{
    char low[48], high[48];
    snprintf(low, sizeof low, "%g%% CI low", 100 * x->o->level);
    snprintf(high, sizeof high, "%g%% CI high", 100 * x->o->level);
    const char *headers[N_C] = {"baseline",      "vs",      "metric", "company", "test", "n",
                                "mean baseline", "mean vs", "diff",   low,       high,   "relative",
                                "p_holm",        "units"};
    static const bool right[N_C] = {false, false, false, false, false, true, true,
                                    true,  true,  true,  true,  true,  true, false};
    bool show[N_C], right_sel[N_C];
    for (size_t c = 0; c < N_C; c++)
        show[c] = true;
    show[C_BASE] = show[C_VS] = x->n_pairs > 1;
    show[C_COMPANY] = false;
    for (size_t i = 0; i < x->n_rows; i++)
        show[C_COMPANY] |= x->rows[i].entity >= 0;
    cli_table *t = cli_table_alloc(cli_an_pick_columns(headers, show, N_C, right_sel, right),
                                   headers, right_sel);
    for (size_t i = 0; t != NULL && i < x->n_rows; i++) {
        char buf[N_C][48];
        const char *cells[N_C];
        row_cells(x, &x->rows[i], buf, cells);
        cli_an_table_add(&t, cells, show, N_C);
    }
    if (t == NULL)
        return -1;
    cli_table_print(t, out);
    cli_table_free(t);
    return 0;
}

/* Label b has the item it (a whole "key=value"). */
static bool label_has(const char *b, const char *it)
{
    size_t n = strlen(it);
    for (const char *at = strstr(b, it); at != NULL; at = strstr(at + 1, it))
        if ((at == b || at[-1] == ',') && (at[n] == '\0' || at[n] == ','))
            return true;
    return false;
}

/* Items of label a that are not in label b, comma-joined; "variant=x" alone becomes "x". */
static void own_part(const char *a, const char *b, char *out, size_t cap)
{
    char items[PLAIN_LABEL_MAX], *save = NULL;
    size_t len = 0;
    snprintf(items, sizeof items, "%s", a);
    out[0] = '\0';
    for (char *it = strtok_r(items, ",", &save); it != NULL; it = strtok_r(NULL, ",", &save)) {
        if (!label_has(b, it) && len < cap)
            len += (size_t)snprintf(out + len, cap - len, "%s%s", len > 0 ? "," : "", it);
    }
    if (strncmp(out, "variant=", 8) == 0 && strchr(out, ',') == NULL)
        memmove(out, out + 8, strlen(out + 8) + 1);
    if (out[0] == '\0')
        snprintf(out, cap, "%s", a[0] != '\0' ? a : "all runs");
}

/* Items of label a that are also in label b. */
static void common_part(const char *a, const char *b, char *out, size_t cap)
{
    char items[PLAIN_LABEL_MAX], *save = NULL;
    size_t len = 0;
    snprintf(items, sizeof items, "%s", a);
    out[0] = '\0';
    for (char *it = strtok_r(items, ",", &save); it != NULL; it = strtok_r(NULL, ",", &save))
        if (label_has(b, it) && len < cap)
            len += (size_t)snprintf(out + len, cap - len, "%s%s", len > 0 ? "," : "", it);
}

static void reading(const cmp_ctx *x, const cmp_row *row, FILE *out)
{
    const cmp_pair *p = &x->pairs[row->pair];
    const an_test *t = &row->t;
    const an_var *v = an_results_var(x->r, row->var);
    char base[PLAIN_LABEL_MAX], vs[PLAIN_LABEL_MAX], by[REL_TEXT_MAX], lo[48], hi[48], pv[48];
    own_part(p->base_label, p->vs_label, base, sizeof base);
    own_part(p->vs_label, p->base_label, vs, sizeof vs);
    double rel = relative(t);
    const char *verb = t->diff > 0 ? "exceeds" : t->diff < 0 ? "falls short of" : "equals";
    if (!isnan(rel)) {
        snprintf(by, sizeof by, "%.1f%%", 100 * fabs(rel));
        pct_text(t->ci_low / fabs(t->mean_a), lo, sizeof lo);
        pct_text(t->ci_high / fabs(t->mean_a), hi, sizeof hi);
    } else {
        cli_an_num(fabs(t->diff), by, sizeof by);
        snprintf(by + strlen(by), sizeof by - strlen(by), " %s", v->units);
        cli_an_num(t->ci_low, lo, sizeof lo);
        cli_an_num(t->ci_high, hi, sizeof hi);
        snprintf(hi + strlen(hi), sizeof hi - strlen(hi), " %s", v->units);
    }
    p_text(row->p_holm, pv, sizeof pv);
    fprintf(out, "  %s%s%s%s: %s %s %s by %s (", v->name, row->entity >= 0 ? " (" : "",
            row->entity >= 0 ? row_company(x, row->entity) : "", row->entity >= 0 ? ")" : "", vs,
            verb, base, by);
    if (isnan(t->ci_low))
        fputs("no confidence interval: too few runs, ", out);
    else
        fprintf(out, "%g%% CI of the difference %s to %s, ", 100 * x->o->level, lo, hi);
    if (p->paired)
        fprintf(out, "paired t over %zu replications", t->n_pairs);
    else
        fprintf(out, "Welch t, n = %zu and %zu", t->n_a, t->n_b);
    if (!isnan(row->p_holm))
        fprintf(out, ", p_holm %s%s", pv[0] == '<' ? "< " : "= ", pv[0] == '<' ? pv + 1 : pv);
    fputc(')', out);
    common_part(p->base_label, p->vs_label, base, sizeof base);
    if (x->n_pairs > 1 && base[0] != '\0')
        fprintf(out, " [%s]", base);
    fputc('\n', out);
}

/* With --metric every comparison is read out; by default those of value_ecosystem, or of
 * the first metric in a file without it. */
static bool is_headline(const cmp_ctx *x, const cmp_row *row)
{
    if (!x->headline_default)
        return true;
    int eco = an_results_find_var(x->r, "value_ecosystem");
    bool compared = false;
    for (size_t i = 0; eco >= 0 && !compared && i < x->n_rows; i++)
        compared = x->rows[i].var == (size_t)eco;
    return row->var == (compared ? (size_t)eco : x->rows[0].var);
}

static void print_readings(const cmp_ctx *x, FILE *out)
{
    size_t shown = 0, more = 0;
    for (size_t i = 0; i < x->n_rows; i++) {
        if (!is_headline(x, &x->rows[i]) || isnan(x->rows[i].t.diff))
            continue;
        if (shown == 0)
            fputs("\nReading:\n", out);
        if (shown < HEADLINE_MAX) {
            reading(x, &x->rows[i], out);
            shown++;
        } else {
            more++;
        }
    }
    if (more > 0)
        fprintf(out, "  ... and %zu more (see --csv or --json)\n", more);
}

static void print_tests(const cmp_ctx *x, FILE *out)
{
    fputs("Tests:\n", out);
    for (size_t i = 0; i < x->n_pairs && i < HEADLINE_MAX; i++) {
        const cmp_pair *p = &x->pairs[i];
        fprintf(out, "  %s vs %s: ", p->base_label[0] ? p->base_label : "all",
                p->vs_label[0] ? p->vs_label : "all");
        if (p->paired)
            fprintf(out, "paired t by replication, %zu pairs (%s)\n", p->n_pairs, p->why);
        else
            fprintf(out, "Welch t, %zu and %zu runs (%s)\n", p->n_base, p->n_vs, p->why);
    }
    if (x->n_pairs > HEADLINE_MAX)
        fprintf(out, "  ... and %zu more configuration pairs\n", x->n_pairs - HEADLINE_MAX);
}

static int print_iov(const cmp_ctx *x, FILE *out)
{
    if (x->n_iov == 0)
        return 0;
    char low[48], high[48];
    snprintf(low, sizeof low, "%g%% CI low", 100 * x->o->level);
    snprintf(high, sizeof high, "%g%% CI high", 100 * x->o->level);
    const char *headers[7] = {"config", "company", "n", "mean IOV", "sd", low, high};
    static const bool right[7] = {false, false, true, true, true, true, true};
    cli_table *t = cli_table_alloc(7, headers, right);
    for (size_t i = 0; t != NULL && i < x->n_iov; i++) {
        const iov_row *row = &x->iov[i];
        char buf[5][48];
        snprintf(buf[0], 48, "%zu", row->s.n);
        cli_an_num(row->s.mean, buf[1], 48);
        cli_an_num(row->s.sd, buf[2], 48);
        cli_an_num(row->s.ci_low, buf[3], 48);
        cli_an_num(row->s.ci_high, buf[4], 48);
        const char *company = row->entity >= 0 ? row_company(x, row->entity) : "(ecosystem)";
        const char *cells[7] = {row->config, company, buf[0], buf[1], buf[2], buf[3], buf[4]};
        if (cli_table_add(t, cells) != 0) {
            cli_table_free(t);
            t = NULL;
        }
    }
    if (t == NULL)
        return -1;
    fputs("\nInter-organizational value (EUR; iov per company, iov_ecosystem as (ecosystem)):\n",
          out);
    cli_table_print(t, out);
    cli_table_free(t);
    return 0;
}

static int print_table(const cmp_ctx *x, FILE *out)
{
    char runs[160];
    cli_an_runs_text(x->r, runs, sizeof runs);
    fprintf(out, "%s: %s; p-values Holm-adjusted over %zu comparisons\n", an_results_path(x->r),
            runs, x->n_rows);
    print_tests(x, out);
    fputc('\n', out);
    if (print_rows(x, out) != 0)
        return -1;
    print_readings(x, out);
    return print_iov(x, out);
}

/* ---- the command ---- */

static void ctx_free(cmp_ctx *x, char **iov_labels, size_t n_labels)
{
    for (size_t i = 0; x->pairs != NULL && i < x->n_pairs; i++) {
        cmp_pair *p = &x->pairs[i];
        free(p->base_label);
        free(p->vs_label);
        free(p->base);
        free(p->vs);
        free(p->pa);
        free(p->pb);
    }
    for (size_t i = 0; iov_labels != NULL && i < n_labels; i++)
        free(iov_labels[i]);
    free(iov_labels);
    free(x->pairs);
    free(x->rows);
    free(x->iov);
    an_results_close(x->r);
}

static int output(const cmp_ctx *x)
{
    if (x->o->format == CLI_JSON)
        print_json(x, stdout);
    else if (x->o->format == CLI_CSV)
        print_csv(x, stdout);
    else if (print_table(x, stdout) != 0) {
        cli_errorf("compare", "out of memory");
        return 70;
    }
    return 0;
}

static int run_compare(cmp_ctx *x, const size_t *metrics, size_t n_metrics, char ***labels,
                       size_t *n_labels)
{
    sim_error err;
    sim_error_clear(&err);
    sim_status st = configurations(x, &err);
    if (st == SIM_OK)
        st = compare_all(x, metrics, n_metrics, &err);
    if (st == SIM_OK)
        st = iov_section(x, labels, n_labels, &err);
    if (st == SIM_USAGE)
        return cli_usage_error("compare", "%s", err.msg);
    if (st != SIM_OK) {
        cli_errorf("compare", "%s", err.msg);
        return sim_status_exit_code(st);
    }
    return output(x);
}

int cmd_compare(int argc, char **argv)
{
    cmp_opts o = {.level = 0.95, .format = CLI_TABLE};
    int rc = parse(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    cmp_ctx x = {.o = &o, .headline_default = o.n_metric == 0, .company = -1};
    x.r = cli_an_open("compare", o.path, o.metric, o.n_metric, &rc);
    if (x.r == NULL)
        return rc;
    if ((rc = cli_an_company("compare", x.r, o.company, &x.company)) != 0) {
        an_results_close(x.r);
        return rc;
    }
    size_t n_metrics = 0, n_labels = 0;
    char **labels = NULL;
    size_t *metrics = cli_an_metrics("compare", x.r, o.metric, o.n_metric, false, &n_metrics, &rc);
    if (metrics != NULL)
        rc = run_compare(&x, metrics, n_metrics, &labels, &n_labels);
    free(metrics);
    ctx_free(&x, labels, n_labels);
    return rc;
}
