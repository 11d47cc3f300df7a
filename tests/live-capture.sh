#!/bin/bash
# live-capture.sh - rdpdiag on a live interface: a real failing RDP connection between two
# network namespaces must produce its failed verdict, and `--until-failure` must make
# rdpdiag exit by itself, within a bound.
#
# Topology: captures/netns.sh (client 192.0.2.1 -- veth -- server 192.0.2.2, no default
# route, nothing leaves the namespaces), with namespace names of its own (rdpdl-*) so
# that it never collides with a capture script running at the same time.
#
# Scenario, chosen by what is installed:
#   xrdp + xfreerdp + Xvfb: xrdp with security_layer=tls, ssl_protocols=TLSv1.2 and a
#     throw-away self-signed certificate; xfreerdp /sec:nla (NLA only).  xrdp selects TLS,
#     which the client did not offer; the client closes right after the Connection
#     Confirm: cause security_mismatch (as captures/neg-nla-client-vs-tls-server).
#   otherwise: nothing listens on 3389 and a bash /dev/tcp connect is refused: cause
#     tcp_refused.
# rdpdiag runs inside the client namespace: `rdpdiag -i rdpd-c0 --until-failure --json`.
#
# Skips (exit 77, automake's code, with "SKIP: reason") when not root, when network
# namespaces cannot be made (e.g. in an unprivileged container) or when rdpdiag was
# built without live capture.  The whole test is bounded at about 30 s.
# RDPDL_SCENARIO=refused forces the fallback; RDPD_KEEP=1 keeps the work directory (peer
# logs, rdpdiag's output and the packets it saw, -w live.pcap) for debugging.
set -u

top=${srcdir:-.}
bin=${RDPDIAG:-./rdpdiag}
BOUND=20 # seconds rdpdiag may take, from the client's failure, to exit by itself

# shellcheck source=tests/live-lib.sh
. "$top/tests/live-lib.sh"
live_setup rdpdl
chmod 755 "$WORK"

scenario=${RDPDL_SCENARIO:-}
if [ -z "$scenario" ] && command -v xrdp >/dev/null 2>&1 && command -v xfreerdp >/dev/null 2>&1 &&
    command -v Xvfb >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 &&
    command -v python3 >/dev/null 2>&1 && [ -r /etc/xrdp/xrdp.ini ]; then
    scenario=xrdp
fi
[ -n "$scenario" ] || scenario=refused

if [ $scenario = xrdp ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/srv.key" -out "$WORK/srv.pem" \
        -days 30 -subj "/CN=srv.example.test" 2>/dev/null || fail "openssl req failed"
    chmod 644 "$WORK/srv.key"
    python3 "$top/captures/xrdpini.py" /etc/xrdp/xrdp.ini "$WORK/xrdp.ini" \
        Globals.port=3389 Globals.fork=false \
        Logging.LogFile="$WORK/xrdp.log" Logging.EnableSyslog=false \
        Globals.security_layer=tls Globals.ssl_protocols=TLSv1.2 \
        Globals.certificate="$WORK/srv.pem" Globals.key_file="$WORK/srv.key" ||
        fail "cannot write a private xrdp.ini"
    in_s timeout 28 xrdp --nodaemon --config "$WORK/xrdp.ini" >"$WORK/xrdp.out" 2>&1 &
    track $!
    wait_listen "$RDPD_NS_S" 3389 || fail "xrdp did not start (see its log above)"
    in_c timeout 28 Xvfb :74 -nolisten tcp -screen 0 800x600x24 >/dev/null 2>&1 &
    track $!
    want=security_mismatch
else
    want=tcp_refused
fi

# rdpdiag inside the client namespace, on the client's veth.
in_c timeout 28 "$bin" -i rdpd-c0 --until-failure --json -w "$WORK/live.pcap" >"$WORK/out.json" \
    2>"$WORK/err.txt" &
RDPDIAG_PID=$!
sleep 1.5
kill -0 "$RDPDIAG_PID" 2>/dev/null || {
    cat "$WORK/err.txt"
    grep -qi 'not support\|no live\|without libpcap' "$WORK/err.txt" &&
        skip "rdpdiag has no live capture here"
    fail "rdpdiag -i rdpd-c0 exited before the client ran"
}

echo "scenario: $scenario (expect cause $want)"
if [ $scenario = xrdp ]; then
    mkdir -p "$WORK/chome"
    in_c env HOME="$WORK/chome" DISPLAY=:74 timeout -k 2 8 xfreerdp /v:"$RDPD_IP_S":3389 \
        /u:rdpuser /p:secret /sec:nla /cert:ignore /log-level:ERROR >"$WORK/client.out" 2>&1
    echo "xfreerdp exit status: $?"
else
    in_c timeout 5 bash -c "exec 3<>/dev/tcp/$RDPD_IP_S/3389" 2>/dev/null &&
        fail "the connection to a closed port succeeded"
fi

# rdpdiag must see the failure and exit by itself within BOUND seconds.
i=0
while kill -0 "$RDPDIAG_PID" 2>/dev/null && [ $i -lt $((BOUND * 10)) ]; do
    sleep 0.1
    i=$((i + 1))
done
if kill -0 "$RDPDIAG_PID" 2>/dev/null; then
    echo "--- rdpdiag stdout:"
    cat "$WORK/out.json"
    echo "--- rdpdiag stderr:"
    cat "$WORK/err.txt"
    fail "rdpdiag --until-failure still running ${BOUND}s after the failed connection"
fi
wait "$RDPDIAG_PID"
rc=$?
RDPDIAG_PID=""
echo "rdpdiag exit status: $rc (after $((i / 10)).$((i % 10)) s)"
cat "$WORK/out.json"

[ $rc -eq 1 ] || {
    cat "$WORK/err.txt"
    fail "rdpdiag exit status $rc, expected 1 (a failed connection)"
}
grep -q '"outcome": *"failed"' "$WORK/out.json" || fail "no failed verdict in the JSON output"
grep -q "\"cause\": *\"$want\"" "$WORK/out.json" || fail "cause is not $want"
grep -q "\"server\": *{[^}]*\"ip\": *\"$RDPD_IP_S\"" "$WORK/out.json" ||
    fail "the verdict does not name the server $RDPD_IP_S"
echo "PASS: live capture gave cause $want and rdpdiag exited by itself"
exit 0
