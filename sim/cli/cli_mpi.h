/*
 * cli_mpi: what `ecotwin sweep` does differently under an MPI launcher (docs/hpc.md). Compiled
 * always; without MPI (ECOTWIN_HAVE_MPI undefined) every function behaves as a single process
 * of size 1, so the sweep command has no #ifdef.
 *
 * MPI is initialised only when an MPI launcher started the process (sim_mpi_launched) with more
 * than one rank (or an unknown count) and the command is sweep, so plain `ecotwin` never loads
 * or waits for MPI. With one rank the sweep
 * behaves exactly as without MPI. With several, cmd is "sweep [rank R/K]", so that every log
 * line of every rank names its rank; ranks > 0 write no file and print no progress.
 */
#ifndef CLI_MPI_H
#define CLI_MPI_H

#include "sim_pool.h"
#include "sim_status.h"

typedef struct cli_mpi {
    int rank, size; /* 0 and 1 without MPI */
    char cmd[64];   /* the name for logs: "sweep" or "sweep [rank 1/3]" */
    void *m;        /* sim_mpi *, NULL without MPI */
    int agreed;     /* the start-up agreement succeeded: rank 0 must release the others */
} cli_mpi;

/* Start MPI when launched by an MPI launcher. Returns 0, or an exit code after printing why. */
int cli_mpi_start(cli_mpi *c, const char *cmd);
/* Threads per rank: --threads, else OMP_NUM_THREADS, else SLURM_CPUS_PER_TASK, else the CPUs
 * this process may use divided by the ranks on this node (OMPI_COMM_WORLD_LOCAL_SIZE,
 * SLURM_NTASKS_PER_NODE) unless the launcher already bound it to its share; at least 1. */
int cli_mpi_threads(const cli_mpi *c, long long option, const char **source);
/* Collective start-up check (every rank, once; nothing with one rank): local_rc is this rank's
 * exit code so far (0: its plan is ready, with this fingerprint), threads its thread count.
 * Returns 0, or the exit code every rank then returns (with the reason on stderr). */
int cli_mpi_agree(cli_mpi *c, int local_rc, const char *fingerprint, int threads);
/* Rank 0: the other ranks as remote executors, NULL with one rank. */
const sim_pool_remote *cli_mpi_remote(cli_mpi *c, const sim_plan *plan);
/* Ranks > 0: serve units until rank 0 is done; returns the exit code rank 0 sent. */
int cli_mpi_serve(cli_mpi *c, const sim_plan *plan, int threads);
/* Rank 0: release the serving ranks with this exit code (no-op unless agreed). */
void cli_mpi_release(cli_mpi *c, int exit_code);
/* MPI_Finalize when it was initialised. */
void cli_mpi_finish(cli_mpi *c);
/* "Open MPI v4.1.4, ..." or "MPI not built", for --version. */
void cli_mpi_version(char *buf, size_t n);

#endif
