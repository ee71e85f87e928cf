#!/usr/bin/env bash
# Sharded sweeps (--shard I/N, Slurm job arrays) and ecotwin merge (docs/hpc.md).
# - A sweep run as 3 shards (different thread counts, one shard from SLURM_ARRAY_TASK_*) and
#   merged (shards in shuffled order) has the data of the unsharded sweep: every dataset,
#   event tables and categorical design coordinates included.
# - Shard names: FILE with .shard-I-of-N before the extension; --shard none and Slurm
#   defaults; bad --shard values and Slurm variables are usage errors.
# - merge refuses, with its message and exit code and writing nothing: a shard of another
#   sweep, a missing, a duplicated and an incomplete (.part) shard, different shard counts, a
#   truncated file, a non-HDF5 file, a foreign HDF5 file, an ecotwin run file, a missing
#   file, OUT given as a shard; and corrupted copies of a shard (bytes flipped in its
#   metadata) end in an error, never a crash.
# - SIGTERM stops a shard with exit 75; resume refuses another shard's .part and continues
#   its own; the merged result equals the unsharded sweep.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sweep="$ECOTWIN_ROOT/tests/data/sweeps/shard.yaml"
long="$ECOTWIN_ROOT/tests/data/sweeps/shard_long.yaml"
tiny="$ECOTWIN_ROOT/tests/data/good/tiny.yaml"
cmp="$ECOTWIN_ROOT/tests/integration/compare_h5.py"
chk="$ECOTWIN_ROOT/tests/integration/sweep_check.py"
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_STEP

# Every dataset's attributes equal (dimension-scale references aside), the root has no shard
# attribute, the same fingerprint as REF, and is marked complete.
attrs_same() { # REF MERGED
    "$PYTHON" - "$1" "$2" <<'EOF'
import sys, h5py, numpy as np
skip = {"DIMENSION_LIST", "REFERENCE_LIST"}
bad = []
def same(v, w):
    v, w = np.asarray(v), np.asarray(w)
    if v.dtype.kind == "f" and w.dtype.kind == "f":
        return np.array_equal(v, w, equal_nan=True)
    return v.dtype == w.dtype and np.array_equal(v, w)
with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
    for name, obj in a.items():
        for k, v in obj.attrs.items():
            if k in skip:
                continue
            w = b[name].attrs.get(k)
            if w is None or not same(v, w):
                bad.append(f"{name}.{k}")
    order = []
    for f in (a, b):
        names = []
        f.id.links.iterate(names.append, idx_type=h5py.h5.INDEX_CRT_ORDER)
        order.append(names)
    if order[0] != order[1]:
        bad.append("creation order of the datasets")
    if "shard" in b.attrs:
        bad.append("root shard attribute")
    for k in ("sweep_fingerprint", "kind", "sweep_design", "common_random_numbers",
              "scenario_yaml", "master_seed"):
        if not same(a.attrs[k], b.attrs[k]):
            bad.append("root " + k)
    if int(np.asarray(b.attrs["complete"]).ravel()[0]) != 1:
        bad.append("complete")
print("attributes differ:", bad) if bad else None
sys.exit(1 if bad else 0)
EOF
}

# merge_refused LABEL EXIT TEXT ARGS...: merge into $tmp/no.h5 exits EXIT, says TEXT, writes
# nothing.
merge_refused() {
    local label=$1 want=$2 text=$3
    shift 3
    "$ECOTWIN" merge -q "$tmp/no.h5" "$@" >/dev/null 2>"$tmp/err"
    local rc=$?
    [ "$rc" -eq "$want" ] || fail "$label: exit $rc, expected $want: $(cat "$tmp/err")"
    grep -qF -- "$text" "$tmp/err" || fail "$label: expected '$text' in: $(cat "$tmp/err")"
    ls "$tmp"/no.h5* >/dev/null 2>&1 && fail "$label: a refused merge wrote $(ls "$tmp"/no.h5*)"
    rm -f "$tmp"/no.h5*
}

