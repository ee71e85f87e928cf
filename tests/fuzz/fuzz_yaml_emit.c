/*
 * fuzz_yaml_emit: the emitter's promise that loading its output gives an equal tree.
 *
 * Bytes that load as YAML are emitted (sim_yaml_emit), the text is loaded again and
 * emitted again: the two texts must be identical, and the second load must succeed. The
 * resolved scenario stored in every results file is such an emitted text, and resume and
 * merge read it back, so a difference here would be a scenario that cannot be resumed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Load text and emit its tree; NULL when it does not load. */
static char *load_emit(const char *text, size_t len, sim_status *st)
{
    sim_cfg *cfg = sim_cfg_alloc();
    char *out = NULL;
    sim_error err;
    sim_error_clear(&err);
    *st = cfg != NULL ? sim_yaml_load_string(cfg, "<fuzz>", text, len, &err) : SIM_NOMEM;
    if (*st == SIM_OK && sim_cfg_root(cfg) != NULL &&
        sim_yaml_emit(sim_cfg_root(cfg), &out) != SIM_OK)
        out = NULL;
    if (*st == SIM_OK && out == NULL && sim_cfg_root(cfg) != NULL)
        *st = SIM_NOMEM;
    sim_cfg_free(cfg);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sim_status st;
    char *first = load_emit((const char *)data, size, &st);
    if (first == NULL)
        return 0;
    size_t len = strlen(first);
    char *second = load_emit(first, len, &st);
    /* Aliases are expanded when loading, so the text may outgrow the file size limit. */
    if (second == NULL && st != SIM_NOMEM && len <= SIM_YAML_MAX_BYTES) {
        fprintf(stderr, "emitted YAML does not load back (%s):\n%s\n", sim_status_text(st), first);
        abort();
    }
    if (second != NULL && strcmp(first, second) != 0) {
        fprintf(stderr, "emit(load(emit(x))) differs from emit(x):\n%s\n---\n%s\n", first, second);
        abort();
    }
    free(first);
    free(second);
    return 0;
}
