/*
 * check_spnego.c - unit tests for dissectors/spnego.c (RFC 4178 SPNEGO, GSS-API
 * InitialContextToken wrappers, raw NTLMSSP recognition).
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ber.h"
#include "spnego.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Real NegTokenInit, rdp-nla-kerberos-auth1.pcapng frame 18 (the client's first
 * TSRequest negoToken, 152 bytes); the SPN host name is replaced by the same-length
 * placeholder EXAMPLE-HOST.ad.example.local:
 *   60 81 95                       [APPLICATION 0] InitialContextToken
 *     06 06 2b 06 01 05 05 02      OID 1.3.6.1.5.5.2 (SPNEGO)
 *     a0 81 8a                     [0] negTokenInit
 *       30 81 87                   SEQUENCE
 *         a0 30 30 2e              [0] mechTypes SEQUENCE OF
 *           06 09 2a 86 48 82 f7 12 01 02 02      MS-Kerberos
 *           06 09 2a 86 48 86 f7 12 01 02 02      Kerberos
 *           06 0a 2b 06 01 04 01 82 37 02 02 1e   NegoEx
 *           06 0a 2b 06 01 04 01 82 37 02 02 0a   NTLM
 *         a2 53 04 51                [2] mechToken OCTET STRING, 81 bytes
 *           60 4f                    [APPLICATION 0]
 *             06 0a 2a 86 48 86 f7 12 01 02 02 03   OID Kerberos user-to-user
 *             04 00                  TOK_ID 0x0400 (TGT-REQ)
 *             30 3f ...              KRB-TGT-REQUEST { pvno 5, msg-type 16,
 *                                      server-name { 2, "TERMSRV", host } } */
static const uint8_t v_init_real[] = {
    0x60, 0x81, 0x95, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02, 0xa0, 0x81, 0x8a, 0x30, 0x81,
    0x87, 0xa0, 0x30, 0x30, 0x2e, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02,
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x06, 0x0a, 0x2b, 0x06, 0x01,
    0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x1e, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37,
    0x02, 0x02, 0x0a, 0xa2, 0x53, 0x04, 0x51, 0x60, 0x4f, 0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7,
    0x12, 0x01, 0x02, 0x02, 0x03, 0x04, 0x00, 0x30, 0x3f, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1, 0x03,
    0x02, 0x01, 0x10, 0xa2, 0x33, 0x30, 0x31, 0xa0, 0x03, 0x02, 0x01, 0x02, 0xa1, 0x2a, 0x30, 0x28,
    0x1b, 0x07, 0x54, 0x45, 0x52, 0x4d, 0x53, 0x52, 0x56, 0x1b, 0x1d, 0x45, 0x58, 0x41, 0x4d, 0x50,
    0x4c, 0x45, 0x2d, 0x48, 0x4f, 0x53, 0x54, 0x2e, 0x61, 0x64, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70,
    0x6c, 0x65, 0x2e, 0x6c, 0x6f, 0x63, 0x61, 0x6c,
};

/* Real NegTokenResp, rdp-nla-kerberos-auth1.pcapng frame 24 (server, 204 bytes); the
 * AP-REP enc-part ciphertext (109 bytes) is replaced by filler 0xc5 and the MIC
 * checksum (12 bytes) by filler 0xc6:
 *   a1 81 c9                       [1] negTokenResp
 *     30 81 c6                     SEQUENCE
 *       a0 03 0a 01 01             [0] negState accept-incomplete
 *       a2 81 9e 04 81 9b          [2] responseToken, 155 bytes
 *         60 81 98                 [APPLICATION 0]
 *           06 09 2a 86 48 86 f7 12 01 02 02   OID Kerberos
 *           02 00                  TOK_ID 0x0200 (AP-REP)
 *           6f 81 87 ...           AP-REP { pvno 5, msg-type 15, enc-part { etype 18,
 *                                    cipher (filler) } }
 *       a3 1e 04 1c                [3] mechListMIC, 28 bytes (GSS GetMIC token) */
