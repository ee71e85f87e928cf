#!/usr/bin/env bash
# Hostile inputs that cannot live in tests/data/bad (an empty file cannot carry its `# expect:`
# line, a directory, a FIFO, files made at test time), and the memory and time the bomb
# cases may take: each must end in a clear error (exit 65, or 66/74 where documented), never
# a crash, hang or huge allocation. Peak memory is measured with GNU time (package `time`).
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad="$ECOTWIN_ROOT/tests/data/bad"
gtime=/usr/bin/time
# Peak resident memory allowed (MiB). The sanitizer build keeps shadow memory and a
# quarantine of freed blocks, so its bound is larger.
rss_max=200
[ "${ECOTWIN_SANITIZED:-0}" = 1 ] && rss_max=800
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}
if [ ! -x "$gtime" ]; then
    echo "FAIL: $gtime is missing (apt-get install time)"
    exit 1
fi

# expect WHAT CODE TEXT CMD...: CMD exits CODE within 60 s, stderr holds TEXT, peak RSS under
# rss_max MiB.
expect() {
    local what=$1 want=$2 text=$3
    shift 3
    timeout 60 "$gtime" -f '%M' -o "$tmp/rss" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    local kib before=$fails
    kib=$(tail -n 1 "$tmp/rss" 2>/dev/null)
    if [ "$rc" -ne "$want" ]; then
        fail "$what: exit $rc, expected $want"
        sed 's/^/  stderr: /' "$tmp/err" | head -5
    fi
    grep -qF -- "$text" "$tmp/err" || fail "$what: stderr lacks '$text': $(head -c 300 "$tmp/err")"
    if [[ "$kib" =~ ^[0-9]+$ ]]; then
        [ "$kib" -le $((rss_max * 1024)) ] || fail "$what: peak memory $((kib / 1024)) MiB > $rss_max MiB"
        [ "$fails" -eq "$before" ] && echo "ok: $what (exit $rc, peak $((kib / 1024)) MiB)"
    else
        fail "$what: no memory measurement"
    fi
}
# run_writes_nothing WHAT FILE: `ecotwin run` refuses FILE and writes no results file.
run_writes_nothing() {
    (cd "$tmp" && "$ECOTWIN" run -q -o "$tmp/o.h5" "$2" >/dev/null 2>&1)
    local rc=$?
    [ "$rc" -eq 65 ] || fail "$1: run exit $rc, expected 65"
    if [ -e "$tmp/o.h5" ] || [ -e "$tmp/o.h5.part" ]; then
        fail "$1: run wrote a results file"
        rm -f "$tmp/o.h5" "$tmp/o.h5.part"
    fi
}

# An empty file (0 bytes).
: >"$tmp/empty.yaml"
expect "empty file" 65 "empty scenario file" "$ECOTWIN" validate "$tmp/empty.yaml"
run_writes_nothing "empty file" "$tmp/empty.yaml"

# A directory instead of a file, for every command that reads one.
mkdir "$tmp/dir.yaml"
expect "directory: validate" 65 "is a directory, not a scenario file" "$ECOTWIN" validate "$tmp/dir.yaml"
run_writes_nothing "directory" "$tmp/dir.yaml"
expect "directory: sweep" 65 "is a directory" "$ECOTWIN" sweep -q -o "$tmp/s.h5" "$tmp/dir.yaml"
expect "directory: inspect" 74 "is a directory" "$ECOTWIN" inspect "$tmp/dir.yaml"

# More than SIM_YAML_MAX_BYTES (16 MiB): refused by its size, before it is read.
{
    cat "$ECOTWIN_ROOT/tests/data/good/tiny.yaml"
    head -c $((16 * 1024 * 1024)) /dev/zero | tr '\0' '#'
    echo
} >"$tmp/huge.yaml"
expect "16 MiB + 1 file" 65 "is too large to be a scenario file (limit 16777216 bytes)" \
    "$ECOTWIN" validate "$tmp/huge.yaml"
