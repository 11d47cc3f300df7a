# dissectors/tls.mk
