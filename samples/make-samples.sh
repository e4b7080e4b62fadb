#!/usr/bin/env bash
# make-samples.sh: regenerate the tlsaudit sample captures from real TLS stacks.
#
#   sudo bash samples/make-samples.sh
#
# Creates samples/pki (test PKI with fixed dates), records every scenario inside a
# private network namespace with tcpdump on lo (OpenSSL s_server/s_client, GnuTLS
# gnutls-serv/gnutls-cli, Python ssl for STARTTLS), shifts each capture so that its
# first packet is at 2026-06-01T12:00:00Z, and writes samples/NN-name.pcap,
# samples/keys/NN-name.keys, samples/expected/NN-name.json and samples/README.md.
# Idempotent: wipes and recreates all of its outputs. A failing scenario stops the
# script with a message naming it.
set -Eeuo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ -z "${TLSAUDIT_SAMPLES_NETNS:-}" ]; then
    [ "$(id -u)" -eq 0 ] || { echo "make-samples.sh: run as root (needs unshare -n and tcpdump)" >&2; exit 2; }
    for t in openssl gnutls-serv gnutls-cli tcpdump tshark editcap python3 unshare ip ss timeout; do
        command -v "$t" >/dev/null || { echo "make-samples.sh: missing tool: $t" >&2; exit 2; }
    done
    export TLSAUDIT_SAMPLES_NETNS=1
    exec unshare -n -- bash "$HERE/make-samples.sh" "$@"
fi

START_TIME=$(date +%s)
ip link set lo up

PKI=$HERE/pki
KEYS=$HERE/keys
EXP=$HERE/expected
LIBDIR=$HERE/lib
PCAPTOOL="python3 $LIBDIR/pcaptool.py"
WORK=$(mktemp -d /tmp/tlsaudit-samples.XXXXXX)
WWW=$WORK/www
LOG=$WORK/log
mkdir -p "$WWW" "$LOG"
# 2026-06-01T12:00:00Z: every capture is shifted so that its first packet is here.
T0=1780315200
CUR=""
PIDS=()
TCPDUMP_PID=""

