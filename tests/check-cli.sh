#!/bin/sh
# check-cli.sh - the command line as a user meets it: exit statuses, one clear
# line on stderr for bad input and nothing on stdout, determinism, --explain,
# warnings on healthy connections.
set -u
top=${srcdir:-.}
bin=${RDPDIAG:-./rdpdiag}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_error DESCRIPTION EXPECTED_STDERR_SUBSTRING ARGS...: exit 2, one line, no stdout
expect_error() {
    what=$1 want=$2
    shift 2
    "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    lines=$(wc -l <"$tmp/err")
    if [ $rc -ne 2 ]; then
        bad "$what: exit $rc, expected 2"
    elif [ "$lines" -ne 1 ]; then
        bad "$what: $lines lines on stderr, expected 1: $(cat "$tmp/err")"
    elif ! grep -q -- "$want" "$tmp/err"; then
        bad "$what: stderr lacks '$want': $(cat "$tmp/err")"
    elif [ -s "$tmp/out" ]; then
        bad "$what: unexpected output on stdout"
    else
        ok
    fi
}

cap=$top/captures
: >"$tmp/empty.pcap"
echo "this is not a capture" >"$tmp/text.pcap"
head -c 10 "$cap/tcp-refused.pcap" >"$tmp/cut-header.pcap"
# a pcap whose link type is 147 (user 0), which rdpdiag does not decode
printf '\324\303\262\241\002\000\004\000\000\000\000\000\000\000\000\000\377\377\000\000\223\000\000\000' >"$tmp/dlt147.pcap"

expect_error "missing file" "No such file" -r "$tmp/nope.pcap"
expect_error "directory" "is a directory" -r "$tmp"
expect_error "empty file" "empty file" -r "$tmp/empty.pcap"
expect_error "text file" "not a pcap or pcapng" -r "$tmp/text.pcap"
expect_error "header cut" "truncated" -r "$tmp/cut-header.pcap"
expect_error "link type" "unsupported link type 147" -r "$tmp/dlt147.pcap"
expect_error "bad filter" "bad filter expression" -r "$cap/tcp-refused.pcap" "tcp port nonsense"
expect_error "no such interface" "no such interface" -i rdpdiag-nonexistent0
expect_error "no input" "give exactly one of" --json
expect_error "unknown option" "unknown option" --frobnicate -r "$cap/tcp-refused.pcap"
expect_error "bad port" "--port takes" --port 70000 -r "$cap/tcp-refused.pcap"
expect_error "wrong key file" "private key" --rsa-key "$cap/tcp-refused.expected" -r "$cap/tcp-refused.pcap"
expect_error "missing key log" "No such file" --keylog "$tmp/nope.keylog" -r "$cap/tcp-refused.pcap"

# A capture cut mid-record: the connections analysed so far, then the error, exit 2.
size=$(wc -c <"$cap/x224-no-response.pcap")
head -c $((size - 7)) "$cap/x224-no-response.pcap" >"$tmp/cut-record.pcap"
"$bin" -q -r "$tmp/cut-record.pcap" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "truncated" "$tmp/err" && [ "$(wc -l <"$tmp/out")" -eq 1 ]; then ok; else
    bad "record cut: exit $rc, stdout $(cat "$tmp/out"), stderr $(cat "$tmp/err")"; fi

# Exit status: 0 with no failure, 1 with one.
"$bin" -q -r "$cap/tls-ok-xrdp.pcap" >/dev/null 2>&1
[ $? -eq 0 ] && ok || bad "healthy capture does not exit 0"
"$bin" -q -r "$cap/tcp-refused.pcap" >/dev/null 2>&1
[ $? -eq 1 ] && ok || bad "failed capture does not exit 1"
"$bin" --version | grep -q "^rdpdiag " && ok || bad "--version"
"$bin" --help | grep -q "Usage: rdpdiag" && ok || bad "--help"

