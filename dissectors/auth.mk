# dissectors/auth.mk
