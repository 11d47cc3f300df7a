#!/bin/sh
# check-threads.sh - a file read ahead in a second thread gives byte for byte
# what reading it in one thread gives: every capture of captures/ and of
# ../shared/public-captures, in text (-v), JSON and stopped early (-c 1, where
# the reading thread is ahead of the analysis), and for the mutated inputs of
# a corrupt file (a read error in the middle).
set -u
top=${srcdir:-.}
bin=${RDPDIAG:-./rdpdiag}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

same() { # same DESCRIPTION ARGS...: both modes, same stdout, stderr and exit status
    what=$1
    shift
    "$bin" "$@" >"$tmp/a.out" 2>"$tmp/a.err"
    ra=$?
    "$bin" --one-thread "$@" >"$tmp/b.out" 2>"$tmp/b.err"
    rb=$?
    if [ $ra -ne $rb ]; then
        bad "$what: exit $ra with the reading thread, $rb without"
    elif ! cmp -s "$tmp/a.out" "$tmp/b.out"; then
        bad "$what: stdout differs: $(diff "$tmp/a.out" "$tmp/b.out" | head -3)"
    elif ! cmp -s "$tmp/a.err" "$tmp/b.err"; then
        bad "$what: stderr differs: $(diff "$tmp/a.err" "$tmp/b.err" | head -3)"
    else
        pass=$((pass + 1))
    fi
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
# Many captures in one file (more than one chunk of records), and a filter.
cat "$top"/captures/*.pcap >"$tmp/all.pcap"
same "concatenated captures" --json -r "$tmp/all.pcap"
same "a filter expression" -r "$big" 'tcp port 3389 and host 10.0.0.1'

echo "check-threads: $pass comparisons of $n captures passed, $fail failed"
[ $n -gt 0 ] && [ $fail -eq 0 ]
