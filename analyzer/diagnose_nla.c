/*
 * diagnose_nla.c - rules for Network Level Authentication (MS-CSSP 3.1.5): the
 * CredSSP exchange after TLS and the Early User Authorization Result.
 */
#include "config.h"

#include "diagnose_int.h"

#include <stdio.h>
#include <string.h>

/* ---- CredSSP / NLA -------------------------------------------------------- */

/* A TSRequest that carries only an errorCode (MS-CSSP 2.2.1, version 3 and
 * later) encrypts to a record far smaller than a pubKeyAuth answer. */
#define CREDSSP_ERROR_RECORD_MAX 64u

bool rd_diag_credssp_error_pattern(const struct rd_session *s)
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

bool rd_rule_access_denied(const struct rd_dfacts *f, struct rd_verdict *v)
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
    rd_diag_cite_close(f->c, v);
    snprintf(v->detail_json, sizeof(v->detail_json), "{\"result\":null,\"inferred\":true}");
    snprintf(v->explanation, sizeof(v->explanation),
             "The user's credentials were accepted, but the server's Early User Authorization "
             "Result was followed by the end of the connection: the account is not allowed to "
             "log on through Remote Desktop (inferred from the encrypted record sizes).");
    return true;
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
