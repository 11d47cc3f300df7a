#!/bin/sh
# build.sh - build the libFuzzer targets (make fuzz).
#
#   build.sh CC SRCDIR OUTDIR "CFLAGS" "LIBS" "TARGETS" SOURCE...
#
# Every project source is compiled once with coverage instrumentation and the
# sanitizers (-fsanitize=fuzzer-no-link,address,undefined) into OUTDIR/obj and
# archived; each tests/fuzz/fuzz_<target>.c is linked with -fsanitize=fuzzer
# into OUTDIR/fuzz_<target>.  Objects are rebuilt when their source or any
# header is newer.  Needs clang and libFuzzer (Debian: clang-14, libfuzzer-14-dev).
set -eu
cc=$1 srcdir=$2 out=$3 cflags=$4 libs=$5 targets=$6
shift 6
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
mkdir -p "$out/obj"
newest_header=$(ls -t "$srcdir"/dissectors/*.h "$srcdir"/analyzer/*.h config.h 2>/dev/null | head -1)
objs=
for src in "$@"; do
    case $src in *.c) ;; *) continue ;; esac
    obj="$out/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')"
    if [ ! -f "$obj" ] || [ "$srcdir/$src" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then
        echo "  FUZZCC   $src"
        $cc $cflags $san -fsanitize=fuzzer-no-link -c "$srcdir/$src" -o "$obj"
    fi
    objs="$objs $obj"
done
rm -f "$out/librdfuzz.a"
ar rcs "$out/librdfuzz.a" $objs
for t in $targets; do
    echo "  FUZZLD   $out/fuzz_$t"
    $cc $cflags $san -fsanitize=fuzzer "$srcdir/tests/fuzz/fuzz_$t.c" "$out/librdfuzz.a" $libs \
        -o "$out/fuzz_$t"
done
