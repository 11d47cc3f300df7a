/*
 * tls.c - TLS record framing and handshake message parsing.
 *
 * Normative references: RFC 5246 (TLS 1.2) 6.2 (record layer), 7.1
 * (ChangeCipherSpec), 7.2 (Alert), 7.4 (handshake), E.2 (SSLv2-compatible
 * ClientHello); RFC 8446 (TLS 1.3) 4.1.2-4.1.4, 4.2 (extensions), 4.4.2; RFC
 * 6101 5.6.7.1 (SSL 3.0 ClientKeyExchange); RFC 6066 3 (server_name); RFC 7301
 * 3.1 (ALPN); RFC 8422 5.4/5.7 (ECDHE key exchange).
 *
 * The extensions we decode are parsed strictly (each list consumed exactly);
 * every other extension is kept as a type + view.  Names live in tls_names.c.
 */
#include "config.h"

#include "tls.h"

#include <string.h>

/* RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest
 * (SHA-256 of "HelloRetryRequest"). */
static const uint8_t hrr_random[RD_TLS_RANDOM_LEN] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

/* RFC 8446 4.2: a set of 2^16 bits, one per extension type, to detect a type
 * that appears twice without a quadratic walk. */
struct ext_seen {
    uint8_t bits[65536 / 8];
};

static bool ext_seen_test_and_set(struct ext_seen *s, uint16_t type)
{
    uint8_t mask = (uint8_t)(1u << (type & 7u));
    bool was = (s->bits[type >> 3] & mask) != 0;
    s->bits[type >> 3] = (uint8_t)(s->bits[type >> 3] | mask);
    return was;
}

/* A list of uint16 values in a child view that must be consumed exactly. */
static enum rd_status u16_list(struct rd_cur list, uint16_t *arr, size_t cap, size_t *n,
                               size_t *dropped, struct rd_diag *diag, const char *field)
{
    while (!rd_cur_is_empty(&list)) {
        uint16_t v;
        if (!rd_cur_u16be(&list, &v)) {
            return rd_fail(diag, RD_WHY_TRAILING, &list, field);
        }
        if (*n < cap) {
            arr[(*n)++] = v;
        } else {
            (*dropped)++;
        }
    }
    return RD_OK;
}

/*
 * server_name (RFC 6066 3):
 *   ServerNameList server_name_list<1..2^16-1>
 *     NameType name_type (1 byte; 0 = host_name)
 *     opaque HostName<1..2^16-1>
 * The first host_name is kept.
 */
static enum rd_status ext_server_name(struct rd_cur data, struct rd_tls_client_hello *out,
                                      struct rd_diag *diag)
{
    struct rd_cur list;

    if (!rd_cur_prefixed_u16be(&data, &list)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &data, "tls.ext.server_name.list");
    }
    if (!rd_cur_is_empty(&data)) {
        return rd_fail(diag, RD_WHY_TRAILING, &data, "tls.ext.server_name");
    }
    while (!rd_cur_is_empty(&list)) {
        uint8_t name_type;
        struct rd_cur name;
        if (!rd_cur_u8(&list, &name_type) || !rd_cur_prefixed_u16be(&list, &name)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &list, "tls.ext.server_name.name");
        }
        if (name_type == 0 && !out->has_server_name) {
            out->has_server_name = true;
            out->server_name = rd_cur_rest(&name);
        }
    }
    return RD_OK;
}

/* supported_groups (RFC 8446 4.2.7): NamedGroup named_group_list<2..2^16-1>.
 * signature_algorithms (4.2.3) has the same shape. */
static enum rd_status ext_u16_vector(struct rd_cur data, uint16_t *arr, size_t cap, size_t *n,
                                     size_t *dropped, struct rd_diag *diag, const char *field)
{
    struct rd_cur list;

    if (!rd_cur_prefixed_u16be(&data, &list)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &data, field);
    }
    if (!rd_cur_is_empty(&data)) {
        return rd_fail(diag, RD_WHY_TRAILING, &data, field);
    }
    return u16_list(list, arr, cap, n, dropped, diag, field);
}

/* supported_versions in a ClientHello (RFC 8446 4.2.1):
 *   ProtocolVersion versions<2..254> (1-byte length) */
static enum rd_status ext_supported_versions_ch(struct rd_cur data, struct rd_tls_client_hello *out,
                                                struct rd_diag *diag)
{
    struct rd_cur list;

    if (!rd_cur_prefixed_u8(&data, &list)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &data, "tls.ext.supported_versions");
    }
    if (!rd_cur_is_empty(&data)) {
        return rd_fail(diag, RD_WHY_TRAILING, &data, "tls.ext.supported_versions");
    }
    out->has_supported_versions = true;
    return u16_list(list, out->supported_versions, RD_TLS_MAX_VERSIONS, &out->n_supported_versions,
                    &out->supported_versions_dropped, diag, "tls.ext.supported_versions");
}

