# dissectors/auth.mk - BER and the NLA/authentication dissectors
# (CredSSP TSRequest, SPNEGO, NTLMSSP, Kerberos, NTSTATUS/HRESULT names).
libdissect_a_SOURCES += dissectors/ber.c

check_PROGRAMS += tests/check_ber
TESTS += tests/check_ber
tests_check_ber_SOURCES = tests/check_ber.c
tests_check_ber_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_ber_LDADD = $(UNIT_TEST_LIBS)
