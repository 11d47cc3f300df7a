/*
 * diagnose_rdp.c - rules for the RDP negotiation and for disconnects after the
 * security phases (MS-RDPBCGR 2.2.1.1-2.2.1.2; T.125 Disconnect Provider Ultimatum).
 */
#include "config.h"

#include "diagnose_int.h"

#include <stdio.h>
#include <string.h>

#include "mcs.h"
#include "textfmt.h"
#include "x224.h"

bool rd_rule_not_rdp(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    const struct rd_session_dir *d;
    bool client;

    if (s == NULL) {
        return false;
    }
    /* A client that is not RDP, and a server that did not answer as RDP either
     * (silent, closed, or something else): an exchange the server took for RDP
     * is a mangled one, judged by the rules that follow. */
    client = !s->not_rdp && s->client_not_rdp && s->dir[RD_DIR_S2C].first != RD_FIRST_TPKT;
    if (!s->not_rdp && !client) {
        return false;
    }
    d = &s->dir[client ? RD_DIR_C2S : RD_DIR_S2C];
    if (!client) {
        rd_diag_cite_request(s, v);
    }
    rd_verdict_evidence(v, d->first_frame, d->first_ts, "%s's first bytes: %s \"%s\"",
                        client ? "client" : "server", rd_first_bytes_name(d->first), d->first_text);
    if (client) {
        /* No RDP client connected: there is no client error to predict, and the fix is
         * on the side that opened the connection. */
        v->client_error_confidence = "";
        v->remedies[0] = "Point the load balancer's or monitor's health check at the RDP "
                         "port with a plain TCP connect (or an RDP-aware probe), not HTTP.";
        v->remedies[1] = "Find what opens this connection on the client address: it is not "
                         "an RDP client, or is configured for another port.";
        v->n_remedies = 2;
        rd_format(v->explanation, sizeof(v->explanation),
                  "The client opened with %s (\"%s\"), not an RDP Connection Request: what "
                  "connected to port %u is not an RDP client (a load balancer's or monitor's "
                  "health check, a scanner, another application pointed at the wrong port).",
                  rd_first_bytes_name(d->first), d->first_text, f->c->sport);
    } else {
        rd_format(v->explanation, sizeof(v->explanation),
                  "The server answered with %s (\"%s\"), not RDP: another service listens on "
                  "port %u, or a proxy or load balancer in front of it speaks another protocol.",
                  rd_first_bytes_name(d->first), d->first_text, f->c->sport);
    }
    rd_format(v->detail_json, sizeof(v->detail_json), "{\"side\":\"%s\",\"looks_like\":\"%s\"}",
              client ? "client" : "server", rd_first_bytes_name(d->first));
    rd_diag_cite_close(f->c, v);
    return true;
}

bool rd_rule_x224_no_response(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    char waited[32];

    if (s == NULL || !s->x224.cr_seen || f->srv_data) {
        return false;
    }
    if (!f->closed && f->c->ended_by_capture && f->silence_ns < RD_WAIT_NS) {
        return false; /* the capture stopped before a timeout could show */
    }
    rd_verdict_evidence(v, s->x224.cr_frame, s->x224.cr_ts, "X.224 Connection Request");
    rd_diag_cite_close(f->c, v);
    rd_format(v->detail_json, sizeof(v->detail_json), "{\"waited_s\":%s}",
              rd_format_fixed(waited, sizeof(waited),
                              (f->closed ? f->c->first_close.ts_ns : f->c->end_ts) - s->x224.cr_ts,
                              RD_NS_PER_SEC, 3));
    return true;
}

/* ---- negotiation --------------------------------------------------------- */

static const char *neg_failure_text(uint32_t code)
{
    switch (code) {
    case RD_X224_SSL_REQUIRED_BY_SERVER:
        return "The server requires TLS (its Security Layer is SSL), but the client asked only for "
               "standard RDP security.";
    case RD_X224_SSL_NOT_ALLOWED_BY_SERVER:
        return "The server allows only standard RDP security (its Security Layer is RDP), but the "
               "client asked for TLS or NLA.";
    case RD_X224_SSL_CERT_NOT_ON_SERVER:
        return "The server has no usable certificate for TLS: the RDP certificate is missing, or "
               "the service cannot read its private key.";
    case RD_X224_INCONSISTENT_FLAGS:
        return "The server found the client's requested protocols inconsistent.";
    case RD_X224_HYBRID_REQUIRED_BY_SERVER:
        return "The server requires Network Level Authentication (CredSSP), but the client asked "
               "only for TLS or standard RDP security (NLA is off on the client, or this is the "
               "client's automatic retry after an NLA failure).";
    case RD_X224_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER:
        return "The server requires TLS with client certificate authentication.";
    default:
        break;
    }
    return "The server refused the client's requested security protocols with an unknown code.";
}

