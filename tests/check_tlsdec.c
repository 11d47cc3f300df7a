/*
 * check_tlsdec.c - TLS record decryption against real OpenSSL sessions.
 *
 * tests/data/tls/generate.sh recorded one loopback session per suite with tcpdump
 * (<name>.pcap, Ethernet link type) and the key log s_client wrote (<name>.keylog).
 * Each side sent one line, "rdpdiag-test-payload-<side>-<name>\n", and closed with a
 * close_notify alert.  This test reads the pcap with a small local parser (classic pcap,
 * Ethernet, IPv4, TCP; loopback loses nothing, so each direction's payload is appended
 * in sequence order), frames the TLS records, takes the hello values and handshake
 * messages the way the session layer will, and checks the decrypted application data.
 * One real Windows RDP capture from the shared public captures is decrypted too.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cursor.h"
#include "keylog.h"
#include "pcapng_dsb.h"
#include "tlsdec.h"

#ifndef RD_TLS_DATA_DIR
#define RD_TLS_DATA_DIR "tests/data/tls"
#endif
#ifndef RD_PUBLIC_CAPTURES
#define RD_PUBLIC_CAPTURES "../shared/public-captures"
#endif

#define MAX_STREAM  65536
#define MAX_RECORDS 64

struct record {
    uint8_t type;
    struct rd_bytes frag;
};

struct side {
    uint8_t buf[MAX_STREAM];
    size_t len;
    uint32_t next_seq;
    bool have_seq;
    struct record rec[MAX_RECORDS];
    size_t nrec;
};

struct session {
    struct side cli;
    struct side srv;
    uint8_t client_random[32];
    uint8_t server_random[32];
    uint16_t version;
    uint16_t suite;
    bool ems;
    bool etm;
};

static void path_of(char *out, size_t size, const char *name, const char *ext)
{
    snprintf(out, size, "%s/%s%s", RD_TLS_DATA_DIR, name, ext);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    buf = malloc(1 << 20);
    ck_assert_ptr_nonnull(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

/*
 * One Ethernet frame of the first TCP connection in the file: IPv4, TCP, payload
 * appended to its direction when it is the next in sequence (loopback and these
 * captures have no loss; retransmitted or duplicate segments are skipped).
 */
static void handle_frame(struct session *s, struct rd_cur pkt, uint16_t *client_port,
                         uint16_t *server_port)
{
    struct rd_cur ip;
    uint16_t ethertype;
    uint8_t vihl;
    uint8_t proto;
    uint16_t totlen;
    uint16_t sport;
    uint16_t dport;
    uint32_t seq;
    uint8_t off;
    uint8_t flags;
    struct side *sd;
    struct rd_bytes payload;

    ck_assert(rd_cur_skip(&pkt, 12) && rd_cur_u16be(&pkt, &ethertype));
    if (ethertype != 0x0800) {
        return;
    }
    ck_assert(rd_cur_u8(&pkt, &vihl) && rd_cur_skip(&pkt, 1) && rd_cur_u16be(&pkt, &totlen));
    ck_assert(rd_cur_skip(&pkt, 5) && rd_cur_u8(&pkt, &proto));
    if (proto != 6) {
        return;
    }
    ck_assert(rd_cur_skip(&pkt, (size_t)(vihl & 0xf) * 4 - 10));
    ck_assert(totlen >= (vihl & 0xf) * 4);
    ck_assert(rd_cur_take(&pkt, totlen - (size_t)(vihl & 0xf) * 4, &ip));
    ck_assert(rd_cur_u16be(&ip, &sport) && rd_cur_u16be(&ip, &dport) && rd_cur_u32be(&ip, &seq) &&
              rd_cur_skip(&ip, 4) && rd_cur_u8(&ip, &off) && rd_cur_u8(&ip, &flags));
    ck_assert(rd_cur_skip(&ip, (size_t)(off >> 4) * 4 - 14));
    if ((flags & 0x12) == 0x02 && *server_port == 0) {
        *server_port = dport; /* the first SYN without ACK is the client's */
        *client_port = sport;
    }
    if (!((sport == *client_port && dport == *server_port) ||
          (sport == *server_port && dport == *client_port))) {
        return;
    }
    sd = sport == *server_port ? &s->srv : &s->cli;
    if (flags & 0x02) {
        sd->next_seq = seq + 1;
        sd->have_seq = true;
        return;
    }
    payload = rd_cur_rest(&ip);
    if (payload.len == 0 || !sd->have_seq || seq != sd->next_seq) {
        return;
    }
    ck_assert(sd->len + payload.len <= sizeof(sd->buf));
    memcpy(sd->buf + sd->len, payload.p, payload.len);
    sd->len += payload.len;
    sd->next_seq += (uint32_t)payload.len;
}

