#!/bin/sh
# run-captures.sh - the capture regression: rdpdiag --check over the project's own
# sample captures (captures/) and the public ones (tests/public/, skipped with a
# message when ../shared is not beside the checkout).
set -u
top=${srcdir:-.}
bin=${RDPDIAG:-./rdpdiag}
status=0

echo "== captures/ (the project's own captures)"
TZ=UTC "$bin" --check "$top/captures" || status=1

if [ -d "$top/tests/public" ]; then
    if [ -d "$top/../shared/public-captures" ]; then
        echo "== tests/public/ (../shared/public-captures)"
        TZ=UTC "$bin" --check "$top/tests/public" || status=1
    else
        echo "SKIP: ../shared/public-captures not found beside the checkout; public captures not checked"
    fi
fi
exit $status
