# PHOLD, the benchmark model (models/phold, bench/): conservation, determinism, remote share
# and event rate against their expected values, and every error of the phold: section.
ecotwin_unit_test(NAME test_phold SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_phold.c
  LIBS ecotwin_run ecotwin_scenario ecotwin_models ecotwin_core LABELS "unit;statistical")
target_include_directories(test_phold PRIVATE ${PROJECT_SOURCE_DIR}/models/phold)
