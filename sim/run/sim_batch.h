/*
 * sim_batch: a plan run by the worker pool (sim_pool) into one results file (sim_h5), safe
 * against kills and resumable. `ecotwin run` and `ecotwin sweep` both go through it.
 *
 * Files: the results go to OUT.part, renamed to OUT once every run has a status (complete or
 * failed). The pool's consumer is the thread calling sim_batch_run: it alone calls HDF5, and
 * writes run i at index i as soon as runs 0..i are in, so the file never depends on the
 * number of threads or the order runs finish in. The writer's SWMR mode (sim_h5.h) means a
 * kill at any instant leaves an OUT.part that opens and holds every run completed before it.
 *
 * Resume (resume != 0 and OUT.part exists): the old file must carry the same fingerprint
 * (provenance field; the caller makes it from everything that decides the data) and run
 * count, else SIM_INVALID "OUT.part was written by a different sweep ...", and the same
 * shard attribute (prov->shard), else SIM_INVALID "OUT.part holds shard ...". A unit (design
 * point, replication) is kept when all its runs have a status; its runs are copied from the
 * old file into a fresh OUT.part.new, in run order among the runs computed anew. The new
 * file replaces the old (fsync, rename, fsync of the directory) only once it holds every
 * unit the old one had, so no crash loses a completed run. Without resume an existing
 * OUT.part is not overwritten (SIM_USAGE): it may hold hours of work; with resume and no
 * OUT.part, the batch simply starts.
 *
 * Every new file is created as OUT.part.new and takes its final name only once it opens
 * (HDF5 has laid it out and started SWMR writing), so OUT.part, whenever it exists, opens.
 * At the start, an OUT.part.new left by a kill is removed, or, when it is a finished file
 * killed before its last rename and OUT.part is missing, becomes OUT.part (sim_batch.c has
 * the order of the file operations).
 *
 * Stopping: the stop hook (see sim_pool) stops the pool; every finished unit is written,
 * the file is left as OUT.part (not complete) and the result is SIM_INTERRUPTED.
 *
 * Not thread-safe beyond that: one batch at a time per process (HDF5).
 */
#ifndef SIM_BATCH_H
#define SIM_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "sim_h5.h"
#include "sim_pool.h"
#include "sim_status.h"

/* Names derived from OUT. */
#define SIM_BATCH_PART_SUFFIX ".part"
#define SIM_BATCH_NEW_SUFFIX  ".part.new"

typedef struct sim_batch_progress {
    size_t runs_total;
    size_t runs_settled; /* in the file: computed, failed or copied */
    size_t runs_failed;
    size_t runs_resumed; /* of runs_settled, copied from the old OUT.part */
} sim_batch_progress;

typedef struct sim_batch {
    const char *output; /* OUT */
    const sim_plan *plan;
    int threads;
    int resume;
    /* Variant names and design coordinates (n_design, factors); its per-run fields
     * (n_runs, replication, design, variant) are filled by the batch. */
    const sim_h5_runs *design;
    /* Provenance; fingerprint identifies what would be resumed. */
    const sim_h5_provenance *prov;
    /* Consumer-side hooks, all on the calling thread, may be NULL: stop as in sim_pool;
     * observe after each complete run written, copied ones included; progress after each
     * unit. */
    int (*stop)(void *ctx);
    void (*observe)(void *ctx, size_t run, const sim_run_id *id, const sim_record *rec);
    /* After each failed run written (not for copied ones). */
    void (*failed)(void *ctx, size_t run, const sim_run_id *id, const char *message);
    void (*progress)(void *ctx, const sim_batch_progress *now);
    void *ctx;
    /* Shard `shard` of `n_shards` (n_shards 0 or 1: the whole plan): only the units u with
     * u % n_shards == shard are run (round robin, so design points of different cost are
     * spread evenly); the file keeps every run's place, the other shards' runs stay "not run",
     * and it is complete (renamed to OUT) once every run of the shard has a status.
     * prov->shard must say "shard/n_shards": a resume refuses an OUT.part whose shard
     * attribute differs. */
    size_t shard, n_shards;
    /* Merge (sources != NULL, whole plan only): every unit u is copied from
     * sources[u % n_sources] (shard u % n_sources of a sharded sweep, n_sources == 1: a whole
     * file) instead of being run; plan->open is never called. Each source must hold every run
     * it is asked for with a status (1 or 2), else SIM_INVALID; the caller checks the sources
     * first. With resume, units complete in an old OUT.part come from it. The stop hook
     * stops the copying from sources as it stops runs (SIM_INTERRUPTED, OUT.part left). */
    sim_h5_reader *const *sources;
    size_t n_sources;
    /* Remote executors (MPI ranks) beside the local threads, or NULL: see sim_pool_remote.
     * Units copied on resume are never sent to them. */
    const sim_pool_remote *remote;
} sim_batch;

