/*
 * check_x224.c - X.224 TPDUs and RDP negotiation (MS-RDPBCGR 2.2.1.1, 2.2.1.2).
 *
 * Vectors are TPKT payloads (the 4-byte TPKT header removed).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "x224.h"

/* Minimal CR: LI 6, CR CDT 0, DST-REF 0, SRC-REF 0, class 0; no variable part. */
static const uint8_t cr_minimal[] = {
    0x06, 0xe0, /* LI, CR */
    0x00, 0x00, /* DST-REF */
    0x00, 0x00, /* SRC-REF */
    0x00,       /* class 0 */
};

/* RDP-003.pcap frame 4: CR with cookie only (old client, no RDP_NEG_REQ).
 *   LI 31, CR, refs 0/0, class 0
 *   "Cookie: mstshash=A70067\r\n" */
static const uint8_t cr_rdp003[] = {
    0x1f, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 'C', 'o', 'o', 'k', 'i', 'e', ':', ' ',  'm',
    's',  't',  's',  'h',  'a',  's',  'h',  '=', 'A', '7', '0', '0', '6', '7', '\r', '\n',
};

/* rdp-no-cookie-mstshash.pcap frame 7: CR without cookie.
 *   LI 14, CR, refs 0/0, class 0
 *   RDP_NEG_REQ type 1, flags 0, length 8, requestedProtocols 0x0b (SSL|HYBRID|HYBRID_EX) */
static const uint8_t cr_nocookie[] = {
    0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, /* TYPE_RDP_NEG_REQ */
    0x00,                                           /* flags */
    0x08, 0x00,                                     /* length 8 */
    0x0b, 0x00, 0x00, 0x00,                         /* requestedProtocols */
};

/* rdp-restricted-admin-accepted1.pcapng frame 4: cookie and restricted admin.
 *   LI 42, CR, refs 0/0, class 0
 *   "Cookie: mstshash=Administr\r\n"
 *   RDP_NEG_REQ flags 0x01 RESTRICTED_ADMIN_MODE_REQUIRED, protocols 0x0a HYBRID|HYBRID_EX */
static const uint8_t cr_restricted[] = {
    0x2a, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 'C',  'o',  'o',  'k',  'i', 'e', ':',
    ' ',  'm',  's',  't',  's',  'h',  'a',  's',  'h',  '=',  'A',  'd', 'm', 'i',
    'n',  'i',  's',  't',  'r',  '\r', '\n', 0x01, 0x01, 0x08, 0x00, /* NEG_REQ, flags, length */
    0x0a, 0x00, 0x00, 0x00,                                           /* requestedProtocols */
};

/* Built from MS-RDPBCGR 2.2.1.1: routing token, NEG_REQ with correlation info.
 *   LI 66, CR
 *   "Cookie: msts=1\r\n"            routing token
 *   RDP_NEG_REQ flags 0x08 CORRELATION_INFO_PRESENT, protocols 0x40000003 (unknown bit kept)
 *   RDP_CORRELATION_INFO type 6, flags 0, length 36, id 01..10, reserved 16 x 0 */
static const uint8_t cr_corr[] = {
    0x42, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 'C',  'o',  'o',  'k',  'i',  'e',  ':',
    ' ',  'm',  's',  't',  's',  '=',  '1',  '\r', '\n', 0x01, 0x08, 0x08, 0x00, /* NEG_REQ, flags,
                                                                                     length */
    0x03, 0x00, 0x00, 0x40,                         /* requestedProtocols */
    0x06, 0x00, 0x24, 0x00,                         /* CORRELATION_INFO type, flags, length 36 */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* correlationId */
    0x09, 0x0a, 0x0b, 0x0c, 0x0e, 0x0f, 0x10, 0x11, 0,    0,    0,    0,    0,    0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0, /* reserved */
};

/* RDP-003.pcap frame 6: CC without negotiation (legacy server).
 *   LI 6, CC, DST-REF 0, SRC-REF 0x1234, class 0 */
static const uint8_t cc_rdp003[] = {
    0x06, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00,
};

/* rdp-no-cookie-mstshash.pcap frame 9: CC with RDP_NEG_RSP.
 *   flags 0x1f, length 8, selectedProtocol 8 HYBRID_EX */
static const uint8_t cc_rsp[] = {
    0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x02, 0x1f, 0x08, 0x00, /* NEG_RSP, flags, length */
    0x08, 0x00, 0x00, 0x00,                                           /* selectedProtocol */
};

