/*
 * check_tpkt.c - TPKT framing (RFC 1006 section 6).
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "tpkt.h"

/* Minimal valid: TPKT around an empty X.224 DT.
 *   TPKT  version 3, reserved 0, length 7
 *   X.224 LI 2, DT, EOT */
static const uint8_t minimal[] = {
    0x03, 0x00, 0x00, 0x07, /* TPKT */
    0x02, 0xf0, 0x80,       /* X.224 DT, EOT */
};

/* Real world: RDP-003.pcap frame 9, client MCS Erect Domain Request.
 *   TPKT  version 3, length 12
 *   X.224 DT EOT
 *   MCS   erectDomainRequest subHeight 0 subInterval 0 */
static const uint8_t erect[] = {
    0x03, 0x00, 0x00, 0x0c,       /* TPKT */
    0x02, 0xf0, 0x80,             /* X.224 DT */
    0x04, 0x01, 0x00, 0x01, 0x00, /* MCS */
};

struct vec {
    const char *name;
    const uint8_t *b;
    size_t len;
};

static const struct vec valid[] = {
    {"minimal", minimal, sizeof minimal},
    {"RDP-003 frame 9", erect, sizeof erect},
};

START_TEST(test_valid)
{
    const struct vec *v = &valid[_i];
    struct rd_cur c;
    struct rd_cur payload;
    struct rd_diag d = {0};
    size_t n = 99;

    rd_cur_init(&c, v->b, v->len);
    ck_assert_int_eq(rd_tpkt_frame(c, &n, &d), RD_OK);
    ck_assert_uint_eq(n, v->len);
    ck_assert_int_eq(rd_tpkt_parse(c, &payload, &d), RD_OK);
    ck_assert_uint_eq(payload.len, v->len - 4);
    ck_assert_ptr_eq(payload.p, v->b + 4);
    ck_assert_uint_eq(payload.off, 4);
    ck_assert_int_eq(d.why, RD_WHY_NONE);
}
END_TEST

/* Every prefix: framing wants more (and knows how much once the header is in);
 * the body parser fails without reading past the prefix. */
START_TEST(test_truncation)
{
    const struct vec *v = &valid[_i];

    for (size_t k = 0; k < v->len; k++) {
        uint8_t *copy = malloc(k > 0 ? k : 1);
        struct rd_cur c;
        struct rd_cur payload;
        struct rd_diag d = {0};
        size_t n = 99;

        ck_assert_ptr_nonnull(copy);
        for (size_t i = 0; i < k; i++) {
            copy[i] = v->b[i];
        }
        rd_cur_init(&c, copy, k);
        ck_assert_int_eq(rd_tpkt_frame(c, &n, &d), RD_NEED_MORE);
        ck_assert_uint_eq(n, k >= 4 ? v->len : 0);
        ck_assert_int_eq(rd_tpkt_parse(c, &payload, &d), RD_MALFORMED);
        ck_assert_int_eq(d.why, RD_WHY_SHORT);
        free(copy);
    }
}
END_TEST

START_TEST(test_two_pdus_in_stream)
{
    uint8_t s[sizeof minimal + sizeof erect];
    struct rd_cur c;
    size_t n = 0;

    for (size_t i = 0; i < sizeof minimal; i++) {
        s[i] = minimal[i];
    }
    for (size_t i = 0; i < sizeof erect; i++) {
        s[sizeof minimal + i] = erect[i];
    }
    rd_cur_init(&c, s, sizeof s);
    ck_assert_int_eq(rd_tpkt_frame(c, &n, NULL), RD_OK);
    ck_assert_uint_eq(n, 7);
}
END_TEST

