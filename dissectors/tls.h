/*
 * tls.h - TLS records, handshake messages, alerts and extensions as plain structs.
 *
 * References: RFC 5246 (TLS 1.2; appendix E.2 for the SSLv2-compatible
 * ClientHello), RFC 8446 (TLS 1.3), RFC 6066 (server_name), RFC 7301 (ALPN),
 * RFC 7627 (extended_master_secret), RFC 5746 (renegotiation_info), RFC 8422
 * (ECC key exchange), RFC 8701 (GREASE), IANA "TLS Cipher Suites" and "TLS
 * ExtensionType Values" registries.
 *
 * Every result holds views (struct rd_bytes) into the caller's buffer; they live
 * exactly as long as that buffer.  Only the framing functions
 * (rd_tls_frame_record, rd_tls_frame_handshake) return RD_NEED_MORE; body
 * parsers run on an exact-length view and return RD_OK or RD_MALFORMED.
 */
#ifndef RD_TLS_H
#define RD_TLS_H

#include "cursor.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef RD_TESTABLE
#ifdef RD_UNIT_TEST
#define RD_TESTABLE
#else
#define RD_TESTABLE static
#endif
#endif

#define RD_TLS_RECORD_HEADER_LEN    5u
#define RD_TLS_SSLV2_HEADER_LEN     2u
#define RD_TLS_HANDSHAKE_HEADER_LEN 4u
/* RFC 5246 6.2.3: a TLSCiphertext fragment is at most 2^14 + 2048 bytes. */
#define RD_TLS_MAX_FRAGMENT_LEN (16384u + 2048u)
/* Our own cap on one handshake message (a long certificate chain fits). */
#define RD_TLS_MAX_HANDSHAKE_LEN (256u * 1024u)
#define RD_TLS_RANDOM_LEN        32u

#define RD_TLS_MAX_CIPHER_SUITES 128
#define RD_TLS_MAX_COMPRESSION   8
#define RD_TLS_MAX_EXTENSIONS    40
#define RD_TLS_MAX_VERSIONS      16
#define RD_TLS_MAX_GROUPS        32
#define RD_TLS_MAX_SIG_ALGS      48
#define RD_TLS_MAX_KEY_SHARES    8
#define RD_TLS_MAX_ALPN          8
#define RD_TLS_MAX_CERTS         10

/* Protocol versions as they appear on the wire. */
#define RD_TLS_VERSION_SSL3  0x0300u
#define RD_TLS_VERSION_TLS10 0x0301u
#define RD_TLS_VERSION_TLS11 0x0302u
#define RD_TLS_VERSION_TLS12 0x0303u
#define RD_TLS_VERSION_TLS13 0x0304u

/* ContentType, RFC 8446 5.1 and RFC 6520. */
enum rd_tls_content_type {
    RD_TLS_CT_CHANGE_CIPHER_SPEC = 20,
    RD_TLS_CT_ALERT = 21,
    RD_TLS_CT_HANDSHAKE = 22,
    RD_TLS_CT_APPLICATION_DATA = 23,
    RD_TLS_CT_HEARTBEAT = 24
};

/* HandshakeType, RFC 8446 4 and RFC 5246 7.4. */
enum rd_tls_hs_type {
    RD_TLS_HS_HELLO_REQUEST = 0,
    RD_TLS_HS_CLIENT_HELLO = 1,
    RD_TLS_HS_SERVER_HELLO = 2,
    RD_TLS_HS_NEW_SESSION_TICKET = 4,
    RD_TLS_HS_END_OF_EARLY_DATA = 5,
    RD_TLS_HS_ENCRYPTED_EXTENSIONS = 8,
    RD_TLS_HS_CERTIFICATE = 11,
    RD_TLS_HS_SERVER_KEY_EXCHANGE = 12,
    RD_TLS_HS_CERTIFICATE_REQUEST = 13,
    RD_TLS_HS_SERVER_HELLO_DONE = 14,
    RD_TLS_HS_CERTIFICATE_VERIFY = 15,
    RD_TLS_HS_CLIENT_KEY_EXCHANGE = 16,
    RD_TLS_HS_FINISHED = 20,
    RD_TLS_HS_CERTIFICATE_STATUS = 22,
    RD_TLS_HS_KEY_UPDATE = 24
};

/* ExtensionType values this module decodes (IANA registry). */
enum rd_tls_ext_type {
    RD_TLS_EXT_SERVER_NAME = 0,
    RD_TLS_EXT_SUPPORTED_GROUPS = 10,
    RD_TLS_EXT_SIGNATURE_ALGORITHMS = 13,
    RD_TLS_EXT_ALPN = 16,
    RD_TLS_EXT_EXTENDED_MASTER_SECRET = 23,
    RD_TLS_EXT_SESSION_TICKET = 35,
    RD_TLS_EXT_SUPPORTED_VERSIONS = 43,
    RD_TLS_EXT_KEY_SHARE = 51,
    RD_TLS_EXT_RENEGOTIATION_INFO = 0xff01
};

