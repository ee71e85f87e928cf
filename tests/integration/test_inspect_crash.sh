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
# For the commands that open a file with the reader only (merge, --resume): HDF5's open.
cat >"$tmp/crash_open.c" <<'C'
#include <signal.h>
int H5Fopen(void);
int H5Fopen(void) { raise(SIGSEGV); return -1; }
C
# A file damaged only in the values of one variable: a stand-in for H5Dread that, on the
# values of availability, crashes (crash_values.so: HDF5 opens the file, and crashes when the
# values are read) or takes 3 s of CPU time (slow_values.so), spent reading (a large file,
# ECOTWIN_TEST_SLOW=read: progress, so it goes on) or spinning (=spin: a loop). Any other
# read goes to the real H5Dread.
cat >"$tmp/values.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
typedef int64_t hid_t;
typedef int herr_t;
static void slow(const char *how)
{
    int fd = open("/dev/zero", O_RDONLY);
    char block[4096];
    volatile unsigned long spin = 0;
    clock_t end = clock() + 3 * CLOCKS_PER_SEC;
    while (clock() < end) {
        if (strcmp(how, "read") == 0 && read(fd, block, sizeof block) < 0)
            break;
        for (int i = 0; i < 1000; i++)
            spin++;
    }
    close(fd);
}
herr_t H5Dread(hid_t ds, hid_t mt, hid_t ms, hid_t fs, hid_t pl, void *buf);
herr_t H5Dread(hid_t ds, hid_t mt, hid_t ms, hid_t fs, hid_t pl, void *buf)
{
    herr_t (*real)(hid_t, hid_t, hid_t, hid_t, hid_t, void *) = dlsym(RTLD_NEXT, "H5Dread");
    ssize_t (*name_of)(hid_t, char *, size_t) = dlsym(RTLD_DEFAULT, "H5Iget_name");
    char name[256] = "";
    if (name_of != NULL && name_of(ds, name, sizeof name) > 0 && strcmp(name, "/availability") == 0) {
#ifdef CRASH
        raise(SIGSEGV);
#else
        if (getenv("ECOTWIN_TEST_SLOW") != NULL)
            slow(getenv("ECOTWIN_TEST_SLOW"));
#endif
    }
    return real(ds, mt, ms, fs, pl, buf);
}
C
if ! "$cc" -shared -fPIC -o "$tmp/crash.so" "$tmp/crash.c" 2>"$tmp/cc.log" ||
    ! "$cc" -shared -fPIC -o "$tmp/slow_values.so" "$tmp/values.c" -ldl 2>>"$tmp/cc.log" ||
    ! "$cc" -shared -fPIC -o "$tmp/crash_open.so" "$tmp/crash_open.c" 2>>"$tmp/cc.log" ||
    ! "$cc" -shared -fPIC -DCRASH -o "$tmp/crash_values.so" "$tmp/values.c" -ldl 2>>"$tmp/cc.log"; then
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
loop=$ECOTWIN_ROOT/tests/fuzz/regressions/h5_inspect/hdf5_global_heap_loop.h5seed
start=$(date +%s)
before=$fails
ECOTWIN_INSPECT_CPU_S=2 timeout 60 "$ECOTWIN" inspect "$loop" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 74 ] || fail "inspect of a file HDF5 loops on: exit $rc, expected 74 ($(cat "$tmp/err"))"
grep -qF "HDF5 failed reading it (no end after 2 s of CPU time): the file is damaged" "$tmp/err" ||
    fail "inspect of a file HDF5 loops on: message: $(cat "$tmp/err")"
[ "$fails" -eq "$before" ] && echo "ok: inspect of a file HDF5 loops on: exit 74 after $(($(date +%s) - start)) s: $(cat "$tmp/err")"

