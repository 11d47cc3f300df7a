/*
 * t124.c - T.124 GCC conference create PDUs and the RDP data blocks in them.
 *
 * References: ITU-T T.124 (02/98) 8.7 and annex A (ConnectData, ConnectGCCPDU,
 * ConferenceCreateRequest/Response, UserData); ITU-T X.691 (ALIGNED PER);
 * MS-RDPBCGR 2.2.1.3.1 (wrapping), 2.2.1.3.2 TS_UD_CS_CORE, 2.2.1.3.3
 * TS_UD_CS_SEC, 2.2.1.3.4 TS_UD_CS_NET, 2.2.1.3.5 TS_UD_CS_CLUSTER, 2.2.1.4.1
 * (wrapping), 2.2.1.4.2 TS_UD_SC_CORE, 2.2.1.4.3 TS_UD_SC_SEC1, 2.2.1.4.3.1
 * SERVER_CERTIFICATE, 2.2.1.4.3.1.1 PROPRIETARYSERVERCERTIFICATE, 2.2.1.4.3.1.1.1
 * RSA_PUBLIC_KEY, 2.2.1.4.4 TS_UD_SC_NET.
 *
 * The PER wrapping is parsed in the fixed shape MS-RDPBCGR describes (one
 * h221NonStandard user data item), not as general T.124.
 */
#include "config.h"

#include "t124.h"

#include <string.h>

#include "mcs.h"

/* ConnectData::t124Identifier: key CHOICE object (0), length 5, OID
 * { itu-t(0) recommendation(0) t(20) t124(124) version(0) 1 }. */
static const uint8_t T124_IDENTIFIER[] = {0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01};

#define GCC_CREATE_REQUEST  0x00u /* ConnectGCCPDU choice 0, no extension */
#define GCC_CREATE_RESPONSE 0x14u /* choice 1, then the response's own preamble bits */
#define GCC_REQUEST_OPTIONS 0x08u /* ConferenceCreateRequest: only userData present */
#define H221_KEY_MIN        4u    /* H221NonStandardIdentifier SIZE (4..255) */
#define RSA1_MAGIC          0x31415352u

static void skipped_add(struct rd_t124_skipped *s, uint16_t type)
{
    if (s->count < RD_T124_MAX_SKIPPED) {
        s->types[s->count++] = type;
    } else {
        s->dropped++;
    }
}

/*
 * The common head of both PDUs:
 *   00 05 00 14 7c 00 01   t124Identifier
 *   PER length             connectPDU length
 */
static enum rd_status parse_head(struct rd_cur *c, size_t *connect_len, struct rd_diag *diag)
{
    if (!rd_cur_expect(c, T124_IDENTIFIER, sizeof T124_IDENTIFIER)) {
        return rd_fail(diag, c->len < sizeof T124_IDENTIFIER ? RD_WHY_SHORT : RD_WHY_BAD_VALUE, c,
                       "t124.t124_identifier");
    }
    /* Windows servers send 0x2a here whatever the real length (MS-RDPBCGR
     * 2.2.1.4.1 example), so the value is recorded, not enforced. */
    return rd_mcs_per_length(c, connect_len, diag);
}

/*
 * The one UserData item (T.124 annex A UserData SET OF, MS-RDPBCGR layout):
 *   01                     SET OF count (one item expected; more are unsupported)
 *   c0                     value present, key CHOICE h221NonStandard
 *   00 'D' 'u' 'c' 'a'     key: length - 4, then the H.221 key
 *   PER length, bytes      value: the RDP data blocks
 */
static enum rd_status parse_user_data(struct rd_cur *c, struct rd_bytes *key, struct rd_cur *blocks,
                                      struct rd_diag *diag)
{
    struct rd_cur at = *c;
    struct rd_cur k;
    uint8_t count;
    uint8_t bits;
    uint8_t klen;
    size_t vlen;
    enum rd_status st;

