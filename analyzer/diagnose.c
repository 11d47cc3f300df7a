/*
 * diagnose.c - the rule table (DESIGN.md "diagnose").
 *
 * Each rule looks at the finished connection and either declines or fills the
 * cause, its detail and its evidence.  Rules are ordered from most to least
 * specific; the first match wins.  What every verdict shares (who closed,
 * which phase, outcome) is computed once, before the rules run.
 */
#include "config.h"

#include "diagnose.h"

#include <stdio.h>
#include <string.h>

#include "mcs.h"
#include "session.h"
#include "tls.h"
#include "x224.h"
#include "x509.h"

#define NS_PER_SEC 1000000000LL

/* A side is "left waiting" at the end of the capture when this much silence
 * followed its unanswered data. */
#define WAIT_NS (3 * NS_PER_SEC)

/* What every rule needs, derived once. */
struct facts {
    const struct rd_conn *c;
    const struct rd_session *s; /* NULL when no payload was seen */
    bool cli_data, srv_data;    /* payload seen from each side */
    bool closed;                /* a FIN or RST was seen */
    enum rd_dir closer_dir;
    bool syn_unanswered;
    int64_t silence_ns; /* from the last packet to the end of the capture */
};

/* ---- the cause table: what the user saw and what to do ------------------ */

static const struct rd_cause_info causes[] = {
    {RD_CAUSE_NONE,
     "no failure",
     "",
     "",
     "The connection worked as far as the capture shows.",
     {0}},
    {RD_CAUSE_TCP_NO_RESPONSE,
     "SYN never answered",
     "0x204",
     "likely",
     "The client's SYN and its retransmissions were never answered: the server is down or "
     "unreachable, or a firewall on the path silently drops TCP 3389.",
     {"Check that the server is running and reachable (ping, Test-NetConnection -Port 3389).",
      "Allow TCP 3389 from this client on every firewall on the path (host firewall, network "
      "ACLs, cloud security groups).",
      "Check that the name resolves to the right address (a stale DNS record points elsewhere)."}},
    {RD_CAUSE_TCP_REFUSED,
     "connection refused",
     "0x204",
     "likely",
     "The server host (or a device that answers for it) reset the SYN: nothing listens on the "
     "RDP port there.",
     {"Check that Remote Desktop is enabled and the Remote Desktop Services (TermService) service "
      "is running on the server.",
      "Check the listening port (HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal "
      "Server\\WinStations\\RDP-Tcp PortNumber) matches the port the client uses.",
      "If a firewall answers for the server with resets, allow TCP 3389 there."}},
    {RD_CAUSE_X224_NO_RESPONSE,
     "no answer to the X.224 Connection Request",
     "0x904/0x7",
     "likely",
     "The TCP connection opened, the client sent its X.224 Connection Request, and the server "
     "never answered it: the listener accepts connections but its RDP stack is hung, or "
     "something other than RDP holds the port.",
     {"Restart the Remote Desktop Services (TermService) service on the server.",
      "Check which process listens on 3389 (netstat -abno | findstr 3389).",
      "Check the System event log for TermService and RemoteDesktopServices-RdpCoreTS errors."}},
    {RD_CAUSE_NOT_RDP,
     "the server does not speak RDP",
     "0x904/0x7",
     "possible",
     "The server answered with bytes that are not RDP: another service listens on the RDP port, "
     "or a proxy or load balancer in front of it speaks another protocol.",
     {"Check which service listens on this port on the server or the load balancer.",
      "Point the client at the real RDP port or host (mstsc /v:host:port)."}},
    {RD_CAUSE_NEG_FAILURE,
     "RDP negotiation failure",
     "0x904/0x7",
     "likely",
     "The server refused the security protocols the client asked for (RDP_NEG_FAILURE).",
     {"Align Network Level Authentication and the Security Layer setting on the server with what "
      "the client supports.",
      "On the server: System Properties > Remote > \"Allow connections only from computers running "
      "Remote Desktop with Network Level Authentication\"."}},
    {RD_CAUSE_SECURITY_MISMATCH,
     "security protocol mismatch",
     "0x904/0x7",
     "likely",
     "Client and server did not agree on a security protocol.",
     {"Align the server's Security Layer (RDP, Negotiate, SSL) and NLA settings with the "
      "client's."}},
    {RD_CAUSE_TLS_VERSION_MISMATCH,
     "TLS version mismatch",
     "0x904/0x7",
     "likely",
     "Client and server have no TLS version in common.",
     {"Enable TLS 1.2 on the server (SCHANNEL Protocols registry keys) and restart it.",
      "Or allow the older TLS version on the client, temporarily."}},
    {RD_CAUSE_TLS_HANDSHAKE_FAILURE,
     "TLS handshake failure",
     "0x904/0x7",
     "likely",
     "The TLS handshake failed with a fatal alert.",
     {"Compare the cipher suites and groups each side offers; enable a common one.",
      "Check the server certificate's key type and size."}},
    {RD_CAUSE_TLS_SERVER_ABORT,
     "server dropped TLS after the ClientHello",
     "0x904/0x7",
     "likely",
     "The server closed the connection after the ClientHello without a ServerHello or an alert: "
     "typical of an RDP certificate or private key the service cannot use.",
     {"Give NETWORK SERVICE read access to the certificate's private key "
      "(C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys).",
      "Check or renew the RDP certificate (Remote Desktop certificate store), then restart "
      "TermService.",
      "Check the System event log for Schannel errors (event 36870, 36874, 36888)."}},
    {RD_CAUSE_CERT_REJECTED,
     "certificate rejected by the client",
     "0x907",
     "possible",
     "The client rejected the server's certificate.",
     {"Renew the RDP certificate so it is valid and names the host the client connects to, then "
      "restart TermService.",
      "Make the client trust the issuing CA."}},
    {RD_CAUSE_CREDSSP_FAILURE,
     "NLA (CredSSP) authentication failed",
     "0x904/0x7",
     "possible",
     "Network Level Authentication stopped after the client sent its credentials.",
     {"Check the user name, domain and password.",
      "Check that the account may log on through Remote Desktop (Remote Desktop Users group, "
      "user rights assignment)."}},
    {RD_CAUSE_ACCESS_DENIED,
     "early user authorization denied",
     "0x904/0x7",
     "possible",
     "The server's Early User Authorization Result denied the user.",
     {"Add the user to the Remote Desktop Users group or grant \"Allow log on through Remote "
      "Desktop Services\"."}},
    {RD_CAUSE_MIDDLEBOX_RESET,
     "reset by a device on the path",
     "0x904/0x7",
     "likely",
     "A reset that the server did not send ended the connection: a firewall, IPS, proxy or "
     "antivirus on the path injected it.",
     {"Allow TCP 3389 and exempt it from TLS inspection on the firewall, IPS or antivirus that "
      "sent the reset.",
      "Compare the reset's TTL with the server's to locate the device (traceroute)."}},
    {RD_CAUSE_NETWORK_TIMEOUT,
     "network timeout",
     "0x904/0x7",
     "possible",
     "One side's data went unanswered until a side gave up.",
     {"Check the path for packet loss (VPN, Wi-Fi, overloaded links).",
      "Capture on both ends to see where the packets are lost."}},
    {RD_CAUSE_PATH_MTU_BLACKHOLE,
     "path MTU black hole",
     "0x904/0x7",
     "possible",
     "Full-size segments were lost while smaller ones got through.",
     {"Lower the MTU on the VPN or tunnel interface (e.g. 1400).",
      "Allow ICMP fragmentation-needed / packet-too-big on the path."}},
    {RD_CAUSE_IDLE_TIMEOUT,
     "idle state expired on the path",
     "0x904/0x7",
     "possible",
     "After a long silence the next packet was reset: a firewall or NAT forgot the connection.",
     {"Raise the idle timeout on the firewall or NAT, or enable RDP keep-alives "
      "(KeepAliveEnable / KeepAliveInterval policy)."}},
    {RD_CAUSE_SERVER_DISCONNECT,
     "server ended the connection",
     "0x904/0x7",
     "possible",
     "The server ended the connection after the security phases.",
     {"Check the server's event logs (TerminalServices-LocalSessionManager, "
      "RemoteConnectionManager).",
      "Check licensing and session limits on the server."}},
    {RD_CAUSE_CLIENT_DISCONNECT,
     "client ended the connection",
     "",
     "",
     "The client ended the connection before it completed, with no error visible on the wire "
     "(e.g. a prompt that was cancelled).",
     {"Ask the user what the client showed before it closed."}},
    {RD_CAUSE_UNKNOWN,
     "unknown",
     "",
     "",
     "The capture does not show why the connection ended.",
     {"Capture on the client and the server at the same time, from before the connection starts."}},
};

