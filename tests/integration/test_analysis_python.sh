#!/usr/bin/env bash
# docs/analysis.md's Python example (analysis/examples/summarize_xarray.py: xarray, pandas,
# scipy) gives the same numbers as `ecotwin summarize --json`, on a plain run and on a sweep:
# same configurations, n, mean, sd and 95% CI bounds to 1e-9 relative.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
R=${ECOTWIN_ROOT:?}
E=${ECOTWIN:?}
PY=${PYTHON:-/usr/bin/python3}
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

"$E" run -q -r 5 -o "$tmp/run.h5" "$R/tests/data/good/tiny.yaml" >/dev/null || fail "run"
"$E" sweep -q -o "$tmp/sweep.h5" "$R/tests/data/sweeps/runner_small.yaml" >/dev/null || fail "sweep"

# check FILE METRIC [COMPANY]
check() {
    local file=$1 metric=$2 company=${3:-}
    "$PY" "$R/analysis/examples/summarize_xarray.py" "$file" "$metric" $company --json \
        >"$tmp/py.json" 2>"$tmp/py.err" || {
        fail "example on $file $metric: $(cat "$tmp/py.err")"
        return
    }
    "$E" summarize "$file" --metric "$metric" --json >"$tmp/c.json" 2>"$tmp/c.err" || {
        fail "summarize $file $metric: $(cat "$tmp/c.err")"
        return
    }
    "$PY" - "$tmp/py.json" "$tmp/c.json" "$company" <<'PYEOF' || fail "$file $metric $company differ"
import json, math, sys
py = json.load(open(sys.argv[1]))["rows"]
company = sys.argv[3] or None
c = [r for r in json.load(open(sys.argv[2]))["rows"] if r["company"] == company]
if len(py) != len(c) or not py:
    sys.exit(f"{len(py)} rows from Python, {len(c)} from summarize")
c = {r["config"]: r for r in c}
for r in py:
    s = c.get(r["config"])
    if s is None:
        sys.exit(f"summarize has no configuration {r['config']}")
    if r["n"] != s["n"]:
        sys.exit(f"{r['config']}: n {r['n']} vs {s['n']}")
    for k in ("mean", "sd", "ci_low", "ci_high"):
        a, b = r[k], s[k]
        if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
            sys.exit(f"{r['config']} {k}: Python {a!r}, summarize {b!r}")
print(f"ok: {sys.argv[2]}: {len(py)} configurations agree")
PYEOF
}

check "$tmp/run.h5" value_ecosystem
check "$tmp/run.h5" value_total alpha
check "$tmp/sweep.h5" value_ecosystem
check "$tmp/sweep.h5" availability beta
[ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
exit $((fails > 0))
