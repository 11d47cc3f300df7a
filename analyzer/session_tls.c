/*
 * session_tls.c - TLS on an RDP connection, and what follows it.
 *
 * Records are framed by session.c; here the handshake messages in the clear
 * are reassembled across records and parsed (RFC 5246 7.4, RFC 8446 4), the
 * server certificate is judged at the capture's time, alerts are named, and
 * the encrypted records after the handshake are mapped to the CredSSP legs of
 * MS-CSSP 3.1.5 by order, direction and size (without keys this is an
 * inference, and every event says so), then to MCS and the active phase.
 *
 * With keys (a key log or the server's RSA key, c->secrets) every handshake
 * message and record is also handed to the decryptor (tlsdec.h) in wire order;
 * the decrypted application data goes to session_nla.c, which decodes the
 * CredSSP TSRequests, the Early User Authorization Result and the MCS layer
 * (MS-RDPBCGR 5.4: with Enhanced RDP Security the whole connection sequence
 * after the X.224 exchange travels inside TLS).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keylog.h"
#include "session_int.h"
#include "textfmt.h"
#include "tls.h"
#include "tlsdec.h"
#include "x224.h"
#include "x509.h"

#define HS_BUF (64u * 1024u)

/* An NTLM NEGOTIATE in a TSRequest is well under this; a Kerberos AP-REQ
 * (ticket + authenticator) is well over it (MS-CSSP 2.2.1, MS-KILE 3.2.5.3). */
#define KERBEROS_MIN_TOKEN 700u

/* TLS (SSL-only) or NLA done: this many records from each side after the
 * security phases carry MCS, licensing, capabilities and finalization
 * (MS-RDPBCGR 1.3.1.1), i.e. the connection is active. */
#define ACTIVE_CLIENT_RECORDS 6
#define ACTIVE_SERVER_RECORDS 5

/* With keys the active phase is seen (Demand Active), not inferred; if the
 * decrypted stream never shows it, the inference takes over after this many
 * times its usual record counts. */
#define DECODED_FALLBACK_FACTOR 4

/* RFC 7366: encrypt_then_mac extension. */
#define EXT_ENCRYPT_THEN_MAC 22u

/* The largest TLSCiphertext fragment is 2^14 + 2048 (RFC 5246 6.2.3); the
 * record framing accepts any uint16 length, so the buffer covers that. */
#define DEC_OUT_MAX 65536u

static const char *const leg_names[RD_LEG_COUNT] = {
    "negotiate token",   "server challenge",       "authenticate + pubKeyAuth",
    "server pubKeyAuth", "credentials (authInfo)", "Early User Authorization Result",
};

const char *rd_leg_name(unsigned leg)
{
    return leg < RD_LEG_COUNT ? leg_names[leg] : "?";
}

void rd_sess_tls_free(struct rd_session *s)
{
    free(s->tls.leaf);
    s->tls.leaf = NULL;
    rd_tlsdec_free(s->tlsdec);
    s->tlsdec = NULL;
    rd_sess_nla_free(s);
}

static uint64_t frame_of(const struct rd_packet *p)
{
    return p != NULL ? p->frame : 0;
}

static int64_t ts_of(const struct rd_packet *p)
{
    return p != NULL ? p->ts_ns : 0;
}

/* ---- decryption (tlsdec.h) ----------------------------------------------- */

static bool has_keys(const struct rd_conn *c)
{
    return c->secrets != NULL && (c->secrets->keylog != NULL || c->secrets->rsakey != NULL);
}

static bool has_ext(const struct rd_tls_extension *ext, size_t n, uint16_t type)
{
    for (size_t i = 0; i < n; i++) {
        if (ext[i].type == type) {
            return true;
        }
    }
    return false;
}

/* Give up decrypting this connection, with one note saying why. */
static void dec_give_up(struct rd_conn *c, const struct rd_packet *p, const char *why,
                        bool mismatch)
{
    struct rd_session *s = c->session;

    if (s->dec.failed) {
        return;
    }
    s->dec.failed = true;
    if (mismatch) {
        rd_conn_event(c, p, RD_DIR_NONE, RD_EV_NOTE,
                      "TLS keys given but none matches this session: %s", why);
    } else {
        rd_conn_event(c, p, RD_DIR_NONE, RD_EV_NOTE, "TLS decryption stopped: %s", why);
    }
    rd_tlsdec_free(s->tlsdec);
    s->tlsdec = NULL;
}

