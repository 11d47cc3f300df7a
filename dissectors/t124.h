/*
 * t124.h - T.124 GCC Conference Create Request/Response as RDP uses them, and
 * the client/server data blocks they carry (ITU-T T.124 8.7 and annex A;
 * MS-RDPBCGR 2.2.1.3.1-2.2.1.3.5, 2.2.1.4.1-2.2.1.4.4).
 *
 * Input is the userData OCTET STRING of an MCS Connect-Initial/-Response
 * (struct rd_mcs_connect_initial.user_data).  Result views point into it and
 * live as long as it.  Lists are fixed arrays with a count and a dropped
 * counter.
 */
#ifndef RD_T124_H
#define RD_T124_H

#include "cursor.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* User data block types (MS-RDPBCGR 2.2.1.3.1 TS_UD_HEADER). */
#define RD_T124_CS_CORE           0xc001u
#define RD_T124_CS_SECURITY       0xc002u
#define RD_T124_CS_NET            0xc003u
#define RD_T124_CS_CLUSTER        0xc004u
#define RD_T124_CS_MONITOR        0xc005u
#define RD_T124_CS_MCS_MSGCHANNEL 0xc006u
#define RD_T124_CS_MONITOR_EX     0xc008u
#define RD_T124_CS_MULTITRANSPORT 0xc00au
#define RD_T124_SC_CORE           0x0c01u
#define RD_T124_SC_SECURITY       0x0c02u
#define RD_T124_SC_NET            0x0c03u
#define RD_T124_SC_MCS_MSGCHANNEL 0x0c04u
#define RD_T124_SC_MULTITRANSPORT 0x0c08u

/* CHANNEL_MAX_COUNT (MS-RDPBCGR 2.2.1.3.4). */
#define RD_T124_MAX_CHANNELS 31
#define RD_T124_MAX_CERTS    8
#define RD_T124_MAX_SKIPPED  16

/* encryptionMethod(s) (MS-RDPBCGR 2.2.1.3.3). */
#define RD_T124_ENCRYPTION_METHOD_NONE   0x00u
#define RD_T124_ENCRYPTION_METHOD_40BIT  0x01u
#define RD_T124_ENCRYPTION_METHOD_128BIT 0x02u
#define RD_T124_ENCRYPTION_METHOD_56BIT  0x08u
#define RD_T124_ENCRYPTION_METHOD_FIPS   0x10u

/* encryptionLevel (MS-RDPBCGR 2.2.1.4.3). */
#define RD_T124_ENCRYPTION_LEVEL_NONE              0u
#define RD_T124_ENCRYPTION_LEVEL_LOW               1u
#define RD_T124_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE 2u
#define RD_T124_ENCRYPTION_LEVEL_HIGH              3u
#define RD_T124_ENCRYPTION_LEVEL_FIPS              4u

/* Server certificate dwVersion (MS-RDPBCGR 2.2.1.4.3.1). */
#define RD_T124_CERT_CHAIN_VERSION_1 1u /* proprietary */
#define RD_T124_CERT_CHAIN_VERSION_2 2u /* X.509 chain */

/* Block types seen but not parsed (unknown ones included), in order. */
struct rd_t124_skipped {
    uint16_t types[RD_T124_MAX_SKIPPED];
    size_t count;
    size_t dropped;
};

/* TS_UD_CS_CORE (MS-RDPBCGR 2.2.1.3.2). */
struct rd_t124_cs_core {
    uint32_t version;
    uint16_t desktop_width;
    uint16_t desktop_height;
    uint16_t color_depth;
    uint32_t keyboard_layout;
    uint32_t client_build;
    struct rd_bytes client_name; /* 32 bytes UTF-16LE, NUL padded (rd_t124_utf16_to_ascii) */
    uint32_t keyboard_type;
    uint32_t keyboard_sub_type;
    uint32_t keyboard_function_key;
    /* optional tail, in wire order; each present only when all before it are */
    size_t optional_fields; /* how many optional fields were present (0..15) */
    uint16_t post_beta2_color_depth;
    uint16_t client_product_id;
    uint32_t serial_number;
    uint16_t high_color_depth;
    uint16_t supported_color_depths;
    bool has_early_capability_flags;
    uint16_t early_capability_flags;
    struct rd_bytes client_dig_product_id; /* 64 bytes when present */
    bool has_connection_type;
    uint8_t connection_type;
    bool has_server_selected_protocol;
    uint32_t server_selected_protocol;
    size_t partial; /* bytes of a last optional field cut short (tolerated, recorded) */
};

