#!/bin/sh
# check-html.sh - the HTML report and the man page.
#
# For several captures of captures/: write the report (rdpdiag --all --html, or
# tests/html_driver while rdpdiag has no --html), then check that
#   - it parses, every element opened is closed and no end tag is stray;
#   - it carries each connection's verdict as rdpdiag --json gives it: cause,
#     outcome, evidence frames (with their ladder anchors), explanation;
#   - it fetches nothing: no src=, no href= but "#...", no url(), no @import,
#     no http:// or https:// but the SVG namespace, and a Content-Security-Policy
#     whose script hash matches the one inline script;
#   - the same input gives a byte-identical file;
# then a crafted capture whose X.224 cookie and server banner carry markup must
# come out escaped; unwritable paths must fail with one line; with chromium the
# report must render to a PNG that is not blank; with groff, rdpdiag.1 must
# render without warnings and document every option rdpdiag --help lists.
#
# Environment (tests/tests.mk): srcdir, RDPDIAG.  Exit 77 (skip) without python3.
set -u
srcdir=${srcdir:-.}
rdpdiag=${RDPDIAG:-./rdpdiag}
driver=${HTML_DRIVER:-$(dirname "$rdpdiag")/tests/html_driver}
caps="$srcdir/captures"
fail=0

command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-html.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

if "$rdpdiag" --help 2>/dev/null | grep -q -- '--html'; then
    mode=rdpdiag
else
    mode=driver
    if [ ! -x "$driver" ]; then
        echo "FAIL: rdpdiag has no --html and $driver is not built"
        exit 1
    fi
    echo "note: rdpdiag has no --html yet; writing reports with $driver"
fi

# render OUT CAPTURE [PORT]: write the HTML report of CAPTURE to OUT.
render() {
    if [ "$mode" = rdpdiag ]; then
        "$rdpdiag" --all --port "${3:-3389}" --html "$1" -r "$2" >/dev/null
        [ $? -le 1 ]
    else
        "$driver" "$1" "$2" "${3:-3389}"
    fi
}

cat >"$tmp/check.py" <<'PY'
import base64, hashlib, html, json, re, sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
SVG_NS = "http://www.w3.org/2000/svg"

class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.ids, self.hrefs = [], [], set(), []
        self.scripts, self.in_script, self.csp, self.text = [], False, None, []

    def handle_starttag(self, tag, attrs):
        self.attrs(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))
        if tag == "script":
            self.in_script = True
            self.scripts.append("")

    def handle_startendtag(self, tag, attrs):
        self.attrs(tag, attrs)  # <line/>, <polygon/>, <rect/> in SVG

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False
        if not self.stack:
            self.errors.append("stray </%s> at %s" % (tag, self.getpos()))
            return
        top, pos = self.stack.pop()
        if top != tag:
            self.errors.append("</%s> at %s closes <%s> of %s" % (tag, self.getpos(), top, pos))

    def handle_data(self, data):
        if self.in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)

    def attrs(self, tag, attrs):
        for k, v in attrs:
            v = v or ""
            if k == "id":
                if v in self.ids:
                    self.errors.append("duplicate id %r" % v)
                self.ids.add(v)
            if k in ("src", "srcset", "action", "formaction", "poster", "background"):
                self.errors.append("<%s %s=%r>: a resource reference" % (tag, k, v))
            if k in ("href", "xlink:href"):
                self.hrefs.append(v)
                if not v.startswith("#"):
                    self.errors.append("<%s href=%r> points outside the document" % (tag, v))
            if k == "style" and "url(" in v:
                self.errors.append("inline style with url()")
            if k.startswith("on"):
                self.errors.append("<%s %s>: an event handler attribute" % (tag, k))
            if tag == "meta" and k == "content" and "Content-Security-Policy" in dict(attrs).get("http-equiv", ""):
                self.csp = v
        if tag in ("link", "img", "iframe", "object", "embed", "base", "image", "use", "foreignobject"):
            self.errors.append("<%s> element" % tag)

