/*
 * check_x509.c - unit tests for dissectors/x509.c.
 *
 * The certificates come from tests/data/x509/make-certs.sh (OpenSSL, fixed
 * validity dates, so no test depends on today's date).  Regenerating them
 * changes keys and therefore the fingerprint asserted in test_fingerprint.
 * Real-world certificates from the public captures are checked in
 * check_tls.c, where the TLS Certificate message that carries them is parsed.
 */
#include "config.h"

#include "x509.h"

#include <check.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DER 4096

struct der_file {
    uint8_t bytes[MAX_DER];
    size_t len;
};

static void load(const char *name, struct der_file *f)
{
    const char *srcdir = getenv("srcdir");
    char path[1024];
    FILE *fp;
    int n;

    n = snprintf(path, sizeof path, "%s/tests/data/x509/%s", srcdir != NULL ? srcdir : ".", name);
    ck_assert(n > 0 && (size_t)n < sizeof path);
    fp = fopen(path, "rb");
    ck_assert_msg(fp != NULL, "cannot open %s", path);
    f->len = fread(f->bytes, 1, sizeof f->bytes, fp);
    ck_assert(feof(fp));
    fclose(fp);
    ck_assert(f->len > 0);
}

static enum rd_status parse_file(const char *name, struct rd_x509_facts *facts,
                                 struct rd_diag *diag, struct der_file *f)
{
    struct rd_bytes der;

    load(name, f);
    der.p = f->bytes;
    der.len = f->len;
    memset(diag, 0, sizeof *diag);
    return rd_x509_parse(der, facts, diag);
}

/* Expected facts of each generated certificate (see make-certs.sh). */
struct expect {
    const char *file;
    int version;
    const char *subject;
    const char *issuer;
    const char *cn;
    const char *serial;
    int64_t not_before;
    int64_t not_after;
    enum rd_x509_key_type key_type;
    const char *curve;
    unsigned bits;
    const char *sig_alg;
    const char *sig_hash;
    bool is_ca;
    bool self_issued;
    bool self_signed;
    size_t n_sans;
};

static const struct expect certs[] = {
    /* Test CA: 2000-01-01T00:00:00Z .. 2099-12-31T23:59:59Z (GeneralizedTime). */
    {"ca.der", 3, "CN=rdpdiag Test CA,O=rdpdiag test", "CN=rdpdiag Test CA,O=rdpdiag test",
     "rdpdiag Test CA", "1000", 946684800, 4102444799, RD_X509_KEY_RSA, "", 2048,
     "sha256WithRSAEncryption", "SHA256", true, true, true, 0},
    /* Server: 2020-06-01T12:00:00Z .. 2090-06-01T12:00:00Z, past 2038. */
    {"server-rsa2048.der", 3, "CN=rdp.example.test,O=rdpdiag test",
     "CN=rdpdiag Test CA,O=rdpdiag test", "rdp.example.test", "1001", 1591012800, 3800001600,
     RD_X509_KEY_RSA, "", 2048, "sha256WithRSAEncryption", "SHA256", false, false, false, 4},
    /* Legacy: 1999-01-01 .. 2009-01-01 (UTCTime 99 = 1999), RSA 1024, SHA-1. */
    {"legacy-rsa1024-sha1.der", 3, "CN=OLDHOST", "CN=OLDHOST", "OLDHOST", "1002", 915148800,
     1230768000, RD_X509_KEY_RSA, "", 1024, "sha1WithRSAEncryption", "SHA1", false, true, true, 0},
    /* EC P-256: 2080-01-01 .. 2100-01-01. */
    {"ec-p256.der", 3, "CN=ec.example.test", "CN=ec.example.test", "ec.example.test", "1003",
     3471292800, 4102444800, RD_X509_KEY_EC, "prime256v1", 256, "ecdsa-with-SHA256", "SHA256",
     false, true, true, 0},
    /* Ed25519: 2001-01-01 .. 2101-01-01; EdDSA has no separate hash. */
    {"ed25519.der", 3, "CN=ed.example.test", "CN=ed.example.test", "ed.example.test", "1004",
     978307200, 4133980800, RD_X509_KEY_ED25519, "", 256, "ED25519", "none", false, true, true, 0},
    /* MD5 signature by the CA. */
    {"md5-rsa2048.der", 3, "CN=md5.example.test", "CN=rdpdiag Test CA,O=rdpdiag test",
     "md5.example.test", "1005", 946684800, 3786912000, RD_X509_KEY_RSA, "", 2048,
     "md5WithRSAEncryption", "MD5", false, false, false, 0},
    /* Issuer name equals the subject, but another key signed it. */
    {"fake-self-issued.der", 3, "CN=twin.example.test", "CN=twin.example.test", "twin.example.test",
     "1007", 946684800, 3786912000, RD_X509_KEY_RSA, "", 2048, "sha256WithRSAEncryption", "SHA256",
     false, true, false, 0},
    /* Not before 1960-02-29 (a leap day before the epoch), not after 2060-12-31T23:59:59Z. */
    {"pre1970.der", 3, "CN=ed.example.test", "CN=ed.example.test", "ed.example.test", "1008",
     -310521600, 2871763199, RD_X509_KEY_ED25519, "", 256, "ED25519", "none", false, true, true, 0},
};

