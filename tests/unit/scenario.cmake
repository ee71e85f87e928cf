# Scenario layer: the parameter tree with its typed getters (sim/core/sim_cfg) and the YAML
# loader and emitter (sim/scenario/sim_yaml), including the loader-level bad-input corpus
# tests/data/bad/yaml_*.yaml (test_yaml reads each file's "# expect:" lines).
ecotwin_unit_test(NAME test_cfg
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_cfg.c
  LIBS ecotwin_scenario ecotwin_core
  LABELS unit)
ecotwin_unit_test(NAME test_yaml
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_yaml.c
  LIBS ecotwin_scenario ecotwin_core
  LABELS unit)
# So the test also finds its data when run by hand, outside ctest.
target_compile_definitions(test_yaml PRIVATE
  ECOTWIN_TEST_DATA_DEFAULT="${CMAKE_CURRENT_SOURCE_DIR}/data")
