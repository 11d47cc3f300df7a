#!/usr/bin/env python3
"""captures/rstinject.py -- an on-path middlebox that resets a TCP connection at both ends.

  rstinject.py IFACE PORT --after SECONDS --quiet SECONDS --deadline SECONDS [--ttl N]

Run in the router namespace of captures/netns.sh (ns_up_routed) by captures/mk-net.sh.
It watches IFACE (the router's client-facing veth) with an AF_PACKET socket, follows the
first TCP connection to PORT (the one whose SYN it sees), and keeps each direction's next
sequence number (seq + payload length, + 1 for SYN and FIN).  Once the connection is at
least --after seconds old and has been silent for --quiet seconds, it sends two RSTs from
a raw IP socket:

  to the client, claiming to come from the server: seq = the server's next sequence number
  to the server, claiming to come from the client: seq = the client's next sequence number

Exactly the receiver's RCV.NXT, so both stacks accept them (RFC 793 3.4; RFC 5961 3.2
asks for an exact match).  The RSTs carry TTL --ttl (default 64, what the router's own
packets carry, while forwarded packets arrive with 63) and IP ID 0 in the header, which the
kernel replaces with an ID of its own (raw sockets do that for ID 0), so the ends can tell
they are not the peer's.  If one end keeps talking afterwards (a RST lost in a race), the
RSTs are sent again with fresh numbers, at most 3 times.  Exits 0 after the RSTs, 1 when
--deadline passed first.  Python 3 standard library only; needs CAP_NET_RAW.
"""

import argparse
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
TCP_FIN, TCP_SYN, TCP_RST = 0x01, 0x02, 0x04


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def rst_packet(src: str, dst: str, sport: int, dport: int, seq: int, ttl: int) -> bytes:
    """IPv4 header (20 bytes, no options) + TCP header (20 bytes, RST only, window 0)."""
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, TCP_RST, 0, 0, 0)
    pseudo = s + d + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 0, 0, ttl, socket.IPPROTO_TCP, 0, s, d)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def parse(frame: bytes):
    """Ethernet/IPv4/TCP -> (src, dst, sport, dport, seq, flags, payload_len) or None."""
    if len(frame) < 14 + 20 + 20 or struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    if ip[0] >> 4 != 4 or ip[9] != socket.IPPROTO_TCP or ihl < 20:
        return None
    total = struct.unpack("!H", ip[2:4])[0]
    tcp = ip[ihl:]
    if len(tcp) < 20:
        return None
    sport, dport, seq = struct.unpack("!HHI", tcp[:8])
    doff = (tcp[12] >> 4) * 4
    flags = tcp[13]
    plen = max(0, total - ihl - doff)
    return (socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20]), sport, dport, seq,
            flags, plen)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("port", type=int)
    ap.add_argument("--after", type=float, default=3.0)
    ap.add_argument("--quiet", type=float, default=0.5)
    ap.add_argument("--deadline", type=float, default=20.0)
    ap.add_argument("--ttl", type=int, default=64)
    a = ap.parse_args()

    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sniff.bind((a.iface, 0))
    sniff.settimeout(0.05)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)

    end = time.monotonic() + a.deadline
    conn = None  # (client, cport, server, sport)
    nxt = {}  # "c" / "s" -> next sequence number of that side
    born = last = 0.0
    sent = 0
    while time.monotonic() < end and sent < 3:
        try:
            p = parse(sniff.recv(65535))
        except socket.timeout:
            p = None
        now = time.monotonic()
        if p is not None:
            src, dst, sp, dp, seq, flags, plen = p
            if conn is None and dp == a.port and flags & TCP_SYN and not flags & 0x10:
                conn, born = (src, sp, dst, dp), now
            if conn is not None and flags & TCP_RST == 0:
                side = None
                if (src, sp, dst, dp) == conn:
                    side = "c"
                elif (dst, dp, src, sp) == conn:
                    side = "s"
                if side is not None:
                    n = (seq + plen + (1 if flags & (TCP_SYN | TCP_FIN) else 0)) & 0xFFFFFFFF
                    old = nxt.get(side)
                    if old is None or ((n - old) & 0xFFFFFFFF) < 0x80000000:
                        nxt[side] = n
                    last = now
        if (conn is None or len(nxt) < 2 or now - born < a.after or now - last < a.quiet):
            continue
        c, cp, s, sp = conn
        raw.sendto(rst_packet(s, c, sp, cp, nxt["s"], a.ttl), (c, 0))
        raw.sendto(rst_packet(c, s, cp, sp, nxt["c"], a.ttl), (s, 0))
        print(f"rstinject: RST to {c}:{cp} seq={nxt['s']}, to {s}:{sp} seq={nxt['c']}",
              file=sys.stderr)
        sent += 1
        # Watch for a second: if neither end sends anything, both RSTs were accepted.
        born = now
        a.after = 1.0
        last = now
        quiet_until = now + 1.0
        heard = False
        while time.monotonic() < quiet_until:
            try:
                q = parse(sniff.recv(65535))
            except socket.timeout:
                continue
            if q is None or q[5] & TCP_RST:
                continue
            if (q[0], q[2]) in ((c, cp), (s, sp)) and q[1] in (c, s):
                heard = True
                n = (q[4] + q[6] + (1 if q[5] & (TCP_SYN | TCP_FIN) else 0)) & 0xFFFFFFFF
                nxt["c" if (q[0], q[2]) == (c, cp) else "s"] = n
                last = time.monotonic()
        if not heard:
            return 0
    return 0 if sent else 1


if __name__ == "__main__":
    sys.exit(main())
