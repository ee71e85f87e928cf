/*
 * sim_cfg: parameter tree, diagnostics and typed getters.
 *
 * Storage: every node, string and array lives in an arena of blocks owned by the sim_cfg,
 * freed all at once by sim_cfg_free. Growing an array copies it to a new arena slot and
 * abandons the old one; doubling keeps the waste below the live size.
 *
 * Maps keep entries in insertion order. Maps larger than CFG_INDEX_MIN also get an
 * open-addressing hash index (entry position + 1, 0 = empty) so that loading a large
 * hostile map stays linear. Each map remembers the keys getters asked for: that list drives
 * sim_cfg_check_unknown and its "did you mean".
 */
#include "sim_cfg.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CFG_BLOCK_SIZE     65536u
#define CFG_INDEX_MIN      8u    /* maps with more entries than this get a hash index */
#define CFG_MAX_DIAGS      1000u /* diagnostics kept; further ones are only counted */
#define CFG_PATH_MAX       256u  /* longest dotted path shown in a message */
#define CFG_MSG_MAX        1024u /* longest message */
#define CFG_GOT_MAX        60u   /* longest scalar text quoted back in a message */
#define CFG_KNOWN_MAX      300u  /* longest "known keys" list in an unknown-key message */
#define CFG_SUGGEST_MAXLEN 64u   /* keys longer than this get no edit-distance suggestion */
#define CFG_DEFAULT_FILE   "<default>"

typedef struct cfg_block {
    struct cfg_block *next;
    size_t used, size;
    max_align_t data[];
} cfg_block;

typedef struct cfg_entry {
    const char *key;
    sim_cfg_mark key_mark;
    sim_cfg_node *value;
} cfg_entry;

/* What only maps need: the hash index and the keys getters asked for. */
typedef struct cfg_mapx {
    uint32_t *index;
    size_t index_cap;
    const char **asked;
    size_t n_asked, asked_cap;
} cfg_mapx;

struct sim_cfg_node {
    sim_cfg_mark mark;
    sim_cfg_node *parent;
    unsigned char kind, quoted, is_default, reached;
    size_t len, cap;
    union {
        const char *text;
        cfg_entry *entries;
        sim_cfg_node **items;
    } u;
    cfg_mapx *mx;
};

typedef struct cfg_diag {
    sim_cfg_mark mark;
    size_t seq;
    const char *text;
} cfg_diag;

struct sim_cfg {
    cfg_block *blocks;
    sim_cfg_node *root;
    const char **files;
    size_t n_files, files_cap;
    const char *last_file; /* cache: most marks repeat the previous file */
    cfg_diag *diags;       /* malloc'd, not arena: it is sorted in place */
    size_t n_diags, diags_cap, n_dropped;
    int sorted;
    char dropped_text[96];
    const char **warnings; /* rendered "place: warning: message", in order of adding */
    size_t n_warnings, warnings_cap;
};

/* ---- arena ---- */

static void *cfg_alloc_align(sim_cfg *cfg, size_t n, size_t align)
{
    cfg_block *b = cfg->blocks;
    size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || at + n > b->size) {
        size_t size = n > CFG_BLOCK_SIZE / 4 ? n : CFG_BLOCK_SIZE;
        cfg_block *nb = malloc(sizeof *nb + size);
        if (!nb)
            return NULL;
        nb->size = size;
        nb->used = 0;
        /* A block made for one large request goes behind the current one, which keeps
         * its free space. */
        if (b && size != CFG_BLOCK_SIZE) {
            nb->next = b->next;
            b->next = nb;
            nb->used = n;
            return nb->data;
        }
        nb->next = b;
        cfg->blocks = nb;
        b = nb;
        at = 0;
    }
    b->used = at + n;
    return (char *)b->data + at;
}

static void *cfg_alloc(sim_cfg *cfg, size_t n)
{
    void *p = cfg_alloc_align(cfg, n, alignof(max_align_t));
    if (p)
        memset(p, 0, n);
    return p;
}

/* Grow an arena array of elem-sized items to hold at least need items. */
static int cfg_grow(sim_cfg *cfg, void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    size_t ncap = *cap ? *cap * 2 : 4;
    while (ncap < need)
        ncap *= 2;
    void *na = cfg_alloc(cfg, ncap * elem);
    if (!na)
        return 0;
    if (*cap)
        memcpy(na, *arr, *cap * elem);
    *arr = na;
    *cap = ncap;
    return 1;
}

sim_cfg *sim_cfg_alloc(void)
{
    return calloc(1, sizeof(sim_cfg));
}

