/*
 * check_credssp.c - unit tests for dissectors/credssp.c (MS-CSSP 2.2.1 TSRequest)
 * and dissectors/ntstatus.c (the names of the codes TSRequest.errorCode carries).
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ber.h"
#include "credssp.h"
#include "ntstatus.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Minimal valid: a TSRequest with only the version.
 *   30 05            SEQUENCE
 *     a0 03          [0] version
 *       02 01 02     INTEGER 2 */
static const uint8_t v_min[] = {
    0x30, 0x05,                   /* SEQUENCE, 5 bytes */
    0xa0, 0x03, 0x02, 0x01, 0x02, /* [0] version 2 */
};

/* Real client TSRequest carrying the NTLMSSP NEGOTIATE, rdp-nla-ntlm-rejected1.pcapng
 * frame 12 (decrypted TLS, 57 bytes):
 *   30 37                      SEQUENCE, 55 bytes
 *     a0 03 02 01 06           [0] version 6
 *     a1 30                    [1] negoTokens
 *       30 2e                  SEQUENCE OF
 *         30 2c                SEQUENCE
 *           a0 2a              [0] negoToken
 *             04 28            OCTET STRING, 40 bytes: NTLMSSP NEGOTIATE
 *               4e 54 4c 4d 53 53 50 00   "NTLMSSP\0"
 *               01 00 00 00               MessageType 1
 *               b7 82 08 e2               NegotiateFlags 0xe20882b7
 *               00 00 00 00 00 00 00 00   DomainNameFields (empty)
 *               00 00 00 00 00 00 00 00   WorkstationFields (empty)
 *               0a 00 5d 58 00 00 00 0f   Version 10.0 build 22621, NTLM rev 15 */
static const uint8_t v_negotiate[] = {
    0x30, 0x37,                                     /* SEQUENCE */
    0xa0, 0x03, 0x02, 0x01, 0x06,                   /* [0] version 6 */
    0xa1, 0x30,                                     /* [1] negoTokens */
    0x30, 0x2e,                                     /* SEQUENCE OF */
    0x30, 0x2c,                                     /* SEQUENCE */
    0xa0, 0x2a,                                     /* [0] negoToken */
    0x04, 0x28,                                     /* OCTET STRING, 40 bytes */
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, /* "NTLMSSP\0" */
    0x01, 0x00, 0x00, 0x00,                         /* NEGOTIATE */
    0xb7, 0x82, 0x08, 0xe2,                         /* flags */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* domain */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* workstation */
    0x0a, 0x00, 0x5d, 0x58, 0x00, 0x00, 0x00, 0x0f, /* version */
};

/* Real server TSRequest rejecting NTLM, rdp-nla-ntlm-rejected1.pcapng frame 15:
 *   30 0d                      SEQUENCE
 *     a0 03 02 01 06           [0] version 6
 *     a4 06                    [4] errorCode
 *       02 04 80 09 03 02      INTEGER -2146892030 = 0x80090302 SEC_E_UNSUPPORTED_FUNCTION */
static const uint8_t v_error[] = {
    0x30, 0x0d,                                     /* SEQUENCE */
    0xa0, 0x03, 0x02, 0x01, 0x06,                   /* [0] version 6 */
    0xa4, 0x06, 0x02, 0x04, 0x80, 0x09, 0x03, 0x02, /* [4] errorCode */
};

/* errorCode written unsigned (a leading 00 keeps it positive), version 3:
 *   30 0e a0 03 02 01 03 a4 07 02 05 00 c0 00 00 6d   STATUS_LOGON_FAILURE */
static const uint8_t v_error_unsigned[] = {
    0x30, 0x0e,                         /* SEQUENCE */
    0xa0, 0x03, 0x02, 0x01, 0x03,       /* [0] version 3 */
    0xa4, 0x07,                         /* [4] errorCode */
    0x02, 0x05, 0x00, 0xc0, 0x00, 0x00, /* INTEGER 0x00c000006d */
    0x6d,
};

/* Every field, synthetic (version 6, filler contents):
 *   30 30                      SEQUENCE, 48 bytes
 *     a0 03 02 01 06           [0] version 6
 *     a1 12                    [1] negoTokens
 *       30 10                  SEQUENCE OF, two entries
 *         30 06 a0 04 04 02 aa aa     token 1: 2 bytes
 *         30 06 a0 04 04 02 bb bb     token 2: 2 bytes
 *     a2 04 04 02 cc cc        [2] authInfo, 2 bytes
 *     a3 04 04 02 dd dd        [3] pubKeyAuth, 2 bytes
 *     a4 03 02 01 00           [4] errorCode 0
 *     a5 04 04 02 ee ee        [5] clientNonce, 2 bytes */
