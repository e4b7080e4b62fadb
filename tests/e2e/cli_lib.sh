# shellcheck shell=bash
# shellcheck disable=SC2034 # variables used by the sourcing scripts
# Helpers shared by tests/e2e/test_cli_*.sh (sourced, not run by ctest).
set -u
: "${TLSA_BUILD:?set TLSA_BUILD to the build folder}"
: "${TLSA_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${TLSA_SHARED:=$TLSA_SRC/../shared}"
TLSAUDIT="$TLSA_BUILD/analyzer/tlsaudit"
CAPS="$TLSA_SHARED/captures/wireshark"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tlsa-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
FAILS=0
CHECKS=0

pass() { CHECKS=$((CHECKS + 1)); }
fail() {
    CHECKS=$((CHECKS + 1))
    FAILS=$((FAILS + 1))
    echo "FAIL: $*" >&2
}

# run CMD...: runs with stdout/stderr captured in $TMP/out, $TMP/err; sets RC.
run() {
    set +e
    "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
    set -e
}

expect_rc() { # expect_rc WANT WHAT
    if [ "$RC" -eq "$1" ]; then pass; else
        fail "$2: exit $RC, expected $1"
        sed 's/^/    stderr: /' "$TMP/err" | head -5 >&2
    fi
}

expect_grep() { # expect_grep FILE PATTERN WHAT (fixed string)
    if grep -qF -- "$2" "$1"; then pass; else
        fail "$3: '$2' not in $(basename "$1")"
        sed 's/^/    got: /' "$1" | head -5 >&2
    fi
}

expect_no_grep() {
    if grep -qF -- "$2" "$1"; then
        fail "$3: '$2' unexpectedly in $(basename "$1")"
    else pass; fi
}

finish() {
    echo "$CHECKS checks, $FAILS failed"
    [ "$FAILS" -eq 0 ]
}