const struct rd_cause_info *rd_cause_info(enum rd_cause cause)
{
    for (size_t i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
        if (causes[i].cause == cause) {
            return &causes[i];
        }
    }
    return &causes[sizeof(causes) / sizeof(causes[0]) - 1];
}

/* ---- facts every rule shares --------------------------------------------- */

static void derive(const struct rd_conn *c, struct facts *f)
{
    memset(f, 0, sizeof(*f));
    f->c = c;
    f->s = c->session;
    f->cli_data = c->tcp[RD_DIR_C2S].bytes > 0;
    f->srv_data = c->tcp[RD_DIR_S2C].bytes > 0;
    f->closed = c->first_close.kind != RD_CLOSE_NONE;
    f->closer_dir = (enum rd_dir)c->first_close.dir;
    f->syn_unanswered =
        c->start_seen && c->synack_frame == 0 && !c->established && c->tcp[RD_DIR_S2C].packets == 0;
    f->silence_ns = c->end_ts - c->last_ts;
}

/* Did the packet claim to come from an endpoint whose own packets look
 * different?  A TTL more than one hop away from every TTL that endpoint used
 * before is the first signal; issue-level work adds IP ID and timing. */
static bool close_from_middlebox(const struct rd_conn *c, const struct rd_closepkt *k)
{
    const struct rd_tcpdir *t = &c->tcp[k->dir];

    if (!t->have_ttl || t->packets <= 1) {
        return false;
    }
    return k->ttl + 1 < t->ttl_min || k->ttl > t->ttl_max + 1;
}

/* Was a side left waiting for an answer when the packets stopped? */
static bool left_waiting(const struct facts *f)
{
    const struct rd_conn *c = f->c;

    /* Retransmitted SYNs show a client waiting, however soon the capture stopped. */
    if (f->syn_unanswered && c->tcp[RD_DIR_C2S].syn_count > 1) {
        return true;
    }
    /* A capture that stopped right after a packet shows no waiting. */
    if (c->ended_by_capture && f->silence_ns < WAIT_NS) {
        return false;
    }
    if (f->syn_unanswered) {
        return true;
    }
    for (int d = 0; d < 2; d++) {
        const struct rd_tcpdir *t = &c->tcp[d];
        const struct rd_tcpdir *o = &c->tcp[!d];
        if (t->seq_any && o->acked_any && rd_seq_gt(t->seq_end, o->highest_ack) &&
            t->last_data_ts == c->last_ts) {
            return true; /* data still unacknowledged */
        }
    }
    /* During the handshake phases the side that spoke last expects an answer. */
    if (f->s != NULL && f->s->phase < RD_PHASE_ACTIVE && (f->cli_data || f->srv_data)) {
        return f->silence_ns >= WAIT_NS || !c->ended_by_capture;
    }
    return false;
}

static void common(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;

    v->phase = f->s != NULL ? f->s->phase : RD_PHASE_TCP;
    if (f->closed) {
        v->close = (enum rd_close_kind)c->first_close.kind;
        v->closed_by = f->closer_dir == RD_DIR_C2S ? RD_CLOSED_CLIENT : RD_CLOSED_SERVER;
        if (close_from_middlebox(c, &c->first_close)) {
            v->closed_by = RD_CLOSED_MIDDLEBOX;
        }
    } else {
        v->close = RD_CLOSE_NONE;
        v->closed_by = left_waiting(f)       ? RD_CLOSED_TIMEOUT
                       : c->ended_by_capture ? RD_CLOSED_CAPTURE_END
                                             : RD_CLOSED_TIMEOUT;
    }
}

