/*
 * rdpbcgr.c - MS-RDPBCGR slow-path PDUs of the connection sequence.
 *
 * References: MS-RDPBCGR 2.2.8.1.1.2.1 (basic security header), 2.2.8.1.1.2.2
 * (TS_SECURITY_HEADER1), 2.2.1.10 (Security Exchange), 2.2.1.11.1.1
 * (TS_INFO_PACKET), 2.2.1.12 (licensing), 2.2.1.12.1.1 (LICENSE_PREAMBLE),
 * 2.2.1.12.1.3 (LICENSE_ERROR_MESSAGE), 2.2.1.13.1 (Demand Active),
 * 2.2.8.1.1.1.1 (share control header), 2.2.8.1.1.1.2 (share data header),
 * 2.2.5.1.1 (Set Error Info PDU and its error codes).
 */
#include "config.h"

#include "rdpbcgr.h"

#include <string.h>

#include "t124.h"

/*
 * Basic security header: flags u16le, flagsHi u16le; with SEC_ENCRYPT a
 * TS_SECURITY_HEADER1 adds dataSignature (8 bytes).
 */
enum rd_status rd_rdpbcgr_parse_sec_header(struct rd_cur in, struct rd_rdpbcgr_sec_header *out,
                                           struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_cur mac;

    memset(out, 0, sizeof *out);
    if (!rd_cur_u16le(&c, &out->flags) || !rd_cur_u16le(&c, &out->flags_hi)) {
        return rd_fail(diag, RD_WHY_SHORT, &in, "rdp.sec.flags");
    }
    if ((out->flags & RD_RDPBCGR_SEC_ENCRYPT) != 0) {
        if (!rd_cur_take(&c, 8, &mac)) {
            return rd_fail(diag, RD_WHY_SHORT, &c, "rdp.sec.mac");
        }
        out->mac = rd_cur_rest(&mac);
    }
    out->body = rd_cur_rest(&c);
    return RD_OK;
}

/* Security Exchange PDU (2.2.1.10.1): basic header, length u32le,
 * encryptedClientRandom (length bytes). */
enum rd_status rd_rdpbcgr_parse_security_exchange(struct rd_cur in,
                                                  struct rd_rdpbcgr_security_exchange *out,
                                                  struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_cur at;
    struct rd_cur rnd;
    uint16_t hi;

    memset(out, 0, sizeof *out);
    if (!rd_cur_u16le(&c, &out->flags) || !rd_cur_u16le(&c, &hi)) {
        return rd_fail(diag, RD_WHY_SHORT, &in, "rdp.sec_exchange.flags");
    }
    if ((out->flags & RD_RDPBCGR_SEC_EXCHANGE_PKT) == 0) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &in, "rdp.sec_exchange.flags");
    }
    at = c;
    if (!rd_cur_u32le(&c, &out->length)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "rdp.sec_exchange.length");
    }
    if (!rd_cur_take(&c, out->length, &rnd)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &at, "rdp.sec_exchange.length");
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "rdp.sec_exchange");
    }
    out->encrypted_random = rd_cur_rest(&rnd);
    return RD_OK;
}

/* One string of TS_INFO_PACKET: cb bytes, then a terminator (2 bytes in
 * Unicode, 1 in ANSI) that cb does not count. */
static bool info_string(struct rd_cur *c, uint16_t cb, bool unicode, struct rd_bytes *out)
{
    struct rd_cur t = *c;
    struct rd_cur s;

    if (!rd_cur_take(&t, cb, &s) || !rd_cur_skip(&t, unicode ? 2 : 1)) {
        return false;
    }
    *c = t;
    if (out != NULL) {
        *out = rd_cur_rest(&s);
    }
    return true;
}

/*
 * TS_INFO_PACKET (2.2.1.11.1.1):
 *   CodePage u32, flags u32, cbDomain u16, cbUserName u16, cbPassword u16,
 *   cbAlternateShell u16, cbWorkingDir u16, Domain, UserName, Password,
 *   AlternateShell, WorkingDir (each + terminator), extraInfo (optional).
 */
