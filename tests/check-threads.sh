#!/bin/sh
# check-threads.sh - a file read ahead in a second thread gives byte for byte
# what reading it in one thread gives: every capture of captures/ and of
# ../shared/public-captures, in text (-v), JSON and stopped early (-c 1, where
# the reading thread is ahead of the analysis), and for cut files (a read
# error after some frames).  Each comparison runs with the reading thread
# deciding who decodes (the default), decoding everything itself
# (RDPDIAG_READAHEAD=decode) and leaving every frame it can to the analysing
# thread (RDPDIAG_READAHEAD=raw); and once more with libpcap reading every
# record itself (RDPDIAG_READ=libpcap) instead of the block reader of
# analyzer/pcapfile.c, which the one-thread run uses.
set -u
top=${srcdir:-.}
bin=${RDPDIAG:-./rdpdiag}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

same() { # same DESCRIPTION ARGS...: every split, same stdout, stderr and exit status
    what=$1
    shift
    "$bin" --one-thread "$@" >"$tmp/b.out" 2>"$tmp/b.err"
    rb=$?
    for split in adapt decode raw libpcap; do
        if [ $split = libpcap ]; then
            RDPDIAG_READ=libpcap "$bin" "$@" >"$tmp/a.out" 2>"$tmp/a.err"
        else
            RDPDIAG_READAHEAD=$split "$bin" "$@" >"$tmp/a.out" 2>"$tmp/a.err"
        fi
        ra=$?
        if [ $ra -ne $rb ]; then
            bad "$what ($split): exit $ra with the reading thread, $rb without"
        elif ! cmp -s "$tmp/a.out" "$tmp/b.out"; then
            bad "$what ($split): stdout differs: $(diff "$tmp/a.out" "$tmp/b.out" | head -3)"
        elif ! cmp -s "$tmp/a.err" "$tmp/b.err"; then
            bad "$what ($split): stderr differs: $(diff "$tmp/a.err" "$tmp/b.err" | head -3)"
        else
            pass=$((pass + 1))
        fi
    done
}

files="$top/captures/*.pcap"
if [ -d "$top/../shared/public-captures" ]; then
    files="$files $top/../shared/public-captures/*.pcap $top/../shared/public-captures/*.pcapng"
else
    echo "check-threads: ../shared/public-captures not found; only captures/ is compared"
fi
n=0
for f in $files; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    same "$f -v" -v -r "$f"
    same "$f --json" --json -r "$f"
    same "$f -c 1" -c 1 --json -r "$f"
done

# A file cut inside a record: libpcap reports the truncation after the frames
# before it, which both modes must have analysed.
big=$top/captures/nla-ok.pcap
size=$(wc -c <"$big")
for cut in 100 1000 $((size / 2)) $((size - 7)); do
    head -c "$cut" "$big" >"$tmp/cut.pcap"
    same "nla-ok.pcap cut at $cut" --json -r "$tmp/cut.pcap"
done
# Frames cut by a snaplen: payloads cut short (counted) and headers cut
# (skipped as truncated), whichever thread decodes them.
if command -v editcap >/dev/null; then
    for snap in 40 60 90; do
        editcap -s "$snap" "$big" "$tmp/snap.pcap" >/dev/null 2>&1
        same "nla-ok.pcap at snaplen $snap" -v -r "$tmp/snap.pcap"
    done
else
    echo "check-threads: editcap not installed; the snaplen comparisons are skipped"
fi
# Many captures in one file (more than one chunk of records), and a filter.
cat "$top"/captures/*.pcap >"$tmp/all.pcap"
same "concatenated captures" --json -r "$tmp/all.pcap"
same "a filter expression" -r "$big" 'tcp port 3389 and host 10.0.0.1'

# The summary-first body moved from memory to a temporary file after a few
# connections (RDPDIAG_BODY_MEM; 8 MiB by default) prints what it prints in memory.
if command -v mergecap >/dev/null; then
    mergecap -F pcap -a -w "$tmp/merged.pcap" "$top"/captures/*.pcap
else
    echo "check-threads: mergecap not installed; the spilled body is compared on one capture"
    cp "$big" "$tmp/merged.pcap"
fi
for args in "-v" "--all"; do
    "$bin" $args -r "$tmp/merged.pcap" >"$tmp/m.out" 2>&1
    RDPDIAG_BODY_MEM=3000 "$bin" $args -r "$tmp/merged.pcap" >"$tmp/s.out" 2>&1
    if [ "$(wc -c <"$tmp/m.out")" -lt 6000 ]; then
        bad "the merged captures' $args report is too small to spill"
    elif ! cmp -s "$tmp/m.out" "$tmp/s.out"; then
        bad "$args: the body spilled to a file differs: $(diff "$tmp/m.out" "$tmp/s.out" | head -3)"
    else
        pass=$((pass + 1))
    fi
done

echo "check-threads: $pass comparisons of $n captures passed, $fail failed"
[ $n -gt 0 ] && [ $fail -eq 0 ]
