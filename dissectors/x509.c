/*
 * x509.c - X.509 certificate facts through OpenSSL, and their judgement.
 *
 * References: RFC 5280 4.1 (TBSCertificate: version, serial, signature,
 * issuer, validity, subject, subjectPublicKeyInfo) and 4.2.1.6
 * (subjectAltName), RFC 4514 / RFC 2253 (string form of names), RFC 6125 6.4
 * (matching a host name against DNS-IDs and the CN; wildcards), X.690 (DER).
 *
 * The only dissector file that includes OpenSSL (STYLE.md 1).  Every OpenSSL
 * object made here is freed before return; the error queue is cleared before
 * the first call and drained on every exit, so one bad certificate leaves no
 * trace for the next caller.  The DER is read by d2i_X509, not by the cursor:
 * OpenSSL owns the ASN.1 walk, and we only hand it a pointer and a length.
 */
#include "config.h"

#include "x509.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define SECONDS_PER_DAY  86400
#define WARN_EXPIRY_DAYS 30

/* RFC 8017 / NIST SP 800-131A: below these sizes a key is weak today. */
#define MIN_RSA_BITS 2048u
#define MIN_DSA_BITS 2048u
#define MIN_EC_BITS  224u

/* Copy n bytes into a NUL-terminated fixed buffer; true when they all fit.
 * Control characters (an embedded NUL above all) become '?', so a name like
 * "evil.test\0.good.test" can never compare equal to a real host. */
static bool copy_text(char *dst, size_t dstsize, const unsigned char *src, size_t n)
{
    size_t k = n < dstsize - 1 ? n : dstsize - 1;

    for (size_t i = 0; i < k; i++) {
        unsigned char ch = src[i];
        dst[i] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    dst[k] = '\0';
    return k == n;
}

static bool copy_cstr(char *dst, size_t dstsize, const char *src)
{
    return copy_text(dst, dstsize, (const unsigned char *)src, strlen(src));
}

/* RFC 2253 one-line form through a memory BIO. */
static bool name_oneline(const X509_NAME *name, char *dst, size_t dstsize, bool *truncated)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    long n;
    bool ok = false;

    dst[0] = '\0';
    if (bio == NULL) {
        return false;
    }
    if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
        n = BIO_get_mem_data(bio, &data);
        if (n >= 0 && (n == 0 || data != NULL)) {
            *truncated = !copy_text(dst, dstsize, (const unsigned char *)data, (size_t)n);
            ok = true;
        }
    }
    BIO_free(bio);
    return ok;
}

/* The most specific (last) commonName of the subject, as UTF-8. */
static void subject_cn(const X509_NAME *name, struct rd_x509_facts *out)
{
    int idx = -1;
    int last = -1;
    unsigned char *utf8 = NULL;
    int n;

    for (;;) {
        idx = X509_NAME_get_index_by_NID(name, NID_commonName, idx);
        if (idx < 0) {
            break;
        }
        last = idx;
    }
    if (last < 0) {
        return;
    }
    n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
    if (n < 0 || utf8 == NULL) {
        return;
    }
    out->has_subject_cn = true;
    out->subject_cn_truncated =
        !copy_text(out->subject_cn, sizeof out->subject_cn, utf8, (size_t)n);
    OPENSSL_free(utf8);
}

/* RFC 5280 4.2.1.6: dNSName and iPAddress entries. */
static void subject_alt_names(X509 *x, struct rd_x509_facts *out)
{
    int crit = -1;
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, &crit, NULL);
    int count;

    if (gens == NULL) {
        /* -1: absent; -2: more than one (RFC 5280 4.2 forbids it); otherwise
         * present but undecodable. */
        out->sans_malformed = crit != -1;
        return;
    }
    count = sk_GENERAL_NAME_num(gens);
    for (int i = 0; i < count; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        struct rd_x509_san *san;

        if (g->type != GEN_DNS && g->type != GEN_IPADD) {
            out->sans_other++;
            continue;
        }
        if (out->n_sans >= RD_X509_MAX_SANS) {
            out->sans_dropped++;
            continue;
        }
        san = &out->sans[out->n_sans];
        memset(san, 0, sizeof *san);
        if (g->type == GEN_DNS) {
            const ASN1_STRING *s = g->d.dNSName;
            int len = ASN1_STRING_length(s);
            san->type = RD_X509_SAN_DNS;
            san->truncated = !copy_text(san->value, sizeof san->value, ASN1_STRING_get0_data(s),
                                        len > 0 ? (size_t)len : 0);
        } else {
            const ASN1_OCTET_STRING *s = g->d.iPAddress;
            int len = ASN1_STRING_length(s);
            int af = len == 4 ? AF_INET : len == 16 ? AF_INET6 : -1;
            san->type = RD_X509_SAN_IP;
            if (af < 0 || inet_ntop(af, ASN1_STRING_get0_data(s), san->value,
                                    (socklen_t)sizeof san->value) == NULL) {
                /* RFC 5280 4.2.1.6: 4 or 16 octets (8/32 only in name
                 * constraints).  Kept, but as text no host can equal. */
                copy_cstr(san->value, sizeof san->value, "?");
            }
        }
        out->n_sans++;
    }
    GENERAL_NAMES_free(gens);
}

