#!/usr/bin/env bash
# `ecotwin inspect` survives a crash inside the HDF5 library (docs/reliability.md): HDF5
# 1.10.8 has known crashes on damaged files, so inspect describes the file in a child
# process and turns a child killed by a signal into exit 74 naming the file. A crash is
# forced by preloading a stand-in for H5Literate (the call that crashed on a fuzzed file)
# that raises SIGSEGV; without it the same file is described normally. An endless loop inside
# HDF5 ends at the child's CPU time limit, also with exit 74.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$ECOTWIN_ROOT/tests/integration/reliability_lib.sh"
cc=${CC:-cc}
cat >"$tmp/crash.c" <<'C'
#include <signal.h>
int H5Literate(void);
int H5Literate2(void);
int H5Literate(void) { raise(SIGSEGV); return -1; }
int H5Literate2(void) { raise(SIGSEGV); return -1; }
C
if ! "$cc" -shared -fPIC -o "$tmp/crash.so" "$tmp/crash.c" 2>"$tmp/cc.log"; then
    echo "SKIPPED: cannot build the crash stand-in with $cc: $(head -n 2 "$tmp/cc.log")"
    exit 77
fi
write_scenario "$tmp/s.yaml"
"$ECOTWIN" run -q -t 2 -r 1 -o "$tmp/r.h5" "$tmp/s.yaml" >/dev/null 2>&1 || fail "run"

"$ECOTWIN" inspect "$tmp/r.h5" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] || fail "inspect of a good file: exit $rc: $(cat "$tmp/err")"
grep -q '^variables:' "$tmp/out" || fail "inspect of a good file printed no variables"
echo "ok: inspect of a good file: exit 0"

# The sanitizer runtime must come first in the library list (the stand-in is harmless), and
# must leave SIGSEGV to kill the child, as it does without sanitizers.
before=$fails
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:handle_segv=0 \
    LD_PRELOAD=$tmp/crash.so \
    "$ECOTWIN" inspect "$tmp/r.h5" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 74 ] || fail "inspect with HDF5 crashing: exit $rc, expected 74 ($(cat "$tmp/err"))"
grep -qF "$tmp/r.h5: HDF5 failed reading it (crashed in the library" "$tmp/err" ||
    fail "inspect with HDF5 crashing: message: $(cat "$tmp/err")"
grep -qF "the file is damaged" "$tmp/err" || fail "inspect with HDF5 crashing: message: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "inspect with HDF5 crashing printed a partial description: $(head -n 3 "$tmp/out")"
[ "$fails" -eq "$before" ] && echo "ok: inspect with HDF5 crashing: exit 74: $(cat "$tmp/err")"
# HDF5 1.10.8 loops forever in a damaged global heap (found by fuzz_h5_inspect): the child's
# CPU time limit stops it, shortened here to 2 s.
loop=$ECOTWIN_ROOT/tests/fuzz/pending/h5_inspect/hdf5_global_heap_loop.h5seed
start=$(date +%s)
before=$fails
ECOTWIN_INSPECT_CPU_S=2 timeout 60 "$ECOTWIN" inspect "$loop" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 74 ] || fail "inspect of a file HDF5 loops on: exit $rc, expected 74 ($(cat "$tmp/err"))"
grep -qF "HDF5 failed reading it (no end after 2 s of CPU time): the file is damaged" "$tmp/err" ||
    fail "inspect of a file HDF5 loops on: message: $(cat "$tmp/err")"
[ "$fails" -eq "$before" ] && echo "ok: inspect of a file HDF5 loops on: exit 74 after $(($(date +%s) - start)) s: $(cat "$tmp/err")"
finish
