# Link layer to TCP/UDP/ICMP decode (owner: decode work).
libanalyzer_a_SOURCES += analyzer/decode.c analyzer/decode.h analyzer/packet.h

if ENABLE_TESTS
check_PROGRAMS += tests/check_decode
TESTS += tests/check_decode
endif
tests_check_decode_SOURCES = tests/check_decode.c
tests_check_decode_CFLAGS = $(UNIT_TEST_FLAGS) $(PCAP_CFLAGS) \
	-DRD_SHARED_DIR='"$(abs_top_srcdir)/../shared"' -DRD_SRC_DIR='"$(abs_top_srcdir)"'
tests_check_decode_LDADD = $(UNIT_TEST_LIBS)

# The block reader of classic pcap files against libpcap's own.
if ENABLE_TESTS
check_PROGRAMS += tests/check_pcapfile
TESTS += tests/check_pcapfile
endif
tests_check_pcapfile_SOURCES = tests/check_pcapfile.c
tests_check_pcapfile_CFLAGS = $(UNIT_TEST_FLAGS) $(PCAP_CFLAGS) \
	-DRD_SHARED_DIR='"$(abs_top_srcdir)/../shared"' -DRD_SRC_DIR='"$(abs_top_srcdir)"'
tests_check_pcapfile_LDADD = $(UNIT_TEST_LIBS)
