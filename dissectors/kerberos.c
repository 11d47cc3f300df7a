/*
 * kerberos.c - Kerberos V5 message summaries (RFC 4120).
 *
 * References: RFC 4120 5.2.2 (PrincipalName), 5.2.3 (KerberosTime), 5.2.7
 * (PA-DATA), 5.2.9 (EncryptedData), 5.3 (Ticket), 5.4.1 (KDC-REQ), 5.4.2
 * (KDC-REP), 5.5.1 (AP-REQ), 5.5.2 (AP-REP), 5.9.1 (KRB-ERROR), 7.2.2 (TCP
 * framing), 7.5.2 (PA-DATA types), 7.5.9 (error codes); RFC 4556 3.1.3 (PKINIT
 * PA types); MS-KILE 2.2 (Windows PA types).
 *
 * Only the outer, cleartext structure is read.  Ciphertext (ticket enc-part,
 * authenticator, KDC-REP enc-part) is measured, never exposed.
 */
#include "config.h"

#include "kerberos.h"

#include <string.h>

#include "ber.h"

#define KRB_PVNO 5u

/* ---- value -> name tables -------------------------------------------- */

struct code_name {
    int32_t code;
    const char *name;
};

/* RFC 4120 7.5.9, plus the PKINIT codes of RFC 4556 3.1.3. */
static const struct code_name krb_errors[] = {
    {0, "KDC_ERR_NONE"},
    {1, "KDC_ERR_NAME_EXP"},
    {2, "KDC_ERR_SERVICE_EXP"},
    {3, "KDC_ERR_BAD_PVNO"},
    {4, "KDC_ERR_C_OLD_MAST_KVNO"},
    {5, "KDC_ERR_S_OLD_MAST_KVNO"},
    {6, "KDC_ERR_C_PRINCIPAL_UNKNOWN"},
    {7, "KDC_ERR_S_PRINCIPAL_UNKNOWN"},
    {8, "KDC_ERR_PRINCIPAL_NOT_UNIQUE"},
    {9, "KDC_ERR_NULL_KEY"},
    {10, "KDC_ERR_CANNOT_POSTDATE"},
    {11, "KDC_ERR_NEVER_VALID"},
    {12, "KDC_ERR_POLICY"},
    {13, "KDC_ERR_BADOPTION"},
    {14, "KDC_ERR_ETYPE_NOSUPP"},
    {15, "KDC_ERR_SUMTYPE_NOSUPP"},
    {16, "KDC_ERR_PADATA_TYPE_NOSUPP"},
    {17, "KDC_ERR_TRTYPE_NOSUPP"},
    {18, "KDC_ERR_CLIENT_REVOKED"},
    {19, "KDC_ERR_SERVICE_REVOKED"},
    {20, "KDC_ERR_TGT_REVOKED"},
    {21, "KDC_ERR_CLIENT_NOTYET"},
    {22, "KDC_ERR_SERVICE_NOTYET"},
    {23, "KDC_ERR_KEY_EXPIRED"},
    {24, "KDC_ERR_PREAUTH_FAILED"},
    {25, "KDC_ERR_PREAUTH_REQUIRED"},
    {26, "KDC_ERR_SERVER_NOMATCH"},
    {27, "KDC_ERR_MUST_USE_USER2USER"},
    {28, "KDC_ERR_PATH_NOT_ACCEPTED"},
    {29, "KDC_ERR_SVC_UNAVAILABLE"},
    {31, "KRB_AP_ERR_BAD_INTEGRITY"},
    {32, "KRB_AP_ERR_TKT_EXPIRED"},
    {33, "KRB_AP_ERR_TKT_NYV"},
    {34, "KRB_AP_ERR_REPEAT"},
    {35, "KRB_AP_ERR_NOT_US"},
    {36, "KRB_AP_ERR_BADMATCH"},
    {37, "KRB_AP_ERR_SKEW"},
    {38, "KRB_AP_ERR_BADADDR"},
    {39, "KRB_AP_ERR_BADVERSION"},
    {40, "KRB_AP_ERR_MSG_TYPE"},
    {41, "KRB_AP_ERR_MODIFIED"},
    {42, "KRB_AP_ERR_BADORDER"},
    {44, "KRB_AP_ERR_BADKEYVER"},
    {45, "KRB_AP_ERR_NOKEY"},
    {46, "KRB_AP_ERR_MUT_FAIL"},
    {47, "KRB_AP_ERR_BADDIRECTION"},
    {48, "KRB_AP_ERR_METHOD"},
    {49, "KRB_AP_ERR_BADSEQ"},
    {50, "KRB_AP_ERR_INAPP_CKSUM"},
    {51, "KRB_AP_PATH_NOT_ACCEPTED"},
    {52, "KRB_ERR_RESPONSE_TOO_BIG"},
    {60, "KRB_ERR_GENERIC"},
    {61, "KRB_ERR_FIELD_TOOLONG"},
    {62, "KDC_ERR_CLIENT_NOT_TRUSTED"},
    {63, "KDC_ERR_KDC_NOT_TRUSTED"},
    {64, "KDC_ERR_INVALID_SIG"},
    {65, "KDC_ERR_KEY_TOO_WEAK"},
    {66, "KDC_ERR_CERTIFICATE_MISMATCH"},
    {67, "KRB_AP_ERR_NO_TGT"},
    {68, "KDC_ERR_WRONG_REALM"},
    {69, "KRB_AP_ERR_USER_TO_USER_REQUIRED"},
    {70, "KDC_ERR_CANT_VERIFY_CERTIFICATE"},
    {71, "KDC_ERR_INVALID_CERTIFICATE"},
    {72, "KDC_ERR_REVOKED_CERTIFICATE"},
    {73, "KDC_ERR_REVOCATION_STATUS_UNKNOWN"},
    {74, "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE"},
    {75, "KDC_ERR_CLIENT_NAME_MISMATCH"},
    {76, "KDC_ERR_KDC_NAME_MISMATCH"},
};

