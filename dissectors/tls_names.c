/*
 * tls_names.c - value-to-name tables for TLS and the facts record protection
 * needs about a cipher suite.
 *
 * Sources: IANA "Transport Layer Security (TLS) Parameters" registries (cipher
 * suites, extension types, supported groups, signature schemes, alerts,
 * handshake types); RFC 8446 6 and RFC 5246 7.2 (alerts); RFC 8701 (GREASE).
 * Key, IV, block and tag sizes follow RFC 5246 6.3 and appendix C, RFC 5288
 * (GCM), RFC 6655 and RFC 7251 (CCM), RFC 7905 (ChaCha20-Poly1305), RFC 8446
 * 5.3 and B.4.
 *
 * The suite table holds identifiers and IANA names only; key exchange, bulk
 * cipher and hashes are read from the name's fixed grammar
 * (TLS_<kx>_WITH_<bulk>_<hash>, or TLS_<bulk>_<hash> for TLS 1.3), so a row
 * cannot disagree with its own name.
 */
#include "config.h"

#include "tls.h"

#include <string.h>

struct suite_name {
    uint16_t id;
    const char *name;
};

/* Sorted by identifier (binary search). */
static const struct suite_name suites[] = {
    {0x0000, "TLS_NULL_WITH_NULL_NULL"},
    {0x0001, "TLS_RSA_WITH_NULL_MD5"},
    {0x0002, "TLS_RSA_WITH_NULL_SHA"},
    {0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5"},
    {0x0004, "TLS_RSA_WITH_RC4_128_MD5"},
    {0x0005, "TLS_RSA_WITH_RC4_128_SHA"},
    {0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5"},
    {0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA"},
    {0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"},
    {0x0009, "TLS_RSA_WITH_DES_CBC_SHA"},
    {0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x000b, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA"},
    {0x000c, "TLS_DH_DSS_WITH_DES_CBC_SHA"},
    {0x000d, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA"},
    {0x000e, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA"},
    {0x000f, "TLS_DH_RSA_WITH_DES_CBC_SHA"},
    {0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA"},
    {0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA"},
    {0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA"},
    {0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA"},
    {0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA"},
    {0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5"},
    {0x0018, "TLS_DH_anon_WITH_RC4_128_MD5"},
    {0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA"},
    {0x001a, "TLS_DH_anon_WITH_DES_CBC_SHA"},
    {0x001b, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA"},
    {0x002c, "TLS_PSK_WITH_NULL_SHA"},
    {0x002d, "TLS_DHE_PSK_WITH_NULL_SHA"},
    {0x002e, "TLS_RSA_PSK_WITH_NULL_SHA"},
    {0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"},
    {0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA"},
    {0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA"},
    {0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA"},
    {0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"},
    {0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA"},
    {0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"},
    {0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA"},
    {0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA"},
    {0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA"},
    {0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"},
    {0x003a, "TLS_DH_anon_WITH_AES_256_CBC_SHA"},
    {0x003b, "TLS_RSA_WITH_NULL_SHA256"},
    {0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256"},
    {0x003d, "TLS_RSA_WITH_AES_256_CBC_SHA256"},
    {0x003e, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256"},
    {0x003f, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256"},
    {0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256"},
    {0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA"},
    {0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA"},
    {0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA"},
    {0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA"},
    {0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA"},
    {0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA"},
    {0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256"},
    {0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256"},
    {0x006a, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256"},
    {0x006b, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"},
    {0x006c, "TLS_DH_anon_WITH_AES_128_CBC_SHA256"},
    {0x006d, "TLS_DH_anon_WITH_AES_256_CBC_SHA256"},
    {0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA"},
    {0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA"},
    {0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA"},
    {0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA"},
    {0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA"},
    {0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA"},
    {0x008a, "TLS_PSK_WITH_RC4_128_SHA"},
    {0x008b, "TLS_PSK_WITH_3DES_EDE_CBC_SHA"},
    {0x008c, "TLS_PSK_WITH_AES_128_CBC_SHA"},
    {0x008d, "TLS_PSK_WITH_AES_256_CBC_SHA"},
    {0x008e, "TLS_DHE_PSK_WITH_RC4_128_SHA"},
    {0x008f, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA"},
    {0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA"},
    {0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA"},
    {0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA"},
    {0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA"},
    {0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA"},
    {0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA"},
    {0x0096, "TLS_RSA_WITH_SEED_CBC_SHA"},
    {0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA"},
    {0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA"},
    {0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA"},
    {0x009a, "TLS_DHE_RSA_WITH_SEED_CBC_SHA"},
    {0x009b, "TLS_DH_anon_WITH_SEED_CBC_SHA"},
    {0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"},
    {0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0x00a0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256"},
    {0x00a1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384"},
    {0x00a2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256"},
    {0x00a3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384"},
    {0x00a4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256"},
    {0x00a5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384"},
    {0x00a6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256"},
    {0x00a7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384"},
    {0x00a8, "TLS_PSK_WITH_AES_128_GCM_SHA256"},
    {0x00a9, "TLS_PSK_WITH_AES_256_GCM_SHA384"},
    {0x00aa, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256"},
    {0x00ab, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384"},
    {0x00ac, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256"},
    {0x00ad, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384"},
    {0x00ae, "TLS_PSK_WITH_AES_128_CBC_SHA256"},
    {0x00af, "TLS_PSK_WITH_AES_256_CBC_SHA384"},
    {0x00b0, "TLS_PSK_WITH_NULL_SHA256"},
    {0x00b1, "TLS_PSK_WITH_NULL_SHA384"},
    {0x00b2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256"},
    {0x00b3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384"},
    {0x00b6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256"},
    {0x00b7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384"},
    {0x00ba, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256"},
    {0x00be, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"},
    {0x00c0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256"},
    {0x00c4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256"},
    {0x00ff, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"},
    {0x1301, "TLS_AES_128_GCM_SHA256"},
    {0x1302, "TLS_AES_256_GCM_SHA384"},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256"},
    {0x1304, "TLS_AES_128_CCM_SHA256"},
    {0x1305, "TLS_AES_128_CCM_8_SHA256"},
    {0x5600, "TLS_FALLBACK_SCSV"},
    {0xc001, "TLS_ECDH_ECDSA_WITH_NULL_SHA"},
    {0xc002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA"},
    {0xc003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA"},
    {0xc004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA"},
    {0xc005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA"},
    {0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA"},
    {0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"},
    {0xc008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA"},
    {0xc009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"},
    {0xc00a, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"},
    {0xc00b, "TLS_ECDH_RSA_WITH_NULL_SHA"},
    {0xc00c, "TLS_ECDH_RSA_WITH_RC4_128_SHA"},
    {0xc00d, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0xc00e, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA"},
    {0xc00f, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA"},
    {0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA"},
    {0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"},
    {0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"},
    {0xc013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"},
    {0xc014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"},
    {0xc015, "TLS_ECDH_anon_WITH_NULL_SHA"},
    {0xc016, "TLS_ECDH_anon_WITH_RC4_128_SHA"},
    {0xc017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA"},
    {0xc018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA"},
    {0xc019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA"},
    {0xc023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"},
    {0xc024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"},
    {0xc025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256"},
    {0xc026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384"},
    {0xc027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"},
    {0xc028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"},
    {0xc029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256"},
    {0xc02a, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384"},
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xc02d, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256"},
    {0xc02e, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384"},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
    {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
    {0xc031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256"},
    {0xc032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384"},
    {0xc035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA"},
    {0xc036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA"},
    {0xc037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256"},
    {0xc038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384"},
    {0xc072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256"},
    {0xc073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384"},
    {0xc076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256"},
    {0xc077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384"},
    {0xc09c, "TLS_RSA_WITH_AES_128_CCM"},
    {0xc09d, "TLS_RSA_WITH_AES_256_CCM"},
    {0xc09e, "TLS_DHE_RSA_WITH_AES_128_CCM"},
    {0xc09f, "TLS_DHE_RSA_WITH_AES_256_CCM"},
    {0xc0a0, "TLS_RSA_WITH_AES_128_CCM_8"},
    {0xc0a1, "TLS_RSA_WITH_AES_256_CCM_8"},
    {0xc0a2, "TLS_DHE_RSA_WITH_AES_128_CCM_8"},
    {0xc0a3, "TLS_DHE_RSA_WITH_AES_256_CCM_8"},
    {0xc0a4, "TLS_PSK_WITH_AES_128_CCM"},
    {0xc0a5, "TLS_PSK_WITH_AES_256_CCM"},
    {0xc0ac, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM"},
    {0xc0ad, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM"},
    {0xc0ae, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"},
    {0xc0af, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8"},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xccaa, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
    {0xccab, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256"},
    {0xccac, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256"},
    {0xccad, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256"},
    {0xccae, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256"},
};

struct kx_name {
    const char *text;
    enum rd_tls_kx kx;
};

/* The <kx> part of a suite name. */
static const struct kx_name kx_names[] = {
    {"NULL", RD_TLS_KX_NULL},
    {"RSA", RD_TLS_KX_RSA},
    {"RSA_EXPORT", RD_TLS_KX_RSA_EXPORT},
    {"DH_DSS", RD_TLS_KX_DH},
    {"DH_RSA", RD_TLS_KX_DH},
    {"DH_DSS_EXPORT", RD_TLS_KX_DH},
    {"DH_RSA_EXPORT", RD_TLS_KX_DH},
    {"DHE_DSS", RD_TLS_KX_DHE},
    {"DHE_RSA", RD_TLS_KX_DHE},
    {"DHE_DSS_EXPORT", RD_TLS_KX_DHE},
    {"DHE_RSA_EXPORT", RD_TLS_KX_DHE},
    {"DH_anon", RD_TLS_KX_DH_ANON},
    {"DH_anon_EXPORT", RD_TLS_KX_DH_ANON},
    {"ECDH_ECDSA", RD_TLS_KX_ECDH},
    {"ECDH_RSA", RD_TLS_KX_ECDH},
    {"ECDHE_ECDSA", RD_TLS_KX_ECDHE},
    {"ECDHE_RSA", RD_TLS_KX_ECDHE},
    {"ECDH_anon", RD_TLS_KX_ECDH_ANON},
    {"PSK", RD_TLS_KX_PSK},
    {"RSA_PSK", RD_TLS_KX_RSA_PSK},
    {"DHE_PSK", RD_TLS_KX_DHE_PSK},
    {"ECDHE_PSK", RD_TLS_KX_ECDHE_PSK},
};

struct bulk_facts {
    const char *text;
    enum rd_tls_bulk bulk;
    uint8_t key_len;
    uint8_t block_len;
    uint8_t fixed_iv_len;  /* TLS 1.2 */
    uint8_t record_iv_len; /* TLS 1.2 */
    uint8_t tag_len;
};

/* The <bulk> part of a suite name and its sizes (RFC 5246 C, RFC 5288 3,
 * RFC 6655 3, RFC 7905 2). */
static const struct bulk_facts bulks[] = {
    {"NULL", RD_TLS_BULK_NULL, 0, 0, 0, 0, 0},
    {"RC4_40", RD_TLS_BULK_RC4_40, 5, 0, 0, 0, 0},
    {"RC4_128", RD_TLS_BULK_RC4_128, 16, 0, 0, 0, 0},
    {"RC2_CBC_40", RD_TLS_BULK_RC2_CBC_40, 5, 8, 8, 8, 0},
    {"IDEA_CBC", RD_TLS_BULK_IDEA_CBC, 16, 8, 8, 8, 0},
    {"DES40_CBC", RD_TLS_BULK_DES40_CBC, 5, 8, 8, 8, 0},
    {"DES_CBC", RD_TLS_BULK_DES_CBC, 8, 8, 8, 8, 0},
    {"3DES_EDE_CBC", RD_TLS_BULK_3DES_EDE_CBC, 24, 8, 8, 8, 0},
    {"AES_128_CBC", RD_TLS_BULK_AES_128_CBC, 16, 16, 16, 16, 0},
    {"AES_256_CBC", RD_TLS_BULK_AES_256_CBC, 32, 16, 16, 16, 0},
    {"AES_128_GCM", RD_TLS_BULK_AES_128_GCM, 16, 0, 4, 8, 16},
    {"AES_256_GCM", RD_TLS_BULK_AES_256_GCM, 32, 0, 4, 8, 16},
    {"AES_128_CCM", RD_TLS_BULK_AES_128_CCM, 16, 0, 4, 8, 16},
    {"AES_256_CCM", RD_TLS_BULK_AES_256_CCM, 32, 0, 4, 8, 16},
    {"AES_128_CCM_8", RD_TLS_BULK_AES_128_CCM_8, 16, 0, 4, 8, 8},
    {"AES_256_CCM_8", RD_TLS_BULK_AES_256_CCM_8, 32, 0, 4, 8, 8},
    {"CHACHA20_POLY1305", RD_TLS_BULK_CHACHA20_POLY1305, 32, 0, 12, 0, 16},
    {"CAMELLIA_128_CBC", RD_TLS_BULK_CAMELLIA_128_CBC, 16, 16, 16, 16, 0},
    {"CAMELLIA_256_CBC", RD_TLS_BULK_CAMELLIA_256_CBC, 32, 16, 16, 16, 0},
    {"SEED_CBC", RD_TLS_BULK_SEED_CBC, 16, 16, 16, 16, 0},
};

struct code_name {
    uint16_t code;
    const char *name;
};

/* RFC 8446 6.2 and RFC 5246 7.2, plus later registrations. */
static const struct code_name alerts[] = {
    {0, "close_notify"},
    {10, "unexpected_message"},
    {20, "bad_record_mac"},
    {21, "decryption_failed"},
    {22, "record_overflow"},
    {30, "decompression_failure"},
    {40, "handshake_failure"},
    {41, "no_certificate"},
    {42, "bad_certificate"},
    {43, "unsupported_certificate"},
    {44, "certificate_revoked"},
    {45, "certificate_expired"},
    {46, "certificate_unknown"},
    {47, "illegal_parameter"},
    {48, "unknown_ca"},
    {49, "access_denied"},
    {50, "decode_error"},
    {51, "decrypt_error"},
    {60, "export_restriction"},
    {70, "protocol_version"},
    {71, "insufficient_security"},
    {80, "internal_error"},
    {86, "inappropriate_fallback"},
    {90, "user_canceled"},
    {100, "no_renegotiation"},
    {109, "missing_extension"},
    {110, "unsupported_extension"},
    {111, "certificate_unobtainable"},
    {112, "unrecognized_name"},
    {113, "bad_certificate_status_response"},
    {114, "bad_certificate_hash_value"},
    {115, "unknown_psk_identity"},
    {116, "certificate_required"},
    {120, "no_application_protocol"},
};

static const struct code_name hs_types[] = {
    {0, "hello_request"},
    {1, "client_hello"},
    {2, "server_hello"},
    {3, "hello_verify_request"},
    {4, "new_session_ticket"},
    {5, "end_of_early_data"},
    {6, "hello_retry_request"},
    {8, "encrypted_extensions"},
    {11, "certificate"},
    {12, "server_key_exchange"},
    {13, "certificate_request"},
    {14, "server_hello_done"},
    {15, "certificate_verify"},
    {16, "client_key_exchange"},
    {20, "finished"},
    {21, "certificate_url"},
    {22, "certificate_status"},
    {23, "supplemental_data"},
    {24, "key_update"},
    {25, "compressed_certificate"},
    {254, "message_hash"},
};

static const struct code_name exts[] = {
    {0, "server_name"},
    {1, "max_fragment_length"},
    {2, "client_certificate_url"},
    {3, "trusted_ca_keys"},
    {4, "truncated_hmac"},
    {5, "status_request"},
    {6, "user_mapping"},
    {7, "client_authz"},
    {8, "server_authz"},
    {9, "cert_type"},
    {10, "supported_groups"},
    {11, "ec_point_formats"},
    {12, "srp"},
    {13, "signature_algorithms"},
    {14, "use_srtp"},
    {15, "heartbeat"},
    {16, "application_layer_protocol_negotiation"},
    {17, "status_request_v2"},
    {18, "signed_certificate_timestamp"},
    {19, "client_certificate_type"},
    {20, "server_certificate_type"},
    {21, "padding"},
    {22, "encrypt_then_mac"},
    {23, "extended_master_secret"},
    {24, "token_binding"},
    {25, "cached_info"},
    {27, "compress_certificate"},
    {28, "record_size_limit"},
    {35, "session_ticket"},
    {41, "pre_shared_key"},
    {42, "early_data"},
    {43, "supported_versions"},
    {44, "cookie"},
    {45, "psk_key_exchange_modes"},
    {47, "certificate_authorities"},
    {48, "oid_filters"},
    {49, "post_handshake_auth"},
    {50, "signature_algorithms_cert"},
    {51, "key_share"},
    {57, "quic_transport_parameters"},
    {13172, "next_protocol_negotiation"},
    {17513, "application_settings"},
    {65037, "encrypted_client_hello"},
    {65281, "renegotiation_info"},
};

static const struct code_name groups[] = {
    {1, "sect163k1"},
    {2, "sect163r1"},
    {3, "sect163r2"},
    {4, "sect193r1"},
    {5, "sect193r2"},
    {6, "sect233k1"},
    {7, "sect233r1"},
    {8, "sect239k1"},
    {9, "sect283k1"},
    {10, "sect283r1"},
    {11, "sect409k1"},
    {12, "sect409r1"},
    {13, "sect571k1"},
    {14, "sect571r1"},
    {15, "secp160k1"},
    {16, "secp160r1"},
    {17, "secp160r2"},
    {18, "secp192k1"},
    {19, "secp192r1"},
    {20, "secp224k1"},
    {21, "secp224r1"},
    {22, "secp256k1"},
    {23, "secp256r1"},
    {24, "secp384r1"},
    {25, "secp521r1"},
    {26, "brainpoolP256r1"},
    {27, "brainpoolP384r1"},
    {28, "brainpoolP512r1"},
    {29, "x25519"},
    {30, "x448"},
    {31, "brainpoolP256r1tls13"},
    {32, "brainpoolP384r1tls13"},
    {33, "brainpoolP512r1tls13"},
    {256, "ffdhe2048"},
    {257, "ffdhe3072"},
    {258, "ffdhe4096"},
    {259, "ffdhe6144"},
    {260, "ffdhe8192"},
    {512, "MLKEM512"},
    {513, "MLKEM768"},
    {514, "MLKEM1024"},
    {4587, "SecP256r1MLKEM768"},
    {4588, "X25519MLKEM768"},
    {4589, "SecP384r1MLKEM1024"},
    {25497, "X25519Kyber768Draft00"},
    {65281, "arbitrary_explicit_prime_curves"},
    {65282, "arbitrary_explicit_char2_curves"},
};

/* SignatureScheme (RFC 8446 4.2.3) and the TLS 1.2 hash/signature pairs
 * (RFC 5246 7.4.1.4.1) that are still seen. */
static const struct code_name sig_algs[] = {
    {0x0201, "rsa_pkcs1_sha1"},
    {0x0202, "dsa_sha1"},
    {0x0203, "ecdsa_sha1"},
    {0x0301, "rsa_pkcs1_sha224"},
    {0x0302, "dsa_sha224"},
    {0x0303, "ecdsa_sha224"},
    {0x0401, "rsa_pkcs1_sha256"},
    {0x0402, "dsa_sha256"},
    {0x0403, "ecdsa_secp256r1_sha256"},
    {0x0420, "rsa_pkcs1_sha256_legacy"},
    {0x0501, "rsa_pkcs1_sha384"},
    {0x0502, "dsa_sha384"},
    {0x0503, "ecdsa_secp384r1_sha384"},
    {0x0520, "rsa_pkcs1_sha384_legacy"},
    {0x0601, "rsa_pkcs1_sha512"},
    {0x0602, "dsa_sha512"},
    {0x0603, "ecdsa_secp521r1_sha512"},
    {0x0620, "rsa_pkcs1_sha512_legacy"},
    {0x0804, "rsa_pss_rsae_sha256"},
    {0x0805, "rsa_pss_rsae_sha384"},
    {0x0806, "rsa_pss_rsae_sha512"},
    {0x0807, "ed25519"},
    {0x0808, "ed448"},
    {0x0809, "rsa_pss_pss_sha256"},
    {0x080a, "rsa_pss_pss_sha384"},
    {0x080b, "rsa_pss_pss_sha512"},
    {0x081a, "ecdsa_brainpoolP256r1tls13_sha256"},
    {0x081b, "ecdsa_brainpoolP384r1tls13_sha384"},
    {0x081c, "ecdsa_brainpoolP512r1tls13_sha512"},
};

/* ---- static helpers ------------------------------------------------------ */

static const char *code_lookup(const struct code_name *t, size_t n, uint16_t code)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].code == code) {
            return t[i].name;
        }
    }
    return "unknown";
}

static const struct suite_name *suite_find(uint16_t id)
{
    size_t lo = 0;
    size_t hi = sizeof suites / sizeof suites[0];

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (suites[mid].id == id) {
            return &suites[mid];
        }
        if (suites[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

/* Whether the n characters at s are exactly the string t. */
static bool span_is(const char *s, size_t n, const char *t)
{
    return strlen(t) == n && strncmp(s, t, n) == 0;
}

static const struct bulk_facts *bulk_find(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof bulks / sizeof bulks[0]; i++) {
        if (span_is(s, n, bulks[i].text)) {
            return &bulks[i];
        }
    }
    return NULL;
}

/* Split "<bulk>_<hash>" (or a bare "<bulk>", as CCM suites are named) and fill
 * bulk, MAC and PRF facts.  False when the text does not parse. */
static bool read_bulk_and_hash(const char *s, bool tls13, struct rd_tls_cipher_info *out)
{
    const char *us = strrchr(s, '_');
    const struct bulk_facts *b = NULL;
    enum rd_tls_hash h = RD_TLS_HASH_NONE;

    if (us != NULL) {
        const char *tok = us + 1;
        if (strcmp(tok, "MD5") == 0) {
            h = RD_TLS_HASH_MD5;
        } else if (strcmp(tok, "SHA") == 0) {
            h = RD_TLS_HASH_SHA1;
        } else if (strcmp(tok, "SHA256") == 0) {
            h = RD_TLS_HASH_SHA256;
        } else if (strcmp(tok, "SHA384") == 0) {
            h = RD_TLS_HASH_SHA384;
        }
        if (h != RD_TLS_HASH_NONE) {
            b = bulk_find(s, (size_t)(us - s));
        }
    }
    if (b == NULL) {
        h = RD_TLS_HASH_NONE;
        b = bulk_find(s, strlen(s));
    }
    if (b == NULL) {
        return false;
    }
    out->bulk = b->bulk;
    out->key_len = b->key_len;
    out->block_len = b->block_len;
    out->fixed_iv_len = b->fixed_iv_len;
    out->record_iv_len = b->record_iv_len;
    out->tag_len = b->tag_len;
    out->is_aead = b->tag_len != 0;
    /* RFC 5246 5 / RFC 5288 3: suites named ..._SHA384 use SHA-384 for the PRF,
     * all others SHA-256. */
    out->prf_hash = h == RD_TLS_HASH_SHA384 ? RD_TLS_HASH_SHA384 : RD_TLS_HASH_SHA256;
    out->mac = out->is_aead || tls13 ? RD_TLS_HASH_NONE : h;
    if (tls13) {
        /* RFC 8446 5.3: a 12-byte IV, no explicit nonce. */
        out->fixed_iv_len = 12;
        out->record_iv_len = 0;
    }
    switch (out->mac) {
    case RD_TLS_HASH_MD5:
        out->mac_len = 16;
        break;
    case RD_TLS_HASH_SHA1:
        out->mac_len = 20;
        break;
    case RD_TLS_HASH_SHA256:
        out->mac_len = 32;
        break;
    case RD_TLS_HASH_SHA384:
        out->mac_len = 48;
        break;
    case RD_TLS_HASH_NONE:
        out->mac_len = 0;
        break;
    }
    return true;
}

/* Read a suite name's grammar into out (out->id and out->name already set). */
static void describe_suite(const char *name, struct rd_tls_cipher_info *out)
{
    const char *kx_start = name + 4; /* after "TLS_" */
    const char *with = strstr(name, "_WITH_");
    size_t len = strlen(name);

    if (len > 5 && strcmp(name + len - 5, "_SCSV") == 0) {
        out->kx = RD_TLS_KX_SCSV;
        return;
    }
    if (with == NULL) {
        if (read_bulk_and_hash(kx_start, true, out)) {
            out->kx = RD_TLS_KX_TLS13;
        }
        return;
    }
    for (size_t i = 0; i < sizeof kx_names / sizeof kx_names[0]; i++) {
        if (span_is(kx_start, (size_t)(with - kx_start), kx_names[i].text)) {
            out->kx = kx_names[i].kx;
            break;
        }
    }
    if (strcmp(with + 6, "NULL_NULL") == 0) {
        out->bulk = RD_TLS_BULK_NULL;
        return;
    }
    (void)read_bulk_and_hash(with + 6, false, out);
}

/* ---- public functions ---------------------------------------------------- */

bool rd_tls_cipher_info(uint16_t suite, struct rd_tls_cipher_info *out)
{
    const struct suite_name *s = suite_find(suite);

    memset(out, 0, sizeof *out);
    out->id = suite;
    out->name = rd_tls_cipher_name(suite); /* "GREASE" or "unknown" when s is NULL */
    if (s == NULL) {
        return false;
    }
    out->name = s->name;
    describe_suite(s->name, out);
    return true;
}

bool rd_tls_cipher_is_rsa_kx(uint16_t suite)
{
    struct rd_tls_cipher_info info;

    (void)rd_tls_cipher_info(suite, &info);
    return info.kx == RD_TLS_KX_RSA || info.kx == RD_TLS_KX_RSA_EXPORT;
}

const char *rd_tls_cipher_name(uint16_t suite)
{
    const struct suite_name *s = suite_find(suite);

    if (s != NULL) {
        return s->name;
    }
    if (rd_tls_is_grease(suite)) {
        return "GREASE";
    }
    return "unknown";
}

const char *rd_tls_version_name(uint16_t v)
{
    switch (v) {
    case 0x0002:
        return "SSL 2.0";
    case RD_TLS_VERSION_SSL3:
        return "SSL 3.0";
    case RD_TLS_VERSION_TLS10:
        return "TLS 1.0";
    case RD_TLS_VERSION_TLS11:
        return "TLS 1.1";
    case RD_TLS_VERSION_TLS12:
        return "TLS 1.2";
    case RD_TLS_VERSION_TLS13:
        return "TLS 1.3";
    default:
        break;
    }
    if (rd_tls_is_grease(v)) {
        return "GREASE";
    }
    return "unknown";
}

const char *rd_tls_content_type_name(uint8_t t)
{
    switch (t) {
    case RD_TLS_CT_CHANGE_CIPHER_SPEC:
        return "change_cipher_spec";
    case RD_TLS_CT_ALERT:
        return "alert";
    case RD_TLS_CT_HANDSHAKE:
        return "handshake";
    case RD_TLS_CT_APPLICATION_DATA:
        return "application_data";
    case RD_TLS_CT_HEARTBEAT:
        return "heartbeat";
    default:
        return "unknown";
    }
}

const char *rd_tls_hs_type_name(uint8_t t)
{
    return code_lookup(hs_types, sizeof hs_types / sizeof hs_types[0], t);
}

const char *rd_tls_alert_name(uint8_t description)
{
    return code_lookup(alerts, sizeof alerts / sizeof alerts[0], description);
}

const char *rd_tls_alert_level_name(uint8_t level)
{
    switch (level) {
    case RD_TLS_ALERT_WARNING:
        return "warning";
    case RD_TLS_ALERT_FATAL:
        return "fatal";
    default:
        return "unknown";
    }
}

const char *rd_tls_ext_name(uint16_t type)
{
    if (rd_tls_is_grease(type)) {
        return "GREASE";
    }
    return code_lookup(exts, sizeof exts / sizeof exts[0], type);
}

const char *rd_tls_group_name(uint16_t group)
{
    if (rd_tls_is_grease(group)) {
        return "GREASE";
    }
    return code_lookup(groups, sizeof groups / sizeof groups[0], group);
}

const char *rd_tls_sig_alg_name(uint16_t alg)
{
    if (rd_tls_is_grease(alg)) {
        return "GREASE";
    }
    return code_lookup(sig_algs, sizeof sig_algs / sizeof sig_algs[0], alg);
}

const char *rd_tls_bulk_name(enum rd_tls_bulk b)
{
    for (size_t i = 0; i < sizeof bulks / sizeof bulks[0]; i++) {
        if (bulks[i].bulk == b) {
            return bulks[i].text;
        }
    }
    return "unknown";
}

const char *rd_tls_hash_name(enum rd_tls_hash h)
{
    switch (h) {
    case RD_TLS_HASH_NONE:
        return "none";
    case RD_TLS_HASH_MD5:
        return "MD5";
    case RD_TLS_HASH_SHA1:
        return "SHA1";
    case RD_TLS_HASH_SHA256:
        return "SHA256";
    case RD_TLS_HASH_SHA384:
        return "SHA384";
    }
    return "unknown";
}
