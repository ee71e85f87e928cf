/*
 * sim_yaml: libyaml events -> sim_cfg tree; extends:; the tree -> YAML text.
 *
 * The parser is driven event by event (yaml_parser_parse) and the tree is built by a
 * recursive descent whose depth is bounded by SIM_YAML_MAX_DEPTH: a nesting bomb is refused
 * at its 65th level before libyaml reads further. Every node built counts against
 * SIM_YAML_MAX_NODES, and an alias is checked against the size of its anchored subtree
 * before it is copied, so a "billion laughs" document is refused after reading a few lines,
 * never built. Anchors record their subtree's size and height for that purpose.
 *
 * One load (a file and the bases it extends) shares a yl_load: the node budget, the chain
 * of files being loaded (for cycles and the depth limit) and whether any diagnostic was
 * added. Each file gets a yl_doc: its parser, its anchors and its name.
 */
#include "sim_yaml.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#define YL_STR_TAG         "tag:yaml.org,2002:str"
#define YL_CORE_TAG_PREFIX "tag:yaml.org,2002:"
#define YL_FLOW_MAX_ITEMS  8u  /* lists of scalars up to this many items are written [a, b] */
#define YL_FLOW_MAX_CHARS  60u /* ... when their text is at most this long in all */
#define YL_READ_CHUNK      65536u

typedef struct yl_anchor {
    char *name;
    sim_cfg_node *node;
    size_t count;    /* nodes in the anchored subtree */
    unsigned height; /* collection levels in it (a scalar has 0) */
    int done;        /* an alias inside its own anchor is refused */
    size_t bytes;    /* text of its scalars (keys included) */
} yl_anchor;

typedef struct yl_file {
    const char *display; /* as shown in marks (interned) */
    char *real;          /* realpath, for cycles; NULL for a string */
} yl_file;

typedef struct yl_load {
    sim_cfg *cfg;
    size_t nodes;
    size_t bytes; /* scalar text built, aliases expanded: SIM_YAML_MAX_TEXT_BYTES */
    yl_file chain[SIM_YAML_MAX_EXTENDS + 1];
    size_t depth;
    int invalid;
} yl_load;

typedef struct yl_doc {
    yl_load *load;
    yaml_parser_t parser;
    const char *file; /* interned */
    const unsigned char *text;
    size_t len;
    yl_anchor *anchors;
    size_t n_anchors, anchors_cap;
} yl_doc;

/* Size of a subtree being built, for the anchor table. */
typedef struct yl_size {
    size_t count;
    unsigned height;
    size_t bytes;
} yl_size;

static sim_status yl_node(yl_doc *d, yaml_event_t *ev, unsigned depth, sim_cfg_node **out,
                          yl_size *size);

/* ---- diagnostics ---- */

static sim_cfg_mark yl_mark(const yl_doc *d, yaml_mark_t m)
{
    return (sim_cfg_mark){d->file, (unsigned)m.line + 1, (unsigned)m.column + 1};
}

static void yl_error(yl_doc *d, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void yl_error(yl_doc *d, yaml_mark_t m, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sim_cfg_error_at(d->load->cfg, yl_mark(d, m), "%s", msg);
    d->load->invalid = 1;
}

/* libyaml's reader reports a byte offset, not a mark: count lines and characters. */
static yaml_mark_t yl_mark_of_offset(const yl_doc *d, size_t offset)
{
    yaml_mark_t m = {offset, 0, 0};
    for (size_t i = 0; i < offset && i < d->len; i++) {
        if (d->text[i] == '\n') {
            m.line++;
            m.column = 0;
        } else if ((d->text[i] & 0xC0) != 0x80) {
            m.column++;
        }
    }
    return m;
}

static sim_status yl_parser_error(yl_doc *d)
{
    yaml_parser_t *p = &d->parser;
    const char *problem = p->problem ? p->problem : "unknown problem";
    if (p->error == YAML_MEMORY_ERROR)
        return SIM_NOMEM;
    if (p->error == YAML_READER_ERROR) {
        yaml_mark_t m = yl_mark_of_offset(d, p->problem_offset);
        /* problem_value is often -1 ("none"): show the byte at the offset instead. */
        unsigned byte = p->problem_offset < d->len ? d->text[p->problem_offset] : 0u;
        if (strstr(problem, "UTF-8") || strstr(problem, "Unicode"))
            yl_error(d, m, "invalid UTF-8 (%s, byte 0x%02X): scenario files must be UTF-8 text",
                     problem, byte);
        else
            yl_error(d, m, "invalid character: %s (byte 0x%02X)", problem, byte);
        return SIM_INVALID;
    }
    if (p->context)
        yl_error(d, p->problem_mark, "syntax error: %s (%s at line %u, column %u)", problem,
                 p->context, (unsigned)p->context_mark.line + 1,
                 (unsigned)p->context_mark.column + 1);
    else
        yl_error(d, p->problem_mark, "syntax error: %s", problem);
    return SIM_INVALID;
}

static sim_status yl_next(yl_doc *d, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&d->parser, ev))
        return yl_parser_error(d);
    return SIM_OK;
}

