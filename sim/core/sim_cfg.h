/*
 * sim_cfg: a parameter tree with places, read through typed getters that are the schema.
 *
 * A sim_cfg holds one document: a tree of maps, lists and scalars, each node marked with
 * the file, line and column it came from (1-based), and a list of diagnostics. The tree is
 * built by a loader (sim/scenario turns YAML into it) and read by models, which know key
 * names but nothing of YAML syntax.
 *
 * Reading is validation. Each getter names a key, a default and a valid range:
 *  - a missing key (or one whose value is null) takes the default, which is inserted into
 *    the tree (marked as a default, file "<default>") so that emitting the tree afterwards
 *    gives the fully resolved scenario;
 *  - a present key of the wrong type or out of range adds a diagnostic at the node's place
 *    and returns the default, so reading goes on and every error is found in one pass.
 *    Messages name the key by its path from the root and say what was expected:
 *    `simulation.horizon_h: must be a number in (0, 1e+07], got "abc"`,
 *    `companies[2].n_assets: must be an integer in [1, 1000], got "2.5"`;
 *  - every key a getter asks for is remembered on its map. sim_cfg_check_unknown then
 *    reports each key nobody asked for as "unknown key", with "did you mean" the nearest
 *    asked-for key (Damerau-Levenshtein distance <= max(2, length/3), equal but for case,
 *    or one a prefix of the other of at least 4 characters), else the list of known keys.
 * Diagnostics are rendered "file:line:col: message" ("file: message" without a line,
 * "message" without a place), sorted by (file, line, col) and stable for equal places;
 * exact repeats are kept once. After 1000 diagnostics further ones are only counted, and one
 * last line says how many were not shown.
 *
 * Scalars keep their text and whether they were quoted; numbers follow YAML 1.2's core
 * schema (decimal, 0o octal, 0x hex, exponent, .inf/.Inf/.INF, .nan/.NaN/.NAN, booleans
 * true/True/TRUE and false/False/FALSE); a quoted scalar is always a string. Integers may be
 * written in float form when exact (1e6). NaN and infinities are never in range. Inserted
 * defaults are written as text a reader gives back exactly (%.15g, or %.17g when needed).
 *
 * Ownership: the sim_cfg owns every node and string in it; nodes live until sim_cfg_free.
 */
#ifndef SIM_CFG_H
#define SIM_CFG_H

#include <stddef.h>
#include <stdint.h>

#include "sim_status.h"

typedef struct sim_cfg sim_cfg;
typedef struct sim_cfg_node sim_cfg_node;

typedef enum sim_cfg_kind { SIM_CFG_NULL, SIM_CFG_SCALAR, SIM_CFG_MAP, SIM_CFG_LIST } sim_cfg_kind;

typedef struct sim_cfg_mark {
    const char *file; /* interned by the sim_cfg; "<default>" for inserted defaults */
    unsigned line, col;
} sim_cfg_mark;

/* ---- building (loaders) ---- */

sim_cfg *sim_cfg_alloc(void);
void sim_cfg_free(sim_cfg *cfg);

/* Copy a string into the document's storage; returns NULL when out of memory. */
const char *sim_cfg_intern(sim_cfg *cfg, const char *s);

sim_cfg_node *sim_cfg_new_null(sim_cfg *cfg, sim_cfg_mark mark);
sim_cfg_node *sim_cfg_new_scalar(sim_cfg *cfg, sim_cfg_mark mark, const char *text, int quoted);
sim_cfg_node *sim_cfg_new_map(sim_cfg *cfg, sim_cfg_mark mark);
sim_cfg_node *sim_cfg_new_list(sim_cfg *cfg, sim_cfg_mark mark);
/* Deep copy of a node (from this or another document) into cfg. */
sim_cfg_node *sim_cfg_copy(sim_cfg *cfg, const sim_cfg_node *node);

/* Set map[key] = value, replacing an existing entry in place (order of first insertion
 * is kept). key_mark is where the key was written. */
sim_status sim_cfg_map_put(sim_cfg *cfg, sim_cfg_node *map, const char *key, sim_cfg_mark key_mark,
                           sim_cfg_node *value);
/* Remove a key from a map; returns 1 if it was there. */
int sim_cfg_map_remove(sim_cfg_node *map, const char *key);
sim_status sim_cfg_list_append(sim_cfg *cfg, sim_cfg_node *list, sim_cfg_node *item);

void sim_cfg_set_root(sim_cfg *cfg, sim_cfg_node *root);
sim_cfg_node *sim_cfg_root(const sim_cfg *cfg);

/* ---- inspecting (emitters, loaders) ---- */

sim_cfg_kind sim_cfg_node_kind(const sim_cfg_node *n);
sim_cfg_mark sim_cfg_node_mark(const sim_cfg_node *n);
const char *sim_cfg_scalar_text(const sim_cfg_node *n); /* NULL unless a scalar */
int sim_cfg_scalar_quoted(const sim_cfg_node *n);
int sim_cfg_node_is_default(const sim_cfg_node *n);        /* inserted by a getter */
size_t sim_cfg_len(const sim_cfg_node *n);                 /* entries of a map or list, else 0 */
sim_cfg_node *sim_cfg_at(const sim_cfg_node *n, size_t i); /* i-th list item or map value */
const char *sim_cfg_key_at(const sim_cfg_node *map, size_t i);
sim_cfg_mark sim_cfg_key_mark_at(const sim_cfg_node *map, size_t i);
/* Look up without marking the key as known; NULL when absent or not a map. */
sim_cfg_node *sim_cfg_peek(const sim_cfg_node *map, const char *key);

