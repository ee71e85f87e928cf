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
# inspect turns a crash inside HDF5 (forced by a preloaded stand-in) into exit 74.
add_test(NAME reliability_inspect_crash COMMAND bash ${_itest_dir}/test_inspect_crash.sh)
set_tests_properties(reliability_inspect_crash PROPERTIES LABELS "integration;reliability"
  ENVIRONMENT "${_rel_env}" SKIP_RETURN_CODE 77)
# Random kill -9 trials, in every build (20 trials each for run and sweep, 5 in the
# sanitizer build). The writer finishes a file by writing pre-created `end_time` and
# `complete` in SWMR mode and closing it (no reopen), so a kill at any instant, the close
# included, leaves a file our reader, inspect and --resume open.
foreach(_m run sweep)
  add_test(NAME reliability_kill_${_m} COMMAND bash ${_itest_dir}/test_kill_trials.sh ${_m})
  set_tests_properties(reliability_kill_${_m} PROPERTIES LABELS "integration;reliability;slow"
    ENVIRONMENT "${_rel_env}" TIMEOUT 900)
endforeach()
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

# `ecotwin sensitivity` end to end: sens_sample writes, through the sweep's writer, a
# saltelli sweep of Ishigami's function (and a plain run, a sweep with too few points);
# the script checks the indices of --json against the closed forms with Python, every error
# path, and runs the command on a real saltelli sweep of the tiny scenario.
add_executable(sens_sample ${CMAKE_CURRENT_SOURCE_DIR}/unit/sens_sample.c)
target_link_libraries(sens_sample PRIVATE ecotwin_output ecotwin_sweep ecotwin_core ecotwin_flags)
add_test(NAME cli_sensitivity COMMAND bash ${_itest_dir}/test_sensitivity.sh)
set_tests_properties(cli_sensitivity PROPERTIES LABELS "integration;statistical"
  ENVIRONMENT "${_itest_env};SENS_SAMPLE=$<TARGET_FILE:sens_sample>")

# Sharded sweeps (--shard, Slurm job arrays) and ecotwin merge: sharded + merged equals
# unsharded, merge's refusals and damaged inputs, SIGTERM and resume of a shard.
add_test(NAME sweep_shard COMMAND bash ${_itest_dir}/test_shard.sh)
set_tests_properties(sweep_shard PROPERTIES LABELS "integration;shard" TIMEOUT 300
  ENVIRONMENT "${_itest_env}")

# `ecotwin plot` and `report` (matplotlib; the report rendered in headless Chromium, skipped
# with exit 77 where chromium is not installed).
foreach(_m plot report)
  add_test(NAME analysis_${_m} COMMAND bash ${_itest_dir}/test_analysis.sh ${_m})
  set_tests_properties(analysis_${_m} PROPERTIES LABELS "integration;analysis"
    ENVIRONMENT "${_itest_env}" SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()

# docs/analysis.md's Python example (xarray, pandas, scipy) agrees with `ecotwin summarize`.
add_test(NAME analysis_python_example COMMAND bash ${_itest_dir}/test_analysis_python.sh)
set_tests_properties(analysis_python_example PROPERTIES LABELS "integration;analysis;interop"
  ENVIRONMENT "${_itest_env}" TIMEOUT 120)

# `ecotwin summarize` and `compare` (issue 6): exact known numbers on the constructed file of
# tests/unit/an_fixture.h (written by an_sample), JSON and CSV parsed by Python, the paired or
# Welch choice, Holm, iov, an interrupted file, a real run, and hostile files with their exit
# codes.
add_test(NAME cli_summarize_compare COMMAND bash ${_itest_dir}/test_summarize_compare.sh)
set_tests_properties(cli_summarize_compare PROPERTIES LABELS "integration;statistical"
  ENVIRONMENT "${_itest_env};AN_SAMPLE=$<TARGET_FILE:an_sample>")

# MPI ranks (issue 5, docs/hpc.md), only when MPI was built: mpirun -np 1, 2, 3 (and threads
# inside ranks) give the data of one process; SIGTERM mid-sweep exits 75 and resumes under
# mpirun. Open MPI's own allocations that it never frees are suppressed for LeakSanitizer in
# the sanitizer build (tests/integration/lsan_mpi.supp: libmpi, libopen-pal, libopen-rte,
# libpmix and their plugins only).
if(ECOTWIN_HAVE_MPI)
  set(_mpi_env "${_itest_env}")
  if(ECOTWIN_SANITIZE)
    # Open MPI unloads its plugins at MPI_Finalize, after which LSan cannot tell whose the
    # allocations were (nor match a suppression): keep them loaded, and unwind slowly enough
    # to see the library frames.
    list(APPEND _mpi_env "OMPI_MCA_mca_base_component_disable_dlclose=1"
      "LSAN_OPTIONS=suppressions=${_itest_dir}/lsan_mpi.supp:print_suppressions=0:fast_unwind_on_malloc=0")
  endif()
  add_test(NAME sweep_mpi COMMAND bash ${_itest_dir}/test_mpi.sh data)
  add_test(NAME sweep_mpi_errors COMMAND bash ${_itest_dir}/test_mpi.sh errors)
  add_test(NAME sweep_mpi_signal COMMAND bash ${_itest_dir}/test_mpi_signal.sh)
  set_tests_properties(sweep_mpi sweep_mpi_errors sweep_mpi_signal PROPERTIES
    LABELS "integration;mpi" TIMEOUT 300 ENVIRONMENT "${_mpi_env}")
endif()