/* ---- anchors ---- */

static yl_anchor *yl_find_anchor(yl_doc *d, const char *name)
{
    /* Searching backwards finds the latest definition: YAML lets a name be re-anchored. */
    for (size_t i = d->n_anchors; i-- > 0;)
        if (strcmp(d->anchors[i].name, name) == 0)
            return &d->anchors[i];
    return NULL;
}

static sim_status yl_anchor_open(yl_doc *d, const yaml_char_t *name, size_t *slot)
{
    if (!name) {
        *slot = SIZE_MAX;
        return SIM_OK;
    }
    if (d->n_anchors == d->anchors_cap) {
        size_t cap = d->anchors_cap ? d->anchors_cap * 2 : 8;
        yl_anchor *a = realloc(d->anchors, cap * sizeof *a);
        if (!a)
            return SIM_NOMEM;
        d->anchors = a;
        d->anchors_cap = cap;
    }
    char *copy = strdup((const char *)name);
    if (!copy)
        return SIM_NOMEM;
    d->anchors[d->n_anchors] = (yl_anchor){copy, NULL, 0, 0, 0, 0};
    *slot = d->n_anchors++;
    return SIM_OK;
}

static void yl_anchor_close(yl_doc *d, size_t slot, sim_cfg_node *node, yl_size size)
{
    if (slot == SIZE_MAX)
        return;
    yl_anchor *a = &d->anchors[slot];
    a->node = node;
    a->count = size.count;
    a->height = size.height;
    a->bytes = size.bytes;
    a->done = 1;
}

static void yl_anchors_free(yl_doc *d)
{
    for (size_t i = 0; i < d->n_anchors; i++)
        free(d->anchors[i].name);
    free(d->anchors);
}

/* ---- building nodes ---- */

static sim_status yl_count(yl_doc *d, yaml_mark_t m, size_t n)
{
    if (d->load->nodes + n > SIM_YAML_MAX_NODES) {
        yl_error(d, m, "document too large: more than %u nodes", SIM_YAML_MAX_NODES);
        return SIM_INVALID;
    }
    d->load->nodes += n;
    return SIM_OK;
}

/* Scalar text counts against SIM_YAML_MAX_TEXT_BYTES: the node limit alone would let an
 * alias copy one long string a million times. */
static sim_status yl_count_text(yl_doc *d, yaml_mark_t m, size_t bytes)
{
    if (d->load->bytes + bytes > SIM_YAML_MAX_TEXT_BYTES) {
        yl_error(d, m, "document too large: more than %u bytes of text", SIM_YAML_MAX_TEXT_BYTES);
        return SIM_INVALID;
    }
    d->load->bytes += bytes;
    return SIM_OK;
}

