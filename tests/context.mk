# tests/context.mk