enum rd_status rd_rdpbcgr_parse_info_packet(struct rd_cur in, struct rd_rdpbcgr_info *out,
                                            struct rd_diag *diag)
{
    struct rd_cur c = in;
    uint16_t cb_domain;
    uint16_t cb_user;
    uint16_t cb_shell;
    uint16_t cb_dir;
    bool u;

    if (!rd_cur_u32le(&c, &out->code_page) || !rd_cur_u32le(&c, &out->flags) ||
        !rd_cur_u16le(&c, &cb_domain) || !rd_cur_u16le(&c, &cb_user) ||
        !rd_cur_u16le(&c, &out->password_len) || !rd_cur_u16le(&c, &cb_shell) ||
        !rd_cur_u16le(&c, &cb_dir)) {
        return rd_fail(diag, RD_WHY_SHORT, &in, "rdp.info.header");
    }
    u = (out->flags & RD_RDPBCGR_INFO_UNICODE) != 0;
    out->is_unicode = u;
    if (!info_string(&c, cb_domain, u, &out->domain)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "rdp.info.domain");
    }
    if (!info_string(&c, cb_user, u, &out->user_name)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "rdp.info.user_name");
    }
    if (!info_string(&c, out->password_len, u, NULL)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "rdp.info.password");
    }
    if (!info_string(&c, cb_shell, u, &out->alternate_shell)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "rdp.info.alternate_shell");
    }
    if (!info_string(&c, cb_dir, u, &out->working_dir)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &c, "rdp.info.working_dir");
    }
    /* extraInfo (TS_EXTENDED_INFO_PACKET) is optional and not parsed. */
    out->extra_len = c.len;
    return RD_OK;
}

enum rd_status rd_rdpbcgr_parse_client_info(struct rd_cur in, struct rd_rdpbcgr_info *out,
                                            struct rd_diag *diag)
{
    struct rd_cur body;
    enum rd_status st;

    memset(out, 0, sizeof *out);
    st = rd_rdpbcgr_parse_sec_header(in, &out->sec, diag);
    if (st != RD_OK) {
        return st;
    }
    if ((out->sec.flags & RD_RDPBCGR_SEC_INFO_PKT) == 0) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &in, "rdp.sec.flags");
    }
    if ((out->sec.flags & RD_RDPBCGR_SEC_ENCRYPT) != 0) {
        out->encrypted = true;
        return RD_OK;
    }
    rd_cur_init(&body, out->sec.body.p, out->sec.body.len);
    body.off = in.off + (in.len - out->sec.body.len);
    return rd_rdpbcgr_parse_info_packet(body, out, diag);
}

/*
 * Licensing PDU: basic security header (SEC_LICENSE_PKT), LICENSE_PREAMBLE
 * (bMsgType u8, flags u8, wMsgSize u16le including the preamble), message.
 * LICENSE_ERROR_MESSAGE: dwErrorCode u32, dwStateTransition u32, bbErrorInfo
 * (wBlobType u16, wBlobLen u16, blob).
 */
enum rd_status rd_rdpbcgr_parse_license(struct rd_cur in, struct rd_rdpbcgr_license *out,
                                        struct rd_diag *diag)
{
    struct rd_cur c;
    struct rd_cur at;
    struct rd_cur msg;
    struct rd_cur blob;
    uint16_t blob_type;
    uint16_t blob_len;
    enum rd_status st;

