#!/bin/sh
# run.sh - run libFuzzer targets for a while, two at a time (make fuzz-run).
#
#   run.sh OUTDIR SECONDS SRCDIR TARGET...
#
# Each target stops after SECONDS, or sooner after FUZZ_RUNS executions when
# that is set in the environment.
# Each target starts from a work corpus OUTDIR/corpora/<target> (new inputs go
# there, the committed corpus is only read), plus tests/fuzz/corpus/<target>,
# captures/ for the whole-pipeline targets, and OUTDIR/public/<target> when
# mkseeds.sh --public made it.  Crashes land in OUTDIR/artifacts/<target>/.
# The last line of each log gives the executions; OUTDIR/summary has them all.
set -eu
out=$1 secs=$2 srcdir=$3
shift 3
mkdir -p "$out/corpora" "$out/artifacts" "$out/logs"
one() {
    t=$1
    extra=
    maxlen=16384
    case $t in
    pcap | cli | pcapng_dsb) extra="$srcdir/captures" maxlen=131072 ;;
    esac
    mkdir -p "$out/corpora/$t" "$out/artifacts/$t"
    pub=
    [ -d "$out/public/$t" ] && pub="$out/public/$t"
    "$out/fuzz_$t" -max_total_time="$secs" ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen \
        -print_final_stats=1 -artifact_prefix="$out/artifacts/$t/" \
        "$out/corpora/$t" "$srcdir/tests/fuzz/corpus/$t" $extra $pub \
        >"$out/logs/$t.log" 2>&1 || echo "$t: exit $?" >>"$out/logs/$t.log"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/logs/$t.log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$out/logs/$t.log" | tail -1)
    crashes=$(ls "$out/artifacts/$t" | wc -l)
    echo "$t ${secs}s runs=${runs:-?} ${cov:-cov: ?} artifacts=$crashes" >>"$out/summary"
}
if [ "${RD_FUZZ_ONE:-}" = 1 ]; then
    one "$1"
    exit 0
fi
printf '%s\n' "$@" | RD_FUZZ_ONE=1 xargs -P 2 -n 1 sh "$0" "$out" "$secs" "$srcdir"
