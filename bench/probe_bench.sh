#!/usr/bin/env bash
# probe_bench.sh BASE NEW [REPEATS]: what reading untrusted results files in a child costs
# (sim/cli/cli_probe.c, docs/reliability.md). Times two ecotwin binaries, BASE (a build of
# the commit before a change) and NEW, alternating, REPEATS times each (default 5), on:
#   summarize of 128 baseline runs (weekly samples);
#   merge of two shards of 64 baseline runs (weekly samples: 157 a run);
#   merge of two shards of 16 runs sampled hourly (21 901 samples a run: long time series,
#   which merge reads whole and summarize does not read).
# Prints the median wall times, their ratio, and the load before and after. Never a pass/fail
# test: record results in bench/README.md with the load at the time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
base=$1
new=$2
repeats=${3:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
now() { date +%s.%N; }

echo "machine: $(nproc) CPUs, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg) (before)"
cat >"$tmp/weekly.yaml" <<YAML
extends: $here/../scenarios/baseline.yaml
simulation: {replications: 32, variants: [ecosystem]}
sweep:
  design: grid
  factors:
    companies.util_a.sharing_willingness: [0.2, 0.8]
YAML
sed 's/replications: 32/replications: 8, sample_interval_h: 1/' "$tmp/weekly.yaml" >"$tmp/hourly.yaml"
"$new" run -q -r 64 -o "$tmp/b128.h5" "$here/../scenarios/baseline.yaml" >/dev/null
for s in weekly hourly; do
    for k in 0 1; do
        "$new" sweep -q --shard "$k/2" -o "$tmp/$s.h5" "$tmp/$s.yaml" >/dev/null
    done
done
ls -l "$tmp"/*.h5 | awk '{printf "  %s %.1f MB\n", $NF, $5 / 1e6}' | sed "s|$tmp/||"

# case NAME CMD...: CMD with BASE and with NEW (the word ECOTWIN replaced), REPEATS times.
case_() {
    local name=$1
    shift
    : >"$tmp/t.base"
    : >"$tmp/t.new"
    for _ in $(seq "$repeats"); do
        for v in base new; do
            local exe=$base
            [ "$v" = new ] && exe=$new
            rm -f "$tmp"/m.h5*
            local t0 t1
            t0=$(now)
            "${@/#ECOTWIN/$exe}" >/dev/null 2>&1 || { echo "$name failed ($v)" >&2; exit 1; }
            t1=$(now)
            echo "$t1 - $t0" | bc >>"$tmp/t.$v"
        done
    done
    local b n
    b=$(median <"$tmp/t.base")
    n=$(median <"$tmp/t.new")
    printf '%-36s base %6.3f s   new %6.3f s   new/base %.2f\n' "$name" "$b" "$n" \
        "$(echo "$n / $b" | bc -l)"
}
case_ "summarize, 128 runs" ECOTWIN summarize "$tmp/b128.h5"
case_ "merge, 2 shards, weekly samples" ECOTWIN merge "$tmp/m.h5" \
    "$tmp/weekly.shard-0-of-2.h5" "$tmp/weekly.shard-1-of-2.h5"
case_ "merge, 2 shards, hourly samples" ECOTWIN merge "$tmp/m.h5" \
    "$tmp/hourly.shard-0-of-2.h5" "$tmp/hourly.shard-1-of-2.h5"
echo "load $(cut -d' ' -f1-3 /proc/loadavg) (after)"