# ---- sharded + merged equals unsharded ----
"$ECOTWIN" sweep -q -t 2 -o "$tmp/all.h5" "$sweep" >/dev/null || fail "unsharded sweep"
"$ECOTWIN" sweep -q --json -t 1 --shard 0/3 -o "$tmp/s.h5" "$sweep" >"$tmp/out" || fail "shard 0/3"
grep -qF '"shard": "0/3", "points": 3, "replications": 2, "variants": 2, "runs": 4, "done": 4' \
    "$tmp/out" || fail "shard --json summary: $(cat "$tmp/out")"
SLURM_ARRAY_TASK_ID=8 SLURM_ARRAY_TASK_MIN=7 SLURM_ARRAY_TASK_COUNT=3 \
    "$ECOTWIN" sweep -t 2 -o "$tmp/s.h5" "$sweep" >/dev/null 2>"$tmp/err" || fail "Slurm shard"
grep -qF "shard 1/3 (from SLURM_ARRAY_TASK_ID=8, SLURM_ARRAY_TASK_MIN=7, SLURM_ARRAY_TASK_COUNT=3)" \
    "$tmp/err" || fail "Slurm shard log line: $(cat "$tmp/err")"
"$ECOTWIN" sweep -q -t 3 --shard 2/3 -o "$tmp/s.h5" "$sweep" >/dev/null || fail "shard 2/3"
for i in 0 1 2; do
    f="$tmp/s.shard-$i-of-3.h5"
    [ -e "$f" ] || fail "shard $i/3 not written as $f: $(ls "$tmp")"
    "$PYTHON" "$chk" attr "$f" shard "$i/3" || fail "shard attribute of $i/3"
    "$PYTHON" "$chk" status "$f" 8 4 0 || fail "shard $i/3: 4 of 12 runs complete"
done
[ -e "$tmp/s.h5" ] && fail "a shard wrote the unsharded name"
"$ECOTWIN" merge "$tmp/m.h5" "$tmp/s.shard-2-of-3.h5" "$tmp/s.shard-0-of-3.h5" \
    "$tmp/s.shard-1-of-3.h5" >"$tmp/out" 2>"$tmp/err" || fail "merge: $(cat "$tmp/err")"
grep -qF "12 runs from 3 shards" "$tmp/out" || fail "merge summary: $(cat "$tmp/out")"
"$PYTHON" "$cmp" "$tmp/all.h5" "$tmp/m.h5" --expect same || fail "merged data differ"
attrs_same "$tmp/all.h5" "$tmp/m.h5" || fail "merged attributes differ"
"$ECOTWIN" inspect "$tmp/m.h5" >/dev/null || fail "inspect of the merged file"
# A whole-sweep file is shard 0/1.
"$ECOTWIN" merge -q --json "$tmp/w.h5" "$tmp/all.h5" >"$tmp/out" 2>&1 || fail "merge 0/1"
grep -qF '"shards": 1, "runs": 12' "$tmp/out" || fail "merge --json: $(cat "$tmp/out")"
"$PYTHON" "$cmp" "$tmp/all.h5" "$tmp/w.h5" --expect same || fail "merge of a whole file"

# ---- shard options and Slurm defaults ----
"$ECOTWIN" sweep -n --shard 1/3 -o "$tmp/d.h5" "$sweep" >"$tmp/out" || fail "dry run 1/3"
grep -qF "Shard 1/3 (--shard): 4 of the 12 runs" "$tmp/out" || fail "dry run: $(cat "$tmp/out")"
grep -qF "Output: $tmp/d.shard-1-of-3.h5," "$tmp/out" || fail "dry run name: $(cat "$tmp/out")"
SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=4 "$ECOTWIN" sweep -n --json -o "$tmp/x" "$sweep" \
    >"$tmp/out" || fail "dry run from Slurm"
