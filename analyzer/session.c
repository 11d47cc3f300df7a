/*
 * session.c - the RDP phase machine of one connection.
 *
 * Phases in order: tcp -> x224 -> tls -> credssp -> early_user_auth -> mcs ->
 * active (DESIGN.md).  Each direction's ordered bytes are buffered while the
 * handshake lasts and framed into PDUs for the current phase: TPKT (X.224,
 * MCS, standard RDP security, fast-path) or TLS records (session_tls.c).
 * What is learned goes into the facts and the timeline.  The transition table
 * below is the one place that says which phase may follow which.  Once the
 * connection is active the buffers are released and only counters remain.
 */
#include "config.h"

#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcs.h"
#include "t124.h"
#include "textfmt.h"
#include "tls.h"
#include "session_int.h"
#include "tpkt.h"
#include "x224.h"

/* allowed[from] has bit `to` set when the move is legal. */
static const unsigned allowed[RD_PHASE_COUNT] = {
    [RD_PHASE_TCP] = 1u << RD_PHASE_X224 | 1u << RD_PHASE_TLS,
    [RD_PHASE_X224] = 1u << RD_PHASE_TLS | 1u << RD_PHASE_MCS,
    [RD_PHASE_TLS] = 1u << RD_PHASE_CREDSSP | 1u << RD_PHASE_MCS,
    [RD_PHASE_CREDSSP] = 1u << RD_PHASE_EARLY_USER_AUTH | 1u << RD_PHASE_MCS,
    [RD_PHASE_EARLY_USER_AUTH] = 1u << RD_PHASE_MCS,
    [RD_PHASE_MCS] = 1u << RD_PHASE_ACTIVE,
    [RD_PHASE_ACTIVE] = 0,
};

/* Standard RDP security: this many encrypted slow-path PDUs from each side
 * after the Security Exchange cover Client Info, licensing, capabilities and
 * finalization (MS-RDPBCGR 1.3.1.1), i.e. the connection is active. */
#define STD_ACTIVE_CLIENT_PDUS 6
#define STD_ACTIVE_SERVER_PDUS 6

/* The first size of a direction's buffer for a PDU that spans segments. */
#define SESSION_BUF_FIRST 4096u

/* Basic security header flags (MS-RDPBCGR 2.2.8.1.1.2.1). */
#define SEC_EXCHANGE_PKT 0x0001u
#define SEC_ENCRYPT      0x0008u
#define SEC_INFO_PKT     0x0040u
#define SEC_LICENSE_PKT  0x0080u

static const char *const first_names[] = {
    "nothing", "TPKT", "a TLS record", "HTTP", "an SSH banner", "text", "binary data",
};

const char *rd_first_bytes_name(enum rd_first_bytes f)
{
    return (unsigned)f < sizeof(first_names) / sizeof(first_names[0]) ? first_names[f] : "?";
}

struct rd_session *rd_session_new(void)
{
    return calloc(1, sizeof(struct rd_session));
}

static void release_buffers(struct rd_session *s)
{
    for (int d = 0; d < 2; d++) {
        free(s->dir[d].buf);
        free(s->dir[d].hs);
        s->dir[d].buf = NULL;
        s->dir[d].hs = NULL;
        s->dir[d].len = 0;
        s->dir[d].cap = 0;
        s->dir[d].hs_len = 0;
    }
}

void rd_session_free(struct rd_session *s)
{
    if (s == NULL) {
        return;
    }
    release_buffers(s);
    rd_sess_tls_free(s);
    free(s);
}

void rd_session_finish(struct rd_conn *c)
{
    if (c->session != NULL) {
        release_buffers(c->session);
    }
}

