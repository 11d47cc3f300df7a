/*
 * credssp.c - CredSSP TSRequest (MS-CSSP 2.2.1).
 *
 *   TSRequest ::= SEQUENCE {
 *       version     [0] INTEGER,
 *       negoTokens  [1] NegoData OPTIONAL,
 *       authInfo    [2] OCTET STRING OPTIONAL,
 *       pubKeyAuth  [3] OCTET STRING OPTIONAL,
 *       errorCode   [4] INTEGER OPTIONAL,        -- version 3 and later
 *       clientNonce [5] OCTET STRING OPTIONAL    -- version 5 and later
 *   }
 *   NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING }
 *
 * MS-CSSP 3.1.5 says the errorCode is an NTSTATUS (or HRESULT) value; Windows
 * encodes it as a signed 32-bit INTEGER, so 0x80090302 arrives as the negative
 * four-octet INTEGER 80 09 03 02.  We accept both signed and unsigned forms.
 */
#include "config.h"

#include "credssp.h"

#include <string.h>

#include "ber.h"

/* [n] EXPLICIT wrapping exactly one element of tag inner. */
static enum rd_status explicit_one(struct rd_ber_elem *outer, uint32_t inner, struct rd_ber_elem *e,
                                   bool *non_der, struct rd_diag *diag, const char *field)
{
    struct rd_cur c = outer->contents;
    enum rd_status st = rd_ber_get(&c, inner, e, diag);

    if (st != RD_OK) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &outer->contents, field);
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, field);
    }
    *non_der = *non_der || outer->non_der || e->non_der;
    return RD_OK;
}

/* errorCode: a 32-bit NTSTATUS/HRESULT, signed (as Windows sends it) or unsigned. */
static enum rd_status error_code(struct rd_cur contents, uint32_t *v, bool *non_der,
                                 struct rd_diag *diag)
{
    int64_t s;
    bool nd = false;

    if (rd_ber_int64(contents, &s, &nd, diag) != RD_OK) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &contents, "credssp.error_code");
    }
    if (s < (int64_t)INT32_MIN || s > (int64_t)UINT32_MAX) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &contents, "credssp.error_code");
    }
    /* Two's complement reinterpretation, written out to avoid implementation-defined casts. */
    *v = s < 0 ? (uint32_t)(s + (int64_t)4294967296) : (uint32_t)s;
    *non_der = *non_der || nd;
    return RD_OK;
}

static enum rd_status nego_data(struct rd_cur list, struct rd_credssp_tsrequest *out,
                                struct rd_diag *diag)
{
    while (!rd_cur_is_empty(&list)) {
        struct rd_ber_elem item;
        struct rd_ber_elem tok0;
        struct rd_ber_elem tok;

        if (rd_ber_get(&list, RD_BER_SEQUENCE, &item, diag) != RD_OK) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &list, "credssp.nego_tokens");
        }
        if (rd_ber_get(&item.contents, RD_BER_CTX(0), &tok0, diag) != RD_OK) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &item.contents, "credssp.nego_token");
        }
        if (!rd_cur_is_empty(&item.contents)) {
            return rd_fail(diag, RD_WHY_TRAILING, &item.contents, "credssp.nego_token");
        }
        if (explicit_one(&tok0, RD_BER_OCTET_STRING, &tok, &out->non_der, diag,
                         "credssp.nego_token") != RD_OK) {
            return RD_MALFORMED;
        }
        out->non_der = out->non_der || item.non_der;
        if (out->nego_token_count == 0) {
            out->nego_token = rd_cur_rest(&tok.contents);
        }
        out->nego_token_count++;
    }
    return RD_OK;
}

