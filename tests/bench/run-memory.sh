#!/usr/bin/env bash
# run-memory.sh - bounded resources: rdpdiag's peak RSS and time on two adversarial inputs.
#
# Run by `make bench-memory` (not part of `make check`).  Inputs and results go
# to BENCH_DIR, outside the repository:
#   synflood-100k.pcap, synflood-1m.pcap  one SYN from each of 100 000 / 1 000 000
#       distinct clients to port 3389 (gen_synflood.py).  The connection table
#       holds --max-connections (default 16384), so nearly all of them are
#       finished early and reported; peak RSS must not grow with the count.
#   long-session-10h.pcap  one real RDP/NLA handshake (rdp-to-ssl.pcap, second
#       connection) followed by 10 hours of small records both ways and
#       keep-alives (gen_long_session.py); peak RSS must be that of a short one.
# For each: one run under GNU time (-q output to a file, so that the reported
# connections can be counted), peak RSS and elapsed time, and checks.
#
# Environment: RDPDIAG (required), GEN_DIR (the generators; default: beside this
# script), PUBLIC_CAPTURES (holds rdp-to-ssl.pcap), BENCH_DIR (default
# $HOME/rdpdiag-bench), MEMORY_LIMIT_MIB (default 64), BENCH_REGEN=1.
set -euo pipefail

: "${RDPDIAG:?set RDPDIAG to the rdpdiag binary}"
GEN_DIR=${GEN_DIR:-$(cd "$(dirname "$0")" && pwd)}
PUBLIC_CAPTURES=${PUBLIC_CAPTURES:-}
BENCH_DIR=${BENCH_DIR:-$HOME/rdpdiag-bench}
MEMORY_LIMIT_MIB=${MEMORY_LIMIT_MIB:-64}
TIME=/usr/bin/time

if ! command -v python3 > /dev/null || [ ! -x "$TIME" ]; then
    echo "bench-memory: SKIP: needs python3 and GNU time ($TIME)"
    exit 0
fi
mkdir -p "$BENCH_DIR/memory"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
res=$BENCH_DIR/memory
fail=0

# gen FILE COMMAND...: run the generator unless FILE exists (and BENCH_REGEN is not set).
gen() {
    local f=$1
    shift
    if [ "${BENCH_REGEN:-0}" = 1 ] || [ ! -s "$f" ]; then
        echo "bench-memory: generating $f"
        "$@" --out "$f.tmp"
        mv "$f.tmp" "$f"
    fi
}

gen "$BENCH_DIR/synflood-100k.pcap" python3 "$GEN_DIR/gen_synflood.py" --count 100000
gen "$BENCH_DIR/synflood-1m.pcap" python3 "$GEN_DIR/gen_synflood.py" --count 1000000
inputs="synflood-100k synflood-1m"
if [ -n "$PUBLIC_CAPTURES" ] && [ -f "$PUBLIC_CAPTURES/rdp-to-ssl.pcap" ]; then
    gen "$BENCH_DIR/long-session-10h.pcap" python3 "$GEN_DIR/gen_long_session.py" \
        --capture "$PUBLIC_CAPTURES/rdp-to-ssl.pcap" --hours 10
    inputs="$inputs long-session-10h"
else
    echo "bench-memory: SKIP long session: rdp-to-ssl.pcap not found in '${PUBLIC_CAPTURES:-unset}'"
fi

printf '| input | MiB | frames | connections reported | evicted (table full) | elapsed s | peak RSS MiB | check |\n' > "$res/summary.md"
printf '|---|---:|---:|---:|---:|---:|---:|---|\n' >> "$res/summary.md"
for in in $inputs; do
    f=$BENCH_DIR/$in.pcap
    cat "$f" > /dev/null # warm the page cache
    rc=0
    $TIME -f '%e %M' -o "$res/$in.time" "$RDPDIAG" -q -r "$f" > "$res/$in.out" 2> "$res/$in.err" || rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "bench-memory: rdpdiag exited $rc on $f" >&2
        cat "$res/$in.err" >&2
        fail=1
        continue
    fi
    read -r secs kb < <(grep -E '^[0-9.]+ [0-9]+$' "$res/$in.time" | tail -1)
    mib=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
    conns=$(wc -l < "$res/$in.out")
    frames=$(python3 -c 'import os, struct, sys
f = open(sys.argv[1], "rb"); f.seek(24); n = 0; size = os.path.getsize(sys.argv[1]); off = 24
while off + 16 <= size:
    f.seek(off); incl = struct.unpack("<IIII", f.read(16))[2]; off += 16 + incl; n += 1
print(n)' "$f")
    evicted=$(grep -o '[0-9]* connections finished early' "$res/$in.err" | grep -o '^[0-9]*' || echo 0)
    size=$(awk -v b="$(stat -c %s "$f")" 'BEGIN { printf "%.1f", b / 1048576 }')
    check=ok
    case "$in" in
    synflood-100k) want=100000 ;;
    synflood-1m) want=1000000 ;;
    *) want=1 ;;
    esac
    if [ "$conns" -ne "$want" ]; then
        check="reported $conns connections, expected $want"
        fail=1
    fi
    if awk -v m="$mib" -v l="$MEMORY_LIMIT_MIB" 'BEGIN { exit !(m >= l) }'; then
        check="$check; peak RSS over $MEMORY_LIMIT_MIB MiB"
        fail=1
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$in" "$size" "$frames" "$conns" \
        "$evicted" "$secs" "$mib" "$check" >> "$res/summary.md"
done
{
    echo
    echo "rdpdiag: $("$RDPDIAG" --version 2>&1 | head -1); $(date -u +%Y-%m-%dT%H:%M:%SZ);" \
        "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') x $(nproc)"
} >> "$res/summary.md"
cat "$res/summary.md"
echo "bench-memory: results in $res"
exit "$fail"
