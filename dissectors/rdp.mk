# TPKT/X.224/RDP_NEG, MCS (T.125), GCC (T.124), BER (owner: RDP dissector work).
libdissect_a_SOURCES += dissectors/ber.h
libdissect_a_SOURCES += dissectors/tpkt.c dissectors/tpkt.h dissectors/x224.c dissectors/x224.h

check_PROGRAMS += tests/check_cursor tests/check_tpkt tests/check_x224
TESTS += tests/check_cursor tests/check_tpkt tests/check_x224
tests_check_cursor_SOURCES = tests/check_cursor.c
tests_check_cursor_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_cursor_LDADD = $(UNIT_TEST_LIBS)
tests_check_tpkt_SOURCES = tests/check_tpkt.c
tests_check_tpkt_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_tpkt_LDADD = $(UNIT_TEST_LIBS)
tests_check_x224_SOURCES = tests/check_x224.c
tests_check_x224_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_x224_LDADD = $(UNIT_TEST_LIBS)

libdissect_a_SOURCES += dissectors/mcs.c dissectors/mcs.h
check_PROGRAMS += tests/check_mcs
TESTS += tests/check_mcs
tests_check_mcs_SOURCES = tests/check_mcs.c
tests_check_mcs_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_mcs_LDADD = $(UNIT_TEST_LIBS)

libdissect_a_SOURCES += dissectors/t124.c dissectors/t124.h
check_PROGRAMS += tests/check_t124
TESTS += tests/check_t124
tests_check_t124_SOURCES = tests/check_t124.c
tests_check_t124_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_t124_LDADD = $(UNIT_TEST_LIBS)

libdissect_a_SOURCES += dissectors/rdpbcgr.c dissectors/rdpbcgr.h
check_PROGRAMS += tests/check_rdpbcgr
TESTS += tests/check_rdpbcgr
tests_check_rdpbcgr_SOURCES = tests/check_rdpbcgr.c
tests_check_rdpbcgr_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_rdpbcgr_LDADD = $(UNIT_TEST_LIBS)
