#!/usr/bin/env python3
"""gen_synflood.py - a SYN flood capture: N distinct connections to port 3389, one SYN each.

Writes a classic pcap (little-endian, microsecond timestamps, LINKTYPE_ETHERNET)
of --count Ethernet/IPv4/TCP SYN frames, one every --interval-us microseconds.
Every SYN comes from a distinct client: source address 10.0.0.0/8 + n // 16384
and source port 49152 + n % 16384, so no 5-tuple repeats.  None is answered:
for rdpdiag each is a connection in the tcp phase that the connection table
must hold, evict when full, and report.  The IPv4 header checksum and the TCP
checksum (RFC 9293 3.1, over the RFC 768-style pseudo-header) are correct.
Output depends only on the options.

Usage: gen_synflood.py --out FILE [--count 1000000] [--interval-us 20]
"""
import argparse
import struct
import sys

SERVER = bytes([192, 0, 2, 10])  # RFC 5737 documentation address
SERVER_PORT = 3389
START_US = 1_700_000_000 * 10**6  # fixed capture start: deterministic output
PORTS = 16384


def fold(s):
    """One's-complement 16-bit sum folded to the final checksum."""
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def words(b):
    """Sum of the big-endian 16-bit words of b (even length)."""
    return sum(struct.unpack(f'!{len(b) // 2}H', b))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--count', type=int, default=1_000_000)
    ap.add_argument('--interval-us', type=int, default=20)
    a = ap.parse_args()
    if a.count > PORTS * (1 << 24):
        sys.exit('--count too large for distinct 10/8 addresses and ports')

    eth = bytes.fromhex('020000000001' '020000000002' '0800')
    # TCP options of a Windows SYN: MSS 1460, NOP, WS 8, NOP, NOP, SACK permitted.
    opts = bytes.fromhex('020405b4' '01030308' '01010402')
    tcp_len = 20 + len(opts)
    ip_len = 20 + tcp_len
    # Constant parts of the checksums (zero checksum fields, variable fields left out).
    ip_const = words(struct.pack('!BBHHHBBH4s', 0x45, 0, ip_len, 0, 0x4000, 128, 6, 0, SERVER))
    tcp_const = (words(SERVER) + 6 + tcp_len +
                 words(struct.pack('!HHIIBBHHH', 0, SERVER_PORT, 0, 0, (tcp_len // 4) << 4,
                                   0x02, 64240, 0, 0)) + words(opts))
    rec = struct.Struct('<IIII')
    frame_len = 14 + ip_len
    with open(a.out, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        out = []
        for n in range(a.count):
            host = (10 << 24) + 1 + n // PORTS
            src = host.to_bytes(4, 'big')
            sport = 49152 + n % PORTS
            ipid = n & 0xFFFF
            seq = (n * 2654435761) & 0xFFFFFFFF
            hw = (host >> 16) + (host & 0xFFFF)
            ip_sum = fold(ip_const + ipid + hw)
            tcp_sum = fold(tcp_const + hw + sport + (seq >> 16) + (seq & 0xFFFF))
            ts = START_US + n * a.interval_us
            out.append(rec.pack(ts // 10**6, ts % 10**6, frame_len, frame_len))
            out.append(eth)
            out.append(struct.pack('!BBHHHBBH4s4s', 0x45, 0, ip_len, ipid, 0x4000, 128, 6,
                                   ip_sum, src, SERVER))
            out.append(struct.pack('!HHIIBBHHH', sport, SERVER_PORT, seq, 0, (tcp_len // 4) << 4,
                                   0x02, 64240, tcp_sum, 0))
            out.append(opts)
            if len(out) >= 50000:
                f.write(b''.join(out))
                out.clear()
        f.write(b''.join(out))
    span = a.count * a.interval_us / 1e6
    print(f'wrote {a.out}: {a.count} SYNs from distinct clients to port {SERVER_PORT}, '
          f'{frame_len} bytes each, span {span:.1f} s')


if __name__ == '__main__':
    main()
