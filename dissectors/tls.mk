# dissectors/tls.mk
# TLS records/handshake/alerts/extensions (tls.c, tls_names.c) and X.509 facts
# through OpenSSL (x509.c, the only dissector that includes OpenSSL).
libdissect_a_SOURCES += dissectors/tls.c dissectors/tls_names.c dissectors/tls.h
