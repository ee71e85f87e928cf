#include "sim_scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "sim_yaml.h"

#define DEFAULT_MODEL    "ecosystem"
#define DEFAULT_SEED     UINT64_C(20240601)
#define MAX_REPLICATIONS 1000000

static const sim_cfg_mark cli_mark = {"<command line>", 0, 0};

/* Put a scalar override into simulation: before anything reads it, so the stored resolved
 * scenario shows what was run. */
static sim_status put_override(sim_cfg *cfg, sim_cfg_node *root, const char *key, const char *text)
{
    sim_cfg_node *sim = sim_cfg_peek(root, "simulation");
    if (sim == NULL || sim_cfg_node_kind(sim) != SIM_CFG_MAP) {
        if (sim != NULL)
            return SIM_OK; /* wrong type: the getter reports it */
        sim = sim_cfg_new_map(cfg, cli_mark);
        if (sim == NULL || sim_cfg_map_put(cfg, root, "simulation", cli_mark, sim) != SIM_OK)
            return SIM_NOMEM;
    }
    sim_cfg_node *v = sim_cfg_new_scalar(cfg, cli_mark, text, 0);
    if (v == NULL)
        return SIM_NOMEM;
    return sim_cfg_map_put(cfg, sim, key, cli_mark, v);
}

static sim_status apply_overrides(sim_cfg *cfg, sim_cfg_node *root, const sim_overrides *ov)
{
    char buf[64];
    sim_status st = SIM_OK;
    if (ov->replications >= 0) {
        snprintf(buf, sizeof buf, "%lld", ov->replications);
        st = put_override(cfg, root, "replications", buf);
    }
    if (st == SIM_OK && ov->has_seed) {
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)ov->seed);
        st = put_override(cfg, root, "master_seed", buf);
    }
    if (st == SIM_OK && ov->horizon_h > 0) {
        snprintf(buf, sizeof buf, "%.17g", ov->horizon_h);
        st = put_override(cfg, root, "horizon_h", buf);
    }
    if (st == SIM_OK && ov->warmup_h >= 0) {
        snprintf(buf, sizeof buf, "%.17g", ov->warmup_h);
        st = put_override(cfg, root, "warmup_h", buf);
    }
    return st;
}

static const sim_model_type *read_model(sim_cfg *cfg, sim_cfg_node *root)
{
    const char *name = sim_cfg_str(cfg, root, "model", DEFAULT_MODEL);
    if (name == NULL)
        return NULL;
    const sim_model_type *m = sim_models_find(name);
    if (m == NULL) {
        char list[256] = "";
        for (const char *const *n = sim_models_names(); *n != NULL; n++) {
            strncat(list, list[0] ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, *n, sizeof list - strlen(list) - 1);
        }
        sim_cfg_error(cfg, sim_cfg_peek(root, "model"), "model: unknown model \"%s\" (known: %s)",
                      name, list);
    }
    return m;
}

static int variant_index(const sim_model_type *m, const char *name)
{
    for (int i = 0; m->variants[i] != NULL; i++) {
        if (strcmp(m->variants[i], name) == 0)
            return i;
    }
    return -1;
}

static void list_variants(const sim_model_type *m, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int i = 0; m->variants[i] != NULL; i++) {
        strncat(buf, i ? ", " : "", size - strlen(buf) - 1);
        strncat(buf, m->variants[i], size - strlen(buf) - 1);
    }
}

/* variants: a list of names the model knows, each at most once. A missing key gets the
 * model's first two variants (the scenario as specified and its counterfactual) written
 * into the tree, as SPEC section 11 defaults to [ecosystem, autarky]. */
