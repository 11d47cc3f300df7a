/*
 * check_nla.c - TLS decryption in the session and the decoded CredSSP / NLA /
 * MCS facts (session_tls.c, session_nla.c, diagnose_nla.c), over the real
 * Windows captures in ../shared/public-captures that carry their TLS secrets
 * in a pcapng Decryption Secrets Block (SOURCES.md there).
 *
 * Each pcapng runs twice through rd_run(): with its embedded keys and without
 * (no_embedded_keys, i.e. c->secrets->keylog == NULL); phase and cause must be
 * the same.  Every asserted value was cross-checked with tshark 4.0, which
 * decrypts these files with the same DSB when told the port carries TLS:
 *   tshark -r FILE -d tcp.port==3389,tls -O credssp,ntlmssp,kerberos,rdp
 * the comment above each assertion names the field and the frame.
 *
 * When the shared directory is absent the suite prints why and passes.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ntstatus.h"
#include "run.h"
#include "session.h"

#ifndef RD_SHARED_DIR
#define RD_SHARED_DIR "../shared"
#endif

#define MAX_GOT 8

struct got {
    struct rd_conn c;
    struct rd_verdict v;
    bool has_session;
    struct rd_session s;
    bool mismatch_note; /* "TLS keys given but none matches this session" on the timeline */
    bool decrypted_event;
    bool inferred_event;
};

static struct got got[MAX_GOT];
static size_t n_got;

static void collect(void *ctx, const struct rd_conn *c, const struct rd_verdict *v)
{
    struct got *g;

    (void)ctx;
    ck_assert_uint_lt(n_got, MAX_GOT);
    g = &got[n_got++];
    memset(g, 0, sizeof(*g));
    for (unsigned i = 0; i < c->n_events; i++) {
        const char *t = c->timeline[i].text;
        g->mismatch_note |= strstr(t, "TLS keys given but none matches this session") != NULL;
        g->decrypted_event |= strstr(t, "(decrypted") != NULL;
        g->inferred_event |= strstr(t, "CredSSP") != NULL && strstr(t, "(inferred") != NULL;
    }
    g->c = *c;
    g->c.session = NULL;
    g->c.timeline = NULL;
    g->v = *v;
    if (c->session != NULL) {
        g->has_session = true;
        g->s = *c->session;
        /* the copy must not own anything */
        g->s.tls.leaf = NULL;
        g->s.tlsdec = NULL;
        for (int d = 0; d < 2; d++) {
            g->s.dir[d].buf = NULL;
            g->s.dir[d].hs = NULL;
            g->s.pt[d].buf = NULL;
        }
    }
}

static bool have_shared(void)
{
    struct stat st;
    char path[1024];

    snprintf(path, sizeof(path), "%s/public-captures", RD_SHARED_DIR);
    return stat(path, &st) == 0;
}

/* Run one public capture; keylog_file (may be NULL) as --keylog; no_keys as
 * --no-embedded-keys. */
static void run_full(const char *name, const char *keylog_file, bool no_keys)
{
    static char path[1024];
    static struct rd_run run;
    struct rd_run_opts ro;
    uint16_t ports[1] = {3389};
    char err[512];

    snprintf(path, sizeof(path), "%s/public-captures/%s", RD_SHARED_DIR, name);
    memset(&ro, 0, sizeof(ro));
    rd_engine_default_opts(&ro.eng);
    ro.eng.ports[0] = 3389;
    ro.eng.nports = 1;
    ro.cap.ports = ports;
    ro.cap.nports = 1;
    ro.cap.file = path;
    ro.keylog_file = keylog_file;
    ro.no_embedded_keys = no_keys;
    n_got = 0;
    if (rd_run(&ro, collect, NULL, &run, err, sizeof(err)) != 0) {
        ck_abort_msg("%s: %s", path, err);
    }
}

