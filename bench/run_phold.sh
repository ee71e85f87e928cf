#!/usr/bin/env bash
# PHOLD through the engine next to the bare binary heap (bench/bare_heap.c), at 10^3, 10^4,
# 10^5 and 10^6 pending events, in one run so the ratios are fair.
#
# Usage: bench/run_phold.sh [BUILD_DIR] [ROUNDS]     (defaults: build/perf-rel, 5)
# Build first: cmake -S . -B build/perf-rel -DCMAKE_BUILD_TYPE=Release &&
#              cmake --build build/perf-rel --target ecotwin_bench bare_heap
#
# Each round runs every size once with each program, alternating them, so that a busy
# machine slows both alike; the table gives medians over the rounds. Events per second and
# ns per event are of the event loop (setup excluded) in CPU time of the thread; peak memory
# is /usr/bin/time -v's maximum resident set size of the whole process. Both programs must
# handle the same events and send the same number of them to another process: the script
# stops if they do not, since then they did not do the same work. With HYPERFINE=1 it also
# times both whole programs (parse, setup, loop, exit) with hyperfine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/perf-rel}
rounds=${2:-5}
bench=$build/bench/ecotwin_bench
bare=$build/bench/bare_heap
for p in "$bench" "$bare"; do
    [ -x "$p" ] || { echo "missing $p: build the bench targets first" >&2; exit 66; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# size  events_per_lp  horizon_h : keep in step with scenarios/bench/phold_<size>.yaml
sizes=("1e3 1 8000" "1e4 10 800" "1e5 100 80" "1e6 1000 8")

# run NAME OUTFILE COMMAND...: one JSON line plus the peak RSS appended to OUTFILE.
run() {
    local name=$1 out=$2
    shift 2
    /usr/bin/time -f '%M' -o "$tmp/rss" "$@" > "$tmp/json"
    printf '%s %s %s\n' "$name" "$(cat "$tmp/rss")" "$(cat "$tmp/json")" >> "$out"
}

for ((r = 1; r <= rounds; r++)); do
    for s in "${sizes[@]}"; do
        read -r size epl horizon <<< "$s"
        run engine "$tmp/$size" "$bench" --repeat 1 "$root/scenarios/bench/phold_$size.yaml"
        run bare "$tmp/$size" "$bare" --repeat 1 --n-lp 1000 --events-per-lp "$epl" \
            --horizon "$horizon" --mean 1 --lookahead 1 --remote 0.25 --seed 20240601
    done
done

echo "PHOLD, 1000 processes, lookahead 1 h + Exp(1 h), remote 0.25; $rounds rounds, medians"
echo "$(uname -n), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F)"
/usr/bin/python3 - "$tmp" "${sizes[@]}" <<'EOF'
import json, math, statistics, sys
tmp, sizes = sys.argv[1], [s.split()[0] for s in sys.argv[2:]]
print("| pending | events/run | engine Mev/s | engine ns/ev | bare Mev/s | bare ns/ev "
      "| engine/bare | engine RSS MiB | bare RSS MiB |")
print("|---|---|---|---|---|---|---|---|---|")
ns = {}
for size in sizes:
    rows = {"engine": [], "bare": []}
    for line in open(f"{tmp}/{size}"):
        name, rss, js = line.split(" ", 2)
        d = json.loads(js)
        d["rss"] = int(rss)
        rows[name].append(d)
    for e, b in zip(rows["engine"], rows["bare"]):
        if (e["events"], e["remote"]) != (b["events"], b["remote"]):
            sys.exit(f"{size}: engine handled {e['events']} events ({e['remote']} remote), "
                     f"bare heap {b['events']} ({b['remote']}): not the same work")
    med = {k: {f: statistics.median(x[f] for x in v)
               for f in ("events_per_s", "ns_per_event", "rss")} for k, v in rows.items()}
    e, b = med["engine"], med["bare"]
    ratio = statistics.median(x["events_per_s"] / y["events_per_s"]
                              for x, y in zip(rows["engine"], rows["bare"]))
    ns[size] = (e["ns_per_event"], b["ns_per_event"])
    print(f"| {float(size):.0e} | {rows['engine'][0]['events']} "
          f"| {e['events_per_s'] / 1e6:.2f} | {e['ns_per_event']:.0f} "
          f"| {b['events_per_s'] / 1e6:.2f} | {b['ns_per_event']:.0f} | {ratio:.2f} "
          f"| {e['rss'] / 1024:.0f} | {b['rss'] / 1024:.0f} |")
lo, hi = sizes[0], sizes[-1]
bound = math.log(float(hi)) / math.log(float(lo))
print(f"\ngrowth of ns/event from {lo} to {hi} pending: engine x{ns[hi][0] / ns[lo][0]:.2f}, "
      f"bare heap x{ns[hi][1] / ns[lo][1]:.2f} (O(log n) allows x{bound:.2f})")
EOF

if [ "${HYPERFINE:-0}" = 1 ] && command -v hyperfine > /dev/null; then
    for s in "${sizes[@]}"; do
        read -r size epl horizon <<< "$s"
        hyperfine -N --warmup 1 --runs "$rounds" --style basic \
            -n "engine $size" "$bench --repeat 1 $root/scenarios/bench/phold_$size.yaml" \
            -n "bare $size" "$bare --repeat 1 --n-lp 1000 --events-per-lp $epl --horizon $horizon"
    done
fi