/* key_share in a ClientHello (RFC 8446 4.2.8):
 *   KeyShareEntry client_shares<0..2^16-1>
 *     NamedGroup group (2)
 *     opaque key_exchange<1..2^16-1> */
static enum rd_status ext_key_share_ch(struct rd_cur data, struct rd_tls_client_hello *out,
                                       struct rd_diag *diag)
{
    struct rd_cur list;

    if (!rd_cur_prefixed_u16be(&data, &list)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &data, "tls.ext.key_share");
    }
    if (!rd_cur_is_empty(&data)) {
        return rd_fail(diag, RD_WHY_TRAILING, &data, "tls.ext.key_share");
    }
    while (!rd_cur_is_empty(&list)) {
        uint16_t group;
        struct rd_cur kx;
        if (!rd_cur_u16be(&list, &group) || !rd_cur_prefixed_u16be(&list, &kx)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &list, "tls.ext.key_share.entry");
        }
        if (out->n_key_share_groups < RD_TLS_MAX_KEY_SHARES) {
            out->key_share_groups[out->n_key_share_groups++] = group;
        } else {
            out->key_share_groups_dropped++;
        }
    }
    return RD_OK;
}

/* ALPN (RFC 7301 3.1):
 *   ProtocolName protocol_name_list<2..2^16-1>
 *     opaque ProtocolName<1..2^8-1> */
static enum rd_status ext_alpn(struct rd_cur data, struct rd_bytes *arr, size_t cap, size_t *n,
                               size_t *dropped, struct rd_diag *diag)
{
    struct rd_cur list;

    if (!rd_cur_prefixed_u16be(&data, &list)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &data, "tls.ext.alpn");
    }
    if (!rd_cur_is_empty(&data)) {
        return rd_fail(diag, RD_WHY_TRAILING, &data, "tls.ext.alpn");
    }
    while (!rd_cur_is_empty(&list)) {
        struct rd_cur name;
        if (!rd_cur_prefixed_u8(&list, &name)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &list, "tls.ext.alpn.name");
        }
        if (*n < cap) {
            arr[(*n)++] = rd_cur_rest(&name);
        } else {
            (*dropped)++;
        }
    }
    return RD_OK;
}

/* extended_master_secret (RFC 7627 5.1) carries no data. */
static enum rd_status ext_empty(struct rd_cur data, struct rd_diag *diag, const char *field)
{
    if (!rd_cur_is_empty(&data)) {
        return rd_fail(diag, RD_WHY_TRAILING, &data, field);
    }
    return RD_OK;
}

/* renegotiation_info (RFC 5746 3.2): opaque renegotiated_connection<0..255>. */
static enum rd_status ext_renegotiation_info(struct rd_cur data, struct rd_diag *diag)
{
    struct rd_cur conn;

    if (!rd_cur_prefixed_u8(&data, &conn)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &data, "tls.ext.renegotiation_info");
    }
    return ext_empty(data, diag, "tls.ext.renegotiation_info");
}

static enum rd_status decode_ch_ext(uint16_t type, struct rd_cur data,
                                    struct rd_tls_client_hello *out, struct rd_diag *diag)
{
    switch (type) {
    case RD_TLS_EXT_SERVER_NAME:
        return ext_server_name(data, out, diag);
    case RD_TLS_EXT_SUPPORTED_GROUPS:
        return ext_u16_vector(data, out->groups, RD_TLS_MAX_GROUPS, &out->n_groups,
                              &out->groups_dropped, diag, "tls.ext.supported_groups");
    case RD_TLS_EXT_SIGNATURE_ALGORITHMS:
        return ext_u16_vector(data, out->sig_algs, RD_TLS_MAX_SIG_ALGS, &out->n_sig_algs,
                              &out->sig_algs_dropped, diag, "tls.ext.signature_algorithms");
    case RD_TLS_EXT_ALPN:
        return ext_alpn(data, out->alpn, RD_TLS_MAX_ALPN, &out->n_alpn, &out->alpn_dropped, diag);
    case RD_TLS_EXT_EXTENDED_MASTER_SECRET:
        out->has_extended_master_secret = true;
        return ext_empty(data, diag, "tls.ext.extended_master_secret");
    case RD_TLS_EXT_SESSION_TICKET:
        out->has_session_ticket = true;
        return RD_OK;
    case RD_TLS_EXT_SUPPORTED_VERSIONS:
        return ext_supported_versions_ch(data, out, diag);
    case RD_TLS_EXT_KEY_SHARE:
        return ext_key_share_ch(data, out, diag);
    case RD_TLS_EXT_RENEGOTIATION_INFO:
        out->has_renegotiation_info = true;
        return ext_renegotiation_info(data, diag);
    default:
        return RD_OK;
    }
}