/* ---- diagnostics ---- */

/* Add a diagnostic at a node's place (node may be NULL: no place). printf-style. */
void sim_cfg_error(sim_cfg *cfg, const sim_cfg_node *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sim_cfg_error_at(sim_cfg *cfg, sim_cfg_mark mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
size_t sim_cfg_error_count(const sim_cfg *cfg);
/* i-th diagnostic, "file:line:col: message", in order of place. Valid until the next
 * diagnostic is added. */
const char *sim_cfg_error_text(sim_cfg *cfg, size_t i);
/* Fill err with SIM_INVALID and the first diagnostic plus "(and N more errors)"; returns
 * SIM_OK and leaves err alone when there are none. */
sim_status sim_cfg_to_error(sim_cfg *cfg, sim_error *err);

/* Warnings: problems that do not stop a run (an offered load near instability, say),
 * rendered "file:line:col: warning: message", kept in the order added. */
void sim_cfg_warning(sim_cfg *cfg, const sim_cfg_node *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
size_t sim_cfg_warning_count(const sim_cfg *cfg);
const char *sim_cfg_warning_text(const sim_cfg *cfg, size_t i);

/* ---- reading through the schema (models) ---- */

/* A valid range: [lo, hi] with either end open. */
typedef struct sim_cfg_range {
    double lo, hi;
    unsigned char lo_open, hi_open;
} sim_cfg_range;
#define SIM_RANGE(lo, hi)         ((sim_cfg_range){(lo), (hi), 0, 0}) /* [lo, hi] */
#define SIM_RANGE_LO_OPEN(lo, hi) ((sim_cfg_range){(lo), (hi), 1, 0}) /* (lo, hi] */
#define SIM_RANGE_HI_OPEN(lo, hi) ((sim_cfg_range){(lo), (hi), 0, 1}) /* [lo, hi) */
#define SIM_RANGE_OPEN(lo, hi)    ((sim_cfg_range){(lo), (hi), 1, 1}) /* (lo, hi) */

/* Mark key as known on map and return its node (NULL when absent). map may be NULL. */
sim_cfg_node *sim_cfg_get(sim_cfg *cfg, sim_cfg_node *map, const char *key);

/* Child map under key; a missing key inserts an empty map (so defaults below it are
 * recorded); a null value counts as missing; another type is an error and returns NULL. */
sim_cfg_node *sim_cfg_map(sim_cfg *cfg, sim_cfg_node *map, const char *key);
/* Child list under key, or NULL when absent (nothing inserted) or wrong type (error). */
sim_cfg_node *sim_cfg_list(sim_cfg *cfg, sim_cfg_node *map, const char *key);

double sim_cfg_num(sim_cfg *cfg, sim_cfg_node *map, const char *key, double def,
                   sim_cfg_range range);
long long sim_cfg_int(sim_cfg *cfg, sim_cfg_node *map, const char *key, long long def, long long lo,
                      long long hi);
uint64_t sim_cfg_u64(sim_cfg *cfg, sim_cfg_node *map, const char *key, uint64_t def);
int sim_cfg_bool(sim_cfg *cfg, sim_cfg_node *map, const char *key, int def);
/* Index into names (NULL-terminated) of the value; def is an index. */
int sim_cfg_enum(sim_cfg *cfg, sim_cfg_node *map, const char *key, const char *const *names,
                 int def);
/* String value (interned); def may be NULL, then a missing key returns NULL and inserts
 * nothing. */
const char *sim_cfg_str(sim_cfg *cfg, sim_cfg_node *map, const char *key, const char *def);

/* The same conversions on a node (a list item); return def on error (with a diagnostic).
 * what names the value in messages ("replications", "knowledge[2]"). */
double sim_cfg_node_num(sim_cfg *cfg, sim_cfg_node *n, const char *what, double def,
                        sim_cfg_range range);
long long sim_cfg_node_int(sim_cfg *cfg, sim_cfg_node *n, const char *what, long long def,
                           long long lo, long long hi);
const char *sim_cfg_node_str(sim_cfg *cfg, sim_cfg_node *n, const char *what);

/* The candidate a misspelt word most likely meant ("did you mean"), or NULL when none is
 * close: case-insensitive Damerau-Levenshtein distance within max(2, length/3), else a shared
 * prefix of at least 4 characters. NULL candidates are skipped. */
const char *sim_cfg_suggest(const char *word, const char *const *candidates, size_t n);

/* Report every key of every map reached from the root that no getter asked for. Maps no
 * getter reached at all are reported at their own key only (not each key inside). */
void sim_cfg_check_unknown(sim_cfg *cfg);

#endif
