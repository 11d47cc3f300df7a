/*
 * x224.h - X.224 class 0 TPDUs as RDP uses them, with the RDP negotiation
 * structures (ITU-T X.224 13.3-13.7; MS-RDPBCGR 2.2.1.1, 2.2.1.2, 2.2.2.2).
 *
 * Result views point into the parsed input and live exactly as long as it.
 */
#ifndef RD_X224_H
#define RD_X224_H

#include "cursor.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TPDU kinds, by the high nibble of the TPDU code (X.224 13.1 table 8). */
enum rd_x224_type {
    RD_X224_UNKNOWN = 0,
    RD_X224_CR = 0xe0, /* Connection Request */
    RD_X224_CC = 0xd0, /* Connection Confirm */
    RD_X224_DR = 0x80, /* Disconnect Request */
    RD_X224_DT = 0xf0, /* Data */
    RD_X224_ER = 0x70  /* TPDU Error */
};

/* Which RDP negotiation structure the CR/CC carried (MS-RDPBCGR 2.2.1.1.1, 2.2.1.2.1-2). */
enum rd_x224_neg {
    RD_X224_NEG_NONE = 0,
    RD_X224_NEG_REQ = 0x01,
    RD_X224_NEG_RSP = 0x02,
    RD_X224_NEG_FAILURE = 0x03
};

#define RD_X224_TYPE_CORRELATION_INFO 0x06u
#define RD_X224_NEG_LEN               8u
#define RD_X224_CORRELATION_INFO_LEN  36u
#define RD_X224_CORRELATION_ID_LEN    16u

/* RDP_NEG_REQ.flags (MS-RDPBCGR 2.2.1.1.1). */
#define RD_X224_RESTRICTED_ADMIN_MODE_REQUIRED          0x01u
#define RD_X224_REDIRECTED_AUTHENTICATION_MODE_REQUIRED 0x02u
#define RD_X224_CORRELATION_INFO_PRESENT                0x08u

/* RDP_NEG_RSP.flags (MS-RDPBCGR 2.2.1.2.1). */
#define RD_X224_EXTENDED_CLIENT_DATA_SUPPORTED           0x01u
#define RD_X224_DYNVC_GFX_PROTOCOL_SUPPORTED             0x02u
#define RD_X224_NEGRSP_FLAG_RESERVED                     0x04u
#define RD_X224_RESTRICTED_ADMIN_MODE_SUPPORTED          0x08u
#define RD_X224_REDIRECTED_AUTHENTICATION_MODE_SUPPORTED 0x10u

/* requestedProtocols / selectedProtocol (MS-RDPBCGR 2.2.1.1.1). */
#define RD_X224_PROTOCOL_RDP       0x00u
#define RD_X224_PROTOCOL_SSL       0x01u
#define RD_X224_PROTOCOL_HYBRID    0x02u
#define RD_X224_PROTOCOL_RDSTLS    0x04u
#define RD_X224_PROTOCOL_HYBRID_EX 0x08u
#define RD_X224_PROTOCOL_RDSAAD    0x10u

/* RDP_NEG_FAILURE.failureCode (MS-RDPBCGR 2.2.1.2.2). */
#define RD_X224_SSL_REQUIRED_BY_SERVER                1u
#define RD_X224_SSL_NOT_ALLOWED_BY_SERVER             2u
#define RD_X224_SSL_CERT_NOT_ON_SERVER                3u
#define RD_X224_INCONSISTENT_FLAGS                    4u
#define RD_X224_HYBRID_REQUIRED_BY_SERVER             5u
#define RD_X224_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER 6u

struct rd_x224_pdu {
    enum rd_x224_type type; /* set as soon as the TPDU code is read */
    uint8_t code;           /* the raw TPDU code octet */
    uint8_t li;             /* length indicator */

    /* CR, CC, DR fixed part */
    uint16_t dst_ref;
    uint16_t src_ref;
    uint8_t class_option; /* CR/CC only */
    uint8_t dr_reason;    /* DR only (X.224 13.5.3 e) */

    /* CR variable part (MS-RDPBCGR 2.2.1.1) */
    bool has_cookie;
    struct rd_bytes cookie; /* NAME of "Cookie: mstshash=NAME\r\n" */
    bool has_routing_token;
    struct rd_bytes routing_token; /* the whole token line without its CR LF */

    /* RDP_NEG_REQ / RDP_NEG_RSP / RDP_NEG_FAILURE */
    enum rd_x224_neg neg;
    uint8_t neg_flags;
    uint32_t requested_protocols; /* NEG_REQ; unknown bits kept */
    uint32_t selected_protocol;   /* NEG_RSP */
    uint32_t failure_code;        /* NEG_FAILURE */

    /* RDP_CORRELATION_INFO (MS-RDPBCGR 2.2.1.1.2) */
    bool has_correlation_id;
    struct rd_bytes correlation_id; /* 16 bytes */

    /* DT (X.224 13.7): end-of-TSDU mark and the user data after the header */
    bool eot;
    struct rd_bytes user_data;
};

/*
 * Parse one X.224 TPDU: the payload of one TPKT (rd_tpkt_parse).  Fills *out
 * (zeroed first; out->type is set as soon as the TPDU code has been read, so a
 * caller learns a malformed body was, e.g., a Connection Request).  RD_OK or
 * RD_MALFORMED; a negotiation structure whose length field is not 8 is
 * RD_MALFORMED with diag.field "x224.*.neg.length".  TPDU kinds RDP does not
 * use (ER, AK, ...) are RD_MALFORMED/RD_WHY_UNSUPPORTED with the type filled.
 */
enum rd_status rd_x224_parse(struct rd_cur tpkt_payload, struct rd_x224_pdu *out,
                             struct rd_diag *diag);

/*
 * Whether the bytes start like a TPKT carrying an X.224 Connection Request
 * (03 00 len len, LI, 0xE0 with a length consistent with the LI).  Needs 6
 * bytes; fewer is false.  Used to recognise RDP on any port.
 */
bool rd_x224_is_cr_start(struct rd_cur in);

/* "Connection Request", "Connection Confirm", ...; "unknown" otherwise. */
const char *rd_x224_type_name(enum rd_x224_type type);
/* RDP_NEG_FAILURE code name ("HYBRID_REQUIRED_BY_SERVER"); "unknown" otherwise. */
const char *rd_x224_failure_name(uint32_t code);
/* A selectedProtocol value: 0 is "RDP" (standard RDP security), then "SSL",
 * "HYBRID", "RDSTLS", "HYBRID_EX", "RDSAAD"; "unknown" otherwise. */
const char *rd_x224_protocol_name(uint32_t selected);
/* "RDP_NEG_REQ", "RDP_NEG_RSP", "RDP_NEG_FAILURE" or "none". */
const char *rd_x224_neg_name(enum rd_x224_neg neg);
/*
 * A requestedProtocols mask as "SSL|HYBRID" (0 is "RDP"; unknown bits as one
 * trailing hexadecimal term, "SSL|0x40") into buf, always NUL-terminated when
 * size > 0 (truncated if too small).  Returns buf.
 */
const char *rd_x224_protocols_str(uint32_t mask, char *buf, size_t size);

#endif
