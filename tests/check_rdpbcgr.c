/*
 * check_rdpbcgr.c - MS-RDPBCGR slow-path connection-sequence PDUs.
 *
 * Vectors are MCS Send Data user data.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "rdpbcgr.h"

/* RDP-003.pcap frame 23: Security Exchange PDU.
 *   flags 0x0201 SEC_EXCHANGE_PKT|SEC_LICENSE_ENCRYPT_CS, flagsHi 0
 *   length 72: 64-byte encrypted client random + 8 zero bytes */
static const uint8_t secx[] = {
    0x01, 0x02, 0x00, 0x00, /* basic security header */
    0x48, 0x00, 0x00, 0x00, /* length 72 */
    0x4c, 0xec, 0xf8, 0x64, 0x7d, 0xa6, 0x11, 0xd0, 0xcc, 0xca, 0x1f, 0x36, 0x3c, 0x8b, 0x56,
    0xca, 0x74, 0x48, 0xfc, 0x6c, 0x23, 0xa0, 0xa5, 0x7e, 0x3a, 0x24, 0xf2, 0xb6, 0xce, 0xcc,
    0x9f, 0x90, 0xf5, 0xc9, 0x15, 0xee, 0xdc, 0x55, 0xb1, 0xb8, 0xf4, 0xc0, 0x2f, 0xe8, 0xfc,
    0x3e, 0x5d, 0xf9, 0x8c, 0xd7, 0x0e, 0x21, 0xd7, 0x42, 0x1c, 0x1a, 0x1a, 0x9c, 0x72, 0x07,
    0x92, 0x1e, 0xc2, 0x2b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* padding */
};

/* RDP-003.pcap frame 26: licensing error message.
 *   flags 0x0280 SEC_LICENSE_PKT|SEC_LICENSE_ENCRYPT_SC, flagsHi 0x0010
 *   preamble ERROR_ALERT, flags 0x02 (version 2), wMsgSize 16
 *   dwErrorCode 7 STATUS_VALID_CLIENT, dwStateTransition 2 ST_NO_TRANSITION
 *   bbErrorInfo type 0xe238, length 0 */
static const uint8_t lic[] = {
    0x80, 0x02, 0x10, 0x00, /* basic security header */
    0xff, 0x02, 0x10, 0x00, /* preamble */
    0x07, 0x00, 0x00, 0x00, /* dwErrorCode */
    0x02, 0x00, 0x00, 0x00, /* dwStateTransition */
    0x38, 0xe2, 0x00, 0x00, /* bbErrorInfo */
};

/* Minimal licensing: LICENSE_REQUEST with an empty body (preamble only). */
static const uint8_t lic_min[] = {0x80, 0x00, 0x00, 0x00, 0x01, 0x03, 0x04, 0x00};

/* Client Info PDU in the clear (as over TLS):
 *   flags SEC_INFO_PKT; CodePage 0; flags 0x13 (INFO_MOUSE, INFO_DISABLECTRLALTDEL,
 *   INFO_UNICODE); cbDomain 2, cbUserName 4, cbPassword 4, cbAlternateShell 0,
 *   cbWorkingDir 0; "D", "ab", password, "", ""; 2 bytes of extraInfo */
static const uint8_t info[] = {
    0x40, 0x00, 0x00, 0x00,                         /* basic security header */
    0x00, 0x00, 0x00, 0x00,                         /* CodePage */
    0x13, 0x00, 0x00, 0x00,                         /* flags */
    0x02, 0x00, 0x04, 0x00, 0x04, 0x00, 0x00, 0x00, /* cbDomain, cbUserName, cbPassword, */
    0x00, 0x00,                                     /* cbAlternateShell, cbWorkingDir */
    'D',  0x00, 0x00, 0x00,                         /* Domain + terminator */
    'a',  0x00, 'b',  0x00, 0x00, 0x00,             /* UserName + terminator */
    'p',  0x00, 'w',  0x00, 0x00, 0x00,             /* Password + terminator */
    0x00, 0x00,                                     /* AlternateShell */
    0x00, 0x00,                                     /* WorkingDir */
    0x02, 0x00,                                     /* extraInfo (start) */
};
#define INFO_MIN_OK (sizeof info - 2)

