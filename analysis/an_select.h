/*
 * an_select: configurations of runs (/work/notes/ANALYSIS_JSON.md, "Configurations and
 * selectors"). A selector `key=value[,key=value...]` fixes any of design_point (an index),
 * a factor (param_x or its YAML path; a number, or a level name or code of a categorical
 * factor) and variant (a name); it matches the runs whose coordinates agree. Its label is the
 * canonical text: keys in the order design_point, factors in file order, variant, numbers in
 * their shortest exact form.
 *
 * A grouping (`--by KEYS`, KEYS a comma list of the same keys, or "none") splits the
 * complete runs that match a selector into configurations, one per distinct value of the
 * keys, ordered by those values; within a configuration runs are ordered by replication.
 * Numeric factor values match with a relative tolerance of 1e-9, so a value typed with the
 * digits a label shows selects its design points.
 *
 * Errors are SIM_USAGE with a message naming the key or value at fault and what would be
 * accepted. Selectors and groupings own their memory; they point into no an_results and stay
 * valid after it is closed, but are meaningful only for the file they were made with.
 */
#ifndef AN_SELECT_H
#define AN_SELECT_H

#include <stddef.h>
#include <stdint.h>

#include "an_results.h"
#include "sim_status.h"

typedef struct an_sel an_sel;

/* Parse text (NULL or "" matches every run). NULL with err filled on failure. */
an_sel *an_sel_parse(const an_results *r, const char *text, sim_error *err);
/* The runs matching both a and b (a key fixed in both to different values matches nothing). */
an_sel *an_sel_and(const an_sel *a, const an_sel *b);
void an_sel_free(an_sel *s); /* NULL is a no-op */
/* 1 when run matches (its status is not looked at). */
int an_sel_matches(const an_sel *s, const an_results *r, size_t run);
/* The design point the selector fixes, or -1. */
int64_t an_sel_design(const an_sel *s);
/* Canonical label, malloc'd ("" for a selector that fixes nothing); NULL when out of memory. */
char *an_sel_label(const an_sel *s, const an_results *r);

typedef struct an_groups an_groups;

/* Group the complete runs matching within (NULL: all) by the keys in by (NULL: the default,
 * design_point,variant for a file of kind sweep, variant otherwise). */
an_groups *an_groups_make(const an_results *r, const char *by, const an_sel *within,
                          sim_error *err);
void an_groups_free(an_groups *g); /* NULL is a no-op */
size_t an_groups_count(const an_groups *g);
/* The selector of group i (the group's key values fixed, ANDed with within). */
const an_sel *an_groups_sel(const an_groups *g, size_t i);
size_t an_groups_n_runs(const an_groups *g, size_t i);
const size_t *an_groups_runs(const an_groups *g, size_t i);
/* The keys grouped by, canonical order ("design_point", factor vars, "variant"). */
size_t an_groups_n_keys(const an_groups *g);
const char *an_groups_key(const an_groups *g, size_t k);

/* The shortest %g form of x that reads back as x (whole numbers below 1e15 without an
 * exponent) into out: how labels and tables print factor values. */
void an_shortest_number(double x, char *out, size_t cap);

#endif
