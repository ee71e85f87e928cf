/*
 * sim_mpi: the runs of a plan spread over MPI ranks, for `mpirun -np K ecotwin sweep`.
 * Compiled only when CMake finds MPI (ECOTWIN_HAVE_MPI).
 *
 * Roles. Every rank opens the same sweep itself (all get the same argv) and builds the same
 * plan. Rank 0 runs the normal batch (sim_batch: the one writer, resume, signals) with its
 * own worker threads plus remote slots (sim_pool_remote), one slot per worker thread of every
 * other rank; a slot thread on rank 0 sends a unit index to "its" thread on a serving rank and
 * waits for the packed result, so a rank that finishes early gets the next unit (dynamic
 * scheduling, the pool's one queue). Ranks > 0 serve: each of their T threads computes the
 * units its slot sends with its own sim_unit_runner and sends back the group (per variant: ok
 * flag, failure status and message, the record packed by sim_record_pack; events). Rank 0
 * ends every slot with a stop message carrying the exit code all ranks return.
 *
 * Start-up (sim_mpi_agree, collective): rank 0 broadcasts the fingerprint of its plan (the
 * resume fingerprint: plan and resolved YAML), every rank compares it with its own, and every
 * rank learns every other's status and thread count. Any rank that could not open the sweep
 * or sees another fingerprint makes every rank fail, with one message naming the rank.
 *
 * Never busy-waiting: Open MPI's blocking calls spin a CPU core while they wait, which on a
 * small machine takes the core a worker needs. Every wait here (rank 0's slots, the serving
 * ranks' dispatcher) is MPI_Test/MPI_Improbe with a nanosleep of SIM_MPI_POLL_US between
 * tries. The start-up collectives and MPI_Finalize do block (briefly).
 *
 * Stopping. A serving rank never stops on its own signals beyond what its stop hook says:
 * level 1 (one SIGTERM) changes nothing there (rank 0 stops handing out units and lets
 * running ones finish), level 2 abandons its running units, which are then reported back as
 * interrupted. When rank 0 abandons (its own level 2, or a fatal error), each busy slot sends
 * a cancel to its thread and waits only for that thread's (immediate) interrupted reply.
 * Every request gets exactly one reply, so no message is left unmatched at MPI_Finalize.
 *
 * Threads: MPI_Init_thread(MPI_THREAD_MULTIPLE) is required (rank 0's slot threads talk to
 * MPI at once); sim_mpi_init fails when the library provides less. Messages between a slot
 * and its thread use tags of their own on a duplicate of MPI_COMM_WORLD. Records travel in
 * the host byte order: the ranks must share an architecture (a homogeneous cluster).
 */
#ifndef SIM_MPI_H
#define SIM_MPI_H

#include <stddef.h>

#include "sim_pool.h"
#include "sim_status.h"

#define SIM_MPI_POLL_US 500

typedef struct sim_mpi sim_mpi;

/* Whether an MPI launcher started this process (mpirun, mpiexec, srun with PMI/PMIx): one of
 * OMPI_COMM_WORLD_SIZE, PMIX_RANK, PMI_SIZE is set. Reads the environment only. */
int sim_mpi_launched(void);

/* MPI_Init_thread asking for MPI_THREAD_MULTIPLE. SIM_INTERNAL when MPI provides less (MPI is
 * then finalized again). */
sim_status sim_mpi_init(sim_mpi **out, sim_error *err);
int sim_mpi_rank(const sim_mpi *m);
int sim_mpi_size(const sim_mpi *m);

/* The MPI library's own version line ("Open MPI v4.1.4, ..."), first line only. */
void sim_mpi_library_version(char *buf, size_t n);

/* Collective, once, on every rank: `local` is this rank's status so far (SIM_OK when its plan
 * is ready; fingerprint may then not be NULL), threads its worker threads. SIM_OK when every
 * rank is ready with rank 0's fingerprint; else the first failing rank's status (or
 * SIM_INVALID for another fingerprint) with a message naming it. */
sim_status sim_mpi_agree(sim_mpi *m, sim_status local, const char *fingerprint, int threads,
                         sim_error *err);
/* Rank 0, after a successful agree: the other ranks' threads as remote slots for sim_pool
 * running plan (the plan every rank made; it must outlive the pool run). NULL when out of
 * memory. */
const sim_pool_remote *sim_mpi_remote(sim_mpi *m, const sim_plan *plan);
/* Rank 0, after a successful agree: end every serving thread; they return exit_code. */
sim_status sim_mpi_release(sim_mpi *m, int exit_code, sim_error *err);
/* Ranks > 0, after a successful agree: compute the units rank 0 sends with `threads` threads
 * (the count given to agree) until rank 0 releases them; *exit_code is what rank 0 sent.
 * stop (may be NULL) is polled: 2 or more abandons the running units. */
sim_status sim_mpi_serve(sim_mpi *m, const sim_plan *plan, int threads, int (*stop)(void *ctx),
                         void *ctx, int *exit_code, sim_error *err);
/* MPI_Finalize and free; NULL is a no-op. */
void sim_mpi_finalize(sim_mpi *m);

#endif
