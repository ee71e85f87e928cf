/*
 * sim_h5_design: the design points of a sweep in a results file.
 *
 * The dimension is `design_point`, not `design`: the per-run coordinate `design(run)` (the
 * run's design point index, named in CONVENTIONS.md) already holds that name, and netCDF
 * cannot have a variable `design(run)` next to a dimension `design` whose coordinate would
 * be `design(design)`. Users pick a run's factor values with
 * `ds.param_x.sel(design_point=ds.design)`.
 *
 * A numeric factor is float64 with the YAML path as long_name and units read from the key's
 * suffix, the scenario convention (_h, _eur, _per_h); a categorical factor is int32 codes
 * with flag_values and flag_meanings, CF's way of naming categories, with each level made a
 * valid flag_meanings word. Arguments are checked in sim_h5_check.c.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim_h5.h"
#include "sim_h5_internal.h"

static const char *const *factor_levels(const sim_h5_runs *runs, size_t f)
{
    return runs->factor_levels != NULL ? runs->factor_levels[f] : NULL;
}

static bool ends_with(const char *text, const char *suffix)
{
    size_t n = strlen(text), m = strlen(suffix);
    return n >= m && strcmp(text + n - m, suffix) == 0;
}

/* UDUNITS units of a scenario key, from its suffix; "1" when it has none. */
static const char *path_units(const char *path)
{
    if (ends_with(path, "_per_h"))
        return "h-1";
    if (ends_with(path, "_h"))
        return "h";
    if (ends_with(path, "_eur"))
        return "EUR";
    return "1";
}

/* CF flag_meanings words use [A-Za-z0-9_.+@-]; anything else becomes '_'. */
static bool meaning_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("_.+@-", c) != NULL;
}

/* The levels as blank-separated words; an empty level becomes "_". NULL when out of memory. */
static char *flag_meanings(const char *const *levels, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(levels[i]) + 2;
    char *text = malloc(len), *out = text;
    if (text == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            *out++ = ' ';
        if (levels[i][0] == '\0')
            *out++ = '_';
        for (const char *c = levels[i]; *c != '\0'; c++)
            *out++ = meaning_char(*c) ? *c : '_';
    }
    *out = '\0';
    return text;
}

static void put_flags(sim_h5__build *b, hid_t ds, const char *const *levels)
{
    size_t n = 0;
    while (levels[n] != NULL)
        n++;
    int32_t *values = malloc(n > 0 ? n * sizeof *values : 1);
    char *meanings = flag_meanings(levels, n);
    if (values == NULL || meanings == NULL)
        sim_h5__nomem(b);
    for (size_t i = 0; values != NULL && i < n; i++)
        values[i] = (int32_t)i;
    if (n > 0 && values != NULL && meanings != NULL) {
        sim_h5__put_nums(b, ds, "flag_values", H5T_STD_I32LE, H5T_NATIVE_INT32, values, n);
        sim_h5__put_text(b, ds, "flag_meanings", meanings);
    }
    free(values);
    free(meanings);
}

/* Column f of the design matrix, converted to codes for a categorical factor. */
static void write_factor(sim_h5__build *b, hid_t ds, const sim_h5_runs *runs, size_t f,
                         bool categorical)
{
    size_t n = runs->n_design;
    double *column = malloc(n * sizeof *column);
    int32_t *codes = malloc(n * sizeof *codes);
    if (column == NULL || codes == NULL)
        sim_h5__nomem(b);
    for (size_t d = 0; column != NULL && codes != NULL && d < n; d++) {
        column[d] = runs->factor_values[d * runs->n_factors + f];
        codes[d] = (int32_t)column[d];
    }
    if (b->status == SIM_OK)
        sim_h5__ok(b,
                   categorical
                       ? H5Dwrite(ds, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, codes)
                       : H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, column),
                   "write", runs->factor_vars[f]);
    free(column);
    free(codes);
}

static void make_factor(sim_h5__build *b, hid_t dim, const sim_h5_runs *runs, size_t f)
{
    const char *const *levels = factor_levels(runs, f);
    sim_h5__ds_spec s = {.name = runs->factor_vars[f],
                         .ftype = levels != NULL ? H5T_STD_I32LE : H5T_IEEE_F64LE,
                         .rank = 1,
                         .dims = {runs->n_design}};
    hid_t ds = sim_h5__new_dataset(b, &s, &dim);
    write_factor(b, ds, runs, f, levels != NULL);
    if (levels == NULL)
        sim_h5__put_text(b, ds, "units", path_units(runs->factor_paths[f]));
    sim_h5__put_text(b, ds, "long_name", runs->factor_paths[f]);
    if (levels != NULL)
        put_flags(b, ds, levels);
    sim_h5__close_id(ds);
}

void sim_h5__lay_out_design(sim_h5__build *b, const sim_h5_runs *runs)
{
    if (runs->n_design == 0)
        return;
    hid_t dim = sim_h5__index_coordinate(b, SIM_H5_DESIGN_POINT, runs->n_design, true,
                                         "design point index (0-based)");
    for (size_t f = 0; f < runs->n_factors && b->status == SIM_OK; f++)
        make_factor(b, dim, runs, f);
    sim_h5__close_id(dim);
}
