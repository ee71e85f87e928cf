/*
 * an_select: selectors and groupings of runs. Contract in an_select.h.
 *
 * Factor values are functions of the design point, so grouping goes in two steps: design
 * points are first ranked by the factor values grouped by (equal values, equal rank), then
 * runs are sorted by (rank or design point, variant, replication) as 16-byte keys, which
 * keeps the memory per run small for the largest files allowed.
 */
#include "an_select.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FACTOR_RTOL 1e-9

struct an_sel {
    int64_t design;  /* -1: any */
    int32_t variant; /* -1: any */
    bool nothing;    /* contradictory: matches no run */
    size_t n_factors;
    double *factor; /* NaN: any */
};

static an_sel *sel_new(size_t n_factors)
{
    an_sel *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->factor = malloc((n_factors > 0 ? n_factors : 1) * sizeof *s->factor);
    if (s->factor == NULL) {
        free(s);
        return NULL;
    }
    s->design = -1;
    s->variant = -1;
    s->n_factors = n_factors;
    for (size_t f = 0; f < n_factors; f++)
        s->factor[f] = NAN;
    return s;
}

void an_sel_free(an_sel *s)
{
    if (s == NULL)
        return;
    free(s->factor);
    free(s);
}

/* "key1, key2, ..." of a file for messages (static buffer per call site is avoided: out). */
static void list_keys(const an_results *r, char *out, size_t cap)
{
    int len = snprintf(out, cap, "design_point, variant");
    for (size_t f = 0; f < an_results_n_factors(r) && len >= 0 && (size_t)len < cap; f++)
        len += snprintf(out + len, cap - (size_t)len, ", %s", an_results_factor(r, f)->var);
}

static void list_variants(const an_results *r, char *out, size_t cap)
{
    int len = 0;
    out[0] = '\0';
    for (size_t v = 0; v < an_results_n_variants(r) && len >= 0 && (size_t)len < cap; v++)
        len += snprintf(out + len, cap - (size_t)len, "%s%s", v > 0 ? ", " : "",
                        an_results_variant_name(r, v));
}

static sim_status set_design(an_sel *s, const an_results *r, const char *value, sim_error *err)
{
    char *end = NULL;
    long long d = strtoll(value, &end, 10);
    if (*value == '\0' || *end != '\0' || d < 0 || (unsigned long long)d >= an_results_n_designs(r))
        return sim_error_set(err, SIM_USAGE,
                             "design_point=%s: expected an index 0..%zu (the file has %zu design "
                             "point%s)",
                             value, an_results_n_designs(r) - 1, an_results_n_designs(r),
                             an_results_n_designs(r) == 1 ? "" : "s");
    s->design = d;
    return SIM_OK;
}

static sim_status set_variant(an_sel *s, const an_results *r, const char *value, sim_error *err)
{
    int v = an_results_find_variant(r, value);
    if (v < 0) {
        char names[512];
        list_variants(r, names, sizeof names);
        return sim_error_set(err, SIM_USAGE, "variant=%s: no such variant (the file has: %s)",
                             value, names);
    }
    s->variant = v;
    return SIM_OK;
}

static int find_level(const an_factor *f, const char *value)
{
    for (size_t k = 0; k < f->n_levels; k++)
        if (strcmp(f->levels[k], value) == 0)
            return (int)k;
    char *end = NULL;
    long code = strtol(value, &end, 10);
    return *value != '\0' && *end == '\0' && code >= 0 && (size_t)code < f->n_levels ? (int)code
                                                                                     : -1;
}

