#!/usr/bin/env bash
# replay.sh EXE TARGET: run a replay build of fuzz target TARGET (fuzz_replay.c linked in
# place of libFuzzer) once over tests/fuzz/corpus/TARGET and tests/fuzz/regressions/TARGET.
# A crash or a sanitizer report fails it. Needs $ECOTWIN_ROOT.
set -u
exe=$(realpath "$1")
target=$2
src=$ECOTWIN_ROOT/tests/fuzz
. "$src/fuzz_env.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fuzz_setup "$work" "$target"
inputs=("$src/corpus/$target")
[ -d "$src/regressions/$target" ] && inputs+=("$src/regressions/$target")
# HDF5's own leaks on damaged files are not ours (lsan.supp); the sanitizer build reports ours.
export LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$src/lsan.supp:print_suppressions=0
cd "$FUZZ_CWD" && "$exe" "${inputs[@]}" 2>"$work/replay.log"
rc=$?
if [ "$rc" -eq 0 ]; then
    echo "fuzz_replay_$target: every input of corpus/$target and regressions/$target ran cleanly"
else
    tail -n 60 "$work/replay.log"
    echo "FAIL: replaying $target inputs exited $rc (the last input named above is the culprit)"
fi
exit $rc
