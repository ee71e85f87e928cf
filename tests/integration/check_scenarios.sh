#!/usr/bin/env bash
# check_scenarios.sh: every scenario shipped under scenarios/ (all folders) must pass
# `ecotwin validate` (exit 0), so the files users start from never rot as the model grows.
set -u
fails=0 n=0
while IFS= read -r -d '' f; do
    n=$((n + 1))
    if ! out=$("$ECOTWIN" validate "$f" 2>&1); then
        echo "FAIL: $f"
        echo "$out"
        fails=$((fails + 1))
    fi
done < <(find "$ECOTWIN_ROOT/scenarios" -name '*.yaml' -print0 | sort -z)
if [ "$n" -eq 0 ]; then
    echo "FAIL: no scenario found under $ECOTWIN_ROOT/scenarios"
    exit 1
fi
echo "$n scenarios checked, $fails invalid"
exit $((fails > 0))
