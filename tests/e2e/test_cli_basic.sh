#!/bin/bash
# The tlsaudit program: options, exit codes, inputs (files, folders, stdin), formats, --jobs.
set -e
# shellcheck source=tests/e2e/cli_lib.sh disable=SC2034
. "$(dirname "$0")/cli_lib.sh"

T="$TLSAUDIT"
CHACHA="$CAPS/tls12-chacha20poly1305.pcap" # 7 TLS 1.2 connections
SNAKE="$CAPS/rsasnakeoil2.pcap"            # SSL 3.0: critical findings
TLS13="$CAPS/tls13-rfc8446.pcap"           # only low/info findings

# --help, --version
run "$T" --help
expect_rc 0 "--help"
expect_grep "$TMP/out" "Usage: tlsaudit [OPTIONS] PATH..." "--help usage"
expect_grep "$TMP/out" "Exit status:" "--help exit codes"
expect_grep "$TMP/out" "Examples:" "--help examples"
run "$T" --version
expect_rc 0 "--version"
expect_grep "$TMP/out" "tlsaudit 0.1.0" "--version text"

# usage errors: exit 2, one clear message naming the value
run "$T"
expect_rc 2 "no arguments"
expect_grep "$TMP/err" "tlsaudit: no input given" "no arguments message"
run "$T" --format xml "$CHACHA"
expect_rc 2 "--format xml"
expect_grep "$TMP/err" "tlsaudit: --format 'xml' is not a format" "--format message"
run "$T" --jobs 0 "$CHACHA"
expect_rc 2 "--jobs 0"
expect_grep "$TMP/err" "--jobs '0' is not a number between 1 and 64" "--jobs message"
run "$T" --fail-on severe "$CHACHA"
expect_rc 2 "--fail-on severe"
expect_grep "$TMP/err" "--fail-on 'severe' is not a severity" "--fail-on message"
run "$T" --bogus "$CHACHA"
expect_rc 2 "unknown option"
expect_grep "$TMP/err" "unknown option '--bogus'" "unknown option message"
run "$T" --now yesterday "$CHACHA"
expect_rc 2 "--now yesterday"
run "$T" --filter 'tcp port nonsense' "$CHACHA"
expect_rc 2 "--filter bad"
expect_grep "$TMP/err" "--filter 'tcp port nonsense' does not compile" "--filter message"
run "$T" - - 
expect_rc 2 "stdin twice"

# audit set-up errors are usage errors; --now moves the clock used for certificate dates
run "$T" --policy no-such-policy "$CHACHA"
expect_rc 2 "--policy unknown"
expect_grep "$TMP/err" "tlsaudit: cannot set up the audit: no-such-policy" "--policy message"
run "$T" --ca-file "$TMP/no-such-ca.pem" "$CHACHA"
expect_rc 2 "--ca-file missing"
expect_grep "$TMP/err" "no-such-ca.pem" "--ca-file message names the file"
run "$T" --format jsonl --now @0 "$SNAKE"
expect_grep "$TMP/out" '"id":"cert.not_yet_valid"' "--now @0: certificate not yet valid"
run "$T" --format jsonl --now 2030-01-01T00:00:00+02:00 "$CHACHA"
expect_grep "$TMP/out" '"id":"cert.expired"' "--now 2030: certificate expired"

# missing input: exit 3, message names the file; the other inputs are still reported
run "$T" --format jsonl "$TMP/nope.pcap" "$CHACHA"
expect_rc 3 "missing file"
expect_grep "$TMP/err" "tlsaudit: $TMP/nope.pcap: cannot open: No such file or directory" "missing file message"
[ "$(wc -l <"$TMP/out")" -eq 7 ] && pass || fail "missing file: other input not reported ($(wc -l <"$TMP/out") lines)"

# text report (not a terminal: no colour escapes)
run "$T" "$CHACHA"
expect_rc 0 "text report"
expect_grep "$TMP/out" "summary: 1 file, " "text summary line"
expect_grep "$TMP/out" "7 TLS connections" "text summary count"
expect_grep "$TMP/out" "client offered up to TLS 1.2, server chose TLS 1.2" "text versions line"
expect_no_grep "$TMP/out" $'\x1b' "no colour when not a terminal"
if command -v script >/dev/null; then
    script -qec "$T --quiet $CHACHA" /dev/null >"$TMP/tty.txt" 2>&1 || true
    expect_grep "$TMP/tty.txt" $'\x1b[1;31mhigh' "colour on a terminal"
    NO_COLOR=1 script -qec "$T --quiet $CHACHA" /dev/null >"$TMP/tty.txt" 2>&1 || true
    expect_no_grep "$TMP/tty.txt" $'\x1b' "NO_COLOR on a terminal"
