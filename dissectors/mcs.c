/*
 * mcs.c - T.125 MCS: BER connect PDUs and ALIGNED PER domain PDUs.
 *
 * References: ITU-T T.125 (02/98) 7 and annex A (ASN.1 of MCS PDUs); ITU-T
 * X.690 (BER) for Connect-Initial/Response; ITU-T X.691 (ALIGNED PER) for the
 * DomainMCSPDU; MS-RDPBCGR 2.2.1.3 (Connect-Initial), 2.2.1.4
 * (Connect-Response), 2.2.1.5-2.2.1.9 (erect domain, attach user, channel
 * join), 2.2.2.3 (disconnect provider ultimatum), 2.2.8.1.1.1 (send data).
 */
#include "config.h"

#include "mcs.h"

#include <string.h>

#include "ber.h"

#define TAG_CONNECT_INITIAL  RD_BER_APP(101)
#define TAG_CONNECT_RESPONSE RD_BER_APP(102)

/*
 * PER length determinant (X.691 10.9.3.5-10.9.3.8, aligned variant):
 *   0xxxxxxx                  length 0..127
 *   10xxxxxx xxxxxxxx         length 0..16383
 *   11xxxxxx                  fragment of 16K units (not used by RDP)
 */
enum rd_status rd_mcs_per_length(struct rd_cur *c, size_t *len, struct rd_diag *diag)
{
    struct rd_cur t = *c;
    uint8_t b0;
    uint8_t b1;

    if (!rd_cur_u8(&t, &b0)) {
        return rd_fail(diag, RD_WHY_SHORT, c, "per.length");
    }
    if ((b0 & 0x80u) == 0) {
        *len = b0;
    } else if ((b0 & 0xc0u) == 0x80u) {
        if (!rd_cur_u8(&t, &b1)) {
            return rd_fail(diag, RD_WHY_SHORT, c, "per.length");
        }
        *len = (size_t)(b0 & 0x3fu) << 8 | b1;
    } else {
        return rd_fail(diag, RD_WHY_UNSUPPORTED, c, "per.length");
    }
    *c = t;
    return RD_OK;
}

enum rd_mcs_kind rd_mcs_kind(struct rd_cur in)
{
    uint8_t b0;
    uint8_t b1;

    if (!rd_cur_peek_at(&in, 0, &b0)) {
        return RD_MCS_KIND_UNKNOWN;
    }
    if (b0 == 0x7f && rd_cur_peek_at(&in, 1, &b1)) {
        if (b1 == 0x65) {
            return RD_MCS_KIND_CONNECT_INITIAL;
        }
        if (b1 == 0x66) {
            return RD_MCS_KIND_CONNECT_RESPONSE;
        }
        return RD_MCS_KIND_UNKNOWN;
    }
    return RD_MCS_KIND_DOMAIN;
}

/*
 * A BER INTEGER read as unsigned.  Windows writes 65535 as 02 02 ff ff (a
 * negative number in two's complement); MCS peers mean it unsigned, so the
 * contents are taken as an unsigned big-endian number of at most 32 bits (a
 * fifth leading 0x00 allowed) and the deviation is flagged.
 */
static enum rd_status ber_uint32(struct rd_cur *c, uint32_t tag, uint32_t *v, bool *non_der,
                                 const char *field, struct rd_diag *diag)
{
    struct rd_ber_elem e;
    uint32_t acc = 0;
    uint8_t b;
    size_t n;
    enum rd_status st = rd_ber_get(c, tag, &e, diag);

    if (st != RD_OK) {
        return st;
    }
    n = e.contents.len;
    if (n == 0 || n > 5) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &e.contents, field);
    }
    if (n == 5) {
        (void)rd_cur_u8(&e.contents, &b);
        if (b != 0) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &e.contents, field);
        }
        *non_der = true;
    }
    for (size_t i = 0; rd_cur_u8(&e.contents, &b); i++) {
        if (i == 0 && (b & 0x80u) != 0) {
            *non_der = true;
        }
        acc = acc << 8 | b;
    }
    *non_der = *non_der || e.non_der;
    *v = acc;
    return RD_OK;
}

/*
 * DomainParameters ::= SEQUENCE { maxChannelIds, maxUserIds, maxTokenIds,
 *   numPriorities, minThroughput, maxHeight, maxMCSPDUsize, protocolVersion }
 * all INTEGER (0..MAX) (T.125 annex A).
 */
static enum rd_status parse_params(struct rd_cur *c, struct rd_mcs_domain_params *p, bool *non_der,
                                   struct rd_diag *diag)
{
    struct rd_ber_elem seq;
    uint32_t *fields[] = {&p->max_channel_ids, &p->max_user_ids,    &p->max_token_ids,
                          &p->num_priorities,  &p->min_throughput,  &p->max_height,
                          &p->max_mcspdu_size, &p->protocol_version};
    enum rd_status st = rd_ber_get(c, RD_BER_SEQUENCE, &seq, diag);