static const struct got *conn(size_t id)
{
    ck_assert_uint_ge(n_got, id);
    ck_assert_uint_eq(got[id - 1].c.id, id);
    ck_assert(got[id - 1].has_session);
    return &got[id - 1];
}

/* The shared captures are not part of the project: without them, say so and pass. */
static bool skip_without_shared(void)
{
    if (have_shared()) {
        return false;
    }
    printf("check_nla: %s/public-captures is absent: test skipped\n", RD_SHARED_DIR);
    return true;
}

/*
 * rdp-nla-ntlm-rejected1.pcapng, conn 1 (frames 1-16), decrypted:
 *   12 c->s TSRequest version 6, negoToken NTLMSSP_NEGOTIATE
 *   13 s->c TSRequest version 6, NTLMSSP_CHALLENGE: NetBIOS domain IT-HELP, NetBIOS
 *      computer IT-HELP-TEST, DNS domain ad.it-help.ninja, DNS computer
 *      IT-HELP-TEST.ad.it-help.ninja, Timestamp May 6, 2024 20:10:13.767774 UTC
 *   14 c->s TSRequest version 6, NTLMSSP_AUTH (ntlmssp.auth.username Administrator,
 *      ntlmssp.auth.domain IT-HELP, ntlmssp.auth.hostname IT-HELP-CLIENT; NTLMv2
 *      response), pubKeyAuth, clientNonce
 *   15 s->c TSRequest version 6, errorCode -2146893054 (0x80090302)
 * conn 2 (frames 17-22): RDP_NEG_FAILURE, no TLS at all.
 */
