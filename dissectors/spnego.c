/*
 * spnego.c - SPNEGO negotiation tokens and the GSS-API wrappers around them.
 *
 * References: RFC 4178 4.2 (NegotiationToken, NegTokenInit, NegTokenResp),
 * MS-SPNG 2.2.1 (NegTokenInit2 with negHints), RFC 2743 3.1 (InitialContextToken
 * [APPLICATION 0] { thisMech OID, innerContextToken }), RFC 4121 4.1 (Kerberos
 * token ids), RFC 4120 (user-to-user TGT request token ids 0x0400/0x0401, from
 * draft-ietf-cat-user2user), MS-NEGOEX 2.2.6.1 (the "NEGOEXTS" signature),
 * MS-CSSP 3.1.5 (raw NTLMSSP messages in negoTokens).
 *
 *   NegotiationToken ::= CHOICE { negTokenInit [0] NegTokenInit,
 *                                 negTokenResp [1] NegTokenResp }
 *   NegTokenInit ::= SEQUENCE { mechTypes [0] SEQUENCE OF OID,
 *                               reqFlags [1] BIT STRING OPTIONAL,
 *                               mechToken [2] OCTET STRING OPTIONAL,
 *                               mechListMIC [3] OCTET STRING OPTIONAL }
 *     (NegTokenInit2: [3] negHints SEQUENCE, [4] mechListMIC)
 *   NegTokenResp ::= SEQUENCE { negState [0] ENUMERATED OPTIONAL,
 *                               supportedMech [1] OID OPTIONAL,
 *                               responseToken [2] OCTET STRING OPTIONAL,
 *                               mechListMIC [3] OCTET STRING OPTIONAL }
 */
#include "config.h"

#include "spnego.h"

#include <string.h>

#include "ber.h"

static const uint8_t oid_ntlm[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
static const uint8_t oid_krb5[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02};
static const uint8_t oid_ms_krb5[] = {0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02};
static const uint8_t oid_krb5_u2u[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x03};
static const uint8_t oid_negoex[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x1e};
static const uint8_t oid_pku2u[] = {0x2b, 0x06, 0x01, 0x05, 0x02, 0x07};
static const uint8_t oid_spnego[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};

static const uint8_t ntlmssp_sig[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
static const uint8_t negoex_sig[8] = {'N', 'E', 'G', 'O', 'E', 'X', 'T', 'S'};

#define GSS_INITIAL_CONTEXT RD_BER_APP(0)

enum rd_spnego_mech rd_spnego_mech_from_oid(struct rd_bytes oid)
{
    if (rd_bytes_eq(oid, oid_ntlm, sizeof oid_ntlm)) {
        return RD_SPNEGO_MECH_NTLM;
    }
    if (rd_bytes_eq(oid, oid_krb5, sizeof oid_krb5)) {
        return RD_SPNEGO_MECH_KRB5;
    }
    if (rd_bytes_eq(oid, oid_ms_krb5, sizeof oid_ms_krb5)) {
        return RD_SPNEGO_MECH_MS_KRB5;
    }
    if (rd_bytes_eq(oid, oid_krb5_u2u, sizeof oid_krb5_u2u)) {
        return RD_SPNEGO_MECH_KRB5_U2U;
    }
    if (rd_bytes_eq(oid, oid_negoex, sizeof oid_negoex)) {
        return RD_SPNEGO_MECH_NEGOEX;
    }
    if (rd_bytes_eq(oid, oid_pku2u, sizeof oid_pku2u)) {
        return RD_SPNEGO_MECH_PKU2U;
    }
    if (rd_bytes_eq(oid, oid_spnego, sizeof oid_spnego)) {
        return RD_SPNEGO_MECH_SPNEGO;
    }
    return RD_SPNEGO_MECH_UNKNOWN;
}

const char *rd_spnego_mech_name(enum rd_spnego_mech m)
{
    switch (m) {
    case RD_SPNEGO_MECH_NTLM:
        return "NTLM";
    case RD_SPNEGO_MECH_KRB5:
        return "Kerberos";
    case RD_SPNEGO_MECH_MS_KRB5:
        return "MS-Kerberos";
    case RD_SPNEGO_MECH_KRB5_U2U:
        return "Kerberos-U2U";
    case RD_SPNEGO_MECH_NEGOEX:
        return "NegoEx";
    case RD_SPNEGO_MECH_PKU2U:
        return "PKU2U";
    case RD_SPNEGO_MECH_SPNEGO:
        return "SPNEGO";
    case RD_SPNEGO_MECH_UNKNOWN:
        break;
    }
    return "unknown";
}

const char *rd_spnego_neg_state_name(uint32_t s)
{
    switch (s) {
    case RD_SPNEGO_ACCEPT_COMPLETED:
        return "accept-completed";
    case RD_SPNEGO_ACCEPT_INCOMPLETE:
        return "accept-incomplete";
    case RD_SPNEGO_REJECT:
        return "reject";
    case RD_SPNEGO_REQUEST_MIC:
        return "request-mic";
    default:
        return "unknown";
    }
}

const char *rd_spnego_krb5_tok_name(uint16_t tok_id)
{
    switch (tok_id) {
    case 0x0100u:
        return "AP-REQ";
    case 0x0200u:
        return "AP-REP";
    case 0x0300u:
        return "KRB-ERROR";
    case 0x0400u:
        return "TGT-REQ";
    case 0x0401u:
        return "TGT-REP";
    default:
        return "unknown";
    }
}

static bool is_kerberos(enum rd_spnego_mech m)
{
    return m == RD_SPNEGO_MECH_KRB5 || m == RD_SPNEGO_MECH_MS_KRB5 || m == RD_SPNEGO_MECH_KRB5_U2U;
}

/* [n] EXPLICIT around exactly one element of tag inner. */
static enum rd_status explicit_one(const struct rd_ber_elem *outer, uint32_t inner,
                                   struct rd_ber_elem *e, bool *non_der, struct rd_diag *diag,
                                   const char *field)
{
    struct rd_cur c = outer->contents;

    if (rd_ber_get(&c, inner, e, diag) != RD_OK) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &outer->contents, field);
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, field);
    }
    *non_der = *non_der || outer->non_der || e->non_der;
    return RD_OK;
}

