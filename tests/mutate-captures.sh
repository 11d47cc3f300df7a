#!/bin/sh
# mutate-captures.sh - rdpdiag -r (and --json) on truncated, concatenated and
# bit-flipped copies of captures/ and, when present, ../shared/public-captures
# (tests/fuzz/mutate.py; fixed seed, under a minute).  Failing mutants are kept in
# tests/mutate-out/ of the build directory.
srcdir=${srcdir:-$(dirname "$0")/..}
if ! command -v python3 >/dev/null 2>&1; then
    echo "mutate-captures.sh: python3 not found; skipped"
    exit 77
fi
set -- "$srcdir"/captures/*.pcap
pub="$srcdir/../shared/public-captures"
if [ -d "$pub" ]; then
    set -- "$@" "$pub"/*.pcap "$pub"/*.pcapng
else
    echo "mutate-captures.sh: $pub absent; only captures/ mutated"
fi
exec python3 "$srcdir/tests/fuzz/mutate.py" ./rdpdiag tests/mutate-out "$@"
