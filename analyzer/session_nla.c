/*
 * session_nla.c - what TLS decryption shows on an RDP connection.
 *
 * session_tls.c hands over the decrypted application data of each direction
 * in order.  Here it is buffered (RD_SESSION_BUF per direction) and framed:
 * CredSSP TSRequests (MS-CSSP 2.2.1) while NLA lasts, the 4-byte Early User
 * Authorization Result of HYBRID_EX (MS-RDPBCGR 2.2.10.2), then TPKT/X.224
 * carrying MCS (T.125) and the slow-path PDUs of the connection sequence
 * (MS-RDPBCGR 1.3.1.1: Connect-Initial with the GCC client data, Client Info,
 * licensing, Demand Active, Set Error Info, Disconnect Provider Ultimatum).
 *
 * Facts are copied into struct rd_dec_facts; secrets never are: the password
 * (only its length), NTLM responses (only their lengths), authInfo and
 * pubKeyAuth (presence and length only).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "credssp.h"
#include "kerberos.h"
#include "mcs.h"
#include "ntlmssp.h"
#include "ntstatus.h"
#include "rdpbcgr.h"
#include "session_int.h"
#include "spnego.h"
#include "t124.h"
#include "textfmt.h"
#include "tpkt.h"
#include "x224.h"

/* Early User Authorization Result (MS-RDPBCGR 2.2.10.2). */
#define AUTHZ_SUCCESS       0x00000000u
#define AUTHZ_ACCESS_DENIED 0x00000005u
#define EARLY_AUTH_LEN      4u

/* RFC 4121 4.1 token ids. */
#define KRB5_TOK_AP_REQ 0x0100u
#define KRB5_TOK_AP_REP 0x0200u
#define KRB5_TOK_ERROR  0x0300u
/* MS-KILE 2.2.2, 2.2.3: user-to-user KERB-TGT-REQUEST / KERB-TGT-REPLY. */
#define KRB5_TOK_TGT_REQ 0x0400u
#define KRB5_TOK_TGT_REP 0x0401u

/* DER SEQUENCE: the first byte of every TSRequest (X.690 8.9). */
#define DER_SEQUENCE 0x30u

static const char *const nego_names[] = {
    "no token",           "SPNEGO NegTokenInit", "SPNEGO NegTokenResp", "NTLM NEGOTIATE",
    "NTLM CHALLENGE",     "NTLM AUTHENTICATE",   "Kerberos AP-REQ",     "Kerberos AP-REP",
    "Kerberos KRB-ERROR", "other token",         "Kerberos TGT-REQ",    "Kerberos TGT-REP",
};

const char *rd_nego_kind_name(unsigned kind)
{
    return kind < sizeof(nego_names) / sizeof(nego_names[0]) ? nego_names[kind] : "?";
}

const char *rd_early_auth_name(uint32_t result)
{
    switch (result) {
    case AUTHZ_SUCCESS:
        return "AUTHZ_SUCCESS";
    case AUTHZ_ACCESS_DENIED:
        return "AUTHZ_ACCESS_DENIED";
    default:
        return "unknown";
    }
}

bool rd_sess_nla_decoding(const struct rd_session *s)
{
    return s->dec.decrypting && !s->dec.failed && !s->dec.pt_desync[RD_DIR_S2C];
}

void rd_sess_nla_free(struct rd_session *s)
{
    for (int d = 0; d < 2; d++) {
        free(s->pt[d].buf);
        s->pt[d].buf = NULL;
        s->pt[d].len = 0;
    }
}

static uint64_t frame_of(const struct rd_packet *p)
{
    return p != NULL ? p->frame : 0;
}

static int64_t ts_of(const struct rd_packet *p)
{
    return p != NULL ? p->ts_ns : 0;
}

static void stop_dir(struct rd_conn *c, enum rd_dir dir)
{
    c->session->dec.pt_desync[dir] = true;
}

/* ---- CredSSP ------------------------------------------------------------- */

static void set_pkg(struct rd_session *s, enum rd_auth_pkg pkg)
{
    if (pkg == RD_PKG_UNKNOWN) {
        return;
    }
    s->credssp.pkg = pkg;
    s->dec.pkg_known = true;
}