static bool serial_hex(X509 *x, struct rd_x509_facts *out)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex;
    bool ok;

    if (bn == NULL) {
        return false;
    }
    hex = BN_bn2hex(bn);
    BN_free(bn);
    if (hex == NULL) {
        return false;
    }
    ok = copy_cstr(out->serial_hex, sizeof out->serial_hex, hex);
    OPENSSL_free(hex);
    return ok;
}

/* ASN1_TIME to seconds since the epoch by calendar arithmetic, so UTCTime and
 * GeneralizedTime before 1970 or after 2038 convert on every platform. */
static bool time_to_epoch(const ASN1_TIME *t, int64_t *secs)
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1) {
        return false;
    }
    if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31) {
        return false;
    }
    *secs = rd_x509_days_from_civil((int64_t)tm.tm_year + 1900, (unsigned)tm.tm_mon + 1u,
                                    (unsigned)tm.tm_mday) *
                SECONDS_PER_DAY +
            (int64_t)tm.tm_hour * 3600 + (int64_t)tm.tm_min * 60 + tm.tm_sec;
    return true;
}

static void public_key(X509 *x, struct rd_x509_facts *out)
{
    EVP_PKEY *pkey = X509_get0_pubkey(x); /* not owned */
    int bits;

    if (pkey == NULL) {
        return;
    }
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        out->key_type = RD_X509_KEY_RSA;
    } else if (EVP_PKEY_is_a(pkey, "RSA-PSS")) {
        out->key_type = RD_X509_KEY_RSA_PSS;
    } else if (EVP_PKEY_is_a(pkey, "DSA")) {
        out->key_type = RD_X509_KEY_DSA;
    } else if (EVP_PKEY_is_a(pkey, "EC")) {
        size_t len = 0;
        out->key_type = RD_X509_KEY_EC;
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, out->key_curve,
                                           sizeof out->key_curve, &len) != 1) {
            out->key_curve[0] = '\0';
        }
    } else if (EVP_PKEY_is_a(pkey, "ED25519")) {
        out->key_type = RD_X509_KEY_ED25519;
    } else if (EVP_PKEY_is_a(pkey, "ED448")) {
        out->key_type = RD_X509_KEY_ED448;
    }
    bits = EVP_PKEY_get_bits(pkey);
    out->key_bits = bits > 0 ? (unsigned)bits : 0u;
}

static void signature_alg(X509 *x, struct rd_x509_facts *out)
{
    int nid = X509_get_signature_nid(x);
    int md_nid = NID_undef;
    int pk_nid = NID_undef;

    if (nid != NID_undef && OBJ_nid2ln(nid) != NULL) {
        copy_cstr(out->sig_alg, sizeof out->sig_alg, OBJ_nid2ln(nid));
    } else {
        const ASN1_BIT_STRING *sig = NULL;
        const X509_ALGOR *alg = NULL;
        const ASN1_OBJECT *obj = NULL;
        X509_get0_signature(&sig, &alg, x);
        if (alg != NULL) {
            X509_ALGOR_get0(&obj, NULL, NULL, alg);
        }
        if (obj == NULL || OBJ_obj2txt(out->sig_alg, (int)sizeof out->sig_alg, obj, 1) <= 0) {
            copy_cstr(out->sig_alg, sizeof out->sig_alg, "unknown");
        }
    }
    /* X509_get_signature_info also sees the hash inside RSA-PSS parameters. */
    if (X509_get_signature_info(x, &md_nid, &pk_nid, NULL, NULL) == 1 && md_nid != NID_undef &&
        OBJ_nid2sn(md_nid) != NULL) {
        copy_cstr(out->sig_hash, sizeof out->sig_hash, OBJ_nid2sn(md_nid));
    } else if (nid == NID_ED25519 || nid == NID_ED448) {
        copy_cstr(out->sig_hash, sizeof out->sig_hash, "none");
    } else {
        copy_cstr(out->sig_hash, sizeof out->sig_hash, "unknown");
    }
}