/* Client Info ANSI, no extra: cbDomain 0, cbUserName 1 "u", others 0. */
static const uint8_t info_ansi[] = {
    0x40, 0x00, 0x00, 0x00, 0x09, 0x04, 0x00, 0x00,                   /* header, CodePage 0x409 */
    0x03, 0x00, 0x00, 0x00,                                           /* flags: no INFO_UNICODE */
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* Domain "" */
    'u',  0x00,                                                       /* UserName */
    0x00,                                                             /* Password "" */
    0x00,                                                             /* AlternateShell */
    0x00,                                                             /* WorkingDir */
};

/* Client Info encrypted (standard security): SEC_INFO_PKT|SEC_ENCRYPT, MAC, body. */
static const uint8_t info_enc[] = {
    0x48, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 0xde, 0xad, 0xbe, 0xef,
};

/* Set Error Info PDU:
 *   share control: totalLength 22, pduType 0x17 (DATAPDU, version 1), source 1002
 *   share data: shareId 0x000103ea, pad, streamId 1, uncompressedLength 8,
 *   pduType2 0x2f, compressedType 0, compressedLength 0
 *   errorInfo 0x0c ERRINFO_LOGOFF_BY_USER */
static const uint8_t errinfo[] = {
    0x16, 0x00, 0x17, 0x00, 0xea, 0x03,             /* share control header */
    0xea, 0x03, 0x01, 0x00, 0x00, 0x01, 0x08, 0x00, /* shareId, pad1, streamId, uncompressed */
    0x2f, 0x00, 0x00, 0x00,                         /* pduType2, compression */
    0x0c, 0x00, 0x00, 0x00,                         /* errorInfo */
};

/* Demand Active (minimal, no capability sets):
 *   totalLength 22, pduType 0x11 (DEMANDACTIVEPDU), source 1002, shareId 0x000103ea,
 *   lengthSourceDescriptor 4, lengthCombinedCapabilities 4, "RDP\0",
 *   numberCapabilities 0, pad2 */
static const uint8_t demand[] = {
    0x16, 0x00, 0x11, 0x00, 0xea, 0x03, 0xea, 0x03, 0x01, 0x00, 0x04,
    0x00, 0x04, 0x00, 'R',  'D',  'P',  0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Flow control PDU: totalLength 0x8000 marker. */
static const uint8_t flow[] = {0x00, 0x80, 0x42, 0x00, 0x00, 0x00, 0x00, 0x00};

enum kind { SECX, LIC, INFO, SHARE };

struct vec {
    const char *name;
    enum kind kind;
    const uint8_t *b;
    size_t len;
    size_t min_ok; /* shortest valid prefix (optional trailing part); 0 = only whole */
};

#define VEC(k, arr, m) #arr, k, arr, sizeof arr, m

static const struct vec valid[] = {
    {VEC(SECX, secx, 0)},           {VEC(LIC, lic, 0)},        {VEC(LIC, lic_min, 0)},
    {VEC(INFO, info, INFO_MIN_OK)}, {VEC(INFO, info_ansi, 0)}, {VEC(SHARE, errinfo, 0)},
    {VEC(SHARE, demand, 0)},
};

static enum rd_status run(enum kind k, const uint8_t *b, size_t len, struct rd_diag *d)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    struct rd_cur c;
    enum rd_status st = RD_MALFORMED;
    struct rd_rdpbcgr_security_exchange sx;
    struct rd_rdpbcgr_license l;
    struct rd_rdpbcgr_info i;
    struct rd_rdpbcgr_share s;

    ck_assert_ptr_nonnull(copy);
    if (len > 0) {
        memcpy(copy, b, len);
    }
    rd_cur_init(&c, copy, len);
    switch (k) {
    case SECX:
        st = rd_rdpbcgr_parse_security_exchange(c, &sx, d);
        break;
    case LIC:
        st = rd_rdpbcgr_parse_license(c, &l, d);
        break;
    case INFO:
        st = rd_rdpbcgr_parse_client_info(c, &i, d);
        break;
    case SHARE:
        st = rd_rdpbcgr_parse_share(c, &s, d);
        break;
    }
    free(copy);
    return st;
}

