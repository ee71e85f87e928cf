#include "registry.h"

#include <string.h>

#include "eco_model.h"
#include "phold_model.h"

static const sim_model_type *const models[] = {
    &eco_model_type,
    &phold_model_type,
    NULL,
};

static const char *const names[] = {
    "ecosystem",
    "phold",
    NULL,
};

const sim_model_type *sim_models_find(const char *name)
{
    for (size_t i = 0; models[i] != NULL; i++) {
        if (strcmp(models[i]->name, name) == 0)
            return models[i];
    }
    return NULL;
}

const sim_model_type *const *sim_models_all(void)
{
    return models;
}

const char *const *sim_models_names(void)
{
    return names;
}
