/*
 * check_report.c - report helpers: rd_format_fixed against printf's own
 * "%.*f" on a double, for the values a timeline prints (nanoseconds as
 * seconds or milliseconds) and for the ties and limits where it hands over to
 * printf; rd_json_string against a character-at-a-time reference.
 */
#include "config.h"

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "report.h"
#include "textfmt.h"

/* No ck_assert per value (Check records a mark per assertion): the first
 * difference is kept and asserted once. */
static char first_diff[256];
static unsigned long compared;

static void compare(int64_t num, int64_t unit, int decimals)
{
    char want[64], got[64];

    snprintf(want, sizeof want, "%.*f", decimals, (double)num / (double)unit);
    rd_format_fixed(got, sizeof got, num, unit, decimals);
    compared++;
    if (strcmp(want, got) != 0 && first_diff[0] == '\0') {
        snprintf(first_diff, sizeof first_diff, "%lld / %lld, %d decimals: printf %s, got %s",
                 (long long)num, (long long)unit, decimals, want, got);
    }
}

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 11;
}

START_TEST(fixed_matches_printf)
{
    static const struct {
        int64_t unit;
        int decimals;
    } forms[] = {{1000000000, 6}, {1000000000, 3}, {1000000, 3}, {1000, 0}, {1, 0}};
    uint64_t seed = 1;

    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        int64_t unit = forms[f].unit;
        int dec = forms[f].decimals;
        for (int64_t v = 0; v < 200000; v++) { /* every value near zero, ties included */
            compare(v, unit, dec);
        }
        for (int i = 0; i < 300000; i++) { /* spread over 0 .. 1e15 and beyond */
            uint64_t r = lcg(&seed);
            int64_t v = (int64_t)(r % (1ULL << (r % 52 + 1)));
            compare(v, unit, dec);
            compare(v - v % 1000 + 500, unit, dec); /* a tie at microseconds */
        }
        compare(-1, unit, dec);
        compare(-1500, unit, dec);
        compare(999999999999999LL, unit, dec);
        compare(1000000000000000LL, unit, dec);
        compare(INT64_MAX, unit, dec);
    }
    ck_assert_msg(first_diff[0] == '\0', "%s", first_diff);
    ck_assert_uint_gt(compared, 3000000);
}
END_TEST

START_TEST(fixed_respects_the_buffer)
{
    char small[5];

    memset(small, 'x', sizeof small);
    rd_format_fixed(small, sizeof small, 123456789012LL, 1000000000, 6); /* "123.456789" */
    ck_assert_str_eq(small, "123.");
    rd_format_fixed(small, sizeof small, 1500, 1000, 0); /* a tie: printf's path, cut too */
    ck_assert_str_eq(small, "2");
}
END_TEST

/* The escaping rd_json_string must do, one character at a time (RFC 8259 7). */
static void json_reference(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            fprintf(f, "\\%c", *p);
        } else if (*p == '\n') {
            fputs("\\n", f);
        } else if (*p == '\r') {
            fputs("\\r", f);
        } else if (*p == '\t') {
            fputs("\\t", f);
        } else if (*p < 0x20 || *p >= 0x7f) {
            fprintf(f, "\\u%04x", *p);
        } else {
            fputc(*p, f);
        }
    }
    fputc('"', f);
}

static char *json_of(void (*fn)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    ck_assert_ptr_nonnull(f);
    fn(f, s);
    fclose(f);
    return buf;
}

START_TEST(json_string_escapes_like_the_reference)
{
    static const char *fixed[] = {"",
                                  "plain",
                                  "\"",
                                  "\\",
                                  "a\"b\\c\nd\re\tf",
                                  "\x01\x1f\x7f\x80\xff",
                                  "ends with a quote\"",
                                  "\"starts",
                                  "caf\xc3\xa9"};
    uint64_t seed = 7;
    char s[64];

    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        char *a = json_of(rd_json_string, fixed[i]), *b = json_of(json_reference, fixed[i]);
        ck_assert_str_eq(a, b);
        free(a);
        free(b);
    }
    for (int i = 0; i < 20000; i++) { /* random strings over every byte value */
        size_t n = (size_t)(lcg(&seed) % (sizeof s));
        for (size_t j = 0; j < n; j++) {
            s[j] = (char)(1 + lcg(&seed) % 255);
        }
        s[n] = '\0';
        char *a = json_of(rd_json_string, s), *b = json_of(json_reference, s);
        if (strcmp(a, b) != 0 && first_diff[0] == '\0') {
            snprintf(first_diff, sizeof first_diff, "json of a %zu-byte string: %s, want %s", n, a,
                     b);
        }
        free(a);
        free(b);
    }
    ck_assert_msg(first_diff[0] == '\0', "%s", first_diff);
}
END_TEST

/* rd_format and snprintf into buffers of each size (bytes behind the size
 * included): the same return value and the same bytes. */
static const size_t fmt_sizes[] = {0, 1, 2, 3, 5, 8, 17, 64, 300};

