#!/bin/bash
# live-rotate.sh - saving a live capture with rotation: `-w FILE -C 1` starts a new file
# (FILE1, FILE2, ...) past one million bytes, `-w PATTERN -G 1` a new file every second
# (PATTERN through strftime), and no packet is lost or doubled across the files.
#
# Topology: captures/netns.sh with namespace names of its own (rdpdr-*).  A bulk TCP
# transfer of 3,500,000 bytes to port 3389 (python3 sockets, not RDP: rdpdiag follows
# every connection to an RDP port) is captured by `rdpdiag -i rdpd-c0 -c 1 --json`, which
# ends by itself once the connection has.  Then:
#   -C 1: at least four files, each but the last past 1,000,000 bytes;
#   -G 1: the same transfer spread over about three seconds gives at least two files;
# and either way the files, merged and read back with `rdpdiag -r --json`, hold exactly
# what rdpdiag saw live: the same per-direction TCP counters (packets, bytes,
# retransmissions, gaps), as many frames as the packets counted live, and every byte
# sent is there or, when the kernel dropped packets under load, counted as missing.
# Every file is created 0644 (0600 with a umask of 077), as tcpdump creates them.
#
# Skips (exit 77) when not root, without network namespaces, python3, mergecap or capinfos.
set -u

top=${srcdir:-.}
bin=${RDPDIAG:-./rdpdiag}
BYTES=3500000

# shellcheck source=tests/live-lib.sh
. "$top/tests/live-lib.sh"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
for t in mergecap capinfos; do
    command -v $t >/dev/null 2>&1 || skip "$t (Debian: wireshark-common) not installed"
done
live_setup rdpdr

# The server reads until the client closes (bounded), then closes.
SERVER='
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 3389)); s.listen(1); s.settimeout(15)
c, _ = s.accept(); c.settimeout(15); end = time.time() + 15
while time.time() < end:
    if not c.recv(65536):
        break
c.close()
'
# The client sends BYTES in SECONDS (paced), then closes.
CLIENT='
import socket, sys, time
total, secs = int(sys.argv[2]), float(sys.argv[3])
c = socket.create_connection((sys.argv[1], 3389), timeout=10)
chunk, sent, start = 50000, 0, time.time()
while sent < total:
    n = min(chunk, total - sent)
    c.sendall(b"\x5a" * n); sent += n
    lag = start + secs * sent / total - time.time()
    if lag > 0:
        time.sleep(lag)
c.shutdown(socket.SHUT_WR); c.recv(1); c.close()
'

# run_case NAME SECONDS RDPDIAG-OPTIONS...: one transfer captured with those options.
run_case() {
    local name=$1 secs=$2 i
    shift 2
    in_s timeout 20 python3 -c "$SERVER" "$RDPD_IP_S" &
    track $!
    wait_listen "$RDPD_NS_S" 3389 || fail "$name: the server did not start"
    in_c timeout 25 "$bin" -i rdpd-c0 -c 1 --json "$@" >"$WORK/$name.json" 2>"$WORK/$name.err" &
    RDPDIAG_PID=$!
    sleep 1.5
    kill -0 "$RDPDIAG_PID" 2>/dev/null || {
        cat "$WORK/$name.err"
        fail "$name: rdpdiag exited before the transfer"
    }
    in_c timeout 15 python3 -c "$CLIENT" "$RDPD_IP_S" "$BYTES" "$secs" ||
        fail "$name: the transfer failed"
    for i in $(seq 1 150); do
        kill -0 "$RDPDIAG_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$RDPDIAG_PID" 2>/dev/null && fail "$name: rdpdiag -c 1 still running 15 s after the transfer"
    wait "$RDPDIAG_PID"
    RDPDIAG_PID=""
    kill_tracked
}

# check_files NAME MINFILES FILE...: modes, readable, merged they hold the whole transfer.
check_files() {
    local name=$1 min=$2 f mode
    shift 2
    [ $# -ge "$min" ] || fail "$name: $# file(s), expected at least $min: $*"
    for f in "$@"; do
        mode=$(stat -c %a "$f")
        [ "$mode" = 644 ] || [ "$mode" = 600 ] || fail "$name: $f has mode $mode"
        "$bin" -r "$f" >/dev/null 2>&1
        [ $? -le 1 ] || fail "$name: rdpdiag cannot read $f"
    done
    mergecap -w "$WORK/$name-merged.pcap" "$@" || fail "$name: mergecap failed"
    "$bin" --all --json -r "$WORK/$name-merged.pcap" >"$WORK/$name-merged.json" \
        2>"$WORK/$name-merged.err"
    # The capture line is printed only when something was skipped or went backwards.
    live=$(grep -o 'capture: [0-9]* frames' "$WORK/$name.err")
    saved=$(grep -o 'capture: [0-9]* frames' "$WORK/$name-merged.err")
    [ "$live" = "$saved" ] ||
        fail "$name: rdpdiag saw '$live' live, the saved files hold '$saved'"
    frames=$(capinfos -T -M -r -c "$WORK/$name-merged.pcap" | awk -F'\t' '{print $2}')
    python3 - "$WORK/$name.json" "$WORK/$name-merged.json" "$BYTES" "$name" "$frames" <<'EOF' || exit 1
import json, sys
name, want, frames = sys.argv[4], int(sys.argv[3]), int(sys.argv[5])
def conn(path):
    c = [json.loads(l) for l in open(path) if l.strip()]
    c = [x for x in c if x["server"]["port"] == 3389]
    if len(c) != 1:
        sys.exit(f"FAIL: {name}: {len(c)} connections to 3389 in {path}, expected 1")
    return c[0]["tcp"]
live, saved = conn(sys.argv[1]), conn(sys.argv[2])
# The filter passes only this connection: every saved frame is one of its packets.
seen = live["client"]["packets"] + live["server"]["packets"]
if seen != frames:
    sys.exit(f"FAIL: {name}: rdpdiag counted {seen} packets live, the files hold {frames} frames")
for side in ("client", "server"):
    if live[side] != saved[side]:
        sys.exit(f"FAIL: {name}: {side} counters live {live[side]}, in the files {saved[side]}")
# Under load the kernel may drop packets before the capture sees them: they are
# then reported as missing, so seen plus missing covers everything sent.
c = saved["client"]
if c["bytes"] + c["gap_bytes"] < want:
    sys.exit(f"FAIL: {name}: {c['bytes']} client bytes seen and {c['gap_bytes']} missing, "
             f"fewer than the {want} sent")
print(f"ok   {name}: the files hold what rdpdiag saw live ({saved['client']['packets']} client "
      f"packets, {saved['client']['bytes']} bytes, {saved['client']['retransmissions']} "
      "retransmissions)")
EOF
}

run_case size 1 -w "$WORK/rot.pcap" -C 1
files=("$WORK"/rot.pcap*)
for f in "${files[@]}"; do
    [ "$f" = "${files[-1]}" ] && break
    [ "$(stat -c %s "$f")" -ge 1000000 ] || fail "size: $f holds less than 1,000,000 bytes"
done
echo "ok   -C 1: ${#files[@]} files: $(cd "$WORK" && ls -1 rot.pcap* | tr '\n' ' ')"
check_files size 4 "${files[@]}"

run_case time 3 -w "$WORK/t-%H%M%S.pcap" -G 1
files=("$WORK"/t-*.pcap)
echo "ok   -G 1: ${#files[@]} files"
check_files time 2 "${files[@]}"

echo "PASS: -C and -G rotation keep every packet rdpdiag saw, in files with tcpdump's modes"
exit 0
