/*
 * check_cursor.c - the bounds-checked cursor (dissectors/cursor.c).
 *
 * Every getter: reads the right bytes in the right order and advances; on a
 * view too short it returns false and leaves both cursor and output untouched.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"

static const uint8_t bytes[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};

static void assert_same(const struct rd_cur *a, const struct rd_cur *b)
{
    ck_assert_ptr_eq(a->p, b->p);
    ck_assert_uint_eq(a->len, b->len);
    ck_assert_uint_eq(a->off, b->off);
}

START_TEST(test_init)
{
    struct rd_cur c;

    rd_cur_init(&c, bytes, sizeof bytes);
    ck_assert_ptr_eq(c.p, bytes);
    ck_assert_uint_eq(c.len, 9);
    ck_assert_uint_eq(c.off, 0);
    ck_assert(!rd_cur_is_empty(&c));
    rd_cur_init(&c, NULL, 5); /* a NULL buffer is an empty view */
    ck_assert_uint_eq(c.len, 0);
    ck_assert(rd_cur_is_empty(&c));
}
END_TEST

START_TEST(test_integers)
{
    struct rd_cur c;
    uint8_t v8;
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;

    rd_cur_init(&c, bytes, sizeof bytes);
    ck_assert(rd_cur_u8(&c, &v8));
    ck_assert_uint_eq(v8, 0x01);
    ck_assert(rd_cur_u16be(&c, &v16));
    ck_assert_uint_eq(v16, 0x0203);
    ck_assert(rd_cur_u16le(&c, &v16));
    ck_assert_uint_eq(v16, 0x0504);
    ck_assert(rd_cur_u24be(&c, &v32));
    ck_assert_uint_eq(v32, 0x060708);
    ck_assert_uint_eq(c.off, 8);
    ck_assert_uint_eq(c.len, 1);

    rd_cur_init(&c, bytes, sizeof bytes);
    ck_assert(rd_cur_u32be(&c, &v32));
    ck_assert_uint_eq(v32, 0x01020304);
    ck_assert(rd_cur_u32le(&c, &v32));
    ck_assert_uint_eq(v32, 0x08070605);

    rd_cur_init(&c, bytes, sizeof bytes);
    ck_assert(rd_cur_u64be(&c, &v64));
    ck_assert_uint_eq(v64, 0x0102030405060708ull);
    rd_cur_init(&c, bytes, sizeof bytes);
    ck_assert(rd_cur_u64le(&c, &v64));
    ck_assert_uint_eq(v64, 0x0807060504030201ull);
    ck_assert_uint_eq(c.off, 8);
}
END_TEST

/* Each getter on a view one byte too short: false, nothing changed. */
START_TEST(test_short_untouched)
{
    struct rd_cur c;
    struct rd_cur before;
    uint8_t v8 = 0xaa;
    uint16_t v16 = 0xaaaa;
    uint32_t v32 = 0xaaaaaaaa;
    uint64_t v64 = 0xaaaaaaaaaaaaaaaaull;

    rd_cur_init(&c, bytes, 0);
    before = c;
    ck_assert(!rd_cur_u8(&c, &v8));
    assert_same(&c, &before);
    ck_assert_uint_eq(v8, 0xaa);
    ck_assert(!rd_cur_peek_u8(&c, &v8));
    ck_assert_uint_eq(v8, 0xaa);

    rd_cur_init(&c, bytes, 1);
    before = c;
    ck_assert(!rd_cur_u16be(&c, &v16));
    ck_assert(!rd_cur_u16le(&c, &v16));
    assert_same(&c, &before);
    ck_assert_uint_eq(v16, 0xaaaa);

    rd_cur_init(&c, bytes, 2);
    before = c;
    ck_assert(!rd_cur_u24be(&c, &v32));
    assert_same(&c, &before);
    ck_assert_uint_eq(v32, 0xaaaaaaaa);

    rd_cur_init(&c, bytes, 3);
    before = c;
    ck_assert(!rd_cur_u32be(&c, &v32));
    ck_assert(!rd_cur_u32le(&c, &v32));
    assert_same(&c, &before);
    ck_assert_uint_eq(v32, 0xaaaaaaaa);

    rd_cur_init(&c, bytes, 7);
    before = c;
    ck_assert(!rd_cur_u64be(&c, &v64));
    ck_assert(!rd_cur_u64le(&c, &v64));
    assert_same(&c, &before);
    ck_assert_uint_eq(v64, 0xaaaaaaaaaaaaaaaaull);
}
END_TEST

