#!/usr/bin/env bash
# run_fuzz.sh [--build-only | --no-build] [TARGET...]
#
# Builds the libFuzzer targets of tests/fuzz with clang (-DECOTWIN_FUZZ=ON: the whole
# project instrumented, address + undefined-behaviour sanitizers) and runs each TARGET
# (default: all of targets.cmake) for a bounded time, one after the other.
#
# Environment:
#   FUZZ_SECONDS    seconds per target (default 60)
#   FUZZ_BUILD_DIR  build directory (default build/fuzz in the repository)
#   FUZZ_SEED       libFuzzer -seed (default 0: random; ctest uses 1)
#   FUZZ_JOBS       parallel build jobs (default: the number of CPUs)
#   FUZZ_ARGS       extra libFuzzer flags, e.g. "-jobs=4" or "-only_ascii=1"
#   CC              the clang to build with (default clang)
# New inputs the fuzzer finds are kept in FUZZ_BUILD_DIR/corpus/TARGET (the seeds in
# tests/fuzz/corpus and tests/fuzz/regressions are only read). A crash, leak, timeout
# (10 s for one input) or allocation over the limits (malloc 1024 MiB, RSS 2048 MiB) is
# written to FUZZ_BUILD_DIR/artifacts/TARGET/; the script then says how to make it a
# regression input. Exit: 0 nothing found, 1 something found, 2 usage or build failure.
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export ECOTWIN_ROOT=${ECOTWIN_ROOT:-$root}
src=$ECOTWIN_ROOT/tests/fuzz
. "$src/fuzz_env.sh"
build=${FUZZ_BUILD_DIR:-$ECOTWIN_ROOT/build/fuzz}
seconds=${FUZZ_SECONDS:-60}
seed=${FUZZ_SEED:-0}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
cc=${CC:-clang}

mode=run
do_build=1
case ${1:-} in
--build-only) mode=build; shift ;;
--no-build) do_build=0; shift ;;
-h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
all=$(sed -n 's/^set(ECOTWIN_FUZZ_TARGETS \(.*\))$/\1/p' "$src/targets.cmake")
targets=("$@")
[ ${#targets[@]} -eq 0 ] && read -r -a targets <<<"$all"
for t in "${targets[@]}"; do
    case " $all " in
    *" $t "*) ;;
    *) echo "run_fuzz.sh: unknown target '$t' (targets: $all)" >&2; exit 2 ;;
    esac
done

if [ "$do_build" -eq 1 ]; then
    mkdir -p "$build"
    log=$build/build.log
    if ! { CC=$cc cmake -S "$ECOTWIN_ROOT" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DECOTWIN_FUZZ=ON -DBUILD_TESTING=OFF -DECOTWIN_BENCH=OFF &&
        cmake --build "$build" --target ecotwin_fuzzers -j "$jobs"; } >"$log" 2>&1; then
        tail -n 40 "$log"
        echo "run_fuzz.sh: the fuzz build failed (log: $log)" >&2
        exit 2
    fi
    echo "fuzzers built in $build/tests/fuzz"
fi
[ "$mode" = build ] && exit 0

# Stacks with function names: the guard of the targets that read results files tells a fault
# inside HDF5 from one in ecotwin by them (fuzz_guard.h); without names every fault would look
# like ecotwin's.
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
    for s in llvm-symbolizer llvm-symbolizer-14 /usr/lib/llvm-14/bin/llvm-symbolizer; do
        if command -v "$s" >/dev/null 2>&1; then
            ASAN_SYMBOLIZER_PATH=$(command -v "$s")
            export ASAN_SYMBOLIZER_PATH
            break
        fi
    done
fi
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
    for t in "${targets[@]}"; do
        if grep -q '"fuzz_guard.h"' "$src/fuzz_$t.c"; then
            echo "run_fuzz.sh: fuzz_$t needs llvm-symbolizer (apt-get install llvm-14)" >&2
            exit 2
        fi
    done
fi

found=0
for t in "${targets[@]}"; do
    exe=$build/tests/fuzz/fuzz_$t
    if [ ! -x "$exe" ]; then
        echo "run_fuzz.sh: $exe is missing (build first)" >&2
        exit 2
    fi
    fuzz_setup "$build/work/$t" "$t"
    mkdir -p "$build/corpus/$t" "$build/artifacts/$t" "$build/logs"
    seeds=("$src/corpus/$t")
    [ -d "$src/regressions/$t" ] && seeds+=("$src/regressions/$t")
    dict=()
    [ -f "$src/$t.dict" ] && dict=(-dict="$src/$t.dict")
    log=$build/logs/$t.log
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
    # A crash, a leak (tests/fuzz/lsan.supp lists HDF5's own), a timeout or an allocation over
    # the limits ends the run with a non-zero exit and an artifact.
    (cd "$FUZZ_CWD" && LSAN_OPTIONS=suppressions=$src/lsan.supp:print_suppressions=0 \
        "$exe" -max_total_time="$seconds" -seed="$seed" -timeout=10 \
        -rss_limit_mb=2048 -malloc_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t/" "${dict[@]}" ${FUZZ_ARGS:-} \
        "$build/corpus/$t" "${seeds[@]}") >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ "$rc" -ne 0 ]; then
        found=1
        tail -n 60 "$log"
        echo "FAIL: fuzz_$t found a problem (exit $rc; log $log). Inputs in $build/artifacts/$t/."
        echo "  Keep each as tests/fuzz/regressions/$t/<what-it-is> (replayed by fuzz_replay_$t),"
        echo "  then fix the bug. Reproduce: cd $FUZZ_CWD && $exe <input>"
    else
        echo "fuzz_$t: ${runs:-?} inputs in ${seconds} s, nothing found"
    fi
done
exit $found