typedef struct sim_batch_result {
    sim_pool_stats pool;
    size_t runs_resumed; /* copied from the old OUT.part */
    size_t runs_merged;  /* copied from the sources of a merge */
    size_t runs_failed;  /* failed runs in the file, copied ones included */
    double write_s;      /* inside sim_h5_* calls: create, write, fail, copy, close */
    double write_cpu_s;  /* the same, CPU time of the writing thread */
    double wall_s;
    int resumed;  /* an old OUT.part was continued */
    int complete; /* OUT holds every run */
    /* Not complete, once the file was opened (or the old one resumed): the file left with the
     * runs that have a status, SIM_BATCH_PART_SUFFIX (OUT.part, which resume continues),
     * SIM_BATCH_NEW_SUFFIX (only when OUT.part.new could not be renamed back to OUT.part; the
     * next start does it) or NULL (none left); and how many runs it holds. */
    const char *kept;
    size_t runs_kept;
} sim_batch_result;

/* Run b. SIM_OK: every run has a status and the results are in OUT (failed runs are counted in
 * res->runs_failed); SIM_INTERRUPTED: stopped, the completed runs are in OUT.part; SIM_INVALID:
 * resume refused; SIM_USAGE: OUT.part exists and resume was not asked; SIM_IO, SIM_NOMEM,
 * SIM_INTERNAL as the pool and the writer report them. OUT that is a directory, or whose
 * directory is missing or not one, is SIM_IO before anything runs. After any failure the
 * completed runs stay in OUT.part (a failed final rename gives the finished file that name
 * back), res->kept says so, and err's message names that file, never OUT.part.new unless the
 * runs are only there. res may be NULL. */
sim_status sim_batch_run(const sim_batch *b, sim_batch_result *res, sim_error *err);

/* The fingerprint of what a batch computes, for refusing to resume another one: a 128-bit
 * hash (two FNV-1a 64 lanes with different bases: not cryptographic, enough to tell
 * different sweeps apart) fed with the plan and whatever text decides the data (resolved
 * YAML, design values). */
typedef struct sim_batch_hash {
    uint64_t lane[2];
} sim_batch_hash;
#define SIM_BATCH_HASH_HEX 33 /* 32 hex digits and the terminator */

void sim_batch_hash_init(sim_batch_hash *h);
void sim_batch_hash_add(sim_batch_hash *h, const void *data, size_t n);
/* Adds the terminator too, so that "ab" + "c" and "a" + "bc" differ. NULL adds "(null)". */
void sim_batch_hash_text(sim_batch_hash *h, const char *s);
/* Design points, replications, variants, master seed and crn of plan. */
void sim_batch_hash_plan(sim_batch_hash *h, const sim_plan *plan);
void sim_batch_hash_hex(const sim_batch_hash *h, char out[SIM_BATCH_HASH_HEX]);

/* Runs of shard `shard` of `n_shards` (0 or 1: every run) of plan. */
size_t sim_batch_shard_runs(const sim_plan *plan, size_t shard, size_t n_shards);

/* "OUT.part" for OUT (malloc'd; NULL when out of memory). */
char *sim_batch_part_path(const char *output);

#endif
