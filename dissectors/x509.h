/*
 * x509.h - the facts of one X.509 certificate, read through OpenSSL, and a
 * pure judgement of those facts at a given time for a given host name.
 *
 * References: RFC 5280 (certificate profile), RFC 4514 / RFC 2253 (one-line
 * names), RFC 6125 6.4 (host name matching, wildcards), X.690 (DER).
 *
 * No OpenSSL type appears here: the results are plain fixed-size strings and
 * numbers, copied out of the certificate, so they outlive the input buffer.
 */
#ifndef RD_X509_H
#define RD_X509_H

#include "cursor.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RD_X509_NAME_MAX   256 /* subject / issuer, RFC 2253 form, with NUL */
#define RD_X509_CN_MAX     128
#define RD_X509_SAN_MAX    128
#define RD_X509_MAX_SANS   16
#define RD_X509_SERIAL_MAX 132 /* 64 octets as hex, a sign, NUL */
#define RD_X509_ALG_MAX    64
#define RD_X509_CURVE_MAX  32
#define RD_X509_FP_MAX     96 /* 32 bytes as "AA:BB:...", with NUL */

enum rd_x509_key_type {
    RD_X509_KEY_UNKNOWN = 0,
    RD_X509_KEY_RSA,
    RD_X509_KEY_RSA_PSS,
    RD_X509_KEY_DSA,
    RD_X509_KEY_EC,
    RD_X509_KEY_ED25519,
    RD_X509_KEY_ED448
};

enum rd_x509_san_type { RD_X509_SAN_DNS = 1, RD_X509_SAN_IP };

struct rd_x509_san {
    enum rd_x509_san_type type;
    char value[RD_X509_SAN_MAX]; /* DNS name as sent, or IP in inet_ntop form */
    bool truncated;
};

struct rd_x509_facts {
    int version; /* 1..3 */

    char subject[RD_X509_NAME_MAX];
    bool subject_truncated;
    char issuer[RD_X509_NAME_MAX];
    bool issuer_truncated;

    bool has_subject_cn;
    char subject_cn[RD_X509_CN_MAX]; /* the most specific (last) CN, UTF-8 */
    bool subject_cn_truncated;

    struct rd_x509_san sans[RD_X509_MAX_SANS];
    size_t n_sans;
    size_t sans_dropped;
    size_t sans_other;   /* SAN entries of other kinds (email, URI, ...) */
    bool sans_malformed; /* the subjectAltName extension did not decode */

    char serial_hex[RD_X509_SERIAL_MAX];

    int64_t not_before; /* seconds since 1970-01-01T00:00:00Z, may be negative */
    int64_t not_after;

    enum rd_x509_key_type key_type;
    char key_curve[RD_X509_CURVE_MAX]; /* EC group name, e.g. "prime256v1" */
    unsigned key_bits;

    char sig_alg[RD_X509_ALG_MAX];  /* e.g. "sha256WithRSAEncryption" */
    char sig_hash[RD_X509_ALG_MAX]; /* "SHA1", "SHA256", "none" (EdDSA), "unknown" */

    bool is_ca;          /* basicConstraints cA */
    bool is_self_issued; /* issuer equals subject */
    bool is_self_signed; /* self-issued and verifies with its own key */

    char sha256_fp[RD_X509_FP_MAX]; /* of the DER as received */
};

/* Three-valued answer for name matching. */
enum rd_x509_tri { RD_X509_NO = 0, RD_X509_YES, RD_X509_UNKNOWN };

struct rd_x509_judgement {
    bool expired;                /* at_time after not_after */
    bool not_yet_valid;          /* at_time before not_before */
    bool expires_within_30_days; /* still valid, but not_after within 30 days */
    bool weak_key;               /* RSA/DSA < 2048 bits, EC < 224 bits */
    bool weak_signature;         /* MD2/MD4/MD5/SHA1 */
    enum rd_x509_tri name_matches;
};

/*
 * Parse exactly one DER certificate (the whole view; trailing bytes are
 * RD_MALFORMED) and fill out with copies (no views).  RD_MALFORMED with a diag
 * when OpenSSL rejects it or a validity time does not convert; never
 * RD_NEED_MORE.  The OpenSSL error queue is cleared before and drained after.
 */
enum rd_status rd_x509_parse(struct rd_bytes der, struct rd_x509_facts *out, struct rd_diag *diag);

/*
 * Judge f at at_time (seconds since the epoch, the capture's time).  Name
 * matching follows RFC 6125 6.4: DNS subjectAltNames when there are any, the
 * CN otherwise; ASCII case-insensitive; a wildcard is only a whole left-most
 * label ("*.example.com") and matches exactly one label.  An IP literal host
 * matches IP subjectAltNames (or a CN holding the same text).  NULL
 * expected_host gives RD_X509_UNKNOWN.
 */
void rd_x509_judge(const struct rd_x509_facts *f, int64_t at_time, const char *expected_host,
                   struct rd_x509_judgement *j);

/* RFC 6125 6.4.1/6.4.3 comparison of one presented DNS name (possibly
 * "*.suffix") with a host name; ASCII case-insensitive, one trailing dot
 * ignored on either side. */
bool rd_x509_dns_match(const char *pattern, const char *host);

/* Name of a key type ("RSA", "EC", "Ed25519", ...), never NULL. */
const char *rd_x509_key_type_name(enum rd_x509_key_type t);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12); pure
 * arithmetic, valid far outside the time_t range. */
int64_t rd_x509_days_from_civil(int64_t year, unsigned month, unsigned day);

#endif
