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
tests_check_tlsdec_CFLAGS = $(UNIT_TEST_FLAGS) -DRD_TLS_DATA_DIR='"$(srcdir)/tests/data/tls"' \
	-DRD_PUBLIC_CAPTURES='"$(top_srcdir)/../shared/public-captures"'
tests_check_tlsdec_LDADD = $(UNIT_TEST_LIBS)

EXTRA_DIST += tests/data/tls/generate.sh \
	tests/data/tls/manifest \
	tests/data/tls/server.key \
	tests/data/tls/server.pem \
	tests/data/tls/server.der \
	tests/data/tls/other.key \
	tests/data/tls/ec.key \
	tests/data/tls/encrypted.key \
	tests/data/tls/tls10-ecdhe-aes128-sha.pcap \
	tests/data/tls/tls10-ecdhe-aes128-sha.keylog \
	tests/data/tls/tls11-ecdhe-aes256-sha.pcap \
	tests/data/tls/tls11-ecdhe-aes256-sha.keylog \
	tests/data/tls/tls12-ecdhe-aes128-sha256.pcap \
	tests/data/tls/tls12-ecdhe-aes128-sha256.keylog \
	tests/data/tls/tls12-ecdhe-aes256-sha384.pcap \
	tests/data/tls/tls12-ecdhe-aes256-sha384.keylog \
	tests/data/tls/tls12-ecdhe-aes128-sha-etm.pcap \
	tests/data/tls/tls12-ecdhe-aes128-sha-etm.keylog \
	tests/data/tls/tls12-ecdhe-aes128-gcm.pcap \
	tests/data/tls/tls12-ecdhe-aes128-gcm.keylog \
	tests/data/tls/tls12-ecdhe-aes256-gcm.pcap \
	tests/data/tls/tls12-ecdhe-aes256-gcm.keylog \
	tests/data/tls/tls12-ecdhe-chacha20.pcap \
	tests/data/tls/tls12-ecdhe-chacha20.keylog \
	tests/data/tls/tls13-aes128-gcm.pcap \
	tests/data/tls/tls13-aes128-gcm.keylog \
	tests/data/tls/tls13-aes256-gcm.pcap \
	tests/data/tls/tls13-aes256-gcm.keylog \
	tests/data/tls/tls13-chacha20.pcap \
	tests/data/tls/tls13-chacha20.keylog \
	tests/data/tls/tls12-rsa-aes128-sha.pcap \
	tests/data/tls/tls12-rsa-aes128-sha.keylog \
	tests/data/tls/tls12-rsa-aes256-gcm.pcap \
	tests/data/tls/tls12-rsa-aes256-gcm.keylog \
	tests/data/tls/tls10-rsa-aes128-sha-noems.pcap \
	tests/data/tls/tls10-rsa-aes128-sha-noems.keylog