static enum rd_status decode_sh_ext(uint16_t type, struct rd_cur data,
                                    struct rd_tls_server_hello *out, struct rd_diag *diag)
{
    switch (type) {
    case RD_TLS_EXT_SUPPORTED_VERSIONS:
        /* RFC 8446 4.2.1: ServerHello carries one ProtocolVersion. */
        if (!rd_cur_u16be(&data, &out->selected_version)) {
            return rd_fail(diag, RD_WHY_SHORT, &data, "tls.ext.supported_versions");
        }
        out->has_supported_versions = true;
        return ext_empty(data, diag, "tls.ext.supported_versions");
    case RD_TLS_EXT_KEY_SHARE:
        /* RFC 8446 4.2.8: HelloRetryRequest carries only selected_group; a
         * ServerHello carries one KeyShareEntry. */
        if (!rd_cur_u16be(&data, &out->key_share_group)) {
            return rd_fail(diag, RD_WHY_SHORT, &data, "tls.ext.key_share");
        }
        out->has_key_share = true;
        if (!out->is_hello_retry_request) {
            struct rd_cur kx;
            if (!rd_cur_prefixed_u16be(&data, &kx)) {
                return rd_fail(diag, RD_WHY_OVERRUN, &data, "tls.ext.key_share.key_exchange");
            }
        }
        return ext_empty(data, diag, "tls.ext.key_share");
    case RD_TLS_EXT_ALPN: {
        /* RFC 7301 3.1: the server's list holds exactly one name. */
        size_t n = 0;
        size_t dropped = 0;
        enum rd_status st = ext_alpn(data, &out->alpn, 1, &n, &dropped, diag);
        if (st != RD_OK) {
            return st;
        }
        if (n != 1 || dropped != 0) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &data, "tls.ext.alpn");
        }
        out->has_alpn = true;
        return RD_OK;
    }
    case RD_TLS_EXT_EXTENDED_MASTER_SECRET:
        out->has_extended_master_secret = true;
        return ext_empty(data, diag, "tls.ext.extended_master_secret");
    case RD_TLS_EXT_SESSION_TICKET:
        out->has_session_ticket = true;
        return ext_empty(data, diag, "tls.ext.session_ticket");
    case RD_TLS_EXT_RENEGOTIATION_INFO:
        out->has_renegotiation_info = true;
        return ext_renegotiation_info(data, diag);
    default:
        return RD_OK;
    }
}

/*
 * Extensions block of a hello, shared by client and server:
 *   Extension extensions<0..2^16-1>
 *     ExtensionType extension_type (2)
 *     opaque extension_data<0..2^16-1>
 * Each hello may name a type at most once (RFC 8446 4.2).  Exactly one of ch /
 * sh is non-NULL.
 */
static enum rd_status parse_extensions(struct rd_cur *c, struct rd_tls_extension *arr, size_t *n,
                                       size_t *dropped, struct rd_tls_client_hello *ch,
                                       struct rd_tls_server_hello *sh, struct rd_diag *diag)
{
    struct rd_cur list;
    struct ext_seen seen;

    if (!rd_cur_prefixed_u16be(c, &list)) {
        return rd_fail(diag, RD_WHY_OVERRUN, c, "tls.hello.extensions");
    }
    memset(&seen, 0, sizeof seen);
    while (!rd_cur_is_empty(&list)) {
        struct rd_cur at = list;
        uint16_t type;
        struct rd_cur data;
        enum rd_status st;

        if (!rd_cur_u16be(&list, &type) || !rd_cur_prefixed_u16be(&list, &data)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &at, "tls.hello.extension");
        }
        if (ext_seen_test_and_set(&seen, type)) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "tls.hello.extension.duplicate");
        }
        if (*n < RD_TLS_MAX_EXTENSIONS) {
            arr[*n].type = type;
            arr[*n].data = rd_cur_rest(&data);
            (*n)++;
        } else {
            (*dropped)++;
        }
        st = ch != NULL ? decode_ch_ext(type, data, ch, diag) : decode_sh_ext(type, data, sh, diag);
        if (st != RD_OK) {
            return st;
        }
    }
    return RD_OK;
}

/*
 * SSLv2 record header (RFC 5246 E.2), first byte with the high bit set:
 *   uint8 msg_length[2] (high bit of the first byte set; 15-bit length)
 *   uint8 msg_type      (1 = client_hello)
 */
static enum rd_status frame_sslv2(struct rd_cur in, size_t *rec_len, struct rd_diag *diag)
{
    struct rd_cur c = in;
    uint16_t hdr;
    uint8_t msg_type;
    size_t body;