static const char *closer_words(const struct rd_verdict *v)
{
    switch (v->closed_by) {
    case RD_CLOSED_CLIENT:
        return "the client";
    case RD_CLOSED_SERVER:
        return "the server";
    case RD_CLOSED_MIDDLEBOX:
        return "a device on the path";
    case RD_CLOSED_TIMEOUT:
    case RD_CLOSED_CAPTURE_END:
    case RD_CLOSED_COUNT:
        break;
    }
    return "nobody";
}

static void cite_close(const struct rd_conn *c, struct rd_verdict *v)
{
    const struct rd_closepkt *k = &c->first_close;

    if (k->kind == RD_CLOSE_NONE) {
        return;
    }
    rd_verdict_evidence(v, k->frame, k->ts_ns, "%s from %s (TTL %u)",
                        k->kind == RD_CLOSE_RST ? "RST" : "FIN", closer_words(v), k->ttl);
}

static bool credssp_error_pattern(const struct rd_session *s);
static void cite_request(const struct rd_session *s, struct rd_verdict *v);

/* ---- the rules ------------------------------------------------------------ */

static bool rule_tcp_refused(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;

    if (!c->syn_rst) {
        return false;
    }
    rd_verdict_evidence(v, c->first_frame, c->first_ts, "SYN to port %u", c->sport);
    rd_verdict_evidence(v, c->last_rst.frame, c->last_rst.ts_ns, "answered by RST (TTL %u)",
                        c->last_rst.ttl);
    snprintf(v->detail_json, sizeof(v->detail_json), "{\"syns\":%u}", c->tcp[RD_DIR_C2S].syn_count);
    return true;
}

static bool rule_tcp_no_response(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;
    const struct rd_tcpdir *t = &c->tcp[RD_DIR_C2S];
    double waited;

    if (!f->syn_unanswered) {
        return false;
    }
    if (c->ended_by_capture && f->silence_ns < WAIT_NS && t->syn_count < 2) {
        return false; /* the capture stopped before a timeout could show */
    }
    waited = (double)(c->last_ts - c->first_ts) / NS_PER_SEC;
    rd_verdict_evidence(v, c->first_frame, c->first_ts, "SYN to port %u", c->sport);
    if (t->syn_count > 1) {
        rd_verdict_evidence(v, c->last_frame, c->last_ts,
                            "%u SYN retransmissions over %.1f s, none answered", t->syn_count - 1,
                            waited);
    }
    snprintf(v->detail_json, sizeof(v->detail_json), "{\"syns\":%u,\"waited_s\":%.3f}",
             t->syn_count, waited);
    return true;
}

static bool rule_not_rdp(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    const struct rd_session_dir *d;

    if (s == NULL || !s->not_rdp) {
        return false;
    }
    d = &s->dir[RD_DIR_S2C];
    cite_request(s, v);
    rd_verdict_evidence(v, d->first_frame, d->first_ts, "server's first bytes: %s \"%s\"",
                        rd_first_bytes_name(d->first), d->first_text);
    snprintf(v->explanation, sizeof(v->explanation),
             "The server answered with %s (\"%s\"), not RDP: another service listens on port %u, "
             "or a proxy or load balancer in front of it speaks another protocol.",
             rd_first_bytes_name(d->first), d->first_text, f->c->sport);
    snprintf(v->detail_json, sizeof(v->detail_json), "{\"looks_like\":\"%s\"}",
             rd_first_bytes_name(d->first));
    cite_close(f->c, v);
    return true;
}

static bool rule_x224_no_response(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;

    if (s == NULL || !s->x224.cr_seen || f->srv_data) {
        return false;
    }
    if (!f->closed && f->c->ended_by_capture && f->silence_ns < WAIT_NS) {
        return false; /* the capture stopped before a timeout could show */
    }
    rd_verdict_evidence(v, s->x224.cr_frame, s->x224.cr_ts, "X.224 Connection Request");
    cite_close(f->c, v);
    snprintf(v->detail_json, sizeof(v->detail_json), "{\"waited_s\":%.3f}",
             (double)((f->closed ? f->c->first_close.ts_ns : f->c->end_ts) - s->x224.cr_ts) /
                 NS_PER_SEC);
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

static void cite_request(const struct rd_session *s, struct rd_verdict *v)
{
    char prot[64];

    if (s->x224.cr_seen) {
        rd_x224_protocols_str(s->x224.requested, prot, sizeof(prot));
        rd_verdict_evidence(v, s->x224.cr_frame, s->x224.cr_ts,
                            "X.224 Connection Request: client requests %s",
                            s->x224.has_neg_req ? prot : "standard RDP security only");
    }
}

static bool rule_neg_failure(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    uint32_t code;
    char prot[64];

    if (s == NULL || !s->x224.cc_seen || s->x224.cc_kind != RD_CC_FAILURE) {
        return false;
    }
    code = s->x224.failure_code;
    cite_request(s, v);
    rd_verdict_evidence(v, s->x224.cc_frame, s->x224.cc_ts, "RDP_NEG_FAILURE %s",
                        rd_x224_failure_name(code));
    cite_close(f->c, v);
    rd_x224_protocols_str(s->x224.requested, prot, sizeof(prot));
    snprintf(v->detail_json, sizeof(v->detail_json),
             "{\"neg_failure\":\"%s\",\"code\":%u,\"requested\":\"%s\"}",
             rd_x224_failure_name(code), code, prot);
    snprintf(v->explanation, sizeof(v->explanation), "%s", neg_failure_text(code));
    if (code < sizeof(neg_remedies) / sizeof(neg_remedies[0]) && neg_remedies[code][0] != NULL) {
        for (unsigned i = 0; i < 3 && neg_remedies[code][i] != NULL; i++) {
            v->remedies[v->n_remedies++] = neg_remedies[code][i];
        }
    }
    return true;
}

static bool rule_security_mismatch(const struct facts *f, struct rd_verdict *v)
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
        cite_request(s, v);
        rd_verdict_evidence(v, x->cc_frame, x->cc_ts, "server selects %s, which was not requested",
                            rd_x224_protocol_name(x->selected));
        cite_close(f->c, v);
        snprintf(v->explanation, sizeof(v->explanation),
                 "The client requested %s but the server selected %s, which the client did not "
                 "offer; the client gave up.",
                 req, rd_x224_protocol_name(x->selected));
    } else if (x->cc_kind == RD_CC_LEGACY && x->has_neg_req &&
               (x->requested & (RD_X224_PROTOCOL_SSL | RD_X224_PROTOCOL_HYBRID |
                                RD_X224_PROTOCOL_HYBRID_EX)) != 0 &&
               f->closed && f->closer_dir == RD_DIR_C2S) {
        cite_request(s, v);
        rd_verdict_evidence(v, x->cc_frame, x->cc_ts,
                            "Connection Confirm without RDP_NEG_RSP: standard RDP security only");
        cite_close(f->c, v);
        snprintf(v->explanation, sizeof(v->explanation),
                 "The server answered like a legacy RDP server (standard RDP security only), and "
                 "the client, which requested %s, would not fall back to it.",
                 req);
    } else if (f->closed && f->closer_dir == RD_DIR_C2S && !s->tls.ch_seen && !s->mcs.ci_seen) {
        cite_request(s, v);
        rd_verdict_evidence(v, x->cc_frame, x->cc_ts, "server selects %s",
                            x->cc_kind == RD_CC_RSP ? rd_x224_protocol_name(x->selected)
                                                    : "standard RDP security");
        cite_close(f->c, v);
        snprintf(v->explanation, sizeof(v->explanation),
                 "The client closed the connection right after the server's Connection Confirm "
                 "(it requested %s, the server selected %s): the client would not accept the "
                 "security protocol the server chose.",
                 req,
                 x->cc_kind == RD_CC_RSP ? rd_x224_protocol_name(x->selected)
                                         : "standard RDP security");
    } else {
        return false;
    }
    snprintf(v->detail_json, sizeof(v->detail_json), "{\"requested\":\"%s\",\"selected\":\"%s\"}",
             req, x->cc_kind == RD_CC_RSP ? rd_x224_protocol_name(x->selected) : "legacy");
    return true;
}

