/*
 * sim_batch: the pool's consumer writing one results file, and resuming one. Contract in
 * sim_batch.h.
 *
 * Order of the file operations, so that a crash at any point loses no completed run and
 * OUT.part, whenever it exists, opens:
 *   fresh:  create OUT.part.new (HDF5 lays it out; a kill now leaves a file no reader
 *           opens), link it as OUT.part once SWMR writing has started, write runs; at the
 *           end close it (the writer marks it complete in SWMR mode, never reopening it),
 *           fsync, remove the name OUT.part, rename to OUT, fsync the directory;
 *   resume: open OUT.part for reading, create OUT.part.new, copy and compute, close both;
 *           interrupted: fsync OUT.part.new, rename it over OUT.part, fsync the directory;
 *           complete: fsync it, remove OUT.part, rename it to OUT, fsync the directory.
 * A directory at OUT, or a missing directory above it, is refused before anything is made;
 * when the rename to OUT still fails (OUT became a directory meanwhile, ...), the finished
 * file is renamed back to OUT.part, where --resume looks and the error message says.
 * At the start, OUT.part.new next to OUT.part is a resume that was killed (OUT.part is
 * intact: it is only replaced by a new file that holds all it had) and is removed; alone, it
 * is a file killed in its creation (removed) or a finished one killed before its last rename
 * (it opens, and becomes OUT.part).
 */
#include "sim_batch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct batch_ctx {
    const sim_batch *b;
    sim_h5_writer *w;
    sim_h5_reader *old; /* the OUT.part being resumed, or NULL */
    sim_record *copy_rec;
    sim_batch_result *res;
    size_t n_runs, settled;
    size_t runs_total;       /* of this shard (n_runs for a whole plan) */
    unsigned char *outside;  /* units of other shards, or NULL */
    unsigned char *old_done; /* merge with resume: units complete in the old file, or NULL */
    size_t written;          /* runs given a status in the file being written */
    size_t old_runs;         /* runs with a status in the resumed OUT.part */
} batch_ctx;

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Time inside sim_h5_* calls: wall time, and the consumer thread's CPU time, which a loaded
 * machine does not inflate. */
typedef struct write_clock {
    double wall, cpu;
} write_clock;

static double thread_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static write_clock write_start(void)
{
    return (write_clock){wall_now(), thread_cpu_now()};
}

static void write_stop(sim_batch_result *res, const write_clock *t0)
{
    res->write_s += wall_now() - t0->wall;
    res->write_cpu_s += thread_cpu_now() - t0->cpu;
}

static char *path_with(const char *base, const char *suffix)
{
    size_t n = strlen(base), m = strlen(suffix);
    char *s = malloc(n + m + 1);
    if (s != NULL) {
        memcpy(s, base, n);
        memcpy(s + n, suffix, m + 1);
    }
    return s;
}

/* ---- fingerprints ---- */

#define FNV_PRIME  0x100000001b3ULL
#define FNV_BASE_A 0xcbf29ce484222325ULL /* the standard offset basis */
#define FNV_BASE_B 0x84222325cbf29ce4ULL /* another, so the lanes differ */

void sim_batch_hash_init(sim_batch_hash *h)
{
    h->lane[0] = FNV_BASE_A;
    h->lane[1] = FNV_BASE_B;
}

void sim_batch_hash_add(sim_batch_hash *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h->lane[0] = (h->lane[0] ^ p[i]) * FNV_PRIME;
        h->lane[1] = (h->lane[1] ^ (unsigned char)(p[i] + 0x5bu)) * FNV_PRIME;
    }
}

void sim_batch_hash_text(sim_batch_hash *h, const char *s)
{
    if (s == NULL)
        s = "(null)";
    sim_batch_hash_add(h, s, strlen(s) + 1);
}

void sim_batch_hash_plan(sim_batch_hash *h, const sim_plan *plan)
{
    char text[256];
    snprintf(text, sizeof text, "designs=%zu replications=%zu variants=%zu seed=%llu crn=%d",
             plan->n_designs, plan->replications, plan->n_variants,
             (unsigned long long)plan->master_seed, plan->crn ? 1 : 0);
    sim_batch_hash_text(h, text);
    for (size_t k = 0; k < plan->n_variants; k++) {
        snprintf(text, sizeof text, "variant=%d", plan->variants[k]);
        sim_batch_hash_text(h, text);
    }
}