/*
 * Classic pcap (little-endian microsecond magic, as tcpdump writes it) or little-endian
 * pcapng (Section Header, Interface Description and Enhanced Packet Blocks); Ethernet.
 */
static void read_capture(const char *path, struct session *s)
{
    size_t len;
    uint8_t *file;
    struct rd_cur c;
    uint32_t magic;
    uint32_t linktype;
    uint16_t client_port = 0;
    uint16_t server_port = 0;

    file = slurp(path, &len);
    rd_cur_init(&c, file, len);
    ck_assert(rd_cur_u32le(&c, &magic));
    if (magic == 0x0A0D0D0A) {
        c.p = file;
        c.len = len;
        while (!rd_cur_is_empty(&c)) {
            uint32_t type;
            uint32_t total;
            struct rd_cur body;
            ck_assert(rd_cur_u32le(&c, &type) && rd_cur_u32le(&c, &total) && total >= 12);
            ck_assert(rd_cur_take(&c, total - 12, &body) && rd_cur_skip(&c, 4));
            if (type == 1) {
                uint16_t lt;
                ck_assert(rd_cur_u16le(&body, &lt) && lt == 1);
            } else if (type == 6) {
                /* EPB: interface, timestamp (2 x u32), captured length, original length. */
                uint32_t caplen;
                struct rd_cur pkt;
                ck_assert(rd_cur_skip(&body, 12) && rd_cur_u32le(&body, &caplen) &&
                          rd_cur_skip(&body, 4) && rd_cur_take(&body, caplen, &pkt));
                handle_frame(s, pkt, &client_port, &server_port);
            }
        }
        free(file);
        return;
    }
    ck_assert(magic == 0xa1b2c3d4);
    ck_assert(rd_cur_skip(&c, 16) && rd_cur_u32le(&c, &linktype) && linktype == 1);
    while (!rd_cur_is_empty(&c)) {
        uint32_t caplen;
        struct rd_cur pkt;
        ck_assert(rd_cur_skip(&c, 8) && rd_cur_u32le(&c, &caplen) && rd_cur_skip(&c, 4));
        ck_assert(rd_cur_take(&c, caplen, &pkt));
        handle_frame(s, pkt, &client_port, &server_port);
    }
    free(file);
}

/* Frame one direction into TLS records (type, version, length, fragment). */
static void frame_records(struct side *sd)
{
    struct rd_cur c;
    uint8_t first;
    uint16_t tpkt_len;

    rd_cur_init(&c, sd->buf, sd->len);
    /* RDP: a TPKT (version 3, reserved, length; T.123 8) carrying the X.224 negotiation
     * precedes TLS on the same connection. */
    if (rd_cur_peek_u8(&c, &first) && first == 3) {
        struct rd_cur t = c;
        ck_assert(rd_cur_skip(&t, 2) && rd_cur_u16be(&t, &tpkt_len));
        ck_assert(rd_cur_skip(&c, tpkt_len));
    }
    while (!rd_cur_is_empty(&c)) {
        struct rd_cur frag;
        ck_assert(sd->nrec < MAX_RECORDS);
        ck_assert(rd_cur_u8(&c, &sd->rec[sd->nrec].type) && rd_cur_skip(&c, 2) &&
                  rd_cur_prefixed_u16be(&c, &frag));
        sd->rec[sd->nrec].frag = rd_cur_rest(&frag);
        sd->nrec++;
    }
}

/* ServerHello: version, random, session id, suite, compression, extensions. */
static void parse_server_hello(struct session *s, struct rd_cur body)
{
    struct rd_cur sid;
    struct rd_cur exts;

    ck_assert(rd_cur_u16be(&body, &s->version) && rd_cur_copy(&body, 32, s->server_random, 32) &&
              rd_cur_prefixed_u8(&body, &sid) && rd_cur_u16be(&body, &s->suite) &&
              rd_cur_skip(&body, 1));
    if (!rd_cur_prefixed_u16be(&body, &exts)) {
        return;
    }
    while (!rd_cur_is_empty(&exts)) {
        uint16_t type;
        struct rd_cur ext;
        ck_assert(rd_cur_u16be(&exts, &type) && rd_cur_prefixed_u16be(&exts, &ext));
        if (type == 23) {
            s->ems = true;
        } else if (type == 22) {
            s->etm = true;
        } else if (type == 43) {
            ck_assert(rd_cur_u16be(&ext, &s->version)); /* RFC 8446 4.2.1 */
        }
    }
}

