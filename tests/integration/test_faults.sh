#!/usr/bin/env bash
# Faults during `ecotwin run` (docs/reliability.md): output paths that cannot be written
# (a read-only directory, a missing one, a file in the way, a directory in the way: refused
# before any run; a directory that takes the name while the runs go on: the finished file is
# kept as FILE.part, the message says so, and --resume finishes it), SIGTERM
# and SIGINT (exit 75, FILE.part holds the completed runs, FILE is not created, --resume
# finishes with the data of an uninterrupted run), a second SIGTERM (the runs in progress are
# abandoned, the file stays valid) and SIGKILL (FILE.part opens as it is, through the SWMR
# fallback, and resumes). The full disk is test_full_disk.sh; repeated kills
# test_kill_trials.sh.
set -u
tmp=$(mktemp -d)
ro_mounted=0
cleanup() {
    [ "$ro_mounted" -eq 1 ] && umount "$tmp/ro" 2>/dev/null
    chmod -R u+w "$tmp" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
. "$ECOTWIN_ROOT/tests/integration/reliability_lib.sh"
write_scenario "$tmp/s.yaml"
# Long enough runs that a signal sent after the first complete runs still finds work left,
# also in optimised builds (16 runs of 40 000 h take 0.15 s there).
sed -i 's/horizon_h: 40000/horizon_h: 600000/' "$tmp/s.yaml"
"$ECOTWIN" run -q -t 2 -o "$tmp/ref.h5" "$tmp/s.yaml" >/dev/null 2>&1 || fail "reference run"

# expect_io WHAT OUT TEXT: `ecotwin run -o OUT` exits 74 naming the problem, leaves nothing.
expect_io() {
    "$ECOTWIN" run -q -o "$2" "$tmp/s.yaml" >/dev/null 2>"$tmp/err"
    local rc=$?
    [ "$rc" -eq 74 ] || fail "$1: exit $rc, expected 74"
    grep -qF -- "$3" "$tmp/err" || fail "$1: stderr lacks '$3': $(cat "$tmp/err")"
    echo "ok: $1: $(head -n 1 "$tmp/err")"
}

# An unwritable output directory: a read-only tmpfs as root (root ignores permissions),
# a directory without write permission otherwise.
mkdir "$tmp/ro"
if [ "$(id -u)" -eq 0 ]; then
    mount -t tmpfs -o ro,size=64k tmpfs "$tmp/ro" 2>/dev/null && ro_mounted=1
    why="Read-only file system"
else
    chmod 555 "$tmp/ro" && ro_mounted=2
    why="Permission denied"
fi
if [ "$ro_mounted" -ne 0 ]; then
    expect_io "unwritable directory" "$tmp/ro/x.h5" "$why"
    [ -z "$(ls -A "$tmp/ro")" ] || fail "unwritable directory: files were left: $(ls -A "$tmp/ro")"
else
    echo "skipped: unwritable directory (cannot mount a read-only tmpfs here)"
fi
expect_io "missing directory" "$tmp/missing/x.h5" "No such file or directory"
expect_io "a file in the way" "$tmp/s.yaml/x.h5" "Not a directory"
# A directory where the results file should go: refused before any run, nothing left.
mkdir "$tmp/d.h5"
expect_io "directory in the way" "$tmp/d.h5" "cannot create results file $tmp/d.h5: Is a directory"
[ -z "$(ls "$tmp"/d.h5.part* 2>/dev/null)" ] || fail "directory in the way: left $(ls "$tmp"/d.h5.part*)"
grep -qF "runs are kept" "$tmp/err" && fail "directory in the way: speaks of kept runs: $(cat "$tmp/err")"

# A directory that takes the name while the runs go on: the final rename fails, the finished
# file is FILE.part again (never only FILE.part.new), the message says where and how to go
# on, and --resume, once the directory is gone, gives the uninterrupted data.
"$ECOTWIN" run -q -t 2 -o "$tmp/late.h5" "$tmp/s.yaml" >/dev/null 2>"$tmp/err" &
pid=$!
wait_for_complete "$tmp/late.h5.part" 1 "$pid" && mkdir "$tmp/late.h5"
wait "$pid"
rc=$?
if [ -d "$tmp/late.h5" ]; then
    [ "$rc" -eq 74 ] || fail "directory made during the run: exit $rc, expected 74"
    for want in "Is a directory" "16 of 16 runs are kept in $tmp/late.h5.part;" "--resume"; do
        grep -qF -- "$want" "$tmp/err" || fail "directory made during the run: no '$want': $(cat "$tmp/err")"
    done
    grep -qF ".part.new" "$tmp/err" && fail "directory made during the run: names the temporary file: $(cat "$tmp/err")"
    [ -e "$tmp/late.h5.part.new" ] && fail "directory made during the run: left late.h5.part.new"
    [ "$(complete_runs "$tmp/late.h5.part")" -eq 16 ] || fail "directory made during the run: late.h5.part lacks runs"
    echo "ok: directory made during the run: exit $rc:"
    sed 's/^/    /' "$tmp/err"
    rmdir "$tmp/late.h5"
    "$ECOTWIN" run -q -t 2 --resume -o "$tmp/late.h5" "$tmp/s.yaml" >/dev/null 2>"$tmp/err" ||
        fail "directory made during the run: resume failed: $(cat "$tmp/err")"
    [ -e "$tmp/late.h5.part" ] && fail "directory made during the run: resume left late.h5.part"
    check_same "directory made during the run: resumed" "$tmp/late.h5" "$tmp/ref.h5"
else
    echo "note: the run ended (exit $rc) before a directory could take its name; not checked"
fi

# interrupt SIGNAL N [SIGNAL2]: start a run into $tmp/k.h5, send SIGNAL once N runs are
# complete (and SIGNAL2 right after, if given), wait; returns the exit code.
interrupt() {
    rm -f "$tmp"/k.h5*
    "$ECOTWIN" run -q -t 2 -o "$tmp/k.h5" "$tmp/s.yaml" >/dev/null 2>"$tmp/err" &
    local pid=$!
    wait_for_complete "$tmp/k.h5.part" "$2" "$pid" || echo "note: the run ended before $2 runs were seen"
    kill "-$1" "$pid" 2>/dev/null
    [ $# -ge 3 ] && kill "-$3" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}
resume() { # WHAT: --resume finishes k.h5 with the uninterrupted data
    "$ECOTWIN" run -q -t 2 --resume -o "$tmp/k.h5" "$tmp/s.yaml" >/dev/null 2>"$tmp/err" ||
        fail "$1: resume failed: $(cat "$tmp/err")"
    [ -e "$tmp/k.h5.part" ] && fail "$1: resume left k.h5.part"
    check_same "$1: resumed" "$tmp/k.h5" "$tmp/ref.h5"
}
check_interrupted() { # WHAT RC WANT
    [ "$2" -eq "$3" ] || fail "$1: exit $2, expected $3"
    [ -e "$tmp/k.h5" ] && fail "$1: the final file was created"
    [ -e "$tmp/k.h5.part" ] || fail "$1: no k.h5.part"
    check_partial "$1" "$tmp/k.h5.part" "$tmp/ref.h5"
    echo "ok: $1: exit $2, $(complete_runs "$tmp/k.h5.part") of 16 runs kept"
}

interrupt TERM 2
check_interrupted "SIGTERM" $? 75
grep -qF -- "--resume" "$tmp/err" || fail "SIGTERM: no --resume hint: $(cat "$tmp/err")"
# Without --resume, an existing FILE.part is never overwritten.
cp "$tmp/k.h5.part" "$tmp/saved.part"
"$ECOTWIN" run -q -o "$tmp/k.h5" "$tmp/s.yaml" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] || fail "run over an existing k.h5.part: exit $rc, expected 2"
cmp -s "$tmp/k.h5.part" "$tmp/saved.part" || fail "run without --resume changed k.h5.part"
resume "SIGTERM"

interrupt INT 2
check_interrupted "SIGINT" $? 75
resume "SIGINT"

interrupt TERM 1 TERM
check_interrupted "two SIGTERMs" $? 75
resume "two SIGTERMs"

interrupt KILL 1
check_interrupted "SIGKILL" $? 137
grep -qF "never closed" "$tmp/inspect" || fail "SIGKILL: inspect does not say the writer never closed the file"
resume "SIGKILL"
finish