static sim_status set_factor(an_sel *s, const an_results *r, size_t f, const char *value,
                             sim_error *err)
{
    const an_factor *fac = an_results_factor(r, f);
    if (fac->levels != NULL) {
        int level = find_level(fac, value);
        if (level < 0)
            return sim_error_set(err, SIM_USAGE, "%s=%s: no such level (levels: %s%s%s)", fac->var,
                                 value, fac->n_levels > 0 ? fac->levels[0] : "",
                                 fac->n_levels > 1 ? ", " : "",
                                 fac->n_levels > 1 ? fac->levels[1] : "");
        s->factor[f] = level;
        return SIM_OK;
    }
    char *end = NULL;
    double x = strtod(value, &end);
    if (*value == '\0' || *end != '\0' || !isfinite(x))
        return sim_error_set(err, SIM_USAGE, "%s=%s: expected a number", fac->var, value);
    s->factor[f] = x;
    return SIM_OK;
}

static sim_status parse_item(an_sel *s, const an_results *r, char *item, sim_error *err)
{
    char *eq = strchr(item, '=');
    if (eq == NULL)
        return sim_error_set(err, SIM_USAGE, "selector item '%s': expected key=value", item);
    *eq = '\0';
    const char *key = item, *value = eq + 1;
    if (strcmp(key, "design_point") == 0)
        return set_design(s, r, value, err);
    if (strcmp(key, "variant") == 0)
        return set_variant(s, r, value, err);
    int f = an_results_find_factor(r, key);
    if (f >= 0)
        return set_factor(s, r, (size_t)f, value, err);
    char keys[1024];
    list_keys(r, keys, sizeof keys);
    return sim_error_set(err, SIM_USAGE, "unknown selector key '%s' (keys: %s)", key, keys);
}

an_sel *an_sel_parse(const an_results *r, const char *text, sim_error *err)
{
    an_sel *s = sel_new(an_results_n_factors(r));
    char *copy = strdup(text != NULL ? text : "");
    if (s == NULL || copy == NULL) {
        an_sel_free(s);
        free(copy);
        sim_error_set(err, SIM_NOMEM, "out of memory");
        return NULL;
    }
    sim_status st = SIM_OK;
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item != NULL && st == SIM_OK;
         item = strtok_r(NULL, ",", &save))
        st = parse_item(s, r, item, err);
    free(copy);
    if (st != SIM_OK) {
        an_sel_free(s);
        return NULL;
    }
    return s;
}

static bool same_value(double a, double b)
{
    return fabs(a - b) <= FACTOR_RTOL * fmax(fabs(a), fabs(b)) || a == b;
}

an_sel *an_sel_and(const an_sel *a, const an_sel *b)
{
    an_sel *s = sel_new(a->n_factors);
    if (s == NULL)
        return NULL;
    s->nothing = a->nothing || b->nothing;
    s->design = a->design >= 0 ? a->design : b->design;
    s->nothing |= a->design >= 0 && b->design >= 0 && a->design != b->design;
    s->variant = a->variant >= 0 ? a->variant : b->variant;
    s->nothing |= a->variant >= 0 && b->variant >= 0 && a->variant != b->variant;
    for (size_t f = 0; f < s->n_factors && f < b->n_factors; f++) {
        s->factor[f] = !isnan(a->factor[f]) ? a->factor[f] : b->factor[f];
        s->nothing |=
            !isnan(a->factor[f]) && !isnan(b->factor[f]) && !same_value(a->factor[f], b->factor[f]);
    }
    return s;
}

int an_sel_matches(const an_sel *s, const an_results *r, size_t run)
{
    int64_t d = an_results_run_design(r, run);
    if (s->nothing || (s->design >= 0 && d != s->design) ||
        (s->variant >= 0 && an_results_run_variant(r, run) != s->variant))
        return 0;
    for (size_t f = 0; f < s->n_factors; f++)
        if (!isnan(s->factor[f]) &&
            !same_value(s->factor[f], an_results_factor_value(r, (size_t)d, f)))
            return 0;
    return 1;
}

int64_t an_sel_design(const an_sel *s)
{
    return s->design;
}

void an_shortest_number(double x, char *out, size_t cap)
{
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(out, cap, "%.0f", x);
        return;
    }
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(out, cap, "%.*g", digits, x);
        if (strtod(out, NULL) == x)
            return;
    }
}