    if (!rd_cur_u16be(&c, &hdr) || !rd_cur_peek_u8(&c, &msg_type)) {
        *rec_len = RD_TLS_SSLV2_HEADER_LEN + 1u;
        return RD_NEED_MORE;
    }
    if (msg_type != 1) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &c, "tls.sslv2.msg_type");
    }
    body = hdr & 0x7fffu;
    /* msg_type, version and three lengths at least (RFC 5246 E.2). */
    if (body < 9) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &in, "tls.sslv2.length");
    }
    *rec_len = RD_TLS_SSLV2_HEADER_LEN + body;
    if (in.len < *rec_len) {
        return RD_NEED_MORE;
    }
    return RD_OK;
}

/* ---- public functions ---------------------------------------------------- */

/*
 * TLSPlaintext / TLSCiphertext header (RFC 5246 6.2.1):
 *   ContentType type (1)
 *   ProtocolVersion version (2)
 *   uint16 length
 *   opaque fragment[length]
 */
enum rd_status rd_tls_frame_record(struct rd_cur in, size_t *rec_len, struct rd_diag *diag)
{
    struct rd_cur c = in;
    uint8_t type;
    uint8_t major;
    uint8_t minor;
    uint16_t len;

    if (!rd_cur_peek_u8(&c, &type)) {
        *rec_len = RD_TLS_RECORD_HEADER_LEN;
        return RD_NEED_MORE;
    }
    if ((type & 0x80u) != 0) {
        return frame_sslv2(in, rec_len, diag);
    }
    if (type < RD_TLS_CT_CHANGE_CIPHER_SPEC || type > RD_TLS_CT_HEARTBEAT) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &c, "tls.record.content_type");
    }
    (void)rd_cur_skip(&c, 1);
    if (!rd_cur_u8(&c, &major)) {
        *rec_len = RD_TLS_RECORD_HEADER_LEN;
        return RD_NEED_MORE;
    }
    if (major != 3) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &in, "tls.record.version");
    }
    if (!rd_cur_u8(&c, &minor) || !rd_cur_u16be(&c, &len)) {
        *rec_len = RD_TLS_RECORD_HEADER_LEN;
        return RD_NEED_MORE;
    }
    if (len > RD_TLS_MAX_FRAGMENT_LEN) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &in, "tls.record.length");
    }
    *rec_len = RD_TLS_RECORD_HEADER_LEN + len;
    if (in.len < *rec_len) {
        return RD_NEED_MORE;
    }
    return RD_OK;
}

enum rd_status rd_tls_parse_record(struct rd_cur rec, struct rd_tls_record *out,
                                   struct rd_diag *diag)
{
    struct rd_cur c = rec;
    struct rd_cur frag;
    uint8_t type;

    memset(out, 0, sizeof *out);
    if (!rd_cur_peek_u8(&c, &type)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "tls.record");
    }
    if ((type & 0x80u) != 0) {
        uint16_t hdr;
        uint8_t msg_type;
        if (!rd_cur_u16be(&c, &hdr) || !rd_cur_take(&c, hdr & 0x7fffu, &frag)) {
            return rd_fail(diag, RD_WHY_SHORT, &c, "tls.sslv2.body");
        }
        if (!rd_cur_is_empty(&c)) {
            return rd_fail(diag, RD_WHY_TRAILING, &c, "tls.sslv2");
        }
        {
            struct rd_cur v = frag;
            if (!rd_cur_u8(&v, &msg_type) || !rd_cur_u16be(&v, &out->version)) {
                return rd_fail(diag, RD_WHY_SHORT, &v, "tls.sslv2.version");
            }
        }
        if (msg_type != 1) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &frag, "tls.sslv2.msg_type");
        }
        out->content_type = RD_TLS_CT_HANDSHAKE;
        out->is_sslv2 = true;
        out->fragment = rd_cur_rest(&frag);
        return RD_OK;
    }
    if (!rd_cur_u8(&c, &out->content_type) || !rd_cur_u16be(&c, &out->version)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "tls.record.header");
    }
    if (out->content_type < RD_TLS_CT_CHANGE_CIPHER_SPEC ||
        out->content_type > RD_TLS_CT_HEARTBEAT) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &rec, "tls.record.content_type");
    }
    if ((out->version >> 8) != 3) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &rec, "tls.record.version");
    }
    if (!rd_cur_prefixed_u16be(&c, &frag)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "tls.record.length");
    }
    if (frag.len > RD_TLS_MAX_FRAGMENT_LEN) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &rec, "tls.record.length");
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "tls.record");
    }
    out->fragment = rd_cur_rest(&frag);
    return RD_OK;
}

/*
 * Handshake header (RFC 5246 7.4, RFC 8446 4):
 *   HandshakeType msg_type (1)
 *   uint24 length
 *   body[length]
 */
