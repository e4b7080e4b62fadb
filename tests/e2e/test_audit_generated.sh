#!/bin/bash
# The audit's generated files must be exactly what their generators make from the shared
# reference data: lib/src/policy_gen.c (tools/gen-policy.py), lib/src/primes_gen.c
# (tools/gen-primes.py), both clang-formatted, and docs/findings.md (tools/gen-findings-md.py,
# from the catalogue and design §4). Skipped when the reference folder or clang-format is absent.
set -euo pipefail
src=${TLSA_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
shared=${TLSA_SHARED:-$src/../shared}
ref=$shared/reference
if [ ! -d "$ref/mozilla" ] || ! command -v clang-format >/dev/null; then
    echo "SKIP: reference data ($ref) or clang-format not found"
    exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail=0
check() { # file, generator command...
    local file=$1
    shift
    "$@" >"$out"
    if [[ $file == *.c ]]; then
        clang-format --style=file:"$src/.clang-format" --assume-filename="$src/$file" <"$out" >"$out.fmt"
        mv "$out.fmt" "$out"
    fi
    if ! diff -u "$src/$file" "$out"; then
        echo "FAIL: $file is stale: run $2" >&2
        fail=1
    fi
}
check lib/src/policy_gen.c python3 "$src/tools/gen-policy.py" "$ref"
check lib/src/primes_gen.c python3 "$src/tools/gen-primes.py" "$ref"
if [ -f "$shared/design.md" ]; then
    check docs/findings.md python3 "$src/tools/gen-findings-md.py" "$src" "$shared/design.md"
fi
[ $fail = 0 ] && echo "PASS: policy_gen.c, primes_gen.c and docs/findings.md match their generators"
exit $fail
