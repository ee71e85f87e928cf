/*
 * sim_sweep: reading a sweep file and expanding its design.
 *
 * Opening goes: load the file (extends merged); take the `sweep:` section out of the tree
 * (it stays in the same document, under a stand-in root used only to judge its keys); open
 * a copy of the rest as the base scenario, which fills in defaults and validates it; read
 * the section through the getters; resolve each factor's path against the base's resolved
 * tree; build the design. Every problem becomes a diagnostic on the sweep document or on the
 * base scenario, so one pass reports them all.
 *
 * Storage: a factor holds its levels. For grid the levels are the written ones and point d's
 * level is a mixed-radix digit of d (nothing is stored per point); for the other designs the
 * factor holds one level per point. A level written in a file keeps its node (text, quoted,
 * place); a generated one has only its value and text. All text lives in the document's
 * arena. After sim_sweep_open nothing in the sweep changes, which is what makes
 * sim_sweep_open_design safe to call from several threads.
 */
#include "sim_sweep.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim_csv.h"
#include "sim_design.h"
#include "sim_sweep_internal.h"
#include "sim_yaml.h"

#define NUM_TEXT_MAX 40 /* a double printed with %.17g, with room to spare */
#define MSG_MAX      512

typedef struct sweep_level {
    const char *text;         /* what goes into the tree */
    const sim_cfg_node *node; /* where it was written; NULL for a generated value */
    double value;             /* the number, or the category's index */
} sweep_level;

typedef struct sweep_factor {
    const char *path;  /* as written, interned */
    char *var;         /* "param_..." */
    sim_cfg_mark mark; /* the place the factor was named */
    sim_sweep_step steps[SIM_SWEEP_PATH_MAX_STEPS];
    size_t n_steps;
    const sim_cfg_node *leaf; /* what the path names in the resolved base */
    int resolved, categorical;
    const char **categories; /* distinct string levels, NULL-terminated */
    size_t n_categories;
    sweep_level *levels;
    size_t n_levels, stride; /* stride: grid points per step of this factor */
    double min, max;
} sweep_factor;

struct sim_sweep {
    char *path;
    sim_cfg *doc;           /* the sweep file; diagnostics of the file and the design */
    sim_cfg_node *raw;      /* doc's tree without `sweep:`, defaults not filled in */
    sim_cfg_node *section;  /* the `sweep:` map */
    sim_cfg_node *stand_in; /* {sweep: section}, for judging the section's keys */
    sim_scenario *base;
    sim_overrides ov;
    int has_ov;
    sim_design_kind design;
    sweep_factor *factors;
    size_t n_factors, n_points;
    char *resolved_yaml;
};

static const char *const design_names[] = {"grid",  "zip",      "list", "lhs",
                                           "sobol", "saltelli", "csv",  NULL};

/* ---- small helpers ---- */

const char *sim_sweep_design_name(sim_design_kind kind)
{
    return (unsigned)kind < sizeof design_names / sizeof *design_names - 1 ? design_names[kind]
                                                                           : "unknown";
}

static int design_has_ranges(sim_design_kind d)
{
    return d == SIM_DESIGN_LHS || d == SIM_DESIGN_SOBOL || d == SIM_DESIGN_SALTELLI;
}

/* The shortest text that reads back as v, written like Python's repr: fixed notation for
 * decimal exponents in [-4, 16) ("500", "0.0001"), exponent notation outside ("1e+16"). */
