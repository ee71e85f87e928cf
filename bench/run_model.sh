#!/usr/bin/env bash
# Events per second of the ecosystem model, next to PHOLD with 10^4 pending events in the
# same run, and how its cost grows with the number of companies.
#
# Usage: bench/run_model.sh [BUILD_DIR] [ROUNDS]     (defaults: build/perf-rel, 5)
# Build first: cmake --build build/perf-rel --target ecotwin_bench
#
#  1. ROUNDS rounds, alternating: PHOLD 10^4 (scenarios/bench/phold_1e4.yaml) and the
#     baseline scenario (its first 4 runs: 2 replications x 2 variants); medians, and their
#     ratio (the target is at least 0.3);
#  2. generated populations of 60, 250 and 1000 companies over one year (one run each,
#     ecosystem variant), for the growth of the cost per event with companies;
#  3. the 3-year run of 1,000 companies (scenarios/bench/population_1000.yaml), once.
# Events per second are of the event loop in CPU time of the thread (ecotwin_bench); peak
# memory is /usr/bin/time -v's maximum resident set size of the whole process.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/perf-rel}
rounds=${2:-5}
bench=$build/bench/ecotwin_bench
[ -x "$bench" ] || { echo "missing $bench: build the bench targets first" >&2; exit 66; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # NAME OUTFILE ARGS...: one JSON line and the peak RSS appended to OUTFILE
    local name=$1 out=$2
    shift 2
    /usr/bin/time -f '%M' -o "$tmp/rss" "$bench" "$@" > "$tmp/json"
    printf '%s %s %s\n' "$name" "$(cat "$tmp/rss")" "$(cat "$tmp/json")" >> "$out"
}

for ((r = 1; r <= rounds; r++)); do
    run phold_1e4 "$tmp/rounds" --repeat 1 "$root/scenarios/bench/phold_1e4.yaml"
    run baseline "$tmp/rounds" --repeat 1 --runs 4 "$root/scenarios/baseline.yaml"
done
for n in 60 250 1000; do
    printf 'extends: %s\npopulation: {n_companies: %d}\n' \
        "$root/scenarios/bench/population_1000.yaml" "$n" > "$tmp/pop_$n.yaml"
    run "companies_$n" "$tmp/scale" --repeat 1 --horizon 8760 "$tmp/pop_$n.yaml"
done
run population_1000_3y "$tmp/large" --repeat 1 "$root/scenarios/bench/population_1000.yaml"

echo "ecosystem model, $rounds rounds (medians); $(uname -n), $(date -u +%F)"
/usr/bin/python3 - "$tmp" <<'EOF'
import json, statistics, sys
tmp = sys.argv[1]
def rows(name):
    out = {}
    for line in open(f"{tmp}/{name}"):
        key, rss, js = line.split(" ", 2)
        d = json.loads(js)
        d["rss"] = int(rss)
        out.setdefault(key, []).append(d)
    return out
def line(label, v):
    med = lambda f: statistics.median(x[f] for x in v)
    print(f"| {label} | {v[0]['runs']} | {v[0]['events']} | {med('events_per_s') / 1e6:.2f} "
          f"| {med('ns_per_event'):.0f} | {med('loop_s') + med('setup_s'):.2f} "
          f"| {med('rss') / 1024:.0f} |")
print("| case | runs | events | Mev/s | ns/event | wall s | peak RSS MiB |")
print("|---|---|---|---|---|---|---|")
r = rows("rounds")
line("PHOLD 10^4 pending", r["phold_1e4"])
line("baseline.yaml (6 companies)", r["baseline"])
for k, v in rows("scale").items():
    line(f"population, {k.split('_')[1]} companies, 1 year", v)
line("population, 1000 companies, 3 years", rows("large")["population_1000_3y"])
ratio = statistics.median(b["events_per_s"] / p["events_per_s"]
                          for p, b in zip(r["phold_1e4"], r["baseline"]))
print(f"\necosystem baseline / PHOLD 10^4 events per second: {ratio:.2f} (target >= 0.30)")
EOF