static const uint8_t v_resp_real[] = {
    0xa1, 0x81, 0xc9, 0x30, 0x81, 0xc6, 0xa0, 0x03, 0x0a, 0x01, 0x01, 0xa2, 0x81, 0x9e, 0x04, 0x81,
    0x9b, 0x60, 0x81, 0x98, 0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x03,
    0x02, 0x00, 0x6f, 0x81, 0x87, 0x30, 0x81, 0x84, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1, 0x03, 0x02,
    0x01, 0x0f, 0xa2, 0x78, 0x30, 0x76, 0xa0, 0x03, 0x02, 0x01, 0x12, 0xa2, 0x6f, 0x04, 0x6d, 0xc5,
    0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5,
    0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5,
    0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5,
    0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5,
    0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5,
    0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5,
    0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xc5, 0xa3, 0x1e, 0x04, 0x1c,
    0x04, 0x04, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x26, 0xd2, 0xd6, 0x7e,
    0xc6, 0xc6, 0xc6, 0xc6, 0xc6, 0xc6, 0xc6, 0xc6, 0xc6, 0xc6, 0xc6, 0xc6,
};

/* Minimal NegTokenResp: only negState reject.
 *   a1 07 30 05 a0 03 0a 01 02 */
static const uint8_t v_resp_min[] = {
    0xa1, 0x07,                   /* [1] negTokenResp */
    0x30, 0x05,                   /* SEQUENCE */
    0xa0, 0x03, 0x0a, 0x01, 0x02, /* [0] negState reject */
};

/* NegTokenResp with supportedMech NTLM and a raw NTLMSSP responseToken (synthetic):
 *   a1 24 30 22
 *     a0 03 0a 01 01                                   negState accept-incomplete
 *     a1 0c 06 0a 2b 06 01 04 01 82 37 02 02 0a        supportedMech NTLM
 *     a2 0d 04 0b 4e 54 4c 4d 53 53 50 00 02 00 00     responseToken "NTLMSSP\0" 02 00 00 */
static const uint8_t v_resp_ntlm[] = {
    0xa1, 0x24,                                           /* [1] */
    0x30, 0x22,                                           /* SEQUENCE */
    0xa0, 0x03, 0x0a, 0x01, 0x01,                         /* negState */
    0xa1, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, /* supportedMech */
    0x82, 0x37, 0x02, 0x02, 0x0a,                         /* ... NTLM */
    0xa2, 0x0d, 0x04, 0x0b,                               /* responseToken, 11 bytes */
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00,       /* "NTLMSSP\0" */
    0x02, 0x00, 0x00,                                     /* start of a CHALLENGE */
};

/* A raw NTLMSSP message as CredSSP sends it (NEGOTIATE header only). */
static const uint8_t v_raw_ntlm[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, /* "NTLMSSP\0" */
    0x01, 0x00, 0x00, 0x00,                         /* NEGOTIATE */
};

/* A bare GSS Kerberos KRB-ERROR token (empty message body, synthetic):
 *   60 0d 06 09 2a 86 48 86 f7 12 01 02 02 03 00 */
static const uint8_t v_krb_error_tok[] = {
    0x60, 0x0d,                                                 /* [APPLICATION 0] */
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, /* OID Kerberos */
    0x02,                                                       /* ... */
    0x03, 0x00,                                                 /* TOK_ID KRB-ERROR */
};

/* NegTokenInit2 from a server (MS-SPNG 2.2.1): mechTypes {NTLM}, negHints, mechListMIC.
 *   60 2f 06 06 2b 06 01 05 05 02
 *     a0 25 30 23
 *       a0 0e 30 0c 06 0a 2b 06 01 04 01 82 37 02 02 0a   mechTypes {NTLM}
 *       a3 0b 30 09 a0 07 1b 05 "hint"                    negHints { hintName }
 *       a4 04 04 02 ab cd                                 mechListMIC */
