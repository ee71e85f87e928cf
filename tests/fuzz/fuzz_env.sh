# Sourced by run_fuzz.sh and replay.sh: the scratch directory a fuzz target runs in.
#
# fuzz_setup WORK TARGET copies tests/data to WORK/data (so a target may write next to the
# files its inputs name, without touching the source tree), exports TMPDIR=WORK and
# ECOTWIN_FUZZ_SWEEP_DIR=WORK/data/sweeps (where fuzz_sweep writes its input: `extends:
# ../good/tiny.yaml` resolves there), and sets FUZZ_CWD, the directory the target runs in:
# WORK/data/bad for the YAML targets (seeds from tests/data/bad extend inc/... and
# ../good/...), the sweep directory for fuzz_sweep, WORK for the rest.
fuzz_setup() {
    local work=$1 target=$2
    mkdir -p "$work"
    rm -rf "$work/data"
    cp -r "$ECOTWIN_ROOT/tests/data" "$work/data"
    export TMPDIR=$work
    export ECOTWIN_FUZZ_SWEEP_DIR=$work/data/sweeps
    case $target in
    scenario | yaml_emit) FUZZ_CWD=$work/data/bad ;;
    sweep) FUZZ_CWD=$work/data/sweeps ;;
    *) FUZZ_CWD=$work ;;
    esac
}