    if (!rd_cur_u8(c, &count)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.user_data.count");
    }
    if (count != 1) {
        return rd_fail(diag, RD_WHY_UNSUPPORTED, &at, "t124.user_data.count");
    }
    at = *c;
    if (!rd_cur_u8(c, &bits)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.user_data.key");
    }
    if (bits != 0xc0u) {
        return rd_fail(diag, RD_WHY_UNSUPPORTED, &at, "t124.user_data.key");
    }
    at = *c;
    if (!rd_cur_u8(c, &klen) || !rd_cur_take(c, (size_t)klen + H221_KEY_MIN, &k)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.user_data.key");
    }
    *key = rd_cur_rest(&k);
    at = *c;
    st = rd_mcs_per_length(c, &vlen, diag);
    if (st != RD_OK) {
        return st;
    }
    if (vlen > c->len) {
        return rd_fail(diag, RD_WHY_OVERRUN, &at, "t124.user_data.length");
    }
    if (vlen < c->len) {
        return rd_fail(diag, RD_WHY_TRAILING, &at, "t124.user_data.length");
    }
    *blocks = *c;
    (void)rd_cur_skip(c, vlen);
    return RD_OK;
}

/*
 * ConferenceCreateRequest (MS-RDPBCGR 2.2.1.3.1):
 *   head
 *   00                ConnectGCCPDU conferenceCreateRequest
 *   08                optional-field bitmap: userData only
 *   L digits          conferenceName NumericString: L = count - 1, then 4-bit digits
 *   00                locked/listed/conductible, terminationMethod, padding
 *   user data item
 */
enum rd_status rd_t124_parse_create_request(struct rd_cur in, struct rd_t124_client_data *out,
                                            struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_cur at;
    struct rd_cur blocks;
    uint8_t choice;
    uint8_t options;
    uint8_t name_len;
    uint8_t flags;
    enum rd_status st;

    memset(out, 0, sizeof *out);
    st = parse_head(&c, &out->connect_pdu_len, diag);
    if (st != RD_OK) {
        return st;
    }
    at = c;
    if (!rd_cur_u8(&c, &choice) || !rd_cur_u8(&c, &options)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.create_request");
    }
    if (choice != GCC_CREATE_REQUEST) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "t124.create_request.choice");
    }
    if (options != GCC_REQUEST_OPTIONS) {
        return rd_fail(diag, RD_WHY_UNSUPPORTED, &at, "t124.create_request.options");
    }
    at = c;
    if (!rd_cur_u8(&c, &name_len) || !rd_cur_skip(&c, ((size_t)name_len + 2) / 2)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.create_request.conference_name");
    }
    if (!rd_cur_u8(&c, &flags)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "t124.create_request.flags");
    }
    st = parse_user_data(&c, &out->h221_key, &blocks, diag);
    if (st != RD_OK) {
        return st;
    }
    return rd_t124_parse_client_blocks(blocks, out, diag);
}

/*
 * ConferenceCreateResponse (MS-RDPBCGR 2.2.1.4.1):
 *   head
 *   14                ConnectGCCPDU conferenceCreateResponse
 *   2 bytes           nodeID (UserID, value - 1001)
 *   len, bytes        tag INTEGER
 *   1 byte            result ENUMERATED (0 = success) and padding
 *   user data item
 */
enum rd_status rd_t124_parse_create_response(struct rd_cur in, struct rd_t124_server_data *out,
                                             struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_cur at;
    struct rd_cur tag;
    struct rd_cur blocks;
    uint8_t choice;
    uint16_t node;
    enum rd_status st;

    memset(out, 0, sizeof *out);
    st = parse_head(&c, &out->connect_pdu_len, diag);
    if (st != RD_OK) {
        return st;
    }
    at = c;
    if (!rd_cur_u8(&c, &choice)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.create_response");
    }
    if (choice != GCC_CREATE_RESPONSE) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "t124.create_response.choice");
    }
    at = c;
    if (!rd_cur_u16be(&c, &node)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.create_response.node_id");
    }
    if ((uint32_t)node + RD_MCS_USER_ID_BASE > 0xffffu) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "t124.create_response.node_id");
    }
    out->node_id = (uint16_t)(node + RD_MCS_USER_ID_BASE);
    at = c;
    if (!rd_cur_prefixed_u8(&c, &tag)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.create_response.tag");
    }
    if (!rd_cur_u8(&c, &out->result)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "t124.create_response.result");
    }
    st = parse_user_data(&c, &out->h221_key, &blocks, diag);
    if (st != RD_OK) {
        return st;
    }
    return rd_t124_parse_server_blocks(blocks, out, diag);
}

