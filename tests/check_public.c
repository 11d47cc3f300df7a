/*
 * check_public.c - the whole pipeline over the public RDP captures in
 * ../shared/public-captures (SOURCES.md there says where each comes from).
 *
 * Each test runs rd_run() in-process over one capture and asserts the facts the
 * packets provably hold.  Every value was cross-checked with tshark 4.0; the
 * comment above it gives the command (or field) and the frame.  The verdicts
 * themselves are in the expected files of tests/public (rdpdiag --check); here
 * the facts the verdicts rest on are asserted one by one.  The pcapng captures
 * carry their TLS secrets (Decryption Secrets Block): they are run once with
 * them (CredSSP sizes are then the decrypted TSRequest lengths, tshark's
 * "Decrypted TLS (N bytes)" under -x) and once without (the sizes are TLS record
 * lengths, tls.record.length), which exercises the inference from encrypted records.
 *
 * When the shared directory is absent the suite prints why and passes.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run.h"
#include "session.h"
#include "x509.h"

#ifndef RD_SHARED_DIR
#define RD_SHARED_DIR "../shared"
#endif

#define MAX_GOT 8

/* A finished connection, copied out of the callback (the engine frees the
 * original right after): the record, its session facts and the leaf certificate. */
struct got {
    struct rd_conn c;
    struct rd_verdict v;
    bool has_session;
    struct rd_session s;
    bool has_leaf;
    struct rd_x509_facts leaf;
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
    g->c = *c;
    g->c.session = NULL;
    g->c.timeline = NULL;
    g->v = *v;
    if (c->session != NULL) {
        g->has_session = true;
        g->s = *c->session;
        if (c->session->tls.leaf != NULL) {
            g->has_leaf = true;
            g->leaf = *(const struct rd_x509_facts *)c->session->tls.leaf;
        }
        g->s.tls.leaf = NULL;
        for (int d = 0; d < 2; d++) {
            g->s.dir[d].buf = NULL;
            g->s.dir[d].hs = NULL;
        }
    }
}

/* Run one capture (port 0: the default 3389; no_keys: ignore a pcapng's
 * Decryption Secrets Blocks); the connections land in got[]. */
static void run_capture_keys(const char *name, uint16_t port, bool no_keys)
{
    static char path[1024];
    struct rd_run_opts ro;
    static struct rd_run run;
    uint16_t ports[1] = {port != 0 ? port : 3389};
    char err[512];

    snprintf(path, sizeof(path), "%s/public-captures/%s", RD_SHARED_DIR, name);
    memset(&ro, 0, sizeof(ro));
    rd_engine_default_opts(&ro.eng);
    ro.eng.ports[0] = ports[0];
    ro.eng.nports = 1;
    ro.cap.ports = ports;
    ro.cap.nports = 1;
    ro.cap.file = path;
    ro.no_embedded_keys = no_keys;
    n_got = 0;
    if (rd_run(&ro, collect, NULL, &run, err, sizeof(err)) != 0) {
        ck_abort_msg("%s: %s", path, err);
    }
}

static void run_capture(const char *name, uint16_t port)
{
    run_capture_keys(name, port, false);
}

static const struct got *conn(size_t id)
{
    ck_assert_uint_ge(n_got, id);
    ck_assert_uint_eq(got[id - 1].c.id, id);
    return &got[id - 1];
}

static const struct rd_session *sess(const struct got *g)
{
    ck_assert(g->has_session);
    return &g->s;
}

static void verdict_is(const struct got *g, enum rd_outcome o, enum rd_phase p, enum rd_closer cl,
                       enum rd_close_kind k, enum rd_cause cause)
{
    ck_assert_str_eq(rd_outcome_name(g->v.outcome), rd_outcome_name(o));
    ck_assert_str_eq(rd_phase_name(g->v.phase), rd_phase_name(p));
    ck_assert_str_eq(rd_closer_name(g->v.closed_by), rd_closer_name(cl));
    ck_assert_str_eq(rd_close_kind_name(g->v.close), rd_close_kind_name(k));
    ck_assert_str_eq(rd_cause_name(g->v.cause), rd_cause_name(cause));
}

static void leg_is(const struct rd_credssp_facts *cs, unsigned i, uint64_t frame, enum rd_dir dir,
                   uint32_t bytes)
{
    ck_assert_uint_gt(cs->n_legs, i);
    ck_assert_uint_eq(cs->legs[i].frame, frame);
    ck_assert_uint_eq(cs->legs[i].dir, dir);
    ck_assert_uint_eq(cs->legs[i].bytes, bytes);
    ck_assert_uint_eq(cs->legs[i].records, 1);
}

/* The certificate every awakecoding capture's server presents.
 * tshark -r rdp-nla-kerberos-auth1.pcapng -d tcp.port==3389,tls -V, frame 14:
 * subject CN=IT-HELP-TEST.ad.it-help.ninja, issuer CN=IT-HELP-DC,DC=ad,DC=it-help,DC=ninja,
 * notBefore 2024-04-02 23:54:10 UTC, notAfter 2026-04-02 23:54:10 UTC, RSA 2048,
 * sha256WithRSAEncryption. */
