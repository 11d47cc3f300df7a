#!/bin/sh
# Regenerates the TLS decryption test data in this directory: one loopback TLS
# session per cipher suite, recorded with tcpdump, plus the key log that
# `openssl s_client -keylogfile` wrote for it.  Each side sends one known line:
#   rdpdiag-test-payload-server-<name>   (server -> client)
#   rdpdiag-test-payload-client-<name>   (client -> server)
# tests/check_tlsdec.c decrypts the application data and compares.
#
# Needs root (tcpdump on lo), openssl >= 3.0 and tcpdump.  Every process is
# started under `timeout` and killed on exit; ports 44300.. on 127.0.0.1.
#
# Output per session: <name>.pcap, <name>.keylog.  Shared: server.key (RSA 2048,
# test only), server.pem (self-signed), manifest (session names); other.key,
# ec.key, server.der, encrypted.key for the key-loading tests.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

if [ ! -f server.key ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout server.key -out server.pem \
        -days 36500 -subj /CN=rdpdiag-test -sha256 2>/dev/null
fi
# Keys for the negative tests: another RSA key, an EC key, the server key in DER and
# encrypted with the passphrase "test".
[ -f other.key ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out other.key
[ -f ec.key ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key
openssl pkey -in server.key -outform DER -out server.der
[ -f encrypted.key ] || openssl pkey -in server.key -out encrypted.key -aes128 -passout pass:test

# An OpenSSL configuration that switches off the extended master secret
# (RFC 7627), for the session that exercises the classic master secret.
cat > "$tmp/noems.cnf" <<'CNF'
openssl_conf = conf
[conf]
ssl_conf = ssl
[ssl]
system_default = sys
[sys]
Options = -ExtendedMasterSecret
CNF

# name | version switch | cipher option | extra client options | no-EMS config?
sessions='
tls10-ecdhe-aes128-sha|-tls1|-cipher ECDHE-RSA-AES128-SHA:@SECLEVEL=0|-no_etm|
tls11-ecdhe-aes256-sha|-tls1_1|-cipher ECDHE-RSA-AES256-SHA:@SECLEVEL=0|-no_etm|
tls12-ecdhe-aes128-sha256|-tls1_2|-cipher ECDHE-RSA-AES128-SHA256|-no_etm|
tls12-ecdhe-aes256-sha384|-tls1_2|-cipher ECDHE-RSA-AES256-SHA384|-no_etm|
tls12-ecdhe-aes128-sha-etm|-tls1_2|-cipher ECDHE-RSA-AES128-SHA||
tls12-ecdhe-aes128-gcm|-tls1_2|-cipher ECDHE-RSA-AES128-GCM-SHA256||
tls12-ecdhe-aes256-gcm|-tls1_2|-cipher ECDHE-RSA-AES256-GCM-SHA384||
tls12-ecdhe-chacha20|-tls1_2|-cipher ECDHE-RSA-CHACHA20-POLY1305||
tls13-aes128-gcm|-tls1_3|-ciphersuites TLS_AES_128_GCM_SHA256||
tls13-aes256-gcm|-tls1_3|-ciphersuites TLS_AES_256_GCM_SHA384||
tls13-chacha20|-tls1_3|-ciphersuites TLS_CHACHA20_POLY1305_SHA256||
tls12-rsa-aes128-sha|-tls1_2|-cipher AES128-SHA|-no_etm|
tls12-rsa-aes256-gcm|-tls1_2|-cipher AES256-GCM-SHA384||
tls10-rsa-aes128-sha-noems|-tls1|-cipher AES128-SHA:@SECLEVEL=0|-no_etm|noems
'

port=44300
: > manifest.new
echo "$sessions" | while IFS='|' read -r name ver ciph extra noems; do
    [ -n "$name" ] || continue
    port=$((port + 1))
    rm -f "$name.pcap" "$name.keylog"
    conf=/dev/null
    if [ -n "$noems" ]; then conf="$tmp/noems.cnf"; fi
    timeout 20 tcpdump -i lo -U -s 0 -w "$name.pcap" "tcp port $port" 2>"$tmp/td.err" &
    td=$!
    pids="$pids $td"
    i=0
    while ! grep -q listening "$tmp/td.err" 2>/dev/null && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    (sleep 1; printf 'rdpdiag-test-payload-server-%s\n' "$name"; sleep 3) |
        OPENSSL_CONF=$conf timeout 10 openssl s_server -accept "127.0.0.1:$port" -naccept 1 \
            -cert server.pem -key server.key $ver $ciph >/dev/null 2>&1 &
    sv=$!
    pids="$pids $sv"
    sleep 0.5
    (sleep 1.5; printf 'rdpdiag-test-payload-client-%s\n' "$name"; sleep 1) |
        OPENSSL_CONF=$conf timeout 10 openssl s_client -connect "127.0.0.1:$port" \
            -keylogfile "$name.keylog" $ver $ciph $extra >/dev/null 2>&1 || true
    wait "$sv" 2>/dev/null || true
    sleep 0.5
    kill -INT "$td" 2>/dev/null || true
    wait "$td" 2>/dev/null || true
    echo "$name" >> manifest.new
done
mv manifest.new manifest
