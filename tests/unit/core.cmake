# Tests of the engine core (sim/core). Statistical tests use fixed seeds and are deterministic.
ecotwin_unit_test(NAME test_queue SOURCES unit/test_queue.c LIBS ecotwin_core LABELS unit)
ecotwin_unit_test(NAME test_engine SOURCES unit/test_engine.c LIBS ecotwin_core LABELS unit)
ecotwin_unit_test(NAME test_rng SOURCES unit/test_rng.c LIBS ecotwin_core
  LABELS "unit;statistical")
ecotwin_unit_test(NAME test_dist SOURCES unit/test_dist.c LIBS ecotwin_core
  LABELS "unit;statistical")
ecotwin_unit_test(NAME test_stats SOURCES unit/test_stats.c LIBS ecotwin_core
  LABELS "unit;statistical")
ecotwin_unit_test(NAME test_catalog SOURCES unit/test_catalog.c LIBS ecotwin_core LABELS unit)
# Paths added by the performance work (bench/README.md): radix queue, direct uniform draws.
ecotwin_unit_test(NAME test_fel SOURCES unit/test_fel.c LIBS ecotwin_core LABELS unit)
# Record transport between MPI ranks (sim_record_pack/unpack): bit-exact, malformed refused.
ecotwin_unit_test(NAME test_record_pack SOURCES unit/test_record_pack.c LIBS ecotwin_core
  LABELS unit)
