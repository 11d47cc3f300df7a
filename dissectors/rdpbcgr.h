/*
 * rdpbcgr.h - MS-RDPBCGR slow-path PDUs of the connection sequence: security
 * header, Security Exchange, Client Info, licensing (error message), share
 * control/data headers, Set Error Info, Demand Active (MS-RDPBCGR 2.2.1.10,
 * 2.2.1.11, 2.2.1.12, 2.2.1.13.1, 2.2.5.1.1, 2.2.8.1.1.1, 2.2.8.1.1.3).
 *
 * Input is the user data of an MCS Send Data Request/Indication.  Result views
 * point into it and live as long as it.  The Client Info password is never
 * exposed: only its length is.
 */
#ifndef RD_RDPBCGR_H
#define RD_RDPBCGR_H

#include "cursor.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Basic security header flags (MS-RDPBCGR 2.2.8.1.1.2.1). */
#define RD_RDPBCGR_SEC_EXCHANGE_PKT    0x0001u
#define RD_RDPBCGR_SEC_TRANSPORT_REQ   0x0002u
#define RD_RDPBCGR_SEC_TRANSPORT_RSP   0x0004u
#define RD_RDPBCGR_SEC_ENCRYPT         0x0008u
#define RD_RDPBCGR_SEC_RESET_SEQNO     0x0010u
#define RD_RDPBCGR_SEC_IGNORE_SEQNO    0x0020u
#define RD_RDPBCGR_SEC_INFO_PKT        0x0040u
#define RD_RDPBCGR_SEC_LICENSE_PKT     0x0080u
#define RD_RDPBCGR_SEC_LICENSE_ENCRYPT 0x0200u
#define RD_RDPBCGR_SEC_REDIRECTION_PKT 0x0400u
#define RD_RDPBCGR_SEC_SECURE_CHECKSUM 0x0800u
#define RD_RDPBCGR_SEC_AUTODETECT_REQ  0x1000u
#define RD_RDPBCGR_SEC_AUTODETECT_RSP  0x2000u
#define RD_RDPBCGR_SEC_HEARTBEAT       0x4000u
#define RD_RDPBCGR_SEC_FLAGSHI_VALID   0x8000u

/* TS_INFO_PACKET flags used here (MS-RDPBCGR 2.2.1.11.1.1). */
#define RD_RDPBCGR_INFO_UNICODE 0x00000010u

/* Licensing bMsgType (MS-RDPBCGR 2.2.1.12.1.1). */
#define RD_RDPBCGR_LICENSE_REQUEST             0x01u
#define RD_RDPBCGR_PLATFORM_CHALLENGE          0x02u
#define RD_RDPBCGR_NEW_LICENSE                 0x03u
#define RD_RDPBCGR_UPGRADE_LICENSE             0x04u
#define RD_RDPBCGR_LICENSE_INFO                0x12u
#define RD_RDPBCGR_NEW_LICENSE_REQUEST         0x13u
#define RD_RDPBCGR_PLATFORM_CHALLENGE_RESPONSE 0x15u
#define RD_RDPBCGR_ERROR_ALERT                 0xffu

/* License error codes and state transitions (MS-RDPBCGR 2.2.1.12.1.3). */
#define RD_RDPBCGR_STATUS_VALID_CLIENT 0x00000007u

/* Share control pduType (MS-RDPBCGR 2.2.8.1.1.1.1). */
#define RD_RDPBCGR_PDUTYPE_DEMANDACTIVE    0x1u
#define RD_RDPBCGR_PDUTYPE_CONFIRMACTIVE   0x3u
#define RD_RDPBCGR_PDUTYPE_DEACTIVATEALL   0x6u
#define RD_RDPBCGR_PDUTYPE_DATA            0x7u
#define RD_RDPBCGR_PDUTYPE_SERVER_REDIR    0xau
#define RD_RDPBCGR_PDUTYPE2_SET_ERROR_INFO 0x2fu
#define RD_RDPBCGR_FLOW_PDU_MARKER         0x8000u

struct rd_rdpbcgr_sec_header {
    uint16_t flags;
    uint16_t flags_hi;
    struct rd_bytes mac;  /* 8-byte dataSignature when SEC_ENCRYPT (non-FIPS) */
    struct rd_bytes body; /* what follows the header (encrypted when SEC_ENCRYPT) */
};

struct rd_rdpbcgr_security_exchange {
    uint16_t flags;
    uint32_t length;                  /* as sent, includes 8 bytes of padding */
    struct rd_bytes encrypted_random; /* length bytes */
};

