/*
 * check_mcs.c - T.125 MCS PDUs (connect PDUs in BER, domain PDUs in PER).
 *
 * Vectors are X.224 DT user data (TPKT and X.224 headers removed).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mcs.h"

/* RDP-003.pcap frame 7: Connect-Initial (client), 404 bytes.
 *   7f 65 82 01 90             [APPLICATION 101], length 400
 *     04 01 01                 callingDomainSelector 01
 *     04 01 01                 calledDomainSelector 01
 *     01 01 ff                 upwardFlag TRUE
 *     30 19 ...                targetParameters 34, 2, 0, 1, 0, 1, 65535 (02 02 ff ff), 2
 *     30 19 ...                minimumParameters 1, 1, 1, 1, 0, 1, 1056, 2
 *     30 1c ...                maximumParameters 65535, 64535, 65535, 1, 0, 1, 65535, 2
 *     04 82 01 2f ...          userData (T.124 ConnectData, 303 bytes) */
static const uint8_t ci_rdp003[] = {
    0x7f, 0x65, 0x82, 0x01, 0x90, 0x04, 0x01, 0x01, 0x04, 0x01, 0x01, 0x01, 0x01, 0xff, 0x30, 0x19,
    0x02, 0x01, 0x22, 0x02, 0x01, 0x02, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02,
    0x01, 0x01, 0x02, 0x02, 0xff, 0xff, 0x02, 0x01, 0x02, 0x30, 0x19, 0x02, 0x01, 0x01, 0x02, 0x01,
    0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x02, 0x04,
    0x20, 0x02, 0x01, 0x02, 0x30, 0x1c, 0x02, 0x02, 0xff, 0xff, 0x02, 0x02, 0xfc, 0x17, 0x02, 0x02,
    0xff, 0xff, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x02, 0xff, 0xff, 0x02,
    0x01, 0x02, 0x04, 0x82, 0x01, 0x2f, 0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01, 0x81, 0x26, 0x00,
    0x08, 0x00, 0x10, 0x00, 0x01, 0xc0, 0x00, 0x44, 0x75, 0x63, 0x61, 0x81, 0x18, 0x01, 0xc0, 0xd4,
    0x00, 0x04, 0x00, 0x08, 0x00, 0x80, 0x04, 0x60, 0x03, 0x01, 0xca, 0x03, 0xaa, 0x09, 0x04, 0x00,
    0x00, 0x28, 0x0a, 0x00, 0x00, 0x49, 0x00, 0x53, 0x00, 0x44, 0x00, 0x32, 0x00, 0x2d, 0x00, 0x4b,
    0x00, 0x4d, 0x00, 0x38, 0x00, 0x34, 0x00, 0x31, 0x00, 0x37, 0x00, 0x38, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x01, 0xca, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x07, 0x00, 0x01, 0x00, 0x35,
    0x00, 0x35, 0x00, 0x32, 0x00, 0x37, 0x00, 0x34, 0x00, 0x2d, 0x00, 0x4f, 0x00, 0x45, 0x00, 0x4d,
    0x00, 0x2d, 0x00, 0x30, 0x00, 0x30, 0x00, 0x31, 0x00, 0x31, 0x00, 0x39, 0x00, 0x30, 0x00, 0x33,
    0x00, 0x2d, 0x00, 0x30, 0x00, 0x30, 0x00, 0x31, 0x00, 0x30, 0x00, 0x37, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x04, 0xc0, 0x0c, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xc0, 0x0c,
    0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xc0, 0x2c, 0x00, 0x03, 0x00, 0x00,
    0x00, 0x72, 0x64, 0x70, 0x64, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x80, 0x63, 0x6c, 0x69,
    0x70, 0x72, 0x64, 0x72, 0x00, 0x00, 0x00, 0xa0, 0xc0, 0x72, 0x64, 0x70, 0x73, 0x6e, 0x64, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xc0,
};

/* RDP-003.pcap frame 8: Connect-Response (server), 326 bytes.
 *   7f 66 82 01 41             [APPLICATION 102], length 321
 *     0a 01 00                 result rt-successful
 *     02 01 00                 calledConnectId 0
 *     30 1a ...                domainParameters 34, 3, 0, 1, 0, 1, 65528 (02 03 00 ff f8), 2
 *     04 82 01 1b ...          userData (T.124 ConnectData, 283 bytes) */
