#!/usr/bin/env bash
# ecotwin summarize and compare end to end: exact known numbers on the constructed file of
# tests/unit/an_fixture.h (written by $AN_SAMPLE), JSON parsed by Python's json, CSV by its
# csv module, the paired/Welch choice and its reason, Holm, the iov section, an interrupted
# file, a real run of tests/data/good/tiny.yaml, and hostile inputs (missing, not HDF5,
# truncated, foreign HDF5, an ecotwin-looking file without runs, a directory) with their
# documented exit codes.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=${PYTHON:-/usr/bin/python3}
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# expect WHAT CODE TEXT CMD...: CMD exits CODE and stderr (or stdout for code 0) holds TEXT.
expect() {
    local what=$1 want=$2 text=$3
    shift 3
    timeout 60 "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "$what: exit $rc, expected $want; stderr: $(head -c 400 "$tmp/err")"
        return
    fi
    if ! grep -qF -- "$text" "$tmp/err" "$tmp/out"; then
        fail "$what: output lacks '$text': $(head -c 400 "$tmp/err")"
        return
    fi
    echo "ok: $what"
}

# check WHAT PYTHON_CODE FILE: the code gets d (the parsed JSON of FILE) and asserts.
check() {
    local what=$1 code=$2 file=$3
    if "$PY" - "$file" >"$tmp/py" 2>&1 <<EOF; then
import json, math, sys
d = json.load(open(sys.argv[1]))
def near(a, b, tol=1e-9):
    assert a is not None and abs(a - b) <= tol * max(1.0, abs(b)), (a, b)
def rows(**kw):
    return [r for r in d["rows"] if all(r.get(k) == v for k, v in kw.items())]
def cmps(**kw):
    return [r for r in d["comparisons"] if all(r.get(k) == v for k, v in kw.items())]
T3, T2 = 3.182446305284263, 4.302652729911275
$code
EOF
        echo "ok: $what"
    else
        fail "$what: $(tail -n 5 "$tmp/py")"
    fi
}

E=$ECOTWIN
"$AN_SAMPLE" "$tmp/fix.h5" || fail "an_sample"
"$AN_SAMPLE" "$tmp/ind.h5" --independent || fail "an_sample --independent"
"$AN_SAMPLE" "$tmp/inc.h5" --incomplete || fail "an_sample --incomplete"

# ---- summarize ----
"$E" summarize "$tmp/fix.h5" --json >"$tmp/s.json" || fail "summarize --json exit $?"
check "summarize: header, groups and known means" '
assert d["kind"] == "sweep" and d["complete"] is True
assert (d["runs"], d["runs_complete"], d["runs_failed"]) == (16, 15, 1)
assert d["common_random_numbers"] is True and d["level"] == 0.95
assert d["by"] == ["design_point", "variant"]
assert d["factors"] == [{"name": "param_x", "path": "companies.oem.x", "units": "1", "levels": None}]
r = rows(metric="value", config="design_point=0,variant=ecosystem")[0]
assert r["design_point"] == 0 and r["variant"] == "ecosystem" and r["params"] == {"param_x": 0.5}
assert r["company"] is None and r["time"] is None and r["units"] == "EUR" and r["n"] == 4
near(r["mean"], 107.5)
sd = math.sqrt(sum((x - 7.5) ** 2 for x in [6, 7, 5, 12]) / 3)
near(r["sd"], sd); near(r["se"], sd / 2)
near(r["ci_low"], 107.5 - T3 * sd / 2); near(r["ci_high"], 107.5 + T3 * sd / 2)
r = rows(metric="value", config="design_point=1,variant=ecosystem")[0]
assert r["n"] == 3 and r["params"] == {"param_x": 1.5}
near(r["mean"], 107.0)
near(rows(metric="value", config="design_point=1,variant=autarky")[0]["mean"], 112.0)
assert [r["config"] for r in rows(metric="value")] == ["design_point=0,variant=ecosystem",
    "design_point=0,variant=autarky", "design_point=1,variant=ecosystem", "design_point=1,variant=autarky"]
r = rows(metric="value_co", company="supplier", config="design_point=0,variant=autarky")[0]
near(r["mean"], 2 * 102.0)
assert not rows(metric="series"), "time series only when named"
assert len(d["rows"]) == 4 * (1 + 2 + 2 + 1)
' "$tmp/s.json"

"$E" summarize "$tmp/fix.h5" --json --metric series --by variant --level 0.9 >"$tmp/s2.json" ||
    fail "summarize series exit $?"
check "summarize: time series, --by variant, --level" '
assert d["by"] == ["variant"] and d["level"] == 0.9
r = [x for x in rows(metric="series", variant="autarky") if x["time"] == 24][0]
assert r["config"] == "variant=autarky" and r["design_point"] is None and r["n"] == 8
near(r["mean"], 108.0)
assert r["params"] == {}, r["params"]
assert len(d["rows"]) == 2 * 2
' "$tmp/s2.json"

