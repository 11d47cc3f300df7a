# The capture regression (rdpdiag --check) and the repository's mechanical rules.
TESTS += tests/run-captures.sh tests/check-repo.sh
EXTRA_DIST += tests/run-captures.sh tests/check-repo.sh
AM_TESTS_ENVIRONMENT = srcdir='$(srcdir)'; export srcdir; RDPDIAG='$(abs_builddir)/rdpdiag'; \
	export RDPDIAG; TZ=UTC; export TZ;
