#!/bin/sh
# make-certs.sh - regenerate the test certificates of tests/check_x509.c.
#
# Every certificate has fixed validity dates (far past or far future), so the
# tests never depend on today's date.  `openssl ca` is used because it is the
# subcommand of OpenSSL 3.0 that accepts explicit -startdate/-enddate.
# Outputs (DER, committed): ca.der, server-rsa2048.der, legacy-rsa1024-sha1.der,
# ec-p256.der, ed25519.der, md5-rsa2048.der, fake-self-issued.der, and
# pre1970.der, many-sans.der.  Keys are throwaway and not committed.
#
# Usage: sh tests/data/x509/make-certs.sh   (from any directory)
set -eu

out=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

mkdir db
: > db/index.txt
echo 1000 > db/serial

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = testca

[ testca ]
dir = .
database = ./db/index.txt
serial = ./db/serial
new_certs_dir = ./db
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
email_in_dn = no

[ anything ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = optional

[ req ]
distinguished_name = dn
prompt = no

[ dn ]
CN = placeholder

[ ext_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ ext_server ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:rdp.example.test, DNS:*.desktops.example.test, IP:192.0.2.10, IP:2001:db8::10

[ ext_many ]
basicConstraints = CA:FALSE
subjectAltName = @many_sans

[ many_sans ]
DNS.1 = h01.example.test
DNS.2 = h02.example.test
DNS.3 = h03.example.test
DNS.4 = h04.example.test
DNS.5 = h05.example.test
DNS.6 = h06.example.test
DNS.7 = h07.example.test
DNS.8 = h08.example.test
DNS.9 = h09.example.test
DNS.10 = h10.example.test
DNS.11 = h11.example.test
DNS.12 = h12.example.test
DNS.13 = h13.example.test
DNS.14 = h14.example.test
DNS.15 = h15.example.test
DNS.16 = h16.example.test
DNS.17 = h17.example.test
DNS.18 = h18.example.test
email.1 = admin@example.test

[ ext_plain ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
CNF

ca() {
    # ca <csr> <signing cert or -selfsign> <signing key> <ext> <start> <end> <md> <out.der>
    if [ "$2" = "-selfsign" ]; then
        openssl ca -batch -config ca.cnf -notext -selfsign -keyfile "$3" -in "$1" \
            -extensions "$4" -startdate "$5" -enddate "$6" -md "$7" -out "$work/tmp.pem" 2>/dev/null
    else
        openssl ca -batch -config ca.cnf -notext -cert "$2" -keyfile "$3" -in "$1" \
            -extensions "$4" -startdate "$5" -enddate "$6" -md "$7" -out "$work/tmp.pem" 2>/dev/null
    fi
    openssl x509 -in "$work/tmp.pem" -outform DER -out "$8"
}

csr() {
    # csr <key> <subject> <out.csr>
    openssl req -new -config ca.cnf -key "$1" -subj "$2" -out "$3"
}

# Test CA: RSA 2048, 2000-01-01 .. 2099-12-31 (GeneralizedTime past 2049).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ca.key 2>/dev/null
csr ca.key "/O=rdpdiag test/CN=rdpdiag Test CA" ca.csr
ca ca.csr -selfsign ca.key ext_ca 20000101000000Z 20991231235959Z sha256 "$out/ca.der"
openssl x509 -inform DER -in "$out/ca.der" -out ca.pem

# Server: RSA 2048 issued by the CA, SANs (DNS, wildcard, IPv4, IPv6),
# 2020-06-01 .. 2090-06-01 (past 2038).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server.key 2>/dev/null
csr server.key "/O=rdpdiag test/CN=rdp.example.test" server.csr
ca server.csr ca.pem ca.key ext_server 20200601120000Z 20900601120000Z sha256 \
    "$out/server-rsa2048.der"

# Legacy: self-signed RSA 1024 with SHA-1, expired long ago: 1999-01-01 .. 2009-01-01.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out legacy.key 2>/dev/null
csr legacy.key "/CN=OLDHOST" legacy.csr
ca legacy.csr -selfsign legacy.key ext_plain 990101000000Z 090101000000Z sha1 \
    "$out/legacy-rsa1024-sha1.der"

# EC P-256 self-signed, not valid before 2080 (not yet valid for any capture).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null
csr ec.key "/CN=ec.example.test" ec.csr
ca ec.csr -selfsign ec.key ext_plain 20800101000000Z 21000101000000Z sha256 "$out/ec-p256.der"

# Ed25519 self-signed, 2001-01-01 .. 2101-01-01.
openssl genpkey -algorithm ED25519 -out ed.key 2>/dev/null
csr ed.key "/CN=ed.example.test" ed.csr
ca ed.csr -selfsign ed.key ext_plain 20010101000000Z 21010101000000Z null "$out/ed25519.der"

# MD5 signature by the CA, 2000-01-01 .. 2090-01-01.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out md5.key 2>/dev/null
csr md5.key "/CN=md5.example.test" md5.csr
ca md5.csr ca.pem ca.key ext_plain 20000101000000Z 20900101000000Z md5 "$out/md5-rsa2048.der"

# Self-issued but not self-signed: issuer name equals the subject, signed by a
# different key (a CA that happens to share the name).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out twin.key 2>/dev/null
csr twin.key "/CN=twin.example.test" twin-ca.csr
ca twin-ca.csr -selfsign twin.key ext_ca 20000101000000Z 20900101000000Z sha256 twin-ca.der
openssl x509 -inform DER -in twin-ca.der -out twin-ca.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out leaf.key 2>/dev/null
csr leaf.key "/CN=twin.example.test" leaf.csr
ca leaf.csr twin-ca.pem twin.key ext_plain 20000101000000Z 20900101000000Z sha256 \
    "$out/fake-self-issued.der"

# Validity starting before 1970 (GeneralizedTime 1960-02-29), ending 2060-12-31.
ca ed.csr -selfsign ed.key ext_plain 19600229000000Z 20601231235959Z null "$out/pre1970.der"

# Long names and more SANs than RD_X509_MAX_SANS (16): 18 DNS names and one
# e-mail address; a subject longer than RD_X509_NAME_MAX (256) in RFC 2253 form.
ou=$(printf 'Unit%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
csr ed.key "/O=rdpdiag test/OU=A$ou/OU=B$ou/OU=C$ou/OU=D$ou/CN=h01.example.test" many.csr
ca many.csr ca.pem ca.key ext_many 20000101000000Z 20900101000000Z sha256 "$out/many-sans.der"

ls -l "$out"/*.der