static const uint8_t cr_rdp003[] = {
    0x7f, 0x66, 0x82, 0x01, 0x41, 0x0a, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x1a, 0x02, 0x01, 0x22,
    0x02, 0x01, 0x03, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02,
    0x03, 0x00, 0xff, 0xf8, 0x02, 0x01, 0x02, 0x04, 0x82, 0x01, 0x1b, 0x00, 0x05, 0x00, 0x14, 0x7c,
    0x00, 0x01, 0x2a, 0x14, 0x76, 0x0a, 0x01, 0x01, 0x00, 0x01, 0xc0, 0x00, 0x4d, 0x63, 0x44, 0x6e,
    0x81, 0x04, 0x01, 0x0c, 0x08, 0x00, 0x04, 0x00, 0x08, 0x00, 0x03, 0x0c, 0x10, 0x00, 0xeb, 0x03,
    0x03, 0x00, 0xec, 0x03, 0xed, 0x03, 0xee, 0x03, 0x00, 0x00, 0x02, 0x0c, 0xec, 0x00, 0x08, 0x00,
    0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0xb8, 0x00, 0x00, 0x00, 0x77, 0x8e,
    0x84, 0xed, 0x14, 0xed, 0xf1, 0x08, 0x3d, 0x36, 0x12, 0x84, 0xc2, 0x8d, 0xcd, 0x52, 0xda, 0x72,
    0x30, 0x1b, 0xe1, 0xdc, 0x7f, 0xdf, 0x62, 0xac, 0xcd, 0x22, 0x66, 0x0b, 0x33, 0x72, 0x01, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x5c, 0x00, 0x52, 0x53,
    0x41, 0x31, 0x48, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x00, 0x01, 0x00,
    0x01, 0x00, 0x83, 0xf6, 0xd4, 0xca, 0x7c, 0x05, 0x97, 0x5a, 0x72, 0xcb, 0x0b, 0x5c, 0xa0, 0xec,
    0xe5, 0x9d, 0x46, 0x84, 0x70, 0xe8, 0x3a, 0xc0, 0x58, 0x90, 0x91, 0xa0, 0x0c, 0x91, 0x19, 0xbc,
    0xab, 0x88, 0xef, 0xc9, 0x6b, 0x26, 0x1a, 0x62, 0x90, 0xe8, 0xa9, 0x38, 0x5b, 0x5a, 0xa4, 0x19,
    0x8f, 0x5f, 0x29, 0xca, 0xa6, 0xc6, 0x2c, 0x91, 0x43, 0x90, 0x03, 0xbd, 0xa0, 0xa2, 0xe9, 0xb8,
    0xa6, 0xc9, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x48, 0x00, 0x1b, 0x0c,
    0x72, 0x49, 0xc4, 0x78, 0x2f, 0x8c, 0x7d, 0x4c, 0x9f, 0xc6, 0x18, 0x2f, 0x31, 0x64, 0xc6, 0x60,
    0x99, 0x97, 0x9f, 0xa4, 0xf2, 0x92, 0x68, 0x3d, 0xb0, 0x67, 0xcf, 0xc7, 0x11, 0xa7, 0x23, 0x75,
    0x12, 0x76, 0x7a, 0x01, 0x19, 0x9c, 0xa6, 0x13, 0xbe, 0xaf, 0x06, 0x47, 0xdd, 0x01, 0x20, 0xa9,
    0x4e, 0x54, 0x06, 0x6f, 0x6a, 0x61, 0x01, 0x8e, 0x57, 0xe7, 0x25, 0xee, 0x0f, 0x3f, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Minimal Connect-Initial: empty selectors, upwardFlag FALSE, all parameters 0,
 * empty userData.
 *   7f 65 57                   [APPLICATION 101], length 87
 *     04 00  04 00  01 01 00
 *     30 18 (02 01 00) x 8     three times
 *     04 00 */
#define ZERO_PARAMS                                                                                \
    0x30, 0x18, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x02,      \
        0x01, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00
static const uint8_t ci_minimal[] = {
    0x7f,        0x65,        0x57,        /* [APPLICATION 101] */
    0x04,        0x00,                     /* callingDomainSelector */
    0x04,        0x00,                     /* calledDomainSelector */
    0x01,        0x01,        0x00,        /* upwardFlag */
    ZERO_PARAMS, ZERO_PARAMS, ZERO_PARAMS, /* target, minimum, maximum */
    0x04,        0x00,                     /* userData */
};

/* Minimal Connect-Response: rt-user-rejected (15), id 0, zero parameters, empty userData. */
static const uint8_t cresp_minimal[] = {
    0x7f,        0x66, 0x22, /* [APPLICATION 102], length 34 */
    0x0a,        0x01, 0x0f, /* result */
    0x02,        0x01, 0x00, /* calledConnectId */
    ZERO_PARAMS,             /* domainParameters */
    0x04,        0x00,       /* userData */
};

static enum rd_status parse_ci_copy(const uint8_t *b, size_t len,
                                    struct rd_mcs_connect_initial *out, struct rd_diag *d)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    struct rd_cur c;
    enum rd_status st;

    ck_assert_ptr_nonnull(copy);
    if (len > 0) {
        memcpy(copy, b, len);
    }
    rd_cur_init(&c, copy, len);
    st = rd_mcs_parse_connect_initial(c, out, d);
    free(copy);
    return st;
}

