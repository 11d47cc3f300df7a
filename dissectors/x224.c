/*
 * x224.c - X.224 class 0 TPDUs and the RDP negotiation structures.
 *
 * References: ITU-T X.224 (11/95) 13.3 CR, 13.4 CC, 13.5 DR, 13.7 DT;
 * MS-RDPBCGR 2.2.1.1 Client X.224 Connection Request PDU, 2.2.1.1.1 RDP_NEG_REQ,
 * 2.2.1.1.2 RDP_CORRELATION_INFO, 2.2.1.2 Server X.224 Connection Confirm PDU,
 * 2.2.1.2.1 RDP_NEG_RSP, 2.2.1.2.2 RDP_NEG_FAILURE, 2.2.2.2 Client X.224
 * Disconnect Request PDU.
 */
#include "config.h"

#include "x224.h"

#include <stdio.h>
#include <string.h>

#include "tpkt.h"

static const char COOKIE_PREFIX[] = "Cookie: ";
static const char MSTSHASH_PREFIX[] = "Cookie: mstshash=";

/* Offset of the first CR LF in c, if any. */
static bool find_crlf(const struct rd_cur *c, size_t *pos)
{
    uint8_t a;
    uint8_t b;

    for (size_t i = 0; i + 1 < c->len; i++) {
        if (rd_cur_peek_at(c, i, &a) && a == '\r' && rd_cur_peek_at(c, i + 1, &b) && b == '\n') {
            *pos = i;
            return true;
        }
    }
    return false;
}

static bool starts_with(const struct rd_cur *c, const char *lit, size_t n)
{
    struct rd_cur t = *c;

    return rd_cur_expect(&t, lit, n);
}

/*
 * routingToken / cookie (MS-RDPBCGR 2.2.1.1): one text line ended by CR LF.
 *   "Cookie: mstshash=" NAME CR LF       (cookie; NAME is kept)
 *   "Cookie: " ... CR LF                 (routing token; the whole line is kept)
 */
static enum rd_status parse_cookie_line(struct rd_cur *v, struct rd_x224_pdu *out,
                                        struct rd_diag *diag)
{
    struct rd_cur line;
    size_t pos;
    bool is_hash = starts_with(v, MSTSHASH_PREFIX, sizeof MSTSHASH_PREFIX - 1);

    if (!find_crlf(v, &pos)) {
        return rd_fail(diag, RD_WHY_SHORT, v, is_hash ? "x224.cr.cookie" : "x224.cr.routing_token");
    }
    (void)rd_cur_take(v, pos, &line);
    (void)rd_cur_skip(v, 2);
    if (is_hash) {
        (void)rd_cur_skip(&line, sizeof MSTSHASH_PREFIX - 1);
        out->has_cookie = true;
        out->cookie = rd_cur_rest(&line);
    } else {
        out->has_routing_token = true;
        out->routing_token = rd_cur_rest(&line);
    }
    return RD_OK;
}

/*
 * RDP_NEG_REQ / RDP_NEG_RSP / RDP_NEG_FAILURE (MS-RDPBCGR 2.2.1.1.1, 2.2.1.2.1,
 * 2.2.1.2.2), all 8 bytes:
 *   0      type     0x01 REQ, 0x02 RSP, 0x03 FAILURE
 *   1      flags
 *   2..3   length   little-endian, MUST be 0x0008
 *   4..7   requestedProtocols / selectedProtocol / failureCode (little-endian)
 */
static enum rd_status parse_neg(struct rd_cur *v, bool is_cr, struct rd_x224_pdu *out,
                                struct rd_diag *diag)
{
    struct rd_cur at = *v;
    uint8_t type;
    uint16_t len;
    uint32_t value;
    bool type_ok;

