/*
 * sim_sweep_internal: factor paths, shared by the files of the sweep module only.
 *
 * A factor path ("companies.oem.service_time.mean_h", "companies[2].n_assets") is parsed
 * and resolved once, against the resolved base tree, into steps: map keys and list
 * indices (a name lookup in a list becomes the element's index). Applying the steps to
 * another tree (a copy of the sweep file's own tree) then needs no lookups by name, and
 * copies from the resolved tree whatever the other tree leaves out on the way.
 */
#ifndef SIM_SWEEP_INTERNAL_H
#define SIM_SWEEP_INTERNAL_H

#include <stddef.h>

#include "sim_cfg.h"
#include "sim_status.h"

#define SIM_SWEEP_PATH_MAX_STEPS 64

typedef struct sim_sweep_step {
    const char *key; /* map key, or NULL for a list index */
    size_t index;
} sim_sweep_step;

/* Resolve path against root. On success return 1, set steps[0..*n) (keys interned in
 * store) and *leaf (the scalar or null node the path names). On failure return 0 with a
 * message in msg ("no key \"x\" in companies[0]; did you mean \"y\"?"). */
int sim_sweep_path_resolve(sim_cfg *store, const sim_cfg_node *root, const char *path,
                           sim_sweep_step *steps, size_t *n, const sim_cfg_node **leaf, char *msg,
                           size_t size);

/* Set value at the end of steps in the tree under root (owned by cfg), walking resolved
 * (the tree the steps were resolved against) alongside: a map or list that root lacks or
 * that differs in kind or length is replaced by a copy of resolved's. */
sim_status sim_sweep_path_apply(sim_cfg *cfg, sim_cfg_node *root, const sim_cfg_node *resolved,
                                const sim_sweep_step *steps, size_t n, sim_cfg_node *value);

#endif
