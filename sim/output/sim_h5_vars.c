/*
 * sim_h5_vars: generic access to a results file for analysis (contract at the end of
 * sim_h5.h). The file is listed once at open: every dataset of the root group with its
 * class, extent and dimension names. Datasets are opened again for each read, which checks
 * the class and the extent as they are now (a SWMR reader may see a file that grows), so a
 * listing that went stale or a crafted file can never make a read overrun its buffer.
 */
#include "sim_h5.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "sim_h5_internal.h"

#define ATTR_TEXT_MAX ((size_t)1 << 20)

typedef struct vars_entry {
    sim_h5_vinfo info;
    char *names;   /* the name and dimension names, one allocation */
    int64_t order; /* the link's creation order, when ordered */
    bool ordered;
} vars_entry;

struct sim_h5_vars {
    char *path;
    hid_t file;
    vars_entry *entries;
    size_t n, cap;
    sim_status status; /* of the listing */
};

static sim_h5_vclass class_of(hid_t ds)
{
    hid_t type = H5Dget_type(ds);
    H5T_class_t c = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    bool fixed_text = c == H5T_STRING && H5Tis_variable_str(type) == 0 && H5Tget_size(type) == 1;
    sim_h5__close_id(type);
    if (c == H5T_FLOAT)
        return SIM_H5_VFLOAT;
    if (c == H5T_INTEGER)
        return SIM_H5_VINT;
    return fixed_text ? SIM_H5_VCHAR : SIM_H5_VOTHER;
}

static herr_t scale_name(hid_t dset, unsigned dim, hid_t scale, void *data)
{
    char *name = data;
    char path[SIM_H5_NAME_MAX + 2];
    (void)dset;
    (void)dim;
    ssize_t len = H5Iget_name(scale, path, sizeof path);
    if (len > 1 && (size_t)len < sizeof path && path[0] == '/')
        memcpy(name, path + 1, (size_t)len);
    return 1;
}

/* Name, class, extent and dimension names of one dataset into e; false when out of memory. */
static bool describe(hid_t ds, const char *name, vars_entry *e)
{
    char dims[SIM_H5_VARS_MAX_RANK][SIM_H5_NAME_MAX + 1];
    hsize_t ext[H5S_MAX_RANK];
    memset(dims, 0, sizeof dims);
    int rank = sim_h5__extent(ds, ext);
    e->info.cls = class_of(ds);
    e->info.rank = rank >= 0 && rank <= SIM_H5_VARS_MAX_RANK ? rank : -1;
    size_t len = strlen(name) + 1;
    for (int a = 0; a < e->info.rank; a++) {
        e->info.dims[a] = ext[a];
        if (H5DSget_num_scales(ds, (unsigned)a) > 0)
            H5DSiterate_scales(ds, (unsigned)a, NULL, scale_name, dims[a]);
        len += strlen(dims[a]) + 1;
    }
    e->names = malloc(len);
    if (e->names == NULL)
        return false;
    char *at = stpcpy(e->names, name) + 1;
    e->info.name = e->names;
    for (int a = 0; a < SIM_H5_VARS_MAX_RANK; a++) {
        e->info.dim[a] = a < e->info.rank ? at : "";
        if (a < e->info.rank)
            at = stpcpy(at, dims[a]) + 1;
    }
    return true;
}

static herr_t list_one(hid_t group, const char *name, const H5L_info_t *linfo, void *data)
{
    sim_h5_vars *v = data;
    hid_t ds = sim_h5__open_dataset(group, name);
    if (ds < 0)
        return 0;
    if (v->n == SIM_H5_VARS_MAX) {
        H5Dclose(ds);
        v->status = SIM_IO;
        return 1;
    }
    if (v->n == v->cap) {
        size_t cap = v->cap > 0 ? 2 * v->cap : 64;
        vars_entry *e = realloc(v->entries, cap * sizeof *e);
        if (e == NULL) {
            H5Dclose(ds);
            v->status = SIM_NOMEM;
            return 1;
        }
        v->entries = e;
        v->cap = cap;
    }
    memset(&v->entries[v->n], 0, sizeof v->entries[v->n]);
    bool ok = describe(ds, name, &v->entries[v->n]);
    H5Dclose(ds);
    if (!ok) {
        v->status = SIM_NOMEM;
        return 1;
    }
    v->entries[v->n].order = linfo->corder;
    v->entries[v->n].ordered = linfo->corder_valid;
    v->n++;
    return 0;
}