static int yl_is_null_text(const char *s)
{
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* Tags: !!str (and the non-specific "!") make a string; other core-schema tags are
 * accepted and ignored; application tags mean nothing to ecotwin and are refused. */
static int yl_check_tag(yl_doc *d, const yaml_char_t *tag, yaml_mark_t m)
{
    const char *t = (const char *)tag;
    if (!t)
        return 0;
    if (!strcmp(t, YL_STR_TAG) || !strcmp(t, "!"))
        return 1;
    if (strncmp(t, YL_CORE_TAG_PREFIX, strlen(YL_CORE_TAG_PREFIX)) != 0)
        yl_error(d, m, "unsupported tag %s: scenario files use plain YAML values", t);
    return 0;
}

static sim_status yl_scalar(yl_doc *d, yaml_event_t *ev, sim_cfg_node **out, yl_size *size)
{
    const char *text = (const char *)ev->data.scalar.value;
    yaml_mark_t m = ev->start_mark;
    int quoted =
        yl_check_tag(d, ev->data.scalar.tag, m) || ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    if (strlen(text) != ev->data.scalar.length)
        yl_error(d, m, "a NUL character is not allowed in a value");
    sim_status st = yl_count(d, m, 1);
    if (st == SIM_OK)
        st = yl_count_text(d, m, ev->data.scalar.length);
    if (st != SIM_OK)
        return st;
    if (!quoted && yl_is_null_text(text))
        *out = sim_cfg_new_null(d->load->cfg, yl_mark(d, m));
    else
        *out = sim_cfg_new_scalar(d->load->cfg, yl_mark(d, m), text, quoted);
    *size = (yl_size){1, 0, ev->data.scalar.length};
    return *out ? SIM_OK : SIM_NOMEM;
}

/* An alias that cannot be expanded is reported and read as null, so parsing goes on. */
static sim_status yl_bad_alias(yl_doc *d, yaml_mark_t m, sim_cfg_node **out, yl_size *size)
{
    sim_status st = yl_count(d, m, 1);
    if (st != SIM_OK)
        return st;
    *out = sim_cfg_new_null(d->load->cfg, yl_mark(d, m));
    *size = (yl_size){1, 0, 0};
    return *out ? SIM_OK : SIM_NOMEM;
}

static sim_status yl_alias(yl_doc *d, yaml_event_t *ev, unsigned depth, sim_cfg_node **out,
                           yl_size *size)
{
    const char *name = (const char *)ev->data.alias.anchor;
    yaml_mark_t m = ev->start_mark;
    yl_anchor *a = yl_find_anchor(d, name);
    if (!a || !a->done) {
        if (!a)
            yl_error(d, m, "alias *%s refers to no anchor &%s defined before it", name, name);
        else
            yl_error(d, m, "alias *%s is inside its own anchor &%s (a recursive structure)", name,
                     name);
        return yl_bad_alias(d, m, out, size);
    }
    if (d->load->nodes + a->count > SIM_YAML_MAX_NODES) {
        yl_error(d, m,
                 "alias *%s would expand the document beyond %u nodes; aliases must not "
                 "multiply the document (\"billion laughs\")",
                 name, SIM_YAML_MAX_NODES);
        return SIM_INVALID;
    }
    if (d->load->bytes + a->bytes > SIM_YAML_MAX_TEXT_BYTES) {
        yl_error(d, m,
                 "alias *%s would expand the document beyond %u bytes of text; aliases must not "
                 "multiply the document (\"billion laughs\")",
                 name, SIM_YAML_MAX_TEXT_BYTES);
        return SIM_INVALID;
    }
    if (depth - 1 + a->height > SIM_YAML_MAX_DEPTH) {
        yl_error(d, m, "alias *%s nests the document deeper than %u levels", name,
                 SIM_YAML_MAX_DEPTH);
        return SIM_INVALID;
    }
    d->load->nodes += a->count;
    d->load->bytes += a->bytes;
    *out = sim_cfg_copy(d->load->cfg, a->node);
    *size = (yl_size){a->count, a->height, a->bytes};
    return *out ? SIM_OK : SIM_NOMEM;
}

static sim_status yl_collection_start(yl_doc *d, yaml_event_t *ev, unsigned depth)
{
    if (depth > SIM_YAML_MAX_DEPTH) {
        yl_error(d, ev->start_mark, "nesting deeper than %u levels", SIM_YAML_MAX_DEPTH);
        return SIM_INVALID;
    }
    const yaml_char_t *tag = ev->type == YAML_MAPPING_START_EVENT ? ev->data.mapping_start.tag
                                                                  : ev->data.sequence_start.tag;
    if (yl_check_tag(d, tag, ev->start_mark))
        yl_error(d, ev->start_mark, "!!str cannot tag a map or a list");
    return yl_count(d, ev->start_mark, 1);
}

static void yl_grow(yl_size *size, yl_size child)
{
    size->count += child.count;
    size->bytes += child.bytes;
    if (child.height + 1 > size->height)
        size->height = child.height + 1;
}

/* Build the node that starts with the next event. */
static sim_status yl_child(yl_doc *d, unsigned depth, sim_cfg_node **out, yl_size *size,
                           yaml_event_type_t *type, yaml_mark_t *mark)
{
    yaml_event_t ev;
    *type = YAML_NO_EVENT;
    *out = NULL;
    sim_status st = yl_next(d, &ev);
    if (st != SIM_OK)
        return st;
    *type = ev.type;
    *mark = ev.start_mark;
    if (ev.type != YAML_SEQUENCE_END_EVENT && ev.type != YAML_MAPPING_END_EVENT)
        st = yl_node(d, &ev, depth, out, size);
    yaml_event_delete(&ev);
    return st;
}

static sim_status yl_seq(yl_doc *d, yaml_event_t *ev, unsigned depth, sim_cfg_node **out,
                         yl_size *size)
{
    sim_status st = yl_collection_start(d, ev, depth);
    sim_cfg_node *list =
        st == SIM_OK ? sim_cfg_new_list(d->load->cfg, yl_mark(d, ev->start_mark)) : NULL;
    if (st != SIM_OK || !list)
        return st != SIM_OK ? st : SIM_NOMEM;
    *size = (yl_size){1, 1, 0};
    for (;;) {
        sim_cfg_node *item;
        yl_size isize = {0, 0, 0};
        yaml_event_type_t type;
        yaml_mark_t m;
        st = yl_child(d, depth + 1, &item, &isize, &type, &m);
        if (st != SIM_OK || type == YAML_SEQUENCE_END_EVENT)
            break;
        yl_grow(size, isize);
        st = sim_cfg_list_append(d->load->cfg, list, item);
        if (st != SIM_OK)
            break;
    }
    *out = list;
    return st;
}

static void yl_duplicate(yl_doc *d, sim_cfg_node *map, const char *key, yaml_mark_t m)
{
    for (size_t i = 0; i < sim_cfg_len(map); i++) {
        if (strcmp(sim_cfg_key_at(map, i), key) != 0)
            continue;
        sim_cfg_mark first = sim_cfg_key_mark_at(map, i);
        yl_error(d, m, "duplicate key \"%s\" (first at line %u, column %u)", key, first.line,
                 first.col);
        return;
    }
}

/* Check a key node; returns its text, or NULL when the entry is to be skipped (after a
 * diagnostic). */
static const char *yl_key_text(yl_doc *d, sim_cfg_node *map, sim_cfg_node *key, yaml_mark_t m)
{
    const char *text = sim_cfg_scalar_text(key);
    if (!text) {
        yl_error(d, m, "a key must be a string, not %s",
                 sim_cfg_node_kind(key) == SIM_CFG_NULL ? "empty or null" : "a map or a list");
        return NULL;
    }
    if (!sim_cfg_scalar_quoted(key) && strcmp(text, "<<") == 0) {
        yl_error(d, m, "merge keys (<<) are not supported; write the keys out or use extends:");
        return NULL;
    }
    if (sim_cfg_peek(map, text)) {
        yl_duplicate(d, map, text, m);
        return NULL;
    }
    return text;
}

static sim_status yl_entry(yl_doc *d, sim_cfg_node *map, unsigned depth, yl_size *size, int *end)
{
    sim_cfg_node *key, *value;
    yl_size ksize = {0, 0, 0}, vsize = {0, 0, 0};
    yaml_event_type_t type;
    yaml_mark_t km, vm;
    sim_status st = yl_child(d, depth + 1, &key, &ksize, &type, &km);
    *end = type == YAML_MAPPING_END_EVENT;
    if (st != SIM_OK || *end)
        return st;
    st = yl_child(d, depth + 1, &value, &vsize, &type, &vm);
    if (st != SIM_OK)
        return st;
    yl_grow(size, ksize);
    yl_grow(size, vsize);
    const char *text = yl_key_text(d, map, key, km);
    if (!text)
        return SIM_OK; /* reported; the value is dropped and parsing goes on */
    return sim_cfg_map_put(d->load->cfg, map, text, yl_mark(d, km), value);
}

static sim_status yl_map(yl_doc *d, yaml_event_t *ev, unsigned depth, sim_cfg_node **out,
                         yl_size *size)
{
    sim_status st = yl_collection_start(d, ev, depth);
    sim_cfg_node *map =
        st == SIM_OK ? sim_cfg_new_map(d->load->cfg, yl_mark(d, ev->start_mark)) : NULL;
    if (st != SIM_OK || !map)
        return st != SIM_OK ? st : SIM_NOMEM;
    *size = (yl_size){1, 1, 0};
    int end = 0;
    while (st == SIM_OK && !end)
        st = yl_entry(d, map, depth, size, &end);
    *out = map;
    return st;
}

static const yaml_char_t *yl_event_anchor(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return ev->data.scalar.anchor;
    case YAML_SEQUENCE_START_EVENT:
        return ev->data.sequence_start.anchor;
    case YAML_MAPPING_START_EVENT:
        return ev->data.mapping_start.anchor;
    default:
        return NULL;
    }
}