# Standard input, and the same bytes give the same output, byte for byte.
for f in "$cap"/*.pcap; do
    "$bin" --json -r "$f" >"$tmp/a" 2>/dev/null
    "$bin" --json -r - <"$f" >"$tmp/b" 2>/dev/null
    TZ=Asia/Tokyo "$bin" --json -r "$f" >"$tmp/c" 2>/dev/null
    if cmp -s "$tmp/a" "$tmp/b" && cmp -s "$tmp/a" "$tmp/c"; then ok; else bad "output differs: $f"; fi
done

# A healthy connection with an expired certificate: ok, with a warning.
"$bin" --all -r "$cap/cert-expired-ignore.pcap" >"$tmp/out" 2>&1
grep -q "verdict   ok" "$tmp/out" && grep -q "warning   the server certificate had expired" "$tmp/out" &&
    ok || bad "expired certificate accepted: no warning"

# --explain names the causes behind 0x904/0x7; an unknown code is a usage error.
"$bin" --explain 0x904/0x7 | grep -q "credssp_failure" && ok || bad "--explain 0x904/0x7"
"$bin" --explain 0x1234 >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--explain of an unknown code does not exit 2"

# A filter expression is ANDed in, and frame numbers stay those of the file.
"$bin" -q -r "$cap/nla-wrong-password.pcap" "tcp port 53380" >"$tmp/out" 2>&1
[ "$(wc -l <"$tmp/out")" -eq 1 ] && grep -q ":53380 -> " "$tmp/out" && ok || bad "filter: $(cat "$tmp/out")"
"$bin" --json -r "$cap/nla-wrong-password.pcap" "tcp port 53380" | grep -q '"first_frame":26' &&
    ok || bad "filtered frame numbers are not the file's"

# --check: JUnit XML, an unknown field is a usage error, a capture without
# expectations fails, --expect-write never overwrites.
mkdir "$tmp/chk"
cp "$cap/tcp-refused.pcap" "$cap/tcp-refused.expected" "$cap/tcp-syn-dropped.pcap" "$tmp/chk/"
"$bin" --check "$tmp/chk" --junit "$tmp/j.xml" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "tcp-syn-dropped.pcap: no expected-verdict file" "$tmp/out" &&
    grep -q "1 passed, 1 failed, 0 skipped" "$tmp/out"; then ok; else bad "--check orphan: $rc $(cat "$tmp/out")"; fi
python3 -c "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); assert d.documentElement.tagName == 'testsuite'" "$tmp/j.xml" &&
    ok || bad "--junit wrote no valid XML"
"$bin" --expect-write -r "$tmp/chk/tcp-syn-dropped.pcap" >/dev/null 2>&1 &&
    grep -q "^conn 1 outcome=failed phase=tcp closed_by=timeout close=none cause=tcp_no_response" "$tmp/chk/tcp-syn-dropped.expected" &&
    ok || bad "--expect-write"
"$bin" --expect-write -r "$tmp/chk/tcp-syn-dropped.pcap" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "never overwrites" "$tmp/err" && ok || bad "--expect-write overwrote a file"
"$bin" --check "$tmp/chk" >/dev/null 2>&1
[ $? -eq 0 ] && ok || bad "--check after --expect-write"
echo "conn 1 cause=tcp_refused colour=red" >"$tmp/chk/tcp-refused.expected"
"$bin" --check "$tmp/chk" >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "unknown field 'colour'" "$tmp/out" && ok || bad "unknown field: $(cat "$tmp/out")"

# RDP on a port nobody named is recognised by its X.224 Connection Request.
python3 - "$cap/x224-no-response.pcap" "$tmp/port4489.pcap" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
off = 24
while off + 16 <= len(d):
    incl = struct.unpack_from('<I', d, off + 8)[0]
    tcp = off + 16 + 14 + (d[off + 16 + 14] & 15) * 4
    for o in (tcp, tcp + 2):
        if struct.unpack_from('!H', d, o)[0] == 3389:
            struct.pack_into('!H', d, o, 4489)
    off += 16 + incl
open(sys.argv[2], 'wb').write(d)
PY
"$bin" --json -r "$tmp/port4489.pcap" >"$tmp/out" 2>&1
grep -q '"cause":"x224_no_response"' "$tmp/out" && grep -q 'RDP recognised on port 4489' "$tmp/out" &&
    ok || bad "X.224 on port 4489 not recognised: $(cat "$tmp/out")"

# Attempts: the connections of one user action, and the first failure's cause.
"$bin" -r "$cap/dns-stale-record.pcap" >"$tmp/out" 2>&1
grep -q "2 connections, one attempt, succeeded after a failed connection" "$tmp/out" &&
    grep -q "next address of the same DNS name" "$tmp/out" && ok || bad "attempt across DNS addresses"
pub=$top/../shared/public-captures
if [ -d "$pub" ]; then
    "$bin" -r "$pub/rdp-nla-ntlm-rejected1.pcapng" >"$tmp/out" 2>&1
    grep -q "2 connections, one attempt, failed at credssp: credssp_failure (connection 1)" "$tmp/out" &&
        grep -q "automatic retry without NLA" "$tmp/out" && ok || bad "NLA retry attempt"
    [ "$("$bin" --json -r "$pub/rdp-nla-ntlm-rejected1.pcapng" | grep -c '"attempt":1,')" -eq 2 ] &&
        ok || bad "JSON attempt ids"
    "$bin" -r "$pub/rdp-to-ssl.pcap" >"$tmp/out" 2>&1
    grep -q "accepted the certificate prompt and the client reconnected" "$tmp/out" &&
        ok || bad "certificate prompt attempt"
else
    echo "SKIP: ../shared/public-captures not found; public attempt checks not run"
fi

# Inputs the fuzzers found troublesome (timestamps past 2262, a SYN-ACK decades
# after its SYN): each must end with 0, 1 or 2 and, in a sanitizer build, no report.
for f in "$top"/tests/fuzz/crashes/*.pcap "$top"/tests/fuzz/crashes/*.pcapng; do
    [ -f "$f" ] || continue
    "$bin" --json -r "$f" >/dev/null 2>"$tmp/err"
    rc=$?
    if [ $rc -le 2 ] && ! grep -q "runtime error\|AddressSanitizer" "$tmp/err"; then ok; else
        bad "$(basename "$f"): exit $rc $(head -c 300 "$tmp/err")"; fi
done

echo "check-cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
