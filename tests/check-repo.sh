#!/bin/sh
# check-repo.sh - the project's mechanical rules (STYLE.md §1, §9):
#   banned calls anywhere in the C sources; dissectors stay pure (no libpcap, no
#   I/O, no OpenSSL outside x509.c); only capture.c includes <pcap.h> in the
#   analyzer; only tlsdec/keylog/pcapng_dsb include OpenSSL there; formatting
#   (clang-format dry run) when clang-format is installed.
set -u
top=${srcdir:-.}
fail=0
say() { echo "check-repo: $*"; fail=1; }

cd "$top" || exit 1
src=$(ls dissectors/*.c dissectors/*.h analyzer/*.c analyzer/*.h 2>/dev/null)

banned='\b(sprintf|vsprintf|strcpy|strcat|strtok|gets|atoi|atol|sscanf|fscanf|scanf|alloca|system|popen)[[:space:]]*\('
hits=$(grep -nE "$banned" $src | grep -v '^\s*/\*' || true)
[ -n "$hits" ] && say "banned calls:" && echo "$hits"

for f in dissectors/*.c dissectors/*.h; do
    case "$f" in dissectors/x509.c) ;; *)
        grep -qE '#include <openssl/' "$f" && say "$f includes OpenSSL (only x509.c may)";;
    esac
    grep -qE '#include <pcap' "$f" && say "$f includes libpcap"
    grep -qE '\b(printf|fprintf|fopen|malloc|calloc|realloc|exit|abort)[[:space:]]*\(' "$f" &&
        case "$f" in dissectors/x509.c) ;; *) say "$f does I/O, allocates or exits";; esac
done
for f in analyzer/*.c analyzer/*.h; do
    case "$f" in analyzer/capture.c) ;; *)
        grep -qE '#include <pcap' "$f" && say "$f includes libpcap (only capture.c may)";;
    esac
    case "$f" in analyzer/tlsdec.c|analyzer/keylog.c|analyzer/pcapng_dsb.c) ;; *)
        grep -qE '#include <openssl/' "$f" && say "$f includes OpenSSL";;
    esac
    case "$f" in analyzer/main.c) ;; *)
        grep -qE '\bexit[[:space:]]*\(' "$f" && say "$f calls exit (only main.c may)";;
    esac
done

if command -v clang-format >/dev/null 2>&1; then
    for f in $src; do
        if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
            say "$f is not clang-formatted (clang-format -i $f)"
        fi
    done
else
    echo "check-repo: clang-format not installed; formatting not checked"
fi
[ $fail -eq 0 ] && echo "check-repo: ok"
exit $fail
