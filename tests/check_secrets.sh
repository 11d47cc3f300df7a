#!/bin/sh
# check_secrets.sh - secrets never leave rdpdiag.
#
# Runs rdpdiag (text, --json, -v, each with --all) with TLS keys on every pcapng of
# ../shared/public-captures (their Decryption Secrets Blocks) and on the keyed captures
# of captures/ (NAME.keylog beside NAME.pcap), then looks for what must never be printed:
#   - every secret of the key logs (the hex after the client random, in either case);
#   - the passwords captures/mk-rdp.sh gives its clients ("secret", "wrong-password");
#   - with tshark, the NTLM NTProofStr, NT/LM responses and session keys it decrypts.
# Exit 0 when nothing leaked, 1 otherwise; 77 (skip) when there is nothing to run on.
set -u

srcdir=${srcdir:-.}
RDPDIAG=${RDPDIAG:-./rdpdiag}
shared="$srcdir/../shared/public-captures"
caps="$srcdir/captures"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_secrets.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
runs=0

# The secrets of a key log, one hex string a line (from a file or from a pcapng's DSB,
# whose payload is the key log text itself).
secrets_of() {
    LC_ALL=C grep -a -o -E \
        '(CLIENT_RANDOM|[A-Z_]*TRAFFIC_SECRET_?[0-9]*|[A-Z_]*EXPORTER_SECRET) [0-9A-Fa-f]{64} [0-9A-Fa-f]{32,}' \
        "$1" | awk '{ print $3 }' | sort -u
}

# With tshark: NTLM values that are secrets, as it decrypts them with the embedded keys
# (or with the key log given as $2).
ntlm_secrets_of() {
    command -v tshark >/dev/null 2>&1 || return 0
    kl=""
    [ $# -gt 1 ] && kl="tls.keylog_file:$2"
    tshark -r "$1" ${kl:+-o "$kl"} -d tcp.port==3389,tls -T fields \
        -e ntlmssp.ntlmv2_response.ntproofstr -e ntlmssp.auth.ntresponse \
        -e ntlmssp.auth.lmresponse -e ntlmssp.auth.sesskey 2>/dev/null |
        tr -d ':' | tr '\t,' '\n\n' | grep -E '^[0-9a-fA-F]{16,}$' |
        grep -v -E '^0+$' | sort -u
}

# run_and_check NAME CAPTURE [rdpdiag options...]
run_and_check() {
    name=$1
    cap=$2
    shift 2
    out="$tmp/$name.out"
    : >"$out"
    for mode in "" "--json" "-v"; do
        # shellcheck disable=SC2086
        "$RDPDIAG" --all $mode "$@" -r "$cap" >>"$out" 2>&1
        rc=$?
        if [ $rc -gt 1 ]; then
            echo "FAIL $name: rdpdiag $mode exited $rc"
            fail=1
        fi
    done
    runs=$((runs + 1))
    while read -r s; do
        [ -n "$s" ] || continue
        if grep -q -i -F -- "$s" "$out"; then
            echo "FAIL $name: a secret from the key material appears in the output: ${s%"${s#????????}"}..."
            fail=1
        fi
    done <"$tmp/secrets"
    for pw in secret wrong-password; do
        if grep -q -w -F -- "$pw" "$out"; then
            echo "FAIL $name: the password \"$pw\" appears in the output:"
            grep -n -w -F -- "$pw" "$out" | head -3
            fail=1
        fi
    done
    echo "ok   $name"
}

if [ -d "$shared" ]; then
    for f in "$shared"/*.pcapng; do
        [ -f "$f" ] || continue
        secrets_of "$f" >"$tmp/secrets"
        ntlm_secrets_of "$f" >>"$tmp/secrets"
        run_and_check "$(basename "$f")" "$f"
    done
else
    echo "check_secrets: $shared is absent: the public captures are skipped"
fi

for k in "$caps"/*.keylog; do
    [ -f "$k" ] || continue
    pcap=${k%.keylog}.pcap
    [ -f "$pcap" ] || continue
    secrets_of "$k" >"$tmp/secrets"
    ntlm_secrets_of "$pcap" "$k" >>"$tmp/secrets"
    run_and_check "$(basename "$pcap")" "$pcap" --keylog "$k"
done
for k in "$caps"/*.key; do
    [ -f "$k" ] || continue
    pcap=${k%.key}.pcap
    [ -f "$pcap" ] || continue
    : >"$tmp/secrets"
    run_and_check "$(basename "$pcap") (RSA key)" "$pcap" --rsa-key "$k"
done

if [ $runs -eq 0 ]; then
    echo "check_secrets: no keyed capture found: skipped"
    exit 77
fi
exit $fail