    memset(out, 0, sizeof *out);
    st = rd_rdpbcgr_parse_sec_header(in, &out->sec, diag);
    if (st != RD_OK) {
        return st;
    }
    if ((out->sec.flags & RD_RDPBCGR_SEC_LICENSE_PKT) == 0) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &in, "rdp.sec.flags");
    }
    c = in;
    (void)rd_cur_skip(&c, in.len - out->sec.body.len);
    at = c;
    if (!rd_cur_u8(&c, &out->msg_type) || !rd_cur_u8(&c, &out->preamble_flags) ||
        !rd_cur_u16le(&c, &out->msg_size)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "rdp.license.preamble");
    }
    if (out->msg_size < 4 || (size_t)out->msg_size - 4 > c.len) {
        return rd_fail(diag, out->msg_size < 4 ? RD_WHY_BAD_VALUE : RD_WHY_OVERRUN, &at,
                       "rdp.license.msg_size");
    }
    if ((size_t)out->msg_size - 4 < c.len) {
        return rd_fail(diag, RD_WHY_TRAILING, &at, "rdp.license.msg_size");
    }
    msg = c;
    out->body = rd_cur_rest(&msg);
    if (out->msg_type != RD_RDPBCGR_ERROR_ALERT) {
        return RD_OK;
    }
    at = msg;
    if (!rd_cur_u32le(&msg, &out->error_code) || !rd_cur_u32le(&msg, &out->state_transition) ||
        !rd_cur_u16le(&msg, &blob_type) || !rd_cur_u16le(&msg, &blob_len)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "rdp.license.error");
    }
    if (!rd_cur_take(&msg, blob_len, &blob)) {
        return rd_fail(diag, RD_WHY_OVERRUN, &msg, "rdp.license.error.blob_len");
    }
    if (!rd_cur_is_empty(&msg)) {
        return rd_fail(diag, RD_WHY_TRAILING, &msg, "rdp.license.error");
    }
    out->has_error = true;
    return RD_OK;
}

/*
 * Share control header: totalLength u16le (0x8000: flow PDU), pduType u16le
 * (type low 4 bits, version high 12), pduSource u16le.
 * Share data header after it: shareId u32, pad1 u8, streamId u8,
 * uncompressedLength u16, pduType2 u8, generalCompressedType u8,
 * generalCompressedLength u16.  Set Error Info: errorInfo u32.
 * Demand Active: shareId u32, lengthSourceDescriptor u16,
 * lengthCombinedCapabilities u16, sourceDescriptor, numberCapabilities u16, ...
 */
enum rd_status rd_rdpbcgr_parse_share(struct rd_cur in, struct rd_rdpbcgr_share *out,
                                      struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_cur at;
    uint16_t type;
    uint8_t pad;
    uint16_t u16;
    uint16_t src_len;
    uint16_t caps_len;

    memset(out, 0, sizeof *out);
    if (!rd_cur_u16le(&c, &out->total_length)) {
        return rd_fail(diag, RD_WHY_SHORT, &in, "rdp.share.total_length");
    }
    if (out->total_length == RD_RDPBCGR_FLOW_PDU_MARKER) {
        out->is_flow_pdu = true;
        return RD_OK;
    }
    if (out->total_length > in.len) {
        return rd_fail(diag, RD_WHY_OVERRUN, &in, "rdp.share.total_length");
    }
    if (out->total_length < in.len) {
        return rd_fail(diag, RD_WHY_TRAILING, &in, "rdp.share.total_length");
    }
    if (!rd_cur_u16le(&c, &type) || !rd_cur_u16le(&c, &out->pdu_source)) {
        return rd_fail(diag, RD_WHY_SHORT, &c, "rdp.share.pdu_type");
    }
    out->pdu_type = (uint8_t)(type & 0x0fu);
    out->pdu_version = (uint8_t)((type >> 4) & 0xffu);
    out->body = rd_cur_rest(&c);
    at = c;
    if (out->pdu_type == RD_RDPBCGR_PDUTYPE_DEMANDACTIVE) {
        if (!rd_cur_u32le(&c, &out->share_id) || !rd_cur_u16le(&c, &src_len) ||
            !rd_cur_u16le(&c, &caps_len) || !rd_cur_skip(&c, src_len) ||
            !rd_cur_u16le(&c, &out->number_capabilities)) {
            return rd_fail(diag, RD_WHY_SHORT, &at, "rdp.demand_active");
        }
        return RD_OK;
    }
    if (out->pdu_type != RD_RDPBCGR_PDUTYPE_DATA) {
        return RD_OK;
    }
    if (!rd_cur_u32le(&c, &out->share_id) || !rd_cur_u8(&c, &pad) ||
        !rd_cur_u8(&c, &out->stream_id) || !rd_cur_u16le(&c, &u16) ||
        !rd_cur_u8(&c, &out->pdu_type2) || !rd_cur_u8(&c, &out->compressed_type) ||
        !rd_cur_u16le(&c, &u16)) {
        return rd_fail(diag, RD_WHY_SHORT, &at, "rdp.share_data");
    }
    /* Compressed payloads (PACKET_COMPRESSED 0x20) are not decoded. */
    if (out->pdu_type2 == RD_RDPBCGR_PDUTYPE2_SET_ERROR_INFO &&
        (out->compressed_type & 0x20u) == 0) {
        at = c;
        if (!rd_cur_u32le(&c, &out->error_info)) {
            return rd_fail(diag, RD_WHY_SHORT, &at, "rdp.set_error_info");
        }
        if (!rd_cur_is_empty(&c)) {
            return rd_fail(diag, RD_WHY_TRAILING, &c, "rdp.set_error_info");
        }
        out->has_error_info = true;
    }
    return RD_OK;
}

