#!/usr/bin/env python3
"""gen_long_session.py - one RDP session lasting --hours of capture time.

Takes one real connection from a public capture (classic pcap, Ethernet,
IPv4): by default the second connection of rdp-to-ssl.pcap (Windows 7 client,
Windows Server 2008 R2, NLA over TLS 1.0, reaches the active phase).  Its
frames are copied unchanged up to, not including, its first FIN or RST.  Then
the session goes on for --hours:
  * every --interval seconds one side sends a small TLS application-data
    record (RFC 5246 6.2: type 23, the session's record version, a length,
    pseudo-random bytes), alternating client and server, each acknowledged
    by the peer 1 ms later;
  * every --pause-every seconds the session goes quiet for --pause seconds,
    during which the client sends a TCP keep-alive every --keepalive seconds
    (RFC 9293 3.8.4: SEG.SEQ = SND.NXT - 1 and one garbage byte), each
    acknowledged by the server;
  * at the end the client closes with FIN and the server answers FIN.
Sequence and acknowledgement numbers continue from the copied frames; MACs,
addresses, ports, TTLs and windows are those of the template's direction; IP
IDs count up per direction.  IPv4 and TCP checksums are recomputed for the
generated frames.  Output depends only on the options and the input capture.

Usage: gen_long_session.py --capture rdp-to-ssl.pcap --out FILE [--hours 10]
"""
import argparse
import random
import struct
import sys


def csum(data):
    if len(data) & 1:
        data += b'\0'
    s = sum(struct.unpack(f'!{len(data) // 2}H', data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def read_pcap(path):
    """(ts_us, frame) of a classic little- or big-endian pcap with Ethernet frames."""
    data = open(path, 'rb').read()
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        sys.exit(f'{path}: not a classic pcap')
    div = 1000 if magic in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d') else 1
    if struct.unpack(end + 'I', data[20:24])[0] & 0x0FFFFFFF != 1:
        sys.exit(f'{path}: link type is not Ethernet')
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack_from(end + 'IIII', data, off)
        yield sec * 10**6 + frac // div, data[off + 16:off + 16 + incl]
        off += 16 + incl


def tcp_fields(fr):
    """(src ip, dst ip, sport, dport, seq, ack, flags, payload length) or None."""
    if len(fr) < 54 or fr[12:14] != b'\x08\x00' or fr[23] != 6:
        return None
    ihl = (fr[14] & 15) * 4
    total = struct.unpack_from('!H', fr, 16)[0]
    t = 14 + ihl
    sport, dport, seq, ack, doff, flags = struct.unpack_from('!HHIIBB', fr, t)
    return fr[26:30], fr[30:34], sport, dport, seq, ack, flags, total - ihl - (doff >> 4) * 4


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--capture', required=True, help='classic pcap holding the template')
    ap.add_argument('--client-port', type=int, default=49207, help='template connection')
    ap.add_argument('--server-port', type=int, default=3389)
    ap.add_argument('--out', required=True)
    ap.add_argument('--hours', type=float, default=10.0)
    ap.add_argument('--interval', type=float, default=0.5, help='s between data records')
    ap.add_argument('--pause-every', type=float, default=1800.0)
    ap.add_argument('--pause', type=float, default=120.0)
    ap.add_argument('--keepalive', type=float, default=30.0)
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)

    frames = []
    tpl = {}  # direction -> (eth, ip header fields) of the template's last frame
    nxt = {}  # direction -> next sequence number
    ipid = {}
    tls_version = b'\x03\x01'
    for ts, fr in read_pcap(a.capture):
        f = tcp_fields(fr)
        if f is None:
            continue
        src, dst, sport, dport, seq, ack, flags, plen = f
        if (sport, dport) == (a.client_port, a.server_port):
            d = 0
        elif (sport, dport) == (a.server_port, a.client_port):
            d = 1
        else:
            continue
        if flags & 0x05:  # FIN or RST: the template's close is not copied
            break
        frames.append((ts, fr))
        tpl[d] = fr
        end = (seq + plen + (1 if flags & 0x02 else 0)) & 0xFFFFFFFF
        if d not in nxt or ((end - nxt[d]) & 0xFFFFFFFF) < 0x80000000:
            nxt[d] = end
        ipid[d] = struct.unpack_from('!H', fr, 18)[0]
        ihl = (fr[14] & 15) * 4
        t = 14 + ihl + (fr[14 + ihl + 12] >> 4) * 4
        if plen >= 5 and fr[t] == 23:
            tls_version = fr[t + 1:t + 3]
    if 0 not in tpl or 1 not in tpl:
        sys.exit(f'{a.capture}: no connection {a.client_port} <-> {a.server_port}')

    def frame(d, flags, payload, seq=None):
        base = tpl[d]
        ihl = (base[14] & 15) * 4
        win = struct.unpack_from('!H', base, 14 + ihl + 14)[0]
        ipid[d] = (ipid[d] + 1) & 0xFFFF
        s = nxt[d] if seq is None else seq
        tcp = struct.pack('!HHIIBBHHH', *struct.unpack_from('!HH', base, 14 + ihl), s, nxt[1 - d],
                          0x50, flags, win, 0, 0) + payload
        pseudo = base[26:34] + struct.pack('!BBH', 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack('!H', csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack('!BBHHHBBH', 0x45, 0, 20 + len(tcp), ipid[d], 0x4000, base[22], 6, 0) + \
            base[26:34]
        ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
        if seq is None:
            nxt[d] = (nxt[d] + len(payload) + (1 if flags & 0x01 else 0)) & 0xFFFFFFFF
        return base[:14] + ip + tcp

    def record(n):
        return b'\x17' + tls_version + struct.pack('!H', n) + rnd.randbytes(n)

    us = 10**6
    t0 = frames[-1][0]
    t = t0 + us
    end = t0 + int(a.hours * 3600 * us)
    step, ka = int(a.interval * us), int(a.keepalive * us)
    pause_every, pause = int(a.pause_every * us), int(a.pause * us)
    d = 0
    ndata = nka = 0
    out = [(ts, fr) for ts, fr in frames]
    next_pause = t0 + pause_every
    with open(a.out, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))

        def flush():
            f.write(b''.join(struct.pack('<IIII', ts // us, ts % us, len(fr), len(fr)) + fr
                             for ts, fr in out))
            out.clear()

        while t < end:
            if t >= next_pause:
                k = t + ka
                while k < t + pause:
                    probe = (nxt[0] - 1) & 0xFFFFFFFF
                    out.append((k, frame(0, 0x10, b'\0', seq=probe)))
                    out.append((k + 1000, frame(1, 0x10, b'')))
                    nka += 1
                    k += ka
                t += pause
                next_pause = t + pause_every
                continue
            size = 64 + rnd.randrange(200) if d == 0 else 100 + rnd.randrange(1200)
            out.append((t, frame(d, 0x18, record(size))))
            out.append((t + 1000, frame(1 - d, 0x10, b'')))
            ndata += 1
            d = 1 - d
            t += step
            if len(out) >= 20000:
                flush()
        out.append((t, frame(0, 0x11, b'')))
        out.append((t + 1000, frame(1, 0x11, b'')))
        out.append((t + 2000, frame(0, 0x10, b'')))
        n = len(frames) + 2 * ndata + 2 * nka + 3
        flush()
    print(f'wrote {a.out}: {len(frames)} template frames, {ndata} data records, {nka} keep-alives, '
          f'{n} frames, span {(t + 2000 - frames[0][0]) / us / 3600:.2f} h')


if __name__ == '__main__':
    main()