cleanup() {
    local p
    for p in "${PIDS[@]}" $TCPDUMP_PID; do
        kill "$p" 2>/dev/null || true
    done
    ip link set lo mtu 65536 2>/dev/null || true
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

die() {
    echo "make-samples.sh: FAILED in scenario '${CUR:-setup}': $*" >&2
    local f
    for f in "$LOG"/*; do
        [ -s "$f" ] || continue
        echo "---- $(basename "$f") (last lines)" >&2
        tail -n 15 "$f" >&2
    done
    exit 1
}
trap 'die "command failed at line $LINENO: $BASH_COMMAND"' ERR

log() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------------------
# 1. PKI with fixed dates
# ---------------------------------------------------------------------------
make_pki() {
    CUR=pki
    rm -rf "$PKI"
    mkdir -p "$PKI/db"
    cat > "$PKI/db/ca.cnf" <<'EOF'
[ ca ]
default_ca = CA_default
[ CA_default ]
dir           = $ENV::CADIR
database      = $dir/index.txt
new_certs_dir = $dir/new
serial        = $dir/serial
default_md    = sha256
policy        = policy_any
unique_subject = no
copy_extensions = none
email_in_dn   = no
[ policy_any ]
commonName    = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_root ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ v3_int ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
[ leaf_ec ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
[ leaf_nosan ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ leaf_ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyEncipherment,keyCertSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
[ leaf_clientonly ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
[ client ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
EOF
    local serial=4096
    # newkey NAME TYPE: TYPE = rsa2048 | rsa1024 | ec
    newkey() {
        case $2 in
            rsa2048) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$PKI/$1.key" 2>/dev/null ;;
            rsa1024) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$PKI/$1.key" 2>/dev/null ;;
            ec)      openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI/$1.key" 2>/dev/null ;;
        esac
    }
    # issue NAME ISSUER KEYTYPE "CN" START END EXT SAN [MD]
    # ISSUER "self" = self-signed. Dates are YYYYMMDDHHMMSSZ.
    issue() {
        local name=$1 issuer=$2 ktype=$3 cn=$4 start=$5 end=$6 ext=$7 san=$8 md=${9:-sha256}
        newkey "$name" "$ktype"
        CADIR=$PKI/db SAN=DNS:unused openssl req -new -key "$PKI/$name.key" -subj "/CN=$cn" -config "$PKI/db/ca.cnf" \
            -out "$PKI/db/$name.csr"
        local cadir=$PKI/db/$name-ca
        [ "$issuer" = self ] || cadir=$PKI/db/$issuer-ca
        if [ ! -d "$cadir" ]; then
            mkdir -p "$cadir/new"; : > "$cadir/index.txt"
        fi
        serial=$((serial + 1))
        printf '%X\n' "$serial" > "$cadir/serial"
        local signer=(-cert "$PKI/$issuer.pem" -keyfile "$PKI/$issuer.key")
        [ "$issuer" = self ] && signer=(-selfsign -keyfile "$PKI/$name.key")
        CADIR=$cadir SAN=${san:-DNS:unused} openssl ca -batch -notext -preserveDN -config "$PKI/db/ca.cnf" \
            "${signer[@]}" -in "$PKI/db/$name.csr" -out "$PKI/$name.pem" \
            -startdate "$start" -enddate "$end" -extensions "$ext" -md "$md" >"$LOG/openssl-ca.log" 2>&1 \
            || die "openssl ca failed for $name"
        mkdir -p "$PKI/$name-ca" 2>/dev/null; rmdir "$PKI/$name-ca"
    }
    local V0=20260501000000Z V1=20261001000000Z
    issue root   self     rsa2048 "tlsaudit Test Root CA"         20260101000000Z 20360101000000Z v3_root ""
    issue int    root     rsa2048 "tlsaudit Test Intermediate CA" 20260101000000Z 20310101000000Z v3_int ""
    issue other  self     rsa2048 "tlsaudit Other Root CA"        20260101000000Z 20360101000000Z v3_root ""
    issue int-a  root     rsa2048 "tlsaudit Test Intermediate A"  20260101000000Z 20310101000000Z v3_int ""
    issue int-b  int-a    rsa2048 "tlsaudit Test Intermediate B"  20260101000000Z 20310101000000Z v3_int ""
    issue int-c  int-b    rsa2048 "tlsaudit Test Intermediate C"  20260101000000Z 20310101000000Z v3_int ""
    issue server     int   rsa2048 server.tlsaudit.test      $V0 $V1 leaf      DNS:server.tlsaudit.test
    issue ecdsa      int   ec      ecdsa.tlsaudit.test       $V0 $V1 leaf_ec   DNS:ecdsa.tlsaudit.test
    issue mail       int   rsa2048 mail.tlsaudit.test        $V0 $V1 leaf      DNS:mail.tlsaudit.test
    issue client     int   rsa2048 client.tlsaudit.test      $V0 $V1 client    DNS:client.tlsaudit.test
    issue expired    int   rsa2048 expired.tlsaudit.test     20260101000000Z 20260515000000Z leaf DNS:expired.tlsaudit.test
    issue notyet     int   rsa2048 notyet.tlsaudit.test      20260701000000Z 20261201000000Z leaf DNS:notyet.tlsaudit.test
    issue selfsigned self  rsa2048 selfsigned.tlsaudit.test  $V0 $V1 leaf      DNS:selfsigned.tlsaudit.test
    issue wild       int   rsa2048 "*.wild.tlsaudit.test"    $V0 $V1 leaf      "DNS:*.wild.tlsaudit.test"
    issue unknownca  other rsa2048 unknownca.tlsaudit.test   $V0 $V1 leaf      DNS:unknownca.tlsaudit.test
    issue weakkey    int   rsa1024 weakkey.tlsaudit.test     $V0 $V1 leaf      DNS:weakkey.tlsaudit.test
    issue sha1       int   rsa2048 sha1.tlsaudit.test        $V0 $V1 leaf      DNS:sha1.tlsaudit.test sha1
    issue longlife   int   rsa2048 longlife.tlsaudit.test    $V0 20270501000000Z leaf DNS:longlife.tlsaudit.test
    issue nosan      int   rsa2048 nosan.tlsaudit.test       $V0 $V1 leaf_nosan ""
    issue leafca     int   rsa2048 leafca.tlsaudit.test      $V0 $V1 leaf_ca   DNS:leafca.tlsaudit.test
    issue clientonly int   rsa2048 clientonly.tlsaudit.test  $V0 $V1 leaf_clientonly DNS:clientonly.tlsaudit.test
    issue soon       int   rsa2048 soon.tlsaudit.test        20260415000000Z 20260615000000Z leaf DNS:soon.tlsaudit.test
    issue longchain  int-c rsa2048 longchain.tlsaudit.test   $V0 $V1 leaf      DNS:longchain.tlsaudit.test

    cp "$PKI/root.pem" "$PKI/ca.pem"
    # chains as the servers send them (leaf first)
    local n
    for n in server ecdsa mail client soon expired notyet wild weakkey sha1 longlife nosan leafca clientonly; do
        cat "$PKI/$n.pem" "$PKI/int.pem" > "$PKI/$n-chain.pem"
        cp "$PKI/int.pem" "$PKI/$n-inter.pem"
    done
    cat "$PKI/int-c.pem" "$PKI/int-b.pem" "$PKI/int-a.pem" > "$PKI/longchain-inter.pem"
    cat "$PKI/longchain.pem" "$PKI/int-c.pem" "$PKI/int-b.pem" "$PKI/int-a.pem" > "$PKI/longchain-chain.pem"
    cp "$PKI/selfsigned.pem" "$PKI/selfsigned-chain.pem"
    cp "$PKI/unknownca.pem" "$PKI/unknownca-chain.pem"
    cp "$PKI/server.pem" "$PKI/server-leafonly.pem"
    rm -rf "$PKI/db"

    # DH groups: RFC 2409 group 2 (1024-bit MODP, "Oakley group 2") and RFC 7919 ffdhe2048
    python3 "$LIBDIR/dhparams.py" modp1024 > "$PKI/dh1024.pem"
    openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out "$PKI/dh2048.pem" 2>/dev/null
    # sanity: the valid chain verifies against the root
    openssl verify -CAfile "$PKI/ca.pem" -untrusted "$PKI/int.pem" -attime $((T0)) -purpose sslserver \
        "$PKI/server.pem" >/dev/null || die "server certificate does not verify"
    log "pki: done"
}

# ---------------------------------------------------------------------------
# 2. capture helpers
# ---------------------------------------------------------------------------
# begin NN-name [extra tcpdump args...] (default: -i lo)
begin() {
    CUR=$1; shift
    rm -f "$LOG"/*
    local args=("$@")
    [ ${#args[@]} -gt 0 ] || args=(-i lo)
    RAW=$WORK/$CUR.raw.pcap
    tcpdump -n -U --immediate-mode "${args[@]}" -w "$RAW" >"$LOG/tcpdump.log" 2>&1 &
    TCPDUMP_PID=$!
    local i
    for i in $(seq 100); do
        grep -q 'listening on' "$LOG/tcpdump.log" && return 0
        kill -0 "$TCPDUMP_PID" 2>/dev/null || die "tcpdump did not start"
        sleep 0.05
    done
    die "tcpdump did not start listening"
}

# end [postprocess-function]: stop the capture, normalise the timestamps, write samples/$CUR.pcap
end() {
    # a marker datagram goes out last; once tcpdump has written it, every earlier packet is
    # in the file too (a fixed sleep loses the last packets when the machine is busy)
    local i ok=""
    echo TLSAUDIT-END-OF-CAPTURE > /dev/udp/127.0.0.1/9 || true
    for i in $(seq 200); do
        if $PCAPTOOL has-marker "$RAW"; then ok=1; break; fi
        sleep 0.05
    done
    [ -n "$ok" ] || die "tcpdump did not see the end-of-capture marker"
    kill -INT "$TCPDUMP_PID"
    wait "$TCPDUMP_PID" || true
    TCPDUMP_PID=""
    $PCAPTOOL drop-marker "$RAW" "$RAW.m"
    mv "$RAW.m" "$RAW"
    [ -s "$RAW" ] || die "empty capture"
    if [ $# -gt 0 ]; then
        "$@"
    fi
    normalise "$RAW" "$HERE/$CUR.pcap"
    log "$CUR: $(tshark -r "$HERE/$CUR.pcap" 2>/dev/null | wc -l) packets"
}

normalise() {
    local in=$1 out=$2 first delta
    first=$($PCAPTOOL firstts "$in")
    delta=$(python3 -c "from decimal import Decimal as D; print(D('$T0') - D('$first'))")
    editcap -F pcap -t "$delta" "$in" "$out"
    local got
    got=$($PCAPTOOL firstts "$out")
    [ "$got" = "$T0.000000" ] || die "timestamp normalisation gave $got"
}

wait_listen() { # PORT
    local i
    for i in $(seq 200); do
        ss -Hltn "sport = :$1" | grep -q . && return 0
        sleep 0.025
    done
    die "nothing listening on port $1"
}

# s_server in the www dir, serving /hello.txt over HTTP. srv_ossl PORT NACCEPT args...
srv_ossl() {
    local port=$1 n=$2; shift 2
    (cd "$WWW" && exec timeout 30 openssl s_server -accept "$port" -naccept "$n" -HTTP -quiet "$@") \
        >"$LOG/s_server.log" 2>&1 &
    SRV_PID=$!
    PIDS+=("$SRV_PID")
    wait_listen "$port"
}

# gnutls-serv --http. srv_gnutls PORT args...
srv_gnutls() {
    local port=$1; shift
    timeout 60 gnutls-serv --http --httpdata="$WWW/hello.txt" -p "$port" -a "$@" >"$LOG/gnutls-serv.log" 2>&1 &
    SRV_PID=$!
    PIDS+=("$SRV_PID")
    wait_listen "$port"
}

# wait for the s_server (which exits after -naccept connections) or stop gnutls-serv
wait_srv() {
    local rc=0
    wait "$SRV_PID" || rc=$?
    [ "$rc" -eq 0 ] || die "server exited with $rc"
}
stop_srv() {
    sleep 0.1
    kill "$SRV_PID" 2>/dev/null || true
    wait "$SRV_PID" 2>/dev/null || true
}

req() { printf 'GET /hello.txt HTTP/1.0\r\nHost: %s\r\n\r\n' "${1:-server.tlsaudit.test}"; }

# cli_ossl PORT args... : one HTTP request, must get the response back
cli_ossl() {
    local port=$1; shift
    local host=${CONNECT_HOST:-127.0.0.1}
    req | timeout 15 openssl s_client -connect "$host:$port" -quiet -keylogfile "$KEYS/$CUR.keys" "$@" \
        >"$LOG/s_client.out" 2>"$LOG/s_client.err" || die "s_client failed"
    grep -q 'hello from tlsaudit' "$LOG/s_client.out" || die "s_client got no response"
}

# cli_gnutls PORT args... (SNI with --sni-hostname)
cli_gnutls() {
    local port=$1; shift
    { req; sleep 0.5; } | SSLKEYLOGFILE="$KEYS/$CUR.keys" timeout 15 gnutls-cli -p "$port" "$@" 127.0.0.1 \
        >"$LOG/gnutls-cli.out" 2>"$LOG/gnutls-cli.err" || die "gnutls-cli failed"
    grep -q 'hello from tlsaudit' "$LOG/gnutls-cli.out" || die "gnutls-cli got no response"
}

CA=(-CAfile "$PKI/ca.pem" -attime "$T0")
SEC0='DEFAULT:@SECLEVEL=0'

# one standard TLS 1.2 ECDHE-RSA connection to an s_server with chain NAME and SNI
cert_case() { # PORT CERTNAME SNI [extra server args] -- [extra client args]
    local port=$1 name=$2 sni=$3; shift 3
    local sargs=() cargs=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do sargs+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    cargs=("$@")
    begin "$CUR"
    local chain=()
    [ -s "$PKI/$name-inter.pem" ] && chain=(-cert_chain "$PKI/$name-inter.pem")
    srv_ossl "$port" 1 -cert "$PKI/$name.pem" "${chain[@]}" -key "$PKI/$name.key" "${sargs[@]}"
    cli_ossl "$port" -tls1_2 -servername "$sni" "${CA[@]}" "${cargs[@]}"
    wait_srv
    end
}

# ---------------------------------------------------------------------------
# 3. scenarios
# ---------------------------------------------------------------------------
S_CHAIN=(-cert "$PKI/server.pem" -cert_chain "$PKI/int.pem" -key "$PKI/server.key")
G_CHAIN=(--x509certfile="$PKI/server-chain.pem" --x509keyfile="$PKI/server.key")
SNI=server.tlsaudit.test

s01() {
    CUR=01-tls12-rsa; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}" -tls1_2 -cipher AES128-GCM-SHA256
    cli_ossl 4433 -tls1_2 -cipher AES128-GCM-SHA256 -servername $SNI "${CA[@]}"
    wait_srv; end
    cp "$PKI/server.key" "$KEYS/$CUR.server.key"
}
s02() {
    CUR=02-tls10; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}" -tls1 -cipher "$SEC0"
    cli_ossl 4433 -tls1 -cipher "$SEC0" -servername $SNI "${CA[@]}"
    wait_srv; end
}
s03() {
    CUR=03-tls11; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}" -tls1_1 -cipher "$SEC0"
    cli_ossl 4433 -tls1_1 -cipher "$SEC0" -servername $SNI "${CA[@]}"
    wait_srv; end
}
s04() {
    CUR=04-tls12-ecdhe-rsa; begin "$CUR"
    srv_gnutls 8443 "${G_CHAIN[@]}" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
    cli_gnutls 8443 --insecure --sni-hostname=$SNI --verify-hostname=$SNI \
        --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
    stop_srv; end
}
s05() {
    CUR=05-tls13; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}"
    cli_ossl 4433 -tls1_3 -servername $SNI "${CA[@]}"
    wait_srv; end
}
s06() {
    CUR=06-tls12-ecdhe-ecdsa; begin "$CUR"
    srv_gnutls 8443 --x509certfile="$PKI/ecdsa-chain.pem" --x509keyfile="$PKI/ecdsa.key" \
        --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
    cli_gnutls 8443 --insecure --sni-hostname=ecdsa.tlsaudit.test \
        --verify-hostname=ecdsa.tlsaudit.test --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
    stop_srv; end
}
s07() {
    CUR=07-tls12-dhe1024; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}" -tls1_2 -dhparam "$PKI/dh1024.pem" -cipher 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0'
    cli_ossl 4433 -tls1_2 -cipher 'DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0' -servername $SNI "${CA[@]}"
    wait_srv; end
}
s08() {
    CUR=08-tls12-dhe2048; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}" -tls1_2 -dhparam "$PKI/dh2048.pem" -cipher 'DHE-RSA-AES128-GCM-SHA256'
    cli_ossl 4433 -tls1_2 -cipher 'DHE-RSA-AES128-GCM-SHA256' -servername $SNI "${CA[@]}"
    wait_srv; end
}
s09() {
    CUR=09-tls13-hrr; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}" -groups P-256
    cli_ossl 4433 -tls1_3 -groups X25519:P-256 -servername $SNI "${CA[@]}"
    wait_srv; end
}
s10() {
    CUR=10-tls13-psk-resume; begin "$CUR"
    srv_ossl 4433 2 "${S_CHAIN[@]}"
    cli_ossl 4433 -tls1_3 -servername $SNI "${CA[@]}" -sess_out "$WORK/sess13"
    cli_ossl 4433 -tls1_3 -servername $SNI "${CA[@]}" -sess_in "$WORK/sess13"
    grep -q Reused "$LOG/s_client.err" || true
    wait_srv; end
}
s11() {
    # s_server cannot combine -early_data with -HTTP: plain mode, the server prints what it gets
    CUR=11-tls13-0rtt; begin "$CUR"
    (cd "$WWW" && exec timeout 30 openssl s_server -accept 4433 -naccept 2 -early_data "${S_CHAIN[@]}" \
        < <(sleep 20)) >"$LOG/s_server.log" 2>&1 &
    SRV_PID=$!; PIDS+=("$SRV_PID"); wait_listen 4433
    { sleep 0.5; req; sleep 0.3; } | timeout 15 openssl s_client -connect 127.0.0.1:4433 -no_ign_eof \
        -keylogfile "$KEYS/$CUR.keys" -tls1_3 -servername $SNI "${CA[@]}" -sess_out "$WORK/sess0rtt" \
        >"$LOG/s_client.out" 2>"$LOG/s_client.err" || die "s_client (first) failed"
    [ -s "$WORK/sess0rtt" ] || die "no session saved"
    req > "$WORK/early.txt"
    { sleep 0.5; printf 'after the handshake\r\n'; sleep 0.3; } | timeout 15 openssl s_client -connect 127.0.0.1:4433 \
        -no_ign_eof -keylogfile "$KEYS/$CUR.keys" -tls1_3 -servername $SNI "${CA[@]}" -sess_in "$WORK/sess0rtt" \
        -early_data "$WORK/early.txt" >"$LOG/s_client.out" 2>"$LOG/s_client.err" || die "s_client (0-RTT) failed"
    wait_srv
    grep -q 'Early data received' "$LOG/s_server.log" || die "server did not accept early data"
    end
}
s12() {
    CUR=12-tls12-mtls; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}" -Verify 1 "${CA[@]}"
    cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}" -cert "$PKI/client.pem" -cert_chain "$PKI/int.pem" -key "$PKI/client.key"
    wait_srv; end
}
s13() {
    CUR=13-tls13-mtls; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}" -Verify 1 "${CA[@]}"
    cli_ossl 4433 -tls1_3 -servername $SNI "${CA[@]}" -cert "$PKI/client.pem" -cert_chain "$PKI/int.pem" -key "$PKI/client.key"
    wait_srv; end
}
s14() {
    CUR=14-tls12-resume-sessid; begin "$CUR"
    srv_ossl 4433 2 "${S_CHAIN[@]}" -no_ticket
    cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}" -sess_out "$WORK/sess12a"
    cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}" -sess_in "$WORK/sess12a"
    grep -q 'Reused' "$LOG/s_client.err" || true
    wait_srv; end
}
s15() {
    CUR=15-tls12-resume-ticket; begin "$CUR"
    srv_ossl 4433 2 "${S_CHAIN[@]}"
    cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}" -sess_out "$WORK/sess12b"
    cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}" -sess_in "$WORK/sess12b"
    wait_srv; end
}
s16() {
    CUR=16-tls12-reneg; begin "$CUR"
    srv_gnutls 8443 "${G_CHAIN[@]}" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
    cli_gnutls 8443 --insecure --sni-hostname=$SNI --verify-hostname=$SNI \
        --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' --rehandshake
    stop_srv; end
}

s_certs() {
    CUR=17-cert-expired;       cert_case 4433 expired expired.tlsaudit.test
    CUR=18-cert-not-yet-valid; cert_case 4433 notyet notyet.tlsaudit.test
    CUR=19-cert-self-signed;   cert_case 4433 selfsigned selfsigned.tlsaudit.test
    CUR=20-cert-wrong-host;    cert_case 4433 server www.example.tlsaudit.test
    CUR=21-cert-wildcard-ok;   cert_case 4433 wild a.wild.tlsaudit.test
    CUR=22-cert-wildcard-bad;  cert_case 4433 wild x.y.wild.tlsaudit.test
    CUR=23-cert-no-intermediate; begin "$CUR"
    srv_ossl 4433 1 -cert "$PKI/server-leafonly.pem" -key "$PKI/server.key"
    cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}"
    wait_srv; end
    CUR=24-cert-unknown-root;  cert_case 4433 unknownca unknownca.tlsaudit.test
    CUR=25-cert-rsa1024;       cert_case 4433 weakkey weakkey.tlsaudit.test -cipher "$SEC0" -- -cipher "$SEC0"
    CUR=26-cert-sha1;          cert_case 4433 sha1 sha1.tlsaudit.test -cipher "$SEC0" -- -cipher "$SEC0"
    CUR=27-cert-too-long;      cert_case 4433 longlife longlife.tlsaudit.test
    CUR=28-cert-no-san;        cert_case 4433 nosan nosan.tlsaudit.test
    CUR=29-cert-leaf-is-ca;    cert_case 4433 leafca leafca.tlsaudit.test
    CUR=30-cert-eku-client;    cert_case 4433 clientonly clientonly.tlsaudit.test
    CUR=31-cert-long-chain;    cert_case 4433 longchain longchain.tlsaudit.test
}

s32() {
    CUR=32-cipher-3des; begin "$CUR"
    srv_gnutls 8443 "${G_CHAIN[@]}" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:+3DES-CBC'
    cli_gnutls 8443 --insecure --sni-hostname=$SNI --verify-hostname=$SNI \
        --priority 'NONE:+VERS-TLS1.2:+3DES-CBC:+SHA1:+ECDHE-RSA:+COMP-NULL:+SIGN-ALL:+GROUP-ALL:+CTYPE-X509'
    stop_srv; end
}
s33() {
    CUR=33-cipher-cbc; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}"
    cli_ossl 4433 -tls1_2 -cipher ECDHE-RSA-AES128-SHA -servername $SNI "${CA[@]}"
    wait_srv; end
}
s34() {
    CUR=34-cipher-null; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}" -cipher 'NULL-SHA256:@SECLEVEL=0'
    cli_ossl 4433 -tls1_2 -cipher 'NULL-SHA256:@SECLEVEL=0' -servername $SNI "${CA[@]}"
    wait_srv; end
}
s35() {
    CUR=35-cipher-anon; begin "$CUR"
    srv_ossl 4433 1 -nocert -dhparam "$PKI/dh2048.pem" -cipher 'ADH-AES128-GCM-SHA256:@SECLEVEL=0'
    cli_ossl 4433 -tls1_2 -cipher 'ADH-AES128-GCM-SHA256:@SECLEVEL=0' -servername $SNI
    wait_srv; end
}
s36() {
    CUR=36-alert-unknown-ca; begin "$CUR"
    srv_ossl 4433 1 -cert "$PKI/unknownca.pem" -key "$PKI/unknownca.key"
    if req | timeout 15 openssl s_client -connect 127.0.0.1:4433 -quiet -tls1_2 -keylogfile "$KEYS/$CUR.keys" \
        -servername unknownca.tlsaudit.test "${CA[@]}" -verify_return_error >"$LOG/s_client.out" 2>"$LOG/s_client.err"; then
        die "client accepted an untrusted certificate"
    fi
    grep -q 'unable to get local issuer\|unknown ca\|self.signed\|verify error' "$LOG/s_client.err" \
        || die "client failed for another reason"
    wait "$SRV_PID" || true
    end
}
cut_after_server_flight() {
    # keep packets up to and including the first server→client packet carrying TLS (ServerHello flight)
    local n
    n=$(tshark -r "$RAW" -Y 'tls.handshake.type == 2' -T fields -e frame.number 2>/dev/null | head -1)
    [ -n "$n" ] || die "no ServerHello to cut after"
    editcap -F pcap -r "$RAW" "$RAW.cut" "1-$n"
    mv "$RAW.cut" "$RAW"
}
s37() {
    CUR=37-cut-after-serverhello; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}"
    cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}"
    wait_srv; end cut_after_server_flight
}
s38() {
    CUR=38-no-sni; begin "$CUR"
    srv_ossl 443 1 "${S_CHAIN[@]}"
    cli_ossl 443 -tls1_2 -noservername "${CA[@]}"
    wait_srv; end
}
s39() {
    CUR=39-alpn; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}" -alpn http/1.1
    cli_ossl 4433 -tls1_2 -alpn h2,http/1.1 -servername $SNI "${CA[@]}"
    wait_srv; end
}
s40() {
    CUR=40-tls13-gnutls-443; begin "$CUR"
    srv_gnutls 443 "${G_CHAIN[@]}"
    cli_gnutls 443 --insecure --sni-hostname=$SNI --verify-hostname=$SNI
    stop_srv; end
}
s41() {
    CUR=41-starttls-smtp; begin "$CUR"
    timeout 30 python3 "$LIBDIR/smtp_starttls.py" 25 "$PKI/mail-chain.pem" "$PKI/mail.key" >"$LOG/smtp.log" 2>&1 &
    SRV_PID=$!; PIDS+=("$SRV_PID")
    wait_listen 25
    printf 'EHLO client.tlsaudit.test\r\nQUIT\r\n' | timeout 15 openssl s_client -connect 127.0.0.1:25 -starttls smtp \
        -quiet -keylogfile "$KEYS/$CUR.keys" -servername mail.tlsaudit.test "${CA[@]}" -crlf \
        >"$LOG/s_client.out" 2>"$LOG/s_client.err" || die "s_client starttls failed"
    grep -q '221' "$LOG/s_client.out" || die "no SMTP reply over TLS"
    wait_srv; end
}
s42() {
    CUR=42-frag-small-mtu; begin "$CUR"
    ip link set lo mtu 576
    python3 "$LIBDIR/nooffload.py" lo off || die "cannot switch off TSO/GSO on lo"
    srv_ossl 4433 1 -cert "$PKI/longchain.pem" -cert_chain "$PKI/longchain-inter.pem" -key "$PKI/longchain.key" -max_send_frag 512
    cli_ossl 4433 -tls1_2 -servername longchain.tlsaudit.test "${CA[@]}"
    wait_srv; end
    ip link set lo mtu 65536
    python3 "$LIBDIR/nooffload.py" lo on
    # an MTU below 1280 removes IPv6 from the interface: put ::1 back
    ip -6 addr show dev lo | grep -q '::1/128' || ip -6 addr add ::1/128 dev lo
}
s43() {
    # post-processed copy of 42: segments out of order and retransmitted
    CUR=43-reorder-retrans
    $PCAPTOOL reorder "$HERE/42-frag-small-mtu.pcap" "$HERE/$CUR.pcap"
    cp "$KEYS/42-frag-small-mtu.keys" "$KEYS/$CUR.keys"
    log "$CUR: $(tshark -r "$HERE/$CUR.pcap" 2>/dev/null | wc -l) packets"
}
drop_tcp_handshake() {
    # start the capture with the ClientHello: SYN, SYN/ACK and ACK are gone
    local n
    n=$(tshark -r "$RAW" -Y 'tls.handshake.type == 1' -T fields -e frame.number 2>/dev/null | head -1)
    [ -n "$n" ] && [ "$n" -gt 1 ] || die "no ClientHello"
    editcap -F pcap "$RAW" "$RAW.cut" "1-$((n - 1))"
    mv "$RAW.cut" "$RAW"
}
s44() {
    CUR=44-midstream; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}"
    cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}"
    wait_srv; end drop_tcp_handshake
}
s45() {
    CUR=45-truncated-file; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}"
    cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}"
    wait_srv; end
    # cut the last packet in half: the file ends mid-packet
    local size
    size=$(stat -c %s "$HERE/$CUR.pcap")
    $PCAPTOOL head-bytes "$HERE/$CUR.pcap" "$WORK/trunc.pcap" $((size - 40))
    mv "$WORK/trunc.pcap" "$HERE/$CUR.pcap"
}
s46() {
    CUR=46-snaplen-200; begin "$CUR" -i lo -s 200
    srv_ossl 4433 1 "${S_CHAIN[@]}"
    cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}"
    wait_srv; end
}
s47() {
    CUR=47-ipv6; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}" -6
    CONNECT_HOST='[::1]' cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}"
    wait_srv; end
}
s48() {
    CUR=48-linux-sll; begin "$CUR" -i any -y LINUX_SLL
    srv_ossl 4433 1 "${S_CHAIN[@]}"
    cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}"
    wait_srv; end
}
s49() {
    CUR=49-linux-sll2; begin "$CUR" -i any -y LINUX_SLL2
    srv_ossl 4433 1 "${S_CHAIN[@]}"
    cli_ossl 4433 -tls1_3 -servername $SNI "${CA[@]}"
    wait_srv; end
}
add_vlan() {
    $PCAPTOOL vlan "$RAW" "$RAW.vlan" 100
    mv "$RAW.vlan" "$RAW"
}
s50() {
    CUR=50-vlan; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}"
    cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}"
    wait_srv; end add_vlan
}
s51() {
    CUR=51-mixed-non-tls; begin "$CUR"
    # plain HTTP and a DNS exchange (UDP 53) around one TLS connection
    python3 "$LIBDIR/plain_traffic.py" http-server 8080 >"$LOG/http.log" 2>&1 &
    SRV_PID=$!; PIDS+=("$SRV_PID"); wait_listen 8080
    python3 "$LIBDIR/plain_traffic.py" http-client 8080 || die "plain http failed"
    wait "$SRV_PID" || die "plain http server failed"
    python3 "$LIBDIR/plain_traffic.py" dns 53 || die "dns exchange failed"
    srv_ossl 4433 1 "${S_CHAIN[@]}"
    cli_ossl 4433 -tls1_2 -servername $SNI "${CA[@]}"
    wait_srv
    python3 "$LIBDIR/plain_traffic.py" http-server 8080 >"$LOG/http.log" 2>&1 &
    SRV_PID=$!; PIDS+=("$SRV_PID"); wait_listen 8080
    python3 "$LIBDIR/plain_traffic.py" http-client 8080 || die "plain http failed"
    wait "$SRV_PID" || die "plain http server failed"
    end
}
s52() {
    CUR=52-many-connections; begin "$CUR"
    local i
    for i in 0 1 2 3; do
        srv_ossl 4433 1 "${S_CHAIN[@]}"
        cli_ossl 4433 -tls1_3 -servername $SNI "${CA[@]}"
        wait_srv
        srv_ossl 443 1 "${S_CHAIN[@]}"
        cli_ossl 443 -tls1_2 -servername $SNI "${CA[@]}"
        wait_srv
        srv_ossl 4433 1 "${S_CHAIN[@]}" -cipher AES128-GCM-SHA256
        cli_ossl 4433 -tls1_2 -cipher AES128-GCM-SHA256 -servername $SNI "${CA[@]}"
        wait_srv
        srv_ossl 4433 1 "${S_CHAIN[@]}"
        cli_ossl 4433 -tls1_2 -cipher ECDHE-RSA-AES256-SHA -servername $SNI "${CA[@]}"
        wait_srv
        srv_ossl 8443 1 -cert "$PKI/expired.pem" -cert_chain "$PKI/int.pem" -key "$PKI/expired.key"
        cli_ossl 8443 -tls1_2 -servername expired.tlsaudit.test "${CA[@]}"
        wait_srv
    done
    end
}
s53() {
    CUR=53-no-ems; begin "$CUR"
    srv_gnutls 8443 "${G_CHAIN[@]}" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
    cli_gnutls 8443 --insecure --sni-hostname=$SNI --verify-hostname=$SNI \
        --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:%NO_SESSION_HASH'
    stop_srv; end
}
s54() {
    CUR=54-insecure-reneg-client; begin "$CUR"
    srv_gnutls 8443 "${G_CHAIN[@]}" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
    cli_gnutls 8443 --insecure --sni-hostname=$SNI --verify-hostname=$SNI \
        --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:%DISABLE_SAFE_RENEGOTIATION'
    stop_srv; end
}
s55() {
    # chain sent out of issuing order: leaf, int-a, int-b, int-c (should be leaf, int-c, int-b, int-a)
    CUR=55-cert-chain-order; begin "$CUR"
    cat "$PKI/int-a.pem" "$PKI/int-b.pem" "$PKI/int-c.pem" > "$WORK/misordered.pem"
    srv_ossl 4433 1 -cert "$PKI/longchain.pem" -cert_chain "$WORK/misordered.pem" -key "$PKI/longchain.key"
    cli_ossl 4433 -tls1_2 -servername longchain.tlsaudit.test "${CA[@]}"
    wait_srv; end
}
s56() {
    CUR=56-cert-expires-soon
    cert_case 4433 soon soon.tlsaudit.test
}
s57() {
    # TLS_FALLBACK_SCSV in a TLS 1.2 ClientHello to a TLS 1.3 server: inappropriate_fallback alert
    CUR=57-fallback-scsv; begin "$CUR"
    srv_ossl 4433 1 "${S_CHAIN[@]}"
    if req | timeout 15 openssl s_client -connect 127.0.0.1:4433 -quiet -tls1_2 -fallback_scsv \
        -keylogfile "$KEYS/$CUR.keys" -servername $SNI "${CA[@]}" >"$LOG/s_client.out" 2>"$LOG/s_client.err"; then
        die "server accepted a fallback ClientHello"
    fi
    grep -q 'inappropriate fallback' "$LOG/s_client.err" || die "no inappropriate_fallback alert"
    wait "$SRV_PID" || true
    end
}
s58() {
    CUR=58-ske-sha1; begin "$CUR"
    srv_gnutls 8443 "${G_CHAIN[@]}" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:+SIGN-RSA-SHA1'
    cli_gnutls 8443 --insecure --sni-hostname=$SNI \
        --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-SIGN-ALL:+SIGN-RSA-SHA1'
    stop_srv; end
}
s59() {
    CUR=59-heartbeat; begin "$CUR"
    srv_gnutls 8443 "${G_CHAIN[@]}" --heartbeat --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
    cli_gnutls 8443 --insecure --sni-hostname=$SNI --heartbeat --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
    stop_srv; end
}
s60() {
    CUR=60-weak-curve; begin "$CUR"
    srv_gnutls 8443 "${G_CHAIN[@]}" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:+GROUP-SECP192R1'
    cli_gnutls 8443 --insecure --sni-hostname=$SNI \
        --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-GROUP-ALL:+GROUP-SECP192R1'
    stop_srv; end
}

# ---------------------------------------------------------------------------
main() {
    local only=("$@")
    printf 'hello from tlsaudit sample\n' > "$WWW/hello.txt"
    if [ ${#only[@]} -eq 0 ]; then
        rm -f "$HERE"/[0-9][0-9]-*.pcap
        rm -rf "$KEYS" "$EXP"
        make_pki
    fi
    mkdir -p "$KEYS" "$EXP"
    local s all=(s01 s02 s03 s04 s05 s06 s07 s08 s09 s10 s11 s12 s13 s14 s15 s16 s_certs
                 s32 s33 s34 s35 s36 s37 s38 s39 s40 s41 s42 s43 s44 s45 s46 s47 s48 s49 s50 s51 s52 s53 s54
                 s55 s56 s57 s58 s59 s60)
    [ ${#only[@]} -gt 0 ] && all=("${only[@]}")
    for s in "${all[@]}"; do
        "$s"
    done
    # key logs only for samples that produced any; drop empty ones
    find "$KEYS" -type f -empty -delete
    CUR=expected
    SAMPLES_RUNTIME=$(( $(date +%s) - START_TIME )) python3 "$LIBDIR/expected.py" "$HERE" \
        || die "expected.py failed: the captures do not show what the scenarios should"
    log "done in $(( $(date +%s) - START_TIME )) s"
}
main "$@"