static const uint8_t v_all[] = {
    0x30, 0x30,                                     /* SEQUENCE */
    0xa0, 0x03, 0x02, 0x01, 0x06,                   /* [0] version 6 */
    0xa1, 0x12,                                     /* [1] negoTokens */
    0x30, 0x10,                                     /* SEQUENCE OF */
    0x30, 0x06, 0xa0, 0x04, 0x04, 0x02, 0xaa, 0xaa, /* token 1 */
    0x30, 0x06, 0xa0, 0x04, 0x04, 0x02, 0xbb, 0xbb, /* token 2 */
    0xa2, 0x04, 0x04, 0x02, 0xcc, 0xcc,             /* [2] authInfo */
    0xa3, 0x04, 0x04, 0x02, 0xdd, 0xdd,             /* [3] pubKeyAuth */
    0xa4, 0x03, 0x02, 0x01, 0x00,                   /* [4] errorCode 0 */
    0xa5, 0x04, 0x04, 0x02, 0xee, 0xee,             /* [5] clientNonce */
};

/* errorCode in a version 2 message, clientNonce in version 3: recorded, flagged.
 *   30 10 a0 03 02 01 02 a4 03 02 01 05 a5 04 04 02 ee ee   (version 2) */
static const uint8_t v_early_fields[] = {
    0x30, 0x10,                         /* SEQUENCE */
    0xa0, 0x03, 0x02, 0x01, 0x02,       /* [0] version 2 */
    0xa4, 0x03, 0x02, 0x01, 0x05,       /* [4] errorCode 5 */
    0xa5, 0x04, 0x04, 0x02, 0xee, 0xee, /* [5] clientNonce */
};

/* Fields out of order ([3] before [2]): MS-CSSP 2.2.1 order is fixed, so trailing. */
static const uint8_t v_out_of_order[] = {
    0x30, 0x11,                         /* SEQUENCE */
    0xa0, 0x03, 0x02, 0x01, 0x06,       /* [0] version 6 */
    0xa3, 0x04, 0x04, 0x02, 0xdd, 0xdd, /* [3] pubKeyAuth */
    0xa2, 0x04, 0x04, 0x02, 0xcc, 0xcc, /* [2] authInfo */
};

/* No version: [1] first. */
static const uint8_t v_no_version[] = {
    0x30, 0x06,                         /* SEQUENCE */
    0xa2, 0x04, 0x04, 0x02, 0xcc, 0xcc, /* [2] authInfo */
};

/* Negative version. */
static const uint8_t v_neg_version[] = {
    0x30, 0x05, 0xa0, 0x03, 0x02, 0x01, 0xff, /* [0] version -1 */
};

