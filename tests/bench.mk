# tests/bench.mk - performance and bounded-memory benchmarks (not part of `make check`).
#
#   make bench          throughput and peak RSS against pcap_noop and tshark
#                       (SKIP_TSHARK=1 to leave tshark out)
#   make bench-memory   a 1-million-connection SYN flood and a 10-hour RDP session
#
# Inputs and results go to BENCH_DIR, outside the repository.  The shared
# corpus generator and pcap_noop are reached beside the source tree; the
# targets say so and stop when that directory is absent.
BENCH_DIR = $(HOME)/rdpdiag-bench
BENCH_SHARED = $(abs_top_srcdir)/../shared/bench
BENCH_CAPTURES = $(abs_top_srcdir)/../shared/public-captures

EXTRA_DIST += tests/bench/run-bench.sh tests/bench/run-memory.sh \
	tests/bench/gen_synflood.py tests/bench/gen_long_session.py tests/bench/RESULTS.md

bench: rdpdiag$(EXEEXT)
	RDPDIAG='$(abs_builddir)/rdpdiag$(EXEEXT)' SHARED_BENCH='$(BENCH_SHARED)' \
	BENCH_DIR='$(BENCH_DIR)' $(SHELL) '$(srcdir)/tests/bench/run-bench.sh'

bench-memory: rdpdiag$(EXEEXT)
	RDPDIAG='$(abs_builddir)/rdpdiag$(EXEEXT)' PUBLIC_CAPTURES='$(BENCH_CAPTURES)' \
	BENCH_DIR='$(BENCH_DIR)' GEN_DIR='$(abs_top_srcdir)/tests/bench' \
	$(SHELL) '$(srcdir)/tests/bench/run-memory.sh'

.PHONY: bench bench-memory