/* The CS_CORE optional tail: each field present only if all before it are. */
static void parse_core_optional(struct rd_cur *b, struct rd_t124_cs_core *o)
{
    struct rd_cur id;
    uint8_t pad;

    if (!rd_cur_u16le(b, &o->post_beta2_color_depth)) {
        return;
    }
    o->optional_fields = 1;
    if (!rd_cur_u16le(b, &o->client_product_id)) {
        return;
    }
    o->optional_fields = 2;
    if (!rd_cur_u32le(b, &o->serial_number)) {
        return;
    }
    o->optional_fields = 3;
    if (!rd_cur_u16le(b, &o->high_color_depth)) {
        return;
    }
    o->optional_fields = 4;
    if (!rd_cur_u16le(b, &o->supported_color_depths)) {
        return;
    }
    o->optional_fields = 5;
    if (!rd_cur_u16le(b, &o->early_capability_flags)) {
        return;
    }
    o->has_early_capability_flags = true;
    o->optional_fields = 6;
    if (!rd_cur_take(b, 64, &id)) {
        return;
    }
    o->client_dig_product_id = rd_cur_rest(&id);
    o->optional_fields = 7;
    if (!rd_cur_u8(b, &o->connection_type)) {
        return;
    }
    o->has_connection_type = true;
    o->optional_fields = 8;
    if (!rd_cur_u8(b, &pad)) {
        return;
    }
    o->optional_fields = 9;
    if (!rd_cur_u32le(b, &o->server_selected_protocol)) {
        return;
    }
    o->has_server_selected_protocol = true;
    o->optional_fields = 10;
    /* desktopPhysicalWidth/Height (4+4), desktopOrientation (2),
     * desktopScaleFactor (4), deviceScaleFactor (4): skipped whole. */
    if (!rd_cur_skip(b, 4) || !rd_cur_skip(b, 4) || !rd_cur_skip(b, 2) || !rd_cur_skip(b, 4) ||
        !rd_cur_skip(b, 4)) {
        return;
    }
    o->optional_fields = 15;
}

/*
 * TS_UD_CS_CORE body (MS-RDPBCGR 2.2.1.3.2), 128 mandatory bytes:
 *   version u32, desktopWidth u16, desktopHeight u16, colorDepth u16,
 *   SASSequence u16, keyboardLayout u32, clientBuild u32, clientName 32 bytes,
 *   keyboardType u32, keyboardSubType u32, keyboardFunctionKey u32,
 *   imeFileName 64 bytes, then the optional tail.
 */
static enum rd_status parse_cs_core(struct rd_cur b, struct rd_t124_cs_core *o,
                                    struct rd_diag *diag)
{
    struct rd_cur name;
    uint16_t sas;

    if (!rd_cur_u32le(&b, &o->version) || !rd_cur_u16le(&b, &o->desktop_width) ||
        !rd_cur_u16le(&b, &o->desktop_height) || !rd_cur_u16le(&b, &o->color_depth) ||
        !rd_cur_u16le(&b, &sas) || !rd_cur_u32le(&b, &o->keyboard_layout) ||
        !rd_cur_u32le(&b, &o->client_build) || !rd_cur_take(&b, 32, &name) ||
        !rd_cur_u32le(&b, &o->keyboard_type) || !rd_cur_u32le(&b, &o->keyboard_sub_type) ||
        !rd_cur_u32le(&b, &o->keyboard_function_key) || !rd_cur_skip(&b, 64)) {
        return rd_fail(diag, RD_WHY_SHORT, &b, "t124.cs_core");
    }
    o->client_name = rd_cur_rest(&name);
    parse_core_optional(&b, o);
    /* A field cut short at the end: tolerated (peers are described), recorded. */
    o->partial = b.len;
    return RD_OK;
}

/* The name of an 8-byte CHANNEL_DEF name field, up to its first NUL. */
static struct rd_bytes channel_name(struct rd_cur field)
{
    struct rd_bytes n = rd_cur_rest(&field);
    uint8_t ch;