START_TEST(test_facts)
{
    const struct expect *e = &certs[_i];
    struct rd_x509_facts f;
    struct rd_diag diag;
    struct der_file file;

    ck_assert_int_eq(parse_file(e->file, &f, &diag, &file), RD_OK);
    ck_assert_int_eq(diag.why, RD_WHY_NONE);
    ck_assert_int_eq(f.version, e->version);
    ck_assert_str_eq(f.subject, e->subject);
    ck_assert(!f.subject_truncated);
    ck_assert_str_eq(f.issuer, e->issuer);
    ck_assert(!f.issuer_truncated);
    ck_assert(f.has_subject_cn);
    ck_assert_str_eq(f.subject_cn, e->cn);
    ck_assert_str_eq(f.serial_hex, e->serial);
    ck_assert_int_eq(f.not_before, e->not_before);
    ck_assert_int_eq(f.not_after, e->not_after);
    ck_assert_int_eq(f.key_type, e->key_type);
    ck_assert_str_eq(f.key_curve, e->curve);
    ck_assert_uint_eq(f.key_bits, e->bits);
    ck_assert_str_eq(f.sig_alg, e->sig_alg);
    ck_assert_str_eq(f.sig_hash, e->sig_hash);
    ck_assert_int_eq(f.is_ca, e->is_ca);
    ck_assert_int_eq(f.is_self_issued, e->self_issued);
    ck_assert_int_eq(f.is_self_signed, e->self_signed);
    ck_assert_uint_eq(f.n_sans, e->n_sans);
    ck_assert_uint_eq(f.sans_dropped, 0);
    ck_assert(!f.sans_malformed);
    ck_assert_uint_eq(strlen(f.sha256_fp), 95);
    /* Nothing left behind for the next OpenSSL user. */
    ck_assert_uint_eq(ERR_peek_error(), 0);
}
END_TEST

START_TEST(test_server_sans)
{
    struct rd_x509_facts f;
    struct rd_diag diag;
    struct der_file file;

    ck_assert_int_eq(parse_file("server-rsa2048.der", &f, &diag, &file), RD_OK);
    ck_assert_uint_eq(f.n_sans, 4);
    ck_assert_int_eq(f.sans[0].type, RD_X509_SAN_DNS);
    ck_assert_str_eq(f.sans[0].value, "rdp.example.test");
    ck_assert_int_eq(f.sans[1].type, RD_X509_SAN_DNS);
    ck_assert_str_eq(f.sans[1].value, "*.desktops.example.test");
    ck_assert_int_eq(f.sans[2].type, RD_X509_SAN_IP);
    ck_assert_str_eq(f.sans[2].value, "192.0.2.10");
    ck_assert_int_eq(f.sans[3].type, RD_X509_SAN_IP);
    ck_assert_str_eq(f.sans[3].value, "2001:db8::10");
    ck_assert_uint_eq(f.sans_other, 0);
}
END_TEST

