# tests/secrets.mk