"$E" summarize "$tmp/fix.h5" --csv --metric value,value_co >"$tmp/s.csv" || fail "summarize --csv"
if "$PY" - "$tmp/s.csv" <<'EOF'; then echo "ok: summarize --csv"; else fail "summarize --csv"; fi
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert list(rows[0].keys()) == ["config", "design_point", "variant", "param_x", "metric", "units",
    "long_name", "company", "time", "n", "mean", "sd", "se", "ci_low", "ci_high"], rows[0].keys()
assert len(rows) == 4 * 3, len(rows)
r = [r for r in rows if r["metric"] == "value" and r["config"] == "design_point=0,variant=ecosystem"][0]
assert float(r["mean"]) == 107.5 and r["company"] == "" and r["n"] == "4"
EOF
expect "summarize table" 0 "15 of 16 runs complete; 1 failed" "$E" summarize "$tmp/fix.h5" --metric value
grep -q "design_point=1,variant=ecosystem  value  *3  *107.0" "$tmp/out" || fail "summarize table row: $(cat "$tmp/out")"
expect "summarize --help" 0 "Usage: ecotwin summarize" "$E" summarize --help
expect "summarize: unknown metric" 2 "unknown metric 'iov_ecosytem'; did you mean 'iov_ecosystem'?" \
    "$E" summarize "$tmp/fix.h5" --metric value,iov_ecosytem
expect "summarize: bad --by" 2 "--by: unknown key 'colour'" "$E" summarize "$tmp/fix.h5" --by colour
expect "summarize: bad --level" 2 "--level" "$E" summarize "$tmp/fix.h5" --level 1.5
expect "summarize: two files" 2 "expected exactly one results file" "$E" summarize "$tmp/fix.h5" "$tmp/fix.h5"
many=()
for _ in $(seq 257); do many+=(--metric value); done
expect "summarize: too many --metric" 2 "more than 256 --metric options" "$E" summarize "$tmp/fix.h5" "${many[@]}"
many=()
for _ in $(seq 257); do many+=(--vs variant=autarky); done
expect "compare: too many --vs" 2 "more than 256 --vs options" "$E" compare "$tmp/fix.h5" --baseline variant=autarky "${many[@]}"
expect "summarize: interrupted file" 0 "warning: $tmp/inc.h5 is incomplete" "$E" summarize "$tmp/inc.h5" --json
check "summarize: interrupted file JSON" 'assert d["complete"] is False and d["runs_complete"] == 15' "$tmp/out"

# ---- compare ----
"$E" compare "$tmp/fix.h5" --json >"$tmp/c.json" || fail "compare --json exit $?"
check "compare: default ecosystem vs autarky per design point, paired, Holm, iov" '
assert d["adjust"] == "holm" and d["level"] == 0.95
c = cmps(metric="value", baseline="design_point=0,variant=autarky")[0]
assert c["vs"] == "design_point=0,variant=ecosystem" and c["company"] is None
assert c["test"] == "paired t" and c["paired_by"] == "replication"
assert "same design point" in c["why"]
assert (c["n_pairs"], c["n_baseline"], c["n_vs"], c["df"]) == (4, 4, 4, 3)
near(c["diff"], 5.5); near(c["mean_baseline"], 102.0); near(c["mean_vs"], 107.5)
se = math.sqrt(5 / 3) / 2
near(c["ci_low"], 5.5 - T3 * se); near(c["ci_high"], 5.5 + T3 * se)
near(c["t"], 5.5 / se); near(c["relative"], 5.5 / 102)
c = cmps(metric="value", baseline="design_point=1,variant=autarky")[0]
assert c["n_pairs"] == 3 and c["df"] == 2
near(c["diff"], -10 / 3)
se = math.sqrt(7 / 3) / math.sqrt(3)
near(c["ci_low"], -10 / 3 - T2 * se)
assert len(d["comparisons"]) == 2 * (1 + 2 + 2 + 1)
ps = [c["p"] for c in d["comparisons"]]
order = sorted(range(len(ps)), key=lambda i: ps[i])
m, run, holm = len(ps), 0.0, [0.0] * len(ps)
for j, i in enumerate(order):
    run = max(run, min(1.0, (m - j) * ps[i])); holm[i] = run
for c, h in zip(d["comparisons"], holm):
    near(c["p_holm"], h, 1e-12)
iov = {(r["config"], r["company"]): r for r in d["iov"]}
assert set(iov) == {(f"design_point={k}", c) for k in (0, 1) for c in (None, "oem", "supplier")}
near(iov[("design_point=0", None)]["mean"], 16.5); near(iov[("design_point=0", "supplier")]["mean"], 11.0)
assert iov[("design_point=1", "oem")]["n"] == 3
near(iov[("design_point=1", None)]["mean"], -10.0)
' "$tmp/c.json"