grep -qF "\"results\": \"$tmp/x.shard-3-of-4\", \"shard\": \"3/4\", \"shard_runs\": 2" \
    "$tmp/out" || fail "Slurm default without MIN: $(cat "$tmp/out")"
SLURM_ARRAY_TASK_ID=9 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_STEP=4 SLURM_ARRAY_TASK_COUNT=3 \
    "$ECOTWIN" sweep -n --json -o "$tmp/x.h5" "$sweep" >"$tmp/out" || fail "Slurm with a step"
grep -qF '"shard": "2/3"' "$tmp/out" || fail "Slurm step: $(cat "$tmp/out")"
SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=4 "$ECOTWIN" sweep -n --json --shard none \
    -o "$tmp/x.h5" "$sweep" >"$tmp/out" || fail "--shard none"
grep -qF "\"results\": \"$tmp/x.h5\", \"design\"" "$tmp/out" || fail "--shard none: $(cat "$tmp/out")"
"$ECOTWIN" sweep -n --json --shard 0/1 -o "$tmp/x.h5" "$sweep" >"$tmp/out" || fail "--shard 0/1"
grep -qF '"shard"' "$tmp/out" && fail "--shard 0/1 is a shard: $(cat "$tmp/out")"
for bad in 3/3 -1/3 1/0 x 1/ /3 1/3x; do
    "$ECOTWIN" sweep -n --shard "$bad" "$sweep" >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "--shard $bad: exit $rc, expected 2"
    grep -qF -- "--shard: expected I/N" "$tmp/err" || fail "--shard $bad: $(cat "$tmp/err")"
done
SLURM_ARRAY_TASK_ID=2 "$ECOTWIN" sweep -n "$sweep" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "SLURM_ARRAY_TASK_ID without _COUNT accepted"
grep -qF "SLURM_ARRAY_TASK_COUNT is not" "$tmp/err" || fail "no _COUNT: $(cat "$tmp/err")"
SLURM_ARRAY_TASK_ID=7 SLURM_ARRAY_TASK_COUNT=3 "$ECOTWIN" sweep -n "$sweep" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "task id beyond the count accepted"
grep -qF "give --shard I/N" "$tmp/err" || fail "task id beyond count: $(cat "$tmp/err")"
# A resubmission of some tasks (--array=3,7 or --array=3) no longer describes the layout.
SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=3 SLURM_ARRAY_TASK_MAX=7 SLURM_ARRAY_TASK_COUNT=2 \
    "$ECOTWIN" sweep -n "$sweep" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "array 3,7 accepted"
grep -qF "(a resubmission of some tasks?); give --shard I/N" "$tmp/err" ||
    fail "array 3,7: $(cat "$tmp/err")"
SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=3 SLURM_ARRAY_TASK_MAX=3 SLURM_ARRAY_TASK_COUNT=1 \
    "$ECOTWIN" sweep -n "$sweep" >/dev/null 2>&1
[ $? -eq 2 ] || fail "array of the one task 3 accepted"
SLURM_ARRAY_TASK_ID=0 SLURM_ARRAY_TASK_MAX=0 SLURM_ARRAY_TASK_COUNT=1 "$ECOTWIN" sweep -n --json \
    -o "$tmp/x.h5" "$sweep" >"$tmp/out" || fail "array of one task 0"
grep -qF "\"results\": \"$tmp/x.h5\", \"design\"" "$tmp/out" || fail "array 0: $(cat "$tmp/out")"

# ---- merge refuses ----
cp "$tmp/s.shard-0-of-3.h5" "$tmp/copy0.h5"
"$ECOTWIN" sweep -q -s 99 --shard 1/3 -o "$tmp/other.h5" "$sweep" >/dev/null || fail "seed 99"
merge_refused "another sweep" 65 "are not shards of one sweep" "$tmp/s.shard-0-of-3.h5" \
    "$tmp/other.shard-1-of-3.h5" "$tmp/s.shard-2-of-3.h5"