/* rdp-proprietary-encryption.pcap frame 5: CC with RDP_NEG_FAILURE.
 *   flags 0, length 8, failureCode 2 SSL_NOT_ALLOWED_BY_SERVER */
static const uint8_t cc_failure[] = {
    0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34,
    0x00, 0x03, 0x00, 0x08, 0x00, /* NEG_FAILURE, flags, length */
    0x02, 0x00, 0x00, 0x00,       /* failureCode */
};

/* rdp-invalid-length.pcap frame 5 (first 19 bytes = its TPKT): CC whose NEG_RSP
 * length field is 0 instead of 8.
 *   NEG_RSP flags 0x03, length 0 (bad), selectedProtocol 0x02000001 */
static const uint8_t cc_badlen[] = {
    0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x02, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02,
};

/* DR: LI 6, DR, DST-REF 0x1234, SRC-REF 0, reason 0x80 (normal disconnect). */
static const uint8_t dr[] = {
    0x06, 0x80, 0x12, 0x34, 0x00, 0x00, 0x80,
};

/* RDP-003.pcap frame 10 payload: DT EOT carrying MCS attachUserRequest (0x28). */
static const uint8_t dt[] = {
    0x02, 0xf0, 0x80, /* LI 2, DT, EOT */
    0x28,             /* user data */
};

/* DT without user data (the minimal DT). */
static const uint8_t dt_empty[] = {0x02, 0xf0, 0x80};

/* --- malformed ---------------------------------------------------------- */

/* ER TPDU: legal X.224, not used by RDP. */
static const uint8_t er[] = {0x04, 0x70, 0x00, 0x00, 0x01};
/* LI 0: no TPDU code. */
static const uint8_t li_zero[] = {0x00};
/* LI 7 over 6 bytes: overrun. */
static const uint8_t li_overrun[] = {0x07, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00};
/* DT with LI 3. */
static const uint8_t dt_li3[] = {0x03, 0xf0, 0x80, 0x00};
/* CR with LI 5: fixed part cut. */
static const uint8_t cr_short_fixed[] = {0x05, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00};
/* cr_nocookie with LI 6: the NEG_REQ becomes user data, not allowed in class 0. */
static const uint8_t cr_li_small[] = {
    0x06, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x08, 0x00, 0x0b, 0x00, 0x00, 0x00,
};
/* Cookie line without CR LF. */
static const uint8_t cr_cookie_open[] = {
    0x19, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 'C', 'o', 'o', 'k', 'i', 'e',
    ':',  ' ',  'm',  's',  't',  's',  'h',  'a', 's', 'h', '=', 'A', '\r',
};
/* Routing token without CR LF. */
static const uint8_t cr_token_open[] = {
    0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 'C', 'o', 'o', 'k', 'i', 'e', ':', ' ',
};
/* NEG_REQ length 9 (one too big) and 7 (one too small). */
static const uint8_t cr_neglen9[] = {
    0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x09, 0x00, 0x0b, 0x00, 0x00, 0x00,
};
static const uint8_t cr_neglen7[] = {
    0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07, 0x00, 0x0b, 0x00, 0x00, 0x00,
};
/* NEG_RSP in a CR. */
static const uint8_t cr_negtype[] = {
    0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x08, 0x00, 0x0b, 0x00, 0x00, 0x00,
};
/* NEG_REQ in a CC. */
static const uint8_t cc_negtype[] = {
    0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00,
};
/* NEG_RSP cut after the length field. */
static const uint8_t cc_negcut[] = {
    0x0a, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x02, 0x00, 0x08, 0x00,
};
/* cc_rsp plus one trailing byte inside the LI. */
static const uint8_t cc_trailing[] = {
    0x0f, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x02, 0x1f, 0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0xaa,
};
/* CORRELATION_INFO_PRESENT but no correlation info. */
static const uint8_t cr_corr_missing[] = {
    0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00,
};
/* Correlation info with length 37 (one too big) and type 7. */
static const uint8_t cr_corr_len[] = {
    0x32, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x08, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x06, 0x00, 0x25, 0x00, 1,    2,    3,    4,    5,    6,    7,
    8,    9,    10,   11,   12,   13,   14,   15,   16,   0,    0,    0,    0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
};
static const uint8_t cr_corr_type[] = {
    0x32, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x08, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x07, 0x00, 0x24, 0x00, 1,    2,    3,    4,    5,    6,    7,
    8,    9,    10,   11,   12,   13,   14,   15,   16,   0,    0,    0,    0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
};
/* DR followed by a user data byte (not allowed in class 0). */
static const uint8_t dr_trailing[] = {0x06, 0x80, 0x12, 0x34, 0x00, 0x00, 0x80, 0x00};
/* DR with LI 4: reason missing. */
static const uint8_t dr_short[] = {0x04, 0x80, 0x12, 0x34, 0x00};