struct rd_rdpbcgr_info {
    bool encrypted; /* Client Info PDU only: body left as-is, see sec.body */
    struct rd_rdpbcgr_sec_header sec;
    uint32_t code_page;
    uint32_t flags;
    bool is_unicode;           /* INFO_UNICODE: strings are UTF-16LE */
    struct rd_bytes domain;    /* without the terminator */
    struct rd_bytes user_name; /* without the terminator */
    uint16_t password_len;     /* cbPassword; the bytes are never exposed */
    struct rd_bytes alternate_shell;
    struct rd_bytes working_dir;
    size_t extra_len; /* extraInfo bytes that followed (not parsed) */
};

struct rd_rdpbcgr_license {
    struct rd_rdpbcgr_sec_header sec;
    uint8_t msg_type;
    uint8_t preamble_flags; /* low 4 bits version, 0x80 EXTENDED_ERROR_MSG_SUPPORTED */
    uint16_t msg_size;
    bool has_error; /* ERROR_ALERT parsed */
    uint32_t error_code;
    uint32_t state_transition;
    struct rd_bytes body; /* the message after the preamble */
};

struct rd_rdpbcgr_share {
    uint16_t total_length;
    bool is_flow_pdu; /* totalLength 0x8000: a flow control PDU, nothing else parsed */
    uint8_t pdu_type; /* low 4 bits of pduType */
    uint8_t pdu_version;
    uint16_t pdu_source;
    /* Data PDU (share data header) */
    uint32_t share_id;
    uint8_t stream_id;
    uint8_t pdu_type2;
    uint8_t compressed_type;
    bool has_error_info; /* Set Error Info PDU */
    uint32_t error_info;
    /* Demand Active */
    uint16_t number_capabilities;
    struct rd_bytes body; /* after the share control header */
};

/* Basic security header (+ 8-byte MAC when SEC_ENCRYPT).  FIPS headers are not
 * distinguished: the caller knows the encryption level and must not use this
 * for FIPS (TS_SECURITY_HEADER2). */
enum rd_status rd_rdpbcgr_parse_sec_header(struct rd_cur in, struct rd_rdpbcgr_sec_header *out,
                                           struct rd_diag *diag);
/* Security Exchange PDU (2.2.1.10): SEC_EXCHANGE_PKT required. */
enum rd_status rd_rdpbcgr_parse_security_exchange(struct rd_cur in,
                                                  struct rd_rdpbcgr_security_exchange *out,
                                                  struct rd_diag *diag);
/* Client Info PDU (2.2.1.11): SEC_INFO_PKT required; when SEC_ENCRYPT is set,
 * RD_OK with out->encrypted and nothing else parsed (decrypt sec.body, then
 * call rd_rdpbcgr_parse_info_packet). */
enum rd_status rd_rdpbcgr_parse_client_info(struct rd_cur in, struct rd_rdpbcgr_info *out,
                                            struct rd_diag *diag);
/* TS_INFO_PACKET alone (2.2.1.11.1.1), in the clear. */
enum rd_status rd_rdpbcgr_parse_info_packet(struct rd_cur in, struct rd_rdpbcgr_info *out,
                                            struct rd_diag *diag);
/* A licensing PDU (2.2.1.12): security header with SEC_LICENSE_PKT, preamble,
 * and for ERROR_ALERT the License Error Message. */
enum rd_status rd_rdpbcgr_parse_license(struct rd_cur in, struct rd_rdpbcgr_license *out,
                                        struct rd_diag *diag);
/* A share control PDU (2.2.8.1.1.1.1) in the clear: Demand Active recognised,
 * Data PDUs' share data header read, Set Error Info decoded. */
enum rd_status rd_rdpbcgr_parse_share(struct rd_cur in, struct rd_rdpbcgr_share *out,
                                      struct rd_diag *diag);

/* A string field of TS_INFO_PACKET as ASCII (non-printables '?'); returns length. */
size_t rd_rdpbcgr_info_str(struct rd_bytes s, bool is_unicode, char *buf, size_t size);

/* "ERRINFO_LOGOFF_BY_USER", ...; "unknown" otherwise. */
const char *rd_rdpbcgr_errinfo_name(uint32_t code);
/* "ERR_NO_LICENSE_SERVER", "STATUS_VALID_CLIENT", ...; "unknown" otherwise. */
const char *rd_rdpbcgr_license_error_name(uint32_t code);
/* "ST_TOTAL_ABORT", ...; "unknown" otherwise. */
const char *rd_rdpbcgr_license_state_name(uint32_t state);
/* "LICENSE_REQUEST", ..., "ERROR_ALERT"; "unknown" otherwise. */
const char *rd_rdpbcgr_license_msg_name(uint8_t type);
/* "DEMANDACTIVEPDU", "DATAPDU", ...; "unknown" otherwise. */
const char *rd_rdpbcgr_pdu_type_name(uint8_t type);

#endif