def check(path, ndjson, literals):
    raw = open(path, "rb").read()
    errs = []
    try:
        doc = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        return ["not UTF-8: %s" % e]
    if not doc.startswith("<!DOCTYPE html>"):
        errs.append("no <!DOCTYPE html>")
    p = Checker()
    p.feed(doc)
    p.close()
    errs += p.errors
    if p.stack:
        errs.append("never closed: %s" % ", ".join("<%s> of %s" % t for t in p.stack))
    for m in re.finditer(r"https?://[^\s\"'<>)]*", doc):
        if m.group(0) != SVG_NS:
            errs.append("external reference %r" % m.group(0))
    if re.search(r"url\(|@import", doc):
        errs.append("CSS url() or @import")
    if p.csp is None or "default-src 'none'" not in p.csp:
        errs.append("no Content-Security-Policy with default-src 'none'")
    else:
        for s in p.scripts:
            h = base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
            if "'sha256-%s'" % h not in p.csp:
                errs.append("inline script not allowed by the CSP hash")
    if len(p.scripts) != 1:
        errs.append("%d <script> elements, not one" % len(p.scripts))
    text = html.unescape(doc)
    content = "".join(p.text)
    for lit in literals:
        if lit not in content:
            errs.append("text %r is not in the document's text" % lit)
    conns = [json.loads(l) for l in open(ndjson, encoding="utf-8") if l.strip()]
    for c in conns:
        cid = c["id"]
        if "c%d" % cid not in p.ids:
            errs.append("connection %d: no section id=c%d" % (cid, cid))
        if ">%s<" % c["cause"] not in doc:
            errs.append("connection %d: cause %s missing" % (cid, c["cause"]))
        expl = c["explanation"].strip()
        if expl and expl not in text:
            errs.append("connection %d: explanation missing" % cid)
        for e in c["evidence"]:
            if e["frame"] == 0:
                continue
            # Linked to its arrow when the frame is on the timeline, cited in any case.
            anchor = "c%d-f%d" % (cid, e["frame"])
            on_timeline = any(t["frame"] == e["frame"] and t["dir"] != "none" and t["kind"] != "phase"
                              for t in c["timeline"])
            if on_timeline and ("#" + anchor not in p.hrefs or anchor not in p.ids):
                errs.append("connection %d: evidence frame %d not linked to its arrow" % (cid, e["frame"]))
            if "#%d" % e["frame"] not in text:
                errs.append("connection %d: evidence frame %d not cited" % (cid, e["frame"]))
        for r in c["remedies"]:
            if r not in text:
                errs.append("connection %d: remedy missing: %s" % (cid, r[:40]))
        for t in c["timeline"]:
            if t["kind"] == "phase":  # drawn as the band's label
                if ">%s<" % t["text"][len("phase "):] not in doc:
                    errs.append("connection %d: no band for %s" % (cid, t["text"]))
            elif t["text"] not in text:
                errs.append("connection %d: timeline event missing: %s" % (cid, t["text"][:50]))
    return errs

errs = check(sys.argv[1], sys.argv[2], sys.argv[3:])
for e in errs[:20]:
    print("  " + e)
sys.exit(1 if errs else 0)
PY

# ---- the captures -------------------------------------------------------------
n=0
for name in cert-expired-deny mb-reset-clienthello rst-both-ends nla-wrong-password \
    nla-ok-keylog neg-hybrid-required tcp-refused tcp-syn-dropped not-rdp-http \
    mtu-blackhole idle-then-reset rdp-standard-security-active; do
    cap="$caps/$name.pcap"
    [ -f "$cap" ] || continue
    n=$((n + 1))
    if ! render "$tmp/$name.html" "$cap"; then
        echo "FAIL $name: writing the report failed"
        fail=1
        continue
    fi
    "$rdpdiag" --json --all -r "$cap" >"$tmp/$name.json"
    if python3 "$tmp/check.py" "$tmp/$name.html" "$tmp/$name.json"; then
        echo "ok   $name: $(wc -c <"$tmp/$name.html") bytes"
    else
        echo "FAIL $name (above)"
        fail=1
    fi
    render "$tmp/$name.again.html" "$cap"
    if ! cmp -s "$tmp/$name.html" "$tmp/$name.again.html"; then
        echo "FAIL $name: two runs gave different files"
        fail=1
    fi
