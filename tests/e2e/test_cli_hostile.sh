#!/bin/bash
# Hostile wire strings (terminal escapes, quotes, commas, newlines, invalid UTF-8, U+2028, a
# spreadsheet formula) in SNI and ALPN must come out escaped in every format.
set -e
# shellcheck source=tests/e2e/cli_lib.sh disable=SC2034
. "$(dirname "$0")/cli_lib.sh"

T="$TLSAUDIT"
python3 "$(dirname "$0")/cli_hostile_pcap.py" "$TMP/hostile.pcap"

for mode in "text" "text --steps" "jsonl" "json" "csv" "text --dump"; do
    fmt=${mode%% *}
    extra=${mode#"$fmt"}
    # shellcheck disable=SC2086
    run "$T" --format $fmt $extra "$TMP/hostile.pcap"
    expect_rc 0 "hostile $mode"
    cp "$TMP/out" "$TMP/out.${mode// /_}"
    if python3 - "$TMP/out" "$fmt" <<'PY'; then pass; else fail "hostile bytes survive in $mode"; fi
import sys
data = open(sys.argv[1], "rb").read()
text = data.decode("utf-8")  # strict: every format is valid UTF-8
for bad in ("\x1b", "\x07", "\u2028", "\u009b", "\x00"):
    assert bad not in text, repr(bad)
if sys.argv[2] != "csv":
    assert "\r" not in text, "raw CR"
else:
    assert "\r" not in text.replace("\r\n", ""), "raw CR inside a CSV field"
PY
done

expect_grep "$TMP/out.text_--steps" 'SNI           =HYPERLINK("x")\x1B[31mred\x1B]0;pwn\x07,"q"\x0A\xC0\xAF\xE2\x80\xA8.example' "text SNI escaped"
expect_grep "$TMP/out.text_--steps" 'ALPN          \x1B[2Jevil,"x"\x0D\x0A<script> (offered h2, \x1B[2Jevil,"x"\x0D\x0A<script>)' "text ALPN escaped"

run "$T" --format jsonl "$TMP/hostile.pcap"
if python3 - "$TMP/out" <<'PY'; then pass; else fail "jsonl hostile values do not round-trip"; fi
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert len(lines) == 2 and lines[1] == "", "one record, one line"
o = json.loads(lines[0])
sni = b'=HYPERLINK("x")\x1b[31mred\x1b]0;pwn\x07,"q"\n\xc0\xaf\xe2\x80\xa8.example'
alpn = b"\x1b[2Jevil,\"x\"\r\n<script>"
assert o["sni"] == sni.decode("utf-8", "replace"), o["sni"]
assert o["alpn"] == alpn.decode(), o["alpn"]
assert o["alpn_offered"] == ["h2", alpn.decode()], o["alpn_offered"]
assert o["version"] == "TLS 1.2" and o["cipher"] == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", o
PY
expect_grep "$TMP/out" '"sni":"=HYPERLINK(\"x\")\u001b[31mred\u001b]0;pwn\u0007,\"q\"\n\ufffd\ufffd\u2028.example"' "jsonl SNI exact escaping"

if python3 - "$TMP/out.json" <<'PY'; then pass; else fail "json document hostile values"; fi
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["servers"][0]["sni"].startswith('=HYPERLINK("x")\x1b[31m'), d["servers"][0]
assert d["connections"][0]["alpn"] == "\x1b[2Jevil,\"x\"\r\n<script>"
PY

if python3 - "$TMP/out.csv" <<'PY'; then pass; else fail "csv hostile fields"; fi
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 1, rows
sni = rows[0]["sni"]
want = "'" + '=HYPERLINK("x")\\x1B[31mred\\x1B]0;pwn\\x07,"q"\\x0A\\xC0\\xAF\\xE2\\x80\\xA8.example'
assert sni == want, (sni, want)
assert rows[0]["finding"] == "proto.incomplete", rows[0]
PY

# User-typed values echoed on stderr are escaped too (a path can hold a terminal escape).
run "$T" --keylog "$TMP/$(printf '\033')[31mred" "$CAPS/rsa-p-lt-q.pcap"
if grep -q "$(printf '\033')" "$TMP/err"; then fail "--keylog path echoed with a raw ESC"; else pass; fi
expect_grep "$TMP/err" '\x1B[31mred' "--keylog path shown escaped"

finish
