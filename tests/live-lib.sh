# live-lib.sh - sourced by the live tests (tests/live-*.sh): skip and fail with automake's
# codes, the prerequisites, network namespaces of the test's own from captures/netns.sh, a
# work directory, and a cleanup (on exit) that ends rdpdiag ($RDPDIAG_PID), every process
# the test tracked, and the namespaces.
#
#   top=... bin=...; . "$top/tests/live-lib.sh"; live_setup PREFIX
# makes namespaces PREFIX-c and PREFIX-s (PREFIX-r for a router) and WORK=/tmp/PREFIX.*;
# RDPD_KEEP=1 keeps WORK for debugging.

skip() {
    echo "SKIP: $*"
    exit 77
}
fail() {
    echo "FAIL: $*"
    exit 1
}

WORK=""
RDPDIAG_PID=""
live_cleanup() {
    if [ -n "$RDPDIAG_PID" ]; then
        kill "$RDPDIAG_PID" 2>/dev/null || true
        wait "$RDPDIAG_PID" 2>/dev/null || true
    fi
    ns_cleanup
    if [ -n "$WORK" ] && [ -z "${RDPD_KEEP:-}" ]; then rm -rf "$WORK"; fi
}

live_setup() {
    local prefix=$1
    [ "$(id -u)" = 0 ] || skip "not root (live capture in network namespaces needs root)"
    command -v ip >/dev/null 2>&1 || skip "iproute2 (ip) not installed"
    [ -x "$bin" ] || skip "rdpdiag not built ($bin)"
    [ -f "$top/captures/netns.sh" ] || skip "captures/netns.sh not found under $top"
    # shellcheck disable=SC2034 # read by captures/netns.sh
    RDPD_NS_C=$prefix-c RDPD_NS_S=$prefix-s RDPD_NS_R=$prefix-r
    # shellcheck source=captures/netns.sh
    . "$top/captures/netns.sh"
    trap live_cleanup EXIT
    trap 'exit 130' INT TERM
    if ! ip netns add "$prefix-probe" 2>/dev/null; then
        skip "cannot create network namespaces here"
    fi
    ip netns del "$prefix-probe" 2>/dev/null || true
    WORK=$(mktemp -d "/tmp/$prefix.XXXXXX")
    ns_up >/dev/null 2>&1 || skip "cannot build the veth pair between namespaces"
}
