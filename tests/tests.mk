# The capture regression (rdpdiag --check) and the repository's mechanical rules.
TESTS += tests/run-captures.sh tests/check-repo.sh tests/check-cli.sh tests/check-threads.sh
EXTRA_DIST += tests/run-captures.sh tests/check-repo.sh tests/check-cli.sh tests/check-threads.sh \
	captures tests/data
AM_TESTS_ENVIRONMENT = srcdir='$(srcdir)'; export srcdir; RDPDIAG='$(abs_builddir)/rdpdiag'; \
	export RDPDIAG; TZ=UTC; export TZ;
check_PROGRAMS += tests/check_report
TESTS += tests/check_report
tests_check_report_SOURCES = tests/check_report.c
tests_check_report_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_report_LDADD = $(UNIT_TEST_LIBS)

check_PROGRAMS += tests/check_flow
TESTS += tests/check_flow
tests_check_flow_SOURCES = tests/check_flow.c
tests_check_flow_CFLAGS = $(UNIT_TEST_FLAGS)
tests_check_flow_LDADD = $(UNIT_TEST_LIBS)
