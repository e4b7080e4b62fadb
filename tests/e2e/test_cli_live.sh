#!/bin/bash
# Live capture (-i lo --duration, --filter) of one real TLS handshake made with openssl on
# loopback. Skipped when this machine does not allow capturing on lo.
set -e
# shellcheck source=tests/e2e/cli_lib.sh disable=SC2034
. "$(dirname "$0")/cli_lib.sh"

PKI="$TLSA_SRC/samples/pki"
if ! command -v openssl >/dev/null || [ ! -f "$PKI/server.pem" ] || [ ! -f "$PKI/server.key" ]; then
    echo "SKIP: openssl or samples/pki/server.pem missing"
    exit 0
fi
PORT=$((20000 + RANDOM % 20000))

"$TLSAUDIT" --format jsonl -i lo --duration 4 --filter "tcp port $PORT" \
    --ca-file "$PKI/ca.pem" >"$TMP/live.jsonl" 2>"$TMP/live.err" &
CAP=$!
sleep 1
if ! kill -0 "$CAP" 2>/dev/null; then
    wait "$CAP" || true
    if grep -q "cannot capture" "$TMP/live.err"; then
        echo "SKIP: $(cat "$TMP/live.err")"
        exit 0
    fi
fi
openssl s_server -quiet -accept "$PORT" -cert "$PKI/server.pem" -key "$PKI/server.key" \
    -naccept 1 >/dev/null 2>&1 &
SRV=$!
sleep 0.5
echo | timeout 5 openssl s_client -connect "127.0.0.1:$PORT" -servername live.tlsaudit.test \
    -tls1_2 >/dev/null 2>&1 || true
kill "$SRV" 2>/dev/null || true
set +e
wait "$CAP"
RC=$?
set -e
cp "$TMP/live.err" "$TMP/err"
expect_rc 0 "live capture"
if python3 - "$TMP/live.jsonl" "$PORT" <<'PY'; then pass; else fail "live capture record"; cat "$TMP/live.jsonl" >&2; fi
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 1, len(recs)
r = recs[0]
assert r["server"]["port"] == int(sys.argv[2]), r["server"]
assert r["sni"] == "live.tlsaudit.test", r["sni"]
assert r["version"] == "TLS 1.2", r["version"]
assert r["file"] == "lo", r["file"]
PY

finish