    if (st != RD_OK) {
        return st;
    }
    *non_der = *non_der || seq.non_der;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        st = ber_uint32(&seq.contents, RD_BER_INTEGER, fields[i], non_der, "mcs.domain_parameters",
                        diag);
        if (st != RD_OK) {
            return st;
        }
    }
    if (!rd_cur_is_empty(&seq.contents)) {
        return rd_fail(diag, RD_WHY_TRAILING, &seq.contents, "mcs.domain_parameters");
    }
    return RD_OK;
}

/* Read the [APPLICATION n] wrapper that must fill in exactly. */
static enum rd_status open_app(struct rd_cur in, uint32_t tag, const char *field,
                               struct rd_cur *contents, bool *non_der, struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_ber_elem e;
    enum rd_status st = rd_ber_get(&c, tag, &e, diag);

    if (st != RD_OK) {
        return st;
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, field);
    }
    *contents = e.contents;
    *non_der = e.non_der;
    return RD_OK;
}

/*
 * Connect-Initial ::= [APPLICATION 101] IMPLICIT SEQUENCE {
 *   callingDomainSelector OCTET STRING, calledDomainSelector OCTET STRING,
 *   upwardFlag BOOLEAN, targetParameters, minimumParameters,
 *   maximumParameters DomainParameters, userData OCTET STRING }
 */
enum rd_status rd_mcs_parse_connect_initial(struct rd_cur in, struct rd_mcs_connect_initial *out,
                                            struct rd_diag *diag)
{
    struct rd_cur c;
    struct rd_ber_elem e;
    enum rd_status st;

    memset(out, 0, sizeof *out);
    st = open_app(in, TAG_CONNECT_INITIAL, "mcs.connect_initial", &c, &out->non_der, diag);
    if (st != RD_OK) {
        return st;
    }
    st = rd_ber_get(&c, RD_BER_OCTET_STRING, &e, diag);
    if (st != RD_OK) {
        return st;
    }
    out->calling_domain_selector = rd_cur_rest(&e.contents);
    st = rd_ber_get(&c, RD_BER_OCTET_STRING, &e, diag);
    if (st != RD_OK) {
        return st;
    }
    out->called_domain_selector = rd_cur_rest(&e.contents);
    st = rd_ber_get(&c, RD_BER_BOOLEAN, &e, diag);
    if (st == RD_OK) {
        st = rd_ber_bool(e.contents, &out->upward_flag, diag);
    }
    if (st == RD_OK) {
        st = parse_params(&c, &out->target, &out->non_der, diag);
    }
    if (st == RD_OK) {
        st = parse_params(&c, &out->minimum, &out->non_der, diag);
    }
    if (st == RD_OK) {
        st = parse_params(&c, &out->maximum, &out->non_der, diag);
    }
    if (st == RD_OK) {
        st = rd_ber_get(&c, RD_BER_OCTET_STRING, &e, diag);
    }
    if (st != RD_OK) {
        return st;
    }
    out->user_data = rd_cur_rest(&e.contents);
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "mcs.connect_initial");
    }
    return RD_OK;
}

/*
 * Connect-Response ::= [APPLICATION 102] IMPLICIT SEQUENCE {
 *   result Result (ENUMERATED), calledConnectId INTEGER (0..MAX),
 *   domainParameters DomainParameters, userData OCTET STRING }
 */
enum rd_status rd_mcs_parse_connect_response(struct rd_cur in, struct rd_mcs_connect_response *out,
                                             struct rd_diag *diag)
{
    struct rd_cur c;
    struct rd_ber_elem e;
    enum rd_status st;

    memset(out, 0, sizeof *out);
    st = open_app(in, TAG_CONNECT_RESPONSE, "mcs.connect_response", &c, &out->non_der, diag);
    if (st == RD_OK) {
        st = ber_uint32(&c, RD_BER_ENUMERATED, &out->result, &out->non_der,
                        "mcs.connect_response.result", diag);
    }
    if (st == RD_OK) {
        st = ber_uint32(&c, RD_BER_INTEGER, &out->called_connect_id, &out->non_der,
                        "mcs.connect_response.called_connect_id", diag);
    }
    if (st == RD_OK) {
        st = parse_params(&c, &out->params, &out->non_der, diag);
    }
    if (st == RD_OK) {
        st = rd_ber_get(&c, RD_BER_OCTET_STRING, &e, diag);
    }
    if (st != RD_OK) {
        return st;
    }
    out->user_data = rd_cur_rest(&e.contents);
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "mcs.connect_response");
    }
    return RD_OK;
}

