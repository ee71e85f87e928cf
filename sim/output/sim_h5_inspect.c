/*
 * sim_h5_inspect: a results file described in words.
 *
 * The file may be anything: ours, someone else's HDF5, a truncated copy, a file whose writer
 * was killed, or not HDF5 at all. Every read checks the type class and the number of
 * elements before reading, reads at most a bounded amount, and a part that cannot be read
 * is printed as "?" instead of failing the whole description. Only three things fail: a
 * missing file (SIM_NOINPUT), a file HDF5 cannot open (SIM_IO), and an HDF5 file without
 * the ecotwin_version attribute (SIM_NOINPUT).
 *
 * A writer killed in SWMR mode leaves the superblock marked "open for writing"; HDF5 then
 * refuses a plain read-only open but accepts a SWMR reader, which is what we fall back to
 * (sim_h5__open_results, shared with the reader).
 *
 * Event tables are the unlimited dimensions: each is listed with its row count and long
 * name among the dimensions.
 */
#include "sim_h5.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "sim_h5_internal.h"

/* Bounds on what a hostile file can make us read. */
#define TEXT_MAX        ((size_t)1 << 16) /* attribute text shown */
#define STORED_TEXT_MAX ((size_t)1 << 26) /* fixed-length string size we accept at all */
#define NAMES_SHOWN     20
#define FAILURES_SHOWN  5
#define BLOCK_RUNS      ((hsize_t)1 << 16)
#define LABEL_LEN       128

#if H5_VERSION_GE(1, 12, 0)
typedef H5L_info2_t link_info;
#define link_iterate H5Literate2
#else
typedef H5L_info_t link_info;
#define link_iterate H5Literate
#endif

typedef struct inspect {
    const char *path;
    hid_t file;
    FILE *out;
    bool reader_only; /* opened as a SWMR reader: the writer never closed the file */
} inspect;

/* ---- reading attributes defensively ---- */

/* Open attribute name of obj when it has exactly one element of the given type class. */
static hid_t open_single(hid_t obj, const char *name, H5T_class_t want, hid_t *type)
{
    *type = -1;
    if (H5Aexists(obj, name) <= 0)
        return -1;
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t space = attr >= 0 ? H5Aget_space(attr) : -1;
    *type = attr >= 0 ? H5Aget_type(attr) : -1;
    bool fits = space >= 0 && *type >= 0 && H5Sget_simple_extent_npoints(space) == 1 &&
                H5Tget_class(*type) == want;
    sim_h5__close_id(space);
    if (!fits) {
        sim_h5__close_id(*type);
        sim_h5__close_id(attr);
        *type = -1;
        return -1;
    }
    return attr;
}

static void copy_text(char *buf, size_t cap, const char *text, size_t len)
{
    size_t n = strnlen(text, len);
    n = n < cap - 1 ? n : cap - 1;
    memcpy(buf, text, n);
    buf[n] = '\0';
}

static bool read_fixed(hid_t attr, hid_t type, char *buf, size_t cap)
{
    size_t size = H5Tget_size(type);
    if (size == 0 || size > STORED_TEXT_MAX)
        return false;
    char *text = malloc(size);
    bool done = text != NULL && H5Aread(attr, type, text) >= 0;
    if (done)
        copy_text(buf, cap, text, size);
    free(text);
    return done;
}

static bool read_vlen(hid_t attr, hid_t type, char *buf, size_t cap)
{
    char *text = NULL;
    bool done = H5Aread(attr, type, &text) >= 0 && text != NULL;
    if (done)
        copy_text(buf, cap, text, strlen(text));
    if (text != NULL)
        H5free_memory(text);
    return done;
}

/* String attribute (fixed or variable length) of one element; false when absent or not
 * text. The file's own type is the memory type: no character set conversion can fail. */
static bool attr_text(hid_t obj, const char *name, char *buf, size_t cap)
{
    buf[0] = '\0';
    hid_t type;
    hid_t attr = open_single(obj, name, H5T_STRING, &type);
    if (attr < 0)
        return false;
    bool done = H5Tis_variable_str(type) > 0 ? read_vlen(attr, type, buf, cap)
                                             : read_fixed(attr, type, buf, cap);
    sim_h5__close_id(type);
    sim_h5__close_id(attr);
    return done;
}

