#!/usr/bin/env bash
# The ecotwin program as a user meets it: help, version, exit codes, run, validate, inspect.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tiny="$ECOTWIN_ROOT/tests/data/good/tiny.yaml"
. "$ECOTWIN_ROOT/tests/integration/check_lib.sh"

check "--help" 0 "$ECOTWIN" --help
contains "--help" "$tmp/out" "Usage: ecotwin COMMAND"
for c in run validate inspect verify; do
    check "$c --help" 0 "$ECOTWIN" "$c" --help
    contains "$c --help" "$tmp/out" "Usage: ecotwin $c"
done
check "--version" 0 "$ECOTWIN" --version
contains "--version" "$tmp/out" "ecotwin 0.1.0 (commit "
contains "--version" "$tmp/out" "HDF5 1."
contains "--version" "$tmp/out" "GSL 2."
check "no command" 2 "$ECOTWIN"
check "unknown command" 2 "$ECOTWIN" frobnicate
contains "unknown command" "$tmp/err" "unknown command 'frobnicate'"
check "run without scenario" 2 "$ECOTWIN" run
check "run with bad option" 2 "$ECOTWIN" run --bogus "$tiny"
check "run with bad seed" 2 "$ECOTWIN" run --seed -4 "$tiny"
check "validate missing file" 66 "$ECOTWIN" validate "$tmp/nope.yaml"
contains "validate missing file" "$tmp/err" "nope.yaml"
check "validate good" 0 "$ECOTWIN" validate "$tiny"
contains "validate good" "$tmp/out" "valid (model ecosystem"
check "validate --print" 0 "$ECOTWIN" validate --print "$tiny"
contains "validate --print" "$tmp/out" "horizon_h"
contains "validate --print fills defaults" "$tmp/out" "weibull_scale_h"

check "validate warns about an unstable queue" 0 "$ECOTWIN" validate "$ECOTWIN_ROOT/tests/data/good/unstable.yaml"
contains "unstable warning" "$tmp/err" "unstable.yaml:5:5: warning: companies[0] (hot): offered load 0.980"
check "run" 0 "$ECOTWIN" run -q -o "$tmp/r.h5" "$tiny"
contains "run summary" "$tmp/out" "Results: $tmp/r.h5"
contains "run summary" "$tmp/out" "alpha"
[ -f "$tmp/r.h5" ] || { echo "FAIL: run wrote no file"; fails=$((fails + 1)); }
[ -e "$tmp/r.h5.part" ] && { echo "FAIL: run left r.h5.part"; fails=$((fails + 1)); }
check "run --json" 0 "$ECOTWIN" run -q --json -r 2 -o "$tmp/j.h5" "$tiny"
"$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["runs"]==4, d' "$tmp/out" ||
    { echo "FAIL: run --json is not the expected JSON"; fails=$((fails + 1)); }
check "run into a missing directory" 74 "$ECOTWIN" run -q -o "$tmp/no/such/dir/r.h5" "$tiny"
check "inspect" 0 "$ECOTWIN" inspect "$tmp/r.h5"
contains "inspect" "$tmp/out" "complete"
contains "inspect" "$tmp/out" "lead_time_mean"
printf 'not an hdf5 file\n' >"$tmp/junk.h5"
"$ECOTWIN" inspect "$tmp/junk.h5" >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 74 ] && [ "$rc" -ne 66 ]; then
    echo "FAIL: inspect of a non-HDF5 file: exit $rc"
    fails=$((fails + 1))
fi
check "inspect missing file" 66 "$ECOTWIN" inspect "$tmp/missing.h5"

[ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
exit $((fails > 0))
