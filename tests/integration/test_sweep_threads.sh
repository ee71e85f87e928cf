#!/usr/bin/env bash
# The data do not depend on the thread count: `run` and `sweep` with 1, 2 and 4 threads give
# identical datasets; the thread count used is recorded, and its default comes from
# OMP_NUM_THREADS, then SLURM_CPUS_PER_TASK. Common random numbers: two identical design
# points give identical runs by default and different ones with --independent.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tiny="$ECOTWIN_ROOT/tests/data/good/tiny.yaml"
small="$ECOTWIN_ROOT/tests/data/sweeps/runner_small.yaml"
crn="$ECOTWIN_ROOT/tests/data/sweeps/runner_crn.yaml"
cmp="$ECOTWIN_ROOT/tests/integration/compare_h5.py"
chk="$ECOTWIN_ROOT/tests/integration/sweep_check.py"
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
for t in 1 2 4; do
    "$ECOTWIN" run -q -t "$t" -r 4 -o "$tmp/run$t.h5" "$tiny" >/dev/null || fail "run -t $t"
    "$ECOTWIN" sweep -q -t "$t" -o "$tmp/sweep$t.h5" "$small" >/dev/null || fail "sweep -t $t"
    "$PYTHON" "$chk" attr "$tmp/sweep$t.h5" threads "$t" || fail "threads attribute of -t $t"
done
for t in 2 4; do
    "$PYTHON" "$cmp" "$tmp/run1.h5" "$tmp/run$t.h5" --expect same || fail "run: 1 vs $t threads"
    "$PYTHON" "$cmp" "$tmp/sweep1.h5" "$tmp/sweep$t.h5" --expect same ||
        fail "sweep: 1 vs $t threads"
done
"$PYTHON" "$chk" attr "$tmp/sweep1.h5" kind sweep || fail "kind attribute"

# Defaults of the thread count.
OMP_NUM_THREADS=3 "$ECOTWIN" sweep -t 0 -o "$tmp/x.h5" "$small" >/dev/null 2>&1 &&
    fail "--threads 0 accepted"
OMP_NUM_THREADS=3 SLURM_CPUS_PER_TASK=2 "$ECOTWIN" sweep -o "$tmp/omp.h5" "$small" \
    >/dev/null 2>"$tmp/err" || fail "sweep with OMP_NUM_THREADS"
grep -qF "3 threads (OMP_NUM_THREADS)" "$tmp/err" || fail "OMP_NUM_THREADS not used: $(cat "$tmp/err")"
"$PYTHON" "$chk" attr "$tmp/omp.h5" threads 3 || fail "threads attribute from OMP_NUM_THREADS"
env -u OMP_NUM_THREADS SLURM_CPUS_PER_TASK=2 "$ECOTWIN" run -r 2 -o "$tmp/slurm.h5" "$tiny" \
    >/dev/null 2>"$tmp/err" || fail "run with SLURM_CPUS_PER_TASK"
grep -qF "2 threads (SLURM_CPUS_PER_TASK)" "$tmp/err" ||
    fail "SLURM_CPUS_PER_TASK not used: $(cat "$tmp/err")"
"$PYTHON" "$cmp" "$tmp/omp.h5" "$tmp/sweep1.h5" --expect same || fail "sweep with OMP default"

# Common random numbers, and --independent.
"$ECOTWIN" sweep -q -o "$tmp/crn.h5" "$crn" >/dev/null || fail "crn sweep"
"$ECOTWIN" sweep -q --independent -o "$tmp/ind.h5" "$crn" >/dev/null || fail "independent sweep"
"$PYTHON" "$chk" crn "$tmp/crn.h5" same || fail "crn: identical points differ"
"$PYTHON" "$chk" crn "$tmp/ind.h5" different || fail "--independent: identical points agree"
"$PYTHON" "$chk" attr "$tmp/crn.h5" rng_algorithm \
    "xoshiro256++ per stream, keyed by SplitMix64 over (master seed, 0, replication, stream); crn = 1" ||
    fail "crn not recorded"
"$ECOTWIN" sweep -q -t 1 --independent -o "$tmp/ind1.h5" "$crn" >/dev/null || fail "independent -t 1"
"$PYTHON" "$cmp" "$tmp/ind.h5" "$tmp/ind1.h5" --expect same || fail "--independent: threads"
[ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
exit $((fails > 0))
