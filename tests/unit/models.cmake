# tests of this area are registered here

# eco_params (params helper)
ecotwin_unit_test(NAME test_eco_params SOURCES unit/test_eco_params.c
  LIBS ecotwin_models ecotwin_scenario ecotwin_core LABELS unit)

# model run (model helper)
foreach(t test_eco_model test_eco_stats)
  ecotwin_unit_test(NAME ${t} SOURCES unit/${t}.c unit/test_eco_fixture.c
    LIBS ecotwin_models ecotwin_core LABELS unit)
  target_include_directories(${t} PRIVATE ${PROJECT_SOURCE_DIR}/models/ecosystem)
endforeach()
set_tests_properties(test_eco_stats PROPERTIES LABELS "unit;statistical")
