#!/usr/bin/env bash
# Records the benchmark's base capture: real TLS handshakes with application data between
# OpenSSL and GnuTLS, on loopback inside a private network namespace with a 1500-byte MTU.
# Usage (as root): bench/record-base.sh OUT.pcap [CONNECTIONS_PER_KIND]
set -euo pipefail
out=$(realpath -m "$1")
per=${2:-40}
here=$(cd "$(dirname "$0")" && pwd)
if [ "${TLSA_IN_NETNS:-}" != 1 ]; then
    exec unshare -n env TLSA_IN_NETNS=1 bash "$0" "$@"
fi
ip link set lo up
ip link set lo mtu 1500
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.pem -days 30 \
    -subj /CN=bench.tlsaudit.test -addext subjectAltName=DNS:bench.tlsaudit.test 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.pem \
    -days 30 -subj /CN=bench-ec.tlsaudit.test 2>/dev/null
head -c 4500 /dev/urandom | base64 > index.html

tcpdump -i lo -w "$out" -U -s 0 tcp 2>/dev/null &
sleep 1
# -WWW serves files from the current folder: a ~6 KB response per connection.
openssl s_server -quiet -accept 4433 -cert rsa.pem -key rsa.key -WWW >/dev/null 2>&1 &
openssl s_server -quiet -accept 4434 -cert ec.pem -key ec.key -WWW >/dev/null 2>&1 &
gnutls-serv --quiet -p 5556 --x509certfile rsa.pem --x509keyfile rsa.key --http >/dev/null 2>&1 &
sleep 1

get() { printf 'GET /index.html HTTP/1.0\r\n\r\n'; sleep 0.05; }
for i in $(seq "$per"); do
    get | openssl s_client -quiet -connect 127.0.0.1:4433 -servername bench.tlsaudit.test -tls1_3 >/dev/null 2>&1 || true
    get | openssl s_client -quiet -connect 127.0.0.1:4433 -servername bench.tlsaudit.test -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256 >/dev/null 2>&1 || true
    get | openssl s_client -quiet -connect 127.0.0.1:4434 -servername bench-ec.tlsaudit.test -tls1_2 >/dev/null 2>&1 || true
    get | openssl s_client -quiet -connect 127.0.0.1:4433 -tls1_2 -cipher AES256-SHA >/dev/null 2>&1 || true
    printf 'GET / HTTP/1.0\r\n\r\n' | gnutls-cli --insecure -p 5556 127.0.0.1 >/dev/null 2>&1 || true
done
sleep 1
kill $(jobs -p) 2>/dev/null || true
wait 2>/dev/null || true
echo "record-base: $(tcpdump -r "$out" 2>/dev/null | wc -l) packets in $out"