START_TEST(ntlm_rejected)
{
    const struct got *g;
    const struct rd_dec_facts *d;

    if (skip_without_shared()) {
        return;
    }
    run_full("rdp-nla-ntlm-rejected1.pcapng", NULL, false);
    ck_assert_uint_eq(n_got, 2);
    g = conn(1);
    d = &g->s.dec;
    ck_assert(d->tried);
    ck_assert(d->decrypting);
    ck_assert(!d->failed);
    ck_assert_str_eq(d->key_source, "keylog");
    ck_assert(!g->mismatch_note);
    ck_assert(g->decrypted_event);
    ck_assert(!g->inferred_event);

    ck_assert_uint_eq(d->n_req, 4);
    ck_assert_uint_eq(d->req[0].frame, 12);
    ck_assert_uint_eq(d->req[0].dir, RD_DIR_C2S);
    ck_assert_uint_eq(d->req[0].version, 6);
    ck_assert_uint_eq(d->req[0].nego, RD_NEGO_NTLM_NEGOTIATE);
    ck_assert(!d->req[0].spnego); /* raw NTLMSSP in negoTokens (MS-CSSP 3.1.5) */
    ck_assert_uint_eq(d->req[1].frame, 13);
    ck_assert_uint_eq(d->req[1].nego, RD_NEGO_NTLM_CHALLENGE);
    ck_assert_uint_eq(d->req[2].frame, 14);
    ck_assert_uint_eq(d->req[2].nego, RD_NEGO_NTLM_AUTHENTICATE);
    ck_assert(d->req[2].has_pub_key_auth);
    ck_assert(d->req[2].has_client_nonce);
    ck_assert(!d->req[2].has_auth_info);
    ck_assert_uint_eq(d->req[3].frame, 15);
    ck_assert_uint_eq(d->req[3].dir, RD_DIR_S2C);
    ck_assert_uint_eq(d->req[3].nego, RD_NEGO_NONE);
    ck_assert(d->req[3].has_error_code);
    ck_assert(!d->req[3].has_pub_key_auth);

    /* the server's errorCode */
    ck_assert(d->has_error);
    ck_assert_uint_eq(d->error_code, 0x80090302u);
    ck_assert_uint_eq(d->error_frame, 15);
    ck_assert_uint_eq(d->error_dir, RD_DIR_S2C);
    ck_assert_str_eq(rd_ntstatus_name(d->error_code), "SEC_E_UNSUPPORTED_FUNCTION");

    /* package read from the token, not inferred from sizes */
    ck_assert(d->pkg_known);
    ck_assert_int_eq(g->s.credssp.pkg, RD_PKG_NTLM);

    /* CHALLENGE target info (frame 13) */
    ck_assert(d->has_ntlm_challenge);
    ck_assert_str_eq(d->nb_domain, "IT-HELP");
    ck_assert_str_eq(d->nb_computer, "IT-HELP-TEST");
    ck_assert_str_eq(d->dns_domain, "ad.it-help.ninja");
    ck_assert_str_eq(d->dns_computer, "IT-HELP-TEST.ad.it-help.ninja");
    ck_assert(d->has_server_time);
    ck_assert_int_eq(d->server_time, 1715026213); /* 2024-05-06 20:10:13 UTC */

    /* AUTHENTICATE (frame 14): names, lengths only */
    ck_assert(d->has_ntlm_auth);
    ck_assert_str_eq(d->ntlm_user, "Administrator");
    ck_assert_str_eq(d->ntlm_domain, "IT-HELP");
    ck_assert_str_eq(d->ntlm_workstation, "IT-HELP-CLIENT");
    ck_assert(d->ntlmv2);
    ck_assert_uint_eq(d->lm_response_len, 24); /* ntlmssp.auth.lmresponse Length: 24 */
    ck_assert_uint_gt(d->nt_response_len, 24);

    /* the verdict cites the decoded code */
    ck_assert_int_eq(g->v.cause, RD_CAUSE_CREDSSP_FAILURE);
    ck_assert_ptr_nonnull(strstr(g->v.detail_json, "\"error_code\":\"0x80090302\""));
    ck_assert_ptr_nonnull(strstr(g->v.detail_json, "\"error\":\"SEC_E_UNSUPPORTED_FUNCTION\""));
    ck_assert_ptr_nonnull(strstr(g->v.detail_json, "\"package\":\"ntlm\""));
    ck_assert_ptr_nonnull(strstr(g->v.detail_json, "\"package_inferred\":false"));
    ck_assert_ptr_nonnull(strstr(g->v.explanation, "NTLM is refused"));
    ck_assert_uint_ge(g->v.n_evidence, 2);
    /* the client's AUTHENTICATE (frame 14), then the server's errorCode (frame 15) */
    ck_assert_uint_eq(g->v.evidence[0].frame, 14);
    ck_assert_uint_eq(g->v.evidence[1].frame, 15);

    /* conn 2 never reached TLS: no decryptor */
    g = conn(2);
    ck_assert(!g->s.dec.tried);
    ck_assert(!g->mismatch_note);
}
END_TEST

/* The same capture without keys: the inference, unchanged. */
START_TEST(ntlm_rejected_no_keys)
{
    const struct got *g;

    if (skip_without_shared()) {
        return;
    }
    run_full("rdp-nla-ntlm-rejected1.pcapng", NULL, true);
    g = conn(1);
    ck_assert(!g->s.dec.tried);
    ck_assert(!g->s.dec.decrypting);
    ck_assert(g->inferred_event);
    ck_assert(!g->decrypted_event);
    ck_assert_int_eq(g->v.cause, RD_CAUSE_CREDSSP_FAILURE);
    ck_assert_ptr_nonnull(strstr(g->v.detail_json, "\"error_code\":null"));
    ck_assert_ptr_nonnull(strstr(g->v.detail_json, "\"package_inferred\":true"));
}
END_TEST