static const char *const neg_remedies[][3] = {
    [RD_X224_SSL_REQUIRED_BY_SERVER] =
        {"Let the client use TLS (mstsc: do not force standard RDP security; FreeRDP: /sec:tls).",
         "Or set the server's Security Layer to Negotiate (Group Policy: Require use of specific "
         "security layer for remote (RDP) connections).",
         NULL},
    [RD_X224_SSL_NOT_ALLOWED_BY_SERVER] =
        {"Set the server's Security Layer to Negotiate or SSL so that TLS is allowed.",
         "Or let the client fall back to standard RDP security (FreeRDP: /sec:rdp).", NULL},
    [RD_X224_SSL_CERT_NOT_ON_SERVER] =
        {"Give NETWORK SERVICE read access to the RDP certificate's private key "
         "(C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys), or configure a certificate with "
         "a usable key.",
         "Renew or reassign the RDP certificate, then restart the Remote Desktop Services "
         "(TermService) service.",
         NULL},
    [RD_X224_INCONSISTENT_FLAGS] = {"Update the RDP client.", NULL, NULL},
    [RD_X224_HYBRID_REQUIRED_BY_SERVER] =
        {"Enable Network Level Authentication on the client (mstsc: it is on unless "
         "enablecredsspsupport:i:0 is set in the .rdp file; FreeRDP: /sec:nla).",
         "If this connection followed a failed NLA attempt, fix that first: its verdict is the "
         "real cause.",
         "Or allow connections without NLA on the server (System Properties > Remote)."},
    [RD_X224_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER] =
        {"Configure the client for TLS with a client certificate, or relax the server's policy.",
         NULL, NULL},
};

void rd_diag_cite_request(const struct rd_session *s, struct rd_verdict *v)
{
    char prot[64];

    if (s->x224.cr_seen) {
        rd_x224_protocols_str(s->x224.requested, prot, sizeof(prot));
        rd_verdict_evidence(v, s->x224.cr_frame, s->x224.cr_ts,
                            "X.224 Connection Request: client requests %s",
                            s->x224.has_neg_req ? prot : "standard RDP security only");
    }
}

bool rd_rule_neg_failure(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    uint32_t code;
    char prot[64];

    if (s == NULL || !s->x224.cc_seen || s->x224.cc_kind != RD_CC_FAILURE) {
        return false;
    }
    code = s->x224.failure_code;
    rd_diag_cite_request(s, v);
    rd_verdict_evidence(v, s->x224.cc_frame, s->x224.cc_ts, "RDP_NEG_FAILURE %s",
                        rd_x224_failure_name(code));
    rd_diag_cite_close(f->c, v);
    rd_x224_protocols_str(s->x224.requested, prot, sizeof(prot));
    rd_format(v->detail_json, sizeof(v->detail_json),
              "{\"neg_failure\":\"%s\",\"code\":%u,\"requested\":\"%s\"}",
              rd_x224_failure_name(code), code, prot);
    rd_format(v->explanation, sizeof(v->explanation), "%s", neg_failure_text(code));
    if (code < sizeof(neg_remedies) / sizeof(neg_remedies[0]) && neg_remedies[code][0] != NULL) {
        for (unsigned i = 0; i < 3 && neg_remedies[code][i] != NULL; i++) {
            v->remedies[v->n_remedies++] = neg_remedies[code][i];
        }
    }
    return true;
}

