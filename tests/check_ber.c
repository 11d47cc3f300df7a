/*
 * check_ber.c - unit tests for dissectors/ber.c (ITU-T X.690 element reader).
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ber.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- rd_ber_get_any vectors ------------------------------------------- */

struct elem_vec {
    const char *name;
    const uint8_t *bytes;
    size_t len;
    enum rd_status status;
    uint32_t tag;
    size_t contents_len;
    size_t header_len;
    bool non_der;
    enum rd_why why;
};

/* NULL: the smallest element there is.
 *   05     UNIVERSAL 5 (NULL), primitive
 *   00     length 0 */
static const uint8_t v_null[] = {0x05, 0x00};

/* Real TSRequest from the server, rdp-nla-ntlm-rejected1.pcapng frame 15 (decrypted TLS):
 *   30 0d              SEQUENCE, 13 bytes
 *     a0 03            [0] version
 *       02 01 06       INTEGER 6
 *     a4 06            [4] errorCode
 *       02 04 80 09 03 02   INTEGER 0x80090302 (SEC_E_UNSUPPORTED_FUNCTION, negative in DER) */
static const uint8_t v_tsreq_err[] = {
    0x30, 0x0d,                                     /* SEQUENCE */
    0xa0, 0x03, 0x02, 0x01, 0x06,                   /* [0] version 6 */
    0xa4, 0x06, 0x02, 0x04, 0x80, 0x09, 0x03, 0x02, /* [4] errorCode */
};

/* T.125 Connect-Initial style tag: [APPLICATION 101], two identifier octets.
 *   7f 65     APPLICATION, constructed, high-tag form, number 0x65 = 101
 *   02        length 2
 *   aa bb     contents */
static const uint8_t v_app101[] = {0x7f, 0x65, 0x02, 0xaa, 0xbb};

/* Three-octet tag number: [CONTEXT 16384] primitive = 9f 81 80 00 (16384 = 1 0000000 0000000).
 *   9f           CONTEXT, primitive, high-tag form
 *   81 80 00     base-128: 1, 0, 0 -> 16384
 *   00           length 0 */
static const uint8_t v_tag16384[] = {0x9f, 0x81, 0x80, 0x00, 0x00};

/* Long-form length, DER: OCTET STRING of 128 bytes would need 128 bytes; instead use a
 * long form with two length octets whose value needs both: 0x0100 = 256 contents. Built
 * at run time (see make_long). Here: the non-minimal encodings instead.
 *   04 81 02 aa bb     OCTET STRING, length in long form although 2 < 128 -> non_der */
static const uint8_t v_len_longform_small[] = {0x04, 0x81, 0x02, 0xaa, 0xbb};
/*   04 82 00 02 aa bb  leading zero length octet -> non_der */
static const uint8_t v_len_leading_zero[] = {0x04, 0x82, 0x00, 0x02, 0xaa, 0xbb};
/*   1f 05 00           UNIVERSAL 5 written in the high-tag form -> non_der */
static const uint8_t v_tag_longform_small[] = {0x1f, 0x05, 0x00};
/*   04 80 ...          indefinite length: unsupported */
static const uint8_t v_indefinite[] = {0x04, 0x80, 0x00, 0x00};
/*   04 85 00 00 00 00 01 aa   five length octets: our limit */
static const uint8_t v_len5[] = {0x04, 0x85, 0x00, 0x00, 0x00, 0x00, 0x01, 0xaa};
/*   04 ff              reserved length octet (X.690 8.1.3.5 c) */
static const uint8_t v_len_ff[] = {0x04, 0xff, 0x00};
/*   04 03 aa bb        length one too big (3 declared, 2 present) */
static const uint8_t v_len_too_big[] = {0x04, 0x03, 0xaa, 0xbb};
/*   9f 81 81 81 81 01 00   tag number of five subsequent octets: our limit */
static const uint8_t v_tag_too_long[] = {0x9f, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00};
/*   9f 80 05 00        first subsequent octet 0x80 (X.690 8.1.2.4.2 c) -> non_der */
static const uint8_t v_tag_80[] = {0x9f, 0x80, 0x25, 0x00};