START_TEST(test_valid_and_truncation)
{
    const struct vec *v = &valid[_i];
    struct rd_diag d = {0};

    ck_assert_msg(run(v->kind, v->b, v->len, &d) == RD_OK, "%s", v->name);
    for (size_t k = 0; k < v->len; k++) {
        d = (struct rd_diag){0};
        if (v->min_ok != 0 && k >= v->min_ok) {
            ck_assert_msg(run(v->kind, v->b, k, &d) == RD_OK, "%s prefix %zu", v->name, k);
        } else {
            ck_assert_msg(run(v->kind, v->b, k, &d) == RD_MALFORMED, "%s prefix %zu", v->name, k);
            ck_assert_int_ne(d.why, RD_WHY_NONE);
        }
    }
}
END_TEST

START_TEST(test_fields)
{
    struct rd_cur c;
    struct rd_rdpbcgr_security_exchange sx;
    struct rd_rdpbcgr_license l;
    struct rd_rdpbcgr_info i;
    struct rd_rdpbcgr_share s;
    char buf[16];

    rd_cur_init(&c, secx, sizeof secx);
    ck_assert_int_eq(rd_rdpbcgr_parse_security_exchange(c, &sx, NULL), RD_OK);
    ck_assert_uint_eq(sx.length, 72);
    ck_assert_uint_eq(sx.encrypted_random.len, 72);
    ck_assert_ptr_eq(sx.encrypted_random.p, secx + 8);

    rd_cur_init(&c, lic, sizeof lic);
    ck_assert_int_eq(rd_rdpbcgr_parse_license(c, &l, NULL), RD_OK);
    ck_assert_uint_eq(l.sec.flags, 0x0280);
    ck_assert_uint_eq(l.msg_type, RD_RDPBCGR_ERROR_ALERT);
    ck_assert(l.has_error);
    ck_assert_uint_eq(l.error_code, RD_RDPBCGR_STATUS_VALID_CLIENT);
    ck_assert_str_eq(rd_rdpbcgr_license_error_name(l.error_code), "STATUS_VALID_CLIENT");
    ck_assert_str_eq(rd_rdpbcgr_license_state_name(l.state_transition), "ST_NO_TRANSITION");
    rd_cur_init(&c, lic_min, sizeof lic_min);
    ck_assert_int_eq(rd_rdpbcgr_parse_license(c, &l, NULL), RD_OK);
    ck_assert(!l.has_error);
    ck_assert_str_eq(rd_rdpbcgr_license_msg_name(l.msg_type), "LICENSE_REQUEST");

    rd_cur_init(&c, info, sizeof info);
    ck_assert_int_eq(rd_rdpbcgr_parse_client_info(c, &i, NULL), RD_OK);
    ck_assert(!i.encrypted);
    ck_assert(i.is_unicode);
    ck_assert_uint_eq(i.flags, 0x13);
    ck_assert_uint_eq(i.password_len, 4);
    ck_assert_uint_eq(i.extra_len, 2);
    ck_assert_uint_eq(rd_rdpbcgr_info_str(i.domain, i.is_unicode, buf, sizeof buf), 1);
    ck_assert_str_eq(buf, "D");
    ck_assert_uint_eq(rd_rdpbcgr_info_str(i.user_name, i.is_unicode, buf, sizeof buf), 2);
    ck_assert_str_eq(buf, "ab");
    ck_assert_uint_eq(i.alternate_shell.len, 0);

    rd_cur_init(&c, info_ansi, sizeof info_ansi);
    ck_assert_int_eq(rd_rdpbcgr_parse_client_info(c, &i, NULL), RD_OK);
    ck_assert(!i.is_unicode);
    ck_assert_uint_eq(i.code_page, 0x409);
    ck_assert_uint_eq(rd_rdpbcgr_info_str(i.user_name, i.is_unicode, buf, sizeof buf), 1);
    ck_assert_str_eq(buf, "u");
    ck_assert_uint_eq(rd_rdpbcgr_info_str(i.user_name, false, buf, 0), 0);

    rd_cur_init(&c, info_enc, sizeof info_enc);
    ck_assert_int_eq(rd_rdpbcgr_parse_client_info(c, &i, NULL), RD_OK);
    ck_assert(i.encrypted);
    ck_assert_uint_eq(i.sec.mac.len, 8);
    ck_assert_uint_eq(i.sec.body.len, 4);

    rd_cur_init(&c, errinfo, sizeof errinfo);
    ck_assert_int_eq(rd_rdpbcgr_parse_share(c, &s, NULL), RD_OK);
    ck_assert_uint_eq(s.pdu_type, RD_RDPBCGR_PDUTYPE_DATA);
    ck_assert_uint_eq(s.pdu_version, 1);
    ck_assert_uint_eq(s.pdu_source, 1002);
    ck_assert_uint_eq(s.share_id, 0x000103ea);
    ck_assert_uint_eq(s.pdu_type2, RD_RDPBCGR_PDUTYPE2_SET_ERROR_INFO);
    ck_assert(s.has_error_info);
    ck_assert_str_eq(rd_rdpbcgr_errinfo_name(s.error_info), "ERRINFO_LOGOFF_BY_USER");

    rd_cur_init(&c, demand, sizeof demand);
    ck_assert_int_eq(rd_rdpbcgr_parse_share(c, &s, NULL), RD_OK);
    ck_assert_str_eq(rd_rdpbcgr_pdu_type_name(s.pdu_type), "DEMANDACTIVEPDU");
    ck_assert_uint_eq(s.number_capabilities, 0);

    rd_cur_init(&c, flow, sizeof flow);
    ck_assert_int_eq(rd_rdpbcgr_parse_share(c, &s, NULL), RD_OK);
    ck_assert(s.is_flow_pdu);
}
END_TEST

