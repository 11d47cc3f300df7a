#!/usr/bin/env python3
"""mutate.py - the whole CLI on damaged captures ("bad input at scale").

    mutate.py RDPDIAG OUTDIR CAPTURE...

For every capture, with a fixed seed: cuts at packet (pcapng: block)
boundaries, cuts inside the last kept packet, concatenations with the next
capture (raw, and packet-wise when both are classic pcap files of one link
type), and bit flips (a few, many; in the packets only, and anywhere).  Each
mutant is run as `rdpdiag -r M` and `rdpdiag --json -r M`.  A run fails when
it exits with anything but 0, 1 or 2, dies of a signal, reports a sanitizer
error, or takes longer than 3 s + 1 s per 100 KB of input.  The whole test
stops starting new runs after BUDGET seconds (printed), so it stays under a
minute on a slow machine; the mutants themselves do not depend on timing.
"""
import os
import random
import struct
import subprocess
import sys
import time

SEED = 20261123
BUDGET = 45.0


def boundaries(b):
    """Offsets where a packet record (classic pcap) or block (pcapng) ends."""
    out = []
    if len(b) < 24:
        return out
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    elif magic == b"\x0a\x0d\x0d\x0a":
        bom = b[8:12]
        end = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
        i = 0
        while i + 12 <= len(b):
            (n,) = struct.unpack(end + "I", b[i + 4:i + 8])
            if n < 12 or i + n > len(b):
                break
            i += n
            out.append(i)
        return out
    else:
        return out
    i = 24
    while i + 16 <= len(b):
        (incl,) = struct.unpack(end + "I", b[i + 8:i + 12])
        if i + 16 + incl > len(b):
            break
        i += 16 + incl
        out.append(i)
    return out


def flip(rng, b, count, start):
    m = bytearray(b)
    if len(m) <= start:
        return bytes(m)
    for _ in range(count):
        k = rng.randrange(start, len(m))
        m[k] ^= 1 << rng.randrange(8)
    return bytes(m)


def mutants(rng, name, b, nxt):
    bnd = boundaries(b)
    hdr = 24 if b[:4] != b"\x0a\x0d\x0d\x0a" else (bnd[0] if bnd else 0)
    if bnd:
        for cut in sorted(set(rng.choice(bnd) for _ in range(3))):
            yield "%s.cut%d" % (name, cut), b[:cut]
            prev = max([x for x in bnd if x < cut] or [hdr])
            if cut - prev > 1:
                inside = rng.randrange(prev + 1, cut)
                yield "%s.cutin%d" % (name, inside), b[:inside]
    yield "%s.cuthdr" % name, b[:rng.randrange(1, max(2, min(len(b), 40)))]
    yield "%s.flip4" % name, flip(rng, b, 4, hdr)
    yield "%s.flip64" % name, flip(rng, b, 64, hdr)
    yield "%s.flipall" % name, flip(rng, b, 16, 0)
    if nxt is not None:
        yield "%s.catraw" % name, b + nxt
        if b[:4] == nxt[:4] and b[:4] != b"\x0a\x0d\x0d\x0a" and b[20:24] == nxt[20:24]:
            yield "%s.catpkts" % name, b + nxt[24:]
            yield "%s.catself" % name, b + b[24:]


def run(rdpdiag, path, json):
    args = [rdpdiag] + (["--json"] if json else []) + ["-r", path]
    limit = 3.0 + os.path.getsize(path) / 100000.0
    env = dict(os.environ, TZ="UTC",
               ASAN_OPTIONS="exitcode=99:detect_leaks=1",
               UBSAN_OPTIONS="halt_on_error=1:exitcode=99:print_stacktrace=1")
    t0 = time.monotonic()
    try:
        p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=limit, env=env)
    except subprocess.TimeoutExpired:
        return "took more than %.1f s" % limit
    took = time.monotonic() - t0
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode < 0:
        return "killed by signal %d" % -p.returncode
    if p.returncode not in (0, 1, 2):
        return "exit status %d: %s" % (p.returncode, err[-2000:])
    if "Sanitizer" in err or "runtime error:" in err:
        return "sanitizer report: %s" % err[-2000:]
    if took > limit:
        return "took %.1f s (limit %.1f s)" % (took, limit)
    return None


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    # Smallest first: under sanitizers the budget may end before the large captures.
    rdpdiag, outdir = argv[1], argv[2]
    caps = sorted(argv[3:], key=lambda c: (os.path.getsize(c), os.path.basename(c)))
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random(SEED)
    blobs = [open(c, "rb").read() for c in caps]
    start = time.monotonic()
    runs = failures = 0
    stopped = False
    for i, c in enumerate(caps):
        nxt = blobs[(i + 1) % len(blobs)] if len(blobs) > 1 else None
        for mname, data in mutants(rng, os.path.basename(c), blobs[i], nxt):
            if time.monotonic() - start > BUDGET:
                stopped = True
                break
            path = os.path.join(outdir, mname)
            with open(path, "wb") as f:
                f.write(data)
            bad = None
            for json in (False, True):
                runs += 1
                bad = run(rdpdiag, path, json)
                if bad:
                    failures += 1
                    print("FAIL %s%s: %s" % ("--json " if json else "", path, bad))
                    break
            if not bad:
                os.unlink(path)  # keep only the mutants that failed
        if stopped:
            break
    print("%d runs on mutants of %d captures in %.1f s, %d failures%s" %
          (runs, len(caps), time.monotonic() - start, failures,
           " (time budget reached)" if stopped else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