/* Length field one too big / one too small, one trailing byte. */
START_TEST(test_length_fields)
{
    uint8_t b[sizeof erect + 1];
    struct rd_cur c;
    struct rd_cur payload;
    struct rd_diag d = {0};
    size_t n = 0;

    for (size_t i = 0; i < sizeof erect; i++) {
        b[i] = erect[i];
    }
    b[sizeof erect] = 0xaa;

    b[3] = 0x0d; /* one too big */
    rd_cur_init(&c, b, sizeof erect);
    ck_assert_int_eq(rd_tpkt_frame(c, &n, &d), RD_NEED_MORE);
    ck_assert_uint_eq(n, 13);
    ck_assert_int_eq(rd_tpkt_parse(c, &payload, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_SHORT);
    ck_assert_str_eq(d.field, "tpkt.length");
    ck_assert_uint_eq(d.off, 2);

    b[3] = 0x0b; /* one too small */
    d = (struct rd_diag){0};
    ck_assert_int_eq(rd_tpkt_frame(c, &n, &d), RD_OK);
    ck_assert_uint_eq(n, 11);
    ck_assert_int_eq(rd_tpkt_parse(c, &payload, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_TRAILING);
    ck_assert_str_eq(d.field, "tpkt.length");

    b[3] = 0x0c; /* right length, one trailing byte in the view */
    d = (struct rd_diag){0};
    rd_cur_init(&c, b, sizeof b);
    ck_assert_int_eq(rd_tpkt_frame(c, &n, &d), RD_OK);
    ck_assert_uint_eq(n, 12);
    ck_assert_int_eq(rd_tpkt_parse(c, &payload, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_TRAILING);
}
END_TEST

START_TEST(test_bad_values)
{
    /* TLS record where TPKT was expected: first byte 0x16. */
    static const uint8_t tls[] = {0x16, 0x03, 0x01, 0x01, 0x1c};
    /* HTTP: first byte 'H'; refused with a single byte. */
    static const uint8_t http[] = {'H'};
    /* Length 6: too short for any X.224 TPDU. */
    static const uint8_t short_len[] = {0x03, 0x00, 0x00, 0x06, 0x02, 0xf0};
    struct rd_cur c;
    struct rd_cur payload;
    struct rd_diag d = {0};
    size_t n = 99;

    rd_cur_init(&c, tls, sizeof tls);
    ck_assert_int_eq(rd_tpkt_frame(c, &n, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
    ck_assert_str_eq(d.field, "tpkt.version");
    d = (struct rd_diag){0};
    ck_assert_int_eq(rd_tpkt_parse(c, &payload, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);

    rd_cur_init(&c, http, sizeof http);
    ck_assert_int_eq(rd_tpkt_frame(c, &n, NULL), RD_MALFORMED);

    d = (struct rd_diag){0};
    rd_cur_init(&c, short_len, sizeof short_len);
    ck_assert_int_eq(rd_tpkt_frame(c, &n, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
    ck_assert_str_eq(d.field, "tpkt.length");
    ck_assert_int_eq(rd_tpkt_parse(c, &payload, NULL), RD_MALFORMED);

    /* Empty stream: nothing to judge yet. */
    rd_cur_init(&c, NULL, 0);
    ck_assert_int_eq(rd_tpkt_frame(c, &n, NULL), RD_NEED_MORE);
    ck_assert_uint_eq(n, 0);
}
END_TEST

/* The largest length the 16-bit field can say. */
START_TEST(test_max_length)
{
    static uint8_t big[65535];
    struct rd_cur c;
    struct rd_cur payload;
    size_t n = 0;

    big[0] = 0x03;
    big[2] = 0xff;
    big[3] = 0xff;
    rd_cur_init(&c, big, sizeof big);
    ck_assert_int_eq(rd_tpkt_frame(c, &n, NULL), RD_OK);
    ck_assert_uint_eq(n, 65535);
    ck_assert_int_eq(rd_tpkt_parse(c, &payload, NULL), RD_OK);
    ck_assert_uint_eq(payload.len, 65531);
}
END_TEST

static Suite *tpkt_suite(void)
{
    Suite *s = suite_create("tpkt");
    TCase *tc = tcase_create("core");
    int nvalid = (int)(sizeof valid / sizeof valid[0]);

    tcase_add_loop_test(tc, test_valid, 0, nvalid);
    tcase_add_loop_test(tc, test_truncation, 0, nvalid);
    tcase_add_test(tc, test_two_pdus_in_stream);
    tcase_add_test(tc, test_length_fields);
    tcase_add_test(tc, test_bad_values);
    tcase_add_test(tc, test_max_length);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tpkt_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