static const struct elem_vec elem_vecs[] = {
    {"null", v_null, sizeof v_null, RD_OK, RD_BER_TAG(0, 0, 5), 0, 2, false, RD_WHY_NONE},
    {"tsrequest-error", v_tsreq_err, sizeof v_tsreq_err, RD_OK, RD_BER_SEQUENCE, 13, 2, false,
     RD_WHY_NONE},
    {"app101", v_app101, sizeof v_app101, RD_OK, RD_BER_APP(101), 2, 3, false, RD_WHY_NONE},
    {"tag16384", v_tag16384, sizeof v_tag16384, RD_OK, RD_BER_TAG(RD_BER_CONTEXT, 0, 16384), 0, 5,
     false, RD_WHY_NONE},
    {"len-longform-small", v_len_longform_small, sizeof v_len_longform_small, RD_OK,
     RD_BER_OCTET_STRING, 2, 3, true, RD_WHY_NONE},
    {"len-leading-zero", v_len_leading_zero, sizeof v_len_leading_zero, RD_OK, RD_BER_OCTET_STRING,
     2, 4, true, RD_WHY_NONE},
    {"tag-longform-small", v_tag_longform_small, sizeof v_tag_longform_small, RD_OK,
     RD_BER_TAG(0, 0, 5), 0, 3, true, RD_WHY_NONE},
    {"tag-80", v_tag_80, sizeof v_tag_80, RD_OK, RD_BER_TAG(RD_BER_CONTEXT, 0, 0x25), 0, 4, true,
     RD_WHY_NONE},
    {"indefinite", v_indefinite, sizeof v_indefinite, RD_MALFORMED, 0, 0, 0, false,
     RD_WHY_UNSUPPORTED},
    {"len5", v_len5, sizeof v_len5, RD_MALFORMED, 0, 0, 0, false, RD_WHY_LIMIT},
    {"len-ff", v_len_ff, sizeof v_len_ff, RD_MALFORMED, 0, 0, 0, false, RD_WHY_BAD_VALUE},
    {"len-too-big", v_len_too_big, sizeof v_len_too_big, RD_MALFORMED, 0, 0, 0, false,
     RD_WHY_OVERRUN},
    {"tag-too-long", v_tag_too_long, sizeof v_tag_too_long, RD_MALFORMED, 0, 0, 0, false,
     RD_WHY_LIMIT},
    {"empty", v_null, 0, RD_MALFORMED, 0, 0, 0, false, RD_WHY_SHORT},
};

START_TEST(test_get_any)
{
    const struct elem_vec *v = &elem_vecs[_i];
    struct rd_cur c;
    struct rd_cur before;
    struct rd_ber_elem e;
    struct rd_diag d = {0};
    enum rd_status st;

    rd_cur_init(&c, v->bytes, v->len);
    before = c;
    memset(&e, 0, sizeof e);
    st = rd_ber_get_any(&c, &e, &d);
    ck_assert_msg(st == v->status, "%s: status %d", v->name, (int)st);
    ck_assert_int_eq(d.why, v->why);
    if (st == RD_OK) {
        ck_assert_uint_eq(e.tag, v->tag);
        ck_assert_uint_eq(e.contents.len, v->contents_len);
        ck_assert_uint_eq(e.header_len, v->header_len);
        ck_assert_int_eq(e.non_der, v->non_der);
        ck_assert_uint_eq(e.contents.off, v->header_len);
        ck_assert_uint_eq(c.len, v->len - v->header_len - v->contents_len);
    } else {
        /* On failure the cursor does not move. */
        ck_assert_ptr_eq(c.p, before.p);
        ck_assert_uint_eq(c.len, before.len);
    }
}
END_TEST

/* Every proper prefix of a valid element fails as SHORT or OVERRUN inside a PDU. */
START_TEST(test_get_any_truncation)
{
    const struct elem_vec *v = &elem_vecs[_i];
    if (v->status != RD_OK) {
        return;
    }
    for (size_t n = 0; n < v->len; n++) {
        uint8_t *copy = malloc(n > 0 ? n : 1);
        struct rd_cur c;
        struct rd_ber_elem e;
        struct rd_diag d = {0};

        ck_assert_ptr_nonnull(copy);
        if (n > 0) {
            memcpy(copy, v->bytes, n);
        }
        rd_cur_init(&c, copy, n);
        ck_assert_int_eq(rd_ber_get_any(&c, &e, &d), RD_MALFORMED);
        ck_assert(d.why == RD_WHY_SHORT || d.why == RD_WHY_OVERRUN);
        ck_assert_uint_eq(c.len, n);
        free(copy);
    }
}
END_TEST