bool rd_rule_security_mismatch(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    const struct rd_x224_facts *x;
    char req[64];

    if (s == NULL || !s->x224.cc_seen || s->x224.cc_malformed || s->phase != RD_PHASE_X224) {
        return false;
    }
    x = &s->x224;
    rd_x224_protocols_str(x->requested, req, sizeof(req));
    if (x->cc_kind == RD_CC_RSP && x->selected != RD_X224_PROTOCOL_RDP &&
        (x->selected & x->requested) == 0) {
        rd_diag_cite_request(s, v);
        rd_verdict_evidence(v, x->cc_frame, x->cc_ts, "server selects %s, which was not requested",
                            rd_x224_protocol_name(x->selected));
        rd_diag_cite_close(f->c, v);
        rd_format(v->explanation, sizeof(v->explanation),
                  "The client requested %s but the server selected %s, which the client did not "
                  "offer; the client gave up.",
                  req, rd_x224_protocol_name(x->selected));
    } else if (x->cc_kind == RD_CC_LEGACY && x->has_neg_req &&
               (x->requested & (RD_X224_PROTOCOL_SSL | RD_X224_PROTOCOL_HYBRID |
                                RD_X224_PROTOCOL_HYBRID_EX)) != 0 &&
               f->closed && f->closer_dir == RD_DIR_C2S) {
        rd_diag_cite_request(s, v);
        rd_verdict_evidence(v, x->cc_frame, x->cc_ts,
                            "Connection Confirm without RDP_NEG_RSP: standard RDP security only");
        rd_diag_cite_close(f->c, v);
        rd_format(v->explanation, sizeof(v->explanation),
                  "The server answered like a legacy RDP server (standard RDP security only), and "
                  "the client, which requested %s, would not fall back to it.",
                  req);
    } else if (f->closed && f->closer_dir == RD_DIR_C2S && !s->tls.ch_seen && !s->mcs.ci_seen) {
        rd_diag_cite_request(s, v);
        rd_verdict_evidence(v, x->cc_frame, x->cc_ts, "server selects %s",
                            x->cc_kind == RD_CC_RSP ? rd_x224_protocol_name(x->selected)
                                                    : "standard RDP security");
        rd_diag_cite_close(f->c, v);
        rd_format(v->explanation, sizeof(v->explanation),
                  "The client closed the connection right after the server's Connection Confirm "
                  "(it requested %s, the server selected %s): the client would not accept the "
                  "security protocol the server chose.",
                  req,
                  x->cc_kind == RD_CC_RSP ? rd_x224_protocol_name(x->selected)
                                          : "standard RDP security");
    } else {
        return false;
    }
    rd_format(v->detail_json, sizeof(v->detail_json), "{\"requested\":\"%s\",\"selected\":\"%s\"}",
              req, x->cc_kind == RD_CC_RSP ? rd_x224_protocol_name(x->selected) : "legacy");
    return true;
}

/* ---- after the security phases -------------------------------------------- */

bool rd_rule_server_disconnect(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;

    if (s == NULL || (s->phase != RD_PHASE_MCS && s->phase != RD_PHASE_EARLY_USER_AUTH)) {
        return false;
    }
    if (s->mcs.ultimatum && s->mcs.ultimatum_dir == RD_DIR_S2C) {
        rd_verdict_evidence(v, s->mcs.ultimatum_frame, s->mcs.ultimatum_ts,
                            "MCS Disconnect Provider Ultimatum from the server (%s)",
                            rd_mcs_reason_name(s->mcs.ultimatum_reason));
        rd_format(v->detail_json, sizeof(v->detail_json), "{\"ultimatum\":\"%s\"}",
                  rd_mcs_reason_name(s->mcs.ultimatum_reason));
    } else if (s->x224.dr_seen && s->x224.dr_dir == RD_DIR_S2C) {
        rd_verdict_evidence(v, s->x224.dr_frame, s->x224.dr_ts,
                            "X.224 Disconnect Request from the server");
        rd_format(v->detail_json, sizeof(v->detail_json), "{\"x224_dr_reason\":%u}",
                  s->x224.dr_reason);
    } else if (!(f->closed && f->closer_dir == RD_DIR_S2C)) {
        return false;
    }
    if (s->mcs.encrypted[RD_DIR_C2S] > 0 && s->mcs.encrypted[RD_DIR_S2C] == 0) {
        rd_verdict_evidence(v, s->mcs.first_encrypted_frame[RD_DIR_C2S],
                            s->mcs.first_encrypted_ts[RD_DIR_C2S],
                            "client's first encrypted PDU (Client Info), not answered");
        rd_format(v->explanation, sizeof(v->explanation),
                  "The server ended the connection after the client's first encrypted "
                  "standard-security PDU: it could not decrypt or verify it (an RDP security "
                  "implementation mismatch), or it refused the Client Info (logon policy).");
    } else {
        rd_format(v->explanation, sizeof(v->explanation),
                  "The server ended the connection in the %s phase, after the security exchange "
                  "(licensing, session limits, logon policy or a server-side error).",
                  rd_phase_name(s->phase));
    }
    rd_diag_cite_close(f->c, v);
    return true;
}
