# Runners (sim/run): the parallel runner and the keyed runner pieces (test_pool), and the
# batch that streams a plan into one crash-safe, resumable results file (test_batch), both
# with a toy model (toy_model.c) so they do not depend on the ecosystem model.
ecotwin_unit_test(NAME test_pool
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_pool.c ${CMAKE_CURRENT_LIST_DIR}/toy_model.c
  LIBS ecotwin_run ecotwin_core
  LABELS unit)
ecotwin_unit_test(NAME test_batch
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_batch.c ${CMAKE_CURRENT_LIST_DIR}/toy_model.c
  LIBS ecotwin_batch ecotwin_run ecotwin_output ecotwin_core
  LABELS unit)
# Remote executors of the pool (what the MPI ranks plug in) and sim_unit_runner.
ecotwin_unit_test(NAME test_pool_remote
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_pool_remote.c ${CMAKE_CURRENT_LIST_DIR}/toy_model.c
  LIBS ecotwin_run ecotwin_core
  LABELS unit)
# Shards of a batch and merging them (sim_batch's shard and sources; ecotwin sweep --shard,
# ecotwin merge).
ecotwin_unit_test(NAME test_batch_shard
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_batch_shard.c ${CMAKE_CURRENT_LIST_DIR}/toy_model.c
  LIBS ecotwin_batch ecotwin_run ecotwin_output ecotwin_core
  LABELS unit shard)
# sim_mpi's result messages (encoding, and refusing malformed ones), when MPI was built. The
# test includes sim_mpi.c to reach its static functions, so it links MPI, not ecotwin_mpi.
if(ECOTWIN_HAVE_MPI)
  ecotwin_unit_test(NAME test_mpi_wire
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_mpi_wire.c
    LIBS ecotwin_run ecotwin_core MPI::MPI_C
    LABELS "unit;mpi")
endif()