done
if [ "$n" -lt 5 ]; then
    echo "FAIL: only $n sample captures found in $caps"
    fail=1
fi

# ---- hostile strings ------------------------------------------------------------
# A client whose X.224 cookie carries markup, and a "server" answering with an
# HTML banner: both reach the timeline, the facts and the verdict.
python3 - "$tmp/hostile.pcap" <<'PY'
import struct, sys

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

CLI, SRV = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])

def frame(src, dst, sport, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    tcp = tcp[:16] + struct.pack("!H", csum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000,
                     64 if src == CLI else 128, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00" + ip + tcp

cookie = b"Cookie: mstshash=<script>alert('x')</script>&amp;\"<b>\r\n"
# X.224 Connection Request (X.224 13.3): LI, CR code 0xE0, DST-REF, SRC-REF, class 0,
# then the cookie and an RDP_NEG_REQ (MS-RDPBCGR 2.2.1.1.1) asking for SSL|HYBRID.
neg = bytes([0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00])
x224 = bytes([6 + len(cookie) + len(neg), 0xE0, 0, 0, 0, 0, 0]) + cookie + neg
cr = bytes([3, 0]) + struct.pack("!H", 4 + len(x224)) + x224      # TPKT (T.123 8)
banner = b"HTTP/1.1 400 <img src=x onerror=alert(1)>\r\n\r\n"
c, s = 1000, 5000
pkts = [
    frame(CLI, SRV, 50000, 3389, c, 0, 0x02),
    frame(SRV, CLI, 3389, 50000, s, c + 1, 0x12),
    frame(CLI, SRV, 50000, 3389, c + 1, s + 1, 0x10),
    frame(CLI, SRV, 50000, 3389, c + 1, s + 1, 0x18, cr),
    frame(SRV, CLI, 3389, 50000, s + 1, c + 1 + len(cr), 0x18, banner),
    frame(SRV, CLI, 3389, 50000, s + 1 + len(banner), c + 1 + len(cr), 0x11),
    frame(CLI, SRV, 50000, 3389, c + 1 + len(cr), s + 2 + len(banner), 0x14),
]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, p in enumerate(pkts):
        f.write(struct.pack("<IIII", 1700000000, i * 1000, len(p), len(p)) + p)
PY
if render "$tmp/hostile.html" "$tmp/hostile.pcap"; then
    "$rdpdiag" --json --all -r "$tmp/hostile.pcap" >"$tmp/hostile.json"
    # The cookie must be in the text exactly as sent, hence escaped in the markup;
    # check.py also fails on any <img>, on* attribute or second <script>.
    if python3 "$tmp/check.py" "$tmp/hostile.html" "$tmp/hostile.json" \
        "mstshash=<script>alert('x')</script>&amp;\"<b>" "HTTP/1.1 400 <img src=x onerror=alert(1)>"; then
        echo "ok   hostile: cookie and banner escaped"
    else
        echo "FAIL hostile: (above)"
        fail=1
    fi
else
    echo "FAIL hostile: writing the report failed"
    fail=1
fi

# ---- unwritable paths -------------------------------------------------------------
cap="$caps/tcp-refused.pcap"
for bad in "$tmp/no/such/dir/r.html" "$tmp"; do
    if render "$bad" "$cap" 2>"$tmp/err"; then
        echo "FAIL: writing the report to $bad succeeded"
        fail=1
    elif [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q "$bad" "$tmp/err"; then
        echo "FAIL: writing to $bad: expected one line naming it, got:"
        cat "$tmp/err"
        fail=1
    else
        echo "ok   unwritable $bad: $(cat "$tmp/err")"
    fi
done
if [ -w /dev/full ]; then
    if render /dev/full "$cap" 2>"$tmp/err"; then
        echo "FAIL: a full disk (/dev/full) was not reported"
        fail=1
    else
        echo "ok   full disk: $(cat "$tmp/err")"
    fi
fi

# ---- a real browser ----------------------------------------------------------------
if command -v chromium >/dev/null 2>&1; then
    shot() {
        prof=$(mktemp -d "$tmp/chromium.XXXXXX")
        timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
            --disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" \
            --screenshot="$2" --window-size="$3" "file://$1" >/dev/null 2>&1
    }
    html="$tmp/cert-expired-deny.html"
    case "$html" in /*) ;; *) html="$(pwd)/$html" ;; esac
    shot "$html" "$tmp/report.png" 1280,2000
    shot "$html" "$tmp/phone.png" 390,1600
    if python3 - "$tmp/report.png" 1280 2000 "$tmp/phone.png" 390 1600 <<'PY'; then
import struct, sys, zlib

def pixels(path):
    """Decode an 8-bit, non-interlaced RGB(A) PNG (what chromium writes)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("%s: not a PNG" % path)
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, inter = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or inter:
                raise SystemExit("%s: unexpected PNG format" % path)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride, prev, rows = zlib.decompress(idat), w * bpp, bytearray(w * bpp), []
    for y in range(h):
        ft, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ft == 1: line[x] = (line[x] + a) & 255
            elif ft == 2: line[x] = (line[x] + b) & 255
            elif ft == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows

args = sys.argv[1:]
for i in range(0, len(args), 3):
    path, W, H = args[i], int(args[i + 1]), int(args[i + 2])
    w, h, bpp, rows = pixels(path)
    if (w, h) != (W, H):
        raise SystemExit("%s: %dx%d, not %dx%d" % (path, w, h, W, H))
    colours, red = set(), 0
    for y in range(0, h, 3):
        r = rows[y]
        for x in range(0, w * bpp, bpp * 3):
            px = tuple(r[x:x + 3])
            colours.add(px)
            if px[0] > 170 and px[1] < 90 and px[2] < 90:
                red += 1
    if len(colours) < 40:
        raise SystemExit("%s: looks blank (%d colours)" % (path, len(colours)))
    if red < 20:
        raise SystemExit("%s: no failure red on the page" % path)
    print("ok   chromium %s: %dx%d, %d colours, %d red samples" % (path.rsplit("/", 1)[-1], w, h, len(colours), red))
PY
        :
    else
        echo "FAIL: the chromium screenshot (above)"
        fail=1
    fi
else
    echo "SKIP: chromium not installed (no screenshot check)"
fi

# ---- the man page -----------------------------------------------------------------
man="$srcdir/rdpdiag.1"
if [ ! -f "$man" ]; then
    echo "FAIL: $man missing"
    fail=1
elif command -v groff >/dev/null 2>&1; then
    if ! groff -man -Tutf8 -ww -z "$man" 2>"$tmp/groff.err" || [ -s "$tmp/groff.err" ]; then
        echo "FAIL: groff warns about rdpdiag.1:"
        cat "$tmp/groff.err"
        fail=1
    else
        echo "ok   rdpdiag.1 renders without warnings"
    fi
    # Every option --help lists is documented (roff writes a minus as \-).
    sed 's/\\-/-/g; s/\\f[BIRP]//g' "$man" >"$tmp/man.txt"
    for opt in $("$rdpdiag" --help | grep -o -e '--[a-z][a-z-]*' -e '^  -[a-zA-Z]' | sort -u) --html; do
        if ! grep -q -e "$opt\\b" "$tmp/man.txt"; then
            echo "FAIL: rdpdiag.1 does not document $opt"
            fail=1
        fi
    done
    for cause in none tcp_no_response tcp_refused x224_no_response not_rdp neg_failure \
        security_mismatch tls_version_mismatch tls_handshake_failure tls_server_abort \
        cert_rejected credssp_failure access_denied middlebox_reset network_timeout \
        path_mtu_blackhole idle_timeout server_disconnect client_disconnect unknown; do
        grep -q "$cause" "$tmp/man.txt" || { echo "FAIL: rdpdiag.1 lacks cause $cause"; fail=1; }
    done
else
    echo "SKIP: groff not installed (man page not checked)"
fi

exit $fail
