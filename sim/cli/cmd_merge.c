/* ecotwin merge OUT SHARD...: the files of a sharded sweep (`ecotwin sweep --shard I/N`, one
 * per Slurm array task) combined into one file whose data equal those of the whole sweep
 * (docs/hpc.md).
 *
 * Everything is checked before anything is written: every input must be a complete ecotwin
 * sweep file (a shard, or a whole sweep as shard 0/1), all of one sweep (sweep_fingerprint)
 * and one shard count, every shard exactly once, and every run must have a status in its own
 * shard and in no other. The merged file then goes through sim_batch like a sweep (OUT.part,
 * renamed when complete; SIGTERM leaves a resumable OUT.part, exit 75), every unit copied in
 * run order from its shard, so runs, event tables and design coordinates are written by the
 * same code, in the same order, as in the unsharded sweep.
 *
 * What the copy needs and a results file does not hold directly comes from the shards:
 * the catalog (record layout) from the stored resolved scenario, the plan (replications,
 * variants, seed) from the same, the design points from the param_<x>(design_point)
 * variables, taken in creation order so the merged file lists them as the sweep did. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <yaml.h>

#include "cli.h"
#include "sim_batch.h"
#include "sim_h5.h"
#include "sim_runner.h"
#include "sim_yaml.h"

#define EXIT_INVALID 65
#define EXIT_MISSING 66
#define EXIT_IO      74
/* Runs named in a refusal at most; the count says how many more. */
#define RUNS_NAMED 5

typedef struct merge_opts {
    const char *output;
    int resume, quiet, json;
} merge_opts;

typedef struct shard_in {
    const char *path;
    sim_h5_reader *r;
    size_t index, count; /* count 1: a whole sweep */
    char text[48];       /* "I/N" */
} shard_in;

/* The design points of the sweep, read from one shard. */
typedef struct merge_design {
    size_t n_design, n_factors;
    char **vars, **paths;
    char **level_text;    /* per factor: flag_meanings (split in place), or NULL */
    const char ***levels; /* per factor: NULL-terminated words of level_text, or NULL */
    double *values;       /* n_design x n_factors */
} merge_design;

typedef struct merge_job {
    merge_opts o;
    shard_in *in;
    size_t n_in, n_shards;
    sim_h5_reader **sources; /* by shard index */
    sim_scenario *sc;
    sim_catalog *cat;
    merge_design d;
    sim_plan plan;
} merge_job;

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: ecotwin merge [OPTIONS] OUT SHARD...\n\n"
            "Combines the files of a sharded sweep (ecotwin sweep --shard I/N, e.g. one per\n"
            "Slurm array task) into OUT, whose data equal those of the whole sweep run at\n"
            "once. The shards may be given in any order. Refused, with nothing written: files\n"
            "of different sweeps or shard counts, a missing or duplicated shard, an incomplete\n"
            "shard (FILE.part, or a file not marked complete), runs without a status in their\n"
            "shard or with one in another shard, and files that are not ecotwin sweep files.\n"
            "A whole-sweep file counts as shard 0/1.\n\n"
            "Options:\n"
            "      --resume     continue OUT.part left by an interrupted merge\n"
            "      --json       print the summary as JSON on stdout\n"
            "  -q, --quiet      no progress on stderr\n"
            "  -h, --help       show this help\n\n"
            "OUT is written as OUT.part and renamed when complete; SIGINT/SIGTERM leave OUT.part\n"
            "(exit 75; continue with --resume). See docs/hpc.md.\n\n"
            "Exit: 0 ok, 2 usage (also: OUT.part exists and --resume was not given),\n"
            "65 shards that do not make one sweep (or not ecotwin sweep files), 66 missing\n"
            "file, 70 internal error, 74 unreadable file or I/O error, 75 interrupted.\n");
}

static int parse_opts(int argc, char **argv, merge_opts *o, int *done)
{
    static const struct option opts[] = {{"resume", no_argument, NULL, 'R'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    *done = 0;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'R':
            o->resume = 1;
            break;
        case 'j':
            o->json = 1;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'h':
            usage(stdout);
            *done = 1;
            return 0;
        default:
            return cli_usage_error("merge", "invalid option");
        }
    }
    if (argc - optind < 2)
        return cli_usage_error("merge", "expected OUT and at least one shard file");
    o->output = argv[optind];
    return 0;
}