static bool attr_number(hid_t obj, const char *name, hid_t mtype, void *value)
{
    hid_t type;
    hid_t attr = open_single(obj, name, H5T_INTEGER, &type);
    if (attr < 0)
        attr = open_single(obj, name, H5T_FLOAT, &type);
    bool done = attr >= 0 && H5Aread(attr, mtype, value) >= 0;
    sim_h5__close_id(type);
    sim_h5__close_id(attr);
    return done;
}

/* Text of an attribute or "?" (buf has room for the shown maximum). */
static const char *text_or_unknown(hid_t obj, const char *name, char *buf, size_t cap)
{
    return attr_text(obj, name, buf, cap) ? buf : "?";
}

/* ---- opening ---- */

static sim_status open_file(inspect *in, sim_error *err)
{
    return sim_h5__open_results(in->path, &in->file, &in->reader_only, err);
}

/* ---- runs ---- */

typedef struct run_counts {
    bool known;        /* run_status was readable */
    long long claimed; /* runs run_status claims when more than the file can hold, else 0 */
    size_t n_runs;
    char *meanings; /* flag_meanings of variant, split in place */
    char **names;   /* n_names variant names */
    size_t n_names;
    size_t *counts;  /* (n_names + 1) x 4: [variant][status], last row unknown variant */
    size_t total[4]; /* not run, complete, failed, other */
    size_t failed[FAILURES_SHOWN];
    size_t n_failed_listed;
} run_counts;

static hid_t open_dataset(hid_t file, const char *name)
{
    if (H5Lexists(file, name, H5P_DEFAULT) <= 0)
        return -1;
    return H5Dopen2(file, name, H5P_DEFAULT);
}

/* Length of a 1-D dataset, or -1 when it is not 1-D. */
static long long length_1d(hid_t ds)
{
    hid_t space = H5Dget_space(ds);
    hsize_t n = 0;
    int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
    if (rank == 1)
        H5Sget_simple_extent_dims(space, &n, NULL);
    sim_h5__close_id(space);
    return rank == 1 ? (long long)n : -1;
}

static bool read_block(hid_t ds, hid_t mtype, hsize_t start, hsize_t n, void *buf)
{
    hid_t fspace = H5Dget_space(ds);
    hid_t mspace = H5Screate_simple(1, &n, NULL);
    bool done = fspace >= 0 && mspace >= 0 &&
                H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &n, NULL) >= 0 &&
                H5Dread(ds, mtype, mspace, fspace, H5P_DEFAULT, buf) >= 0;
    sim_h5__close_id(fspace);
    sim_h5__close_id(mspace);
    return done;
}

static void split_names(run_counts *rc, hid_t variant)
{
    rc->meanings = malloc(TEXT_MAX);
    if (rc->meanings == NULL || !attr_text(variant, "flag_meanings", rc->meanings, TEXT_MAX))
        return;
    size_t words = 0;
    for (char *p = rc->meanings; *p != '\0'; p++)
        words += (p == rc->meanings || p[-1] == ' ') && *p != ' ';
    rc->names = calloc(words > 0 ? words : 1, sizeof *rc->names);
    if (rc->names == NULL)
        return;
    char *rest = NULL;
    for (char *tok = strtok_r(rc->meanings, " ", &rest); tok != NULL && rc->n_names < words;
         tok = strtok_r(NULL, " ", &rest))
        rc->names[rc->n_names++] = tok;
}

static void count_run(run_counts *rc, size_t run, int8_t status, int32_t variant)
{
    size_t s = status >= 0 && status <= SIM_H5_FAILED ? (size_t)status : 3;
    size_t v = variant >= 0 && (size_t)variant < rc->n_names ? (size_t)variant : rc->n_names;
    rc->total[s]++;
    rc->counts[v * 4 + s]++;
    if (s == SIM_H5_FAILED && rc->n_failed_listed < FAILURES_SHOWN)
        rc->failed[rc->n_failed_listed++] = run;
}

static bool count_blocks(run_counts *rc, hid_t status, hid_t variant)
{
    int8_t *st = malloc(BLOCK_RUNS * sizeof *st);
    int32_t *var = malloc(BLOCK_RUNS * sizeof *var);
    bool done = st != NULL && var != NULL;
    for (hsize_t start = 0; done && start < rc->n_runs; start += BLOCK_RUNS) {
        hsize_t n = rc->n_runs - start < BLOCK_RUNS ? rc->n_runs - start : BLOCK_RUNS;
        done = read_block(status, H5T_NATIVE_INT8, start, n, st);
        if (variant < 0 || !read_block(variant, H5T_NATIVE_INT32, start, n, var))
            memset(var, 0xff, n * sizeof *var); /* -1: variant unknown */
        for (hsize_t i = 0; done && i < n; i++)
            count_run(rc, (size_t)(start + i), st[i], var[i]);
    }
    free(st);
    free(var);
    return done;
}

