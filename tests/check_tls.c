/*
 * check_tls.c - unit tests for dissectors/tls.c and dissectors/tls_names.c.
 *
 * Vectors are either written from the RFCs (field by field) or copied from the
 * public captures with `tshark -r FILE -Y frame.number==N -T fields -e
 * tcp.payload` (file and frame cited above each).  The last test case reads
 * the captures themselves from $(srcdir)/../shared/public-captures and skips,
 * saying why, when that directory is absent.
 */
#include "config.h"

#include "tls.h"
#include "x509.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- vectors ------------------------------------------------------------- */

/*
 * A TLS 1.3 ClientHello body written from RFC 8446 4.1.2 (minimal valid with
 * every decoded extension once).  158 bytes.
 *   Handshake Protocol: Client Hello
 *     Version: TLS 1.2 (0x0303)
 *     Random: 000102...1f
 *     Session ID Length: 0
 *     Cipher Suites (2 suites)
 *     Compression Methods (1 method)
 *     Extensions Length: 113
 */
static const uint8_t ch13[] = {
    /* 0: legacy_version TLS 1.2 */
    0x03, 0x03,
    /* 2: random */
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    /* 34: legacy_session_id length 0 */
    0x00,
    /* 35: cipher_suites length 4: TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384 */
    0x00, 0x04, 0x13, 0x01, 0x13, 0x02,
    /* 41: legacy_compression_methods length 1: null */
    0x01, 0x00,
    /* 43: extensions length 113 */
    0x00, 0x71,
    /* 45: server_name (0), length 14; 49: list length 12; 51: host_name (0);
     * 52: length 9; "host.test" */
    0x00, 0x00, 0x00, 0x0e, 0x00, 0x0c, 0x00, 0x00, 0x09, 'h', 'o', 's', 't', '.', 't', 'e', 's',
    't',
    /* 63: supported_versions (43), length 5; 67: list length 4: TLS 1.3, TLS 1.2 */
    0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03,
    /* 72: supported_groups (10), length 6; 76: list length 4: x25519, secp256r1 */
    0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17,
    /* 82: signature_algorithms (13), length 6; 86: list length 4:
     * rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256 */
    0x00, 0x0d, 0x00, 0x06, 0x00, 0x04, 0x08, 0x04, 0x04, 0x03,
    /* 92: key_share (51), length 38; 96: client_shares length 36;
     * 98: group x25519; 100: key_exchange length 32 */
    0x00, 0x33, 0x00, 0x26, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20,
    /* 102: key_exchange */
    0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
    0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
    /* 134: application_layer_protocol_negotiation (16), length 11;
     * 138: list length 9; 140: name length 8, "http/1.1" */
    0x00, 0x10, 0x00, 0x0b, 0x00, 0x09, 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1',
    /* 149: extended_master_secret (23), length 0 */
    0x00, 0x17, 0x00, 0x00,
    /* 153: renegotiation_info (65281), length 1; 157: renegotiated_connection length 0 */
    0xff, 0x01, 0x00, 0x01, 0x00};

/* Offsets and widths of every length field in ch13. */
struct len_field {
    size_t off;
    size_t width;
};
static const struct len_field ch13_lens[] = {
    {34, 1},  {35, 2},  {41, 1},  {43, 2},  {47, 2},  {49, 2},  {52, 2}, {65, 2},
    {67, 1},  {74, 2},  {76, 2},  {84, 2},  {86, 2},  {94, 2},  {96, 2}, {100, 2},
    {136, 2}, {138, 2}, {140, 1}, {151, 2}, {155, 2}, {157, 1},
};
/* ch13 without extensions is itself a valid (TLS 1.2-style) ClientHello. */
#define CH13_NO_EXT_LEN 43u

/*
 * rdp-to-ssl.pcap frame 8 (Windows 7 client to Windows Server 2008 R2, after
 * X.224): one record holding the ClientHello.  121 bytes.
 *   TLSv1 Record Layer: Handshake Protocol: Client Hello
 */
static const uint8_t rec_ch_win7[] = {
    /* record: handshake (22), TLS 1.0, length 116 */
    0x16, 0x03, 0x01, 0x00, 0x74,
    /* handshake: client_hello (1), length 112 */
    0x01, 0x00, 0x00, 0x70,
    /* client_version TLS 1.0 */
    0x03, 0x01,
    /* random (gmt_unix_time 4d570ec5 = 2011-02-12) */
    0x4d, 0x57, 0x0e, 0xc5, 0x8a, 0x9b, 0x7d, 0x32, 0x5e, 0xd9, 0x08, 0xde, 0x8c, 0xb2, 0xb4, 0xde,
    0x50, 0xec, 0x88, 0x18, 0x4a, 0x1f, 0x6e, 0xc7, 0x23, 0xc1, 0xd5, 0xa3, 0x44, 0xa6, 0xcc, 0x34,
    /* session_id length 0 */
    0x00,
    /* cipher_suites length 24: 002f 0035 0005 000a c013 c014 c009 c00a 0032 0038 0013 0004 */
    0x00, 0x18, 0x00, 0x2f, 0x00, 0x35, 0x00, 0x05, 0x00, 0x0a, 0xc0, 0x13, 0xc0, 0x14, 0xc0, 0x09,
    0xc0, 0x0a, 0x00, 0x32, 0x00, 0x38, 0x00, 0x13, 0x00, 0x04,
    /* compression_methods length 1: null */
    0x01, 0x00,
    /* extensions length 47 */
    0x00, 0x2f,
    /* server_name, length 18: list 16: host_name, length 13, "192.168.1.150" */
    0x00, 0x00, 0x00, 0x12, 0x00, 0x10, 0x00, 0x00, 0x0d, 0x31, 0x39, 0x32, 0x2e, 0x31, 0x36, 0x38,
    0x2e, 0x31, 0x2e, 0x31, 0x35, 0x30,
    /* status_request (5), length 5: ocsp, no responder ids, no extensions */
    0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00,
    /* supported_groups (10), length 6: list 4: secp256r1, secp384r1 */
    0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x17, 0x00, 0x18,
    /* ec_point_formats (11), length 2: list 1: uncompressed */
    0x00, 0x0b, 0x00, 0x02, 0x01, 0x00};

/*
 * rdp-no-nla-accepted1.pcapng frame 7 (Windows Server, TLS 1.2): the first
 * handshake message of the record, the ServerHello.  85 bytes.
 *   Handshake Protocol: Server Hello, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
 */
static const uint8_t hs_sh_win[] = {
    /* handshake: server_hello (2), length 81 */
    0x02, 0x00, 0x00, 0x51,
    /* 4 (body 0): server_version TLS 1.2 */
    0x03, 0x03,
    /* random */
    0x66, 0x39, 0x3c, 0x7f, 0x85, 0x63, 0x76, 0x07, 0xc7, 0xcd, 0xda, 0x74, 0x45, 0xce, 0x96, 0x16,
    0xf8, 0x1c, 0x48, 0xe1, 0x20, 0x63, 0xb5, 0x91, 0xdf, 0xc5, 0xe4, 0xcc, 0xb2, 0xbb, 0xd4, 0xdc,
    /* body 34: session_id length 32 */
    0x20, 0xbb, 0x22, 0x00, 0x00, 0x89, 0x52, 0xa5, 0x9b, 0xd6, 0xb7, 0x41, 0x6a, 0x35, 0xad, 0x11,
    0xcd, 0x70, 0x15, 0xb4, 0x45, 0x23, 0x27, 0x2d, 0x9b, 0x00, 0x7d, 0xa9, 0x30, 0x19, 0x55, 0x1c,
    0x43,
    /* body 67: cipher_suite 0xc030; compression null */
    0xc0, 0x30, 0x00,
    /* body 70: extensions length 9 */
    0x00, 0x09,
    /* extended_master_secret, length 0 (length at body 74) */
    0x00, 0x17, 0x00, 0x00,
    /* renegotiation_info, length 1 (at body 78): empty renegotiated_connection (at 80) */
    0xff, 0x01, 0x00, 0x01, 0x00};
static const struct len_field sh_win_lens[] = {{34, 1}, {70, 2}, {74, 2}, {78, 2}, {80, 1}};
#define SH_WIN_NO_EXT_LEN 70u

/*
 * A HelloRetryRequest body written from RFC 8446 4.1.3/4.1.4: the special
 * random, TLS_AES_128_GCM_SHA256, supported_versions TLS 1.3, key_share
 * selected_group secp256r1.  52 bytes.
 */
static const uint8_t hrr_body[] = {
    /* legacy_version */
    0x03, 0x03,
    /* random = SHA-256("HelloRetryRequest") */
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
    /* legacy_session_id_echo empty; cipher_suite; compression */
    0x00, 0x13, 0x01, 0x00,
    /* extensions length 12 */
    0x00, 0x0c,
    /* supported_versions, length 2: TLS 1.3 */
    0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
    /* key_share, length 2: selected_group secp256r1 */
    0x00, 0x33, 0x00, 0x02, 0x00, 0x17};

/*
 * A TLS 1.3 ServerHello body (RFC 8446 4.1.3): TLS_AES_256_GCM_SHA384,
 * supported_versions TLS 1.3, key_share x25519 with a 32-byte key.  86 bytes.
 */
static const uint8_t sh13_body[] = {
    0x03, 0x03,
    /* random */
    0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
    0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
    /* session id empty; cipher suite; compression */
    0x00, 0x13, 0x02, 0x00,
    /* extensions length 46 */
    0x00, 0x2e,
    /* supported_versions, length 2: TLS 1.3 */
    0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
    /* key_share, length 36: group x25519, key_exchange length 32 */
    0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};

/* Certificate, TLS 1.2 form (RFC 5246 7.4.2), two tiny opaque certificates. */
static const uint8_t cert12_body[] = {
    /* certificate_list length 10 */
    0x00, 0x00, 0x0a,
    /* cert 1: length 3 */
    0x00, 0x00, 0x03, 0xaa, 0xbb, 0xcc,
    /* cert 2: length 1 */
    0x00, 0x00, 0x01, 0xdd};
static const struct len_field cert12_lens[] = {{0, 3}, {3, 3}, {9, 3}};

/* Certificate, TLS 1.3 form (RFC 8446 4.4.2). */
static const uint8_t cert13_body[] = {
    /* certificate_request_context length 0 */
    0x00,
    /* certificate_list length 14 */
    0x00, 0x00, 0x0e,
    /* entry 1: cert_data length 3, extensions length 0 */
    0x00, 0x00, 0x03, 0xaa, 0xbb, 0xcc, 0x00, 0x00,
    /* entry 2: cert_data length 1, extensions length 0 */
    0x00, 0x00, 0x01, 0xdd, 0x00, 0x00};

/*
 * An SSLv2-compatible ClientHello (RFC 5246 E.2) as old clients sent it.
 * 48 bytes.
 */