static int by_order(const void *a, const void *b)
{
    const vars_entry *x = a, *y = b;
    if (!x->ordered || !y->ordered)
        return x->ordered != y->ordered ? (x->ordered ? -1 : 1)
                                        : strcmp(x->info.name, y->info.name);
    return x->order < y->order ? -1 : x->order > y->order;
}

/* In creation order (the catalog's order, which the writer tracks), or by name in a file
 * that does not track it. HDF5 1.10.8 builds a table of the links for any order but the
 * native one, and freeing it crashes on some damaged files (found by fuzz_an_results, as by
 * fuzz_h5_inspect before: regressions/an_results/hdf5_link_table_segv_vars.h5seed); in
 * native order it walks the index in place, and each link carries its creation order, so
 * sorting afterwards gives the same listing. */
static sim_status list_vars(sim_h5_vars *v, sim_error *err)
{
    herr_t rc = H5Literate(v->file, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, list_one, v);
    if (rc >= 0 && v->n > 1)
        qsort(v->entries, v->n, sizeof *v->entries, by_order);
    if (v->status == SIM_NOMEM)
        return sim_error_set(err, SIM_NOMEM, "%s: out of memory", v->path);
    if (v->status == SIM_IO)
        return sim_error_set(err, SIM_IO, "%s: damaged results file: more than %zu datasets",
                             v->path, SIM_H5_VARS_MAX);
    if (rc < 0)
        return sim_h5__fail(err, SIM_IO, "%s: damaged results file: cannot list its datasets",
                            v->path);
    return SIM_OK;
}

sim_h5_vars *sim_h5_vars_open(const char *path, sim_error *err)
{
    sim_h5_vars *v = path != NULL ? calloc(1, sizeof *v) : NULL;
    if (v == NULL || (v->path = strdup(path)) == NULL) {
        free(v);
        sim_error_set(err, path != NULL ? SIM_NOMEM : SIM_INTERNAL, "sim_h5_vars_open: %s",
                      path != NULL ? "out of memory" : "missing path");
        return NULL;
    }
    bool reader_only = false;
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    sim_status st = sim_h5__open_results(path, &v->file, &reader_only, err);
    if (st == SIM_OK)
        st = list_vars(v, err);
    sim_h5__mute_end(&mute);
    if (st != SIM_OK) {
        sim_h5_vars_close(v);
        return NULL;
    }
    return v;
}

void sim_h5_vars_close(sim_h5_vars *v)
{
    if (v == NULL)
        return;
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    if (v->file >= 0)
        H5Fclose(v->file);
    sim_h5__mute_end(&mute);
    for (size_t i = 0; i < v->n; i++)
        free(v->entries[i].names);
    free(v->entries);
    free(v->path);
    free(v);
}

size_t sim_h5_vars_count(const sim_h5_vars *v)
{
    return v->n;
}

const sim_h5_vinfo *sim_h5_vars_info(const sim_h5_vars *v, size_t i)
{
    return i < v->n ? &v->entries[i].info : NULL;
}

int sim_h5_vars_find(const sim_h5_vars *v, const char *name)
{
    for (size_t i = 0; name != NULL && i < v->n; i++)
        if (strcmp(v->entries[i].info.name, name) == 0)
            return (int)i;
    return -1;
}

/* The slab lies inside the dataset's extent as it is now; *total its number of values. */
static bool slab_inside(hid_t ds, int rank, const uint64_t *start, const uint64_t *count,
                        hsize_t *total)
{
    hsize_t ext[H5S_MAX_RANK];
    if (sim_h5__extent(ds, ext) != rank)
        return false;
    *total = 1;
    for (int a = 0; a < rank; a++) {
        if (start[a] > ext[a] || count[a] > ext[a] - start[a])
            return false;
        *total *= count[a];
    }
    return true;
}

