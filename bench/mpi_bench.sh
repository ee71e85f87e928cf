#!/usr/bin/env bash
# mpi_bench.sh [ECOTWIN] [REPEATS]: times the 64-run baseline sweep (bench/sweep64.yaml) under
# `mpirun -np 1` and `-np 2` with one worker thread per rank, alternating, REPEATS times each
# (default 3), and prints the median wall times of the whole mpirun command (MPI start-up
# included) and of the sweep itself (`wall_s` of rank 0's `--json` summary: MPI start-up
# excluded), the speed-ups, and the machine's load before and after. Rank 0 also runs the
# writer (the consumer thread) beside its worker. Never a pass/fail test: record results in
# bench/README.md ("MPI ranks (issue 5)") with the load at the time.
# On one machine the shared-memory transports are the ones to use; Open MPI's default
# selection also probes network stacks (UCX, libfabric), which costs about 0.3 s per start on
# the project VM. Set OMPI_MCA_pml / OMPI_MCA_btl yourself to measure something else.
# With -np 1, ecotwin does not start MPI at all (nothing to share).
set -eu
export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1} OMPI_MCA_btl=${OMPI_MCA_btl:-self,vader}
here=$(cd "$(dirname "$0")" && pwd)
ecotwin=${1:-$here/../build/release/sim/cli/ecotwin}
repeats=${2:-3}
sweep=$here/sweep64.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
now() { date +%s.%N; }

echo "ecotwin: $ecotwin ($("$ecotwin" --version | tail -1 | sed 's/.*, \(Open MPI[^,]*\).*/\1/'))"
echo "MPI transports: pml $OMPI_MCA_pml, btl $OMPI_MCA_btl"
echo "machine: $(nproc) CPUs, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg) (before)"
"$ecotwin" sweep --dry-run "$sweep" | grep '^Runs:'
: >"$tmp/wall1"
: >"$tmp/wall2"
: >"$tmp/sweep1"
: >"$tmp/sweep2"
for i in $(seq "$repeats"); do
    for np in 1 2; do
        rm -f "$tmp"/out*.h5*
        t0=$(now)
        env -u OMP_NUM_THREADS -u SLURM_CPUS_PER_TASK mpirun --allow-run-as-root \
            --oversubscribe -np "$np" "$ecotwin" sweep -q --json -t 1 -o "$tmp/out$np.h5" \
            "$sweep" >"$tmp/json"
        t1=$(now)
        wall=$(echo "$t1 - $t0" | bc -l)
        printf '%.3f\n' "$wall" >>"$tmp/wall$np"
        inner=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["wall_s"])' \
            "$tmp/json")
        echo "$inner" >>"$tmp/sweep$np"
        printf 'repeat %d: -np %d: %.2f s, sweep %.2f s (load %s)\n' "$i" "$np" "$wall" "$inner" \
            "$(cut -d' ' -f1 /proc/loadavg)"
    done
done
w1=$(median <"$tmp/wall1")
w2=$(median <"$tmp/wall2")
echo "median wall: -np 1 ${w1} s, -np 2 ${w2} s; speed-up $(echo "$w1 / $w2" | bc -l | cut -c1-5)"
s1=$(median <"$tmp/sweep1")
s2=$(median <"$tmp/sweep2")
echo "median sweep (no MPI start-up): -np 1 ${s1} s, -np 2 ${s2} s; speed-up $(echo "$s1 / $s2" | bc -l | cut -c1-5)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
