#!/bin/bash
# Every sample capture against samples/expected/*.json (made by samples/make-samples.sh):
# tlsaudit --format jsonl --ca-file samples/pki/ca.pem, compared per connection.
set -e
# shellcheck source=tests/e2e/cli_lib.sh disable=SC2034
. "$(dirname "$0")/cli_lib.sh"

S="$TLSA_SRC/samples"
if ! ls "$S"/expected/*.json >/dev/null 2>&1; then
    echo "SKIP: no samples/expected/*.json yet"
    exit 0
fi

run "$TLSAUDIT" --format jsonl --jobs 2 --ca-file "$S/pki/ca.pem" "$S"
# Only a deliberately truncated sample may make the run exit 3.
if [ "$RC" -ne 0 ]; then
    if [ "$RC" -eq 3 ] && ! grep -v -- '-truncated-file.pcap: damaged' "$TMP/err" | grep -q .; then
        pass
    else
        fail "tlsaudit on the samples: exit $RC"
        sed 's/^/    stderr: /' "$TMP/err" >&2
    fi
fi
if python3 "$(dirname "$0")/cli_compare_samples.py" "$S/expected" "$TMP/out"; then pass; else
    fail "samples differ from samples/expected (see DIFF lines above)"; fi

# The other formats agree with jsonl on the same inputs: connection counts and findings.
cp "$TMP/out" "$TMP/samples.jsonl"
run "$TLSAUDIT" --format json --ca-file "$S/pki/ca.pem" "$S"
if python3 - "$TMP/out" "$TMP/samples.jsonl" <<'PY'; then pass; else fail "json and jsonl disagree"; fi
import json, sys
doc = json.load(open(sys.argv[1]))
lines = [json.loads(l) for l in open(sys.argv[2])]
key = lambda r: (r["file"], r["conn"])
a = sorted(((key(r), sorted(f["id"] for f in r["findings"])) for r in doc["connections"]))
b = sorted(((key(r), sorted(f["id"] for f in r["findings"])) for r in lines))
assert a == b
assert doc["summary"]["connections"] == len(lines)
PY

finish