static bool read_numeric(hid_t ds, int rank, const uint64_t *start, const uint64_t *count,
                         double *out)
{
    hsize_t total = 0, s[SIM_H5_VARS_MAX_RANK], c[SIM_H5_VARS_MAX_RANK];
    sim_h5_vclass cls = class_of(ds);
    if ((cls != SIM_H5_VFLOAT && cls != SIM_H5_VINT) ||
        !slab_inside(ds, rank, start, count, &total))
        return false;
    if (total == 0)
        return true;
    for (int a = 0; a < rank; a++) {
        s[a] = start[a];
        c[a] = count[a];
    }
    hid_t fspace = H5Dget_space(ds);
    hid_t mspace = H5Screate_simple(1, &total, NULL);
    bool done = fspace >= 0 && mspace >= 0 &&
                (rank == 0 || H5Sselect_hyperslab(fspace, H5S_SELECT_SET, s, NULL, c, NULL) >= 0) &&
                H5Dread(ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, out) >= 0;
    sim_h5__close_id(fspace);
    sim_h5__close_id(mspace);
    return done;
}

sim_status sim_h5_vars_read(sim_h5_vars *v, size_t i, const uint64_t *start, const uint64_t *count,
                            double *out, sim_error *err)
{
    if (i >= v->n || v->entries[i].info.rank < 0)
        return sim_error_set(err, SIM_INTERNAL, "%s: no dataset %zu to read", v->path, i);
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    const sim_h5_vinfo *info = &v->entries[i].info;
    hid_t ds = sim_h5__open_dataset(v->file, info->name);
    bool done = ds >= 0 && read_numeric(ds, info->rank, start, count, out);
    sim_status st =
        done ? SIM_OK
             : sim_h5__fail(err, SIM_IO, "%s: damaged results file: cannot read %s as numbers",
                            v->path, info->name);
    sim_h5__close_id(ds);
    sim_h5__mute_end(&mute);
    return st;
}

static bool read_text_ds(hid_t ds, char *out, size_t cap)
{
    hsize_t ext[H5S_MAX_RANK];
    int rank = sim_h5__extent(ds, ext);
    size_t total = 1;
    for (int a = 0; a < rank; a++) {
        if (ext[a] != 0 && total > cap / ext[a])
            return false;
        total *= (size_t)ext[a];
    }
    if (rank < 0 || class_of(ds) != SIM_H5_VCHAR || total > cap)
        return false;
    hid_t type = H5Tcopy(H5T_C_S1);
    bool done =
        total == 0 || (type >= 0 && H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0);
    sim_h5__close_id(type);
    return done;
}

sim_status sim_h5_vars_read_chars(sim_h5_vars *v, size_t i, char *out, size_t cap, sim_error *err)
{
    if (i >= v->n)
        return sim_error_set(err, SIM_INTERNAL, "%s: no dataset %zu to read", v->path, i);
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    const char *name = v->entries[i].info.name;
    hid_t ds = sim_h5__open_dataset(v->file, name);
    bool done = ds >= 0 && read_text_ds(ds, out, cap);
    sim_status st =
        done ? SIM_OK
             : sim_h5__fail(err, SIM_IO, "%s: damaged results file: cannot read %s as text",
                            v->path, name);
    sim_h5__close_id(ds);
    sim_h5__mute_end(&mute);
    return st;
}

/* The attribute attr of var (NULL: root), or -1; *holder the dataset to close after. */
static hid_t open_attr(sim_h5_vars *v, const char *var, const char *attr, hid_t *holder)
{
    *holder = var != NULL ? sim_h5__open_dataset(v->file, var) : -1;
    hid_t obj = var != NULL ? *holder : v->file;
    if (obj < 0 || attr == NULL || H5Aexists(obj, attr) <= 0)
        return -1;
    return H5Aopen(obj, attr, H5P_DEFAULT);
}

