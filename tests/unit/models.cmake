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

# ecosystem side (B3): population, pairing, network; model-level runs through the runner
ecotwin_unit_test(NAME test_eco_pair SOURCES unit/test_eco_pair.c
  LIBS ecotwin_models ecotwin_core LABELS unit)
target_include_directories(test_eco_pair PRIVATE ${PROJECT_SOURCE_DIR}/models/ecosystem)
foreach(t test_eco_population test_eco_network test_eco_mechanisms)
  ecotwin_unit_test(NAME ${t} SOURCES unit/${t}.c unit/test_eco_runs.c
    LIBS ecotwin_run ecotwin_scenario ecotwin_models ecotwin_core LABELS unit)
  target_include_directories(${t} PRIVATE ${PROJECT_SOURCE_DIR}/models/ecosystem)
endforeach()
set_tests_properties(test_eco_mechanisms PROPERTIES LABELS "unit;statistical")

# sharing side of the behaviour layer (B1: pool, reviews, trust, co-learning)
ecotwin_unit_test(NAME test_eco_behaviour
  SOURCES unit/test_eco_behaviour.c unit/test_eco_fixture.c
  LIBS ecotwin_models ecotwin_scenario ecotwin_core LABELS unit)
target_include_directories(test_eco_behaviour PRIVATE ${PROJECT_SOURCE_DIR}/models/ecosystem)

# business side of the behaviour layer (B2: overflow, opportunities, projects, contracts)
ecotwin_unit_test(NAME test_eco_business
  SOURCES unit/test_eco_business.c unit/test_eco_fixture.c
  LIBS ecotwin_models ecotwin_scenario ecotwin_core LABELS unit)
target_include_directories(test_eco_business PRIVATE ${PROJECT_SOURCE_DIR}/models/ecosystem)
