# Link layer to TCP/UDP/ICMP decode (owner: decode work).
libanalyzer_a_SOURCES += analyzer/decode.c analyzer/decode.h analyzer/packet.h
