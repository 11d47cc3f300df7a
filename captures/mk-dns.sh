#!/bin/bash
# captures/mk-dns.sh -- make rdpdiag's name-resolution captures: the client resolves the
# server's name with a real DNS resolver and then connects to what the answer says.
#
# Usage:  sudo captures/mk-dns.sh all | list | NAME...
# Writes captures/NAME.pcap next to this script (overwriting it).  The matching
# captures/NAME.expected files are written by hand from tshark's view of the packets.
#
# Needs root on Debian 12 and these packages (the script installs nothing):
#   iproute2, iptables, tcpdump, tshark, dnsmasq-base (the resolver: /usr/sbin/dnsmasq),
#   xrdp, freerdp2-x11, xvfb, openssl, python3.
#
# Topology (captures/netns.sh, ns_up_routed, under this script's own namespace names
# rdpd-dc / rdpd-dr / rdpd-ds so that it cannot collide with mk-tcp/mk-rdp/mk-net runs):
# client 192.0.2.1 -- router 192.0.2.254 | 198.51.100.254 (ip_forward=1 in that namespace
# only) -- server 198.51.100.2.  No default routes: nothing leaves the namespaces.  The
# capture is taken on the client's veth (what a network engineer sees at the client),
# filter "ip": the DNS exchange and both TCP connections.
#
# Peers:
#   resolver  dnsmasq in the router namespace, listening on 192.0.2.254:53 only, from its
#             own configuration file in the temporary directory (--conf-file=FILE
#             --no-resolv --no-hosts, --keep-in-foreground, no PID file, no DHCP): it
#             knows srv.example.test and nothing else (no upstream servers).
#   server    xrdp 0.9.21 in the foreground from a private xrdp.ini (captures/xrdpini.py):
#             security_layer=tls, ssl_protocols=TLSv1.2, a self-signed test certificate
#             CN=srv.example.test made per run.
#   client    python3 (inline below): a hand-built DNS A query for srv.example.test sent
#             to 192.0.2.254 over UDP, the answer's addresses printed in answer order;
#             then a plain TCP connect() to the first address bounded at 5 s (what a
#             client's own connect timeout does), then xfreerdp 2.11 /sec:tls /cert:ignore
#             /u:rdpuser under Xvfb to the next address, stopped by SIGTERM after 5 s.
# Every process is bounded by `timeout`; the namespaces (with their iptables rules), the
# temporary directory and the processes this script started (by PID) go on exit.  Nothing
# under /etc is read by the client's resolver or changed (the query goes to the
# resolver's address explicitly; no resolv.conf is involved).
#
# Scenarios:
#   dns-stale-record  dnsmasq answers srv.example.test with TWO A records, the stale one
#                     first: 198.51.100.99 (in the server's subnet, routed by the router,
#                     owned by nobody: the router's ARP for it goes unanswered and the
#                     router's ICMP host-unreachable is dropped in its OUTPUT chain, so
#                     the client's SYNs simply vanish) and 198.51.100.2 (the real xrdp).
#                     The client tries them in answer order: three SYNs to the dead
#                     address (t=0, 1, 3 s), gives up at 5 s (socket still in SYN-SENT:
#                     no RST), then reaches xrdp's login screen at the second address.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
RDPD_NS_C=${RDPD_NS_C:-rdpd-dc}
RDPD_NS_S=${RDPD_NS_S:-rdpd-ds}
RDPD_NS_R=${RDPD_NS_R:-rdpd-dr}
# shellcheck source=captures/netns.sh
. "$HERE/netns.sh"
PORT=3389
CLI_DISPLAY=:74
NAME_SRV=srv.example.test
DEAD_IP=198.51.100.99
WORK=""

if [ "$(id -u)" != 0 ]; then
    rdpd_log "must run as root (network namespaces, tcpdump)"
    exit 2
fi
for tool in dnsmasq xrdp xfreerdp Xvfb tcpdump tshark iptables openssl python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        rdpd_log "missing $tool (see this script's header for the Debian packages)"
        exit 2
    fi