static enum rd_auth_pkg pkg_of_mech(enum rd_spnego_mech m)
{
    switch (m) {
    case RD_SPNEGO_MECH_NTLM:
        return RD_PKG_NTLM;
    case RD_SPNEGO_MECH_KRB5:
    case RD_SPNEGO_MECH_MS_KRB5:
    case RD_SPNEGO_MECH_KRB5_U2U:
        return RD_PKG_KERBEROS;
    case RD_SPNEGO_MECH_UNKNOWN:
    case RD_SPNEGO_MECH_NEGOEX:
    case RD_SPNEGO_MECH_PKU2U:
    case RD_SPNEGO_MECH_SPNEGO:
    default:
        return RD_PKG_UNKNOWN;
    }
}

static void ntlm_name(struct rd_bytes b, bool unicode, char *dst, size_t size)
{
    bool truncated = false;

    rd_ntlmssp_to_ascii(b, unicode, dst, size, &truncated);
}

static void on_ntlm(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                    struct rd_bytes token, struct rd_tsreq_facts *f)
{
    static struct rd_ntlmssp_msg m; /* large; the analyzer is single-threaded */
    struct rd_dec_facts *d = &c->session->dec;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_cur in;

    set_pkg(c->session, RD_PKG_NTLM);
    f->nego = RD_NEGO_OTHER;
    rd_cur_init(&in, token.p, token.len);
    if (rd_ntlmssp_parse(in, &m, &diag) != RD_OK) {
        rd_sess_malformed(c, p, dir, "decrypted NTLMSSP message", &diag);
        return;
    }
    switch (m.type) {
    case RD_NTLMSSP_NEGOTIATE:
        f->nego = RD_NEGO_NTLM_NEGOTIATE;
        return;
    case RD_NTLMSSP_CHALLENGE: {
        const struct rd_ntlmssp_challenge *ch = &m.challenge;
        f->nego = RD_NEGO_NTLM_CHALLENGE;
        d->has_ntlm_challenge = true;
        ntlm_name(ch->nb_computer_name, true, d->nb_computer, sizeof(d->nb_computer));
        ntlm_name(ch->nb_domain_name, true, d->nb_domain, sizeof(d->nb_domain));
        ntlm_name(ch->dns_computer_name, true, d->dns_computer, sizeof(d->dns_computer));
        ntlm_name(ch->dns_domain_name, true, d->dns_domain, sizeof(d->dns_domain));
        d->has_server_time = ch->has_timestamp;
        d->server_time = ch->timestamp;
        return;
    }
    case RD_NTLMSSP_AUTHENTICATE: {
        const struct rd_ntlmssp_authenticate *a = &m.authenticate;
        f->nego = RD_NEGO_NTLM_AUTHENTICATE;
        d->has_ntlm_auth = true;
        ntlm_name(a->domain, a->unicode, d->ntlm_domain, sizeof(d->ntlm_domain));
        ntlm_name(a->user, a->unicode, d->ntlm_user, sizeof(d->ntlm_user));
        ntlm_name(a->workstation, a->unicode, d->ntlm_workstation, sizeof(d->ntlm_workstation));
        d->lm_response_len = (uint32_t)a->lm_response_len;
        d->nt_response_len = (uint32_t)a->nt_response_len;
        d->ntlmv2 = a->is_ntlmv2;
        d->ntlm_anonymous = a->is_anonymous;
        return;
    }
    default:
        return;
    }
}

static void on_krb(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p, uint16_t tok_id,
                   struct rd_bytes inner, struct rd_tsreq_facts *f)
{
    static struct rd_krb_msg m;
    struct rd_dec_facts *d = &c->session->dec;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_cur in;

