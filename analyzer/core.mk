# analyzer/core.mk