enum rd_status rd_tls_frame_handshake(struct rd_cur in, size_t *msg_len, struct rd_diag *diag)
{
    struct rd_cur c = in;
    uint8_t type;
    uint32_t len;

    if (!rd_cur_u8(&c, &type) || !rd_cur_u24be(&c, &len)) {
        *msg_len = RD_TLS_HANDSHAKE_HEADER_LEN;
        return RD_NEED_MORE;
    }
    if (len > RD_TLS_MAX_HANDSHAKE_LEN) {
        return rd_fail(diag, RD_WHY_LIMIT, &in, "tls.handshake.length");
    }
    *msg_len = RD_TLS_HANDSHAKE_HEADER_LEN + (size_t)len;
    if (in.len < *msg_len) {
        return RD_NEED_MORE;
    }
    return RD_OK;
}

enum rd_status rd_tls_parse_handshake(struct rd_cur msg, struct rd_tls_handshake *out,
                                      struct rd_diag *diag)
{
    struct rd_cur c = msg;
    struct rd_cur body;

    memset(out, 0, sizeof *out);
    if (!rd_cur_u8(&c, &out->msg_type)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "tls.handshake.msg_type");
    }
    if (!rd_cur_prefixed_u24be(&c, &body)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "tls.handshake.length");
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "tls.handshake");
    }
    out->body = rd_cur_rest(&body);
    return RD_OK;
}

/*
 * ClientHello (RFC 8446 4.1.2, RFC 5246 7.4.1.2):
 *   ProtocolVersion legacy_version (2)
 *   Random random (32)
 *   opaque legacy_session_id<0..32>
 *   CipherSuite cipher_suites<2..2^16-2>
 *   opaque legacy_compression_methods<1..2^8-1>
 *   Extension extensions<8..2^16-1>   (may be absent before TLS 1.3)
 */
enum rd_status rd_tls_parse_client_hello(struct rd_cur body, struct rd_tls_client_hello *out,
                                         struct rd_diag *diag)
{
    struct rd_cur c = body;
    struct rd_cur sid;
    struct rd_cur suites;
    struct rd_cur comp;
    enum rd_status st;

    memset(out, 0, sizeof *out);
    if (!rd_cur_u16be(&c, &out->legacy_version)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "tls.client_hello.version");
    }
    if (!rd_cur_copy(&c, RD_TLS_RANDOM_LEN, out->random, sizeof out->random)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "tls.client_hello.random");
    }
    if (!rd_cur_prefixed_u8(&c, &sid)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.client_hello.session_id");
    }
    if (sid.len > 32) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &sid, "tls.client_hello.session_id");
    }
    out->session_id = rd_cur_rest(&sid);
    if (!rd_cur_prefixed_u16be(&c, &suites)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.client_hello.cipher_suites");
    }
    if (suites.len == 0 || suites.len % 2 != 0) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &suites, "tls.client_hello.cipher_suites");
    }
    st = u16_list(suites, out->cipher_suites, RD_TLS_MAX_CIPHER_SUITES, &out->n_cipher_suites,
                  &out->cipher_suites_dropped, diag, "tls.client_hello.cipher_suites");
    if (st != RD_OK) {
        return st;
    }
    if (!rd_cur_prefixed_u8(&c, &comp)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.client_hello.compression_methods");
    }
    if (comp.len == 0) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &comp, "tls.client_hello.compression_methods");
    }
    while (!rd_cur_is_empty(&comp)) {
        uint8_t m = 0;
        (void)rd_cur_u8(&comp, &m);
        if (out->n_compression_methods < RD_TLS_MAX_COMPRESSION) {
            out->compression_methods[out->n_compression_methods++] = m;
        } else {
            out->compression_methods_dropped++;
        }
    }
    /* RFC 5246 7.4.1.2: the extensions block may be absent altogether. */
    if (rd_cur_is_empty(&c)) {
        return RD_OK;
    }
    out->has_extensions_block = true;
    st = parse_extensions(&c, out->extensions, &out->n_extensions, &out->extensions_dropped, out,
                          NULL, diag);
    if (st != RD_OK) {
        return st;
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "tls.client_hello");
    }
    return RD_OK;
}

/*
 * SSLv2-compatible ClientHello (RFC 5246 E.2), after the 2-byte record header:
 *   uint8 msg_type (1)
 *   Version version (2)
 *   uint16 cipher_spec_length  (a multiple of 3)
 *   uint16 session_id_length   (0, or 16 per SSLv2; accepted up to 32)
 *   uint16 challenge_length    (16..32)
 *   V2CipherSpec cipher_specs[cipher_spec_length]  (3 bytes each)
 *   opaque session_id[session_id_length]
 *   opaque challenge[challenge_length]
 */