/*
 * rdp-nla-kerberos-auth1.pcapng, decrypted:
 *   18 c->s SPNEGO negTokenInit, mechToken KERB_TGT_REQUEST (0x0004, user-to-user)
 *   19 s->c negTokenTarg supportedMech MS KRB5, KERB_TGT_REPLY
 *   22 c->s AP-REQ: ticket realm AD.IT-HELP.NINJA, sname TERMSRV/IT-HELP-TEST.ad.it-help.ninja
 *   24 s->c AP-REP
 *   27 c->s authInfo
 *   28 s->c Decrypted TLS (4 bytes): 00 00 00 00 (Early User Authorization Result)
 *   29 c->s MCS Connect-Initial: rdp.client.name IT-HELP-CLIENT, rdp.client.build 22621,
 *      desktop 1024x768
 *   49 c->s Client Info PDU: rdp.userName Administrator@ad.it-help.ninja, domain empty
 *   51 s->c Demand Active PDU
 */
START_TEST(kerberos)
{
    const struct got *g;
    const struct rd_dec_facts *d;

    if (skip_without_shared()) {
        return;
    }
    run_full("rdp-nla-kerberos-auth1.pcapng", NULL, false);
    ck_assert_uint_eq(n_got, 1);
    g = conn(1);
    d = &g->s.dec;
    ck_assert(d->decrypting);
    ck_assert(d->pkg_known);
    ck_assert_int_eq(g->s.credssp.pkg, RD_PKG_KERBEROS);
    ck_assert_uint_ge(d->n_req, 7);
    ck_assert_uint_eq(d->req[0].frame, 18);
    ck_assert(d->req[0].spnego);
    ck_assert_uint_eq(d->req[0].nego, RD_NEGO_KRB_TGT_REQ);
    ck_assert_uint_eq(d->req[1].frame, 19);
    ck_assert_uint_eq(d->req[1].nego, RD_NEGO_KRB_TGT_REP);
    ck_assert_uint_eq(d->req[2].frame, 22);
    ck_assert_uint_eq(d->req[2].nego, RD_NEGO_KRB_AP_REQ);
    ck_assert_uint_eq(d->req[3].frame, 24);
    ck_assert_uint_eq(d->req[3].nego, RD_NEGO_KRB_AP_REP);
    ck_assert_str_eq(d->krb_realm, "AD.IT-HELP.NINJA");
    ck_assert_str_eq(d->krb_sname, "TERMSRV/IT-HELP-TEST.ad.it-help.ninja");
    ck_assert(!d->has_krb_error);
    ck_assert(!d->has_error);
    ck_assert(d->has_early_auth);
    ck_assert_uint_eq(d->early_auth, 0);
    ck_assert_uint_eq(d->early_auth_frame, 28);
    ck_assert_str_eq(rd_early_auth_name(d->early_auth), "AUTHZ_SUCCESS");
    /* MCS inside TLS */
    ck_assert(g->s.mcs.ci_seen);
    ck_assert_uint_eq(g->s.mcs.ci_frame, 29);
    ck_assert(g->s.mcs.has_client_core);
    ck_assert_str_eq(g->s.mcs.client_name, "IT-HELP-CLIENT");
    ck_assert_uint_eq(g->s.mcs.client_build, 22621);
    ck_assert_uint_eq(g->s.mcs.desktop_w, 1024);
    ck_assert_uint_eq(g->s.mcs.desktop_h, 768);
    ck_assert(d->has_client_info);
    ck_assert_uint_eq(d->client_info_frame, 49);
    ck_assert_str_eq(d->info_user, "Administrator@ad.it-help.ninja");
    ck_assert_str_eq(d->info_domain, "");
    /* the active phase is seen, not inferred */
    ck_assert(d->demand_active);
    ck_assert_uint_eq(d->demand_active_frame, 51);
    ck_assert_uint_eq(g->s.active_frame, 51);
    ck_assert(!g->s.active_inferred);
    ck_assert_int_eq(g->v.cause, RD_CAUSE_NONE);
    ck_assert_int_eq(g->v.phase, RD_PHASE_ACTIVE);
}
END_TEST