/* ---- one input ---- */

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* "I/N" with 0 <= I < N; 0 when it is not one. */
static int parse_shard(const char *text, size_t *index, size_t *count)
{
    unsigned long long i = 0, n = 0;
    int used = 0;
    if (text == NULL || sscanf(text, "%llu/%llu%n", &i, &n, &used) != 2 || text[used] != '\0' ||
        n < 1 || i >= n || n > CLI_SHARD_MAX)
        return 0;
    *index = (size_t)i;
    *count = (size_t)n;
    return 1;
}

static int how_to_finish(const shard_in *s, const char *file)
{
    if (s->count > 1)
        cli_errorf("merge",
                   "shard %s (%s) is incomplete: finish it with ecotwin sweep --shard %s "
                   "--resume",
                   s->text, file, s->text);
    else
        cli_errorf("merge", "%s is incomplete: finish it with ecotwin sweep --resume", file);
    return EXIT_INVALID;
}

/* A missing FILE whose FILE.part exists is a shard that did not finish. */
static int missing_input(const shard_in *s)
{
    char *part = sim_batch_part_path(s->path);
    int rc = EXIT_MISSING;
    if (part != NULL && file_exists(part)) {
        int probe = cli_probe_file("merge", part, CLI_PROBE_READER, NULL, 0);
        if (probe != 0) {
            free(part);
            return probe;
        }
        sim_error err;
        sim_h5_reader *r = sim_h5_open_read(part, &err);
        shard_in p = {.path = part, .count = 1};
        snprintf(p.text, sizeof p.text, "0/1");
        if (r != NULL && parse_shard(sim_h5_reader_attr(r, "shard"), &p.index, &p.count))
            snprintf(p.text, sizeof p.text, "%zu/%zu", p.index, p.count);
        sim_h5_reader_close(r);
        rc = how_to_finish(&p, part);
    } else {
        cli_errorf("merge", "%s does not exist%s", s->path,
                   part != NULL ? "" : " (and out of memory)");
    }
    free(part);
    return rc;
}

/* Opens a shard that exists and has been probed (check_inputs). */
static int open_input(shard_in *s)
{
    if (!file_exists(s->path))
        return missing_input(s);
    sim_error err;
    sim_error_clear(&err);
    s->r = sim_h5_open_read(s->path, &err);
    if (s->r == NULL) {
        if (err.status == SIM_NOINPUT) {
            cli_errorf("merge", "%s is not an ecotwin sweep file: %s", s->path, err.msg);
            return EXIT_INVALID;
        }
        cli_errorf("merge", "cannot read %s: %s", s->path, err.msg);
        return sim_status_exit_code(err.status == SIM_NOMEM ? SIM_NOMEM : SIM_IO);
    }
    const char *kind = sim_h5_reader_attr(s->r, "kind");
    if (kind == NULL || strcmp(kind, "sweep") != 0 ||
        sim_h5_reader_attr(s->r, "sweep_fingerprint") == NULL ||
        sim_h5_reader_attr(s->r, "scenario_yaml") == NULL) {
        cli_errorf("merge", "%s is not an ecotwin sweep file (kind %s%s)", s->path,
                   kind != NULL ? kind : "missing",
                   kind != NULL && strcmp(kind, "run") == 0 ? ": written by ecotwin run" : "");
        return EXIT_INVALID;
    }
    const char *shard = sim_h5_reader_attr(s->r, "shard");
    s->index = 0;
    s->count = 1;
    if (shard != NULL && !parse_shard(shard, &s->index, &s->count)) {
        cli_errorf("merge", "%s: damaged shard attribute '%s' (expected I/N)", s->path, shard);
        return EXIT_INVALID;
    }
    snprintf(s->text, sizeof s->text, "%zu/%zu", s->index, s->count);
    if (!sim_h5_reader_complete(s->r))
        return how_to_finish(s, s->path);
    return 0;
}

/* ---- the inputs together ---- */