/*
 * Walk the plaintext handshake records of one side up to its ChangeCipherSpec, its
 * ServerHelloDone, or (TLS 1.3) its first protected record; hand each message to the
 * decryptor and pick up the hello values.  Records do not split messages in these sessions.
 */
static size_t feed_handshake(struct session *s, struct rd_tlsdec *d, bool from_client, size_t first,
                             bool only_first)
{
    struct side *sd = from_client ? &s->cli : &s->srv;
    bool flight_done = false;
    size_t i;

    for (i = first; i < sd->nrec && sd->rec[i].type == 22; i++) {
        struct rd_cur c;
        rd_cur_init(&c, sd->rec[i].frag.p, sd->rec[i].frag.len);
        while (!rd_cur_is_empty(&c)) {
            struct rd_cur whole = c;
            struct rd_cur body;
            uint8_t type;
            struct rd_bytes m;
            ck_assert(rd_cur_u8(&c, &type) && rd_cur_prefixed_u24be(&c, &body));
            m.p = whole.p;
            m.len = whole.len - c.len;
            if (type == 1) {
                ck_assert(rd_cur_skip(&body, 2) && rd_cur_copy(&body, 32, s->client_random, 32));
            } else if (type == 2) {
                parse_server_hello(s, body);
            } else if (type == 14) {
                /* ServerHelloDone ends the server's first flight; a NewSessionTicket
                 * after it follows the client's ClientKeyExchange on the wire. */
                flight_done = true;
            }
            rd_tlsdec_handshake_msg(d, from_client, m.p, m.len);
        }
        if (only_first || flight_done) {
            return i + 1;
        }
    }
    return i;
}

static void load_session_file(const char *path, struct session *s, struct rd_tlsdec *d)
{
    size_t next;

    memset(s, 0, sizeof(*s));
    read_capture(path, s);
    frame_records(&s->cli);
    frame_records(&s->srv);
    /* Wire order of a full handshake: ClientHello, the server's flight, the client's. */
    next = feed_handshake(s, d, true, 0, true);
    feed_handshake(s, d, false, 0, false);
    feed_handshake(s, d, true, next, false);
    rd_tlsdec_set_hello(d, s->client_random, s->server_random, s->version, s->suite, s->ems);
    rd_tlsdec_set_encrypt_then_mac(d, s->etm);
}

static void load_session(const char *name, struct session *s, struct rd_tlsdec *d)
{
    char path[512];

    path_of(path, sizeof(path), name, ".pcap");
    load_session_file(path, s, d);
}

static struct rd_keylog *load_keylog(const char *name)
{
    char path[512];
    char err[256];
    struct rd_keylog *kl = rd_keylog_new();

    ck_assert_ptr_nonnull(kl);
    path_of(path, sizeof(path), name, ".keylog");
    ck_assert_int_eq(rd_keylog_load_file(kl, path, err), 0);
    ck_assert_uint_eq(rd_keylog_malformed(kl), 0);
    return kl;
}

static struct rd_rsakey *load_key(const char *file)
{
    char path[512];
    char err[256];
    struct rd_rsakey *key;

    path_of(path, sizeof(path), file, "");
    key = rd_rsakey_load(path, err);
    ck_assert_msg(key != NULL, "%s", err);
    return key;
}

/* Decrypt every record of one side; append application data to app, count alerts. */
static void decrypt_side(struct rd_tlsdec *d, struct side *sd, bool from_client, char *app,
                         size_t appsize, size_t *alerts)
{
    static uint8_t out[MAX_STREAM];
    size_t applen = 0;

    for (size_t i = 0; i < sd->nrec; i++) {
        size_t outlen = 0;
        uint8_t inner = 0;
        int rc = rd_tlsdec_record(d, from_client, sd->rec[i].type, sd->rec[i].frag.p,
                                  sd->rec[i].frag.len, out, sizeof(out), &outlen, &inner);
        ck_assert_msg(rc == 0, "record %zu (%s): %s", i, from_client ? "client" : "server",
                      rd_tlsdec_error(d));
        if (inner == 23) {
            ck_assert(applen + outlen < appsize);
            memcpy(app + applen, out, outlen);
            applen += outlen;
        } else if (inner == 21) {
            /* close_notify: level warning (1), description 0 (RFC 5246 7.2.1). */
            ck_assert_uint_eq(outlen, 2);
            ck_assert_uint_eq(out[0], 1);
            ck_assert_uint_eq(out[1], 0);
            (*alerts)++;
        }
    }
    app[applen] = '\0';
}