/* The decryptor of this connection, created with the first handshake message. */
static struct rd_tlsdec *dec_get(struct rd_conn *c)
{
    struct rd_session *s = c->session;

    if (s->dec.failed || s->counting_only) {
        return NULL;
    }
    if (s->tlsdec == NULL && !s->dec.tried && has_keys(c)) {
        s->dec.tried = true;
        s->tlsdec = rd_tlsdec_new();
    }
    return s->tlsdec;
}

static void dec_setup(struct rd_conn *c, const struct rd_packet *p)
{
    struct rd_session *s = c->session;
    struct rd_tlsdec *d = dec_get(c);
    char why[128];

    if (d == NULL || s->dec.setup_done) {
        return;
    }
    s->dec.setup_done = true;
    if (rd_tlsdec_setup(d, c->secrets->keylog, c->secrets->rsakey, why) != 0) {
        dec_give_up(c, p, why, true);
        return;
    }
    rd_format(s->dec.key_source, sizeof(s->dec.key_source), "%s", rd_tlsdec_key_source(d));
}

/* A plaintext handshake message (4-byte header included), in wire order. */
static void dec_handshake_msg(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                              struct rd_cur msg)
{
    struct rd_session *s = c->session;
    struct rd_tlsdec *d = dec_get(c);
    uint8_t type = 0;

    if (d == NULL) {
        return;
    }
    rd_cur_peek_u8(&msg, &type);
    rd_tlsdec_handshake_msg(d, dir == RD_DIR_C2S, msg.p, msg.len);
    /* The keys can be known after the ServerHello (TLS 1.3, RFC 8446 7.1) or
     * the ClientKeyExchange (RFC 5246 8.1); a resumed session has neither and
     * is set up at its first ChangeCipherSpec. */
    if ((type == RD_TLS_HS_SERVER_HELLO && s->tls.sh_seen && s->tls.version == 0x0304) ||
        (type == RD_TLS_HS_CLIENT_KEY_EXCHANGE && dir == RD_DIR_C2S && s->tls.sh_seen)) {
        dec_setup(c, p);
    }
}

/*
 * Run one record through the decryptor.  True with the plaintext in *out and
 * its (inner) content type when the record was decrypted or copied through.
 */
static bool dec_record(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                       const struct rd_tls_record *r, const uint8_t **out, size_t *outlen,
                       uint8_t *inner)
{
    static uint8_t buf[DEC_OUT_MAX];
    struct rd_session *s = c->session;
    struct rd_tlsdec *d = s->tlsdec;
    size_t before;

    if (d == NULL || s->dec.failed || !s->dec.setup_done || r->is_sslv2 ||
        r->fragment.len > sizeof(buf)) {
        return false;
    }
    before = rd_tlsdec_decrypted(d);
    if (rd_tlsdec_record(d, dir == RD_DIR_C2S, r->content_type, r->fragment.p, r->fragment.len, buf,
                         sizeof(buf), outlen, inner) != 0) {
        char why[RD_EVENT_TEXT];
        rd_format(why, sizeof(why), "%s", rd_tlsdec_error(d));
        dec_give_up(c, p, why, before == 0);
        return false;
    }
    if (rd_tlsdec_decrypted(d) > before) {
        if (!s->dec.decrypting) {
            rd_conn_event(c, p, dir, RD_EV_NOTE, "TLS decrypted with the %s",
                          strcmp(s->dec.key_source, "rsa-key") == 0 ? "server's RSA key"
                                                                    : "key log");
        }
        s->dec.decrypting = true;
        s->dec.records_decrypted[dir]++;
    }
    *out = buf;
    return true;
}

/* ---- handshake messages in the clear ------------------------------------ */