/* ---- TLS ------------------------------------------------------------------ */

static bool is_cert_alert(uint8_t desc)
{
    switch (desc) {
    case 42: /* bad_certificate */
    case 43: /* unsupported_certificate */
    case 44: /* certificate_revoked */
    case 45: /* certificate_expired */
    case 46: /* certificate_unknown */
    case 48: /* unknown_ca */
        return true;
    default:
        return false;
    }
}

static void cert_detail(const struct rd_session *s, struct rd_verdict *v, const char *stage)
{
    const struct rd_tls_facts *t = &s->tls;
    const struct rd_x509_facts *leaf = t->leaf;

    if (!t->cert_parsed || leaf == NULL) {
        snprintf(v->detail_json, sizeof(v->detail_json),
                 "{\"stage\":\"%s\",\"certificate_visible\":false}", stage);
        return;
    }
    snprintf(v->detail_json, sizeof(v->detail_json),
             "{\"stage\":\"%s\",\"certificate_visible\":true,\"expired\":%s,\"not_yet_valid\":%s,"
             "\"self_signed\":%s,\"name_matches\":%s,\"weak_key\":%s}",
             stage, t->expired ? "true" : "false", t->not_yet_valid ? "true" : "false",
             leaf->is_self_signed ? "true" : "false",
             t->name_match == RD_X509_YES  ? "true"
             : t->name_match == RD_X509_NO ? "false"
                                           : "null",
             t->weak_key ? "true" : "false");
}

/* What is wrong with the certificate, in words, or "" when nothing is visible. */
static void cert_problems(const struct rd_session *s, char *buf, size_t size)
{
    const struct rd_tls_facts *t = &s->tls;
    const struct rd_x509_facts *leaf = t->leaf;
    size_t n = 0;

    buf[0] = '\0';
    if (!t->cert_parsed || leaf == NULL) {
        return;
    }
    if (t->expired) {
        n += (size_t)snprintf(buf + n, size - n, "it had expired when the packets were captured; ");
    }
    if (t->not_yet_valid && n < size) {
        n += (size_t)snprintf(buf + n, size - n, "it was not yet valid at capture time; ");
    }
    if (t->name_match == RD_X509_NO && n < size) {
        n += (size_t)snprintf(buf + n, size - n, "it does not name %s; ", t->sni);
    }
    if (leaf->is_self_signed && n < size) {
        n += (size_t)snprintf(buf + n, size - n, "it is self-signed; ");
    }
    if (t->weak_key && n < size) {
        snprintf(buf + n, size - n, "its key is weak; ");
    }
}

static bool rule_cert_rejected(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    const struct rd_tls_facts *t;
    char probs[256];
    bool alert, after_cert, after_done, after_pubkey;

    if (s == NULL || !s->tls.ch_seen) {
        return false;
    }
    t = &s->tls;
    alert = t->alert_seen && t->alert_dir == RD_DIR_C2S && !t->alert_encrypted &&
            is_cert_alert(t->alert_desc);
    /* The client hung up after the server's certificate, without its key exchange. */
    after_cert = t->cert_seen && !t->cke_seen && !t->finished[RD_DIR_C2S] && f->closed &&
                 f->closer_dir == RD_DIR_C2S;
    /* Or finished the handshake and hung up (or alerted) before any RDP data. */
    after_done =
        t->done && t->app_records[RD_DIR_C2S] == 0 && f->closed && f->closer_dir == RD_DIR_C2S;
    /* With NLA the client checks the server's identity when the server's
     * pubKeyAuth arrives; a client that stops there, before its credentials,
     * is showing the certificate prompt (MS-CSSP 3.1.5 step 4). */
    after_pubkey = s->nla && s->credssp.reached[RD_LEG_SERVER_PUBKEY] &&
                   !s->credssp.reached[RD_LEG_CREDENTIALS] && f->closed &&
                   f->closer_dir == RD_DIR_C2S && !credssp_error_pattern(s);
    if (!alert && !after_cert && !after_done && !after_pubkey) {
        return false;
    }
    cert_problems(s, probs, sizeof(probs));
    if (t->cert_seen) {
        rd_verdict_evidence(v, t->cert_frame, t->cert_ts, "server certificate%s%s",
                            probs[0] ? ": " : "", probs);
    }
    if (alert) {
        rd_verdict_evidence(v, t->alert_frame, t->alert_ts, "client alert %s",
                            rd_tls_alert_name(t->alert_desc));
        snprintf(v->explanation, sizeof(v->explanation),
                 "The client rejected the server's certificate with the TLS alert %s. %s%s",
                 rd_tls_alert_name(t->alert_desc), probs[0] ? "Of the certificate: " : "", probs);
        cert_detail(s, v, "alert");
    } else if (after_pubkey) {
        const struct rd_credssp_leg *l = &s->credssp.legs[s->credssp.n_legs - 1];
        rd_verdict_evidence(v, l->frame, l->ts,
                            "server's CredSSP pubKeyAuth: the server proved its identity");
        snprintf(v->explanation, sizeof(v->explanation),
                 "The client stopped after the server proved its identity (CredSSP pubKeyAuth) "
                 "and before it sent the user's credentials: it was showing the \"identity of the "
                 "remote computer cannot be verified\" certificate prompt. If the user accepted, "
                 "the client reconnected. %s%s",
                 probs[0] ? "Of the certificate: " : "", probs);
        cert_detail(s, v, "after_server_pubkeyauth");
    } else {
        if (t->alert_seen && t->alert_dir == RD_DIR_C2S) {
            rd_verdict_evidence(v, t->alert_frame, t->alert_ts, "%s alert from the client",
                                t->alert_encrypted ? "encrypted" : "TLS");
        }
        snprintf(v->explanation, sizeof(v->explanation),
                 "The client hung up right after %s, before sending any RDP data: it did not "
                 "accept the server's certificate. %s%s",
                 after_cert ? "the server's certificate" : "the TLS handshake",
                 probs[0] ? "Of the certificate: " : "", probs);
        cert_detail(s, v, after_cert ? "after_certificate" : "after_handshake");
    }
    cite_close(f->c, v);
    return true;
}

