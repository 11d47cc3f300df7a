# tests/public.mk: the whole pipeline over the public RDP captures in
# ../shared/public-captures (never copied into the tree; the tests skip when absent).
check_PROGRAMS += tests/check_public
TESTS += tests/check_public tests/check-json.sh
tests_check_public_SOURCES = tests/check_public.c
tests_check_public_CFLAGS = $(UNIT_TEST_FLAGS) -DRD_SHARED_DIR='"$(abs_top_srcdir)/../shared"'
tests_check_public_LDADD = $(UNIT_TEST_LIBS)
EXTRA_DIST += tests/check-json.sh \
	tests/public/RDP-003.expected \
	tests/public/rdp-invalid-length.expected \
	tests/public/rdp-nla-kerberos-auth1.expected \
	tests/public/rdp-nla-ntlm-rejected1.expected \
	tests/public/rdp-nla-smartcard-auth1.expected \
	tests/public/rdp-no-cookie-mstshash.expected \
	tests/public/rdp-no-nla-accepted1.expected \
	tests/public/rdp-proprietary-encryption.expected \
	tests/public/rdp-restricted-admin-accepted1.expected \
	tests/public/rdp-to-ssl.expected \
	tests/public/rdp-unknown-keyboard.expected \
	tests/public/rdp-x509.expected \
	tests/public/rdpeudp-handshake-success.expected \
	tests/public/tls-1.2-handshake-failure.expected
