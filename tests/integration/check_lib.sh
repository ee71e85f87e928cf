# Sourced by the CLI tests (test_cli.sh, test_sweep_faults.sh, test_sensitivity.sh): checks
# that count failures in $fails and print what went wrong. Needs $tmp (a scratch directory).
fails=0
check() { # description, expected exit code, command...: stdout in $tmp/out, stderr in $tmp/err
    local what=$1 want=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL: $what: exit $rc, expected $want"
        sed 's/^/  stderr: /' "$tmp/err" | head -20
        fails=$((fails + 1))
    fi
}
contains() { # description, file, text
    if ! grep -qF -- "$3" "$2"; then
        echo "FAIL: $1: output lacks '$3'"
        sed 's/^/  /' "$2" | head -20
        fails=$((fails + 1))
    fi
}