static bool rule_tls_version_mismatch(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    const struct rd_tls_facts *t;
    bool alert, outside;

    if (s == NULL || !s->tls.ch_seen || s->tls.done) {
        return false;
    }
    t = &s->tls;
    alert = t->alert_seen && !t->alert_encrypted && t->alert_desc == 70; /* protocol_version */
    outside = t->sh_seen && (t->version < t->min_offered || t->version > t->max_offered);
    if (!alert && !outside) {
        return false;
    }
    rd_verdict_evidence(v, t->ch_frame, t->ch_ts, "ClientHello offers %s..%s",
                        rd_tls_version_name(t->min_offered), rd_tls_version_name(t->max_offered));
    if (t->sh_seen) {
        rd_verdict_evidence(v, t->sh_frame, t->sh_ts, "ServerHello picks %s",
                            rd_tls_version_name(t->version));
    }
    if (alert) {
        rd_verdict_evidence(v, t->alert_frame, t->alert_ts, "alert protocol_version from the %s",
                            t->alert_dir == RD_DIR_C2S ? "client" : "server");
    }
    cite_close(f->c, v);
    snprintf(v->explanation, sizeof(v->explanation),
             "Client and server have no TLS version in common: the client offered %s to %s%s%s. "
             "A Windows client that requires TLS 1.2 fails like this against a host that only "
             "speaks TLS 1.0, and the other way round.",
             rd_tls_version_name(t->min_offered), rd_tls_version_name(t->max_offered),
             t->sh_seen ? ", the server answered with " : "",
             t->sh_seen ? rd_tls_version_name(t->version) : "");
    snprintf(v->detail_json, sizeof(v->detail_json),
             "{\"client_min\":\"%s\",\"client_max\":\"%s\",\"server\":%s%s%s,\"alert\":%s}",
             rd_tls_version_name(t->min_offered), rd_tls_version_name(t->max_offered),
             t->sh_seen ? "\"" : "", t->sh_seen ? rd_tls_version_name(t->version) : "null",
             t->sh_seen ? "\"" : "", alert ? "\"protocol_version\"" : "null");
    return true;
}

static bool rule_tls_handshake_failure(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    const struct rd_tls_facts *t;
    const char *who;

    if (s == NULL || !s->tls.ch_seen || s->tls.done || !s->tls.alert_seen ||
        s->tls.alert_encrypted) {
        return false;
    }
    t = &s->tls;
    if (t->alert_level != 2 && t->alert_desc != 40) {
        return false; /* only fatal alerts end a handshake */
    }
    who = t->alert_dir == RD_DIR_C2S ? "client" : "server";
    rd_verdict_evidence(v, t->ch_frame, t->ch_ts, "ClientHello offers %s..%s, %u cipher suites",
                        rd_tls_version_name(t->min_offered), rd_tls_version_name(t->max_offered),
                        t->suites_total);
    if (t->sh_seen) {
        rd_verdict_evidence(v, t->sh_frame, t->sh_ts, "ServerHello: %s, %s",
                            rd_tls_version_name(t->version), rd_tls_cipher_name(t->cipher));
    }
    rd_verdict_evidence(v, t->alert_frame, t->alert_ts, "fatal alert %s from the %s",
                        rd_tls_alert_name(t->alert_desc), who);
    cite_close(f->c, v);
    if (!t->sh_seen && t->alert_dir == RD_DIR_S2C) {
        snprintf(v->explanation, sizeof(v->explanation),
                 "The server refused the ClientHello with the fatal alert %s. The client offered "
                 "%s to %s and %u cipher suites: the server found no version or cipher suite it "
                 "accepts among them (a server limited to older TLS, or to ciphers the client "
                 "does not offer, answers like this).",
                 rd_tls_alert_name(t->alert_desc), rd_tls_version_name(t->min_offered),
                 rd_tls_version_name(t->max_offered), t->suites_total);
    } else {
        snprintf(v->explanation, sizeof(v->explanation),
                 "The TLS handshake failed: the %s sent the fatal alert %s%s%s.", who,
                 rd_tls_alert_name(t->alert_desc), t->sh_seen ? " after the server chose " : "",
                 t->sh_seen ? rd_tls_cipher_name(t->cipher) : "");
    }
    snprintf(v->detail_json, sizeof(v->detail_json),
             "{\"alert\":\"%s\",\"from\":\"%s\",\"client_versions\":\"%s..%s\","
             "\"client_suites\":%u,\"server_version\":%s%s%s}",
             rd_tls_alert_name(t->alert_desc), who, rd_tls_version_name(t->min_offered),
             rd_tls_version_name(t->max_offered), t->suites_total, t->sh_seen ? "\"" : "",
             t->sh_seen ? rd_tls_version_name(t->version) : "null", t->sh_seen ? "\"" : "");
    return true;
}

