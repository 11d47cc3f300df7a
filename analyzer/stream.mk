# Per-direction TCP reassembly (owner: stream work).
libanalyzer_a_SOURCES += analyzer/stream.c analyzer/stream.h

# The suite compiles stream.c itself (with RD_UNIT_TEST) to reach the allocation-failure hook.
if ENABLE_TESTS
check_PROGRAMS += tests/check_stream
TESTS += tests/check_stream
endif
tests_check_stream_SOURCES = tests/check_stream.c analyzer/stream.c analyzer/stream.h
tests_check_stream_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_stream_LDADD = $(UNIT_TEST_LIBS)
