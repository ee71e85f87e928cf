#!/usr/bin/env bash
# A full disk (docs/reliability.md): `ecotwin run` and `ecotwin sweep` writing into a small
# tmpfs. Too small for the file's layout: exit 74 and nothing left behind. Filling up
# mid-run: exit 74 naming the cause, and FILE.part keeps every run completed before, readable
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

# known_issue WHAT CMD...: a check that fails today because of a reported bug elsewhere; it
# is run and its outcome printed, but it does not fail the test. Remove the marker once it
# passes.
known_issue() {
    local what=$1
    shift
    if "$@" >"$tmp/known" 2>&1; then
        echo "note: '$what' passes now: make it a normal check (remove known_issue)"
    else
        echo "KNOWN ISSUE (reported, docs/reliability.md): $what: $(tail -n 2 "$tmp/known")"
    fi
}

write_scenario "$tmp/s.yaml"
write_sweep "$tmp/sw.yaml"
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
}

# Too small for the layout: nothing is left behind.
full run r "$tmp/ref.h5" 64
[ -z "$(ls -A "$tmp/disk")" ] || fail "run on a 64k disk left files: $(ls -A "$tmp/disk")"
echo "ok: run on a 64k disk: $(head -n 1 "$tmp/err")"

# Room for the layout and some runs (about two thirds of the finished file).
for cmd in run sweep; do
    ref=$tmp/ref.h5
    [ "$cmd" = sweep ] && ref=$tmp/ref_sweep.h5
    kib=$(($(stat -c %s "$ref") * 2 / 3 / 1024))
    full "$cmd" f "$ref" "$kib"
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
    # The rows a failed append added to the event tables read as rows of run 0 (the fill
    # value of <dim>_run is 0), so run 0 appears to have extra rows.
    known_issue "$cmd on a full disk: complete runs equal the uninterrupted ones, event tables included" \
        "$PYTHON" "$chk_py" subset "$part" "$ref"
    echo "ok: $cmd on a ${kib}k disk: exit 74, $n runs kept: $(head -n 1 "$tmp/err")"
    # Moved to a disk with room, the file resumes to the uninterrupted results.
    rm -f "$tmp"/m.h5*
    cp "$part" "$tmp/m.h5.part"
    src=$tmp/s.yaml
    [ "$cmd" = sweep ] && src=$tmp/sw.yaml
    known_issue "$cmd --resume after a full disk" "$ECOTWIN" "$cmd" -q -t 2 --resume \
        -o "$tmp/m.h5" "$src"
    [ -e "$tmp/m.h5" ] && check_same "$cmd resumed after a full disk" "$tmp/m.h5" "$ref"
done
finish