static enum rd_status parse_cresp_copy(const uint8_t *b, size_t len,
                                       struct rd_mcs_connect_response *out, struct rd_diag *d)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    struct rd_cur c;
    enum rd_status st;

    ck_assert_ptr_nonnull(copy);
    if (len > 0) {
        memcpy(copy, b, len);
    }
    rd_cur_init(&c, copy, len);
    st = rd_mcs_parse_connect_response(c, out, d);
    free(copy);
    return st;
}

START_TEST(test_connect_initial)
{
    struct rd_cur c;
    struct rd_mcs_connect_initial ci;
    struct rd_diag d = {0};

    rd_cur_init(&c, ci_rdp003, sizeof ci_rdp003);
    ck_assert_int_eq(rd_mcs_kind(c), RD_MCS_KIND_CONNECT_INITIAL);
    ck_assert_int_eq(rd_mcs_parse_connect_initial(c, &ci, &d), RD_OK);
    ck_assert(rd_bytes_eq(ci.calling_domain_selector, "\x01", 1));
    ck_assert(rd_bytes_eq(ci.called_domain_selector, "\x01", 1));
    ck_assert(ci.upward_flag);
    ck_assert_uint_eq(ci.target.max_channel_ids, 34);
    ck_assert_uint_eq(ci.target.max_user_ids, 2);
    ck_assert_uint_eq(ci.target.max_mcspdu_size, 65535);
    ck_assert_uint_eq(ci.target.protocol_version, 2);
    ck_assert_uint_eq(ci.minimum.max_mcspdu_size, 1056);
    ck_assert_uint_eq(ci.maximum.max_user_ids, 64535);
    ck_assert(ci.non_der); /* 65535 written as 02 02 ff ff */
    ck_assert_uint_eq(ci.user_data.len, 303);
    ck_assert_ptr_eq(ci.user_data.p, ci_rdp003 + sizeof ci_rdp003 - 303);

    rd_cur_init(&c, ci_minimal, sizeof ci_minimal);
    ck_assert_int_eq(rd_mcs_parse_connect_initial(c, &ci, &d), RD_OK);
    ck_assert(!ci.upward_flag);
    ck_assert(!ci.non_der);
    ck_assert_uint_eq(ci.user_data.len, 0);
    ck_assert_uint_eq(ci.maximum.protocol_version, 0);
}
END_TEST

START_TEST(test_connect_response)
{
    struct rd_cur c;
    struct rd_mcs_connect_response r;
    struct rd_diag d = {0};

    rd_cur_init(&c, cr_rdp003, sizeof cr_rdp003);
    ck_assert_int_eq(rd_mcs_kind(c), RD_MCS_KIND_CONNECT_RESPONSE);
    ck_assert_int_eq(rd_mcs_parse_connect_response(c, &r, &d), RD_OK);
    ck_assert_uint_eq(r.result, RD_MCS_RT_SUCCESSFUL);
    ck_assert_str_eq(rd_mcs_result_name(r.result), "rt-successful");
    ck_assert_uint_eq(r.called_connect_id, 0);
    ck_assert_uint_eq(r.params.max_channel_ids, 34);
    ck_assert_uint_eq(r.params.max_user_ids, 3);
    ck_assert_uint_eq(r.params.max_mcspdu_size, 65528);
    ck_assert(!r.non_der);
    ck_assert_uint_eq(r.user_data.len, 283);

    rd_cur_init(&c, cresp_minimal, sizeof cresp_minimal);
    ck_assert_int_eq(rd_mcs_parse_connect_response(c, &r, &d), RD_OK);
    ck_assert_uint_eq(r.result, 15);
    ck_assert_str_eq(rd_mcs_result_name(r.result), "rt-user-rejected");
}
END_TEST

