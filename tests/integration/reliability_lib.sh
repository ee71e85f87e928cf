# Sourced by the reliability tests (test_faults.sh, test_full_disk.sh, test_kill_trials.sh):
# a scenario and a sweep that take a few seconds, their uninterrupted results, and checks.
# Needs $ECOTWIN, $ECOTWIN_ROOT, $PYTHON and $tmp (a scratch directory).
cmp_py="$ECOTWIN_ROOT/tests/integration/compare_h5.py"
chk_py="$ECOTWIN_ROOT/tests/integration/sweep_check.py"
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
finish() {
    [ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
    exit $((fails > 0))
}

# 16 runs (8 replications x 2 variants) of two small companies over a long horizon: about a
# second of work, so a signal lands while runs are being written.
write_scenario() { # FILE
    cat >"$1" <<'YAML'
model: ecosystem
simulation: {horizon_h: 40000, warmup_h: 100, sample_interval_h: 10000, replications: 8,
             master_seed: 5, variants: [ecosystem, autarky]}
companies:
  - {name: alpha, role: oem, n_assets: 2, n_crews: 1, arrival_rate_per_h: 0.6}
  - {name: beta, role: utilizer, n_assets: 3, n_crews: 1, arrival_rate_per_h: 1.0}
YAML
}
# A grid of 4 design points over the scenario above (written next to it as base.yaml), with
# 3 replications and one variant each: 12 runs.
write_sweep() { # FILE (base.yaml is written in the same directory)
    write_scenario "$(dirname "$1")/base.yaml"
    cat >"$1" <<'YAML'
extends: base.yaml
simulation: {replications: 3, variants: [ecosystem]}
sweep:
  design: grid
  factors:
    companies.alpha.arrival_rate_per_h: [0.4, 0.6]
    companies.beta.n_crews: [1, 2]
YAML
}

# bounded CMD...: CMD with a 120 s wall-clock bound: a command that hangs on a damaged file
# fails its check with the command named (and what ecotwin processes were doing) instead of
# stalling the test until ctest's timeout.
bounded() {
    timeout -k 5 120 "$@"
    local rc=$?
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "HUNG (over 120 s): $*" >&2
        ps -eo pid,stat,wchan:32,etime,args | grep -E "[e]cotwin|[p]ython" >&2
    fi
    return "$rc"
}

# complete_runs FILE: number of complete runs `ecotwin inspect` reports (-1 when unreadable).
complete_runs() {
    local line
    line=$(bounded "$ECOTWIN" inspect "$1" 2>/dev/null | grep -m1 '^runs: ')
    [[ "$line" =~ \(([0-9]+)\ complete ]] && echo "${BASH_REMATCH[1]}" || echo -1
}

# wait_for_complete FILE N PID: wait (up to 60 s) until FILE holds at least N complete runs,
# or PID has ended. Returns 0 when the runs are there.
wait_for_complete() {
    local i
    for i in $(seq 600); do
        kill -0 "$3" 2>/dev/null || return 1
        if [ -e "$1" ] && [ "$(complete_runs "$1")" -ge "$2" ]; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# check_partial WHAT PART REF: PART opens in `ecotwin inspect`, says it is incomplete (or, when
# the kill came after the writer marked it complete and before the rename to the final name,
# says it is finished and holds every run), and each of its complete runs equals that run in
# REF.
check_partial() {
    bounded "$ECOTWIN" inspect "$2" >"$tmp/inspect" 2>&1 || fail "$1: inspect cannot read $2: $(head -3 "$tmp/inspect")"
    if ! grep -qF "INCOMPLETE" "$tmp/inspect"; then
        local runs
        runs=$(grep -m1 '^runs: ' "$tmp/inspect")
        if grep -q "^  finished: " "$tmp/inspect" && [[ "$runs" =~ ^runs:\ ([0-9]+)\ \(([0-9]+)\ complete ]] &&
            [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]; then
            echo "$1: killed after the file was finished, before its rename ($runs)"
        else
            fail "$1: inspect does not say the file is incomplete: $(grep -m2 'finished\|^runs' "$tmp/inspect")"
        fi
    fi
    bounded "$PYTHON" "$chk_py" subset "$2" "$3" >"$tmp/subset" 2>&1 ||
        fail "$1: the complete runs of $2 differ from the uninterrupted ones: $(tail -3 "$tmp/subset")"
}

# check_same WHAT A B: the data of A and B are identical.
check_same() {
    bounded "$PYTHON" "$cmp_py" "$2" "$3" --expect same >"$tmp/cmp" 2>&1 ||
        fail "$1: $2 differs from the uninterrupted results: $(tail -3 "$tmp/cmp")"
}
