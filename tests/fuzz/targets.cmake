# The fuzz targets and the libraries each one drives; shared by the libFuzzer build
# (CMakeLists.txt here, ECOTWIN_FUZZ=ON) and the replay tests of every build (fuzz.cmake).
# A new target: add fuzz_<name>.c, a line below, seeds in corpus/<name>/ and an empty
# regressions/<name>/ (holding .gitkeep).
set(ECOTWIN_FUZZ_TARGETS scenario yaml_emit sweep h5_inspect h5_read an_results)
set(ECOTWIN_FUZZ_LIBS_scenario ecotwin_run ecotwin_scenario ecotwin_models ecotwin_core)
set(ECOTWIN_FUZZ_LIBS_yaml_emit ecotwin_scenario ecotwin_core)
set(ECOTWIN_FUZZ_LIBS_sweep ecotwin_sweep ecotwin_run ecotwin_scenario ecotwin_models
  ecotwin_core)
set(ECOTWIN_FUZZ_LIBS_h5_inspect ecotwin_output ecotwin_run ecotwin_scenario ecotwin_models
  ecotwin_core)
set(ECOTWIN_FUZZ_LIBS_h5_read ecotwin_output ecotwin_run ecotwin_scenario ecotwin_models
  ecotwin_core)
set(ECOTWIN_FUZZ_LIBS_an_results ecotwin_analysis ecotwin_output ecotwin_core)
