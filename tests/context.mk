# tests/context.mk - the DNS dissector and the Kerberos/DNS context store
# (which names a client resolved, which tickets it asked for, before it connected).
libdissect_a_SOURCES += dissectors/dns.c dissectors/dns.h