static sim_status yl_node(yl_doc *d, yaml_event_t *ev, unsigned depth, sim_cfg_node **out,
                          yl_size *size)
{
    const yaml_char_t *anchor = yl_event_anchor(ev);
    size_t slot;
    sim_status st = yl_anchor_open(d, anchor, &slot);
    if (st != SIM_OK)
        return st;
    *out = NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        st = yl_scalar(d, ev, out, size);
        break;
    case YAML_ALIAS_EVENT:
        st = yl_alias(d, ev, depth, out, size);
        break;
    case YAML_SEQUENCE_START_EVENT:
        st = yl_seq(d, ev, depth, out, size);
        break;
    case YAML_MAPPING_START_EVENT:
        st = yl_map(d, ev, depth, out, size);
        break;
    default:
        yl_error(d, ev->start_mark, "unexpected YAML event %d", (int)ev->type);
        st = SIM_INTERNAL;
    }
    if (st == SIM_OK)
        yl_anchor_close(d, slot, *out, *size);
    return st;
}

/* ---- documents ---- */

static sim_status yl_expect(yl_doc *d, yaml_event_type_t type, yaml_event_t *ev)
{
    sim_status st = yl_next(d, ev);
    if (st == SIM_OK && ev->type != type) {
        yl_error(d, ev->start_mark, "unexpected YAML structure (event %d)", (int)ev->type);
        yaml_event_delete(ev);
        return SIM_INVALID;
    }
    return st;
}

static sim_status yl_empty(yl_doc *d)
{
    yl_error(d, (yaml_mark_t){0, 0, 0}, "empty scenario file: expected a map of sections");
    return SIM_INVALID;
}