static sim_status read_variants(sim_scenario *sc, sim_cfg_node *sim)
{
    sim_cfg *cfg = sc->cfg;
    const sim_model_type *m = sc->model;
    sim_cfg_node *list = sim_cfg_list(cfg, sim, "variants");
    if (list == NULL && sim_cfg_get(cfg, sim, "variants") == NULL && sim != NULL) {
        sim_cfg_mark mark = {"<default>", 0, 0};
        list = sim_cfg_new_list(cfg, mark);
        if (list == NULL)
            return SIM_NOMEM;
        for (int i = 0; i < 2 && m->variants[i] != NULL; i++) {
            sim_cfg_node *v = sim_cfg_new_scalar(cfg, mark, m->variants[i], 0);
            if (v == NULL || sim_cfg_list_append(cfg, list, v) != SIM_OK)
                return SIM_NOMEM;
        }
        if (sim_cfg_map_put(cfg, sim, "variants", mark, list) != SIM_OK)
            return SIM_NOMEM;
    }
    size_t n = sim_cfg_len(list);
    if (list != NULL && n == 0)
        sim_cfg_error(cfg, list, "simulation.variants: at least one variant is required");
    sc->variants = calloc(n ? n : 1, sizeof *sc->variants);
    if (sc->variants == NULL)
        return SIM_NOMEM;
    for (size_t i = 0; i < n; i++) {
        sim_cfg_node *item = sim_cfg_at(list, i);
        const char *name = sim_cfg_node_str(cfg, item, "simulation.variants[]");
        if (name == NULL)
            continue;
        int v = variant_index(m, name);
        if (v < 0) {
            char known[256];
            list_variants(m, known, sizeof known);
            sim_cfg_error(cfg, item, "simulation.variants: unknown variant \"%s\" (known: %s)",
                          name, known);
            continue;
        }
        for (size_t j = 0; j < sc->n_variants; j++) {
            if (sc->variants[j] == v)
                sim_cfg_error(cfg, item, "simulation.variants: \"%s\" is listed twice", name);
        }
        sc->variants[sc->n_variants++] = v;
    }
    return SIM_OK;
}

/* The model sizes its time series by the number of sample instants: bound it before the
 * model sees the settings (a tiny interval would ask for more than memory holds). */
static void check_samples(sim_cfg *cfg, sim_cfg_node *sim, sim_settings *s)
{
    double span = s->horizon_h - s->warmup_h;
    if (!(span / s->sample_interval_h >= SIM_SCENARIO_MAX_SAMPLES))
        return;
    sim_cfg_error(cfg, sim_cfg_peek(sim, "sample_interval_h"),
                  "simulation.sample_interval_h: %g h gives more than %d sample instants over the "
                  "%g h after warm-up; sample at least every %g h",
                  s->sample_interval_h, SIM_SCENARIO_MAX_SAMPLES, span,
                  span / SIM_SCENARIO_MAX_SAMPLES);
    s->sample_interval_h = s->horizon_h;
}

static sim_status read_simulation(sim_scenario *sc, sim_cfg_node *root)
{
    sim_cfg *cfg = sc->cfg;
    sim_cfg_node *sim = sim_cfg_map(cfg, root, "simulation");
    sim_settings *s = &sc->settings;
    s->horizon_h = sim_cfg_num(cfg, sim, "horizon_h", 26280.0, SIM_RANGE_LO_OPEN(0.0, 1e7));
    s->warmup_h = sim_cfg_num(cfg, sim, "warmup_h", 4380.0, SIM_RANGE_HI_OPEN(0.0, 1e7));
    if (s->warmup_h >= s->horizon_h) {
        sim_cfg_error(cfg, sim_cfg_peek(sim, "warmup_h"),
                      "simulation.warmup_h: must be less than horizon_h (%g), got %g", s->horizon_h,
                      s->warmup_h);
        s->warmup_h = 0.0;
    }
    s->sample_interval_h =
        sim_cfg_num(cfg, sim, "sample_interval_h", 168.0, SIM_RANGE_LO_OPEN(0.0, 1e7));
    if (s->sample_interval_h > s->horizon_h) {
        sim_cfg_error(cfg, sim_cfg_peek(sim, "sample_interval_h"),
                      "simulation.sample_interval_h: must be at most horizon_h (%g), got %g",
                      s->horizon_h, s->sample_interval_h);
        s->sample_interval_h = s->horizon_h;
    }
    check_samples(cfg, sim, s);
    sc->replications = (size_t)sim_cfg_int(cfg, sim, "replications", 30, 1, MAX_REPLICATIONS);
    sc->master_seed = sim_cfg_u64(cfg, sim, "master_seed", DEFAULT_SEED);
    sc->output_file = sim_cfg_str(cfg, sim, "output_file", "results.h5");
    (void)sim_cfg_int(cfg, sim, "threads", 1, 1, 1024);
    return read_variants(sc, sim);
}

