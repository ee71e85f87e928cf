/* cli_batch: what `ecotwin run` and `ecotwin sweep` share once their plan is made: running it
 * into one results file with a progress display, SIGINT/SIGTERM handling and the first
 * failure messages on stderr. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* HDF5 allocates and frees its metadata buffers at every flush, and a run is flushed twice.
 * With glibc's default trim threshold the freed top of the heap goes back to the kernel and
 * is faulted in again at the next flush (about 200 brk calls per run of the tiny scenario);
 * keeping up to this much at the top halved the time spent writing in our measurements
 * (bench/README.md). Peak memory does not change: the pages are reused, not added. */
#define HEAP_KEEP_BYTES (32 * 1024 * 1024)
#define HEAP_PAD_BYTES  (8 * 1024 * 1024)

typedef struct batch_view {
    const cli_batch *cb;
    cli_progress progress;
    size_t failures_shown;
} batch_view;

static int view_stop(void *ctx)
{
    (void)ctx;
    return cli_interrupted();
}

static void view_progress(void *ctx, const sim_batch_progress *now)
{
    batch_view *v = ctx;
    /* The rate counts runs computed here, not those copied from a resumed file. */
    v->progress.base = now->runs_resumed;
    v->progress.failed = now->runs_failed;
    cli_progress_update(&v->progress, now->runs_settled);
}

static void view_observe(void *ctx, size_t run, const sim_run_id *id, const sim_record *rec)
{
    const batch_view *v = ctx;
    if (v->cb->observe != NULL)
        v->cb->observe(v->cb->ctx, run, id, rec);
}

static void view_failed(void *ctx, size_t run, const sim_run_id *id, const char *message)
{
    batch_view *v = ctx;
    const cli_batch *cb = v->cb;
    if (v->failures_shown == CLI_BATCH_SHOW_FAILURES)
        cli_errorf(cb->cmd, "more runs failed; every failure is in run_status and run_message");
    if (v->failures_shown++ >= CLI_BATCH_SHOW_FAILURES)
        return;
    if (v->progress.tty && v->progress.enabled)
        fputs("\r\033[K", stderr); /* the bar's line; it is drawn again below the message */
    if (cb->design != NULL && cb->design->n_design > 0)
        cli_errorf(cb->cmd, "run %zu (design point %llu, replication %llu) failed: %s", run,
                   (unsigned long long)id->design, (unsigned long long)id->replication, message);
    else
        cli_errorf(cb->cmd, "run %zu (replication %llu) failed: %s", run,
                   (unsigned long long)id->replication, message);
}

/* After a failure, where the completed runs are and how to go on. A merge removes an OUT.part
 * it made and could not finish (it holds only copies of the shards: cmd_merge.c), so it says
 * nothing unless it resumed one. */
static void report_kept(const cli_batch *cb, const sim_batch_result *res)
{
    if (res->kept == NULL || (cb->sources != NULL && !res->resumed))
        return;
    size_t total = sim_batch_shard_runs(cb->plan, cb->shard, cb->n_shards);
    int only_new = strcmp(res->kept, SIM_BATCH_NEW_SUFFIX) == 0;
    cli_errorf(cb->cmd,
               "%zu of %zu runs are kept in %s%s%s; once the cause is fixed, continue with the "
               "same command and --resume",
               res->runs_kept, total, cb->output, res->kept,
               only_new ? " (the next start renames it to .part)" : "");
}

static void report(const cli_batch *cb, sim_status st, const sim_batch_result *res,
                   const sim_error *err)
{
    if (st == SIM_OK)
        return;
    if (st != SIM_INTERRUPTED) {
        cli_errorf(cb->cmd, "%s", err->msg);
        report_kept(cb, res);
        return;
    }
    size_t in_file =
        res->runs_resumed + res->runs_merged + res->pool.runs_done + res->pool.runs_failed;
    cli_errorf(cb->cmd,
               "interrupted: %zu of %zu runs are in %s%s; continue with the same command and "
               "--resume",
               in_file, sim_batch_shard_runs(cb->plan, cb->shard, cb->n_shards), cb->output,
               SIM_BATCH_PART_SUFFIX);
}

/* --resume: an OUT.part HDF5 crashes or loops on is refused before sim_batch opens it, and
 * left as it is (cli_probe.c). 0, or 74 after the message. */
static int probe_part(const cli_batch *cb)
{
    char *part = sim_batch_part_path(cb->output);
    int code = part != NULL && access(part, F_OK) == 0
                   ? cli_probe_file(cb->cmd, part, CLI_PROBE_READER, NULL, 0)
                   : 0;
    free(part);
    return code;
}

sim_status cli_batch_run(const cli_batch *cb, sim_batch_result *res)
{
    if (cb->resume && probe_part(cb) != 0) {
        memset(res, 0, sizeof *res);
        return SIM_IO;
    }
    batch_view v = {.cb = cb};
    sim_batch b = {
        .output = cb->output,
        .plan = cb->plan,
        .threads = cb->threads,
        .resume = cb->resume,
        .design = cb->design,
        .prov = cb->prov,
        .stop = view_stop,
        .observe = view_observe,
        .failed = view_failed,
        .progress = view_progress,
        .ctx = &v,
        .remote = cb->remote,
        .shard = cb->shard,
        .n_shards = cb->n_shards,
        .sources = cb->sources,
        .n_sources = cb->n_sources,
    };
    sim_error err;
    sim_error_clear(&err);
    mallopt(M_TRIM_THRESHOLD, HEAP_KEEP_BYTES);
    mallopt(M_TOP_PAD, HEAP_PAD_BYTES);
    cli_install_interrupt_handlers();
    cli_progress_start(&v.progress, sim_batch_shard_runs(cb->plan, cb->shard, cb->n_shards),
                       cb->quiet);
    sim_status st = sim_batch_run(&b, res, &err);
    cli_progress_finish(&v.progress, res->runs_resumed + res->runs_merged + res->pool.runs_done +
                                         res->pool.runs_failed);
    report(cb, st, res, &err);
    return st;
}

int cli_batch_exit_code(sim_status st, const sim_batch_result *res)
{
    if (st == SIM_OK && res->runs_failed > 0)
        return sim_status_exit_code(SIM_NUMERIC);
    return sim_status_exit_code(st);
}
