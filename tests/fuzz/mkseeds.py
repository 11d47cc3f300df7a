#!/usr/bin/env python3
"""mkseeds.py - fuzz seeds from captures (with tshark) and from the byte
vectors of the unit tests.

    mkseeds.py OUTDIR [--vectors TESTSDIR] [--keylog FILE] [--whole] CAPTURE...

Every capture's TCP streams are followed per direction (tshark -z follow,tcp,raw
and, where tshark can decrypt, follow,tls,raw), and the bytes are cut the way
the session cuts them: TPKT/X.224 PDUs, MCS PDUs and their T.124 and
MS-RDPBCGR payloads, TLS records, handshake bodies, certificates, CredSSP
TSRequests and the SPNEGO/NTLMSSP/Kerberos tokens inside them, Kerberos over
TCP (port 88), DNS messages over UDP and TCP (port 53).  With --whole, small captures are also seeds of the pcap and
pcapng_dsb targets as they are (the committed corpus does not copy captures/:
the replay reads that directory itself).
Seeds are named by content hash, so reruns are idempotent.
"""
import hashlib
import os
import re
import subprocess
import sys

MAX_SEED = 16384
MAX_PCAP = 96 * 1024


class Seeds:
    def __init__(self, out):
        self.out = out
        self.count = {}

    def add(self, module, data, cap=MAX_SEED):
        if not data or len(data) > cap:
            data = data[:cap]
        if not data:
            return
        d = os.path.join(self.out, module)
        os.makedirs(d, exist_ok=True)
        name = hashlib.sha1(data).hexdigest()[:16]
        p = os.path.join(d, name)
        if not os.path.exists(p):
            with open(p, "wb") as f:
                f.write(data)
            self.count[module] = self.count.get(module, 0) + 1


def tshark(args):
    r = subprocess.run(["tshark"] + args, capture_output=True)
    return r.stdout.decode("latin-1")


def follow(path, kind, stream, extra):
    """Both directions of one stream: (client bytes, server bytes)."""
    text = tshark(["-r", path, "-q", "-z", "follow,%s,raw,%d" % (kind, stream)] + extra)
    cli, srv = bytearray(), bytearray()
    for line in text.splitlines():
        s = line.strip()
        if not s or len(s) % 2 or not re.fullmatch(r"[0-9a-fA-F]+", s):
            continue
        (srv if line.startswith("\t") else cli).extend(bytes.fromhex(s))
    return bytes(cli), bytes(srv)


def ber_len(b, i):
    """(length, header end) of the BER element at i, or None."""
    if i + 2 > len(b):
        return None
    j = i + 1
    if b[i] & 0x1F == 0x1F:
        while j < len(b) and b[j] & 0x80:
            j += 1
        j += 1
    if j >= len(b):
        return None
    n = b[j]
    j += 1
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or j + k > len(b):
            return None
        n = int.from_bytes(b[j:j + k], "big")
        j += k
    if j + n > len(b):
        return None
    return n, j


def ber_walk(b, seeds, depth=0):
    i = 0
    while i < len(b) and depth < 12:
        r = ber_len(b, i)
        if r is None:
            return
        n, j = r
        tag = b[i]
        content = b[j:j + n]
        if tag & 0x20:
            ber_walk(content, seeds, depth + 1)
        elif tag == 0x04:  # OCTET STRING: maybe a token
            token(content, seeds)
        i = j + n


def token(t, seeds):
    if t.startswith(b"NTLMSSP\0"):
        seeds.add("ntlmssp", t)
        seeds.add("spnego", t)
    elif t[:1] in (b"\x60", b"\xa0", b"\xa1"):
        seeds.add("spnego", t)
        ber_walk(t, seeds, 1)
        k = t.find(b"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02")  # krb5 OID
        if k >= 0 and k + 11 < len(t):
            seeds.add("kerberos", t[k + 11:])
    elif t[:1] in (b"\x6a", b"\x6b", b"\x6c", b"\x6d", b"\x6e", b"\x6f", b"\x7e"):
        seeds.add("kerberos", t)


def credssp_stream(s, seeds):
    i = 0
    while i < len(s) and s[i] == 0x30:
        r = ber_len(s, i)
        if r is None:
            break
        n, j = r
        seeds.add("credssp", s[i:j + n])
        ber_walk(s[j:j + n], seeds)
        i = j + n
    return s[i:]


def mcs_pdu(u, seeds):
    seeds.add("mcs", u)
    k = u.find(b"\x00\x05\x00\x14\x7c\x00\x01")  # T.124 ConnectData object key
    if k >= 0:
        seeds.add("t124", u[k:])
    if u and (u[0] >> 2) in (25, 26) and len(u) > 7:  # sendDataRequest/Indication
        j = 6
        n = u[j]
        j += 2 if n & 0x80 else 1
        seeds.add("rdpbcgr", u[j:])


def tls_stream(s, seeds):
    seeds.add("tls_record", s[:4096])
    hs = bytearray()
    i = 0
    ver, suite = b"\x03\x03", b"\x00\x00"
    while i + 5 <= len(s) and s[i] in (20, 21, 22, 23):
        n = int.from_bytes(s[i + 3:i + 5], "big")
        frag = s[i + 5:i + 5 + n]
        if s[i] == 22:
            hs.extend(frag)
        elif s[i] in (20, 21):
            seeds.add("tls_hello", ver + suite + frag)
        i += 5 + n
        while len(hs) >= 4:
            m = int.from_bytes(hs[1:4], "big")
            if len(hs) < 4 + m:
                break
            t, body = hs[0], bytes(hs[4:4 + m])
            del hs[:4 + m]
            if t == 2 and len(body) >= 38:
                sid = body[34]
                ver = body[0:2]
                suite = body[35 + sid:37 + sid]
            if t in (1, 2, 12, 14, 16):
                seeds.add("tls_hello", ver + suite + body)
            if t == 11:
                seeds.add("tls_cert", b"\x00" + body)
                j = 3
                while j + 3 <= len(body):
                    c = int.from_bytes(body[j:j + 3], "big")
                    seeds.add("x509", body[j + 3:j + 3 + c])
                    j += 3 + c
    return s[i:]


