#!/bin/bash
# captures/mk-tcp.sh -- make rdpdiag's TCP-level sample captures with real Linux TCP stacks.
#
# Usage:  sudo captures/mk-tcp.sh all | NAME...
#   NAME is one of: tcp-refused tcp-syn-dropped tcp-clean-close x224-no-response
#                   not-rdp-http not-rdp-ssh-banner
# Writes captures/NAME.pcap next to this script (overwriting it).  The matching
# captures/NAME.expected files are written by hand from tshark's view of the packets.
#
# Needs root on Debian 12 and these packages (the script installs nothing):
#   iproute2, iptables, tcpdump, tshark, python3.
#
# What it does: builds two network namespaces joined by a veth pair (see captures/netns.sh:
# client rdpd-c 192.0.2.1, server rdpd-s 192.0.2.2, no default route, IPv6 off), captures
# on the client's veth with tcpdump, and runs real sockets: captures/tcppeer.py (python3)
# as client and listener, python3's http.server as a wrong server.  Every process is
# bounded by `timeout`; the namespaces (and the iptables rules inside them) are deleted on
# exit, and only the PIDs this script started are killed.
#
# Scenarios:
#   tcp-refused         nothing listens on 3389; the server's kernel answers the SYN
#                       with RST,ACK.
#   tcp-syn-dropped     iptables in the server namespace DROPs SYNs to 3389; the client
#                       retransmits its SYN (about 1 s, 3 s, 7 s) and gives up after 8 s.
#   tcp-clean-close     a listener accepts; the client connects, sends nothing, closes
#                       after 1 s; the listener closes on EOF (FIN both ways).
#   x224-no-response    a listener accepts and reads but never answers; the client sends
#                       an X.224 Connection Request (RDP_NEG_REQ SSL|HYBRID, cookie
#                       mstshash=test), waits 5 s, closes; the listener closes on EOF.
#   not-rdp-http        `python3 -m http.server` listens on 3389; the client sends the
#                       same Connection Request and reads for 5 s; http.server takes
#                       the CR's first line for an HTTP/0.9 request, answers with its
#                       400 error page (HTTP/0.9: no status line) and closes.
#   not-rdp-ssh-banner  a listener sends "SSH-2.0-OpenSSH_9.2p1 Debian\r\n" at once and
#                       then only reads; the client sends the Connection Request, reads
#                       for 3 s and closes; the listener closes on EOF.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=captures/netns.sh
. "$HERE/netns.sh"
PEER="$HERE/tcppeer.py"
PORT=3389

if [ "$(id -u)" != 0 ]; then
    rdpd_log "must run as root (network namespaces, tcpdump)"
    exit 2
fi
trap ns_cleanup EXIT
trap 'exit 130' INT TERM

client() { in_c timeout 20 python3 "$PEER" client "$RDPD_IP_S" "$PORT" "$@"; }

start_server() {
    in_s timeout 30 "$@" &
    track $!
    wait_listen "$RDPD_NS_S" "$PORT"
}

mk_tcp_refused() {
    cap_start "$1"
    client --connect-timeout 5
    cap_stop
}

mk_tcp_syn_dropped() {
    in_s iptables -A INPUT -p tcp --dport "$PORT" --syn -j DROP
    cap_start "$1"
    client --connect-timeout 8
    cap_stop
}

mk_tcp_clean_close() {
    start_server python3 "$PEER" server "$RDPD_IP_S" "$PORT" --silent --max 20
    cap_start "$1"
    client --wait 1
    sleep 0.5
    cap_stop
}

mk_x224_no_response() {
    start_server python3 "$PEER" server "$RDPD_IP_S" "$PORT" --silent --max 20
    cap_start "$1"
    client --send-cr --wait 5
    sleep 0.5
    cap_stop
}

mk_not_rdp_http() {
    local dir
    dir=$(mktemp -d)
    echo "srv.example.test" >"$dir/index.html"
    start_server python3 -m http.server --bind "$RDPD_IP_S" --directory "$dir" "$PORT"
    cap_start "$1"
    client --send-cr --wait 5
    sleep 0.5
    cap_stop
    rm -rf "$dir"
}

mk_not_rdp_ssh_banner() {
    start_server python3 "$PEER" server "$RDPD_IP_S" "$PORT" \
        --banner 'SSH-2.0-OpenSSH_9.2p1 Debian\r\n' --max 20
    cap_start "$1"
    client --send-cr --wait 3
    sleep 0.5
    cap_stop
}

ALL="tcp-refused tcp-syn-dropped tcp-clean-close x224-no-response not-rdp-http
not-rdp-ssh-banner"

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
    echo "usage: $0 all | NAME..." >&2
    exit 2
fi
if [ "$1" = all ]; then
    set -- $ALL
fi
for n in "$@"; do
    run_one "$n"
done
