/*
 * registry: the table of models a scenario can name with `model:`.
 *
 * The first entry is the default. Lookup is by exact name; sim_models_names lists them for
 * help texts and "did you mean" hints.
 */
#ifndef ECO_REGISTRY_H
#define ECO_REGISTRY_H

#include <stddef.h>

#include "sim_model.h"

/* NULL when no model has that name. */
const sim_model_type *sim_models_find(const char *name);
/* NULL-terminated list of model types; [0] is the default. */
const sim_model_type *const *sim_models_all(void);
/* NULL-terminated list of model names, same order. */
const char *const *sim_models_names(void);

#endif
