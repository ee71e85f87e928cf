#!/usr/bin/env bash
# ecotwin quick start on Debian 12.
#   scripts/quickstart.sh run    install what is missing, build, run the default scenario
#   scripts/quickstart.sh test   install what is missing, build, run the whole test suite
#                                (dev build with -Werror, then the address+UB sanitizer build)
# Idempotent: packages are installed only when missing (apt-get through sudo when not root);
# when nothing is missing nothing is printed about packages. Build output goes to a log
# and is shown only on failure.
set -euo pipefail

mode=${1:-run}
case "$mode" in
run | test) ;;
-h | --help)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
*)
    echo "usage: $0 [run|test]" >&2
    exit 2
    ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)

build_pkgs=(build-essential cmake pkg-config libgsl-dev libyaml-dev libhdf5-dev hdf5-tools)
# MPI ranks for sweeps (docs/hpc.md): built whenever CMake finds MPI, in every preset, so the
# tests labelled mpi run in CI.
build_pkgs+=(openmpi-bin libopenmpi-dev)
test_pkgs=(libcmocka-dev netcdf-bin clang-format python3 python3-xarray python3-h5netcdf
    python3-netcdf4 python3-h5py python3-numpy)
# Reliability tests: libFuzzer runs (clang with its runtime, llvm-symbolizer for the stacks
# that tell HDF5's faults from ecotwin's: tests/fuzz/fuzz_guard.h), peak memory (GNU time),
# memcheck.
test_pkgs+=(clang libclang-rt-14-dev llvm-14 time valgrind)
# Plots and the HTML report (matplotlib), the report rendered in headless Chromium.
test_pkgs+=(python3-matplotlib chromium)
# docs/analysis.md's Python example, run by a test: pandas and scipy beside xarray.
test_pkgs+=(python3-pandas python3-scipy)

need=("${build_pkgs[@]}")
[ "$mode" = test ] && need+=("${test_pkgs[@]}")
missing=()
for p in "${need[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing missing Debian packages: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >/dev/null
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
quiet() { # run a build step; show its output only when it fails
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "quickstart: failed: $*" >&2
        exit 1
    fi
}

build() { # preset
    quiet cmake --preset "$1" -DBUILD_TESTING="$([ "$mode" = test ] && echo ON || echo OFF)"
    quiet cmake --build --preset "$1" -j "$jobs"
}

if [ "$mode" = run ]; then
    build release
    mkdir -p results
    ./build/release/sim/cli/ecotwin run -q -o results/baseline.h5 scenarios/baseline.yaml
    exit 0
fi

build dev
(cd build/dev && ctest --output-on-failure -j "$jobs")
build asan
(cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --output-on-failure -j "$jobs")
