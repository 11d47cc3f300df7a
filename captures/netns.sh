# captures/netns.sh -- shared helpers for captures/mk-tcp.sh and captures/mk-rdp.sh.
# Sourced, not run.  Bash only.
#
# Topology built by ns_up (all traffic stays inside these namespaces):
#
#   netns rdpd-c  (client)                 netns rdpd-s  (server)
#   veth rdpd-c0  192.0.2.1/24   <----->   veth rdpd-s0  192.0.2.2/24
#
# No default route exists in either namespace, so nothing can leave them.  IPv6 is
# switched off inside both so router solicitations and MLD reports stay out of the
# captures.  TSO/GSO are switched off on both ends (when the kernel lets iproute2 do it)
# so the capture shows wire-sized segments.  tcpdump runs in the client namespace on
# rdpd-c0 (default snaplen, -U --immediate-mode, filter "ip", so ARP stays out), i.e. the captures are
# what a network engineer would see on the client.
#
# Everything started here is recorded in RDPD_PIDS and killed by PID in ns_cleanup,
# which callers install as an EXIT trap.  ns_up deletes leftover namespaces of the same
# names first, so scripts are idempotent.

# A caller may choose other namespace names (set them before sourcing), e.g. a test that
# must not collide with a capture script running at the same time.
RDPD_NS_C=${RDPD_NS_C:-rdpd-c}
RDPD_NS_S=${RDPD_NS_S:-rdpd-s}
RDPD_NS_R=${RDPD_NS_R:-rdpd-r}
RDPD_IP_C=192.0.2.1
RDPD_IP_S=192.0.2.2
RDPD_PIDS=""
RDPD_TCPDUMP_PID=""
RDPD_TCPDUMP_PIDS=""

rdpd_log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }

# Run a command inside the client or server namespace.
in_c() { ip netns exec "$RDPD_NS_C" "$@"; }
in_s() { ip netns exec "$RDPD_NS_S" "$@"; }

ns_down() {
    local ns
    for ns in "$RDPD_NS_C" "$RDPD_NS_S" "$RDPD_NS_R"; do
        if ip netns list | grep -qw "^$ns"; then
            ip netns del "$ns" 2>/dev/null || true
        fi
    done
}

ns_up() {
    ns_down
    RDPD_IP_S=192.0.2.2
    ip netns add "$RDPD_NS_C"
    ip netns add "$RDPD_NS_S"
    ip link add rdpd-c0 netns "$RDPD_NS_C" type veth peer name rdpd-s0 netns "$RDPD_NS_S"
    local ns
    for ns in "$RDPD_NS_C" "$RDPD_NS_S"; do
        ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
        ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
        ip netns exec "$ns" ip link set lo up
    done
    in_c ip addr add "$RDPD_IP_C/24" dev rdpd-c0
    in_s ip addr add "$RDPD_IP_S/24" dev rdpd-s0
    # Wire-sized segments in the capture; older kernels refuse, which is harmless.
    in_c ip link set dev rdpd-c0 gso_max_size 1500 2>/dev/null || true
    in_s ip link set dev rdpd-s0 gso_max_size 1500 2>/dev/null || true
    in_c ip link set rdpd-c0 up
    in_s ip link set rdpd-s0 up
}

# Routed topology (captures/mk-net.sh): a router namespace between client and server,
# so that a middlebox can drop, reject, reset and fragment-block on the path.
#
#   rdpd-c (client)              rdpd-r (router, ip_forward=1)              rdpd-s (server)
#   rdpd-c0 192.0.2.1/24 <--> rdpd-rc 192.0.2.254/24
#                                rdpd-rs 198.51.100.254/24 <--> rdpd-s0 198.51.100.2/24
#
# Client and server only have a route to each other's /24 via the router; the router has
# only its two connected /24s.  Nothing has a default route.  Forwarding is switched on in
# the router namespace only.  Packets the router forwards arrive with TTL 63; packets the
# router itself sends (REJECT's RSTs, injected RSTs) arrive with TTL 64.
RDPD_IP_RC=192.0.2.254
RDPD_IP_RS=198.51.100.254
in_r() { ip netns exec "$RDPD_NS_R" "$@"; }