static const uint8_t sslv2_ch[] = {
    /* msg_length: high bit set, 46 */
    0x80, 0x2e,
    /* msg_type client_hello */
    0x01,
    /* version TLS 1.0 */
    0x03, 0x01,
    /* cipher_spec_length 21, session_id_length 0, challenge_length 16 */
    0x00, 0x15, 0x00, 0x00, 0x00, 0x10,
    /* cipher specs: TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_256_CBC_SHA,
     * TLS_RSA_WITH_3DES_EDE_CBC_SHA, SSL_CK_DES_192_EDE3_CBC_WITH_MD5 (SSLv2
     * only), SSL_CK_RC4_128_WITH_MD5 (SSLv2 only), TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
     * TLS_RSA_WITH_RC4_128_SHA */
    0x00, 0x00, 0x2f, 0x00, 0x00, 0x35, 0x00, 0x00, 0x0a, 0x07, 0x00, 0xc0, 0x01, 0x00, 0x80, 0x00,
    0x00, 0xff, 0x00, 0x00, 0x05,
    /* challenge */
    0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf};

/*
 * tls-1.2-handshake-failure.pcap frame 6: the server's answer to the
 * ClientHello.
 *   TLSv1.2 Record Layer: Alert (Level: Fatal, Description: Handshake Failure)
 */
static const uint8_t rec_alert_hsfail[] = {
    /* record: alert (21), TLS 1.2, length 2 */
    0x15, 0x03, 0x03, 0x00, 0x02,
    /* level fatal (2), description handshake_failure (40) */
    0x02, 0x28};

/* ChangeCipherSpec record (RFC 5246 7.1). */
static const uint8_t rec_ccs[] = {0x14, 0x03, 0x03, 0x00, 0x01, 0x01};

/* ServerKeyExchange, ECDHE, TLS 1.2 (RFC 8422 5.4) with a 4-byte point. */
static const uint8_t ske_ecdhe[] = {
    /* curve_type named_curve, secp384r1 */
    0x03, 0x00, 0x18,
    /* point length 4 */
    0x04, 0x04, 0x01, 0x02, 0x03,
    /* signature algorithm rsa_pss_rsae_sha256, signature length 2 */
    0x08, 0x04, 0x00, 0x02, 0xaa, 0xbb};

/* ServerKeyExchange, DHE, TLS 1.0 (RFC 5246 7.4.3 without the algorithm). */
static const uint8_t ske_dhe10[] = {
    /* dh_p length 1, dh_g length 1, dh_Ys length 1 */
    0x00, 0x01, 0x17, 0x00, 0x01, 0x05, 0x00, 0x01, 0x08,
    /* signature length 2 */
    0x00, 0x02, 0xaa, 0xbb};

/* ---- helpers ------------------------------------------------------------- */

static struct rd_cur cur(const uint8_t *p, size_t n)
{
    struct rd_cur c;
    rd_cur_init(&c, p, n);
    return c;
}

/* Mutate a big-endian length field by delta (modulo its width). */
static void bump(uint8_t *buf, struct len_field f, int delta)
{
    uint32_t v = 0;
    uint32_t mask = f.width == 1 ? 0xffu : f.width == 2 ? 0xffffu : 0xffffffu;

    for (size_t i = 0; i < f.width; i++) {
        v = v << 8 | buf[f.off + i];
    }
    v = (uint32_t)((int64_t)v + delta) & mask;
    for (size_t i = f.width; i > 0; i--) {
        buf[f.off + i - 1] = (uint8_t)v;
        v >>= 8;
    }
}

/* Which parser a status vector goes through. */
enum kind {
    K_CH,
    K_SH,
    K_CERT12,
    K_CERT13,
    K_SSLV2,
    K_ALERT,
    K_CCS,
    K_SHD,
    K_SKE_ECDHE12,
    K_SKE_DHE10,
    K_SKE_RSA,
    K_CKE_RSA10,
    K_CKE_RSA_SSL3,
    K_CKE_ECDHE,
    K_CKE_DHE,
    K_CKE_PSK,
    K_RECORD,
    K_HANDSHAKE
};

static enum rd_status run(enum kind k, struct rd_cur c, struct rd_diag *diag)
{
    struct rd_tls_client_hello ch;
    struct rd_tls_server_hello sh;
    struct rd_tls_certificate cert;
    struct rd_tls_alert alert;
    struct rd_tls_server_key_exchange ske;
    struct rd_tls_client_key_exchange cke;
    struct rd_tls_record rec;
    struct rd_tls_handshake hs;

    switch (k) {
    case K_CH:
        return rd_tls_parse_client_hello(c, &ch, diag);
    case K_SH:
        return rd_tls_parse_server_hello(c, &sh, diag);
    case K_CERT12:
        return rd_tls_parse_certificate(c, false, &cert, diag);
    case K_CERT13:
        return rd_tls_parse_certificate(c, true, &cert, diag);
    case K_SSLV2:
        return rd_tls_parse_sslv2_client_hello(c, &ch, diag);
    case K_ALERT:
        return rd_tls_parse_alert(c, &alert, diag);
    case K_CCS:
        return rd_tls_parse_change_cipher_spec(c, diag);
    case K_SHD:
        return rd_tls_parse_server_hello_done(c, diag);
    case K_SKE_ECDHE12:
        return rd_tls_parse_server_key_exchange(c, RD_TLS_VERSION_TLS12, 0xc030, &ske, diag);
    case K_SKE_DHE10:
        return rd_tls_parse_server_key_exchange(c, RD_TLS_VERSION_TLS10, 0x0039, &ske, diag);
    case K_SKE_RSA:
        return rd_tls_parse_server_key_exchange(c, RD_TLS_VERSION_TLS12, 0x002f, &ske, diag);
    case K_CKE_RSA10:
        return rd_tls_parse_client_key_exchange(c, RD_TLS_VERSION_TLS10, 0x002f, &cke, diag);
    case K_CKE_RSA_SSL3:
        return rd_tls_parse_client_key_exchange(c, RD_TLS_VERSION_SSL3, 0x000a, &cke, diag);
    case K_CKE_ECDHE:
        return rd_tls_parse_client_key_exchange(c, RD_TLS_VERSION_TLS12, 0xc02f, &cke, diag);
    case K_CKE_DHE:
        return rd_tls_parse_client_key_exchange(c, RD_TLS_VERSION_TLS12, 0x009e, &cke, diag);
    case K_CKE_PSK:
        return rd_tls_parse_client_key_exchange(c, RD_TLS_VERSION_TLS12, 0x008c, &cke, diag);
    case K_RECORD:
        return rd_tls_parse_record(c, &rec, diag);
    case K_HANDSHAKE:
        return rd_tls_parse_handshake(c, &hs, diag);
    }
    return RD_MALFORMED;
}

/* ---- status vectors ------------------------------------------------------ */

struct svec {
    const char *name;
    enum kind kind;
    const uint8_t *bytes;
    size_t len;
    enum rd_status st;
    enum rd_why why;
    const char *field; /* NULL: not checked */
};