static int same_sweep(const merge_job *m)
{
    const shard_in *a = &m->in[0];
    const char *fp = sim_h5_reader_attr(a->r, "sweep_fingerprint");
    for (size_t i = 1; i < m->n_in; i++) {
        const shard_in *b = &m->in[i];
        if (strcmp(sim_h5_reader_attr(b->r, "sweep_fingerprint"), fp) != 0 ||
            sim_h5_reader_n_runs(b->r) != sim_h5_reader_n_runs(a->r)) {
            cli_errorf("merge",
                       "%s and %s are not shards of one sweep (their sweep_fingerprint differs: "
                       "another sweep file, seed, replication count or random-number mode)",
                       a->path, b->path);
            return EXIT_INVALID;
        }
        if (b->count != a->count) {
            cli_errorf("merge", "%s is shard %s but %s is shard %s: different shard counts",
                       a->path, a->text, b->path, b->text);
            return EXIT_INVALID;
        }
    }
    return 0;
}

/* Every shard index exactly once; sources[] by index. */
static int every_shard_once(merge_job *m)
{
    size_t n = m->in[0].count;
    m->n_shards = n;
    m->sources = calloc(n, sizeof *m->sources);
    const char **owner = calloc(n, sizeof *owner);
    int rc = 0;
    if (m->sources == NULL || owner == NULL) {
        cli_errorf("merge", "out of memory");
        rc = sim_status_exit_code(SIM_NOMEM);
    }
    for (size_t i = 0; rc == 0 && i < m->n_in; i++) {
        const shard_in *s = &m->in[i];
        if (owner[s->index] != NULL) {
            cli_errorf("merge", "shard %s is given twice: %s and %s", s->text, owner[s->index],
                       s->path);
            rc = EXIT_INVALID;
        }
        owner[s->index] = s->path;
        m->sources[s->index] = s->r;
    }
    size_t missing = 0;
    char list[512] = "";
    size_t len = 0;
    for (size_t k = 0; rc == 0 && k < n; k++) {
        if (owner[k] != NULL)
            continue;
        if (missing++ < 10 && len < sizeof list)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%zu/%zu",
                                    missing > 1 ? ", " : "", k, n);
    }
    if (rc == 0 && missing > 0) {
        cli_errorf("merge", "%zu of %zu shards missing: %s%s (one file per shard 0..%zu is needed)",
                   missing, n, list, missing > 10 ? ", ..." : "", n - 1);
        rc = EXIT_INVALID;
    }
    free(owner);
    return rc;
}

/* Every run has a status in its own shard (unit % N) and none in another. */
static int statuses_fit(const merge_job *m)
{
    size_t nv = m->plan.n_variants, n = sim_h5_reader_n_runs(m->in[0].r);
    for (size_t i = 0; i < m->n_in; i++) {
        const shard_in *s = &m->in[i];
        size_t bad = 0, first[RUNS_NAMED];
        int own_bad = 0;
        for (size_t run = 0; run < n; run++) {
            int own = (run / nv) % m->n_shards == s->index;
            int st = sim_h5_reader_run_status(s->r, run);
            int wrong = own ? (st != 1 && st != 2) : st != 0;
            if (wrong && bad < RUNS_NAMED) {
                first[bad] = run;
                own_bad = own;
            }
            bad += (size_t)wrong;
        }
        if (bad == 0)
            continue;
        char list[128] = "";
        size_t len = 0;
        for (size_t k = 0; k < bad && k < RUNS_NAMED && len < sizeof list; k++)
            len +=
                (size_t)snprintf(list + len, sizeof list - len, "%s%zu", k ? ", " : "", first[k]);
        if (own_bad)
            cli_errorf("merge",
                       "%s (shard %s) is complete but %zu of its runs have no status "
                       "(runs %s%s): the file is damaged; run the shard again",
                       s->path, s->text, bad, list, bad > RUNS_NAMED ? ", ..." : "");
        else
            cli_errorf("merge",
                       "%s (shard %s) holds %zu runs of other shards (runs %s%s): "
                       "duplicated runs; was it written by another shard layout?",
                       s->path, s->text, bad, list, bad > RUNS_NAMED ? ", ..." : "");
        return EXIT_INVALID;
    }
    return 0;
}

