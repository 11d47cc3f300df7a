/*
 * spnego.h - the negotiation tokens CredSSP carries in negoTokens: SPNEGO
 * (RFC 4178) NegTokenInit/NegTokenResp, a raw NTLMSSP message (CredSSP puts
 * NTLM directly in negoTokens, MS-CSSP 3.1.5), or a GSS-API Kerberos token
 * (RFC 2743 3.1 InitialContextToken, RFC 4121 4.1 token ids).
 *
 * Views point into the parsed buffer and live as long as it.
 */
#ifndef RD_SPNEGO_H
#define RD_SPNEGO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

#define RD_SPNEGO_MAX_MECHS 8

enum rd_spnego_mech {
    RD_SPNEGO_MECH_UNKNOWN = 0,
    RD_SPNEGO_MECH_NTLM,     /* 1.3.6.1.4.1.311.2.2.10 */
    RD_SPNEGO_MECH_KRB5,     /* 1.2.840.113554.1.2.2 */
    RD_SPNEGO_MECH_MS_KRB5,  /* 1.2.840.48018.1.2.2 */
    RD_SPNEGO_MECH_KRB5_U2U, /* 1.2.840.113554.1.2.2.3 (user-to-user) */
    RD_SPNEGO_MECH_NEGOEX,   /* 1.3.6.1.4.1.311.2.2.30 */
    RD_SPNEGO_MECH_PKU2U,    /* 1.3.6.1.5.2.7 */
    RD_SPNEGO_MECH_SPNEGO    /* 1.3.6.1.5.5.2 */
};

enum rd_spnego_kind {
    RD_SPNEGO_KIND_UNKNOWN = 0,
    RD_SPNEGO_KIND_INIT,    /* SPNEGO NegTokenInit (in its InitialContextToken) */
    RD_SPNEGO_KIND_RESP,    /* SPNEGO NegTokenResp */
    RD_SPNEGO_KIND_NTLMSSP, /* a raw NTLMSSP message */
    RD_SPNEGO_KIND_KRB5     /* a GSS-API Kerberos token */
};

/* What a mechanism token (or a raw token) holds. */
enum rd_spnego_inner {
    RD_SPNEGO_INNER_NONE = 0,
    RD_SPNEGO_INNER_NTLMSSP, /* "NTLMSSP\0": hand inner to ntlmssp.h */
    RD_SPNEGO_INNER_KRB5,    /* GSS Kerberos: krb5_tok_id, inner = Kerberos message */
    RD_SPNEGO_INNER_NEGOEX,  /* "NEGOEXTS" (MS-NEGOEX 2.2.6.1) */
    RD_SPNEGO_INNER_OTHER
};

/* RFC 4178 4.2.2 negState. */
#define RD_SPNEGO_ACCEPT_COMPLETED  0u
#define RD_SPNEGO_ACCEPT_INCOMPLETE 1u
#define RD_SPNEGO_REJECT            2u
#define RD_SPNEGO_REQUEST_MIC       3u

struct rd_spnego_token {
    enum rd_spnego_kind kind;
    /* NegTokenInit */
    enum rd_spnego_mech mechs[RD_SPNEGO_MAX_MECHS]; /* mechTypes, in preference order */
    size_t mech_count;
    size_t mechs_dropped; /* beyond RD_SPNEGO_MAX_MECHS */
    bool has_neg_hints;   /* NegTokenInit2 (MS-SPNG 2.2.1) */
    /* NegTokenResp */
    bool has_neg_state;
    uint32_t neg_state;
    bool has_supported_mech;
    enum rd_spnego_mech supported_mech;
    /* both */
    bool has_mech_token;        /* mechToken / responseToken present */
    struct rd_bytes mech_token; /* the whole mechanism token */
    bool has_mech_list_mic;     /* presence only */
    /* what the mechanism token (or the raw token itself) holds */
    enum rd_spnego_inner inner_kind;
    uint16_t krb5_tok_id;  /* RFC 4121 4.1: 0x0100 AP-REQ, 0x0200 AP-REP, 0x0300 KRB-ERROR */
    struct rd_bytes inner; /* NTLMSSP message, or Kerberos message after the token id */
    bool non_der;
};

/*
 * Parse one negotiation token occupying in exactly: an InitialContextToken
 * ([APPLICATION 0]) with the SPNEGO or a Kerberos OID, a NegTokenResp ([1]), or
 * a raw NTLMSSP message (recognised by its signature; not parsed here).
 * RD_MALFORMED with RD_WHY_UNSUPPORTED for anything else.
 */
enum rd_status rd_spnego_parse_token(struct rd_cur in, struct rd_spnego_token *out,
                                     struct rd_diag *diag);

/* Classify a mechanism token: fills inner_kind, krb5_tok_id, inner. */
enum rd_status rd_spnego_classify_mech_token(struct rd_cur in, struct rd_spnego_token *out,
                                             struct rd_diag *diag);

enum rd_spnego_mech rd_spnego_mech_from_oid(struct rd_bytes oid);
const char *rd_spnego_mech_name(enum rd_spnego_mech m);
const char *rd_spnego_neg_state_name(uint32_t s);
const char *rd_spnego_krb5_tok_name(uint16_t tok_id);

#endif