/* The fingerprint of the DER as received, uppercase hex with colons (as
 * `openssl x509 -fingerprint -sha256` prints it). */
START_TEST(test_fingerprint)
{
    struct rd_x509_facts f;
    struct rd_diag diag;
    struct der_file file;

    ck_assert_int_eq(parse_file("server-rsa2048.der", &f, &diag, &file), RD_OK);
    ck_assert_str_eq(f.sha256_fp, "5D:67:69:0C:A6:ED:E5:0E:0C:F0:1B:EF:A2:D4:5D:D0:34:D7:CB:CB:6D:"
                                  "8E:79:21:53:1C:67:81:82:F5:47:D3");
}
END_TEST

/* 18 DNS names and one e-mail address; the subject is longer than
 * RD_X509_NAME_MAX in RFC 2253 form. */
START_TEST(test_overflow_and_truncation)
{
    struct rd_x509_facts f;
    struct rd_diag diag;
    struct der_file file;

    ck_assert_int_eq(parse_file("many-sans.der", &f, &diag, &file), RD_OK);
    ck_assert_uint_eq(f.n_sans, RD_X509_MAX_SANS);
    ck_assert_uint_eq(f.sans_dropped, 2);
    ck_assert_uint_eq(f.sans_other, 1);
    ck_assert_str_eq(f.sans[15].value, "h16.example.test");
    ck_assert(f.subject_truncated);
    ck_assert_uint_eq(strlen(f.subject), RD_X509_NAME_MAX - 1);
    ck_assert(strncmp(f.subject, "CN=h01.example.test,OU=DUnit", 28) == 0);
    ck_assert(!f.issuer_truncated);
}
END_TEST

/* Truncation sweep: every proper prefix of a valid certificate is rejected,
 * never read past (ASan), and leaves the error queue empty. */
START_TEST(test_truncation_sweep)
{
    struct der_file file;
    struct rd_x509_facts f;

    load("server-rsa2048.der", &file);
    for (size_t n = 0; n < file.len; n++) {
        struct rd_diag diag = {0};
        struct rd_bytes der = {file.bytes, n};
        uint8_t *copy = malloc(n > 0 ? n : 1);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, file.bytes, n);
        der.p = copy;
        ck_assert_int_eq(rd_x509_parse(der, &f, &diag), RD_MALFORMED);
        ck_assert_int_eq(diag.why, n == 0 ? RD_WHY_SHORT : RD_WHY_BAD_VALUE);
        ck_assert_str_eq(diag.field, "x509.der");
        ck_assert_uint_eq(ERR_peek_error(), 0);
        free(copy);
    }
}
END_TEST

/* One trailing byte after the certificate. */
START_TEST(test_trailing)
{
    struct der_file file;
    struct rd_x509_facts f;
    struct rd_diag diag = {0};
    struct rd_bytes der;

    load("ec-p256.der", &file);
    file.bytes[file.len] = 0x00;
    der.p = file.bytes;
    der.len = file.len + 1;
    ck_assert_int_eq(rd_x509_parse(der, &f, &diag), RD_MALFORMED);
    ck_assert_int_eq(diag.why, RD_WHY_TRAILING);
    ck_assert_uint_eq(diag.off, file.len);
}
END_TEST

