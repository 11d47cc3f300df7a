#!/bin/bash
# captures/mk-net.sh -- make rdpdiag's network-fault captures: real RDP peers with a
# middlebox (a router namespace) between them that drops, rejects, resets or blackholes.
#
# Usage:  sudo captures/mk-net.sh all | list | NAME...
# Writes captures/NAME.pcap next to this script (overwriting it); some scenarios also
# write NAME-server.pcap, the same connection seen on the server's veth.  The matching
# .expected files are written by hand from tshark's view of the packets.
#
# Needs root on Debian 12 and these packages (the script installs nothing):
#   iproute2, iptables, tcpdump, tshark, xrdp, freerdp2-x11, xvfb, openssl, python3.
#
# Topology (captures/netns.sh, ns_up_routed): client rdpd-c 192.0.2.1 -- router rdpd-r
# (192.0.2.254 | 198.51.100.254, ip_forward=1 in that namespace only) -- server rdpd-s
# 198.51.100.2.  No default routes: nothing leaves the namespaces.  The capture is taken
# on the client's veth (what a network engineer sees at the client): packets the server
# sends arrive with TTL 63, packets the router makes itself with TTL 64.
#
# Peers: xrdp 0.9.21 (security_layer=tls, ssl_protocols=TLSv1.2 so that the certificate is
# in clear, a self-signed 4096-bit test certificate made per run so that the server's
# flight spans two segments) and xfreerdp 2.11 /sec:tls /cert:ignore under Xvfb.  Every
# process is bounded by `timeout`; the namespaces (with their iptables rules and sysctls),
# the temporary directory and the processes this script started (by PID) go on exit.
#
# Scenarios:
#   mb-reset-clienthello  the router REJECTs --reject-with tcp-reset the client's segment
#                         whose first payload byte is 0x16 (the TLS ClientHello record):
#                         the client gets a RST "from the server" with TTL 64; the server
#                         never sees the ClientHello.
#   drop-after-cc         the router lets the server's X.224 Connection Confirm through
#                         (first payload byte 0x03, -m recent --set) and then drops every
#                         server->client packet.  net.ipv4.tcp_retries2=5 in the client
#                         namespace (Windows' TcpMaxDataRetransmissions is 5 too), so the
#                         client's kernel gives up on its unacknowledged ClientHello after
#                         about 12 s without sending FIN or RST.
#   mtu-blackhole         the router's client-facing link has MTU 1000 and the router's
#                         ICMP "fragmentation needed" messages are dropped (OUTPUT chain):
#                         the server's full-size segment of its TLS flight (ServerHello +
#                         Certificate...) never arrives, the smaller last segment does.
#                         Also written: mtu-blackhole-server.pcap (the server's veth, where
#                         the full-size retransmissions are visible).
#   delay-loss            tc netem on the router (delay + loss).  Skipped with a message
#                         when the kernel has no sch_netem (no .pcap written).
#   rst-both-ends         captures/rstinject.py in the router sends, once the xrdp session
#                         has been quiet for 0.5 s (>= 3 s after the SYN), a RST to each
#                         end claiming to be the other, with exact sequence numbers and
#                         TTL 64.  Also written: rst-both-ends-server.pcap.
#   idle-then-reset       the router tracks connections (nf_conntrack_tcp_loose=0,
#                         established timeout 3 s) and REJECTs with tcp-reset what conntrack
#                         calls INVALID.  The session goes quiet after its first second;
#                         the client's next packet after the idle period (its TCP
#                         keep-alive, or its FIN at the end) hits the expired state and is
#                         answered by the router's RST.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=captures/netns.sh
. "$HERE/netns.sh"
PORT=3389
CLI_DISPLAY=:73
WORK=""
# u32: the first byte of the TCP payload of an IPv4 packet (IHL and data offset honoured).
U32_FIRST_BYTE='0>>22&0x3C@12>>26&0x3C@0>>24'

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
WORK=$(mktemp -d /tmp/rdpd-net.XXXXXX)
chmod 755 "$WORK"

make_cert() {
    openssl req -x509 -newkey rsa:4096 -nodes -keyout "$WORK/srv.key" -out "$WORK/srv.pem" \
        -days 7300 -subj "/CN=srv.example.test" \
        -addext "subjectAltName=DNS:srv.example.test" 2>/dev/null
    chmod 644 "$WORK/srv.key"
}