    if (!rd_cur_u8(v, &type)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, is_cr ? "x224.cr.neg.type" : "x224.cc.neg.type");
    }
    type_ok =
        is_cr ? type == RD_X224_NEG_REQ : (type == RD_X224_NEG_RSP || type == RD_X224_NEG_FAILURE);
    if (!type_ok) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &at,
                       is_cr ? "x224.cr.neg.type" : "x224.cc.neg.type");
    }
    if (!rd_cur_u8(v, &out->neg_flags)) {
        return rd_fail(diag, RD_WHY_SHORT, v, is_cr ? "x224.cr.neg.flags" : "x224.cc.neg.flags");
    }
    at = *v;
    if (!rd_cur_u16le(v, &len)) {
        return rd_fail(diag, RD_WHY_SHORT, &at,
                       is_cr ? "x224.cr.neg.length" : "x224.cc.neg.length");
    }
    if (len != RD_X224_NEG_LEN) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &at,
                       is_cr ? "x224.cr.neg.length" : "x224.cc.neg.length");
    }
    if (!rd_cur_u32le(v, &value)) {
        return rd_fail(diag, RD_WHY_SHORT, v, is_cr ? "x224.cr.neg.value" : "x224.cc.neg.value");
    }
    out->neg = (enum rd_x224_neg)type;
    if (type == RD_X224_NEG_REQ) {
        out->requested_protocols = value;
    } else if (type == RD_X224_NEG_RSP) {
        out->selected_protocol = value;
    } else {
        out->failure_code = value;
    }
    return RD_OK;
}

/*
 * RDP_CORRELATION_INFO (MS-RDPBCGR 2.2.1.1.2), 36 bytes:
 *   0       type           0x06
 *   1       flags          0
 *   2..3    length         little-endian, MUST be 0x0024
 *   4..19   correlationId
 *   20..35  reserved       (zero; not enforced)
 */
static enum rd_status parse_correlation(struct rd_cur *v, struct rd_x224_pdu *out,
                                        struct rd_diag *diag)
{
    struct rd_cur at = *v;
    struct rd_cur id;
    uint8_t type;
    uint8_t flags;
    uint16_t len;

    if (!rd_cur_u8(v, &type)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "x224.cr.correlation_info");
    }
    if (type != RD_X224_TYPE_CORRELATION_INFO) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "x224.cr.correlation_info.type");
    }
    if (!rd_cur_u8(v, &flags)) {
        return rd_fail(diag, RD_WHY_SHORT, v, "x224.cr.correlation_info.flags");
    }
    at = *v;
    if (!rd_cur_u16le(v, &len)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "x224.cr.correlation_info.length");
    }
    if (len != RD_X224_CORRELATION_INFO_LEN) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "x224.cr.correlation_info.length");
    }
    if (!rd_cur_take(v, RD_X224_CORRELATION_ID_LEN, &id)) {
        return rd_fail(diag, RD_WHY_SHORT, v, "x224.cr.correlation_info.id");
    }
    if (!rd_cur_skip(v, RD_X224_CORRELATION_INFO_LEN - 4 - RD_X224_CORRELATION_ID_LEN)) {
        return rd_fail(diag, RD_WHY_SHORT, v, "x224.cr.correlation_info.reserved");
    }
    out->has_correlation_id = true;
    out->correlation_id = rd_cur_rest(&id);
    return RD_OK;
}

/*
 * CR / CC TPDU header after LI and code (X.224 13.3.3, 13.4.3):
 *   DST-REF (2, big-endian) | SRC-REF (2) | class and options (1) | variable part
 * In RDP the variable part carries (CR) an optional routing token or cookie,
 * then an optional RDP_NEG_REQ and RDP_CORRELATION_INFO; (CC) an optional
 * RDP_NEG_RSP or RDP_NEG_FAILURE.
 */
static enum rd_status parse_connection(struct rd_cur hdr, bool is_cr, struct rd_x224_pdu *out,
                                       struct rd_diag *diag)
{
    struct rd_cur v = hdr;
    enum rd_status st;

    if (!rd_cur_u16be(&v, &out->dst_ref) || !rd_cur_u16be(&v, &out->src_ref) ||
        !rd_cur_u8(&v, &out->class_option)) {
        return rd_fail(diag, RD_WHY_SHORT, &v, is_cr ? "x224.cr.fixed" : "x224.cc.fixed");
    }
    if (is_cr && starts_with(&v, COOKIE_PREFIX, sizeof COOKIE_PREFIX - 1)) {
        st = parse_cookie_line(&v, out, diag);
        if (st != RD_OK) {
            return st;
        }
    }
    if (rd_cur_is_empty(&v)) {
        return RD_OK;
    }
    st = parse_neg(&v, is_cr, out, diag);
    if (st != RD_OK) {
        return st;
    }
    if (is_cr && (out->neg_flags & RD_X224_CORRELATION_INFO_PRESENT) != 0) {
        st = parse_correlation(&v, out, diag);
        if (st != RD_OK) {
            return st;
        }
    }
    if (!rd_cur_is_empty(&v)) {
        return rd_fail(diag, RD_WHY_TRAILING, &v, is_cr ? "x224.cr" : "x224.cc");
    }
    return RD_OK;
}