enum rd_tls_alert_level { RD_TLS_ALERT_WARNING = 1, RD_TLS_ALERT_FATAL = 2 };

/* One TLS record (or an SSLv2-compatible ClientHello, RFC 5246 E.2). */
struct rd_tls_record {
    uint8_t content_type;     /* 20..24; RD_TLS_CT_HANDSHAKE for SSLv2 */
    uint16_t version;         /* record-layer version */
    struct rd_bytes fragment; /* the record body; for SSLv2, from msg_type on */
    bool is_sslv2;            /* a 2-byte SSLv2 header was used */
};

/* One handshake message: type and exactly its body. */
struct rd_tls_handshake {
    uint8_t msg_type;
    struct rd_bytes body;
};

/* One extension of a hello: its type and exactly its extension_data. */
struct rd_tls_extension {
    uint16_t type;
    struct rd_bytes data;
};

struct rd_tls_client_hello {
    uint16_t legacy_version;
    /* For an SSLv2 ClientHello: the challenge right-aligned, zero-padded (E.2). */
    uint8_t random[RD_TLS_RANDOM_LEN];
    struct rd_bytes session_id;

    uint16_t cipher_suites[RD_TLS_MAX_CIPHER_SUITES];
    size_t n_cipher_suites;
    size_t cipher_suites_dropped;

    uint8_t compression_methods[RD_TLS_MAX_COMPRESSION];
    size_t n_compression_methods;
    size_t compression_methods_dropped;

    bool has_extensions_block; /* absent in SSL 3.0-era hellos (RFC 5246 7.4.1.2) */
    struct rd_tls_extension extensions[RD_TLS_MAX_EXTENSIONS];
    size_t n_extensions;
    size_t extensions_dropped;

    /* Decoded extensions. */
    bool has_supported_versions;
    uint16_t supported_versions[RD_TLS_MAX_VERSIONS];
    size_t n_supported_versions;
    size_t supported_versions_dropped;

    bool has_server_name;
    struct rd_bytes server_name; /* first host_name entry, not NUL-terminated */

    uint16_t groups[RD_TLS_MAX_GROUPS];
    size_t n_groups;
    size_t groups_dropped;

    uint16_t sig_algs[RD_TLS_MAX_SIG_ALGS];
    size_t n_sig_algs;
    size_t sig_algs_dropped;

    uint16_t key_share_groups[RD_TLS_MAX_KEY_SHARES];
    size_t n_key_share_groups;
    size_t key_share_groups_dropped;

    struct rd_bytes alpn[RD_TLS_MAX_ALPN];
    size_t n_alpn;
    size_t alpn_dropped;

    bool has_extended_master_secret;
    bool has_renegotiation_info;
    bool has_session_ticket;

    /* SSLv2-compatible form (RFC 5246 E.2). */
    bool is_sslv2;
    size_t sslv2_only_specs; /* 3-byte cipher specs with no TLS equivalent */
};

struct rd_tls_server_hello {
    uint16_t legacy_version;
    uint8_t random[RD_TLS_RANDOM_LEN];
    struct rd_bytes session_id;
    uint16_t cipher_suite;
    uint8_t compression_method;
    bool is_hello_retry_request; /* RFC 8446 4.1.3: the special random */

    bool has_extensions_block;
    struct rd_tls_extension extensions[RD_TLS_MAX_EXTENSIONS];
    size_t n_extensions;
    size_t extensions_dropped;

    bool has_supported_versions;
    uint16_t selected_version;
    bool has_key_share;
    uint16_t key_share_group;
    bool has_alpn;
    struct rd_bytes alpn;
    bool has_extended_master_secret;
    bool has_renegotiation_info;
    bool has_session_ticket;
};

/* Certificate (RFC 5246 7.4.2; RFC 8446 4.4.2 when tls13).  DER views. */
struct rd_tls_certificate {
    struct rd_bytes request_context; /* TLS 1.3 only */
    struct rd_bytes certs[RD_TLS_MAX_CERTS];
    size_t n_certs;
    size_t certs_dropped;
};

enum rd_tls_kx {
    RD_TLS_KX_UNKNOWN = 0,
    RD_TLS_KX_NULL,
    RD_TLS_KX_RSA,
    RD_TLS_KX_RSA_EXPORT,
    RD_TLS_KX_DH,
    RD_TLS_KX_DHE,
    RD_TLS_KX_DH_ANON,
    RD_TLS_KX_ECDH,
    RD_TLS_KX_ECDHE,
    RD_TLS_KX_ECDH_ANON,
    RD_TLS_KX_PSK,
    RD_TLS_KX_RSA_PSK,
    RD_TLS_KX_DHE_PSK,
    RD_TLS_KX_ECDHE_PSK,
    RD_TLS_KX_TLS13, /* negotiated by key_share/pre_shared_key, not the suite */
    RD_TLS_KX_SCSV   /* a signalling value, not a suite */
};