/* ---- what the copy needs: catalog, plan, design ---- */

/* The stored resolved sweep without its sweep: section is the base scenario. */
static int open_scenario(merge_job *m)
{
    const shard_in *s = &m->in[0];
    const char *yaml = sim_h5_reader_attr(s->r, "scenario_yaml");
    sim_cfg *cfg = sim_cfg_alloc();
    sim_error err;
    sim_error_clear(&err);
    if (cfg == NULL) {
        cli_errorf("merge", "out of memory");
        return sim_status_exit_code(SIM_NOMEM);
    }
    sim_status st = sim_yaml_load_string(cfg, s->path, yaml, strlen(yaml), &err);
    if (st == SIM_OK && sim_cfg_node_kind(sim_cfg_root(cfg)) != SIM_CFG_MAP)
        st = sim_error_set(&err, SIM_INVALID, "not a map");
    if (st != SIM_OK) {
        sim_cfg_free(cfg);
        cli_errorf("merge", "%s: its stored scenario (scenario_yaml) does not load: %s", s->path,
                   err.msg);
        return EXIT_INVALID;
    }
    sim_cfg_map_remove(sim_cfg_root(cfg), "sweep");
    sim_overrides ov = SIM_OVERRIDES_NONE;
    st = sim_scenario_open_cfg(cfg, s->path, &ov, &m->sc, &err);
    if (st != SIM_OK) {
        size_t n = sim_scenario_diag_count(m->sc);
        cli_errorf("merge", "%s: its stored scenario (scenario_yaml) does not open: %s", s->path,
                   n > 0 ? sim_scenario_diag_text(m->sc, 0) : err.msg);
        return EXIT_INVALID;
    }
    m->cat = sim_runner_catalog(m->sc);
    if (m->cat == NULL) {
        cli_errorf("merge", "out of memory");
        return sim_status_exit_code(SIM_NOMEM);
    }
    return 0;
}

typedef struct name_list {
    char **names;
    size_t n, cap;
    int nomem;
} name_list;

static herr_t take_param(hid_t group, const char *name, const H5L_info_t *info, void *data)
{
    (void)group;
    (void)info;
    name_list *l = data;
    if (strncmp(name, "param_", 6) != 0)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        char **p = realloc(l->names, cap * sizeof *p);
        if (p == NULL) {
            l->nomem = 1;
            return 1;
        }
        l->names = p;
        l->cap = cap;
    }
    if ((l->names[l->n] = strdup(name)) == NULL) {
        l->nomem = 1;
        return 1;
    }
    l->n++;
    return 0;
}

/* The param_ variables in creation order, which is the sweep's factor order (sim_h5_vars
 * lists by name). Empty when the file has no creation-order index: name order then. */
static void factor_order(const char *path, name_list *l)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0)
        return;
    hsize_t at = 0;
    if (H5Literate(file, H5_INDEX_CRT_ORDER, H5_ITER_INC, &at, take_param, l) < 0 || l->nomem) {
        for (size_t i = 0; i < l->n; i++)
            free(l->names[i]);
        l->n = 0;
    }
    H5Fclose(file);
}

static void design_free(merge_design *d)
{
    for (size_t f = 0; f < d->n_factors; f++) {
        free(d->vars != NULL ? d->vars[f] : NULL);
        free(d->paths != NULL ? d->paths[f] : NULL);
        free(d->level_text != NULL ? d->level_text[f] : NULL);
        free(d->levels != NULL ? d->levels[f] : NULL);
    }
    free(d->vars);
    free(d->paths);
    free(d->level_text);
    free(d->levels);
    free(d->values);
}

/* flag_meanings split into words (in place), NULL-terminated. */
static const char **split_levels(char *text)
{
    size_t n = 1;
    for (const char *c = text; *c; c++)
        n += *c == ' ';
    const char **w = calloc(n + 1, sizeof *w);
    size_t k = 0;
    for (char *save = NULL, *t = w != NULL ? strtok_r(text, " ", &save) : NULL; t != NULL;
         t = strtok_r(NULL, " ", &save))
        w[k++] = t;
    return w;
}

