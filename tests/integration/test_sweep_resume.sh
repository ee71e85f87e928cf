#!/usr/bin/env bash
# Crash safety and resume. A sweep killed with SIGKILL at a random moment (seeded, a few
# trials) leaves FILE.part that opens and whose complete runs equal the uninterrupted
# sweep's; `--resume` then finishes it with data identical to the uninterrupted sweep.
# SIGTERM stops cleanly with exit 75 and a resumable FILE.part. Resume refuses a changed
# sweep (exit 65) and leaves FILE.part alone; without --resume FILE.part is not overwritten.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sweep="$ECOTWIN_ROOT/tests/data/sweeps/runner_resume.yaml"
cmp="$ECOTWIN_ROOT/tests/integration/compare_h5.py"
chk="$ECOTWIN_ROOT/tests/integration/sweep_check.py"
RANDOM=${SWEEP_RESUME_SEED:-20240601}
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
now_ms() { date +%s%3N; }

t0=$(now_ms)
"$ECOTWIN" sweep -q -t 2 -o "$tmp/ref.h5" "$sweep" >/dev/null || fail "reference sweep"
span=$(($(now_ms) - t0))
[ "$span" -lt 200 ] && span=200
echo "uninterrupted sweep: $span ms"

# interrupt SIGNAL DELAY_MS: start a sweep into $tmp/k.h5, signal it after DELAY_MS (or, with
# DELAY_MS "part", as soon as k.h5.part exists), wait.
interrupt() {
    rm -f "$tmp"/k.h5*
    "$ECOTWIN" sweep -q -t 2 -o "$tmp/k.h5" "$sweep" >/dev/null 2>"$tmp/err" &
    local pid=$!
    if [ "$2" = part ]; then
        for _ in $(seq 3000); do
            [ -e "$tmp/k.h5.part" ] && break
            sleep 0.01
        done
    else
        sleep "$(printf '%d.%03d' $(($2 / 1000)) $(($2 % 1000)))"
    fi
    kill "-$1" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

resume_and_compare() { # label
    "$ECOTWIN" sweep -q -t 2 --resume -o "$tmp/k.h5" "$sweep" >"$tmp/out" 2>"$tmp/err" ||
        fail "$1: resume failed: $(cat "$tmp/err")"
    [ -e "$tmp/k.h5.part" ] && fail "$1: resume left k.h5.part"
    "$PYTHON" "$cmp" "$tmp/k.h5" "$tmp/ref.h5" --expect same || fail "$1: resumed data differ"
}

for trial in 1 2 3; do
    delay=$((RANDOM % span))
    interrupt KILL "$delay"
    rc=$?
    echo "trial $trial: SIGKILL after $delay ms, exit $rc"
    if [ "$rc" -eq 0 ]; then
        continue # finished before the kill
    fi
    [ -e "$tmp/k.h5" ] && fail "trial $trial: a killed sweep left the final file"
    if [ -e "$tmp/k.h5.part" ]; then
        "$PYTHON" "$chk" subset "$tmp/k.h5.part" "$tmp/ref.h5" ||
            fail "trial $trial: the killed file's complete runs are wrong"
        "$ECOTWIN" inspect "$tmp/k.h5.part" >"$tmp/insp" 2>&1 ||
            fail "trial $trial: inspect cannot read the killed file"
    fi
    resume_and_compare "trial $trial"
done

# SIGTERM as soon as the file exists: exit 75, a message saying how to resume, then resume.
interrupt TERM part
rc=$?
if [ "$rc" -eq 75 ]; then
    grep -qF -- "--resume" "$tmp/err" || fail "SIGTERM: no resume hint: $(cat "$tmp/err")"
    "$PYTHON" "$chk" subset "$tmp/k.h5.part" "$tmp/ref.h5" || fail "SIGTERM: partial file wrong"
    # A changed sweep is refused and the file is left alone.
    cp "$tmp/k.h5.part" "$tmp/saved.part"
    "$ECOTWIN" sweep -q --resume --seed 99 -o "$tmp/k.h5" "$sweep" >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 65 ] || fail "resume of a changed sweep: exit $rc, expected 65"
    grep -qF "was written by a different sweep" "$tmp/err" || fail "refusal message: $(cat "$tmp/err")"
    "$ECOTWIN" sweep -q --resume --independent -o "$tmp/k.h5" "$sweep" >/dev/null 2>&1
    [ $? -eq 65 ] || fail "resume with --independent was not refused"
    cmp -s "$tmp/k.h5.part" "$tmp/saved.part" || fail "a refused resume changed FILE.part"
    "$ECOTWIN" sweep -q -o "$tmp/k.h5" "$sweep" >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "FILE.part without --resume: exit $rc, expected 2"
    grep -qF "continue it with --resume" "$tmp/err" || fail "no --resume hint: $(cat "$tmp/err")"
    resume_and_compare "SIGTERM"
else
    fail "SIGTERM: exit $rc, expected 75"
fi

# --resume with nothing to resume runs the sweep from the start.
rm -f "$tmp"/k.h5*
"$ECOTWIN" sweep -q --resume -o "$tmp/k.h5" "$sweep" >/dev/null || fail "resume without a .part"
"$PYTHON" "$cmp" "$tmp/k.h5" "$tmp/ref.h5" --expect same || fail "fresh --resume differs"
[ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
exit $((fails > 0))