    set_pkg(c->session, RD_PKG_KERBEROS);
    switch (tok_id) {
    case KRB5_TOK_AP_REQ:
        f->nego = RD_NEGO_KRB_AP_REQ;
        break;
    case KRB5_TOK_AP_REP:
        f->nego = RD_NEGO_KRB_AP_REP;
        break;
    case KRB5_TOK_ERROR:
        f->nego = RD_NEGO_KRB_ERROR;
        break;
    case KRB5_TOK_TGT_REQ:
        f->nego = RD_NEGO_KRB_TGT_REQ;
        return; /* not an RFC 4120 message: nothing more to read */
    case KRB5_TOK_TGT_REP:
        f->nego = RD_NEGO_KRB_TGT_REP;
        return;
    default:
        f->nego = RD_NEGO_OTHER;
        return;
    }
    rd_cur_init(&in, inner.p, inner.len);
    if (rd_krb_parse(in, &m, &diag) != RD_OK) {
        rd_sess_malformed(c, p, dir, "decrypted Kerberos message", &diag);
        return;
    }
    d->has_krb = true;
    if (m.has_realm) {
        rd_format(d->krb_realm, sizeof(d->krb_realm), "%.120s", m.realm);
    }
    if (m.sname.present) {
        rd_format(d->krb_sname, sizeof(d->krb_sname), "%.120s", m.sname.text);
    }
    if (m.msg_type == RD_KRB_ERROR_MSG && m.has_error_code) {
        f->nego = RD_NEGO_KRB_ERROR;
        if (!d->has_krb_error) {
            d->has_krb_error = true;
            d->krb_error = m.error_code;
            d->krb_error_frame = frame_of(p);
            d->krb_error_ts = ts_of(p);
        }
    }
}

/* One line with what the token said, after the TSRequest's own line. */
static void token_event(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                        const struct rd_tsreq_facts *f)
{
    const struct rd_dec_facts *d = &c->session->dec;

    switch (f->nego) {
    case RD_NEGO_NTLM_CHALLENGE:
        rd_conn_event(c, p, dir, RD_EV_DATA, "NTLM CHALLENGE from %.40s (domain %.24s, DNS %.32s)",
                      d->nb_computer[0] ? d->nb_computer : "?",
                      d->nb_domain[0] ? d->nb_domain : "?", d->dns_domain[0] ? d->dns_domain : "?");
        return;
    case RD_NEGO_NTLM_AUTHENTICATE:
        rd_conn_event(c, p, dir, RD_EV_DATA, "NTLM AUTHENTICATE: user %.24s\\%.24s from %.24s (%s)",
                      d->ntlm_domain, d->ntlm_user, d->ntlm_workstation,
                      d->ntlm_anonymous ? "anonymous"
                      : d->ntlmv2       ? "NTLMv2"
                                        : "NTLMv1");
        return;
    case RD_NEGO_KRB_AP_REQ:
        rd_conn_event(c, p, dir, RD_EV_DATA, "Kerberos AP-REQ for %.48s@%.40s", d->krb_sname,
                      d->krb_realm);
        return;
    case RD_NEGO_KRB_ERROR:
        rd_conn_event(c, p, dir, RD_EV_DATA, "Kerberos KRB-ERROR %d %s", d->krb_error,
                      rd_krb_error_name(d->krb_error));
        return;
    default:
        return;
    }
}

/* What the first negoToken holds: SPNEGO, raw NTLMSSP, or a Kerberos GSS token. */
static void on_nego_token(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                          struct rd_bytes token, struct rd_tsreq_facts *f)
{
    struct rd_spnego_token tok;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_cur in;

    rd_cur_init(&in, token.p, token.len);
    if (rd_spnego_parse_token(in, &tok, &diag) != RD_OK) {
        f->nego = RD_NEGO_OTHER;
        rd_sess_malformed(c, p, dir, "decrypted negoToken", &diag);
        return;
    }
    f->spnego = tok.kind == RD_SPNEGO_KIND_INIT || tok.kind == RD_SPNEGO_KIND_RESP;
    f->spnego_kind = (uint8_t)tok.kind;
    f->has_neg_state = tok.has_neg_state;
    f->neg_state = tok.neg_state;
    f->nego = tok.kind == RD_SPNEGO_KIND_INIT   ? RD_NEGO_SPNEGO_INIT
              : tok.kind == RD_SPNEGO_KIND_RESP ? RD_NEGO_SPNEGO_RESP
                                                : RD_NEGO_OTHER;
    if (tok.kind == RD_SPNEGO_KIND_INIT && tok.mech_count > 0) {
        set_pkg(c->session, pkg_of_mech(tok.mechs[0]));
    } else if (tok.kind == RD_SPNEGO_KIND_RESP && tok.has_supported_mech) {
        set_pkg(c->session, pkg_of_mech(tok.supported_mech));
    }
    switch (tok.inner_kind) {
    case RD_SPNEGO_INNER_NTLMSSP:
        on_ntlm(c, dir, p, tok.inner.len > 0 ? tok.inner : token, f);
        return;
    case RD_SPNEGO_INNER_KRB5:
        on_krb(c, dir, p, tok.krb5_tok_id, tok.inner, f);
        return;
    case RD_SPNEGO_INNER_NONE:
    case RD_SPNEGO_INNER_NEGOEX:
    case RD_SPNEGO_INNER_OTHER:
    default:
        if (tok.kind == RD_SPNEGO_KIND_NTLMSSP) {
            on_ntlm(c, dir, p, token, f);
        }
        return;
    }
}

