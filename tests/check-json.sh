#!/bin/sh
# check-json.sh: every public capture through `rdpdiag --json --all`; each output line
# must parse as one JSON object carrying the stable fields of DESIGN.md.
# Skips (exit 77) when ../shared/public-captures is absent.
srcdir=${srcdir:-.}
dir="$srcdir/../shared/public-captures"
rdpdiag=${RDPDIAG:-./rdpdiag}
if [ ! -d "$dir" ]; then
    echo "SKIP: ../shared/public-captures not found"
    exit 77
fi
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
tmp=${TMPDIR:-/tmp}/check-json.$$
trap 'rm -f "$tmp"' EXIT
fail=0
for f in "$dir"/*.pcap "$dir"/*.pcapng; do
    [ -f "$f" ] || continue
    port=3389
    case "$f" in *tls-1.2-handshake-failure.pcap) port=443 ;; esac
    "$rdpdiag" --json --all --port "$port" -r "$f" >"$tmp"
    rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "FAIL $f: rdpdiag exit status $rc"
        fail=1
        continue
    fi
    if ! python3 - "$f" "$tmp" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
need = ["schema", "id", "client", "server", "start", "duration_ms", "outcome", "phase",
        "closed_by", "close", "cause", "detail", "evidence", "client_error", "explanation",
        "remedies", "x224", "tls", "certificate", "credssp", "tcp", "timeline"]
vocab = {
    "outcome": {"ok", "failed", "incomplete"},
    "phase": {"tcp", "x224", "tls", "credssp", "early_user_auth", "mcs", "active"},
    "closed_by": {"client", "server", "middlebox", "timeout", "capture_end"},
    "close": {"fin", "rst", "none"},
}
bad = 0
ids = []
with open(path) as fh:
    for n, line in enumerate(fh, 1):
        try:
            o = json.loads(line)
        except ValueError as e:
            print("%s: line %d is not JSON: %s" % (name, n, e)); bad = 1; continue
        if not isinstance(o, dict):
            print("%s: line %d is not an object" % (name, n)); bad = 1; continue
        for k in need:
            if k not in o:
                print("%s: line %d lacks %s" % (name, n, k)); bad = 1
        for k, vals in vocab.items():
            if o.get(k) not in vals:
                print("%s: line %d %s=%r" % (name, n, k, o.get(k))); bad = 1
        if not isinstance(o.get("schema"), int) or not isinstance(o.get("evidence"), list):
            print("%s: line %d schema/evidence types" % (name, n)); bad = 1
        for e in o.get("evidence") or []:
            if not isinstance(e, dict) or not isinstance(e.get("frame"), int) or e["frame"] < 1:
                print("%s: line %d evidence %r" % (name, n, e)); bad = 1
        ids.append(o.get("id"))
if ids != list(range(1, len(ids) + 1)):
    print("%s: ids %r" % (name, ids)); bad = 1
print("%s: %d objects" % (name, len(ids)))
sys.exit(bad)
PY
    then
        fail=1
    fi
done
exit $fail
