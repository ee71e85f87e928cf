#!/usr/bin/env bash
# Memory stays flat as the number of runs grows: the peak resident memory of a 2,000-run
# sweep of a small scenario is below 1.5 times that of a 100-run sweep plus 4 MiB (runs are
# streamed to the file as they finish; only a window of them is ever held). Measured with
# /usr/bin/time -v's "Maximum resident set size".
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sweep="$ECOTWIN_ROOT/tests/data/sweeps/runner_memory.yaml"
chk="$ECOTWIN_ROOT/tests/integration/sweep_check.py"
small=${SWEEP_MEMORY_SMALL:-100}
large=${SWEEP_MEMORY_LARGE:-2000}
# Under AddressSanitizer, freed memory waits in a quarantine (256 MiB by default) that would
# grow with the number of runs; keep it small so the measure is of the program.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=4:thread_local_quarantine_size_kb=64"
peak_kb() { # replications
    /usr/bin/time -v "$ECOTWIN" sweep -q -t 2 -r "$1" -o "$tmp/m$1.h5" "$sweep" \
        >/dev/null 2>"$tmp/time$1" || { cat "$tmp/time$1"; return 1; }
    sed -n 's/^.*Maximum resident set size (kbytes): //p' "$tmp/time$1"
}
fails=0
a=$(peak_kb "$small") || fails=$((fails + 1))
b=$(peak_kb "$large") || fails=$((fails + 1))
if [ "$fails" -eq 0 ]; then
    limit=$((a * 3 / 2 + 4096))
    echo "peak RSS: $small runs $a KiB, $large runs $b KiB (limit $limit KiB)"
    if [ "$b" -gt "$limit" ]; then
        echo "FAIL: memory grows with the number of runs"
        fails=$((fails + 1))
    fi
    "$PYTHON" "$chk" status "$tmp/m$large.h5" 0 "$large" 0 || fails=$((fails + 1))
fi
[ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
exit $((fails > 0))