char *sim_h5_vars_attr_text(sim_h5_vars *v, const char *var, const char *attr)
{
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    hid_t holder = -1;
    hid_t a = open_attr(v, var, attr, &holder);
    char *text = a >= 0 ? sim_h5__attr_text(a, ATTR_TEXT_MAX) : NULL;
    sim_h5__close_id(a);
    sim_h5__close_id(holder);
    sim_h5__mute_end(&mute);
    return text;
}

static int attr_first_num(hid_t attr, double *out)
{
    hid_t type = H5Aget_type(attr);
    hid_t space = H5Aget_space(attr);
    H5T_class_t c = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
    hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    int rc = -1;
    /* Numeric attributes are small (netCDF writes 1-element arrays); a long one is refused
     * rather than read whole. */
    if ((c == H5T_INTEGER || c == H5T_FLOAT) && n >= 1 && n <= 1024) {
        double *values = malloc((size_t)n * sizeof *values);
        if (values != NULL && H5Aread(attr, H5T_NATIVE_DOUBLE, values) >= 0) {
            *out = values[0];
            rc = 0;
        }
        free(values);
    }
    sim_h5__close_id(space);
    sim_h5__close_id(type);
    return rc;
}

int sim_h5_vars_attr_num(sim_h5_vars *v, const char *var, const char *attr, double *out)
{
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    hid_t holder = -1;
    hid_t a = open_attr(v, var, attr, &holder);
    int rc = a >= 0 ? attr_first_num(a, out) : -1;
    sim_h5__close_id(a);
    sim_h5__close_id(holder);
    sim_h5__mute_end(&mute);
    return rc;
}

/* ---- scanning every value (sim_h5_vars_scan) ---- */

