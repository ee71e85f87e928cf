/*
 * Factor paths: parsing and resolving them against the resolved base tree, applying them to
 * a copy of the sweep file's tree, and the "did you mean" that goes with a path that does
 * not resolve.
 */
#include "sim_sweep_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_NAME_MAX    128u /* longest key in a path */
#define CANDIDATES_MAX   256u /* keys or names considered for a suggestion */
#define KNOWN_LIST_CHARS 300u /* longest "keys here" list in a message */

/* ---- resolving ---- */

typedef struct path_walk {
    sim_cfg *store;
    const char *path;
    const sim_cfg_node *node;
    sim_sweep_step *steps;
    size_t n;
    char *msg;
    size_t size;
} path_walk;

static int walk_fail(path_walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int walk_fail(path_walk *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->msg, w->size, fmt, ap);
    va_end(ap);
    return 0;
}

/* "companies.oem" for the part of the path before `upto` (without a trailing dot). */
static void where(const path_walk *w, const char *upto, char *buf, size_t size)
{
    size_t len = (size_t)(upto - w->path);
    if (len > 0 && w->path[len - 1] == '.')
        len--;
    if (len == 0)
        snprintf(buf, size, "the top level");
    else
        snprintf(buf, size, "%.*s", (int)len, w->path);
}

/* Candidates and a "did you mean" or "(keys here: ...)" tail for a name not found. */
static void hint(const char *name, const char *const *cands, size_t n, const char *what, char *buf,
                 size_t size)
{
    const char *near = sim_cfg_suggest(name, cands, n);
    if (near != NULL) {
        snprintf(buf, size, "; did you mean \"%s\"?", near);
        return;
    }
    size_t at = (size_t)snprintf(buf, size, " (%s here: ", what);
    for (size_t i = 0; i < n && at + 8 < size && at < KNOWN_LIST_CHARS; i++)
        at += (size_t)snprintf(buf + at, size - at, "%s%s", i ? ", " : "", cands[i]);
    if (at + 2 < size)
        snprintf(buf + at, size - at, ")");
}

static int push(path_walk *w, const char *key, size_t index)
{
    if (w->n == SIM_SWEEP_PATH_MAX_STEPS)
        return walk_fail(w, "more than %d steps", SIM_SWEEP_PATH_MAX_STEPS);
    const char *k = key ? sim_cfg_intern(w->store, key) : NULL;
    if (key && !k)
        return walk_fail(w, "out of memory");
    w->steps[w->n++] = (sim_sweep_step){k, index};
    return 1;
}

static int key_in_map(path_walk *w, const char *name, const char *seg)
{
    sim_cfg_node *child = sim_cfg_peek(w->node, name);
    if (child != NULL) {
        w->node = child;
        return push(w, name, 0);
    }
    const char *cands[CANDIDATES_MAX];
    size_t n = 0;
    for (size_t i = 0; i < sim_cfg_len(w->node) && n < CANDIDATES_MAX; i++)
        cands[n++] = sim_cfg_key_at(w->node, i);
    char at[256], tail[KNOWN_LIST_CHARS + 64];
    where(w, seg, at, sizeof at);
    hint(name, cands, n, "keys", tail, sizeof tail);
    return walk_fail(w, "no key \"%s\" %s %s%s", name, seg == w->path ? "at" : "in", at, tail);
}

static int name_in_list(path_walk *w, const char *name, const char *seg)
{
    const char *cands[CANDIDATES_MAX];
    size_t n = 0;
    for (size_t i = 0; i < sim_cfg_len(w->node); i++) {
        const char *item = sim_cfg_scalar_text(sim_cfg_peek(sim_cfg_at(w->node, i), "name"));
        if (item != NULL && strcmp(item, name) == 0) {
            w->node = sim_cfg_at(w->node, i);
            return push(w, NULL, i);
        }
        if (item != NULL && n < CANDIDATES_MAX)
            cands[n++] = item;
    }
    char at[256], tail[KNOWN_LIST_CHARS + 64];
    where(w, seg, at, sizeof at);
    if (n == 0)
        return walk_fail(w, "%s is a list without names: choose an element by index (%s[0])", at,
                         at);
    hint(name, cands, n, "names", tail, sizeof tail);
    return walk_fail(w, "no element named \"%s\" in %s%s", name, at, tail);
}

static int step_name(path_walk *w, const char *seg, size_t len)
{
    char name[PATH_NAME_MAX];
    if (len >= sizeof name)
        return walk_fail(w, "a key longer than %u characters", PATH_NAME_MAX - 1);
    memcpy(name, seg, len);
    name[len] = '\0';
    sim_cfg_kind kind = sim_cfg_node_kind(w->node);
    if (kind == SIM_CFG_MAP)
        return key_in_map(w, name, seg);
    if (kind == SIM_CFG_LIST)
        return name_in_list(w, name, seg);
    char at[256];
    where(w, seg, at, sizeof at);
    return walk_fail(w, "%s is a single value; it has no key \"%s\"", at, name);
}

static int step_index(path_walk *w, const char *seg, size_t index)
{
    char at[256];
    where(w, seg, at, sizeof at);
    if (sim_cfg_node_kind(w->node) != SIM_CFG_LIST)
        return walk_fail(w, "%s is not a list; [%zu] needs one", at, index);
    if (index >= sim_cfg_len(w->node))
        return walk_fail(w, "index %zu is out of range: %s has %zu element%s", index, at,
                         sim_cfg_len(w->node), sim_cfg_len(w->node) == 1 ? "" : "s");
    w->node = sim_cfg_at(w->node, index);
    return push(w, NULL, index);
}