static int read_factor(sim_h5_vars *v, merge_design *d, size_t f, const char *name,
                       const char *path)
{
    int i = sim_h5_vars_find(v, name);
    const sim_h5_vinfo *info = i >= 0 ? sim_h5_vars_info(v, (size_t)i) : NULL;
    if (info == NULL || info->rank != 1 || info->dims[0] != d->n_design ||
        strcmp(info->dim[0], "design_point") != 0 ||
        (info->cls != SIM_H5_VFLOAT && info->cls != SIM_H5_VINT)) {
        cli_errorf("merge", "%s: design variable %s is damaged (not numeric over design_point)",
                   path, name);
        return EXIT_INVALID;
    }
    d->vars[f] = strdup(name);
    d->paths[f] = sim_h5_vars_attr_text(v, name, "long_name");
    if (info->cls == SIM_H5_VINT) {
        d->level_text[f] = sim_h5_vars_attr_text(v, name, "flag_meanings");
        d->levels[f] = d->level_text[f] != NULL ? split_levels(d->level_text[f]) : NULL;
    }
    double *col = malloc(d->n_design * sizeof *col);
    sim_error err;
    sim_error_clear(&err);
    uint64_t start = 0, count = d->n_design;
    sim_status st =
        col != NULL ? sim_h5_vars_read(v, (size_t)i, &start, &count, col, &err) : SIM_NOMEM;
    for (size_t p = 0; st == SIM_OK && p < d->n_design; p++)
        d->values[p * d->n_factors + f] = col[p];
    free(col);
    if (st == SIM_NOMEM || d->vars[f] == NULL)
        return sim_status_exit_code(SIM_NOMEM);
    if (st != SIM_OK || d->paths[f] == NULL || (info->cls == SIM_H5_VINT && d->levels[f] == NULL)) {
        cli_errorf("merge", "%s: design variable %s cannot be read: %s", path, name,
                   st != SIM_OK ? err.msg : "long_name or flag_meanings missing");
        return st == SIM_OK ? EXIT_INVALID : EXIT_IO;
    }
    return 0;
}

static int design_alloc(merge_design *d, size_t nf)
{
    d->n_factors = nf;
    d->vars = calloc(nf ? nf : 1, sizeof *d->vars);
    d->paths = calloc(nf ? nf : 1, sizeof *d->paths);
    d->level_text = calloc(nf ? nf : 1, sizeof *d->level_text);
    d->levels = calloc(nf ? nf : 1, sizeof *d->levels);
    d->values = calloc(nf && d->n_design ? nf * d->n_design : 1, sizeof *d->values);
    return d->vars && d->paths && d->level_text && d->levels && d->values ? 0 : -1;
}

static int read_design_vars(sim_h5_vars *v, merge_design *d, const char *path)
{
    int i = sim_h5_vars_find(v, "design_point");
    const sim_h5_vinfo *info = i >= 0 ? sim_h5_vars_info(v, (size_t)i) : NULL;
    if (info == NULL || info->rank != 1 || info->dims[0] == 0) {
        cli_errorf("merge", "%s: no design_point dimension: not a sweep file, or damaged", path);
        return EXIT_INVALID;
    }
    d->n_design = (size_t)info->dims[0];
    name_list order = {0};
    factor_order(path, &order);
    if (order.n == 0) /* no creation-order index: name order */
        for (size_t k = 0; k < sim_h5_vars_count(v) && !order.nomem; k++)
            take_param(0, sim_h5_vars_info(v, k)->name, NULL, &order);
    int rc = order.nomem || design_alloc(d, order.n) != 0 ? sim_status_exit_code(SIM_NOMEM) : 0;
    for (size_t f = 0; rc == 0 && f < order.n; f++)
        rc = read_factor(v, d, f, order.names[f], path);
    for (size_t k = 0; k < order.n; k++)
        free(order.names[k]);
    free(order.names);
    return rc;
}