static void expect(enum kind k, const uint8_t *b, size_t len, enum rd_why why, const char *field)
{
    struct rd_diag d = {0};

    ck_assert_int_eq(run(k, b, len, &d), RD_MALFORMED);
    ck_assert_msg(d.why == why, "%s: %s", field, rd_why_name(d.why));
    ck_assert_str_eq(d.field, field);
}

/* Each length field one too big and one too small, trailing bytes, bad values. */
START_TEST(test_malformed)
{
    uint8_t b[64];
    uint8_t big[sizeof secx + 1];

    memcpy(big, secx, sizeof secx);
    big[sizeof secx] = 0;
    big[4] = 0x49;
    expect(SECX, big, sizeof secx, RD_WHY_OVERRUN, "rdp.sec_exchange.length");
    big[4] = 0x47;
    expect(SECX, big, sizeof secx, RD_WHY_TRAILING, "rdp.sec_exchange");
    big[4] = 0x48;
    expect(SECX, big, sizeof big, RD_WHY_TRAILING, "rdp.sec_exchange");
    big[0] = 0x00;
    expect(SECX, big, sizeof secx, RD_WHY_BAD_VALUE, "rdp.sec_exchange.flags");

    memcpy(b, lic, sizeof lic);
    b[6] = 0x11;
    expect(LIC, b, sizeof lic, RD_WHY_OVERRUN, "rdp.license.msg_size");
    b[6] = 0x0f;
    expect(LIC, b, sizeof lic, RD_WHY_TRAILING, "rdp.license.msg_size");
    b[6] = 0x03;
    expect(LIC, b, sizeof lic, RD_WHY_BAD_VALUE, "rdp.license.msg_size");
    b[6] = 0x10;
    b[18] = 0x01; /* blob length 1 over nothing */
    expect(LIC, b, sizeof lic, RD_WHY_OVERRUN, "rdp.license.error.blob_len");
    memcpy(b, lic, sizeof lic);
    b[0] = 0x00; /* no SEC_LICENSE_PKT */
    expect(LIC, b, sizeof lic, RD_WHY_BAD_VALUE, "rdp.sec.flags");
    /* Error message with one stray byte inside wMsgSize. */
    memcpy(b, lic, sizeof lic);
    b[6] = 0x11;
    b[sizeof lic] = 0;
    expect(LIC, b, sizeof lic + 1, RD_WHY_TRAILING, "rdp.license.error");

    memcpy(b, info_ansi, sizeof info_ansi);
    b[20] = 0x01; /* cbWorkingDir one too big */
    expect(INFO, b, sizeof info_ansi, RD_WHY_OVERRUN, "rdp.info.working_dir");
    memcpy(b, info_ansi, sizeof info_ansi);
    b[14] = 0x02; /* cbUserName one too big: password runs out */
    expect(INFO, b, sizeof info_ansi, RD_WHY_OVERRUN, "rdp.info.working_dir");
    memcpy(b, info_ansi, sizeof info_ansi);
    b[0] = 0x00; /* no SEC_INFO_PKT */
    expect(INFO, b, sizeof info_ansi, RD_WHY_BAD_VALUE, "rdp.sec.flags");
    /* Encrypted, MAC cut. */
    expect(INFO, info_enc, 7, RD_WHY_SHORT, "rdp.sec.mac");

    memcpy(b, errinfo, sizeof errinfo);
    b[sizeof errinfo] = 0;
    b[0] = 0x17;
    expect(SHARE, b, sizeof errinfo, RD_WHY_OVERRUN, "rdp.share.total_length");
    b[0] = 0x15;
    expect(SHARE, b, sizeof errinfo, RD_WHY_TRAILING, "rdp.share.total_length");
    b[0] = 0x17;
    expect(SHARE, b, sizeof errinfo + 1, RD_WHY_TRAILING, "rdp.set_error_info");
    memcpy(b, demand, sizeof demand);
    b[10] = 0x09; /* lengthSourceDescriptor past the PDU */
    expect(SHARE, b, sizeof demand, RD_WHY_SHORT, "rdp.demand_active");
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(rd_rdpbcgr_errinfo_name(0x1), "ERRINFO_RPC_INITIATED_DISCONNECT");
    ck_assert_str_eq(rd_rdpbcgr_errinfo_name(0x7), "ERRINFO_SERVER_DENIED_CONNECTION");
    ck_assert_str_eq(rd_rdpbcgr_errinfo_name(0xc), "ERRINFO_LOGOFF_BY_USER");
    ck_assert_str_eq(rd_rdpbcgr_errinfo_name(0x101), "ERRINFO_LICENSE_NO_LICENSE_SERVER");
    ck_assert_str_eq(rd_rdpbcgr_errinfo_name(0x10c9), "ERRINFO_UNKNOWNPDUTYPE2");
    ck_assert_str_eq(rd_rdpbcgr_errinfo_name(0), "unknown");
    ck_assert_str_eq(rd_rdpbcgr_errinfo_name(0xffffffffu), "unknown");
    ck_assert_str_eq(rd_rdpbcgr_license_error_name(0x06), "ERR_NO_LICENSE_SERVER");
    ck_assert_str_eq(rd_rdpbcgr_license_error_name(0x05), "unknown");
    ck_assert_str_eq(rd_rdpbcgr_license_state_name(1), "ST_TOTAL_ABORT");
    ck_assert_str_eq(rd_rdpbcgr_license_state_name(9), "unknown");
    ck_assert_str_eq(rd_rdpbcgr_license_msg_name(0x15), "PLATFORM_CHALLENGE_RESPONSE");
    ck_assert_str_eq(rd_rdpbcgr_license_msg_name(0x05), "unknown");
    ck_assert_str_eq(rd_rdpbcgr_pdu_type_name(7), "DATAPDU");
    ck_assert_str_eq(rd_rdpbcgr_pdu_type_name(2), "unknown");
}
END_TEST

static Suite *rdpbcgr_suite(void)
{
    Suite *s = suite_create("rdpbcgr");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_valid_and_truncation, 0, (int)(sizeof valid / sizeof valid[0]));
    tcase_add_test(tc, test_fields);
    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rdpbcgr_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