enum rd_status rd_tls_parse_sslv2_client_hello(struct rd_cur frag, struct rd_tls_client_hello *out,
                                               struct rd_diag *diag)
{
    struct rd_cur c = frag;
    uint8_t msg_type;
    uint16_t spec_len;
    uint16_t sid_len;
    uint16_t chal_len;
    struct rd_cur specs;
    struct rd_cur sid;
    struct rd_cur chal;

    memset(out, 0, sizeof *out);
    out->is_sslv2 = true;
    if (!rd_cur_u8(&c, &msg_type)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "tls.sslv2.msg_type");
    }
    if (msg_type != 1) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &frag, "tls.sslv2.msg_type");
    }
    if (!rd_cur_u16be(&c, &out->legacy_version) || !rd_cur_u16be(&c, &spec_len) ||
        !rd_cur_u16be(&c, &sid_len) || !rd_cur_u16be(&c, &chal_len)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "tls.sslv2.header");
    }
    if (spec_len == 0 || spec_len % 3 != 0) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &c, "tls.sslv2.cipher_spec_length");
    }
    if (sid_len > 32) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &c, "tls.sslv2.session_id_length");
    }
    if (chal_len < 16 || chal_len > 32) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &c, "tls.sslv2.challenge_length");
    }
    if (!rd_cur_take(&c, spec_len, &specs)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.sslv2.cipher_specs");
    }
    if (!rd_cur_take(&c, sid_len, &sid)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.sslv2.session_id");
    }
    if (!rd_cur_take(&c, chal_len, &chal)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.sslv2.challenge");
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "tls.sslv2");
    }
    while (!rd_cur_is_empty(&specs)) {
        uint8_t hi = 0;
        uint16_t lo = 0;
        (void)rd_cur_u8(&specs, &hi);
        (void)rd_cur_u16be(&specs, &lo);
        /* A spec whose first byte is zero is a TLS CipherSuite (E.2). */
        if (hi != 0) {
            out->sslv2_only_specs++;
        } else if (out->n_cipher_suites < RD_TLS_MAX_CIPHER_SUITES) {
            out->cipher_suites[out->n_cipher_suites++] = lo;
        } else {
            out->cipher_suites_dropped++;
        }
    }
    out->session_id = rd_cur_rest(&sid);
    (void)rd_cur_copy(&chal, chal_len, out->random + (RD_TLS_RANDOM_LEN - chal_len), chal_len);
    out->compression_methods[0] = 0;
    out->n_compression_methods = 1;
    return RD_OK;
}

/*
 * ServerHello (RFC 8446 4.1.3, RFC 5246 7.4.1.3):
 *   ProtocolVersion legacy_version (2)
 *   Random random (32)
 *   opaque legacy_session_id_echo<0..32>
 *   CipherSuite cipher_suite (2)
 *   uint8 legacy_compression_method
 *   Extension extensions<6..2^16-1>   (may be absent before TLS 1.3)
 */
enum rd_status rd_tls_parse_server_hello(struct rd_cur body, struct rd_tls_server_hello *out,
                                         struct rd_diag *diag)
{
    struct rd_cur c = body;
    struct rd_cur sid;
    enum rd_status st;

    memset(out, 0, sizeof *out);
    if (!rd_cur_u16be(&c, &out->legacy_version)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "tls.server_hello.version");
    }
    if (!rd_cur_copy(&c, RD_TLS_RANDOM_LEN, out->random, sizeof out->random)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "tls.server_hello.random");
    }
    out->is_hello_retry_request = memcmp(out->random, hrr_random, sizeof hrr_random) == 0;
    if (!rd_cur_prefixed_u8(&c, &sid)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.server_hello.session_id");
    }
    if (sid.len > 32) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &sid, "tls.server_hello.session_id");
    }
    out->session_id = rd_cur_rest(&sid);
    if (!rd_cur_u16be(&c, &out->cipher_suite) || !rd_cur_u8(&c, &out->compression_method)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "tls.server_hello.cipher_suite");
    }
    if (rd_cur_is_empty(&c)) {
        return RD_OK;
    }
    out->has_extensions_block = true;
    st = parse_extensions(&c, out->extensions, &out->n_extensions, &out->extensions_dropped, NULL,
                          out, diag);
    if (st != RD_OK) {
        return st;
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "tls.server_hello");
    }
    return RD_OK;
}

/*
 * Certificate, TLS <= 1.2 (RFC 5246 7.4.2):
 *   ASN.1Cert certificate_list<0..2^24-1>
 *     opaque ASN.1Cert<1..2^24-1>
 * TLS 1.3 (RFC 8446 4.4.2):
 *   opaque certificate_request_context<0..2^8-1>
 *   CertificateEntry certificate_list<0..2^24-1>
 *     opaque cert_data<1..2^24-1>
 *     Extension extensions<0..2^16-1>
 */
