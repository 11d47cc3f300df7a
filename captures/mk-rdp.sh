#!/bin/bash
# captures/mk-rdp.sh -- make rdpdiag's RDP sample captures with real RDP peers.
#
# Usage:  sudo captures/mk-rdp.sh all | list | NAME...
# Writes captures/NAME.pcap next to this script (overwriting it).  The matching
# captures/NAME.expected files are written by hand from tshark's view of the packets.
#
# Needs root on Debian 12 and these packages (the script installs nothing):
#   iproute2, tcpdump, tshark, xrdp, freerdp2-x11, freerdp2-shadow-x11, xvfb, openssl,
#   python3, gcc and libssl-dev (captures/keylog-shim.c, for the *-keylog captures).
#
# Peers (all inside the namespaces of captures/netns.sh: client rdpd-c 192.0.2.1, server
# rdpd-s 192.0.2.2, capture on the client's veth):
#   server  xrdp 0.9.21 run in the foreground (`xrdp --nodaemon --config INI`) from a
#           private copy of /etc/xrdp/xrdp.ini (captures/xrdpini.py sets port, fork=false,
#           security_layer, ssl_protocols, tls_ciphers, certificate, key_file and a private
#           log file).  No xrdp-sesman: xrdp's own login screen is the "active" session.
#   server  freerdp-shadow-cli 2.11 (X11 shadow of an Xvfb display) with /sec:nla and an
#           NTLM SAM file (/sam-file:) holding alice / secret.
#   client  xfreerdp 2.11 under its own Xvfb, /u:rdpuser or /u:alice, bounded by `timeout`
#           (SIGTERM; xfreerdp then closes its socket).
# Certificates are made per run with openssl in a temporary directory: a test CA
# "rdpdiag test CA", a valid server certificate CN=srv.example.test (2024-2045), an
# expired one (2020-2021) and an unrelated key.  Clients that must trust the CA get
# SSL_CERT_FILE pointing at it; every client gets a fresh empty HOME (no known_hosts).
# Nothing under /etc or $HOME is touched; the temporary directory, the namespaces and the
# processes this script started (by PID) are removed on exit (RDPD_KEEP=1 keeps the
# temporary directory, with the peers' logs, for debugging).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=captures/netns.sh
. "$HERE/netns.sh"
PORT=3389
SRV_DISPLAY=:71
CLI_DISPLAY=:72
WORK=""

if [ "$(id -u)" != 0 ]; then
    rdpd_log "must run as root (network namespaces, tcpdump)"
    exit 2
