/* session_int.h - what session.c and session_tls.c share (not for other modules). */
#ifndef RD_SESSION_INT_H
#define RD_SESSION_INT_H

#include "cursor.h"
#include "session.h"

/* Move to phase `to` if the transition table allows it; an anomaly otherwise. */
void rd_sess_set_phase(struct rd_conn *c, const struct rd_packet *p, enum rd_phase to);

/* Count a PDU that did not parse and put it on the timeline. */
void rd_sess_malformed(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir,
                       const char *what, const struct rd_diag *diag);

/* One framed TLS record of direction dir. */
void rd_sess_tls_record(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                        struct rd_cur rec);

/* Count encrypted traffic after the security phases; infer the active phase. */
void rd_sess_after_security(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p);

/* Release what a session allocated for TLS. */
void rd_sess_tls_free(struct rd_session *s);

#endif
