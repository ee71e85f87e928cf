# Tests of analysis/ (an_stats, an_results, an_select): statistics against known values, the
# constructed results file of an_fixture.h, and hostile files. an_sample writes that file for
# tests/integration/test_summarize_compare.sh (summarize and compare end to end).
ecotwin_unit_test(NAME test_an_stats SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_an_stats.c
  LIBS ecotwin_analysis LABELS "unit;statistical")
ecotwin_unit_test(NAME test_an_results SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_an_results.c
  LIBS ecotwin_analysis ecotwin_output ecotwin_core LABELS unit)
add_executable(an_sample ${CMAKE_CURRENT_LIST_DIR}/an_sample.c)
target_link_libraries(an_sample PRIVATE ecotwin_output ecotwin_core ecotwin_flags)
# Sensitivity: Sobol indices from a Saltelli design (Ishigami and a linear model against
# their closed forms, through sim_design_saltelli as `ecotwin sensitivity` gets them) and
# standardized regression coefficients (against the closed form of least squares).
ecotwin_unit_test(NAME test_sobol SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_sobol.c
  LIBS ecotwin_analysis ecotwin_sweep ecotwin_core GSL::gsl LABELS "unit;statistical")
ecotwin_unit_test(NAME test_regress SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_regress.c
  LIBS ecotwin_analysis ecotwin_core GSL::gsl LABELS unit)
