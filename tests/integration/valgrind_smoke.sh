#!/usr/bin/env bash
# Valgrind memcheck on smoke runs of the ecotwin program (docs/reliability.md): validate (a
# good and bad scenarios), run, inspect (a finished, a killed, a foreign and a truncated
# file), sweep, summarize and compare (on the run's and the sweep's files, a killed and a
# truncated one) and verify, each small. Any memcheck error or definitely lost block fails
# (memcheck exits 99); "still reachable" blocks of HDF5, GSL and libyaml are fine. Not
# registered in sanitizer builds (valgrind cannot run them).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --num-callers=30)
data=$ECOTWIN_ROOT/tests/data
seeds=$ECOTWIN_ROOT/tests/fuzz/corpus/h5_inspect
fails=0
# check WHAT CODES CMD...: CMD under memcheck exits with one of CODES (comma-separated).
check() {
    local what=$1 codes=$2
    shift 2
    local t0=$SECONDS
    "${vg[@]}" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq 99 ]; then
        echo "FAIL: $what: memcheck found errors:"
        grep '^==' "$tmp/err" | head -60
        fails=$((fails + 1))
    elif [[ ",$codes," != *",$rc,"* ]]; then
        echo "FAIL: $what: exit $rc, expected $codes"
        head -20 "$tmp/err"
        fails=$((fails + 1))
    else
        echo "ok: $what (exit $rc, $((SECONDS - t0)) s)"
    fi
}
command -v valgrind >/dev/null || {
    echo "FAIL: valgrind is not installed (apt-get install valgrind)"
    exit 1
}

# A short tiny scenario, and a two-point sweep over it.
sed -e 's/horizon_h: 3000/horizon_h: 800/' -e 's/replications: 3/replications: 1/' \
    "$data/good/tiny.yaml" >"$tmp/tiny.yaml"
cat >"$tmp/sweep.yaml" <<'YAML'
extends: tiny.yaml
simulation: {variants: [ecosystem]}
sweep:
  design: grid
  factors:
    companies.alpha.arrival_rate_per_h: [0.4, 0.6]
YAML
# V1 (M/M/1) with a short quick horizon: memory, not statistics, is checked here, so a failed
# verdict (exit 1) is fine.
mkdir "$tmp/verify"
sed -e 's/quick_horizon_h: [0-9.e]*/quick_horizon_h: 2.0e4/' \
    -e 's/quick_replications: [0-9]*/quick_replications: 2/' -e 's/warmup_h: 1.0e4/warmup_h: 1.0e3/' \
    -e 's/sample_interval_h: 1.0e5/sample_interval_h: 1.0e4/' \
    "$ECOTWIN_ROOT/scenarios/verify/v1_mm1.yaml" >"$tmp/verify/v1_mm1.yaml"

check "validate good" 0 "$ECOTWIN" validate "$tmp/tiny.yaml"
check "validate --print" 0 "$ECOTWIN" validate --print "$ECOTWIN_ROOT/scenarios/baseline.yaml"
for f in model_several_errors yaml_extends_cycle_a hostile_wrong_types_nested hostile_deep_alias \
    yaml_non_utf8; do
    check "validate $f" 65 "$ECOTWIN" validate "$data/bad/$f.yaml"
done
check "run" 0 "$ECOTWIN" run -q -t 2 -o "$tmp/r.h5" "$tmp/tiny.yaml"
check "inspect finished" 0 "$ECOTWIN" inspect "$tmp/r.h5"
cp "$seeds/run_killed.h5seed" "$tmp/killed.h5.part"
check "inspect killed" 0 "$ECOTWIN" inspect "$tmp/killed.h5.part"
check "inspect foreign" 66 "$ECOTWIN" inspect "$seeds/foreign.h5seed"
check "inspect truncated" 74 "$ECOTWIN" inspect "$seeds/run_truncated.h5seed"
check "sweep" 0 "$ECOTWIN" sweep -q -t 2 -o "$tmp/s.h5" "$tmp/sweep.yaml"
# The analysis commands on the files above (the probe child of cli_probe.c included).
check "summarize run" 0 "$ECOTWIN" summarize "$tmp/r.h5"
check "summarize sweep --json" 0 "$ECOTWIN" summarize --json "$tmp/s.h5"
check "summarize killed" 0 "$ECOTWIN" summarize "$tmp/killed.h5.part"
check "summarize truncated" 74 "$ECOTWIN" summarize "$seeds/run_truncated.h5seed"
check "compare run" 0 "$ECOTWIN" compare "$tmp/r.h5"
check "compare sweep" 0 "$ECOTWIN" compare --baseline design_point=0 --vs design_point=1 "$tmp/s.h5"
check "verify mm1 --quick" 0,1 "$ECOTWIN" verify --quick --case mm1 --dir "$tmp/verify"
[ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
exit $((fails > 0))