xrdp_start() {
    python3 "$HERE/xrdpini.py" /etc/xrdp/xrdp.ini "$WORK/xrdp.ini" \
        Globals.port="$PORT" Globals.fork=false \
        Logging.LogFile="$WORK/xrdp.log" Logging.EnableSyslog=false \
        Globals.security_layer=tls Globals.ssl_protocols=TLSv1.2 \
        Globals.certificate="$WORK/srv.pem" Globals.key_file="$WORK/srv.key" "$@"
    in_s timeout 120 xrdp --nodaemon --config "$WORK/xrdp.ini" >"$WORK/xrdp.out" 2>&1 &
    track $!
    wait_listen "$RDPD_NS_S" "$PORT"
}

# client SECONDS: xfreerdp /sec:tls to the server, bounded by SECONDS (then SIGTERM).
client() {
    local secs=$1
    rm -rf "$WORK/chome"
    mkdir -p "$WORK/chome"
    in_c timeout 120 Xvfb "$CLI_DISPLAY" -nolisten tcp -screen 0 1024x768x24 >/dev/null 2>&1 &
    track $!
    sleep 1
    in_c env HOME="$WORK/chome" DISPLAY="$CLI_DISPLAY" \
        timeout -k 3 "$secs" xfreerdp /v:"$RDPD_IP_S":"$PORT" /size:800x600 /log-level:INFO \
        /u:rdpuser /sec:tls /cert:ignore >"$WORK/client.out" 2>&1 || true
    grep -E 'ERROR|WARN|error' "$WORK/client.out" | grep -v 'com.freerdp.utils\] - [0-9]*:' |
        head -8 >&2 || true
}

mk_mb_reset_clienthello() {
    xrdp_start
    in_r iptables -A FORWARD -p tcp -s "$RDPD_IP_C" --dport "$PORT" \
        -m u32 --u32 "$U32_FIRST_BYTE=0x16" -j REJECT --reject-with tcp-reset
    cap_start "$1"
    client 10
    cap_stop
}

mk_drop_after_cc() {
    xrdp_start
    in_c sysctl -q -w net.ipv4.tcp_retries2=5
    in_r iptables -A FORWARD -p tcp -s "$RDPD_IP_S" --sport "$PORT" \
        -m recent --name rdpdcc --rcheck -j DROP
    in_r iptables -A FORWARD -p tcp -s "$RDPD_IP_S" --sport "$PORT" \
        -m u32 --u32 "$U32_FIRST_BYTE=0x03" -m recent --name rdpdcc --set -j ACCEPT
    cap_start "$1"
    client 40
    cap_stop
}

mk_mtu_blackhole() {
    xrdp_start
    in_r ip link set dev rdpd-rc mtu 1000
    in_r iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j DROP
    cap_start "$1"
    cap_start "${1%.pcap}-server.pcap" "$RDPD_NS_S" rdpd-s0
    client 20
    cap_stop
}

mk_delay_loss() {
    xrdp_start
    if ! in_r tc qdisc add dev rdpd-rc root netem delay 150ms 20ms loss 3% 2>/dev/null; then
        rdpd_log "SKIP delay-loss: tc netem is not available (no sch_netem in this kernel)"
        return 3
    fi
    in_r tc qdisc add dev rdpd-rs root netem delay 150ms 20ms loss 3%
    cap_start "$1"
    client 10
    cap_stop
}

mk_rst_both_ends() {
    xrdp_start
    in_r timeout 30 python3 "$HERE/rstinject.py" rdpd-rc "$PORT" --after 3 --quiet 0.5 \
        --deadline 25 &
    track $!
    sleep 0.3
    cap_start "$1"
    cap_start "${1%.pcap}-server.pcap" "$RDPD_NS_S" rdpd-s0
    client 10
    cap_stop
}

mk_idle_then_reset() {
    xrdp_start
    in_r iptables -A FORWARD -p tcp -m conntrack --ctstate INVALID \
        -j REJECT --reject-with tcp-reset
    in_r sysctl -q -w net.netfilter.nf_conntrack_tcp_loose=0
    in_r sysctl -q -w net.netfilter.nf_conntrack_tcp_timeout_established=3
    cap_start "$1"
    client 12
    cap_stop
}

ALL="mb-reset-clienthello drop-after-cc mtu-blackhole delay-loss rst-both-ends
idle-then-reset"

run_one() {
    local name=$1 fn rc=0
    fn="mk_$(printf '%s' "$name" | tr '-' '_')"
    if ! declare -F "$fn" >/dev/null; then
        rdpd_log "unknown scenario: $name (known: $(echo $ALL))"
        exit 2
    fi
    rdpd_log "== $name"
    ns_up_routed
    "$fn" "$HERE/$name.pcap" || rc=$?
    kill_tracked
    ns_down
    if [ $rc -eq 0 ]; then
        cap_summary "$HERE/$name.pcap"
    elif [ $rc -ne 3 ]; then
        exit $rc
    fi
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
make_cert
for n in "$@"; do
    run_one "$n"
done