"$E" compare "$tmp/fix.h5" --json --metric value --baseline design_point=0,variant=ecosystem \
    --vs companies.oem.x=1.5,variant=ecosystem >"$tmp/c2.json" || fail "compare crn exit $?"
check "compare: common random numbers across design points pair by replication" '
c = d["comparisons"][0]
assert c["vs"] == "design_point=1,variant=ecosystem" or c["vs"] == "param_x=1.5,variant=ecosystem", c["vs"]
assert c["test"] == "paired t" and "common_random_numbers = 1" in c["why"] and c["n_pairs"] == 3
near(c["diff"], 1.0); near(c["ci_low"], 1.0); near(c["ci_high"], 1.0)
assert c["t"] is None and c["p"] == 0
' "$tmp/c2.json"

"$E" compare "$tmp/ind.h5" --json --metric value --baseline design_point=0,variant=ecosystem \
    --vs design_point=1,variant=ecosystem >"$tmp/c3.json" || fail "compare independent exit $?"
check "compare: independent streams give Welch with its df" '
c = d["comparisons"][0]
assert c["test"] == "Welch t" and c["paired_by"] is None and c["n_pairs"] is None
assert "do not share random numbers" in c["why"]
assert (c["n_baseline"], c["n_vs"]) == (4, 3)
a = [106.0, 107.0, 105.0, 112.0]; b = [107.0, 108.0, 106.0]
def var(x):
    m = sum(x) / len(x); return sum((v - m) ** 2 for v in x) / (len(x) - 1)
va, vb = var(a) / 4, var(b) / 3
near(c["diff"], -0.5); near(c["df"], (va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 2))
near(c["t"], -0.5 / math.sqrt(va + vb))
' "$tmp/c3.json"

"$E" compare "$tmp/fix.h5" --json --metric value --baseline variant=autarky \
    --vs variant=ecosystem --by none >"$tmp/c4.json" || fail "compare --by none exit $?"
check "compare: several runs per replication fall back to Welch, and say why" '
c = d["comparisons"][0]
assert c["test"] == "Welch t" and "several runs per replication" in c["why"]
assert (c["n_baseline"], c["n_vs"]) == (8, 7)
' "$tmp/c4.json"

expect "compare table: test and reading" 0 "paired t by replication, 4 pairs (same design point" \
    "$E" compare "$tmp/fix.h5" --metric value
grep -qF "value: ecosystem exceeds autarky by 5.4% (95% CI of the difference" "$tmp/out" ||
    fail "compare reading line: $(grep -A3 Reading "$tmp/out")"
grep -qF "paired t over 4 replications" "$tmp/out" || fail "compare reading test"
grep -qF "Inter-organizational value" "$tmp/out" || fail "compare iov table"
"$E" compare "$tmp/fix.h5" --csv --metric value >"$tmp/c.csv" || fail "compare --csv"
head -n 1 "$tmp/c.csv" | grep -qx "metric,units,company,baseline,vs,test,paired_by,why,n_baseline,n_vs,n_pairs,mean_baseline,mean_vs,diff,ci_low,ci_high,relative,df,t,p,p_holm" ||
    fail "compare csv header: $(head -n 1 "$tmp/c.csv")"
[ "$(wc -l <"$tmp/c.csv")" -eq 3 ] || fail "compare csv rows: $(cat "$tmp/c.csv")"
expect "compare --help" 0 "Usage: ecotwin compare" "$E" compare --help
expect "compare: --vs without --baseline" 2 "--baseline and --vs go together" "$E" compare "$tmp/fix.h5" --vs variant=autarky
expect "compare: bad selector" 2 "unknown selector key 'colour'" "$E" compare "$tmp/fix.h5" --baseline colour=1 --vs variant=autarky
expect "compare: bad variant" 2 "no such variant (the file has: ecosystem, autarky)" "$E" compare "$tmp/fix.h5" --baseline variant=x --vs variant=autarky
expect "compare: time series refused" 2 "is a time series" "$E" compare "$tmp/fix.h5" --metric series
expect "compare: unknown metric" 2 "did you mean 'value'?" "$E" compare "$tmp/fix.h5" --metric valeu

# ---- hostile and foreign files: the documented exit codes, never a crash ----
for cmd in summarize compare; do
    expect "$cmd: missing file" 66 "cannot open $tmp/none.h5" "$E" $cmd "$tmp/none.h5"
    echo "not hdf5" >"$tmp/text.h5"
    expect "$cmd: not HDF5" 74 "is not a readable HDF5 file" "$E" $cmd "$tmp/text.h5"
    head -c 3000 "$tmp/fix.h5" >"$tmp/trunc.h5"
    expect "$cmd: truncated" 74 "is not a readable HDF5 file" "$E" $cmd "$tmp/trunc.h5"
    expect "$cmd: directory" 74 "is a directory" "$E" $cmd "$tmp"