static void it_help_cert(const struct got *g)
{
    ck_assert(g->has_leaf);
    ck_assert_str_eq(g->leaf.subject_cn, "IT-HELP-TEST.ad.it-help.ninja");
    ck_assert_str_eq(g->leaf.issuer, "CN=IT-HELP-DC,DC=ad,DC=it-help,DC=ninja");
    ck_assert_int_eq(g->leaf.not_before, 1712102050);
    ck_assert_int_eq(g->leaf.not_after, 1775174050);
    ck_assert_int_eq(g->leaf.key_type, RD_X509_KEY_RSA);
    ck_assert_uint_eq(g->leaf.key_bits, 2048);
    ck_assert_str_eq(g->leaf.sig_alg, "sha256WithRSAEncryption");
    ck_assert(!g->leaf.is_self_signed);
}

/* The awakecoding Windows 11 client's ClientHello, e.g.
 * tshark ... -T fields -e tls.handshake.extensions.supported_version -e tls.handshake.ciphersuite:
 * supported_versions 0x0304,0x0303,0x0302,0x0301; 20 suites starting 0x1302,0x1301,0xc02c;
 * the ServerHello picks TLS 1.2 (0x0303) and 0xc030 (ECDHE-RSA-AES256-GCM-SHA384). */
static void windows_tls(const struct rd_tls_facts *t, uint64_t ch, uint64_t sh, uint64_t cfin,
                        uint64_t sfin)
{
    ck_assert(t->ch_seen);
    ck_assert_uint_eq(t->ch_frame, ch);
    ck_assert_uint_eq(t->ch_legacy_version, 0x0303);
    ck_assert_uint_eq(t->max_offered, 0x0304);
    ck_assert_uint_eq(t->min_offered, 0x0301);
    ck_assert_uint_eq(t->suites_total, 20);
    ck_assert_uint_eq(t->suites[0], 0x1302);
    ck_assert_uint_eq(t->suites[2], 0xc02c);
    ck_assert(t->ems);
    ck_assert(t->sh_seen);
    ck_assert_uint_eq(t->sh_frame, sh);
    ck_assert_uint_eq(t->version, 0x0303);
    ck_assert_uint_eq(t->cipher, 0xc030);
    ck_assert(t->cert_seen);
    ck_assert_uint_eq(t->cert_frame, sh);
    ck_assert_uint_eq(t->n_certs, 1);
    ck_assert_uint_eq(t->finished_frame[RD_DIR_C2S], cfin);
    ck_assert_uint_eq(t->finished_frame[RD_DIR_S2C], sfin);
    ck_assert(t->done);
    ck_assert_uint_eq(t->done_frame, sfin);
    ck_assert(!t->alert_seen);
    ck_assert(!t->expired);
}

/* ---- standard RDP security ------------------------------------------------ */

START_TEST(rdp003)
{
    const struct got *g;
    const struct rd_session *s;

    run_capture("RDP-003.pcap", 0);
    /* tshark -qz conv,tcp: one RDP conversation; 10.226.29.74:3955 <-> :2998 is not RDP */
    ck_assert_uint_eq(n_got, 1);
    g = conn(1);
    s = sess(g);
    verdict_is(g, RD_OUTCOME_OK, RD_PHASE_ACTIVE, RD_CLOSED_CLIENT, RD_CLOSE_FIN, RD_CAUSE_NONE);
    /* frame 4: "Cookie: mstshash=A70067" and no RDP_NEG_REQ; frame 6 CC without RDP_NEG_RSP */
    ck_assert_uint_eq(s->x224.cr_frame, 4);
    ck_assert(s->x224.has_cookie);
    ck_assert_str_eq(s->x224.cookie, "A70067");
    ck_assert(!s->x224.has_neg_req);
    ck_assert_uint_eq(s->x224.cc_frame, 6);
    ck_assert_int_eq(s->x224.cc_kind, RD_CC_LEGACY);
    /* tshark -V frame 7 ClientData: clientName ISD2-KM84178, clientBuild 2600, 1152x864,
     * keyboardLayout 1033; frame 8 ServerData: encryptionMethod 56-bit RC4 (0x8),
     * encryptionLevel Client Compatible (2), serverCertificate dwVersion 1 (proprietary) */
    ck_assert_uint_eq(s->mcs.ci_frame, 7);
    ck_assert_uint_eq(s->mcs.cr_frame, 8);
    ck_assert_str_eq(s->mcs.client_name, "ISD2-KM84178");
    ck_assert_uint_eq(s->mcs.client_build, 2600);
    ck_assert_uint_eq(s->mcs.desktop_w, 1152);
    ck_assert_uint_eq(s->mcs.desktop_h, 864);
    ck_assert_uint_eq(s->mcs.keyboard_layout, 1033);
    ck_assert_uint_eq(s->mcs.enc_method, 0x8);
    ck_assert_uint_eq(s->mcs.enc_level, 2);
    ck_assert_uint_eq(s->mcs.server_cert_kind, 1);
    /* frame 23 SecurityExchange; frame 37 "Fast-Path PDU,Unicode,Scancode,Sync" c->s */
    ck_assert(s->mcs.sec_exchange);
    ck_assert_uint_eq(s->mcs.sec_exchange_frame, 23);
    ck_assert_uint_eq(s->mcs.first_fastpath_frame[RD_DIR_C2S], 37);
    /* frame 433 FIN,ACK c->s is the first FIN; 435 RST s->c; no retransmissions */
    ck_assert_uint_eq(g->c.first_close.frame, 433);
    ck_assert_uint_eq(g->c.first_close.dir, RD_DIR_C2S);
    ck_assert_uint_eq(g->c.rst_count[RD_DIR_S2C], 1);
    ck_assert_uint_eq(g->c.tcp[0].retrans + g->c.tcp[1].retrans, 0);
}
END_TEST

