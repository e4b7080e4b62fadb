#!/bin/bash
# The plugin loads into tshark 4.0, exports only the four plugin symbols, registers its protocol,
# fields, expert infos, preferences and the tlsaudit,tree statistic.
source "$(dirname "$0")/plugin_env.sh"

# (ASan builds add __odr_asan.* markers for exported globals: not our symbols.)
syms=$(nm -D --defined-only "$PLUGIN_SO" | awk '{print $3}' | grep -v '^__odr_asan' | sort | tr '\n' ' ')
if [ "$syms" = "plugin_register plugin_version plugin_want_major plugin_want_minor " ]; then
    pass "exports exactly the four plugin symbols"
else
    fail "exported symbols: $syms"
fi

out=$(tshark_plugin -G plugins 2>&1)
if grep -q "tlsaudit.so" <<< "$out"; then
    pass "tshark -G plugins lists tlsaudit.so"
else
    fail "tlsaudit.so not loaded:"
    echo "$out" | grep -iv "^$" | head -20
fi
if grep -qi "tlsaudit.*\(undefined symbol\|couldn't load\|not loaded\)" <<< "$out"; then
    fail "load error: $(grep -i tlsaudit <<< "$out" | head -3)"
fi

protos=$(tshark_plugin -G protocols 2>/dev/null)
if grep -qP '\ttlsaudit\t' <<< "$protos"; then pass "protocol tlsaudit registered"; else fail "protocol tlsaudit missing"; fi

fields=$(tshark_plugin -G fields 2>/dev/null)
for f in tlsaudit.step tlsaudit.who tlsaudit.message tlsaudit.encrypted tlsaudit.explain \
    tlsaudit.version tlsaudit.cipher tlsaudit.kex tlsaudit.sni tlsaudit.alpn tlsaudit.resumed \
    tlsaudit.complete tlsaudit.client_auth tlsaudit.cert.subject tlsaudit.cert.issuer \
    tlsaudit.cert.not_before tlsaudit.cert.not_after tlsaudit.cert.key tlsaudit.chain_verdict \
    tlsaudit.finding tlsaudit.severity tlsaudit.finding.title tlsaudit.finding.detail \
    tlsaudit.decrypted tlsaudit.keys; do
    if grep -qP "^F\t[^\t]*\t\Q$f\E\t" <<< "$fields"; then :; else fail "field $f not registered"; fi
done
[ "$PLUGIN_FAILS" -eq 0 ] && pass "fields checked ($(grep -cP '^F\t[^\t]*\ttlsaudit\.' <<< "$fields") tlsaudit.* fields)"

# One expert info per finding id ("tlsaudit.finding.<id>"; 4.0 lists expert infos in -G fields as
# FT_NONE items; their group, Security, is checked on samples with -z expert).
for id in cert.expired version.tls10 cipher.3des proto.incomplete kex.no_pq; do
    if grep -qP "^F\t[^\t]*\ttlsaudit\.finding\.\Q$id\E\tFT_NONE" <<< "$fields"; then :; else
        fail "expert info tlsaudit.finding.$id not registered"
    fi
done
n_ei=$(grep -cP '^F\t[^\t]*\ttlsaudit\.finding\.[a-z0-9_]+\.[a-z0-9_.]+\tFT_NONE' <<< "$fields")
if [ "$n_ei" -ge 40 ]; then pass "$n_ei expert infos tlsaudit.finding.*"; else fail "only $n_ei expert infos"; fi

prefs=$(tshark_plugin -G defaultprefs 2>/dev/null)
for p in tlsaudit.policy tlsaudit.ca_file tlsaudit.keylog_file tlsaudit.rsa_key_file \
    tlsaudit.rsa_key_password tlsaudit.expand_tree; do
    if grep -q "^#$p:" <<< "$prefs"; then :; else fail "preference $p not registered"; fi
done
pass "preferences checked"
# -o accepts them
cap=$(plugin_input "$TLSA_SHARED/captures/wireshark/tls12-aes256gcm.pcap")
if tshark_plugin -o tlsaudit.expand_tree:TRUE -o tlsaudit.policy:modern -r "$cap" -c 1 > /dev/null 2>&1; then
    pass "-o tlsaudit.expand_tree/-o tlsaudit.policy accepted"
else
    fail "-o tlsaudit.* rejected"
fi

if tshark_plugin -z help 2>&1 | grep -q "tlsaudit,tree"; then
    pass "-z tlsaudit,tree registered"
else
    fail "-z tlsaudit,tree missing"
fi

plugin_finish