enum rd_tls_bulk {
    RD_TLS_BULK_UNKNOWN = 0,
    RD_TLS_BULK_NULL,
    RD_TLS_BULK_RC4_40,
    RD_TLS_BULK_RC4_128,
    RD_TLS_BULK_RC2_CBC_40,
    RD_TLS_BULK_IDEA_CBC,
    RD_TLS_BULK_DES40_CBC,
    RD_TLS_BULK_DES_CBC,
    RD_TLS_BULK_3DES_EDE_CBC,
    RD_TLS_BULK_AES_128_CBC,
    RD_TLS_BULK_AES_256_CBC,
    RD_TLS_BULK_AES_128_GCM,
    RD_TLS_BULK_AES_256_GCM,
    RD_TLS_BULK_AES_128_CCM,
    RD_TLS_BULK_AES_256_CCM,
    RD_TLS_BULK_AES_128_CCM_8,
    RD_TLS_BULK_AES_256_CCM_8,
    RD_TLS_BULK_CHACHA20_POLY1305,
    RD_TLS_BULK_CAMELLIA_128_CBC,
    RD_TLS_BULK_CAMELLIA_256_CBC,
    RD_TLS_BULK_SEED_CBC
};

enum rd_tls_hash {
    RD_TLS_HASH_NONE = 0, /* AEAD suites carry no record MAC */
    RD_TLS_HASH_MD5,
    RD_TLS_HASH_SHA1,
    RD_TLS_HASH_SHA256,
    RD_TLS_HASH_SHA384
};

/* What record protection needs to know about a cipher suite. */
struct rd_tls_cipher_info {
    uint16_t id;
    const char *name; /* IANA name */
    enum rd_tls_kx kx;
    enum rd_tls_bulk bulk;
    enum rd_tls_hash mac;      /* record MAC (HMAC); NONE for AEAD */
    enum rd_tls_hash prf_hash; /* TLS 1.2 PRF / TLS 1.3 HKDF hash; TLS 1.0/1.1
                                  always use the MD5+SHA1 PRF regardless */
    bool is_aead;
    uint8_t key_len;       /* bulk key bytes */
    uint8_t fixed_iv_len;  /* CBC: block size (TLS 1.0 IV); AEAD: implicit part in
                              TLS 1.2 (4 for GCM/CCM, 12 for ChaCha20); TLS 1.3: 12 */
    uint8_t record_iv_len; /* TLS 1.1+/1.2 explicit IV/nonce per record */
    uint8_t block_len;     /* 0 for stream and AEAD ciphers */
    uint8_t mac_len;       /* HMAC output bytes; 0 for AEAD */
    uint8_t tag_len;       /* AEAD tag bytes; 0 otherwise */
};

/* ServerKeyExchange for (EC)DHE (RFC 8422 5.4, RFC 5246 7.4.3). */
struct rd_tls_server_key_exchange {
    enum rd_tls_kx kx;
    uint16_t named_group;       /* ECDHE named_curve */
    struct rd_bytes dh_p;       /* DHE */
    struct rd_bytes dh_g;       /* DHE */
    struct rd_bytes public_key; /* ECDHE point or DHE Ys */
    bool has_sig_alg;           /* TLS 1.2 carries SignatureAndHashAlgorithm */
    uint16_t sig_alg;
    struct rd_bytes signature;
};

/* ClientKeyExchange (RFC 5246 7.4.7, RFC 8422 5.7). */
struct rd_tls_client_key_exchange {
    enum rd_tls_kx kx;
    /* RSA: EncryptedPreMasterSecret; DHE: Yc; ECDHE: the point. */
    struct rd_bytes exchange;
};

struct rd_tls_alert {
    uint8_t level;
    uint8_t description;
};

/*
 * Frame the record at the start of a byte stream.  On RD_OK *rec_len is the
 * whole record (header included).  RD_NEED_MORE: *rec_len is the number of bytes
 * the record needs in total (or the header length while the header is
 * incomplete).  RD_MALFORMED: content type not 20..24, major version not 3,
 * length above RD_TLS_MAX_FRAGMENT_LEN (or a high-bit first byte that is not an
 * SSLv2-compatible ClientHello).
 */
enum rd_status rd_tls_frame_record(struct rd_cur in, size_t *rec_len, struct rd_diag *diag);

/* Parse one framed record (exactly its bytes): content type, version, fragment. */
enum rd_status rd_tls_parse_record(struct rd_cur rec, struct rd_tls_record *out,
                                   struct rd_diag *diag);