void rd_sess_set_phase(struct rd_conn *c, const struct rd_packet *p, enum rd_phase to)
{
    struct rd_session *s = c->session;

    if (s->phase == to) {
        return;
    }
    if ((allowed[s->phase] & (1u << to)) == 0) {
        rd_conn_event(c, p, RD_DIR_NONE, RD_EV_ANOMALY, "unexpected move from phase %s to %s",
                      rd_phase_name(s->phase), rd_phase_name(to));
        return;
    }
    s->phase = to;
    if (to == RD_PHASE_ACTIVE) {
        s->active_frame = p != NULL ? p->frame : 0;
        s->counting_only = true;
    }
    rd_conn_event(c, p, RD_DIR_NONE, RD_EV_PHASE, "phase %s%s", rd_phase_name(to),
                  to == RD_PHASE_ACTIVE && s->active_inferred ? " (inferred from traffic)" : "");
}

void rd_sess_malformed(struct rd_conn *c, const struct rd_packet *p, enum rd_dir dir,
                       const char *what, const struct rd_diag *diag)
{
    struct rd_session *s = c->session;
    char text[RD_EVENT_TEXT];

    rd_format(text, sizeof(text), "malformed %s: %s %s at offset %zu", what,
              diag->field != NULL ? diag->field : "?", rd_why_name(diag->why), diag->off);
    if (s->malformed++ == 0) {
        s->first_malformed_frame = p != NULL ? p->frame : 0;
        rd_format(s->first_malformed, sizeof(s->first_malformed), "%s", text);
    }
    rd_conn_event(c, p, dir, RD_EV_MALFORMED, "%s", text);
}

/* Classify the first bytes a side sent, and keep a printable sample of them. */
static enum rd_first_bytes classify(const uint8_t *data, size_t len, char *text, size_t size)
{
    struct rd_cur c;
    uint8_t b0 = 0, b1 = 0;
    size_t n = 0;
    bool printable = true;

    rd_cur_init(&c, data, len);
    rd_cur_peek_at(&c, 0, &b0);
    rd_cur_peek_at(&c, 1, &b1);
    for (size_t i = 0; i < len && n + 1 < size; i++) {
        uint8_t ch = 0;
        rd_cur_peek_at(&c, i, &ch);
        if (ch == '\r' || ch == '\n') {
            break;
        }
        if (ch < 0x20 || ch > 0x7e) {
            printable = false;
            ch = '.';
        }
        text[n++] = (char)ch;
    }
    text[n] = '\0';
    if (b0 == RD_TPKT_VERSION && b1 == 0) {
        return RD_FIRST_TPKT;
    }
    if (b0 >= 20 && b0 <= 24 && b1 == 3) {
        return RD_FIRST_TLS;
    }
    if ((b0 & 0x80) && len > 2) {
        uint8_t b2 = 0;
        rd_cur_peek_at(&c, 2, &b2);
        if (b2 == 1) {
            return RD_FIRST_TLS; /* SSLv2-compatible ClientHello */
        }
    }
    if (rd_cur_expect(&c, "HTTP/", 5) || rd_cur_expect(&c, "GET ", 4) ||
        rd_cur_expect(&c, "POST ", 5)) {
        return RD_FIRST_HTTP;
    }
    if (rd_cur_expect(&c, "SSH-", 4)) {
        return RD_FIRST_SSH;
    }
    return printable ? RD_FIRST_TEXT : RD_FIRST_BINARY;
}

/* First bytes of a direction: decide how to frame it, and whether this is RDP. */
static void first_data(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                       const uint8_t *data, size_t len)
{
    struct rd_session *s = c->session;
    struct rd_session_dir *d = &s->dir[dir];

    d->first = classify(data, len, d->first_text, sizeof(d->first_text));
    if (d->first == RD_FIRST_TLS && (dir == RD_DIR_C2S || s->dir[RD_DIR_C2S].tls)) {
        d->tls = true; /* plain TLS (e.g. --port 443), or TLS after the negotiation */
        return;
    }
    if (dir == RD_DIR_S2C && d->first != RD_FIRST_TPKT && !s->dir[RD_DIR_S2C].tls) {
        s->not_rdp = true;
        s->not_rdp_frame = p != NULL ? p->frame : 0;
        d->desync = true;
        rd_conn_event(c, p, dir, RD_EV_ANOMALY, "server's first bytes are %s, not RDP: \"%s\"",
                      rd_first_bytes_name(d->first), d->first_text);
    }
    /* An RDP client opens with an X.224 Connection Request (TPKT), or TLS on a plain
     * TLS port.  Seen from the SYN, anything else is not an RDP client (a health
     * check, a scanner, another application pointed at the port); without the
     * start, the capture may have begun in the middle of a session.  Whether the
     * server then answered as RDP decides the verdict (rd_rule_not_rdp). */
    if (dir == RD_DIR_C2S && c->start_seen && d->first != RD_FIRST_TPKT &&
        d->first != RD_FIRST_TLS) {
        s->client_not_rdp = true;
        rd_conn_event(c, p, dir, RD_EV_ANOMALY, "client's first bytes are %s, not RDP: \"%s\"",
                      rd_first_bytes_name(d->first), d->first_text);
    }
}

