# tests/nla.mk - TLS decryption in the session and the decoded CredSSP/NLA/MCS facts,
# over the public captures in ../shared (skipped when that directory is absent).
check_PROGRAMS += tests/check_nla
TESTS += tests/check_nla
tests_check_nla_SOURCES = tests/check_nla.c
tests_check_nla_CFLAGS = $(UNIT_TEST_FLAGS) -DRD_SHARED_DIR='"$(abs_top_srcdir)/../shared"'
tests_check_nla_LDADD = $(UNIT_TEST_LIBS)