START_TEST(proprietary)
{
    const struct got *g;
    const struct rd_session *s;

    run_capture("rdp-proprietary-encryption.pcap", 0);
    ck_assert_uint_eq(n_got, 2);
    /* frame 4 CR mstshash=FTBCO\A70 requestedProtocols 0x1; frame 5 RDP_NEG_FAILURE 0x2
     * (SSL_NOT_ALLOWED_BY_SERVER); frame 6 FIN c->s */
    g = conn(1);
    s = sess(g);
    verdict_is(g, RD_OUTCOME_FAILED, RD_PHASE_X224, RD_CLOSED_CLIENT, RD_CLOSE_FIN,
               RD_CAUSE_NEG_FAILURE);
    ck_assert_str_eq(s->x224.cookie, "FTBCO\\A70");
    ck_assert_uint_eq(s->x224.requested, 0x1);
    ck_assert_uint_eq(s->x224.cc_frame, 5);
    ck_assert_int_eq(s->x224.cc_kind, RD_CC_FAILURE);
    ck_assert_uint_eq(s->x224.failure_code, 0x2);
    ck_assert_uint_eq(g->c.first_close.frame, 6);
    /* conn 2: frame 12 CR requestedProtocols 0x0, 13 RDP_NEG_RSP selectedProtocol 0x0;
     * frame 14 ClientData clientName FROG-POND build 6000; frame 15 ServerData 128-bit RC4
     * (0x2), level High (3), proprietary certificate (dwVersion 1); 32 SecurityExchange */
    g = conn(2);
    s = sess(g);
    verdict_is(g, RD_OUTCOME_OK, RD_PHASE_ACTIVE, RD_CLOSED_CLIENT, RD_CLOSE_FIN, RD_CAUSE_NONE);
    ck_assert_uint_eq(s->x224.cr_frame, 12);
    ck_assert_uint_eq(s->x224.requested, 0x0);
    ck_assert_int_eq(s->x224.cc_kind, RD_CC_RSP);
    ck_assert_uint_eq(s->x224.selected, 0x0);
    ck_assert_uint_eq(s->mcs.ci_frame, 14);
    ck_assert_uint_eq(s->mcs.cr_frame, 15);
    ck_assert_str_eq(s->mcs.client_name, "FROG-POND");
    ck_assert_uint_eq(s->mcs.client_build, 6000);
    ck_assert_uint_eq(s->mcs.enc_method, 0x2);
    ck_assert_uint_eq(s->mcs.enc_level, 3);
    ck_assert_uint_eq(s->mcs.server_cert_kind, 1);
    ck_assert_uint_eq(s->mcs.sec_exchange_frame, 32);
    /* tshark -T fields -e tcp.payload over the client's frames 12..77: TPKT lengths put
     * an 11-byte fast-path PDU (header 0xc4) at the end of frame 77 (tshark's column
     * says "TPKT Continuation" there; its first labelled one is frame 99, MouseEx) */
    ck_assert_uint_eq(s->mcs.first_fastpath_frame[RD_DIR_C2S], 77);
    ck_assert_uint_eq(g->c.first_close.frame, 540);
}
END_TEST

/* rdp-x509.pcap: frame 3 is the SYN-ACK retransmitted (2.30 s), frame 4 the SYN
 * retransmitted (3.00 s), frame 8 the CC retransmitted, frame 9 a spurious
 * retransmission of the CR (tshark's "[TCP Spurious Retransmission]"). */
START_TEST(x509_chain)
{
    const struct got *g;
    const struct rd_session *s;

    run_capture("rdp-x509.pcap", 0);
    ck_assert_uint_eq(n_got, 1);
    g = conn(1);
    s = sess(g);
    verdict_is(g, RD_OUTCOME_INCOMPLETE, RD_PHASE_MCS, RD_CLOSED_CAPTURE_END, RD_CLOSE_NONE,
               RD_CAUSE_NONE);
    ck_assert(g->c.start_seen);
    ck_assert_uint_eq(g->c.synack_frame, 2);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_C2S].syn_count, 2);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_S2C].syn_count, 2);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_C2S].retrans, 1);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_S2C].retrans, 1);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_C2S].duplicates, 0);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_S2C].duplicates, 0);
    /* frame 1 MSS=1398, frame 2 MSS=1460 */
    ck_assert_uint_eq(g->c.tcp[RD_DIR_C2S].mss, 1398);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_S2C].mss, 1460);
    /* frame 6 "Cookie: mstshash=JOHN-PC  " (two trailing spaces), requestedProtocols 0 */
    ck_assert_str_eq(s->x224.cookie, "JOHN-PC  ");
    ck_assert(s->x224.has_neg_req);
    ck_assert_uint_eq(s->x224.requested, 0);
    ck_assert_uint_eq(s->x224.cc_frame, 7);
    ck_assert_int_eq(s->x224.cc_kind, RD_CC_RSP);
    /* frame 11 ClientData JOHN-PC-LAPTOP, build 9600, 1920x1080, keyboardLayout 1033;
     * frames 12-13 ServerData: 128-bit RC4 (2), Client Compatible (2), serverCertificate
     * "02 00 00 80 02 00 00 00": dwVersion 0x80000002, an X.509 chain of 2 */
    ck_assert_uint_eq(s->mcs.ci_frame, 11);
    ck_assert_uint_eq(s->mcs.cr_frame, 13);
    ck_assert_str_eq(s->mcs.client_name, "JOHN-PC-LAPTOP");
    ck_assert_uint_eq(s->mcs.client_build, 9600);
    ck_assert_uint_eq(s->mcs.desktop_w, 1920);
    ck_assert_uint_eq(s->mcs.desktop_h, 1080);
    ck_assert_uint_eq(s->mcs.keyboard_layout, 1033);
    ck_assert_uint_eq(s->mcs.enc_method, 2);
    ck_assert_uint_eq(s->mcs.enc_level, 2);
    ck_assert_uint_eq(s->mcs.server_cert_kind, 2);
    ck_assert_uint_eq(g->c.first_close.frame, 0);
}
END_TEST