    for (size_t i = 0; i < field.len; i++) {
        if (rd_cur_peek_at(&field, i, &ch) && ch == 0) {
            n.len = i;
            break;
        }
    }
    return n;
}

/*
 * TS_UD_CS_NET body (MS-RDPBCGR 2.2.1.3.4):
 *   channelCount u32, channelDefArray: channelCount x { name[8], options u32 }
 */
static enum rd_status parse_cs_net(struct rd_cur b, struct rd_t124_client_data *o,
                                   struct rd_diag *diag)
{
    struct rd_cur at = b;

    if (!rd_cur_u32le(&b, &o->channel_count)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.cs_net.channel_count");
    }
    if (o->channel_count > b.len / 12) {
        return rd_fail(diag, RD_WHY_OVERRUN, &at, "t124.cs_net.channel_count");
    }
    for (uint32_t i = 0; i < o->channel_count; i++) {
        struct rd_cur name;
        uint32_t options;

        (void)rd_cur_take(&b, 8, &name);
        (void)rd_cur_u32le(&b, &options);
        if (o->channels_parsed < RD_T124_MAX_CHANNELS) {
            o->channels[o->channels_parsed].name = channel_name(name);
            o->channels[o->channels_parsed].options = options;
            o->channels_parsed++;
        } else {
            o->channels_dropped++;
        }
    }
    if (!rd_cur_is_empty(&b)) {
        return rd_fail(diag, RD_WHY_TRAILING, &b, "t124.cs_net");
    }
    return RD_OK;
}

/* Two u32 fields that must fill the block (CS_SECURITY, CS_CLUSTER). */
static enum rd_status parse_two_u32(struct rd_cur b, uint32_t *a, uint32_t *z, const char *field,
                                    struct rd_diag *diag)
{
    if (!rd_cur_u32le(&b, a) || !rd_cur_u32le(&b, z)) {
        return rd_fail(diag, RD_WHY_SHORT, &b, field);
    }
    if (!rd_cur_is_empty(&b)) {
        return rd_fail(diag, RD_WHY_TRAILING, &b, field);
    }
    return RD_OK;
}

/*
 * Walk TS_UD_HEADER blocks: type u16le, length u16le (header included, >= 4),
 * body.  dispatch() parses the body of one block.
 */
typedef enum rd_status (*block_fn)(uint16_t type, struct rd_cur body, void *out,
                                   struct rd_diag *diag);

static enum rd_status walk_blocks(struct rd_cur in, block_fn fn, void *out, struct rd_diag *diag)
{
    struct rd_cur c = in;

    while (!rd_cur_is_empty(&c)) {
        struct rd_cur at = c;
        struct rd_cur body;
        uint16_t type;
        uint16_t len;
        enum rd_status st;

        if (!rd_cur_u16le(&c, &type) || !rd_cur_u16le(&c, &len)) {
            return rd_fail(diag, RD_WHY_SHORT, &at, "t124.block.header");
        }
        if (len < 4) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "t124.block.length");
        }
        if (!rd_cur_take(&c, (size_t)len - 4, &body)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &at, "t124.block.length");
        }
        st = fn(type, body, out, diag);
        if (st != RD_OK) {
            return st;
        }
    }
    return RD_OK;
}

static enum rd_status client_block(uint16_t type, struct rd_cur body, void *out,
                                   struct rd_diag *diag)
{
    struct rd_t124_client_data *o = out;

    switch (type) {
    case RD_T124_CS_CORE:
        o->has_core = true;
        return parse_cs_core(body, &o->core, diag);
    case RD_T124_CS_SECURITY:
        o->has_security = true;
        return parse_two_u32(body, &o->encryption_methods, &o->ext_encryption_methods,
                             "t124.cs_security", diag);
    case RD_T124_CS_NET:
        o->has_net = true;
        return parse_cs_net(body, o, diag);
    case RD_T124_CS_CLUSTER:
        o->has_cluster = true;
        return parse_two_u32(body, &o->cluster_flags, &o->redirected_session_id, "t124.cs_cluster",
                             diag);
    default:
        skipped_add(&o->skipped, type);
        return RD_OK;
    }
}

