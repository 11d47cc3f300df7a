#!/usr/bin/env bash
# run-bench.sh - throughput and peak memory of rdpdiag against the libpcap floor and tshark.
#
# Run by `make bench` (not part of `make check`).  Everything it writes goes to
# BENCH_DIR, outside the repository:
#   1. the standard inputs, generated with the shared corpus generator
#      (SHARED_BENCH/mkcorpus.py; regenerated only when the generator or the
#      public captures changed, or with BENCH_REGEN=1);
#   2. pcap_noop, compiled from SHARED_BENCH/pcap_noop.c;
#   3. in one run on this machine, page cache warm: hyperfine timings of
#      rdpdiag -r FILE (the file read ahead in a second thread), rdpdiag
#      --one-thread -r FILE, pcap_noop (default stdio buffer), pcap_noop -B 262144,
#      pcap_noop FILE 'tcp port 3389' and tshark doing the per-connection RDP
#      extraction (the shared anchors' tshark_rdp job), then one run of each
#      under GNU time for the peak RSS;
#   4. paired runs: PAIRS rounds of pcap_noop, rdpdiag and pcap_noop with the
#      filter run back to back, so that a slow moment of a shared host slows
#      all three; the median of the per-round ratios is the steadier figure;
#   5. a summary with the ratios and the targets (BENCH_DIR/results/summary.md).
#
# Environment:
#   RDPDIAG       the rdpdiag binary (required)
#   SHARED_BENCH  the shared benchmark directory (mkcorpus.py, pcap_noop.c)
#   BENCH_DIR     where inputs and results go (default $HOME/rdpdiag-bench)
#   INPUTS        inputs to measure (default "bench-mixed-1g bench-rdp-256m")
#   RUNS          timed runs per fast command (default 7); TSHARK_RUNS (default 3)
#   PAIRS         rounds of the paired runs (default 15; 0 leaves them out)
#   SKIP_TSHARK=1 leave tshark out (it takes ~35 s per run on the 1 GiB input)
#   BENCH_REGEN=1 regenerate the inputs even if they look current
#   BENCH_STRICT=1 exit 1 when a target is missed (default: report only)
set -euo pipefail

: "${RDPDIAG:?set RDPDIAG to the rdpdiag binary}"
SHARED_BENCH=${SHARED_BENCH:-}
BENCH_DIR=${BENCH_DIR:-$HOME/rdpdiag-bench}
INPUTS=${INPUTS:-"bench-mixed-1g bench-rdp-256m"}
RUNS=${RUNS:-7}
PAIRS=${PAIRS:-15}
TSHARK_RUNS=${TSHARK_RUNS:-3}
SKIP_TSHARK=${SKIP_TSHARK:-0}
TIME=/usr/bin/time

if [ -z "$SHARED_BENCH" ] || [ ! -f "$SHARED_BENCH/mkcorpus.py" ] || [ ! -f "$SHARED_BENCH/pcap_noop.c" ]; then
    echo "bench: SKIP: shared benchmark directory not found (${SHARED_BENCH:-unset});" \
        "it must hold mkcorpus.py and pcap_noop.c"
    exit 0
fi
for tool in hyperfine python3 cc; do
    if ! command -v "$tool" > /dev/null; then
        echo "bench: SKIP: $tool is not installed"
        exit 0
    fi
done
if [ ! -x "$TIME" ]; then
    echo "bench: SKIP: GNU time ($TIME) is not installed"
    exit 0
fi
if [ "$SKIP_TSHARK" != 1 ] && ! command -v tshark > /dev/null; then
    echo "bench: tshark not installed: measuring without it"
    SKIP_TSHARK=1
fi

mkdir -p "$BENCH_DIR/results/json"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
res=$BENCH_DIR/results

# ---- inputs -------------------------------------------------------------------------------

# mkcorpus options of each standard input (see SHARED_BENCH/README.md).
corpus_args() {
    case "$1" in
    bench-mixed-1g) echo "--size-mb 1024 --seed 1" ;;
    bench-rdp-256m) echo "--size-mb 256 --flows-only-rdp --seed 1" ;;
    bench-mixed-128m) echo "--size-mb 128 --seed 1" ;;
    *) return 1 ;;
    esac
}