START_TEST(unknown_keyboard)
{
    const struct got *g;
    const struct rd_session *s;

    run_capture("rdp-unknown-keyboard.pcap", 0);
    ck_assert_uint_eq(n_got, 1);
    g = conn(1);
    s = sess(g);
    verdict_is(g, RD_OUTCOME_INCOMPLETE, RD_PHASE_MCS, RD_CLOSED_CAPTURE_END, RD_CLOSE_NONE,
               RD_CAUSE_NONE);
    /* tshark -V frame 11: keyboardLayout 263198 (0x4041e); the capture ends there */
    ck_assert_uint_eq(s->mcs.ci_frame, 11);
    ck_assert_uint_eq(s->mcs.keyboard_layout, 0x4041e);
    ck_assert(!s->mcs.cr_seen);
    ck_assert_uint_eq(g->c.last_frame, 11);
}
END_TEST

START_TEST(invalid_length)
{
    const struct got *g;
    const struct rd_session *s;

    run_capture("rdp-invalid-length.pcap", 0);
    ck_assert_uint_eq(n_got, 1);
    g = conn(1);
    s = sess(g);
    verdict_is(g, RD_OUTCOME_INCOMPLETE, RD_PHASE_X224, RD_CLOSED_CAPTURE_END, RD_CLOSE_NONE,
               RD_CAUSE_NONE);
    /* tshark -x frame 4: payload starts 45 43 4f 44 48 ("ECODH"), not TPKT version 3 */
    ck_assert(!s->x224.cr_seen);
    ck_assert_uint_ge(s->malformed, 1);
    ck_assert_uint_eq(s->first_malformed_frame, 4);
    /* frame 5: 03 00 00 13 0e d0 ... RDP_NEG_RSP with length 0x0000 (must be 8) */
    ck_assert(s->x224.cc_seen);
    ck_assert(s->x224.cc_malformed);
    ck_assert_uint_eq(s->x224.cc_frame, 5);
}
END_TEST

/* ---- TLS and NLA ------------------------------------------------------------ */

/* Every frame twice (same IP ID, checksum, seq; tshark -T fields -e ip.id -e tcp.checksum):
 * client frames 2,6,8,12,16,20 and server frames 4,10,14,18 are the copies. */
START_TEST(no_cookie_duplicates)
{
    const struct got *g;
    const struct rd_session *s;
    const struct rd_tls_facts *t;

    run_capture("rdp-no-cookie-mstshash.pcap", 0);
    ck_assert_uint_eq(n_got, 1);
    g = conn(1);
    s = sess(g);
    t = &s->tls;
    verdict_is(g, RD_OUTCOME_FAILED, RD_PHASE_TLS, RD_CLOSED_CLIENT, RD_CLOSE_RST,
               RD_CAUSE_CERT_REJECTED);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_C2S].duplicates, 6);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_S2C].duplicates, 4);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_C2S].retrans, 0);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_S2C].retrans, 0);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_C2S].syn_count, 1);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_S2C].syn_count, 1);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_C2S].packets, 6);
    ck_assert_uint_eq(g->c.tcp[RD_DIR_S2C].packets, 4);
    ck_assert_uint_eq(g->c.synack_frame, 3);
    /* frame 7 CR: no cookie, requestedProtocols 0xb; frame 9 selectedProtocol 0x8, flags 0x1f */
    ck_assert(!s->x224.has_cookie);
    ck_assert_uint_eq(s->x224.cr_frame, 7);
    ck_assert_uint_eq(s->x224.requested, 0xb);
    ck_assert_uint_eq(s->x224.cc_frame, 9);
    ck_assert_uint_eq(s->x224.selected, 0x8);
    ck_assert_uint_eq(s->x224.rsp_flags, 0x1f);
    /* frame 11 ClientHello 0x0303, 21 suites (first 0xc02c), no SNI, no supported_versions */
    ck_assert_uint_eq(t->ch_frame, 11);
    ck_assert_uint_eq(t->ch_legacy_version, 0x0303);
    ck_assert_uint_eq(t->max_offered, 0x0303);
    ck_assert_uint_eq(t->suites_total, 21);
    ck_assert_uint_eq(t->suites[0], 0xc02c);
    ck_assert_str_eq(t->sni, "");
    /* frame 13 ServerHello 0x0303, TLS_RSA_WITH_AES_256_GCM_SHA384 (0x009d), Certificate
     * CN=CLK-456040-D.one.phoenix.gov, issuer = subject, 2024-11-02 23:19:19 to
     * 2025-05-04 23:19:19 UTC; frame 15 client Finished, 17 server Finished */
    ck_assert_uint_eq(t->sh_frame, 13);
    ck_assert_uint_eq(t->version, 0x0303);
    ck_assert_uint_eq(t->cipher, 0x009d);
    ck_assert_uint_eq(t->cert_frame, 13);
    ck_assert(g->has_leaf);
    ck_assert_str_eq(g->leaf.subject_cn, "CLK-456040-D.one.phoenix.gov");
    ck_assert(g->leaf.is_self_signed);
    ck_assert_uint_eq(g->leaf.key_bits, 2048);
    ck_assert_int_eq(g->leaf.not_before, 1730589559);
    ck_assert_int_eq(g->leaf.not_after, 1746400759);
    ck_assert_uint_eq(t->finished_frame[RD_DIR_C2S], 15);
    ck_assert_uint_eq(t->finished_frame[RD_DIR_S2C], 17);
    ck_assert(t->done);
    /* frame 19 RST,ACK c->s; no CredSSP byte was sent */
    ck_assert(!s->credssp.started);
    ck_assert_uint_eq(g->c.first_close.frame, 19);
    ck_assert_uint_eq(g->c.first_close.dir, RD_DIR_C2S);
}
END_TEST

