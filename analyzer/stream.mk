# Per-direction TCP reassembly (owner: stream work).
libanalyzer_a_SOURCES += analyzer/stream.c analyzer/stream.h
