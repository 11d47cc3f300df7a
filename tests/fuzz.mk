# tests/fuzz.mk - fuzz targets (tests/fuzz/fuzz_<module>.c), their corpus replay in
# `make check`, `make fuzz` (libFuzzer, clang) and the capture mutation test.
#
# The replay programs link each target with tests/fuzz/replay.c instead of libFuzzer,
# so any compiler runs every corpus file through it (with --enable-sanitizers, under
# ASan/UBSan).  The whole-pipeline targets also replay captures/ and, when present,
# ../shared/public-captures.
#
# make fuzz       builds tests/fuzz/out/fuzz_<target> with $(FUZZ_CC) (default clang)
# make fuzz-run   runs each for FUZZ_SECONDS (default 60), or until FUZZ_RUNS executions
#                 when that is set, two at a time; a summary of
#                 executions per target in tests/fuzz/out/summary
# make fuzz-seeds regenerates the committed seeds (tshark, editcap, python3)

FUZZ_TARGETS = tpkt mcs t124 rdpbcgr tls_record tls_hello tls_cert x509 ber credssp spnego ntlmssp kerberos dns keylog pcapng_dsb pcap cli
FUZZ_REPLAY_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) $(OPENSSL_CFLAGS)
FUZZ_REPLAY_LIBS = libanalyzer.a libdissect.a $(PCAP_LIBS) $(OPENSSL_LIBS)
FUZZ_PUBLIC = $(abs_top_srcdir)/../shared/public-captures

check_PROGRAMS += tests/fuzz/replay_tpkt
TESTS += tests/fuzz/replay_tpkt
tests_fuzz_replay_tpkt_SOURCES = tests/fuzz/fuzz_tpkt.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_tpkt_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/tpkt"'
tests_fuzz_replay_tpkt_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_mcs
TESTS += tests/fuzz/replay_mcs
tests_fuzz_replay_mcs_SOURCES = tests/fuzz/fuzz_mcs.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_mcs_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/mcs"'
tests_fuzz_replay_mcs_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_t124
TESTS += tests/fuzz/replay_t124
tests_fuzz_replay_t124_SOURCES = tests/fuzz/fuzz_t124.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_t124_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/t124"'
tests_fuzz_replay_t124_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_rdpbcgr
TESTS += tests/fuzz/replay_rdpbcgr
tests_fuzz_replay_rdpbcgr_SOURCES = tests/fuzz/fuzz_rdpbcgr.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_rdpbcgr_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/rdpbcgr"'
tests_fuzz_replay_rdpbcgr_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_tls_record
TESTS += tests/fuzz/replay_tls_record
tests_fuzz_replay_tls_record_SOURCES = tests/fuzz/fuzz_tls_record.c tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/tls_checks.h
tests_fuzz_replay_tls_record_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/tls_record"'
tests_fuzz_replay_tls_record_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_tls_hello
TESTS += tests/fuzz/replay_tls_hello
tests_fuzz_replay_tls_hello_SOURCES = tests/fuzz/fuzz_tls_hello.c tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/tls_checks.h
tests_fuzz_replay_tls_hello_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/tls_hello"'
tests_fuzz_replay_tls_hello_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_tls_cert
TESTS += tests/fuzz/replay_tls_cert
tests_fuzz_replay_tls_cert_SOURCES = tests/fuzz/fuzz_tls_cert.c tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/tls_checks.h
tests_fuzz_replay_tls_cert_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/tls_cert"'
tests_fuzz_replay_tls_cert_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_x509
TESTS += tests/fuzz/replay_x509
tests_fuzz_replay_x509_SOURCES = tests/fuzz/fuzz_x509.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_x509_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/x509"'
tests_fuzz_replay_x509_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_ber
TESTS += tests/fuzz/replay_ber
tests_fuzz_replay_ber_SOURCES = tests/fuzz/fuzz_ber.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_ber_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/ber"'
tests_fuzz_replay_ber_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_credssp
TESTS += tests/fuzz/replay_credssp
tests_fuzz_replay_credssp_SOURCES = tests/fuzz/fuzz_credssp.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_credssp_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/credssp"'
tests_fuzz_replay_credssp_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_spnego
TESTS += tests/fuzz/replay_spnego
tests_fuzz_replay_spnego_SOURCES = tests/fuzz/fuzz_spnego.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_spnego_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/spnego"'
tests_fuzz_replay_spnego_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_ntlmssp
TESTS += tests/fuzz/replay_ntlmssp
tests_fuzz_replay_ntlmssp_SOURCES = tests/fuzz/fuzz_ntlmssp.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_ntlmssp_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/ntlmssp"'
tests_fuzz_replay_ntlmssp_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_kerberos
TESTS += tests/fuzz/replay_kerberos
tests_fuzz_replay_kerberos_SOURCES = tests/fuzz/fuzz_kerberos.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_kerberos_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/kerberos"'
tests_fuzz_replay_kerberos_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_dns
TESTS += tests/fuzz/replay_dns
tests_fuzz_replay_dns_SOURCES = tests/fuzz/fuzz_dns.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_dns_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/dns"'
tests_fuzz_replay_dns_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_keylog
TESTS += tests/fuzz/replay_keylog
tests_fuzz_replay_keylog_SOURCES = tests/fuzz/fuzz_keylog.c tests/fuzz/replay.c tests/fuzz/fuzz.h
tests_fuzz_replay_keylog_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/keylog"'
tests_fuzz_replay_keylog_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_pcapng_dsb
TESTS += tests/fuzz/replay_pcapng_dsb
tests_fuzz_replay_pcapng_dsb_SOURCES = tests/fuzz/fuzz_pcapng_dsb.c tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/memfd_input.h
tests_fuzz_replay_pcapng_dsb_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/pcapng_dsb"' \
	-DRD_FUZZ_EXTRA='"$(abs_top_srcdir)/captures"' -DRD_FUZZ_PUBLIC='"$(FUZZ_PUBLIC)"'