struct vec {
    const char *name;
    const uint8_t *b;
    size_t len;
    enum rd_status st;
    enum rd_x224_type type;
    enum rd_why why;
    const char *field;
    size_t min_ok; /* shortest prefix that is itself valid (DT user data); 0 = none */
};

#define VEC(n, arr) #n, arr, sizeof arr

static const struct vec vecs[] = {
    {VEC(cr_minimal, cr_minimal), RD_OK, RD_X224_CR, RD_WHY_NONE, NULL, 0},
    {VEC(cr_rdp003, cr_rdp003), RD_OK, RD_X224_CR, RD_WHY_NONE, NULL, 0},
    {VEC(cr_nocookie, cr_nocookie), RD_OK, RD_X224_CR, RD_WHY_NONE, NULL, 0},
    {VEC(cr_restricted, cr_restricted), RD_OK, RD_X224_CR, RD_WHY_NONE, NULL, 0},
    {VEC(cr_corr, cr_corr), RD_OK, RD_X224_CR, RD_WHY_NONE, NULL, 0},
    {VEC(cc_rdp003, cc_rdp003), RD_OK, RD_X224_CC, RD_WHY_NONE, NULL, 0},
    {VEC(cc_rsp, cc_rsp), RD_OK, RD_X224_CC, RD_WHY_NONE, NULL, 0},
    {VEC(cc_failure, cc_failure), RD_OK, RD_X224_CC, RD_WHY_NONE, NULL, 0},
    {VEC(dr, dr), RD_OK, RD_X224_DR, RD_WHY_NONE, NULL, 0},
    {VEC(dt, dt), RD_OK, RD_X224_DT, RD_WHY_NONE, NULL, 3},
    {VEC(dt_empty, dt_empty), RD_OK, RD_X224_DT, RD_WHY_NONE, NULL, 3},
    {VEC(cc_badlen, cc_badlen), RD_MALFORMED, RD_X224_CC, RD_WHY_BAD_VALUE, "x224.cc.neg.length",
     0},
    {VEC(er, er), RD_MALFORMED, RD_X224_ER, RD_WHY_UNSUPPORTED, "x224.code", 0},
    {VEC(li_zero, li_zero), RD_MALFORMED, RD_X224_UNKNOWN, RD_WHY_BAD_VALUE, "x224.li", 0},
    {VEC(li_overrun, li_overrun), RD_MALFORMED, RD_X224_UNKNOWN, RD_WHY_OVERRUN, "x224.li", 0},
    {VEC(dt_li3, dt_li3), RD_MALFORMED, RD_X224_DT, RD_WHY_BAD_VALUE, "x224.li", 0},
    {VEC(cr_short_fixed, cr_short_fixed), RD_MALFORMED, RD_X224_CR, RD_WHY_SHORT, "x224.cr.fixed",
     0},
    {VEC(cr_li_small, cr_li_small), RD_MALFORMED, RD_X224_CR, RD_WHY_TRAILING, "x224.user_data", 0},
    {VEC(cr_cookie_open, cr_cookie_open), RD_MALFORMED, RD_X224_CR, RD_WHY_SHORT, "x224.cr.cookie",
     0},
    {VEC(cr_token_open, cr_token_open), RD_MALFORMED, RD_X224_CR, RD_WHY_SHORT,
     "x224.cr.routing_token", 0},
    {VEC(cr_neglen9, cr_neglen9), RD_MALFORMED, RD_X224_CR, RD_WHY_BAD_VALUE, "x224.cr.neg.length",
     0},
    {VEC(cr_neglen7, cr_neglen7), RD_MALFORMED, RD_X224_CR, RD_WHY_BAD_VALUE, "x224.cr.neg.length",
     0},
    {VEC(cr_negtype, cr_negtype), RD_MALFORMED, RD_X224_CR, RD_WHY_BAD_VALUE, "x224.cr.neg.type",
     0},
    {VEC(cc_negtype, cc_negtype), RD_MALFORMED, RD_X224_CC, RD_WHY_BAD_VALUE, "x224.cc.neg.type",
     0},
    {VEC(cc_negcut, cc_negcut), RD_MALFORMED, RD_X224_CC, RD_WHY_SHORT, "x224.cc.neg.value", 0},
    {VEC(cc_trailing, cc_trailing), RD_MALFORMED, RD_X224_CC, RD_WHY_TRAILING, "x224.cc", 0},
    {VEC(cr_corr_missing, cr_corr_missing), RD_MALFORMED, RD_X224_CR, RD_WHY_SHORT,
     "x224.cr.correlation_info", 0},
    {VEC(cr_corr_len, cr_corr_len), RD_MALFORMED, RD_X224_CR, RD_WHY_BAD_VALUE,
     "x224.cr.correlation_info.length", 0},
    {VEC(cr_corr_type, cr_corr_type), RD_MALFORMED, RD_X224_CR, RD_WHY_BAD_VALUE,
     "x224.cr.correlation_info.type", 0},
    {VEC(dr_trailing, dr_trailing), RD_MALFORMED, RD_X224_DR, RD_WHY_TRAILING, "x224.user_data", 0},
    {VEC(dr_short, dr_short), RD_MALFORMED, RD_X224_DR, RD_WHY_SHORT, "x224.dr.fixed", 0},
};