START_TEST(to_ssl)
{
    const struct got *g;
    const struct rd_session *s;
    const struct rd_tls_facts *t;
    const struct rd_credssp_facts *cs;

    run_capture("rdp-to-ssl.pcap", 0);
    ck_assert_uint_eq(n_got, 2);
    g = conn(1);
    s = sess(g);
    t = &s->tls;
    cs = &s->credssp;
    verdict_is(g, RD_OUTCOME_FAILED, RD_PHASE_CREDSSP, RD_CLOSED_CLIENT, RD_CLOSE_FIN,
               RD_CAUSE_CERT_REJECTED);
    /* frame 4 mstshash=AWAKECODI requestedProtocols 0x3; frame 6 selectedProtocol 0x2, flags 0x1 */
    ck_assert_str_eq(s->x224.cookie, "AWAKECODI");
    ck_assert_uint_eq(s->x224.requested, 0x3);
    ck_assert_uint_eq(s->x224.selected, 0x2);
    ck_assert_uint_eq(s->x224.rsp_flags, 0x1);
    ck_assert(s->nla);
    /* frame 8 ClientHello 0x0301, 12 suites (first 0x002f), SNI 192.168.1.150;
     * frame 9 ServerHello 0x0301 TLS_RSA_WITH_AES_128_CBC_SHA (0x002f), Certificate
     * CN=WIN2K8R2.awakecoding.ath.cx self-signed, sha1WithRSAEncryption, RSA 2048,
     * 2011-02-12 21:37:35 to 2021-02-12 00:00:00 UTC */
    ck_assert_uint_eq(t->ch_frame, 8);
    ck_assert_uint_eq(t->max_offered, 0x0301);
    ck_assert_uint_eq(t->suites_total, 12);
    ck_assert_uint_eq(t->suites[0], 0x002f);
    ck_assert_str_eq(t->sni, "192.168.1.150");
    ck_assert_uint_eq(t->sh_frame, 9);
    ck_assert_uint_eq(t->version, 0x0301);
    ck_assert_uint_eq(t->cipher, 0x002f);
    ck_assert(g->has_leaf);
    ck_assert_str_eq(g->leaf.subject_cn, "WIN2K8R2.awakecoding.ath.cx");
    ck_assert(g->leaf.is_self_signed);
    ck_assert_str_eq(g->leaf.sig_alg, "sha1WithRSAEncryption");
    ck_assert_uint_eq(g->leaf.key_bits, 2048);
    ck_assert_int_eq(g->leaf.not_before, 1297546655);
    ck_assert_int_eq(g->leaf.not_after, 1613088000);
    ck_assert(t->weak_sig);
    ck_assert_uint_eq(t->done_frame, 11);
    /* application data records (tls.record.length): 12 c->s 80, 13 s->c 336,
     * 14 c->s 928, 16 s->c 336; frame 17 FIN c->s */
    ck_assert_uint_eq(cs->n_legs, 4);
    leg_is(cs, 0, 12, RD_DIR_C2S, 80);
    leg_is(cs, 1, 13, RD_DIR_S2C, 336);
    leg_is(cs, 2, 14, RD_DIR_C2S, 928);
    leg_is(cs, 3, 16, RD_DIR_S2C, 336);
    ck_assert_uint_eq(cs->legs[3].leg, RD_LEG_SERVER_PUBKEY);
    ck_assert(!cs->reached[RD_LEG_CREDENTIALS]);
    ck_assert_uint_eq(g->c.first_close.frame, 17);

    /* conn 2: the same, plus frame 35 c->s 160 (credentials), then the session;
     * frame 656 FIN c->s */
    g = conn(2);
    s = sess(g);
    cs = &s->credssp;
    verdict_is(g, RD_OUTCOME_OK, RD_PHASE_ACTIVE, RD_CLOSED_CLIENT, RD_CLOSE_FIN, RD_CAUSE_NONE);
    ck_assert_uint_eq(s->x224.cr_frame, 23);
    ck_assert_uint_eq(s->tls.ch_frame, 26);
    ck_assert_uint_eq(s->tls.done_frame, 29);
    leg_is(cs, 0, 30, RD_DIR_C2S, 80);
    leg_is(cs, 1, 31, RD_DIR_S2C, 336);
    leg_is(cs, 2, 32, RD_DIR_C2S, 928);
    leg_is(cs, 3, 34, RD_DIR_S2C, 336);
    leg_is(cs, 4, 35, RD_DIR_C2S, 160);
    ck_assert_uint_eq(cs->legs[4].leg, RD_LEG_CREDENTIALS);
    ck_assert(cs->done);
    ck_assert_uint_eq(g->c.first_close.frame, 656);
}
END_TEST