/* The outer SEQUENCE length (30 82 LL LL) one too big and one too small. */
START_TEST(test_outer_length)
{
    struct der_file file;
    struct rd_x509_facts f;
    struct rd_bytes der;

    load("server-rsa2048.der", &file);
    ck_assert_uint_eq(file.bytes[0], 0x30);
    ck_assert_uint_eq(file.bytes[1], 0x82);
    der.p = file.bytes;
    der.len = file.len;
    for (int delta = -1; delta <= 1; delta += 2) {
        struct der_file m = file;
        struct rd_diag diag = {0};
        unsigned len = (unsigned)m.bytes[2] << 8 | m.bytes[3];
        len = (unsigned)((int)len + delta);
        m.bytes[2] = (uint8_t)(len >> 8);
        m.bytes[3] = (uint8_t)len;
        der.p = m.bytes;
        ck_assert_int_eq(rd_x509_parse(der, &f, &diag), RD_MALFORMED);
        ck_assert_int_ne(diag.why, RD_WHY_NONE);
        ck_assert_uint_eq(ERR_peek_error(), 0);
    }
}
END_TEST

START_TEST(test_garbage)
{
    /* Not DER at all: an HTTP response where a certificate was expected. */
    static const uint8_t junk[] = {'H', 'T', 'T', 'P', '/', '1', '.', '1', ' ', '4', '0', '0'};
    struct rd_bytes der = {junk, sizeof junk};
    struct rd_x509_facts f;
    struct rd_diag diag = {0};

    ck_assert_int_eq(rd_x509_parse(der, &f, &diag), RD_MALFORMED);
    ck_assert_int_eq(diag.why, RD_WHY_BAD_VALUE);
    ck_assert_uint_eq(ERR_peek_error(), 0);
}
END_TEST

START_TEST(test_days_from_civil)
{
    ck_assert_int_eq(rd_x509_days_from_civil(1970, 1, 1), 0);
    ck_assert_int_eq(rd_x509_days_from_civil(1969, 12, 31), -1);
    ck_assert_int_eq(rd_x509_days_from_civil(2000, 3, 1), 11017);
    ck_assert_int_eq(rd_x509_days_from_civil(1960, 2, 29), -3594);
    ck_assert_int_eq(rd_x509_days_from_civil(2038, 1, 20), 24856);
    ck_assert_int_eq(rd_x509_days_from_civil(2100, 1, 1), 47482);
    ck_assert_int_eq(rd_x509_days_from_civil(1600, 1, 1), -135140);
}
END_TEST

/* Judgement of the legacy certificate at the capture time of
 * rdp-to-ssl.pcap (2011-02-12T22:50:44Z): expired, weak key and signature. */
START_TEST(test_judge_legacy)
{
    struct rd_x509_facts f;
    struct rd_x509_judgement j;
    struct rd_diag diag;
    struct der_file file;

    ck_assert_int_eq(parse_file("legacy-rsa1024-sha1.der", &f, &diag, &file), RD_OK);
    rd_x509_judge(&f, 1297551044, "oldhost", &j);
    ck_assert(j.expired);
    ck_assert(!j.not_yet_valid);
    ck_assert(!j.expires_within_30_days);
    ck_assert(j.weak_key);
    ck_assert(j.weak_signature);
    /* No SANs: the CN counts, case-insensitively. */
    ck_assert_int_eq(j.name_matches, RD_X509_YES);
    rd_x509_judge(&f, 1000000000, NULL, &j); /* 2001-09-09 */
    ck_assert(!j.expired);
    ck_assert_int_eq(j.name_matches, RD_X509_UNKNOWN);
}
END_TEST