static enum rd_status parse_copy(const uint8_t *b, size_t len, struct rd_x224_pdu *out,
                                 struct rd_diag *d)
{
    /* An exact-size heap copy so ASan catches any read past the view. */
    uint8_t *copy = malloc(len > 0 ? len : 1);
    struct rd_cur c;
    enum rd_status st;

    ck_assert_ptr_nonnull(copy);
    if (len > 0) {
        memcpy(copy, b, len);
    }
    rd_cur_init(&c, copy, len);
    st = rd_x224_parse(c, out, d);
    free(copy);
    return st;
}

START_TEST(test_table)
{
    const struct vec *v = &vecs[_i];
    struct rd_cur c;
    struct rd_x224_pdu pdu;
    struct rd_diag d = {0};

    rd_cur_init(&c, v->b, v->len);
    ck_assert_msg(rd_x224_parse(c, &pdu, &d) == v->st, "%s", v->name);
    ck_assert_msg(pdu.type == v->type, "%s: type %d", v->name, (int)pdu.type);
    ck_assert_msg(d.why == v->why, "%s: why %s", v->name, rd_why_name(d.why));
    if (v->field != NULL) {
        ck_assert_str_eq(d.field, v->field);
    }
}
END_TEST

/* Every prefix of every valid vector fails (except shorter valid DTs), in bounds. */
START_TEST(test_truncation)
{
    const struct vec *v = &vecs[_i];

    if (v->st != RD_OK) {
        return;
    }
    for (size_t k = 0; k < v->len; k++) {
        struct rd_x224_pdu pdu;
        struct rd_diag d = {0};
        enum rd_status st = parse_copy(v->b, k, &pdu, &d);

        if (v->min_ok != 0 && k >= v->min_ok) {
            ck_assert_msg(st == RD_OK, "%s prefix %zu", v->name, k);
        } else {
            ck_assert_msg(st == RD_MALFORMED, "%s prefix %zu", v->name, k);
            ck_assert_int_ne(d.why, RD_WHY_NONE);
        }
    }
}
END_TEST