static void on_client_hello(struct rd_conn *c, const struct rd_packet *p,
                            const struct rd_tls_client_hello *ch)
{
    struct rd_tls_facts *t = &c->session->tls;
    uint16_t hi = 0, lo = 0xffff;

    t->ch_seen = true;
    t->ch_frame = frame_of(p);
    t->ch_ts = ts_of(p);
    t->sslv2 = ch->is_sslv2;
    t->ch_legacy_version = ch->legacy_version;
    if (ch->has_supported_versions) {
        for (size_t i = 0; i < ch->n_supported_versions; i++) {
            uint16_t v = ch->supported_versions[i];
            if (rd_tls_is_grease(v)) {
                continue;
            }
            hi = v > hi ? v : hi;
            lo = v < lo ? v : lo;
        }
    }
    if (hi == 0) {
        /* Before TLS 1.3 a client offers every version up to legacy_version;
         * SSL 3.0 is the lowest anyone still sends (RFC 5246 E.1). */
        hi = ch->legacy_version;
        lo = 0x0300;
    }
    t->max_offered = hi;
    t->min_offered = lo;
    t->suites_total = (unsigned)(ch->n_cipher_suites + ch->cipher_suites_dropped);
    for (size_t i = 0; i < ch->n_cipher_suites && t->n_suites < RD_TLS_KEEP_SUITES; i++) {
        t->suites[t->n_suites++] = ch->cipher_suites[i];
    }
    if (ch->has_server_name) {
        rd_sess_copy_text(t->sni, sizeof(t->sni), ch->server_name);
    }
    t->ems = ch->has_extended_master_secret;
    c->session->dec.etm_offered = has_ext(ch->extensions, ch->n_extensions, EXT_ENCRYPT_THEN_MAC);
    memcpy(t->client_random, ch->random, sizeof(t->client_random));
    rd_sess_set_phase(c, p, RD_PHASE_TLS);
    rd_conn_event(c, p, RD_DIR_C2S, RD_EV_DATA,
                  "TLS ClientHello%s: offers %s..%s, %u cipher suites%s%s",
                  ch->is_sslv2 ? " (SSLv2-compatible)" : "", rd_tls_version_name(lo),
                  rd_tls_version_name(hi), t->suites_total, t->sni[0] ? ", SNI " : "", t->sni);
}

static void on_server_hello(struct rd_conn *c, const struct rd_packet *p,
                            const struct rd_tls_server_hello *sh)
{
    struct rd_tls_facts *t = &c->session->tls;

    if (sh->is_hello_retry_request) {
        t->hrr = true;
        rd_conn_event(c, p, RD_DIR_S2C, RD_EV_DATA, "TLS HelloRetryRequest (group %s)",
                      rd_tls_group_name(sh->key_share_group));
        return;
    }
    t->sh_seen = true;
    t->sh_frame = frame_of(p);
    t->sh_ts = ts_of(p);
    t->version = sh->has_supported_versions ? sh->selected_version : sh->legacy_version;
    t->cipher = sh->cipher_suite;
    memcpy(t->server_random, sh->random, sizeof(t->server_random));
    rd_conn_event(c, p, RD_DIR_S2C, RD_EV_DATA, "TLS ServerHello: %s, %s",
                  rd_tls_version_name(t->version), rd_tls_cipher_name(t->cipher));
    if (t->version == 0x0304) {
        t->cert_encrypted = true;
    }
    if (dec_get(c) != NULL) {
        rd_tlsdec_set_hello(c->session->tlsdec, t->client_random, t->server_random, t->version,
                            t->cipher, t->ems && sh->has_extended_master_secret);
        rd_tlsdec_set_encrypt_then_mac(
            c->session->tlsdec,
            c->session->dec.etm_offered &&
                has_ext(sh->extensions, sh->n_extensions, EXT_ENCRYPT_THEN_MAC));
    }
}

/*
 * Parsed facts of the last certificates seen, keyed by their DER bytes.  A farm
 * presents the same few certificates on every connection, and OpenSSL's
 * decoding costs more than everything else rdpdiag does per connection.  The
 * facts do not depend on the capture time (the judgement does, and is redone).
 */
#define CERT_CACHE     8
#define CERT_CACHE_DER 8192

struct cert_cache_ent {
    size_t len;
    uint8_t der[CERT_CACHE_DER];
    struct rd_x509_facts facts;
};

static struct cert_cache_ent *cert_cache; /* CERT_CACHE entries, on first use */
static unsigned cert_cache_next;

static enum rd_status parse_cached(struct rd_bytes der, struct rd_x509_facts *out,
                                   struct rd_diag *diag)
{
    struct cert_cache_ent *e;
    enum rd_status st;

    if (cert_cache == NULL) {
        cert_cache = calloc(CERT_CACHE, sizeof(*cert_cache));
    }
    for (unsigned i = 0; cert_cache != NULL && i < CERT_CACHE; i++) {
        e = &cert_cache[i];
        if (e->len == der.len && der.len > 0 && memcmp(e->der, der.p, der.len) == 0) {
            *out = e->facts;
            return RD_OK;
        }
    }
    st = rd_x509_parse(der, out, diag);
    if (st == RD_OK && cert_cache != NULL && der.len <= CERT_CACHE_DER) {
        e = &cert_cache[cert_cache_next++ % CERT_CACHE];
        e->len = der.len;
        memcpy(e->der, der.p, der.len);
        e->facts = *out;
    }
    return st;
}