static const uint8_t v_init2[] = {
    0x60, 0x2f,                                                             /* [APPLICATION 0] */
    0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02,                         /* SPNEGO */
    0xa0, 0x25, 0x30, 0x23,                                                 /* [0] SEQUENCE */
    0xa0, 0x0e, 0x30, 0x0c,                                                 /* mechTypes */
    0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a, /* NTLM */
    0xa3, 0x0b, 0x30, 0x09, 0xa0, 0x07, 0x1b, 0x05, 'h',  'i',  'n',  't',  's', /* negHints */
    0xa4, 0x04, 0x04, 0x02, 0xab, 0xcd,                                          /* mechListMIC */
};

/* NegTokenInit with nine mechTypes (PKU2U x9): one more than RD_SPNEGO_MAX_MECHS. */
static const uint8_t v_init_many[] = {
    0x60, 0x58, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02, /* SPNEGO */
    0xa0, 0x4e, 0x30, 0x4c,                                     /* [0] SEQUENCE */
    0xa0, 0x4a, 0x30, 0x48,                                     /* mechTypes, 9 x 8 bytes */
    0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x02, 0x07,             /* PKU2U 1 */
    0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x02, 0x07,             /* 2 */
    0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x02, 0x07,             /* 3 */
    0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x02, 0x07,             /* 4 */
    0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x02, 0x07,             /* 5 */
    0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x02, 0x07,             /* 6 */
    0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x02, 0x07,             /* 7 */
    0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x02, 0x07,             /* 8 */
    0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x02, 0x07,             /* 9 */
};

/* Failures. */
static const uint8_t v_unknown_oid[] = {0x60, 0x05, 0x06, 0x03, 0x2a, 0x03, 0x04};
static const uint8_t v_unknown_first[] = {0x30, 0x00};
static const uint8_t v_resp_trailing[] = {0xa1, 0x07, 0x30, 0x05, 0xa0,
                                          0x03, 0x0a, 0x01, 0x02, 0x00};
static const uint8_t v_resp_inner_trailing[] = {0xa1, 0x09, 0x30, 0x07, 0xa0, 0x03,
                                                0x0a, 0x01, 0x02, 0x05, 0x00};
static const uint8_t v_init_no_mechs[] = {0x60, 0x0e, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05,
                                          0x05, 0x02, 0xa0, 0x04, 0x30, 0x02, 0x05, 0x00};
static const uint8_t v_krb_no_tokid[] = {0x60, 0x0c, 0x06, 0x09, 0x2a, 0x86, 0x48,
                                         0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x03};

struct sp_vec {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    enum rd_status status;
    enum rd_why why;
    enum rd_spnego_kind kind;
    enum rd_spnego_inner inner_kind;
    uint16_t tok_id;
};

