# dissectors/tls.mk
# TLS records/handshake/alerts/extensions (tls.c, tls_names.c) and X.509 facts
# through OpenSSL (x509.c, the only dissector that includes OpenSSL).
libdissect_a_SOURCES += dissectors/tls.c dissectors/tls_names.c dissectors/tls.h
libdissect_a_SOURCES += dissectors/x509.c dissectors/x509.h

check_PROGRAMS += tests/check_tls tests/check_x509
TESTS += tests/check_tls tests/check_x509
tests_check_tls_SOURCES = tests/check_tls.c
tests_check_tls_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_tls_LDADD = $(UNIT_TEST_LIBS)
tests_check_x509_SOURCES = tests/check_x509.c
tests_check_x509_CFLAGS = $(UNIT_TEST_FLAGS) $(OPENSSL_CFLAGS)
tests_check_x509_LDADD = $(UNIT_TEST_LIBS)
EXTRA_DIST += tests/data/x509/make-certs.sh \
	tests/data/x509/ca.der \
	tests/data/x509/server-rsa2048.der \
	tests/data/x509/legacy-rsa1024-sha1.der \
	tests/data/x509/ec-p256.der \
	tests/data/x509/ed25519.der \
	tests/data/x509/md5-rsa2048.der \
	tests/data/x509/fake-self-issued.der \
	tests/data/x509/pre1970.der \
	tests/data/x509/many-sans.der