/* InitialContextToken: [APPLICATION 0] { OID, inner }.  *mech is the OID's mech. */
static enum rd_status gss_wrapper(struct rd_cur in, enum rd_spnego_mech *mech, struct rd_cur *inner,
                                  bool *non_der, struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_ber_elem app;
    struct rd_ber_elem oid;

    if (rd_ber_get(&c, GSS_INITIAL_CONTEXT, &app, diag) != RD_OK) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &in, "spnego.gss_token");
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "spnego.gss_token");
    }
    if (rd_ber_get(&app.contents, RD_BER_OID, &oid, diag) != RD_OK) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &app.contents, "spnego.gss_token.mech");
    }
    *mech = rd_spnego_mech_from_oid(rd_cur_rest(&oid.contents));
    *inner = app.contents;
    *non_der = *non_der || app.non_der || oid.non_der;
    return RD_OK;
}

enum rd_status rd_spnego_classify_mech_token(struct rd_cur in, struct rd_spnego_token *out,
                                             struct rd_diag *diag)
{
    struct rd_cur t = in;
    uint8_t first;

    out->inner_kind = RD_SPNEGO_INNER_NONE;
    if (rd_cur_is_empty(&in)) {
        return RD_OK;
    }
    if (rd_cur_expect(&t, ntlmssp_sig, sizeof ntlmssp_sig)) {
        out->inner_kind = RD_SPNEGO_INNER_NTLMSSP;
        out->inner = rd_cur_rest(&in);
        return RD_OK;
    }
    t = in;
    if (rd_cur_expect(&t, negoex_sig, sizeof negoex_sig)) {
        out->inner_kind = RD_SPNEGO_INNER_NEGOEX;
        out->inner = rd_cur_rest(&in);
        return RD_OK;
    }
    if (rd_cur_peek_u8(&in, &first) && first == 0x60u) {
        enum rd_spnego_mech mech = RD_SPNEGO_MECH_UNKNOWN;
        struct rd_cur inner;
        if (gss_wrapper(in, &mech, &inner, &out->non_der, diag) != RD_OK) {
            return RD_MALFORMED;
        }
        if (is_kerberos(mech)) {
            /* RFC 4121 4.1: a two-octet TOK_ID, big-endian, then the Kerberos message. */
            if (!rd_cur_u16be(&inner, &out->krb5_tok_id)) {
                return rd_fail(diag, RD_WHY_SHORT, &inner, "spnego.krb5.tok_id");
            }
            out->inner_kind = RD_SPNEGO_INNER_KRB5;
            out->inner = rd_cur_rest(&inner);
            return RD_OK;
        }
    }
    out->inner_kind = RD_SPNEGO_INNER_OTHER;
    out->inner = rd_cur_rest(&in);
    return RD_OK;
}

static enum rd_status octets_field(struct rd_ber_elem *f, struct rd_cur *val, bool *non_der,
                                   struct rd_diag *diag, const char *field)
{
    struct rd_ber_elem v;
    if (explicit_one(f, RD_BER_OCTET_STRING, &v, non_der, diag, field) != RD_OK) {
        return RD_MALFORMED;
    }
    *val = v.contents;
    return RD_OK;
}