/*
 * DR TPDU (X.224 13.5.3): DST-REF (2) | SRC-REF (2) | reason (1) | variable
 * part (parameters such as additional information; skipped).
 */
static enum rd_status parse_disconnect(struct rd_cur hdr, struct rd_x224_pdu *out,
                                       struct rd_diag *diag)
{
    struct rd_cur v = hdr;

    if (!rd_cur_u16be(&v, &out->dst_ref) || !rd_cur_u16be(&v, &out->src_ref) ||
        !rd_cur_u8(&v, &out->dr_reason)) {
        return rd_fail(diag, RD_WHY_SHORT, &v, "x224.dr.fixed");
    }
    return RD_OK;
}

static enum rd_x224_type type_of(uint8_t code)
{
    switch (code & 0xf0u) {
    case RD_X224_CR:
        return RD_X224_CR;
    case RD_X224_CC:
        return RD_X224_CC;
    case RD_X224_DR:
        return RD_X224_DR;
    case RD_X224_DT:
        return RD_X224_DT;
    case RD_X224_ER:
        return RD_X224_ER;
    default:
        return RD_X224_UNKNOWN;
    }
}

/*
 * TPDU (X.224 13.2):
 *   0        LI    length of the header that follows, excluding LI itself
 *   1        code  high nibble is the TPDU kind (CR credit / DT EOT in the low bits)
 *   2..LI    rest of the header
 *   LI+1..   user data (DT only, in class 0)
 */
enum rd_status rd_x224_parse(struct rd_cur tpkt_payload, struct rd_x224_pdu *out,
                             struct rd_diag *diag)
{
    struct rd_cur c = tpkt_payload;
    struct rd_cur at = c;
    struct rd_cur hdr;
    uint8_t nr_eot = 0;
    enum rd_status st;

    memset(out, 0, sizeof *out);
    if (!rd_cur_u8(&c, &out->li)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "x224.li");
    }
    if (!rd_cur_take(&c, out->li, &hdr)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &at, "x224.li");
    }
    if (!rd_cur_u8(&hdr, &out->code)) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "x224.li");
    }
    out->type = type_of(out->code);
    switch (out->type) {
    case RD_X224_CR:
    case RD_X224_CC:
        st = parse_connection(hdr, out->type == RD_X224_CR, out, diag);
        break;
    case RD_X224_DR:
        st = parse_disconnect(hdr, out, diag);
        break;
    case RD_X224_DT:
        /* X.224 13.7.3: class 0 DT header is LI = 2, code, NR/EOT. */
        if (out->li != 2) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "x224.li");
        }
        (void)rd_cur_u8(&hdr, &nr_eot);
        out->eot = (nr_eot & 0x80u) != 0;
        out->user_data = rd_cur_rest(&c);
        return RD_OK;
    case RD_X224_ER:
    case RD_X224_UNKNOWN:
    default:
        return rd_fail(diag, RD_WHY_UNSUPPORTED, &at, "x224.code");
    }
    if (st != RD_OK) {
        return st;
    }
    /* X.224 13.3.4 / 13.4.4 / 13.5.4: no user data in class 0 CR, CC or DR. */
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "x224.user_data");
    }
    return RD_OK;
}

bool rd_x224_is_cr_start(struct rd_cur in)
{
    struct rd_cur c = in;
    uint8_t version;
    uint8_t reserved;
    uint16_t len;
    uint8_t li;
    uint8_t code;

    if (!rd_cur_u8(&c, &version) || !rd_cur_u8(&c, &reserved) || !rd_cur_u16be(&c, &len) ||
        !rd_cur_u8(&c, &li) || !rd_cur_u8(&c, &code)) {
        return false;
    }
    /* LI counts the 6-byte CR fixed part at least, and the TPDU fills the TPKT. */
    return version == RD_TPKT_VERSION && (code & 0xf0u) == RD_X224_CR && li >= 6 &&
           (size_t)li + 1 + RD_TPKT_HEADER_LEN <= len;
}