static void count_runs(const inspect *in, run_counts *rc)
{
    hid_t status = open_dataset(in->file, SIM_H5_RUN_STATUS);
    hid_t variant = open_dataset(in->file, SIM_H5_VARIANT);
    long long n = status >= 0 ? length_1d(status) : -1;
    sim_error ignored;
    if (n > 0 && !sim_h5__runs_plausible(in->file, in->path, (hsize_t)n, &ignored)) {
        rc->claimed = n; /* counting them would take minutes: a crafted run dimension */
        n = -1;
    }
    if (variant >= 0 && length_1d(variant) != n) {
        sim_h5__close_id(variant);
        variant = -1;
    }
    if (variant >= 0)
        split_names(rc, variant);
    rc->n_runs = n > 0 ? (size_t)n : 0;
    rc->counts = calloc((rc->n_names + 1) * 4, sizeof *rc->counts);
    rc->known = n >= 0 && rc->counts != NULL && count_blocks(rc, status, variant);
    sim_h5__close_id(status);
    sim_h5__close_id(variant);
}

static void run_counts_free(run_counts *rc)
{
    free(rc->meanings);
    free(rc->names);
    free(rc->counts);
}

/* ---- printing ---- */

static void print_failure(const inspect *in, hid_t messages, size_t run)
{
    char text[SIM_H5_MESSAGE_LEN + 1] = {0};
    hid_t space = messages >= 0 ? H5Dget_space(messages) : -1;
    hsize_t dims[2] = {0, 0};
    bool shaped = space >= 0 && H5Sget_simple_extent_ndims(space) == 2 &&
                  H5Sget_simple_extent_dims(space, dims, NULL) == 2 && dims[0] > run &&
                  dims[1] <= SIM_H5_MESSAGE_LEN;
    hsize_t start[2] = {run, 0}, count[2] = {1, dims[1]};
    hid_t mspace = shaped ? H5Screate_simple(2, count, NULL) : -1;
    bool done = mspace >= 0 &&
                H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
                H5Dread(messages, H5T_C_S1, mspace, space, H5P_DEFAULT, text) >= 0;
    fprintf(in->out, "  run %zu failed: %s\n", run, done ? text : "?");
    sim_h5__close_id(mspace);
    sim_h5__close_id(space);
}

static void print_runs(const inspect *in, const run_counts *rc)
{
    if (!rc->known && rc->claimed > 0) {
        fprintf(in->out,
                "runs: ? (run_status claims %lld runs, more than the file can hold: damaged)\n",
                rc->claimed);
        return;
    }
    if (!rc->known) {
        fprintf(in->out, "runs: ? (no readable run_status variable)\n");
        return;
    }
    fprintf(in->out, "runs: %zu (%zu complete, %zu failed, %zu not run", rc->n_runs,
            rc->total[SIM_H5_COMPLETE], rc->total[SIM_H5_FAILED], rc->total[SIM_H5_NOT_RUN]);
    if (rc->total[3] > 0)
        fprintf(in->out, ", %zu with an unknown status", rc->total[3]);
    fprintf(in->out, ")\n");
    for (size_t v = 0; v <= rc->n_names; v++) {
        const size_t *c = rc->counts + v * 4;
        if (c[0] + c[1] + c[2] + c[3] == 0)
            continue;
        fprintf(in->out, "  variant %s: %zu complete, %zu failed, %zu not run\n",
                v < rc->n_names ? rc->names[v] : "?", c[SIM_H5_COMPLETE], c[SIM_H5_FAILED],
                c[SIM_H5_NOT_RUN]);
    }
    hid_t messages = open_dataset(in->file, SIM_H5_RUN_MESSAGE);
    for (size_t i = 0; i < rc->n_failed_listed; i++)
        print_failure(in, messages, rc->failed[i]);
    if (rc->total[SIM_H5_FAILED] > rc->n_failed_listed)
        fprintf(in->out, "  (%zu more failed runs)\n",
                rc->total[SIM_H5_FAILED] - rc->n_failed_listed);
    sim_h5__close_id(messages);
}