static bool rule_tls_server_abort(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    const struct rd_tls_facts *t;
    bool server_ended;

    if (s == NULL || !s->tls.ch_seen || s->tls.sh_seen || s->tls.alert_seen) {
        return false;
    }
    t = &s->tls;
    /* The server closed, reset, or answered the ClientHello with a plain
     * X.224/MCS disconnect instead of TLS. */
    server_ended = (f->closed && f->closer_dir == RD_DIR_S2C) ||
                   (s->mcs.ultimatum && s->mcs.ultimatum_dir == RD_DIR_S2C) ||
                   (s->x224.dr_seen && s->x224.dr_dir == RD_DIR_S2C);
    if (!server_ended) {
        return false;
    }
    rd_verdict_evidence(v, t->ch_frame, t->ch_ts, "ClientHello");
    if (s->mcs.ultimatum && s->mcs.ultimatum_dir == RD_DIR_S2C) {
        rd_verdict_evidence(v, s->mcs.ultimatum_frame, s->mcs.ultimatum_ts,
                            "server answers with an MCS Disconnect Provider Ultimatum, not TLS");
    } else if (s->x224.dr_seen && s->x224.dr_dir == RD_DIR_S2C) {
        rd_verdict_evidence(v, s->x224.dr_frame, s->x224.dr_ts,
                            "server answers with an X.224 Disconnect Request, not TLS");
    }
    cite_close(f->c, v);
    snprintf(v->detail_json, sizeof(v->detail_json), "{\"server_hello\":false,\"alert\":false}");
    return true;
}

/* ---- CredSSP / NLA -------------------------------------------------------- */

/* A TSRequest that carries only an errorCode (MS-CSSP 2.2.1, version 3 and
 * later) encrypts to a record far smaller than a pubKeyAuth answer. */
#define CREDSSP_ERROR_RECORD_MAX 64u

static bool credssp_error_pattern(const struct rd_session *s)
{
    const struct rd_credssp_facts *k = &s->credssp;

    for (unsigned i = 0; i < k->n_legs; i++) {
        const struct rd_credssp_leg *l = &k->legs[i];
        if (l->dir == RD_DIR_S2C && l->leg >= RD_LEG_SERVER_PUBKEY && l->leg != RD_LEG_EARLY_AUTH &&
            l->bytes <= CREDSSP_ERROR_RECORD_MAX) {
            return true;
        }
    }
    return false;
}

static const char *pkg_name(enum rd_auth_pkg p)
{
    return p == RD_PKG_NTLM ? "ntlm" : p == RD_PKG_KERBEROS ? "kerberos" : "unknown";
}

static bool rule_access_denied(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    const struct rd_credssp_facts *k;
    const struct rd_credssp_leg *l = NULL;

    if (s == NULL || !s->nla || !s->credssp.reached[RD_LEG_EARLY_AUTH] ||
        s->phase != RD_PHASE_EARLY_USER_AUTH || !f->closed) {
        return false;
    }
    k = &s->credssp;
    for (unsigned i = 0; i < k->n_legs; i++) {
        if (k->legs[i].leg == RD_LEG_EARLY_AUTH) {
            l = &k->legs[i];
        }
    }
    if (l != NULL) {
        rd_verdict_evidence(v, l->frame, l->ts,
                            "Early User Authorization Result (inferred), then no MCS");
    }
    cite_close(f->c, v);
    snprintf(v->detail_json, sizeof(v->detail_json), "{\"result\":null,\"inferred\":true}");
    snprintf(v->explanation, sizeof(v->explanation),
             "The user's credentials were accepted, but the server's Early User Authorization "
             "Result was followed by the end of the connection: the account is not allowed to "
             "log on through Remote Desktop (inferred from the encrypted record sizes).");
    return true;
}

static bool rule_credssp_failure(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    const struct rd_credssp_facts *k;
    const struct rd_tls_facts *t;
    const struct rd_credssp_leg *last_client = NULL, *last_server = NULL;
    const char *stage;
    bool err;

    if (s == NULL || !s->nla || !s->tls.done || s->phase > RD_PHASE_CREDSSP ||
        !s->credssp.reached[RD_LEG_NEGOTIATE] || s->credssp.reached[RD_LEG_CREDENTIALS]) {
        return false;
    }
    k = &s->credssp;
    t = &s->tls;
    /* The server must be the one that stopped: it closed first, alerted, or
     * answered with an error TSRequest. */
    if (!((f->closed && f->closer_dir == RD_DIR_S2C) ||
          (t->alert_seen && t->alert_dir == RD_DIR_S2C) || credssp_error_pattern(s))) {
        return false;
    }
    for (unsigned i = 0; i < k->n_legs; i++) {
        if (k->legs[i].dir == RD_DIR_C2S) {
            last_client = &k->legs[i];
        } else {
            last_server = &k->legs[i];
        }
    }
    err = credssp_error_pattern(s);
    if (k->reached[RD_LEG_AUTHENTICATE]) {
        stage = "after_authenticate";
    } else if (k->reached[RD_LEG_NEGOTIATE]) {
        stage = "after_negotiate";
    } else {
        stage = "before_negotiate";
    }
    if (last_client != NULL) {
        rd_verdict_evidence(v, last_client->frame, last_client->ts,
                            "client's CredSSP %s (%u bytes)", rd_leg_name(last_client->leg),
                            last_client->bytes);
    }
    if (err && last_server != NULL) {
        rd_verdict_evidence(v, last_server->frame, last_server->ts,
                            "server's short TSRequest (%u bytes): an errorCode",
                            last_server->bytes);
    } else if (t->alert_seen && t->alert_dir == RD_DIR_S2C) {
        rd_verdict_evidence(v, t->alert_frame, t->alert_ts, "%s alert from the server",
                            t->alert_encrypted ? "encrypted" : "TLS");
    }
    cite_close(f->c, v);
    snprintf(v->detail_json, sizeof(v->detail_json),
             "{\"stage\":\"%s\",\"package\":\"%s\",\"package_inferred\":true,"
             "\"server_error_record\":%s,\"error_code\":null}",
             stage, pkg_name(k->pkg), err ? "true" : "false");
    if (k->reached[RD_LEG_AUTHENTICATE]) {
        snprintf(v->explanation, sizeof(v->explanation),
                 "Network Level Authentication failed: the server ended CredSSP right after the "
                 "client's %s authentication (%s), before the credentials were delegated. Most "
                 "likely a wrong user name or password, or an account that may not log on "
                 "(disabled, locked out, expired password, not allowed remote logon)%s.",
                 k->pkg == RD_PKG_KERBEROS ? "Kerberos" : "NTLM",
                 err ? "the server answered with an error TSRequest" : "no pubKeyAuth came back",
                 k->pkg == RD_PKG_NTLM ? ", or NTLM refused by policy" : "");
    } else {
        snprintf(v->explanation, sizeof(v->explanation),
                 "Network Level Authentication stopped at its first step: the server ended CredSSP "
                 "after the client's first %s token. The server refuses the authentication "
                 "package (e.g. NTLM blocked by policy) or its CredSSP provider is broken.",
                 k->pkg == RD_PKG_KERBEROS ? "Kerberos" : "NTLM");
    }
    return true;
}