enum rd_status rd_tls_parse_certificate(struct rd_cur body, bool tls13,
                                        struct rd_tls_certificate *out, struct rd_diag *diag)
{
    struct rd_cur c = body;
    struct rd_cur list;

    memset(out, 0, sizeof *out);
    if (tls13) {
        struct rd_cur ctx;
        if (!rd_cur_prefixed_u8(&c, &ctx)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.certificate.request_context");
        }
        out->request_context = rd_cur_rest(&ctx);
    }
    if (!rd_cur_prefixed_u24be(&c, &list)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.certificate.list");
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "tls.certificate");
    }
    while (!rd_cur_is_empty(&list)) {
        struct rd_cur cert;
        if (!rd_cur_prefixed_u24be(&list, &cert)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &list, "tls.certificate.cert");
        }
        if (cert.len == 0) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &cert, "tls.certificate.cert");
        }
        if (tls13) {
            struct rd_cur exts;
            if (!rd_cur_prefixed_u16be(&list, &exts)) {
                return rd_fail(diag, RD_WHY_OVERRUN, &list, "tls.certificate.extensions");
            }
        }
        if (out->n_certs < RD_TLS_MAX_CERTS) {
            out->certs[out->n_certs++] = rd_cur_rest(&cert);
        } else {
            out->certs_dropped++;
        }
    }
    return RD_OK;
}

/* Key exchange family of a suite, from the names table. */
static enum rd_tls_kx suite_kx(uint16_t suite)
{
    struct rd_tls_cipher_info info;
    (void)rd_tls_cipher_info(suite, &info);
    return info.kx;
}

/*
 * ServerKeyExchange (RFC 8422 5.4, RFC 5246 7.4.3):
 *   ECDHE: ECCurveType curve_type (1; 3 = named_curve), NamedCurve (2),
 *          opaque point<1..2^8-1>
 *   DHE:   opaque dh_p<1..2^16-1>, dh_g<1..2^16-1>, dh_Ys<1..2^16-1>
 *   then, TLS 1.2: SignatureAndHashAlgorithm (2); all: opaque signature<0..2^16-1>
 */
enum rd_status rd_tls_parse_server_key_exchange(struct rd_cur body, uint16_t version,
                                                uint16_t cipher_suite,
                                                struct rd_tls_server_key_exchange *out,
                                                struct rd_diag *diag)
{
    struct rd_cur c = body;
    struct rd_cur v;
    struct rd_cur sig;

    memset(out, 0, sizeof *out);
    out->kx = suite_kx(cipher_suite);
    if (out->kx == RD_TLS_KX_ECDHE) {
        uint8_t curve_type;
        if (!rd_cur_u8(&c, &curve_type)) {
            return rd_fail(diag, RD_WHY_SHORT, &c, "tls.server_key_exchange.curve_type");
        }
        if (curve_type != 3) {
            /* explicit_prime/explicit_char2 were deprecated by RFC 8422 5.4. */
            return rd_fail(diag, RD_WHY_UNSUPPORTED, &body, "tls.server_key_exchange.curve_type");
        }
        if (!rd_cur_u16be(&c, &out->named_group)) {
            return rd_fail(diag, RD_WHY_SHORT, &c, "tls.server_key_exchange.named_curve");
        }
        if (!rd_cur_prefixed_u8(&c, &v)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.server_key_exchange.point");
        }
        out->public_key = rd_cur_rest(&v);
    } else if (out->kx == RD_TLS_KX_DHE) {
        struct rd_cur p;
        struct rd_cur g;
        if (!rd_cur_prefixed_u16be(&c, &p) || !rd_cur_prefixed_u16be(&c, &g) ||
            !rd_cur_prefixed_u16be(&c, &v)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.server_key_exchange.dh_params");
        }
        out->dh_p = rd_cur_rest(&p);
        out->dh_g = rd_cur_rest(&g);
        out->public_key = rd_cur_rest(&v);
    } else {
        return rd_fail(diag, RD_WHY_UNSUPPORTED, &body, "tls.server_key_exchange.kx");
    }
    if (version >= RD_TLS_VERSION_TLS12) {
        if (!rd_cur_u16be(&c, &out->sig_alg)) {
            return rd_fail(diag, RD_WHY_SHORT, &c, "tls.server_key_exchange.sig_alg");
        }
        out->has_sig_alg = true;
    }
    if (!rd_cur_prefixed_u16be(&c, &sig)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.server_key_exchange.signature");
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "tls.server_key_exchange");
    }
    out->signature = rd_cur_rest(&sig);
    return RD_OK;
}