fi
run "$T" --quiet "$CHACHA"
expect_no_grep "$TMP/out" "summary:" "--quiet hides the summary"

# --steps ladder
run "$T" --steps "$CHACHA"
expect_grep "$TMP/out" "client --- ClientHello -" "ladder client arrow"
expect_grep "$TMP/out" "- ServerHello --- server" "ladder server arrow"
expect_grep "$TMP/out" " 3  client checks the certificate: " "ladder step 3"

# jsonl: one valid JSON object per connection, conn indexes per file
run "$T" --format jsonl "$CHACHA"
expect_rc 0 "jsonl"
if python3 - "$TMP/out" <<'PY'; then pass; else fail "jsonl lines do not parse or are wrong"; fi
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
objs = [json.loads(l) for l in lines]
assert len(objs) == 7, len(objs)
assert [o["conn"] for o in objs] == list(range(7)), [o["conn"] for o in objs]
for o in objs:
    for k in ("file", "conn", "first_frame", "ts", "client", "server", "sni", "alpn", "version",
              "cipher", "kex", "resumed", "complete", "certificates", "client_certificates",
              "steps", "findings"):
        assert k in o, k
    assert o["version"] == "TLS 1.2", o["version"]
    assert "CHACHA20_POLY1305" in o["cipher"], o["cipher"]
    assert o["steps"][0]["message"] == "ClientHello" and o["steps"][0]["who"] == "client"
PY

# stdin gives the same records (file name "-")
run "$T" --format jsonl "$CHACHA"
cp "$TMP/out" "$TMP/file.jsonl"
set +e
"$T" --format jsonl - <"$CHACHA" >"$TMP/stdin.jsonl" 2>"$TMP/err"
RC=$?
set -e
expect_rc 0 "stdin"
if diff <(sed 's/^{"file":"[^"]*"/{"file":X/' "$TMP/file.jsonl") \
        <(sed 's/^{"file":"[^"]*"/{"file":X/' "$TMP/stdin.jsonl") >"$TMP/d"; then pass; else
    fail "stdin output differs from file output"; head -5 "$TMP/d" >&2; fi
expect_grep "$TMP/stdin.jsonl" '{"file":"-","conn":0' "stdin file name"

# folders: recursive, sorted, only capture names; .gz skipped with a message
mkdir -p "$TMP/dir/a" "$TMP/dir/c"
cp "$TLS13" "$TMP/dir/b.pcap"
cp "$CHACHA" "$TMP/dir/a/z.pcap"
cp "$SNAKE" "$TMP/dir/c/a.cap"
echo "not a capture" >"$TMP/dir/notes.txt"
gzip -c "$TLS13" >"$TMP/dir/old.pcap.gz"
run "$T" --format jsonl "$TMP/dir"
expect_rc 3 "folder holding a .gz it cannot read (the others are still reported)"
python3 - "$TMP/out" "$TMP/dir" >"$TMP/files" <<'PY'
import json, sys
seen = []
for l in open(sys.argv[1]):
    f = json.loads(l)["file"]
    if not seen or seen[-1] != f:
        seen.append(f)
print(" ".join(s.replace(sys.argv[2] + "/", "") for s in seen))
PY
[ "$(cat "$TMP/files")" = "a/z.pcap b.pcap c/a.cap" ] && pass || fail "folder order: got '$(cat "$TMP/files")'"
expect_grep "$TMP/err" "old.pcap.gz: gzip-compressed captures cannot be read by libpcap; skipped" "folder .gz message"
run "$T" "$TMP/dir/old.pcap.gz"
expect_rc 3 "explicit .gz"
expect_grep "$TMP/err" "gzip-compressed captures cannot be read by libpcap" "explicit .gz message"

mkdir -p "$TMP/empty"
run "$T" "$TMP/empty"
expect_rc 3 "empty folder (nothing was audited: a CI gate must not pass)"
expect_grep "$TMP/err" "empty: no .pcap, .pcapng or .cap files in this folder" "empty folder message"
expect_grep "$TMP/out" "no TLS connections found" "empty folder report"

