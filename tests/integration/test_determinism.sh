#!/usr/bin/env bash
# Same seed twice gives identical data; another seed gives different data; the ecosystem and
# autarky variants agree exactly while no cross-company mechanism exists.
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
"$PYTHON" "$cmp" --variants "$tmp/a.h5" || fails=$((fails + 1))
[ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
exit $((fails > 0))
