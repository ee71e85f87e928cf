# End-to-end tests of the ecotwin program. Scripts get the binary in $ECOTWIN and the
# repository root in $ECOTWIN_ROOT.
set(_itest_env "ECOTWIN=$<TARGET_FILE:ecotwin>;ECOTWIN_ROOT=${CMAKE_SOURCE_DIR};PYTHON=/usr/bin/python3")
set(_itest_dir ${CMAKE_CURRENT_SOURCE_DIR}/integration)

# Every file of the bad-scenario corpus: exit 65 and each `# expect:` substring on stderr.
file(GLOB _bad_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/data/bad/*.yaml)
foreach(_f IN LISTS _bad_files)
  get_filename_component(_name ${_f} NAME_WE)
  add_test(NAME bad_${_name} COMMAND bash ${_itest_dir}/check_bad.sh ${_f})
  set_tests_properties(bad_${_name} PROPERTIES LABELS "integration" ENVIRONMENT "${_itest_env}")
endforeach()

foreach(_t cli determinism interop_run)
  add_test(NAME cli_${_t} COMMAND bash ${_itest_dir}/test_${_t}.sh)
  set_tests_properties(cli_${_t} PROPERTIES LABELS "integration" ENVIRONMENT "${_itest_env}")
endforeach()
set_tests_properties(cli_interop_run PROPERTIES LABELS "integration;interop")

# Every scenario shipped in scenarios/ (baseline, population, policy set, V-cases) validates.
add_test(NAME scenarios_validate COMMAND bash ${_itest_dir}/check_scenarios.sh)
set_tests_properties(scenarios_validate PROPERTIES LABELS "integration" ENVIRONMENT "${_itest_env}")

# Sweeps and the parallel runner: thread-count invariance and common random numbers, kills
# and resumes, fault isolation and the command line, memory flatness (2,000 runs: slow).
foreach(_t threads resume faults)
  add_test(NAME sweep_${_t} COMMAND bash ${_itest_dir}/test_sweep_${_t}.sh)
  set_tests_properties(sweep_${_t} PROPERTIES LABELS "integration" ENVIRONMENT "${_itest_env}")
endforeach()
add_test(NAME sweep_memory COMMAND bash ${_itest_dir}/test_sweep_memory.sh)
set_tests_properties(sweep_memory PROPERTIES LABELS "slow;integration" TIMEOUT 600
  ENVIRONMENT "${_itest_env}")

# Reliability (docs/reliability.md): hostile inputs beyond tests/data/bad with peak-memory
# bounds, faults during a run (unwritable output, SIGTERM, SIGINT, SIGKILL), a full disk
# (a small tmpfs; skipped, exit 77, where mounting is not permitted), repeated SIGKILLs with
# resume for run and sweep, and valgrind on smoke runs (not in sanitizer builds). The
# sanitizer build repeats fewer kill trials.
set(_rel_env "${_itest_env}")
if(ECOTWIN_SANITIZE)
  list(APPEND _rel_env ECOTWIN_SANITIZED=1 KILL_TRIALS=5)
endif()
foreach(_t hostile faults full_disk)
  add_test(NAME reliability_${_t} COMMAND bash ${_itest_dir}/test_${_t}.sh)
  set_tests_properties(reliability_${_t} PROPERTIES LABELS "integration;reliability"
    ENVIRONMENT "${_rel_env}" TIMEOUT 600)
endforeach()
set_tests_properties(reliability_full_disk PROPERTIES SKIP_RETURN_CODE 77)
# Random kill -9 trials. Known gap: a kill during sim_h5_close's final reopen (which adds
# `complete` and `end_time`) leaves a .part that opens only after `h5clear -s`
# (docs/sweeps.md). In optimised builds the runs are so fast that random kills land in that
# window often and the SWMR open of such a file hangs; until the close writes those
# attributes on a copy and renames it, the trials run in the sanitizer build, where runs are
# slow enough that they exercise the runs themselves.
if(ECOTWIN_SANITIZE)
  foreach(_m run sweep)
    add_test(NAME reliability_kill_${_m} COMMAND bash ${_itest_dir}/test_kill_trials.sh ${_m})
    set_tests_properties(reliability_kill_${_m} PROPERTIES LABELS "integration;reliability;slow"
      ENVIRONMENT "${_rel_env}" TIMEOUT 900)
  endforeach()
endif()
if(NOT ECOTWIN_SANITIZE AND NOT ECOTWIN_FUZZ)
  add_test(NAME valgrind_smoke COMMAND bash ${_itest_dir}/valgrind_smoke.sh)
  set_tests_properties(valgrind_smoke PROPERTIES LABELS "valgrind;slow"
    ENVIRONMENT "${_itest_env}" TIMEOUT 600)
endif()

# The checked-in .clang-format is enforced on every C file.
find_program(CLANG_FORMAT clang-format)
if(CLANG_FORMAT)
  add_test(NAME style_clang_format COMMAND bash ${_itest_dir}/check_format.sh ${CLANG_FORMAT})
  set_tests_properties(style_clang_format PROPERTIES LABELS "style" ENVIRONMENT "${_itest_env}")
endif()