static void print_completion(const inspect *in, const run_counts *rc)
{
    char end[LABEL_LEN];
    int64_t complete = 0;
    if (attr_number(in->file, "complete", H5T_NATIVE_INT64, &complete) && complete == 1)
        fprintf(in->out, "  finished: %s\n",
                text_or_unknown(in->file, "end_time", end, sizeof end));
    else if (rc->known)
        fprintf(in->out, "  INCOMPLETE: the run was interrupted; %zu of %zu runs complete\n",
                rc->total[SIM_H5_COMPLETE], rc->n_runs);
    else
        fprintf(in->out, "  INCOMPLETE: the run was interrupted\n");
    if (in->reader_only)
        fprintf(in->out,
                "  note: the writer never closed this file (killed, or still writing); "
                "other readers need `h5clear -s %s` or a SWMR reader\n",
                in->path);
}

static void print_number(const inspect *in, const char *label, const char *name, bool is_unsigned)
{
    int64_t value = 0;
    uint64_t uvalue = 0;
    bool known = is_unsigned ? attr_number(in->file, name, H5T_NATIVE_UINT64, &uvalue)
                             : attr_number(in->file, name, H5T_NATIVE_INT64, &value);
    if (!known)
        fprintf(in->out, "%s?", label);
    else if (is_unsigned)
        fprintf(in->out, "%s%llu", label, (unsigned long long)uvalue);
    else
        fprintf(in->out, "%s%lld", label, (long long)value);
}

static void print_provenance(const inspect *in, const run_counts *rc)
{
    char a[LABEL_LEN], b[LABEL_LEN], c[LABEL_LEN], *text = malloc(TEXT_MAX);
    hid_t f = in->file;
    if (text == NULL)
        return;
    fprintf(in->out, "%s: ecotwin results file\n", in->path);
    fprintf(in->out, "  ecotwin %s (commit %s), model %s\n",
            text_or_unknown(f, "ecotwin_version", a, sizeof a),
            text_or_unknown(f, "git_commit", b, sizeof b),
            text_or_unknown(f, "model", c, sizeof c));
    fprintf(in->out, "  title: %s\n", text_or_unknown(f, "title", text, TEXT_MAX));
    fprintf(in->out, "  created: %s on %s\n", text_or_unknown(f, "start_time", a, sizeof a),
            text_or_unknown(f, "hostname", b, sizeof b));
    fprintf(in->out, "  command: %s\n", text_or_unknown(f, "command_line", text, TEXT_MAX));
    fprintf(in->out, "  scenario: %s\n", text_or_unknown(f, "scenario_path", text, TEXT_MAX));
    print_number(in, "  seed: ", "master_seed", true);
    fprintf(in->out, " (%s)", text_or_unknown(f, "rng_algorithm", a, sizeof a));
    print_number(in, ", threads: ", "threads", false);
    print_number(in, ", ranks: ", "ranks", false);
    fprintf(in->out, "\n  libraries: HDF5 %s, GSL %s, libyaml %s\n",
            text_or_unknown(f, "hdf5_version", a, sizeof a),
            text_or_unknown(f, "gsl_version", b, sizeof b),
            text_or_unknown(f, "libyaml_version", c, sizeof c));
    print_completion(in, rc);
    free(text);
}

/* ---- dimensions and variables ---- */

typedef struct name_entry {
    char *name;
    int64_t order; /* creation order, when known */
    bool ordered;
} name_entry;

typedef struct name_list {
    name_entry *names;
    size_t n, cap;
    bool failed;
} name_list;

static herr_t collect_link(hid_t group, const char *name, const link_info *info, void *data)
{
    name_list *list = data;
    (void)group;
    if (info->type != H5L_TYPE_HARD)
        return 0;
    if (list->n == list->cap) {
        size_t cap = list->cap > 0 ? 2 * list->cap : 16;
        name_entry *names = realloc(list->names, cap * sizeof *names);
        if (names == NULL) {
            list->failed = true;
            return 1;
        }
        list->names = names;
        list->cap = cap;
    }
    char *copy = strdup(name);
    if (copy == NULL) {
        list->failed = true;
        return 1;
    }
    list->names[list->n] =
        (name_entry){.name = copy, .order = info->corder, .ordered = info->corder_valid};
    list->n++;
    return 0;
}