# The generator's output depends on itself, its options and the public captures.
corpus_stamp() {
    {
        echo "$1"
        sha256sum "$SHARED_BENCH/mkcorpus.py" | cut -c1-64
        sha256sum "$SHARED_BENCH"/../public-captures/*.pcap 2> /dev/null | cut -c1-64
    } | sha256sum | cut -c1-16
}

for in in $INPUTS; do
    args=$(corpus_args "$in") || {
        echo "bench: unknown input $in" >&2
        exit 2
    }
    f=$BENCH_DIR/$in.pcap
    stamp=$(corpus_stamp "$args")
    if [ "${BENCH_REGEN:-0}" = 1 ] || [ ! -s "$f" ] || [ "$(cat "$f.stamp" 2> /dev/null)" != "$stamp" ]; then
        echo "bench: generating $f ($args)"
        # shellcheck disable=SC2086  # args is a list of options
        python3 "$SHARED_BENCH/mkcorpus.py" $args --out "$f.tmp" | tail -1
        mv "$f.tmp" "$f"
        echo "$stamp" > "$f.stamp"
    fi
done

cc -O2 -Wall -o "$res/pcap_noop" "$SHARED_BENCH/pcap_noop.c" -lpcap
NOOP=$res/pcap_noop

# The shared anchors' tshark_rdp job: per-connection events on 3389 keyed by tcp.stream.
TSHARK_RDP_ARGS="-n -Y 'tcp.port==3389 && (rdp.neg_type || tls.handshake || tls.alert_message \
|| tcp.flags.syn==1 || tcp.flags.fin==1 || tcp.flags.reset==1)' -T fields -e frame.time_epoch \
-e tcp.stream -e ip.src -e tcp.srcport -e tcp.flags -e rdp.neg_type -e rdp.negReq.requestedProtocols \
-e rdp.negReq.selectedProtocol -e rdp.negFailure.failureCode -e tls.handshake.type \
-e tls.alert_message.desc"

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') x $(nproc)"
    echo "kernel: $(uname -r)"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "rdpdiag: $("$RDPDIAG" --version 2>&1 | head -1)"
    echo "hyperfine: $(hyperfine --version)"
    [ "$SKIP_TSHARK" = 1 ] || echo "tshark: $(tshark --version 2> /dev/null | head -1)"
} > "$res/env.txt"

rows=$res/rows.tsv
: > "$rows"

# bench ID INPUT RUNS COMMAND: hyperfine (one warm-up), then one run under GNU time for the peak RSS.
bench() {
    local id=$1 in=$2 runs=$3 cmd=$4
    local j=$res/json/$in.$id.json
    echo "== $id on $in: $cmd"
    if ! hyperfine --style basic --warmup 1 --runs "$runs" --ignore-failure --export-json "$j" \
        "$cmd" > "${j%.json}.log" 2>&1; then
        echo "   FAILED (see ${j%.json}.log)"
        return
    fi
    $TIME -f %M -o "$res/rss.tmp" bash -c "$cmd" > /dev/null 2>&1 || true
    printf '%s\t%s\t%s\t%s\n' "$id" "$in" "$(tail -1 "$res/rss.tmp")" "$cmd" >> "$rows"
}

for in in $INPUTS; do
    f=$BENCH_DIR/$in.pcap
    cat "$f" > /dev/null # warm the page cache
    "$NOOP" "$f" > "$res/$in.count"
    # rdpdiag must finish normally (0: no failed connection, 1: some failed) before it is timed.
    rc=0
    "$RDPDIAG" -r "$f" > "$res/$in.rdpdiag.txt" 2> "$res/$in.rdpdiag.err" || rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "bench: rdpdiag exited $rc on $f:" >&2
        cat "$res/$in.rdpdiag.err" >&2
        exit 1
    fi
    sha256sum "$f" | cut -c1-16 > "$res/$in.sha"
    bench rdpdiag "$in" "$RUNS" "$RDPDIAG -r $f > /dev/null"
    bench rdpdiag_1t "$in" "$RUNS" "$RDPDIAG --one-thread -r $f > /dev/null"
    bench noop "$in" "$RUNS" "$NOOP $f"
    bench noop_buf "$in" "$RUNS" "$NOOP -B 262144 $f"
    bench noop_bpf "$in" "$RUNS" "$NOOP $f 'tcp port 3389'"
    if [ "$SKIP_TSHARK" != 1 ]; then
        bench tshark_rdp "$in" "$TSHARK_RUNS" "tshark -r $f $TSHARK_RDP_ARGS > /dev/null"
    fi
done
rm -f "$res/rss.tmp"

# Paired rounds: one line "input noop rdpdiag noop_bpf" of wall seconds each.
: > "$res/pairs.tsv"
for in in $INPUTS; do
    [ "$PAIRS" -gt 0 ] || break
    echo "== paired: $PAIRS rounds of pcap_noop, rdpdiag, pcap_noop 'tcp port 3389' on $in"
    python3 - "$in" "$PAIRS" "$NOOP" "$RDPDIAG" "$BENCH_DIR/$in.pcap" >> "$res/pairs.tsv" << 'PAIRED'
import subprocess, sys, time
name, rounds, noop, rdpdiag, f = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
cmds = [[noop, f], [rdpdiag, '-r', f], [noop, f, 'tcp port 3389']]
def wall(c):
    t = time.perf_counter()
    subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t
for c in cmds:
    wall(c)  # warm-up
for _ in range(rounds):
    print(name, *('%.6f' % wall(c) for c in cmds), sep='\t')
PAIRED
done

python3 - "$res" "$BENCH_DIR" "$INPUTS" > "$res/summary.md" << 'EOF'
import json, os, statistics, sys
res, corpus, inputs = sys.argv[1], sys.argv[2], sys.argv[3].split()
TARGET_NOOP = {'bench-mixed-1g': 0.8, 'bench-rdp-256m': 0.5}
TARGET_TSHARK, TARGET_RSS = 50.0, 64.0
rows = [l.rstrip('\n').split('\t', 3) for l in open(os.path.join(res, 'rows.tsv'))]
med, rss, cpu = {}, {}, {}
for tid, inp, kb, _ in rows:
    r = json.load(open(os.path.join(res, 'json', f'{inp}.{tid}.json')))['results'][0]
    t = r['times']
    med[(tid, inp)] = (statistics.median(t), min(t), max(t), len(t))
    cpu[(tid, inp)] = r['user'] + r['system']
    rss[(tid, inp)] = int(kb) / 1024 if kb.isdigit() else float('nan')
print(open(os.path.join(res, 'env.txt')).read())
print('| input | tool | median s | min-max s | runs | CPU s (user+sys, mean) | MB/s | Mpkt/s | peak RSS MiB |')
print('|---|---|---:|---:|---:|---:|---:|---:|---:|')
for tid, inp, _, _ in rows:
    m, lo, hi, n = med[(tid, inp)]
    size = os.path.getsize(os.path.join(corpus, inp + '.pcap'))
    pk = int(open(os.path.join(res, inp + '.count')).read().split()[0].split('=')[1])
    print(f'| {inp} | {tid} | {m:.3f} | {lo:.3f}-{hi:.3f} | {n} | {cpu[(tid, inp)]:.3f} | {size / m / 1e6:,.0f} '
          f'| {pk / m / 1e6:.2f} | {rss[(tid, inp)]:.1f} |')
print()
print('Ratios of median wall time (CPU-time ratio in brackets: rdpdiag uses two cores, so its')
print('CPU time exceeds its wall time; the bracketed ratio is the work, not the wait).')
print()
print('| input | rdpdiag / noop throughput | / noop_buf | --one-thread / noop | x tshark | peak RSS MiB | targets |')
print('|---|---:|---:|---:|---:|---:|---|')
missed = 0
for inp in inputs:
    if ('rdpdiag', inp) not in med:
        continue
    t = med[('rdpdiag', inp)][0]
    c = cpu[('rdpdiag', inp)]
    def ratio(b):
        return med[(b, inp)][0] / t if (b, inp) in med else float('nan')
    def cratio(b):
        return cpu[(b, inp)] / c if (b, inp) in cpu else float('nan')
    noop, noop_buf, tsh = ratio('noop'), ratio('noop_buf'), ratio('tshark_rdp')
    one = (med[('noop', inp)][0] / med[('rdpdiag_1t', inp)][0]
           if ('noop', inp) in med and ('rdpdiag_1t', inp) in med else float('nan'))
    r = rss[('rdpdiag', inp)]
    verdicts = []
    goal = TARGET_NOOP.get(inp)
    if goal is not None:
        ok = noop >= goal
        verdicts.append(f'noop >= {goal}: {"ok" if ok else "MISSED"}')
        missed += not ok
    if tsh == tsh:
        ok = tsh >= TARGET_TSHARK
        verdicts.append(f'tshark >= {TARGET_TSHARK:.0f}x: {"ok" if ok else "MISSED"}')
        missed += not ok
    ok = r < TARGET_RSS
    verdicts.append(f'RSS < {TARGET_RSS:.0f} MiB: {"ok" if ok else "MISSED"}')
    missed += not ok
    print(f'| {inp} | {noop:.2f} ({cratio("noop"):.2f}) | {noop_buf:.2f} ({cratio("noop_buf"):.2f}) '
          f'| {one:.2f} | {tsh:.1f} ({cratio("tshark_rdp"):.1f}) | {r:.1f} | {"; ".join(verdicts)} |')
pairs = {}
for line in open(os.path.join(res, 'pairs.tsv')):
    inp, a, b, c = line.split('\t')
    pairs.setdefault(inp, []).append((float(a), float(b), float(c)))
if pairs:
    print()
    print('Paired rounds (pcap_noop, rdpdiag, pcap_noop with the filter, back to back): median of')
    print('the per-round throughput ratios, with their range.')
    print()
    print('| input | rounds | rdpdiag / noop | rdpdiag / noop_bpf |')
    print('|---|---:|---:|---:|')
    for inp, rs in pairs.items():
        a = [n / r for n, r, _ in rs]
        b = [f / r for _, r, f in rs]
        print(f'| {inp} | {len(rs)} | {statistics.median(a):.2f} ({min(a):.2f}-{max(a):.2f}) '
              f'| {statistics.median(b):.2f} ({min(b):.2f}-{max(b):.2f}) |')
print()
print(f'targets missed: {missed}')
print()
for inp in inputs:
    sha = open(os.path.join(res, inp + '.sha')).read().strip()
    print(f'- {inp}.pcap: {os.path.getsize(os.path.join(corpus, inp + ".pcap"))} bytes, '
          f'{open(os.path.join(res, inp + ".count")).read().strip()}, sha256 {sha}')
EOF
cat "$res/summary.md"
echo "bench: results in $res"
if [ "${BENCH_STRICT:-0}" = 1 ] && ! grep -q '^targets missed: 0$' "$res/summary.md"; then
    exit 1
fi