/* RFC 4120 7.5.2, RFC 4556, RFC 6113, MS-KILE 2.2. */
static const struct code_name pa_types[] = {
    {1, "PA-TGS-REQ"},          {2, "PA-ENC-TIMESTAMP"},
    {3, "PA-PW-SALT"},          {11, "PA-ETYPE-INFO"},
    {14, "PA-PK-AS-REQ_OLD"},   {15, "PA-PK-AS-REP_OLD"},
    {16, "PA-PK-AS-REQ"},       {17, "PA-PK-AS-REP"},
    {19, "PA-ETYPE-INFO2"},     {128, "PA-PAC-REQUEST"},
    {133, "PA-FX-COOKIE"},      {136, "PA-FX-FAST"},
    {137, "PA-FX-ERROR"},       {138, "PA-ENCRYPTED-CHALLENGE"},
    {149, "PA-REQ-ENC-PA-REP"}, {165, "PA-SUPPORTED-ENCTYPES"},
    {167, "PA-PAC-OPTIONS"},
};

static const char *lookup(const struct code_name *t, size_t n, int32_t code)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].code == code) {
            return t[i].name;
        }
    }
    return "unknown";
}

const char *rd_krb_error_name(int32_t code)
{
    return lookup(krb_errors, sizeof krb_errors / sizeof krb_errors[0], code);
}

const char *rd_krb_padata_name(int32_t type)
{
    return lookup(pa_types, sizeof pa_types / sizeof pa_types[0], type);
}

const char *rd_krb_msg_type_name(uint32_t t)
{
    switch (t) {
    case RD_KRB_AS_REQ:
        return "AS-REQ";
    case RD_KRB_AS_REP:
        return "AS-REP";
    case RD_KRB_TGS_REQ:
        return "TGS-REQ";
    case RD_KRB_TGS_REP:
        return "TGS-REP";
    case RD_KRB_AP_REQ:
        return "AP-REQ";
    case RD_KRB_AP_REP:
        return "AP-REP";
    case RD_KRB_ERROR_MSG:
        return "KRB-ERROR";
    default:
        return "unknown";
    }
}

/* ---- helpers ---------------------------------------------------------- */

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

/* Read [tag] and its single inner element; *present false when absent and optional. */
static enum rd_status field(struct rd_cur *body, unsigned n, uint32_t inner, bool optional,
                            struct rd_ber_elem *e, bool *present, bool *non_der,
                            struct rd_diag *diag, const char *name)
{
    struct rd_ber_elem outer;
    bool here = false;

    if (rd_ber_optional(body, RD_BER_CTX(n), &outer, &here, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (!here) {
        *present = false;
        if (!optional) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, body, name);
        }
        return RD_OK;
    }
    *present = true;
    return explicit_one(&outer, inner, e, non_der, diag, name);
}

static enum rd_status int32_of(struct rd_cur contents, int32_t *v, bool *non_der,
                               struct rd_diag *diag, const char *name)
{
    int64_t x;
    bool nd = false;

    if (rd_ber_int64(contents, &x, &nd, diag) != RD_OK || x < INT32_MIN || x > INT32_MAX) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &contents, name);
    }
    *v = (int32_t)x;
    *non_der = *non_der || nd;
    return RD_OK;
}

