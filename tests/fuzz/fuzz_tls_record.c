/*
 * fuzz_tls_record.c - TLS as one direction of a connection carries it: record
 * framing (RFC 5246 6.2.1, RFC 8446 5.1, SSLv2-compatible hello E.2), handshake
 * messages reassembled across records (RFC 5246 7.4) and dispatched by type,
 * alerts and ChangeCipherSpec.
 */
#include "config.h"

#include <string.h>

#include "tls_checks.h"

#define HS_BUF (64u * 1024u)

struct state {
    uint16_t version;
    uint16_t suite;
    bool tls13;
};

static void handshake(struct rd_cur msg, struct state *s)
{
    const uint8_t *base = msg.p;
    size_t size = msg.len;
    struct rd_tls_handshake hs;
    struct rd_diag d = {0};
    enum rd_status st = rd_tls_parse_handshake(msg, &hs, &d);

    fz_status(st, &d, size);
    if (st != RD_OK) {
        return;
    }
    fz_view_in(hs.body, base, size);
    fz_name(rd_tls_hs_type_name(hs.msg_type));
    d = (struct rd_diag){0};
    switch (hs.msg_type) {
    case RD_TLS_HS_CLIENT_HELLO: {
        struct rd_tls_client_hello ch;
        st = rd_tls_parse_client_hello(fz_cur(hs.body.p, hs.body.len), &ch, &d);
        fz_status(st, &d, hs.body.len);
        if (st == RD_OK) {
            fz_tls_ch(&ch, base, size);
        }
        break;
    }
    case RD_TLS_HS_SERVER_HELLO: {
        struct rd_tls_server_hello sh;
        st = rd_tls_parse_server_hello(fz_cur(hs.body.p, hs.body.len), &sh, &d);
        fz_status(st, &d, hs.body.len);
        if (st == RD_OK) {
            fz_tls_sh(&sh, base, size);
            s->version = sh.has_supported_versions ? sh.selected_version : sh.legacy_version;
            s->suite = sh.cipher_suite;
            s->tls13 = s->version == RD_TLS_VERSION_TLS13;
        }
        break;
    }
    case RD_TLS_HS_CERTIFICATE: {
        struct rd_tls_certificate c;
        st = rd_tls_parse_certificate(fz_cur(hs.body.p, hs.body.len), s->tls13, &c, &d);
        fz_status(st, &d, hs.body.len);
        if (st == RD_OK) {
            fz_tls_cert(&c, base, size);
        }
        break;
    }
    case RD_TLS_HS_SERVER_KEY_EXCHANGE: {
        struct rd_tls_server_key_exchange k;
        st = rd_tls_parse_server_key_exchange(fz_cur(hs.body.p, hs.body.len), s->version, s->suite,
                                              &k, &d);
        fz_status(st, &d, hs.body.len);
        if (st == RD_OK) {
            fz_tls_ske(&k, base, size);
        }
        break;
    }
    case RD_TLS_HS_CLIENT_KEY_EXCHANGE: {
        struct rd_tls_client_key_exchange k;
        st = rd_tls_parse_client_key_exchange(fz_cur(hs.body.p, hs.body.len), s->version, s->suite,
                                              &k, &d);
        fz_status(st, &d, hs.body.len);
        if (st == RD_OK) {
            fz_view_in(k.exchange, base, size);
        }
        break;
    }
    case RD_TLS_HS_SERVER_HELLO_DONE:
        st = rd_tls_parse_server_hello_done(fz_cur(hs.body.p, hs.body.len), &d);
        fz_status(st, &d, hs.body.len);
        break;
    default:
        break;
    }
}

/* Handshake bytes of consecutive records, framed into messages as they complete. */
static void drain(uint8_t *buf, size_t *used, struct state *s)
{
    for (;;) {
        struct rd_cur c = fz_cur(buf, *used);
        struct rd_cur msg;
        struct rd_diag d = {0};
        size_t need = 0;
        enum rd_status st = rd_tls_frame_handshake(c, &need, &d);

        fz_status(st, &d, *used);
        if (st == RD_NEED_MORE) {
            if (need <= *used) {
                fz_fail("rd_tls_frame_handshake: NEED_MORE for a length already present");
            }
            return;
        }
        if (st != RD_OK) {
            *used = 0;
            return;
        }
        if (need < RD_TLS_HANDSHAKE_HEADER_LEN || need > *used) {
            fz_fail("rd_tls_frame_handshake: framed length outside [4, available]");
        }
        rd_cur_take(&c, need, &msg);
        handshake(msg, s);
        memmove(buf, buf + need, *used - need);
        *used -= need;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t hsbuf[HS_BUF];
    size_t used = 0;
    struct state s = {RD_TLS_VERSION_TLS12, 0, false};
    struct rd_cur in = fz_cur(data, size);

    while (!rd_cur_is_empty(&in)) {
        struct rd_cur rec;
        struct rd_tls_record r;
        struct rd_diag d = {0};
        size_t need = 0;
        enum rd_status st = rd_tls_frame_record(in, &need, &d);

        fz_status(st, &d, size);
        if (st == RD_NEED_MORE) {
            if (need <= in.len) {
                fz_fail("rd_tls_frame_record: NEED_MORE for a length already present");
            }
            break;
        }
        if (st != RD_OK) {
            break;
        }
        if (need < RD_TLS_SSLV2_HEADER_LEN || need > in.len) {
            fz_fail("rd_tls_frame_record: framed length outside [2, available]");
        }
        rd_cur_take(&in, need, &rec);
        d = (struct rd_diag){0};
        st = rd_tls_parse_record(rec, &r, &d);
        fz_status(st, &d, size);
        if (st != RD_OK) {
            continue;
        }
        fz_view_in(r.fragment, data, size);
        fz_name(rd_tls_content_type_name(r.content_type));
        fz_name(rd_tls_version_name(r.version));
        d = (struct rd_diag){0};
        if (r.is_sslv2) {
            struct rd_tls_client_hello ch;
            st = rd_tls_parse_sslv2_client_hello(fz_cur(r.fragment.p, r.fragment.len), &ch, &d);
            fz_status(st, &d, size);
            if (st == RD_OK) {
                fz_tls_ch(&ch, data, size);
            }
        } else if (r.content_type == RD_TLS_CT_HANDSHAKE) {
            if (r.fragment.len > sizeof(hsbuf) - used) {
                used = 0;
            }
            if (r.fragment.len <= sizeof(hsbuf) - used && r.fragment.len > 0) {
                memcpy(hsbuf + used, r.fragment.p, r.fragment.len);
                used += r.fragment.len;
                drain(hsbuf, &used, &s);
            }
        } else if (r.content_type == RD_TLS_CT_ALERT) {
            struct rd_tls_alert a;
            st = rd_tls_parse_alert(fz_cur(r.fragment.p, r.fragment.len), &a, &d);
            fz_status(st, &d, size);
            if (st == RD_OK) {
                fz_name(rd_tls_alert_name(a.description));
                fz_name(rd_tls_alert_level_name(a.level));
            }
        } else if (r.content_type == RD_TLS_CT_CHANGE_CIPHER_SPEC) {
            st = rd_tls_parse_change_cipher_spec(fz_cur(r.fragment.p, r.fragment.len), &d);
            fz_status(st, &d, size);
        }
    }
    return 0;
}
