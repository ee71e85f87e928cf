#!/usr/bin/env bash
# sweep_bench.sh [ECOTWIN] [REPEATS]: times the 64-run baseline sweep (bench/sweep64.yaml)
# with 1 and 2 threads, REPEATS times each (default 3), and prints the median wall time,
# the speed-up, the share of the sweep's wall time the writer spent inside sim_h5_* calls
# (from `ecotwin sweep --json`: write_s / wall_s), and the writer thread's CPU time in those
# calls as a share of the process's CPU time (write_cpu_s / cpu_s: what writing costs,
# which a loaded machine does not inflate). Process wall times come from
# hyperfine when it is installed, else from /usr/bin/time. Never a pass/fail test: the
# machines are shared and noisy; record results in bench/README.md with the machine.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ecotwin=${1:-$here/../build/runner-release/sim/cli/ecotwin}
repeats=${2:-3}
sweep=$here/sweep64.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
json_field() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

echo "ecotwin: $ecotwin ($("$ecotwin" --version | head -1))"
echo "machine: $(nproc) CPUs, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$ecotwin" sweep --dry-run "$sweep" | grep '^Runs:'
# 1 and 2 threads alternate, so that a change in the machine's load hits both alike.
for t in 1 2; do : >"$tmp/wall$t" && : >"$tmp/share$t" && : >"$tmp/cpushare$t"; done
for i in $(seq "$repeats"); do
    for t in 1 2; do
        rm -f "$tmp/out.h5"
        /usr/bin/time -f "%e %M" -o "$tmp/time" "$ecotwin" sweep -q --json -t "$t" \
            -o "$tmp/out.h5" "$sweep" >"$tmp/json"
        read -r wall rss <"$tmp/time"
        echo "$wall" >>"$tmp/wall$t"
        w=$(json_field "$tmp/json" write_s)
        s=$(json_field "$tmp/json" wall_s)
        awk -v w="$w" -v s="$s" 'BEGIN {print w / s}' >>"$tmp/share$t"
        c=$(json_field "$tmp/json" write_cpu_share)
        echo "$c" >>"$tmp/cpushare$t"
        echo "  threads $t, run $i: $wall s wall, writer busy $w s of $s s," \
            "writer CPU share $c, peak RSS $rss KiB"
    done
done
if command -v hyperfine >/dev/null; then
    for t in 1 2; do
        hyperfine --runs "$repeats" --export-json "$tmp/hf$t.json" \
            --prepare "rm -f $tmp/hf.h5" \
            "$ecotwin sweep -q -t $t -o $tmp/hf.h5 $sweep" >/dev/null
        /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' \
            "$tmp/hf$t.json" >"$tmp/hfwall$t"
    done
fi
if [ -s "$tmp/hfwall1" ]; then
    h1=$(cat "$tmp/hfwall1")
    h2=$(cat "$tmp/hfwall2")
    echo "hyperfine median wall: 1 thread $h1 s, 2 threads $h2 s," \
        "speed-up $(awk -v a="$h1" -v b="$h2" 'BEGIN {printf "%.2f", a / b}')"
fi
w1=$(median <"$tmp/wall1")
w2=$(median <"$tmp/wall2")
echo "/usr/bin/time median wall: 1 thread $w1 s, 2 threads $w2 s, speed-up $(awk -v a="$w1" -v b="$w2" 'BEGIN {printf "%.2f", a / b}')"
echo "median writer share of wall time: 1 thread $(median <"$tmp/share1"), 2 threads $(median <"$tmp/share2")"
echo "median writer share of CPU time: 1 thread $(median <"$tmp/cpushare1"), 2 threads $(median <"$tmp/cpushare2")"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