/* MS-SPNG 2.2.1: NegHints ::= SEQUENCE { hintName [0] GeneralString OPTIONAL,
 *                                         hintAddress [1] OCTET STRING OPTIONAL } */
static enum rd_status neg_hints(const struct rd_ber_elem *f, bool *non_der, struct rd_diag *diag)
{
    struct rd_ber_elem seq;
    struct rd_ber_elem h;
    struct rd_ber_elem v;
    bool present;

    if (explicit_one(f, RD_BER_SEQUENCE, &seq, non_der, diag, "spnego.init.neg_hints") != RD_OK) {
        return RD_MALFORMED;
    }
    if (rd_ber_optional(&seq.contents, RD_BER_CTX(0), &h, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (present && explicit_one(&h, RD_BER_GENERAL_STRING, &v, non_der, diag,
                                "spnego.init.neg_hints.name") != RD_OK) {
        return RD_MALFORMED;
    }
    if (rd_ber_optional(&seq.contents, RD_BER_CTX(1), &h, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (present && explicit_one(&h, RD_BER_OCTET_STRING, &v, non_der, diag,
                                "spnego.init.neg_hints.address") != RD_OK) {
        return RD_MALFORMED;
    }
    if (!rd_cur_is_empty(&seq.contents)) {
        return rd_fail(diag, RD_WHY_TRAILING, &seq.contents, "spnego.init.neg_hints");
    }
    return RD_OK;
}

static enum rd_status neg_token_init(struct rd_cur body, struct rd_spnego_token *out,
                                     struct rd_diag *diag)
{
    struct rd_ber_elem f;
    struct rd_ber_elem list;
    struct rd_cur tok;
    bool present;

    out->kind = RD_SPNEGO_KIND_INIT;
    if (rd_ber_get(&body, RD_BER_CTX(0), &f, diag) != RD_OK) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &body, "spnego.init.mech_types");
    }
    if (explicit_one(&f, RD_BER_SEQUENCE, &list, &out->non_der, diag, "spnego.init.mech_types") !=
        RD_OK) {
        return RD_MALFORMED;
    }
    while (!rd_cur_is_empty(&list.contents)) {
        struct rd_ber_elem oid;
        if (rd_ber_get(&list.contents, RD_BER_OID, &oid, diag) != RD_OK) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &list.contents, "spnego.init.mech_types");
        }
        if (out->mech_count < RD_SPNEGO_MAX_MECHS) {
            out->mechs[out->mech_count++] = rd_spnego_mech_from_oid(rd_cur_rest(&oid.contents));
        } else {
            out->mechs_dropped++;
        }
    }
    /* [1] reqFlags: a BIT STRING we do not interpret. */
    if (rd_ber_optional(&body, RD_BER_CTX(1), &f, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (rd_ber_optional(&body, RD_BER_CTX(2), &f, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        if (octets_field(&f, &tok, &out->non_der, diag, "spnego.init.mech_token") != RD_OK) {
            return RD_MALFORMED;
        }
        out->has_mech_token = true;
        out->mech_token = rd_cur_rest(&tok);
        if (rd_spnego_classify_mech_token(tok, out, diag) != RD_OK) {
            return RD_MALFORMED;
        }
    }
    if (rd_ber_optional(&body, RD_BER_CTX(3), &f, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        uint32_t tag = 0;
        /* RFC 4178: mechListMIC OCTET STRING; MS-SPNG 2.2.1: negHints SEQUENCE. */
        if (rd_ber_peek(&f.contents, &tag) && tag == RD_BER_SEQUENCE) {
            if (neg_hints(&f, &out->non_der, diag) != RD_OK) {
                return RD_MALFORMED;
            }
            out->has_neg_hints = true;
        } else {
            if (octets_field(&f, &tok, &out->non_der, diag, "spnego.init.mech_list_mic") != RD_OK) {
                return RD_MALFORMED;
            }
            out->has_mech_list_mic = true;
        }
    }
    if (out->has_neg_hints) {
        if (rd_ber_optional(&body, RD_BER_CTX(4), &f, &present, diag) != RD_OK) {
            return RD_MALFORMED;
        }
        if (present) {
            if (octets_field(&f, &tok, &out->non_der, diag, "spnego.init.mech_list_mic") != RD_OK) {
                return RD_MALFORMED;
            }
            out->has_mech_list_mic = true;
        }
    }
    if (!rd_cur_is_empty(&body)) {
        return rd_fail(diag, RD_WHY_TRAILING, &body, "spnego.init");
    }
    return RD_OK;
}

static enum rd_status neg_token_resp(struct rd_cur body, struct rd_spnego_token *out,
                                     struct rd_diag *diag)
{
    struct rd_ber_elem f;
    struct rd_ber_elem v;
    struct rd_cur tok;
    bool present;

    out->kind = RD_SPNEGO_KIND_RESP;
    if (rd_ber_optional(&body, RD_BER_CTX(0), &f, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        uint64_t st;
        bool nd = false;
        if (explicit_one(&f, RD_BER_ENUMERATED, &v, &out->non_der, diag, "spnego.resp.neg_state") !=
            RD_OK) {
            return RD_MALFORMED;
        }
        if (rd_ber_uint64(v.contents, &st, &nd, diag) != RD_OK || st > UINT32_MAX) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &v.contents, "spnego.resp.neg_state");
        }
        out->has_neg_state = true;
        out->neg_state = (uint32_t)st;
        out->non_der = out->non_der || nd;
    }
    if (rd_ber_optional(&body, RD_BER_CTX(1), &f, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        if (explicit_one(&f, RD_BER_OID, &v, &out->non_der, diag, "spnego.resp.supported_mech") !=
            RD_OK) {
            return RD_MALFORMED;
        }
        out->has_supported_mech = true;
        out->supported_mech = rd_spnego_mech_from_oid(rd_cur_rest(&v.contents));
    }
    if (rd_ber_optional(&body, RD_BER_CTX(2), &f, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        if (octets_field(&f, &tok, &out->non_der, diag, "spnego.resp.response_token") != RD_OK) {
            return RD_MALFORMED;
        }
        out->has_mech_token = true;
        out->mech_token = rd_cur_rest(&tok);
        if (rd_spnego_classify_mech_token(tok, out, diag) != RD_OK) {
            return RD_MALFORMED;
        }
    }
    if (rd_ber_optional(&body, RD_BER_CTX(3), &f, &present, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        if (octets_field(&f, &tok, &out->non_der, diag, "spnego.resp.mech_list_mic") != RD_OK) {
            return RD_MALFORMED;
        }
        out->has_mech_list_mic = true;
    }
    if (!rd_cur_is_empty(&body)) {
        return rd_fail(diag, RD_WHY_TRAILING, &body, "spnego.resp");
    }
    return RD_OK;
}

/* NegotiationToken CHOICE: [0] NegTokenInit or [1] NegTokenResp, each a SEQUENCE. */
static enum rd_status negotiation_token(struct rd_cur in, bool want_init,
                                        struct rd_spnego_token *out, struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_ber_elem choice;
    struct rd_ber_elem seq;

    if (rd_ber_get(&c, want_init ? RD_BER_CTX(0) : RD_BER_CTX(1), &choice, diag) != RD_OK) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &in, "spnego.negotiation_token");
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "spnego.negotiation_token");
    }
    if (explicit_one(&choice, RD_BER_SEQUENCE, &seq, &out->non_der, diag,
                     "spnego.negotiation_token") != RD_OK) {
        return RD_MALFORMED;
    }
    return want_init ? neg_token_init(seq.contents, out, diag)
                     : neg_token_resp(seq.contents, out, diag);
}

enum rd_status rd_spnego_parse_token(struct rd_cur in, struct rd_spnego_token *out,
                                     struct rd_diag *diag)
{
    struct rd_cur t = in;
    uint8_t first;

    memset(out, 0, sizeof *out);
    if (rd_cur_expect(&t, ntlmssp_sig, sizeof ntlmssp_sig)) {
        /* MS-CSSP 3.1.5: NTLM messages travel without the SPNEGO wrapping. */
        out->kind = RD_SPNEGO_KIND_NTLMSSP;
        out->inner_kind = RD_SPNEGO_INNER_NTLMSSP;
        out->inner = rd_cur_rest(&in);
        return RD_OK;
    }
    if (!rd_cur_peek_u8(&in, &first)) {
        return rd_fail(diag, RD_WHY_SHORT, &in, "spnego.token");
    }
    if (first == 0x60u) {
        enum rd_spnego_mech mech = RD_SPNEGO_MECH_UNKNOWN;
        struct rd_cur inner;
        if (gss_wrapper(in, &mech, &inner, &out->non_der, diag) != RD_OK) {
            return RD_MALFORMED;
        }
        if (mech == RD_SPNEGO_MECH_SPNEGO) {
            return negotiation_token(inner, true, out, diag);
        }
        if (is_kerberos(mech)) {
            out->kind = RD_SPNEGO_KIND_KRB5;
            return rd_spnego_classify_mech_token(in, out, diag);
        }
        return rd_fail(diag, RD_WHY_UNSUPPORTED, &in, "spnego.gss_token.mech");
    }
    if (first == 0xa1u) {
        return negotiation_token(in, false, out, diag);
    }
    return rd_fail(diag, RD_WHY_UNSUPPORTED, &in, "spnego.token");
}
