/*
 * mcs.h - T.125 Multipoint Communication Service PDUs as RDP uses them
 * (ITU-T T.125 7 and annex A; MS-RDPBCGR 2.2.1.3-2.2.1.9, 2.2.2.3).
 *
 * Connect-Initial / Connect-Response are BER ([APPLICATION 101] / [APPLICATION
 * 102]); the DomainMCSPDU family is ALIGNED PER, its CHOICE index in the top 6
 * bits of the first byte.  Input is the user data of one X.224 DT.  Result views
 * point into the input and live as long as it.
 */
#ifndef RD_MCS_H
#define RD_MCS_H

#include "cursor.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* DomainMCSPDU CHOICE indexes (T.125 annex A). */
enum rd_mcs_domain_type {
    RD_MCS_PLUMB_DOMAIN_INDICATION = 0,
    RD_MCS_ERECT_DOMAIN_REQUEST = 1,
    RD_MCS_DISCONNECT_PROVIDER_ULTIMATUM = 8,
    RD_MCS_REJECT_MCSPDU_ULTIMATUM = 9,
    RD_MCS_ATTACH_USER_REQUEST = 10,
    RD_MCS_ATTACH_USER_CONFIRM = 11,
    RD_MCS_DETACH_USER_REQUEST = 12,
    RD_MCS_DETACH_USER_INDICATION = 13,
    RD_MCS_CHANNEL_JOIN_REQUEST = 14,
    RD_MCS_CHANNEL_JOIN_CONFIRM = 15,
    RD_MCS_SEND_DATA_REQUEST = 25,
    RD_MCS_SEND_DATA_INDICATION = 26
};

/* T.125 Reason (DisconnectProviderUltimatum). */
#define RD_MCS_RN_DOMAIN_DISCONNECTED 0u
#define RD_MCS_RN_PROVIDER_INITIATED  1u
#define RD_MCS_RN_TOKEN_PURGED        2u
#define RD_MCS_RN_USER_REQUESTED      3u
#define RD_MCS_RN_CHANNEL_PURGED      4u

/* T.125 Result: 0 rt-successful ... 15 rt-user-rejected. */
#define RD_MCS_RT_SUCCESSFUL 0u

/* UserId ::= DynamicChannelId (1001..65535): PER sends value - 1001. */
#define RD_MCS_USER_ID_BASE 1001u

/* What the first bytes of X.224 user data are. */
enum rd_mcs_kind {
    RD_MCS_KIND_UNKNOWN = 0,
    RD_MCS_KIND_CONNECT_INITIAL,  /* 7f 65 */
    RD_MCS_KIND_CONNECT_RESPONSE, /* 7f 66 */
    RD_MCS_KIND_DOMAIN            /* a PER DomainMCSPDU */
};

/* T.125 DomainParameters, values clamped to 32 bits. */
struct rd_mcs_domain_params {
    uint32_t max_channel_ids;
    uint32_t max_user_ids;
    uint32_t max_token_ids;
    uint32_t num_priorities;
    uint32_t min_throughput;
    uint32_t max_height;
    uint32_t max_mcspdu_size;
    uint32_t protocol_version;
};

struct rd_mcs_connect_initial {
    struct rd_bytes calling_domain_selector;
    struct rd_bytes called_domain_selector;
    bool upward_flag;
    struct rd_mcs_domain_params target;
    struct rd_mcs_domain_params minimum;
    struct rd_mcs_domain_params maximum;
    struct rd_bytes user_data; /* T.124 ConnectData (rd_t124_parse_create_request) */
    bool non_der; /* BER forms DER forbids (non-minimal lengths, 0xffff as 02 02 ff ff) */
};

struct rd_mcs_connect_response {
    uint32_t result; /* T.125 Result, rd_mcs_result_name */
    uint32_t called_connect_id;
    struct rd_mcs_domain_params params;
    struct rd_bytes user_data; /* T.124 ConnectData (rd_t124_parse_create_response) */
    bool non_der;
};

struct rd_mcs_domain_pdu {
    uint8_t type; /* enum rd_mcs_domain_type value, 0..63 */
    /* erectDomainRequest */
    uint32_t sub_height;
    uint32_t sub_interval;
    /* disconnectProviderUltimatum */
    uint8_t reason;
    /* attachUserConfirm, channelJoinConfirm */
    uint8_t result;
    /* attachUserConfirm (optional), channelJoin*, sendData*: the user id (1001 added) */
    bool has_initiator;
    uint16_t initiator;
    /* channelJoinConfirm */
    uint16_t requested_channel;
    /* channelJoinRequest, channelJoinConfirm (optional), sendData* */
    bool has_channel_id;
    uint16_t channel_id;
    /* sendData* */
    uint8_t priority;     /* 0 top .. 3 low */
    uint8_t segmentation; /* bit 1 begin, bit 0 end */
    struct rd_bytes user_data;
};

/*
 * ALIGNED PER length determinant (X.691 10.9): one byte below 0x80, two bytes
 * 10xxxxxx xxxxxxxx up to 16383.  Fragmented lengths (11xxxxxx) are
 * RD_WHY_UNSUPPORTED.  Consumes from *c on RD_OK only.
 */
enum rd_status rd_mcs_per_length(struct rd_cur *c, size_t *len, struct rd_diag *diag);

/* Classify X.224 user data by its first bytes (nothing is validated). */
enum rd_mcs_kind rd_mcs_kind(struct rd_cur in);

/* Connect-Initial ([APPLICATION 101], T.125 annex A; MS-RDPBCGR 2.2.1.3).
 * in must hold exactly the element.  RD_OK or RD_MALFORMED. */
enum rd_status rd_mcs_parse_connect_initial(struct rd_cur in, struct rd_mcs_connect_initial *out,
                                            struct rd_diag *diag);
/* Connect-Response ([APPLICATION 102]; MS-RDPBCGR 2.2.1.4). */
enum rd_status rd_mcs_parse_connect_response(struct rd_cur in, struct rd_mcs_connect_response *out,
                                             struct rd_diag *diag);
/*
 * One DomainMCSPDU.  Parsed: erectDomainRequest, disconnectProviderUltimatum,
 * attachUserRequest/Confirm, channelJoinRequest/Confirm, sendDataRequest/
 * Indication; other choices are RD_MALFORMED/RD_WHY_UNSUPPORTED with out->type
 * set.  in must hold exactly the PDU (trailing bytes are RD_WHY_TRAILING).
 */
enum rd_status rd_mcs_parse_domain_pdu(struct rd_cur in, struct rd_mcs_domain_pdu *out,
                                       struct rd_diag *diag);

/* "erectDomainRequest", "sendDataIndication", ...; "unknown" otherwise. */
const char *rd_mcs_domain_type_name(uint8_t type);
/* "rt-successful" ... "rt-user-rejected"; "unknown" otherwise. */
const char *rd_mcs_result_name(uint32_t result);
/* "rn-domain-disconnected" ... "rn-channel-purged"; "unknown" otherwise. */
const char *rd_mcs_reason_name(uint32_t reason);

#endif
