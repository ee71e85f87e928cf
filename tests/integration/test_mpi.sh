#!/usr/bin/env bash
# test_mpi.sh data|errors. MPI ranks (docs/hpc.md): `mpirun -np K ecotwin sweep` gives the same data as one process,
# dataset by dataset, for K = 1, 2, 3 and with threads inside ranks (-np 2 -t 2); failed runs
# travel between ranks too; provenance records ranks and threads; every log line of every rank
# names its rank (and -np 1 behaves as without MPI); ranks that read another sweep, or one
# that cannot open it, make every rank fail with one message; threads per rank default to
# SLURM_CPUS_PER_TASK, else the CPUs divided among the ranks of the node.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
small="$ECOTWIN_ROOT/tests/data/sweeps/runner_small.yaml"
faults="$ECOTWIN_ROOT/tests/data/sweeps/runner_faults.yaml"
crn="$ECOTWIN_ROOT/tests/data/sweeps/runner_crn.yaml"
cmp="$ECOTWIN_ROOT/tests/integration/compare_h5.py"
chk="$ECOTWIN_ROOT/tests/integration/sweep_check.py"
# CI runs as root; the machine may have fewer cores than ranks.
mpi() { mpirun --allow-run-as-root --oversubscribe "$@"; }
part=${1:-data} # data: identical data, logs, provenance; errors: failures and defaults
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

"$ECOTWIN" --version | grep -q "MPI v" || fail "--version names no MPI: $("$ECOTWIN" --version)"

"$ECOTWIN" sweep -q -t 1 -o "$tmp/ref.h5" "$small" >/dev/null || fail "reference sweep"
if [ "$part" = data ]; then
for np in 1 2 3; do
    mpi -np "$np" "$ECOTWIN" sweep -t 1 -o "$tmp/np$np.h5" "$small" >"$tmp/out$np" \
        2>"$tmp/err$np" || fail "-np $np: exit $?: $(cat "$tmp/err$np")"
    "$PYTHON" "$cmp" "$tmp/ref.h5" "$tmp/np$np.h5" --expect same || fail "-np $np: data differ"
    "$PYTHON" "$chk" attr "$tmp/np$np.h5" ranks "$np" || fail "-np $np: ranks attribute"
    "$PYTHON" "$chk" attr "$tmp/np$np.h5" threads 1 || fail "-np $np: threads attribute"
    [ "$(grep -c '^Results: ' "$tmp/out$np")" -eq 1 ] || fail "-np $np: not one summary"
done
# Logs: -np 1 is a plain process; with more ranks every line names its rank.
grep -q "rank" "$tmp/err1" && fail "-np 1 logs name a rank: $(cat "$tmp/err1")"
grep -qF "ecotwin sweep [rank 0/3]: " "$tmp/err3" || fail "-np 3 logs: $(cat "$tmp/err3")"
grep "^ecotwin" "$tmp/err3" | grep -vqF "[rank " && fail "-np 3: a log line without rank"

mpi -np 2 "$ECOTWIN" sweep -q -t 2 -o "$tmp/t2.h5" "$small" >/dev/null || fail "-np 2 -t 2"
"$PYTHON" "$cmp" "$tmp/ref.h5" "$tmp/t2.h5" --expect same || fail "-np 2 -t 2: data differ"
"$PYTHON" "$chk" attr "$tmp/t2.h5" threads 2 || fail "-np 2 -t 2: threads attribute"

# Independent streams travel too.
"$ECOTWIN" sweep -q -t 1 --independent -o "$tmp/ind.h5" "$crn" >/dev/null || fail "independent"
mpi -np 2 "$ECOTWIN" sweep -q -t 1 --independent -o "$tmp/ind2.h5" "$crn" >/dev/null ||
    fail "-np 2 --independent"
"$PYTHON" "$cmp" "$tmp/ind.h5" "$tmp/ind2.h5" --expect same || fail "--independent: data differ"

fi