static void check_payloads(struct rd_tlsdec *d, struct session *s, const char *name)
{
    char app[4096];
    char want[256];
    size_t alerts = 0;

    decrypt_side(d, &s->srv, false, app, sizeof(app), &alerts);
    snprintf(want, sizeof(want), "rdpdiag-test-payload-server-%s\n", name);
    ck_assert_str_eq(app, want);
    decrypt_side(d, &s->cli, true, app, sizeof(app), &alerts);
    snprintf(want, sizeof(want), "rdpdiag-test-payload-client-%s\n", name);
    ck_assert_str_eq(app, want);
    ck_assert_uint_ge(alerts, 1);
    ck_assert_uint_gt(rd_tlsdec_decrypted(d), 2);
}

static const char *const sessions[] = {
    "tls10-ecdhe-aes128-sha",
    "tls11-ecdhe-aes256-sha",
    "tls12-ecdhe-aes128-sha256",
    "tls12-ecdhe-aes256-sha384",
    "tls12-ecdhe-aes128-sha-etm",
    "tls12-ecdhe-aes128-gcm",
    "tls12-ecdhe-aes256-gcm",
    "tls12-ecdhe-chacha20",
    "tls13-aes128-gcm",
    "tls13-aes256-gcm",
    "tls13-chacha20",
    "tls12-rsa-aes128-sha",
    "tls12-rsa-aes256-gcm",
    "tls10-rsa-aes128-sha-noems",
};
#define NSESSIONS (sizeof(sessions) / sizeof(sessions[0]))

static struct session sess;

/* Every suite and version, keys from the key log. */
START_TEST(test_keylog_decrypts)
{
    const char *name = sessions[_i];
    struct rd_tlsdec *d = rd_tlsdec_new();
    struct rd_keylog *kl = load_keylog(name);
    char why[128];

    load_session(name, &sess, d);
    ck_assert_msg(rd_tlsdec_setup(d, kl, NULL, why) == 0, "%s: %s", name, why);
    ck_assert_str_eq(rd_tlsdec_key_source(d), "keylog");
    check_payloads(d, &sess, name);
    rd_tlsdec_free(d);
    rd_keylog_free(kl);
}
END_TEST

/* RSA key exchange with the server's key: with EMS (1.2 CBC, 1.2 GCM) and without (1.0). */
static const char *const rsa_sessions[] = {"tls12-rsa-aes128-sha", "tls12-rsa-aes256-gcm",
                                           "tls10-rsa-aes128-sha-noems"};

START_TEST(test_rsa_key_decrypts)
{
    const char *name = rsa_sessions[_i];
    struct rd_tlsdec *d = rd_tlsdec_new();
    struct rd_rsakey *key = load_key(_i == 0 ? "server.der" : "server.key");
    struct rd_keylog *empty = rd_keylog_new();
    char why[128];

    load_session(name, &sess, d);
    ck_assert(sess.ems == (_i != 2));
    /* An empty key log is tried first and falls back to the key. */
    ck_assert_msg(rd_tlsdec_setup(d, empty, key, why) == 0, "%s: %s", name, why);
    ck_assert_str_eq(rd_tlsdec_key_source(d), "rsa-key");
    check_payloads(d, &sess, name);
    rd_tlsdec_free(d);
    rd_rsakey_free(key);
    rd_keylog_free(empty);
}
END_TEST

START_TEST(test_wrong_keylog)
{
    struct rd_tlsdec *d = rd_tlsdec_new();
    struct rd_keylog *kl = load_keylog("tls12-ecdhe-aes128-gcm");
    char why[128];

    load_session("tls12-ecdhe-chacha20", &sess, d);
    ck_assert_int_eq(rd_tlsdec_setup(d, kl, NULL, why), -1);
    ck_assert_str_eq(why, "no CLIENT_RANDOM entry in the key log for this session");
    rd_tlsdec_free(d);

    d = rd_tlsdec_new();
    load_session("tls13-aes128-gcm", &sess, d);
    ck_assert_int_eq(rd_tlsdec_setup(d, kl, NULL, why), -1);
    ck_assert_str_eq(why, "no CLIENT_HANDSHAKE_TRAFFIC_SECRET entry in the key log for this "
                          "session");
    ck_assert_int_eq(rd_tlsdec_setup(d, NULL, NULL, why), -1);
    ck_assert_str_eq(why, "TLS 1.3 needs a key log; an RSA key cannot decrypt it");
    rd_tlsdec_free(d);
    rd_keylog_free(kl);
}
END_TEST