static int read_design(merge_job *m)
{
    const char *path = m->in[0].path;
    sim_error err;
    sim_error_clear(&err);
    sim_h5_vars *v = sim_h5_vars_open(path, &err);
    if (v == NULL) {
        cli_errorf("merge", "cannot read %s: %s", path, err.msg);
        return err.status == SIM_NOMEM ? sim_status_exit_code(SIM_NOMEM) : EXIT_IO;
    }
    int rc = read_design_vars(v, &m->d, path);
    double crn = 1.0;
    if (sim_h5_vars_attr_num(v, NULL, "common_random_numbers", &crn) != 0)
        crn = 1.0;
    m->plan.crn = crn != 0.0;
    sim_h5_vars_close(v);
    return rc;
}

static sim_status no_open(void *ctx, size_t d, sim_scenario **out, sim_error *err)
{
    (void)ctx;
    *out = NULL;
    return sim_error_set(err, SIM_INTERNAL, "merge: design point %zu is copied, not run", d);
}

static int make_plan(merge_job *m)
{
    size_t n_runs = sim_h5_reader_n_runs(m->in[0].r);
    m->plan.n_designs = m->d.n_design;
    m->plan.replications = m->sc->replications;
    m->plan.n_variants = m->sc->n_variants;
    m->plan.variants = m->sc->variants;
    m->plan.master_seed = m->sc->master_seed;
    m->plan.cat = m->cat;
    m->plan.open = no_open;
    size_t want = m->d.n_design * m->plan.replications * m->plan.n_variants;
    if (m->plan.replications == 0 || m->plan.n_variants == 0 || want != n_runs) {
        cli_errorf("merge",
                   "%s: %zu runs, but its scenario and design make %zu design points x %zu "
                   "replications x %zu variants: the file is damaged",
                   m->in[0].path, n_runs, m->d.n_design, m->plan.replications, m->plan.n_variants);
        return EXIT_INVALID;
    }
    return 0;
}

