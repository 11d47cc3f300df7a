# tests/context.mk - the DNS dissector and the Kerberos/DNS context store
# (which names a client resolved, which tickets it asked for, before it connected).
libdissect_a_SOURCES += dissectors/dns.c dissectors/dns.h
libanalyzer_a_SOURCES += analyzer/context.c analyzer/context.h

check_PROGRAMS += tests/check_dns tests/check_context
TESTS += tests/check_dns tests/check_context

# The test reaches the RD_TESTABLE name reader, so it compiles the module itself.
tests_check_dns_SOURCES = tests/check_dns.c dissectors/dns.c
tests_check_dns_CFLAGS = $(UNIT_TEST_FLAGS) $(DISSECT_WARN_CFLAGS)
tests_check_dns_LDADD = $(UNIT_TEST_LIBS)

tests_check_context_SOURCES = tests/check_context.c
tests_check_context_CFLAGS = $(UNIT_TEST_FLAGS) $(PCAP_CFLAGS) \
	-DRD_SHARED_DIR='"$(abs_top_srcdir)/../shared"'
tests_check_context_LDADD = $(UNIT_TEST_LIBS)
