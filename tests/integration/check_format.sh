#!/usr/bin/env bash
# Every tracked C file must already be formatted by the checked-in .clang-format.
set -u
cd "$ECOTWIN_ROOT"
bad=0
while IFS= read -r f; do
    if ! "$1" --dry-run -Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f (run: clang-format -i $f)"
        bad=1
    fi
done < <(find sim models tests bench -name '*.[ch]' 2>/dev/null | sort)
exit $bad