/* ---- writing ---- */

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (strcmp(a, b) == 0)
        return 1;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static void print_summary(const merge_job *m, const sim_batch_result *res)
{
    size_t n = sim_plan_n_runs(&m->plan);
    if (m->o.json) {
        printf("{\"results\": \"");
        for (const char *c = m->o.output; *c; c++)
            printf(*c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
        printf("\", \"shards\": %zu, \"runs\": %zu, \"failed\": %zu, \"resumed\": %zu, "
               "\"wall_s\": %.3f}\n",
               m->n_shards, n, res->runs_failed, res->runs_resumed, res->wall_s);
        return;
    }
    printf("Results: %s\n", m->o.output);
    printf("%zu runs from %zu shard%s (%zu design points x %zu replications x %zu variants), "
           "%zu failed in the sweep\n",
           n, m->n_shards, m->n_shards == 1 ? "" : "s", m->d.n_design, m->plan.replications,
           m->plan.n_variants, res->runs_failed);
    printf("Describe the file: ecotwin inspect %s\n", m->o.output);
}

static int write_merged(merge_job *m)
{
    const sim_h5_reader *r = m->in[0].r;
    const sim_model_type *model = m->sc->model;
    size_t n_names = 0;
    while (model->variants[n_names] != NULL)
        n_names++;
    sim_h5_runs design = {
        .variant_names = model->variants,
        .n_variant_names = n_names,
        .n_design = m->d.n_design,
        .n_factors = m->d.n_factors,
        .factor_vars = (const char *const *)m->d.vars,
        .factor_paths = (const char *const *)m->d.paths,
        .factor_values = m->d.values,
        .factor_levels = (const char *const *const *)m->d.levels,
    };
    const char *scenario_path = sim_h5_reader_attr(r, "scenario_path");
    char title[512];
    snprintf(title, sizeof title, "ecotwin sweep of %s (merged from %zu shards)",
             scenario_path != NULL ? scenario_path : "?", m->n_shards);
    sim_h5_provenance prov = {
        .title = title,
        .model = model->name,
        .command_line = cli_command_line(),
        .scenario_path = scenario_path,
        .resolved_yaml = sim_h5_reader_attr(r, "scenario_yaml"),
        .master_seed = m->plan.master_seed,
        .rng_algorithm = sim_h5_reader_attr(r, "rng_algorithm"),
        .threads = 1,
        .ranks = 1,
        .libyaml_version = yaml_get_version_string(),
        .fingerprint = sim_h5_reader_attr(r, "sweep_fingerprint"),
        .kind = "sweep",
        .design_name = sim_h5_reader_attr(r, "sweep_design"),
        .independent_streams = !m->plan.crn,
    };
    cli_batch cb = {
        .cmd = "merge",
        .output = m->o.output,
        .threads = 1,
        .resume = m->o.resume,
        .quiet = m->o.quiet,
        .plan = &m->plan,
        .design = &design,
        .prov = &prov,
        .sources = m->sources,
        .n_sources = m->n_shards,
    };
    sim_batch_result res;
    memset(&res, 0, sizeof res);
    char *part = sim_batch_part_path(m->o.output);
    int part_before = part == NULL || file_exists(part);
    sim_status st = cli_batch_run(&cb, &res);
    /* An OUT.part this merge made and could not finish (a shard's data unreadable) holds
     * only copies: removed, so that a failed merge leaves nothing. */
    if (st != SIM_OK && st != SIM_INTERRUPTED && !part_before)
        unlink(part);
    free(part);
    if (st == SIM_OK)
        print_summary(m, &res);
    return sim_status_exit_code(st);
}

/* A shard HDF5 crashes or loops on ends the merge with 74 before any is opened here: every
 * shard is read whole in a child first, several side by side (cli_probe.c). */
static int probe_inputs(const merge_job *m)
{
    const char **paths = malloc((m->n_in > 0 ? m->n_in : 1) * sizeof *paths);
    if (paths == NULL) {
        cli_errorf("merge", "out of memory");
        return 70;
    }
    size_t n = 0;
    for (size_t i = 0; i < m->n_in; i++)
        if (file_exists(m->in[i].path))
            paths[n++] = m->in[i].path;
    int rc = cli_probe_files("merge", paths, n);
    free(paths);
    return rc;
}

static int check_inputs(merge_job *m)
{
    for (size_t i = 0; i < m->n_in; i++)
        if (same_file(m->in[i].path, m->o.output))
            return cli_usage_error("merge", "OUT (%s) is also given as a shard", m->o.output);
    int rc = probe_inputs(m);
    for (size_t i = 0; rc == 0 && i < m->n_in; i++)
        rc = open_input(&m->in[i]);
    if (rc == 0)
        rc = same_sweep(m);
    if (rc == 0)
        rc = every_shard_once(m);
    if (rc == 0)
        rc = open_scenario(m);
    if (rc == 0)
        rc = read_design(m);
    if (rc == 0)
        rc = make_plan(m);
    if (rc == 0)
        rc = statuses_fit(m);
    return rc;
}

static void job_free(merge_job *m)
{
    for (size_t i = 0; m->in != NULL && i < m->n_in; i++)
        sim_h5_reader_close(m->in[i].r);
    free(m->in);
    free(m->sources);
    design_free(&m->d);
    sim_catalog_free(m->cat);
    sim_scenario_free(m->sc);
}

int cmd_merge(int argc, char **argv)
{
    merge_job m;
    memset(&m, 0, sizeof m);
    int done = 0;
    int rc = parse_opts(argc, argv, &m.o, &done);
    if (rc != 0 || done)
        return rc;
    m.n_in = (size_t)(argc - optind - 1);
    m.in = calloc(m.n_in, sizeof *m.in);
    if (m.in == NULL) {
        cli_errorf("merge", "out of memory");
        return sim_status_exit_code(SIM_NOMEM);
    }
    for (size_t i = 0; i < m.n_in; i++)
        m.in[i].path = argv[optind + 1 + (int)i];
    rc = check_inputs(&m);
    if (rc == 0) {
        if (!m.o.quiet)
            fprintf(stderr, "ecotwin merge: %zu shard%s of %s checked; writing %s\n", m.n_shards,
                    m.n_shards == 1 ? "" : "s",
                    sim_h5_reader_attr(m.in[0].r, "scenario_path") != NULL
                        ? sim_h5_reader_attr(m.in[0].r, "scenario_path")
                        : "?",
                    m.o.output);
        rc = write_merged(&m);
    }
    job_free(&m);
    return rc;
}
