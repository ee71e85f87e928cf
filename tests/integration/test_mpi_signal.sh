#!/usr/bin/env bash
# SIGTERM under MPI (docs/hpc.md "Time limits"). As Slurm does with srun, SIGTERM goes to every
# rank mid-sweep: rank 0 writes every finished unit and leaves FILE.part, serving ranks do not
# die but wait for rank 0, and every rank (hence mpirun) exits 75; --resume under mpirun, with
# another rank count, completes the file with the data of an uninterrupted run. Then Debian's
# mpirun itself gets SIGTERM: it sends SIGCONT, SIGTERM a second later and SIGKILL a second
# after that (odls_base_sigkill_timeout = 1) and exits 1; FILE.part still opens and resumes to
# the same data.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sweep="$ECOTWIN_ROOT/tests/data/sweeps/mpi_long.yaml"
cmp="$ECOTWIN_ROOT/tests/integration/compare_h5.py"
mpi() { mpirun --allow-run-as-root --oversubscribe "$@"; }
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

"$ECOTWIN" sweep -q -t 2 -o "$tmp/ref.h5" "$sweep" >/dev/null || fail "reference sweep"

# start NP OUT [ARGS...]: a sweep under mpirun in the background ($pid), once OUT.part exists
# and some runs are in it (a moment later).
start() {
    local np=$1 out=$2
    shift 2
    rm -f "$tmp/$out"*
    # mpirun itself, not through a function: $pid must be mpirun's.
    mpirun --allow-run-as-root --oversubscribe -np "$np" "$ECOTWIN" sweep -t 1 "$@" \
        -o "$tmp/$out" "$sweep" >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    for _ in $(seq 3000); do
        [ -e "$tmp/$out.part" ] && break
        sleep 0.01
    done
    sleep 0.5
}

# 1. SIGTERM to every rank (mpirun's children on this node).
start 3 k.h5
ranks=$(pgrep -P "$pid")
[ "$(echo "$ranks" | wc -w)" -eq 3 ] || fail "expected 3 ranks under mpirun, found: $ranks"
kill -TERM $ranks
wait "$pid"
rc=$?
[ "$rc" -eq 75 ] || fail "SIGTERM to every rank: exit $rc, expected 75: $(cat "$tmp/err")"
[ -e "$tmp/k.h5.part" ] || fail "no k.h5.part after SIGTERM"
[ -e "$tmp/k.h5" ] && fail "an interrupted sweep left the final file"
grep -qF "ecotwin sweep [rank 0/3]: interrupted: " "$tmp/err" ||
    fail "rank 0 did not report the interruption: $(cat "$tmp/err")"
mpi -np 2 "$ECOTWIN" sweep -q -t 1 --resume -o "$tmp/k.h5" "$sweep" >"$tmp/out" 2>"$tmp/err" ||
    fail "resume under mpirun: $(cat "$tmp/err")"
grep -qE "[1-9][0-9]* resumed from" "$tmp/out" || fail "nothing was resumed: $(cat "$tmp/out")"
"$PYTHON" "$cmp" "$tmp/ref.h5" "$tmp/k.h5" --expect same || fail "resumed data differ"

# 2. SIGTERM to mpirun: Debian's Open MPI ends the job within two seconds, which an optimised
# build can use to finish 32 runs: this case runs 4 times as many.
"$ECOTWIN" sweep -q -t 2 -r 32 -o "$tmp/ref32.h5" "$sweep" >/dev/null || fail "reference sweep (-r 32)"
start 2 m.h5 -r 32
kill -TERM "$pid"
wait "$pid"
rc=$?
echo "SIGTERM to mpirun: exit $rc"
[ "$rc" -ne 0 ] || fail "SIGTERM to mpirun: exit 0"
if [ -e "$tmp/m.h5" ]; then
    fail "SIGTERM to mpirun: the sweep completed before the signal"
else
    mpi -np 2 "$ECOTWIN" sweep -q -t 1 -r 32 --resume -o "$tmp/m.h5" "$sweep" >/dev/null \
        2>"$tmp/err" || fail "resume after SIGTERM to mpirun: $(cat "$tmp/err")"
    "$PYTHON" "$cmp" "$tmp/ref32.h5" "$tmp/m.h5" --expect same || fail "resumed data differ (2)"
fi

[ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
exit $((fails > 0))