static void judge_certificate(struct rd_conn *c, const struct rd_packet *p,
                              const struct rd_tls_certificate *cert)
{
    struct rd_tls_facts *t = &c->session->tls;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_x509_facts *leaf;
    struct rd_x509_judgement j;
    int64_t at = ts_of(p) / 1000000000LL;
    char when[32];

    if (cert->n_certs == 0) {
        rd_conn_event(c, p, RD_DIR_S2C, RD_EV_ANOMALY,
                      "TLS Certificate message with no certificate");
        return;
    }
    leaf = t->leaf != NULL ? t->leaf : malloc(sizeof(*leaf));
    if (leaf == NULL) {
        return;
    }
    t->leaf = leaf;
    if (parse_cached(cert->certs[0], leaf, &diag) != RD_OK) {
        rd_format(t->cert_error, sizeof(t->cert_error), "%s %s",
                  diag.field != NULL ? diag.field : "certificate", rd_why_name(diag.why));
        rd_conn_event(c, p, RD_DIR_S2C, RD_EV_MALFORMED, "server certificate does not parse: %s",
                      t->cert_error);
        return;
    }
    t->cert_parsed = true;
    rd_x509_judge(leaf, at, t->sni[0] ? t->sni : NULL, &j);
    t->expired = j.expired;
    t->not_yet_valid = j.not_yet_valid;
    t->expiring_soon = j.expires_within_30_days;
    t->weak_key = j.weak_key;
    t->weak_sig = j.weak_signature;
    t->name_match = (int)j.name_matches;
    {
        time_t na = (time_t)leaf->not_after;
        struct tm tm;
        if (gmtime_r(&na, &tm) != NULL) {
            strftime(when, sizeof(when), "%Y-%m-%d", &tm);
        } else {
            rd_format(when, sizeof(when), "?");
        }
    }
    rd_conn_event(c, p, RD_DIR_S2C, RD_EV_DATA,
                  "server certificate: %.40s, %s %u, valid until %s%s%s",
                  leaf->has_subject_cn ? leaf->subject_cn : leaf->subject,
                  rd_x509_key_type_name(leaf->key_type), leaf->key_bits, when,
                  j.expired                  ? " (EXPIRED at capture time)"
                  : j.not_yet_valid          ? " (NOT YET VALID at capture time)"
                  : j.expires_within_30_days ? " (expires within 30 days)"
                                             : "",
                  leaf->is_self_signed ? ", self-signed" : "");
}

static void on_handshake_msg(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                             struct rd_cur msg)
{
    struct rd_tls_facts *t = &c->session->tls;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_tls_handshake hs;
    struct rd_cur body;

    if (rd_tls_parse_handshake(msg, &hs, &diag) != RD_OK) {
        rd_sess_malformed(c, p, dir, "TLS handshake message", &diag);
        return;
    }
    rd_cur_init(&body, hs.body.p, hs.body.len);
    switch (hs.msg_type) {
    case RD_TLS_HS_CLIENT_HELLO: {
        static struct rd_tls_client_hello ch; /* large; the analyzer is single-threaded */
        if (rd_tls_parse_client_hello(body, &ch, &diag) != RD_OK) {
            t->ch_seen = true;
            t->ch_frame = frame_of(p);
            t->ch_ts = ts_of(p);
            rd_sess_set_phase(c, p, RD_PHASE_TLS);
            rd_sess_malformed(c, p, dir, "TLS ClientHello", &diag);
            return;
        }
        on_client_hello(c, p, &ch);
        return;
    }
    case RD_TLS_HS_SERVER_HELLO: {
        static struct rd_tls_server_hello sh;
        if (rd_tls_parse_server_hello(body, &sh, &diag) != RD_OK) {
            rd_sess_malformed(c, p, dir, "TLS ServerHello", &diag);
            return;
        }
        on_server_hello(c, p, &sh);
        return;
    }
    case RD_TLS_HS_CERTIFICATE: {
        struct rd_tls_certificate cert;
        if (dir != RD_DIR_S2C) {
            rd_conn_event(c, p, dir, RD_EV_DATA, "TLS client Certificate");
            return;
        }
        t->cert_seen = true;
        t->cert_frame = frame_of(p);
        t->cert_ts = ts_of(p);
        if (rd_tls_parse_certificate(body, t->version == 0x0304, &cert, &diag) != RD_OK) {
            rd_sess_malformed(c, p, dir, "TLS Certificate", &diag);
            return;
        }
        t->n_certs = (unsigned)(cert.n_certs + cert.certs_dropped);
        judge_certificate(c, p, &cert);
        return;
    }
    case RD_TLS_HS_SERVER_HELLO_DONE:
        t->shd_seen = true;
        t->shd_frame = frame_of(p);
        rd_conn_event(c, p, dir, RD_EV_DATA, "TLS ServerHelloDone");
        return;
    case RD_TLS_HS_CLIENT_KEY_EXCHANGE:
        t->cke_seen = true;
        rd_conn_event(c, p, dir, RD_EV_DATA, "TLS ClientKeyExchange");
        return;
    case RD_TLS_HS_SERVER_KEY_EXCHANGE:
    case RD_TLS_HS_CERTIFICATE_REQUEST:
    case RD_TLS_HS_NEW_SESSION_TICKET:
    case RD_TLS_HS_CERTIFICATE_STATUS:
    default:
        rd_conn_event(c, p, dir, RD_EV_DATA, "TLS %s", rd_tls_hs_type_name(hs.msg_type));
        return;
    }
}