static void read_validation(sim_scenario *sc, sim_cfg_node *root)
{
    sim_cfg *cfg = sc->cfg;
    if (sim_cfg_peek(root, "validation") == NULL) {
        sim_cfg_get(cfg, root, "validation"); /* known key, even when absent */
        return;
    }
    sim_cfg_node *v = sim_cfg_map(cfg, root, "validation");
    sc->validation = v;
    sc->validation_case = sim_cfg_str(cfg, v, "case", NULL);
    if (v != NULL && sc->validation_case == NULL)
        sim_cfg_error(cfg, v, "validation.case: missing (which verification case this is)");
    (void)sim_cfg_num(cfg, v, "quick_horizon_h", sc->settings.horizon_h,
                      SIM_RANGE_LO_OPEN(0.0, 1e7));
    (void)sim_cfg_int(cfg, v, "quick_replications", (long long)sc->replications, 2,
                      MAX_REPLICATIONS);
}

/* What one run stores (every worker holds such a record) is bounded; a results file with
 * more data than SIM_SCENARIO_WARN_OUTPUT_BYTES is worth a warning. Both from the model's
 * output catalog, so they hold for any model. */
static sim_status check_run_size(sim_scenario *sc, sim_cfg_node *root)
{
    sim_catalog *cat = sc->model->describe(sc->params, &sc->settings);
    if (cat == NULL)
        return SIM_NOMEM;
    double values = 0.0;
    for (size_t i = 0; i < sim_catalog_count(cat); i++)
        values += (double)sim_catalog_var_size(cat, i);
    size_t n_time = sim_catalog_n_time(cat), n_entity = sim_catalog_n_entity(cat);
    sim_cfg_node *sim = sim_cfg_peek(root, "simulation");
    sim_cfg_node *at = sim_cfg_peek(sim, "sample_interval_h");
    if (values > SIM_SCENARIO_MAX_RUN_VALUES)
        sim_cfg_error(sc->cfg, at != NULL ? at : sim,
                      "simulation.sample_interval_h: one run would store %.0f values (%zu sample "
                      "instants, %zu along %s); at most %u are allowed: sample less often",
                      values, n_time, n_entity, sim_catalog_entity_dim(cat),
                      SIM_SCENARIO_MAX_RUN_VALUES);
    double bytes = values * 8.0 * (double)sim_scenario_n_runs(sc);
    if (values <= SIM_SCENARIO_MAX_RUN_VALUES && bytes > SIM_SCENARIO_WARN_OUTPUT_BYTES)
        sim_cfg_warning(sc->cfg, sim_cfg_peek(sim, "replications"),
                        "the results file would hold about %.0f GiB of data (%zu runs of %.0f "
                        "values, before compression); check replications, variants and "
                        "sample_interval_h",
                        bytes / (1024.0 * 1024 * 1024), sim_scenario_n_runs(sc), values);
    sim_catalog_free(cat);
    return SIM_OK;
}

/* Read everything from a loaded tree: model, settings, validation, model parameters, then
 * unknown keys; on success emit the resolved YAML. */