enum rd_status rd_t124_parse_client_blocks(struct rd_cur in, struct rd_t124_client_data *out,
                                           struct rd_diag *diag)
{
    return walk_blocks(in, client_block, out, diag);
}

/*
 * PROPRIETARYSERVERCERTIFICATE after dwVersion (MS-RDPBCGR 2.2.1.4.3.1.1):
 *   dwSigAlgId u32, dwKeyAlgId u32, wPublicKeyBlobType u16, wPublicKeyBlobLen
 *   u16, PublicKeyBlob (RSA_PUBLIC_KEY: magic "RSA1", keylen, bitlen, datalen,
 *   pubExp, modulus), wSignatureBlobType u16, wSignatureBlobLen u16, signature.
 */
static enum rd_status parse_proprietary(struct rd_cur *c, struct rd_t124_server_data *o,
                                        struct rd_diag *diag)
{
    struct rd_cur at = *c;
    struct rd_cur key;
    struct rd_cur sig;
    uint32_t sig_alg;
    uint32_t key_alg;
    uint16_t type;
    uint16_t len;
    uint32_t magic;
    uint32_t keylen;
    uint32_t datalen;

    if (!rd_cur_u32le(c, &sig_alg) || !rd_cur_u32le(c, &key_alg) || !rd_cur_u16le(c, &type) ||
        !rd_cur_u16le(c, &len)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.sc_security.proprietary");
    }
    at = *c;
    if (!rd_cur_take(c, len, &key)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &at, "t124.sc_security.proprietary.public_key_len");
    }
    at = key;
    if (!rd_cur_u32le(&key, &magic) || !rd_cur_u32le(&key, &keylen) ||
        !rd_cur_u32le(&key, &o->proprietary_key_bits) || !rd_cur_u32le(&key, &datalen) ||
        !rd_cur_u32le(&key, &o->proprietary_exponent)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.sc_security.proprietary.public_key");
    }
    if (magic != RSA1_MAGIC) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "t124.sc_security.proprietary.magic");
    }
    if (keylen != key.len) {
        return rd_fail(diag, keylen > key.len ? RD_WHY_OVERRUN : RD_WHY_TRAILING, &at,
                       "t124.sc_security.proprietary.keylen");
    }
    at = *c;
    if (!rd_cur_u16le(c, &type) || !rd_cur_u16le(c, &len)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.sc_security.proprietary.signature");
    }
    if (!rd_cur_take(c, len, &sig)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &at, "t124.sc_security.proprietary.signature_len");
    }
    return RD_OK;
}

/*
 * X.509 chain after dwVersion (MS-RDPBCGR 2.2.1.4.3.1 certChainVersion 2):
 *   NumCertBlobs u32, CertBlobArray: { cbCert u32, abCert }, then padding
 *   (8 + 4 * NumCertBlobs bytes in Windows; whatever is left is padding).
 */
static enum rd_status parse_x509_chain(struct rd_cur *c, struct rd_t124_server_data *o,
                                       struct rd_diag *diag)
{
    struct rd_cur at = *c;

    if (!rd_cur_u32le(c, &o->x509_cert_count)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.sc_security.x509.count");
    }
    for (uint32_t i = 0; i < o->x509_cert_count; i++) {
        struct rd_cur cert;
        uint32_t n;

        at = *c;
        if (!rd_cur_u32le(c, &n)) {
            return rd_fail(diag, RD_WHY_SHORT, &at, "t124.sc_security.x509.cb_cert");
        }
        if (!rd_cur_take(c, n, &cert)) {
            return rd_fail(diag, RD_WHY_OVERRUN, &at, "t124.sc_security.x509.cb_cert");
        }
        if (o->x509_certs_parsed < RD_T124_MAX_CERTS) {
            o->x509_certs[o->x509_certs_parsed++] = rd_cur_rest(&cert);
        } else {
            o->x509_certs_dropped++;
        }
    }
    (void)rd_cur_skip(c, c->len);
    return RD_OK;
}

/*
 * TS_UD_SC_SEC1 body (MS-RDPBCGR 2.2.1.4.3):
 *   encryptionMethod u32, encryptionLevel u32; unless both are 0:
 *   serverRandomLen u32, serverCertLen u32, serverRandom, serverCertificate
 *   (dwVersion u32: low 31 bits chain version, top bit "temporary").
 */