/* The CredSSP leg (MS-CSSP 3.1.5) a decrypted TSRequest is, by what it carries. */
static enum rd_leg leg_of(const struct rd_session *s, enum rd_dir dir,
                          const struct rd_tsreq_facts *f)
{
    if (dir == RD_DIR_C2S) {
        if (f->has_auth_info) {
            return RD_LEG_CREDENTIALS;
        }
        if (f->has_pub_key_auth || f->nego == RD_NEGO_NTLM_AUTHENTICATE) {
            return RD_LEG_AUTHENTICATE;
        }
        return RD_LEG_NEGOTIATE;
    }
    if (f->has_pub_key_auth) {
        return RD_LEG_SERVER_PUBKEY;
    }
    if (f->has_error_code && s->credssp.reached[RD_LEG_AUTHENTICATE]) {
        return RD_LEG_SERVER_PUBKEY;
    }
    return RD_LEG_CHALLENGE;
}

/* Legs and phases as the decrypted TSRequest shows them. */
static void tsrequest_progress(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                               const struct rd_tsreq_facts *f, size_t bytes)
{
    struct rd_session *s = c->session;
    struct rd_credssp_facts *k = &s->credssp;
    enum rd_leg leg = leg_of(s, dir, f);

    if (!k->started) {
        k->started = true;
    }
    if (k->last_dir != (uint8_t)dir || k->turn == 0) {
        k->turn++;
        k->last_dir = (uint8_t)dir;
    }
    if (s->phase == RD_PHASE_TLS) {
        rd_sess_set_phase(c, p, RD_PHASE_CREDSSP);
    }
    rd_sess_credssp_leg(c, dir, p, leg, bytes);
    if (leg == RD_LEG_CREDENTIALS) {
        if (s->x224.selected == RD_X224_PROTOCOL_HYBRID_EX) {
            rd_sess_set_phase(c, p, RD_PHASE_EARLY_USER_AUTH);
        } else {
            k->done = true;
        }
    }
}

/* Append ", "-separated text to buf (n: its length so far). */
static void append(char *buf, size_t size, size_t *n, const char *fmt, ...) RD_PRINTF(4, 5);

static void append(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
    va_list ap;
    int w;

    if (*n + 3 >= size) {
        return;
    }
    if (*n > 0) {
        buf[(*n)++] = ',';
        buf[(*n)++] = ' ';
        buf[*n] = '\0';
    }
    va_start(ap, fmt);
    w = vsnprintf(buf + *n, size - *n, fmt, ap);
    va_end(ap);
    if (w > 0) {
        *n += (size_t)w < size - *n ? (size_t)w : size - *n - 1;
    }
}

