/*
 * diagnose_tls.c - rules for TLS on the RDP port and the server certificate
 * (RFC 5246 7.2, RFC 8446 6); certificates are judged at the capture's time.
 */
#include "config.h"

#include "diagnose_int.h"

#include <stdio.h>
#include <string.h>

#include "textfmt.h"
#include "tls.h"
#include "x509.h"

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
        rd_format(v->detail_json, sizeof(v->detail_json),
                  "{\"stage\":\"%s\",\"certificate_visible\":false}", stage);
        return;
    }
    rd_format(v->detail_json, sizeof(v->detail_json),
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
        n +=
            (size_t)rd_format(buf + n, size - n, "it had expired when the packets were captured; ");
    }
    if (t->not_yet_valid && n < size) {
        n += (size_t)rd_format(buf + n, size - n, "it was not yet valid at capture time; ");
    }
    if (t->name_match == RD_X509_NO && n < size) {
        n += (size_t)rd_format(buf + n, size - n, "it does not name %s; ", t->sni);
    }
    if (leaf->is_self_signed && n < size) {
        n += (size_t)rd_format(buf + n, size - n, "it is self-signed; ");
    }
    if (t->weak_key && n < size) {
        rd_format(buf + n, size - n, "its key is weak; ");
    }
    n = strlen(buf);
    if (n >= 2) {
        buf[n - 2] = '.'; /* the last "; " ends the sentence */
        buf[n - 1] = '\0';
    }
}

bool rd_rule_cert_rejected(const struct rd_dfacts *f, struct rd_verdict *v)
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
                   f->closer_dir == RD_DIR_C2S && !rd_diag_credssp_error_pattern(s);
    if (!alert && !after_cert && !after_done && !after_pubkey) {
        return false;
    }
    /* A client that named another reason in a clear alert did not reject the
     * certificate: that is a handshake failure (RFC 5246 7.2.2). */
    if (!alert && t->alert_seen && t->alert_dir == RD_DIR_C2S && !t->alert_encrypted) {
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
        rd_format(v->explanation, sizeof(v->explanation),
                  "The client rejected the server's certificate with the TLS alert %s. %s%s",
                  rd_tls_alert_name(t->alert_desc), probs[0] ? "Of the certificate: " : "", probs);
        cert_detail(s, v, "alert");
    } else if (after_pubkey) {
        const struct rd_credssp_leg *l = &s->credssp.legs[s->credssp.n_legs - 1];
        rd_verdict_evidence(v, l->frame, l->ts,
                            "server's CredSSP pubKeyAuth: the server proved its identity");
        rd_format(v->explanation, sizeof(v->explanation),
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
        rd_format(v->explanation, sizeof(v->explanation),
                  "The client hung up right after %s, before sending any RDP data: it did not "
                  "accept the server's certificate. %s%s",
                  after_cert ? "the server's certificate" : "the TLS handshake",
                  probs[0] ? "Of the certificate: " : "", probs);
        cert_detail(s, v, after_cert ? "after_certificate" : "after_handshake");
    }
    rd_diag_cite_close(f->c, v);
    return true;
}

bool rd_rule_tls_version_mismatch(const struct rd_dfacts *f, struct rd_verdict *v)
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
    rd_diag_cite_close(f->c, v);
    rd_format(v->explanation, sizeof(v->explanation),
              "Client and server have no TLS version in common: the client offered %s to %s%s%s. "
              "A Windows client that requires TLS 1.2 fails like this against a host that only "
              "speaks TLS 1.0, and the other way round.",
              rd_tls_version_name(t->min_offered), rd_tls_version_name(t->max_offered),
              t->sh_seen ? ", the server answered with " : "",
              t->sh_seen ? rd_tls_version_name(t->version) : "");
    rd_format(v->detail_json, sizeof(v->detail_json),
              "{\"client_min\":\"%s\",\"client_max\":\"%s\",\"server\":%s%s%s,\"alert\":%s}",
              rd_tls_version_name(t->min_offered), rd_tls_version_name(t->max_offered),
              t->sh_seen ? "\"" : "", t->sh_seen ? rd_tls_version_name(t->version) : "null",
              t->sh_seen ? "\"" : "", alert ? "\"protocol_version\"" : "null");
    return true;
}

bool rd_rule_tls_handshake_failure(const struct rd_dfacts *f, struct rd_verdict *v)
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
    rd_diag_cite_close(f->c, v);
    if (!t->sh_seen && t->alert_dir == RD_DIR_S2C) {
        rd_format(v->explanation, sizeof(v->explanation),
                  "The server refused the ClientHello with the fatal alert %s. The client offered "
                  "%s to %s and %u cipher suites: the server found no version or cipher suite it "
                  "accepts among them (a server limited to older TLS, or to ciphers the client "
                  "does not offer, answers like this).",
                  rd_tls_alert_name(t->alert_desc), rd_tls_version_name(t->min_offered),
                  rd_tls_version_name(t->max_offered), t->suites_total);
    } else {
        rd_format(v->explanation, sizeof(v->explanation),
                  "The TLS handshake failed: the %s sent the fatal alert %s%s%s.", who,
                  rd_tls_alert_name(t->alert_desc), t->sh_seen ? " after the server chose " : "",
                  t->sh_seen ? rd_tls_cipher_name(t->cipher) : "");
    }
    rd_format(v->detail_json, sizeof(v->detail_json),
              "{\"alert\":\"%s\",\"from\":\"%s\",\"client_versions\":\"%s..%s\","
              "\"client_suites\":%u,\"server_version\":%s%s%s}",
              rd_tls_alert_name(t->alert_desc), who, rd_tls_version_name(t->min_offered),
              rd_tls_version_name(t->max_offered), t->suites_total, t->sh_seen ? "\"" : "",
              t->sh_seen ? rd_tls_version_name(t->version) : "null", t->sh_seen ? "\"" : "");
    return true;
}

bool rd_rule_tls_server_abort(const struct rd_dfacts *f, struct rd_verdict *v)
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
    rd_diag_cite_close(f->c, v);
    rd_format(v->detail_json, sizeof(v->detail_json), "{\"server_hello\":false,\"alert\":false}");
    return true;
}