START_TEST(test_judge_times)
{
    struct rd_x509_facts f;
    struct rd_x509_judgement j;
    struct rd_diag diag;
    struct der_file file;
    const int64_t day = 86400;

    ck_assert_int_eq(parse_file("server-rsa2048.der", &f, &diag, &file), RD_OK);
    rd_x509_judge(&f, f.not_before - 1, NULL, &j);
    ck_assert(j.not_yet_valid);
    ck_assert(!j.expired);
    rd_x509_judge(&f, f.not_before, NULL, &j);
    ck_assert(!j.not_yet_valid);
    rd_x509_judge(&f, f.not_after, NULL, &j);
    ck_assert(!j.expired);
    ck_assert(j.expires_within_30_days);
    rd_x509_judge(&f, f.not_after + 1, NULL, &j);
    ck_assert(j.expired);
    ck_assert(!j.expires_within_30_days);
    rd_x509_judge(&f, f.not_after - 29 * day, NULL, &j);
    ck_assert(j.expires_within_30_days);
    rd_x509_judge(&f, f.not_after - 30 * day, NULL, &j);
    ck_assert(!j.expires_within_30_days);
    ck_assert(!j.weak_key);
    ck_assert(!j.weak_signature);

    /* The EC certificate is not valid before 2080: not yet valid today. */
    ck_assert_int_eq(parse_file("ec-p256.der", &f, &diag, &file), RD_OK);
    rd_x509_judge(&f, 1775174050, NULL, &j);
    ck_assert(j.not_yet_valid);
    ck_assert(!j.weak_key);

    ck_assert_int_eq(parse_file("md5-rsa2048.der", &f, &diag, &file), RD_OK);
    rd_x509_judge(&f, 1775174050, NULL, &j);
    ck_assert(j.weak_signature);
    ck_assert(!j.weak_key);
}
END_TEST

struct name_case {
    const char *host;
    enum rd_x509_tri expect;
};

/* Against server-rsa2048.der: DNS rdp.example.test, DNS *.desktops.example.test,
 * IP 192.0.2.10, IP 2001:db8::10; CN rdp.example.test. */
static const struct name_case server_names[] = {
    {"rdp.example.test", RD_X509_YES},
    {"RDP.Example.TEST", RD_X509_YES},
    {"rdp.example.test.", RD_X509_YES},
    {"pc1.desktops.example.test", RD_X509_YES},
    {"a.pc1.desktops.example.test", RD_X509_NO}, /* one label only */
    {"desktops.example.test", RD_X509_NO},       /* the wildcard is not empty */
    {".desktops.example.test", RD_X509_NO},
    {"other.example.test", RD_X509_NO},
    {"example.test", RD_X509_NO},
    {"192.0.2.10", RD_X509_YES},
    {"192.0.2.11", RD_X509_NO},
    {"2001:DB8:0:0::10", RD_X509_YES}, /* compared in canonical form */
    {"2001:db8::11", RD_X509_NO},
    {"", RD_X509_NO},
};

START_TEST(test_judge_names)
{
    const struct name_case *c = &server_names[_i];
    struct rd_x509_facts f;
    struct rd_x509_judgement j;
    struct rd_diag diag;
    struct der_file file;

    ck_assert_int_eq(parse_file("server-rsa2048.der", &f, &diag, &file), RD_OK);
    rd_x509_judge(&f, 1775174050, c->host, &j);
    ck_assert_msg(j.name_matches == c->expect, "host '%s': got %d", c->host, j.name_matches);
}
END_TEST

/* RFC 6125 6.4.4: with a DNS SAN present, the CN is not consulted; dropped
 * SANs make a miss unknown rather than no. */