/*
 * ClientKeyExchange (RFC 5246 7.4.7, RFC 8422 5.7):
 *   RSA:   EncryptedPreMasterSecret opaque<0..2^16-1> (SSL 3.0: the bare bytes)
 *   DHE:   opaque dh_Yc<1..2^16-1>
 *   ECDHE: opaque point<1..2^8-1>
 */
enum rd_status rd_tls_parse_client_key_exchange(struct rd_cur body, uint16_t version,
                                                uint16_t cipher_suite,
                                                struct rd_tls_client_key_exchange *out,
                                                struct rd_diag *diag)
{
    struct rd_cur c = body;
    struct rd_cur v;

    memset(out, 0, sizeof *out);
    out->kx = suite_kx(cipher_suite);
    switch (out->kx) {
    case RD_TLS_KX_RSA:
    case RD_TLS_KX_RSA_EXPORT:
        if (version == RD_TLS_VERSION_SSL3) {
            out->exchange = rd_cur_rest(&c);
            return RD_OK;
        }
        if (!rd_cur_prefixed_u16be(&c, &v)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.client_key_exchange.rsa");
        }
        break;
    case RD_TLS_KX_DHE:
    case RD_TLS_KX_DH_ANON:
        if (!rd_cur_prefixed_u16be(&c, &v)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.client_key_exchange.dh_yc");
        }
        break;
    case RD_TLS_KX_ECDHE:
    case RD_TLS_KX_ECDH_ANON:
        if (!rd_cur_prefixed_u8(&c, &v)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &c, "tls.client_key_exchange.point");
        }
        break;
    default:
        return rd_fail(diag, RD_WHY_UNSUPPORTED, &body, "tls.client_key_exchange.kx");
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "tls.client_key_exchange");
    }
    out->exchange = rd_cur_rest(&v);
    return RD_OK;
}

enum rd_status rd_tls_parse_server_hello_done(struct rd_cur body, struct rd_diag *diag)
{
    if (!rd_cur_is_empty(&body)) {
        return rd_fail(diag, RD_WHY_TRAILING, &body, "tls.server_hello_done");
    }
    return RD_OK;
}

enum rd_status rd_tls_parse_change_cipher_spec(struct rd_cur frag, struct rd_diag *diag)
{
    uint8_t v;

    if (!rd_cur_u8(&frag, &v)) {
        return rd_fail(diag, RD_WHY_SHORT, &frag, "tls.change_cipher_spec");
    }
    if (v != 1) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &frag, "tls.change_cipher_spec");
    }
    if (!rd_cur_is_empty(&frag)) {
        return rd_fail(diag, RD_WHY_TRAILING, &frag, "tls.change_cipher_spec");
    }
    return RD_OK;
}

/*
 * Alert (RFC 8446 6, RFC 5246 7.2):
 *   AlertLevel level (1; 1 = warning, 2 = fatal)
 *   AlertDescription description (1)
 * A fragment of another size is an encrypted alert; the caller knows whether
 * the record is protected.
 */
enum rd_status rd_tls_parse_alert(struct rd_cur frag, struct rd_tls_alert *out,
                                  struct rd_diag *diag)
{
    memset(out, 0, sizeof *out);
    if (!rd_cur_u8(&frag, &out->level) || !rd_cur_u8(&frag, &out->description)) {
        return rd_fail(diag, RD_WHY_SHORT, &frag, "tls.alert");
    }
    if (!rd_cur_is_empty(&frag)) {
        return rd_fail(diag, RD_WHY_TRAILING, &frag, "tls.alert");
    }
    if (out->level != RD_TLS_ALERT_WARNING && out->level != RD_TLS_ALERT_FATAL) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &frag, "tls.alert.level");
    }
    return RD_OK;
}

uint16_t rd_tls_negotiated_version(const struct rd_tls_client_hello *ch,
                                   const struct rd_tls_server_hello *sh)
{
    (void)ch;
    if (sh == NULL) {
        return 0;
    }
    /* RFC 8446 4.2.1: supported_versions in a ServerHello overrides
     * legacy_version, which stays 0x0303. */
    if (sh->has_supported_versions) {
        return sh->selected_version;
    }
    return sh->legacy_version;
}

bool rd_tls_version_offered(const struct rd_tls_client_hello *ch, uint16_t v)
{
    if (ch == NULL) {
        return false;
    }
    if (ch->has_supported_versions) {
        for (size_t i = 0; i < ch->n_supported_versions; i++) {
            if (ch->supported_versions[i] == v) {
                return true;
            }
        }
        /* RFC 8446 4.2.1: when the extension is present, legacy_version
         * takes no part in version negotiation. */
        return false;
    }
    return v >= RD_TLS_VERSION_SSL3 && v <= ch->legacy_version;
}

bool rd_tls_is_grease(uint16_t v)
{
    return (v & 0x0f0fu) == 0x0a0au && (v >> 8) == (v & 0xffu);
}
