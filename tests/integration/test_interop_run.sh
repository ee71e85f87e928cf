#!/usr/bin/env bash
# A real results file opens in xarray with both engines and in ncdump without phony dims.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$ECOTWIN" run -q -o "$tmp/r.h5" "$ECOTWIN_ROOT/tests/data/good/tiny.yaml" >/dev/null || exit 1
"$PYTHON" "$ECOTWIN_ROOT/tests/interop/check_netcdf.py" "$tmp/r.h5" || exit 1
"$PYTHON" "$ECOTWIN_ROOT/tests/integration/check_docs_vars.py" "$tmp/r.h5" "$ECOTWIN_ROOT/docs/output.md"