/* errorCode wider than 32 bits. */
static const uint8_t v_error_wide[] = {
    0x30, 0x0f,                   /* SEQUENCE */
    0xa0, 0x03, 0x02, 0x01, 0x06, /* [0] version 6 */
    0xa4, 0x08,                   /* [4] errorCode */
    0x02, 0x06, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* One trailing byte after the SEQUENCE. */
static const uint8_t v_trailing[] = {
    0x30, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x02, /* minimal */
    0x00,                                     /* trailing */
};

/* A trailing byte inside [0] after the INTEGER. */
static const uint8_t v_trailing_inner[] = {
    0x30, 0x06, 0xa0, 0x04, 0x02, 0x01, 0x02, 0x00,
};

/* A negoTokens entry without its [0]. */
static const uint8_t v_bad_token[] = {
    0x30, 0x0d,                   /* SEQUENCE */
    0xa0, 0x03, 0x02, 0x01, 0x06, /* version 6 */
    0xa1, 0x06, 0x30, 0x04,       /* [1] SEQUENCE OF */
    0x30, 0x02, 0x05, 0x00,       /* SEQUENCE { NULL } */
};

/* Not a SEQUENCE at all (a TLS record header). */
static const uint8_t v_not_seq[] = {0x17, 0x03, 0x03, 0x00, 0x01, 0x00};

struct ts_vec {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    enum rd_status status;
    enum rd_why why;
    uint32_t version;
    size_t count;
    size_t token_len;
    bool has_auth;
    size_t auth_len;
    bool has_pub;
    size_t pub_len;
    bool has_err;
    uint32_t err;
    bool has_nonce;
    bool early;
    bool non_der;
};

static const struct ts_vec ts_vecs[] = {
    {"minimal", v_min, sizeof v_min, RD_OK, RD_WHY_NONE, 2, 0, 0, false, 0, false, 0, false, 0,
     false, false, false},
    {"negotiate", v_negotiate, sizeof v_negotiate, RD_OK, RD_WHY_NONE, 6, 1, 40, false, 0, false, 0,
     false, 0, false, false, false},
    {"error", v_error, sizeof v_error, RD_OK, RD_WHY_NONE, 6, 0, 0, false, 0, false, 0, true,
     0x80090302u, false, false, false},
    {"error-unsigned", v_error_unsigned, sizeof v_error_unsigned, RD_OK, RD_WHY_NONE, 3, 0, 0,
     false, 0, false, 0, true, 0xc000006du, false, false, false},
    {"all", v_all, sizeof v_all, RD_OK, RD_WHY_NONE, 6, 2, 2, true, 2, true, 2, true, 0, true,
     false, false},
    {"early-fields", v_early_fields, sizeof v_early_fields, RD_OK, RD_WHY_NONE, 2, 0, 0, false, 0,
     false, 0, true, 5, true, true, false},
    {.name = "out-of-order",
     .bytes = v_out_of_order,
     .len = sizeof v_out_of_order,
     .status = RD_MALFORMED,
     .why = RD_WHY_TRAILING},
    {.name = "no-version",
     .bytes = v_no_version,
     .len = sizeof v_no_version,
     .status = RD_MALFORMED,
     .why = RD_WHY_BAD_VALUE},
    {.name = "negative-version",
     .bytes = v_neg_version,
     .len = sizeof v_neg_version,
     .status = RD_MALFORMED,
     .why = RD_WHY_BAD_VALUE},
    {.name = "error-wide",
     .bytes = v_error_wide,
     .len = sizeof v_error_wide,
     .status = RD_MALFORMED,
     .why = RD_WHY_BAD_VALUE},
    {.name = "trailing",
     .bytes = v_trailing,
     .len = sizeof v_trailing,
     .status = RD_MALFORMED,
     .why = RD_WHY_TRAILING},
    {.name = "trailing-inner",
     .bytes = v_trailing_inner,
     .len = sizeof v_trailing_inner,
     .status = RD_MALFORMED,
     .why = RD_WHY_TRAILING},
    {.name = "bad-token",
     .bytes = v_bad_token,
     .len = sizeof v_bad_token,
     .status = RD_MALFORMED,
     .why = RD_WHY_BAD_VALUE},
    {.name = "not-sequence",
     .bytes = v_not_seq,
     .len = sizeof v_not_seq,
     .status = RD_MALFORMED,
     .why = RD_WHY_BAD_VALUE},
    {.name = "empty", .bytes = v_min, .len = 0, .status = RD_MALFORMED, .why = RD_WHY_SHORT},
};

static enum rd_status parse_copy(const uint8_t *bytes, size_t len, struct rd_credssp_tsrequest *out,
                                 struct rd_diag *d)
{
    /* A heap copy of exactly len bytes, so ASan catches any read past the view. */
    uint8_t *copy = malloc(len > 0 ? len : 1);
    struct rd_cur c;
    enum rd_status st;

    ck_assert_ptr_nonnull(copy);
    if (len > 0) {
        memcpy(copy, bytes, len);
    }
    rd_cur_init(&c, copy, len);
    st = rd_credssp_parse_tsrequest(c, out, d);
    free(copy);
    return st;
}

START_TEST(test_tsrequest)
{
    const struct ts_vec *v = &ts_vecs[_i];
    struct rd_credssp_tsrequest r;
    struct rd_diag d = {0};
    struct rd_cur c;
    enum rd_status st;

    rd_cur_init(&c, v->bytes, v->len);
    st = rd_credssp_parse_tsrequest(c, &r, &d);
    ck_assert_msg(st == v->status, "%s: status %d (%s at %s)", v->name, (int)st, rd_why_name(d.why),
                  d.field ? d.field : "-");
    ck_assert_msg(d.why == v->why, "%s: why %s", v->name, rd_why_name(d.why));
    if (st != RD_OK) {
        ck_assert_ptr_nonnull(d.field);
        return;
    }
    ck_assert_uint_eq(r.version, v->version);
    ck_assert_uint_eq(r.nego_token_count, v->count);
    ck_assert_uint_eq(r.nego_token.len, v->token_len);
    ck_assert_int_eq(r.has_auth_info, v->has_auth);
    ck_assert_uint_eq(r.auth_info_len, v->auth_len);
    ck_assert_int_eq(r.has_pub_key_auth, v->has_pub);
    ck_assert_uint_eq(r.pub_key_auth_len, v->pub_len);
    ck_assert_int_eq(r.has_error_code, v->has_err);
    ck_assert_uint_eq(r.error_code, v->err);
    ck_assert_int_eq(r.has_client_nonce, v->has_nonce);
    ck_assert_int_eq(r.field_before_version, v->early);
    ck_assert_int_eq(r.non_der, v->non_der);
}
END_TEST

START_TEST(test_negotiate_token_view)
{
    struct rd_credssp_tsrequest r;
    struct rd_diag d = {0};
    struct rd_cur c;

    rd_cur_init(&c, v_negotiate, sizeof v_negotiate);
    ck_assert_int_eq(rd_credssp_parse_tsrequest(c, &r, &d), RD_OK);
    ck_assert_ptr_eq(r.nego_token.p, v_negotiate + 17);
    ck_assert_mem_eq(r.nego_token.p, "NTLMSSP\0", 8);
}
END_TEST

/* Every proper prefix of a valid vector: parse fails, frame wants more. */
START_TEST(test_truncation)
{
    const struct ts_vec *v = &ts_vecs[_i];
    if (v->status != RD_OK) {
        return;
    }
    for (size_t n = 0; n < v->len; n++) {
        struct rd_credssp_tsrequest r;
        struct rd_diag d = {0};
        struct rd_cur c;
        size_t total = 0;

        ck_assert_int_eq(parse_copy(v->bytes, n, &r, &d), RD_MALFORMED);
        rd_cur_init(&c, v->bytes, n);
        ck_assert_int_eq(rd_credssp_frame(c, &total, &d), RD_NEED_MORE);
        ck_assert_uint_gt(total, n);
        ck_assert_uint_le(total, v->len);
    }
}
END_TEST

/* Walk the TLV tree of buf[0..len) and call fn for every length octet (short form,
 * or the last octet of a long form) of every element; recurse into constructed ones. */
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
            len = 0;
            for (size_t k = 0; k < n; k++) {
                len = len << 8 | buf[lpos + 1 + k];
            }
            hdr = 2 + n;
            lpos += n;
        }
        ck_assert_uint_le(i + hdr + len, end); /* the vector itself must be consistent */
        fn(lpos, ctx);
        if (id & 0x20u) {
            each_length(buf, i + hdr, i + hdr + len, depth + 1, fn, ctx);
        }
        i += hdr + len;
    }
}

