# Sourced by every tests/e2e/test_plugin_*.sh. Sets up a private HOME holding the built plugin and
# defines `tshark_plugin ARGS...`, which runs tshark with that HOME as an ordinary user (Wireshark
# ignores personal plugins for root, so as root it runs tshark as nobody via setpriv).
#
# Environment (from ctest, see tests/CMakeLists.txt): TLSA_BUILD, TLSA_SRC, TLSA_SHARED,
# TLSA_PLUGIN_BUILT (1/0). Exits 0 with "SKIP: ..." when the plugin was not built.
#
# Provides:
#   PLUGIN_HOME        the private HOME (readable by the test user; removed at exit)
#   PLUGIN_SO          the built plugin
#   TLSA_CLI           the tlsaudit program
#   tshark_plugin ...  tshark with the plugin loaded (as nobody when run as root)
#   wireshark_user ... run any command as that user with that HOME (GUI test)
#   plugin_input FILE  prints a path to FILE that the test user can read (copies when needed)
#   plugin_tcp_captures prints the shared public TCP captures (uncompressed copies for .gz)
#   pass/fail/skip MSG helpers; fail records the failure, plugin_finish exits accordingly

set -u

: "${TLSA_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${TLSA_BUILD:=$TLSA_SRC/build}"
: "${TLSA_SHARED:=$TLSA_SRC/../shared}"
: "${TLSA_PLUGIN_BUILT:=0}"

if [ "$TLSA_PLUGIN_BUILT" != 1 ]; then
    echo "SKIP: plugin not built (TLSA_PLUGIN_BUILT=$TLSA_PLUGIN_BUILT; needs libwireshark-dev 4.0)"
    exit 0
fi
if ! command -v tshark > /dev/null 2>&1; then
    echo "SKIP: tshark not installed"
    exit 0
fi

PLUGIN_SO="$TLSA_BUILD/plugin/tlsaudit.so"
TLSA_CLI="$TLSA_BUILD/analyzer/tlsaudit"
if [ ! -f "$PLUGIN_SO" ]; then
    echo "FAIL: $PLUGIN_SO missing although TLSA_PLUGIN_BUILT=1"
    exit 1
fi

PLUGIN_HOME=$(mktemp -d /tmp/tlsaudit-plugin-test.XXXXXX)
chmod 755 "$PLUGIN_HOME"
trap 'rm -rf "$PLUGIN_HOME"' EXIT
mkdir -p "$PLUGIN_HOME/.local/lib/wireshark/plugins/4.0/epan" "$PLUGIN_HOME/.config/wireshark" \
    "$PLUGIN_HOME/in"
cp "$PLUGIN_SO" "$PLUGIN_HOME/.local/lib/wireshark/plugins/4.0/epan/tlsaudit.so"
chmod -R a+rX "$PLUGIN_HOME"

if [ "$(id -u)" = 0 ]; then
    PLUGIN_RUN_AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    # nobody must be able to write its own config/temp folders
    chown -R nobody:nogroup "$PLUGIN_HOME"
else
    PLUGIN_RUN_AS=()
fi

# In the sanitizer build the plugin needs the ASan/UBSan runtimes loaded first into the
# (uninstrumented) Wireshark programs; leaks of Wireshark itself at exit are not ours to judge.
PLUGIN_SAN_ENV=()
if ldd "$PLUGIN_SO" 2>/dev/null | grep -q libasan; then
    PLUGIN_SAN_ENV=(
        LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
        ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1)
fi

# An empty extcap folder: the tests capture nothing live, and the extcap helpers Wireshark would
# start at every launch only cost time (and hang with the sanitizer runtimes preloaded).
mkdir -p "$PLUGIN_HOME/extcap"

wireshark_user() {
    # exec: run in the background, $! is the program's own pid (setpriv and env exec too)
    (cd "$PLUGIN_HOME" && exec "${PLUGIN_RUN_AS[@]}" env -u XDG_CONFIG_HOME HOME="$PLUGIN_HOME" \
        TMPDIR="$PLUGIN_HOME" WIRESHARK_EXTCAP_DIR="$PLUGIN_HOME/extcap" "${PLUGIN_SAN_ENV[@]}" "$@")
}