static bool append(char **text, size_t *len, size_t *cap, const char *key, const char *value)
{
    size_t need = *len + strlen(key) + strlen(value) + 3;
    if (need > *cap) {
        size_t c = 2 * need;
        char *t = realloc(*text, c);
        if (t == NULL)
            return false;
        *text = t;
        *cap = c;
    }
    *len += (size_t)sprintf(*text + *len, "%s%s=%s", *len > 0 ? "," : "", key, value);
    return true;
}

char *an_sel_label(const an_sel *s, const an_results *r)
{
    size_t len = 0, cap = 64;
    char *text = malloc(cap), num[32];
    bool ok = text != NULL;
    if (ok)
        text[0] = '\0';
    if (ok && s->design >= 0) {
        snprintf(num, sizeof num, "%lld", (long long)s->design);
        ok = append(&text, &len, &cap, "design_point", num);
    }
    for (size_t f = 0; ok && f < s->n_factors; f++) {
        if (isnan(s->factor[f]))
            continue;
        const an_factor *fac = an_results_factor(r, f);
        size_t code = (size_t)s->factor[f];
        if (fac->levels != NULL && code < fac->n_levels)
            ok = append(&text, &len, &cap, fac->var, fac->levels[code]);
        else {
            an_shortest_number(s->factor[f], num, sizeof num);
            ok = append(&text, &len, &cap, fac->var, num);
        }
    }
    if (ok && s->variant >= 0)
        ok = append(&text, &len, &cap, "variant", an_results_variant_name(r, (size_t)s->variant));
    if (!ok) {
        free(text);
        return NULL;
    }
    return text;
}

/* ---- groupings ---- */

struct an_groups {
    bool by_design, by_variant;
    bool *by_factor; /* n_factors */
    size_t n_keys;
    char **key_text; /* names of the keys, canonical order, copied to outlive the file */
    size_t n;
    an_sel **sels;
    size_t *runs; /* all grouped runs, group after group */
    size_t *first, *count;
};

void an_groups_free(an_groups *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; g->sels != NULL && i < g->n; i++)
        an_sel_free(g->sels[i]);
    for (size_t k = 0; g->key_text != NULL && k < g->n_keys; k++)
        free(g->key_text[k]);
    free(g->key_text);
    free(g->by_factor);
    free(g->sels);
    free(g->runs);
    free(g->first);
    free(g->count);
    free(g);
}

