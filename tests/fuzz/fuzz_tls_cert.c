/*
 * fuzz_tls_cert.c - the TLS Certificate message (RFC 5246 7.4.2, RFC 8446
 * 4.4.2) and the X.509 facts of every certificate in it, as the session reads
 * a server's chain.
 *
 * Input: flags (1; bit 0: TLS 1.3 form) | Certificate body.
 */
#include "config.h"

#include "tls_checks.h"
#include "x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_cur in = fz_cur(data, size);
    struct rd_tls_certificate c;
    struct rd_diag d = {0};
    enum rd_status st;
    uint8_t flags = 0;

    if (!rd_cur_u8(&in, &flags)) {
        return 0;
    }
    st = rd_tls_parse_certificate(in, (flags & 1u) != 0, &c, &d);
    fz_status(st, &d, size);
    if (st != RD_OK) {
        return 0;
    }
    fz_tls_cert(&c, data, size);
    for (size_t i = 0; i < c.n_certs; i++) {
        struct rd_x509_facts f;
        struct rd_diag xd = {0};
        st = rd_x509_parse(c.certs[i], &f, &xd);
        fz_status(st, &xd, c.certs[i].len);
    }
    return 0;
}