START_TEST(test_peek_skip)
{
    struct rd_cur c;
    struct rd_cur before;
    uint8_t v = 0;

    rd_cur_init(&c, bytes, 3);
    ck_assert(rd_cur_peek_u8(&c, &v));
    ck_assert_uint_eq(v, 0x01);
    ck_assert_uint_eq(c.len, 3);
    ck_assert(rd_cur_peek_at(&c, 2, &v));
    ck_assert_uint_eq(v, 0x03);
    v = 0xaa;
    ck_assert(!rd_cur_peek_at(&c, 3, &v));
    ck_assert(!rd_cur_peek_at(&c, (size_t)-1, &v));
    ck_assert_uint_eq(v, 0xaa);
    before = c;
    ck_assert(!rd_cur_skip(&c, 4));
    ck_assert(!rd_cur_skip(&c, (size_t)-1));
    assert_same(&c, &before);
    ck_assert(rd_cur_skip(&c, 3));
    ck_assert(rd_cur_is_empty(&c));
    ck_assert_uint_eq(c.off, 3);
    ck_assert(rd_cur_skip(&c, 0));
}
END_TEST

START_TEST(test_take)
{
    struct rd_cur c;
    struct rd_cur child = {NULL, 77, 77};
    struct rd_cur before;
    uint8_t v;

    rd_cur_init(&c, bytes, sizeof bytes);
    ck_assert(rd_cur_skip(&c, 2));
    ck_assert(rd_cur_take(&c, 3, &child));
    ck_assert_ptr_eq(child.p, bytes + 2);
    ck_assert_uint_eq(child.len, 3);
    ck_assert_uint_eq(child.off, 2); /* offset in the outermost buffer */
    ck_assert_uint_eq(c.off, 5);
    ck_assert(rd_cur_skip(&child, 2));
    ck_assert(rd_cur_u8(&child, &v));
    ck_assert_uint_eq(v, 0x05);
    ck_assert(!rd_cur_u8(&child, &v)); /* the child ends at its bound */

    before = c;
    child = (struct rd_cur){NULL, 77, 77};
    ck_assert(!rd_cur_take(&c, 5, &child));
    assert_same(&c, &before);
    ck_assert_ptr_null(child.p);
    ck_assert_uint_eq(child.len, 77);
    ck_assert(rd_cur_take(&c, 4, &child));
    ck_assert(rd_cur_is_empty(&c));
}
END_TEST

START_TEST(test_prefixed)
{
    /* u8 length 2 + 2 bytes; u16be length 1 + 1 byte; u24be length 1 + 1 byte */
    static const uint8_t b[] = {0x02, 0xa1, 0xa2, 0x00, 0x01, 0xb1, 0x00, 0x00, 0x01, 0xc1};
    /* each length one too big */
    static const uint8_t over8[] = {0x02, 0xa1};
    static const uint8_t over16[] = {0x00, 0x02, 0xa1};
    static const uint8_t over24[] = {0x00, 0x00, 0x02, 0xa1};
    /* length field itself cut */
    static const uint8_t cut16[] = {0x00};
    static const uint8_t cut24[] = {0x00, 0x00};
    struct rd_cur c;
    struct rd_cur child;
    struct rd_cur before;

    rd_cur_init(&c, b, sizeof b);
    ck_assert(rd_cur_prefixed_u8(&c, &child));
    ck_assert_ptr_eq(child.p, b + 1);
    ck_assert_uint_eq(child.len, 2);
    ck_assert_uint_eq(child.off, 1);
    ck_assert(rd_cur_prefixed_u16be(&c, &child));
    ck_assert_ptr_eq(child.p, b + 5);
    ck_assert_uint_eq(child.len, 1);
    ck_assert(rd_cur_prefixed_u24be(&c, &child));
    ck_assert_ptr_eq(child.p, b + 9);
    ck_assert_uint_eq(child.len, 1);
    ck_assert(rd_cur_is_empty(&c));

    rd_cur_init(&c, over8, sizeof over8);
    before = c;
    ck_assert(!rd_cur_prefixed_u8(&c, &child));
    assert_same(&c, &before);
    rd_cur_init(&c, over16, sizeof over16);
    before = c;
    ck_assert(!rd_cur_prefixed_u16be(&c, &child));
    assert_same(&c, &before);
    rd_cur_init(&c, over24, sizeof over24);
    before = c;
    ck_assert(!rd_cur_prefixed_u24be(&c, &child));
    assert_same(&c, &before);
    rd_cur_init(&c, cut16, sizeof cut16);
    ck_assert(!rd_cur_prefixed_u16be(&c, &child));
    ck_assert_uint_eq(c.len, 1);
    rd_cur_init(&c, cut24, sizeof cut24);
    ck_assert(!rd_cur_prefixed_u24be(&c, &child));
    ck_assert_uint_eq(c.len, 2);
    rd_cur_init(&c, NULL, 0);
    ck_assert(!rd_cur_prefixed_u8(&c, &child));
}
END_TEST