/* Handshake records in the clear: reassemble messages that span records. */
static void on_handshake_record(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                                struct rd_bytes frag)
{
    struct rd_session_dir *d = &c->session->dir[dir];
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    size_t off = 0;

    if (d->hs == NULL) {
        d->hs = malloc(HS_BUF);
        if (d->hs == NULL) {
            return;
        }
    }
    if (frag.len > HS_BUF - d->hs_len) {
        rd_conn_event(c, p, dir, RD_EV_NOTE, "TLS handshake message larger than %u bytes: skipped",
                      HS_BUF);
        d->hs_len = 0;
        return;
    }
    memcpy(d->hs + d->hs_len, frag.p, frag.len);
    d->hs_len += frag.len;
    while (off < d->hs_len) {
        struct rd_cur in, msg;
        size_t len = 0;
        enum rd_status st;

        rd_cur_init(&in, d->hs + off, d->hs_len - off);
        st = rd_tls_frame_handshake(in, &len, &diag);
        if (st == RD_NEED_MORE) {
            break;
        }
        if (st == RD_MALFORMED || !rd_cur_take(&in, len, &msg)) {
            rd_sess_malformed(c, p, dir, "TLS handshake framing", &diag);
            d->hs_len = 0;
            return;
        }
        on_handshake_msg(c, dir, p, msg);
        dec_handshake_msg(c, dir, p, msg);
        off += len;
    }
    memmove(d->hs, d->hs + off, d->hs_len - off);
    d->hs_len -= off;
}

static void on_alert(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                     struct rd_bytes frag, bool encrypted)
{
    struct rd_tls_facts *t = &c->session->tls;
    const char *who = dir == RD_DIR_C2S ? "client" : "server";
    struct rd_tls_alert a = {0, 0};
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_cur in;

    rd_cur_init(&in, frag.p, frag.len);
    if (!encrypted && rd_tls_parse_alert(in, &a, &diag) != RD_OK) {
        rd_sess_malformed(c, p, dir, "TLS alert", &diag);
        return;
    }
    if (!t->alert_seen) {
        t->alert_seen = true;
        t->alert_encrypted = encrypted;
        t->alert_frame = frame_of(p);
        t->alert_ts = ts_of(p);
        t->alert_dir = (uint8_t)dir;
        t->alert_level = a.level;
        t->alert_desc = a.description;
    }
    if (encrypted) {
        rd_conn_event(c, p, dir, RD_EV_DATA, "encrypted TLS alert from the %s (%zu bytes)", who,
                      frag.len);
    } else {
        rd_conn_event(c, p, dir, RD_EV_DATA, "TLS alert from the %s: %s %s", who,
                      rd_tls_alert_level_name(a.level), rd_tls_alert_name(a.description));
    }
}