/* tshark -d tcp.port==3389,tls decrypts with the DSB: 12 NTLMSSP_NEGOTIATE,
 * 13 NTLMSSP_CHALLENGE, 14 NTLMSSP_AUTH + pubKeyAuth, 15 TSRequest errorCode
 * -2146893054 (0x80090302); 16 RST c->s.  Conn 2: 20 CR 0x1, 21 failure 0x5, 22 RST.
 * Decrypted lengths 57, 295, 677, 15; record lengths 81, 319, 701, 39. */
static void ntlm_rejected_run(bool no_keys)
{
    const struct got *g;
    const struct rd_session *s;
    const struct rd_credssp_facts *cs;

    run_capture_keys("rdp-nla-ntlm-rejected1.pcapng", 0, no_keys);
    ck_assert_uint_eq(n_got, 2);
    g = conn(1);
    s = sess(g);
    cs = &s->credssp;
    verdict_is(g, RD_OUTCOME_FAILED, RD_PHASE_CREDSSP, RD_CLOSED_CLIENT, RD_CLOSE_RST,
               RD_CAUSE_CREDSSP_FAILURE);
    ck_assert_str_eq(s->x224.cookie, "IT-HELP\\A");
    ck_assert_uint_eq(s->x224.requested, 0xb);
    ck_assert_uint_eq(s->x224.selected, 0x8);
    windows_tls(&s->tls, 7, 8, 10, 11);
    /* SNI is the address the user typed (tls.handshake.extensions_server_name, frame 7) */
    ck_assert_str_eq(s->tls.sni, "10.10.0.10");
    it_help_cert(g);
    ck_assert_uint_eq(cs->n_legs, 4);
    leg_is(cs, 0, 12, RD_DIR_C2S, no_keys ? 81 : 57);
    leg_is(cs, 1, 13, RD_DIR_S2C, no_keys ? 319 : 295);
    leg_is(cs, 2, 14, RD_DIR_C2S, no_keys ? 701 : 677);
    leg_is(cs, 3, 15, RD_DIR_S2C, no_keys ? 39 : 15);
    ck_assert_uint_eq(cs->legs[0].leg, RD_LEG_NEGOTIATE);
    ck_assert_uint_eq(cs->legs[1].leg, RD_LEG_CHALLENGE);
    ck_assert_uint_eq(cs->legs[2].leg, RD_LEG_AUTHENTICATE);
    ck_assert_int_eq(cs->pkg, RD_PKG_NTLM);
    ck_assert(!cs->done);
    ck_assert_uint_eq(g->c.first_close.frame, 16);

    g = conn(2);
    s = sess(g);
    verdict_is(g, RD_OUTCOME_FAILED, RD_PHASE_X224, RD_CLOSED_CLIENT, RD_CLOSE_RST,
               RD_CAUSE_NEG_FAILURE);
    ck_assert_uint_eq(s->x224.cr_frame, 20);
    ck_assert_uint_eq(s->x224.requested, 0x1);
    ck_assert_uint_eq(s->x224.cc_frame, 21);
    ck_assert_int_eq(s->x224.cc_kind, RD_CC_FAILURE);
    ck_assert_uint_eq(s->x224.failure_code, 0x5);
    ck_assert_uint_eq(g->c.first_close.frame, 22);
}

START_TEST(ntlm_rejected)
{
    ntlm_rejected_run(false);
}
END_TEST

START_TEST(ntlm_rejected_no_keys)
{
    ntlm_rejected_run(true);
}
END_TEST

/* Kerberos NLA, HYBRID_EX (tshark -d tcp.port==3389,tls, decrypted), first frame f:
 * f c->s TGT request, f+1 s->c TGT reply, then AP-REQ, AP-REP, client pubKeyAuth +
 * clientNonce, server pubKeyAuth, authInfo, and the 4-byte Early User Authorization
 * Result 00 00 00 00.  frames[] and the two size tables (decrypted, record) list them. */
struct krb_case {
    const char *file;
    const char *cookie;
    uint64_t ch, sh, cfin, sfin;
    uint64_t frames[8];
    uint32_t plain[8];
    uint32_t record[8];
    uint64_t ci, cr, demand_active, rst;
    uint32_t requested;
    uint8_t req_flags;
};