static const struct sp_vec sp_vecs[] = {
    {"init-real", v_init_real, sizeof v_init_real, RD_OK, RD_WHY_NONE, RD_SPNEGO_KIND_INIT,
     RD_SPNEGO_INNER_KRB5, 0x0400},
    {"resp-real", v_resp_real, sizeof v_resp_real, RD_OK, RD_WHY_NONE, RD_SPNEGO_KIND_RESP,
     RD_SPNEGO_INNER_KRB5, 0x0200},
    {"resp-min", v_resp_min, sizeof v_resp_min, RD_OK, RD_WHY_NONE, RD_SPNEGO_KIND_RESP,
     RD_SPNEGO_INNER_NONE, 0},
    {"resp-ntlm", v_resp_ntlm, sizeof v_resp_ntlm, RD_OK, RD_WHY_NONE, RD_SPNEGO_KIND_RESP,
     RD_SPNEGO_INNER_NTLMSSP, 0},
    {"raw-ntlm", v_raw_ntlm, sizeof v_raw_ntlm, RD_OK, RD_WHY_NONE, RD_SPNEGO_KIND_NTLMSSP,
     RD_SPNEGO_INNER_NTLMSSP, 0},
    {"krb-error-token", v_krb_error_tok, sizeof v_krb_error_tok, RD_OK, RD_WHY_NONE,
     RD_SPNEGO_KIND_KRB5, RD_SPNEGO_INNER_KRB5, 0x0300},
    {"init2", v_init2, sizeof v_init2, RD_OK, RD_WHY_NONE, RD_SPNEGO_KIND_INIT,
     RD_SPNEGO_INNER_NONE, 0},
    {"init-many", v_init_many, sizeof v_init_many, RD_OK, RD_WHY_NONE, RD_SPNEGO_KIND_INIT,
     RD_SPNEGO_INNER_NONE, 0},
    {.name = "unknown-oid",
     .bytes = v_unknown_oid,
     .len = sizeof v_unknown_oid,
     .status = RD_MALFORMED,
     .why = RD_WHY_UNSUPPORTED},
    {.name = "unknown-first",
     .bytes = v_unknown_first,
     .len = sizeof v_unknown_first,
     .status = RD_MALFORMED,
     .why = RD_WHY_UNSUPPORTED},
    {.name = "resp-trailing",
     .bytes = v_resp_trailing,
     .len = sizeof v_resp_trailing,
     .status = RD_MALFORMED,
     .why = RD_WHY_TRAILING},
    {.name = "resp-inner-trailing",
     .bytes = v_resp_inner_trailing,
     .len = sizeof v_resp_inner_trailing,
     .status = RD_MALFORMED,
     .why = RD_WHY_TRAILING},
    {.name = "init-no-mechs",
     .bytes = v_init_no_mechs,
     .len = sizeof v_init_no_mechs,
     .status = RD_MALFORMED,
     .why = RD_WHY_BAD_VALUE},
    {.name = "krb-no-tokid",
     .bytes = v_krb_no_tokid,
     .len = sizeof v_krb_no_tokid,
     .status = RD_MALFORMED,
     .why = RD_WHY_SHORT},
    {.name = "empty", .bytes = v_resp_min, .len = 0, .status = RD_MALFORMED, .why = RD_WHY_SHORT},
};

static enum rd_status parse_copy(const uint8_t *bytes, size_t len, struct rd_spnego_token *out,
                                 struct rd_diag *d)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    struct rd_cur c;
    enum rd_status st;

    ck_assert_ptr_nonnull(copy);
    if (len > 0) {
        memcpy(copy, bytes, len);
    }
    rd_cur_init(&c, copy, len);
    st = rd_spnego_parse_token(c, out, d);
    free(copy);
    return st;
}

START_TEST(test_tokens)
{
    const struct sp_vec *v = &sp_vecs[_i];
    struct rd_spnego_token t;
    struct rd_diag d = {0};
    struct rd_cur c;
    enum rd_status st;

    rd_cur_init(&c, v->bytes, v->len);
    st = rd_spnego_parse_token(c, &t, &d);
    ck_assert_msg(st == v->status, "%s: %d %s at %s", v->name, (int)st, rd_why_name(d.why),
                  d.field ? d.field : "-");
    ck_assert_msg(d.why == v->why, "%s: why %s", v->name, rd_why_name(d.why));
    if (st != RD_OK) {
        return;
    }
    ck_assert_int_eq(t.kind, v->kind);
    ck_assert_int_eq(t.inner_kind, v->inner_kind);
    ck_assert_uint_eq(t.krb5_tok_id, v->tok_id);
}
END_TEST