tests_fuzz_replay_pcapng_dsb_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_pcap
TESTS += tests/fuzz/replay_pcap
tests_fuzz_replay_pcap_SOURCES = tests/fuzz/fuzz_pcap.c tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/memfd_input.h
tests_fuzz_replay_pcap_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/pcap"' \
	-DRD_FUZZ_EXTRA='"$(abs_top_srcdir)/captures"' -DRD_FUZZ_PUBLIC='"$(FUZZ_PUBLIC)"'
tests_fuzz_replay_pcap_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_cli
TESTS += tests/fuzz/replay_cli
tests_fuzz_replay_cli_SOURCES = tests/fuzz/fuzz_cli.c tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/memfd_input.h
tests_fuzz_replay_cli_CFLAGS = $(FUZZ_REPLAY_CFLAGS) -DRD_FUZZ_CORPUS='"$(abs_top_srcdir)/tests/fuzz/corpus/cli"' \
	-DRD_FUZZ_EXTRA='"$(abs_top_srcdir)/captures"' -DRD_FUZZ_PUBLIC='"$(FUZZ_PUBLIC)"'
tests_fuzz_replay_cli_LDADD = $(FUZZ_REPLAY_LIBS)

# The whole CLI on mutated captures (concatenated, truncated, bit-flipped).
TESTS += tests/mutate-captures.sh

EXTRA_DIST += tests/fuzz/corpus tests/fuzz/crashes tests/fuzz/RESULTS.md \
	tests/fuzz/build.sh tests/fuzz/run.sh tests/fuzz/mkseeds.sh tests/fuzz/mkseeds.py \
	tests/fuzz/mutate.py tests/mutate-captures.sh

FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_RUNS =
FUZZ_OUT = tests/fuzz/out
FUZZ_BUILD_CFLAGS = $(STD_CFLAGS) -g -O1 -I$(top_builddir) -I$(srcdir)/dissectors \
	-I$(srcdir)/analyzer -I$(srcdir)/tests/fuzz $(PCAP_CFLAGS) $(OPENSSL_CFLAGS)

fuzz:
	$(SHELL) $(srcdir)/tests/fuzz/build.sh "$(FUZZ_CC)" "$(srcdir)" "$(FUZZ_OUT)" \
		"$(FUZZ_BUILD_CFLAGS)" "$(PCAP_LIBS) $(OPENSSL_LIBS)" "$(FUZZ_TARGETS)" \
		$(libdissect_a_SOURCES) $(libanalyzer_a_SOURCES)

fuzz-run: fuzz
	rm -f $(FUZZ_OUT)/summary
	FUZZ_RUNS=$(FUZZ_RUNS) $(SHELL) $(srcdir)/tests/fuzz/run.sh "$(FUZZ_OUT)" "$(FUZZ_SECONDS)" "$(srcdir)" \
		$(FUZZ_TARGETS)
	cat $(FUZZ_OUT)/summary

fuzz-seeds:
	$(SHELL) $(srcdir)/tests/fuzz/mkseeds.sh
	$(SHELL) $(srcdir)/tests/fuzz/mkseeds.sh --public $(FUZZ_OUT)/public

clean-fuzz:
	rm -rf $(FUZZ_OUT)

.PHONY: fuzz fuzz-run fuzz-seeds clean-fuzz