static enum rd_status parse_sc_security(struct rd_cur b, struct rd_t124_server_data *o,
                                        struct rd_diag *diag)
{
    struct rd_cur at = b;
    struct rd_cur rnd;
    struct rd_cur cert;
    uint32_t rlen;
    uint32_t clen;
    uint32_t version;
    enum rd_status st;

    if (!rd_cur_u32le(&b, &o->encryption_method) || !rd_cur_u32le(&b, &o->encryption_level)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.sc_security");
    }
    if (rd_cur_is_empty(&b)) {
        return RD_OK;
    }
    at = b;
    if (!rd_cur_u32le(&b, &rlen) || !rd_cur_u32le(&b, &clen)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.sc_security.lengths");
    }
    if (!rd_cur_take(&b, rlen, &rnd)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &at, "t124.sc_security.server_random_len");
    }
    if (!rd_cur_take(&b, clen, &cert)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &at, "t124.sc_security.server_cert_len");
    }
    if (!rd_cur_is_empty(&b)) {
        return rd_fail(diag, RD_WHY_TRAILING, &b, "t124.sc_security");
    }
    o->server_random = rd_cur_rest(&rnd);
    o->server_certificate = rd_cur_rest(&cert);
    if (rd_cur_is_empty(&cert)) {
        return RD_OK;
    }
    at = cert;
    if (!rd_cur_u32le(&cert, &version)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.sc_security.cert_version");
    }
    o->cert_chain_version = version & 0x7fffffffu;
    o->cert_temporary = (version & 0x80000000u) != 0;
    if (o->cert_chain_version == RD_T124_CERT_CHAIN_VERSION_1) {
        st = parse_proprietary(&cert, o, diag);
    } else if (o->cert_chain_version == RD_T124_CERT_CHAIN_VERSION_2) {
        st = parse_x509_chain(&cert, o, diag);
    } else {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "t124.sc_security.cert_version");
    }
    if (st != RD_OK) {
        return st;
    }
    if (!rd_cur_is_empty(&cert)) {
        return rd_fail(diag, RD_WHY_TRAILING, &cert, "t124.sc_security.certificate");
    }
    return RD_OK;
}

/*
 * TS_UD_SC_NET body (MS-RDPBCGR 2.2.1.4.4):
 *   MCSChannelId u16, channelCount u16, channelIdArray u16 x count,
 *   Pad u16 when channelCount is odd (tolerated when missing).
 */
static enum rd_status parse_sc_net(struct rd_cur b, struct rd_t124_server_data *o,
                                   struct rd_diag *diag)
{
    struct rd_cur at = b;

    if (!rd_cur_u16le(&b, &o->mcs_channel_id) || !rd_cur_u16le(&b, &o->channel_count)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "t124.sc_net");
    }
    if (o->channel_count > b.len / 2) {
        return rd_fail(diag, RD_WHY_OVERRUN, &at, "t124.sc_net.channel_count");
    }
    for (uint16_t i = 0; i < o->channel_count; i++) {
        uint16_t id;

        (void)rd_cur_u16le(&b, &id);
        if (o->channel_ids_parsed < RD_T124_MAX_CHANNELS) {
            o->channel_ids[o->channel_ids_parsed++] = id;
        } else {
            o->channel_ids_dropped++;
        }
    }
    if ((o->channel_count & 1u) != 0 && b.len == 2) {
        (void)rd_cur_skip(&b, 2);
    }
    if (!rd_cur_is_empty(&b)) {
        return rd_fail(diag, RD_WHY_TRAILING, &b, "t124.sc_net");
    }
    return RD_OK;
}

/* TS_UD_SC_CORE body (MS-RDPBCGR 2.2.1.4.2): version, then optional
 * clientRequestedProtocols and earlyCapabilityFlags (u32 each). */
