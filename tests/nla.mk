# tests/nla.mk
