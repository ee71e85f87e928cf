#!/usr/bin/env bash
# A full disk (docs/reliability.md): `ecotwin run` and `ecotwin sweep` writing into a small
# tmpfs. Too small for the file's layout: exit 74 and nothing left behind. Filling up
# mid-run: exit 74 naming the cause, where the completed runs are (FILE.part, never the
# temporary FILE.part.new) and --resume; FILE.part keeps every run completed before, readable
# and equal to the uninterrupted runs; moved to a disk with room, --resume finishes it.
# Mounting needs root (or CAP_SYS_ADMIN): elsewhere the test is skipped (exit 77).
set -u
tmp=$(mktemp -d)
mounted=0
cleanup() {
    [ "$mounted" -eq 1 ] && umount "$tmp/disk" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
. "$ECOTWIN_ROOT/tests/integration/reliability_lib.sh"

mkdir "$tmp/disk"
# mount_disk KIB: a fresh tmpfs of KIB KiB on $tmp/disk.
mount_disk() {
    [ "$mounted" -eq 1 ] && umount "$tmp/disk"
    mounted=0
    mount -t tmpfs -o "size=${1}k" tmpfs "$tmp/disk" 2>/dev/null && mounted=1
}
if ! mount_disk 64; then
    echo "SKIPPED: cannot mount a tmpfs here (needs root); the full-disk checks did not run"
    exit 77
fi

# The layout takes its space at creation (small variables share pre-allocated chunks), so
# a disk that fills mid-run must leave room for the layout and then run out while runs
# grow the file: each run here adds compressed chunks of its own (200 samples x 2 companies
# is over the 4 KiB at which a variable gets one chunk per run) and its event-table rows.
more_samples() { # FILE: the scenario of reliability_lib.sh with 200 samples per run
    sed -i 's/sample_interval_h: 10000/sample_interval_h: 200/' "$1"
    grep -qF 'sample_interval_h: 200' "$1" || fail "cannot change the sample interval of $1"
}
write_scenario "$tmp/s.yaml"
more_samples "$tmp/s.yaml"
write_sweep "$tmp/sw.yaml"
more_samples "$tmp/base.yaml"
"$ECOTWIN" run -q -t 2 -o "$tmp/ref.h5" "$tmp/s.yaml" >/dev/null 2>&1 || fail "reference run"
"$ECOTWIN" sweep -q -t 2 -o "$tmp/ref_sweep.h5" "$tmp/sw.yaml" >/dev/null 2>&1 || fail "reference sweep"

# full CMD NAME REF KIB: `ecotwin CMD` into a KIB KiB disk.
full() {
    local cmd=$1 name=$2 ref=$3 src=$tmp/s.yaml
    [ "$cmd" = sweep ] && src=$tmp/sw.yaml
    mount_disk "$4" || fail "remount"
    "$ECOTWIN" "$cmd" -q -t 2 -o "$tmp/disk/$name.h5" "$src" >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 74 ] || fail "$cmd on a ${4}k disk: exit $rc, expected 74"
    grep -qF "No space left on device" "$tmp/err" || fail "$cmd on a ${4}k disk: $(cat "$tmp/err")"
    [ -e "$tmp/disk/$name.h5" ] && fail "$cmd on a ${4}k disk: the final file was created"
    grep -qF ".part.new" "$tmp/err" && fail "$cmd on a ${4}k disk: names the temporary file: $(cat "$tmp/err")"
}

# Too small for the layout: nothing is left behind.
full run r "$tmp/ref.h5" 64
[ -z "$(ls -A "$tmp/disk")" ] || fail "run on a 64k disk left files: $(ls -A "$tmp/disk")"
echo "ok: run on a 64k disk: $(head -n 1 "$tmp/err")"