merge_refused "missing shard" 65 "1 of 3 shards missing: 1/3" "$tmp/s.shard-0-of-3.h5" \
    "$tmp/s.shard-2-of-3.h5"
merge_refused "duplicated shard" 65 "shard 0/3 is given twice: $tmp/s.shard-0-of-3.h5 and $tmp/copy0.h5" \
    "$tmp/s.shard-0-of-3.h5" "$tmp/copy0.h5" "$tmp/s.shard-1-of-3.h5" "$tmp/s.shard-2-of-3.h5"
"$ECOTWIN" sweep -q --shard 1/2 -o "$tmp/two.h5" "$sweep" >/dev/null || fail "shard 1/2"
merge_refused "shard counts" 65 "different shard counts" "$tmp/s.shard-0-of-3.h5" \
    "$tmp/two.shard-1-of-2.h5"
merge_refused "missing file" 66 "$tmp/nothere.h5 does not exist" "$tmp/nothere.h5"
head -c 20000 "$tmp/s.shard-1-of-3.h5" >"$tmp/trunc.h5"
merge_refused "truncated" 74 "cannot read $tmp/trunc.h5" "$tmp/s.shard-0-of-3.h5" \
    "$tmp/trunc.h5" "$tmp/s.shard-2-of-3.h5"
echo "not HDF5 at all" >"$tmp/text.h5"
merge_refused "not HDF5" 74 "is not a readable HDF5 file" "$tmp/text.h5"
"$PYTHON" -c "import h5py, sys; h5py.File(sys.argv[1], 'w')['x'] = [1, 2]" "$tmp/foreign.h5"
merge_refused "foreign HDF5" 65 "$tmp/foreign.h5 is not an ecotwin sweep file" "$tmp/foreign.h5"
"$ECOTWIN" run -q -r 1 -o "$tmp/run.h5" "$tiny" >/dev/null || fail "run for merge"
merge_refused "run file" 65 "written by ecotwin run" "$tmp/run.h5"
"$ECOTWIN" merge -q "$tmp/all.h5" "$tmp/all.h5" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "OUT given as a shard accepted"
"$ECOTWIN" merge --help | grep -qF "Usage: ecotwin merge" || fail "merge --help"

# Corrupted copies: a byte flipped in the superblock and in object headers (HDF5 checksums
# its metadata; flipped raw data cannot be detected without checksums on the data).
"$PYTHON" - "$tmp/s.shard-0-of-3.h5" "$tmp" <<'EOF'
import re, sys
data = open(sys.argv[1], "rb").read()
heads = [m.start() for m in re.finditer(b"OHDR", data)]
offsets = [0, 9, 20, 40] + [heads[i] + 6 for i in (0, 1, len(heads) // 3, len(heads) // 2, -1)]
for k, off in enumerate(offsets):
    b = bytearray(data)
    b[off] ^= 0xFF
    open(f"{sys.argv[2]}/bad{k}.h5", "wb").write(b)
EOF
# HDF5 1.10 leaks on its own error paths for damaged metadata (tests/fuzz/lsan.supp); only
# those leaks are suppressed, ecotwin's own allocations are still checked under ASan.
supp="suppressions=$ECOTWIN_ROOT/tests/fuzz/lsan.supp"
for f in "$tmp"/bad*.h5; do
    LSAN_OPTIONS="$supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}" \
        "$ECOTWIN" merge -q "$tmp/no.h5" "$f" "$tmp/s.shard-1-of-3.h5" "$tmp/s.shard-2-of-3.h5" \
        >/dev/null 2>"$tmp/err"
    rc=$?
    case $rc in
    65 | 66 | 74) ;;
    *) fail "corrupted $(basename "$f"): exit $rc: $(cat "$tmp/err")" ;;
    esac
    grep -q "^ecotwin merge: " "$tmp/err" || fail "corrupted $(basename "$f"): no message"
    grep -qE "Sanitizer|runtime error" "$tmp/err" && fail "corrupted $(basename "$f"): $(cat "$tmp/err")"
    ls "$tmp"/no.h5* >/dev/null 2>&1 && fail "corrupted $(basename "$f"): merge left a file"
    rm -f "$tmp"/no.h5*
