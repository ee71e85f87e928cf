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
