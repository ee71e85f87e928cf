#!/usr/bin/env bash
# check_bad.sh FILE: `ecotwin validate FILE` must exit 65, print every `# expect:` substring of
# FILE on stderr, and `ecotwin run` must write nothing.
set -u
f=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$ECOTWIN" validate "$f" >"$tmp/out" 2>"$tmp/err"
rc=$?
fail=0
if [ "$rc" -ne 65 ]; then
    echo "FAIL: exit code $rc, expected 65"
    fail=1
fi
n=0
while IFS= read -r line; do
    case "$line" in
    "# expect: "*)
        want=${line#"# expect: "}
        n=$((n + 1))
        if ! grep -qF -- "$want" "$tmp/err"; then
            echo "FAIL: stderr lacks: $want"
            fail=1
        fi
        ;;
    esac
done <"$f"
if [ "$n" -eq 0 ]; then
    echo "FAIL: $f has no '# expect:' line"
    fail=1
fi
"$ECOTWIN" run -q -o "$tmp/out.h5" "$f" >/dev/null 2>&1
if [ -e "$tmp/out.h5" ] || [ -e "$tmp/out.h5.part" ]; then
    echo "FAIL: run wrote a file for an invalid scenario"
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    echo "--- stderr of ecotwin validate $f:"
    cat "$tmp/err"
fi
exit $fail