START_TEST(test_fields_cr)
{
    struct rd_cur c;
    struct rd_x224_pdu p;

    rd_cur_init(&c, cr_rdp003, sizeof cr_rdp003);
    ck_assert_int_eq(rd_x224_parse(c, &p, NULL), RD_OK);
    ck_assert(p.has_cookie);
    ck_assert(!p.has_routing_token);
    ck_assert(rd_bytes_eq(p.cookie, "A70067", 6));
    ck_assert_int_eq(p.neg, RD_X224_NEG_NONE);
    ck_assert_uint_eq(p.li, 31);

    rd_cur_init(&c, cr_nocookie, sizeof cr_nocookie);
    ck_assert_int_eq(rd_x224_parse(c, &p, NULL), RD_OK);
    ck_assert(!p.has_cookie);
    ck_assert_int_eq(p.neg, RD_X224_NEG_REQ);
    ck_assert_uint_eq(p.requested_protocols, 0x0b);
    ck_assert_uint_eq(p.neg_flags, 0);

    rd_cur_init(&c, cr_restricted, sizeof cr_restricted);
    ck_assert_int_eq(rd_x224_parse(c, &p, NULL), RD_OK);
    ck_assert(rd_bytes_eq(p.cookie, "Administr", 9));
    ck_assert_uint_eq(p.neg_flags, RD_X224_RESTRICTED_ADMIN_MODE_REQUIRED);
    ck_assert_uint_eq(p.requested_protocols, RD_X224_PROTOCOL_HYBRID | RD_X224_PROTOCOL_HYBRID_EX);

    rd_cur_init(&c, cr_corr, sizeof cr_corr);
    ck_assert_int_eq(rd_x224_parse(c, &p, NULL), RD_OK);
    ck_assert(!p.has_cookie);
    ck_assert(p.has_routing_token);
    ck_assert(rd_bytes_eq(p.routing_token, "Cookie: msts=1", 14));
    ck_assert_uint_eq(p.requested_protocols, 0x40000003u);
    ck_assert(p.has_correlation_id);
    ck_assert_uint_eq(p.correlation_id.len, 16);
    ck_assert_ptr_eq(p.correlation_id.p, cr_corr + 35);
}
END_TEST

START_TEST(test_fields_cc_dr_dt)
{
    struct rd_cur c;
    struct rd_x224_pdu p;

    rd_cur_init(&c, cc_rdp003, sizeof cc_rdp003);
    ck_assert_int_eq(rd_x224_parse(c, &p, NULL), RD_OK);
    ck_assert_int_eq(p.neg, RD_X224_NEG_NONE);
    ck_assert_uint_eq(p.src_ref, 0x1234);

    rd_cur_init(&c, cc_rsp, sizeof cc_rsp);
    ck_assert_int_eq(rd_x224_parse(c, &p, NULL), RD_OK);
    ck_assert_int_eq(p.neg, RD_X224_NEG_RSP);
    ck_assert_uint_eq(p.neg_flags, 0x1f);
    ck_assert_uint_eq(p.selected_protocol, RD_X224_PROTOCOL_HYBRID_EX);

    rd_cur_init(&c, cc_failure, sizeof cc_failure);
    ck_assert_int_eq(rd_x224_parse(c, &p, NULL), RD_OK);
    ck_assert_int_eq(p.neg, RD_X224_NEG_FAILURE);
    ck_assert_uint_eq(p.failure_code, RD_X224_SSL_NOT_ALLOWED_BY_SERVER);

    rd_cur_init(&c, dr, sizeof dr);
    ck_assert_int_eq(rd_x224_parse(c, &p, NULL), RD_OK);
    ck_assert_uint_eq(p.dst_ref, 0x1234);
    ck_assert_uint_eq(p.dr_reason, 0x80);

    rd_cur_init(&c, dt, sizeof dt);
    ck_assert_int_eq(rd_x224_parse(c, &p, NULL), RD_OK);
    ck_assert(p.eot);
    ck_assert_uint_eq(p.user_data.len, 1);
    ck_assert_ptr_eq(p.user_data.p, dt + 3);
}
END_TEST