fi
cleanup() {
    ns_cleanup
    if [ -n "$WORK" ] && [ -z "${RDPD_KEEP:-}" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
WORK=$(mktemp -d /tmp/rdpd-rdp.XXXXXX)
chmod 755 "$WORK"

# --- certificates ---------------------------------------------------------------------
make_certs() {
    local d=$WORK/pki
    mkdir -p "$d/db"
    : >"$d/db/index.txt"
    echo 1000 >"$d/db/serial"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" \
        -days 3650 -subj "/CN=rdpdiag test CA" \
        -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    cat >"$d/ca.cnf" <<EOF
[ca]
default_ca = testca
[testca]
dir = $d/db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $d/ca.pem
private_key = $d/ca.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
x509_extensions = srv
[anything]
commonName = supplied
[srv]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:srv.example.test, IP:$RDPD_IP_S
EOF
    local name start end
    for spec in good:20240101000000Z:20451231235959Z expired:20200101000000Z:20210101000000Z; do
        IFS=: read -r name start end <<<"$spec"
        openssl req -new -newkey rsa:2048 -nodes -keyout "$d/$name.key" -out "$d/$name.csr" \
            -subj "/CN=srv.example.test" 2>/dev/null
        openssl ca -batch -config "$d/ca.cnf" -in "$d/$name.csr" -out "$d/$name.pem" -notext \
            -startdate "$start" -enddate "$end" 2>/dev/null
    done
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/other.key" 2>/dev/null
    chmod 644 "$d"/*.key
    # NTLM SAM file for the shadow server: user:domain:LM:NT:::  (NT = MD4(UTF-16LE(pw)))
    local nt
    nt=$(printf secret | iconv -t UTF-16LE |
        openssl dgst -md4 -provider legacy -provider default -r | cut -d' ' -f1)
    printf 'alice:::%s:::\n' "$nt" >"$WORK/sam"
}

# --- servers ---------------------------------------------------------------------------
# xrdp_start KEY=VALUE...  (keys as Globals.name; port, fork and logging are set here)
xrdp_start() {
    python3 "$HERE/xrdpini.py" /etc/xrdp/xrdp.ini "$WORK/xrdp.ini" \
        Globals.port="$PORT" Globals.fork=false \
        Logging.LogFile="$WORK/xrdp.log" Logging.EnableSyslog=false "$@"
    in_s timeout 120 xrdp --nodaemon --config "$WORK/xrdp.ini" >"$WORK/xrdp.out" 2>&1 &
    track $!
    wait_listen "$RDPD_NS_S" "$PORT"
}

shadow_start() {
    mkdir -p "$WORK/shome"
    in_s timeout 120 Xvfb "$SRV_DISPLAY" -nolisten tcp -screen 0 800x600x24 >/dev/null 2>&1 &
    track $!
    sleep 1
    in_s env HOME="$WORK/shome" DISPLAY="$SRV_DISPLAY" timeout 120 \
        freerdp-shadow-cli /bind-address:"$RDPD_IP_S" /port:"$PORT" "$@" \
        >"$WORK/shadow.out" 2>&1 &
    track $!
    wait_listen "$RDPD_NS_S" "$PORT"
}

# --- client ----------------------------------------------------------------------------
# client SECONDS [env VAR=VALUE...] -- xfreerdp args...
client() {
    local secs=$1
    shift
    local envs=()
    while [ "$1" != -- ]; do
        envs+=("$1")
        shift
    done
    shift
    rm -rf "$WORK/chome"
    mkdir -p "$WORK/chome"
    in_c timeout 120 Xvfb "$CLI_DISPLAY" -nolisten tcp -screen 0 1024x768x24 >/dev/null 2>&1 &
    local xpid=$!
    track $xpid
    sleep 1
    in_c env HOME="$WORK/chome" DISPLAY="$CLI_DISPLAY" "${envs[@]}" \
        timeout -k 3 "$secs" xfreerdp /v:"$RDPD_IP_S":"$PORT" /size:800x600 /log-level:INFO \
        "$@" >"$WORK/client.out" 2>&1 || true
    grep -E 'ERROR|WARN|error' "$WORK/client.out" | grep -v 'com.freerdp.utils\] - [0-9]*:' |
        head -8 >&2 || true
}

# --- scenarios -------------------------------------------------------------------------
XRDP_TLS="Globals.security_layer=tls Globals.certificate=PKI/good.pem Globals.key_file=PKI/good.key"

pki() { printf '%s\n' "$@" | sed "s#PKI/#$WORK/pki/#g"; }

mk_neg_nla_client_vs_tls_server() {
    xrdp_start $(pki $XRDP_TLS)
    cap_start "$1"
    client 10 -- /u:rdpuser /p:secret /sec:nla /cert:ignore
    cap_stop
}

mk_neg_hybrid_required() {
    shadow_start /sec:nla /sam-file:"$WORK/sam"
    cap_start "$1"
    client 10 -- /u:alice /p:secret /sec:tls /cert:ignore
    cap_stop
}

# xrdp 0.9.21 and xfreerdp 2.11 do not agree on standard RDP security: xrdp logs "MAC
# checksum error for non-FIPS PDU" on the client's first encrypted PDU (Client Info) and
# disconnects (same with crypt_level=low).  Kept as a server_disconnect sample.
mk_rdp_standard_security_xrdp_mac_error() {
    xrdp_start Globals.security_layer=rdp Globals.crypt_level=high
    cap_start "$1"
    client 5 -- /u:rdpuser /sec:rdp
    cap_stop
}

mk_rdp_standard_security_active() {
    shadow_start /sec:rdp
    cap_start "$1"
    client 5 -- /u:rdpuser /sec:rdp
    cap_stop
}

# What a load balancer's HTTP health check does to an RDP port: a real xrdp receives an
# HTTP request instead of an X.224 Connection Request (bash /dev/tcp in the client
# namespace, waiting up to 5 s for the server to close).
mk_not_rdp_client_http() {
    xrdp_start
    cap_start "$1"
    in_c timeout 8 bash -c 'exec 3<>/dev/tcp/'"$RDPD_IP_S"'/'"$PORT"'
        printf "GET /health HTTP/1.1\r\nHost: srv.example.test\r\n\r\n" >&3
        timeout 5 cat <&3 >/dev/null; exec 3<&-' || true
    cap_stop
}

mk_tls_ok_xrdp() {
    xrdp_start $(pki $XRDP_TLS) "Globals.ssl_protocols=TLSv1.2, TLSv1.3"
    cap_start "$1"
    client 5 env SSL_CERT_FILE="$WORK/pki/ca.pem" -- /u:rdpuser /sec:tls /cert:ignore
    cap_stop
}

mk_tls_version_mismatch() {
    xrdp_start $(pki $XRDP_TLS) Globals.ssl_protocols=TLSv1
    cap_start "$1"
    client 10 -- /u:rdpuser /sec:tls /cert:ignore +enforce-tlsv1_2
    cap_stop
}

mk_cert_expired_deny() {
    xrdp_start Globals.security_layer=tls Globals.ssl_protocols=TLSv1.2 \
        Globals.certificate="$WORK/pki/expired.pem" Globals.key_file="$WORK/pki/expired.key"
    cap_start "$1"
    client 10 env SSL_CERT_FILE="$WORK/pki/ca.pem" -- /u:rdpuser /sec:tls /cert:deny
    cap_stop
}

mk_cert_expired_ignore() {
    xrdp_start Globals.security_layer=tls Globals.ssl_protocols=TLSv1.2 \
        Globals.certificate="$WORK/pki/expired.pem" Globals.key_file="$WORK/pki/expired.key"
    cap_start "$1"
    client 5 env SSL_CERT_FILE="$WORK/pki/ca.pem" -- /u:rdpuser /sec:tls /cert:ignore
    cap_stop
}

mk_tls_key_mismatch() {
    xrdp_start Globals.security_layer=tls Globals.ssl_protocols=TLSv1.2 \
        Globals.certificate="$WORK/pki/good.pem" Globals.key_file="$WORK/pki/other.key"
    cap_start "$1"
    client 10 -- /u:rdpuser /sec:tls /cert:ignore
    cap_stop
}

mk_tls_key_missing() {
    xrdp_start Globals.security_layer=tls Globals.ssl_protocols=TLSv1.2 \
        Globals.certificate="$WORK/pki/good.pem" Globals.key_file="$WORK/pki/missing.key"
    cap_start "$1"
    client 10 -- /u:rdpuser /sec:tls /cert:ignore
    cap_stop
}

mk_tls_no_common_cipher() {
    xrdp_start $(pki $XRDP_TLS) Globals.ssl_protocols=TLSv1.2 Globals.tls_ciphers=AES128-SHA
    cap_start "$1"
    client 10 -- /u:rdpuser /sec:tls /cert:ignore /tls-ciphers:ECDHE-RSA-AES256-GCM-SHA384
    cap_stop
}

mk_nla_ok() {
    shadow_start /sec:nla /sam-file:"$WORK/sam"
    cap_start "$1"
    client 5 -- /u:alice /p:secret /sec:nla /cert:ignore
    cap_stop
}

mk_nla_wrong_password() {
    shadow_start /sec:nla /sam-file:"$WORK/sam"
    cap_start "$1"
    client 10 -- /u:alice /p:wrong-password /sec:nla /cert:ignore
    cap_stop
}

# --- TLS secrets -----------------------------------------------------------------------
# FreeRDP 2 writes no key log: captures/keylog-shim.c, preloaded into xfreerdp, installs an
# OpenSSL keylog callback that appends NSS key log lines to $SSLKEYLOGFILE.
SHIM=""
build_shim() {
    if [ -z "$SHIM" ]; then
        SHIM=$WORK/keylog-shim.so
        cc -O2 -shared -fPIC -o "$SHIM" "$HERE/keylog-shim.c" -ldl -lssl
    fi
}

# keylog_client OUT.keylog SECONDS -- xfreerdp args...
keylog_client() {
    local out=$1 secs=$2
    shift 3
    build_shim
    rm -f "$out" "$WORK/client.keylog"
    client "$secs" env LD_PRELOAD="$SHIM" SSLKEYLOGFILE="$WORK/client.keylog" -- "$@"
    if [ ! -s "$WORK/client.keylog" ]; then
        rdpd_log "the client wrote no TLS secrets (is xfreerdp linked against libssl?)"
        return 1
    fi
    cp "$WORK/client.keylog" "$out"
    chmod 644 "$out"
}

mk_nla_ok_keylog() {
    shadow_start /sec:nla /sam-file:"$WORK/sam"
    cap_start "$1"
    keylog_client "${1%.pcap}.keylog" 5 -- /u:alice /p:secret /sec:nla /cert:ignore
    cap_stop
}

mk_nla_wrong_password_keylog() {
    shadow_start /sec:nla /sam-file:"$WORK/sam"
    cap_start "$1"
    keylog_client "${1%.pcap}.keylog" 10 -- /u:alice /p:wrong-password /sec:nla /cert:ignore
    cap_stop
}

# TLS 1.2 with RSA key exchange (AES128-SHA is TLS_RSA_WITH_AES_128_CBC_SHA): the server's
# private key alone decrypts the session.  The key is a per-run test key; it is copied
# next to the capture as NAME.key so that the capture can be decrypted.
mk_tls_rsa_kx() {
    xrdp_start $(pki $XRDP_TLS) Globals.ssl_protocols=TLSv1.2 Globals.tls_ciphers=AES128-SHA
    cp "$WORK/pki/good.key" "${1%.pcap}.key"
    cap_start "$1"
    client 5 -- /u:rdpuser /sec:tls /cert:ignore
    cap_stop
}

mk_nla_unknown_user() {
    shadow_start /sec:nla /sam-file:"$WORK/sam"
    cap_start "$1"
    client 10 -- /u:mallory /p:secret /sec:nla /cert:ignore
    cap_stop
}

# --- certificate control and TLS 1.0 ---------------------------------------------------
# extra_cert NAME START END: one more server certificate from the test CA, CN and SAN
# srv.example.test only (no IP SAN), written as $WORK/pki/NAME.pem and NAME.key.
extra_cert() {
    local d=$WORK/pki name=$1 start=$2 end=$3
    printf '%s\n' '[srv]' 'basicConstraints = CA:FALSE' \
        'keyUsage = digitalSignature, keyEncipherment' 'extendedKeyUsage = serverAuth' \
        'subjectAltName = DNS:srv.example.test' >"$d/$name.ext"
    openssl req -new -newkey rsa:2048 -nodes -keyout "$d/$name.key" -out "$d/$name.csr" \
        -subj "/CN=srv.example.test" 2>/dev/null
    openssl ca -batch -config "$d/ca.cnf" -in "$d/$name.csr" -out "$d/$name.pem" -notext \
        -extfile "$d/$name.ext" -extensions srv -startdate "$start" -enddate "$end" 2>/dev/null
    chmod 644 "$d/$name.key"
}

# The control for the certificate scenarios: a certificate valid 2020-2045 for
# srv.example.test from the test CA, which the client trusts (SSL_CERT_FILE, as in
# cert-expired-deny) and verifies with /cert:deny (any verification failure aborts).  The
# client connects to the address (/v:192.0.2.2, set by client()) and is given the name to
# verify with /cert:name:srv.example.test, so no hosts file is involved.
mk_cert_valid_verified() {
    extra_cert valid2020 20200101000000Z 20451231235959Z
    xrdp_start Globals.security_layer=tls Globals.ssl_protocols=TLSv1.2 \
        Globals.certificate="$WORK/pki/valid2020.pem" Globals.key_file="$WORK/pki/valid2020.key"
    cap_start "$1"
    client 5 env SSL_CERT_FILE="$WORK/pki/ca.pem" -- /u:rdpuser /sec:tls /cert:deny \
        /cert:name:srv.example.test
    cap_stop
}

# xrdp limited to TLS 1.0 against an xfreerdp with no TLS version restriction and its
# default /tls-seclevel (FreeRDP's default, 1) on Debian 12's OpenSSL 3.
mk_tls_v1_server_default_client() {
    xrdp_start $(pki $XRDP_TLS) Globals.ssl_protocols=TLSv1
    cap_start "$1"
    client 10 -- /u:rdpuser /sec:tls /cert:ignore
    cap_stop
}

# The same, with the client's OpenSSL security level lowered to 0.  It still fails: the
# refusal is the server's (xrdp logs "no suitable signature algorithm": at OpenSSL 3's
# default security level 1 it cannot sign the TLS 1.0 ServerKeyExchange with MD5-SHA1).
mk_tls_v1_server_seclevel0_client() {
    xrdp_start $(pki $XRDP_TLS) Globals.ssl_protocols=TLSv1
    cap_start "$1"
    client 5 -- /u:rdpuser /sec:tls /cert:ignore /tls-seclevel:0
    cap_stop
}

# xrdp limited to TLS 1.0 with its security level lowered to 0 through the cipher string
# (xrdp hands tls_ciphers to SSL_CTX_set_cipher_list), default client: the server now
# completes its flight and the client's OpenSSL refuses it.
mk_tls_v1_seclevel0_server_default_client() {
    xrdp_start $(pki $XRDP_TLS) Globals.ssl_protocols=TLSv1 Globals.tls_ciphers=DEFAULT:@SECLEVEL=0
    cap_start "$1"
    client 10 -- /u:rdpuser /sec:tls /cert:ignore
    cap_stop
}

# Both ends at security level 0: TLS 1.0 is negotiated and the session works.
mk_tls_v1_seclevel0_server_seclevel0_client() {
    xrdp_start $(pki $XRDP_TLS) Globals.ssl_protocols=TLSv1 Globals.tls_ciphers=DEFAULT:@SECLEVEL=0
    cap_start "$1"
    client 5 -- /u:rdpuser /sec:tls /cert:ignore /tls-seclevel:0
    cap_stop
}

ALL="neg-nla-client-vs-tls-server neg-hybrid-required rdp-standard-security-active
not-rdp-client-http
rdp-standard-security-xrdp-mac-error
tls-ok-xrdp tls-version-mismatch cert-expired-deny cert-expired-ignore tls-key-mismatch
tls-key-missing tls-no-common-cipher nla-ok nla-wrong-password nla-unknown-user
nla-ok-keylog nla-wrong-password-keylog tls-rsa-kx
cert-valid-verified tls-v1-server-default-client tls-v1-server-seclevel0-client
tls-v1-seclevel0-server-default-client tls-v1-seclevel0-server-seclevel0-client"

run_one() {
    local name=$1 fn
    fn="mk_$(printf '%s' "$name" | tr '-' '_')"
    if ! declare -F "$fn" >/dev/null; then
        rdpd_log "unknown scenario: $name (known: $(echo $ALL))"
        exit 2
    fi
    rdpd_log "== $name"
    ns_up
    "$fn" "$HERE/$name.pcap"
    kill_tracked
    ns_down
    cap_summary "$HERE/$name.pcap"
}

if [ $# -eq 0 ]; then
    echo "usage: $0 all | list | NAME..." >&2
    exit 2
fi
case $1 in
all) set -- $ALL ;;
list)
    echo $ALL | tr ' ' '\n'
    exit 0
    ;;
esac
make_certs
for n in "$@"; do
    run_one "$n"
done
