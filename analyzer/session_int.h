/* session_int.h - what session.c and session_tls.c share (not for other modules). */
#ifndef RD_SESSION_INT_H
#define RD_SESSION_INT_H

#include "cursor.h"
#include "session.h"

/* Move to phase `to` if the transition table allows it; an anomaly otherwise. */
void rd_sess_set_phase(struct rd_conn *c, const struct rd_packet *p, enum rd_phase to);

/* A view as printable ASCII into dst (other bytes become '?'), NUL-terminated. */
void rd_sess_copy_text(char *dst, size_t size, struct rd_bytes b);

/* Count a PDU that did not parse and put it on the timeline. */
void rd_sess_malformed(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir,
                       const char *what, const struct rd_diag *diag);

/* One framed TLS record of direction dir. */
void rd_sess_tls_record(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                        struct rd_cur rec);

/* Count encrypted traffic after the security phases; infer the active phase. */
void rd_sess_after_security(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p);

/* Record one CredSSP leg (a TSRequest or the Early User Authorization Result). */
void rd_sess_credssp_leg(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                         enum rd_leg leg, size_t bytes);

/* Release what a session allocated for TLS. */
void rd_sess_tls_free(struct rd_session *s);

/* Decrypted application data of direction dir, in order (session_nla.c): CredSSP
 * TSRequests, the Early User Authorization Result, then TPKTs. With keys the
 * CredSSP legs count the decrypted TSRequest bytes. */
void rd_sess_nla_plaintext(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                           const uint8_t *data, size_t len);

/* True while decrypted traffic drives the phases (the size inference stays off). */
bool rd_sess_nla_decoding(const struct rd_session *s);

/* Release the decrypted-stream buffers (facts stay). */
void rd_sess_nla_free(struct rd_session *s);

#endif