enum rd_status rd_credssp_parse_tsrequest(struct rd_cur in, struct rd_credssp_tsrequest *out,
                                          struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_ber_elem seq;
    struct rd_ber_elem f;
    struct rd_ber_elem v;
    struct rd_cur body;
    bool present;
    uint64_t version;
    bool nd = false;

    memset(out, 0, sizeof *out);
    if (rd_ber_get(&c, RD_BER_SEQUENCE, &seq, diag) != RD_OK) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &in, "credssp.tsrequest");
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "credssp.tsrequest");
    }
    out->non_der = seq.non_der;
    body = seq.contents;

    /* [0] version: mandatory. */
    if (rd_ber_get(&body, RD_BER_CTX(0), &f, diag) != RD_OK) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &body, "credssp.version");
    }
    if (explicit_one(&f, RD_BER_INTEGER, &v, &out->non_der, diag, "credssp.version") != RD_OK) {
        return RD_MALFORMED;
    }
    if (rd_ber_uint64(v.contents, &version, &nd, diag) != RD_OK) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &v.contents, "credssp.version");
    }
    if (version > UINT32_MAX) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &v.contents, "credssp.version");
    }
    out->version = (uint32_t)version;
    out->non_der = out->non_der || nd;

    /* [1] negoTokens */
    if (rd_ber_optional(&body, RD_BER_CTX(1), &f, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        if (explicit_one(&f, RD_BER_SEQUENCE, &v, &out->non_der, diag, "credssp.nego_tokens") !=
            RD_OK) {
            return RD_MALFORMED;
        }
        if (nego_data(v.contents, out, diag) != RD_OK) {
            return RD_MALFORMED;
        }
    }

    /* [2] authInfo: encrypted TSCredentials; length only. */
    if (rd_ber_optional(&body, RD_BER_CTX(2), &f, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        if (explicit_one(&f, RD_BER_OCTET_STRING, &v, &out->non_der, diag, "credssp.auth_info") !=
            RD_OK) {
            return RD_MALFORMED;
        }
        out->has_auth_info = true;
        out->auth_info_len = v.contents.len;
    }

    /* [3] pubKeyAuth: encrypted public key or its hash; length only. */
    if (rd_ber_optional(&body, RD_BER_CTX(3), &f, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        if (explicit_one(&f, RD_BER_OCTET_STRING, &v, &out->non_der, diag,
                         "credssp.pub_key_auth") != RD_OK) {
            return RD_MALFORMED;
        }
        out->has_pub_key_auth = true;
        out->pub_key_auth_len = v.contents.len;
    }

    /* [4] errorCode (MS-CSSP 2.2.1: version 3 and later). */
    if (rd_ber_optional(&body, RD_BER_CTX(4), &f, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        if (explicit_one(&f, RD_BER_INTEGER, &v, &out->non_der, diag, "credssp.error_code") !=
            RD_OK) {
            return RD_MALFORMED;
        }
        if (error_code(v.contents, &out->error_code, &out->non_der, diag) != RD_OK) {
            return RD_MALFORMED;
        }
        out->has_error_code = true;
        if (out->version < 3) {
            out->field_before_version = true;
        }
    }

    /* [5] clientNonce (MS-CSSP 2.2.1: version 5 and later, 32 bytes). */
    if (rd_ber_optional(&body, RD_BER_CTX(5), &f, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        if (explicit_one(&f, RD_BER_OCTET_STRING, &v, &out->non_der, diag,
                         "credssp.client_nonce") != RD_OK) {
            return RD_MALFORMED;
        }
        out->has_client_nonce = true;
        out->client_nonce_len = v.contents.len;
        if (out->version < 5) {
            out->field_before_version = true;
        }
    }

    if (!rd_cur_is_empty(&body)) {
        return rd_fail(diag, RD_WHY_TRAILING, &body, "credssp.tsrequest");
    }
    return RD_OK;
}

enum rd_status rd_credssp_frame(struct rd_cur in, size_t *total, struct rd_diag *diag)
{
    uint8_t first;

    if (!rd_cur_peek_u8(&in, &first)) {
        *total = 2;
        return RD_NEED_MORE;
    }
    /* MS-CSSP 2.2.1: a TSRequest is a universal constructed SEQUENCE (0x30). */
    if (first != 0x30u) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &in, "credssp.tsrequest");
    }
    return rd_ber_frame(in, total, diag);
}
