#!/bin/sh
# mkseeds.sh - (re)build the fuzz seed corpora.
#
#   tests/fuzz/mkseeds.sh                 committed seeds: tests/fuzz/corpus/<module>/
#   tests/fuzz/mkseeds.sh --public DIR    seeds from ../shared/public-captures into DIR
#                                         (never commit these: the captures are not ours)
#
# Committed seeds come only from the project's own material: captures/*.pcap, the byte
# vectors of tests/check_*.c, tests/data/x509/*.der and tests/data/tls (key logs, and
# the TLS test captures with their key log injected as a pcapng Decryption Secrets
# Block).  Needs tshark, editcap and python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

if [ "${1:-}" = "--public" ]; then
    out=${2:?usage: mkseeds.sh --public DIR}
    pub="$top/../shared/public-captures"
    if [ ! -d "$pub" ]; then
        echo "mkseeds.sh: $pub not found; no public seeds" >&2
        exit 0
    fi
    mkdir -p "$out"
    python3 "$here/mkseeds.py" "$out" --whole "$pub"/*.pcap "$pub"/*.pcapng
    exit 0
fi

out="$here/corpus"
mkdir -p "$out"
python3 "$here/mkseeds.py" "$out" --vectors "$top/tests" "$top"/captures/*.pcap

mkdir -p "$out/x509" "$out/keylog" "$out/pcapng_dsb" "$out/pcap"
for f in "$top"/tests/data/x509/*.der; do
    cp "$f" "$out/x509/data-$(basename "$f" .der)"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in tls12-ecdhe-aes128-gcm tls13-aes128-gcm tls12-rsa-aes128-sha; do
    kl="$top/tests/data/tls/$name.keylog"
    cp "$kl" "$out/keylog/data-$name"
    editcap --inject-secrets "tls,$kl" "$top/tests/data/tls/$name.pcap" "$tmp/$name.pcapng"
    cp "$tmp/$name.pcapng" "$out/pcapng_dsb/data-$name"
    cp "$tmp/$name.pcapng" "$out/pcap/data-$name"
done
# Captures with their key log: decrypted CredSSP/NLA seeds, and the capture with the key
# log injected as a Decryption Secrets Block (reaches TLS decryption in the pipeline).
for kl in "$top"/captures/*.keylog; do
    [ -f "$kl" ] || continue
    name=$(basename "$kl" .keylog)
    [ -f "$top/captures/$name.pcap" ] || continue
    python3 "$here/mkseeds.py" "$out" --keylog "$kl" "$top/captures/$name.pcap"
    editcap --inject-secrets "tls,$kl" "$top/captures/$name.pcap" "$tmp/$name.pcapng"
    cp "$tmp/$name.pcapng" "$out/pcapng_dsb/capture-$name"
    cp "$tmp/$name.pcapng" "$out/pcap/capture-$name"
    cp "$kl" "$out/keylog/capture-$name"
done
mkdir -p "$out/cli"
cp "$out"/pcap/data-* "$out"/pcap/capture-* "$out/cli/"
du -sh "$out"