static void on_tsrequest(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                         struct rd_cur in)
{
    struct rd_dec_facts *d = &c->session->dec;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_credssp_tsrequest tr;
    struct rd_tsreq_facts scratch, *f;
    char what[80] = "";
    size_t n = 0;
    size_t bytes = in.len;

    if (rd_credssp_parse_tsrequest(in, &tr, &diag) != RD_OK) {
        rd_sess_malformed(c, p, dir, "decrypted CredSSP TSRequest", &diag);
        return;
    }
    if (c->session->phase == RD_PHASE_TLS) {
        rd_sess_set_phase(c, p, RD_PHASE_CREDSSP);
    }
    if (d->n_req < RD_NLA_TSREQ_MAX) {
        f = &d->req[d->n_req++];
    } else {
        d->req_dropped++;
        f = &scratch;
    }
    memset(f, 0, sizeof(*f));
    f->frame = frame_of(p);
    f->ts = ts_of(p);
    f->dir = (uint8_t)dir;
    f->version = tr.version;
    f->has_pub_key_auth = tr.has_pub_key_auth;
    f->has_auth_info = tr.has_auth_info;
    f->auth_info_len = (uint32_t)tr.auth_info_len;
    f->has_error_code = tr.has_error_code;
    f->error_code = tr.error_code;
    f->has_client_nonce = tr.has_client_nonce;
    if (dir == RD_DIR_C2S) {
        d->version_client = tr.version;
    } else {
        d->version_server = tr.version;
    }
    if (tr.has_error_code && !d->has_error) {
        d->has_error = true;
        d->error_code = tr.error_code;
        d->error_frame = f->frame;
        d->error_ts = f->ts;
        d->error_dir = (uint8_t)dir;
    }
    if (tr.nego_token.len > 0) {
        on_nego_token(c, dir, p, tr.nego_token, f);
        append(what, sizeof(what), &n, "%s%s",
               f->spnego && f->nego > RD_NEGO_SPNEGO_RESP ? "SPNEGO " : "",
               rd_nego_kind_name(f->nego));
    }
    if (tr.has_pub_key_auth) {
        append(what, sizeof(what), &n, "pubKeyAuth");
    }
    if (tr.has_auth_info) {
        append(what, sizeof(what), &n, "authInfo (%zu bytes)", tr.auth_info_len);
    }
    if (tr.has_client_nonce) {
        append(what, sizeof(what), &n, "clientNonce");
    }
    if (tr.has_error_code) {
        append(what, sizeof(what), &n, "errorCode");
    }
    rd_conn_event(c, p, dir, RD_EV_DATA, "CredSSP TSRequest v%u (decrypted): %s",
                  (unsigned)tr.version, n > 0 ? what : "empty");
    token_event(c, dir, p, f);
    if (tr.has_error_code) {
        rd_conn_event(c, p, dir, RD_EV_DATA, "CredSSP errorCode 0x%08x %s", tr.error_code,
                      rd_ntstatus_name(tr.error_code));
    }
    tsrequest_progress(c, dir, p, f, bytes);
}

static void on_early_auth(struct rd_conn *c, const struct rd_packet *p, uint32_t result)
{
    struct rd_dec_facts *d = &c->session->dec;

    d->has_early_auth = true;
    d->early_auth = result;
    d->early_auth_frame = frame_of(p);
    d->early_auth_ts = ts_of(p);
    rd_conn_event(c, p, RD_DIR_S2C, RD_EV_DATA,
                  "Early User Authorization Result (decrypted): %s (0x%08x)",
                  rd_early_auth_name(result), result);
    rd_sess_credssp_leg(c, RD_DIR_S2C, p, RD_LEG_EARLY_AUTH, EARLY_AUTH_LEN);
    c->session->credssp.done = true;
}

/* ---- MCS and the connection sequence ------------------------------------- */

static void on_connect_initial(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                               struct rd_cur in)
{
    static struct rd_t124_client_data cd;
    struct rd_session *s = c->session;
    struct rd_mcs_facts *m = &s->mcs;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_mcs_connect_initial ci;
    struct rd_cur ud;

    m->ci_seen = true;
    m->ci_frame = frame_of(p);
    s->credssp.done = s->credssp.done || s->nla;
    rd_sess_set_phase(c, p, RD_PHASE_MCS);
    if (rd_mcs_parse_connect_initial(in, &ci, &diag) != RD_OK) {
        rd_sess_malformed(c, p, dir, "decrypted MCS Connect-Initial", &diag);
        return;
    }
    rd_cur_init(&ud, ci.user_data.p, ci.user_data.len);
    if (rd_t124_parse_create_request(ud, &cd, &diag) != RD_OK || !cd.has_core) {
        rd_conn_event(c, p, dir, RD_EV_DATA, "MCS Connect-Initial (decrypted)");
        return;
    }
    m->has_client_core = true;
    rd_t124_utf16_to_ascii(cd.core.client_name, m->client_name, sizeof(m->client_name));
    m->client_build = cd.core.client_build;
    m->desktop_w = cd.core.desktop_width;
    m->desktop_h = cd.core.desktop_height;
    m->keyboard_layout = cd.core.keyboard_layout;
    rd_conn_event(c, p, dir, RD_EV_DATA,
                  "MCS Connect-Initial (decrypted): client %.32s, build %u, desktop %ux%u",
                  m->client_name, (unsigned)m->client_build, (unsigned)m->desktop_w,
                  (unsigned)m->desktop_h);
}