if [ "$part" = errors ]; then
# Failed runs (a design point out of range) come back from other ranks with their message;
# every rank exits 70 as a single process does.
"$ECOTWIN" sweep -q -t 1 -o "$tmp/f1.h5" "$faults" >/dev/null 2>&1
rc1=$?
mpi -np 3 "$ECOTWIN" sweep -q -t 1 -o "$tmp/f3.h5" "$faults" >/dev/null 2>"$tmp/ferr"
rc3=$?
[ "$rc1" -eq 70 ] && [ "$rc3" -eq 70 ] || fail "failed runs: exit $rc1 alone, $rc3 with -np 3"
"$PYTHON" "$cmp" "$tmp/f1.h5" "$tmp/f3.h5" --expect same || fail "failed runs: data differ"
"$PYTHON" "$chk" failed "$tmp/f3.h5" 1 "must be a number in [0, inf)" || fail "failed runs: message"

# Another sweep on one rank (MPMD launch): every rank fails, exit 65, nothing is written.
mpi -np 1 "$ECOTWIN" sweep -q -t 1 -o "$tmp/mm.h5" "$small" : \
    -np 1 "$ECOTWIN" sweep -q -t 1 -o "$tmp/mm.h5" "$crn" >/dev/null 2>"$tmp/mmerr"
rc=$?
[ "$rc" -eq 65 ] || fail "mismatched sweeps: exit $rc, expected 65"
grep -qF "rank 1 of 2 read another sweep than rank 0" "$tmp/mmerr" ||
    fail "mismatched sweeps: message: $(cat "$tmp/mmerr")"
ls "$tmp"/mm.h5* >/dev/null 2>&1 && fail "mismatched sweeps: a file was written"
# A rank that cannot open the sweep: every rank exits 66.
mpi -np 1 "$ECOTWIN" sweep -q -t 1 -o "$tmp/mi.h5" "$small" : \
    -np 1 "$ECOTWIN" sweep -q -t 1 -o "$tmp/mi.h5" "$tmp/missing.yaml" >/dev/null 2>"$tmp/mierr"
rc=$?
[ "$rc" -eq 66 ] || fail "a rank without the sweep: exit $rc, expected 66"
grep -qF "rank 1 of 2 could not start the sweep" "$tmp/mierr" ||
    fail "a rank without the sweep: message: $(cat "$tmp/mierr")"
grep -qF "ecotwin sweep [rank 1/2]: " "$tmp/mierr" || fail "rank 1's own error names no rank"

# Rank 0's batch refuses (FILE.part exists, no --resume): it releases the others, all exit 2.
: >"$tmp/busy.h5.part"
mpi -np 2 "$ECOTWIN" sweep -q -t 1 -o "$tmp/busy.h5" "$small" >/dev/null 2>"$tmp/berr"
rc=$?
[ "$rc" -eq 2 ] || fail "existing FILE.part: exit $rc, expected 2: $(cat "$tmp/berr")"
grep -qF "ecotwin sweep [rank 0/2]: $tmp/busy.h5.part exists" "$tmp/berr" ||
    fail "existing FILE.part: message: $(cat "$tmp/berr")"

# Threads per rank: SLURM_CPUS_PER_TASK, else the CPUs shared among the node's ranks.
env -u OMP_NUM_THREADS SLURM_CPUS_PER_TASK=2 mpirun --allow-run-as-root --oversubscribe \
    -np 2 "$ECOTWIN" sweep -o "$tmp/s.h5" "$small" >/dev/null 2>"$tmp/serr" || fail "slurm cpus"
grep -qF "2 threads (SLURM_CPUS_PER_TASK)" "$tmp/serr" || fail "SLURM_CPUS_PER_TASK: $(cat "$tmp/serr")"
"$PYTHON" "$chk" attr "$tmp/s.h5" threads 2 || fail "threads from SLURM_CPUS_PER_TASK"
cpus=$(nproc)
want=$((cpus / 2 > 0 ? cpus / 2 : 1))
env -u OMP_NUM_THREADS -u SLURM_CPUS_PER_TASK mpirun --allow-run-as-root --oversubscribe \
    --bind-to none -np 2 "$ECOTWIN" sweep -o "$tmp/d.h5" "$small" >/dev/null 2>"$tmp/derr" ||
    fail "default threads"
grep -qF "$want thread" "$tmp/derr" && grep -qF "ranks on this node" "$tmp/derr" ||
    fail "default threads: expected $want from $cpus CPUs / 2 ranks: $(cat "$tmp/derr")"
"$PYTHON" "$cmp" "$tmp/ref.h5" "$tmp/d.h5" --expect same || fail "default threads: data differ"

fi

[ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
exit $((fails > 0))
