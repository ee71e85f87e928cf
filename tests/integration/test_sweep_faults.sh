#!/usr/bin/env bash
# `ecotwin sweep` as a user meets it: help, usage errors, --dry-run (design points, run
# count, size; nothing written), invalid sweep files (file:line:col, exit 65, nothing
# written), fault isolation (a design point out of range fails its runs only: exit 70, the
# summary says how many and where to look, the file holds the messages), --json.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data="$ECOTWIN_ROOT/tests/data/sweeps"
chk="$ECOTWIN_ROOT/tests/integration/sweep_check.py"
. "$ECOTWIN_ROOT/tests/integration/check_lib.sh"
absent() { # description, path
    if [ -e "$2" ]; then
        echo "FAIL: $1: $2 exists"
        fails=$((fails + 1))
    fi
}

check "sweep --help" 0 "$ECOTWIN" sweep --help
contains "sweep --help" "$tmp/out" "Usage: ecotwin sweep"
contains "sweep --help" "$tmp/out" "--independent"
check "help lists sweep" 0 "$ECOTWIN" --help
contains "help lists sweep" "$tmp/out" "sweep"
check "sweep without file" 2 "$ECOTWIN" sweep
check "sweep with two files" 2 "$ECOTWIN" sweep "$data/runner_small.yaml" "$data/runner_small.yaml"
check "sweep bad option" 2 "$ECOTWIN" sweep --bogus "$data/runner_small.yaml"
check "sweep bad threads" 2 "$ECOTWIN" sweep -t many "$data/runner_small.yaml"
contains "sweep bad threads" "$tmp/err" "--threads: expected"
check "sweep bad replications" 2 "$ECOTWIN" sweep -r 0 "$data/runner_small.yaml"
check "sweep bad seed" 2 "$ECOTWIN" sweep --seed -1 "$data/runner_small.yaml"
check "run bad threads" 2 "$ECOTWIN" run --threads 0 "$ECOTWIN_ROOT/tests/data/good/tiny.yaml"
check "sweep missing file" 66 "$ECOTWIN" sweep -o "$tmp/m.h5" "$tmp/nope.yaml"
absent "sweep missing file" "$tmp/m.h5.part"

# Dry run: the design points, the run count and the size; nothing written.
check "dry run" 0 "$ECOTWIN" sweep --dry-run -r 3 -o "$tmp/d.h5" "$data/runner_small.yaml"
contains "dry run" "$tmp/out" "companies.alpha.arrival_rate_per_h"
contains "dry run" "$tmp/out" "      2  0.8"
contains "dry run" "$tmp/out" "3 design points x 3 replications x 2 variants = 18 runs"
contains "dry run" "$tmp/out" "MiB uncompressed (an upper bound"
absent "dry run" "$tmp/d.h5"
absent "dry run" "$tmp/d.h5.part"
check "dry run json" 0 "$ECOTWIN" sweep -n --json --independent "$data/runner_small.yaml"
"$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["runs"] == 12 and d["points"] == 3 and d["crn"] == 0, d
assert d["design_points"][1] == ["0.6"], d
assert d["size_bytes_uncompressed_max"] > 0, d' "$tmp/out" ||
    { echo "FAIL: dry run json"; fails=$((fails + 1)); }

# An invalid sweep file: every error with its place, before any run.
check "invalid sweep" 65 "$ECOTWIN" sweep -o "$tmp/b.h5" "$data/runner_bad.yaml"
contains "invalid sweep" "$tmp/err" "runner_bad.yaml:7:5:"
contains "invalid sweep" "$tmp/err" 'did you mean "arrival_rate_per_h"'
contains "invalid sweep" "$tmp/err" "runner_bad.yaml:8:5:"
contains "invalid sweep" "$tmp/err" "2 errors; nothing was run or written"
absent "invalid sweep" "$tmp/b.h5.part"
check "invalid sweep dry run" 65 "$ECOTWIN" sweep -n "$data/runner_bad.yaml"

# Fault isolation: design point 1 is out of range; points 0 and 2 run.
check "faulty point" 70 "$ECOTWIN" sweep -q -o "$tmp/f.h5" "$data/runner_faults.yaml"
contains "faulty point" "$tmp/out" "8 done, 4 failed"
contains "faulty point" "$tmp/out" "4 runs FAILED"
contains "faulty point" "$tmp/out" "run_status and run_message"
contains "faulty point" "$tmp/out" "Results: $tmp/f.h5"
contains "faulty point" "$tmp/err" "run 4 (design point 1, replication 0) failed"
contains "faulty point" "$tmp/err" "runner_faults.yaml:8:47: companies[0].arrival_rate_per_h"
absent "faulty point" "$tmp/f.h5.part"
"$PYTHON" "$chk" status "$tmp/f.h5" 0 8 4 || fails=$((fails + 1))
"$PYTHON" "$chk" failed "$tmp/f.h5" 1 "must be a number in [0, inf)" || fails=$((fails + 1))
check "faulty point json" 70 "$ECOTWIN" sweep -q --json -o "$tmp/fj.h5" "$data/runner_faults.yaml"
"$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["runs"] == 12 and d["failed"] == 4 and d["done"] == 8, d
assert 0 <= d["write_share"] <= 1 and d["threads"] >= 1, d' "$tmp/out" ||
    { echo "FAIL: sweep --json"; fails=$((fails + 1)); }
check "verbose" 0 "$ECOTWIN" sweep -q -v -o "$tmp/v.h5" "$data/runner_small.yaml"
contains "verbose" "$tmp/out" "Writing the file:"
contains "verbose" "$tmp/out" "12 runs (3 design points x 2 replications x 2 variants): 12 done, 0 failed"
[ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
exit $((fails > 0))