#define SAME_AS_SNPRINTF(...)                                                                      \
    do {                                                                                           \
        for (size_t i_ = 0; i_ < sizeof fmt_sizes / sizeof fmt_sizes[0]; i_++) {                   \
            char want_[320], got_[320];                                                            \
            int nw_, ng_;                                                                          \
            memset(want_, 'Z', sizeof want_);                                                      \
            memset(got_, 'Z', sizeof got_);                                                        \
            nw_ = snprintf(fmt_sizes[i_] ? want_ : NULL, fmt_sizes[i_], __VA_ARGS__);              \
            ng_ = rd_format(fmt_sizes[i_] ? got_ : NULL, fmt_sizes[i_], __VA_ARGS__);              \
            ck_assert_msg(nw_ == ng_, "%s, size %zu: snprintf %d, rd_format %d", #__VA_ARGS__,     \
                          fmt_sizes[i_], nw_, ng_);                                                \
            ck_assert_msg(memcmp(want_, got_, sizeof want_) == 0,                                  \
                          "%s, size %zu: \"%.80s\" vs \"%.80s\"", #__VA_ARGS__, fmt_sizes[i_],     \
                          want_, got_);                                                            \
        }                                                                                          \
    } while (0)

START_TEST(format_matches_snprintf)
{
    static const long long ints[] = {0,
                                     1,
                                     -1,
                                     7,
                                     9,
                                     10,
                                     99,
                                     100,
                                     255,
                                     256,
                                     4095,
                                     65535,
                                     65536,
                                     2147483647LL,
                                     -2147483647LL - 1,
                                     4294967295LL,
                                     9223372036854775807LL,
                                     -9223372036854775807LL - 1};
    /* Read through a volatile so that the compiler cannot see the NULL. */
    static const char *volatile null_string;
    const char *none = null_string;

    SAME_AS_SNPRINTF("plain text, no conversion");
    SAME_AS_SNPRINTF("%s", "");
    SAME_AS_SNPRINTF("100%% of %s", "it");
    SAME_AS_SNPRINTF("[%s] [%10s] [%3s] [%.2s] [%.*s] [%5.1s]", "abc", "abc", "abcdef", "abc", 4,
                     "abcdefgh", "xyz");
    SAME_AS_SNPRINTF("%.*s|%.0s|%.*s", 0, "abc", "abc", 3, "a");
    SAME_AS_SNPRINTF("%c%c%5c|", 'a', 'Z', 'q');
    SAME_AS_SNPRINTF("a%cb", 0);
    SAME_AS_SNPRINTF("%s then %s", "a string longer than a few of the buffers above", "more");
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        long long v = ints[i];
        SAME_AS_SNPRINTF("%d %i %5d %05d %02d %1d", (int)v, (int)v, (int)v, (int)v, (int)v, (int)v);
        SAME_AS_SNPRINTF("%u %x %X %08x %02X %4u", (unsigned)v, (unsigned)v, (unsigned)v,
                         (unsigned)v, (unsigned)v, (unsigned)v);
        SAME_AS_SNPRINTF("%ld %lu %lx %020ld", (long)v, (unsigned long)v, (unsigned long)v,
                         (long)v);
        SAME_AS_SNPRINTF("%lld %llu %llx %llX %021lld", v, (unsigned long long)v,
                         (unsigned long long)v, (unsigned long long)v, v);
        SAME_AS_SNPRINTF("%zu %zx %zd", (size_t)v, (size_t)v, (ssize_t)v);
        SAME_AS_SNPRINTF("%hu %hd %hx %hhu %hhd %02hhx", (unsigned short)v, (short)v,
                         (unsigned short)v, (unsigned char)v, (signed char)v, (unsigned char)v);
    }
    /* Handed to vsnprintf: floating point, flags and forms not formatted here. */
    SAME_AS_SNPRINTF("%.3f ms, %s", 1.0005, "after");
    SAME_AS_SNPRINTF("%s %g %e", "x", 0.1, 12345.678);
    SAME_AS_SNPRINTF("[%-6s] [%+d] [% d] [%#x] [%*d] [%.3d]", "ab", 5, 5, 255, 4, 7, 7);
    SAME_AS_SNPRINTF("%u then %-4u|", 3u, 4u);
    SAME_AS_SNPRINTF("%s and %s", "first", none);
    SAME_AS_SNPRINTF("%.*s", -1, "negative precision");
    SAME_AS_SNPRINTF("%p", (void *)&ints);
    SAME_AS_SNPRINTF("%jd %td", (intmax_t)-5, (ptrdiff_t)6);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *t = tcase_create("fixed");

    tcase_add_test(t, fixed_matches_printf);
    tcase_add_test(t, fixed_respects_the_buffer);
    tcase_add_test(t, json_string_escapes_like_the_reference);
    tcase_add_test(t, format_matches_snprintf);
    tcase_set_timeout(t, 60);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(report_suite());
    int failed;

    srunner_run_all(r, CK_NORMAL);
    failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