done
"$PY" - "$tmp" <<'EOF' || fail "h5py files"
import sys, h5py, numpy as np
d = sys.argv[1]
with h5py.File(d + "/foreign.h5", "w") as f:
    f["x"] = np.arange(5.0)
with h5py.File(d + "/fake.h5", "w") as f:          # claims to be ecotwin, holds nothing
    f.attrs["ecotwin_version"] = np.bytes_("0.1.0")
    f["x"] = np.arange(5.0)
with h5py.File(d + "/fake2.h5", "w") as f:         # run_status but no coordinates
    f.attrs["ecotwin_version"] = np.bytes_("0.1.0")
    f["run_status"] = np.ones(3, dtype=np.int8)
with h5py.File(d + "/designs.h5", "w") as f:       # 2 x 2^25 factor values claimed, none stored
    f.attrs["ecotwin_version"] = np.bytes_("0.1.0")
    f["run_status"] = np.ones(1, dtype=np.int8)
    f["variant"] = np.zeros(1, dtype=np.int32)
    f["variant"].attrs["flag_meanings"] = np.bytes_("ecosystem")
    dp = f.create_dataset("design_point", shape=(2 ** 25,), chunks=(4096,), dtype="i8")
    dp.make_scale("design_point")
    for name in ("param_a", "param_b"):
        f.create_dataset(name, shape=(2 ** 25,), chunks=(4096,), dtype="f8").dims[0].attach_scale(dp)
EOF
for cmd in summarize compare; do
    expect "$cmd: foreign HDF5" 66 "not an ecotwin results file" "$E" $cmd "$tmp/foreign.h5"
    expect "$cmd: ecotwin attribute, no runs" 74 "damaged results file" "$E" $cmd "$tmp/fake.h5"
    expect "$cmd: run_status only" 74 "variant has no usable flag_meanings" "$E" $cmd "$tmp/fake2.h5"
    expect "$cmd: huge design claim" 74 "2 factors at 33554432 design points" "$E" $cmd "$tmp/designs.h5"
done

# ---- a real run ----
if (cd "$tmp" && "$E" run -q -o "$tmp/tiny.h5" "$ECOTWIN_ROOT/tests/data/good/tiny.yaml" >/dev/null 2>&1); then
    "$E" summarize "$tmp/tiny.h5" --json >"$tmp/t.json" || fail "summarize real run"
    check "summarize: real run" '
assert d["kind"] == "run" and d["by"] == ["variant"] and d["runs_complete"] == 6
r = rows(metric="value_ecosystem", variant="ecosystem")[0]
assert r["n"] == 3 and r["ci_low"] <= r["mean"] <= r["ci_high"]
' "$tmp/t.json"
    "$E" compare "$tmp/tiny.h5" --json >"$tmp/tc.json" || fail "compare real run"
    check "compare: real run" '
c = cmps(metric="value_ecosystem")[0]
assert c["baseline"] == "variant=autarky" and c["test"] == "paired t" and c["n_pairs"] == 3
assert {r["company"] for r in d["iov"]} == {None, "alpha", "beta"}
assert all(r["config"] == "design_point=0" for r in d["iov"])
' "$tmp/tc.json"
    expect "compare table: real run" 0 "value_ecosystem: ecosystem" "$E" compare "$tmp/tiny.h5"
    "$E" summarize "$tmp/tiny.h5" --metric value_total,value_ecosystem --company beta --json \
        >"$tmp/tb.json" || fail "summarize --company"
    check "summarize --company: that company's rows, and the (run) metric" '
assert {(r["metric"], r["company"]) for r in d["rows"]} == {("value_total", "beta"), ("value_ecosystem", None)}
' "$tmp/tb.json"
    "$E" compare "$tmp/tiny.h5" --metric value_total --company alpha --json >"$tmp/tcc.json" ||
        fail "compare --company"
    check "compare --company: that company only, in the comparisons and in iov" '
assert [c["company"] for c in d["comparisons"]] == ["alpha"]
assert {r["company"] for r in d["iov"]} == {None, "alpha"}
' "$tmp/tcc.json"
    expect "compare: unknown --company" 2 "--company: no company 'gamma'" \
        "$E" compare "$tmp/tiny.h5" --company gamma
    expect "summarize: unknown --company" 2 "--company: no company 'gamma'" \
        "$E" summarize "$tmp/tiny.h5" --company gamma
else
    fail "ecotwin run tiny.yaml"
fi

[ "$fails" -eq 0 ] && echo "all analysis checks passed"
exit $((fails > 0))