static const struct krb_case krb_cases[] = {
    /* frame 4 mstshash=Administr (mstsc keeps 9 characters); 29 ClientData, 30 ServerData,
     * 51 Demand Active PDU; 1178 RST,ACK c->s */
    {"rdp-nla-kerberos-auth1.pcapng",
     "Administr",
     13,
     14,
     16,
     17,
     {18, 19, 22, 24, 25, 26, 27, 28},
     {175, 1351, 1887, 227, 191, 103, 183, 4},
     {199, 1375, 1911, 251, 215, 127, 207, 28},
     29,
     30,
     51,
     1178,
     0xb,
     0},
    /* frame 4 mstshash=@@BooZeoy (a marshalled certificate credential); the AP-REQ and
     * the smartcard authInfo are larger; 51 Demand Active; 1991 RST,ACK c->s */
    {"rdp-nla-smartcard-auth1.pcapng",
     "@@BooZeoy",
     13,
     14,
     16,
     17,
     {18, 19, 22, 24, 25, 26, 27, 28},
     {175, 1351, 2055, 227, 191, 103, 361, 4},
     {199, 1375, 2079, 251, 215, 127, 385, 28},
     29,
     30,
     51,
     1991,
     0xb,
     0},
    /* frame 4 rdp.negReq.flags 0x01 (RESTRICTED_ADMIN_MODE_REQUIRED), requestedProtocols
     * 0xa; the authInfo carries no password (96 bytes); 23 ClientData, 24 ServerData,
     * 46 Demand Active; 1187 RST,ACK c->s */
    {"rdp-restricted-admin-accepted1.pcapng",
     "Administr",
     7,
     8,
     10,
     11,
     {12, 13, 16, 18, 19, 20, 21, 22},
     {175, 1351, 1888, 228, 191, 103, 96, 4},
     {199, 1375, 1912, 252, 215, 127, 120, 28},
     23,
     24,
     46,
     1187,
     0xa,
     0x01},
};

static void kerberos_run(const struct krb_case *k, bool no_keys)
{
    const struct got *g;
    const struct rd_session *s;
    const struct rd_credssp_facts *cs;

    run_capture_keys(k->file, 0, no_keys);
    /* port 88 (KDC) conversations are not RDP connections */
    ck_assert_uint_eq(n_got, 1);
    g = conn(1);
    s = sess(g);
    cs = &s->credssp;
    verdict_is(g, RD_OUTCOME_OK, RD_PHASE_ACTIVE, RD_CLOSED_CLIENT, RD_CLOSE_RST, RD_CAUSE_NONE);
    ck_assert_str_eq(s->x224.cookie, k->cookie);
    ck_assert_uint_eq(s->x224.requested, k->requested);
    ck_assert_uint_eq(s->x224.req_flags, k->req_flags);
    ck_assert_uint_eq(s->x224.selected, 0x8);
    ck_assert_uint_eq(s->x224.rsp_flags, 0x1f);
    windows_tls(&s->tls, k->ch, k->sh, k->cfin, k->sfin);
    ck_assert_str_eq(s->tls.sni, "IT-HELP-TEST.ad.it-help.ninja");
    ck_assert_int_eq(s->tls.name_match, RD_X509_YES);
    it_help_cert(g);
    ck_assert_uint_eq(g->c.first_close.frame, k->rst);
    ck_assert_uint_eq(g->c.first_close.dir, RD_DIR_C2S);
    ck_assert_uint_eq(g->c.rst_count[RD_DIR_C2S], 1);
    ck_assert_uint_eq(g->c.fin_count[0] + g->c.fin_count[1], 0);
    if (no_keys) {
        /* Without keys only the records' frames, directions and lengths are asserted:
         * the inference names them after the NTLM sequence, which Kerberos does not
         * follow. */
        ck_assert_uint_ge(cs->n_legs, 6);
        for (unsigned i = 0; i < 6; i++) {
            leg_is(cs, i, k->frames[i], i % 2 == 0 ? RD_DIR_C2S : RD_DIR_S2C, k->record[i]);
        }
        return;
    }
    ck_assert_int_eq(cs->pkg, RD_PKG_KERBEROS);
    ck_assert_uint_eq(cs->n_legs, 8);
    for (unsigned i = 0; i < 8; i++) {
        leg_is(cs, i, k->frames[i], i % 2 == 0 ? RD_DIR_C2S : RD_DIR_S2C, k->plain[i]);
    }
    ck_assert_uint_eq(cs->legs[6].leg, RD_LEG_CREDENTIALS);
    ck_assert_uint_eq(cs->legs[7].leg, RD_LEG_EARLY_AUTH);
    ck_assert(cs->done);
    /* ClientData: clientName IT-HELP-CLIENT, clientBuild 22621, 1024x768, keyboardLayout 1033 */
    ck_assert_uint_eq(s->mcs.ci_frame, k->ci);
    ck_assert_uint_eq(s->mcs.cr_frame, k->cr);
    ck_assert_str_eq(s->mcs.client_name, "IT-HELP-CLIENT");
    ck_assert_uint_eq(s->mcs.client_build, 22621);
    ck_assert_uint_eq(s->mcs.desktop_w, 1024);
    ck_assert_uint_eq(s->mcs.desktop_h, 768);
    ck_assert_uint_eq(s->mcs.keyboard_layout, 1033);
    ck_assert_uint_eq(s->active_frame, k->demand_active);
    ck_assert(!s->active_inferred);
}

