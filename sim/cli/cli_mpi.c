/* cli_mpi: the sweep command's MPI glue; contract in cli_mpi.h. */
/* sched_getaffinity and CPU_COUNT are GNU extensions. */
#define _GNU_SOURCE
#include "cli_mpi.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifdef ECOTWIN_HAVE_MPI
#include "sim_mpi.h"
#endif

#ifdef ECOTWIN_HAVE_MPI
/* One rank by the launcher's word: nothing to share, so MPI is not even started (its start-up
 * probes the network, about 0.3 s with Debian's Open MPI). */
static int launched_alone(void)
{
    const char *n = getenv("OMPI_COMM_WORLD_SIZE");
    if (n == NULL)
        n = getenv("PMI_SIZE");
    return n != NULL && strcmp(n, "1") == 0;
}
#endif

int cli_mpi_start(cli_mpi *c, const char *cmd)
{
    memset(c, 0, sizeof *c);
    c->size = 1;
    snprintf(c->cmd, sizeof c->cmd, "%s", cmd);
#ifdef ECOTWIN_HAVE_MPI
    if (!sim_mpi_launched() || launched_alone())
        return 0;
    sim_mpi *m = NULL;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_mpi_init(&m, &err);
    if (st != SIM_OK) {
        cli_errorf(cmd, "%s", err.msg);
        return sim_status_exit_code(st);
    }
    c->m = m;
    c->rank = sim_mpi_rank(m);
    c->size = sim_mpi_size(m);
    if (c->size > 1)
        snprintf(c->cmd, sizeof c->cmd, "%s [rank %d/%d]", cmd, c->rank, c->size);
#endif
    return 0;
}

/* The CPUs this process may run on, and whether that is fewer than the machine has (the
 * launcher bound it). */
static int cpus_allowed(int *bound)
{
    cpu_set_t set;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    int n = 0;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
    if (n <= 0)
        n = online > 0 ? (int)online : 1;
    *bound = online > 0 && n < online;
    return n < SIM_POOL_MAX_THREADS ? n : SIM_POOL_MAX_THREADS;
}

int cli_mpi_threads(const cli_mpi *c, long long option, const char **source)
{
    const char *from = NULL;
    int n = cli_threads(option, &from);
    if (c->size <= 1 || strcmp(from, "available CPUs") != 0) {
        *source = from;
        return n;
    }
    int bound = 0, cpus = cpus_allowed(&bound);
    /* SLURM_NTASKS_PER_NODE may read "2(x3)": 2 tasks on each of 3 nodes. */
    int local = cli_env_count("OMPI_COMM_WORLD_LOCAL_SIZE", ",(");
    if (local == 0)
        local = cli_env_count("SLURM_NTASKS_PER_NODE", ",(");
    if (bound || local <= 1) {
        *source = bound ? "CPUs this rank is bound to" : "available CPUs";
        return cpus;
    }
    n = cpus / local;
    *source = "available CPUs / ranks on this node";
    return n > 0 ? n : 1;
}

/* The status behind an exit code (the first with it), for telling the other ranks. */
static sim_status status_of_exit(int rc)
{
    for (int s = 0; s < SIM_STATUS_COUNT; s++)
        if (sim_status_exit_code((sim_status)s) == rc)
            return (sim_status)s;
    return SIM_INTERNAL;
}

int cli_mpi_agree(cli_mpi *c, int local_rc, const char *fingerprint, int threads)
{
#ifdef ECOTWIN_HAVE_MPI
    if (c->m == NULL || c->size <= 1)
        return local_rc;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_mpi_agree(c->m, status_of_exit(local_rc), fingerprint, threads, &err);
    if (st == SIM_OK) {
        c->agreed = 1;
        return 0;
    }
    /* A rank that failed itself has said why already. */
    if (local_rc == 0)
        cli_errorf(c->cmd, "%s", err.msg);
    return local_rc != 0 ? local_rc : sim_status_exit_code(st);
#else
    (void)c;
    (void)fingerprint;
    (void)threads;
    (void)status_of_exit;
    return local_rc;
#endif
}

const sim_pool_remote *cli_mpi_remote(cli_mpi *c, const sim_plan *plan)
{
#ifdef ECOTWIN_HAVE_MPI
    if (c->m != NULL && c->size > 1 && c->rank == 0 && c->agreed)
        return sim_mpi_remote(c->m, plan);
#else
    (void)c;
#endif
    (void)plan;
    return NULL;
}

#ifdef ECOTWIN_HAVE_MPI
static int stop_level(void *ctx)
{
    (void)ctx;
    return cli_interrupted();
}
#endif

int cli_mpi_serve(cli_mpi *c, const sim_plan *plan, int threads)
{
#ifdef ECOTWIN_HAVE_MPI
    /* Signals must not end a serving rank: rank 0 decides (docs/hpc.md). */
    cli_install_interrupt_handlers();
    int code = 0;
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_mpi_serve(c->m, plan, threads, stop_level, NULL, &code, &err);
    if (st != SIM_OK)
        cli_errorf(c->cmd, "%s", err.msg);
    return code;
#else
    (void)c;
    (void)plan;
    (void)threads;
    return sim_status_exit_code(SIM_INTERNAL);
#endif
}

void cli_mpi_release(cli_mpi *c, int exit_code)
{
#ifdef ECOTWIN_HAVE_MPI
    if (c->m == NULL || c->size <= 1 || c->rank != 0 || !c->agreed)
        return;
    sim_error err;
    if (sim_mpi_release(c->m, exit_code, &err) != SIM_OK)
        cli_errorf(c->cmd, "%s", err.msg);
#else
    (void)c;
    (void)exit_code;
#endif
}

void cli_mpi_finish(cli_mpi *c)
{
#ifdef ECOTWIN_HAVE_MPI
    sim_mpi_finalize(c->m);
#endif
    c->m = NULL;
}

void cli_mpi_version(char *buf, size_t n)
{
#ifdef ECOTWIN_HAVE_MPI
    sim_mpi_library_version(buf, n);
#else
    snprintf(buf, n, "MPI not built");
#endif
}
