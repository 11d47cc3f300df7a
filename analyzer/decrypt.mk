# analyzer/decrypt.mk - optional TLS decryption: key logs, pcapng DSBs, record decryption.
libanalyzer_a_SOURCES += analyzer/keylog.c analyzer/keylog.h \
	analyzer/pcapng_dsb.c analyzer/pcapng_dsb.h \
	analyzer/tlsdec.c analyzer/tlsdec.h

check_PROGRAMS += tests/check_keylog tests/check_tlsdec
TESTS += tests/check_keylog tests/check_tlsdec
tests_check_keylog_SOURCES = tests/check_keylog.c
tests_check_keylog_CFLAGS = $(UNIT_TEST_FLAGS) -DRD_TLS_DATA_DIR='"$(srcdir)/tests/data/tls"' \
	-DRD_PUBLIC_CAPTURES='"$(top_srcdir)/../shared/public-captures"'
tests_check_keylog_LDADD = $(UNIT_TEST_LIBS)
tests_check_tlsdec_SOURCES = tests/check_tlsdec.c
tests_check_tlsdec_CFLAGS = $(UNIT_TEST_FLAGS) -DRD_TLS_DATA_DIR='"$(srcdir)/tests/data/tls"'
tests_check_tlsdec_LDADD = $(UNIT_TEST_LIBS)

EXTRA_DIST += tests/data/tls/generate.sh tests/data/tls/manifest \
	tests/data/tls/server.key tests/data/tls/server.pem \
	$(wildcard $(srcdir)/tests/data/tls/*.pcap) $(wildcard $(srcdir)/tests/data/tls/*.keylog)