static void on_connect_response(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                                struct rd_cur in)
{
    static struct rd_t124_server_data sd;
    struct rd_session *s = c->session;
    struct rd_mcs_facts *m = &s->mcs;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_mcs_connect_response cr;
    struct rd_cur ud;

    m->cr_seen = true;
    m->cr_frame = frame_of(p);
    if (rd_mcs_parse_connect_response(in, &cr, &diag) != RD_OK) {
        rd_sess_malformed(c, p, dir, "decrypted MCS Connect-Response", &diag);
        return;
    }
    m->cr_result = cr.result;
    rd_cur_init(&ud, cr.user_data.p, cr.user_data.len);
    if (rd_t124_parse_create_response(ud, &sd, &diag) == RD_OK && sd.has_net) {
        s->dec.io_channel = sd.mcs_channel_id;
    }
    rd_conn_event(c, p, dir, RD_EV_DATA, "MCS Connect-Response (decrypted): %s",
                  rd_mcs_result_name(cr.result));
}

static void on_client_info(struct rd_conn *c, const struct rd_packet *p, struct rd_cur in)
{
    struct rd_dec_facts *d = &c->session->dec;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_rdpbcgr_info info;

    if (rd_rdpbcgr_parse_client_info(in, &info, &diag) != RD_OK || info.encrypted) {
        rd_sess_malformed(c, p, RD_DIR_C2S, "decrypted Client Info PDU", &diag);
        return;
    }
    d->has_client_info = true;
    d->client_info_frame = frame_of(p);
    rd_rdpbcgr_info_str(info.user_name, info.is_unicode, d->info_user, sizeof(d->info_user));
    rd_rdpbcgr_info_str(info.domain, info.is_unicode, d->info_domain, sizeof(d->info_domain));
    d->info_password_len = info.password_len;
    rd_conn_event(c, p, RD_DIR_C2S, RD_EV_DATA, "Client Info PDU (decrypted): user %.32s%s%.32s",
                  d->info_domain, d->info_domain[0] ? "\\" : "", d->info_user);
}

/* A licensing PDU; false when the bytes are not one. */
static bool on_license(struct rd_conn *c, const struct rd_packet *p, struct rd_cur in)
{
    struct rd_dec_facts *d = &c->session->dec;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_rdpbcgr_license lic;

    if (rd_rdpbcgr_parse_license(in, &lic, &diag) != RD_OK) {
        return false;
    }
    if (lic.msg_type == RD_RDPBCGR_NEW_LICENSE || lic.msg_type == RD_RDPBCGR_UPGRADE_LICENSE) {
        d->license_done = true;
    }
    if (lic.has_error && lic.error_code == RD_RDPBCGR_STATUS_VALID_CLIENT) {
        d->license_done = true;
        rd_conn_event(c, p, RD_DIR_S2C, RD_EV_DATA, "licensing (decrypted): STATUS_VALID_CLIENT");
        return true;
    }
    if (lic.has_error) {
        if (!d->has_license_error) {
            d->has_license_error = true;
            d->license_error = lic.error_code;
            d->license_state = lic.state_transition;
            d->license_frame = frame_of(p);
            d->license_ts = ts_of(p);
        }
        rd_conn_event(c, p, RD_DIR_S2C, RD_EV_DATA, "licensing error (decrypted): %s, %s",
                      rd_rdpbcgr_license_error_name(lic.error_code),
                      rd_rdpbcgr_license_state_name(lic.state_transition));
        return true;
    }
    rd_conn_event(c, p, RD_DIR_S2C, RD_EV_DATA, "licensing (decrypted): %s",
                  rd_rdpbcgr_license_msg_name(lic.msg_type));
    return true;
}