/* A long-form length whose value needs two octets: 04 82 01 00 + 256 bytes. */
START_TEST(test_get_any_long)
{
    uint8_t buf[4 + 256 + 1];
    struct rd_cur c;
    struct rd_ber_elem e;
    struct rd_diag d = {0};

    memset(buf, 0x5a, sizeof buf);
    buf[0] = 0x04; /* OCTET STRING */
    buf[1] = 0x82; /* two length octets */
    buf[2] = 0x01;
    buf[3] = 0x00; /* 256 */
    rd_cur_init(&c, buf, sizeof buf);
    ck_assert_int_eq(rd_ber_get_any(&c, &e, &d), RD_OK);
    ck_assert_uint_eq(e.contents.len, 256);
    ck_assert_uint_eq(e.header_len, 4);
    ck_assert(!e.non_der);
    ck_assert_uint_eq(c.len, 1); /* trailing byte left for the caller */

    /* Length one too small (00 ff = 255, a leading zero octet, so non_der) leaves a byte. */
    buf[2] = 0x00;
    buf[3] = 0xff;
    rd_cur_init(&c, buf, 4 + 256);
    ck_assert_int_eq(rd_ber_get_any(&c, &e, &d), RD_OK);
    ck_assert(e.non_der);
    ck_assert_uint_eq(c.len, 1);

    /* Length one too big (257) overruns the 256 bytes present. */
    buf[2] = 0x01;
    buf[3] = 0x01;
    rd_cur_init(&c, buf, 4 + 256);
    ck_assert_int_eq(rd_ber_get_any(&c, &e, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_OVERRUN);
}
END_TEST

/* ---- rd_ber_get / peek / optional -------------------------------------- */

START_TEST(test_get_tag_mismatch)
{
    struct rd_cur c;
    struct rd_ber_elem e;
    struct rd_diag d = {0};

    rd_cur_init(&c, v_tsreq_err, sizeof v_tsreq_err);
    ck_assert_int_eq(rd_ber_get(&c, RD_BER_INTEGER, &e, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
    ck_assert_str_eq(d.field, "ber.tag");
    ck_assert_uint_eq(c.len, sizeof v_tsreq_err);
}
END_TEST

START_TEST(test_walk_tsrequest)
{
    struct rd_cur c;
    struct rd_cur seq;
    struct rd_ber_elem e;
    struct rd_ber_elem inner;
    struct rd_diag d = {0};
    bool present;
    uint32_t tag;
    int64_t sv;
    uint64_t uv;
    bool non_der;

    rd_cur_init(&c, v_tsreq_err, sizeof v_tsreq_err);
    ck_assert_int_eq(rd_ber_get(&c, RD_BER_SEQUENCE, &e, &d), RD_OK);
    ck_assert(rd_cur_is_empty(&c));
    seq = e.contents;
    ck_assert(rd_ber_peek(&seq, &tag));
    ck_assert_uint_eq(tag, RD_BER_CTX(0));
    ck_assert_uint_eq(RD_BER_TAG_CLASS(tag), RD_BER_CONTEXT);
    ck_assert_uint_eq(RD_BER_TAG_CONSTRUCTED(tag), 1);
    ck_assert_uint_eq(RD_BER_TAG_NUMBER(tag), 0);
    ck_assert_int_eq(rd_ber_get(&seq, RD_BER_CTX(0), &e, &d), RD_OK);
    ck_assert_int_eq(rd_ber_get(&e.contents, RD_BER_INTEGER, &inner, &d), RD_OK);
    ck_assert_int_eq(rd_ber_uint64(inner.contents, &uv, &non_der, &d), RD_OK);
    ck_assert_uint_eq(uv, 6);
    ck_assert_int_eq(rd_ber_optional(&seq, RD_BER_CTX(1), &e, &present, &d), RD_OK);
    ck_assert(!present);
    ck_assert_int_eq(rd_ber_optional(&seq, RD_BER_CTX(4), &e, &present, &d), RD_OK);
    ck_assert(present);
    ck_assert(rd_cur_is_empty(&seq));
    ck_assert_int_eq(rd_ber_get(&e.contents, RD_BER_INTEGER, &inner, &d), RD_OK);
    ck_assert_int_eq(rd_ber_int64(inner.contents, &sv, &non_der, &d), RD_OK);
    ck_assert_int_eq(sv, (int64_t)INT32_MIN + 0x00090302);
    ck_assert_uint_eq((uint32_t)sv, 0x80090302u);
    ck_assert(!non_der);
    /* Unsigned reading refuses the negative value. */
    ck_assert_int_eq(rd_ber_uint64(inner.contents, &uv, &non_der, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
    /* peek on an empty cursor. */
    ck_assert(!rd_ber_peek(&seq, &tag));
    ck_assert_int_eq(rd_ber_optional(&seq, RD_BER_CTX(4), &e, &present, &d), RD_OK);
    ck_assert(!present);
}
END_TEST

/* ---- integers ---------------------------------------------------------- */

struct int_vec {
    const char *name;
    uint8_t bytes[10];
    size_t len;
    enum rd_status ustatus;
    uint64_t u;
    enum rd_status sstatus;
    int64_t s;
    bool non_der;
};

static const struct int_vec int_vecs[] = {
    {"zero", {0x00}, 1, RD_OK, 0, RD_OK, 0, false},
    {"127", {0x7f}, 1, RD_OK, 127, RD_OK, 127, false},
    {"128", {0x00, 0x80}, 2, RD_OK, 128, RD_OK, 128, false},
    {"redundant-zero", {0x00, 0x05}, 2, RD_OK, 5, RD_OK, 5, true},
    {"minus-one", {0xff}, 1, RD_MALFORMED, 0, RD_OK, -1, false},
    {"redundant-ff", {0xff, 0xff}, 2, RD_MALFORMED, 0, RD_OK, -1, true},
    {"minus-128", {0x80}, 1, RD_MALFORMED, 0, RD_OK, -128, false},
    {"u64-max",
     {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
     9,
     RD_OK,
     UINT64_MAX,
     RD_MALFORMED,
     0,
     false},
    {"i64-min", {0x80, 0, 0, 0, 0, 0, 0, 0}, 8, RD_MALFORMED, 0, RD_OK, INT64_MIN, false},
    {"i64-max",
     {0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
     8,
     RD_OK,
     INT64_MAX,
     RD_OK,
     INT64_MAX,
     false},
    {"too-wide", {0x01, 0, 0, 0, 0, 0, 0, 0, 0}, 9, RD_MALFORMED, 0, RD_MALFORMED, 0, false},
    {"ten-octets-redundant", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07}, 10, RD_OK, 7, RD_OK, 7, true},
    {"empty", {0}, 0, RD_MALFORMED, 0, RD_MALFORMED, 0, false},
};

START_TEST(test_integers)
{
    const struct int_vec *v = &int_vecs[_i];
    struct rd_cur c;
    struct rd_diag d = {0};
    uint64_t u = 0xdead;
    int64_t s = 0xbeef;
    bool nd = false;

    rd_cur_init(&c, v->bytes, v->len);
    ck_assert_msg(rd_ber_uint64(c, &u, &nd, &d) == v->ustatus, "%s unsigned", v->name);
    if (v->ustatus == RD_OK) {
        ck_assert_uint_eq(u, v->u);
        ck_assert_int_eq(nd, v->non_der);
    } else {
        ck_assert_uint_eq(u, 0xdead);
        ck_assert(d.why == RD_WHY_BAD_VALUE || d.why == RD_WHY_LIMIT);
    }
    memset(&d, 0, sizeof d);
    nd = false;
    ck_assert_msg(rd_ber_int64(c, &s, &nd, &d) == v->sstatus, "%s signed", v->name);
    if (v->sstatus == RD_OK) {
        ck_assert_int_eq(s, v->s);
        ck_assert_int_eq(nd, v->non_der);
    } else {
        ck_assert_int_eq(s, 0xbeef);
    }
}
END_TEST

START_TEST(test_bool)
{
    static const uint8_t t[] = {0xff, 0x00};
    static const uint8_t one[] = {0x01};
    struct rd_cur c;
    struct rd_diag d = {0};
    bool v = false;

    rd_cur_init(&c, t, 1);
    ck_assert_int_eq(rd_ber_bool(c, &v, &d), RD_OK);
    ck_assert(v);
    rd_cur_init(&c, t + 1, 1);
    ck_assert_int_eq(rd_ber_bool(c, &v, &d), RD_OK);
    ck_assert(!v);
    rd_cur_init(&c, one, 1);
    ck_assert_int_eq(rd_ber_bool(c, &v, &d), RD_OK);
    ck_assert(v);
    rd_cur_init(&c, t, 2);
    ck_assert_int_eq(rd_ber_bool(c, &v, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_BAD_VALUE);
    rd_cur_init(&c, t, 0);
    ck_assert_int_eq(rd_ber_bool(c, &v, &d), RD_MALFORMED);
}
END_TEST

/* ---- framing ----------------------------------------------------------- */

START_TEST(test_frame_sweep)
{
    const struct elem_vec *v = &elem_vecs[_i];
    size_t full = 0;
    struct rd_cur c;
    struct rd_diag d = {0};

    if (v->status != RD_OK) {
        return;
    }
    rd_cur_init(&c, v->bytes, v->len);
    ck_assert_int_eq(rd_ber_frame(c, &full, &d), RD_OK);
    ck_assert_uint_eq(full, v->header_len + v->contents_len);
    for (size_t n = 0; n < full; n++) {
        size_t need = 0;
        rd_cur_init(&c, v->bytes, n);
        ck_assert_msg(rd_ber_frame(c, &need, &d) == RD_NEED_MORE, "%s prefix %zu", v->name, n);
        /* need is a lower bound of the total, larger than what we have. */
        ck_assert_uint_gt(need, n);
        ck_assert_uint_le(need, full);
    }
}
END_TEST

START_TEST(test_frame_errors)
{
    struct rd_cur c;
    struct rd_diag d = {0};
    size_t total = 0;

    rd_cur_init(&c, v_indefinite, sizeof v_indefinite);
    ck_assert_int_eq(rd_ber_frame(c, &total, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_UNSUPPORTED);
    memset(&d, 0, sizeof d);
    rd_cur_init(&c, v_len5, sizeof v_len5);
    ck_assert_int_eq(rd_ber_frame(c, &total, &d), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_LIMIT);
    /* Length one too big: need one more byte. */
    rd_cur_init(&c, v_len_too_big, sizeof v_len_too_big);
    ck_assert_int_eq(rd_ber_frame(c, &total, &d), RD_NEED_MORE);
    ck_assert_uint_eq(total, 5);
    /* Two elements back to back: frame reports only the first. */
    {
        static const uint8_t two[] = {0x05, 0x00, 0x05, 0x00};
        rd_cur_init(&c, two, sizeof two);
        ck_assert_int_eq(rd_ber_frame(c, &total, &d), RD_OK);
        ck_assert_uint_eq(total, 2);
    }
    /* Maximal four-octet length: known total, NEED_MORE. */
    {
        static const uint8_t big[] = {0x30, 0x84, 0xff, 0xff, 0xff, 0xff};
        rd_cur_init(&c, big, sizeof big);
        ck_assert_int_eq(rd_ber_frame(c, &total, &d), RD_NEED_MORE);
        ck_assert_uint_eq(total, (size_t)0xffffffffu + 6);
    }
}
END_TEST

static Suite *ber_suite(void)
{
    Suite *s = suite_create("ber");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_get_any, 0, (int)LEN(elem_vecs));
    tcase_add_loop_test(tc, test_get_any_truncation, 0, (int)LEN(elem_vecs));
    tcase_add_test(tc, test_get_any_long);
    tcase_add_test(tc, test_get_tag_mismatch);
    tcase_add_test(tc, test_walk_tsrequest);
    tcase_add_loop_test(tc, test_integers, 0, (int)LEN(int_vecs));
    tcase_add_test(tc, test_bool);
    tcase_add_loop_test(tc, test_frame_sweep, 0, (int)LEN(elem_vecs));
    tcase_add_test(tc, test_frame_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ber_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
