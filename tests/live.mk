# Live capture: rdpdiag -i on a veth between two network namespaces, with a real failing
# RDP connection (skips with exit 77 unless root and `ip netns` work).
TESTS += tests/live-capture.sh tests/live-rotate.sh
EXTRA_DIST += tests/live-capture.sh tests/live-rotate.sh tests/live-lib.sh captures/netns.sh captures/xrdpini.py