struct mut_ctx {
    const struct ts_vec *v;
    size_t count;
};

static void mutate_at(size_t pos, void *vctx)
{
    struct mut_ctx *m = vctx;
    uint8_t buf[256];
    struct rd_credssp_tsrequest r;

    ck_assert_uint_le(m->v->len, sizeof buf);
    for (int delta = -1; delta <= 1; delta += 2) {
        struct rd_diag d = {0};
        memcpy(buf, m->v->bytes, m->v->len);
        if ((delta < 0 && buf[pos] == 0) || (delta > 0 && (buf[pos] == 0x7f || buf[pos] == 0xff))) {
            continue;
        }
        buf[pos] = (uint8_t)(buf[pos] + delta);
        ck_assert_msg(parse_copy(buf, m->v->len, &r, &d) == RD_MALFORMED,
                      "%s: length at %zu %+d accepted", m->v->name, pos, delta);
        m->count++;
    }
}

START_TEST(test_length_off_by_one)
{
    const struct ts_vec *v = &ts_vecs[_i];
    struct mut_ctx m = {v, 0};
    if (v->status != RD_OK) {
        return;
    }
    each_length(v->bytes, 0, v->len, 0, mutate_at, &m);
    ck_assert_uint_gt(m.count, 0);
}
END_TEST