#define BYTES(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static const struct svec svecs[] = {
    {"ch13", K_CH, ch13, sizeof ch13, RD_OK, RD_WHY_NONE, NULL},
    {"ch13 without extensions", K_CH, ch13, CH13_NO_EXT_LEN, RD_OK, RD_WHY_NONE, NULL},
    {"sh win", K_SH, hs_sh_win + 4, sizeof hs_sh_win - 4, RD_OK, RD_WHY_NONE, NULL},
    {"hrr", K_SH, hrr_body, sizeof hrr_body, RD_OK, RD_WHY_NONE, NULL},
    {"sh13", K_SH, sh13_body, sizeof sh13_body, RD_OK, RD_WHY_NONE, NULL},
    {"cert12", K_CERT12, cert12_body, sizeof cert12_body, RD_OK, RD_WHY_NONE, NULL},
    {"cert13", K_CERT13, cert13_body, sizeof cert13_body, RD_OK, RD_WHY_NONE, NULL},
    {"sslv2", K_SSLV2, sslv2_ch + 2, sizeof sslv2_ch - 2, RD_OK, RD_WHY_NONE, NULL},
    {"ske ecdhe", K_SKE_ECDHE12, ske_ecdhe, sizeof ske_ecdhe, RD_OK, RD_WHY_NONE, NULL},
    {"ske dhe", K_SKE_DHE10, ske_dhe10, sizeof ske_dhe10, RD_OK, RD_WHY_NONE, NULL},
    /* Empty certificate list: a server with no certificate (RFC 5246 7.4.2). */
    {"cert12 empty", K_CERT12, BYTES(0x00, 0x00, 0x00), RD_OK, RD_WHY_NONE, NULL},
    {"cert12 zero-length cert", K_CERT12, BYTES(0x00, 0x00, 0x03, 0x00, 0x00, 0x00), RD_MALFORMED,
     RD_WHY_BAD_VALUE, "tls.certificate.cert"},
    {"cert12 trailing", K_CERT12, BYTES(0x00, 0x00, 0x00, 0x00), RD_MALFORMED, RD_WHY_TRAILING,
     "tls.certificate"},
    {"alert fatal handshake_failure", K_ALERT, BYTES(0x02, 0x28), RD_OK, RD_WHY_NONE, NULL},
    {"alert short", K_ALERT, BYTES(0x02), RD_MALFORMED, RD_WHY_SHORT, "tls.alert"},
    {"alert trailing", K_ALERT, BYTES(0x02, 0x28, 0x00), RD_MALFORMED, RD_WHY_TRAILING,
     "tls.alert"},
    {"alert level 3", K_ALERT, BYTES(0x03, 0x28), RD_MALFORMED, RD_WHY_BAD_VALUE,
     "tls.alert.level"},
    {"ccs", K_CCS, BYTES(0x01), RD_OK, RD_WHY_NONE, NULL},
    {"ccs empty", K_CCS, NULL, 0, RD_MALFORMED, RD_WHY_SHORT, "tls.change_cipher_spec"},
    {"ccs value 2", K_CCS, BYTES(0x02), RD_MALFORMED, RD_WHY_BAD_VALUE, "tls.change_cipher_spec"},
    {"ccs trailing", K_CCS, BYTES(0x01, 0x01), RD_MALFORMED, RD_WHY_TRAILING,
     "tls.change_cipher_spec"},
    {"shd", K_SHD, NULL, 0, RD_OK, RD_WHY_NONE, NULL},
    {"shd trailing", K_SHD, BYTES(0x00), RD_MALFORMED, RD_WHY_TRAILING, "tls.server_hello_done"},
    /* RSA suites have no ServerKeyExchange we decode (RFC 5246 7.4.3). */
    {"ske rsa", K_SKE_RSA, BYTES(0x00), RD_MALFORMED, RD_WHY_UNSUPPORTED,
     "tls.server_key_exchange.kx"},
    {"ske explicit_prime", K_SKE_ECDHE12, BYTES(0x01, 0x00), RD_MALFORMED, RD_WHY_UNSUPPORTED,
     "tls.server_key_exchange.curve_type"},
    {"ske ecdhe trailing", K_SKE_ECDHE12,
     BYTES(0x03, 0x00, 0x17, 0x01, 0x04, 0x04, 0x01, 0x00, 0x00, 0x00), RD_MALFORMED,
     RD_WHY_TRAILING, "tls.server_key_exchange"},
    /* ClientKeyExchange, RSA, TLS 1.0: EncryptedPreMasterSecret length 4. */
    {"cke rsa", K_CKE_RSA10, BYTES(0x00, 0x04, 0xde, 0xad, 0xbe, 0xef), RD_OK, RD_WHY_NONE, NULL},
    {"cke rsa +1", K_CKE_RSA10, BYTES(0x00, 0x05, 0xde, 0xad, 0xbe, 0xef), RD_MALFORMED,
     RD_WHY_OVERRUN, "tls.client_key_exchange.rsa"},
    {"cke rsa -1", K_CKE_RSA10, BYTES(0x00, 0x03, 0xde, 0xad, 0xbe, 0xef), RD_MALFORMED,
     RD_WHY_TRAILING, "tls.client_key_exchange"},
    /* SSL 3.0 sends the encrypted premaster secret bare (RFC 6101 5.6.7.1). */
    {"cke rsa ssl3", K_CKE_RSA_SSL3, BYTES(0xde, 0xad, 0xbe, 0xef), RD_OK, RD_WHY_NONE, NULL},
    {"cke ecdhe", K_CKE_ECDHE, BYTES(0x03, 0x04, 0x01, 0x02), RD_OK, RD_WHY_NONE, NULL},
    {"cke ecdhe trailing", K_CKE_ECDHE, BYTES(0x01, 0x04, 0x01), RD_MALFORMED, RD_WHY_TRAILING,
     "tls.client_key_exchange"},
    {"cke dhe", K_CKE_DHE, BYTES(0x00, 0x02, 0x01, 0x02), RD_OK, RD_WHY_NONE, NULL},
    {"cke psk", K_CKE_PSK, BYTES(0x00, 0x00), RD_MALFORMED, RD_WHY_UNSUPPORTED,
     "tls.client_key_exchange.kx"},
    /* RFC 8446 4.2: one extension type at most once per hello. */
    {"ch duplicate extension", K_CH,
     BYTES(0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           0, 0, 0, 0, 0, 0,                   /* random */
           0x00,                               /* session id */
           0x00, 0x02, 0x00, 0x2f, 0x01, 0x00, /* suites, compression */
           0x00, 0x08, 0x00, 0x17, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00 /* EMS twice */),
     RD_MALFORMED, RD_WHY_BAD_VALUE, "tls.hello.extension.duplicate"},
    /* RFC 5246 7.4.1.2: at least one cipher suite, an even length. */
    {"ch no suites", K_CH,
     BYTES(0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x01, 0x00),
     RD_MALFORMED, RD_WHY_BAD_VALUE, "tls.client_hello.cipher_suites"},
    /* RFC 8446 4.1.2: legacy_session_id<0..32>. */
    {"ch session id 33", K_CH,
     BYTES(0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           0, 0, 0, 0, 0, 0, 0x21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x02, 0x00, 0x2f, 0x01, 0x00),
     RD_MALFORMED, RD_WHY_BAD_VALUE, "tls.client_hello.session_id"},
    {"ch short random", K_CH, BYTES(0x03, 0x03, 0x00), RD_MALFORMED, RD_WHY_SHORT,
     "tls.client_hello.random"},
    /* ServerHello ALPN must name exactly one protocol (RFC 7301 3.1). */
    {"sh alpn two names", K_SH,
     BYTES(0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           0, 0, 0, 0, 0, 0, 0x00, 0xc0, 0x2f, 0x00, /* sid, suite, compression */
           0x00, 0x0a, 0x00, 0x10, 0x00, 0x06, 0x00, 0x04, 0x01, 'a', 0x01, 'b'),
     RD_MALFORMED, RD_WHY_BAD_VALUE, "tls.ext.alpn"},
    {"record header only", K_RECORD, BYTES(0x17, 0x03, 0x03, 0x00), RD_MALFORMED, RD_WHY_SHORT,
     "tls.record.length"},
    {"record trailing", K_RECORD, BYTES(0x15, 0x03, 0x03, 0x00, 0x01, 0x00, 0x00), RD_MALFORMED,
     RD_WHY_TRAILING, "tls.record"},
    {"record length +1", K_RECORD, BYTES(0x15, 0x03, 0x03, 0x00, 0x03, 0x02, 0x28), RD_MALFORMED,
     RD_WHY_SHORT, "tls.record.length"},
    {"record type 25", K_RECORD, BYTES(0x19, 0x03, 0x03, 0x00, 0x00), RD_MALFORMED,
     RD_WHY_BAD_VALUE, "tls.record.content_type"},
    {"handshake trailing", K_HANDSHAKE, BYTES(0x0e, 0x00, 0x00, 0x00, 0x00), RD_MALFORMED,
     RD_WHY_TRAILING, "tls.handshake"},
    {"handshake short", K_HANDSHAKE, BYTES(0x0e, 0x00, 0x00, 0x01), RD_MALFORMED, RD_WHY_SHORT,
     "tls.handshake.length"},
    {"sslv2 msg_type 4", K_SSLV2, BYTES(0x04, 0x03, 0x01), RD_MALFORMED, RD_WHY_BAD_VALUE,
     "tls.sslv2.msg_type"},
    {"sslv2 challenge 8", K_SSLV2,
     BYTES(0x01, 0x03, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x2f, 1, 2, 3, 4, 5, 6,
           7, 8),
     RD_MALFORMED, RD_WHY_BAD_VALUE, "tls.sslv2.challenge_length"},
    {"sslv2 trailing", K_SSLV2,
     BYTES(0x01, 0x03, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x2f, 1, 2, 3, 4, 5, 6,
           7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17),
     RD_MALFORMED, RD_WHY_TRAILING, "tls.sslv2"},
};

START_TEST(test_status_vectors)
{
    const struct svec *v = &svecs[_i];
    struct rd_diag diag = {0};
    enum rd_status st = run(v->kind, cur(v->bytes, v->len), &diag);

    ck_assert_msg(st == v->st, "%s: status %d, want %d (%s at %s)", v->name, st, v->st,
                  rd_why_name(diag.why), diag.field != NULL ? diag.field : "-");
    ck_assert_msg(diag.why == v->why, "%s: why %s, want %s (%s)", v->name, rd_why_name(diag.why),
                  rd_why_name(v->why), diag.field != NULL ? diag.field : "-");
    if (v->field != NULL) {
        ck_assert_str_eq(diag.field, v->field);
    }
}
END_TEST

/* Truncation sweep over every valid status vector: every proper prefix fails
 * (ASan proves nothing past it is read), except prefixes that are themselves
 * valid shorter messages. */
START_TEST(test_truncation_sweep)
{
    const struct svec *v = &svecs[_i];

    if (v->st != RD_OK) {
        return;
    }
    for (size_t n = 0; n < v->len; n++) {
        struct rd_diag diag = {0};
        uint8_t *copy = malloc(n > 0 ? n : 1);
        enum rd_status st;
        enum rd_status want = RD_MALFORMED;

        ck_assert_ptr_nonnull(copy);
        if (n > 0) {
            memcpy(copy, v->bytes, n);
        }
        st = run(v->kind, cur(copy, n), &diag);
        /* RFC 5246 7.4.1.2/7.4.1.3: a hello may end after its compression. */
        if ((v->kind == K_CH && n == CH13_NO_EXT_LEN) ||
            (v->kind == K_SH && n == 38 && v->bytes == hrr_body) ||
            (v->kind == K_SH && n == 38 && v->bytes == sh13_body) ||
            (v->kind == K_SH && n == SH_WIN_NO_EXT_LEN && v->bytes == hs_sh_win + 4) ||
            (v->kind == K_CKE_RSA_SSL3)) {
            want = RD_OK;
        }
        ck_assert_msg(st == want, "%s: prefix %zu gave %d", v->name, n, st);
        ck_assert(st == RD_OK || diag.why != RD_WHY_NONE);
        free(copy);
    }
}
END_TEST

/* One trailing byte after each valid message body. */
START_TEST(test_trailing_byte)
{
    const struct svec *v = &svecs[_i];
    uint8_t buf[512];
    struct rd_diag diag = {0};

    if (v->st != RD_OK || v->kind == K_CKE_RSA_SSL3) {
        return;
    }
    ck_assert_uint_le(v->len + 1, sizeof buf);
    if (v->len > 0) {
        memcpy(buf, v->bytes, v->len);
    }
    buf[v->len] = 0x00;
    ck_assert_msg(run(v->kind, cur(buf, v->len + 1), &diag) == RD_MALFORMED, "%s", v->name);
    ck_assert_msg(diag.why != RD_WHY_NONE, "%s", v->name);
}
END_TEST

/* Every length field one too big and one too small. */
static void sweep_lengths(enum kind k, const uint8_t *base, size_t len,
                          const struct len_field *fields, size_t n)
{
    uint8_t buf[512];

    ck_assert_uint_le(len, sizeof buf);
    for (size_t i = 0; i < n; i++) {
        for (int delta = -1; delta <= 1; delta += 2) {
            struct rd_diag diag = {0};
            memcpy(buf, base, len);
            bump(buf, fields[i], delta);
            ck_assert_msg(run(k, cur(buf, len), &diag) == RD_MALFORMED,
                          "length at %zu %+d accepted", fields[i].off, delta);
            ck_assert(diag.why != RD_WHY_NONE);
        }
    }
}

START_TEST(test_length_fields)
{
    sweep_lengths(K_CH, ch13, sizeof ch13, ch13_lens, sizeof ch13_lens / sizeof ch13_lens[0]);
    sweep_lengths(K_SH, hs_sh_win + 4, sizeof hs_sh_win - 4, sh_win_lens,
                  sizeof sh_win_lens / sizeof sh_win_lens[0]);
    sweep_lengths(K_CERT12, cert12_body, sizeof cert12_body, cert12_lens,
                  sizeof cert12_lens / sizeof cert12_lens[0]);
}
END_TEST

/* ---- field assertions ---------------------------------------------------- */

START_TEST(test_client_hello_fields)
{
    struct rd_tls_client_hello ch;
    struct rd_diag diag = {0};

    ck_assert_int_eq(rd_tls_parse_client_hello(cur(ch13, sizeof ch13), &ch, &diag), RD_OK);
    ck_assert_uint_eq(ch.legacy_version, 0x0303);
    ck_assert_uint_eq(ch.random[0], 0x00);
    ck_assert_uint_eq(ch.random[31], 0x1f);
    ck_assert_uint_eq(ch.session_id.len, 0);
    ck_assert_uint_eq(ch.n_cipher_suites, 2);
    ck_assert_uint_eq(ch.cipher_suites[0], 0x1301);
    ck_assert_uint_eq(ch.cipher_suites[1], 0x1302);
    ck_assert_uint_eq(ch.cipher_suites_dropped, 0);
    ck_assert_uint_eq(ch.n_compression_methods, 1);
    ck_assert(ch.has_extensions_block);
    ck_assert_uint_eq(ch.n_extensions, 8);
    ck_assert_uint_eq(ch.extensions[0].type, 0);
    ck_assert_uint_eq(ch.extensions[0].data.len, 14);
    ck_assert_uint_eq(ch.extensions[7].type, 0xff01);
    ck_assert(ch.has_server_name);
    ck_assert(rd_bytes_eq(ch.server_name, "host.test", 9));
    ck_assert(ch.has_supported_versions);
    ck_assert_uint_eq(ch.n_supported_versions, 2);
    ck_assert_uint_eq(ch.supported_versions[0], 0x0304);
    ck_assert_uint_eq(ch.n_groups, 2);
    ck_assert_uint_eq(ch.groups[0], 29);
    ck_assert_uint_eq(ch.n_sig_algs, 2);
    ck_assert_uint_eq(ch.sig_algs[0], 0x0804);
    ck_assert_uint_eq(ch.n_key_share_groups, 1);
    ck_assert_uint_eq(ch.key_share_groups[0], 29);
    ck_assert_uint_eq(ch.n_alpn, 1);
    ck_assert(rd_bytes_eq(ch.alpn[0], "http/1.1", 8));
    ck_assert(ch.has_extended_master_secret);
    ck_assert(ch.has_renegotiation_info);
    ck_assert(!ch.has_session_ticket);
    ck_assert(!ch.is_sslv2);
    ck_assert(rd_tls_version_offered(&ch, RD_TLS_VERSION_TLS13));
    ck_assert(rd_tls_version_offered(&ch, RD_TLS_VERSION_TLS12));
    /* RFC 8446 4.2.1: with the extension, legacy_version does not count. */
    ck_assert(!rd_tls_version_offered(&ch, RD_TLS_VERSION_TLS11));

    /* Without extensions: nothing decoded, versions up to legacy_version. */
    ck_assert_int_eq(rd_tls_parse_client_hello(cur(ch13, CH13_NO_EXT_LEN), &ch, &diag), RD_OK);
    ck_assert(!ch.has_extensions_block);
    ck_assert_uint_eq(ch.n_extensions, 0);
    ck_assert(rd_tls_version_offered(&ch, RD_TLS_VERSION_TLS11));
    ck_assert(!rd_tls_version_offered(&ch, RD_TLS_VERSION_TLS13));
}
END_TEST

