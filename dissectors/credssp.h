/*
 * credssp.h - CredSSP TSRequest (MS-CSSP 2.2.1), the outer message of NLA.
 *
 * Every NLA leg is one DER SEQUENCE sent inside TLS.  We report its shape only:
 * the first negotiation token as a view (it is SPNEGO, raw NTLMSSP or a Kerberos
 * GSS token; see spnego.h), and for the encrypted fields (authInfo, pubKeyAuth)
 * presence and length, never their contents.
 */
#ifndef RD_CREDSSP_H
#define RD_CREDSSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"

struct rd_credssp_tsrequest {
    uint32_t version;           /* [0] version (2..6 seen in practice) */
    size_t nego_token_count;    /* entries in [1] negoTokens (0 when absent) */
    struct rd_bytes nego_token; /* the first entry's negoToken; len 0 when none */
    bool has_auth_info;         /* [2] authInfo: the encrypted credentials */
    size_t auth_info_len;
    bool has_pub_key_auth; /* [3] pubKeyAuth: the encrypted server public key (hash) */
    size_t pub_key_auth_len;
    bool has_error_code;   /* [4] errorCode, version 3 and later */
    uint32_t error_code;   /* an NTSTATUS or HRESULT (see ntstatus.h) */
    bool has_client_nonce; /* [5] clientNonce, version 5 and later */
    size_t client_nonce_len;
    bool field_before_version; /* errorCode below v3 or clientNonce below v5 */
    bool non_der;              /* some element used an encoding DER forbids */
};

/*
 * Parse one TSRequest that fills in exactly (the output of rd_credssp_frame).
 * Views in *out point into in's buffer and live as long as it.  Returns RD_OK,
 * or RD_MALFORMED with diag set (fields out of order or unknown are trailing
 * bytes: MS-CSSP 2.2.1 defines no extension marker).
 */
enum rd_status rd_credssp_parse_tsrequest(struct rd_cur in, struct rd_credssp_tsrequest *out,
                                          struct rd_diag *diag);

/*
 * Stream framing: the size of the TSRequest at the start of in.  RD_OK with
 * *total when in holds all of it; RD_NEED_MORE with *total a lower bound of the
 * size when in holds only part of it (call again with at least *total bytes);
 * RD_MALFORMED when the bytes cannot start a TSRequest (not a SEQUENCE, or a
 * length form DER never uses).
 */
enum rd_status rd_credssp_frame(struct rd_cur in, size_t *total, struct rd_diag *diag);

#endif
