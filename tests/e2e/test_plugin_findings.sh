#!/bin/bash
# For every sample: the findings per connection from the plugin (tshark -2, on the frame that
# completed or ended each handshake) equal the CLI's (`tlsaudit --format jsonl`), with the same
# trust anchors (--ca-file samples/pki/ca.pem = -o tlsaudit.ca_file:...). Also: findings are
# expert infos in group Security (tshark -z expert), and -z tlsaudit,tree counts them.
source "$(dirname "$0")/plugin_env.sh"

samples=$(ls "$TLSA_SRC"/samples/*.pcap "$TLSA_SRC"/samples/*.pcapng 2>/dev/null)
if [ -z "$samples" ]; then
    echo "SKIP: no samples in $TLSA_SRC/samples"
    exit 0
fi
if [ ! -x "$TLSA_CLI" ]; then
    echo "SKIP: CLI $TLSA_CLI not built"
    exit 0
fi
ca="$TLSA_SRC/samples/pki/ca.pem"
ca_opt=()
cli_ca=()
if [ -f "$ca" ]; then
    ca_opt=(-o "tlsaudit.ca_file:$(plugin_input "$ca")")
    cli_ca=(--ca-file "$ca")
fi

work="$PLUGIN_HOME/findings"
mkdir -p "$work"
n=0
n_findings=0
while IFS= read -r cap; do
    [ -n "$cap" ] || continue
    n=$((n + 1))
    name=$(basename "$cap")
    in=$(plugin_input "$cap")
    "$TLSA_CLI" --format jsonl "${cli_ca[@]}" "$cap" > "$work/$name.jsonl" 2> "$work/$name.cli.err" || true
    dsb=()
    case "$name" in
    *.pcapng) dsb=(-o "tlsaudit.keylog_file:$in") ;; # the CLI uses embedded secrets by itself
    esac
    tshark_plugin -n -r "$in" -2 "${ca_opt[@]}" "${dsb[@]}" -Y tlsaudit.conn -T fields \
        -e tlsaudit.conn -e tlsaudit.finding -E occurrence=a -E aggregator=, \
        > "$work/$name.fields" 2> "$work/$name.err"
    rc=$?
    if [ "$rc" -ne 0 ] && [ "$(grep -vc 'appears to have been cut short' "$work/$name.err")" != 0 ]; then
        fail "$name: tshark -2 exit $rc: $(head -3 "$work/$name.err")"
        continue
    fi
    if ! out=$(compare_findings "$work/$name.jsonl" "$work/$name.fields"); then
        fail "$name: findings differ from the CLI"
        echo "$out"
    fi
    n_findings=$((n_findings + $(cut -f2 "$work/$name.fields" | tr ',' '\n' | grep -c .)))
done <<< "$samples"
[ "$PLUGIN_FAILS" -eq 0 ] && pass "$n samples: findings per connection equal the CLI's ($n_findings findings)"

# Expert infos: group Security, severity mapped (high → Error). Uses a sample with a high finding.
for s in 17-cert-expired 02-tls10 19-cert-self-signed; do
    cap="$TLSA_SRC/samples/$s.pcap"
    [ -f "$cap" ] || continue
    in=$(plugin_input "$cap")
    ex=$(tshark_plugin -n -q -r "$in" -2 "${ca_opt[@]}" -z expert,note 2>&1)
    if grep -q "Security" <<< "$ex" && grep -qi "Errors (" <<< "$ex"; then
        pass "$s: -z expert lists findings as Security errors"
    else
        fail "$s: -z expert has no Security errors:"
        echo "$ex" | head -20
    fi
    st=$(tshark_plugin -n -q -r "$in" -2 "${ca_opt[@]}" -z tlsaudit,tree 2>&1)
    if grep -q "Findings by severity" <<< "$st" && grep -q "TLS connections" <<< "$st"; then
        pass "$s: -z tlsaudit,tree"
    else
        fail "$s: -z tlsaudit,tree output unexpected:"
        echo "$st" | head -20
    fi
    tb=$(tshark_plugin -n -q -r "$in" -2 "${ca_opt[@]}" -z tlsaudit,table 2>&1)
    n_rows=$(grep -cE '^[0-9]+ \|' <<< "$tb")
    n_conns=$(grep -c '"conn"' "$work/$s.pcap.jsonl")
    if grep -q "TLS Audit Connections" <<< "$tb" && [ "$n_rows" = "$n_conns" ]; then
        pass "$s: -z tlsaudit,table has one row per connection ($n_rows)"
    else
        fail "$s: -z tlsaudit,table: $n_rows rows for $n_conns connections"
        echo "$tb" | head -20
    fi
    break
done

# Every step names its connection (tlsaudit.step.conn, set once the connection is reported): in
# a capture with many connections, a TCP stream's steps and summary carry the same index.
cap="$TLSA_SRC/samples/52-many-connections.pcap"
if [ -f "$cap" ]; then
    in=$(plugin_input "$cap")
    bad=$(tshark_plugin -n -r "$in" -2 -Y "tlsaudit.step or tlsaudit.conn" -T fields -e tcp.stream \
        -e tlsaudit.step.conn -e tlsaudit.conn -E occurrence=f 2>/dev/null |
        awk -F'\t' '{ if ($2 != "") s[$1] = s[$1] " " $2; if ($3 != "") c[$1] = $3 }
            END { for (k in s) { n = split(s[k], a, " "); for (i = 1; i <= n; i++)
                  if (!(k in c) || a[i] != c[k]) { print k; break } } }')
    if [ -z "$bad" ]; then
        pass "52-many-connections: tlsaudit.step.conn matches tlsaudit.conn per TCP stream"
    else
        fail "52-many-connections: step.conn differs from conn in streams $(echo $bad)"
    fi
fi

# tlsaudit.policy is the CLI's --policy: the same findings under the modern profile.
for s in 04-tls12-ecdhe-rsa 05-tls13 33-cipher-cbc; do
    cap="$TLSA_SRC/samples/$s.pcap"
    [ -f "$cap" ] || continue
    in=$(plugin_input "$cap")
    "$TLSA_CLI" --format jsonl --policy modern "${cli_ca[@]}" "$cap" > "$work/$s.modern.jsonl" 2> /dev/null || true
    tshark_plugin -n -r "$in" -2 "${ca_opt[@]}" -o tlsaudit.policy:modern -Y tlsaudit.conn \
        -T fields -e tlsaudit.conn -e tlsaudit.finding -E occurrence=a -E aggregator=, \
        > "$work/$s.modern.fields" 2> /dev/null
    if out=$(compare_findings "$work/$s.modern.jsonl" "$work/$s.modern.fields"); then
        pass "$s: -o tlsaudit.policy:modern = --policy modern ($(cut -f2 "$work/$s.modern.fields" | tr '\n' ' '))"
    else
        fail "$s: policy modern: findings differ from the CLI"
        echo "$out"
    fi
done

# Keys: tlsaudit.keylog_file is the CLI's --keylog (steps decrypted, Finished checked).
for s in 05-tls13 09-tls13-hrr 04-tls12-ecdhe-rsa; do
    cap="$TLSA_SRC/samples/$s.pcap"
    keys="$TLSA_SRC/samples/keys/$s.keys"
    [ -f "$cap" ] && [ -f "$keys" ] || continue
    in=$(plugin_input "$cap")
    kin=$(plugin_input "$keys")
    "$TLSA_CLI" --format jsonl --keylog "$keys" "${cli_ca[@]}" "$cap" > "$work/$s.keys.jsonl" 2> /dev/null || true
    tshark_plugin -n -r "$in" -2 "${ca_opt[@]}" -o "tlsaudit.keylog_file:$kin" -Y tlsaudit.conn \
        -T fields -e tlsaudit.conn -e tlsaudit.finding -E occurrence=a -E aggregator=, \
        > "$work/$s.keys.fields" 2> /dev/null
    tshark_plugin -n -r "$in" -2 -o "tlsaudit.keylog_file:$kin" -T fields -e frame.number \
        -e tlsaudit.message -E occurrence=a -E aggregator=, > "$work/$s.keys.steps" 2> /dev/null
    plugin_steps "$work/$s.keys.steps" > "$work/$s.keys.steps.p"
    cli_steps "$work/$s.keys.jsonl" > "$work/$s.keys.steps.c"
    keys_txt=$(tshark_plugin -n -r "$in" -2 -o "tlsaudit.keylog_file:$kin" -Y tlsaudit.keys \
        -T fields -e tlsaudit.keys 2> /dev/null | head -1)
    if out=$(compare_findings "$work/$s.keys.jsonl" "$work/$s.keys.fields") &&
        cmp -s "$work/$s.keys.steps.p" "$work/$s.keys.steps.c" && grep -q "decrypted" <<< "$keys_txt"; then
        pass "$s: -o tlsaudit.keylog_file = --keylog (steps and findings; $keys_txt)"
    else
        fail "$s: with keys the plugin differs from the CLI (keys: $keys_txt)"
        echo "$out"
        diff "$work/$s.keys.steps.c" "$work/$s.keys.steps.p" | head -10
    fi
    break
done

# tlsaudit.rsa_key_file is the CLI's --rsa-key (RSA key exchange: Finished decrypted and checked).
cap="$TLSA_SRC/samples/01-tls12-rsa.pcap"
key="$TLSA_SRC/samples/pki/server.key"
if [ -f "$cap" ] && [ -f "$key" ]; then
    in=$(plugin_input "$cap")
    kin=$(plugin_input "$key")
    "$TLSA_CLI" --format jsonl --rsa-key "$key" "${cli_ca[@]}" "$cap" > "$work/rsa.jsonl" 2> /dev/null || true
    tshark_plugin -n -r "$in" -2 "${ca_opt[@]}" -o "tlsaudit.rsa_key_file:$kin" -Y tlsaudit.conn \
        -T fields -e tlsaudit.conn -e tlsaudit.finding -E occurrence=a -E aggregator=, \
        > "$work/rsa.fields" 2> /dev/null
    keys_txt=$(tshark_plugin -n -r "$in" -2 -o "tlsaudit.rsa_key_file:$kin" -Y tlsaudit.keys \
        -T fields -e tlsaudit.keys 2> /dev/null | head -1)
    if out=$(compare_findings "$work/rsa.jsonl" "$work/rsa.fields") &&
        grep -q "handshake decrypted; Finished client verified, server verified" <<< "$keys_txt"; then
        pass "01-tls12-rsa: -o tlsaudit.rsa_key_file = --rsa-key ($keys_txt)"
    else
        fail "01-tls12-rsa: with the RSA key the plugin differs from the CLI (keys: $keys_txt)"
        echo "$out"
    fi
fi

# A trust store that cannot be loaded: an expert info says so and the audit falls back to the
# defaults (findings still shown).
cap="$TLSA_SHARED/captures/wireshark/tls12-aes256gcm.pcap"
if [ -f "$cap" ]; then
    in=$(plugin_input "$cap")
    v=$(tshark_plugin -n -r "$in" -2 -o tlsaudit.ca_file:/nonexistent/ca.pem -Y tlsaudit.conn -V 2>/dev/null)
    if grep -q "tlsaudit preferences could not be applied: .*nonexistent/ca.pem" <<< "$v" &&
        grep -q "Finding: " <<< "$v"; then
        pass "unreadable tlsaudit.ca_file: expert info shown, audit falls back to the defaults"
    else
        fail "unreadable tlsaudit.ca_file not reported:"
        echo "$v" | sed -n '/TLS Handshake Audit/,$p' | head -20
    fi
fi

plugin_finish