START_TEST(test_real_client_hello)
{
    struct rd_cur in = cur(rec_ch_win7, sizeof rec_ch_win7);
    size_t rec_len = 0;
    size_t msg_len = 0;
    struct rd_tls_record rec;
    struct rd_tls_handshake hs;
    struct rd_tls_client_hello ch;
    struct rd_diag diag = {0};

    ck_assert_int_eq(rd_tls_frame_record(in, &rec_len, &diag), RD_OK);
    ck_assert_uint_eq(rec_len, 121);
    ck_assert_int_eq(rd_tls_parse_record(in, &rec, &diag), RD_OK);
    ck_assert_uint_eq(rec.content_type, RD_TLS_CT_HANDSHAKE);
    ck_assert_uint_eq(rec.version, RD_TLS_VERSION_TLS10);
    ck_assert_uint_eq(rec.fragment.len, 116);
    ck_assert(!rec.is_sslv2);
    ck_assert_int_eq(rd_tls_frame_handshake(cur(rec.fragment.p, rec.fragment.len), &msg_len, &diag),
                     RD_OK);
    ck_assert_uint_eq(msg_len, 116);
    ck_assert_int_eq(rd_tls_parse_handshake(cur(rec.fragment.p, msg_len), &hs, &diag), RD_OK);
    ck_assert_uint_eq(hs.msg_type, RD_TLS_HS_CLIENT_HELLO);
    ck_assert_int_eq(rd_tls_parse_client_hello(cur(hs.body.p, hs.body.len), &ch, &diag), RD_OK);
    ck_assert_uint_eq(ch.legacy_version, RD_TLS_VERSION_TLS10);
    ck_assert_uint_eq(ch.random[0], 0x4d);
    ck_assert_uint_eq(ch.random[31], 0x34);
    ck_assert_uint_eq(ch.n_cipher_suites, 12);
    ck_assert_uint_eq(ch.cipher_suites[0], 0x002f);
    ck_assert_uint_eq(ch.cipher_suites[11], 0x0004);
    ck_assert(ch.has_server_name);
    ck_assert(rd_bytes_eq(ch.server_name, "192.168.1.150", 13));
    ck_assert_uint_eq(ch.n_extensions, 4);
    ck_assert_uint_eq(ch.extensions[1].type, 5);
    ck_assert_uint_eq(ch.n_groups, 2);
    ck_assert_uint_eq(ch.groups[1], 24);
    ck_assert(!ch.has_supported_versions);
    ck_assert(!ch.has_renegotiation_info);
    ck_assert(!ch.has_extended_master_secret);
    ck_assert(rd_tls_version_offered(&ch, RD_TLS_VERSION_TLS10));
    ck_assert(!rd_tls_version_offered(&ch, RD_TLS_VERSION_TLS12));
}
END_TEST

START_TEST(test_server_hellos)
{
    struct rd_tls_server_hello sh;
    struct rd_tls_handshake hs;
    struct rd_diag diag = {0};

    ck_assert_int_eq(rd_tls_parse_handshake(cur(hs_sh_win, sizeof hs_sh_win), &hs, &diag), RD_OK);
    ck_assert_uint_eq(hs.msg_type, RD_TLS_HS_SERVER_HELLO);
    ck_assert_int_eq(rd_tls_parse_server_hello(cur(hs.body.p, hs.body.len), &sh, &diag), RD_OK);
    ck_assert_uint_eq(sh.legacy_version, 0x0303);
    ck_assert_uint_eq(sh.random[0], 0x66);
    ck_assert_uint_eq(sh.session_id.len, 32);
    ck_assert_uint_eq(sh.cipher_suite, 0xc030);
    ck_assert_uint_eq(sh.compression_method, 0);
    ck_assert(!sh.is_hello_retry_request);
    ck_assert(sh.has_extended_master_secret);
    ck_assert(sh.has_renegotiation_info);
    ck_assert(!sh.has_supported_versions);
    ck_assert_uint_eq(sh.n_extensions, 2);
    ck_assert_uint_eq(rd_tls_negotiated_version(NULL, &sh), RD_TLS_VERSION_TLS12);

    ck_assert_int_eq(rd_tls_parse_server_hello(cur(hrr_body, sizeof hrr_body), &sh, &diag), RD_OK);
    ck_assert(sh.is_hello_retry_request);
    ck_assert(sh.has_key_share);
    ck_assert_uint_eq(sh.key_share_group, 23);
    ck_assert_uint_eq(rd_tls_negotiated_version(NULL, &sh), RD_TLS_VERSION_TLS13);

    ck_assert_int_eq(rd_tls_parse_server_hello(cur(sh13_body, sizeof sh13_body), &sh, &diag),
                     RD_OK);
    ck_assert(!sh.is_hello_retry_request);
    ck_assert(sh.has_supported_versions);
    ck_assert_uint_eq(sh.selected_version, RD_TLS_VERSION_TLS13);
    ck_assert_uint_eq(sh.key_share_group, 29);
    ck_assert_uint_eq(sh.cipher_suite, 0x1302);
    ck_assert_uint_eq(rd_tls_negotiated_version(NULL, &sh), RD_TLS_VERSION_TLS13);
    ck_assert_uint_eq(rd_tls_negotiated_version(NULL, NULL), 0);
}
END_TEST

START_TEST(test_certificate_fields)
{
    struct rd_tls_certificate c;
    struct rd_diag diag = {0};

    ck_assert_int_eq(
        rd_tls_parse_certificate(cur(cert12_body, sizeof cert12_body), false, &c, &diag), RD_OK);
    ck_assert_uint_eq(c.n_certs, 2);
    ck_assert(rd_bytes_eq(c.certs[0], "\xaa\xbb\xcc", 3));
    ck_assert(rd_bytes_eq(c.certs[1], "\xdd", 1));
    ck_assert_int_eq(
        rd_tls_parse_certificate(cur(cert13_body, sizeof cert13_body), true, &c, &diag), RD_OK);
    ck_assert_uint_eq(c.n_certs, 2);
    ck_assert_uint_eq(c.request_context.len, 0);
    ck_assert(rd_bytes_eq(c.certs[1], "\xdd", 1));
}
END_TEST

START_TEST(test_key_exchange_fields)
{
    struct rd_tls_server_key_exchange ske;
    struct rd_tls_client_key_exchange cke;
    struct rd_diag diag = {0};

    ck_assert_int_eq(rd_tls_parse_server_key_exchange(cur(ske_ecdhe, sizeof ske_ecdhe),
                                                      RD_TLS_VERSION_TLS12, 0xc030, &ske, &diag),
                     RD_OK);
    ck_assert_int_eq(ske.kx, RD_TLS_KX_ECDHE);
    ck_assert_uint_eq(ske.named_group, 24);
    ck_assert_uint_eq(ske.public_key.len, 4);
    ck_assert(ske.has_sig_alg);
    ck_assert_uint_eq(ske.sig_alg, 0x0804);
    ck_assert(rd_bytes_eq(ske.signature, "\xaa\xbb", 2));
    ck_assert_int_eq(rd_tls_parse_server_key_exchange(cur(ske_dhe10, sizeof ske_dhe10),
                                                      RD_TLS_VERSION_TLS10, 0x0039, &ske, &diag),
                     RD_OK);
    ck_assert_int_eq(ske.kx, RD_TLS_KX_DHE);
    ck_assert(rd_bytes_eq(ske.dh_p, "\x17", 1));
    ck_assert(rd_bytes_eq(ske.dh_g, "\x05", 1));
    ck_assert(rd_bytes_eq(ske.public_key, "\x08", 1));
    ck_assert(!ske.has_sig_alg);

    ck_assert_int_eq(rd_tls_parse_client_key_exchange(cur((const uint8_t *)"\x00\x02\xab\xcd", 4),
                                                      RD_TLS_VERSION_TLS12, 0x009c, &cke, &diag),
                     RD_OK);
    ck_assert_int_eq(cke.kx, RD_TLS_KX_RSA);
    ck_assert(rd_bytes_eq(cke.exchange, "\xab\xcd", 2));
    ck_assert_int_eq(rd_tls_parse_client_key_exchange(cur((const uint8_t *)"\xab\xcd", 2),
                                                      RD_TLS_VERSION_SSL3, 0x0004, &cke, &diag),
                     RD_OK);
    ck_assert(rd_bytes_eq(cke.exchange, "\xab\xcd", 2));
}
END_TEST

START_TEST(test_alert_record)
{
    struct rd_cur in = cur(rec_alert_hsfail, sizeof rec_alert_hsfail);
    size_t rec_len = 0;
    struct rd_tls_record rec;
    struct rd_tls_alert alert;
    struct rd_diag diag = {0};

    ck_assert_int_eq(rd_tls_frame_record(in, &rec_len, &diag), RD_OK);
    ck_assert_uint_eq(rec_len, 7);
    ck_assert_int_eq(rd_tls_parse_record(in, &rec, &diag), RD_OK);
    ck_assert_uint_eq(rec.content_type, RD_TLS_CT_ALERT);
    ck_assert_int_eq(rd_tls_parse_alert(cur(rec.fragment.p, rec.fragment.len), &alert, &diag),
                     RD_OK);
    ck_assert_uint_eq(alert.level, RD_TLS_ALERT_FATAL);
    ck_assert_uint_eq(alert.description, 40);
    ck_assert_str_eq(rd_tls_alert_name(alert.description), "handshake_failure");
    ck_assert_str_eq(rd_tls_alert_level_name(alert.level), "fatal");

    in = cur(rec_ccs, sizeof rec_ccs);
    ck_assert_int_eq(rd_tls_frame_record(in, &rec_len, &diag), RD_OK);
    ck_assert_int_eq(rd_tls_parse_record(in, &rec, &diag), RD_OK);
    ck_assert_int_eq(rd_tls_parse_change_cipher_spec(cur(rec.fragment.p, rec.fragment.len), &diag),
                     RD_OK);
}
END_TEST