# Every other command that reads a results file reads it in the same kind of child first
# (cli_probe.c: the open, then every value the command reads later): a crash or an endless
# loop in HDF5 is exit 74 naming the file, with nothing written, and a damaged FILE.part
# given to --resume is left as it is.
write_sweep "$tmp/sw.yaml"
"$ECOTWIN" sweep -q -t 2 -o "$tmp/sw.h5" "$tmp/sw.yaml" >/dev/null 2>&1 || fail "sweep"
# expect_74 WHAT FILE PRELOAD|loop CMD...: exit 74, the message, nothing on stdout.
expect_74() {
    local what=$1 file=$2 how=$3
    shift 3
    local before=$fails start rc
    start=$(date +%s)
    if [ "$how" = real ]; then
        # A real crash inside HDF5; a sanitizer's report must end the child by a signal too.
        ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}abort_on_error=1:handle_segv=0 \
            timeout 60 "$ECOTWIN" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        grep -qF "$file: HDF5 failed reading it (crashed in the library" "$tmp/err" ||
            fail "$what: message: $(tail -n 3 "$tmp/err")"
    elif [ "$how" = loop ]; then
        ECOTWIN_INSPECT_CPU_S=2 timeout 60 "$ECOTWIN" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        grep -qF "$file: HDF5 failed reading it (no end after 2 s of CPU time): the file is damaged" \
            "$tmp/err" || fail "$what: message: $(cat "$tmp/err")"
    else
        ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:handle_segv=0 \
            LD_PRELOAD=$how timeout 60 "$ECOTWIN" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        grep -qF "$file: HDF5 failed reading it (crashed in the library" "$tmp/err" ||
            fail "$what: message: $(cat "$tmp/err")"
    fi
    [ "$rc" -eq 74 ] || fail "$what: exit $rc, expected 74 ($(tail -n 3 "$tmp/err"))"
    [ -s "$tmp/out" ] && fail "$what printed on stdout: $(head -n 3 "$tmp/out")"
    [ "$fails" -eq "$before" ] && echo "ok: $what: exit 74 after $(($(date +%s) - start)) s"
}
for c in summarize compare sensitivity; do
    expect_74 "$c of a file HDF5 loops on" "$loop" loop "$c" "$loop"
    expect_74 "$c with HDF5 crashing" "$tmp/sw.h5" "$tmp/crash.so" "$c" "$tmp/sw.h5"
done
# A file on which HDF5 1.10.8 itself crashes (a 4 TiB memcpy from a damaged global heap, found
# by fuzz_an_results: tests/fuzz/regressions/an_results/).
heap=$ECOTWIN_ROOT/tests/fuzz/regressions/an_results/hdf5_global_heap_overflow.h5seed
expect_74 "summarize of a file HDF5 crashes on" "$heap" real summarize "$heap"
expect_74 "merge of a shard HDF5 crashes on" "$heap" real merge "$tmp/m.h5" "$heap"
[ -e "$tmp/m.h5" ] || [ -e "$tmp/m.h5.part" ] && fail "merge of a shard HDF5 crashes on wrote output"
expect_74 "merge of a shard HDF5 loops on" "$loop" loop merge "$tmp/m.h5" "$loop"
[ -e "$tmp/m.h5" ] || [ -e "$tmp/m.h5.part" ] && fail "merge of a damaged shard wrote output"
expect_74 "merge with HDF5 crashing" "$tmp/sw.h5" "$tmp/crash_open.so" merge "$tmp/m.h5" "$tmp/sw.h5"
[ -e "$tmp/m.h5" ] || [ -e "$tmp/m.h5.part" ] && fail "merge with HDF5 crashing wrote output"
# Shards are read side by side in children (cli_probe_files): a damaged one among good ones
# is found and named, nothing is written; the good shards alone are merged.
for k in 0 1 2; do
    "$ECOTWIN" sweep -q -t 1 --shard "$k/3" -o "$tmp/sh.h5" "$tmp/sw.yaml" >/dev/null 2>&1 || fail "shard $k/3"
done
cp "$tmp/sh.shard-1-of-3.h5" "$tmp/good1.h5"
cp "$heap" "$tmp/sh.shard-1-of-3.h5"
expect_74 "merge of 3 shards, the second one HDF5 crashes on" "$tmp/sh.shard-1-of-3.h5" real \
    merge "$tmp/m.h5" "$tmp"/sh.shard-*-of-3.h5
