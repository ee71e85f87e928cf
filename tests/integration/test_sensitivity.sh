#!/usr/bin/env bash
# `ecotwin sensitivity` end to end: Sobol indices and SRCs of a saltelli sweep of Ishigami's
# function written by sens_sample (checked against the closed forms), the same numbers
# recomputed with numpy from a real saltelli sweep of the tiny scenario, a grid sweep (SRC
# only), the text and CSV outputs, and every error with its exit code.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
py=${PYTHON:-/usr/bin/python3}
checker="$ECOTWIN_ROOT/tests/integration/check_sensitivity.py"
. "$ECOTWIN_ROOT/tests/integration/check_lib.sh"
sens() { "$ECOTWIN" sensitivity "$@"; }

check "sens_sample ishigami" 0 "$SENS_SAMPLE" ishigami "$tmp/ish.h5" 1024
check "sens_sample plain" 0 "$SENS_SAMPLE" plain "$tmp/plain.h5"
check "sens_sample few" 0 "$SENS_SAMPLE" few "$tmp/few.h5"

# Ishigami through the command, JSON checked against the closed forms.
m=ishigami,linear,constant
check "json" 0 sens "$tmp/ish.h5" --metric $m --json
cp "$tmp/out" "$tmp/ish.json"
check "json seed 2" 0 sens "$tmp/ish.h5" -m $m --json --seed 2
cp "$tmp/out" "$tmp/seed2.json"
check "json no bootstrap" 0 sens "$tmp/ish.h5" -m ishigami --bootstrap 0 --json
cp "$tmp/out" "$tmp/noboot.json"
check "json company" 0 sens "$tmp/ish.h5" -m ishigami_company --company oem --json
cp "$tmp/out" "$tmp/company.json"
check "Ishigami indices" 0 "$py" "$checker" ishigami "$tmp/ish.json" "$tmp/seed2.json" \
    "$tmp/noboot.json" "$tmp/company.json"
cat "$tmp/out"
# The same seed gives the same bytes.
check "json again" 0 sens "$tmp/ish.h5" --metric $m --json
cmp -s "$tmp/out" "$tmp/ish.json" || { echo "FAIL: same seed, different output"; fails=$((fails + 1)); }

# Text and CSV.
check "text" 0 sens "$tmp/ish.h5" -m ishigami -m constant
contains "text" "$tmp/out" "ranking by ST: param_z_x1 > param_a_x2 > param_m_x3"
contains "text" "$tmp/out" "Sobol indices over 1023 of 1024 base rows"
contains "text" "$tmp/out" "no Sobol indices: the response is constant (variance 0)"
check "default metrics" 0 sens "$tmp/ish.h5" --bootstrap 10
contains "default metrics" "$tmp/out" "linear (1): 5119 of 5120 design points"
if grep -q "ishigami_company\|series" "$tmp/out"; then
    echo "FAIL: default metrics include (run, company) or time variables"; fails=$((fails + 1))
fi
check "default metrics, all companies" 0 sens "$tmp/ish.h5" --bootstrap 10 --company all
contains "all companies" "$tmp/out" "ishigami_company (EUR), company oem"
check "csv" 0 sens "$tmp/ish.h5" -m ishigami,constant --csv --level 0.9
contains "csv" "$tmp/out" "metric,company,units,factor,path,S1,S1_low,S1_high,ST,ST_low,ST_high,src,src_ci_low,src_ci_high,r2,rank"
contains "csv" "$tmp/out" "ishigami,,1,param_z_x1,model.z_x1,"
contains "csv" "$tmp/out" "constant,,1,param_a_x2,model.a_x2,,,,,,,,,,,"
[ "$(wc -l <"$tmp/out")" -eq 7 ] || { echo "FAIL: csv has $(wc -l <"$tmp/out") lines, expected 7"; fails=$((fails + 1)); }

# Errors and their exit codes.
check "--help" 0 sens --help
contains "--help" "$tmp/out" "Usage: ecotwin sensitivity"
check "no file" 2 sens
check "two files" 2 sens "$tmp/ish.h5" "$tmp/ish.h5"
check "csv and json" 2 sens "$tmp/ish.h5" --csv --json
check "bad level" 2 sens "$tmp/ish.h5" --level 1.5
contains "bad level" "$tmp/err" "--level wants a number in (0, 1)"
check "bad bootstrap" 2 sens "$tmp/ish.h5" --bootstrap -1
check "bad seed" 2 sens "$tmp/ish.h5" --seed x
check "bad option" 2 sens "$tmp/ish.h5" --frobnicate
check "unknown metric" 2 sens "$tmp/ish.h5" --metric ishigam
contains "unknown metric" "$tmp/err" "unknown metric 'ishigam'; did you mean 'ishigami'?"
check "unknown metric, no suggestion" 2 sens "$tmp/ish.h5" --metric zzzzzzzzzzzzzzzz
contains "no suggestion" "$tmp/err" "unknown metric 'zzzzzzzzzzzzzzzz'"
check "time series" 2 sens "$tmp/ish.h5" --metric series
contains "time series" "$tmp/err" "metric 'series' is a time series"
check "unknown company" 2 sens "$tmp/ish.h5" --metric ishigami_company --company acme
contains "unknown company" "$tmp/err" "no company 'acme'"
check "unknown variant" 2 sens "$tmp/ish.h5" --variant autarky
contains "unknown variant" "$tmp/err" "no variant 'autarky'"
check "missing file" 66 sens "$tmp/nothing.h5"
echo "not HDF5" >"$tmp/text.h5"
check "not HDF5" 74 sens "$tmp/text.h5"
"$py" -c "import h5py, sys; h5py.File(sys.argv[1], 'w').create_dataset('x', data=[1])" \
    "$tmp/foreign.h5"
check "foreign HDF5" 66 sens "$tmp/foreign.h5"
contains "foreign HDF5" "$tmp/err" "not an ecotwin results file"
check "plain run" 65 sens "$tmp/plain.h5"
contains "plain run" "$tmp/err" "is not a sweep (kind run)"
check "too few points" 65 sens "$tmp/few.h5"
contains "too few points" "$tmp/err" "4 design points for 3 factors: too few for a regression"
check "nothing estimable" 65 sens "$tmp/ish.h5" --metric constant
contains "nothing estimable" "$tmp/err" "nothing could be estimated"

# A real saltelli sweep (40 points of the tiny scenario) and a grid sweep, recomputed.
check "saltelli sweep" 0 "$ECOTWIN" sweep "$ECOTWIN_ROOT/tests/data/sweeps/saltelli.yaml" \
    -o "$tmp/salt.h5" --replications 1 --threads 2 --quiet
check "sensitivity of the sweep" 0 sens "$tmp/salt.h5" -m mean_trust,lead_time_mean -c alpha --json
cp "$tmp/out" "$tmp/salt.json"
for metric in mean_trust; do
    check "recompute $metric" 0 "$py" "$checker" recompute "$tmp/salt.json" "$tmp/salt.h5" "$metric"
    cat "$tmp/out"
done
check "grid sweep" 0 "$ECOTWIN" sweep "$ECOTWIN_ROOT/tests/data/sweeps/grid.yaml" \
    -o "$tmp/grid.h5" --threads 2 --quiet
check "sensitivity of the grid" 0 sens "$tmp/grid.h5" -m mean_trust,lead_time_mean --company all --json
cp "$tmp/out" "$tmp/grid.json"
check "grid checks" 0 "$py" "$checker" grid "$tmp/grid.json"
cat "$tmp/out"

[ "$fails" -eq 0 ] || { echo "$fails failures"; exit 1; }
echo "sensitivity: all checks passed"