START_TEST(kerberos)
{
    kerberos_run(&krb_cases[_i], false);
}
END_TEST

START_TEST(kerberos_no_keys)
{
    kerberos_run(&krb_cases[_i], true);
}
END_TEST

START_TEST(no_nla)
{
    const struct got *g;
    const struct rd_session *s;

    run_capture("rdp-no-nla-accepted1.pcapng", 0);
    ck_assert_uint_eq(n_got, 1);
    g = conn(1);
    s = sess(g);
    verdict_is(g, RD_OUTCOME_OK, RD_PHASE_ACTIVE, RD_CLOSED_CLIENT, RD_CLOSE_RST, RD_CAUSE_NONE);
    /* frame 4 requestedProtocols 0x1, frame 5 selectedProtocol 0x1 (TLS, no NLA) */
    ck_assert_uint_eq(s->x224.requested, 0x1);
    ck_assert_uint_eq(s->x224.selected, 0x1);
    ck_assert(!s->nla);
    windows_tls(&s->tls, 6, 7, 9, 10);
    it_help_cert(g);
    /* frame 11 (decrypted: MCS Connect-Initial, clientName IT-HELP-CLIENT) follows the
     * handshake: no CredSSP; 12 Connect-Response; 33 Demand Active PDU */
    ck_assert(!s->credssp.started);
    ck_assert_uint_eq(s->mcs.ci_frame, 11);
    ck_assert_uint_eq(s->mcs.cr_frame, 12);
    ck_assert_str_eq(s->mcs.client_name, "IT-HELP-CLIENT");
    ck_assert_uint_eq(s->active_frame, 33);
    ck_assert_uint_eq(g->c.first_close.frame, 1781);
}
END_TEST

/* Plain TLS on 443 (--port 443): frame 4 ClientHello client_version 0x0303, 9 suites,
 * no supported_versions; frame 6 Alert level 2 description 40; frame 7 FIN s->c. */
START_TEST(tls_handshake_failure)
{
    const struct got *g;
    const struct rd_tls_facts *t;

    run_capture("tls-1.2-handshake-failure.pcap", 443);
    ck_assert_uint_eq(n_got, 1);
    g = conn(1);
    t = &sess(g)->tls;
    verdict_is(g, RD_OUTCOME_FAILED, RD_PHASE_TLS, RD_CLOSED_SERVER, RD_CLOSE_FIN,
               RD_CAUSE_TLS_HANDSHAKE_FAILURE);
    ck_assert_uint_eq(g->c.sport, 443);
    ck_assert_uint_eq(t->ch_frame, 4);
    ck_assert_uint_eq(t->ch_legacy_version, 0x0303);
    ck_assert_uint_eq(t->max_offered, 0x0303);
    ck_assert_uint_eq(t->suites_total, 9);
    ck_assert_uint_eq(t->suites[0], 0xc010);
    ck_assert_uint_eq(t->suites[8], 0x00ff);
    ck_assert(!t->sh_seen);
    ck_assert(t->alert_seen);
    ck_assert_uint_eq(t->alert_frame, 6);
    ck_assert_uint_eq(t->alert_dir, RD_DIR_S2C);
    ck_assert_uint_eq(t->alert_level, 2);
    ck_assert_uint_eq(t->alert_desc, 40);
    ck_assert_uint_eq(g->c.first_close.frame, 7);
    ck_assert_uint_eq(g->c.first_close.dir, RD_DIR_S2C);
}
END_TEST

/* RDP over UDP only (tshark: 10 RDPUDP/DTLS frames on udp/3389): no TCP connection. */
START_TEST(rdpeudp_only)
{
    run_capture("rdpeudp-handshake-success.pcap", 0);
    ck_assert_uint_eq(n_got, 0);
}
END_TEST

static Suite *public_suite(void)
{
    Suite *s = suite_create("public");
    TCase *tc = tcase_create("captures");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, rdp003);
    tcase_add_test(tc, proprietary);
    tcase_add_test(tc, x509_chain);
    tcase_add_test(tc, unknown_keyboard);
    tcase_add_test(tc, invalid_length);
    tcase_add_test(tc, no_cookie_duplicates);
    tcase_add_test(tc, to_ssl);
    tcase_add_test(tc, ntlm_rejected);
    tcase_add_test(tc, ntlm_rejected_no_keys);
    tcase_add_loop_test(tc, kerberos, 0, (int)(sizeof(krb_cases) / sizeof(krb_cases[0])));
    tcase_add_loop_test(tc, kerberos_no_keys, 0, (int)(sizeof(krb_cases) / sizeof(krb_cases[0])));
    tcase_add_test(tc, no_nla);
    tcase_add_test(tc, tls_handshake_failure);
    tcase_add_test(tc, rdpeudp_only);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    struct stat st;
    SRunner *sr;
    int failed;

    if (stat(RD_SHARED_DIR "/public-captures", &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("SKIP: ../shared/public-captures not found\n");
        return 0;
    }
    sr = srunner_create(public_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
