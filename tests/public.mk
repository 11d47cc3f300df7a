# tests/public.mk
