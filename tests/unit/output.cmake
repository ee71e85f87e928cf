# Tests of sim/output (sim_h5): unit tests, and the interop check that a sample file opens
# in xarray (h5netcdf and netcdf4 engines) and ncdump without phony dimensions.
ecotwin_unit_test(NAME test_h5 SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_h5.c
  LIBS ecotwin_output ecotwin_core LABELS unit)
target_include_directories(test_h5 PRIVATE ${CMAKE_BINARY_DIR}/gen)
add_dependencies(test_h5 ecotwin_version)

# h5_sample writes the hand-made catalog of test_h5 (complete, zero-length dimensions, and a
# writer killed mid-run); check_netcdf.py then reads the files with the Python stack.
add_executable(h5_sample ${CMAKE_CURRENT_LIST_DIR}/h5_sample.c)
target_link_libraries(h5_sample PRIVATE ecotwin_output ecotwin_core ecotwin_flags)
set(_h5_sample_dir ${CMAKE_CURRENT_BINARY_DIR}/h5_sample_files)
add_test(NAME interop_h5_sample
  COMMAND h5_sample ${_h5_sample_dir}/sample.h5 --empty ${_h5_sample_dir}/empty.h5
          --killed ${_h5_sample_dir}/killed.h5)
set_tests_properties(interop_h5_sample PROPERTIES LABELS "interop"
  FIXTURES_SETUP h5_sample_files)
# No Python found is a failing test (PYTHON3_DEBIAN-NOTFOUND), never a skipped one.
add_test(NAME interop_netcdf
  COMMAND ${PYTHON3_DEBIAN} ${CMAKE_CURRENT_SOURCE_DIR}/interop/check_netcdf.py
          ${_h5_sample_dir}/sample.h5 --sample --empty ${_h5_sample_dir}/empty.h5
          --killed ${_h5_sample_dir}/killed.h5 --inspector $<TARGET_FILE:h5_sample>)
set_tests_properties(interop_netcdf PROPERTIES LABELS "interop"
  FIXTURES_REQUIRED h5_sample_files)
# HDF5 1.10.8 leaks on its own error paths (a close that fails on a full disk, as in
# test_tables_append_failure's child): suppressed for libhdf5 only, as for the fuzz targets.
set_property(TEST test_h5 APPEND PROPERTY ENVIRONMENT
  "LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/fuzz/lsan.supp:print_suppressions=0")
# sim_h5_vars_scan, the read of every value that the commands do in a child first.
ecotwin_unit_test(NAME test_h5_scan SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_h5_scan.c
  LIBS ecotwin_output ecotwin_core LABELS unit)
set_property(TEST test_h5_scan APPEND PROPERTY ENVIRONMENT
  "LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/fuzz/lsan.supp:print_suppressions=0")