static void name_list_free(name_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->names[i].name);
    free(list->names);
    *list = (name_list){0};
}

static int by_order(const void *a, const void *b)
{
    const name_entry *x = a, *y = b;
    if (!x->ordered || !y->ordered)
        return x->ordered != y->ordered ? (x->ordered ? -1 : 1) : strcmp(x->name, y->name);
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Root links in creation order (by name when the file does not track the order). HDF5
 * 1.10.8 builds a table of the links for any order but the native one, and freeing that
 * table crashes (invalid free in H5G__link_release_table) on some damaged files (found by
 * fuzz_h5_inspect: regressions/h5_inspect/hdf5_link_table_segv.h5seed). In native order it
 * walks the index in place; each link carries its creation order, so sorting afterwards
 * gives the same listing. */
static void list_root(const inspect *in, name_list *list)
{
    if (link_iterate(in->file, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, collect_link, list) < 0)
        list->failed = true;
    if (list->n > 1)
        qsort(list->names, list->n, sizeof *list->names, by_order);
}

static int dataset_rank(hid_t ds, hsize_t dims[H5S_MAX_RANK])
{
    hid_t space = H5Dget_space(ds);
    int rank = space >= 0 ? H5Sget_simple_extent_dims(space, dims, NULL) : -1;
    sim_h5__close_id(space);
    return rank;
}

static void print_entity_names(const inspect *in, const char *dim, hsize_t n)
{
    char name[LABEL_LEN];
    snprintf(name, sizeof name, "%s%s", dim, SIM_H5_ENTITY_NAME_SUF);
    hid_t ds = open_dataset(in->file, name);
    hsize_t dims[H5S_MAX_RANK];
    hsize_t shown = n < NAMES_SHOWN ? n : NAMES_SHOWN;
    bool fits = ds >= 0 && dataset_rank(ds, dims) == 2 && dims[0] == n && dims[1] < LABEL_LEN;
    char *text = fits && shown > 0 ? calloc(shown, LABEL_LEN) : NULL;
    hid_t space = text != NULL ? H5Dget_space(ds) : -1;
    hsize_t start[2] = {0, 0}, count[2] = {shown, fits ? dims[1] : 0};
    hid_t mspace = space >= 0 ? H5Screate_simple(2, count, NULL) : -1;
    if (mspace >= 0 && H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
        H5Dread(ds, H5T_C_S1, mspace, space, H5P_DEFAULT, text) >= 0) {
        for (hsize_t i = 0; i < shown; i++)
            fprintf(in->out, "%s%.*s", i == 0 ? ": " : ", ", (int)dims[1], text + i * dims[1]);
        if (n > shown)
            fprintf(in->out, ", ...");
    }
    sim_h5__close_id(mspace);
    sim_h5__close_id(space);
    free(text);
    sim_h5__close_id(ds);
}

static bool unlimited(hid_t ds)
{
    hsize_t dims[H5S_MAX_RANK], max[H5S_MAX_RANK];
    hid_t space = H5Dget_space(ds);
    bool grows =
        space >= 0 && H5Sget_simple_extent_dims(space, dims, max) == 1 && max[0] == H5S_UNLIMITED;
    sim_h5__close_id(space);
    return grows;
}

/* An event table: its rows and what a row is. */
static void print_table(const inspect *in, hid_t ds)
{
    char *long_name = malloc(TEXT_MAX);
    fprintf(in->out, " rows (event table");
    if (long_name != NULL && attr_text(ds, "long_name", long_name, TEXT_MAX) && long_name[0])
        fprintf(in->out, ": %s", long_name);
    fprintf(in->out, ")");
    free(long_name);
}

static void print_dimension(const inspect *in, const char *name, hid_t ds)
{
    hsize_t dims[H5S_MAX_RANK];
    if (dataset_rank(ds, dims) != 1) {
        fprintf(in->out, "  %s = ?\n", name);
        return;
    }
    fprintf(in->out, "  %s = %llu", name, (unsigned long long)dims[0]);
    char label[sizeof SIM_H5_DIM_ONLY + 16];
    if (H5DSget_scale_name(ds, label, sizeof label) > 0 &&
        strncmp(label, SIM_H5_DIM_ONLY, strlen(SIM_H5_DIM_ONLY)) == 0)
        fprintf(in->out, " (string length)");
    else if (unlimited(ds))
        print_table(in, ds);
    else if (strcmp(name, SIM_H5_DESIGN_POINT) == 0)
        fprintf(in->out, " (design points of the sweep)");
    else if (strcmp(name, SIM_H5_RUN) != 0 && strcmp(name, SIM_H5_TIME) != 0)
        print_entity_names(in, name, dims[0]);
    fprintf(in->out, "\n");
}

typedef struct scale_name {
    char text[LABEL_LEN];
} scale_name;

static herr_t take_scale_name(hid_t dset, unsigned dim, hid_t scale, void *data)
{
    scale_name *name = data;
    char path[LABEL_LEN];
    (void)dset;
    (void)dim;
    ssize_t len = H5Iget_name(scale, path, sizeof path);
    if (len > 0 && (size_t)len < sizeof path)
        snprintf(name->text, sizeof name->text, "%s", path[0] == '/' ? path + 1 : path);
    return 1;
}

static void print_shape(const inspect *in, hid_t ds)
{
    hsize_t dims[H5S_MAX_RANK];
    int rank = dataset_rank(ds, dims);
    if (rank < 0) {
        fprintf(in->out, "(?)");
        return;
    }
    fprintf(in->out, "(");
    for (int i = 0; i < rank; i++) {
        scale_name name = {.text = ""};
        if (H5DSget_num_scales(ds, (unsigned)i) > 0)
            H5DSiterate_scales(ds, (unsigned)i, NULL, take_scale_name, &name);
        if (name.text[0] != '\0')
            fprintf(in->out, "%s%s", i > 0 ? ", " : "", name.text);
        else
            fprintf(in->out, "%s%llu", i > 0 ? ", " : "", (unsigned long long)dims[i]);
    }
    fprintf(in->out, ")");
}

static void print_variable(const inspect *in, const char *name, hid_t ds)
{
    char units[LABEL_LEN], *long_name = malloc(TEXT_MAX);
    fprintf(in->out, "  %s", name);
    print_shape(in, ds);
    if (attr_text(ds, "units", units, sizeof units))
        fprintf(in->out, " [%s]", units);
    if (long_name != NULL && attr_text(ds, "long_name", long_name, TEXT_MAX))
        fprintf(in->out, ": %s", long_name);
    fprintf(in->out, "\n");
    free(long_name);
}

/* Pass 0 prints the dimensions (datasets that are dimension scales), pass 1 the others. */
static void print_objects(const inspect *in, const name_list *list, int pass)
{
    for (size_t i = 0; i < list->n; i++) {
        hid_t obj = H5Oopen(in->file, list->names[i].name, H5P_DEFAULT);
        if (obj < 0) {
            if (pass == 1)
                fprintf(in->out, "  %s: ? (unreadable object)\n", list->names[i].name);
            continue;
        }
        if (H5Iget_type(obj) != H5I_DATASET) {
            if (pass == 1)
                fprintf(in->out, "  %s: (a group, not described)\n", list->names[i].name);
        } else if ((H5DSis_scale(obj) > 0) == (pass == 0)) {
            if (pass == 0)
                print_dimension(in, list->names[i].name, obj);
            else
                print_variable(in, list->names[i].name, obj);
        }
        sim_h5__close_id(obj);
    }
}

static void print_contents(const inspect *in)
{
    name_list list = {0};
    list_root(in, &list);
    if (list.failed)
        fprintf(in->out, "contents: ? (the root group cannot be listed)\n");
    fprintf(in->out, "dimensions:\n");
    print_objects(in, &list, 0);
    fprintf(in->out, "variables:\n");
    print_objects(in, &list, 1);
    name_list_free(&list);
}

sim_status sim_h5_inspect(const char *path, FILE *out, sim_error *err)
{
    if (path == NULL || out == NULL)
        return sim_error_set(err, SIM_INTERNAL, "sim_h5_inspect: missing argument");
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    inspect in = {.path = path, .file = -1, .out = out};
    sim_status st = open_file(&in, err);
    if (st == SIM_OK) {
        run_counts rc = {0};
        count_runs(&in, &rc);
        print_provenance(&in, &rc);
        print_runs(&in, &rc);
        print_contents(&in);
        run_counts_free(&rc);
    }
    if (in.file >= 0)
        H5Fclose(in.file);
    sim_h5__mute_end(&mute);
    if (st == SIM_OK && (fflush(out) != 0 || ferror(out)))
        st = sim_error_set(err, SIM_IO, "cannot write the description of %s", path);
    return st;
}