size_t rd_rdpbcgr_info_str(struct rd_bytes s, bool is_unicode, char *buf, size_t size)
{
    struct rd_cur c;
    uint8_t b;
    size_t n = 0;

    if (is_unicode) {
        return rd_t124_utf16_to_ascii(s, buf, size);
    }
    if (size == 0) {
        return 0;
    }
    rd_cur_init(&c, s.p, s.len);
    while (n + 1 < size && rd_cur_u8(&c, &b) && b != 0) {
        buf[n++] = (b >= 0x20 && b < 0x7f) ? (char)b : '?';
    }
    buf[n] = '\0';
    return n;
}

struct code_name {
    uint32_t code;
    const char *name;
};

/* MS-RDPBCGR 2.2.5.1.1 errorInfo values. */
static const struct code_name ERRINFO[] = {
    {0x00000001, "ERRINFO_RPC_INITIATED_DISCONNECT"},
    {0x00000002, "ERRINFO_RPC_INITIATED_LOGOFF"},
    {0x00000003, "ERRINFO_IDLE_TIMEOUT"},
    {0x00000004, "ERRINFO_LOGON_TIMEOUT"},
    {0x00000005, "ERRINFO_DISCONNECTED_BY_OTHERCONNECTION"},
    {0x00000006, "ERRINFO_OUT_OF_MEMORY"},
    {0x00000007, "ERRINFO_SERVER_DENIED_CONNECTION"},
    {0x00000009, "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES"},
    {0x0000000a, "ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED"},
    {0x0000000b, "ERRINFO_RPC_INITIATED_DISCONNECT_BYUSER"},
    {0x0000000c, "ERRINFO_LOGOFF_BY_USER"},
    {0x0000000f, "ERRINFO_CLOSE_STACK_ON_DRIVER_NOT_READY"},
    {0x00000010, "ERRINFO_SERVER_DWM_CRASH"},
    {0x00000011, "ERRINFO_CLOSE_STACK_ON_DRIVER_FAILURE"},
    {0x00000012, "ERRINFO_CLOSE_STACK_ON_DRIVER_IFACE_FAILURE"},
    {0x00000017, "ERRINFO_SERVER_WINLOGON_CRASH"},
    {0x00000018, "ERRINFO_SERVER_CSRSS_CRASH"},
    {0x00000019, "ERRINFO_SERVER_SHUTDOWN"},
    {0x0000001a, "ERRINFO_SERVER_REBOOT"},
    {0x00000100, "ERRINFO_LICENSE_INTERNAL"},
    {0x00000101, "ERRINFO_LICENSE_NO_LICENSE_SERVER"},
    {0x00000102, "ERRINFO_LICENSE_NO_LICENSE"},
    {0x00000103, "ERRINFO_LICENSE_BAD_CLIENT_MSG"},
    {0x00000104, "ERRINFO_LICENSE_HWID_DOESNT_MATCH_LICENSE"},
    {0x00000105, "ERRINFO_LICENSE_BAD_CLIENT_LICENSE"},
    {0x00000106, "ERRINFO_LICENSE_CANT_FINISH_PROTOCOL"},
    {0x00000107, "ERRINFO_LICENSE_CLIENT_ENDED_PROTOCOL"},
    {0x00000108, "ERRINFO_LICENSE_BAD_CLIENT_ENCRYPTION"},
    {0x00000109, "ERRINFO_LICENSE_CANT_UPGRADE_LICENSE"},
    {0x0000010a, "ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS"},
    {0x00000400, "ERRINFO_CB_DESTINATION_NOT_FOUND"},
    {0x00000402, "ERRINFO_CB_LOADING_DESTINATION"},
    {0x00000404, "ERRINFO_CB_REDIRECTING_TO_DESTINATION"},
    {0x00000405, "ERRINFO_CB_SESSION_ONLINE_VM_WAKE"},
    {0x00000406, "ERRINFO_CB_SESSION_ONLINE_VM_BOOT"},
    {0x00000407, "ERRINFO_CB_SESSION_ONLINE_VM_NO_DNS"},
    {0x00000408, "ERRINFO_CB_DESTINATION_POOL_NOT_FREE"},
    {0x00000409, "ERRINFO_CB_CONNECTION_CANCELLED"},
    {0x00000410, "ERRINFO_CB_CONNECTION_ERROR_INVALID_SETTINGS"},
    {0x00000411, "ERRINFO_CB_SESSION_ONLINE_VM_BOOT_TIMEOUT"},
    {0x00000412, "ERRINFO_CB_SESSION_ONLINE_VM_SESSMON_FAILED"},
    {0x000010c9, "ERRINFO_UNKNOWNPDUTYPE2"},
    {0x000010ca, "ERRINFO_UNKNOWNPDUTYPE"},
    {0x000010cb, "ERRINFO_DATAPDUSEQUENCE"},
    {0x000010cd, "ERRINFO_CONTROLPDUSEQUENCE"},
    {0x000010ce, "ERRINFO_INVALIDCONTROLPDUACTION"},
    {0x000010cf, "ERRINFO_INVALIDINPUTPDUTYPE"},
    {0x000010d0, "ERRINFO_INVALIDINPUTPDUMOUSE"},
    {0x000010d1, "ERRINFO_INVALIDREFRESHRECTPDU"},
    {0x000010d2, "ERRINFO_CREATEUSERDATAFAILED"},
    {0x000010d3, "ERRINFO_CONNECTFAILED"},
    {0x000010d4, "ERRINFO_CONFIRMACTIVEWRONGSHAREID"},
    {0x000010d5, "ERRINFO_CONFIRMACTIVEWRONGORIGINATOR"},
    {0x000010da, "ERRINFO_PERSISTENTKEYPDUBADLENGTH"},
    {0x000010db, "ERRINFO_PERSISTENTKEYPDUILLEGALFIRST"},
    {0x000010dc, "ERRINFO_PERSISTENTKEYPDUTOOMANYTOTALKEYS"},
    {0x000010dd, "ERRINFO_PERSISTENTKEYPDUTOOMANYCACHEKEYS"},
    {0x000010de, "ERRINFO_INPUTPDUBADLENGTH"},
    {0x000010df, "ERRINFO_BITMAPCACHEERRORPDUBADLENGTH"},
    {0x000010e0, "ERRINFO_SECURITYDATATOOSHORT"},
    {0x000010e1, "ERRINFO_VCHANNELDATATOOSHORT"},
    {0x000010e2, "ERRINFO_SHAREDATATOOSHORT"},
    {0x000010e3, "ERRINFO_BADSUPRESSOUTPUTPDU"},
    {0x000010e5, "ERRINFO_CONFIRMACTIVEPDUTOOSHORT"},
    {0x000010e7, "ERRINFO_CAPABILITYSETTOOSMALL"},
    {0x000010e8, "ERRINFO_CAPABILITYSETTOOLARGE"},
    {0x000010e9, "ERRINFO_NOCURSORCACHE"},
    {0x000010ea, "ERRINFO_BADCAPABILITIES"},
    {0x000010ec, "ERRINFO_VIRTUALCHANNELDECOMPRESSIONERR"},
    {0x000010ed, "ERRINFO_INVALIDVCCOMPRESSIONTYPE"},
    {0x000010ef, "ERRINFO_INVALIDCHANNELID"},
    {0x000010f0, "ERRINFO_VCHANNELSTOOMANY"},
    {0x000010f3, "ERRINFO_REMOTEAPPSNOTENABLED"},
    {0x000010f4, "ERRINFO_CACHECAPNOTSET"},
    {0x000010f5, "ERRINFO_BITMAPCACHEERRORPDUBADLENGTH2"},
    {0x000010f6, "ERRINFO_OFFSCRCACHEERRORPDUBADLENGTH"},
    {0x000010f7, "ERRINFO_DNGCACHEERRORPDUBADLENGTH"},
    {0x000010f8, "ERRINFO_GDIPLUSPDUBADLENGTH"},
    {0x00001111, "ERRINFO_SECURITYDATATOOSHORT2"},
    {0x00001112, "ERRINFO_SECURITYDATATOOSHORT3"},
    {0x00001113, "ERRINFO_SECURITYDATATOOSHORT4"},
    {0x00001114, "ERRINFO_SECURITYDATATOOSHORT5"},
    {0x00001115, "ERRINFO_SECURITYDATATOOSHORT6"},
    {0x00001116, "ERRINFO_SECURITYDATATOOSHORT7"},
    {0x00001117, "ERRINFO_SECURITYDATATOOSHORT8"},
    {0x00001118, "ERRINFO_SECURITYDATATOOSHORT9"},
    {0x00001119, "ERRINFO_SECURITYDATATOOSHORT10"},
    {0x0000111a, "ERRINFO_SECURITYDATATOOSHORT11"},
    {0x0000111b, "ERRINFO_SECURITYDATATOOSHORT12"},
    {0x0000111c, "ERRINFO_SECURITYDATATOOSHORT13"},
    {0x0000111d, "ERRINFO_SECURITYDATATOOSHORT14"},
    {0x0000111e, "ERRINFO_SECURITYDATATOOSHORT15"},
    {0x0000111f, "ERRINFO_SECURITYDATATOOSHORT16"},
    {0x00001120, "ERRINFO_SECURITYDATATOOSHORT17"},
    {0x00001121, "ERRINFO_SECURITYDATATOOSHORT18"},
    {0x00001122, "ERRINFO_SECURITYDATATOOSHORT19"},
    {0x00001123, "ERRINFO_SECURITYDATATOOSHORT20"},
    {0x00001124, "ERRINFO_SECURITYDATATOOSHORT21"},
    {0x00001125, "ERRINFO_SECURITYDATATOOSHORT22"},
    {0x00001126, "ERRINFO_SECURITYDATATOOSHORT23"},
    {0x00001129, "ERRINFO_BADMONITORDATA"},
    {0x0000112a, "ERRINFO_VCDECOMPRESSEDREASSEMBLEFAILED"},
    {0x0000112b, "ERRINFO_VCDATATOOLONG"},
    {0x0000112c, "ERRINFO_BAD_FRAME_ACK_DATA"},
    {0x0000112d, "ERRINFO_GRAPHICSMODENOTSUPPORTED"},
    {0x0000112e, "ERRINFO_GRAPHICSSUBSYSTEMRESETFAILED"},
    {0x0000112f, "ERRINFO_GRAPHICSSUBSYSTEMFAILED"},
    {0x00001130, "ERRINFO_TIMEZONEKEYNAMELENGTHTOOSHORT"},
    {0x00001131, "ERRINFO_TIMEZONEKEYNAMELENGTHTOOLONG"},
    {0x00001132, "ERRINFO_DYNAMICDSTDISABLEDFIELDMISSING"},
    {0x00001133, "ERRINFO_VCDECODINGERROR"},
    {0x00001134, "ERRINFO_VIRTUALDESKTOPTOOLARGE"},
    {0x00001135, "ERRINFO_MONITORGEOMETRYVALIDATIONFAILED"},
    {0x00001136, "ERRINFO_INVALIDMONITORCOUNT"},
    {0x00001191, "ERRINFO_UPDATESESSIONKEYFAILED"},
    {0x00001192, "ERRINFO_DECRYPTFAILED"},
    {0x00001193, "ERRINFO_ENCRYPTFAILED"},
    {0x00001194, "ERRINFO_ENCPKGMISMATCH"},
    {0x00001195, "ERRINFO_DECRYPTFAILED2"},
};

