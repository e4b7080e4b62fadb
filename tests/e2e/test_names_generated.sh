#!/bin/bash
# The committed lib/src/names_gen.c must be exactly what tools/gen-names.py makes from the
# shared reference data. Skipped (exit 0 with a message) when the reference folder is absent.
set -euo pipefail
src=${TLSA_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
ref=${TLSA_SHARED:-$src/../shared}/reference
if [ ! -d "$ref/iana" ]; then
    echo "SKIP: reference data not found at $ref"
    exit 0
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
python3 "$src/tools/gen-names.py" "$ref" -o "$out"
if ! diff -u "$src/lib/src/names_gen.c" "$out"; then
    echo "FAIL: lib/src/names_gen.c is stale: run tools/gen-names.py" >&2
    exit 1
fi
echo "PASS: names_gen.c matches the generator"