[ -e "$tmp/m.h5" ] || [ -e "$tmp/m.h5.part" ] && fail "merge of 3 shards, one damaged, wrote output"
cp "$tmp/good1.h5" "$tmp/sh.shard-1-of-3.h5"
"$ECOTWIN" merge "$tmp/m.h5" "$tmp"/sh.shard-*-of-3.h5 >/dev/null 2>"$tmp/err" ||
    fail "merge of 3 good shards: $(cat "$tmp/err")"
check_same "merge of 3 good shards" "$tmp/m.h5" "$tmp/sw.h5"
rm -f "$tmp/m.h5"
# Damage only in a variable's values, which the commands read after the open: the child reads
# every value first (sim_h5_vars_scan), so this is exit 74 too, before any read in process.
for c in summarize compare sensitivity; do
    expect_74 "$c of a file damaged in its values" "$tmp/sw.h5" "$tmp/crash_values.so" "$c" "$tmp/sw.h5"
done
expect_74 "merge of a shard damaged in its values" "$tmp/sw.h5" "$tmp/crash_values.so" \
    merge "$tmp/m.h5" "$tmp/sw.h5"
[ -e "$tmp/m.h5" ] || [ -e "$tmp/m.h5.part" ] && fail "merge of a shard damaged in its values wrote output"
# The CPU limit is on time without progress: a child that keeps reading from the file may
# take longer than the limit (a scan of a large file), one that spins as long is stopped.
for how in read spin; do
    before=$fails
    ECOTWIN_TEST_SLOW=$how ECOTWIN_INSPECT_CPU_S=1 \
        ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
        LD_PRELOAD=$tmp/slow_values.so timeout 120 "$ECOTWIN" summarize "$tmp/sw.h5" \
        >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$how" = read ]; then
        [ "$rc" -eq 0 ] || fail "summarize with a 3 s read that makes progress, limit 1 s: exit $rc ($(cat "$tmp/err"))"
    else
        [ "$rc" -eq 74 ] || fail "summarize with a 3 s spin, limit 1 s: exit $rc, expected 74"
        grep -qF "(no end after 1 s of CPU time)" "$tmp/err" ||
            fail "summarize with a 3 s spin: message: $(cat "$tmp/err")"
    fi
    [ "$fails" -eq "$before" ] && echo "ok: summarize whose probe spends 3 s of CPU ($how), limit 1 s: exit $rc"
done
# --resume on a damaged FILE.part: refused, the file unchanged, nothing else written.
for how in loop real "$tmp/crash_open.so" "$tmp/crash_values.so"; do
    for m in sweep run; do
        in=$tmp/sw.yaml
        [ "$m" = run ] && in=$tmp/s.yaml
        rm -f "$tmp/re.h5" "$tmp/re.h5.part" "$tmp/re.h5.part.new"
        case $how in
        loop) cp "$loop" "$tmp/re.h5.part" ;;
        real) cp "$heap" "$tmp/re.h5.part" ;;
        *) cp "$tmp/sw.h5" "$tmp/re.h5.part" ;;
        esac
        # A run's FILE.part holds the run's variables, not the sweep's: a file of its own.
        [ "$m" = run ] && [ "$how" = "$tmp/crash_values.so" ] && cp "$tmp/r.h5" "$tmp/re.h5.part"
        cp "$tmp/re.h5.part" "$tmp/before.part"
        touch -d '2001-01-01' "$tmp/re.h5.part"
        expect_74 "$m --resume on a damaged FILE.part ($(basename "$how"))" "$tmp/re.h5.part" "$how" \
            "$m" -q -t 2 --resume -o "$tmp/re.h5" "$in"
        cmp -s "$tmp/before.part" "$tmp/re.h5.part" ||
            fail "$m --resume changed or removed the damaged FILE.part"
        [ "$(stat -c %Y "$tmp/re.h5.part" 2>/dev/null)" = "$(date -d '2001-01-01' +%s)" ] ||
            fail "$m --resume touched the damaged FILE.part"
        [ -e "$tmp/re.h5" ] || [ -e "$tmp/re.h5.part.new" ] && fail "$m --resume wrote output"
    done
done
finish
