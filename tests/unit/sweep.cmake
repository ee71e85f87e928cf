# Sweeps: the pure design generators and the CSV reader (test_design), and sweep files,
# factor paths and design points on top of the scenario layer (test_sweep, which reads its
# fixtures from tests/data/sweeps and the sweep files of the bad corpus,
# tests/data/bad/sweep_*.yaml).
ecotwin_unit_test(NAME test_design
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_design.c
  LIBS ecotwin_sweep ecotwin_core GSL::gsl
  LABELS unit)
ecotwin_unit_test(NAME test_sweep
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_sweep.c
  LIBS ecotwin_sweep ecotwin_run ecotwin_scenario ecotwin_core
  LABELS unit)
target_compile_definitions(test_sweep PRIVATE
  ECOTWIN_TEST_DATA_DEFAULT="${CMAKE_CURRENT_SOURCE_DIR}/data")