/* A key log line whose secret is wrong: setup works, the first record fails its MAC. */
START_TEST(test_keylog_secret_mismatch)
{
    struct rd_tlsdec *d = rd_tlsdec_new();
    struct rd_keylog *kl = rd_keylog_new();
    char line[256];
    char hex[65];
    char why[128];
    uint8_t out[MAX_STREAM];
    size_t outlen;
    uint8_t inner;
    size_t i;

    load_session("tls12-ecdhe-aes128-sha256", &sess, d);
    for (i = 0; i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", sess.client_random[i]);
    }
    snprintf(line, sizeof(line), "CLIENT_RANDOM %s %096d\n", hex, 0);
    rd_keylog_load_mem(kl, (const uint8_t *)line, strlen(line));
    ck_assert_uint_eq(rd_keylog_count(kl), 1);
    ck_assert_int_eq(rd_tlsdec_setup(d, kl, NULL, why), 0);
    for (i = 0; sess.srv.rec[i].type != 20; i++) {
        ck_assert_int_eq(rd_tlsdec_record(d, false, sess.srv.rec[i].type, sess.srv.rec[i].frag.p,
                                          sess.srv.rec[i].frag.len, out, sizeof(out), &outlen,
                                          &inner),
                         0);
    }
    ck_assert_int_eq(rd_tlsdec_record(d, false, 20, sess.srv.rec[i].frag.p,
                                      sess.srv.rec[i].frag.len, out, sizeof(out), &outlen, &inner),
                     0);
    i++;
    ck_assert_int_eq(rd_tlsdec_record(d, false, sess.srv.rec[i].type, sess.srv.rec[i].frag.p,
                                      sess.srv.rec[i].frag.len, out, sizeof(out), &outlen, &inner),
                     -1);
    ck_assert(strcmp(rd_tlsdec_error(d), "bad CBC padding") == 0 ||
              strcmp(rd_tlsdec_error(d), "bad record MAC") == 0);
    ck_assert_uint_eq(rd_tlsdec_decrypted(d), 0);
    rd_tlsdec_free(d);
    rd_keylog_free(kl);
}
END_TEST

START_TEST(test_rsa_key_refusals)
{
    struct rd_tlsdec *d = rd_tlsdec_new();
    struct rd_rsakey *key = load_key("server.key");
    struct rd_rsakey *other = load_key("other.key");
    char why[128];

    /* ECDHE: the server key signs, it does not decrypt anything. */
    load_session("tls12-ecdhe-aes128-gcm", &sess, d);
    ck_assert_int_eq(rd_tlsdec_setup(d, NULL, key, why), -1);
    ck_assert_str_eq(why, "cipher suite 0xc02f is not an RSA key exchange: an RSA key cannot "
                          "decrypt it, a key log can");
    rd_tlsdec_free(d);

    /* Another 2048-bit key: PKCS#1 padding does not check out. */
    d = rd_tlsdec_new();
    load_session("tls12-rsa-aes128-sha", &sess, d);
    ck_assert_int_eq(rd_tlsdec_setup(d, NULL, other, why), -1);
    ck_assert_str_eq(why, "RSA key does not match the session: the premaster does not decrypt");
    /* A premaster of another size than the key. */
    rd_tlsdec_set_rsa_premaster(d, sess.client_random, 32);
    ck_assert_int_eq(rd_tlsdec_setup(d, NULL, key, why), -1);
    ck_assert_str_eq(why, "RSA key does not match: a 256-byte key, a 32-byte encrypted premaster");
    ck_assert_str_eq(rd_tlsdec_error(d), why);
    rd_tlsdec_free(d);

    /* EMS without the transcript: the handshake messages were not fed. */
    d = rd_tlsdec_new();
    load_session("tls12-rsa-aes128-sha", &sess, d);
    rd_tlsdec_free(d);
    d = rd_tlsdec_new();
    rd_tlsdec_set_hello(d, sess.client_random, sess.server_random, sess.version, sess.suite, true);
    ck_assert_int_eq(rd_tlsdec_setup(d, NULL, key, why), -1);
    ck_assert_str_eq(why, "no ClientKeyExchange seen, so no premaster to decrypt");
    rd_tlsdec_set_rsa_premaster(d, sess.srv.buf, 256);
    ck_assert_int_eq(rd_tlsdec_setup(d, NULL, key, why), -1);
    ck_assert(strncmp(why, "RSA key does not match", 22) == 0 ||
              strncmp(why, "extended master secret", 22) == 0);
    ck_assert_int_eq(rd_tlsdec_setup(d, NULL, NULL, why), -1);
    ck_assert_str_eq(why, "no key log and no RSA key given");
    rd_tlsdec_free(d);
    rd_rsakey_free(key);
    rd_rsakey_free(other);
}
END_TEST