/* ---- after the security phases -------------------------------------------- */

static bool rule_server_disconnect(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;

    if (s == NULL || (s->phase != RD_PHASE_MCS && s->phase != RD_PHASE_EARLY_USER_AUTH)) {
        return false;
    }
    if (s->mcs.ultimatum && s->mcs.ultimatum_dir == RD_DIR_S2C) {
        rd_verdict_evidence(v, s->mcs.ultimatum_frame, s->mcs.ultimatum_ts,
                            "MCS Disconnect Provider Ultimatum from the server (%s)",
                            rd_mcs_reason_name(s->mcs.ultimatum_reason));
        snprintf(v->detail_json, sizeof(v->detail_json), "{\"ultimatum\":\"%s\"}",
                 rd_mcs_reason_name(s->mcs.ultimatum_reason));
    } else if (s->x224.dr_seen && s->x224.dr_dir == RD_DIR_S2C) {
        rd_verdict_evidence(v, s->x224.dr_frame, s->x224.dr_ts,
                            "X.224 Disconnect Request from the server");
        snprintf(v->detail_json, sizeof(v->detail_json), "{\"x224_dr_reason\":%u}",
                 s->x224.dr_reason);
    } else if (!(f->closed && f->closer_dir == RD_DIR_S2C)) {
        return false;
    }
    if (s->mcs.encrypted[RD_DIR_C2S] > 0 && s->mcs.encrypted[RD_DIR_S2C] == 0) {
        rd_verdict_evidence(v, s->mcs.first_encrypted_frame[RD_DIR_C2S],
                            s->mcs.first_encrypted_ts[RD_DIR_C2S],
                            "client's first encrypted PDU (Client Info), not answered");
        snprintf(v->explanation, sizeof(v->explanation),
                 "The server ended the connection after the client's first encrypted "
                 "standard-security PDU: it could not decrypt or verify it (an RDP security "
                 "implementation mismatch), or it refused the Client Info (logon policy).");
    } else {
        snprintf(v->explanation, sizeof(v->explanation),
                 "The server ended the connection in the %s phase, after the security exchange "
                 "(licensing, session limits, logon policy or a server-side error).",
                 rd_phase_name(s->phase));
    }
    cite_close(f->c, v);
    return true;
}

static bool rule_middlebox_reset(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;
    const struct rd_closepkt *k = &c->first_close;
    const struct rd_tcpdir *t;

    if (!f->closed || k->kind != RD_CLOSE_RST || v->closed_by != RD_CLOSED_MIDDLEBOX) {
        return false;
    }
    t = &c->tcp[k->dir];
    rd_verdict_evidence(v, k->frame, k->ts_ns,
                        "RST claiming to come from the %s with TTL %u; the %s's own packets had "
                        "TTL %u..%u",
                        k->dir == RD_DIR_C2S ? "client" : "server", k->ttl,
                        k->dir == RD_DIR_C2S ? "client" : "server", t->ttl_min, t->ttl_max);
    snprintf(v->detail_json, sizeof(v->detail_json),
             "{\"claimed\":\"%s\",\"rst_ttl\":%u,\"endpoint_ttl_min\":%u,\"endpoint_ttl_max\":%u}",
             k->dir == RD_DIR_C2S ? "client" : "server", k->ttl, t->ttl_min, t->ttl_max);
    return true;
}

static bool rule_network_timeout(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;
    const struct rd_session *s = f->s;
    int waiting = -1;

    if (s == NULL || s->phase == RD_PHASE_ACTIVE) {
        return false;
    }
    for (int d = 0; d < 2; d++) {
        if (c->tcp[d].retrans >= 2 && c->tcp[d].last_data_ts >= c->tcp[!d].last_data_ts) {
            waiting = d;
        }
    }
    if (waiting < 0 && v->closed_by == RD_CLOSED_TIMEOUT && !f->closed &&
        f->silence_ns >= WAIT_NS) {
        waiting =
            s->dir[RD_DIR_C2S].last_ts >= s->dir[RD_DIR_S2C].last_ts ? RD_DIR_C2S : RD_DIR_S2C;
    }
    if (waiting < 0) {
        return false;
    }
    rd_verdict_evidence(v, c->tcp[waiting].last_data_frame, c->tcp[waiting].last_data_ts,
                        "the %s's last data (%u retransmissions) went unanswered",
                        waiting == RD_DIR_C2S ? "client" : "server", c->tcp[waiting].retrans);
    cite_close(c, v);
    snprintf(v->detail_json, sizeof(v->detail_json),
             "{\"waiting\":\"%s\",\"retransmissions\":%u,\"phase\":\"%s\"}",
             waiting == RD_DIR_C2S ? "client" : "server", c->tcp[waiting].retrans,
             rd_phase_name(s->phase));
    snprintf(v->explanation, sizeof(v->explanation),
             "In the %s phase the %s's data went unanswered (%u retransmissions) until a side "
             "gave up: packets were lost or held on the path, or the peer stopped responding.",
             rd_phase_name(s->phase), waiting == RD_DIR_C2S ? "client" : "server",
             c->tcp[waiting].retrans);
    return true;
}