/* Append printable ASCII of s (others as '?') to dst at *n; sets *trunc when full. */
static void append_text(struct rd_cur s, char *dst, size_t dstsize, size_t *n, bool *trunc)
{
    uint8_t b;

    while (rd_cur_u8(&s, &b)) {
        if (*n + 1 >= dstsize) {
            *trunc = true;
            break;
        }
        dst[(*n)++] = (b >= 0x20u && b < 0x7fu) ? (char)b : '?';
    }
    dst[*n] = '\0';
}

/* KerberosString ::= GeneralString (RFC 4120 5.2.1) into a fixed buffer. */
static enum rd_status kstring(struct rd_cur contents, char *dst, size_t dstsize, bool *trunc)
{
    size_t n = 0;
    *trunc = false;
    append_text(contents, dst, dstsize, &n, trunc);
    return RD_OK;
}

/* PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString } */
static enum rd_status principal(struct rd_cur contents, struct rd_krb_principal *p, bool *non_der,
                                struct rd_diag *diag)
{
    struct rd_ber_elem e;
    struct rd_ber_elem list;
    bool present;
    size_t n = 0;

    if (field(&contents, 0, RD_BER_INTEGER, false, &e, &present, non_der, diag,
              "krb.principal.name_type") != RD_OK ||
        int32_of(e.contents, &p->name_type, non_der, diag, "krb.principal.name_type") != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&contents, 1, RD_BER_SEQUENCE, false, &list, &present, non_der, diag,
              "krb.principal.name_string") != RD_OK) {
        return RD_MALFORMED;
    }
    if (!rd_cur_is_empty(&contents)) {
        return rd_fail(diag, RD_WHY_TRAILING, &contents, "krb.principal");
    }
    p->text[0] = '\0';
    while (!rd_cur_is_empty(&list.contents)) {
        struct rd_ber_elem s;
        if (rd_ber_get(&list.contents, RD_BER_GENERAL_STRING, &s, diag) != RD_OK) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &list.contents, "krb.principal.name_string");
        }
        if (p->components > 0 && !p->truncated) {
            struct rd_cur slash;
            rd_cur_init(&slash, (const uint8_t *)"/", 1);
            append_text(slash, p->text, sizeof p->text, &n, &p->truncated);
        }
        if (!p->truncated) {
            append_text(s.contents, p->text, sizeof p->text, &n, &p->truncated);
        }
        p->components++;
    }
    p->present = true;
    return RD_OK;
}

static bool is_digit_run(struct rd_cur *c, size_t n, int *v)
{
    int r = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b;
        if (!rd_cur_u8(c, &b) || b < '0' || b > '9') {
            return false;
        }
        r = r * 10 + (b - '0');
    }
    *v = r;
    return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
    int64_t yy = y - (m <= 2 ? 1 : 0);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t mp = (m + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* KerberosTime ::= GeneralizedTime "YYYYMMDDHHMMSSZ" (RFC 4120 5.2.3: no fractions). */
static enum rd_status ktime(struct rd_cur contents, int64_t *t, struct rd_diag *diag)
{
    struct rd_cur c = contents;
    int y, mo, d, h, mi, s;

    if (contents.len != 15 || !is_digit_run(&c, 4, &y) || !is_digit_run(&c, 2, &mo) ||
        !is_digit_run(&c, 2, &d) || !is_digit_run(&c, 2, &h) || !is_digit_run(&c, 2, &mi) ||
        !is_digit_run(&c, 2, &s) || !rd_cur_expect(&c, "Z", 1)) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &contents, "krb.time");
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &contents, "krb.time");
    }
    *t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return RD_OK;
}

/* SEQUENCE OF PA-DATA { padata-type [1] Int32, padata-value [2] OCTET STRING } */
static enum rd_status padata_list(struct rd_cur list, struct rd_krb_msg *out, struct rd_diag *diag)
{
    while (!rd_cur_is_empty(&list)) {
        struct rd_ber_elem pa;
        struct rd_ber_elem e;
        bool present;
        int32_t type;

        if (rd_ber_get(&list, RD_BER_SEQUENCE, &pa, diag) != RD_OK) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &list, "krb.padata");
        }
        if (field(&pa.contents, 1, RD_BER_INTEGER, false, &e, &present, &out->non_der, diag,
                  "krb.padata.type") != RD_OK ||
            int32_of(e.contents, &type, &out->non_der, diag, "krb.padata.type") != RD_OK) {
            return RD_MALFORMED;
        }
        if (field(&pa.contents, 2, RD_BER_OCTET_STRING, false, &e, &present, &out->non_der, diag,
                  "krb.padata.value") != RD_OK) {
            return RD_MALFORMED;
        }
        if (!rd_cur_is_empty(&pa.contents)) {
            return rd_fail(diag, RD_WHY_TRAILING, &pa.contents, "krb.padata");
        }
        if (type == RD_KRB_PA_PK_AS_REQ || type == RD_KRB_PA_PK_AS_REP) {
            out->is_pkinit = true;
        }
        if (out->padata_count < RD_KRB_MAX_PADATA) {
            out->padata_types[out->padata_count++] = type;
        } else {
            out->padata_dropped++;
        }
    }
    return RD_OK;
}

/* EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET
 * STRING }: the etype and the cipher's length, nothing else. */
static enum rd_status encrypted_data(struct rd_cur contents, int32_t *etype, size_t *len,
                                     bool *non_der, struct rd_diag *diag)
{
    struct rd_ber_elem e;
    bool present;

    if (field(&contents, 0, RD_BER_INTEGER, false, &e, &present, non_der, diag,
              "krb.enc_data.etype") != RD_OK ||
        int32_of(e.contents, etype, non_der, diag, "krb.enc_data.etype") != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&contents, 1, RD_BER_INTEGER, true, &e, &present, non_der, diag,
              "krb.enc_data.kvno") != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&contents, 2, RD_BER_OCTET_STRING, false, &e, &present, non_der, diag,
              "krb.enc_data.cipher") != RD_OK) {
        return RD_MALFORMED;
    }
    if (!rd_cur_is_empty(&contents)) {
        return rd_fail(diag, RD_WHY_TRAILING, &contents, "krb.enc_data");
    }
    *len = e.contents.len;
    return RD_OK;
}

static enum rd_status realm_field(struct rd_cur *body, unsigned n, bool optional,
                                  struct rd_krb_msg *out, struct rd_diag *diag)
{
    struct rd_ber_elem e;
    bool present;

    if (field(body, n, RD_BER_GENERAL_STRING, optional, &e, &present, &out->non_der, diag,
              "krb.realm") != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        out->has_realm = true;
        return kstring(e.contents, out->realm, sizeof out->realm, &out->realm_truncated);
    }
    return RD_OK;
}

static enum rd_status principal_field(struct rd_cur *body, unsigned n, bool optional,
                                      struct rd_krb_principal *p, bool *non_der,
                                      struct rd_diag *diag)
{
    struct rd_ber_elem e;
    bool present;

    if (field(body, n, RD_BER_SEQUENCE, optional, &e, &present, non_der, diag, "krb.principal") !=
        RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        return principal(e.contents, p, non_der, diag);
    }
    return RD_OK;
}

/* pvno and msg-type at context tags a and a+1; both must match. */
static enum rd_status pvno_type(struct rd_cur *body, unsigned a, uint32_t want,
                                struct rd_krb_msg *out, struct rd_diag *diag)
{
    struct rd_ber_elem e;
    bool present;
    int32_t v;

    if (field(body, a, RD_BER_INTEGER, false, &e, &present, &out->non_der, diag, "krb.pvno") !=
            RD_OK ||
        int32_of(e.contents, &v, &out->non_der, diag, "krb.pvno") != RD_OK) {
        return RD_MALFORMED;
    }
    /* RFC 4120 5.4.1 etc.: pvno is 5. */
    if (v != (int32_t)KRB_PVNO) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &e.contents, "krb.pvno");
    }
    if (field(body, a + 1, RD_BER_INTEGER, false, &e, &present, &out->non_der, diag,
              "krb.msg_type") != RD_OK ||
        int32_of(e.contents, &v, &out->non_der, diag, "krb.msg_type") != RD_OK) {
        return RD_MALFORMED;
    }
    /* The msg-type must agree with the [APPLICATION n] tag. */
    if (v != (int32_t)want) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &e.contents, "krb.msg_type");
    }
    return RD_OK;
}

/* Check that a constructed element's contents nest exactly, all the way down,
 * for the fields we do not interpret (RFC 4120 5.4.1 etype, addresses, ...). */
static enum rd_status walk(struct rd_cur c, size_t depth, bool *non_der, struct rd_diag *diag)
{
    if (depth > RD_BER_MAX_DEPTH) {
        return rd_fail(diag, RD_WHY_LIMIT, &c, "krb.nesting");
    }
    while (!rd_cur_is_empty(&c)) {
        struct rd_ber_elem e;
        if (rd_ber_get_any(&c, &e, diag) != RD_OK) {
            return RD_MALFORMED;
        }
        *non_der = *non_der || e.non_der;
        if (RD_BER_TAG_CONSTRUCTED(e.tag) && walk(e.contents, depth + 1, non_der, diag) != RD_OK) {
            return RD_MALFORMED;
        }
    }
    return RD_OK;
}

static enum rd_status etype_list(struct rd_ber_elem list, struct rd_diag *diag)
{
    struct rd_cur c = list.contents;