static sim_status read_scenario(sim_scenario *sc, const sim_overrides *ov, sim_error *err)
{
    sim_cfg_node *root = sim_cfg_root(sc->cfg);
    if (ov != NULL && apply_overrides(sc->cfg, root, ov) != SIM_OK)
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    sc->model = read_model(sc->cfg, root);
    if (sc->model == NULL) {
        sim_cfg_to_error(sc->cfg, err);
        return err != NULL ? err->status : SIM_INVALID;
    }
    if (read_simulation(sc, root) != SIM_OK)
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    read_validation(sc, root);
    sc->params = sc->model->params_load(sc->cfg, root, &sc->settings);
    if (sc->params == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory reading %s", sc->path);
    if (sim_cfg_error_count(sc->cfg) == 0 && check_run_size(sc, root) != SIM_OK)
        return sim_error_set(err, SIM_NOMEM, "out of memory describing %s", sc->path);
    sim_cfg_check_unknown(sc->cfg);
    if (sim_cfg_error_count(sc->cfg) > 0)
        return sim_cfg_to_error(sc->cfg, err);
    if (sim_yaml_emit(root, &sc->resolved_yaml) != SIM_OK)
        return sim_error_set(err, SIM_NOMEM, "out of memory writing the resolved scenario");
    return SIM_OK;
}

sim_status sim_scenario_open(const char *path, const sim_overrides *ov, sim_scenario **out,
                             sim_error *err)
{
    *out = NULL;
    sim_scenario *sc = calloc(1, sizeof *sc);
    if (sc == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory opening %s", path);
    *out = sc;
    sc->path = strdup(path);
    sc->cfg = sim_cfg_alloc();
    if (sc->path == NULL || sc->cfg == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory opening %s", path);

    sim_status st = sim_yaml_load(sc->cfg, path, err);
    if (st == SIM_NOINPUT || st == SIM_NOMEM)
        return st;
    if (sim_cfg_root(sc->cfg) == NULL) {
        if (sim_cfg_to_error(sc->cfg, err) == SIM_OK)
            return sim_error_set(err, SIM_INVALID, "%s: no scenario in file", path);
        return SIM_INVALID;
    }
    return read_scenario(sc, ov, err);
}

sim_status sim_scenario_open_cfg(sim_cfg *cfg, const char *label, const sim_overrides *ov,
                                 sim_scenario **out, sim_error *err)
{
    *out = NULL;
    sim_scenario *sc = calloc(1, sizeof *sc);
    if (sc == NULL) {
        sim_cfg_free(cfg);
        return sim_error_set(err, SIM_NOMEM, "out of memory opening %s", label);
    }
    *out = sc;
    sc->cfg = cfg;
    sc->path = strdup(label);
    if (sc->path == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory opening %s", label);
    if (sim_cfg_root(cfg) == NULL)
        return sim_error_set(err, SIM_INVALID, "%s: no scenario", label);
    return read_scenario(sc, ov, err);
}

void sim_scenario_free(sim_scenario *sc)
{
    if (sc == NULL)
        return;
    if (sc->model != NULL && sc->params != NULL)
        sc->model->params_free(sc->params);
    free(sc->variants);
    free(sc->resolved_yaml);
    sim_cfg_free(sc->cfg);
    free(sc->path);
    free(sc);
}

size_t sim_scenario_diag_count(const sim_scenario *sc)
{
    return sc != NULL && sc->cfg != NULL ? sim_cfg_error_count(sc->cfg) : 0;
}

size_t sim_scenario_warning_count(const sim_scenario *sc)
{
    return sc != NULL && sc->cfg != NULL ? sim_cfg_warning_count(sc->cfg) : 0;
}

const char *sim_scenario_warning_text(const sim_scenario *sc, size_t i)
{
    return sim_cfg_warning_text(sc->cfg, i);
}

const char *sim_scenario_diag_text(sim_scenario *sc, size_t i)
{
    return sim_cfg_error_text(sc->cfg, i);
}

size_t sim_scenario_n_runs(const sim_scenario *sc)
{
    return sc->replications * sc->n_variants;
}