static bool fingerprint(struct rd_bytes der, struct rd_x509_facts *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    static const char hexdig[] = "0123456789ABCDEF";
    size_t pos = 0;

    if (EVP_Digest(der.p, der.len, md, &n, EVP_sha256(), NULL) != 1 || n != 32) {
        return false;
    }
    for (unsigned int i = 0; i < n; i++) {
        if (i > 0) {
            out->sha256_fp[pos++] = ':';
        }
        out->sha256_fp[pos++] = hexdig[md[i] >> 4];
        out->sha256_fp[pos++] = hexdig[md[i] & 0x0f];
    }
    out->sha256_fp[pos] = '\0';
    return true;
}

static enum rd_status fail_drain(struct rd_diag *diag, enum rd_why why, const struct rd_cur *at,
                                 const char *field)
{
    ERR_clear_error();
    return rd_fail(diag, why, at, field);
}

/* ---- judgement helpers (pure, no OpenSSL) -------------------------------- */

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool ascii_ieq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

/* Length without one trailing root dot ("host.example." names the same). */
static size_t dns_len(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && s[n - 1] == '.' ? n - 1 : n;
}

/* RFC 6125 6.4.1 and 6.4.3: exact match, or "*." + suffix where the wildcard
 * stands for exactly one non-empty left-most label and the suffix itself has
 * at least two labels (no "*.com"). */
bool rd_x509_dns_match(const char *pattern, const char *host)
{
    size_t pn = dns_len(pattern);
    size_t hn = dns_len(host);
    const char *dot;

    if (pn == 0 || hn == 0) {
        return false;
    }
    if (pn >= 2 && pattern[0] == '*' && pattern[1] == '.') {
        const char *suffix = pattern + 1; /* ".example.com" */
        size_t sn = pn - 1;
        const char *inner = memchr(suffix + 1, '.', sn - 1);
        if (inner == NULL || (size_t)(inner - suffix) + 1 >= sn) {
            return false;
        }
        dot = memchr(host, '.', hn);
        if (dot == NULL || dot == host) {
            return false;
        }
        return hn - (size_t)(dot - host) == sn && ascii_ieq(dot, suffix, sn);
    }
    return pn == hn && ascii_ieq(pattern, host, hn);
}

/* The canonical text of an IP literal (inet_ntop form), or false. */
static bool ip_canonical(const char *host, char *buf, size_t bufsize)
{
    unsigned char addr[16];

    if (inet_pton(AF_INET, host, addr) == 1) {
        return inet_ntop(AF_INET, addr, buf, (socklen_t)bufsize) != NULL;
    }
    if (inet_pton(AF_INET6, host, addr) == 1) {
        return inet_ntop(AF_INET6, addr, buf, (socklen_t)bufsize) != NULL;
    }
    return false;
}

static enum rd_x509_tri name_match(const struct rd_x509_facts *f, const char *host)
{
    char ip[INET6_ADDRSTRLEN];
    bool is_ip = ip_canonical(host, ip, sizeof ip);
    bool have_dns = false;
    bool have_ip = false;

    for (size_t i = 0; i < f->n_sans; i++) {
        const struct rd_x509_san *s = &f->sans[i];
        if (s->type == RD_X509_SAN_DNS) {
            have_dns = true;
            if (!is_ip && !s->truncated && rd_x509_dns_match(s->value, host)) {
                return RD_X509_YES;
            }
        } else {
            have_ip = true;
            if (is_ip && strcmp(s->value, ip) == 0) {
                return RD_X509_YES;
            }
        }
    }
    /* An entry we could not keep might have matched. */
    if (f->sans_dropped > 0 || f->sans_malformed) {
        return RD_X509_UNKNOWN;
    }
    /* RFC 6125 6.4.4: the CN counts only when no identifier of the kind
     * sought is present. */
    if ((is_ip && have_ip) || (!is_ip && have_dns)) {
        return RD_X509_NO;
    }
    if (!f->has_subject_cn || f->subject_cn_truncated) {
        return RD_X509_NO;
    }
    if (is_ip) {
        return strcmp(f->subject_cn, host) == 0 || strcmp(f->subject_cn, ip) == 0 ? RD_X509_YES
                                                                                  : RD_X509_NO;
    }
    return rd_x509_dns_match(f->subject_cn, host) ? RD_X509_YES : RD_X509_NO;
}

/* ---- public functions ---------------------------------------------------- */

int64_t rd_x509_days_from_civil(int64_t year, unsigned month, unsigned day)
{
    /* Count years from March so the leap day is the last day of the year;
     * 400-year eras have exactly 146097 days. */
    int64_t y = month <= 2 ? year - 1 : year;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = month > 2 ? (int64_t)month - 3 : (int64_t)month + 9;
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468; /* 719468: days from 0000-03-01 to 1970-01-01 */
}

enum rd_status rd_x509_parse(struct rd_bytes der, struct rd_x509_facts *out, struct rd_diag *diag)
{
    struct rd_cur at;
    const unsigned char *p = der.p;
    X509 *x;
    enum rd_status st = RD_OK;