START_TEST(test_setup_refusals)
{
    static const uint8_t r[32] = {0};
    struct rd_tlsdec *d = rd_tlsdec_new();
    char why[128];
    uint8_t out[64];
    size_t outlen;
    uint8_t inner;

    ck_assert_int_eq(rd_tlsdec_setup(d, NULL, NULL, why), -1);
    ck_assert_str_eq(why, "no ServerHello seen");
    ck_assert_int_eq(rd_tlsdec_record(d, true, 23, r, 32, out, sizeof(out), &outlen, &inner), -1);
    ck_assert_str_eq(rd_tlsdec_error(d), "decryption not set up");
    rd_tlsdec_set_hello(d, r, r, 0x0303, 0x0005, false); /* RC4-SHA */
    ck_assert_int_eq(rd_tlsdec_setup(d, NULL, NULL, why), -1);
    ck_assert_str_eq(why, "unsupported cipher suite 0x0005");
    rd_tlsdec_set_hello(d, r, r, 0x0300, 0x002f, false); /* SSL 3.0 */
    ck_assert_int_eq(rd_tlsdec_setup(d, NULL, NULL, why), -1);
    ck_assert_str_eq(why, "unsupported TLS version 0x0300");
    rd_tlsdec_set_hello(d, r, r, 0x0304, 0x002f, false);
    ck_assert_int_eq(rd_tlsdec_setup(d, NULL, NULL, why), -1);
    ck_assert_str_eq(why, "cipher suite 0x002f does not belong to version 0x0304");
    rd_tlsdec_set_hello(d, r, r, 0x0301, 0xc02f, false);
    ck_assert_int_eq(rd_tlsdec_setup(d, NULL, NULL, why), -1);
    ck_assert_str_eq(why, "cipher suite 0xc02f needs TLS 1.2, not version 0x0301");
    ck_assert_int_eq(rd_tlsdec_record(d, true, 23, r, 32, out, 8, &outlen, &inner), -1);
    ck_assert_str_eq(rd_tlsdec_error(d), "output buffer smaller than the record");
    rd_tlsdec_free(d);
}
END_TEST

/* The ETM session decrypts only when encrypt-then-MAC is declared. */
START_TEST(test_etm_must_be_declared)
{
    struct rd_tlsdec *d = rd_tlsdec_new();
    struct rd_keylog *kl = load_keylog("tls12-ecdhe-aes128-sha-etm");
    char why[128];
    uint8_t out[MAX_STREAM];
    size_t outlen;
    uint8_t inner;
    size_t i;

    load_session("tls12-ecdhe-aes128-sha-etm", &sess, d);
    ck_assert(sess.etm);
    rd_tlsdec_set_encrypt_then_mac(d, false);
    ck_assert_int_eq(rd_tlsdec_setup(d, kl, NULL, why), 0);
    for (i = 0; sess.cli.rec[i].type != 20; i++) {
    }
    rd_tlsdec_record(d, true, 20, sess.cli.rec[i].frag.p, sess.cli.rec[i].frag.len, out,
                     sizeof(out), &outlen, &inner);
    i++;
    ck_assert_int_eq(rd_tlsdec_record(d, true, 22, sess.cli.rec[i].frag.p, sess.cli.rec[i].frag.len,
                                      out, sizeof(out), &outlen, &inner),
                     -1);
    rd_tlsdec_free(d);
    rd_keylog_free(kl);
}
END_TEST

/*
 * Every prefix of the first protected record and a copy with each byte flipped: the
 * decryptor must refuse (never read past the prefix: run under ASan), one session per
 * protection mode.
 */
static const char *const sweep_sessions[] = {
    "tls10-ecdhe-aes128-sha", "tls12-ecdhe-aes128-sha-etm", "tls12-ecdhe-aes256-gcm",
    "tls12-ecdhe-chacha20",   "tls13-aes256-gcm",
};

