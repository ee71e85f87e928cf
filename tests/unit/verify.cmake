# Verification area: the closed forms and the case runner (unit), and the V-cases through the
# production model (statistical).
ecotwin_unit_test(NAME test_analytic SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_analytic.c
  LIBS ecotwin_analytic LABELS unit)

ecotwin_unit_test(NAME test_verify SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/unit/test_verify.c
  LIBS ecotwin_verify LABELS unit)
set_property(TEST test_verify APPEND PROPERTY
  ENVIRONMENT "ECOTWIN_SCENARIOS=${CMAKE_SOURCE_DIR}/scenarios")

# SPEC section 9: every verification case, quick horizons, through the production model.
add_test(NAME verify_quick COMMAND ${ECOTWIN_EXE} verify --quick)
set_tests_properties(verify_quick PROPERTIES LABELS "statistical;integration" TIMEOUT 900
  ENVIRONMENT "ECOTWIN_SCENARIOS=${CMAKE_SOURCE_DIR}/scenarios")

# The command's verdicts and exit codes: a case the model cannot pass (an M/M/1 at rho 0.94
# observed from empty for 300 h without warm-up) exits 1; a scenario that is not a valid case
# exits 65. The scenarios are written here so the checks need no data files.
set(VERIFY_BAD_DIR ${CMAKE_CURRENT_BINARY_DIR}/verify_cli)
set(VERIFY_MM1_CO "companies:\n  - {name: q, role: utilizer, n_assets: 1, n_crews: 0, arrival_rate_per_h: 0.94, service_time: {dist: exp, mean_h: 1.0}, queue_capacity: -1, twin_share: 0, shadow_share: 0}\n")
set(VERIFY_MECH "mechanisms: {failures: false, twins: false, sharing: false, colearning: false, opportunities: false, coalitions: false, overflow: false, contracts: false, trust_dynamics: false}\n")
file(WRITE ${VERIFY_BAD_DIR}/fails/v1_biased.yaml
  "simulation: {horizon_h: 300, warmup_h: 0, sample_interval_h: 300, replications: 30, master_seed: 11, variants: [ecosystem]}\n"
  "${VERIFY_MECH}${VERIFY_MM1_CO}validation: {case: mm1}\n")
file(WRITE ${VERIFY_BAD_DIR}/invalid/v2_lognormal.yaml
  "simulation: {horizon_h: 300, warmup_h: 0, sample_interval_h: 300, replications: 3, variants: [ecosystem]}\n"
  "${VERIFY_MECH}companies:\n  - {name: q, role: utilizer, n_assets: 1, n_crews: 0, arrival_rate_per_h: 0.5, service_time: {dist: lognormal, mean_h: 1.0, cv: 0.5}, queue_capacity: -1}\n"
  "validation: {case: mmc}\n")
add_test(NAME verify_cli_fail_exits_1
  COMMAND sh -c "\"$0\" verify -q --dir \"$1\"; test $? -eq 1" ${ECOTWIN_EXE} ${VERIFY_BAD_DIR}/fails)
add_test(NAME verify_cli_invalid_exits_65
  COMMAND sh -c "\"$0\" verify -q --dir \"$1\"; test $? -eq 65" ${ECOTWIN_EXE}
  ${VERIFY_BAD_DIR}/invalid)
set_tests_properties(verify_cli_fail_exits_1 verify_cli_invalid_exits_65 PROPERTIES
  LABELS integration)
add_test(NAME verify_cli_missing_case_exits_66
  COMMAND sh -c "\"$0\" verify -q --dir \"$1\" --case V2; test $? -eq 66" ${ECOTWIN_EXE}
  ${VERIFY_BAD_DIR}/fails)
set_tests_properties(verify_cli_missing_case_exits_66 PROPERTIES LABELS integration)