    memset(out, 0, sizeof *out);
    rd_cur_init(&at, der.p, der.len);
    if (der.p == NULL || der.len == 0) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "x509.der");
    }
    if (der.len > (size_t)LONG_MAX) {
        return rd_fail(diag, RD_WHY_LIMIT, &at, "x509.der");
    }
    ERR_clear_error();
    x = d2i_X509(NULL, &p, (long)der.len);
    if (x == NULL) {
        return fail_drain(diag, RD_WHY_BAD_VALUE, &at, "x509.der");
    }
    if ((size_t)(p - der.p) != der.len) {
        struct rd_cur rest = at;
        (void)rd_cur_skip(&rest, (size_t)(p - der.p));
        X509_free(x);
        return fail_drain(diag, RD_WHY_TRAILING, &rest, "x509.der");
    }

    out->version = (int)X509_get_version(x) + 1;
    if (!name_oneline(X509_get_subject_name(x), out->subject, sizeof out->subject,
                      &out->subject_truncated) ||
        !name_oneline(X509_get_issuer_name(x), out->issuer, sizeof out->issuer,
                      &out->issuer_truncated)) {
        st = fail_drain(diag, RD_WHY_BAD_VALUE, &at, "x509.name");
        goto done;
    }
    subject_cn(X509_get_subject_name(x), out);
    subject_alt_names(x, out);
    if (!serial_hex(x, out)) {
        st = fail_drain(diag, RD_WHY_BAD_VALUE, &at, "x509.serial");
        goto done;
    }
    if (!time_to_epoch(X509_get0_notBefore(x), &out->not_before)) {
        st = fail_drain(diag, RD_WHY_BAD_VALUE, &at, "x509.validity.not_before");
        goto done;
    }
    if (!time_to_epoch(X509_get0_notAfter(x), &out->not_after)) {
        st = fail_drain(diag, RD_WHY_BAD_VALUE, &at, "x509.validity.not_after");
        goto done;
    }
    public_key(x, out);
    signature_alg(x, out);
    {
        uint32_t flags = X509_get_extension_flags(x);
        out->is_ca = (flags & EXFLAG_CA) != 0;
    }
    out->is_self_issued = X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0;
    if (out->is_self_issued) {
        EVP_PKEY *pkey = X509_get0_pubkey(x);
        out->is_self_signed = pkey != NULL && X509_verify(x, pkey) == 1;
    }
    if (!fingerprint(der, out)) {
        st = fail_drain(diag, RD_WHY_BAD_VALUE, &at, "x509.fingerprint");
        goto done;
    }
done:
    /* A failed self-signature check (or an unknown key) leaves errors queued
     * that are facts, not failures: drain them either way. */
    ERR_clear_error();
    X509_free(x);
    return st;
}

void rd_x509_judge(const struct rd_x509_facts *f, int64_t at_time, const char *expected_host,
                   struct rd_x509_judgement *j)
{
    memset(j, 0, sizeof *j);
    j->expired = at_time > f->not_after;
    j->not_yet_valid = at_time < f->not_before;
    j->expires_within_30_days =
        !j->expired && !j->not_yet_valid &&
        f->not_after - at_time < (int64_t)WARN_EXPIRY_DAYS * SECONDS_PER_DAY;
    switch (f->key_type) {
    case RD_X509_KEY_RSA:
    case RD_X509_KEY_RSA_PSS:
        j->weak_key = f->key_bits < MIN_RSA_BITS;
        break;
    case RD_X509_KEY_DSA:
        j->weak_key = f->key_bits < MIN_DSA_BITS;
        break;
    case RD_X509_KEY_EC:
        j->weak_key = f->key_bits < MIN_EC_BITS;
        break;
    default:
        break;
    }
    j->weak_signature = strcmp(f->sig_hash, "MD2") == 0 || strcmp(f->sig_hash, "MD4") == 0 ||
                        strcmp(f->sig_hash, "MD5") == 0 || strcmp(f->sig_hash, "SHA1") == 0;
    j->name_matches = expected_host == NULL ? RD_X509_UNKNOWN : name_match(f, expected_host);
}

const char *rd_x509_key_type_name(enum rd_x509_key_type t)
{
    switch (t) {
    case RD_X509_KEY_RSA:
        return "RSA";
    case RD_X509_KEY_RSA_PSS:
        return "RSA-PSS";
    case RD_X509_KEY_DSA:
        return "DSA";
    case RD_X509_KEY_EC:
        return "EC";
    case RD_X509_KEY_ED25519:
        return "Ed25519";
    case RD_X509_KEY_ED448:
        return "Ed448";
    case RD_X509_KEY_UNKNOWN:
        break;
    }
    return "unknown";
}