run_writes_nothing "16 MiB + 1 file" "$tmp/huge.yaml"
# Devices as the scenario: read up to the limit, then refused.
expect "/dev/zero as scenario" 65 "too large to be a scenario file" "$ECOTWIN" validate /dev/zero
expect "/dev/urandom as scenario" 65 "too large to be a scenario file" "$ECOTWIN" validate /dev/urandom

# Billion laughs in bytes: one 40 KB string aliased 1000 times (40 MB of text from 80 KB).
{
    printf 'a: &s "'
    head -c 40000 /dev/zero | tr '\0' 'x'
    echo '"'
    printf 'b: ['
    for _ in $(seq 999); do printf '*s, '; done
    echo '*s]'
} >"$tmp/text_bomb.yaml"
expect "string alias bomb" 65 "bytes of text; aliases must not multiply the document" \
    "$ECOTWIN" validate "$tmp/text_bomb.yaml"
# Text without aliases over SIM_YAML_MAX_TEXT_BYTES (32 MiB): three bases of 12 MiB each,
# every one under the file size limit.
for i in 1 2 3; do
    {
        [ "$i" -gt 1 ] && echo "extends: text_$((i - 1)).yaml"
        printf 'k%d: "' "$i"
        head -c $((12 * 1024 * 1024)) /dev/zero | tr '\0' 'x'
        echo '"'
    } >"$tmp/text_$i.yaml"
done
expect "36 MiB of text over three files" 65 "document too large: more than 33554432 bytes of text" \
    "$ECOTWIN" validate "$tmp/text_3.yaml"
rm -f "$tmp"/text_*.yaml
# The node bombs of tests/data/bad, measured.
for f in yaml_alias_bomb hostile_alias_maps hostile_alias_wide yaml_deep hostile_deep_alias; do
    expect "$f" 65 "$f.yaml:" "$ECOTWIN" validate "$bad/$f.yaml"
done

# UTF-16 (with its byte order mark): not UTF-8.
printf '\xff\xfem\x00o\x00d\x00e\x00l\x00:\x00 \x00e\x00\n\x00' >"$tmp/utf16.yaml"
expect "UTF-16 file" 65 "invalid UTF-8" "$ECOTWIN" validate "$tmp/utf16.yaml"

# extends: a FIFO would block forever; a chain deeper than SIM_YAML_MAX_EXTENDS (16).
mkfifo "$tmp/fifo.yaml"
printf 'extends: fifo.yaml\nsimulation: {horizon_h: 10}\n' >"$tmp/to_fifo.yaml"
expect "extends a FIFO" 65 "fifo.yaml is not a regular file" \
    "$ECOTWIN" validate "$tmp/to_fifo.yaml"
cp "$ECOTWIN_ROOT/tests/data/good/tiny.yaml" "$tmp/chain_0.yaml"
for i in $(seq 1 18); do
    printf 'extends: chain_%d.yaml\n' $((i - 1)) >"$tmp/chain_$i.yaml"
done
expect "extends chain of 18 files" 65 "extends nested deeper than 16 files" \
    "$ECOTWIN" validate "$tmp/chain_18.yaml"

# More companies than ECO_MAX_COMPANIES (5000), written out one by one.
{
    echo "model: ecosystem"
    echo "companies:"
    for i in $(seq 0 5000); do echo "  - {name: c$i}"; done
} >"$tmp/companies.yaml"
expect "5001 companies" 65 "5001 companies; at most 5000 are allowed" "$ECOTWIN" validate "$tmp/companies.yaml"

# An enormous results file is valid, with a warning (SIM_SCENARIO_WARN_OUTPUT_BYTES).
printf 'extends: %s\nsimulation: {replications: 1000000}\n' \
    "$ECOTWIN_ROOT/scenarios/baseline.yaml" >"$tmp/many_runs.yaml"
expect "10^6 replications of the baseline" 0 "warning: the results file would hold about" \
    "$ECOTWIN" validate "$tmp/many_runs.yaml"

[ "$fails" -eq 0 ] && echo "all checks passed" || echo "$fails checks failed"
exit $((fails > 0))