static sim_status yl_check_root(yl_doc *d, sim_cfg_node *root)
{
    sim_cfg_kind kind = sim_cfg_node_kind(root);
    if (kind == SIM_CFG_MAP)
        return SIM_OK;
    if (kind == SIM_CFG_NULL)
        return yl_empty(d);
    sim_cfg_mark m = sim_cfg_node_mark(root);
    sim_cfg_error_at(d->load->cfg, m,
                     "the top level of a scenario must be a map of sections (key: value), "
                     "not %s",
                     kind == SIM_CFG_LIST ? "a list" : "a single value");
    d->load->invalid = 1;
    return SIM_INVALID;
}

/* After the one document: the stream must end. */
static sim_status yl_stream_end(yl_doc *d)
{
    yaml_event_t ev;
    sim_status st = yl_next(d, &ev);
    if (st != SIM_OK)
        return st;
    if (ev.type == YAML_DOCUMENT_START_EVENT) {
        yl_error(d, ev.start_mark,
                 "multiple documents in one file: a scenario is a single YAML document "
                 "(remove this '---' or split the file)");
        st = SIM_INVALID;
    }
    yaml_event_delete(&ev);
    return st;
}

static sim_status yl_document(yl_doc *d, sim_cfg_node **root)
{
    yaml_event_t ev;
    sim_status st = yl_expect(d, YAML_STREAM_START_EVENT, &ev);
    if (st != SIM_OK)
        return st;
    yaml_event_delete(&ev);
    if ((st = yl_next(d, &ev)) != SIM_OK)
        return st;
    yaml_event_type_t type = ev.type;
    yaml_event_delete(&ev);
    if (type == YAML_STREAM_END_EVENT)
        return yl_empty(d);
    yl_size size = {0, 0, 0};
    yaml_mark_t m;
    st = yl_child(d, 1, root, &size, &type, &m);
    if (st != SIM_OK)
        return st;
    if ((st = yl_expect(d, YAML_DOCUMENT_END_EVENT, &ev)) != SIM_OK)
        return st;
    yaml_event_delete(&ev);
    if ((st = yl_stream_end(d)) != SIM_OK)
        return st;
    return yl_check_root(d, *root);
}

/* Parse one file's text (no extends yet). */
static sim_status yl_parse(yl_load *load, const char *file, const unsigned char *text, size_t len,
                           sim_cfg_node **root)
{
    /* libyaml skips a byte order mark only when it detects the encoding itself; the
     * encoding is set to UTF-8 here so that UTF-16 files get a clear error instead. */
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        text += 3;
        len -= 3;
    }
    yl_doc d = {.load = load, .text = text, .len = len};
    d.file = sim_cfg_intern(load->cfg, file);
    if (!d.file || !yaml_parser_initialize(&d.parser))
        return SIM_NOMEM;
    yaml_parser_set_input_string(&d.parser, text, len);
    yaml_parser_set_encoding(&d.parser, YAML_UTF8_ENCODING);
    sim_status st = yl_document(&d, root);
    yaml_parser_delete(&d.parser);
    yl_anchors_free(&d);
    return st;
}

/* ---- files ---- */

typedef struct yl_text {
    unsigned char *data;
    size_t len;
} yl_text;