START_TEST(test_expect_copy)
{
    struct rd_cur c;
    struct rd_cur before;
    uint8_t dst[4] = {0xaa, 0xaa, 0xaa, 0xaa};

    rd_cur_init(&c, bytes, 4);
    before = c;
    ck_assert(!rd_cur_expect(&c, "\x01\x02\x04", 3)); /* mismatch */
    assert_same(&c, &before);
    ck_assert(!rd_cur_expect(&c, "\x01\x02\x03\x04\x05", 5)); /* longer than the view */
    assert_same(&c, &before);
    ck_assert(rd_cur_expect(&c, "\x01\x02", 2));
    ck_assert_uint_eq(c.off, 2);

    before = c;
    ck_assert(!rd_cur_copy(&c, 3, dst, sizeof dst)); /* more than the view holds */
    ck_assert(!rd_cur_copy(&c, 2, dst, 1));          /* more than dst holds */
    assert_same(&c, &before);
    ck_assert_uint_eq(dst[0], 0xaa);
    ck_assert(rd_cur_copy(&c, 2, dst, sizeof dst));
    ck_assert_uint_eq(dst[0], 0x03);
    ck_assert_uint_eq(dst[1], 0x04);
    ck_assert_uint_eq(dst[2], 0xaa);
    ck_assert(rd_cur_is_empty(&c));
    ck_assert(rd_cur_copy(&c, 0, NULL, 0));
}
END_TEST

START_TEST(test_slice)
{
    struct rd_cur base;
    struct rd_cur child = {NULL, 77, 77};

    rd_cur_init(&base, bytes, sizeof bytes);
    ck_assert(rd_cur_skip(&base, 1)); /* base.off = 1, len 8 */
    ck_assert(rd_cur_slice(&base, 2, 3, &child));
    ck_assert_ptr_eq(child.p, bytes + 3);
    ck_assert_uint_eq(child.len, 3);
    ck_assert_uint_eq(child.off, 3);
    ck_assert_uint_eq(base.len, 8); /* the base does not move */

    ck_assert(rd_cur_slice(&base, 8, 0, &child)); /* empty slice at the very end */
    ck_assert_uint_eq(child.len, 0);
    ck_assert(rd_cur_slice(&base, 0, 8, &child)); /* the whole view */

    child = (struct rd_cur){NULL, 77, 77};
    ck_assert(!rd_cur_slice(&base, 9, 0, &child));          /* offset past the end */
    ck_assert(!rd_cur_slice(&base, 5, 4, &child));          /* one byte too long */
    ck_assert(!rd_cur_slice(&base, 1, (size_t)-1, &child)); /* off + n would wrap */
    ck_assert(!rd_cur_slice(&base, (size_t)-1, 2, &child));
    ck_assert_ptr_null(child.p);
    ck_assert_uint_eq(child.len, 77);
}
END_TEST

START_TEST(test_rest_eq_fail)
{
    struct rd_cur c;
    struct rd_bytes r;
    struct rd_diag d = {0};

    rd_cur_init(&c, bytes, sizeof bytes);
    ck_assert(rd_cur_skip(&c, 7));
    r = rd_cur_rest(&c);
    ck_assert_ptr_eq(r.p, bytes + 7);
    ck_assert_uint_eq(r.len, 2);
    ck_assert_uint_eq(c.len, 2);
    ck_assert(rd_bytes_eq(r, "\x08\x09", 2));
    ck_assert(!rd_bytes_eq(r, "\x08", 1));
    ck_assert(!rd_bytes_eq(r, "\x08\x0a", 2));

    /* rd_fail keeps the first failure only. */
    ck_assert_int_eq(rd_fail(&d, RD_WHY_OVERRUN, &c, "a.b"), RD_MALFORMED);
    ck_assert_int_eq(rd_fail(&d, RD_WHY_SHORT, NULL, "c.d"), RD_MALFORMED);
    ck_assert_int_eq(d.why, RD_WHY_OVERRUN);
    ck_assert_str_eq(d.field, "a.b");
    ck_assert_uint_eq(d.off, 7);
    ck_assert_int_eq(rd_fail(NULL, RD_WHY_SHORT, NULL, "x"), RD_MALFORMED);

    ck_assert_str_eq(rd_why_name(RD_WHY_NONE), "none");
    ck_assert_str_eq(rd_why_name(RD_WHY_SHORT), "short");
    ck_assert_str_eq(rd_why_name(RD_WHY_OVERRUN), "overrun");
    ck_assert_str_eq(rd_why_name(RD_WHY_TRAILING), "trailing bytes");
    ck_assert_str_eq(rd_why_name(RD_WHY_BAD_VALUE), "bad value");
    ck_assert_str_eq(rd_why_name(RD_WHY_UNSUPPORTED), "unsupported");
    ck_assert_str_eq(rd_why_name(RD_WHY_LIMIT), "limit");
}
END_TEST

static Suite *cursor_suite(void)
{
    Suite *s = suite_create("cursor");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_init);
    tcase_add_test(tc, test_integers);
    tcase_add_test(tc, test_short_untouched);
    tcase_add_test(tc, test_peek_skip);
    tcase_add_test(tc, test_take);
    tcase_add_test(tc, test_prefixed);
    tcase_add_test(tc, test_expect_copy);
    tcase_add_test(tc, test_slice);
    tcase_add_test(tc, test_rest_eq_fail);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cursor_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