static bool rule_client_disconnect(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;

    if (s == NULL || s->phase == RD_PHASE_ACTIVE || !f->closed || f->closer_dir != RD_DIR_C2S) {
        return false;
    }
    cite_close(f->c, v);
    snprintf(v->explanation, sizeof(v->explanation),
             "The client ended the connection in the %s phase with no error visible on the wire "
             "(a prompt the user cancelled, a client-side policy, or the client gave up).",
             rd_phase_name(s->phase));
    return true;
}

typedef bool (*rule_fn)(const struct facts *f, struct rd_verdict *v);

struct rule {
    enum rd_cause cause;
    rule_fn match;
};

/* Most specific first. */
static const struct rule rules[] = {
    {RD_CAUSE_TCP_REFUSED, rule_tcp_refused},
    {RD_CAUSE_TCP_NO_RESPONSE, rule_tcp_no_response},
    {RD_CAUSE_NOT_RDP, rule_not_rdp},
    {RD_CAUSE_NEG_FAILURE, rule_neg_failure},
    {RD_CAUSE_MIDDLEBOX_RESET, rule_middlebox_reset},
    {RD_CAUSE_SECURITY_MISMATCH, rule_security_mismatch},
    {RD_CAUSE_TLS_VERSION_MISMATCH, rule_tls_version_mismatch},
    {RD_CAUSE_CERT_REJECTED, rule_cert_rejected},
    {RD_CAUSE_TLS_HANDSHAKE_FAILURE, rule_tls_handshake_failure},
    {RD_CAUSE_TLS_SERVER_ABORT, rule_tls_server_abort},
    {RD_CAUSE_ACCESS_DENIED, rule_access_denied},
    {RD_CAUSE_CREDSSP_FAILURE, rule_credssp_failure},
    {RD_CAUSE_SERVER_DISCONNECT, rule_server_disconnect},
    {RD_CAUSE_X224_NO_RESPONSE, rule_x224_no_response},
    {RD_CAUSE_NETWORK_TIMEOUT, rule_network_timeout},
    {RD_CAUSE_CLIENT_DISCONNECT, rule_client_disconnect},
};

/* No rule matched: a healthy connection, a port check, or not enough evidence. */
static void fallback(const struct facts *f, struct rd_verdict *v)
{
    const struct rd_conn *c = f->c;

    v->cause = RD_CAUSE_NONE;
    if (f->s != NULL && f->s->phase == RD_PHASE_ACTIVE) {
        v->outcome = RD_OUTCOME_OK;
        rd_verdict_evidence(v, f->s->active_frame, 0, "active phase%s",
                            f->s->active_inferred ? " (inferred from the traffic)" : "");
        for (int d = 0; d < 2; d++) {
            if (f->s->mcs.fastpath[d] > 0) {
                rd_verdict_evidence(
                    v, f->s->mcs.first_fastpath_frame[d], f->s->mcs.first_fastpath_ts[d],
                    "first fast-path PDU from the %s", d == RD_DIR_C2S ? "client" : "server");
            }
        }
        cite_close(c, v);
        return;
    }
    if (!c->start_seen) {
        v->outcome = RD_OUTCOME_INCOMPLETE;
        snprintf(v->explanation, sizeof(v->explanation),
                 "The capture started after this connection did; nothing in what was captured "
                 "points to a failure.");
        return;
    }
    if (c->established && !f->cli_data && !f->srv_data && f->closed &&
        f->closer_dir == RD_DIR_C2S) {
        v->outcome = RD_OUTCOME_OK;
        snprintf(v->explanation, sizeof(v->explanation),
                 "The client opened a TCP connection and closed it without sending RDP: a port "
                 "check (Test-NetConnection, a load balancer's health probe), not a failure.");
        return;
    }
    if (!f->closed && c->ended_by_capture) {
        v->outcome = RD_OUTCOME_INCOMPLETE;
        snprintf(v->explanation, sizeof(v->explanation),
                 "The capture ended while the connection was still in the %s phase.%s%s",
                 rd_phase_name(v->phase),
                 f->s != NULL && f->s->malformed > 0 ? " Bytes that do not parse as RDP: " : "",
                 f->s != NULL && f->s->malformed > 0 ? f->s->first_malformed : "");
        if (f->s != NULL && f->s->malformed > 0) {
            rd_verdict_evidence(v, f->s->first_malformed_frame, 0, "%s", f->s->first_malformed);
        }
        return;
    }
    v->outcome = RD_OUTCOME_FAILED;
    v->cause = RD_CAUSE_UNKNOWN;
    snprintf(v->explanation, sizeof(v->explanation),
             "The connection ended in the %s phase (closed by %s) with no error visible in the "
             "capture.",
             rd_phase_name(v->phase), closer_words(v));
    cite_close(c, v);
}

void rd_diagnose(const struct rd_conn *c, struct rd_verdict *v)
{
    const struct rd_cause_info *info;
    struct facts f;

    memset(v, 0, sizeof(*v));
    derive(c, &f);
    common(&f, v);
    v->cause = RD_CAUSE_COUNT;
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        if (rules[i].match(&f, v)) {
            v->cause = rules[i].cause;
            v->outcome = RD_OUTCOME_FAILED;
            break;
        }
        v->n_evidence = 0; /* a rule that declined leaves nothing behind */
        v->n_remedies = 0;
        v->detail_json[0] = '\0';
        v->explanation[0] = '\0';
    }
    if (v->cause == RD_CAUSE_COUNT) {
        fallback(&f, v);
    }
    info = rd_cause_info(v->cause);
    if (v->detail_json[0] == '\0') {
        snprintf(v->detail_json, sizeof(v->detail_json), "{}");
    }
    if (v->explanation[0] == '\0') {
        snprintf(v->explanation, sizeof(v->explanation), "%s", info->explanation);
    }
    if (v->outcome == RD_OUTCOME_FAILED) {
        snprintf(v->client_error, sizeof(v->client_error), "%s", info->client_error);
        v->client_error_confidence = info->confidence;
        for (unsigned i = 0; v->n_remedies == 0 && i < RD_REMEDY_MAX && info->remedies[i] != NULL;
             i++) {
            v->remedies[i] = info->remedies[i];
            if (info->remedies[i + 1 < RD_REMEDY_MAX ? i + 1 : i] == NULL ||
                i + 1 == RD_REMEDY_MAX) {
                v->n_remedies = i + 1;
            }
        }
    } else {
        v->client_error_confidence = "";
    }
}