done
cleanup() {
    ns_cleanup
    if [ -n "$WORK" ] && [ -z "${RDPD_KEEP:-}" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
WORK=$(mktemp -d /tmp/rdpd-dns.XXXXXX)
chmod 755 "$WORK"

make_cert() {
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/srv.key" -out "$WORK/srv.pem" \
        -days 7300 -subj "/CN=$NAME_SRV" -addext "subjectAltName=DNS:$NAME_SRV" 2>/dev/null
    chmod 644 "$WORK/srv.key"
}

xrdp_start() {
    python3 "$HERE/xrdpini.py" /etc/xrdp/xrdp.ini "$WORK/xrdp.ini" \
        Globals.port="$PORT" Globals.fork=false \
        Logging.LogFile="$WORK/xrdp.log" Logging.EnableSyslog=false \
        Globals.security_layer=tls Globals.ssl_protocols=TLSv1.2 \
        Globals.certificate="$WORK/srv.pem" Globals.key_file="$WORK/srv.key"
    in_s timeout 120 xrdp --nodaemon --config "$WORK/xrdp.ini" >"$WORK/xrdp.out" 2>&1 &
    track $!
    wait_listen "$RDPD_NS_S" "$PORT"
}

# dnsmasq_start A-ADDRESS...: the router's resolver, answering $NAME_SRV with these A
# records (in this order), nothing else.
dnsmasq_start() {
    local a
    {
        echo "port=53"
        echo "listen-address=$RDPD_IP_RC"
        echo "bind-interfaces"
        echo "no-resolv"
        echo "no-hosts"
        echo "no-poll"
        echo "local-ttl=300"
        echo "local=/example.test/"
        for a in "$@"; do
            echo "host-record=$NAME_SRV,$a,300"
        done
    } >"$WORK/dnsmasq.conf"
    in_r timeout 120 dnsmasq --keep-in-foreground --conf-file="$WORK/dnsmasq.conf" \
        --no-resolv --no-hosts --pid-file= --user=root --log-queries \
        --log-facility="$WORK/dnsmasq.log" >"$WORK/dnsmasq.out" 2>&1 &
    track $!
    for _ in $(seq 1 50); do
        if in_r ss -Hlun "sport = :53" | grep -q .; then
            return 0
        fi
        sleep 0.1
    done
    rdpd_log "dnsmasq does not listen on $RDPD_IP_RC:53 after 5 s"
    cat "$WORK/dnsmasq.out" >&2 || true
    return 1
}

# The client's resolver and plain connect, in python3 (standard library only).
#   resolve SERVER NAME: one A query over UDP (3 tries, 2 s each); prints the A records
#                        in answer order, one a line.
#   connect ADDR PORT SECONDS: connect() bounded at SECONDS; prints "connected" or why not.
cat_pyclient() {
    cat <<'PY'
import socket, struct, sys

def resolve(server, name):
    qid = 0x5244
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode("ascii")
    q += b"\x00" + struct.pack("!HH", 1, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    for _ in range(3):
        s.sendto(q, (server, 53))
        try:
            r, _ = s.recvfrom(4096)
        except socket.timeout:
            continue
        if len(r) >= 12 and struct.unpack("!H", r[:2])[0] == qid:
            break
    else:
        sys.exit("no answer from %s" % server)
    _, flags, qd, an = struct.unpack("!HHHH", r[:8])
    if flags & 0x000F:
        sys.exit("rcode %d" % (flags & 0x000F))

    def skip_name(p):
        for _ in range(128):
            n = r[p]
            if n == 0:
                return p + 1
            if n & 0xC0 == 0xC0:
                return p + 2
            p += 1 + n
        raise ValueError("name too long")

    p = 12
    for _ in range(qd):
        p = skip_name(p) + 4
    for _ in range(an):
        p = skip_name(p)
        rtype, rclass, _, rdlen = struct.unpack("!HHIH", r[p:p + 10])
        p += 10
        if rtype == 1 and rclass == 1 and rdlen == 4:
            print(socket.inet_ntoa(r[p:p + 4]))
        p += rdlen

def connect(addr, port, secs):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(float(secs))
    try:
        s.connect((addr, int(port)))
        print("connected")
    except OSError as e:
        print("not connected: %s" % (e.strerror or e))
    s.close()

if sys.argv[1] == "resolve":
    resolve(sys.argv[2], sys.argv[3])
else:
    connect(sys.argv[2], sys.argv[3], sys.argv[4])
PY
}

pyclient() { in_c timeout 20 python3 "$WORK/client.py" "$@"; }

# xfreerdp_to ADDR SECONDS: xfreerdp /sec:tls to ADDR, bounded by SECONDS (then SIGTERM).
xfreerdp_to() {
    local addr=$1 secs=$2
    rm -rf "$WORK/chome"
    mkdir -p "$WORK/chome"
    in_c timeout 120 Xvfb "$CLI_DISPLAY" -nolisten tcp -screen 0 1024x768x24 >/dev/null 2>&1 &
    track $!
    sleep 1
    in_c env HOME="$WORK/chome" DISPLAY="$CLI_DISPLAY" \
        timeout -k 3 "$secs" xfreerdp /v:"$addr":"$PORT" /size:800x600 /log-level:INFO \
        /u:rdpuser /sec:tls /cert:ignore >"$WORK/client.out" 2>&1 || true
    grep -E 'ERROR|WARN|error' "$WORK/client.out" | grep -v 'com.freerdp.utils\] - [0-9]*:' |
        head -8 >&2 || true
}

mk_dns_stale_record() {
    local addrs first rest
    xrdp_start
    dnsmasq_start "$DEAD_IP" "$RDPD_IP_S"
    # The dead address is routable (the router has 198.51.100.0/24) but nobody owns it;
    # the router's "host unreachable" after its failed ARP is dropped, as many networks do.
    in_r iptables -A OUTPUT -p icmp --icmp-type host-unreachable -j DROP
    cat_pyclient >"$WORK/client.py"
    cap_start "$1"
    addrs=$(pyclient resolve "$RDPD_IP_RC" "$NAME_SRV")
    rdpd_log "$NAME_SRV -> ${addrs//$'\n'/ }"
    first=$(printf '%s\n' "$addrs" | sed -n 1p)
    rest=$(printf '%s\n' "$addrs" | sed -n 2p)
    if [ "$first" != "$DEAD_IP" ] || [ "$rest" != "$RDPD_IP_S" ]; then
        rdpd_log "unexpected answer order: ${addrs//$'\n'/ } (want $DEAD_IP $RDPD_IP_S)"
        return 1
    fi
    rdpd_log "connect $first:$PORT: $(pyclient connect "$first" "$PORT" 5)"
    xfreerdp_to "$rest" 5
    cap_stop
}

ALL="dns-stale-record"

run_one() {
    local name=$1 fn
    fn="mk_$(printf '%s' "$name" | tr '-' '_')"
    if ! declare -F "$fn" >/dev/null; then
        rdpd_log "unknown scenario: $name (known: $ALL)"
        exit 2
    fi
    rdpd_log "== $name"
    ns_up_routed
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
make_cert
for n in "$@"; do
    run_one "$n"
done