static sim_status yl_read_fd(int fd, yl_text *t)
{
    size_t cap = 0;
    t->data = NULL;
    t->len = 0;
    for (;;) {
        if (t->len + YL_READ_CHUNK > cap) {
            cap = cap ? cap * 2 : YL_READ_CHUNK * 2;
            unsigned char *nd = realloc(t->data, cap);
            if (!nd)
                return SIM_NOMEM;
            t->data = nd;
        }
        ssize_t r = read(fd, t->data + t->len, YL_READ_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? SIM_IO : SIM_OK;
        t->len += (size_t)r;
        if (t->len > SIM_YAML_MAX_BYTES)
            return SIM_INVALID;
    }
}

/* Where a file problem is reported: at the extends value naming it, or without a place
 * for the file named by the caller. */
static void yl_file_error(yl_load *load, const sim_cfg_node *from, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void yl_file_error(yl_load *load, const sim_cfg_node *from, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sim_cfg_error(load->cfg, from, "%s", msg);
    load->invalid = 1;
}

static sim_status yl_too_large(yl_load *load, const sim_cfg_node *from, const char *path)
{
    yl_file_error(load, from, "%s is too large to be a scenario file (limit %u bytes)", path,
                  SIM_YAML_MAX_BYTES);
    return SIM_INVALID;
}

/* Open and read a file. from: the extends value naming it, NULL for the top file. */
static sim_status yl_read_file(yl_load *load, const char *path, const sim_cfg_node *from,
                               yl_text *t, sim_error *err)
{
    /* A base never blocks: O_NONBLOCK keeps a FIFO named by extends: from waiting for a
     * writer, and only regular files are read as bases (the top file may be a pipe). */
    int fd = open(path, from ? O_RDONLY | O_NONBLOCK : O_RDONLY);
    if (fd < 0 && !from)
        return sim_error_set(err, SIM_NOINPUT, "cannot open %s: %s", path, strerror(errno));
    if (fd < 0) {
        yl_file_error(load, from, "extends: cannot open %s: %s", path, strerror(errno));
        return SIM_INVALID;
    }
    struct stat sb;
    int have_stat = fstat(fd, &sb) == 0;
    sim_status st = SIM_OK;
    if (have_stat && S_ISDIR(sb.st_mode)) {
        yl_file_error(load, from, "%s is a directory, not a scenario file", path);
        st = SIM_INVALID;
    } else if (from && (!have_stat || !S_ISREG(sb.st_mode))) {
        yl_file_error(load, from, "extends: %s is not a regular file", path);
        st = SIM_INVALID;
    } else if (have_stat && S_ISREG(sb.st_mode) && sb.st_size > SIM_YAML_MAX_BYTES) {
        st = yl_too_large(load, from, path);
    } else {
        st = yl_read_fd(fd, t);
        if (st == SIM_INVALID)
            yl_too_large(load, from, path);
        else if (st == SIM_IO)
            yl_file_error(load, from, "cannot read %s: %s", path, strerror(errno));
        st = st == SIM_IO ? SIM_INVALID : st;
    }
    close(fd);
    if (st != SIM_OK) {
        free(t->data);
        t->data = NULL;
    }
    return st;
}

/* Start of the last component of path[start, out). */
static char *yl_last_component(char *start, char *out)
{
    char *p = out;
    while (p > start && p[-1] != '/')
        p--;
    return p;
}

/* Lexically tidy a joined path for display: drop "." and empty components and fold
 * "dir/..". The file is opened by its untidied name, so symbolic links do not matter. */
static void yl_tidy(char *path)
{
    char *start = path + (path[0] == '/'), *out = start;
    const char *in = start;
    while (*in) {
        const char *end = strchr(in, '/');
        size_t n = end ? (size_t)(end - in) : strlen(in);
        char *last = yl_last_component(start, out);
        int up = n == 2 && in[0] == '.' && in[1] == '.';
        if (n == 0 || (n == 1 && in[0] == '.')) {
            /* nothing to keep */
        } else if (up && out > start && strncmp(last, "..", (size_t)(out - last)) != 0) {
            out = last > start ? last - 1 : start;
        } else {
            if (out > start)
                *out++ = '/';
            memmove(out, in, n);
            out += n;
        }
        in += n + (end != NULL);
    }
    *out = '\0';
    if (out == path)
        strcpy(path, ".");
}

/* base relative to the directory of file; absolute bases stay as written. */
static char *yl_join(const char *file, const char *base)
{
    const char *slash = file ? strrchr(file, '/') : NULL;
    size_t dir = base[0] == '/' || !slash ? 0 : (size_t)(slash - file) + 1;
    char *out = malloc(dir + strlen(base) + 1);
    if (!out)
        return NULL;
    if (dir)
        memcpy(out, file, dir);
    strcpy(out + dir, base);
    return out;
}

static sim_status yl_load_file(yl_load *load, const char *path, const char *display,
                               const sim_cfg_node *from, sim_cfg_node **root, sim_error *err);

static int yl_cycle(yl_load *load, const char *real, const char *display, const sim_cfg_node *from)
{
    for (size_t i = 0; i < load->depth; i++) {
        if (!load->chain[i].real || strcmp(load->chain[i].real, real) != 0)
            continue;
        char msg[600];
        size_t at = (size_t)snprintf(msg, sizeof msg, "extends cycle: ");
        for (size_t j = i; j < load->depth && at < sizeof msg; j++)
            at += (size_t)snprintf(msg + at, sizeof msg - at, "%s -> ", load->chain[j].display);
        if (at < sizeof msg)
            snprintf(msg + at, sizeof msg - at, "%s", display);
        yl_file_error(load, from, "%s", msg);
        return 1;
    }
    return 0;
}

/* Deep merge: over's entries go into base (maps merge, everything else replaces). */
static sim_status yl_merge(sim_cfg *cfg, sim_cfg_node *base, sim_cfg_node *over)
{
    for (size_t i = 0; i < sim_cfg_len(over); i++) {
        const char *key = sim_cfg_key_at(over, i);
        sim_cfg_node *v = sim_cfg_at(over, i), *b = sim_cfg_peek(base, key);
        sim_status st;
        if (sim_cfg_node_kind(b) == SIM_CFG_MAP && sim_cfg_node_kind(v) == SIM_CFG_MAP)
            st = yl_merge(cfg, b, v);
        else
            st = sim_cfg_map_put(cfg, base, key, sim_cfg_key_mark_at(over, i), v);
        if (st != SIM_OK)
            return st;
    }
    return SIM_OK;
}

static sim_status yl_extend_one(yl_load *load, const char *file, sim_cfg_node *name,
                                sim_cfg_node **merged)
{
    const char *base = sim_cfg_scalar_text(name);
    if (!base || !*base) {
        yl_file_error(load, name, "extends: must be a file name or a list of file names");
        return SIM_OK;
    }
    char *path = yl_join(file, base), *display = path ? strdup(path) : NULL;
    sim_status st = SIM_NOMEM;
    if (display) {
        sim_cfg_node *root = NULL;
        yl_tidy(display);
        st = yl_load_file(load, path, display, name, &root, NULL);
        if (st == SIM_OK)
            st = *merged ? yl_merge(load->cfg, *merged, root) : SIM_OK;
        if (st == SIM_OK && !*merged)
            *merged = root;
    }
    free(path);
    free(display);
    return st == SIM_INVALID ? SIM_OK : st; /* reported; go on to find more errors */
}

/* Apply root's `extends:` (file is the path root was read from, NULL for a string); *out is
 * the merged tree. */
static sim_status yl_extends(yl_load *load, const char *file, sim_cfg_node *root,
                             sim_cfg_node **out)
{
    sim_cfg_node *ext = sim_cfg_peek(root, "extends"), *merged = NULL;
    sim_status st = SIM_OK;
    *out = root;
    if (!ext)
        return SIM_OK;
    sim_cfg_map_remove(root, "extends");
    if (sim_cfg_node_kind(ext) == SIM_CFG_LIST)
        for (size_t i = 0; st == SIM_OK && i < sim_cfg_len(ext); i++)
            st = yl_extend_one(load, file, sim_cfg_at(ext, i), &merged);
    else
        st = yl_extend_one(load, file, ext, &merged);
    if (st == SIM_OK && merged) {
        st = yl_merge(load->cfg, merged, root);
        *out = merged;
    }
    return st;
}

/* Parse text (named display, opened as path: NULL for a string) and resolve its extends.
 * The file is on the extends chain meanwhile, known by its real path. */
static sim_status yl_load_text(yl_load *load, const char *path, const char *display, char *real,
                               const yl_text *t, sim_cfg_node **root)
{
    sim_cfg_node *doc = NULL;
    load->chain[load->depth++] = (yl_file){display, real};
    sim_status st = yl_parse(load, display, t->data, t->len, &doc);
    if (st == SIM_OK)
        st = yl_extends(load, path, doc, root);
    load->depth--;
    return st;
}

static sim_status yl_load_file(yl_load *load, const char *path, const char *display,
                               const sim_cfg_node *from, sim_cfg_node **root, sim_error *err)
{
    if (load->depth > SIM_YAML_MAX_EXTENDS) {
        yl_file_error(load, from, "extends nested deeper than %u files", SIM_YAML_MAX_EXTENDS);
        return SIM_INVALID;
    }
    char *real = realpath(path, NULL);
    if (real && yl_cycle(load, real, display, from)) {
        free(real);
        return SIM_INVALID;
    }
    yl_text t = {NULL, 0};
    sim_status st = yl_read_file(load, path, from, &t, err);
    if (st == SIM_OK)
        st = yl_load_text(load, path, display, real, &t, root);
    free(t.data);
    free(real);
    return st;
}

/* ---- entry points ---- */

static sim_status yl_finish(yl_load *load, sim_status st, sim_cfg_node *root, sim_error *err)
{
    if (st == SIM_NOMEM)
        return sim_error_set(err, SIM_NOMEM, "out of memory loading the scenario");
    if (st == SIM_NOINPUT)
        return st;
    if (st == SIM_OK && !load->invalid) {
        sim_cfg_set_root(load->cfg, root);
        return SIM_OK;
    }
    if (sim_cfg_error_count(load->cfg) == 0)
        sim_cfg_error(load->cfg, NULL, "invalid scenario (%s)", sim_status_text(st));
    sim_cfg_to_error(load->cfg, err);
    return SIM_INVALID;
}

sim_status sim_yaml_load(sim_cfg *cfg, const char *path, sim_error *err)
{
    yl_load load = {.cfg = cfg};
    sim_cfg_node *root = NULL;
    sim_status st = yl_load_file(&load, path, path, NULL, &root, err);
    return yl_finish(&load, st, root, err);
}

sim_status sim_yaml_load_string(sim_cfg *cfg, const char *name, const char *text, size_t len,
                                sim_error *err)
{
    yl_load load = {.cfg = cfg};
    sim_cfg_node *root = NULL;
    yl_text t = {(unsigned char *)(uintptr_t)text, len};
    sim_status st = SIM_OK;
    if (len > SIM_YAML_MAX_BYTES) {
        yl_too_large(&load, NULL, name);
        st = SIM_INVALID;
    } else {
        /* No directory: extends paths resolve against the current directory. */
        st = yl_load_text(&load, NULL, name, NULL, &t, &root);
    }
    return yl_finish(&load, st, root, err);
}

/* ---- emitting ---- */

typedef struct yl_out {
    char *data;
    size_t len, cap;
} yl_out;

static int yl_write(void *ctx, unsigned char *buffer, size_t size)
{
    yl_out *o = ctx;
    if (o->len + size + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 1024;
        while (cap < o->len + size + 1)
            cap *= 2;
        char *nd = realloc(o->data, cap);
        if (!nd)
            return 0;
        o->data = nd;
        o->cap = cap;
    }
    memcpy(o->data + o->len, buffer, size);
    o->len += size;
    o->data[o->len] = '\0';
    return 1;
}

static int yl_emit_scalar(yaml_emitter_t *e, const char *text, int quoted)
{
    yaml_event_t ev;
    /* libyaml picks the style: plain text goes out plain when it can, else in single quotes
     * (double where single cannot hold it); quoted text is never plain, so it gets the same
     * quotes plain text would. Plain text written quoted reads back quoted and is then written
     * the same way: emit(load(emit(x))) == emit(x). */
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)text,
                                      (int)strlen(text), !quoted, 1, YAML_ANY_SCALAR_STYLE))
        return 0;
    return yaml_emitter_emit(e, &ev);
}