START_TEST(test_truncation_and_tamper)
{
    const char *name = sweep_sessions[_i];
    struct rd_keylog *kl = load_keylog(name);
    struct rd_tlsdec *d = rd_tlsdec_new();
    uint8_t out[MAX_STREAM];
    uint8_t copy[MAX_STREAM];
    char why[128];
    size_t outlen;
    uint8_t inner;
    size_t first = 0;
    struct record *r;

    load_session(name, &sess, d);
    rd_tlsdec_free(d);
    /* The server's first protected record: after its CCS (<= 1.2) or its first type 23. */
    while (sess.srv.rec[first].type != (sess.version == 0x0304 ? 23 : 20)) {
        first++;
    }
    if (sess.version != 0x0304) {
        first++;
    }
    r = &sess.srv.rec[first];
    for (size_t n = 0; n <= r->frag.len; n++) {
        for (size_t flip = 0; flip <= n; flip++) {
            uint8_t *p;
            int rc;
            if (n == r->frag.len && flip == n) {
                continue;
            }
            if (n < r->frag.len && flip < n) {
                continue; /* prefixes: unmodified only */
            }
            d = rd_tlsdec_new();
            rd_tlsdec_set_hello(d, sess.client_random, sess.server_random, sess.version, sess.suite,
                                sess.ems);
            rd_tlsdec_set_encrypt_then_mac(d, sess.etm);
            ck_assert_int_eq(rd_tlsdec_setup(d, kl, NULL, why), 0);
            if (sess.version != 0x0304) {
                rd_tlsdec_record(d, false, 20, (const uint8_t *)"\x01", 1, out, sizeof(out),
                                 &outlen, &inner);
            }
            p = malloc(n ? n : 1); /* exact size, so ASan sees any overread */
            memcpy(p, r->frag.p, n);
            if (flip < n) {
                p[flip] ^= 0x01;
            }
            rc = rd_tlsdec_record(d, false, r->type, p, n, out, sizeof(out), &outlen, &inner);
            ck_assert_msg(rc == -1, "%s: length %zu flip %zu accepted", name, n, flip);
            ck_assert_uint_eq(outlen, 0);
            ck_assert(rd_tlsdec_error(d)[0] != '\0');
            free(p);
            rd_tlsdec_free(d);
        }
    }
    /* The intact record still decrypts after all that. */
    d = rd_tlsdec_new();
    rd_tlsdec_set_hello(d, sess.client_random, sess.server_random, sess.version, sess.suite,
                        sess.ems);
    rd_tlsdec_set_encrypt_then_mac(d, sess.etm);
    ck_assert_int_eq(rd_tlsdec_setup(d, kl, NULL, why), 0);
    if (sess.version != 0x0304) {
        rd_tlsdec_record(d, false, 20, (const uint8_t *)"\x01", 1, out, sizeof(out), &outlen,
                         &inner);
    }
    memcpy(copy, r->frag.p, r->frag.len);
    ck_assert_int_eq(
        rd_tlsdec_record(d, false, r->type, copy, r->frag.len, out, sizeof(out), &outlen, &inner),
        0);
    ck_assert_uint_eq(inner, 22);
    rd_tlsdec_free(d);
    rd_keylog_free(kl);
}
END_TEST

START_TEST(test_rsakey_load_errors)
{
    char path[512];
    char err[256];

    path_of(path, sizeof(path), "server.pem", "");
    ck_assert_ptr_null(rd_rsakey_load(path, err));
    ck_assert(strstr(err, "is a certificate, not a private key") != NULL);
    path_of(path, sizeof(path), "ec.key", "");
    ck_assert_ptr_null(rd_rsakey_load(path, err));
    ck_assert(strstr(err, "not an RSA key") != NULL);
    path_of(path, sizeof(path), "encrypted.key", "");
    ck_assert_ptr_null(rd_rsakey_load(path, err));
    ck_assert(strstr(err, "the private key is encrypted") != NULL);
    path_of(path, sizeof(path), "tls12-rsa-aes128-sha", ".keylog");
    ck_assert_ptr_null(rd_rsakey_load(path, err));
    ck_assert(strstr(err, "not a PEM or DER private key") != NULL);
    path_of(path, sizeof(path), "no-such-file", ".key");
    ck_assert_ptr_null(rd_rsakey_load(path, err));
    ck_assert(strstr(err, "No such file") != NULL);
}
END_TEST

/* A PEM file holding the certificate first and the key after it (a common bundle). */
START_TEST(test_rsakey_bundle)
{
    char path[512];
    char tmpl[] = "/tmp/check_tlsdec_XXXXXX";
    char err[256];
    size_t n;
    uint8_t *cert;
    uint8_t *key;
    struct rd_rsakey *k;
    int fd = mkstemp(tmpl);
    FILE *f;

    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "wb");
    path_of(path, sizeof(path), "server.pem", "");
    cert = slurp(path, &n);
    ck_assert_uint_eq(fwrite(cert, 1, n, f), n);
    path_of(path, sizeof(path), "server.key", "");
    key = slurp(path, &n);
    ck_assert_uint_eq(fwrite(key, 1, n, f), n);
    fclose(f);
    k = rd_rsakey_load(tmpl, err);
    unlink(tmpl);
    ck_assert_msg(k != NULL, "%s", err);
    rd_rsakey_free(k);
    free(cert);
    free(key);
}
END_TEST

