/*
 * diagnose_nla.c - rules for Network Level Authentication (MS-CSSP 3.1.5): the
 * CredSSP exchange after TLS and the Early User Authorization Result.
 */
#include "config.h"

#include "diagnose_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "context.h"
#include "textfmt.h"
#include "x224.h"

#include "kerberos.h"
#include "ntstatus.h"

/* NTSTATUS codes not named in ntstatus.h (MS-ERREF 2.3.1). */
#define NT_ACCOUNT_EXPIRED        0xC0000193u
#define NT_PASSWORD_MUST_CHANGE   0xC0000224u
#define NT_LOGON_TYPE_NOT_GRANTED 0xC000015Bu

/* RFC 4120 7.5.9. */
#define KRB_AP_ERR_SKEW 37

/* Early User Authorization Result (MS-RDPBCGR 2.2.10.2). */
#define AUTHZ_SUCCESS 0x00000000u

/* ---- CredSSP / NLA -------------------------------------------------------- */

/* A TSRequest that carries only an errorCode (MS-CSSP 2.2.1, version 3 and
 * later) encrypts to a record far smaller than a pubKeyAuth answer. */
#define CREDSSP_ERROR_RECORD_MAX 64u

bool rd_diag_credssp_error_pattern(const struct rd_session *s)
{
    const struct rd_credssp_facts *k = &s->credssp;

    if (s->dec.has_error && s->dec.error_dir == RD_DIR_S2C) {
        return true; /* decrypted: the errorCode itself */
    }

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

/* The Early User Authorization Result as decrypted: anything but AUTHZ_SUCCESS. */
static bool access_denied_decoded(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_dec_facts *d = &f->s->dec;

    if (d->early_auth == AUTHZ_SUCCESS) {
        return false;
    }
    rd_verdict_evidence(v, d->early_auth_frame, d->early_auth_ts,
                        "Early User Authorization Result %s (0x%08x)",
                        rd_early_auth_name(d->early_auth), d->early_auth);
    rd_diag_cite_close(f->c, v);
    rd_format(v->detail_json, sizeof(v->detail_json),
              "{\"result\":\"0x%08x\",\"result_name\":\"%s\",\"inferred\":false,"
              "\"package\":\"%s\"}",
              d->early_auth, rd_early_auth_name(d->early_auth), pkg_name(f->s->credssp.pkg));
    rd_format(v->explanation, sizeof(v->explanation),
              "The user's credentials were accepted, but the server's Early User Authorization "
              "Result was %s (0x%08x): the account is not allowed to log on through Remote "
              "Desktop (not in Remote Desktop Users, or denied the \"Allow log on through Remote "
              "Desktop Services\" right).",
              rd_early_auth_name(d->early_auth), d->early_auth);
    return true;
}

bool rd_rule_access_denied(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    const struct rd_credssp_facts *k;
    const struct rd_credssp_leg *l = NULL;

    if (s != NULL && s->dec.has_early_auth) {
        return access_denied_decoded(f, v);
    }
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
    rd_diag_cite_close(f->c, v);
    rd_format(v->detail_json, sizeof(v->detail_json), "{\"result\":null,\"inferred\":true}");
    rd_format(v->explanation, sizeof(v->explanation),
              "The user's credentials were accepted, but the server's Early User Authorization "
              "Result was followed by the end of the connection: the account is not allowed to "
              "log on through Remote Desktop (inferred from the encrypted record sizes).");
    return true;
}

static const char *const remedy_ntlm_policy[] = {
    "Connect by the server's DNS name (not its IP address) from a domain-joined client so "
    "Kerberos can be used instead of NTLM.",
    "Or allow inbound NTLM on the server (Network security: Restrict NTLM: Incoming NTLM "
    "traffic) and check the user is not in Protected Users, which cannot use NTLM.",
};
static const char *const remedy_credentials[] = {
    "Check the user name, domain and password (and the keyboard layout / Caps Lock).",
    "Check the domain controller's security log (event 4625) for the failure reason.",
};
static const char *const remedy_account[] = {
    "Unlock, enable or renew the account, or change its expired password, then retry.",
    "Check the account's logon hours and workstation restrictions in Active Directory.",
};
static const char *const remedy_time[] = {
    "Synchronise the client's, the server's and the domain controller's clocks (w32tm "
    "/resync); Kerberos allows 5 minutes of skew.",
};

/* Words and remedies for a decrypted errorCode (or KRB-ERROR). */
static void explain_code(const struct rd_session *s, struct rd_verdict *v, const char *what)
{
    const struct rd_dec_facts *d = &s->dec;
    uint32_t code = d->error_code;
    bool ntlm = s->credssp.pkg == RD_PKG_NTLM;
    const char *cause;
    const char *const *rem = NULL;
    unsigned n_rem = 0;

    if (d->has_krb_error && d->krb_error == KRB_AP_ERR_SKEW) {
        cause = "the clocks of the client and the server (or its domain controller) differ by "
                "more than Kerberos allows";
        rem = remedy_time;
        n_rem = 1;
    } else if (!d->has_error) {
        cause = "the server refused the authentication";
    } else if (code == RD_SEC_E_UNSUPPORTED_FUNCTION ||
               (code == RD_NTSTATUS_ACCOUNT_RESTRICTION && ntlm)) {
        cause = ntlm ? "NTLM is refused: the server (or domain) restricts incoming NTLM by "
                       "policy, or the account is in Protected Users, which cannot use NTLM"
                     : "the server does not support the requested authentication";
        rem = remedy_ntlm_policy;
        n_rem = 2;
    } else if (code == RD_NTSTATUS_LOGON_FAILURE || code == RD_SEC_E_LOGON_DENIED) {
        cause = "the user name or password is wrong";
        rem = remedy_credentials;
        n_rem = 2;
    } else if (code == RD_NTSTATUS_ACCOUNT_LOCKED_OUT || code == RD_NTSTATUS_ACCOUNT_DISABLED ||
               code == RD_NTSTATUS_PASSWORD_EXPIRED || code == NT_ACCOUNT_EXPIRED ||
               code == NT_PASSWORD_MUST_CHANGE || code == RD_NTSTATUS_ACCOUNT_RESTRICTION) {
        cause = "the account may not log on as it is (locked out, disabled, expired, or its "
                "password expired or must change)";
        rem = remedy_account;
        n_rem = 2;
    } else if (code == RD_SEC_E_TIME_SKEW) {
        cause = "the clocks of the client and the server differ too much";
        rem = remedy_time;
        n_rem = 1;
    } else if (code == NT_LOGON_TYPE_NOT_GRANTED) {
        cause = "the account is not granted this logon type on the server";
    } else {
        cause = "the server's authentication provider refused the logon";
    }
    rd_format(v->explanation, sizeof(v->explanation),
              "Network Level Authentication failed: %s; %s.%s%s", what, cause,
              d->has_error ? " " : "", d->has_error ? rd_ntstatus_meaning(code) : "");
    for (unsigned i = 0; i < n_rem && i < RD_REMEDY_MAX; i++) {
        v->remedies[i] = rem[i];
    }
    v->n_remedies = n_rem;
}

/* credssp_failure with the exchange decrypted: cite the errorCode itself. */
static bool credssp_failure_decoded(const struct rd_dfacts *f, struct rd_verdict *v,
                                    const char *stage)
{
    const struct rd_session *s = f->s;
    const struct rd_dec_facts *d = &s->dec;
    const struct rd_credssp_facts *k = &s->credssp;
    const struct rd_tls_facts *t = &s->tls;
    char what[200];
    size_t n;

    for (unsigned i = k->n_legs; i > 0; i--) {
        const struct rd_credssp_leg *l = &k->legs[i - 1];
        if (l->dir == RD_DIR_C2S) {
            rd_verdict_evidence(v, l->frame, l->ts, "client's CredSSP %s (decrypted)",
                                rd_leg_name(l->leg));
            break;
        }
    }
    if (!d->has_error && !d->has_krb_error && t->alert_seen && t->alert_dir == RD_DIR_S2C) {
        rd_verdict_evidence(v, t->alert_frame, t->alert_ts, "TLS alert from the server");
    }
    if (d->has_error) {
        rd_verdict_evidence(v, d->error_frame, d->error_ts,
                            "server's TSRequest errorCode 0x%08x %s", d->error_code,
                            rd_ntstatus_name(d->error_code));
    }
    if (d->has_krb_error) {
        rd_verdict_evidence(v, d->krb_error_frame, d->krb_error_ts, "Kerberos KRB-ERROR %d %s",
                            d->krb_error, rd_krb_error_name(d->krb_error));
    }
    rd_diag_cite_close(f->c, v);
    n = (size_t)rd_format(v->detail_json, sizeof(v->detail_json),
                          "{\"stage\":\"%s\",\"package\":\"%s\",\"package_inferred\":%s,"
                          "\"decrypted\":true",
                          stage, pkg_name(s->credssp.pkg), d->pkg_known ? "false" : "true");
    if (d->has_error && n < sizeof(v->detail_json)) {
        n += (size_t)rd_format(v->detail_json + n, sizeof(v->detail_json) - n,
                               ",\"error_code\":\"0x%08x\",\"error\":\"%s\"", d->error_code,
                               rd_ntstatus_name(d->error_code));
    } else if (n < sizeof(v->detail_json)) {
        n += (size_t)rd_format(v->detail_json + n, sizeof(v->detail_json) - n,
                               ",\"error_code\":null");
    }
    if (d->has_krb_error && n < sizeof(v->detail_json)) {
        n += (size_t)rd_format(v->detail_json + n, sizeof(v->detail_json) - n,
                               ",\"krb_error\":%d,\"krb_error_name\":\"%s\"", d->krb_error,
                               rd_krb_error_name(d->krb_error));
    }
    if (n < sizeof(v->detail_json)) {
        rd_format(v->detail_json + n, sizeof(v->detail_json) - n, "}");
    }
    if (d->has_error) {
        rd_format(what, sizeof(what),
                  "the server answered the client's %s authentication with "
                  "errorCode 0x%08x %s",
                  s->credssp.pkg == RD_PKG_KERBEROS ? "Kerberos" : "NTLM", d->error_code,
                  rd_ntstatus_name(d->error_code));
    } else if (d->has_krb_error) {
        rd_format(what, sizeof(what), "the server answered with Kerberos error %d %s", d->krb_error,
                  rd_krb_error_name(d->krb_error));
    } else {
        rd_format(what, sizeof(what),
                  "the server ended CredSSP after the client's %s "
                  "authentication without an errorCode or pubKeyAuth",
                  s->credssp.pkg == RD_PKG_KERBEROS ? "Kerberos" : "NTLM");
    }
    explain_code(s, v, what);
    return true;
}

/* Add ",key":value to the detail object. */
static void detail_add(struct rd_verdict *v, const char *member)
{
    size_t n = strlen(v->detail_json);

    if (n > 0 && v->detail_json[n - 1] == '}' && n + strlen(member) + 1 < sizeof(v->detail_json)) {
        rd_format(v->detail_json + n - 1, sizeof(v->detail_json) - (n - 1), "%s}", member);
    }
}

static void remedy_first(struct rd_verdict *v, const char *r)
{
    unsigned n = v->n_remedies < RD_REMEDY_MAX ? v->n_remedies : RD_REMEDY_MAX - 1;

    for (unsigned i = n; i > 0; i--) {
        v->remedies[i] = v->remedies[i - 1];
    }
    v->remedies[0] = r;
    v->n_remedies = n + 1;
}

static void explanation_add(struct rd_verdict *v, const char *text)
{
    size_t n = strlen(v->explanation);

    rd_format(v->explanation + n, sizeof(v->explanation) - n, "%s%s",
              n > 0 && v->explanation[n - 1] != ' ' ? " " : "", text);
}

/* Was the server named by an IP literal?  (TLS SNI; an RDP client puts there
 * the name it was given.) */
static bool target_is_ip(const struct rd_session *s)
{
    unsigned char buf[16];

    return s->tls.sni[0] != '\0' &&
           (inet_pton(AF_INET, s->tls.sni, buf) == 1 || inet_pton(AF_INET6, s->tls.sni, buf) == 1);
}

/*
 * Two causes that hide behind a CredSSP failure and that no password fixes:
 * the hostname-vs-IP trap (a client given an IP address cannot get a Kerberos
 * ticket for TERMSRV/<name> and falls back to NTLM, which the server may
 * refuse), and a Restricted Admin / Remote Credential Guard request the
 * server does not allow.
 */
static void nla_hints(const struct rd_dfacts *f, struct rd_verdict *v)
{
    const struct rd_session *s = f->s;
    const struct rd_conn_context *cc = f->c->context;
    char text[480];

    if (s->credssp.pkg == RD_PKG_NTLM && target_is_ip(s)) {
        rd_format(text, sizeof(text),
                  "The client named the server by its IP address (%s): Kerberos needs a name with "
                  "a TERMSRV/<name> service principal, so the client fell back to NTLM. Connecting "
                  "by the server's fully qualified name lets Kerberos work.",
                  s->tls.sni);
        explanation_add(v, text);
        detail_add(v, ",\"target_is_ip\":true");
        bool said = false;
        for (unsigned i = 0; i < v->n_remedies; i++) {
            said = said || strstr(v->remedies[i], "IP address") != NULL;
        }
        if (!said) {
            remedy_first(v, "Connect by the server's fully qualified DNS name (mstsc "
                            "/v:server.example.com) instead of its IP address, so that Kerberos "
                            "is used instead of NTLM.");
        }
    }
    /* The KDC's side of the story, when the capture holds the client's Kerberos. */
    if (cc != NULL && cc->termsrv == RD_CTX_TGS_REFUSED) {
        rd_format(text, sizeof(text),
                  "The domain controller refused the client a ticket for %s (%s): without it the "
                  "client cannot use Kerberos for this server%s.",
                  cc->termsrv_sname, cc->termsrv_error_name,
                  s->credssp.pkg == RD_PKG_NTLM ? " and fell back to NTLM" : "");
        explanation_add(v, text);
        rd_verdict_evidence(
            v, cc->termsrv_reply_frame != 0 ? cc->termsrv_reply_frame : cc->termsrv_req_frame, 0,
            "KRB-ERROR %s for %s", cc->termsrv_error_name, cc->termsrv_sname);
        detail_add(v, ",\"termsrv_ticket\":\"refused\"");
        remedy_first(v, "Register the service principal the client asks for (setspn -L <server>; "
                        "TERMSRV/<name> must exist for the name the client uses), or connect by "
                        "the name that has it.");
    } else if (cc != NULL && s->credssp.pkg == RD_PKG_NTLM && cc->client_known &&
               cc->termsrv == RD_CTX_TGS_NONE) {
        explanation_add(v, "The client talked to a domain controller but never asked for a "
                           "TERMSRV/ ticket for this server, so Kerberos was never tried.");
        detail_add(v, ",\"termsrv_ticket\":\"not_requested\"");
    }
    if (s->x224.req_flags & (RD_X224_RESTRICTED_ADMIN_MODE_REQUIRED |
                             RD_X224_REDIRECTED_AUTHENTICATION_MODE_REQUIRED)) {
        bool ra = (s->x224.req_flags & RD_X224_RESTRICTED_ADMIN_MODE_REQUIRED) != 0;
        rd_format(text, sizeof(text),
                  "The client asked for %s: a server that does not allow that mode ends CredSSP "
                  "like this whatever the password, so the mode is the likely cause.",
                  ra ? "Restricted Admin mode" : "Remote Credential Guard");
        explanation_add(v, text);
        detail_add(v,
                   ra ? ",\"mode\":\"restricted_admin\"" : ",\"mode\":\"remote_credential_guard\"");
        remedy_first(v,
                     ra ? "Check that the server allows Restricted Admin mode "
                          "(HKLM\\System\\CurrentControlSet\\Control\\Lsa DisableRestrictedAdmin = "
                          "0) and that the user is an administrator there, or connect "
                          "without /restrictedAdmin."
                        : "Check that the server supports Remote Credential Guard (Windows 10 "
                          "1607 / Server 2016 or later, Kerberos, same domain), or connect "
                          "without /remoteGuard.");
    }
}

bool rd_rule_credssp_failure(const struct rd_dfacts *f, struct rd_verdict *v)
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
          (t->alert_seen && t->alert_dir == RD_DIR_S2C) || rd_diag_credssp_error_pattern(s))) {
        return false;
    }
    for (unsigned i = 0; i < k->n_legs; i++) {
        if (k->legs[i].dir == RD_DIR_C2S) {
            last_client = &k->legs[i];
        } else {
            last_server = &k->legs[i];
        }
    }
    err = rd_diag_credssp_error_pattern(s);
    if (k->reached[RD_LEG_AUTHENTICATE]) {
        stage = "after_authenticate";
    } else if (k->reached[RD_LEG_NEGOTIATE]) {
        stage = "after_negotiate";
    } else {
        stage = "before_negotiate";
    }
    if (s->dec.decrypting && (s->dec.has_error || s->dec.has_krb_error || s->dec.n_req > 0)) {
        credssp_failure_decoded(f, v, stage);
        nla_hints(f, v);
        return true;
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
    rd_diag_cite_close(f->c, v);
    rd_format(v->detail_json, sizeof(v->detail_json),
              "{\"stage\":\"%s\",\"package\":\"%s\",\"package_inferred\":true,"
              "\"server_error_record\":%s,\"error_code\":null}",
              stage, pkg_name(k->pkg), err ? "true" : "false");
    if (k->reached[RD_LEG_AUTHENTICATE]) {
        rd_format(v->explanation, sizeof(v->explanation),
                  "Network Level Authentication failed: the server ended CredSSP right after the "
                  "client's %s authentication (%s), before the credentials were delegated. Most "
                  "likely a wrong user name or password, or an account that may not log on "
                  "(disabled, locked out, expired password, not allowed remote logon)%s.",
                  k->pkg == RD_PKG_KERBEROS ? "Kerberos" : "NTLM",
                  err ? "the server answered with an error TSRequest" : "no pubKeyAuth came back",
                  k->pkg == RD_PKG_NTLM ? ", or NTLM refused by policy" : "");
    } else {
        rd_format(
            v->explanation, sizeof(v->explanation),
            "Network Level Authentication stopped at its first step: the server ended CredSSP "
            "after the client's first %s token. The server refuses the authentication "
            "package (e.g. NTLM blocked by policy) or its CredSSP provider is broken.",
            k->pkg == RD_PKG_KERBEROS ? "Kerberos" : "NTLM");
    }
    nla_hints(f, v);
    return true;
}
