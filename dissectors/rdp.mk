# TPKT/X.224/RDP_NEG, MCS (T.125), GCC (T.124), BER (owner: RDP dissector work).
libdissect_a_SOURCES += dissectors/ber.h
