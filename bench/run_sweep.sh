#!/usr/bin/env bash
# Sweep throughput in runs per second for 1 and 2 threads, with peak memory.
#
# Usage: bench/run_sweep.sh [BUILD_DIR] [ROUNDS]     (defaults: build/perf-rel, 3)
# Runs `ecotwin sweep` on bench/sweep64.yaml (64 runs of the baseline scenario: 4 design
# points x 8 replications x 2 variants, about 340,000 events per run), alternating 1 and 2
# threads ROUNDS times. Runs per second are runs over the whole sweep's wall time as the
# program reports it (writing the HDF5 file included); peak memory is /usr/bin/time -v's
# maximum resident set size. On a machine shared with other work the 2-thread figure depends
# on a second core being free. bench/sweep_bench.sh breaks the time down further (writer).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/perf-rel}
rounds=${2:-3}
ecotwin=$build/sim/cli/ecotwin
[ -x "$ecotwin" ] || { echo "missing $ecotwin: build it first" >&2; exit 66; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((r = 1; r <= rounds; r++)); do
    for t in 1 2; do
        /usr/bin/time -f '%M' -o "$tmp/rss" "$ecotwin" sweep -q --json -t "$t" \
            -o "$tmp/sweep.h5" "$root/bench/sweep64.yaml" > "$tmp/json"
        printf '%s %s %s\n' "$t" "$(cat "$tmp/rss")" "$(cat "$tmp/json")" >> "$tmp/all"
        rm -f "$tmp/sweep.h5"
    done
done
echo "sweep of bench/sweep64.yaml, $rounds rounds (medians);" \
    "$(uname -n), $(nproc) CPUs, $(date -u +%F)"
/usr/bin/python3 - "$tmp/all" <<'EOF'
import json, statistics, sys
by = {}
for line in open(sys.argv[1]):
    t, rss, js = line.split(" ", 2)
    d = json.loads(js)
    d["rss"] = int(rss)
    by.setdefault(int(t), []).append(d)
print("| threads | runs | events | wall s | runs/s | Mev/s | write share | peak RSS MiB |")
print("|---|---|---|---|---|---|---|---|")
for t, v in sorted(by.items()):
    med = lambda f: statistics.median(x[f] for x in v)
    print(f"| {t} | {v[0]['runs']} | {v[0]['events']} | {med('wall_s'):.2f} "
          f"| {statistics.median(x['runs'] / x['wall_s'] for x in v):.1f} "
          f"| {statistics.median(x['events'] / x['wall_s'] for x in v) / 1e6:.2f} "
          f"| {med('write_share'):.2f} | {med('rss') / 1024:.0f} |")
EOF
