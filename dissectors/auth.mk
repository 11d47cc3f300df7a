# dissectors/auth.mk - BER and the NLA/authentication dissectors
# (CredSSP TSRequest, SPNEGO, NTLMSSP, Kerberos, NTSTATUS/HRESULT names).
libdissect_a_SOURCES += dissectors/ber.c \
	dissectors/credssp.c dissectors/credssp.h \
	dissectors/ntstatus.c dissectors/ntstatus.h

check_PROGRAMS += tests/check_ber tests/check_credssp
TESTS += tests/check_ber tests/check_credssp

tests_check_ber_SOURCES = tests/check_ber.c
tests_check_ber_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_ber_LDADD = $(UNIT_TEST_LIBS)

tests_check_credssp_SOURCES = tests/check_credssp.c
tests_check_credssp_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_credssp_LDADD = $(UNIT_TEST_LIBS)