void sim_batch_hash_hex(const sim_batch_hash *h, char out[SIM_BATCH_HASH_HEX])
{
    snprintf(out, SIM_BATCH_HASH_HEX, "%016llx%016llx", (unsigned long long)h->lane[0],
             (unsigned long long)h->lane[1]);
}

char *sim_batch_part_path(const char *output)
{
    return path_with(output, SIM_BATCH_PART_SUFFIX);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- durable renames ---- */

static sim_status fsync_path(const char *path, int directory, sim_error *err)
{
    int fd = open(path, O_RDONLY | (directory ? O_DIRECTORY : 0));
    if (fd < 0)
        return sim_error_set(err, SIM_IO, "cannot open %s to sync it: %s", path, strerror(errno));
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    /* Some file systems cannot sync a directory (EINVAL); the rename is then as durable as
     * they make it. */
    if (rc != 0 && !(directory && (e == EINVAL || e == EBADF)))
        return sim_error_set(err, SIM_IO, "cannot sync %s: %s", path, strerror(e));
    return SIM_OK;
}

/* The directory path is in (malloc'd; NULL when out of memory). */
static char *parent_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return strdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (dir != NULL) {
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    return dir;
}

static sim_status sync_parent(const char *path, sim_error *err)
{
    char *dir = parent_of(path);
    if (dir == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    sim_status st = fsync_path(dir, 1, err);
    free(dir);
    return st;
}

/* from's data reach the disk, then from becomes to, then the rename itself is made durable. */
static sim_status durable_rename(const char *from, const char *to, sim_error *err)
{
    sim_status st = fsync_path(from, 0, err);
    if (st != SIM_OK)
        return st;
    if (rename(from, to) != 0)
        return sim_error_set(err, SIM_IO, "cannot rename %s to %s: %s", from, to, strerror(errno));
    return sync_parent(to, err);
}

/* ---- the sink: every HDF5 call of a batch happens here, on the consumer thread ---- */

static sim_status sink_put(void *ctx, size_t run, const sim_run_id *id, const sim_record *rec,
                           sim_error *err)
{
    batch_ctx *c = ctx;
    write_clock t0 = write_start();
    sim_status st = sim_h5_write_run(c->w, run, rec, err);
    write_stop(c->res, &t0);
    if (st == SIM_OK)
        c->written++;
    if (st == SIM_OK && c->b->observe != NULL)
        c->b->observe(c->b->ctx, run, id, rec);
    c->settled++;
    return st;
}

static sim_status sink_fail(void *ctx, size_t run, const sim_run_id *id, const sim_error *why,
                            sim_error *err)
{
    batch_ctx *c = ctx;
    write_clock t0 = write_start();
    sim_status st = sim_h5_fail_run(c->w, run, why->msg, err);
    write_stop(c->res, &t0);
    if (st == SIM_OK)
        c->written++;
    if (st == SIM_OK && c->b->failed != NULL)
        c->b->failed(c->b->ctx, run, id, why->msg);
    c->res->runs_failed++;
    c->settled++;
    return st;
}

static sim_status copy_status(batch_ctx *c, sim_h5_reader *from, size_t run, int status,
                              sim_error *err)
{
    if (status == 1) {
        sim_status st = sim_h5_reader_read_run(from, run, c->copy_rec, err);
        if (st == SIM_OK)
            st = sim_h5_write_run(c->w, run, c->copy_rec, err);
        if (st == SIM_OK && c->b->observe != NULL) {
            sim_run_id id = sim_plan_run_id(c->b->plan, run);
            c->b->observe(c->b->ctx, run, &id, c->copy_rec);
        }
        return st;
    }
    const char *msg = sim_h5_reader_run_message(from, run);
    c->res->runs_failed++;
    return sim_h5_fail_run(c->w, run, msg != NULL ? msg : "failed (message unreadable)", err);
}

static sim_status copy_run(batch_ctx *c, sim_h5_reader *from, size_t run, sim_error *err)
{
    int status = sim_h5_reader_run_status(from, run);
    if (status != 1 && status != 2)
        return sim_error_set(err, SIM_INVALID,
                             "run %zu has no status (%d) in the file it is "
                             "copied from",
                             run, status);
    sim_status st = copy_status(c, from, run, status, err);
    if (st == SIM_OK)
        c->written++;
    return st;
}

static int hook_stop(void *ctx)
{
    const batch_ctx *c = ctx;
    return c->b->stop != NULL ? c->b->stop(c->b->ctx) : 0;
}

static sim_status sink_copy(void *ctx, size_t unit, sim_error *err)
{
    batch_ctx *c = ctx;
    const sim_batch *b = c->b;
    size_t nv = b->plan->n_variants;
    /* A merge copies from the unit's shard, unless a resumed OUT.part has the unit already. */
    int from_old = b->sources == NULL || (c->old_done != NULL && c->old_done[unit]);
    sim_h5_reader *from = from_old ? c->old : b->sources[unit % b->n_sources];
    /* The pool copies every done unit even once stopping (a resume must keep what the old
     * file had); a merge's copies from its sources are its work, and stop like runs. */
    if (!from_old && hook_stop(c) >= 1)
        return sim_error_set(err, SIM_INTERRUPTED, "interrupted: %zu runs were not merged",
                             c->runs_total - c->settled);
    write_clock t0 = write_start();
    sim_status st = SIM_OK;
    for (size_t k = 0; k < nv && st == SIM_OK; k++)
        st = copy_run(c, from, unit * nv + k, err);
    write_stop(c->res, &t0);
    if (st != SIM_OK)
        return st;
    if (from_old)
        c->res->runs_resumed += nv;
    else
        c->res->runs_merged += nv;
    c->settled += nv;
    return st;
}

static void hook_progress(void *ctx, size_t units, size_t failed)
{
    const batch_ctx *c = ctx;
    (void)units;
    (void)failed;
    sim_batch_progress now = {
        .runs_total = c->runs_total,
        .runs_settled = c->settled,
        .runs_failed = c->res->runs_failed,
        .runs_resumed = c->res->runs_resumed,
    };
    if (c->b->progress != NULL)
        c->b->progress(c->b->ctx, &now);
}

/* ---- resume ---- */

/* Runs with a status (complete or failed) in the old file. */
static size_t settled_runs(const sim_h5_reader *old, size_t n_runs)
{
    size_t n = 0;
    for (size_t i = 0; i < n_runs; i++) {
        int s = sim_h5_reader_run_status(old, i);
        n += s == 1 || s == 2;
    }
    return n;
}

/* Units whose every run has a status in the old file (complete or failed). */
static unsigned char *done_units(const sim_plan *plan, const sim_h5_reader *old)
{
    size_t nu = sim_plan_n_units(plan), nv = plan->n_variants;
    unsigned char *done = calloc(nu > 0 ? nu : 1, 1);
    for (size_t u = 0; done != NULL && u < nu; u++) {
        done[u] = 1;
        for (size_t k = 0; k < nv; k++) {
            int s = sim_h5_reader_run_status(old, u * nv + k);
            if (s != 1 && s != 2)
                done[u] = 0;
        }
    }
    return done;
}

static sim_status open_old(const sim_batch *b, const char *part, size_t n_runs, sim_h5_reader **out,
                           sim_error *err)
{
    sim_error why;
    sim_error_clear(&why);
    sim_h5_reader *r = sim_h5_open_read(part, &why);
    if (r == NULL)
        return sim_error_set(err, why.status == SIM_NOMEM ? SIM_NOMEM : SIM_IO,
                             "cannot resume from %s: %s; if it was killed while being finished, "
                             "`h5clear -s %s` makes it readable; otherwise remove it or use "
                             "another output",
                             part, why.msg, part);
    const char *fp = sim_h5_reader_attr(r, "sweep_fingerprint");
    if (fp == NULL || strcmp(fp, b->prov->fingerprint) != 0 || sim_h5_reader_n_runs(r) != n_runs) {
        sim_h5_reader_close(r);
        const char *kind = b->prov->kind != NULL ? b->prov->kind : "run";
        return sim_error_set(err, SIM_INVALID,
                             "%s was written by a different %s (the resolved %s, its seed, "
                             "replications or random-number mode differ); remove it or use "
                             "another output",
                             part, kind, strcmp(kind, "sweep") == 0 ? "sweep" : "scenario");
    }
    const char *old_shard = sim_h5_reader_attr(r, "shard");
    const char *shard = b->prov->shard;
    if ((old_shard == NULL) != (shard == NULL) ||
        (shard != NULL && strcmp(old_shard, shard) != 0)) {
        sim_error_set(err, SIM_INVALID,
                      "%s holds %s%s of this sweep, not %s%s; resume it with the shard it was "
                      "started with, or remove it",
                      part, old_shard != NULL ? "shard " : "every run",
                      old_shard != NULL ? old_shard : "", shard != NULL ? "shard " : "every run",
                      shard != NULL ? shard : "");
        sim_h5_reader_close(r);
        return SIM_INVALID;
    }
    *out = r;
    return SIM_OK;
}

/* ---- the batch ---- */

typedef struct batch_files {
    char *part; /* OUT.part */
    char *next; /* OUT.part.new: a file being created, or the new file of a resume */
    int linked; /* a fresh file has both names */
    int moved;  /* resume: the new file was renamed to OUT.part */
} batch_files;

static sim_status files_init(const sim_batch *b, batch_files *f, sim_error *err)
{
    f->part = path_with(b->output, SIM_BATCH_PART_SUFFIX);
    f->next = path_with(b->output, SIM_BATCH_NEW_SUFFIX);
    if (f->part == NULL || f->next == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    return SIM_OK;
}

/* Run coordinates of the file: design point, replication, variant of every run. */
typedef struct batch_coords {
    int64_t *replication, *design;
    int32_t *variant;
} batch_coords;

static sim_status coords_fill(const sim_plan *plan, batch_coords *k, sim_error *err)
{
    size_t n = sim_plan_n_runs(plan);
    k->replication = calloc(n, sizeof *k->replication);
    k->design = calloc(n, sizeof *k->design);
    k->variant = calloc(n, sizeof *k->variant);
    if (k->replication == NULL || k->design == NULL || k->variant == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory for %zu run coordinates", n);
    for (size_t i = 0; i < n; i++) {
        sim_run_id id = sim_plan_run_id(plan, i);
        k->replication[i] = (int64_t)id.replication;
        k->design[i] = (int64_t)id.design;
        k->variant[i] = (int32_t)id.variant;
    }
    return SIM_OK;
}

static sim_status create_writer(batch_ctx *c, const char *path, const batch_coords *k,
                                sim_error *err)
{
    const sim_batch *b = c->b;
    sim_h5_runs runs = {0};
    if (b->design != NULL)
        runs = *b->design;
    runs.n_runs = c->n_runs;
    runs.replication = k->replication;
    runs.design = k->design;
    runs.variant = k->variant;
    write_clock t0 = write_start();
    c->w = sim_h5_create(path, b->plan->cat, &runs, b->prov, err);
    write_stop(c->res, &t0);
    if (c->w != NULL)
        return SIM_OK;
    unlink(path); /* what HDF5 began of a file it could not create (a full disk) */
    return err != NULL ? err->status : SIM_IO;
}

static sim_status run_pool(batch_ctx *c, const unsigned char *done, sim_error *err)
{
    const sim_batch *b = c->b;
    sim_pool_hooks hooks = {
        .sink = {.put = sink_put, .fail = sink_fail, .ctx = c},
        .done = done,
        .copy = sink_copy,
        .outside = c->outside,
        .stop = hook_stop,
        .progress = hook_progress,
        .ctx = c,
        .remote = b->remote,
    };
    return sim_pool_run(b->plan, b->threads, &hooks, &c->res->pool, err);
}

static sim_status close_writer(batch_ctx *c, int complete, sim_error *err)
{
    write_clock t0 = write_start();
    sim_status st = sim_h5_close(c->w, complete, err);
    write_stop(c->res, &t0);
    c->w = NULL;
    return st;
}

/* The last step: the finished file `from` becomes OUT. When the rename fails (OUT became a
 * directory, ...) the file takes the name OUT.part again, where --resume finds it. */
static sim_status rename_final(const sim_batch *b, batch_files *f, const char *from, sim_error *err)
{
    sim_status st = durable_rename(from, b->output, err);
    if (st == SIM_OK || file_exists(f->part) || !file_exists(from))
        return st;
    sim_error ignored;
    if (rename(from, f->part) == 0 && sync_parent(f->part, &ignored) == SIM_OK)
        f->moved = 1;
    return st;
}

/* A fresh file. Linked (f->linked): it has both names, OUT.part.new for the writer (which
 * created it by that name) and OUT.part for everyone else; at the
 * end OUT.part goes first, so that a crash in between leaves OUT.part.new alone, finished,
 * which the next start takes for OUT.part (recover_next). Not linked: it is OUT.part only. */
static sim_status finish_fresh(batch_ctx *c, batch_files *f, sim_status st, sim_error *err)
{
    sim_error cerr;
    sim_error_clear(&cerr);
    if (st != SIM_OK) {
        close_writer(c, 0, &cerr);
        if (f->linked)
            unlink(f->next);
        fsync_path(f->part, 0, &cerr);
        return st;
    }
    sim_status cst = close_writer(c, 1, err);
    if (cst != SIM_OK) {
        if (f->linked)
            unlink(f->next);
        return cst;
    }
    if (!f->linked)
        return rename_final(c->b, f, f->part, err);
    cst = fsync_path(f->next, 0, err);
    if (cst == SIM_OK && unlink(f->part) != 0)
        cst = sim_error_set(err, SIM_IO, "cannot remove %s: %s", f->part, strerror(errno));
    return cst != SIM_OK ? cst : rename_final(c->b, f, f->next, err);
}

/* A resumed file: OUT.part.new replaces OUT.part only when it holds all the old one had. */
static sim_status finish_resumed(batch_ctx *c, batch_files *f, sim_status st, sim_error *err)
{
    sim_error cerr;
    sim_error_clear(&cerr);
    if (st != SIM_OK && st != SIM_INTERRUPTED) {
        close_writer(c, 0, &cerr);
        unlink(f->next); /* it may lack units of the old one: the old stays */
        return st;
    }
    sim_status cst = close_writer(c, st == SIM_OK, err);
    if (cst != SIM_OK) {
        unlink(f->next);
        return cst;
    }
    if (st == SIM_INTERRUPTED) {
        cst = durable_rename(f->next, f->part, err);
        f->moved = !file_exists(f->next);
        return cst != SIM_OK ? cst : st;
    }
    /* Complete: the old file goes first, so that a crash in between leaves OUT.part.new alone,
     * which the next start takes for OUT.part (recover_next). */
    cst = fsync_path(f->next, 0, err);
    if (cst == SIM_OK && unlink(f->part) != 0)
        cst = sim_error_set(err, SIM_IO, "cannot remove %s: %s", f->part, strerror(errno));
    return cst != SIM_OK ? cst : rename_final(c->b, f, f->next, err);
}

static sim_status finish_files(batch_ctx *c, batch_files *f, sim_status st, sim_error *err)
{
    sim_h5_reader_close(c->old);
    c->old = NULL;
    sim_status fst = c->res->resumed ? finish_resumed(c, f, st, err) : finish_fresh(c, f, st, err);
    c->res->complete = st == SIM_OK && fst == SIM_OK;
    return st != SIM_OK ? st : fst;
}

/* OUT.part.new without OUT.part is either a file killed while it was being created (HDF5
 * cannot open it: it holds no run) or a finished file killed just before its last rename
 * (it opens): the first is removed, the second becomes OUT.part. */
static sim_status recover_next(const batch_files *f, sim_error *err)
{
    if (file_exists(f->part) || !file_exists(f->next))
        return SIM_OK;
    sim_error why;
    sim_h5_reader *r = sim_h5_open_read(f->next, &why);
    int opens = r != NULL;
    sim_h5_reader_close(r);
    if (opens)
        return durable_rename(f->next, f->part, err);
    if (unlink(f->next) != 0)
        return sim_error_set(err, SIM_IO, "cannot remove the unfinished %s: %s", f->next,
                             strerror(errno));
    return SIM_OK;
}

static sim_status prepare(batch_ctx *c, batch_files *f, unsigned char **done, sim_error *err)
{
    const sim_batch *b = c->b;
    sim_status st = recover_next(f, err);
    if (st != SIM_OK || !file_exists(f->part))
        return st;
    if (!b->resume)
        return sim_error_set(err, SIM_USAGE,
                             "%s exists: the results of an interrupted run; continue it with "
                             "--resume, or remove it",
                             f->part);
    if (unlink(f->next) != 0 && errno != ENOENT)
        return sim_error_set(err, SIM_IO, "cannot remove the stale %s: %s", f->next,
                             strerror(errno));
    write_clock t0 = write_start();
    st = open_old(b, f->part, c->n_runs, &c->old, err);
    if (st == SIM_OK) {
        c->copy_rec = sim_record_alloc(b->plan->cat);
        *done = done_units(b->plan, c->old);
        c->old_runs = settled_runs(c->old, c->n_runs);
        if (c->copy_rec == NULL || *done == NULL)
            st = sim_error_set(err, SIM_NOMEM, "out of memory");
    }
    if (st == SIM_OK && b->sources != NULL) {
        c->old_done = *done; /* a merge copies every unit: from the old file or a source */
        *done = NULL;
    }
    write_stop(c->res, &t0);
    c->res->resumed = st == SIM_OK;
    return st;
}

/* The new file is created as OUT.part.new: a kill while HDF5 lays it out leaves a file no
 * reader opens, and that must never be OUT.part. A fresh file gets the name OUT.part as a
 * second link as soon as it opens (SWMR writing has started); where the file system has no
 * hard links it is made as OUT.part directly, and a kill during its creation then leaves an
 * OUT.part that a resume refuses (and that the user removes). */
static sim_status open_target(batch_ctx *c, batch_files *f, const batch_coords *k, sim_error *err)
{
    sim_status st = create_writer(c, f->next, k, err);
    if (st != SIM_OK || c->res->resumed)
        return st;
    if (link(f->next, f->part) == 0) {
        f->linked = 1;
        return sync_parent(f->part, err);
    }
    int why = errno;
    sim_error ignored;
    close_writer(c, 0, &ignored);
    unlink(f->next);
    if (why == EEXIST)
        return sim_error_set(err, SIM_IO, "%s appeared while the file was being created", f->part);
    return create_writer(c, f->part, k, err);
}

/* OUT must be able to take the finished file's name: a directory there, or a missing
 * directory above it, is refused before anything runs (not after the last run, when the
 * final rename fails). */
static sim_status check_output(const char *out, sim_error *err)
{
    struct stat st;
    if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
        return sim_error_set(err, SIM_IO, "cannot create results file %s: %s", out,
                             strerror(EISDIR));
    char *dir = parent_of(out);
    if (dir == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    sim_status s = SIM_OK;
    if (stat(dir, &st) != 0)
        s = sim_error_set(err, SIM_IO, "cannot create results file %s: %s: %s", out, dir,
                          strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        s = sim_error_set(err, SIM_IO, "cannot create results file %s: %s: %s", out, dir,
                          strerror(ENOTDIR));
    free(dir);
    return s;
}

/* After a failure: which file holds the runs with a status, and how many. */
static void note_kept(const batch_ctx *c, const batch_files *f, sim_batch_result *res)
{
    if (file_exists(f->part)) {
        res->kept = SIM_BATCH_PART_SUFFIX;
        res->runs_kept = res->resumed && !f->moved ? c->old_runs : c->written;
    } else if (file_exists(f->next)) {
        res->kept = SIM_BATCH_NEW_SUFFIX;
        res->runs_kept = c->written;
    }
}

/* Every occurrence of from in msg becomes to, which is not longer. */
static void replace_path(char *msg, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to);
    if (nt > nf)
        return;
    for (char *p = strstr(msg, from); p != NULL; p = strstr(p + nt, from)) {
        memmove(p + nt, p + nf, strlen(p + nf) + 1);
        memcpy(p, to, nt);
    }
}

/* The writer names its file by the name it was created with, OUT.part.new, which is gone
 * after a failure unless the runs are only there: the message names OUT.part when that is
 * the writer's file, else OUT (a resume's new file, or none left). */
static void name_kept(const sim_batch *b, const batch_files *f, const sim_batch_result *res,
                      sim_error *err)
{
    if (err == NULL || (res->kept != NULL && strcmp(res->kept, SIM_BATCH_NEW_SUFFIX) == 0))
        return;
    int writers = res->kept != NULL && (!res->resumed || f->moved);
    replace_path(err->msg, f->next, writers ? f->part : b->output);
}

static sim_status batch_check(const sim_batch *b, sim_error *err)
{
    if (b == NULL || b->output == NULL || b->plan == NULL || b->prov == NULL ||
        b->prov->fingerprint == NULL || b->plan->cat == NULL)
        return sim_error_set(err, SIM_INTERNAL, "sim_batch_run: missing argument");
    int sharded = b->n_shards > 1;
    if ((sharded && (b->shard >= b->n_shards || b->prov->shard == NULL)) ||
        (!sharded && b->shard != 0) || (b->sources != NULL && (sharded || b->n_sources == 0)))
        return sim_error_set(err, SIM_INTERNAL, "sim_batch_run: inconsistent shard or sources");
    return SIM_OK;
}

size_t sim_batch_shard_runs(const sim_plan *plan, size_t shard, size_t n_shards)
{
    size_t nu = sim_plan_n_units(plan);
    if (n_shards <= 1)
        return nu * plan->n_variants;
    size_t units = nu / n_shards + (shard < nu % n_shards ? 1 : 0);
    return units * plan->n_variants;
}

/* Which units this batch leaves to other shards, and, for a merge, that every unit is
 * copied (from a source, or from the resumed file). */
static sim_status setup_units(batch_ctx *c, unsigned char **done, sim_error *err)
{
    const sim_batch *b = c->b;
    size_t nu = sim_plan_n_units(b->plan);
    c->runs_total = sim_batch_shard_runs(b->plan, b->shard, b->n_shards);
    if (b->n_shards > 1) {
        c->outside = calloc(nu, 1);
        for (size_t u = 0; c->outside != NULL && u < nu; u++)
            c->outside[u] = u % b->n_shards != b->shard;
        if (c->outside == NULL)
            return sim_error_set(err, SIM_NOMEM, "out of memory");
    }
    if (b->sources == NULL)
        return SIM_OK;
    *done = malloc(nu);
    if (*done != NULL)
        memset(*done, 1, nu);
    if (c->copy_rec == NULL)
        c->copy_rec = sim_record_alloc(b->plan->cat);
    if (*done == NULL || c->copy_rec == NULL)
        return sim_error_set(err, SIM_NOMEM, "out of memory");
    return SIM_OK;
}

sim_status sim_batch_run(const sim_batch *b, sim_batch_result *res, sim_error *err)
{
    sim_batch_result local;
    memset(&local, 0, sizeof local);
    if (res != NULL)
        *res = local;
    double start = wall_now();
    sim_status st = batch_check(b, err);
    if (st != SIM_OK)
        return st;
    batch_ctx c = {.b = b, .res = &local, .n_runs = sim_plan_n_runs(b->plan)};
    batch_files f = {0};
    batch_coords k = {0};
    unsigned char *done = NULL;
    st = files_init(b, &f, err);
    if (st == SIM_OK)
        st = check_output(b->output, err);
    if (st == SIM_OK)
        st = coords_fill(b->plan, &k, err);
    if (st == SIM_OK)
        st = prepare(&c, &f, &done, err);
    int prepared = st == SIM_OK;
    if (st == SIM_OK)
        st = setup_units(&c, &done, err);
    if (st == SIM_OK)
        st = open_target(&c, &f, &k, err);
    int opened = st == SIM_OK;
    if (st == SIM_OK) {
        st = run_pool(&c, done, err);
        st = finish_files(&c, &f, st, err);
    }
    if (st != SIM_OK && (opened || local.resumed))
        note_kept(&c, &f, &local);
    if (st != SIM_OK && prepared)
        name_kept(b, &f, &local, err);
    sim_h5_reader_close(c.old);
    sim_record_free(c.copy_rec);
    free(done);
    free(c.outside);
    free(c.old_done);
    free(k.replication);
    free(k.design);
    free(k.variant);
    free(f.part);
    free(f.next);
    local.wall_s = wall_now() - start;
    if (res != NULL)
        *res = local;
    return st;
}
