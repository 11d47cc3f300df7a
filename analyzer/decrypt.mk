# analyzer/decrypt.mk