START_TEST(test_sslv2)
{
    struct rd_cur in = cur(sslv2_ch, sizeof sslv2_ch);
    size_t rec_len = 0;
    struct rd_tls_record rec;
    struct rd_tls_client_hello ch;
    struct rd_diag diag = {0};

    ck_assert_int_eq(rd_tls_frame_record(in, &rec_len, &diag), RD_OK);
    ck_assert_uint_eq(rec_len, 48);
    ck_assert_int_eq(rd_tls_parse_record(in, &rec, &diag), RD_OK);
    ck_assert(rec.is_sslv2);
    ck_assert_uint_eq(rec.content_type, RD_TLS_CT_HANDSHAKE);
    ck_assert_uint_eq(rec.version, RD_TLS_VERSION_TLS10);
    ck_assert_uint_eq(rec.fragment.len, 46);
    ck_assert_int_eq(
        rd_tls_parse_sslv2_client_hello(cur(rec.fragment.p, rec.fragment.len), &ch, &diag), RD_OK);
    ck_assert(ch.is_sslv2);
    ck_assert_uint_eq(ch.legacy_version, RD_TLS_VERSION_TLS10);
    ck_assert_uint_eq(ch.n_cipher_suites, 5);
    ck_assert_uint_eq(ch.cipher_suites[3], 0x00ff);
    ck_assert_uint_eq(ch.cipher_suites[4], 0x0005);
    ck_assert_uint_eq(ch.sslv2_only_specs, 2);
    /* RFC 5246 E.2: the challenge right-aligned in the 32-byte random. */
    ck_assert_uint_eq(ch.random[15], 0x00);
    ck_assert_uint_eq(ch.random[16], 0xc0);
    ck_assert_uint_eq(ch.random[31], 0xcf);
    /* Framing: every prefix needs more; the first three bytes decide the form. */
    for (size_t n = 0; n < sizeof sslv2_ch; n++) {
        ck_assert_int_eq(rd_tls_frame_record(cur(sslv2_ch, n), &rec_len, &diag), RD_NEED_MORE);
        /* Nothing yet: a TLS record header is the first guess. */
        ck_assert_uint_eq(rec_len, n == 0 ? 5 : n < 3 ? 3 : 48);
    }
}
END_TEST

/* ---- framing ------------------------------------------------------------- */

struct fvec {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    enum rd_status st;
    size_t need; /* *rec_len on OK/NEED_MORE */
};

static const struct fvec record_frames[] = {
    {"alert", rec_alert_hsfail, sizeof rec_alert_hsfail, RD_OK, 7},
    {"ccs", rec_ccs, sizeof rec_ccs, RD_OK, 6},
    {"alert + next record byte", BYTES(0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28, 0x16), RD_OK, 7},
    {"empty", NULL, 0, RD_NEED_MORE, 5},
    {"header 4 of 5", BYTES(0x17, 0x03, 0x03, 0x40), RD_NEED_MORE, 5},
    /* RFC 5246 6.2.3: at most 2^14 + 2048. */
    {"max length", BYTES(0x17, 0x03, 0x03, 0x48, 0x00), RD_NEED_MORE, 5 + 18432},
    {"length too big", BYTES(0x17, 0x03, 0x03, 0x48, 0x01), RD_MALFORMED, 0},
    {"content type 19", BYTES(0x13, 0x03, 0x01), RD_MALFORMED, 0},
    {"content type 25", BYTES(0x19), RD_MALFORMED, 0},
    {"major version 2", BYTES(0x16, 0x02, 0x00, 0x00, 0x01), RD_MALFORMED, 0},
    /* "HTTP" where a record was expected. */
    {"http", BYTES('H', 'T', 'T', 'P'), RD_MALFORMED, 0},
    {"sslv2 server_hello", BYTES(0x80, 0x2e, 0x04), RD_MALFORMED, 0},
    {"sslv2 too short", BYTES(0x80, 0x08, 0x01), RD_MALFORMED, 0},
};

START_TEST(test_frame_record)
{
    const struct fvec *v = &record_frames[_i];
    size_t need = 0;
    struct rd_diag diag = {0};
    enum rd_status st = rd_tls_frame_record(cur(v->bytes, v->len), &need, &diag);

    ck_assert_msg(st == v->st, "%s: %d", v->name, st);
    if (st != RD_MALFORMED) {
        ck_assert_uint_eq(need, v->need);
        ck_assert_int_eq(diag.why, RD_WHY_NONE);
    } else {
        ck_assert_int_eq(diag.why, RD_WHY_BAD_VALUE);
    }
}
END_TEST

/* Every prefix of a complete record needs more, and says how much. */
START_TEST(test_frame_record_prefixes)
{
    for (size_t n = 0; n < sizeof rec_ch_win7; n++) {
        size_t need = 0;
        struct rd_diag diag = {0};
        ck_assert_int_eq(rd_tls_frame_record(cur(rec_ch_win7, n), &need, &diag), RD_NEED_MORE);
        ck_assert_uint_eq(need, n < 5 ? 5 : sizeof rec_ch_win7);
    }
}
END_TEST

START_TEST(test_frame_handshake)
{
    size_t need = 0;
    struct rd_diag diag = {0};

    for (size_t n = 0; n < sizeof hs_sh_win; n++) {
        ck_assert_int_eq(rd_tls_frame_handshake(cur(hs_sh_win, n), &need, &diag), RD_NEED_MORE);
        ck_assert_uint_eq(need, n < 4 ? 4 : sizeof hs_sh_win);
    }
    ck_assert_int_eq(rd_tls_frame_handshake(cur(hs_sh_win, sizeof hs_sh_win), &need, &diag), RD_OK);
    ck_assert_uint_eq(need, 85);
    /* Our own cap: 256 KiB + 1 is a limit, not the peer's fault. */
    ck_assert_int_eq(rd_tls_frame_handshake(cur(BYTES(0x0b, 0x04, 0x00, 0x01)), &need, &diag),
                     RD_MALFORMED);
    ck_assert_int_eq(diag.why, RD_WHY_LIMIT);
    ck_assert_str_eq(diag.field, "tls.handshake.length");
}
END_TEST

/* ---- list overflow ------------------------------------------------------- */

/* Build a ClientHello body: n_suites suites, then the given extensions block
 * contents (already encoded). */
static size_t build_ch(uint8_t *buf, size_t cap, size_t n_suites, const uint8_t *exts,
                       size_t exts_len)
{
    size_t o = 0;

    ck_assert_uint_le(2 + 32 + 1 + 2 + 2 * n_suites + 2 + 2 + exts_len, cap);
    buf[o++] = 0x03;
    buf[o++] = 0x03;
    memset(buf + o, 0x77, 32);
    o += 32;
    buf[o++] = 0x00;
    buf[o++] = (uint8_t)((2 * n_suites) >> 8);
    buf[o++] = (uint8_t)(2 * n_suites);
    for (size_t i = 0; i < n_suites; i++) {
        buf[o++] = 0xc0;
        buf[o++] = (uint8_t)i;
    }
    buf[o++] = 0x01;
    buf[o++] = 0x00;
    buf[o++] = (uint8_t)(exts_len >> 8);
    buf[o++] = (uint8_t)exts_len;
    if (exts_len > 0) {
        memcpy(buf + o, exts, exts_len);
    }
    return o + exts_len;
}

START_TEST(test_list_overflow)
{
    static uint8_t buf[4096];
    uint8_t exts[1024];
    size_t e = 0;
    size_t len;
    struct rd_tls_client_hello ch;
    struct rd_diag diag = {0};

    /* 45 distinct empty extensions (types 1000..1044). */
    for (unsigned t = 1000; t < 1045; t++) {
        exts[e++] = (uint8_t)(t >> 8);
        exts[e++] = (uint8_t)t;
        exts[e++] = 0x00;
        exts[e++] = 0x00;
    }
    /* ALPN with 10 one-letter names: type 16, length 22, list 20. */
    exts[e++] = 0x00;
    exts[e++] = 0x10;
    exts[e++] = 0x00;
    exts[e++] = 22;
    exts[e++] = 0x00;
    exts[e++] = 20;
    for (unsigned i = 0; i < 10; i++) {
        exts[e++] = 0x01;
        exts[e++] = (uint8_t)('a' + i);
    }
    /* supported_groups with 40 groups: type 10, length 82, list 80. */
    exts[e++] = 0x00;
    exts[e++] = 0x0a;
    exts[e++] = 0x00;
    exts[e++] = 82;
    exts[e++] = 0x00;
    exts[e++] = 80;
    for (unsigned i = 0; i < 40; i++) {
        exts[e++] = 0x01;
        exts[e++] = (uint8_t)i;
    }
    len = build_ch(buf, sizeof buf, RD_TLS_MAX_CIPHER_SUITES + 3, exts, e);
    ck_assert_int_eq(rd_tls_parse_client_hello(cur(buf, len), &ch, &diag), RD_OK);
    ck_assert_uint_eq(ch.n_cipher_suites, RD_TLS_MAX_CIPHER_SUITES);
    ck_assert_uint_eq(ch.cipher_suites_dropped, 3);
    ck_assert_uint_eq(ch.n_extensions, RD_TLS_MAX_EXTENSIONS);
    ck_assert_uint_eq(ch.extensions_dropped, 47 - RD_TLS_MAX_EXTENSIONS);
    /* Extensions past the array are still decoded. */
    ck_assert_uint_eq(ch.n_alpn, RD_TLS_MAX_ALPN);
    ck_assert_uint_eq(ch.alpn_dropped, 10 - RD_TLS_MAX_ALPN);
    ck_assert_uint_eq(ch.n_groups, RD_TLS_MAX_GROUPS);
    ck_assert_uint_eq(ch.groups_dropped, 40 - RD_TLS_MAX_GROUPS);

    /* The same extension type far apart is still a duplicate. */
    exts[e++] = (uint8_t)(1000 >> 8);
    exts[e++] = (uint8_t)1000;
    exts[e++] = 0x00;
    exts[e++] = 0x00;
    len = build_ch(buf, sizeof buf, 1, exts, e);
    ck_assert_int_eq(rd_tls_parse_client_hello(cur(buf, len), &ch, &diag), RD_MALFORMED);
    ck_assert_int_eq(diag.why, RD_WHY_BAD_VALUE);
}
END_TEST

START_TEST(test_cert_overflow)
{
    uint8_t buf[3 + 4 * (RD_TLS_MAX_CERTS + 2)];
    size_t o = 3;
    struct rd_tls_certificate c;
    struct rd_diag diag = {0};

    for (size_t i = 0; i < RD_TLS_MAX_CERTS + 2; i++) {
        buf[o++] = 0x00;
        buf[o++] = 0x00;
        buf[o++] = 0x01;
        buf[o++] = (uint8_t)i;
    }
    buf[0] = 0x00;
    buf[1] = 0x00;
    buf[2] = (uint8_t)(o - 3);
    ck_assert_int_eq(rd_tls_parse_certificate(cur(buf, o), false, &c, &diag), RD_OK);
    ck_assert_uint_eq(c.n_certs, RD_TLS_MAX_CERTS);
    ck_assert_uint_eq(c.certs_dropped, 2);
    ck_assert(rd_bytes_eq(c.certs[RD_TLS_MAX_CERTS - 1], "\x09", 1));
}
END_TEST

/* ---- names --------------------------------------------------------------- */