    if (list.tag != RD_BER_SEQUENCE) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &list.contents, "krb.req_body.etype");
    }
    while (!rd_cur_is_empty(&c)) {
        struct rd_ber_elem e;
        int64_t v;
        if (rd_ber_get(&c, RD_BER_INTEGER, &e, diag) != RD_OK ||
            rd_ber_int64(e.contents, &v, NULL, diag) != RD_OK) {
            return rd_fail(diag, RD_WHY_BAD_VALUE, &c, "krb.req_body.etype");
        }
    }
    return RD_OK;
}

/* ---- messages --------------------------------------------------------- */

/*
 * KDC-REQ (AS-REQ [APPLICATION 10], TGS-REQ [APPLICATION 12]) - RFC 4120 5.4.1
 *   SEQUENCE { pvno [1], msg-type [2], padata [3] SEQUENCE OF PA-DATA OPTIONAL,
 *              req-body [4] KDC-REQ-BODY }
 *   KDC-REQ-BODY ::= SEQUENCE { kdc-options [0], cname [1] OPTIONAL, realm [2],
 *              sname [3] OPTIONAL, from [4] OPTIONAL, till [5], rtime [6] OPTIONAL,
 *              nonce [7], etype [8], addresses [9] OPTIONAL,
 *              enc-authorization-data [10] OPTIONAL, additional-tickets [11] OPTIONAL }
 */
static enum rd_status kdc_req(struct rd_cur body, struct rd_krb_msg *out, struct rd_diag *diag)
{
    struct rd_ber_elem e;
    struct rd_cur rb;
    bool present;

    if (pvno_type(&body, 1, out->msg_type, out, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&body, 3, RD_BER_SEQUENCE, true, &e, &present, &out->non_der, diag, "krb.padata") !=
        RD_OK) {
        return RD_MALFORMED;
    }
    if (present && padata_list(e.contents, out, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&body, 4, RD_BER_SEQUENCE, false, &e, &present, &out->non_der, diag,
              "krb.req_body") != RD_OK) {
        return RD_MALFORMED;
    }
    if (!rd_cur_is_empty(&body)) {
        return rd_fail(diag, RD_WHY_TRAILING, &body, "krb.kdc_req");
    }
    rb = e.contents;
    if (field(&rb, 0, RD_BER_BIT_STRING, false, &e, &present, &out->non_der, diag,
              "krb.req_body.kdc_options") != RD_OK ||
        principal_field(&rb, 1, true, &out->cname, &out->non_der, diag) != RD_OK ||
        realm_field(&rb, 2, false, out, diag) != RD_OK ||
        principal_field(&rb, 3, true, &out->sname, &out->non_der, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&rb, 4, RD_BER_GENERALIZED_TIME, true, &e, &present, &out->non_der, diag,
              "krb.req_body.from") != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&rb, 5, RD_BER_GENERALIZED_TIME, false, &e, &present, &out->non_der, diag,
              "krb.req_body.till") != RD_OK ||
        ktime(e.contents, &out->till, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    out->has_till = true;
    /* rtime, nonce, etype, addresses, enc-authorization-data, additional-tickets:
     * counted as present structure only (RFC 4120 5.4.1); the order is checked by
     * reading them in sequence. */
    {
        static const unsigned rest[] = {6, 7, 8, 9, 10, 11};
        static const bool optional[] = {true, false, false, true, true, true};
        for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++) {
            struct rd_ber_elem outer;
            if (rd_ber_optional(&rb, RD_BER_CTX(rest[i]), &outer, &present, diag) != RD_OK) {
                return RD_MALFORMED;
            }
            if (!present && !optional[i]) {
                return rd_fail(diag, RD_WHY_BAD_VALUE, &rb, "krb.req_body");
            }
            if (present) {
                /* Each [n] wraps exactly one element. */
                struct rd_cur inner = outer.contents;
                struct rd_ber_elem one;
                if (rd_ber_get_any(&inner, &one, diag) != RD_OK) {
                    return RD_MALFORMED;
                }
                if (!rd_cur_is_empty(&inner)) {
                    return rd_fail(diag, RD_WHY_TRAILING, &inner, "krb.req_body");
                }
                /* RFC 4120 5.4.1: etype ::= SEQUENCE OF Int32. */
                if (rest[i] == 8 && etype_list(one, diag) != RD_OK) {
                    return RD_MALFORMED;
                }
                if (RD_BER_TAG_CONSTRUCTED(one.tag) &&
                    walk(one.contents, 1, &out->non_der, diag) != RD_OK) {
                    return RD_MALFORMED;
                }
                out->non_der = out->non_der || outer.non_der || one.non_der;
            }
        }
    }
    if (!rd_cur_is_empty(&rb)) {
        return rd_fail(diag, RD_WHY_TRAILING, &rb, "krb.req_body");
    }
    return RD_OK;
}

/* Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0], realm [1], sname [2], enc-part [3] } */
static enum rd_status ticket(const struct rd_ber_elem *outer, struct rd_krb_msg *out,
                             struct rd_diag *diag)
{
    struct rd_ber_elem app;
    struct rd_ber_elem seq;
    struct rd_ber_elem e;
    struct rd_cur t;
    bool present;
    int32_t etype;

    if (explicit_one(outer, RD_BER_APP(1), &app, &out->non_der, diag, "krb.ticket") != RD_OK) {
        return RD_MALFORMED;
    }
    t = app.contents;
    if (rd_ber_get(&t, RD_BER_SEQUENCE, &seq, diag) != RD_OK || !rd_cur_is_empty(&t)) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &app.contents, "krb.ticket");
    }
    t = seq.contents;
    if (field(&t, 0, RD_BER_INTEGER, false, &e, &present, &out->non_der, diag,
              "krb.ticket.tkt_vno") != RD_OK) {
        return RD_MALFORMED;
    }
    if (!out->has_realm) {
        if (realm_field(&t, 1, false, out, diag) != RD_OK) {
            return RD_MALFORMED;
        }
    } else if (field(&t, 1, RD_BER_GENERAL_STRING, false, &e, &present, &out->non_der, diag,
                     "krb.ticket.realm") != RD_OK) {
        return RD_MALFORMED;
    }
    if (principal_field(&t, 2, false, &out->sname, &out->non_der, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&t, 3, RD_BER_SEQUENCE, false, &e, &present, &out->non_der, diag,
              "krb.ticket.enc_part") != RD_OK ||
        encrypted_data(e.contents, &etype, &out->ticket_cipher_len, &out->non_der, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (!rd_cur_is_empty(&t)) {
        return rd_fail(diag, RD_WHY_TRAILING, &t, "krb.ticket");
    }
    return RD_OK;
}

/*
 * KDC-REP (AS-REP [APPLICATION 11], TGS-REP [APPLICATION 13]) - RFC 4120 5.4.2
 *   SEQUENCE { pvno [0], msg-type [1], padata [2] OPTIONAL, crealm [3], cname [4],
 *              ticket [5] Ticket, enc-part [6] EncryptedData }
 */
static enum rd_status kdc_rep(struct rd_cur body, struct rd_krb_msg *out, struct rd_diag *diag)
{
    struct rd_ber_elem e;
    struct rd_ber_elem outer;
    bool present;

    if (pvno_type(&body, 0, out->msg_type, out, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&body, 2, RD_BER_SEQUENCE, true, &e, &present, &out->non_der, diag, "krb.padata") !=
        RD_OK) {
        return RD_MALFORMED;
    }
    if (present && padata_list(e.contents, out, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (realm_field(&body, 3, false, out, diag) != RD_OK ||
        principal_field(&body, 4, false, &out->cname, &out->non_der, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (rd_ber_get(&body, RD_BER_CTX(5), &outer, diag) != RD_OK) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &body, "krb.kdc_rep.ticket");
    }
    if (ticket(&outer, out, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&body, 6, RD_BER_SEQUENCE, false, &e, &present, &out->non_der, diag,
              "krb.kdc_rep.enc_part") != RD_OK ||
        encrypted_data(e.contents, &out->enc_part_etype, &out->enc_part_len, &out->non_der, diag) !=
            RD_OK) {
        return RD_MALFORMED;
    }
    if (!rd_cur_is_empty(&body)) {
        return rd_fail(diag, RD_WHY_TRAILING, &body, "krb.kdc_rep");
    }
    return RD_OK;
}

/*
 * AP-REQ [APPLICATION 14] - RFC 4120 5.5.1
 *   SEQUENCE { pvno [0], msg-type [1], ap-options [2] APOptions, ticket [3] Ticket,
 *              authenticator [4] EncryptedData }
 */
static enum rd_status ap_req(struct rd_cur body, struct rd_krb_msg *out, struct rd_diag *diag)
{
    struct rd_ber_elem e;
    struct rd_ber_elem outer;
    bool present;

    if (pvno_type(&body, 0, out->msg_type, out, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&body, 2, RD_BER_BIT_STRING, false, &e, &present, &out->non_der, diag,
              "krb.ap_req.ap_options") != RD_OK) {
        return RD_MALFORMED;
    }
    if (rd_ber_get(&body, RD_BER_CTX(3), &outer, diag) != RD_OK) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &body, "krb.ap_req.ticket");
    }
    if (ticket(&outer, out, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&body, 4, RD_BER_SEQUENCE, false, &e, &present, &out->non_der, diag,
              "krb.ap_req.authenticator") != RD_OK ||
        encrypted_data(e.contents, &out->enc_part_etype, &out->enc_part_len, &out->non_der, diag) !=
            RD_OK) {
        return RD_MALFORMED;
    }
    if (!rd_cur_is_empty(&body)) {
        return rd_fail(diag, RD_WHY_TRAILING, &body, "krb.ap_req");
    }
    return RD_OK;
}

/* AP-REP [APPLICATION 15] - RFC 4120 5.5.2: SEQUENCE { pvno [0], msg-type [1], enc-part [2] } */
static enum rd_status ap_rep(struct rd_cur body, struct rd_krb_msg *out, struct rd_diag *diag)
{
    struct rd_ber_elem e;
    bool present;

    if (pvno_type(&body, 0, out->msg_type, out, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&body, 2, RD_BER_SEQUENCE, false, &e, &present, &out->non_der, diag,
              "krb.ap_rep.enc_part") != RD_OK ||
        encrypted_data(e.contents, &out->enc_part_etype, &out->enc_part_len, &out->non_der, diag) !=
            RD_OK) {
        return RD_MALFORMED;
    }
    if (!rd_cur_is_empty(&body)) {
        return rd_fail(diag, RD_WHY_TRAILING, &body, "krb.ap_rep");
    }
    return RD_OK;
}

/*
 * KRB-ERROR [APPLICATION 30] - RFC 4120 5.9.1
 *   SEQUENCE { pvno [0], msg-type [1], ctime [2] OPTIONAL, cusec [3] OPTIONAL,
 *              stime [4], susec [5], error-code [6], crealm [7] OPTIONAL,
 *              cname [8] OPTIONAL, realm [9], sname [10], e-text [11] OPTIONAL,
 *              e-data [12] OPTIONAL }
 */
static enum rd_status krb_error(struct rd_cur body, struct rd_krb_msg *out, struct rd_diag *diag)
{
    struct rd_ber_elem e;
    bool present;
    char crealm[RD_KRB_NAME_MAX];
    bool crealm_trunc = false;

    if (pvno_type(&body, 0, out->msg_type, out, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&body, 2, RD_BER_GENERALIZED_TIME, true, &e, &present, &out->non_der, diag,
              "krb.error.ctime") != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        if (ktime(e.contents, &out->ctime, diag) != RD_OK) {
            return RD_MALFORMED;
        }
        out->has_ctime = true;
    }
    if (field(&body, 3, RD_BER_INTEGER, true, &e, &present, &out->non_der, diag,
              "krb.error.cusec") != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&body, 4, RD_BER_GENERALIZED_TIME, false, &e, &present, &out->non_der, diag,
              "krb.error.stime") != RD_OK ||
        ktime(e.contents, &out->stime, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    out->has_stime = true;
    if (field(&body, 5, RD_BER_INTEGER, false, &e, &present, &out->non_der, diag,
              "krb.error.susec") != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&body, 6, RD_BER_INTEGER, false, &e, &present, &out->non_der, diag,
              "krb.error.error_code") != RD_OK ||
        int32_of(e.contents, &out->error_code, &out->non_der, diag, "krb.error.error_code") !=
            RD_OK) {
        return RD_MALFORMED;
    }
    out->has_error_code = true;
    if (field(&body, 7, RD_BER_GENERAL_STRING, true, &e, &present, &out->non_der, diag,
              "krb.error.crealm") != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        (void)kstring(e.contents, crealm, sizeof crealm, &crealm_trunc);
    }
    if (principal_field(&body, 8, true, &out->cname, &out->non_der, diag) != RD_OK ||
        realm_field(&body, 9, false, out, diag) != RD_OK ||
        principal_field(&body, 10, false, &out->sname, &out->non_der, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (field(&body, 11, RD_BER_GENERAL_STRING, true, &e, &present, &out->non_der, diag,
              "krb.error.e_text") != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        out->has_e_text = true;
        (void)kstring(e.contents, out->e_text, sizeof out->e_text, &out->e_text_truncated);
    }
    if (field(&body, 12, RD_BER_OCTET_STRING, true, &e, &present, &out->non_der, diag,
              "krb.error.e_data") != RD_OK) {
        return RD_MALFORMED;
    }
    if (present) {
        struct rd_cur ed = e.contents;
        struct rd_ber_elem md;
        struct rd_diag scratch = {RD_WHY_NONE, NULL, 0};
        struct rd_krb_msg tmp;
        out->e_data_len = e.contents.len;
        /* RFC 4120 5.9.1: for PREAUTH_REQUIRED/FAILED the e-data is METHOD-DATA (a
         * SEQUENCE OF PA-DATA).  Other errors type it differently, so a failure
         * here is not an error of the message. */
        memset(&tmp, 0, sizeof tmp);
        if (rd_ber_get(&ed, RD_BER_SEQUENCE, &md, &scratch) == RD_OK && rd_cur_is_empty(&ed) &&
            padata_list(md.contents, &tmp, &scratch) == RD_OK) {
            memcpy(out->padata_types, tmp.padata_types, sizeof out->padata_types);
            out->padata_count = tmp.padata_count;
            out->padata_dropped = tmp.padata_dropped;
            /* These are the KDC's offer, not the client's choice: not PKINIT in use. */
        }
    }
    if (!rd_cur_is_empty(&body)) {
        return rd_fail(diag, RD_WHY_TRAILING, &body, "krb.error");
    }
    return RD_OK;
}

/* ---- public ------------------------------------------------------------ */

enum rd_status rd_krb_parse(struct rd_cur in, struct rd_krb_msg *out, struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_ber_elem app;
    struct rd_ber_elem seq;
    struct rd_cur body;
    uint32_t n;

    memset(out, 0, sizeof *out);
    if (rd_ber_get_any(&c, &app, diag) != RD_OK) {
        return RD_MALFORMED;
    }
    if (!rd_cur_is_empty(&c)) {
        return rd_fail(diag, RD_WHY_TRAILING, &c, "krb.message");
    }
    n = RD_BER_TAG_NUMBER(app.tag);
    if (RD_BER_TAG_CLASS(app.tag) != RD_BER_APPLICATION || !RD_BER_TAG_CONSTRUCTED(app.tag) ||
        ((n < RD_KRB_AS_REQ || n > RD_KRB_AP_REP) && n != RD_KRB_ERROR_MSG)) {
        return rd_fail(diag, RD_WHY_UNSUPPORTED, &in, "krb.message");
    }
    out->msg_type = n;
    out->non_der = app.non_der;
    body = app.contents;
    if (rd_ber_get(&body, RD_BER_SEQUENCE, &seq, diag) != RD_OK) {
        return rd_fail(diag, RD_WHY_BAD_VALUE, &app.contents, "krb.message");
    }
    if (!rd_cur_is_empty(&body)) {
        return rd_fail(diag, RD_WHY_TRAILING, &body, "krb.message");
    }
    out->non_der = out->non_der || seq.non_der;
    switch (n) {
    case RD_KRB_AS_REQ:
    case RD_KRB_TGS_REQ:
        return kdc_req(seq.contents, out, diag);
    case RD_KRB_AS_REP:
    case RD_KRB_TGS_REP:
        return kdc_rep(seq.contents, out, diag);
    case RD_KRB_AP_REQ:
        return ap_req(seq.contents, out, diag);
    case RD_KRB_AP_REP:
        return ap_rep(seq.contents, out, diag);
    default:
        return krb_error(seq.contents, out, diag);
    }
}

enum rd_status rd_krb_frame_tcp(struct rd_cur in, size_t *total, struct rd_diag *diag)
{
    struct rd_cur c = in;
    uint32_t len;

    if (!rd_cur_u32be(&c, &len)) {
        *total = 4;
        return RD_NEED_MORE;
    }
    /* RFC 4120 7.2.2: the high bit of the length is reserved for extensions. */
    if ((len & 0x80000000u) != 0) {
        return rd_fail(diag, RD_WHY_UNSUPPORTED, &in, "krb.tcp.length");
    }
    *total = 4 + (size_t)len;
    return c.len >= len ? RD_OK : RD_NEED_MORE;
}

enum rd_status rd_krb_parse_tcp(struct rd_cur in, struct rd_krb_msg *out, struct rd_diag *diag)
{
    struct rd_cur c = in;
    struct rd_cur body;
    uint32_t len;

    if (!rd_cur_u32be(&c, &len)) {
        memset(out, 0, sizeof *out);
        return rd_fail(diag, RD_WHY_SHORT, &in, "krb.tcp.length");
    }
    if ((len & 0x80000000u) != 0) {
        memset(out, 0, sizeof *out);
        return rd_fail(diag, RD_WHY_UNSUPPORTED, &in, "krb.tcp.length");
    }
    if (!rd_cur_take(&c, len, &body)) {
        memset(out, 0, sizeof *out);
        return rd_fail(diag, RD_WHY_SHORT, &in, "krb.tcp.length");
    }
    if (!rd_cur_is_empty(&c)) {
        memset(out, 0, sizeof *out);
        return rd_fail(diag, RD_WHY_TRAILING, &c, "krb.tcp");
    }
    return rd_krb_parse(body, out, diag);
}