START_TEST(test_connect_truncation)
{
    const uint8_t *vs[] = {ci_rdp003, ci_minimal};
    size_t ls[] = {sizeof ci_rdp003, sizeof ci_minimal};
    const uint8_t *rs[] = {cr_rdp003, cresp_minimal};
    size_t rls[] = {sizeof cr_rdp003, sizeof cresp_minimal};

    for (size_t v = 0; v < 2; v++) {
        for (size_t k = 0; k < ls[v]; k++) {
            struct rd_mcs_connect_initial ci;
            struct rd_diag d = {0};

            ck_assert_int_eq(parse_ci_copy(vs[v], k, &ci, &d), RD_MALFORMED);
            ck_assert_int_ne(d.why, RD_WHY_NONE);
        }
        for (size_t k = 0; k < rls[v]; k++) {
            struct rd_mcs_connect_response r;
            struct rd_diag d = {0};

            ck_assert_int_eq(parse_cresp_copy(rs[v], k, &r, &d), RD_MALFORMED);
            ck_assert_int_ne(d.why, RD_WHY_NONE);
        }
    }
}
END_TEST

/* The [APPLICATION] length one too big, one too small; one trailing byte; a
 * parameter sequence with a ninth INTEGER; a 6-byte INTEGER; wrong tag. */