/* "[12]" at *s: the index, and *s moved past it. */
static int parse_index(path_walk *w, const char **s)
{
    const char *p = *s + 1, *open = *s;
    size_t index = 0, digits = 0;
    for (; *p >= '0' && *p <= '9' && digits < 10; p++, digits++)
        index = index * 10 + (size_t)(*p - '0');
    if (digits == 0 || *p != ']')
        return walk_fail(w, "malformed index at \"%s\" (write name[0])", open);
    *s = p + 1;
    return step_index(w, open, index);
}

static int walk_segment(path_walk *w, const char **s)
{
    const char *seg = *s;
    size_t len = strcspn(seg, ".[");
    if (len == 0 && (*seg != '[' || seg == w->path))
        return walk_fail(w, "a key is missing %s",
                         seg == w->path ? "at the start" : "between dots");
    if (len > 0 && !step_name(w, seg, len))
        return 0;
    *s = seg + len;
    while (**s == '[')
        if (!parse_index(w, s))
            return 0;
    if (**s == '.' && (*s)[1] == '\0')
        return walk_fail(w, "the path ends with a dot");
    if (**s == '.')
        (*s)++;
    else if (**s != '\0')
        return walk_fail(w, "malformed path at \"%s\" (expected '.' or '[')", *s);
    return 1;
}

int sim_sweep_path_resolve(sim_cfg *store, const sim_cfg_node *root, const char *path,
                           sim_sweep_step *steps, size_t *n, const sim_cfg_node **leaf, char *msg,
                           size_t size)
{
    path_walk w = {store, path, root, steps, 0, msg, size};
    const char *s = path;
    if (*s == '\0')
        return walk_fail(&w, "an empty path");
    while (*s != '\0')
        if (!walk_segment(&w, &s))
            return 0;
    sim_cfg_kind kind = sim_cfg_node_kind(w.node);
    if (kind == SIM_CFG_MAP || kind == SIM_CFG_LIST)
        return walk_fail(&w, "names a %s, not one value (a factor sets one value)",
                         kind == SIM_CFG_MAP ? "map" : "list");
    *n = w.n;
    *leaf = w.node;
    return 1;
}

/* ---- applying ---- */

static sim_cfg_node *child_of(const sim_cfg_node *node, const sim_sweep_step *step)
{
    if (step->key != NULL)
        return sim_cfg_peek(node, step->key);
    return sim_cfg_node_kind(node) == SIM_CFG_LIST ? sim_cfg_at(node, step->index) : NULL;
}

static sim_cfg_mark key_mark_of(const sim_cfg_node *map, const char *key, sim_cfg_mark dflt)
{
    for (size_t i = 0; i < sim_cfg_len(map); i++)
        if (strcmp(sim_cfg_key_at(map, i), key) == 0)
            return sim_cfg_key_mark_at(map, i);
    return dflt;
}

/* Put value as child steps[i] of chain[i]. sim_cfg has no way to replace a list item, so a
 * list is rebuilt with the new item and put into its own parent in turn. */
static sim_status put_child(sim_cfg *cfg, sim_cfg_node **chain, size_t i,
                            const sim_sweep_step *steps, sim_cfg_node *value)
{
    sim_cfg_node *parent = chain[i];
    if (steps[i].key != NULL) {
        sim_cfg_mark km = key_mark_of(parent, steps[i].key, sim_cfg_node_mark(value));
        return sim_cfg_map_put(cfg, parent, steps[i].key, km, value);
    }
    if (i == 0 || sim_cfg_node_kind(parent) != SIM_CFG_LIST)
        return SIM_INTERNAL;
    sim_cfg_node *list = sim_cfg_new_list(cfg, sim_cfg_node_mark(parent));
    if (list == NULL)
        return SIM_NOMEM;
    for (size_t j = 0; j < sim_cfg_len(parent); j++) {
        sim_cfg_node *item = j == steps[i].index ? value : sim_cfg_at(parent, j);
        if (sim_cfg_list_append(cfg, list, item) != SIM_OK)
            return SIM_NOMEM;
    }
    chain[i] = list;
    return put_child(cfg, chain, i - 1, steps, list);
}

static int same_shape(const sim_cfg_node *mine, const sim_cfg_node *ref)
{
    if (mine == NULL || sim_cfg_node_kind(mine) != sim_cfg_node_kind(ref))
        return 0;
    return sim_cfg_node_kind(ref) != SIM_CFG_LIST || sim_cfg_len(mine) == sim_cfg_len(ref);
}

sim_status sim_sweep_path_apply(sim_cfg *cfg, sim_cfg_node *root, const sim_cfg_node *resolved,
                                const sim_sweep_step *steps, size_t n, sim_cfg_node *value)
{
    sim_cfg_node *chain[SIM_SWEEP_PATH_MAX_STEPS + 1];
    if (n == 0 || n > SIM_SWEEP_PATH_MAX_STEPS)
        return SIM_INTERNAL;
    chain[0] = root;
    for (size_t i = 0; i + 1 < n; i++) {
        const sim_cfg_node *ref = child_of(resolved, &steps[i]);
        if (ref == NULL)
            return SIM_INTERNAL;
        sim_cfg_node *mine = child_of(chain[i], &steps[i]);
        if (!same_shape(mine, ref)) {
            if ((mine = sim_cfg_copy(cfg, ref)) == NULL)
                return SIM_NOMEM;
            sim_status st = put_child(cfg, chain, i, steps, mine);
            if (st != SIM_OK)
                return st;
        }
        chain[i + 1] = mine;
        resolved = ref;
    }
    return put_child(cfg, chain, n - 1, steps, value);
}