/*
 * Real-world: a Windows client and server (awakecoding/wireshark-rdp,
 * rdp-nla-ntlm-rejected1.pcapng, first connection, frames 4-15): X.224 negotiation,
 * TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384 (0xc030) with EMS, secrets from the file's own
 * Decryption Secrets Block.  The CredSSP exchange inside must decrypt: the client's
 * first TSRequest (frame 12) opens with a DER SEQUENCE, and the server's last one
 * (frame 15) carries errorCode [4] INTEGER 0x80090302 (SEC_E_UNSUPPORTED_FUNCTION):
 *   a4 06            [4] constructed, length 6
 *      02 04         INTEGER, length 4
 *         80 09 03 02
 */
START_TEST(test_windows_capture)
{
    const char *path = RD_PUBLIC_CAPTURES "/rdp-nla-ntlm-rejected1.pcapng";
    static const uint8_t error_code[] = {0xa4, 0x06, 0x02, 0x04, 0x80, 0x09, 0x03, 0x02};
    struct rd_keylog *kl;
    struct rd_tlsdec *d;
    char err[256];
    char why[128];
    size_t found = 0;
    uint8_t out[MAX_STREAM];
    size_t outlen;
    uint8_t inner;
    bool client_seq = false;
    bool server_error = false;

    if (access(path, R_OK) != 0) {
        printf("skipped: %s not present\n", path);
        return;
    }
    kl = rd_keylog_new();
    ck_assert_int_eq(rd_pcapng_read_dsb(path, kl, &found, err), 0);
    d = rd_tlsdec_new();
    load_session_file(path, &sess, d);
    ck_assert_uint_eq(sess.version, 0x0303);
    ck_assert_uint_eq(sess.suite, 0xc030);
    ck_assert(sess.ems);
    ck_assert_msg(rd_tlsdec_setup(d, kl, NULL, why) == 0, "%s", why);
    for (size_t i = 0; i < sess.cli.nrec; i++) {
        ck_assert_msg(rd_tlsdec_record(d, true, sess.cli.rec[i].type, sess.cli.rec[i].frag.p,
                                       sess.cli.rec[i].frag.len, out, sizeof(out), &outlen,
                                       &inner) == 0,
                      "client record %zu: %s", i, rd_tlsdec_error(d));
        if (inner == 23 && !client_seq) {
            ck_assert_uint_gt(outlen, 0);
            ck_assert_uint_eq(out[0], 0x30);
            client_seq = true;
        }
    }
    for (size_t i = 0; i < sess.srv.nrec; i++) {
        ck_assert_msg(rd_tlsdec_record(d, false, sess.srv.rec[i].type, sess.srv.rec[i].frag.p,
                                       sess.srv.rec[i].frag.len, out, sizeof(out), &outlen,
                                       &inner) == 0,
                      "server record %zu: %s", i, rd_tlsdec_error(d));
        if (inner == 23 && memmem(out, outlen, error_code, sizeof(error_code)) != NULL) {
            server_error = true;
        }
    }
    ck_assert(client_seq);
    ck_assert(server_error);
    rd_tlsdec_free(d);
    rd_keylog_free(kl);
}
END_TEST

static Suite *tlsdec_suite(void)
{
    Suite *s = suite_create("tlsdec");
    TCase *tc = tcase_create("sessions");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_keylog_decrypts, 0, (int)NSESSIONS);
    tcase_add_loop_test(tc, test_rsa_key_decrypts, 0, 3);
    tcase_add_test(tc, test_wrong_keylog);
    tcase_add_test(tc, test_keylog_secret_mismatch);
    tcase_add_test(tc, test_rsa_key_refusals);
    tcase_add_test(tc, test_setup_refusals);
    tcase_add_test(tc, test_etm_must_be_declared);
    tcase_add_loop_test(tc, test_truncation_and_tamper, 0,
                        (int)(sizeof(sweep_sessions) / sizeof(sweep_sessions[0])));
    tcase_add_test(tc, test_rsakey_load_errors);
    tcase_add_test(tc, test_rsakey_bundle);
    tcase_add_test(tc, test_windows_capture);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tlsdec_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