const char *rd_x224_type_name(enum rd_x224_type type)
{
    switch (type) {
    case RD_X224_CR:
        return "Connection Request";
    case RD_X224_CC:
        return "Connection Confirm";
    case RD_X224_DR:
        return "Disconnect Request";
    case RD_X224_DT:
        return "Data";
    case RD_X224_ER:
        return "TPDU Error";
    case RD_X224_UNKNOWN:
    default:
        return "unknown";
    }
}

const char *rd_x224_failure_name(uint32_t code)
{
    switch (code) {
    case RD_X224_SSL_REQUIRED_BY_SERVER:
        return "SSL_REQUIRED_BY_SERVER";
    case RD_X224_SSL_NOT_ALLOWED_BY_SERVER:
        return "SSL_NOT_ALLOWED_BY_SERVER";
    case RD_X224_SSL_CERT_NOT_ON_SERVER:
        return "SSL_CERT_NOT_ON_SERVER";
    case RD_X224_INCONSISTENT_FLAGS:
        return "INCONSISTENT_FLAGS";
    case RD_X224_HYBRID_REQUIRED_BY_SERVER:
        return "HYBRID_REQUIRED_BY_SERVER";
    case RD_X224_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER:
        return "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER";
    default:
        return "unknown";
    }
}

const char *rd_x224_protocol_name(uint32_t selected)
{
    switch (selected) {
    case RD_X224_PROTOCOL_RDP:
        return "RDP";
    case RD_X224_PROTOCOL_SSL:
        return "SSL";
    case RD_X224_PROTOCOL_HYBRID:
        return "HYBRID";
    case RD_X224_PROTOCOL_RDSTLS:
        return "RDSTLS";
    case RD_X224_PROTOCOL_HYBRID_EX:
        return "HYBRID_EX";
    case RD_X224_PROTOCOL_RDSAAD:
        return "RDSAAD";
    default:
        return "unknown";
    }
}

const char *rd_x224_neg_name(enum rd_x224_neg neg)
{
    switch (neg) {
    case RD_X224_NEG_REQ:
        return "RDP_NEG_REQ";
    case RD_X224_NEG_RSP:
        return "RDP_NEG_RSP";
    case RD_X224_NEG_FAILURE:
        return "RDP_NEG_FAILURE";
    case RD_X224_NEG_NONE:
    default:
        return "none";
    }
}

/* Append s (with a '|' first unless at the start) without overflowing buf. */
static void append(char *buf, size_t size, size_t *used, const char *s)
{
    int n;

    if (*used >= size) {
        return;
    }
    n = snprintf(buf + *used, size - *used, "%s%s", *used > 0 ? "|" : "", s);
    if (n < 0) {
        return;
    }
    *used = (size_t)n >= size - *used ? size : *used + (size_t)n;
}

const char *rd_x224_protocols_str(uint32_t mask, char *buf, size_t size)
{
    static const uint32_t bits[] = {RD_X224_PROTOCOL_SSL, RD_X224_PROTOCOL_HYBRID,
                                    RD_X224_PROTOCOL_RDSTLS, RD_X224_PROTOCOL_HYBRID_EX,
                                    RD_X224_PROTOCOL_RDSAAD};
    uint32_t rest = mask;
    size_t used = 0;
    char hex[16];

    if (size == 0) {
        return buf;
    }
    buf[0] = '\0';
    if (mask == 0) {
        append(buf, size, &used, "RDP");
        return buf;
    }
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        if ((mask & bits[i]) != 0) {
            append(buf, size, &used, rd_x224_protocol_name(bits[i]));
            rest &= ~bits[i];
        }
    }
    if (rest != 0) {
        (void)snprintf(hex, sizeof hex, "0x%x", (unsigned)rest);
        append(buf, size, &used, hex);
    }
    return buf;
}
