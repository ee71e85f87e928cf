#!/usr/bin/env bash
# Same seed twice gives identical data; another seed gives different data; the variants of a
# replication agree exactly when every cross-company mechanism is off, and the ecosystem and
# autarky variants of the baseline differ.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tiny="$ECOTWIN_ROOT/tests/data/good/tiny.yaml"
cmp="$ECOTWIN_ROOT/tests/integration/compare_h5.py"
fails=0
"$ECOTWIN" run -q -o "$tmp/a.h5" "$tiny" >/dev/null || fails=$((fails + 1))
"$ECOTWIN" run -q -o "$tmp/b.h5" "$tiny" >/dev/null || fails=$((fails + 1))
"$ECOTWIN" run -q --seed 8 -o "$tmp/c.h5" "$tiny" >/dev/null || fails=$((fails + 1))
"$PYTHON" "$cmp" "$tmp/a.h5" "$tmp/b.h5" --expect same || fails=$((fails + 1))
"$PYTHON" "$cmp" "$tmp/a.h5" "$tmp/c.h5" --expect different || fails=$((fails + 1))
off="$ECOTWIN_ROOT/tests/data/good/no_cross_company.yaml"
"$ECOTWIN" run -q -o "$tmp/off.h5" "$off" >/dev/null || fails=$((fails + 1))
"$PYTHON" "$cmp" --variants "$tmp/off.h5" || fails=$((fails + 1))
base="$ECOTWIN_ROOT/scenarios/baseline.yaml"
if "$ECOTWIN" run -q -r 1 --horizon 6000 -o "$tmp/base.h5" "$base" >/dev/null; then
    out=$("$PYTHON" "$cmp" --variants "$tmp/base.h5")
    case "$out" in
    *"variants differ in:"*value_total*) echo "baseline: ecosystem and autarky differ, as expected" ;;
    *)
        echo "FAIL: baseline variants should differ in value_total: $out"
        fails=$((fails + 1))
        ;;
    esac
else
    fails=$((fails + 1))
fi
[ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
exit $((fails > 0))
