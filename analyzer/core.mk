# The analyzer's core: flows, engine, session, diagnosis, reports, CLI.
libanalyzer_a_SOURCES += \
	analyzer/capture.c analyzer/capture.h \
	analyzer/pcapfile.c analyzer/pcapfile.h \
	analyzer/pktq.c analyzer/pktq.h \
	analyzer/regress.c analyzer/regress.h \
	analyzer/cli.c analyzer/cli.h \
	analyzer/compat.h \
	analyzer/conn.c analyzer/conn.h \
	analyzer/textfmt.c analyzer/textfmt.h \
	analyzer/diagnose.c analyzer/diagnose.h \
	analyzer/engine.c analyzer/engine.h \
	analyzer/flow.c analyzer/flow.h \
	analyzer/report.c analyzer/report.h \
	analyzer/run.c analyzer/run.h \
	analyzer/session.c analyzer/session.h \
	analyzer/verdict.c analyzer/verdict.h
libanalyzer_a_SOURCES += analyzer/session_int.h analyzer/session_tls.c
libanalyzer_a_SOURCES += analyzer/diagnose_int.h analyzer/diagnose_rdp.c analyzer/diagnose_tls.c \
	analyzer/diagnose_nla.c
libanalyzer_a_SOURCES += analyzer/explain.c analyzer/explain.h
libanalyzer_a_SOURCES += analyzer/attempt.c analyzer/attempt.h
libanalyzer_a_SOURCES += analyzer/session_nla.c
libanalyzer_a_SOURCES += analyzer/html.c analyzer/html.h