struct rd_t124_channel {
    struct rd_bytes name; /* up to the first NUL of the 8-byte field */
    uint32_t options;
};

struct rd_t124_client_data {
    struct rd_bytes h221_key; /* "Duca" */
    size_t connect_pdu_len;   /* the PER length as sent (Windows servers lie; see .c) */
    bool has_core;
    struct rd_t124_cs_core core;
    bool has_security;
    uint32_t encryption_methods;
    uint32_t ext_encryption_methods;
    bool has_net;
    uint32_t channel_count; /* as sent */
    struct rd_t124_channel channels[RD_T124_MAX_CHANNELS];
    size_t channels_parsed;
    size_t channels_dropped;
    bool has_cluster;
    uint32_t cluster_flags;
    uint32_t redirected_session_id;
    struct rd_t124_skipped skipped;
};

struct rd_t124_server_data {
    struct rd_bytes h221_key; /* "McDn" */
    size_t connect_pdu_len;
    uint16_t node_id;
    uint8_t result; /* T.124 ConferenceCreateResponse result, 0 = success */
    bool has_core;
    uint32_t version;
    bool has_client_requested_protocols;
    uint32_t client_requested_protocols;
    bool has_early_capability_flags;
    uint32_t early_capability_flags;
    bool has_security;
    uint32_t encryption_method;
    uint32_t encryption_level;
    struct rd_bytes server_random;
    struct rd_bytes server_certificate; /* the whole certificate structure */
    uint32_t cert_chain_version;        /* dwVersion & 0x7fffffff: 1 or 2 */
    bool cert_temporary;                /* dwVersion top bit */
    uint32_t proprietary_key_bits;      /* proprietary: RSA bitlen */
    uint32_t proprietary_exponent;
    uint32_t x509_cert_count;                      /* NumCertBlobs as sent */
    struct rd_bytes x509_certs[RD_T124_MAX_CERTS]; /* DER, in wire order */
    size_t x509_certs_parsed;
    size_t x509_certs_dropped;
    bool has_net;
    uint16_t mcs_channel_id;
    uint16_t channel_count;
    uint16_t channel_ids[RD_T124_MAX_CHANNELS];
    size_t channel_ids_parsed;
    size_t channel_ids_dropped;
    struct rd_t124_skipped skipped;
};

/*
 * Conference Create Request (client): the ConnectData/ConnectGCCPDU wrapping
 * (MS-RDPBCGR 2.2.1.3.1 layout), then the client data blocks.  RD_OK or
 * RD_MALFORMED; options outside that layout are RD_WHY_UNSUPPORTED.
 */
enum rd_status rd_t124_parse_create_request(struct rd_cur in, struct rd_t124_client_data *out,
                                            struct rd_diag *diag);
/* Conference Create Response (server, MS-RDPBCGR 2.2.1.4.1), then server data blocks. */
enum rd_status rd_t124_parse_create_response(struct rd_cur in, struct rd_t124_server_data *out,
                                             struct rd_diag *diag);
/* The data blocks alone (the whole view must be blocks). */
enum rd_status rd_t124_parse_client_blocks(struct rd_cur in, struct rd_t124_client_data *out,
                                           struct rd_diag *diag);
enum rd_status rd_t124_parse_server_blocks(struct rd_cur in, struct rd_t124_server_data *out,
                                           struct rd_diag *diag);

/*
 * UTF-16LE to ASCII into buf (always NUL-terminated when size > 0), stopping at
 * the first NUL code unit or the end of s; code units outside printable ASCII
 * become '?', an odd trailing byte is ignored.  Returns the characters written.
 */
size_t rd_t124_utf16_to_ascii(struct rd_bytes s, char *buf, size_t size);

/* "CS_CORE", "SC_SECURITY", ...; "unknown" otherwise. */
const char *rd_t124_block_type_name(uint16_t type);
/* "NONE", "LOW", "CLIENT_COMPATIBLE", "HIGH", "FIPS"; "unknown" otherwise. */
const char *rd_t124_encryption_level_name(uint32_t level);
/* A single method: "NONE", "40BIT", "128BIT", "56BIT", "FIPS"; "unknown" otherwise. */
const char *rd_t124_encryption_method_name(uint32_t method);

#endif