/* License error codes (2.2.1.12.1.3). */
static const struct code_name LICENSE_ERRORS[] = {
    {0x01, "ERR_INVALID_SERVER_CERTIFICATE"},
    {0x02, "ERR_NO_LICENSE"},
    {0x03, "ERR_INVALID_MAC"},
    {0x04, "ERR_INVALID_SCOPE"},
    {0x06, "ERR_NO_LICENSE_SERVER"},
    {0x07, "STATUS_VALID_CLIENT"},
    {0x08, "ERR_INVALID_CLIENT"},
    {0x0b, "ERR_INVALID_PRODUCTID"},
    {0x0c, "ERR_INVALID_MESSAGE_LEN"},
};

static const struct code_name LICENSE_STATES[] = {
    {0x01, "ST_TOTAL_ABORT"},
    {0x02, "ST_NO_TRANSITION"},
    {0x03, "ST_RESET_PHASE_TO_START"},
    {0x04, "ST_RESEND_LAST_MESSAGE"},
};

static const struct code_name LICENSE_MSGS[] = {
    {RD_RDPBCGR_LICENSE_REQUEST, "LICENSE_REQUEST"},
    {RD_RDPBCGR_PLATFORM_CHALLENGE, "PLATFORM_CHALLENGE"},
    {RD_RDPBCGR_NEW_LICENSE, "NEW_LICENSE"},
    {RD_RDPBCGR_UPGRADE_LICENSE, "UPGRADE_LICENSE"},
    {RD_RDPBCGR_LICENSE_INFO, "LICENSE_INFO"},
    {RD_RDPBCGR_NEW_LICENSE_REQUEST, "NEW_LICENSE_REQUEST"},
    {RD_RDPBCGR_PLATFORM_CHALLENGE_RESPONSE, "PLATFORM_CHALLENGE_RESPONSE"},
    {RD_RDPBCGR_ERROR_ALERT, "ERROR_ALERT"},
};