static enum rd_status parse_sc_core(struct rd_cur b, struct rd_t124_server_data *o,
                                    struct rd_diag *diag)
{
    if (!rd_cur_u32le(&b, &o->version)) {
        return rd_fail(diag, RD_WHY_SHORT, &b, "t124.sc_core");
    }
    if (rd_cur_u32le(&b, &o->client_requested_protocols)) {
        o->has_client_requested_protocols = true;
        if (rd_cur_u32le(&b, &o->early_capability_flags)) {
            o->has_early_capability_flags = true;
        }
    }
    if (!rd_cur_is_empty(&b)) {
        return rd_fail(diag, RD_WHY_TRAILING, &b, "t124.sc_core");
    }
    return RD_OK;
}

static enum rd_status server_block(uint16_t type, struct rd_cur body, void *out,
                                   struct rd_diag *diag)
{
    struct rd_t124_server_data *o = out;

    switch (type) {
    case RD_T124_SC_CORE:
        o->has_core = true;
        return parse_sc_core(body, o, diag);
    case RD_T124_SC_SECURITY:
        o->has_security = true;
        return parse_sc_security(body, o, diag);
    case RD_T124_SC_NET:
        o->has_net = true;
        return parse_sc_net(body, o, diag);
    default:
        skipped_add(&o->skipped, type);
        return RD_OK;
    }
}

enum rd_status rd_t124_parse_server_blocks(struct rd_cur in, struct rd_t124_server_data *out,
                                           struct rd_diag *diag)
{
    return walk_blocks(in, server_block, out, diag);
}

size_t rd_t124_utf16_to_ascii(struct rd_bytes s, char *buf, size_t size)
{
    struct rd_cur c;
    uint16_t u;
    size_t n = 0;

    if (size == 0) {
        return 0;
    }
    rd_cur_init(&c, s.p, s.len);
    while (n + 1 < size && rd_cur_u16le(&c, &u) && u != 0) {
        buf[n++] = (u >= 0x20 && u < 0x7f) ? (char)u : '?';
    }
    buf[n] = '\0';
    return n;
}

const char *rd_t124_block_type_name(uint16_t type)
{
    switch (type) {
    case RD_T124_CS_CORE:
        return "CS_CORE";
    case RD_T124_CS_SECURITY:
        return "CS_SECURITY";
    case RD_T124_CS_NET:
        return "CS_NET";
    case RD_T124_CS_CLUSTER:
        return "CS_CLUSTER";
    case RD_T124_CS_MONITOR:
        return "CS_MONITOR";
    case RD_T124_CS_MCS_MSGCHANNEL:
        return "CS_MCS_MSGCHANNEL";
    case RD_T124_CS_MONITOR_EX:
        return "CS_MONITOR_EX";
    case RD_T124_CS_MULTITRANSPORT:
        return "CS_MULTITRANSPORT";
    case RD_T124_SC_CORE:
        return "SC_CORE";
    case RD_T124_SC_SECURITY:
        return "SC_SECURITY";
    case RD_T124_SC_NET:
        return "SC_NET";
    case RD_T124_SC_MCS_MSGCHANNEL:
        return "SC_MCS_MSGCHANNEL";
    case RD_T124_SC_MULTITRANSPORT:
        return "SC_MULTITRANSPORT";
    default:
        return "unknown";
    }
}

const char *rd_t124_encryption_level_name(uint32_t level)
{
    switch (level) {
    case RD_T124_ENCRYPTION_LEVEL_NONE:
        return "NONE";
    case RD_T124_ENCRYPTION_LEVEL_LOW:
        return "LOW";
    case RD_T124_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE:
        return "CLIENT_COMPATIBLE";
    case RD_T124_ENCRYPTION_LEVEL_HIGH:
        return "HIGH";
    case RD_T124_ENCRYPTION_LEVEL_FIPS:
        return "FIPS";
    default:
        return "unknown";
    }
}

const char *rd_t124_encryption_method_name(uint32_t method)
{
    switch (method) {
    case RD_T124_ENCRYPTION_METHOD_NONE:
        return "NONE";
    case RD_T124_ENCRYPTION_METHOD_40BIT:
        return "40BIT";
    case RD_T124_ENCRYPTION_METHOD_128BIT:
        return "128BIT";
    case RD_T124_ENCRYPTION_METHOD_56BIT:
        return "56BIT";
    case RD_T124_ENCRYPTION_METHOD_FIPS:
        return "FIPS";
    default:
        return "unknown";
    }
}