START_TEST(test_init_real_fields)
{
    struct rd_spnego_token t;
    struct rd_diag d = {0};
    struct rd_cur c;

    rd_cur_init(&c, v_init_real, sizeof v_init_real);
    ck_assert_int_eq(rd_spnego_parse_token(c, &t, &d), RD_OK);
    ck_assert_uint_eq(t.mech_count, 4);
    ck_assert_int_eq(t.mechs[0], RD_SPNEGO_MECH_MS_KRB5);
    ck_assert_int_eq(t.mechs[1], RD_SPNEGO_MECH_KRB5);
    ck_assert_int_eq(t.mechs[2], RD_SPNEGO_MECH_NEGOEX);
    ck_assert_int_eq(t.mechs[3], RD_SPNEGO_MECH_NTLM);
    ck_assert_str_eq(rd_spnego_mech_name(t.mechs[0]), "MS-Kerberos");
    ck_assert_uint_eq(t.mechs_dropped, 0);
    ck_assert(t.has_mech_token);
    ck_assert_uint_eq(t.mech_token.len, 81);
    ck_assert_str_eq(rd_spnego_krb5_tok_name(t.krb5_tok_id), "TGT-REQ");
    ck_assert_uint_eq(t.inner.len, 65);
    ck_assert_uint_eq(t.inner.p[0], 0x30);
    ck_assert(!t.has_mech_list_mic);
    ck_assert(!t.non_der);
}
END_TEST

START_TEST(test_resp_real_fields)
{
    struct rd_spnego_token t;
    struct rd_diag d = {0};
    struct rd_cur c;

    rd_cur_init(&c, v_resp_real, sizeof v_resp_real);
    ck_assert_int_eq(rd_spnego_parse_token(c, &t, &d), RD_OK);
    ck_assert(t.has_neg_state);
    ck_assert_str_eq(rd_spnego_neg_state_name(t.neg_state), "accept-incomplete");
    ck_assert(!t.has_supported_mech);
    ck_assert(t.has_mech_token);
    ck_assert_uint_eq(t.mech_token.len, 155);
    ck_assert_str_eq(rd_spnego_krb5_tok_name(t.krb5_tok_id), "AP-REP");
    ck_assert_uint_eq(t.inner.p[0], 0x6f); /* [APPLICATION 15] AP-REP */
    ck_assert(t.has_mech_list_mic);

    rd_cur_init(&c, v_resp_ntlm, sizeof v_resp_ntlm);
    ck_assert_int_eq(rd_spnego_parse_token(c, &t, &d), RD_OK);
    ck_assert(t.has_supported_mech);
    ck_assert_int_eq(t.supported_mech, RD_SPNEGO_MECH_NTLM);
    ck_assert_uint_eq(t.inner.len, 11);

    rd_cur_init(&c, v_resp_min, sizeof v_resp_min);
    ck_assert_int_eq(rd_spnego_parse_token(c, &t, &d), RD_OK);
    ck_assert_str_eq(rd_spnego_neg_state_name(t.neg_state), "reject");
    ck_assert_str_eq(rd_spnego_neg_state_name(9), "unknown");

    rd_cur_init(&c, v_init2, sizeof v_init2);
    ck_assert_int_eq(rd_spnego_parse_token(c, &t, &d), RD_OK);
    ck_assert(t.has_neg_hints);
    ck_assert(t.has_mech_list_mic);
    ck_assert_uint_eq(t.mech_count, 1);

    rd_cur_init(&c, v_init_many, sizeof v_init_many);
    ck_assert_int_eq(rd_spnego_parse_token(c, &t, &d), RD_OK);
    ck_assert_uint_eq(t.mech_count, RD_SPNEGO_MAX_MECHS);
    ck_assert_uint_eq(t.mechs_dropped, 1);
    ck_assert_str_eq(rd_spnego_mech_name(t.mechs[0]), "PKU2U");
}
END_TEST

START_TEST(test_truncation)
{
    const struct sp_vec *v = &sp_vecs[_i];
    if (v->status != RD_OK || v->kind == RD_SPNEGO_KIND_NTLMSSP) {
        return; /* a raw NTLMSSP prefix is still recognised: ntlmssp.c judges it */
    }
    for (size_t n = 0; n < v->len; n++) {
        struct rd_spnego_token t;
        struct rd_diag d = {0};
        ck_assert_msg(parse_copy(v->bytes, n, &t, &d) == RD_MALFORMED, "%s prefix %zu", v->name, n);
    }
}
END_TEST