static sim_status parse_by(an_groups *g, const an_results *r, const char *by, sim_error *err)
{
    if (by == NULL) {
        const char *kind = an_results_attr(r, "kind");
        by = kind != NULL && strcmp(kind, "sweep") == 0 ? "design_point,variant" : "variant";
    }
    char *copy = strdup(strcmp(by, "none") == 0 ? "" : by), *save = NULL;
    if (copy == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    sim_status st = SIM_OK;
    for (char *key = strtok_r(copy, ",", &save); key != NULL && st == SIM_OK;
         key = strtok_r(NULL, ",", &save)) {
        int f = an_results_find_factor(r, key);
        if (strcmp(key, "design_point") == 0)
            g->by_design = true;
        else if (strcmp(key, "variant") == 0)
            g->by_variant = true;
        else if (f >= 0)
            g->by_factor[f] = true;
        else {
            char keys[1024];
            list_keys(r, keys, sizeof keys);
            st = sim_error_set(err, SIM_USAGE, "--by: unknown key '%s' (keys: %s, or none)", key,
                               keys);
        }
    }
    free(copy);
    return st;
}

static sim_status name_keys(an_groups *g, const an_results *r, sim_error *err)
{
    size_t nf = an_results_n_factors(r);
    g->key_text = calloc(nf + 2, sizeof *g->key_text);
    if (g->key_text == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    bool ok = true;
    if (g->by_design)
        ok = (g->key_text[g->n_keys++] = strdup("design_point")) != NULL;
    for (size_t f = 0; ok && f < nf; f++)
        if (g->by_factor[f])
            ok = (g->key_text[g->n_keys++] = strdup(an_results_factor(r, f)->var)) != NULL;
    if (ok && g->by_variant)
        ok = (g->key_text[g->n_keys++] = strdup("variant")) != NULL;
    return ok ? SIM_OK : sim_error_set(err, SIM_NOMEM, "out of memory");
}

/* A design point with what ranks it: the values of the factors grouped by. */
typedef struct design_key {
    const double *values; /* the design's row of factor values */
    const bool *mask;
    size_t n_factors;
    uint32_t design;
} design_key;

/* A total order on factor values: NaN (a damaged file) after every number. */
static int cmp_value(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

static int cmp_design(const void *x, const void *y)
{
    const design_key *a = x, *b = y;
    for (size_t f = 0; f < a->n_factors; f++) {
        int c = a->mask[f] ? cmp_value(a->values[f], b->values[f]) : 0;
        if (c != 0)
            return c;
    }
    return (a->design > b->design) - (a->design < b->design);
}

/* class[d]: rank of design point d among the distinct values of the keys; equal keys, equal
 * class. */
static uint32_t *rank_designs(const an_groups *g, const an_results *r, double *rows)
{
    size_t nd = an_results_n_designs(r), nf = an_results_n_factors(r);
    design_key *keys = malloc(nd * sizeof *keys);
    uint32_t *cls = malloc(nd * sizeof *cls);
    for (size_t d = 0; keys != NULL && cls != NULL && d < nd; d++) {
        for (size_t f = 0; f < nf; f++)
            rows[d * nf + f] = an_results_factor_value(r, d, f);
        keys[d] = (design_key){rows + d * nf, g->by_factor, g->by_design ? 0 : nf, (uint32_t)d};
    }
    if (keys == NULL || cls == NULL) {
        free(keys);
        free(cls);
        return NULL;
    }
    qsort(keys, nd, sizeof *keys, cmp_design);
    uint32_t rank = 0;
    for (size_t i = 0; i < nd; i++) {
        bool same = i > 0 && !g->by_design;
        for (size_t f = 0; same && f < nf; f++)
            same = !g->by_factor[f] || cmp_value(keys[i].values[f], keys[i - 1].values[f]) == 0;
        rank += i > 0 && !same;
        cls[keys[i].design] = g->by_design ? keys[i].design : rank;
    }
    free(keys);
    return cls;
}

typedef struct run_key {
    uint32_t cls;
    uint16_t variant;
    uint32_t replication;
    uint32_t run;
} run_key;

static int cmp_run(const void *x, const void *y)
{
    const run_key *a = x, *b = y;
    if (a->cls != b->cls)
        return a->cls < b->cls ? -1 : 1;
    if (a->variant != b->variant)
        return a->variant < b->variant ? -1 : 1;
    if (a->replication != b->replication)
        return a->replication < b->replication ? -1 : 1;
    return (a->run > b->run) - (a->run < b->run);
}

/* The sorted keys of the complete runs matching within; *n their number. */
static run_key *sorted_runs(const an_groups *g, const an_results *r, const an_sel *within,
                            const uint32_t *cls, size_t *n)
{
    size_t nr = an_results_n_runs(r);
    run_key *keys = malloc((an_results_n_complete(r) + 1) * sizeof *keys);
    *n = 0;
    for (size_t i = 0; keys != NULL && i < nr; i++) {
        if (an_results_run_status(r, i) != 1 || (within != NULL && !an_sel_matches(within, r, i)))
            continue;
        if (*n > an_results_n_complete(r))
            break;
        keys[(*n)++] = (run_key){cls[an_results_run_design(r, i)],
                                 g->by_variant ? (uint16_t)an_results_run_variant(r, i) : 0,
                                 (uint32_t)an_results_run_replication(r, i), (uint32_t)i};
    }
    if (keys != NULL)
        qsort(keys, *n, sizeof *keys, cmp_run);
    return keys;
}

/* Selector of the group whose first run is run. */
static an_sel *group_sel(const an_groups *g, const an_results *r, size_t run, const an_sel *within)
{
    an_sel *s = sel_new(an_results_n_factors(r));
    if (s == NULL)
        return NULL;
    int64_t d = an_results_run_design(r, run);
    if (g->by_design)
        s->design = d;
    if (g->by_variant)
        s->variant = an_results_run_variant(r, run);
    for (size_t f = 0; f < s->n_factors; f++)
        if (g->by_factor[f])
            s->factor[f] = an_results_factor_value(r, (size_t)d, f);
    if (within == NULL)
        return s;
    an_sel *both = an_sel_and(s, within);
    an_sel_free(s);
    return both;
}

static sim_status split_groups(an_groups *g, const an_results *r, const run_key *keys, size_t n,
                               const an_sel *within)
{
    size_t cap = n > 0 ? n : 1;
    g->runs = malloc(cap * sizeof *g->runs);
    g->first = malloc(cap * sizeof *g->first);
    g->count = malloc(cap * sizeof *g->count);
    g->sels = calloc(cap, sizeof *g->sels);
    if (g->runs == NULL || g->first == NULL || g->count == NULL || g->sels == NULL)
        return SIM_NOMEM;
    for (size_t i = 0; i < n; i++) {
        g->runs[i] = keys[i].run;
        bool fresh =
            i == 0 || keys[i].cls != keys[i - 1].cls || keys[i].variant != keys[i - 1].variant;
        if (fresh) {
            g->first[g->n] = i;
            g->count[g->n] = 0;
            if ((g->sels[g->n++] = group_sel(g, r, keys[i].run, within)) == NULL)
                return SIM_NOMEM;
        }
        g->count[g->n - 1]++;
    }
    return SIM_OK;
}

static sim_status build(an_groups *g, const an_results *r, const an_sel *within, sim_error *err)
{
    size_t nd = an_results_n_designs(r), nf = an_results_n_factors(r), n = 0;
    double *rows = malloc(nd * (nf > 0 ? nf : 1) * sizeof *rows);
    uint32_t *cls = rows != NULL ? rank_designs(g, r, rows) : NULL;
    run_key *keys = cls != NULL ? sorted_runs(g, r, within, cls, &n) : NULL;
    sim_status st = keys != NULL ? split_groups(g, r, keys, n, within) : SIM_NOMEM;
    free(keys);
    free(cls);
    free(rows);
    return st == SIM_OK ? SIM_OK : sim_error_set(err, st, "out of memory");
}

an_groups *an_groups_make(const an_results *r, const char *by, const an_sel *within, sim_error *err)
{
    an_groups *g = calloc(1, sizeof *g);
    bool *mask = calloc(an_results_n_factors(r) + 1, sizeof *mask);
    if (g == NULL || mask == NULL) {
        free(g);
        free(mask);
        sim_error_set(err, SIM_NOMEM, "out of memory");
        return NULL;
    }
    g->by_factor = mask;
    sim_status st = parse_by(g, r, by, err);
    if (st == SIM_OK)
        st = name_keys(g, r, err);
    if (st == SIM_OK)
        st = build(g, r, within, err);
    if (st != SIM_OK) {
        an_groups_free(g);
        return NULL;
    }
    return g;
}

size_t an_groups_count(const an_groups *g)
{
    return g->n;
}

const an_sel *an_groups_sel(const an_groups *g, size_t i)
{
    return i < g->n ? g->sels[i] : NULL;
}

size_t an_groups_n_runs(const an_groups *g, size_t i)
{
    return i < g->n ? g->count[i] : 0;
}

const size_t *an_groups_runs(const an_groups *g, size_t i)
{
    return i < g->n ? g->runs + g->first[i] : NULL;
}

size_t an_groups_n_keys(const an_groups *g)
{
    return g->n_keys;
}

const char *an_groups_key(const an_groups *g, size_t k)
{
    return k < g->n_keys ? g->key_text[k] : NULL;
}