ns_up_routed() {
    ns_down
    RDPD_IP_S=198.51.100.2
    local ns
    for ns in "$RDPD_NS_C" "$RDPD_NS_R" "$RDPD_NS_S"; do
        ip netns add "$ns"
        ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
        ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
        ip netns exec "$ns" ip link set lo up
    done
    ip link add rdpd-c0 netns "$RDPD_NS_C" type veth peer name rdpd-rc netns "$RDPD_NS_R"
    ip link add rdpd-rs netns "$RDPD_NS_R" type veth peer name rdpd-s0 netns "$RDPD_NS_S"
    in_c ip addr add "$RDPD_IP_C/24" dev rdpd-c0
    in_r ip addr add "$RDPD_IP_RC/24" dev rdpd-rc
    in_r ip addr add "$RDPD_IP_RS/24" dev rdpd-rs
    in_s ip addr add "$RDPD_IP_S/24" dev rdpd-s0
    in_c ip link set dev rdpd-c0 gso_max_size 1500 2>/dev/null || true
    in_r ip link set dev rdpd-rc gso_max_size 1500 2>/dev/null || true
    in_r ip link set dev rdpd-rs gso_max_size 1500 2>/dev/null || true
    in_s ip link set dev rdpd-s0 gso_max_size 1500 2>/dev/null || true
    in_c ip link set rdpd-c0 up
    in_r ip link set rdpd-rc up
    in_r ip link set rdpd-rs up
    in_s ip link set rdpd-s0 up
    in_c ip route add 198.51.100.0/24 via "$RDPD_IP_RC"
    in_s ip route add 192.0.2.0/24 via "$RDPD_IP_RS"
    in_r sysctl -q -w net.ipv4.ip_forward=1
}

# Remember a PID we started, so cleanup kills it (and only it).
track() { RDPD_PIDS="$RDPD_PIDS $1"; }

kill_tracked() {
    local pid
    for pid in $RDPD_PIDS; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in $RDPD_PIDS; do
        wait "$pid" 2>/dev/null || true
    done
    RDPD_PIDS=""
}

ns_cleanup() {
    cap_stop_now
    kill_tracked
    ns_down
}

# cap_start FILE [NS IFACE]: start tcpdump (by default on the client side); returns once
# it is listening.  Several captures may run at once (e.g. both ends of a routed path).
cap_start() {
    local out=$1 ns=${2:-$RDPD_NS_C} dev=${3:-rdpd-c0} log
    log=$(mktemp)
    rm -f "$out"
    ip netns exec "$ns" timeout 300 tcpdump -n -U --immediate-mode -Z root -i "$dev" \
        -w "$out" ip 2>"$log" &
    RDPD_TCPDUMP_PID=$!
    RDPD_TCPDUMP_PIDS="$RDPD_TCPDUMP_PIDS $!"
    local i
    for i in $(seq 1 50); do
        grep -q 'listening on' "$log" && break
        sleep 0.1
    done
    rm -f "$log"
    sleep 0.2
}

# cap_stop_now: stop every tcpdump cap_start started.
cap_stop_now() {
    local pid
    for pid in $RDPD_TCPDUMP_PIDS; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    RDPD_TCPDUMP_PIDS=""
    RDPD_TCPDUMP_PID=""
}

# cap_stop: let the last packets land, then stop tcpdump.
cap_stop() {
    sleep 1
    cap_stop_now
}

# wait_listen NS PORT: wait (bounded) until something listens on PORT in namespace NS.
wait_listen() {
    local ns=$1 port=$2 i
    for i in $(seq 1 100); do
        if ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q .; then
            return 0
        fi
        sleep 0.1
    done
    rdpd_log "nothing listens on $port in $ns after 10 s"
    return 1
}

# A fixed timestamp-free summary of a capture, for the person running the script.
cap_summary() {
    tshark -r "$1" -o tcp.relative_sequence_numbers:TRUE -d tcp.port==3389,tpkt 2>/dev/null |
        head -40
}