/* The TLS-only session: MCS decoded straight after the handshake (no CredSSP). */
START_TEST(no_nla)
{
    const struct got *g;

    if (skip_without_shared()) {
        return;
    }
    run_full("rdp-no-nla-accepted1.pcapng", NULL, false);
    g = conn(1);
    ck_assert(g->s.dec.decrypting);
    ck_assert_uint_eq(g->s.dec.n_req, 0);
    ck_assert(g->s.mcs.ci_seen);
    ck_assert_str_eq(g->s.mcs.client_name, "IT-HELP-CLIENT");
    ck_assert(g->s.dec.demand_active);
    ck_assert(!g->s.active_inferred);
}
END_TEST

/* Keys of another session (the Kerberos capture's DSB written out would do; an
 * unrelated key log line is enough): one note, no decryption, the inference. */
START_TEST(wrong_keys)
{
    const struct got *g;
    char path[] = "/tmp/check_nla_keylog_XXXXXX";
    int fd = mkstemp(path);
    FILE *f;

    if (skip_without_shared()) {
        return;
    }
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    /* CLIENT_RANDOM <32-byte random> <48-byte master secret>: matches no session */
    fprintf(f, "CLIENT_RANDOM %064d %096d\n", 0, 0);
    fclose(f);
    run_full("rdp-nla-ntlm-rejected1.pcapng", path, true);
    remove(path);
    g = conn(1);
    ck_assert(g->s.dec.tried);
    ck_assert(g->s.dec.failed);
    ck_assert(!g->s.dec.decrypting);
    ck_assert(g->mismatch_note);
    ck_assert(g->inferred_event);
    ck_assert_int_eq(g->v.cause, RD_CAUSE_CREDSSP_FAILURE);
}
END_TEST

static const char *const pcapngs[] = {
    "rdp-nla-kerberos-auth1.pcapng",         "rdp-nla-ntlm-rejected1.pcapng",
    "rdp-nla-smartcard-auth1.pcapng",        "rdp-no-nla-accepted1.pcapng",
    "rdp-restricted-admin-accepted1.pcapng",
};

/* Every pcapng: the same phase, outcome and cause with the keys and without. */
START_TEST(same_verdict_with_and_without_keys)
{
    enum rd_phase phase[MAX_GOT];
    enum rd_cause cause[MAX_GOT];
    enum rd_outcome outcome[MAX_GOT];
    size_t n;

    if (skip_without_shared()) {
        return;
    }
    run_full(pcapngs[_i], NULL, true);
    n = n_got;
    for (size_t i = 0; i < n; i++) {
        phase[i] = got[i].v.phase;
        cause[i] = got[i].v.cause;
        outcome[i] = got[i].v.outcome;
        ck_assert(!got[i].s.dec.tried);
    }
    run_full(pcapngs[_i], NULL, false);
    ck_assert_uint_eq(n_got, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(got[i].v.phase == phase[i], "%s conn %zu: phase %s vs %s", pcapngs[_i], i + 1,
                      rd_phase_name(got[i].v.phase), rd_phase_name(phase[i]));
        ck_assert_int_eq(got[i].v.cause, cause[i]);
        ck_assert_int_eq(got[i].v.outcome, outcome[i]);
        if (got[i].s.tls.done) {
            ck_assert_msg(got[i].s.dec.decrypting, "%s conn %zu not decrypted", pcapngs[_i], i + 1);
            ck_assert(!got[i].mismatch_note);
        }
    }
}
END_TEST

static Suite *nla_suite(void)
{
    Suite *s = suite_create("nla");
    TCase *tc = tcase_create("decrypted");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, ntlm_rejected);
    tcase_add_test(tc, ntlm_rejected_no_keys);
    tcase_add_test(tc, kerberos);
    tcase_add_test(tc, no_nla);
    tcase_add_test(tc, wrong_keys);
    tcase_add_loop_test(tc, same_verdict_with_and_without_keys, 0,
                        (int)(sizeof(pcapngs) / sizeof(pcapngs[0])));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(nla_suite());
    int failed;

    if (!have_shared()) {
        printf("check_nla: %s/public-captures is absent: the decryption tests are skipped\n",
               RD_SHARED_DIR);
    }
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