START_TEST(test_judge_cn_rules)
{
    struct rd_x509_facts f;
    struct rd_x509_judgement j;

    memset(&f, 0, sizeof f);
    f.not_after = 100;
    f.has_subject_cn = true;
    snprintf(f.subject_cn, sizeof f.subject_cn, "%s", "cn.example.test");
    f.n_sans = 1;
    f.sans[0].type = RD_X509_SAN_DNS;
    snprintf(f.sans[0].value, sizeof f.sans[0].value, "%s", "san.example.test");
    rd_x509_judge(&f, 0, "cn.example.test", &j);
    ck_assert_int_eq(j.name_matches, RD_X509_NO);
    rd_x509_judge(&f, 0, "san.example.test", &j);
    ck_assert_int_eq(j.name_matches, RD_X509_YES);
    /* An IP SAN only: a DNS host falls back to the CN. */
    f.sans[0].type = RD_X509_SAN_IP;
    snprintf(f.sans[0].value, sizeof f.sans[0].value, "%s", "192.0.2.1");
    rd_x509_judge(&f, 0, "cn.example.test", &j);
    ck_assert_int_eq(j.name_matches, RD_X509_YES);
    /* A SAN we could not keep might have matched. */
    f.sans_dropped = 1;
    rd_x509_judge(&f, 0, "other.example.test", &j);
    ck_assert_int_eq(j.name_matches, RD_X509_UNKNOWN);
    /* No SANs: an IP host may equal the CN text (as Windows certificates for
     * a bare address are made). */
    f.sans_dropped = 0;
    f.n_sans = 0;
    snprintf(f.subject_cn, sizeof f.subject_cn, "%s", "10.0.0.5");
    rd_x509_judge(&f, 0, "10.0.0.5", &j);
    ck_assert_int_eq(j.name_matches, RD_X509_YES);
    /* Key size thresholds. */
    f.key_type = RD_X509_KEY_EC;
    f.key_bits = 192;
    rd_x509_judge(&f, 0, NULL, &j);
    ck_assert(j.weak_key);
    f.key_bits = 224;
    rd_x509_judge(&f, 0, NULL, &j);
    ck_assert(!j.weak_key);
    f.key_type = RD_X509_KEY_RSA;
    f.key_bits = 2047;
    rd_x509_judge(&f, 0, NULL, &j);
    ck_assert(j.weak_key);
}
END_TEST

START_TEST(test_dns_match)
{
    ck_assert(rd_x509_dns_match("*.example.test", "a.example.test"));
    ck_assert(rd_x509_dns_match("*.EXAMPLE.test", "A.example.TEST."));
    ck_assert(!rd_x509_dns_match("*.test", "example.test")); /* no public-suffix wildcard */
    ck_assert(!rd_x509_dns_match("*", "example"));
    ck_assert(!rd_x509_dns_match("f*.example.test", "foo.example.test")); /* partial: no */
    ck_assert(!rd_x509_dns_match("a.*.example.test", "a.b.example.test"));
    ck_assert(!rd_x509_dns_match("*.example.test", "example.test"));
    ck_assert(!rd_x509_dns_match("", ""));
    ck_assert(!rd_x509_dns_match("example.test", "example.tes"));
    ck_assert(!rd_x509_dns_match("*.", "a."));
    ck_assert(!rd_x509_dns_match("*..", "a.."));
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(rd_x509_key_type_name(RD_X509_KEY_RSA), "RSA");
    ck_assert_str_eq(rd_x509_key_type_name(RD_X509_KEY_EC), "EC");
    ck_assert_str_eq(rd_x509_key_type_name(RD_X509_KEY_ED25519), "Ed25519");
    ck_assert_str_eq(rd_x509_key_type_name(RD_X509_KEY_UNKNOWN), "unknown");
}
END_TEST

static Suite *x509_suite(void)
{
    Suite *s = suite_create("x509");
    TCase *tc = tcase_create("parse");

    tcase_add_loop_test(tc, test_facts, 0, (int)(sizeof certs / sizeof certs[0]));
    tcase_add_test(tc, test_server_sans);
    tcase_add_test(tc, test_fingerprint);
    tcase_add_test(tc, test_overflow_and_truncation);
    tcase_add_test(tc, test_truncation_sweep);
    tcase_add_test(tc, test_trailing);
    tcase_add_test(tc, test_outer_length);
    tcase_add_test(tc, test_garbage);
    suite_add_tcase(s, tc);

    tc = tcase_create("judge");
    tcase_add_test(tc, test_days_from_civil);
    tcase_add_test(tc, test_judge_legacy);
    tcase_add_test(tc, test_judge_times);
    tcase_add_loop_test(tc, test_judge_names, 0,
                        (int)(sizeof server_names / sizeof server_names[0]));
    tcase_add_test(tc, test_judge_cn_rules);
    tcase_add_test(tc, test_dns_match);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(x509_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