tshark_plugin() {
    wireshark_user tshark "$@"
}

# A path to FILE the test user can read: the file itself when it can, else a copy.
plugin_input() {
    local f=$1
    if [ "$(id -u)" = 0 ] && ! "${PLUGIN_RUN_AS[@]}" test -r "$f"; then
        local dst
        dst="$PLUGIN_HOME/in/$(basename "$f")"
        cp "$f" "$dst"
        chmod a+r "$dst"
        echo "$dst"
    else
        echo "$f"
    fi
}

# The public captures that carry TLS over TCP (the CLI reads them too: uncompressed copies for
# .gz files; frame numbers are the same).
plugin_tcp_captures() {
    local dir="$TLSA_SHARED/captures/wireshark" f base
    for f in "$dir"/*.pcap "$dir"/*.pcapng "$dir"/uncompressed/*.pcap "$dir"/uncompressed/*.pcapng; do
        [ -f "$f" ] || continue
        base=$(basename "$f")
        case "$base" in
        dtls* | *dtls* | quic* | wpa* | udt-*) continue ;; # UDP or EAP: not TCP
        esac
        echo "$f"
    done
}

PLUGIN_FAILS=0
pass() { echo "PASS: $*"; }
fail() {
    echo "FAIL: $*"
    PLUGIN_FAILS=$((PLUGIN_FAILS + 1))
}
skip() { echo "SKIP: $*"; }
plugin_finish() {
    if [ "$PLUGIN_FAILS" -ne 0 ]; then
        echo "$PLUGIN_FAILS check(s) failed"
        exit 1
    fi
    echo "all checks passed"
    exit 0
}

# ---- Comparing the plugin with the CLI ----
PLUGIN_PY=/usr/bin/python3
[ -x "$PLUGIN_PY" ] || PLUGIN_PY=python3

# cli_steps JSONL: "frame<TAB>msg,msg" per frame with steps, from the CLI's --format jsonl output.
cli_steps() {
    "$PLUGIN_PY" -c '
import json, sys
frames = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"): continue
    c = json.loads(line)
    if "steps" not in c: continue
    for s in c["steps"]:
        frames.setdefault(int(s["frame"]), []).append(s["message"])
for f in sorted(frames): print("%d\t%s" % (f, ",".join(frames[f])))
' "$1"
}

# plugin_steps FIELDS: the same from `tshark -T fields -e frame.number -e tlsaudit.message
# -E occurrence=a -E aggregator=,` output.
plugin_steps() {
    awk -F'\t' '$2 != "" { print $1 "\t" $2 }' "$1" | sort -n
}

# compare_findings JSONL FIELDS: FIELDS from `tshark -2 -T fields -e tlsaudit.conn
# -e tlsaudit.finding -E occurrence=a -E aggregator=,`. Prints differences; status 1 if any.
compare_findings() {
    "$PLUGIN_PY" -c '
import json, sys
cli = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"): continue
    c = json.loads(line)
    if "conn" not in c: continue
    cli[int(c["conn"])] = sorted(f["id"] for f in c.get("findings", []))
bad = 0
seen = set()
for line in open(sys.argv[2]):
    parts = line.rstrip("\n").split("\t")
    if not parts[0]: continue
    conns = [int(x) for x in parts[0].split(",")]
    got = sorted(x for x in (parts[1].split(",") if len(parts) > 1 else []) if x)
    want = sorted(sum((cli.get(k, ["<no such connection in the CLI output>"]) for k in conns), []))
    seen.update(conns)
    if got != want:
        bad = 1
        print("  conn %s: plugin %s, cli %s" % ("+".join(map(str, conns)), got, want))
for k in sorted(set(cli) - seen):
    bad = 1
    print("  conn %d: no summary from the plugin (cli findings %s)" % (k, cli[k]))
print("  %d connection(s) compared" % len(cli))
sys.exit(bad)
' "$1" "$2"
}
