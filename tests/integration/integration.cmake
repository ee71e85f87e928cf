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

# The checked-in .clang-format is enforced on every C file.
find_program(CLANG_FORMAT clang-format)
if(CLANG_FORMAT)
  add_test(NAME style_clang_format COMMAND bash ${_itest_dir}/check_format.sh ${CLANG_FORMAT})
  set_tests_properties(style_clang_format PROPERTIES LABELS "style" ENVIRONMENT "${_itest_env}")
endif()
