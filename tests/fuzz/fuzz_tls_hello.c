/*
 * fuzz_tls_hello.c - TLS handshake bodies without their framing: ClientHello
 * (RFC 5246 7.4.1.2, RFC 8446 4.1.2), the SSLv2-compatible ClientHello
 * (RFC 5246 E.2), ServerHello (RFC 8446 4.1.3), key exchanges (RFC 5246
 * 7.4.3, 7.4.7; RFC 8422 5.4, 5.7), ServerHelloDone, alerts, ChangeCipherSpec.
 *
 * Input: version (2, big-endian) | cipher suite (2) | body.  The first four
 * bytes only steer the key exchange parsers; every parser sees the body.
 */
#include "config.h"

#include "tls_checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd_cur in = fz_cur(data, size);
    uint16_t version = 0;
    uint16_t suite = 0;
    struct rd_tls_client_hello ch;
    struct rd_tls_server_hello sh;
    struct rd_tls_server_key_exchange ske;
    struct rd_tls_client_key_exchange cke;
    struct rd_tls_alert a;
    struct rd_diag d = {0};
    enum rd_status st;

    if (!rd_cur_u16be(&in, &version) || !rd_cur_u16be(&in, &suite)) {
        return 0;
    }
    st = rd_tls_parse_client_hello(in, &ch, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_tls_ch(&ch, data, size);
        d = (struct rd_diag){0};
        st = rd_tls_parse_server_hello(in, &sh, &d);
        fz_status(st, &d, size);
        if (st == RD_OK) {
            (void)rd_tls_negotiated_version(&ch, &sh);
        }
    }
    d = (struct rd_diag){0};
    st = rd_tls_parse_sslv2_client_hello(in, &ch, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_tls_ch(&ch, data, size);
    }
    d = (struct rd_diag){0};
    st = rd_tls_parse_server_hello(in, &sh, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_tls_sh(&sh, data, size);
    }
    d = (struct rd_diag){0};
    st = rd_tls_parse_server_key_exchange(in, version, suite, &ske, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_tls_ske(&ske, data, size);
    }
    d = (struct rd_diag){0};
    st = rd_tls_parse_client_key_exchange(in, version, suite, &cke, &d);
    fz_status(st, &d, size);
    if (st == RD_OK) {
        fz_view_in(cke.exchange, data, size);
    }
    d = (struct rd_diag){0};
    fz_status(rd_tls_parse_server_hello_done(in, &d), &d, size);
    d = (struct rd_diag){0};
    fz_status(rd_tls_parse_change_cipher_spec(in, &d), &d, size);
    d = (struct rd_diag){0};
    fz_status(rd_tls_parse_alert(in, &a, &d), &d, size);
    return 0;
}