/*
 * Frame a handshake message at the start of concatenated handshake fragments:
 * *msg_len is the total (4-byte header + body) on RD_OK, and what is needed on
 * RD_NEED_MORE.  RD_MALFORMED (RD_WHY_LIMIT) above RD_TLS_MAX_HANDSHAKE_LEN.
 */
enum rd_status rd_tls_frame_handshake(struct rd_cur in, size_t *msg_len, struct rd_diag *diag);

/* Split one framed handshake message into type and body. */
enum rd_status rd_tls_parse_handshake(struct rd_cur msg, struct rd_tls_handshake *out,
                                      struct rd_diag *diag);

/* ClientHello body (after the 4-byte handshake header). */
enum rd_status rd_tls_parse_client_hello(struct rd_cur body, struct rd_tls_client_hello *out,
                                         struct rd_diag *diag);
/* SSLv2-compatible ClientHello: the fragment of an is_sslv2 record (from msg_type). */
enum rd_status rd_tls_parse_sslv2_client_hello(struct rd_cur frag, struct rd_tls_client_hello *out,
                                               struct rd_diag *diag);
/* ServerHello body (also HelloRetryRequest, flagged by is_hello_retry_request). */
enum rd_status rd_tls_parse_server_hello(struct rd_cur body, struct rd_tls_server_hello *out,
                                         struct rd_diag *diag);
/* Certificate body; tls13 selects the RFC 8446 4.4.2 layout. */
enum rd_status rd_tls_parse_certificate(struct rd_cur body, bool tls13,
                                        struct rd_tls_certificate *out, struct rd_diag *diag);
/* ServerKeyExchange body for the negotiated suite and version.  Suites whose
 * ServerKeyExchange we do not decode give RD_MALFORMED with RD_WHY_UNSUPPORTED. */
enum rd_status rd_tls_parse_server_key_exchange(struct rd_cur body, uint16_t version,
                                                uint16_t cipher_suite,
                                                struct rd_tls_server_key_exchange *out,
                                                struct rd_diag *diag);
/* ClientKeyExchange body; for RSA the encrypted premaster secret (SSL 3.0 sends
 * it without the 2-byte length, RFC 6101 5.6.7.1). */
enum rd_status rd_tls_parse_client_key_exchange(struct rd_cur body, uint16_t version,
                                                uint16_t cipher_suite,
                                                struct rd_tls_client_key_exchange *out,
                                                struct rd_diag *diag);
/* ServerHelloDone body: must be empty (RFC 5246 7.4.5). */
enum rd_status rd_tls_parse_server_hello_done(struct rd_cur body, struct rd_diag *diag);
/* ChangeCipherSpec record fragment: exactly the byte 1 (RFC 5246 7.1). */
enum rd_status rd_tls_parse_change_cipher_spec(struct rd_cur frag, struct rd_diag *diag);
/* Plaintext Alert record fragment: exactly level + description (RFC 8446 6). */
enum rd_status rd_tls_parse_alert(struct rd_cur frag, struct rd_tls_alert *out,
                                  struct rd_diag *diag);

/* The version the server chose: supported_versions when present (RFC 8446
 * 4.2.1), legacy_version otherwise.  0 when sh is NULL. */
uint16_t rd_tls_negotiated_version(const struct rd_tls_client_hello *ch,
                                   const struct rd_tls_server_hello *sh);
/* Whether ch offered version v (supported_versions if present, else every
 * version from SSL 3.0 up to legacy_version). */
bool rd_tls_version_offered(const struct rd_tls_client_hello *ch, uint16_t v);
/* Whether the RFC 8701 GREASE pattern 0x?A?A with equal bytes matches v. */
bool rd_tls_is_grease(uint16_t v);

/* Names (tls_names.c): static strings, never NULL; unknown values give "unknown". */
const char *rd_tls_version_name(uint16_t v);
const char *rd_tls_content_type_name(uint8_t t);
const char *rd_tls_hs_type_name(uint8_t t);
const char *rd_tls_alert_name(uint8_t description);
const char *rd_tls_alert_level_name(uint8_t level);
const char *rd_tls_ext_name(uint16_t type);
const char *rd_tls_group_name(uint16_t group);
const char *rd_tls_sig_alg_name(uint16_t alg);
const char *rd_tls_cipher_name(uint16_t suite);
const char *rd_tls_bulk_name(enum rd_tls_bulk b);
const char *rd_tls_hash_name(enum rd_tls_hash h);

/* Facts about a cipher suite; false (out zeroed, name "unknown" or "GREASE")
 * when the suite is not in the table. */
bool rd_tls_cipher_info(uint16_t suite, struct rd_tls_cipher_info *out);
/* True when the suite's key exchange is RSA key transport (decryptable with the
 * server's private key). */
bool rd_tls_cipher_is_rsa_kx(uint16_t suite);

#endif