/* An alert that travelled encrypted, as the keys show it. */
static void on_decrypted_alert(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                               struct rd_bytes plain)
{
    struct rd_tls_alert a = {0, 0};
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_cur in;

    rd_cur_init(&in, plain.p, plain.len);
    if (rd_tls_parse_alert(in, &a, &diag) != RD_OK) {
        rd_sess_malformed(c, p, dir, "decrypted TLS alert", &diag);
        return;
    }
    rd_conn_event(c, p, dir, RD_EV_DATA, "TLS alert from the %s (decrypted): %s %s",
                  dir == RD_DIR_C2S ? "client" : "server", rd_tls_alert_level_name(a.level),
                  rd_tls_alert_name(a.description));
}

/* ---- after the handshake: CredSSP legs, MCS, active ---------------------- */

static void add_leg(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p, enum rd_leg leg,
                    size_t bytes)
{
    struct rd_credssp_facts *k = &c->session->credssp;
    struct rd_credssp_leg *l;

    if (k->n_legs > 0 && k->legs[k->n_legs - 1].leg == (uint8_t)leg &&
        k->legs[k->n_legs - 1].dir == (uint8_t)dir) {
        l = &k->legs[k->n_legs - 1]; /* one more record of the same leg */
        l->bytes += (uint32_t)bytes;
        l->records++;
        return;
    }
    if (k->n_legs == RD_CREDSSP_LEGS) {
        return;
    }
    l = &k->legs[k->n_legs++];
    l->frame = frame_of(p);
    l->ts = ts_of(p);
    l->dir = (uint8_t)dir;
    l->leg = (uint8_t)leg;
    l->bytes = (uint32_t)bytes;
    l->records = 1;
    k->reached[leg] = true;
    k->last_leg = leg;
    if (rd_sess_nla_decoding(c->session)) {
        return; /* the decrypted TSRequest is on the timeline already */
    }
    rd_conn_event(c, p, dir, RD_EV_DATA, "CredSSP %s (inferred: %zu-byte encrypted record)",
                  leg_names[leg], bytes);
}

void rd_sess_credssp_leg(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                         enum rd_leg leg, size_t bytes)
{
    add_leg(c, dir, p, leg, bytes);
}

static void start_mcs(struct rd_conn *c, const struct rd_packet *p)
{
    struct rd_session *s = c->session;

    if (s->phase == RD_PHASE_MCS || s->phase == RD_PHASE_ACTIVE) {
        return;
    }
    rd_sess_set_phase(c, p, RD_PHASE_MCS);
    rd_conn_event(c, p, RD_DIR_C2S, RD_EV_DATA, "MCS Connect-Initial (inferred: encrypted)");
}

void rd_sess_after_security(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p)
{
    struct rd_session *s = c->session;

    if (s->phase != RD_PHASE_MCS) {
        return;
    }
    s->post_records[dir]++;
    if (rd_sess_nla_decoding(s)) {
        /* The Demand Active PDU will say it; count on only if it never does. */
        if (s->post_records[RD_DIR_C2S] < DECODED_FALLBACK_FACTOR * ACTIVE_CLIENT_RECORDS ||
            s->post_records[RD_DIR_S2C] < DECODED_FALLBACK_FACTOR * ACTIVE_SERVER_RECORDS) {
            return;
        }
    }
    if (s->post_records[RD_DIR_C2S] >= ACTIVE_CLIENT_RECORDS &&
        s->post_records[RD_DIR_S2C] >= ACTIVE_SERVER_RECORDS) {
        s->active_inferred = true;
        rd_sess_set_phase(c, p, RD_PHASE_ACTIVE);
    }
}

static uint16_t t_version(const struct rd_session *s)
{
    return s->tls.version;
}

/*
 * Map one application-data record to its CredSSP leg (MS-CSSP 3.1.5): the
 * client's token, the server's answer, the client's authenticate and
 * pubKeyAuth, the server's pubKeyAuth, the client's credentials, and with
 * HYBRID_EX the server's Early User Authorization Result; then MCS.
 * Consecutive records of one side form one turn.
 */