/* INTEGER (0..MAX) in PER: a length byte then that many octets (at most 4). */
static enum rd_status per_uint(struct rd_cur *c, uint32_t *v, const char *field,
                               struct rd_diag *diag)
{
    struct rd_cur at = *c;
    struct rd_cur body;
    uint32_t acc = 0;
    uint8_t b;

    if (!rd_cur_prefixed_u8(c, &body)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, field);
    }
    if (body.len == 0 || body.len > 4) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &at, field);
    }
    while (rd_cur_u8(&body, &b)) {
        acc = acc << 8 | b;
    }
    *v = acc;
    return RD_OK;
}

/* A 16-bit constrained whole number, aligned (UserId adds 1001). */
static enum rd_status per_u16(struct rd_cur *c, uint16_t base, uint16_t *v, const char *field,
                              struct rd_diag *diag)
{
    uint16_t raw;

    if (!rd_cur_u16be(c, &raw)) {
        return rd_fail(diag, RD_WHY_SHORT, c, field);
    }
    if ((uint32_t)raw + base > 0xffffu) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, c, field);
    }
    *v = (uint16_t)(raw + base);
    return RD_OK;
}

/* Result ENUMERATED (16 values, 4 bits): its top bit is the first byte's low
 * bit, the other three the next byte's top bits (the rest of it is padding). */
static enum rd_status per_result(struct rd_cur *c, uint8_t b0, uint8_t *result,
                                 struct rd_diag *diag)
{
    uint8_t b1;

    if (!rd_cur_u8(c, &b1)) {
        return rd_fail(diag, RD_WHY_SHORT, c, "mcs.result");
    }
    *result = (uint8_t)(((b0 & 0x01u) << 3) | (b1 >> 5));
    return RD_OK;
}

/*
 * DomainMCSPDU (T.125 annex A, ALIGNED PER), byte 0 = choice << 2 | bits:
 *   erectDomainRequest (1)   04 | subHeight INTEGER | subInterval INTEGER
 *   disconnectProvider-      20+r>>1, r<<7: reason ENUMERATED (3 bits)
 *     Ultimatum (8)
 *   attachUserRequest (10)   28
 *   attachUserConfirm (11)   2c | initiator-present << 1 | result bit 3;
 *                            result bits 2..0 << 5; [initiator UserId]
 *   channelJoinRequest (14)  38 | initiator UserId | channelId (2)
 *   channelJoinConfirm (15)  3c | channelId-present << 1 | result bit 3;
 *                            result; initiator; requested (2); [channelId (2)]
 *   sendDataRequest (25)     64 | initiator | channelId | priority (2 bits),
 *   sendDataIndication (26)  68   segmentation (2 bits), padding | PER length | data
 */
