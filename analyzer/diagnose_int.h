/*
 * diagnose_int.h - what the rule files share (not for other modules).
 *
 * The rules live in diagnose.c (TCP and the path), diagnose_rdp.c
 * (negotiation and disconnects), diagnose_tls.c (TLS and the certificate) and
 * diagnose_nla.c (CredSSP); their order is the one table in diagnose.c.
 */
#ifndef RD_DIAGNOSE_INT_H
#define RD_DIAGNOSE_INT_H

#include <stdbool.h>

#include "diagnose.h"
#include "session.h"

#define RD_NS_PER_SEC 1000000000LL

/* A side is "left waiting" at the end of the capture when this much silence
 * followed its unanswered data. */
#define RD_WAIT_NS (3 * RD_NS_PER_SEC)

/* Whether the first RST came from the endpoint it claims (see diagnose.c). */
struct rd_close_check {
    bool ttl_mismatch, ipid_mismatch, too_fast, both_ways;
    bool middlebox;
    char text[200]; /* the signals that disagreed, in words */
};

/* What every rule needs, derived once. */
struct rd_dfacts {
    const struct rd_conn *c;
    const struct rd_session *s; /* NULL when no payload was seen */
    bool cli_data, srv_data;    /* payload seen from each side */
    bool closed;                /* a FIN or RST was seen */
    enum rd_dir closer_dir;
    bool syn_unanswered;
    int64_t silence_ns; /* from the last packet to the end of the capture */
    struct rd_close_check close_check;
};

/* Cite the first FIN/RST of the connection. */
void rd_diag_cite_close(const struct rd_conn *c, struct rd_verdict *v);
/* Cite the client's X.224 Connection Request with what it requested. */
void rd_diag_cite_request(const struct rd_session *s, struct rd_verdict *v);
/* "the client", "the server", "a device on the path" or "nobody". */
const char *rd_diag_closer_words(const struct rd_verdict *v);
/* The server answered CredSSP with a TSRequest too short to be anything but an errorCode. */
bool rd_diag_credssp_error_pattern(const struct rd_session *s);

/* The rules: each declines (false) or fills cause detail, evidence, explanation. */
bool rd_rule_tcp_refused(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_tcp_no_response(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_not_rdp(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_x224_no_response(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_neg_failure(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_security_mismatch(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_cert_rejected(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_tls_version_mismatch(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_tls_handshake_failure(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_tls_server_abort(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_access_denied(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_credssp_failure(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_server_disconnect(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_idle_timeout(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_path_mtu_blackhole(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_middlebox_reset(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_network_timeout(const struct rd_dfacts *f, struct rd_verdict *v);
bool rd_rule_client_disconnect(const struct rd_dfacts *f, struct rd_verdict *v);

#endif