static void credssp_record(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                           size_t bytes)
{
    struct rd_session *s = c->session;
    struct rd_credssp_facts *k = &s->credssp;
    bool new_turn = !k->started || k->last_dir != (uint8_t)dir;
    bool hybrid_ex = s->x224.selected == RD_X224_PROTOCOL_HYBRID_EX;

    if (!k->started && dir == RD_DIR_S2C) {
        /* CredSSP starts with the client; a server record before that is a
         * post-handshake message such as a TLS 1.3 NewSessionTicket. */
        if (t_version(s) == 0x0304) {
            rd_conn_event(c, p, dir, RD_EV_DATA,
                          "TLS post-handshake record (%zu bytes, e.g. NewSessionTicket)", bytes);
        }
        return;
    }

    if (new_turn) {
        k->turn++;
        k->started = true;
        k->last_dir = (uint8_t)dir;
    }
    if (s->phase == RD_PHASE_TLS) {
        rd_sess_set_phase(c, p, RD_PHASE_CREDSSP);
    }
    switch (k->turn) {
    case 1:
        if (dir != RD_DIR_C2S) {
            break;
        }
        k->first_client_bytes += (uint32_t)bytes;
        if (!s->dec.pkg_known) {
            k->pkg = k->first_client_bytes >= KERBEROS_MIN_TOKEN ? RD_PKG_KERBEROS : RD_PKG_NTLM;
        }
        add_leg(c, dir, p, RD_LEG_NEGOTIATE, bytes);
        return;
    case 2:
        add_leg(c, dir, p, RD_LEG_CHALLENGE, bytes);
        return;
    case 3:
        add_leg(c, dir, p, RD_LEG_AUTHENTICATE, bytes);
        return;
    case 4:
        add_leg(c, dir, p, RD_LEG_SERVER_PUBKEY, bytes);
        return;
    case 5:
        if (!k->reached[RD_LEG_CREDENTIALS]) {
            add_leg(c, dir, p, RD_LEG_CREDENTIALS, bytes);
            if (hybrid_ex) {
                rd_sess_set_phase(c, p, RD_PHASE_EARLY_USER_AUTH);
            } else {
                k->done = true;
            }
            return;
        }
        k->done = true; /* HYBRID: the client goes straight on to MCS */
        start_mcs(c, p);
        rd_sess_after_security(c, dir, p);
        return;
    case 6:
        if (hybrid_ex && dir == RD_DIR_S2C && !k->reached[RD_LEG_EARLY_AUTH]) {
            add_leg(c, dir, p, RD_LEG_EARLY_AUTH, bytes);
            k->done = true;
            return;
        }
        break;
    default:
        break;
    }
    k->done = true;
    if (dir == RD_DIR_C2S) {
        start_mcs(c, p);
    }
    rd_sess_after_security(c, dir, p);
}

/* TLS 1.3 hides the content type: an alert (2 bytes + inner type) under a
 * 16-byte AEAD tag is a 19-byte record (RFC 8446 5.2), a size no CredSSP or
 * RDP message has. */
#define TLS13_ALERT_RECORD 19u

/* Decrypted bytes of one record, when keys were given (NULL otherwise). */
struct plain {
    const uint8_t *p;
    size_t len;
    uint8_t type; /* the (TLS 1.3 inner) content type */
};

static void on_app_data(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                        struct rd_bytes frag, const struct plain *pt)
{
    struct rd_session *s = c->session;
    struct rd_tls_facts *t = &s->tls;
    size_t bytes = frag.len;

    if (t->version == 0x0304 && t->done &&
        (pt != NULL ? pt->type == RD_TLS_CT_ALERT : bytes == TLS13_ALERT_RECORD)) {
        on_alert(c, dir, p, frag, true);
        if (pt != NULL) {
            struct rd_bytes a = {pt->p, pt->len};
            on_decrypted_alert(c, dir, p, a);
        }
        return;
    }
    if (pt != NULL && pt->type == RD_TLS_CT_HANDSHAKE && t->done && t->version == 0x0304) {
        struct rd_cur hc;
        uint8_t hs_type = 0;
        rd_cur_init(&hc, pt->p, pt->len);
        rd_cur_peek_u8(&hc, &hs_type);
        rd_conn_event(c, p, dir, RD_EV_DATA, "TLS post-handshake message (decrypted): %s",
                      rd_tls_hs_type_name(hs_type));
        return;
    }
    t->app_records[dir]++;
    t->app_bytes[dir] += bytes;
    if (t->version == 0x0304 && !t->done) {
        /* TLS 1.3: the server's encrypted flight, then the client's Finished. */
        if (dir == RD_DIR_C2S) {
            t->done = true;
            t->done_frame = frame_of(p);
            t->done_ts = ts_of(p);
            rd_conn_event(c, p, dir, RD_EV_DATA,
                          "TLS 1.3 handshake complete (inferred: the client's Finished)");
        }
        return;
    }
    if (!t->done) {
        return;
    }
    if (pt != NULL && pt->type == RD_TLS_CT_APPLICATION_DATA) {
        rd_sess_nla_plaintext(c, dir, p, pt->p, pt->len);
        if (s->counting_only) {
            rd_tlsdec_free(s->tlsdec); /* active: nothing more is decoded */
            s->tlsdec = NULL;
            rd_sess_nla_free(s);
            return;
        }
    }
    if (rd_sess_nla_decoding(s)) {
        /* The decrypted TSRequests and PDUs set the legs and phases. */
        if (s->phase == RD_PHASE_MCS) {
            rd_sess_after_security(c, dir, p);
        }
        return;
    }
    if (s->nla && !s->credssp.done) {
        credssp_record(c, dir, p, bytes);
        return;
    }
    if (dir == RD_DIR_C2S) {
        start_mcs(c, p);
    }
    rd_sess_after_security(c, dir, p);
}