START_TEST(test_frame)
{
    struct rd_cur c;
    struct rd_diag d = {0};
    size_t total = 0;
    uint8_t two[sizeof v_error + sizeof v_min];

    /* Two TSRequests back to back: frame reports the first. */
    memcpy(two, v_error, sizeof v_error);
    memcpy(two + sizeof v_error, v_min, sizeof v_min);
    rd_cur_init(&c, two, sizeof two);
    ck_assert_int_eq(rd_credssp_frame(c, &total, &d), RD_OK);
    ck_assert_uint_eq(total, sizeof v_error);

    rd_cur_init(&c, v_not_seq, sizeof v_not_seq);
    ck_assert_int_eq(rd_credssp_frame(c, &total, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
    ck_assert_str_eq(d.field, "credssp.tsrequest");
}
END_TEST

/* ---- ntstatus ---------------------------------------------------------- */

struct code_vec {
    uint32_t code;
    const char *name;
};

/* Values from MS-ERREF 2.1.1 / 2.3.1 (cross-checked against winerror.h, ntstatus.h). */
static const struct code_vec code_vecs[] = {
    {0xC000006Du, "STATUS_LOGON_FAILURE"},
    {0xC000006Eu, "STATUS_ACCOUNT_RESTRICTION"},
    {0xC000006Fu, "STATUS_INVALID_LOGON_HOURS"},
    {0xC0000070u, "STATUS_INVALID_WORKSTATION"},
    {0xC0000071u, "STATUS_PASSWORD_EXPIRED"},
    {0xC0000072u, "STATUS_ACCOUNT_DISABLED"},
    {0xC0000234u, "STATUS_ACCOUNT_LOCKED_OUT"},
    {0xC0000193u, "STATUS_ACCOUNT_EXPIRED"},
    {0xC0000224u, "STATUS_PASSWORD_MUST_CHANGE"},
    {0xC000015Bu, "STATUS_LOGON_TYPE_NOT_GRANTED"},
    {0xC0000064u, "STATUS_NO_SUCH_USER"},
    {0xC000006Au, "STATUS_WRONG_PASSWORD"},
    {0xC0000133u, "STATUS_TIME_DIFFERENCE_AT_DC"},
    {0xC0000388u, "STATUS_DOWNGRADE_DETECTED"},
    {0x80090302u, "SEC_E_UNSUPPORTED_FUNCTION"},
    {0x8009030Cu, "SEC_E_LOGON_DENIED"},
    {0x80090308u, "SEC_E_INVALID_TOKEN"},
    {0x8009030Eu, "SEC_E_NO_CREDENTIALS"},
    {0x80090324u, "SEC_E_TIME_SKEW"},
    {0x80090322u, "SEC_E_WRONG_PRINCIPAL"},
    {0x80090311u, "SEC_E_NO_AUTHENTICATING_AUTHORITY"},
    {0x8009030Fu, "SEC_E_MESSAGE_ALTERED"},
    {0x80090303u, "SEC_E_TARGET_UNKNOWN"},
    {0x80090350u, "SEC_E_DOWNGRADE_DETECTED"},
    {0x8009035Fu, "SEC_E_POLICY_NLTM_ONLY"},
    {0x8009035Eu, "SEC_E_DELEGATION_POLICY"},
    {0x80090363u, "SEC_E_MUTUAL_AUTH_FAILED"},
};

START_TEST(test_ntstatus_names)
{
    const struct code_vec *v = &code_vecs[_i];
    ck_assert_str_eq(rd_ntstatus_name(v->code), v->name);
    ck_assert(rd_ntstatus_is_known(v->code));
    ck_assert_uint_gt(strlen(rd_ntstatus_meaning(v->code)), 10);
}
END_TEST

START_TEST(test_ntstatus_unknown)
{
    ck_assert_str_eq(rd_ntstatus_name(0x12345678u), "unknown");
    ck_assert_str_eq(rd_ntstatus_meaning(0x12345678u), "");
    ck_assert(!rd_ntstatus_is_known(0x12345678u));
    /* The real errorCode decodes to its name end to end. */
    {
        struct rd_credssp_tsrequest r;
        struct rd_diag d = {0};
        struct rd_cur c;
        rd_cur_init(&c, v_error, sizeof v_error);
        ck_assert_int_eq(rd_credssp_parse_tsrequest(c, &r, &d), RD_OK);
        ck_assert_str_eq(rd_ntstatus_name(r.error_code), "SEC_E_UNSUPPORTED_FUNCTION");
    }
}
END_TEST

static Suite *credssp_suite(void)
{
    Suite *s = suite_create("credssp");
    TCase *tc = tcase_create("tsrequest");
    TCase *tn = tcase_create("ntstatus");

    tcase_add_loop_test(tc, test_tsrequest, 0, (int)LEN(ts_vecs));
    tcase_add_test(tc, test_negotiate_token_view);
    tcase_add_loop_test(tc, test_truncation, 0, (int)LEN(ts_vecs));
    tcase_add_loop_test(tc, test_length_off_by_one, 0, (int)LEN(ts_vecs));
    tcase_add_test(tc, test_frame);
    suite_add_tcase(s, tc);
    tcase_add_loop_test(tn, test_ntstatus_names, 0, (int)LEN(code_vecs));
    tcase_add_test(tn, test_ntstatus_unknown);
    suite_add_tcase(s, tn);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(credssp_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