void sim_cfg_free(sim_cfg *cfg)
{
    if (!cfg)
        return;
    for (cfg_block *b = cfg->blocks, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(cfg->diags);
    free(cfg->warnings);
    free(cfg);
}

const char *sim_cfg_intern(sim_cfg *cfg, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = cfg_alloc_align(cfg, n, 1);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* File names of marks are interned once per document, so marks compare by pointer. */
static const char *cfg_file(sim_cfg *cfg, const char *file)
{
    if (!file || file == cfg->last_file)
        return file;
    for (size_t i = 0; i < cfg->n_files; i++)
        if (cfg->files[i] == file || strcmp(cfg->files[i], file) == 0)
            return cfg->last_file = cfg->files[i];
    void *arr = (void *)cfg->files;
    if (!cfg_grow(cfg, &arr, &cfg->files_cap, cfg->n_files + 1, sizeof(char *)))
        return NULL;
    cfg->files = arr;
    const char *copy = sim_cfg_intern(cfg, file);
    if (!copy)
        return NULL;
    cfg->files[cfg->n_files++] = copy;
    return cfg->last_file = copy;
}

/* ---- building ---- */

static sim_cfg_node *cfg_node(sim_cfg *cfg, sim_cfg_kind kind, sim_cfg_mark mark)
{
    sim_cfg_node *n = cfg_alloc(cfg, sizeof *n);
    if (!n)
        return NULL;
    n->kind = (unsigned char)kind;
    n->mark = mark;
    n->mark.file = cfg_file(cfg, mark.file);
    if (mark.file && !n->mark.file)
        return NULL;
    return n;
}

sim_cfg_node *sim_cfg_new_null(sim_cfg *cfg, sim_cfg_mark mark)
{
    return cfg_node(cfg, SIM_CFG_NULL, mark);
}

sim_cfg_node *sim_cfg_new_scalar(sim_cfg *cfg, sim_cfg_mark mark, const char *text, int quoted)
{
    sim_cfg_node *n = cfg_node(cfg, SIM_CFG_SCALAR, mark);
    if (!n || !(n->u.text = sim_cfg_intern(cfg, text ? text : "")))
        return NULL;
    n->quoted = quoted != 0;
    return n;
}

sim_cfg_node *sim_cfg_new_map(sim_cfg *cfg, sim_cfg_mark mark)
{
    sim_cfg_node *n = cfg_node(cfg, SIM_CFG_MAP, mark);
    if (!n || !(n->mx = cfg_alloc(cfg, sizeof *n->mx)))
        return NULL;
    return n;
}

sim_cfg_node *sim_cfg_new_list(sim_cfg *cfg, sim_cfg_mark mark)
{
    return cfg_node(cfg, SIM_CFG_LIST, mark);
}

static uint32_t cfg_hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void cfg_index_insert(cfg_mapx *mx, const char *key, size_t pos)
{
    size_t mask = mx->index_cap - 1;
    size_t i = cfg_hash(key) & mask;
    while (mx->index[i])
        i = (i + 1) & mask;
    mx->index[i] = (uint32_t)(pos + 1);
}

static void cfg_index_rebuild(sim_cfg_node *map)
{
    memset(map->mx->index, 0, map->mx->index_cap * sizeof(uint32_t));
    for (size_t i = 0; i < map->len; i++)
        cfg_index_insert(map->mx, map->u.entries[i].key, i);
}

/* Keep the index at most half full; build it once the map outgrows a linear scan. */
static int cfg_index_reserve(sim_cfg *cfg, sim_cfg_node *map, size_t need)
{
    cfg_mapx *mx = map->mx;
    if (need <= CFG_INDEX_MIN || need > UINT32_MAX - 1)
        return need <= UINT32_MAX - 1;
    if (need * 2 <= mx->index_cap)
        return 1;
    size_t cap = mx->index_cap ? mx->index_cap * 2 : 32;
    while (cap < need * 2)
        cap *= 2;
    uint32_t *slots = cfg_alloc(cfg, cap * sizeof *slots);
    if (!slots)
        return 0;
    mx->index = slots;
    mx->index_cap = cap;
    cfg_index_rebuild(map);
    return 1;
}

static long cfg_find(const sim_cfg_node *map, const char *key)
{
    const cfg_mapx *mx = map->mx;
    if (mx->index_cap) {
        size_t mask = mx->index_cap - 1;
        for (size_t i = cfg_hash(key) & mask; mx->index[i]; i = (i + 1) & mask)
            if (strcmp(map->u.entries[mx->index[i] - 1].key, key) == 0)
                return (long)mx->index[i] - 1;
        return -1;
    }
    for (size_t i = 0; i < map->len; i++)
        if (strcmp(map->u.entries[i].key, key) == 0)
            return (long)i;
    return -1;
}

sim_status sim_cfg_map_put(sim_cfg *cfg, sim_cfg_node *map, const char *key, sim_cfg_mark key_mark,
                           sim_cfg_node *value)
{
    if (!map || map->kind != SIM_CFG_MAP || !value)
        return SIM_INTERNAL;
    key_mark.file = cfg_file(cfg, key_mark.file);
    long at = cfg_find(map, key);
    value->parent = map;
    if (at >= 0) {
        map->u.entries[at].value = value;
        map->u.entries[at].key_mark = key_mark;
        return SIM_OK;
    }
    void *arr = map->u.entries;
    const char *k = sim_cfg_intern(cfg, key);
    if (!k || !cfg_grow(cfg, &arr, &map->cap, map->len + 1, sizeof(cfg_entry)))
        return SIM_NOMEM;
    map->u.entries = arr;
    map->u.entries[map->len] = (cfg_entry){k, key_mark, value};
    if (!cfg_index_reserve(cfg, map, map->len + 1))
        return SIM_NOMEM;
    if (map->mx->index_cap)
        cfg_index_insert(map->mx, k, map->len);
    map->len++;
    return SIM_OK;
}

int sim_cfg_map_remove(sim_cfg_node *map, const char *key)
{
    if (!map || map->kind != SIM_CFG_MAP)
        return 0;
    long at = cfg_find(map, key);
    if (at < 0)
        return 0;
    memmove(&map->u.entries[at], &map->u.entries[at + 1],
            (map->len - (size_t)at - 1) * sizeof(cfg_entry));
    map->len--;
    if (map->mx->index_cap)
        cfg_index_rebuild(map);
    return 1;
}

sim_status sim_cfg_list_append(sim_cfg *cfg, sim_cfg_node *list, sim_cfg_node *item)
{
    if (!list || list->kind != SIM_CFG_LIST || !item)
        return SIM_INTERNAL;
    void *arr = list->u.items;
    if (!cfg_grow(cfg, &arr, &list->cap, list->len + 1, sizeof(sim_cfg_node *)))
        return SIM_NOMEM;
    list->u.items = arr;
    list->u.items[list->len++] = item;
    item->parent = list;
    return SIM_OK;
}

static sim_status cfg_copy_child(sim_cfg *cfg, sim_cfg_node *c, const sim_cfg_node *node, size_t i)
{
    sim_cfg_node *child = sim_cfg_copy(cfg, sim_cfg_at(node, i));
    if (!child)
        return SIM_NOMEM;
    if (node->kind == SIM_CFG_MAP)
        return sim_cfg_map_put(cfg, c, node->u.entries[i].key, node->u.entries[i].key_mark, child);
    return sim_cfg_list_append(cfg, c, child);
}

sim_cfg_node *sim_cfg_copy(sim_cfg *cfg, const sim_cfg_node *node)
{
    sim_cfg_node *c;
    if (!node)
        return NULL;
    if (node->kind == SIM_CFG_SCALAR)
        c = sim_cfg_new_scalar(cfg, node->mark, node->u.text, node->quoted);
    else if (node->kind == SIM_CFG_MAP)
        c = sim_cfg_new_map(cfg, node->mark);
    else
        c = cfg_node(cfg, (sim_cfg_kind)node->kind, node->mark);
    if (!c)
        return NULL;
    c->is_default = node->is_default;
    for (size_t i = 0; i < node->len; i++)
        if (cfg_copy_child(cfg, c, node, i) != SIM_OK)
            return NULL;
    return c;
}

void sim_cfg_set_root(sim_cfg *cfg, sim_cfg_node *root)
{
    cfg->root = root;
    if (root)
        root->parent = NULL;
}

sim_cfg_node *sim_cfg_root(const sim_cfg *cfg)
{
    return cfg->root;
}

/* ---- inspecting ---- */

sim_cfg_kind sim_cfg_node_kind(const sim_cfg_node *n)
{
    return n ? (sim_cfg_kind)n->kind : SIM_CFG_NULL;
}

sim_cfg_mark sim_cfg_node_mark(const sim_cfg_node *n)
{
    return n ? n->mark : (sim_cfg_mark){NULL, 0, 0};
}

const char *sim_cfg_scalar_text(const sim_cfg_node *n)
{
    return n && n->kind == SIM_CFG_SCALAR ? n->u.text : NULL;
}

int sim_cfg_scalar_quoted(const sim_cfg_node *n)
{
    return n && n->kind == SIM_CFG_SCALAR && n->quoted;
}

int sim_cfg_node_is_default(const sim_cfg_node *n)
{
    return n && n->is_default;
}

size_t sim_cfg_len(const sim_cfg_node *n)
{
    return n && (n->kind == SIM_CFG_MAP || n->kind == SIM_CFG_LIST) ? n->len : 0;
}

sim_cfg_node *sim_cfg_at(const sim_cfg_node *n, size_t i)
{
    if (!n || i >= sim_cfg_len(n))
        return NULL;
    return n->kind == SIM_CFG_MAP ? n->u.entries[i].value : n->u.items[i];
}

const char *sim_cfg_key_at(const sim_cfg_node *map, size_t i)
{
    if (!map || map->kind != SIM_CFG_MAP || i >= map->len)
        return NULL;
    return map->u.entries[i].key;
}

sim_cfg_mark sim_cfg_key_mark_at(const sim_cfg_node *map, size_t i)
{
    if (!map || map->kind != SIM_CFG_MAP || i >= map->len)
        return (sim_cfg_mark){NULL, 0, 0};
    return map->u.entries[i].key_mark;
}

sim_cfg_node *sim_cfg_peek(const sim_cfg_node *map, const char *key)
{
    if (!map || map->kind != SIM_CFG_MAP)
        return NULL;
    long at = cfg_find(map, key);
    return at < 0 ? NULL : map->u.entries[at].value;
}

/* ---- diagnostics ---- */

static int cfg_diag_cmp(const void *pa, const void *pb)
{
    const cfg_diag *a = pa, *b = pb;
    int c = (a->mark.file != NULL) - (b->mark.file != NULL);
    if (c == 0 && a->mark.file && a->mark.file != b->mark.file)
        c = strcmp(a->mark.file, b->mark.file);
    if (c == 0)
        c = (a->mark.line > b->mark.line) - (a->mark.line < b->mark.line);
    if (c == 0)
        c = (a->mark.col > b->mark.col) - (a->mark.col < b->mark.col);
    if (c == 0)
        c = (a->seq > b->seq) - (a->seq < b->seq);
    return c;
}

static void cfg_render(char *buf, size_t size, sim_cfg_mark mark, const char *msg)
{
    if (mark.file && mark.line)
        snprintf(buf, size, "%s:%u:%u: %s", mark.file, mark.line, mark.col, msg);
    else if (mark.file)
        snprintf(buf, size, "%s: %s", mark.file, msg);
    else
        snprintf(buf, size, "%s", msg);
}

static int cfg_diag_known(const sim_cfg *cfg, const char *text)
{
    for (size_t i = 0; i < cfg->n_diags; i++)
        if (strcmp(cfg->diags[i].text, text) == 0)
            return 1;
    return 0;
}

/* Store a rendered diagnostic. Exact repeats (a key read twice) are kept once; past
 * CFG_MAX_DIAGS they are only counted. Out of memory loses the diagnostic but still counts
 * it, so an invalid document never looks valid. */
static void cfg_diag_add(sim_cfg *cfg, sim_cfg_mark mark, const char *msg)
{
    char text[CFG_MSG_MAX + CFG_PATH_MAX];
    mark.file = cfg_file(cfg, mark.file);
    cfg_render(text, sizeof text, mark, msg);
    if (cfg_diag_known(cfg, text))
        return;
    if (cfg->n_diags == CFG_MAX_DIAGS) {
        cfg->n_dropped++;
        return;
    }
    if (cfg->n_diags == cfg->diags_cap) {
        size_t cap = cfg->diags_cap ? cfg->diags_cap * 2 : 16;
        cfg_diag *d = realloc(cfg->diags, cap * sizeof *d);
        if (!d) {
            cfg->n_dropped++;
            return;
        }
        cfg->diags = d;
        cfg->diags_cap = cap;
    }
    const char *copy = sim_cfg_intern(cfg, text);
    if (!copy) {
        cfg->n_dropped++;
        return;
    }
    cfg->diags[cfg->n_diags] = (cfg_diag){mark, cfg->n_diags, copy};
    cfg->n_diags++;
    cfg->sorted = 0;
}

static void cfg_verror(sim_cfg *cfg, sim_cfg_mark mark, const char *fmt, va_list ap)
{
    char msg[CFG_MSG_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    cfg_diag_add(cfg, mark, msg);
}

void sim_cfg_error(sim_cfg *cfg, const sim_cfg_node *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cfg_verror(cfg, sim_cfg_node_mark(node), fmt, ap);
    va_end(ap);
}

void sim_cfg_error_at(sim_cfg *cfg, sim_cfg_mark mark, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cfg_verror(cfg, mark, fmt, ap);
    va_end(ap);
}

size_t sim_cfg_error_count(const sim_cfg *cfg)
{
    return cfg->n_diags + (cfg->n_dropped > 0);
}

const char *sim_cfg_error_text(sim_cfg *cfg, size_t i)
{
    if (!cfg->sorted) {
        qsort(cfg->diags, cfg->n_diags, sizeof *cfg->diags, cfg_diag_cmp);
        cfg->sorted = 1;
    }
    if (i < cfg->n_diags)
        return cfg->diags[i].text;
    if (i == cfg->n_diags && cfg->n_dropped) {
        snprintf(cfg->dropped_text, sizeof cfg->dropped_text, "(%zu more errors not shown)",
                 cfg->n_dropped);
        return cfg->dropped_text;
    }
    return NULL;
}

sim_status sim_cfg_to_error(sim_cfg *cfg, sim_error *err)
{
    size_t total = cfg->n_diags + cfg->n_dropped;
    if (total == 0)
        return SIM_OK;
    const char *first = cfg->n_diags ? sim_cfg_error_text(cfg, 0) : "invalid scenario";
    if (total == 1)
        return sim_error_set(err, SIM_INVALID, "%s", first);
    return sim_error_set(err, SIM_INVALID, "%s (and %zu more error%s)", first, total - 1,
                         total == 2 ? "" : "s");
}

/* Warnings do not make a document invalid; they are kept in order and never sorted, so the
 * CLI can print them before running. */
void sim_cfg_warning(sim_cfg *cfg, const sim_cfg_node *node, const char *fmt, ...)
{
    char msg[CFG_MSG_MAX], text[CFG_MSG_MAX + CFG_PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sim_cfg_mark mark = sim_cfg_node_mark(node);
    mark.file = cfg_file(cfg, mark.file);
    char full[CFG_MSG_MAX + 16];
    snprintf(full, sizeof full, "warning: %s", msg);
    cfg_render(text, sizeof text, mark, full);
    if (cfg->n_warnings == cfg->warnings_cap) {
        size_t cap = cfg->warnings_cap ? cfg->warnings_cap * 2 : 8;
        const char **w = realloc(cfg->warnings, cap * sizeof *w);
        if (!w)
            return;
        cfg->warnings = w;
        cfg->warnings_cap = cap;
    }
    const char *copy = sim_cfg_intern(cfg, text);
    if (copy)
        cfg->warnings[cfg->n_warnings++] = copy;
}

size_t sim_cfg_warning_count(const sim_cfg *cfg)
{
    return cfg->n_warnings;
}

const char *sim_cfg_warning_text(const sim_cfg *cfg, size_t i)
{
    return i < cfg->n_warnings ? cfg->warnings[i] : NULL;
}

/* ---- paths for messages: "companies[2].n_assets" ---- */

static size_t cfg_path_into(const sim_cfg_node *n, char *buf, size_t size);

static size_t cfg_append(char *buf, size_t size, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static size_t cfg_append(char *buf, size_t size, size_t at, const char *fmt, ...)
{
    if (at >= size)
        return at;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + at, size - at, fmt, ap);
    va_end(ap);
    return w < 0 ? at : at + (size_t)w;
}

static size_t cfg_path_into(const sim_cfg_node *n, char *buf, size_t size)
{
    const sim_cfg_node *p = n->parent;
    if (!p)
        return 0;
    size_t at = cfg_path_into(p, buf, size);
    for (size_t i = 0; i < p->len; i++) {
        if (sim_cfg_at(p, i) != n)
            continue;
        if (p->kind == SIM_CFG_LIST)
            return cfg_append(buf, size, at, "[%zu]", i);
        return cfg_append(buf, size, at, "%s%s", at ? "." : "", p->u.entries[i].key);
    }
    return at;
}

/* Path of n from the root, or what when n is not inside a map or list. */
static void cfg_node_path(const sim_cfg_node *n, const char *what, char *buf, size_t size)
{
    buf[0] = '\0';
    if (n && n->parent)
        cfg_path_into(n, buf, size);
    if (!buf[0])
        snprintf(buf, size, "%s", what ? what : "value");
}

static void cfg_key_path(const sim_cfg_node *map, const char *key, char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = '\0';
    if (map)
        at = cfg_path_into(map, buf, size);
    cfg_append(buf, size, at, "%s%s", at ? "." : "", key);
}

/* ---- scalar types (YAML 1.2 core schema) ---- */

typedef enum cfg_type { CFG_T_STRING, CFG_T_NULL, CFG_T_BOOL, CFG_T_INT, CFG_T_FLOAT } cfg_type;

static int cfg_one_of(const char *s, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(s, *words) == 0)
            return 1;
    return 0;
}

static const char *const cfg_true_words[] = {"true", "True", "TRUE", NULL};
static const char *const cfg_false_words[] = {"false", "False", "FALSE", NULL};
static const char *const cfg_null_words[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const cfg_inf_words[] = {".inf", ".Inf", ".INF", NULL};
static const char *const cfg_nan_words[] = {".nan", ".NaN", ".NAN", NULL};

static size_t cfg_digits(const char *s, int (*is_digit)(int))
{
    size_t n = 0;
    while (s[n] && is_digit((unsigned char)s[n]))
        n++;
    return n;
}

static int cfg_is_octal(int c)
{
    return c >= '0' && c <= '7';
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static int cfg_is_float_text(const char *s)
{
    s += (*s == '-' || *s == '+');
    size_t whole = cfg_digits(s, isdigit), frac = 0;
    s += whole;
    if (*s == '.') {
        frac = cfg_digits(s + 1, isdigit);
        s += 1 + frac;
    }
    if (whole == 0 && frac == 0)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s += 1 + (s[1] == '-' || s[1] == '+');
        size_t exp = cfg_digits(s, isdigit);
        if (exp == 0)
            return 0;
        s += exp;
    }
    return *s == '\0';
}

static int cfg_is_int_text(const char *s)
{
    if (s[0] == '0' && s[1] == 'o')
        return s[2] && cfg_digits(s + 2, cfg_is_octal) == strlen(s + 2);
    if (s[0] == '0' && s[1] == 'x')
        return s[2] && cfg_digits(s + 2, isxdigit) == strlen(s + 2);
    s += (*s == '-' || *s == '+');
    return *s && cfg_digits(s, isdigit) == strlen(s);
}

static cfg_type cfg_classify(const char *s)
{
    if (cfg_one_of(s, cfg_null_words))
        return CFG_T_NULL;
    if (cfg_one_of(s, cfg_true_words) || cfg_one_of(s, cfg_false_words))
        return CFG_T_BOOL;
    if (cfg_is_int_text(s))
        return CFG_T_INT;
    if (cfg_is_float_text(s) || cfg_one_of(s, cfg_nan_words))
        return CFG_T_FLOAT;
    if ((*s == '-' || *s == '+') && cfg_one_of(s + 1, cfg_inf_words))
        return CFG_T_FLOAT;
    return cfg_one_of(s, cfg_inf_words) ? CFG_T_FLOAT : CFG_T_STRING;
}

static cfg_type cfg_node_type(const sim_cfg_node *n)
{
    return n->quoted ? CFG_T_STRING : cfg_classify(n->u.text);
}

/* Value of a number-typed text; the text has been classified already. */
static double cfg_text_value(const char *s)
{
    int neg = *s == '-';
    const char *body = s + (*s == '-' || *s == '+');
    if (cfg_one_of(body, cfg_inf_words))
        return neg ? -INFINITY : INFINITY;
    if (cfg_one_of(s, cfg_nan_words))
        return NAN;
    if (s[0] == '0' && (s[1] == 'o' || s[1] == 'x'))
        return (double)strtoull(s + 2, NULL, s[1] == 'o' ? 8 : 16);
    return strtod(s, NULL);
}

static int cfg_number(const sim_cfg_node *n, double *v)
{
    if (n->kind != SIM_CFG_SCALAR)
        return 0;
    cfg_type t = cfg_node_type(n);
    if (t != CFG_T_INT && t != CFG_T_FLOAT)
        return 0;
    *v = cfg_text_value(n->u.text);
    return 1;
}

typedef enum cfg_int_result {
    CFG_INT_OK,
    CFG_INT_NOT_NUMBER,
    CFG_INT_FRACTION,
    CFG_INT_RANGE
} cfg_int_result;

/* Integer-typed text to an unsigned magnitude and a sign; exact float forms ("1e6") are
 * accepted. */
static cfg_int_result cfg_integer(const sim_cfg_node *n, int *neg, unsigned long long *mag)
{
    double d;
    if (!cfg_number(n, &d))
        return CFG_INT_NOT_NUMBER;
    const char *s = n->u.text;
    *neg = s[0] == '-';
    if (cfg_node_type(n) == CFG_T_INT) {
        int hexoct = s[0] == '0' && (s[1] == 'o' || s[1] == 'x');
        const char *digits = hexoct ? s + 2 : s + (s[0] == '-' || s[0] == '+');
        errno = 0;
        *mag = strtoull(digits, NULL, hexoct ? (s[1] == 'o' ? 8 : 16) : 10);
        return errno == ERANGE ? CFG_INT_RANGE : CFG_INT_OK;
    }
    if (isnan(d) || (isfinite(d) && d != floor(d)))
        return CFG_INT_FRACTION;
    if (!isfinite(d) || fabs(d) >= 18446744073709551616.0)
        return CFG_INT_RANGE;
    *neg = d < 0;
    *mag = (unsigned long long)fabs(d);
    return CFG_INT_OK;
}

/* ---- messages about values ---- */

static void cfg_got(const sim_cfg_node *n, char *buf, size_t size)
{
    if (n->kind == SIM_CFG_MAP || n->kind == SIM_CFG_LIST) {
        snprintf(buf, size, "%s", n->kind == SIM_CFG_MAP ? "a map" : "a list");
        return;
    }
    if (n->kind == SIM_CFG_NULL) {
        snprintf(buf, size, "null");
        return;
    }
    size_t len = strlen(n->u.text);
    int cut = len > CFG_GOT_MAX;
    snprintf(buf, size, "\"%.*s%s\"%s", (int)(cut ? CFG_GOT_MAX : len), n->u.text, cut ? "..." : "",
             n->quoted && cfg_classify(n->u.text) >= CFG_T_BOOL
                 ? " (quoted, so a string: remove the quotes)"
                 : "");
}

/* "path: <expected>, got <value><hint>" at the value's place. */
static void cfg_bad_value_hint(sim_cfg *cfg, const sim_cfg_node *n, const char *path,
                               const char *expected, const char *hint)
{
    char got[CFG_GOT_MAX + 64];
    cfg_got(n, got, sizeof got);
    sim_cfg_error(cfg, n, "%s: %s, got %s%s", path, expected, got, hint);
}

static void cfg_bad_value(sim_cfg *cfg, const sim_cfg_node *n, const char *path,
                          const char *expected)
{
    cfg_bad_value_hint(cfg, n, path, expected, "");
}

static void cfg_range_text(sim_cfg_range r, char *buf, size_t size)
{
    char lo = r.lo_open || isinf(r.lo) ? '(' : '[';
    char hi = r.hi_open || isinf(r.hi) ? ')' : ']';
    snprintf(buf, size, "%c%g, %g%c", lo, r.lo, r.hi, hi);
}

static int cfg_in_range(double v, sim_cfg_range r)
{
    if (!isfinite(v))
        return 0;
    int lo_ok = r.lo_open ? v > r.lo : v >= r.lo;
    int hi_ok = r.hi_open ? v < r.hi : v <= r.hi;
    return lo_ok && hi_ok;
}

/* ---- defaults ---- */

static int cfg_is_missing(const sim_cfg_node *n)
{
    return !n || n->kind == SIM_CFG_NULL;
}

/* Insert a default under key (replacing an explicit null in place). */
static void cfg_put_default(sim_cfg *cfg, sim_cfg_node *map, const char *key, sim_cfg_node *n)
{
    if (!n || !map || map->kind != SIM_CFG_MAP)
        return;
    long at = cfg_find(map, key);
    sim_cfg_mark key_mark = at >= 0 ? map->u.entries[at].key_mark : n->mark;
    n->is_default = 1;
    if (sim_cfg_map_put(cfg, map, key, key_mark, n) != SIM_OK)
        cfg_diag_add(cfg, n->mark, "out of memory recording a default");
}

static sim_cfg_mark cfg_default_mark(void)
{
    return (sim_cfg_mark){CFG_DEFAULT_FILE, 0, 0};
}

static void cfg_put_default_text(sim_cfg *cfg, sim_cfg_node *map, const char *key, const char *text,
                                 int quoted)
{
    cfg_put_default(cfg, map, key, sim_cfg_new_scalar(cfg, cfg_default_mark(), text, quoted));
}

/* Shortest of %.15g and %.17g that reads back to v; YAML spellings for inf and nan. */
static void cfg_format_double(double v, char *buf, size_t size)
{
    if (isnan(v))
        snprintf(buf, size, ".nan");
    else if (isinf(v))
        snprintf(buf, size, "%s", v < 0 ? "-.inf" : ".inf");
    else {
        snprintf(buf, size, "%.15g", v);
        if (strtod(buf, NULL) != v)
            snprintf(buf, size, "%.17g", v);
    }
}

/* ---- the schema: getters ---- */

static int cfg_was_asked(const sim_cfg_node *map, const char *key)
{
    for (size_t i = 0; i < map->mx->n_asked; i++)
        if (strcmp(map->mx->asked[i], key) == 0)
            return 1;
    return 0;
}

static void cfg_ask(sim_cfg *cfg, sim_cfg_node *map, const char *key)
{
    cfg_mapx *mx = map->mx;
    map->reached = 1;
    if (cfg_was_asked(map, key))
        return;
    void *arr = (void *)mx->asked;
    const char *k = sim_cfg_intern(cfg, key);
    if (!k || !cfg_grow(cfg, &arr, &mx->asked_cap, mx->n_asked + 1, sizeof(char *)))
        return; /* out of memory: the key may later be reported unknown, never missed */
    mx->asked = arr;
    mx->asked[mx->n_asked++] = k;
}

sim_cfg_node *sim_cfg_get(sim_cfg *cfg, sim_cfg_node *map, const char *key)
{
    if (!map || map->kind != SIM_CFG_MAP)
        return NULL;
    cfg_ask(cfg, map, key);
    return sim_cfg_peek(map, key);
}

sim_cfg_node *sim_cfg_map(sim_cfg *cfg, sim_cfg_node *map, const char *key)
{
    sim_cfg_node *n = sim_cfg_get(cfg, map, key);
    if (n && n->kind == SIM_CFG_MAP)
        return n;
    if (!map || map->kind != SIM_CFG_MAP)
        return NULL;
    if (cfg_is_missing(n)) {
        sim_cfg_node *m = sim_cfg_new_map(cfg, cfg_default_mark());
        cfg_put_default(cfg, map, key, m);
        return m;
    }
    char path[CFG_PATH_MAX];
    cfg_key_path(map, key, path, sizeof path);
    cfg_bad_value(cfg, n, path, "must be a map");
    return NULL;
}

sim_cfg_node *sim_cfg_list(sim_cfg *cfg, sim_cfg_node *map, const char *key)
{
    sim_cfg_node *n = sim_cfg_get(cfg, map, key);
    if (cfg_is_missing(n) || n->kind == SIM_CFG_LIST)
        return cfg_is_missing(n) ? NULL : n;
    char path[CFG_PATH_MAX];
    cfg_key_path(map, key, path, sizeof path);
    cfg_bad_value(cfg, n, path, "must be a list");
    return NULL;
}

static double cfg_num_of(sim_cfg *cfg, sim_cfg_node *n, const char *path, double def,
                         sim_cfg_range range)
{
    double v;
    if (cfg_number(n, &v) && cfg_in_range(v, range))
        return v;
    char expected[128], rtext[96];
    cfg_range_text(range, rtext, sizeof rtext);
    snprintf(expected, sizeof expected, "must be a number in %s", rtext);
    cfg_bad_value(cfg, n, path, expected);
    return def;
}

double sim_cfg_num(sim_cfg *cfg, sim_cfg_node *map, const char *key, double def,
                   sim_cfg_range range)
{
    sim_cfg_node *n = sim_cfg_get(cfg, map, key);
    if (cfg_is_missing(n)) {
        char text[40];
        cfg_format_double(def, text, sizeof text);
        cfg_put_default_text(cfg, map, key, text, 0);
        return def;
    }
    char path[CFG_PATH_MAX];
    cfg_key_path(map, key, path, sizeof path);
    return cfg_num_of(cfg, n, path, def, range);
}

double sim_cfg_node_num(sim_cfg *cfg, sim_cfg_node *n, const char *what, double def,
                        sim_cfg_range range)
{
    if (!n)
        return def;
    char path[CFG_PATH_MAX];
    cfg_node_path(n, what, path, sizeof path);
    return cfg_num_of(cfg, n, path, def, range);
}

static long long cfg_int_of(sim_cfg *cfg, sim_cfg_node *n, const char *path, long long def,
                            long long lo, long long hi)
{
    int neg = 0;
    unsigned long long mag = 0;
    cfg_int_result r = cfg_integer(n, &neg, &mag);
    /* Two's complement: LLONG_MIN's magnitude is LLONG_MAX + 1. */
    unsigned long long limit =
        neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
    if (r == CFG_INT_OK && mag <= limit) {
        long long v = neg ? (long long)(0 - mag) : (long long)mag;
        if (v >= lo && v <= hi)
            return v;
    }
    char expected[128];
    snprintf(expected, sizeof expected, "must be an integer in [%lld, %lld]", lo, hi);
    cfg_bad_value(cfg, n, path, expected);
    return def;
}

long long sim_cfg_int(sim_cfg *cfg, sim_cfg_node *map, const char *key, long long def, long long lo,
                      long long hi)
{
    sim_cfg_node *n = sim_cfg_get(cfg, map, key);
    if (cfg_is_missing(n)) {
        char text[32];
        snprintf(text, sizeof text, "%lld", def);
        cfg_put_default_text(cfg, map, key, text, 0);
        return def;
    }
    char path[CFG_PATH_MAX];
    cfg_key_path(map, key, path, sizeof path);
    return cfg_int_of(cfg, n, path, def, lo, hi);
}

long long sim_cfg_node_int(sim_cfg *cfg, sim_cfg_node *n, const char *what, long long def,
                           long long lo, long long hi)
{
    if (!n)
        return def;
    char path[CFG_PATH_MAX];
    cfg_node_path(n, what, path, sizeof path);
    return cfg_int_of(cfg, n, path, def, lo, hi);
}

uint64_t sim_cfg_u64(sim_cfg *cfg, sim_cfg_node *map, const char *key, uint64_t def)
{
    sim_cfg_node *n = sim_cfg_get(cfg, map, key);
    if (cfg_is_missing(n)) {
        char text[32];
        snprintf(text, sizeof text, "%llu", (unsigned long long)def);
        cfg_put_default_text(cfg, map, key, text, 0);
        return def;
    }
    int neg = 0;
    unsigned long long mag = 0;
    cfg_int_result r = cfg_integer(n, &neg, &mag);
    if (r == CFG_INT_OK && (!neg || mag == 0))
        return (uint64_t)mag;
    char path[CFG_PATH_MAX], expected[96];
    cfg_key_path(map, key, path, sizeof path);
    snprintf(expected, sizeof expected, "must be an integer in [0, %llu]",
             (unsigned long long)UINT64_MAX);
    cfg_bad_value(cfg, n, path, expected);
    return def;
}

int sim_cfg_bool(sim_cfg *cfg, sim_cfg_node *map, const char *key, int def)
{
    static const char *const yaml11[] = {"yes", "no",  "on",  "off", "y",  "n",   "Yes", "No",
                                         "On",  "Off", "YES", "NO",  "ON", "OFF", NULL};
    sim_cfg_node *n = sim_cfg_get(cfg, map, key);
    if (cfg_is_missing(n)) {
        cfg_put_default_text(cfg, map, key, def ? "true" : "false", 0);
        return def;
    }
    if (n->kind == SIM_CFG_SCALAR && !n->quoted && cfg_one_of(n->u.text, cfg_true_words))
        return 1;
    if (n->kind == SIM_CFG_SCALAR && !n->quoted && cfg_one_of(n->u.text, cfg_false_words))
        return 0;
    char path[CFG_PATH_MAX];
    cfg_key_path(map, key, path, sizeof path);
    int old_style = n->kind == SIM_CFG_SCALAR && cfg_one_of(n->u.text, yaml11);
    cfg_bad_value(cfg, n, path,
                  old_style ? "must be true or false (YAML 1.2 has no yes/no/on/off)"
                            : "must be true or false");
    return def;
}

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions),
 * case-insensitive; strings up to CFG_SUGGEST_MAXLEN. */
static size_t cfg_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t rows[3][CFG_SUGGEST_MAXLEN + 1];
    size_t *pp = rows[0], *p = rows[1], *c = rows[2];
    for (size_t j = 0; j <= lb; j++)
        p[j] = j;
    for (size_t i = 1; i <= la; i++) {
        c[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            int ai = tolower((unsigned char)a[i - 1]), bj = tolower((unsigned char)b[j - 1]);
            size_t best = p[j - 1] + (ai != bj);
            best = p[j] + 1 < best ? p[j] + 1 : best;
            best = c[j - 1] + 1 < best ? c[j - 1] + 1 : best;
            if (i > 1 && j > 1 && ai == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == bj && pp[j - 2] + 1 < best)
                best = pp[j - 2] + 1;
            c[j] = best;
        }
        size_t *t = pp;
        pp = p;
        p = c;
        c = t;
    }
    return p[lb];
}

/* How well candidate fits a misspelt word: lower is better, SIZE_MAX is no fit. */
static size_t cfg_fit(const char *word, const char *candidate)
{
    size_t lw = strlen(word), lc = strlen(candidate);
    if (lw > CFG_SUGGEST_MAXLEN || lc > CFG_SUGGEST_MAXLEN)
        return SIZE_MAX;
    size_t d = cfg_distance(word, candidate);
    size_t longer = lw > lc ? lw : lc, shorter = lw < lc ? lw : lc;
    size_t limit = longer / 3 > 2 ? longer / 3 : 2;
    if (d == 0 || (d <= limit && d < lc))
        return d;
    /* One is a prefix of the other ("horizon" for "horizon_h"): a weaker fit. */
    if (shorter >= 4 && strncmp(word, candidate, shorter) == 0)
        return CFG_SUGGEST_MAXLEN + d;
    return SIZE_MAX;
}

const char *sim_cfg_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_fit = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        size_t f = candidates[i] != NULL ? cfg_fit(word, candidates[i]) : SIZE_MAX;
        if (f < best_fit) {
            best_fit = f;
            best = candidates[i];
        }
    }
    return best;
}