START_TEST(test_names)
{
    char buf[64];
    char tiny[6];

    ck_assert_str_eq(rd_x224_failure_name(1), "SSL_REQUIRED_BY_SERVER");
    ck_assert_str_eq(rd_x224_failure_name(2), "SSL_NOT_ALLOWED_BY_SERVER");
    ck_assert_str_eq(rd_x224_failure_name(3), "SSL_CERT_NOT_ON_SERVER");
    ck_assert_str_eq(rd_x224_failure_name(4), "INCONSISTENT_FLAGS");
    ck_assert_str_eq(rd_x224_failure_name(5), "HYBRID_REQUIRED_BY_SERVER");
    ck_assert_str_eq(rd_x224_failure_name(6), "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER");
    ck_assert_str_eq(rd_x224_failure_name(0), "unknown");
    ck_assert_str_eq(rd_x224_failure_name(7), "unknown");

    ck_assert_str_eq(rd_x224_protocol_name(0), "RDP");
    ck_assert_str_eq(rd_x224_protocol_name(1), "SSL");
    ck_assert_str_eq(rd_x224_protocol_name(2), "HYBRID");
    ck_assert_str_eq(rd_x224_protocol_name(4), "RDSTLS");
    ck_assert_str_eq(rd_x224_protocol_name(8), "HYBRID_EX");
    ck_assert_str_eq(rd_x224_protocol_name(0x10), "RDSAAD");
    ck_assert_str_eq(rd_x224_protocol_name(3), "unknown");

    ck_assert_str_eq(rd_x224_type_name(RD_X224_CR), "Connection Request");
    ck_assert_str_eq(rd_x224_type_name(RD_X224_CC), "Connection Confirm");
    ck_assert_str_eq(rd_x224_type_name(RD_X224_DR), "Disconnect Request");
    ck_assert_str_eq(rd_x224_type_name(RD_X224_DT), "Data");
    ck_assert_str_eq(rd_x224_type_name(RD_X224_ER), "TPDU Error");
    ck_assert_str_eq(rd_x224_type_name(RD_X224_UNKNOWN), "unknown");
    ck_assert_str_eq(rd_x224_neg_name(RD_X224_NEG_REQ), "RDP_NEG_REQ");
    ck_assert_str_eq(rd_x224_neg_name(RD_X224_NEG_RSP), "RDP_NEG_RSP");
    ck_assert_str_eq(rd_x224_neg_name(RD_X224_NEG_FAILURE), "RDP_NEG_FAILURE");
    ck_assert_str_eq(rd_x224_neg_name(RD_X224_NEG_NONE), "none");

    ck_assert_str_eq(rd_x224_protocols_str(0, buf, sizeof buf), "RDP");
    ck_assert_str_eq(rd_x224_protocols_str(0x03, buf, sizeof buf), "SSL|HYBRID");
    ck_assert_str_eq(rd_x224_protocols_str(0x1f, buf, sizeof buf),
                     "SSL|HYBRID|RDSTLS|HYBRID_EX|RDSAAD");
    ck_assert_str_eq(rd_x224_protocols_str(0x41, buf, sizeof buf), "SSL|0x40");
    ck_assert_str_eq(rd_x224_protocols_str(0x80000000u, buf, sizeof buf), "0x80000000");
    ck_assert_str_eq(rd_x224_protocols_str(0x0b, tiny, sizeof tiny), "SSL|H");
    ck_assert_ptr_eq(rd_x224_protocols_str(0x0b, tiny, 0), tiny);
}
END_TEST

/* Whole TPKTs: is this the start of an RDP Connection Request? */
START_TEST(test_is_cr_start)
{
    /* RDP-003.pcap frame 4, first 6 bytes: TPKT length 36, LI 31, CR. */
    static const uint8_t cr[] = {0x03, 0x00, 0x00, 0x24, 0x1f, 0xe0};
    /* RDP-003.pcap frame 6: a CC. */
    static const uint8_t cc[] = {0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0, 0x00};
    /* LI claims more than the TPKT holds. */
    static const uint8_t li_big[] = {0x03, 0x00, 0x00, 0x0b, 0x07, 0xe0};
    /* LI below the CR fixed part. */
    static const uint8_t li_small[] = {0x03, 0x00, 0x00, 0x0b, 0x05, 0xe0};
    /* A TLS ClientHello record. */
    static const uint8_t tls[] = {0x16, 0x03, 0x01, 0x01, 0x1c, 0x01};
    struct rd_cur c;

    rd_cur_init(&c, cr, sizeof cr);
    ck_assert(rd_x224_is_cr_start(c));
    rd_cur_init(&c, cr, sizeof cr - 1);
    ck_assert(!rd_x224_is_cr_start(c));
    rd_cur_init(&c, cc, sizeof cc);
    ck_assert(!rd_x224_is_cr_start(c));
    rd_cur_init(&c, li_big, sizeof li_big);
    ck_assert(!rd_x224_is_cr_start(c));
    rd_cur_init(&c, li_small, sizeof li_small);
    ck_assert(!rd_x224_is_cr_start(c));
    rd_cur_init(&c, tls, sizeof tls);
    ck_assert(!rd_x224_is_cr_start(c));
}
END_TEST

static Suite *x224_suite(void)
{
    Suite *s = suite_create("x224");
    TCase *tc = tcase_create("core");
    int n = (int)(sizeof vecs / sizeof vecs[0]);

    tcase_add_loop_test(tc, test_table, 0, n);
    tcase_add_loop_test(tc, test_truncation, 0, n);
    tcase_add_test(tc, test_fields_cr);
    tcase_add_test(tc, test_fields_cc_dr_dt);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_is_cr_start);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(x224_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