/* Keys are always strings; quote those a reader would take for null or a merge key. */
static int yl_emit_key(yaml_emitter_t *e, const char *key)
{
    return yl_emit_scalar(e, key, yl_is_null_text(key) || strcmp(key, "<<") == 0);
}

static int yl_simple_text(const char *s)
{
    for (; *s; s++)
        if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') || ('0' <= *s && *s <= '9') ||
              strchr("_.+-", *s)))
            return 0;
    return 1;
}

/* Short lists of short plain values read best on one line: [0.2, 0.5, 0.3]. */
static int yl_flow_list(const sim_cfg_node *list)
{
    size_t n = sim_cfg_len(list), chars = 0;
    if (n > YL_FLOW_MAX_ITEMS)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const sim_cfg_node *item = sim_cfg_at(list, i);
        const char *text = sim_cfg_scalar_text(item);
        if (sim_cfg_node_kind(item) == SIM_CFG_NULL)
            text = "null";
        if (!text || !*text || !yl_simple_text(text))
            return 0;
        chars += strlen(text) + 2;
    }
    return chars <= YL_FLOW_MAX_CHARS;
}

static int yl_emit_node(yaml_emitter_t *e, const sim_cfg_node *n);

static int yl_emit_collection(yaml_emitter_t *e, const sim_cfg_node *n)
{
    yaml_event_t ev;
    int map = sim_cfg_node_kind(n) == SIM_CFG_MAP;
    int ok = map ? yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE)
                 : yaml_sequence_start_event_initialize(
                       &ev, NULL, NULL, 1,
                       yl_flow_list(n) ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
    ok = ok && yaml_emitter_emit(e, &ev);
    for (size_t i = 0; ok && i < sim_cfg_len(n); i++) {
        if (map)
            ok = yl_emit_key(e, sim_cfg_key_at(n, i));
        ok = ok && yl_emit_node(e, sim_cfg_at(n, i));
    }
    ok = ok &&
         (map ? yaml_mapping_end_event_initialize(&ev) : yaml_sequence_end_event_initialize(&ev));
    return ok && yaml_emitter_emit(e, &ev);
}