static void cfg_join(char *buf, size_t size, const char *const *words, size_t n)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < size; i++)
        at = cfg_append(buf, size, at, "%s%s", i ? ", " : "", words[i]);
    if (at >= size && size > 4)
        memcpy(buf + size - 4, "...", 4);
}

int sim_cfg_enum(sim_cfg *cfg, sim_cfg_node *map, const char *key, const char *const *names,
                 int def)
{
    sim_cfg_node *n = sim_cfg_get(cfg, map, key);
    if (cfg_is_missing(n)) {
        const char *text = names[def];
        cfg_put_default_text(cfg, map, key, text, cfg_classify(text) != CFG_T_STRING);
        return def;
    }
    size_t count = 0;
    while (names[count])
        count++;
    for (size_t i = 0; n->kind == SIM_CFG_SCALAR && i < count; i++)
        if (strcmp(n->u.text, names[i]) == 0)
            return (int)i;
    char path[CFG_PATH_MAX], list[CFG_KNOWN_MAX], expected[CFG_KNOWN_MAX + 32], hint[96] = "";
    cfg_key_path(map, key, path, sizeof path);
    cfg_join(list, sizeof list, names, count);
    snprintf(expected, sizeof expected, "must be one of: %s", list);
    const char *near = n->kind == SIM_CFG_SCALAR ? sim_cfg_suggest(n->u.text, names, count) : NULL;
    if (near)
        snprintf(hint, sizeof hint, "; did you mean \"%.60s\"?", near);
    cfg_bad_value_hint(cfg, n, path, expected, hint);
    return def;
}