static void on_share(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                     struct rd_cur in)
{
    struct rd_session *s = c->session;
    struct rd_dec_facts *d = &s->dec;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_rdpbcgr_share sh;

    if (rd_rdpbcgr_parse_share(in, &sh, &diag) != RD_OK || sh.is_flow_pdu) {
        return; /* not a share PDU: virtual channel traffic is not ours to decode */
    }
    if (dir == RD_DIR_S2C) {
        d->license_done = true;
    }
    if (sh.pdu_type == RD_RDPBCGR_PDUTYPE_DEMANDACTIVE && dir == RD_DIR_S2C) {
        if (!d->demand_active) {
            d->demand_active = true;
            d->demand_active_frame = frame_of(p);
            rd_conn_event(c, p, dir, RD_EV_DATA, "Demand Active PDU (decrypted): %u capabilities",
                          (unsigned)sh.number_capabilities);
            s->active_inferred = false;
            rd_sess_set_phase(c, p, RD_PHASE_ACTIVE);
        }
        return;
    }
    if (sh.has_error_info) {
        if (!d->has_error_info || (d->error_info == 0 && sh.error_info != 0)) {
            d->has_error_info = true;
            d->error_info = sh.error_info;
            d->error_info_frame = frame_of(p);
            d->error_info_ts = ts_of(p);
        }
        rd_conn_event(c, p, dir, RD_EV_DATA, "Set Error Info PDU (decrypted): %s (0x%08x)",
                      rd_rdpbcgr_errinfo_name(sh.error_info), sh.error_info);
    }
}

static void on_send_data(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                         const struct rd_mcs_domain_pdu *pdu)
{
    struct rd_session *s = c->session;
    struct rd_dec_facts *d = &s->dec;
    struct rd_cur in;
    uint16_t flags = 0;

    if (d->io_channel != 0 && pdu->has_channel_id && pdu->channel_id != d->io_channel) {
        return; /* a virtual or message channel */
    }
    rd_cur_init(&in, pdu->user_data.p, pdu->user_data.len);
    {
        struct rd_cur peek = in;
        rd_cur_u16le(&peek, &flags);
    }
    /* With Enhanced RDP Security only the Client Info and licensing PDUs keep
     * a security header (MS-RDPBCGR 2.2.8.1.1.2). */
    if (dir == RD_DIR_C2S && !d->has_client_info && (flags & RD_RDPBCGR_SEC_INFO_PKT)) {
        on_client_info(c, p, in);
        return;
    }
    if (dir == RD_DIR_S2C && !d->license_done && (flags & RD_RDPBCGR_SEC_LICENSE_PKT) &&
        on_license(c, p, in)) {
        return;
    }
    on_share(c, dir, p, in);
}

static void on_mcs(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                   struct rd_bytes data)
{
    struct rd_mcs_facts *m = &c->session->mcs;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_mcs_domain_pdu pdu;
    struct rd_cur in;

    rd_cur_init(&in, data.p, data.len);
    switch (rd_mcs_kind(in)) {
    case RD_MCS_KIND_CONNECT_INITIAL:
        on_connect_initial(c, dir, p, in);
        return;
    case RD_MCS_KIND_CONNECT_RESPONSE:
        on_connect_response(c, dir, p, in);
        return;
    case RD_MCS_KIND_DOMAIN:
        break;
    case RD_MCS_KIND_UNKNOWN:
    default:
        diag.why = RD_WHY_BAD_VALUE;
        diag.field = "mcs.type";
        rd_sess_malformed(c, p, dir, "decrypted MCS PDU", &diag);
        return;
    }
    if (rd_mcs_parse_domain_pdu(in, &pdu, &diag) != RD_OK) {
        rd_sess_malformed(c, p, dir, "decrypted MCS domain PDU", &diag);
        return;
    }
    m->domain_pdus[dir]++;
    switch (pdu.type) {
    case RD_MCS_DISCONNECT_PROVIDER_ULTIMATUM:
        if (!m->ultimatum) {
            m->ultimatum = true;
            m->ultimatum_frame = frame_of(p);
            m->ultimatum_ts = ts_of(p);
            m->ultimatum_dir = (uint8_t)dir;
            m->ultimatum_reason = pdu.reason;
        }
        rd_conn_event(c, p, dir, RD_EV_DATA, "MCS Disconnect Provider Ultimatum (decrypted): %s",
                      rd_mcs_reason_name(pdu.reason));
        return;
    case RD_MCS_SEND_DATA_REQUEST:
    case RD_MCS_SEND_DATA_INDICATION:
        on_send_data(c, dir, p, &pdu);
        return;
    default:
        rd_conn_noise(c, p, dir, RD_EV_DATA, "MCS %s (decrypted)",
                      rd_mcs_domain_type_name(pdu.type));
        return;
    }
}