static int yl_emit_node(yaml_emitter_t *e, const sim_cfg_node *n)
{
    switch (sim_cfg_node_kind(n)) {
    case SIM_CFG_SCALAR:
        return yl_emit_scalar(e, sim_cfg_scalar_text(n), sim_cfg_scalar_quoted(n));
    case SIM_CFG_MAP:
    case SIM_CFG_LIST:
        return yl_emit_collection(e, n);
    case SIM_CFG_NULL:
    default:
        return yl_emit_scalar(e, "null", 0);
    }
}

static int yl_emit_document(yaml_emitter_t *e, const sim_cfg_node *node)
{
    yaml_event_t ev;
    int ok =
        yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) && yaml_emitter_emit(e, &ev);
    ok = ok && yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
         yaml_emitter_emit(e, &ev);
    ok = ok && yl_emit_node(e, node);
    ok = ok && yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(e, &ev);
    ok = ok && yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
    return ok && yaml_emitter_flush(e);
}

sim_status sim_yaml_emit(const sim_cfg_node *node, char **out)
{
    yaml_emitter_t e;
    yl_out o = {NULL, 0, 0};
    *out = NULL;
    if (!yaml_emitter_initialize(&e))
        return SIM_NOMEM;
    yaml_emitter_set_output(&e, yl_write, &o);
    yaml_emitter_set_unicode(&e, 1);
    yaml_emitter_set_indent(&e, 2);
    yaml_emitter_set_width(&e, -1);
    int ok = yl_emit_document(&e, node);
    yaml_emitter_delete(&e);
    if (!ok || !o.data) {
        free(o.data);
        return SIM_NOMEM;
    }
    *out = o.data;
    return SIM_OK;
}
