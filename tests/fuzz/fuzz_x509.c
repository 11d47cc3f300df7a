/*
 * fuzz_x509.c - X.509 facts through OpenSSL (RFC 5280) and their judgement:
 * the whole input is one DER certificate.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "x509.h"

static void str(const char *s, size_t cap)
{
    if (memchr(s, '\0', cap) == NULL) {
        fz_fail("x509 facts: a string without its NUL");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_bytes der = {data, size};
    struct rd_x509_facts f;
    struct rd_x509_judgement j;
    struct rd_diag d = {0};
    enum rd_status st = rd_x509_parse(der, &f, &d);

    fz_status(st, &d, size);
    if (st != RD_OK) {
        return 0;
    }
    str(f.subject, sizeof(f.subject));
    str(f.issuer, sizeof(f.issuer));
    str(f.subject_cn, sizeof(f.subject_cn));
    str(f.serial_hex, sizeof(f.serial_hex));
    str(f.key_curve, sizeof(f.key_curve));
    str(f.sig_alg, sizeof(f.sig_alg));
    str(f.sig_hash, sizeof(f.sig_hash));
    str(f.sha256_fp, sizeof(f.sha256_fp));
    if (f.n_sans > RD_X509_MAX_SANS) {
        fz_fail("x509 facts: SAN count past its array");
    }
    for (size_t i = 0; i < f.n_sans; i++) {
        str(f.sans[i].value, sizeof(f.sans[i].value));
    }
    fz_name(rd_x509_key_type_name(f.key_type));
    rd_x509_judge(&f, 1700000000, "rdp.example.test", &j);
    rd_x509_judge(&f, f.not_after, f.has_subject_cn ? f.subject_cn : "", &j);
    rd_x509_judge(&f, INT64_MIN, NULL, &j);
    rd_x509_judge(&f, INT64_MAX, "*", &j);
    if (f.has_subject_cn) {
        (void)rd_x509_dns_match(f.subject_cn, "host.example.test");
    }
    return 0;
}