/* a * b, saturating at UINT64_MAX: extents of a crafted file may be anything. */
static uint64_t mul_sat(uint64_t a, uint64_t b)
{
    return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* The block each read covers: one chunk (the dataset's extent when it is not chunked),
 * narrowed from the first axis on until it holds at most SIM_H5_SCAN_BLOCK values. */
static void scan_tile(hid_t ds, int rank, const hsize_t *ext, hsize_t *tile)
{
    hid_t dcpl = H5Dget_create_plist(ds);
    bool chunked =
        dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_chunk(dcpl, rank, tile) == rank;
    sim_h5__close_id(dcpl);
    for (int a = 0; a < rank; a++)
        if (!chunked || tile[a] == 0 || tile[a] > ext[a])
            tile[a] = ext[a] > 0 ? ext[a] : 1;
    for (int a = 0; a < rank; a++) {
        uint64_t rest = 1;
        for (int b = a + 1; b < rank; b++)
            rest = mul_sat(rest, tile[b]);
        if (mul_sat(tile[a], rest) > SIM_H5_SCAN_BLOCK)
            tile[a] = rest >= SIM_H5_SCAN_BLOCK ? 1 : SIM_H5_SCAN_BLOCK / rest;
    }
}

/* One slab of ds as mtype into buf (room for SIM_H5_SCAN_BLOCK values of mtype). */
static bool scan_read(hid_t ds, hid_t mtype, int rank, const hsize_t *start, const hsize_t *count,
                      void *buf)
{
    if (rank == 0)
        return H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
    return sim_h5__read_slab(ds, mtype, rank, start, count, buf);
}

/* Every block of ds, as each memory type its class is read with; false on the first failed
 * read. */
static bool scan_ds(hid_t ds, sim_h5_vclass cls, void *buf)
{
    hsize_t ext[H5S_MAX_RANK], tile[H5S_MAX_RANK], at[H5S_MAX_RANK], count[H5S_MAX_RANK];
    int rank = sim_h5__extent(ds, ext);
    if (rank < 0 || rank > SIM_H5_VARS_MAX_RANK)
        return false;
    for (int a = 0; a < rank; a++)
        if (ext[a] == 0)
            return true;
    scan_tile(ds, rank, ext, tile);
    hid_t text = cls == SIM_H5_VCHAR ? H5Tcopy(H5T_C_S1) : -1;
    hid_t types[2] = {cls == SIM_H5_VCHAR ? text : H5T_NATIVE_DOUBLE,
                      cls == SIM_H5_VINT ? H5T_NATIVE_INT64 : -1};
    bool done = cls != SIM_H5_VCHAR || text >= 0;
    memset(at, 0, sizeof at);
    for (bool more = true; done && more;) {
        for (int a = 0; a < rank; a++)
            count[a] = ext[a] - at[a] < tile[a] ? ext[a] - at[a] : tile[a];
        for (int t = 0; done && t < 2 && types[t] >= 0; t++)
            done = scan_read(ds, types[t], rank, at, count, buf);
        more = false;
        for (int a = rank - 1; a >= 0 && !more; a--) {
            at[a] += tile[a];
            more = at[a] < ext[a];
            if (!more)
                at[a] = 0;
        }
    }
    sim_h5__close_id(text);
    return done;
}

sim_status sim_h5_vars_scan(sim_h5_vars *v, sim_h5_vars_pick pick, void *ctx, sim_error *err)
{
    hsize_t size = 0;
    if (H5Fget_filesize(v->file, &size) < 0)
        size = 0;
    uint64_t most = mul_sat(size, SIM_H5_SCAN_RATIO) + SIM_H5_SCAN_BLOCK;
    double *buf = malloc(SIM_H5_SCAN_BLOCK * sizeof *buf);
    if (buf == NULL)
        return sim_error_set(err, SIM_NOMEM, "%s: out of memory", v->path);
    sim_status st = SIM_OK;
    sim_h5__mute mute;
    sim_h5__mute_begin(&mute);
    for (size_t i = 0; i < v->n; i++) {
        const sim_h5_vinfo *info = &v->entries[i].info;
        if (info->rank < 0 ||
            (info->cls != SIM_H5_VFLOAT && info->cls != SIM_H5_VINT && info->cls != SIM_H5_VCHAR) ||
            (pick != NULL && !pick(info, ctx)))
            continue;
        uint64_t values = 1;
        for (int a = 0; a < info->rank; a++)
            values = mul_sat(values, info->dims[a]);
        hid_t ds = values <= most ? sim_h5__open_dataset(v->file, info->name) : -1;
        bool done = ds >= 0 && class_of(ds) == info->cls && scan_ds(ds, info->cls, buf);
        sim_h5__close_id(ds);
        if (!done && st == SIM_OK)
            st = values > most
                     ? sim_error_set(err, SIM_IO,
                                     "%s: damaged results file: %s has %llu values, "
                                     "more than a file of this size can hold",
                                     v->path, info->name, (unsigned long long)values)
                     : sim_h5__fail(err, SIM_IO, "%s: damaged results file: cannot read %s",
                                    v->path, info->name);
    }
    sim_h5__mute_end(&mute);
    free(buf);
    return st;
}

sim_status sim_h5_probe(const char *path, sim_error *err)
{
    sim_h5_reader *r = sim_h5_open_read(path, err);
    sim_status st = r != NULL ? SIM_OK : (err != NULL ? err->status : SIM_IO);
    sim_h5_reader_close(r);
    sim_error more; /* failures after the first are not reported */
    sim_error_clear(&more);
    sim_h5_vars *v = sim_h5_vars_open(path, st == SIM_OK ? err : &more);
    if (v == NULL)
        return st != SIM_OK ? st : (err != NULL ? err->status : SIM_IO);
    for (size_t i = 0; i < v->n; i++) {
        const char *name = v->entries[i].info.name;
        free(sim_h5_vars_attr_text(v, name, "units"));
        free(sim_h5_vars_attr_text(v, name, "long_name"));
        free(sim_h5_vars_attr_text(v, name, "flag_meanings"));
    }
    double crn = 0;
    (void)sim_h5_vars_attr_num(v, NULL, "common_random_numbers", &crn);
    sim_status scanned = sim_h5_vars_scan(v, NULL, NULL, st == SIM_OK ? err : &more);
    sim_h5_vars_close(v);
    return st != SIM_OK ? st : scanned;
}