done

# ---- SIGTERM in a shard, resume, merge ----
# The signal must land after shard 0's first unit and before its last (12 units of 2 runs):
# it goes as soon as `ecotwin inspect` sees 2 complete runs in the shard's FILE.part, which
# fits a fast optimised build, a slow sanitizer build and a loaded machine alike.
"$ECOTWIN" sweep -q -t 2 -o "$tmp/lall.h5" "$long" >/dev/null || fail "unsharded long sweep"
"$ECOTWIN" sweep -q -t 1 --shard 0/2 -o "$tmp/l.h5" "$long" >/dev/null 2>"$tmp/err" &
pid=$!
for _ in $(seq 3000); do
    kill -0 "$pid" 2>/dev/null || break
    line=$("$ECOTWIN" inspect "$tmp/l.shard-0-of-2.h5.part" 2>/dev/null | grep -m1 '^runs: ')
    [[ "$line" =~ \(([0-9]+)\ complete ]] && [ "${BASH_REMATCH[1]}" -ge 2 ] && break
    sleep 0.02
done
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
[ "$rc" -eq 75 ] || fail "SIGTERM in a shard: exit $rc, expected 75: $(cat "$tmp/err")"
grep -qF "of 24 runs are in $tmp/l.shard-0-of-2.h5.part" "$tmp/err" ||
    fail "SIGTERM message: $(cat "$tmp/err")"
merge_refused "incomplete shard (.part given)" 65 \
    "shard 0/2 ($tmp/l.shard-0-of-2.h5.part) is incomplete: finish it with ecotwin sweep --shard 0/2 --resume" \
    "$tmp/l.shard-0-of-2.h5.part"
merge_refused "incomplete shard (final name given)" 65 \
    "shard 0/2 ($tmp/l.shard-0-of-2.h5.part) is incomplete" "$tmp/l.shard-0-of-2.h5"
# Resume refuses another shard's file under its name, and leaves it alone.
cp "$tmp/l.shard-0-of-2.h5.part" "$tmp/l.shard-1-of-2.h5.part"
"$ECOTWIN" sweep -q --resume --shard 1/2 -o "$tmp/l.h5" "$long" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 65 ] || fail "resume of another shard's file: exit $rc, expected 65"
grep -qF "holds shard 0/2 of this sweep, not shard 1/2" "$tmp/err" ||
    fail "other shard's file: $(cat "$tmp/err")"
cmp -s "$tmp/l.shard-0-of-2.h5.part" "$tmp/l.shard-1-of-2.h5.part" || fail "refused resume changed it"
rm -f "$tmp/l.shard-1-of-2.h5.part"
"$ECOTWIN" sweep -q --resume -t 2 --shard 0/2 -o "$tmp/l.h5" "$long" >"$tmp/out" 2>"$tmp/err" ||
    fail "resume of shard 0/2: $(cat "$tmp/err")"
grep -qF "resumed from" "$tmp/out" || fail "shard resume copied nothing: $(cat "$tmp/out")"
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 "$ECOTWIN" sweep -q --resume -t 2 \
    -o "$tmp/l.h5" "$long" >/dev/null || fail "shard 1/2"
"$ECOTWIN" merge -q "$tmp/lm.h5" "$tmp/l.shard-1-of-2.h5" "$tmp/l.shard-0-of-2.h5" >/dev/null ||
    fail "merge after resume"
"$PYTHON" "$cmp" "$tmp/lall.h5" "$tmp/lm.h5" --expect same || fail "resumed shards merged differ"
[ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
exit $((fails > 0))