void rd_sess_copy_text(char *dst, size_t size, struct rd_bytes b)
{
    struct rd_cur cur;
    size_t n = 0;
    uint8_t ch;

    rd_cur_init(&cur, b.p, b.len);
    while (n + 1 < size && rd_cur_u8(&cur, &ch)) {
        dst[n++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
    }
    dst[n] = '\0';
}

static void on_connection_request(struct rd_conn *c, const struct rd_packet *p,
                                  const struct rd_x224_pdu *x, bool ok, const struct rd_diag *diag)
{
    struct rd_x224_facts *f = &c->session->x224;
    char prot[64], extra[96] = "";

    if (f->cr_seen) {
        rd_conn_event(c, p, RD_DIR_C2S, RD_EV_ANOMALY, "a second X.224 Connection Request");
        return;
    }
    f->cr_seen = true;
    f->cr_frame = p != NULL ? p->frame : 0;
    f->cr_ts = p != NULL ? p->ts_ns : 0;
    rd_sess_set_phase(c, p, RD_PHASE_X224);
    if (!ok) {
        f->cr_malformed = true;
        rd_sess_malformed(c, p, RD_DIR_C2S, "X.224 Connection Request", diag);
        return;
    }
    f->has_cookie = x->has_cookie;
    if (x->has_cookie) {
        rd_sess_copy_text(f->cookie, sizeof(f->cookie), x->cookie);
    }
    f->has_routing_token = x->has_routing_token;
    f->has_neg_req = x->neg == RD_X224_NEG_REQ;
    f->requested = x->requested_protocols;
    f->req_flags = x->neg_flags;
    if (x->has_correlation_id) {
        struct rd_cur cur;
        uint8_t b;
        size_t n = 0;
        f->has_correlation = true;
        rd_cur_init(&cur, x->correlation_id.p, x->correlation_id.len);
        while (n + 3 < sizeof(f->correlation) && rd_cur_u8(&cur, &b)) {
            n += (size_t)rd_format(f->correlation + n, sizeof(f->correlation) - n, "%02x", b);
        }
    }
    if (f->req_flags & RD_X224_RESTRICTED_ADMIN_MODE_REQUIRED) {
        rd_format(extra, sizeof(extra), ", Restricted Admin mode");
    } else if (f->req_flags & RD_X224_REDIRECTED_AUTHENTICATION_MODE_REQUIRED) {
        rd_format(extra, sizeof(extra), ", Remote Credential Guard");
    }
    rd_x224_protocols_str(f->requested, prot, sizeof(prot));
    rd_conn_event(c, p, RD_DIR_C2S, RD_EV_DATA, "X.224 Connection Request: %s%s%s%s%s",
                  f->has_neg_req ? "requests " : "no RDP_NEG_REQ (standard RDP security)",
                  f->has_neg_req ? prot : "", f->has_cookie ? ", cookie mstshash=" : "",
                  f->has_cookie ? f->cookie : "", extra);
}

static bool selects_tls(uint32_t selected)
{
    return selected != RD_X224_PROTOCOL_RDP;
}

static void on_connection_confirm(struct rd_conn *c, const struct rd_packet *p,
                                  const struct rd_x224_pdu *x, bool ok, const struct rd_diag *diag)
{
    struct rd_session *s = c->session;
    struct rd_x224_facts *f = &s->x224;

    if (f->cc_seen) {
        rd_conn_event(c, p, RD_DIR_S2C, RD_EV_ANOMALY, "a second X.224 Connection Confirm");
        return;
    }
    f->cc_seen = true;
    f->cc_frame = p != NULL ? p->frame : 0;
    f->cc_ts = p != NULL ? p->ts_ns : 0;
    rd_sess_set_phase(c, p, RD_PHASE_X224);
    if (!ok) {
        f->cc_malformed = true;
        rd_sess_malformed(c, p, RD_DIR_S2C, "X.224 Connection Confirm", diag);
        return;
    }
    switch (x->neg) {
    case RD_X224_NEG_FAILURE:
        f->cc_kind = RD_CC_FAILURE;
        f->failure_code = x->failure_code;
        rd_conn_event(c, p, RD_DIR_S2C, RD_EV_DATA,
                      "X.224 Connection Confirm: RDP_NEG_FAILURE %s (%u)",
                      rd_x224_failure_name(x->failure_code), x->failure_code);
        return;
    case RD_X224_NEG_RSP:
        f->cc_kind = RD_CC_RSP;
        f->selected = x->selected_protocol;
        f->rsp_flags = x->neg_flags;
        rd_conn_event(c, p, RD_DIR_S2C, RD_EV_DATA, "X.224 Connection Confirm: selected %s",
                      rd_x224_protocol_name(x->selected_protocol));
        break;
    case RD_X224_NEG_NONE:
    case RD_X224_NEG_REQ:
        f->cc_kind = RD_CC_LEGACY;
        f->selected = RD_X224_PROTOCOL_RDP;
        rd_conn_event(c, p, RD_DIR_S2C, RD_EV_DATA,
                      "X.224 Connection Confirm without RDP_NEG_RSP (a legacy server: standard RDP "
                      "security)");
        break;
    }
    if (selects_tls(f->selected)) {
        s->dir[RD_DIR_C2S].tls = true;
        s->dir[RD_DIR_S2C].tls = true;
        s->nla =
            f->selected == RD_X224_PROTOCOL_HYBRID || f->selected == RD_X224_PROTOCOL_HYBRID_EX;
    }
}

static void on_disconnect_request(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                                  const struct rd_x224_pdu *x)
{
    struct rd_x224_facts *f = &c->session->x224;

    if (!f->dr_seen) {
        f->dr_seen = true;
        f->dr_frame = p != NULL ? p->frame : 0;
        f->dr_ts = p != NULL ? p->ts_ns : 0;
        f->dr_dir = (uint8_t)dir;
        f->dr_reason = x->dr_reason;
    }
    rd_conn_event(c, p, dir, RD_EV_DATA, "X.224 Disconnect Request (reason %u)", x->dr_reason);
}

/* The active phase of standard RDP security, inferred from encrypted PDUs. */
static void std_progress(struct rd_conn *c, const struct rd_packet *p)
{
    struct rd_session *s = c->session;
    struct rd_mcs_facts *m = &s->mcs;

    if (s->phase != RD_PHASE_MCS) {
        return;
    }
    if (m->fastpath[RD_DIR_S2C] > 0 || m->fastpath[RD_DIR_C2S] > 0 ||
        (m->encrypted[RD_DIR_C2S] >= STD_ACTIVE_CLIENT_PDUS &&
         m->encrypted[RD_DIR_S2C] >= STD_ACTIVE_SERVER_PDUS)) {
        s->active_inferred = true;
        rd_sess_set_phase(c, p, RD_PHASE_ACTIVE);
    }
}

static void on_send_data(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                         const struct rd_mcs_domain_pdu *d)
{
    struct rd_session *s = c->session;
    struct rd_mcs_facts *m = &s->mcs;
    struct rd_cur u;
    uint16_t flags = 0;

    if (selects_tls(s->x224.selected)) {
        return; /* enhanced security: no RDP security header inside TLS */
    }
    rd_cur_init(&u, d->user_data.p, d->user_data.len);
    if (!rd_cur_u16le(&u, &flags)) {
        return;
    }
    if ((flags & SEC_EXCHANGE_PKT) && dir == RD_DIR_C2S && !m->sec_exchange) {
        m->sec_exchange = true;
        m->sec_exchange_frame = p != NULL ? p->frame : 0;
        rd_conn_event(c, p, dir, RD_EV_DATA, "Security Exchange (encrypted client random)");
        return;
    }
    if (flags & SEC_ENCRYPT) {
        if (m->encrypted[dir]++ == 0) {
            m->first_encrypted_frame[dir] = p != NULL ? p->frame : 0;
            m->first_encrypted_ts[dir] = p != NULL ? p->ts_ns : 0;
            rd_conn_event(c, p, dir, RD_EV_DATA,
                          "first encrypted standard-security PDU%s (counted, not decoded)",
                          (flags & SEC_INFO_PKT)      ? " (Client Info)"
                          : (flags & SEC_LICENSE_PKT) ? " (licensing)"
                                                      : "");
        }
        std_progress(c, p);
    } else if ((flags & SEC_LICENSE_PKT) && dir == RD_DIR_S2C) {
        rd_conn_event(c, p, dir, RD_EV_DATA, "licensing PDU in the clear");
    }
}

/* GCC Conference Create Request: the client's core, security and network data. */
static void gcc_client(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                       struct rd_bytes data)
{
    static struct rd_t124_client_data cd; /* large; the analyzer is single-threaded */
    struct rd_mcs_facts *m = &c->session->mcs;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_cur in;

    rd_cur_init(&in, data.p, data.len);
    if (rd_t124_parse_create_request(in, &cd, &diag) != RD_OK) {
        rd_sess_malformed(c, p, dir, "GCC Conference Create Request", &diag);
        return;
    }
    if (cd.has_core) {
        m->has_client_core = true;
        rd_t124_utf16_to_ascii(cd.core.client_name, m->client_name, sizeof(m->client_name));
        m->client_build = cd.core.client_build;
        m->desktop_w = cd.core.desktop_width;
        m->desktop_h = cd.core.desktop_height;
        m->keyboard_layout = cd.core.keyboard_layout;
    }
    m->client_enc_methods = cd.has_security ? cd.encryption_methods : 0;
    m->channels = cd.has_net ? cd.channel_count : 0;
    rd_conn_event(c, p, dir, RD_EV_DATA,
                  "MCS Connect-Initial: client \"%s\" build %u, %ux%u, keyboard 0x%x, %u "
                  "channels",
                  m->client_name, m->client_build, m->desktop_w, m->desktop_h, m->keyboard_layout,
                  m->channels);
}

/* GCC Conference Create Response: the server's security data. */
static void gcc_server(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                       const struct rd_mcs_connect_response *cr)
{
    static struct rd_t124_server_data sd;
    struct rd_mcs_facts *m = &c->session->mcs;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_cur in;

    rd_cur_init(&in, cr->user_data.p, cr->user_data.len);
    if (cr->result != RD_MCS_RT_SUCCESSFUL ||
        rd_t124_parse_create_response(in, &sd, &diag) != RD_OK) {
        if (cr->result == RD_MCS_RT_SUCCESSFUL) {
            rd_sess_malformed(c, p, dir, "GCC Conference Create Response", &diag);
        }
        rd_conn_event(c, p, dir, RD_EV_DATA, "MCS Connect-Response: %s",
                      rd_mcs_result_name(cr->result));
        return;
    }
    if (sd.has_security) {
        m->has_server_security = true;
        m->enc_method = sd.encryption_method;
        m->enc_level = sd.encryption_level;
        m->server_cert_kind = sd.server_certificate.len > 0 ? sd.cert_chain_version : 0;
        m->server_cert_count = (uint32_t)(sd.x509_certs_parsed + sd.x509_certs_dropped);
    }
    if (m->has_server_security && m->enc_method != 0) {
        rd_conn_event(c, p, dir, RD_EV_DATA,
                      "MCS Connect-Response: %s, standard RDP security %s encryption, level %s, "
                      "%s server certificate",
                      rd_mcs_result_name(cr->result), rd_t124_encryption_method_name(m->enc_method),
                      rd_t124_encryption_level_name(m->enc_level),
                      m->server_cert_kind == 2   ? "X.509"
                      : m->server_cert_kind == 1 ? "proprietary"
                                                 : "no");
    } else {
        rd_conn_event(c, p, dir, RD_EV_DATA, "MCS Connect-Response: %s",
                      rd_mcs_result_name(cr->result));
    }
}

static void on_mcs(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                   struct rd_bytes data)
{
    struct rd_session *s = c->session;
    struct rd_mcs_facts *m = &s->mcs;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_cur in;

    rd_cur_init(&in, data.p, data.len);
    switch (rd_mcs_kind(in)) {
    case RD_MCS_KIND_CONNECT_INITIAL: {
        struct rd_mcs_connect_initial ci;
        m->ci_seen = true;
        m->ci_frame = p != NULL ? p->frame : 0;
        rd_sess_set_phase(c, p, RD_PHASE_MCS);
        if (rd_mcs_parse_connect_initial(in, &ci, &diag) != RD_OK) {
            rd_sess_malformed(c, p, dir, "MCS Connect-Initial", &diag);
            return;
        }
        gcc_client(c, dir, p, ci.user_data);
        return;
    }
    case RD_MCS_KIND_CONNECT_RESPONSE: {
        struct rd_mcs_connect_response cr;
        m->cr_seen = true;
        m->cr_frame = p != NULL ? p->frame : 0;
        if (rd_mcs_parse_connect_response(in, &cr, &diag) != RD_OK) {
            rd_sess_malformed(c, p, dir, "MCS Connect-Response", &diag);
            return;
        }
        m->cr_result = cr.result;
        gcc_server(c, dir, p, &cr);
        return;
    }
    case RD_MCS_KIND_DOMAIN: {
        struct rd_mcs_domain_pdu d;
        if (rd_mcs_parse_domain_pdu(in, &d, &diag) != RD_OK) {
            rd_sess_malformed(c, p, dir, "MCS domain PDU", &diag);
            return;
        }
        m->domain_pdus[dir]++;
        if (d.type == RD_MCS_DISCONNECT_PROVIDER_ULTIMATUM) {
            if (!m->ultimatum) {
                m->ultimatum = true;
                m->ultimatum_frame = p != NULL ? p->frame : 0;
                m->ultimatum_ts = p != NULL ? p->ts_ns : 0;
                m->ultimatum_dir = (uint8_t)dir;
                m->ultimatum_reason = d.reason;
            }
            rd_conn_event(c, p, dir, RD_EV_DATA, "MCS Disconnect Provider Ultimatum: %s",
                          rd_mcs_reason_name(d.reason));
            return;
        }
        if (d.type == RD_MCS_SEND_DATA_REQUEST || d.type == RD_MCS_SEND_DATA_INDICATION) {
            on_send_data(c, dir, p, &d);
            return;
        }
        /* One event per PDU type and direction: channel joins repeat per channel. */
        if (s->phase == RD_PHASE_MCS && d.type < 64 &&
            (m->domain_seen[dir] & ((uint64_t)1 << d.type)) == 0) {
            m->domain_seen[dir] |= (uint64_t)1 << d.type;
            rd_conn_event(c, p, dir, RD_EV_DATA, "MCS %s%s", rd_mcs_domain_type_name(d.type),
                          d.type == RD_MCS_CHANNEL_JOIN_REQUEST ? " (one per channel)" : "");
        }
        return;
    }
    case RD_MCS_KIND_UNKNOWN:
        break;
    }
    diag.why = RD_WHY_BAD_VALUE;
    diag.field = "mcs.type";
    rd_sess_malformed(c, p, dir, "MCS PDU", &diag);
}

/* One TPKT PDU: X.224 and what it carries. */
static void on_tpkt(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                    struct rd_cur pdu)
{
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_x224_pdu x;
    struct rd_cur payload;
    bool ok;

    if (rd_tpkt_parse(pdu, &payload, &diag) != RD_OK) {
        rd_sess_malformed(c, p, dir, "TPKT", &diag);
        return;
    }
    ok = rd_x224_parse(payload, &x, &diag) == RD_OK;
    switch (x.type) {
    case RD_X224_CR:
        on_connection_request(c, p, &x, ok, &diag);
        return;
    case RD_X224_CC:
        on_connection_confirm(c, p, &x, ok, &diag);
        return;
    case RD_X224_DR:
        if (ok) {
            on_disconnect_request(c, dir, p, &x);
            return;
        }
        break;
    case RD_X224_DT:
        if (ok) {
            on_mcs(c, dir, p, x.user_data);
            return;
        }
        break;
    case RD_X224_ER:
    case RD_X224_UNKNOWN:
        break;
    }
    rd_sess_malformed(c, p, dir, "X.224 TPDU", &diag);
}

/*
 * Frame what the buffer holds for this direction.  Returns the bytes consumed;
 * sets desync when the bytes cannot be framed.
 */
static size_t frame_one(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                        struct rd_cur in)
{
    struct rd_session *s = c->session;
    struct rd_session_dir *d = &s->dir[dir];
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_cur pdu;
    size_t len = 0;
    uint8_t b0 = 0;
    enum rd_status st;

    rd_cur_peek_u8(&in, &b0);
    if (d->tls && b0 != RD_TPKT_VERSION) {
        st = rd_tls_frame_record(in, &len, &diag);
        if (st == RD_OK && rd_cur_take(&in, len, &pdu)) {
            rd_sess_tls_record(c, dir, p, pdu);
            return len;
        }
        if (st == RD_MALFORMED) {
            rd_sess_malformed(c, p, dir, "TLS record", &diag);
            d->desync = true;
        }
        return 0;
    }
    if (b0 == RD_TPKT_VERSION) {
        st = rd_tpkt_frame(in, &len, &diag);
        if (st == RD_OK && rd_cur_take(&in, len, &pdu)) {
            on_tpkt(c, dir, p, pdu);
            return len;
        }
        if (st == RD_MALFORMED) {
            rd_sess_malformed(c, p, dir, "TPKT header", &diag);
            d->desync = true;
        }
        return 0;
    }
    if ((b0 & 0x03) == 0 && s->x224.cc_seen && !selects_tls(s->x224.selected)) {
        /* Fast-path (MS-RDPBCGR 2.2.9.1.2): action 0, then a 1- or 2-byte length. */
        uint8_t l1 = 0, l2 = 0;
        if (!rd_cur_peek_at(&in, 1, &l1) || ((l1 & 0x80) && !rd_cur_peek_at(&in, 2, &l2))) {
            return 0;
        }
        len = (l1 & 0x80) ? (size_t)((l1 & 0x7f) << 8 | l2) : l1;
        if (len < 2) {
            diag.why = RD_WHY_BAD_VALUE;
            diag.field = "fastpath.length";
            rd_sess_malformed(c, p, dir, "fast-path PDU", &diag);
            d->desync = true;
            return 0;
        }
        if (len > in.len) {
            return 0;
        }
        if (s->mcs.fastpath[dir]++ == 0) {
            s->mcs.first_fastpath_frame[dir] = p != NULL ? p->frame : 0;
            s->mcs.first_fastpath_ts[dir] = p != NULL ? p->ts_ns : 0;
            rd_conn_event(c, p, dir, RD_EV_DATA, "first fast-path PDU");
        }
        std_progress(c, p);
        return len;
    }
    diag.why = RD_WHY_BAD_VALUE;
    diag.field = "first byte";
    diag.off = 0;
    rd_sess_malformed(c, p, dir, "PDU (neither TPKT, TLS nor fast-path)", &diag);
    d->desync = true;
    return 0;
}

/* Frame and handle whole PDUs from a span; returns the bytes consumed. */
static size_t parse_span(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                         const uint8_t *buf, size_t len)
{
    struct rd_session *s = c->session;
    struct rd_session_dir *d = &s->dir[dir];
    size_t off = 0;

    while (off < len && !d->desync && !s->counting_only) {
        struct rd_cur in;
        size_t used;

        rd_cur_init(&in, buf + off, len - off);
        used = frame_one(c, dir, p, in);
        if (used == 0) {
            break;
        }
        d->pdus++;
        off += used;
    }
    return off;
}

static void parse_buffer(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p)
{
    struct rd_session_dir *d = &c->session->dir[dir];
    size_t off = parse_span(c, dir, p, d->buf, d->len);

    if (off > 0 && d->buf != NULL) {
        memmove(d->buf, d->buf + off, d->len - off);
        d->len -= off;
    }
}

/* Room for want bytes (at most RD_SESSION_BUF): most PDUs that span segments
 * are a few kilobytes, so the buffer starts small and doubles. */
static bool grow_buffer(struct rd_session_dir *d, size_t want)
{
    size_t cap = d->cap == 0 ? SESSION_BUF_FIRST : d->cap;
    uint8_t *n;

    while (cap < want && cap < RD_SESSION_BUF) {
        cap *= 2;
    }
    if (cap > RD_SESSION_BUF) {
        cap = RD_SESSION_BUF;
    }
    n = realloc(d->buf, cap);
    if (n == NULL) {
        return false;
    }
    d->buf = n;
    d->cap = cap;
    return true;
}

void rd_session_data(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                     const uint8_t *data, size_t len)
{
    struct rd_session *s;
    struct rd_session_dir *d;

    if (c->session == NULL) {
        c->session = rd_session_new();
        if (c->session == NULL) {
            return;
        }
    }
    s = c->session;
    d = &s->dir[dir];
    if (data == NULL) {
        if (!d->desync && !s->counting_only) {
            rd_conn_event(c, p, dir, RD_EV_NOTE,
                          "stopped decoding this direction: %zu bytes missing from the capture",
                          len);
        }
        d->desync = true;
        return;
    }
    if (len == 0) {
        return;
    }
    if (d->bytes == 0) {
        d->first_frame = p != NULL ? p->frame : 0;
        d->first_ts = p != NULL ? p->ts_ns : 0;
        first_data(c, dir, p, data, len);
    }
    d->bytes += len;
    d->last_frame = p != NULL ? p->frame : d->last_frame;
    d->last_ts = p != NULL ? p->ts_ns : d->last_ts;
    if (s->counting_only || d->desync) {
        if (s->counting_only && !s->released) {
            release_buffers(s);
            s->released = true;
        }
        return;
    }
    if (d->len == 0) {
        /* Nothing pending: handle the whole PDUs straight from the segment, and
         * buffer only a PDU that continues in a later one. */
        size_t used = parse_span(c, dir, p, data, len);
        data += used;
        len -= used;
        if (s->counting_only || d->desync) {
            len = 0;
        }
    }
    while (len > 0 && !d->desync && !s->counting_only) {
        size_t room, n;

        if (d->len + len > d->cap && d->cap < RD_SESSION_BUF && !grow_buffer(d, d->len + len)) {
            d->desync = true;
            return;
        }
        room = d->cap - d->len;
        if (room == 0) {
            d->overflow = true;
            d->desync = true;
            rd_conn_event(c, p, dir, RD_EV_NOTE,
                          "stopped decoding this direction: a handshake PDU larger than %u bytes",
                          RD_SESSION_BUF);
            return;
        }
        n = len < room ? len : room;
        memcpy(d->buf + d->len, data, n);
        d->len += n;
        data += n;
        len -= n;
        parse_buffer(c, dir, p);
    }
    if (s->counting_only) {
        release_buffers(s);
        s->released = true;
    } else if (d->len == 0 && d->buf != NULL) {
        free(d->buf); /* held only while a PDU is incomplete */
        d->buf = NULL;
        d->cap = 0;
    }
}