# Room for the layout and some runs. The layout's size depends on the run count and on how
# the writer lays out variables (shared chunks are allocated at creation, the first run
# creates chunk indexes), so the size is searched: bisect between a disk too small for the
# layout and one larger than the finished file until a run ends with some, not all, runs in.
# probe CMD KIB: rc and n (complete runs in f.h5.part, 0 when none is left) of CMD there.
probe() {
    local src=$tmp/s.yaml
    [ "$1" = sweep ] && src=$tmp/sw.yaml
    mount_disk "$2" || fail "remount"
    "$ECOTWIN" "$1" -q -t 2 -o "$tmp/disk/f.h5" "$src" >/dev/null 2>"$tmp/err"
    rc=$?
    n=0
    [ -e "$tmp/disk/f.h5.part" ] && n=$(complete_runs "$tmp/disk/f.h5.part")
}
# resumed_same WHAT FILE REF: the resume made FILE, equal to the uninterrupted REF.
resumed_same() {
    if [ -e "$2" ]; then
        check_same "$1" "$2" "$3"
        echo "ok: $1: equal to the uninterrupted results"
    else
        fail "$1: no $(basename "$2")"
    fi
}
for cmd in run sweep; do
    ref=$tmp/ref.h5
    [ "$cmd" = sweep ] && ref=$tmp/ref_sweep.h5
    lo=64 hi=$(($(stat -c %s "$ref") / 1024 + 128)) found=0
    for step in $(seq 12); do
        kib=$(((lo + hi) / 2))
        probe "$cmd" "$kib"
        echo "  probe $step: $cmd on a ${kib}k disk: exit $rc, $n runs complete"
        if [ "$rc" -eq 0 ]; then
            hi=$kib
        elif [ "$rc" -eq 74 ] && [ "$n" -le 0 ]; then
            lo=$kib
        else
            found=1
            break
        fi
    done
    if [ "$found" -eq 0 ]; then
        fail "$cmd: no disk size between ${lo}k and ${hi}k ends with some runs complete"
        continue
    fi
    [ "$rc" -eq 74 ] || fail "$cmd on a ${kib}k disk: exit $rc, expected 74"
    grep -qF "No space left on device" "$tmp/err" || fail "$cmd on a ${kib}k disk: $(cat "$tmp/err")"
    [ -e "$tmp/disk/f.h5" ] && fail "$cmd on a ${kib}k disk: the final file was created"
    part=$tmp/disk/f.h5.part
    if [ ! -e "$part" ]; then
        fail "$cmd on a ${kib}k disk: no f.h5.part was kept ($(ls -A "$tmp/disk"))"
        continue
    fi
    n=$(complete_runs "$part")
    [ "$n" -ge 1 ] || fail "$cmd on a ${kib}k disk: no complete run kept"
    "$ECOTWIN" inspect "$part" >"$tmp/inspect" 2>&1 ||
        fail "$cmd on a ${kib}k disk: inspect cannot read f.h5.part: $(head -3 "$tmp/inspect")"
    grep -qF "INCOMPLETE" "$tmp/inspect" || fail "$cmd on a ${kib}k disk: inspect does not say incomplete"
    # The message says where the completed runs are, how many, and how to go on.
    total=16
    [ "$cmd" = sweep ] && total=12
    grep -qF "$n of $total runs are kept in $part;" "$tmp/err" ||
        fail "$cmd on a ${kib}k disk: no '$n of $total runs are kept in $part': $(cat "$tmp/err")"
    grep -qF -- "--resume" "$tmp/err" || fail "$cmd on a ${kib}k disk: no --resume hint: $(cat "$tmp/err")"
    grep -qF ".part.new" "$tmp/err" && fail "$cmd on a ${kib}k disk: names the temporary file: $(cat "$tmp/err")"
    # Rows a failed append added to the event tables have run -1 (the fill value), so
    # they belong to no run.
    "$PYTHON" "$chk_py" subset "$part" "$ref" >"$tmp/subset" 2>&1 ||
        fail "$cmd on a ${kib}k disk: complete runs differ from the uninterrupted ones: $(tail -n 3 "$tmp/subset")"
    echo "ok: $cmd on a ${kib}k disk: exit 74, $n runs kept:"
    sed 's/^/    /' "$tmp/err"
    # Moved to a disk with room, the file resumes to the uninterrupted results.
    rm -f "$tmp"/m.h5*
    cp "$part" "$tmp/m.h5.part"
    src=$tmp/s.yaml
    [ "$cmd" = sweep ] && src=$tmp/sw.yaml
    "$ECOTWIN" "$cmd" -q -t 2 --resume -o "$tmp/m.h5" "$src" >/dev/null 2>"$tmp/err" ||
        fail "$cmd --resume after a full disk: $(tail -n 2 "$tmp/err")"
    resumed_same "$cmd resumed after a full disk" "$tmp/m.h5" "$ref"
    # --resume in place on the still full disk: the new file cannot be made, the old
    # f.h5.part stays as it was, and the message says so.
    "$ECOTWIN" "$cmd" -q -t 2 --resume -o "$tmp/disk/f.h5" "$src" >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" -eq 74 ] || fail "$cmd --resume on the full disk: exit $rc, expected 74"
    grep -qF "$n of $total runs are kept in $part;" "$tmp/err" ||
        fail "$cmd --resume on the full disk: no '$n of $total runs are kept in $part': $(cat "$tmp/err")"
    grep -qF ".part.new" "$tmp/err" && fail "$cmd --resume on the full disk: names the temporary file: $(cat "$tmp/err")"
    [ -e "$part.new" ] && fail "$cmd --resume on the full disk: left f.h5.part.new"
    [ "$(complete_runs "$part")" -eq "$n" ] || fail "$cmd --resume on the full disk: f.h5.part changed"
    echo "ok: $cmd --resume on the full disk: exit 74:"
    sed 's/^/    /' "$tmp/err"
    # As the message says: once there is room, the same command with --resume finishes.
    mount -o remount,size=$(($(stat -c %s "$ref") * 3 / 1024 + 256))k "$tmp/disk" || fail "remount larger"
    "$ECOTWIN" "$cmd" -q -t 2 --resume -o "$tmp/disk/f.h5" "$src" >/dev/null 2>"$tmp/err" ||
        fail "$cmd --resume in place after making room: $(tail -n 2 "$tmp/err")"
    resumed_same "$cmd resumed in place once the disk had room" "$tmp/disk/f.h5" "$ref"
done
finish