static void format_number(double v, char *buf, size_t size)
{
    int prec = 1;
    for (; prec < 17; prec++) {
        snprintf(buf, size, "%.*e", prec - 1, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    snprintf(buf, size, "%.*e", prec - 1, v);
    int exp = atoi(strchr(buf, 'e') + 1);
    if (exp >= -4 && exp < 16)
        snprintf(buf, size, "%.*f", prec - 1 - exp > 0 ? prec - 1 - exp : 0, v);
    else
        snprintf(buf, size, "%.*g", prec, v);
}

static int is_integer_text(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* An unquoted scalar whose whole text reads as a finite number. */
static int scalar_number(const sim_cfg_node *n, double *v)
{
    const char *t = sim_cfg_scalar_text(n);
    if (t == NULL || sim_cfg_scalar_quoted(n) || *t == '\0' || *t == ' ')
        return 0;
    char *end;
    errno = 0;
    double x = strtod(t, &end);
    if (*end != '\0' || !isfinite(x) || errno == ERANGE)
        return 0;
    *v = x;
    return 1;
}

/* The factor a diagnostic is about, named by its path: "sweep.factors: a.b: message". */
static void factor_error(sim_sweep *sw, const sweep_factor *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void factor_error(sim_sweep *sw, const sweep_factor *f, const char *fmt, ...)
{
    char msg[MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sim_cfg_error_at(sw->doc, f->mark, "factor %s: %s", f->path, msg);
}

static sweep_factor *add_factor(sim_sweep *sw, const char *path, sim_cfg_mark mark)
{
    if (sw->n_factors == SIM_SWEEP_MAX_FACTORS) {
        sim_cfg_error_at(sw->doc, mark, "sweep: more than %d factors", SIM_SWEEP_MAX_FACTORS);
        return NULL;
    }
    if (sw->factors == NULL) {
        sw->factors = calloc(SIM_SWEEP_MAX_FACTORS, sizeof *sw->factors);
        if (sw->factors == NULL)
            return NULL;
    }
    sweep_factor *f = &sw->factors[sw->n_factors++];
    f->path = sim_cfg_intern(sw->doc, path);
    f->mark = mark;
    return f->path ? f : NULL;
}

static sim_status alloc_levels(sweep_factor *f, size_t n)
{
    f->levels = calloc(n ? n : 1, sizeof *f->levels);
    return f->levels ? SIM_OK : SIM_NOMEM;
}

/* ---- factors of each design ---- */

/* Written levels (grid, zip): a non-empty list of scalars. */
static sim_status read_level_list(sim_sweep *sw, sweep_factor *f, const sim_cfg_node *spec)
{
    if (sim_cfg_node_kind(spec) != SIM_CFG_LIST || sim_cfg_len(spec) == 0) {
        factor_error(sw, f, "must be a non-empty list of levels, e.g. [0.2, 0.5]");
        return SIM_OK;
    }
    if (alloc_levels(f, sim_cfg_len(spec)) != SIM_OK)
        return SIM_NOMEM;
    for (size_t i = 0; i < sim_cfg_len(spec); i++)
        f->levels[f->n_levels++].node = sim_cfg_at(spec, i);
    return SIM_OK;
}

static double range_end(sim_sweep *sw, const sweep_factor *f, sim_cfg_node *spec, const char *key)
{
    const sim_cfg_node *n = sim_cfg_get(sw->doc, spec, key);
    double v;
    if (sim_cfg_node_kind(n) == SIM_CFG_NULL) {
        sim_cfg_error(sw->doc, spec, "factor %s: missing %s (a range is {min, max})", f->path, key);
        return NAN;
    }
    if (scalar_number(n, &v))
        return v;
    const char *text = sim_cfg_scalar_text(n);
    sim_cfg_error(sw->doc, n, "factor %s: %s must be a finite number, got %s%.60s%s", f->path, key,
                  text ? "\"" : "a ",
                  text                                  ? text
                  : sim_cfg_node_kind(n) == SIM_CFG_MAP ? "map"
                                                        : "list",
                  text ? "\"" : "");
    return NAN;
}

/* A range (lhs, sobol, saltelli): {min, max}, finite, min < max. */
static void read_range(sim_sweep *sw, sweep_factor *f, sim_cfg_node *spec)
{
    f->min = f->max = NAN;
    if (sim_cfg_node_kind(spec) != SIM_CFG_MAP) {
        factor_error(sw, f, "must be a range {min: A, max: B} for design %s",
                     sim_sweep_design_name(sw->design));
        return;
    }
    f->min = range_end(sw, f, spec, "min");
    f->max = range_end(sw, f, spec, "max");
    if (isfinite(f->min) && isfinite(f->max) && !(f->min < f->max && isfinite(f->max - f->min)))
        sim_cfg_error(sw->doc, spec, "factor %s: min (%g) must be less than max (%g)", f->path,
                      f->min, f->max);
}

static sim_status read_factor_map(sim_sweep *sw)
{
    if (sim_cfg_node_kind(sim_cfg_get(sw->doc, sw->section, "factors")) == SIM_CFG_NULL) {
        sim_cfg_error(sw->doc, sw->section, "sweep.factors: missing (a map of YAML path -> %s)",
                      design_has_ranges(sw->design) ? "{min, max}" : "levels");
        return SIM_OK;
    }
    sim_cfg_node *map = sim_cfg_map(sw->doc, sw->section, "factors");
    if (map == NULL)
        return SIM_OK;
    if (sim_cfg_len(map) == 0)
        sim_cfg_error(sw->doc, map, "sweep.factors: at least one factor is required");
    for (size_t i = 0; i < sim_cfg_len(map); i++) {
        /* Asking for every factor lets the key check look inside the ranges. */
        sim_cfg_get(sw->doc, map, sim_cfg_key_at(map, i));
        sweep_factor *f = add_factor(sw, sim_cfg_key_at(map, i), sim_cfg_key_mark_at(map, i));
        if (f == NULL)
            return sw->n_factors == SIM_SWEEP_MAX_FACTORS ? SIM_OK : SIM_NOMEM;
        if (design_has_ranges(sw->design))
            read_range(sw, f, sim_cfg_at(map, i));
        else if (read_level_list(sw, f, sim_cfg_at(map, i)) != SIM_OK)
            return SIM_NOMEM;
    }
    return SIM_OK;
}

/* list: the first point names the factors; every point sets exactly those. */
static void read_point(sim_sweep *sw, const sim_cfg_node *point, size_t p)
{
    if (sim_cfg_node_kind(point) != SIM_CFG_MAP || sim_cfg_len(point) == 0) {
        sim_cfg_error(sw->doc, point, "sweep.points[%zu]: must be a map of YAML path -> value", p);
        return;
    }
    for (size_t i = 0; i < sim_cfg_len(point); i++) {
        const char *key = sim_cfg_key_at(point, i);
        size_t f = 0;
        while (f < sw->n_factors && strcmp(sw->factors[f].path, key) != 0)
            f++;
        if (f == sw->n_factors)
            sim_cfg_error_at(sw->doc, sim_cfg_key_mark_at(point, i),
                             "sweep.points[%zu]: %s is not set by point 0 (every point must "
                             "set the same factors)",
                             p, key);
        else
            sw->factors[f].levels[p].node = sim_cfg_at(point, i);
    }
    for (size_t f = 0; f < sw->n_factors; f++)
        if (sw->factors[f].levels[p].node == NULL)
            sim_cfg_error(sw->doc, point,
                          "sweep.points[%zu]: does not set %s (every point must set the same "
                          "factors)",
                          p, sw->factors[f].path);
}

static sim_status read_points(sim_sweep *sw)
{
    sim_cfg_node *given = sim_cfg_get(sw->doc, sw->section, "points");
    sim_cfg_node *points = sim_cfg_list(sw->doc, sw->section, "points");
    if (points == NULL || sim_cfg_len(points) == 0) {
        if (sim_cfg_node_kind(given) == SIM_CFG_NULL || points != NULL)
            sim_cfg_error(sw->doc, points ? points : sw->section,
                          "sweep.points: %s (design list needs a list of points, each a map "
                          "of YAML path -> value)",
                          points ? "empty" : "missing");
        return SIM_OK;
    }
    const sim_cfg_node *first = sim_cfg_at(points, 0);
    /* The factors are the keys of point 0: a point 0 that is no map names none (its keys
     * would be NULL), and every other point would be reported against nothing. */
    if (sim_cfg_node_kind(first) != SIM_CFG_MAP) {
        read_point(sw, first, 0);
        return SIM_OK;
    }
    for (size_t i = 0; i < sim_cfg_len(first); i++) {
        sweep_factor *f = add_factor(sw, sim_cfg_key_at(first, i), sim_cfg_key_mark_at(first, i));
        if (f == NULL)
            return sw->n_factors == SIM_SWEEP_MAX_FACTORS ? SIM_OK : SIM_NOMEM;
        if (alloc_levels(f, sim_cfg_len(points)) != SIM_OK)
            return SIM_NOMEM;
        f->n_levels = sim_cfg_len(points);
    }
    for (size_t p = 0; p < sim_cfg_len(points); p++)
        read_point(sw, sim_cfg_at(points, p), p);
    sw->n_points = sim_cfg_len(points);
    return SIM_OK;
}

/* ---- csv ---- */

/* The CSV path as shown and opened: relative to the sweep file's directory. */
static char *csv_path(const char *sweep_path, const char *file)
{
    const char *slash = strrchr(sweep_path, '/');
    size_t dir = file[0] == '/' || slash == NULL ? 0 : (size_t)(slash - sweep_path) + 1;
    size_t n = dir + strlen(file) + 1;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%.*s%s", (int)dir, sweep_path, file);
    return p;
}

static sim_status read_file(const char *path, char **text, size_t *len, sim_error *why)
{
    FILE *fp = fopen(path, "rb");
    struct stat st;
    if (fp == NULL)
        return sim_error_set(why, SIM_NOINPUT, "%s", strerror(errno));
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > SIM_YAML_MAX_BYTES) {
        fclose(fp);
        return sim_error_set(why, SIM_INVALID, "not a regular file of at most %u bytes",
                             SIM_YAML_MAX_BYTES);
    }
    *len = (size_t)st.st_size;
    *text = malloc(*len + 1);
    if (*text == NULL) {
        fclose(fp);
        return sim_error_set(why, SIM_NOMEM, "out of memory");
    }
    size_t got = fread(*text, 1, *len, fp);
    fclose(fp);
    if (got != *len)
        return sim_error_set(why, SIM_IO, "read error");
    (*text)[*len] = '\0';
    return SIM_OK;
}

static sim_cfg_mark csv_mark(const char *file, unsigned line, unsigned col)
{
    return (sim_cfg_mark){file, line, col};
}

static sim_status csv_header(sim_sweep *sw, const sim_csv *csv, const char *file)
{
    for (size_t c = 0; c < sim_csv_cols(csv, 0); c++) {
        const sim_csv_cell *cell = sim_csv_cell_at(csv, 0, c);
        sim_cfg_mark mark = csv_mark(file, cell->line, cell->col);
        if (cell->text[0] == '\0') {
            sim_cfg_error_at(sw->doc, mark,
                             "empty column name (the header row names a YAML path per column; "
                             "R: write.csv(..., row.names = FALSE))");
            continue;
        }
        for (size_t g = 0; g < sw->n_factors; g++)
            if (strcmp(sw->factors[g].path, cell->text) == 0)
                sim_cfg_error_at(sw->doc, mark, "column %s appears twice", cell->text);
        sweep_factor *f = add_factor(sw, cell->text, mark);
        if (f == NULL)
            return sw->n_factors == SIM_SWEEP_MAX_FACTORS ? SIM_OK : SIM_NOMEM;
        if (alloc_levels(f, sim_csv_rows(csv) - 1) != SIM_OK)
            return SIM_NOMEM;
        f->n_levels = sim_csv_rows(csv) - 1;
    }
    return SIM_OK;
}

/* Each cell becomes a scalar node placed at its file:line:col, like a level in YAML. */
static sim_status csv_row(sim_sweep *sw, const sim_csv *csv, size_t r, const char *file)
{
    size_t n = sim_csv_cols(csv, r), want = sim_csv_cols(csv, 0);
    if (n != want) {
        sim_cfg_error_at(sw->doc, csv_mark(file, sim_csv_row_line(csv, r), 1),
                         "row has %zu value%s, the header has %zu", n, n == 1 ? "" : "s", want);
        return SIM_OK;
    }
    for (size_t c = 0; c < n && c < sw->n_factors; c++) {
        const sim_csv_cell *cell = sim_csv_cell_at(csv, r, c);
        sim_cfg_mark mark = csv_mark(file, cell->line, cell->col);
        if (cell->text[0] == '\0' && !cell->quoted)
            sim_cfg_error_at(sw->doc, mark, "empty value for %s", sw->factors[c].path);
        sim_cfg_node *node = sim_cfg_new_scalar(sw->doc, mark, cell->text, cell->quoted);
        if (node == NULL)
            return SIM_NOMEM;
        sw->factors[c].levels[r - 1].node = node;
    }
    return SIM_OK;
}

static sim_status csv_design(sim_sweep *sw, const sim_csv *csv, const char *file)
{
    if (sim_csv_rows(csv) < 2) {
        sim_cfg_error_at(sw->doc, csv_mark(file, 0, 0),
                         "no design points (a header row of YAML paths, then one row per point)");
        return SIM_OK;
    }
    sim_status st = csv_header(sw, csv, file);
    for (size_t r = 1; st == SIM_OK && r < sim_csv_rows(csv); r++)
        st = csv_row(sw, csv, r, file);
    sw->n_points = sim_csv_rows(csv) - 1;
    return st;
}

static sim_status read_csv(sim_sweep *sw)
{
    sim_cfg_node *node = sim_cfg_get(sw->doc, sw->section, "file");
    const char *file = sim_cfg_str(sw->doc, sw->section, "file", NULL);
    if (node == NULL || file == NULL) {
        if (sim_cfg_node_kind(node) == SIM_CFG_NULL)
            sim_cfg_error(sw->doc, sw->section,
                          "sweep.file: missing (design csv reads its points from a CSV file)");
        return SIM_OK;
    }
    char *path = csv_path(sw->path, file), *text = NULL;
    const char *shown = path ? sim_cfg_intern(sw->doc, path) : NULL;
    size_t len = 0;
    sim_error why;
    sim_error_clear(&why);
    sim_status st = shown ? read_file(path, &text, &len, &why) : SIM_NOMEM;
    free(path);
    if (st == SIM_NOMEM)
        return SIM_NOMEM;
    if (st != SIM_OK) {
        sim_cfg_error(sw->doc, node, "sweep.file: cannot read %s: %s", shown, why.msg);
        free(text);
        return SIM_OK;
    }
    sim_csv *csv = NULL;
    sim_csv_error cerr;
    st = sim_csv_parse(text, len, SIM_SWEEP_MAX_POINTS + 1, SIM_SWEEP_MAX_FACTORS, &csv, &cerr);
    free(text);
    if (st == SIM_INVALID)
        sim_cfg_error_at(sw->doc, csv_mark(shown, cerr.line, cerr.col), "%s", cerr.msg);
    if (st == SIM_OK)
        st = csv_design(sw, csv, shown);
    sim_csv_free(csv);
    return st == SIM_INVALID ? SIM_OK : st;
}

/* ---- resolving factors against the base ---- */

static void make_var(sweep_factor *f)
{
    size_t n = strlen(f->path);
    f->var = malloc(n + 7);
    if (f->var == NULL)
        return;
    memcpy(f->var, "param_", 6);
    for (size_t i = 0; i <= n; i++) {
        char c = f->path[i];
        int ok = c == '\0' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                 (c >= 'A' && c <= 'Z');
        f->var[6 + i] = ok ? c : '_';
    }
}

/* Settings every run of a sweep shares: the run plan (replications, variants, seed) and the
 * output's shape (time axis) come from the base, so a factor may not vary them. */
static int shared_setting(const sweep_factor *f)
{
    static const char *const shared[] = {"replications", "variants", "master_seed",
                                         "horizon_h",    "warmup_h", "sample_interval_h",
                                         "output_file",  "threads",  NULL};
    if (strcmp(f->steps[0].key, "model") == 0)
        return 1;
    if (strcmp(f->steps[0].key, "simulation") != 0 || f->n_steps < 2 || !f->steps[1].key)
        return 0;
    for (const char *const *k = shared; *k; k++)
        if (strcmp(f->steps[1].key, *k) == 0)
            return 1;
    return 0;
}

static void resolve_factor(sim_sweep *sw, sweep_factor *f, const sim_cfg_node *root)
{
    char msg[MSG_MAX];
    if (!sim_sweep_path_resolve(sw->doc, root, f->path, f->steps, &f->n_steps, &f->leaf, msg,
                                sizeof msg)) {
        factor_error(sw, f, "%s", msg);
        return;
    }
    f->resolved = 1;
    if (shared_setting(f))
        factor_error(sw, f,
                     "is shared by every run of a sweep (the run plan and the output's time "
                     "axis); set it outside sweep:, not as a factor");
    for (sweep_factor *g = sw->factors; g < f; g++)
        if (g->resolved && g->leaf == f->leaf)
            factor_error(sw, f, "sets the same parameter as factor %s", g->path);
}

/* Output variables are named after paths with every other character as '_', so two paths
 * may share one ("a.b_c", "a_b.c"). */
static void check_var(sim_sweep *sw, const sweep_factor *f)
{
    for (const sweep_factor *g = sw->factors; g < f; g++)
        if (strcmp(g->var, f->var) == 0 && strcmp(g->path, f->path) != 0)
            factor_error(sw, f, "its output variable %s is also factor %s's", f->var, g->path);
}

static sim_status resolve_factors(sim_sweep *sw)
{
    const sim_cfg_node *root = sw->base ? sim_cfg_root(sw->base->cfg) : NULL;
    for (size_t i = 0; i < sw->n_factors; i++) {
        make_var(&sw->factors[i]);
        if (sw->factors[i].var == NULL)
            return SIM_NOMEM;
        check_var(sw, &sw->factors[i]);
        if (root != NULL)
            resolve_factor(sw, &sw->factors[i], root);
    }
    return SIM_OK;
}

/* ---- values of written levels ---- */

static sim_status add_category(sweep_factor *f, const char *text, double *index)
{
    for (size_t c = 0; c < f->n_categories; c++)
        if (strcmp(f->categories[c], text) == 0) {
            *index = (double)c;
            return SIM_OK;
        }
    if (f->categories == NULL) {
        f->categories = calloc(f->n_levels + 1, sizeof *f->categories);
        if (f->categories == NULL)
            return SIM_NOMEM;
    }
    *index = (double)f->n_categories;
    f->categories[f->n_categories++] = text;
    return SIM_OK;
}

/* A written level: a scalar; numbers get their shortest text, strings stay as written. */
static sim_status level_values(sim_sweep *sw, sweep_factor *f)
{
    for (size_t i = 0; i < f->n_levels; i++) {
        const sim_cfg_node *n = f->levels[i].node;
        if (n != NULL && sim_cfg_node_kind(n) != SIM_CFG_SCALAR)
            sim_cfg_error(sw->doc, n, "factor %s: a value must be a number or a string", f->path);
        double v;
        if (n == NULL || scalar_number(n, &v))
            continue;
        f->categorical = 1;
    }
    for (size_t i = 0; i < f->n_levels; i++) {
        sweep_level *l = &f->levels[i];
        const char *text = sim_cfg_scalar_text(l->node);
        if (text == NULL)
            continue;
        if (f->categorical) {
            l->text = text;
            if (add_category(f, text, &l->value) != SIM_OK)
                return SIM_NOMEM;
            continue;
        }
        char buf[NUM_TEXT_MAX];
        scalar_number(l->node, &l->value);
        format_number(l->value, buf, sizeof buf);
        l->text = is_integer_text(text) ? text : sim_cfg_intern(sw->doc, buf);
        if (l->text == NULL)
            return SIM_NOMEM;
    }
    return SIM_OK;
}

/* ---- designs ---- */

static sim_status grid_design(sim_sweep *sw)
{
    size_t counts[SIM_SWEEP_MAX_FACTORS];
    for (size_t i = 0; i < sw->n_factors; i++)
        counts[i] = sw->factors[i].n_levels;
    if (sim_design_grid_count(counts, sw->n_factors, SIM_SWEEP_MAX_POINTS, &sw->n_points) !=
        SIM_OK) {
        sim_cfg_error(sw->doc, sim_cfg_peek(sw->section, "factors"),
                      "sweep.factors: the grid has more than %u design points",
                      SIM_SWEEP_MAX_POINTS);
        return SIM_OK;
    }
    size_t stride = 1;
    for (size_t i = sw->n_factors; i-- > 0;) {
        sw->factors[i].stride = stride;
        stride *= counts[i];
    }
    return SIM_OK;
}

static void zip_design(sim_sweep *sw)
{
    const sweep_factor *first = &sw->factors[0];
    for (size_t i = 1; i < sw->n_factors; i++)
        if (sw->factors[i].n_levels != first->n_levels)
            factor_error(sw, &sw->factors[i],
                         "has %zu level%s but %s has %zu (zip pairs the i-th levels)",
                         sw->factors[i].n_levels, sw->factors[i].n_levels == 1 ? "" : "s",
                         first->path, first->n_levels);
    sw->n_points = first->n_levels;
}

/* Samples for lhs, sobol and saltelli: an integer >= 1 (saltelli: >= 2). */
static size_t read_samples(sim_sweep *sw)
{
    long long lo = sw->design == SIM_DESIGN_SALTELLI ? 2 : 1;
    if (sim_cfg_get(sw->doc, sw->section, "samples") == NULL) {
        sim_cfg_error(sw->doc, sw->section, "sweep.samples: missing (%s)",
                      sw->design == SIM_DESIGN_SALTELLI ? "the base sample N; N(k+2) points"
                                                        : "the number of design points");
        return 0;
    }
    return (size_t)sim_cfg_int(sw->doc, sw->section, "samples", 0, lo, SIM_SWEEP_MAX_POINTS);
}

/* Points of a generated design and the unit-cube columns they need. */
static int generated_size(sim_sweep *sw, size_t samples, size_t *n, size_t *dims)
{
    size_t k = sw->n_factors;
    size_t max_dims = sw->design == SIM_DESIGN_SALTELLI ? SIM_DESIGN_SOBOL_MAX_DIMS / 2
                                                        : SIM_DESIGN_SOBOL_MAX_DIMS;
    const sim_cfg_node *where = sim_cfg_peek(sw->section, "factors");
    if (sw->design != SIM_DESIGN_LHS && k > max_dims) {
        sim_cfg_error(sw->doc, where, "sweep.factors: design %s takes at most %zu factors, got %zu",
                      sim_sweep_design_name(sw->design), max_dims, k);
        return 0;
    }
    *n = sw->design == SIM_DESIGN_SALTELLI ? samples * (k + 2) : samples;
    *dims = k;
    if (*n > SIM_SWEEP_MAX_POINTS || *n * k > SIM_SWEEP_MAX_CELLS) {
        sim_cfg_error(sw->doc, sim_cfg_peek(sw->section, "samples"),
                      "sweep.samples: %zu design points x %zu factors is more than the %u "
                      "values a sweep holds (and at most %u points)",
                      *n, k, SIM_SWEEP_MAX_CELLS, SIM_SWEEP_MAX_POINTS);
        return 0;
    }
    return 1;
}

static sim_status unit_design(sim_sweep *sw, size_t samples, uint64_t seed, double *u)
{
    if (sw->design == SIM_DESIGN_LHS)
        return sim_design_lhs(samples, sw->n_factors, seed, u);
    if (sw->design == SIM_DESIGN_SOBOL)
        return sim_design_sobol(samples, sw->n_factors, u);
    return sim_design_saltelli(samples, sw->n_factors, u);
}

/* Scale unit column j to factor j's range; clamp so rounding never leaves it. */
static sim_status scale_column(sim_sweep *sw, sweep_factor *f, const double *u, size_t j)
{
    size_t k = sw->n_factors;
    if (alloc_levels(f, sw->n_points) != SIM_OK)
        return SIM_NOMEM;
    f->n_levels = sw->n_points;
    for (size_t d = 0; d < sw->n_points; d++) {
        double v = f->min + (f->max - f->min) * u[d * k + j];
        v = v < f->min ? f->min : v > f->max ? f->max : v;
        char buf[NUM_TEXT_MAX];
        format_number(v, buf, sizeof buf);
        f->levels[d].value = v;
        if ((f->levels[d].text = sim_cfg_intern(sw->doc, buf)) == NULL)
            return SIM_NOMEM;
    }
    return SIM_OK;
}

static sim_status generated_design(sim_sweep *sw, size_t samples, uint64_t seed)
{
    size_t n, dims;
    if (!generated_size(sw, samples, &n, &dims))
        return SIM_OK;
    double *u = malloc((n ? n : 1) * (dims ? dims : 1) * sizeof *u);
    if (u == NULL)
        return SIM_NOMEM;
    sw->n_points = n;
    sim_status st = unit_design(sw, samples, seed, u);
    for (size_t j = 0; st == SIM_OK && j < sw->n_factors; j++)
        st = scale_column(sw, &sw->factors[j], u, j);
    free(u);
    return st;
}

static int ranges_valid(const sim_sweep *sw)
{
    for (size_t i = 0; i < sw->n_factors; i++)
        if (!(sw->factors[i].min < sw->factors[i].max))
            return 0;
    return 1;
}

/* ---- the sweep: section ---- */

/* Keys a design does not use are errors, not silently ignored. */
static void check_unused_keys(sim_sweep *sw)
{
    static const struct {
        const char *key;
        unsigned designs; /* bit per sim_design_kind that uses it */
        const char *users;
    } keys[] = {
        {"factors",
         1u << SIM_DESIGN_GRID | 1u << SIM_DESIGN_ZIP | 1u << SIM_DESIGN_LHS |
             1u << SIM_DESIGN_SOBOL | 1u << SIM_DESIGN_SALTELLI,
         "grid, zip, lhs, sobol and saltelli; list and csv name the factors in their points"},
        {"samples", 1u << SIM_DESIGN_LHS | 1u << SIM_DESIGN_SOBOL | 1u << SIM_DESIGN_SALTELLI,
         "lhs, sobol and saltelli"},
        {"points", 1u << SIM_DESIGN_LIST, "list"},
        {"file", 1u << SIM_DESIGN_CSV, "csv"},
        {"seed", 1u << SIM_DESIGN_LHS, "lhs"},
    };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        if (keys[i].designs & (1u << sw->design))
            continue;
        const sim_cfg_node *n = sim_cfg_get(sw->doc, sw->section, keys[i].key);
        if (n != NULL)
            sim_cfg_error(sw->doc, n, "sweep.%s: not used by design %s (only by %s)", keys[i].key,
                          sim_sweep_design_name(sw->design), keys[i].users);
    }
}

static sim_status read_factors(sim_sweep *sw, size_t *samples, uint64_t *seed)
{
    *samples = 0;
    *seed = sw->base ? sw->base->master_seed : 0;
    if (design_has_ranges(sw->design))
        *samples = read_samples(sw);
    if (sw->design == SIM_DESIGN_LHS)
        *seed = sim_cfg_u64(sw->doc, sw->section, "seed", *seed);
    if (sw->design == SIM_DESIGN_LIST)
        return read_points(sw);
    if (sw->design == SIM_DESIGN_CSV)
        return read_csv(sw);
    return read_factor_map(sw);
}

static sim_status build_design(sim_sweep *sw, size_t samples, uint64_t seed)
{
    if (sw->n_factors == 0)
        return SIM_OK;
    if (design_has_ranges(sw->design))
        return ranges_valid(sw) && samples > 0 ? generated_design(sw, samples, seed) : SIM_OK;
    for (size_t i = 0; i < sw->n_factors; i++) {
        sweep_factor *f = &sw->factors[i];
        if (f->n_levels == 0)
            return SIM_OK; /* reported: no levels to combine */
        if (level_values(sw, f) != SIM_OK)
            return SIM_NOMEM;
    }
    if (sw->design == SIM_DESIGN_GRID)
        return grid_design(sw);
    if (sw->design == SIM_DESIGN_ZIP)
        zip_design(sw);
    return SIM_OK;
}

static sim_status read_section(sim_sweep *sw)
{
    if (sim_cfg_node_kind(sw->section) != SIM_CFG_MAP) {
        sim_cfg_error(sw->doc, sw->section, "sweep: must be a map (design, factors, ...)");
        return SIM_OK;
    }
    size_t errors = sim_cfg_error_count(sw->doc);
    sw->design = (sim_design_kind)sim_cfg_enum(sw->doc, sw->section, "design", design_names,
                                               SIM_DESIGN_GRID);
    if (sim_cfg_error_count(sw->doc) > errors) {
        /* Without a design the other keys cannot be judged; ask for them so that they are
         * not also reported as unknown. */
        static const char *const keys[] = {"factors", "samples", "points", "file", "seed"};
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
            sim_cfg_get(sw->doc, sw->section, keys[i]);
        return SIM_OK;
    }
    check_unused_keys(sw);
    size_t samples;
    uint64_t seed;
    sim_status st = read_factors(sw, &samples, &seed);
    if (st == SIM_OK)
        st = resolve_factors(sw);
    if (st == SIM_OK)
        st = build_design(sw, samples, seed);
    return st;
}

/* Judge the section's keys alone: the rest of the file is the base scenario's to judge. */
static void check_section_keys(sim_sweep *sw)
{
    sim_cfg_set_root(sw->doc, sw->stand_in);
    sim_cfg_check_unknown(sw->doc);
    sim_cfg_set_root(sw->doc, sw->raw);
}

/* Take `sweep:` out of the tree and hang it under a stand-in root of its own. */
static sim_status detach_section(sim_sweep *sw)
{
    sim_cfg_mark key_mark = sim_cfg_node_mark(sw->raw);
    for (size_t i = 0; i < sim_cfg_len(sw->raw); i++)
        if (strcmp(sim_cfg_key_at(sw->raw, i), "sweep") == 0)
            key_mark = sim_cfg_key_mark_at(sw->raw, i);
    sw->section = sim_cfg_peek(sw->raw, "sweep");
    sw->stand_in = sim_cfg_new_map(sw->doc, sim_cfg_node_mark(sw->raw));
    if (sw->stand_in == NULL)
        return SIM_NOMEM;
    if (sw->section == NULL) {
        sim_cfg_error(sw->doc, sw->raw,
                      "sweep: missing (a sweep file is a scenario with a "
                      "sweep: section naming the design and its factors)");
        return SIM_OK;
    }
    sim_cfg_map_remove(sw->raw, "sweep");
    sim_cfg_get(sw->doc, sw->stand_in, "sweep");
    return sim_cfg_map_put(sw->doc, sw->stand_in, "sweep", key_mark, sw->section);
}

static sim_status open_base(sim_sweep *sw, sim_error *err)
{
    sim_cfg *cfg = sim_cfg_alloc();
    sim_cfg_node *root = cfg ? sim_cfg_copy(cfg, sw->raw) : NULL;
    if (root == NULL) {
        sim_cfg_free(cfg);
        return sim_error_set(err, SIM_NOMEM, "out of memory opening %s", sw->path);
    }
    sim_cfg_set_root(cfg, root);
    sim_error base_err;
    sim_error_clear(&base_err);
    sim_status st =
        sim_scenario_open_cfg(cfg, sw->path, sw->has_ov ? &sw->ov : NULL, &sw->base, &base_err);
    if (st != SIM_OK && st != SIM_INVALID)
        *err = base_err;
    return st == SIM_INVALID ? SIM_OK : st;
}

/* Resolved base plus the resolved section: what a resume compares. */
static sim_status compose_resolved(sim_sweep *sw)
{
    char *section = NULL;
    if (sim_yaml_emit(sw->stand_in, &section) != SIM_OK)
        return SIM_NOMEM;
    size_t a = strlen(sw->base->resolved_yaml), b = strlen(section);
    sw->resolved_yaml = malloc(a + b + 1);
    if (sw->resolved_yaml != NULL) {
        memcpy(sw->resolved_yaml, sw->base->resolved_yaml, a);
        memcpy(sw->resolved_yaml + a, section, b + 1);
    }
    free(section);
    return sw->resolved_yaml ? SIM_OK : SIM_NOMEM;
}

static sim_status diag_error(sim_sweep *sw, sim_error *err)
{
    size_t n = sim_sweep_diag_count(sw);
    if (n == 0)
        return SIM_OK;
    const char *first = sim_sweep_diag_text(sw, 0);
    if (n == 1)
        return sim_error_set(err, SIM_INVALID, "%s", first);
    return sim_error_set(err, SIM_INVALID, "%s (and %zu more error%s)", first, n - 1,
                         n == 2 ? "" : "s");
}

static sim_status open_steps(sim_sweep *sw, sim_error *err)
{
    sim_status st = sim_yaml_load(sw->doc, sw->path, err);
    if (st == SIM_NOINPUT || st == SIM_NOMEM)
        return st;
    sw->raw = sim_cfg_root(sw->doc);
    if (sw->raw == NULL)
        return diag_error(sw, err) == SIM_OK
                   ? sim_error_set(err, SIM_INVALID, "%s: no sweep", sw->path)
                   : SIM_INVALID;
    if ((st = detach_section(sw)) != SIM_OK || sw->section == NULL)
        return st != SIM_OK ? sim_error_set(err, st, "out of memory") : diag_error(sw, err);
    if ((st = open_base(sw, err)) != SIM_OK)
        return st;
    if ((st = read_section(sw)) != SIM_OK)
        return sim_error_set(err, st, "out of memory reading the sweep");
    check_section_keys(sw);
    if ((st = diag_error(sw, err)) != SIM_OK)
        return st;
    if (compose_resolved(sw) != SIM_OK)
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    return SIM_OK;
}

sim_status sim_sweep_open(const char *path, const sim_overrides *ov, sim_sweep **out,
                          sim_error *err)
{
    *out = NULL;
    sim_sweep *sw = calloc(1, sizeof *sw);
    if (sw == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory opening %s", path);
    *out = sw;
    sw->path = strdup(path);
    sw->doc = sim_cfg_alloc();
    if (sw->path == NULL || sw->doc == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory opening %s", path);
    sw->has_ov = ov != NULL;
    sw->ov = ov ? *ov : SIM_OVERRIDES_NONE;
    return open_steps(sw, err);
}

void sim_sweep_free(sim_sweep *sw)
{
    if (sw == NULL)
        return;
    for (size_t i = 0; i < sw->n_factors; i++) {
        free(sw->factors[i].var);
        free(sw->factors[i].categories);
        free(sw->factors[i].levels);
    }
    free(sw->factors);
    sim_scenario_free(sw->base);
    sim_cfg_free(sw->doc);
    free(sw->resolved_yaml);
    free(sw->path);
    free(sw);
}

/* ---- reading a sweep ---- */

size_t sim_sweep_diag_count(const sim_sweep *sw)
{
    return (sw->doc ? sim_cfg_error_count(sw->doc) : 0) + sim_scenario_diag_count(sw->base);
}

const char *sim_sweep_diag_text(sim_sweep *sw, size_t i)
{
    size_t own = sw->doc ? sim_cfg_error_count(sw->doc) : 0;
    if (i < own)
        return sim_cfg_error_text(sw->doc, i);
    return i - own < sim_scenario_diag_count(sw->base) ? sim_scenario_diag_text(sw->base, i - own)
                                                       : NULL;
}

sim_design_kind sim_sweep_design(const sim_sweep *sw)
{
    return sw->design;
}

size_t sim_sweep_n_points(const sim_sweep *sw)
{
    return sw->n_points;
}

size_t sim_sweep_n_factors(const sim_sweep *sw)
{
    return sw->n_factors;
}

const char *sim_sweep_factor_path(const sim_sweep *sw, size_t f)
{
    return f < sw->n_factors ? sw->factors[f].path : NULL;
}

const char *sim_sweep_factor_var(const sim_sweep *sw, size_t f)
{
    return f < sw->n_factors ? sw->factors[f].var : NULL;
}

int sim_sweep_factor_categorical(const sim_sweep *sw, size_t f)
{
    return f < sw->n_factors && sw->factors[f].categorical;
}

const char *const *sim_sweep_factor_levels(const sim_sweep *sw, size_t f)
{
    return f < sw->n_factors && sw->factors[f].categorical ? sw->factors[f].categories : NULL;
}

static const sweep_level *level_at(const sim_sweep *sw, size_t d, size_t f)
{
    if (d >= sw->n_points || f >= sw->n_factors)
        return NULL;
    const sweep_factor *fac = &sw->factors[f];
    size_t i = sw->design == SIM_DESIGN_GRID ? d / fac->stride % fac->n_levels : d;
    return &fac->levels[i];
}

double sim_sweep_value(const sim_sweep *sw, size_t d, size_t f)
{
    const sweep_level *l = level_at(sw, d, f);
    return l ? l->value : NAN;
}

const char *sim_sweep_value_text(const sim_sweep *sw, size_t d, size_t f)
{
    const sweep_level *l = level_at(sw, d, f);
    return l ? l->text : NULL;
}

const sim_scenario *sim_sweep_base(const sim_sweep *sw)
{
    return sw->base;
}

const char *sim_sweep_resolved_yaml(const sim_sweep *sw)
{
    return sw->resolved_yaml;
}

/* ---- design points ---- */

/* Point d's value of factor f as a node of cfg, placed where the value was written. */
static sim_cfg_node *value_node(sim_cfg *cfg, const sweep_factor *f, const sweep_level *l)
{
    sim_cfg_mark mark = l->node ? sim_cfg_node_mark(l->node) : f->mark;
    int quoted = l->node ? sim_cfg_scalar_quoted(l->node) : 0;
    return sim_cfg_new_scalar(cfg, mark, l->text, quoted);
}

static sim_status apply_point(const sim_sweep *sw, sim_cfg *cfg, size_t d)
{
    const sim_cfg_node *resolved = sim_cfg_root(sw->base->cfg);
    sim_cfg_node *root = sim_cfg_root(cfg);
    for (size_t f = 0; f < sw->n_factors; f++) {
        const sweep_factor *fac = &sw->factors[f];
        sim_cfg_node *v = value_node(cfg, fac, level_at(sw, d, f));
        if (v == NULL)
            return SIM_NOMEM;
        sim_status st = sim_sweep_path_apply(cfg, root, resolved, fac->steps, fac->n_steps, v);
        if (st != SIM_OK)
            return st;
    }
    return SIM_OK;
}

sim_status sim_sweep_open_design(const sim_sweep *sw, size_t d, sim_scenario **out, sim_error *err)
{
    *out = NULL;
    if (sw->resolved_yaml == NULL || d >= sw->n_points)
        return sim_error_set(err, SIM_INTERNAL, "%s: no design point %zu", sw->path, d);
    char label[4096];
    snprintf(label, sizeof label, "%s (design point %zu)", sw->path, d);
    sim_cfg *cfg = sim_cfg_alloc();
    sim_cfg_node *root = cfg ? sim_cfg_copy(cfg, sw->raw) : NULL;
    sim_status st = root ? SIM_OK : SIM_NOMEM;
    if (st == SIM_OK) {
        sim_cfg_set_root(cfg, root);
        st = apply_point(sw, cfg, d);
    }
    if (st != SIM_OK) {
        sim_cfg_free(cfg);
        return sim_error_set(err, st, "%s: cannot build the scenario (%s)", label,
                             sim_status_text(st));
    }
    return sim_scenario_open_cfg(cfg, label, sw->has_ov ? &sw->ov : NULL, out, err);
}

int sim_sweep_file_is_sweep(const char *path)
{
    sim_cfg *cfg = sim_cfg_alloc();
    sim_error err;
    sim_error_clear(&err);
    int yes = cfg != NULL && sim_yaml_load(cfg, path, &err) == SIM_OK &&
              sim_cfg_peek(sim_cfg_root(cfg), "sweep") != NULL;
    sim_cfg_free(cfg);
    return yes;
}