const char *sim_cfg_str(sim_cfg *cfg, sim_cfg_node *map, const char *key, const char *def)
{
    sim_cfg_node *n = sim_cfg_get(cfg, map, key);
    if (cfg_is_missing(n)) {
        if (!def)
            return NULL;
        /* A default that would read back as a number, boolean or null is quoted. */
        sim_cfg_node *d =
            sim_cfg_new_scalar(cfg, cfg_default_mark(), def, cfg_classify(def) != CFG_T_STRING);
        cfg_put_default(cfg, map, key, d);
        return d ? d->u.text : def;
    }
    if (n->kind == SIM_CFG_SCALAR)
        return n->u.text;
    char path[CFG_PATH_MAX];
    cfg_key_path(map, key, path, sizeof path);
    cfg_bad_value(cfg, n, path, "must be a string");
    return def;
}

const char *sim_cfg_node_str(sim_cfg *cfg, sim_cfg_node *n, const char *what)
{
    if (!n || n->kind == SIM_CFG_SCALAR)
        return n ? n->u.text : NULL;
    char path[CFG_PATH_MAX];
    cfg_node_path(n, what, path, sizeof path);
    cfg_bad_value(cfg, n, path, "must be a string");
    return NULL;
}

/* ---- unknown keys ---- */

static void cfg_report_unknown(sim_cfg *cfg, const sim_cfg_node *map, size_t i)
{
    const cfg_entry *e = &map->u.entries[i];
    const cfg_mapx *mx = map->mx;
    char path[CFG_PATH_MAX], known[CFG_KNOWN_MAX];
    cfg_key_path(map, e->key, path, sizeof path);
    const char *hint = sim_cfg_suggest(e->key, mx->asked, mx->n_asked);
    if (hint)
        sim_cfg_error_at(cfg, e->key_mark, "%s: unknown key; did you mean \"%s\"?", path, hint);
    else if (mx->n_asked) {
        cfg_join(known, sizeof known, mx->asked, mx->n_asked);
        sim_cfg_error_at(cfg, e->key_mark, "%s: unknown key (known keys here: %s)", path, known);
    } else
        sim_cfg_error_at(cfg, e->key_mark, "%s: unknown key", path);
}

static void cfg_check_node(sim_cfg *cfg, const sim_cfg_node *n, int is_root);

static void cfg_check_map(sim_cfg *cfg, const sim_cfg_node *map)
{
    for (size_t i = 0; i < map->len; i++) {
        if (cfg_was_asked(map, map->u.entries[i].key))
            cfg_check_node(cfg, map->u.entries[i].value, 0);
        else
            cfg_report_unknown(cfg, map, i);
    }
}

/* A map no getter looked into was not read as a schema (a model may skip a whole section):
 * its keys are not judged. The root is always judged. */
static void cfg_check_node(sim_cfg *cfg, const sim_cfg_node *n, int is_root)
{
    if (n->kind == SIM_CFG_MAP && (n->reached || is_root))
        cfg_check_map(cfg, n);
    else if (n->kind == SIM_CFG_LIST)
        for (size_t i = 0; i < n->len; i++)
            cfg_check_node(cfg, n->u.items[i], 0);
}

void sim_cfg_check_unknown(sim_cfg *cfg)
{
    if (cfg->root)
        cfg_check_node(cfg, cfg->root, 1);
}