static void check_done(struct rd_conn *c, const struct rd_packet *p)
{
    struct rd_tls_facts *t = &c->session->tls;

    if (!t->done && t->finished[0] && t->finished[1]) {
        t->done = true;
        t->done_frame = frame_of(p);
        t->done_ts = ts_of(p);
        rd_conn_event(c, p, RD_DIR_NONE, RD_EV_DATA, "TLS handshake complete: %s, %s",
                      rd_tls_version_name(t->version), rd_tls_cipher_name(t->cipher));
    }
}

void rd_sess_tls_record(struct rd_conn *c, enum rd_dir dir, const struct rd_packet *p,
                        struct rd_cur rec)
{
    struct rd_session *s = c->session;
    struct rd_tls_facts *t = &s->tls;
    struct rd_diag diag = {RD_WHY_NONE, NULL, 0};
    struct rd_tls_record r;
    struct plain plain = {NULL, 0, 0};
    bool encrypted, have_plain;

    if (rd_tls_parse_record(rec, &r, &diag) != RD_OK) {
        t->malformed++;
        rd_sess_malformed(c, p, dir, "TLS record", &diag);
        return;
    }
    t->records[dir]++;
    encrypted = t->ccs[dir] || (t->version == 0x0304 && t->sh_seen);
    if (r.content_type == RD_TLS_CT_CHANGE_CIPHER_SPEC && t->version != 0x0304 && !t->ccs[0] &&
        !t->ccs[1]) {
        dec_setup(c, p); /* an abbreviated (resumed) handshake has no ClientKeyExchange */
    }
    have_plain = dec_record(c, dir, p, &r, &plain.p, &plain.len, &plain.type);
    switch (r.content_type) {
    case RD_TLS_CT_CHANGE_CIPHER_SPEC:
        if (t->version != 0x0304) {
            t->ccs[dir] = true;
            t->ccs_frame[dir] = frame_of(p);
            rd_conn_event(c, p, dir, RD_EV_DATA, "TLS ChangeCipherSpec");
        }
        return;
    case RD_TLS_CT_ALERT:
        on_alert(c, dir, p, r.fragment, encrypted);
        if (encrypted && have_plain) {
            struct rd_bytes a = {plain.p, plain.len};
            on_decrypted_alert(c, dir, p, a);
        }
        return;
    case RD_TLS_CT_HANDSHAKE:
        if (r.is_sslv2) {
            static struct rd_tls_client_hello ch;
            struct rd_cur in;
            rd_cur_init(&in, r.fragment.p, r.fragment.len);
            if (rd_tls_parse_sslv2_client_hello(in, &ch, &diag) != RD_OK) {
                rd_sess_malformed(c, p, dir, "SSLv2 ClientHello", &diag);
                return;
            }
            on_client_hello(c, p, &ch);
            return;
        }
        if (encrypted) {
            if (!t->finished[dir]) {
                t->finished[dir] = true;
                t->finished_frame[dir] = frame_of(p);
                rd_conn_event(c, p, dir, RD_EV_DATA, "TLS Finished (encrypted)");
                check_done(c, p);
            }
            return;
        }
        on_handshake_record(c, dir, p, r.fragment);
        return;
    case RD_TLS_CT_APPLICATION_DATA:
        on_app_data(c, dir, p, r.fragment, have_plain && encrypted ? &plain : NULL);
        return;
    default:
        rd_conn_event(c, p, dir, RD_EV_DATA, "TLS %s record",
                      rd_tls_content_type_name(r.content_type));
        return;
    }
}
