# tests/html.mk - the HTML report (analyzer/html.c, built into libanalyzer by
# analyzer/core.mk) and the man page.
#
# tests/check-html.sh renders captures/ through rdpdiag --html (or, while the
# option is not wired, through tests/html_driver), checks the document parses
# with every element closed, carries the verdicts, fetches nothing from outside
# and escapes hostile strings, screenshots it with chromium when installed, and
# checks that rdpdiag.1 renders without groff warnings.
man_MANS = rdpdiag.1
EXTRA_DIST += rdpdiag.1 tests/check-html.sh

check_PROGRAMS += tests/html_driver
tests_html_driver_SOURCES = tests/html_driver.c
tests_html_driver_CFLAGS = $(AM_CFLAGS) $(PCAP_CFLAGS) $(OPENSSL_CFLAGS)
tests_html_driver_LDADD = libanalyzer.a libdissect.a $(PCAP_LIBS) $(OPENSSL_LIBS)

TESTS += tests/check-html.sh