enum rd_status rd_mcs_parse_domain_pdu(struct rd_cur in, struct rd_mcs_domain_pdu *out,
                                       struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_cur at;
    uint8_t b0;
    uint8_t b1;
    size_t len;
    enum rd_status st = RD_OK;

    memset(out, 0, sizeof *out);
    if (!rd_cur_u8(&c, &b0)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "mcs.domain.choice");
    }
    out->type = (uint8_t)(b0 >> 2);
    switch (out->type) {
    case RD_MCS_ERECT_DOMAIN_REQUEST:
        st = per_uint(&c, &out->sub_height, "mcs.erect_domain.sub_height", diag);
        if (st == RD_OK) {
            st = per_uint(&c, &out->sub_interval, "mcs.erect_domain.sub_interval", diag);
        }
        break;
    case RD_MCS_DISCONNECT_PROVIDER_ULTIMATUM:
        at = c;
        if (!rd_cur_u8(&c, &b1)) {
            return rd_fail(diag, RD_WHY_SHORT, &at, "mcs.dpum.reason");
        }
        out->reason = (uint8_t)(((b0 & 0x03u) << 1) | (b1 >> 7));
        if (out->reason > RD_MCS_RN_CHANNEL_PURGED) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &at, "mcs.dpum.reason");
        }
        break;
    case RD_MCS_ATTACH_USER_REQUEST:
        break;
    case RD_MCS_ATTACH_USER_CONFIRM:
        st = per_result(&c, b0, &out->result, diag);
        if (st == RD_OK && (b0 & 0x02u) != 0) {
            out->has_initiator = true;
            st = per_u16(&c, RD_MCS_USER_ID_BASE, &out->initiator, "mcs.initiator", diag);
        }
        break;
    case RD_MCS_CHANNEL_JOIN_REQUEST:
        out->has_initiator = true;
        out->has_channel_id = true;
        st = per_u16(&c, RD_MCS_USER_ID_BASE, &out->initiator, "mcs.initiator", diag);
        if (st == RD_OK) {
            st = per_u16(&c, 0, &out->channel_id, "mcs.channel_id", diag);
        }
        break;
    case RD_MCS_CHANNEL_JOIN_CONFIRM:
        out->has_initiator = true;
        st = per_result(&c, b0, &out->result, diag);
        if (st == RD_OK) {
            st = per_u16(&c, RD_MCS_USER_ID_BASE, &out->initiator, "mcs.initiator", diag);
        }
        if (st == RD_OK) {
            st = per_u16(&c, 0, &out->requested_channel, "mcs.requested", diag);
        }
        if (st == RD_OK && (b0 & 0x02u) != 0) {
            out->has_channel_id = true;
            st = per_u16(&c, 0, &out->channel_id, "mcs.channel_id", diag);
        }
        break;
    case RD_MCS_SEND_DATA_REQUEST:
    case RD_MCS_SEND_DATA_INDICATION:
        out->has_initiator = true;
        out->has_channel_id = true;
        st = per_u16(&c, RD_MCS_USER_ID_BASE, &out->initiator, "mcs.initiator", diag);
        if (st == RD_OK) {
            st = per_u16(&c, 0, &out->channel_id, "mcs.channel_id", diag);
        }
        if (st != RD_OK) {
            return st;
        }
        if (!rd_cur_u8(&c, &b1)) {
            return rd_fail(diag, RD_WHY_SHORT, &c, "mcs.send_data.priority");
        }
        out->priority = (uint8_t)(b1 >> 6);
        out->segmentation = (uint8_t)((b1 >> 4) & 0x03u);
        at = c;
        st = rd_mcs_per_length(&c, &len, diag);
        if (st != RD_OK) {
            return st;
        }
        if (len > c.len) {
            return rd_fail(diag, RD_WHY_OVERRUN, &at, "mcs.send_data.length");
        }
        out->user_data.p = c.p;
        out->user_data.len = len;
        (void)rd_cur_skip(&c, len);
        break;
    default:
        return rd_fail(diag, RD_WHY_UNSUPPORTED, &in, "mcs.domain.choice");
    }
    if (st != RD_OK) {
        return st;
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "mcs.domain");
    }
    return RD_OK;
}

const char *rd_mcs_domain_type_name(uint8_t type)
{
    switch (type) {
    case RD_MCS_PLUMB_DOMAIN_INDICATION:
        return "plumbDomainIndication";
    case RD_MCS_ERECT_DOMAIN_REQUEST:
        return "erectDomainRequest";
    case RD_MCS_DISCONNECT_PROVIDER_ULTIMATUM:
        return "disconnectProviderUltimatum";
    case RD_MCS_REJECT_MCSPDU_ULTIMATUM:
        return "rejectMCSPDUUltimatum";
    case RD_MCS_ATTACH_USER_REQUEST:
        return "attachUserRequest";
    case RD_MCS_ATTACH_USER_CONFIRM:
        return "attachUserConfirm";
    case RD_MCS_DETACH_USER_REQUEST:
        return "detachUserRequest";
    case RD_MCS_DETACH_USER_INDICATION:
        return "detachUserIndication";
    case RD_MCS_CHANNEL_JOIN_REQUEST:
        return "channelJoinRequest";
    case RD_MCS_CHANNEL_JOIN_CONFIRM:
        return "channelJoinConfirm";
    case RD_MCS_SEND_DATA_REQUEST:
        return "sendDataRequest";
    case RD_MCS_SEND_DATA_INDICATION:
        return "sendDataIndication";
    default:
        return "unknown";
    }
}

const char *rd_mcs_result_name(uint32_t result)
{
    static const char *const names[] = {
        "rt-successful",          "rt-domain-merging",      "rt-domain-not-hierarchical",
        "rt-no-such-channel",     "rt-no-such-domain",      "rt-no-such-user",
        "rt-not-admitted",        "rt-other-user-id",       "rt-parameters-unacceptable",
        "rt-token-not-available", "rt-token-not-possessed", "rt-too-many-channels",
        "rt-too-many-tokens",     "rt-too-many-users",      "rt-unspecified-failure",
        "rt-user-rejected",
    };

    return result < sizeof names / sizeof names[0] ? names[result] : "unknown";
}

const char *rd_mcs_reason_name(uint32_t reason)
{
    static const char *const names[] = {
        "rn-domain-disconnected", "rn-provider-initiated", "rn-token-purged",
        "rn-user-requested",      "rn-channel-purged",
    };

    return reason < sizeof names / sizeof names[0] ? names[reason] : "unknown";
}
