/*
 * kerberos.h - Kerberos V5 messages as seen on port 88 and inside GSS tokens
 * (RFC 4120 5.4-5.9, 7.2; MS-KILE 2.2).
 *
 * We report who asked whom for what and how it ended: message type, realm, client
 * and server names, times, error code and text, pre-authentication types.  We
 * never expose ticket, authenticator or enc-part ciphertext beyond its length.
 * Names are copied (printable ASCII, others as '?') into the caller's fixed
 * buffers, so the result does not point into the input.
 */
#ifndef RD_KERBEROS_H
#define RD_KERBEROS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define RD_KRB_AS_REQ    10u
#define RD_KRB_AS_REP    11u
#define RD_KRB_TGS_REQ   12u
#define RD_KRB_TGS_REP   13u
#define RD_KRB_AP_REQ    14u
#define RD_KRB_AP_REP    15u
#define RD_KRB_ERROR_MSG 30u

#define RD_KRB_NAME_MAX   256 /* bytes of a joined name, NUL included */
#define RD_KRB_MAX_PADATA 16

/* PA-DATA types (RFC 4120 7.5.2, RFC 4556 3.1.3). */
#define RD_KRB_PA_ENC_TIMESTAMP 2
#define RD_KRB_PA_PK_AS_REQ     16
#define RD_KRB_PA_PK_AS_REP     17

/* A PrincipalName (RFC 4120 5.2.2): name-type and components joined with '/'. */
struct rd_krb_principal {
    bool present;
    int32_t name_type;
    size_t components;
    char text[RD_KRB_NAME_MAX];
    bool truncated;
};

struct rd_krb_msg {
    uint32_t msg_type; /* RD_KRB_* */
    bool has_realm;    /* KDC-REQ realm, KDC-REP crealm, ticket realm (AP-REQ), KRB-ERROR realm */
    char realm[RD_KRB_NAME_MAX];
    bool realm_truncated;
    struct rd_krb_principal cname;
    struct rd_krb_principal sname;
    bool has_till; /* KDC-REQ-BODY till, Unix seconds */
    int64_t till;
    bool has_ctime; /* KRB-ERROR */
    int64_t ctime;
    bool has_stime; /* KRB-ERROR */
    int64_t stime;
    bool has_error_code;
    int32_t error_code; /* KRB-ERROR error-code, see rd_krb_error_name */
    bool has_e_text;
    char e_text[RD_KRB_NAME_MAX];
    bool e_text_truncated;
    size_t e_data_len;
    int32_t padata_types[RD_KRB_MAX_PADATA]; /* in order */
    size_t padata_count;
    size_t padata_dropped;
    bool is_pkinit; /* PA-PK-AS-REQ or PA-PK-AS-REP present: smartcard logon */
    /* Encrypted parts: lengths only. */
    size_t ticket_cipher_len; /* KDC-REP / AP-REQ ticket enc-part */
    size_t enc_part_len;      /* KDC-REP enc-part, AP-REP enc-part, AP-REQ authenticator */
    int32_t enc_part_etype;
    bool non_der;
};

/*
 * Parse one Kerberos message occupying in exactly (a UDP datagram's payload,
 * the body after the TCP length prefix, or a GSS token's inner message).
 * RD_OK, or RD_MALFORMED with diag; an unknown [APPLICATION n] is
 * RD_WHY_UNSUPPORTED.
 */
enum rd_status rd_krb_parse(struct rd_cur in, struct rd_krb_msg *out, struct rd_diag *diag);

/*
 * Kerberos over TCP (RFC 4120 7.2.2): a 4-byte big-endian length, then the
 * message.  rd_krb_frame_tcp: RD_OK with *total = 4 + length when in holds it
 * all, RD_NEED_MORE with *total (or 4 while the prefix is incomplete); a length
 * with the reserved high bit set is RD_MALFORMED (RD_WHY_UNSUPPORTED).
 * rd_krb_parse_tcp parses exactly one framed record.
 */
enum rd_status rd_krb_frame_tcp(struct rd_cur in, size_t *total, struct rd_diag *diag);
enum rd_status rd_krb_parse_tcp(struct rd_cur in, struct rd_krb_msg *out, struct rd_diag *diag);

/* "AS-REQ", ..., "KRB-ERROR" or "unknown". */
const char *rd_krb_msg_type_name(uint32_t t);
/* RFC 4120 7.5.9 error-code name ("KDC_ERR_PREAUTH_REQUIRED") or "unknown". */
const char *rd_krb_error_name(int32_t code);
/* PA-DATA type name ("PA-ENC-TIMESTAMP", "PA-PK-AS-REQ") or "unknown". */
const char *rd_krb_padata_name(int32_t type);

#endif