START_TEST(test_names)
{
    ck_assert_str_eq(rd_tls_version_name(0x0300), "SSL 3.0");
    ck_assert_str_eq(rd_tls_version_name(0x0301), "TLS 1.0");
    ck_assert_str_eq(rd_tls_version_name(0x0304), "TLS 1.3");
    ck_assert_str_eq(rd_tls_version_name(0x7f1c), "unknown");
    ck_assert_str_eq(rd_tls_version_name(0x2a2a), "GREASE");
    ck_assert_str_eq(rd_tls_cipher_name(0x002f), "TLS_RSA_WITH_AES_128_CBC_SHA");
    ck_assert_str_eq(rd_tls_cipher_name(0xc030), "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    ck_assert_str_eq(rd_tls_cipher_name(0x1303), "TLS_CHACHA20_POLY1305_SHA256");
    ck_assert_str_eq(rd_tls_cipher_name(0x009f), "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");
    ck_assert_str_eq(rd_tls_cipher_name(0x00ff), "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
    ck_assert_str_eq(rd_tls_cipher_name(0xdada), "GREASE");
    ck_assert_str_eq(rd_tls_cipher_name(0x0a1a), "unknown");
    ck_assert_str_eq(rd_tls_cipher_name(0xfeff), "unknown");
    ck_assert_str_eq(rd_tls_alert_name(0), "close_notify");
    ck_assert_str_eq(rd_tls_alert_name(42), "bad_certificate");
    ck_assert_str_eq(rd_tls_alert_name(45), "certificate_expired");
    ck_assert_str_eq(rd_tls_alert_name(48), "unknown_ca");
    ck_assert_str_eq(rd_tls_alert_name(70), "protocol_version");
    ck_assert_str_eq(rd_tls_alert_name(71), "insufficient_security");
    ck_assert_str_eq(rd_tls_alert_name(255), "unknown");
    ck_assert_str_eq(rd_tls_alert_level_name(1), "warning");
    ck_assert_str_eq(rd_tls_ext_name(0), "server_name");
    ck_assert_str_eq(rd_tls_ext_name(43), "supported_versions");
    ck_assert_str_eq(rd_tls_ext_name(0xff01), "renegotiation_info");
    ck_assert_str_eq(rd_tls_ext_name(0x3a3a), "GREASE");
    ck_assert_str_eq(rd_tls_ext_name(9999), "unknown");
    ck_assert_str_eq(rd_tls_group_name(29), "x25519");
    ck_assert_str_eq(rd_tls_group_name(24), "secp384r1");
    ck_assert_str_eq(rd_tls_group_name(0x11ec), "X25519MLKEM768");
    ck_assert_str_eq(rd_tls_group_name(1234), "unknown");
    ck_assert_str_eq(rd_tls_sig_alg_name(0x0804), "rsa_pss_rsae_sha256");
    ck_assert_str_eq(rd_tls_hs_type_name(1), "client_hello");
    ck_assert_str_eq(rd_tls_hs_type_name(14), "server_hello_done");
    ck_assert_str_eq(rd_tls_hs_type_name(99), "unknown");
    ck_assert_str_eq(rd_tls_content_type_name(23), "application_data");
    ck_assert_str_eq(rd_tls_content_type_name(0), "unknown");
    ck_assert_str_eq(rd_tls_bulk_name(RD_TLS_BULK_AES_256_GCM), "AES_256_GCM");
    ck_assert_str_eq(rd_tls_hash_name(RD_TLS_HASH_SHA384), "SHA384");
    ck_assert(rd_tls_is_grease(0x0a0a));
    ck_assert(rd_tls_is_grease(0xfafa));
    ck_assert(!rd_tls_is_grease(0x0a1a));
}
END_TEST

struct suite_expect {
    uint16_t id;
    enum rd_tls_kx kx;
    enum rd_tls_bulk bulk;
    enum rd_tls_hash mac;
    enum rd_tls_hash prf;
    uint8_t key_len;
    uint8_t fixed_iv_len;
    uint8_t record_iv_len;
    uint8_t block_len;
    uint8_t mac_len;
    uint8_t tag_len;
};

/* Sizes from RFC 5246 appendix C, RFC 5288 3, RFC 6655 3, RFC 7905 2, RFC 8446 5.3. */
static const struct suite_expect suite_facts[] = {
    {0x002f, RD_TLS_KX_RSA, RD_TLS_BULK_AES_128_CBC, RD_TLS_HASH_SHA1, RD_TLS_HASH_SHA256, 16, 16,
     16, 16, 20, 0},
    {0x0035, RD_TLS_KX_RSA, RD_TLS_BULK_AES_256_CBC, RD_TLS_HASH_SHA1, RD_TLS_HASH_SHA256, 32, 16,
     16, 16, 20, 0},
    {0x000a, RD_TLS_KX_RSA, RD_TLS_BULK_3DES_EDE_CBC, RD_TLS_HASH_SHA1, RD_TLS_HASH_SHA256, 24, 8,
     8, 8, 20, 0},
    {0x0004, RD_TLS_KX_RSA, RD_TLS_BULK_RC4_128, RD_TLS_HASH_MD5, RD_TLS_HASH_SHA256, 16, 0, 0, 0,
     16, 0},
    {0x003d, RD_TLS_KX_RSA, RD_TLS_BULK_AES_256_CBC, RD_TLS_HASH_SHA256, RD_TLS_HASH_SHA256, 32, 16,
     16, 16, 32, 0},
    {0x009d, RD_TLS_KX_RSA, RD_TLS_BULK_AES_256_GCM, RD_TLS_HASH_NONE, RD_TLS_HASH_SHA384, 32, 4, 8,
     0, 0, 16},
    {0xc030, RD_TLS_KX_ECDHE, RD_TLS_BULK_AES_256_GCM, RD_TLS_HASH_NONE, RD_TLS_HASH_SHA384, 32, 4,
     8, 0, 0, 16},
    {0xc02b, RD_TLS_KX_ECDHE, RD_TLS_BULK_AES_128_GCM, RD_TLS_HASH_NONE, RD_TLS_HASH_SHA256, 16, 4,
     8, 0, 0, 16},
    {0xc028, RD_TLS_KX_ECDHE, RD_TLS_BULK_AES_256_CBC, RD_TLS_HASH_SHA384, RD_TLS_HASH_SHA384, 32,
     16, 16, 16, 48, 0},
    {0x0039, RD_TLS_KX_DHE, RD_TLS_BULK_AES_256_CBC, RD_TLS_HASH_SHA1, RD_TLS_HASH_SHA256, 32, 16,
     16, 16, 20, 0},
    {0xcca8, RD_TLS_KX_ECDHE, RD_TLS_BULK_CHACHA20_POLY1305, RD_TLS_HASH_NONE, RD_TLS_HASH_SHA256,
     32, 12, 0, 0, 0, 16},
    {0xc0a0, RD_TLS_KX_RSA, RD_TLS_BULK_AES_128_CCM_8, RD_TLS_HASH_NONE, RD_TLS_HASH_SHA256, 16, 4,
     8, 0, 0, 8},
    {0x1301, RD_TLS_KX_TLS13, RD_TLS_BULK_AES_128_GCM, RD_TLS_HASH_NONE, RD_TLS_HASH_SHA256, 16, 12,
     0, 0, 0, 16},
    {0x1302, RD_TLS_KX_TLS13, RD_TLS_BULK_AES_256_GCM, RD_TLS_HASH_NONE, RD_TLS_HASH_SHA384, 32, 12,
     0, 0, 0, 16},
    {0x1303, RD_TLS_KX_TLS13, RD_TLS_BULK_CHACHA20_POLY1305, RD_TLS_HASH_NONE, RD_TLS_HASH_SHA256,
     32, 12, 0, 0, 0, 16},
    {0x1305, RD_TLS_KX_TLS13, RD_TLS_BULK_AES_128_CCM_8, RD_TLS_HASH_NONE, RD_TLS_HASH_SHA256, 16,
     12, 0, 0, 0, 8},
    {0x00ff, RD_TLS_KX_SCSV, RD_TLS_BULK_UNKNOWN, RD_TLS_HASH_NONE, RD_TLS_HASH_NONE, 0, 0, 0, 0, 0,
     0},
};

START_TEST(test_cipher_info)
{
    const struct suite_expect *e = &suite_facts[_i];
    struct rd_tls_cipher_info info;

    ck_assert(rd_tls_cipher_info(e->id, &info));
    ck_assert_uint_eq(info.id, e->id);
    ck_assert_int_eq(info.kx, e->kx);
    ck_assert_int_eq(info.bulk, e->bulk);
    ck_assert_int_eq(info.mac, e->mac);
    ck_assert_int_eq(info.prf_hash, e->prf);
    ck_assert_uint_eq(info.key_len, e->key_len);
    ck_assert_uint_eq(info.fixed_iv_len, e->fixed_iv_len);
    ck_assert_uint_eq(info.record_iv_len, e->record_iv_len);
    ck_assert_uint_eq(info.block_len, e->block_len);
    ck_assert_uint_eq(info.mac_len, e->mac_len);
    ck_assert_uint_eq(info.tag_len, e->tag_len);
    ck_assert_int_eq(info.is_aead, e->tag_len != 0);
}
END_TEST

/* Every suite in the table reads back from its own name. */
START_TEST(test_cipher_table_consistent)
{
    size_t known = 0;

    for (uint32_t id = 0; id <= 0xffff; id++) {
        struct rd_tls_cipher_info info;
        bool ok = rd_tls_cipher_info((uint16_t)id, &info);
        ck_assert_int_eq(ok, strcmp(rd_tls_cipher_name((uint16_t)id), "unknown") != 0 &&
                                 !rd_tls_is_grease((uint16_t)id));
        if (!ok) {
            ck_assert_str_eq(info.name, rd_tls_is_grease((uint16_t)id) ? "GREASE" : "unknown");
            continue;
        }
        known++;
        ck_assert_msg(info.kx != RD_TLS_KX_UNKNOWN, "%s: kx", info.name);
        if (info.kx != RD_TLS_KX_SCSV) {
            ck_assert_msg(info.bulk != RD_TLS_BULK_UNKNOWN, "%s: bulk", info.name);
            ck_assert_msg(info.is_aead || info.mac != RD_TLS_HASH_NONE ||
                              info.bulk == RD_TLS_BULK_NULL,
                          "%s: mac", info.name);
        }
        ck_assert_int_eq(rd_tls_cipher_is_rsa_kx((uint16_t)id),
                         info.kx == RD_TLS_KX_RSA || info.kx == RD_TLS_KX_RSA_EXPORT);
    }
    ck_assert_uint_ge(known, 190);
    ck_assert(rd_tls_cipher_is_rsa_kx(0x002f));
    ck_assert(!rd_tls_cipher_is_rsa_kx(0xc030));
    ck_assert(!rd_tls_cipher_is_rsa_kx(0x1301));
}
END_TEST

/* ---- the public captures ------------------------------------------------- */

static bool captures_dir(char *buf, size_t n)
{
    const char *srcdir = getenv("srcdir");
    char probe[1200];
    FILE *fp;
    int k = snprintf(buf, n, "%s/../shared/public-captures", srcdir != NULL ? srcdir : ".");

    ck_assert(k > 0 && (size_t)k < n);
    k = snprintf(probe, sizeof probe, "%s/SOURCES.md", buf);
    ck_assert(k > 0 && (size_t)k < sizeof probe);
    fp = fopen(probe, "rb");
    if (fp == NULL) {
        fprintf(stderr, "check_tls: skipped capture tests: %s not found\n", buf);
        return false;
    }
    fclose(fp);
    return true;
}

struct capture {
    uint8_t *bytes;
    size_t len;
};

static bool load_capture(const char *name, struct capture *cap)
{
    char dir[1024];
    char path[1200];
    FILE *fp;
    long size;
    int k;

    if (!captures_dir(dir, sizeof dir)) {
        return false;
    }
    k = snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert(k > 0 && (size_t)k < sizeof path);
    fp = fopen(path, "rb");
    if (fp == NULL) {
        fprintf(stderr, "check_tls: skipped: %s not found\n", path);
        return false;
    }
    ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
    size = ftell(fp);
    ck_assert(size > 0);
    rewind(fp);
    cap->bytes = malloc((size_t)size);
    ck_assert_ptr_nonnull(cap->bytes);
    cap->len = fread(cap->bytes, 1, (size_t)size, fp);
    ck_assert_uint_eq(cap->len, (size_t)size);
    fclose(fp);
    return true;
}

/* Ethernet (optionally 802.1Q) + IPv4 + TCP: the TCP payload. */
static bool tcp_payload(struct rd_cur pkt, struct rd_cur *out)
{
    uint16_t type;
    uint8_t vihl;
    uint8_t proto;
    uint8_t doff;
    uint16_t total;
    struct rd_cur ip;
    struct rd_cur tcp;

    if (!rd_cur_skip(&pkt, 12) || !rd_cur_u16be(&pkt, &type)) {
        return false;
    }
    while (type == 0x8100) {
        if (!rd_cur_skip(&pkt, 2) || !rd_cur_u16be(&pkt, &type)) {
            return false;
        }
    }
    if (type != 0x0800 || !rd_cur_peek_at(&pkt, 0, &vihl) || !rd_cur_peek_at(&pkt, 9, &proto) ||
        proto != 6) {
        return false;
    }
    ip = pkt;
    if (!rd_cur_skip(&ip, 2) || !rd_cur_u16be(&ip, &total) || !rd_cur_slice(&pkt, 0, total, &ip) ||
        !rd_cur_skip(&ip, (size_t)(vihl & 0x0f) * 4)) {
        return false;
    }
    tcp = ip;
    if (!rd_cur_peek_at(&tcp, 12, &doff) || !rd_cur_skip(&tcp, (size_t)(doff >> 4) * 4)) {
        return false;
    }
    *out = tcp;
    return true;
}

/* The TCP payload of frame `frame` (1-based) of a little-endian pcap or pcapng. */
static bool frame_payload(const struct capture *cap, unsigned frame, struct rd_cur *out)
{
    struct rd_cur c = cur(cap->bytes, cap->len);
    uint32_t magic;
    unsigned n = 0;

    ck_assert(rd_cur_u32le(&c, &magic));
    if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du) {
        ck_assert(rd_cur_skip(&c, 20));
        while (!rd_cur_is_empty(&c)) {
            uint32_t incl;
            struct rd_cur pkt;
            ck_assert(rd_cur_skip(&c, 8) && rd_cur_u32le(&c, &incl) && rd_cur_skip(&c, 4));
            ck_assert(rd_cur_take(&c, incl, &pkt));
            if (++n == frame) {
                return tcp_payload(pkt, out);
            }
        }
        return false;
    }
    ck_assert_uint_eq(magic, 0x0a0d0d0au);
    c = cur(cap->bytes, cap->len);
    while (!rd_cur_is_empty(&c)) {
        uint32_t type;
        uint32_t blen;
        struct rd_cur body;
        ck_assert(rd_cur_u32le(&c, &type) && rd_cur_u32le(&c, &blen) && blen >= 12);
        ck_assert(rd_cur_take(&c, blen - 8, &body));
        if (type == 6 && ++n == frame) {
            uint32_t caplen;
            struct rd_cur pkt;
            ck_assert(rd_cur_skip(&body, 12) && rd_cur_u32le(&body, &caplen) &&
                      rd_cur_skip(&body, 4) && rd_cur_take(&body, caplen, &pkt));
            return tcp_payload(pkt, out);
        }
    }
    return false;
}

/* Split a byte stream into records and the handshake messages they carry
 * (each record here holds whole messages).  Returns the number of messages. */
struct msgs {
    struct rd_tls_handshake hs[8];
    size_t n;
    uint8_t content_types[8];
    size_t n_records;
};

static void split(struct rd_cur stream, struct msgs *m)
{
    memset(m, 0, sizeof *m);
    while (!rd_cur_is_empty(&stream)) {
        size_t rec_len = 0;
        struct rd_cur rc;
        struct rd_tls_record rec;
        struct rd_diag diag = {0};

        ck_assert_int_eq(rd_tls_frame_record(stream, &rec_len, &diag), RD_OK);
        ck_assert(rd_cur_take(&stream, rec_len, &rc));
        ck_assert_int_eq(rd_tls_parse_record(rc, &rec, &diag), RD_OK);
        ck_assert_uint_lt(m->n_records, 8);
        m->content_types[m->n_records++] = rec.content_type;
        if (rec.content_type != RD_TLS_CT_HANDSHAKE) {
            continue;
        }
        {
            struct rd_cur f = cur(rec.fragment.p, rec.fragment.len);
            while (!rd_cur_is_empty(&f)) {
                size_t msg_len = 0;
                struct rd_cur mc;
                if (rd_tls_frame_handshake(f, &msg_len, &diag) != RD_OK) {
                    break; /* an encrypted Finished */
                }
                ck_assert(rd_cur_take(&f, msg_len, &mc));
                ck_assert_uint_lt(m->n, 8);
                ck_assert_int_eq(rd_tls_parse_handshake(mc, &m->hs[m->n++], &diag), RD_OK);
            }
        }
    }
}

/*
 * rdp-to-ssl.pcap: frame 8 ClientHello (TLS 1.0), frame 9 ServerHello +
 * Certificate + ServerHelloDone (TLS_RSA_WITH_AES_128_CBC_SHA, the Windows
 * Server 2008 R2 self-signed RDP certificate), frame 10 ClientKeyExchange with
 * a 256-byte RSA-encrypted premaster secret, ChangeCipherSpec, Finished.
 */
START_TEST(test_capture_rdp_to_ssl)
{
    struct capture cap;
    struct rd_cur p;
    struct msgs m;
    struct rd_tls_client_hello ch;
    struct rd_tls_server_hello sh;
    struct rd_tls_certificate cert;
    struct rd_tls_client_key_exchange cke;
    struct rd_x509_facts facts;
    struct rd_x509_judgement j;
    struct rd_diag diag = {0};

    if (!load_capture("rdp-to-ssl.pcap", &cap)) {
        return;
    }
    ck_assert(frame_payload(&cap, 8, &p));
    split(p, &m);
    ck_assert_uint_eq(m.n, 1);
    ck_assert_int_eq(rd_tls_parse_client_hello(cur(m.hs[0].body.p, m.hs[0].body.len), &ch, &diag),
                     RD_OK);
    ck_assert_uint_eq(ch.n_cipher_suites, 12);

    ck_assert(frame_payload(&cap, 9, &p));
    ck_assert_uint_eq(p.len, 859);
    split(p, &m);
    ck_assert_uint_eq(m.n, 3);
    ck_assert_uint_eq(m.hs[0].msg_type, RD_TLS_HS_SERVER_HELLO);
    ck_assert_uint_eq(m.hs[1].msg_type, RD_TLS_HS_CERTIFICATE);
    ck_assert_uint_eq(m.hs[2].msg_type, RD_TLS_HS_SERVER_HELLO_DONE);
    ck_assert_int_eq(rd_tls_parse_server_hello(cur(m.hs[0].body.p, m.hs[0].body.len), &sh, &diag),
                     RD_OK);
    ck_assert_uint_eq(sh.cipher_suite, 0x002f);
    ck_assert_uint_eq(rd_tls_negotiated_version(&ch, &sh), RD_TLS_VERSION_TLS10);
    ck_assert(rd_tls_version_offered(&ch, rd_tls_negotiated_version(&ch, &sh)));
    ck_assert(rd_tls_cipher_is_rsa_kx(sh.cipher_suite));
    ck_assert_int_eq(
        rd_tls_parse_certificate(cur(m.hs[1].body.p, m.hs[1].body.len), false, &cert, &diag),
        RD_OK);
    ck_assert_uint_eq(cert.n_certs, 1);
    ck_assert_uint_eq(cert.certs[0].len, 766);
    ck_assert_int_eq(rd_tls_parse_server_hello_done(cur(m.hs[2].body.p, m.hs[2].body.len), &diag),
                     RD_OK);

    ck_assert_int_eq(rd_x509_parse(cert.certs[0], &facts, &diag), RD_OK);
    ck_assert_str_eq(facts.subject, "CN=WIN2K8R2.awakecoding.ath.cx");
    ck_assert_str_eq(facts.subject_cn, "WIN2K8R2.awakecoding.ath.cx");
    ck_assert_str_eq(facts.serial_hex, "16ED2AA0495F259D4F5D99EDADA570D1");
    ck_assert_int_eq(facts.not_before, 1297546655); /* 2011-02-12T21:37:35Z */
    ck_assert_int_eq(facts.not_after, 1613088000);  /* 2021-02-12T00:00:00Z */
    ck_assert_int_eq(facts.key_type, RD_X509_KEY_RSA);
    ck_assert_uint_eq(facts.key_bits, 2048);
    ck_assert_str_eq(facts.sig_alg, "sha1WithRSAEncryption");
    ck_assert(facts.is_self_signed);
    ck_assert_uint_eq(facts.n_sans, 0);
    ck_assert_str_eq(facts.sha256_fp, "A5:B0:5D:2A:E0:76:13:0A:A4:10:60:F5:3E:CD:72:BD:F8:64:EA:01:"
                                      "79:25:0E:92:75:49:C9:4D:5A:B2:49:9A");
    /* At capture time (2011-02-12T22:50:44Z): valid, but the client asked for
     * 192.168.1.150, which the certificate does not name. */
    rd_x509_judge(&facts, 1297551044, "192.168.1.150", &j);
    ck_assert(!j.expired);
    ck_assert(!j.not_yet_valid);
    ck_assert(j.weak_signature);
    ck_assert(!j.weak_key);
    ck_assert_int_eq(j.name_matches, RD_X509_NO);

    ck_assert(frame_payload(&cap, 10, &p));
    split(p, &m);
    ck_assert_uint_eq(m.n_records, 3);
    ck_assert_uint_eq(m.content_types[1], RD_TLS_CT_CHANGE_CIPHER_SPEC);
    ck_assert_uint_eq(m.hs[0].msg_type, RD_TLS_HS_CLIENT_KEY_EXCHANGE);
    ck_assert_int_eq(rd_tls_parse_client_key_exchange(cur(m.hs[0].body.p, m.hs[0].body.len),
                                                      RD_TLS_VERSION_TLS10, sh.cipher_suite, &cke,
                                                      &diag),
                     RD_OK);
    ck_assert_uint_eq(cke.exchange.len, 256);
    ck_assert(rd_bytes_eq((struct rd_bytes){cke.exchange.p, 4}, "\x85\xbb\x59\x8d", 4));
    free(cap.bytes);
}
END_TEST

/*
 * rdp-no-nla-accepted1.pcapng (Windows client and server): frame 6
 * ClientHello offering TLS 1.3..1.0, frame 7 ServerHello (TLS 1.2,
 * TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384), Certificate, ServerKeyExchange
 * (secp384r1, rsa_pss_rsae_sha256), ServerHelloDone.
 */
START_TEST(test_capture_windows_tls12)
{
    struct capture cap;
    struct rd_cur p;
    struct msgs m;
    struct rd_tls_client_hello ch;
    struct rd_tls_server_hello sh;
    struct rd_tls_certificate cert;
    struct rd_tls_server_key_exchange ske;
    struct rd_x509_facts facts;
    struct rd_x509_judgement j;
    struct rd_diag diag = {0};
    uint16_t v;

    if (!load_capture("rdp-no-nla-accepted1.pcapng", &cap)) {
        return;
    }
    ck_assert(frame_payload(&cap, 6, &p));
    split(p, &m);
    ck_assert_int_eq(rd_tls_parse_client_hello(cur(m.hs[0].body.p, m.hs[0].body.len), &ch, &diag),
                     RD_OK);
    ck_assert(rd_bytes_eq(ch.server_name, "IT-HELP-TEST.ad.it-help.ninja", 29));
    ck_assert_uint_eq(ch.n_supported_versions, 4);
    ck_assert_uint_eq(ch.supported_versions[0], RD_TLS_VERSION_TLS13);
    ck_assert_uint_eq(ch.n_groups, 3);
    ck_assert_uint_eq(ch.n_sig_algs, 12);
    ck_assert_uint_eq(ch.n_key_share_groups, 1);
    ck_assert(ch.has_session_ticket);
    ck_assert(ch.has_extended_master_secret);
    ck_assert(ch.has_renegotiation_info);

    ck_assert(frame_payload(&cap, 7, &p));
    split(p, &m);
    ck_assert_uint_eq(m.n, 4);
    ck_assert_int_eq(rd_tls_parse_server_hello(cur(m.hs[0].body.p, m.hs[0].body.len), &sh, &diag),
                     RD_OK);
    v = rd_tls_negotiated_version(&ch, &sh);
    ck_assert_uint_eq(v, RD_TLS_VERSION_TLS12);
    ck_assert(rd_tls_version_offered(&ch, v));
    ck_assert_str_eq(rd_tls_cipher_name(sh.cipher_suite), "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    ck_assert_int_eq(
        rd_tls_parse_certificate(cur(m.hs[1].body.p, m.hs[1].body.len), false, &cert, &diag),
        RD_OK);
    ck_assert_uint_eq(cert.n_certs, 1);
    ck_assert_uint_eq(cert.certs[0].len, 1171);
    ck_assert_uint_eq(m.hs[2].msg_type, RD_TLS_HS_SERVER_KEY_EXCHANGE);
    ck_assert_int_eq(rd_tls_parse_server_key_exchange(cur(m.hs[2].body.p, m.hs[2].body.len), v,
                                                      sh.cipher_suite, &ske, &diag),
                     RD_OK);
    ck_assert_uint_eq(ske.named_group, 24);
    ck_assert_uint_eq(ske.public_key.len, 97);
    ck_assert_uint_eq(ske.sig_alg, 0x0804);
    ck_assert_uint_eq(ske.signature.len, 256);

    ck_assert_int_eq(rd_x509_parse(cert.certs[0], &facts, &diag), RD_OK);
    ck_assert_str_eq(facts.subject_cn, "IT-HELP-TEST.ad.it-help.ninja");
    ck_assert_str_eq(facts.issuer, "CN=IT-HELP-DC,DC=ad,DC=it-help,DC=ninja");
    ck_assert(!facts.is_self_issued);
    ck_assert_int_eq(facts.not_before, 1712102050); /* 2024-04-02T23:54:10Z */
    ck_assert_int_eq(facts.not_after, 1775174050);  /* 2026-04-02T23:54:10Z */
    /* At capture time (2024-05-06T20:24:32Z) valid for the host the client named. */
    rd_x509_judge(&facts, 1715027072, "it-help-test.ad.it-help.ninja", &j);
    ck_assert(!j.expired);
    ck_assert(!j.expires_within_30_days);
    ck_assert_int_eq(j.name_matches, RD_X509_YES);
    free(cap.bytes);
}
END_TEST

/*
 * tls-1.2-handshake-failure.pcap (plain TLS on 443): frame 4 ClientHello in a
 * TLS 1.0 record offering TLS 1.2, nine suites and DEFLATE; frame 6 the
 * server's fatal handshake_failure alert.
 */
START_TEST(test_capture_handshake_failure)
{
    struct capture cap;
    struct rd_cur p;
    struct msgs m;
    struct rd_tls_client_hello ch;
    struct rd_tls_record rec;
    struct rd_tls_alert alert;
    size_t rec_len = 0;
    struct rd_diag diag = {0};

    if (!load_capture("tls-1.2-handshake-failure.pcap", &cap)) {
        return;
    }
    ck_assert(frame_payload(&cap, 4, &p));
    split(p, &m);
    ck_assert_uint_eq(m.n, 1);
    ck_assert_int_eq(rd_tls_parse_client_hello(cur(m.hs[0].body.p, m.hs[0].body.len), &ch, &diag),
                     RD_OK);
    ck_assert_uint_eq(ch.legacy_version, RD_TLS_VERSION_TLS12);
    ck_assert_uint_eq(ch.n_cipher_suites, 9);
    ck_assert_uint_eq(ch.cipher_suites[8], 0x00ff);
    ck_assert_uint_eq(ch.n_compression_methods, 2);
    ck_assert_uint_eq(ch.compression_methods[0], 1);
    ck_assert_uint_eq(ch.n_extensions, 5);
    ck_assert_uint_eq(ch.extensions[4].type, 15);
    ck_assert_uint_eq(ch.n_groups, 25);
    ck_assert(!ch.has_server_name);
    ck_assert(ch.has_session_ticket);

    ck_assert(frame_payload(&cap, 6, &p));
    ck_assert_int_eq(rd_tls_frame_record(p, &rec_len, &diag), RD_OK);
    ck_assert_uint_eq(rec_len, p.len);
    ck_assert_int_eq(rd_tls_parse_record(p, &rec, &diag), RD_OK);
    ck_assert_int_eq(rd_tls_parse_alert(cur(rec.fragment.p, rec.fragment.len), &alert, &diag),
                     RD_OK);
    ck_assert_str_eq(rd_tls_alert_name(alert.description), "handshake_failure");
    free(cap.bytes);
}
END_TEST

/*
 * rdp-no-cookie-mstshash.pcap (every frame captured twice): frame 11
 * ClientHello with 21 suites, frame 13 ServerHello choosing
 * TLS_RSA_WITH_AES_256_GCM_SHA384, Certificate, ServerHelloDone.
 */
START_TEST(test_capture_no_cookie)
{
    struct capture cap;
    struct rd_cur p;
    struct msgs m;
    struct rd_tls_client_hello ch;
    struct rd_tls_server_hello sh;
    struct rd_tls_certificate cert;
    struct rd_tls_cipher_info info;
    struct rd_x509_facts facts;
    struct rd_x509_judgement j;
    struct rd_diag diag = {0};

    if (!load_capture("rdp-no-cookie-mstshash.pcap", &cap)) {
        return;
    }
    ck_assert(frame_payload(&cap, 11, &p));
    split(p, &m);
    ck_assert_int_eq(rd_tls_parse_client_hello(cur(m.hs[0].body.p, m.hs[0].body.len), &ch, &diag),
                     RD_OK);
    ck_assert_uint_eq(ch.n_cipher_suites, 21);
    ck_assert(ch.has_extended_master_secret);

    ck_assert(frame_payload(&cap, 13, &p));
    split(p, &m);
    ck_assert_uint_eq(m.n, 3);
    ck_assert_int_eq(rd_tls_parse_server_hello(cur(m.hs[0].body.p, m.hs[0].body.len), &sh, &diag),
                     RD_OK);
    ck_assert_uint_eq(sh.cipher_suite, 0x009d);
    ck_assert(rd_tls_cipher_info(sh.cipher_suite, &info));
    ck_assert(rd_tls_cipher_is_rsa_kx(sh.cipher_suite));
    ck_assert_int_eq(info.bulk, RD_TLS_BULK_AES_256_GCM);
    ck_assert_int_eq(info.prf_hash, RD_TLS_HASH_SHA384);
    ck_assert_int_eq(
        rd_tls_parse_certificate(cur(m.hs[1].body.p, m.hs[1].body.len), false, &cert, &diag),
        RD_OK);
    ck_assert_uint_eq(cert.n_certs, 1);
    ck_assert_uint_eq(cert.certs[0].len, 768);
    ck_assert_int_eq(rd_x509_parse(cert.certs[0], &facts, &diag), RD_OK);
    ck_assert_str_eq(facts.subject_cn, "CLK-456040-D.one.phoenix.gov");
    ck_assert_int_eq(facts.not_before, 1730589559); /* 2024-11-02T23:19:19Z */
    ck_assert_int_eq(facts.not_after, 1746400759);  /* 2025-05-04T23:19:19Z */
    /* Captured 2025-02-18: valid for its own name. */
    rd_x509_judge(&facts, 1739893844, "CLK-456040-D.ONE.phoenix.gov", &j);
    ck_assert(!j.expired);
    ck_assert_int_eq(j.name_matches, RD_X509_YES);
    free(cap.bytes);
}
END_TEST

static Suite *tls_suite(void)
{
    Suite *s = suite_create("tls");
    TCase *tc = tcase_create("vectors");
    int nv = (int)(sizeof svecs / sizeof svecs[0]);

    tcase_add_loop_test(tc, test_status_vectors, 0, nv);
    tcase_add_loop_test(tc, test_truncation_sweep, 0, nv);
    tcase_add_loop_test(tc, test_trailing_byte, 0, nv);
    tcase_add_test(tc, test_length_fields);
    tcase_add_test(tc, test_client_hello_fields);
    tcase_add_test(tc, test_real_client_hello);
    tcase_add_test(tc, test_server_hellos);
    tcase_add_test(tc, test_certificate_fields);
    tcase_add_test(tc, test_key_exchange_fields);
    tcase_add_test(tc, test_alert_record);
    tcase_add_test(tc, test_sslv2);
    tcase_add_test(tc, test_list_overflow);
    tcase_add_test(tc, test_cert_overflow);
    suite_add_tcase(s, tc);

    tc = tcase_create("framing");
    tcase_add_loop_test(tc, test_frame_record, 0,
                        (int)(sizeof record_frames / sizeof record_frames[0]));
    tcase_add_test(tc, test_frame_record_prefixes);
    tcase_add_test(tc, test_frame_handshake);
    suite_add_tcase(s, tc);

    tc = tcase_create("names");
    tcase_add_test(tc, test_names);
    tcase_add_loop_test(tc, test_cipher_info, 0, (int)(sizeof suite_facts / sizeof suite_facts[0]));
    tcase_add_test(tc, test_cipher_table_consistent);
    suite_add_tcase(s, tc);

    tc = tcase_create("captures");
    tcase_add_test(tc, test_capture_rdp_to_ssl);
    tcase_add_test(tc, test_capture_windows_tls12);
    tcase_add_test(tc, test_capture_handshake_failure);
    tcase_add_test(tc, test_capture_no_cookie);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tls_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
