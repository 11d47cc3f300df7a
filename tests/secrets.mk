# tests/secrets.mk - no secret (key log secrets, passwords, NTLM responses) in any output.
TESTS += tests/check_secrets.sh
EXTRA_DIST += tests/check_secrets.sh