static void on_tpkt(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                    struct rd_cur pdu)
{
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_x224_pdu x;
    struct rd_cur payload;

    c->session->dec.tpkts[dir]++;
    if (rd_tpkt_parse(pdu, &payload, &diag) != RD_OK) {
        rd_sess_malformed(c, p, dir, "decrypted TPKT", &diag);
        return;
    }
    if (rd_x224_parse(payload, &x, &diag) != RD_OK) {
        rd_sess_malformed(c, p, dir, "decrypted X.224 TPDU", &diag);
        return;
    }
    if (x.type == RD_X224_DT) {
        on_mcs(c, dir, p, x.user_data);
        return;
    }
    if (x.type == RD_X224_DR) {
        rd_conn_event(c, p, dir, RD_EV_DATA, "X.224 Disconnect Request (decrypted, reason %u)",
                      x.dr_reason);
        return;
    }
    rd_conn_event(c, p, dir, RD_EV_ANOMALY, "unexpected X.224 TPDU inside TLS");
}

/* ---- framing the decrypted stream ---------------------------------------- */

static bool client_sent_credentials(const struct rd_dec_facts *d)
{
    for (unsigned i = 0; i < d->n_req; i++) {
        if (d->req[i].dir == RD_DIR_C2S && d->req[i].has_auth_info) {
            return true;
        }
    }
    return false;
}

/* One PDU from the start of in: the bytes consumed, 0 for "need more" or a stop. */
static size_t frame_plain(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                          struct rd_cur in)
{
    struct rd_session *s = c->session;
    struct rd_dec_facts *d = &s->dec;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_cur pdu;
    size_t len = 0;
    uint8_t b0 = 0;
    enum rd_status st;

    rd_cur_peek_u8(&in, &b0);
    if (dir == RD_DIR_S2C && s->x224.selected == RD_X224_PROTOCOL_HYBRID_EX && !d->has_early_auth &&
        d->tpkts[RD_DIR_S2C] == 0 && client_sent_credentials(d)) {
        uint32_t result = 0;
        if (!rd_cur_u32le(&in, &result)) {
            return 0;
        }
        on_early_auth(c, p, result);
        return EARLY_AUTH_LEN;
    }
    if (b0 == DER_SEQUENCE && d->tpkts[dir] == 0) {
        st = rd_credssp_frame(in, &len, &diag);
        if (st == RD_OK && rd_cur_take(&in, len, &pdu)) {
            on_tsrequest(c, dir, p, pdu);
            return len;
        }
        if (st == RD_MALFORMED) {
            rd_sess_malformed(c, p, dir, "decrypted CredSSP framing", &diag);
            stop_dir(c, dir);
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
            rd_sess_malformed(c, p, dir, "decrypted TPKT header", &diag);
            stop_dir(c, dir);
        }
        return 0;
    }
    /* Fast-path (MS-RDPBCGR 2.2.9.1.2) only follows the Demand Active, where
     * decoding ends; anything else here cannot be framed. */
    diag.why = RD_WHY_BAD_VALUE;
    diag.field = "first byte";
    rd_sess_malformed(c, p, dir, "decrypted PDU (neither TSRequest nor TPKT)", &diag);
    stop_dir(c, dir);
    return 0;
}

void rd_sess_nla_plaintext(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                           const uint8_t *data, size_t len)
{
    struct rd_session *s = c->session;
    struct rd_dec_stream *st = &s->pt[dir];
    size_t off = 0;

    if (s->dec.pt_desync[dir] || s->counting_only || len == 0) {
        return;
    }
    if (st->buf == NULL) {
        st->buf = malloc(RD_SESSION_BUF);
        if (st->buf == NULL) {
            stop_dir(c, dir);
            return;
        }
    }
    if (len > RD_SESSION_BUF - st->len) {
        s->dec.pt_overflow[dir] = true;
        stop_dir(c, dir);
        rd_conn_event(c, p, dir, RD_EV_NOTE,
                      "stopped decoding the decrypted stream: a PDU larger than %u bytes",
                      RD_SESSION_BUF);
        return;
    }
    memcpy(st->buf + st->len, data, len);
    st->len += len;
    while (off < st->len && !s->dec.pt_desync[dir] && !s->counting_only) {
        struct rd_cur in;
        size_t used;

        rd_cur_init(&in, st->buf + off, st->len - off);
        used = frame_plain(c, dir, p, in);
        if (used == 0) {
            break;
        }
        off += used;
    }
    if (off > 0 && st->buf != NULL) {
        memmove(st->buf, st->buf + off, st->len - off);
        st->len -= off;
    }
}