static const struct code_name PDU_TYPES[] = {
    {RD_RDPBCGR_PDUTYPE_DEMANDACTIVE, "DEMANDACTIVEPDU"},
    {RD_RDPBCGR_PDUTYPE_CONFIRMACTIVE, "CONFIRMACTIVEPDU"},
    {RD_RDPBCGR_PDUTYPE_DEACTIVATEALL, "DEACTIVATEALLPDU"},
    {RD_RDPBCGR_PDUTYPE_DATA, "DATAPDU"},
    {RD_RDPBCGR_PDUTYPE_SERVER_REDIR, "SERVER_REDIR_PKT"},
};

static const char *lookup(const struct code_name *t, size_t n, uint32_t code)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].code == code) {
            return t[i].name;
        }
    }
    return "unknown";
}

#define LOOKUP(t, code) lookup((t), sizeof(t) / sizeof((t)[0]), (code))

const char *rd_rdpbcgr_errinfo_name(uint32_t code)
{
    return LOOKUP(ERRINFO, code);
}

const char *rd_rdpbcgr_license_error_name(uint32_t code)
{
    return LOOKUP(LICENSE_ERRORS, code);
}

const char *rd_rdpbcgr_license_state_name(uint32_t state)
{
    return LOOKUP(LICENSE_STATES, state);
}

const char *rd_rdpbcgr_license_msg_name(uint8_t type)
{
    return LOOKUP(LICENSE_MSGS, type);
}

const char *rd_rdpbcgr_pdu_type_name(uint8_t type)
{
    return LOOKUP(PDU_TYPES, type);
}