START_TEST(test_connect_lengths)
{
    uint8_t b[sizeof ci_minimal + 1];
    uint8_t r[sizeof cresp_minimal];
    struct rd_mcs_connect_initial ci;
    struct rd_mcs_connect_response cr;
    struct rd_diag d = {0};

    memcpy(b, ci_minimal, sizeof ci_minimal);
    b[sizeof ci_minimal] = 0x00;
    b[2] = 0x58;
    ck_assert_int_eq(parse_ci_copy(b, sizeof ci_minimal, &ci, &d), RD_MALFORMED);
    ck_assert_int_ne(d.why, RD_WHY_NONE);
    b[2] = 0x56;
    d = (struct rd_diag){0};
    ck_assert_int_eq(parse_ci_copy(b, sizeof ci_minimal, &ci, &d), RD_MALFORMED);
    ck_assert_int_ne(d.why, RD_WHY_NONE);
    b[2] = 0x57;
    d = (struct rd_diag){0};
    ck_assert_int_eq(parse_ci_copy(b, sizeof b, &ci, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_TRAILING);
    ck_assert_str_eq(d.field, "mcs.connect_initial");

    /* Connect-Response given to the Connect-Initial parser. */
    d = (struct rd_diag){0};
    ck_assert_int_eq(parse_ci_copy(cresp_minimal, sizeof cresp_minimal, &ci, &d), RD_MALFORMED);

    /* calledConnectId as 6 bytes: too wide for 32 bits. */
    memcpy(r, cresp_minimal, sizeof r);
    {
        static const uint8_t wide[] = {0x7f, 0x66, 0x0f, 0x0a, 0x01, 0x00, 0x02, 0x06, 0x01, 0x02,
                                       0x03, 0x04, 0x05, 0x06, 0x30, 0x00, 0x04, 0x00, 0x00};
        d = (struct rd_diag){0};
        ck_assert_int_eq(parse_cresp_copy(wide, 18, &cr, &d), RD_MALFORMED);
        ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
        ck_assert_str_eq(d.field, "mcs.connect_response.called_connect_id");
    }
    /* domainParameters sequence length 0x18 -> 0x17: last INTEGER cut. */
    r[10] = 0x17;
    d = (struct rd_diag){0};
    ck_assert_int_eq(parse_cresp_copy(r, sizeof r, &cr, &d), RD_MALFORMED);
    /* A five-byte INTEGER with a leading zero is accepted and flagged. */
    {
        static const uint8_t five[] = {
            0x7f,        0x66, 0x26,                         /* [APPLICATION 102], 38 */
            0x0a,        0x01, 0x00,                         /* result */
            0x02,        0x05, 0x00, 0xff, 0xff, 0xff, 0xff, /* calledConnectId 2^32-1 */
            ZERO_PARAMS, 0x04, 0x00,
        };
        d = (struct rd_diag){0};
        ck_assert_int_eq(parse_cresp_copy(five, sizeof five, &cr, &d), RD_OK);
        ck_assert_uint_eq(cr.called_connect_id, 0xffffffffu);
        ck_assert(cr.non_der);
    }
}
END_TEST

/* --- domain PDUs ----------------------------------------------------- */

/* RDP-003.pcap frame 9: erectDomainRequest subHeight 0 subInterval 0. */
static const uint8_t edr[] = {0x04, 0x01, 0x00, 0x01, 0x00};
/* RDP-003.pcap frame 10: attachUserRequest. */
static const uint8_t aur[] = {0x28};
/* RDP-003.pcap frame 12: attachUserConfirm, initiator present, rt-successful,
 * initiator 6 + 1001 = 1007. */
static const uint8_t auc[] = {0x2e, 0x00, 0x00, 0x06};
/* attachUserConfirm rt-too-many-users (13 = 1101b), no initiator. */
static const uint8_t auc_fail[] = {0x2d, 0xa0};
/* RDP-003.pcap frame 13: channelJoinRequest initiator 1007, channel 1007. */
static const uint8_t cjr[] = {0x38, 0x00, 0x06, 0x03, 0xef};
/* RDP-003.pcap frame 14: channelJoinConfirm channelId present, rt-successful,
 * initiator 1007, requested 1007, channelId 1007. */
static const uint8_t cjc[] = {0x3e, 0x00, 0x00, 0x06, 0x03, 0xef, 0x03, 0xef};
/* channelJoinConfirm rt-no-such-channel (3), no channelId: 3c 60 ... */
static const uint8_t cjc_fail[] = {0x3c, 0x60, 0x00, 0x06, 0x03, 0xf0};
/* RDP-003.pcap frame 26: sendDataIndication initiator 1002, channel 1003,
 * priority high/segmentation begin|end (0x70), length 20, licensing PDU. */
static const uint8_t sdi[] = {
    0x68,                   /* sendDataIndication */
    0x00, 0x01,             /* initiator 1002 */
    0x03, 0xeb,             /* channelId 1003 */
    0x70,                   /* priority 1, segmentation 3 */
    0x14,                   /* PER length 20 */
    0x80, 0x02, 0x10, 0x00, /* security header */
    0xff, 0x02, 0x10, 0x00, /* licensing preamble */
    0x07, 0x00, 0x00, 0x00, /* dwErrorCode */
    0x02, 0x00, 0x00, 0x00, /* dwStateTransition */
    0x38, 0xe2, 0x00, 0x00, /* bbErrorInfo */
};
/* sendDataRequest, two-byte PER length 0x8001 (1 byte of data). */
static const uint8_t sdr_long[] = {0x64, 0x00, 0x06, 0x03, 0xeb, 0x70, 0x80, 0x01, 0xaa};
/* rdp-proprietary-encryption.pcap frame 538: disconnectProviderUltimatum rn-user-requested. */
static const uint8_t dpum[] = {0x21, 0x80};
/* DPUM rn-domain-disconnected (0). */
static const uint8_t dpum0[] = {0x20, 0x00};

/* malformed */
static const uint8_t dpum_bad[] = {0x22, 0x80};             /* reason 5 */
static const uint8_t edr_len0[] = {0x04, 0x00, 0x01, 0x00}; /* subHeight length 0 */
static const uint8_t edr_len5[] = {0x04, 0x05, 0, 0, 0, 0, 0, 0x01, 0x00};
static const uint8_t aur_trailing[] = {0x28, 0x00};
static const uint8_t sdi_len_big[] = {0x68, 0x00, 0x01, 0x03, 0xeb, 0x70, 0x02, 0xaa};
static const uint8_t sdi_len_small[] = {0x68, 0x00, 0x01, 0x03, 0xeb, 0x70, 0x00, 0xaa};
static const uint8_t sdi_frag[] = {0x68, 0x00, 0x01, 0x03, 0xeb, 0x70, 0xc1, 0xaa};
static const uint8_t detach[] = {0x30, 0x00}; /* detachUserRequest: not parsed */
static const uint8_t uid_wrap[] = {0x38, 0xfc, 0x18, 0x00, 0x01}; /* 64536 + 1001 > 65535 */

struct vec {
    const char *name;
    const uint8_t *b;
    size_t len;
    enum rd_status st;
    uint8_t type;
    enum rd_why why;
    const char *field;
};

#define VEC(arr) #arr, arr, sizeof arr

static const struct vec vecs[] = {
    {VEC(edr), RD_OK, RD_MCS_ERECT_DOMAIN_REQUEST, RD_WHY_NONE, NULL},
    {VEC(aur), RD_OK, RD_MCS_ATTACH_USER_REQUEST, RD_WHY_NONE, NULL},
    {VEC(auc), RD_OK, RD_MCS_ATTACH_USER_CONFIRM, RD_WHY_NONE, NULL},
    {VEC(auc_fail), RD_OK, RD_MCS_ATTACH_USER_CONFIRM, RD_WHY_NONE, NULL},
    {VEC(cjr), RD_OK, RD_MCS_CHANNEL_JOIN_REQUEST, RD_WHY_NONE, NULL},
    {VEC(cjc), RD_OK, RD_MCS_CHANNEL_JOIN_CONFIRM, RD_WHY_NONE, NULL},
    {VEC(cjc_fail), RD_OK, RD_MCS_CHANNEL_JOIN_CONFIRM, RD_WHY_NONE, NULL},
    {VEC(sdi), RD_OK, RD_MCS_SEND_DATA_INDICATION, RD_WHY_NONE, NULL},
    {VEC(sdr_long), RD_OK, RD_MCS_SEND_DATA_REQUEST, RD_WHY_NONE, NULL},
    {VEC(dpum), RD_OK, RD_MCS_DISCONNECT_PROVIDER_ULTIMATUM, RD_WHY_NONE, NULL},
    {VEC(dpum0), RD_OK, RD_MCS_DISCONNECT_PROVIDER_ULTIMATUM, RD_WHY_NONE, NULL},
    {VEC(dpum_bad), RD_MALFORMED, RD_MCS_DISCONNECT_PROVIDER_ULTIMATUM, RD_WHY_BAD_VALUE,
     "mcs.dpum.reason"},
    {VEC(edr_len0), RD_MALFORMED, RD_MCS_ERECT_DOMAIN_REQUEST, RD_WHY_BAD_VALUE,
     "mcs.erect_domain.sub_height"},
    {VEC(edr_len5), RD_MALFORMED, RD_MCS_ERECT_DOMAIN_REQUEST, RD_WHY_BAD_VALUE,
     "mcs.erect_domain.sub_height"},
    {VEC(aur_trailing), RD_MALFORMED, RD_MCS_ATTACH_USER_REQUEST, RD_WHY_TRAILING, "mcs.domain"},
    {VEC(sdi_len_big), RD_MALFORMED, RD_MCS_SEND_DATA_INDICATION, RD_WHY_OVERRUN,
     "mcs.send_data.length"},
    {VEC(sdi_len_small), RD_MALFORMED, RD_MCS_SEND_DATA_INDICATION, RD_WHY_TRAILING, "mcs.domain"},
    {VEC(sdi_frag), RD_MALFORMED, RD_MCS_SEND_DATA_INDICATION, RD_WHY_UNSUPPORTED, "per.length"},
    {VEC(detach), RD_MALFORMED, RD_MCS_DETACH_USER_REQUEST, RD_WHY_UNSUPPORTED,
     "mcs.domain.choice"},
    {VEC(uid_wrap), RD_MALFORMED, RD_MCS_CHANNEL_JOIN_REQUEST, RD_WHY_BAD_VALUE, "mcs.initiator"},
};

START_TEST(test_domain_table)
{
    const struct vec *v = &vecs[_i];
    struct rd_cur c;
    struct rd_mcs_domain_pdu p;
    struct rd_diag d = {0};

    rd_cur_init(&c, v->b, v->len);
    ck_assert_msg(rd_mcs_parse_domain_pdu(c, &p, &d) == v->st, "%s", v->name);
    ck_assert_msg(p.type == v->type, "%s", v->name);
    ck_assert_msg(d.why == v->why, "%s: %s", v->name, rd_why_name(d.why));
    if (v->field != NULL) {
        ck_assert_str_eq(d.field, v->field);
    }
    ck_assert_int_eq(rd_mcs_kind(c), RD_MCS_KIND_DOMAIN);
}
END_TEST

START_TEST(test_domain_truncation)
{
    const struct vec *v = &vecs[_i];

    if (v->st != RD_OK) {
        return;
    }
    for (size_t k = 0; k < v->len; k++) {
        uint8_t *copy = malloc(k > 0 ? k : 1);
        struct rd_cur c;
        struct rd_mcs_domain_pdu p;
        struct rd_diag d = {0};

        ck_assert_ptr_nonnull(copy);
        memcpy(copy, v->b, k);
        rd_cur_init(&c, copy, k);
        ck_assert_msg(rd_mcs_parse_domain_pdu(c, &p, &d) == RD_MALFORMED, "%s prefix %zu", v->name,
                      k);
        ck_assert_int_ne(d.why, RD_WHY_NONE);
        free(copy);
    }
}
END_TEST

START_TEST(test_domain_fields)
{
    struct rd_cur c;
    struct rd_mcs_domain_pdu p;

    rd_cur_init(&c, auc, sizeof auc);
    ck_assert_int_eq(rd_mcs_parse_domain_pdu(c, &p, NULL), RD_OK);
    ck_assert(p.has_initiator);
    ck_assert_uint_eq(p.initiator, 1007);
    ck_assert_uint_eq(p.result, 0);

    rd_cur_init(&c, auc_fail, sizeof auc_fail);
    ck_assert_int_eq(rd_mcs_parse_domain_pdu(c, &p, NULL), RD_OK);
    ck_assert(!p.has_initiator);
    ck_assert_uint_eq(p.result, 13);
    ck_assert_str_eq(rd_mcs_result_name(p.result), "rt-too-many-users");

    rd_cur_init(&c, cjr, sizeof cjr);
    ck_assert_int_eq(rd_mcs_parse_domain_pdu(c, &p, NULL), RD_OK);
    ck_assert_uint_eq(p.initiator, 1007);
    ck_assert_uint_eq(p.channel_id, 1007);

    rd_cur_init(&c, cjc, sizeof cjc);
    ck_assert_int_eq(rd_mcs_parse_domain_pdu(c, &p, NULL), RD_OK);
    ck_assert_uint_eq(p.result, 0);
    ck_assert_uint_eq(p.initiator, 1007);
    ck_assert_uint_eq(p.requested_channel, 1007);
    ck_assert(p.has_channel_id);
    ck_assert_uint_eq(p.channel_id, 1007);

    rd_cur_init(&c, cjc_fail, sizeof cjc_fail);
    ck_assert_int_eq(rd_mcs_parse_domain_pdu(c, &p, NULL), RD_OK);
    ck_assert_uint_eq(p.result, 3);
    ck_assert_str_eq(rd_mcs_result_name(p.result), "rt-no-such-channel");
    ck_assert(!p.has_channel_id);
    ck_assert_uint_eq(p.requested_channel, 1008);

    rd_cur_init(&c, sdi, sizeof sdi);
    ck_assert_int_eq(rd_mcs_parse_domain_pdu(c, &p, NULL), RD_OK);
    ck_assert_uint_eq(p.initiator, 1002);
    ck_assert_uint_eq(p.channel_id, 1003);
    ck_assert_uint_eq(p.priority, 1);
    ck_assert_uint_eq(p.segmentation, 3);
    ck_assert_uint_eq(p.user_data.len, 20);
    ck_assert_ptr_eq(p.user_data.p, sdi + 7);

    rd_cur_init(&c, sdr_long, sizeof sdr_long);
    ck_assert_int_eq(rd_mcs_parse_domain_pdu(c, &p, NULL), RD_OK);
    ck_assert_uint_eq(p.user_data.len, 1);

    rd_cur_init(&c, edr, sizeof edr);
    ck_assert_int_eq(rd_mcs_parse_domain_pdu(c, &p, NULL), RD_OK);
    ck_assert_uint_eq(p.sub_height, 0);
    ck_assert_uint_eq(p.sub_interval, 0);

    rd_cur_init(&c, dpum, sizeof dpum);
    ck_assert_int_eq(rd_mcs_parse_domain_pdu(c, &p, NULL), RD_OK);
    ck_assert_uint_eq(p.reason, RD_MCS_RN_USER_REQUESTED);
    ck_assert_str_eq(rd_mcs_reason_name(p.reason), "rn-user-requested");
    rd_cur_init(&c, dpum0, sizeof dpum0);
    ck_assert_int_eq(rd_mcs_parse_domain_pdu(c, &p, NULL), RD_OK);
    ck_assert_uint_eq(p.reason, RD_MCS_RN_DOMAIN_DISCONNECTED);
}
END_TEST

START_TEST(test_per_length)
{
    static const uint8_t one[] = {0x7f};
    static const uint8_t two[] = {0xbf, 0xff};
    static const uint8_t two_cut[] = {0x81};
    static const uint8_t frag[] = {0xc1};
    struct rd_cur c;
    struct rd_cur before;
    struct rd_diag d = {0};
    size_t n = 99;

    rd_cur_init(&c, one, sizeof one);
    ck_assert_int_eq(rd_mcs_per_length(&c, &n, &d), RD_OK);
    ck_assert_uint_eq(n, 127);
    ck_assert(rd_cur_is_empty(&c));
    rd_cur_init(&c, two, sizeof two);
    ck_assert_int_eq(rd_mcs_per_length(&c, &n, &d), RD_OK);
    ck_assert_uint_eq(n, 16383);
    ck_assert(rd_cur_is_empty(&c));

    n = 99;
    rd_cur_init(&c, two_cut, sizeof two_cut);
    before = c;
    ck_assert_int_eq(rd_mcs_per_length(&c, &n, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_SHORT);
    ck_assert_uint_eq(c.len, before.len);
    ck_assert_uint_eq(n, 99);
    rd_cur_init(&c, NULL, 0);
    ck_assert_int_eq(rd_mcs_per_length(&c, &n, NULL), RD_MALFORMED);
    d = (struct rd_diag){0};
    rd_cur_init(&c, frag, sizeof frag);
    ck_assert_int_eq(rd_mcs_per_length(&c, &n, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_UNSUPPORTED);
    ck_assert_uint_eq(c.len, 1);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(rd_mcs_reason_name(0), "rn-domain-disconnected");
    ck_assert_str_eq(rd_mcs_reason_name(1), "rn-provider-initiated");
    ck_assert_str_eq(rd_mcs_reason_name(2), "rn-token-purged");
    ck_assert_str_eq(rd_mcs_reason_name(3), "rn-user-requested");
    ck_assert_str_eq(rd_mcs_reason_name(4), "rn-channel-purged");
    ck_assert_str_eq(rd_mcs_reason_name(5), "unknown");
    ck_assert_str_eq(rd_mcs_result_name(16), "unknown");
    ck_assert_str_eq(rd_mcs_result_name(8), "rt-parameters-unacceptable");
    ck_assert_str_eq(rd_mcs_domain_type_name(RD_MCS_ERECT_DOMAIN_REQUEST), "erectDomainRequest");
    ck_assert_str_eq(rd_mcs_domain_type_name(RD_MCS_SEND_DATA_INDICATION), "sendDataIndication");
    ck_assert_str_eq(rd_mcs_domain_type_name(RD_MCS_DISCONNECT_PROVIDER_ULTIMATUM),
                     "disconnectProviderUltimatum");
    ck_assert_str_eq(rd_mcs_domain_type_name(63), "unknown");
}
END_TEST

START_TEST(test_kind)
{
    static const uint8_t odd[] = {0x7f, 0x67};
    static const uint8_t lone[] = {0x7f};
    struct rd_cur c;

    rd_cur_init(&c, odd, sizeof odd);
    ck_assert_int_eq(rd_mcs_kind(c), RD_MCS_KIND_UNKNOWN);
    rd_cur_init(&c, lone, sizeof lone);
    ck_assert_int_eq(rd_mcs_kind(c), RD_MCS_KIND_DOMAIN);
    rd_cur_init(&c, NULL, 0);
    ck_assert_int_eq(rd_mcs_kind(c), RD_MCS_KIND_UNKNOWN);
}
END_TEST

static Suite *mcs_suite(void)
{
    Suite *s = suite_create("mcs");
    TCase *tc = tcase_create("core");
    int n = (int)(sizeof vecs / sizeof vecs[0]);

    tcase_add_test(tc, test_connect_initial);
    tcase_add_test(tc, test_connect_response);
    tcase_add_test(tc, test_connect_truncation);
    tcase_add_test(tc, test_connect_lengths);
    tcase_add_loop_test(tc, test_domain_table, 0, n);
    tcase_add_loop_test(tc, test_domain_truncation, 0, n);
    tcase_add_test(tc, test_domain_fields);
    tcase_add_test(tc, test_per_length);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_kind);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(mcs_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
