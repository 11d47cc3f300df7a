#!/usr/bin/env python3
"""captures/tcppeer.py -- tiny real-socket TCP peers for captures/mk-tcp.sh.

Plain Linux sockets, every wait bounded.  Used only inside the network namespaces that
mk-tcp.sh creates.

  tcppeer.py client HOST PORT [--send-cr] [--connect-timeout S] [--wait S]
      Connect; optionally send an X.224 Connection Request (below); read what the
      server sends for up to S seconds (or until it closes); then close (FIN).
  tcppeer.py server HOST PORT (--silent | --banner TEXT) [--max S]
      Accept one connection.  --silent: read and never answer.  --banner: send TEXT
      at once, then read and never answer.  Either way the server closes its side when
      the client has closed (EOF) or after S seconds.

The Connection Request is the one a Windows client sends (MS-RDPBCGR 2.2.1.1):
  03 00 00 2a            TPKT: version 3, reserved 0, length 42
  25                     X.224 length indicator: 37 bytes follow in the header
  e0                     CR TPDU code (1110) + credit 0
  00 00                  DST-REF 0
  00 00                  SRC-REF 0
  00                     class 0
  "Cookie: mstshash=test\\r\\n"   routingToken/cookie, 23 bytes
  01                     RDP_NEG_REQ type
  00                     flags 0
  08 00                  length 8 (LE)
  03 00 00 00            requestedProtocols PROTOCOL_SSL | PROTOCOL_HYBRID (LE)
"""

import argparse
import socket
import sys
import time

X224_CR = (
    bytes([0x03, 0x00, 0x00, 0x2A, 0x25, 0xE0, 0x00, 0x00, 0x00, 0x00, 0x00])
    + b"Cookie: mstshash=test\r\n"
    + bytes([0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00])
)
assert len(X224_CR) == 42


def log(msg: str) -> None:
    print(f"tcppeer: {msg}", file=sys.stderr, flush=True)


def read_until(sock: socket.socket, seconds: float) -> bytes:
    """Read until EOF or until SECONDS have passed; return what arrived."""
    got = b""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            log("connection reset by peer")
            break
        if not chunk:
            log("peer closed")
            break
        got += chunk
    return got


def client(args: argparse.Namespace) -> int:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(args.connect_timeout)
    try:
        sock.connect((args.host, args.port))
    except socket.timeout:
        log("connect timed out")
        sock.close()
        return 0
    except ConnectionRefusedError:
        log("connection refused")
        sock.close()
        return 0
    if args.send_cr:
        sock.sendall(X224_CR)
    got = read_until(sock, args.wait)
    log(f"received {len(got)} bytes: {got[:80]!r}")
    sock.close()
    return 0


def server(args: argparse.Namespace) -> int:
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((args.host, args.port))
    lsock.listen(1)
    lsock.settimeout(args.max)
    try:
        conn, _ = lsock.accept()
    except socket.timeout:
        log("no connection")
        return 1
    lsock.close()
    if args.banner is not None:
        conn.sendall(args.banner.encode().decode("unicode_escape").encode("latin-1"))
    got = read_until(conn, args.max)
    log(f"server read {len(got)} bytes")
    conn.close()
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="role", required=True)
    c = sub.add_parser("client")
    c.add_argument("host")
    c.add_argument("port", type=int)
    c.add_argument("--send-cr", action="store_true")
    c.add_argument("--connect-timeout", type=float, default=5.0)
    c.add_argument("--wait", type=float, default=0.0)
    s = sub.add_parser("server")
    s.add_argument("host")
    s.add_argument("port", type=int)
    g = s.add_mutually_exclusive_group(required=True)
    g.add_argument("--silent", action="store_true")
    g.add_argument("--banner")
    s.add_argument("--max", type=float, default=30.0)
    args = ap.parse_args()
    return client(args) if args.role == "client" else server(args)


if __name__ == "__main__":
    sys.exit(main())