/* Walk the TLV tree and call fn on every length octet (see check_credssp.c). */
static void each_length(const uint8_t *buf, size_t start, size_t end, size_t depth,
                        void (*fn)(size_t pos, void *ctx), void *ctx)
{
    size_t i = start;
    while (i + 1 < end && depth < RD_BER_MAX_DEPTH) {
        uint8_t id = buf[i];
        size_t lpos = i + 1;
        size_t len = buf[lpos];
        size_t hdr = 2;
        if (len & 0x80u) {
            size_t n = len & 0x7fu;
            ck_assert_uint_le(lpos + n, end - 1);
            len = 0;
            for (size_t k = 0; k < n; k++) {
                len = len << 8 | buf[lpos + 1 + k];
            }
            hdr = 2 + n;
            lpos += n;
        }
        ck_assert_uint_le(i + hdr + len, end);
        fn(lpos, ctx);
        if (id & 0x20u) {
            each_length(buf, i + hdr, i + hdr + len, depth + 1, fn, ctx);
        }
        i += hdr + len;
    }
}

struct mut_ctx {
    const struct sp_vec *v;
    size_t count;
};

static void mutate_at(size_t pos, void *vctx)
{
    struct mut_ctx *m = vctx;
    uint8_t buf[256];
    struct rd_spnego_token t;

    ck_assert_uint_le(m->v->len, sizeof buf);
    for (int delta = -1; delta <= 1; delta += 2) {
        struct rd_diag d = {0};
        memcpy(buf, m->v->bytes, m->v->len);
        if ((delta < 0 && buf[pos] == 0) || (delta > 0 && (buf[pos] == 0x7f || buf[pos] == 0xff))) {
            continue;
        }
        buf[pos] = (uint8_t)(buf[pos] + delta);
        ck_assert_msg(parse_copy(buf, m->v->len, &t, &d) == RD_MALFORMED,
                      "%s: length at %zu %+d accepted", m->v->name, pos, delta);
        m->count++;
    }
}

START_TEST(test_length_off_by_one)
{
    const struct sp_vec *v = &sp_vecs[_i];
    struct mut_ctx m = {v, 0};
    /* A bare Kerberos token's TOK_ID would look like a TLV to the walker: skip it. */
    if (v->status != RD_OK || v->kind == RD_SPNEGO_KIND_NTLMSSP || v->kind == RD_SPNEGO_KIND_KRB5) {
        return;
    }
    each_length(v->bytes, 0, v->len, 0, mutate_at, &m);
    ck_assert_uint_gt(m.count, 0);
}
END_TEST

START_TEST(test_names)
{
    static const uint8_t pku2u[] = {0x2b, 0x06, 0x01, 0x05, 0x02, 0x07};
    struct rd_bytes b = {pku2u, sizeof pku2u};
    ck_assert_int_eq(rd_spnego_mech_from_oid(b), RD_SPNEGO_MECH_PKU2U);
    b.len = 5;
    ck_assert_int_eq(rd_spnego_mech_from_oid(b), RD_SPNEGO_MECH_UNKNOWN);
    ck_assert_str_eq(rd_spnego_mech_name(RD_SPNEGO_MECH_UNKNOWN), "unknown");
    ck_assert_str_eq(rd_spnego_krb5_tok_name(0x0100), "AP-REQ");
    ck_assert_str_eq(rd_spnego_krb5_tok_name(0x0300), "KRB-ERROR");
    ck_assert_str_eq(rd_spnego_krb5_tok_name(0x0999), "unknown");
}
END_TEST

static Suite *spnego_suite(void)
{
    Suite *s = suite_create("spnego");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_tokens, 0, (int)LEN(sp_vecs));
    tcase_add_test(tc, test_init_real_fields);
    tcase_add_test(tc, test_resp_real_fields);
    tcase_add_loop_test(tc, test_truncation, 0, (int)LEN(sp_vecs));
    tcase_add_loop_test(tc, test_length_off_by_one, 0, (int)LEN(sp_vecs));
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(spnego_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
