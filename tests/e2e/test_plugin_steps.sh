#!/bin/bash
# Over the public TCP captures and the samples: tshark with the plugin exits 0, shows the same
# handshake steps per frame in one pass and in two passes (-2), and the same steps per frame as
# the CLI (`tlsaudit --format jsonl`: steps[].frame/message).
source "$(dirname "$0")/plugin_env.sh"

work="$PLUGIN_HOME/steps"
mkdir -p "$work"
have_cli=1
if [ ! -x "$TLSA_CLI" ]; then
    have_cli=0
    skip "CLI $TLSA_CLI not built: no comparison with the CLI"
fi

captures=$(plugin_tcp_captures)
if [ -d "$TLSA_SRC/samples" ]; then
    captures="$captures
$(ls "$TLSA_SRC"/samples/*.pcap "$TLSA_SRC"/samples/*.pcapng 2>/dev/null)"
fi

# tshark exits 2 on a file cut short in the middle of a packet (samples/45-truncated-file.pcap):
# that is the file, not the plugin.
cut_short() {
    [ "$(grep -vc 'appears to have been cut short' "$1")" = 0 ]
}

n=0
total_steps=0
while IFS= read -r cap; do
    [ -n "$cap" ] || continue
    n=$((n + 1))
    name=$(basename "$cap")
    in=$(plugin_input "$cap")
    fields=(-T fields -e frame.number -e tlsaudit.message -E occurrence=a -E aggregator=,)
    # The CLI uses a pcapng file's Decryption Secrets Blocks by itself; Wireshark hands them only
    # to its TLS dissector, so the plugin is given the file as its key log.
    case "$name" in
    *.pcapng) fields+=(-o "tlsaudit.keylog_file:$in") ;;
    esac
    if ! tshark_plugin -n -r "$in" "${fields[@]}" > "$work/$name.1" 2> "$work/$name.1.err" &&
        ! cut_short "$work/$name.1.err"; then
        fail "$name: tshark (one pass) failed: $(head -3 "$work/$name.1.err")"
        continue
    fi
    if ! tshark_plugin -n -r "$in" -2 "${fields[@]}" > "$work/$name.2" 2> "$work/$name.2.err" &&
        ! cut_short "$work/$name.2.err"; then
        fail "$name: tshark -2 failed: $(head -3 "$work/$name.2.err")"
        continue
    fi
    if grep -qi "tlsaudit\|assert\|critical" "$work/$name.2.err"; then
        fail "$name: tshark warnings: $(head -3 "$work/$name.2.err")"
    fi
    plugin_steps "$work/$name.1" > "$work/$name.steps1"
    plugin_steps "$work/$name.2" > "$work/$name.steps2"
    if ! cmp -s "$work/$name.steps1" "$work/$name.steps2"; then
        fail "$name: one-pass and two-pass steps differ"
        diff "$work/$name.steps1" "$work/$name.steps2" | head -10
    fi
    total_steps=$((total_steps + $(tr ',' '\n' < "$work/$name.steps2" | grep -c .)))
    if [ "$have_cli" = 1 ]; then
        "$TLSA_CLI" --format jsonl "$cap" > "$work/$name.jsonl" 2> "$work/$name.cli.err" || true
        cli_steps "$work/$name.jsonl" > "$work/$name.cli"
        if ! cmp -s "$work/$name.cli" "$work/$name.steps2"; then
            fail "$name: steps differ from the CLI (< cli, > plugin)"
            diff "$work/$name.cli" "$work/$name.steps2" | head -10
        fi
    fi
done <<< "$captures"

# The other public captures (DTLS, QUIC, EAP-TLS, compressed originals): no crash, exit 0.
others=0
for cap in "$TLSA_SHARED"/captures/wireshark/*; do
    [ -f "$cap" ] || continue
    grep -qxF "$cap" <<< "$captures" && continue
    others=$((others + 1))
    in=$(plugin_input "$cap")
    if ! tshark_plugin -n -r "$in" -2 -q -z tlsaudit,tree > /dev/null 2> "$work/other.err"; then
        fail "$(basename "$cap"): tshark -2 -z tlsaudit,tree failed: $(head -3 "$work/other.err")"
    fi
done
[ "$PLUGIN_FAILS" -eq 0 ] && pass "$others other public captures: exit 0"

# Byte highlighting: a step item covers the message's bytes in this frame, as Wireshark's own
# tls.handshake item does (sample 04: ServerHello, Certificate, ServerKeyExchange, ServerHelloDone
# in one segment).
s04="$TLSA_SRC/samples/04-tls12-ecdhe-rsa.pcap"
if [ -f "$s04" ]; then
    in=$(plugin_input "$s04")
    pdml=$(tshark_plugin -n -r "$in" -2 -T pdml -Y "tlsaudit.message == \"ServerHelloDone\"" 2>/dev/null)
    ours=$(grep -o '<field name="tlsaudit.step"[^>]*' <<< "$pdml" | grep -o 'size="[0-9]*" pos="[0-9]*"' | sort)
    theirs=$(grep -o '<field name="tls.handshake" [^>]*' <<< "$pdml" | grep -o 'size="[0-9]*" pos="[0-9]*"' | sort)
    if [ -n "$ours" ] && [ "$ours" = "$theirs" ]; then
        pass "step items highlight the same bytes as tls.handshake ($(wc -l <<< "$ours") messages)"
    else
        fail "highlighting differs: ours [$ours] tls.handshake [$theirs]"
    fi
fi

[ "$PLUGIN_FAILS" -eq 0 ] && pass "$n captures: exit 0, one pass = two passes = CLI ($total_steps step lines)"
plugin_finish
