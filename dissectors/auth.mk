# dissectors/auth.mk - BER and the NLA/authentication dissectors
# (CredSSP TSRequest, SPNEGO, NTLMSSP, Kerberos, NTSTATUS/HRESULT names).
libdissect_a_SOURCES += dissectors/ber.c \
	dissectors/credssp.c dissectors/credssp.h \
	dissectors/ntstatus.c dissectors/ntstatus.h \
	dissectors/ntlmssp.c dissectors/ntlmssp.h \
	dissectors/spnego.c dissectors/spnego.h \
	dissectors/kerberos.c dissectors/kerberos.h

check_PROGRAMS += tests/check_ber tests/check_credssp tests/check_ntlmssp tests/check_spnego \
	tests/check_kerberos
TESTS += tests/check_ber tests/check_credssp tests/check_ntlmssp tests/check_spnego \
	tests/check_kerberos

tests_check_ber_SOURCES = tests/check_ber.c
tests_check_ber_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_ber_LDADD = $(UNIT_TEST_LIBS)

tests_check_credssp_SOURCES = tests/check_credssp.c
tests_check_credssp_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_credssp_LDADD = $(UNIT_TEST_LIBS)

# The test reaches RD_TESTABLE helpers, so it compiles the module itself.
tests_check_ntlmssp_SOURCES = tests/check_ntlmssp.c dissectors/ntlmssp.c
tests_check_ntlmssp_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_ntlmssp_LDADD = $(UNIT_TEST_LIBS)

tests_check_spnego_SOURCES = tests/check_spnego.c
tests_check_spnego_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_spnego_LDADD = $(UNIT_TEST_LIBS)

tests_check_kerberos_SOURCES = tests/check_kerberos.c
tests_check_kerberos_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_kerberos_LDADD = $(UNIT_TEST_LIBS)