# --jobs 2 gives byte-identical output to --jobs 1, in every format
for fmt in text jsonl json csv; do
    run "$T" --format $fmt --jobs 1 "$TMP/dir" "$SNAKE" "$CHACHA"
    cp "$TMP/out" "$TMP/j1"
    run "$T" --format $fmt --jobs 2 "$TMP/dir" "$SNAKE" "$CHACHA"
    if cmp -s "$TMP/j1" "$TMP/out"; then pass; else fail "--jobs 2 differs from --jobs 1 ($fmt)"; fi
done

# json: one document, summary consistent with the connections
run "$T" --format json "$SNAKE" "$CHACHA"
expect_rc 0 "json"
if python3 - "$TMP/out" <<'PY'; then pass; else fail "json document wrong"; fi
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["tool", "version", "files", "connections", "servers", "summary"], list(d)
assert d["tool"] == "tlsaudit"
assert len(d["files"]) == 2 and d["files"][0]["packets"] == 58, d["files"]
assert d["summary"]["connections"] == len(d["connections"]) == 9, d["summary"]
n = sum(len(c["findings"]) for c in d["connections"])
assert sum(d["summary"]["findings_by_severity"].values()) == n
assert d["servers"][0]["worst"] == "critical", d["servers"][0]
PY

# csv: header, one row per finding, parses
run "$T" --format csv "$SNAKE"
expect_rc 0 "csv"
head -1 "$TMP/out" | tr -d '\r' >"$TMP/hdr"
[ "$(cat "$TMP/hdr")" = "file,conn,first_frame,client,server,sni,version,cipher,finding,severity,title,detail,frames" ] && pass || fail "csv header: $(cat "$TMP/hdr")"
cp "$TMP/out" "$TMP/csv"
run "$T" --format jsonl "$SNAKE"
if python3 - "$TMP/csv" "$TMP/out" <<'PY'; then pass; else fail "csv rows do not match the findings"; fi
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
want = [(o["conn"], f["id"]) for o in map(json.loads, open(sys.argv[2])) for f in o["findings"]]
assert [(int(r["conn"]), r["finding"]) for r in rows] == want, (rows[:2], want[:2])
assert all(r["version"] == "SSL 3.0" for r in rows)
PY

# --min-severity hides, --fail-on judges every finding
run "$T" --format jsonl --min-severity high "$SNAKE"
if python3 -c '
import json,sys
sev={"info":0,"low":1,"medium":2,"high":3,"critical":4}
for l in open(sys.argv[1]):
    for f in json.loads(l)["findings"]:
        assert sev[f["severity"]] >= 3, f
' "$TMP/out"; then pass; else fail "--min-severity high shows lower findings"; fi
run "$T" --quiet --fail-on critical "$SNAKE"
expect_rc 1 "--fail-on critical with SSL 3.0"
run "$T" --quiet --fail-on medium "$TLS13"
expect_rc 0 "--fail-on medium with only low/info findings"
run "$T" --quiet --min-severity critical --fail-on low "$TLS13"
expect_rc 1 "--fail-on counts hidden findings"

# --filter keeps the frame numbers of the whole file (as Wireshark shows them)
run "$T" --format jsonl --filter 'tcp port 41834' "$CHACHA"
expect_rc 0 "--filter"
[ "$(wc -l <"$TMP/out")" -eq 1 ] && pass || fail "--filter: $(wc -l <"$TMP/out") connections, expected 1"
expect_grep "$TMP/out" '"conn":0,"first_frame":10,' "--filter frame numbers"

# -o FILE writes what stdout would get
run "$T" --format jsonl "$CHACHA"
cp "$TMP/out" "$TMP/stdout.jsonl"
run "$T" --format jsonl -o "$TMP/o.jsonl" "$CHACHA"
expect_rc 0 "-o"
cmp -s "$TMP/stdout.jsonl" "$TMP/o.jsonl" && pass || fail "-o output differs from stdout"
[ ! -s "$TMP/out" ] && pass || fail "-o still wrote to stdout"
run "$T" -o "$TMP/no/such/dir/x" "$CHACHA"
expect_rc 3 "-o unwritable"

# --dump
run "$T" --dump "$CHACHA"
expect_rc 0 "--dump"
expect_grep "$TMP/out" "conn 0    frame 1       C->S  step 1  ClientHello" "--dump ClientHello line"
expect_grep "$TMP/out" "records  client:" "--dump record counts"

finish