def rdp_stream(s, seeds):
    seeds.add("tpkt", s[:2048])
    i = 0
    while i + 4 <= len(s) and s[i] == 3:
        n = int.from_bytes(s[i + 2:i + 4], "big")
        if n < 7 or i + n > len(s):
            break
        pdu = s[i:i + n]
        seeds.add("tpkt", pdu)
        if pdu[5] == 0xF0:  # X.224 DT: MCS follows
            mcs_pdu(pdu[7:], seeds)
        i += n
    rest = s[i:]
    if rest[:1] == b"\x16":
        tls_stream(rest, seeds)
    elif rest[:1] == b"\x30":
        credssp_stream(rest, seeds)


def plain_stream(s, seeds):
    """Decrypted TLS: CredSSP, then (HYBRID) the Early User Authorization and MCS."""
    rest = credssp_stream(s, seeds)
    if len(rest) >= 4 and rest[:4] in (b"\x00\x00\x00\x00", b"\x05\x00\x00\xc0",
                                       b"\x22\x00\x00\xc0"):
        rest = rest[4:]
    if rest[:1] == b"\x03":
        rdp_stream(rest, seeds)


def capture(path, seeds, extra, whole):
    if whole and os.path.getsize(path) <= MAX_PCAP:
        with open(path, "rb") as f:
            seeds.add("pcap", f.read(), MAX_PCAP)
            f.seek(0)
            seeds.add("pcapng_dsb", f.read(), MAX_PCAP)
    for line in tshark(["-r", path, "-T", "fields", "-e", "udp.payload",
                        "-Y", "udp.port == 53"]).splitlines():
        s = line.strip().replace(":", "")
        if s and len(s) % 2 == 0 and re.fullmatch(r"[0-9a-fA-F]+", s):
            seeds.add("dns", bytes.fromhex(s))
    lines = tshark(["-r", path, "-T", "fields", "-e", "tcp.stream", "-e", "tcp.port",
                    "-Y", "tcp.len > 0"] + extra)
    streams = {}
    for line in lines.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and parts[0].isdigit():
            streams[int(parts[0])] = parts[1]
    for st, ports in sorted(streams.items()):
        cli, srv = follow(path, "tcp", st, extra)
        if "88" in ports.split(","):
            seeds.add("kerberos", cli)
            seeds.add("kerberos", srv)
            continue
        if "53" in ports.split(","):
            seeds.add("dns", cli)
            seeds.add("dns", srv)
            continue
        for s in (cli, srv):
            if s[:1] == b"\x03":
                rdp_stream(s, seeds)
            elif s[:1] == b"\x16":
                tls_stream(s, seeds)
        # RDP switches to TLS after X.224; tshark decrypts only when told the port is TLS.
        pc, ps = follow(path, "tls", st, extra + ["-d", "tcp.port==3389,tls"])
        for s in (pc, ps):
            if s:
                plain_stream(s, seeds)


def vectors(testsdir, seeds):
    """The byte arrays of tests/check_<module>.c, each a seed of its module."""
    mods = {"tpkt": "tpkt", "x224": "tpkt", "mcs": "mcs", "t124": "t124",
            "rdpbcgr": "rdpbcgr", "tls": "tls_hello", "x509": "x509", "ber": "ber",
            "credssp": "credssp", "spnego": "spnego", "ntlmssp": "ntlmssp",
            "kerberos": "kerberos", "dns": "dns", "keylog": "keylog"}
    arr = re.compile(r"static\s+const\s+(?:uint8_t|char|unsigned char)\s+\w+\s*\[\s*\]\s*=\s*"
                     r"\{(.*?)\};", re.S)
    for mod, target in mods.items():
        p = os.path.join(testsdir, "check_%s.c" % mod)
        if not os.path.exists(p):
            continue
        src = open(p, encoding="utf-8", errors="replace").read()
        for m in arr.finditer(src):
            body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
            body = re.sub(r"//[^\n]*", "", body)
            out = bytearray()
            ok = True
            for tok in body.replace("\n", " ").split(","):
                tok = tok.strip()
                if not tok:
                    continue
                try:
                    if tok.startswith("'") and tok.endswith("'") and len(tok) == 3:
                        out.append(ord(tok[1]))
                    else:
                        out.append(int(tok, 0) & 0xFF)
                except ValueError:
                    ok = False
                    break
            if ok and out:
                seeds.add(target, bytes(out))
                if target == "tls_hello":
                    seeds.add("tls_record", bytes(out))
                if target == "ber":
                    seeds.add("credssp", bytes(out))


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    seeds = Seeds(argv[1])
    extra = []
    whole = False
    args = argv[2:]
    caps = []
    i = 0
    while i < len(args):
        if args[i] == "--vectors":
            vectors(args[i + 1], seeds)
            i += 2
        elif args[i] == "--whole":
            whole = True
            i += 1
        elif args[i] == "--keylog":
            extra = ["-o", "tls.keylog_file:" + args[i + 1]]
            i += 2
        else:
            caps.append(args[i])
            i += 1
    for c in caps:
        capture(c, seeds, extra, whole)
    for m in sorted(seeds.count):
        print("%-12s %d new seeds" % (m, seeds.count[m]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
